package config

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func TestSMTPSettings(t *testing.T) {
	parse := func(t *testing.T, args ...string) *Config {
		t.Helper()
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c := Flags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Setenv("INVOLVE_SMTP_PASSWORD", "from-the-environment")
	c := parse(t)
	if err := c.Validate(); err != nil || c.SMTPHost != "" || c.MailDir() != "involve-data/mail" {
		t.Errorf("defaults: %v, host %q, mail dir %q", err, c.SMTPHost, c.MailDir())
	}
	c = parse(t, "--smtp-host", "mail.example.org", "--smtp-user", "involve", "--smtp-from", "Involve <involve@example.org>")
	if err := c.Validate(); err != nil {
		t.Errorf("a complete setting: %v", err)
	}
	if c.SMTPPort != 587 || c.SMTPTLS != "starttls" || c.SMTPPassword != "from-the-environment" {
		t.Errorf("port %d, tls %q, password %q", c.SMTPPort, c.SMTPTLS, c.SMTPPassword)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--smtp-host", "mail.example.org"}, "--smtp-from is needed"},
		{[]string{"--smtp-host", "mail.example.org", "--smtp-from", "not an address"}, "not an email address"},
		{[]string{"--smtp-host", "mail.example.org", "--smtp-from", "a@example.org", "--smtp-port", "0"}, "--smtp-port"},
		{[]string{"--smtp-host", "mail.example.org", "--smtp-from", "a@example.org", "--smtp-tls", "maybe"}, "--smtp-tls"},
		{[]string{"--smtp-host", "mail.example.org", "--smtp-from", "a@example.org", "--smtp-tls", "none", "--smtp-user", "u"}, "unencrypted"},
	} {
		err := parse(t, tc.args...).Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error about %q", tc.args, err, tc.want)
		}
	}
	// A relay on this machine may go without TLS, even with a user.
	if err := parse(t, "--smtp-host", "127.0.0.1", "--smtp-from", "a@example.org", "--smtp-tls", "none", "--smtp-user", "u").Validate(); err != nil {
		t.Errorf("local relay: %v", err)
	}
	t.Setenv("INVOLVE_SMTP_PORT", "twenty-five")
	if err := parse(t, "--smtp-host", "mail.example.org", "--smtp-from", "a@example.org").Validate(); err == nil {
		t.Error("a port that is not a number was accepted")
	}
	if got := (&Config{Addr: "127.0.0.1:8080"}).BaseURL(); got != "http://127.0.0.1:8080" {
		t.Errorf("BaseURL without a public URL: %q", got)
	}
	if got := (&Config{PublicURL: "https://involve.example.org/"}).BaseURL(); got != "https://involve.example.org" {
		t.Errorf("BaseURL: %q", got)
	}
}
