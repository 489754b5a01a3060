package web

import (
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"involve/internal/organisations"
)

// TestBrowserMeetings walks a meeting in a real Chromium: a service's staff
// member arranges it (first with a mistake) with travel costs, childcare
// and one place; a signed-in peer registers; a peer without an account
// registers under an alias and waits; the first peer cancels and the
// second gets the place, as their own page (opened with the personal code)
// shows; after the meeting the organiser writes minutes and records
// attendance and a payment. Every page is checked with axe-core.
func TestBrowserMeetings(t *testing.T) {
	env, ts, chromium, axeSrc, en := browserEnv(t)
	for _, h := range []string{"lena_staff", "harbour_boss", "amir_peer"} {
		env.createMember(h)
	}
	harbour := env.createOrganisation("harbour_boss", "Harbour Service", organisations.Service, true)
	env.addStaff(harbour, "lena_staff", organisations.Staff)

	b := startBrowser(t, chromium, ts.URL, axeSrc)
	// Cancelling asks "are you sure?" (involve.js); a person says yes.
	chromedp.ListenTarget(b.ctx, func(ev any) {
		if _, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			go chromedp.Run(b.ctx, cdppage.HandleJavaScriptDialog(true))
		}
	})
	notice := func(key string) {
		t.Helper()
		if got := b.text(`main .notice[role="status"]`); got != en.T(key) {
			t.Errorf("the notice reads %q, want %q", got, en.T(key))
		}
	}

	// The service arranges, from its page, first forgetting the title.
	b.signIn("lena_staff")
	b.open("/organisations/" + harbour.Slug)
	b.clickAndWait(`#meetings-h ~ p a.button`, "the new meeting form")
	newPath := strings.TrimPrefix(b.location(), ts.URL)
	day := time.Now().AddDate(0, 0, 14).Format("2006-01-02")
	b.run(chromedp.SetValue("#f-date", day, chromedp.ByQuery),
		chromedp.SetValue("#f-start_time", "18:00", chromedp.ByQuery),
		chromedp.SetValue("#f-end_time", "20:00", chromedp.ByQuery),
		chromedp.SetValue("#f-time_zone", "Europe / Amsterdam", chromedp.ByQuery))
	b.sendKeys("#f-venue", "Harbour House")
	b.sendKeys("#f-address", "Kade 1, Utrecht")
	b.sendKeys("#f-travel", "Public transport paid back in cash on the day, up to 20 euro")
	b.sendKeys("#f-childcare", "A childminder in the room next door")
	b.sendKeys("#f-capacity", "1")
	b.run(chromedp.Click(`input[name="access"][value="step_free"]`, chromedp.ByQuery))
	b.clickAndWait(`form.meeting-form button[type="submit"]`, "arranging with a mistake")
	if got := b.status(); got != 422 {
		t.Errorf("arranging without a title: status %d, want 422", got)
	}
	if got := b.text(".field.has-error #f-title-error"); got != en.T("meetings.title.required") {
		t.Errorf("next to the title: %q", got)
	}
	if got := b.value("#f-travel"); got != "Public transport paid back in cash on the day, up to 20 euro" {
		t.Errorf("the travel costs were not kept: %q", got)
	}
	b.sendKeys("#f-title", "Peer advisory evening")
	b.clickAndWait(`form.meeting-form button[type="submit"]`, "the new meeting")
	notice("meetings.created")
	meeting := strings.TrimPrefix(b.location(), ts.URL)
	if !meetingLocation.MatchString(meeting) {
		t.Fatalf("after arranging the browser is at %s (from %s)", meeting, newPath)
	}
	main := b.text("main")
	for _, want := range []string{"Harbour House", "up to 20 euro", "A childminder in the room next door", en.T("meetings.access.step_free")} {
		if !strings.Contains(main, want) {
			t.Errorf("the meeting page lacks %q", want)
		}
	}
	b.narrow(meeting)
	b.narrow(newPath)
	b.signOut()

	// A signed-in peer registers in one step.
	b.signIn("amir_peer")
	b.open(meeting)
	b.sendKeys("#f-note", "I come by wheelchair")
	b.clickAndWait(`form[action="`+meeting+`/register"] button[type="submit"]`, "registered")
	notice("meetings.registered.registered")
	b.signOut()

	// A peer without an account registers under an alias: the meeting is
	// full, so they wait, and keep their code.
	b.open(meeting)
	b.sendKeys("#f-alias", "River")
	b.clickAndWait(`form[action="`+meeting+`/register"] button[type="submit"]`, "the personal code")
	code := b.text(".big-code code")
	if code == "" {
		t.Fatal("no personal code shown")
	}
	if got := b.text("#reg-status"); got != en.T("meetings.state.waiting_at", 1) {
		t.Errorf("the alias's place reads %q", got)
	}
	manage := meeting + "/manage/" + code
	if got := b.value("#manage-link"); got != ts.URL+manage {
		t.Errorf("the manage link is %q, want %q", got, ts.URL+manage)
	}

	// The first peer cancels; the waiting list moves.
	b.signIn("amir_peer")
	b.open(meeting)
	b.clickAndWait(`form[action="`+meeting+`/unregister"] button[type="submit"]`, "after cancelling")
	notice("meetings.unregistered")
	b.signOut()
	b.open(manage)
	if got := b.text("#reg-status"); got != en.T("meetings.state.registered") {
		t.Errorf("after the cancellation the alias's place reads %q", got)
	}

	// After the meeting: minutes, attendance and a payment.
	env.backdate(meeting)
	b.signIn("lena_staff")
	b.open(meeting + "/minutes")
	b.sendKeys("#f-minutes", "Twelve peers came. We talked about the waiting times.")
	b.sendKeys("#f-decision-0", "Ask the service for an evening opening")
	b.sendKeys("#f-action-0", "Write to the manager")
	b.sendKeys("#f-action_who-0", "River")
	b.clickAndWait(`form[action="`+meeting+`/minutes"] button[type="submit"]`, "the meeting with minutes")
	notice("meetings.minutes.saved")
	if main := b.text("main"); !strings.Contains(main, "Ask the service for an evening opening") || !strings.Contains(main, "Write to the manager") {
		t.Errorf("the minutes are not on the meeting page")
	}
	b.open(meeting + "/attendance")
	b.run(chromedp.Click(`input[name="attended"]`, chromedp.ByQuery))
	b.clickAndWait(`form[action="`+meeting+`/attendance"] button[type="submit"]`, "attendance saved")
	notice("meetings.attendance.saved")
	b.wantCount(`input[name="attended"]:checked`, 1)
	person := b.attr(`#f-registration option:nth-child(2)`, "value")
	b.run(chromedp.SetValue("#f-registration", person, chromedp.ByQuery),
		chromedp.SetValue("#f-kind", "reimbursement", chromedp.ByQuery),
		chromedp.SetValue("#f-currency", "EUR", chromedp.ByQuery),
		chromedp.SetValue("#f-method", "cash", chromedp.ByQuery),
		chromedp.SetValue("#f-status", "paid", chromedp.ByQuery))
	b.sendKeys("#f-amount", "12.50")
	b.sendKeys("#f-purpose", "Train ticket")
	b.clickAndWait(`form[action="`+meeting+`/payments"] button[type="submit"]`, "payment recorded")
	notice("meetings.payments.saved")
	if main := b.text("#payments-h ~ .table-wrap"); !strings.Contains(main, "River") || !strings.Contains(main, "12.50 EUR") {
		t.Errorf("the payment is not in the table: %q", main)
	}
	b.narrow(meeting + "/attendance")
	b.open("/meetings?when=past")
	b.wantCount(`main .cards a[href="`+meeting+`"]`, 1)
	b.finish()
}
