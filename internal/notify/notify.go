// Package notify tells members what happened that concerns them: replies,
// mentions, join requests, support offers, moderation outcomes. Every
// capability adds notifications here with Center.Add, in the same
// transaction as the change they report, and the member reads them in the
// notification centre (/notifications) and, if they chose, by email —
// straight away or in a daily digest (see Mailer).
//
// # Writing a notification
//
// A notification is a kind, params and a URL:
//
//	c.Add(ctx, tx, []int64{authorID}, "discussion.reply",
//		map[string]string{"group": g.Name, "thread": t.Title}, "/groups/"+g.Slug+"/discussions/"+id)
//
// Its text is made when it is shown, in the reader's language, from the
// message key "notify.<kind>" (put the key in your own catalogue in all
// three languages). The params are passed to the message as arguments in
// the sorted order of their names: above, "group" is %[1]s and "thread" is
// %[2]s, so the English text might be "There is a new reply in “%[2]s” in
// %[1]s." Use the explicit %[n]s form whenever a translation may want
// another order. A kind without a message shows a general text, so an
// old notification never breaks the page.
//
// Params must be short names — a group's name, a thread's title, a
// handle — and never what somebody wrote (a post, a reason, a message):
// notifications go out by email, and peers' mailboxes may be read by
// others. The URL is a path on this site ("/groups/…"); anything else is
// replaced by /notifications when shown.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"involve/internal/db"
	"involve/internal/jobs"
)

// Notification is one thing a member is told.
type Notification struct {
	ID       int64
	MemberID int64
	// Kind names what happened, e.g. "discussion.reply"; the message key
	// "notify.<kind>" turns it into text in the reader's language.
	Kind string
	// Params fill the message, by name in sorted order, e.g.
	// {"group": "…", "thread": "…"}.
	Params    map[string]string
	URL       string // where to look, a path on this site
	At        time.Time
	ReadAt    *time.Time
	EmailedAt *time.Time
}

// Unread reports whether the member has not read it yet.
func (n Notification) Unread() bool { return n.ReadAt == nil }

// Email modes: how a member hears about notifications by email.
const (
	EmailOff       = "off"
	EmailImmediate = "immediate"
	EmailDaily     = "daily"
)

// EmailModes lists the choices in the order forms show them.
var EmailModes = []string{EmailOff, EmailImmediate, EmailDaily}

// ValidEmailMode reports whether m is one of the choices.
func ValidEmailMode(m string) bool {
	for _, x := range EmailModes {
		if x == m {
			return true
		}
	}
	return false
}

// ImmediateDelay is how long an "immediate" email waits: notifications
// that come in a burst (a busy discussion) go out in one email, and one
// the member reads on the site meanwhile is not sent at all.
const ImmediateDelay = time.Minute

// Center stores notifications.
type Center struct {
	db  *db.DB
	now func() time.Time
}

// New returns the notification centre on d.
func New(d *db.DB) *Center { return &Center{db: d, now: time.Now} }

// SetClock replaces the clock, for tests.
func (c *Center) SetClock(now func() time.Time) { c.now = now }

// Job kinds and their dedupe keys: one waiting email job per member.
const (
	jobEmail        = "notify.email"
	jobDigest       = "notify.digest"
	jobDigestMember = "notify.digest_member"
)

func emailKey(memberID int64) string  { return fmt.Sprintf("%s:%d", jobEmail, memberID) }
func digestKey(memberID int64) string { return fmt.Sprintf("%s:%d", jobDigestMember, memberID) }

type memberPayload struct {
	MemberID int64 `json:"member_id"`
}

// Add records a notification for each member in to (once per member),
// inside the caller's transaction. For members who chose immediate email
// and gave an address, it also queues their email in that transaction.
func (c *Center) Add(ctx context.Context, q db.Querier, to []int64, kind string, params map[string]string, url string) error {
	if params == nil {
		params = map[string]string{}
	}
	p, err := json.Marshal(params)
	if err != nil {
		return err
	}
	now := c.now()
	seen := map[int64]bool{}
	var ids []int64
	for _, id := range to {
		if seen[id] || id == 0 {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
		if _, err := q.Exec(ctx, `INSERT INTO notifications (member_id, kind, params, url, created_at) VALUES (?, ?, ?, ?, ?)`,
			id, kind, string(p), url, now); err != nil {
			return fmt.Errorf("notify: add %s: %w", kind, err)
		}
	}
	// Who of them wants email straight away, in one query per few hundred
	// (a reply in a busy thread notifies many followers).
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		in, args := db.In(chunk)
		rows, err := q.Query(ctx, `SELECT p.member_id FROM notify_prefs p JOIN members m ON m.id = p.member_id
			WHERE p.email_mode = ? AND `+confirmedEmail+` AND p.member_id IN (`+in+`)`, append([]any{EmailImmediate}, args...)...)
		if err != nil {
			return fmt.Errorf("notify: email preferences: %w", err)
		}
		var want []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			want = append(want, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range want {
			if _, err := jobs.EnqueueUnique(ctx, q, jobEmail, emailKey(id), memberPayload{id}, now.Add(ImmediateDelay)); err != nil {
				return err
			}
		}
	}
	return nil
}

const columns = `id, member_id, kind, params, url, created_at, read_at, emailed_at`

// List returns a member's newest notifications, at most limit, older than
// before (0 for the newest).
func (c *Center) List(ctx context.Context, memberID int64, limit int, before int64) ([]Notification, error) {
	q := `SELECT ` + columns + ` FROM notifications WHERE member_id = ?`
	args := []any{memberID}
	if before > 0 {
		q += ` AND id < ?`
		args = append(args, before)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	return list(ctx, c.db, q, args...)
}

// Get returns one of a member's notifications; another member's is
// ErrNotFound.
func (c *Center) Get(ctx context.Context, memberID, id int64) (*Notification, error) {
	ns, err := list(ctx, c.db, `SELECT `+columns+` FROM notifications WHERE id = ? AND member_id = ?`, id, memberID)
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, db.ErrNotFound
	}
	return &ns[0], nil
}

func list(ctx context.Context, qr db.Querier, q string, args ...any) ([]Notification, error) {
	rows, err := qr.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var params string
		if err := rows.Scan(&n.ID, &n.MemberID, &n.Kind, &params, &n.URL, &n.At, &n.ReadAt, &n.EmailedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(params), &n.Params); err != nil || n.Params == nil {
			n.Params = map[string]string{}
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Unread counts a member's unread notifications. The header every page
// shows reads the same count with the session (accounts.SessionMember),
// to spare a round trip; this is the notification store's own count,
// which its tests hold the marking of notifications to.
func (c *Center) Unread(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := c.db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE member_id = ? AND read_at IS NULL`, memberID).Scan(&n)
	return n, err
}

// MarkRead marks one notification (id > 0) or all of a member's (id 0)
// read. A notification that is not the member's is ErrNotFound; one
// already read stays as it was.
func (c *Center) MarkRead(ctx context.Context, memberID, id int64) error {
	if id > 0 {
		var one int
		if err := c.db.QueryRow(ctx, `SELECT 1 FROM notifications WHERE id = ? AND member_id = ?`, id, memberID).Scan(&one); err != nil {
			return err
		}
	}
	q := `UPDATE notifications SET read_at = ? WHERE member_id = ? AND read_at IS NULL`
	args := []any{c.now(), memberID}
	if id > 0 {
		q += ` AND id = ?`
		args = append(args, id)
	}
	_, err := c.db.Exec(ctx, q, args...)
	return err
}

// Prefs is how a member wants to hear about notifications by email.
type Prefs struct {
	EmailMode    string
	ModeSince    time.Time
	LastDigestAt *time.Time
}

// Prefs returns a member's email preferences; without a saved choice,
// email is off.
func (c *Center) Prefs(ctx context.Context, memberID int64) (Prefs, error) {
	var p Prefs
	err := c.db.QueryRow(ctx, `SELECT email_mode, mode_since, last_digest_at FROM notify_prefs WHERE member_id = ?`, memberID).
		Scan(&p.EmailMode, &p.ModeSince, &p.LastDigestAt)
	if errors.Is(err, db.ErrNotFound) {
		return Prefs{EmailMode: EmailOff}, nil
	}
	return p, err
}

// SetEmailMode saves a member's choice. A changed choice starts from now:
// notifications from before it are not sent.
func (c *Center) SetEmailMode(ctx context.Context, memberID int64, mode string) error {
	if !ValidEmailMode(mode) {
		return fmt.Errorf("notify: email mode %q", mode)
	}
	now := c.now()
	_, err := c.db.Exec(ctx, `INSERT INTO notify_prefs (member_id, email_mode, mode_since, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (member_id) DO UPDATE SET
			mode_since = CASE WHEN notify_prefs.email_mode = excluded.email_mode THEN notify_prefs.mode_since ELSE excluded.mode_since END,
			email_mode = excluded.email_mode, updated_at = excluded.updated_at`, memberID, mode, now, now)
	return err
}
