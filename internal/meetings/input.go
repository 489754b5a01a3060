package meetings

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"involve/internal/langs"
)

// Input is what an organiser types to arrange or change a meeting. Dates
// and times are as <input type=date> and <input type=time> send them, in
// the meeting's own time zone.
type Input struct {
	Title       string
	Description string
	TimeZone    string // IANA name, e.g. "Europe/Amsterdam"
	Date        string // yyyy-mm-dd
	StartTime   string // hh:mm
	EndDate     string // yyyy-mm-dd, "" = the same day
	EndTime     string // hh:mm

	Mode        string
	Venue       string
	Address     string
	Directions  string
	Access      []string
	AccessNotes string
	OnlineLink  string

	Travel             string
	Food               string
	Childcare          string
	Interpretation     []string
	SignLanguage       string
	HonorariumAmount   string // "25" or "25.50", in HonorariumCurrency
	HonorariumCurrency string
	HonorariumText     string

	Language     string
	Region       string
	Registration string
	Capacity     string // "" or "0" = no limit
	ShowCount    bool
}

// Limits on what is typed.
const (
	TitleMax       = 120
	DescriptionMax = 10000
	TextMax        = 500 // venue, address, support lines
	DirectionsMax  = 2000
	LinkMax        = 500
	RegionMax      = 80
	CapacityMax    = 100000
	NoteMax        = 500
	AliasMax       = 40
	// MaxDuration is how long a meeting may last: the listing finds the
	// meetings still going on by it.
	MaxDuration = 14 * 24 * time.Hour
)

// Layouts of typed dates and times.
const (
	DateLayout = "2006-01-02"
	TimeLayout = "15:04"
)

// Check returns field -> message key for every problem with in. A start in
// the past is allowed (minutes of a meeting held before Involve).
func (in Input) Check() FieldErrors {
	errs := FieldErrors{}
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Title)); {
	case n == 0:
		errs["title"] = "meetings.title.required"
	case n < 3 || n > TitleMax:
		errs["title"] = "meetings.title.length"
	case strings.ContainsAny(in.Title, "\r\n"):
		errs["title"] = "field.one_line"
	}
	if utf8.RuneCountInString(in.Description) > DescriptionMax {
		errs["description"] = "field.too_long"
	}
	if _, _, err := in.times(); err != "" {
		field, key, _ := strings.Cut(err, "=")
		errs[field] = key
	}
	if !oneOf(in.Mode, Modes) {
		errs["mode"] = "meetings.mode.required"
	}
	inPerson := in.Mode == InPerson || in.Mode == Both
	online := in.Mode == Online || in.Mode == Both
	if inPerson && strings.TrimSpace(in.Venue) == "" && strings.TrimSpace(in.Address) == "" {
		errs["address"] = "meetings.address.required"
	}
	link := strings.TrimSpace(in.OnlineLink)
	switch {
	case online && link == "":
		errs["online_link"] = "meetings.online_link.required"
	case link != "" && !ValidLink(link):
		errs["online_link"] = "meetings.link.invalid"
	}
	for field, v := range map[string]string{"venue": in.Venue, "address": in.Address, "access_notes": in.AccessNotes,
		"travel": in.Travel, "food": in.Food, "childcare": in.Childcare, "sign_language": in.SignLanguage,
		"honorarium_text": in.HonorariumText} {
		if utf8.RuneCountInString(v) > TextMax {
			errs[field] = "field.too_long"
		}
	}
	if strings.ContainsAny(in.Venue, "\r\n") {
		errs["venue"] = "field.one_line"
	}
	if utf8.RuneCountInString(in.Directions) > DirectionsMax {
		errs["directions"] = "field.too_long"
	}
	for _, a := range in.Access {
		if !oneOf(a, AccessFeatures) {
			errs["access"] = "meetings.access.invalid"
		}
	}
	for _, l := range in.Interpretation {
		if !langs.Valid(l) {
			errs["interpretation"] = "meetings.language.invalid"
		}
	}
	if a := strings.TrimSpace(in.HonorariumAmount); a != "" || in.HonorariumCurrency != "" {
		if !ValidCurrency(in.HonorariumCurrency) {
			errs["honorarium_currency"] = "meetings.currency.invalid"
		} else if _, err := ParseAmount(a, in.HonorariumCurrency); err != nil || a == "" {
			errs["honorarium_amount"] = "meetings.amount.invalid"
		}
	}
	if in.Language != "" && !langs.Valid(in.Language) {
		errs["language"] = "meetings.language.invalid"
	}
	if utf8.RuneCountInString(in.Region) > RegionMax {
		errs["region"] = "field.too_long"
	}
	if !oneOf(in.Registration, RegistrationModes) {
		errs["registration"] = "meetings.registration.required"
	}
	if c := strings.TrimSpace(in.Capacity); c != "" {
		if n, err := strconv.Atoi(c); err != nil || n < 0 || n > CapacityMax {
			errs["capacity"] = "meetings.capacity.invalid"
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// times resolves the typed start and end to instants; a problem comes back
// as "field=message key".
func (in Input) times() (start, end time.Time, problem string) {
	loc, err := LoadZone(in.TimeZone)
	if err != nil {
		return start, end, "time_zone=meetings.time_zone.invalid"
	}
	day, err := time.Parse(DateLayout, strings.TrimSpace(in.Date))
	if err != nil {
		return start, end, "date=meetings.date.invalid"
	}
	st, err := time.Parse(TimeLayout, strings.TrimSpace(in.StartTime))
	if err != nil {
		return start, end, "start_time=meetings.time.invalid"
	}
	endDay := day
	if d := strings.TrimSpace(in.EndDate); d != "" {
		if endDay, err = time.Parse(DateLayout, d); err != nil {
			return start, end, "end_date=meetings.date.invalid"
		}
	}
	et, err := time.Parse(TimeLayout, strings.TrimSpace(in.EndTime))
	if err != nil {
		return start, end, "end_time=meetings.time.invalid"
	}
	start, kind := Wall(day, st, loc)
	if kind == Gap {
		return start, end, "start_time=meetings.time.gap"
	}
	end, kind = Wall(endDay, et, loc)
	if kind == Gap {
		return start, end, "end_time=meetings.time.gap"
	}
	if !end.After(start) {
		return start, end, "end_time=meetings.end.before_start"
	}
	if end.Sub(start) > MaxDuration {
		return start, end, "end_date=meetings.end.too_long"
	}
	return start.UTC(), end.UTC(), ""
}

// Times returns the start and end instants in UTC; in must have passed Check.
func (in Input) Times() (start, end time.Time) {
	start, end, _ = in.times()
	return start, end
}

// LoadZone loads an IANA time zone by name; "" and "Local" are refused, so
// a meeting never depends on the server's own zone.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, errors.New("meetings: no time zone")
	}
	return loadZone(name)
}

// zones keeps the time zones loaded so far. time.LoadLocation reads and
// parses the zone's file on every call, and a meetings list asks several
// times for each meeting it shows: that was a tenth of the list's time. Only zones that
// load are kept, so there are at most as many as the zone database holds,
// and a *time.Location does not change once loaded.
var zones struct {
	sync.RWMutex
	m map[string]*time.Location
}

func loadZone(name string) (*time.Location, error) {
	zones.RLock()
	loc, ok := zones.m[name]
	zones.RUnlock()
	if ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Lock()
	if zones.m == nil {
		zones.m = map[string]*time.Location{}
	}
	zones.m[name] = loc
	zones.Unlock()
	return loc, nil
}

// ValidLink reports whether u is an absolute http(s) URL, which is all an
// online link or an attachment may be.
func ValidLink(u string) bool {
	if utf8.RuneCountInString(u) > LinkMax || strings.ContainsAny(u, " \r\n\t") {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != "" && p.User == nil
}

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// cleanList keeps the values of list that are in allowed, once each, in the
// order of allowed.
func cleanList(list, allowed []string) []string {
	var out []string
	for _, a := range allowed {
		if oneOf(a, list) {
			out = append(out, a)
		}
	}
	return out
}
