package meetings

import (
	"context"
	"time"

	"involve/internal/db"
	"involve/internal/memberdata"
)

// DataPart is a member's share of meetings: their registrations (with the
// notes they wrote to organisers), invitations, the payments made to them
// and whether they have a private feed, for the data download and account
// deletion.
type DataPart struct{ Store *Store }

func (DataPart) Name() string { return "meetings" }

type exportRegistration struct {
	Meeting   string    `json:"meeting"`
	URL       string    `json:"url"`
	Starts    time.Time `json:"starts"`
	Status    string    `json:"status"`
	Note      string    `json:"note"`
	ShowName  bool      `json:"show_name"`
	Attended  *bool     `json:"attended"`
	CreatedAt time.Time `json:"created_at"`
}

type exportInvitation struct {
	Meeting   string    `json:"meeting"`
	URL       string    `json:"url"`
	InvitedAt time.Time `json:"invited_at"`
}

type exportPayment struct {
	Meeting  string     `json:"meeting"`
	Kind     string     `json:"kind"`
	Amount   string     `json:"amount"`
	Currency string     `json:"currency"`
	Method   string     `json:"method"`
	Status   string     `json:"status"`
	Purpose  string     `json:"purpose"`
	PaidAt   *time.Time `json:"paid_at"`
}

type exportMeetings struct {
	Registrations []exportRegistration `json:"registrations"`
	Invitations   []exportInvitation   `json:"invitations"`
	Payments      []exportPayment      `json:"payments"`
	Arranged      []exportInvitation   `json:"arranged"` // meetings the member arranged (invited_at = created)
	PrivateFeed   *time.Time           `json:"private_feed_since"`
}

// Export returns what Involve keeps about the member's meetings.
func (DataPart) Export(ctx context.Context, q db.Querier, memberID int64) (any, error) {
	out := exportMeetings{Registrations: []exportRegistration{}, Invitations: []exportInvitation{}, Payments: []exportPayment{},
		Arranged: []exportInvitation{}}
	rows, err := q.Query(ctx, `SELECT m.id, m.title, m.starts_at, r.status, r.note, r.show_name, r.attended, r.created_at
		FROM meeting_registrations r JOIN meetings m ON m.id = r.meeting_id WHERE r.member_id = ? ORDER BY r.id`, memberID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r exportRegistration
		var id int64
		var show int
		var attended *int
		if err := rows.Scan(&id, &r.Meeting, &r.Starts, &r.Status, &r.Note, &show, &attended, &r.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		r.URL, r.ShowName = "/meetings/"+itoa(id), show != 0
		if attended != nil {
			a := *attended != 0
			r.Attended = &a
		}
		out.Registrations = append(out.Registrations, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, x := range []struct {
		query string
		into  *[]exportInvitation
	}{
		{`SELECT m.id, m.title, i.created_at FROM meeting_invitations i JOIN meetings m ON m.id = i.meeting_id WHERE i.member_id = ? ORDER BY m.id`, &out.Invitations},
		{`SELECT m.id, m.title, m.created_at FROM meetings m WHERE m.created_by = ? ORDER BY m.id`, &out.Arranged},
	} {
		rows, err := q.Query(ctx, x.query, memberID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var i exportInvitation
			var id int64
			if err := rows.Scan(&id, &i.Meeting, &i.InvitedAt); err != nil {
				rows.Close()
				return nil, err
			}
			i.URL = "/meetings/" + itoa(id)
			*x.into = append(*x.into, i)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	ps, err := listPayments(ctx, q, `SELECT `+paymentColumns+paymentFrom+` WHERE p.member_id = ? ORDER BY p.id`, memberID)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		out.Payments = append(out.Payments, exportPayment{Meeting: p.MeetingTitle, Kind: p.Kind, Amount: DecimalAmount(p.Amount, p.Currency),
			Currency: p.Currency, Method: p.Method, Status: p.Status, Purpose: p.Purpose, PaidAt: p.PaidAt})
	}
	var since time.Time
	err = q.QueryRow(ctx, `SELECT created_at FROM meeting_feed_tokens WHERE member_id = ?`, memberID).Scan(&since)
	if err == nil {
		out.PrivateFeed = &since
	} else if err != db.ErrNotFound {
		return nil, err
	}
	return out, nil
}

// Erase takes the member out of meetings. Registrations for meetings still
// to come are deleted, and their seats go to the waiting list; those for
// meetings that started are kept without name, note or link, so the
// organisers' attendance figures still add up. Payments stay, as the
// organiser's bookkeeping, without the link to the person. Invitations and
// the feed token go. The same happens whichever mode the member chose:
// none of it is writing others read.
func (p DataPart) Erase(ctx context.Context, tx db.Querier, memberID int64, _ memberdata.Mode) error {
	now := p.Store.now()
	if _, err := tx.Exec(ctx, `UPDATE meeting_payments SET member_id = NULL, payee = '' WHERE member_id = ?`, memberID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE meeting_registrations SET member_id = NULL, note = '', show_name = 0, code_hash = NULL
		WHERE member_id = ? AND meeting_id IN (SELECT id FROM meetings WHERE starts_at <= ?)`, memberID, now); err != nil {
		return err
	}
	freed, err := memberIDs(ctx, tx, `SELECT DISTINCT meeting_id FROM meeting_registrations WHERE member_id = ? AND status = ?`, memberID, Registered)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM meeting_registrations WHERE member_id = ?`, memberID); err != nil {
		return err
	}
	for _, id := range freed {
		if tx.Dialect() == db.Postgres {
			if _, err := tx.Exec(ctx, `SELECT id FROM meetings WHERE id = ? FOR UPDATE`, id); err != nil {
				return err
			}
		}
		if err := p.Store.promote(ctx, tx, id); err != nil {
			return err
		}
	}
	for _, table := range []string{"meeting_invitations", "meeting_feed_tokens"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE member_id = ?`, memberID); err != nil {
			return err
		}
	}
	return nil
}
