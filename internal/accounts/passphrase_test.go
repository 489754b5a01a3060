package accounts

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestHashingGated checks that a burst of sign-ins computes at most one
// argon2id hash per core at a time: each holds 19 MiB while it runs.
func TestHashingGated(t *testing.T) {
	var running, peak atomic.Int32
	real := argon2IDKey
	t.Cleanup(func() { argon2IDKey = real })
	argon2IDKey = func(pass, salt []byte, time_, memory uint32, threads uint8, n uint32) []byte {
		now := running.Add(1)
		for p := peak.Load(); now > p && !peak.CompareAndSwap(p, now); p = peak.Load() {
		}
		time.Sleep(5 * time.Millisecond) // long enough for every caller to arrive
		running.Add(-1)
		return make([]byte, n)
	}
	hash := HashPassphrase("a passphrase")
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if _, err := CheckPassphrase(hash, "a guess"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if max := int32(runtime.GOMAXPROCS(0)); peak.Load() > max || peak.Load() == 0 {
		t.Errorf("%d hashes ran at once; want 1 to %d", peak.Load(), max)
	}
}
