package web

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
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
