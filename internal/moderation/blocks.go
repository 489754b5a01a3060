package moderation

import (
	"context"
	"errors"
	"time"

	"involve/internal/db"
)

// Blocking is private: the blocked member is not told and sees no
// difference. The blocker sees the blocked member's posts folded away and
// hears nothing from them (no mentions, no replies in notifications).

// Block is a member someone blocked.
type Block struct {
	MemberID int64
	Handle   string
	Since    time.Time
}

// Block makes blocker block blocked; blocking twice changes nothing.
func (s *Store) Block(ctx context.Context, blocker, blocked int64) error {
	if blocker == blocked {
		return ErrSelf
	}
	_, err := s.db.Exec(ctx, `INSERT INTO member_blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)`, blocker, blocked, s.now())
	if errors.Is(err, db.ErrConflict) {
		return nil
	}
	return err
}

// Unblock lifts a block; lifting one that is not there changes nothing.
func (s *Store) Unblock(ctx context.Context, blocker, blocked int64) error {
	_, err := s.db.Exec(ctx, `DELETE FROM member_blocks WHERE blocker_id = ? AND blocked_id = ?`, blocker, blocked)
	return err
}

// HasBlocked reports whether blocker blocked blocked.
func (s *Store) HasBlocked(ctx context.Context, blocker, blocked int64) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM member_blocks WHERE blocker_id = ? AND blocked_id = ?`, blocker, blocked).Scan(&n)
	return n > 0, err
}

// DropBlocked returns the members of to who have not blocked from, so a
// mention or reply by from does not notify anyone who blocked them. Call
// it inside the transaction that adds the notifications.
func (s *Store) DropBlocked(ctx context.Context, q db.Querier, from int64, to []int64) ([]int64, error) {
	if len(to) == 0 || from == 0 {
		return to, nil
	}
	blockers, err := s.ids(ctx, q, `SELECT blocker_id FROM member_blocks WHERE blocked_id = ?`, from)
	if err != nil {
		return nil, err
	}
	drop := make([]any, len(blockers))
	for i, b := range blockers {
		drop[i] = b
	}
	return without(to, drop...), nil
}

// Blocks lists the members memberID blocked, newest first.
func (s *Store) Blocks(ctx context.Context, memberID int64) ([]Block, error) {
	rows, err := s.db.Query(ctx, `SELECT b.blocked_id, m.handle, b.created_at FROM member_blocks b JOIN members m ON m.id = b.blocked_id
		WHERE b.blocker_id = ? ORDER BY b.created_at DESC, m.handle_key`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Block
	for rows.Next() {
		var b Block
		if err := rows.Scan(&b.MemberID, &b.Handle, &b.Since); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
