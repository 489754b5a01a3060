package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"involve/internal/db"
	"involve/internal/organisations"
	"involve/internal/testutil"
)

// ---- language ----

func TestLanguage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		if got := htmlLang(c.get("/").Body); got != "en" {
			t.Errorf("default language %q, want en", got)
		}
		r := c.post("/language", url.Values{"lang": {"nl"}, "return": {"/organisations?kind=funder"}})
		if r.Status != http.StatusSeeOther || r.Location != "/organisations?kind=funder" {
			t.Errorf("set language: %d → %q", r.Status, r.Location)
		}
		if ck := r.setCookie(langCookie); ck == nil || ck.Value != "nl" || ck.MaxAge <= 0 {
			t.Errorf("language cookie: %v", ck)
		}
		if got := htmlLang(c.get("/").Body); got != "nl" {
			t.Errorf("after choosing nl the page is lang=%q", got)
		}

		for _, ret := range []string{"https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", ""} {
			r := e.client().post("/language", url.Values{"lang": {"ru"}, "return": {ret}})
			if r.Status != http.StatusSeeOther || r.Location != "/" {
				t.Errorf("return=%q: %d → %q, want 303 → /", ret, r.Status, r.Location)
			}
		}
		for _, lang := range []string{"xx", "", "EN", "nl-BE"} {
			if r := e.client().post("/language", url.Values{"lang": {lang}}); r.Status != http.StatusBadRequest {
				t.Errorf("lang=%q: %d, want 400", lang, r.Status)
			}
		}

		for _, tc := range []struct{ accept, want string }{
			{"ru", "ru"}, {"ru-RU,ru;q=0.9,en;q=0.8", "ru"}, {"nl-BE", "nl"}, {"de", "en"}, {"", "en"}, {"de;q=0.9,nl;q=0.5", "nl"},
		} {
			req, _ := http.NewRequest(http.MethodGet, e.URL+"/", nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Language", tc.accept)
			}
			if got := htmlLang(e.client().do(req).Body); got != tc.want {
				t.Errorf("Accept-Language %q: lang=%q, want %q", tc.accept, got, tc.want)
			}
		}

		// A member's own setting beats the cookie and the browser.
		e.createMember("polyglot")
		m := e.sessionClient("polyglot")
		m.post("/language", url.Values{"lang": {"ru"}, "return": {"/"}})
		m.setCookie(langCookie, "nl")
		req, _ := http.NewRequest(http.MethodGet, e.URL+"/me", nil)
		req.Header.Set("Accept-Language", "nl")
		if got := htmlLang(m.do(req).Body); got != "ru" {
			t.Errorf("member chose ru, cookie says nl: page is lang=%q", got)
		}
		other := e.client() // a new device, no cookie
		other.login("polyglot", passphrase("polyglot"))
		if got := htmlLang(other.get("/me").Body); got != "ru" {
			t.Errorf("the member's language does not follow them to a new device: lang=%q", got)
		}

		// A language chosen before joining becomes the new member's setting.
		n := e.client()
		n.post("/language", url.Values{"lang": {"nl"}, "return": {"/signup"}})
		n.signup("newbie")
		if got := e.member("newbie").Locale; got != "nl" {
			t.Errorf("new member's language %q, want nl from the cookie", got)
		}
	})
}

// ---- errors ----

func TestErrorPages(t *testing.T) {
	e := sqliteEnv(t)
	c := e.client()
	r := c.get("/no/such/page")
	if r.Status != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("unknown path: %d %q, want a 404 HTML page", r.Status, r.Header.Get("Content-Type"))
	}
	if !strings.Contains(r.Body, `id="quick-exit"`) || !strings.Contains(r.Body, `<main id="main"`) || !strings.Contains(unescaped(r.Body), e.T("error.not_found")) {
		t.Errorf("the 404 page lacks the layout or the message")
	}

	for _, tc := range []struct{ method, path string }{
		{http.MethodPut, "/signup"}, {http.MethodDelete, "/"}, {http.MethodPost, "/me"}, {http.MethodPatch, "/organisations"},
	} {
		req, _ := http.NewRequest(tc.method, e.URL+tc.path, nil)
		r := c.do(req)
		if r.Status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: %d, want 405", tc.method, tc.path, r.Status)
			continue
		}
		if !strings.Contains(r.Header.Get("Allow"), "GET") {
			t.Errorf("%s %s: Allow %q, want GET listed", tc.method, tc.path, r.Header.Get("Allow"))
		}
	}
}

func TestBodyTooLarge(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		body := "handle=bigbody&password=a+long+passphrase&filler=" + strings.Repeat("x", 1<<20)
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/signup", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		r := c.do(req)
		if r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("a body over 1 MiB: %d, want 413", r.Status)
		}
		if n := e.memberCount(); n != 0 {
			t.Errorf("%d members after a too-large signup", n)
		}
		// Just under the limit is fine.
		small := "handle=smallbody&password=a+long+passphrase&filler=" + strings.Repeat("x", 1000)
		req, _ = http.NewRequest(http.MethodPost, e.URL+"/signup", strings.NewReader(small))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := c.do(req); r.Status != http.StatusOK {
			t.Errorf("a small signup: %d", r.Status)
		}
	})
}

func TestCrossOriginPost(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("target")
		victim := e.sessionClient("target")
		for _, tc := range []struct {
			path string
			form url.Values
		}{
			{"/signup", url.Values{"handle": {"csrf-made"}, "password": {"a long passphrase"}}},
			{"/me/profile", url.Values{"display_name": {"Pwned"}, "display_name_vis": {"public"}}},
			{"/logout", nil},
			{"/language", url.Values{"lang": {"ru"}}},
		} {
			req, _ := http.NewRequest(http.MethodPost, e.URL+tc.path, strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if r := victim.do(req); r.Status != http.StatusForbidden {
				t.Errorf("cross-site POST %s: %d, want 403", tc.path, r.Status)
			}
		}
		if e.memberCount() != 1 || !victim.signedIn() || e.member("target").Profile.DisplayName.Value != "" || e.member("target").Locale != "" {
			t.Errorf("a cross-site POST changed something")
		}
	})
}

// ---- what every page carries ----

// sitePages signs in one member of each kind on a site with content and
// returns, for each, the pages it can reach: every GET route, forms sent
// back with errors, and error pages.
type sitePage struct {
	who, what string
	r         response
}

func crawlSite(t *testing.T) (*testEnv, []sitePage) {
	t.Helper()
	e := sqliteEnv(t)
	for _, h := range []string{"peer", "boss", "root"} {
		e.createMember(h)
	}
	e.makeAdmin("root")
	verified := e.createOrganisation("boss", "Open Door Service", organisations.Service, true)
	pending := e.createOrganisation("boss", "Waiting Agency", organisations.Agency, false)
	// Some audit entries, so the admin pages draw their tables.
	root := e.sessionClient("root")
	root.post("/admin/roles", url.Values{"handle": {"peer"}, "role": {"moderator"}})
	root.post("/admin/roles/revoke", url.Values{"handle": {"peer"}, "role": {"moderator"}})
	f := profileForm("public")
	f.Set("display_name", "Peer P")
	f.Set("bio", "Hello.\n\nMore.")
	e.sessionClient("peer").post("/me/profile", f)

	gets := []string{"/", "/organisations", "/organisations?kind=service", "/organisations/" + verified.Slug,
		"/organisations/" + pending.Slug, "/organisations/" + verified.Slug + "/edit", "/organisations/new",
		"/members/peer", "/signup", "/login", "/recover", "/me", "/me/profile", "/me/security", "/me/data", "/me/delete",
		"/admin", "/admin/audit", "/no/such/page", "/members/nobody"}
	for _, a := range audiences {
		gets = append(gets, "/for/"+a.Slug)
	}
	posts := []struct {
		path string
		form url.Values
	}{
		{"/signup", url.Values{"handle": {"x"}}},
		{"/login", url.Values{"handle": {"peer"}}},
		{"/recover", url.Values{"handle": {"peer"}}},
		{"/me/profile", url.Values{"display_name": {strings.Repeat("n", 61)}}},
		{"/me/passphrase", url.Values{"new_password": {"x"}}},
		{"/me/recovery-codes", url.Values{}},
		{"/me/delete", url.Values{}},
		{"/organisations", url.Values{"website": {"javascript:alert(1)"}}},
		{"/organisations/" + verified.Slug + "/edit", url.Values{"name": {""}}},
		{"/organisations/" + verified.Slug + "/staff", url.Values{"handle": {"nobody"}}},
		{"/admin/roles", url.Values{"handle": {"nobody"}}},
		{"/language", url.Values{"lang": {"xx"}}},
	}
	readers := []struct {
		who string
		c   *client
	}{{"anonymous", e.client()}, {"member", e.sessionClient("peer")}, {"org admin", e.sessionClient("boss")}, {"site admin", root}}
	var pages []sitePage
	for _, rd := range readers {
		for _, p := range gets {
			pages = append(pages, sitePage{rd.who, "GET " + p, rd.c.get(p)})
		}
		for _, p := range posts {
			pages = append(pages, sitePage{rd.who, "POST " + p.path, rd.c.post(p.path, p.form)})
		}
	}
	// Recovery codes, shown once after signing up and on request.
	c := e.client()
	pages = append(pages, sitePage{"new member", "POST /signup", c.post("/signup", url.Values{"handle": {"fresh"}, "password": {passphrase("fresh")}})})
	pages = append(pages, sitePage{"new member", "POST /me/recovery-codes", c.post("/me/recovery-codes", url.Values{"codes_password": {passphrase("fresh")}})})
	return e, pages
}

var (
	// Any address in an attribute that leaves the site.
	foreignRef = regexp.MustCompile(`(?i)\b(src|href|action|srcset|poster|data|formaction)\s*=\s*"((?:[a-z][a-z0-9+.-]*:)?//[^"]*)"`)
	// Text that is a message key rather than a message: "orgs.kind." and the like.
	rawKey = regexp.MustCompile(`(?:>|(?:aria-label|title|placeholder|alt)=")\s*([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\.?)\s*(?:<|")`)
)

func TestEveryPage(t *testing.T) {
	e, pages := crawlSite(t)
	quickExit := e.Srv.Config.QuickExitURL
	// Organisation websites are the only other links to another host.
	websites := map[string]bool{}
	for _, status := range []string{organisations.Verified, organisations.Pending} {
		os, err := e.Srv.Organisations.List(context.Background(), organisations.Filter{Status: status})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range os {
			websites[o.Website] = true
		}
	}
	htmlPages := 0
	for _, p := range pages {
		name := p.who + ": " + p.what
		if p.r.Status >= 500 {
			t.Errorf("%s: status %d", name, p.r.Status)
			continue
		}
		if p.r.Status == http.StatusSeeOther || !strings.HasPrefix(p.r.Header.Get("Content-Type"), "text/html") {
			continue
		}
		htmlPages++
		body := p.r.Body
		checkSecurityHeaders(t, name, p.r.Header)
		if !strings.Contains(body, `<a class="quick-exit" id="quick-exit" href="`+quickExit+`"`) {
			t.Errorf("%s: no quick-exit link to %s", name, quickExit)
		}
		if !strings.Contains(body, `<a class="skip" href="#main">`) || !strings.Contains(body, `<main id="main"`) {
			t.Errorf("%s: no skip link to the main content", name)
		}
		if !strings.HasPrefix(body, "<!doctype html>") || htmlLang(body) == "" {
			t.Errorf("%s: not a full page with a language", name)
		}
		for _, m := range foreignRef.FindAllStringSubmatch(body, -1) {
			ref := html.UnescapeString(m[2])
			switch {
			case m[1] == "href" && ref == quickExit && strings.Contains(m[0], ref):
				// the quick exit, checked above to be the id="quick-exit" link
			case m[1] == "href" && websites[ref] && strings.Contains(p.what, "/organisations/"):
				// an organisation's own website, on its page
			default:
				t.Errorf("%s: %s=%q leads to another host", name, m[1], ref)
			}
		}
		if n := strings.Count(body, quickExit); n != 1 {
			t.Errorf("%s: the quick-exit address appears %d times", name, n)
		}
		for _, m := range rawKey.FindAllStringSubmatch(body, -1) {
			t.Errorf("%s: shows the message key %q instead of text", name, m[1])
		}
	}
	if htmlPages < 100 {
		t.Errorf("only %d HTML pages checked: the crawl is broken", htmlPages)
	}
}

func checkSecurityHeaders(t *testing.T, name string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
		!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "*") {
		t.Errorf("%s: Content-Security-Policy %q", name, csp)
	}
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %s %q, want %q", name, k, got, want)
		}
	}
	if h.Get("Permissions-Policy") == "" {
		t.Errorf("%s: no Permissions-Policy", name)
	}
	if cc := h.Get("Cache-Control"); strings.HasPrefix(h.Get("Content-Type"), "text/html") && !strings.Contains(cc, "no-store") {
		t.Errorf("%s: Cache-Control %q, want no-store on pages", name, cc)
	}
}

func TestHeadersOnEveryAnswer(t *testing.T) {
	e := sqliteEnv(t)
	c := e.client()
	for _, p := range []string{"/", "/healthz", "/metrics", "/robots.txt", "/no/such/page", e.Srv.assets.url("involve.css")} {
		r := c.get(p)
		for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"} {
			if r.Header.Get(k) == "" {
				t.Errorf("GET %s: no %s", p, k)
			}
		}
	}
}

func TestGzip(t *testing.T) {
	e := sqliteEnv(t)
	for _, p := range []string{"/", "/organisations", "/no/such/page", e.Srv.assets.url("involve.css")} {
		req, _ := http.NewRequest(http.MethodGet, e.URL+p, nil)
		req.Header.Set("Accept-Encoding", "gzip") // set by hand, so the client leaves it compressed
		r := e.client().do(req)
		if r.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s with gzip accepted: Content-Encoding %q", p, r.Header.Get("Content-Encoding"))
			continue
		}
		if !strings.Contains(strings.Join(r.Header.Values("Vary"), ", "), "Accept-Encoding") {
			t.Errorf("GET %s: Vary %q lacks Accept-Encoding", p, r.Header.Get("Vary"))
		}
		zr, err := gzip.NewReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || len(plain) <= len(r.Body) {
			t.Errorf("GET %s: gzip body does not decompress to something larger: %v", p, err)
		}
		// Without gzip, the same page comes plain.
		req, _ = http.NewRequest(http.MethodGet, e.URL+p, nil)
		req.Header.Set("Accept-Encoding", "identity")
		r = e.client().do(req)
		if r.Header.Get("Content-Encoding") != "" || r.Body != string(plain) {
			t.Errorf("GET %s without gzip: Content-Encoding %q, or a body unlike the gzipped one", p, r.Header.Get("Content-Encoding"))
		}
	}
}

func TestStaticAssets(t *testing.T) {
	e := sqliteEnv(t)
	c := e.client()
	for _, name := range []string{"involve.css", "involve.js", "print.css", "icon.svg"} {
		u := e.Srv.assets.url(name)
		r := c.get(u)
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s: %d Cache-Control %q, want 200 immutable", u, r.Status, r.Header.Get("Cache-Control"))
		}
		if r.Body == "" || r.Header.Get("Content-Type") == "" {
			t.Errorf("GET %s: empty or untyped", u)
		}
		if home := c.get("/").Body; !strings.Contains(home, `"`+u+`"`) {
			t.Errorf("pages do not link %s at its hashed address %s", name, u)
		}
		// A stale hash still gets the file, but not for a year.
		stale := "/static/000000000000/" + name
		s := c.get(stale)
		if s.Status != http.StatusOK || s.Body != r.Body || strings.Contains(s.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s: %d Cache-Control %q, want 200 with the file, not immutable", stale, s.Status, s.Header.Get("Cache-Control"))
		}
		req, _ := http.NewRequest(http.MethodGet, e.URL+u, nil)
		req.Header.Set("If-None-Match", r.Header.Get("ETag"))
		if nm := c.do(req); nm.Status != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %d, want 304", u, nm.Status)
		}
	}
	if r := c.get("/static/abc/secret.go"); r.Status != http.StatusNotFound {
		t.Errorf("unknown static file: %d, want 404", r.Status)
	}
	if r := c.get("/static/abc/../server.go"); r.Status == http.StatusOK {
		t.Errorf("path traversal under /static answered 200")
	}
	if r := c.get(e.Srv.assets.url("involve.css")); r.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("involve.css Content-Type %q", r.Header.Get("Content-Type"))
	}
}

func TestHealthzAndRobots(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		r := e.client().get("/healthz")
		if r.Status != http.StatusOK || strings.TrimSpace(r.Body) != "ok" {
			t.Errorf("/healthz: %d %q, want 200 ok", r.Status, r.Body)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("/healthz Cache-Control %q", r.Header.Get("Cache-Control"))
		}
		robots := e.client().get("/robots.txt").Body
		for _, want := range []string{"Disallow: /members/", "Disallow: /me", "Disallow: /admin"} {
			if !strings.Contains(robots, want) {
				t.Errorf("robots.txt lacks %q", want)
			}
		}
		d.Close()
		if r := e.client().get("/healthz"); r.Status != http.StatusServiceUnavailable {
			t.Errorf("/healthz with the database closed: %d, want 503", r.Status)
		}
	})
}

var metricLine = regexp.MustCompile(`(?m)^involve_http_requests_total\{(.*)\} (\d+)$`)

func TestMetrics(t *testing.T) {
	e := sqliteEnv(t)
	e.createMember("metric-member")
	o := e.createOrganisation("metric-member", "Counted Org", organisations.Funder, true)
	c := e.client()
	c.get("/organisations")
	c.get("/organisations")
	c.get("/organisations/" + o.Slug)
	c.get("/members/metric-member")
	c.get("/no/such/page-12345")
	c.get("/me")
	r := c.get("/metrics")
	if r.Status != http.StatusOK {
		t.Fatalf("/metrics: %d", r.Status)
	}
	routes := e.Srv.Routes()
	counts := map[string]string{}
	for _, m := range metricLine.FindAllStringSubmatch(r.Body, -1) {
		labels := m[1]
		route := regexp.MustCompile(`route="([^"]*)"`).FindStringSubmatch(labels)
		if route == nil {
			t.Errorf("a request count without a route label: %s", m[0])
			continue
		}
		if _, known := routes[route[1]]; !known && route[1] != "unmatched" {
			t.Errorf("route label %q is not a route pattern", route[1])
		}
		counts[labels] = m[2]
	}
	for labels, want := range map[string]string{
		`code="200",method="GET",route="GET /organisations"`:        "2",
		`code="200",method="GET",route="GET /organisations/{slug}"`: "1",
		`code="200",method="GET",route="GET /members/{handle}"`:     "1",
		`code="404",method="GET",route="unmatched"`:                 "1",
		`code="303",method="GET",route="GET /me"`:                   "1",
	} {
		if got := counts[labels]; got != want {
			t.Errorf("involve_http_requests_total{%s} = %q, want %s\n%v", labels, got, want, counts)
		}
	}
	for _, leak := range []string{o.Slug, "metric-member", "page-12345"} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("/metrics holds %q from a path", leak)
		}
	}
	if !strings.Contains(r.Body, "involve_http_request_duration_seconds_bucket") {
		t.Errorf("/metrics has no request durations")
	}
}

// TestMalformedInput sends what no browser would: broken %-escapes and
// invalid UTF-8. The answer must be the sender's error or a clean save,
// never a server error, and on both databases alike.
func TestMalformedInput(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("odd")
		e.createMember("root")
		e.makeAdmin("root")
		c := e.sessionClient("odd")
		for _, path := range []string{"/signup", "/login", "/me/profile", "/organisations", "/language"} {
			req, _ := http.NewRequest(http.MethodPost, e.URL+path, strings.NewReader("handle=%zz&name=%"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if r := c.do(req); r.Status != http.StatusBadRequest {
				t.Errorf("POST %s with a broken %%-escape: %d, want 400", path, r.Status)
			}
		}

		f := profileForm("public")
		f.Set("display_name", "bad\xffbyte")
		f.Set("bio", "half a rune \xc3")
		if r := c.post("/me/profile", f); r.Status != http.StatusSeeOther {
			t.Errorf("profile with invalid UTF-8: %d, want 303", r.Status)
		}
		if got := e.member("odd").Profile.DisplayName.Value; got != "bad\uFFFDbyte" {
			t.Errorf("stored display name %q, want the bad byte replaced", got)
		}
		if r := c.post("/organisations", url.Values{"name": {"Bytes \xff Org"}, "kind": {"service"}, "summary": {"\xfe"}}); r.Status != http.StatusSeeOther {
			t.Errorf("organisation with invalid UTF-8: %d, want 303", r.Status)
		}

		// A long review note is cut at a character, never inside one.
		o := e.createOrganisation("odd", "Noted Org", organisations.Service, false)
		note := strings.Repeat("a", 499) + "éé"
		if r := e.sessionClient("root").post("/admin/organisations/"+o.Slug+"/review", url.Values{"decision": {"rejected"}, "note": {note}}); r.Status != http.StatusSeeOther {
			t.Fatalf("review with a 501-character note: %d, want 303", r.Status)
		}
		got, _ := e.Srv.Organisations.BySlug(context.Background(), o.Slug)
		if !utf8.ValidString(got.ReviewNote) || got.ReviewNote != strings.Repeat("a", 499)+"é" {
			t.Errorf("stored note ends %q, want 500 characters ending in é", got.ReviewNote[max(0, len(got.ReviewNote)-10):])
		}
	})
}

// TestReaderLeft checks that a request whose reader went away before the
// answer is logged as 499, not as a server error.
func TestReaderLeft(t *testing.T) {
	e := sqliteEnv(t)
	var log bytes.Buffer
	e.Srv.Log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	e.Srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/groups", nil).WithContext(ctx))
	if w.Code != statusClientClosed || strings.Contains(log.String(), "level=ERROR") || !strings.Contains(log.String(), "status=499") {
		t.Errorf("status %d, log:\n%s", w.Code, log.String())
	}
}
