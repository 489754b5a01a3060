package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/testutil"
)

// The access-control matrix of the notification centre. Notifications
// belong to one member: nobody else — not another member of the same
// secret group, not a site moderator, not a site admin — may read, open or
// mark them, and a notification about a secret group shows nothing of it
// to anyone else.

type ntfRole int

const (
	ntfAnon      ntfRole = iota // not signed in
	ntfOwner                    // the member the notifications are for; a member of the secret group
	ntfMember                   // signed in, in no group
	ntfGroupPeer                // another member (a moderator) of the same secret group
	ntfModerator                // holds the site moderator role
	ntfSiteAdmin                // holds the site admin role
	ntfRoleCount
)

var ntfRoleNames = [ntfRoleCount]string{"anonymous", "owner", "member", "group-peer", "site-moderator", "site-admin"}

var ntfHandles = [ntfRoleCount]string{"", "ntf_owner", "ntf_member", "ntf_peer", "ntf_mod", "ntf_root"}

type ntfCase struct {
	name string
	path string     // with {id} for the owner's notification about the secret group; "" for the pattern's own path
	form url.Values // nil sends an empty form; values may hold {id}
	want [ntfRoleCount]outcome
}

var ntfOpened = outcome{status: http.StatusSeeOther, to: "/groups/quiet-circle/discussions/7"}

// Every signed-in reader gets ok; anonymous readers are sent to sign in
// (GET) or refused (POST).
func ntfSignedIn(method string, ok outcome) [ntfRoleCount]outcome {
	w := [ntfRoleCount]outcome{toLogin}
	if method == http.MethodPost {
		w[ntfAnon] = unauth
	}
	for r := ntfOwner; r < ntfRoleCount; r++ {
		w[r] = ok
	}
	return w
}

// Only the owner gets ok; every other member gets 404, as for a
// notification that does not exist.
func ntfOwnerOnly(method string, ok outcome) [ntfRoleCount]outcome {
	w := ntfSignedIn(method, missing)
	w[ntfOwner] = ok
	return w
}

var ntfMatrix = map[string][]ntfCase{
	"GET /notifications": {
		{want: ntfSignedIn(http.MethodGet, allowed)},
		{name: "an older page", path: "/notifications?before={id}", want: ntfSignedIn(http.MethodGet, allowed)},
		{name: "a broken page link", path: "/notifications?before=x", want: ntfSignedIn(http.MethodGet, allowed)},
	},
	"GET /notifications/{id}": {
		{name: "the owner's notification", path: "/notifications/{id}", want: ntfOwnerOnly(http.MethodGet, ntfOpened)},
		{name: "no such notification", path: "/notifications/999999", want: ntfSignedIn(http.MethodGet, missing)},
		{name: "not a number", path: "/notifications/x", want: ntfSignedIn(http.MethodGet, missing)},
	},
	"POST /notifications/read": {
		{name: "the owner's notification", form: url.Values{"id": {"{id}"}}, want: ntfOwnerOnly(http.MethodPost, seeOther("/notifications"))},
		{name: "all of one's own", form: url.Values{"all": {"1"}}, want: ntfSignedIn(http.MethodPost, seeOther("/notifications"))},
		{name: "nothing chosen", want: ntfSignedIn(http.MethodPost, badReq)},
		{name: "not a number", form: url.Values{"id": {"x"}}, want: ntfSignedIn(http.MethodPost, badReq)},
	},
	"GET /me/notifications": {
		{want: ntfSignedIn(http.MethodGet, allowed)},
	},
	"POST /me/notifications": {
		{name: "no choice", want: ntfSignedIn(http.MethodPost, invalid)},
		{name: "a choice", form: url.Values{"email_mode": {"daily"}}, want: ntfSignedIn(http.MethodPost, seeOther("/me/notifications"))},
	},
}

func init() {
	var patterns []string
	for p := range ntfMatrix {
		patterns = append(patterns, p)
	}
	coverRoutes("TestNotificationsAccess", patterns...)
}

// ntfFixture is a site where the owner belongs to a secret group and has a
// notification about it.
type ntfFixture struct {
	env    *testEnv
	group  *groups.Group
	id     int64 // the owner's notification about the secret group
	secret string
}

func newNtfFixture(t *testing.T, d *db.DB) *ntfFixture {
	t.Helper()
	e := newEnv(t, d)
	ctx := context.Background()
	for _, h := range ntfHandles[1:] {
		e.createMember(h)
	}
	e.makeAdmin(ntfHandles[ntfSiteAdmin])
	if err := e.Srv.Accounts.GrantRole(ctx, e.DB, e.member(ntfHandles[ntfModerator]).ID, accounts.RoleModerator, nil); err != nil {
		t.Fatal(err)
	}
	g, err := e.Srv.Groups.Create(ctx, e.member(ntfHandles[ntfOwner]).ID, groups.Input{Name: "Quiet Circle", Kind: groups.SelfOrganisation,
		Visibility: groups.Secret, Joining: groups.Invitation, Region: "Utrecht"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Exec(ctx, `INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES (?, ?, ?, ?)`,
		g.ID, e.member(ntfHandles[ntfGroupPeer]).ID, groups.Moderator, time.Now()); err != nil {
		t.Fatal(err)
	}
	fx := &ntfFixture{env: e, group: g, secret: "Quiet Circle"}
	owner := e.member(ntfHandles[ntfOwner]).ID
	if err := e.DB.Tx(ctx, func(tx *db.Tx) error {
		return e.Srv.Notify.Add(ctx, tx, []int64{owner}, "test.secret", map[string]string{"a_group": g.Name},
			"/groups/"+g.Slug+"/discussions/7")
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.DB.QueryRow(ctx, `SELECT id FROM notifications WHERE member_id = ?`, owner).Scan(&fx.id); err != nil {
		t.Fatal(err)
	}
	return fx
}

// reset makes the owner's notification unread again and forgets the
// owner's email choice.
func (fx *ntfFixture) reset(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if _, err := fx.env.DB.Exec(ctx, `UPDATE notifications SET read_at = NULL WHERE id = ?`, fx.id); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.env.DB.Exec(ctx, `DELETE FROM notify_prefs WHERE member_id = ?`, fx.env.member(ntfHandles[ntfOwner]).ID); err != nil {
		t.Fatal(err)
	}
}

func (fx *ntfFixture) fill(s string) string { return strings.ReplaceAll(s, "{id}", fmt.Sprint(fx.id)) }

func (fx *ntfFixture) client(r ntfRole) *client {
	if r == ntfAnon {
		return fx.env.client()
	}
	return fx.env.sessionClient(ntfHandles[r])
}

// ownerState is what others must not change: the owner's notification,
// read or not, and the owner's email choice.
func (fx *ntfFixture) ownerState(t *testing.T) string {
	t.Helper()
	var read *time.Time
	var mode string
	ctx := context.Background()
	if err := fx.env.DB.QueryRow(ctx, `SELECT read_at FROM notifications WHERE id = ?`, fx.id).Scan(&read); err != nil {
		t.Fatal(err)
	}
	p, err := fx.env.Srv.Notify.Prefs(ctx, fx.env.member(ntfHandles[ntfOwner]).ID)
	if err != nil {
		t.Fatal(err)
	}
	mode = p.EmailMode
	return fmt.Sprintf("read=%v mode=%s", read != nil, mode)
}

// TestNotificationsAccess runs every case as every role, the owner last:
// after each other role, the owner's notification and settings must be as
// they were, and no page may show the secret group's name to anyone but
// its members' own notifications.
func TestNotificationsAccess(t *testing.T) {
	e := sqliteEnv(t)
	for p, a := range e.Srv.Routes() {
		if !strings.Contains(p, "notifications") {
			continue
		}
		if _, ok := ntfMatrix[p]; !ok {
			t.Errorf("route %q (%v) has no rules in the notifications access matrix", p, a)
		}
	}
	for p := range ntfMatrix {
		if _, ok := e.Srv.Routes()[p]; !ok {
			t.Errorf("the notifications matrix has rules for %q, which is not a route", p)
		}
	}
	order := []ntfRole{ntfAnon, ntfMember, ntfGroupPeer, ntfModerator, ntfSiteAdmin, ntfOwner}
	// SQLite only: the rules are the same on both engines, and the handler
	// tests run on both. Only the owner, who goes last, changes the
	// owner's state; each case starts from it afresh.
	fx := newNtfFixture(t, testutil.SQLite(t))
	for pattern, cases := range ntfMatrix {
		method, path, _ := strings.Cut(pattern, " ")
		for _, ac := range cases {
			t.Run(strings.TrimSpace(pattern+" "+ac.name), func(t *testing.T) {
				fx.reset(t)
				p := path
				if ac.path != "" {
					p = ac.path
				}
				p = fx.fill(p)
				form := url.Values{}
				for k, vs := range ac.form {
					for _, v := range vs {
						form.Add(k, fx.fill(v))
					}
				}
				before := fx.ownerState(t)
				for _, role := range order {
					want := ac.want[role]
					if want.status == 0 {
						t.Errorf("no outcome for %s", ntfRoleNames[role])
						continue
					}
					want = want.at(p)
					got, r := ask(fx.client(role), method, p, form)
					if got != want {
						t.Errorf("%s %s as %s: got %v, want %v", method, p, ntfRoleNames[role], got, want)
					}
					if role != ntfOwner {
						if strings.Contains(r.Body, fx.secret) {
							t.Errorf("%s %s as %s shows the secret group's name", method, p, ntfRoleNames[role])
						}
						if after := fx.ownerState(t); after != before {
							t.Errorf("%s %s as %s changed the owner's notifications: %s → %s", method, p, ntfRoleNames[role], before, after)
						}
					}
				}
			})
		}
	}
}
