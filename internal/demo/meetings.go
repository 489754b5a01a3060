package demo

import (
	"context"
	"fmt"
	"time"

	"involve/internal/app"
	"involve/internal/meetings"
)

// demoWhen places a demo meeting relative to today, in its own zone.
func demoWhen(now time.Time, zone string, days int, start, end string) (date, from, to string) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return now.In(loc).AddDate(0, 0, days).Format(meetings.DateLayout), start, end
}

// weekdayFrom is the first date on wd at least days from now.
func weekdayFrom(now time.Time, zone string, days int, wd time.Weekday) int {
	loc, _ := time.LoadLocation(zone)
	d := now.In(loc).AddDate(0, 0, days)
	return days + (int(wd)-int(d.Weekday())+7)%7
}

// fillMeetings shows meetings in use: upcoming and past meetings of groups
// and organisations in several regions and languages; a recurring client
// advisory board with one occurrence moved and one cancelled, minutes,
// attendance and payments for the last one; a training that is full with
// a waiting list (one peer registered under an alias); a consultation
// that needs approval; a review day by invitation; and a members-only
// group's weekly meeting.
func fillMeetings(ctx context.Context, a *app.App, ids map[string]int64) error {
	s := a.Meetings
	now := time.Now()
	defer s.SetClock(time.Now)
	group := func(slug string) (meetings.Organiser, error) {
		g, err := a.Groups.BySlug(ctx, slug)
		if err != nil {
			return meetings.Organiser{}, fmt.Errorf("demo: group %s: %w", slug, err)
		}
		return meetings.Organiser{GroupID: g.ID}, nil
	}
	org := func(slug string) (meetings.Organiser, error) {
		o, err := a.Organisations.BySlug(ctx, slug)
		if err != nil {
			return meetings.Organiser{}, fmt.Errorf("demo: organisation %s: %w", slug, err)
		}
		return meetings.Organiser{OrganisationID: o.ID}, nil
	}
	register := func(m *meetings.Meeting, handles ...string) error {
		for _, h := range handles {
			if _, err := s.Register(ctx, m.ID, ids[h], meetings.RegisterInput{ShowName: h == "mira"}); err != nil {
				return fmt.Errorf("demo: %s registers for %s: %w", h, m.Title, err)
			}
		}
		return nil
	}

	// Harbour's client advisory board: second Tuesday of the month, from
	// three months back, with travel, food, childcare and an honorarium.
	harbour, err := org("harbour-harm-reduction-service")
	if err != nil {
		return err
	}
	first := now.AddDate(0, -3, 0)
	firstTue := time.Date(first.Year(), first.Month(), 1, 12, 0, 0, 0, time.UTC)
	firstTue = firstTue.AddDate(0, 0, (int(time.Tuesday)-int(firstTue.Weekday())+7)%7+7)
	board := meetings.Input{Title: "Client advisory board", TimeZone: "Europe/Amsterdam",
		Description: "The monthly meeting of Harbour's client advisory board with the service's managers.\n\n" +
			"We go through what clients said at the counter, read plans before they are decided, and hear back on last month's recommendations. " +
			"New people are welcome: you do not have to say anything at your first meeting.",
		Date: firstTue.Format(meetings.DateLayout), StartTime: "18:00", EndTime: "20:00", Mode: meetings.InPerson,
		Venue: "Harbour, group room (first floor)", Address: "Havenstraat 12, Amsterdam-Noord",
		Directions:       "Ferry to Buiksloterweg, then five minutes on foot. The entrance is on the left side of the building, away from the queue.",
		Access:           []string{meetings.StepFree, meetings.AccessibleToilet, meetings.QuietRoom, meetings.Seating},
		AccessNotes:      "There is a lift to the first floor. Tell us if you need anything else and we arrange it.",
		Travel:           "Public transport paid back in cash on the day, up to €15. Keep your ticket or tell us the route.",
		Food:             "A warm meal before the meeting, from 17:30; vegetarian and halal.",
		Childcare:        "A childminder in the room next door, for children up to 12.",
		HonorariumAmount: "25", HonorariumCurrency: "EUR", HonorariumText: "For every member for every meeting, in cash at the end. No bank account needed.",
		Language: "nl", Region: "Amsterdam", Registration: meetings.RegisterOpen, Capacity: "12", ShowCount: true}
	sr, _, err := s.CreateSeries(ctx, ids["lena-harbour"], harbour, board, meetings.RuleInput{Freq: meetings.MonthlyWeekday, Count: "9"})
	if err != nil {
		return fmt.Errorf("demo: advisory board series: %w", err)
	}
	occ, err := s.Occurrences(ctx, sr.ID)
	if err != nil {
		return err
	}
	var past, next []*meetings.Meeting
	for _, m := range occ {
		if m.End.Before(now) {
			past = append(past, m)
		} else {
			next = append(next, m)
		}
	}
	// The last past meeting: registrations, attendance, minutes, payments.
	if len(past) > 0 {
		m := past[len(past)-1]
		s.SetClock(func() time.Time { return m.Start.AddDate(0, 0, -7) })
		if err := register(m, "mira", "jo-peer", "tomas"); err != nil {
			return err
		}
		s.SetClock(func() time.Time { return m.End.Add(time.Hour) })
		regs, err := s.Registrations(ctx, m.ID, ids["lena-harbour"])
		if err != nil {
			return err
		}
		attended := map[int64]bool{}
		for _, r := range regs {
			attended[r.ID] = r.Handle != "tomas"
			if r.Handle == "tomas" {
				continue
			}
			pays := []meetings.PaymentInput{{RegistrationID: r.ID, Kind: meetings.Honorarium, Amount: "25", Currency: "EUR",
				Method: meetings.Cash, Status: meetings.Paid, Purpose: "Client advisory board"}}
			if r.Handle == "mira" {
				pays = append(pays, meetings.PaymentInput{RegistrationID: r.ID, Kind: meetings.Reimbursement, Amount: "7.40", Currency: "EUR",
					Method: meetings.Voucher, Status: meetings.PaymentPending, Purpose: "Return ferry and tram"})
			}
			for _, p := range pays {
				if _, err := s.AddPayment(ctx, m.ID, ids["lena-harbour"], p); err != nil {
					return fmt.Errorf("demo: payment: %w", err)
				}
			}
		}
		if err := s.SetAttendance(ctx, m.ID, ids["lena-harbour"], attended); err != nil {
			return err
		}
		if err := s.SetAgenda(ctx, m.ID, ids["lena-harbour"], []meetings.AgendaItem{
			{Title: "Welcome and round of names"}, {Title: "What we heard at the counter"},
			{Title: "Opening hours in winter", Notes: "The service proposes closing at 17:00 from December."},
			{Title: "Answers to last month's recommendations"}}); err != nil {
			return err
		}
		if err := s.SetMinutes(ctx, m.ID, ids["lena-harbour"], meetings.Minutes{
			Text: "Six members and two managers were there.\n\nMembers said that closing at 17:00 would leave out people who work or " +
				"who cannot come early. The managers agreed to look at the staff rota again before deciding.",
			Decisions: []meetings.Decision{{Text: "The drop-in stays open until 19:00 on Tuesdays and Thursdays this winter."},
				{Text: "Naloxone training moves to the first Monday of the month."}},
			Actions: []meetings.ActionPoint{{Text: "Write up the new winter hours for the counter", Who: "Lena", Due: m.End.AddDate(0, 0, 14).Format(meetings.DateLayout)},
				{Text: "Ask three clients who did not come why they could not", Who: "Mira"}},
		}); err != nil {
			return err
		}
		if _, err := s.AddAttachment(ctx, m.ID, ids["lena-harbour"], "Winter opening hours proposal", "https://harbour.example.org/docs/winter-hours.pdf"); err != nil {
			return err
		}
		s.SetClock(time.Now)
	}
	if len(next) >= 3 {
		// The next one moves to a bigger room and starts later; the one
		// after is cancelled for the holidays.
		m := next[0]
		in := board
		in.Date, in.StartTime, in.EndTime = m.SlotDate, "18:30", "20:30"
		in.Venue, in.Address = "Buurthuis De Boog, big hall", "Boogstraat 1, Amsterdam-Noord"
		if err := s.Update(ctx, m.ID, ids["lena-harbour"], in); err != nil {
			return fmt.Errorf("demo: moving an occurrence: %w", err)
		}
		if err := register(m, "mira", "jo-peer"); err != nil {
			return err
		}
		if err := s.Cancel(ctx, next[1].ID, ids["lena-harbour"]); err != nil {
			return err
		}
	}

	// Noord users' union: every other Tuesday evening, from a month back.
	noord, err := group("noord-needle-exchange-users")
	if err != nil {
		return err
	}
	date, from, to := demoWhen(now, "Europe/Amsterdam", weekdayFrom(now, "Europe/Amsterdam", -28, time.Tuesday), "19:00", "21:00")
	if _, _, err := s.CreateSeries(ctx, ids["mira"], noord, meetings.Input{Title: "Users' union evening", TimeZone: "Europe/Amsterdam",
		Description: "Every other Tuesday. We collect what people say about the needle exchange and decide what to bring to Harbour.",
		Date:        date, StartTime: from, EndTime: to, Mode: meetings.InPerson, Venue: "Harbour, back room", Address: "Havenstraat 12, Amsterdam-Noord",
		Access: []string{meetings.StepFree}, Food: "Soup and bread.", Language: "nl", Region: "Amsterdam",
		Registration: meetings.RegisterOpen, ShowCount: true},
		meetings.RuleInput{Freq: meetings.Weekly, Every: "2", Count: "10"}); err != nil {
		return fmt.Errorf("demo: union series: %w", err)
	}

	// Positive Living Clinic: a training in Russian, full, with a waiting
	// list and one peer registered under an alias.
	clinic, err := org("positive-living-clinic")
	if err != nil {
		return err
	}
	date, from, to = demoWhen(now, "Europe/Riga", 12, "17:00", "20:00")
	full, err := s.Create(ctx, ids["sasha_k"], clinic, meetings.Input{Title: "Peer counselling training, part 1",
		Description: "Первое из четырёх занятий: как слушать, конфиденциальность, первый разговор после диагноза.\n\nThe first of four sessions, in Russian with Latvian interpretation.",
		TimeZone:    "Europe/Riga", Date: date, StartTime: from, EndTime: to, Mode: meetings.InPerson, Venue: "Positive Living Clinic, training room",
		Address: "Brīvības iela 100, Riga", Access: []string{meetings.StepFree, meetings.AccessibleToilet},
		Travel: "Bus and tram tickets paid back on the day.", Food: "Dinner at the break.", Interpretation: []string{"lv"},
		HonorariumAmount: "15", HonorariumCurrency: "EUR", HonorariumText: "For each session, in cash or as a supermarket voucher.",
		Language: "ru", Region: "Riga", Registration: meetings.RegisterOpen, Capacity: "2", ShowCount: true})
	if err != nil {
		return fmt.Errorf("demo: training: %w", err)
	}
	if err := register(full, "jo-peer", "tomas"); err != nil {
		return err
	}
	if _, _, err := s.RegisterAlias(ctx, full.ID, meetings.RegisterInput{Alias: "Ирина", Note: "Я приду с ребёнком, если можно."}); err != nil {
		return err
	}
	if err := register(full, "mira"); err != nil {
		return err
	}

	// Northport: a consultation evening that needs approval, in person
	// and online, with sign language and interpretation.
	northport, err := org("northport-public-health-committee")
	if err != nil {
		return err
	}
	date, from, to = demoWhen(now, "Europe/London", 20, "18:00", "20:30")
	council, err := s.Create(ctx, ids["pieter-northport"], northport, meetings.Input{Title: "Consultation evening: housing and health",
		Description: "The committee wants to hear from people who use housing and health services in Northport before it writes its new plan. " +
			"We publish what we heard and what we did with it.",
		TimeZone: "Europe/London", Date: date, StartTime: from, EndTime: to, Mode: meetings.Both, Venue: "Town hall, council chamber",
		Address: "Market Square 1, Northport", Directions: "Buses 3 and 7 stop at Market Square.",
		Access:     []string{meetings.StepFree, meetings.AccessibleToilet, meetings.HearingLoop, meetings.AccessibleParking},
		OnlineLink: "https://meet.example.org/northport-consultation", Travel: "Taxi or bus paid, up to £20, on the evening.",
		Food: "Sandwiches and drinks.", Childcare: "A crèche in the room next door.", Interpretation: []string{"pl", "ro"},
		SignLanguage: "British Sign Language", HonorariumAmount: "30", HonorariumCurrency: "GBP",
		HonorariumText: "For everyone who takes part, as a voucher or in cash.", Language: "en", Region: "Northport",
		Registration: meetings.RegisterApproval, Capacity: "40", ShowCount: true})
	if err != nil {
		return fmt.Errorf("demo: consultation: %w", err)
	}
	if _, err := s.Register(ctx, council.ID, ids["jo-peer"], meetings.RegisterInput{Note: "I need a seat near the door."}); err != nil {
		return err
	}

	// The online circle: monthly, on the same date, online only.
	circle, err := group("online-peer-support-circle")
	if err != nil {
		return err
	}
	date, from, to = demoWhen(now, "Europe/Amsterdam", 5, "20:00", "21:00")
	if _, _, err := s.CreateSeries(ctx, ids["mira"], circle, meetings.Input{Title: "Online circle: getting organised",
		Description: "An hour online to talk about starting a group, finding a room and asking a service for support. Camera off is fine.",
		TimeZone:    "Europe/Amsterdam", Date: date, StartTime: from, EndTime: to, Mode: meetings.Online,
		OnlineLink: "https://meet.example.org/peer-circle", Interpretation: []string{"ru"}, Language: "en", Region: "Online",
		Registration: meetings.RegisterOpen, ShowCount: true},
		meetings.RuleInput{Freq: meetings.MonthlyDate, Count: "6"}); err != nil {
		return fmt.Errorf("demo: circle series: %w", err)
	}

	// A members-only group's weekly meeting: only its members see it.
	riga, err := group("riga-positive-peers")
	if err != nil {
		return err
	}
	date, from, to = demoWhen(now, "Europe/Riga", weekdayFrom(now, "Europe/Riga", 1, time.Thursday), "18:00", "20:00")
	if _, _, err := s.CreateSeries(ctx, ids["sasha_k"], riga, meetings.Input{Title: "Четверговая группа",
		Description: "Встреча группы равных. Чай, разговор, новости клиники.", TimeZone: "Europe/Riga", Date: date, StartTime: from, EndTime: to,
		Mode: meetings.InPerson, Venue: "Клиника, комната 2", Address: "Brīvības iela 100, Riga", Language: "ru", Region: "Riga",
		Registration: meetings.RegisterOpen}, meetings.RuleInput{Freq: meetings.Weekly, Count: "8"}); err != nil {
		return fmt.Errorf("demo: riga series: %w", err)
	}

	// Prague: a past debrief with minutes.
	prague, err := group("prague-nightlife-peers")
	if err != nil {
		return err
	}
	date, from, to = demoWhen(now, "Europe/Prague", -40, "18:00", "20:00")
	debrief, err := s.Create(ctx, ids["tomas"], prague, meetings.Input{Title: "Festival season debrief",
		Description: "What we saw this summer in the chill-out spaces, and what to ask the festivals for next year.",
		TimeZone:    "Europe/Prague", Date: date, StartTime: from, EndTime: to, Mode: meetings.InPerson, Venue: "Street Voices drop-in",
		Address: "Národní 20, Praha", Food: "Pizza.", Language: "cs", Region: "Prague", Registration: meetings.RegisterOpen})
	if err != nil {
		return fmt.Errorf("demo: debrief: %w", err)
	}
	if err := s.SetMinutes(ctx, debrief.ID, ids["tomas"], meetings.Minutes{
		Text:      "Nine peers came. The chill-out space was full every night after 2:00; people asked for more water and for drug checking on site.",
		Decisions: []meetings.Decision{{Text: "Ask two festivals for drug checking next season."}},
		Actions:   []meetings.ActionPoint{{Text: "Write to the festival organisers", Who: "Tomas"}},
	}); err != nil {
		return err
	}

	// Open Hands: a review day, by invitation.
	openHands, err := org("open-hands-foundation")
	if err != nil {
		return err
	}
	date, from, to = demoWhen(now, "Europe/Amsterdam", 30, "10:00", "16:00")
	review, err := s.Create(ctx, ids["anna-openhands"], openHands, meetings.Input{Title: "Peer review panel: spring applications",
		Description: "The panel reads and scores the spring applications together. Lunch included.", TimeZone: "Europe/Amsterdam",
		Date: date, StartTime: from, EndTime: to, Mode: meetings.Online, OnlineLink: "https://meet.example.org/open-hands-panel",
		HonorariumAmount: "120", HonorariumCurrency: "EUR", HonorariumText: "20 euros an hour, six hours, as cash or voucher.",
		Language: "en", Region: "Online", Registration: meetings.RegisterInvitation, ShowCount: false})
	if err != nil {
		return fmt.Errorf("demo: review day: %w", err)
	}
	for _, h := range []string{"mira", "sasha_k"} {
		if err := s.Invite(ctx, review.ID, ids["anna-openhands"], h); err != nil {
			return err
		}
	}
	if err := register(review, "sasha_k"); err != nil {
		return err
	}
	return nil
}
