package web

import (
	"errors"
	"net/http"
	"net/url"

	"involve/internal/db"
	"involve/internal/meetings"
)

// Registering for a meeting: a member in one step, a peer without an
// account under an alias with a personal code to come back with; the
// organisers' list of registrations, approvals and invitations.

func registerInput(f *Form) meetings.RegisterInput {
	return meetings.RegisterInput{Alias: f.Get("alias"), Note: f.Get("note"), ShowName: f.Get("show_name") != ""}
}

func (s *Server) registerForMeeting(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadMeeting(r)
	if err != nil {
		return err
	}
	m := a.Meeting
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	member := state(r).member
	if member == nil {
		reg, code, err := s.Meetings.RegisterAlias(r.Context(), m.ID, registerInput(f))
		switch {
		case failAll(f, err):
			return s.showMeeting(w, r, a, f, http.StatusUnprocessableEntity)
		case errors.Is(err, meetings.ErrMembersOnly):
			return &httpError{status: http.StatusForbidden, msg: "meetings.error.members_only"}
		case err != nil:
			return meetingError(err)
		}
		return s.renderManage(w, r, http.StatusOK, m, reg, code, true, newForm())
	}
	reg, err := s.Meetings.Register(r.Context(), m.ID, member.ID, registerInput(f))
	switch {
	case failAll(f, err):
		return s.showMeeting(w, r, a, f, http.StatusUnprocessableEntity)
	case errors.Is(err, meetings.ErrAlreadyRegistered):
		return redirect(w, r, m.Path()+"#register", "meetings.register.already")
	case errors.Is(err, meetings.ErrNotInvited):
		return &httpError{status: http.StatusForbidden, msg: "meetings.closed.invitation"}
	case err != nil:
		return meetingError(err)
	}
	return redirect(w, r, m.Path()+"#register", "meetings.registered."+reg.Status)
}

// updateMyRegistration changes a member's note to the organisers and
// whether others see their name.
func (s *Server) updateMyRegistration(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadMeeting(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	err = s.Meetings.UpdateRegistration(r.Context(), a.Meeting.ID, state(r).member.ID,
		meetings.RegisterInput{Note: f.Get("note"), ShowName: f.Get("show_name") != ""})
	switch {
	case failAll(f, err):
		return s.showMeeting(w, r, a, f, http.StatusUnprocessableEntity)
	case err != nil:
		return meetingError(err)
	}
	return redirect(w, r, a.Meeting.Path()+"#register", "meetings.registration.saved")
}

func (s *Server) unregisterFromMeeting(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadMeeting(r)
	if err != nil {
		return err
	}
	if err := s.Meetings.Unregister(r.Context(), a.Meeting.ID, state(r).member.ID); err != nil {
		return meetingError(err)
	}
	return redirect(w, r, a.Meeting.Path()+"#register", "meetings.unregistered")
}

// ---- a peer's own registration, by personal code ----

type meetingManagePage struct {
	Base
	Meeting        *meetings.Meeting
	When, ZoneName string
	Alias, State   string
	Code           string // shown once, right after registering
	ManageURL      string // the full address, to keep
	ManagePath     string
	OnlineLink     string
	Live           bool
	Form           *Form
}

func managePath(m *meetings.Meeting, code string) string {
	return m.Path() + "/manage/" + url.PathEscape(code)
}

func (s *Server) renderManage(w http.ResponseWriter, r *http.Request, status int, m *meetings.Meeting, reg *meetings.Registration,
	code string, first bool, f *Form) error {
	ctx := r.Context()
	st := state(r)
	pos, err := s.Meetings.WaitingPosition(ctx, reg)
	if err != nil {
		return err
	}
	p := &meetingManagePage{Meeting: m, When: when(st.p, m), ZoneName: zoneLabel(m.TimeZone), Alias: reg.Alias, Live: reg.Live(),
		ManagePath: managePath(m, code), Form: f}
	p.p = st.p // State is needed before render fills the base
	p.State = registrationState(&p.Base, reg, pos)
	if first {
		p.Code = code
		p.ManageURL = s.siteURL(r) + p.ManagePath
	}
	if reg.Status == meetings.Registered && m.HasOnline {
		if p.OnlineLink, err = s.Meetings.OnlineLinkByCode(ctx, code); err != nil && !errors.Is(err, meetings.ErrNotAllowed) {
			return err
		}
	}
	if _, ok := f.Values["note"]; !ok {
		f.Values.Set("note", reg.Note)
	}
	p.Title = st.p.T("meetings.manage.title", m.Title)
	p.Nav = "meetings"
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.render(w, r, status, "meeting_manage", p)
}

// loadByCode finds the registration of the code in the path, which must be
// for the meeting in the path.
func (s *Server) loadByCode(r *http.Request) (*meetings.Meeting, *meetings.Registration, string, error) {
	id, err := numPathValue(r, "id")
	if err != nil {
		return nil, nil, "", err
	}
	code := r.PathValue("code")
	reg, err := s.Meetings.ByCode(r.Context(), code)
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil, "", notFound()
	}
	if err != nil {
		return nil, nil, "", err
	}
	if reg.MeetingID != id {
		return nil, nil, "", notFound()
	}
	m, err := s.Meetings.Meeting(r.Context(), id)
	if err != nil {
		return nil, nil, "", meetingError(err)
	}
	return m, reg, code, nil
}

func (s *Server) meetingManagePage(w http.ResponseWriter, r *http.Request) error {
	m, reg, code, err := s.loadByCode(r)
	if err != nil {
		return err
	}
	return s.renderManage(w, r, http.StatusOK, m, reg, code, false, newForm())
}

func (s *Server) meetingManage(w http.ResponseWriter, r *http.Request) error {
	m, reg, code, err := s.loadByCode(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	switch f.Get("action") {
	case "note":
		err = s.Meetings.UpdateByCode(r.Context(), code, meetings.RegisterInput{Note: f.Get("note"), ShowName: reg.ShowName})
		if failAll(f, err) {
			return s.renderManage(w, r, http.StatusUnprocessableEntity, m, reg, code, false, f)
		}
		if err != nil {
			return meetingError(err)
		}
		return redirect(w, r, managePath(m, code), "meetings.manage.saved")
	case "cancel":
		if err := s.Meetings.CancelByCode(r.Context(), code); err != nil {
			return meetingError(err)
		}
		return redirect(w, r, managePath(m, code), "meetings.unregistered")
	}
	return badRequest("error.generic")
}

// ---- the organisers' list ----

// regRow is one registration as the organisers' list shows it.
type regRow struct {
	ID                        int64
	Name, Note, Status, State string
	Alias                     bool
}

type meetingRegsPage struct {
	Base
	Meeting    *meetings.Meeting
	When       string
	Regs       []regRow
	Invited    []string
	Form       *Form // errors of the row actions
	InviteForm *Form
}

func (s *Server) renderRegistrations(w http.ResponseWriter, r *http.Request, status int, a meetings.Access, f, invite *Form) error {
	ctx := r.Context()
	st := state(r)
	m := a.Meeting
	p := &meetingRegsPage{Meeting: m, When: when(st.p, m), Form: f, InviteForm: invite}
	p.p = st.p
	regs, err := s.Meetings.Registrations(ctx, m.ID, a.Viewer.MemberID)
	if err != nil {
		return meetingError(err)
	}
	waiting := 0
	for _, reg := range regs {
		if reg.Status == meetings.Waiting {
			waiting++
		}
		p.Regs = append(p.Regs, regRow{ID: reg.ID, Name: regName(reg), Note: reg.Note, Status: reg.Status, Alias: reg.MemberID == nil,
			State: registrationState(&p.Base, reg, waiting)})
	}
	inv, err := s.Meetings.Invitations(ctx, m.ID, a.Viewer.MemberID)
	if err != nil {
		return meetingError(err)
	}
	for _, i := range inv {
		p.Invited = append(p.Invited, i.Handle)
	}
	p.Title = st.p.T("meetings.regs.title", m.Title)
	p.Nav = "meetings"
	return s.render(w, r, status, "meeting_registrations", p)
}

func (s *Server) meetingRegistrations(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	return s.renderRegistrations(w, r, http.StatusOK, a, newForm(), newForm())
}

func (s *Server) decideMeetingRegistration(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	regID, err := numPathValue(r, "reg")
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	ctx, m, by := r.Context(), a.Meeting, state(r).member.ID
	if _, err := s.Meetings.Registration(ctx, m.ID, regID); err != nil {
		return meetingError(err)
	}
	var flash string
	switch f.Get("action") {
	case "approve", "decline":
		err = s.Meetings.Decide(ctx, m.ID, regID, by, f.Get("action") == "approve")
		flash = "meetings.regs." + f.Get("action") + "d"
	case "cancel":
		err = s.Meetings.CancelRegistration(ctx, m.ID, regID, by)
		flash = "meetings.regs.cancelled"
	default:
		f.Fail("action", "meetings.regs.action_invalid")
		return s.renderRegistrations(w, r, http.StatusUnprocessableEntity, a, f, newForm())
	}
	if err != nil {
		return meetingError(err)
	}
	return redirect(w, r, m.Path()+"/registrations", flash)
}

func (s *Server) inviteToMeeting(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganised(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	handle := f.Get("handle")
	if handle == "" {
		f.Fail("handle", "meetings.invite.handle_required")
	} else {
		err := s.Meetings.Invite(r.Context(), a.Meeting.ID, state(r).member.ID, handle)
		switch {
		case errors.Is(err, meetings.ErrNoSuchMember):
			f.Fail("handle", "meetings.invite.no_member")
		case err != nil:
			return meetingError(err)
		default:
			return redirect(w, r, a.Meeting.Path()+"/registrations", "meetings.invite.sent")
		}
	}
	return s.renderRegistrations(w, r, http.StatusUnprocessableEntity, a, newForm(), f)
}
