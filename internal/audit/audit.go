// Package audit keeps the log of every action taken with site powers
// (verifying organisations, granting roles, and later moderation), so those
// who hold the powers answer for them.
package audit

import (
	"context"
	"fmt"
	"time"

	"involve/internal/db"
	"involve/internal/memberdata"
)

// Entry is one logged action.
type Entry struct {
	ID         int64
	ActorID    *int64
	Actor      string // handle, "" once the actor deleted their account
	Action     string // e.g. "organisation.verify"
	TargetType string // e.g. "organisation"
	Target     string // e.g. the organisation's slug
	Detail     string
	At         time.Time
}

// Log writes and reads the audit log.
type Log struct {
	db  *db.DB
	now func() time.Time
}

// New returns the log on d.
func New(d *db.DB) *Log { return &Log{db: d, now: time.Now} }

// Record logs an action; pass the transaction that made the change so the
// action and its record stand or fall together.
func (l *Log) Record(ctx context.Context, q db.Querier, actorID int64, action, targetType, target, detail string) error {
	_, err := q.Exec(ctx, `INSERT INTO audit_log (actor_id, action, target_type, target, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		actorID, action, targetType, target, detail, l.now())
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", action, err)
	}
	return nil
}

// Recent returns up to limit entries older than before (0 for the newest),
// newest first.
func (l *Log) Recent(ctx context.Context, limit int, before int64) ([]Entry, error) {
	q := `SELECT a.id, a.actor_id, COALESCE(m.handle, ''), a.action, a.target_type, a.target, a.detail, a.created_at
		FROM audit_log a LEFT JOIN members m ON m.id = a.actor_id`
	args := []any{}
	if before > 0 {
		q += ` WHERE a.id < ?`
		args = append(args, before)
	}
	q += ` ORDER BY a.id DESC LIMIT ?`
	args = append(args, limit)
	return l.query(ctx, l.db, q, args...)
}

// ForTarget returns up to limit entries about one target (a group's slug,
// a post's id…), newest first: what was done to it, by whom and why.
func (l *Log) ForTarget(ctx context.Context, targetType, target string, limit int) ([]Entry, error) {
	return l.query(ctx, l.db, `SELECT a.id, a.actor_id, COALESCE(m.handle, ''), a.action, a.target_type, a.target, a.detail, a.created_at
		FROM audit_log a LEFT JOIN members m ON m.id = a.actor_id WHERE a.target_type = ? AND a.target = ?
		ORDER BY a.id DESC LIMIT ?`, targetType, target, limit)
}

func (l *Log) query(ctx context.Context, qr db.Querier, q string, args ...any) ([]Entry, error) {
	rows, err := qr.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.ActorID, &e.Actor, &e.Action, &e.TargetType, &e.Target, &e.Detail, &e.At); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// DataPart puts the actions a member took with site powers into their data
// download. On deletion the entries stay, without the link to the member:
// the record of what was done with site powers must outlive the account.
type DataPart struct{ Log *Log }

func (DataPart) Name() string { return "admin_actions" }

type exportEntry struct {
	Action string    `json:"action"`
	Target string    `json:"target"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}

func (p DataPart) Export(ctx context.Context, q db.Querier, memberID int64) (any, error) {
	es, err := p.Log.query(ctx, q, `SELECT a.id, a.actor_id, '', a.action, a.target_type, a.target, a.detail, a.created_at
		FROM audit_log a WHERE a.actor_id = ? ORDER BY a.id`, memberID)
	if err != nil {
		return nil, err
	}
	out := make([]exportEntry, 0, len(es))
	for _, e := range es {
		out = append(out, exportEntry{e.Action, e.TargetType + ":" + e.Target, e.Detail, e.At})
	}
	return out, nil
}

// Erase unlinks the member from entries they made and blanks their handle
// where they were the target (a role granted to them, say).
func (DataPart) Erase(ctx context.Context, tx db.Querier, memberID int64, _ memberdata.Mode) error {
	if _, err := tx.Exec(ctx, `UPDATE audit_log SET actor_id = NULL WHERE actor_id = ?`, memberID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE audit_log SET target = '' WHERE target_type = 'member'
		AND target = (SELECT handle FROM members WHERE id = ?)`, memberID)
	return err
}
