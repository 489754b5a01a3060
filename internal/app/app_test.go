package app_test

import (
	"context"
	"testing"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/search"
	"involve/internal/support"
	"involve/internal/testutil"
)

// TestContentFollowsItsGroupInSearch checks the wiring between stores: when
// a group stops being public, what lives inside it leaves the search index
// in the same transaction, and comes back when it is public again.
func TestContentFollowsItsGroupInSearch(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, err := app.New(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		m, _, err := a.Accounts.Create(ctx, "founder", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		in := groups.Input{Name: "Noord Peers", Kind: groups.SelfOrganisation, Visibility: groups.Public, Joining: groups.Open}
		g, err := a.Groups.Create(ctx, m.ID, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Support.Create(ctx, g.ID, m.ID, support.Input{Kind: support.Venue, Title: "A quiet room", Details: "Tuesdays, for twelve people"}); err != nil {
			t.Fatal(err)
		}
		found := func() int {
			_, n, err := a.Search.Search(ctx, "quiet room", "en", search.Viewer{SignedIn: true}, 10)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if found() != 1 {
			t.Fatal("a public group's request is not searchable")
		}
		in.Visibility, in.Joining = groups.Secret, groups.Invitation
		if err := a.Groups.Update(ctx, g.ID, in); err != nil {
			t.Fatal(err)
		}
		if found() != 0 {
			t.Fatal("a secret group's request is still searchable")
		}
		in.Visibility, in.Joining = groups.Public, groups.Open
		if err := a.Groups.Update(ctx, g.ID, in); err != nil {
			t.Fatal(err)
		}
		if found() != 1 {
			t.Fatal("the request did not come back when the group became public again")
		}
	})
}
