package search

import (
	"context"
	"os"
	"testing"

	"involve/internal/db"
)

// BenchmarkSearch times one search on a database made by
// `involve demo --scale 1`, named by INVOLVE_SEARCH_BENCH_DB (a SQLite
// path or a PostgreSQL URL); without it the benchmark is skipped.
func BenchmarkSearch(b *testing.B) {
	url := os.Getenv("INVOLVE_SEARCH_BENCH_DB")
	if url == "" {
		b.Skip("INVOLVE_SEARCH_BENCH_DB is not set")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	ix := New(d)
	for _, q := range []string{"naloxone training", "n", "harm reduction", "housing"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := ix.Search(ctx, q, "en", Viewer{}, 30); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
