package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"involve/internal/db"
)

// RecoveryCodeCount is how many single-use codes a member holds.
const RecoveryCodeCount = 10

// Recovery codes are 80 random bits: unguessable, so a fast hash suffices
// (like an API token), and they need no email to get an account back.
const codeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no look-alikes

func newRecoveryCode() string {
	b := make([]byte, 16)
	rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
	}
	return sb.String()
}

// normalizeCode accepts codes typed with spaces, without dashes or in capitals.
func normalizeCode(code string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(code) {
		if strings.ContainsRune(codeAlphabet, r) {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

func hashCode(code string) string {
	sum := sha256.Sum256([]byte(normalizeCode(code)))
	return hex.EncodeToString(sum[:])
}

func replaceRecoveryCodes(ctx context.Context, q db.Querier, memberID int64, now time.Time) ([]string, error) {
	if _, err := q.Exec(ctx, `DELETE FROM recovery_codes WHERE member_id = ?`, memberID); err != nil {
		return nil, err
	}
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		codes[i] = newRecoveryCode()
		if _, err := q.Exec(ctx, `INSERT INTO recovery_codes (member_id, code_hash, created_at) VALUES (?, ?, ?)`,
			memberID, hashCode(codes[i]), now); err != nil {
			return nil, fmt.Errorf("accounts: store recovery code: %w", err)
		}
	}
	return codes, nil
}

// NewRecoveryCodes replaces a member's recovery codes with ten new ones.
func (s *Store) NewRecoveryCodes(ctx context.Context, memberID int64) ([]string, error) {
	var codes []string
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		codes, err = replaceRecoveryCodes(ctx, tx, memberID, s.now())
		return err
	})
	return codes, err
}

// RecoveryCodesLeft counts unused codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE member_id = ? AND used_at IS NULL`, memberID).Scan(&n)
	return n, err
}

// Recover lets a member who lost their passphrase back in: a valid unused
// recovery code is spent and the passphrase replaced. Failures count
// towards the same throttle as sign-in.
func (s *Store) Recover(ctx context.Context, handle, code, newPass string) (*Member, error) {
	key := HandleKey(handle)
	now := s.now()
	var until *time.Time
	err := s.db.QueryRow(ctx, `SELECT locked_until FROM signin_failures WHERE handle_key = ?`, key).Scan(&until)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return nil, err
	}
	if until != nil && until.After(now) {
		return nil, &ThrottledError{Until: *until}
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `SELECT id FROM members WHERE handle_key = ?`, key).Scan(&id)
		if errors.Is(err, db.ErrNotFound) {
			return ErrBadRecoveryCode
		}
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE member_id = ? AND code_hash = ? AND used_at IS NULL`,
			now, id, hashCode(code))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrBadRecoveryCode
		}
		// A suspended member is told so once the code proves who they are;
		// the code stays unspent and the passphrase unchanged.
		var suspendedUntil *time.Time
		var suspendedReason string
		if err := tx.QueryRow(ctx, `SELECT suspended_until, suspended_reason FROM members WHERE id = ?`, id).
			Scan(&suspendedUntil, &suspendedReason); err != nil {
			return err
		}
		if err := suspension(suspendedUntil, suspendedReason, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE members SET passphrase_hash = ?, passphrase_set_at = ? WHERE id = ?`,
			HashPassphrase(newPass), now, id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE member_id = ?`, id)
		return err
	})
	if errors.Is(err, ErrBadRecoveryCode) {
		if ferr := s.recordFailure(ctx, key); ferr != nil && !errors.Is(ferr, ErrBadCredentials) {
			return nil, ferr
		}
		return nil, ErrBadRecoveryCode
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: recover: %w", err)
	}
	s.db.Exec(ctx, `DELETE FROM signin_failures WHERE handle_key = ?`, key)
	return s.ByID(ctx, id)
}
