package memo

import (
	"strings"
	"testing"
)

func TestFunc(t *testing.T) {
	calls := 0
	upper := New(2, 5, func(s string) string { calls++; return strings.ToUpper(s) })
	for _, s := range []string{"ab", "ab", "cd", "ab"} {
		if got := upper.Get(s); got != strings.ToUpper(s) {
			t.Fatalf("Get(%q) = %q", s, got)
		}
	}
	if calls != 2 {
		t.Errorf("%d calls for two texts, want 2", calls)
	}
	upper.Get("ef") // the third text: "cd", least recent, goes
	upper.Get("cd")
	if calls != 4 {
		t.Errorf("%d calls, want 4: only two texts are kept", calls)
	}
	upper.Get("longer")
	upper.Get("longer")
	if calls != 6 || upper.cache.Contains("longer") {
		t.Errorf("a text over maxText was kept (%d calls)", calls)
	}
}
