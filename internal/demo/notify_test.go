package demo

import (
	"context"
	"testing"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/notify"
	"involve/internal/testutil"
)

// TestFillNotify runs the notifications demo after the rest of the demo:
// everyone is greeted, Jo's greeting waits as an email, and Mira gets a
// daily digest.
func TestFillNotify(t *testing.T) {
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
		for _, p := range people {
			m, err := a.Accounts.ByHandle(ctx, p.handle)
			if err != nil {
				t.Fatal(err)
			}
			ids[p.handle] = m.ID
		}
		if err := fillNotify(ctx, a, ids); err != nil {
			t.Fatal(err)
		}
		for handle, want := range map[string]string{"jo-peer": notify.EmailImmediate, "mira": notify.EmailDaily, "sasha_k": notify.EmailDaily, "tomas": notify.EmailOff} {
			p, err := a.Notify.Prefs(ctx, ids[handle])
			if err != nil || p.EmailMode != want {
				t.Errorf("%s: email mode %q (%v), want %q", handle, p.EmailMode, err, want)
			}
		}
		if n, _ := a.Notify.Unread(ctx, ids["mira"]); n < 1 {
			t.Error("mira has no unread notification")
		}
		if n, _ := a.Notify.Unread(ctx, ids["demo-admin"]); n != 0 {
			t.Errorf("the admin has %d unread, want their greeting read", n)
		}
		var jobs int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.email' AND done_at IS NULL`).Scan(&jobs)
		if jobs != 1 {
			t.Errorf("%d email jobs waiting, want 1 (Jo's)", jobs)
		}
		for handle, want := range map[string]bool{"jo-peer": true, "mira": true, "sasha_k": false} {
			if st, err := a.Notify.EmailState(ctx, ids[handle]); err != nil || st.Confirmed != want {
				t.Errorf("%s: address confirmed %v (%v), want %v", handle, st.Confirmed, err, want)
			}
		}
		d.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.confirm' AND done_at IS NULL`).Scan(&jobs)
		if jobs != 1 {
			t.Errorf("%d confirmation links waiting to go, want 1 (Sasha's)", jobs)
		}
		m, _ := a.Accounts.ByID(ctx, ids["jo-peer"])
		if m.Profile.Email.Value != "jo@example.org" || m.Profile.Bio.Value == "" {
			t.Errorf("jo's profile after the demo: %+v", m.Profile)
		}
	})
}
