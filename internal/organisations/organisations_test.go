package organisations_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/organisations"
	"involve/internal/search"
	"involve/internal/testutil"
)

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Harbour Harm Reduction Service": "harbour-harm-reduction-service",
		"  Café  Écluse!! ":              "cafe-ecluse",
		"Центр «Позитив»":                "центр-позитив",
		"../../etc/passwd":               "etc-passwd",
		"<script>":                       "script",
		"!!!":                            "",
	} {
		if got := organisations.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInputCheck(t *testing.T) {
	ok := organisations.Input{Name: "Harbour", Kind: organisations.Service, Website: "https://harbour.example"}
	if errs := ok.Check(); len(errs) != 0 {
		t.Fatalf("valid input: %v", errs)
	}
	bad := organisations.Input{Name: "!", Kind: "club", Website: "javascript:alert(1)"}
	want := map[string]string{"name": "org.name.length", "kind": "org.kind.required", "website": "org.website.invalid"}
	if diff := cmp.Diff(want, bad.Check()); diff != "" {
		t.Fatalf("errors (-want +got):\n%s", diff)
	}
}

func TestOrganisations(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		acc := accounts.NewStore(d)
		s := organisations.NewStore(d)
		ana, _, _ := acc.Create(ctx, "ana", "correct horse battery")
		ben, _, _ := acc.Create(ctx, "ben", "correct horse battery")

		o, err := s.Register(ctx, ana.ID, organisations.Input{Name: "Harbour Service", Kind: organisations.Service, Region: "Amsterdam"})
		if err != nil {
			t.Fatal(err)
		}
		if o.Slug != "harbour-service" || o.Status != organisations.Pending {
			t.Fatalf("registered %+v", o)
		}
		if _, err := s.Register(ctx, ben.ID, organisations.Input{Name: "harbour service!", Kind: organisations.Agency}); !errors.Is(err, organisations.ErrSlugTaken) {
			t.Fatalf("same slug: %v", err)
		}
		if role, _ := s.StaffRole(ctx, o.ID, ana.ID); role != organisations.StaffAdmin {
			t.Fatalf("creator role = %q", role)
		}
		if list, _ := s.List(ctx, organisations.Filter{}); len(list) != 0 {
			t.Fatalf("pending organisation listed: %v", list)
		}
		if err := s.Review(ctx, d, o.ID, ben.ID, organisations.Verified, "checked"); err != nil {
			t.Fatal(err)
		}
		list, _ := s.List(ctx, organisations.Filter{Kind: organisations.Service})
		if len(list) != 1 || list[0].ReviewNote != "checked" || list[0].ReviewedAt == nil {
			t.Fatalf("verified list: %+v", list)
		}
		if list, _ := s.List(ctx, organisations.Filter{Kind: organisations.Funder}); len(list) != 0 {
			t.Fatal("kind filter ignored")
		}
		if counts, _ := s.KindCounts(ctx); !cmp.Equal(counts, map[string]int{"service": 1}) {
			t.Fatalf("counts = %v", counts)
		}

		// Staff: the last admin stays.
		if err := s.RemoveStaff(ctx, o.ID, ana.ID); !errors.Is(err, organisations.ErrLastAdmin) {
			t.Fatalf("removing last admin: %v", err)
		}
		if err := s.SetStaff(ctx, o.ID, ana.ID, organisations.Staff); !errors.Is(err, organisations.ErrLastAdmin) {
			t.Fatalf("demoting last admin: %v", err)
		}
		if err := s.SetStaff(ctx, o.ID, ben.ID, organisations.StaffAdmin); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStaff(ctx, o.ID, ana.ID, organisations.Staff); err != nil {
			t.Fatalf("demote with another admin: %v", err)
		}
		staff, _ := s.Staff(ctx, o.ID)
		if len(staff) != 2 || staff[0].Handle != "ben" || staff[0].Role != organisations.StaffAdmin {
			t.Fatalf("staff = %+v", staff)
		}
		if err := s.RemoveStaff(ctx, o.ID, ana.ID); err != nil {
			t.Fatal(err)
		}
		if ms, _ := s.OfMember(ctx, ana.ID); len(ms) != 0 {
			t.Fatalf("ana still staff of %v", ms)
		}
		if err := s.Update(ctx, o.ID, organisations.Input{Name: "Harbour Service Noord", Kind: organisations.Service}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.BySlug(ctx, "harbour-service"); got.Name != "Harbour Service Noord" {
			t.Fatalf("update: %+v (the slug must not change)", got)
		}
	})
}

func TestInputCheckDirectoryFields(t *testing.T) {
	in := organisations.Input{Name: "Harbour", Kind: organisations.Service, Topics: "harm reduction, naloxone", Languages: "nl, en"}
	if errs := in.Check(); len(errs) != 0 {
		t.Fatalf("valid input: %v", errs)
	}
	in.Languages = "nl, Dutch"
	in.Topics = string(make([]byte, organisations.TopicsMax+1))
	want := map[string]string{"languages": "directory.language.invalid", "topics": "field.too_long"}
	if diff := cmp.Diff(want, in.Check()); diff != "" {
		t.Fatalf("errors (-want +got):\n%s", diff)
	}
}

func TestDirectory(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		acc := accounts.NewStore(d)
		s := organisations.NewStore(d)
		ana, _, _ := acc.Create(ctx, "ana", "correct horse battery")
		add := func(name, kind, region, topics, languages string, verified bool) *organisations.Organisation {
			t.Helper()
			o, err := s.Register(ctx, ana.ID, organisations.Input{Name: name, Kind: kind, Region: region, Topics: topics, Languages: languages})
			if err != nil {
				t.Fatal(err)
			}
			if verified {
				if err := s.Review(ctx, d, o.ID, ana.ID, organisations.Verified, ""); err != nil {
					t.Fatal(err)
				}
			}
			return o
		}
		h := add("Harbour", organisations.Service, "Amsterdam", "harm reduction, naloxone,  Harm Reduction ", "nl, en, nl", true)
		add("Clinic", organisations.Service, "Riga", "HIV, harm reduction", "lv, ru, en", true)
		add("Fund", organisations.Funder, "", "Harm reduction", "en", true)
		add("Waiting", organisations.Service, "Amsterdam", "harm reduction", "nl", false)

		got, err := s.BySlug(ctx, h.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if !cmp.Equal(got.Topics, []string{"harm reduction", "naloxone"}) || !cmp.Equal(got.Languages, []string{"nl", "en"}) {
			t.Errorf("stored lists: topics %q, languages %q", got.Topics, got.Languages)
		}

		names := func(d *organisations.Directory) []string {
			var out []string
			for _, o := range d.Organisations {
				out = append(out, o.Name)
			}
			return out
		}
		for _, tc := range []struct {
			f         organisations.DirectoryFilter
			want      []string
			total     int
			kinds     []organisations.Facet
			regions   []organisations.Facet
			topics    []organisations.Facet
			languages []organisations.Facet
		}{
			{f: organisations.DirectoryFilter{}, want: []string{"Clinic", "Fund", "Harbour"}, total: 3,
				kinds:     []organisations.Facet{{Value: "service", Count: 2}, {Value: "agency", Count: 0}, {Value: "policymaker", Count: 0}, {Value: "funder", Count: 1}},
				regions:   []organisations.Facet{{Value: "Amsterdam", Count: 1}, {Value: "Riga", Count: 1}},
				topics:    []organisations.Facet{{Value: "Harm reduction", Count: 3}, {Value: "HIV", Count: 1}, {Value: "naloxone", Count: 1}},
				languages: []organisations.Facet{{Value: "en", Count: 3}, {Value: "lv", Count: 1}, {Value: "nl", Count: 1}, {Value: "ru", Count: 1}}},
			// A kind: the kind counts stay as they were; the others narrow.
			{f: organisations.DirectoryFilter{Kind: "service"}, want: []string{"Clinic", "Harbour"}, total: 3,
				kinds:     []organisations.Facet{{Value: "service", Count: 2}, {Value: "agency", Count: 0}, {Value: "policymaker", Count: 0}, {Value: "funder", Count: 1}},
				regions:   []organisations.Facet{{Value: "Amsterdam", Count: 1}, {Value: "Riga", Count: 1}},
				topics:    []organisations.Facet{{Value: "harm reduction", Count: 2}, {Value: "HIV", Count: 1}, {Value: "naloxone", Count: 1}},
				languages: []organisations.Facet{{Value: "en", Count: 2}, {Value: "lv", Count: 1}, {Value: "nl", Count: 1}, {Value: "ru", Count: 1}}},
			// Filters match whatever the case.
			{f: organisations.DirectoryFilter{Topic: "HARM REDUCTION", Language: "ru"}, want: []string{"Clinic"}, total: 1,
				kinds:     []organisations.Facet{{Value: "service", Count: 1}, {Value: "agency", Count: 0}, {Value: "policymaker", Count: 0}, {Value: "funder", Count: 0}},
				regions:   []organisations.Facet{{Value: "Riga", Count: 1}},
				topics:    []organisations.Facet{{Value: "HIV", Count: 1}, {Value: "harm reduction", Count: 1}},
				languages: []organisations.Facet{{Value: "en", Count: 3}, {Value: "lv", Count: 1}, {Value: "nl", Count: 1}, {Value: "ru", Count: 1}}},
			{f: organisations.DirectoryFilter{Region: "amsterdam"}, want: []string{"Harbour"}, total: 1,
				kinds:     []organisations.Facet{{Value: "service", Count: 1}, {Value: "agency", Count: 0}, {Value: "policymaker", Count: 0}, {Value: "funder", Count: 0}},
				regions:   []organisations.Facet{{Value: "Amsterdam", Count: 1}, {Value: "Riga", Count: 1}},
				topics:    []organisations.Facet{{Value: "harm reduction", Count: 1}, {Value: "naloxone", Count: 1}},
				languages: []organisations.Facet{{Value: "en", Count: 1}, {Value: "nl", Count: 1}}},
			{f: organisations.DirectoryFilter{Region: "Nowhere"}, total: 0,
				kinds:   []organisations.Facet{{Value: "service", Count: 0}, {Value: "agency", Count: 0}, {Value: "policymaker", Count: 0}, {Value: "funder", Count: 0}},
				regions: []organisations.Facet{{Value: "Amsterdam", Count: 1}, {Value: "Riga", Count: 1}}, topics: []organisations.Facet{}, languages: []organisations.Facet{}},
		} {
			dir, err := s.Directory(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, names(dir)); diff != "" {
				t.Errorf("%+v: organisations (-want +got):\n%s", tc.f, diff)
			}
			if dir.Total != tc.total {
				t.Errorf("%+v: total %d, want %d", tc.f, dir.Total, tc.total)
			}
			for _, fc := range []struct {
				name      string
				want, got []organisations.Facet
			}{{"kinds", tc.kinds, dir.Kinds}, {"regions", tc.regions, dir.Regions}, {"topics", tc.topics, dir.Topics}, {"languages", tc.languages, dir.Languages}} {
				if diff := cmp.Diff(fc.want, fc.got); diff != "" {
					t.Errorf("%+v: %s (-want +got):\n%s", tc.f, fc.name, diff)
				}
			}
		}
		// Staff lists carry the new fields too.
		ms, err := s.OfMember(ctx, ana.ID)
		if err != nil || len(ms) != 4 || ms[2].Organisation.Name != "Harbour" || !cmp.Equal(ms[2].Organisation.Languages, []string{"nl", "en"}) {
			t.Errorf("OfMember: %v %+v", err, ms)
		}
		if err := s.Update(ctx, h.ID, organisations.Input{Name: "Harbour", Kind: organisations.Service, Topics: "drop-in", Languages: ""}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.BySlug(ctx, h.Slug); !cmp.Equal(got.Topics, []string{"drop-in"}) || len(got.Languages) != 0 {
			t.Errorf("after update: topics %q, languages %q", got.Topics, got.Languages)
		}
	})
}

func TestVerifiedOrganisationsAreSearched(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ix := search.New(d)
		s := organisations.NewStore(d)
		s.IndexIn(ix)
		ana, _, _ := accounts.NewStore(d).Create(ctx, "ana", "correct horse battery")
		o, err := s.Register(ctx, ana.ID, organisations.Input{Name: "Harbour Service", Kind: organisations.Service, Summary: "Needle exchange in Noord"})
		if err != nil {
			t.Fatal(err)
		}
		found := func() int {
			_, n, err := ix.Search(ctx, "needle", "en", search.Viewer{}, 10)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if found() != 0 {
			t.Fatal("a pending organisation is searchable")
		}
		if err := s.Review(ctx, d, o.ID, ana.ID, organisations.Verified, ""); err != nil {
			t.Fatal(err)
		}
		if found() != 1 {
			t.Fatal("a verified organisation is not searchable")
		}
		if err := s.Review(ctx, d, o.ID, ana.ID, organisations.Rejected, ""); err != nil {
			t.Fatal(err)
		}
		if found() != 0 {
			t.Fatal("a rejected organisation is still searchable")
		}
	})
}
