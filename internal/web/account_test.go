package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"involve/internal/db"
	"involve/internal/testutil"
)

// ---- signing up ----

func TestSignup(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		r := c.post("/signup", url.Values{"handle": {"Robin_2"}, "password": {"a long passphrase"}, "password_confirm": {"a long passphrase"}})
		if r.Status != http.StatusOK {
			t.Fatalf("signup: status %d\n%s", r.Status, r.Body)
		}
		codes := recoveryCodes(r.Body)
		if len(codes) != 10 {
			t.Errorf("signup shows %d recovery codes, want 10: %q", len(codes), codes)
		}
		seen := map[string]bool{}
		for _, code := range codes {
			if !regexp.MustCompile(`^[a-z2-9]{4}(-[a-z2-9]{4}){3}$`).MatchString(code) || seen[code] {
				t.Errorf("recovery code %q is malformed or repeated", code)
			}
			seen[code] = true
		}
		if !strings.Contains(unescaped(r.Body), e.T("codes.welcome", "Robin_2")) {
			t.Errorf("the codes page does not welcome the new member by handle")
		}
		ck := r.setCookie(sessionCookie)
		if ck == nil || ck.Value == "" {
			t.Fatalf("signup set no session cookie: %q", r.Header.Values("Set-Cookie"))
		}
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
			t.Errorf("session cookie: HttpOnly=%v SameSite=%v Path=%q, want HttpOnly, Lax, /", ck.HttpOnly, ck.SameSite, ck.Path)
		}
		if ck.MaxAge <= 0 {
			t.Errorf("session cookie MaxAge %d: want a lasting cookie", ck.MaxAge)
		}
		if me := c.get("/me"); me.Status != http.StatusOK || !strings.Contains(me.Body, "Robin_2") {
			t.Errorf("after signup GET /me: status %d, want 200 showing the handle", me.Status)
		}
		if n := e.memberCount(); n != 1 {
			t.Errorf("%d members after one signup", n)
		}
	})
}

func TestSignupErrors(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("Taken_One")
		long := strings.Repeat("word ", 41) // 205 characters
		for _, tc := range []struct {
			name                 string
			handle, pass, second string
			field, key           string
		}{
			{"handle taken in another case", "taken_ONE", "a long passphrase", "", "handle", "handle.taken"},
			{"no handle", "", "a long passphrase", "", "handle", "handle.required"},
			{"handle too short", "ab", "a long passphrase", "", "handle", "handle.length"},
			{"handle too long", strings.Repeat("x", 31), "a long passphrase", "", "handle", "handle.length"},
			{"handle with a space", "two words", "a long passphrase", "", "handle", "handle.chars"},
			{"handle in another script", "пётр", "a long passphrase", "", "handle", "handle.chars"},
			{"no passphrase", "newbie", "", "", "password", "passphrase.required"},
			{"passphrase too short", "newbie", "short", "", "password", "passphrase.short"},
			{"passphrase too long", "newbie", long, "", "password", "passphrase.long"},
			{"passphrase is the handle", "newbie12345", "NEWBIE12345", "", "password", "passphrase.is_handle"},
			{"confirmation differs", "newbie", "a long passphrase", "a long passphrasE", "password_confirm", "passphrase.mismatch"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.memberCount()
				c := e.client()
				form := url.Values{"handle": {tc.handle}, "password": {tc.pass}}
				if tc.second != "" {
					form.Set("password_confirm", tc.second)
				}
				r := c.post("/signup", form)
				if r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.Status)
				}
				if got, want := fieldError(r.Body, tc.field), e.T(tc.key); got != want {
					t.Errorf("message next to %s: %q, want %q", tc.field, got, want)
				}
				if got := fieldValue(r.Body, "handle"); got != tc.handle {
					t.Errorf("handle field shows %q, want what was typed, %q", got, tc.handle)
				}
				if tc.pass != "" && strings.Contains(r.Body, tc.pass) {
					t.Errorf("the form shows the passphrase again")
				}
				if !strings.Contains(r.Body, `class="error-summary"`) || !strings.Contains(r.Body, `href="#f-`+tc.field+`"`) {
					t.Errorf("no error summary linking to the field")
				}
				if ck := r.setCookie(sessionCookie); ck != nil && ck.Value != "" {
					t.Errorf("a failed signup set a session cookie")
				}
				if after := e.memberCount(); after != before {
					t.Errorf("members: %d before, %d after a failed signup", before, after)
				}
			})
		}
	})
}

// ---- signing in ----

func TestLoginErrors(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("sam")
		for _, tc := range []struct {
			name, handle, pass string
			field, key         string
		}{
			{"wrong passphrase", "sam", "not the passphrase", "password", "login.wrong"},
			{"unknown handle gets the same message", "nobody", "not the passphrase", "password", "login.wrong"},
			{"no handle", "", "whatever-passphrase", "handle", "handle.required"},
			{"no passphrase", "sam", "", "password", "passphrase.required"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := e.client()
				r := c.post("/login", url.Values{"handle": {tc.handle}, "password": {tc.pass}})
				if r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.Status)
				}
				if got, want := fieldError(r.Body, tc.field), e.T(tc.key); got != want {
					t.Errorf("message next to %s: %q, want %q", tc.field, got, want)
				}
				if got := fieldValue(r.Body, "handle"); got != tc.handle {
					t.Errorf("handle field shows %q, want %q", got, tc.handle)
				}
				if c.signedIn() {
					t.Errorf("signed in after a failed login")
				}
			})
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("kim")
		c := e.client()
		for i := 1; i <= 5; i++ {
			r := c.post("/login", url.Values{"handle": {"kim"}, "password": {"wrong passphrase"}})
			want := e.T("login.wrong")
			if i == 5 {
				want = e.T("login.throttled") // the fifth failure pauses sign-in
			}
			if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "password") != want {
				t.Fatalf("failure %d: status %d, message %q, want 422 %q", i, r.Status, fieldError(r.Body, "password"), want)
			}
		}
		// The right passphrase is refused while paused, in any case of the handle.
		for _, h := range []string{"kim", "KIM"} {
			r := c.post("/login", url.Values{"handle": {h}, "password": {passphrase("kim")}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("right passphrase while throttled (%s): status %d, want 422", h, r.Status)
			}
			if got := fieldError(r.Body, "password"); got != e.T("login.throttled") {
				t.Errorf("right passphrase while throttled: message %q, want the throttle message", got)
			}
		}
		if c.signedIn() {
			t.Errorf("signed in while throttled")
		}
		// Another member is not affected.
		e.createMember("lee")
		e.client().login("lee", passphrase("lee"))
	})
}

func TestLoginNext(t *testing.T) {
	e := sqliteEnv(t)
	e.createMember("ana")
	for _, tc := range []struct{ next, want string }{
		{"", "/me"},
		{"/organisations?kind=service", "/organisations?kind=service"},
		{"/me/profile", "/me/profile"},
		{"/login?next=/me", "/me"},
		{"//evil.example", "/me"},
		{"//evil.example/me", "/me"},
		{"https://evil.example", "/me"},
		{"https://evil.example/me", "/me"},
		{"/\\evil.example", "/me"},
		{"javascript:alert(1)", "/me"},
		{"evil.example", "/me"},
	} {
		c := e.client()
		// The next address travels from the login page's link into the form.
		page := c.get("/login?next=" + url.QueryEscape(tc.next))
		if page.Status != http.StatusOK {
			t.Fatalf("GET /login?next=%s: %d", tc.next, page.Status)
		}
		if strings.Contains(page.Body, "evil.example") {
			t.Errorf("login page with next=%q carries the foreign address into the form", tc.next)
		}
		r := c.post("/login", url.Values{"handle": {"ana"}, "password": {passphrase("ana")}, "next": {tc.next}})
		if r.Status != http.StatusSeeOther || r.Location != tc.want {
			t.Errorf("login with next=%q: %d → %q, want 303 → %q", tc.next, r.Status, r.Location, tc.want)
		}
	}
}

// ---- sessions ----

func TestSessionFixation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("vic")
		e.createMember("mal")

		t.Run("unknown token planted", func(t *testing.T) {
			c := e.client()
			c.setCookie(sessionCookie, "planted-token-value")
			c.login("vic", passphrase("vic"))
			if got := c.cookie(sessionCookie); got == "" || got == "planted-token-value" {
				t.Errorf("session cookie after login is %q: want a new token", got)
			}
		})
		t.Run("another member's live token planted", func(t *testing.T) {
			// Mallory signs in and plants her own session in Victor's browser.
			mal := e.client()
			mal.login("mal", passphrase("mal"))
			planted := mal.cookie(sessionCookie)
			victim := e.client()
			victim.setCookie(sessionCookie, planted)
			victim.login("vic", passphrase("vic"))
			if got := victim.cookie(sessionCookie); got == planted || got == "" {
				t.Fatalf("login kept the planted token")
			}
			if r := victim.get("/me"); !strings.Contains(r.Body, ">vic<") {
				t.Errorf("after login the victim's /me is not Victor's")
			}
			// The planted token no longer works: Mallory cannot ride along.
			if mal.signedIn() {
				t.Errorf("the planted token still works after the victim signed in with it")
			}
		})
		t.Run("signup starts a new session too", func(t *testing.T) {
			c := e.client()
			c.setCookie(sessionCookie, "planted-before-signup")
			c.signup("newcomer")
			if got := c.cookie(sessionCookie); got == "" || got == "planted-before-signup" {
				t.Errorf("session cookie after signup is %q: want a new token", got)
			}
		})
	})
}

func TestLogout(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("lou")
		c := e.client()
		c.login("lou", passphrase("lou"))
		old := c.cookie(sessionCookie)
		r := c.post("/logout", nil)
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("logout: %d → %q, want 303 → /", r.Status, r.Location)
		}
		if ck := r.setCookie(sessionCookie); ck == nil || ck.MaxAge >= 0 {
			t.Errorf("logout does not clear the session cookie: %v", ck)
		}
		if c.signedIn() {
			t.Errorf("still signed in after logout")
		}
		// Replaying the old cookie from elsewhere: the server forgot it.
		replay := e.client()
		replay.setCookie(sessionCookie, old)
		if replay.signedIn() {
			t.Fatalf("the old session token still works after logout")
		}
		home := replay.get("/")
		if home.Status != http.StatusOK || !strings.Contains(home.Body, `href="/login"`) || strings.Contains(home.Body, `action="/logout"`) {
			t.Errorf("home page with the old token is not the signed-out page")
		}
		if n, _ := e.Srv.Accounts.SessionCount(context.Background(), e.member("lou").ID); n != 0 {
			t.Errorf("%d sessions left after logout", n)
		}
	})
}

func TestPassphraseChange(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("pat")
		here, other := e.client(), e.client()
		here.login("pat", passphrase("pat"))
		other.login("pat", passphrase("pat"))
		before := here.cookie(sessionCookie)

		for _, tc := range []struct {
			name               string
			current, new, new2 string
			field, key         string
		}{
			{"wrong current passphrase", "not my passphrase", "a brand new passphrase", "a brand new passphrase", "current_password", "passphrase.wrong"},
			{"no current passphrase", "", "a brand new passphrase", "a brand new passphrase", "current_password", "passphrase.required"},
			{"new too short", passphrase("pat"), "short", "short", "new_password", "passphrase.short"},
			{"confirmation differs", passphrase("pat"), "a brand new passphrase", "a brand new passphrasE", "new_password_confirm", "passphrase.mismatch"},
		} {
			r := here.post("/me/passphrase", url.Values{"current_password": {tc.current}, "new_password": {tc.new}, "new_password_confirm": {tc.new2}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", tc.name, r.Status)
				continue
			}
			if got, want := fieldError(r.Body, tc.field), e.T(tc.key); got != want {
				t.Errorf("%s: message next to %s %q, want %q", tc.name, tc.field, got, want)
			}
		}
		if !other.signedIn() {
			t.Fatalf("a failed passphrase change signed the other device out")
		}

		r := here.post("/me/passphrase", url.Values{"current_password": {passphrase("pat")},
			"new_password": {"a brand new passphrase"}, "new_password_confirm": {"a brand new passphrase"}})
		if r.Status != http.StatusSeeOther || r.Location != "/me/security" {
			t.Fatalf("change passphrase: %d → %q, want 303 → /me/security", r.Status, r.Location)
		}
		if !here.signedIn() {
			t.Errorf("the device that changed the passphrase was signed out")
		}
		if here.cookie(sessionCookie) == before {
			t.Errorf("the session token did not change with the passphrase")
		}
		if other.signedIn() {
			t.Errorf("another device stayed signed in after the passphrase changed")
		}
		old := e.client().post("/login", url.Values{"handle": {"pat"}, "password": {passphrase("pat")}})
		if old.Status != http.StatusUnprocessableEntity {
			t.Errorf("the old passphrase still signs in: %d", old.Status)
		}
		e.client().login("pat", "a brand new passphrase")
	})
}

func TestSignOutEverywhere(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("eve")
		here, other, third := e.sessionClient("eve"), e.sessionClient("eve"), e.sessionClient("eve")
		r := here.post("/me/sessions/end", nil)
		if r.Status != http.StatusSeeOther || r.Location != "/me/security" {
			t.Fatalf("end sessions: %d → %q", r.Status, r.Location)
		}
		// The next page shows the notice, and this device is still signed in.
		if sec := here.get("/me/security"); sec.Status != http.StatusOK || !strings.Contains(sec.Body, e.T("security.sessions_ended")) {
			t.Errorf("after ending other sessions /me/security: %d, want 200 with the notice", sec.Status)
		}
		if other.signedIn() || third.signedIn() {
			t.Errorf("other devices are still signed in")
		}
		if n, _ := e.Srv.Accounts.SessionCount(context.Background(), e.member("eve").ID); n != 1 {
			t.Errorf("%d sessions left, want 1", n)
		}
	})
}

// ---- recovery ----

func TestRecovery(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		first := e.client()
		r := first.post("/signup", url.Values{"handle": {"ria"}, "password": {passphrase("ria")}})
		codes := recoveryCodes(r.Body)
		if len(codes) != 10 {
			t.Fatalf("signup page shows %d codes", len(codes))
		}
		// Typed in capitals with spaces instead of dashes.
		typed := strings.ToUpper(strings.ReplaceAll(codes[3], "-", " "))
		c := e.client()
		r = c.post("/recover", url.Values{"handle": {"RIA"}, "code": {typed}, "password": {"my new passphrase"}})
		if r.Status != http.StatusSeeOther || r.Location != "/me/security" {
			t.Fatalf("recover: %d → %q, want 303 → /me/security\n%s", r.Status, r.Location, r.Body)
		}
		if !c.signedIn() {
			t.Errorf("not signed in after recovering")
		}
		if first.signedIn() {
			t.Errorf("the signup session survived recovery")
		}
		if left, _ := e.Srv.Accounts.RecoveryCodesLeft(context.Background(), e.member("ria").ID); left != 9 {
			t.Errorf("%d codes left, want 9", left)
		}
		e.client().login("ria", "my new passphrase")
		if old := e.client().post("/login", url.Values{"handle": {"ria"}, "password": {passphrase("ria")}}); old.Status != http.StatusUnprocessableEntity {
			t.Errorf("the old passphrase still works: %d", old.Status)
		}

		for _, tc := range []struct {
			name, handle, code, pass string
			field, key               string
		}{
			{"the same code again", "ria", codes[3], "another new passphrase", "code", "recover.wrong"},
			{"a made-up code", "ria", "aaaa-bbbb-cccc-dddd", "another new passphrase", "code", "recover.wrong"},
			{"another member's handle", "nobody", codes[4], "another new passphrase", "code", "recover.wrong"},
			{"no code", "ria", "", "another new passphrase", "code", "recover.code_required"},
			{"short new passphrase", "ria", codes[4], "short", "password", "passphrase.short"},
		} {
			r := e.client().post("/recover", url.Values{"handle": {tc.handle}, "code": {tc.code}, "password": {tc.pass}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", tc.name, r.Status)
				continue
			}
			if got, want := fieldError(r.Body, tc.field), e.T(tc.key); got != want {
				t.Errorf("%s: message next to %s %q, want %q", tc.name, tc.field, got, want)
			}
		}
		// The failed tries did not spend codes[4]: it still works.
		r = e.client().post("/recover", url.Values{"handle": {"ria"}, "code": {codes[4]}, "password": {"final passphrase here"}})
		if r.Status != http.StatusSeeOther {
			t.Errorf("an unused code after failed tries: status %d, want 303", r.Status)
		}
	})
}

func TestNewRecoveryCodes(t *testing.T) {
	e := sqliteEnv(t)
	c := e.client()
	old := recoveryCodes(c.post("/signup", url.Values{"handle": {"noa"}, "password": {passphrase("noa")}}).Body)
	r := c.post("/me/recovery-codes", url.Values{"codes_password": {"wrong passphrase"}})
	if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "codes_password") != e.T("passphrase.wrong") {
		t.Errorf("new codes with a wrong passphrase: %d %q", r.Status, fieldError(r.Body, "codes_password"))
	}
	r = c.post("/me/recovery-codes", url.Values{"codes_password": {passphrase("noa")}})
	fresh := recoveryCodes(r.Body)
	if r.Status != http.StatusOK || len(fresh) != 10 {
		t.Fatalf("new codes: status %d, %d codes", r.Status, len(fresh))
	}
	if bad := e.client().post("/recover", url.Values{"handle": {"noa"}, "code": {old[0]}, "password": {"another passphrase"}}); bad.Status != http.StatusUnprocessableEntity {
		t.Errorf("an old code still works after making new ones: %d", bad.Status)
	}
	if good := e.client().post("/recover", url.Values{"handle": {"noa"}, "code": {fresh[0]}, "password": {"another passphrase"}}); good.Status != http.StatusSeeOther {
		t.Errorf("a new code does not work: %d", good.Status)
	}
}
