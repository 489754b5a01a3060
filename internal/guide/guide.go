// Package guide is the living peer-involvement manual: pages in sections,
// each edit a revision, translations that know when they fall behind the
// original, checklists members tick, and every page in the search index.
package guide

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"involve/internal/db"
	"involve/internal/search"
)

// Original is the language guide pages are written in; the others are
// translations of it.
const Original = "en"

// Kinds of page.
const (
	Teach   = "teach"
	Summary = "summary" // summarises other people's work or words
)

// Page is one guide page, in no particular language.
type Page struct {
	ID      int64
	Slug    string
	Kind    string
	Related []string
}

// Revision is one version of a page in one language.
type Revision struct {
	ID       int64
	PageID   int64
	Lang     string
	Title    string
	Summary  string
	Body     string
	Note     string // what the editor said they changed
	AuthorID *int64
	Author   string // handle; "" for the imported text or a deleted member
	SourceID *int64 // for a translation: the original's revision it follows
	Reverts  *int64 // the revision this one restored, if it is a revert
	At       time.Time
}

// Limits on what editors type.
const (
	TitleMax   = 120
	SummaryMax = 300
	BodyMax    = 60000
	NoteMax    = 200
)

// Errors shown next to form fields.
var (
	ErrStale = errors.New("guide: the page changed since it was opened")
)

// Store keeps the guide.
type Store struct {
	db     *db.DB
	search *search.Index
	now    func() time.Time
}

// NewStore returns a Store on d that keeps ix up to date.
func NewStore(d *db.DB, ix *search.Index) *Store { return &Store{db: d, search: ix, now: time.Now} }

// Check returns field -> message key for every problem with an edit.
func Check(title, summary, body, note string) map[string]string {
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(strings.TrimSpace(title)); {
	case n == 0:
		errs["title"] = "guide.edit.title_required"
	case n > TitleMax:
		errs["title"] = "field.too_long"
	}
	if strings.ContainsAny(title, "\r\n") {
		errs["title"] = "field.one_line"
	}
	if utf8.RuneCountInString(summary) > SummaryMax {
		errs["summary"] = "field.too_long"
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(body)); {
	case n == 0:
		errs["body"] = "guide.edit.body_required"
	case n > BodyMax:
		errs["body"] = "field.too_long"
	}
	if utf8.RuneCountInString(note) > NoteMax {
		errs["note"] = "field.too_long"
	}
	return errs
}

// PageBySlug returns one page.
func (s *Store) PageBySlug(ctx context.Context, slug string) (*Page, error) {
	p := &Page{}
	var related string
	err := s.db.QueryRow(ctx, `SELECT id, slug, kind, related FROM guide_pages WHERE slug = ?`, slug).Scan(&p.ID, &p.Slug, &p.Kind, &related)
	if err != nil {
		return nil, fmt.Errorf("guide: page %q: %w", slug, err)
	}
	p.Related = splitList(related)
	return p, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

const revisionColumns = `r.id, r.page_id, r.lang, r.title, r.summary, r.body, r.note, r.author_id, COALESCE(m.handle, ''),
	r.source_revision_id, r.reverts_id, r.created_at`

func scanRevision(sc interface{ Scan(...any) error }) (*Revision, error) {
	r := &Revision{}
	err := sc.Scan(&r.ID, &r.PageID, &r.Lang, &r.Title, &r.Summary, &r.Body, &r.Note, &r.AuthorID, &r.Author, &r.SourceID, &r.Reverts, &r.At)
	return r, err
}

// Current returns the newest revision of a page in a language, or
// db.ErrNotFound when the page has no text in that language.
func (s *Store) Current(ctx context.Context, pageID int64, lang string) (*Revision, error) {
	return s.current(ctx, s.db, pageID, lang)
}

func (s *Store) current(ctx context.Context, q db.Querier, pageID int64, lang string) (*Revision, error) {
	return scanRevision(q.QueryRow(ctx, `SELECT `+revisionColumns+` FROM guide_revisions r
		LEFT JOIN members m ON m.id = r.author_id
		WHERE r.page_id = ? AND r.lang = ? ORDER BY r.id DESC LIMIT 1`, pageID, lang))
}

// Revision returns one revision of a page.
func (s *Store) Revision(ctx context.Context, pageID, id int64) (*Revision, error) {
	return scanRevision(s.db.QueryRow(ctx, `SELECT `+revisionColumns+` FROM guide_revisions r
		LEFT JOIN members m ON m.id = r.author_id WHERE r.page_id = ? AND r.id = ?`, pageID, id))
}

// History lists a page's revisions in a language, newest first.
func (s *Store) History(ctx context.Context, pageID int64, lang string) ([]*Revision, error) {
	rows, err := s.db.Query(ctx, `SELECT `+revisionColumns+` FROM guide_revisions r
		LEFT JOIN members m ON m.id = r.author_id WHERE r.page_id = ? AND r.lang = ? ORDER BY r.id DESC`, pageID, lang)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Revision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Edit is a change an editor makes to a page in one language.
type Edit struct {
	Lang     string
	Title    string
	Summary  string
	Body     string
	Note     string
	AuthorID *int64
	// Base is the revision the editor started from; if the page has moved
	// on since, Save refuses with ErrStale rather than lose the other edit.
	Base    int64
	reverts *int64
}

// Save records an edit as a new revision and updates the search index.
func (s *Store) Save(ctx context.Context, p *Page, e Edit) (*Revision, error) {
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = s.save(ctx, tx, p, e)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Revision(ctx, p.ID, id)
}

func (s *Store) save(ctx context.Context, tx db.Querier, p *Page, e Edit) (int64, error) {
	cur, err := s.current(ctx, tx, p.ID, e.Lang)
	switch {
	case errors.Is(err, db.ErrNotFound):
		if e.Base != 0 {
			return 0, ErrStale
		}
	case err != nil:
		return 0, err
	case e.Base != cur.ID:
		return 0, ErrStale
	}
	var source *int64
	if e.Lang != Original {
		orig, err := s.current(ctx, tx, p.ID, Original)
		if err != nil {
			return 0, fmt.Errorf("guide: %s has no original text: %w", p.Slug, err)
		}
		source = &orig.ID
	}
	id, err := db.InsertID(ctx, tx, `INSERT INTO guide_revisions
		(page_id, lang, title, summary, body, note, author_id, source_revision_id, reverts_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, e.Lang, strings.TrimSpace(e.Title), strings.TrimSpace(e.Summary), normalizeBody(e.Body),
		strings.TrimSpace(e.Note), e.AuthorID, source, e.reverts, s.now())
	if err != nil {
		return 0, fmt.Errorf("guide: save %s: %w", p.Slug, err)
	}
	err = s.search.Put(ctx, tx, search.Document{
		Kind: "guide", Ref: p.Slug, Lang: e.Lang, Title: strings.TrimSpace(e.Title),
		Body: strings.TrimSpace(e.Summary) + "\n" + PlainText(e.Body), URL: PageURL(p.Slug, e.Lang),
	})
	return id, err
}

// normalizeBody keeps line ends uniform so diffs show real changes only.
func normalizeBody(b string) string {
	return strings.TrimSpace(strings.ReplaceAll(b, "\r\n", "\n")) + "\n"
}

// PageURL is the address of a page in a language; the original needs no
// language, a translation names its own so search links to what matched.
func PageURL(slug, lang string) string {
	if lang == Original {
		return "/guide/" + slug
	}
	return "/guide/" + slug + "?lang=" + lang
}

// Revert makes the text of an earlier revision the current one, as a new
// revision, so history keeps everything.
func (s *Store) Revert(ctx context.Context, p *Page, revID int64, author *int64, note string) (*Revision, error) {
	old, err := s.Revision(ctx, p.ID, revID)
	if err != nil {
		return nil, err
	}
	cur, err := s.Current(ctx, p.ID, old.Lang)
	if err != nil {
		return nil, err
	}
	return s.Save(ctx, p, Edit{Lang: old.Lang, Title: old.Title, Summary: old.Summary, Body: old.Body,
		Note: note, AuthorID: author, Base: cur.ID, reverts: &old.ID})
}

// Outdated reports whether a translation was made from an older version of
// the original than the current one, and the original has changed since.
func (s *Store) Outdated(ctx context.Context, tr *Revision) (bool, error) {
	if tr.Lang == Original || tr.SourceID == nil {
		return false, nil
	}
	orig, err := s.Current(ctx, tr.PageID, Original)
	if err != nil {
		return false, err
	}
	if orig.ID == *tr.SourceID {
		return false, nil
	}
	src, err := s.Revision(ctx, tr.PageID, *tr.SourceID)
	if err != nil {
		return false, err
	}
	return src.Title != orig.Title || src.Body != orig.Body || src.Summary != orig.Summary, nil
}

// Entry is a page as the contents list it: its current title and summary
// in the reader's language, or the original's.
type Entry struct {
	Slug       string
	Kind       string
	Lang       string // the language of Title and Summary
	Title      string
	Summary    string
	Translated bool // the reader's language exists for this page
}

// Entries returns every page's title and summary in lang (falling back to
// the original), by slug. One query: the contents page lists them all.
func (s *Store) Entries(ctx context.Context, lang string) (map[string]Entry, error) {
	rows, err := s.db.Query(ctx, `SELECT p.slug, p.kind, r.lang, r.title, r.summary FROM guide_pages p
		JOIN guide_revisions r ON r.page_id = p.id
		WHERE r.lang IN (?, ?) AND r.id = (SELECT MAX(id) FROM guide_revisions WHERE page_id = p.id AND lang = r.lang)`,
		Original, lang)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Entry{}
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Slug, &e.Kind, &e.Lang, &e.Title, &e.Summary); err != nil {
			return nil, err
		}
		if prev, ok := out[e.Slug]; ok && prev.Lang == lang {
			continue
		}
		e.Translated = e.Lang == lang
		out[e.Slug] = e
	}
	return out, rows.Err()
}

// Checks returns the checklist items a member has ticked on a page.
func (s *Store) Checks(ctx context.Context, memberID, pageID int64) (map[string]bool, error) {
	rows, err := s.db.Query(ctx, `SELECT item FROM guide_checks WHERE member_id = ? AND page_id = ?`, memberID, pageID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var item string
		if err := rows.Scan(&item); err != nil {
			return nil, err
		}
		out[item] = true
	}
	return out, rows.Err()
}

// SetChecks replaces the items a member has ticked on a page with items;
// keys not on the page's checklist are ignored.
func (s *Store) SetChecks(ctx context.Context, memberID int64, p *Page, items []string) error {
	orig, err := s.Current(ctx, p.ID, Original)
	if err != nil {
		return err
	}
	valid := map[string]bool{}
	for _, it := range ChecklistItems(orig.Body) {
		valid[ItemKey(it)] = true
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM guide_checks WHERE member_id = ? AND page_id = ?`, memberID, p.ID); err != nil {
			return err
		}
		done := map[string]bool{}
		for _, it := range items {
			if !valid[it] || done[it] {
				continue
			}
			done[it] = true
			if _, err := tx.Exec(ctx, `INSERT INTO guide_checks (member_id, page_id, item, checked_at) VALUES (?, ?, ?, ?)`,
				memberID, p.ID, it, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Progress is how far a member is through one stage's checklist.
type Progress struct {
	Slug        string
	Done, Total int
}

// StageProgress returns how far a member is through each stage's checklist.
func (s *Store) StageProgress(ctx context.Context, memberID int64) ([]Progress, error) {
	var out []Progress
	for _, slug := range Stages {
		p, err := s.PageBySlug(ctx, slug)
		if errors.Is(err, db.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		orig, err := s.Current(ctx, p.ID, Original)
		if err != nil {
			return nil, err
		}
		items := ChecklistItems(orig.Body)
		checks, err := s.Checks(ctx, memberID, p.ID)
		if err != nil {
			return nil, err
		}
		pr := Progress{Slug: slug, Total: len(items)}
		for _, it := range items {
			if checks[ItemKey(it)] {
				pr.Done++
			}
		}
		out = append(out, pr)
	}
	return out, nil
}

// SectionOf returns the section a page belongs to ("" for none).
func SectionOf(slug string) string {
	for _, sec := range Structure {
		if sec.Slug == slug {
			return sec.Slug
		}
		for _, p := range sec.Pages {
			if p == slug {
				return sec.Slug
			}
		}
	}
	return ""
}
