package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"involve/internal/accounts"
	"involve/internal/groups"
	"involve/internal/moderation"
)

// The access-control matrix of moderation, with the roles that matter for
// it: a group's own members, moderators and admins; a member of another
// group; site moderators and site admins.

type modRole int

const (
	modAnon        modRole = iota // not signed in
	modMember                     // signed in, in no group
	modGroupMember                // a plain member of the group
	modGroupMod                   // a moderator of the group
	modGroupAdmin                 // an admin of the group
	modOtherGroup                 // a member of another group only
	modSiteMod                    // holds the site moderator role
	modSiteAdmin                  // holds the site admin role
	modRoleCount
)

var modRoleNames = [modRoleCount]string{"anonymous", "member", "group-member", "group-moderator", "group-admin",
	"other-group", "site-moderator", "site-admin"}

var modHandles = [modRoleCount]string{"", "mod_member", "mod_gmember", "mod_gmod", "mod_gadmin", "mod_omember", "mod_sitemod", "mod_root"}

type modCase struct {
	name string
	path string     // with placeholders; "" for the pattern's own path
	form url.Values // nil sends an empty form
	// want, in role order: anonymous, member, group-member, group-moderator,
	// group-admin, other-group, site-moderator, site-admin
	want [modRoleCount]outcome
}

func modEveryone(o outcome) [modRoleCount]outcome {
	var w [modRoleCount]outcome
	for i := range w {
		w[i] = o
	}
	return w
}

// Outcome rows: anon is what a signed-out reader gets (toLogin for GET,
// unauth for POST).
var (
	modSignedIn = func(ok, anon outcome) [modRoleCount]outcome {
		return [modRoleCount]outcome{anon, ok, ok, ok, ok, ok, ok, ok}
	}
	// Site moderators and admins only; the rest are forbidden.
	modSiteOnly = func(ok, anon outcome) [modRoleCount]outcome {
		return [modRoleCount]outcome{anon, forbid, forbid, forbid, forbid, forbid, ok, ok}
	}
	// The group's moderators and admins, and the site's.
	modGroupMods = func(ok, anon outcome) [modRoleCount]outcome {
		return [modRoleCount]outcome{anon, forbid, forbid, ok, ok, forbid, ok, ok}
	}
	// Something nobody outside a secret or members-only group may know
	// of: only site moderators and admins.
	modUnseen = func(ok, anon outcome) [modRoleCount]outcome {
		return [modRoleCount]outcome{anon, missing, missing, missing, missing, missing, ok, ok}
	}
	// Reports are moderators' business: to anyone else they do not exist.
	modHandlers = func(ok outcome) [modRoleCount]outcome {
		return [modRoleCount]outcome{unauth, missing, missing, ok, ok, missing, ok, ok}
	}
)

var longNote = url.Values{"note": {strings.Repeat("n", moderation.ReasonMax+1)}}

// moderationMatrix covers every moderation route. Placeholders: {g} (a
// public group with the roles above), {s} (a secret group), {m} (a
// members-only group), {gid}/{sid} (their ids), {postg}/{postf}/{posts}/
// {postm} (a post in {g}, the forum, {s}, {m}), {threadg} (the thread in
// {g}), {repg}/{repgroup}/{reps} (open reports about {postg}, {g} and
// {posts}) and {subject} (a member with no roles). Every case leaves the
// database as it was.
var moderationMatrix = map[string][]modCase{
	"GET /rules": {{want: modEveryone(allowed)}},
	"GET /report": {
		{name: "a post in a public group", path: "/report?type=post&id={postg}", want: modSignedIn(allowed, toLogin)},
		{name: "a thread", path: "/report?type=discussion&id={threadg}", want: modSignedIn(allowed, toLogin)},
		{name: "a public group", path: "/report?type=group&id={gid}", want: modSignedIn(allowed, toLogin)},
		{name: "a post in the forum", path: "/report?type=post&id={postf}", want: modSignedIn(allowed, toLogin)},
		{name: "a post in a secret group", path: "/report?type=post&id={posts}", want: modUnseen(allowed, toLogin)},
		{name: "a post in a members-only group", path: "/report?type=post&id={postm}", want: modUnseen(allowed, toLogin)},
		{name: "a secret group", path: "/report?type=group&id={sid}", want: modUnseen(allowed, toLogin)},
		{name: "an unknown kind", path: "/report?type=member&id=1", want: modSignedIn(missing, toLogin)},
		{name: "not a number", path: "/report?type=post&id=x", want: modSignedIn(missing, toLogin)},
		{name: "nothing", path: "/report?type=post&id=999999", want: modSignedIn(missing, toLogin)},
	},
	"POST /reports": {
		{name: "no reason chosen", form: url.Values{"type": {"post"}, "id": {"{postg}"}}, want: modSignedIn(invalid, unauth)},
		{name: "no reason, secret group", form: url.Values{"type": {"post"}, "id": {"{posts}"}}, want: modUnseen(invalid, unauth)},
		{name: "no reason, members-only group", form: url.Values{"type": {"post"}, "id": {"{postm}"}}, want: modUnseen(invalid, unauth)},
		{name: "no target", want: modSignedIn(missing, unauth)},
	},
	"GET /me/reports": {{want: modSignedIn(allowed, toLogin)}},
	"GET /me/blocks":  {{want: modSignedIn(allowed, toLogin)}},
	"POST /members/{handle}/block": {
		{name: "nobody", path: "/members/nobody-here/block", want: modSignedIn(missing, unauth)},
	},
	"POST /members/{handle}/unblock": {
		{name: "never blocked", path: "/members/{subject}/unblock", want: modSignedIn(seeOther("/members/mod_subject"), unauth)},
		{name: "nobody", path: "/members/nobody-here/unblock", want: modSignedIn(missing, unauth)},
	},
	"GET /moderation": {
		{want: modSiteOnly(allowed, toLogin)},
		{name: "a member", path: "/moderation?handle={subject}", want: modSiteOnly(allowed, toLogin)},
		{name: "nobody", path: "/moderation?handle=nobody-here", want: modSiteOnly(invalid, toLogin)},
	},
	"GET /groups/{slug}/moderation": {
		{name: "public", path: "/groups/{g}/moderation", want: modGroupMods(allowed, toLogin)},
		{name: "members-only", path: "/groups/{m}/moderation", want: modSiteOnly(allowed, toLogin)},
		{name: "secret", path: "/groups/{s}/moderation", want: modUnseen(allowed, toLogin)},
		{name: "unknown", path: "/groups/no-such-group/moderation", want: modSignedIn(missing, toLogin)},
	},
	"GET /moderation/{type}/{id}": {
		{name: "a post in the group", path: "/moderation/post/{postg}", want: modGroupMods(allowed, toLogin)},
		{name: "the thread", path: "/moderation/discussion/{threadg}", want: modGroupMods(allowed, toLogin)},
		{name: "the group itself", path: "/moderation/group/{gid}", want: modSiteOnly(allowed, toLogin)},
		{name: "a post in the forum", path: "/moderation/post/{postf}", want: modSiteOnly(allowed, toLogin)},
		{name: "a post in a secret group", path: "/moderation/post/{posts}", want: modUnseen(allowed, toLogin)},
		{name: "a post in a members-only group", path: "/moderation/post/{postm}", want: modUnseen(allowed, toLogin)},
		{name: "an unknown kind", path: "/moderation/member/1", want: modSignedIn(missing, toLogin)},
		{name: "not a number", path: "/moderation/post/x", want: modSignedIn(missing, toLogin)},
	},
	"POST /moderation/{type}/{id}/hide": {
		{name: "no reason, post in the group", path: "/moderation/post/{postg}/hide", want: modGroupMods(invalid, unauth)},
		{name: "no reason, the group itself", path: "/moderation/group/{gid}/hide", want: modSiteOnly(invalid, unauth)},
		{name: "no reason, forum post", path: "/moderation/post/{postf}/hide", want: modSiteOnly(invalid, unauth)},
		{name: "no reason, secret group's post", path: "/moderation/post/{posts}/hide", want: modUnseen(invalid, unauth)},
		{name: "nothing", path: "/moderation/post/999999/hide", want: modSignedIn(missing, unauth)},
	},
	"POST /moderation/{type}/{id}/restore": {
		{name: "no reason, post in the group", path: "/moderation/post/{postg}/restore", want: modGroupMods(invalid, unauth)},
		{name: "no reason, secret group", path: "/moderation/group/{sid}/restore", want: modUnseen(invalid, unauth)},
	},
	"POST /moderation/reports/{id}/dismiss": {
		{name: "note too long, post in the group", path: "/moderation/reports/{repg}/dismiss", form: longNote, want: modHandlers(invalid)},
		{name: "note too long, the group itself", path: "/moderation/reports/{repgroup}/dismiss", form: longNote,
			want: [modRoleCount]outcome{unauth, missing, missing, missing, missing, missing, invalid, invalid}},
		{name: "note too long, secret group's post", path: "/moderation/reports/{reps}/dismiss", form: longNote,
			want: [modRoleCount]outcome{unauth, missing, missing, missing, missing, missing, invalid, invalid}},
		{name: "no such report", path: "/moderation/reports/999999/dismiss", want: modSignedIn(missing, unauth)},
	},
	"POST /moderation/members/{handle}/suspend": {
		{name: "nothing typed", path: "/moderation/members/{subject}/suspend", want: modSiteOnly(invalid, unauth)},
		{name: "nobody", path: "/moderation/members/nobody-here/suspend", want: modSiteOnly(missing, unauth)},
	},
	"POST /moderation/members/{handle}/unsuspend": {
		{name: "not suspended", path: "/moderation/members/{subject}/unsuspend", want: modSiteOnly(seeOther("/moderation"), unauth)},
	},
}

func init() {
	var patterns []string
	for p := range moderationMatrix {
		patterns = append(patterns, p)
	}
	coverRoutes("TestModerationAccess", patterns...)
}

type modFixture struct {
	env    *testEnv
	fill   *strings.Replacer
	secret string // the secret group's name, which no 404 may show
}

func newModFixture(t *testing.T) *modFixture {
	t.Helper()
	e := sqliteEnv(t)
	ctx := context.Background()
	for _, h := range append(modHandles[1:], "mod_oadmin", "mod_sadmin", "mod_madmin", "mod_subject", "mod_reporter") {
		e.createMember(h)
	}
	e.grant("mod_sitemod", accounts.RoleModerator)
	e.makeAdmin("mod_root")

	g := e.modGroup("mod_gadmin", "Harbour Peers", groups.Public)
	e.modJoin(g, "mod_gmod", groups.Moderator)
	e.modJoin(g, "mod_gmember", groups.Member)
	o := e.modGroup("mod_oadmin", "Elsewhere Circle", groups.Public)
	e.modJoin(o, "mod_omember", groups.Member)
	s := e.modGroup("mod_sadmin", "Quiet Room Secret", groups.Secret)
	m := e.modGroup("mod_madmin", "Closed Circle", groups.MembersOnly)

	threadG, postG := e.modThread(g, "mod_gmember", "Meeting place", "The drop-in on Tuesday?")
	_, postF := e.modThread(nil, "mod_member", "Hello forum", "Hi everyone")
	_, postS := e.modThread(s, "mod_sadmin", "Just us", "Only for the group")
	_, postM := e.modThread(m, "mod_madmin", "Members only", "Only for members")

	report := func(by *accounts.Member, kind string, id int64) int64 {
		r, err := e.Srv.Moderation.Report(ctx, by, kind, id, moderation.ReportInput{Reason: moderation.Harassment, Details: "Please look"})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	reporter := e.member("mod_reporter")
	repG := report(reporter, moderation.TargetPost, postG)
	repGroup := report(reporter, moderation.TargetGroup, g.ID)
	repS := report(e.member("mod_sadmin"), moderation.TargetPost, postS)

	return &modFixture{env: e, secret: s.Name, fill: strings.NewReplacer(
		"{g}", g.Slug, "{s}", s.Slug, "{m}", m.Slug, "{gid}", fmt.Sprint(g.ID), "{sid}", fmt.Sprint(s.ID),
		"{postg}", fmt.Sprint(postG), "{postf}", fmt.Sprint(postF), "{posts}", fmt.Sprint(postS), "{postm}", fmt.Sprint(postM),
		"{threadg}", fmt.Sprint(threadG.ID), "{repg}", fmt.Sprint(repG), "{repgroup}", fmt.Sprint(repGroup), "{reps}", fmt.Sprint(repS),
		"{subject}", "mod_subject",
	)}
}

func (fx *modFixture) client(r modRole) *client {
	if r == modAnon {
		return fx.env.client()
	}
	return fx.env.sessionClient(modHandles[r])
}

// modSnapshot is everything a moderation request could change.
func (e *testEnv) modSnapshot() []string {
	e.t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT 'report', id, status, COALESCE(CAST(handled_by AS TEXT), ''), outcome_note, reason, details, '' FROM reports ORDER BY id`,
		`SELECT 'block', blocker_id, blocked_id, '', '', '', '', '' FROM member_blocks ORDER BY blocker_id, blocked_id`,
		`SELECT 'member', id, COALESCE(CAST(suspended_until AS TEXT), ''), suspended_reason, '', '', '', '' FROM members ORDER BY id`,
		`SELECT 'group', id, COALESCE(CAST(hidden_at AS TEXT), ''), hidden_reason, '', '', '', '' FROM groups ORDER BY id`,
		`SELECT 'thread', id, COALESCE(CAST(hidden_at AS TEXT), ''), hidden_reason, '', '', '', '' FROM discussions ORDER BY id`,
		`SELECT 'post', id, COALESCE(CAST(hidden_at AS TEXT), ''), hidden_reason, '', '', '', '' FROM posts ORDER BY id`,
		`SELECT 'audit', id, action, target, detail, '', '', '' FROM audit_log ORDER BY id`,
		`SELECT 'notification', id, member_id, kind, params, url, '', '' FROM notifications ORDER BY id`,
	} {
		out = append(out, e.rowsOf(q)...)
	}
	return out
}

func TestModerationAccess(t *testing.T) {
	fx := newModFixture(t)
	patterns := matrixPatterns(t, fx.env.Srv, "moderation", fx.env.Srv.moderationRoutes(), moderationMatrix)
	before := fx.env.modSnapshot()
	run := matrixRun{roles: modRoleNames[:], client: func(r int) *client { return fx.client(modRole(r)) },
		fill: fx.fill, secret: fx.secret}
	for _, pattern := range patterns {
		for _, mc := range moderationMatrix[pattern] {
			run.check(t, matrixCase{pattern: pattern, name: mc.name, path: mc.path, form: mc.form, want: mc.want[:]})
		}
	}
	matrixUnchanged(t, before, fx.env.modSnapshot())
}

// TestModerationPagesKeepSecrets: the queues never show what a reader may
// not see, and a group's moderators never see who reported.
func TestModerationPagesKeepSecrets(t *testing.T) {
	fx := newModFixture(t)
	gq := fx.fill.Replace("/groups/{g}/moderation")
	for _, role := range []modRole{modGroupMod, modGroupAdmin} {
		r := fx.client(role).get(gq)
		if !strings.Contains(r.Body, "Meeting place") {
			t.Errorf("%s: the group's queue lacks the reported post", modRoleNames[role])
		}
		if strings.Contains(r.Body, "mod_reporter") {
			t.Errorf("%s: the group's queue shows who reported", modRoleNames[role])
		}
		for _, secret := range []string{fx.secret, "Just us"} {
			if strings.Contains(r.Body, secret) {
				t.Errorf("%s: the group's queue shows %q", modRoleNames[role], secret)
			}
		}
		if strings.Count(r.Body, `action="/moderation/reports/`) != 1 {
			t.Errorf("%s: the group's queue holds reports from elsewhere", modRoleNames[role])
		}
	}
	r := fx.client(modSiteMod).get("/moderation")
	for _, want := range []string{"Meeting place", "Harbour Peers", "Just us", "mod_reporter"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the site queue lacks %q", want)
		}
	}
	// The moderation link is in the header for site moderators only.
	for role := modMember; role < modRoleCount; role++ {
		has := strings.Contains(fx.client(role).get("/me").Body, `href="/moderation"`)
		if want := role == modSiteMod || role == modSiteAdmin; has != want {
			t.Errorf("%s: moderation link shown = %v", modRoleNames[role], has)
		}
	}
}
