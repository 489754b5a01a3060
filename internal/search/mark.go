package search

import (
	"html"
	"html/template"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The hits shown are marked here, in Go. On SQLite this replaced a second
// FTS5 pass with highlight() and snippet(): that pass ran the whole query
// again and tokenised every shown body inside SQLite, about as costly as
// ranking all the matches. On PostgreSQL it replaced ts_headline, which
// parsed and stemmed the text of every hit shown: 6 of the 17 ms a
// search cost there. The words are found as FTS5's tokenizer
// (unicode61 remove_diacritics 2, migration 00002) finds them: runs of
// letters, digits, private-use characters and combining marks, compared
// in lower case with the diacritics of Latin letters removed; a query word
// matches a word it begins (see prefixed), or equals, and on PostgreSQL so
// does the word's stem.

// snippetTokens is how many words of the body a snippet shows, and
// snippetLeadTokens how many of them come before its first marked word
// when the body goes on before it; FTS5's snippet() was given 24.
const (
	snippetTokens     = 24
	snippetLeadTokens = 4
)

// latinBase maps Latin letters with diacritics (U+00C0–U+024F and
// U+1E00–U+1EFF, lower case) to their letter without them, as
// remove_diacritics 2 does; letters that do not decompose (ø, ł, æ, ß)
// stay as they are. Filled once, read only.
var latinBase = func() map[rune]rune {
	m := map[rune]rune{}
	add := func(lo, hi rune) {
		for r := lo; r <= hi; r++ {
			if !unicode.IsLetter(r) || unicode.ToLower(r) != r {
				continue
			}
			d := norm.NFD.String(string(r))
			base, n := utf8.DecodeRuneInString(d)
			if n == len(d) || base >= utf8.RuneSelf {
				continue
			}
			m[r] = base
		}
	}
	add(0xC0, 0x24F)
	add(0x1E00, 0x1EFF)
	return m
}()

// wordChar reports whether r is part of a word for FTS5's unicode61
// tokenizer: letters, numbers, private use, and combining marks (which
// it keeps in the word, and drops when they are diacritics).
func wordChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Co, r)
}

// foldRune returns r as the index holds it: lower case, a Latin letter
// without its diacritics; 0 for a combining diacritic, which is dropped
// from its word, and -1 for a rune that is not part of a word.
func foldRune(r rune) rune {
	if r < rune(len(lowRunes)) {
		return lowRunes[r]
	}
	return foldSlow(r)
}

// lowRunes is foldRune for the runes below U+0800 (Latin, Greek,
// Cyrillic, Armenian, Hebrew, Arabic), worked out once: the Unicode tables
// cost about 20 ns a character, too much for long Russian bodies.
var lowRunes = func() (t [0x800]rune) {
	for r := range rune(len(t)) {
		t[r] = foldSlow(r)
	}
	return t
}()

func foldSlow(r rune) rune {
	switch {
	case 0x300 <= r && r <= 0x36F:
		return 0
	case !wordChar(r):
		return -1
	}
	r = unicode.ToLower(r)
	if base, ok := latinBase[r]; ok {
		r = base
	}
	return r
}

// appendFolded appends r as the index holds it (see foldRune) when it is
// part of a word.
func appendFolded(b []byte, r rune) []byte {
	switch f := foldRune(r); {
	case f <= 0:
		return b
	case f < utf8.RuneSelf:
		return append(b, byte(f))
	default:
		return utf8.AppendRune(b, f)
	}
}

// fold returns w as the index holds it.
func fold(w string) string {
	var b []byte
	for _, r := range w {
		b = appendFolded(b, r)
	}
	return string(b)
}

// matcher finds a query's words in text.
type matcher struct {
	forms  [][]string // for each query word, itself and its stems, folded
	prefix []bool
	all    uint32 // a bit for each word
	buf    []byte // the folded word being read
}

// newMatcher returns a matcher of words, each also found through the
// stems given for it (stems[i], which may be nil): on PostgreSQL a word
// matches the words of a document whose stem begins with the word's stem
// (see stems).
func newMatcher(words []string, stems [][]string) *matcher {
	m := &matcher{forms: make([][]string, len(words)), prefix: make([]bool, len(words))}
	for i, w := range words {
		m.forms[i] = []string{fold(w)}
		if i < len(stems) {
			for _, s := range stems[i] {
				if s = fold(s); s != "" && !slices.Contains(m.forms[i], s) {
					m.forms[i] = append(m.forms[i], s)
				}
			}
		}
		m.prefix[i] = prefixed(w)
		m.all |= 1 << i
	}
	return m
}

// match returns the bits of the query words that the folded word f
// matches: 0 for none.
func (m *matcher) match(f []byte) uint32 {
	var got uint32
	for i, forms := range m.forms {
		for _, w := range forms {
			if (len(f) == len(w) || m.prefix[i] && len(f) > len(w)) && string(f[:len(w)]) == w {
				got |= 1 << i
				break
			}
		}
	}
	return got
}

// word is a word of a text: where it is, and which query words it matches.
type word struct {
	start, end int
	hits       uint32
}

// scan calls fn for each word of s, in order, until fn returns false.
func (m *matcher) scan(s string, fn func(word) bool) {
	start := -1
	m.buf = m.buf[:0]
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if f := foldRune(r); f >= 0 {
			if start < 0 {
				start = i
			}
			if f >= utf8.RuneSelf {
				m.buf = utf8.AppendRune(m.buf, f)
			} else if f > 0 {
				m.buf = append(m.buf, byte(f))
			}
		} else if start >= 0 {
			if !fn(word{start, i, m.match(m.buf)}) {
				return
			}
			start = -1
			m.buf = m.buf[:0]
		}
		i += n
	}
	if start >= 0 {
		fn(word{start, len(s), m.match(m.buf)})
	}
}

// highlight returns s escaped with every word that matches marked.
func (m *matcher) highlight(s string) template.HTML {
	var b strings.Builder
	at := 0
	m.scan(s, func(w word) bool {
		if w.hits != 0 {
			writeMarked(&b, s, at, w)
			at = w.end
		}
		return true
	})
	b.WriteString(html.EscapeString(s[at:]))
	return template.HTML(b.String())
}

func writeMarked(b *strings.Builder, s string, at int, w word) {
	b.WriteString(html.EscapeString(s[at:w.start]))
	b.WriteString("<mark>")
	b.WriteString(html.EscapeString(s[w.start:w.end]))
	b.WriteString("</mark>")
}

// snippet returns about snippetTokens words of s, escaped, where the most
// different query words are found close together (the first such place),
// with the words that match marked and "…" where s goes on. It reads s
// twice: once to find the place, keeping only the words that match (and
// stopping at the first place that has every query word), then from the
// start of the place for the words shown.
func (m *matcher) snippet(s string) template.HTML {
	type match struct {
		at   int    // the word's index in s
		from int    // where the word snippetLeadTokens before it starts
		hits uint32 // the query words it matches
	}
	var found []match
	var starts [snippetTokens]int // where the last snippetTokens words start
	n := 0                        // words read
	last := -1                    // when a place has every word: the index in found of its first match
	span := snippetTokens - snippetLeadTokens
	m.scan(s, func(w word) bool {
		starts[n%snippetTokens] = w.start
		n++
		if w.hits == 0 {
			return true
		}
		found = append(found, match{n - 1, starts[max(n-1-snippetLeadTokens, 0)%snippetTokens], w.hits})
		var seen uint32
		for k := len(found) - 1; k >= 0 && n-1-found[k].at < span; k-- {
			if seen |= found[k].hits; seen == m.all {
				last = k
				return false
			}
		}
		return true
	})
	// The best place: the most different words, then the most matches.
	at, from, best := 0, 0, -1
	for i, f := range found {
		if last >= 0 && i > last {
			break
		}
		var seen uint32
		k := i
		for ; k < len(found) && found[k].at-f.at < span; k++ {
			seen |= found[k].hits
		}
		if score := bits.OnesCount32(seen)*1000 + k - i; score > best {
			at, from, best = max(f.at-snippetLeadTokens, 0), f.from, score
			if found[k-1].at < snippetTokens {
				at = 0 // all of it among the first words: from the start
			}
		}
	}
	if at == 0 {
		from = 0 // with what comes before the first word
	}
	shown, count, more := m.firstWords(s, from)
	if !more && count < snippetTokens && at > 0 {
		// Near the end of s the place starts earlier, to show as many
		// words: those words are among the last snippetTokens read.
		if at = max(at-(snippetTokens-count), 0); at == 0 {
			from = 0
		} else {
			from = starts[at%snippetTokens]
		}
		shown, count, more = m.firstWords(s, from)
	}
	if count == 0 {
		return ""
	}
	var b strings.Builder
	if at > 0 {
		b.WriteString("…")
	}
	t := s[from:]
	pos := 0
	for _, w := range shown[:count] {
		if w.hits != 0 {
			writeMarked(&b, t, pos, w)
			pos = w.end
		}
	}
	if more {
		b.WriteString(html.EscapeString(t[pos:shown[count-1].end]))
		b.WriteString("…")
	} else {
		b.WriteString(html.EscapeString(t[pos:]))
	}
	return template.HTML(b.String())
}

// firstWords returns the first snippetTokens words of s[from:], how many there
// are, and whether more follow.
func (m *matcher) firstWords(s string, from int) (shown [snippetTokens]word, count int, more bool) {
	m.scan(s[from:], func(w word) bool {
		if count == len(shown) {
			more = true
			return false
		}
		shown[count] = w
		count++
		return true
	})
	return shown, count, more
}
