package organisations

import (
	"context"

	"involve/internal/db"
	"involve/internal/memberdata"
)

// DataPart is the organisations share of a member's data: the organisations
// they act for. Organisations belong to themselves, not to the member who
// registered them, so deletion only removes the member from their staff.
type DataPart struct{ Store *Store }

func (DataPart) Name() string { return "organisations" }

type exportStaff struct {
	Organisation string `json:"organisation"`
	Slug         string `json:"slug"`
	Role         string `json:"role"`
}

func (p DataPart) Export(ctx context.Context, q db.Querier, memberID int64) (any, error) {
	ms, err := p.Store.ofMember(ctx, q, memberID)
	if err != nil {
		return nil, err
	}
	out := make([]exportStaff, 0, len(ms))
	for _, m := range ms {
		out = append(out, exportStaff{m.Organisation.Name, m.Organisation.Slug, m.Role})
	}
	return out, nil
}

// Erase takes the member off every staff list. An organisation left
// without staff stays listed; a site admin can give it new staff.
func (DataPart) Erase(ctx context.Context, tx db.Querier, memberID int64, _ memberdata.Mode) error {
	_, err := tx.Exec(ctx, `DELETE FROM organisation_staff WHERE member_id = ?`, memberID)
	return err
}
