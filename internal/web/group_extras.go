package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/guide"
)

// A group's external channels, and the guide stages it works through.

// ---- channels ----

// channelRows is how many channels a group may list.
const channelRows = 8

const channelLabelMax = 60

type channelRow struct {
	N                int // 1-based, for the legend
	Kind, Label, URL Field
}

type groupChannelsPage struct {
	Base
	Group *groups.Group
	Form  *Form
}

// Rows are the form's rows of fields, one channel each.
func (p *groupChannelsPage) Rows() []channelRow {
	var rows []channelRow
	for i := 0; i < channelRows; i++ {
		n := fmt.Sprint(i)
		kind := p.Field(p.Form, "kind_"+n, "select", "groups.channels.kind")
		kind.Options = append(kind.Options, Option{Value: "", Label: p.T("groups.channels.none"), Selected: kind.Value == ""})
		for _, k := range groups.ChannelKinds {
			kind.Options = append(kind.Options, Option{Value: k, Label: p.T("groups.channel_kind." + k + ".label"), Selected: kind.Value == k})
		}
		rows = append(rows, channelRow{
			N:     i + 1,
			Kind:  kind,
			Label: p.Field(p.Form, "label_"+n, "text", "groups.channels.label", "", "off"),
			URL:   p.Field(p.Form, "url_"+n, "url", "groups.channels.url", "", "url"),
		})
	}
	return rows
}

// Problems is the form's error summary, row by row.
func (p *groupChannelsPage) Problems() *ErrorSummary {
	var order []string
	for i := 0; i < channelRows; i++ {
		order = append(order, fmt.Sprint("kind_", i), fmt.Sprint("url_", i), fmt.Sprint("label_", i))
	}
	return p.ErrorList(p.Form, order...)
}

func (s *Server) renderGroupChannels(w http.ResponseWriter, r *http.Request, g *groups.Group, f *Form, status int) error {
	p := &groupChannelsPage{Group: g, Form: f}
	p.Title = state(r).p.T("groups.channels.title", g.Name)
	p.Nav = "groups"
	return s.render(w, r, status, "group_channels", p)
}

func (s *Server) groupChannelsForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadGroup(r)
	if err != nil {
		return err
	}
	if !a.IsAdmin() {
		return forbidden()
	}
	cs, err := s.Groups.Channels(r.Context(), a.Group.ID)
	if err != nil {
		return err
	}
	f := newForm()
	for i, c := range cs {
		n := fmt.Sprint(i)
		f.Values.Set("kind_"+n, c.Kind)
		f.Values.Set("label_"+n, c.Label)
		f.Values.Set("url_"+n, c.URL)
	}
	return s.renderGroupChannels(w, r, a.Group, f, http.StatusOK)
}

func (s *Server) saveGroupChannels(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadGroup(r)
	if err != nil {
		return err
	}
	if !a.IsAdmin() {
		return forbidden()
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	var cs []groups.Channel
	for i := 0; i < channelRows; i++ {
		n := fmt.Sprint(i)
		c := groups.Channel{Kind: f.Get("kind_" + n), Label: f.Get("label_" + n), URL: f.Get("url_" + n)}
		if c.Kind == "" && c.Label == "" && c.URL == "" {
			continue // an empty row
		}
		switch {
		case c.Kind == "":
			f.Fail("kind_"+n, "groups.channels.kind_required")
		case !contains(groups.ChannelKinds, c.Kind):
			f.Fail("kind_"+n, "groups.channels.kind_required")
		}
		switch {
		case c.URL == "":
			f.Fail("url_"+n, "groups.channels.url_required")
		case !groups.ValidChannelURL(c.URL):
			f.Fail("url_"+n, "groups.channels.url_invalid")
		}
		f.Check(utf8.RuneCountInString(c.Label) > channelLabelMax, "label_"+n, "field.too_long")
		f.Check(strings.ContainsAny(c.Label, "\r\n"), "label_"+n, "field.one_line")
		cs = append(cs, c)
	}
	if !f.Valid() {
		return s.renderGroupChannels(w, r, a.Group, f, http.StatusUnprocessableEntity)
	}
	if err := s.Groups.SetChannels(r.Context(), a.Group.ID, cs); err != nil {
		return err
	}
	return redirect(w, r, groupPath(a.Group)+"#channels", "groups.channels.saved")
}

// ---- stages ----

// stageView is one adopted stage with its checklist in the reader's
// language, keyed by the English items as on the guide's own pages.
type stageView struct {
	Slug, Title string
	Items       []checkItem
	Done        int
}

// stageChecklist reads a guide stage's checklist in lang (the original
// where no translation exists), marking the keys in done.
func (s *Server) stageChecklist(r *http.Request, slug, lang string, done map[string]bool) (*stageView, *guide.Page, error) {
	ctx := r.Context()
	pg, err := s.Guide.PageBySlug(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	orig, err := s.Guide.Current(ctx, pg.ID, guide.Original)
	if err != nil {
		return nil, nil, err
	}
	rev := orig
	if lang != guide.Original {
		if tr, err := s.Guide.Current(ctx, pg.ID, lang); err == nil {
			rev = tr
		} else if !errors.Is(err, db.ErrNotFound) {
			return nil, nil, err
		}
	}
	keys, texts := guide.ChecklistItems(orig.Body), guide.ChecklistItems(rev.Body)
	v := &stageView{Slug: slug, Title: rev.Title}
	for i, k := range keys {
		text := k
		if i < len(texts) {
			text = texts[i]
		}
		key := guide.ItemKey(k)
		v.Items = append(v.Items, checkItem{Key: key, Text: text, Checked: done[key]})
		if done[key] {
			v.Done++
		}
	}
	return v, pg, nil
}

// stageProgress sums up the group's adopted stages for its page.
func (s *Server) stageProgress(r *http.Request, g *groups.Group) ([]stageProgress, error) {
	sts, err := s.Groups.Stages(r.Context(), g.ID)
	if err != nil {
		return nil, err
	}
	var out []stageProgress
	for _, st := range sts {
		v, _, err := s.stageChecklist(r, st.Slug, state(r).lang.Code, st.Done)
		if err != nil {
			return nil, err
		}
		out = append(out, stageProgress{Slug: st.Slug, Title: v.Title, Done: v.Done, Total: len(v.Items)})
	}
	return out, nil
}

type groupStagesPage struct {
	Base
	Access    groups.Access
	Group     *groups.Group
	Stages    []*stageView
	Available []stageView // stages not yet adopted, for admins
}

func (s *Server) groupStages(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadGroup(r)
	if err != nil {
		return err
	}
	if !a.CanSeeContent() {
		return forbidden()
	}
	st := state(r)
	sts, err := s.Groups.Stages(r.Context(), a.Group.ID)
	if err != nil {
		return err
	}
	p := &groupStagesPage{Access: a, Group: a.Group}
	adopted := map[string]bool{}
	for _, x := range sts {
		v, _, err := s.stageChecklist(r, x.Slug, st.lang.Code, x.Done)
		if err != nil {
			return err
		}
		p.Stages = append(p.Stages, v)
		adopted[x.Slug] = true
	}
	if a.IsAdmin() {
		for _, slug := range guide.Stages {
			if adopted[slug] {
				continue
			}
			v, _, err := s.stageChecklist(r, slug, st.lang.Code, nil)
			if errors.Is(err, db.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			p.Available = append(p.Available, *v)
		}
	}
	p.Title = st.p.T("groups.stages.title", a.Group.Name)
	p.Nav = "groups"
	return s.render(w, r, http.StatusOK, "group_stages", p)
}

// adoptedStage finds the guide stage in the path among those the group
// adopted.
func (s *Server) adoptedStage(r *http.Request, g *groups.Group) (*guide.Page, error) {
	slug := r.PathValue("stage")
	sts, err := s.Groups.Stages(r.Context(), g.ID)
	if err != nil {
		return nil, err
	}
	for _, st := range sts {
		if st.Slug == slug {
			return s.Guide.PageBySlug(r.Context(), slug)
		}
	}
	return nil, notFound()
}

func (s *Server) adoptGroupStage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadGroup(r)
	if err != nil {
		return err
	}
	if !a.IsAdmin() {
		return forbidden()
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	slug := f.Get("stage")
	if !contains(guide.Stages, slug) {
		return badRequest("groups.stages.unknown")
	}
	pg, err := s.Guide.PageBySlug(r.Context(), slug)
	if err != nil {
		return err
	}
	if err := s.Groups.AdoptStage(r.Context(), a.Group.ID, pg.ID); err != nil {
		return err
	}
	return redirect(w, r, groupPath(a.Group)+"/stages#stage-"+slug, "groups.stages.adopted")
}

func (s *Server) dropGroupStage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadGroup(r)
	if err != nil {
		return err
	}
	if !a.IsAdmin() {
		return forbidden()
	}
	pg, err := s.adoptedStage(r, a.Group)
	if err != nil {
		return err
	}
	if err := s.Groups.DropStage(r.Context(), a.Group.ID, pg.ID); err != nil {
		return err
	}
	return redirect(w, r, groupPath(a.Group)+"/stages", "groups.stages.dropped")
}

// saveGroupChecks stores what the group has done of a stage: any member
// ticks, for the whole group.
func (s *Server) saveGroupChecks(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadGroup(r)
	if err != nil {
		return err
	}
	if !a.IsMember() {
		return forbidden()
	}
	pg, err := s.adoptedStage(r, a.Group)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	orig, err := s.Guide.Current(r.Context(), pg.ID, guide.Original)
	if err != nil {
		return err
	}
	valid := map[string]bool{}
	for _, it := range guide.ChecklistItems(orig.Body) {
		valid[guide.ItemKey(it)] = true
	}
	if err := s.Groups.SetStageChecks(r.Context(), a.Group.ID, pg.ID, a.Viewer.MemberID, f.Values["item"], valid); err != nil {
		return err
	}
	return redirect(w, r, groupPath(a.Group)+"/stages#stage-"+pg.Slug, "groups.stages.saved")
}
