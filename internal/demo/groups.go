package demo

import (
	"context"
	"fmt"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/guide"
	"involve/internal/organisations"
)

// The groups demo: a dozen groups of every kind and visibility, in
// Amsterdam, Riga, Prague, Northport, Utrecht and online, in the languages
// their members speak; members who joined each way a group allows, a few
// requests still waiting, links to the chats the groups use, one
// integrated initiative started by Harbour, and guide stages the groups
// are working through.

// demoMember is someone in a demo group: a handle and a role.
type demoMember struct{ handle, role string }

// demoRequest is a request to join still waiting, with its "why".
type demoRequest struct{ handle, why string }

// demoStage is a guide stage a group took on, with how many of its
// checklist items (the first ones) it has ticked.
type demoStage struct {
	slug  string
	ticks int
}

type demoGroup struct {
	in       groups.Input
	founder  string // first admin
	org      string // slug of the organisation it was started for, if any
	members  []demoMember
	waiting  []demoRequest
	channels []groups.Channel
	stages   []demoStage
	support  string // what the starting organisation gives, shown as support
	link     bool   // the shared invitation link is on
	invites  []string
}

var demoGroups = []demoGroup{
	{in: groups.Input{Name: "Noord Needle Exchange Users", Kind: groups.UsersUnion, Visibility: groups.Public, Joining: groups.Request,
		Region: "Amsterdam", Topics: "harm reduction, needle exchange, naloxone", Languages: "nl, en",
		About: "We are people who use the needle and syringe programme in Amsterdam-Noord. We meet every other Tuesday to talk about how the service runs and what we want changed.\n\n" +
			"**What we do**\n\n- Collect what people say at the counter and bring it to the monthly meeting with the service\n- Train each other in naloxone\n- Welcome new people: you do not have to say anything at your first meeting\n\n" +
			"Everyone who uses the service is welcome. Nobody needs to give their real name."},
		founder: "mira", members: []demoMember{{"jo-peer", groups.Moderator}, {"tomas", groups.Member}},
		waiting: []demoRequest{{"sasha_k", "I am moving to Amsterdam in spring and I used a needle exchange in Riga for years. I would like to help with the Russian-speaking newcomers."}},
		channels: []groups.Channel{{Kind: "signal", Label: "Our Signal group (members only)", URL: "https://signal.group/#CjQKIExampleNoordGroupLink"},
			{Kind: "website", URL: "https://noord-users.example.org"}},
		stages: []demoStage{{"initiate", 3}}},
	{in: groups.Input{Name: "Harbour Client Advisory Group", Kind: groups.IntegratedInitiative, Visibility: groups.Public, Joining: groups.Request,
		Region: "Amsterdam", Topics: "harm reduction, client participation", Languages: "nl, en",
		About: "The client advisory group of Harbour Harm Reduction Service. Six to ten people who use Harbour meet with the service's managers once a month. " +
			"We read plans before they are decided, and Harbour answers every recommendation in writing.\n\nMembers are paid 25 euros for each meeting, in cash, and travel costs."},
		founder: "lena-harbour", org: "harbour-harm-reduction-service",
		members:  []demoMember{{"mira", groups.Moderator}, {"jo-peer", groups.Member}},
		channels: []groups.Channel{{Kind: "mailing-list", Label: "Meeting notes by email", URL: "mailto:advisory@harbour.example.org"}},
		stages:   []demoStage{{"initiate", 8}, {"prepare", 2}},
		support:  "A meeting room on Tuesdays, a paid participation coordinator, and 25 euros for each member for each meeting"},
	{in: groups.Input{Name: "Riga Positive Peers", Kind: groups.SelfOrganisation, Visibility: groups.MembersOnly, Joining: groups.Request,
		Region: "Riga", Topics: "HIV, peer counselling", Languages: "ru, lv, en",
		About: "Группа равных консультантов и людей, живущих с ВИЧ, в Риге. Встречаемся по четвергам, говорим по-русски и по-латышски.\n\n" +
			"A group of peer counsellors and people living with HIV in Riga. We meet on Thursdays and speak Russian and Latvian; English is fine too."},
		founder: "sasha_k", members: []demoMember{{"jo-peer", groups.Member}},
		waiting:  []demoRequest{{"tomas", "I work with people living with HIV in Prague and would like to learn how your peer counselling works."}},
		channels: []groups.Channel{{Kind: "telegram", Label: "Чат группы", URL: "https://t.me/+ExampleRigaPositivePeers"}},
		stages:   []demoStage{{"initiate", 10}, {"prepare", 1}}},
	{in: groups.Input{Name: "Prague Nightlife Peers", Kind: groups.Collaboration, Visibility: groups.Public, Joining: groups.Open,
		Region: "Prague", Topics: "nightlife, harm reduction, drug checking", Languages: "cs, en",
		About: "Peers and outreach workers at festivals and clubs in Prague. We share what we see at night, run the chill-out space and plan drug-checking evenings together with Street Voices Outreach."},
		founder: "tomas", members: []demoMember{{"jo-peer", groups.Member}, {"mira", groups.Member}},
		channels: []groups.Channel{{Kind: "matrix", Label: "Matrix room", URL: "https://matrix.to/#/#prague-nightlife:example.org"},
			{Kind: "website", URL: "https://nightlife-peers.example.org"}}},
	{in: groups.Input{Name: "Northport Service Users' Union", Kind: groups.UsersUnion, Visibility: groups.Public, Joining: groups.Request,
		Region: "Northport", Topics: "housing, mental health, policy", Languages: "en",
		About: "A union of people who use health and social services in Northport. We answer the city's consultations together and ask the Public Health Committee to report back on what it did with our answers."},
		founder: "jo-peer", members: []demoMember{{"tomas", groups.Moderator}},
		waiting: []demoRequest{{"mira", "I live in Northport part of the year and want to add my voice on housing."}},
		stages:  []demoStage{{"initiate", 10}, {"prepare", 9}, {"implement", 1}}},
	{in: groups.Input{Name: "Utrecht Mental Health Voices", Kind: groups.DiscussionGroup, Visibility: groups.Public, Joining: groups.Open,
		Region: "Utrecht", Topics: "mental health, recovery", Languages: "nl, en",
		About: "Een gespreksgroep voor mensen met ervaring in de ggz in Utrecht. We praten over wat helpt en wat niet, en over meedoen in cliëntenraden.\n\nA discussion group for people with experience of mental-health services in Utrecht."},
		founder: "jo-peer", members: []demoMember{{"mira", groups.Member}}},
	{in: groups.Input{Name: "Online Peer Support Circle", Kind: groups.DiscussionGroup, Visibility: groups.Public, Joining: groups.Open,
		Region: "Online", Topics: "peer support, getting organised", Languages: "en, nl, ru",
		About: "An open circle for peers anywhere who want to talk about getting organised: starting a group, finding a room, asking a service for support. Join and say hello."},
		founder: "mira", members: []demoMember{{"sasha_k", groups.Moderator}, {"jo-peer", groups.Member}, {"tomas", groups.Member}},
		channels: []groups.Channel{{Kind: "matrix", URL: "https://matrix.to/#/#peer-circle:example.org"},
			{Kind: "forum", Label: "Our old forum (read only)", URL: "https://forum.example.org/peer-circle"}}},
	{in: groups.Input{Name: "Quiet Room Amsterdam", Kind: groups.SelfOrganisation, Visibility: groups.Secret, Joining: groups.Invitation,
		Region: "Amsterdam", Topics: "chemsex, sexual health", Languages: "nl, en",
		About: "A closed group for men who have sex with men and use drugs during sex. Only members know this group exists. What is said here stays here."},
		founder: "mira", members: []demoMember{{"jo-peer", groups.Member}},
		channels: []groups.Channel{{Kind: "signal", URL: "https://signal.group/#CjQKIExampleQuietRoomLink"}},
		link:     true, invites: []string{"For the new volunteer from the Thursday outreach"}},
	{in: groups.Input{Name: "Women Who Use Drugs Riga", Kind: groups.SelfOrganisation, Visibility: groups.Secret, Joining: groups.Invitation,
		Region: "Riga", Topics: "women, harm reduction", Languages: "ru, lv",
		About: "Закрытая группа женщин, употребляющих наркотики, в Риге. Только по приглашению."},
		founder: "sasha_k", invites: []string{"Для Ирины"}},
	{in: groups.Input{Name: "Open Hands Peer Review Panel", Kind: groups.Collaboration, Visibility: groups.MembersOnly, Joining: groups.Invitation,
		Region: "Online", Topics: "funding, review", Languages: "en",
		About: "Peers who read and score applications to the Open Hands Foundation, together with its staff. Panel members are paid for their time."},
		founder: "anna-openhands", org: "open-hands-foundation",
		members: []demoMember{{"sasha_k", groups.Moderator}, {"mira", groups.Member}},
		support: "Payment for panel members' time, and an online meeting room"},
	{in: groups.Input{Name: "Utrecht Housing First Tenants", Kind: groups.UsersUnion, Visibility: groups.MembersOnly, Joining: groups.Request,
		Region: "Utrecht", Topics: "housing, tenants' rights", Languages: "nl",
		About: "Huurders van Housing First in Utrecht. We komen samen op de eerste maandag van de maand en spreken namens de huurders met de woningcorporatie."},
		founder: "jo-peer", members: []demoMember{{"tomas", groups.Member}},
		waiting: []demoRequest{{"mira", "Ik woon sinds vorig jaar in een Housing First-woning en wil graag meedenken."}}},
	{in: groups.Input{Name: "Prague Peer Researchers", Kind: groups.Collaboration, Visibility: groups.MembersOnly, Joining: groups.Request,
		Region: "Prague", Topics: "research, evaluation", Languages: "cs, en",
		About: "Peers who take part in research about the services they use: planning the questions, doing interviews, and checking that the findings say what people meant."},
		founder: "tomas", members: []demoMember{{"sasha_k", groups.Member}},
		stages: []demoStage{{"initiate", 5}}},
}

// orgDirectory is what each demo organisation works on and in which
// languages, so /organisations can be filtered like /groups.
var orgDirectory = map[string][2]string{
	"harbour-harm-reduction-service":    {"harm reduction, needle exchange, naloxone", "nl, en"},
	"positive-living-clinic":            {"HIV, HIV testing, peer counselling", "lv, ru, en"},
	"street-voices-outreach":            {"harm reduction, nightlife, outreach", "cs, en"},
	"northport-public-health-committee": {"policy, housing, mental health", "en"},
	"open-hands-foundation":             {"funding, peer involvement", "en, nl, ru"},
	"sunrise-recovery-centre":           {"recovery, mental health", "nl"},
}

// fillGroups adds the demo groups and returns their slugs in the order
// above, for the demo content of later capabilities (discussions, support,
// moderation) to use. It needs the demo people and organisations in place,
// and gives the organisations their topics and languages first.
func fillGroups(ctx context.Context, a *app.App, ids map[string]int64) ([]string, error) {
	for slug, d := range orgDirectory {
		o, err := a.Organisations.BySlug(ctx, slug)
		if err != nil {
			return nil, fmt.Errorf("demo: organisation %s: %w", slug, err)
		}
		in := organisations.Input{Name: o.Name, Kind: o.Kind, Summary: o.Summary, Website: o.Website, Region: o.Region,
			Topics: d[0], Languages: d[1]}
		if err := a.Organisations.Update(ctx, o.ID, in); err != nil {
			return nil, err
		}
	}
	var slugs []string
	for _, dg := range demoGroups {
		g, err := fillGroup(ctx, a, ids, dg)
		if err != nil {
			return nil, fmt.Errorf("demo: group %s: %w", dg.in.Name, err)
		}
		slugs = append(slugs, g.Slug)
	}
	return slugs, nil
}

func fillGroup(ctx context.Context, a *app.App, ids map[string]int64, dg demoGroup) (*groups.Group, error) {
	if errs := dg.in.Check(); len(errs) > 0 {
		return nil, fmt.Errorf("invalid: %v", errs)
	}
	founder := ids[dg.founder]
	var orgID *int64
	if dg.org != "" {
		o, err := a.Organisations.BySlug(ctx, dg.org)
		if err != nil {
			return nil, err
		}
		orgID = &o.ID
	}
	g, err := a.Groups.Create(ctx, founder, dg.in, orgID)
	if err != nil {
		return nil, err
	}
	// Members join the way the group lets them: at once, by a request a
	// moderator accepts, or with an invitation.
	for _, m := range dg.members {
		id := ids[m.handle]
		switch g.Joining {
		case groups.Open:
			err = a.Groups.Join(ctx, g, id)
		case groups.Request:
			err = a.DB.Tx(ctx, func(tx *db.Tx) error {
				rid, err := a.Groups.RequestJoinIn(ctx, tx, g, id, "I would like to take part.")
				if err != nil {
					return err
				}
				if _, err := a.Groups.DecideIn(ctx, tx, g.ID, rid, founder, true); err != nil {
					return err
				}
				return a.Notify.Add(ctx, tx, []int64{id}, "group.join_accepted", map[string]string{"a_group": g.Name}, "/groups/"+g.Slug)
			})
		default:
			var token string
			if token, err = a.Groups.CreateInvitation(ctx, g.ID, founder, "For "+m.handle); err == nil {
				_, err = a.Groups.AcceptInvitation(ctx, token, id)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s joining: %w", m.handle, err)
		}
		if m.role != groups.Member {
			if err := a.Groups.SetRole(ctx, g.ID, id, m.role); err != nil {
				return nil, err
			}
		}
	}
	for _, w := range dg.waiting {
		err := a.DB.Tx(ctx, func(tx *db.Tx) error {
			if _, err := a.Groups.RequestJoinIn(ctx, tx, g, ids[w.handle], w.why); err != nil {
				return err
			}
			to, err := a.Groups.MemberIDs(ctx, g.ID, groups.Moderator, groups.Admin)
			if err != nil {
				return err
			}
			return a.Notify.Add(ctx, tx, to, "group.join_request", map[string]string{"a_who": w.handle, "b_group": g.Name},
				"/groups/"+g.Slug+"/members#requests")
		})
		if err != nil {
			return nil, fmt.Errorf("%s asking: %w", w.handle, err)
		}
	}
	for _, note := range dg.invites {
		if _, err := a.Groups.CreateInvitation(ctx, g.ID, founder, note); err != nil {
			return nil, err
		}
	}
	if dg.link {
		if _, err := a.Groups.ResetInviteLink(ctx, g.ID, false); err != nil {
			return nil, err
		}
	}
	if err := a.Groups.SetChannels(ctx, g.ID, dg.channels); err != nil {
		return nil, err
	}
	if orgID != nil && dg.support != "" {
		if err := a.Groups.AddSupporter(ctx, a.DB, g.ID, *orgID, dg.support); err != nil {
			return nil, err
		}
	}
	for _, st := range dg.stages {
		if err := demoStageTicks(ctx, a, g, founder, st); err != nil {
			return nil, err
		}
	}
	return a.Groups.ByID(ctx, g.ID)
}

// demoStageTicks adopts a stage and ticks its first items.
func demoStageTicks(ctx context.Context, a *app.App, g *groups.Group, by int64, st demoStage) error {
	p, err := a.Guide.PageBySlug(ctx, st.slug)
	if err != nil {
		return err
	}
	orig, err := a.Guide.Current(ctx, p.ID, guide.Original)
	if err != nil {
		return err
	}
	if err := a.Groups.AdoptStage(ctx, g.ID, p.ID); err != nil {
		return err
	}
	valid := map[string]bool{}
	var ticks []string
	for i, it := range guide.ChecklistItems(orig.Body) {
		k := guide.ItemKey(it)
		valid[k] = true
		if i < st.ticks {
			ticks = append(ticks, k)
		}
	}
	return a.Groups.SetStageChecks(ctx, g.ID, p.ID, by, ticks, valid)
}
