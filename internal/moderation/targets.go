package moderation

import (
	"context"
	"time"

	"involve/internal/db"
	"involve/internal/groups"
)

// GroupTarget makes groups reportable. A hidden group disappears for
// everyone but its members and site moderators; only site moderators hide
// and restore groups, since a group's own moderators cannot judge it.
type GroupTarget struct{ Groups *groups.Store }

// Locate reads the group. Its GroupID is nil: a group does not live inside
// a group, and reports about it go to the site moderators.
func (t GroupTarget) Locate(ctx context.Context, q db.Querier, id int64) (Located, error) {
	var slug, name string
	var hidden *time.Time
	var createdBy *int64
	if err := q.QueryRow(ctx, `SELECT slug, name, hidden_at, created_by FROM groups WHERE id = ?`, id).
		Scan(&slug, &name, &hidden, &createdBy); err != nil {
		return Located{}, err
	}
	return Located{Title: name, URL: "/groups/" + slug, AuthorID: createdBy, Hidden: hidden != nil}, nil
}

// Hide hides the group with the reason its members are shown.
func (t GroupTarget) Hide(ctx context.Context, q db.Querier, id int64, reason string) error {
	return t.Groups.Hide(ctx, q, id, reason)
}

// Restore brings the group back.
func (t GroupTarget) Restore(ctx context.Context, q db.Querier, id int64) error {
	return t.Groups.Restore(ctx, q, id)
}

// Ref names a group by its slug in the audit log.
func (t GroupTarget) Ref(ctx context.Context, q db.Querier, id int64) (string, error) {
	var slug string
	err := q.QueryRow(ctx, `SELECT slug FROM groups WHERE id = ?`, id).Scan(&slug)
	return slug, err
}
