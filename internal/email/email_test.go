package email

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"involve/internal/config"
)

// fakeSMTP is the smallest SMTP server go-mail talks to: EHLO, AUTH PLAIN,
// MAIL, RCPT, DATA, RSET, NOOP, QUIT, no TLS. Recipients whose address
// starts with "refused" get a permanent 550.
type fakeSMTP struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []received
	auth []string // decoded AUTH PLAIN credentials
}

type received struct {
	from, to string
	data     string
}

func startSMTP(t *testing.T) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *fakeSMTP) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 localhost test ESMTP")
	var cur received
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			say("250-localhost")
			say("250-8BITMIME")
			say("250-AUTH PLAIN")
			say("250 SMTPUTF8")
		case "AUTH":
			mech, cred, _ := strings.Cut(arg, " ")
			b, _ := base64.StdEncoding.DecodeString(cred)
			s.mu.Lock()
			s.auth = append(s.auth, mech+":"+strings.ReplaceAll(string(b), "\x00", "|"))
			s.mu.Unlock()
			say("235 2.7.0 Authentication successful")
		case "MAIL":
			cur = received{from: arg}
			say("250 2.1.0 Ok")
		case "RCPT":
			if strings.Contains(arg, "<refused") {
				say("550 5.1.1 No such user here")
				continue
			}
			cur.to = arg
			say("250 2.1.5 Ok")
		case "DATA":
			say("354 End data with <CR><LF>.<CR><LF>")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.data = b.String()
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			say("250 2.0.0 Ok: queued")
		case "RSET", "NOOP":
			say("250 2.0.0 Ok")
		case "QUIT":
			say("221 2.0.0 Bye")
			return
		default:
			say("502 5.5.2 Command not recognised")
		}
	}
}

func (s *fakeSMTP) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

var sample = Message{
	To:      "peer@example.org",
	Subject: "Новое на Involve",
	Text:    "Здравствуйте!\n\nУ вас 2 новых уведомления.\nhttps://involve.example.org/notifications\n",
	HTML:    `<p>Здравствуйте!</p><p><a href="https://involve.example.org/notifications">Уведомления</a></p>`,
}

// parts reads a message: its headers and the decoded body of each part,
// by content type.
func parts(t *testing.T, raw string) (mail.Header, map[string]string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("not a readable message: %v\n%s", err, raw)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q, want multipart/alternative", m.Header.Get("Content-Type"))
	}
	out := map[string]string{}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[ct] = string(b)
	}
	return m.Header, out
}

func decodeHeader(t *testing.T, v string) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func checkMessage(t *testing.T, raw string) {
	t.Helper()
	h, body := parts(t, raw)
	if got := decodeHeader(t, h.Get("Subject")); got != sample.Subject {
		t.Errorf("Subject %q, want %q", got, sample.Subject)
	}
	if got := h.Get("To"); !strings.Contains(got, sample.To) {
		t.Errorf("To %q", got)
	}
	if got := h.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted %q, want auto-generated", got)
	}
	if ua := h.Get("User-Agent") + h.Get("X-Mailer"); ua != "" {
		t.Errorf("the message names its software: %q", ua)
	}
	if id := h.Get("Message-Id"); !strings.HasSuffix(id, "@example.org>") {
		t.Errorf("Message-ID %q should use the sender's domain, not this machine's name", id)
	}
	if got := strings.ReplaceAll(body["text/plain"], "\r\n", "\n"); got != sample.Text {
		t.Errorf("text part %q, want %q", got, sample.Text)
	}
	if got := body["text/html"]; got != sample.HTML {
		t.Errorf("HTML part %q, want %q", got, sample.HTML)
	}
}

func TestSMTPSend(t *testing.T) {
	srv := startSMTP(t)
	s, err := NewSMTP(SMTPSettings{Host: "127.0.0.1", Port: srv.port(), User: "involve", Password: "s3cret",
		From: "Involve <involve@example.org>", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), sample); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	if !strings.Contains(got[0].from, "<involve@example.org>") || !strings.Contains(got[0].to, "<peer@example.org>") {
		t.Errorf("envelope from %q to %q", got[0].from, got[0].to)
	}
	if len(srv.auth) != 1 || srv.auth[0] != "PLAIN:|involve|s3cret" {
		t.Errorf("authentication %q, want PLAIN with the user and password", srv.auth)
	}
	checkMessage(t, got[0].data)
}

func TestSMTPRefusedRecipient(t *testing.T) {
	srv := startSMTP(t)
	s, _ := NewSMTP(SMTPSettings{Host: "127.0.0.1", Port: srv.port(), From: "involve@example.org", TLS: "none"})
	m := sample
	m.To = "refused@example.org"
	if err := s.Send(context.Background(), m); !errors.Is(err, ErrRejected) {
		t.Errorf("refused recipient: %v, want ErrRejected", err)
	}
	m.To = "not an address"
	if err := s.Send(context.Background(), m); !errors.Is(err, ErrRejected) {
		t.Errorf("malformed address: %v, want ErrRejected", err)
	}
}

// TestSMTPNeedsTLS: with the default setting a server that offers no
// STARTTLS gets nothing, since mail to peers must not cross the network in
// the clear.
func TestSMTPNeedsTLS(t *testing.T) {
	srv := startSMTP(t)
	s, _ := NewSMTP(SMTPSettings{Host: "127.0.0.1", Port: srv.port(), From: "involve@example.org", TLS: "starttls"})
	err := s.Send(context.Background(), sample)
	if err == nil || errors.Is(err, ErrRejected) {
		t.Errorf("sending without STARTTLS: %v, want a (retryable) failure", err)
	}
	if n := len(srv.received()); n != 0 {
		t.Errorf("the server received %d messages in the clear", n)
	}
}

func TestFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	f := NewFolder(dir, "Involve <involve@example.org>")
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("the folder was made before any mail was sent")
	}
	if err := f.Send(context.Background(), sample); err != nil {
		t.Fatal(err)
	}
	bad := sample
	bad.To = "nobody"
	if err := f.Send(context.Background(), bad); !errors.Is(err, ErrRejected) {
		t.Errorf("malformed address: %v, want ErrRejected", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), ".eml") {
		t.Fatalf("folder holds %v, want one .eml file", entries)
	}
	info, _ := entries[0].Info()
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600: the files hold members' addresses", info.Mode().Perm())
	}
	raw, err := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	checkMessage(t, string(raw))
	if !strings.Contains(f.Describe(), dir) {
		t.Errorf("Describe() = %q, want the folder named", f.Describe())
	}
}

func TestNewChoosesBySettings(t *testing.T) {
	c := &config.Config{DataDir: t.TempDir()}
	s, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := s.(*Folder); !ok || f.Dir() != filepath.Join(c.DataDir, "mail") {
		t.Errorf("without SMTP: %T %v, want the mail folder in the data directory", s, s.Describe())
	}
	c.SMTPHost, c.SMTPPort, c.SMTPFrom, c.SMTPTLS = "mail.example.org", 587, "involve@example.org", "starttls"
	s, err = New(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*SMTP); !ok || !strings.Contains(s.Describe(), "mail.example.org:587") {
		t.Errorf("with SMTP: %T %q", s, s.Describe())
	}
}
