// Package db opens Involve's database, SQLite or PostgreSQL, applies the
// embedded migrations and hides the few differences between the two behind
// one small API: queries are written once with "?" placeholders, driver errors
// become shared sentinels, and times are always stored in UTC.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Shared sentinels: store code checks these with errors.Is, never driver types.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict") // a unique or primary key already taken
)

// Querier is what store functions need; both *DB and *Tx satisfy it, so a
// store function can run on its own or inside a caller's transaction.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *Row
	// ExecRow runs a statement that changes data and returns one row
	// (INSERT … RETURNING, UPDATE … RETURNING).
	ExecRow(ctx context.Context, query string, args ...any) *Row
	Dialect() Dialect
}

// DB is a connection to Involve's database. On SQLite writes go through a
// single connection (SQLite allows one writer at a time, and queuing in Go is
// cheaper than busy-waiting in SQLite) and reads through a small pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	// writes and reads run queries on write and read, prepared once per
	// connection on SQLite (see stmtCache).
	writes, reads *stmtCache
}

// Open connects to url: a postgres:// or postgresql:// URL selects
// PostgreSQL; anything else is taken as the path of a SQLite file.
func Open(ctx context.Context, url string) (*DB, error) {
	var d *DB
	var err error
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		d, err = openPostgres(url)
	} else {
		d, err = openSQLite(strings.TrimPrefix(url, "sqlite://"))
	}
	if err != nil {
		return nil, err
	}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db: connect: %w", err)
	}
	return d, nil
}

func openSQLite(path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("db: create data directory: %w", err)
		}
	}
	// synchronous(FULL): an acknowledged write survives a power cut, not only
	// a crash of the process. _time_format keeps times sortable as text.
	base := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_time_format=sqlite"
	write, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	n := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{dialect: SQLite, write: write, read: read,
		writes: newStmtCache(write, true), reads: newStmtCache(read, true)}, nil
}

func openPostgres(url string) (*DB, error) {
	pool, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("db: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(20)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	c := newStmtCache(pool, false)
	return &DB{dialect: Postgres, write: pool, read: pool, writes: c, reads: c}, nil
}

// Dialect reports which engine this is.
func (d *DB) Dialect() Dialect { return d.dialect }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return err
	}
	return d.read.PingContext(ctx)
}

// Close closes every connection.
func (d *DB) Close() error {
	d.writes.close()
	d.reads.close()
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Pools returns the underlying pools by name, for metrics.
func (d *DB) Pools() map[string]*sql.DB {
	if d.read == d.write {
		return map[string]*sql.DB{"main": d.write}
	}
	return map[string]*sql.DB{"write": d.write, "read": d.read}
}

// Exec runs a statement that changes data.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := d.writes.exec(ctx, d.rebind(query), normalize(args))
	return res, mapError(err)
}

// Query runs a read-only query.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := d.reads.query(ctx, d.rebind(query), normalize(args))
	return rows, mapError(err)
}

// QueryRow runs a read-only query expected to return at most one row.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *Row {
	return &Row{row: d.reads.queryRow(ctx, d.rebind(query), normalize(args))}
}

// ExecRow runs a statement that changes data and returns one row.
func (d *DB) ExecRow(ctx context.Context, query string, args ...any) *Row {
	return &Row{row: d.writes.queryRow(ctx, d.rebind(query), normalize(args))}
}

// Tx runs fn in a transaction on the write connection, committing when fn
// returns nil and rolling back otherwise.
func (d *DB) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	stx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", mapError(err))
	}
	tx := &Tx{tx: stx, dialect: d.dialect, stmts: d.writes}
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", mapError(err))
	}
	return nil
}

// Tx is a transaction; within it reads and writes see each other.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
	stmts   *stmtCache // the write pool's, whose one connection the transaction holds
}

func (t *Tx) Dialect() Dialect { return t.dialect }

func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = rebind(t.dialect, query)
	var res sql.Result
	var err error
	if st := t.stmts.lookup(query); st != nil {
		res, err = t.tx.StmtContext(ctx, st).ExecContext(ctx, normalize(args)...)
	} else {
		res, err = t.tx.ExecContext(ctx, query, normalize(args)...)
	}
	return res, mapError(err)
}

func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = rebind(t.dialect, query)
	var rows *sql.Rows
	var err error
	if st := t.stmts.lookup(query); st != nil {
		rows, err = t.tx.StmtContext(ctx, st).QueryContext(ctx, normalize(args)...)
	} else {
		rows, err = t.tx.QueryContext(ctx, query, normalize(args)...)
	}
	return rows, mapError(err)
}

func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *Row {
	query = rebind(t.dialect, query)
	if st := t.stmts.lookup(query); st != nil {
		return &Row{row: t.tx.StmtContext(ctx, st).QueryRowContext(ctx, normalize(args)...)}
	}
	return &Row{row: t.tx.QueryRowContext(ctx, query, normalize(args)...)}
}

func (t *Tx) ExecRow(ctx context.Context, query string, args ...any) *Row {
	return t.QueryRow(ctx, query, args...)
}

// Stmt is a statement prepared once in a transaction and run many times,
// for bulk loads such as the generated demo data.
type Stmt struct{ stmt *sql.Stmt }

// Prepare readies query for running many times inside the transaction.
func (t *Tx) Prepare(ctx context.Context, query string) (*Stmt, error) {
	st, err := t.tx.PrepareContext(ctx, rebind(t.dialect, query))
	if err != nil {
		return nil, mapError(err)
	}
	return &Stmt{stmt: st}, nil
}

// Exec runs the prepared statement with args.
func (s *Stmt) Exec(ctx context.Context, args ...any) (sql.Result, error) {
	res, err := s.stmt.ExecContext(ctx, normalize(args)...)
	return res, mapError(err)
}

// Close releases the statement.
func (s *Stmt) Close() error { return s.stmt.Close() }

// Row is like sql.Row but reports a missing row as ErrNotFound.
type Row struct{ row *sql.Row }

func (r *Row) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return mapError(err)
}

// InsertID runs an INSERT … RETURNING id and returns the new id; both
// engines support RETURNING, so this is the one way ids come back.
func InsertID(ctx context.Context, q Querier, query string, args ...any) (int64, error) {
	var id int64
	err := q.ExecRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// Placeholders returns "?, ?, …" for n values, for an IN list or a row of
// an INSERT.
func Placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// In returns the placeholders and arguments of an IN list of ids:
// "WHERE id IN ("+list+")" with args.
func In(ids []int64) (list string, args []any) {
	args = make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return Placeholders(len(ids)), args
}

// InOrder returns the items whose id is among ids, in the order of ids: a
// query "WHERE id IN (…)" gives its rows in no particular order.
func InOrder[T any](ids []int64, items []T, id func(T) int64) []T {
	byID := make(map[int64]T, len(items))
	for _, it := range items {
		byID[id(it)] = it
	}
	out := make([]T, 0, len(ids))
	for _, i := range ids {
		if it, ok := byID[i]; ok {
			out = append(out, it)
		}
	}
	return out
}

func (d *DB) rebind(q string) string { return rebind(d.dialect, q) }

// rebind turns "?" placeholders into PostgreSQL's "$1, $2, …". Queries are
// our own constants and never hold a literal question mark.
func rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// normalize stores every time in UTC so that SQLite's text times sort and
// compare correctly and both engines hold the same values.
func normalize(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = v.UTC()
		case *time.Time:
			if v != nil {
				args[i] = v.UTC()
			} else {
				args[i] = nil
			}
		}
	}
	return args
}
