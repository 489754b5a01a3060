package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/i18n"
	"involve/internal/organisations"
	"involve/internal/support"
	"involve/internal/testutil"
)

var supportLocation = regexp.MustCompile(`^/groups/([a-z0-9-]+)/support/([0-9]+)$`)

// TestSupportFlow walks the whole path on both databases: a group asks
// (first with mistakes), services find the request and offer (one with a
// mistake), the group declines one offer and accepts another, and the
// organisation shows as supporting the group.
func TestSupportFlow(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		for _, h := range []string{"founder", "mod", "peer", "lena", "harbour_admin", "clinic_admin", "outsider"} {
			e.createMember(h)
		}
		g := e.supGroup("founder", "Noord Peers", groups.Public)
		e.supAddMember(g, "mod", groups.Moderator)
		e.supAddMember(g, "peer", groups.Member)
		harbour := e.createOrganisation("harbour_admin", "Harbour Service", organisations.Service, true)
		e.addStaff(harbour, "lena", organisations.Staff)
		clinic := e.createOrganisation("clinic_admin", "Positive Clinic", organisations.Service, true)
		mod, lena, clinicAdmin, peer := e.sessionClient("mod"), e.sessionClient("lena"), e.sessionClient("clinic_admin"), e.sessionClient("peer")

		// The group's page offers the form to its moderators only.
		if r := mod.get("/groups/noord-peers/support"); r.Status != http.StatusOK || !strings.Contains(r.Body, `action="/groups/noord-peers/support"`) {
			t.Fatalf("the moderator's support page: %d", r.Status)
		}
		if r := peer.get("/groups/noord-peers/support"); r.Status != http.StatusOK || strings.Contains(r.Body, `action="/groups/noord-peers/support"`) {
			t.Errorf("a plain member sees the form to ask (status %d)", r.Status)
		}

		// Mistakes: each shown next to its field, what was typed kept.
		r := mod.post("/groups/noord-peers/support", url.Values{"kind": {"car"}, "title": {"ab"}, "details": {"Twelve of us"}, "needed_by": {"2020-01-01"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("asking with mistakes: status %d", r.Status)
		}
		for field, key := range map[string]string{"kind": "support.kind.required", "title": "support.title.length", "needed_by": "support.needed_by.past"} {
			if got := fieldError(r.Body, field); got != e.T(key) {
				t.Errorf("next to %s: %q, want %q", field, got, e.T(key))
			}
		}
		if got := fieldValue(r.Body, "details"); got != "Twelve of us" {
			t.Errorf("the details were not kept: %q", got)
		}
		if got := fieldValue(r.Body, "title"); got != "ab" {
			t.Errorf("the title was not kept: %q", got)
		}
		needed := time.Now().AddDate(0, 1, 0).Format(support.DateLayout)
		r = mod.post("/groups/noord-peers/support", url.Values{"kind": {"venue"}, "title": {"A room for our monthly meeting"},
			"details": {"Twelve of us, step-free please."}, "needed_by": {needed}})
		m := supportLocation.FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("asking: status %d to %q", r.Status, r.Location)
		}
		reqPath := r.Location
		r = mod.get(reqPath)
		if !strings.Contains(r.Body, e.T("support.created")) || !strings.Contains(r.Body, "A room for our monthly meeting") {
			t.Errorf("the request page after asking does not show the request and the notice")
		}

		// Anyone finds it on /support and in search.
		anon := e.client()
		r = anon.get("/support?kind=venue")
		if !strings.Contains(r.Body, reqPath) {
			t.Errorf("/support does not list the request")
		}
		if r := anon.get("/support?kind=money"); strings.Contains(r.Body, reqPath) {
			t.Errorf("/support?kind=money lists a venue request")
		}
		if r := anon.get("/search?q=monthly+meeting"); !strings.Contains(r.Body, reqPath) {
			t.Errorf("search does not find the request")
		}
		// The public page shows no offer form and no offers to them.
		if r := anon.get(reqPath); strings.Contains(r.Body, "/offers") {
			t.Errorf("an anonymous reader sees offers or the offer form")
		}

		// Lena offers for Harbour: first without saying what.
		r = lena.get(reqPath)
		if got := fieldValue(r.Body, "org"); got != fmt.Sprint(harbour.ID) {
			t.Errorf("the offer form does not choose Lena's one organisation: %q", got)
		}
		r = lena.post(reqPath+"/offers", url.Values{"org": {fmt.Sprint(harbour.ID)}, "what": {"  "}})
		if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "what") != e.T("support.what.required") {
			t.Errorf("an empty offer: status %d, error %q", r.Status, fieldError(r.Body, "what"))
		}
		// Offering for an organisation she does not act for is refused at the field.
		r = lena.post(reqPath+"/offers", url.Values{"org": {fmt.Sprint(clinic.ID)}, "what": {"Their room"}})
		if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "org") != e.T("support.offer.org_required") {
			t.Errorf("offering for another organisation: status %d, error %q", r.Status, fieldError(r.Body, "org"))
		}
		if got := fieldValue(r.Body, "what"); got != "Their room" {
			t.Errorf("the offer text was not kept: %q", got)
		}
		r = lena.post(reqPath+"/offers", url.Values{"org": {fmt.Sprint(harbour.ID)}, "what": {"Our meeting room, Tuesdays 18:00-20:00"}})
		if r.Status != http.StatusSeeOther || r.Location != reqPath {
			t.Fatalf("offering: status %d to %q", r.Status, r.Location)
		}
		r = lena.get(reqPath)
		if !strings.Contains(unescaped(r.Body), e.T("support.offered")) || !strings.Contains(unescaped(r.Body), e.T("support.offer.already")) {
			t.Errorf("after offering Lena does not see that her offer waits")
		}
		if strings.Contains(r.Body, `action="`+reqPath+`/offers"`) {
			t.Errorf("Lena is offered the form again while Harbour's offer waits")
		}
		r = clinicAdmin.post(reqPath+"/offers", url.Values{"org": {fmt.Sprint(clinic.ID)}, "what": {"The waiting room after hours"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("the clinic's offer: status %d", r.Status)
		}
		// Each organisation sees only its own offer; the group sees both.
		if r := lena.get(reqPath); strings.Contains(r.Body, "The waiting room after hours") {
			t.Errorf("Harbour's staff see the clinic's offer")
		}
		r = peer.get(reqPath)
		if !strings.Contains(r.Body, "The waiting room after hours") || !strings.Contains(r.Body, "Our meeting room") {
			t.Errorf("a member of the group does not see both offers")
		}
		if strings.Contains(r.Body, "/accept") {
			t.Errorf("a plain member is offered the accept button")
		}
		var waitingNotes int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = 'support.offer'`).Scan(&waitingNotes); err != nil {
			t.Fatal(err)
		}
		if waitingNotes != 4 { // two offers, each to the founder (admin) and the moderator
			t.Errorf("%d offer notifications, want 4", waitingNotes)
		}

		offers, err := e.Srv.Support.Offers(ctx, supID(t, m[2]))
		if err != nil || len(offers) != 2 {
			t.Fatalf("offers: %v %d", err, len(offers))
		}
		var harbourOffer, clinicOffer *support.Offer
		for _, o := range offers {
			if o.OrganisationID == harbour.ID {
				harbourOffer = o
			} else {
				clinicOffer = o
			}
		}
		r = mod.get(reqPath)
		for _, o := range offers {
			if !strings.Contains(r.Body, fmt.Sprintf(`action="%s/offers/%d/accept"`, reqPath, o.ID)) {
				t.Errorf("the moderator has no accept button for offer %d", o.ID)
			}
		}
		// Staff may not decide for the group.
		if r := lena.post(fmt.Sprintf("%s/offers/%d/accept", reqPath, harbourOffer.ID), nil); r.Status != http.StatusForbidden {
			t.Errorf("staff accepting their own offer: %d", r.Status)
		}
		// Decline the clinic's, accept Harbour's.
		r = mod.post(fmt.Sprintf("%s/offers/%d/decline", reqPath, clinicOffer.ID), nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("declining: %d", r.Status)
		}
		r = mod.post(fmt.Sprintf("%s/offers/%d/accept", reqPath, harbourOffer.ID), nil)
		if r.Status != http.StatusSeeOther || r.Location != reqPath {
			t.Fatalf("accepting: %d to %q", r.Status, r.Location)
		}
		r = anon.get(reqPath)
		if !strings.Contains(unescaped(r.Body), e.T("support.met_by", "Harbour Service")) {
			t.Errorf("the fulfilled request does not say who met it")
		}
		r = anon.get("/groups/noord-peers/support")
		if !strings.Contains(r.Body, `href="/organisations/harbour-service"`) || !strings.Contains(r.Body, "Our meeting room, Tuesdays 18:00-20:00") {
			t.Errorf("the group's support page does not list Harbour as a supporter")
		}
		if r := anon.get("/support"); strings.Contains(r.Body, reqPath) {
			t.Errorf("/support still lists the fulfilled request")
		}
		if r := anon.get("/search?q=monthly+meeting"); strings.Contains(r.Body, reqPath) {
			t.Errorf("search still finds the fulfilled request")
		}
		// A second accept, of the declined offer, is refused.
		if r := mod.post(fmt.Sprintf("%s/offers/%d/accept", reqPath, clinicOffer.ID), nil); r.Status != http.StatusConflict {
			t.Errorf("a second accept: %d, want 409", r.Status)
		}
		// Those who offered were told.
		for h, kind := range map[string]string{"lena": "support.accepted", "harbour_admin": "support.accepted", "clinic_admin": "support.declined"} {
			var n int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE member_id = ? AND kind = ? AND url = ?`,
				e.member(h).ID, kind, reqPath).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("%s has %d %s notifications", h, n, kind)
			}
		}

		// The organisation's page shows its offers to its staff only.
		r = lena.get("/organisations/harbour-service")
		if !strings.Contains(r.Body, e.T("support.org.offers_title")) || !strings.Contains(r.Body, reqPath) || !strings.Contains(r.Body, `href="/groups/new?kind=integrated-initiative&amp;organisation=harbour-service"`) {
			t.Errorf("Harbour's staff do not see its offers and the link to start a group")
		}
		if r := e.sessionClient("outsider").get("/organisations/harbour-service"); strings.Contains(r.Body, e.T("support.org.offers_title")) {
			t.Errorf("someone not on the staff sees Harbour's offers")
		}

		// The data download holds the request for the moderator and the offer for Lena.
		if r := mod.get("/me/data.json"); !strings.Contains(r.Body, "A room for our monthly meeting") {
			t.Errorf("the moderator's data does not hold the request")
		}
		if r := lena.get("/me/data.json"); !strings.Contains(r.Body, "Our meeting room, Tuesdays") {
			t.Errorf("Lena's data does not hold her offer")
		}
	})
}

func supID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestSupportEditCloseWithdraw covers changing and closing a request and
// taking an offer back.
func TestSupportEditCloseWithdraw(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"founder", "lena", "harbour_admin"} {
			e.createMember(h)
		}
		g := e.supGroup("founder", "Quiet Circle", groups.MembersOnly)
		harbour := e.createOrganisation("harbour_admin", "Harbour Service", organisations.Service, true)
		e.addStaff(harbour, "lena", organisations.Staff)
		req := e.supRequest(g, "founder", "Flip chart and pens")
		// An old date may stay when the request is changed.
		if _, err := d.Exec(context.Background(), `UPDATE support_requests SET needed_by = ? WHERE id = ?`,
			time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), req.ID); err != nil {
			t.Fatal(err)
		}
		founder, lena := e.sessionClient("founder"), e.sessionClient("lena")
		path := supportPath(g, req.ID)

		r := founder.get(path + "/edit")
		if r.Status != http.StatusOK || fieldValue(r.Body, "needed_by") != "2020-01-02" || fieldValue(r.Body, "kind") != "venue" {
			t.Fatalf("the edit form: %d, needed_by %q", r.Status, fieldValue(r.Body, "needed_by"))
		}
		r = founder.post(path+"/edit", url.Values{"kind": {"materials"}, "title": {""}, "details": {"For the workshop"}, "needed_by": {"2020-01-02"}})
		if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "title") != e.T("support.title.required") || fieldError(r.Body, "needed_by") != "" {
			t.Errorf("editing without a title: %d, title %q, date %q", r.Status, fieldError(r.Body, "title"), fieldError(r.Body, "needed_by"))
		}
		r = founder.post(path+"/edit", url.Values{"kind": {"materials"}, "title": {"Flip chart, pens and tape"}, "details": {"For the workshop"}, "needed_by": {"2020-01-03"}})
		if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "needed_by") != e.T("support.needed_by.past") {
			t.Errorf("moving the date into the past: %d", r.Status)
		}
		r = founder.post(path+"/edit", url.Values{"kind": {"materials"}, "title": {"Flip chart, pens and tape"}, "details": {"For the workshop"}, "needed_by": {""}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("editing: %d", r.Status)
		}
		got, _ := e.Srv.Support.Request(context.Background(), g.ID, req.ID)
		if got.Title != "Flip chart, pens and tape" || got.Kind != support.Materials || got.NeededBy != nil {
			t.Errorf("after editing: %+v", got)
		}

		// A members-only group's request: verified staff see it and offer.
		if r := e.client().get(path); r.Status != http.StatusForbidden {
			t.Errorf("an anonymous reader on a members-only group's request: %d", r.Status)
		}
		r = lena.post(path+"/offers", url.Values{"org": {fmt.Sprint(harbour.ID)}, "what": {"A box of pens"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("offering: %d", r.Status)
		}
		offers, _ := e.Srv.Support.Offers(context.Background(), req.ID)
		withdraw := fmt.Sprintf("%s/offers/%d/withdraw", path, offers[0].ID)
		if r := founder.post(withdraw, nil); r.Status != http.StatusForbidden {
			t.Errorf("the group withdrawing an organisation's offer: %d", r.Status)
		}
		if r := lena.post(withdraw, nil); r.Status != http.StatusSeeOther {
			t.Errorf("withdrawing: %d", r.Status)
		}
		if r := lena.post(withdraw, nil); r.Status != http.StatusConflict {
			t.Errorf("withdrawing twice: %d", r.Status)
		}
		r = lena.get(path)
		if !strings.Contains(r.Body, e.T("support.offer.status.withdrawn")) || !strings.Contains(r.Body, `action="`+path+`/offers"`) {
			t.Errorf("after withdrawing Lena does not see the withdrawn offer and the form to offer again")
		}

		// Closing ends it; the close button and the forms go.
		if r := founder.post(path+"/close", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("closing: %d", r.Status)
		}
		r = founder.get(path)
		if !strings.Contains(r.Body, e.T("support.status.closed")) || strings.Contains(r.Body, path+"/close") {
			t.Errorf("the closed request still offers to close it")
		}
		if r := lena.get(path); strings.Contains(r.Body, `action="`+path+`/offers"`) {
			t.Errorf("a closed request still takes offers")
		}
		if r := founder.post(path+"/edit", url.Values{"kind": {"materials"}, "title": {"Again"}}); r.Status != http.StatusConflict {
			t.Errorf("editing a closed request: %d", r.Status)
		}
	})
}

// TestSupportListVisibility checks /support for each kind of reader.
func TestSupportListVisibility(t *testing.T) {
	e := sqliteEnv(t)
	for _, h := range []string{"founder", "lena", "harbour_admin", "padmin", "peer"} {
		e.createMember(h)
	}
	harbour := e.createOrganisation("harbour_admin", "Harbour Service", organisations.Service, true)
	e.addStaff(harbour, "lena", organisations.Staff)
	e.createOrganisation("padmin", "Pending Agency", organisations.Agency, false)
	titles := map[string]string{groups.Public: "Public ask", groups.MembersOnly: "Members ask", groups.Secret: "Secret ask"}
	for vis, title := range titles {
		g := e.supGroup("founder", "Group "+vis, vis)
		e.supRequest(g, "founder", title)
	}
	for _, tc := range []struct {
		who  string
		c    *client
		want []string
	}{
		{"anonymous", e.client(), []string{"Public ask"}},
		{"staff of a pending organisation", e.sessionClient("padmin"), []string{"Public ask"}},
		{"staff of a verified organisation", e.sessionClient("lena"), []string{"Public ask", "Members ask"}},
		{"a member of every group", e.sessionClient("founder"), []string{"Public ask", "Members ask", "Secret ask"}},
	} {
		r := tc.c.get("/support")
		for _, title := range titles {
			want := false
			for _, w := range tc.want {
				want = want || w == title
			}
			if got := strings.Contains(r.Body, title); got != want {
				t.Errorf("%s: /support shows %q: %v, want %v", tc.who, title, got, want)
			}
		}
		if !strings.Contains(r.Body, e.Srv.I18n.Printer(i18n.Languages[0]).N("support.list.count", len(tc.want))) {
			t.Errorf("%s: /support does not count %d requests", tc.who, len(tc.want))
		}
	}
	// A region nobody asked from shows nothing, and says so.
	if r := e.client().get("/support?region=Riga"); !strings.Contains(r.Body, e.T("support.list.none")) {
		t.Errorf("/support?region=Riga does not say there is nothing")
	}
}
