package accounts

import (
	"context"
	"errors"
	"time"

	"involve/internal/db"
	"involve/internal/memberdata"
)

// DataPart is the accounts share of a member's data download and deletion.
type DataPart struct{ Store *Store }

func (DataPart) Name() string { return "account" }

type exportField struct {
	Value      string     `json:"value"`
	Visibility Visibility `json:"visible_to"`
}

type exportAccount struct {
	Handle            string                 `json:"handle"`
	CreatedAt         time.Time              `json:"created_at"`
	PassphraseSetAt   time.Time              `json:"passphrase_set_at"`
	InterfaceLanguage string                 `json:"interface_language"`
	Profile           map[string]exportField `json:"profile"`
	SiteRoles         []string               `json:"site_roles"`
	Sessions          []exportSession        `json:"sessions"`
	RecoveryCodesLeft int                    `json:"recovery_codes_left"`
	SignInFailures    int                    `json:"failed_sign_ins_counted"`
}

type exportSession struct {
	CreatedAt  time.Time `json:"started_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// Export returns the account and profile. Hashes of the passphrase, session
// tokens and recovery codes are left out: they are secrets, not data about
// the member, and useless without the originals.
func (p DataPart) Export(ctx context.Context, q db.Querier, memberID int64) (any, error) {
	m, err := p.Store.ByID(ctx, memberID)
	if err != nil {
		return nil, err
	}
	pr := m.Profile
	out := exportAccount{
		Handle: m.Handle, CreatedAt: m.CreatedAt, PassphraseSetAt: m.PassphraseSetAt, InterfaceLanguage: m.Locale,
		Profile: map[string]exportField{
			"display_name": {pr.DisplayName.Value, pr.DisplayName.Vis},
			"pronouns":     {pr.Pronouns.Value, pr.Pronouns.Vis},
			"languages":    {pr.Languages.Value, pr.Languages.Vis},
			"region":       {pr.Region.Value, pr.Region.Vis},
			"bio":          {pr.Bio.Value, pr.Bio.Vis},
			"email":        {pr.Email.Value, pr.Email.Vis},
		},
		SiteRoles: m.Roles,
		Sessions:  []exportSession{},
	}
	if out.SiteRoles == nil {
		out.SiteRoles = []string{}
	}
	rows, err := q.Query(ctx, `SELECT created_at, last_seen_at, expires_at FROM sessions WHERE member_id = ? ORDER BY created_at`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s exportSession
		if err := rows.Scan(&s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt); err != nil {
			return nil, err
		}
		out.Sessions = append(out.Sessions, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if out.RecoveryCodesLeft, err = p.Store.RecoveryCodesLeft(ctx, memberID); err != nil {
		return nil, err
	}
	err = q.QueryRow(ctx, `SELECT failures FROM signin_failures WHERE handle_key = ?`, HandleKey(m.Handle)).Scan(&out.SignInFailures)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return nil, err
	}
	return out, nil
}

// Erase removes what the member row does not take with it: the sign-in
// throttle row is keyed by handle, not by member.
func (p DataPart) Erase(ctx context.Context, tx db.Querier, memberID int64, _ memberdata.Mode) error {
	_, err := tx.Exec(ctx, `DELETE FROM signin_failures WHERE handle_key = (SELECT handle_key FROM members WHERE id = ?)`, memberID)
	return err
}
