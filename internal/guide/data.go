package guide

import (
	"context"
	"time"

	"involve/internal/db"
	"involve/internal/memberdata"
)

// DataPart is the guide's share of a member's data: the edits they made and
// the checklist items they ticked.
type DataPart struct{ Store *Store }

func (DataPart) Name() string { return "guide" }

type exportEdit struct {
	Page     string    `json:"page"`
	Language string    `json:"language"`
	Revision int64     `json:"revision"`
	Note     string    `json:"note"`
	At       time.Time `json:"at"`
}

type exportCheck struct {
	Page string    `json:"page"`
	Item string    `json:"item"`
	At   time.Time `json:"ticked_at"`
}

type exportGuide struct {
	Edits  []exportEdit  `json:"edits"`
	Ticked []exportCheck `json:"checklist_items_ticked"`
}

func (DataPart) Export(ctx context.Context, q db.Querier, memberID int64) (any, error) {
	out := exportGuide{Edits: []exportEdit{}, Ticked: []exportCheck{}}
	rows, err := q.Query(ctx, `SELECT p.slug, r.lang, r.id, r.note, r.created_at FROM guide_revisions r
		JOIN guide_pages p ON p.id = r.page_id WHERE r.author_id = ? ORDER BY r.id`, memberID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var e exportEdit
		if err := rows.Scan(&e.Page, &e.Language, &e.Revision, &e.Note, &e.At); err != nil {
			rows.Close()
			return nil, err
		}
		out.Edits = append(out.Edits, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT p.slug, c.item, c.checked_at FROM guide_checks c
		JOIN guide_pages p ON p.id = c.page_id WHERE c.member_id = ? ORDER BY p.slug, c.item`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c exportCheck
		if err := rows.Scan(&c.Page, &c.Item, &c.At); err != nil {
			return nil, err
		}
		out.Ticked = append(out.Ticked, c)
	}
	return out, rows.Err()
}

// Erase removes the member's ticks. Their edits are part of a shared text
// that others built on, so the text stays either way; it loses the link to
// the member, and with "remove" their edit notes are blanked too.
func (DataPart) Erase(ctx context.Context, tx db.Querier, memberID int64, mode memberdata.Mode) error {
	if _, err := tx.Exec(ctx, `DELETE FROM guide_checks WHERE member_id = ?`, memberID); err != nil {
		return err
	}
	q := `UPDATE guide_revisions SET author_id = NULL WHERE author_id = ?`
	if mode == memberdata.Remove {
		q = `UPDATE guide_revisions SET author_id = NULL, note = '' WHERE author_id = ?`
	}
	_, err := tx.Exec(ctx, q, memberID)
	return err
}
