package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"involve/internal/audit"
	"involve/internal/db"
	"involve/internal/testutil"
)

// ---- site roles ----

func TestAdminRoles(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		e.createMember("root")
		e.createMember("helper")
		e.makeAdmin("root")
		root := e.sessionClient("root")

		r := root.post("/admin/roles", url.Values{"handle": {"helper"}, "role": {"moderator"}})
		if r.Status != http.StatusSeeOther || r.Location != "/admin" {
			t.Fatalf("grant: %d → %q", r.Status, r.Location)
		}
		if !e.member("helper").HasRole("moderator") {
			t.Errorf("helper has no moderator role after the grant")
		}
		if a := root.get("/admin"); !strings.Contains(a.Body, e.T("admin.role.grant")) || !strings.Contains(a.Body, `href="/members/helper"`) {
			t.Errorf("/admin after a grant: no notice or no role holder listed")
		}
		r = root.post("/admin/roles/revoke", url.Values{"handle": {"helper"}, "role": {"moderator"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", r.Status)
		}
		if e.member("helper").HasRole("moderator") {
			t.Errorf("helper still has the moderator role")
		}
		entries, _ := e.Srv.Audit.Recent(ctx, 10, 0)
		want := []audit.Entry{
			{Actor: "root", Action: "role.revoke", TargetType: "member", Target: "helper", Detail: "moderator"},
			{Actor: "root", Action: "role.grant", TargetType: "member", Target: "helper", Detail: "moderator"},
		}
		if diff := cmp.Diff(want, entries, cmpopts.IgnoreFields(audit.Entry{}, "ID", "ActorID", "At")); diff != "" {
			t.Errorf("audit log (-want +got):\n%s", diff)
		}

		for _, tc := range []struct {
			name       string
			path       string
			form       url.Values
			field, key string
		}{
			{"revoke own admin role", "/admin/roles/revoke", url.Values{"handle": {"ROOT"}, "role": {"admin"}}, "handle", "admin.roles.self"},
			{"unknown role", "/admin/roles", url.Values{"handle": {"helper"}, "role": {"superuser"}}, "role", "admin.roles.role_invalid"},
			{"unknown member", "/admin/roles", url.Values{"handle": {"nobody"}, "role": {"editor"}}, "handle", "orgs.staff.no_member"},
			{"no handle", "/admin/roles", url.Values{"role": {"editor"}}, "handle", "handle.required"},
			{"grant a role held", "/admin/roles", url.Values{"handle": {"root"}, "role": {"admin"}}, "role", "admin.roles.already"},
			{"revoke a role not held", "/admin/roles/revoke", url.Values{"handle": {"helper"}, "role": {"editor"}}, "role", "admin.roles.not_held"},
		} {
			r := root.post(tc.path, tc.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", tc.name, r.Status)
				continue
			}
			if got, want := fieldError(r.Body, tc.field), e.T(tc.key); got != want {
				t.Errorf("%s: message next to %s %q, want %q", tc.name, tc.field, got, want)
			}
		}
		if !e.member("root").IsAdmin() {
			t.Errorf("root lost the admin role")
		}
		if after, _ := e.Srv.Audit.Recent(ctx, 10, 0); len(after) != 2 {
			t.Errorf("refused role changes were logged: %d entries", len(after))
		}
		// A second admin may revoke the first.
		e.createMember("second")
		e.makeAdmin("second")
		if r := e.sessionClient("second").post("/admin/roles/revoke", url.Values{"handle": {"root"}, "role": {"admin"}}); r.Status != http.StatusSeeOther {
			t.Errorf("another admin revokes root: %d", r.Status)
		}
		if e.member("root").IsAdmin() {
			t.Errorf("root is still admin")
		}
		if r := root.get("/admin"); r.Status != http.StatusForbidden {
			t.Errorf("/admin for a former admin: %d, want 403", r.Status)
		}
	})
}
