package demo

import (
	"context"
	"testing"
	"time"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/meetings"
	"involve/internal/testutil"
)

// TestFillMeetings runs the whole demo and checks the meetings it leaves:
// a recurring board with a moved and a cancelled occurrence, minutes and
// payments for the last one held, a full training with a waiting list and
// an alias, a consultation waiting for approval, and a members-only
// group's meetings that the public does not see.
func TestFillMeetings(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, err := app.New(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Fill(ctx, a); err != nil {
			t.Fatal(err)
		}
		s := a.Meetings
		var detached, cancelled, series, alias, waiting, pending, payments, minutes int
		for _, q := range []struct {
			query string
			into  *int
		}{
			{`SELECT COUNT(*) FROM meetings WHERE detached = 1`, &detached},
			{`SELECT COUNT(*) FROM meetings WHERE status = 'cancelled'`, &cancelled},
			{`SELECT COUNT(*) FROM meeting_series`, &series},
			{`SELECT COUNT(*) FROM meeting_registrations WHERE alias <> '' AND code_hash IS NOT NULL`, &alias},
			{`SELECT COUNT(*) FROM meeting_registrations WHERE status = 'waiting'`, &waiting},
			{`SELECT COUNT(*) FROM meeting_registrations WHERE status = 'pending'`, &pending},
			{`SELECT COUNT(*) FROM meeting_payments`, &payments},
			{`SELECT COUNT(*) FROM meetings WHERE minutes <> ''`, &minutes},
		} {
			if err := d.QueryRow(ctx, q.query).Scan(q.into); err != nil {
				t.Fatal(err)
			}
		}
		if detached != 1 || cancelled != 1 || series != 4 || alias != 1 || waiting != 2 || pending != 1 || payments != 3 || minutes != 2 {
			t.Errorf("detached %d, cancelled %d, series %d, alias %d, waiting %d, pending %d, payments %d, minutes %d",
				detached, cancelled, series, alias, waiting, pending, payments, minutes)
		}
		upcoming, err := s.List(ctx, meetings.Viewer{}, meetings.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		past, err := s.List(ctx, meetings.Viewer{}, meetings.Filter{Past: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(upcoming.Meetings) < 10 || len(past.Meetings) < 3 || len(upcoming.Regions) < 4 || len(upcoming.Languages) < 3 {
			t.Errorf("%d upcoming, %d past, regions %v, languages %v", len(upcoming.Meetings), len(past.Meetings), upcoming.Regions, upcoming.Languages)
		}
		for _, m := range upcoming.Meetings {
			if m.GroupName == "Riga Positive Peers" {
				t.Errorf("the public sees a members-only group's meeting %q", m.Title)
			}
			if m.End.Before(time.Now()) {
				t.Errorf("%q is listed as upcoming", m.Title)
			}
		}
		sasha, err := a.Accounts.ByHandle(ctx, "sasha_k")
		if err != nil {
			t.Fatal(err)
		}
		mine, err := s.List(ctx, meetings.Viewer{MemberID: sasha.ID}, meetings.Filter{Language: "ru"})
		if err != nil {
			t.Fatal(err)
		}
		var riga int
		for _, m := range mine.Meetings {
			if m.GroupName == "Riga Positive Peers" {
				riga++
			}
		}
		if riga == 0 {
			t.Error("a member does not see their group's meetings")
		}
		mira, _ := a.Accounts.ByHandle(ctx, "mira")
		if ps, err := s.MemberPayments(ctx, mira.ID); err != nil || len(ps) != 2 {
			t.Errorf("mira's payments: %d %v", len(ps), err)
		}
	})
}
