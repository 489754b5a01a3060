package web

import (
	"errors"
	"net/http"

	"involve/internal/notify"
)

// Confirming a member's email address (see notify/confirm.go): the link
// in the email opens a page with a button, and only the button confirms.
// Mail scanners open links by themselves; one that confirmed on opening
// would confirm a mistyped address in a stranger's mailbox.
func (s *Server) emailConfirmRoutes() []route {
	return []route{
		{"GET /email/confirm", Anyone, s.emailConfirmPage},
		{"POST /email/confirm", Anyone, s.confirmEmail},
		{"POST /me/email/confirm", SignedIn, s.resendEmailConfirmation},
	}
}

type emailConfirmPage struct {
	Base
	Token   string
	Done    bool // confirmed just now
	Invalid bool // the link does not work
}

func (s *Server) emailConfirmPage(w http.ResponseWriter, r *http.Request) error {
	t := r.URL.Query().Get("t")
	if t == "" || len(t) > 64 {
		return notFound()
	}
	return s.renderEmailConfirm(w, r, http.StatusOK, &emailConfirmPage{Token: t})
}

func (s *Server) confirmEmail(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	p := &emailConfirmPage{}
	err = s.Notify.ConfirmEmail(r.Context(), f.Get("t"))
	switch {
	case errors.Is(err, notify.ErrConfirmInvalid):
		p.Invalid = true
		return s.renderEmailConfirm(w, r, http.StatusGone, p)
	case err != nil:
		return err
	}
	p.Done = true
	return s.renderEmailConfirm(w, r, http.StatusOK, p)
}

func (s *Server) renderEmailConfirm(w http.ResponseWriter, r *http.Request, status int, p *emailConfirmPage) error {
	pr := state(r).p
	switch {
	case p.Done:
		p.Title = pr.T("confirm.done_title")
	case p.Invalid:
		p.Title = pr.T("confirm.invalid_title")
	default:
		p.Title = pr.T("confirm.title")
	}
	return s.render(w, r, status, "email_confirm", p)
}

// resendEmailConfirmation sends a new link to the member's address.
func (s *Server) resendEmailConfirmation(w http.ResponseWriter, r *http.Request) error {
	switch coming, err := s.Notify.RequestConfirmation(r.Context(), state(r).member.ID); {
	case errors.Is(err, notify.ErrConfirmTooSoon):
		return redirect(w, r, "/me/profile", "profile.email_too_soon")
	case err != nil:
		return err
	case !coming: // no address, or confirmed already: nothing to send
		return redirect(w, r, "/me/profile", "")
	}
	return redirect(w, r, "/me/profile", "profile.email_sent")
}
