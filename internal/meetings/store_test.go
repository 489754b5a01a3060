package meetings_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/meetings"
	"involve/internal/memberdata"
	"involve/internal/organisations"
	"involve/internal/search"
	"involve/internal/testutil"
)

// fixture is a site with a public and a members-only group (a moderator
// and a member each), a verified organisation with staff, a pending one,
// and a few peers; the clock stands still at now.
type fixture struct {
	t               *testing.T
	a               *app.App
	ids             map[string]int64
	public, closed  *groups.Group
	service, unconf *organisations.Organisation
	now             time.Time
}

var now = time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	a, err := app.New(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{t: t, a: a, ids: map[string]int64{}, now: now}
	a.Meetings.SetClock(func() time.Time { return fx.now })
	for _, h := range []string{"founder", "modder", "peer", "ana", "bob", "cas", "dee", "staffer", "sadmin", "padmin", "root"} {
		// Straight into the table: nothing here signs in, and hashing
		// passphrases would make up most of the test's time.
		id, err := db.InsertID(ctx, d, `INSERT INTO members (handle, handle_key, passphrase_hash, created_at, passphrase_set_at)
			VALUES (?, ?, '-', ?, ?)`, h, h, now, now)
		if err != nil {
			t.Fatal(err)
		}
		fx.ids[h] = id
	}
	mk := func(name, vis string) *groups.Group {
		g, err := a.Groups.Create(ctx, fx.ids["founder"], groups.Input{Name: name, Kind: groups.SelfOrganisation, Visibility: vis,
			Joining: groups.Open, Region: "Amsterdam"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for h, role := range map[string]string{"modder": groups.Moderator, "peer": groups.Member} {
			if _, err := d.Exec(ctx, `INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES (?, ?, ?, ?)`,
				g.ID, fx.ids[h], role, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		return g
	}
	fx.public, fx.closed = mk("Noord Peers", groups.Public), mk("Quiet Circle", groups.MembersOnly)
	org := func(owner, name string, verified bool) *organisations.Organisation {
		o, err := a.Organisations.Register(ctx, fx.ids[owner], organisations.Input{Name: name, Kind: organisations.Service})
		if err != nil {
			t.Fatal(err)
		}
		if verified {
			if err := a.Organisations.Review(ctx, d, o.ID, fx.ids["root"], organisations.Verified, ""); err != nil {
				t.Fatal(err)
			}
		}
		return o
	}
	fx.service = org("sadmin", "Harbour Service", true)
	if err := a.Organisations.SetStaff(ctx, fx.service.ID, fx.ids["staffer"], organisations.Staff); err != nil {
		t.Fatal(err)
	}
	fx.unconf = org("padmin", "Pending Agency", false)
	return fx
}

func input(title string, edit ...func(*meetings.Input)) meetings.Input {
	in := meetings.Input{Title: title, Description: "We talk about **the new clinic hours**.", TimeZone: "Europe/Amsterdam",
		Date: "2030-03-14", StartTime: "19:00", EndTime: "21:00", Mode: meetings.Both, Venue: "Buurthuis De Boog",
		Address: "Boogstraat 1, Amsterdam", Access: []string{meetings.StepFree, meetings.QuietRoom},
		OnlineLink: "https://meet.example/peers-secret", Travel: "Public transport refunded, up to €20", Childcare: "A childminder next door",
		Language: "nl", Region: "Amsterdam", Registration: meetings.RegisterOpen, ShowCount: true}
	for _, e := range edit {
		e(&in)
	}
	return in
}

func (fx *fixture) create(by string, o meetings.Organiser, in meetings.Input) *meetings.Meeting {
	fx.t.Helper()
	m, err := fx.a.Meetings.Create(context.Background(), fx.ids[by], o, in)
	if err != nil {
		fx.t.Fatal(err)
	}
	return m
}

func (fx *fixture) register(m *meetings.Meeting, who string) *meetings.Registration {
	fx.t.Helper()
	r, err := fx.a.Meetings.Register(context.Background(), m.ID, fx.ids[who], meetings.RegisterInput{})
	if err != nil {
		fx.t.Fatalf("%s registers: %v", who, err)
	}
	return r
}

func (fx *fixture) status(m *meetings.Meeting, who string) string {
	fx.t.Helper()
	r, err := fx.a.Meetings.MemberRegistration(context.Background(), m.ID, fx.ids[who])
	if errors.Is(err, db.ErrNotFound) {
		return "none"
	}
	if err != nil {
		fx.t.Fatal(err)
	}
	return r.Status
}

func (fx *fixture) notified(who, kind string) int {
	fx.t.Helper()
	var n int
	if err := fx.a.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM notifications WHERE member_id = ? AND kind = ?`,
		fx.ids[who], kind).Scan(&n); err != nil {
		fx.t.Fatal(err)
	}
	return n
}

func TestArranging(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		s := fx.a.Meetings
		grp := meetings.Organiser{GroupID: fx.public.ID}
		m := fx.create("modder", grp, input("Peer council"))
		if m.GroupName != "Noord Peers" || !m.HasOnline || m.Travel == "" || len(m.Access) != 2 || m.LocalStart().Format("15:04") != "19:00" {
			t.Errorf("created: %+v", m)
		}
		if want := time.Date(2030, 3, 14, 18, 0, 0, 0, time.UTC); !m.Start.Equal(want) {
			t.Errorf("start %v, want %v", m.Start, want)
		}
		for _, tc := range []struct {
			who  string
			o    meetings.Organiser
			want error
		}{
			{"peer", grp, meetings.ErrNotOrganiser},
			{"staffer", grp, meetings.ErrNotOrganiser},
			{"modder", meetings.Organiser{OrganisationID: fx.service.ID}, meetings.ErrNotOrganiser},
			{"padmin", meetings.Organiser{OrganisationID: fx.unconf.ID}, meetings.ErrNotVerified},
		} {
			if _, err := s.Create(ctx, fx.ids[tc.who], tc.o, input("Not theirs")); !errors.Is(err, tc.want) {
				t.Errorf("%s arranges for %+v: %v, want %v", tc.who, tc.o, err, tc.want)
			}
		}
		var fe meetings.FieldErrors
		if _, err := s.Create(ctx, fx.ids["modder"], grp, meetings.Input{}); !errors.As(err, &fe) || fe["title"] == "" {
			t.Errorf("empty input: %v", err)
		}
		org := fx.create("staffer", meetings.Organiser{OrganisationID: fx.service.ID}, input("Client advisory evening"))
		if org.OrgName != "Harbour Service" {
			t.Errorf("org meeting: %+v", org)
		}

		// The online link: organisers and seated attendees only.
		if _, err := s.OnlineLink(ctx, m.ID, meetings.Viewer{MemberID: fx.ids["ana"]}); !errors.Is(err, meetings.ErrNotAllowed) {
			t.Errorf("stranger sees the link: %v", err)
		}
		if l, err := s.OnlineLink(ctx, m.ID, meetings.Viewer{MemberID: fx.ids["modder"]}); err != nil || l != "https://meet.example/peers-secret" {
			t.Errorf("organiser link = %q, %v", l, err)
		}
		fx.register(m, "ana")
		if l, err := s.OnlineLink(ctx, m.ID, meetings.Viewer{MemberID: fx.ids["ana"]}); err != nil || l == "" {
			t.Errorf("attendee link = %q, %v", l, err)
		}

		// Changing time tells the registered; so does cancelling.
		if err := s.Update(ctx, m.ID, fx.ids["peer"], input("Peer council")); !errors.Is(err, meetings.ErrNotOrganiser) {
			t.Errorf("peer edits: %v", err)
		}
		if err := s.Update(ctx, m.ID, fx.ids["modder"], input("Peer council", func(in *meetings.Input) { in.StartTime = "18:30" })); err != nil {
			t.Fatal(err)
		}
		if fx.notified("ana", "meeting.changed") != 1 {
			t.Error("ana was not told of the change")
		}
		if err := s.Cancel(ctx, m.ID, fx.ids["modder"]); err != nil {
			t.Fatal(err)
		}
		if fx.notified("ana", "meeting.cancelled") != 1 {
			t.Error("ana was not told of the cancellation")
		}
		if _, err := s.Register(ctx, m.ID, fx.ids["bob"], meetings.RegisterInput{}); !errors.Is(err, meetings.ErrCancelled) {
			t.Errorf("register for cancelled: %v", err)
		}
		// Notifications carry the title, never the description or a note.
		var params string
		if err := d.QueryRow(ctx, `SELECT params FROM notifications WHERE kind = 'meeting.cancelled'`).Scan(&params); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(params, "clinic hours") || !strings.Contains(params, "Peer council") {
			t.Errorf("notification params: %s", params)
		}
		// Delete only what nobody registered for.
		if err := s.Delete(ctx, m.ID, fx.ids["modder"]); !errors.Is(err, meetings.ErrNotAllowed) {
			t.Errorf("delete with registrations: %v", err)
		}
		if err := s.Delete(ctx, org.ID, fx.ids["staffer"]); err != nil {
			t.Errorf("delete empty: %v", err)
		}
	})
}

func TestWaitingListAndAliases(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		s := fx.a.Meetings
		m := fx.create("modder", meetings.Organiser{GroupID: fx.public.ID}, input("Small circle", func(in *meetings.Input) { in.Capacity = "2" }))
		fx.register(m, "ana")
		if _, err := s.Register(ctx, m.ID, fx.ids["ana"], meetings.RegisterInput{}); !errors.Is(err, meetings.ErrAlreadyRegistered) {
			t.Errorf("twice: %v", err)
		}
		r, code, err := s.RegisterAlias(ctx, m.ID, meetings.RegisterInput{Alias: "Sunny", Note: "I use a wheelchair", ShowName: true})
		if err != nil || r.Status != meetings.Registered || code == "" {
			t.Fatalf("alias: %+v %q %v", r, code, err)
		}
		fx.register(m, "bob")
		fx.register(m, "cas")
		_, late, err := s.RegisterAlias(ctx, m.ID, meetings.RegisterInput{Alias: "Late"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.OnlineLinkByCode(ctx, late); !errors.Is(err, meetings.ErrNotAllowed) {
			t.Errorf("a waiting alias sees the link: %v", err)
		}
		if err := s.CancelByCode(ctx, late); err != nil {
			t.Fatal(err)
		}
		if got := []string{fx.status(m, "ana"), fx.status(m, "bob"), fx.status(m, "cas")}; !cmp.Equal(got, []string{"registered", "waiting", "waiting"}) {
			t.Errorf("statuses %v", got)
		}
		bo, _ := s.MemberRegistration(ctx, m.ID, fx.ids["bob"])
		if pos, _ := s.WaitingPosition(ctx, bo); pos != 1 {
			t.Errorf("bo waits at %d", pos)
		}
		// The alias manages their place with the code, typed loosely.
		got, err := s.ByCode(ctx, strings.ToLower(strings.ReplaceAll(code, "-", " ")))
		if err != nil || got.ID != r.ID {
			t.Fatalf("by code: %+v %v", got, err)
		}
		if _, err := s.ByCode(ctx, "AAAA-BBBB"); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("wrong code: %v", err)
		}
		if l, err := s.OnlineLinkByCode(ctx, code); err != nil || l == "" {
			t.Errorf("alias link: %q %v", l, err)
		}
		// The alias cancels: bo moves up, in the same transaction, and is told.
		if err := s.CancelByCode(ctx, code); err != nil {
			t.Fatal(err)
		}
		if fx.status(m, "bob") != "registered" || fx.status(m, "cas") != "waiting" || fx.notified("bob", "meeting.promoted") != 1 {
			t.Errorf("after alias cancel: bo %s cas %s", fx.status(m, "bob"), fx.status(m, "cas"))
		}
		if err := s.CancelByCode(ctx, code); !errors.Is(err, meetings.ErrNotRegistered) {
			t.Errorf("cancel twice: %v", err)
		}
		// The organiser cancels ana: cas moves up; ana is told.
		regs, err := s.Registrations(ctx, m.ID, fx.ids["modder"])
		if err != nil {
			t.Fatal(err)
		}
		var anaReg int64
		for _, r := range regs {
			if r.Handle == "ana" {
				anaReg = r.ID
			}
			if r.Alias == "Sunny" && r.Note != "I use a wheelchair" {
				t.Errorf("organisers see the note: %+v", r)
			}
		}
		if _, err := s.Registrations(ctx, m.ID, fx.ids["ana"]); !errors.Is(err, meetings.ErrNotOrganiser) {
			t.Errorf("attendee lists registrations: %v", err)
		}
		if err := s.CancelRegistration(ctx, m.ID, anaReg, fx.ids["modder"]); err != nil {
			t.Fatal(err)
		}
		if fx.status(m, "cas") != "registered" || fx.notified("ana", "meeting.registration_cancelled") != 1 {
			t.Errorf("after organiser cancel: cas %s", fx.status(m, "cas"))
		}
		// Raising the capacity fills seats from the waiting list.
		fx.register(m, "dee")
		if fx.status(m, "dee") != "waiting" {
			t.Fatalf("dee %s", fx.status(m, "dee"))
		}
		if err := s.Update(ctx, m.ID, fx.ids["modder"], input("Small circle", func(in *meetings.Input) { in.Capacity = "3" })); err != nil {
			t.Fatal(err)
		}
		if fx.status(m, "dee") != "registered" {
			t.Errorf("dee after raise: %s", fx.status(m, "dee"))
		}
		// Only those who chose it are shown; notes never.
		if err := s.UpdateRegistration(ctx, m.ID, fx.ids["cas"], meetings.RegisterInput{ShowName: true, Note: "vegan"}); err != nil {
			t.Fatal(err)
		}
		shown, err := s.ShownAttendees(ctx, m.ID)
		if err != nil || len(shown) != 1 || shown[0].Handle != "cas" || shown[0].Note != "" {
			t.Errorf("shown: %+v %v", shown, err)
		}
		full, _ := s.Meeting(ctx, m.ID)
		if full.Registered != 3 || full.Waiting != 0 || !full.Full() {
			t.Errorf("counts: %d registered, %d waiting", full.Registered, full.Waiting)
		}
		// After the start, nobody registers.
		fx.now = full.Start.Add(time.Minute)
		if _, _, err := s.RegisterAlias(ctx, m.ID, meetings.RegisterInput{Alias: "Late"}); !errors.Is(err, meetings.ErrPast) {
			t.Errorf("late alias: %v", err)
		}
	})
}

func TestApprovalAndInvitation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		s := fx.a.Meetings
		org := meetings.Organiser{OrganisationID: fx.service.ID}
		ap := fx.create("staffer", org, input("Advisory board", func(in *meetings.Input) {
			in.Registration, in.Capacity = meetings.RegisterApproval, "1"
		}))
		a := fx.register(ap, "ana")
		b := fx.register(ap, "bob")
		if a.Status != meetings.Pending || fx.notified("staffer", "meeting.pending") != 2 {
			t.Errorf("pending: %s, staff told %d", a.Status, fx.notified("staffer", "meeting.pending"))
		}
		if err := s.Decide(ctx, ap.ID, a.ID, fx.ids["ana"], true); !errors.Is(err, meetings.ErrNotOrganiser) {
			t.Errorf("self approval: %v", err)
		}
		for _, r := range []*meetings.Registration{a, b} {
			if err := s.Decide(ctx, ap.ID, r.ID, fx.ids["sadmin"], true); err != nil {
				t.Fatal(err)
			}
		}
		if fx.status(ap, "ana") != "registered" || fx.status(ap, "bob") != "waiting" || fx.notified("bob", "meeting.approved_waiting") != 1 {
			t.Errorf("approved: ana %s bo %s", fx.status(ap, "ana"), fx.status(ap, "bob"))
		}
		if err := s.Decide(ctx, ap.ID, a.ID, fx.ids["sadmin"], false); !errors.Is(err, meetings.ErrNotPending) {
			t.Errorf("decide twice: %v", err)
		}
		c := fx.register(ap, "cas")
		if err := s.Decide(ctx, ap.ID, c.ID, fx.ids["staffer"], false); err != nil || fx.status(ap, "cas") != "none" || fx.notified("cas", "meeting.declined") != 1 {
			t.Errorf("decline: %v, %s", err, fx.status(ap, "cas"))
		}

		inv := fx.create("staffer", org, input("Board of directors", func(in *meetings.Input) { in.Registration = meetings.RegisterInvitation }))
		if _, err := s.Register(ctx, inv.ID, fx.ids["ana"], meetings.RegisterInput{}); !errors.Is(err, meetings.ErrNotInvited) {
			t.Errorf("uninvited: %v", err)
		}
		if _, _, err := s.RegisterAlias(ctx, inv.ID, meetings.RegisterInput{Alias: "Sunny"}); !errors.Is(err, meetings.ErrMembersOnly) {
			t.Errorf("alias in invitation mode: %v", err)
		}
		if err := s.Invite(ctx, inv.ID, fx.ids["staffer"], "@Ana"); err != nil {
			t.Fatal(err)
		}
		if err := s.Invite(ctx, inv.ID, fx.ids["staffer"], "ana"); err != nil {
			t.Errorf("invite twice: %v", err)
		}
		if err := s.Invite(ctx, inv.ID, fx.ids["staffer"], "nobody-here"); !errors.Is(err, meetings.ErrNoSuchMember) {
			t.Errorf("unknown handle: %v", err)
		}
		if fx.notified("ana", "meeting.invited") != 1 {
			t.Error("ana not told of the invitation")
		}
		acc, _ := s.Access(ctx, inv, meetings.Viewer{MemberID: fx.ids["ana"]})
		if !acc.Invited || !acc.CanRegister(fx.now) {
			t.Errorf("access: %+v", acc)
		}
		if fx.register(inv, "ana").Status != meetings.Registered {
			t.Error("invited member has no seat")
		}
		if list, err := s.Invitations(ctx, inv.ID, fx.ids["staffer"]); err != nil || len(list) != 1 || list[0].Handle != "ana" {
			t.Errorf("invitations: %+v %v", list, err)
		}
	})
}

// Two (or more) people take the last seats at once: exactly as many get a
// seat as there are seats, the rest wait.
func TestCapacityRace(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		s := fx.a.Meetings
		m := fx.create("modder", meetings.Organiser{GroupID: fx.public.ID}, input("Last seat", func(in *meetings.Input) { in.Capacity = "1" }))
		for round, who := range [][]string{{"ana", "bob"}, {"cas", "dee", "peer", "founder"}} {
			if round == 1 {
				// Free the seat and add one: two seats for four.
				if err := s.Update(ctx, m.ID, fx.ids["modder"], input("Last seat", func(in *meetings.Input) { in.Capacity = "3" })); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			errs := make(chan error, len(who))
			start := make(chan struct{})
			for _, h := range who {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, err := s.Register(ctx, m.ID, fx.ids[h], meetings.RegisterInput{})
					errs <- err
				}()
			}
			close(start)
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		got, _ := s.Meeting(ctx, m.ID)
		// Round one: 1 seat, 1 waits. Raising to 3 seats the waiting one;
		// round two: 1 seat left for 4.
		if got.Registered != 3 || got.Waiting != 3 {
			t.Errorf("%d registered, %d waiting; want 3 and 3", got.Registered, got.Waiting)
		}
	})
}

func TestVisibilityListingAndSearch(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		s := fx.a.Meetings
		pub := fx.create("modder", meetings.Organiser{GroupID: fx.public.ID}, input("Harm reduction evening"))
		closed := fx.create("modder", meetings.Organiser{GroupID: fx.closed.ID}, input("Closed circle talk"))
		fx.create("staffer", meetings.Organiser{OrganisationID: fx.service.ID}, input("Online consultation", func(in *meetings.Input) {
			in.Mode, in.Language, in.Region, in.Date = meetings.Online, "ru", "Tallinn", "2030-04-02"
		}))
		past := fx.create("staffer", meetings.Organiser{OrganisationID: fx.service.ID}, input("Last year's review", func(in *meetings.Input) {
			in.Date = "2029-06-01"
		}))
		titles := func(ms []*meetings.Meeting) []string {
			var out []string
			for _, m := range ms {
				out = append(out, m.Title)
			}
			return out
		}
		for _, tc := range []struct {
			who  string
			f    meetings.Filter
			want []string
		}{
			{"", meetings.Filter{}, []string{"Harm reduction evening", "Online consultation"}},
			{"ana", meetings.Filter{}, []string{"Harm reduction evening", "Online consultation"}},
			{"peer", meetings.Filter{}, []string{"Harm reduction evening", "Closed circle talk", "Online consultation"}},
			{"peer", meetings.Filter{Mode: meetings.Online}, []string{"Online consultation"}},
			{"peer", meetings.Filter{Language: "nl"}, []string{"Harm reduction evening", "Closed circle talk"}},
			{"peer", meetings.Filter{Region: "tallinn"}, []string{"Online consultation"}},
			{"", meetings.Filter{GroupID: fx.closed.ID}, nil},
			{"", meetings.Filter{Past: true}, []string{"Last year's review"}},
		} {
			l, err := s.List(ctx, meetings.Viewer{MemberID: fx.ids[tc.who]}, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, titles(l.Meetings)); diff != "" {
				t.Errorf("%q %+v (-want +got):\n%s", tc.who, tc.f, diff)
			}
		}
		// Next, for an organiser's page: upcoming only, visible only, at most n.
		for _, tc := range []struct {
			who  string
			o    meetings.Organiser
			n    int
			want []string
		}{
			{"", meetings.Organiser{GroupID: fx.closed.ID}, 5, nil},
			{"peer", meetings.Organiser{GroupID: fx.closed.ID}, 5, []string{"Closed circle talk"}},
			{"", meetings.Organiser{GroupID: fx.public.ID}, 5, []string{"Harm reduction evening"}},
			{"", meetings.Organiser{OrganisationID: fx.service.ID}, 5, []string{"Online consultation"}},
			{"", meetings.Organiser{OrganisationID: fx.service.ID}, 0, nil},
		} {
			next, err := s.Next(ctx, meetings.Viewer{MemberID: fx.ids[tc.who]}, tc.o, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, titles(next)); diff != "" {
				t.Errorf("Next %q %+v (-want +got):\n%s", tc.who, tc.o, diff)
			}
		}
		l, _ := s.List(ctx, meetings.Viewer{}, meetings.Filter{Mode: meetings.Both})
		if diff := cmp.Diff([]meetings.Facet{{Value: "in_person", Count: 0}, {Value: "online", Count: 1}, {Value: "both", Count: 1}}, l.Modes); diff != "" {
			t.Errorf("mode facets (-want +got):\n%s", diff)
		}
		acc, _ := s.Access(ctx, closed, meetings.Viewer{MemberID: fx.ids["ana"]})
		if acc.CanSee() {
			t.Error("a stranger sees a members-only group's meeting")
		}
		if _, _, err := s.RegisterAlias(ctx, closed.ID, meetings.RegisterInput{Alias: "x"}); !errors.Is(err, meetings.ErrMembersOnly) {
			t.Errorf("alias for closed group: %v", err)
		}
		if _, err := s.Register(ctx, closed.ID, fx.ids["ana"], meetings.RegisterInput{}); !errors.Is(err, meetings.ErrNotAllowed) {
			t.Errorf("stranger registers for closed group: %v", err)
		}
		if _, err := s.MeetingICS(ctx, closed.ID, meetings.Viewer{}, "https://involve.example"); !errors.Is(err, meetings.ErrNotAllowed) {
			t.Errorf("ics of closed: %v", err)
		}
		_ = past

		find := func(q string) int {
			hits, _, err := fx.a.Search.Search(ctx, q, "", search.Viewer{}, 50)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, h := range hits {
				if strings.HasPrefix(h.URL, "/meetings/") {
					n++
				}
			}
			return n
		}
		if find("harm reduction") != 1 || find("closed circle") != 0 || find("meet.example") != 0 {
			t.Errorf("search: public %d, closed %d, link %d", find("harm reduction"), find("closed circle"), find("meet.example"))
		}
		// A change of language leaves one document, in the new language.
		if err := s.Update(ctx, pub.ID, fx.ids["modder"], input("Harm reduction evening", func(in *meetings.Input) { in.Language = "en" })); err != nil {
			t.Fatal(err)
		}
		var docs int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM search_documents WHERE kind = 'meeting' AND ref = ?`, fmt.Sprint(pub.ID)).Scan(&docs); err != nil || docs != 1 {
			t.Errorf("%d search documents after a language change (%v)", docs, err)
		}
		// The group turns members-only: its meeting leaves search.
		in := groups.Input{Name: "Noord Peers", Kind: groups.SelfOrganisation, Visibility: groups.MembersOnly, Joining: groups.Open, Region: "Amsterdam"}
		if err := fx.a.Groups.Update(ctx, fx.public.ID, in); err != nil {
			t.Fatal(err)
		}
		if find("harm reduction") != 0 {
			t.Error("a members-only group's meeting stays in search")
		}
		if err := s.Cancel(ctx, pub.ID, fx.ids["modder"]); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMinutesAttendancePayments(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		s := fx.a.Meetings
		m := fx.create("staffer", meetings.Organiser{OrganisationID: fx.service.ID}, input("Client board", func(in *meetings.Input) {
			in.HonorariumAmount, in.HonorariumCurrency = "25", "EUR"
		}))
		agenda := []meetings.AgendaItem{{Title: "Welcome"}, {Title: "Opening hours", Notes: "Evening hours?"}}
		if err := s.SetAgenda(ctx, m.ID, fx.ids["ana"], agenda); !errors.Is(err, meetings.ErrNotOrganiser) {
			t.Errorf("attendee sets agenda: %v", err)
		}
		if err := s.SetAgenda(ctx, m.ID, fx.ids["staffer"], agenda); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Agenda(ctx, m.ID); !cmp.Equal(got, agenda) {
			t.Errorf("agenda %+v", got)
		}
		if _, err := s.AddAttachment(ctx, m.ID, fx.ids["staffer"], "Slides", "ftp://x"); err == nil {
			t.Error("ftp link accepted")
		}
		if _, err := s.AddAttachment(ctx, m.ID, fx.ids["staffer"], "Slides", "https://files.example/slides.pdf"); err != nil {
			t.Fatal(err)
		}
		ana := fx.register(m, "ana")
		_, _, err := s.RegisterAlias(ctx, m.ID, meetings.RegisterInput{Alias: "Sunny"})
		if err != nil {
			t.Fatal(err)
		}
		pay := meetings.PaymentInput{RegistrationID: ana.ID, Kind: meetings.Honorarium, Amount: "25", Currency: "EUR",
			Method: meetings.Cash, Status: meetings.Paid, Purpose: "Board meeting"}
		if _, err := s.AddPayment(ctx, m.ID, fx.ids["staffer"], pay); !errors.Is(err, meetings.ErrNotStarted) {
			t.Errorf("payment before the meeting: %v", err)
		}
		if err := s.SetAttendance(ctx, m.ID, fx.ids["staffer"], map[int64]bool{ana.ID: true}); !errors.Is(err, meetings.ErrNotStarted) {
			t.Errorf("attendance before: %v", err)
		}
		fx.now = m.End.Add(time.Hour)
		if err := s.SetAttendance(ctx, m.ID, fx.ids["staffer"], map[int64]bool{ana.ID: true}); err != nil {
			t.Fatal(err)
		}
		min := meetings.Minutes{Text: "We agreed on **evening hours**.", Decisions: []meetings.Decision{{Text: "Open Tuesday evenings"}},
			Actions: []meetings.ActionPoint{{Text: "Tell the team", Who: "Lena", Due: "2030-04-01"}}}
		if err := s.SetMinutes(ctx, m.ID, fx.ids["staffer"], min); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Minutes(ctx, m.ID); !cmp.Equal(*got, min) {
			t.Errorf("minutes %+v", got)
		}
		p, err := s.AddPayment(ctx, m.ID, fx.ids["staffer"], pay)
		if err != nil || p.Payee != "ana" || p.Amount != 2500 || p.PaidAt == nil {
			t.Fatalf("payment: %+v %v", p, err)
		}
		pay.Kind, pay.Amount, pay.Method, pay.Status, pay.Purpose = meetings.Reimbursement, "7.40", meetings.Voucher, meetings.PaymentPending, "=HYPERLINK(\"x\")"
		if _, err := s.AddPayment(ctx, m.ID, fx.ids["staffer"], pay); err != nil {
			t.Fatal(err)
		}
		mine, _ := s.MemberPayments(ctx, fx.ids["ana"])
		if len(mine) != 2 {
			t.Errorf("ana's payments: %d", len(mine))
		}
		if _, err := s.OrganisationPayments(ctx, fx.service.ID, fx.ids["ana"]); !errors.Is(err, meetings.ErrNotOrganiser) {
			t.Errorf("csv for a stranger: %v", err)
		}
		ps, err := s.OrganisationPayments(ctx, fx.service.ID, fx.ids["sadmin"])
		if err != nil {
			t.Fatal(err)
		}
		var csv bytes.Buffer
		if err := meetings.WritePaymentsCSV(&csv, ps); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
		if len(lines) != 3 || !strings.Contains(lines[1], ",ana,honorarium,25.00,EUR,cash,paid,2030-03-14,Board meeting") ||
			!strings.Contains(lines[2], `,7.40,EUR,voucher,pending,,"'=HYPERLINK`) {
			t.Errorf("csv:\n%s", csv.String())
		}

		// The member's data download holds registrations and payments;
		// deleting the account keeps the payments, nameless.
		data, err := fx.a.MemberData.Export(ctx, fx.ids["ana"])
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(data["meetings"])
		for _, want := range []string{`"meeting":"Client board"`, `"amount":"25.00"`, `"attended":true`} {
			if !strings.Contains(string(js), want) {
				t.Errorf("export lacks %s: %s", want, js)
			}
		}
		if err := fx.a.MemberData.Erase(ctx, fx.ids["ana"], memberdata.Remove); err != nil {
			t.Fatal(err)
		}
		ps, _ = s.OrganisationPayments(ctx, fx.service.ID, fx.ids["sadmin"])
		if len(ps) != 2 || ps[0].Payee != "" || ps[0].MemberID != nil {
			t.Errorf("payments after erase: %+v", ps[0])
		}
		regs, _ := s.Registrations(ctx, m.ID, fx.ids["staffer"])
		var nameless int
		for _, r := range regs {
			if r.MemberID == nil && r.Alias == "" && r.Attended != nil && *r.Attended {
				nameless++
			}
		}
		if nameless != 1 {
			t.Errorf("the attendance of the member who left: %d nameless rows", nameless)
		}
	})
}

func TestEraseFreesUpcomingSeats(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		m := fx.create("modder", meetings.Organiser{GroupID: fx.public.ID}, input("Full house", func(in *meetings.Input) { in.Capacity = "1" }))
		fx.register(m, "ana")
		fx.register(m, "bob")
		if _, err := fx.a.Meetings.ResetFeedToken(ctx, fx.ids["ana"]); err != nil {
			t.Fatal(err)
		}
		if err := fx.a.MemberData.Erase(ctx, fx.ids["ana"], memberdata.Anonymise); err != nil {
			t.Fatal(err)
		}
		if fx.status(m, "bob") != "registered" {
			t.Errorf("bo after ana left: %s", fx.status(m, "bob"))
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_feed_tokens`).Scan(&n); err != nil || n != 0 {
			t.Errorf("feed tokens left: %d %v", n, err)
		}
	})
}
