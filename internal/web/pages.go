package web

import (
	"net/http"
)

// An audience page tells one audience, in plain words, what it can do on
// Involve. Text lives in the catalogues under "for.<slug>."; this table
// gives each page its sections and the links they lead to, so a page can
// only link to what exists.
type audience struct {
	Slug     string
	Sections []audienceSection
}

type audienceSection struct {
	Key   string // message key prefix: Key+".title", Key+".body"
	Links []audienceLink
}

type audienceLink struct {
	Href string
	Key  string // message key of the link text
}

// Audiences in the order the home page lists them: peers first.
var audiences = []audience{
	{Slug: "peers", Sections: []audienceSection{
		{Key: "for.peers.join", Links: []audienceLink{{"/signup", "nav.signup"}, {"/groups", "groups.link.find"}, {"/groups/new", "groups.link.start"}, {"/guide/self-organisations", "for.link.guide_self_organisations"}}},
		{Key: "for.peers.safe", Links: []audienceLink{{"/me/profile", "for.link.profile"}}},
		{Key: "for.peers.support", Links: []audienceLink{{"/organisations?kind=service", "for.link.services"}, {"/organisations?kind=agency", "for.link.agencies"}, {"/discussions", "for.link.forum"}, {"/guide/initiate", "for.link.guide_initiate"}}},
		{Key: "for.peers.control", Links: []audienceLink{{"/me/data", "for.link.data"}}},
	}},
	{Slug: "services", Sections: []audienceSection{
		{Key: "for.services.register", Links: []audienceLink{{"/organisations/new", "for.link.register"}}},
		{Key: "for.services.facilitate", Links: []audienceLink{{"/support", "for.link.support"}, {"/groups/new?kind=integrated-initiative", "groups.link.start_initiative"}, {"/guide/agency-support", "for.link.guide_agency_support"}}},
		{Key: "for.services.boards", Links: []audienceLink{{"/guide/integrated-initiatives", "for.link.guide_integrated"}, {"/guide/payment", "for.link.guide_payment"}}},
		{Key: "for.services.staff", Links: []audienceLink{{"/organisations?kind=service", "for.link.services"}}},
	}},
	{Slug: "programmes", Sections: []audienceSection{
		{Key: "for.programmes.stages", Links: []audienceLink{{"/guide/how", "for.link.guide_stages"}, {"/guide/evidence", "for.link.guide_evidence"}}},
		{Key: "for.programmes.partners", Links: []audienceLink{{"/organisations", "for.link.organisations"}}},
		{Key: "for.programmes.register", Links: []audienceLink{{"/organisations/new", "for.link.register"}}},
	}},
	{Slug: "funders", Sections: []audienceSection{
		{Key: "for.funders.boards", Links: []audienceLink{{"/guide/meaningful", "for.link.guide_meaningful"}}},
		{Key: "for.funders.open", Links: []audienceLink{{"/guide/payment", "for.link.guide_payment"}}},
		{Key: "for.funders.register", Links: []audienceLink{{"/organisations/new", "for.link.register"}, {"/organisations?kind=funder", "for.link.funders"}}},
	}},
	{Slug: "policymakers", Sections: []audienceSection{
		{Key: "for.policymakers.cornerstone", Links: []audienceLink{{"/guide/relevance", "for.link.guide_relevance"}, {"/guide/history", "for.link.guide_history"}}},
		{Key: "for.policymakers.testimony"},
		{Key: "for.policymakers.consult", Links: []audienceLink{{"/guide/meaningful", "for.link.guide_meaningful"}}},
		{Key: "for.policymakers.register", Links: []audienceLink{{"/organisations/new", "for.link.register"}, {"/organisations?kind=policymaker", "for.link.policymakers"}}},
	}},
}

type homePage struct {
	Base
	Audiences []audience
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := &homePage{Audiences: audiences}
	p.Nav = "home"
	return s.render(w, r, http.StatusOK, "home", p)
}

type audiencePage struct {
	Base
	Audience  audience
	Audiences []audience
}

func (s *Server) audiencePage(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("audience")
	for _, a := range audiences {
		if a.Slug == slug {
			p := &audiencePage{Audience: a, Audiences: audiences}
			p.Title = state(r).p.T("for." + slug + ".title")
			p.Nav = "for"
			return s.render(w, r, http.StatusOK, "audience", p)
		}
	}
	return notFound()
}

// FooterAudiences lists the audience pages for the footer of every page.
func (b *Base) FooterAudiences() []string {
	out := make([]string, len(audiences))
	for i, a := range audiences {
		out[i] = a.Slug
	}
	return out
}
