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
	"involve/internal/organisations"
	"involve/internal/testutil"
)

// ---- organisations ----

func TestRegisterOrganisation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		e.createMember("founder")
		e.createMember("root")
		e.makeAdmin("root")
		c := e.sessionClient("founder")
		form := url.Values{"name": {"Harm Reduction Utrecht"}, "kind": {"service"}, "summary": {"We run a drop-in."},
			"website": {"https://hru.example.org"}, "region": {"Utrecht"}}
		r := c.post("/organisations", form)
		if r.Status != http.StatusSeeOther || r.Location != "/organisations/harm-reduction-utrecht" {
			t.Fatalf("register: %d → %q\n%s", r.Status, r.Location, r.Body)
		}
		o, err := e.Srv.Organisations.BySlug(ctx, "harm-reduction-utrecht")
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != organisations.Pending {
			t.Errorf("a new organisation is %q, want pending", o.Status)
		}
		if role, _ := e.Srv.Organisations.StaffRole(ctx, o.ID, e.member("founder").ID); role != organisations.StaffAdmin {
			t.Errorf("the founder's role is %q, want admin", role)
		}
		page := c.get(r.Location)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, e.T("orgs.pending_notice")) || !strings.Contains(page.Body, e.T("orgs.registered")) {
			t.Errorf("the founder's view of the new organisation: %d, want the pending notice and the flash", page.Status)
		}
		if me := c.get("/me"); !strings.Contains(me.Body, `href="/organisations/harm-reduction-utrecht"`) {
			t.Errorf("/me does not list the organisation the member acts for")
		}
		for _, v := range []*client{e.client(), c} {
			if l := v.get("/organisations"); strings.Contains(l.Body, "Harm Reduction Utrecht") {
				t.Errorf("/organisations lists an organisation before it is verified")
			}
		}
		if r := e.client().get("/organisations/harm-reduction-utrecht"); r.Status != http.StatusNotFound {
			t.Errorf("anonymous view of a pending organisation: %d, want 404", r.Status)
		}

		// The site admin sees it waiting and verifies it.
		root := e.sessionClient("root")
		if a := root.get("/admin"); !strings.Contains(a.Body, `action="/admin/organisations/harm-reduction-utrecht/review"`) {
			t.Errorf("/admin does not offer the pending organisation for review")
		}
		r = root.post("/admin/organisations/harm-reduction-utrecht/review", url.Values{"decision": {"verified"}, "note": {"Checked by phone."}})
		if r.Status != http.StatusSeeOther || r.Location != "/admin" {
			t.Fatalf("verify: %d → %q", r.Status, r.Location)
		}
		if l := e.client().get("/organisations"); !strings.Contains(l.Body, `href="/organisations/harm-reduction-utrecht"`) {
			t.Errorf("a verified organisation is not listed")
		}
		if r := e.client().get("/organisations/harm-reduction-utrecht"); r.Status != http.StatusOK || !strings.Contains(r.Body, `href="https://hru.example.org"`) {
			t.Errorf("anonymous view of a verified organisation: %d, want 200 with its website", r.Status)
		}
		entries, _ := e.Srv.Audit.Recent(ctx, 10, 0)
		want := []audit.Entry{{Actor: "root", Action: "organisation.verified", TargetType: "organisation", Target: "harm-reduction-utrecht", Detail: "Checked by phone."}}
		if diff := cmp.Diff(want, entries, cmpopts.IgnoreFields(audit.Entry{}, "ID", "ActorID", "At")); diff != "" {
			t.Errorf("audit log (-want +got):\n%s", diff)
		}
		if l := root.get("/admin/audit"); !strings.Contains(l.Body, e.T("audit.action.organisation.verified")) || !strings.Contains(l.Body, "harm-reduction-utrecht") {
			t.Errorf("/admin/audit does not show the verification")
		}
		// A bad decision changes nothing.
		other := e.createOrganisation("founder", "Second Org", organisations.Funder, false)
		if r := root.post("/admin/organisations/"+other.Slug+"/review", url.Values{"decision": {"maybe"}}); r.Status != http.StatusBadRequest {
			t.Errorf("review with decision=maybe: %d, want 400", r.Status)
		}
		if r := root.post("/admin/organisations/no-such-org/review", url.Values{"decision": {"verified"}}); r.Status != http.StatusNotFound {
			t.Errorf("review of an unknown organisation: %d, want 404", r.Status)
		}
		if o2, _ := e.Srv.Organisations.BySlug(ctx, other.Slug); o2.Status != organisations.Pending {
			t.Errorf("a refused review changed the status to %q", o2.Status)
		}
		// Rejected: still hidden from others.
		root.post("/admin/organisations/"+other.Slug+"/review", url.Values{"decision": {"rejected"}, "note": {"No such funder."}})
		if r := e.client().get("/organisations/" + other.Slug); r.Status != http.StatusNotFound {
			t.Errorf("anonymous view of a rejected organisation: %d, want 404", r.Status)
		}
		if r := c.get("/organisations/" + other.Slug); !strings.Contains(r.Body, "No such funder.") {
			t.Errorf("the organisation's admin does not see why it was not verified")
		}
	})
}

func TestOrganisationFormErrors(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("founder")
		e.createOrganisation("founder", "Existing Café", organisations.Service, false)
		c := e.sessionClient("founder")
		valid := func() url.Values {
			return url.Values{"name": {"New Org"}, "kind": {"agency"}, "summary": {""}, "website": {""}, "region": {""}}
		}
		for _, tc := range []struct {
			name, field, value string
			key                string
		}{
			{"no name", "name", "", "org.name.required"},
			{"name of spaces", "name", "   ", "org.name.required"},
			{"name too short", "name", "X", "org.name.length"},
			{"name without letters", "name", "!!!", "org.name.letters"},
			{"name taken", "name", "existing CAFE", "org.name.taken"},
			{"no kind", "kind", "", "org.kind.required"},
			{"bad kind", "kind", "shop", "org.kind.required"},
			{"script as website", "website", "javascript:alert(1)", "org.website.invalid"},
			{"website without scheme", "website", "example.org", "org.website.invalid"},
			{"summary too long", "summary", strings.Repeat("s", 2001), "org.summary.long"},
			{"region too long", "region", strings.Repeat("r", 81), "org.region.long"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := valid()
				f.Set(tc.field, tc.value)
				r := c.post("/organisations", f)
				if r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.Status)
				}
				if got, want := fieldError(r.Body, tc.field), e.T(tc.key); got != want {
					t.Errorf("message next to %s: %q, want %q", tc.field, got, want)
				}
				if tc.field != "kind" {
					if got := fieldValue(r.Body, tc.field); got != tc.value {
						t.Errorf("%s shows %.20q, want the typed text kept", tc.field, got)
					}
				}
				if strings.Contains(r.Body, `href="javascript:`) {
					t.Errorf("the page links to the script")
				}
			})
		}
		if l, _ := e.Srv.Organisations.List(context.Background(), organisations.Filter{Status: organisations.Pending}); len(l) != 1 {
			t.Errorf("%d organisations after refused forms, want 1", len(l))
		}
		// Editing checks the same rules, and keeps the slug.
		o := e.createOrganisation("founder", "Editable", organisations.Agency, true)
		f := valid()
		f.Set("website", "javascript:alert(1)")
		if r := c.post("/organisations/"+o.Slug+"/edit", f); r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "website") != e.T("org.website.invalid") {
			t.Errorf("edit with a script website: %d", r.Status)
		}
		f.Set("website", "https://new.example.org")
		f.Set("name", "Renamed")
		if r := c.post("/organisations/"+o.Slug+"/edit", f); r.Status != http.StatusSeeOther || r.Location != "/organisations/"+o.Slug {
			t.Errorf("edit: %d → %q", r.Status, r.Location)
		}
		if p := e.client().get("/organisations/" + o.Slug); !strings.Contains(p.Body, "<h1>Renamed</h1>") {
			t.Errorf("the edit did not show")
		}
		// A new name may not be another organisation's.
		f.Set("name", "EXISTING café")
		if r := c.post("/organisations/"+o.Slug+"/edit", f); r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "name") != e.T("org.name.taken") {
			t.Errorf("rename to a taken name: %d %q", r.Status, fieldError(r.Body, "name"))
		}
	})
}

func TestOrganisationKindFilter(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("maker")
		e.createOrganisation("maker", "Alpha Service", organisations.Service, true)
		e.createOrganisation("maker", "Beta Service", organisations.Service, true)
		e.createOrganisation("maker", "Gamma Fund", organisations.Funder, true)
		e.createOrganisation("maker", "Delta Waiting", organisations.Funder, false)
		for _, tc := range []struct {
			query      string
			show, hide []string
		}{
			{"", []string{"Alpha Service", "Beta Service", "Gamma Fund"}, []string{"Delta Waiting"}},
			{"?kind=service", []string{"Alpha Service", "Beta Service"}, []string{"Gamma Fund", "Delta Waiting"}},
			{"?kind=funder", []string{"Gamma Fund"}, []string{"Alpha Service", "Delta Waiting"}},
			{"?kind=agency", nil, []string{"Alpha Service", "Gamma Fund"}},
			{"?kind=nonsense", []string{"Alpha Service", "Gamma Fund"}, nil},
		} {
			r := e.client().get("/organisations" + tc.query)
			if r.Status != http.StatusOK {
				t.Fatalf("/organisations%s: %d", tc.query, r.Status)
			}
			for _, s := range tc.show {
				if !strings.Contains(r.Body, s) {
					t.Errorf("/organisations%s does not list %s", tc.query, s)
				}
			}
			for _, s := range tc.hide {
				if strings.Contains(r.Body, s) {
					t.Errorf("/organisations%s lists %s", tc.query, s)
				}
			}
			// Counts are of verified organisations, whatever the filter.
			for _, want := range []string{e.T("orgs.all") + " (3)", e.T("orgs.kinds.service") + " (2)", e.T("orgs.kinds.funder") + " (1)",
				e.T("orgs.kinds.agency") + " (0)", e.T("orgs.kinds.policymaker") + " (0)"} {
				if !strings.Contains(r.Body, want+"</a>") {
					t.Errorf("/organisations%s: no filter link %q", tc.query, want)
				}
			}
		}
		if r := e.client().get("/organisations?kind=funder"); !strings.Contains(r.Body, `href="/organisations?kind=funder" aria-current="page"`) {
			t.Errorf("the chosen filter is not marked current")
		}
	})
}

func TestOrganisationStaff(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		for _, h := range []string{"boss", "worker", "outsider"} {
			e.createMember(h)
		}
		o := e.createOrganisation("boss", "Staffed Service", organisations.Service, true)
		page := "/organisations/" + o.Slug
		boss := e.sessionClient("boss")
		role := func(h string) string {
			r, err := e.Srv.Organisations.StaffRole(ctx, o.ID, e.member(h).ID)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}

		for _, tc := range []struct {
			name       string
			form       url.Values
			field, key string
		}{
			{"unknown handle", url.Values{"handle": {"nobody"}, "role": {"staff"}}, "handle", "orgs.staff.no_member"},
			{"no handle", url.Values{"handle": {""}, "role": {"staff"}}, "handle", "handle.required"},
			{"bad role", url.Values{"handle": {"worker"}, "role": {"owner"}}, "role", "orgs.staff.role_invalid"},
			{"last admin demotes themselves", url.Values{"handle": {"boss"}, "role": {"staff"}}, "role", "orgs.staff.last_admin"},
		} {
			r := boss.post(page+"/staff", tc.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", tc.name, r.Status)
				continue
			}
			if got, want := fieldError(r.Body, tc.field), e.T(tc.key); got != want {
				t.Errorf("%s: message next to %s %q, want %q", tc.name, tc.field, got, want)
			}
			if got := fieldValue(r.Body, "handle"); got != tc.form.Get("handle") {
				t.Errorf("%s: handle field shows %q, want %q", tc.name, got, tc.form.Get("handle"))
			}
		}
		if role("boss") != organisations.StaffAdmin || role("worker") != "" {
			t.Fatalf("refused staff changes changed roles")
		}

		// Adding by handle, in any case.
		r := boss.post(page+"/staff", url.Values{"handle": {"WORKER"}, "role": {"staff"}})
		if r.Status != http.StatusSeeOther || r.Location != page {
			t.Fatalf("add staff: %d → %q", r.Status, r.Location)
		}
		if role("worker") != organisations.Staff {
			t.Fatalf("worker's role is %q, want staff", role("worker"))
		}
		worker := e.sessionClient("worker")
		wp := worker.get(page)
		if !strings.Contains(wp.Body, ">worker<") || !strings.Contains(wp.Body, ">boss<") {
			t.Errorf("staff do not see the staff list")
		}
		if strings.Contains(wp.Body, `action="`+page+`/staff"`) {
			t.Errorf("plain staff are offered the form to manage staff")
		}
		if op := e.sessionClient("outsider").get(page); strings.Contains(op.Body, ">boss<") || strings.Contains(op.Body, ">worker<") {
			t.Errorf("a member outside the organisation sees its staff list")
		}
		if ap := e.client().get(page); strings.Contains(ap.Body, ">boss<") {
			t.Errorf("anonymous readers see the staff list")
		}

		// The last admin cannot leave either.
		r = boss.post(page+"/staff/remove", url.Values{"handle": {"boss"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(unescaped(r.Body), e.T("orgs.staff.last_admin")) {
			t.Errorf("last admin leaves: %d, want 422 with the message", r.Status)
		}
		// Staff cannot remove others, nor an outsider anyone.
		if r := worker.post(page+"/staff/remove", url.Values{"handle": {"boss"}}); r.Status != http.StatusForbidden {
			t.Errorf("staff removes the admin: %d, want 403", r.Status)
		}
		if r := e.sessionClient("outsider").post(page+"/staff/remove", url.Values{"handle": {"worker"}}); r.Status != http.StatusForbidden {
			t.Errorf("outsider removes staff: %d, want 403", r.Status)
		}
		if r := e.sessionClient("outsider").post(page+"/staff", url.Values{"handle": {"outsider"}, "role": {"admin"}}); r.Status != http.StatusForbidden {
			t.Errorf("outsider makes themselves admin: %d, want 403", r.Status)
		}
		if role("outsider") != "" || role("boss") != organisations.StaffAdmin {
			t.Fatalf("refused removals changed the staff")
		}

		// With a second admin, the first may step down.
		boss.post(page+"/staff", url.Values{"handle": {"worker"}, "role": {"admin"}})
		if r := boss.post(page+"/staff", url.Values{"handle": {"boss"}, "role": {"staff"}}); r.Status != http.StatusSeeOther {
			t.Errorf("an admin steps down while another admin remains: %d", r.Status)
		}
		if role("boss") != organisations.Staff {
			t.Errorf("boss's role is %q, want staff", role("boss"))
		}
		// Staff can leave.
		r = boss.post(page+"/staff/remove", url.Values{"handle": {"boss"}})
		if r.Status != http.StatusSeeOther || r.Location != "/me" {
			t.Errorf("staff leaves: %d → %q, want 303 → /me", r.Status, r.Location)
		}
		if role("boss") != "" {
			t.Errorf("boss is still %q after leaving", role("boss"))
		}
	})
}

// TestOrganisationDirectory checks the topics and languages an
// organisation gives, and /organisations filtered by them with counts.
func TestOrganisationDirectory(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		e.createMember("maker")
		c := e.sessionClient("maker")
		form := url.Values{"name": {"Topic Service"}, "kind": {"service"}, "region": {"Riga"},
			"topics": {"HIV testing, harm reduction"}, "languages": {"lv", "xx"}}
		r := c.post("/organisations", form)
		if r.Status != http.StatusUnprocessableEntity || anyFieldError(r.Body, "languages") != e.T("directory.language.invalid") {
			t.Fatalf("an unknown language: %d %q", r.Status, anyFieldError(r.Body, "languages"))
		}
		if fieldValue(r.Body, "topics") != "HIV testing, harm reduction" || !strings.Contains(r.Body, `value="lv" checked`) {
			t.Errorf("the form lost what was typed")
		}
		form["languages"] = []string{"lv", "ru", "en"}
		if r := c.post("/organisations", form); r.Status != http.StatusSeeOther {
			t.Fatalf("register: %d", r.Status)
		}
		o, err := e.Srv.Organisations.BySlug(ctx, "topic-service")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Srv.Organisations.Review(ctx, e.DB, o.ID, e.member("maker").ID, organisations.Verified, ""); err != nil {
			t.Fatal(err)
		}
		other := e.createOrganisation("maker", "Other Fund", organisations.Funder, true)
		if err := e.Srv.Organisations.Update(ctx, other.ID, organisations.Input{Name: "Other Fund", Kind: organisations.Funder,
			Region: "Utrecht", Topics: "harm reduction", Languages: "nl"}); err != nil {
			t.Fatal(err)
		}

		all := e.client().get("/organisations").Body
		for _, want := range []string{`href="/organisations?topic=harm&#43;reduction">harm reduction (2)</a>`, `href="/organisations?region=Riga">Riga (1)</a>`,
			`<span lang="ru" dir="ltr">Русский</span> (1)</a>`, e.T("orgs.all") + " (2)</a>"} {
			if !strings.Contains(all, want) {
				t.Errorf("/organisations lacks %s", want)
			}
		}
		for _, tc := range []struct {
			query      string
			show, hide []string
		}{
			{"?topic=hiv+testing", []string{"Topic Service"}, []string{"Other Fund"}},
			{"?language=nl", []string{"Other Fund"}, []string{"Topic Service"}},
			{"?region=riga&kind=funder", nil, []string{"Topic Service", "Other Fund"}},
			{"?topic=" + strings.Repeat("x", 300), []string{"Topic Service", "Other Fund"}, nil},
		} {
			r := e.client().get("/organisations" + tc.query)
			for _, s := range tc.show {
				if !strings.Contains(r.Body, `">`+s+`</a></h2>`) {
					t.Errorf("/organisations%s does not list %s", tc.query, s)
				}
			}
			for _, s := range tc.hide {
				if strings.Contains(r.Body, `">`+s+`</a></h2>`) {
					t.Errorf("/organisations%s lists %s", tc.query, s)
				}
			}
		}
		// The chosen value keeps the other filters in its links.
		if r := e.client().get("/organisations?language=nl&kind=funder"); !strings.Contains(r.Body, `href="/organisations?kind=funder&amp;language=nl" aria-current="page"`) {
			t.Errorf("the chosen filters are not marked current")
		}
		page := e.client().get("/organisations/topic-service").Body
		if !strings.Contains(page, `href="/organisations?topic=HIV&#43;testing"`) && !strings.Contains(page, `href="/organisations?topic=HIV%20testing"`) {
			t.Errorf("the organisation page does not link its topics")
		}
		ed := c.get("/organisations/topic-service/edit").Body
		if fieldValue(ed, "topics") != "HIV testing, harm reduction" || !strings.Contains(ed, `value="ru" checked`) {
			t.Errorf("the edit form is not filled in")
		}
	})
}
