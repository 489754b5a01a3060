package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"involve/internal/accounts"
	"involve/internal/config"
	"involve/internal/db"
	"involve/internal/i18n"
)

type middleware func(http.Handler) http.Handler

// chain wraps h so that the first middleware listed runs first.
func chain(h http.Handler, mws ...middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// securityHeaders sets the headers every answer carries. The CSP allows
// nothing from another host and no inline script or style.
func securityHeaders(c *config.Config) middleware {
	csp := "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'; manifest-src 'self'"
	secure := c.SecureCookies()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			if secure || r.TLS != nil {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// limits bounds each request's time and body size.
func limits(c *config.Config) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), c.RequestTimeout)
			defer cancel()
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, c.MaxBodyBytes)
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// namablePaths answers 404 for an address that names nothing Involve
// could hold: one with invalid UTF-8 or a control character (NUL, say).
// Handlers would look such a slug or handle up, and PostgreSQL refuses
// the query with an error instead of finding nothing.
func (s *Server) namablePaths(next http.Handler) http.Handler {
	missing := s.adapt(func(http.ResponseWriter, *http.Request) error { return notFound() })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; !utf8.ValidString(p) || strings.ContainsFunc(p, unicode.IsControl) {
			missing.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status written, for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request: the route pattern rather than the
// path (paths may hold tokens), and never the address, cookies or body.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		level := slog.LevelDebug
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.Log.Log(r.Context(), level, "request", "method", r.Method, "route", routeOf(r.Context()),
			"status", sw.status, "bytes", sw.bytes, "duration", time.Since(start))
	})
}

// recoverPanics turns a panic into a 500 page and a log line with the stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic", "route", routeOf(r.Context()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.renderError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// request is what the middleware learns about a request, kept in its context.
type request struct {
	member *accounts.Member // nil when signed out
	token  string           // session token, "" when signed out
	lang   i18n.Language
	p      *i18n.Printer
	secure bool // members reach the site over TLS: cookies are Secure
}

type ctxKey int

const requestKey ctxKey = 0

func state(r *http.Request) *request {
	if st, ok := r.Context().Value(requestKey).(*request); ok {
		return st
	}
	return nil
}

const (
	sessionCookie = "involve_session"
	langCookie    = "lang"
)

// identify finds the signed-in member, if any, and the reader's language.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &request{secure: s.Config.SecureCookies() || r.TLS != nil}
		r = r.WithContext(context.WithValue(r.Context(), requestKey, st))
		// Static files are the same for everyone: no session lookup.
		static := strings.HasPrefix(r.URL.Path, "/static/")
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && !static {
			m, err := s.Accounts.SessionMember(r.Context(), c.Value)
			switch {
			case err == nil:
				st.member, st.token = m, c.Value
			case errors.Is(err, db.ErrNotFound):
				s.clearSessionCookie(w, r)
			default:
				s.Log.Error("session lookup", "err", err)
			}
		}
		setting, cookie := "", ""
		if st.member != nil {
			setting = st.member.Locale
		}
		if c, err := r.Cookie(langCookie); err == nil {
			cookie = c.Value
		}
		st.lang = s.I18n.Match(setting, cookie, r.Header.Get("Accept-Language"))
		st.p = s.I18n.Printer(st.lang)
		w.Header().Add("Vary", "Cookie, Accept-Language")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, newCookie(r, sessionCookie, token, int(accounts.SessionLifetime/time.Second)))
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, newCookie(r, sessionCookie, "", -1))
}

// newCookie is every cookie Involve sets: for this host only (no Domain),
// out of scripts' reach, not sent with other sites' requests, and Secure
// when members come over TLS. maxAge -1 clears it.
func newCookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if st := state(r); st != nil {
		c.Secure = st.secure
	} else {
		c.Secure = r.TLS != nil
	}
	return c
}

// purge removes expired sessions every hour.
func (s *Server) purge(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := s.Accounts.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("purge expired sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
