package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite backups are plain SQLite files: any sqlite3 tool opens one, and
// `involve restore` puts one back. A backup is written beside a running
// server with VACUUM INTO, which reads the whole database in one read
// transaction: under WAL that sees one committed state and does not hold
// up the server's writers. Every file written here goes to a temporary
// name first, is checked and synced, and only then takes its real name, so
// a backup or a restored database is never seen half written.

// ErrInUse means another process (a running server) has the database open.
var ErrInUse = errors.New("the database is open in another process; stop `involve serve` first")

// ErrHasData means the database a restore would replace holds members.
var ErrHasData = errors.New("the database already has data")

// FileInfo describes a checked SQLite file.
type FileInfo struct {
	Path    string
	Size    int64
	Version int64 // migrations applied
	Members int64
}

// LatestVersion is the newest migration this binary carries for d.
func LatestVersion(d Dialect) (int64, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+string(d))
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		if v, err := strconv.ParseInt(num, 10, 64); err == nil && v > latest {
			latest = v
		}
	}
	return latest, nil
}

// openFile opens one SQLite file on a single connection, without the
// server's pragmas: these functions read or replace files, they do not
// serve from them.
func openFile(path string) (*sql.DB, error) {
	c, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_time_format=sqlite")
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(1)
	return c, nil
}

// BackupSQLite writes a consistent copy of the SQLite database at src to
// dst, which must not exist yet, and checks the copy. It is safe while a
// server writes to src.
func BackupSQLite(ctx context.Context, src, dst string) (FileInfo, error) {
	if _, err := os.Stat(src); err != nil {
		return FileInfo{}, fmt.Errorf("no database at %s: %w", src, err)
	}
	if _, err := os.Stat(dst); err == nil {
		return FileInfo{}, fmt.Errorf("%s already exists; choose a new name, so no earlier backup is overwritten", dst)
	}
	tmp, err := tempName(dst)
	if err != nil {
		return FileInfo{}, err
	}
	defer os.Remove(tmp) // gone already after the rename
	c, err := openFile(src)
	if err != nil {
		return FileInfo{}, err
	}
	_, err = c.ExecContext(ctx, `VACUUM INTO ?`, tmp)
	c.Close()
	if err != nil {
		return FileInfo{}, fmt.Errorf("backup: %w", err)
	}
	info, err := CheckSQLiteFile(ctx, tmp)
	if err != nil {
		return FileInfo{}, fmt.Errorf("backup: the copy failed its check: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // it holds members' data
		return FileInfo{}, err
	}
	if err := syncFile(tmp); err != nil {
		return FileInfo{}, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return FileInfo{}, err
	}
	info.Path = dst
	return info, syncDir(filepath.Dir(dst))
}

// CheckSQLiteFile checks that path is a sound Involve database this binary
// can run: SQLite's integrity check passes and its migrations are ones this
// binary knows. It leaves the file in rollback-journal mode, one file with
// nothing beside it. Run it on a copy of anything precious.
func CheckSQLiteFile(ctx context.Context, path string) (FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return FileInfo{}, err
	}
	c, err := openFile(path)
	if err != nil {
		return FileInfo{}, err
	}
	defer c.Close()
	var mode string
	if err := c.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		return FileInfo{}, fmt.Errorf("%s is not a SQLite database: %w", path, err)
	}
	var ok string
	if err := c.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&ok); err != nil {
		return FileInfo{}, fmt.Errorf("%s is not a SQLite database: %w", path, err)
	}
	if ok != "ok" {
		return FileInfo{}, fmt.Errorf("%s is damaged: %s", path, ok)
	}
	info := FileInfo{Path: path, Size: st.Size()}
	var tables int
	if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('goose_db_version', 'members')`).Scan(&tables); err != nil {
		return FileInfo{}, err
	}
	if tables != 2 {
		return FileInfo{}, fmt.Errorf("%s is a SQLite database but not an Involve one", path)
	}
	sub, err := fs.Sub(migrations, "migrations/"+string(SQLite))
	if err != nil {
		return FileInfo{}, err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, c, sub)
	if err != nil {
		return FileInfo{}, err
	}
	if info.Version, err = p.GetDBVersion(ctx); err != nil {
		return FileInfo{}, fmt.Errorf("%s: migration version: %w", path, err)
	}
	latest, err := LatestVersion(SQLite)
	if err != nil {
		return FileInfo{}, err
	}
	if info.Version < 1 || info.Version > latest {
		return FileInfo{}, fmt.Errorf("%s is at migration %d, and this version of Involve knows 1 to %d; use the version that made it, or a newer one", path, info.Version, latest)
	}
	if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM members`).Scan(&info.Members); err != nil {
		return FileInfo{}, err
	}
	return info, nil
}

// RestoreSQLite replaces the SQLite database at dst with the backup at src.
// It refuses while another process has dst open, and refuses to replace a
// database with members in it unless force is set. src is copied and the
// copy checked before dst is touched; the copy then takes dst's name in
// one rename, after dst's write-ahead log is gone, so that no stale log is
// ever applied to the restored file.
func RestoreSQLite(ctx context.Context, src, dst string, force bool) (FileInfo, error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return FileInfo{}, err
	}
	tmp, err := tempName(dst)
	if err != nil {
		return FileInfo{}, err
	}
	defer os.Remove(tmp)
	if err := copyFile(src, tmp); err != nil {
		return FileInfo{}, err
	}
	info, err := CheckSQLiteFile(ctx, tmp)
	if err != nil {
		return FileInfo{}, fmt.Errorf("%s cannot be restored: %s", src, strings.Replace(err.Error(), tmp, "the backup", 1))
	}
	if _, err := os.Stat(dst); err == nil {
		if err := releaseExisting(ctx, dst, force); err != nil {
			return FileInfo{}, err
		}
	}
	if err := syncFile(tmp); err != nil {
		return FileInfo{}, err
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(dst + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return FileInfo{}, err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return FileInfo{}, err
	}
	info.Path = dst
	return info, syncDir(filepath.Dir(dst))
}

// releaseExisting checks that dst may be replaced. Leaving WAL mode needs
// the only connection to the file, so it fails while a server has it open
// (a server always opens in WAL mode); when it succeeds, the log is folded
// into the file and removed.
func releaseExisting(ctx context.Context, dst string, force bool) error {
	c, err := sql.Open("sqlite", "file:"+dst+"?_pragma=busy_timeout(0)")
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	var mode string
	err = c.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode)
	var se *sqlite.Error
	switch {
	case errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY, err == nil && mode != "delete":
		return fmt.Errorf("%s: %w", dst, ErrInUse)
	case err != nil:
		return fmt.Errorf("%s is there but cannot be read as a database (%v); move it away first", dst, err)
	}
	var members int64
	err = c.QueryRowContext(ctx, `SELECT COUNT(*) FROM members`).Scan(&members)
	if err != nil && !strings.Contains(err.Error(), "no such table") {
		return fmt.Errorf("%s: %w", dst, err)
	}
	if members > 0 && !force {
		return fmt.Errorf("%s has %d members: %w; restore to another path, or add --force to replace it", dst, members, ErrHasData)
	}
	return nil
}

// tempName is a new name beside path, in the same directory so that a
// rename moves it into place atomically.
func tempName(path string) (string, error) {
	b := make([]byte, 6)
	rand.Read(b)
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("no directory %s: %w", dir, err)
	}
	return filepath.Join(dir, "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(b)), nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir survive a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
