package accounts

import (
	"strings"
	"testing"
)

// FuzzCheckHandle checks the handle rule against what the rest of Involve
// assumes of an accepted handle: ASCII letters, digits, '-' and '_' only
// (so no lookalike letters from other scripts, no invisible or bidi
// characters), within the length bounds, and one sign-in key for every
// way of writing it in upper or lower case.
func FuzzCheckHandle(f *testing.F) {
	for _, s := range []string{"mira", "sasha_k", "jo-peer", "ab", strings.Repeat("a", 31), "аdmin", "admin\u200b",
		"\u202egnp", "a b", "root\x00", "ÄÖÜ", "ǅemal", "K\u212a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if CheckHandle(h) != "" {
			return
		}
		if len(h) < HandleMin || len(h) > HandleMax {
			t.Errorf("%q accepted with length %d", h, len(h))
		}
		for _, r := range h {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				t.Errorf("%q accepted with %q in it", h, r)
			}
		}
		key := HandleKey(h)
		if HandleKey(key) != key || HandleKey(strings.ToUpper(h)) != key || len(key) != len(h) {
			t.Errorf("%q: key %q is not the same for every case of the handle", h, key)
		}
	})
}
