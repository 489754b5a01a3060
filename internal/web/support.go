package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/organisations"
	"involve/internal/support"
)

// Outside support: groups ask, verified organisations offer, the group
// accepts one offer. Who sees what is decided in package support; here
// each handler loads the group, checks the reader's part in it, and acts.
func (s *Server) supportRoutes() []route {
	return []route{
		{"GET /support", Anyone, s.supportList},
		{"GET /groups/{slug}/support", Anyone, s.groupSupport},
		{"POST /groups/{slug}/support", SignedIn, s.createSupportRequest},
		{"GET /groups/{slug}/support/{id}", Anyone, s.supportRequest},
		{"GET /groups/{slug}/support/{id}/edit", SignedIn, s.supportEditForm},
		{"POST /groups/{slug}/support/{id}/edit", SignedIn, s.updateSupportRequest},
		{"POST /groups/{slug}/support/{id}/close", SignedIn, s.closeSupportRequest},
		{"POST /groups/{slug}/support/{id}/offers", SignedIn, s.makeSupportOffer},
		{"POST /groups/{slug}/support/{id}/offers/{offer}/withdraw", SignedIn, s.withdrawSupportOffer},
		{"POST /groups/{slug}/support/{id}/offers/{offer}/accept", SignedIn, s.acceptSupportOffer},
		{"POST /groups/{slug}/support/{id}/offers/{offer}/decline", SignedIn, s.declineSupportOffer},
	}
}

// supportConflict answers a change to something already decided (an accepted
// request, a withdrawn offer) with 409 and a message saying so.
func supportConflict(msg string) error { return &httpError{status: http.StatusConflict, msg: msg} }

// staffOrgs returns the organisations the reader acts for: all of them,
// and the verified ones, which alone may offer.
func (s *Server) staffOrgs(ctx context.Context, m *accounts.Member) (all, verified []*organisations.Organisation, err error) {
	if m == nil {
		return nil, nil, nil
	}
	ms, err := s.Organisations.OfMember(ctx, m.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, x := range ms {
		all = append(all, x.Organisation)
		if x.Organisation.IsVerified() {
			verified = append(verified, x.Organisation)
		}
	}
	return all, verified, nil
}

// supportScope is a group's support as one reader meets it.
type supportScope struct {
	access   groups.Access
	orgs     []*organisations.Organisation // every organisation the reader acts for
	verified []*organisations.Organisation // those verified
}

func (sc *supportScope) manage() bool { return support.CanManage(sc.access) }

// staffOf reports whether the reader acts for organisation id.
func (sc *supportScope) staffOf(id int64) bool {
	for _, o := range sc.orgs {
		if o.ID == id {
			return true
		}
	}
	return false
}

// loadSupport finds the group in the path and what the reader may do with
// its support requests: a group the reader may not know of is not found;
// one whose requests are closed to them is forbidden.
func (s *Server) loadSupport(r *http.Request) (*supportScope, error) {
	ctx := r.Context()
	m := state(r).member
	sc := &supportScope{}
	var err error
	sc.access, err = s.Groups.AccessBySlug(ctx, r.PathValue("slug"), groupViewer(m))
	if errors.Is(err, db.ErrNotFound) {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	if sc.orgs, sc.verified, err = s.staffOrgs(ctx, m); err != nil {
		return nil, err
	}
	if !sc.access.CanSee() {
		return nil, notFound()
	}
	if !support.CanSeeRequests(sc.access, len(sc.verified) > 0) {
		return nil, forbidden()
	}
	return sc, nil
}

// loadSupportRequest is loadSupport and the request in the path.
func (s *Server) loadSupportRequest(r *http.Request) (*supportScope, *support.Request, error) {
	sc, err := s.loadSupport(r)
	if err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, nil, notFound()
	}
	req, err := s.Support.Request(r.Context(), sc.access.Group.ID, id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil, notFound()
	}
	return sc, req, err
}

func pathOffer(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("offer"), 10, 64)
	if err != nil {
		return 0, notFound()
	}
	return id, nil
}

func supportPath(g *groups.Group, id int64) string {
	return "/groups/" + g.Slug + "/support/" + strconv.FormatInt(id, 10)
}

// ---- the list of open requests ----

type supportListPage struct {
	Base
	Listing  *support.Listing
	Kind     string
	Region   string
	Verified []*organisations.Organisation
}

// FilterURL is the list's address with one filter changed.
func (p *supportListPage) FilterURL(kind, region string) string {
	q := url.Values{}
	if kind != "" {
		q.Set("kind", kind)
	}
	if region != "" {
		q.Set("region", region)
	}
	if len(q) == 0 {
		return "/support"
	}
	return "/support?" + q.Encode()
}

func (s *Server) supportList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m := state(r).member
	_, verified, err := s.staffOrgs(ctx, m)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := support.Filter{Kind: q.Get("kind"), Region: q.Get("region")}
	if !contains(support.Kinds, f.Kind) {
		f.Kind = ""
	}
	if len(f.Region) > groups.RegionMax {
		f.Region = ""
	}
	v := support.Viewer{VerifiedStaff: len(verified) > 0}
	if m != nil {
		v.MemberID = m.ID
	}
	p := &supportListPage{Kind: f.Kind, Region: f.Region, Verified: verified}
	if p.Listing, err = s.Support.List(ctx, v, f); err != nil {
		return err
	}
	p.Title = state(r).p.T("support.list.title")
	p.Nav = "support"
	return s.render(w, r, http.StatusOK, "support", p)
}

// ---- one group's requests ----

type groupSupportPage struct {
	Base
	Group      *groups.Group
	Requests   []*support.Request
	Supporters []groups.Supporter
	CanManage  bool
	SeeOffers  bool // the reader sees how many offers wait
	Form       *Form
}

// supportKindChoices are the kinds a request form offers, after "Choose…".
var supportKindChoices = append([]string{""}, support.Kinds...)

// supportKindField is the request form's required choice of kind.
func supportKindField(b *Base, f *Form) Field {
	fd := b.Choice(f, "kind", "support.field.kind", "support.kind_", supportKindChoices...)
	fd.Required = true
	return fd
}

// KindField is the form's choice of kind of support.
func (p *groupSupportPage) KindField() Field {
	return supportKindField(&p.Base, p.Form)
}

func (s *Server) groupSupport(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadSupport(r)
	if err != nil {
		return err
	}
	return s.renderGroupSupport(w, r, sc, newForm(), http.StatusOK)
}

func (s *Server) renderGroupSupport(w http.ResponseWriter, r *http.Request, sc *supportScope, f *Form, status int) error {
	ctx := r.Context()
	g := sc.access.Group
	p := &groupSupportPage{Group: g, CanManage: sc.manage(), SeeOffers: support.CanSeeAllOffers(sc.access), Form: f}
	var err error
	if p.Requests, err = s.Support.ForGroup(ctx, g.ID); err != nil {
		return err
	}
	if p.Supporters, err = s.Groups.Supporters(ctx, g.ID); err != nil {
		return err
	}
	p.Title = state(r).p.T("support.group.title", g.Name)
	p.Nav = "groups"
	return s.render(w, r, status, "support_group", p)
}

// supportInput reads and checks the request form; today is zero when
// editing, so an old date may stay.
func supportInput(f *Form, today time.Time) support.Input {
	in := support.Input{Kind: f.Get("kind"), Title: f.Get("title"), Details: f.Get("details"), NeededBy: f.Get("needed_by")}
	for field, key := range in.Check(today) {
		f.Fail(field, key)
	}
	return in
}

func (s *Server) createSupportRequest(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadSupport(r)
	if err != nil {
		return err
	}
	if !sc.manage() {
		return forbidden()
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := supportInput(f, time.Now())
	if !f.Valid() {
		return s.renderGroupSupport(w, r, sc, f, http.StatusUnprocessableEntity)
	}
	req, err := s.Support.Create(r.Context(), sc.access.Group.ID, state(r).member.ID, in)
	if err != nil {
		return err
	}
	return redirect(w, r, supportPath(sc.access.Group, req.ID), "support.created")
}

// ---- one request ----

type supportRequestPage struct {
	Base
	Group     *groups.Group
	Request   *support.Request
	Offers    []*support.Offer
	Accepted  *support.Offer // shown to everyone: the group's supporters are public where the group is
	CanManage bool
	AllOffers bool
	// Offering: the verified organisations the reader may offer for
	// (those without an offer waiting here), and the form.
	OfferOrgs []*organisations.Organisation
	Waiting   []*support.Offer // the reader's organisations' offers waiting here
	OfferForm *Form
	Verified  bool // the reader acts for a verified organisation
	sc        *supportScope
}

// OwnOffer reports whether the reader acts for the organisation of o.
func (p *supportRequestPage) OwnOffer(o *support.Offer) bool { return p.sc.staffOf(o.OrganisationID) }

func (s *Server) supportRequest(w http.ResponseWriter, r *http.Request) error {
	sc, req, err := s.loadSupportRequest(r)
	if err != nil {
		return err
	}
	return s.renderSupportRequest(w, r, sc, req, newForm(), http.StatusOK)
}

func (s *Server) renderSupportRequest(w http.ResponseWriter, r *http.Request, sc *supportScope, req *support.Request, f *Form, status int) error {
	all, err := s.Support.Offers(r.Context(), req.ID)
	if err != nil {
		return err
	}
	p := &supportRequestPage{Group: sc.access.Group, Request: req, CanManage: sc.manage(), AllOffers: support.CanSeeAllOffers(sc.access),
		OfferForm: f, Verified: len(sc.verified) > 0, sc: sc}
	waiting := map[int64]bool{}
	for _, o := range all {
		if o.Status == support.Accepted {
			p.Accepted = o
		}
		if p.AllOffers || sc.staffOf(o.OrganisationID) {
			p.Offers = append(p.Offers, o)
		}
		if o.IsWaiting() && sc.staffOf(o.OrganisationID) {
			waiting[o.OrganisationID] = true
			p.Waiting = append(p.Waiting, o)
		}
	}
	if req.IsOpen() {
		for _, o := range sc.verified {
			if !waiting[o.ID] {
				p.OfferOrgs = append(p.OfferOrgs, o)
			}
		}
	}
	if f.Values.Get("org") == "" && len(p.OfferOrgs) == 1 {
		f.Values.Set("org", strconv.FormatInt(p.OfferOrgs[0].ID, 10))
	}
	p.Title = req.Title
	p.Nav = "groups"
	return s.render(w, r, status, "support_request", p)
}

// OrgChoice builds the select of organisations to offer for.
func (p *supportRequestPage) OrgChoice() Field {
	fd := p.Field(p.OfferForm, "org", "select", "support.offer.org")
	if len(p.OfferOrgs) > 1 {
		fd.Options = append(fd.Options, Option{Value: "", Label: p.T("form.choose"), Selected: fd.Value == ""})
	}
	for _, o := range p.OfferOrgs {
		v := strconv.FormatInt(o.ID, 10)
		fd.Options = append(fd.Options, Option{Value: v, Label: o.Name, Selected: fd.Value == v})
	}
	return fd
}

// ---- editing and closing ----

type supportEditPage struct {
	Base
	Group   *groups.Group
	Request *support.Request
	Form    *Form
}

// KindField is the form's choice of kind of support.
func (p *supportEditPage) KindField() Field {
	return supportKindField(&p.Base, p.Form)
}

// loadManagedRequest is loadSupportRequest for those who manage the
// group's requests, and only while the request is open.
func (s *Server) loadManagedRequest(r *http.Request) (*supportScope, *support.Request, error) {
	sc, req, err := s.loadSupportRequest(r)
	if err != nil {
		return nil, nil, err
	}
	if !sc.manage() {
		return nil, nil, forbidden()
	}
	if !req.IsOpen() {
		return nil, nil, supportConflict("support.not_open")
	}
	return sc, req, nil
}

func (s *Server) renderSupportEdit(w http.ResponseWriter, r *http.Request, sc *supportScope, req *support.Request, f *Form, status int) error {
	p := &supportEditPage{Group: sc.access.Group, Request: req, Form: f}
	p.Title = state(r).p.T("support.edit.title", req.Title)
	p.Nav = "groups"
	return s.render(w, r, status, "support_edit", p)
}

func (s *Server) supportEditForm(w http.ResponseWriter, r *http.Request) error {
	sc, req, err := s.loadManagedRequest(r)
	if err != nil {
		return err
	}
	f := newForm()
	f.Values.Set("kind", req.Kind)
	f.Values.Set("title", req.Title)
	f.Values.Set("details", req.Details)
	if req.NeededBy != nil {
		f.Values.Set("needed_by", req.NeededBy.Format(support.DateLayout))
	}
	return s.renderSupportEdit(w, r, sc, req, f, http.StatusOK)
}

func (s *Server) updateSupportRequest(w http.ResponseWriter, r *http.Request) error {
	sc, req, err := s.loadManagedRequest(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	// A new date may not be in the past; the date the request had may stay.
	today := time.Now()
	if req.NeededBy != nil && f.Get("needed_by") == req.NeededBy.Format(support.DateLayout) {
		today = time.Time{}
	}
	in := supportInput(f, today)
	if !f.Valid() {
		return s.renderSupportEdit(w, r, sc, req, f, http.StatusUnprocessableEntity)
	}
	err = s.Support.Update(r.Context(), sc.access.Group.ID, req.ID, in)
	if errors.Is(err, support.ErrNotOpen) {
		return supportConflict("support.not_open")
	}
	if err != nil {
		return err
	}
	return redirect(w, r, supportPath(sc.access.Group, req.ID), "support.saved")
}

func (s *Server) closeSupportRequest(w http.ResponseWriter, r *http.Request) error {
	sc, req, err := s.loadManagedRequest(r)
	if err != nil {
		return err
	}
	err = s.Support.Close(r.Context(), sc.access.Group.ID, req.ID, state(r).member.ID)
	if errors.Is(err, support.ErrNotOpen) {
		return supportConflict("support.not_open")
	}
	if err != nil {
		return err
	}
	return redirect(w, r, supportPath(sc.access.Group, req.ID), "support.closed_done")
}

// ---- offers ----

func (s *Server) makeSupportOffer(w http.ResponseWriter, r *http.Request) error {
	sc, req, err := s.loadSupportRequest(r)
	if err != nil {
		return err
	}
	if len(sc.verified) == 0 {
		return forbidden()
	}
	if !req.IsOpen() {
		return supportConflict("support.not_open")
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	var org *organisations.Organisation
	if id, err := strconv.ParseInt(f.Get("org"), 10, 64); err == nil {
		for _, o := range sc.verified {
			if o.ID == id {
				org = o
			}
		}
	}
	if org == nil {
		f.Fail("org", "support.offer.org_required")
	}
	if key := support.CheckWhat(f.Get("what")); key != "" {
		f.Fail("what", key)
	}
	if f.Valid() {
		_, err := s.Support.MakeOffer(r.Context(), req.ID, org.ID, state(r).member.ID, f.Get("what"))
		switch {
		case errors.Is(err, support.ErrOfferWaiting):
			f.Fail("org", "support.offer.waiting")
		case errors.Is(err, support.ErrNotVerified), errors.Is(err, support.ErrNotStaff):
			// Verification or staff changed since the page was loaded.
			f.Fail("org", "support.offer.org_required")
		case errors.Is(err, support.ErrNotOpen):
			return supportConflict("support.not_open")
		case err != nil:
			return err
		default:
			return redirect(w, r, supportPath(sc.access.Group, req.ID), "support.offered")
		}
	}
	return s.renderSupportRequest(w, r, sc, req, f, http.StatusUnprocessableEntity)
}

func (s *Server) withdrawSupportOffer(w http.ResponseWriter, r *http.Request) error {
	sc, req, err := s.loadSupportRequest(r)
	if err != nil {
		return err
	}
	offerID, err := pathOffer(r)
	if err != nil {
		return err
	}
	if len(sc.orgs) == 0 {
		return forbidden()
	}
	err = s.Support.Withdraw(r.Context(), req.ID, offerID, state(r).member.ID)
	switch {
	case errors.Is(err, support.ErrNotStaff):
		return forbidden()
	case errors.Is(err, support.ErrOfferDecided):
		return supportConflict("support.offer.decided")
	case err != nil:
		return err
	}
	return redirect(w, r, supportPath(sc.access.Group, req.ID), "support.withdrawn_done")
}

func (s *Server) acceptSupportOffer(w http.ResponseWriter, r *http.Request) error {
	return s.decideSupportOffer(w, r, true)
}

func (s *Server) declineSupportOffer(w http.ResponseWriter, r *http.Request) error {
	return s.decideSupportOffer(w, r, false)
}

func (s *Server) decideSupportOffer(w http.ResponseWriter, r *http.Request, accept bool) error {
	sc, req, err := s.loadSupportRequest(r)
	if err != nil {
		return err
	}
	if !sc.manage() {
		return forbidden()
	}
	offerID, err := pathOffer(r)
	if err != nil {
		return err
	}
	g, by := sc.access.Group, state(r).member.ID
	flash := "support.declined_done"
	if accept {
		flash = "support.accepted_done"
		err = s.Support.Accept(r.Context(), g.ID, req.ID, offerID, by)
	} else {
		err = s.Support.Decline(r.Context(), g.ID, req.ID, offerID, by)
	}
	switch {
	case errors.Is(err, support.ErrAlreadyTaken), errors.Is(err, support.ErrNotOpen):
		return supportConflict("support.not_open")
	case errors.Is(err, support.ErrOfferDecided):
		return supportConflict("support.offer.decided")
	case err != nil:
		return err
	}
	return redirect(w, r, supportPath(g, req.ID), flash)
}

// ---- on the organisation's page ----

// orgSupport is what an organisation's own staff see of its support work
// on its page: the offers it made, and where to start more.
type orgSupport struct {
	Offers   []support.OfferMade
	Verified bool
}

// orgSupport returns the section for the organisation's staff, nil for
// anyone else. Offers on requests of secret (or hidden) groups are left
// out for staff who are not in the group: the group's name is not theirs
// to learn from a colleague's offer.
func (s *Server) orgSupport(ctx context.Context, a orgAccess, m *accounts.Member) (*orgSupport, error) {
	if a.staffRole == "" || m == nil {
		return nil, nil
	}
	made, err := s.Support.OffersBy(ctx, a.org.ID)
	if err != nil {
		return nil, err
	}
	out := &orgSupport{Verified: a.org.IsVerified()}
	for _, om := range made {
		if om.Request.GroupVisibility == groups.Secret || om.Request.GroupHidden {
			role, err := s.Groups.Role(ctx, om.Request.GroupID, m.ID)
			if err != nil {
				return nil, err
			}
			if role == "" {
				continue
			}
		}
		out.Offers = append(out.Offers, om)
	}
	return out, nil
}
