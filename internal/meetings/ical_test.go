package meetings_test

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"

	"involve/internal/db"
	"involve/internal/meetings"
	"involve/internal/testutil"
)

const base = "https://involve.example"

func parse(t *testing.T, b []byte) *ics.Calendar {
	t.Helper()
	if !bytes.Contains(b, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("lines must end in CRLF")
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, b)
	}
	return cal
}

func prop(e *ics.VEvent, p ics.ComponentProperty) string {
	if v := e.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestMeetingCalendar(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		s := fx.a.Meetings
		m := fx.create("modder", meetings.Organiser{GroupID: fx.public.ID}, input("Peer council; with, commas"))
		b, err := s.MeetingICS(ctx, m.ID, meetings.Viewer{}, base)
		if err != nil {
			t.Fatal(err)
		}
		cal := parse(t, b)
		evs := cal.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events", len(evs))
		}
		e := evs[0]
		start, err := e.GetStartAt()
		if err != nil || !start.Equal(m.Start) {
			t.Errorf("start %v %v, want %v", start, err, m.Start)
		}
		if p := e.GetProperty(ics.ComponentPropertyDtStart); p.ICalParameters["TZID"][0] != "Europe/Amsterdam" || p.Value != "20300314T190000" {
			t.Errorf("DTSTART %+v", p)
		}
		end, _ := e.GetEndAt()
		if !end.Equal(m.End) {
			t.Errorf("end %v", end)
		}
		if got := prop(e, ics.ComponentPropertySummary); got != "Peer council; with, commas" {
			t.Errorf("summary %q", got)
		}
		if got := prop(e, ics.ComponentPropertyLocation); got != "Buurthuis De Boog, Boogstraat 1, Amsterdam" {
			t.Errorf("location %q", got)
		}
		if got := prop(e, ics.ComponentPropertyUrl); got != base+m.Path() {
			t.Errorf("url %q", got)
		}
		if strings.Contains(string(b), "peers-secret") {
			t.Error("the public calendar holds the online link")
		}
		tzs := cal.Timezones()
		if len(tzs) != 1 || tzs[0].GetProperty(ics.ComponentPropertyTzid).Value != "Europe/Amsterdam" {
			t.Fatalf("timezones %+v", tzs)
		}
		// The zone around 14 March 2030 is CET, +0100.
		if !strings.Contains(string(b), "TZOFFSETTO:+0100") {
			t.Errorf("VTIMEZONE lacks CET:\n%s", b)
		}
		// A seated attendee gets the link in their copy.
		fx.register(m, "ana")
		b, _ = s.MeetingICS(ctx, m.ID, meetings.Viewer{MemberID: fx.ids["ana"]}, base)
		if !strings.Contains(string(b), "https://meet.example/peers-secret") {
			t.Error("the attendee's calendar lacks the online link")
		}
	})
}

func TestSeriesCalendar(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		s := fx.a.Meetings
		// Weekly at 19:00 Amsterdam time, across the change to summer time on 31 March 2030.
		in := input("Tuesday circle", func(in *meetings.Input) { in.Date = "2030-03-19" })
		sr, first, err := s.CreateSeries(ctx, fx.ids["modder"], meetings.Organiser{GroupID: fx.public.ID}, in,
			meetings.RuleInput{Freq: meetings.Weekly, Count: "6"})
		if err != nil {
			t.Fatal(err)
		}
		occ, err := s.Occurrences(ctx, sr.ID)
		if err != nil || len(occ) != 6 || occ[0].ID != first.ID {
			t.Fatalf("occurrences: %d %v", len(occ), err)
		}
		var local, utc []string
		for _, m := range occ {
			local = append(local, m.LocalStart().Format("01-02 15:04"))
			utc = append(utc, m.Start.Format("15:04"))
		}
		if diff := cmp.Diff([]string{"03-19 19:00", "03-26 19:00", "04-02 19:00", "04-09 19:00", "04-16 19:00", "04-23 19:00"}, local); diff != "" {
			t.Errorf("local starts (-want +got):\n%s", diff)
		}
		if utc[1] != "18:00" || utc[2] != "17:00" {
			t.Errorf("UTC starts %v", utc)
		}
		// One occurrence cancelled, one moved to 18:00 (detached), then the
		// series is renamed: the detached one keeps its own title.
		if err := s.Cancel(ctx, occ[1].ID, fx.ids["modder"]); err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, occ[2].ID, fx.ids["modder"], input("Tuesday circle: guest", func(in *meetings.Input) {
			in.Date, in.StartTime = "2030-04-02", "18:00"
		})); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateSeries(ctx, sr.ID, fx.ids["modder"], input("Tuesday peer circle")); err != nil {
			t.Fatal(err)
		}
		occ, _ = s.Occurrences(ctx, sr.ID)
		var titles []string
		for _, m := range occ {
			titles = append(titles, m.Title+"/"+m.Status)
		}
		want := []string{"Tuesday peer circle/scheduled", "Tuesday circle/cancelled", "Tuesday circle: guest/scheduled",
			"Tuesday peer circle/scheduled", "Tuesday peer circle/scheduled", "Tuesday peer circle/scheduled"}
		if diff := cmp.Diff(want, titles); diff != "" {
			t.Errorf("after series edit (-want +got):\n%s", diff)
		}
		if !occ[2].Detached || occ[2].LocalStart().Format("15:04") != "18:00" {
			t.Errorf("detached occurrence: %+v", occ[2])
		}

		b, err := s.SeriesICS(ctx, sr.ID, meetings.Viewer{}, base)
		if err != nil {
			t.Fatal(err)
		}
		cal := parse(t, b)
		evs := cal.Events()
		if len(evs) != 2 {
			t.Fatalf("%d events, want master + 1 override:\n%s", len(evs), b)
		}
		master, override := evs[0], evs[1]
		if master.Id() != override.Id() {
			t.Errorf("override UID %q, master %q", override.Id(), master.Id())
		}
		if got := prop(master, ics.ComponentPropertyRrule); got != "FREQ=WEEKLY;BYDAY=TU;COUNT=6" {
			t.Errorf("RRULE %q", got)
		}
		if got := prop(master, ics.ComponentPropertySummary); got != "Tuesday peer circle" {
			t.Errorf("master summary %q", got)
		}
		ex := master.GetProperty(ics.ComponentPropertyExdate)
		if ex == nil || ex.Value != "20300326T190000" || ex.ICalParameters["TZID"][0] != "Europe/Amsterdam" {
			t.Errorf("EXDATE %+v", ex)
		}
		rid := override.GetProperty(ics.ComponentPropertyRecurrenceId)
		if rid == nil || rid.Value != "20300402T190000" || rid.ICalParameters["TZID"][0] != "Europe/Amsterdam" {
			t.Errorf("RECURRENCE-ID %+v", rid)
		}
		if p := override.GetProperty(ics.ComponentPropertyDtStart); p.Value != "20300402T180000" {
			t.Errorf("override DTSTART %+v", p)
		}
		// The zone covers both sides of the change.
		var offsets []string
		for _, c := range cal.Timezones()[0].Components {
			switch p := c.(type) {
			case *ics.Standard:
				offsets = append(offsets, "STANDARD "+p.GetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto)).Value)
			case *ics.Daylight:
				offsets = append(offsets, "DAYLIGHT "+p.GetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto)).Value)
			}
		}
		if diff := cmp.Diff([]string{"STANDARD +0100", "DAYLIGHT +0200"}, offsets); diff != "" {
			t.Errorf("VTIMEZONE periods (-want +got):\n%s", diff)
		}

		// The group's feed holds the series once; a member's private feed
		// holds their meeting with its link.
		b, err = s.GroupFeed(ctx, fx.public.ID, meetings.Viewer{}, base)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(parse(t, b).Events()); n != 2 {
			t.Errorf("group feed has %d events", n)
		}
		if strings.Contains(string(b), "peers-secret") {
			t.Error("group feed holds the online link")
		}
		if _, err := s.GroupFeed(ctx, fx.closed.ID, meetings.Viewer{}, base); err == nil {
			t.Error("a members-only group's feed is public")
		}
		fx.register(occ[3], "ana")
		token, err := s.ResetFeedToken(ctx, fx.ids["ana"])
		if err != nil {
			t.Fatal(err)
		}
		b, err = s.MemberFeed(ctx, token, base)
		if err != nil {
			t.Fatal(err)
		}
		evs = parse(t, b).Events()
		if len(evs) != 1 || !strings.Contains(string(b), "peers-secret") {
			t.Errorf("private feed: %d events\n%s", len(evs), b)
		}
		if _, err := s.ResetFeedToken(ctx, fx.ids["ana"]); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MemberFeed(ctx, token, base); err == nil {
			t.Error("an old feed token still works")
		}
		// Cancelling the rest leaves the past alone.
		fx.now = occ[3].End.Add(time.Hour)
		if err := s.CancelSeries(ctx, sr.ID, fx.ids["modder"]); err != nil {
			t.Fatal(err)
		}
		occ, _ = s.Occurrences(ctx, sr.ID)
		var statuses []string
		for _, m := range occ {
			statuses = append(statuses, m.Status)
		}
		if diff := cmp.Diff([]string{"scheduled", "cancelled", "scheduled", "scheduled", "cancelled", "cancelled"}, statuses); diff != "" {
			t.Errorf("after cancelling the rest (-want +got):\n%s", diff)
		}
		b, _ = s.SeriesICS(ctx, sr.ID, meetings.Viewer{}, base)
		var exdates []string
		for _, p := range parse(t, b).Events()[0].GetProperties(ics.ComponentPropertyExdate) {
			exdates = append(exdates, p.Value)
		}
		sort.Strings(exdates)
		if diff := cmp.Diff([]string{"20300326T190000", "20300416T190000", "20300423T190000"}, exdates); diff != "" {
			t.Errorf("EXDATEs (-want +got):\n%s", diff)
		}
	})
}

func TestRRuleUntilAndMonthly(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		s := fx.a.Meetings
		in := input("Second Tuesday", func(in *meetings.Input) { in.Date, in.TimeZone = "2030-03-12", "America/New_York" })
		sr, _, err := s.CreateSeries(ctx, fx.ids["staffer"], meetings.Organiser{OrganisationID: fx.service.ID}, in,
			meetings.RuleInput{Freq: meetings.MonthlyWeekday, Every: "2", Until: "2030-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		occ, _ := s.Occurrences(ctx, sr.ID)
		var days []string
		for _, m := range occ {
			days = append(days, m.LocalStart().Format("2006-01-02 15:04"))
		}
		if diff := cmp.Diff([]string{"2030-03-12 19:00", "2030-05-14 19:00", "2030-07-09 19:00", "2030-09-10 19:00", "2030-11-12 19:00"}, days); diff != "" {
			t.Errorf("dates (-want +got):\n%s", diff)
		}
		if err := s.UpdateSeries(ctx, sr.ID, fx.ids["modder"], in); !errors.Is(err, meetings.ErrNotOrganiser) {
			t.Errorf("a group moderator edits an organisation's series: %v", err)
		}
		if err := s.CancelSeries(ctx, sr.ID, fx.ids["peer"]); !errors.Is(err, meetings.ErrNotOrganiser) {
			t.Errorf("a peer cancels an organisation's series: %v", err)
		}
		b, err := s.OrganisationFeed(ctx, fx.service.ID, base)
		if err != nil {
			t.Fatal(err)
		}
		e := parse(t, b).Events()[0]
		// UNTIL is the end of 31 December in New York, in UTC.
		if got := prop(e, ics.ComponentPropertyRrule); got != "FREQ=MONTHLY;BYDAY=2TU;INTERVAL=2;UNTIL=20310101T045959Z" {
			t.Errorf("RRULE %q", got)
		}
	})
}

// FuzzWriteCalendar checks that whatever organisers type, the calendar
// parses back with the same title, description and place.
func FuzzWriteCalendar(f *testing.F) {
	f.Add("Peer council", "Line one\nline two; with, commas", "Buurthuis, Boogstraat 1", "Europe/Amsterdam", int64(1900000000))
	f.Add("Встреча группы", "Описание: **жирный**", "Дом культуры", "Europe/Moscow", int64(1700000000))
	f.Add("", "", "", "UTC", int64(0))
	f.Fuzz(func(t *testing.T, title, desc, venue, zone string, at int64) {
		if _, err := time.LoadLocation(zone); err != nil || zone == "" || zone == "Local" {
			zone = "UTC"
		}
		start := time.Unix(at%4_000_000_000, 0).UTC()
		m := &meetings.Meeting{ID: 7, Title: title, Description: desc, Venue: venue, Mode: meetings.InPerson, TimeZone: zone,
			Start: start, End: start.Add(90 * time.Minute), Status: meetings.Scheduled, OrgName: "Org"}
		b, err := meetings.WriteCalendar(meetings.Calendar{Name: title, Base: base, Entries: []meetings.Entry{{Meeting: m}},
			Now: time.Unix(1_800_000_000, 0)})
		if err != nil {
			t.Fatal(err)
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, b)
		}
		evs := cal.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events", len(evs))
		}
		got, err := evs[0].GetStartAt()
		if err != nil || !got.Equal(start) {
			t.Errorf("start %v %v, want %v", got, err, start)
		}
		if s := prop(evs[0], ics.ComponentPropertySummary); s != title && !(title == "" && s == "") {
			t.Errorf("summary %q, want %q", s, title)
		}
	})
}

func TestOvernightSeries(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		s := fx.a.Meetings
		in := input("Night outreach", func(in *meetings.Input) { in.StartTime, in.EndDate, in.EndTime = "22:00", "2030-03-15", "01:00" })
		sr, _, err := s.CreateSeries(ctx, fx.ids["modder"], meetings.Organiser{GroupID: fx.public.ID}, in, meetings.RuleInput{Freq: meetings.Weekly, Count: "3"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateSeries(ctx, sr.ID, fx.ids["modder"], input("Night outreach", func(in *meetings.Input) {
			in.StartTime, in.EndTime = "21:00", "00:30"
		})); err != nil {
			t.Fatal(err)
		}
		occ, _ := s.Occurrences(ctx, sr.ID)
		for _, m := range occ {
			if got := m.End.Sub(m.Start); got != 210*time.Minute || m.LocalStart().Format("15:04") != "21:00" {
				t.Errorf("%s: starts %s, lasts %v", m.SlotDate, m.LocalStart().Format("15:04"), got)
			}
		}
	})
}
