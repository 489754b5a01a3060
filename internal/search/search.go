// Package search finds Involve's public content: one index for every
// content type (guide pages now; groups, discussions, meetings later), on
// SQLite's FTS5 or PostgreSQL's full-text search behind the same methods.
package search

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"runtime"
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
	// ranking admits one search per core at a time on SQLite, where
	// ranking is all CPU in this process: a common query ranks hundreds of
	// matches. Run together, 32 searches took as long as in line but
	// finished in any order, and the slowest twice as long (p99 200–269 ms
	// against 79–135 ms in line, p50 62–81 ms either way, at 32
	// connections on two cores). On PostgreSQL the work is the server's,
	// which the pool bounds; gated there too, the cores idled while
	// searches waited on it (290 searches/s against 242). Nil there.
	ranking chan struct{}
}

// New returns the index on d.
func New(d *db.DB) *Index {
	ix := &Index{db: d, now: time.Now}
	if d.Dialect() == db.SQLite {
		ix.ranking = make(chan struct{}, runtime.GOMAXPROCS(0))
	}
	return ix
}

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
	if ix.ranking != nil {
		select {
		case ix.ranking <- struct{}{}:
			defer func() { <-ix.ranking }()
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		}
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
	if err := ix.mark(ctx, words, kept); err != nil {
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
	id   int64 // the document's row
	rank float64
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
// body (mark).
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

// mark reads the url, title and body of the hits shown and marks the
// query's words in them (see matcher); on PostgreSQL also each word's stem
// in the hit's language.
func (ix *Index) mark(ctx context.Context, words []string, hits []rankedHit) error {
	if len(hits) == 0 {
		return nil
	}
	at := make(map[int64]int, len(hits))
	ids := make([]int64, len(hits))
	for i, h := range hits {
		at[h.id] = i
		ids[i] = h.id
	}
	matchers := map[string]*matcher{}
	var stemmed map[string][][]string
	if ix.db.Dialect() == db.Postgres {
		var err error
		if stemmed, err = ix.stems(ctx, words, hits); err != nil {
			return err
		}
	}
	in, args := db.In(ids)
	rows, err := ix.db.Query(ctx, `SELECT id, url, title, body FROM search_documents WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var url, title, body string
		if err := rows.Scan(&id, &url, &title, &body); err != nil {
			return err
		}
		i, ok := at[id]
		if !ok {
			continue
		}
		lang := hits[i].Lang
		m := matchers[lang]
		if m == nil {
			m = newMatcher(words, stemmed[lang])
			matchers[lang] = m
		}
		hits[i].URL, hits[i].Title, hits[i].Snippet = url, m.highlight(title), m.snippet(body)
	}
	return rows.Err()
}

// stems returns, for each language of hits that PostgreSQL stems, the
// stems of each query word in it (tsQuery matches a word through its stem
// as a prefix: "housing" finds "house" through "hous"). One round trip
// for all of them, much cheaper than marking the text in PostgreSQL.
func (ix *Index) stems(ctx context.Context, words []string, hits []rankedHit) (map[string][][]string, error) {
	var configs []any // language, configuration
	for _, h := range hits {
		if cfg := pgConfig(h.Lang); cfg != "simple" && !slices.Contains(configs, any(h.Lang)) {
			configs = append(configs, h.Lang, cfg)
		}
	}
	if len(configs) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(words)+len(configs))
	values := make([]string, len(words))
	for i, w := range words {
		values[i] = "(CAST(? AS text), " + strconv.Itoa(i) + ")"
		args = append(args, w)
	}
	q := `SELECT c.lang, w.i, l.lexeme FROM (VALUES ` + strings.Join(values, ", ") + `) AS w(word, i)
		CROSS JOIN (VALUES ` + strings.TrimSuffix(strings.Repeat("(CAST(? AS text), CAST(? AS regconfig)), ", len(configs)/2), ", ") + `) AS c(lang, cfg)
		CROSS JOIN LATERAL unnest(to_tsvector(c.cfg, w.word)) AS l`
	rows, err := ix.db.Query(ctx, q, append(args, configs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][][]string{}
	for rows.Next() {
		var lang, lexeme string
		var i int
		if err := rows.Scan(&lang, &i, &lexeme); err != nil {
			return nil, err
		}
		if out[lang] == nil {
			out[lang] = make([][]string, len(words))
		}
		out[lang][i] = append(out[lang][i], lexeme)
	}
	return out, rows.Err()
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
	q, args := bind(`SELECT d.id, d.kind, d.ref, d.lang,
			ts_rank_cd(d.tsv, CASE d.lang WHEN 'en' THEN (SELECT to_tsquery('english', {q}))
				WHEN 'nl' THEN (SELECT to_tsquery('dutch', {q})) WHEN 'ru' THEN (SELECT to_tsquery('russian', {q}))
				ELSE (SELECT to_tsquery('simple', {q})) END) AS rank
		FROM search_documents d
		WHERE d.tsv @@ (SELECT to_tsquery('english', {q}) || to_tsquery('dutch', {q}) || to_tsquery('russian', {q}) || to_tsquery('simple', {q}))
			AND d.visibility IN ({vis})
		ORDER BY rank DESC, d.id LIMIT `+strconv.Itoa(rankedMax), map[string][]any{"q": {tsQuery(words)}, "vis": vis})
	hits, err := ix.scanRanked(ctx, func(h *rankedHit) []any { return []any{&h.id, &h.Kind, &h.Ref, &h.Lang, &h.rank} },
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
