package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"involve/internal/db"
	"involve/internal/organisations"
	"involve/internal/testutil"
)

// ---- profile ----

// profileForm is a complete profile form with every field shared with the
// given visibility; callers change what they test.
func profileForm(vis string) url.Values {
	f := url.Values{}
	for _, pf := range profileFields {
		f.Set(pf.name, "")
		f.Set(pf.name+"_vis", vis)
	}
	return f
}

func TestProfileVisibility(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("jojo")
		e.createMember("viewer")
		jo := e.sessionClient("jojo")
		f := profileForm("public")
		f.Set("display_name", "Zebra Quill")
		f.Set("display_name_vis", "private")
		f.Set("pronouns", "xe/xem")
		f.Set("pronouns_vis", "members")
		f.Set("languages", "Esperanto")
		f.Set("languages_vis", "members")
		f.Set("region", "Utrechtshire")
		f.Set("region_vis", "public")
		f.Set("bio", "First paragraph of my story.\n\nSecond paragraph.")
		f.Set("bio_vis", "public")
		f.Set("email", "jo@example.org")
		f.Set("email_vis", "members")
		r := jo.post("/me/profile", f)
		// A new address: back to the profile, which says a link went to it.
		if r.Status != http.StatusSeeOther || r.Location != "/me/profile" {
			t.Fatalf("save profile: %d → %q\n%s", r.Status, r.Location, r.Body)
		}
		if body := unescaped(jo.get("/me/profile").Body); !strings.Contains(body, e.T("profile.saved_confirm")) ||
			!strings.Contains(body, e.T("profile.email_unconfirmed", "jo@example.org")) {
			t.Error("the profile does not say the new address waits for its link")
		}
		if r := jo.post("/me/email/confirm", nil); r.Status != http.StatusSeeOther || r.Location != "/me/profile" {
			t.Fatalf("send the link again: %d → %q", r.Status, r.Location)
		}
		if body := unescaped(jo.get("/me/profile").Body); !strings.Contains(body, e.T("profile.email_too_soon")) {
			t.Error("a second link at once: the profile does not say to wait")
		}
		// The same address again: saved, no new link.
		if r := jo.post("/me/profile", f); r.Status != http.StatusSeeOther || r.Location != "/me" {
			t.Fatalf("save unchanged profile: %d → %q", r.Status, r.Location)
		}
		// The form shows what was saved, with each field's choice.
		form := jo.get("/me/profile").Body
		for name, want := range map[string]string{"display_name": "Zebra Quill", "display_name_vis": "private",
			"pronouns_vis": "members", "region": "Utrechtshire", "region_vis": "public", "email": "jo@example.org"} {
			if got := fieldValue(form, name); got != want {
				t.Errorf("profile form %s = %q, want %q", name, got, want)
			}
		}

		for _, tc := range []struct {
			who       string
			c         *client
			see, hide []string
		}{
			{"anonymous", e.client(), []string{"Utrechtshire", "First paragraph"}, []string{"Zebra Quill", "xe/xem", "Esperanto", "jo@example.org"}},
			{"another member", e.sessionClient("viewer"), []string{"Utrechtshire", "xe/xem", "Esperanto", "First paragraph", "jo@example.org"}, []string{"Zebra Quill"}},
			{"the member", jo, []string{"Zebra Quill", "Utrechtshire", "xe/xem", "Esperanto", "jo@example.org"}, nil},
		} {
			page := tc.c.get("/members/jojo")
			if page.Status != http.StatusOK {
				t.Fatalf("%s: /members/jojo status %d", tc.who, page.Status)
			}
			body := unescaped(page.Body)
			for _, s := range tc.see {
				if !strings.Contains(body, s) {
					t.Errorf("%s does not see %q on the profile", tc.who, s)
				}
			}
			for _, s := range tc.hide {
				if strings.Contains(body, s) {
					t.Errorf("%s sees %q on the profile", tc.who, s)
				}
			}
			// The bio keeps its paragraphs.
			if strings.Contains(body, "First paragraph") && !strings.Contains(body, "<p>Second paragraph.</p>") {
				t.Errorf("%s: bio paragraphs lost", tc.who)
			}
		}
		if r := e.client().get("/members/JOJO"); r.Status != http.StatusOK {
			t.Errorf("/members/JOJO (other case): %d", r.Status)
		}
		if r := e.client().get("/members/nobody"); r.Status != http.StatusNotFound {
			t.Errorf("/members/nobody: %d, want 404", r.Status)
		}
	})
}

func TestProfileErrors(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("max")
		c := e.sessionClient("max")
		saved := profileForm("members")
		saved.Set("display_name", "Saved Name")
		if r := c.post("/me/profile", saved); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d", r.Status)
		}
		// Limits count characters, not bytes.
		wide := profileForm("members")
		wide.Set("display_name", strings.Repeat("ü", 60))
		if r := c.post("/me/profile", wide); r.Status != http.StatusSeeOther {
			t.Errorf("60 two-byte characters in a 60-character field: %d, want 303", r.Status)
		}
		c.post("/me/profile", saved)

		for _, tc := range []struct {
			name, field, value string
			errField, key      string
		}{
			{"display name too long", "display_name", strings.Repeat("n", 61), "display_name", "field.too_long"},
			{"bio too long", "bio", strings.Repeat("b", 1001), "bio", "field.too_long"},
			{"region on two lines", "region", "Line one\nLine two", "region", "field.one_line"},
			{"email without @", "email", "not-an-address", "email", "profile.email_invalid"},
			{"unknown visibility", "pronouns_vis", "everyone", "pronouns_vis", "profile.visibility_invalid"},
			{"no visibility", "bio_vis", "", "bio_vis", "profile.visibility_invalid"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := profileForm("members")
				f.Set("display_name", "Typed Name")
				f.Set(tc.field, tc.value)
				r := c.post("/me/profile", f)
				if r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.Status)
				}
				if got, want := fieldError(r.Body, tc.errField), e.T(tc.key); got != want {
					t.Errorf("message next to %s: %q, want %q", tc.errField, got, want)
				}
				if got := fieldErrors(r.Body); len(got) != 1 {
					t.Errorf("errors on fields %q, want only %s", got, tc.errField)
				}
				if !strings.HasSuffix(tc.field, "_vis") {
					if got := fieldValue(r.Body, tc.field); got != tc.value {
						t.Errorf("%s shows %.20q…, want the typed text kept", tc.field, got)
					}
				}
				if got := fieldValue(r.Body, "display_name"); tc.field != "display_name" && got != "Typed Name" {
					t.Errorf("display_name shows %q, want the typed text kept", got)
				}
				if m := e.member("max"); m.Profile.DisplayName.Value != "Saved Name" {
					t.Errorf("a refused form changed the profile: display name %q", m.Profile.DisplayName.Value)
				}
			})
		}
	})
}

// ---- data download ----

func TestDataDownload(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()
		signup := c.post("/signup", url.Values{"handle": {"dana"}, "password": {passphrase("dana")}})
		codes := recoveryCodes(signup.Body)
		f := profileForm("private")
		f.Set("display_name", "Dana D")
		c.post("/me/profile", f)
		o := e.createOrganisation("dana", "Dana Drop-in", organisations.Service, false)

		r := c.get("/me/data.json")
		if r.Status != http.StatusOK {
			t.Fatalf("data.json: %d", r.Status)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="involve-dana-`) || !strings.HasSuffix(cd, `.json"`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
		var doc struct {
			Format string `json:"format"`
			Data   struct {
				Account struct {
					Handle  string `json:"handle"`
					Profile map[string]struct {
						Value   string `json:"value"`
						Visible string `json:"visible_to"`
					} `json:"profile"`
					Sessions []json.RawMessage `json:"sessions"`
				} `json:"account"`
				Organisations []struct {
					Slug string `json:"slug"`
					Role string `json:"role"`
				} `json:"organisations"`
				AdminActions []json.RawMessage `json:"admin_actions"`
			} `json:"data"`
		}
		dec := json.NewDecoder(strings.NewReader(r.Body))
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("data.json is not JSON: %v\n%s", err, r.Body)
		}
		a := doc.Data.Account
		if doc.Format == "" || a.Handle != "dana" || a.Profile["display_name"].Value != "Dana D" || a.Profile["display_name"].Visible != "private" {
			t.Errorf("account part: format %q handle %q profile %+v", doc.Format, a.Handle, a.Profile)
		}
		if len(a.Sessions) != 1 {
			t.Errorf("%d sessions in the download, want 1", len(a.Sessions))
		}
		if len(doc.Data.Organisations) != 1 || doc.Data.Organisations[0].Slug != o.Slug || doc.Data.Organisations[0].Role != "admin" {
			t.Errorf("organisations part: %+v", doc.Data.Organisations)
		}
		// No secrets, not even hashed ones.
		secrets := map[string]string{"a passphrase hash": "$argon2id$", "the passphrase": passphrase("dana"),
			"the session token": c.cookie(sessionCookie), "the session token's hash": sha256Hex(c.cookie(sessionCookie))}
		for i, code := range codes {
			secrets[fmt.Sprintf("recovery code %d", i)] = code
			secrets[fmt.Sprintf("recovery code %d's hash", i)] = sha256Hex(strings.ReplaceAll(code, "-", ""))
		}
		for what, s := range secrets {
			if s == "" || strings.Contains(r.Body, s) {
				t.Errorf("the download holds %s", what)
			}
		}
		for _, key := range []string{"hash", "token", "password"} {
			if strings.Contains(strings.ToLower(r.Body), key) {
				t.Errorf("the download has a %q field", key)
			}
		}
		if p := c.get("/me/data"); p.Status != http.StatusOK || !strings.Contains(p.Body, `href="/me/data.json"`) {
			t.Errorf("/me/data: %d, want a link to the download", p.Status)
		}
	})
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// ---- deleting an account ----

func TestDeleteAccountErrors(t *testing.T) {
	e := sqliteEnv(t)
	e.createMember("del")
	c := e.sessionClient("del")
	for _, tc := range []struct {
		name       string
		form       url.Values
		field, key string
	}{
		{"wrong passphrase", url.Values{"mode": {"remove"}, "password": {"not my passphrase"}}, "password", "passphrase.wrong"},
		{"no passphrase", url.Values{"mode": {"anonymise"}}, "password", "passphrase.required"},
		{"no mode", url.Values{"password": {passphrase("del")}}, "mode", "delete.mode_required"},
		{"unknown mode", url.Values{"mode": {"vanish"}, "password": {passphrase("del")}}, "mode", "delete.mode_required"},
	} {
		r := c.post("/me/delete", tc.form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.name, r.Status)
			continue
		}
		if got, want := fieldError(r.Body, tc.field), e.T(tc.key); got != want {
			t.Errorf("%s: message next to %s %q, want %q", tc.name, tc.field, got, want)
		}
		if m := tc.form.Get("mode"); m == "remove" || m == "anonymise" {
			if !strings.Contains(r.Body, `value="`+m+`" checked`) {
				t.Errorf("%s: the chosen mode is not kept", tc.name)
			}
		}
	}
	if e.memberCount() != 1 || !c.signedIn() {
		t.Errorf("a refused deletion deleted or signed out the member")
	}
}

func TestDeleteAccount(t *testing.T) {
	for _, mode := range []string{"anonymise", "remove"} {
		t.Run(mode, func(t *testing.T) {
			testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
				e := newEnv(t, d)
				ctx := context.Background()
				for _, h := range []string{"gone", "boss", "other"} {
					e.createMember(h)
				}
				e.makeAdmin("gone")
				e.makeAdmin("boss")
				gone := e.sessionClient("gone")
				// "gone" verifies an organisation and gives a role: two audit entries.
				o := e.createOrganisation("boss", "Boss Agency", organisations.Agency, false)
				if r := gone.post("/admin/organisations/"+o.Slug+"/review", url.Values{"decision": {"verified"}}); r.Status != http.StatusSeeOther {
					t.Fatalf("review: %d", r.Status)
				}
				if r := gone.post("/admin/roles", url.Values{"handle": {"other"}, "role": {"moderator"}}); r.Status != http.StatusSeeOther {
					t.Fatalf("grant: %d", r.Status)
				}
				e.addStaff(o, "gone", organisations.Staff)
				own := e.createOrganisation("gone", "Gone Group", organisations.Service, true)
				other := e.sessionClient("gone") // a second device

				r := gone.post("/me/delete", url.Values{"mode": {mode}, "password": {passphrase("gone")}})
				if r.Status != http.StatusSeeOther || r.Location != "/" {
					t.Fatalf("delete: %d → %q\n%s", r.Status, r.Location, r.Body)
				}
				if ck := r.setCookie(sessionCookie); ck == nil || ck.MaxAge >= 0 {
					t.Errorf("deletion does not clear the session cookie")
				}
				if gone.signedIn() || other.signedIn() {
					t.Errorf("a session of the deleted member still works")
				}
				if r := e.client().post("/login", url.Values{"handle": {"gone"}, "password": {passphrase("gone")}}); r.Status != http.StatusUnprocessableEntity {
					t.Errorf("signing in as the deleted member: %d, want 422", r.Status)
				}
				if r := e.client().get("/members/gone"); r.Status != http.StatusNotFound {
					t.Errorf("/members/gone: %d, want 404", r.Status)
				}
				if e.memberCount() != 2 {
					t.Errorf("%d members, want 2", e.memberCount())
				}
				for _, org := range []*organisations.Organisation{o, own} {
					staff, err := e.Srv.Organisations.Staff(ctx, org.ID)
					if err != nil {
						t.Fatal(err)
					}
					for _, s := range staff {
						if s.Handle == "gone" {
							t.Errorf("the deleted member is still staff of %s", org.Slug)
						}
					}
				}
				entries, err := e.Srv.Audit.Recent(ctx, 10, 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(entries) != 2 {
					t.Fatalf("%d audit entries, want the 2 kept", len(entries))
				}
				for _, en := range entries {
					if en.ActorID != nil || en.Actor != "" {
						t.Errorf("audit entry %s still links to the deleted member: %v %q", en.Action, en.ActorID, en.Actor)
					}
				}
				log := e.sessionClient("boss").get("/admin/audit")
				if !strings.Contains(log.Body, e.T("audit.deleted_member")) || strings.Contains(log.Body, ">gone<") {
					t.Errorf("the audit log page does not show the actor as a deleted member")
				}
				// The handle is free again.
				e.client().signup("gone")
			})
		})
	}
}
