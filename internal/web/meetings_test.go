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
	"involve/internal/organisations"
	"involve/internal/testutil"
)

var meetingLocation = regexp.MustCompile(`^/meetings/([0-9]+)$`)

// meetingForm is a filled-in meeting form a week ahead; change overrides
// fields ("" deletes one).
func meetingForm(change map[string]string) url.Values {
	day := time.Now().AddDate(0, 0, 7).Format("2006-01-02")
	v := url.Values{"title": {"Monthly peer meeting"}, "description": {"We talk about **access** to services."},
		"time_zone": {"Europe/Amsterdam"}, "date": {day}, "start_time": {"18:00"}, "end_time": {"20:00"},
		"mode": {"in_person"}, "venue": {"Harbour House"}, "address": {"Kade 1, Utrecht"}, "access": {"step_free", "quiet_room"},
		"travel": {"Public transport paid back in cash, up to 20 euro"}, "childcare": {"A childminder next door"},
		"registration": {"open"}, "capacity": {"1"}, "show_count": {"1"}, "language": {"nl"}, "region": {"Utrecht"}}
	for k, val := range change {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	return v
}

// arrange posts a meeting form as c for the place in query and returns
// the new meeting's path.
func arrange(t *testing.T, c *client, query string, form url.Values) string {
	t.Helper()
	r := c.post("/meetings/new?"+query, form)
	if r.Status != http.StatusSeeOther || !meetingLocation.MatchString(r.Location) {
		t.Fatalf("arranging a meeting: status %d to %q\n%s", r.Status, r.Location, fieldErrors(r.Body))
	}
	return r.Location
}

// backdate moves a meeting to yesterday, so it is over.
func (e *testEnv) backdate(path string) {
	e.t.Helper()
	id := strings.TrimPrefix(path, "/meetings/")
	start := time.Now().Add(-26 * time.Hour).UTC()
	if _, err := e.DB.Exec(context.Background(), `UPDATE meetings SET starts_at = ?, ends_at = ? WHERE id = ?`,
		start, start.Add(2*time.Hour), id); err != nil {
		e.t.Fatal(err)
	}
}

// TestMeetingFormValidation checks that every mistake is named beside its
// field, with what was typed kept.
func TestMeetingFormValidation(t *testing.T) {
	e := sqliteEnv(t)
	for _, h := range []string{"founder", "boss", "staffer"} {
		e.createMember(h)
	}
	g := e.supGroup("founder", "Noord Peers", groups.Public)
	o := e.createOrganisation("boss", "Harbour Service", organisations.Service, true)
	e.addStaff(o, "staffer", organisations.Staff)
	c := e.sessionClient("founder")

	r := c.get("/meetings/new?group=" + g.Slug)
	if r.Status != http.StatusOK || fieldValue(r.Body, "time_zone") != "Europe / London" {
		t.Fatalf("the new meeting form: status %d, zone %q", r.Status, fieldValue(r.Body, "time_zone"))
	}
	for _, tc := range []struct {
		name   string
		change map[string]string
		field  string
		key    string
	}{
		{"no title", map[string]string{"title": ""}, "title", "meetings.title.required"},
		{"a date that is not one", map[string]string{"date": "2026-02-30"}, "date", "meetings.date.invalid"},
		{"a time that is not one", map[string]string{"start_time": "25:00"}, "start_time", "meetings.time.invalid"},
		{"end before start", map[string]string{"end_time": "17:00"}, "end_time", "meetings.end.before_start"},
		{"unknown zone", map[string]string{"time_zone": "Mars/Olympus"}, "time_zone", "meetings.time_zone.invalid"},
		{"capacity not a number", map[string]string{"capacity": "twelve"}, "capacity", "meetings.capacity.invalid"},
		{"a javascript link", map[string]string{"mode": "online", "online_link": "javascript:alert(1)"}, "online_link", "meetings.link.invalid"},
		{"an ftp link", map[string]string{"mode": "both", "online_link": "ftp://files.example.org/x"}, "online_link", "meetings.link.invalid"},
		{"online without a link", map[string]string{"mode": "online"}, "online_link", "meetings.online_link.required"},
		{"no mode", map[string]string{"mode": ""}, "mode", "meetings.mode.required"},
		{"a bad amount", map[string]string{"honorarium_amount": "25.5.0", "honorarium_currency": "EUR"}, "honorarium_amount", "meetings.amount.invalid"},
		{"a series without an end", map[string]string{"freq": "weekly"}, "until", "meetings.until.required"},
		{"a series ending before it starts", map[string]string{"freq": "weekly", "until": "2020-01-01"}, "until", "meetings.until.before"},
	} {
		form := meetingForm(tc.change)
		r := c.post("/meetings/new?group="+g.Slug, form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.name, r.Status)
			continue
		}
		if got := fieldError(r.Body, tc.field); got != e.T(tc.key) {
			t.Errorf("%s: next to %s %q, want %q (errors on %v)", tc.name, tc.field, got, e.T(tc.key), fieldErrors(r.Body))
		}
		if !strings.Contains(r.Body, `href="#f-`+tc.field+`"`) {
			t.Errorf("%s: the summary does not link to %s", tc.name, tc.field)
		}
		for _, kept := range []string{"venue", "travel", "childcare", "region"} {
			if got := fieldValue(r.Body, kept); got != form.Get(kept) {
				t.Errorf("%s: %s not kept: %q", tc.name, kept, got)
			}
		}
	}
	// A zone not in the list, but real, is kept and accepted.
	path := arrange(t, c, "group="+g.Slug, meetingForm(map[string]string{"time_zone": "America/Argentina/Salta"}))
	if r := c.get(path); !strings.Contains(unescaped(r.Body), "America / Argentina / Salta") {
		t.Errorf("the meeting page does not name its zone")
	}
	// The form sends a zone as its option's label, which names it too.
	path = arrange(t, c, "group="+g.Slug, meetingForm(map[string]string{"time_zone": "America / North Dakota / New Salem"}))
	if r := c.get(path); !strings.Contains(unescaped(r.Body), "America / North Dakota / New Salem") {
		t.Errorf("a zone sent as its label is not kept")
	}
	for _, z := range append(meetingZones, "America/North_Dakota/New_Salem", "") {
		if got := zoneFromLabel(zoneLabel(z)); got != z {
			t.Errorf("zoneFromLabel(zoneLabel(%q)) = %q", z, got)
		}
	}
	// Staff of the organisation arrange for it; a group member may not.
	arrange(t, e.sessionClient("staffer"), "organisation="+o.Slug, meetingForm(nil))
	if r := e.sessionClient("staffer").post("/meetings/new?group="+g.Slug, meetingForm(nil)); r.Status != http.StatusForbidden {
		t.Errorf("staff arranging for a group they do not run: status %d", r.Status)
	}
	if n := e.rowsOf(`SELECT COUNT(*), 0, 0, 0, 0, 0, 0, 0 FROM meetings`); n[0] != "3 0 0 0 0 0 0 0" {
		t.Errorf("meetings stored: %v, want 3", n)
	}
}

// TestMeetingFlow walks a meeting's life on both databases: a service
// arranges it with one place; a member registers; a peer without an
// account registers under an alias and waits; the member cancels and the
// peer gets the place; after the meeting the organiser records minutes,
// attendance and a payment that the member sees and the organisation
// exports.
func TestMeetingFlow(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"boss", "lena", "amir", "other"} {
			e.createMember(h)
		}
		o := e.createOrganisation("boss", "Harbour Service", organisations.Service, true)
		e.addStaff(o, "lena", organisations.Staff)
		lena, amir, anon := e.sessionClient("lena"), e.sessionClient("amir"), e.client()

		path := arrange(t, lena, "organisation="+o.Slug, meetingForm(nil))
		page := unescaped(anon.get(path).Body)
		for _, want := range []string{"Monthly peer meeting", "Harbour House", "Public transport paid back in cash, up to 20 euro",
			"A childminder next door", e.T("meetings.access.step_free"), e.T("meetings.zone_named", "Europe / Amsterdam")} {
			if !strings.Contains(page, want) {
				t.Errorf("the meeting page lacks %q", want)
			}
		}
		if r := anon.get("/meetings"); !strings.Contains(r.Body, `href="`+path+`"`) {
			t.Errorf("/meetings does not list the meeting")
		}
		if r := anon.get("/organisations/" + o.Slug); !strings.Contains(r.Body, `href="`+path+`"`) {
			t.Errorf("the organisation's page does not list its meeting")
		}

		// A member registers in one step, with a note.
		r := amir.post(path+"/register", url.Values{"note": {"I use a wheelchair"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("registering: status %d", r.Status)
		}
		if body := unescaped(amir.get(path).Body); !strings.Contains(body, e.T("meetings.state.registered")) {
			t.Errorf("after registering the page does not say so")
		}
		// A peer without an account registers under an alias: full, so waiting.
		r = anon.post(path+"/register", url.Values{"alias": {"River"}, "note": {"Coming by train"}})
		if r.Status != http.StatusOK {
			t.Fatalf("registering by alias: status %d", r.Status)
		}
		code := regexp.MustCompile(`<code>([A-Z2-7-]+)</code>`).FindStringSubmatch(r.Body)
		if code == nil {
			t.Fatalf("no personal code shown:\n%s", r.Body)
		}
		manage := path + "/manage/" + code[1]
		if !strings.Contains(unescaped(r.Body), e.T("meetings.state.waiting_at", 1)) {
			t.Errorf("the alias is not told they wait as number 1")
		}
		if r := anon.get(manage); r.Status != http.StatusOK || strings.Contains(r.Body, code[1]+"</code>") {
			t.Errorf("the manage page: status %d, or it shows the code again", r.Status)
		}
		if r := anon.get(path + "/manage/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"); r.Status != http.StatusNotFound {
			t.Errorf("a wrong code: status %d", r.Status)
		}

		// The organisers see both, with notes; the public does not see notes.
		r = lena.get(path + "/registrations")
		if body := unescaped(r.Body); !strings.Contains(body, "I use a wheelchair") || !strings.Contains(body, "River") {
			t.Errorf("the registrations page lacks a registration")
		}
		if body := anon.get(path).Body; strings.Contains(body, "wheelchair") || strings.Contains(body, "amir") {
			t.Errorf("the public meeting page shows a note or a name")
		}

		// The member cancels: the alias moves up.
		if r := amir.post(path+"/unregister", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("cancelling: status %d", r.Status)
		}
		if body := unescaped(anon.get(manage).Body); !strings.Contains(body, e.T("meetings.state.registered")) {
			t.Errorf("the alias did not get the place")
		}

		// After the meeting: minutes, attendance and a payment.
		e.backdate(path)
		r = lena.post(path+"/minutes", url.Values{"minutes": {"We met."}, "decision": {"Meet monthly", ""},
			"action": {"Book the room", ""}, "action_who": {"Lena", ""}, "action_due": {"2030-01-01", ""}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("saving minutes: status %d %v", r.Status, fieldErrors(r.Body))
		}
		if body := anon.get(path).Body; !strings.Contains(body, "Meet monthly") || !strings.Contains(body, "Book the room") {
			t.Errorf("the minutes are not on the meeting page")
		}
		r = lena.get(path + "/attendance")
		regID := regexp.MustCompile(`name="attended" value="([0-9]+)"`).FindStringSubmatch(r.Body)
		if regID == nil {
			t.Fatalf("no one to mark on the attendance page:\n%s", r.Body)
		}
		if r := lena.post(path+"/attendance", url.Values{"attended": {regID[1]}}); r.Status != http.StatusSeeOther {
			t.Errorf("saving attendance: status %d", r.Status)
		}
		r = lena.post(path+"/payments", url.Values{"registration": {regID[1]}, "kind": {"reimbursement"}, "amount": {"12,5"},
			"currency": {"EUR"}, "method": {"bank"}, "status": {"paid"}})
		if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "method") != e.T("meetings.payment.method_required") {
			t.Errorf("a payment with a bad method: status %d, %v", r.Status, fieldErrors(r.Body))
		}
		if got := fieldValue(r.Body, "amount"); got != "12,5" {
			t.Errorf("the amount was not kept: %q", got)
		}
		r = lena.post(path+"/payments", url.Values{"registration": {regID[1]}, "kind": {"reimbursement"}, "amount": {"12,5"},
			"currency": {"EUR"}, "method": {"cash"}, "status": {"paid"}, "purpose": {"Train ticket"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("recording a payment: status %d %v", r.Status, fieldErrors(r.Body))
		}
		r = lena.get("/organisations/" + o.Slug + "/payments.csv")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Body, "River") ||
			!strings.Contains(r.Body, "12.50") {
			t.Errorf("the payments CSV: status %d\n%s", r.Status, r.Body)
		}
		if r := e.sessionClient("other").get("/organisations/" + o.Slug + "/payments.csv"); r.Status != http.StatusForbidden {
			t.Errorf("the payments CSV for someone else: status %d", r.Status)
		}
	})
}

// TestMeetingMemberPayments checks that a member sees their own payment.
func TestMeetingMemberPayments(t *testing.T) {
	e := sqliteEnv(t)
	for _, h := range []string{"founder", "amir"} {
		e.createMember(h)
	}
	g := e.supGroup("founder", "Noord Peers", groups.Public)
	founder, amir := e.sessionClient("founder"), e.sessionClient("amir")
	path := arrange(t, founder, "group="+g.Slug, meetingForm(map[string]string{"capacity": ""}))
	if r := amir.post(path+"/register", url.Values{"show_name": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("registering: %d", r.Status)
	}
	if body := e.client().get(path).Body; !strings.Contains(body, "amir") {
		t.Errorf("a member who chose to show their name is not shown")
	}
	// The member changes their mind: note changed, name hidden.
	r := amir.post(path+"/registration", url.Values{"note": {strings.Repeat("x", 501)}})
	if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "note") != e.T("field.too_long") {
		t.Errorf("a note too long: status %d", r.Status)
	}
	if r := amir.post(path+"/registration", url.Values{"note": {"Vegetarian, please"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("changing the registration: status %d", r.Status)
	}
	if body := e.client().get(path).Body; strings.Contains(body, "amir") {
		t.Errorf("a member who hid their name is still shown")
	}
	if got := fieldValue(amir.get(path).Body, "note"); got != "Vegetarian, please" {
		t.Errorf("the changed note reads %q", got)
	}
	if r := amir.get("/me/meetings"); !strings.Contains(r.Body, `href="`+path+`"`) {
		t.Errorf("/me/meetings does not list the registration")
	}
	e.backdate(path)
	r = founder.get(path + "/attendance")
	regID := regexp.MustCompile(`name="attended" value="([0-9]+)"`).FindStringSubmatch(r.Body)
	if regID == nil {
		t.Fatal("nobody on the attendance page")
	}
	founder.post(path+"/payments", url.Values{"registration": {regID[1]}, "kind": {"honorarium"}, "amount": {"25"},
		"currency": {"EUR"}, "method": {"voucher"}, "status": {"pending"}})
	if body := unescaped(amir.get("/me/meetings").Body); !strings.Contains(body, "25.00 EUR") || !strings.Contains(body, e.T("meetings.payment.status.pending")) {
		t.Errorf("the member does not see their payment")
	}
}

// TestMeetingCalendars checks the .ics of a meeting, the public feeds and
// the private feed with its secret address.
func TestMeetingCalendars(t *testing.T) {
	e := sqliteEnv(t)
	for _, h := range []string{"founder", "amir", "boss"} {
		e.createMember(h)
	}
	g := e.supGroup("founder", "Noord Peers", groups.Public)
	sec := e.supGroup("founder", "Quiet Circle", groups.Secret)
	o := e.createOrganisation("boss", "Harbour Service", organisations.Service, true)
	founder, amir, anon := e.sessionClient("founder"), e.sessionClient("amir"), e.client()
	path := arrange(t, founder, "group="+g.Slug, meetingForm(map[string]string{"capacity": ""}))
	secret := arrange(t, founder, "group="+sec.Slug, meetingForm(map[string]string{"title": "Hidden circle meeting"}))
	arrange(t, e.sessionClient("boss"), "organisation="+o.Slug, meetingForm(map[string]string{"title": "Service open day"}))

	ics := func(c *client, p string, want int) string {
		t.Helper()
		r := c.get(p)
		if r.Status != want {
			t.Errorf("GET %s: status %d, want %d", p, r.Status, want)
			return ""
		}
		if want == http.StatusOK && (!strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") || !strings.Contains(r.Body, "BEGIN:VCALENDAR")) {
			t.Errorf("GET %s: not a calendar: %s", p, r.Header.Get("Content-Type"))
		}
		return r.Body
	}
	if body := ics(anon, path+".ics", http.StatusOK); !strings.Contains(body, "Monthly peer meeting") {
		t.Errorf("the meeting's .ics lacks its title")
	}
	ics(anon, secret+".ics", http.StatusNotFound)
	series := arrange(t, founder, "group="+g.Slug, meetingForm(map[string]string{"title": "Weekly circle", "freq": "weekly", "count": "3"}))
	if body := ics(anon, series+".ics?series=1", http.StatusOK); !strings.Contains(body, "RRULE:FREQ=WEEKLY") {
		t.Errorf("the series calendar has no weekly rule")
	}
	if body := ics(anon, series+".ics", http.StatusOK); strings.Contains(body, "RRULE") {
		t.Errorf("one date's calendar repeats")
	}
	if body := founder.get(series).Body; !strings.Contains(body, `href="`+series+`.ics?series=1"`) {
		t.Errorf("a series date does not link to the whole series' calendar")
	}
	ics(anon, "/meetings/x.ics", http.StatusNotFound)
	if body := ics(anon, "/groups/"+g.Slug+"/meetings.ics", http.StatusOK); !strings.Contains(body, "Monthly peer meeting") {
		t.Errorf("the group feed lacks its meeting")
	}
	ics(anon, "/groups/"+sec.Slug+"/meetings.ics", http.StatusNotFound)
	if body := ics(anon, "/organisations/"+o.Slug+"/meetings.ics", http.StatusOK); !strings.Contains(body, "Service open day") {
		t.Errorf("the organisation feed lacks its meeting")
	}

	// The private feed: made on /me/meetings, shown once.
	amir.post(path+"/register", nil)
	r := amir.post("/me/meetings/calendar", nil)
	feed := regexp.MustCompile(`value="https?://[^/"]+(/calendar/[^"]+\.ics)"`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || feed == nil {
		t.Fatalf("making the private feed: status %d", r.Status)
	}
	if body := ics(anon, feed[1], http.StatusOK); !strings.Contains(body, "Monthly peer meeting") {
		t.Errorf("the private feed lacks the member's meeting")
	}
	if r := amir.get("/me/meetings"); strings.Contains(r.Body, feed[1]) {
		t.Errorf("/me/meetings shows the secret address again")
	}
	amir.post("/me/meetings/calendar", nil)
	ics(anon, feed[1], http.StatusNotFound)
	ics(anon, "/calendar/nothing", http.StatusNotFound)
}

// TestMeetingSeriesAndCancel arranges a weekly series, changes one date
// alone and then the series, and cancels one date.
func TestMeetingSeriesAndCancel(t *testing.T) {
	e := sqliteEnv(t)
	e.createMember("founder")
	e.createMember("amir")
	g := e.supGroup("founder", "Noord Peers", groups.Public)
	founder := e.sessionClient("founder")
	first := arrange(t, founder, "group="+g.Slug, meetingForm(map[string]string{"freq": "weekly", "count": "4"}))
	if n := e.rowsOf(`SELECT COUNT(*), 0, 0, 0, 0, 0, 0, 0 FROM meetings`); n[0] != "4 0 0 0 0 0 0 0" {
		t.Fatalf("a series of 4 made %v", n)
	}
	r := founder.get(first + "/edit")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `name="scope"`) {
		t.Fatalf("editing an occurrence: status %d, no scope choice", r.Status)
	}
	form := meetingForm(map[string]string{"title": "Only this one moved", "scope": "one"})
	if r := founder.post(first+"/edit", form); r.Status != http.StatusSeeOther {
		t.Fatalf("changing one date: status %d %v", r.Status, fieldErrors(r.Body))
	}
	second := regexp.MustCompile(`href="(/meetings/[0-9]+)"`).FindAllStringSubmatch(e.client().get("/meetings").Body, -1)
	var others []string
	for _, m := range second {
		if m[1] != first && !contains(others, m[1]) {
			others = append(others, m[1])
		}
	}
	if len(others) != 3 {
		t.Fatalf("the list shows %d other dates, want 3", len(others))
	}
	form = meetingForm(map[string]string{"title": "Weekly peer meeting", "scope": "series", "start_time": "19:00", "end_time": "21:00"})
	if r := founder.post(others[0]+"/edit", form); r.Status != http.StatusSeeOther {
		t.Fatalf("changing the series: status %d %v", r.Status, fieldErrors(r.Body))
	}
	if body := founder.get(first).Body; !strings.Contains(body, "Only this one moved") {
		t.Errorf("the date changed alone followed the series")
	}
	if body := founder.get(others[2]).Body; !strings.Contains(body, "Weekly peer meeting") || !strings.Contains(body, "19:00") {
		t.Errorf("a later date did not follow the series")
	}
	// Cancel one date, with a reason.
	if r := founder.post(others[1]+"/cancel", url.Values{"scope": {"one"}, "reason": {"The venue is closed"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("cancelling: status %d", r.Status)
	}
	body := unescaped(e.client().get(others[1]).Body)
	if !strings.Contains(body, e.T("meetings.cancelled_notice")) || !strings.Contains(body, e.T("meetings.cancel_reason", "The venue is closed")) {
		t.Errorf("the cancelled date does not say so, with the reason")
	}
	for _, row := range e.rowsOf(`SELECT kind, params, url, '', '', '', '', '' FROM notifications`) {
		if strings.Contains(row, "venue is closed") {
			t.Errorf("a notification carries the reason: %s", row)
		}
	}
	// Cancelling the rest of the series, with another reason.
	if r := founder.post(others[2]+"/cancel", url.Values{"scope": {"series"}, "reason": {"We stop for the summer"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("cancelling the series: status %d", r.Status)
	}
	if body := unescaped(e.client().get(others[2]).Body); !strings.Contains(body, "We stop for the summer") {
		t.Errorf("the last date does not show the series' reason")
	}
	if body := unescaped(e.client().get(first).Body); !strings.Contains(body, e.T("meetings.cancelled_notice")) {
		t.Errorf("a date still to come was not cancelled with the series")
	}
	if r := founder.post(others[1]+"/cancel", url.Values{"scope": {"one"}}); r.Status != http.StatusConflict {
		t.Errorf("cancelling twice: status %d", r.Status)
	}
	if r := e.sessionClient("amir").post(others[1]+"/register", nil); r.Status != http.StatusConflict {
		t.Errorf("registering for a cancelled date: status %d", r.Status)
	}
}

// TestMeetingApprovalAndInvitation walks the two closed ways of
// registering: asking for a place that the organisers approve, and
// registering after an invitation by handle.
func TestMeetingApprovalAndInvitation(t *testing.T) {
	e := sqliteEnv(t)
	for _, h := range []string{"founder", "amir", "bea"} {
		e.createMember(h)
	}
	g := e.supGroup("founder", "Noord Peers", groups.Public)
	founder, amir, bea := e.sessionClient("founder"), e.sessionClient("amir"), e.sessionClient("bea")

	approval := arrange(t, founder, "group="+g.Slug, meetingForm(map[string]string{"registration": "approval", "capacity": ""}))
	if r := amir.post(approval+"/register", url.Values{"note": {"First time"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("asking for a place: status %d", r.Status)
	}
	if body := unescaped(amir.get(approval).Body); !strings.Contains(body, e.T("meetings.state.pending")) {
		t.Errorf("the asker is not told they wait for a decision")
	}
	regs := founder.get(approval + "/registrations").Body
	id := regexp.MustCompile(`action="` + approval + `/registrations/([0-9]+)"`).FindStringSubmatch(regs)
	if id == nil || !strings.Contains(regs, "First time") {
		t.Fatalf("the organiser does not see the request with its note")
	}
	if r := founder.post(approval+"/registrations/"+id[1], url.Values{"action": {"approve"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("approving: status %d", r.Status)
	}
	if body := unescaped(amir.get(approval).Body); !strings.Contains(body, e.T("meetings.state.registered")) {
		t.Errorf("after approval the member has no place")
	}
	if r := founder.post(approval+"/registrations/"+id[1], url.Values{"action": {"approve"}}); r.Status != http.StatusConflict {
		t.Errorf("approving twice: status %d", r.Status)
	}
	if r := founder.post(approval+"/registrations/"+id[1], url.Values{"action": {"cancel"}}); r.Status != http.StatusSeeOther {
		t.Errorf("cancelling someone's place: status %d", r.Status)
	}

	invited := arrange(t, founder, "group="+g.Slug, meetingForm(map[string]string{"registration": "invitation", "capacity": ""}))
	if r := bea.post(invited+"/register", nil); r.Status != http.StatusForbidden {
		t.Errorf("registering uninvited: status %d", r.Status)
	}
	if r := e.client().post(invited+"/register", url.Values{"alias": {"Sea"}}); r.Status != http.StatusForbidden {
		t.Errorf("registering by alias for an invitation-only meeting: status %d", r.Status)
	}
	r := founder.post(invited+"/invitations", url.Values{"handle": {"no_such_peer"}})
	if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "handle") != e.T("meetings.invite.no_member") || fieldValue(r.Body, "handle") != "no_such_peer" {
		t.Errorf("inviting an unknown handle: status %d, %q", r.Status, fieldError(r.Body, "handle"))
	}
	if r := founder.post(invited+"/invitations", url.Values{"handle": {"bea"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("inviting: status %d", r.Status)
	}
	if r := bea.post(invited+"/register", nil); r.Status != http.StatusSeeOther {
		t.Errorf("registering when invited: status %d", r.Status)
	}
	if n := e.rowsOf(`SELECT COUNT(*), 0, 0, 0, 0, 0, 0, 0 FROM notifications WHERE kind = 'meeting.invited'`); n[0] != "1 0 0 0 0 0 0 0" {
		t.Errorf("invitation notifications: %v", n)
	}
}

// TestMeetingListOrganisers checks the list's filters by who arranges a
// meeting: counted under the other filters, secret groups left out for
// outsiders, at most organiserFacetsMax named (the one chosen always),
// and a chosen group showing only its meetings.
func TestMeetingListOrganisers(t *testing.T) {
	e := sqliteEnv(t)
	for _, h := range []string{"founder", "boss"} {
		e.createMember(h)
	}
	founder := e.sessionClient("founder")
	var gs []*groups.Group
	for i := range organiserFacetsMax + 2 {
		g := e.supGroup("founder", fmt.Sprintf("Peer circle %02d", i), groups.Public)
		gs = append(gs, g)
		// The first groups arrange more meetings, so they come first.
		for range max(1, organiserFacetsMax+2-i-10) {
			arrange(t, founder, "group="+g.Slug, meetingForm(map[string]string{"title": "Circle meeting " + g.Name, "mode": "online",
				"venue": "", "address": "", "online_link": "https://meet.example/x"}))
		}
	}
	sec := e.supGroup("founder", "Quiet Circle", groups.Secret)
	arrange(t, founder, "group="+sec.Slug, meetingForm(map[string]string{"title": "Hidden circle meeting"}))
	o := e.createOrganisation("boss", "Harbour Service", organisations.Service, true)
	arrange(t, e.sessionClient("boss"), "organisation="+o.Slug, meetingForm(map[string]string{"title": "Service open day"}))

	anon := e.client()
	body := anon.get("/meetings").Body
	named := func(body string, g *groups.Group) bool { return strings.Contains(body, "group="+g.Slug+`"`) }
	for i, g := range gs {
		if want := i < organiserFacetsMax; named(body, g) != want {
			t.Errorf("group %d named in the filters: %v, want %v", i, !want, want)
		}
	}
	if named(body, sec) || strings.Contains(body, "Quiet Circle") {
		t.Error("a secret group is named to a visitor")
	}
	if !strings.Contains(body, "organisation="+o.Slug+`"`) {
		t.Error("the organisation is not among the filters")
	}
	if !strings.Contains(body, `>Peer circle 00 (4)</a>`) {
		t.Errorf("the busiest group's count is missing:\n%s", body)
	}

	// A group beyond the first dozen, once chosen, is named and listed alone.
	last := gs[len(gs)-1]
	body = anon.get("/meetings?group=" + last.Slug).Body
	if !named(body, last) || !strings.Contains(body, "Circle meeting "+last.Name) || strings.Contains(body, "Circle meeting "+gs[0].Name) {
		t.Errorf("filtered by %s: wrong meetings or filters", last.Slug)
	}
	// Under another filter the counts follow: no online meetings are the
	// organisation's, so it drops out.
	if body = anon.get("/meetings?mode=online").Body; strings.Contains(body, "organisation="+o.Slug+`"`) {
		t.Error("the organisation is named under a filter none of its meetings match")
	}
	if !strings.Contains(founder.get("/meetings").Body, "Quiet Circle") {
		t.Error("a secret group is not named to its member")
	}
	// An address typed in capitals chooses the same group.
	if body := anon.get("/meetings?group=" + strings.ToUpper(last.Slug)).Body; !strings.Contains(body, "Circle meeting "+last.Name) {
		t.Errorf("filtered by %s in capitals: its meeting is not listed", last.Slug)
	}
	// 21 meetings a visitor may see: twenty on the first page with a link
	// on, one on the second with a link back and none on.
	cards := regexp.MustCompile(`<li class="card meeting-card">`)
	first, second := anon.get("/meetings").Body, anon.get("/meetings?page=2").Body
	if n := len(cards.FindAllString(first, -1)); n != 20 || !strings.Contains(first, `rel="next"`) {
		t.Errorf("page 1: %d meetings, link on %v; want 20 and a link", n, strings.Contains(first, `rel="next"`))
	}
	if n := len(cards.FindAllString(second, -1)); n != 1 || strings.Contains(second, `rel="next"`) || !strings.Contains(second, `rel="prev"`) {
		t.Errorf("page 2: %d meetings; want 1, a link back and none on", n)
	}
}
