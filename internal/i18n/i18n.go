// Package i18n holds Involve's interface text in message catalogues, one
// folder of JSON files per language, and chooses the reader's language.
//
// Keys are stable identifiers ("signup.title"); a key with plural forms is
// stored as "key.one", "key.few", "key.many", "key.other" and chosen with
// the CLDR rules of golang.org/x/text.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

//go:embed locales
var locales embed.FS

// Language is one interface language.
type Language struct {
	Tag  language.Tag
	Code string // "en", "nl", "ru"
	Name string // the language's own name for itself
}

// Languages lists the interface languages; the first is the fallback.
var Languages = []Language{
	{language.English, "en", "English"},
	{language.Dutch, "nl", "Nederlands"},
	{language.Russian, "ru", "Русский"},
}

// Bundle holds every catalogue.
type Bundle struct {
	cat     *catalog.Builder
	keys    map[string]map[string]bool   // code -> set of keys
	source  map[string]map[string]string // code -> key -> message, for tests
	matcher language.Matcher
	// plain remembers each language's messages that take no arguments: a
	// page asks for a hundred of them, and message.Printer looks each up
	// and formats it anew (a tenth of a thread page's time).
	plain sync.Map // plainKey -> string
	// numbered remembers messages made with one number ("Post 3, by") and
	// dates, which a page of posts asks for thirty times each; bounded,
	// as the numbers are not.
	numbered *lru.Cache[numberedKey, string]
}

type plainKey struct{ code, key string }

type numberedKey struct {
	code, key string
	n         int
}

const numberedMax = 8192

// Load reads the embedded catalogues.
func Load() (*Bundle, error) { return load(locales) }

func load(fsys fs.FS) (*Bundle, error) {
	b := &Bundle{
		cat:    catalog.NewBuilder(catalog.Fallback(language.English)),
		keys:   map[string]map[string]bool{},
		source: map[string]map[string]string{},
	}
	var err error
	if b.numbered, err = lru.New[numberedKey, string](numberedMax); err != nil {
		return nil, err
	}
	var tags []language.Tag
	for _, l := range Languages {
		tags = append(tags, l.Tag)
		b.keys[l.Code] = map[string]bool{}
		b.source[l.Code] = map[string]string{}
		files, err := fs.Glob(fsys, path.Join("locales", l.Code, "*.json"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			var msgs map[string]string
			if err := json.Unmarshal(data, &msgs); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
			for k, v := range msgs {
				if b.keys[l.Code][k] {
					return nil, fmt.Errorf("i18n: %s: key %q defined twice", f, k)
				}
				b.keys[l.Code][k] = true
				b.source[l.Code][k] = v
				if err := b.cat.SetString(l.Tag, k, v); err != nil {
					return nil, fmt.Errorf("i18n: %s: %q: %w", f, k, err)
				}
			}
		}
	}
	b.matcher = language.NewMatcher(tags)
	return b, nil
}

// Keys returns the sorted keys of one language, for completeness tests.
func (b *Bundle) Keys(code string) []string {
	var ks []string
	for k := range b.keys[code] {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Has reports whether the language defines key.
func (b *Bundle) Has(code, key string) bool { return b.keys[code][key] }

// Supported returns the Language for a code, and whether it is one of ours.
func Supported(code string) (Language, bool) {
	for _, l := range Languages {
		if l.Code == code {
			return l, true
		}
	}
	return Languages[0], false
}

// Match picks the best interface language from, in order: the member's
// setting, the lang cookie, and the Accept-Language header.
func (b *Bundle) Match(setting, cookie, acceptLanguage string) Language {
	for _, c := range []string{setting, cookie} {
		if l, ok := Supported(c); ok {
			return l
		}
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			_, idx, conf := b.matcher.Match(tags...)
			if conf != language.No {
				return Languages[idx]
			}
		}
	}
	return Languages[0]
}

// Printer translates into one language.
type Printer struct {
	Lang Language
	p    *message.Printer
	b    *Bundle
}

// Printer returns a translator for l.
func (b *Bundle) Printer(l Language) *Printer {
	return &Printer{Lang: l, p: message.NewPrinter(l.Tag, message.Catalog(b.cat)), b: b}
}

// T translates key, formatting args into it the fmt way. A missing key
// shows the key itself, which tests catch.
func (p *Printer) T(key string, args ...any) string {
	if len(args) == 1 {
		if n, ok := args[0].(int); ok && p.defines(key) {
			return p.numbered(key, n, func() string { return p.p.Sprintf(key, n) })
		}
	}
	if len(args) > 0 {
		return p.p.Sprintf(key, args...)
	}
	k := plainKey{p.Lang.Code, key}
	if s, ok := p.b.plain.Load(k); ok {
		return s.(string)
	}
	s := p.p.Sprintf(key)
	// Only keys the catalogues define are kept, so a key made from a
	// request cannot grow the map.
	if p.defines(key) {
		p.b.plain.Store(k, s)
	}
	return s
}

// defines reports whether the catalogues hold key in the reader's
// language or in English.
func (p *Printer) defines(key string) bool { return p.b.keys[p.Lang.Code][key] || p.b.keys["en"][key] }

// numbered returns the message for key and n from the cache, making it
// with format when it is not there.
func (p *Printer) numbered(key string, n int, format func() string) string {
	k := numberedKey{p.Lang.Code, key, n}
	if s, ok := p.b.numbered.Get(k); ok {
		return s
	}
	s := format()
	p.b.numbered.Add(k, s)
	return s
}

// N translates a key with plural forms for the count n; n is also the first
// formatting argument.
func (p *Printer) N(key string, n int, args ...any) string {
	form := "other"
	switch plural.Cardinal.MatchPlural(p.Lang.Tag, n, 0, 0, 0, 0) {
	case plural.One:
		form = "one"
	case plural.Few:
		form = "few"
	case plural.Many:
		form = "many"
	}
	k := key + "." + form
	if !p.b.keys[p.Lang.Code][k] && !p.b.keys["en"][k] {
		k = key + ".other"
	}
	return p.p.Sprintf(k, append([]any{n}, args...)...)
}

// Date formats a time as a plain date in the reader's language,
// e.g. "25 November 2026".
func (p *Printer) Date(t time.Time) string {
	y, m, d := t.Date()
	return p.numbered("\x00date", y*10000+int(m)*100+d, func() string {
		// Day and year go in as text: the printer would group a year's digits.
		return p.T("date.format", strconv.Itoa(d), p.T(fmt.Sprintf("month.%d", int(m))), strconv.Itoa(y))
	})
}

// HasKey reports whether key is translated into the reader's language or
// at least into English.
func (p *Printer) HasKey(key string) bool {
	return p.b.keys[p.Lang.Code][key] || p.b.keys["en"][key]
}
