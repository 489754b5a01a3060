package groups

import (
	"context"
	"errors"
	"time"

	"involve/internal/db"
	"involve/internal/memberdata"
)

// DataPart is the groups share of a member's data: the groups they belong
// to and started, the requests to join they made, the invitations they
// wrote and the checklist items they ticked for a group.
type DataPart struct{ Store *Store }

func (DataPart) Name() string { return "groups" }

type exportMembership struct {
	Group  string    `json:"group"`
	Slug   string    `json:"slug"`
	Role   string    `json:"role"`
	Joined time.Time `json:"joined_at"`
}

type exportRequest struct {
	Group    string    `json:"group"`
	Why      string    `json:"why"`
	At       time.Time `json:"asked_at"`
	Decision string    `json:"decision"`
}

type exportInvitation struct {
	Group   string     `json:"group"`
	Note    string     `json:"note"`
	At      time.Time  `json:"made_at"`
	Used    bool       `json:"used"`
	Revoked *time.Time `json:"withdrawn_at,omitempty"`
}

type exportTick struct {
	Group string    `json:"group"`
	Stage string    `json:"stage"`
	Item  string    `json:"item"`
	At    time.Time `json:"ticked_at"`
}

type exportStarted struct {
	Group string    `json:"group"`
	Slug  string    `json:"slug"`
	At    time.Time `json:"started_at"`
}

type exportGroups struct {
	Memberships     []exportMembership `json:"memberships"`
	JoinRequests    []exportRequest    `json:"join_requests"`
	Started         []exportStarted    `json:"groups_started"`
	Invitations     []exportInvitation `json:"invitations_made"`
	ChecklistsTicks []exportTick       `json:"group_checklist_ticks"`
}

func (DataPart) Export(ctx context.Context, q db.Querier, memberID int64) (any, error) {
	out := exportGroups{Memberships: []exportMembership{}, JoinRequests: []exportRequest{}, Started: []exportStarted{},
		Invitations: []exportInvitation{}, ChecklistsTicks: []exportTick{}}
	rows, err := q.Query(ctx, `SELECT g.name, g.slug, gm.role, gm.joined_at FROM group_members gm JOIN groups g ON g.id = gm.group_id
		WHERE gm.member_id = ? ORDER BY g.name`, memberID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var m exportMembership
		if err := rows.Scan(&m.Group, &m.Slug, &m.Role, &m.Joined); err != nil {
			rows.Close()
			return nil, err
		}
		out.Memberships = append(out.Memberships, m)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT g.name, r.why, r.created_at, r.decision FROM group_join_requests r JOIN groups g ON g.id = r.group_id
		WHERE r.member_id = ? ORDER BY r.id`, memberID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r exportRequest
		if err := rows.Scan(&r.Group, &r.Why, &r.At, &r.Decision); err != nil {
			rows.Close()
			return nil, err
		}
		if r.Decision == "" {
			r.Decision = "waiting"
		}
		out.JoinRequests = append(out.JoinRequests, r)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT name, slug, created_at FROM groups WHERE created_by = ? ORDER BY id`, memberID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var st exportStarted
		if err := rows.Scan(&st.Group, &st.Slug, &st.At); err != nil {
			rows.Close()
			return nil, err
		}
		out.Started = append(out.Started, st)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT g.name, i.note, i.created_at, i.used_at IS NOT NULL, i.revoked_at FROM group_invitations i
		JOIN groups g ON g.id = i.group_id WHERE i.created_by = ? ORDER BY i.id`, memberID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var in exportInvitation
		if err := rows.Scan(&in.Group, &in.Note, &in.At, &in.Used, &in.Revoked); err != nil {
			rows.Close()
			return nil, err
		}
		out.Invitations = append(out.Invitations, in)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT g.name, p.slug, c.item, c.checked_at FROM group_checks c JOIN groups g ON g.id = c.group_id
		JOIN guide_pages p ON p.id = c.page_id WHERE c.checked_by = ? ORDER BY g.name, p.id, c.item`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var tk exportTick
		if err := rows.Scan(&tk.Group, &tk.Stage, &tk.Item, &tk.At); err != nil {
			return nil, err
		}
		out.ChecklistsTicks = append(out.ChecklistsTicks, tk)
	}
	return out, rows.Err()
}

// Erase takes the member out of every group. Where they were the last
// admin, the longest-standing moderator, else member, becomes admin, so no
// group is left without one. Groups they founded, invitations they made
// and ticks they gave stay: they belong to the group (the link to the
// member goes with the member row). With Remove, the notes they wrote on
// invitations are blanked.
func (DataPart) Erase(ctx context.Context, tx db.Querier, memberID int64, mode memberdata.Mode) error {
	if mode == memberdata.Remove {
		if _, err := tx.Exec(ctx, `UPDATE group_invitations SET note = '' WHERE created_by = ?`, memberID); err != nil {
			return err
		}
	}
	rows, err := tx.Query(ctx, `SELECT gm.group_id FROM group_members gm WHERE gm.member_id = ? AND gm.role = 'admin'
		AND NOT EXISTS (SELECT 1 FROM group_members o WHERE o.group_id = gm.group_id AND o.role = 'admin' AND o.member_id <> gm.member_id)`, memberID)
	if err != nil {
		return err
	}
	var orphaned []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		orphaned = append(orphaned, id)
	}
	rows.Close()
	for _, gid := range orphaned {
		var next int64
		err := tx.QueryRow(ctx, `SELECT member_id FROM group_members WHERE group_id = ? AND member_id <> ?
			ORDER BY CASE role WHEN 'moderator' THEN 0 ELSE 1 END, joined_at, member_id LIMIT 1`, gid, memberID).Scan(&next)
		if errors.Is(err, db.ErrNotFound) {
			continue // they were the only member
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE group_members SET role = 'admin' WHERE group_id = ? AND member_id = ?`, gid, next); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`DELETE FROM group_members WHERE member_id = ?`,
		`DELETE FROM group_join_requests WHERE member_id = ?`,
	} {
		if _, err := tx.Exec(ctx, q, memberID); err != nil {
			return err
		}
	}
	return nil
}
