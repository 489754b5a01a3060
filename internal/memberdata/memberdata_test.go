package memberdata_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"involve/internal/accounts"
	"involve/internal/audit"
	"involve/internal/db"
	"involve/internal/memberdata"
	"involve/internal/organisations"
	"involve/internal/testutil"
)

func registry(d *db.DB) (*memberdata.Registry, *accounts.Store, *organisations.Store, *audit.Log) {
	acc, orgs, al := accounts.NewStore(d), organisations.NewStore(d), audit.New(d)
	r := memberdata.NewRegistry(d)
	r.Register(accounts.DataPart{Store: acc})
	r.Register(organisations.DataPart{Store: orgs})
	r.Register(audit.DataPart{Log: al})
	return r, acc, orgs, al
}

func TestExportAndErase(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		r, acc, orgs, al := registry(d)
		ana, _, _ := acc.Create(ctx, "ana", "correct horse battery")
		ben, _, _ := acc.Create(ctx, "ben", "correct horse battery")
		acc.NewSession(ctx, ana.ID)
		o, err := orgs.Register(ctx, ana.ID, organisations.Input{Name: "Harbour", Kind: organisations.Service})
		if err != nil {
			t.Fatal(err)
		}
		orgs.SetStaff(ctx, o.ID, ben.ID, organisations.StaffAdmin)
		al.Record(ctx, d, ana.ID, "role.grant", "member", "ben", "moderator")
		al.Record(ctx, d, ben.ID, "role.grant", "member", "ana", "editor")

		doc, err := r.Export(ctx, ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(doc)
		js := string(b)
		for _, want := range []string{`"handle":"ana"`, `"organisation":"Harbour"`, `"role":"admin"`, `"action":"role.grant"`, `"started_at"`} {
			if !strings.Contains(js, want) {
				t.Errorf("export lacks %s:\n%s", want, js)
			}
		}
		for _, secret := range []string{"argon2id", "token_hash", "code_hash"} {
			if strings.Contains(js, secret) {
				t.Errorf("export holds a secret (%s)", secret)
			}
		}

		if err := r.Erase(ctx, ana.ID, memberdata.Anonymise); err != nil {
			t.Fatal(err)
		}
		if _, err := acc.ByID(ctx, ana.ID); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("member still there: %v", err)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM sessions WHERE member_id = ?`:           0,
			`SELECT COUNT(*) FROM recovery_codes WHERE member_id = ?`:     0,
			`SELECT COUNT(*) FROM organisation_staff WHERE member_id = ?`: 0,
			`SELECT COUNT(*) FROM audit_log WHERE actor_id = ?`:           0,
		} {
			var n int
			if err := d.QueryRow(ctx, q, ana.ID).Scan(&n); err != nil || n != want {
				t.Errorf("%s = %d (%v), want %d", q, n, err, want)
			}
		}
		// The log keeps both entries, without ana's handle anywhere.
		es, _ := al.Recent(ctx, 10, 0)
		if len(es) != 2 {
			t.Fatalf("audit entries = %d", len(es))
		}
		for _, e := range es {
			if e.Actor == "ana" || e.Target == "ana" {
				t.Errorf("audit entry still names ana: %+v", e)
			}
		}
		// The organisation stays, with ben as its admin.
		if role, _ := orgs.StaffRole(ctx, o.ID, ben.ID); role != organisations.StaffAdmin {
			t.Fatalf("ben's role = %q", role)
		}
		if err := r.Erase(ctx, ana.ID, memberdata.Remove); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("erasing twice: %v", err)
		}
	})
}

// failingPart makes erasure fail half-way, to prove nothing is removed.
type failingPart struct{}

func (failingPart) Name() string { return "failing" }
func (failingPart) Export(context.Context, db.Querier, int64) (any, error) {
	return nil, nil
}
func (failingPart) Erase(context.Context, db.Querier, int64, memberdata.Mode) error {
	return errors.New("boom")
}

func TestEraseIsAllOrNothing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		acc := accounts.NewStore(d)
		r := memberdata.NewRegistry(d)
		r.Register(failingPart{})
		r.Register(accounts.DataPart{Store: acc})
		ana, _, _ := acc.Create(ctx, "ana", "correct horse battery")
		acc.Authenticate(ctx, "ana", "wrong passphrase")
		if err := r.Erase(ctx, ana.ID, memberdata.Remove); err == nil {
			t.Fatal("erase succeeded despite a failing part")
		}
		if _, err := acc.ByID(ctx, ana.ID); err != nil {
			t.Fatalf("member gone after failed erase: %v", err)
		}
		var n int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM signin_failures`).Scan(&n)
		if n != 1 {
			t.Fatalf("throttle row removed by a rolled-back erase: %d", n)
		}
	})
}
