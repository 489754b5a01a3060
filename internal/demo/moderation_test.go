package demo

import (
	"context"
	"errors"
	"testing"

	"involve/internal/accounts"
	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/testutil"
)

// TestFillModeration runs the whole demo and checks what a newcomer would
// find of moderation.
func TestFillModeration(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, err := app.New(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Fill(ctx, a); err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, h := range []string{"mira", "sasha_k", "jo-peer", "ola-moderator"} {
			m, err := a.Accounts.ByHandle(ctx, h)
			if err != nil {
				t.Fatal(err)
			}
			ids[h] = m.ID
		}
		g, err := a.Groups.BySlug(ctx, "online-peer-support-circle")
		if err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM reports WHERE status = 'open' AND group_id IS NULL`:                  1,
			`SELECT COUNT(*) FROM reports WHERE status = 'open' AND group_id = ?`:                      1,
			`SELECT COUNT(*) FROM reports WHERE status = 'resolved'`:                                   1,
			`SELECT COUNT(*) FROM audit_log WHERE action IN ('moderation.hide', 'moderation.suspend')`: 2,
			`SELECT COUNT(*) FROM member_blocks`:                                                       1,
		} {
			var args []any
			if want == 1 && q[len(q)-1] == '?' {
				args = append(args, g.ID)
			}
			var n int
			if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil || n != want {
				t.Errorf("%s = %d (%v), want %d", q, n, err, want)
			}
		}
		var se *accounts.SuspendedError
		if _, err := a.Accounts.Authenticate(ctx, "quick-deals", Passphrase); !errors.As(err, &se) {
			t.Errorf("the demo spammer can sign in: %v", err)
		}
	})
}
