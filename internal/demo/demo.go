// Package demo fills an empty database with realistic content, so that a
// newcomer running `involve serve --demo` sees Involve as it is used:
// peers, services, agencies, policymakers and funders. Every later
// capability adds its own demo content here.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"involve/internal/accounts"
	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/guide"
	"involve/internal/organisations"
)

// ErrNotEmpty means the database already has members; demo content is
// only ever added to an empty one.
var ErrNotEmpty = errors.New("demo: database not empty")

// Passphrase is shared by every demo account, printed at start.
const Passphrase = "involve-demo-passphrase"

// Account is one demo account, for printing.
type Account struct {
	Handle, Passphrase, Role string
}

type person struct {
	handle, role string
	locale       string
	profile      accounts.Profile
	siteRoles    []string
}

func f(v string, vis accounts.Visibility) accounts.Field { return accounts.Field{Value: v, Vis: vis} }

var people = []person{
	{handle: "demo-admin", role: "site admin", siteRoles: []string{accounts.RoleAdmin},
		profile: accounts.Profile{DisplayName: f("Site admin", accounts.Public), Bio: f("I look after this Involve site: verifying organisations and handing out roles.", accounts.Public)}},
	{handle: "mira", role: "peer", locale: "nl", profile: accounts.Profile{
		DisplayName: f("Mira", accounts.Members), Pronouns: f("she/her", accounts.Members),
		Languages: f("Dutch, English", accounts.Public), Region: f("Amsterdam", accounts.Members),
		Bio: f("I have used the needle exchange in Amsterdam-Noord for years. I want people who use the service to have a say in how it runs.", accounts.Members)}},
	{handle: "sasha_k", role: "peer", locale: "ru", profile: accounts.Profile{
		DisplayName: f("Sasha", accounts.Public), Pronouns: f("they/them", accounts.Members),
		Languages: f("Russian, Latvian, English", accounts.Public), Region: f("Riga", accounts.OnlyMe),
		Bio: f("Living with HIV since 2014. Peer counsellor. I help start a group for Russian speakers.", accounts.Public)}},
	{handle: "jo-peer", role: "peer", profile: accounts.Profile{
		DisplayName: f("Jo", accounts.Members), Languages: f("English", accounts.Members),
		Bio: f("Mental-health service user. Interested in advisory boards that actually listen.", accounts.Members)}},
	{handle: "tomas", role: "peer", profile: accounts.Profile{Languages: f("Czech, English", accounts.Members)}},
	{handle: "lena-harbour", role: "staff at Harbour Harm Reduction Service", profile: accounts.Profile{
		DisplayName: f("Lena de Vries", accounts.Public), Bio: f("Participation coordinator at Harbour.", accounts.Public)}},
	{handle: "pieter-northport", role: "staff at Northport Public Health Committee", profile: accounts.Profile{
		DisplayName: f("Pieter Jansen", accounts.Public)}},
	{handle: "anna-openhands", role: "staff at Open Hands Foundation", profile: accounts.Profile{
		DisplayName: f("Anna Berzina", accounts.Public)}},
	{handle: "kim-editor", role: "editor", siteRoles: []string{accounts.RoleEditor}},
	{handle: "ola-moderator", role: "moderator", siteRoles: []string{accounts.RoleModerator}},
}

type org struct {
	in     organisations.Input
	owner  string
	status string
}

var orgs = []org{
	{organisations.Input{Name: "Harbour Harm Reduction Service", Kind: organisations.Service, Region: "Amsterdam",
		Website: "https://harbour.example.org",
		Summary: "Needle and syringe programme, drop-in and naloxone training in Amsterdam-Noord.\n\nWe pay peers for their time on our client advisory board and welcome new members."},
		"lena-harbour", organisations.Verified},
	{organisations.Input{Name: "Positive Living Clinic", Kind: organisations.Service, Region: "Riga",
		Summary: "HIV testing, treatment and peer counselling. Services in Latvian, Russian and English."},
		"sasha_k", organisations.Verified},
	{organisations.Input{Name: "Street Voices Outreach", Kind: organisations.Agency, Region: "Prague",
		Summary: "Street outreach and nightlife work, run with and by people who use drugs."},
		"tomas", organisations.Verified},
	{organisations.Input{Name: "Northport Public Health Committee", Kind: organisations.Policymaker, Region: "Northport",
		Summary: "The city committee that sets local drug and HIV policy. We want to hear from people whose lives our policies touch."},
		"pieter-northport", organisations.Verified},
	{organisations.Input{Name: "Open Hands Foundation", Kind: organisations.Funder, Region: "Europe",
		Summary: "We fund peer-led initiatives, with a peer advisory board that helps decide where the money goes."},
		"anna-openhands", organisations.Verified},
	{organisations.Input{Name: "Sunrise Recovery Centre", Kind: organisations.Service, Region: "Utrecht",
		Summary: "Residential and outpatient support. Newly registered, waiting for verification."},
		"jo-peer", organisations.Pending},
}

// Fill adds the demo content to an empty database and returns the demo
// accounts.
func Fill(ctx context.Context, s *app.App) ([]Account, error) {
	n, err := s.Accounts.Count(ctx)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, ErrNotEmpty
	}
	ids := map[string]int64{}
	var out []Account
	for _, p := range people {
		m, _, err := s.Accounts.Create(ctx, p.handle, Passphrase)
		if err != nil {
			return nil, fmt.Errorf("demo: member %s: %w", p.handle, err)
		}
		ids[p.handle] = m.ID
		pr := withDefaults(p.profile)
		if err := s.Accounts.UpdateProfile(ctx, m.ID, pr); err != nil {
			return nil, err
		}
		if p.locale != "" {
			if err := s.Accounts.SetLocale(ctx, m.ID, p.locale); err != nil {
				return nil, err
			}
		}
		out = append(out, Account{p.handle, Passphrase, p.role})
	}
	admin := ids["demo-admin"]
	for _, p := range people {
		for _, role := range p.siteRoles {
			err := s.DB.Tx(ctx, func(tx *db.Tx) error {
				if err := s.Accounts.GrantRole(ctx, tx, ids[p.handle], role, &admin); err != nil {
					return err
				}
				return s.Audit.Record(ctx, tx, admin, "role.grant", "member", p.handle, role)
			})
			if err != nil {
				return nil, err
			}
		}
	}
	for _, o := range orgs {
		created, err := s.Organisations.Register(ctx, ids[o.owner], o.in)
		if err != nil {
			return nil, fmt.Errorf("demo: organisation %s: %w", o.in.Name, err)
		}
		if o.status == organisations.Pending {
			continue
		}
		err = s.DB.Tx(ctx, func(tx *db.Tx) error {
			if err := s.Organisations.Review(ctx, tx, created.ID, admin, o.status, ""); err != nil {
				return err
			}
			return s.Audit.Record(ctx, tx, admin, "organisation."+o.status, "organisation", created.Slug, "")
		})
		if err != nil {
			return nil, err
		}
	}
	// A second member of staff at Harbour, who is also a peer.
	harbour, err := s.Organisations.BySlug(ctx, "harbour-harm-reduction-service")
	if err != nil {
		return nil, err
	}
	if err := s.Organisations.SetStaff(ctx, harbour.ID, ids["mira"], organisations.Staff); err != nil {
		return nil, err
	}
	if err := fillNotify(ctx, s, ids); err != nil {
		return nil, err
	}
	if err := fillGuide(ctx, s, ids); err != nil {
		return nil, err
	}
	slugs, err := fillGroups(ctx, s, ids)
	if err != nil {
		return nil, err
	}
	if err := fillMeetings(ctx, s, ids); err != nil {
		return nil, err
	}
	if err := fillDiscussions(ctx, s, ids, slugs); err != nil {
		return nil, err
	}
	if err := fillSupport(ctx, s, ids, slugs); err != nil {
		return nil, err
	}
	// A public group anyone can join, so its moderators have a report.
	if err := fillModeration(ctx, s, ids, "online-peer-support-circle"); err != nil {
		return nil, err
	}
	return out, nil
}

// fillGuide shows the guide in use: an editor improved the English page on
// getting started (so its Dutch and Russian translations are now marked
// outdated, with a history to compare), and a peer is part-way through its
// checklist.
func fillGuide(ctx context.Context, s *app.App, ids map[string]int64) error {
	p, err := s.Guide.PageBySlug(ctx, "initiate")
	if err != nil {
		return err
	}
	cur, err := s.Guide.Current(ctx, p.ID, guide.Original)
	if err != nil {
		return err
	}
	kim := ids["kim-editor"]
	body := strings.Replace(cur.Body, "\n## ", "\n> Tip from the Involve community: start small. One honest conversation with three or four peers tells you more than a long survey nobody answers.\n\n## ", 1)
	if _, err := s.Guide.Save(ctx, p, guide.Edit{Lang: guide.Original, Title: cur.Title, Summary: cur.Summary, Body: body,
		Note: "Added a tip from peers about starting small", AuthorID: &kim, Base: cur.ID}); err != nil {
		return err
	}
	var keys []string
	for i, item := range guide.ChecklistItems(body) {
		if i < 3 {
			keys = append(keys, guide.ItemKey(item))
		}
	}
	return s.Guide.SetChecks(ctx, ids["mira"], p, keys)
}

// withDefaults fills in visibilities left empty.
func withDefaults(p accounts.Profile) accounts.Profile {
	for _, fl := range []*accounts.Field{&p.DisplayName, &p.Pronouns, &p.Languages, &p.Region, &p.Bio, &p.Email} {
		if fl.Vis == "" {
			fl.Vis = accounts.Members
		}
	}
	if p.Region.Value == "" {
		p.Region.Vis = accounts.OnlyMe
	}
	if p.Email.Value == "" {
		p.Email.Vis = accounts.OnlyMe
	}
	return p
}

// Print lists the demo accounts for the newcomer.
func Print(w io.Writer, accs []Account) {
	fmt.Fprintln(w, "Demo content added. Sign in with any of these accounts:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  handle\tpassphrase\twho")
	for _, a := range accs {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.Handle, a.Passphrase, a.Role)
	}
	tw.Flush()
	fmt.Fprintln(w, "More peers take part in the demo groups and discussions (river, nadia_p, pim, olga_v, dee-j, marek),")
	fmt.Fprintln(w, "with the same passphrase; quick-deals is a suspended account that posted adverts.")
}
