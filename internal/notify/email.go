package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"strings"
	"time"

	"involve/internal/db"
	"involve/internal/email"
	"involve/internal/i18n"
	"involve/internal/jobs"
)

// Emails say only that something happened and where: the same one-line
// text as the notification centre, made from names and titles, never what
// anybody wrote. Their subject says nothing but "New activity on Involve"
// (or the digest's equivalent), because a peer's mailbox may be seen by a
// partner, a family member or an employer.

// DigestHour is when the daily digest goes out, in UTC (08:00 or 09:00 in
// most of Europe).
const DigestHour = 7

// maxItems is how many notifications one email lists; the rest are
// counted.
const maxItems = 20

// NextDigest is the first digest time after t.
func NextDigest(t time.Time) time.Time {
	t = t.UTC()
	next := time.Date(t.Year(), t.Month(), t.Day(), DigestHour, 0, 0, 0, time.UTC)
	if !next.After(t) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// Mailer turns notifications into emails, as jobs: one for a member who
// wants them straight away, and a daily run that queues one digest per
// member who wants a summary.
type Mailer struct {
	c      *Center
	bundle *i18n.Bundle
	send   email.Sender
	base   string
	log    *slog.Logger
}

// NewMailer sends through s, with links starting at baseURL (e.g.
// https://involve.example.org).
func NewMailer(c *Center, b *i18n.Bundle, s email.Sender, baseURL string, log *slog.Logger) *Mailer {
	if log == nil {
		log = slog.Default()
	}
	return &Mailer{c: c, bundle: b, send: s, base: strings.TrimSuffix(baseURL, "/"), log: log}
}

// Register adds the email jobs to a runner.
func (m *Mailer) Register(r *jobs.Runner) {
	r.Handle(jobEmail, m.immediate, jobs.OnGiveUp(m.gaveUp))
	r.Handle(jobDigest, m.digest, jobs.Every(NextDigest))
	r.Handle(jobDigestMember, m.digestMember, jobs.OnGiveUp(m.gaveUp))
	r.Handle(jobConfirm, m.confirm)
}

// recipient is a member to email, with their choices.
type recipient struct {
	id         int64
	email      string
	locale     string
	mode       string
	since      time.Time // notifications from before this are not sent
	lastDigest *time.Time
}

func (m *Mailer) recipient(ctx context.Context, id int64) (*recipient, error) {
	r := &recipient{id: id}
	// An address not confirmed reads as none (see confirm.go).
	err := m.c.db.QueryRow(ctx, `SELECT CASE WHEN `+confirmedEmail+` THEN m.email ELSE '' END, m.locale,
			p.email_mode, p.mode_since, p.last_digest_at
		FROM members m JOIN notify_prefs p ON p.member_id = m.id WHERE m.id = ?`, id).
		Scan(&r.email, &r.locale, &r.mode, &r.since, &r.lastDigest)
	return r, err
}

// pendingFilter selects a member's notifications that are unread, not yet
// emailed and new enough; its arguments are the member and the time.
const pendingFilter = `member_id = ? AND read_at IS NULL AND emailed_at IS NULL AND created_at >= ?`

// pending returns the notifications an email would list (oldest first, at
// most maxItems) and how many there are in all.
func (m *Mailer) pending(ctx context.Context, memberID int64, since time.Time) ([]Notification, int, error) {
	var total int
	if err := m.c.db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE `+pendingFilter, memberID, since).Scan(&total); err != nil {
		return nil, 0, err
	}
	if total == 0 {
		return nil, 0, nil
	}
	ns, err := list(ctx, m.c.db, `SELECT `+columns+` FROM notifications WHERE `+pendingFilter+` ORDER BY id LIMIT ?`, memberID, since, maxItems)
	return ns, total, err
}

// immediate sends a member the notifications waiting for them, if they
// still want immediate email and have not read them on the site meanwhile.
func (m *Mailer) immediate(ctx context.Context, j *jobs.Job) error {
	var p memberPayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	r, err := m.recipient(ctx, p.MemberID)
	if errors.Is(err, db.ErrNotFound) {
		return nil // the member left, or never chose email
	}
	if err != nil {
		return err
	}
	if r.mode != EmailImmediate || r.email == "" {
		return nil
	}
	return m.sendPending(ctx, j, r, r.since, false)
}

// digest is the daily run: it queues one digest job per member who wants
// a summary and has something new, so that the emails are spread over the
// nodes and each is retried on its own.
func (m *Mailer) digest(ctx context.Context, j *jobs.Job) error {
	now := m.c.now()
	return j.Finish(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, `SELECT p.member_id FROM notify_prefs p JOIN members m ON m.id = p.member_id
			WHERE p.email_mode = ? AND `+confirmedEmail+` AND EXISTS (
				SELECT 1 FROM notifications n WHERE n.member_id = p.member_id AND n.read_at IS NULL AND n.emailed_at IS NULL
				AND n.created_at >= p.mode_since AND (p.last_digest_at IS NULL OR n.created_at > p.last_digest_at))
			ORDER BY p.member_id`, EmailDaily)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := jobs.EnqueueUnique(ctx, tx, jobDigestMember, digestKey(id), memberPayload{id}, now); err != nil {
				return err
			}
		}
		if len(ids) > 0 {
			m.log.Info("daily digest", "members", len(ids))
		}
		return nil
	})
}

// digestMember sends one member their daily summary.
func (m *Mailer) digestMember(ctx context.Context, j *jobs.Job) error {
	var p memberPayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	r, err := m.recipient(ctx, p.MemberID)
	if errors.Is(err, db.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if r.mode != EmailDaily || r.email == "" {
		return nil
	}
	since := r.since
	if r.lastDigest != nil && r.lastDigest.After(since) {
		since = r.lastDigest.Add(time.Nanosecond) // strictly after the last digest
	}
	return m.sendPending(ctx, j, r, since, true)
}

// sendPending emails what is waiting since since, then, in one
// transaction with finishing the job, marks it emailed (with everything
// the email counted) and, for a digest, remembers up to where it went.
// An immediate email that finds newer notifications queues the next one.
func (m *Mailer) sendPending(ctx context.Context, j *jobs.Job, r *recipient, since time.Time, digest bool) error {
	ns, total, err := m.pending(ctx, r.id, since)
	if err != nil || len(ns) == 0 {
		return err
	}
	// Everything counted, up to the newest at this moment, is covered.
	var upTo int64
	var newest time.Time
	if err := m.c.db.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM notifications WHERE `+pendingFilter, r.id, since).Scan(&upTo); err != nil || upTo == 0 {
		return err // upTo 0: all read meanwhile
	}
	if err := m.c.db.QueryRow(ctx, `SELECT created_at FROM notifications WHERE id = ?`, upTo).Scan(&newest); err != nil {
		return err
	}
	if err := m.send.Send(ctx, m.compose(r, ns, total, digest)); err != nil {
		if errors.Is(err, email.ErrRejected) {
			return jobs.Permanent(err)
		}
		return err
	}
	now := m.c.now()
	return j.Finish(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE notifications SET emailed_at = ? WHERE `+pendingFilter+` AND id <= ?`, now, r.id, since, upTo); err != nil {
			return err
		}
		if digest {
			_, err := tx.Exec(ctx, `UPDATE notify_prefs SET last_digest_at = ? WHERE member_id = ?`, newest, r.id)
			return err
		}
		var more int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE `+pendingFilter+` AND id > ?`, r.id, since, upTo).Scan(&more); err != nil {
			return err
		}
		if more > 0 {
			_, err := jobs.EnqueueUnique(ctx, tx, jobEmail, emailKey(r.id), memberPayload{r.id}, now.Add(ImmediateDelay))
			return err
		}
		return nil
	})
}

// gaveUp handles an email that could not be delivered. When the address
// itself was refused, email is turned off and the member is told on the
// site (never by email: that address does not work), so that one bad
// address does not fail again with every notification.
func (m *Mailer) gaveUp(ctx context.Context, q db.Querier, j *jobs.Job, err error) error {
	if !errors.Is(err, email.ErrRejected) {
		return nil
	}
	var p memberPayload
	if j.Decode(&p) != nil || p.MemberID == 0 {
		return nil
	}
	now := m.c.now()
	res, uerr := q.Exec(ctx, `UPDATE notify_prefs SET email_mode = ?, mode_since = ?, updated_at = ? WHERE member_id = ? AND email_mode <> ?`,
		EmailOff, now, now, p.MemberID, EmailOff)
	if uerr != nil {
		return uerr
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	_, uerr = q.Exec(ctx, `INSERT INTO notifications (member_id, kind, params, url, created_at, emailed_at) VALUES (?, ?, '{}', ?, ?, ?)`,
		p.MemberID, KindEmailFailed, "/me/notifications", now, now)
	return uerr
}

// KindEmailFailed tells a member their email address was refused.
const KindEmailFailed = "email_failed"

// KindWelcome greets a new member and explains the notification centre.
const KindWelcome = "welcome"

// mailItem is one line of an email.
type mailItem struct {
	Text string
	URL  string
}

// mailPage is what both parts of an email show.
type mailPage struct {
	Lang     string
	Subject  string
	Hello    string
	Intro    string
	Items    []mailItem
	More     string
	Privacy  string
	SeeAll   string
	AllURL   string
	Why      string
	PrefsURL string
}

// mailLayout frames the HTML part of every email; each defines "body".
const mailLayout = `<!doctype html>
<html lang="{{.Lang}}">
<head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: system-ui, sans-serif; font-size: 16px; line-height: 1.5; max-width: 36em;">
{{template "body" .}}</body>
</html>
`

// mailTemplate is mailLayout around body; its data needs Lang and Subject.
func mailTemplate(body string) *template.Template {
	t := template.Must(template.New("mail").Parse(mailLayout))
	template.Must(t.New("body").Parse(body))
	return t
}

var htmlMail = mailTemplate(`<p>{{.Hello}}</p>
<p>{{.Intro}}</p>
<ul>
{{range .Items}}<li><a href="{{.URL}}">{{.Text}}</a></li>
{{end}}</ul>
{{with .More}}<p>{{.}}</p>{{end}}
<p>{{.Privacy}}</p>
<p>{{.SeeAll}} <a href="{{.AllURL}}">{{.AllURL}}</a></p>
<p style="color: #555;">{{.Why}} <a href="{{.PrefsURL}}">{{.PrefsURL}}</a></p>
`)

// compose writes the email in the member's interface language.
func (m *Mailer) compose(r *recipient, ns []Notification, total int, digest bool) email.Message {
	lang, ok := i18n.Supported(r.locale)
	if !ok {
		lang = i18n.Languages[0]
	}
	p := m.bundle.Printer(lang)
	pg := mailPage{
		Lang: lang.Code, Hello: p.T("notifications.email.hello"),
		Privacy: p.T("notifications.email.privacy"), SeeAll: p.T("notifications.email.see_all"),
		AllURL: m.base + "/notifications", Why: p.T("notifications.email.why"), PrefsURL: m.base + "/me/notifications",
	}
	if digest {
		pg.Subject = p.T("notifications.email.digest_subject")
		pg.Intro = p.N("notifications.email.digest_intro", total)
	} else {
		pg.Subject = p.T("notifications.email.subject")
		pg.Intro = p.N("notifications.email.intro", total)
	}
	for _, n := range ns {
		pg.Items = append(pg.Items, mailItem{Text: Text(p, n), URL: m.base + Link(n)})
	}
	if rest := total - len(ns); rest > 0 {
		pg.More = p.N("notifications.email.more", rest)
	}
	var text strings.Builder
	fmt.Fprintf(&text, "%s\n\n%s\n\n", pg.Hello, pg.Intro)
	for _, it := range pg.Items {
		fmt.Fprintf(&text, "- %s\n  %s\n", it.Text, it.URL)
	}
	if pg.More != "" {
		fmt.Fprintf(&text, "\n%s\n", pg.More)
	}
	fmt.Fprintf(&text, "\n%s\n\n%s\n%s\n\n-- \n%s\n%s\n", pg.Privacy, pg.SeeAll, pg.AllURL, pg.Why, pg.PrefsURL)
	var html bytes.Buffer
	if err := htmlMail.Execute(&html, pg); err != nil {
		// The template is fixed and its data plain strings; should it ever
		// fail, the plain text alone still says everything.
		m.log.Error("notify: email HTML", "err", err)
		html.Reset()
	}
	return email.Message{To: r.email, Subject: pg.Subject, Text: text.String(), HTML: html.String()}
}
