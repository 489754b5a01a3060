package meetings_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/meetings"
	"involve/internal/testutil"
)

// listedMeeting is what the brute-force count below knows of a meeting.
type listedMeeting struct {
	id         int64
	mode       string
	region     string
	language   string
	group, org int64
	start, end time.Time
}

// TestListingCounts compares the listing with counts made here one meeting
// at a time, for every viewer, both periods, each organiser chosen and
// several mode, region and language filters: which meetings, in which
// order, and each filter value's count under the other filters (groups
// and organisations under mode, region and language only). Meetings of a
// secret, a members-only and a hidden group are counted only for who may
// see them.
func TestListingCounts(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		s := fx.a.Meetings
		group := func(name, vis string) *groups.Group {
			g, err := fx.a.Groups.Create(ctx, fx.ids["founder"], groups.Input{Name: name, Kind: groups.SelfOrganisation, Visibility: vis,
				Joining: groups.Open}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for h, role := range map[string]string{"modder": groups.Moderator, "dee": groups.Member} {
				if _, err := d.Exec(ctx, `INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES (?, ?, ?, ?)`,
					g.ID, fx.ids[h], role, now); err != nil {
					t.Fatal(err)
				}
			}
			return g
		}
		secret, hidden := group("Night Owls", groups.Secret), group("Harbour Circle", groups.Public)
		organisers := []meetings.Organiser{{GroupID: fx.public.ID}, {GroupID: fx.closed.ID}, {GroupID: secret.ID},
			{GroupID: hidden.ID}, {OrganisationID: fx.service.ID}}
		var all []listedMeeting
		add := func(o meetings.Organiser, in meetings.Input) {
			by := "modder"
			if o.OrganisationID != 0 {
				by = "staffer"
			}
			m := fx.create(by, o, in)
			all = append(all, listedMeeting{m.ID, m.Mode, m.Region, m.Language, o.GroupID, o.OrganisationID, m.Start, m.End})
		}
		for i := range 40 {
			// Three a day at the same hour, from four days ago on: the
			// order of meetings starting together is by id.
			add(organisers[i%5], input(fmt.Sprintf("Meeting %d", i), func(in *meetings.Input) {
				in.Date = now.AddDate(0, 0, i/3-4).Format(meetings.DateLayout)
				in.Mode = meetings.Modes[i%3]
				in.Region = []string{"Amsterdam", "amsterdam", "Tallinn", ""}[i%4]
				in.Language = []string{"nl", "ru", "", "en", "nl"}[i%5]
			}))
		}
		// Going on now: one since this morning, and one of
		// meetings.MaxDuration that started two weeks ago less half an hour.
		add(organisers[0], input("This morning", func(in *meetings.Input) {
			in.Date, in.StartTime, in.EndTime = now.Format(meetings.DateLayout), "11:00", "15:00"
		}))
		add(organisers[4], input("Two weeks", func(in *meetings.Input) {
			in.Date, in.StartTime = now.AddDate(0, 0, -14).Format(meetings.DateLayout), "13:30"
			in.EndDate, in.EndTime = now.Format(meetings.DateLayout), "13:30"
		}))
		if _, err := d.Exec(ctx, `UPDATE groups SET hidden_at = ? WHERE id = ?`, now, hidden.ID); err != nil {
			t.Fatal(err)
		}
		names := map[meetings.Organiser][2]string{}
		for _, g := range []*groups.Group{fx.public, fx.closed, secret, hidden} {
			names[meetings.Organiser{GroupID: g.ID}] = [2]string{g.Slug, g.Name}
		}
		names[meetings.Organiser{OrganisationID: fx.service.ID}] = [2]string{fx.service.Slug, fx.service.Name}

		viewers := map[string]meetings.Viewer{"signed out": {}, "outsider": {MemberID: fx.ids["ana"]},
			"member": {MemberID: fx.ids["peer"]}, "secret member": {MemberID: fx.ids["dee"]},
			"site moderator": {MemberID: fx.ids["root"], SiteModerator: true}}
		sees := map[string]func(m listedMeeting) bool{
			"signed out":     func(m listedMeeting) bool { return m.group == 0 || m.group == fx.public.ID },
			"outsider":       func(m listedMeeting) bool { return m.group == 0 || m.group == fx.public.ID },
			"member":         func(m listedMeeting) bool { return m.group != secret.ID && m.group != hidden.ID },
			"secret member":  func(m listedMeeting) bool { return m.group != fx.closed.ID },
			"site moderator": func(listedMeeting) bool { return true },
		}
		chosen := []meetings.Filter{{}, {GroupSlug: fx.public.Slug}, {GroupSlug: strings.ToUpper(fx.closed.Slug)},
			{GroupSlug: secret.Slug}, {OrganisationSlug: fx.service.Slug}, {GroupSlug: "nobody"}}
		filters := []meetings.Filter{{}, {Mode: meetings.Online}, {Region: "AMSTERDAM"}, {Language: "ru"},
			{Mode: meetings.Both, Region: "tallinn"}, {Region: "amsterdam", Language: "NL"}, {Mode: meetings.InPerson, Language: "nl"},
			{Region: "Nowhere"}}
		for who, v := range viewers {
			for _, past := range []bool{false, true} {
				for _, c := range chosen {
					for _, f := range filters {
						f.Past, f.GroupSlug, f.OrganisationSlug = past, c.GroupSlug, c.OrganisationSlug
						f.Offset, f.Limit = 1, 5
						l, err := s.List(ctx, v, f)
						if err != nil {
							t.Fatal(err)
						}
						got := listingSummary(l)
						want := bruteListing(all, sees[who], names, fx.now, f)
						if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
							t.Errorf("%s, %+v (-want +got):\n%s", who, f, diff)
						}
					}
				}
			}
		}
		l, err := s.List(ctx, viewers["outsider"], meetings.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range l.Groups {
			if o.GroupID != fx.public.ID {
				t.Errorf("an outsider's listing counts %q", o.Name)
			}
		}
	})
}

// summary is a listing as the test compares it.
type summary struct {
	IDs                       []int64
	Total                     int
	Modes, Regions, Languages []meetings.Facet
	Groups, Organisations     []meetings.OrganiserFacet
}

func listingSummary(l *meetings.Listing) summary {
	s := summary{Total: l.Total, Modes: l.Modes, Regions: l.Regions, Languages: l.Languages, Groups: l.Groups, Organisations: l.Organisations}
	for _, m := range l.Meetings {
		s.IDs = append(s.IDs, m.ID)
	}
	return s
}

// bruteListing is the listing of the meetings in all that sees allows, for
// f, counted one meeting and one filter value at a time.
func bruteListing(all []listedMeeting, sees func(listedMeeting) bool, names map[meetings.Organiser][2]string, now time.Time, f meetings.Filter) summary {
	var rows []listedMeeting
	for _, m := range all {
		if sees(m) && m.end.After(now) != f.Past {
			rows = append(rows, m)
		}
	}
	slices.SortFunc(rows, func(a, b listedMeeting) int {
		c := a.start.Compare(b.start)
		if c == 0 {
			c = int(a.id - b.id)
		}
		if f.Past {
			return -c
		}
		return c
	})
	mode := func(m listedMeeting) bool { return f.Mode == "" || m.mode == f.Mode }
	region := func(m listedMeeting) bool { return f.Region == "" || strings.EqualFold(m.region, f.Region) }
	language := func(m listedMeeting) bool { return f.Language == "" || strings.EqualFold(m.language, f.Language) }

	var s summary
	count := func(o meetings.Organiser) *meetings.OrganiserFacet {
		list := &s.Groups
		if o.OrganisationID != 0 {
			list = &s.Organisations
		}
		for i := range *list {
			if (*list)[i].Organiser == o {
				return &(*list)[i]
			}
		}
		*list = append(*list, meetings.OrganiserFacet{Organiser: o, Slug: names[o][0], Name: names[o][1]})
		return &(*list)[len(*list)-1]
	}
	for _, m := range rows {
		if mode(m) && region(m) && language(m) {
			count(meetings.Organiser{GroupID: m.group, OrganisationID: m.org}).Count++
		}
	}
	byCount := func(a, b meetings.OrganiserFacet) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Name, b.Name)
	}
	slices.SortFunc(s.Groups, byCount)
	slices.SortFunc(s.Organisations, byCount)
	// An organiser is chosen among those counted; an unknown one lists nothing.
	choose := func(slug string, list []meetings.OrganiserFacet) meetings.Organiser {
		for _, o := range list {
			if strings.EqualFold(o.Slug, slug) {
				return o.Organiser
			}
		}
		return meetings.Organiser{GroupID: -1}
	}
	var o meetings.Organiser
	if f.GroupSlug != "" {
		o = choose(f.GroupSlug, s.Groups)
	}
	if f.OrganisationSlug != "" {
		o = choose(f.OrganisationSlug, s.Organisations)
	}
	if o != (meetings.Organiser{}) {
		rows = slices.DeleteFunc(rows, func(m listedMeeting) bool { return m.group != o.GroupID || m.org != o.OrganisationID })
	}
	s.Total = len(rows)

	regions, langs := map[string]int{}, map[string]int{}
	for _, x := range meetings.Modes {
		n := 0
		for _, m := range rows {
			if m.mode == x && region(m) && language(m) {
				n++
			}
		}
		s.Modes = append(s.Modes, meetings.Facet{Value: x, Count: n})
	}
	for _, m := range rows {
		if mode(m) && language(m) && m.region != "" {
			regions[m.region]++
		}
		if mode(m) && region(m) && m.language != "" {
			langs[m.language]++
		}
	}
	s.Regions, s.Languages = foldedFacets(regions), foldedFacets(langs)
	skip := f.Offset
	for _, m := range rows {
		if mode(m) && region(m) && language(m) && len(s.IDs) < f.Limit {
			if skip > 0 {
				skip--
				continue
			}
			s.IDs = append(s.IDs, m.id)
		}
	}
	return s
}

// foldedFacets counts values that differ only in case as one, under the
// spelling that sorts first, most first and then by value.
func foldedFacets(counts map[string]int) []meetings.Facet {
	var out []meetings.Facet
	for v, n := range counts {
		i := slices.IndexFunc(out, func(f meetings.Facet) bool { return strings.EqualFold(f.Value, v) })
		if i < 0 {
			out = append(out, meetings.Facet{Value: v, Count: n})
			continue
		}
		out[i].Count += n
		out[i].Value = min(out[i].Value, v)
	}
	slices.SortFunc(out, func(a, b meetings.Facet) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}

// TestListingBeyondMax checks the listing when its period holds more
// meetings than it reads for its counts: an organiser's meetings after
// the first meetings.ListingMax are still listed when it is chosen.
func TestListingBeyondMax(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		start := now.Add(24 * time.Hour)
		err := d.Tx(ctx, func(tx *db.Tx) error {
			for i := range meetings.ListingMax {
				at := start.Add(time.Duration(i) * time.Minute)
				if _, err := tx.Exec(ctx, `INSERT INTO meetings (group_id, title, time_zone, starts_at, ends_at, mode, registration, created_at, updated_at)
					VALUES (?, 'Drop-in', 'Europe/Amsterdam', ?, ?, ?, ?, ?, ?)`, fx.public.ID, at, at.Add(time.Hour),
					meetings.InPerson, meetings.RegisterOpen, now, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		later := fx.create("staffer", meetings.Organiser{OrganisationID: fx.service.ID}, input("After the rest", func(in *meetings.Input) {
			in.Date = now.AddDate(0, 0, 30).Format(meetings.DateLayout)
		}))
		l, err := fx.a.Meetings.List(ctx, meetings.Viewer{}, meetings.Filter{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != meetings.ListingMax || len(l.Organisations) != 0 || len(l.Groups) != 1 || l.Groups[0].Count != meetings.ListingMax {
			t.Errorf("whole listing: total %d, %d organisations, groups %+v", l.Total, len(l.Organisations), l.Groups)
		}
		l, err = fx.a.Meetings.List(ctx, meetings.Viewer{}, meetings.Filter{OrganisationID: fx.service.ID})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != 1 || len(l.Meetings) != 1 || l.Meetings[0].ID != later.ID {
			t.Errorf("the organisation's listing: total %d, %d meetings", l.Total, len(l.Meetings))
		}
		l, err = fx.a.Meetings.List(ctx, meetings.Viewer{}, meetings.Filter{GroupSlug: fx.public.Slug, Offset: 2, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != meetings.ListingMax || len(l.Meetings) != 2 || !l.Meetings[0].Start.Equal(start.Add(2*time.Minute)) ||
			l.Modes[0].Count != meetings.ListingMax {
			t.Errorf("the group's meetings: total %d, %d meetings, modes %+v", l.Total, len(l.Meetings), l.Modes)
		}
		// A group's next meetings are its index's first rows, in the order
		// shown: no sort of all its upcoming meetings (migration 00017).
		if d.Dialect() == db.Postgres {
			if _, err := d.Exec(ctx, `ANALYZE meetings`); err != nil {
				t.Fatal(err)
			}
		}
		for _, o := range []meetings.Organiser{{GroupID: fx.public.ID}, {OrganisationID: fx.service.ID}} {
			q, args := fx.a.Meetings.NextQuery(meetings.Viewer{}, o, 5)
			plan := explain(t, d, q, args...)
			if !strings.Contains(plan, "meetings_group") && !strings.Contains(plan, "meetings_organisation") || strings.Contains(plan, "Sort") ||
				strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("next meetings of %+v:\n%s", o, plan)
			}
		}
	})
}

// explain returns the plan of a query as the database prints it.
func explain(t *testing.T, d *db.DB, q string, args ...any) string {
	t.Helper()
	prefix := "EXPLAIN "
	if d.Dialect() == db.SQLite {
		prefix = "EXPLAIN QUERY PLAN "
	}
	rows, err := d.Query(context.Background(), prefix+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, vals[len(vals)-1])
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
