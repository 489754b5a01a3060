package db_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"involve/internal/db"
)

// openSQLite opens and migrates a SQLite database at path.
func openSQLite(t *testing.T, path string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

func addMember(t *testing.T, d db.Querier, handle string) {
	t.Helper()
	now := time.Now()
	if _, err := d.Exec(context.Background(), `INSERT INTO members (handle, handle_key, passphrase_hash, created_at, passphrase_set_at) VALUES (?, ?, 'x', ?, ?)`,
		handle, strings.ToLower(handle), now, now); err != nil {
		t.Fatal(err)
	}
}

// TestBackupSnapshotUnderWrites backs up while a writer keeps adding, in
// each transaction, a member and a session for it: a consistent snapshot
// has exactly as many sessions as members.
func TestBackupSnapshotUnderWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := openSQLite(t, filepath.Join(dir, "live.db"))
	var written atomic.Int64
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			err := d.Tx(ctx, func(tx *db.Tx) error {
				now := time.Now()
				id, err := db.InsertID(ctx, tx, `INSERT INTO members (handle, handle_key, passphrase_hash, created_at, passphrase_set_at) VALUES (?, ?, 'x', ?, ?)`,
					"w"+strconv.Itoa(i), "w"+strconv.Itoa(i), now, now)
				if err != nil {
					return err
				}
				_, err = tx.Exec(ctx, `INSERT INTO sessions (token_hash, member_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
					"t"+strconv.Itoa(i), id, now, now, now.Add(time.Hour))
				return err
			})
			if err != nil {
				done <- err
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 50 {
		time.Sleep(time.Millisecond)
	}
	var infos []db.FileInfo
	for i := range 3 {
		info, err := db.BackupSQLite(ctx, filepath.Join(dir, "live.db"), filepath.Join(dir, "backup"+strconv.Itoa(i)+".db"))
		if err != nil {
			t.Fatal(err)
		}
		infos = append(infos, info)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("writer: %v", err)
	}
	latest, _ := db.LatestVersion(db.SQLite)
	for _, info := range infos {
		if info.Version != latest || info.Members == 0 || info.Members > written.Load() {
			t.Errorf("%s: version %d (want %d), %d members of %d written", info.Path, info.Version, latest, info.Members, written.Load())
		}
		c, err := sql.Open("sqlite", info.Path)
		if err != nil {
			t.Fatal(err)
		}
		var members, sessions int64
		if err := c.QueryRow(`SELECT (SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM sessions)`).Scan(&members, &sessions); err != nil {
			t.Fatal(err)
		}
		c.Close()
		if members != sessions || members != info.Members {
			t.Errorf("%s is not one moment: %d members, %d sessions", info.Path, members, sessions)
		}
		if fi, err := os.Stat(info.Path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v", info.Path, fi.Mode(), err)
		}
	}
	t.Logf("%d writes meanwhile; backups hold %d, %d, %d members", written.Load(), infos[0].Members, infos[1].Members, infos[2].Members)
	if _, err := db.BackupSQLite(ctx, filepath.Join(dir, "live.db"), infos[0].Path); err == nil {
		t.Error("a backup overwrote an earlier one")
	}
}

func TestRestoreRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	d := openSQLite(t, src)
	addMember(t, d, "Ana")
	backup := filepath.Join(dir, "backup.db")
	if _, err := db.BackupSQLite(ctx, src, backup); err != nil {
		t.Fatal(err)
	}

	// A database held open by a server is never replaced, not even with force.
	if _, err := db.RestoreSQLite(ctx, backup, src, true); !errors.Is(err, db.ErrInUse) {
		t.Fatalf("restore over an open database: %v", err)
	}
	d.Close()
	// Closed, but it has members.
	if _, err := db.RestoreSQLite(ctx, backup, src, false); !errors.Is(err, db.ErrHasData) {
		t.Fatalf("restore over data without force: %v", err)
	}
	if _, err := db.RestoreSQLite(ctx, backup, src, true); err != nil {
		t.Fatalf("restore with force: %v", err)
	}
	// An empty, migrated database may be replaced without force.
	empty := filepath.Join(dir, "empty.db")
	openSQLite(t, empty).Close()
	info, err := db.RestoreSQLite(ctx, backup, empty, false)
	if err != nil || info.Members != 1 {
		t.Fatalf("restore over an empty database: %+v %v", info, err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(empty + suffix); err == nil {
			t.Errorf("%s left beside the restored file", suffix)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}

	// Something that is not a database is not taken for one in use.
	notDB := filepath.Join(dir, "notes.db")
	os.WriteFile(notDB, []byte(strings.Repeat("my notes ", 200)), 0o600)
	if _, err := db.RestoreSQLite(ctx, backup, notDB, true); err == nil || errors.Is(err, db.ErrInUse) || !strings.Contains(err.Error(), "move it away") {
		t.Errorf("restore over a file that is not a database: %v", err)
	}

	// Not a database, not an Involve database, a newer Involve's database.
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte(strings.Repeat("not sqlite ", 200)), 0o600)
	other := filepath.Join(dir, "other.db")
	c, _ := sql.Open("sqlite", other)
	c.Exec(`CREATE TABLE notes (x TEXT)`)
	c.Close()
	future := filepath.Join(dir, "future.db")
	if err := copyBytes(backup, future); err != nil {
		t.Fatal(err)
	}
	c, _ = sql.Open("sqlite", future)
	if _, err := c.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)`); err != nil {
		t.Fatal(err)
	}
	c.Close()
	for _, bad := range []string{junk, other, future, filepath.Join(dir, "missing.db")} {
		target := filepath.Join(dir, "target.db")
		if _, err := db.RestoreSQLite(ctx, bad, target, false); err == nil {
			t.Errorf("%s restored", filepath.Base(bad))
		} else {
			t.Logf("%s: %v", filepath.Base(bad), err)
		}
		if _, err := os.Stat(target); err == nil {
			t.Errorf("%s: a target was written", filepath.Base(bad))
		}
	}
}

func copyBytes(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o600)
}
