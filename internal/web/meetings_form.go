package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/langs"
	"involve/internal/meetings"
)

// Arranging, changing and cancelling a meeting. A group's moderators and
// admins arrange its meetings from the group's page, a verified
// organisation's staff from the organisation's page; both come to
// /meetings/new with the group or organisation in the query.

// meetingPlace is who a new meeting is arranged for, as the form shows it.
type meetingPlace struct {
	Organiser meetings.Organiser
	Name      string
	Path      string // the group's or organisation's page
	Query     string // group=… or organisation=…
}

// loadPlace finds the group or organisation of /meetings/new and checks
// that the reader may arrange meetings for it. A group or organisation
// the reader may not know of is not found.
func (s *Server) loadPlace(r *http.Request) (*meetingPlace, error) {
	ctx := r.Context()
	q := r.URL.Query()
	m := state(r).member
	var pl *meetingPlace
	switch {
	case q.Get("group") != "":
		g, err := s.Groups.BySlug(ctx, q.Get("group"))
		if errors.Is(err, db.ErrNotFound) {
			return nil, notFound()
		}
		if err != nil {
			return nil, err
		}
		ga, err := s.Groups.Access(ctx, g, groupViewer(m))
		if err != nil {
			return nil, err
		}
		if !ga.CanSee() {
			return nil, notFound()
		}
		pl = &meetingPlace{Organiser: meetings.Organiser{GroupID: g.ID}, Name: g.Name, Path: groupPath(g),
			Query: "group=" + url.QueryEscape(g.Slug)}
	case q.Get("organisation") != "":
		o, err := s.Organisations.BySlug(ctx, q.Get("organisation"))
		if errors.Is(err, db.ErrNotFound) {
			return nil, notFound()
		}
		if err != nil {
			return nil, err
		}
		role, err := s.Organisations.StaffRole(ctx, o.ID, m.ID)
		if err != nil {
			return nil, err
		}
		if !o.IsVerified() && role == "" && !m.IsAdmin() {
			return nil, notFound()
		}
		pl = &meetingPlace{Organiser: meetings.Organiser{OrganisationID: o.ID}, Name: o.Name, Path: "/organisations/" + o.Slug,
			Query: "organisation=" + url.QueryEscape(o.Slug)}
	default:
		return nil, notFound()
	}
	ok, err := s.Meetings.CanArrange(ctx, m.ID, pl.Organiser)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, forbidden()
	}
	return pl, nil
}

// ---- the form ----

type meetingFormPage struct {
	Base
	Form      *Form
	Meeting   *meetings.Meeting // nil when arranging
	Action    string
	BackURL   string
	BackName  string
	InSeries  bool // editing an occurrence of a series: this one or all
	CanRepeat bool
	GuessZone bool // a fresh form: the browser may put in its own zone
}

// ZoneField is the choice of time zone.
func (p *meetingFormPage) ZoneField() Field { return p.zoneField(p.Form) }

// RepeatField is the choice of how the meeting repeats.
func (p *meetingFormPage) RepeatField() Field {
	fd := p.Field(p.Form, "freq", "select", "meetings.field.freq", "meetings.field.freq_hint")
	for _, v := range append([]string{""}, meetings.Frequencies...) {
		label := p.T("meetings.freq.none")
		if v != "" {
			label = p.T("meetings.freq." + v)
		}
		fd.Options = append(fd.Options, Option{Value: v, Label: label, Selected: fd.Value == v})
	}
	return fd
}

// CurrencyField is the choice of the honorarium's currency.
func (p *meetingFormPage) CurrencyField() Field {
	return currencyField(&p.Base, p.Form, "honorarium_currency", "meetings.field.honorarium_currency")
}

func currencyField(b *Base, f *Form, name, labelKey string) Field {
	fd := b.Field(f, name, "select", labelKey)
	fd.Options = append(fd.Options, Option{Value: "", Label: b.T("form.choose"), Selected: fd.Value == ""})
	for _, c := range meetings.Currencies {
		fd.Options = append(fd.Options, Option{Value: c, Label: c, Selected: fd.Value == c})
	}
	return fd
}

// LanguageField is the choice of the language spoken at the meeting.
func (p *meetingFormPage) LanguageField() Field {
	fd := p.Field(p.Form, "language", "select", "meetings.field.language", "meetings.field.language_hint")
	fd.Options = append(fd.Options, Option{Value: "", Label: p.T("meetings.field.language_any"), Selected: fd.Value == ""})
	for _, c := range langs.Codes {
		fd.Options = append(fd.Options, Option{Value: c, Label: langs.Name(c), Selected: fd.Value == c})
	}
	return fd
}

func (p *meetingFormPage) radios(name, prefix string, values []string) []choiceItem {
	var out []choiceItem
	for _, v := range values {
		out = append(out, choiceItem{ID: name + "-" + v, Value: v, Label: p.T(prefix + v), Checked: p.Form.Values.Get(name) == v})
	}
	return out
}

// ModeRadios, RegistrationRadios and ScopeRadios are the form's radio groups.
func (p *meetingFormPage) ModeRadios() []choiceItem {
	return p.radios("mode", "meetings.mode.", meetings.Modes)
}
func (p *meetingFormPage) RegistrationRadios() []choiceItem {
	out := p.radios("registration", "meetings.registration.", meetings.RegistrationModes)
	for i := range out {
		out[i].Hint = p.T("meetings.registration." + out[i].Value + "_hint")
	}
	return out
}
func (p *meetingFormPage) ScopeRadios() []choiceItem {
	return p.radios("scope", "meetings.scope.", []string{"one", "series"})
}

// AccessChoices are the venue's access features as checkboxes.
func (p *meetingFormPage) AccessChoices() []choiceItem {
	chosen := map[string]bool{}
	for _, v := range p.Form.Values["access"] {
		chosen[v] = true
	}
	var out []choiceItem
	for _, a := range meetings.AccessFeatures {
		out = append(out, choiceItem{Value: a, Label: p.T("meetings.access." + a), Checked: chosen[a]})
	}
	return out
}

// InterpretationChoices are the languages interpreted into, as checkboxes.
func (p *meetingFormPage) InterpretationChoices() []choiceItem {
	chosen := map[string]bool{}
	for _, v := range p.Form.Values["interpretation"] {
		chosen[v] = true
	}
	var out []choiceItem
	for _, c := range langs.Codes {
		it := choiceItem{Value: c, Label: langs.Name(c), Lang: c, Checked: chosen[c]}
		if d := langs.Dir(c); d != "ltr" {
			it.Dir = d
		}
		out = append(out, it)
	}
	return out
}

// meetingInput reads the meeting form. The zone comes as its label (see
// zoneField) and is kept as its name, for the checks and the form shown again.
func meetingInput(f *Form) meetings.Input {
	f.Values.Set("time_zone", zoneFromLabel(f.Get("time_zone")))
	return meetings.Input{
		Title: f.Get("title"), Description: f.Get("description"), TimeZone: f.Get("time_zone"),
		Date: f.Get("date"), StartTime: f.Get("start_time"), EndDate: f.Get("end_date"), EndTime: f.Get("end_time"),
		Mode: f.Get("mode"), Venue: f.Get("venue"), Address: f.Get("address"), Directions: f.Get("directions"),
		Access: f.Values["access"], AccessNotes: f.Get("access_notes"), OnlineLink: f.Get("online_link"),
		Travel: f.Get("travel"), Food: f.Get("food"), Childcare: f.Get("childcare"), Interpretation: f.Values["interpretation"],
		SignLanguage: f.Get("sign_language"), HonorariumAmount: f.Get("honorarium_amount"),
		HonorariumCurrency: f.Get("honorarium_currency"), HonorariumText: f.Get("honorarium_text"),
		Language: f.Get("language"), Region: f.Get("region"), Registration: f.Get("registration"),
		Capacity: f.Get("capacity"), ShowCount: f.Get("show_count") != "",
	}
}

// ruleInput reads the form's repetition; ok is false for a single meeting.
func ruleInput(f *Form) (meetings.RuleInput, bool) {
	ri := meetings.RuleInput{Freq: f.Get("freq"), Every: f.Get("every"), Until: f.Get("until"), Count: f.Get("count")}
	return ri, ri.Freq != ""
}

// failAll puts the store's field problems beside their fields; it reports
// whether err was such a list.
func failAll(f *Form, err error) bool {
	var fe meetings.FieldErrors
	if !errors.As(err, &fe) {
		return false
	}
	for field, key := range fe {
		f.Fail(field, key)
	}
	return true
}

// meetingFormChecks are the checks the web adds to the store's: fields a
// form sends as one line, and a zone that is a real zone.
func meetingFormChecks(f *Form) {
	for _, field := range []string{"region", "travel", "food", "childcare", "sign_language", "honorarium_text", "online_link"} {
		f.Check(strings.ContainsAny(f.Get(field), "\r\n"), field, "field.one_line")
	}
	if z := f.Get("time_zone"); !validZone(z) {
		f.Fail("time_zone", "meetings.time_zone.invalid")
	}
	f.Check(utf8.RuneCountInString(f.Get("region")) > groups.RegionMax, "region", "field.too_long")
}

func (s *Server) renderMeetingForm(w http.ResponseWriter, r *http.Request, status int, p *meetingFormPage) error {
	p.Nav = "meetings"
	return s.render(w, r, status, "meeting_form", p)
}

func (s *Server) newMeetingPage(r *http.Request, pl *meetingPlace, f *Form) *meetingFormPage {
	p := &meetingFormPage{Form: f, Action: "/meetings/new?" + pl.Query, BackURL: pl.Path, BackName: pl.Name, CanRepeat: true}
	p.Title = state(r).p.T("meetings.new.title", pl.Name)
	return p
}

func (s *Server) meetingNewForm(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r)
	if err != nil {
		return err
	}
	f := newForm()
	f.Values.Set("time_zone", defaultZone(state(r).lang.Code))
	f.Values.Set("mode", meetings.InPerson)
	f.Values.Set("registration", meetings.RegisterOpen)
	f.Values.Set("show_count", "1")
	p := s.newMeetingPage(r, pl, f)
	p.GuessZone = true
	return s.renderMeetingForm(w, r, http.StatusOK, p)
}

func (s *Server) createMeeting(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := meetingInput(f)
	meetingFormChecks(f)
	by := state(r).member.ID
	if f.Valid() {
		var m *meetings.Meeting
		if ri, repeat := ruleInput(f); repeat {
			_, m, err = s.Meetings.CreateSeries(r.Context(), by, pl.Organiser, in, ri)
		} else {
			m, err = s.Meetings.Create(r.Context(), by, pl.Organiser, in)
		}
		switch {
		case failAll(f, err):
		case err != nil:
			return meetingError(err)
		default:
			return redirect(w, r, m.Path(), "meetings.created")
		}
	} else if ri, repeat := ruleInput(f); repeat {
		// Show the rule's problems with the others.
		failAll(f, ri.Check(f.Get("date")))
	}
	return s.renderMeetingForm(w, r, http.StatusUnprocessableEntity, s.newMeetingPage(r, pl, f))
}

// ---- changing a meeting ----

func (s *Server) editMeetingPage(r *http.Request, m *meetings.Meeting, f *Form) *meetingFormPage {
	p := &meetingFormPage{Form: f, Meeting: m, Action: m.Path() + "/edit", BackURL: m.Path(), BackName: m.Title, InSeries: m.SeriesID != nil}
	p.Title = state(r).p.T("meetings.edit.title", m.Title)
	return p
}

// loadChangeable is loadOrganised for a meeting that is not cancelled.
func (s *Server) loadChangeable(r *http.Request) (meetings.Access, error) {
	a, err := s.loadOrganised(r)
	if err != nil {
		return a, err
	}
	if a.Meeting.IsCancelled() {
		return a, meetingError(meetings.ErrCancelled)
	}
	return a, nil
}

func (s *Server) meetingEditForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadChangeable(r)
	if err != nil {
		return err
	}
	m := a.Meeting
	f := newForm()
	st, en := m.LocalStart(), m.LocalEnd()
	for k, v := range map[string]string{"title": m.Title, "description": m.Description, "time_zone": m.TimeZone,
		"date": st.Format(meetings.DateLayout), "start_time": st.Format(meetings.TimeLayout), "end_time": en.Format(meetings.TimeLayout),
		"mode": m.Mode, "venue": m.Venue, "address": m.Address, "directions": m.Directions, "access_notes": m.AccessNotes,
		"travel": m.Travel, "food": m.Food, "childcare": m.Childcare, "sign_language": m.SignLanguage,
		"honorarium_text": m.HonorariumText, "language": m.Language, "region": m.Region, "registration": m.Registration,
		"scope": "one"} {
		f.Values.Set(k, v)
	}
	if en.Format(meetings.DateLayout) != st.Format(meetings.DateLayout) {
		f.Values.Set("end_date", en.Format(meetings.DateLayout))
	}
	if m.HonorariumAmount > 0 {
		f.Values.Set("honorarium_amount", meetings.DecimalAmount(m.HonorariumAmount, m.HonorariumCurrency))
		f.Values.Set("honorarium_currency", m.HonorariumCurrency)
	}
	if m.Capacity > 0 {
		f.Values.Set("capacity", strconv.Itoa(m.Capacity))
	}
	if m.ShowCount {
		f.Values.Set("show_count", "1")
	}
	f.Values["access"] = m.Access
	f.Values["interpretation"] = m.Interpretation
	if m.HasOnline {
		link, err := s.Meetings.OnlineLink(r.Context(), m.ID, a.Viewer)
		if err != nil {
			return err
		}
		f.Values.Set("online_link", link)
	}
	return s.renderMeetingForm(w, r, http.StatusOK, s.editMeetingPage(r, m, f))
}

func (s *Server) updateMeeting(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadChangeable(r)
	if err != nil {
		return err
	}
	m := a.Meeting
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := meetingInput(f)
	meetingFormChecks(f)
	series := m.SeriesID != nil && f.Get("scope") == "series"
	if m.SeriesID != nil && !contains([]string{"one", "series"}, f.Get("scope")) {
		f.Fail("scope", "meetings.scope.required")
	}
	if f.Valid() {
		by := state(r).member.ID
		if series {
			err = s.Meetings.UpdateSeries(r.Context(), *m.SeriesID, by, in)
		} else {
			err = s.Meetings.Update(r.Context(), m.ID, by, in)
		}
		switch {
		case failAll(f, err):
		case err != nil:
			return meetingError(err)
		default:
			flash := "meetings.saved"
			if series {
				flash = "meetings.saved_series"
			}
			return redirect(w, r, m.Path(), flash)
		}
	}
	return s.renderMeetingForm(w, r, http.StatusUnprocessableEntity, s.editMeetingPage(r, m, f))
}

// ---- cancelling ----

type meetingCancelPage struct {
	Base
	Meeting  *meetings.Meeting
	When     string
	Form     *Form
	InSeries bool
}

// ScopeRadios is the choice between this occurrence and the rest of the series.
func (p *meetingCancelPage) ScopeRadios() []choiceItem {
	var out []choiceItem
	for _, v := range []string{"one", "series"} {
		out = append(out, choiceItem{ID: "scope-" + v, Value: v, Label: p.T("meetings.cancel.scope_" + v), Checked: p.Form.Values.Get("scope") == v})
	}
	return out
}

func (s *Server) renderMeetingCancel(w http.ResponseWriter, r *http.Request, status int, m *meetings.Meeting, f *Form) error {
	p := &meetingCancelPage{Meeting: m, When: when(state(r).p, m), Form: f, InSeries: m.SeriesID != nil}
	p.Title = state(r).p.T("meetings.cancel.title", m.Title)
	p.Nav = "meetings"
	return s.render(w, r, status, "meeting_cancel", p)
}

func (s *Server) meetingCancelForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadChangeable(r)
	if err != nil {
		return err
	}
	f := newForm()
	f.Values.Set("scope", "one")
	return s.renderMeetingCancel(w, r, http.StatusOK, a.Meeting, f)
}

func (s *Server) cancelMeeting(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadChangeable(r)
	if err != nil {
		return err
	}
	m := a.Meeting
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	scope := f.Get("scope")
	if m.SeriesID != nil && scope != "one" && scope != "series" {
		f.Fail("scope", "meetings.scope.required")
	}
	reason := f.Get("reason")
	f.Check(utf8.RuneCountInString(reason) > meetings.NoteMax, "reason", "field.too_long")
	if !f.Valid() {
		return s.renderMeetingCancel(w, r, http.StatusUnprocessableEntity, m, f)
	}
	by := state(r).member.ID
	if m.SeriesID != nil && scope == "series" {
		err = s.Meetings.CancelSeriesBecause(r.Context(), *m.SeriesID, by, reason)
	} else {
		err = s.Meetings.CancelBecause(r.Context(), m.ID, by, reason)
	}
	if err != nil {
		return meetingError(err)
	}
	return redirect(w, r, m.Path(), "meetings.cancelled_done")
}
