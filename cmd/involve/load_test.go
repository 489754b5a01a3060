package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"involve/internal/loadtest"
)

// TestLoad runs the load test's simulated members briefly against the real
// server on SQLite, so that bench/load keeps up with the site it drives:
// a page whose links or forms change under it shows up here.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	dir := t.TempDir()
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--db", filepath.Join(dir, "involve.db"), "--demo", "--data", dir}, nil, out, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base := "http://" + addr
	started := time.Now()
	for i := 0; i < 600 && !strings.Contains(out.String(), "running"); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if resp, err := http.Get(base + "/healthz"); err != nil {
		t.Fatalf("server never answered: %v\n%s", err, out.String())
	} else {
		resp.Body.Close()
	}
	t.Logf("server with demo content started in %s", time.Since(started).Round(time.Millisecond))

	members := 10
	if raceEnabled {
		members = 4
	}
	rep, err := loadtest.Run(context.Background(), loadtest.Config{
		Target: base, Members: members, Duration: 3 * time.Second, Think: 200 * time.Millisecond, Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	rep.WriteTable(&table)
	t.Logf("members signed up in %s, acted for %s", rep.Setup.Round(time.Millisecond), rep.Elapsed.Round(time.Millisecond))
	if rep.Failed() {
		t.Fatalf("load test failed:\n%s", table.String())
	}
	// Under the race detector everything is slower and members do less.
	busy := raceEnabled || rep.Writes["reply"] > 0 && rep.Requests.Total.Requests >= 50
	if rep.Writes["signup"] != members || !busy || rep.Requests.Total.Requests < members || rep.Requests.Total.C4 > 0 {
		t.Fatalf("the members did too little, or were refused:\n%s", table.String())
	}
	writes := 0
	for _, n := range rep.Writes {
		writes += n
	}
	if rep.Verify.Checked != writes {
		t.Fatalf("not every write was checked:\n%s", table.String())
	}
}
