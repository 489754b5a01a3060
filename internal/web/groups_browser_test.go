package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"involve/internal/groups"
	"involve/internal/guide"
	"involve/internal/organisations"
)

// TestBrowserGroups walks groups in a real Chromium: a peer founds a group
// (first with mistakes), a second peer finds it in the directory and asks
// to join with a "why" (first without), and the first peer accepts. Then
// the founder goes through every page of running a group: members,
// invitations and the shared link, channels, stages, editing; and the
// invited person follows a link. Every page is checked with axe-core, some
// in dark mode and at 320px wide.
func TestBrowserGroups(t *testing.T) {
	env, ts, chromium, axeSrc, en := browserEnv(t)
	for _, h := range []string{"founder_peer", "asking_peer", "invited_peer", "harbour_lena"} {
		env.createMember(h)
	}
	harbour := env.createOrganisation("harbour_lena", "Harbour Service", organisations.Service, true)
	// Another group already there, so the directory has something to filter.
	env.grpCreate("harbour_lena", groups.Input{Name: "Riga Positive", Kind: groups.DiscussionGroup, Visibility: groups.MembersOnly,
		Joining: groups.Request, Region: "Riga", Topics: "HIV", Languages: "ru, lv", About: "Peer talks in Russian."}, nil)

	b := startBrowser(t, chromium, ts.URL, axeSrc)

	// The directory, signed out, from the main navigation.
	b.open("/")
	b.clickAndWait(`header a[href="/groups"]`, "the groups directory")
	b.wantPath("/groups")
	b.wantCount(`main a[href="/groups/riga-positive"]`, 1)

	// The founder starts a group, first forgetting the name and the kind.
	b.signIn("founder_peer")
	b.open("/groups")
	b.clickAndWait(`main a.button[href="/groups/new"]`, "the form to start a group")
	b.wantPath("/groups/new")
	b.sendKeys("#f-region", "Amsterdam")
	b.run(chromedp.Click("#joining-open", chromedp.ByQuery))
	b.visible("#lang-nl")
	b.run(chromedp.Click("#lang-nl", chromedp.ByQuery))
	b.clickAndWait(`form[action="/groups"] button[type="submit"]`, "starting a group with mistakes")
	if got := b.status(); got != 422 {
		t.Errorf("starting with mistakes: status %d, want 422", got)
	}
	for field, key := range map[string]string{"name": "groups.name.required", "kind": "groups.kind.required"} {
		if got := b.text(".field.has-error #f-" + field + "-error"); got != en.T(key) {
			t.Errorf("next to %s: %q, want %q", field, got, en.T(key))
		}
		b.wantCount(`.error-summary a[href="#f-`+field+`"]`, 1)
	}
	if v := b.value("#f-region"); v != "Amsterdam" {
		t.Errorf("the region field holds %q after the mistakes", v)
	}
	b.wantCount("#joining-open:checked", 1)
	b.wantCount("#lang-nl:checked", 1)
	b.dark(true)
	b.checkAxe("starting a group with mistakes (dark)")
	b.dark(false)
	b.sendKeys("#f-name", "Noord Peers")
	b.run(chromedp.SetValue("#f-kind", groups.SelfOrganisation, chromedp.ByQuery))
	b.run(chromedp.Click("#joining-request", chromedp.ByQuery))
	b.run(chromedp.SetValue("#f-about", "We meet on **Tuesdays** at the drop-in.", chromedp.ByQuery))
	b.sendKeys("#f-topics", "harm reduction, housing")
	b.clickAndWait(`form[action="/groups"] button[type="submit"]`, "the new group")
	b.wantPath("/groups/noord-peers")
	if got := b.text(`main .notice[role="status"]`); got != en.T("groups.created") {
		t.Errorf("after starting, the notice reads %q", got)
	}
	if got := b.text("main .prose strong"); got != "Tuesdays" {
		t.Errorf("the about text's Markdown shows %q in bold", got)
	}
	b.narrow("/groups/noord-peers")
	b.signOut()

	// The second peer finds it by filtering the directory and asks to
	// join, first without saying why.
	b.signIn("asking_peer")
	b.open("/groups")
	// Filters other than the kind are folded away until asked for.
	b.run(chromedp.Click(`main details:has(a[href="/groups?region=Amsterdam"]) summary`, chromedp.ByQuery))
	b.clickAndWait(`main a[href="/groups?region=Amsterdam"]`, "the directory filtered by region")
	b.wantCount(`main .cards a[href="/groups/riga-positive"]`, 0)
	if !b.anyText(`main a[href="/groups?region=Amsterdam"][aria-current="page"]`, "Amsterdam (1)") {
		t.Errorf("the chosen region is not marked as the current filter")
	}
	b.clickAndWait(`main .cards a[href="/groups/noord-peers"]`, "the group, before joining")
	b.clickAndWait(`form[action="/groups/noord-peers/join"] button[type="submit"]`, "asking without a why")
	if got := b.status(); got != 422 {
		t.Errorf("asking without a why: status %d, want 422", got)
	}
	if got := b.text(".field.has-error #f-why-error"); got != en.T("groups.why.required") {
		t.Errorf("next to the why: %q", got)
	}
	b.sendKeys("#f-why", "I use the drop-in every week and want to help.")
	b.clickAndWait(`form[action="/groups/noord-peers/join"] button[type="submit"]`, "the group, waiting")
	b.wantPath("/groups/noord-peers")
	if got := b.text("#join"); !strings.Contains(got, en.T("groups.request.waiting")) {
		t.Errorf("after asking, the join section reads %q", got)
	}
	b.signOut()

	// The founder accepts.
	b.signIn("founder_peer")
	b.open("/groups/noord-peers")
	b.clickAndWait(`main a[href="/groups/noord-peers/members"]`, "members and requests")
	if got := b.text("#requests"); !strings.Contains(got, "I use the drop-in every week and want to help.") {
		t.Errorf("the request's why is not shown: %q", got)
	}
	b.clickAndWait(`#requests button[name="decision"][value="accept"]`, "members after accepting")
	if got := b.text(`main .notice[role="status"]`); got != en.T("groups.requests.accepted") {
		t.Errorf("after accepting, the notice reads %q", got)
	}
	b.wantCount(`#members a[href="/members/asking_peer"]`, 1)
	// Roles: the last admin may not step down; the error stands by the table.
	b.run(chromedp.SetValue("#role-founder_peer", groups.Member, chromedp.ByQuery))
	b.clickAndWait(`#members form:has(#role-founder_peer) button[type="submit"]`, "stepping down as the last admin")
	if got := b.status(); got != 422 {
		t.Errorf("the last admin stepping down: status %d", got)
	}
	b.wantCount(`.error-summary a[href="#f-role"]`, 1)
	b.dark(true)
	b.checkAxe("members with a mistake (dark)")
	b.dark(false)
	b.run(chromedp.SetValue("#role-asking_peer", groups.Moderator, chromedp.ByQuery))
	b.clickAndWait(`#members form:has(#role-asking_peer) button[type="submit"]`, "members after a role change")
	b.narrow("/groups/noord-peers/members")

	// Invitations: one for a person, then the shared link.
	b.open("/groups/noord-peers/invitations")
	b.sendKeys("#f-note", "For Kim")
	b.clickAndWait(`form[action="/groups/noord-peers/invitations"] button[type="submit"]`, "a new invitation")
	link := b.value("#new-link")
	if !strings.Contains(link, "/invite/") {
		t.Fatalf("the new invitation link is %q", link)
	}
	invitePath := link[strings.Index(link, "/invite/"):]
	b.clickAndWait(`form[action="/groups/noord-peers/invite-link"] button[type="submit"]`, "the shared link")
	b.wantCount("#new-link", 1)
	b.narrow("/groups/noord-peers/invitations")

	// Channels, first with a bad address.
	b.open("/groups/noord-peers/channels")
	b.run(chromedp.SetValue("#f-kind_0", "matrix", chromedp.ByQuery))
	b.sendKeys("#f-url_0", "not a link")
	b.clickAndWait(`form[action="/groups/noord-peers/channels"] button[type="submit"]`, "channels with a mistake")
	if got := b.text(".field.has-error #f-url_0-error"); got != en.T("groups.channels.url_invalid") {
		t.Errorf("next to the address: %q", got)
	}
	b.run(chromedp.Clear("#f-url_0", chromedp.ByQuery))
	b.sendKeys("#f-url_0", "https://matrix.to/#/#noord:example.org")
	b.sendKeys("#f-label_0", "Our Matrix room")
	b.clickAndWait(`form[action="/groups/noord-peers/channels"] button[type="submit"]`, "the group with its channel")
	b.wantCount(`#channels a[href="https://matrix.to/#/#noord:example.org"][rel="nofollow noreferrer"]`, 1)

	// Stages: adopt the first, tick two items together.
	b.open("/groups/noord-peers/stages")
	b.clickAndWait(`form[action="/groups/noord-peers/stages"] button[type="submit"]`, "stages after adopting")
	b.visible("#item-initiate-0")
	b.run(chromedp.Click("#item-initiate-0", chromedp.ByQuery))
	b.visible("#item-initiate-1")
	b.run(chromedp.Click("#item-initiate-1", chromedp.ByQuery))
	b.clickAndWait(`form[action="/groups/noord-peers/stages/initiate/checks"] button[type="submit"]`, "stages after ticking")
	b.wantCount("#stage-initiate input:checked", 2)
	b.open("/groups/noord-peers")
	items := len(guide.ChecklistItems(env.guideRevision("initiate", "en").Body))
	if got, want := b.text("main"), en.T("groups.stages.count", 2, items); !strings.Contains(got, want) {
		t.Errorf("the group page does not show the stage progress %q", want)
	}

	// Editing.
	b.clickAndWait(`main a[href="/groups/noord-peers/edit"]`, "the edit form")
	if v := b.value("#f-name"); v != "Noord Peers" {
		t.Errorf("the edit form's name holds %q", v)
	}
	b.run(chromedp.Click("#visibility-members", chromedp.ByQuery))
	b.clickAndWait(`form[action="/groups/noord-peers/edit"] button[type="submit"]`, "the group after editing")
	if got := b.text(`main .notice[role="status"]`); got != en.T("groups.saved") {
		t.Errorf("after editing, the notice reads %q", got)
	}
	b.open("/me")
	b.wantCount(`main a[href="/groups/noord-peers"]`, 1)
	b.signOut()

	// The invited person: signed out first, then signed in.
	b.open(invitePath)
	b.wantCount(`main a[href="/login?next=`+invitePath+`"]`, 1)
	b.signIn("invited_peer")
	b.open(invitePath)
	b.clickAndWait(`form[action="`+invitePath+`"] button[type="submit"]`, "the group after accepting the invitation")
	b.wantPath("/groups/noord-peers")
	if got := b.text(`main .notice[role="status"]`); got != en.T("groups.joined") {
		t.Errorf("after accepting, the notice reads %q", got)
	}
	b.run(chromedp.Navigate(ts.URL+invitePath), chromedp.WaitReady("body", chromedp.ByQuery))
	if got := b.status(); got != 404 {
		t.Errorf("a used invitation: status %d", got)
	}
	b.checkAxe("a used invitation")
	b.open("/groups/noord-peers/stages")

	// The organisations directory with its filters, and an organisation
	// supporting a group.
	if err := env.Srv.Organisations.Update(context.Background(), harbour.ID, organisations.Input{Name: harbour.Name, Kind: harbour.Kind,
		Region: "Amsterdam", Topics: "harm reduction", Languages: "nl, en"}); err != nil {
		t.Fatal(err)
	}
	g, _ := env.Srv.Groups.BySlug(context.Background(), "noord-peers")
	if err := env.Srv.Groups.AddSupporter(context.Background(), env.DB, g.ID, harbour.ID, "a room on Tuesdays"); err != nil {
		t.Fatal(err)
	}
	b.open("/organisations")
	b.run(chromedp.Click(`main details:has(a[href="/organisations?language=nl"]) summary`, chromedp.ByQuery))
	b.clickAndWait(`main a[href="/organisations?language=nl"]`, "organisations in Dutch")
	b.clickAndWait(`main .cards a[href="/organisations/`+harbour.Slug+`"]`, "an organisation supporting a group")
	b.wantCount(`main a[href="/groups/noord-peers"]`, 1)
	b.open("/search?q=tuesdays")
	b.wantCount(`ol.results a[href="/groups/noord-peers"]`, 1)
	b.narrow("/groups")
	b.finish()
}
