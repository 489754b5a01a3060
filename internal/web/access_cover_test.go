package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Capabilities with roles of their own (group member, group moderator…)
// keep their access matrix in their own test file and register the routes
// it covers here; TestAccessMatrix then accepts those routes as covered.
var (
	coveredMu        sync.Mutex
	coveredElsewhere = map[string]string{} // route pattern -> test that covers it
)

// coverRoutes records that test covers patterns; call it from an init func
// in the test file that holds the matrix.
func coverRoutes(test string, patterns ...string) {
	coveredMu.Lock()
	defer coveredMu.Unlock()
	for _, p := range patterns {
		coveredElsewhere[p] = test
	}
}

// rowsOf runs a query of eight columns and returns each row as text, for
// the matrices' checks that a request changed nothing.
func (e *testEnv) rowsOf(q string) []string {
	e.t.Helper()
	rows, err := e.DB.Query(context.Background(), q)
	if err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]any, 8)
		ptrs := make([]any, 8)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// matrixPatterns checks that a capability's own matrix covers every route
// the capability registers, and only routes that exist, and returns the
// matrix's patterns in order.
func matrixPatterns[T any](t *testing.T, srv *Server, name string, own []route, matrix map[string]T) []string {
	t.Helper()
	for _, rt := range own {
		if _, ok := matrix[rt.pattern]; !ok {
			t.Errorf("%s route %q is not in the %s access matrix", name, rt.pattern, name)
		}
	}
	routes := srv.Routes()
	var patterns []string
	for p := range matrix {
		if _, ok := routes[p]; !ok {
			t.Errorf("the %s matrix has rules for %q, which is not a route", name, p)
		}
		patterns = append(patterns, p)
	}
	sort.Strings(patterns)
	return patterns
}

// matrixRun requests the cases of a capability's access matrix as every
// role and checks each outcome. Each *_access_test.go makes one from its
// fixture.
type matrixRun struct {
	roles  []string // role names, in the order of a case's outcomes
	client func(role int) *client
	fill   *strings.Replacer // fills {placeholders} in paths, forms and expected redirects
	secret string            // the secret group's name, which no 404 page may show
}

// matrixCase is one request of a matrix: its route pattern, the case's
// name, a path when the pattern's own is not the one to request, a form,
// and the outcome for each role.
type matrixCase struct {
	pattern, name, path string
	form                url.Values
	want                []outcome
}

func (m matrixRun) check(t *testing.T, c matrixCase) {
	t.Helper()
	method, path, _ := strings.Cut(c.pattern, " ")
	if c.path != "" {
		path = c.path
	}
	p := m.fill.Replace(path)
	form := url.Values{}
	for k, vs := range c.form {
		for _, v := range vs {
			form.Add(k, m.fill.Replace(v))
		}
	}
	if len(c.want) != len(m.roles) {
		t.Fatalf("%s (%s): %d outcomes for %d roles", c.pattern, c.name, len(c.want), len(m.roles))
	}
	for role, want := range c.want {
		if want.status == 0 {
			t.Errorf("%s (%s): no outcome for %s", c.pattern, c.name, m.roles[role])
			continue
		}
		want.to = m.fill.Replace(want.to)
		want = want.at(p)
		got, r := ask(m.client(role), method, p, form)
		if got != want {
			t.Errorf("%s %s (%s) as %s: got %v, want %v", method, p, c.name, m.roles[role], got, want)
		}
		if r.Status == http.StatusNotFound && strings.Contains(r.Body, m.secret) {
			t.Errorf("%s %s (%s) as %s: the 404 page names the secret group", method, p, c.name, m.roles[role])
		}
	}
}

// matrixUnchanged fails t when a matrix's requests changed the database.
func matrixUnchanged(t *testing.T, before, after []string) {
	t.Helper()
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the matrix's requests changed the database (-before +after):\n%s", diff)
	}
}

// at is the outcome for a request of path: loginNext becomes the sign-in
// page that leads back to path.
func (o outcome) at(path string) outcome {
	if o.to == loginNext {
		o.to = "/login?next=" + url.QueryEscape(path)
	}
	return o
}

// ask sends a GET, or a POST of form, as c and returns the outcome with the
// response.
func ask(c *client, method, path string, form url.Values) (outcome, response) {
	var r response
	if method == http.MethodPost {
		r = c.post(path, form)
	} else {
		r = c.get(path)
	}
	got := outcome{status: r.Status}
	if r.Status == http.StatusSeeOther {
		got.to = r.Location
	}
	return got, r
}
