package search

import (
	"context"
	"os"
	"syscall"
	"testing"

	"involve/internal/db"
)

// BenchmarkSearch times one search on a database made by
// `involve demo --scale 1`, named by INVOLVE_SEARCH_BENCH_DB (a SQLite
// path or a PostgreSQL URL); without it the benchmark is skipped. Besides
// the time it reports the process's CPU time per search (cpu-ms/op),
// which moves less than the time when other work shares the machine (on
// PostgreSQL it leaves out the server's).
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
	for _, q := range []string{"naloxone training", "n", "harm reduction", "housing", "равные"} {
		b.Run(q, func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				if _, _, err := ix.Search(ctx, q, "en", Viewer{}, 30); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-start)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the CPU time the process has used, in nanoseconds.
func cpuTime() int64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return u.Utime.Nano() + u.Stime.Nano()
}
