package web

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"involve/internal/accounts"
	"involve/internal/i18n"
)

// TestChrome checks the kept parts of the layout: each section marks its
// own link in the header as current and no other, each language gets its
// own words, each kind of reader their own links, the unread count and the
// language switch's return address are each reader's own, and a changed
// quick-exit address is not served stale.
func TestChrome(t *testing.T) {
	e := sqliteEnv(t)
	current := regexp.MustCompile(`<a href="(/[a-z/]*)" aria-current="true">`)
	for _, visit := range []struct{ path, nav string }{
		{"/guide", "/guide"}, {"/groups", "/groups"}, {"/meetings", "/meetings"}, {"/guide", "/guide"},
		{"/discussions", "/discussions"}, {"/organisations", "/organisations"}, {"/search", "/search"},
	} {
		body := e.client().get(visit.path).Body
		got := current.FindAllStringSubmatch(body, -1)
		if len(got) != 1 || got[0][1] != visit.nav {
			t.Errorf("%s: links marked current %v, want only %s", visit.path, got, visit.nav)
		}
	}
	for _, lang := range []string{"en", "nl", "ru", "en"} {
		c := e.client()
		c.setCookie(langCookie, lang)
		body := c.get("/guide").Body
		for _, key := range []string{"nav.guide", "layout.skip", "layout.footer", "rules.title"} {
			l, _ := i18n.Supported(lang)
			if want := html.EscapeString(e.Srv.I18n.Printer(l).T(key)); !strings.Contains(body, want) {
				t.Errorf("%s: the page lacks %s (%q)", lang, key, want)
			}
		}
	}
	// Kinds of reader, in turn, so that each finds its own links kept.
	ctx := context.Background()
	for _, h := range []string{"ana", "ben", "cas"} {
		e.createMember(h)
	}
	e.makeAdmin("ben")
	if err := e.Srv.Accounts.GrantRole(ctx, e.DB, e.member("cas").ID, accounts.RoleModerator, nil); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"/guide", "/rules"} {
		if err := e.Srv.Notify.Add(ctx, e.DB, []int64{e.member("ana").ID}, "test", nil, u); err != nil {
			t.Fatal(err)
		}
	}
	unread := func(n int) string {
		return fmt.Sprintf(`%s (%d<span class="visually-hidden"> %s</span>)</a>`, e.T("notifications.nav"), n, e.T("notifications.nav_unread"))
	}
	for i := range 2 {
		for _, c := range []struct {
			who          string
			want, absent []string
		}{
			{"", []string{`href="/login"`, `href="/signup"`}, []string{`href="/me"`, `href="/notifications"`, `href="/admin"`, `href="/moderation"`}},
			{"ana", []string{`href="/me"`, unread(2)}, []string{`href="/login"`, `href="/admin"`, `href="/moderation"`}},
			{"ben", []string{`href="/me"`, `href="/admin"`, `href="/moderation"`, e.T("notifications.nav") + "</a>"}, []string{`href="/login"`, "visually-hidden\"> " + e.T("notifications.nav_unread")}},
			{"cas", []string{`href="/moderation"`}, []string{`href="/admin"`, `href="/login"`}},
		} {
			cl := e.client()
			if c.who != "" {
				cl = e.sessionClient(c.who)
			}
			path := fmt.Sprintf("/guide?visit=%d", i)
			body := cl.get(path).Body
			for _, w := range append(c.want, `<input type="hidden" name="return" value="/guide">`) {
				if !strings.Contains(body, w) {
					t.Errorf("%q (visit %d): the page lacks %s", c.who, i, w)
				}
			}
			for _, a := range c.absent {
				if strings.Contains(body, a) {
					t.Errorf("%q (visit %d): the page has %s", c.who, i, a)
				}
			}
		}
	}
	if body := e.client().get("/rules").Body; !strings.Contains(body, `<input type="hidden" name="return" value="/rules">`) {
		t.Error("the language switch returns elsewhere than the page it is on")
	}
	e.Srv.Config.QuickExitURL = "https://example.org/other-exit"
	if body := e.client().get("/guide").Body; !strings.Contains(body, `href="https://example.org/other-exit"`) {
		t.Error("the quick-exit link kept the old address")
	}
}
