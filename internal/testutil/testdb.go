// Package testutil gives tests real databases: a fresh SQLite file always,
// and a fresh PostgreSQL schema when INVOLVE_TEST_POSTGRES holds a URL.
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
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
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "involve.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
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
