package moderation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"involve/internal/accounts"
	"involve/internal/db"
)

// MaySuspend reports whether m may suspend subject: site moderators and
// admins may, never themselves; only a site admin may suspend someone who
// holds a site role, so moderators cannot lock each other out.
func MaySuspend(m, subject *accounts.Member) error {
	switch {
	case !m.IsModerator():
		return ErrForbidden
	case m.ID == subject.ID:
		return ErrSelf
	case len(subject.Roles) > 0 && !m.IsAdmin():
		return ErrForbidden
	}
	return nil
}

// Suspend stops subject signing in until a time (nil: until a moderator
// lifts it) and ends all their sessions, in one transaction with the audit
// record. The reason is shown to the member when they try to sign in.
func (s *Store) Suspend(ctx context.Context, m, subject *accounts.Member, until *time.Time, reason string) error {
	if err := MaySuspend(m, subject); err != nil {
		return err
	}
	if until != nil && !until.After(s.now()) {
		return ErrPastDate
	}
	if key := CheckReason(reason, true); key != "" {
		return fmt.Errorf("moderation: suspend: %s", key)
	}
	reason = strings.TrimSpace(reason)
	detail := reason + " (no end date)"
	if until != nil {
		detail = reason + " (until " + until.UTC().Format(time.DateOnly) + ")"
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := s.accounts.Suspend(ctx, tx, subject.ID, until, reason); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, m.ID, "moderation.suspend", "member", subject.Handle, detail)
	})
}

// Unsuspend lets subject sign in again, with an optional note in the audit
// log.
func (s *Store) Unsuspend(ctx context.Context, m, subject *accounts.Member, note string) error {
	if !m.IsModerator() {
		return ErrForbidden
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		sp, err := s.accounts.Suspended(ctx, tx, subject.ID)
		if err != nil {
			return err
		}
		if sp == nil {
			return ErrNotSuspended
		}
		if err := s.accounts.Unsuspend(ctx, tx, subject.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, m.ID, "moderation.unsuspend", "member", subject.Handle, strings.TrimSpace(note))
	})
}
