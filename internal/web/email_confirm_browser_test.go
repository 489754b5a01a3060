package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserEmailConfirmation walks an address from typed to confirmed
// in Chromium: a mistyped one is refused next to the field and kept; a
// good one is saved and waits for its link; the link's page confirms only
// when its button is pressed; used again, it says it no longer works.
// Every page is checked with axe-core.
func TestBrowserEmailConfirmation(t *testing.T) {
	env, ts, chromium, axeSrc, en := browserEnv(t)
	const handle = "browser_mail"
	env.createMember(handle)
	b := startBrowser(t, chromium, ts.URL, axeSrc)

	b.signIn(handle)
	b.open("/me/profile")

	b.sendKeys("#f-email", "sam.example.org")
	b.clickAndWait(`form[action="/me/profile"] button[type="submit"]`, "profile with a mistyped address")
	if got := b.status(); got != 422 {
		t.Errorf("a mistyped address: status %d, want 422", got)
	}
	if got, want := b.text("#f-email-error"), en.T("profile.email_invalid"); got != want {
		t.Errorf("the message next to the address reads %q, want %q", got, want)
	}
	if got := b.value("#f-email"); got != "sam.example.org" {
		t.Errorf("the address typed is not kept: %q", got)
	}

	var cleared bool
	b.run(chromedp.Evaluate(`document.querySelector('#f-email').value = ''; true`, &cleared))
	b.sendKeys("#f-email", "sam@example.org")
	b.clickAndWait(`form[action="/me/profile"] button[type="submit"]`, "profile waiting for the link")
	b.wantPath("/me/profile")
	if got, want := b.text(`main .notice[role="status"]`), en.T("profile.saved_confirm"); got != want {
		t.Errorf("after saving the notice reads %q, want %q", got, want)
	}
	if got, want := b.text("#email-state"), en.T("profile.email_unconfirmed", "sam@example.org"); got != want {
		t.Errorf("the address's state reads %q, want %q", got, want)
	}
	b.wantCount(`form[action="/me/email/confirm"] button`, 1)
	b.narrow("/me/profile")

	run, _ := env.mailbox(t)
	sent := run()
	if len(sent) != 1 || confirmLink(sent[0]) == "" {
		t.Fatalf("want one email with a link, got %d", len(sent))
	}
	link := confirmLink(sent[0])

	b.open(link)
	if got, want := b.text("main h1"), en.T("confirm.title"); got != want {
		t.Errorf("the link's page is headed %q, want %q", got, want)
	}
	b.clickAndWait(`form[action="/email/confirm"] button[type="submit"]`, "address confirmed")
	if got, want := b.text("main h1"), en.T("confirm.done_title"); got != want {
		t.Errorf("after confirming the page is headed %q, want %q", got, want)
	}
	b.clickAndWait(`main a[href="/me/notifications"]`, "email settings")
	if got := b.text("main"); !strings.Contains(got, en.T("notifications.prefs.your_email", "sam@example.org")) {
		t.Errorf("the email settings do not name the confirmed address")
	}
	b.open("/me/profile")
	if got, want := b.text("#email-state"), en.T("profile.email_confirmed", "sam@example.org"); got != want {
		t.Errorf("the address's state reads %q, want %q", got, want)
	}
	b.wantCount(`form[action="/me/email/confirm"]`, 0)

	// The link a second time.
	b.run(chromedp.Navigate(ts.URL+link), chromedp.WaitReady("body", chromedp.ByQuery))
	b.clickAndWait(`form[action="/email/confirm"] button[type="submit"]`, "a used link")
	if got := b.status(); got != 410 {
		t.Errorf("a used link: status %d, want 410", got)
	}
	if got, want := b.text("main h1"), en.T("confirm.invalid_title"); got != want {
		t.Errorf("a used link: the page is headed %q, want %q", got, want)
	}
	b.finish()
}
