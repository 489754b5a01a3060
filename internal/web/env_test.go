package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"involve/internal/accounts"
	"involve/internal/audit"
	"involve/internal/config"
	"involve/internal/db"
	"involve/internal/i18n"
	"involve/internal/memberdata"
	"involve/internal/organisations"
	"involve/internal/testutil"
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
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Addr: "127.0.0.1:0", QuickExitURL: config.DefaultQuickExitURL, LogLevel: "error",
		RequestTimeout: 30e9, MaxBodyBytes: 1 << 20}
	acc := accounts.NewStore(d)
	orgs := organisations.NewStore(d)
	al := audit.New(d)
	md := memberdata.NewRegistry(d)
	md.Register(accounts.DataPart{Store: acc})
	md.Register(organisations.DataPart{Store: orgs})
	md.Register(audit.DataPart{Log: al})
	reg := prometheus.NewRegistry()
	srv, err := New(Deps{Config: cfg, DB: d, Accounts: acc, Organisations: orgs, Audit: al, MemberData: md,
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

// sqliteEnv is newEnv on a fresh SQLite database.
func sqliteEnv(t testing.TB) *testEnv { return newEnv(t, testutil.SQLite(t)) }

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
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "recovery codes") {
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
