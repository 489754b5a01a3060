package support

import (
	"context"
	"time"

	"involve/internal/db"
	"involve/internal/memberdata"
)

// DataPart is the support share of a member's data: the requests they
// posted for a group, the offers they made for an organisation, and the
// offers they decided on.
type DataPart struct{ Store *Store }

func (DataPart) Name() string { return "support" }

type exportRequest struct {
	Group     string     `json:"group"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Details   string     `json:"details"`
	NeededBy  *time.Time `json:"needed_by,omitempty"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
}

type exportOffer struct {
	Organisation string    `json:"organisation"`
	Group        string    `json:"group"`
	Request      string    `json:"request"`
	What         string    `json:"what"`
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
}

type exportDecision struct {
	Organisation string     `json:"organisation"`
	Request      string     `json:"request"`
	Decision     string     `json:"decision"`
	At           *time.Time `json:"at"`
}

type exportSupport struct {
	Requests  []exportRequest  `json:"requests"`
	Offers    []exportOffer    `json:"offers"`
	Decisions []exportDecision `json:"decisions"`
}

func (DataPart) Export(ctx context.Context, q db.Querier, memberID int64) (any, error) {
	out := exportSupport{Requests: []exportRequest{}, Offers: []exportOffer{}, Decisions: []exportDecision{}}
	rows, err := q.Query(ctx, `SELECT g.name, r.kind, r.title, r.details, r.needed_by, r.status, r.created_at
		FROM support_requests r JOIN groups g ON g.id = r.group_id WHERE r.created_by = ? ORDER BY r.id`, memberID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r exportRequest
		if err := rows.Scan(&r.Group, &r.Kind, &r.Title, &r.Details, &r.NeededBy, &r.Status, &r.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out.Requests = append(out.Requests, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT org.name, g.name, r.title, o.what, o.status, o.created_at
		FROM support_offers o JOIN organisations org ON org.id = o.organisation_id
		JOIN support_requests r ON r.id = o.request_id JOIN groups g ON g.id = r.group_id
		WHERE o.offered_by = ? ORDER BY o.id`, memberID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o exportOffer
		if err := rows.Scan(&o.Organisation, &o.Group, &o.Request, &o.What, &o.Status, &o.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out.Offers = append(out.Offers, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT org.name, r.title, o.status, o.decided_at
		FROM support_offers o JOIN organisations org ON org.id = o.organisation_id
		JOIN support_requests r ON r.id = o.request_id
		WHERE o.decided_by = ? ORDER BY o.id`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d exportDecision
		if err := rows.Scan(&d.Organisation, &d.Request, &d.Decision, &d.At); err != nil {
			return nil, err
		}
		out.Decisions = append(out.Decisions, d)
	}
	return out, rows.Err()
}

// Erase unlinks the member from requests, offers and decisions, in either
// mode. A request is the group's ask and an offer the organisation's
// answer, written on their behalf: others rely on them (an accepted offer
// is why an organisation is listed as a supporter), so their text stays,
// as guide edits do, without the link to who typed it.
func (DataPart) Erase(ctx context.Context, tx db.Querier, memberID int64, _ memberdata.Mode) error {
	for _, q := range []string{
		`UPDATE support_requests SET created_by = NULL WHERE created_by = ?`,
		`UPDATE support_offers SET offered_by = NULL WHERE offered_by = ?`,
		`UPDATE support_offers SET decided_by = NULL WHERE decided_by = ?`,
	} {
		if _, err := tx.Exec(ctx, q, memberID); err != nil {
			return err
		}
	}
	return nil
}
