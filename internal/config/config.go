// Package config reads Involve's settings once, from flags and INVOLVE_*
// environment variables, into a struct that is passed to whoever needs it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/mail"
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

	// Email goes through SMTP when SMTPHost is set, otherwise into .eml
	// files in MailDir, so a newcomer can read what would have been sent.
	SMTPHost     string
	SMTPPort     int
	SMTPUser     string
	SMTPPassword string // only from INVOLVE_SMTP_PASSWORD, so it never shows in a process list
	SMTPFrom     string // e.g. "Involve <involve@example.org>"
	SMTPTLS      string // starttls, tls (implicit, port 465) or none
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
	fs.StringVar(&c.SMTPHost, "smtp-host", env("INVOLVE_SMTP_HOST", ""), "SMTP server for email; without it emails are written to the mail folder in the data directory (INVOLVE_SMTP_HOST)")
	fs.IntVar(&c.SMTPPort, "smtp-port", envInt("INVOLVE_SMTP_PORT", 587), "SMTP port (INVOLVE_SMTP_PORT)")
	fs.StringVar(&c.SMTPUser, "smtp-user", env("INVOLVE_SMTP_USER", ""), "SMTP user name; the password is read from INVOLVE_SMTP_PASSWORD (INVOLVE_SMTP_USER)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", env("INVOLVE_SMTP_FROM", ""), "sender of emails, e.g. 'Involve <involve@example.org>' (INVOLVE_SMTP_FROM)")
	fs.StringVar(&c.SMTPTLS, "smtp-tls", env("INVOLVE_SMTP_TLS", "starttls"), "starttls, tls (implicit TLS, usually port 465) or none (only for a relay on this machine) (INVOLVE_SMTP_TLS)")
	c.SMTPPassword = os.Getenv("INVOLVE_SMTP_PASSWORD")
	c.RequestTimeout = 30 * time.Second
	c.MaxBodyBytes = 1 << 20
	return c
}

// MailDir is where emails are written when no SMTP server is set.
func (c *Config) MailDir() string { return filepath.Join(c.DataDir, "mail") }

// BaseURL is the address links in emails start with: the public URL, else
// this server's own address.
func (c *Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimSuffix(c.PublicURL, "/")
	}
	return "http://" + c.Addr
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
	if c.SMTPHost != "" {
		errs = append(errs, c.validateSMTP()...)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	return errors.Join(errs...)
}

func (c *Config) validateSMTP() []error {
	var errs []error
	if c.SMTPPort < 1 || c.SMTPPort > 65535 {
		errs = append(errs, fmt.Errorf("--smtp-port %d: want a port from 1 to 65535", c.SMTPPort))
	}
	switch c.SMTPTLS {
	case "starttls", "tls":
	case "none":
		if c.SMTPUser != "" && c.SMTPHost != "localhost" && c.SMTPHost != "127.0.0.1" && c.SMTPHost != "::1" {
			errs = append(errs, errors.New("--smtp-tls none with --smtp-user would send the password unencrypted; use starttls or tls"))
		}
	default:
		errs = append(errs, fmt.Errorf("--smtp-tls %q: want starttls, tls or none", c.SMTPTLS))
	}
	if c.SMTPFrom == "" {
		errs = append(errs, errors.New("--smtp-from is needed with --smtp-host, e.g. 'Involve <involve@example.org>'"))
	} else if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
		errs = append(errs, fmt.Errorf("--smtp-from %q is not an email address", c.SMTPFrom))
	}
	return errs
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// envInt reads a number; one that does not parse becomes -1, which
// Validate then refuses, rather than being quietly ignored.
func envInt(key string, def int) int {
	v, ok := os.LookupEnv(key)
	if !ok || v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}

func envBool(key string) bool {
	b, _ := strconv.ParseBool(os.Getenv(key))
	return b
}
