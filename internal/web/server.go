// Package web is Involve's HTTP face: every route in routes.go, middleware
// as plain func(http.Handler) http.Handler, typed page data rendered from
// embedded templates, and handlers that return errors for one adapter to
// turn into pages.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"involve/internal/accounts"
	"involve/internal/audit"
	"involve/internal/config"
	"involve/internal/db"
	"involve/internal/discussions"
	"involve/internal/groups"
	"involve/internal/guide"
	"involve/internal/i18n"
	"involve/internal/meetings"
	"involve/internal/memberdata"
	"involve/internal/moderation"
	"involve/internal/notify"
	"involve/internal/organisations"
	"involve/internal/search"
	"involve/internal/support"
)

// Deps is what the web layer is built from.
type Deps struct {
	Config        *config.Config
	DB            *db.DB
	Accounts      *accounts.Store
	Organisations *organisations.Store
	Guide         *guide.Store
	Search        *search.Index
	Groups        *groups.Store
	Notify        *notify.Center
	Discussions   *discussions.Store
	Support       *support.Store
	Meetings      *meetings.Store
	Audit         *audit.Log
	Moderation    *moderation.Store
	MemberData    *memberdata.Registry
	I18n          *i18n.Bundle
	Log           *slog.Logger
	Metrics       prometheus.Registerer
	Gatherer      prometheus.Gatherer
}

// Server answers HTTP requests.
type Server struct {
	Deps
	pages   *templates
	chrome  chrome
	assets  *assets
	metrics *metrics
	handler http.Handler
	routes  []route
}

// New builds the server: templates parsed and assets hashed up front, so a
// mistake in either fails at start, not on a reader's request.
func New(d Deps) (*Server, error) {
	s := &Server{Deps: d}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = parseTemplates(); err != nil {
		return nil, err
	}
	if s.metrics, err = newMetrics(d.Metrics, d.DB); err != nil {
		return nil, err
	}
	s.routes = s.routeTable()
	s.handler = s.build()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) build() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.pattern, s.metrics.route(rt.pattern, s.guard(rt)))
	}
	// Anything no route matched: a proper 404 page, or 405 with Allow when
	// the path exists for other methods.
	mux.Handle("/", s.metrics.route("unmatched", s.adapt(func(w http.ResponseWriter, r *http.Request) error {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			probe := &http.Request{Method: m, URL: r.URL, Host: r.Host}
			if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			if allow[0] == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
			w.Header().Set("Allow", strings.Join(allow, ", "))
			return &httpError{status: http.StatusMethodNotAllowed, msg: "error.method"}
		}
		return notFound()
	})))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.adapt(func(w http.ResponseWriter, r *http.Request) error {
		return &httpError{status: http.StatusForbidden, msg: "error.cross_origin"}
	}))
	return chain(mux,
		s.metrics.middleware,
		s.recoverPanics,
		s.logRequests,
		securityHeaders(s.Config),
		cop.Handler,
		limits(s.Config),
		s.identify,
		s.namablePaths,
	)
}

// BackgroundJobs runs housekeeping until ctx ends.
func (s *Server) BackgroundJobs(ctx context.Context) {
	s.purge(ctx)
}
