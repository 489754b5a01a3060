package discussions

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"involve/internal/accounts"
	"involve/internal/db"
)

// Post is one post in a thread: the first one opens it, the rest reply.
type Post struct {
	ID           int64
	DiscussionID int64
	Position     int // its number in the thread, from 1
	Author       Person
	Body         string // Markdown; "" once removed
	CreatedAt    time.Time
	EditedAt     *time.Time
	RemovedAt    *time.Time // its author deleted their account and took their words
	HiddenAt     *time.Time
	HiddenReason string
	// AuthorBlocked says the reader blocked the author, so the page folds
	// the post away; Page fills it for a reader who is signed in.
	AuthorBlocked bool
}

// Removed reports whether the author took the post's words away.
func (p *Post) Removed() bool { return p.RemovedAt != nil }

// Hidden reports whether a moderator hid the post.
func (p *Post) Hidden() bool { return p.HiddenAt != nil }

const postColumns = `p.id, p.discussion_id, p.position, COALESCE(p.author_id, 0), COALESCE(m.handle, ''),
	COALESCE(m.display_name, ''), COALESCE(m.display_name_vis, 'private'),
	p.body, p.created_at, p.edited_at, p.removed_at, p.hidden_at, p.hidden_reason`

const postFrom = ` FROM posts p LEFT JOIN members m ON m.id = p.author_id`

// scanPost reads the columns of a post, then more.
func scanPost(sc interface{ Scan(...any) error }, more ...any) (*Post, error) {
	p := &Post{}
	var vis string
	if err := sc.Scan(append([]any{&p.ID, &p.DiscussionID, &p.Position, &p.Author.ID, &p.Author.Handle, &p.Author.DisplayName, &vis,
		&p.Body, &p.CreatedAt, &p.EditedAt, &p.RemovedAt, &p.HiddenAt, &p.HiddenReason}, more...)...); err != nil {
		return nil, err
	}
	p.Author.DisplayVis = accounts.Visibility(vis)
	return p, nil
}

// Post returns one post.
func (s *Store) Post(ctx context.Context, id int64) (*Post, error) {
	return s.post(ctx, s.db, id)
}

func (s *Store) post(ctx context.Context, q db.Querier, id int64) (*Post, error) {
	p, err := scanPost(q.QueryRow(ctx, `SELECT `+postColumns+postFrom+` WHERE p.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("discussions: post %d: %w", id, err)
	}
	return p, nil
}

// Page returns page (from 1) of a thread's posts. For a reader who is
// signed in (memberID, 0 otherwise) each post says whether the reader
// blocked its author: the same query reads it, since this runs on every
// read of a thread and on PostgreSQL each query is a round trip.
func (s *Store) Page(ctx context.Context, discussionID int64, page int, memberID int64) ([]*Post, error) {
	first := (max(1, page)-1)*PerPage + 1
	if memberID == 0 {
		return s.Range(ctx, discussionID, first, first+PerPage-1)
	}
	rows, err := s.db.Query(ctx, `SELECT `+postColumns+`,
		CASE WHEN p.author_id IN (SELECT blocked_id FROM member_blocks WHERE blocker_id = ?) THEN 1 ELSE 0 END`+postFrom+`
		WHERE p.discussion_id = ? AND p.position BETWEEN ? AND ? ORDER BY p.position`,
		memberID, discussionID, first, first+PerPage-1)
	return readPosts(rows, err, true)
}

// Range returns the posts at positions first to last.
func (s *Store) Range(ctx context.Context, discussionID int64, first, last int) ([]*Post, error) {
	rows, err := s.db.Query(ctx, `SELECT `+postColumns+postFrom+`
		WHERE p.discussion_id = ? AND p.position BETWEEN ? AND ? ORDER BY p.position`, discussionID, first, last)
	return readPosts(rows, err, false)
}

// readPosts reads the posts of a query, with 1 or 0 after each post's
// columns, for whether the reader blocked its author, when blocks is set.
func readPosts(rows *sql.Rows, err error, blocks bool) ([]*Post, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Post
	var blocked int
	var more []any
	if blocks {
		more = []any{&blocked}
	}
	for rows.Next() {
		p, err := scanPost(rows, more...)
		if err != nil {
			return nil, err
		}
		p.AuthorBlocked = blocked > 0
		out = append(out, p)
	}
	return out, rows.Err()
}

// Reply adds a post to a thread. Locked threads take replies only from
// moderators (asModerator); hidden threads from nobody. The replier
// follows the thread from then on; followers and mentioned members are
// told, in the same transaction.
func (s *Store) Reply(ctx context.Context, discussionID, authorID int64, body string, asModerator bool) (*Post, error) {
	now := s.now()
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		d, err := s.discussion(ctx, tx, discussionID)
		if err != nil {
			return err
		}
		if d.HiddenAt != nil {
			return ErrHidden
		}
		if d.LockedAt != nil && !asModerator {
			return ErrLocked
		}
		// The counter row is the thread's lock: replies arriving together
		// take positions one after another.
		var count int
		if err := tx.ExecRow(ctx, `UPDATE discussions SET reply_count = reply_count + 1, last_post_at = ? WHERE id = ? RETURNING reply_count`,
			now, discussionID).Scan(&count); err != nil {
			return err
		}
		pos := count + 1
		id, err = db.InsertID(ctx, tx, `INSERT INTO posts (discussion_id, position, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)`,
			discussionID, pos, authorID, strings.TrimSpace(body), now)
		if err != nil {
			return err
		}
		if err := s.follow(ctx, tx, authorID, discussionID); err != nil {
			return err
		}
		if err := s.markRead(ctx, tx, authorID, discussionID, pos); err != nil {
			return err
		}
		d.ReplyCount = count
		if err := s.notifyReply(ctx, tx, d, authorID, body, pos); err != nil {
			return err
		}
		return s.reindex(ctx, tx, discussionID)
	})
	if err != nil {
		return nil, fmt.Errorf("discussions: reply: %w", err)
	}
	return s.Post(ctx, id)
}

// Edit replaces a post's text (and, for a thread's first post, its title:
// title "" keeps it), keeping the old text in the post's history. Only the
// author edits, and not in a locked or hidden thread or a hidden post.
func (s *Store) Edit(ctx context.Context, postID, editorID int64, title, body string) error {
	now := s.now()
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		p, err := s.post(ctx, tx, postID)
		if err != nil {
			return err
		}
		d, err := s.discussion(ctx, tx, p.DiscussionID)
		if err != nil {
			return err
		}
		switch {
		case p.Author.ID == 0 || p.Author.ID != editorID:
			return ErrNotAuthor
		case p.Removed():
			return ErrRemoved
		case p.Hidden() || d.HiddenAt != nil:
			return ErrHidden
		case d.LockedAt != nil:
			return ErrLocked
		}
		title = strings.TrimSpace(title)
		oldTitle := ""
		if p.Position == 1 {
			oldTitle = d.Title
		}
		body = strings.TrimSpace(body)
		if body == p.Body && (title == "" || title == oldTitle) {
			return nil // nothing changed, nothing to keep
		}
		if _, err := tx.Exec(ctx, `INSERT INTO post_revisions (post_id, title, body, edited_at, editor_id) VALUES (?, ?, ?, ?, ?)`,
			p.ID, oldTitle, p.Body, now, editorID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE posts SET body = ?, edited_at = ? WHERE id = ?`, body, now, p.ID); err != nil {
			return err
		}
		if p.Position == 1 && title != "" && title != d.Title {
			if _, err := tx.Exec(ctx, `UPDATE discussions SET title = ? WHERE id = ?`, title, d.ID); err != nil {
				return err
			}
		}
		return s.reindex(ctx, tx, d.ID)
	})
	if err != nil {
		return fmt.Errorf("discussions: edit post %d: %w", postID, err)
	}
	return nil
}

// Version is one text a post has had, oldest first in a history.
type Version struct {
	Number  int
	Title   string // the thread's title then, for a first post
	Body    string
	Written time.Time // when this text was written
	Until   *time.Time
	Current bool
}

// History returns every text a post has had, from the first to the
// current one.
func (s *Store) History(ctx context.Context, p *Post) ([]Version, error) {
	rows, err := s.db.Query(ctx, `SELECT title, body, edited_at FROM post_revisions WHERE post_id = ? ORDER BY id`, p.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	written := p.CreatedAt
	for rows.Next() {
		var v Version
		var until time.Time
		if err := rows.Scan(&v.Title, &v.Body, &until); err != nil {
			return nil, err
		}
		v.Number, v.Written, v.Until = len(out)+1, written, &until
		written = until
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out = append(out, Version{Number: len(out) + 1, Body: p.Body, Written: written, Current: true})
	return out, nil
}

// HidePost hides a post from everyone but moderators, with the
// moderator's reason, inside the caller's transaction. The post keeps its
// place in the thread.
func (s *Store) HidePost(ctx context.Context, q db.Querier, id int64, reason string) error {
	return s.setPostHidden(ctx, q, id, &reason)
}

// RestorePost undoes HidePost.
func (s *Store) RestorePost(ctx context.Context, q db.Querier, id int64) error {
	return s.setPostHidden(ctx, q, id, nil)
}

func (s *Store) setPostHidden(ctx context.Context, q db.Querier, id int64, reason *string) error {
	var did int64
	var err error
	if reason != nil {
		err = q.ExecRow(ctx, `UPDATE posts SET hidden_at = ?, hidden_reason = ? WHERE id = ? RETURNING discussion_id`,
			s.now(), *reason, id).Scan(&did)
	} else {
		err = q.ExecRow(ctx, `UPDATE posts SET hidden_at = NULL, hidden_reason = '' WHERE id = ? RETURNING discussion_id`, id).Scan(&did)
	}
	if err != nil {
		return fmt.Errorf("discussions: post %d: %w", id, err)
	}
	return s.reindex(ctx, q, did)
}

// LocatePost finds a post for moderation: its thread's group and title,
// its address and author.
func (s *Store) LocatePost(ctx context.Context, q db.Querier, id int64) (Location, error) {
	p, err := s.post(ctx, q, id)
	if err != nil {
		return Location{}, err
	}
	d, err := s.discussion(ctx, q, p.DiscussionID)
	if err != nil {
		return Location{}, err
	}
	l := Location{GroupID: d.GroupID, Title: d.Title, URL: d.PostURL(p.Position), Hidden: p.Hidden()}
	if p.Author.ID != 0 {
		l.AuthorID = &p.Author.ID
	}
	return l, nil
}
