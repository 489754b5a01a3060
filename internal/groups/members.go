package groups

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"involve/internal/db"
	"involve/internal/facets"
)

// Membership is one member of a group, as the members list shows them.
type Membership struct {
	MemberID       int64
	Handle         string
	DisplayName    string
	DisplayNameVis string // the member's own choice of who sees their display name
	Role           string
	JoinedAt       time.Time
}

// Members lists a group's members: admins, then moderators, then members.
func (s *Store) Members(ctx context.Context, groupID int64) ([]Membership, error) {
	rows, err := s.db.Query(ctx, `SELECT gm.member_id, m.handle, m.display_name, m.display_name_vis, gm.role, gm.joined_at
		FROM group_members gm JOIN members m ON m.id = gm.member_id WHERE gm.group_id = ?
		ORDER BY CASE gm.role WHEN 'admin' THEN 0 WHEN 'moderator' THEN 1 ELSE 2 END, m.handle_key`, groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.MemberID, &m.Handle, &m.DisplayName, &m.DisplayNameVis, &m.Role, &m.JoinedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MemberIDs returns the ids of a group's members with one of roles (all
// members when roles is empty), for notifications.
func (s *Store) MemberIDs(ctx context.Context, groupID int64, roles ...string) ([]int64, error) {
	q := `SELECT member_id FROM group_members WHERE group_id = ?`
	args := []any{groupID}
	if len(roles) > 0 {
		q += ` AND role IN (` + db.Placeholders(len(roles)) + `)`
		for _, r := range roles {
			args = append(args, r)
		}
	}
	rows, err := s.db.Query(ctx, q, args...)
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

func (s *Store) addMember(ctx context.Context, q db.Querier, groupID, memberID int64, role string) error {
	_, err := q.Exec(ctx, `INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES (?, ?, ?, ?)`,
		groupID, memberID, role, s.now())
	if errors.Is(err, db.ErrConflict) {
		return ErrAlreadyMember
	}
	return err
}

// Join adds a member to a group that anyone may join.
func (s *Store) Join(ctx context.Context, g *Group, memberID int64) error {
	if g.Joining != Open || g.Visibility == Secret {
		return ErrNotJoinable
	}
	return s.addMember(ctx, s.db, g.ID, memberID, Member)
}

// JoinRequest is a member asking to join.
type JoinRequest struct {
	ID        int64
	GroupID   int64
	MemberID  int64
	Handle    string
	Why       string
	CreatedAt time.Time
	Decision  string
}

// RequestJoin records a member's request to join, with their "why".
func (s *Store) RequestJoin(ctx context.Context, g *Group, memberID int64, why string) (*JoinRequest, error) {
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = s.RequestJoinIn(ctx, tx, g, memberID, why)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.JoinRequest(ctx, g.ID, id)
}

// RequestJoinIn is RequestJoin inside the caller's transaction, so the
// notification to the group's moderators goes with it; it returns the
// request's id.
func (s *Store) RequestJoinIn(ctx context.Context, q db.Querier, g *Group, memberID int64, why string) (int64, error) {
	if g.Joining != Request || g.Visibility == Secret {
		return 0, ErrNotJoinable
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM group_members WHERE group_id = ? AND member_id = ?`, g.ID, memberID).Scan(&n); err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, ErrAlreadyMember
	}
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM group_join_requests WHERE group_id = ? AND member_id = ? AND decision = ''`,
		g.ID, memberID).Scan(&n); err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, ErrRequestOpen
	}
	return db.InsertID(ctx, q, `INSERT INTO group_join_requests (group_id, member_id, why, created_at) VALUES (?, ?, ?, ?)`,
		g.ID, memberID, strings.TrimSpace(why), s.now())
}

// JoinRequest returns one request of a group.
func (s *Store) JoinRequest(ctx context.Context, groupID, id int64) (*JoinRequest, error) {
	r := &JoinRequest{}
	err := s.db.QueryRow(ctx, `SELECT r.id, r.group_id, r.member_id, m.handle, r.why, r.created_at, r.decision
		FROM group_join_requests r JOIN members m ON m.id = r.member_id WHERE r.group_id = ? AND r.id = ?`, groupID, id).
		Scan(&r.ID, &r.GroupID, &r.MemberID, &r.Handle, &r.Why, &r.CreatedAt, &r.Decision)
	return r, err
}

// PendingRequests lists the requests waiting for a decision, oldest first.
func (s *Store) PendingRequests(ctx context.Context, groupID int64) ([]JoinRequest, error) {
	rows, err := s.db.Query(ctx, `SELECT r.id, r.group_id, r.member_id, m.handle, r.why, r.created_at, r.decision
		FROM group_join_requests r JOIN members m ON m.id = r.member_id WHERE r.group_id = ? AND r.decision = '' ORDER BY r.id`, groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JoinRequest
	for rows.Next() {
		var r JoinRequest
		if err := rows.Scan(&r.ID, &r.GroupID, &r.MemberID, &r.Handle, &r.Why, &r.CreatedAt, &r.Decision); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Decide accepts or declines a waiting request; accepting makes the
// requester a member.
func (s *Store) Decide(ctx context.Context, groupID, requestID, decider int64, accept bool) (*JoinRequest, error) {
	var r *JoinRequest
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		r, err = s.DecideIn(ctx, tx, groupID, requestID, decider, accept)
		return err
	})
	return r, err
}

// DecideIn is Decide inside the caller's transaction, so the requester's
// notification goes with it. A request already decided is ErrNotFound.
func (s *Store) DecideIn(ctx context.Context, q db.Querier, groupID, requestID, decider int64, accept bool) (*JoinRequest, error) {
	decision := "declined"
	if accept {
		decision = "accepted"
	}
	var r JoinRequest
	err := q.QueryRow(ctx, `SELECT id, member_id FROM group_join_requests WHERE group_id = ? AND id = ? AND decision = ''`,
		groupID, requestID).Scan(&r.ID, &r.MemberID)
	if err != nil {
		return nil, err
	}
	if _, err := q.Exec(ctx, `UPDATE group_join_requests SET decision = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
		decision, decider, s.now(), r.ID); err != nil {
		return nil, err
	}
	if accept {
		if err := s.addMember(ctx, q, groupID, r.MemberID, Member); err != nil && !errors.Is(err, ErrAlreadyMember) {
			return nil, err
		}
	}
	r.GroupID, r.Decision = groupID, decision
	return &r, nil
}

func newToken() (token, hash string) {
	b := make([]byte, 24)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// Invite is a single-use invitation.
type Invite struct {
	ID        int64
	Note      string
	CreatedAt time.Time
	UsedBy    string // handle, once used
	UsedAt    *time.Time
	RevokedAt *time.Time
}

// CreateInvitation makes a single-use invitation and returns its token,
// which only the link holds.
func (s *Store) CreateInvitation(ctx context.Context, groupID, by int64, note string) (string, error) {
	token, hash := newToken()
	_, err := s.db.Exec(ctx, `INSERT INTO group_invitations (group_id, token_hash, note, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		groupID, hash, strings.TrimSpace(note), by, s.now())
	return token, err
}

// Invitations lists a group's single-use invitations, newest first.
func (s *Store) Invitations(ctx context.Context, groupID int64) ([]Invite, error) {
	rows, err := s.db.Query(ctx, `SELECT i.id, i.note, i.created_at, COALESCE(m.handle, ''), i.used_at, i.revoked_at
		FROM group_invitations i LEFT JOIN members m ON m.id = i.used_by WHERE i.group_id = ? ORDER BY i.id DESC`, groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invite
	for rows.Next() {
		var i Invite
		if err := rows.Scan(&i.ID, &i.Note, &i.CreatedAt, &i.UsedBy, &i.UsedAt, &i.RevokedAt); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// RevokeInvitation withdraws an unused invitation.
func (s *Store) RevokeInvitation(ctx context.Context, groupID, id int64) error {
	res, err := s.db.Exec(ctx, `UPDATE group_invitations SET revoked_at = ? WHERE group_id = ? AND id = ? AND used_at IS NULL AND revoked_at IS NULL`,
		s.now(), groupID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}

// InvitationGroup returns the group a token invites to, without using it,
// so the invited person can see what they are joining.
func (s *Store) InvitationGroup(ctx context.Context, token string) (*Group, error) {
	h := hashToken(token)
	var id int64
	err := s.db.QueryRow(ctx, `SELECT group_id FROM group_invitations WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL`, h).Scan(&id)
	if errors.Is(err, db.ErrNotFound) {
		err = s.db.QueryRow(ctx, `SELECT id FROM groups WHERE invite_link_hash = ?`, h).Scan(&id)
	}
	if errors.Is(err, db.ErrNotFound) {
		return nil, ErrBadInvitation
	}
	if err != nil {
		return nil, err
	}
	return s.ByID(ctx, id)
}

// AcceptInvitation makes a member join with a token: a single-use
// invitation (spent now) or the group's shared link.
func (s *Store) AcceptInvitation(ctx context.Context, token string, memberID int64) (*Group, error) {
	h := hashToken(token)
	var groupID int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE group_invitations SET used_by = ?, used_at = ? WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL`,
			memberID, s.now(), h)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			err = tx.QueryRow(ctx, `SELECT group_id FROM group_invitations WHERE token_hash = ?`, h).Scan(&groupID)
		} else {
			err = tx.QueryRow(ctx, `SELECT id FROM groups WHERE invite_link_hash = ? AND invite_link_hash <> ''`, h).Scan(&groupID)
		}
		if errors.Is(err, db.ErrNotFound) {
			return ErrBadInvitation
		}
		if err != nil {
			return err
		}
		return s.addMember(ctx, tx, groupID, memberID, Member)
	})
	if err != nil {
		return nil, err
	}
	return s.ByID(ctx, groupID)
}

// ResetInviteLink makes a new shared invitation link (the old one stops
// working) and returns its token; off removes the link altogether.
func (s *Store) ResetInviteLink(ctx context.Context, groupID int64, off bool) (string, error) {
	token, hash := newToken()
	if off {
		token, hash = "", ""
	}
	_, err := s.db.Exec(ctx, `UPDATE groups SET invite_link_hash = ? WHERE id = ?`, hash, groupID)
	return token, err
}

// HasInviteLink reports whether the group has a shared link switched on.
func (s *Store) HasInviteLink(ctx context.Context, groupID int64) (bool, error) {
	var h string
	err := s.db.QueryRow(ctx, `SELECT invite_link_hash FROM groups WHERE id = ?`, groupID).Scan(&h)
	return h != "", err
}

// SetRole changes a member's role; the last admin cannot step down.
func (s *Store) SetRole(ctx context.Context, groupID, memberID int64, role string) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error { return s.SetRoleIn(ctx, tx, groupID, memberID, role) })
}

// SetRoleIn is SetRole inside the caller's transaction, beside the audit
// record and the member's notification.
func (s *Store) SetRoleIn(ctx context.Context, q db.Querier, groupID, memberID int64, role string) error {
	if !oneOf(role, []string{Member, Moderator, Admin}) {
		return fmt.Errorf("groups: bad role %q", role)
	}
	cur, err := roleIn(ctx, q, groupID, memberID)
	if err != nil {
		return err
	}
	if cur == Admin && role != Admin {
		if err := lastAdminCheck(ctx, q, groupID); err != nil {
			return err
		}
	}
	_, err = q.Exec(ctx, `UPDATE group_members SET role = ? WHERE group_id = ? AND member_id = ?`, role, groupID, memberID)
	return err
}

// TransferAdmin makes to an admin and from a plain member, in one step.
func (s *Store) TransferAdmin(ctx context.Context, groupID, from, to int64) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error { return s.TransferAdminIn(ctx, tx, groupID, from, to) })
}

// TransferAdminIn is TransferAdmin inside the caller's transaction. Both
// must be members; from must be an admin.
func (s *Store) TransferAdminIn(ctx context.Context, q db.Querier, groupID, from, to int64) error {
	if from == to {
		return fmt.Errorf("groups: transfer to oneself")
	}
	cur, err := roleIn(ctx, q, groupID, from)
	if err != nil {
		return err
	}
	if cur != Admin {
		return fmt.Errorf("groups: %d is not an admin of %d", from, groupID)
	}
	if _, err := roleIn(ctx, q, groupID, to); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `UPDATE group_members SET role = ? WHERE group_id = ? AND member_id = ?`, Admin, groupID, to); err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE group_members SET role = ? WHERE group_id = ? AND member_id = ?`, Member, groupID, from)
	return err
}

// Remove takes a member out of a group (leaving, or being removed); the
// last admin cannot go while others stay.
func (s *Store) Remove(ctx context.Context, groupID, memberID int64) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error { return s.RemoveIn(ctx, tx, groupID, memberID) })
}

// RemoveIn is Remove inside the caller's transaction.
func (s *Store) RemoveIn(ctx context.Context, q db.Querier, groupID, memberID int64) error {
	cur, err := roleIn(ctx, q, groupID, memberID)
	if err != nil {
		return err
	}
	if cur == Admin {
		var others int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM group_members WHERE group_id = ? AND member_id <> ?`, groupID, memberID).Scan(&others); err != nil {
			return err
		}
		if others > 0 {
			if err := lastAdminCheck(ctx, q, groupID); err != nil {
				return err
			}
		}
	}
	_, err = q.Exec(ctx, `DELETE FROM group_members WHERE group_id = ? AND member_id = ?`, groupID, memberID)
	return err
}

func roleIn(ctx context.Context, q db.Querier, groupID, memberID int64) (string, error) {
	var role string
	err := q.QueryRow(ctx, `SELECT role FROM group_members WHERE group_id = ? AND member_id = ?`, groupID, memberID).Scan(&role)
	return role, err
}

func lastAdminCheck(ctx context.Context, q db.Querier, groupID int64) error {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM group_members WHERE group_id = ? AND role = ?`, groupID, Admin).Scan(&n); err != nil {
		return err
	}
	if n <= 1 {
		return ErrLastAdmin
	}
	return nil
}

// MemberOf is a group a member belongs to.
type MemberOf struct {
	Group *Group
	Role  string
}

// OfMember lists the groups a member belongs to, by name.
func (s *Store) OfMember(ctx context.Context, memberID int64) ([]MemberOf, error) {
	return s.ofMember(ctx, s.db, memberID)
}

func (s *Store) ofMember(ctx context.Context, q db.Querier, memberID int64) ([]MemberOf, error) {
	rows, err := q.Query(ctx, `SELECT mine.role, `+columns+` FROM group_members mine JOIN groups g ON g.id = mine.group_id
		WHERE mine.member_id = ? ORDER BY g.name`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MemberOf
	for rows.Next() {
		var mo MemberOf
		var g Group
		var topics, langs string
		if err := rows.Scan(&mo.Role, &g.ID, &g.Slug, &g.Name, &g.Kind, &g.Visibility, &g.Joining, &g.About, &g.Region, &topics, &langs,
			&g.OrganisationID, &g.HiddenAt, &g.HiddenReason, &g.CreatedAt, &g.Members); err != nil {
			return nil, err
		}
		g.Topics, g.Languages = facets.SplitList(topics), facets.SplitList(langs)
		mo.Group = &g
		out = append(out, mo)
	}
	return out, rows.Err()
}
