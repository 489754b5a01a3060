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

// TestFillDiscussions runs the whole demo and checks the forum's threads,
// the long one, the languages, and that the demo groups have threads.
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
		forum, total, err := a.Discussions.List(ctx, discussions.ListQuery{Page: 1, PerPage: 50})
		if err != nil {
			t.Fatal(err)
		}
		// The moderation demo adds adverts to the forum; the rest is ours.
		if total < len(forumScripts)+1 {
			t.Errorf("%d forum threads, want at least %d", total, len(forumScripts)+1)
		}
		if forum[0].Title != forumScripts[0].title || forum[0].PinnedAt == nil || forum[0].LockedAt == nil {
			t.Errorf("the welcome thread is not first, pinned and locked: %+v", forum[0])
		}
		ours := map[string]bool{}
		for _, sc := range forumScripts {
			ours[sc.title] = true
		}
		longest, langs := 0, map[string]int{}
		for _, th := range forum {
			longest = max(longest, th.Posts())
			langs[th.Lang]++
			if ours[th.Title] && th.Posts() < 4 {
				t.Errorf("%q has only %d posts", th.Title, th.Posts())
			}
		}
		if longest != 300 || langs["nl"] == 0 || langs["ru"] == 0 {
			t.Errorf("longest thread %d posts, languages %v", longest, langs)
		}
		// Every demo group got a thread.
		dir, err := a.Groups.List(ctx, groups.Viewer{MemberID: ids["mira"], SiteModerator: true}, groups.Filter{}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range dir.Groups {
			ths, _, err := a.Discussions.List(ctx, discussions.ListQuery{GroupID: &g.ID, Page: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(ths) == 0 {
				t.Errorf("group %s has no thread", g.Slug)
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
