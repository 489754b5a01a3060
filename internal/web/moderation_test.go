package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/discussions"
	"involve/internal/groups"
	"involve/internal/testutil"
)

// ---- helpers for the moderation tests ----

// modGroup starts a group founded by founder.
func (e *testEnv) modGroup(founder, name, vis string) *groups.Group {
	e.t.Helper()
	joining := groups.Open
	if vis == groups.Secret {
		joining = groups.Invitation
	}
	g, err := e.Srv.Groups.Create(context.Background(), e.member(founder).ID, groups.Input{Name: name, Kind: groups.DiscussionGroup,
		Visibility: vis, Joining: joining}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return g
}

// modJoin puts a member into a group with a role, directly.
func (e *testEnv) modJoin(g *groups.Group, handle, role string) {
	e.t.Helper()
	if _, err := e.DB.Exec(context.Background(), `INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES (?, ?, ?, ?)`,
		g.ID, e.member(handle).ID, role, time.Now()); err != nil {
		e.t.Fatal(err)
	}
}

// modThread starts a thread in g (nil: the forum) and returns it with the
// id of its first post.
func (e *testEnv) modThread(g *groups.Group, author, title, body string) (*discussions.Discussion, int64) {
	e.t.Helper()
	var gid *int64
	if g != nil {
		gid = &g.ID
	}
	d, err := e.Srv.Discussions.Create(context.Background(), gid, e.member(author).ID, discussions.Input{Title: title, Body: body, Lang: "en"})
	if err != nil {
		e.t.Fatal(err)
	}
	var id int64
	if err := e.DB.QueryRow(context.Background(), `SELECT id FROM posts WHERE discussion_id = ? AND position = 1`, d.ID).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return d, id
}

func (e *testEnv) grant(handle, role string) {
	e.t.Helper()
	if err := e.Srv.Accounts.GrantRole(context.Background(), e.DB, e.member(handle).ID, role, nil); err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.DB.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

var reasonError = regexp.MustCompile(`(?s)<fieldset id="f-reason" class="reasons has-error"[^>]*>.*?<p class="error" id="f-reason-error">(.*?)</p>`)

// wantStatus fails unless r has the status.
func wantStatus(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.Status, status, r.Body)
	}
}

func wantRedirect(t *testing.T, what string, r response, to string) {
	t.Helper()
	wantStatus(t, what, r, http.StatusSeeOther)
	if r.Location != to {
		t.Fatalf("%s: redirect to %s, want %s", what, r.Location, to)
	}
}

func wantText(t *testing.T, what string, r response, texts ...string) {
	t.Helper()
	body := unescaped(r.Body)
	for _, s := range texts {
		if !strings.Contains(body, s) {
			t.Errorf("%s: the page does not say %q", what, s)
		}
	}
}

// TestReportAndHide walks the main path on both databases: a member
// reports a post with a mistake first, the group's moderator hides it with
// a reason (after forgetting one), the reader sees the reason, the
// reporter sees the outcome, and a site moderator restores it.
func TestReportAndHide(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"reader", "writer", "gmod", "sitemod"} {
			e.createMember(h)
		}
		e.grant("sitemod", accounts.RoleModerator)
		g := e.modGroup("gmod", "Harbour Peers", groups.Public)
		e.modJoin(g, "writer", groups.Member)
		e.modJoin(g, "reader", groups.Member)
		th, post := e.modThread(g, "writer", "Cheap stuff", "Selling tonight, message me.")
		reader := e.sessionClient("reader")

		// The form, with the reasons explained.
		form := fmt.Sprintf("/report?type=post&id=%d", post)
		r := reader.get(form)
		wantStatus(t, "report form", r, http.StatusOK)
		wantText(t, "report form", r, "Cheap stuff", e.T("moderation.reason.selling.label"), e.T("moderation.reason.selling.hint"))

		// No reason: told next to the choices, details kept.
		vals := url.Values{"type": {"post"}, "id": {fmt.Sprint(post)}, "details": {"They posted the same in three groups."}}
		r = reader.post("/reports", vals)
		wantStatus(t, "report without a reason", r, http.StatusUnprocessableEntity)
		if m := reasonError.FindStringSubmatch(r.Body); m == nil || unescaped(m[1]) != e.T("moderation.report.reason.required") {
			t.Errorf("no message next to the reasons:\n%s", r.Body)
		}
		if got := fieldValue(r.Body, "details"); got != "They posted the same in three groups." {
			t.Errorf("details not kept: %q", got)
		}
		if !strings.Contains(r.Body, `<a href="#f-reason">`) {
			t.Error("the error summary does not link to the reasons")
		}
		// Details too long.
		vals.Set("reason", "selling")
		vals.Set("details", strings.Repeat("x", 2001))
		r = reader.post("/reports", vals)
		wantStatus(t, "report with long details", r, http.StatusUnprocessableEntity)
		if got := fieldError(r.Body, "details"); got != e.T("field.too_long") {
			t.Errorf("next to details: %q", got)
		}
		if !strings.Contains(r.Body, `value="selling" aria-describedby="f-reason-selling-hint" checked`) {
			t.Error("the chosen reason was not kept")
		}
		vals.Set("details", "They posted the same in three groups.")
		r = reader.post("/reports", vals)
		wantRedirect(t, "report", r, th.PostURL(1))
		if e.count(`SELECT COUNT(*) FROM reports WHERE status = 'open'`) != 1 {
			t.Fatal("no open report")
		}
		// Once is enough: sending again (a double click) changes nothing.
		r = reader.post("/reports", vals)
		wantRedirect(t, "reporting twice", r, th.PostURL(1))
		if c := r.setCookie(flashCookie); c == nil || c.Value != "moderation.report.already" {
			t.Errorf("reporting twice: flash %v", c)
		}
		if e.count(`SELECT COUNT(*) FROM reports`) != 1 {
			t.Error("reporting twice made a second report")
		}
		if r := reader.get(form); strings.Contains(r.Body, `action="/reports"`) || !strings.Contains(r.Body, `href="/me/reports"`) {
			t.Error("the form is offered again after reporting")
		}
		wantText(t, "your reports", reader.get("/me/reports"), "Cheap stuff", e.T("moderation.mine.status.open"))

		// The group's moderator was told, and finds it in the group's queue,
		// without the reporter's handle.
		gmod := e.sessionClient("gmod")
		if e.count(`SELECT COUNT(*) FROM notifications WHERE member_id = ? AND kind = 'moderation.report'`, e.member("gmod").ID) != 1 {
			t.Error("the group's moderator was not told of the report")
		}
		queue := "/groups/" + g.Slug + "/moderation"
		r = gmod.get(queue)
		wantStatus(t, "group queue", r, http.StatusOK)
		wantText(t, "group queue", r, "Cheap stuff", "They posted the same in three groups.")
		if strings.Contains(r.Body, "reader") {
			t.Error("the group's queue shows who reported")
		}
		// Forgetting the reason: shown on the post's moderation page.
		hide := fmt.Sprintf("/moderation/post/%d/hide", post)
		r = gmod.post(hide, url.Values{"return": {queue}, "reason": {"  "}})
		wantStatus(t, "hide without a reason", r, http.StatusUnprocessableEntity)
		if got := fieldError(r.Body, "reason"); got != e.T("moderation.reason.required") {
			t.Errorf("next to the reason: %q", got)
		}
		if !strings.Contains(r.Body, `name="return" value="`+queue+`"`) {
			t.Error("the return address was lost")
		}
		r = gmod.post(hide, url.Values{"return": {queue}, "reason": {"Selling drugs is against the rules"}})
		wantRedirect(t, "hide", r, queue)
		if got := gmod.get(queue); !strings.Contains(got.Body, e.T("moderation.queue.none")) {
			t.Error("the report is still waiting after hiding")
		}

		// Readers see the reason in its place; the author and reporter are told.
		r = e.client().get(th.URL())
		wantText(t, "thread after hiding", r, "Selling drugs is against the rules")
		if strings.Contains(r.Body, "Selling tonight") {
			t.Error("the hidden post's text is still shown to readers")
		}
		for h, kind := range map[string]string{"writer": "moderation.hidden", "reader": "moderation.handled"} {
			if e.count(`SELECT COUNT(*) FROM notifications WHERE member_id = ? AND kind = ?`, e.member(h).ID, kind) != 1 {
				t.Errorf("%s was not told (%s)", h, kind)
			}
		}
		wantText(t, "the writer's notifications", e.sessionClient("writer").get("/notifications"),
			e.T("notify.moderation.hidden", "Cheap stuff"))
		wantText(t, "the reporter's notifications", reader.get("/notifications"), e.T("notify.moderation.handled", "Cheap stuff"))
		wantText(t, "your reports after hiding", reader.get("/me/reports"), e.T("moderation.mine.status.resolved"),
			e.T("moderation.mine.note", "Selling drugs is against the rules"))
		if e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'moderation.hide' AND target_type = 'post' AND target = ? AND detail = ?`,
			fmt.Sprint(post), "Selling drugs is against the rules") != 1 {
			t.Error("no audit entry for hiding")
		}

		// A site moderator restores it from its page, which shows the history.
		sm := e.sessionClient("sitemod")
		page := fmt.Sprintf("/moderation/post/%d", post)
		r = sm.get(page)
		wantStatus(t, "target page", r, http.StatusOK)
		wantText(t, "target page", r, e.T("audit.action.moderation.hide"), "Selling drugs is against the rules", "reader")
		r = sm.post(fmt.Sprintf("/moderation/post/%d/restore", post), url.Values{"reason": {"Checked with the writer: a joke"}})
		wantRedirect(t, "restore", r, page)
		if r := e.client().get(th.URL()); !strings.Contains(r.Body, "Selling tonight") {
			t.Error("the restored post is not shown")
		}
		r = sm.post(fmt.Sprintf("/moderation/post/%d/restore", post), url.Values{"reason": {"again"}})
		wantStatus(t, "restoring what is shown", r, http.StatusUnprocessableEntity)
		if got := fieldError(r.Body, "reason"); got == "" {
			t.Error("restoring what is shown: no message")
		}
	})
}

// TestDismissReport: a site moderator leaves a group up; the note reaches
// the reporter; a group's own admin never sees reports about it.
func TestDismissReport(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"reader", "gadmin", "sitemod"} {
			e.createMember(h)
		}
		e.grant("sitemod", accounts.RoleModerator)
		g := e.modGroup("gadmin", "Night Owls", groups.Public)
		reader := e.sessionClient("reader")
		r := reader.post("/reports", url.Values{"type": {"group"}, "id": {fmt.Sprint(g.ID)}, "reason": {"spam"}})
		wantRedirect(t, "report a group", r, "/groups/"+g.Slug)
		var id int64
		if err := e.DB.QueryRow(context.Background(), `SELECT id FROM reports`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		// The group's admin cannot see or handle it.
		gadmin := e.sessionClient("gadmin")
		if r := gadmin.get("/groups/" + g.Slug + "/moderation"); strings.Contains(r.Body, e.T("moderation.reason.spam.label")) {
			t.Error("the group's queue shows a report about the group itself")
		}
		wantStatus(t, "group admin dismissing", gadmin.post(fmt.Sprintf("/moderation/reports/%d/dismiss", id), nil), http.StatusNotFound)

		sm := e.sessionClient("sitemod")
		r = sm.get("/moderation")
		wantStatus(t, "site queue", r, http.StatusOK)
		wantText(t, "site queue", r, "Night Owls", e.T("moderation.queue.by", "reader"))
		dismiss := fmt.Sprintf("/moderation/reports/%d/dismiss", id)
		r = sm.post(dismiss, url.Values{"note": {strings.Repeat("n", 501)}, "return": {"/moderation"}})
		wantStatus(t, "dismiss with a long note", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, fmt.Sprintf(`<p class="error" id="dismiss-note-%d-error">%s</p>`, id, e.T("field.too_long"))) {
			t.Errorf("no message next to the note:\n%s", r.Body)
		}
		r = sm.post(dismiss, url.Values{"note": {"A new group, not spam."}, "return": {"/moderation"}})
		wantRedirect(t, "dismiss", r, "/moderation")
		wantText(t, "queue after dismissing", sm.get("/moderation"), e.T("moderation.queue.none"), "A new group, not spam.")
		wantText(t, "your reports after dismissal", reader.get("/me/reports"), e.T("moderation.mine.status.dismissed"), "A new group, not spam.")
		r = sm.post(dismiss, url.Values{"return": {"/moderation"}})
		wantRedirect(t, "dismissing twice", r, "/moderation")
		if e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'moderation.dismiss' AND target = ?`, g.Slug) != 1 {
			t.Error("no audit entry for dismissing")
		}
	})
}

func TestBlocking(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("ana")
		e.createMember("ben")
		ana := e.sessionClient("ana")
		r := ana.get("/members/ben")
		wantText(t, "member page", r, e.T("moderation.block.button", "ben"))
		if r := ana.get("/members/ana"); strings.Contains(r.Body, `action="/members/ana/block"`) {
			t.Error("a member is offered to block themselves")
		}
		if r := e.client().get("/members/ben"); strings.Contains(r.Body, `/block"`) {
			t.Error("a signed-out reader is offered to block")
		}
		wantRedirect(t, "block", ana.post("/members/ben/block", nil), "/members/ben")
		wantRedirect(t, "block twice", ana.post("/members/ben/block", nil), "/members/ben")
		wantText(t, "member page after blocking", ana.get("/members/ben"), e.T("moderation.block.is_blocked"), e.T("moderation.unblock.button", "ben"))
		wantText(t, "blocks", ana.get("/me/blocks"), "ben")
		if r := e.sessionClient("ben").get("/members/ana"); strings.Contains(r.Body, e.T("moderation.block.is_blocked")) {
			t.Error("the blocked member sees the block")
		}
		if e.count(`SELECT COUNT(*) FROM notifications WHERE member_id = ?`, e.member("ben").ID) != 0 {
			t.Error("the blocked member was told")
		}
		wantStatus(t, "blocking oneself", ana.post("/members/ana/block", nil), http.StatusBadRequest)
		wantStatus(t, "blocking nobody", ana.post("/members/nobody-here/block", nil), http.StatusNotFound)
		wantRedirect(t, "unblock", ana.post("/members/ben/unblock", url.Values{"return": {"/me/blocks"}}), "/me/blocks")
		wantText(t, "blocks after unblocking", ana.get("/me/blocks"), e.T("moderation.blocks.none"))
		wantRedirect(t, "unblock with a foreign return", ana.post("/members/ben/unblock", url.Values{"return": {"https://evil.example"}}), "/")

		// Replies from a blocked member do not notify the blocker.
		g := e.modGroup("ana", "Quiet Corner", groups.Public)
		e.modJoin(g, "ben", groups.Member)
		th, _ := e.modThread(g, "ana", "Hello", "Hi all")
		ana.post("/members/ben/block", nil)
		if _, err := e.Srv.Discussions.Reply(context.Background(), th.ID, e.member("ben").ID, "Hey @ana", false); err != nil {
			t.Skipf("replying through the discussions store: %v", err)
		}
		if n := e.count(`SELECT COUNT(*) FROM notifications WHERE member_id = ?`, e.member("ana").ID); n != 0 {
			t.Errorf("ana was notified %d times by a member she blocked", n)
		}
	})
}

func TestSuspending(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"kai", "sitemod", "root"} {
			e.createMember(h)
		}
		e.grant("sitemod", accounts.RoleModerator)
		e.makeAdmin("root")
		kai := e.sessionClient("kai")
		sm := e.sessionClient("sitemod")

		wantStatus(t, "a member on /moderation", kai.get("/moderation"), http.StatusForbidden)
		r := sm.get("/moderation?handle=nobody-here")
		wantStatus(t, "finding nobody", r, http.StatusUnprocessableEntity)
		if got := fieldError(r.Body, "handle"); got != e.T("moderation.find.no_member") {
			t.Errorf("next to the handle: %q", got)
		}
		r = sm.get("/moderation?handle=KAI")
		wantStatus(t, "finding kai", r, http.StatusOK)
		wantText(t, "finding kai", r, e.T("moderation.suspend.who", "kai"))

		suspend := "/moderation/members/kai/suspend"
		for _, c := range []struct {
			name, until, reason, field, key string
		}{
			{"no reason", "", "", "reason", "moderation.reason.required"},
			{"not a date", "next week", "x", "until", "moderation.suspend.until_invalid"},
			{"a past date", "2020-01-01", "x", "until", "moderation.suspend.until_past"},
		} {
			r := sm.post(suspend, url.Values{"until": {c.until}, "reason": {c.reason}})
			wantStatus(t, c.name, r, http.StatusUnprocessableEntity)
			if got := fieldError(r.Body, c.field); got != e.T(c.key) {
				t.Errorf("%s: next to %s: %q, want %q", c.name, c.field, got, e.T(c.key))
			}
			if got := fieldValue(r.Body, "until"); got != c.until {
				t.Errorf("%s: the date was not kept: %q", c.name, got)
			}
		}
		// A moderator may not suspend an admin, nor themselves.
		r = sm.post("/moderation/members/root/suspend", url.Values{"reason": {"x"}})
		wantStatus(t, "moderator suspending an admin", r, http.StatusUnprocessableEntity)
		wantText(t, "moderator suspending an admin", r, e.T("moderation.suspend.role"))
		wantText(t, "moderator suspending themselves", sm.post("/moderation/members/sitemod/suspend", url.Values{"reason": {"x"}}),
			e.T("moderation.suspend.self"))

		until := time.Now().AddDate(0, 0, 10).UTC()
		day := until.Format(time.DateOnly)
		r = sm.post(suspend, url.Values{"until": {day}, "reason": {"Kept posting people's addresses"}})
		wantRedirect(t, "suspend", r, "/moderation")
		wantText(t, "suspended list", sm.get("/moderation"), "kai", "Kept posting people's addresses")
		// Signed out at once, and sign-in says why and until when.
		if kai.signedIn() {
			t.Error("the suspended member is still signed in")
		}
		r = e.client().post("/login", url.Values{"handle": {"kai"}, "password": {passphrase("kai")}})
		wantStatus(t, "signing in while suspended", r, http.StatusUnprocessableEntity)
		dayUTC, _ := time.Parse(time.DateOnly, day)
		want := e.T("login.suspended", e.Srv.I18n.Printer(e.Srv.I18n.Match("en", "", "")).Date(dayUTC), "Kept posting people's addresses")
		if got := fieldError(r.Body, "handle"); got != want {
			t.Errorf("next to the handle: %q, want %q", got, want)
		}
		// A wrong passphrase says nothing about the suspension.
		r = e.client().post("/login", url.Values{"handle": {"kai"}, "password": {"not the passphrase"}})
		if strings.Contains(r.Body, "Kept posting") {
			t.Error("a wrong passphrase reveals the suspension")
		}
		wantText(t, "member page for a moderator", sm.get("/members/kai"), e.T("moderation.suspend.now_until", e.Srv.I18n.Printer(e.Srv.I18n.Match("en", "", "")).Date(dayUTC)))

		r = sm.post("/moderation/members/kai/unsuspend", nil)
		wantRedirect(t, "let back in", r, "/moderation")
		e.client().login("kai", passphrase("kai"))
		wantRedirect(t, "let back in twice", sm.post("/moderation/members/kai/unsuspend", nil), "/moderation")

		// Without an end date.
		wantRedirect(t, "suspend with no end", sm.post(suspend, url.Values{"reason": {"Until we talk"}}), "/moderation")
		r = e.client().post("/login", url.Values{"handle": {"kai"}, "password": {passphrase("kai")}})
		if got := fieldError(r.Body, "handle"); got != e.T("login.suspended_indefinitely", "Until we talk") {
			t.Errorf("indefinite: next to the handle: %q", got)
		}
		codes, err := e.Srv.Accounts.NewRecoveryCodes(context.Background(), e.member("kai").ID)
		if err != nil {
			t.Fatal(err)
		}
		r = e.client().post("/recover", url.Values{"handle": {"kai"}, "code": {codes[0]}, "password": {"a brand new passphrase"}})
		wantStatus(t, "recovering while suspended", r, http.StatusUnprocessableEntity)
		if got := fieldError(r.Body, "handle"); got != e.T("login.suspended_indefinitely", "Until we talk") {
			t.Errorf("recovering while suspended: next to the handle: %q", got)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('moderation.suspend', 'moderation.unsuspend') AND target = 'kai'`); n != 3 {
			t.Errorf("%d audit entries for kai, want 3", n)
		}

		// What the member can download about themselves.
		wantRedirect(t, "let back in", sm.post("/moderation/members/kai/unsuspend", nil), "/moderation")
		kai = e.sessionClient("kai")
		kai.post("/members/sitemod/block", nil)
		r = kai.get("/me/data.json")
		wantStatus(t, "data download", r, http.StatusOK)
		var doc struct {
			Data map[string]json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`"members_blocked":\s*\[\s*\{\s*"handle":\s*"sitemod"`).Match(doc.Data["moderation"]) {
			t.Errorf("the download's moderation part: %s", doc.Data["moderation"])
		}
	})
}

// TestRulesAndPartials: the rules page in every language, and the pieces
// other pages use.
func TestRulesAndPartials(t *testing.T) {
	e := sqliteEnv(t)
	for _, lang := range []string{"en", "nl", "ru"} {
		c := e.client()
		c.setCookie(langCookie, lang)
		r := c.get("/rules")
		wantStatus(t, "rules in "+lang, r, http.StatusOK)
		for _, k := range ruleKeys {
			if want := e.Srv.I18n.Printer(e.Srv.I18n.Match(lang, "", "")).T("rules." + k + ".title"); !strings.Contains(unescaped(r.Body), want) {
				t.Errorf("%s rules lack %q", lang, want)
			}
		}
	}
	set := e.Srv.pages.sets["rules"]
	for _, name := range []string{"report-link", "hidden-notice", "community-rules", "member-tools"} {
		if set.Lookup(name) == nil {
			t.Errorf("no partial %q", name)
		}
	}
	p := &rulesPage{}
	p.p = e.Srv.I18n.Printer(e.Srv.I18n.Match("en", "", ""))
	if got := p.ReportLink("post", 12); got.URL != "/report?type=post&id=12" || got.Label != e.T("moderation.link.post") {
		t.Errorf("ReportLink = %+v", got)
	}
	if got := p.HiddenNotice("spam"); got != "Hidden by a moderator: spam" {
		t.Errorf("HiddenNotice = %q", got)
	}
}
