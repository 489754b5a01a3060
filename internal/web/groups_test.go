package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/guide"
	"involve/internal/i18n"
	"involve/internal/organisations"
	"involve/internal/testutil"
)

// ---- helpers for groups ----

// grpCreate starts a group through the store with founder as admin and
// members given as handle -> role, each joined the way the group allows
// members in (an invitation), so the store's rules hold.
func (e *testEnv) grpCreate(founder string, in groups.Input, members map[string]string) *groups.Group {
	e.t.Helper()
	ctx := context.Background()
	if in.Kind == "" {
		in.Kind = groups.SelfOrganisation
	}
	g, err := e.Srv.Groups.Create(ctx, e.member(founder).ID, in, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for h, role := range members {
		token, err := e.Srv.Groups.CreateInvitation(ctx, g.ID, e.member(founder).ID, "")
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.Srv.Groups.AcceptInvitation(ctx, token, e.member(h).ID); err != nil {
			e.t.Fatal(err)
		}
		if role != groups.Member {
			if err := e.Srv.Groups.SetRole(ctx, g.ID, e.member(h).ID, role); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	g, err = e.Srv.Groups.ByID(ctx, g.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return g
}

func (e *testEnv) grpRole(g *groups.Group, handle string) string {
	e.t.Helper()
	r, err := e.Srv.Groups.Role(context.Background(), g.ID, e.member(handle).ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// grpNotes lists a member's notifications as "kind url param…".
func (e *testEnv) grpNotes(handle string) []string {
	e.t.Helper()
	ns, err := e.Srv.Notify.List(context.Background(), e.member(handle).ID, 50, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, n := range ns {
		s := n.Kind + " " + n.URL
		for _, k := range []string{"a_group", "a_who", "b_group"} {
			if v, ok := n.Params[k]; ok {
				s += " " + k + "=" + v
			}
		}
		out = append(out, s)
	}
	return out
}

func hasNote(notes []string, want string) bool {
	for _, n := range notes {
		if n == want {
			return true
		}
	}
	return false
}

var fieldsetError = regexp.MustCompile(`(?s)<p class="error" id="f-([a-z0-9_]+)-error">(.*?)</p>`)

// anyFieldError returns the message shown for a field whose name may hold
// digits (kind_0) or that is a fieldset of choices, "" for none.
func anyFieldError(body, name string) string {
	for _, m := range fieldsetError.FindAllStringSubmatch(body, -1) {
		if m[1] == name {
			return html.UnescapeString(m[2])
		}
	}
	return ""
}

func newGroupForm() url.Values {
	return url.Values{"name": {"Noord Peers"}, "kind": {groups.SelfOrganisation}, "visibility": {groups.Public},
		"joining": {groups.Request}, "about": {"We meet on **Tuesdays** at the drop-in.\n\n<script>alert(1)</script>"},
		"region": {"Amsterdam"}, "topics": {"harm reduction, housing"}, "languages": {"nl", "en"}}
}

// ---- starting a group, asking to join, being accepted ----

func TestGroupStartAndJoin(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		e.createMember("founder")
		e.createMember("asker")
		e.createMember("other")
		fc := e.sessionClient("founder")

		// The form, with a start already chosen.
		if r := fc.get("/groups/new"); r.Status != http.StatusOK || fieldValue(r.Body, "visibility") != "" && !strings.Contains(r.Body, `value="public" checked`) {
			t.Fatalf("GET /groups/new: %d", r.Status)
		}
		// Mistakes: each is shown next to its field, and what was typed stays.
		bad := newGroupForm()
		bad.Set("name", "")
		bad.Set("visibility", groups.Secret)
		bad.Set("joining", groups.Open)
		bad.Set("kind", "club")
		bad["languages"] = []string{"nl", "Klingon"}
		r := fc.post("/groups", bad)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("POST /groups with mistakes: %d", r.Status)
		}
		for field, key := range map[string]string{"name": "groups.name.required", "kind": "groups.kind.required"} {
			if got := fieldError(r.Body, field); got != e.T(key) {
				t.Errorf("next to %s: %q, want %q", field, got, e.T(key))
			}
		}
		for field, key := range map[string]string{"joining": "groups.joining.secret", "languages": "directory.language.invalid"} {
			if got := anyFieldError(r.Body, field); got != e.T(key) {
				t.Errorf("next to %s: %q, want %q", field, got, e.T(key))
			}
			if !strings.Contains(r.Body, `<div class="field has-error">
<fieldset id="f-`+field+`"`) {
				t.Errorf("the %s fieldset is not marked as having an error", field)
			}
		}
		if fieldValue(r.Body, "region") != "Amsterdam" || !strings.Contains(r.Body, `value="nl" checked`) ||
			!strings.Contains(r.Body, `value="secret" checked`) || !strings.Contains(r.Body, "We meet on **Tuesdays**") {
			t.Errorf("the form lost what was typed")
		}
		if r := fc.post("/groups", url.Values{"name": {"New"}, "kind": {groups.Collaboration}, "visibility": {groups.Public},
			"joining": {groups.Open}}); fieldError(r.Body, "name") != e.T("groups.name.reserved") {
			t.Errorf("a group called New: %d %q", r.Status, fieldError(r.Body, "name"))
		}

		r = fc.post("/groups", newGroupForm())
		if r.Status != http.StatusSeeOther || r.Location != "/groups/noord-peers" {
			t.Fatalf("POST /groups: %d → %q\n%s", r.Status, r.Location, r.Body)
		}
		page := fc.get(r.Location)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, e.T("groups.created")) ||
			!strings.Contains(page.Body, "<strong>Tuesdays</strong>") || strings.Contains(page.Body, "<script>alert") {
			t.Errorf("the new group's page: %d, want the flash and safe Markdown\n%s", page.Status, page.Body)
		}
		if !strings.Contains(page.Body, e.T("groups.you.admin")) || !strings.Contains(page.Body, `href="/groups/noord-peers/members"`) {
			t.Errorf("the founder is not shown as admin with the management links")
		}
		if r := fc.post("/groups", newGroupForm()); fieldError(r.Body, "name") != e.T("groups.name.taken") {
			t.Errorf("the same name again: %d %q", r.Status, fieldError(r.Body, "name"))
		}
		g, err := e.Srv.Groups.BySlug(ctx, "noord-peers")
		if err != nil {
			t.Fatal(err)
		}

		// The directory lists it, with counts for each filter.
		dir := e.client().get("/groups")
		for _, want := range []string{`href="/groups/noord-peers"`, e.T("groups.kinds.self-organisation") + " (1)</a>",
			`href="/groups?region=Amsterdam"`, `<span lang="nl">Nederlands</span> (1)</a>`, `href="/groups?topic=housing"`} {
			if !strings.Contains(dir.Body, want) {
				t.Errorf("/groups lacks %s", want)
			}
		}
		if r := e.client().get("/groups?kind=users-union"); strings.Contains(r.Body, `href="/groups/noord-peers"`) ||
			!strings.Contains(r.Body, e.T("groups.none_filtered")) {
			t.Errorf("filtering by another kind still lists the group")
		}
		if r := e.client().get("/groups?topic=HOUSING&language=nl"); !strings.Contains(r.Body, `href="/groups/noord-peers"`) {
			t.Errorf("filtering by topic and language does not find the group")
		}
		// And search finds it.
		if r := e.client().get("/search?q=tuesdays"); !strings.Contains(r.Body, `href="/groups/noord-peers"`) ||
			!strings.Contains(r.Body, e.T("search.kind.group")) || strings.Contains(r.Body, e.T("search.in_language", "English")) {
			t.Errorf("search does not find the group, or says it is in English")
		}

		// Asking to join: the "why" is needed, then kept with the request.
		ac := e.sessionClient("asker")
		if r := ac.get("/groups/noord-peers"); !strings.Contains(r.Body, `action="/groups/noord-peers/join"`) || !strings.Contains(r.Body, `id="f-why"`) {
			t.Errorf("the group page offers no request form")
		}
		r = ac.post("/groups/noord-peers/join", url.Values{"why": {"  "}})
		if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "why") != e.T("groups.why.required") {
			t.Errorf("request without a why: %d %q", r.Status, fieldError(r.Body, "why"))
		}
		r = ac.post("/groups/noord-peers/join", url.Values{"why": {strings.Repeat("w", groups.WhyMax+1)}})
		if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "why") != e.T("field.too_long") || fieldValue(r.Body, "why") == "" {
			t.Errorf("a too long why: %d %q (the text must stay)", r.Status, fieldError(r.Body, "why"))
		}
		r = ac.post("/groups/noord-peers/join", url.Values{"why": {"I go to the drop-in and want to help."}})
		if r.Status != http.StatusSeeOther || r.Location != "/groups/noord-peers" {
			t.Fatalf("request: %d → %q", r.Status, r.Location)
		}
		if p := ac.get("/groups/noord-peers"); !strings.Contains(unescaped(p.Body), e.T("groups.request.sent")) || !strings.Contains(unescaped(p.Body), e.T("groups.request.waiting")) {
			t.Errorf("the page does not say the request waits")
		}
		if r := ac.post("/groups/noord-peers/join", url.Values{"why": {"again"}}); r.Status != http.StatusSeeOther {
			t.Errorf("asking twice: %d", r.Status)
		}
		if p, _ := e.Srv.Groups.PendingRequests(ctx, g.ID); len(p) != 1 {
			t.Errorf("%d requests waiting, want 1", len(p))
		}
		if !hasNote(e.grpNotes("founder"), "group.join_request /groups/noord-peers/members#requests a_who=asker b_group=Noord Peers") {
			t.Errorf("the founder was not told: %v", e.grpNotes("founder"))
		}
		// Only the group's moderators and admins see the request.
		if r := ac.get("/groups/noord-peers/members"); r.Status != http.StatusForbidden {
			t.Errorf("the asker on the members page: %d", r.Status)
		}
		mp := fc.get("/groups/noord-peers/members")
		if !strings.Contains(mp.Body, "I go to the drop-in and want to help.") || !strings.Contains(fc.get("/groups/noord-peers").Body, e.N("groups.run.waiting", 1)) {
			t.Errorf("the founder does not see the request with its why")
		}
		reqs, _ := e.Srv.Groups.PendingRequests(ctx, g.ID)
		id := reqs[0].ID
		if r := fc.post("/groups/noord-peers/requests/"+itoa(id), url.Values{"decision": {"maybe"}}); r.Status != http.StatusBadRequest {
			t.Errorf("decision=maybe: %d", r.Status)
		}
		r = fc.post("/groups/noord-peers/requests/"+itoa(id), url.Values{"decision": {"accept"}})
		if r.Status != http.StatusSeeOther || r.Location != "/groups/noord-peers/members#requests" {
			t.Fatalf("accept: %d → %q", r.Status, r.Location)
		}
		if e.grpRole(g, "asker") != groups.Member {
			t.Errorf("accepted, but not a member")
		}
		if !hasNote(e.grpNotes("asker"), "group.join_accepted /groups/noord-peers a_group=Noord Peers") {
			t.Errorf("the asker was not told: %v", e.grpNotes("asker"))
		}
		if r := fc.post("/groups/noord-peers/requests/"+itoa(id), url.Values{"decision": {"decline"}}); r.Status != http.StatusNotFound {
			t.Errorf("deciding twice: %d", r.Status)
		}
		// A declined request is told too.
		oc := e.sessionClient("other")
		oc.post("/groups/noord-peers/join", url.Values{"why": {"Curious"}})
		reqs, _ = e.Srv.Groups.PendingRequests(ctx, g.ID)
		fc.post("/groups/noord-peers/requests/"+itoa(reqs[0].ID), url.Values{"decision": {"decline"}})
		if e.grpRole(g, "other") != "" || !hasNote(e.grpNotes("other"), "group.join_declined /groups/noord-peers a_group=Noord Peers") {
			t.Errorf("decline: role %q, notes %v", e.grpRole(g, "other"), e.grpNotes("other"))
		}

		// The member sees themselves in the list, and /me lists the group.
		p := ac.get("/groups/noord-peers")
		if !strings.Contains(p.Body, `<a href="/members/asker">asker</a>`) || !strings.Contains(p.Body, e.T("groups.you.member")) {
			t.Errorf("the new member's view of the group")
		}
		if me := ac.get("/me"); !strings.Contains(me.Body, `href="/groups/noord-peers"`) {
			t.Errorf("/me does not list the group")
		}
		// Leaving; the last admin cannot leave while others stay.
		if r := fc.post("/groups/noord-peers/leave", nil); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, e.T("groups.leave.last_admin")) {
			t.Errorf("the last admin leaving: %d", r.Status)
		}
		if r := ac.post("/groups/noord-peers/leave", nil); r.Status != http.StatusSeeOther || e.grpRole(g, "asker") != "" {
			t.Errorf("leaving: %d, role %q", r.Status, e.grpRole(g, "asker"))
		}
		if r := ac.post("/groups/noord-peers/leave", nil); r.Status != http.StatusBadRequest {
			t.Errorf("leaving twice: %d", r.Status)
		}

		// Editing: admins only, with the form filled in.
		if r := ac.get("/groups/noord-peers/edit"); r.Status != http.StatusForbidden {
			t.Errorf("a non-admin editing: %d", r.Status)
		}
		ed := fc.get("/groups/noord-peers/edit")
		if fieldValue(ed.Body, "name") != "Noord Peers" || fieldValue(ed.Body, "topics") != "harm reduction, housing" || !strings.Contains(ed.Body, `value="en" checked`) {
			t.Errorf("the edit form is not filled in")
		}
		f := newGroupForm()
		f.Set("name", "Noord Peers Together")
		f.Set("joining", groups.Open)
		if r := fc.post("/groups/noord-peers/edit", f); r.Status != http.StatusSeeOther || r.Location != "/groups/noord-peers" {
			t.Errorf("edit: %d → %q", r.Status, r.Location)
		}
		// Now open: joining is at once.
		if r := oc.post("/groups/noord-peers/join", nil); r.Status != http.StatusSeeOther || e.grpRole(g, "other") != groups.Member {
			t.Errorf("joining an open group: %d, role %q", r.Status, e.grpRole(g, "other"))
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// N returns the English text of a plural message key.
func (e *testEnv) N(key string, n int, args ...any) string {
	return e.Srv.I18n.Printer(i18n.Languages[0]).N(key, n, args...)
}

// ---- who sees what ----

func TestGroupVisibility(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"founder", "insider", "outsider", "sitemod"} {
			e.createMember(h)
		}
		if err := e.Srv.Accounts.GrantRole(context.Background(), e.DB, e.member("sitemod").ID, accounts.RoleModerator, nil); err != nil {
			t.Fatal(err)
		}
		closed := e.grpCreate("founder", groups.Input{Name: "Closed Circle", Visibility: groups.MembersOnly, Joining: groups.Request,
			About: "A circle for zebrafinch lovers."}, map[string]string{"insider": groups.Member})
		secret := e.grpCreate("founder", groups.Input{Name: "Quiet Room", Visibility: groups.Secret, Joining: groups.Invitation,
			About: "Very zebrafinch."}, map[string]string{"insider": groups.Member})
		e.Srv.Groups.SetChannels(context.Background(), closed.ID, []groups.Channel{{Kind: "signal", URL: "https://signal.group/#closed"}})

		anon, out, in, mod := e.client(), e.sessionClient("outsider"), e.sessionClient("insider"), e.sessionClient("sitemod")
		// Members-only: listed, its about open, its members and links closed.
		for _, c := range []*client{anon, out} {
			r := c.get("/groups/" + closed.Slug)
			if r.Status != http.StatusOK || !strings.Contains(r.Body, "zebrafinch lovers") || !strings.Contains(r.Body, e.T("groups.closed_content")) {
				t.Errorf("outsider on a members-only group: %d", r.Status)
			}
			if strings.Contains(r.Body, "/members/insider") || strings.Contains(r.Body, "signal.group") {
				t.Errorf("an outsider sees the members or the links of a members-only group")
			}
		}
		r := in.get("/groups/" + closed.Slug)
		if !strings.Contains(r.Body, "/members/insider") || !strings.Contains(r.Body, `href="https://signal.group/#closed" rel="nofollow noreferrer"`) {
			t.Errorf("a member does not see members and links")
		}
		// Secret: not found, not listed, not searchable, except for members.
		for _, c := range []*client{anon, out} {
			r := c.get("/groups/" + secret.Slug)
			if r.Status != http.StatusNotFound || strings.Contains(r.Body, "Quiet Room") {
				t.Errorf("a secret group for an outsider: %d", r.Status)
			}
			for _, p := range []string{"/stages", "/members", "/invitations", "/edit", "/channels"} {
				if r := c.get("/groups/" + secret.Slug + p); r.Status != http.StatusNotFound && r.Status != http.StatusSeeOther {
					t.Errorf("GET %s of a secret group for an outsider: %d", p, r.Status)
				}
			}
			if l := c.get("/groups"); strings.Contains(l.Body, "Quiet Room") || !strings.Contains(l.Body, "Closed Circle") {
				t.Errorf("the directory for an outsider")
			}
			if s := c.get("/search?q=zebrafinch"); strings.Contains(s.Body, "Quiet Room") || !strings.Contains(s.Body, "Closed Circle") {
				t.Errorf("search for an outsider: secret groups must not be found, members-only ones must")
			}
		}
		if r := out.post("/groups/"+secret.Slug+"/join", nil); r.Status != http.StatusNotFound {
			t.Errorf("joining a secret group without an invitation: %d", r.Status)
		}
		if r := in.get("/groups/" + secret.Slug); r.Status != http.StatusOK || !strings.Contains(in.get("/groups").Body, "Quiet Room") {
			t.Errorf("a member of the secret group: %d, or not listed for them", r.Status)
		}
		// Site moderators see every group, to moderate, but do not run it.
		if r := mod.get("/groups/" + secret.Slug); r.Status != http.StatusOK || !strings.Contains(r.Body, "/members/insider") {
			t.Errorf("a site moderator on a secret group: %d", r.Status)
		}
		if r := mod.get("/groups/" + secret.Slug + "/members"); r.Status != http.StatusForbidden {
			t.Errorf("a site moderator on the members page: %d", r.Status)
		}
		// Hidden: gone for outsiders, shown with the reason to members.
		pub := e.grpCreate("founder", groups.Input{Name: "Open Door", Visibility: groups.Public, Joining: groups.Open}, nil)
		if err := e.Srv.Groups.Hide(context.Background(), e.DB, pub.ID, "Spam links"); err != nil {
			t.Fatal(err)
		}
		if r := out.get("/groups/" + pub.Slug); r.Status != http.StatusNotFound {
			t.Errorf("a hidden group for an outsider: %d", r.Status)
		}
		if r := e.sessionClient("founder").get("/groups/" + pub.Slug); !strings.Contains(r.Body, "Spam links") {
			t.Errorf("a hidden group's admin does not see why")
		}
	})
}

// TestGroupMemberNames checks that the members list shows a display name
// only to those the member lets see it.
func TestGroupMemberNames(t *testing.T) {
	e := sqliteEnv(t)
	for _, h := range []string{"founder", "shy", "open"} {
		e.createMember(h)
	}
	ctx := context.Background()
	set := func(h, name string, vis accounts.Visibility) {
		f := func(v string, vs accounts.Visibility) accounts.Field { return accounts.Field{Value: v, Vis: vs} }
		p := accounts.Profile{DisplayName: f(name, vis), Pronouns: f("", accounts.OnlyMe), Languages: f("", accounts.OnlyMe),
			Region: f("", accounts.OnlyMe), Bio: f("", accounts.OnlyMe), Email: f("", accounts.OnlyMe)}
		if err := e.Srv.Accounts.UpdateProfile(ctx, e.member(h).ID, p); err != nil {
			t.Fatal(err)
		}
	}
	set("shy", "Shy Sam", accounts.Members)
	set("open", "Open Olga", accounts.Public)
	g := e.grpCreate("founder", groups.Input{Name: "Named Group", Visibility: groups.Public, Joining: groups.Open},
		map[string]string{"shy": groups.Member, "open": groups.Member})
	// Who belongs is for fellow members only, even in a public group.
	anon := e.client().get("/groups/" + g.Slug).Body
	if strings.Contains(anon, "Shy Sam") || strings.Contains(anon, `/members/shy"`) || strings.Contains(anon, "Open Olga") ||
		!strings.Contains(anon, e.T("groups.members_private")) {
		t.Errorf("anonymous: the members list is shown to someone outside the group")
	}
	e.createMember("outsider")
	if out := e.sessionClient("outsider").get("/groups/" + g.Slug).Body; strings.Contains(out, `/members/shy"`) {
		t.Errorf("a member of Involve outside the group sees its members")
	}
	if in := e.sessionClient("founder").get("/groups/" + g.Slug).Body; !strings.Contains(in, "Shy Sam") {
		t.Errorf("a signed-in member does not see a members-visible display name")
	}
	set("shy", "Shy Sam", accounts.OnlyMe)
	if in := e.sessionClient("founder").get("/groups/" + g.Slug).Body; strings.Contains(in, "Shy Sam") {
		t.Errorf("a private display name is shown")
	}
	if self := e.sessionClient("shy").get("/groups/" + g.Slug).Body; !strings.Contains(self, "Shy Sam") {
		t.Errorf("a member does not see their own display name")
	}
}

// ---- running the group ----

func TestGroupRoles(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		for _, h := range []string{"boss", "mod", "mem", "mem2", "stranger"} {
			e.createMember(h)
		}
		g := e.grpCreate("boss", groups.Input{Name: "Peers Union", Kind: groups.UsersUnion, Visibility: groups.Public, Joining: groups.Request},
			map[string]string{"mod": groups.Moderator, "mem": groups.Member, "mem2": groups.Member})
		base := "/groups/" + g.Slug
		bc, mc, pc := e.sessionClient("boss"), e.sessionClient("mod"), e.sessionClient("mem")

		if r := pc.get(base + "/members"); r.Status != http.StatusForbidden {
			t.Errorf("a plain member on the members page: %d", r.Status)
		}
		if r := mc.get(base + "/members"); r.Status != http.StatusOK || strings.Contains(r.Body, `action="`+base+`/members/role"`) {
			t.Errorf("a moderator on the members page: %d (and no role forms)", r.Status)
		}
		// Roles: admins only; every change is audited and told.
		if r := mc.post(base+"/members/role", url.Values{"handle": {"mem"}, "role": {"moderator"}}); r.Status != http.StatusForbidden {
			t.Errorf("a moderator changing roles: %d", r.Status)
		}
		for _, tc := range []struct {
			form  url.Values
			field string
			key   string
		}{
			{url.Values{"handle": {"stranger"}, "role": {"moderator"}}, "handle", "groups.members.not_member"},
			{url.Values{"handle": {"nobody-at-all"}, "role": {"moderator"}}, "handle", "groups.members.not_member"},
			{url.Values{"handle": {"mem"}, "role": {"king"}}, "role", "groups.members.role_invalid"},
			{url.Values{"handle": {"boss"}, "role": {"member"}}, "role", "groups.members.last_admin"},
		} {
			r := bc.post(base+"/members/role", tc.form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `<p class="error" id="f-`+tc.field+`" tabindex="-1">`+html.EscapeString(e.T(tc.key))) {
				t.Errorf("role %v: %d, want %q", tc.form, r.Status, e.T(tc.key))
			}
		}
		r := bc.post(base+"/members/role", url.Values{"handle": {"mem"}, "role": {"moderator"}})
		if r.Status != http.StatusSeeOther || e.grpRole(g, "mem") != groups.Moderator {
			t.Fatalf("make mem a moderator: %d, role %q", r.Status, e.grpRole(g, "mem"))
		}
		if !hasNote(e.grpNotes("mem"), "group.role.moderator "+base+" a_group=Peers Union") {
			t.Errorf("mem was not told: %v", e.grpNotes("mem"))
		}
		entries, _ := e.Srv.Audit.Recent(ctx, 5, 0)
		if len(entries) == 0 || entries[0].Action != "group.role" || entries[0].Actor != "boss" || entries[0].Target != "mem" ||
			entries[0].Detail != g.Slug+": moderator" {
			t.Errorf("audit: %+v", entries)
		}
		// Removing: moderators remove plain members only; admins anyone.
		if r := mc.post(base+"/members/remove", url.Values{"handle": {"mem"}}); r.Status != http.StatusForbidden {
			t.Errorf("a moderator removing a moderator: %d", r.Status)
		}
		if r := mc.post(base+"/members/remove", url.Values{"handle": {"mod"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("removing oneself: %d", r.Status)
		}
		if r := mc.post(base+"/members/remove", url.Values{"handle": {"mem2"}}); r.Status != http.StatusSeeOther || e.grpRole(g, "mem2") != "" {
			t.Errorf("a moderator removing a member: %d", r.Status)
		}
		if !hasNote(e.grpNotes("mem2"), "group.removed /groups a_group=Peers Union") {
			t.Errorf("mem2 was not told: %v", e.grpNotes("mem2"))
		}
		if r := bc.post(base+"/members/remove", url.Values{"handle": {"mem"}}); r.Status != http.StatusSeeOther || e.grpRole(g, "mem") != "" {
			t.Errorf("an admin removing a moderator: %d", r.Status)
		}
		// Handing over: the new admin is told; the old one is a member.
		if r := bc.post(base+"/members/transfer", url.Values{"transfer": {"boss"}}); r.Status != http.StatusUnprocessableEntity ||
			fieldError(r.Body, "transfer") != e.T("groups.transfer.self") {
			t.Errorf("transfer to oneself: %d %q", r.Status, fieldError(r.Body, "transfer"))
		}
		if r := bc.post(base+"/members/transfer", url.Values{"transfer": {""}}); r.Status != http.StatusUnprocessableEntity ||
			fieldError(r.Body, "transfer") != e.T("groups.members.choose") {
			t.Errorf("transfer to nobody: %d %q", r.Status, fieldError(r.Body, "transfer"))
		}
		if r := bc.post(base+"/members/transfer", url.Values{"transfer": {"mod"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("transfer: %d", r.Status)
		}
		if e.grpRole(g, "mod") != groups.Admin || e.grpRole(g, "boss") != groups.Member || !hasNote(e.grpNotes("mod"), "group.role.admin "+base+" a_group=Peers Union") {
			t.Errorf("after transfer: mod %q, boss %q", e.grpRole(g, "mod"), e.grpRole(g, "boss"))
		}
		if r := bc.get(base + "/members"); r.Status != http.StatusForbidden {
			t.Errorf("the former admin still runs the group: %d", r.Status)
		}
		// An admin stepping down beside another admin goes back to the group.
		mc.post(base+"/members/role", url.Values{"handle": {"boss"}, "role": {"admin"}})
		if r := mc.post(base+"/members/role", url.Values{"handle": {"mod"}, "role": {"member"}}); r.Status != http.StatusSeeOther || r.Location != base {
			t.Errorf("stepping down: %d → %q", r.Status, r.Location)
		}
	})
}

func TestGroupInvitations(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"boss", "guest", "guest2", "guest3", "mem"} {
			e.createMember(h)
		}
		g := e.grpCreate("boss", groups.Input{Name: "Quiet Room", Visibility: groups.Secret, Joining: groups.Invitation},
			map[string]string{"mem": groups.Member})
		base := "/groups/" + g.Slug
		bc := e.sessionClient("boss")
		if r := e.sessionClient("mem").get(base + "/invitations"); r.Status != http.StatusForbidden {
			t.Errorf("a plain member on the invitations page: %d", r.Status)
		}
		if r := bc.post(base+"/invitations", url.Values{"note": {strings.Repeat("n", 201)}}); r.Status != http.StatusUnprocessableEntity ||
			fieldError(r.Body, "note") != e.T("field.too_long") {
			t.Errorf("a too long note: %d", r.Status)
		}
		r := bc.post(base+"/invitations", url.Values{"note": {"For Kim from the Tuesday group"}})
		link := regexp.MustCompile(`id="new-link" type="text" readonly value="([^"]+)"`).FindStringSubmatch(r.Body)
		if r.Status != http.StatusOK || link == nil || !strings.HasPrefix(link[1], e.URL+"/invite/") {
			t.Fatalf("make an invitation: %d, link %v", r.Status, link)
		}
		path := strings.TrimPrefix(link[1], e.URL)
		if strings.Contains(bc.get(base+"/invitations").Body, path) {
			t.Errorf("the invitation link is shown again later")
		}
		// Signed out: the group is shown, with a way to sign in and come back.
		r = e.client().get(path)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Quiet Room") || !strings.Contains(r.Body, `href="/login?next=`+path+`"`) {
			t.Errorf("the invitation, signed out: %d", r.Status)
		}
		gc := e.sessionClient("guest")
		if r := gc.get(path); !strings.Contains(r.Body, `action="`+path+`"`) {
			t.Errorf("the invitation, signed in, offers no Join")
		}
		if r := gc.post(path, nil); r.Status != http.StatusSeeOther || r.Location != base || e.grpRole(g, "guest") != groups.Member {
			t.Fatalf("accepting: %d → %q", r.Status, r.Location)
		}
		// Used: it no longer works, and the list says who used it.
		if r := e.sessionClient("guest2").post(path, nil); r.Status != http.StatusNotFound || e.grpRole(g, "guest2") != "" {
			t.Errorf("a used invitation: %d", r.Status)
		}
		if r := e.client().get(path); r.Status != http.StatusNotFound || !strings.Contains(r.Body, e.T("groups.invite.bad")) {
			t.Errorf("a used invitation, signed out: %d", r.Status)
		}
		list := bc.get(base + "/invitations").Body
		if !strings.Contains(list, "For Kim from the Tuesday group") || !strings.Contains(list, e.T("groups.invitations.used_by", "guest")) {
			t.Errorf("the list does not show the used invitation")
		}
		// Withdrawn: it no longer works either.
		r = bc.post(base+"/invitations", nil)
		path2 := strings.TrimPrefix(regexp.MustCompile(`value="([^"]+/invite/[^"]+)"`).FindStringSubmatch(r.Body)[1], e.URL)
		invs, _ := e.Srv.Groups.Invitations(context.Background(), g.ID)
		if r := bc.post(base+"/invitations/"+itoa(invs[0].ID)+"/withdraw", nil); r.Status != http.StatusSeeOther {
			t.Errorf("withdraw: %d", r.Status)
		}
		if r := bc.post(base+"/invitations/"+itoa(invs[0].ID)+"/withdraw", nil); r.Status != http.StatusConflict {
			t.Errorf("withdraw twice: %d", r.Status)
		}
		if r := bc.post(base+"/invitations/"+itoa(invs[1].ID)+"/withdraw", nil); r.Status != http.StatusConflict {
			t.Errorf("withdraw a used one: %d", r.Status)
		}
		if r := e.sessionClient("guest2").post(path2, nil); r.Status != http.StatusNotFound {
			t.Errorf("a withdrawn invitation: %d", r.Status)
		}
		// The shared link: on, used by two, reset, off.
		if r := bc.post(base+"/invite-link", url.Values{"action": {"sideways"}}); r.Status != http.StatusBadRequest {
			t.Errorf("a made-up action: %d", r.Status)
		}
		r = bc.post(base+"/invite-link", url.Values{"action": {"on"}})
		shared := strings.TrimPrefix(regexp.MustCompile(`value="([^"]+/invite/[^"]+)"`).FindStringSubmatch(r.Body)[1], e.URL)
		if !strings.Contains(r.Body, e.T("groups.link.is_on")) {
			t.Errorf("the shared link is not shown as on")
		}
		for _, h := range []string{"guest2", "guest3"} {
			if r := e.sessionClient(h).post(shared, nil); r.Status != http.StatusSeeOther || e.grpRole(g, h) != groups.Member {
				t.Errorf("%s with the shared link: %d", h, r.Status)
			}
		}
		if r := gc.post(shared, nil); r.Status != http.StatusSeeOther || r.Location != base {
			t.Errorf("a member using the shared link: %d", r.Status)
		}
		r = bc.post(base+"/invite-link", url.Values{"action": {"on"}})
		if e.client().get(shared).Status != http.StatusNotFound {
			t.Errorf("the old shared link works after a reset")
		}
		bc.post(base+"/invite-link", url.Values{"action": {"off"}})
		newShared := strings.TrimPrefix(regexp.MustCompile(`value="([^"]+/invite/[^"]+)"`).FindStringSubmatch(r.Body)[1], e.URL)
		if e.client().get(newShared).Status != http.StatusNotFound || !strings.Contains(bc.get(base+"/invitations").Body, e.T("groups.link.is_off")) {
			t.Errorf("the shared link works after switching it off")
		}
	})
}

func TestGroupChannels(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("boss")
		e.createMember("mem")
		g := e.grpCreate("boss", groups.Input{Name: "Link Group", Visibility: groups.Public, Joining: groups.Open},
			map[string]string{"mem": groups.Member})
		base := "/groups/" + g.Slug
		bc := e.sessionClient("boss")
		if r := e.sessionClient("mem").get(base + "/channels"); r.Status != http.StatusForbidden {
			t.Errorf("a member editing channels: %d", r.Status)
		}
		bad := url.Values{"kind_0": {"matrix"}, "url_0": {"javascript:alert(1)"}, "label_0": {"Our room"},
			"kind_1": {""}, "url_1": {"https://x.example.org"}, "kind_2": {"signal"}, "url_2": {""}}
		r := bc.post(base+"/channels", bad)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad channels: %d", r.Status)
		}
		for field, key := range map[string]string{"url_0": "groups.channels.url_invalid", "kind_1": "groups.channels.kind_required",
			"url_2": "groups.channels.url_required"} {
			if got := anyFieldError(r.Body, field); got != e.T(key) {
				t.Errorf("next to %s: %q, want %q", field, got, e.T(key))
			}
		}
		if !strings.Contains(r.Body, `value="javascript:alert(1)"`) || !strings.Contains(r.Body, `value="Our room"`) {
			t.Errorf("the channels form lost what was typed")
		}
		good := url.Values{"kind_0": {"matrix"}, "url_0": {"https://matrix.to/#/#linkgroup:example.org"}, "label_0": {"Our room"},
			"kind_3": {"mailing-list"}, "url_3": {"mailto:list@example.org"}}
		if r := bc.post(base+"/channels", good); r.Status != http.StatusSeeOther || r.Location != base+"#channels" {
			t.Fatalf("save channels: %d → %q", r.Status, r.Location)
		}
		page := e.client().get(base).Body
		if !strings.Contains(page, `<a href="https://matrix.to/#/#linkgroup:example.org" rel="nofollow noreferrer">Our room</a>`) ||
			!strings.Contains(page, `href="mailto:list@example.org" rel="nofollow noreferrer">`+e.T("groups.channel_kind.mailing-list.label")) {
			t.Errorf("the group page does not show the channels\n%s", page)
		}
		// The form shows them again, in order.
		if f := bc.get(base + "/channels").Body; !strings.Contains(f, `value="mailto:list@example.org"`) || !strings.Contains(f, `<option value="mailing-list" selected>`) {
			t.Errorf("the channels form does not show the saved channels")
		}
	})
}

func TestGroupStages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"boss", "mem", "outsider"} {
			e.createMember(h)
		}
		g := e.grpCreate("boss", groups.Input{Name: "Stage Group", Visibility: groups.Public, Joining: groups.Open},
			map[string]string{"mem": groups.Member})
		base := "/groups/" + g.Slug
		bc, mc, oc := e.sessionClient("boss"), e.sessionClient("mem"), e.sessionClient("outsider")
		if r := mc.post(base+"/stages", url.Values{"stage": {"initiate"}}); r.Status != http.StatusForbidden {
			t.Errorf("a member adopting: %d", r.Status)
		}
		if r := bc.post(base+"/stages", url.Values{"stage": {"what"}}); r.Status != http.StatusBadRequest {
			t.Errorf("adopting a page that is not a stage: %d", r.Status)
		}
		if r := bc.post(base+"/stages", url.Values{"stage": {"initiate"}}); r.Status != http.StatusSeeOther || r.Location != base+"/stages#stage-initiate" {
			t.Fatalf("adopt: %d → %q", r.Status, r.Location)
		}
		orig := e.guideRevision("initiate", "en")
		items := guide.ChecklistItems(orig.Body)
		k0, k1 := guide.ItemKey(items[0]), guide.ItemKey(items[1])
		if r := oc.post(base+"/stages/initiate/checks", url.Values{"item": {k0}}); r.Status != http.StatusForbidden {
			t.Errorf("an outsider ticking: %d", r.Status)
		}
		if r := mc.post(base+"/stages/prepare/checks", url.Values{"item": {k0}}); r.Status != http.StatusNotFound {
			t.Errorf("ticking a stage not adopted: %d", r.Status)
		}
		if r := mc.post(base+"/stages/initiate/checks", url.Values{"item": {k0, k1, "made-up"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("ticking: %d", r.Status)
		}
		// Everyone sees the progress; only members can tick.
		want := e.T("groups.stages.count", 2, len(items))
		if p := e.client().get(base); !strings.Contains(p.Body, want) || !strings.Contains(p.Body, `href="`+base+`/stages#stage-initiate"`) {
			t.Errorf("the group page does not show progress %q", want)
		}
		sp := e.client().get(base + "/stages").Body
		if strings.Count(sp, `name="item"`) != len(items) || strings.Count(sp, " checked disabled>") != 2 {
			t.Errorf("the stages page for a reader: %d items, %d ticked", strings.Count(sp, `name="item"`), strings.Count(sp, " checked disabled>"))
		}
		if mp := mc.get(base + "/stages").Body; strings.Contains(mp, "disabled") {
			t.Errorf("a member's checkboxes are disabled")
		}
		// A Dutch reader sees the Dutch items, ticked the same.
		nl := e.client()
		nl.setCookie(langCookie, "nl")
		tr := e.guideRevision("initiate", "nl")
		if p := nl.get(base + "/stages").Body; !strings.Contains(p, html.EscapeString(guide.ChecklistItems(tr.Body)[0])) {
			t.Errorf("the Dutch stages page does not show the Dutch items")
		}
		// Dropping takes the ticks with it.
		if r := mc.post(base+"/stages/initiate/drop", nil); r.Status != http.StatusForbidden {
			t.Errorf("a member dropping: %d", r.Status)
		}
		if r := bc.post(base+"/stages/initiate/drop", nil); r.Status != http.StatusSeeOther {
			t.Errorf("drop: %d", r.Status)
		}
		if r := bc.post(base+"/stages/initiate/drop", nil); r.Status != http.StatusNotFound {
			t.Errorf("drop twice: %d", r.Status)
		}
		if st, _ := e.Srv.Groups.Stages(context.Background(), g.ID); len(st) != 0 {
			t.Errorf("stages after dropping: %+v", st)
		}
	})
}

// TestGroupForOrganisation checks that staff of a verified organisation
// may start a group for it, and nobody else may.
func TestGroupForOrganisation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("lena")
		e.createMember("peer")
		e.createMember("waiting")
		o := e.createOrganisation("lena", "Harbour Service", organisations.Service, true)
		p := e.createOrganisation("waiting", "Pending Place", organisations.Service, false)
		lc := e.sessionClient("lena")
		if f := lc.get("/groups/new?kind=integrated-initiative").Body; !strings.Contains(f, `<option value="harbour-service">Harbour Service</option>`) ||
			!strings.Contains(f, `<option value="integrated-initiative" selected>`) {
			t.Errorf("staff are not offered their organisation, or the kind is not chosen")
		}
		if f := e.sessionClient("waiting").get("/groups/new").Body; strings.Contains(f, `id="f-organisation"`) {
			t.Errorf("staff of a pending organisation are offered it")
		}
		form := url.Values{"name": {"Harbour Client Board"}, "kind": {groups.IntegratedInitiative}, "visibility": {groups.Public},
			"joining": {groups.Request}, "organisation": {p.Slug}}
		if r := lc.post("/groups", form); r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "organisation") != e.T("groups.form.organisation_invalid") {
			t.Errorf("for an organisation one does not act for: %d %q", r.Status, fieldError(r.Body, "organisation"))
		}
		if r := e.sessionClient("peer").post("/groups", func() url.Values { f := url.Values{}; f.Set("organisation", o.Slug); return f }()); fieldError(r.Body, "organisation") != e.T("groups.form.organisation_invalid") {
			t.Errorf("a peer starting a group for an organisation: %q", fieldError(r.Body, "organisation"))
		}
		form.Set("organisation", o.Slug)
		r := lc.post("/groups", form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("start for the organisation: %d\n%s", r.Status, r.Body)
		}
		g, _ := e.Srv.Groups.BySlug(context.Background(), "harbour-client-board")
		if g.OrganisationID == nil || *g.OrganisationID != o.ID {
			t.Errorf("the group is not linked to the organisation")
		}
		if page := e.client().get(r.Location).Body; !strings.Contains(page, e.T("groups.started_by")+` <a href="/organisations/harbour-service">Harbour Service</a>`) {
			t.Errorf("the group page does not say who started it")
		}
		// The organisation's page lists the groups it supports.
		if err := e.Srv.Groups.AddSupporter(context.Background(), e.DB, g.ID, o.ID, "a room"); err != nil {
			t.Fatal(err)
		}
		if op := e.client().get("/organisations/" + o.Slug).Body; !strings.Contains(op, `<a href="/groups/harbour-client-board">Harbour Client Board</a>`) {
			t.Errorf("the organisation page does not list the group it supports")
		}
		if gp := e.client().get("/groups/" + g.Slug).Body; !strings.Contains(gp, "Harbour Service</a>: a room") {
			t.Errorf("the group page does not list its supporter")
		}
	})
}

// TestGroupsMemberData checks the data download and deleting an account
// from the web: the group gets a new admin.
func TestGroupsMemberData(t *testing.T) {
	e := sqliteEnv(t)
	e.createMember("founder")
	e.createMember("mem")
	g := e.grpCreate("founder", groups.Input{Name: "Data Group", Visibility: groups.Public, Joining: groups.Request},
		map[string]string{"mem": groups.Member})
	fc := e.sessionClient("founder")
	r := fc.get("/me/data.json")
	var doc struct {
		Data struct {
			Groups struct {
				Memberships []struct{ Slug, Role string } `json:"memberships"`
			} `json:"groups"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatal(err)
	}
	if m := doc.Data.Groups.Memberships; len(m) != 1 || m[0].Slug != g.Slug || m[0].Role != groups.Admin {
		t.Errorf("data download: %+v", m)
	}
	r = fc.post("/me/delete", url.Values{"mode": {"remove"}, "password": {passphrase("founder")}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Status)
	}
	if e.grpRole(g, "mem") != groups.Admin {
		t.Errorf("the group has no admin after its founder left")
	}
}

// TestGroupPagesInEveryLanguage reads every groups page, and the
// notifications groups send, in each language: no page fails, shows a
// message key instead of text, or a broken formatting verb.
func TestGroupPagesInEveryLanguage(t *testing.T) {
	e := sqliteEnv(t)
	ctx := context.Background()
	for _, h := range []string{"boss", "mem", "asker", "outsider"} {
		e.createMember(h)
	}
	o := e.createOrganisation("boss", "Harbour Service", organisations.Service, true)
	g := e.grpCreate("boss", groups.Input{Name: "Every Page Group", Kind: groups.UsersUnion, Visibility: groups.MembersOnly,
		Joining: groups.Request, About: "About **us**.", Region: "Riga", Topics: "HIV", Languages: "ru, lv"},
		map[string]string{"mem": groups.Moderator})
	e.Srv.Groups.AddSupporter(ctx, e.DB, g.ID, o.ID, "a room")
	e.Srv.Groups.SetChannels(ctx, g.ID, []groups.Channel{{Kind: "telegram", URL: "https://t.me/+Example"}, {Kind: "other", URL: "https://x.example.org"}})
	base := "/groups/" + g.Slug
	boss, asker := e.sessionClient("boss"), e.sessionClient("asker")
	asker.post(base+"/join", url.Values{"why": {"Please"}})
	boss.post(base+"/stages", url.Values{"stage": {"initiate"}})
	boss.post(base+"/members/role", url.Values{"handle": {"mem"}, "role": {"admin"}})
	boss.post(base+"/members/role", url.Values{"handle": {"mem"}, "role": {"member"}})
	boss.post(base+"/members/remove", url.Values{"handle": {"mem"}})
	token, _ := e.Srv.Groups.CreateInvitation(ctx, g.ID, e.member("boss").ID, "note")
	pages := []struct {
		c     *client
		paths []string
	}{
		{boss, []string{"/groups", "/groups?kind=users-union&language=ru", "/groups/new", base, base + "/edit", base + "/members",
			base + "/invitations", base + "/channels", base + "/stages", "/invite/" + token, "/me", "/organisations", "/organisations/" + o.Slug,
			"/organisations/new", "/for/peers", "/for/services", "/search?q=riga", "/notifications", "/admin/audit"}},
		{asker, []string{base, "/invite/" + token}},
		{e.sessionClient("mem"), []string{"/notifications", "/groups"}},
		{e.client(), []string{base, "/invite/" + token, "/groups"}},
	}
	e.makeAdmin("boss")
	if r := e.sessionClient("mem").get("/notifications"); r.Status == http.StatusOK {
		for _, want := range []string{e.T("notify.group.removed", g.Name), e.T("notify.group.role.admin", g.Name), e.T("notify.group.role.member", g.Name)} {
			if !strings.Contains(unescaped(r.Body), want) {
				t.Errorf("the notifications page does not say %q", want)
			}
		}
	}
	if r := boss.get("/notifications"); r.Status == http.StatusOK && !strings.Contains(unescaped(r.Body), e.T("notify.group.join_request", "asker", g.Name)) {
		t.Errorf("the notifications page does not show the join request")
	}
	broken := regexp.MustCompile(`%!|%\[\d+\]`)
	for _, lang := range []string{"en", "nl", "ru"} {
		for _, pg := range pages {
			pg.c.setCookie(langCookie, lang)
			if err := e.Srv.Accounts.SetLocale(ctx, e.member("boss").ID, lang); err != nil {
				t.Fatal(err)
			}
			for _, p := range pg.paths {
				r := pg.c.get(p)
				if r.Status != http.StatusOK {
					if p == "/notifications" && r.Status == http.StatusNotFound {
						continue // the notifications capability is not there
					}
					t.Errorf("%s GET %s: %d", lang, p, r.Status)
					continue
				}
				for _, m := range rawKey.FindAllStringSubmatch(r.Body, -1) {
					t.Errorf("%s GET %s: shows the message key %q", lang, p, m[1])
				}
				if m := broken.FindString(unescaped(r.Body)); m != "" {
					t.Errorf("%s GET %s: a broken formatting verb %q", lang, p, m)
				}
			}
			// Each form with a mistake too.
			for _, f := range []struct {
				path string
				form url.Values
			}{
				{"/groups", url.Values{"visibility": {"secret"}, "joining": {"open"}, "languages": {"xx"}}},
				{base + "/channels", url.Values{"kind_0": {"signal"}, "url_0": {"x"}}},
				{base + "/members/transfer", url.Values{"transfer": {"asker"}}},
				{base + "/invitations", url.Values{"note": {strings.Repeat("n", 300)}}},
			} {
				if pg.c != boss {
					continue
				}
				r := boss.post(f.path, f.form)
				for _, m := range rawKey.FindAllStringSubmatch(r.Body, -1) {
					t.Errorf("%s POST %s: shows the message key %q", lang, f.path, m[1])
				}
			}
		}
	}
}

// TestGroupDirectoryPages checks that a long directory comes in pages of
// DirectoryPerPage, that page links keep the filters, and that a page
// past the end is not found.
func TestGroupDirectoryPages(t *testing.T) {
	e := sqliteEnv(t)
	ctx := context.Background()
	founder := e.createMember("founder")
	n := DirectoryPerPage + 5
	for i := range n {
		if _, err := e.Srv.Groups.Create(ctx, founder.ID, groups.Input{Name: fmt.Sprintf("Peer Circle %02d", i), Kind: groups.SelfOrganisation,
			Visibility: groups.Public, Joining: groups.Open, Region: "Riga"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	c := e.client()
	first := c.get("/groups?region=Riga")
	if got := strings.Count(first.Body, `<li class="card">`); got != DirectoryPerPage {
		t.Errorf("first page shows %d groups, want %d", got, DirectoryPerPage)
	}
	if !strings.Contains(first.Body, fmt.Sprintf("%d groups of %d match", n, n)) || !strings.Contains(first.Body, `href="/groups?region=Riga&amp;page=2"`) {
		t.Errorf("first page lacks the count of all matches or a link to page 2 keeping the filter")
	}
	second := c.get("/groups?region=Riga&page=2")
	if got := strings.Count(second.Body, `<li class="card">`); got != 5 || !strings.Contains(second.Body, fmt.Sprintf("Peer Circle %02d", n-1)) {
		t.Errorf("second page shows %d groups, want the last 5", got)
	}
	if r := c.get("/groups?page=3"); r.Status != http.StatusNotFound {
		t.Errorf("page past the end: %d, want 404", r.Status)
	}
}

// TestSlugInCapitals: a group's, organisation's or guide page's address
// typed with capitals leads to it; the move happens before any lookup, so
// it says nothing about whether a secret group exists.
func TestSlugInCapitals(t *testing.T) {
	e := sqliteEnv(t)
	e.createMember("founder")
	g := e.discGroup("Harbour Peers", "public", "founder", nil)
	c := e.client()
	for path, want := range map[string]string{
		"/groups/Harbour-Peers":                    "/groups/" + g.Slug,
		"/groups/HARBOUR-PEERS/discussions?page=2": "/groups/" + g.Slug + "/discussions?page=2",
		"/groups/No-Such-Group":                    "/groups/no-such-group",
		"/guide/Initiate":                          "/guide/initiate",
		"/groups/Группа-Мира":                      "/groups/%D0%B3%D1%80%D1%83%D0%BF%D0%BF%D0%B0-%D0%BC%D0%B8%D1%80%D0%B0",
	} {
		r := c.get(path)
		if r.Status != http.StatusMovedPermanently || r.Location != want {
			t.Errorf("GET %s: %d → %q, want 301 → %q", path, r.Status, r.Location, want)
		}
	}
	if r := c.get("/groups/" + g.Slug); r.Status != http.StatusOK {
		t.Errorf("the group's own address: %d", r.Status)
	}
	// A form sent to such an address is not moved (its body would be lost).
	if r := c.post("/groups/Harbour-Peers/join", nil); r.Status == http.StatusMovedPermanently {
		t.Error("a POST was moved")
	}
}
