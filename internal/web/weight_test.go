package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"involve/internal/groups"
)

// russianText is a long paragraph of Russian, the language whose text
// weighs most in UTF-8 (two bytes a letter).
const russianText = "Мы встречаемся каждую неделю, чтобы обсудить доступ к услугам снижения вреда, " +
	"обмен опытом и поддержку друг друга. Новые участники всегда могут прийти без записи."

// TestPagesSmall keeps the heaviest pages small for a cheap phone on a
// slow network: each page's HTML with the CSS and JS it links stays
// within 40 KB unpacked, and within 40 KB gzipped as served, in every
// language, on realistic data: a thread of 50 replies read signed in, a
// directory with more groups than fit on a page, a group of 150 members
// seen by a member, and the meetings pages with their forms.
func TestPagesSmall(t *testing.T) {
	e := sqliteEnv(t)
	e.createMember("founder")
	g := e.supGroup("founder", "Noord Peers", groups.Public)
	c := e.sessionClient("founder")
	path := arrange(t, c, "group="+g.Slug, meetingForm(nil))

	// A thread of 50 replies, some long, some in Russian.
	d := e.discThread(g, "founder", "Как нам договориться о встречах с районной службой", russianText+"\n\n"+russianText)
	for i := range 50 {
		body := fmt.Sprintf("Reply %d: I agree, let us bring it up at the meeting.", i)
		if i%3 == 0 {
			body = russianText
		}
		e.discReply(d, "founder", body)
	}
	// 31 self-organisations speaking Russian, one more than a directory page.
	for i := range 31 {
		e.grpCreate("founder", groups.Input{Name: fmt.Sprintf("Группа взаимной поддержки %d", i), Kind: groups.SelfOrganisation,
			Visibility: groups.Public, Joining: groups.Open, About: russianText, Region: "Санкт-Петербург",
			Topics: "снижение вреда, ВИЧ", Languages: "ru, en"}, nil)
	}
	// A group of 150 members, seen by one of them.
	for i := range 150 {
		h := fmt.Sprintf("member%03d", i)
		e.createMember(h)
		e.supAddMember(g, h, groups.Member)
	}

	wire := func(p string) (sent, html int) {
		req, _ := http.NewRequest(http.MethodGet, e.URL+p, nil)
		req.Header.Set("Accept-Encoding", "gzip") // set by hand, so the body stays as sent
		r := c.do(req)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: status %d", p, r.Status)
		}
		return len(r.Body), len(c.get(p).Body)
	}
	assetsSent, assets := 0, 0
	for _, name := range []string{"involve.css", "print.css", "involve.js"} {
		sent, n := wire(e.Srv.assets.url(name))
		assetsSent += sent
		assets += n
	}
	pages := []string{"/groups/" + g.Slug + "/discussions/" + fmt.Sprint(d.ID), "/groups?kind=self-organisation&language=ru", "/groups",
		"/groups/" + g.Slug, "/", "/meetings/new?group=" + g.Slug, path, path + "/minutes", path + "/agenda",
		path + "/attendance", "/meetings"}
	for _, lang := range []string{"en", "nl", "ru"} {
		c.post("/language", url.Values{"lang": {lang}, "return": {"/"}})
		for _, p := range pages {
			sent, html := wire(p)
			if testing.Verbose() {
				t.Logf("%s %s: %d bytes with CSS and JS (%d HTML), %d sent gzipped", lang, p, html+assets, html, sent+assetsSent)
			}
			if html+assets > 40<<10 || sent+assetsSent > 40<<10 {
				t.Errorf("%s in %s: %d bytes with its CSS and JS (%d of HTML), %d sent; over 40 KB", p, lang, html+assets, html, sent+assetsSent)
			}
		}
	}
	// The members list comes in pages; nobody is left out.
	first, second := c.get("/groups/"+g.Slug).Body, c.get("/groups/"+g.Slug+"?page=2").Body
	if !strings.Contains(first, `href="/members/member098"`) || strings.Contains(first, `href="/members/member099"`) ||
		!strings.Contains(first, `href="/groups/`+g.Slug+`?page=2#members-h"`) {
		t.Errorf("the first page of members does not end at the 100th with a link to the next")
	}
	if !strings.Contains(second, `href="/members/member099"`) || !strings.Contains(second, `href="/members/member149"`) ||
		strings.Contains(second, `href="/members/member098"`) {
		t.Errorf("the second page of members does not hold the rest")
	}
	if r := c.get("/groups/" + g.Slug + "?page=3"); r.Status != http.StatusNotFound {
		t.Errorf("a members page past the last: status %d", r.Status)
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("CSS and JS: %d bytes", assets)
	}
}
