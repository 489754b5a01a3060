package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"involve/internal/accounts"
	"involve/internal/groups"
	"involve/internal/organisations"
)

// The access-control matrix of groups, with the roles that matter for
// them: the group's own members, moderators and admins; a member of
// another group; staff of a verified organisation; site moderators and
// site admins, who see every group but do not run it.

type grpRole int

const (
	grpAnon      grpRole = iota // not signed in
	grpMember                   // signed in, in no group
	grpGMember                  // a plain member of the group
	grpGMod                     // a moderator of the group
	grpGAdmin                   // an admin of the group
	grpOther                    // a member of another group only
	grpStaff                    // staff of a verified organisation
	grpSiteMod                  // holds the site moderator role
	grpSiteAdmin                // holds the site admin role
	grpRoleCount
)

var grpRoleNames = [grpRoleCount]string{"anonymous", "member", "group-member", "group-moderator", "group-admin",
	"other-group", "org-staff", "site-moderator", "site-admin"}

var grpHandles = [grpRoleCount]string{"", "grp_member", "grp_gmember", "grp_gmod", "grp_gadmin", "grp_other", "grp_staff", "grp_sitemod", "grp_root"}

var conflicted = outcome{status: http.StatusConflict}

func grpEveryone(o outcome) [grpRoleCount]outcome {
	var w [grpRoleCount]outcome
	for i := range w {
		w[i] = o
	}
	return w
}

// outsiders are the roles that neither belong to a group nor moderate the
// site: a secret group does not exist for them.
var outsiders = []grpRole{grpMember, grpOther, grpStaff}

// grpSee is what reading a group's page gives: ok for those who may see
// it; a secret group is not found for outsiders.
func grpSee(vis string, ok outcome) [grpRoleCount]outcome {
	w := grpEveryone(ok)
	if vis == groups.Secret {
		w[grpAnon] = missing
		for _, r := range outsiders {
			w[r] = missing
		}
	}
	return w
}

// grpContent is what reading a group's content gives: everyone for a
// public group; its members and site moderators otherwise.
func grpContent(vis string, ok outcome) [grpRoleCount]outcome {
	w := grpEveryone(ok)
	closed := forbid
	if vis == groups.Secret {
		closed = missing
	}
	if vis != groups.Public {
		w[grpAnon] = closed
		for _, r := range outsiders {
			w[r] = closed
		}
	}
	return w
}

// grpOnly is a signed-in action only some roles of the group may take,
// with ok as their outcome; the rest are forbidden, and a secret group is
// not found for outsiders.
func grpOnly(vis string, anon, ok outcome, roles ...grpRole) [grpRoleCount]outcome {
	w := grpEveryone(forbid)
	w[grpAnon] = anon
	if vis == groups.Secret {
		for _, r := range outsiders {
			w[r] = missing
		}
	}
	for _, r := range roles {
		w[r] = ok
	}
	return w
}

func grpRuns(vis string, anon, ok outcome) [grpRoleCount]outcome {
	return grpOnly(vis, anon, ok, grpGMod, grpGAdmin)
}

func grpAdmins(vis string, anon, ok outcome) [grpRoleCount]outcome {
	return grpOnly(vis, anon, ok, grpGAdmin)
}

func grpMembers(vis string, anon, ok outcome) [grpRoleCount]outcome {
	return grpOnly(vis, anon, ok, grpGMember, grpGMod, grpGAdmin)
}

type grpCase struct {
	name  string
	path  string     // with placeholders; "" for the pattern's own path
	form  url.Values // nil sends an empty form
	fresh bool       // the case changes the database: run it on a fixture of its own
	// want, in role order: anonymous, member, group-member, group-moderator,
	// group-admin, other-group, org-staff, site-moderator, site-admin
	want [grpRoleCount]outcome
}

// joinAlready is where a member asking to join is sent back to.
func grpJoinWant(vis, slug string) [grpRoleCount]outcome {
	w := grpEveryone(invalid) // no "why" given
	w[grpAnon] = unauth
	for _, r := range []grpRole{grpGMember, grpGMod, grpGAdmin} {
		w[r] = seeOther("/groups/" + slug)
	}
	if vis == groups.Secret {
		for _, r := range outsiders {
			w[r] = missing
		}
		w[grpSiteMod], w[grpSiteAdmin] = forbid, forbid // by invitation only
	}
	return w
}

// groupsMatrix covers every groups route. Placeholders: {pub} (public,
// asking to join), {mem} (members-only, asking), {sec} (secret, by
// invitation), {open} (public, anyone joins), {memreq} (a request waiting
// to join {mem}), {used} (a used invitation to {sec}), {usedid} its id,
// {secreqid} (nothing: {mem}'s request seen through {sec}), {shared} (the
// shared link of {sec}), {single} (an unused invitation to {sec}).
// Cases without fresh leave the database as it was.
var groupsMatrix = map[string][]grpCase{
	"GET /groups": {
		{want: grpEveryone(allowed)},
		{name: "filtered", path: "/groups?kind=self-organisation&region=Utrecht&topic=housing&language=nl", want: grpEveryone(allowed)},
		{name: "nonsense filters", path: "/groups?kind=club&region=" + strings.Repeat("x", 300), want: grpEveryone(allowed)},
	},
	"GET /groups/new": {{want: [grpRoleCount]outcome{toLogin, allowed, allowed, allowed, allowed, allowed, allowed, allowed, allowed}}},
	"POST /groups":    {{name: "nothing typed", want: [grpRoleCount]outcome{unauth, invalid, invalid, invalid, invalid, invalid, invalid, invalid, invalid}}},
	"GET /groups/{slug}": {
		{name: "public", path: "/groups/{pub}", want: grpSee(groups.Public, allowed)},
		{name: "members-only", path: "/groups/{mem}", want: grpSee(groups.MembersOnly, allowed)},
		{name: "secret", path: "/groups/{sec}", want: grpSee(groups.Secret, allowed)},
		{name: "unknown", path: "/groups/no-such-group", want: grpEveryone(missing)},
	},
	"GET /groups/{slug}/edit": {
		{name: "public", path: "/groups/{pub}/edit", want: grpAdmins(groups.Public, toLogin, allowed)},
		{name: "secret", path: "/groups/{sec}/edit", want: grpAdmins(groups.Secret, toLogin, allowed)},
		{name: "unknown", path: "/groups/no-such-group/edit", want: [grpRoleCount]outcome{toLogin, missing, missing, missing, missing, missing, missing, missing, missing}},
	},
	"POST /groups/{slug}/edit": {
		{name: "public, nothing typed", path: "/groups/{pub}/edit", want: grpAdmins(groups.Public, unauth, invalid)},
		{name: "members-only, nothing typed", path: "/groups/{mem}/edit", want: grpAdmins(groups.MembersOnly, unauth, invalid)},
		{name: "secret, nothing typed", path: "/groups/{sec}/edit", want: grpAdmins(groups.Secret, unauth, invalid)},
	},
	"POST /groups/{slug}/join": {
		{name: "public, no why", path: "/groups/{pub}/join", want: grpJoinWant(groups.Public, "{pub}")},
		{name: "members-only, no why", path: "/groups/{mem}/join", want: grpJoinWant(groups.MembersOnly, "{mem}")},
		{name: "secret", path: "/groups/{sec}/join", want: grpJoinWant(groups.Secret, "{sec}")},
		{name: "open: everyone signed in joins", path: "/groups/{open}/join", fresh: true,
			want: [grpRoleCount]outcome{unauth, seeOther("/groups/{open}"), seeOther("/groups/{open}"), seeOther("/groups/{open}"),
				seeOther("/groups/{open}"), seeOther("/groups/{open}"), seeOther("/groups/{open}"), seeOther("/groups/{open}"), seeOther("/groups/{open}")}},
	},
	"POST /groups/{slug}/leave": {
		{name: "public: members leave, the last admin stays", path: "/groups/{pub}/leave", fresh: true,
			want: [grpRoleCount]outcome{unauth, badReq, seeOther("/groups/{pub}"), seeOther("/groups/{pub}"), invalid, badReq, badReq, badReq, badReq}},
		{name: "secret: members leave it for the directory", path: "/groups/{sec}/leave", fresh: true,
			want: [grpRoleCount]outcome{unauth, missing, seeOther("/groups"), seeOther("/groups"), invalid, missing, missing, badReq, badReq}},
	},
	"GET /groups/{slug}/members": {
		{name: "public", path: "/groups/{pub}/members", want: grpRuns(groups.Public, toLogin, allowed)},
		{name: "secret", path: "/groups/{sec}/members", want: grpRuns(groups.Secret, toLogin, allowed)},
	},
	"POST /groups/{slug}/members/role": {
		{name: "public, nobody chosen", path: "/groups/{pub}/members/role", want: grpAdmins(groups.Public, unauth, invalid)},
		{name: "secret, the last admin stepping down", path: "/groups/{sec}/members/role",
			form: url.Values{"handle": {"grp_gadmin"}, "role": {"member"}}, want: grpAdmins(groups.Secret, unauth, invalid)},
	},
	"POST /groups/{slug}/members/remove": {
		{name: "public, nobody chosen", path: "/groups/{pub}/members/remove", want: grpRuns(groups.Public, unauth, invalid)},
		{name: "secret, a stranger", path: "/groups/{sec}/members/remove", form: url.Values{"handle": {"grp_member"}},
			want: grpRuns(groups.Secret, unauth, invalid)},
	},
	"POST /groups/{slug}/members/transfer": {
		{name: "public, nobody chosen", path: "/groups/{pub}/members/transfer", want: grpAdmins(groups.Public, unauth, invalid)},
		{name: "members-only, to a stranger", path: "/groups/{mem}/members/transfer", form: url.Values{"transfer": {"grp_other"}},
			want: grpAdmins(groups.MembersOnly, unauth, invalid)},
	},
	"POST /groups/{slug}/requests/{id}": {
		{name: "no decision", path: "/groups/{mem}/requests/{memreq}", want: grpRuns(groups.MembersOnly, unauth, badReq)},
		{name: "another group's request", path: "/groups/{sec}/requests/{memreq}", form: url.Values{"decision": {"decline"}},
			want: grpRuns(groups.Secret, unauth, missing)},
		{name: "not a number", path: "/groups/{pub}/requests/x", form: url.Values{"decision": {"accept"}},
			want: grpRuns(groups.Public, unauth, missing)},
	},
	"GET /groups/{slug}/invitations": {
		{name: "public", path: "/groups/{pub}/invitations", want: grpRuns(groups.Public, toLogin, allowed)},
		{name: "secret", path: "/groups/{sec}/invitations", want: grpRuns(groups.Secret, toLogin, allowed)},
	},
	"POST /groups/{slug}/invitations": {
		{name: "a note too long", path: "/groups/{sec}/invitations", form: url.Values{"note": {strings.Repeat("n", 201)}},
			want: grpRuns(groups.Secret, unauth, invalid)},
		{name: "members-only, a note on two lines", path: "/groups/{mem}/invitations", form: url.Values{"note": {"a\nb"}},
			want: grpRuns(groups.MembersOnly, unauth, invalid)},
	},
	"POST /groups/{slug}/invitations/{id}/withdraw": {
		{name: "used already", path: "/groups/{sec}/invitations/{usedid}/withdraw", want: grpRuns(groups.Secret, unauth, conflicted)},
		{name: "another group's", path: "/groups/{pub}/invitations/{usedid}/withdraw", want: grpRuns(groups.Public, unauth, missing)},
	},
	"POST /groups/{slug}/invite-link": {
		{name: "no action", path: "/groups/{sec}/invite-link", want: grpRuns(groups.Secret, unauth, badReq)},
		{name: "public, no action", path: "/groups/{pub}/invite-link", want: grpRuns(groups.Public, unauth, badReq)},
	},
	"GET /invite/{token}": {
		{name: "single-use, unused", path: "/invite/{single}", want: grpEveryone(allowed)},
		{name: "shared", path: "/invite/{shared}", want: grpEveryone(allowed)},
		{name: "used", path: "/invite/{used}", want: grpEveryone(missing)},
		{name: "unknown", path: "/invite/nonsense", want: grpEveryone(missing)},
	},
	"POST /invite/{token}": {
		{name: "used", path: "/invite/{used}", want: [grpRoleCount]outcome{unauth, missing, missing, missing, missing, missing, missing, missing, missing}},
		{name: "unknown", path: "/invite/nonsense", want: [grpRoleCount]outcome{unauth, missing, missing, missing, missing, missing, missing, missing, missing}},
		{name: "shared: everyone signed in joins", path: "/invite/{shared}", fresh: true,
			want: [grpRoleCount]outcome{unauth, seeOther("/groups/{sec}"), seeOther("/groups/{sec}"), seeOther("/groups/{sec}"),
				seeOther("/groups/{sec}"), seeOther("/groups/{sec}"), seeOther("/groups/{sec}"), seeOther("/groups/{sec}"), seeOther("/groups/{sec}")}},
	},
	"GET /groups/{slug}/channels": {
		{name: "public", path: "/groups/{pub}/channels", want: grpAdmins(groups.Public, toLogin, allowed)},
		{name: "secret", path: "/groups/{sec}/channels", want: grpAdmins(groups.Secret, toLogin, allowed)},
	},
	"POST /groups/{slug}/channels": {
		{name: "a bad address", path: "/groups/{pub}/channels", form: url.Values{"kind_0": {"website"}, "url_0": {"javascript:x"}},
			want: grpAdmins(groups.Public, unauth, invalid)},
		{name: "secret, a bad address", path: "/groups/{sec}/channels", form: url.Values{"kind_0": {"signal"}, "url_0": {"signal"}},
			want: grpAdmins(groups.Secret, unauth, invalid)},
	},
	"GET /groups/{slug}/stages": {
		{name: "public", path: "/groups/{pub}/stages", want: grpContent(groups.Public, allowed)},
		{name: "members-only", path: "/groups/{mem}/stages", want: grpContent(groups.MembersOnly, allowed)},
		{name: "secret", path: "/groups/{sec}/stages", want: grpContent(groups.Secret, allowed)},
	},
	"POST /groups/{slug}/stages": {
		{name: "not a stage", path: "/groups/{pub}/stages", form: url.Values{"stage": {"what"}}, want: grpAdmins(groups.Public, unauth, badReq)},
		{name: "secret, nothing chosen", path: "/groups/{sec}/stages", want: grpAdmins(groups.Secret, unauth, badReq)},
	},
	"POST /groups/{slug}/stages/{stage}/drop": {
		{name: "not adopted", path: "/groups/{pub}/stages/prepare/drop", want: grpAdmins(groups.Public, unauth, missing)},
		{name: "secret, not adopted", path: "/groups/{sec}/stages/continue/drop", want: grpAdmins(groups.Secret, unauth, missing)},
	},
	"POST /groups/{slug}/stages/{stage}/checks": {
		// Nothing is ticked yet, so saving nothing changes nothing.
		{name: "public, nothing ticked", path: "/groups/{pub}/stages/initiate/checks",
			want: grpMembers(groups.Public, unauth, seeOther("/groups/{pub}/stages#stage-initiate"))},
		{name: "members-only, nothing ticked", path: "/groups/{mem}/stages/initiate/checks",
			want: grpMembers(groups.MembersOnly, unauth, seeOther("/groups/{mem}/stages#stage-initiate"))},
		{name: "secret, not adopted", path: "/groups/{sec}/stages/prepare/checks", want: grpMembers(groups.Secret, unauth, missing)},
	},
}

func init() {
	var patterns []string
	for p := range groupsMatrix {
		patterns = append(patterns, p)
	}
	coverRoutes("TestGroupsAccess", patterns...)
}

type grpFixture struct {
	env  *testEnv
	fill *strings.Replacer
}

func newGrpFixture(t *testing.T) *grpFixture {
	t.Helper()
	e := sqliteEnv(t)
	ctx := context.Background()
	for _, h := range append(grpHandles[1:], "grp_extra", "grp_asker", "grp_orgadmin", "grp_guest") {
		e.createMember(h)
	}
	e.makeAdmin("grp_root")
	if err := e.Srv.Accounts.GrantRole(ctx, e.DB, e.member("grp_sitemod").ID, accounts.RoleModerator, nil); err != nil {
		t.Fatal(err)
	}
	o := e.createOrganisation("grp_orgadmin", "Verified Service", organisations.Service, true)
	e.addStaff(o, "grp_staff", organisations.Staff)
	var pairs []string
	roles := map[string]string{"grp_gmember": groups.Member, "grp_gmod": groups.Moderator, "grp_extra": groups.Member}
	for _, g := range []struct{ key, vis, joining string }{
		{"pub", groups.Public, groups.Request}, {"mem", groups.MembersOnly, groups.Request},
		{"sec", groups.Secret, groups.Invitation}, {"open", groups.Public, groups.Open},
	} {
		gr := e.grpCreate("grp_gadmin", groups.Input{Name: "Group " + g.key, Visibility: g.vis, Joining: g.joining,
			Region: "Utrecht", Topics: "housing", Languages: "nl"}, roles)
		pairs = append(pairs, "{"+g.key+"}", gr.Slug)
		if g.key != "open" {
			pg := e.guidePageOf("initiate")
			if err := e.Srv.Groups.AdoptStage(ctx, gr.ID, pg.ID); err != nil {
				t.Fatal(err)
			}
		}
		switch g.key {
		case "mem":
			r, err := e.Srv.Groups.RequestJoin(ctx, gr, e.member("grp_asker").ID, "I would like to help")
			if err != nil {
				t.Fatal(err)
			}
			pairs = append(pairs, "{memreq}", fmt.Sprint(r.ID))
		case "sec":
			used, err := e.Srv.Groups.CreateInvitation(ctx, gr.ID, e.member("grp_gadmin").ID, "used")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Srv.Groups.AcceptInvitation(ctx, used, e.member("grp_guest").ID); err != nil {
				t.Fatal(err)
			}
			single, _ := e.Srv.Groups.CreateInvitation(ctx, gr.ID, e.member("grp_gadmin").ID, "unused")
			shared, err := e.Srv.Groups.ResetInviteLink(ctx, gr.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			invs, _ := e.Srv.Groups.Invitations(ctx, gr.ID)
			var usedID int64
			for _, i := range invs {
				if i.Note == "used" {
					usedID = i.ID
				}
			}
			pairs = append(pairs, "{used}", used, "{usedid}", fmt.Sprint(usedID), "{single}", single, "{shared}", shared)
		}
	}
	e.grpCreate("grp_other", groups.Input{Name: "Elsewhere Circle", Visibility: groups.Public, Joining: groups.Open}, nil)
	return &grpFixture{env: e, fill: strings.NewReplacer(pairs...)}
}

func (fx *grpFixture) client(r grpRole) *client {
	if r == grpAnon {
		return fx.env.client()
	}
	return fx.env.sessionClient(grpHandles[r])
}

// grpSnapshot is the groups tables, notifications, the audit log and the
// search documents of groups.
func (e *testEnv) grpSnapshot() []string {
	e.t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT 'group', id, slug, name, kind, visibility, joining, about || region || topics || languages || invite_link_hash FROM groups ORDER BY id`,
		`SELECT 'member', group_id, member_id, role, '', '', '', '' FROM group_members ORDER BY group_id, member_id`,
		`SELECT 'request', id, group_id, member_id, why, decision, '', '' FROM group_join_requests ORDER BY id`,
		`SELECT 'invitation', id, group_id, note, COALESCE(CAST(used_by AS TEXT), ''), COALESCE(CAST(revoked_at AS TEXT), ''), '', '' FROM group_invitations ORDER BY id`,
		`SELECT 'channel', id, group_id, kind, label, url, '', '' FROM group_channels ORDER BY id`,
		`SELECT 'stage', group_id, page_id, '', '', '', '', '' FROM group_stages ORDER BY group_id, page_id`,
		`SELECT 'check', group_id, page_id, item, '', '', '', '' FROM group_checks ORDER BY group_id, page_id, item`,
		`SELECT 'notification', id, member_id, kind, params, url, '', '' FROM notifications ORDER BY id`,
		`SELECT 'audit', id, action, target, detail, '', '', '' FROM audit_log ORDER BY id`,
		`SELECT 'search', kind, ref, lang, title, body, url, visibility FROM search_documents WHERE kind = 'group' ORDER BY ref`,
	} {
		out = append(out, e.rowsOf(q)...)
	}
	return out
}

func TestGroupsAccess(t *testing.T) {
	fx := newGrpFixture(t)
	patterns := matrixPatterns(t, fx.env.Srv, "groups", fx.env.Srv.groupRoutes(), groupsMatrix)
	before := fx.env.grpSnapshot()
	for _, pattern := range patterns {
		for _, gc := range groupsMatrix[pattern] {
			cfx := fx
			if gc.fresh {
				cfx = newGrpFixture(t)
			}
			run := matrixRun{roles: grpRoleNames[:], client: func(r int) *client { return cfx.client(grpRole(r)) },
				fill: cfx.fill, secret: "Group sec"}
			run.check(t, matrixCase{pattern: pattern, name: gc.name, path: gc.path, form: gc.form, want: gc.want[:]})
		}
	}
	matrixUnchanged(t, before, fx.env.grpSnapshot())
}

// TestGroupsAccessAgreesWithRoutes checks the matrix against each route's
// declared Access.
func TestGroupsAccessAgreesWithRoutes(t *testing.T) {
	e := sqliteEnv(t)
	for _, rt := range e.Srv.groupRoutes() {
		method, _, _ := strings.Cut(rt.pattern, " ")
		for _, gc := range groupsMatrix[rt.pattern] {
			if rt.access != SignedIn {
				continue
			}
			wantAnon := unauth
			if method == http.MethodGet {
				wantAnon = toLogin
			}
			if gc.want[grpAnon] != wantAnon {
				t.Errorf("%s (%s) needs signing in: the matrix says %v for anonymous, want %v", rt.pattern, gc.name, gc.want[grpAnon], wantAnon)
			}
		}
	}
}
