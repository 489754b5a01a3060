// Package notify tells members what happened that concerns them: replies,
// mentions, join requests, support offers, moderation outcomes. Every
// capability adds notifications here, in the same transaction as the
// change they report.
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"involve/internal/db"
)

// Notification is one thing a member is told.
type Notification struct {
	ID       int64
	MemberID int64
	// Kind names what happened, e.g. "discussion.reply"; the message key
	// "notify.<kind>" turns it into text in the reader's language.
	Kind string
	// Params fill the message, by name, e.g. {"group": "…", "who": "…"}.
	Params map[string]string
	URL    string // where to look, a path on this site
	At     time.Time
	ReadAt *time.Time
}

// Center stores notifications.
type Center struct {
	db  *db.DB
	now func() time.Time
}

// New returns the notification centre on d.
func New(d *db.DB) *Center { return &Center{db: d, now: time.Now} }

// Add records a notification for each member in to (once per member),
// inside the caller's transaction.
func (c *Center) Add(ctx context.Context, q db.Querier, to []int64, kind string, params map[string]string, url string) error {
	p, err := json.Marshal(params)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, id := range to {
		if seen[id] || id == 0 {
			continue
		}
		seen[id] = true
		if _, err := q.Exec(ctx, `INSERT INTO notifications (member_id, kind, params, url, created_at) VALUES (?, ?, ?, ?, ?)`,
			id, kind, string(p), url, c.now()); err != nil {
			return fmt.Errorf("notify: add %s: %w", kind, err)
		}
	}
	return nil
}

// List returns a member's newest notifications, at most limit, older than
// before (0 for the newest).
func (c *Center) List(ctx context.Context, memberID int64, limit int, before int64) ([]Notification, error) {
	q := `SELECT id, member_id, kind, params, url, created_at, read_at FROM notifications WHERE member_id = ?`
	args := []any{memberID}
	if before > 0 {
		q += ` AND id < ?`
		args = append(args, before)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	return c.list(ctx, c.db, q, args...)
}

func (c *Center) list(ctx context.Context, qr db.Querier, q string, args ...any) ([]Notification, error) {
	rows, err := qr.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var params string
		if err := rows.Scan(&n.ID, &n.MemberID, &n.Kind, &params, &n.URL, &n.At, &n.ReadAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(params), &n.Params); err != nil {
			n.Params = map[string]string{}
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Unread counts a member's unread notifications.
func (c *Center) Unread(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := c.db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE member_id = ? AND read_at IS NULL`, memberID).Scan(&n)
	return n, err
}

// MarkRead marks one notification (id > 0) or all of a member's (id 0) read.
func (c *Center) MarkRead(ctx context.Context, memberID, id int64) error {
	q := `UPDATE notifications SET read_at = ? WHERE member_id = ? AND read_at IS NULL`
	args := []any{c.now(), memberID}
	if id > 0 {
		q += ` AND id = ?`
		args = append(args, id)
	}
	_, err := c.db.Exec(ctx, q, args...)
	return err
}
