package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"involve/internal/groups"
	"involve/internal/organisations"
)

// TestBrowserSupport walks outside support in a real Chromium: a group's
// moderator asks for a venue (first with mistakes), a service's staff
// member finds the request and offers a room, the group accepts, and the
// organisation shows as supporting the group on the group's page. Every
// page is checked with axe-core.
func TestBrowserSupport(t *testing.T) {
	env, ts, chromium, axeSrc, en := browserEnv(t)

	for _, h := range []string{"peer_mod", "lena_staff", "harbour_boss"} {
		env.createMember(h)
	}
	g := env.supGroup("peer_mod", "Harbour Peers", groups.Public)
	harbour := env.createOrganisation("harbour_boss", "Harbour Service", organisations.Service, true)
	env.addStaff(harbour, "lena_staff", organisations.Staff)
	groupSupport := "/groups/" + g.Slug + "/support"

	b := startBrowser(t, chromium, ts.URL, axeSrc)

	// The list, signed out: nothing yet.
	b.open("/support")
	if got := b.text("main"); !strings.Contains(got, en.T("support.list.none")) {
		t.Errorf("/support with no requests reads %q", got)
	}

	// The moderator asks, first with mistakes.
	b.signIn("peer_mod")
	b.open(groupSupport)
	b.clickAndWait(`form[action="`+groupSupport+`"] button[type="submit"]`, "asking with mistakes")
	if got := b.status(); got != 422 {
		t.Errorf("asking with mistakes: status %d, want 422", got)
	}
	for field, key := range map[string]string{"kind": "support.kind.required", "title": "support.title.required"} {
		if got := b.text(".field.has-error #f-" + field + "-error"); got != en.T(key) {
			t.Errorf("next to %s: %q, want %q", field, got, en.T(key))
		}
		b.wantCount(`.error-summary a[href="#f-`+field+`"]`, 1)
	}
	b.dark(true)
	b.checkAxe("asking with mistakes (dark)")
	b.dark(false)
	b.run(chromedp.SetValue("#f-kind", "venue", chromedp.ByQuery))
	b.sendKeys("#f-title", "A room for our monthly meeting")
	b.sendKeys("#f-details", "Twelve of us, on a weekday evening. Step-free, please.")
	b.run(chromedp.SetValue("#f-needed_by", "2030-05-01", chromedp.ByQuery))
	b.clickAndWait(`form[action="`+groupSupport+`"] button[type="submit"]`, "the new request")
	if got := b.text(`main .notice[role="status"]`); got != en.T("support.created") {
		t.Errorf("after asking the notice reads %q", got)
	}
	requestPath := strings.TrimPrefix(b.location(), ts.URL)
	if !strings.HasPrefix(requestPath, groupSupport+"/") {
		t.Fatalf("after asking the browser is at %s", requestPath)
	}
	b.open(requestPath + "/edit")
	b.signOut()

	// A service's staff member finds it and offers a room.
	b.signIn("lena_staff")
	b.open("/support")
	b.clickAndWait(`main .cards a[href="`+requestPath+`"]`, "the request, for staff")
	b.wantPath(requestPath)
	b.narrow(requestPath)
	b.open(requestPath)
	b.sendKeys("#f-what", "Our meeting room, Tuesdays 18:00 to 20:00. Free, step-free entrance.")
	b.clickAndWait(`form[action="`+requestPath+`/offers"] button[type="submit"]`, "the request after offering")
	if got := b.text(`main .notice[role="status"]`); got != en.T("support.offered") {
		t.Errorf("after offering the notice reads %q", got)
	}
	b.open("/organisations/" + harbour.Slug)
	b.wantCount(`section[aria-labelledby="support-work"] a[href="`+requestPath+`"]`, 1)
	b.signOut()

	// The group accepts.
	b.signIn("peer_mod")
	b.open(requestPath)
	b.clickAndWait(`main form[action$="/accept"] button[type="submit"]`, "the request after accepting")
	if got := b.text(`main .notice[role="status"]`); got != en.T("support.accepted_done") {
		t.Errorf("after accepting the notice reads %q", got)
	}
	b.dark(true)
	b.checkAxe("a fulfilled request (dark)")
	b.dark(false)

	// The organisation now supports the group, on the group's own page.
	b.open("/groups/" + g.Slug)
	if got := b.text("main"); !strings.Contains(got, "Harbour Service") || !strings.Contains(got, "Our meeting room, Tuesdays") {
		t.Errorf("the group page does not show Harbour as a supporter:\n%s", got)
	}
	b.wantCount(`main a[href="/organisations/`+harbour.Slug+`"]`, 1)
	b.open(groupSupport)
	b.wantCount(`#supporters + ul a[href="/organisations/`+harbour.Slug+`"]`, 1)
	b.open("/support")
	b.finish()
}
