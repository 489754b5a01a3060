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
	EmailMode     string               `json:"email_mode"`
	ModeSince     *time.Time           `json:"email_mode_since"`
	LastDigestAt  *time.Time           `json:"last_digest_at"`
	Notifications []exportNotification `json:"notifications"`
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
	ns, err := list(ctx, q, `SELECT `+columns+` FROM notifications WHERE member_id = ? ORDER BY id`, memberID)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		out.Notifications = append(out.Notifications, exportNotification{n.Kind, n.Params, n.URL, n.At, n.ReadAt, n.EmailedAt})
	}
	return out, nil
}

// Erase removes the member's notifications, preferences and waiting
// emails: none of it is anyone else's.
func (DataPart) Erase(ctx context.Context, tx db.Querier, memberID int64, _ memberdata.Mode) error {
	for _, q := range []string{
		`DELETE FROM notifications WHERE member_id = ?`,
		`DELETE FROM notify_prefs WHERE member_id = ?`,
	} {
		if _, err := tx.Exec(ctx, q, memberID); err != nil {
			return err
		}
	}
	return jobs.CancelKeys(ctx, tx, emailKey(memberID), digestKey(memberID))
}
