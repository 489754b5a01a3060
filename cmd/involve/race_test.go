//go:build race

package main

// raceEnabled: the race detector slows passphrase hashing about tenfold,
// so tests that sign many members up scale down under it.
const raceEnabled = true
