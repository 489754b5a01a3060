package organisations_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/organisations"
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
