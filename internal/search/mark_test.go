package search

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"involve/internal/testutil"
)

func TestHighlight(t *testing.T) {
	for _, c := range []struct{ query, text, want string }{
		{"naloxone training", "Naloxone Training, next month", "<mark>Naloxone</mark> <mark>Training</mark>, next month"},
		// Words are prefixes; a single letter is a whole word only.
		{"train", "Trainers train; a trai", "<mark>Trainers</mark> <mark>train</mark>; a trai"},
		{"n b", "Plan n, not b or bn", "Plan <mark>n</mark>, not <mark>b</mark> or bn"},
		// Everything else is escaped; marks are only ever ours.
		{"tulip", `<b onclick="x">tulip</b> & 'co'`, `&lt;b onclick=&#34;x&#34;&gt;<mark>tulip</mark>&lt;/b&gt; &amp; &#39;co&#39;`},
		{"mark", "<mark>mark</mark>", "&lt;<mark>mark</mark>&gt;<mark>mark</mark>&lt;/<mark>mark</mark>&gt;"},
		// Cyrillic, in any case, as a prefix too.
		{"здоровье жил", "Поговорите о ЗДОРОВЬЕ и жилье.", "Поговорите о <mark>ЗДОРОВЬЕ</mark> и <mark>жилье</mark>."},
		// Diacritics of Latin letters do not count, either way, and a
		// combining accent stays inside its word; other letters are
		// their own (ё is not е, as in the index).
		{"cafe naive", "Café, naïve", "<mark>Café</mark>, <mark>naïve</mark>"},
		{"café", "cafe cafe\u0301 CAFÉ", "<mark>cafe</mark> <mark>cafe\u0301</mark> <mark>CAFÉ</mark>"},
		{"angst", "Ångström", "<mark>Ångström</mark>"},
		{"елка", "ёлка елка", "ёлка <mark>елка</mark>"},
		// Words are split where the index splits them.
		{"peer", "peer-led, peers' (peer)", "<mark>peer</mark>-led, <mark>peers</mark>&#39; (<mark>peer</mark>)"},
		{"x", "", ""},
	} {
		if got := string(newMatcher(terms(c.query), nil).highlight(c.text)); got != c.want {
			t.Errorf("%q in %q:\n got %s\nwant %s", c.query, c.text, got, c.want)
		}
	}
}

func TestSnippetPlace(t *testing.T) {
	words := func(w string, n int) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	for _, c := range []struct{ name, query, text, want string }{
		{"short", "tulip", "A <tulip> garden.", "A &lt;<mark>tulip</mark>&gt; garden."},
		{"no match in the body: its start", "zebra", words("one", 30),
			words("one", 24) + "…"},
		{"a match far in: a few words before it", "tulip", words("one", 100) + " two tulip three " + words("four", 40),
			"…one one one two <mark>tulip</mark> three " + words("four", 18) + "…"},
		{"every word together beats the first word alone", "naloxone training",
			"naloxone " + words("one", 50) + " naloxone training " + words("two", 50),
			"…one one one one <mark>naloxone</mark> <mark>training</mark> " + words("two", 18) + "…"},
		{"near the end the place starts earlier", "tulip", words("one", 50) + " tulip",
			"…" + words("one", 23) + " <mark>tulip</mark>"},
		{"near the start: from the start", "tulip", "The " + words("one", 10) + " tulip " + words("two", 20),
			"The " + words("one", 10) + " <mark>tulip</mark> " + words("two", 12) + "…"},
		{"Cyrillic", "жилье", words("слово", 30) + " Жилье и здоровье. " + words("слово", 30),
			"…слово слово слово слово <mark>Жилье</mark> и здоровье. " + words("слово", 17) + "…"},
		{"escaped around the marks", "tulip", `<script>alert("tulip")</script>`,
			`&lt;script&gt;alert(&#34;<mark>tulip</mark>&#34;)&lt;/script&gt;`},
	} {
		if got := string(newMatcher(terms(c.query), nil).snippet(c.text)); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// Every document FTS5 finds has each query word marked in its title or
// snippet: the Go marker reads words as the index does. The texts mix
// scripts, cases, diacritics and punctuation.
func TestMarksAgreeWithIndex(t *testing.T) {
	d := testutil.SQLite(t)
	ctx := context.Background()
	ix := New(d)
	texts := []string{
		"Naloxone training for peers", "NALOXONE-training, Thursday", "naloxone/trainings (Riga)",
		"Café Peer — naïve questions", "CAFE peers' corner", "Ångström & co.", "Zürich Süd peer group",
		"Здоровье и жилье", "ЖИЛЬЕ: здоровье", "Ёлка у метро", "Über uns: Treffen", "İstanbul peers",
		"x²y and ½ cups", "São Paulo redução de danos", "Praha: snižování škod", "peer2peer 24/7",
	}
	for i, title := range texts {
		body := texts[(i+5)%len(texts)] + ". " + strings.Repeat("filler words here. ", i*7) + texts[(i+9)%len(texts)]
		if err := ix.Put(ctx, d, Document{Kind: "note", Ref: fmt.Sprint(i), Lang: "en", Title: title, Body: body, URL: "/n"}); err != nil {
			t.Fatal(err)
		}
	}
	queries := []string{"naloxone training", "peer", "cafe", "café", "naive", "angstrom", "zurich sud", "здоровье",
		"жил", "ёлка", "елка", "uber", "istanbul", "sao reducao", "snizovani skod", "peer2", "24", "filler"}
	// Not folded by the index: ё is a letter of its own.
	none := map[string]bool{"елка": true}
	for _, q := range queries {
		hits, _, err := ix.Search(ctx, q, "en", Viewer{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			// A document may have its words far apart: the title and the
			// snippet show at least one of them.
			marks := markedWords(string(h.Title) + " " + string(h.Snippet))
			if len(marks) == 0 {
				t.Errorf("%q: %s has no mark: %s | %s", q, h.Ref, h.Title, h.Snippet)
			}
			for _, m := range marks {
				if !slices.ContainsFunc(terms(q), func(w string) bool {
					return strings.HasPrefix(fold(m), fold(w)) && (prefixed(w) || fold(m) == fold(w))
				}) {
					t.Errorf("%q: %q marked in %s | %s", q, m, h.Title, h.Snippet)
				}
			}
		}
		if (len(hits) == 0) != none[q] {
			t.Errorf("%q: %d hits", q, len(hits))
		}
	}
}

var markRE = regexp.MustCompile(`<mark>(.*?)</mark>`)

// markedWords returns the words marked in s, unescaped.
func markedWords(s string) []string {
	var out []string
	for _, m := range markRE.FindAllStringSubmatch(s, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// BenchmarkSnippet marks a long Cyrillic body whose words are only at its
// end, the most a snippet reads.
func BenchmarkSnippet(b *testing.B) {
	body := strings.Repeat("Мы встречаемся каждую неделю и говорим о снижении вреда. ", 200) + "Тренинг по налоксону для равных."
	m := newMatcher(terms("налоксон тренинг"), nil)
	for b.Loop() {
		m.snippet(body)
	}
}
