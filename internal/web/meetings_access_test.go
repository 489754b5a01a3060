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
	"involve/internal/meetings"
	"involve/internal/organisations"
)

// The access-control matrix of meetings, with the roles that matter for
// them: a group's own members, moderators and admins; a member of another
// group; staff of a verified and of a pending organisation; site
// moderators and admins.

type mtRole int

const (
	mtAnon        mtRole = iota // not signed in
	mtMember                    // signed in, in no group or organisation
	mtGroupMember               // a plain member of the groups
	mtGroupMod                  // a moderator of the groups
	mtGroupAdmin                // an admin of the groups
	mtOtherGroup                // a member of another group only
	mtVStaff                    // staff (not admin) of a verified organisation
	mtPStaff                    // staff of a pending organisation
	mtSiteMod                   // holds the site moderator role
	mtSiteAdmin                 // holds the site admin role
	mtRoleCount
)

var mtRoleNames = [mtRoleCount]string{"anonymous", "member", "group-member", "group-moderator", "group-admin",
	"other-group", "verified-staff", "pending-staff", "site-moderator", "site-admin"}

var mtHandles = [mtRoleCount]string{"", "mt_member", "mt_gmember", "mt_gmod", "mt_gadmin", "mt_other", "mt_vstaff", "mt_pstaff",
	"mt_smod", "mt_root"}

var mtConflict = outcome{status: http.StatusConflict}

func mtEveryone(o outcome) [mtRoleCount]outcome {
	var w [mtRoleCount]outcome
	for i := range w {
		w[i] = o
	}
	return w
}

type mtCase struct {
	name string
	path string     // with placeholders; "" for the pattern's own path
	form url.Values // nil sends an empty form
	// want, in role order: anonymous, member, group-member, group-moderator,
	// group-admin, other-group, verified-staff, pending-staff,
	// site-moderator, site-admin
	want [mtRoleCount]outcome
}

// What each role gets of a meeting. A public group's or an organisation's
// meeting: everyone. A members-only group's: its members and site
// moderators; closed (forbidden) to others. A secret group's: its members
// and site moderators; not found for anyone else.
var (
	mtSeePublic  = mtEveryone(allowed)
	mtSeeMembers = [mtRoleCount]outcome{forbid, forbid, allowed, allowed, allowed, forbid, forbid, forbid, allowed, allowed}
	mtSeeSecret  = [mtRoleCount]outcome{missing, missing, allowed, allowed, allowed, missing, missing, missing, allowed, allowed}
	// Only the group's moderators and admins organise its meetings, with
	// ok as their outcome; anon is what the guard gives the signed out.
	mtGroupOrganise = func(ok, anon outcome, vis string) [mtRoleCount]outcome {
		w := [mtRoleCount]outcome{anon, forbid, forbid, ok, ok, forbid, forbid, forbid, forbid, forbid}
		if vis == groups.Secret {
			w[mtMember], w[mtOtherGroup], w[mtVStaff], w[mtPStaff] = missing, missing, missing, missing
		}
		return w
	}
	// Only the verified organisation's staff organise its meetings.
	mtOrgOrganise = func(ok, anon outcome) [mtRoleCount]outcome {
		return [mtRoleCount]outcome{anon, forbid, forbid, forbid, forbid, forbid, ok, forbid, forbid, forbid}
	}
	// Signed-in routes: ok for every member, anon for the signed out.
	mtSignedIn = func(ok, anon outcome) [mtRoleCount]outcome {
		w := mtEveryone(ok)
		w[mtAnon] = anon
		return w
	}
)

// meetingsMatrix covers every meetings route. Placeholders: {pub}, {mem},
// {sec} (groups by visibility), {vorg} and {porg} (the verified and the
// pending organisation), {pubm}/{memm}/{secm}/{orgm} (an upcoming meeting of
// each), {pubc}/{memc}/{secc}/{orgc} (a cancelled one), {pubreg} (a
// registration at {pubm}), {pubcode} (an alias's code at {pubm}) and
// {orgcode} (one at {orgm}). Every case leaves the database as it was,
// but for private calendar addresses, which making one is for.
var meetingsMatrix = map[string][]mtCase{
	"GET /meetings": {
		{want: mtSeePublic},
		{name: "filtered", path: "/meetings?mode=in_person&region=Utrecht&language=nl&group={pub}", want: mtSeePublic},
		{name: "past, page 2", path: "/meetings?when=past&page=2", want: mtSeePublic},
	},
	"GET /meetings/new": {
		{name: "public group", path: "/meetings/new?group={pub}", want: mtGroupOrganise(allowed, toLogin, groups.Public)},
		{name: "secret group", path: "/meetings/new?group={sec}", want: mtGroupOrganise(allowed, toLogin, groups.Secret)},
		{name: "verified organisation", path: "/meetings/new?organisation={vorg}", want: mtOrgOrganise(allowed, toLogin)},
		{name: "pending organisation", path: "/meetings/new?organisation={porg}",
			want: [mtRoleCount]outcome{toLogin, missing, missing, missing, missing, missing, missing, forbid, missing, forbid}},
		{name: "nobody to arrange for", path: "/meetings/new", want: mtSignedIn(missing, toLogin)},
		{name: "unknown group", path: "/meetings/new?group=no-such-group", want: mtSignedIn(missing, toLogin)},
	},
	"POST /meetings/new": {
		{name: "public group, nothing typed", path: "/meetings/new?group={pub}", want: mtGroupOrganise(invalid, unauth, groups.Public)},
		{name: "members-only group, nothing typed", path: "/meetings/new?group={mem}", want: mtGroupOrganise(invalid, unauth, groups.MembersOnly)},
		{name: "secret group, nothing typed", path: "/meetings/new?group={sec}", want: mtGroupOrganise(invalid, unauth, groups.Secret)},
		{name: "verified organisation, nothing typed", path: "/meetings/new?organisation={vorg}", want: mtOrgOrganise(invalid, unauth)},
		{name: "pending organisation", path: "/meetings/new?organisation={porg}",
			want: [mtRoleCount]outcome{unauth, missing, missing, missing, missing, missing, missing, forbid, missing, forbid}},
	},
	"GET /meetings/{id}": {
		{name: "public group", path: "/meetings/{pubm}", want: mtSeePublic},
		{name: "members-only group", path: "/meetings/{memm}", want: mtSeeMembers},
		{name: "secret group", path: "/meetings/{secm}", want: mtSeeSecret},
		{name: "organisation", path: "/meetings/{orgm}", want: mtSeePublic},
		{name: "cancelled", path: "/meetings/{pubc}", want: mtSeePublic},
		{name: "public .ics", path: "/meetings/{pubm}.ics", want: mtSeePublic},
		{name: "members-only .ics", path: "/meetings/{memm}.ics", want: mtSeeMembers},
		{name: "secret .ics", path: "/meetings/{secm}.ics", want: mtSeeSecret},
		{name: "unknown", path: "/meetings/999999", want: mtEveryone(missing)},
		{name: "not a number", path: "/meetings/x", want: mtEveryone(missing)},
		{name: "not a number .ics", path: "/meetings/x.ics", want: mtEveryone(missing)},
	},
	"GET /meetings/{id}/edit": {
		{name: "public group", path: "/meetings/{pubm}/edit", want: mtGroupOrganise(allowed, toLogin, groups.Public)},
		{name: "members-only group", path: "/meetings/{memm}/edit", want: mtGroupOrganise(allowed, toLogin, groups.MembersOnly)},
		{name: "secret group", path: "/meetings/{secm}/edit", want: mtGroupOrganise(allowed, toLogin, groups.Secret)},
		{name: "organisation", path: "/meetings/{orgm}/edit", want: mtOrgOrganise(allowed, toLogin)},
		{name: "cancelled", path: "/meetings/{pubc}/edit", want: mtGroupOrganise(mtConflict, toLogin, groups.Public)},
	},
	"POST /meetings/{id}/edit": {
		{name: "public group, nothing typed", path: "/meetings/{pubm}/edit", want: mtGroupOrganise(invalid, unauth, groups.Public)},
		{name: "secret group, nothing typed", path: "/meetings/{secm}/edit", want: mtGroupOrganise(invalid, unauth, groups.Secret)},
		{name: "organisation, nothing typed", path: "/meetings/{orgm}/edit", want: mtOrgOrganise(invalid, unauth)},
		{name: "cancelled", path: "/meetings/{orgc}/edit", want: mtOrgOrganise(mtConflict, unauth)},
	},
	"GET /meetings/{id}/cancel": {
		{name: "public group", path: "/meetings/{pubm}/cancel", want: mtGroupOrganise(allowed, toLogin, groups.Public)},
		{name: "secret group", path: "/meetings/{secm}/cancel", want: mtGroupOrganise(allowed, toLogin, groups.Secret)},
		{name: "organisation", path: "/meetings/{orgm}/cancel", want: mtOrgOrganise(allowed, toLogin)},
	},
	"POST /meetings/{id}/cancel": {
		{name: "public group, cancelled already", path: "/meetings/{pubc}/cancel", want: mtGroupOrganise(mtConflict, unauth, groups.Public)},
		{name: "members-only group, cancelled already", path: "/meetings/{memc}/cancel", want: mtGroupOrganise(mtConflict, unauth, groups.MembersOnly)},
		{name: "secret group, cancelled already", path: "/meetings/{secc}/cancel", want: mtGroupOrganise(mtConflict, unauth, groups.Secret)},
		{name: "organisation, cancelled already", path: "/meetings/{orgc}/cancel", want: mtOrgOrganise(mtConflict, unauth)},
		{name: "a reason too long", path: "/meetings/{pubm}/cancel", form: url.Values{"reason": {strings.Repeat("x", 501)}},
			want: mtGroupOrganise(invalid, unauth, groups.Public)},
	},
	"POST /meetings/{id}/register": {
		// Signed out, nothing typed, is a missing alias; signed in, the
		// cancelled meeting refuses.
		{name: "public group, cancelled", path: "/meetings/{pubc}/register", want: mtSignedIn(mtConflict, invalid)},
		{name: "members-only group, cancelled", path: "/meetings/{memc}/register",
			want: [mtRoleCount]outcome{forbid, forbid, mtConflict, mtConflict, mtConflict, forbid, forbid, forbid, forbid, forbid}},
		// Site moderators see such meetings, to moderate, but do not take part.
		{name: "secret group, cancelled", path: "/meetings/{secc}/register",
			want: [mtRoleCount]outcome{missing, missing, mtConflict, mtConflict, mtConflict, missing, missing, missing, forbid, forbid}},
		{name: "organisation, cancelled", path: "/meetings/{orgc}/register", want: mtSignedIn(mtConflict, invalid)},
		{name: "unknown", path: "/meetings/999999/register", want: mtEveryone(missing)},
	},
	"POST /meetings/{id}/registration": {
		// Nobody of these is registered: nothing to change.
		{name: "public group", path: "/meetings/{pubm}/registration", want: mtSignedIn(mtConflict, unauth)},
		{name: "secret group", path: "/meetings/{secm}/registration",
			want: [mtRoleCount]outcome{unauth, missing, mtConflict, mtConflict, mtConflict, missing, missing, missing, mtConflict, mtConflict}},
		{name: "a note too long", path: "/meetings/{memm}/registration", form: url.Values{"note": {strings.Repeat("x", 501)}},
			want: [mtRoleCount]outcome{unauth, forbid, invalid, invalid, invalid, forbid, forbid, forbid, invalid, invalid}},
	},
	"POST /meetings/{id}/unregister": {
		// Nobody of these is registered: nothing to cancel.
		{name: "public group", path: "/meetings/{pubm}/unregister", want: mtSignedIn(mtConflict, unauth)},
		{name: "members-only group", path: "/meetings/{memm}/unregister",
			want: [mtRoleCount]outcome{unauth, forbid, mtConflict, mtConflict, mtConflict, forbid, forbid, forbid, mtConflict, mtConflict}},
		{name: "secret group", path: "/meetings/{secm}/unregister",
			want: [mtRoleCount]outcome{unauth, missing, mtConflict, mtConflict, mtConflict, missing, missing, missing, mtConflict, mtConflict}},
	},
	"GET /meetings/{id}/manage/{code}": {
		// The code is the key: whoever holds it sees the registration.
		{name: "public group", path: "/meetings/{pubm}/manage/{pubcode}", want: mtEveryone(allowed)},
		{name: "organisation", path: "/meetings/{orgm}/manage/{orgcode}", want: mtEveryone(allowed)},
		{name: "another meeting's code", path: "/meetings/{orgm}/manage/{pubcode}", want: mtEveryone(missing)},
		{name: "a wrong code", path: "/meetings/{pubm}/manage/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", want: mtEveryone(missing)},
	},
	"POST /meetings/{id}/manage/{code}": {
		{name: "no action", path: "/meetings/{pubm}/manage/{pubcode}", want: mtEveryone(badReq)},
		{name: "a note too long", path: "/meetings/{pubm}/manage/{pubcode}", form: url.Values{"action": {"note"}, "note": {strings.Repeat("x", 501)}},
			want: mtEveryone(invalid)},
		{name: "a wrong code", path: "/meetings/{pubm}/manage/AAAA-BBBB", form: url.Values{"action": {"cancel"}}, want: mtEveryone(missing)},
	},
	"GET /meetings/{id}/registrations": {
		{name: "public group", path: "/meetings/{pubm}/registrations", want: mtGroupOrganise(allowed, toLogin, groups.Public)},
		{name: "members-only group", path: "/meetings/{memm}/registrations", want: mtGroupOrganise(allowed, toLogin, groups.MembersOnly)},
		{name: "secret group", path: "/meetings/{secm}/registrations", want: mtGroupOrganise(allowed, toLogin, groups.Secret)},
		{name: "organisation", path: "/meetings/{orgm}/registrations", want: mtOrgOrganise(allowed, toLogin)},
	},
	"POST /meetings/{id}/registrations/{reg}": {
		{name: "no action", path: "/meetings/{pubm}/registrations/{pubreg}", want: mtGroupOrganise(invalid, unauth, groups.Public)},
		{name: "approving one not pending", path: "/meetings/{pubm}/registrations/{pubreg}", form: url.Values{"action": {"approve"}},
			want: mtGroupOrganise(mtConflict, unauth, groups.Public)},
		{name: "another meeting's registration", path: "/meetings/{orgm}/registrations/{pubreg}", form: url.Values{"action": {"cancel"}},
			want: mtOrgOrganise(missing, unauth)},
		{name: "not a number", path: "/meetings/{pubm}/registrations/x", want: mtGroupOrganise(missing, unauth, groups.Public)},
	},
	"POST /meetings/{id}/invitations": {
		{name: "public group, nothing typed", path: "/meetings/{pubm}/invitations", want: mtGroupOrganise(invalid, unauth, groups.Public)},
		{name: "secret group, an unknown handle", path: "/meetings/{secm}/invitations", form: url.Values{"handle": {"nobody_here"}},
			want: mtGroupOrganise(invalid, unauth, groups.Secret)},
		{name: "organisation, nothing typed", path: "/meetings/{orgm}/invitations", want: mtOrgOrganise(invalid, unauth)},
	},
	"GET /meetings/{id}/agenda": {
		{name: "public group", path: "/meetings/{pubm}/agenda", want: mtGroupOrganise(allowed, toLogin, groups.Public)},
		{name: "secret group", path: "/meetings/{secm}/agenda", want: mtGroupOrganise(allowed, toLogin, groups.Secret)},
		{name: "organisation", path: "/meetings/{orgm}/agenda", want: mtOrgOrganise(allowed, toLogin)},
	},
	"POST /meetings/{id}/agenda": {
		{name: "a point without a title", path: "/meetings/{pubm}/agenda", form: url.Values{"item_title": {""}, "item_notes": {"notes"}},
			want: mtGroupOrganise(invalid, unauth, groups.Public)},
		{name: "members-only group", path: "/meetings/{memm}/agenda", form: url.Values{"item_title": {""}, "item_notes": {"notes"}},
			want: mtGroupOrganise(invalid, unauth, groups.MembersOnly)},
		{name: "organisation", path: "/meetings/{orgm}/agenda", form: url.Values{"item_title": {""}, "item_notes": {"notes"}},
			want: mtOrgOrganise(invalid, unauth)},
	},
	"POST /meetings/{id}/attachments": {
		{name: "public group, nothing typed", path: "/meetings/{pubm}/attachments", want: mtGroupOrganise(invalid, unauth, groups.Public)},
		{name: "a javascript link", path: "/meetings/{orgm}/attachments", form: url.Values{"link_title": {"x"}, "link_url": {"javascript:alert(1)"}},
			want: mtOrgOrganise(invalid, unauth)},
	},
	"POST /meetings/{id}/attachments/{att}/remove": {
		{name: "unknown link", path: "/meetings/{pubm}/attachments/999999/remove", want: mtGroupOrganise(missing, unauth, groups.Public)},
		{name: "secret group, unknown link", path: "/meetings/{secm}/attachments/999999/remove", want: mtGroupOrganise(missing, unauth, groups.Secret)},
	},
	"GET /meetings/{id}/minutes": {
		{name: "public group", path: "/meetings/{pubm}/minutes", want: mtGroupOrganise(allowed, toLogin, groups.Public)},
		{name: "organisation", path: "/meetings/{orgm}/minutes", want: mtOrgOrganise(allowed, toLogin)},
	},
	"POST /meetings/{id}/minutes": {
		{name: "a bad date", path: "/meetings/{pubm}/minutes", form: url.Values{"action": {"Book a room"}, "action_due": {"soon"}},
			want: mtGroupOrganise(invalid, unauth, groups.Public)},
		{name: "secret group, a bad date", path: "/meetings/{secm}/minutes", form: url.Values{"action": {"Book a room"}, "action_due": {"soon"}},
			want: mtGroupOrganise(invalid, unauth, groups.Secret)},
	},
	"GET /meetings/{id}/attendance": {
		{name: "public group", path: "/meetings/{pubm}/attendance", want: mtGroupOrganise(allowed, toLogin, groups.Public)},
		{name: "members-only group", path: "/meetings/{memm}/attendance", want: mtGroupOrganise(allowed, toLogin, groups.MembersOnly)},
		{name: "organisation", path: "/meetings/{orgm}/attendance", want: mtOrgOrganise(allowed, toLogin)},
	},
	"POST /meetings/{id}/attendance": {
		{name: "before it starts", path: "/meetings/{pubm}/attendance", want: mtGroupOrganise(mtConflict, unauth, groups.Public)},
		{name: "organisation, before it starts", path: "/meetings/{orgm}/attendance", want: mtOrgOrganise(mtConflict, unauth)},
	},
	"POST /meetings/{id}/payments": {
		{name: "nothing typed", path: "/meetings/{pubm}/payments", want: mtGroupOrganise(invalid, unauth, groups.Public)},
		{name: "secret group, nothing typed", path: "/meetings/{secm}/payments", want: mtGroupOrganise(invalid, unauth, groups.Secret)},
		{name: "organisation, nothing typed", path: "/meetings/{orgm}/payments", want: mtOrgOrganise(invalid, unauth)},
	},
	"POST /meetings/{id}/payments/{pay}": {
		{name: "unknown payment", path: "/meetings/{pubm}/payments/999999", want: mtGroupOrganise(missing, unauth, groups.Public)},
		{name: "organisation, unknown payment", path: "/meetings/{orgm}/payments/999999", want: mtOrgOrganise(missing, unauth)},
	},
	"GET /me/meetings":           {{want: mtSignedIn(allowed, toLogin)}},
	"POST /me/meetings/calendar": {{want: mtSignedIn(allowed, unauth)}},
	"GET /organisations/{slug}/payments.csv": {
		{name: "verified", path: "/organisations/{vorg}/payments.csv",
			want: [mtRoleCount]outcome{toLogin, forbid, forbid, forbid, forbid, forbid, allowed, forbid, forbid, forbid}},
		{name: "pending", path: "/organisations/{porg}/payments.csv",
			want: [mtRoleCount]outcome{toLogin, missing, missing, missing, missing, missing, missing, allowed, missing, forbid}},
	},
	"GET /groups/{slug}/meetings.ics": {
		{name: "public", path: "/groups/{pub}/meetings.ics", want: mtEveryone(allowed)},
		{name: "members-only", path: "/groups/{mem}/meetings.ics", want: mtEveryone(missing)},
		{name: "secret", path: "/groups/{sec}/meetings.ics", want: mtEveryone(missing)},
	},
	"GET /organisations/{slug}/meetings.ics": {
		{name: "verified", path: "/organisations/{vorg}/meetings.ics", want: mtEveryone(allowed)},
		{name: "pending", path: "/organisations/{porg}/meetings.ics", want: mtEveryone(missing)},
	},
	"GET /calendar/{file}": {
		{name: "an unknown token", path: "/calendar/not-a-token.ics", want: mtEveryone(missing)},
		{name: "no .ics", path: "/calendar/not-a-token", want: mtEveryone(missing)},
	},
}

func init() {
	var patterns []string
	for p := range meetingsMatrix {
		patterns = append(patterns, p)
	}
	coverRoutes("TestMeetingsAccess", patterns...)
}

type mtFixture struct {
	env    *testEnv
	fill   *strings.Replacer
	secret *groups.Group
}

// mtMeeting arranges a meeting through the store.
func (e *testEnv) mtMeeting(by string, o meetings.Organiser, title string) *meetings.Meeting {
	e.t.Helper()
	in := meetings.Input{Title: title, TimeZone: "Europe/Amsterdam", Date: time.Now().AddDate(0, 0, 10).Format(meetings.DateLayout),
		StartTime: "18:00", EndTime: "20:00", Mode: meetings.Both, Venue: "Harbour House", OnlineLink: "https://talk.example.org/room",
		Registration: meetings.RegisterOpen, ShowCount: true, Region: "Utrecht", Language: "nl"}
	m, err := e.Srv.Meetings.Create(context.Background(), e.member(by).ID, o, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func newMtFixture(t *testing.T) *mtFixture {
	t.Helper()
	e := sqliteEnv(t)
	ctx := context.Background()
	for _, h := range append(mtHandles[1:], "mt_vadmin", "mt_padmin", "mt_attendee") {
		e.createMember(h)
	}
	e.makeAdmin("mt_root")
	e.grant("mt_smod", accounts.RoleModerator)
	verified := e.createOrganisation("mt_vadmin", "Verified Service", organisations.Service, true)
	e.addStaff(verified, "mt_vstaff", organisations.Staff)
	pending := e.createOrganisation("mt_padmin", "Pending Agency", organisations.Agency, false)
	e.addStaff(pending, "mt_pstaff", organisations.Staff)

	fx := &mtFixture{env: e}
	pairs := []string{"{vorg}", verified.Slug, "{porg}", pending.Slug}
	cancel := func(m *meetings.Meeting, by string) {
		if err := e.Srv.Meetings.Cancel(ctx, m.ID, e.member(by).ID); err != nil {
			t.Fatal(err)
		}
	}
	for key, vis := range map[string]string{"pub": groups.Public, "mem": groups.MembersOnly, "sec": groups.Secret} {
		g := e.supGroup("mt_gadmin", "Meeting group "+key, vis)
		e.supAddMember(g, "mt_gmod", groups.Moderator)
		e.supAddMember(g, "mt_gmember", groups.Member)
		e.supAddMember(g, "mt_attendee", groups.Member)
		if vis == groups.Secret {
			fx.secret = g
		}
		o := meetings.Organiser{GroupID: g.ID}
		m := e.mtMeeting("mt_gmod", o, "Upcoming of "+key)
		c := e.mtMeeting("mt_gmod", o, "Cancelled of "+key)
		cancel(c, "mt_gmod")
		pairs = append(pairs, "{"+key+"}", g.Slug, "{"+key+"m}", fmt.Sprint(m.ID), "{"+key+"c}", fmt.Sprint(c.ID))
		if key == "pub" {
			reg, err := e.Srv.Meetings.Register(ctx, m.ID, e.member("mt_attendee").ID, meetings.RegisterInput{Note: "Step-free please"})
			if err != nil {
				t.Fatal(err)
			}
			_, code, err := e.Srv.Meetings.RegisterAlias(ctx, m.ID, meetings.RegisterInput{Alias: "River"})
			if err != nil {
				t.Fatal(err)
			}
			pairs = append(pairs, "{pubreg}", fmt.Sprint(reg.ID), "{pubcode}", code)
		}
	}
	e.supGroup("mt_other", "Elsewhere Circle", groups.Public)
	org := meetings.Organiser{OrganisationID: verified.ID}
	om := e.mtMeeting("mt_vstaff", org, "Service open day")
	oc := e.mtMeeting("mt_vstaff", org, "Service day off")
	cancel(oc, "mt_vstaff")
	_, code, err := e.Srv.Meetings.RegisterAlias(ctx, om.ID, meetings.RegisterInput{Alias: "Sea"})
	if err != nil {
		t.Fatal(err)
	}
	pairs = append(pairs, "{orgm}", fmt.Sprint(om.ID), "{orgc}", fmt.Sprint(oc.ID), "{orgcode}", code)
	fx.fill = strings.NewReplacer(pairs...)
	return fx
}

func (fx *mtFixture) client(r mtRole) *client {
	if r == mtAnon {
		return fx.env.client()
	}
	return fx.env.sessionClient(mtHandles[r])
}

// mtSnapshot is the meetings tables, notifications and search.
func (e *testEnv) mtSnapshot() []string {
	e.t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT 'meeting', id, title, status, description, registration, capacity, CAST(updated_at AS TEXT) FROM meetings ORDER BY id`,
		`SELECT 'reg', id, meeting_id, COALESCE(CAST(member_id AS TEXT), ''), alias, status, note, COALESCE(CAST(attended AS TEXT), '') FROM meeting_registrations ORDER BY id`,
		`SELECT 'invitation', meeting_id, member_id, '', '', '', '', '' FROM meeting_invitations ORDER BY meeting_id, member_id`,
		`SELECT 'agenda', id, meeting_id, title, notes, '', '', '' FROM meeting_agenda ORDER BY id`,
		`SELECT 'decision', id, meeting_id, text, '', '', '', '' FROM meeting_decisions ORDER BY id`,
		`SELECT 'action', id, meeting_id, text, who, due, '', '' FROM meeting_actions ORDER BY id`,
		`SELECT 'attachment', id, meeting_id, title, url, '', '', '' FROM meeting_attachments ORDER BY id`,
		`SELECT 'payment', id, meeting_id, payee, kind, amount, method, status FROM meeting_payments ORDER BY id`,
		`SELECT 'notification', id, member_id, kind, params, url, '', '' FROM notifications ORDER BY id`,
		`SELECT 'search', kind, ref, lang, title, body, url, visibility FROM search_documents WHERE kind = 'meeting' ORDER BY ref`,
	} {
		out = append(out, e.rowsOf(q)...)
	}
	return out
}

func TestMeetingsAccess(t *testing.T) {
	fx := newMtFixture(t)
	patterns := matrixPatterns(t, fx.env.Srv, "meetings", fx.env.Srv.meetingAllRoutes(), meetingsMatrix)
	before := fx.env.mtSnapshot()
	run := matrixRun{roles: mtRoleNames[:], client: func(r int) *client { return fx.client(mtRole(r)) },
		fill: fx.fill, secret: fx.secret.Name}
	for _, pattern := range patterns {
		for _, sc := range meetingsMatrix[pattern] {
			run.check(t, matrixCase{pattern: pattern, name: sc.name, path: sc.path, form: sc.form, want: sc.want[:]})
		}
	}
	matrixUnchanged(t, before, fx.env.mtSnapshot())
}

// TestMeetingsAccessSecrets checks what the matrix cannot: that notes,
// names and the online link reach only who may see them, and that the
// listing and search keep a secret group's meeting from outsiders.
func TestMeetingsAccessSecrets(t *testing.T) {
	fx := newMtFixture(t)
	pub := fx.fill.Replace("/meetings/{pubm}")
	for role := mtAnon; role < mtRoleCount; role++ {
		body := fx.client(role).get(pub).Body
		organiser := role == mtGroupMod || role == mtGroupAdmin
		if got := strings.Contains(body, "https://talk.example.org/room"); got != organiser {
			t.Errorf("%s sees the online link: %v", mtRoleNames[role], got)
		}
		if got := strings.Contains(body, "mt_attendee"); got != organiser {
			t.Errorf("%s sees the attendee's name: %v", mtRoleNames[role], got)
		}
		if strings.Contains(body, "Step-free please") {
			t.Errorf("%s sees an attendee's note on the meeting page", mtRoleNames[role])
		}
		list := fx.client(role).get("/meetings").Body
		insider := role == mtGroupMember || role == mtGroupMod || role == mtGroupAdmin || role == mtSiteMod || role == mtSiteAdmin
		if got := strings.Contains(list, "Upcoming of sec"); got != insider {
			t.Errorf("%s finds the secret group's meeting in /meetings: %v", mtRoleNames[role], got)
		}
		if got := strings.Contains(list, "Upcoming of mem"); got != insider {
			t.Errorf("%s finds the members-only group's meeting in /meetings: %v", mtRoleNames[role], got)
		}
	}
	// The attendee with a seat sees the link.
	if body := fx.env.sessionClient("mt_attendee").get(pub).Body; !strings.Contains(body, "https://talk.example.org/room") {
		t.Errorf("an attendee with a place does not see the online link")
	}
	// Search finds the public meeting, not the secret one.
	body := fx.client(mtAnon).get("/search?q=Upcoming").Body
	if !strings.Contains(body, `href="`+pub+`"`) || strings.Contains(body, fx.fill.Replace(`href="/meetings/{secm}"`)) {
		t.Errorf("search for meetings, signed out, is wrong")
	}
}

// TestMeetingsAccessAgreesWithRoutes checks the matrix against each
// route's declared Access.
func TestMeetingsAccessAgreesWithRoutes(t *testing.T) {
	e := sqliteEnv(t)
	for pattern, access := range e.Srv.Routes() {
		method, _, _ := strings.Cut(pattern, " ")
		for _, sc := range meetingsMatrix[pattern] {
			if access != SignedIn {
				continue
			}
			want := unauth
			if method == http.MethodGet {
				want = toLogin
			}
			if sc.want[mtAnon] != want {
				t.Errorf("%s (%s) needs signing in: the matrix says %v for anonymous, want %v", pattern, sc.name, sc.want[mtAnon], want)
			}
		}
	}
}
