package langs

import "testing"

func TestCodesHaveNames(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Codes {
		if seen[c] {
			t.Errorf("%s listed twice", c)
		}
		seen[c] = true
		if !Valid(c) || Name(c) == c {
			t.Errorf("%s has no name", c)
		}
	}
	if len(seen) != len(names) {
		t.Errorf("%d codes but %d names", len(seen), len(names))
	}
	if Valid("xx") || Name("xx") != "xx" {
		t.Errorf("an unknown code is treated as known")
	}
	if Dir("ar") != "rtl" || Dir("en") != "ltr" {
		t.Errorf("writing direction wrong")
	}
}
