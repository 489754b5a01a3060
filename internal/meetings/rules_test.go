package meetings

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func date(s string) time.Time {
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

func clock(s string) time.Time {
	c, err := time.Parse(TimeLayout, s)
	if err != nil {
		panic(err)
	}
	return c
}

func TestWallAcrossClockChanges(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	for _, tc := range []struct {
		day, at  string
		wantUTC  string
		wantKind WallKind
	}{
		{"2026-03-28", "19:00", "2026-03-28T18:00:00Z", Exact},
		{"2026-03-29", "19:00", "2026-03-29T17:00:00Z", Exact},
		// Clocks go from 02:00 to 03:00: 02:30 does not exist and is read
		// with the offset before the gap, i.e. 03:30 summer time.
		{"2026-03-29", "02:30", "2026-03-29T01:30:00Z", Gap},
		// Clocks go back from 03:00 to 02:00: 02:30 happens twice; the first.
		{"2026-10-25", "02:30", "2026-10-25T00:30:00Z", Ambiguous},
		{"2026-10-25", "03:30", "2026-10-25T02:30:00Z", Exact},
	} {
		got, kind := Wall(date(tc.day), clock(tc.at), ams)
		if got.UTC().Format(time.RFC3339) != tc.wantUTC || kind != tc.wantKind {
			t.Errorf("%s %s: got %s kind %d, want %s kind %d", tc.day, tc.at, got.UTC().Format(time.RFC3339), kind, tc.wantUTC, tc.wantKind)
		}
	}
	// A zone far from UTC, and one changing on another day.
	ny := mustZone(t, "America/New_York")
	if got, kind := Wall(date("2026-03-08"), clock("02:15"), ny); kind != Gap || got.Hour() != 3 {
		t.Errorf("New York gap: %v %d", got, kind)
	}
	if _, kind := Wall(date("2026-03-08"), clock("02:15"), mustZone(t, "Asia/Tokyo")); kind != Exact {
		t.Errorf("Tokyo has no clock change: kind %d", kind)
	}
}

func goodInput() Input {
	return Input{Title: "Peer council", TimeZone: "Europe/Amsterdam", Date: "2030-03-14", StartTime: "19:00", EndTime: "21:00",
		Mode: Both, Venue: "Buurthuis De Boog", Address: "Boogstraat 1, Amsterdam", OnlineLink: "https://meet.example/peers",
		Registration: RegisterOpen, HonorariumAmount: "25,50", HonorariumCurrency: "EUR"}
}

func TestInputCheck(t *testing.T) {
	if errs := goodInput().Check(); errs != nil {
		t.Fatalf("good input: %v", errs)
	}
	for _, tc := range []struct {
		name string
		edit func(*Input)
		want FieldErrors
	}{
		{"empty", func(in *Input) { *in = Input{} }, FieldErrors{"title": "meetings.title.required", "time_zone": "meetings.time_zone.invalid",
			"mode": "meetings.mode.required", "registration": "meetings.registration.required"}},
		{"end before start", func(in *Input) { in.EndTime = "18:00" }, FieldErrors{"end_time": "meetings.end.before_start"}},
		{"overnight", func(in *Input) { in.EndTime = "01:00"; in.EndDate = "2030-03-15" }, nil},
		{"gap", func(in *Input) { in.Date = "2030-03-31"; in.StartTime = "02:30"; in.EndTime = "04:00" },
			FieldErrors{"start_time": "meetings.time.gap"}},
		{"zone", func(in *Input) { in.TimeZone = "Mars/Olympus" }, FieldErrors{"time_zone": "meetings.time_zone.invalid"}},
		{"local zone refused", func(in *Input) { in.TimeZone = "Local" }, FieldErrors{"time_zone": "meetings.time_zone.invalid"}},
		{"links", func(in *Input) { in.OnlineLink = "javascript:alert(1)" }, FieldErrors{"online_link": "meetings.link.invalid"}},
		{"online needs link", func(in *Input) { in.Mode = Online; in.OnlineLink = "" }, FieldErrors{"online_link": "meetings.online_link.required"}},
		{"in person needs place", func(in *Input) { in.Mode = InPerson; in.Venue, in.Address = "", "" },
			FieldErrors{"address": "meetings.address.required"}},
		{"money", func(in *Input) { in.HonorariumAmount = "25.505" }, FieldErrors{"honorarium_amount": "meetings.amount.invalid"}},
		{"currency", func(in *Input) { in.HonorariumCurrency = "XXX" }, FieldErrors{"honorarium_currency": "meetings.currency.invalid"}},
		{"capacity", func(in *Input) { in.Capacity = "-3" }, FieldErrors{"capacity": "meetings.capacity.invalid"}},
		{"access", func(in *Input) { in.Access = []string{StepFree, "lift"} }, FieldErrors{"access": "meetings.access.invalid"}},
		{"interpretation", func(in *Input) { in.Interpretation = []string{"nl", "xx"} }, FieldErrors{"interpretation": "meetings.language.invalid"}},
		{"title", func(in *Input) { in.Title = strings.Repeat("x", TitleMax+1) }, FieldErrors{"title": "meetings.title.length"}},
	} {
		in := goodInput()
		tc.edit(&in)
		if diff := cmp.Diff(tc.want, in.Check()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestAmounts(t *testing.T) {
	for _, tc := range []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"25", "EUR", 2500, true}, {"25.5", "EUR", 2550, true}, {"25,50", "EUR", 2550, true}, {"0.05", "GBP", 5, true},
		{"1000", "ISK", 1000, true}, {"10.5", "ISK", 0, false}, {"-3", "EUR", 0, false}, {"1.234", "EUR", 0, false},
		{"", "EUR", 0, false}, {"12.", "EUR", 0, false}, {"1e3", "EUR", 0, false},
	} {
		got, err := ParseAmount(tc.in, tc.cur)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseAmount(%q, %s) = %d, %v", tc.in, tc.cur, got, err)
		}
	}
	if got := FormatAmount(2550, "EUR"); got != "25.50 EUR" {
		t.Errorf("FormatAmount = %q", got)
	}
	if got := FormatAmount(7, "EUR"); got != "0.07 EUR" {
		t.Errorf("FormatAmount = %q", got)
	}
}

func dates(ds []time.Time) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Format(DateLayout))
	}
	return out
}

func TestRuleDates(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first string
		in    RuleInput
		want  []string
	}{
		{"every two weeks, count", "2026-03-10", RuleInput{Freq: Weekly, Every: "2", Count: "3"},
			[]string{"2026-03-10", "2026-03-24", "2026-04-07"}},
		{"weekly until", "2026-12-22", RuleInput{Freq: Weekly, Until: "2027-01-05"},
			[]string{"2026-12-22", "2026-12-29", "2027-01-05"}},
		{"second Tuesday", "2026-01-13", RuleInput{Freq: MonthlyWeekday, Count: "4"},
			[]string{"2026-01-13", "2026-02-10", "2026-03-10", "2026-04-14"}},
		{"last Friday", "2026-01-30", RuleInput{Freq: MonthlyWeekday, Nth: "-1", Count: "3"},
			[]string{"2026-01-30", "2026-02-27", "2026-03-27"}},
		{"fifth Thursday is the last", "2026-01-29", RuleInput{Freq: MonthlyWeekday, Count: "2"},
			[]string{"2026-01-29", "2026-02-26"}},
		{"31st skips short months", "2026-01-31", RuleInput{Freq: MonthlyDate, Count: "4"},
			[]string{"2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31"}},
		{"every three months", "2026-02-15", RuleInput{Freq: MonthlyDate, Every: "3", Until: "2026-12-31"},
			[]string{"2026-02-15", "2026-05-15", "2026-08-15", "2026-11-15"}},
	} {
		if errs := tc.in.Check(tc.first); errs != nil {
			t.Errorf("%s: %v", tc.name, errs)
			continue
		}
		got := dates(tc.in.Rule(tc.first).Dates(date(tc.first)))
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	for _, tc := range []struct {
		in   RuleInput
		want FieldErrors
	}{
		{RuleInput{Freq: Weekly}, FieldErrors{"until": "meetings.until.required"}},
		{RuleInput{Freq: Weekly, Count: "3", Until: "2027-01-01"}, FieldErrors{"count": "meetings.until.one"}},
		{RuleInput{Freq: Weekly, Count: "201"}, FieldErrors{"count": "meetings.count.invalid"}},
		{RuleInput{Freq: Weekly, Until: "2031-01-01"}, FieldErrors{"until": "meetings.until.too_many"}},
		{RuleInput{Freq: Weekly, Until: "2025-01-01"}, FieldErrors{"until": "meetings.until.before"}},
		{RuleInput{Freq: "daily", Count: "3"}, FieldErrors{"freq": "meetings.freq.required"}},
		{RuleInput{Freq: MonthlyWeekday, Nth: "3", Count: "3"}, FieldErrors{"nth": "meetings.nth.mismatch"}},
	} {
		if diff := cmp.Diff(tc.want, tc.in.Check("2026-03-10")); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tc.in, diff)
		}
	}
	// Weekly for nearly four years stays under the bound.
	if errs := (RuleInput{Freq: Weekly, Until: "2029-12-31"}).Check("2026-03-10"); errs != nil {
		t.Errorf("200 weeks: %v", errs)
	}
}

func TestSeriesSlotKeepsWallTime(t *testing.T) {
	sr := &Series{TimeZone: "Europe/Amsterdam", StartTime: "19:00", Minutes: 120}
	ams := mustZone(t, "Europe/Amsterdam")
	r := Rule{Freq: Weekly, Every: 1, Count: 3}
	var utc []string
	for _, d := range r.Dates(date("2026-03-22")) {
		start, end := sr.Slot(d)
		if got := start.In(ams).Format(TimeLayout); got != "19:00" {
			t.Errorf("%s starts at %s local", d.Format(DateLayout), got)
		}
		if end.Sub(start) != 2*time.Hour {
			t.Errorf("%s lasts %v", d.Format(DateLayout), end.Sub(start))
		}
		utc = append(utc, start.Format("15:04Z"))
	}
	if diff := cmp.Diff([]string{"18:00Z", "17:00Z", "17:00Z"}, utc); diff != "" {
		t.Errorf("UTC starts across the March change (-want +got):\n%s", diff)
	}
	// An occurrence on the night the clocks skip its time moves past the gap.
	night := &Series{TimeZone: "Europe/Amsterdam", StartTime: "02:30", Minutes: 60}
	start, _ := night.Slot(date("2026-03-29"))
	if got := start.In(ams).Format(TimeLayout); got != "03:30" {
		t.Errorf("02:30 on the change night = %s local", got)
	}
}
