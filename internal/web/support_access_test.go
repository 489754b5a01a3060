package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"involve/internal/accounts"
	"involve/internal/groups"
	"involve/internal/organisations"
	"involve/internal/support"
)

// The access-control matrix of outside support, with the roles that
// matter for it: a group's own members, moderators and admins; a member
// of another group; staff of a verified and of a pending organisation.

type supRole int

const (
	supAnon        supRole = iota // not signed in
	supMember                     // signed in, in no group or organisation
	supGroupMember                // a plain member of the group
	supGroupMod                   // a moderator of the group
	supGroupAdmin                 // an admin of the group
	supOtherGroup                 // a member of another group only
	supVStaff                     // staff (not admin) of a verified organisation
	supPStaff                     // staff of a pending organisation
	supSiteAdmin                  // holds the site admin role
	supSiteMod                    // holds the site moderator role
	supRoleCount
)

var supRoleNames = [supRoleCount]string{"anonymous", "member", "group-member", "group-moderator", "group-admin",
	"other-group", "verified-staff", "pending-staff", "site-admin", "site-moderator"}

var supHandles = [supRoleCount]string{"", "sup_member", "sup_gmember", "sup_gmod", "sup_gadmin", "sup_other", "sup_vstaff", "sup_pstaff", "sup_root", "sup_sitemod"}

var supConflicted = outcome{status: http.StatusConflict}

func supEveryone(o outcome) [supRoleCount]outcome {
	var w [supRoleCount]outcome
	for i := range w {
		w[i] = o
	}
	return w
}

type supCase struct {
	name string
	path string     // with placeholders; "" for the pattern's own path
	form url.Values // nil sends an empty form
	// want, in role order: anonymous, member, group-member, group-moderator,
	// group-admin, other-group, verified-staff, pending-staff, site-admin,
	// site-moderator
	want [supRoleCount]outcome
}

// What the groups' pages give each role. Public: everyone; members-only:
// the group, verified staff, site admins and moderators, forbidden to
// others; secret: the group, site admins and moderators, not found for
// others. Site admins and moderators see, but do not run, a group's
// requests.
var (
	supSeePublic  = supEveryone(allowed)
	supSeeMembers = [supRoleCount]outcome{forbid, forbid, allowed, allowed, allowed, forbid, allowed, forbid, allowed, allowed}
	supSeeSecret  = [supRoleCount]outcome{missing, missing, allowed, allowed, allowed, missing, missing, missing, allowed, allowed}
	// Only the group's moderators and admins manage its requests, with
	// ok as their outcome; a group one may not see stays unseen.
	supManage = func(ok outcome, anon outcome, vis string) [supRoleCount]outcome {
		w := [supRoleCount]outcome{anon, forbid, forbid, ok, ok, forbid, forbid, forbid, forbid, forbid}
		if vis == groups.Secret {
			w[supMember], w[supOtherGroup], w[supVStaff], w[supPStaff] = missing, missing, missing, missing
		}
		return w
	}
	// Only staff of a verified organisation offer, with ok as their outcome.
	supOffering = func(ok outcome, vis string) [supRoleCount]outcome {
		w := [supRoleCount]outcome{unauth, forbid, forbid, forbid, forbid, forbid, ok, forbid, forbid, forbid}
		if vis == groups.Secret {
			w[supMember], w[supOtherGroup], w[supVStaff], w[supPStaff] = missing, missing, missing, missing
		}
		return w
	}
)

// supportMatrix covers every support route. Placeholders: {pub}, {mem},
// {sec} (groups by visibility), {pubreq}/{memreq}/{secreq} (an open request
// of each with a waiting offer {puboffer}/{memoffer}/{secoffer} and a
// withdrawn one {pubgone}/{memgone}/{secgone}) and {pubclosed}/… (a closed
// request of each). Every case leaves the database as it was.
var supportMatrix = map[string][]supCase{
	"GET /support": {{want: supSeePublic}, {name: "filtered", path: "/support?kind=venue&region=Utrecht", want: supSeePublic}},
	"GET /groups/{slug}/support": {
		{name: "public", path: "/groups/{pub}/support", want: supSeePublic},
		{name: "members-only", path: "/groups/{mem}/support", want: supSeeMembers},
		{name: "secret", path: "/groups/{sec}/support", want: supSeeSecret},
		{name: "unknown group", path: "/groups/no-such-group/support", want: supEveryone(missing)},
	},
	"GET /groups/{slug}/support/{id}": {
		{name: "public", path: "/groups/{pub}/support/{pubreq}", want: supSeePublic},
		{name: "members-only", path: "/groups/{mem}/support/{memreq}", want: supSeeMembers},
		{name: "secret", path: "/groups/{sec}/support/{secreq}", want: supSeeSecret},
		{name: "public, closed", path: "/groups/{pub}/support/{pubclosed}", want: supSeePublic},
		{name: "another group's request", path: "/groups/{pub}/support/{secreq}", want: supEveryone(missing)},
		{name: "not a number", path: "/groups/{pub}/support/x", want: supEveryone(missing)},
	},
	"GET /groups/{slug}/support/{id}/edit": {
		{name: "public", path: "/groups/{pub}/support/{pubreq}/edit", want: supManage(allowed, toLogin, groups.Public)},
		{name: "members-only", path: "/groups/{mem}/support/{memreq}/edit", want: supManage(allowed, toLogin, groups.MembersOnly)},
		{name: "secret", path: "/groups/{sec}/support/{secreq}/edit", want: supManage(allowed, toLogin, groups.Secret)},
		{name: "closed", path: "/groups/{pub}/support/{pubclosed}/edit", want: supManage(supConflicted, toLogin, groups.Public)},
	},
	"POST /groups/{slug}/support": {
		{name: "public, nothing typed", path: "/groups/{pub}/support", want: supManage(invalid, unauth, groups.Public)},
		{name: "members-only, nothing typed", path: "/groups/{mem}/support", want: supManage(invalid, unauth, groups.MembersOnly)},
		{name: "secret, nothing typed", path: "/groups/{sec}/support", want: supManage(invalid, unauth, groups.Secret)},
	},
	"POST /groups/{slug}/support/{id}/edit": {
		{name: "public, nothing typed", path: "/groups/{pub}/support/{pubreq}/edit", want: supManage(invalid, unauth, groups.Public)},
		{name: "secret, nothing typed", path: "/groups/{sec}/support/{secreq}/edit", want: supManage(invalid, unauth, groups.Secret)},
		{name: "closed", path: "/groups/{pub}/support/{pubclosed}/edit", want: supManage(supConflicted, unauth, groups.Public)},
	},
	"POST /groups/{slug}/support/{id}/close": {
		{name: "public, already closed", path: "/groups/{pub}/support/{pubclosed}/close", want: supManage(supConflicted, unauth, groups.Public)},
		{name: "members-only, already closed", path: "/groups/{mem}/support/{memclosed}/close", want: supManage(supConflicted, unauth, groups.MembersOnly)},
		{name: "secret, already closed", path: "/groups/{sec}/support/{secclosed}/close", want: supManage(supConflicted, unauth, groups.Secret)},
	},
	"POST /groups/{slug}/support/{id}/offers": {
		{name: "public, nothing typed", path: "/groups/{pub}/support/{pubreq}/offers", want: supOffering(invalid, groups.Public)},
		{name: "members-only, nothing typed", path: "/groups/{mem}/support/{memreq}/offers", want: supOffering(invalid, groups.MembersOnly)},
		{name: "secret", path: "/groups/{sec}/support/{secreq}/offers", want: supOffering(invalid, groups.Secret)},
		{name: "closed", path: "/groups/{pub}/support/{pubclosed}/offers", want: supOffering(supConflicted, groups.Public)},
	},
	"POST /groups/{slug}/support/{id}/offers/{offer}/withdraw": {
		// Only the organisation's staff may withdraw; this offer is withdrawn already.
		{name: "public, withdrawn", path: "/groups/{pub}/support/{pubreq}/offers/{pubgone}/withdraw", want: supOffering(supConflicted, groups.Public)},
		{name: "members-only, withdrawn", path: "/groups/{mem}/support/{memreq}/offers/{memgone}/withdraw", want: supOffering(supConflicted, groups.MembersOnly)},
		// An offer that is not there is not found for anyone who acts for an organisation.
		{name: "unknown offer", path: "/groups/{pub}/support/{pubreq}/offers/999999/withdraw",
			want: [supRoleCount]outcome{unauth, forbid, forbid, forbid, forbid, forbid, missing, missing, forbid, forbid}},
		{name: "another request's offer", path: "/groups/{pub}/support/{pubreq}/offers/{memoffer}/withdraw",
			want: [supRoleCount]outcome{unauth, forbid, forbid, forbid, forbid, forbid, missing, missing, forbid, forbid}},
	},
	"POST /groups/{slug}/support/{id}/offers/{offer}/accept": {
		{name: "public, withdrawn", path: "/groups/{pub}/support/{pubreq}/offers/{pubgone}/accept", want: supManage(supConflicted, unauth, groups.Public)},
		{name: "members-only, withdrawn", path: "/groups/{mem}/support/{memreq}/offers/{memgone}/accept", want: supManage(supConflicted, unauth, groups.MembersOnly)},
		{name: "secret, withdrawn", path: "/groups/{sec}/support/{secreq}/offers/{secgone}/accept", want: supManage(supConflicted, unauth, groups.Secret)},
		{name: "another request's offer", path: "/groups/{pub}/support/{pubreq}/offers/{memoffer}/accept", want: supManage(missing, unauth, groups.Public)},
	},
	"POST /groups/{slug}/support/{id}/offers/{offer}/decline": {
		{name: "public, withdrawn", path: "/groups/{pub}/support/{pubreq}/offers/{pubgone}/decline", want: supManage(supConflicted, unauth, groups.Public)},
		{name: "secret, withdrawn", path: "/groups/{sec}/support/{secreq}/offers/{secgone}/decline", want: supManage(supConflicted, unauth, groups.Secret)},
		{name: "not a number", path: "/groups/{pub}/support/{pubreq}/offers/x/decline", want: supManage(missing, unauth, groups.Public)},
	},
}

func init() {
	var patterns []string
	for p := range supportMatrix {
		patterns = append(patterns, p)
	}
	coverRoutes("TestSupportAccess", patterns...)
}

// supAddMember puts a member into a group with a role, directly.
func (e *testEnv) supAddMember(g *groups.Group, handle, role string) {
	e.t.Helper()
	if _, err := e.DB.Exec(context.Background(), `INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES (?, ?, ?, ?)`,
		g.ID, e.member(handle).ID, role, time.Now()); err != nil {
		e.t.Fatal(err)
	}
}

// supGroup starts a group founded by founder.
func (e *testEnv) supGroup(founder, name, vis string) *groups.Group {
	e.t.Helper()
	joining := groups.Open
	if vis == groups.Secret {
		joining = groups.Invitation
	}
	g, err := e.Srv.Groups.Create(context.Background(), e.member(founder).ID, groups.Input{Name: name, Kind: groups.SelfOrganisation,
		Visibility: vis, Joining: joining, Region: "Utrecht"}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return g
}

// supRequest posts a request for g as by.
func (e *testEnv) supRequest(g *groups.Group, by, title string) *support.Request {
	e.t.Helper()
	r, err := e.Srv.Support.Create(context.Background(), g.ID, e.member(by).ID, support.Input{Kind: support.Venue, Title: title,
		Details: "A quiet room for twelve people."})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *testEnv) supOffer(r *support.Request, o *organisations.Organisation, by, what string) *support.Offer {
	e.t.Helper()
	of, err := e.Srv.Support.MakeOffer(context.Background(), r.ID, o.ID, e.member(by).ID, what)
	if err != nil {
		e.t.Fatal(err)
	}
	return of
}

type supFixture struct {
	env    *testEnv
	fill   *strings.Replacer
	groups map[string]*groups.Group
}

func newSupFixture(t *testing.T) *supFixture {
	t.Helper()
	e := sqliteEnv(t)
	ctx := context.Background()
	for _, h := range append(supHandles[1:], "sup_vadmin", "sup_padmin") {
		e.createMember(h)
	}
	e.makeAdmin("sup_root")
	e.grant("sup_sitemod", accounts.RoleModerator)
	verified := e.createOrganisation("sup_vadmin", "Verified Service", organisations.Service, true)
	e.addStaff(verified, "sup_vstaff", organisations.Staff)
	pending := e.createOrganisation("sup_padmin", "Pending Agency", organisations.Agency, false)
	e.addStaff(pending, "sup_pstaff", organisations.Staff)

	fx := &supFixture{env: e, groups: map[string]*groups.Group{}}
	var pairs []string
	for key, vis := range map[string]string{"pub": groups.Public, "mem": groups.MembersOnly, "sec": groups.Secret} {
		g := e.supGroup("sup_gadmin", "Group "+key, vis)
		e.supAddMember(g, "sup_gmod", groups.Moderator)
		e.supAddMember(g, "sup_gmember", groups.Member)
		fx.groups[key] = g
		r := e.supRequest(g, "sup_gmod", "Room for "+key)
		o := e.supOffer(r, verified, "sup_vadmin", "Our hall")
		if err := e.Srv.Support.Withdraw(ctx, r.ID, o.ID, e.member("sup_vadmin").ID); err != nil {
			t.Fatal(err)
		}
		waiting := e.supOffer(r, verified, "sup_vadmin", "Our smaller room")
		closed := e.supRequest(g, "sup_gmod", "Old ask of "+key)
		if err := e.Srv.Support.Close(ctx, g.ID, closed.ID, e.member("sup_gmod").ID); err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, "{"+key+"}", g.Slug, "{"+key+"req}", fmt.Sprint(r.ID), "{"+key+"offer}", fmt.Sprint(waiting.ID),
			"{"+key+"gone}", fmt.Sprint(o.ID), "{"+key+"closed}", fmt.Sprint(closed.ID))
	}
	other := e.supGroup("sup_other", "Elsewhere Circle", groups.Public)
	fx.groups["other"] = other
	fx.fill = strings.NewReplacer(pairs...)
	return fx
}

func (fx *supFixture) client(r supRole) *client {
	if r == supAnon {
		return fx.env.client()
	}
	return fx.env.sessionClient(supHandles[r])
}

// supSnapshot is the support tables, supporters, notifications and search.
func (e *testEnv) supSnapshot() []string {
	e.t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT 'request', id, group_id, kind, title, details, status, COALESCE(CAST(closed_at AS TEXT), '') FROM support_requests ORDER BY id`,
		`SELECT 'offer', id, request_id, organisation_id, what, status, COALESCE(CAST(decided_by AS TEXT), ''), '' FROM support_offers ORDER BY id`,
		`SELECT 'supporter', group_id, organisation_id, what, '', '', '', '' FROM group_supporters ORDER BY group_id, organisation_id`,
		`SELECT 'notification', id, member_id, kind, params, url, '', '' FROM notifications ORDER BY id`,
		`SELECT 'search', kind, ref, lang, title, body, url, visibility FROM search_documents WHERE kind = 'support' ORDER BY ref`,
	} {
		out = append(out, e.rowsOf(q)...)
	}
	return out
}

func TestSupportAccess(t *testing.T) {
	fx := newSupFixture(t)
	patterns := matrixPatterns(t, fx.env.Srv, "support", fx.env.Srv.supportRoutes(), supportMatrix)
	before := fx.env.supSnapshot()
	run := matrixRun{roles: supRoleNames[:], client: func(r int) *client { return fx.client(supRole(r)) },
		fill: fx.fill, secret: fx.groups["sec"].Name}
	for _, pattern := range patterns {
		for _, sc := range supportMatrix[pattern] {
			run.check(t, matrixCase{pattern: pattern, name: sc.name, path: sc.path, form: sc.form, want: sc.want[:]})
		}
	}
	matrixUnchanged(t, before, fx.env.supSnapshot())
}

// TestSupportAccessAgreesWithRoutes checks the matrix against each route's
// declared Access.
func TestSupportAccessAgreesWithRoutes(t *testing.T) {
	e := sqliteEnv(t)
	for pattern, access := range e.Srv.Routes() {
		method, _, _ := strings.Cut(pattern, " ")
		for _, sc := range supportMatrix[pattern] {
			if access != SignedIn {
				continue
			}
			want := unauth
			if method == http.MethodGet {
				want = toLogin
			}
			if sc.want[supAnon] != want {
				t.Errorf("%s (%s) needs signing in: the matrix says %v for anonymous, want %v", pattern, sc.name, sc.want[supAnon], want)
			}
		}
	}
}
