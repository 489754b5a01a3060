package web

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestCookieFlags checks every cookie Involve sets or clears (the session,
// the language, the one-redirect notice): HttpOnly, SameSite=Lax, Path=/,
// no Domain (so it is never shared with other hosts under the domain), and
// Secure whenever members reach the site over TLS, whether the server
// holds the certificate or a proxy in front does (--public-url https://).
func TestCookieFlags(t *testing.T) {
	for _, tc := range []struct {
		name       string
		publicURL  string
		tls        bool
		wantSecure bool
	}{
		{"plain HTTP (development)", "", false, false},
		{"behind a TLS proxy", "https://involve.example.org", false, true},
		{"serving TLS itself", "", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := sqliteEnv(t)
			e.createMember("crumb")
			// Configured before the server below starts, as serve does.
			e.Srv.Config.PublicURL = tc.publicURL
			var ts *httptest.Server
			if tc.tls {
				ts = httptest.NewTLSServer(e.Srv)
			} else {
				ts = httptest.NewServer(e.Srv)
			}
			defer ts.Close()
			jar, _ := cookiejar.New(nil)
			hc := ts.Client()
			hc.Jar = jar
			hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			seen := map[string]bool{}
			post := func(path string, form url.Values) {
				t.Helper()
				req, _ := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", ts.URL)
				check(t, hc, req, tc.wantSecure, seen)
			}
			get := func(path string) {
				t.Helper()
				req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
				check(t, hc, req, tc.wantSecure, seen)
			}
			// A session the server does not know is cleared, then replaced.
			u, _ := url.Parse(ts.URL)
			jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "stale-token", Path: "/"}})
			post("/login", url.Values{"handle": {"crumb"}, "password": {passphrase("crumb")}})
			post("/language", url.Values{"lang": {"nl"}, "next": {"/me"}})
			post("/me/sessions/end", nil) // leaves a notice for the next page
			get("/me/security")           // which takes it
			post("/logout", nil)
			for _, name := range []string{sessionCookie, langCookie, flashCookie} {
				if !seen[name] {
					t.Errorf("no %s cookie was set: the walk is broken", name)
				}
			}
		})
	}
}

func check(t *testing.T, hc *http.Client, req *http.Request, wantSecure bool, seen map[string]bool) {
	t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Fatalf("%s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	for _, line := range resp.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Errorf("%s %s: Set-Cookie %q: %v", req.Method, req.URL.Path, line, err)
			continue
		}
		seen[c.Name] = true
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.Secure != wantSecure {
			t.Errorf("%s %s: Set-Cookie %q: want HttpOnly; SameSite=Lax; Path=/; no Domain; Secure=%v", req.Method, req.URL.Path, line, wantSecure)
		}
	}
}
