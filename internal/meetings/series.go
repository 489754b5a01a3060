package meetings

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"involve/internal/db"
)

// Frequencies of a series.
const (
	Weekly         = "weekly"          // every N weeks on the first date's weekday
	MonthlyWeekday = "monthly-weekday" // every N months on the nth weekday, e.g. the 2nd Tuesday, or the last
	MonthlyDate    = "monthly-date"    // every N months on the first date's day; months without it are skipped
)

// Frequencies lists every frequency in form order.
var Frequencies = []string{Weekly, MonthlyWeekday, MonthlyDate}

// MaxOccurrences bounds a series, so a rule can never fill the database.
const MaxOccurrences = 200

// Rule says when a series repeats. It starts on the first meeting's date.
type Rule struct {
	Freq  string
	Every int       // every N weeks or months, 1 or more
	Nth   int       // MonthlyWeekday: 1..4, or -1 for the last weekday of the month
	Until time.Time // the last date it may fall on (a date, midnight UTC), or zero
	Count int       // how many occurrences, or 0 when Until ends it
}

// RuleInput is what an organiser types for a series.
type RuleInput struct {
	Freq  string
	Every string // "" = 1
	Nth   string // MonthlyWeekday: "1".."4" or "-1"; "" = from the first date
	Until string // yyyy-mm-dd
	Count string
}

// Check returns field -> message key for every problem; first is the
// date of the first occurrence as typed.
func (in RuleInput) Check(first string) FieldErrors {
	errs := FieldErrors{}
	if _, err := in.rule(first); err != nil {
		field, key, _ := strings.Cut(err.Error(), "=")
		errs[field] = key
		return errs
	}
	return nil
}

// Rule returns the rule; in must have passed Check.
func (in RuleInput) Rule(first string) Rule {
	r, _ := in.rule(first)
	return r
}

type fieldError string

func (e fieldError) Error() string { return string(e) }

func (in RuleInput) rule(first string) (Rule, error) {
	r := Rule{Freq: in.Freq, Every: 1}
	if !oneOf(in.Freq, Frequencies) {
		return r, fieldError("freq=meetings.freq.required")
	}
	if e := strings.TrimSpace(in.Every); e != "" {
		n, err := strconv.Atoi(e)
		if err != nil || n < 1 || n > 52 {
			return r, fieldError("every=meetings.every.invalid")
		}
		r.Every = n
	}
	day, err := time.Parse(DateLayout, strings.TrimSpace(first))
	if err != nil {
		return r, fieldError("date=meetings.date.invalid")
	}
	if in.Freq == MonthlyWeekday {
		r.Nth = nthOf(day)
		if n := strings.TrimSpace(in.Nth); n != "" {
			v, err := strconv.Atoi(n)
			if err != nil || !(v >= 1 && v <= 4 || v == -1) {
				return r, fieldError("nth=meetings.nth.invalid")
			}
			if v != r.Nth && !(v == -1 && isLastWeekday(day)) {
				return r, fieldError("nth=meetings.nth.mismatch")
			}
			r.Nth = v
		}
		if r.Nth == 5 {
			r.Nth = -1
		}
	}
	until, count := strings.TrimSpace(in.Until), strings.TrimSpace(in.Count)
	switch {
	case until == "" && count == "":
		return r, fieldError("until=meetings.until.required")
	case until != "" && count != "":
		return r, fieldError("count=meetings.until.one")
	case until != "":
		u, err := time.Parse(DateLayout, until)
		if err != nil {
			return r, fieldError("until=meetings.date.invalid")
		}
		if u.Before(day) {
			return r, fieldError("until=meetings.until.before")
		}
		r.Until = u
	default:
		n, err := strconv.Atoi(count)
		if err != nil || n < 1 || n > MaxOccurrences {
			return r, fieldError("count=meetings.count.invalid")
		}
		r.Count = n
	}
	if r.Count == 0 && len(r.dates(day, MaxOccurrences+1)) > MaxOccurrences {
		return r, fieldError("until=meetings.until.too_many")
	}
	return r, nil
}

// nthOf is which weekday of its month day is: 1 for the first … 5.
func nthOf(day time.Time) int { return (day.Day()-1)/7 + 1 }

func isLastWeekday(day time.Time) bool { return day.AddDate(0, 0, 7).Month() != day.Month() }

// Dates returns the dates of the series starting on first (a date), at
// most MaxOccurrences of them. Dates are calendar dates: the wall time is
// put on each in the series' zone, so 19:00 stays 19:00 across clock changes.
func (r Rule) Dates(first time.Time) []time.Time {
	limit := MaxOccurrences
	if r.Count > 0 {
		limit = min(r.Count, MaxOccurrences)
	}
	return r.dates(first, limit)
}

func (r Rule) dates(first time.Time, limit int) []time.Time {
	y, m, d := first.Date()
	first = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	var out []time.Time
	for i := 0; len(out) < limit && i < 10*limit; i++ {
		day, ok := r.at(first, i)
		if !ok {
			continue
		}
		if !r.Until.IsZero() && day.After(r.Until) {
			break
		}
		out = append(out, day)
	}
	return out
}

// at is the i-th step of the rule from first, and whether that step falls
// on a date at all (a monthly date that a month lacks does not).
func (r Rule) at(first time.Time, i int) (time.Time, bool) {
	every := max(1, r.Every)
	switch r.Freq {
	case Weekly:
		return first.AddDate(0, 0, 7*every*i), true
	case MonthlyDate:
		y, m, _ := first.Date()
		month := time.Date(y, m+time.Month(every*i), 1, 0, 0, 0, 0, time.UTC)
		day := time.Date(month.Year(), month.Month(), first.Day(), 0, 0, 0, 0, time.UTC)
		return day, day.Month() == month.Month()
	case MonthlyWeekday:
		y, m, _ := first.Date()
		month := time.Date(y, m+time.Month(every*i), 1, 0, 0, 0, 0, time.UTC)
		return nthWeekday(month, first.Weekday(), r.Nth), true
	}
	return time.Time{}, false
}

// nthWeekday is the nth wd of month (month is its first day); -1 = last.
func nthWeekday(month time.Time, wd time.Weekday, nth int) time.Time {
	if nth == -1 {
		last := month.AddDate(0, 1, -1)
		return last.AddDate(0, 0, -((int(last.Weekday()) - int(wd) + 7) % 7))
	}
	firstWd := month.AddDate(0, 0, (int(wd)-int(month.Weekday())+7)%7)
	return firstWd.AddDate(0, 0, 7*(nth-1))
}

// Series is a recurring meeting: the rule and the wall time its
// occurrences share. The occurrences are meetings of their own.
type Series struct {
	ID             int64
	GroupID        *int64
	OrganisationID *int64
	Rule
	First     time.Time // date of the first occurrence
	TimeZone  string
	StartTime string // hh:mm
	Minutes   int    // how long each occurrence lasts
	CreatedAt time.Time
}

// Slot is the start and end of the occurrence on date in the series' zone:
// the series' wall time on that date, read the RFC 5545 way where the
// clocks change (see Wall).
func (s *Series) Slot(date time.Time) (start, end time.Time) {
	loc, err := LoadZone(s.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	clock, _ := time.Parse(TimeLayout, s.StartTime)
	start, _ = Wall(date, clock, loc)
	return start.UTC(), start.Add(time.Duration(s.Minutes) * time.Minute).UTC()
}

const seriesColumns = `id, group_id, organisation_id, freq, every, nth, first_date, until_date, count, time_zone, start_time, minutes, created_at`

func scanSeries(sc interface{ Scan(...any) error }) (*Series, error) {
	s := &Series{}
	var first, until string
	if err := sc.Scan(&s.ID, &s.GroupID, &s.OrganisationID, &s.Freq, &s.Every, &s.Nth, &first, &until, &s.Count, &s.TimeZone,
		&s.StartTime, &s.Minutes, &s.CreatedAt); err != nil {
		return nil, err
	}
	s.First, _ = time.Parse(DateLayout, first)
	if until != "" {
		s.Until, _ = time.Parse(DateLayout, until)
	}
	return s, nil
}

// Series returns one series. ErrNotFound.
func (s *Store) Series(ctx context.Context, id int64) (*Series, error) {
	sr, err := scanSeries(s.db.QueryRow(ctx, `SELECT `+seriesColumns+` FROM meeting_series WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("meetings: series %d: %w", id, err)
	}
	return sr, nil
}

// Occurrences lists every occurrence of a series, cancelled ones too, in
// date order.
func (s *Store) Occurrences(ctx context.Context, seriesID int64) ([]*Meeting, error) {
	return listMeetings(ctx, s.db, `SELECT `+columns+from+` WHERE m.series_id = ? ORDER BY m.starts_at, m.id`, seriesID)
}

// CreateSeries arranges a recurring meeting: in describes the first
// occurrence (its date starts the rule; its times and length are every
// occurrence's), and every occurrence the rule gives is made a meeting of
// its own. Returns the series and its first meeting. Who and errors: as
// Create; FieldErrors also for the rule (fields freq, every, nth, until, count).
func (s *Store) CreateSeries(ctx context.Context, by int64, o Organiser, in Input, ri RuleInput) (*Series, *Meeting, error) {
	errs := in.Check()
	if rerrs := ri.Check(in.Date); rerrs != nil {
		if errs == nil {
			errs = FieldErrors{}
		}
		for k, v := range rerrs {
			errs[k] = v
		}
	}
	if errs != nil {
		return nil, nil, errs
	}
	if err := s.checkOrganiser(ctx, by, o); err != nil {
		return nil, nil, err
	}
	rule := ri.Rule(in.Date)
	v := in.values()
	first, _ := time.Parse(DateLayout, strings.TrimSpace(in.Date))
	loc, _ := LoadZone(in.TimeZone)
	sr := &Series{GroupID: nullID(o.GroupID), OrganisationID: nullID(o.OrganisationID), Rule: rule, First: first,
		TimeZone: in.TimeZone, StartTime: v.start.In(loc).Format(TimeLayout), Minutes: int(v.end.Sub(v.start) / time.Minute)}
	var firstID int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var until string
		if !rule.Until.IsZero() {
			until = rule.Until.Format(DateLayout)
		}
		var err error
		sr.ID, err = db.InsertID(ctx, tx, `INSERT INTO meeting_series (group_id, organisation_id, freq, every, nth, first_date, until_date, count,
			time_zone, start_time, minutes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sr.GroupID, sr.OrganisationID, rule.Freq, rule.Every, rule.Nth, first.Format(DateLayout), until, rule.Count,
			sr.TimeZone, sr.StartTime, sr.Minutes, nullID(by), s.now())
		if err != nil {
			return err
		}
		for i, day := range rule.Dates(first) {
			ov := v
			ov.start, ov.end = sr.Slot(day)
			id, err := s.insert(ctx, tx, by, o, &sr.ID, day.Format(DateLayout), ov)
			if err != nil {
				return err
			}
			if i == 0 {
				firstID = id
			}
			if err := s.reindex(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("meetings: create series: %w", err)
	}
	sr, err = s.Series(ctx, sr.ID)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.Meeting(ctx, firstID)
	return sr, m, err
}

// UpdateSeries changes every future occurrence of a series that was not
// changed on its own (detached) or cancelled: what in says, and the wall
// time and length; each keeps its date. The rule itself stays: to change
// the dates, cancel the rest of the series and arrange a new one. in.Date
// and in.EndDate are ignored: an end time at or before the start time
// means the next day. Who: the organisers. Errors: FieldErrors, ErrNotOrganiser,
// ErrNotFound.
func (s *Store) UpdateSeries(ctx context.Context, seriesID, by int64, in Input) error {
	sr, err := s.Series(ctx, seriesID)
	if err != nil {
		return err
	}
	// Check the times on the series' first date; a meeting that ends
	// at or before its start time goes on past midnight.
	in.Date, in.EndDate = sr.First.Format(DateLayout), ""
	if strings.TrimSpace(in.EndTime) <= strings.TrimSpace(in.StartTime) {
		in.EndDate = sr.First.AddDate(0, 0, 1).Format(DateLayout)
	}
	if errs := in.Check(); errs != nil {
		return errs
	}
	o := Organiser{}
	if sr.GroupID != nil {
		o.GroupID = *sr.GroupID
	}
	if sr.OrganisationID != nil {
		o.OrganisationID = *sr.OrganisationID
	}
	if ok, err := s.CanArrange(ctx, by, o); err != nil {
		return err
	} else if !ok {
		return ErrNotOrganiser
	}
	v := in.values()
	loc, _ := LoadZone(in.TimeZone)
	startTime, minutes := v.start.In(loc).Format(TimeLayout), int(v.end.Sub(v.start)/time.Minute)
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE meeting_series SET time_zone = ?, start_time = ?, minutes = ? WHERE id = ?`,
			in.TimeZone, startTime, minutes, seriesID); err != nil {
			return err
		}
		sr.TimeZone, sr.StartTime, sr.Minutes = in.TimeZone, startTime, minutes
		ms, err := listMeetings(ctx, tx, `SELECT `+columns+from+` WHERE m.series_id = ? AND m.detached = 0 AND m.status = ? AND m.starts_at > ?
			ORDER BY m.starts_at`, seriesID, Scheduled, s.now())
		if err != nil {
			return err
		}
		for _, m := range ms {
			if tx.Dialect() == db.Postgres {
				if _, err := s.lockMeeting(ctx, tx, m.ID); err != nil {
					return err
				}
			}
			day, _ := time.Parse(DateLayout, m.SlotDate)
			ov := v
			ov.start, ov.end = sr.Slot(day)
			if err := s.update(ctx, tx, m.ID, ov, false); err != nil {
				return err
			}
			if err := s.afterChange(ctx, tx, m, ov); err != nil {
				return err
			}
			if err := s.reindex(ctx, tx, m.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// CancelSeries cancels every future occurrence of a series that is not
// cancelled yet; everyone registered for one is told. Who: the organisers.
// Errors: ErrNotOrganiser, ErrNotFound.
func (s *Store) CancelSeries(ctx context.Context, seriesID, by int64) error {
	return s.CancelSeriesBecause(ctx, seriesID, by, "")
}

// CancelSeriesBecause is CancelSeries with the organisers' reason, kept on
// every occurrence it cancels (see CancelBecause).
func (s *Store) CancelSeriesBecause(ctx context.Context, seriesID, by int64, reason string) error {
	ms, err := listMeetings(ctx, s.db, `SELECT `+columns+from+` WHERE m.series_id = ? AND m.status = ? AND m.starts_at > ?
		ORDER BY m.starts_at`, seriesID, Scheduled, s.now())
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		if _, err := s.Series(ctx, seriesID); err != nil {
			return err
		}
		return nil
	}
	if err := s.mustOrganise(ctx, ms[0], by); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		for _, m := range ms {
			if _, err := s.lockMeeting(ctx, tx, m.ID); err != nil {
				return err
			}
			if err := s.cancel(ctx, tx, m, reason); err != nil {
				return err
			}
		}
		return nil
	})
}
