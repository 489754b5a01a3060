package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"involve/internal/db"
)

// metrics counts requests and their durations by route pattern (never by
// path, which would hold ids and tokens), plus the database pools.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, d *db.DB) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "involve_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "involve_http_request_duration_seconds", Help: "HTTP request durations by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	cs := []prometheus.Collector{m.requests, m.duration}
	for name, pool := range d.Pools() {
		cs = append(cs, collectors.NewDBStatsCollector(pool, name))
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

type routeHolder struct{ pattern string }

const routeKey ctxKey = 1

// routeOf returns the route pattern that served the request, once known.
func routeOf(ctx context.Context) string {
	if h, ok := ctx.Value(routeKey).(*routeHolder); ok && h.pattern != "" {
		return h.pattern
	}
	return "unmatched"
}

// middleware is the outermost wrapper: it makes room for the route pattern,
// which the mux fills in through route, and records the outcome.
func (m *metrics) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := &routeHolder{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeKey, h)))
		pattern := h.pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		m.requests.WithLabelValues(pattern, r.Method, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(pattern).Observe(time.Since(start).Seconds())
	})
}

// route records which pattern matched.
func (m *metrics) route(pattern string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := r.Context().Value(routeKey).(*routeHolder); ok {
			h.pattern = pattern
		}
		next.ServeHTTP(w, r)
	})
}
