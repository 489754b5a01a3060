package web

import (
	"errors"
	"net/http"
	"strings"

	"involve/internal/accounts"
	"involve/internal/i18n"
)

// signupPage is the sign-up form, and after it the recovery codes.
type signupPage struct {
	Base
	Form  *Form
	Codes []string // shown once, right after sign-up
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) error {
	p := &signupPage{Form: newForm()}
	p.Title = state(r).p.T("signup.title")
	return s.render(w, r, http.StatusOK, "signup", p)
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	handle, pass := f.Get("handle"), f.Raw("password")
	if key := accounts.CheckHandle(handle); key != "" {
		f.Fail("handle", key)
	}
	if key := accounts.CheckNewPassphrase(pass, handle); key != "" {
		f.Fail("password", key)
	} else if f.Raw("password_confirm") != "" && f.Raw("password_confirm") != pass {
		// Confirmation is optional (scripts post only handle and password),
		// but when given it must match.
		f.Fail("password_confirm", "passphrase.mismatch")
	}
	p := &signupPage{Form: f}
	p.Title = state(r).p.T("signup.title")
	if f.Valid() {
		m, codes, err := s.Accounts.Create(r.Context(), handle, pass)
		switch {
		case errors.Is(err, accounts.ErrHandleTaken):
			f.Fail("handle", "handle.taken")
		case err != nil:
			return err
		default:
			if err := s.startSession(w, r, m.ID); err != nil {
				return err
			}
			if c, err := r.Cookie(langCookie); err == nil {
				// A language chosen with the switcher before signing up
				// becomes the member's setting.
				if l, ok := i18n.Supported(c.Value); ok {
					if err := s.Accounts.SetLocale(r.Context(), m.ID, l.Code); err != nil {
						return err
					}
				}
			}
			p.Codes = codes
			// The page already shows the member signed in: fillBase
			// takes the member from the request state.
			state(r).member = m
			p.Title = state(r).p.T("codes.title")
			return s.render(w, r, http.StatusOK, "signup", p)
		}
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "signup", p)
}

// startSession signs a member in on this device with a new token, so a
// token planted before sign-in is worthless (no session fixation).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, memberID int64) error {
	if st := state(r); st.token != "" {
		s.Accounts.EndSession(r.Context(), st.token)
	}
	token, err := s.Accounts.NewSession(r.Context(), memberID)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token)
	return nil
}

type loginPage struct {
	Base
	Form *Form
	Next string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	p := &loginPage{Form: newForm(), Next: localPath(r.URL.Query().Get("next"))}
	p.Title = state(r).p.T("login.title")
	return s.render(w, r, http.StatusOK, "login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	p := &loginPage{Form: f, Next: localPath(f.Get("next"))}
	p.Title = state(r).p.T("login.title")
	handle, pass := f.Get("handle"), f.Raw("password")
	f.Check(handle == "", "handle", "handle.required")
	f.Check(pass == "", "password", "passphrase.required")
	if f.Valid() {
		m, err := s.Accounts.Authenticate(r.Context(), handle, pass)
		var te *accounts.ThrottledError
		var se *accounts.SuspendedError
		switch {
		case errors.As(err, &te):
			f.Fail("password", "login.throttled")
		case errors.As(err, &se):
			suspendedField(f, state(r).p, se)
		case errors.Is(err, accounts.ErrBadCredentials):
			f.Fail("password", "login.wrong")
		case err != nil:
			return err
		default:
			if err := s.startSession(w, r, m.ID); err != nil {
				return err
			}
			next := p.Next
			if next == "/" || strings.HasPrefix(next, "/login") {
				next = "/me"
			}
			return redirect(w, r, next, "login.welcome")
		}
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "login", p)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if st := state(r); st.token != "" {
		if err := s.Accounts.EndSession(r.Context(), st.token); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	return redirect(w, r, "/", "logout.done")
}

type recoverPage struct {
	Base
	Form *Form
}

func (s *Server) recoverForm(w http.ResponseWriter, r *http.Request) error {
	p := &recoverPage{Form: newForm()}
	p.Title = state(r).p.T("recover.title")
	return s.render(w, r, http.StatusOK, "recover", p)
}

func (s *Server) recover(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	p := &recoverPage{Form: f}
	p.Title = state(r).p.T("recover.title")
	handle, code, pass := f.Get("handle"), f.Get("code"), f.Raw("password")
	f.Check(handle == "", "handle", "handle.required")
	f.Check(code == "", "code", "recover.code_required")
	if key := accounts.CheckNewPassphrase(pass, handle); key != "" {
		f.Fail("password", key)
	}
	if f.Valid() {
		m, err := s.Accounts.Recover(r.Context(), handle, code, pass)
		var te *accounts.ThrottledError
		var se *accounts.SuspendedError
		switch {
		case errors.As(err, &te):
			f.Fail("code", "login.throttled")
		case errors.As(err, &se):
			suspendedField(f, state(r).p, se)
		case errors.Is(err, accounts.ErrBadRecoveryCode):
			f.Fail("code", "recover.wrong")
		case err != nil:
			return err
		default:
			if err := s.startSession(w, r, m.ID); err != nil {
				return err
			}
			return redirect(w, r, "/me/security", "recover.done")
		}
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "recover", p)
}
