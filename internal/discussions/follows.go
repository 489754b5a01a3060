package discussions

import (
	"context"
	"fmt"

	"involve/internal/db"
)

// Follow makes a member follow a thread: they are told about replies.
func (s *Store) Follow(ctx context.Context, memberID, discussionID int64) error {
	return s.follow(ctx, s.db, memberID, discussionID)
}

func (s *Store) follow(ctx context.Context, q db.Querier, memberID, discussionID int64) error {
	_, err := q.Exec(ctx, `INSERT INTO discussion_follows (member_id, discussion_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (member_id, discussion_id) DO NOTHING`, memberID, discussionID, s.now())
	return err
}

// Unfollow stops a member following a thread.
func (s *Store) Unfollow(ctx context.Context, memberID, discussionID int64) error {
	_, err := s.db.Exec(ctx, `DELETE FROM discussion_follows WHERE member_id = ? AND discussion_id = ?`, memberID, discussionID)
	return err
}

// ForReader returns one thread, hidden or not, with how far the member
// has read it and whether they follow it (LastRead, Following), in one
// query: the thread page needs all three on every read. A signed-out
// reader is memberID 0.
func (s *Store) ForReader(ctx context.Context, id, memberID int64) (*Discussion, error) {
	if memberID == 0 {
		return s.Discussion(ctx, id)
	}
	var lastRead, following int
	d, err := scanDiscussion(s.db.QueryRow(ctx, `SELECT `+discussionColumns+`,
		COALESCE((SELECT last_position FROM discussion_reads WHERE member_id = ? AND discussion_id = d.id), 0),
		(SELECT COUNT(*) FROM discussion_follows WHERE member_id = ? AND discussion_id = d.id)`+discussionFrom+`
		WHERE d.id = ?`, memberID, memberID, id), &lastRead, &following)
	if err != nil {
		return nil, fmt.Errorf("discussions: %d: %w", id, err)
	}
	d.LastRead, d.Following = lastRead, following > 0
	return d, nil
}

// MarkRead records that a member has been shown a thread up to position;
// the marker only moves forward, so reading an old page unmarks nothing.
func (s *Store) MarkRead(ctx context.Context, memberID, discussionID int64, position int) error {
	return s.markRead(ctx, s.db, memberID, discussionID, position)
}

func (s *Store) markRead(ctx context.Context, q db.Querier, memberID, discussionID int64, position int) error {
	_, err := q.Exec(ctx, `INSERT INTO discussion_reads (member_id, discussion_id, last_position, read_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (member_id, discussion_id) DO UPDATE SET
			last_position = CASE WHEN excluded.last_position > discussion_reads.last_position
				THEN excluded.last_position ELSE discussion_reads.last_position END,
			read_at = excluded.read_at`, memberID, discussionID, position, s.now())
	return err
}

// RecipientFilter drops from to the members who should not hear from the
// member from (because they blocked them); the moderation store provides
// one. It runs inside the transaction that adds the notifications.
type RecipientFilter func(ctx context.Context, q db.Querier, from int64, to []int64) ([]int64, error)

// SetRecipientFilter sets the filter every reply and mention notification
// passes through.
func (s *Store) SetRecipientFilter(f RecipientFilter) { s.filter = f }

// readers narrows query (which selects member ids as m.id from members m)
// to members who may read d: anyone for the forum; for a group, its
// members, everyone when the group is public and not hidden, and site
// moderators, as groups.Access.CanSeeContent says.
func readers(d *Discussion, query string, args []any) (string, []any) {
	if d.GroupID == nil {
		return query, args
	}
	return query + ` AND (EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = ? AND gm.member_id = m.id)
		OR EXISTS (SELECT 1 FROM groups g WHERE g.id = ? AND g.visibility = 'public' AND g.hidden_at IS NULL)
		OR EXISTS (SELECT 1 FROM member_roles r WHERE r.member_id = m.id AND r.role IN ('moderator', 'admin')))`,
		append(args, *d.GroupID, *d.GroupID)
}

func (s *Store) ids(ctx context.Context, q db.Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// mentioned returns the members body mentions who may read d, except the
// author.
func (s *Store) mentioned(ctx context.Context, q db.Querier, d *Discussion, authorID int64, body string) ([]int64, error) {
	handles := Mentions(body)
	if len(handles) == 0 {
		return nil, nil
	}
	if len(handles) > 20 { // a post is not a mailing list
		handles = handles[:20]
	}
	query := `SELECT m.id FROM members m WHERE m.handle_key IN (` + db.Placeholders(len(handles)) + `) AND m.id <> ?`
	args := make([]any, 0, len(handles)+3)
	for _, h := range handles {
		args = append(args, h)
	}
	query, args = readers(d, query, append(args, authorID))
	return s.ids(ctx, q, query, args...)
}

// notification params are named so that their sorted order is the order
// the messages use them in: a_who, then b_thread.
func params(d *Discussion, who string) map[string]string {
	return map[string]string{"a_who": who, "b_thread": d.Title}
}

func (s *Store) handle(ctx context.Context, q db.Querier, id int64) (string, error) {
	var h string
	err := q.QueryRow(ctx, `SELECT handle FROM members WHERE id = ?`, id).Scan(&h)
	return h, err
}

func (s *Store) send(ctx context.Context, q db.Querier, from int64, to []int64, kind string, d *Discussion, pos int) error {
	if s.filter != nil && len(to) > 0 {
		var err error
		if to, err = s.filter(ctx, q, from, to); err != nil {
			return err
		}
	}
	if len(to) == 0 {
		return nil
	}
	who, err := s.handle(ctx, q, from)
	if err != nil {
		return err
	}
	return s.notify.Add(ctx, q, to, kind, params(d, who), d.PostURL(pos))
}

// notifyMentions tells the members a new thread's first post mentions.
func (s *Store) notifyMentions(ctx context.Context, q db.Querier, d *Discussion, authorID int64, body string, pos int) error {
	to, err := s.mentioned(ctx, q, d, authorID, body)
	if err != nil {
		return err
	}
	return s.send(ctx, q, authorID, to, "discussion.mention", d, pos)
}

// notifyReply tells the members a reply mentions, and every other follower
// who may still read the thread that there is a reply; never its author.
func (s *Store) notifyReply(ctx context.Context, q db.Querier, d *Discussion, authorID int64, body string, pos int) error {
	mentioned, err := s.mentioned(ctx, q, d, authorID, body)
	if err != nil {
		return err
	}
	if err := s.send(ctx, q, authorID, mentioned, "discussion.mention", d, pos); err != nil {
		return err
	}
	query, args := readers(d, `SELECT m.id FROM discussion_follows f JOIN members m ON m.id = f.member_id
		WHERE f.discussion_id = ? AND m.id <> ?`, []any{d.ID, authorID})
	followers, err := s.ids(ctx, q, query, args...)
	if err != nil {
		return err
	}
	skip := map[int64]bool{}
	for _, id := range mentioned {
		skip[id] = true
	}
	var to []int64
	for _, id := range followers {
		if !skip[id] {
			to = append(to, id)
		}
	}
	return s.send(ctx, q, authorID, to, "discussion.reply", d, pos)
}
