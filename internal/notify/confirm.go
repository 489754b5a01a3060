package notify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"involve/internal/db"
	"involve/internal/email"
	"involve/internal/i18n"
	"involve/internal/jobs"
)

// Confirming an address. Notification email goes only to an address its
// owner has shown is theirs, by opening a link sent to it: a mistyped
// address would otherwise receive the names of a peer's groups and
// threads. The link's token is made by the job that sends it, so it is
// never stored in the clear; only its SHA-256 waits in
// email_confirmations, for ConfirmFor.

// ConfirmFor is how long a confirmation link works.
const ConfirmFor = 7 * 24 * time.Hour

// ResendAfter is how long a member waits before asking for another link.
const ResendAfter = 2 * time.Minute

// ErrConfirmInvalid is a link that does not confirm anything: unknown,
// used, too old, or for an address the member has since changed.
var ErrConfirmInvalid = errors.New("notify: confirmation link not valid")

// ErrConfirmTooSoon is a request for a new link within ResendAfter of the
// last one.
var ErrConfirmTooSoon = errors.New("notify: confirmation link sent moments ago")

const jobConfirm = "notify.confirm"

// confirmedEmail is the SQL condition, on members as m, of an address
// that email may go to. Every query that picks whom to email uses it.
const confirmedEmail = `m.email <> '' AND m.email = m.email_confirmed`

func confirmKey(memberID int64) string { return fmt.Sprintf("%s:%d", jobConfirm, memberID) }

// EmailState is where a member's address stands.
type EmailState struct {
	Email     string
	Confirmed bool
	SentAt    *time.Time // when the waiting link was sent, if one is
}

// EmailState returns where the member's address stands.
func (c *Center) EmailState(ctx context.Context, memberID int64) (EmailState, error) {
	var s EmailState
	err := c.db.QueryRow(ctx, `SELECT m.email, `+confirmedEmail+`, e.sent_at
		FROM members m LEFT JOIN email_confirmations e ON e.member_id = m.id AND e.email = m.email
		WHERE m.id = ?`, memberID).Scan(&s.Email, &s.Confirmed, &s.SentAt)
	return s, err
}

// RequestConfirmation queues the email with a link that confirms the
// member's address, unless it is confirmed or there is none, and reports
// whether a link is on its way. Asked again while one is on its way or
// within ResendAfter of the last, it gives ErrConfirmTooSoon (and true).
func (c *Center) RequestConfirmation(ctx context.Context, memberID int64) (bool, error) {
	s, err := c.EmailState(ctx, memberID)
	if err != nil || s.Email == "" || s.Confirmed {
		return false, err
	}
	if s.SentAt != nil && c.now().Sub(*s.SentAt) < ResendAfter {
		return true, ErrConfirmTooSoon
	}
	queued, err := jobs.EnqueueUnique(ctx, c.db, jobConfirm, confirmKey(memberID), memberPayload{memberID}, c.now())
	if err != nil {
		return false, err
	}
	if !queued {
		return true, ErrConfirmTooSoon // one is on its way
	}
	return true, nil
}

// ConfirmEmail confirms the address a link was sent to, if the link is
// one, still works, and the member still has that address.
func (c *Center) ConfirmEmail(ctx context.Context, token string) error {
	if token == "" {
		return ErrConfirmInvalid
	}
	return c.db.Tx(ctx, func(tx *db.Tx) error {
		var memberID int64
		var addr string
		var sent time.Time
		err := tx.QueryRow(ctx, `SELECT member_id, email, sent_at FROM email_confirmations WHERE token_hash = ?`, tokenHash(token)).
			Scan(&memberID, &addr, &sent)
		if errors.Is(err, db.ErrNotFound) {
			return ErrConfirmInvalid
		} else if err != nil {
			return err
		}
		if c.now().Sub(sent) > ConfirmFor {
			return ErrConfirmInvalid
		}
		res, err := tx.Exec(ctx, `UPDATE members SET email_confirmed = email WHERE id = ? AND email = ?`, memberID, addr)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConfirmInvalid // the address changed since
		}
		_, err = tx.Exec(ctx, `DELETE FROM email_confirmations WHERE member_id = ?`, memberID)
		return err
	})
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// confirm sends the link. A new link replaces the one before, so only the
// newest works.
func (m *Mailer) confirm(ctx context.Context, j *jobs.Job) error {
	var p memberPayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var addr, locale string
	var confirmed bool
	err := m.c.db.QueryRow(ctx, `SELECT m.email, `+confirmedEmail+`, m.locale FROM members m WHERE m.id = ?`, p.MemberID).
		Scan(&addr, &confirmed, &locale)
	if errors.Is(err, db.ErrNotFound) {
		return nil // the member left
	}
	if err != nil {
		return err
	}
	if addr == "" || confirmed {
		return nil
	}
	token := rand.Text()
	now := m.c.now()
	if _, err := m.c.db.Exec(ctx, `INSERT INTO email_confirmations (member_id, email, token_hash, sent_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (member_id) DO UPDATE SET email = excluded.email, token_hash = excluded.token_hash, sent_at = excluded.sent_at`,
		p.MemberID, addr, tokenHash(token), now); err != nil {
		return err
	}
	if err := m.send.Send(ctx, m.composeConfirm(addr, locale, token)); err != nil {
		if errors.Is(err, email.ErrRejected) {
			return jobs.Permanent(err)
		}
		return err
	}
	return nil
}

var htmlConfirm = mailTemplate(`<p>{{.Hello}}</p>
<p>{{.Intro}}</p>
<p><a href="{{.URL}}">{{.URL}}</a></p>
<p style="color: #555;">{{.NotYou}}</p>
`)

// composeConfirm writes the link's email in the member's interface
// language. Like every email it names no one: not the member's handle,
// nor any group.
func (m *Mailer) composeConfirm(to, locale, token string) email.Message {
	lang, ok := i18n.Supported(locale)
	if !ok {
		lang = i18n.Languages[0]
	}
	p := m.bundle.Printer(lang)
	pg := struct{ Lang, Subject, Hello, Intro, URL, NotYou string }{
		Lang: lang.Code, Subject: p.T("confirm.email.subject"), Hello: p.T("notifications.email.hello"),
		Intro: p.T("confirm.email.intro"), URL: m.base + "/email/confirm?t=" + token, NotYou: p.T("confirm.email.not_you"),
	}
	var html strings.Builder
	if err := htmlConfirm.Execute(&html, pg); err != nil {
		panic(err) // a fixed template over strings
	}
	return email.Message{To: to, Subject: pg.Subject, Text: pg.Hello + "\n\n" + pg.Intro + "\n\n" + pg.URL + "\n\n" + pg.NotYou + "\n", HTML: html.String()}
}
