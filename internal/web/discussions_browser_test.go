package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"involve/internal/groups"
)

// TestBrowserDiscussions walks through discussions in a real Chromium: a
// peer reads the forum, opens a thread, replies, quotes another post,
// edits her reply (first with a mistake), looks at its history, starts a
// thread of her own, and reads a long thread page by page and a group's
// discussions. Every page is checked with axe-core.
func TestBrowserDiscussions(t *testing.T) {
	env, ts, chromium, axeSrc, en := browserEnv(t)

	for _, h := range []string{"mira", "sasha", "tomas", "nadia"} {
		env.createMember(h)
	}
	th := env.discThread(nil, "sasha", "Finding a venue for our meetings", "We need a room for **ten people**, once a month.\n\n- step-free access\n- no police nearby")
	env.discReply(th, "tomas", "The community centre on Dam Street has a room. Ask for Petra.")
	env.discReply(th, "nadia", "Rooms are overrated, meet in the park.")
	// mira blocked nadia: nadia's post is folded away for her.
	if err := env.Srv.Moderation.Block(context.Background(), env.member("mira").ID, env.member("nadia").ID); err != nil {
		t.Fatal(err)
	}
	long := env.discThread(nil, "tomas", "Naloxone training: your stories", "Tell us how the training went.")
	for i := range 45 {
		env.discReply(long, "sasha", fmt.Sprintf("Story %d: it went well, we practised twice.", i+2))
	}
	g := env.discGroup("Riga peers", groups.Public, "sasha", map[string]string{"mira": groups.Member})
	gt := env.discThread(g, "sasha", "Advisory board pay", "The clinic offers fifty euros a meeting. Is that fair?")

	b := startBrowser(t, chromium, ts.URL, axeSrc)

	// Signed out: the forum and a thread, in light and dark.
	b.open("/discussions")
	b.wantCount(`link[rel="alternate"][type="application/atom+xml"]`, 1)
	b.clickAndWait(fmt.Sprintf(`main a[href="%s"]`, th.URL()), "a thread (signed out)")
	b.wantPath(th.URL())
	b.wantCount("article.post", 3)
	b.wantCount(`#reply a[href^="/login?next="]`, 1)
	b.wantCount("details.blocked-post", 0)
	b.dark(true)
	b.checkAxe("a thread (signed out, dark)")
	b.dark(false)

	// Sign in as mira.
	b.signIn("mira")

	// Reply: first empty (the message sits next to the field), then right.
	b.clickAndWait(`header a[href="/discussions"]`, "the forum (signed in)")
	if got := b.text("main .thread .tags"); got == "" {
		t.Errorf("the forum shows no unread marks to a signed-in member")
	}
	b.clickAndWait(fmt.Sprintf(`main a[href="%s"]`, th.URL()), "a thread (signed in)")
	b.wantCount("aside.rules", 1)
	b.wantCount("#post-3 details.blocked-post:not([open])", 1)
	b.wantCount(`#post-2 .post-actions a.report-link[href^="/report?type=post"]`, 1)
	// A post's action links say which post they act on: their heading
	// is their description.
	for _, link := range []struct{ sel, name string }{
		{`#post-2 .post-actions a[href*="quote="]`, en.T("discussions.quote")},
		{`#post-2 .post-actions a.report-link`, en.T("moderation.link.post")},
	} {
		if name, desc := b.axText(link.sel); name != link.name || desc != "Post 2, by tomas" {
			t.Errorf("%s reads %q, described as %q", link.sel, name, desc)
		}
	}
	b.run(chromedp.Click("#post-3 details.blocked-post summary", chromedp.ByQuery))
	if got := b.text("#post-3 .post-body"); !strings.Contains(got, "meet in the park") {
		t.Errorf("opening the folded post shows %q", got)
	}
	b.checkAxe("a thread with a blocked member's post opened")
	b.clickAndWait(`form.post-form button[type="submit"]`, "an empty reply")
	if got := b.status(); got != 422 {
		t.Errorf("empty reply: status %d, want 422", got)
	}
	if got := b.text(".field.has-error #f-body-error"); got != en.T("discussions.body.required") {
		t.Errorf("next to the reply: %q", got)
	}
	b.wantCount(`.error-summary a[href="#f-body"]`, 1)
	b.sendKeys("#f-body", "Thank you both. I will call Petra on Monday.")
	b.clickAndWait(`form.post-form button[type="submit"]`, "the thread after replying")
	b.wantPath(th.URL())
	if got := b.text(`main .notice[role="status"]`); got != en.T("discussions.replied") {
		t.Errorf("after replying the notice reads %q", got)
	}
	b.wantCount("article.post", 4)

	// Quote tomas's post: the form starts with the quote.
	b.clickAndWait(`#post-2 .post-actions a[href*="quote="]`, "the reply form with a quote")
	if v := b.value("#f-body"); !strings.HasPrefix(v, "> [tomas wrote](#post-2):") {
		t.Errorf("the quote form holds %q", v)
	}
	b.run(chromedp.SetValue("#f-body", b.value("#f-body")+"Is it step-free?", chromedp.ByQuery))
	b.clickAndWait(`form.post-form button[type="submit"]`, "the thread after quoting")
	b.wantCount("#post-5 blockquote a[href=\"#post-2\"]", 1)

	// Edit her first reply: a mistake, then a change; then its history.
	if name, desc := b.axText(`#post-4 .post-actions a[href$="/edit"]`); name != en.T("discussions.edit") || desc != "Post 4, by mira" {
		t.Errorf("the edit link reads %q, described as %q", name, desc)
	}
	b.clickAndWait(`#post-4 .post-actions a[href$="/edit"]`, "edit form")
	b.run(chromedp.Clear("#f-body", chromedp.ByQuery))
	b.clickAndWait(`form.post-form button[type="submit"]`, "edit form with a mistake")
	if got := b.status(); got != 422 {
		t.Errorf("empty edit: status %d", got)
	}
	b.dark(true)
	b.checkAxe("edit form with a mistake (dark)")
	b.dark(false)
	b.sendKeys("#f-body", "Thank you both. I called Petra: the room is free on Mondays.")
	b.clickAndWait(`form.post-form button[type="submit"]`, "the thread after editing")
	if got := b.text("#post-4 .post-body"); !strings.Contains(got, "free on Mondays") {
		t.Errorf("the edited post reads %q", got)
	}
	if _, desc := b.axText(`#post-4 header a[href$="/history"]`); desc != "Post 4, by mira" {
		t.Errorf("the link to the post's edits is described as %q", desc)
	}
	b.clickAndWait(`#post-4 header a[href$="/history"]`, "the post's history")
	b.wantCount("ol.versions > li", 2)
	if !b.anyText("ol.versions > li", "I will call Petra on Monday.") {
		t.Errorf("the history does not show the first version")
	}

	// Start a thread, with a mistake first.
	b.open("/discussions/new")
	b.sendKeys("#f-title", "Hi")
	b.clickAndWait(`form.post-form button[type="submit"]`, "new thread with mistakes")
	b.wantCount(".field.has-error", 2)
	if v := b.value("#f-title"); v != "Hi" {
		t.Errorf("the title field holds %q after a mistake", v)
	}
	b.run(chromedp.Clear("#f-title", chromedp.ByQuery))
	b.sendKeys("#f-title", "Hi from Amsterdam: a users' union?")
	b.sendKeys("#f-body", "Who wants to start a users' union at the needle exchange?")
	b.clickAndWait(`form.post-form button[type="submit"]`, "the new thread")
	if got := b.text("main h1"); got != "Hi from Amsterdam: a users' union?" {
		t.Errorf("the new thread is called %q", got)
	}
	b.narrow(strings.TrimPrefix(b.location(), ts.URL))

	// A long thread, page by page.
	b.open(long.URL())
	b.wantCount("nav.page-links a[aria-current=page]", 2)
	b.clickAndWait(`nav.page-links a[href$="?page=2"]`, "a long thread, page 2")
	b.wantCount("article.post", 16)
	b.wantCount("#post-31", 1)
	b.narrow(long.URL() + "?page=2")

	// A group's discussions and one of its threads, as a member.
	b.open("/groups/" + g.Slug + "/discussions")
	b.clickAndWait(fmt.Sprintf(`main a[href="%s"]`, gt.URL()), "a group's thread")
	b.wantCount("form.post-form", 1)
	b.open("/groups/" + g.Slug + "/discussions/new")

	b.finish()
}
