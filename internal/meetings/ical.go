package meetings

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"involve/internal/db"
	"involve/internal/groups"
)

// Calendars. Every calendar is iCalendar text (RFC 5545) for …ics
// responses (Content-Type: text/calendar; charset=utf-8). base is the
// site's address, e.g. "https://involve.example", for event links and UIDs.
// Times carry their meeting's TZID, with a VTIMEZONE made from Go's zone
// data; a series is one event with RRULE, EXDATE for cancelled
// occurrences and an override event with RECURRENCE-ID for each occurrence
// that differs from the rest. Online links go only into a member's private
// feed, for meetings where they have a seat.

const (
	icalLocal = "20060102T150405"
	icalUTC   = "20060102T150405Z"
)

// feedBack is how far back group and organisation feeds reach.
const feedBack = 365 * 24 * time.Hour

// Entry is what a calendar holds: a single meeting, or a series with all
// its occurrences. Links maps meeting id to the online link to include.
type Entry struct {
	Meeting     *Meeting   // a single meeting (or one occurrence on its own)
	Series      *Series    // or a series…
	Occurrences []*Meeting // …with every occurrence, in any order
}

// Calendar is a named list of entries.
type Calendar struct {
	Name    string
	Base    string
	Entries []Entry
	Links   map[int64]string // online links to include, by meeting id
	Now     time.Time        // DTSTAMP
}

// WriteCalendar writes c as iCalendar text.
func WriteCalendar(c Calendar) ([]byte, error) {
	host := "involve"
	if u, err := url.Parse(c.Base); err == nil && u.Host != "" {
		host = u.Host
	}
	w := &calWriter{cal: ics.NewCalendarFor("Involve"), c: c, host: host, zones: map[string]*span{}}
	w.cal.SetMethod(ics.MethodPublish)
	if c.Name != "" {
		w.cal.SetName(c.Name)
		w.cal.SetXWRCalName(c.Name)
	}
	for _, e := range c.Entries {
		switch {
		case e.Series != nil:
			if err := w.series(e.Series, e.Occurrences); err != nil {
				return nil, err
			}
		case e.Meeting != nil:
			w.single(e.Meeting)
		}
	}
	w.timezones()
	var b bytes.Buffer
	if err := w.cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("meetings: calendar: %w", err)
	}
	return b.Bytes(), nil
}

type span struct{ from, to time.Time }

type calWriter struct {
	cal   *ics.Calendar
	c     Calendar
	host  string
	zones map[string]*span // zones used, and the times they must cover
}

// at formats t in zone as a TZID property value, and notes the zone.
func (w *calWriter) at(t time.Time, zone string) (string, ics.PropertyParameter) {
	loc, err := LoadZone(zone)
	if err != nil {
		return t.UTC().Format(icalUTC), nil
	}
	if sp, ok := w.zones[zone]; ok {
		if t.Before(sp.from) {
			sp.from = t
		}
		if t.After(sp.to) {
			sp.to = t
		}
	} else {
		w.zones[zone] = &span{t, t}
	}
	return t.In(loc).Format(icalLocal), ics.WithTZID(zone)
}

func (w *calWriter) setTime(e *ics.VEvent, p ics.ComponentProperty, t time.Time, zone string) {
	v, param := w.at(t, zone)
	if param == nil {
		e.SetProperty(p, v)
		return
	}
	e.SetProperty(p, v, param)
}

// fields are what an event says about a meeting, apart from its time.
type fields struct {
	summary, description, location, status string
}

func (w *calWriter) fieldsOf(m *Meeting) fields {
	f := fields{summary: m.Title, status: string(ics.ObjectStatusConfirmed)}
	if m.IsCancelled() {
		f.status = string(ics.ObjectStatusCancelled)
	}
	var loc []string
	if m.InPerson() {
		for _, s := range []string{m.Venue, m.Address} {
			if s != "" {
				loc = append(loc, s)
			}
		}
	}
	if len(loc) == 0 && m.Online() {
		loc = append(loc, "Online")
	}
	f.location = strings.Join(loc, ", ")
	var d []string
	if m.OrganiserName() != "" {
		d = append(d, m.OrganiserName())
	}
	if m.Description != "" {
		d = append(d, m.Description)
	}
	if link := w.c.Links[m.ID]; link != "" {
		d = append(d, "Online: "+link)
	}
	f.description = strings.Join(d, "\n\n")
	return f
}

func (w *calWriter) event(uid string, m *Meeting, f fields) *ics.VEvent {
	e := ics.NewEvent(uid)
	e.SetDtStampTime(w.c.Now)
	w.setTime(e, ics.ComponentPropertyDtStart, m.Start, m.TimeZone)
	w.setTime(e, ics.ComponentPropertyDtEnd, m.End, m.TimeZone)
	e.SetSummary(f.summary)
	if f.description != "" {
		e.SetDescription(f.description)
	}
	if f.location != "" {
		e.SetLocation(f.location)
	}
	e.SetStatus(ics.ObjectStatus(f.status))
	e.SetURL(strings.TrimRight(w.c.Base, "/") + m.Path())
	if !m.UpdatedAt.IsZero() {
		e.SetLastModifiedAt(m.UpdatedAt)
	}
	if link := w.c.Links[m.ID]; link != "" {
		e.SetProperty(ics.ComponentProperty("CONFERENCE"), link, &ics.KeyValues{Key: "VALUE", Value: []string{"URI"}})
	}
	w.cal.AddVEvent(e)
	return e
}

func (w *calWriter) single(m *Meeting) {
	w.event(fmt.Sprintf("meeting-%d@%s", m.ID, w.host), m, w.fieldsOf(m))
}

// series writes the master event with its rule, then an EXDATE for each
// cancelled occurrence and an override for each that differs from what
// the rule and the master say.
func (w *calWriter) series(sr *Series, occ []*Meeting) error {
	if len(occ) == 0 {
		return nil
	}
	occ = append([]*Meeting(nil), occ...)
	sort.Slice(occ, func(i, j int) bool { return occ[i].SlotDate < occ[j].SlotDate })
	// The master takes its words from an occurrence the series still
	// speaks for: the next one not changed on its own, else the last.
	tmpl := occ[len(occ)-1]
	for _, m := range occ {
		if !m.Detached && !m.IsCancelled() && !m.IsOver(w.c.Now) {
			tmpl = m
			break
		}
	}
	uid := fmt.Sprintf("series-%d@%s", sr.ID, w.host)
	first, firstEnd := sr.Slot(sr.First)
	master := *tmpl
	master.Start, master.End, master.Status, master.TimeZone = first, firstEnd, Scheduled, sr.TimeZone
	mf := w.fieldsOf(&master)
	mf.description = w.fieldsOfNoLink(&master).description
	e := w.event(uid, &master, mf)
	e.AddRrule(sr.rrule())
	for _, m := range occ {
		day, err := time.Parse(DateLayout, m.SlotDate)
		if err != nil {
			return fmt.Errorf("meetings: occurrence %d has no series date", m.ID)
		}
		start, end := sr.Slot(day)
		if m.IsCancelled() {
			v, param := w.at(start, sr.TimeZone)
			e.AddExdate(v, param)
			continue
		}
		f := w.fieldsOf(m)
		if !m.Detached && m.Start.Equal(start) && m.End.Equal(end) && f == mf {
			continue
		}
		o := w.event(uid, m, f)
		v, param := w.at(start, sr.TimeZone)
		o.SetProperty(ics.ComponentPropertyRecurrenceId, v, param)
	}
	return nil
}

// fieldsOfNoLink is fieldsOf without any online link: a master stands for
// occurrences whose links are given one by one.
func (w *calWriter) fieldsOfNoLink(m *Meeting) fields {
	links := w.c.Links
	w.c.Links = nil
	f := w.fieldsOf(m)
	w.c.Links = links
	return f
}

// rrule is the series' rule in RFC 5545 terms. UNTIL is the end of the
// last day in the series' zone, in UTC, as the RFC asks when DTSTART has
// a TZID.
func (sr *Series) rrule() string {
	parts := []string{}
	day := [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}[sr.First.Weekday()]
	switch sr.Freq {
	case Weekly:
		parts = append(parts, "FREQ=WEEKLY", "BYDAY="+day)
	case MonthlyWeekday:
		parts = append(parts, "FREQ=MONTHLY", fmt.Sprintf("BYDAY=%d%s", sr.Nth, day))
	case MonthlyDate:
		parts = append(parts, "FREQ=MONTHLY", fmt.Sprintf("BYMONTHDAY=%d", sr.First.Day()))
	}
	if sr.Every > 1 {
		parts = append(parts, fmt.Sprintf("INTERVAL=%d", sr.Every))
	}
	switch {
	case sr.Count > 0:
		parts = append(parts, fmt.Sprintf("COUNT=%d", sr.Count))
	case !sr.Until.IsZero():
		loc, err := LoadZone(sr.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		y, m, d := sr.Until.Date()
		end := time.Date(y, m, d, 23, 59, 59, 0, loc)
		parts = append(parts, "UNTIL="+end.UTC().Format(icalUTC))
	}
	return strings.Join(parts, ";")
}

// timezones adds a VTIMEZONE for every zone used, with each offset change
// between a day before the earliest time and a day after the latest.
func (w *calWriter) timezones() {
	names := make([]string, 0, len(w.zones))
	for z := range w.zones {
		names = append(names, z)
	}
	sort.Strings(names)
	for _, name := range names {
		loc, err := LoadZone(name)
		if err != nil {
			continue
		}
		sp := w.zones[name]
		tz := ics.NewTimezone(name)
		from, to := sp.from.Add(-24*time.Hour), sp.to.Add(24*time.Hour)
		// The period in force at `from`, then every one that begins up to `to`.
		t := from
		for i := 0; i < 1000; i++ {
			start, end := t.In(loc).ZoneBounds()
			abbr, off := t.In(loc).Zone()
			prevOff := off
			if !start.IsZero() {
				_, prevOff = start.Add(-time.Second).In(loc).Zone()
			} else {
				start = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(off) * time.Second)
			}
			var c *ics.ComponentBase
			if t.In(loc).IsDST() {
				d := &ics.Daylight{}
				tz.Components = append(tz.Components, d)
				c = &d.ComponentBase
			} else {
				s := tz.AddStandard()
				c = &s.ComponentBase
			}
			// DTSTART of a zone period is the local time just before it
			// began, read with the offset then in force.
			c.SetProperty(ics.ComponentPropertyDtStart, start.Add(time.Duration(prevOff)*time.Second).UTC().Format(icalLocal))
			c.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), offset(prevOff))
			c.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), offset(off))
			if abbr != "" && !strings.HasPrefix(abbr, "+") && !strings.HasPrefix(abbr, "-") {
				c.SetProperty(ics.ComponentProperty(ics.PropertyTzname), abbr)
			}
			if end.IsZero() || end.After(to) {
				break
			}
			t = end
		}
		// Time zones go before the events that use them.
		w.cal.Components = append([]ics.Component{tz}, w.cal.Components...)
	}
}

// offset formats seconds east of UTC as RFC 5545's +hhmm.
func offset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
}

// MeetingICS is one meeting as a calendar, for /meetings/{id}.ics (an
// occurrence of a series is its own single event). The online link is in
// it for who may see it. Who: anyone who can see the meeting. Errors:
// ErrNotAllowed, ErrNotFound.
func (s *Store) MeetingICS(ctx context.Context, id int64, v Viewer, base string) ([]byte, error) {
	m, err := s.Meeting(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := s.Access(ctx, m, v)
	if err != nil {
		return nil, err
	}
	if !a.CanSee() {
		return nil, ErrNotAllowed
	}
	links := map[int64]string{}
	if a.SeesOnlineLink() {
		if links[m.ID], err = s.onlineLink(ctx, m.ID); err != nil {
			return nil, err
		}
	}
	return WriteCalendar(Calendar{Name: m.Title, Base: base, Entries: []Entry{{Meeting: m}}, Links: links, Now: s.now()})
}

// SeriesICS is a whole series as one recurring event, without online
// links. Who: anyone who can see its meetings. Errors: ErrNotAllowed,
// ErrNotFound.
func (s *Store) SeriesICS(ctx context.Context, seriesID int64, v Viewer, base string) ([]byte, error) {
	sr, err := s.Series(ctx, seriesID)
	if err != nil {
		return nil, err
	}
	occ, err := s.Occurrences(ctx, seriesID)
	if err != nil {
		return nil, err
	}
	if len(occ) == 0 {
		return nil, db.ErrNotFound
	}
	a, err := s.Access(ctx, occ[0], v)
	if err != nil {
		return nil, err
	}
	if !a.CanSee() {
		return nil, ErrNotAllowed
	}
	return WriteCalendar(Calendar{Name: occ[0].Title, Base: base, Entries: []Entry{{Series: sr, Occurrences: occ}}, Now: s.now()})
}

// entries groups meetings into single ones and whole series, reading the
// series and all their occurrences.
func (s *Store) entries(ctx context.Context, ms []*Meeting) ([]Entry, error) {
	var out []Entry
	seen := map[int64]bool{}
	for _, m := range ms {
		if m.SeriesID == nil {
			out = append(out, Entry{Meeting: m})
			continue
		}
		if seen[*m.SeriesID] {
			continue
		}
		seen[*m.SeriesID] = true
		sr, err := s.Series(ctx, *m.SeriesID)
		if err != nil {
			return nil, err
		}
		occ, err := s.Occurrences(ctx, sr.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{Series: sr, Occurrences: occ})
	}
	return out, nil
}

// GroupFeed is a group's meetings from a year back on, for subscribing,
// without online links. Who: anyone who can see the group's content.
// Errors: ErrNotAllowed, ErrNotFound.
func (s *Store) GroupFeed(ctx context.Context, groupID int64, v Viewer, base string) ([]byte, error) {
	g, err := s.groups.ByID(ctx, groupID)
	if err != nil {
		return nil, err
	}
	ga, err := s.groups.Access(ctx, g, groups.Viewer{MemberID: v.MemberID, SiteModerator: v.SiteModerator})
	if err != nil {
		return nil, err
	}
	if !ga.CanSeeContent() {
		return nil, ErrNotAllowed
	}
	ms, err := listMeetings(ctx, s.db, `SELECT `+columns+from+` WHERE m.group_id = ? AND m.ends_at > ? ORDER BY m.starts_at, m.id`,
		groupID, s.now().Add(-feedBack))
	if err != nil {
		return nil, err
	}
	es, err := s.entries(ctx, ms)
	if err != nil {
		return nil, err
	}
	return WriteCalendar(Calendar{Name: g.Name, Base: base, Entries: es, Now: s.now()})
}

// OrganisationFeed is an organisation's meetings from a year back on,
// without online links. Errors: ErrNotFound.
func (s *Store) OrganisationFeed(ctx context.Context, orgID int64, base string) ([]byte, error) {
	o, err := s.orgs.ByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	ms, err := listMeetings(ctx, s.db, `SELECT `+columns+from+` WHERE m.organisation_id = ? AND m.ends_at > ? ORDER BY m.starts_at, m.id`,
		orgID, s.now().Add(-feedBack))
	if err != nil {
		return nil, err
	}
	es, err := s.entries(ctx, ms)
	if err != nil {
		return nil, err
	}
	return WriteCalendar(Calendar{Name: o.Name, Base: base, Entries: es, Now: s.now()})
}

// MemberFeed is the private feed of the member a feed token belongs to:
// the meetings they registered for from a year back on, each on its own,
// with the online link where they have a seat. Errors: ErrNotFound for an
// unknown token.
func (s *Store) MemberFeed(ctx context.Context, token, base string) ([]byte, error) {
	if strings.TrimSpace(token) == "" {
		return nil, db.ErrNotFound
	}
	var memberID int64
	if err := s.db.QueryRow(ctx, `SELECT member_id FROM meeting_feed_tokens WHERE token_hash = ?`, hashToken(token)).Scan(&memberID); err != nil {
		return nil, err
	}
	ms, err := s.ForMember(ctx, memberID, s.now().Add(-feedBack))
	if err != nil {
		return nil, err
	}
	links := map[int64]string{}
	var es []Entry
	for _, m := range ms {
		es = append(es, Entry{Meeting: m})
		if !m.HasOnline {
			continue
		}
		if r, err := s.MemberRegistration(ctx, m.ID, memberID); err == nil && r.Status == Registered {
			if links[m.ID], err = s.onlineLink(ctx, m.ID); err != nil {
				return nil, err
			}
		}
	}
	return WriteCalendar(Calendar{Name: "Involve", Base: base, Entries: es, Links: links, Now: s.now()})
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(t)))
	return hex.EncodeToString(sum[:])
}

// ResetFeedToken makes a new private feed token for a member, replacing
// any old one (whose feed stops working). The token is shown once; only
// its hash is kept.
func (s *Store) ResetFeedToken(ctx context.Context, memberID int64) (string, error) {
	raw, _ := newCode()
	token := strings.ToLower(strings.ReplaceAll(raw, "-", ""))
	_, err := s.db.Exec(ctx, `INSERT INTO meeting_feed_tokens (member_id, token_hash, created_at) VALUES (?, ?, ?)
		ON CONFLICT (member_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
		memberID, hashToken(token), s.now())
	if err != nil {
		return "", fmt.Errorf("meetings: feed token: %w", err)
	}
	return token, nil
}

// FeedTokenSince reports when the member's current feed token was made,
// or nil when they have none.
func (s *Store) FeedTokenSince(ctx context.Context, memberID int64) (*time.Time, error) {
	var t time.Time
	err := s.db.QueryRow(ctx, `SELECT created_at FROM meeting_feed_tokens WHERE member_id = ?`, memberID).Scan(&t)
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// DropFeedToken stops the member's private feed.
func (s *Store) DropFeedToken(ctx context.Context, memberID int64) error {
	_, err := s.db.Exec(ctx, `DELETE FROM meeting_feed_tokens WHERE member_id = ?`, memberID)
	return err
}
