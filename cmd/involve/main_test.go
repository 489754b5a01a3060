package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/testutil"
)

func TestVersionAndUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"version"}, nil, &out, &errb); err != nil || !strings.HasPrefix(out.String(), "involve ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, nil, &out, &errb); err == nil {
		t.Fatal("unknown command accepted")
	}
	if err := run(context.Background(), nil, nil, &out, &errb); err == nil || !strings.Contains(errb.String(), "involve serve") {
		t.Fatalf("no command: %v, usage %q", err, errb.String())
	}
}

// dbURLs returns a SQLite path and, when configured, a PostgreSQL URL with
// its own schema.
func dbURLs(t *testing.T) map[string]string {
	urls := map[string]string{"sqlite": filepath.Join(t.TempDir(), "involve.db")}
	if base := testutil.PostgresURL(t); base != "" {
		u, _ := testutil.NewPostgresSchema(t, base)
		urls["postgres"] = u
	}
	return urls
}

func TestAdminCreate(t *testing.T) {
	for name, url := range dbURLs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var out, errb bytes.Buffer
			err := run(ctx, []string{"admin", "create", "--db", url, "--handle", "alex"}, strings.NewReader("a long admin passphrase\n"), &out, &errb)
			if err != nil {
				t.Fatalf("%v\n%s", err, errb.String())
			}
			if strings.Contains(out.String(), "a long admin passphrase") || !strings.Contains(out.String(), "Recovery codes") {
				t.Fatalf("output: %s", out.String())
			}
			// Generated passphrase when stdin is empty; it is printed once.
			out.Reset()
			if err := run(ctx, []string{"admin", "create", "--db", url, "--handle", "sam"}, strings.NewReader(""), &out, &errb); err != nil {
				t.Fatal(err)
			}
			_, after, ok := strings.Cut(out.String(), "Passphrase (shown once, keep it safe): ")
			if !ok {
				t.Fatalf("no generated passphrase in %q", out.String())
			}
			generated := strings.TrimSpace(strings.SplitN(after, "\n", 2)[0])

			d, err := db.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			s := accounts.NewStore(d)
			for handle, pass := range map[string]string{"alex": "a long admin passphrase", "sam": generated} {
				m, err := s.Authenticate(ctx, handle, pass)
				if err != nil {
					t.Fatalf("%s cannot sign in: %v", handle, err)
				}
				if !m.IsAdmin() {
					t.Fatalf("%s is not a site admin", handle)
				}
			}
			if err := run(ctx, []string{"admin", "create", "--db", url, "--handle", "ALEX"}, strings.NewReader("another passphrase\n"), &out, &errb); err == nil {
				t.Fatal("duplicate handle accepted")
			}
			if err := run(ctx, []string{"admin", "create", "--db", url, "--handle", "x"}, strings.NewReader("another passphrase\n"), &out, &errb); err == nil {
				t.Fatal("bad handle accepted")
			}
			out.Reset()
			if err := run(ctx, []string{"migrate", "--db", url}, nil, &out, &errb); err != nil || !strings.Contains(out.String(), "up to date") {
				t.Fatalf("migrate: %v %q", err, out.String())
			}
		})
	}
}

// TestServe starts the real server with demo content, checks that it
// answers and that the demo accounts work, then stops it as SIGTERM would.
func TestServe(t *testing.T) {
	for name, url := range dbURLs(t) {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			ctx, cancel := context.WithCancel(context.Background())
			out := &syncBuffer{}
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve", "--addr", addr, "--db", url, "--demo", "--data", t.TempDir()}, nil, out, io.Discard)
			}()
			base := "http://" + addr
			var resp *http.Response
			// Up to a minute: under -race on a busy machine the demo
			// content alone can take more than ten seconds.
			for i := 0; i < 1200; i++ {
				if resp, err = http.Get(base + "/healthz"); err == nil {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if err != nil {
				t.Fatalf("server never answered: %v\n%s", err, out.String())
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("healthz = %d", resp.StatusCode)
			}
			for _, want := range []string{"demo-admin", "mira", "involve-demo-passphrase"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("demo output lacks %q:\n%s", want, out.String())
				}
			}
			for _, path := range []string{"/", "/organisations", "/organisations/harbour-harm-reduction-service", "/for/peers"} {
				resp, err := http.Get(base + path)
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %v %v", path, resp.StatusCode, err)
				}
				resp.Body.Close()
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve returned %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not shut down")
			}
			// A second start finds the demo content and leaves it alone.
			ctx2, cancel2 := context.WithCancel(context.Background())
			out2 := &syncBuffer{}
			go func() {
				done <- run(ctx2, []string{"serve", "--addr", addr, "--db", url, "--demo"}, nil, out2, io.Discard)
			}()
			for i := 0; i < 200 && !strings.Contains(out2.String(), "running"); i++ {
				time.Sleep(50 * time.Millisecond)
			}
			cancel2()
			<-done
			if !strings.Contains(out2.String(), "already has members") {
				t.Errorf("second demo start: %s", out2.String())
			}
		})
	}
}

func TestServeRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--public-url", "ftp://x"},
		{"serve", "--quick-exit-url", "http://insecure.example"},
		{"serve", "--log-level", "loud"},
		{"serve", "--no-such-flag"},
	} {
		if err := run(context.Background(), args, nil, io.Discard, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestDemoScale runs `involve demo --scale` at a tiny size: it fills the
// database, says what it made, and refuses a database that has members.
func TestDemoScale(t *testing.T) {
	for name, url := range dbURLs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var out, errb bytes.Buffer
			if err := run(ctx, []string{"demo", "--db", url, "--scale", "0.002"}, nil, &out, &errb); err != nil {
				t.Fatalf("%v\n%s", err, errb.String())
			}
			for _, want := range []string{"demo-admin", "20 members", "400 replies", "thread with 50 replies: /groups/"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			if err := run(ctx, []string{"demo", "--db", url}, nil, &out, &errb); err == nil {
				t.Error("demo ran again on a database with members")
			}
		})
	}
}
