// Package config reads Involve's settings once, from flags and INVOLVE_*
// environment variables, into a struct that is passed to whoever needs it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything `involve serve` can be told.
type Config struct {
	Addr         string
	DataDir      string
	DB           string // a SQLite path or a postgres:// URL
	Demo         bool
	PublicURL    string // e.g. https://involve.example.org; https turns on Secure cookies
	QuickExitURL string
	LogLevel     string
	// RequestTimeout bounds how long one request may take.
	RequestTimeout time.Duration
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes int64
}

// Default quick-exit destination: a plain weather page, nothing that hints
// at what the reader was looking at.
const DefaultQuickExitURL = "https://www.bbc.com/weather"

// Flags registers the serve flags on fs; each reads its default from an
// INVOLVE_* variable so containers and service files need no arguments.
func Flags(fs *flag.FlagSet) *Config {
	c := &Config{}
	fs.StringVar(&c.Addr, "addr", env("INVOLVE_ADDR", "127.0.0.1:8080"), "address to listen on (INVOLVE_ADDR)")
	fs.StringVar(&c.DataDir, "data", env("INVOLVE_DATA", "./involve-data"), "directory for the SQLite file and other data (INVOLVE_DATA)")
	fs.StringVar(&c.DB, "db", env("INVOLVE_DB", ""), "database: a SQLite file path, or a postgres:// URL (INVOLVE_DB; default: involve.db in the data directory)")
	fs.BoolVar(&c.Demo, "demo", envBool("INVOLVE_DEMO"), "fill an empty database with demo content and print the demo accounts (INVOLVE_DEMO)")
	fs.StringVar(&c.PublicURL, "public-url", env("INVOLVE_PUBLIC_URL", ""), "the address members use, e.g. https://involve.example.org (INVOLVE_PUBLIC_URL)")
	fs.StringVar(&c.QuickExitURL, "quick-exit-url", env("INVOLVE_QUICK_EXIT_URL", DefaultQuickExitURL), "neutral page the quick-exit control opens (INVOLVE_QUICK_EXIT_URL)")
	fs.StringVar(&c.LogLevel, "log-level", env("INVOLVE_LOG_LEVEL", "info"), "debug, info, warn or error (INVOLVE_LOG_LEVEL)")
	c.RequestTimeout = 30 * time.Second
	c.MaxBodyBytes = 1 << 20
	return c
}

// DatabaseURL returns the database to open.
func (c *Config) DatabaseURL() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.DataDir, "involve.db")
}

// SecureCookies reports whether cookies must be marked Secure.
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.PublicURL, "https://") }

// Validate checks the settings together.
func (c *Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New("--addr is empty"))
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			errs = append(errs, fmt.Errorf("--public-url %q is not an http(s) URL", c.PublicURL))
		}
	}
	if u, err := url.Parse(c.QuickExitURL); err != nil || u.Scheme != "https" || u.Host == "" {
		errs = append(errs, fmt.Errorf("--quick-exit-url %q must be an https URL", c.QuickExitURL))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	return errors.Join(errs...)
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func envBool(key string) bool {
	b, _ := strconv.ParseBool(os.Getenv(key))
	return b
}
