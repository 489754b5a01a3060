package demo

import (
	"context"
	"errors"
	"fmt"

	"involve/internal/accounts"
	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/notify"
)

// fillNotify shows notifications and email in use: every demo member is
// greeted in their notification centre, Jo gave an address and asks for
// email straight away, and Mira for a daily digest; both addresses are
// confirmed. Sasha has just given an address, and the link that confirms it is on
// its way. Call it before the content that notifies people, so that Jo's
// notifications turn into an email (an .eml file in the data directory's
// mail folder, without SMTP settings) a minute after `involve serve
// --demo` starts; Sasha's link, in Russian, is written there at once.
func fillNotify(ctx context.Context, a *app.App, ids map[string]int64) error {
	for _, e := range []struct {
		handle, address, mode string
		confirmed             bool
	}{
		{"jo-peer", "jo@example.org", notify.EmailImmediate, true},
		{"mira", "mira@example.org", notify.EmailDaily, true},
		{"sasha_k", "sasha@example.org", notify.EmailDaily, false},
	} {
		id, ok := ids[e.handle]
		if !ok {
			return fmt.Errorf("demo: no member %s", e.handle)
		}
		m, err := a.Accounts.ByID(ctx, id)
		if err != nil {
			return err
		}
		pr := m.Profile
		pr.Email = accounts.Field{Value: e.address, Vis: accounts.OnlyMe}
		if err := a.Accounts.UpdateProfile(ctx, id, pr); err != nil {
			return err
		}
		if err := a.Notify.SetEmailMode(ctx, id, e.mode); err != nil {
			return err
		}
		if !e.confirmed {
			if _, err := a.Notify.RequestConfirmation(ctx, id); err != nil && !errors.Is(err, notify.ErrConfirmTooSoon) {
				return err
			}
			continue
		}
		// As if they had opened the link (the demo has no mailbox).
		if _, err := a.DB.Exec(ctx, `UPDATE members SET email_confirmed = email WHERE id = ?`, id); err != nil {
			return err
		}
	}
	var everyone []int64
	for _, p := range people {
		everyone = append(everyone, ids[p.handle])
	}
	if err := a.DB.Tx(ctx, func(tx *db.Tx) error {
		return a.Notify.Add(ctx, tx, everyone, notify.KindWelcome, nil, "/guide")
	}); err != nil {
		return err
	}
	// The site admin has read theirs already.
	return a.Notify.MarkRead(ctx, ids["demo-admin"], 0)
}
