package accounts

import (
	"context"
	"fmt"
	"time"

	"involve/internal/db"
)

// Indefinitely is the end a suspension without an end date is stored with:
// far enough away to never pass, and a time both engines keep as is.
var Indefinitely = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// SuspendedError says a member's account is suspended: sign-in is refused
// and their sessions no longer count. Until is nil for a suspension without
// an end date. It matches db.ErrNotFound too, so code that treats an
// unknown session as "signed out" does the same for a suspended member.
type SuspendedError struct {
	Until  *time.Time
	Reason string
}

func (e *SuspendedError) Error() string {
	if e.Until == nil {
		return "accounts: account suspended"
	}
	return "accounts: account suspended until " + e.Until.Format(time.RFC3339)
}

// Is makes errors.Is(err, db.ErrNotFound) hold for a suspended member.
func (e *SuspendedError) Is(target error) bool { return target == db.ErrNotFound }

// suspension returns the error for a stored suspension end, or nil when the
// member is not suspended at now.
func suspension(until *time.Time, reason string, now time.Time) error {
	if until == nil || !until.After(now) {
		return nil
	}
	e := &SuspendedError{Reason: reason}
	if until.Before(Indefinitely) {
		t := *until
		e.Until = &t
	}
	return e
}

// Suspension is a member's suspension as moderators see it.
type Suspension struct {
	MemberID int64
	Handle   string
	Until    *time.Time // nil: until a moderator lifts it
	Reason   string
}

// Suspended returns the member's current suspension, or nil when they are
// not suspended.
func (s *Store) Suspended(ctx context.Context, q db.Querier, memberID int64) (*Suspension, error) {
	var until *time.Time
	var reason, handle string
	if err := q.QueryRow(ctx, `SELECT handle, suspended_until, suspended_reason FROM members WHERE id = ?`, memberID).
		Scan(&handle, &until, &reason); err != nil {
		return nil, err
	}
	if until == nil || !until.After(s.now()) {
		return nil, nil
	}
	return newSuspension(memberID, handle, until, reason), nil
}

func newSuspension(id int64, handle string, until *time.Time, reason string) *Suspension {
	sp := &Suspension{MemberID: id, Handle: handle, Reason: reason}
	if until.Before(Indefinitely) {
		sp.Until = until
	}
	return sp
}

// Suspend stops a member signing in until a time (nil: until lifted) and
// ends all their sessions, inside the caller's transaction, beside the
// audit record.
func (s *Store) Suspend(ctx context.Context, q db.Querier, memberID int64, until *time.Time, reason string) error {
	end := Indefinitely
	if until != nil {
		end = *until
	}
	res, err := q.Exec(ctx, `UPDATE members SET suspended_until = ?, suspended_reason = ? WHERE id = ?`, end, reason, memberID)
	if err != nil {
		return fmt.Errorf("accounts: suspend: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	_, err = q.Exec(ctx, `DELETE FROM sessions WHERE member_id = ?`, memberID)
	return err
}

// Unsuspend lifts a suspension.
func (s *Store) Unsuspend(ctx context.Context, q db.Querier, memberID int64) error {
	res, err := q.Exec(ctx, `UPDATE members SET suspended_until = NULL, suspended_reason = '' WHERE id = ?`, memberID)
	if err != nil {
		return fmt.Errorf("accounts: unsuspend: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}

// Suspensions lists the members suspended now, those whose suspension
// ends soonest first and indefinite ones last.
func (s *Store) Suspensions(ctx context.Context) ([]Suspension, error) {
	rows, err := s.db.Query(ctx, `SELECT id, handle, suspended_until, suspended_reason FROM members
		WHERE suspended_until > ? ORDER BY suspended_until, handle_key`, s.now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Suspension
	for rows.Next() {
		var id int64
		var handle, reason string
		var until *time.Time
		if err := rows.Scan(&id, &handle, &until, &reason); err != nil {
			return nil, err
		}
		out = append(out, *newSuspension(id, handle, until, reason))
	}
	return out, rows.Err()
}

// IsModerator reports whether the member moderates the whole site: the
// moderator role, or site admin.
func (m *Member) IsModerator() bool {
	return m != nil && (m.HasRole(RoleModerator) || m.HasRole(RoleAdmin))
}
