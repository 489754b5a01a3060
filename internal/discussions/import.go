package discussions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"involve/internal/db"
)

// ImportPost is one post of a conversation brought in whole.
type ImportPost struct {
	AuthorID int64
	Body     string
	At       time.Time
}

// Import adds a whole conversation as one thread, with its own times, in
// one transaction: for a group bringing its history from elsewhere, and
// for demo content. Nobody is notified of old posts; everyone who wrote
// follows the thread and has read it up to their own last post.
func (s *Store) Import(ctx context.Context, groupID *int64, title, lang string, posts []ImportPost) (*Discussion, error) {
	if len(posts) == 0 {
		return nil, errors.New("discussions: import: no posts")
	}
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		first, last := posts[0], posts[len(posts)-1]
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO discussions (group_id, title, lang, author_id, created_at, last_post_at, reply_count)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, groupID, strings.TrimSpace(title), lang, first.AuthorID, first.At, last.At, len(posts)-1)
		if err != nil {
			return err
		}
		lastOwn := map[int64]int{}
		for i, p := range posts {
			if _, err := tx.Exec(ctx, `INSERT INTO posts (discussion_id, position, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)`,
				id, i+1, p.AuthorID, strings.TrimSpace(p.Body), p.At); err != nil {
				return err
			}
			lastOwn[p.AuthorID] = i + 1
		}
		for who, pos := range lastOwn {
			if err := s.follow(ctx, tx, who, id); err != nil {
				return err
			}
			if err := s.markRead(ctx, tx, who, id, pos); err != nil {
				return err
			}
		}
		return s.reindex(ctx, tx, id)
	})
	if err != nil {
		return nil, fmt.Errorf("discussions: import %q: %w", title, err)
	}
	return s.Discussion(ctx, id)
}
