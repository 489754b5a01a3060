package groups_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/guide"
	"involve/internal/memberdata"
	"involve/internal/organisations"
	"involve/internal/search"
	"involve/internal/testutil"
)

// fixture is a groups store on a fresh database, with members by handle.
type fixture struct {
	t   *testing.T
	ctx context.Context
	d   *db.DB
	acc *accounts.Store
	ix  *search.Index
	s   *groups.Store
	ids map[string]int64
}

func newFixture(t *testing.T, d *db.DB, handles ...string) *fixture {
	t.Helper()
	fx := &fixture{t: t, ctx: context.Background(), d: d, acc: accounts.NewStore(d), ix: search.New(d), ids: map[string]int64{}}
	fx.s = groups.NewStore(d, fx.ix)
	for _, h := range handles {
		fx.member(h)
	}
	return fx
}

func (fx *fixture) member(handle string) int64 {
	fx.t.Helper()
	m, _, err := fx.acc.Create(fx.ctx, handle, "correct horse battery")
	if err != nil {
		fx.t.Fatal(err)
	}
	fx.ids[handle] = m.ID
	return m.ID
}

// group starts a group with founder as its admin.
func (fx *fixture) group(founder, name, visibility, joining string) *groups.Group {
	fx.t.Helper()
	g, err := fx.s.Create(fx.ctx, fx.ids[founder], groups.Input{Name: name, Kind: groups.SelfOrganisation, Visibility: visibility,
		Joining: joining, About: "About " + name, Region: "Amsterdam", Topics: "harm reduction", Languages: "nl, en"}, nil)
	if err != nil {
		fx.t.Fatal(err)
	}
	return g
}

// add puts a member into a group with a role, however the group is joined.
func (fx *fixture) add(g *groups.Group, handle, role string) {
	fx.t.Helper()
	token, err := fx.s.CreateInvitation(fx.ctx, g.ID, fx.ids[handle], "")
	if err != nil {
		fx.t.Fatal(err)
	}
	if _, err := fx.s.AcceptInvitation(fx.ctx, token, fx.ids[handle]); err != nil {
		fx.t.Fatal(err)
	}
	if role != groups.Member {
		if err := fx.s.SetRole(fx.ctx, g.ID, fx.ids[handle], role); err != nil {
			fx.t.Fatal(err)
		}
	}
}

func (fx *fixture) role(g *groups.Group, handle string) string {
	fx.t.Helper()
	r, err := fx.s.Role(fx.ctx, g.ID, fx.ids[handle])
	if err != nil {
		fx.t.Fatal(err)
	}
	return r
}

func (fx *fixture) reload(g *groups.Group) *groups.Group {
	fx.t.Helper()
	g, err := fx.s.ByID(fx.ctx, g.ID)
	if err != nil {
		fx.t.Fatal(err)
	}
	return g
}

func TestInputCheck(t *testing.T) {
	ok := groups.Input{Name: "Peers Noord", Kind: groups.UsersUnion, Visibility: groups.Public, Joining: groups.Request, Languages: "nl, en"}
	if errs := ok.Check(); len(errs) != 0 {
		t.Fatalf("valid input: %v", errs)
	}
	for _, tc := range []struct {
		name string
		in   groups.Input
		want map[string]string
	}{
		{"nothing", groups.Input{}, map[string]string{"name": "groups.name.required", "kind": "groups.kind.required",
			"visibility": "groups.visibility.required", "joining": "groups.joining.required"}},
		{"short name, unknown kind", groups.Input{Name: "ab", Kind: "club", Visibility: groups.Public, Joining: groups.Open},
			map[string]string{"name": "groups.name.length", "kind": "groups.kind.required"}},
		{"no letters", groups.Input{Name: "!!!!", Kind: groups.Collaboration, Visibility: groups.Public, Joining: groups.Open},
			map[string]string{"name": "org.name.letters"}},
		{"a secret group anyone could join", groups.Input{Name: "Quiet", Kind: groups.DiscussionGroup, Visibility: groups.Secret, Joining: groups.Open},
			map[string]string{"joining": "groups.joining.secret"}},
		{"a secret group to ask to join", groups.Input{Name: "Quiet", Kind: groups.DiscussionGroup, Visibility: groups.Secret, Joining: groups.Request},
			map[string]string{"joining": "groups.joining.secret"}},
		{"languages by name", groups.Input{Name: "Quiet", Kind: groups.DiscussionGroup, Visibility: groups.Public, Joining: groups.Open, Languages: "Dutch"},
			map[string]string{"languages": "directory.language.invalid"}},
		{"too long", groups.Input{Name: "Quiet", Kind: groups.DiscussionGroup, Visibility: groups.Public, Joining: groups.Open,
			About: strings.Repeat("a", groups.AboutMax+1), Region: strings.Repeat("r", groups.RegionMax+1), Topics: strings.Repeat("t", groups.ListMax+1)},
			map[string]string{"about": "field.too_long", "region": "field.too_long", "topics": "field.too_long"}},
	} {
		if diff := cmp.Diff(tc.want, tc.in.Check()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestAccess checks who may see a group, its content, and moderate it.
func TestAccess(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, "admin", "mod", "mem", "outsider", "asker")
		type want struct{ see, content, moderate, admin, member bool }
		viewers := []struct {
			name string
			v    groups.Viewer
		}{
			{"anonymous", groups.Viewer{}},
			{"outsider", groups.Viewer{MemberID: fx.ids["outsider"]}},
			{"member", groups.Viewer{MemberID: fx.ids["mem"]}},
			{"moderator", groups.Viewer{MemberID: fx.ids["mod"]}},
			{"admin", groups.Viewer{MemberID: fx.ids["admin"]}},
			{"site moderator", groups.Viewer{MemberID: fx.ids["outsider"], SiteModerator: true}},
		}
		cases := map[string][]want{
			groups.Public: {
				{true, true, false, false, false}, {true, true, false, false, false}, {true, true, false, false, true},
				{true, true, true, false, true}, {true, true, true, true, true}, {true, true, true, false, false}},
			groups.MembersOnly: {
				{true, false, false, false, false}, {true, false, false, false, false}, {true, true, false, false, true},
				{true, true, true, false, true}, {true, true, true, true, true}, {true, true, true, false, false}},
			groups.Secret: {
				{false, false, false, false, false}, {false, false, false, false, false}, {true, true, false, false, true},
				{true, true, true, false, true}, {true, true, true, true, true}, {true, true, true, false, false}},
		}
		for _, vis := range groups.Visibilities {
			joining := groups.Request
			if vis == groups.Secret {
				joining = groups.Invitation
			}
			g := fx.group("admin", "Group "+vis, vis, joining)
			fx.add(g, "mod", groups.Moderator)
			fx.add(g, "mem", groups.Member)
			for i, vw := range viewers {
				a, err := fx.s.Access(fx.ctx, g, vw.v)
				if err != nil {
					t.Fatal(err)
				}
				got := want{a.CanSee(), a.CanSeeContent(), a.CanModerate(), a.IsAdmin(), a.IsMember()}
				if got != cases[vis][i] {
					t.Errorf("%s group, %s: got %+v, want %+v", vis, vw.name, got, cases[vis][i])
				}
			}
		}
		// A hidden group exists only for its members and site moderators.
		g := fx.group("admin", "Hidden Group", groups.Public, groups.Request)
		fx.add(g, "mem", groups.Member)
		if err := fx.s.Hide(fx.ctx, d, g.ID, "spam"); err != nil {
			t.Fatal(err)
		}
		g = fx.reload(g)
		if g.HiddenAt == nil || g.HiddenReason != "spam" {
			t.Fatalf("hidden: %+v", g)
		}
		for _, tc := range []struct {
			v         groups.Viewer
			see, cont bool
		}{
			{groups.Viewer{}, false, false},
			{groups.Viewer{MemberID: fx.ids["outsider"]}, false, false},
			{groups.Viewer{MemberID: fx.ids["mem"]}, true, true},
			{groups.Viewer{MemberID: fx.ids["outsider"], SiteModerator: true}, true, true},
		} {
			a, _ := fx.s.Access(fx.ctx, g, tc.v)
			if a.CanSee() != tc.see || a.CanSeeContent() != tc.cont {
				t.Errorf("hidden group for %+v: see %v content %v", tc.v, a.CanSee(), a.CanSeeContent())
			}
		}
		// Someone who asked to join is pending, not a member.
		rg := fx.group("admin", "Ask First", groups.MembersOnly, groups.Request)
		if _, err := fx.s.RequestJoin(fx.ctx, rg, fx.ids["asker"], "I run the Tuesday drop-in"); err != nil {
			t.Fatal(err)
		}
		a, _ := fx.s.Access(fx.ctx, rg, groups.Viewer{MemberID: fx.ids["asker"]})
		if !a.Pending || a.IsMember() || a.CanSeeContent() {
			t.Errorf("asker: %+v", a)
		}
	})
}

func TestJoining(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, "founder", "ana", "ben", "cas", "mod")
		open := fx.group("founder", "Open Door", groups.Public, groups.Open)
		ask := fx.group("founder", "Ask Us", groups.MembersOnly, groups.Request)
		secret := fx.group("founder", "Quiet Room", groups.Secret, groups.Invitation)
		fx.add(ask, "mod", groups.Moderator)

		// Open: join at once; twice is refused.
		if err := fx.s.Join(fx.ctx, open, fx.ids["ana"]); err != nil {
			t.Fatal(err)
		}
		if fx.role(open, "ana") != groups.Member {
			t.Errorf("ana did not join the open group")
		}
		if err := fx.s.Join(fx.ctx, open, fx.ids["ana"]); !errors.Is(err, groups.ErrAlreadyMember) {
			t.Errorf("joining twice: %v", err)
		}
		if _, err := fx.s.RequestJoin(fx.ctx, open, fx.ids["ben"], "hi"); !errors.Is(err, groups.ErrNotJoinable) {
			t.Errorf("asking to join an open group: %v", err)
		}
		// By request and by invitation, joining outright is refused.
		for _, g := range []*groups.Group{ask, secret} {
			if err := fx.s.Join(fx.ctx, g, fx.ids["ana"]); !errors.Is(err, groups.ErrNotJoinable) {
				t.Errorf("joining %s outright: %v", g.Name, err)
			}
		}
		if _, err := fx.s.RequestJoin(fx.ctx, secret, fx.ids["ana"], "hi"); !errors.Is(err, groups.ErrNotJoinable) {
			t.Errorf("asking to join a secret group: %v", err)
		}

		// Requests: one waiting at a time, none from members.
		r1, err := fx.s.RequestJoin(fx.ctx, ask, fx.ids["ana"], "  I want to help with the survey.  ")
		if err != nil {
			t.Fatal(err)
		}
		if r1.Why != "I want to help with the survey." || r1.Handle != "ana" || r1.Decision != "" {
			t.Errorf("request: %+v", r1)
		}
		if _, err := fx.s.RequestJoin(fx.ctx, ask, fx.ids["ana"], "again"); !errors.Is(err, groups.ErrRequestOpen) {
			t.Errorf("second request: %v", err)
		}
		if _, err := fx.s.RequestJoin(fx.ctx, ask, fx.ids["mod"], "me"); !errors.Is(err, groups.ErrAlreadyMember) {
			t.Errorf("request from a member: %v", err)
		}
		r2, _ := fx.s.RequestJoin(fx.ctx, ask, fx.ids["ben"], "I live nearby")
		pending, err := fx.s.PendingRequests(fx.ctx, ask.ID)
		if err != nil || len(pending) != 2 || pending[0].Handle != "ana" || pending[1].Handle != "ben" {
			t.Fatalf("pending: %v %+v", err, pending)
		}
		dec, err := fx.s.Decide(fx.ctx, ask.ID, r1.ID, fx.ids["mod"], true)
		if err != nil || dec.Decision != "accepted" || dec.MemberID != fx.ids["ana"] {
			t.Fatalf("accept: %v %+v", err, dec)
		}
		if fx.role(ask, "ana") != groups.Member {
			t.Errorf("accepted, but ana is not a member")
		}
		if _, err := fx.s.Decide(fx.ctx, ask.ID, r1.ID, fx.ids["mod"], false); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("deciding twice: %v", err)
		}
		if _, err := fx.s.Decide(fx.ctx, open.ID, r2.ID, fx.ids["founder"], true); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("deciding another group's request: %v", err)
		}
		if dec, err := fx.s.Decide(fx.ctx, ask.ID, r2.ID, fx.ids["mod"], false); err != nil || dec.Decision != "declined" {
			t.Fatalf("decline: %v %+v", err, dec)
		}
		if fx.role(ask, "ben") != "" {
			t.Errorf("declined, but ben is a member")
		}
		// Declined, ben may ask again later.
		if _, err := fx.s.RequestJoin(fx.ctx, ask, fx.ids["ben"], "Please reconsider"); err != nil {
			t.Errorf("asking again after a decline: %v", err)
		}
		if pending, _ := fx.s.PendingRequests(fx.ctx, ask.ID); len(pending) != 1 {
			t.Errorf("pending after decisions: %+v", pending)
		}

		// Leaving.
		if err := fx.s.Remove(fx.ctx, open.ID, fx.ids["ana"]); err != nil {
			t.Fatal(err)
		}
		if fx.role(open, "ana") != "" {
			t.Errorf("ana did not leave")
		}
		if err := fx.s.Remove(fx.ctx, open.ID, fx.ids["ana"]); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("leaving twice: %v", err)
		}
		mine, err := fx.s.OfMember(fx.ctx, fx.ids["ana"])
		if err != nil || len(mine) != 1 || mine[0].Group.Slug != "ask-us" || mine[0].Role != groups.Member {
			t.Errorf("ana's groups: %v %+v", err, mine)
		}
		if n := fx.reload(ask).Members; n != 3 {
			t.Errorf("Ask Us has %d members, want 3", n)
		}
		ids, _ := fx.s.MemberIDs(fx.ctx, ask.ID, groups.Moderator, groups.Admin)
		if !cmp.Equal(ids, []int64{fx.ids["founder"], fx.ids["mod"]}) && !cmp.Equal(ids, []int64{fx.ids["mod"], fx.ids["founder"]}) {
			t.Errorf("moderators and admins: %v", ids)
		}
	})
}

func TestInvitations(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, "founder", "ana", "ben", "cas", "dee")
		g := fx.group("founder", "Quiet Room", groups.Secret, groups.Invitation)
		other := fx.group("founder", "Other Room", groups.Secret, groups.Invitation)

		// Single-use: the link shows the group, works once, then never again.
		token, err := fx.s.CreateInvitation(fx.ctx, g.ID, fx.ids["founder"], "For Ana, from the Tuesday meeting")
		if err != nil {
			t.Fatal(err)
		}
		if len(token) < 30 {
			t.Errorf("token %q is short", token)
		}
		if got, err := fx.s.InvitationGroup(fx.ctx, token); err != nil || got.ID != g.ID {
			t.Fatalf("invitation group: %v %+v", err, got)
		}
		if got, err := fx.s.AcceptInvitation(fx.ctx, token, fx.ids["ana"]); err != nil || got.ID != g.ID {
			t.Fatalf("accept: %v", err)
		}
		if fx.role(g, "ana") != groups.Member {
			t.Errorf("ana is not a member after accepting")
		}
		if _, err := fx.s.AcceptInvitation(fx.ctx, token, fx.ids["ben"]); !errors.Is(err, groups.ErrBadInvitation) {
			t.Errorf("second use: %v", err)
		}
		if _, err := fx.s.InvitationGroup(fx.ctx, token); !errors.Is(err, groups.ErrBadInvitation) {
			t.Errorf("a used invitation still shows its group: %v", err)
		}
		if _, err := fx.s.AcceptInvitation(fx.ctx, "nonsense", fx.ids["ben"]); !errors.Is(err, groups.ErrBadInvitation) {
			t.Errorf("unknown token: %v", err)
		}
		// Withdrawn: no longer works; a used one cannot be withdrawn.
		t2, _ := fx.s.CreateInvitation(fx.ctx, g.ID, fx.ids["founder"], "")
		list, err := fx.s.Invitations(fx.ctx, g.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("invitations: %v %+v", err, list)
		}
		if err := fx.s.RevokeInvitation(fx.ctx, other.ID, list[0].ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("withdrawing through another group: %v", err)
		}
		if err := fx.s.RevokeInvitation(fx.ctx, g.ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := fx.s.RevokeInvitation(fx.ctx, g.ID, list[1].ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("withdrawing a used invitation: %v", err)
		}
		if _, err := fx.s.AcceptInvitation(fx.ctx, t2, fx.ids["ben"]); !errors.Is(err, groups.ErrBadInvitation) {
			t.Errorf("a withdrawn invitation worked: %v", err)
		}
		list, _ = fx.s.Invitations(fx.ctx, g.ID)
		if list[0].RevokedAt == nil || list[0].UsedAt != nil || list[1].UsedBy != "ana" || list[1].Note != "For Ana, from the Tuesday meeting" {
			t.Errorf("statuses: %+v", list)
		}

		// The shared link: off at first, works for many, a reset ends the old one.
		if on, _ := fx.s.HasInviteLink(fx.ctx, g.ID); on {
			t.Errorf("a new group has a shared link")
		}
		link1, err := fx.s.ResetInviteLink(fx.ctx, g.ID, false)
		if err != nil || link1 == "" {
			t.Fatal(err)
		}
		if on, _ := fx.s.HasInviteLink(fx.ctx, g.ID); !on {
			t.Errorf("the shared link is not on")
		}
		for _, h := range []string{"ben", "cas"} {
			if _, err := fx.s.AcceptInvitation(fx.ctx, link1, fx.ids[h]); err != nil {
				t.Errorf("%s with the shared link: %v", h, err)
			}
		}
		if _, err := fx.s.AcceptInvitation(fx.ctx, link1, fx.ids["ben"]); !errors.Is(err, groups.ErrAlreadyMember) {
			t.Errorf("a member using the link again: %v", err)
		}
		link2, _ := fx.s.ResetInviteLink(fx.ctx, g.ID, false)
		if link2 == link1 {
			t.Fatal("reset gave the same link")
		}
		if _, err := fx.s.AcceptInvitation(fx.ctx, link1, fx.ids["dee"]); !errors.Is(err, groups.ErrBadInvitation) {
			t.Errorf("the old link after a reset: %v", err)
		}
		if got, err := fx.s.InvitationGroup(fx.ctx, link2); err != nil || got.ID != g.ID {
			t.Errorf("the new link: %v", err)
		}
		if _, err := fx.s.ResetInviteLink(fx.ctx, g.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.s.AcceptInvitation(fx.ctx, link2, fx.ids["dee"]); !errors.Is(err, groups.ErrBadInvitation) {
			t.Errorf("the link after switching it off: %v", err)
		}
		if _, err := fx.s.InvitationGroup(fx.ctx, ""); !errors.Is(err, groups.ErrBadInvitation) {
			t.Errorf("an empty token finds a group with the link off: %v", err)
		}
		if on, _ := fx.s.HasInviteLink(fx.ctx, g.ID); on {
			t.Errorf("the shared link is still on")
		}
	})
}

func TestRoles(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, "founder", "ana", "ben", "solo")
		g := fx.group("founder", "Peers Together", groups.Public, groups.Open)
		fx.add(g, "ana", groups.Member)
		fx.add(g, "ben", groups.Moderator)

		// The last admin cannot step down or leave while others stay.
		if err := fx.s.SetRole(fx.ctx, g.ID, fx.ids["founder"], groups.Member); !errors.Is(err, groups.ErrLastAdmin) {
			t.Errorf("last admin steps down: %v", err)
		}
		if err := fx.s.Remove(fx.ctx, g.ID, fx.ids["founder"]); !errors.Is(err, groups.ErrLastAdmin) {
			t.Errorf("last admin leaves: %v", err)
		}
		if err := fx.s.SetRole(fx.ctx, g.ID, fx.ids["ana"], "boss"); err == nil {
			t.Errorf("a made-up role was accepted")
		}
		if err := fx.s.SetRole(fx.ctx, g.ID, fx.ids["solo"], groups.Moderator); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("role for a non-member: %v", err)
		}
		// Transfer: ana becomes admin, the founder a member, in one step.
		if err := fx.s.TransferAdmin(fx.ctx, g.ID, fx.ids["ben"], fx.ids["ana"]); err == nil {
			t.Errorf("a moderator handed over an admin role they do not have")
		}
		if err := fx.s.TransferAdmin(fx.ctx, g.ID, fx.ids["founder"], fx.ids["solo"]); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("transfer to a non-member: %v", err)
		}
		if err := fx.s.TransferAdmin(fx.ctx, g.ID, fx.ids["founder"], fx.ids["ana"]); err != nil {
			t.Fatal(err)
		}
		if fx.role(g, "ana") != groups.Admin || fx.role(g, "founder") != groups.Member {
			t.Errorf("after transfer: ana %s, founder %s", fx.role(g, "ana"), fx.role(g, "founder"))
		}
		members, _ := fx.s.Members(fx.ctx, g.ID)
		var order []string
		for _, m := range members {
			order = append(order, m.Handle+":"+m.Role)
		}
		if want := []string{"ana:admin", "ben:moderator", "founder:member"}; !cmp.Equal(order, want) {
			t.Errorf("members %v, want %v", order, want)
		}
		// With two admins, one may step down.
		if err := fx.s.SetRole(fx.ctx, g.ID, fx.ids["ben"], groups.Admin); err != nil {
			t.Fatal(err)
		}
		if err := fx.s.SetRole(fx.ctx, g.ID, fx.ids["ana"], groups.Moderator); err != nil {
			t.Errorf("stepping down beside another admin: %v", err)
		}
		// A group's only member may leave it.
		sg := fx.group("solo", "Solo Group", groups.Public, groups.Open)
		if err := fx.s.Remove(fx.ctx, sg.ID, fx.ids["solo"]); err != nil {
			t.Errorf("the only member leaving: %v", err)
		}
	})
}

func TestDirectory(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, "founder", "insider", "outsider")
		mk := func(name, kind, vis, joining, region, topics, languages string) *groups.Group {
			g, err := fx.s.Create(fx.ctx, fx.ids["founder"], groups.Input{Name: name, Kind: kind, Visibility: vis, Joining: joining,
				Region: region, Topics: topics, Languages: languages}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		mk("Amsterdam Peers", groups.SelfOrganisation, groups.Public, groups.Open, "Amsterdam", "harm reduction, housing", "nl, en")
		mk("Riga Positive", groups.DiscussionGroup, groups.MembersOnly, groups.Request, "Riga", "HIV, Harm Reduction", "ru, lv")
		sec := mk("Quiet Room", groups.SelfOrganisation, groups.Secret, groups.Invitation, "Amsterdam", "harm reduction", "nl")
		hid := mk("Hidden Union", groups.UsersUnion, groups.Public, groups.Open, "Amsterdam", "harm reduction", "nl")
		fx.add(sec, "insider", groups.Member)
		if err := fx.s.Hide(fx.ctx, d, hid.ID, "spam"); err != nil {
			t.Fatal(err)
		}
		names := func(dir *groups.Directory) []string {
			var out []string
			for _, g := range dir.Groups {
				out = append(out, g.Name)
			}
			return out
		}
		for _, tc := range []struct {
			who     string
			v       groups.Viewer
			f       groups.Filter
			want    []string
			total   int
			kinds   map[string]int
			regions []groups.Facet
			topics  []groups.Facet
			langs   []groups.Facet
		}{
			{who: "anonymous", want: []string{"Amsterdam Peers", "Riga Positive"}, total: 2,
				kinds:   map[string]int{groups.SelfOrganisation: 1, groups.DiscussionGroup: 1},
				regions: []groups.Facet{{Value: "Amsterdam", Count: 1}, {Value: "Riga", Count: 1}},
				topics:  []groups.Facet{{Value: "Harm Reduction", Count: 2}, {Value: "HIV", Count: 1}, {Value: "housing", Count: 1}},
				langs:   []groups.Facet{{Value: "en", Count: 1}, {Value: "lv", Count: 1}, {Value: "nl", Count: 1}, {Value: "ru", Count: 1}}},
			{who: "outsider", v: groups.Viewer{MemberID: fx.ids["outsider"]}, want: []string{"Amsterdam Peers", "Riga Positive"}, total: 2,
				kinds:   map[string]int{groups.SelfOrganisation: 1, groups.DiscussionGroup: 1},
				regions: []groups.Facet{{Value: "Amsterdam", Count: 1}, {Value: "Riga", Count: 1}},
				topics:  []groups.Facet{{Value: "Harm Reduction", Count: 2}, {Value: "HIV", Count: 1}, {Value: "housing", Count: 1}},
				langs:   []groups.Facet{{Value: "en", Count: 1}, {Value: "lv", Count: 1}, {Value: "nl", Count: 1}, {Value: "ru", Count: 1}}},
			// A member of the secret group sees it, and it counts for them.
			{who: "insider", v: groups.Viewer{MemberID: fx.ids["insider"]}, want: []string{"Amsterdam Peers", "Quiet Room", "Riga Positive"}, total: 3,
				kinds:   map[string]int{groups.SelfOrganisation: 2, groups.DiscussionGroup: 1},
				regions: []groups.Facet{{Value: "Amsterdam", Count: 2}, {Value: "Riga", Count: 1}},
				topics:  []groups.Facet{{Value: "Harm Reduction", Count: 3}, {Value: "HIV", Count: 1}, {Value: "housing", Count: 1}},
				langs:   []groups.Facet{{Value: "nl", Count: 2}, {Value: "en", Count: 1}, {Value: "lv", Count: 1}, {Value: "ru", Count: 1}}},
			// Filters narrow the list and the other facets, not their own.
			{who: "insider, Amsterdam", v: groups.Viewer{MemberID: fx.ids["insider"]}, f: groups.Filter{Region: "amsterdam"},
				want: []string{"Amsterdam Peers", "Quiet Room"}, total: 3,
				kinds:   map[string]int{groups.SelfOrganisation: 2},
				regions: []groups.Facet{{Value: "Amsterdam", Count: 2}, {Value: "Riga", Count: 1}},
				topics:  []groups.Facet{{Value: "harm reduction", Count: 2}, {Value: "housing", Count: 1}},
				langs:   []groups.Facet{{Value: "nl", Count: 2}, {Value: "en", Count: 1}}},
			{who: "anonymous, topic and kind", f: groups.Filter{Topic: "HARM reduction", Kind: groups.DiscussionGroup},
				want: []string{"Riga Positive"}, total: 2,
				kinds:   map[string]int{groups.SelfOrganisation: 1, groups.DiscussionGroup: 1},
				regions: []groups.Facet{{Value: "Riga", Count: 1}},
				topics:  []groups.Facet{{Value: "HIV", Count: 1}, {Value: "Harm Reduction", Count: 1}},
				langs:   []groups.Facet{{Value: "lv", Count: 1}, {Value: "ru", Count: 1}}},
			{who: "anonymous, language", f: groups.Filter{Language: "ru"}, want: []string{"Riga Positive"}, total: 2,
				kinds:   map[string]int{groups.DiscussionGroup: 1},
				regions: []groups.Facet{{Value: "Riga", Count: 1}},
				topics:  []groups.Facet{{Value: "HIV", Count: 1}, {Value: "Harm Reduction", Count: 1}},
				langs:   []groups.Facet{{Value: "en", Count: 1}, {Value: "lv", Count: 1}, {Value: "nl", Count: 1}, {Value: "ru", Count: 1}}},
		} {
			dir, err := fx.s.List(fx.ctx, tc.v, tc.f, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, names(dir)); diff != "" {
				t.Errorf("%s: groups (-want +got):\n%s", tc.who, diff)
			}
			if dir.Total != tc.total {
				t.Errorf("%s: total %d, want %d", tc.who, dir.Total, tc.total)
			}
			kinds := map[string]int{}
			for _, f := range dir.Kinds {
				if f.Count > 0 {
					kinds[f.Value] = f.Count
				}
			}
			if len(dir.Kinds) != len(groups.Kinds) {
				t.Errorf("%s: %d kinds, want every kind", tc.who, len(dir.Kinds))
			}
			for _, fc := range []struct {
				name      string
				want, got any
			}{{"kinds", tc.kinds, kinds}, {"regions", tc.regions, dir.Regions}, {"topics", tc.topics, dir.Topics}, {"languages", tc.langs, dir.Languages}} {
				if diff := cmp.Diff(fc.want, fc.got); diff != "" {
					t.Errorf("%s: %s (-want +got):\n%s", tc.who, fc.name, diff)
				}
			}
		}
	})
}

// TestDirectoryKept checks the directory's kept list of the groups anyone
// may see: every change to what it counts shows on the next view, on this
// node and on another reading the same database (a second store), however
// the change was written; and a member of a group only members see still
// finds it listed.
func TestDirectoryKept(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, "founder", "insider")
		other := groups.NewStore(d, fx.ix) // another node
		listed := func(s *groups.Store, v groups.Viewer) string {
			t.Helper()
			dir, err := s.List(fx.ctx, v, groups.Filter{}, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, g := range dir.Groups {
				names = append(names, g.Name)
			}
			var regions []string
			for _, r := range dir.Regions {
				regions = append(regions, fmt.Sprintf("%s:%d", r.Value, r.Count))
			}
			return fmt.Sprintf("%s | %s | %d", strings.Join(names, ", "), strings.Join(regions, ", "), dir.Total)
		}
		a := fx.group("founder", "Amsterdam Peers", groups.Public, groups.Open)
		b := fx.group("founder", "Berlin Peers", groups.Public, groups.Open)
		anyone, insider := groups.Viewer{}, groups.Viewer{MemberID: fx.ids["insider"]}
		fx.add(b, "insider", groups.Member)
		step := func(what, want string) {
			t.Helper()
			for i, s := range []*groups.Store{fx.s, other, fx.s} {
				if got := listed(s, anyone); got != want {
					t.Errorf("%s, store %d: %q, want %q", what, i, got, want)
				}
			}
		}
		step("two public groups", "Amsterdam Peers, Berlin Peers | Amsterdam:2 | 2")
		in := groups.Input{Name: "Berlin Peers", Kind: groups.SelfOrganisation, Visibility: groups.Public, Joining: groups.Open,
			Region: "Berlin", Topics: "harm reduction", Languages: "de"}
		if err := fx.s.Update(fx.ctx, b.ID, in); err != nil {
			t.Fatal(err)
		}
		step("moved to Berlin", "Amsterdam Peers, Berlin Peers | Amsterdam:1, Berlin:1 | 2")
		in.Visibility = groups.Secret
		if err := other.Update(fx.ctx, b.ID, in); err != nil {
			t.Fatal(err)
		}
		step("made secret on the other node", "Amsterdam Peers | Amsterdam:1 | 1")
		if got, want := listed(fx.s, insider), "Amsterdam Peers, Berlin Peers | Amsterdam:1, Berlin:1 | 2"; got != want {
			t.Errorf("its member: %q, want %q", got, want)
		}
		if err := fx.s.Hide(fx.ctx, d, a.ID, "spam"); err != nil {
			t.Fatal(err)
		}
		step("hidden", " |  | 0")
		if err := fx.s.Restore(fx.ctx, d, a.ID); err != nil {
			t.Fatal(err)
		}
		step("restored", "Amsterdam Peers | Amsterdam:1 | 1")
		fx.group("founder", "Cork Peers", groups.Public, groups.Open)
		step("a new group", "Amsterdam Peers, Cork Peers | Amsterdam:2 | 2")
		if _, err := d.Exec(fx.ctx, `UPDATE groups SET name = ? WHERE id = ?`, "Zwolle Peers", a.ID); err != nil {
			t.Fatal(err)
		}
		step("renamed by hand", "Cork Peers, Zwolle Peers | Amsterdam:2 | 2")
		if _, err := d.Exec(fx.ctx, `DELETE FROM groups WHERE id = ?`, a.ID); err != nil {
			t.Fatal(err)
		}
		step("deleted by hand", "Cork Peers | Amsterdam:1 | 1")
	})
}

// TestSearchIndex checks that only listed groups are in the search index,
// and that they leave it when they become secret or hidden.
func TestSearchIndex(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, "founder")
		find := func(word string) []string {
			t.Helper()
			hits, _, err := fx.ix.Search(fx.ctx, word, "en", search.Viewer{}, 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, h := range hits {
				out = append(out, h.Kind+":"+h.Ref)
			}
			return out
		}
		in := groups.Input{Name: "Zebrafinch Union", Kind: groups.UsersUnion, Visibility: groups.Public, Joining: groups.Open,
			About: "We meet at the **drop-in**.", Region: "Utrecht", Topics: "housing"}
		g, err := fx.s.Create(fx.ctx, fx.ids["founder"], in, nil)
		if err != nil {
			t.Fatal(err)
		}
		sec, _ := fx.s.Create(fx.ctx, fx.ids["founder"], groups.Input{Name: "Zebrafinch Secret", Kind: groups.SelfOrganisation,
			Visibility: groups.Secret, Joining: groups.Invitation}, nil)
		if got := find("zebrafinch"); !cmp.Equal(got, []string{"group:zebrafinch-union"}) {
			t.Errorf("after creating: %v", got)
		}
		if got := find("utrecht"); !cmp.Equal(got, []string{"group:zebrafinch-union"}) {
			t.Errorf("by region: %v", got)
		}
		in.Visibility = groups.MembersOnly
		if err := fx.s.Update(fx.ctx, g.ID, in); err != nil {
			t.Fatal(err)
		}
		if got := find("zebrafinch"); len(got) != 1 {
			t.Errorf("a members-only group is listed, so found: %v", got)
		}
		in.Visibility, in.Joining = groups.Secret, groups.Invitation
		if err := fx.s.Update(fx.ctx, g.ID, in); err != nil {
			t.Fatal(err)
		}
		if got := find("zebrafinch"); len(got) != 0 {
			t.Errorf("secret groups found: %v", got)
		}
		in.Visibility, in.Joining = groups.Public, groups.Open
		fx.s.Update(fx.ctx, g.ID, in)
		if err := fx.s.Hide(fx.ctx, d, g.ID, "spam"); err != nil {
			t.Fatal(err)
		}
		if got := find("zebrafinch"); len(got) != 0 {
			t.Errorf("a hidden group is found: %v", got)
		}
		if err := fx.s.Restore(fx.ctx, d, g.ID); err != nil {
			t.Fatal(err)
		}
		if got := find("zebrafinch"); len(got) != 1 {
			t.Errorf("a restored group is not found: %v", got)
		}
		if err := fx.s.Hide(fx.ctx, d, sec.ID+1000, "x"); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("hiding an unknown group: %v", err)
		}
		// A second group with the same name is refused, on create and rename.
		if _, err := fx.s.Create(fx.ctx, fx.ids["founder"], groups.Input{Name: "zebrafinch union!", Kind: groups.UsersUnion,
			Visibility: groups.Public, Joining: groups.Open}, nil); !errors.Is(err, groups.ErrNameTaken) {
			t.Errorf("same name: %v", err)
		}
		in.Name = "Zebrafinch Secret"
		if err := fx.s.Update(fx.ctx, g.ID, in); !errors.Is(err, groups.ErrNameTaken) {
			t.Errorf("rename to a taken name: %v", err)
		}
	})
}

func TestChannelsSupportersStages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, "founder", "staff")
		orgs := organisations.NewStore(d)
		org, err := orgs.Register(fx.ctx, fx.ids["staff"], organisations.Input{Name: "Harbour", Kind: organisations.Service})
		if err != nil {
			t.Fatal(err)
		}
		g := fx.group("founder", "Open Door", groups.Public, groups.Open)
		sec := fx.group("founder", "Quiet Room", groups.Secret, groups.Invitation)

		cs := []groups.Channel{{Kind: "matrix", Label: " Chat ", URL: " https://matrix.to/#/#door:example.org "}, {Kind: "website", URL: "https://door.example.org"}}
		if err := fx.s.SetChannels(fx.ctx, g.ID, cs); err != nil {
			t.Fatal(err)
		}
		got, _ := fx.s.Channels(fx.ctx, g.ID)
		want := []groups.Channel{{Kind: "matrix", Label: "Chat", URL: "https://matrix.to/#/#door:example.org"}, {Kind: "website", URL: "https://door.example.org"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("channels (-want +got):\n%s", diff)
		}
		fx.s.SetChannels(fx.ctx, g.ID, nil)
		if got, _ := fx.s.Channels(fx.ctx, g.ID); len(got) != 0 {
			t.Errorf("channels after clearing: %v", got)
		}
		for u, ok := range map[string]bool{"https://signal.group/#abc": true, "http://x.example": true, "mailto:list@example.org": true,
			"javascript:alert(1)": false, "https://": false, "ftp://x.example": false, "/relative": false, "mailto:": false} {
			if groups.ValidChannelURL(u) != ok {
				t.Errorf("ValidChannelURL(%q) = %v", u, !ok)
			}
		}

		for _, gid := range []int64{g.ID, sec.ID} {
			if err := fx.s.AddSupporter(fx.ctx, d, gid, org.ID, "a room on Tuesdays"); err != nil {
				t.Fatal(err)
			}
		}
		fx.s.AddSupporter(fx.ctx, d, g.ID, org.ID, "coffee")
		fx.s.AddSupporter(fx.ctx, d, g.ID, org.ID, "coffee")
		sp, _ := fx.s.Supporters(fx.ctx, g.ID)
		if len(sp) != 1 || sp[0].What != "a room on Tuesdays; coffee" || sp[0].Slug != "harbour" {
			t.Errorf("supporters: %+v", sp)
		}
		// The organisation's page lists the groups it supports, except secret ones.
		sup, _ := fx.s.SupportedBy(fx.ctx, org.ID)
		if len(sup) != 1 || sup[0].ID != g.ID {
			t.Errorf("supported by: %+v", sup)
		}

		// Stages: adopt, tick (only the stage's own items count), drop.
		gs := guide.NewStore(d, fx.ix)
		if _, err := gs.Seed(fx.ctx); err != nil {
			t.Fatal(err)
		}
		page, _ := gs.PageBySlug(fx.ctx, "initiate")
		orig, _ := gs.Current(fx.ctx, page.ID, guide.Original)
		items := guide.ChecklistItems(orig.Body)
		if len(items) < 2 {
			t.Fatalf("the initiate page has %d checklist items", len(items))
		}
		valid := map[string]bool{}
		for _, it := range items {
			valid[guide.ItemKey(it)] = true
		}
		if err := fx.s.AdoptStage(fx.ctx, g.ID, page.ID); err != nil {
			t.Fatal(err)
		}
		if err := fx.s.AdoptStage(fx.ctx, g.ID, page.ID); err != nil {
			t.Errorf("adopting twice: %v", err)
		}
		k0, k1 := guide.ItemKey(items[0]), guide.ItemKey(items[1])
		if err := fx.s.SetStageChecks(fx.ctx, g.ID, page.ID, fx.ids["founder"], []string{k0, k1, k0, "made-up"}, valid); err != nil {
			t.Fatal(err)
		}
		st, _ := fx.s.Stages(fx.ctx, g.ID)
		if len(st) != 1 || st[0].Slug != "initiate" || !cmp.Equal(st[0].Done, map[string]bool{k0: true, k1: true}) {
			t.Errorf("stages: %+v", st)
		}
		if err := fx.s.DropStage(fx.ctx, g.ID, page.ID); err != nil {
			t.Fatal(err)
		}
		if st, _ := fx.s.Stages(fx.ctx, g.ID); len(st) != 0 {
			t.Errorf("after dropping: %+v", st)
		}
		fx.s.AdoptStage(fx.ctx, g.ID, page.ID)
		if st, _ := fx.s.Stages(fx.ctx, g.ID); len(st) != 1 || len(st[0].Done) != 0 {
			t.Errorf("a re-adopted stage kept its old ticks: %+v", st)
		}
	})
}

// TestMemberData checks the data download and both kinds of deletion,
// including a new admin for a group whose last admin leaves.
func TestMemberData(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, "leaver", "mod", "mem", "late", "other")
		gs := guide.NewStore(d, fx.ix)
		if _, err := gs.Seed(fx.ctx); err != nil {
			t.Fatal(err)
		}
		reg := memberdata.NewRegistry(d)
		reg.Register(accounts.DataPart{Store: fx.acc})
		reg.Register(groups.DataPart{Store: fx.s})

		// leaver is the only admin of two groups: one with a moderator and
		// a member, one with only a member; and alone in a third.
		a := fx.group("leaver", "Alpha Group", groups.Public, groups.Open)
		fx.add(a, "mem", groups.Member)
		fx.add(a, "mod", groups.Moderator)
		b := fx.group("leaver", "Beta Group", groups.Public, groups.Open)
		fx.add(b, "mem", groups.Member)
		fx.add(b, "late", groups.Member)
		c := fx.group("leaver", "Gamma Group", groups.Public, groups.Open)
		ask := fx.group("other", "Ask Group", groups.MembersOnly, groups.Request)
		if _, err := fx.s.RequestJoin(fx.ctx, ask, fx.ids["leaver"], "I would like to help"); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.s.CreateInvitation(fx.ctx, a.ID, fx.ids["leaver"], "For the new volunteer"); err != nil {
			t.Fatal(err)
		}
		page, _ := gs.PageBySlug(fx.ctx, "initiate")
		orig, _ := gs.Current(fx.ctx, page.ID, guide.Original)
		k := guide.ItemKey(guide.ChecklistItems(orig.Body)[0])
		fx.s.AdoptStage(fx.ctx, a.ID, page.ID)
		if err := fx.s.SetStageChecks(fx.ctx, a.ID, page.ID, fx.ids["leaver"], []string{k}, map[string]bool{k: true}); err != nil {
			t.Fatal(err)
		}

		doc, err := reg.Export(fx.ctx, fx.ids["leaver"])
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(doc["groups"])
		var got struct {
			Memberships []struct{ Group, Slug, Role string }    `json:"memberships"`
			Requests    []struct{ Group, Why, Decision string } `json:"join_requests"`
			Started     []struct{ Group string }                `json:"groups_started"`
			Invitations []struct {
				Group, Note string
				Used        bool
			} `json:"invitations_made"`
			Ticks []struct{ Group, Stage, Item string } `json:"group_checklist_ticks"`
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Memberships) != 3 || got.Memberships[0].Slug != "alpha-group" || got.Memberships[0].Role != groups.Admin {
			t.Errorf("memberships: %+v", got.Memberships)
		}
		if len(got.Requests) != 1 || got.Requests[0].Why != "I would like to help" || got.Requests[0].Decision != "waiting" {
			t.Errorf("requests: %+v", got.Requests)
		}
		if len(got.Started) != 3 || len(got.Invitations) != 1 || got.Invitations[0].Note != "For the new volunteer" || got.Invitations[0].Used {
			t.Errorf("started %+v, invitations %+v", got.Started, got.Invitations)
		}
		if len(got.Ticks) != 1 || got.Ticks[0].Stage != "initiate" || got.Ticks[0].Item != k {
			t.Errorf("ticks: %+v", got.Ticks)
		}

		if err := reg.Erase(fx.ctx, fx.ids["leaver"], memberdata.Remove); err != nil {
			t.Fatal(err)
		}
		// The moderator takes over Alpha; in Beta the longest-standing member.
		if fx.role(a, "mod") != groups.Admin || fx.role(a, "mem") != groups.Member {
			t.Errorf("alpha: mod %s, mem %s", fx.role(a, "mod"), fx.role(a, "mem"))
		}
		if fx.role(b, "mem") != groups.Admin || fx.role(b, "late") != groups.Member {
			t.Errorf("beta: mem %s, late %s", fx.role(b, "mem"), fx.role(b, "late"))
		}
		// The groups stay, the founder's link and the request go.
		if g := fx.reload(c); g.Members != 0 {
			t.Errorf("gamma has %d members", g.Members)
		}
		if p, _ := fx.s.PendingRequests(fx.ctx, ask.ID); len(p) != 0 {
			t.Errorf("the request stayed: %+v", p)
		}
		inv, _ := fx.s.Invitations(fx.ctx, a.ID)
		if len(inv) != 3 || inv[0].Note != "" || inv[0].UsedAt != nil {
			t.Errorf("with remove, the invitation or its note stays: %+v", inv)
		}
		if st, _ := fx.s.Stages(fx.ctx, a.ID); len(st) != 1 || !st[0].Done[k] {
			t.Errorf("the group's tick went with the member: %+v", st)
		}

		// Anonymise keeps invitation notes.
		fx.member("keeper")
		fx.add(a, "keeper", groups.Moderator)
		fx.s.CreateInvitation(fx.ctx, a.ID, fx.ids["keeper"], "Note kept")
		if err := reg.Erase(fx.ctx, fx.ids["keeper"], memberdata.Anonymise); err != nil {
			t.Fatal(err)
		}
		inv, _ = fx.s.Invitations(fx.ctx, a.ID)
		if len(inv) != 5 || inv[0].Note != "Note kept" {
			t.Errorf("with anonymise: %+v", inv)
		}
	})
}

// TestMemberCount checks that a group's member count, kept on the group
// by the database, follows every way members come and go: founding,
// joining, leaving, removal and an account's deletion.
func TestMemberCount(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d, "ana", "ben", "cas", "dee")
		g := fx.group("ana", "Counting Peers", groups.Public, groups.Open)
		other := fx.group("ben", "Other Peers", groups.Public, groups.Open)
		want := func(g *groups.Group, n int) {
			t.Helper()
			if got := fx.reload(g).Members; got != n {
				t.Errorf("%s has %d members, want %d", g.Name, got, n)
			}
		}
		want(g, 1)
		for _, h := range []string{"ben", "cas", "dee"} {
			if err := fx.s.Join(fx.ctx, g, fx.ids[h]); err != nil {
				t.Fatal(err)
			}
		}
		want(g, 4)
		if err := fx.s.Remove(fx.ctx, g.ID, fx.ids["cas"]); err != nil {
			t.Fatal(err)
		}
		want(g, 3)
		if _, err := d.Exec(fx.ctx, `DELETE FROM members WHERE id = ?`, fx.ids["dee"]); err != nil {
			t.Fatal(err)
		}
		want(g, 2)
		want(other, 1)
		dir, err := fx.s.List(fx.ctx, groups.Viewer{}, groups.Filter{}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, dg := range dir.Groups {
			if dg.ID == g.ID && dg.Members != 2 {
				t.Errorf("directory shows %d members, want 2", dg.Members)
			}
		}
	})
}
