package web

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/meetings"
	"involve/internal/organisations"
)

type organisationCard struct {
	Org   *organisations.Organisation
	Langs []facetValue
}

type organisationListPage struct {
	Base
	FacetsHTML    template.HTML // the filter lists
	Organisations []organisationCard
	Filtered      bool
}

// organisationList is the directory of verified organisations, filtered
// by kind, region, topic and language, each value with its count.
func (s *Server) organisationList(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	cur := directoryQuery(r, organisations.Kinds)
	dir, err := s.Organisations.Directory(r.Context(), organisations.DirectoryFilter{Kind: cur["kind"], Region: cur["region"],
		Topic: cur["topic"], Language: cur["language"]})
	if err != nil {
		return err
	}
	p := &organisationListPage{Filtered: cur["kind"] != "" || cur["region"] != "" || cur["topic"] != "" || cur["language"] != ""}
	var kinds, regions, topics, languages []facetValue
	for _, f := range dir.Kinds {
		kinds = append(kinds, facetValue{Value: f.Value, Label: st.p.T("orgs.kinds." + f.Value), Count: f.Count})
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
		directoryFacets("/organisations", cur, "kind", st.p.T("orgs.filter.kind"), dir.Total, kinds),
		directoryFacets("/organisations", cur, "region", st.p.T("orgs.filter.region"), 0, regions),
		directoryFacets("/organisations", cur, "topic", st.p.T("orgs.filter.topic"), 0, topics),
		directoryFacets("/organisations", cur, "language", st.p.T("orgs.filter.language"), 0, languages),
	}, facetStyle{all: st.p.T("orgs.all"), main: "kind"})
	for _, o := range dir.Organisations {
		c := organisationCard{Org: o}
		for _, l := range o.Languages {
			c.Langs = append(c.Langs, languageFacet(l, 0))
		}
		p.Organisations = append(p.Organisations, c)
	}
	p.Title = st.p.T("orgs.title")
	p.Nav = "organisations"
	return s.render(w, r, http.StatusOK, "organisations", p)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// orgAccess is what the reader may do with one organisation.
type orgAccess struct {
	org       *organisations.Organisation
	staffRole string // "", staff or admin
	siteAdmin bool
}

func (a orgAccess) canSee() bool  { return a.org.IsVerified() || a.staffRole != "" || a.siteAdmin }
func (a orgAccess) canEdit() bool { return a.staffRole == organisations.StaffAdmin || a.siteAdmin }

// loadOrganisation finds the organisation in the path and the reader's
// rights over it. Unverified organisations are visible only to their staff
// and site admins; to anyone else they do not exist.
func (s *Server) loadOrganisation(r *http.Request) (orgAccess, error) {
	o, err := s.Organisations.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return orgAccess{}, err
	}
	a := orgAccess{org: o}
	if m := state(r).member; m != nil {
		a.siteAdmin = m.IsAdmin()
		if a.staffRole, err = s.Organisations.StaffRole(r.Context(), o.ID, m.ID); err != nil {
			return a, err
		}
	}
	if !a.canSee() {
		return a, notFound()
	}
	return a, nil
}

type organisationPage struct {
	Base
	Org       *organisations.Organisation
	Staff     []organisations.StaffMember
	StaffRole string
	CanEdit   bool
	Form      *Form       // add staff
	Support   *orgSupport // offers made, for its staff (support.go)
	OrgLangs  []facetValue
	Groups    []*groups.Group // the listed groups it supports
	Meetings  *meetingsBox
}

func (s *Server) organisationPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganisation(r)
	if err != nil {
		return err
	}
	return s.showOrganisation(w, r, a, newForm(), http.StatusOK)
}

func (s *Server) showOrganisation(w http.ResponseWriter, r *http.Request, a orgAccess, f *Form, status int) error {
	p := &organisationPage{Org: a.org, StaffRole: a.staffRole, CanEdit: a.canEdit(), Form: f}
	for _, l := range a.org.Languages {
		p.OrgLangs = append(p.OrgLangs, languageFacet(l, 0))
	}
	supported, err := s.Groups.SupportedBy(r.Context(), a.org.ID)
	if err != nil {
		return err
	}
	p.Groups = supported
	if a.staffRole != "" || a.siteAdmin {
		// Staff lists are for the organisation and site admins: staff
		// may be peers themselves, and a handle can identify.
		if p.Staff, err = s.Organisations.Staff(r.Context(), a.org.ID); err != nil {
			return err
		}
	}
	if f.Values.Get("role") == "" {
		f.Values.Set("role", organisations.Staff)
	}
	sup, err := s.orgSupport(r.Context(), a, state(r).member)
	if err != nil {
		return err
	}
	p.Support = sup
	if a.org.IsVerified() || a.staffRole != "" {
		if p.Meetings, err = s.meetingsBoxFor(r, meetings.Organiser{OrganisationID: a.org.ID}, a.org.Slug, a.org.IsVerified()); err != nil {
			return err
		}
	}
	p.Title = a.org.Name
	p.Nav = "organisations"
	return s.render(w, r, status, "organisation", p)
}

type organisationFormPage struct {
	Base
	Form  *Form
	Org   *organisations.Organisation // nil when registering
	Kinds []string
}

// LanguageChoices lists every language as a checkbox.
func (p *organisationFormPage) LanguageChoices() []choiceItem { return languageChoices(p.Form) }

// renderOrganisationForm shows the form to register (o nil) or edit o.
func (s *Server) renderOrganisationForm(w http.ResponseWriter, r *http.Request, status int, f *Form, o *organisations.Organisation) error {
	p := &organisationFormPage{Form: f, Org: o, Kinds: organisations.Kinds}
	if o == nil {
		p.Title = state(r).p.T("orgs.new.title")
	} else {
		p.Title = state(r).p.T("orgs.edit.title", o.Name)
	}
	p.Nav = "organisations"
	return s.render(w, r, status, "organisation_form", p)
}

func (s *Server) organisationForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderOrganisationForm(w, r, http.StatusOK, newForm(), nil)
}

func orgInput(f *Form) organisations.Input {
	var chosen []string
	for _, l := range f.Values["languages"] {
		if l = strings.TrimSpace(l); l != "" {
			chosen = append(chosen, l)
		}
	}
	in := organisations.Input{Name: f.Get("name"), Kind: f.Get("kind"), Summary: f.Get("summary"), Website: f.Get("website"),
		Region: f.Get("region"), Topics: f.Get("topics"), Languages: strings.Join(chosen, ", ")}
	for field, key := range in.Check() {
		f.Fail(field, key)
	}
	return in
}

func (s *Server) registerOrganisation(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := orgInput(f)
	if f.Valid() {
		o, err := s.Organisations.Register(r.Context(), state(r).member.ID, in)
		switch {
		case errors.Is(err, organisations.ErrSlugTaken):
			f.Fail("name", "org.name.taken")
		case err != nil:
			return err
		default:
			return redirect(w, r, "/organisations/"+o.Slug, "orgs.registered")
		}
	}
	return s.renderOrganisationForm(w, r, http.StatusUnprocessableEntity, f, nil)
}

func (s *Server) organisationEditForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganisation(r)
	if err != nil {
		return err
	}
	if !a.canEdit() {
		return forbidden()
	}
	f := newForm()
	o := a.org
	for k, v := range map[string]string{"name": o.Name, "kind": o.Kind, "summary": o.Summary, "website": o.Website, "region": o.Region,
		"topics": strings.Join(o.Topics, ", ")} {
		f.Values.Set(k, v)
	}
	f.Values["languages"] = o.Languages
	return s.renderOrganisationForm(w, r, http.StatusOK, f, o)
}

func (s *Server) updateOrganisation(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganisation(r)
	if err != nil {
		return err
	}
	if !a.canEdit() {
		return forbidden()
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := orgInput(f)
	if f.Valid() {
		err := s.Organisations.Update(r.Context(), a.org.ID, in)
		switch {
		case errors.Is(err, organisations.ErrSlugTaken):
			f.Fail("name", "org.name.taken")
		case err != nil:
			return err
		default:
			return redirect(w, r, "/organisations/"+a.org.Slug, "orgs.saved")
		}
	}
	return s.renderOrganisationForm(w, r, http.StatusUnprocessableEntity, f, a.org)
}

// setStaff adds a member to the staff by handle, or changes their role.
func (s *Server) setStaff(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganisation(r)
	if err != nil {
		return err
	}
	if !a.canEdit() {
		return forbidden()
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	role := f.Get("role")
	f.Check(role != organisations.Staff && role != organisations.StaffAdmin, "role", "orgs.staff.role_invalid")
	var target *accounts.Member
	if h := f.Get("handle"); h == "" {
		f.Fail("handle", "handle.required")
	} else if target, err = s.Accounts.ByHandle(r.Context(), h); errors.Is(err, db.ErrNotFound) {
		f.Fail("handle", "orgs.staff.no_member")
	} else if err != nil {
		return err
	}
	if f.Valid() {
		err = s.Organisations.SetStaff(r.Context(), a.org.ID, target.ID, role)
		switch {
		case errors.Is(err, organisations.ErrLastAdmin):
			f.Fail("role", "orgs.staff.last_admin")
		case err != nil:
			return err
		default:
			return redirect(w, r, "/organisations/"+a.org.Slug, "orgs.staff.saved")
		}
	}
	return s.showOrganisation(w, r, a, f, http.StatusUnprocessableEntity)
}

func (s *Server) removeStaff(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadOrganisation(r)
	if err != nil {
		return err
	}
	if !a.canEdit() && a.staffRole == "" {
		return forbidden()
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	target, err := s.Accounts.ByHandle(r.Context(), f.Get("handle"))
	if err != nil {
		return badRequest("orgs.staff.no_member")
	}
	// Staff may leave themselves; removing others takes an admin.
	self := target.ID == state(r).member.ID
	if !a.canEdit() && !(self && a.staffRole != "") {
		return forbidden()
	}
	err = s.Organisations.RemoveStaff(r.Context(), a.org.ID, target.ID)
	switch {
	case errors.Is(err, organisations.ErrLastAdmin):
		f.Fail("remove", "orgs.staff.last_admin")
		return s.showOrganisation(w, r, a, f, http.StatusUnprocessableEntity)
	case errors.Is(err, db.ErrNotFound):
		return badRequest("orgs.staff.no_member")
	case err != nil:
		return err
	}
	if self && !a.siteAdmin {
		return redirect(w, r, "/me", "orgs.staff.left")
	}
	return redirect(w, r, "/organisations/"+a.org.Slug, "orgs.staff.removed")
}
