package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"involve/internal/db"
)

// Sessions live in the database, so several nodes share them. The cookie
// holds a random token; the database holds only its hash, so a leaked
// database cannot be used to sign in.
const (
	SessionLifetime = 30 * 24 * time.Hour
	// touchEvery limits writes: last_seen_at and the expiry move forward at
	// most this often, not on every request.
	touchEvery = time.Hour
)

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewSession starts a session for a member and returns its token.
func (s *Store) NewSession(ctx context.Context, memberID int64) (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	_, err := s.db.Exec(ctx, `INSERT INTO sessions (token_hash, member_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hashToken(token), memberID, now, now, now.Add(SessionLifetime))
	if err != nil {
		return "", fmt.Errorf("accounts: new session: %w", err)
	}
	return token, nil
}

// SessionMember returns the member a session token belongs to, or
// db.ErrNotFound when the token is unknown or expired, and *SuspendedError
// (which also matches db.ErrNotFound) when the member is suspended.
func (s *Store) SessionMember(ctx context.Context, token string) (*Member, error) {
	h := hashToken(token)
	now := s.now()
	var lastSeen time.Time
	var suspendedUntil *time.Time
	var suspendedReason string
	// The member comes with the session, its site roles (one row each) and
	// the count of unread notifications every page's header shows: this
	// runs on every request, and on PostgreSQL each query is a round trip.
	rows, err := s.db.Query(ctx, `SELECT `+memberColumnsM+`, s.last_seen_at, m.suspended_until, m.suspended_reason,
		(SELECT COUNT(*) FROM notifications n WHERE n.member_id = m.id AND n.read_at IS NULL), COALESCE(r.role, '')
		FROM sessions s JOIN members m ON m.id = s.member_id LEFT JOIN member_roles r ON r.member_id = m.id
		WHERE s.token_hash = ? AND s.expires_at > ? ORDER BY r.role`, h, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var m *Member
	for rows.Next() {
		var unread int
		var role string
		got, err := scanMember(rows, &lastSeen, &suspendedUntil, &suspendedReason, &unread, &role)
		if err != nil {
			return nil, err
		}
		if m == nil {
			m = got
			m.UnreadNotifications = unread
		}
		if role != "" {
			m.Roles = append(m.Roles, role)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, db.ErrNotFound
	}
	if err := suspension(suspendedUntil, suspendedReason, now); err != nil {
		return nil, err
	}
	if now.Sub(lastSeen) > touchEvery {
		if _, err := s.db.Exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?`,
			now, now.Add(SessionLifetime), h); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// EndSession signs one device out.
func (s *Store) EndSession(ctx context.Context, token string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token))
	return err
}

// EndAllSessions signs a member out everywhere.
func (s *Store) EndAllSessions(ctx context.Context, memberID int64) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE member_id = ?`, memberID)
	return err
}

// SessionCount counts a member's live sessions.
func (s *Store) SessionCount(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE member_id = ? AND expires_at > ?`, memberID, s.now()).Scan(&n)
	return n, err
}

// PurgeExpired removes expired sessions and stale throttle rows.
func (s *Store) PurgeExpired(ctx context.Context) error {
	now := s.now()
	if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now); err != nil {
		return err
	}
	_, err := s.db.Exec(ctx, `DELETE FROM signin_failures WHERE first_at < ? AND (locked_until IS NULL OR locked_until < ?)`,
		now.Add(-24*time.Hour), now)
	return err
}
