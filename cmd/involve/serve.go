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
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"involve/internal/accounts"
	"involve/internal/audit"
	"involve/internal/config"
	"involve/internal/db"
	"involve/internal/demo"
	"involve/internal/i18n"
	"involve/internal/memberdata"
	"involve/internal/organisations"
	"involve/internal/web"
)

// app is Involve put together: the database and every store on it.
type app struct {
	db            *db.DB
	accounts      *accounts.Store
	organisations *organisations.Store
	audit         *audit.Log
	memberData    *memberdata.Registry
}

// open connects to the database, migrates it and builds the stores.
func open(ctx context.Context, url string) (*app, error) {
	d, err := db.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a := &app{db: d, accounts: accounts.NewStore(d), organisations: organisations.NewStore(d), audit: audit.New(d)}
	// Every capability registers its share of a member's data here.
	a.memberData = memberdata.NewRegistry(d)
	a.memberData.Register(accounts.DataPart{Store: a.accounts})
	a.memberData.Register(organisations.DataPart{Store: a.organisations})
	a.memberData.Register(audit.DataPart{Log: a.audit})
	return a, nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	a, err := open(ctx, cfg.DatabaseURL())
	if err != nil {
		return err
	}
	defer a.db.Close()

	if cfg.Demo {
		accs, err := demo.Fill(ctx, demo.Stores{DB: a.db, Accounts: a.accounts, Organisations: a.organisations, Audit: a.audit})
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
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := web.New(web.Deps{
		Config: cfg, DB: a.db, Accounts: a.accounts, Organisations: a.organisations, Audit: a.audit,
		MemberData: a.memberData, I18n: bundle, Log: log, Metrics: reg, Gatherer: reg,
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

	fmt.Fprintf(stdout, "Involve %s is running at http://%s (database: %s)\n", version(), ln.Addr(), a.db.Dialect())
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
