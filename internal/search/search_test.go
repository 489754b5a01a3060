package search_test

import (
	"context"
	"strings"
	"testing"

	"involve/internal/db"
	"involve/internal/search"
	"involve/internal/testutil"
)

func put(t *testing.T, d *db.DB, ix *search.Index, docs ...search.Document) {
	t.Helper()
	for _, doc := range docs {
		if err := ix.Put(context.Background(), d, doc); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSearch(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ix := search.New(d)
		put(t, d, ix,
			search.Document{Kind: "guide", Ref: "initiate", Lang: "en", Title: "Initiate", URL: "/guide/initiate",
				Body: "Start with a needs assessment. Talk with community members about housing and health."},
			search.Document{Kind: "guide", Ref: "initiate", Lang: "nl", Title: "Starten", URL: "/guide/initiate?lang=nl",
				Body: "Begin met een behoeftepeiling. Praat met mensen uit de gemeenschap over wonen en gezondheid."},
			search.Document{Kind: "guide", Ref: "initiate", Lang: "ru", Title: "Начало", URL: "/guide/initiate?lang=ru",
				Body: "Начните с оценки потребностей. Поговорите с людьми о жилье и здоровье."},
			search.Document{Kind: "guide", Ref: "street", Lang: "en", Title: "Street outreach and housing", URL: "/guide/street",
				Body: "Peers meet people where they are."},
			search.Document{Kind: "note", Ref: "secret", Lang: "en", Title: "Members only housing note", URL: "/x",
				Body: "Only for signed-in members.", Visibility: search.Members},
		)
		// Title matches rank above body matches; members-only stays hidden.
		hits, total, err := ix.Search(ctx, "housing", "en", search.Viewer{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || hits[0].Ref != "street" || hits[1].Ref != "initiate" {
			t.Fatalf("housing: %d hits %+v", total, hits)
		}
		if !strings.Contains(string(hits[0].Title), "<mark>housing</mark>") {
			t.Errorf("title not marked: %s", hits[0].Title)
		}
		if _, total, _ := ix.Search(ctx, "housing", "en", search.Viewer{SignedIn: true}, 10); total != 3 {
			t.Errorf("signed-in total = %d, want 3", total)
		}
		// Words are matched as prefixes; every word must match.
		if _, total, _ := ix.Search(ctx, "assess", "en", search.Viewer{}, 10); total != 1 {
			t.Errorf("prefix: total = %d", total)
		}
		if _, total, _ := ix.Search(ctx, "needs unicorn", "en", search.Viewer{}, 10); total != 0 {
			t.Errorf("all words must match: total = %d", total)
		}
		// One hit per thing, in the reader's language when it matched.
		hits, _, _ = ix.Search(ctx, "gemeenschap", "nl", search.Viewer{}, 10)
		if len(hits) != 1 || hits[0].URL != "/guide/initiate?lang=nl" || !strings.Contains(string(hits[0].Snippet), "<mark>") {
			t.Errorf("Dutch hit: %+v", hits)
		}
		hits, _, _ = ix.Search(ctx, "здоровье", "ru", search.Viewer{}, 10)
		if len(hits) != 1 || hits[0].Lang != "ru" {
			t.Errorf("Russian hit: %+v", hits)
		}
		// Nothing a reader types is read as query syntax or breaks the query.
		for _, q := range []string{`"`, `*`, `OR`, `NEAR(`, `a:b`, `'`, `\`, `title:housing`, `housing AND`, `-housing`, `(housing`, "<script>", "housing' OR 1=1 --"} {
			if _, _, err := ix.Search(ctx, q, "en", search.Viewer{}, 10); err != nil {
				t.Errorf("query %q: %v", q, err)
			}
		}
		hits, _, _ = ix.Search(ctx, "<b>housing</b>", "en", search.Viewer{}, 10)
		for _, h := range hits {
			if strings.Contains(string(h.Snippet), "<b>") {
				t.Errorf("markup from the query in a snippet: %s", h.Snippet)
			}
		}
		// Replacing and removing.
		put(t, d, ix, search.Document{Kind: "guide", Ref: "street", Lang: "en", Title: "Street outreach", URL: "/guide/street", Body: "Zebrafinch."})
		if _, total, _ := ix.Search(ctx, "housing", "en", search.Viewer{}, 10); total != 1 {
			t.Errorf("after replace: total = %d", total)
		}
		if _, total, _ := ix.Search(ctx, "zebrafinch", "en", search.Viewer{}, 10); total != 1 {
			t.Errorf("new word: total = %d", total)
		}
		if err := ix.Remove(ctx, d, "guide", "street"); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := ix.Search(ctx, "zebrafinch", "en", search.Viewer{}, 10); total != 0 {
			t.Errorf("after remove: total = %d", total)
		}
	})
}

func TestEscapedSnippets(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ix := search.New(d)
		put(t, d, ix, search.Document{Kind: "guide", Ref: "x", Lang: "en", Title: "<img src=x onerror=alert(1)> tulip",
			Body: "<script>alert(1)</script> tulip garden", URL: "/guide/x"})
		hits, _, err := ix.Search(context.Background(), "tulip", "en", search.Viewer{}, 10)
		if err != nil || len(hits) != 1 {
			t.Fatalf("%v %v", hits, err)
		}
		for _, s := range []string{string(hits[0].Title), string(hits[0].Snippet)} {
			if strings.Contains(s, "<script") || strings.Contains(s, "<img") {
				t.Errorf("unescaped: %s", s)
			}
		}
	})
}

func TestSingleLetterIsWholeWord(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ix := search.New(d)
		put(t, d, ix,
			search.Document{Kind: "note", Ref: "plan", Lang: "en", Title: "Plan B", URL: "/plan", Body: "When the first plan fails."},
			search.Document{Kind: "note", Ref: "budget", Lang: "en", Title: "Budget", URL: "/budget", Body: "Bring receipts."},
		)
		// As a prefix "b" would match "Budget" and "Bring" too.
		hits, total, err := ix.Search(ctx, "b", "en", search.Viewer{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || hits[0].Ref != "plan" {
			t.Errorf("b: %d hits %+v", total, hits)
		}
		// Two letters are still a prefix.
		if _, total, _ := ix.Search(ctx, "bu", "en", search.Viewer{}, 10); total != 1 {
			t.Errorf("bu: total = %d, want 1", total)
		}
	})
}

// A long thread's snippet shows where its words are, however far into the
// body (PostgreSQL marks only a window of it), even when one of them is
// seen alone earlier on.
func TestSnippetFarIntoBody(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ix := search.New(d)
		filler := strings.Repeat("We met at the library and talked about the weather. ", 200)
		put(t, d, ix, search.Document{Kind: "discussion", Ref: "1", Lang: "en", Title: "Peers", URL: "/d/1",
			Body: "The trainer was late. " + filler + "Then we ran naloxone training for peers. " + filler})
		hits, _, err := ix.Search(context.Background(), "naloxone training", "en", search.Viewer{}, 10)
		if err != nil || len(hits) != 1 {
			t.Fatalf("%v %v", hits, err)
		}
		if s := string(hits[0].Snippet); !strings.Contains(s, "<mark>naloxone</mark> <mark>training</mark>") {
			t.Errorf("snippet: %s", s)
		}
	})
}

// On PostgreSQL a word finds the words that share its stem, and those are
// the words marked; SQLite matches the words as typed.
func TestStemsMarked(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ix := search.New(d)
		put(t, d, ix, search.Document{Kind: "guide", Ref: "h", Lang: "en", Title: "Houses for peers", URL: "/h",
			Body: "Two houses opened near the station for people leaving prison."},
			search.Document{Kind: "guide", Ref: "r", Lang: "ru", Title: "Жильё", URL: "/r",
				Body: "Мы говорили о жилье и о снижении вреда."})
		hits, _, err := ix.Search(context.Background(), "housing", "en", search.Viewer{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if d.Dialect() != db.Postgres {
			if len(hits) != 0 {
				t.Errorf("SQLite matched a stem: %+v", hits)
			}
			return
		}
		if len(hits) != 1 || !strings.Contains(string(hits[0].Title), "<mark>Houses</mark>") ||
			!strings.Contains(string(hits[0].Snippet), "<mark>houses</mark>") {
			t.Errorf("housing: %+v", hits)
		}
		hits, _, err = ix.Search(context.Background(), "жилья", "ru", search.Viewer{}, 10)
		if err != nil || len(hits) != 1 || !strings.Contains(string(hits[0].Snippet), "<mark>жилье</mark>") {
			t.Errorf("жилья: %+v %v", hits, err)
		}
	})
}
