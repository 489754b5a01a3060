// Package email sends Involve's emails: through an SMTP server when one is
// configured (with github.com/wneessen/go-mail), otherwise into a folder of
// .eml files that any mail program opens, so that a newcomer running
// Involve on a laptop can read what would have been sent.
package email

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"involve/internal/config"
)

// Message is one email to one member.
type Message struct {
	To      string
	Subject string
	Text    string // plain text, always
	HTML    string // the same as simple HTML, optional
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
	// Describe says where mail goes, for the log at start.
	Describe() string
}

// ErrRejected wraps a failure that trying again will not fix: an address
// that is not one, or one the mail server refuses.
var ErrRejected = errors.New("email: address rejected")

// DefaultFrom is the sender of emails written to the folder.
const DefaultFrom = "Involve <involve@localhost>"

// New returns the sender the configuration asks for.
func New(c *config.Config) (Sender, error) {
	if c.SMTPHost == "" {
		from := c.SMTPFrom
		if from == "" {
			from = DefaultFrom
		}
		return NewFolder(c.MailDir(), from), nil
	}
	return NewSMTP(SMTPSettings{Host: c.SMTPHost, Port: c.SMTPPort, User: c.SMTPUser, Password: c.SMTPPassword,
		From: c.SMTPFrom, TLS: c.SMTPTLS})
}

// build turns a Message into a MIME message: plain text with an HTML
// alternative, marked as automatic so that vacation replies stay away.
func build(from string, m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("email: sender %q: %w", from, err)
	}
	if _, err := mail.ParseAddress(m.To); err != nil || strings.ContainsAny(m.To, "\r\n") {
		return nil, fmt.Errorf("%w: %q is not an email address", ErrRejected, m.To)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRejected, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageIDWithValue(randomID() + "@" + domainOf(from))
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// domainOf is the domain of an address, for Message-IDs; the server's own
// host name stays out of mail.
func domainOf(addr string) string {
	if a, err := mail.ParseAddress(addr); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			return d
		}
	}
	return "localhost"
}

// SMTPSettings says how to reach the mail server.
type SMTPSettings struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
	TLS      string // starttls (required), tls (implicit) or none
}

// SMTP sends through a mail server, one connection (and one go-mail
// client) per message: Involve sends few emails, a fresh connection needs
// no keeping alive, and concurrent jobs share no client state.
type SMTP struct {
	host string
	opts []gomail.Option
	from string
	desc string
}

// NewSMTP prepares a sender; it connects only when sending.
func NewSMTP(s SMTPSettings) (*SMTP, error) {
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(30 * time.Second)}
	switch s.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.User != "" {
		// The strongest mechanism the server offers, in this order; go-mail
		// refuses to send a password unencrypted except to this machine.
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256,
			gomail.SMTPAuthSCRAMSHA1PLUS, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthPlain, gomail.SMTPAuthLogin, gomail.SMTPAuthCramMD5),
			gomail.WithUsername(s.User), gomail.WithPassword(s.Password))
	}
	if _, err := gomail.NewClient(s.Host, opts...); err != nil {
		return nil, fmt.Errorf("email: smtp: %w", err)
	}
	tls := s.TLS
	if tls == "" {
		tls = "starttls"
	}
	return &SMTP{host: s.Host, opts: opts, from: s.From, desc: fmt.Sprintf("SMTP server %s:%d (%s)", s.Host, s.Port, tls)}, nil
}

func (s *SMTP) Describe() string { return s.desc }

// Send delivers one message. A recipient the server refuses for good is
// reported as ErrRejected; anything else may be worth trying again.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := build(s.from, m)
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("email: smtp: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && se.Reason == gomail.ErrSMTPRcptTo && !se.IsTemp() {
			return fmt.Errorf("%w: %v", ErrRejected, err)
		}
		return fmt.Errorf("email: send: %w", err)
	}
	return nil
}

// Folder writes each message as an .eml file, readable by any mail
// program or text editor. Files are private to Involve's user: they hold
// members' addresses.
type Folder struct {
	dir  string
	from string
}

// NewFolder writes into dir, creating it when the first message comes.
func NewFolder(dir, from string) *Folder { return &Folder{dir: dir, from: from} }

func (f *Folder) Describe() string {
	return "the folder " + f.dir + " (no SMTP server set; see --smtp-host)"
}

// Dir is the folder written to.
func (f *Folder) Dir() string { return f.dir }

// Send writes the message to a new file, named by time so that the folder
// lists in order, through a temporary file so that no reader sees half of
// one.
func (f *Folder) Send(_ context.Context, m Message) error {
	msg, err := build(f.from, m)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return fmt.Errorf("email: folder: %w", err)
	}
	name := time.Now().UTC().Format("20060102-150405.000000") + "-" + randomID()[:8] + ".eml"
	tmp, err := os.CreateTemp(f.dir, ".writing-*")
	if err != nil {
		return fmt.Errorf("email: folder: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := msg.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("email: write: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(f.dir, name))
}
