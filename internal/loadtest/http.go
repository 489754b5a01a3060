package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// page is one answer, read to the end.
type page struct {
	status   int
	body     string
	location string // of a redirect, as a path on the site
}

func (r *run) get(ctx context.Context, m *member, action, path string) (*page, error) {
	return r.do(ctx, m, action, http.MethodGet, path, nil)
}

func (r *run) post(ctx context.Context, m *member, action, path string, form url.Values) (*page, error) {
	return r.do(ctx, m, action, http.MethodPost, path, form)
}

// do sends one request as a browser on the site would: a form post carries
// the site's own Origin and Sec-Fetch-Site: same-origin, which is what the
// server's cross-origin protection looks for. Latency runs until the last
// byte of the body is read.
func (r *run) do(ctx context.Context, m *member, action, method, path string, form url.Values) (*page, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base.String()+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Accept-Language", "en")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Sec-Fetch-Mode", "navigate")
	req.Header.Set("Sec-Fetch-Dest", "document")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", r.base.String())
	}
	start := time.Now()
	resp, err := m.hc.Do(req)
	var b []byte
	if err == nil {
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	took := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err() // stopped from outside: not the server's fault
		}
		r.rec.add(action, 0, took, fmt.Sprintf("%s %s %s: %v", action, method, path, err))
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	p := &page{status: resp.StatusCode, body: string(b)}
	if loc := resp.Header.Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil {
			p.location = u.RequestURI()
			if u.Fragment != "" {
				p.location += "#" + u.Fragment
			}
		}
	}
	note := ""
	if p.status >= 400 {
		note = fmt.Sprintf("%s %s %s: %d", action, method, path, p.status)
	}
	r.rec.add(action, p.status, took, note)
	return p, nil
}

// recorder counts answers per action.
type recorder struct {
	mu      sync.Mutex
	actions map[string]*actionStats
	samples []string // the first few failures, for the report
	seen    map[string]bool
}

type actionStats struct {
	classes   [6]int // by status / 100; [0] is transport errors
	latencies []time.Duration
}

func newRecorder() *recorder {
	return &recorder{actions: map[string]*actionStats{}, seen: map[string]bool{}}
}

func (rc *recorder) add(action string, status int, took time.Duration, note string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	a := rc.actions[action]
	if a == nil {
		a = &actionStats{}
		rc.actions[action] = a
	}
	a.classes[min(status/100, 5)]++
	a.latencies = append(a.latencies, took)
	if note != "" && len(rc.samples) < 20 && !rc.seen[note] {
		rc.seen[note] = true
		rc.samples = append(rc.samples, note)
	}
}

// Figures are the counts and latencies of a set of requests.
type Figures struct {
	Actions []ActionFigures
	Total   ActionFigures
	Samples []string // the first distinct failures (status 4xx, 5xx, transport errors)
}

// ActionFigures is one action's row.
type ActionFigures struct {
	Action             string
	Requests           int
	Transport          int // errors without an answer
	C2, C3, C4, C5     int // answers by status class
	P50, P90, P99, Max time.Duration
}

func (rc *recorder) snapshot() Figures {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var f Figures
	var all []time.Duration
	for name, a := range rc.actions {
		f.Actions = append(f.Actions, row(name, a.classes, a.latencies))
		f.Total.Transport += a.classes[0]
		f.Total.C2 += a.classes[2]
		f.Total.C3 += a.classes[3]
		f.Total.C4 += a.classes[4]
		f.Total.C5 += a.classes[5]
		all = append(all, a.latencies...)
	}
	slices.SortFunc(f.Actions, func(a, b ActionFigures) int { return b.Requests - a.Requests })
	t := row("all", [6]int{f.Total.Transport, 0, f.Total.C2, f.Total.C3, f.Total.C4, f.Total.C5}, all)
	f.Total = t
	f.Samples = slices.Clone(rc.samples)
	return f
}

func row(name string, c [6]int, lat []time.Duration) ActionFigures {
	lat = slices.Clone(lat)
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	return ActionFigures{Action: name, Requests: len(lat), Transport: c[0], C2: c[2], C3: c[3], C4: c[4], C5: c[5],
		P50: q(0.50), P90: q(0.90), P99: q(0.99), Max: q(1)}
}
