package guide

import (
	"bufio"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"involve/internal/db"
	"involve/internal/i18n"
)

//go:embed content
var content embed.FS

// Source is a page as shipped in content/: the text a fresh site starts from.
type Source struct {
	Slug    string
	Lang    string
	Title   string
	Summary string
	Related []string
	Kind    string
	Body    string
}

// Sources reads the shipped text of a page in every language it has.
func Sources(slug string) ([]Source, error) {
	var out []Source
	for _, l := range i18n.Languages {
		data, err := fs.ReadFile(content, "content/"+l.Code+"/"+slug+".md")
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		src, err := parseSource(string(data))
		if err != nil {
			return nil, fmt.Errorf("guide: content/%s/%s.md: %w", l.Code, slug, err)
		}
		src.Slug, src.Lang = slug, l.Code
		out = append(out, src)
	}
	if len(out) == 0 || out[0].Lang != Original {
		return nil, fmt.Errorf("guide: no content/%s/%s.md", Original, slug)
	}
	return out, nil
}

// parseSource reads the "---" header of key: value lines, then the body.
func parseSource(text string) (Source, error) {
	var s Source
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return s, errors.New("no header")
	}
	head, body, ok := strings.Cut(text[4:], "\n---\n")
	if !ok {
		return s, errors.New("header not closed")
	}
	sc := bufio.NewScanner(strings.NewReader(head))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "title":
			s.Title = v
		case "summary":
			s.Summary = v
		case "related":
			s.Related = splitList(v)
		case "kind":
			s.Kind = v
		}
	}
	if s.Title == "" {
		return s, errors.New("no title")
	}
	if s.Kind == "" {
		s.Kind = Teach
	}
	s.Body = body
	return s, nil
}

// Slugs lists every page slug in reading order: each section's own page,
// then its pages.
func Slugs() []string {
	var out []string
	for _, sec := range Structure {
		out = append(out, sec.Slug)
		out = append(out, sec.Pages...)
	}
	return out
}

// Seed adds every page of the structure that the database lacks, with its
// shipped text in each language as the first revision. Pages already there
// are left alone: editors' work is never overwritten. It returns how many
// pages it added.
//
// Several nodes starting at once on an empty PostgreSQL database each try
// to add the pages; all but the first then fail on a page the first has
// added, and try again, finding it there.
func (s *Store) Seed(ctx context.Context) (int, error) {
	for attempt := 1; ; attempt++ {
		added, err := s.seed(ctx)
		if errors.Is(err, db.ErrConflict) && attempt < 5 {
			continue
		}
		return added, err
	}
}

func (s *Store) seed(ctx context.Context) (int, error) {
	added := 0
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		for _, slug := range Slugs() {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM guide_pages WHERE slug = ?`, slug).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			srcs, err := Sources(slug)
			if err != nil {
				return err
			}
			orig := srcs[0]
			id, err := db.InsertID(ctx, tx, `INSERT INTO guide_pages (slug, kind, related, created_at) VALUES (?, ?, ?, ?)`,
				slug, orig.Kind, strings.Join(orig.Related, ","), s.now())
			if err != nil {
				return err
			}
			p := &Page{ID: id, Slug: slug, Kind: orig.Kind, Related: orig.Related}
			for _, src := range srcs {
				e := Edit{Lang: src.Lang, Title: src.Title, Summary: src.Summary, Body: src.Body, Note: "Imported from the guide shipped with Involve"}
				if _, err := s.save(ctx, tx, p, e); err != nil {
					return err
				}
			}
			added++
		}
		return nil
	})
	return added, err
}
