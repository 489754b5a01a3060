package i18n

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// pluralForms are the forms each language needs for a plural key.
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"nl": {"one", "other"},
	"ru": {"one", "few", "many", "other"},
}

var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// TestCatalogsComplete checks that Dutch and Russian translate every English
// message, with the same formatting verbs, and nothing English lacks.
func TestCatalogsComplete(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	en := b.Keys("en")
	if len(en) == 0 {
		t.Fatal("no English messages")
	}
	// Base keys of plural messages in English.
	plural := map[string]bool{}
	for _, k := range en {
		if strings.HasSuffix(k, ".other") {
			plural[strings.TrimSuffix(k, ".other")] = true
		}
	}
	for _, l := range Languages[1:] {
		want := map[string]bool{}
		for _, k := range en {
			base := k[:strings.LastIndex(k, ".")]
			if plural[base] {
				for _, f := range pluralForms[l.Code] {
					want[base+"."+f] = true
				}
				continue
			}
			want[k] = true
		}
		got := map[string]bool{}
		for _, k := range b.Keys(l.Code) {
			got[k] = true
		}
		var missing, extra []string
		for k := range want {
			if !got[k] {
				missing = append(missing, k)
			}
		}
		for k := range got {
			if !want[k] {
				extra = append(extra, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing) > 0 {
			t.Errorf("%s lacks %d messages: %v", l.Code, len(missing), missing)
		}
		if len(extra) > 0 {
			t.Errorf("%s has messages English lacks: %v", l.Code, extra)
		}
		// Same verbs in the same order, so arguments land right.
		for k := range got {
			if !want[k] {
				continue
			}
			ek := k
			if base := k[:strings.LastIndex(k, ".")]; plural[base] {
				ek = base + ".other"
			}
			ev := verb.FindAllString(raw(t, b, "en", ek), -1)
			lv := verb.FindAllString(raw(t, b, l.Code, k), -1)
			if !cmp.Equal(ev, lv) {
				t.Errorf("%s %s: verbs %v, English has %v", l.Code, k, lv, ev)
			}
		}
	}
}

// raw returns a message's source text.
func raw(t *testing.T, b *Bundle, code, key string) string {
	t.Helper()
	s, ok := b.source[code][key]
	if !ok {
		t.Fatalf("%s: no %s", code, key)
	}
	return s
}

func TestMatch(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ setting, cookie, accept, want string }{
		{"", "", "", "en"},
		{"", "", "nl-BE,nl;q=0.9,en;q=0.5", "nl"},
		{"", "", "ru-RU", "ru"},
		{"", "", "fr-FR,fr;q=0.9", "en"},
		{"", "", "fr-FR, ru;q=0.5", "ru"},
		{"", "ru", "nl", "ru"},
		{"nl", "ru", "en", "nl"},
		{"xx", "zz", "garbage;;", "en"},
	} {
		if got := b.Match(c.setting, c.cookie, c.accept).Code; got != c.want {
			t.Errorf("Match(%q, %q, %q) = %s, want %s", c.setting, c.cookie, c.accept, got, c.want)
		}
	}
}

func TestPrinter(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	en, _ := Supported("en")
	ru, _ := Supported("ru")
	pe, pr := b.Printer(en), b.Printer(ru)
	if got := pe.N("security.codes_left", 1); !strings.Contains(got, "1 unused recovery code.") {
		t.Errorf("English one: %q", got)
	}
	if got := pe.N("security.codes_left", 7); !strings.Contains(got, "7 unused recovery codes.") {
		t.Errorf("English other: %q", got)
	}
	// Russian: 1 (one), 3 (few), 5 (many) take different forms.
	one, few, many := pr.N("security.codes_left", 1), pr.N("security.codes_left", 3), pr.N("security.codes_left", 5)
	if one == strings.Replace(few, "3", "1", 1) && few == strings.Replace(many, "5", "3", 1) {
		t.Errorf("Russian plural forms all alike: %q %q %q", one, few, many)
	}
	if got := pe.Date(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)); got != "25 November 2026" {
		t.Errorf("date = %q", got)
	}
	if got := pe.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
}

// TestRemembered checks that the messages kept between requests read as
// made anew: without arguments, with one number, and dates, in each
// language; that the same number in another language or message is kept
// apart; and that the kept numbered messages stay within their bound.
func TestRemembered(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Languages {
		fresh := func() *Printer { // a bundle of its own: nothing kept yet
			nb, err := Load()
			if err != nil {
				t.Fatal(err)
			}
			return nb.Printer(l)
		}
		p := b.Printer(l)
		day := time.Date(2026, 3, 29, 23, 30, 0, 0, time.UTC)
		for range 2 { // the second time from what was kept
			if got, want := p.T("site.name"), fresh().T("site.name"); got != want {
				t.Errorf("%s: site.name %q, want %q", l.Code, got, want)
			}
			if got, want := p.T("discussions.post.by", 7), fresh().T("discussions.post.by", 7); got != want || !strings.Contains(got, "7") {
				t.Errorf("%s: post.by 7 = %q, want %q", l.Code, got, want)
			}
			if got, want := p.Date(day), fresh().Date(day); got != want || !strings.Contains(got, "29") {
				t.Errorf("%s: date %q, want %q", l.Code, got, want)
			}
		}
		if a, b := p.T("discussions.post.by", 8), p.T("error.title", 8); a == b {
			t.Errorf("%s: two messages with the same number read alike: %q", l.Code, a)
		}
	}
	en, _ := Supported("en")
	p := b.Printer(en)
	for n := range numberedMax + 100 {
		p.T("error.title", n)
	}
	if n := b.numbered.Len(); n > numberedMax {
		t.Errorf("%d numbered messages kept, more than %d", n, numberedMax)
	}
	// A key no catalogue defines is never kept.
	p.T("no.such.key.%d", 1)
	if _, ok := b.numbered.Get(numberedKey{"en", "no.such.key.%d", 1}); ok {
		t.Error("a key no catalogue defines was kept")
	}
}
