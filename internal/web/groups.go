package web

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"unicode/utf8"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/guide"
	"involve/internal/meetings"
	"involve/internal/organisations"
)

// Groups: the directory, starting a group, its page, joining and leaving.
// Managing members and invitations is in group_members.go; channels and
// stage checklists in group_extras.go. Who may do what is decided by
// groups.Access; a group the reader may not know of is not found.
func (s *Server) groupRoutes() []route {
	return []route{
		{"GET /groups", Anyone, s.groupDirectory},
		{"GET /groups/new", SignedIn, s.groupNewForm},
		{"POST /groups", SignedIn, s.createGroup},
		{"GET /groups/{slug}", Anyone, s.groupPage},
		{"GET /groups/{slug}/edit", SignedIn, s.groupEditForm},
		{"POST /groups/{slug}/edit", SignedIn, s.updateGroup},
		{"POST /groups/{slug}/join", SignedIn, s.joinGroup},
		{"POST /groups/{slug}/leave", SignedIn, s.leaveGroup},

		{"GET /groups/{slug}/members", SignedIn, s.groupMembers},
		{"POST /groups/{slug}/members/role", SignedIn, s.setGroupRole},
		{"POST /groups/{slug}/members/remove", SignedIn, s.removeGroupMember},
		{"POST /groups/{slug}/members/transfer", SignedIn, s.transferGroupAdmin},
		{"POST /groups/{slug}/requests/{id}", SignedIn, s.decideJoinRequest},
		{"GET /groups/{slug}/invitations", SignedIn, s.groupInvitations},
		{"POST /groups/{slug}/invitations", SignedIn, s.createGroupInvitation},
		{"POST /groups/{slug}/invitations/{id}/withdraw", SignedIn, s.withdrawGroupInvitation},
		{"POST /groups/{slug}/invite-link", SignedIn, s.setGroupInviteLink},
		{"GET /invite/{token}", Anyone, s.invitationPage},
		{"POST /invite/{token}", SignedIn, s.acceptGroupInvitation},

		{"GET /groups/{slug}/channels", SignedIn, s.groupChannelsForm},
		{"POST /groups/{slug}/channels", SignedIn, s.saveGroupChannels},
		{"GET /groups/{slug}/stages", Anyone, s.groupStages},
		{"POST /groups/{slug}/stages", SignedIn, s.adoptGroupStage},
		{"POST /groups/{slug}/stages/{stage}/drop", SignedIn, s.dropGroupStage},
		{"POST /groups/{slug}/stages/{stage}/checks", SignedIn, s.saveGroupChecks},
	}
}

// groupViewer is the reader as package groups sees them.
// groupViewer is the reader as groups.Access sees them.
func groupViewer(m *accounts.Member) groups.Viewer {
	if m == nil {
		return groups.Viewer{}
	}
	return groups.Viewer{MemberID: m.ID, SiteModerator: isSiteModerator(m)}
}

// loadGroup finds the group in the path and what the reader may do with
// it. A group the reader may not see (secret, or hidden) is not found, so
// its name is never confirmed to outsiders.
func (s *Server) loadGroup(r *http.Request) (groups.Access, error) {
	a, err := s.Groups.AccessBySlug(r.Context(), r.PathValue("slug"), groupViewer(state(r).member))
	if errors.Is(err, db.ErrNotFound) {
		return groups.Access{}, notFound()
	}
	if err != nil {
		return a, err
	}
	if !a.CanSee() {
		return a, notFound()
	}
	return a, nil
}

// runsGroup reports whether the reader moderates or runs the group as one
// of its members: the group's own decisions (who joins, who is invited)
// are its members', not the site moderators'.
func runsGroup(a groups.Access) bool { return a.Role == groups.Moderator || a.Role == groups.Admin }

func groupPath(g *groups.Group) string { return "/groups/" + g.Slug }

// hasRoute reports whether a route is registered, so pages link to other
// capabilities (a group's discussions, its outside support) only when
// they are there.
func (s *Server) hasRoute(pattern string) bool {
	for _, rt := range s.routes {
		if rt.pattern == pattern {
			return true
		}
	}
	return false
}

// ---- the directory ----

type groupCard struct {
	Group   *groups.Group
	Summary string // the first words of its about text
	Langs   []facetValue
}

type groupDirectoryPage struct {
	Base
	FacetsHTML template.HTML // the filter lists
	Groups     []groupCard   // the groups on this page
	CardsHTML  template.HTML // their cards
	Matched    int           // groups matching the filters, on every page
	Total      int
	Filtered   bool
	Filters    map[string]string
	Pages      template.HTML // the page navigation (pageNav)
}

// DirectoryPerPage is how many groups a page of the directory shows: a
// long directory on a cheap phone is pages, not one long scroll.
const DirectoryPerPage = 20

func (s *Server) groupDirectory(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	cur := directoryQuery(r, groups.Kinds)
	dir, err := s.Groups.List(r.Context(), groupViewer(st.member),
		groups.Filter{Kind: cur["kind"], Region: cur["region"], Topic: cur["topic"], Language: cur["language"]},
		(page-1)*DirectoryPerPage, DirectoryPerPage)
	if err != nil {
		return err
	}
	p := &groupDirectoryPage{Filters: cur}
	p.Filtered = cur["kind"] != "" || cur["region"] != "" || cur["topic"] != "" || cur["language"] != ""
	var kinds, regions, topics, languages []facetValue
	kindTotal := 0
	for _, f := range dir.Kinds {
		kinds = append(kinds, facetValue{Value: f.Value, Label: st.p.T("groups.kinds." + f.Value), Count: f.Count})
		kindTotal += f.Count
	}
	for _, f := range dir.Regions {
		regions = append(regions, facetValue{Value: f.Value, Label: f.Value, Count: f.Count})
	}
	for _, f := range dir.Topics {
		topics = append(topics, facetValue{Value: f.Value, Label: f.Value, Count: f.Count})
	}
	for _, f := range dir.Languages {
		languages = append(languages, languageFacet(f.Value, f.Count))
	}
	p.FacetsHTML = facetsHTML([]facetList{
		directoryFacets("/groups", cur, "kind", st.p.T("groups.filter.kind"), kindTotal, kinds),
		directoryFacets("/groups", cur, "region", st.p.T("groups.filter.region"), 0, regions),
		directoryFacets("/groups", cur, "topic", st.p.T("groups.filter.topic"), 0, topics),
		directoryFacets("/groups", cur, "language", st.p.T("groups.filter.language"), 0, languages),
	}, facetStyle{all: st.p.T("groups.filter.all"), main: "kind", rtlOnly: true})
	pages := max(1, (dir.Matched+DirectoryPerPage-1)/DirectoryPerPage)
	if page > pages {
		return notFound()
	}
	for _, g := range dir.Groups {
		p.Groups = append(p.Groups, newGroupCard(g))
	}
	p.p = st.p // for the cards' words; render fills the rest
	p.CardsHTML = p.groupCardsHTML(p.Groups)
	p.Pages = localPageNav(st.p, "", pageLinks(directoryURL("/groups", cur), page, pages))
	p.Matched = dir.Matched
	p.Total = dir.Total
	p.Title = st.p.T("groups.title")
	p.Nav = "groups"
	return s.render(w, r, http.StatusOK, "groups", p)
}

func newGroupCard(g *groups.Group) groupCard {
	c := groupCard{Group: g, Summary: cardSummary(g.About)}
	for _, l := range g.Languages {
		c.Langs = append(c.Langs, languageFacet(l, 0))
	}
	return c
}

// ---- starting and editing a group ----

type groupFormPage struct {
	Base
	Form  *Form
	Group *groups.Group // nil when starting one
	Orgs  []*organisations.Organisation
	Kinds []string
}

// KindField is the choice of kind.
func (p *groupFormPage) KindField() Field {
	return p.Choice(p.Form, "kind", "groups.form.kind", "groups.kind.", append([]string{""}, groups.Kinds...)...)
}

// OrgField is the choice of organisation to start the group for.
func (p *groupFormPage) OrgField() Field {
	fd := p.Field(p.Form, "organisation", "select", "groups.form.organisation", "groups.form.organisation_hint")
	fd.Options = append(fd.Options, Option{Value: "", Label: p.T("groups.form.organisation_none"), Selected: fd.Value == ""})
	for _, o := range p.Orgs {
		fd.Options = append(fd.Options, Option{Value: o.Slug, Label: o.Name, Selected: fd.Value == o.Slug})
	}
	return fd
}

// Radios lists the choices of one radio group, each with its explanation.
func (p *groupFormPage) Radios(name string, values []string) []choiceItem {
	var out []choiceItem
	for _, v := range values {
		out = append(out, choiceItem{ID: name + "-" + v, Value: v, Label: p.T("groups." + name + "." + v),
			Hint: p.T("groups." + name + "." + v + "_hint"), Checked: p.Form.Values.Get(name) == v})
	}
	return out
}

// VisibilityRadios and JoiningRadios are the form's two radio groups.
func (p *groupFormPage) VisibilityRadios() []choiceItem {
	return p.Radios("visibility", groups.Visibilities)
}
func (p *groupFormPage) JoiningRadios() []choiceItem { return p.Radios("joining", groups.Joinings) }

// LanguageChoices lists every language as a checkbox.
func (p *groupFormPage) LanguageChoices() []choiceItem {
	return languageChoices(p.Form)
}

// verifiedStaffOrgs lists the verified organisations the reader acts for:
// those a group may be started for.
func (s *Server) verifiedStaffOrgs(r *http.Request) ([]*organisations.Organisation, error) {
	ms, err := s.Organisations.OfMember(r.Context(), state(r).member.ID)
	if err != nil {
		return nil, err
	}
	var out []*organisations.Organisation
	for _, m := range ms {
		if m.Organisation.IsVerified() {
			out = append(out, m.Organisation)
		}
	}
	return out, nil
}

func (s *Server) renderGroupForm(w http.ResponseWriter, r *http.Request, status int, f *Form, g *groups.Group) error {
	p := &groupFormPage{Form: f, Group: g, Kinds: groups.Kinds}
	if g == nil {
		var err error
		if p.Orgs, err = s.verifiedStaffOrgs(r); err != nil {
			return err
		}
		p.Title = state(r).p.T("groups.new.title")
	} else {
		p.Title = state(r).p.T("groups.edit.title", g.Name)
	}
	p.Nav = "groups"
	return s.render(w, r, status, "group_form", p)
}

func (s *Server) groupNewForm(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	f.Values.Set("visibility", groups.Public)
	f.Values.Set("joining", groups.Request)
	if k := r.URL.Query().Get("kind"); contains(groups.Kinds, k) {
		f.Values.Set("kind", k)
	}
	return s.renderGroupForm(w, r, http.StatusOK, f, nil)
}

// groupInput reads the group form and records its problems in f.
func groupInput(f *Form) groups.Input {
	var chosen []string
	for _, l := range f.Values["languages"] {
		if l = strings.TrimSpace(l); l != "" {
			chosen = append(chosen, l)
		}
	}
	in := groups.Input{Name: f.Get("name"), Kind: f.Get("kind"), Visibility: f.Get("visibility"), Joining: f.Get("joining"),
		About: f.Get("about"), Region: f.Get("region"), Topics: f.Get("topics"), Languages: strings.Join(chosen, ", ")}
	for field, key := range in.Check() {
		f.Fail(field, key)
	}
	if organisations.Slugify(in.Name) == "new" {
		f.Fail("name", "groups.name.reserved") // /groups/new is the form
	}
	for _, field := range []string{"name", "region", "topics"} {
		f.Check(strings.ContainsAny(f.Get(field), "\r\n"), field, "field.one_line")
	}
	return in
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := groupInput(f)
	var orgID *int64
	if slug := f.Get("organisation"); slug != "" {
		orgs, err := s.verifiedStaffOrgs(r)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if o.Slug == slug {
				orgID = &o.ID
			}
		}
		f.Check(orgID == nil, "organisation", "groups.form.organisation_invalid")
	}
	if f.Valid() {
		g, err := s.Groups.Create(r.Context(), state(r).member.ID, in, orgID)
		switch {
		case errors.Is(err, groups.ErrNameTaken):
			f.Fail("name", "groups.name.taken")
		case err != nil:
			return err
		default:
			return redirect(w, r, groupPath(g), "groups.created")
		}
	}
	return s.renderGroupForm(w, r, http.StatusUnprocessableEntity, f, nil)
}

func (s *Server) groupEditForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadGroup(r)
	if err != nil {
		return err
	}
	if !a.IsAdmin() {
		return forbidden()
	}
	g := a.Group
	f := newForm()
	for k, v := range map[string]string{"name": g.Name, "kind": g.Kind, "visibility": g.Visibility, "joining": g.Joining,
		"about": g.About, "region": g.Region, "topics": strings.Join(g.Topics, ", ")} {
		f.Values.Set(k, v)
	}
	f.Values["languages"] = g.Languages
	return s.renderGroupForm(w, r, http.StatusOK, f, g)
}

func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request) error {
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
	in := groupInput(f)
	if f.Valid() {
		err := s.Groups.Update(r.Context(), a.Group.ID, in)
		switch {
		case errors.Is(err, groups.ErrNameTaken):
			f.Fail("name", "groups.name.taken")
		case err != nil:
			return err
		default:
			return redirect(w, r, groupPath(a.Group), "groups.saved")
		}
	}
	return s.renderGroupForm(w, r, http.StatusUnprocessableEntity, f, a.Group)
}

// ---- the group's page ----

// memberView is a member as the reader may see them: by display name
// only when the member lets the reader see it.
type memberView struct {
	MemberID int64
	Handle   string
	Name     string
	Role     string
	You      bool
}

func memberViews(ms []groups.Membership, viewer *accounts.Member) []memberView {
	out := make([]memberView, 0, len(ms))
	for _, m := range ms {
		you := viewer != nil && viewer.ID == m.MemberID
		name := m.Handle
		if m.DisplayName != "" && accounts.CanSee(accounts.Visibility(m.DisplayNameVis), viewer != nil, you) {
			name = m.DisplayName
		}
		out = append(out, memberView{MemberID: m.MemberID, Handle: m.Handle, Name: name, Role: m.Role, You: you})
	}
	return out
}

// stageProgress is how far a group is through one stage's checklist.
type stageProgress struct {
	Slug, Title string
	Done, Total int
}

type groupPage struct {
	Base
	Access       groups.Access
	Group        *groups.Group
	About        template.HTML
	GroupLangs   []facetValue
	Organisation *organisations.Organisation // the organisation that started it
	Members      []memberView
	MemberPages  template.HTML // the members list in pages of groupMembersPerPage (pageNav)
	Supporters   []groups.Supporter
	Channels     []groups.Channel
	Stages       []stageProgress
	Waiting      int  // join requests waiting, for those who decide them
	Runs         bool // the reader moderates or runs the group
	OnlyAdmin    bool // the reader is the one admin, with others in the group
	Form         *Form
	Discussions  bool // the discussions capability is there to link to
	Threads      []DiscussionSummary
	Support      bool // the outside support capability is there to link to
	Moderation   bool // the group moderation page is there to link to
	Meetings     *meetingsBox
}

// groupMembersPerPage is how many members one page of a group page's
// members list shows: admins and moderators first, then by handle. A large
// group has thousands; the rest are on the following pages.
const groupMembersPerPage = 100

func (s *Server) groupPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadGroup(r)
	if err != nil {
		return err
	}
	return s.showGroup(w, r, a, newForm(), http.StatusOK)
}

func (s *Server) showGroup(w http.ResponseWriter, r *http.Request, a groups.Access, f *Form, status int) error {
	ctx := r.Context()
	st := state(r)
	g := a.Group
	p := &groupPage{Access: a, Group: g, About: guide.RenderHTML(g.About), Form: f, Runs: runsGroup(a),
		Discussions: s.hasRoute("GET /groups/{slug}/discussions"), Support: s.hasRoute("GET /groups/{slug}/support"),
		Moderation: s.hasRoute("GET /groups/{slug}/moderation")}
	for _, l := range g.Languages {
		p.GroupLangs = append(p.GroupLangs, languageFacet(l, 0))
	}
	var err error
	if g.OrganisationID != nil {
		o, err := s.Organisations.ByID(ctx, *g.OrganisationID)
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return err
		}
		if o != nil && o.IsVerified() {
			p.Organisation = o
		}
	}
	if p.Supporters, err = s.Groups.Supporters(ctx, g.ID); err != nil {
		return err
	}
	if a.CanSeeContent() && p.Discussions {
		if p.Threads, err = s.groupDiscussionSummary(ctx, g, a.Viewer); err != nil {
			return err
		}
	}
	// Who belongs to a group of, say, people who use drugs can say a lot
	// about them: only fellow members see the list, so only for them is it
	// read (a large group has thousands).
	if a.CanSeeContent() && (a.IsMember() || a.Viewer.SiteModerator) {
		ms, err := s.Groups.Members(ctx, g.ID)
		if err != nil {
			return err
		}
		page, err := pageParam(r)
		if err != nil {
			return err
		}
		pages := max(1, (len(ms)+groupMembersPerPage-1)/groupMembersPerPage)
		if page > pages {
			return notFound()
		}
		p.Members = memberViews(ms[(page-1)*groupMembersPerPage:min(len(ms), page*groupMembersPerPage)], st.member)
		links := pageLinks(groupPath(g), page, pages)
		for i := range links {
			links[i].URL += "#members-h"
		}
		p.MemberPages = localPageNav(st.p, st.p.T("groups.members"), links)
		admins := 0
		for _, m := range ms {
			if m.Role == groups.Admin {
				admins++
			}
		}
		p.OnlyAdmin = a.IsAdmin() && admins == 1 && len(ms) > 1
	}
	if a.CanSeeContent() {
		if p.Channels, err = s.Groups.Channels(ctx, g.ID); err != nil {
			return err
		}
		if p.Stages, err = s.stageProgress(r, g); err != nil {
			return err
		}
		public := g.Visibility == groups.Public && g.HiddenAt == nil
		if p.Meetings, err = s.meetingsBoxFor(r, meetings.Organiser{GroupID: g.ID}, g.Slug, public); err != nil {
			return err
		}
	}
	if p.Runs {
		reqs, err := s.Groups.PendingRequests(ctx, g.ID)
		if err != nil {
			return err
		}
		p.Waiting = len(reqs)
	}
	p.Title = g.Name
	p.Nav = "groups"
	return s.render(w, r, status, "group", p)
}

// ---- joining and leaving ----

func (s *Server) joinGroup(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadGroup(r)
	if err != nil {
		return err
	}
	g, m := a.Group, state(r).member
	if a.IsMember() {
		return redirect(w, r, groupPath(g), "groups.join.already")
	}
	if a.Pending {
		return redirect(w, r, groupPath(g), "groups.request.waiting")
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	switch {
	case g.Joining == groups.Open && g.Visibility != groups.Secret:
		err := s.Groups.Join(r.Context(), g, m.ID)
		if err != nil && !errors.Is(err, groups.ErrAlreadyMember) {
			return err
		}
		return redirect(w, r, groupPath(g), "groups.joined")
	case g.Joining == groups.Request && g.Visibility != groups.Secret:
		why := f.Get("why")
		switch n := utf8.RuneCountInString(why); {
		case n == 0:
			f.Fail("why", "groups.why.required")
		case n > groups.WhyMax:
			f.Fail("why", "field.too_long")
		}
		if !f.Valid() {
			return s.showGroup(w, r, a, f, http.StatusUnprocessableEntity)
		}
		err := s.DB.Tx(r.Context(), func(tx *db.Tx) error {
			if _, err := s.Groups.RequestJoinIn(r.Context(), tx, g, m.ID, why); err != nil {
				return err
			}
			to, err := s.Groups.MemberIDs(r.Context(), g.ID, groups.Moderator, groups.Admin)
			if err != nil {
				return err
			}
			return s.Notify.Add(r.Context(), tx, to, "group.join_request",
				map[string]string{"a_who": m.Handle, "b_group": g.Name}, groupPath(g)+"/members#requests")
		})
		switch {
		case errors.Is(err, groups.ErrRequestOpen):
			return redirect(w, r, groupPath(g), "groups.request.waiting")
		case errors.Is(err, groups.ErrAlreadyMember):
			return redirect(w, r, groupPath(g), "groups.join.already")
		case err != nil:
			return err
		}
		return redirect(w, r, groupPath(g), "groups.request.sent")
	}
	return &httpError{status: http.StatusForbidden, msg: "groups.join.invitation_only"}
}

func (s *Server) leaveGroup(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadGroup(r)
	if err != nil {
		return err
	}
	if !a.IsMember() {
		return badRequest("groups.leave.not_member")
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	err = s.Groups.Remove(r.Context(), a.Group.ID, state(r).member.ID)
	switch {
	case errors.Is(err, groups.ErrLastAdmin):
		f.Fail("leave", "groups.leave.last_admin")
		return s.showGroup(w, r, a, f, http.StatusUnprocessableEntity)
	case err != nil:
		return err
	}
	// A secret or hidden group is gone from sight for a former member.
	if a.Group.Visibility == groups.Secret || a.Group.HiddenAt != nil {
		return redirect(w, r, "/groups", "groups.left")
	}
	return redirect(w, r, groupPath(a.Group), "groups.left")
}
