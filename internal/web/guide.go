package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/guide"
	"involve/internal/i18n"
)

// guideSection is one section of the contents, in the reader's language.
type guideSection struct {
	Entry guide.Entry // the section's own page
	Pages []guide.Entry
}

type guideContentsPage struct {
	Base
	Sections []guideSection
	Progress []guide.Progress
	Entries  map[string]guide.Entry
}

// contents builds the table of contents in lang.
func (s *Server) contents(r *http.Request, lang string) ([]guideSection, map[string]guide.Entry, error) {
	entries, err := s.Guide.Entries(r.Context(), lang)
	if err != nil {
		return nil, nil, err
	}
	var out []guideSection
	for _, sec := range guide.Structure {
		gs := guideSection{Entry: entries[sec.Slug]}
		for _, p := range sec.Pages {
			if e, ok := entries[p]; ok {
				gs.Pages = append(gs.Pages, e)
			}
		}
		out = append(out, gs)
	}
	return out, entries, nil
}

func (s *Server) guideContents(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	p := &guideContentsPage{}
	var err error
	if p.Sections, p.Entries, err = s.contents(r, st.lang.Code); err != nil {
		return err
	}
	if st.member != nil {
		if p.Progress, err = s.Guide.StageProgress(r.Context(), st.member.ID); err != nil {
			return err
		}
	}
	p.Title = st.p.T("guide.title")
	p.Nav = "guide"
	return s.render(w, r, http.StatusOK, "guide", p)
}

// checkItem is one checklist item as the page shows it.
type checkItem struct {
	Key     string
	Text    string
	Checked bool
}

type guidePage struct {
	Base
	Page      *guide.Page
	Rev       *guide.Revision
	Body      guide.Rendered
	TextLang  i18n.Language // the language of the text shown; Base.Lang is the reader's
	Wanted    i18n.Language // the language asked for, when not available
	Missing   bool          // no text in the wanted language: the original is shown
	Outdated  bool          // the translation is older than the original
	Others    []i18n.Language
	Section   guide.Entry
	InSection bool // the page is not its section's own page
	Prev      *guide.Entry
	Next      *guide.Entry
	Related   []guide.Entry
	Checklist []checkItem
	Done      int
	CanEdit   bool
}

// readingLang is the language a guide page is asked for in: ?lang= when
// given and known, else the reader's.
func readingLang(r *http.Request) i18n.Language {
	if l, ok := i18n.Supported(r.URL.Query().Get("lang")); ok {
		return l
	}
	return state(r).lang
}

func canEditGuide(m *accounts.Member) bool {
	return m != nil && (m.HasRole(accounts.RoleEditor) || m.IsAdmin())
}

func (s *Server) guidePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := state(r)
	pg, err := s.Guide.PageBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	want := readingLang(r)
	p := &guidePage{Page: pg, Wanted: want, TextLang: want, CanEdit: canEditGuide(st.member)}
	p.Rev, err = s.Guide.Current(ctx, pg.ID, want.Code)
	if errors.Is(err, db.ErrNotFound) {
		p.Missing = true
		p.TextLang, _ = i18n.Supported(guide.Original)
		p.Rev, err = s.Guide.Current(ctx, pg.ID, guide.Original)
	}
	if err != nil {
		return err
	}
	if p.Outdated, err = s.Guide.Outdated(ctx, p.Rev); err != nil {
		return err
	}
	for _, l := range i18n.Languages {
		if l.Code == p.TextLang.Code {
			continue
		}
		if _, err := s.Guide.Current(ctx, pg.ID, l.Code); err == nil {
			p.Others = append(p.Others, l)
		}
	}
	p.Body = guide.Render(p.Rev.Body)

	_, entries, err := s.contents(r, want.Code)
	if err != nil {
		return err
	}
	sec := guide.SectionOf(pg.Slug)
	p.Section, p.InSection = entries[sec], sec != pg.Slug
	order := guide.Slugs()
	for i, slug := range order {
		if slug != pg.Slug {
			continue
		}
		if i > 0 {
			e := entries[order[i-1]]
			p.Prev = &e
		}
		if i+1 < len(order) {
			e := entries[order[i+1]]
			p.Next = &e
		}
	}
	for _, slug := range pg.Related {
		if e, ok := entries[slug]; ok {
			p.Related = append(p.Related, e)
		}
	}
	if err := s.fillChecklist(r, p); err != nil {
		return err
	}
	p.Title = p.Rev.Title
	p.Nav = "guide"
	return s.render(w, r, http.StatusOK, "guide_page", p)
}

// fillChecklist pairs the shown text's checklist items with the original's
// keys, and marks what the member ticked.
func (s *Server) fillChecklist(r *http.Request, p *guidePage) error {
	items := guide.ChecklistItems(p.Rev.Body)
	if len(items) == 0 {
		return nil
	}
	keys := items
	if p.Rev.Lang != guide.Original {
		orig, err := s.Guide.Current(r.Context(), p.Page.ID, guide.Original)
		if err != nil {
			return err
		}
		keys = guide.ChecklistItems(orig.Body)
	}
	var checked map[string]bool
	if m := state(r).member; m != nil {
		var err error
		if checked, err = s.Guide.Checks(r.Context(), m.ID, p.Page.ID); err != nil {
			return err
		}
	}
	for i, text := range items {
		if i >= len(keys) { // a translation with more items than the original
			break
		}
		k := guide.ItemKey(keys[i])
		p.Checklist = append(p.Checklist, checkItem{Key: k, Text: text, Checked: checked[k]})
		if checked[k] {
			p.Done++
		}
	}
	return nil
}

// saveChecklist stores which items a member ticked.
func (s *Server) saveChecklist(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.Guide.PageBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if err := s.Guide.SetChecks(r.Context(), state(r).member.ID, pg, f.Values["item"]); err != nil {
		return err
	}
	return redirect(w, r, pageURL(pg.Slug, f.Get("lang"))+"#checklist", "guide.checklist.saved")
}

// pageURL is a guide page's address in a language, or in the reader's
// language when lang is not one of ours.
func pageURL(slug, lang string) string {
	if _, ok := i18n.Supported(lang); ok && lang != guide.Original {
		return guide.PageURL(slug, lang)
	}
	return "/guide/" + slug
}

type guideEditPage struct {
	Base
	Page     *guide.Page
	Form     *Form
	EditLang i18n.Language
	Original *guide.Revision // shown beside a translation
	New      bool            // no text in this language yet
	Stale    bool
}

func (s *Server) guideEditForm(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.Guide.PageBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	lang := readingLang(r)
	f := newForm()
	p := &guideEditPage{Page: pg, Form: f, EditLang: lang}
	cur, err := s.Guide.Current(r.Context(), pg.ID, lang.Code)
	switch {
	case errors.Is(err, db.ErrNotFound):
		// A new translation starts from the original's text.
		p.New = true
		if cur, err = s.Guide.Current(r.Context(), pg.ID, guide.Original); err != nil {
			return err
		}
		f.Values.Set("base", "0")
	case err != nil:
		return err
	default:
		f.Values.Set("base", strconv.FormatInt(cur.ID, 10))
	}
	f.Values.Set("title", cur.Title)
	f.Values.Set("summary", cur.Summary)
	f.Values.Set("body", cur.Body)
	return s.renderGuideEdit(w, r, http.StatusOK, p)
}

func (s *Server) renderGuideEdit(w http.ResponseWriter, r *http.Request, status int, p *guideEditPage) error {
	if p.EditLang.Code != guide.Original {
		orig, err := s.Guide.Current(r.Context(), p.Page.ID, guide.Original)
		if err != nil {
			return err
		}
		p.Original = orig
	}
	p.Title = state(r).p.T("guide.edit.title", p.Form.Get("title"))
	p.Nav = "guide"
	return s.render(w, r, status, "guide_edit", p)
}

func (s *Server) guideSave(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.Guide.PageBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	lang, ok := i18n.Supported(f.Get("lang"))
	if !ok {
		return badRequest("error.language")
	}
	base, _ := strconv.ParseInt(f.Get("base"), 10, 64)
	for field, key := range guide.Check(f.Get("title"), f.Get("summary"), f.Raw("body"), f.Get("note")) {
		f.Fail(field, key)
	}
	p := &guideEditPage{Page: pg, Form: f, EditLang: lang, New: base == 0}
	if f.Valid() {
		m := state(r).member
		_, err := s.Guide.Save(r.Context(), pg, guide.Edit{Lang: lang.Code, Title: f.Get("title"), Summary: f.Get("summary"),
			Body: f.Raw("body"), Note: f.Get("note"), AuthorID: &m.ID, Base: base})
		switch {
		case errors.Is(err, guide.ErrStale):
			// Keep what the editor typed; they merge by hand.
			p.Stale = true
			f.Fail("body", "guide.edit.stale")
			if cur, err := s.Guide.Current(r.Context(), pg.ID, lang.Code); err == nil {
				f.Values.Set("base", strconv.FormatInt(cur.ID, 10))
			}
		case err != nil:
			return err
		default:
			return redirect(w, r, pageURL(pg.Slug, lang.Code), "guide.edit.saved")
		}
	}
	return s.renderGuideEdit(w, r, http.StatusUnprocessableEntity, p)
}

type guideHistoryPage struct {
	Base
	Page      *guide.Page
	HistLang  i18n.Language
	Revisions []*guide.Revision
	CanEdit   bool
	PageTitle string
}

func (s *Server) guideHistory(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.Guide.PageBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	lang := readingLang(r)
	revs, err := s.Guide.History(r.Context(), pg.ID, lang.Code)
	if err != nil {
		return err
	}
	if len(revs) == 0 {
		return notFound()
	}
	p := &guideHistoryPage{Page: pg, HistLang: lang, Revisions: revs, CanEdit: canEditGuide(state(r).member), PageTitle: revs[0].Title}
	p.Title = state(r).p.T("guide.history.title", revs[0].Title)
	p.Nav = "guide"
	return s.render(w, r, http.StatusOK, "guide_history", p)
}

type guideDiffPage struct {
	Base
	Page         *guide.Page
	From, To     *guide.Revision
	TitleChanged bool
	SummaryDiff  []guide.DiffLine
	Lines        []guide.DiffLine
}

func (s *Server) guideDiff(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.Guide.PageBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	fromID, err1 := strconv.ParseInt(q.Get("from"), 10, 64)
	toID, err2 := strconv.ParseInt(q.Get("to"), 10, 64)
	if err1 != nil || err2 != nil {
		return badRequest("guide.diff.choose")
	}
	if fromID > toID {
		fromID, toID = toID, fromID
	}
	from, err := s.Guide.Revision(r.Context(), pg.ID, fromID)
	if err != nil {
		return err
	}
	to, err := s.Guide.Revision(r.Context(), pg.ID, toID)
	if err != nil {
		return err
	}
	p := &guideDiffPage{Page: pg, From: from, To: to, TitleChanged: from.Title != to.Title,
		Lines: guide.Diff(from.Body, to.Body)}
	if from.Summary != to.Summary {
		p.SummaryDiff = guide.Diff(from.Summary+"\n", to.Summary+"\n")
	}
	p.Title = state(r).p.T("guide.diff.title", to.Title)
	p.Nav = "guide"
	return s.render(w, r, http.StatusOK, "guide_diff", p)
}

type guideRevisionPage struct {
	Base
	Page *guide.Page
	Rev  *guide.Revision
	Body guide.Rendered
}

func (s *Server) guideRevision(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.Guide.PageBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	rev, err := s.Guide.Revision(r.Context(), pg.ID, id)
	if err != nil {
		return err
	}
	p := &guideRevisionPage{Page: pg, Rev: rev, Body: guide.Render(rev.Body)}
	p.Title = state(r).p.T("guide.revision.title", rev.Title, rev.ID)
	p.Nav = "guide"
	return s.render(w, r, http.StatusOK, "guide_revision", p)
}

func (s *Server) guideRevert(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.Guide.PageBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(f.Get("revision"), 10, 64)
	if err != nil {
		return badRequest("guide.diff.choose")
	}
	m := state(r).member
	note := state(r).p.T("guide.revert.note", id)
	rev, err := s.Guide.Revert(r.Context(), pg, id, &m.ID, note)
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/guide/%s/history?lang=%s", pg.Slug, rev.Lang), "guide.revert.done")
}

// guideAllPage is the whole guide on one page, for reading offline and
// printing.
type guideAllPage struct {
	Base
	Chapters []guideChapter
}

type guideChapter struct {
	Slug    string
	Title   string
	Lang    string
	Missing bool
	Body    guide.Rendered
	Items   []string
	Section bool
}

func (s *Server) guideAll(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	lang := readingLang(r)
	p := &guideAllPage{}
	for _, slug := range guide.Slugs() {
		pg, err := s.Guide.PageBySlug(ctx, slug)
		if errors.Is(err, db.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		rev, err := s.Guide.Current(ctx, pg.ID, lang.Code)
		missing := errors.Is(err, db.ErrNotFound)
		if missing {
			rev, err = s.Guide.Current(ctx, pg.ID, guide.Original)
		}
		if err != nil {
			return err
		}
		p.Chapters = append(p.Chapters, guideChapter{Slug: slug, Title: rev.Title, Lang: rev.Lang, Missing: missing,
			Body: guide.Render(rev.Body), Items: guide.ChecklistItems(rev.Body), Section: guide.SectionOf(slug) == slug})
	}
	p.Title = state(r).p.T("guide.all.title")
	p.Nav = "guide"
	return s.render(w, r, http.StatusOK, "guide_all", p)
}
