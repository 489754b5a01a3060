package search

import (
	"context"
	"errors"
	"testing"
	"time"

	"involve/internal/db"
	"involve/internal/testutil"
)

// TestSearchesInLine checks that on SQLite searches beyond one per core
// wait for a place, and that one whose reader has gone stops waiting.
func TestSearchesInLine(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ix := New(d)
		if d.Dialect() == db.Postgres {
			if ix.ranking != nil {
				t.Fatal("searches wait in line on PostgreSQL, whose server does the ranking")
			}
			return
		}
		ctx := context.Background()
		if err := ix.Put(ctx, d, Document{Kind: "guide", Ref: "a", Lang: "en", Title: "Naloxone", Body: "Naloxone training", URL: "/guide/a"}); err != nil {
			t.Fatal(err)
		}
		for range cap(ix.ranking) {
			ix.ranking <- struct{}{}
		}
		short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if _, _, err := ix.Search(short, "naloxone", "en", Viewer{}, 10); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a search with every place taken: err %v; want it to wait until its context ends", err)
		}
		<-ix.ranking // a place frees: the next search runs
		hits, _, err := ix.Search(ctx, "naloxone", "en", Viewer{}, 10)
		if err != nil || len(hits) != 1 {
			t.Fatalf("with a free place: %d hits, err %v", len(hits), err)
		}
	})
}
