package web

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"involve/internal/accounts"
	"involve/internal/organisations"
)

// The access-control matrix: for every route, what each kind of reader
// gets. A new route fails TestAccessMatrix until its rules are added here,
// so nobody ships a page without deciding who may see it.

// accessRole is one kind of reader.
type accessRole int

const (
	anonymous    accessRole = iota // not signed in
	plainMember                    // signed in, no roles, no organisation
	orgStaff                       // staff of the verified organisation
	orgAdmin                       // admin of the verified organisation
	pendingStaff                   // staff (not admin) of the pending organisation
	siteAdmin                      // holds the site admin role
	guideEditor                    // holds the editor role (and nothing else)
	roleCount
)

var roleNames = [roleCount]string{"anonymous", "member", "staff", "org-admin", "pending-staff", "site-admin", "editor"}

// outcome is the class of answer a reader gets.
type outcome struct {
	status int
	// to is where a 303 leads: an exact path, or loginNext for
	// "/login?next=" plus the requested path.
	to string
}

const loginNext = "(login)"

var (
	allowed  = outcome{status: http.StatusOK}
	toLogin  = outcome{status: http.StatusSeeOther, to: loginNext}
	toMe     = outcome{status: http.StatusSeeOther, to: "/me"}
	unauth   = outcome{status: http.StatusUnauthorized}
	forbid   = outcome{status: http.StatusForbidden}
	missing  = outcome{status: http.StatusNotFound}
	badReq   = outcome{status: http.StatusBadRequest}
	invalid  = outcome{status: http.StatusUnprocessableEntity}
	seeOther = func(to string) outcome { return outcome{status: http.StatusSeeOther, to: to} }
	toSecure = outcome{status: http.StatusSeeOther, to: "/me/security"}
)

func (o outcome) String() string {
	if o.to != "" {
		return fmt.Sprintf("%d → %s", o.status, o.to)
	}
	return fmt.Sprint(o.status)
}

// everyone is the same outcome for every role.
func everyone(o outcome) [roleCount]outcome {
	var w [roleCount]outcome
	for i := range w {
		w[i] = o
	}
	return w
}

// accessCase is one request to make as every role. Paths and form values
// may hold placeholders filled from the fixture: {slug} (the verified
// organisation), {pending} (the pending organisation), {handle} (an
// existing member), {audience}, {hash}/{name} (a static file),
// {orgadmin} (the handle of the verified organisation's admin), {page} (a
// guide page with a checklist and a Dutch translation), {rev} (the id of
// that page's English text) and {otherrev} (a revision of another page).
type accessCase struct {
	name string     // what the case checks, when a route has several
	path string     // "" means the pattern's own path
	form url.Values // POST body; nil sends an empty form
	// want, in role order:
	//   anonymous, member, staff, org-admin, pending-staff, site-admin, editor
	want [roleCount]outcome
}

// POST routes get an empty or minimal form, so that no case changes
// anything but sessions; TestAccessMatrix checks the database after.
var accessMatrix = map[string][]accessCase{
	"GET /{$}":            {{want: everyone(allowed)}},
	"GET /for/{audience}": {{want: everyone(allowed)}, {name: "unknown audience", path: "/for/nobody", want: everyone(missing)}},
	"POST /language":      {{name: "no language chosen", want: everyone(badReq)}},

	"GET /signup":   {{want: [roleCount]outcome{allowed, toMe, toMe, toMe, toMe, toMe, toMe}}},
	"POST /signup":  {{want: everyone(invalid)}},
	"GET /login":    {{want: [roleCount]outcome{allowed, toMe, toMe, toMe, toMe, toMe, toMe}}},
	"POST /login":   {{want: everyone(invalid)}},
	"GET /recover":  {{want: [roleCount]outcome{allowed, toMe, toMe, toMe, toMe, toMe, toMe}}},
	"POST /recover": {{want: everyone(invalid)}},
	"POST /logout":  {{want: everyone(seeOther("/"))}},

	"GET /me":                 {{want: [roleCount]outcome{toLogin, allowed, allowed, allowed, allowed, allowed, allowed}}},
	"GET /me/profile":         {{want: [roleCount]outcome{toLogin, allowed, allowed, allowed, allowed, allowed, allowed}}},
	"POST /me/profile":        {{want: [roleCount]outcome{unauth, invalid, invalid, invalid, invalid, invalid, invalid}}},
	"GET /me/security":        {{want: [roleCount]outcome{toLogin, allowed, allowed, allowed, allowed, allowed, allowed}}},
	"POST /me/passphrase":     {{want: [roleCount]outcome{unauth, invalid, invalid, invalid, invalid, invalid, invalid}}},
	"POST /me/sessions/end":   {{want: [roleCount]outcome{unauth, toSecure, toSecure, toSecure, toSecure, toSecure, toSecure}}},
	"POST /me/recovery-codes": {{want: [roleCount]outcome{unauth, invalid, invalid, invalid, invalid, invalid, invalid}}},
	"GET /me/data":            {{want: [roleCount]outcome{toLogin, allowed, allowed, allowed, allowed, allowed, allowed}}},
	"GET /me/data.json":       {{want: [roleCount]outcome{toLogin, allowed, allowed, allowed, allowed, allowed, allowed}}},
	"GET /me/delete":          {{want: [roleCount]outcome{toLogin, allowed, allowed, allowed, allowed, allowed, allowed}}},
	"POST /me/delete":         {{want: [roleCount]outcome{unauth, invalid, invalid, invalid, invalid, invalid, invalid}}},
	// The fixture's members gave no address: there is nothing to send.
	"POST /me/email/confirm": {{want: [roleCount]outcome{unauth, seeOther("/me/profile"), seeOther("/me/profile"),
		seeOther("/me/profile"), seeOther("/me/profile"), seeOther("/me/profile"), seeOther("/me/profile")}}},
	"GET /email/confirm": {{name: "a link", path: "/email/confirm?t=ABCDEF", want: everyone(allowed)},
		{name: "no token", want: everyone(missing)}},
	"POST /email/confirm":    {{name: "no such link", want: everyone(outcome{status: http.StatusGone})}},
	"GET /members/{handle}":  {{want: everyone(allowed)}, {name: "unknown member", path: "/members/nobody-here", want: everyone(missing)}},
	"GET /organisations":     {{want: everyone(allowed)}},
	"GET /organisations/new": {{want: [roleCount]outcome{toLogin, allowed, allowed, allowed, allowed, allowed, allowed}}},
	"POST /organisations":    {{want: [roleCount]outcome{unauth, invalid, invalid, invalid, invalid, invalid, invalid}}},
	"GET /organisations/{slug}": {
		{name: "verified", want: everyone(allowed)},
		{name: "pending: only its own staff and site admins", path: "/organisations/{pending}",
			want: [roleCount]outcome{missing, missing, missing, missing, allowed, allowed, missing}},
		{name: "unknown", path: "/organisations/no-such-org", want: everyone(missing)},
	},
	"GET /organisations/{slug}/edit": {
		{name: "verified", want: [roleCount]outcome{toLogin, forbid, forbid, allowed, forbid, allowed, forbid}},
		{name: "pending", path: "/organisations/{pending}/edit",
			want: [roleCount]outcome{toLogin, missing, missing, missing, forbid, allowed, missing}},
	},
	"POST /organisations/{slug}/edit": {
		{name: "verified", want: [roleCount]outcome{unauth, forbid, forbid, invalid, forbid, invalid, forbid}},
		{name: "pending", path: "/organisations/{pending}/edit",
			want: [roleCount]outcome{unauth, missing, missing, missing, forbid, invalid, missing}},
	},
	"POST /organisations/{slug}/staff": {
		{name: "verified", want: [roleCount]outcome{unauth, forbid, forbid, invalid, forbid, invalid, forbid}},
		{name: "pending", path: "/organisations/{pending}/staff",
			want: [roleCount]outcome{unauth, missing, missing, missing, forbid, invalid, missing}},
	},
	"POST /organisations/{slug}/staff/remove": {
		// Removing the only admin: refused for those who may manage staff,
		// forbidden for everyone else.
		{name: "remove the last admin", form: url.Values{"handle": {"{orgadmin}"}},
			want: [roleCount]outcome{unauth, forbid, forbid, invalid, forbid, invalid, forbid}},
	},

	"GET /admin": {{want: [roleCount]outcome{toLogin, forbid, forbid, forbid, forbid, allowed, forbid}}},
	"POST /admin/organisations/{slug}/review": {{name: "no decision", want: [roleCount]outcome{unauth, forbid, forbid, forbid, forbid, badReq, forbid}}},
	"POST /admin/roles":                       {{want: [roleCount]outcome{unauth, forbid, forbid, forbid, forbid, invalid, forbid}}},
	"POST /admin/roles/revoke":                {{want: [roleCount]outcome{unauth, forbid, forbid, forbid, forbid, invalid, forbid}}},
	"GET /admin/audit":                        {{want: [roleCount]outcome{toLogin, forbid, forbid, forbid, forbid, allowed, forbid}}},
	"GET /guide":                              {{want: everyone(allowed)}},
	"GET /guide/all":                          {{want: everyone(allowed)}, {name: "in Dutch", path: "/guide/all?lang=nl", want: everyone(allowed)}},
	"GET /guide/{slug}": {
		{name: "page", path: "/guide/{page}", want: everyone(allowed)},
		{name: "translation", path: "/guide/{page}?lang=nl", want: everyone(allowed)},
		{name: "unknown page", path: "/guide/no-such-page", want: everyone(missing)},
	},
	"GET /guide/{slug}/history": {
		{name: "page", path: "/guide/{page}/history", want: everyone(allowed)},
		{name: "unknown page", path: "/guide/no-such-page/history", want: everyone(missing)},
	},
	"GET /guide/{slug}/diff": {
		{name: "two versions", path: "/guide/{page}/diff?from={rev}&to={rev}", want: everyone(allowed)},
		{name: "no versions chosen", path: "/guide/{page}/diff", want: everyone(badReq)},
		{name: "another page's version", path: "/guide/{page}/diff?from={otherrev}&to={rev}", want: everyone(missing)},
	},
	"GET /guide/{slug}/revisions/{id}": {
		{name: "version", path: "/guide/{page}/revisions/{rev}", want: everyone(allowed)},
		{name: "another page's version", path: "/guide/{page}/revisions/{otherrev}", want: everyone(missing)},
		{name: "not a number", path: "/guide/{page}/revisions/x", want: everyone(missing)},
	},
	"GET /guide/{slug}/edit": {
		{name: "page", path: "/guide/{page}/edit", want: [roleCount]outcome{toLogin, forbid, forbid, forbid, forbid, allowed, allowed}},
		{name: "new translation", path: "/guide/challenges/edit?lang=ru", want: [roleCount]outcome{toLogin, forbid, forbid, forbid, forbid, allowed, allowed}},
		{name: "unknown page", path: "/guide/no-such-page/edit", want: [roleCount]outcome{toLogin, forbid, forbid, forbid, forbid, missing, missing}},
	},
	"POST /guide/{slug}/edit": {
		// Nothing but the language: refused with messages, nothing saved.
		{name: "empty text", path: "/guide/{page}/edit", form: url.Values{"lang": {"en"}},
			want: [roleCount]outcome{unauth, forbid, forbid, forbid, forbid, invalid, invalid}},
		{name: "no language", path: "/guide/{page}/edit",
			want: [roleCount]outcome{unauth, forbid, forbid, forbid, forbid, badReq, badReq}},
	},
	"POST /guide/{slug}/revert": {
		{name: "no version chosen", path: "/guide/{page}/revert",
			want: [roleCount]outcome{unauth, forbid, forbid, forbid, forbid, badReq, badReq}},
		{name: "another page's version", path: "/guide/{page}/revert", form: url.Values{"revision": {"{otherrev}"}},
			want: [roleCount]outcome{unauth, forbid, forbid, forbid, forbid, missing, missing}},
	},
	"POST /guide/{slug}/checklist": {
		// Nobody has ticked anything, so saving an empty checklist changes
		// nothing.
		{name: "nothing ticked", path: "/guide/{page}/checklist",
			want: [roleCount]outcome{unauth, seeOther("/guide/initiate#checklist"), seeOther("/guide/initiate#checklist"),
				seeOther("/guide/initiate#checklist"), seeOther("/guide/initiate#checklist"), seeOther("/guide/initiate#checklist"),
				seeOther("/guide/initiate#checklist")}},
		{name: "unknown page", path: "/guide/no-such-page/checklist",
			want: [roleCount]outcome{unauth, missing, missing, missing, missing, missing, missing}},
	},
	"GET /search": {
		{want: everyone(allowed)},
		{name: "a query", path: "/search?q=naloxone", want: everyone(allowed)},
		{name: "operators only", path: "/search?q=%22+OR+NEAR%28+*", want: everyone(allowed)},
	},

	"GET /healthz":              {{want: everyone(allowed)}},
	"GET /metrics":              {{want: everyone(allowed)}},
	"GET /robots.txt":           {{want: everyone(allowed)}},
	"GET /static/{hash}/{name}": {{want: everyone(allowed)}, {name: "unknown file", path: "/static/{hash}/nothing.css", want: everyone(missing)}},
}

// accessFixture is a site with one member of each role.
type accessFixture struct {
	env      *testEnv
	handles  [roleCount]string // "" for anonymous
	verified *organisations.Organisation
	pending  *organisations.Organisation
	subject  string // a member with a profile page
	asset    string // path of a static file
	page     string // a guide page
	rev      int64  // the current English revision of page
	otherRev int64  // a revision of another guide page
}

func newAccessFixture(t *testing.T) *accessFixture {
	t.Helper()
	e := sqliteEnv(t)
	fx := &accessFixture{env: e, subject: "subject"}
	fx.handles = [roleCount]string{"", "member", "vstaff", "vadmin", "pstaff", "root", "editor"}
	for _, h := range append(fx.handles[1:], fx.subject, "padmin") {
		e.createMember(h)
	}
	e.makeAdmin("root")
	e.makeEditor("editor")
	e.createMember("sitemod")
	e.grant("sitemod", accounts.RoleModerator)
	fx.verified = e.createOrganisation("vadmin", "Verified Service", organisations.Service, true)
	e.addStaff(fx.verified, "vstaff", organisations.Staff)
	fx.pending = e.createOrganisation("padmin", "Pending Agency", organisations.Agency, false)
	e.addStaff(fx.pending, "pstaff", organisations.Staff)
	fx.asset = e.Srv.assets.url("involve.css")
	fx.page = "initiate"
	fx.rev = e.guideRevision(fx.page, "en").ID
	fx.otherRev = e.guideRevision("prepare", "en").ID
	return fx
}

// fill replaces the placeholders in s.
func (fx *accessFixture) fill(s string) string {
	hash, name, _ := strings.Cut(strings.TrimPrefix(fx.asset, "/static/"), "/")
	return strings.NewReplacer(
		"{slug}", fx.verified.Slug, "{pending}", fx.pending.Slug, "{handle}", fx.subject,
		"{audience}", "peers", "{hash}", hash, "{name}", name, "{orgadmin}", fx.handles[orgAdmin],
		"{page}", fx.page, "{rev}", fmt.Sprint(fx.rev), "{otherrev}", fmt.Sprint(fx.otherRev),
	).Replace(s)
}

// client returns a reader of the role on a fresh session, so a case that
// ends sessions (signing out, "sign out everywhere") cannot affect the next.
func (fx *accessFixture) client(r accessRole) *client {
	if r == anonymous {
		return fx.env.client()
	}
	return fx.env.sessionClient(fx.handles[r])
}

func TestAccessMatrix(t *testing.T) {
	fx := newAccessFixture(t)
	routes := fx.env.Srv.Routes()
	var patterns []string
	coveredMu.Lock()
	elsewhere := maps.Clone(coveredElsewhere)
	coveredMu.Unlock()
	for p := range routes {
		if _, ok := accessMatrix[p]; !ok {
			if elsewhere[p] == "" {
				t.Errorf("route %q has no access rules: add it to the matrix in access_test.go", p)
			}
			continue
		}
		patterns = append(patterns, p)
	}
	for p, test := range elsewhere {
		if _, ok := routes[p]; !ok {
			t.Errorf("%s claims to cover %q, which is no longer a route", test, p)
		}
		if _, ok := accessMatrix[p]; ok {
			t.Errorf("%q has rules both here and in %s: keep one", p, test)
		}
	}
	for p := range accessMatrix {
		if _, ok := routes[p]; !ok {
			t.Errorf("the access matrix has rules for %q, which is no longer a route: remove them", p)
		}
	}
	sort.Strings(patterns)

	before := fx.env.snapshot()
	for _, pattern := range patterns {
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.TrimSuffix(path, "{$}")
		for _, ac := range accessMatrix[pattern] {
			p := path
			if ac.path != "" {
				p = ac.path
			}
			p = fx.fill(p)
			form := url.Values{}
			for k, vs := range ac.form {
				for _, v := range vs {
					form.Add(k, fx.fill(v))
				}
			}
			for role := anonymous; role < roleCount; role++ {
				want := ac.want[role]
				if want.status == 0 {
					t.Errorf("%s (%s): no outcome for %s", pattern, ac.name, roleNames[role])
					continue
				}
				want = want.at(p)
				got, _ := ask(fx.client(role), method, p, form)
				if got != want {
					t.Errorf("%s %s (%s) as %s: got %v, want %v", method, p, ac.name, roleNames[role], got, want)
				}
			}
			// Site moderators moderate groups' content and members; no core
			// page gives them more than it gives any member.
			want := ac.want[plainMember].at(p)
			if got, _ := ask(fx.env.sessionClient("sitemod"), method, p, form); got != want {
				t.Errorf("%s %s (%s) as site-moderator: got %v, want %v (what a member gets)", method, p, ac.name, got, want)
			}
		}
	}
	if diff := cmp.Diff(before, fx.env.snapshot()); diff != "" {
		t.Errorf("the matrix's requests changed the database (-before +after):\n%s", diff)
	}
}

// TestAccessMatrixAgreesWithRoutes checks the matrix against each route's
// declared Access, so a rule cannot quietly contradict the route table.
func TestAccessMatrixAgreesWithRoutes(t *testing.T) {
	e := sqliteEnv(t)
	for pattern, access := range e.Srv.Routes() {
		method, _, _ := strings.Cut(pattern, " ")
		for _, ac := range accessMatrix[pattern] {
			w := ac.want
			switch access {
			case SignedOut:
				if method == http.MethodGet {
					for r := plainMember; r < roleCount; r++ {
						if w[r] != toMe {
							t.Errorf("%s is for signed-out readers: %s should be sent to /me, matrix says %v", pattern, roleNames[r], w[r])
						}
					}
				}
			case SignedIn, SiteAdmin, Editor:
				wantAnon := unauth
				if method == http.MethodGet {
					wantAnon = toLogin
				}
				if w[anonymous] != wantAnon {
					t.Errorf("%s needs signing in: matrix says %v for anonymous, want %v", pattern, w[anonymous], wantAnon)
				}
				if access == SiteAdmin {
					for r := plainMember; r < roleCount; r++ {
						if r != siteAdmin && w[r] != forbid {
							t.Errorf("%s is for site admins: matrix says %v for %s, want 403", pattern, w[r], roleNames[r])
						}
					}
				}
				if access == Editor {
					for r := plainMember; r < roleCount; r++ {
						switch {
						case r == siteAdmin || r == guideEditor:
							if w[r] == forbid || w[r] == toLogin || w[r] == unauth {
								t.Errorf("%s is for editors: matrix says %v for %s", pattern, w[r], roleNames[r])
							}
						case w[r] != forbid:
							t.Errorf("%s is for editors: matrix says %v for %s, want 403", pattern, w[r], roleNames[r])
						}
					}
				}
			}
		}
	}
}

// TestPendingOrganisationIsHidden spells out the rule the matrix checks for
// one organisation, with a second organisation's staff and its own admin.
func TestPendingOrganisationIsHidden(t *testing.T) {
	fx := newAccessFixture(t)
	e := fx.env
	page := "/organisations/" + fx.pending.Slug
	for _, tc := range []struct {
		who  string
		c    *client
		want int
	}{
		{"anonymous", e.client(), http.StatusNotFound},
		{"member", fx.client(plainMember), http.StatusNotFound},
		{"staff of another organisation", fx.client(orgStaff), http.StatusNotFound},
		{"admin of another organisation", fx.client(orgAdmin), http.StatusNotFound},
		{"its own staff", fx.client(pendingStaff), http.StatusOK},
		{"its own admin", e.sessionClient("padmin"), http.StatusOK},
		{"site admin", fx.client(siteAdmin), http.StatusOK},
	} {
		r := tc.c.get(page)
		if r.Status != tc.want {
			t.Errorf("%s on a pending organisation's page: got %d, want %d", tc.who, r.Status, tc.want)
		}
		if r.Status == http.StatusNotFound && strings.Contains(r.Body, fx.pending.Name) {
			t.Errorf("%s: the 404 page names the pending organisation", tc.who)
		}
		if r.Status == http.StatusOK && !strings.Contains(r.Body, e.T("orgs.pending_notice")) {
			t.Errorf("%s: the pending organisation's page does not say it is pending", tc.who)
		}
	}
	// Nor is it listed, even for its own staff.
	for _, c := range []*client{e.client(), fx.client(pendingStaff), fx.client(siteAdmin)} {
		if r := c.get("/organisations"); strings.Contains(r.Body, fx.pending.Slug) {
			t.Errorf("/organisations lists the pending organisation")
		}
	}
}

// snapshot is the state of the database apart from sessions, for checking
// that requests changed nothing.
func (e *testEnv) snapshot() []string {
	e.t.Helper()
	ctx := context.Background()
	var out []string
	for _, q := range []string{
		`SELECT 'member', handle, passphrase_hash, locale, display_name, display_name_vis, bio, email FROM members ORDER BY id`,
		`SELECT 'role', member_id, role, '', '', '', '', '' FROM member_roles ORDER BY member_id, role`,
		`SELECT 'org', slug, name, kind, status, summary, website, region FROM organisations ORDER BY id`,
		`SELECT 'staff', organisation_id, member_id, role, '', '', '', '' FROM organisation_staff ORDER BY organisation_id, member_id`,
		`SELECT 'code', member_id, code_hash, COALESCE(CAST(used_at AS TEXT), ''), '', '', '', '' FROM recovery_codes ORDER BY id`,
		`SELECT 'audit', id, action, target, detail, '', '', '' FROM audit_log ORDER BY id`,
		`SELECT 'failures', handle_key, failures, '', '', '', '', '' FROM signin_failures ORDER BY handle_key`,
		`SELECT 'guide page', slug, kind, related, '', '', '', '' FROM guide_pages ORDER BY id`,
		`SELECT 'guide revision', id, page_id, lang, title, summary, body, note FROM guide_revisions ORDER BY id`,
		`SELECT 'guide author', id, COALESCE(author_id, 0), COALESCE(source_revision_id, 0), COALESCE(reverts_id, 0), '', '', '' FROM guide_revisions ORDER BY id`,
		`SELECT 'guide check', member_id, page_id, item, '', '', '', '' FROM guide_checks ORDER BY member_id, page_id, item`,
		`SELECT 'search', kind, ref, lang, title, body, url, visibility FROM search_documents ORDER BY kind, ref, lang`,
	} {
		rows, err := e.DB.Query(ctx, q)
		if err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			vals := make([]any, 8)
			ptrs := make([]any, 8)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				e.t.Fatal(err)
			}
			out = append(out, fmt.Sprint(vals...))
		}
		if err := rows.Err(); err != nil {
			e.t.Fatal(err)
		}
		rows.Close()
	}
	return out
}
