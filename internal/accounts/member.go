// Package accounts holds members: sign-up with only a handle and a
// passphrase, sign-in with throttling, sessions, recovery codes, site roles
// and the profile each member controls.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"involve/internal/db"
)

// Site roles.
const (
	RoleAdmin     = "admin"
	RoleEditor    = "editor"
	RoleModerator = "moderator"
)

// SiteRoles lists the roles a site admin can grant.
var SiteRoles = []string{RoleAdmin, RoleEditor, RoleModerator}

// Visibility says who may see a profile field.
type Visibility string

const (
	OnlyMe  Visibility = "private" // only the member
	Members Visibility = "members" // signed-in members
	Public  Visibility = "public"  // everyone
)

// Visibilities lists the choices in the order forms show them.
var Visibilities = []Visibility{OnlyMe, Members, Public}

// ValidVisibility reports whether v is one of the choices.
func ValidVisibility(v string) bool {
	for _, x := range Visibilities {
		if string(x) == v {
			return true
		}
	}
	return false
}

// Field is one profile field and who may see it.
type Field struct {
	Value string
	Vis   Visibility
}

// Profile is what a member tells others about themselves.
type Profile struct {
	DisplayName Field
	Pronouns    Field
	Languages   Field // language codes or names, comma separated
	Region      Field
	Bio         Field
	Email       Field // optional, for notifications; never required
}

// Member is an account.
type Member struct {
	ID              int64
	Handle          string
	Locale          string // chosen interface language, "" to follow the browser
	Profile         Profile
	Roles           []string
	CreatedAt       time.Time
	PassphraseSetAt time.Time
	// UnreadNotifications counts the member's unread notifications when
	// the request was signed in: SessionMember reads it with the session,
	// so the header every page shows costs no query of its own. Other
	// reads of a member leave it 0.
	UnreadNotifications int
}

// HasRole reports whether the member holds a site role.
func (m *Member) HasRole(role string) bool {
	for _, r := range m.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the member is a site admin.
func (m *Member) IsAdmin() bool { return m != nil && m.HasRole(RoleAdmin) }

// Name is how the member appears to a viewer: the display name when the
// viewer may see it, otherwise the handle.
func (m *Member) Name(viewerSignedIn bool) string {
	if m.Profile.DisplayName.Value != "" && CanSee(m.Profile.DisplayName.Vis, viewerSignedIn, false) {
		return m.Profile.DisplayName.Value
	}
	return m.Handle
}

// CanSee reports whether a viewer may see a field with visibility v.
func CanSee(v Visibility, viewerSignedIn, viewerIsOwner bool) bool {
	switch {
	case viewerIsOwner:
		return true
	case v == Public:
		return true
	case v == Members:
		return viewerSignedIn
	}
	return false
}

// Errors a form can show next to its field.
var (
	ErrHandleTaken       = errors.New("accounts: handle taken")
	ErrBadCredentials    = errors.New("accounts: wrong handle or passphrase")
	ErrWrongPassphrase   = errors.New("accounts: wrong passphrase")
	ErrBadRecoveryCode   = errors.New("accounts: wrong or used recovery code")
	ErrHandleInvalid     = errors.New("accounts: handle invalid")
	ErrPassphraseInvalid = errors.New("accounts: passphrase invalid")
)

// ThrottledError says sign-in for a handle is paused until a time.
type ThrottledError struct{ Until time.Time }

func (e *ThrottledError) Error() string {
	return "accounts: too many failed sign-ins until " + e.Until.Format(time.RFC3339)
}

// Limits on what members type.
const (
	HandleMin     = 3
	HandleMax     = 30
	PassphraseMin = 10
	PassphraseMax = 200
)

// HandleKey is the form of a handle used for uniqueness: handles are unique
// regardless of case.
func HandleKey(handle string) string { return strings.ToLower(handle) }

// CheckHandle returns "" when handle is acceptable, otherwise a message key:
// 3–30 characters of ASCII letters, digits, "-" and "_". ASCII only, so no
// two handles look alike in different scripts.
func CheckHandle(handle string) string {
	if handle == "" {
		return "handle.required"
	}
	if len(handle) < HandleMin || len(handle) > HandleMax {
		return "handle.length"
	}
	for _, r := range handle {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		if !ok {
			return "handle.chars"
		}
	}
	return ""
}

// CheckNewPassphrase returns "" when pass is acceptable, otherwise a message
// key. Length is what makes a passphrase strong; no composition rules.
func CheckNewPassphrase(pass, handle string) string {
	n := utf8.RuneCountInString(pass)
	switch {
	case pass == "":
		return "passphrase.required"
	case n < PassphraseMin:
		return "passphrase.short"
	case n > PassphraseMax:
		return "passphrase.long"
	case strings.EqualFold(pass, handle):
		return "passphrase.is_handle"
	}
	return ""
}

// Store keeps members in the database.
type Store struct {
	db  *db.DB
	now func() time.Time
}

// NewStore returns a Store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d, now: time.Now} }

const memberColumns = `id, handle, locale, display_name, display_name_vis, pronouns, pronouns_vis,
	languages, languages_vis, region, region_vis, bio, bio_vis, email, email_vis, created_at, passphrase_set_at`

// memberColumnsM are memberColumns of the members table named m, for
// queries that join it.
var memberColumnsM = "m." + strings.Join(strings.Fields(strings.ReplaceAll(memberColumns, ",", " ")), ", m.")

type scanner interface{ Scan(dest ...any) error }

func scanMember(s scanner, more ...any) (*Member, error) {
	m := &Member{}
	p := &m.Profile
	err := s.Scan(append([]any{&m.ID, &m.Handle, &m.Locale, &p.DisplayName.Value, &p.DisplayName.Vis,
		&p.Pronouns.Value, &p.Pronouns.Vis, &p.Languages.Value, &p.Languages.Vis,
		&p.Region.Value, &p.Region.Vis, &p.Bio.Value, &p.Bio.Vis, &p.Email.Value, &p.Email.Vis,
		&m.CreatedAt, &m.PassphraseSetAt}, more...)...)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Create signs up a member and returns it with its ten recovery codes,
// which are shown once and stored only hashed.
func (s *Store) Create(ctx context.Context, handle, pass string) (*Member, []string, error) {
	if CheckHandle(handle) != "" {
		return nil, nil, ErrHandleInvalid
	}
	if CheckNewPassphrase(pass, handle) != "" {
		return nil, nil, ErrPassphraseInvalid
	}
	hash := HashPassphrase(pass)
	now := s.now()
	var id int64
	var codes []string
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO members (handle, handle_key, passphrase_hash, created_at, passphrase_set_at)
			VALUES (?, ?, ?, ?, ?)`, handle, HandleKey(handle), hash, now, now)
		if errors.Is(err, db.ErrConflict) {
			return ErrHandleTaken
		}
		if err != nil {
			return fmt.Errorf("accounts: create member: %w", err)
		}
		codes, err = replaceRecoveryCodes(ctx, tx, id, now)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	m, err := s.ByID(ctx, id)
	return m, codes, err
}

// ByID returns a member with its roles.
func (s *Store) ByID(ctx context.Context, id int64) (*Member, error) {
	m, err := scanMember(s.db.QueryRow(ctx, `SELECT `+memberColumns+` FROM members WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("accounts: member %d: %w", id, err)
	}
	return m, s.loadRoles(ctx, m)
}

// ByHandle returns a member by handle, in any case.
func (s *Store) ByHandle(ctx context.Context, handle string) (*Member, error) {
	m, err := scanMember(s.db.QueryRow(ctx, `SELECT `+memberColumns+` FROM members WHERE handle_key = ?`, HandleKey(handle)))
	if err != nil {
		return nil, fmt.Errorf("accounts: member %q: %w", handle, err)
	}
	return m, s.loadRoles(ctx, m)
}

func (s *Store) loadRoles(ctx context.Context, m *Member) error {
	rows, err := s.db.Query(ctx, `SELECT role FROM member_roles WHERE member_id = ? ORDER BY role`, m.ID)
	if err != nil {
		return fmt.Errorf("accounts: roles: %w", err)
	}
	defer rows.Close()
	m.Roles = nil
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return err
		}
		m.Roles = append(m.Roles, r)
	}
	return rows.Err()
}

// Count returns how many members there are.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM members`).Scan(&n)
	return n, err
}

// SetLocale stores the member's interface language ("" follows the browser).
func (s *Store) SetLocale(ctx context.Context, id int64, locale string) error {
	_, err := s.db.Exec(ctx, `UPDATE members SET locale = ? WHERE id = ?`, locale, id)
	return err
}

// UpdateProfile stores the member's profile.
func (s *Store) UpdateProfile(ctx context.Context, id int64, p Profile) error {
	_, err := s.db.Exec(ctx, `UPDATE members SET display_name = ?, display_name_vis = ?, pronouns = ?, pronouns_vis = ?,
		languages = ?, languages_vis = ?, region = ?, region_vis = ?, bio = ?, bio_vis = ?, email = ?, email_vis = ?
		WHERE id = ?`,
		p.DisplayName.Value, p.DisplayName.Vis, p.Pronouns.Value, p.Pronouns.Vis, p.Languages.Value, p.Languages.Vis,
		p.Region.Value, p.Region.Vis, p.Bio.Value, p.Bio.Vis, p.Email.Value, p.Email.Vis, id)
	if err != nil {
		return fmt.Errorf("accounts: update profile: %w", err)
	}
	return nil
}

// GrantRole gives a member a site role; granting a role held is a no-op.
func (s *Store) GrantRole(ctx context.Context, q db.Querier, memberID int64, role string, by *int64) error {
	_, err := q.Exec(ctx, `INSERT INTO member_roles (member_id, role, granted_at, granted_by) VALUES (?, ?, ?, ?)`,
		memberID, role, s.now(), by)
	if errors.Is(err, db.ErrConflict) {
		return nil
	}
	return err
}

// RevokeRole removes a site role.
func (s *Store) RevokeRole(ctx context.Context, q db.Querier, memberID int64, role string) error {
	_, err := q.Exec(ctx, `DELETE FROM member_roles WHERE member_id = ? AND role = ?`, memberID, role)
	return err
}

// RoleHolder is a member holding a site role.
type RoleHolder struct {
	Handle string
	Role   string
	Since  time.Time
}

// RoleHolders lists every site role held, by role then handle.
func (s *Store) RoleHolders(ctx context.Context) ([]RoleHolder, error) {
	rows, err := s.db.Query(ctx, `SELECT m.handle, r.role, r.granted_at FROM member_roles r
		JOIN members m ON m.id = r.member_id ORDER BY r.role, m.handle_key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RoleHolder
	for rows.Next() {
		var h RoleHolder
		if err := rows.Scan(&h.Handle, &h.Role, &h.Since); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
