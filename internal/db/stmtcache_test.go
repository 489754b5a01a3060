package db

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestStmtCache checks that SQLite queries are prepared once and reused,
// that the cache stops at its bound and still answers beyond it, that a
// query which does not prepare reports its error as before, and that a
// transaction runs cached statements on the connection it holds.
func TestStmtCache(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "involve.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Exec(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO t (v) VALUES (?)`
	for i := range 3 {
		if _, err := d.Exec(ctx, insert, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	if d.writes.lookup(insert) == nil {
		t.Fatal("the insert was not kept prepared")
	}

	// Many readers at once share one statement per query text.
	count := `SELECT COUNT(*) FROM t WHERE v <> ?`
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			var n int
			if err := d.QueryRow(ctx, count, "x").Scan(&n); err != nil || n != 3 {
				t.Errorf("count = %d, %v", n, err)
			}
		})
	}
	wg.Wait()
	if d.reads.lookup(count) == nil {
		t.Fatal("the count was not kept prepared")
	}

	// A transaction uses the insert prepared above, and one it has never
	// seen runs unprepared; neither waits for the connection it holds.
	err = d.Tx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, insert, "in tx"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE t SET v = v || '!' WHERE id = ?`, 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var v string
	if err := d.QueryRow(ctx, `SELECT v FROM t WHERE id = 1`).Scan(&v); err != nil || v != "0!" {
		t.Fatalf("after the transaction: %q, %v", v, err)
	}

	// A query that does not prepare fails as it would unprepared.
	if _, err := d.Query(ctx, `SELECT nope FROM t`); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("bad query: %v", err)
	}

	// A long IN list runs unprepared: each of its lengths would be a
	// statement of its own.
	long := `SELECT COUNT(*) FROM t WHERE id IN (` + Placeholders(maxPreparedParams+1) + `)`
	ids := make([]any, maxPreparedParams+1)
	for i := range ids {
		ids[i] = i + 1
	}
	var in int
	if err := d.QueryRow(ctx, long, ids...).Scan(&in); err != nil || in != 4 {
		t.Fatalf("long IN list: %d, %v", in, err)
	}
	if d.reads.lookup(long) != nil {
		t.Error("a query with a long IN list was kept prepared")
	}

	// Past the bound, queries still run, unprepared.
	for i := range maxCachedStmts + 10 {
		var n int
		if err := d.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*) + %d FROM t`, i)).Scan(&n); err != nil || n != 4+i {
			t.Fatalf("query %d: %d, %v", i, n, err)
		}
	}
	if n := len(d.reads.m); n != maxCachedStmts {
		t.Fatalf("%d statements kept, want the bound %d", n, maxCachedStmts)
	}
}
