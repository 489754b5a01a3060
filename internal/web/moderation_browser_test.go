package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"involve/internal/accounts"
	"involve/internal/groups"
)

// TestBrowserModeration walks moderation in a real Chromium: a peer
// reports a post (first forgetting the reason), reads the community rules,
// blocks and unblocks a member; the group's moderator hides the post with
// a reason; a reader sees the reason in its place; a site moderator
// restores it (first forgetting the reason) and suspends an account, which
// then cannot sign in and is told until when. Every page is checked with
// axe-core.
func TestBrowserModeration(t *testing.T) {
	env, ts, chromium, axeSrc, en := browserEnv(t)

	for _, h := range []string{"peer_reader", "peer_writer", "group_mod", "site_mod"} {
		env.createMember(h)
	}
	env.grant("site_mod", accounts.RoleModerator)
	g := env.modGroup("group_mod", "Harbour Peers", groups.Public)
	env.modJoin(g, "peer_reader", groups.Member)
	env.modJoin(g, "peer_writer", groups.Member)
	const body = "Selling tonight, message me for prices."
	const reason = "Selling drugs is against the community rules."
	th, post := env.modThread(g, "peer_writer", "Weekend plans", body)
	threadURL := th.URL()
	queue := "/groups/" + g.Slug + "/moderation"

	b := startBrowser(t, chromium, ts.URL, axeSrc)

	// The community rules, for anyone, and on a phone.
	b.open("/rules")
	b.wantCount("ol.rules > li", len(ruleKeys))
	b.narrow("/rules")

	// A peer reports the post, first without choosing what is wrong.
	b.signIn("peer_reader")
	report := fmt.Sprintf("/report?type=post&id=%d", post)
	b.open(report)
	b.wantCount(`input[type="radio"][name="reason"]`, 7)
	b.sendKeys("#f-details", "The same offer is in another thread too.")
	b.clickAndWait(`form[action="/reports"] button[type="submit"]`, "report with a mistake")
	if got := b.status(); got != 422 {
		t.Errorf("report without a reason: status %d, want 422", got)
	}
	if got := b.text("fieldset.has-error #f-reason-error"); got != en.T("moderation.report.reason.required") {
		t.Errorf("next to the reasons: %q", got)
	}
	b.wantCount(`.error-summary a[href="#f-reason"]`, 1)
	if got := b.value("#f-details"); got != "The same offer is in another thread too." {
		t.Errorf("the details were not kept: %q", got)
	}
	b.dark(true)
	b.checkAxe("report with a mistake (dark)")
	b.dark(false)
	b.visible("#f-reason-selling")
	b.run(chromedp.Click("#f-reason-selling", chromedp.ByQuery))
	b.clickAndWait(`form[action="/reports"] button[type="submit"]`, "the thread after reporting")
	b.wantPath(threadURL)
	if got := b.text(`main .notice[role="status"]`); got != en.T("moderation.report.sent") {
		t.Errorf("after reporting the notice reads %q", got)
	}
	b.open("/me/reports")
	if got := b.text("main"); !strings.Contains(got, en.T("moderation.mine.status.open")) {
		t.Errorf("your reports: %q", got)
	}

	// Blocking the writer, from their page, and back.
	b.open("/members/peer_writer")
	b.clickAndWait(`form[action="/members/peer_writer/block"] button[type="submit"]`, "member page after blocking")
	b.wantPath("/members/peer_writer")
	b.wantCount(`form[action="/members/peer_writer/unblock"]`, 1)
	b.open("/me/blocks")
	b.clickAndWait(`form[action="/members/peer_writer/unblock"] button[type="submit"]`, "blocks after unblocking")
	b.wantPath("/me/blocks")
	if got := b.text("main"); !strings.Contains(got, en.T("moderation.blocks.none")) {
		t.Errorf("after unblocking: %q", got)
	}
	b.signOut()

	// The group's moderator hides it from the group's queue.
	b.signIn("group_mod")
	b.open(queue)
	b.wantCount("ul.queue > li", 1)
	sel := fmt.Sprintf("#hide-reason-post-%d", post)
	b.sendKeys(sel, reason)
	b.clickAndWait(fmt.Sprintf(`form[action="/moderation/post/%d/hide"] button[type="submit"]`, post), "queue after hiding")
	b.wantPath(queue)
	if got := b.text(`main .notice[role="status"]`); got != en.T("moderation.hide.done") {
		t.Errorf("after hiding the notice reads %q", got)
	}
	if got := b.text("main"); !strings.Contains(got, en.T("moderation.queue.none")) {
		t.Errorf("the queue after hiding: %q", got)
	}
	b.signOut()

	// A reader sees the reason in the post's place.
	b.open(threadURL)
	if got := b.text("main"); !strings.Contains(got, reason) || strings.Contains(got, body) {
		t.Errorf("the thread after hiding reads:\n%s", got)
	}

	// A site moderator restores it from its page, first without a reason.
	b.signIn("site_mod")
	b.clickAndWait(`header a[href="/moderation"]`, "site moderation")
	target := fmt.Sprintf("/moderation/post/%d", post)
	b.clickAndWait(`main a[href="`+target+`"]`, "the post's moderation page")
	b.wantPath(target)
	if got := b.text("main table"); !strings.Contains(got, reason) {
		t.Errorf("the history lacks the reason: %q", got)
	}
	b.clickAndWait(`form[action="`+target+`/restore"] button[type="submit"]`, "restore with a mistake")
	if got := b.status(); got != 422 {
		t.Errorf("restore without a reason: status %d", got)
	}
	if got := b.text(".field.has-error #f-reason-error"); got != en.T("moderation.reason.required") {
		t.Errorf("next to the reason: %q", got)
	}
	b.sendKeys("#f-reason", "Talked with the writer: it was a joke.")
	b.clickAndWait(`form[action="`+target+`/restore"] button[type="submit"]`, "the post's page after restoring")
	if got := b.text(`main .notice[role="status"]`); got != en.T("moderation.restore.done") {
		t.Errorf("after restoring the notice reads %q", got)
	}
	b.open(threadURL)
	if got := b.text("main"); !strings.Contains(got, body) {
		t.Errorf("the restored post is not shown:\n%s", got)
	}

	// And suspends the writer: first with a day gone by.
	b.open("/moderation")
	b.sendKeys("#f-handle", "peer_writer")
	b.clickAndWait(`form.find-form button[type="submit"]`, "suspend form")
	b.sendKeys("#f-reason", "Kept offering to sell after a warning.")
	b.run(chromedp.SetValue("#f-until", "2020-01-01", chromedp.ByQuery))
	b.clickAndWait(`form[action="/moderation/members/peer_writer/suspend"] button[type="submit"]`, "suspend with a mistake")
	if got := b.text(".field.has-error #f-until-error"); got != en.T("moderation.suspend.until_past") {
		t.Errorf("next to the date: %q", got)
	}
	if got := b.value("#f-reason"); got != "Kept offering to sell after a warning." {
		t.Errorf("the reason was not kept: %q", got)
	}
	until := time.Now().UTC().AddDate(0, 0, 14)
	b.run(chromedp.SetValue("#f-until", until.Format(time.DateOnly), chromedp.ByQuery))
	b.clickAndWait(`form[action="/moderation/members/peer_writer/suspend"] button[type="submit"]`, "moderation after suspending")
	b.wantPath("/moderation")
	if got := b.text("#suspended ~ .table-wrap"); !strings.Contains(got, "peer_writer") {
		t.Errorf("the suspended list: %q", got)
	}
	b.narrow("/moderation")
	b.signOut()

	// The writer cannot sign in, and is told until when and why.
	b.open("/login")
	b.sendKeys("#f-handle", "peer_writer")
	b.sendKeys("#f-password", passphrase("peer_writer"))
	b.clickAndWait(`form[action="/login"] button[type="submit"]`, "sign-in while suspended")
	day, _ := time.Parse(time.DateOnly, until.Format(time.DateOnly))
	if got, want := b.text(".field.has-error #f-handle-error"), en.T("login.suspended", en.Date(day), "Kept offering to sell after a warning."); got != want {
		t.Errorf("signing in while suspended: %q, want %q", got, want)
	}
	b.finish()
}
