package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Access is who may use a route at all. Finer rules (staff of this
// organisation, say) are checked in the handler; the access-control test
// checks both.
type Access int

const (
	Anyone        Access = iota // signed in or not
	SignedOut                   // pages for signing in; a signed-in member is sent to /me
	SignedIn                    // any member; others are sent to sign in
	SiteAdmin                   // members with the site admin role
	Editor                      // members with the editor or site admin role
	SiteModerator               // members with the moderator or site admin role
)

type route struct {
	pattern string
	access  Access
	h       handlerFunc
}

// Routes lists every route's pattern and access, for tests that must cover
// them all.
func (s *Server) Routes() map[string]Access {
	out := map[string]Access{}
	for _, rt := range s.routes {
		out[rt.pattern] = rt.access
	}
	return out
}

// lowerSlug is where a GET for a slug typed with capitals belongs, "" if
// it needs no move: slugs (groups, organisations, guide pages) are made
// lower-case, and people type the addresses they were told. Before any
// lookup, so the move says nothing about whether the slug exists.
func lowerSlug(r *http.Request) string {
	slug := r.PathValue("slug")
	lower := strings.ToLower(slug)
	if lower == slug || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return ""
	}
	before, after, ok := strings.Cut(r.URL.Path, "/"+slug)
	if !ok {
		return ""
	}
	return (&url.URL{Path: before + "/" + lower + after, RawQuery: r.URL.RawQuery}).String()
}

// routeTable is every route Involve answers: the core ones here, and each
// capability's in its own file, listed at the end.
func (s *Server) routeTable() []route {
	var rs []route
	for _, part := range [][]route{
		s.coreRoutes(),
		s.groupRoutes(),
		s.notificationRoutes(),
		s.emailConfirmRoutes(),
		s.discussionRoutes(),
		s.moderationRoutes(),
		s.supportRoutes(),
		s.meetingAllRoutes(),
	} {
		rs = append(rs, part...)
	}
	return rs
}

func (s *Server) coreRoutes() []route {
	return []route{
		{"GET /{$}", Anyone, s.home},
		{"GET /for/{audience}", Anyone, s.audiencePage},
		{"POST /language", Anyone, s.setLanguage},

		{"GET /signup", SignedOut, s.signupForm},
		{"POST /signup", SignedOut, s.signup},
		{"GET /login", SignedOut, s.loginForm},
		{"POST /login", SignedOut, s.login},
		{"GET /recover", SignedOut, s.recoverForm},
		{"POST /recover", SignedOut, s.recover},
		{"POST /logout", Anyone, s.logout},

		{"GET /me", SignedIn, s.me},
		{"GET /me/profile", SignedIn, s.profileForm},
		{"POST /me/profile", SignedIn, s.saveProfile},
		{"GET /me/security", SignedIn, s.security},
		{"POST /me/passphrase", SignedIn, s.changePassphrase},
		{"POST /me/sessions/end", SignedIn, s.endOtherSessions},
		{"POST /me/recovery-codes", SignedIn, s.newRecoveryCodes},
		{"GET /me/data", SignedIn, s.dataPage},
		{"GET /me/data.json", SignedIn, s.dataDownload},
		{"GET /me/delete", SignedIn, s.deleteForm},
		{"POST /me/delete", SignedIn, s.deleteAccount},
		{"GET /members/{handle}", Anyone, s.memberPage},

		{"GET /organisations", Anyone, s.organisationList},
		{"GET /organisations/new", SignedIn, s.organisationForm},
		{"POST /organisations", SignedIn, s.registerOrganisation},
		{"GET /organisations/{slug}", Anyone, s.organisationPage},
		{"GET /organisations/{slug}/edit", SignedIn, s.organisationEditForm},
		{"POST /organisations/{slug}/edit", SignedIn, s.updateOrganisation},
		{"POST /organisations/{slug}/staff", SignedIn, s.setStaff},
		{"POST /organisations/{slug}/staff/remove", SignedIn, s.removeStaff},

		{"GET /admin", SiteAdmin, s.adminHome},
		{"POST /admin/organisations/{slug}/review", SiteAdmin, s.reviewOrganisation},
		{"POST /admin/roles", SiteAdmin, s.grantRole},
		{"POST /admin/roles/revoke", SiteAdmin, s.revokeRole},
		{"GET /admin/audit", SiteAdmin, s.auditLog},

		{"GET /guide", Anyone, s.guideContents},
		{"GET /guide/all", Anyone, s.guideAll},
		{"GET /guide/{slug}", Anyone, s.guidePage},
		{"POST /guide/{slug}/checklist", SignedIn, s.saveChecklist},
		{"GET /guide/{slug}/history", Anyone, s.guideHistory},
		{"GET /guide/{slug}/diff", Anyone, s.guideDiff},
		{"GET /guide/{slug}/revisions/{id}", Anyone, s.guideRevision},
		{"GET /guide/{slug}/edit", Editor, s.guideEditForm},
		{"POST /guide/{slug}/edit", Editor, s.guideSave},
		{"POST /guide/{slug}/revert", Editor, s.guideRevert},
		{"GET /search", Anyone, s.search},

		{"GET /healthz", Anyone, s.healthz},
		{"GET /metrics", Anyone, s.metricsHandler},
		{"GET /robots.txt", Anyone, s.robots},
		{"GET /static/{hash}/{name}", Anyone, s.serveStatic},
	}
}

// guard enforces a route's Access before its handler runs.
func (s *Server) guard(rt route) http.Handler {
	slugged := strings.Contains(rt.pattern, "{slug}")
	return s.adapt(func(w http.ResponseWriter, r *http.Request) error {
		if slugged {
			if to := lowerSlug(r); to != "" {
				http.Redirect(w, r, to, http.StatusMovedPermanently)
				return nil
			}
		}
		m := state(r).member
		switch rt.access {
		case SignedOut:
			if m != nil && r.Method == http.MethodGet {
				http.Redirect(w, r, "/me", http.StatusSeeOther)
				return nil
			}
		case SignedIn, SiteAdmin, Editor, SiteModerator:
			if m == nil {
				if r.Method == http.MethodGet {
					http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return nil
				}
				return &httpError{status: http.StatusUnauthorized, msg: "error.signin_needed"}
			}
			if rt.access == SiteAdmin && !m.IsAdmin() {
				return forbidden()
			}
			if rt.access == Editor && !canEditGuide(m) {
				return forbidden()
			}
			if rt.access == SiteModerator && !m.IsModerator() {
				return forbidden()
			}
		}
		return rt.h(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := s.DB.Ping(r.Context()); err != nil {
		s.Log.Error("health check", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return nil
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
	return nil
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) error {
	promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	// Member pages stay out of search engines: peers' safety first.
	w.Write([]byte("User-agent: *\nDisallow: /members/\nDisallow: /me\nDisallow: /admin\n"))
	return nil
}
