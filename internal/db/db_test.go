package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"involve/internal/db"
	"involve/internal/testutil"
)

func TestErrorsAndTimes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 29, 1, 30, 0, 0, time.FixedZone("CET", 3600))
		insert := `INSERT INTO members (handle, handle_key, passphrase_hash, created_at, passphrase_set_at) VALUES (?, ?, 'x', ?, ?)`
		id, err := db.InsertID(ctx, d, insert, "Ana", "ana", at, at)
		if err != nil {
			t.Fatal(err)
		}
		if id <= 0 {
			t.Fatalf("id = %d", id)
		}
		if _, err := db.InsertID(ctx, d, insert, "ANA", "ana", at, at); !errors.Is(err, db.ErrConflict) {
			t.Fatalf("duplicate key: got %v, want ErrConflict", err)
		}
		var got time.Time
		if err := d.QueryRow(ctx, `SELECT created_at FROM members WHERE id = ?`, id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(at) {
			t.Fatalf("time round trip: got %v, want %v", got, at)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM members WHERE created_at < ?`, at.Add(time.Second)).Scan(&n); err != nil || n != 1 {
			t.Fatalf("time comparison: n=%d err=%v", n, err)
		}
		if err := d.QueryRow(ctx, `SELECT id FROM members WHERE id = ?`, id+100).Scan(&n); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("missing row: got %v, want ErrNotFound", err)
		}
		// A failed transaction leaves nothing behind.
		boom := errors.New("boom")
		err = d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := db.InsertID(ctx, tx, insert, "Bo", "bo", at, at); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("tx error = %v", err)
		}
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM members`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("after rollback: n=%d err=%v", n, err)
		}
		// Migrating twice is harmless.
		if err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPlaceholdersAndInOrder(t *testing.T) {
	if got := db.Placeholders(3); got != "?, ?, ?" {
		t.Errorf("Placeholders(3) = %q", got)
	}
	if got := db.Placeholders(1); got != "?" {
		t.Errorf("Placeholders(1) = %q", got)
	}
	type item struct{ id int64 }
	got := db.InOrder([]int64{3, 1, 9, 2}, []item{{1}, {2}, {3}}, func(i item) int64 { return i.id })
	if len(got) != 3 || got[0].id != 3 || got[1].id != 1 || got[2].id != 2 {
		t.Errorf("InOrder = %v, want 3, 1, 2 (9 has no item)", got)
	}
	if in, args := db.In([]int64{7, 5}); in != "?, ?" || len(args) != 2 || args[0] != int64(7) || args[1] != int64(5) {
		t.Errorf("In(7, 5) = %q, %v", in, args)
	}
}
