package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"involve/internal/accounts"
	"involve/internal/groups"
	"involve/internal/i18n"
	"involve/internal/memberdata"
	"involve/internal/notify"
	"involve/internal/organisations"
)

type mePage struct {
	Base
	Organisations []organisations.Membership
	Groups        []groups.MemberOf
	CodesLeft     int
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	m := state(r).member
	p := &mePage{}
	var err error
	if p.Organisations, err = s.Organisations.OfMember(r.Context(), m.ID); err != nil {
		return err
	}
	if p.CodesLeft, err = s.Accounts.RecoveryCodesLeft(r.Context(), m.ID); err != nil {
		return err
	}
	if p.Groups, err = s.Groups.OfMember(r.Context(), m.ID); err != nil {
		return err
	}
	p.Title = state(r).p.T("me.title")
	p.Nav = "me"
	return s.render(w, r, http.StatusOK, "me", p)
}

// Profile fields in the order the form shows them, with their length limits.
var profileFields = []struct {
	name string
	max  int
}{
	{"display_name", 60}, {"pronouns", 40}, {"languages", 120}, {"region", 80}, {"bio", 1000}, {"email", 200},
}

type profilePage struct {
	Base
	Form  *Form
	Email notify.EmailState // the saved address and whether it is confirmed
}

func (s *Server) newProfilePage(r *http.Request, f *Form) (*profilePage, error) {
	st, err := s.Notify.EmailState(r.Context(), state(r).member.ID)
	if err != nil {
		return nil, err
	}
	p := &profilePage{Form: f, Email: st}
	p.Title = state(r).p.T("profile.title")
	p.Nav = "me"
	return p, nil
}

// VisibilityChoice builds the "who can see this" select for a field.
func (b *Base) VisibilityChoice(f *Form, field string) Field {
	fd := b.Field(f, field+"_vis", "select", "profile.visible_to")
	for _, v := range accounts.Visibilities {
		fd.Options = append(fd.Options, Option{Value: string(v), Label: b.T("visibility." + string(v)), Selected: fd.Value == string(v)})
	}
	return fd
}

func (s *Server) profileForm(w http.ResponseWriter, r *http.Request) error {
	m := state(r).member
	f := newForm()
	pr := m.Profile
	for name, fl := range map[string]accounts.Field{
		"display_name": pr.DisplayName, "pronouns": pr.Pronouns, "languages": pr.Languages,
		"region": pr.Region, "bio": pr.Bio, "email": pr.Email,
	} {
		f.Values.Set(name, fl.Value)
		f.Values.Set(name+"_vis", string(fl.Vis))
	}
	p, err := s.newProfilePage(r, f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "profile", p)
}

func (s *Server) saveProfile(w http.ResponseWriter, r *http.Request) error {
	m := state(r).member
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	for _, pf := range profileFields {
		v := f.Get(pf.name)
		if utf8.RuneCountInString(v) > pf.max {
			f.Fail(pf.name, "field.too_long")
		}
		if pf.name != "bio" && strings.ContainsAny(v, "\n\r") {
			f.Fail(pf.name, "field.one_line")
		}
		if !accounts.ValidVisibility(f.Get(pf.name + "_vis")) {
			f.Fail(pf.name+"_vis", "profile.visibility_invalid")
		}
	}
	if e := f.Get("email"); e != "" && !plausibleEmail(e) {
		f.Fail("email", "profile.email_invalid")
	}
	if !f.Valid() {
		p, err := s.newProfilePage(r, f)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "profile", p)
	}
	field := func(name string) accounts.Field {
		return accounts.Field{Value: f.Get(name), Vis: accounts.Visibility(f.Get(name + "_vis"))}
	}
	pr := accounts.Profile{
		DisplayName: field("display_name"), Pronouns: field("pronouns"), Languages: field("languages"),
		Region: field("region"), Bio: field("bio"), Email: field("email"),
	}
	if err := s.Accounts.UpdateProfile(r.Context(), m.ID, pr); err != nil {
		return err
	}
	if pr.Email.Value != m.Profile.Email.Value {
		// A new address: send it the link that confirms it, unless it
		// was confirmed before.
		coming, err := s.Notify.RequestConfirmation(r.Context(), m.ID)
		if err != nil && !errors.Is(err, notify.ErrConfirmTooSoon) {
			return err
		}
		if coming {
			return redirect(w, r, "/me/profile", "profile.saved_confirm")
		}
	}
	return redirect(w, r, "/me", "profile.saved")
}

// plausibleEmail checks the shape only; the link sent to a new address
// shows whether it is the member's (see notify/confirm.go).
func plausibleEmail(e string) bool {
	local, domain, ok := strings.Cut(e, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(e, " <>\"")
}

type securityPage struct {
	Base
	Form      *Form // change passphrase
	CodesForm *Form // new recovery codes
	Sessions  int
	CodesLeft int
	Codes     []string // new codes, shown once
}

func (s *Server) securityPage(r *http.Request, p *securityPage) (*securityPage, error) {
	m := state(r).member
	var err error
	if p.Form == nil {
		p.Form = newForm()
	}
	if p.CodesForm == nil {
		p.CodesForm = newForm()
	}
	if p.Sessions, err = s.Accounts.SessionCount(r.Context(), m.ID); err != nil {
		return nil, err
	}
	if p.CodesLeft, err = s.Accounts.RecoveryCodesLeft(r.Context(), m.ID); err != nil {
		return nil, err
	}
	p.Title = state(r).p.T("security.title")
	p.Nav = "me"
	return p, nil
}

func (s *Server) security(w http.ResponseWriter, r *http.Request) error {
	p, err := s.securityPage(r, &securityPage{})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "security", p)
}

func (s *Server) changePassphrase(w http.ResponseWriter, r *http.Request) error {
	m := state(r).member
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	cur, next := f.Raw("current_password"), f.Raw("new_password")
	if cur == "" {
		f.Fail("current_password", "passphrase.required")
	} else if err := s.Accounts.VerifyPassphrase(r.Context(), m.ID, cur); errors.Is(err, accounts.ErrWrongPassphrase) {
		f.Fail("current_password", "passphrase.wrong")
	} else if err != nil {
		return err
	}
	if key := accounts.CheckNewPassphrase(next, m.Handle); key != "" {
		f.Fail("new_password", key)
	} else if f.Raw("new_password_confirm") != next {
		f.Fail("new_password_confirm", "passphrase.mismatch")
	}
	if !f.Valid() {
		p, err := s.securityPage(r, &securityPage{Form: f})
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "security", p)
	}
	// SetPassphrase ends every session; this device gets a fresh one.
	if err := s.Accounts.SetPassphrase(r.Context(), m.ID, next); err != nil {
		return err
	}
	state(r).token = ""
	if err := s.startSession(w, r, m.ID); err != nil {
		return err
	}
	return redirect(w, r, "/me/security", "security.passphrase_changed")
}

// endOtherSessions signs the member out everywhere, then back in here.
func (s *Server) endOtherSessions(w http.ResponseWriter, r *http.Request) error {
	m := state(r).member
	if err := s.Accounts.EndAllSessions(r.Context(), m.ID); err != nil {
		return err
	}
	state(r).token = ""
	if err := s.startSession(w, r, m.ID); err != nil {
		return err
	}
	return redirect(w, r, "/me/security", "security.sessions_ended")
}

func (s *Server) newRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	m := state(r).member
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	pass := f.Raw("codes_password")
	if pass == "" {
		f.Fail("codes_password", "passphrase.required")
	} else if err := s.Accounts.VerifyPassphrase(r.Context(), m.ID, pass); errors.Is(err, accounts.ErrWrongPassphrase) {
		f.Fail("codes_password", "passphrase.wrong")
	} else if err != nil {
		return err
	}
	p := &securityPage{CodesForm: f}
	status := http.StatusUnprocessableEntity
	if f.Valid() {
		codes, err := s.Accounts.NewRecoveryCodes(r.Context(), m.ID)
		if err != nil {
			return err
		}
		p.Codes = codes
		p.CodesForm = newForm()
		status = http.StatusOK
	}
	if p, err = s.securityPage(r, p); err != nil {
		return err
	}
	return s.render(w, r, status, "security", p)
}

type dataPage struct {
	Base
	Parts []string
}

func (s *Server) dataPage(w http.ResponseWriter, r *http.Request) error {
	p := &dataPage{}
	for _, part := range s.MemberData.Parts() {
		p.Parts = append(p.Parts, part.Name())
	}
	p.Title = state(r).p.T("data.title")
	p.Nav = "me"
	return s.render(w, r, http.StatusOK, "data", p)
}

// dataDownload sends everything stored about the member as one JSON file.
func (s *Server) dataDownload(w http.ResponseWriter, r *http.Request) error {
	m := state(r).member
	data, err := s.MemberData.Export(r.Context(), m.ID)
	if err != nil {
		return err
	}
	doc := struct {
		Format     string         `json:"format"`
		ExportedAt time.Time      `json:"exported_at"`
		Data       map[string]any `json:"data"`
	}{"involve-member-data/1", time.Now().UTC(), data}
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="involve-%s-%s.json"`, m.Handle, time.Now().UTC().Format("2006-01-02")))
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, r, http.StatusOK, "application/json; charset=utf-8", body)
	return nil
}

type deletePage struct {
	Base
	Form *Form
}

func (s *Server) deleteForm(w http.ResponseWriter, r *http.Request) error {
	p := &deletePage{Form: newForm()}
	p.Form.Values.Set("mode", string(memberdata.Anonymise))
	p.Title = state(r).p.T("delete.title")
	p.Nav = "me"
	return s.render(w, r, http.StatusOK, "delete", p)
}

func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) error {
	m := state(r).member
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	mode := memberdata.Mode(f.Get("mode"))
	f.Check(mode != memberdata.Remove && mode != memberdata.Anonymise, "mode", "delete.mode_required")
	pass := f.Raw("password")
	if pass == "" {
		f.Fail("password", "passphrase.required")
	} else if err := s.Accounts.VerifyPassphrase(r.Context(), m.ID, pass); errors.Is(err, accounts.ErrWrongPassphrase) {
		f.Fail("password", "passphrase.wrong")
	} else if err != nil {
		return err
	}
	if !f.Valid() {
		p := &deletePage{Form: f}
		p.Title = state(r).p.T("delete.title")
		p.Nav = "me"
		return s.render(w, r, http.StatusUnprocessableEntity, "delete", p)
	}
	if err := s.MemberData.Erase(r.Context(), m.ID, mode); err != nil {
		return err
	}
	s.clearSessionCookie(w, r)
	return redirect(w, r, "/", "delete.done")
}

// memberPage shows a member's profile, each field only to those the member
// chose. Handles are not secret; everything else is the member's choice.
type memberPage struct {
	Base
	Subject *accounts.Member
	Fields  []shownField
	Tools   memberTools // block, and for site moderators suspend (moderation.go)
}

type shownField struct {
	Label string
	Value string
	Multi bool
}

func (s *Server) memberPage(w http.ResponseWriter, r *http.Request) error {
	subject, err := s.Accounts.ByHandle(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	viewer := state(r).member
	signedIn, owner := viewer != nil, viewer != nil && viewer.ID == subject.ID
	p := &memberPage{Subject: subject}
	pr := subject.Profile
	pt := state(r).p
	for _, f := range []struct {
		key   string
		field accounts.Field
	}{
		{"profile.display_name", pr.DisplayName}, {"profile.pronouns", pr.Pronouns}, {"profile.languages", pr.Languages},
		{"profile.region", pr.Region}, {"profile.bio", pr.Bio}, {"profile.email", pr.Email},
	} {
		if f.field.Value != "" && accounts.CanSee(f.field.Vis, signedIn, owner) {
			p.Fields = append(p.Fields, shownField{Label: pt.T(f.key), Value: f.field.Value, Multi: f.key == "profile.bio"})
		}
	}
	if p.Tools, err = s.memberTools(r, subject); err != nil {
		return err
	}
	p.Title = subject.Handle
	return s.render(w, r, http.StatusOK, "member", p)
}

// setLanguage stores the reader's choice of interface language: in a
// cookie, and for a member also in their settings.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	lang, ok := i18n.Supported(f.Get("lang"))
	if !ok {
		return badRequest("error.language")
	}
	l := lang.Code
	http.SetCookie(w, newCookie(r, langCookie, l, 365*24*3600))
	if m := state(r).member; m != nil {
		if err := s.Accounts.SetLocale(r.Context(), m.ID, l); err != nil {
			return err
		}
	}
	http.Redirect(w, r, localPath(f.Get("return")), http.StatusSeeOther)
	return nil
}
