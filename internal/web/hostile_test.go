package web

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/demo"
	"involve/internal/testutil"
)

// TestHostileForms sends hostile input through every field of every form
// Involve shows. It finds the forms itself, by crawling the demo site as
// members in the roles that see them (so a new form is covered without
// touching this test), then sends each field some payloads from
// testdata/hostile-input.txt with the other fields filled in as a person
// would. No answer may be a server error, and no page, then or after, may
// carry a payload as markup: no element, attribute, event handler or
// script address of its making. A browser then opens the pages that show
// the stored payloads and checks that nothing ran.
func TestHostileForms(t *testing.T) {
	payloads := loadPayloads(t, "testdata/hostile-input.txt")
	e := sqliteEnv(t)
	a, err := app.New(context.Background(), e.DB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Fill(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	h := newHostile(t, e, payloads)
	start := time.Now()
	for _, who := range h.readers() {
		h.collectForms(who)
	}
	crawled := time.Since(start)
	h.attack()
	attacked := time.Since(start) - crawled

	// The pages each reader saw, one of each route, and the pages saved
	// payloads led to are checked again, and those showing a stored
	// payload are kept for the browser.
	stored := map[string][]string{} // reader -> paths
	for _, who := range h.readers() {
		for _, p := range h.recheck[who.name] {
			r := who.c.get(p)
			h.checkAnswer(who.name+": GET "+p+" after the attack", r)
			if r.Status == http.StatusOK && strings.Contains(strings.ToLower(r.Body), "xss") {
				stored[who.name] = append(stored[who.name], p)
			}
		}
	}
	if n, err := e.Srv.Accounts.Count(context.Background()); err != nil || n < 10 {
		t.Errorf("after the attack the site has %d members (%v): the data was harmed", n, err)
	}
	t.Logf("%d forms (%d routes) from %d pages; %d submissions, %d saved; crawl %s, attack %s",
		len(h.forms), len(h.routesHit()), h.pages, h.sent, h.saved, crawled.Round(time.Millisecond), attacked.Round(time.Millisecond))

	if testing.Verbose() {
		var missed []string
		for p := range e.Srv.Routes() {
			if !h.routesHit()[p] && strings.HasPrefix(p, "POST ") {
				missed = append(missed, p)
			}
		}
		sort.Strings(missed)
		t.Logf("POST routes with no form found:\n  %s", strings.Join(missed, "\n  "))
	}

	// The test proves little if the forms were not found or nothing got
	// through validation to be stored and shown.
	if len(h.forms) < 30 {
		t.Errorf("only %d forms found: the crawl is broken", len(h.forms))
	}
	for _, want := range []string{"POST /me/profile", "POST /groups", "POST /organisations", "POST /signup", "GET /search"} {
		if !h.routesHit()[want] {
			t.Errorf("no form for %s was found", want)
		}
	}
	if h.saved < 20 {
		t.Errorf("only %d hostile submissions were saved: the other fields are not filled in well enough", h.saved)
	}
	if len(stored) == 0 {
		t.Fatalf("no page shows a stored payload")
	}

	t.Run("browser", func(t *testing.T) {
		h.browse(t, stored)
	})
}

// ---- the corpus ----

// loadPayloads reads the corpus: Go string literals, one a line, each
// optionally repeated with "* N".
func loadPayloads(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lit, times := line, 1
		if i := strings.LastIndex(line, `" * `); i >= 0 {
			lit = line[:i+1]
			if times, err = strconv.Atoi(line[i+4:]); err != nil {
				t.Fatalf("%s:%d: bad repeat count: %v", path, n, err)
			}
		}
		s, err := strconv.Unquote(lit)
		if err != nil {
			t.Fatalf("%s:%d: not a Go string literal: %v", path, n, err)
		}
		out = append(out, strings.Repeat(s, times))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("%s: only %d payloads", path, len(out))
	}
	return out
}

// ---- finding forms ----

type reader struct {
	name   string
	handle string // "" for anonymous
	c      *client
}

// hostileField is one control of a form, as found.
type hostileField struct {
	name, typ string
	value     string   // as found (or a typical value when found empty)
	options   []string // a select's or radio group's values
}

type hostileForm struct {
	who     *reader
	found   string // the page it was found on
	method  string
	action  string
	route   string // the route pattern the action goes to
	fields  []hostileField
	destroy bool // ends something (a session, a membership): sent last
}

type crawledPage struct {
	path, body string
}

type hostile struct {
	t        *testing.T
	e        *testEnv
	payloads []string
	mux      *http.ServeMux
	who      []*reader
	forms    []*hostileForm
	seen     map[string]bool // form keys already collected
	pages    int
	sent     int
	saved    int
	counter  int
	bad      map[string]bool     // problems already reported
	recheck  map[string][]string // reader -> pages to look at after the attack
	rechecks map[string]bool     // reader and route already in recheck
}

func newHostile(t *testing.T, e *testEnv, payloads []string) *hostile {
	h := &hostile{t: t, e: e, payloads: payloads, mux: http.NewServeMux(), seen: map[string]bool{}, bad: map[string]bool{},
		recheck: map[string][]string{}, rechecks: map[string]bool{}}
	// A mux with Involve's own patterns tells which route an address goes to.
	for p := range e.Srv.Routes() {
		h.mux.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
	}
	// The demo's readers between them see every kind of form: a site admin,
	// a site moderator, group admins and moderators, organisation staff and
	// admins, an editor, and nobody at all.
	h.who = append(h.who, &reader{name: "anonymous", c: e.client()})
	for _, handle := range []string{"demo-admin", "ola-moderator", "mira", "jo-peer", "lena-harbour", "kim-editor"} {
		h.who = append(h.who, &reader{name: handle, handle: handle, c: e.sessionClient(handle)})
	}
	return h
}

func (h *hostile) readers() []*reader { return h.who }

// route returns the pattern of the route method and path go to.
func (h *hostile) route(method, path string) string {
	req, err := http.NewRequest(method, "http://x"+path, nil)
	if err != nil {
		return ""
	}
	_, p := h.mux.Handler(req)
	return p
}

func (h *hostile) routesHit() map[string]bool {
	out := map[string]bool{}
	for _, f := range h.forms {
		out[f.route] = true
	}
	return out
}

// crawl visits the pages a reader can reach by links from the main ones,
// a few for each route (one thread's page is much like another's), checks
// each, and returns the HTML ones.
func (h *hostile) crawl(who *reader) []crawledPage {
	const perShape, limit = 1, 200
	queue := []string{"/", "/me", "/admin", "/moderation", "/groups", "/discussions", "/organisations", "/guide", "/notifications"}
	visited := map[string]bool{}
	shapes := map[string]int{}
	var out []crawledPage
	for len(queue) > 0 && len(out) < limit {
		p := queue[0]
		queue = queue[1:]
		if visited[p] {
			continue
		}
		visited[p] = true
		u, _ := url.Parse(p)
		shape := h.route(http.MethodGet, u.Path)
		if u.RawQuery != "" {
			var keys []string
			for k := range u.Query() {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			shape += "?" + strings.Join(keys, "&")
		}
		if shapes[shape] >= perShape {
			continue
		}
		shapes[shape]++
		r := who.c.get(p)
		h.pages++
		h.checkAnswer(who.name+": GET "+p, r)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			continue
		}
		out = append(out, crawledPage{p, r.Body})
		h.recheckLater(who, p)
		doc, err := html.Parse(strings.NewReader(r.Body))
		if err != nil {
			continue
		}
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode || n.Data != "a" {
				continue
			}
			if next, ok := localLink(attr(n, "href")); ok && !visited[next] {
				queue = append(queue, next)
			}
		}
	}
	return out
}

// localLink returns href as a path on this site worth crawling.
func localLink(href string) (string, bool) {
	if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
		return "", false
	}
	href, _, _ = strings.Cut(href, "#")
	for _, skip := range []string{"/static/", "/metrics", "/me/data.json"} {
		if strings.HasPrefix(href, skip) {
			return "", false
		}
	}
	return href, href != ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
}

// collectForms crawls as who and keeps every form not seen before: one per
// route and set of fields, whoever found it first.
func (h *hostile) collectForms(who *reader) {
	for _, p := range h.crawl(who) {
		doc, err := html.Parse(strings.NewReader(p.body))
		if err != nil {
			continue
		}
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode || n.Data != "form" {
				continue
			}
			f := h.parseForm(who, p.path, n)
			if f == nil || len(f.fields) == 0 {
				continue
			}
			var names []string
			for _, fd := range f.fields {
				names = append(names, fd.name)
			}
			key := f.route + " " + strings.Join(names, ",")
			if h.seen[key] {
				continue
			}
			h.seen[key] = true
			h.forms = append(h.forms, f)
		}
	}
}

// parseForm reads a form's method, action and controls.
func (h *hostile) parseForm(who *reader, page string, n *html.Node) *hostileForm {
	method := strings.ToUpper(attr(n, "method"))
	if method == "" {
		method = http.MethodGet
	}
	action := attr(n, "action")
	if action == "" {
		action = page
	}
	if !strings.HasPrefix(action, "/") {
		return nil
	}
	u, err := url.Parse(action)
	if err != nil {
		return nil
	}
	f := &hostileForm{who: who, found: page, method: method, action: action, route: h.route(method, u.Path)}
	if f.route == "" || f.route == "/" {
		h.t.Errorf("%s: the form on %s goes to %s %s, which is no route", who.name, page, method, action)
		return nil
	}
	byName := map[string]*hostileField{}
	add := func(name, typ, value string) *hostileField {
		if fd, ok := byName[name]; ok {
			return fd
		}
		f.fields = append(f.fields, hostileField{name: name, typ: typ, value: value})
		fd := &f.fields[len(f.fields)-1]
		byName[name] = fd
		return fd
	}
	submitSeen := false
	for c := range n.Descendants() {
		if c.Type != html.ElementNode {
			continue
		}
		name := attr(c, "name")
		if name == "" || hasAttr(c, "disabled") {
			continue
		}
		switch c.Data {
		case "input":
			typ := strings.ToLower(attr(c, "type"))
			switch typ {
			case "radio":
				fd := add(name, typ, "")
				fd.options = append(fd.options, attr(c, "value"))
				if hasAttr(c, "checked") || fd.value == "" {
					fd.value = attr(c, "value")
				}
			case "checkbox":
				if hasAttr(c, "checked") {
					add(name, typ, attr(c, "value"))
				}
			case "submit", "image", "button", "reset", "file":
				if typ == "submit" && !submitSeen {
					submitSeen = true
					add(name, typ, attr(c, "value"))
				}
			default:
				add(name, typ, attr(c, "value"))
			}
		case "button":
			if typ := attr(c, "type"); (typ == "" || typ == "submit") && !submitSeen {
				submitSeen = true
				add(name, "submit", attr(c, "value"))
			}
		case "textarea":
			var text strings.Builder
			for t := range c.Descendants() {
				if t.Type == html.TextNode {
					text.WriteString(t.Data)
				}
			}
			add(name, "textarea", text.String())
		case "select":
			fd := add(name, "select", "")
			for o := range c.Descendants() {
				if o.Type == html.ElementNode && o.Data == "option" {
					v := attr(o, "value")
					fd.options = append(fd.options, v)
					if hasAttr(o, "selected") || (fd.value == "" && v != "") {
						fd.value = v
					}
				}
			}
		}
	}
	for _, end := range []string{"/logout", "/leave", "/delete", "/remove", "/end", "/revoke", "/close", "/archive", "/withdraw"} {
		if strings.HasSuffix(u.Path, end) {
			f.destroy = true
		}
	}
	return f
}

// ---- attacking ----

// typical is what a person would type into an empty field.
func (h *hostile) typical(who *reader, fd hostileField) string {
	if fd.value != "" {
		return fd.value
	}
	h.counter++
	switch fd.typ {
	case "email":
		return fmt.Sprintf("peer%d@example.org", h.counter)
	case "url":
		return "https://example.org/page"
	case "number":
		return "2"
	case "date":
		return "2027-03-01"
	case "time":
		return "18:30"
	case "datetime-local":
		return "2027-03-01T18:30"
	case "password":
		if who.handle == "" {
			return "calm river stones"
		}
		return demo.Passphrase
	case "search":
		return "peer"
	}
	if strings.Contains(fd.name, "handle") {
		return fmt.Sprintf("hostile%d", h.counter)
	}
	return fmt.Sprintf("Plain words number %d", h.counter)
}

// attack sends every field of every form its share of the payloads. Each
// field gets a few, in an order fixed by a seeded shuffle, so over all
// fields every payload is used and a run can be repeated exactly.
func (h *hostile) attack() {
	const perField = 2
	rng := rand.New(rand.NewPCG(6, 2026))
	order := rng.Perm(len(h.payloads))
	next := 0
	forms := slices.Clone(h.forms)
	// Forms that end sessions or memberships go last, so they cannot hide
	// the others.
	slices.SortStableFunc(forms, func(a, b *hostileForm) int {
		switch {
		case a.destroy == b.destroy:
			return 0
		case a.destroy:
			return 1
		}
		return -1
	})
	for _, f := range forms {
		for i, target := range f.fields {
			for range perField {
				payload := h.payloads[order[next%len(order)]]
				next++
				vals := url.Values{}
				for j, fd := range f.fields {
					if j == i {
						vals.Add(fd.name, payload)
					} else {
						vals.Add(fd.name, h.typical(f.who, fd))
					}
				}
				h.submit(f, target.name, payload, vals)
			}
		}
	}
}

// recheckLater remembers a page to look at again after the attack, if
// who has none of its route and query yet.
func (h *hostile) recheckLater(who *reader, p string) {
	u, err := url.Parse(p)
	if err != nil {
		return
	}
	key := who.name + " " + h.route(http.MethodGet, u.Path)
	for k := range u.Query() {
		key += " " + k
	}
	if !h.rechecks[key] {
		h.rechecks[key] = true
		h.recheck[who.name] = append(h.recheck[who.name], p)
	}
}

func (h *hostile) submit(f *hostileForm, field, payload string, vals url.Values) {
	h.sent++
	what := fmt.Sprintf("%s: %s %s (found on %s), field %q = %.60q", f.who.name, f.method, f.action, f.found, field, payload)
	var r response
	if f.method == http.MethodPost {
		r = f.who.c.post(f.action, vals)
	} else {
		sep := "?"
		if strings.Contains(f.action, "?") {
			sep = "&"
		}
		r = f.who.c.get(f.action + sep + vals.Encode())
	}
	if f.method == http.MethodPost && r.Status == http.StatusSeeOther {
		h.saved++
		if loc := r.Location; strings.HasPrefix(loc, "/") {
			loc, _, _ = strings.Cut(loc, "#")
			h.recheckLater(f.who, loc)
			r = f.who.c.get(loc)
			what += " → " + loc
		}
	}
	h.checkAnswer(what, r)
	if strings.ContainsAny(payload, `<>"`) && len(payload) < 4096 && strings.Contains(r.Body, payload) {
		h.report(what, "the payload comes back unescaped")
	}
}

// ---- checking ----

func (h *hostile) report(what, problem string) {
	h.t.Helper()
	if h.bad[problem+what] {
		return
	}
	h.bad[problem+what] = true
	h.t.Errorf("%s: %s", what, problem)
}

// checkAnswer checks one answer: never a server error, and if a page, no
// markup of a payload's making.
func (h *hostile) checkAnswer(what string, r response) {
	h.t.Helper()
	if r.Status >= 500 {
		h.report(what, fmt.Sprintf("status %d", r.Status))
		return
	}
	for _, leak := range []string{"ssti91", "root:x:0:0", "module involve"} {
		if strings.Contains(r.Body, leak) {
			h.report(what, fmt.Sprintf("the page shows %q: input was evaluated or a file read", leak))
		}
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		return
	}
	for _, p := range testutil.UnsafeMarkup(r.Body) {
		h.report(what, p)
	}
}

// ---- in the browser ----

// browse opens, as the reader who saw them, pages that show stored
// payloads (one of each route per reader, at most a few dozen) and checks
// that no dialog opened, no script ran and no element of a payload's
// making is in the page the browser built.
func (h *hostile) browse(t *testing.T, stored map[string][]string) {
	chromium, axeSrc := browserTools(t)
	src, err := os.ReadFile(axeSrc)
	if err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, chromium, h.e.URL, string(src))
	var dialogs []string
	var mu sync.Mutex
	chromedp.ListenTarget(b.ctx, func(ev any) {
		if d, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			mu.Lock()
			dialogs = append(dialogs, fmt.Sprintf("%s %q on %s", d.Type, d.Message, d.URL))
			mu.Unlock()
			// A dialog blocks the page until answered.
			go chromedp.Run(b.ctx, cdppage.HandleJavaScriptDialog(false))
		}
	})
	const limit = 15
	visits := 0
	for _, who := range h.readers() {
		seenRoute := map[string]bool{}
		token := ""
		if who.handle != "" {
			token = who.c.cookie(sessionCookie)
		}
		b.run(network.ClearBrowserCookies())
		if token != "" {
			b.run(network.SetCookie(sessionCookie, token).WithURL(h.e.URL).WithHTTPOnly(true))
		}
		for _, p := range stored[who.name] {
			u, _ := url.Parse(p)
			route := h.route(http.MethodGet, u.Path)
			if seenRoute[route] || visits >= limit {
				continue
			}
			seenRoute[route] = true
			visits++
			b.run(chromedp.Navigate(h.e.URL+p), chromedp.WaitReady("body", chromedp.ByQuery))
			var found []string
			b.run(chromedp.Evaluate(injectedJS, &found))
			for _, f := range found {
				t.Errorf("%s: %s in the browser: %s", who.name, p, f)
			}
		}
	}
	// Give a late timer or handler a moment to fire.
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for _, d := range dialogs {
		t.Errorf("a JavaScript dialog opened: %s", d)
	}
	if visits < 5 {
		t.Errorf("only %d pages with stored payloads were opened", visits)
	}
	t.Logf("browser: %d pages with stored payloads opened", visits)
	b.finish()
}

// injectedJS is testutil.UnsafeMarkup in the browser, on the document as built, and
// also asks whether a payload's script ran.
const injectedJS = `(() => {
  const out = [];
  if (window.__pwned) out.push("a payload's script ran (window.__pwned is set)");
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    if (["iframe", "frame", "frameset", "object", "embed", "base", "applet", "style"].includes(tag)) out.push("a <" + tag + "> element");
    if (tag === "script" && (!(el.getAttribute("src") || "").startsWith("/static/") || el.textContent !== "")) out.push("an inline <script>");
    if (tag.includes("xss")) out.push("an element <" + tag + ">");
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on") || name === "style" || name === "autofocus" || name.includes("xss")) out.push("<" + tag + " " + a.name + ">");
      if (["href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset"].includes(name) &&
          /^(javascript|vbscript|data:text\/html|livescript):/i.test(a.value.replace(/[\u0000-\u0020]/g, ""))) out.push("<" + tag + " " + a.name + "=" + a.value + ">");
    }
  }
  return out;
})()`

// TestHostilePaths puts hostile text into every wildcard of every route
// (a slug, a handle, an id) and sends the request as a site admin, who
// gets furthest into the handlers, on both databases: the answer is never
// a server error. PostgreSQL refuses NUL and invalid UTF-8 that SQLite
// stores, so this is where they show.
func TestHostilePaths(t *testing.T) {
	values := []string{"%00", "a%FFb", "%C3", "%E2%80%AEtxt", "..%2F..%2Fetc%2Fpasswd", "%27%20OR%20%271%27%3D%271", strings.Repeat("x", 4000), "-1", "99999999999999999999"}
	wildcard := regexp.MustCompile(`\{[a-z]+\}`)
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("root")
		e.makeAdmin("root")
		c := e.sessionClient("root")
		var patterns []string
		for p := range e.Srv.Routes() {
			if strings.Contains(p, "{") {
				patterns = append(patterns, p)
			}
		}
		sort.Strings(patterns)
		for _, p := range patterns {
			method, path, _ := strings.Cut(p, " ")
			path = strings.TrimSuffix(path, "{$}")
			for _, v := range values {
				target := wildcard.ReplaceAllString(path, v)
				var r response
				if method == http.MethodPost {
					r = c.post(target, nil)
				} else {
					r = c.get(target)
				}
				if r.Status >= 500 {
					t.Errorf("%s %s: status %d", method, target[:min(len(target), 120)], r.Status)
				}
			}
		}
	})
}
