package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"involve/internal/discussions"
	"involve/internal/groups"
	"involve/internal/organisations"
)

// The discussions' access matrix: every discussion route, for every role
// that matters to discussions, in the forum and in a public, a
// members-only and a secret group.

type discRole int

const (
	dAnon      discRole = iota // not signed in
	dMember                    // signed in, in no group; wrote the forum threads
	dGMember                   // member of the three groups; wrote their threads
	dGMod                      // moderator of the three groups
	dGAdmin                    // admin of the three groups
	dOther                     // member of another group only
	dSiteMod                   // site moderator, in no group
	dSiteAdmin                 // site admin, in no group
	dRoleCount
)

var discRoleNames = [dRoleCount]string{"anonymous", "member", "group-member", "group-moderator", "group-admin", "other-group", "site-moderator", "site-admin"}

type discWant [dRoleCount]outcome

func discAll(o outcome) discWant {
	var w discWant
	for i := range w {
		w[i] = o
	}
	return w
}

type discCase struct {
	name string
	path string
	form url.Values
	// want, in role order: anonymous, member, group-member, group-moderator,
	// group-admin, other-group, site-moderator, site-admin
	want discWant
}

// Paths hold placeholders: {P} is a place ("pub", "mem", "sec"); {slug:P}
// its group's slug; {x:P} an open thread there, {y:P} a pinned and locked
// one; {post:P} the first post of {x:P}. The forum is the place "forum".
var (
	notFoundForOutsiders = func(in outcome) discWant {
		return discWant{missing, missing, in, in, in, missing, in, in}
	}
	closedForOutsiders = func(in outcome) discWant {
		return discWant{forbid, forbid, in, in, in, forbid, in, in}
	}
	d303 = func(to string) outcome { return seeOther(to) }
)

var discussionMatrix = map[string][]discCase{
	"GET /discussions":      {{want: discAll(allowed)}, {name: "page 2 of 1", path: "/discussions?page=2", want: discAll(missing)}},
	"GET /discussions.atom": {{want: discAll(allowed)}},
	"GET /discussions/new":  {{want: discWant{toLogin, allowed, allowed, allowed, allowed, allowed, allowed, allowed}}},
	"POST /discussions":     {{name: "empty form", want: discWant{unauth, invalid, invalid, invalid, invalid, invalid, invalid, invalid}}},
	"GET /discussions/{id}": {
		{name: "forum thread", path: "/discussions/{x:forum}", want: discAll(allowed)},
		{name: "public group's thread", path: "/discussions/{x:pub}", want: discAll(d303("{url:pub}"))},
		{name: "members-only group's thread", path: "/discussions/{x:mem}", want: closedForOutsiders(d303("{url:mem}"))},
		{name: "secret group's thread", path: "/discussions/{x:sec}", want: notFoundForOutsiders(d303("{url:sec}"))},
		{name: "no such thread", path: "/discussions/999999", want: discAll(missing)},
		{name: "not a number", path: "/discussions/abc", want: discAll(missing)},
	},
	"POST /discussions/{id}/replies": {
		{name: "forum, empty", path: "/discussions/{x:forum}/replies", want: discWant{unauth, invalid, invalid, invalid, invalid, invalid, invalid, invalid}},
		{name: "forum, locked", path: "/discussions/{y:forum}/replies", want: discWant{unauth, invalid, invalid, invalid, invalid, invalid, invalid, invalid}},
		{name: "public group", path: "/discussions/{x:pub}/replies", want: discWant{unauth, forbid, invalid, invalid, invalid, forbid, forbid, forbid}},
		{name: "members-only group", path: "/discussions/{x:mem}/replies", want: discWant{unauth, forbid, invalid, invalid, invalid, forbid, forbid, forbid}},
		{name: "secret group", path: "/discussions/{x:sec}/replies", want: discWant{unauth, missing, invalid, invalid, invalid, missing, forbid, forbid}},
	},
	"POST /discussions/{id}/pin": {
		{name: "forum, pinned already", path: "/discussions/{y:forum}/pin", want: discWant{unauth, forbid, forbid, forbid, forbid, forbid, d303("{yurl:forum}"), d303("{yurl:forum}")}},
		{name: "public group, pinned already", path: "/discussions/{y:pub}/pin", want: discWant{unauth, forbid, forbid, d303("{yurl:pub}"), d303("{yurl:pub}"), forbid, d303("{yurl:pub}"), d303("{yurl:pub}")}},
		{name: "members-only group", path: "/discussions/{y:mem}/pin", want: discWant{unauth, forbid, forbid, d303("{yurl:mem}"), d303("{yurl:mem}"), forbid, d303("{yurl:mem}"), d303("{yurl:mem}")}},
		{name: "secret group", path: "/discussions/{y:sec}/pin", want: discWant{unauth, missing, forbid, d303("{yurl:sec}"), d303("{yurl:sec}"), missing, d303("{yurl:sec}"), d303("{yurl:sec}")}},
	},
	"POST /discussions/{id}/unpin": {
		{name: "forum, not pinned", path: "/discussions/{x:forum}/unpin", want: discWant{unauth, forbid, forbid, forbid, forbid, forbid, d303("{url:forum}"), d303("{url:forum}")}},
		{name: "secret group", path: "/discussions/{x:sec}/unpin", want: discWant{unauth, missing, forbid, d303("{url:sec}"), d303("{url:sec}"), missing, d303("{url:sec}"), d303("{url:sec}")}},
	},
	"POST /discussions/{id}/lock": {
		{name: "forum, locked already", path: "/discussions/{y:forum}/lock", want: discWant{unauth, forbid, forbid, forbid, forbid, forbid, d303("{yurl:forum}"), d303("{yurl:forum}")}},
		{name: "members-only group", path: "/discussions/{y:mem}/lock", want: discWant{unauth, forbid, forbid, d303("{yurl:mem}"), d303("{yurl:mem}"), forbid, d303("{yurl:mem}"), d303("{yurl:mem}")}},
	},
	"POST /discussions/{id}/unlock": {
		{name: "public group, not locked", path: "/discussions/{x:pub}/unlock", want: discWant{unauth, forbid, forbid, d303("{url:pub}"), d303("{url:pub}"), forbid, d303("{url:pub}"), d303("{url:pub}")}},
		{name: "secret group", path: "/discussions/{x:sec}/unlock", want: discWant{unauth, missing, forbid, d303("{url:sec}"), d303("{url:sec}"), missing, d303("{url:sec}"), d303("{url:sec}")}},
	},
	"POST /discussions/{id}/follow": {
		{name: "forum", path: "/discussions/{x:forum}/follow", want: discWant{unauth, d303("{url:forum}"), d303("{url:forum}"), d303("{url:forum}"), d303("{url:forum}"), d303("{url:forum}"), d303("{url:forum}"), d303("{url:forum}")}},
		{name: "members-only group", path: "/discussions/{x:mem}/follow", want: discWant{unauth, forbid, d303("{url:mem}"), d303("{url:mem}"), d303("{url:mem}"), forbid, d303("{url:mem}"), d303("{url:mem}")}},
		{name: "secret group", path: "/discussions/{x:sec}/follow", want: discWant{unauth, missing, d303("{url:sec}"), d303("{url:sec}"), d303("{url:sec}"), missing, d303("{url:sec}"), d303("{url:sec}")}},
	},
	"POST /discussions/{id}/unfollow": {
		{name: "public group", path: "/discussions/{x:pub}/unfollow", want: discWant{unauth, d303("{url:pub}"), d303("{url:pub}"), d303("{url:pub}"), d303("{url:pub}"), d303("{url:pub}"), d303("{url:pub}"), d303("{url:pub}")}},
		{name: "secret group", path: "/discussions/{x:sec}/unfollow", want: discWant{unauth, missing, d303("{url:sec}"), d303("{url:sec}"), d303("{url:sec}"), missing, d303("{url:sec}"), d303("{url:sec}")}},
	},

	"GET /groups/{slug}/discussions": {
		{name: "public", path: "/groups/{slug:pub}/discussions", want: discAll(allowed)},
		{name: "members-only", path: "/groups/{slug:mem}/discussions", want: closedForOutsiders(allowed)},
		{name: "secret", path: "/groups/{slug:sec}/discussions", want: notFoundForOutsiders(allowed)},
		{name: "no such group", path: "/groups/no-such-group/discussions", want: discAll(missing)},
	},
	"GET /groups/{slug}/discussions.atom": {
		{name: "public", path: "/groups/{slug:pub}/discussions.atom", want: discAll(allowed)},
		{name: "members-only: no feed", path: "/groups/{slug:mem}/discussions.atom", want: discAll(missing)},
		{name: "secret: no feed", path: "/groups/{slug:sec}/discussions.atom", want: discAll(missing)},
	},
	"GET /groups/{slug}/discussions/new": {
		{name: "public", path: "/groups/{slug:pub}/discussions/new", want: discWant{toLogin, forbid, allowed, allowed, allowed, forbid, forbid, forbid}},
		{name: "members-only", path: "/groups/{slug:mem}/discussions/new", want: discWant{toLogin, forbid, allowed, allowed, allowed, forbid, forbid, forbid}},
		{name: "secret", path: "/groups/{slug:sec}/discussions/new", want: discWant{toLogin, missing, allowed, allowed, allowed, missing, forbid, forbid}},
	},
	"POST /groups/{slug}/discussions": {
		{name: "public, empty", path: "/groups/{slug:pub}/discussions", want: discWant{unauth, forbid, invalid, invalid, invalid, forbid, forbid, forbid}},
		{name: "members-only, empty", path: "/groups/{slug:mem}/discussions", want: discWant{unauth, forbid, invalid, invalid, invalid, forbid, forbid, forbid}},
		{name: "secret, empty", path: "/groups/{slug:sec}/discussions", want: discWant{unauth, missing, invalid, invalid, invalid, missing, forbid, forbid}},
	},
	"GET /groups/{slug}/discussions/{id}": {
		{name: "public", path: "{url:pub}", want: discAll(allowed)},
		{name: "members-only", path: "{url:mem}", want: closedForOutsiders(allowed)},
		{name: "secret", path: "{url:sec}", want: notFoundForOutsiders(allowed)},
		{name: "another group's thread", path: "/groups/{slug:pub}/discussions/{x:mem}", want: discAll(missing)},
		{name: "a forum thread", path: "/groups/{slug:pub}/discussions/{x:forum}", want: discAll(missing)},
	},

	"GET /posts/{id}": {
		{name: "forum", path: "/posts/{post:forum}", want: discAll(d303("{url:forum}#post-1"))},
		{name: "members-only", path: "/posts/{post:mem}", want: closedForOutsiders(d303("{url:mem}#post-1"))},
		{name: "secret", path: "/posts/{post:sec}", want: notFoundForOutsiders(d303("{url:sec}#post-1"))},
		{name: "no such post", path: "/posts/999999", want: discAll(missing)},
	},
	"GET /posts/{id}/edit": {
		{name: "forum: its author only", path: "/posts/{post:forum}/edit", want: discWant{toLogin, allowed, forbid, forbid, forbid, forbid, forbid, forbid}},
		{name: "public group", path: "/posts/{post:pub}/edit", want: discWant{toLogin, forbid, allowed, forbid, forbid, forbid, forbid, forbid}},
		{name: "members-only group", path: "/posts/{post:mem}/edit", want: discWant{toLogin, forbid, allowed, forbid, forbid, forbid, forbid, forbid}},
		{name: "secret group", path: "/posts/{post:sec}/edit", want: discWant{toLogin, missing, allowed, forbid, forbid, missing, forbid, forbid}},
		{name: "locked thread", path: "/posts/{ypost:forum}/edit", want: discWant{toLogin, forbid, forbid, forbid, forbid, forbid, forbid, forbid}},
	},
	"POST /posts/{id}/edit": {
		{name: "forum, empty", path: "/posts/{post:forum}/edit", want: discWant{unauth, invalid, forbid, forbid, forbid, forbid, forbid, forbid}},
		{name: "secret group, empty", path: "/posts/{post:sec}/edit", want: discWant{unauth, missing, invalid, forbid, forbid, missing, forbid, forbid}},
	},
	"GET /posts/{id}/history": {
		{name: "forum", path: "/posts/{post:forum}/history", want: discAll(allowed)},
		{name: "members-only", path: "/posts/{post:mem}/history", want: closedForOutsiders(allowed)},
		{name: "secret", path: "/posts/{post:sec}/history", want: notFoundForOutsiders(allowed)},
	},
}

func init() {
	var patterns []string
	for p := range discussionMatrix {
		patterns = append(patterns, p)
	}
	coverRoutes("TestDiscussionAccess", patterns...)
}

// discFixture is a site with a member of every role and threads in each
// place.
type discFixture struct {
	env     *testEnv
	handles [dRoleCount]string
	fill    *strings.Replacer
}

func newDiscFixture(t *testing.T) *discFixture {
	t.Helper()
	e := sqliteEnv(t)
	fx := &discFixture{env: e, handles: [dRoleCount]string{"", "plain", "gmember", "gmod", "gadmin", "othergroup", "sitemod", "siteadmin"}}
	for _, h := range fx.handles[1:] {
		e.createMember(h)
	}
	e.discSiteModerator("sitemod")
	e.makeAdmin("siteadmin")
	e.createMember("dorgadmin")
	e.createMember("dstaff")
	e.addStaff(e.createOrganisation("dorgadmin", "Discussed Service", organisations.Service, true), "dstaff", organisations.Staff)
	ctx := context.Background()
	inGroup := map[string]string{"gmember": groups.Member, "gmod": groups.Moderator}
	places := map[string]*groups.Group{
		"pub": e.discGroup("Open circle", groups.Public, "gadmin", inGroup),
		"mem": e.discGroup("Closed circle", groups.MembersOnly, "gadmin", inGroup),
		"sec": e.discGroup("Quiet circle", groups.Secret, "gadmin", inGroup),
	}
	e.discGroup("Another circle", groups.Public, "othergroup", nil)
	var pairs []string
	for _, place := range []string{"forum", "pub", "mem", "sec"} {
		g := places[place]
		author := "gmember"
		if g == nil {
			author = "plain"
		}
		x := e.discThread(g, author, "Open thread in "+place, "Words in "+place)
		y := e.discThread(g, author, "Pinned, locked thread in "+place, "More words")
		if _, err := e.Srv.Discussions.SetPinned(ctx, y.ID, e.member("siteadmin").ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Srv.Discussions.SetLocked(ctx, y.ID, e.member("siteadmin").ID, true); err != nil {
			t.Fatal(err)
		}
		post := func(d *discussions.Discussion) string {
			ps, err := e.Srv.Discussions.Range(ctx, d.ID, 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(ps[0].ID)
		}
		pairs = append(pairs, "{x:"+place+"}", fmt.Sprint(x.ID), "{y:"+place+"}", fmt.Sprint(y.ID),
			"{url:"+place+"}", x.URL(), "{yurl:"+place+"}", y.URL(),
			"{post:"+place+"}", post(x), "{ypost:"+place+"}", post(y))
		if g != nil {
			pairs = append(pairs, "{slug:"+place+"}", g.Slug)
		}
	}
	fx.fill = strings.NewReplacer(pairs...)
	return fx
}

func (fx *discFixture) client(r discRole) *client {
	if r == dAnon {
		return fx.env.client()
	}
	return fx.env.sessionClient(fx.handles[r])
}

// discSnapshot is what the matrix's requests must not change: everything
// the site-wide snapshot covers, and threads, posts, their history and
// notifications. (Follows and read markers may change: following and
// reading is what those requests are for.)
func (e *testEnv) discSnapshot() []string {
	e.t.Helper()
	out := e.snapshot()
	for _, q := range []string{
		`SELECT 'thread', id, COALESCE(group_id, 0), title, reply_count, CAST(pinned_at IS NULL AS TEXT), CAST(locked_at IS NULL AS TEXT), hidden_reason FROM discussions ORDER BY id`,
		`SELECT 'post', id, discussion_id, position, body, COALESCE(CAST(edited_at AS TEXT), ''), hidden_reason, '' FROM posts ORDER BY id`,
		`SELECT 'revision', id, post_id, title, body, '', '', '' FROM post_revisions ORDER BY id`,
		`SELECT 'notification', id, member_id, kind, params, url, '', '' FROM notifications ORDER BY id`,
	} {
		out = append(out, e.rowsOf(q)...)
	}
	return out
}

func TestDiscussionAccess(t *testing.T) {
	fx := newDiscFixture(t)
	patterns := matrixPatterns(t, fx.env.Srv, "discussions", fx.env.Srv.discussionRoutes(), discussionMatrix)
	before := fx.env.discSnapshot()
	// Staff of a verified organisation, in no group and author of nothing,
	// have no say over discussions: they get what a member of another
	// group gets. They are one role more, after the matrix's own.
	roles := append(discRoleNames[:], "org-staff (as other-group)")
	staff := fx.env.sessionClient("dstaff")
	run := matrixRun{roles: roles, fill: fx.fill, secret: "Quiet circle", client: func(r int) *client {
		if r == int(dRoleCount) {
			return staff
		}
		return fx.client(discRole(r))
	}}
	for _, pattern := range patterns {
		for _, ac := range discussionMatrix[pattern] {
			run.check(t, matrixCase{pattern: pattern, name: ac.name, path: ac.path, form: ac.form,
				want: append(ac.want[:], ac.want[dOther])})
		}
	}
	matrixUnchanged(t, before, fx.env.discSnapshot())
}
