package demo

import (
	"context"
	"testing"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/organisations"
	"involve/internal/testutil"
)

// TestFillGroups runs the groups demo after the rest of the demo (unless
// Fill already ran it) and checks it shows what groups can be: every kind
// and visibility, several regions, requests waiting, channels, an
// initiative started by a service, and stages under way.
func TestFillGroups(t *testing.T) {
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
		var slugs []string
		if _, err := a.Groups.BySlug(ctx, "noord-needle-exchange-users"); err != nil {
			if slugs, err = fillGroups(ctx, a, ids); err != nil {
				t.Fatal(err)
			}
		} else {
			for _, dg := range demoGroups {
				g, err := a.Groups.BySlug(ctx, slugOf(dg.in.Name))
				if err != nil {
					t.Fatal(err)
				}
				slugs = append(slugs, g.Slug)
			}
		}
		if len(slugs) < 12 {
			t.Errorf("%d demo groups, want a dozen", len(slugs))
		}
		kinds, vis, regions := map[string]bool{}, map[string]bool{}, map[string]bool{}
		waiting, withChannels, withStages := 0, 0, 0
		for _, slug := range slugs {
			g, err := a.Groups.BySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			kinds[g.Kind], vis[g.Visibility], regions[g.Region] = true, true, true
			if g.Members < 1 {
				t.Errorf("%s has no members", slug)
			}
			admins, _ := a.Groups.MemberIDs(ctx, g.ID, groups.Admin)
			if len(admins) != 1 {
				t.Errorf("%s has %d admins", slug, len(admins))
			}
			p, _ := a.Groups.PendingRequests(ctx, g.ID)
			waiting += len(p)
			if cs, _ := a.Groups.Channels(ctx, g.ID); len(cs) > 0 {
				withChannels++
				for _, c := range cs {
					if !groups.ValidChannelURL(c.URL) {
						t.Errorf("%s: channel %q", slug, c.URL)
					}
				}
			}
			if st, _ := a.Groups.Stages(ctx, g.ID); len(st) > 0 && len(st[0].Done) > 0 {
				withStages++
			}
		}
		if len(kinds) != len(groups.Kinds) || len(vis) != len(groups.Visibilities) {
			t.Errorf("kinds %v, visibilities %v: want every one", kinds, vis)
		}
		for _, r := range []string{"Amsterdam", "Riga", "Prague", "Northport", "Utrecht", "Online"} {
			if !regions[r] {
				t.Errorf("no demo group in %s", r)
			}
		}
		if waiting < 3 || withChannels < 4 || withStages < 3 {
			t.Errorf("%d requests waiting, %d groups with channels, %d with stages ticked", waiting, withChannels, withStages)
		}
		// Harbour started its client advisory group, and supports it.
		g, _ := a.Groups.BySlug(ctx, "harbour-client-advisory-group")
		harbour, _ := a.Organisations.BySlug(ctx, "harbour-harm-reduction-service")
		if g.OrganisationID == nil || *g.OrganisationID != harbour.ID || g.Kind != groups.IntegratedInitiative {
			t.Errorf("the Harbour initiative: %+v", g)
		}
		if sup, _ := a.Groups.SupportedBy(ctx, harbour.ID); len(sup) == 0 {
			t.Errorf("Harbour supports no group")
		}
		// The moderators of a group with a request waiting were told.
		ns, _ := a.Notify.List(ctx, ids["mira"], 50, 0)
		told := false
		for _, n := range ns {
			told = told || (n.Kind == "group.join_request" && n.Params["a_who"] == "sasha_k")
		}
		if !told {
			t.Errorf("mira was not told of sasha_k's request")
		}
		// The organisations can be found by topic and language.
		od, _ := a.Organisations.Directory(ctx, organisations.DirectoryFilter{Topic: "harm reduction", Language: "nl"})
		if len(od.Organisations) != 1 || od.Organisations[0].Slug != "harbour-harm-reduction-service" {
			t.Errorf("organisations working on harm reduction in Dutch: %+v", od.Organisations)
		}
		// Secret groups exist only for their members.
		dir, _ := a.Groups.List(ctx, groups.Viewer{MemberID: ids["pieter-northport"]}, groups.Filter{}, 0, 0)
		for _, g := range dir.Groups {
			if g.Visibility == groups.Secret {
				t.Errorf("a secret demo group is listed for an outsider: %s", g.Slug)
			}
		}
	})
}

func slugOf(name string) string { return organisations.Slugify(name) }
