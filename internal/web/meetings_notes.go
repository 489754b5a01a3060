package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"involve/internal/db"
	"involve/internal/guide"
	"involve/internal/meetings"
)

// A meeting's agenda and links before, its minutes with decisions and
// action points after. The organisers write them on forms of repeated
// rows: every row sent is kept in its order, empty rows are dropped, and
// a few empty rows wait for more.

func (s *Server) meetingNoteRoutes() []route {
	return []route{
		{"GET /meetings/{id}/agenda", SignedIn, s.meetingAgendaForm},
		{"POST /meetings/{id}/agenda", SignedIn, s.saveMeetingAgenda},
		{"POST /meetings/{id}/attachments", SignedIn, s.addMeetingAttachment},
		{"POST /meetings/{id}/attachments/{att}/remove", SignedIn, s.removeMeetingAttachment},
		{"GET /meetings/{id}/minutes", SignedIn, s.meetingMinutesForm},
		{"POST /meetings/{id}/minutes", SignedIn, s.saveMeetingMinutes},
	}
}

// emptyRows is how many blank rows a list form offers for more.
const emptyRows = 3

// fillNotes puts the agenda, links and minutes on a meeting's page.
func (s *Server) fillNotes(r *http.Request, p *meetingPage) error {
	ctx := r.Context()
	var err error
	if p.Agenda, err = s.Meetings.Agenda(ctx, p.Meeting.ID); err != nil {
		return err
	}
	if p.Attachments, err = s.Meetings.Attachments(ctx, p.Meeting.ID); err != nil {
		return err
	}
	min, err := s.Meetings.Minutes(ctx, p.Meeting.ID)
	if err != nil {
		return err
	}
	if !min.Empty() {
		p.HasMinutes = true
		p.Minutes = guide.RenderHTML(min.Text)
		p.Decisions, p.Actions = min.Decisions, min.Actions
	}
	return nil
}

// rowField is one control of a repeated row: name is shared by every row,
// the id is the row's own.
func rowField(b *Base, f *Form, name string, i int, typ, labelKey string, value string) Field {
	fd := Field{ID: "f-" + name + "-" + strconv.Itoa(i), Name: name, Type: typ, Label: b.T(labelKey, i+1), Value: value}
	if key, ok := f.Errors[name+"-"+strconv.Itoa(i)]; ok {
		fd.Error = b.T(key)
	}
	return fd
}

// rows returns the values of a repeated field, as many as the longest of
// names, padded with "".
func rows(f *Form, names ...string) [][]string {
	n := 0
	for _, name := range names {
		n = max(n, len(f.Values[name]))
	}
	out := make([][]string, n)
	for i := range out {
		out[i] = make([]string, len(names))
		for j, name := range names {
			if vs := f.Values[name]; i < len(vs) {
				out[i][j] = vs[i]
			}
		}
	}
	return out
}

// rowPair and rowTriple are the controls of one repeated row.
type rowPair struct{ A, B Field }
type rowTriple struct{ A, B, C Field }

// ---- agenda and links ----

type meetingAgendaPage struct {
	Base
	Meeting     *meetings.Meeting
	Form        *Form
	LinkForm    *Form
	Items       []rowPair
	Attachments []meetings.Attachment
}

func (s *Server) renderAgenda(w http.ResponseWriter, r *http.Request, status int, m *meetings.Meeting, f, links *Form) error {
	st := state(r)
	p := &meetingAgendaPage{Meeting: m, Form: f, LinkForm: links}
	p.p = st.p
	rs := rows(f, "item_title", "item_notes")
	for i := 0; i < len(rs)+emptyRows; i++ {
		var v []string
		if i < len(rs) {
			v = rs[i]
		} else {
			v = []string{"", ""}
		}
		// Errors are by position among the rows kept, which are the
		// filled rows in order; rows are shown as sent, so they agree when
		// no row in between was empty.
		p.Items = append(p.Items, rowPair{
			A: rowField(&p.Base, f, "item_title", i, "text", "meetings.agenda.item_title", v[0]),
			B: rowField(&p.Base, f, "item_notes", i, "text", "meetings.agenda.item_notes", v[1]),
		})
	}
	var err error
	if p.Attachments, err = s.Meetings.Attachments(r.Context(), m.ID); err != nil {
		return err
	}
	p.Title = st.p.T("meetings.agenda.edit_title", m.Title)
	p.Nav = "meetings"
	return s.render(w, r, status, "meeting_agenda", p)
}

// failRows is failAll for list forms: the store names a row's problem
// "agenda.2" or "action.2.due"; the form's control for it is
// "item_title-2" or "action_due-2", which the error summary links to.
func failRows(f *Form, err error, names map[string]string) bool {
	var fe meetings.FieldErrors
	if !errors.As(err, &fe) {
		return false
	}
	for field, key := range fe {
		name := field
		if base, rest, ok := strings.Cut(field, "."); ok {
			i, sub, _ := strings.Cut(rest, ".")
			if to, ok := names[base+sub]; ok {
				name = to + "-" + i
			}
		}
		f.Fail(name, key)
	}
	return true
}

func trimmed(s string) string { return strings.TrimSpace(s) }

func (s *Server) meetingAgendaForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	items, err := s.Meetings.Agenda(r.Context(), a.Meeting.ID)
	if err != nil {
		return err
	}
	f := newForm()
	for _, it := range items {
		f.Values.Add("item_title", it.Title)
		f.Values.Add("item_notes", it.Notes)
	}
	return s.renderAgenda(w, r, http.StatusOK, a.Meeting, f, newForm())
}

func (s *Server) saveMeetingAgenda(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	// Empty rows are dropped; what is kept is sent back in the same order
	// so errors by position land on the right row.
	var items []meetings.AgendaItem
	kept := newForm()
	for _, row := range rows(f, "item_title", "item_notes") {
		if trimmed(row[0]) == "" && trimmed(row[1]) == "" {
			continue
		}
		items = append(items, meetings.AgendaItem{Title: row[0], Notes: row[1]})
		kept.Values.Add("item_title", row[0])
		kept.Values.Add("item_notes", row[1])
	}
	err = s.Meetings.SetAgenda(r.Context(), a.Meeting.ID, state(r).member.ID, items)
	switch {
	case failRows(kept, err, map[string]string{"agenda": "item_title"}):
		return s.renderAgenda(w, r, http.StatusUnprocessableEntity, a.Meeting, kept, newForm())
	case err != nil:
		return meetingError(err)
	}
	return redirect(w, r, a.Meeting.Path()+"#agenda-h", "meetings.agenda.saved")
}

func (s *Server) addMeetingAttachment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	_, err = s.Meetings.AddAttachment(r.Context(), a.Meeting.ID, state(r).member.ID, f.Get("link_title"), f.Get("link_url"))
	var fe meetings.FieldErrors
	switch {
	case errors.As(err, &fe):
		for field, key := range fe {
			f.Fail("link_"+field, key)
		}
		return s.renderAgenda(w, r, http.StatusUnprocessableEntity, a.Meeting, s.agendaValues(r.Context(), a.Meeting.ID), f)
	case errors.Is(err, meetings.ErrNotAllowed):
		f.Fail("link_title", "meetings.attachment.too_many")
		return s.renderAgenda(w, r, http.StatusUnprocessableEntity, a.Meeting, s.agendaValues(r.Context(), a.Meeting.ID), f)
	case err != nil:
		return meetingError(err)
	}
	return redirect(w, r, a.Meeting.Path()+"/agenda#links-h", "meetings.attachment.added")
}

// agendaValues is the agenda form filled from the store, for pages that
// come back with a problem elsewhere on them.
func (s *Server) agendaValues(ctx context.Context, meetingID int64) *Form {
	f := newForm()
	items, err := s.Meetings.Agenda(ctx, meetingID)
	if err != nil {
		return f
	}
	for _, it := range items {
		f.Values.Add("item_title", it.Title)
		f.Values.Add("item_notes", it.Notes)
	}
	return f
}

func (s *Server) removeMeetingAttachment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	attID, err := numPathValue(r, "att")
	if err != nil {
		return err
	}
	err = s.Meetings.RemoveAttachment(r.Context(), a.Meeting.ID, attID, state(r).member.ID)
	if errors.Is(err, db.ErrNotFound) {
		return notFound()
	}
	if err != nil {
		return meetingError(err)
	}
	return redirect(w, r, a.Meeting.Path()+"/agenda#links-h", "meetings.attachment.removed")
}

// ---- minutes ----

type meetingMinutesPage struct {
	Base
	Meeting   *meetings.Meeting
	Form      *Form
	Decisions []Field
	Actions   []rowTriple
}

func (s *Server) renderMinutes(w http.ResponseWriter, r *http.Request, status int, m *meetings.Meeting, f *Form) error {
	st := state(r)
	p := &meetingMinutesPage{Meeting: m, Form: f}
	p.p = st.p
	ds := f.Values["decision"]
	for i := 0; i < len(ds)+emptyRows; i++ {
		v := ""
		if i < len(ds) {
			v = ds[i]
		}
		p.Decisions = append(p.Decisions, rowField(&p.Base, f, "decision", i, "text", "meetings.minutes.decision", v))
	}
	as := rows(f, "action", "action_who", "action_due")
	for i := 0; i < len(as)+emptyRows; i++ {
		v := []string{"", "", ""}
		if i < len(as) {
			v = as[i]
		}
		t := rowTriple{
			A: rowField(&p.Base, f, "action", i, "text", "meetings.minutes.action", v[0]),
			B: rowField(&p.Base, f, "action_who", i, "text", "meetings.minutes.action_who", v[1]),
			C: rowField(&p.Base, f, "action_due", i, "date", "meetings.minutes.action_due", v[2]),
		}
		p.Actions = append(p.Actions, t)
	}
	p.Title = st.p.T("meetings.minutes.edit_title", m.Title)
	p.Nav = "meetings"
	return s.render(w, r, status, "meeting_minutes", p)
}

func (s *Server) meetingMinutesForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	min, err := s.Meetings.Minutes(r.Context(), a.Meeting.ID)
	if err != nil {
		return err
	}
	f := newForm()
	f.Values.Set("minutes", min.Text)
	for _, d := range min.Decisions {
		f.Values.Add("decision", d.Text)
	}
	for _, ap := range min.Actions {
		f.Values.Add("action", ap.Text)
		f.Values.Add("action_who", ap.Who)
		f.Values.Add("action_due", ap.Due)
	}
	return s.renderMinutes(w, r, http.StatusOK, a.Meeting, f)
}

func (s *Server) saveMeetingMinutes(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	kept := newForm()
	min := meetings.Minutes{Text: f.Get("minutes")}
	kept.Values.Set("minutes", f.Raw("minutes"))
	for _, d := range f.Values["decision"] {
		if trimmed(d) != "" {
			min.Decisions = append(min.Decisions, meetings.Decision{Text: d})
			kept.Values.Add("decision", d)
		}
	}
	for _, row := range rows(f, "action", "action_who", "action_due") {
		if trimmed(row[0]) == "" && trimmed(row[1]) == "" && trimmed(row[2]) == "" {
			continue
		}
		min.Actions = append(min.Actions, meetings.ActionPoint{Text: row[0], Who: row[1], Due: row[2]})
		kept.Values.Add("action", row[0])
		kept.Values.Add("action_who", row[1])
		kept.Values.Add("action_due", row[2])
	}
	err = s.Meetings.SetMinutes(r.Context(), a.Meeting.ID, state(r).member.ID, min)
	switch {
	case failRows(kept, err, map[string]string{"decision": "decision", "action": "action", "actiondue": "action_due"}):
		return s.renderMinutes(w, r, http.StatusUnprocessableEntity, a.Meeting, kept)
	case err != nil:
		return meetingError(err)
	}
	return redirect(w, r, a.Meeting.Path()+"#minutes-h", "meetings.minutes.saved")
}
