// Package testutil gives tests real databases: a fresh SQLite file always,
// and a fresh PostgreSQL schema when INVOLVE_TEST_POSTGRES holds a URL.
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"involve/internal/db"
)

// PostgresURL returns the PostgreSQL URL for tests, or "" when none is set.
// When INVOLVE_REQUIRE_POSTGRES is set, a missing URL fails the test instead
// of skipping it, so CI cannot pass without PostgreSQL.
func PostgresURL(t testing.TB) string {
	u := os.Getenv("INVOLVE_TEST_POSTGRES")
	if u == "" && os.Getenv("INVOLVE_REQUIRE_POSTGRES") != "" {
		t.Fatal("INVOLVE_REQUIRE_POSTGRES is set but INVOLVE_TEST_POSTGRES holds no URL")
	}
	return u
}

// ForEachDB runs fn as a subtest on a freshly migrated SQLite database and,
// when configured, on a freshly migrated PostgreSQL schema.
func ForEachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		u := PostgresURL(t)
		if u == "" {
			t.Skip("PostgreSQL tests skipped: set INVOLVE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run them")
		}
		fn(t, Postgres(t, u))
	})
}

// SQLite returns a migrated database in a temporary file.
func SQLite(t testing.TB) *db.DB { return SQLiteFrom(t, "migrated", nil) }

// SQLiteFrom returns, in a temporary file, a copy of a database that was
// migrated and then given to prepare (when not nil) once per test binary,
// under name. Migrating takes about 200 ms under the race detector and
// seeding the guide another 500, and a package's tests start hundreds of
// databases; copying a file takes a millisecond.
func SQLiteFrom(t testing.TB, name string, prepare func(context.Context, *db.DB) error) *db.DB {
	t.Helper()
	image, err := templateImage(name, prepare)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "involve.db")
	if err := os.WriteFile(path, image, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

var templates struct {
	sync.Mutex
	images map[string][]byte
}

// templateImage makes the named template database once and keeps its
// file's bytes; the file itself is removed at once.
func templateImage(name string, prepare func(context.Context, *db.DB) error) ([]byte, error) {
	templates.Lock()
	defer templates.Unlock()
	if image, ok := templates.images[name]; ok {
		return image, nil
	}
	dir, err := os.MkdirTemp("", "involve-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "involve.db")
	ctx := context.Background()
	d, err := db.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	err = d.Migrate(ctx)
	if err == nil && prepare != nil {
		err = prepare(ctx, d)
	}
	// Closing the last connection checkpoints the write-ahead log into
	// the file and removes the log, so the file alone is the database.
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("template database %q: %w", name, err)
	}
	image, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if templates.images == nil {
		templates.images = map[string][]byte{}
	}
	templates.images[name] = image
	return image, nil
}

// Postgres returns a migrated database in a new schema of the server at
// base; the schema is dropped when the test ends.
func Postgres(t testing.TB, base string) *db.DB {
	t.Helper()
	URL, schema := NewPostgresSchema(t, base)
	d, err := db.Open(context.Background(), URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate schema %s: %v", schema, err)
	}
	return d
}

// NewPostgresSchema creates an empty schema and returns a URL whose
// connections use it, so tests never see each other's rows.
func NewPostgresSchema(t testing.TB, base string) (string, string) {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer c.Close()
		c.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema
}
