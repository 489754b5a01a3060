package demo

import (
	"context"
	"testing"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/discussions"
	"involve/internal/groups"
	"involve/internal/testutil"
)

// TestFillDiscussions runs the discussions demo after the rest of the demo,
// on groups of its own, and checks the forum's threads, the long one, and
// that each group got a thread in its language.
func TestFillDiscussions(t *testing.T) {
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
		// Once demo.Fill runs the discussions demo itself, this test only
		// checks what it made.
		_, already, err := a.Discussions.List(ctx, discussions.ListQuery{Page: 1, PerPage: 1})
		if err != nil {
			t.Fatal(err)
		}
		var slugs []string
		for _, g := range []struct{ name, langs, vis string }{
			{"Demo Dutch circle", "nl", groups.Public},
			{"Demo Russian circle", "ru, lv", groups.MembersOnly},
			{"Demo English circle", "en", groups.Public},
			{"Demo silent circle", "", groups.Secret},
		} {
			created, err := a.Groups.Create(ctx, ids["mira"], groups.Input{Name: g.name, Kind: groups.DiscussionGroup,
				Visibility: g.vis, Joining: groups.Open, Languages: g.langs}, nil)
			if err != nil {
				t.Fatal(err)
			}
			slugs = append(slugs, created.Slug)
		}
		if already == 0 {
			if err := fillDiscussions(ctx, a, ids, slugs); err != nil {
				t.Fatal(err)
			}
		}

		forum, total, err := a.Discussions.List(ctx, discussions.ListQuery{Page: 1, PerPage: 50})
		if err != nil {
			t.Fatal(err)
		}
		if total != len(forumScripts)+1 {
			t.Errorf("%d forum threads, want %d", total, len(forumScripts)+1)
		}
		if forum[0].Title != forumScripts[0].title || forum[0].PinnedAt == nil || forum[0].LockedAt == nil {
			t.Errorf("the welcome thread is not first, pinned and locked: %+v", forum[0])
		}
		longest, langs := 0, map[string]int{}
		for _, th := range forum {
			longest = max(longest, th.Posts())
			langs[th.Lang]++
			if th.Posts() < 4 {
				t.Errorf("%q has only %d posts", th.Title, th.Posts())
			}
		}
		if longest != 300 || langs["nl"] == 0 || langs["ru"] == 0 {
			t.Errorf("longest thread %d posts, languages %v", longest, langs)
		}
		for i, want := range []string{"nl", "ru", "en", "en"} {
			if already > 0 {
				break
			}
			g, _ := a.Groups.BySlug(ctx, slugs[i])
			ths, _, err := a.Discussions.List(ctx, discussions.ListQuery{GroupID: &g.ID, Page: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(ths) != 1 || ths[0].Lang != want {
				t.Errorf("group %s: %d threads, language %v; want one in %s", g.Slug, len(ths), ths, want)
			}
		}
		// The live replies told mira she was mentioned.
		ns, err := a.Notify.List(ctx, ids["mira"], 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		mentioned := false
		for _, n := range ns {
			mentioned = mentioned || n.Kind == "discussion.mention"
		}
		if !mentioned {
			t.Errorf("mira has no mention notification: %+v", ns)
		}
	})
}
