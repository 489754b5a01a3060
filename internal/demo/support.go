package demo

import (
	"context"
	"fmt"
	"time"

	"involve/internal/app"
	"involve/internal/groups"
	"involve/internal/support"
)

// demoOffer is an organisation's answer in the support demo; status says
// what the group did with it ("" leaves it waiting).
type demoOffer struct {
	org, by, what, status string
}

// demoAsk is a group's request in the support demo; status "closed" closes
// it unanswered.
type demoAsk struct {
	in     support.Input
	days   int // needed in this many days; 0 for no date
	offers []demoOffer
	status string
}

// supportScript is what the demo groups ask for, in turn: some requests
// open, some with offers waiting, some accepted (so groups show
// supporters), one declined, one closed.
var supportScript = [][]demoAsk{
	{
		{in: support.Input{Kind: support.Venue, Title: "A room for our monthly peer meeting",
			Details: "We are about twelve people. We meet on a weekday evening for two hours. We need a room that is step-free, with a door we can close, away from the queue for the service."},
			days: 21, offers: []demoOffer{
				{"harbour-harm-reduction-service", "lena-harbour", "Our group room on the first floor, Tuesdays 18:00 to 20:00. Free of charge, lift and step-free entrance, tea and coffee included.", support.Accepted},
				{"street-voices-outreach", "tomas", "The back room of our drop-in on Thursday evenings. It is small but private.", support.Declined},
			}},
		{in: support.Input{Kind: support.Money, Title: "Travel costs for five peers to the national peer conference",
			Details: "Train tickets for five of us, about 60 euros each, so that people who use the service can speak for themselves at the conference."},
			days: 45, offers: []demoOffer{
				{"open-hands-foundation", "anna-openhands", "We can pay the train tickets for five people, paid back in cash on the day or bought for you in advance, as you prefer.", ""},
			}},
	},
	{
		{in: support.Input{Kind: support.Training, Title: "Peer counselling training for new members",
			Details: "Four evening sessions on listening, confidentiality and first contact with people newly diagnosed. In Russian if possible."},
			offers: []demoOffer{
				{"positive-living-clinic", "sasha_k", "Our counsellors give the four sessions in Russian, at the clinic, with a certificate at the end. Participants get a meal and their travel paid.", support.Accepted},
			}},
		{in: support.Input{Kind: support.Materials, Title: "Printing 500 leaflets in Russian and Latvian",
			Details: "We wrote a leaflet about our group and about rights at the clinic. We need it printed, folded, in two languages."},
			days: 30},
	},
	{
		{in: support.Input{Kind: support.StaffTime, Title: "A nurse at our drop-in evening twice a month",
			Details: "Someone to answer health questions and do wound care, who will listen and not judge."},
			offers: []demoOffer{
				{"harbour-harm-reduction-service", "lena-harbour", "One of our nurses can come on the first and third Monday of the month, 19:00 to 21:00.", ""},
				{"street-voices-outreach", "tomas", "Our outreach nurse can come once a month, and bring wound-care supplies.", ""},
			}},
		{in: support.Input{Kind: support.Logistics, Title: "Childcare during our Saturday meetings",
			Details: "Two of our members can only come if someone looks after their children."}, status: support.Closed},
	},
	{
		{in: support.Input{Kind: support.Money, Title: "Honoraria for peers on our review panel",
			Details: "Five peers read and score funding applications, about six hours each. We want them paid fairly for their time."},
			offers: []demoOffer{
				{"open-hands-foundation", "anna-openhands", "20 euros an hour for each panel member, paid in cash or by voucher, never needing a bank account.", support.Accepted},
			}},
		{in: support.Input{Kind: support.Venue, Title: "A quiet room for our users' union assembly",
			Details: "Once a year, for about forty people, on a Saturday. Accessible by public transport."},
			days: 60, offers: []demoOffer{
				{"northport-public-health-committee", "pieter-northport", "The council chamber is free on Saturdays. We can open it for you and pay for the caretaker.", ""},
			}},
	},
}

// fillSupport shows outside support in use across the demo groups named
// by groupSlugs (public and members-only ones get the script above in
// turn; secret ones ask for one thing, which only their members see). The
// demo organisations answer; each group's first admin or moderator asks
// and decides.
func fillSupport(ctx context.Context, a *app.App, ids map[string]int64, groupSlugs []string) error {
	now := time.Now().UTC()
	turn := 0
	for _, slug := range groupSlugs {
		g, err := a.Groups.BySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("demo: support: group %s: %w", slug, err)
		}
		asker, err := groupManager(ctx, a, g)
		if err != nil {
			return err
		}
		if g.Visibility == groups.Secret {
			if _, err := a.Support.Create(ctx, g.ID, asker, support.Input{Kind: support.Money,
				Title: "Bus fares for members who live far away", Details: "About ten return tickets a month."}); err != nil {
				return err
			}
			continue
		}
		for _, ask := range supportScript[turn%len(supportScript)] {
			in := ask.in
			if ask.days > 0 {
				in.NeededBy = now.AddDate(0, 0, ask.days).Format(support.DateLayout)
			}
			r, err := a.Support.Create(ctx, g.ID, asker, in)
			if err != nil {
				return fmt.Errorf("demo: support request %q: %w", in.Title, err)
			}
			for _, o := range ask.offers {
				org, err := a.Organisations.BySlug(ctx, o.org)
				if err != nil {
					return fmt.Errorf("demo: support: organisation %s: %w", o.org, err)
				}
				by, ok := ids[o.by]
				if !ok {
					return fmt.Errorf("demo: support: no demo member %s", o.by)
				}
				of, err := a.Support.MakeOffer(ctx, r.ID, org.ID, by, o.what)
				if err != nil {
					return fmt.Errorf("demo: support offer by %s: %w", o.org, err)
				}
				if o.status == support.Declined {
					if err := a.Support.Decline(ctx, g.ID, r.ID, of.ID, asker); err != nil {
						return err
					}
				}
			}
			// Accepting comes after every offer is in, as it declines
			// those still waiting.
			for _, o := range ask.offers {
				if o.status != support.Accepted {
					continue
				}
				offers, err := a.Support.Offers(ctx, r.ID)
				if err != nil {
					return err
				}
				for _, of := range offers {
					if of.OrgSlug == o.org && of.IsWaiting() {
						if err := a.Support.Accept(ctx, g.ID, r.ID, of.ID, asker); err != nil {
							return err
						}
					}
				}
			}
			if ask.status == support.Closed {
				if err := a.Support.Close(ctx, g.ID, r.ID, asker); err != nil {
					return err
				}
			}
		}
		turn++
	}
	return nil
}

// groupManager returns the member who asks for a group: its first admin,
// else its first moderator.
func groupManager(ctx context.Context, a *app.App, g *groups.Group) (int64, error) {
	ms, err := a.Groups.Members(ctx, g.ID)
	if err != nil {
		return 0, err
	}
	for _, m := range ms { // admins come first, then moderators
		if m.Role == groups.Admin || m.Role == groups.Moderator {
			return m.MemberID, nil
		}
	}
	return 0, fmt.Errorf("demo: support: group %s has no admin", g.Slug)
}
