package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"involve/internal/db"
)

// Throttling: after throttleAfter failures within throttleWindow, sign-in
// for that handle pauses, for a minute at first and doubling up to an hour.
// It is counted per handle so that no IP address is ever stored.
const (
	throttleAfter  = 5
	throttleWindow = 15 * time.Minute
	throttleMax    = time.Hour
)

// Authenticate checks a handle and passphrase. It returns ErrBadCredentials
// for a wrong handle or passphrase alike, *ThrottledError while a handle
// is paused, and *SuspendedError for a suspended member, only once the
// passphrase is right, so a suspension tells a guesser nothing.
func (s *Store) Authenticate(ctx context.Context, handle, pass string) (*Member, error) {
	key := HandleKey(handle)
	now := s.now()
	var until *time.Time
	err := s.db.QueryRow(ctx, `SELECT locked_until FROM signin_failures WHERE handle_key = ?`, key).Scan(&until)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return nil, fmt.Errorf("accounts: throttle: %w", err)
	}
	if until != nil && until.After(now) {
		return nil, &ThrottledError{Until: *until}
	}
	var id int64
	var hash, suspendedReason string
	var suspendedUntil *time.Time
	err = s.db.QueryRow(ctx, `SELECT id, passphrase_hash, suspended_until, suspended_reason FROM members WHERE handle_key = ?`, key).
		Scan(&id, &hash, &suspendedUntil, &suspendedReason)
	if errors.Is(err, db.ErrNotFound) {
		CheckPassphrase(dummyHash(), pass)
		return nil, s.recordFailure(ctx, key)
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: sign in: %w", err)
	}
	ok, err := CheckPassphrase(hash, pass)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.recordFailure(ctx, key)
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM signin_failures WHERE handle_key = ?`, key); err != nil {
		return nil, err
	}
	if err := suspension(suspendedUntil, suspendedReason, now); err != nil {
		return nil, err
	}
	return s.ByID(ctx, id)
}

// recordFailure counts a failed sign-in and returns the error to show.
func (s *Store) recordFailure(ctx context.Context, key string) error {
	now := s.now()
	var locked *time.Time
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var failures int
		var first time.Time
		err := tx.QueryRow(ctx, `SELECT failures, first_at FROM signin_failures WHERE handle_key = ?`, key).Scan(&failures, &first)
		switch {
		case errors.Is(err, db.ErrNotFound):
			_, err = tx.Exec(ctx, `INSERT INTO signin_failures (handle_key, failures, first_at) VALUES (?, 1, ?)`, key, now)
			return err
		case err != nil:
			return err
		}
		if now.Sub(first) > throttleWindow && failures < throttleAfter {
			failures, first = 0, now
		}
		failures++
		if failures >= throttleAfter {
			pause := time.Minute << min(failures-throttleAfter, 6)
			t := now.Add(min(pause, throttleMax))
			locked = &t
		}
		_, err = tx.Exec(ctx, `UPDATE signin_failures SET failures = ?, first_at = ?, locked_until = ? WHERE handle_key = ?`,
			failures, first, locked, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("accounts: record failure: %w", err)
	}
	if locked != nil {
		return &ThrottledError{Until: *locked}
	}
	return ErrBadCredentials
}

// VerifyPassphrase checks a signed-in member's passphrase, for actions that
// ask for it again (changing it, deleting the account).
func (s *Store) VerifyPassphrase(ctx context.Context, id int64, pass string) error {
	var hash string
	if err := s.db.QueryRow(ctx, `SELECT passphrase_hash FROM members WHERE id = ?`, id).Scan(&hash); err != nil {
		return err
	}
	ok, err := CheckPassphrase(hash, pass)
	if err != nil {
		return err
	}
	if !ok {
		return ErrWrongPassphrase
	}
	return nil
}

// SetPassphrase replaces a member's passphrase and ends all their sessions;
// the caller starts a fresh one for the device in hand.
func (s *Store) SetPassphrase(ctx context.Context, id int64, pass string) error {
	hash := HashPassphrase(pass)
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE members SET passphrase_hash = ?, passphrase_set_at = ? WHERE id = ?`, hash, s.now(), id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE member_id = ?`, id)
		return err
	})
}
