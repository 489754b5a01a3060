package web

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"involve/internal/accounts"
	"involve/internal/app"
	"involve/internal/config"
	"involve/internal/db"
	"involve/internal/i18n"
	"involve/internal/organisations"
	"involve/internal/testutil"

	"github.com/prometheus/client_golang/prometheus"
)

// testEnv is a real Involve server on a real database, for handler tests.
type testEnv struct {
	t   testing.TB
	DB  *db.DB
	Srv *Server
	URL string
}

// newEnv starts a server on d.
func newEnv(t testing.TB, d *db.DB) *testEnv {
	t.Helper()
	bundle, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Addr: "127.0.0.1:0", QuickExitURL: config.DefaultQuickExitURL, LogLevel: "error",
		RequestTimeout: 30e9, MaxBodyBytes: 1 << 20}
	a, err := app.New(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	srv, err := New(Deps{Config: cfg, DB: d, Accounts: a.Accounts, Organisations: a.Organisations, Audit: a.Audit,
		Guide: a.Guide, Search: a.Search, Groups: a.Groups, Notify: a.Notify, Discussions: a.Discussions, Support: a.Support, Meetings: a.Meetings, Moderation: a.Moderation, MemberData: a.MemberData,
		I18n: bundle, Log: testLogger(), Metrics: reg, Gatherer: reg})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testEnv{t: t, DB: d, Srv: srv, URL: ts.URL}
}

// testLogger discards logs unless INVOLVE_TEST_LOG is set, which helps
// when a handler answers 500.
func testLogger() *slog.Logger {
	if os.Getenv("INVOLVE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// loadBundle reads the catalogues once for all tests; servers share a
// Bundle safely (its caches are safe for concurrent use).
var loadBundle = sync.OnceValues(i18n.Load)

// sqliteEnv is newEnv on a fresh SQLite database: a copy of one migrated
// and with the guide seeded once, as app.New does on every start.
func sqliteEnv(t testing.TB) *testEnv { return newEnv(t, testutil.SQLiteFrom(t, "seeded", seedApp)) }

func seedApp(ctx context.Context, d *db.DB) error {
	_, err := app.New(ctx, d)
	return err
}

// client is a browser stand-in: it keeps cookies and does not follow
// redirects, so tests see each step.
type client struct {
	env *testEnv
	hc  *http.Client
}

func (e *testEnv) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{env: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// response is a finished request.
type response struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
}

func (c *client) do(req *http.Request) response {
	c.env.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.env.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Body: string(b), Header: resp.Header, Location: resp.Header.Get("Location")}
}

func (c *client) get(path string) response {
	c.env.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.env.URL+path, nil)
	return c.do(req)
}

// post sends a form the way a browser on this site would.
func (c *client) post(path string, form url.Values) response {
	c.env.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.env.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.env.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// signup creates a member through the form and leaves the client signed in.
func (c *client) signup(handle string) {
	c.env.t.Helper()
	r := c.post("/signup", url.Values{"handle": {handle}, "password": {handle + "-passphrase"}})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `<ol class="codes">`) {
		c.env.t.Fatalf("signup %s: status %d\n%s", handle, r.Status, r.Body)
	}
}

// makeAdmin gives a member the site admin role directly.
func (e *testEnv) makeAdmin(handle string) {
	e.t.Helper()
	ctx := context.Background()
	m, err := e.Srv.Accounts.ByHandle(ctx, handle)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.Srv.Accounts.GrantRole(ctx, e.DB, m.ID, accounts.RoleAdmin, nil); err != nil {
		e.t.Fatal(err)
	}
}

// ---- helpers shared by the handler and access tests ----

// T returns the English text of a message key, as a page shows it.
func (e *testEnv) T(key string, args ...any) string {
	return e.Srv.I18n.Printer(i18n.Languages[0]).T(key, args...)
}

// passphrase is the passphrase tests give a handle.
func passphrase(handle string) string { return handle + "-passphrase" }

// createMember makes a member through the store (quicker than the form).
func (e *testEnv) createMember(handle string) *accounts.Member {
	e.t.Helper()
	m, _, err := e.Srv.Accounts.Create(context.Background(), handle, passphrase(handle))
	if err != nil {
		e.t.Fatalf("create member %s: %v", handle, err)
	}
	return m
}

func (e *testEnv) member(handle string) *accounts.Member {
	e.t.Helper()
	m, err := e.Srv.Accounts.ByHandle(context.Background(), handle)
	if err != nil {
		e.t.Fatalf("member %s: %v", handle, err)
	}
	return m
}

// sessionClient is a client signed in as handle on a new session, started
// directly in the store so no passphrase has to be hashed.
func (e *testEnv) sessionClient(handle string) *client {
	e.t.Helper()
	token, err := e.Srv.Accounts.NewSession(context.Background(), e.member(handle).ID)
	if err != nil {
		e.t.Fatal(err)
	}
	c := e.client()
	c.setCookie(sessionCookie, token)
	return c
}

func (c *client) setCookie(name, value string) {
	u, _ := url.Parse(c.env.URL)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// cookie returns the value the client holds for a cookie, "" for none.
func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.env.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// login signs the client in through the form and checks it worked.
func (c *client) login(handle, pass string) {
	c.env.t.Helper()
	r := c.post("/login", url.Values{"handle": {handle}, "password": {pass}})
	if r.Status != http.StatusSeeOther {
		c.env.t.Fatalf("login %s: status %d\n%s", handle, r.Status, r.Body)
	}
}

// signedIn reports whether the client's session is good, by asking /me.
func (c *client) signedIn() bool {
	c.env.t.Helper()
	r := c.get("/me")
	switch r.Status {
	case http.StatusOK:
		return true
	case http.StatusSeeOther:
		return false
	}
	c.env.t.Fatalf("GET /me: status %d", r.Status)
	return false
}

// createOrganisation registers an organisation for its first admin and,
// when verified is set, verifies it.
func (e *testEnv) createOrganisation(adminHandle, name, kind string, verified bool) *organisations.Organisation {
	e.t.Helper()
	ctx := context.Background()
	o, err := e.Srv.Organisations.Register(ctx, e.member(adminHandle).ID, organisations.Input{
		Name: name, Kind: kind, Summary: "About " + name, Website: "https://" + organisations.Slugify(name) + ".example.org", Region: "Utrecht"})
	if err != nil {
		e.t.Fatal(err)
	}
	if verified {
		if err := e.Srv.Organisations.Review(ctx, e.DB, o.ID, e.member(adminHandle).ID, organisations.Verified, ""); err != nil {
			e.t.Fatal(err)
		}
		o.Status = organisations.Verified
	}
	return o
}

func (e *testEnv) addStaff(o *organisations.Organisation, handle, role string) {
	e.t.Helper()
	if err := e.Srv.Organisations.SetStaff(context.Background(), o.ID, e.member(handle).ID, role); err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) memberCount() int {
	e.t.Helper()
	n, err := e.Srv.Accounts.Count(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// ---- reading pages ----

var fieldDiv = regexp.MustCompile(`(?s)<div class="field( has-error)?">.*?</div>`)

// formField returns the markup of the form field whose control is named name.
func formField(body, name string) string {
	for _, b := range fieldDiv.FindAllString(body, -1) {
		if strings.Contains(b, `id="f-`+name+`"`) {
			return b
		}
	}
	return ""
}

var errorText = regexp.MustCompile(`(?s)<p class="error" id="f-([a-z_]+)-error">(.*?)</p>`)

// fieldError returns the message shown next to a field, "" for none. The
// message must sit inside the field, marked as having an error.
func fieldError(body, name string) string {
	if name == "mode" { // a fieldset of radio buttons, not a "field"
		for _, m := range errorText.FindAllStringSubmatch(body, -1) {
			if m[1] == name {
				return html.UnescapeString(m[2])
			}
		}
		return ""
	}
	b := formField(body, name)
	if !strings.HasPrefix(b, `<div class="field has-error">`) {
		return ""
	}
	for _, m := range errorText.FindAllStringSubmatch(b, -1) {
		if m[1] == name {
			return html.UnescapeString(m[2])
		}
	}
	return ""
}

// fieldErrors lists every field shown with an error.
func fieldErrors(body string) []string {
	var out []string
	for _, m := range errorText.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

var (
	inputValue    = regexp.MustCompile(`<input id="f-[a-z_]+" name="[a-z_]+" type="[a-z]+" value="([^"]*)"`)
	textareaValue = regexp.MustCompile(`(?s)<textarea [^>]*>(.*?)</textarea>`)
	selectedValue = regexp.MustCompile(`<option value="([^"]*)" selected>`)
	// An option whose value is its label is written without the value.
	selectedLabel = regexp.MustCompile(`<option selected>([^<]*)</option>`)
)

// fieldValue returns what a field shows as typed or chosen.
func fieldValue(body, name string) string {
	b := formField(body, name)
	for _, re := range []*regexp.Regexp{inputValue, textareaValue, selectedValue, selectedLabel} {
		if m := re.FindStringSubmatch(b); m != nil {
			return html.UnescapeString(m[1])
		}
	}
	return ""
}

var codeItem = regexp.MustCompile(`<li><code>([a-z0-9-]+)</code></li>`)

// recoveryCodes returns the codes a page shows.
func recoveryCodes(body string) []string {
	var out []string
	for _, m := range codeItem.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// htmlLang returns the lang attribute of the page's <html> element.
func htmlLang(body string) string {
	m := regexp.MustCompile(`<html lang="([^"]*)">`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// unescaped returns body with HTML entities decoded, for finding text.
func unescaped(body string) string { return html.UnescapeString(body) }

// setCookie returns the Set-Cookie of a response for name, or nil.
func (r response) setCookie(name string) *http.Cookie {
	for _, line := range r.Header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == name {
			return c
		}
	}
	return nil
}
