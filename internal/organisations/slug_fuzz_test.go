package organisations

import (
	"regexp"
	"testing"
	"unicode"
)

var slugShape = regexp.MustCompile(`^[\p{L}\p{N}]+(-[\p{L}\p{N}]+)*$`)

// FuzzSlugify checks the slug rule for organisations and groups: a slug
// is lower-case letters and digits joined by single dashes, short, and
// making a slug of a slug changes nothing (so a slug typed into an
// address finds the same thing).
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Harbour Harm Reduction Service", "Для Ирины", "Ünïcödé  -- Name!", "", "---", "ᴬ", "ǅemal",
		"Ⅻ district", "İstanbul", "ß", "\u202egnp", "a\u0301", "١٢٣", "x\x00y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s := Slugify(name)
		if s == "" {
			return
		}
		if !slugShape.MatchString(s) {
			t.Errorf("Slugify(%q) = %q: not letters and digits joined by single dashes", name, s)
		}
		for _, r := range s {
			if unicode.IsUpper(r) || unicode.IsTitle(r) {
				t.Errorf("Slugify(%q) = %q: has the capital %q", name, s, r)
			}
		}
		if len(s) > 60+4 {
			t.Errorf("Slugify(%q) = %q: %d bytes", name, s, len(s))
		}
		if again := Slugify(s); again != s {
			t.Errorf("Slugify(%q) = %q, but Slugify(%q) = %q", name, s, s, again)
		}
	})
}
