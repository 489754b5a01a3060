package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"time"

	"involve/internal/db"
	"involve/internal/meetings"
)

// After a meeting: who attended and what each was paid. A member sees
// their own payments on /me/meetings; an organisation's staff download
// its payments as CSV for the accounts. Bank details are never asked for.

func (s *Server) meetingMoneyRoutes() []route {
	return []route{
		{"GET /meetings/{id}/attendance", SignedIn, s.meetingAttendance},
		{"POST /meetings/{id}/attendance", SignedIn, s.saveMeetingAttendance},
		{"POST /meetings/{id}/payments", SignedIn, s.addMeetingPayment},
		{"POST /meetings/{id}/payments/{pay}", SignedIn, s.markMeetingPaymentPaid},
		{"GET /me/meetings", SignedIn, s.myMeetings},
		{"POST /me/meetings/calendar", SignedIn, s.resetMyCalendar},
		{"GET /organisations/{slug}/payments.csv", SignedIn, s.organisationPaymentsCSV},
	}
}

// attendee is one person with a seat, for the attendance form.
type attendee struct {
	ID       int64
	Name     string
	Attended bool
}

// paymentRow is a payment as the tables show it.
type paymentRow struct {
	ID                                  int64
	Payee, Kind, Amount, Method, Status string
	Purpose, Meeting, Path              string
}

func newPaymentRow(p *meetings.Payment) paymentRow {
	return paymentRow{ID: p.ID, Payee: p.Payee, Kind: p.Kind, Amount: p.AmountText(), Method: p.Method, Status: p.Status,
		Purpose: p.Purpose, Meeting: p.MeetingTitle, Path: "/meetings/" + strconv.FormatInt(p.MeetingID, 10)}
}

type meetingAttendancePage struct {
	Base
	Meeting  *meetings.Meeting
	When     string
	NotYet   bool // the meeting has not started: nothing to record yet
	People   []attendee
	Payments []paymentRow
	PayForm  *Form
}

// PersonField is the choice of whom a payment is for.
func (p *meetingAttendancePage) PersonField() Field {
	fd := p.Field(p.PayForm, "registration", "select", "meetings.payments.person")
	fd.Required = true
	fd.Options = append(fd.Options, Option{Value: "", Label: p.T("form.choose"), Selected: fd.Value == ""})
	for _, a := range p.People {
		v := strconv.FormatInt(a.ID, 10)
		fd.Options = append(fd.Options, Option{Value: v, Label: a.Name, Selected: fd.Value == v})
	}
	return fd
}

// CurrencyField is the choice of the payment's currency.
func (p *meetingAttendancePage) CurrencyField() Field {
	fd := currencyField(&p.Base, p.PayForm, "currency", "meetings.payments.currency")
	fd.Required = true
	return fd
}

func (s *Server) renderAttendance(w http.ResponseWriter, r *http.Request, status int, a meetings.Access, f *Form) error {
	ctx := r.Context()
	st := state(r)
	m, by := a.Meeting, a.Viewer.MemberID
	p := &meetingAttendancePage{Meeting: m, When: when(st.p, m), NotYet: !m.HasStarted(time.Now()), PayForm: f}
	regs, err := s.Meetings.Registrations(ctx, m.ID, by)
	if err != nil {
		return meetingError(err)
	}
	for _, reg := range regs {
		if reg.Status == meetings.Registered {
			p.People = append(p.People, attendee{ID: reg.ID, Name: regName(reg), Attended: reg.Attended != nil && *reg.Attended})
		}
	}
	ps, err := s.Meetings.Payments(ctx, m.ID, by)
	if err != nil {
		return meetingError(err)
	}
	for _, pay := range ps {
		p.Payments = append(p.Payments, newPaymentRow(pay))
	}
	if f.Values.Get("currency") == "" && m.HonorariumCurrency != "" {
		f.Values.Set("currency", m.HonorariumCurrency)
	}
	if f.Values.Get("status") == "" {
		f.Values.Set("status", meetings.Paid)
	}
	p.Title = st.p.T("meetings.attendance.title", m.Title)
	p.Nav = "meetings"
	return s.render(w, r, status, "meeting_attendance", p)
}

func (s *Server) meetingAttendance(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	return s.renderAttendance(w, r, http.StatusOK, a, newForm())
}

func (s *Server) saveMeetingAttendance(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	regs, err := s.Meetings.Registrations(r.Context(), a.Meeting.ID, a.Viewer.MemberID)
	if err != nil {
		return meetingError(err)
	}
	came := map[string]bool{}
	for _, v := range f.Values["attended"] {
		came[v] = true
	}
	// Everyone with a seat is recorded: ticked came, unticked did not.
	attended := map[int64]bool{}
	for _, reg := range regs {
		if reg.Status == meetings.Registered {
			attended[reg.ID] = came[strconv.FormatInt(reg.ID, 10)]
		}
	}
	if err := s.Meetings.SetAttendance(r.Context(), a.Meeting.ID, a.Viewer.MemberID, attended); err != nil {
		return meetingError(err)
	}
	return redirect(w, r, a.Meeting.Path()+"/attendance", "meetings.attendance.saved")
}

func (s *Server) addMeetingPayment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	regID, _ := strconv.ParseInt(f.Get("registration"), 10, 64)
	in := meetings.PaymentInput{RegistrationID: regID, Kind: f.Get("kind"), Amount: f.Get("amount"), Currency: f.Get("currency"),
		Method: f.Get("method"), Status: f.Get("status"), Purpose: f.Get("purpose")}
	_, err = s.Meetings.AddPayment(r.Context(), a.Meeting.ID, a.Viewer.MemberID, in)
	switch {
	case failAll(f, err):
		return s.renderAttendance(w, r, http.StatusUnprocessableEntity, a, f)
	case err != nil:
		return meetingError(err)
	}
	return redirect(w, r, a.Meeting.Path()+"/attendance#payments-h", "meetings.payments.saved")
}

func (s *Server) markMeetingPaymentPaid(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	payID, err := numPathValue(r, "pay")
	if err != nil {
		return err
	}
	err = s.Meetings.MarkPaid(r.Context(), a.Meeting.ID, payID, a.Viewer.MemberID)
	if errors.Is(err, db.ErrNotFound) {
		return notFound()
	}
	if err != nil {
		return meetingError(err)
	}
	return redirect(w, r, a.Meeting.Path()+"/attendance#payments-h", "meetings.payments.marked_paid")
}

// ---- a member's own meetings, calendar and payments ----

type myMeetingRow struct {
	Title, Path, When, State string
}

type myMeetingsPage struct {
	Base
	Regs     []myMeetingRow
	HasFeed  bool
	FeedURL  string // shown once, right after it is made
	Payments []paymentRow
}

func (s *Server) renderMyMeetings(w http.ResponseWriter, r *http.Request, feedURL string) error {
	ctx := r.Context()
	st := state(r)
	me := st.member
	p := &myMeetingsPage{FeedURL: feedURL}
	p.p = st.p
	ms, err := s.Meetings.ForMember(ctx, me.ID, time.Now().AddDate(0, 0, -30))
	if err != nil {
		return err
	}
	for _, m := range ms {
		reg, err := s.Meetings.MemberRegistration(ctx, m.ID, me.ID)
		if errors.Is(err, db.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		pos, err := s.Meetings.WaitingPosition(ctx, reg)
		if err != nil {
			return err
		}
		p.Regs = append(p.Regs, myMeetingRow{Title: m.Title, Path: m.Path(), When: when(st.p, m), State: registrationState(&p.Base, reg, pos)})
	}
	since, err := s.Meetings.FeedTokenSince(ctx, me.ID)
	if err != nil {
		return err
	}
	p.HasFeed = since != nil || feedURL != ""
	ps, err := s.Meetings.MemberPayments(ctx, me.ID)
	if err != nil {
		return err
	}
	for _, pay := range ps {
		p.Payments = append(p.Payments, newPaymentRow(pay))
	}
	p.Title = st.p.T("meetings.mine.title")
	p.Nav = "me"
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.render(w, r, http.StatusOK, "meeting_mine", p)
}

func (s *Server) myMeetings(w http.ResponseWriter, r *http.Request) error {
	return s.renderMyMeetings(w, r, "")
}

// resetMyCalendar makes a new private calendar address (the old one stops
// working) and shows it once: only its hash is kept.
func (s *Server) resetMyCalendar(w http.ResponseWriter, r *http.Request) error {
	token, err := s.Meetings.ResetFeedToken(r.Context(), state(r).member.ID)
	if err != nil {
		return err
	}
	return s.renderMyMeetings(w, r, s.siteURL(r)+"/calendar/"+token+".ics")
}

// organisationPaymentsCSV is every payment of an organisation's meetings,
// for its staff's accounts.
func (s *Server) organisationPaymentsCSV(w http.ResponseWriter, r *http.Request) error {
	oa, err := s.loadOrganisation(r)
	if err != nil {
		return err
	}
	if oa.staffRole == "" {
		return forbidden()
	}
	ps, err := s.Meetings.OrganisationPayments(r.Context(), oa.org.ID, state(r).member.ID)
	if err != nil {
		return meetingError(err)
	}
	var buf bytes.Buffer
	if err := meetings.WritePaymentsCSV(&buf, ps); err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+oa.org.Slug+`-payments.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, r, http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	return nil
}
