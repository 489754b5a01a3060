package web

import "sync"

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
