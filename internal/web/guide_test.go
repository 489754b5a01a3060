package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/guide"
	"involve/internal/i18n"
	"involve/internal/testutil"
)

// ---- helpers for guide pages ----

// makeEditor gives a member the editor role directly.
func (e *testEnv) makeEditor(handle string) {
	e.t.Helper()
	if err := e.Srv.Accounts.GrantRole(context.Background(), e.DB, e.member(handle).ID, accounts.RoleEditor, nil); err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) guidePageOf(slug string) *guide.Page {
	e.t.Helper()
	p, err := e.Srv.Guide.PageBySlug(context.Background(), slug)
	if err != nil {
		e.t.Fatalf("guide page %s: %v", slug, err)
	}
	return p
}

// guideRevision returns the current text of a page in a language.
func (e *testEnv) guideRevision(slug, lang string) *guide.Revision {
	e.t.Helper()
	r, err := e.Srv.Guide.Current(context.Background(), e.guidePageOf(slug).ID, lang)
	if err != nil {
		e.t.Fatalf("current %s text of %s: %v", lang, slug, err)
	}
	return r
}

// guideHistory returns a page's revisions in a language, newest first.
func (e *testEnv) guideHistory(slug, lang string) []*guide.Revision {
	e.t.Helper()
	revs, err := e.Srv.Guide.History(context.Background(), e.guidePageOf(slug).ID, lang)
	if err != nil {
		e.t.Fatal(err)
	}
	return revs
}

// tIn returns the text of a message key in a language.
func (e *testEnv) tIn(lang, key string, args ...any) string {
	l, ok := i18n.Supported(lang)
	if !ok {
		e.t.Fatalf("no language %q", lang)
	}
	return e.Srv.I18n.Printer(l).T(key, args...)
}

// getLang fetches path as a reader whose browser asks for lang.
func (c *client) getLang(path, lang string) response {
	c.env.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.env.URL+path, nil)
	req.Header.Set("Accept-Language", lang)
	return c.do(req)
}

// follow fetches where a 303 leads, so the flash is shown.
func (c *client) follow(r response) response {
	c.env.t.Helper()
	if r.Status != http.StatusSeeOther {
		c.env.t.Fatalf("want a 303 to follow, got %d\n%s", r.Status, r.Body)
	}
	return c.get(r.Location)
}

var (
	articleRe    = regexp.MustCompile(`(?s)<article lang="([^"]*)"[^>]*>(.*?)</article>`)
	checkboxRe   = regexp.MustCompile(`<input type="checkbox" id="item-\d+" name="item" value="([^"]*)"( checked)?( disabled)?>`)
	hiddenBaseRe = regexp.MustCompile(`<input type="hidden" name="base" value="([^"]*)">`)
	insRe        = regexp.MustCompile(`<ins class="diff-line">(.*?)</ins>`)
	delRe        = regexp.MustCompile(`<del class="diff-line">(.*?)</del>`)
	historyRowRe = regexp.MustCompile(`(?s)<a href="/guide/[a-z-]+/revisions/(\d+)">[^<]*</a></td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>`)
	hitRe        = regexp.MustCompile(`(?s)<li lang="([a-z]+)">\s*<h2><a href="([^"]*)">(.*?)</a></h2>.*?<p>(.*?)</p>\s*</li>`)
	flashRe      = regexp.MustCompile(`<p class="notice" role="status">(.*?)</p>`)
)

// hasLink reports whether body (unescaped) has a link to href reading text,
// whatever other attributes the link has.
func hasLink(body, href, text string) bool {
	re := regexp.MustCompile(`<a href="` + regexp.QuoteMeta(href) + `"(?: [a-z-]+="[^"]*")*>` + regexp.QuoteMeta(text) + `</a>`)
	return re.MatchString(body)
}

// articleOf returns the language and the markup of a page's <article>.
func articleOf(body string) (lang, inner string) {
	m := articleRe.FindStringSubmatch(body)
	if m == nil {
		return "", ""
	}
	return m[1], m[2]
}

func flashOf(body string) string {
	if m := flashRe.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

type checkbox struct {
	Key               string
	Checked, Disabled bool
}

func checkboxes(body string) []checkbox {
	var out []checkbox
	for _, m := range checkboxRe.FindAllStringSubmatch(body, -1) {
		out = append(out, checkbox{Key: m[1], Checked: m[2] != "", Disabled: m[3] != ""})
	}
	return out
}

func checkedKeys(body string) []string {
	var out []string
	for _, cb := range checkboxes(body) {
		if cb.Checked {
			out = append(out, cb.Key)
		}
	}
	return out
}

func unescapedAll(re *regexp.Regexp, body string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// historyRow is one line of a history page.
type historyRow struct {
	ID     int64
	Author string
	Note   string
}

func historyRows(body string) []historyRow {
	var out []historyRow
	for _, m := range historyRowRe.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		out = append(out, historyRow{ID: id, Author: html.UnescapeString(m[2]), Note: html.UnescapeString(m[3])})
	}
	return out
}

// searchHit is one search result as the page shows it.
type searchHit struct {
	Lang, URL, Title, Snippet string // Title and Snippet as markup
}

func searchHits(body string) []searchHit {
	var out []searchHit
	for _, m := range hitRe.FindAllStringSubmatch(body, -1) {
		out = append(out, searchHit{Lang: m[1], URL: html.UnescapeString(m[2]), Title: m[3], Snippet: m[4]})
	}
	return out
}

func hitURLs(hits []searchHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.URL)
	}
	return out
}

// editForm opens a page's edit form and returns what it would send.
func (c *client) editForm(slug, lang string) (url.Values, response) {
	c.env.t.Helper()
	r := c.get("/guide/" + slug + "/edit?lang=" + lang)
	if r.Status != http.StatusOK {
		c.env.t.Fatalf("edit form of %s in %s: %d\n%s", slug, lang, r.Status, r.Body)
	}
	m := hiddenBaseRe.FindStringSubmatch(r.Body)
	if m == nil {
		c.env.t.Fatalf("edit form of %s in %s has no base", slug, lang)
	}
	f := url.Values{"lang": {lang}, "base": {m[1]}, "title": {fieldValue(r.Body, "title")},
		"summary": {fieldValue(r.Body, "summary")}, "body": {fieldValue(r.Body, "body")}, "note": {""}}
	return f, r
}

// saveGuide edits a page through the form and checks it was saved.
func (c *client) saveGuide(slug, lang string, change func(f url.Values)) {
	c.env.t.Helper()
	f, _ := c.editForm(slug, lang)
	change(f)
	r := c.post("/guide/"+slug+"/edit", f)
	if r.Status != http.StatusSeeOther {
		c.env.t.Fatalf("saving %s in %s: %d\n%s", slug, lang, r.Status, r.Body)
	}
}

// ---- reading ----

func TestGuideContents(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		for _, lang := range []string{"en", "nl", "ru"} {
			r := e.client().getLang("/guide", lang)
			if r.Status != http.StatusOK {
				t.Fatalf("/guide in %s: %d", lang, r.Status)
			}
			if got := htmlLang(r.Body); got != lang {
				t.Errorf("/guide for a %s reader: <html lang=%q>", lang, got)
			}
			entries, err := e.Srv.Guide.Entries(ctx, lang)
			if err != nil {
				t.Fatal(err)
			}
			body := unescaped(r.Body)
			for _, slug := range guide.Slugs() {
				en, ok := entries[slug]
				if !ok {
					t.Errorf("no entry for %s", slug)
					continue
				}
				link := regexp.MustCompile(fmt.Sprintf(`<a href="/guide/%s"( lang="([a-z]+)")?>%s</a>`, slug, regexp.QuoteMeta(en.Title)))
				m := link.FindStringSubmatch(body)
				if m == nil {
					t.Errorf("/guide in %s does not list %s as %q", lang, slug, en.Title)
					continue
				}
				// A title in another language than the page's says so
				// (WCAG 3.1.2), so a screen reader reads it right.
				if en.Lang != lang && m[2] != en.Lang {
					t.Errorf("/guide in %s: the %s title of %s is not marked lang=%q: %s", lang, en.Lang, slug, en.Lang, m[0])
				}
				if _, err := e.Srv.Guide.Current(ctx, e.guidePageOf(slug).ID, lang); (err == nil) != (en.Lang == lang) {
					t.Errorf("/guide in %s lists %s in %s", lang, slug, en.Lang)
				}
			}
		}
		// The same on a page: links to pages not in the reader's language
		// are marked with the language of their titles.
		// (prepare is both the next page and a related page of initiate, and
		// has no Dutch text.)
		nl := unescaped(e.client().getLang("/guide/initiate", "nl").Body)
		if title := e.guideRevision("prepare", "en").Title; strings.Count(nl, `lang="en">`+title+`<`) < 2 {
			t.Errorf("/guide/initiate for a Dutch reader: the English title %q is not marked lang=en in the pager and related links", title)
		}
		// The titles come from the database, not the shipped files.
		ed := "contents_editor"
		e.createMember(ed)
		e.makeEditor(ed)
		e.sessionClient(ed).saveGuide("challenges", "en", func(f url.Values) { f.Set("title", "Hard parts, renamed") })
		if body := e.client().get("/guide").Body; !hasLink(body, "/guide/challenges", "Hard parts, renamed") {
			t.Errorf("/guide does not show the edited title")
		}
	})
}

func TestGuidePagesInEveryLanguage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		for _, slug := range guide.Slugs() {
			srcs, err := guide.Sources(slug)
			if err != nil {
				t.Fatal(err)
			}
			have := map[string]bool{}
			for _, s := range srcs {
				have[s.Lang] = true
			}
			for _, l := range i18n.Languages {
				r := c.getLang("/guide/"+slug, l.Code)
				if r.Status != http.StatusOK {
					t.Errorf("/guide/%s for a %s reader: %d", slug, l.Code, r.Status)
					continue
				}
				if got := htmlLang(r.Body); got != l.Code {
					t.Errorf("/guide/%s for a %s reader: <html lang=%q>", slug, l.Code, got)
				}
				textLang := l.Code
				if !have[l.Code] {
					textLang = "en"
				}
				alang, inner := articleOf(r.Body)
				if alang != textLang {
					t.Errorf("/guide/%s for a %s reader: <article lang=%q>, want %q", slug, l.Code, alang, textLang)
				}
				rev := e.guideRevision(slug, textLang)
				if !strings.Contains(unescaped(inner), "<h1>"+rev.Title+"</h1>") {
					t.Errorf("/guide/%s for a %s reader: no <h1>%s</h1>", slug, l.Code, rev.Title)
				}
				notTranslated := e.tIn(l.Code, "guide.not_translated", l.Name)
				if got := strings.Contains(unescaped(r.Body), notTranslated); got != !have[l.Code] {
					t.Errorf("/guide/%s for a %s reader: says it is not translated: %v, want %v", slug, l.Code, got, !have[l.Code])
				}
			}
		}

		// ?lang= picks the text's language; the interface stays the reader's.
		r := c.getLang("/guide/initiate?lang=ru", "en")
		if alang, inner := articleOf(r.Body); r.Status != http.StatusOK || htmlLang(r.Body) != "en" || alang != "ru" ||
			!strings.Contains(unescaped(inner), e.guideRevision("initiate", "ru").Title) {
			t.Errorf("/guide/initiate?lang=ru: %d, html lang %q, article lang %q", r.Status, htmlLang(r.Body), alang)
		}
		// A page without a Dutch text, asked for in Dutch: the English text,
		// and a note saying so in the reader's language.
		for _, tc := range []struct{ path, reader, noteLang string }{
			{"/guide/challenges?lang=nl", "en", "en"},
			{"/guide/challenges", "nl", "nl"},
			{"/guide/challenges?lang=nl", "nl", "nl"},
		} {
			r := c.getLang(tc.path, tc.reader)
			alang, inner := articleOf(r.Body)
			if r.Status != http.StatusOK || alang != "en" || !strings.Contains(unescaped(inner), e.guideRevision("challenges", "en").Title) {
				t.Errorf("%s for a %s reader: %d, article lang %q, want the English text", tc.path, tc.reader, r.Status, alang)
			}
			if note := e.tIn(tc.noteLang, "guide.not_translated", "Nederlands"); !strings.Contains(unescaped(r.Body), note) {
				t.Errorf("%s for a %s reader does not say %q", tc.path, tc.reader, note)
			}
		}
		// A language we do not have is the reader's language.
		if r := c.getLang("/guide/initiate?lang=xx", "nl"); r.Status != http.StatusOK {
			t.Errorf("?lang=xx: %d", r.Status)
		} else if alang, _ := articleOf(r.Body); alang != "nl" {
			t.Errorf("?lang=xx for a Dutch reader: article lang %q, want nl", alang)
		}
		for _, p := range []string{"/guide/no-such-page", "/guide/no-such-page/history"} { // capitals: TestSlugInCapitals
			if r := c.get(p); r.Status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", p, r.Status)
			}
		}
		// Only editors are offered editing.
		e.createMember("reader")
		e.createMember("writer")
		e.makeEditor("writer")
		for _, tc := range []struct {
			c    *client
			want bool
		}{{e.client(), false}, {e.sessionClient("reader"), false}, {e.sessionClient("writer"), true}} {
			if got := strings.Contains(tc.c.get("/guide/initiate").Body, `href="/guide/initiate/edit?lang=en"`); got != tc.want {
				t.Errorf("edit link shown: %v, want %v", got, tc.want)
			}
		}
	})
}

func TestGuideAll(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, lang := range []string{"en", "nl"} {
			r := e.client().get("/guide/all?lang=" + lang)
			if r.Status != http.StatusOK {
				t.Fatalf("/guide/all?lang=%s: %d", lang, r.Status)
			}
			body := unescaped(r.Body)
			for _, slug := range guide.Slugs() {
				rev, err := e.Srv.Guide.Current(context.Background(), e.guidePageOf(slug).ID, lang)
				if err != nil {
					rev = e.guideRevision(slug, "en")
				}
				if !hasLink(body, "#"+slug, rev.Title) {
					t.Errorf("/guide/all?lang=%s: the contents do not list %s (%q)", lang, slug, rev.Title)
				}
				if !strings.Contains(body, fmt.Sprintf(`<article id="%s" lang="%s" class="chapter">`, slug, rev.Lang)) {
					t.Errorf("/guide/all?lang=%s: no chapter for %s in %s", lang, slug, rev.Lang)
				}
			}
			printCSS := fmt.Sprintf(`<link rel="stylesheet" href="%s" media="print">`, e.Srv.assets.url("print.css"))
			if !strings.Contains(r.Body, printCSS) {
				t.Errorf("/guide/all does not link the print stylesheet (%s)", printCSS)
			}
			// Checklists print as boxes to tick by hand.
			if !strings.Contains(r.Body, `<ul class="print-checklist">`) {
				t.Errorf("/guide/all?lang=%s prints no checklist", lang)
			}
		}
	})
}

// ---- editing ----

func TestGuideEditDiffRevert(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("eddie")
		e.makeEditor("eddie")
		ed := e.sessionClient("eddie")
		seeded := e.guideRevision("initiate", "en")

		f, form := ed.editForm("initiate", "en")
		if f.Get("base") != fmt.Sprint(seeded.ID) || f.Get("title") != seeded.Title || f.Get("summary") != seeded.Summary ||
			f.Get("body") != seeded.Body {
			t.Fatalf("the edit form does not hold the current text: %v", f)
		}
		if !strings.Contains(unescaped(form.Body), e.T("guide.edit.language", "English")) {
			t.Errorf("the edit form does not name the language")
		}
		firstLine, _, _ := strings.Cut(seeded.Body, "\n")
		newFirst := "This is stage one: look around first."
		added := "We saw a zebrafinch near the drop-in."
		f.Set("title", "Initiate: look around first")
		f.Set("summary", "Stage one, in short.")
		f.Set("body", strings.Replace(seeded.Body, firstLine, newFirst, 1)+"\n"+added+"\n")
		f.Set("note", "Shorter first line")
		r := ed.post("/guide/initiate/edit", f)
		if r.Status != http.StatusSeeOther || r.Location != "/guide/initiate" {
			t.Fatalf("save: %d → %q\n%s", r.Status, r.Location, r.Body)
		}
		page := ed.follow(r)
		if got := flashOf(page.Body); got != e.T("guide.edit.saved") {
			t.Errorf("after saving the flash reads %q", got)
		}
		_, inner := articleOf(page.Body)
		for _, want := range []string{"<h1>Initiate: look around first</h1>", newFirst, added} {
			if !strings.Contains(unescaped(inner), want) {
				t.Errorf("the saved page does not show %q", want)
			}
		}
		if strings.Contains(unescaped(inner), firstLine) {
			t.Errorf("the saved page still shows the old first line")
		}

		// History: both versions, with who and why.
		hist := e.guideHistory("initiate", "en")
		if len(hist) != 2 || hist[1].ID != seeded.ID {
			t.Fatalf("%d revisions after one edit, want 2", len(hist))
		}
		edited := hist[0]
		h := e.client().get("/guide/initiate/history")
		rows := historyRows(h.Body)
		want := []historyRow{{edited.ID, "eddie", "Shorter first line"}, {seeded.ID, e.T("guide.history.nobody"), seeded.Note}}
		if !slices.Equal(rows, want) {
			t.Errorf("history rows %+v, want %+v", rows, want)
		}
		if strings.Contains(h.Body, `action="/guide/initiate/revert"`) {
			t.Errorf("the history offers going back to readers who are not editors")
		}

		// The diff: the new lines in <ins>, the old one in <del>.
		dr := e.client().get(fmt.Sprintf("/guide/initiate/diff?from=%d&to=%d", seeded.ID, edited.ID))
		if dr.Status != http.StatusOK {
			t.Fatalf("diff: %d", dr.Status)
		}
		ins, del := unescapedAll(insRe, dr.Body), unescapedAll(delRe, dr.Body)
		if !slices.Contains(ins, added) || !slices.Contains(ins, newFirst) || !slices.Contains(ins, "Stage one, in short.") {
			t.Errorf("diff <ins> lines %q, want %q, %q and the new summary", ins, added, newFirst)
		}
		if !slices.Contains(del, firstLine) || !slices.Contains(del, seeded.Summary) {
			t.Errorf("diff <del> lines %q, want the old first line and summary", del)
		}
		if title := fmt.Sprintf("<del>%s</del> → <ins>%s</ins>", seeded.Title, "Initiate: look around first"); !strings.Contains(unescaped(dr.Body), title) {
			t.Errorf("the diff does not show the title change as %s", title)
		}
		if slices.Contains(del, added) || slices.Contains(ins, firstLine) {
			t.Errorf("diff has lines on the wrong side")
		}
		// Either order of from and to shows the same change.
		if rev := e.client().get(fmt.Sprintf("/guide/initiate/diff?from=%d&to=%d", edited.ID, seeded.ID)); !slices.Equal(unescapedAll(insRe, rev.Body), ins) {
			t.Errorf("the diff depends on the order of from and to")
		}
		// The old version, as it was.
		old := e.client().get(fmt.Sprintf("/guide/initiate/revisions/%d", seeded.ID))
		if _, inner := articleOf(old.Body); old.Status != http.StatusOK || !strings.Contains(unescaped(inner), firstLine) || strings.Contains(inner, "zebrafinch") {
			t.Errorf("the old revision page: %d, does not show the old text", old.Status)
		}

		// The new word is found at once.
		if hits := searchHits(e.client().get("/search?q=zebrafinch").Body); len(hits) != 1 || hits[0].URL != "/guide/initiate" ||
			!strings.Contains(strings.ToLower(hits[0].Snippet), "<mark>zebrafinch</mark>") {
			t.Errorf("search for the new word: %+v", hits)
		}

		// Going back is a new revision with the old text.
		r = ed.post("/guide/initiate/revert", url.Values{"revision": {fmt.Sprint(seeded.ID)}})
		if r.Status != http.StatusSeeOther || r.Location != "/guide/initiate/history?lang=en" {
			t.Fatalf("revert: %d → %q\n%s", r.Status, r.Location, r.Body)
		}
		h = ed.follow(r)
		if got := flashOf(h.Body); got != e.T("guide.revert.done") {
			t.Errorf("after going back the flash reads %q", got)
		}
		hist = e.guideHistory("initiate", "en")
		if len(hist) != 3 {
			t.Fatalf("%d revisions after going back, want 3", len(hist))
		}
		cur := hist[0]
		if cur.Title != seeded.Title || cur.Summary != seeded.Summary || cur.Body != seeded.Body || cur.Reverts == nil || *cur.Reverts != seeded.ID {
			t.Errorf("after going back the current text is not the seeded one (reverts %v)", cur.Reverts)
		}
		if rows := historyRows(h.Body); len(rows) != 3 || rows[0] != (historyRow{cur.ID, "eddie", e.T("guide.revert.note", seeded.ID)}) {
			t.Errorf("history after going back: %+v", rows)
		}
		if _, inner := articleOf(e.client().get("/guide/initiate").Body); strings.Contains(inner, "zebrafinch") || !strings.Contains(unescaped(inner), firstLine) {
			t.Errorf("after going back the page does not show the old text")
		}
		if hits := searchHits(e.client().get("/search?q=zebrafinch").Body); len(hits) != 0 {
			t.Errorf("after going back the search still finds the word: %+v", hits)
		}

		// Bad requests.
		for _, tc := range []struct {
			path string
			want int
		}{
			{fmt.Sprintf("/guide/initiate/diff?from=%d", seeded.ID), http.StatusBadRequest},
			{"/guide/initiate/diff?from=x&to=y", http.StatusBadRequest},
			{fmt.Sprintf("/guide/initiate/diff?from=%d&to=999999", seeded.ID), http.StatusNotFound},
			{fmt.Sprintf("/guide/prepare/diff?from=%d&to=%d", seeded.ID, edited.ID), http.StatusNotFound},
			{fmt.Sprintf("/guide/prepare/revisions/%d", seeded.ID), http.StatusNotFound},
			{"/guide/initiate/revisions/999999", http.StatusNotFound},
			{"/guide/initiate/history?lang=xx", http.StatusOK},
			{"/guide/no-such-page/edit", http.StatusNotFound},
		} {
			if r := ed.get(tc.path); r.Status != tc.want {
				t.Errorf("%s: %d, want %d", tc.path, r.Status, tc.want)
			}
		}
		for _, rev := range []string{"", "x", "999999", fmt.Sprint(e.guideRevision("prepare", "en").ID)} {
			if r := ed.post("/guide/initiate/revert", url.Values{"revision": {rev}}); r.Status != http.StatusBadRequest && r.Status != http.StatusNotFound {
				t.Errorf("revert to %q: %d, want 400 or 404", rev, r.Status)
			}
		}
		if n := len(e.guideHistory("initiate", "en")); n != 3 {
			t.Errorf("refused requests changed the history: %d revisions", n)
		}
		// A site admin may edit too.
		e.createMember("boss")
		e.makeAdmin("boss")
		e.sessionClient("boss").saveGuide("initiate", "en", func(f url.Values) { f.Set("note", "admin edit") })
		if got := e.guideHistory("initiate", "en")[0]; got.Author != "boss" || got.Note != "admin edit" {
			t.Errorf("site admin's edit: %q %q", got.Author, got.Note)
		}
	})
}

func TestGuideEditErrors(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("eddie")
		e.makeEditor("eddie")
		e.createMember("eddie2")
		e.makeEditor("eddie2")
		ed := e.sessionClient("eddie")
		start := len(e.guideHistory("initiate", "en"))
		for _, tc := range []struct {
			name       string
			change     func(f url.Values)
			field, key string
		}{
			{"no title", func(f url.Values) { f.Set("title", "  ") }, "title", "guide.edit.title_required"},
			{"long title", func(f url.Values) { f.Set("title", strings.Repeat("t", guide.TitleMax+1)) }, "title", "field.too_long"},
			{"two-line title", func(f url.Values) { f.Set("title", "one\ntwo") }, "title", "field.one_line"},
			{"long summary", func(f url.Values) { f.Set("summary", strings.Repeat("s", guide.SummaryMax+1)) }, "summary", "field.too_long"},
			{"no body", func(f url.Values) { f.Set("body", "\n \n") }, "body", "guide.edit.body_required"},
			{"long note", func(f url.Values) { f.Set("note", strings.Repeat("n", guide.NoteMax+1)) }, "note", "field.too_long"},
		} {
			f, _ := ed.editForm("initiate", "en")
			f.Set("body", "Typed text that must not be lost.\n")
			f.Set("note", "my note")
			tc.change(f)
			r := ed.post("/guide/initiate/edit", f)
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", tc.name, r.Status)
				continue
			}
			if got, want := fieldError(r.Body, tc.field), e.T(tc.key); got != want {
				t.Errorf("%s: next to %s %q, want %q (fields with errors: %v)", tc.name, tc.field, got, want, fieldErrors(r.Body))
			}
			if errs := fieldErrors(r.Body); len(errs) != 1 {
				t.Errorf("%s: errors on %v, want only %s", tc.name, errs, tc.field)
			}
			if !strings.Contains(r.Body, `<div class="error-summary" role="alert">`) {
				t.Errorf("%s: no error summary", tc.name)
			}
			for _, name := range []string{"title", "summary", "body", "note"} {
				if got, want := fieldValue(r.Body, name), f.Get(name); got != want {
					t.Errorf("%s: %s holds %q, want what was typed (%q)", tc.name, name, got, want)
				}
			}
		}
		if n := len(e.guideHistory("initiate", "en")); n != start {
			t.Errorf("refused edits were saved: %d revisions, want %d", n, start)
		}

		// Someone else saves while ed is editing: ed's text is kept, not saved.
		mine, _ := ed.editForm("initiate", "en")
		oldBase := mine.Get("base")
		e.sessionClient("eddie2").saveGuide("initiate", "en", func(f url.Values) { f.Set("note", "ed2 was first") })
		theirs := e.guideRevision("initiate", "en")
		mine.Set("body", "My own careful rewrite.\n")
		mine.Set("title", "My title")
		mine.Set("note", "my rewrite")
		r := ed.post("/guide/initiate/edit", mine)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("stale save: %d, want 422", r.Status)
		}
		if got, want := fieldError(r.Body, "body"), e.T("guide.edit.stale"); got != want {
			t.Errorf("stale save: next to the text %q, want %q", got, want)
		}
		if fieldValue(r.Body, "body") != "My own careful rewrite.\n" || fieldValue(r.Body, "title") != "My title" || fieldValue(r.Body, "note") != "my rewrite" {
			t.Errorf("stale save: the editor's text is not kept: %q %q", fieldValue(r.Body, "title"), fieldValue(r.Body, "body"))
		}
		if cur := e.guideRevision("initiate", "en"); cur.ID != theirs.ID {
			t.Errorf("stale save saved something")
		}
		// The form now starts from the other edit, so saving again (after
		// merging by hand) works.
		m := hiddenBaseRe.FindStringSubmatch(r.Body)
		if m == nil || m[1] == oldBase || m[1] != fmt.Sprint(theirs.ID) {
			t.Fatalf("stale save: base %v, want %d", m, theirs.ID)
		}
		mine.Set("base", m[1])
		if r := ed.post("/guide/initiate/edit", mine); r.Status != http.StatusSeeOther {
			t.Errorf("saving again after a stale save: %d", r.Status)
		}
		if cur := e.guideRevision("initiate", "en"); cur.Body != "My own careful rewrite.\n" || cur.Author != "eddie" {
			t.Errorf("saving again: current text %q by %q", cur.Body, cur.Author)
		}
		// A language we do not have.
		bad, _ := ed.editForm("initiate", "en")
		bad.Set("lang", "xx")
		if r := ed.post("/guide/initiate/edit", bad); r.Status != http.StatusBadRequest {
			t.Errorf("edit in language xx: %d, want 400", r.Status)
		}
	})
}

func TestGuideTranslations(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("eddie")
		e.makeEditor("eddie")
		ed := e.sessionClient("eddie")
		anon := e.client()
		outdated := func(path, reader string) bool {
			t.Helper()
			r := anon.getLang(path, reader)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d", path, r.Status)
			}
			return strings.Contains(unescaped(r.Body), e.tIn(reader, "guide.outdated"))
		}
		for _, p := range []string{"/guide/initiate?lang=nl", "/guide/initiate?lang=ru", "/guide/initiate"} {
			if outdated(p, "en") {
				t.Errorf("%s says it is outdated before any edit", p)
			}
		}

		// The English text changes: the translations fall behind.
		ed.saveGuide("initiate", "en", func(f url.Values) {
			f.Set("body", f.Get("body")+"\nA new English paragraph about quokkas.\n")
		})
		if !outdated("/guide/initiate?lang=nl", "en") || !outdated("/guide/initiate", "nl") || !outdated("/guide/initiate?lang=ru", "ru") {
			t.Errorf("the translations do not say they are outdated after the English text changed")
		}
		if outdated("/guide/initiate", "en") {
			t.Errorf("the English page says it is outdated")
		}
		// Only a real change counts: a note-only save of the original does not.
		if outdated("/guide/challenges?lang=nl", "en") {
			t.Errorf("a page with no Dutch text says the (English) text is outdated")
		}

		// The Dutch editor sees the English text beside the form and saves a
		// new Dutch version: the Dutch page is up to date again.
		f, form := ed.editForm("initiate", "nl")
		if !strings.Contains(unescaped(form.Body), "A new English paragraph about quokkas.") {
			t.Errorf("the Dutch edit form does not show the current English text")
		}
		if f.Get("base") != fmt.Sprint(e.guideRevision("initiate", "nl").ID) {
			t.Errorf("the Dutch edit form's base is %s", f.Get("base"))
		}
		f.Set("body", f.Get("body")+"\nEen nieuwe alinea over quokka's.\n")
		f.Set("note", "bijgewerkt")
		r := ed.post("/guide/initiate/edit", f)
		if r.Status != http.StatusSeeOther || r.Location != "/guide/initiate?lang=nl" {
			t.Fatalf("Dutch save: %d → %q", r.Status, r.Location)
		}
		if outdated("/guide/initiate?lang=nl", "en") || outdated("/guide/initiate", "nl") {
			t.Errorf("the Dutch page still says it is outdated after a new Dutch version")
		}
		if !outdated("/guide/initiate?lang=ru", "en") {
			t.Errorf("the Russian page no longer says it is outdated, but nobody updated it")
		}
		if h := e.guideHistory("initiate", "nl"); len(h) != 2 || h[0].Note != "bijgewerkt" {
			t.Errorf("Dutch history: %d revisions", len(h))
		}
		if rows := historyRows(anon.get("/guide/initiate/history?lang=nl").Body); len(rows) != 2 || rows[0].Note != "bijgewerkt" {
			t.Errorf("the Dutch history page: %+v", rows)
		}

		// A new translation starts from the English text.
		en := e.guideRevision("challenges", "en")
		f, form = ed.editForm("challenges", "ru")
		if f.Get("base") != "0" || f.Get("title") != en.Title || f.Get("body") != en.Body {
			t.Errorf("a new Russian translation's form: base %q title %q, want 0 and the English text", f.Get("base"), f.Get("title"))
		}
		if !strings.Contains(unescaped(form.Body), e.T("guide.edit.new_translation", "Русский")) {
			t.Errorf("the form does not say it is a new translation")
		}
		f.Set("title", "Трудности")
		f.Set("summary", "Что может пойти не так.")
		f.Set("body", "## Трудности\n\nТекст о трудностях.\n")
		f.Set("note", "перевод")
		r = ed.post("/guide/challenges/edit", f)
		if r.Status != http.StatusSeeOther || r.Location != "/guide/challenges?lang=ru" {
			t.Fatalf("new Russian translation: %d → %q\n%s", r.Status, r.Location, r.Body)
		}
		page := anon.get("/guide/challenges?lang=ru")
		if alang, inner := articleOf(page.Body); alang != "ru" || !strings.Contains(inner, "<h1>Трудности</h1>") || !strings.Contains(inner, "Текст о трудностях.") {
			t.Errorf("the new Russian page: article lang %q\n%s", alang, inner)
		}
		if strings.Contains(unescaped(page.Body), e.T("guide.not_translated", "Русский")) || outdated("/guide/challenges?lang=ru", "en") {
			t.Errorf("the new Russian page says it is not translated or outdated")
		}
		if !hasLink(unescaped(anon.getLang("/guide", "ru").Body), "/guide/challenges", "Трудности") {
			t.Errorf("the Russian contents do not list the new translation")
		}
		// A second "new" translation is stale: the first is not overwritten.
		f.Set("title", "Другое")
		if r := ed.post("/guide/challenges/edit", f); r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "body") != e.T("guide.edit.stale") {
			t.Errorf("a second new translation: %d, want 422 stale", r.Status)
		}
		if got := e.guideRevision("challenges", "ru").Title; got != "Трудности" {
			t.Errorf("the Russian title is now %q", got)
		}
	})
}

func TestGuideMarkdownIsSanitised(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("eddie")
		e.makeEditor("eddie")
		ed := e.sessionClient("eddie")
		body := "Safe words here.\n\n<script>alert(1)</script>\n\n<img src=\"x\" onerror=\"alert(2)\">\n\n" +
			"[x](javascript:alert(3)) and [y](JaVaScRiPt:alert(4)) and <a href=\"javascript:alert(5)\">z</a>\n\n" +
			"<p onclick=\"alert(6)\">para</p> <iframe src=\"https://example.org\"></iframe>\n\n## Heading\n\n- [ ] Tick <script>alert(7)</script> me\n"
		ed.saveGuide("what", "en", func(f url.Values) { f.Set("body", body) })
		hist := e.guideHistory("what", "en")
		rev := hist[0]
		for name, path := range map[string]string{
			"page":     "/guide/what",
			"revision": fmt.Sprintf("/guide/what/revisions/%d", rev.ID),
			"all":      "/guide/all",
		} {
			r := e.client().get(path)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d", path, r.Status)
			}
			_, inner := articleOf(r.Body)
			if name == "all" {
				m := regexp.MustCompile(`(?s)<article id="what"[^>]*>(.*?)</article>`).FindStringSubmatch(r.Body)
				if m == nil {
					t.Fatalf("/guide/all has no chapter for what")
				}
				inner = m[1]
			}
			if !strings.Contains(inner, "Safe words here.") {
				t.Errorf("%s: the safe text is missing:\n%s", name, inner)
			}
			low := strings.ToLower(inner)
			for _, bad := range []string{"<script", "onerror", "onclick", `href="javascript:`, "javascript:", "<iframe"} {
				if strings.Contains(low, bad) {
					t.Errorf("%s: the page contains %q:\n%s", name, bad, inner)
				}
			}
		}
		// The edit form and the diff show the source as text.
		for _, path := range []string{"/guide/what/edit?lang=en", fmt.Sprintf("/guide/what/diff?from=%d&to=%d", hist[1].ID, rev.ID)} {
			r := ed.get(path)
			if r.Status != http.StatusOK || strings.Contains(r.Body, "<script>alert") || strings.Contains(r.Body, "<img src=\"x\"") {
				t.Errorf("%s: %d, the source is not escaped", path, r.Status)
			}
		}
		// Search shows it as text too.
		r := e.client().get("/search?q=safe+words")
		if r.Status != http.StatusOK || strings.Contains(r.Body, "<script>alert") {
			t.Errorf("search: %d, unescaped markup in the results", r.Status)
		}
	})
}

// ---- checklists ----

func TestGuideChecklist(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		items := guide.ChecklistItems(e.guideRevision("initiate", "en").Body)
		n := len(items)
		if n < 3 {
			t.Fatalf("initiate has %d checklist items; the test needs 3", n)
		}

		// Anonymous readers see the list, cannot tick it, and are asked to sign in.
		anon := e.client().get("/guide/initiate")
		boxes := checkboxes(anon.Body)
		if len(boxes) != n {
			t.Fatalf("anonymous: %d checkboxes, want %d", len(boxes), n)
		}
		var keys []string
		for i, b := range boxes {
			if !b.Disabled || b.Checked {
				t.Errorf("anonymous: checkbox %d is %+v, want disabled and not ticked", i, b)
			}
			if b.Key != guide.ItemKey(items[i]) {
				t.Errorf("checkbox %d has key %q, want %q", i, b.Key, guide.ItemKey(items[i]))
			}
			keys = append(keys, b.Key)
		}
		if !regexp.MustCompile(`<a href="/login\?next=(/|%2f)guide(/|%2f)initiate">`).MatchString(anon.Body) {
			t.Errorf("anonymous: no sign-in link back to the page")
		}
		if strings.Contains(anon.Body, e.T("guide.checklist.save")) {
			t.Errorf("anonymous: a save button")
		}

		e.createMember("peer")
		c := e.sessionClient("peer")
		page := c.get("/guide/initiate")
		for i, b := range checkboxes(page.Body) {
			if b.Disabled || b.Checked {
				t.Errorf("member: checkbox %d is %+v before ticking", i, b)
			}
		}
		r := c.post("/guide/initiate/checklist", url.Values{"lang": {"en"}, "item": {keys[0], keys[2]}})
		if r.Status != http.StatusSeeOther || r.Location != "/guide/initiate#checklist" {
			t.Fatalf("ticking: %d → %q", r.Status, r.Location)
		}
		page = c.follow(r)
		if got := flashOf(page.Body); got != e.T("guide.checklist.saved") {
			t.Errorf("after ticking the flash reads %q", got)
		}
		if got := checkedKeys(page.Body); !slices.Equal(got, []string{keys[0], keys[2]}) {
			t.Errorf("ticked %v, want %v", got, []string{keys[0], keys[2]})
		}
		if want := e.T("guide.checklist.yours", 2, n); !strings.Contains(unescaped(page.Body), want) {
			t.Errorf("the page does not say %q", want)
		}
		contents := unescaped(c.get("/guide").Body)
		if !strings.Contains(contents, e.T("guide.progress")) || !strings.Contains(contents, e.T("guide.progress.count", 2, n)) ||
			!hasLink(contents, "/guide/initiate#checklist", e.guideRevision("initiate", "en").Title) {
			t.Errorf("/guide does not show the progress (2 of %d)", n)
		}
		if other := unescaped(e.client().get("/guide").Body); strings.Contains(other, e.T("guide.progress")) {
			t.Errorf("/guide shows progress to an anonymous reader")
		}
		// Someone else's list is their own.
		e.createMember("other")
		if got := checkedKeys(e.sessionClient("other").get("/guide/initiate").Body); len(got) != 0 {
			t.Errorf("another member sees %v ticked", got)
		}

		// The Dutch page ticks the same items.
		nl := c.getLang("/guide/initiate?lang=nl", "nl")
		var nlKeys []string
		for _, b := range checkboxes(nl.Body) {
			nlKeys = append(nlKeys, b.Key)
		}
		if !slices.Equal(nlKeys, keys) {
			t.Errorf("Dutch checkbox keys %v, want the English %v", nlKeys, keys)
		}
		if got := checkedKeys(nl.Body); !slices.Equal(got, []string{keys[0], keys[2]}) {
			t.Errorf("the Dutch page shows %v ticked, want the English ticks", got)
		}
		r = c.post("/guide/initiate/checklist", url.Values{"lang": {"nl"}, "item": {keys[0], keys[1], keys[2]}})
		if r.Status != http.StatusSeeOther || r.Location != "/guide/initiate?lang=nl#checklist" {
			t.Fatalf("ticking in Dutch: %d → %q", r.Status, r.Location)
		}
		if got := checkedKeys(c.get("/guide/initiate").Body); !slices.Equal(got, keys[:3]) {
			t.Errorf("after ticking in Dutch the English page shows %v", got)
		}

		// Unknown keys and repeats are ignored; unticking works.
		r = c.post("/guide/initiate/checklist", url.Values{"item": {keys[1], "no-such-item", keys[1], "<script>"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("ticking unknown items: %d", r.Status)
		}
		checks, err := e.Srv.Guide.Checks(context.Background(), e.member("peer").ID, e.guidePageOf("initiate").ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(checks) != 1 || !checks[keys[1]] {
			t.Errorf("stored ticks %v, want only %s", checks, keys[1])
		}
		if !strings.Contains(unescaped(c.get("/guide/initiate").Body), e.T("guide.checklist.yours", 1, n)) {
			t.Errorf("the page does not say 1 of %d", n)
		}
		// A page without a checklist stores nothing.
		c.post("/guide/what/checklist", url.Values{"item": {keys[0]}})
		if checks, _ := e.Srv.Guide.Checks(context.Background(), e.member("peer").ID, e.guidePageOf("what").ID); len(checks) != 0 {
			t.Errorf("ticks stored on a page without a checklist: %v", checks)
		}
		if r := c.post("/guide/no-such-page/checklist", url.Values{"item": {keys[0]}}); r.Status != http.StatusNotFound {
			t.Errorf("ticking on an unknown page: %d, want 404", r.Status)
		}
	})
}

// guideData is the guide's part of /me/data.json.
type guideData struct {
	Data struct {
		Guide struct {
			Edits []struct {
				Page     string `json:"page"`
				Language string `json:"language"`
				Revision int64  `json:"revision"`
				Note     string `json:"note"`
			} `json:"edits"`
			Ticked []struct {
				Page string `json:"page"`
				Item string `json:"item"`
			} `json:"checklist_items_ticked"`
		} `json:"guide"`
	} `json:"data"`
}

func TestGuideMemberData(t *testing.T) {
	for _, mode := range []string{"anonymise", "remove"} {
		t.Run(mode, func(t *testing.T) {
			testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
				e := newEnv(t, d)
				ctx := context.Background()
				e.createMember("keen")
				e.makeEditor("keen")
				c := e.sessionClient("keen")
				items := guide.ChecklistItems(e.guideRevision("prepare", "en").Body)
				keys := []string{guide.ItemKey(items[0]), guide.ItemKey(items[1])}
				if r := c.post("/guide/prepare/checklist", url.Values{"item": keys}); r.Status != http.StatusSeeOther {
					t.Fatalf("ticking: %d", r.Status)
				}
				c.saveGuide("prepare", "en", func(f url.Values) { f.Set("note", "keen's fix") })
				rev := e.guideRevision("prepare", "en")

				r := c.get("/me/data.json")
				var doc guideData
				if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
					t.Fatalf("data.json: %v\n%s", err, r.Body)
				}
				g := doc.Data.Guide
				if len(g.Ticked) != 2 || g.Ticked[0].Page != "prepare" || !slices.Contains(keys, g.Ticked[0].Item) || !slices.Contains(keys, g.Ticked[1].Item) {
					t.Errorf("ticked items in the download: %+v, want %v", g.Ticked, keys)
				}
				if len(g.Edits) != 1 || g.Edits[0].Page != "prepare" || g.Edits[0].Language != "en" || g.Edits[0].Revision != rev.ID || g.Edits[0].Note != "keen's fix" {
					t.Errorf("edits in the download: %+v", g.Edits)
				}

				id := e.member("keen").ID
				if r := c.post("/me/delete", url.Values{"mode": {mode}, "password": {passphrase("keen")}}); r.Status != http.StatusSeeOther {
					t.Fatalf("delete: %d\n%s", r.Status, r.Body)
				}
				var n int
				if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM guide_checks WHERE member_id = ?`, id).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("%d ticks left after deletion", n)
				}
				got := e.guideRevision("prepare", "en")
				if got.ID != rev.ID || got.AuthorID != nil || got.Author != "" {
					t.Errorf("the edit still links to the deleted member: %v %q", got.AuthorID, got.Author)
				}
				wantNote := "keen's fix"
				if mode == "remove" {
					wantNote = ""
				}
				if got.Note != wantNote {
					t.Errorf("note after %s: %q, want %q", mode, got.Note, wantNote)
				}
				h := e.client().get("/guide/prepare/history")
				if rows := historyRows(h.Body); len(rows) != 2 || rows[0].Author != e.T("guide.history.nobody") || rows[0].Note != wantNote {
					t.Errorf("history after deletion: %+v", rows)
				}
				if strings.Contains(h.Body, ">keen<") {
					t.Errorf("the history still shows the handle")
				}
				// The text stays.
				if _, inner := articleOf(e.client().get("/guide/prepare").Body); inner == "" {
					t.Errorf("the page is gone")
				}
			})
		})
	}
}

// ---- search ----

func TestGuideSearch(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		anon := e.client()

		// A word from a seeded page, marked in the results.
		r := anon.get("/search?q=naloxone")
		if r.Status != http.StatusOK {
			t.Fatalf("search: %d", r.Status)
		}
		hits := searchHits(r.Body)
		if !slices.Contains(hitURLs(hits), "/guide/initiate") {
			t.Errorf("search for naloxone: %v, want /guide/initiate", hitURLs(hits))
		}
		for _, h := range hits {
			if !strings.Contains(strings.ToLower(h.Title+h.Snippet), "<mark>naloxone") {
				t.Errorf("hit %s does not mark the word: %q / %q", h.URL, h.Title, h.Snippet)
			}
		}
		if want := fmt.Sprintf(`%d results for "naloxone"`, len(hits)); !strings.Contains(unescaped(r.Body), want) {
			t.Errorf("the results do not say %q", want)
		}
		if got := searchBoxValue(r.Body); got != "naloxone" {
			t.Errorf("the search box holds %q", got)
		}

		// Markup in a query is shown as text.
		r = anon.get("/search?q=" + url.QueryEscape(`<script>alert(1)</script> "><b>`))
		if r.Status != http.StatusOK || strings.Contains(r.Body, "<script>alert") || strings.Contains(r.Body, `"><b>`) {
			t.Errorf("a query with markup: %d, or it is not escaped", r.Status)
		}
		if !strings.Contains(r.Body, "&lt;script&gt;") {
			t.Errorf("a query with markup is not shown escaped")
		}

		// Punctuation and search-engine operators are only words, or nothing.
		for _, q := range []string{`"`, `*`, `OR`, `NEAR(`, `a:b`, `'`, `AND`, `NOT`, `-`, `^`, `(`, `)`, `:`, `\`, `%`, `_`,
			`"unbalanced`, `title:x`, `x*`, `!`, `&`, `|`, `<->`, `a & b | !c`, `'';--`, "\x00", "\xff\xfe", `NEAR(a b, 2)`,
			strings.Repeat("word ", 100), strings.Repeat("ы", 300), "ﬁ", "İ"} {
			for _, lang := range []string{"en", "nl", "ru"} {
				r := anon.getLang("/search?q="+url.QueryEscape(q), lang)
				if r.Status != http.StatusOK {
					t.Errorf("search for %q (%s reader): %d, want 200", q, lang, r.Status)
				}
			}
		}

		// A long query is cut, but never inside a character.
		for _, q := range []string{strings.Repeat("ы", 150), "a" + strings.Repeat("ы", 150)} {
			r := anon.get("/search?q=" + url.QueryEscape(q))
			if r.Status != http.StatusOK || !utf8.ValidString(r.Body) {
				t.Errorf("a long Cyrillic query (%d bytes): %d, valid UTF-8: %v", len(q), r.Status, utf8.ValidString(r.Body))
			}
			if got := searchBoxValue(r.Body); len(got) > 200 || !strings.HasPrefix(q, got) {
				t.Errorf("a long query is shown as %q", got)
			}
		}

		// A Dutch reader is sent to the Dutch text that matched.
		r = anon.getLang("/search?q=behoeftepeiling", "nl")
		if hits := searchHits(r.Body); len(hits) != 1 || hits[0].URL != "/guide/initiate?lang=nl" || hits[0].Lang != "nl" {
			t.Errorf("Dutch search for behoeftepeiling: %+v", hits)
		}
		// Each page once, even when it matched in two languages; in the
		// reader's language where that matched.
		for _, reader := range []string{"en", "nl"} {
			hits := searchHits(anon.getLang("/search?q=naloxon", reader).Body)
			urls := hitURLs(hits)
			seen := map[string]bool{}
			for _, u := range urls {
				slug, _, _ := strings.Cut(strings.TrimPrefix(u, "/guide/"), "?")
				if seen[slug] {
					t.Errorf("%s reader: %s is listed twice: %v", reader, slug, urls)
				}
				seen[slug] = true
			}
			want := "/guide/initiate"
			if reader == "nl" {
				want = "/guide/initiate?lang=nl"
			}
			if !slices.Contains(urls, want) {
				t.Errorf("%s reader searching naloxon: %v, want %s", reader, urls, want)
			}
		}

		// Edits are found straight away, in every language they were made in.
		e.createMember("eddie")
		e.makeEditor("eddie")
		ed := e.sessionClient("eddie")
		ed.saveGuide("payment", "en", func(f url.Values) { f.Set("body", f.Get("body")+"\nPaid in quetzalcoatl coins.\n") })
		ed.saveGuide("payment", "nl", func(f url.Values) { f.Set("body", f.Get("body")+"\nBetaald in quetzalcoatl munten.\n") })
		for reader, want := range map[string]string{"en": "/guide/payment", "nl": "/guide/payment?lang=nl", "ru": "/guide/payment"} {
			r := anon.getLang("/search?q=quetzalcoatl", reader)
			if urls := hitURLs(searchHits(r.Body)); !slices.Equal(urls, []string{want}) {
				t.Errorf("%s reader searching a word in two texts of one page: %v, want [%s]", reader, urls, want)
			}
		}
		// The old word goes when the text changes.
		ed.saveGuide("payment", "en", func(f url.Values) {
			f.Set("body", strings.ReplaceAll(f.Get("body"), "quetzalcoatl", "ordinary"))
		})
		if urls := hitURLs(searchHits(anon.get("/search?q=quetzalcoatl").Body)); !slices.Equal(urls, []string{"/guide/payment?lang=nl"}) {
			t.Errorf("after removing the word from the English text: %v, want only the Dutch page", urls)
		}
		if r := anon.get("/search?q=nothingmatchesthis"); !strings.Contains(unescaped(r.Body), e.T("search.none")) {
			t.Errorf("no results: the page does not say so")
		}
		if r := anon.get("/search"); r.Status != http.StatusOK || strings.Contains(r.Body, `<ol class="results">`) ||
			strings.Contains(unescaped(r.Body), e.T("search.none")) {
			t.Errorf("/search with no query: %d, or it shows results", r.Status)
		}
	})
}

var searchBoxRe = regexp.MustCompile(`<input id="q" name="q" type="search" value="([^"]*)"`)

// searchBoxValue returns what the search page's box holds.
func searchBoxValue(body string) string {
	if m := searchBoxRe.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}
