package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"involve/internal/app"
	"involve/internal/config"
	"involve/internal/demo"
	"involve/internal/i18n"
	"involve/internal/web"
)

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config.Flags(fs)
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to this file until the server stops, for finding what is slow (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		// A file on the server's own disk, never an HTTP endpoint: nothing
		// about the running server is exposed to the network.
		stop, err := startCPUProfile(*cpuprofile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	tuneGC()
	log := newLogger(stderr, cfg.LogLevel)
	a, err := app.Open(ctx, cfg.DatabaseURL())
	if err != nil {
		return err
	}
	defer a.Close()

	if cfg.Demo {
		accs, err := demo.Fill(ctx, a)
		switch {
		case errors.Is(err, demo.ErrNotEmpty):
			fmt.Fprintln(stdout, "Demo: the database already has members, so no demo content was added.")
		case err != nil:
			return err
		default:
			demo.Print(stdout, accs)
		}
	}

	bundle, err := i18n.Load()
	if err != nil {
		return err
	}
	stopRunner, err := startJobs(cfg, a, bundle, log)
	if err != nil {
		return err
	}
	defer stopRunner() // before a.Close: the runner lets its jobs finish
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := web.New(web.Deps{
		Config: cfg, DB: a.DB, Accounts: a.Accounts, Organisations: a.Organisations, Audit: a.Audit, Guide: a.Guide, Search: a.Search, Groups: a.Groups, Notify: a.Notify, Discussions: a.Discussions, Support: a.Support, Meetings: a.Meetings,
		Moderation: a.Moderation, MemberData: a.MemberData, I18n: bundle, Log: log, Metrics: reg, Gatherer: reg,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	jobs, stopJobs := context.WithCancel(context.Background())
	defer stopJobs()
	go srv.BackgroundJobs(jobs)

	fmt.Fprintf(stdout, "Involve %s is running at http://%s (database: %s)\n", version(), ln.Addr(), a.DB.Dialect())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Finish the requests in flight, then stop.
	fmt.Fprintln(stdout, "Shutting down…")
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// startCPUProfile profiles the process into path; the returned function
// ends the profile and closes the file.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// serverGCPercent is the garbage collector's target when GOGC is not set.
//
// A page makes about 200 KB of short-lived garbage, and the server's live
// heap is small (tens of megabytes), so with Go's default of 100 the
// collector ran often enough to take a sixth of a busy server's CPU. At
// 200 it runs half as often; the heap may grow to three times the live
// data instead of two, a few tens of megabytes more. The thread page
// under wrk (scale-1 data, GOGC=100 and 200 taking turns): 2,434 / 3,328
// and 2,561 / 2,932 req/s. GOGC in the environment still decides.
const serverGCPercent = 200

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}
