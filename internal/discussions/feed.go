package discussions

import (
	"context"
)

// FeedEntry is a thread with its first post, for an Atom feed.
type FeedEntry struct {
	Discussion *Discussion
	First      *Post
}

// Latest returns the newest threads of the forum (groupID nil) or a group
// that are not hidden, newest first, each with its first post.
func (s *Store) Latest(ctx context.Context, groupID *int64, limit int) ([]FeedEntry, error) {
	where := ` WHERE d.group_id IS NULL AND d.hidden_at IS NULL`
	args := []any{}
	if groupID != nil {
		where = ` WHERE d.group_id = ? AND d.hidden_at IS NULL`
		args = append(args, *groupID)
	}
	rows, err := s.db.Query(ctx, `SELECT `+discussionColumns+discussionFrom+where+` ORDER BY d.created_at DESC, d.id DESC LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, err
	}
	var out []FeedEntry
	for rows.Next() {
		d, err := scanDiscussion(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, FeedEntry{Discussion: d})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		ps, err := s.Range(ctx, out[i].Discussion.ID, 1, 1)
		if err != nil {
			return nil, err
		}
		if len(ps) == 1 {
			out[i].First = ps[0]
		}
	}
	return out, nil
}
