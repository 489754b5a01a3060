package moderation

import (
	"context"
	"strconv"
	"time"

	"involve/internal/db"
	"involve/internal/memberdata"
)

// DataPart is moderation's share of a member's data: the reports they
// made, the members they blocked, and whether they are suspended.
type DataPart struct{ Store *Store }

func (DataPart) Name() string { return "moderation" }

type exportReport struct {
	About   string     `json:"about"` // e.g. "post 12"
	Reason  string     `json:"reason"`
	Details string     `json:"details,omitempty"`
	At      time.Time  `json:"reported_at"`
	Status  string     `json:"status"`
	Outcome string     `json:"outcome_note,omitempty"`
	Handled *time.Time `json:"handled_at,omitempty"`
}

type exportBlock struct {
	Handle string    `json:"handle"`
	Since  time.Time `json:"since"`
}

type exportSuspension struct {
	Until  *time.Time `json:"until"` // null: until a moderator lifts it
	Reason string     `json:"reason"`
}

type exportModeration struct {
	Reports    []exportReport    `json:"reports_made"`
	Blocks     []exportBlock     `json:"members_blocked"`
	Suspension *exportSuspension `json:"suspension"` // null when not suspended
}

// Export returns the reports the member made (with what came of them), the
// members they blocked, and their suspension if any. Blocks others made of
// them are those members' private choice and stay out.
func (p DataPart) Export(ctx context.Context, q db.Querier, memberID int64) (any, error) {
	out := exportModeration{Reports: []exportReport{}, Blocks: []exportBlock{}}
	rows, err := q.Query(ctx, `SELECT target_type, target_id, reason, details, created_at, status, outcome_note, handled_at
		FROM reports WHERE reporter_id = ? ORDER BY id`, memberID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r exportReport
		var kind string
		var id int64
		if err := rows.Scan(&kind, &id, &r.Reason, &r.Details, &r.At, &r.Status, &r.Outcome, &r.Handled); err != nil {
			rows.Close()
			return nil, err
		}
		r.About = kind + " " + strconv.FormatInt(id, 10)
		out.Reports = append(out.Reports, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT m.handle, b.created_at FROM member_blocks b JOIN members m ON m.id = b.blocked_id
		WHERE b.blocker_id = ? ORDER BY b.created_at`, memberID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var b exportBlock
		if err := rows.Scan(&b.Handle, &b.Since); err != nil {
			rows.Close()
			return nil, err
		}
		out.Blocks = append(out.Blocks, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sp, err := p.Store.accounts.Suspended(ctx, q, memberID)
	if err != nil {
		return nil, err
	}
	if sp != nil {
		out.Suspension = &exportSuspension{Until: sp.Until, Reason: sp.Reason}
	}
	return out, nil
}

// Erase unlinks the member from the reports they made, which moderators
// still need (with "remove", what they typed in them goes too), and
// deletes blocks both ways. The suspension goes with the member row.
func (DataPart) Erase(ctx context.Context, tx db.Querier, memberID int64, mode memberdata.Mode) error {
	q := `UPDATE reports SET reporter_id = NULL WHERE reporter_id = ?`
	if mode == memberdata.Remove {
		q = `UPDATE reports SET reporter_id = NULL, details = '' WHERE reporter_id = ?`
	}
	if _, err := tx.Exec(ctx, q, memberID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE reports SET handled_by = NULL WHERE handled_by = ?`, memberID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM member_blocks WHERE blocker_id = ? OR blocked_id = ?`, memberID, memberID)
	return err
}

var _ memberdata.Part = DataPart{}
