package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes), so a
// small server can sign many members in at once.
type hashParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

var defaultParams = hashParams{memory: 19 * 1024, time: 2, threads: 1}

// CheapHashingForTests makes new hashes almost free, for test binaries that
// make hundreds of accounts: under the race detector one real hash takes
// about 200 ms. Hashes carry their parameters, so checking works either
// way. Call it from TestMain, before any test runs; the binary never does.
func CheapHashingForTests() { defaultParams = hashParams{memory: 64, time: 1, threads: 1} }

// HashPassphrase returns an argon2id hash in the PHC string format, which
// carries its own parameters so they can be raised later.
func HashPassphrase(pass string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	p := defaultParams
	key := idKey([]byte(pass), salt, p, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, enc.EncodeToString(salt), enc.EncodeToString(key))
}

// CheckPassphrase reports whether pass matches the stored hash.
func CheckPassphrase(hash, pass string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("accounts: unknown hash format")
	}
	var p hashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return false, fmt.Errorf("accounts: hash parameters: %w", err)
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, err
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil {
		return false, err
	}
	got := idKey([]byte(pass), salt, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// hashing admits one argon2id computation per core at a time. Each holds
// its memory (19 MiB) from start to end, and the scheduler would let every
// waiting request start one: a burst of a few hundred sign-ins, real or
// hostile, would hold gigabytes on a small server and finish no sooner, as
// the work is all CPU. Gated, the burst waits in line at the same
// throughput, and memory stays at a few hashes' worth.
var hashing = make(chan struct{}, runtime.GOMAXPROCS(0))

// argon2IDKey is argon2.IDKey; a test replaces it to watch the gate.
var argon2IDKey = argon2.IDKey

func idKey(pass, salt []byte, p hashParams, n uint32) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2IDKey(pass, salt, p.time, p.memory, p.threads, n)
}

// dummyHash is checked against when a handle does not exist, so that a
// wrong handle takes as long as a wrong passphrase. It is made on first
// use, not at start: an argon2id hash costs tens of milliseconds (hundreds
// on a busy machine), and every command, serve included, would wait for it.
var dummyHash = sync.OnceValue(func() string { return HashPassphrase("not a real passphrase") })

// Words for generated passphrases: short, common, easy to type on a phone.
var words = strings.Fields(`apple river candle garden window pepper silver
	harbor meadow lantern pillow rocket violet walnut basket bridge cactus
	dolphin ember falcon ginger hazel island jacket kettle lemon marble
	nutmeg orbit pebble quartz ribbon saddle tulip umbrella velvet willow
	yellow zebra anchor bamboo cobalt daisy engine feather glacier hammock
	indigo jigsaw koala ladder mango needle oyster parrot quiver raven
	sparrow thistle unicorn valley wander yonder zipper acorn biscuit clover`)

// GeneratePassphrase returns seven random words joined by dashes, about 43
// bits: far out of reach of online guessing, which sign-in throttling
// slows to a few tries an hour. Used by the admin command.
func GeneratePassphrase() string {
	out := make([]string, 7)
	for i := range out {
		out[i] = words[randIndex(len(words))]
	}
	return strings.Join(out, "-")
}

func randIndex(n int) int {
	var b [1]byte
	for {
		rand.Read(b[:])
		if int(b[0]) < 256-256%n {
			return int(b[0]) % n
		}
	}
}
