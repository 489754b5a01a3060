package web

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"involve/internal/i18n"
)

// TestChrome checks the kept parts of the layout: each section marks its
// own link in the header as current and no other, each language gets its
// own words, and a changed quick-exit address is not served stale.
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
	e.Srv.Config.QuickExitURL = "https://example.org/other-exit"
	if body := e.client().get("/guide").Body; !strings.Contains(body, `href="https://example.org/other-exit"`) {
		t.Error("the quick-exit link kept the old address")
	}
}
