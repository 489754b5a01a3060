package moderation

import (
	"context"

	"involve/internal/db"
	"involve/internal/discussions"
)

// PostTarget makes posts reportable; the discussions store hides and
// restores them. A hidden post keeps its place in the thread with the
// moderator's reason.
type PostTarget struct{ Discussions *discussions.Store }

func (t PostTarget) Locate(ctx context.Context, q db.Querier, id int64) (Located, error) {
	l, err := t.Discussions.LocatePost(ctx, q, id)
	return located(l), err
}

func (t PostTarget) Hide(ctx context.Context, q db.Querier, id int64, reason string) error {
	return t.Discussions.HidePost(ctx, q, id, reason)
}

func (t PostTarget) Restore(ctx context.Context, q db.Querier, id int64) error {
	return t.Discussions.RestorePost(ctx, q, id)
}

// DiscussionTarget makes whole threads reportable.
type DiscussionTarget struct{ Discussions *discussions.Store }

func (t DiscussionTarget) Locate(ctx context.Context, q db.Querier, id int64) (Located, error) {
	l, err := t.Discussions.LocateDiscussion(ctx, q, id)
	return located(l), err
}

func (t DiscussionTarget) Hide(ctx context.Context, q db.Querier, id int64, reason string) error {
	return t.Discussions.HideDiscussion(ctx, q, id, reason)
}

func (t DiscussionTarget) Restore(ctx context.Context, q db.Querier, id int64) error {
	return t.Discussions.RestoreDiscussion(ctx, q, id)
}

func located(l discussions.Location) Located {
	return Located{GroupID: l.GroupID, Title: l.Title, URL: l.URL, AuthorID: l.AuthorID, Hidden: l.Hidden}
}

// RegisterDiscussions makes posts and threads reportable. (Blocks reach
// the discussions store through its recipient filter: DropBlocked.)
func (s *Store) RegisterDiscussions(ds *discussions.Store) {
	s.Register(TargetPost, PostTarget{Discussions: ds})
	s.Register(TargetDiscussion, DiscussionTarget{Discussions: ds})
}
