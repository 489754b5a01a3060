package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/testutil"
)

func TestCheckHandle(t *testing.T) {
	for handle, want := range map[string]string{
		"ana": "", "Ana_B-2": "", "abcdefghijklmnopqrstuvwxyz1234": "",
		"": "handle.required", "ab": "handle.length", "abcdefghijklmnopqrstuvwxyz12345": "handle.length",
		"ana b": "handle.chars", "аna": "handle.chars", "ana@x": "handle.chars", "ana\x00": "handle.chars", "../x": "handle.chars",
	} {
		if got := accounts.CheckHandle(handle); got != want {
			t.Errorf("CheckHandle(%q) = %q, want %q", handle, got, want)
		}
	}
}

func TestCheckNewPassphrase(t *testing.T) {
	for _, c := range []struct{ pass, handle, want string }{
		{"correct horse battery", "ana", ""},
		{"", "ana", "passphrase.required"},
		{"short", "ana", "passphrase.short"},
		{"ééééééééé", "ana", "passphrase.short"}, // counted in characters, not bytes
		{strings.Repeat("x", 201), "ana", "passphrase.long"},
		{"LongHandle99", "longhandle99", "passphrase.is_handle"},
	} {
		if got := accounts.CheckNewPassphrase(c.pass, c.handle); got != c.want {
			t.Errorf("CheckNewPassphrase(%q) = %q, want %q", c.pass, got, c.want)
		}
	}
}

func TestHashPassphrase(t *testing.T) {
	h := accounts.HashPassphrase("a passphrase")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	if h == accounts.HashPassphrase("a passphrase") {
		t.Fatal("two hashes of one passphrase are equal: salt missing")
	}
	for pass, want := range map[string]bool{"a passphrase": true, "a passphrasE": false, "": false} {
		ok, err := accounts.CheckPassphrase(h, pass)
		if err != nil || ok != want {
			t.Errorf("CheckPassphrase(%q) = %v, %v; want %v", pass, ok, err, want)
		}
	}
	if _, err := accounts.CheckPassphrase("$bcrypt$x", "x"); err == nil {
		t.Error("unknown hash format accepted")
	}
}

func TestMembers(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := accounts.NewStore(d)
		m, codes, err := s.Create(ctx, "Ana", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		if m.Handle != "Ana" || len(codes) != accounts.RecoveryCodeCount {
			t.Fatalf("created %+v with %d codes", m, len(codes))
		}
		if _, _, err := s.Create(ctx, "aNA", "another passphrase"); !errors.Is(err, accounts.ErrHandleTaken) {
			t.Fatalf("same handle in other case: %v", err)
		}
		if n, _ := s.Count(ctx); n != 1 {
			t.Fatalf("count = %d after a refused duplicate", n)
		}
		if _, err := s.Authenticate(ctx, "ANA", "correct horse battery"); err != nil {
			t.Fatalf("sign in with other case: %v", err)
		}
		if _, err := s.Authenticate(ctx, "ana", "wrong"); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("wrong passphrase: %v", err)
		}
		if _, err := s.Authenticate(ctx, "nobody", "wrong"); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("unknown handle: %v", err)
		}

		// Profile and visibility round trip.
		p := accounts.Profile{
			DisplayName: accounts.Field{Value: "Ana B", Vis: accounts.Public},
			Pronouns:    accounts.Field{Value: "she/her", Vis: accounts.Members},
			Languages:   accounts.Field{Value: "nl, en", Vis: accounts.Members},
			Region:      accounts.Field{Value: "Utrecht", Vis: accounts.OnlyMe},
			Bio:         accounts.Field{Value: "Hello\nthere", Vis: accounts.Members},
			Email:       accounts.Field{Value: "", Vis: accounts.OnlyMe},
		}
		if err := s.UpdateProfile(ctx, m.ID, p); err != nil {
			t.Fatal(err)
		}
		got, err := s.ByHandle(ctx, "ana")
		if err != nil {
			t.Fatal(err)
		}
		if got.Profile != p {
			t.Fatalf("profile = %+v, want %+v", got.Profile, p)
		}
		if got.Name(false) != "Ana B" {
			t.Errorf("public display name hidden: %q", got.Name(false))
		}

		// Roles.
		if err := s.GrantRole(ctx, d, m.ID, accounts.RoleEditor, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.GrantRole(ctx, d, m.ID, accounts.RoleEditor, nil); err != nil {
			t.Fatalf("granting a held role again: %v", err)
		}
		got, _ = s.ByID(ctx, m.ID)
		if !got.HasRole(accounts.RoleEditor) || got.IsAdmin() {
			t.Fatalf("roles = %v", got.Roles)
		}
		if err := s.RevokeRole(ctx, d, m.ID, accounts.RoleEditor); err != nil {
			t.Fatal(err)
		}
		got, _ = s.ByID(ctx, m.ID)
		if len(got.Roles) != 0 {
			t.Fatalf("roles after revoke = %v", got.Roles)
		}
		if _, err := s.ByHandle(ctx, "nobody"); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("missing member: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := accounts.NewStore(d)
		m, _, err := s.Create(ctx, "ben", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		a, _ := s.NewSession(ctx, m.ID)
		b, _ := s.NewSession(ctx, m.ID)
		if a == b || len(a) < 40 {
			t.Fatalf("tokens %q %q", a, b)
		}
		if got, err := s.SessionMember(ctx, a); err != nil || got.ID != m.ID || len(got.Roles) != 0 || got.UnreadNotifications != 0 {
			t.Fatalf("session a: %+v %v", got, err)
		}
		// The session read brings the member's roles, one row each, and
		// the count of unread notifications the header shows.
		for _, r := range []string{accounts.RoleModerator, accounts.RoleAdmin} {
			if err := s.GrantRole(ctx, d, m.ID, r, nil); err != nil {
				t.Fatal(err)
			}
		}
		for i, read := range []any{nil, nil, time.Now()} {
			if _, err := d.Exec(ctx, `INSERT INTO notifications (member_id, kind, url, created_at, read_at) VALUES (?, 'test', ?, ?, ?)`,
				m.ID, fmt.Sprint("/", i), time.Now(), read); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := s.SessionMember(ctx, a); err != nil || got.ID != m.ID || got.Handle != "ben" ||
			!slices.Equal(got.Roles, []string{accounts.RoleAdmin, accounts.RoleModerator}) || got.UnreadNotifications != 2 {
			t.Fatalf("session a with roles and notifications: %+v %v", got, err)
		}
		if _, err := s.SessionMember(ctx, "forged"); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
		// The database holds only hashes of tokens.
		var n int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = ?`, a).Scan(&n)
		if n != 0 {
			t.Fatal("raw token stored")
		}
		if err := s.EndSession(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionMember(ctx, a); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("ended session still works: %v", err)
		}
		if c, _ := s.SessionCount(ctx, m.ID); c != 1 {
			t.Fatalf("sessions = %d", c)
		}
		// A new passphrase ends every session.
		if err := s.SetPassphrase(ctx, m.ID, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionMember(ctx, b); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("session survived passphrase change: %v", err)
		}
		if _, err := s.Authenticate(ctx, "ben", "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		c, _ := s.NewSession(ctx, m.ID)
		if err := s.EndAllSessions(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionMember(ctx, c); !errors.Is(err, db.ErrNotFound) {
			t.Fatal("session survived sign out everywhere")
		}
	})
}

func TestThrottle(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := accounts.NewStore(d)
		if _, _, err := s.Create(ctx, "cleo", "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 4; i++ {
			if _, err := s.Authenticate(ctx, "cleo", "nope"); !errors.Is(err, accounts.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		var te *accounts.ThrottledError
		if _, err := s.Authenticate(ctx, "cleo", "nope"); !errors.As(err, &te) {
			t.Fatalf("fifth failure: %v, want throttled", err)
		}
		// While paused even the right passphrase is refused.
		if _, err := s.Authenticate(ctx, "Cleo", "correct horse battery"); !errors.As(err, &te) {
			t.Fatalf("right passphrase while throttled: %v", err)
		}
		// Other handles are not affected, and handles that do not exist
		// are throttled the same way (no way to tell them apart).
		if _, err := s.Authenticate(ctx, "ghost", "x"); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("other handle: %v", err)
		}
		var ips int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM signin_failures`).Scan(&ips)
		if ips != 2 {
			t.Fatalf("throttle rows = %d, want 2", ips)
		}
	})
}

func TestRecoveryCodes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := accounts.NewStore(d)
		m, codes, err := s.Create(ctx, "dana", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if seen[c] || len(c) != 19 {
				t.Fatalf("code %q (duplicate or malformed)", c)
			}
			seen[c] = true
		}
		sess, _ := s.NewSession(ctx, m.ID)
		typed := strings.ToUpper(strings.ReplaceAll(codes[3], "-", " "))
		if _, err := s.Recover(ctx, "dana", typed, "my new passphrase"); err != nil {
			t.Fatalf("recover with %q: %v", typed, err)
		}
		if _, err := s.SessionMember(ctx, sess); !errors.Is(err, db.ErrNotFound) {
			t.Fatal("recovery left old sessions alive")
		}
		if _, err := s.Authenticate(ctx, "dana", "my new passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Recover(ctx, "dana", codes[3], "another passphrase"); !errors.Is(err, accounts.ErrBadRecoveryCode) {
			t.Fatalf("reused code: %v", err)
		}
		if n, _ := s.RecoveryCodesLeft(ctx, m.ID); n != 9 {
			t.Fatalf("codes left = %d", n)
		}
		fresh, err := s.NewRecoveryCodes(ctx, m.ID)
		if err != nil || len(fresh) != 10 {
			t.Fatal(err)
		}
		if _, err := s.Recover(ctx, "dana", codes[0], "another passphrase"); !errors.Is(err, accounts.ErrBadRecoveryCode) {
			t.Fatalf("old code after renewal: %v", err)
		}
		if _, err := s.Recover(ctx, "dana", fresh[0], "another passphrase"); err != nil {
			t.Fatal(err)
		}
	})
}
