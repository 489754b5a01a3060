package notify

import (
	"context"
	"errors"
	"time"

	"involve/internal/db"
	"involve/internal/jobs"
	"involve/internal/memberdata"
)

// DataPart is the notifications' share of a member's data: what they were
// told and how they chose to hear about it.
type DataPart struct{ Center *Center }

func (DataPart) Name() string { return "notifications" }

type exportNotification struct {
	Kind      string            `json:"kind"`
	Params    map[string]string `json:"params"`
	URL       string            `json:"url"`
	At        time.Time         `json:"created_at"`
	ReadAt    *time.Time        `json:"read_at"`
	EmailedAt *time.Time        `json:"emailed_at"`
}

type exportNotify struct {
	EmailConfirmed string `json:"email_confirmed"` // the address confirmed by a link, if any
	// A confirmation link waiting to be opened: the address and when it
	// was sent (the link itself is not kept).
	ConfirmationSentTo string               `json:"confirmation_sent_to,omitempty"`
	ConfirmationSentAt *time.Time           `json:"confirmation_sent_at,omitempty"`
	EmailMode          string               `json:"email_mode"`
	ModeSince          *time.Time           `json:"email_mode_since"`
	LastDigestAt       *time.Time           `json:"last_digest_at"`
	Notifications      []exportNotification `json:"notifications"`
}

func (DataPart) Export(ctx context.Context, q db.Querier, memberID int64) (any, error) {
	out := exportNotify{EmailMode: EmailOff, Notifications: []exportNotification{}}
	var since time.Time
	err := q.QueryRow(ctx, `SELECT email_mode, mode_since, last_digest_at FROM notify_prefs WHERE member_id = ?`, memberID).
		Scan(&out.EmailMode, &since, &out.LastDigestAt)
	switch {
	case err == nil:
		out.ModeSince = &since
	case !errors.Is(err, db.ErrNotFound):
		return nil, err
	}
	if err := q.QueryRow(ctx, `SELECT email_confirmed FROM members WHERE id = ?`, memberID).Scan(&out.EmailConfirmed); err != nil {
		return nil, err
	}
	err = q.QueryRow(ctx, `SELECT email, sent_at FROM email_confirmations WHERE member_id = ?`, memberID).
		Scan(&out.ConfirmationSentTo, &out.ConfirmationSentAt)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return nil, err
	}
	ns, err := list(ctx, q, `SELECT `+columns+` FROM notifications WHERE member_id = ? ORDER BY id`, memberID)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		out.Notifications = append(out.Notifications, exportNotification{n.Kind, n.Params, n.URL, n.At, n.ReadAt, n.EmailedAt})
	}
	return out, nil
}

// Erase removes the member's notifications, preferences, waiting emails
// and confirmation link: none of it is anyone else's.
func (DataPart) Erase(ctx context.Context, tx db.Querier, memberID int64, _ memberdata.Mode) error {
	for _, q := range []string{
		`DELETE FROM notifications WHERE member_id = ?`,
		`DELETE FROM notify_prefs WHERE member_id = ?`,
		`DELETE FROM email_confirmations WHERE member_id = ?`,
		`UPDATE members SET email_confirmed = '' WHERE id = ?`,
	} {
		if _, err := tx.Exec(ctx, q, memberID); err != nil {
			return err
		}
	}
	return jobs.CancelKeys(ctx, tx, emailKey(memberID), digestKey(memberID), confirmKey(memberID))
}
