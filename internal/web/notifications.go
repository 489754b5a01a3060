package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"involve/internal/db"
	"involve/internal/notify"
)

// The notification centre: what happened that concerns the member, newest
// first, and how they want to hear about it by email.

func (s *Server) notificationRoutes() []route {
	return []route{
		{"GET /notifications", SignedIn, s.notifications},
		{"GET /notifications/{id}", SignedIn, s.openNotification},
		{"POST /notifications/read", SignedIn, s.markNotificationsRead},
		{"GET /me/notifications", SignedIn, s.notificationPrefsForm},
		{"POST /me/notifications", SignedIn, s.saveNotificationPrefs},
	}
}

// notificationsPerPage is how many notifications one page lists.
const notificationsPerPage = 20

type notificationsPage struct {
	Base
	Items  []notificationItem
	Before int64  // the page starts below this id; 0 for the newest
	Older  string // link to the next, older page; "" when there is none
}

type notificationItem struct {
	ID     int64
	Text   string
	At     time.Time
	Unread bool
}

func (s *Server) notifications(w http.ResponseWriter, r *http.Request) error {
	m := state(r).member
	p := &notificationsPage{}
	// A "before" that is not a number (an old or edited link) shows the
	// newest page rather than an error.
	if b, err := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64); err == nil && b > 0 {
		p.Before = b
	}
	ns, err := s.Notify.List(r.Context(), m.ID, notificationsPerPage+1, p.Before)
	if err != nil {
		return err
	}
	if len(ns) > notificationsPerPage {
		ns = ns[:notificationsPerPage]
		p.Older = "/notifications?before=" + strconv.FormatInt(ns[len(ns)-1].ID, 10)
	}
	pr := state(r).p
	for _, n := range ns {
		p.Items = append(p.Items, notificationItem{ID: n.ID, Text: notify.Text(pr, n), At: n.At, Unread: n.Unread()})
	}
	p.Title = pr.T("notifications.title")
	p.Nav = "notifications"
	return s.render(w, r, http.StatusOK, "notifications", p)
}

// openNotification marks a notification read and goes where it points, so
// following a notification is one step.
func (s *Server) openNotification(w http.ResponseWriter, r *http.Request) error {
	m := state(r).member
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound()
	}
	n, err := s.Notify.Get(r.Context(), m.ID, id)
	if err != nil {
		return err // another member's is not found, like one that never was
	}
	if n.Unread() {
		if err := s.Notify.MarkRead(r.Context(), m.ID, id); err != nil {
			return err
		}
	}
	http.Redirect(w, r, notify.Link(*n), http.StatusSeeOther)
	return nil
}

// markNotificationsRead marks one notification ("id") or all ("all") read
// and returns to the page the member was on.
func (s *Server) markNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	m := state(r).member
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	back := "/notifications"
	if b, err := strconv.ParseInt(f.Get("before"), 10, 64); err == nil && b > 0 {
		back += "?before=" + strconv.FormatInt(b, 10)
	}
	switch {
	case f.Get("all") != "":
		if err := s.Notify.MarkRead(r.Context(), m.ID, 0); err != nil {
			return err
		}
		return redirect(w, r, back, "notifications.all_marked")
	case f.Get("id") != "":
		id, err := strconv.ParseInt(f.Get("id"), 10, 64)
		if err != nil || id <= 0 {
			return badRequest("notifications.read_invalid")
		}
		if err := s.Notify.MarkRead(r.Context(), m.ID, id); errors.Is(err, db.ErrNotFound) {
			return notFound()
		} else if err != nil {
			return err
		}
		return redirect(w, r, back, "notifications.marked")
	}
	return badRequest("notifications.read_invalid")
}

type notificationPrefsPage struct {
	Base
	Form      *Form
	Email     string // the member's address, "" when they gave none
	Confirmed bool   // whether the address is confirmed: only then does email go to it
	Subject   string // what every email's subject says
}

// ModeChoice is one of the email choices as a radio button.
type ModeChoice struct {
	Value   string
	Label   string
	Checked bool
}

// Modes lists the email choices with the form's one checked.
func (p *notificationPrefsPage) Modes() []ModeChoice {
	var out []ModeChoice
	for _, m := range notify.EmailModes {
		out = append(out, ModeChoice{Value: m, Label: p.T("notifications.prefs.mode." + m), Checked: p.Form.Values.Get("email_mode") == m})
	}
	return out
}

func (s *Server) notificationPrefsPage(r *http.Request, f *Form) (*notificationPrefsPage, error) {
	pr := state(r).p
	st, err := s.Notify.EmailState(r.Context(), state(r).member.ID)
	if err != nil {
		return nil, err
	}
	p := &notificationPrefsPage{Form: f, Email: st.Email, Confirmed: st.Confirmed, Subject: pr.T("notifications.email.subject")}
	p.Title = pr.T("notifications.prefs.title")
	p.Nav = "notifications"
	return p, nil
}

func (s *Server) notificationPrefsForm(w http.ResponseWriter, r *http.Request) error {
	prefs, err := s.Notify.Prefs(r.Context(), state(r).member.ID)
	if err != nil {
		return err
	}
	f := newForm()
	f.Values.Set("email_mode", prefs.EmailMode)
	p, err := s.notificationPrefsPage(r, f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "notification_prefs", p)
}

func (s *Server) saveNotificationPrefs(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	mode := f.Get("email_mode")
	f.Check(!notify.ValidEmailMode(mode), "email_mode", "notifications.prefs.mode_invalid")
	if !f.Valid() {
		p, err := s.notificationPrefsPage(r, f)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "notification_prefs", p)
	}
	if err := s.Notify.SetEmailMode(r.Context(), state(r).member.ID, mode); err != nil {
		return err
	}
	return redirect(w, r, "/me/notifications", "notifications.prefs.saved")
}
