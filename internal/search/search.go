// Package search finds Involve's public content: one index for every
// content type (guide pages now; groups, discussions, meetings later), on
// SQLite's FTS5 or PostgreSQL's full-text search behind the same methods.
package search

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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

// Marks around matched words in titles and snippets from PostgreSQL's
// ts_headline; they cannot occur in text (forms strip control characters),
// so escaping the rest is safe. On SQLite the words are marked in Go
// (mark.go).
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
	// Ranking reads only ids and scores; the marked title and snippet,
	// which cost far more (the text is tokenised again), are made only for
	// the hits shown.
	var hits []rankedHit
	var err error
	if ix.db.Dialect() == db.Postgres {
		hits, err = ix.rankPostgres(ctx, words, vis)
	} else {
		hits, err = ix.rankSQLite(ctx, words, vis)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	kept := pickLanguage(hits, lang)
	total := len(kept)
	if len(kept) > limit {
		kept = kept[:limit]
	}
	if ix.db.Dialect() == db.Postgres {
		err = ix.markPostgres(ctx, words, kept)
	} else {
		err = ix.markSQLite(ctx, words, kept)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	out := make([]Hit, len(kept))
	for i, h := range kept {
		out[i] = h.Hit
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
	id    int64 // the document's row
	title string
	rank  float64
}

// pickLanguage keeps, for each thing, the reader's language if it matched,
// else English, else any; it keeps the order (best first) of the kept hits.
func pickLanguage(hits []rankedHit, lang string) []rankedHit {
	type thing struct{ kind, ref string }
	best := make(map[thing]int, len(hits)) // index in hits
	score := func(h *rankedHit) int {
		switch h.Lang {
		case lang:
			return 2
		case "en":
			return 1
		}
		return 0
	}
	for i := range hits {
		k := thing{hits[i].Kind, hits[i].Ref}
		if j, ok := best[k]; !ok || score(&hits[i]) > score(&hits[j]) {
			best[k] = i
		}
	}
	out := make([]rankedHit, 0, len(best))
	for i := range hits {
		if best[thing{hits[i].Kind, hits[i].Ref}] == i {
			out = append(out, hits[i])
		}
	}
	return out
}

// prefixed reports whether w is matched as the start of longer words.
// A single letter or digit is not: as a prefix it matches nearly every
// document (6,084 of 8,845 for "n" at scale 1), which costs ranking all
// of them and finds nothing a reader could use; it matches the word alone,
// as in "plan b".
func prefixed(w string) bool { return utf8.RuneCountInString(w) > 1 }

// ftsQuery is the FTS5 query for words: each quoted (so FTS5 operators
// typed by the reader are only words) and matched as a prefix (see
// prefixed); all words must match.
func ftsQuery(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + w + `"`
		if prefixed(w) {
			quoted[i] += "*"
		}
	}
	return strings.Join(quoted, " ")
}

// rankedMax bounds how many matches are ranked and counted.
const rankedMax = 500

// rankSQLite reads the ranked matches through search_documents_listing
// (migration 00012), which holds every column it needs: from the table
// itself each match would cost a walk over its body's overflow pages. The
// matches are sorted here, not by an ORDER BY, which made SQLite copy every
// row into a temporary b-tree; and only what ranking and picking a
// language need is read: each match is a row through the driver, about a
// microsecond a column. The shown hits' url and title are read with their
// body (markSQLite).
func (ix *Index) rankSQLite(ctx context.Context, words []string, vis []any) ([]rankedHit, error) {
	out, err := ix.scanRanked(ctx, func(h *rankedHit) []any { return []any{&h.id, &h.Kind, &h.Ref, &h.Lang, &h.rank} },
		`SELECT d.id, d.kind, d.ref, d.lang, bm25(search_fts, 8.0, 1.0)
		FROM search_fts JOIN search_documents d INDEXED BY search_documents_listing ON d.id = search_fts.rowid
		WHERE search_fts MATCH ? AND d.visibility IN (`+db.Placeholders(len(vis))+`)`,
		append([]any{ftsQuery(words)}, vis...)...)
	if err != nil {
		return nil, err
	}
	// bm25 is lower for better matches; equal ones in the order they were
	// written. The keys are sorted, not the hits, which are large to move.
	type key struct {
		rank float64
		id   int64
		at   int
	}
	keys := make([]key, len(out))
	for i, h := range out {
		keys[i] = key{h.rank, h.id, i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.id, b.id))
	})
	sorted := make([]rankedHit, min(len(keys), rankedMax))
	for i := range sorted {
		sorted[i] = out[keys[i].at]
	}
	return sorted, nil
}

// markSQLite reads the url, title and body of the hits shown and marks
// the query's words in them (see matcher).
func (ix *Index) markSQLite(ctx context.Context, words []string, hits []rankedHit) error {
	if len(hits) == 0 {
		return nil
	}
	at := make(map[int64]int, len(hits))
	ids := make([]any, len(hits))
	for i, h := range hits {
		at[h.id] = i
		ids[i] = h.id
	}
	rows, err := ix.db.Query(ctx, `SELECT id, url, title, body FROM search_documents WHERE id IN (`+db.Placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	m := newMatcher(words)
	for rows.Next() {
		var id int64
		var url, title, body string
		if err := rows.Scan(&id, &url, &title, &body); err != nil {
			return err
		}
		if i, ok := at[id]; ok {
			hits[i].URL, hits[i].Title, hits[i].Snippet = url, m.highlight(title), m.snippet(body)
		}
	}
	return rows.Err()
}

// tsQuery is the PostgreSQL query for words: prefix matching (:*) finds
// words as they are typed (see prefixed); all words must match.
func tsQuery(words []string) string {
	tq := make([]string, len(words))
	for i, w := range words {
		tq[i] = quoteLexeme(w)
		if prefixed(w) {
			tq[i] += ":*"
		}
	}
	return strings.Join(tq, " & ")
}

// rankPostgres ranks the matches in one scan of the GIN index. The index
// is searched with the words stemmed in every configuration at once (the
// four queries OR-ed), as it cannot tell a document's language; each
// candidate is then ranked, once, with the query stemmed as its own tsv
// was. A rank of 0 means the document has no cover of that query, that it
// matched through another language's stemming only: it is dropped, as it
// was when each language was a query of its own (four parts of a UNION
// ALL, 1.5 ms just to plan, each scanning the index and the heap).
func (ix *Index) rankPostgres(ctx context.Context, words []string, vis []any) ([]rankedHit, error) {
	// Each to_tsquery is a subquery of its own so that it is computed once
	// per search, not once per candidate: pgx prepares its statements, and
	// PostgreSQL's generic plan for them cannot compute it in advance.
	q, args := bind(`SELECT d.id, d.kind, d.ref, d.lang, d.url, d.title,
			ts_rank_cd(d.tsv, CASE d.lang WHEN 'en' THEN (SELECT to_tsquery('english', {q}))
				WHEN 'nl' THEN (SELECT to_tsquery('dutch', {q})) WHEN 'ru' THEN (SELECT to_tsquery('russian', {q}))
				ELSE (SELECT to_tsquery('simple', {q})) END) AS rank
		FROM search_documents d
		WHERE d.tsv @@ (SELECT to_tsquery('english', {q}) || to_tsquery('dutch', {q}) || to_tsquery('russian', {q}) || to_tsquery('simple', {q}))
			AND d.visibility IN ({vis})
		ORDER BY rank DESC, d.id LIMIT `+strconv.Itoa(rankedMax), map[string][]any{"q": {tsQuery(words)}, "vis": vis})
	hits, err := ix.scanRanked(ctx, func(h *rankedHit) []any { return []any{&h.id, &h.Kind, &h.Ref, &h.Lang, &h.URL, &h.title, &h.rank} },
		q, args...)
	if err != nil {
		return nil, err
	}
	// Best first, so the documents that do not match are at the end.
	for len(hits) > 0 && hits[len(hits)-1].rank <= 0 {
		hits = hits[:len(hits)-1]
	}
	return hits, nil
}

// Snippets on PostgreSQL are made from a window of the body: ts_headline
// parses and stems all the text it is given, about 1 ms per 10 KB here,
// and a thread's body is up to 20 KB (discussions.SearchBodyMax), so
// marking the 30 hits of "housing" in whole bodies took 41 ms. The window
// starts a little before the place where the last of the query's words
// first occurs, each word found as typed or as its stem (the stems of
// these languages mostly begin the words they stem): from there on every
// word has been seen, and all of them are near it when the body matches
// as a phrase. With no word found it starts at the start of the body.
const (
	snippetWindow = 1500 // characters of the body read
	snippetLead   = 150  // characters of it before the first match
)

// markPostgres fills in the marked titles and snippets of hits, each in
// its own language's configuration.
func (ix *Index) markPostgres(ctx context.Context, words []string, hits []rankedHit) error {
	if len(hits) == 0 {
		return nil
	}
	// Words of one character match only whole words (see prefixed):
	// found inside other words they would point the window anywhere.
	var find []string
	for _, w := range words {
		if prefixed(w) {
			find = append(find, strings.ToLower(w))
		}
	}
	ids := make([]any, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	// A body stored out of line is read, and decompressed, again by each
	// function given the column: d reads it once, and makes lower_body
	// once for all the words (OFFSET 0 keeps a subquery from being merged
	// into the one above, its values recomputed at each use). The window
	// is cut to whole words at each end that is not the body's.
	q, args := bind(`SELECT d.id,
			ts_headline(d.cfg, d.title, d.q, 'StartSel=`+markStart+`, StopSel=`+markEnd+`, HighlightAll=true'),
			ts_headline(d.cfg, CASE WHEN length(d.body) <= {window} THEN d.body ELSE w.text END, d.q,
				'StartSel=`+markStart+`, StopSel=`+markEnd+`, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "')
		FROM (SELECT b.*, to_tsquery(b.cfg, {q}) AS q, lower(b.body) AS lower_body FROM (
			SELECT id, title, body || '' AS body, (CASE lang WHEN 'en' THEN 'english' WHEN 'nl' THEN 'dutch'
				WHEN 'ru' THEN 'russian' ELSE 'simple' END)::regconfig AS cfg
			FROM search_documents WHERE id IN ({ids}) OFFSET 0) b OFFSET 0) d
		CROSS JOIN LATERAL (SELECT greatest(1, coalesce(max(f.at), 1) - {lead}) AS at FROM (
			SELECT min(nullif(strpos(d.lower_body, form), 0)) AS at
			FROM unnest(string_to_array({find}, ' ')) word, unnest(tsvector_to_array(to_tsvector(d.cfg, word)) || word) form
			GROUP BY word) f) s
		CROSS JOIN LATERAL (SELECT substr(d.body, s.at, {window}) AS text OFFSET 0) x
		CROSS JOIN LATERAL (SELECT CASE WHEN s.at + {window} > length(d.body) THEN x.text
			ELSE left(x.text, length(x.text) - strpos(reverse(x.text), ' ')) END AS text OFFSET 0) t
		CROSS JOIN LATERAL (SELECT CASE WHEN s.at = 1 THEN t.text
			ELSE substr(t.text, strpos(t.text, ' ') + 1) END AS text) w`, map[string][]any{
		"window": {snippetWindow}, "lead": {snippetLead}, "q": {tsQuery(words)},
		"find": {strings.Join(find, " ")}, "ids": ids,
	})
	return ix.scanMarks(ctx, hits, q, args...)
}

// bind turns each {name} in q into placeholders for the values of name,
// so that a query can use a value more than once, and returns the query
// with its arguments in order.
func bind(q string, values map[string][]any) (string, []any) {
	var b strings.Builder
	var args []any
	for {
		i := strings.IndexByte(q, '{')
		if i < 0 {
			b.WriteString(q)
			return b.String(), args
		}
		j := strings.IndexByte(q[i:], '}')
		if j < 0 {
			panic("search: unclosed name in " + q[i:])
		}
		v, ok := values[q[i+1:i+j]]
		if !ok {
			panic("search: no value for " + q[i:i+j+1])
		}
		b.WriteString(q[:i])
		b.WriteString(db.Placeholders(len(v)))
		args = append(args, v...)
		q = q[i+j+1:]
	}
}

// quoteLexeme quotes a word for to_tsquery so that nothing in it is read
// as an operator.
func quoteLexeme(w string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(w, `\`, `\\`), "'", "''") + "'"
}

// scanRanked reads the rows of q into hits, each row's columns into the
// fields dest names.
func (ix *Index) scanRanked(ctx context.Context, dest func(*rankedHit) []any, q string, args ...any) ([]rankedHit, error) {
	rows, err := ix.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rankedHit
	for rows.Next() {
		var h rankedHit
		if err := rows.Scan(dest(&h)...); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// scanMarks reads (id, marked title, marked snippet) rows into hits; a
// hit the query did not return keeps its plain title.
func (ix *Index) scanMarks(ctx context.Context, hits []rankedHit, q string, args ...any) error {
	at := make(map[int64]int, len(hits))
	for i := range hits {
		at[hits[i].id] = i
		hits[i].Title = marked(hits[i].title)
	}
	rows, err := ix.db.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title, snippet string
		if err := rows.Scan(&id, &title, &snippet); err != nil {
			return err
		}
		if i, ok := at[id]; ok {
			hits[i].Title, hits[i].Snippet = marked(title), marked(snippet)
		}
	}
	return rows.Err()
}

// marked escapes text and turns the match marks into <mark> elements.
func marked(s string) template.HTML {
	s = html.EscapeString(s)
	s = strings.ReplaceAll(s, markStart, "<mark>")
	s = strings.ReplaceAll(s, markEnd, "</mark>")
	return template.HTML(s)
}
