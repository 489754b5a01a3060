package facets

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSplitList checks SplitList against the plain way of writing it: a
// split, a trim and a set of lower-cased values seen.
func TestSplitList(t *testing.T) {
	plain := func(s string) []string {
		var out []string
		seen := map[string]bool{}
		for _, f := range strings.Split(s, ",") {
			f = strings.TrimSpace(f)
			if f == "" || seen[strings.ToLower(f)] {
				continue
			}
			seen[strings.ToLower(f)] = true
			out = append(out, f)
		}
		return out
	}
	for _, s := range []string{
		"", ",", " , ,", " a, B ,, b,c ", "harm reduction, Harm Reduction, HIV", "en, ru, nl, RU",
		"Kelvin \u212a, kelvin k", "ſun, sun, SUN", "İstanbul, istanbul, i̇stanbul", "Straße, STRASSE, straße",
		"Алматы, алматы, АЛМАТЫ", "a,\u00a0a\u00a0,\ta", "\xff, \xff,x\xfe", "one",
	} {
		if got, want := SplitList(s), plain(s); !cmp.Equal(got, want) {
			t.Errorf("SplitList(%q) = %q, want %q", s, got, want)
		}
	}
	if got := SplitList(" a, B ,, b,c "); !cmp.Equal(got, []string{"a", "B", "c"}) {
		t.Errorf("SplitList = %q", got)
	}
}

func BenchmarkSplitList(b *testing.B) {
	for b.Loop() {
		SplitList("harm reduction, HIV, housing, peer support, Harm Reduction")
		SplitList("en, ru")
	}
}
