package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/guide"
)

// A group's members, join requests and invitations, managed by its own
// moderators and admins. Moderators decide who joins and invite; admins
// also change roles, remove moderators and hand over the admin role.

// ---- members and requests ----

type requestView struct {
	groups.JoinRequest
	Name string
}

type groupMembersPage struct {
	Base
	Access   groups.Access
	Group    *groups.Group
	Members  []memberView
	Requests []requestView
	Form     *Form // role, remove and transfer forms share it: one problem at a time
}

// CanRemove reports whether the reader may take m out of the group:
// admins anyone but themselves, moderators plain members.
func (p *groupMembersPage) CanRemove(m memberView) bool {
	if m.You {
		return false
	}
	return p.Access.IsAdmin() || (p.Access.Role == groups.Moderator && m.Role == groups.Member)
}

// RoleField is the role select for one member.
func (p *groupMembersPage) RoleField(m memberView) Field {
	fd := Field{ID: "role-" + m.Handle, Name: "role", Type: "select", Label: p.T("groups.members.role_of", m.Name)}
	for _, r := range []string{groups.Member, groups.Moderator, groups.Admin} {
		fd.Options = append(fd.Options, Option{Value: r, Label: p.T("groups.role." + r), Selected: r == m.Role})
	}
	return fd
}

// TransferField chooses the member who becomes admin in the reader's place.
func (p *groupMembersPage) TransferField() Field {
	fd := p.Field(p.Form, "transfer", "select", "groups.transfer.to", "groups.transfer.hint")
	fd.Options = append(fd.Options, Option{Value: "", Label: p.T("form.choose"), Selected: fd.Value == ""})
	for _, m := range p.Members {
		if !m.You {
			fd.Options = append(fd.Options, Option{Value: m.Handle, Label: m.Name + " (" + m.Handle + ")", Selected: fd.Value == m.Handle})
		}
	}
	return fd
}

func (s *Server) loadRunGroup(r *http.Request) (groups.Access, error) {
	a, err := s.loadGroup(r)
	if err != nil {
		return a, err
	}
	if !runsGroup(a) {
		return a, forbidden()
	}
	return a, nil
}

func (s *Server) groupMembers(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadRunGroup(r)
	if err != nil {
		return err
	}
	return s.showGroupMembers(w, r, a, newForm(), http.StatusOK)
}

func (s *Server) showGroupMembers(w http.ResponseWriter, r *http.Request, a groups.Access, f *Form, status int) error {
	ctx := r.Context()
	st := state(r)
	p := &groupMembersPage{Access: a, Group: a.Group, Form: f}
	ms, err := s.Groups.Members(ctx, a.Group.ID)
	if err != nil {
		return err
	}
	p.Members = memberViews(ms, st.member)
	reqs, err := s.Groups.PendingRequests(ctx, a.Group.ID)
	if err != nil {
		return err
	}
	for _, rq := range reqs {
		name := rq.Handle
		if m, err := s.Accounts.ByID(ctx, rq.MemberID); err == nil && m.Profile.DisplayName.Value != "" &&
			accounts.CanSee(m.Profile.DisplayName.Vis, true, false) {
			name = m.Profile.DisplayName.Value
		}
		p.Requests = append(p.Requests, requestView{JoinRequest: rq, Name: name})
	}
	p.Title = st.p.T("groups.members.title", a.Group.Name)
	p.Nav = "groups"
	return s.render(w, r, status, "group_members", p)
}

// groupMemberByHandle finds a member of the group by handle; "" and
// strangers are reported on the form's field.
func (s *Server) groupMemberByHandle(ctx context.Context, g *groups.Group, f *Form, field string) (*accounts.Member, string, error) {
	h := f.Get(field)
	if h == "" {
		f.Fail(field, "groups.members.choose")
		return nil, "", nil
	}
	m, err := s.Accounts.ByHandle(ctx, h)
	if errors.Is(err, db.ErrNotFound) {
		f.Fail(field, "groups.members.not_member")
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	role, err := s.Groups.Role(ctx, g.ID, m.ID)
	if err != nil {
		return nil, "", err
	}
	if role == "" {
		f.Fail(field, "groups.members.not_member")
		return nil, "", nil
	}
	return m, role, nil
}

// actOnMember runs fn with the audit record of what the reader did to
// target and target's notification, all in one transaction.
func (s *Server) actOnMember(ctx context.Context, a groups.Access, target *accounts.Member, action, detail, kind string,
	fn func(tx *db.Tx) error) error {
	g := a.Group
	actor := a.Viewer.MemberID
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		// Group admins and moderators act with power over other members;
		// like site powers, that is answered for in the audit log. The
		// member is the target, so their handle goes when they do.
		if err := s.Audit.Record(ctx, tx, actor, action, "member", target.Handle, g.Slug+": "+detail); err != nil {
			return err
		}
		if target.ID == actor || kind == "" {
			return nil
		}
		url := groupPath(g)
		if kind == "group.removed" {
			url = "/groups"
		}
		return s.Notify.Add(ctx, tx, []int64{target.ID}, kind, map[string]string{"a_group": g.Name}, url)
	})
}

func (s *Server) setGroupRole(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadRunGroup(r)
	if err != nil {
		return err
	}
	if !a.IsAdmin() {
		return forbidden()
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	role := f.Get("role")
	target, cur, err := s.groupMemberByHandle(r.Context(), a.Group, f, "handle")
	if err != nil {
		return err
	}
	f.Check(!contains([]string{groups.Member, groups.Moderator, groups.Admin}, role), "role", "groups.members.role_invalid")
	if f.Valid() && role != cur {
		err = s.actOnMember(r.Context(), a, target, "group.role", role, "group.role."+role, func(tx *db.Tx) error {
			return s.Groups.SetRoleIn(r.Context(), tx, a.Group.ID, target.ID, role)
		})
		switch {
		case errors.Is(err, groups.ErrLastAdmin):
			f.Fail("role", "groups.members.last_admin")
		case err != nil:
			return err
		}
	}
	if !f.Valid() {
		return s.showGroupMembers(w, r, a, f, http.StatusUnprocessableEntity)
	}
	if target.ID == a.Viewer.MemberID && role != groups.Admin {
		// Stepped down: the members page may no longer be theirs.
		return redirect(w, r, groupPath(a.Group), "groups.members.role_saved")
	}
	return redirect(w, r, groupPath(a.Group)+"/members", "groups.members.role_saved")
}

func (s *Server) removeGroupMember(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadRunGroup(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	target, role, err := s.groupMemberByHandle(r.Context(), a.Group, f, "handle")
	if err != nil {
		return err
	}
	if target != nil {
		switch {
		case target.ID == a.Viewer.MemberID:
			f.Fail("handle", "groups.members.remove_self")
		case !a.IsAdmin() && role != groups.Member:
			return forbidden() // moderators remove plain members only
		}
	}
	if f.Valid() {
		err = s.actOnMember(r.Context(), a, target, "group.remove", role, "group.removed", func(tx *db.Tx) error {
			return s.Groups.RemoveIn(r.Context(), tx, a.Group.ID, target.ID)
		})
		switch {
		case errors.Is(err, groups.ErrLastAdmin):
			f.Fail("handle", "groups.members.last_admin")
		case err != nil:
			return err
		}
	}
	if !f.Valid() {
		return s.showGroupMembers(w, r, a, f, http.StatusUnprocessableEntity)
	}
	return redirect(w, r, groupPath(a.Group)+"/members", "groups.members.removed")
}

func (s *Server) transferGroupAdmin(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadRunGroup(r)
	if err != nil {
		return err
	}
	if !a.IsAdmin() {
		return forbidden()
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	target, _, err := s.groupMemberByHandle(r.Context(), a.Group, f, "transfer")
	if err != nil {
		return err
	}
	if target != nil && target.ID == a.Viewer.MemberID {
		f.Fail("transfer", "groups.transfer.self")
	}
	if !f.Valid() {
		return s.showGroupMembers(w, r, a, f, http.StatusUnprocessableEntity)
	}
	err = s.actOnMember(r.Context(), a, target, "group.transfer", groups.Admin, "group.role.admin", func(tx *db.Tx) error {
		return s.Groups.TransferAdminIn(r.Context(), tx, a.Group.ID, a.Viewer.MemberID, target.ID)
	})
	if err != nil {
		return err
	}
	return redirect(w, r, groupPath(a.Group), "groups.transfer.done")
}

func (s *Server) decideJoinRequest(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadRunGroup(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	var accept bool
	switch f.Get("decision") {
	case "accept":
		accept = true
	case "decline":
	default:
		return badRequest("groups.requests.decision_missing")
	}
	g := a.Group
	err = s.DB.Tx(r.Context(), func(tx *db.Tx) error {
		rq, err := s.Groups.DecideIn(r.Context(), tx, g.ID, id, a.Viewer.MemberID, accept)
		if err != nil {
			return err
		}
		return s.Notify.Add(r.Context(), tx, []int64{rq.MemberID}, "group.join_"+rq.Decision,
			map[string]string{"a_group": g.Name}, groupPath(g))
	})
	if errors.Is(err, db.ErrNotFound) {
		// Unknown, another group's, or decided by someone else already.
		return &httpError{status: http.StatusNotFound, msg: "groups.requests.gone"}
	}
	if err != nil {
		return err
	}
	flash := "groups.requests.declined"
	if accept {
		flash = "groups.requests.accepted"
	}
	return redirect(w, r, groupPath(g)+"/members#requests", flash)
}

// ---- invitations ----

type invitationView struct {
	groups.Invite
	Status string // open, used, withdrawn
}

type groupInvitationsPage struct {
	Base
	Group       *groups.Group
	Invitations []invitationView
	LinkOn      bool
	NewLink     string // a link just made, shown once
	Shared      bool   // NewLink is the shared link
	Form        *Form
}

// siteURL is the address members use: the configured public URL, else
// the address this request came to.
func (s *Server) siteURL(r *http.Request) string {
	if s.Config != nil && s.Config.PublicURL != "" {
		return strings.TrimSuffix(s.Config.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) groupInvitations(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadRunGroup(r)
	if err != nil {
		return err
	}
	return s.showGroupInvitations(w, r, a, &groupInvitationsPage{Form: newForm()}, http.StatusOK)
}

func (s *Server) showGroupInvitations(w http.ResponseWriter, r *http.Request, a groups.Access, p *groupInvitationsPage, status int) error {
	ctx := r.Context()
	p.Group = a.Group
	list, err := s.Groups.Invitations(ctx, a.Group.ID)
	if err != nil {
		return err
	}
	for _, i := range list {
		v := invitationView{Invite: i, Status: "open"}
		switch {
		case i.UsedAt != nil:
			v.Status = "used"
		case i.RevokedAt != nil:
			v.Status = "withdrawn"
		}
		p.Invitations = append(p.Invitations, v)
	}
	if p.LinkOn, err = s.Groups.HasInviteLink(ctx, a.Group.ID); err != nil {
		return err
	}
	p.Title = state(r).p.T("groups.invitations.title", a.Group.Name)
	p.Nav = "groups"
	return s.render(w, r, status, "group_invitations", p)
}

const inviteNoteMax = 200

func (s *Server) createGroupInvitation(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadRunGroup(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	note := f.Get("note")
	f.Check(utf8.RuneCountInString(note) > inviteNoteMax, "note", "field.too_long")
	f.Check(strings.ContainsAny(note, "\r\n"), "note", "field.one_line")
	if !f.Valid() {
		return s.showGroupInvitations(w, r, a, &groupInvitationsPage{Form: f}, http.StatusUnprocessableEntity)
	}
	token, err := s.Groups.CreateInvitation(r.Context(), a.Group.ID, a.Viewer.MemberID, note)
	if err != nil {
		return err
	}
	// Only the link holds the token, so it is shown now and never again.
	return s.showGroupInvitations(w, r, a, &groupInvitationsPage{Form: newForm(), NewLink: s.siteURL(r) + "/invite/" + token}, http.StatusOK)
}

func (s *Server) withdrawGroupInvitation(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadRunGroup(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	list, err := s.Groups.Invitations(r.Context(), a.Group.ID)
	if err != nil {
		return err
	}
	var found *groups.Invite
	for i := range list {
		if list[i].ID == id {
			found = &list[i]
		}
	}
	switch {
	case found == nil:
		return notFound()
	case found.UsedAt != nil || found.RevokedAt != nil:
		return conflictError("groups.invitations.cannot_withdraw")
	}
	if err := s.Groups.RevokeInvitation(r.Context(), a.Group.ID, id); errors.Is(err, db.ErrNotFound) {
		return conflictError("groups.invitations.cannot_withdraw")
	} else if err != nil {
		return err
	}
	return redirect(w, r, groupPath(a.Group)+"/invitations", "groups.invitations.withdrawn_done")
}

// conflictError answers a change to something already settled with 409.
func conflictError(msg string) error { return &httpError{status: http.StatusConflict, msg: msg} }

func (s *Server) setGroupInviteLink(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadRunGroup(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	action := f.Get("action")
	if action != "on" && action != "off" {
		return badRequest("groups.link.action_missing")
	}
	token, err := s.Groups.ResetInviteLink(r.Context(), a.Group.ID, action == "off")
	if err != nil {
		return err
	}
	if action == "off" {
		return redirect(w, r, groupPath(a.Group)+"/invitations", "groups.link.off")
	}
	return s.showGroupInvitations(w, r, a, &groupInvitationsPage{Form: newForm(), NewLink: s.siteURL(r) + "/invite/" + token, Shared: true}, http.StatusOK)
}

// ---- following an invitation ----

type invitationPage struct {
	Base
	Group         *groups.Group
	About         string // the first words of what the group says about itself
	Token         string
	AlreadyMember bool // the reader already belongs to the group
}

func (s *Server) invitedGroup(r *http.Request) (*groups.Group, error) {
	g, err := s.Groups.InvitationGroup(r.Context(), r.PathValue("token"))
	if errors.Is(err, groups.ErrBadInvitation) {
		return nil, &httpError{status: http.StatusNotFound, msg: "groups.invite.bad"}
	}
	if err != nil {
		return nil, err
	}
	if g.HiddenAt != nil {
		return nil, &httpError{status: http.StatusNotFound, msg: "groups.invite.bad"}
	}
	return g, nil
}

// invitationPage shows what an invitation is for, so the invited person
// knows what they join before they do; using it takes a press of Join.
func (s *Server) invitationPage(w http.ResponseWriter, r *http.Request) error {
	g, err := s.invitedGroup(r)
	if err != nil {
		return err
	}
	p := &invitationPage{Group: g, Token: r.PathValue("token"), About: excerpt(guide.PlainText(g.About), 400)}
	if m := state(r).member; m != nil {
		role, err := s.Groups.Role(r.Context(), g.ID, m.ID)
		if err != nil {
			return err
		}
		p.AlreadyMember = role != ""
	}
	p.Title = state(r).p.T("groups.invite.title", g.Name)
	p.Nav = "groups"
	return s.render(w, r, http.StatusOK, "group_invite", p)
}

func (s *Server) acceptGroupInvitation(w http.ResponseWriter, r *http.Request) error {
	g, err := s.invitedGroup(r)
	if err != nil {
		return err
	}
	if _, err := s.Groups.AcceptInvitation(r.Context(), r.PathValue("token"), state(r).member.ID); errors.Is(err, groups.ErrAlreadyMember) {
		return redirect(w, r, groupPath(g), "groups.join.already")
	} else if errors.Is(err, groups.ErrBadInvitation) {
		return &httpError{status: http.StatusNotFound, msg: "groups.invite.bad"}
	} else if err != nil {
		return err
	}
	return redirect(w, r, groupPath(g), "groups.joined")
}
