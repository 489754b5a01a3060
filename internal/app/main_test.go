package app_test

import (
	"os"
	"testing"

	"involve/internal/accounts"
)

// Tests make many accounts; real passphrase hashing would dominate their
// time, and it is tested in internal/accounts.
func TestMain(m *testing.M) {
	accounts.CheapHashingForTests()
	os.Exit(m.Run())
}
