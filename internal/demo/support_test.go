package demo

import (
	"context"
	"testing"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/testutil"
)

// TestFillSupport runs the support demo on groups of its own, after the
// rest of the demo, and checks it leaves requests of every status and a
// supporter on each public group.
func TestFillSupport(t *testing.T) {
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
		for _, h := range []string{"mira", "sasha_k", "lena-harbour", "tomas", "pieter-northport", "anna-openhands"} {
			m, err := a.Accounts.ByHandle(ctx, h)
			if err != nil {
				t.Fatal(err)
			}
			ids[h] = m.ID
		}
		var slugs []string
		for i, vis := range []string{groups.Public, groups.MembersOnly, groups.Public, groups.Public, groups.Secret} {
			joining := groups.Open
			if vis == groups.Secret {
				joining = groups.Invitation
			}
			g, err := a.Groups.Create(ctx, ids["mira"], groups.Input{Name: "Support demo group " + string(rune('A'+i)),
				Kind: groups.SelfOrganisation, Visibility: vis, Joining: joining}, nil)
			if err != nil {
				t.Fatal(err)
			}
			slugs = append(slugs, g.Slug)
		}
		if err := fillSupport(ctx, a, ids, slugs); err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		rows, err := d.Query(ctx, `SELECT r.status, COUNT(*) FROM support_requests r JOIN groups g ON g.id = r.group_id
			WHERE g.slug LIKE 'support-demo-group-%' GROUP BY r.status`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				t.Fatal(err)
			}
			counts[s] = n
		}
		rows.Close()
		if counts["open"] < 4 || counts["fulfilled"] < 3 || counts["closed"] != 1 {
			t.Errorf("requests by status: %v", counts)
		}
		for _, slug := range []string{slugs[0], slugs[1], slugs[3]} {
			g, _ := a.Groups.BySlug(ctx, slug)
			if sup, err := a.Groups.Supporters(ctx, g.ID); err != nil || len(sup) == 0 {
				t.Errorf("%s has no supporters (%v)", slug, err)
			}
		}
		var waiting int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM support_offers WHERE status = 'offered'`).Scan(&waiting); err != nil || waiting < 3 {
			t.Errorf("%d offers waiting (%v)", waiting, err)
		}
	})
}
