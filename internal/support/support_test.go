package support_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/i18n"
	"involve/internal/memberdata"
	"involve/internal/notify"
	"involve/internal/organisations"
	"involve/internal/search"
	"involve/internal/support"
	"involve/internal/testutil"
)

func TestInputCheck(t *testing.T) {
	today := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	ok := support.Input{Kind: support.Venue, Title: "A room for our monthly meeting", NeededBy: "2026-11-25"}
	if errs := ok.Check(today); len(errs) != 0 {
		t.Fatalf("valid input: %v", errs)
	}
	for _, tc := range []struct {
		in   support.Input
		want map[string]string
	}{
		{support.Input{}, map[string]string{"kind": "support.kind.required", "title": "support.title.required"}},
		{support.Input{Kind: "car", Title: "ab", NeededBy: "25/12/2026"},
			map[string]string{"kind": "support.kind.required", "title": "support.title.length", "needed_by": "support.needed_by.invalid"}},
		{support.Input{Kind: support.Money, Title: "Bus fares\nfor ten", NeededBy: "2026-11-24"},
			map[string]string{"title": "field.one_line", "needed_by": "support.needed_by.past"}},
		{support.Input{Kind: support.Other, Title: "Help", Details: strings.Repeat("x", support.DetailsMax+1)},
			map[string]string{"details": "field.too_long"}},
	} {
		if diff := cmp.Diff(tc.want, tc.in.Check(today)); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tc.in, diff)
		}
	}
	// Editing an old request does not trip over a date now past.
	if errs := (support.Input{Kind: support.Venue, Title: "Old", NeededBy: "2020-01-01"}).Check(time.Time{}); len(errs) != 0 {
		t.Errorf("without today: %v", errs)
	}
}

// fixture is a site with a public, a members-only and a secret group, a
// verified organisation with an admin and a member of staff, a second
// verified organisation, and a pending one.
type fixture struct {
	t                   *testing.T
	a                   *app.App
	ids                 map[string]int64
	public, closed, sec *groups.Group
	harbour, clinic     *organisations.Organisation
	pending             *organisations.Organisation
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	a, err := app.New(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{t: t, a: a, ids: map[string]int64{}}
	for _, h := range []string{"founder", "modder", "peer", "outsider", "lena", "hadmin", "cadmin", "padmin", "root"} {
		m, _, err := a.Accounts.Create(ctx, h, h+"-passphrase")
		if err != nil {
			t.Fatal(err)
		}
		fx.ids[h] = m.ID
	}
	mk := func(name, vis string) *groups.Group {
		g, err := a.Groups.Create(ctx, fx.ids["founder"], groups.Input{Name: name, Kind: groups.SelfOrganisation, Visibility: vis,
			Joining: groups.Open, Region: "Amsterdam"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for h, role := range map[string]string{"modder": groups.Moderator, "peer": groups.Member} {
			if _, err := d.Exec(ctx, `INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES (?, ?, ?, ?)`,
				g.ID, fx.ids[h], role, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		return g
	}
	fx.public, fx.closed, fx.sec = mk("Noord Peers", groups.Public), mk("Quiet Circle", groups.MembersOnly), mk("Hidden Ones", groups.Secret)
	org := func(owner, name string, verified bool) *organisations.Organisation {
		o, err := a.Organisations.Register(ctx, fx.ids[owner], organisations.Input{Name: name, Kind: organisations.Service})
		if err != nil {
			t.Fatal(err)
		}
		if verified {
			if err := a.Organisations.Review(ctx, d, o.ID, fx.ids["root"], organisations.Verified, ""); err != nil {
				t.Fatal(err)
			}
		}
		return o
	}
	fx.harbour = org("hadmin", "Harbour Service", true)
	if err := a.Organisations.SetStaff(ctx, fx.harbour.ID, fx.ids["lena"], organisations.Staff); err != nil {
		t.Fatal(err)
	}
	fx.clinic = org("cadmin", "Positive Clinic", true)
	fx.pending = org("padmin", "Pending Agency", false)
	return fx
}

func (fx *fixture) request(g *groups.Group, title string) *support.Request {
	fx.t.Helper()
	r, err := fx.a.Support.Create(context.Background(), g.ID, fx.ids["modder"], support.Input{Kind: support.Venue, Title: title,
		Details: "Somewhere quiet for twelve people, step-free.", NeededBy: "2030-03-01"})
	if err != nil {
		fx.t.Fatal(err)
	}
	return r
}

func (fx *fixture) offer(r *support.Request, org *organisations.Organisation, by, what string) *support.Offer {
	fx.t.Helper()
	o, err := fx.a.Support.MakeOffer(context.Background(), r.ID, org.ID, fx.ids[by], what)
	if err != nil {
		fx.t.Fatalf("offer by %s: %v", by, err)
	}
	return o
}

// notes lists "handle kind" for every notification, in order.
func (fx *fixture) notes() []string {
	fx.t.Helper()
	rows, err := fx.a.DB.Query(context.Background(), `SELECT m.handle, n.kind, n.url FROM notifications n JOIN members m ON m.id = n.member_id ORDER BY n.id`)
	if err != nil {
		fx.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h, k, u string
		if err := rows.Scan(&h, &k, &u); err != nil {
			fx.t.Fatal(err)
		}
		out = append(out, h+" "+k+" "+u)
	}
	return out
}

func (fx *fixture) searchRefs() []string {
	fx.t.Helper()
	rows, err := fx.a.DB.Query(context.Background(), `SELECT ref, url FROM search_documents WHERE kind = 'support' ORDER BY ref`)
	if err != nil {
		fx.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var ref, u string
		if err := rows.Scan(&ref, &u); err != nil {
			fx.t.Fatal(err)
		}
		out = append(out, ref+" "+u)
	}
	return out
}

func (fx *fixture) statuses(r *support.Request) string {
	fx.t.Helper()
	ctx := context.Background()
	got, err := fx.a.Support.Request(ctx, r.GroupID, r.ID)
	if err != nil {
		fx.t.Fatal(err)
	}
	offers, err := fx.a.Support.Offers(ctx, r.ID)
	if err != nil {
		fx.t.Fatal(err)
	}
	s := got.Status
	for _, o := range offers {
		s += fmt.Sprintf(" %s=%s", o.OrgSlug, o.Status)
	}
	return s
}

func TestRequestsAndSearch(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		pub := fx.request(fx.public, "A room for our monthly meeting")
		members := fx.request(fx.closed, "Someone to train us in naloxone")
		fx.request(fx.sec, "Bus fares")
		if pub.NeededBy == nil || pub.NeededBy.Format(support.DateLayout) != "2030-03-01" {
			t.Errorf("needed by %v, want 2030-03-01", pub.NeededBy)
		}
		if pub.Status != support.Open || pub.GroupSlug != fx.public.Slug {
			t.Errorf("new request: %+v", pub)
		}
		// Only the public group's request is searchable; creating notifies nobody.
		want := []string{fmt.Sprintf("%d /groups/noord-peers/support/%d", pub.ID, pub.ID)}
		if diff := cmp.Diff(want, fx.searchRefs()); diff != "" {
			t.Errorf("search documents (-want +got):\n%s", diff)
		}
		if n := fx.notes(); len(n) != 0 {
			t.Errorf("a new request notified %v", n)
		}
		hits, _, err := fx.a.Search.Search(ctx, "monthly room", "en", search.Viewer{}, 10)
		if err != nil || len(hits) != 1 || hits[0].Kind != "support" {
			t.Errorf("search for the request: %v %+v", err, hits)
		}

		// Editing keeps it in step; closing takes it out.
		in := support.Input{Kind: support.Venue, Title: "A room for our fortnightly meeting", Details: "Step-free please."}
		if err := fx.a.Support.Update(ctx, fx.public.ID, pub.ID, in); err != nil {
			t.Fatal(err)
		}
		got, _ := fx.a.Support.Request(ctx, fx.public.ID, pub.ID)
		if got.Title != in.Title || got.NeededBy != nil {
			t.Errorf("after editing: %+v", got)
		}
		if hits, _, _ := fx.a.Search.Search(ctx, "fortnightly", "en", search.Viewer{}, 10); len(hits) != 1 {
			t.Errorf("search after editing found %d", len(hits))
		}
		// A request belongs to its group: another group's id finds nothing.
		if err := fx.a.Support.Update(ctx, fx.closed.ID, pub.ID, in); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("editing through another group: %v", err)
		}
		if err := fx.a.Support.Close(ctx, fx.public.ID, pub.ID, fx.ids["modder"]); err != nil {
			t.Fatal(err)
		}
		if refs := fx.searchRefs(); len(refs) != 0 {
			t.Errorf("after closing, search holds %v", refs)
		}
		if err := fx.a.Support.Update(ctx, fx.public.ID, pub.ID, in); !errors.Is(err, support.ErrNotOpen) {
			t.Errorf("editing a closed request: %v", err)
		}
		if err := fx.a.Support.Close(ctx, fx.public.ID, pub.ID, fx.ids["modder"]); !errors.Is(err, support.ErrNotOpen) {
			t.Errorf("closing twice: %v", err)
		}
		list, err := fx.a.Support.ForGroup(ctx, fx.closed.ID)
		if err != nil || len(list) != 1 || list[0].ID != members.ID {
			t.Errorf("the members-only group's requests: %v %v", err, list)
		}

		// A group that stops being public takes its requests out of search.
		again := fx.request(fx.public, "Flip chart and pens")
		if len(fx.searchRefs()) != 1 {
			t.Fatalf("the new request is not in search")
		}
		err = d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE groups SET visibility = 'secret' WHERE id = ?`, fx.public.ID); err != nil {
				return err
			}
			return support.IndexGroup(ctx, tx, fx.a.Search, fx.public.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		if refs := fx.searchRefs(); len(refs) != 0 {
			t.Errorf("after the group went secret, search holds %v (request %d)", refs, again.ID)
		}
	})
}

func TestOffers(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		r := fx.request(fx.public, "A room for our monthly meeting")

		// Only staff of a verified organisation may offer.
		if _, err := fx.a.Support.MakeOffer(ctx, r.ID, fx.pending.ID, fx.ids["padmin"], "Our hall"); !errors.Is(err, support.ErrNotVerified) {
			t.Errorf("a pending organisation's offer: %v, want ErrNotVerified", err)
		}
		if _, err := fx.a.Support.MakeOffer(ctx, r.ID, fx.harbour.ID, fx.ids["peer"], "Our hall"); !errors.Is(err, support.ErrNotStaff) {
			t.Errorf("an offer by someone not on the staff: %v, want ErrNotStaff", err)
		}
		o := fx.offer(r, fx.harbour, "lena", "Our meeting room, Tuesdays 18:00-20:00")
		if _, err := fx.a.Support.MakeOffer(ctx, r.ID, fx.harbour.ID, fx.ids["hadmin"], "Again"); !errors.Is(err, support.ErrOfferWaiting) {
			t.Errorf("a second waiting offer from one organisation: %v, want ErrOfferWaiting", err)
		}
		url := fmt.Sprintf("/groups/noord-peers/support/%d", r.ID)
		// The group's moderators and admins hear of it, not its members.
		if diff := cmp.Diff([]string{"founder support.offer " + url, "modder support.offer " + url}, sorted(fx.notes())); diff != "" {
			t.Errorf("notifications (-want +got):\n%s", diff)
		}

		// The text is made in the reader's language from the params.
		bundle, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		ns, err := fx.a.Notify.List(ctx, fx.ids["modder"], 5, 0)
		if err != nil || len(ns) != 1 {
			t.Fatalf("the moderator's notifications: %v %v", err, ns)
		}
		if got, want := notify.Text(bundle.Printer(i18n.Languages[0]), ns[0]),
			"Harbour Service offered support for “A room for our monthly meeting” in Noord Peers."; got != want {
			t.Errorf("the offer notification reads %q, want %q", got, want)
		}

		// Withdrawing: only the organisation's staff; then it may offer again.
		if err := fx.a.Support.Withdraw(ctx, r.ID, o.ID, fx.ids["cadmin"]); !errors.Is(err, support.ErrNotStaff) {
			t.Errorf("withdrawing another organisation's offer: %v", err)
		}
		if err := fx.a.Support.Withdraw(ctx, r.ID, o.ID, fx.ids["hadmin"]); err != nil {
			t.Fatal(err)
		}
		if err := fx.a.Support.Withdraw(ctx, r.ID, o.ID, fx.ids["hadmin"]); !errors.Is(err, support.ErrOfferDecided) {
			t.Errorf("withdrawing twice: %v", err)
		}
		o2 := fx.offer(r, fx.harbour, "lena", "Our meeting room, Wednesdays")
		c := fx.offer(r, fx.clinic, "cadmin", "The clinic's waiting room after hours")

		// Declining one offer leaves the request open and tells its organisation.
		before := len(fx.notes())
		if err := fx.a.Support.Decline(ctx, fx.public.ID, r.ID, c.ID, fx.ids["modder"]); err != nil {
			t.Fatal(err)
		}
		if got := fx.statuses(r); got != "open harbour-service=offered harbour-service=withdrawn positive-clinic=declined" {
			t.Errorf("after declining: %s", got)
		}
		if diff := cmp.Diff([]string{"cadmin support.declined " + url}, fx.notes()[before:]); diff != "" {
			t.Errorf("declining told (-want +got):\n%s", diff)
		}
		if err := fx.a.Support.Decline(ctx, fx.public.ID, r.ID, c.ID, fx.ids["modder"]); !errors.Is(err, support.ErrOfferDecided) {
			t.Errorf("declining twice: %v", err)
		}
		c2 := fx.offer(r, fx.clinic, "cadmin", "Two evenings a month")

		// Accepting through another group finds nothing.
		if err := fx.a.Support.Accept(ctx, fx.closed.ID, r.ID, o2.ID, fx.ids["modder"]); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("accepting through another group: %v", err)
		}
		before = len(fx.notes())
		if err := fx.a.Support.Accept(ctx, fx.public.ID, r.ID, o2.ID, fx.ids["modder"]); err != nil {
			t.Fatal(err)
		}
		if got := fx.statuses(r); got != "fulfilled harbour-service=accepted harbour-service=withdrawn positive-clinic=declined positive-clinic=declined" {
			t.Errorf("after accepting: %s", got)
		}
		want := []string{"cadmin support.declined " + url, "hadmin support.accepted " + url, "lena support.accepted " + url}
		if diff := cmp.Diff(want, sorted(fx.notes()[before:])); diff != "" {
			t.Errorf("accepting told (-want +got):\n%s", diff)
		}
		sup, err := fx.a.Groups.Supporters(ctx, fx.public.ID)
		if err != nil || len(sup) != 1 || sup[0].Slug != "harbour-service" || sup[0].What != "Our meeting room, Wednesdays" {
			t.Errorf("supporters: %v %+v", err, sup)
		}
		if refs := fx.searchRefs(); len(refs) != 0 {
			t.Errorf("a fulfilled request is still in search: %v", refs)
		}

		// A second accept is refused and changes nothing.
		before = len(fx.notes())
		if err := fx.a.Support.Accept(ctx, fx.public.ID, r.ID, c2.ID, fx.ids["modder"]); !errors.Is(err, support.ErrAlreadyTaken) {
			t.Errorf("a second accept: %v, want ErrAlreadyTaken", err)
		}
		if _, err := fx.a.Support.MakeOffer(ctx, r.ID, fx.clinic.ID, fx.ids["cadmin"], "Late"); !errors.Is(err, support.ErrNotOpen) {
			t.Errorf("an offer on a fulfilled request: %v", err)
		}
		if len(fx.notes()) != before {
			t.Errorf("the refused accept notified someone")
		}
		sup, _ = fx.a.Groups.Supporters(ctx, fx.public.ID)
		if len(sup) != 1 {
			t.Errorf("after a refused accept the group has %d supporters", len(sup))
		}

		made, err := fx.a.Support.OffersBy(ctx, fx.harbour.ID)
		if err != nil || len(made) != 2 || made[0].Offer.ID != o2.ID || made[0].Request.Title != r.Title {
			t.Errorf("offers by Harbour: %v %+v", err, made)
		}
	})
}

// TestAcceptAllOrNothing makes recording the supporter fail and checks
// that nothing of the accept remains.
func TestAcceptAllOrNothing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		r := fx.request(fx.public, "A room for our monthly meeting")
		o := fx.offer(r, fx.harbour, "lena", "Our meeting room")
		fx.offer(r, fx.clinic, "cadmin", "Our waiting room")
		notes, refs := fx.notes(), fx.searchRefs()

		var stmts []string
		if d.Dialect() == db.Postgres {
			stmts = []string{
				`CREATE FUNCTION refuse_supporter() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END; $$ LANGUAGE plpgsql`,
				`CREATE TRIGGER refuse_supporter BEFORE INSERT ON group_supporters FOR EACH ROW EXECUTE FUNCTION refuse_supporter()`,
			}
		} else {
			stmts = []string{`CREATE TRIGGER refuse_supporter BEFORE INSERT ON group_supporters BEGIN SELECT RAISE(ABORT, 'refused'); END`}
		}
		for _, s := range stmts {
			if _, err := d.Exec(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := fx.a.Support.Accept(ctx, fx.public.ID, r.ID, o.ID, fx.ids["modder"]); err == nil {
			t.Fatal("the accept succeeded although recording the supporter failed")
		}
		if got := fx.statuses(r); got != "open harbour-service=offered positive-clinic=offered" {
			t.Errorf("after a failed accept: %s", got)
		}
		if diff := cmp.Diff(notes, fx.notes()); diff != "" {
			t.Errorf("a failed accept left notifications (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(refs, fx.searchRefs()); diff != "" {
			t.Errorf("a failed accept changed search (-before +after):\n%s", diff)
		}
		if sup, _ := fx.a.Groups.Supporters(ctx, fx.public.ID); len(sup) != 0 {
			t.Errorf("a failed accept left supporters %+v", sup)
		}

		// Once recording works again, the same accept goes through.
		if _, err := d.Exec(ctx, `DROP TRIGGER refuse_supporter`+map[bool]string{true: " ON group_supporters"}[d.Dialect() == db.Postgres]); err != nil {
			t.Fatal(err)
		}
		if err := fx.a.Support.Accept(ctx, fx.public.ID, r.ID, o.ID, fx.ids["modder"]); err != nil {
			t.Fatal(err)
		}
		if got := fx.statuses(r); got != "fulfilled harbour-service=accepted positive-clinic=declined" {
			t.Errorf("after accepting: %s", got)
		}
	})
}

func TestVisibility(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		fx.request(fx.public, "Public ask")
		fx.request(fx.closed, "Members-only ask")
		fx.request(fx.sec, "Secret ask")
		other, err := fx.a.Support.Create(ctx, fx.public.ID, fx.ids["modder"], support.Input{Kind: support.Money, Title: "Money for bus fares"})
		if err != nil {
			t.Fatal(err)
		}
		closedOne := fx.request(fx.public, "Closed ask")
		if err := fx.a.Support.Close(ctx, fx.public.ID, closedOne.ID, fx.ids["modder"]); err != nil {
			t.Fatal(err)
		}

		titles := func(v support.Viewer, f support.Filter) []string {
			t.Helper()
			l, err := fx.a.Support.List(ctx, v, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range l.Requests {
				out = append(out, r.Title)
			}
			return sorted(out)
		}
		for _, tc := range []struct {
			who  string
			v    support.Viewer
			want []string
		}{
			{"anonymous", support.Viewer{}, []string{"Money for bus fares", "Public ask"}},
			{"a member of no group", support.Viewer{MemberID: fx.ids["outsider"]}, []string{"Money for bus fares", "Public ask"}},
			{"staff of a pending organisation", support.Viewer{MemberID: fx.ids["padmin"]}, []string{"Money for bus fares", "Public ask"}},
			{"staff of a verified organisation", support.Viewer{MemberID: fx.ids["lena"], VerifiedStaff: true},
				[]string{"Members-only ask", "Money for bus fares", "Public ask"}},
			{"a member of every group", support.Viewer{MemberID: fx.ids["peer"]},
				[]string{"Members-only ask", "Money for bus fares", "Public ask", "Secret ask"}},
		} {
			if diff := cmp.Diff(tc.want, titles(tc.v, support.Filter{})); diff != "" {
				t.Errorf("%s sees (-want +got):\n%s", tc.who, diff)
			}
		}
		// Filters and counts.
		if diff := cmp.Diff([]string{"Money for bus fares"}, titles(support.Viewer{}, support.Filter{Kind: support.Money})); diff != "" {
			t.Errorf("money requests (-want +got):\n%s", diff)
		}
		if got := titles(support.Viewer{}, support.Filter{Region: "amsterdam"}); len(got) != 2 {
			t.Errorf("requests in Amsterdam: %v", got)
		}
		if got := titles(support.Viewer{}, support.Filter{Region: "Riga"}); len(got) != 0 {
			t.Errorf("requests in Riga: %v", got)
		}
		l, _ := fx.a.Support.List(ctx, support.Viewer{}, support.Filter{Kind: support.Venue})
		counts := map[string]int{}
		for _, f := range l.Kinds {
			counts[f.Value] = f.Count
		}
		if l.Total != 2 || counts[support.Venue] != 1 || counts[support.Money] != 1 || len(l.Regions) != 1 || l.Regions[0].Count != 1 {
			t.Errorf("listing: total %d, kinds %v, regions %v", l.Total, counts, l.Regions)
		}
		_ = other

		// The rule for one group's page, by role.
		for _, tc := range []struct {
			who      string
			g        *groups.Group
			viewer   groups.Viewer
			staff    bool
			see, all bool
		}{
			{"anonymous, public", fx.public, groups.Viewer{}, false, true, false},
			{"anonymous, members-only", fx.closed, groups.Viewer{}, false, false, false},
			{"verified staff, members-only", fx.closed, groups.Viewer{MemberID: fx.ids["lena"]}, true, true, false},
			{"verified staff, secret", fx.sec, groups.Viewer{MemberID: fx.ids["lena"]}, true, false, false},
			{"member, secret", fx.sec, groups.Viewer{MemberID: fx.ids["peer"]}, false, true, true},
			{"outsider, members-only", fx.closed, groups.Viewer{MemberID: fx.ids["outsider"]}, false, false, false},
			{"site moderator, secret", fx.sec, groups.Viewer{MemberID: fx.ids["root"], SiteModerator: true}, false, true, true},
		} {
			a, err := fx.a.Groups.Access(ctx, tc.g, tc.viewer)
			if err != nil {
				t.Fatal(err)
			}
			if got := support.CanSeeRequests(a, tc.staff); got != tc.see {
				t.Errorf("%s: CanSeeRequests %v, want %v", tc.who, got, tc.see)
			}
			if got := support.CanSeeAllOffers(a); got != tc.all {
				t.Errorf("%s: CanSeeAllOffers %v, want %v", tc.who, got, tc.all)
			}
		}
	})
}

func TestMemberData(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		r := fx.request(fx.public, "A room for our monthly meeting")
		o := fx.offer(r, fx.harbour, "lena", "Our meeting room")
		if err := fx.a.Support.Accept(ctx, fx.public.ID, r.ID, o.ID, fx.ids["modder"]); err != nil {
			t.Fatal(err)
		}
		part := support.DataPart{Store: fx.a.Support}
		export := func(h string) string {
			v, err := part.Export(ctx, d, fx.ids[h])
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(v)
			return string(b)
		}
		if got := export("modder"); !strings.Contains(got, `"title":"A room for our monthly meeting"`) || !strings.Contains(got, `"decision":"accepted"`) {
			t.Errorf("the moderator's export: %s", got)
		}
		if got := export("lena"); !strings.Contains(got, `"what":"Our meeting room"`) || !strings.Contains(got, `"organisation":"Harbour Service"`) {
			t.Errorf("the staff member's export: %s", got)
		}
		if got := export("outsider"); got != `{"requests":[],"offers":[],"decisions":[]}` {
			t.Errorf("an outsider's export: %s", got)
		}

		// Deleting both accounts keeps the request, the offer and the
		// supporter, without the links.
		for _, h := range []string{"modder", "lena"} {
			if err := fx.a.MemberData.Erase(ctx, fx.ids[h], memberdata.Remove); err != nil {
				t.Fatalf("erase %s: %v", h, err)
			}
		}
		var links int
		if err := d.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM support_requests WHERE created_by IS NOT NULL)
			+ (SELECT COUNT(*) FROM support_offers WHERE offered_by IS NOT NULL OR decided_by IS NOT NULL)`).Scan(&links); err != nil {
			t.Fatal(err)
		}
		if links != 0 {
			t.Errorf("%d links to deleted members remain", links)
		}
		if got := fx.statuses(r); got != "fulfilled harbour-service=accepted" {
			t.Errorf("after deleting the accounts: %s", got)
		}
		offers, _ := fx.a.Support.Offers(ctx, r.ID)
		if offers[0].What != "Our meeting room" {
			t.Errorf("the offer's text went: %+v", offers[0])
		}
	})
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
