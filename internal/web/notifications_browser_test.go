package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"involve/internal/notify"
)

// TestBrowserNotifications walks the notification centre in Chromium: a
// member with new notifications sees the count in the header, opens the
// centre, marks one and then all read, follows one, and chooses a daily
// email digest (first leaving the choice empty). Every page is checked
// with axe-core, the centre also in dark mode and at 320px.
func TestBrowserNotifications(t *testing.T) {
	env, ts, chromium, axeSrc, en := browserEnv(t)

	const handle = "browser_reader"
	env.createMember(handle)
	env.notifyMember(handle, notify.KindWelcome, nil, "/guide")
	env.notifyMember(handle, "test.something", map[string]string{"a_group": "Harbour peers"}, "/guide/initiate")
	env.notifyMember(handle, "test.something", map[string]string{"a_group": "Harbour peers"}, "/guide/prepare")
	b := startBrowser(t, chromium, ts.URL, axeSrc)

	b.signIn(handle)
	if got := b.text(`header a[href="/notifications"]`); !strings.Contains(got, "(3") {
		t.Errorf("the header link reads %q, want the count of 3 unread", got)
	}

	b.clickAndWait(`header a[href="/notifications"]`, "notification centre")
	b.wantPath("/notifications")
	b.wantCount("li.notification", 3)
	b.wantCount("li.notification.unread", 3)
	b.dark(true)
	b.checkAxe("notification centre (dark)")
	b.dark(false)
	b.narrow("/notifications")

	// Mark the newest read.
	b.clickAndWait(`li.notification.unread form[action="/notifications/read"] button`, "centre after marking one read")
	b.wantPath("/notifications")
	if got, want := b.text(`main .notice[role="status"]`), en.T("notifications.marked"); got != want {
		t.Errorf("after marking one read the notice reads %q, want %q", got, want)
	}
	b.wantCount("li.notification.unread", 2)

	// Follow one: it leads to its page, and is read.
	b.clickAndWait(`li.notification.unread a[href^="/notifications/"]`, "the page a notification points to")
	if loc := b.location(); !strings.Contains(loc, "/guide/") {
		t.Errorf("following a notification led to %s", loc)
	}
	b.open("/notifications")
	b.wantCount("li.notification.unread", 1)

	b.clickAndWait(`main form[action="/notifications/read"] input[name="all"] ~ button`, "centre after marking all read")
	b.wantCount("li.notification.unread", 0)
	if got := b.text(`header a[href="/notifications"]`); strings.Contains(got, "(") {
		t.Errorf("after marking all read the header still shows a count: %q", got)
	}

	// Email settings: no address yet, so the page says email is optional.
	b.clickAndWait(`main a[href="/me/notifications"]`, "email settings")
	b.wantPath("/me/notifications")
	if got := b.text("main .info"); !strings.Contains(got, en.T("notifications.prefs.no_email")) {
		t.Errorf("without an address the page reads %q", got)
	}
	// Leave the choice empty (only possible by tampering, but the server
	// must still answer well): the message stands in the fieldset.
	var ok bool
	b.run(chromedp.Evaluate(`document.querySelectorAll('input[name="email_mode"]').forEach(i => i.checked = false); true`, &ok))
	b.clickAndWait(`form[action="/me/notifications"] button[type="submit"]`, "email settings with no choice")
	if got := b.status(); got != 422 {
		t.Errorf("no choice: status %d, want 422", got)
	}
	if got, want := b.text("#f-email_mode .error"), en.T("notifications.prefs.mode_invalid"); got != want {
		t.Errorf("no choice: the message reads %q, want %q", got, want)
	}
	b.wantCount(`.error-summary a[href="#f-email_mode"]`, 1)
	b.dark(true)
	b.checkAxe("email settings with no choice (dark)")
	b.dark(false)

	b.run(chromedp.Click(`label[for="email_mode-daily"]`, chromedp.ByQuery))
	b.clickAndWait(`form[action="/me/notifications"] button[type="submit"]`, "email settings saved")
	b.wantPath("/me/notifications")
	if got, want := b.text(`main .notice[role="status"]`), en.T("notifications.prefs.saved"); got != want {
		t.Errorf("after saving the notice reads %q, want %q", got, want)
	}
	var checked bool
	b.run(chromedp.Evaluate(`document.querySelector('#email_mode-daily').checked`, &checked))
	if !checked {
		t.Error("the daily digest is not chosen after saving")
	}
	b.narrow("/me/notifications")
	b.finish()
}
