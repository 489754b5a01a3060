// Package search finds Involve's public content: one index for every
// content type (guide pages now; groups, discussions, meetings later), on
// SQLite's FTS5 or PostgreSQL's full-text search behind the same methods.
package search

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"
	"unicode"

	"involve/internal/db"
)

// Visibility values of a document.
const (
	Public  = "public"  // everyone
	Members = "members" // signed-in members
)

// Document is one searchable thing in one language.
type Document struct {
	Kind       string // e.g. "guide"
	Ref        string // the thing's own key within its kind, e.g. a slug
	Lang       string
	Title      string
	Body       string // plain text
	URL        string
	Visibility string
}

// Viewer is who is searching; it decides which documents they may see.
type Viewer struct {
	SignedIn bool
}

// Hit is one result, with the matched words marked.
type Hit struct {
	Kind    string
	Ref     string
	Lang    string
	URL     string
	Title   template.HTML
	Snippet template.HTML
}

// Index reads and writes the search documents.
type Index struct {
	db  *db.DB
	now func() time.Time
}

// New returns the index on d.
func New(d *db.DB) *Index { return &Index{db: d, now: time.Now} }

// Put adds or replaces a document, inside the caller's transaction so the
// index never disagrees with what it describes.
func (ix *Index) Put(ctx context.Context, q db.Querier, d Document) error {
	if d.Visibility == "" {
		d.Visibility = Public
	}
	var err error
	if q.Dialect() == db.Postgres {
		_, err = q.Exec(ctx, `INSERT INTO search_documents (kind, ref, lang, title, body, url, visibility, updated_at, tsv)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, setweight(to_tsvector(?::regconfig, ?), 'A') || setweight(to_tsvector(?::regconfig, ?), 'B'))
			ON CONFLICT (kind, ref, lang) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, url = EXCLUDED.url,
				visibility = EXCLUDED.visibility, updated_at = EXCLUDED.updated_at, tsv = EXCLUDED.tsv`,
			d.Kind, d.Ref, d.Lang, d.Title, d.Body, d.URL, d.Visibility, ix.now(),
			pgConfig(d.Lang), d.Title, pgConfig(d.Lang), d.Body)
	} else {
		_, err = q.Exec(ctx, `INSERT INTO search_documents (kind, ref, lang, title, body, url, visibility, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (kind, ref, lang) DO UPDATE SET title = excluded.title, body = excluded.body, url = excluded.url,
				visibility = excluded.visibility, updated_at = excluded.updated_at`,
			d.Kind, d.Ref, d.Lang, d.Title, d.Body, d.URL, d.Visibility, ix.now())
	}
	if err != nil {
		return fmt.Errorf("search: put %s/%s/%s: %w", d.Kind, d.Ref, d.Lang, err)
	}
	return nil
}

// Remove deletes every language of a document.
func (ix *Index) Remove(ctx context.Context, q db.Querier, kind, ref string) error {
	_, err := q.Exec(ctx, `DELETE FROM search_documents WHERE kind = ? AND ref = ?`, kind, ref)
	return err
}

// pgConfig is the PostgreSQL text-search configuration for a language:
// stemming in the document's own language.
func pgConfig(lang string) string {
	switch lang {
	case "en":
		return "english"
	case "nl":
		return "dutch"
	case "ru":
		return "russian"
	}
	return "simple"
}

// Marks around matched words in titles and snippets; they cannot occur in
// text (forms strip control characters), so escaping the rest is safe.
const (
	markStart = "\x02"
	markEnd   = "\x03"
)

// MaxQuery bounds how much of a query is used.
const MaxQuery = 200

// Search returns the documents matching query that viewer may see, best
// first, at most one per thing: in lang when it exists, else in the
// language it was written in. It also returns how many things matched.
func (ix *Index) Search(ctx context.Context, query, lang string, v Viewer, limit int) ([]Hit, int, error) {
	words := terms(query)
	if len(words) == 0 {
		return nil, 0, nil
	}
	vis := []any{Public}
	if v.SignedIn {
		vis = append(vis, Members)
	}
	var hits []rankedHit
	var err error
	if ix.db.Dialect() == db.Postgres {
		hits, err = ix.searchPostgres(ctx, words, vis)
	} else {
		hits, err = ix.searchSQLite(ctx, words, vis)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	out := pickLanguage(hits, lang)
	total := len(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, total, nil
}

// terms splits a query into words of letters and digits, at most 12.
func terms(q string) []string {
	if len(q) > MaxQuery {
		q = q[:MaxQuery]
	}
	q = strings.ToValidUTF8(q, " ")
	f := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(f) > 12 {
		f = f[:12]
	}
	return f
}

type rankedHit struct {
	Hit
	rank float64
}

// pickLanguage keeps, for each thing, the reader's language if it matched,
// else English, else any; it keeps the order (best first) of the kept hits.
func pickLanguage(hits []rankedHit, lang string) []Hit {
	best := map[string]int{} // kind/ref -> index in hits
	score := func(h rankedHit) int {
		switch h.Lang {
		case lang:
			return 2
		case "en":
			return 1
		}
		return 0
	}
	for i, h := range hits {
		k := h.Kind + "\x00" + h.Ref
		if j, ok := best[k]; !ok || score(h) > score(hits[j]) {
			best[k] = i
		}
	}
	var out []Hit
	seen := map[string]bool{}
	for i, h := range hits {
		k := h.Kind + "\x00" + h.Ref
		if best[k] == i && !seen[k] {
			seen[k] = true
			out = append(out, h.Hit)
		}
	}
	return out
}

func (ix *Index) searchSQLite(ctx context.Context, words []string, vis []any) ([]rankedHit, error) {
	// Each word quoted (so FTS5 operators typed by the reader are only
	// words) and matched as a prefix; all words must match.
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + w + `"*`
	}
	q := `SELECT d.kind, d.ref, d.lang, d.url,
			highlight(search_fts, 0, char(2), char(3)),
			snippet(search_fts, 1, char(2), char(3), '…', 24),
			bm25(search_fts, 8.0, 1.0)
		FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid
		WHERE search_fts MATCH ? AND d.visibility IN (` + placeholders(len(vis)) + `)
		ORDER BY bm25(search_fts, 8.0, 1.0) LIMIT 500`
	args := append([]any{strings.Join(quoted, " ")}, vis...)
	return ix.scanHits(ctx, q, args...)
}

func (ix *Index) searchPostgres(ctx context.Context, words []string, vis []any) ([]rankedHit, error) {
	// Each language's documents are matched with the query stemmed the
	// same way; prefix matching (:*) finds words as they are typed.
	var parts []string
	var args []any
	for _, lang := range []string{"en", "nl", "ru", ""} {
		cfg := pgConfig(lang)
		tq := make([]string, len(words))
		for i, w := range words {
			tq[i] = quoteLexeme(w) + ":*"
		}
		cond := `d.lang = ?`
		if lang == "" {
			cond = `d.lang NOT IN ('en', 'nl', 'ru')`
		}
		parts = append(parts, `SELECT d.kind, d.ref, d.lang, d.url,
				ts_headline(?::regconfig, d.title, to_tsquery(?::regconfig, ?), 'StartSel=`+markStart+`, StopSel=`+markEnd+`, HighlightAll=true'),
				ts_headline(?::regconfig, d.body, to_tsquery(?::regconfig, ?), 'StartSel=`+markStart+`, StopSel=`+markEnd+`, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'),
				ts_rank_cd(d.tsv, to_tsquery(?::regconfig, ?)) AS rank
			FROM search_documents d
			WHERE `+cond+` AND d.tsv @@ to_tsquery(?::regconfig, ?) AND d.visibility IN (`+placeholders(len(vis))+`)`)
		tsq := strings.Join(tq, " & ")
		args = append(args, cfg, cfg, tsq, cfg, cfg, tsq, cfg, tsq)
		if lang != "" {
			args = append(args, lang)
		}
		args = append(args, cfg, tsq)
		args = append(args, vis...)
	}
	q := `SELECT * FROM (` + strings.Join(parts, " UNION ALL ") + `) hits ORDER BY rank DESC LIMIT 500`
	return ix.scanHits(ctx, q, args...)
}

// quoteLexeme quotes a word for to_tsquery so that nothing in it is read
// as an operator.
func quoteLexeme(w string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(w, `\`, `\\`), "'", "''") + "'"
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func (ix *Index) scanHits(ctx context.Context, q string, args ...any) ([]rankedHit, error) {
	rows, err := ix.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rankedHit
	for rows.Next() {
		var h rankedHit
		var title, snippet string
		if err := rows.Scan(&h.Kind, &h.Ref, &h.Lang, &h.URL, &title, &snippet, &h.rank); err != nil {
			return nil, err
		}
		h.Title, h.Snippet = marked(title), marked(snippet)
		out = append(out, h)
	}
	return out, rows.Err()
}

// marked escapes text and turns the match marks into <mark> elements.
func marked(s string) template.HTML {
	s = html.EscapeString(s)
	s = strings.ReplaceAll(s, markStart, "<mark>")
	s = strings.ReplaceAll(s, markEnd, "</mark>")
	return template.HTML(s)
}
