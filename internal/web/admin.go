package web

import (
	"errors"
	"net/http"
	"strconv"

	"involve/internal/accounts"
	"involve/internal/audit"
	"involve/internal/db"
	"involve/internal/organisations"
)

type adminPage struct {
	Base
	Pending   []*organisations.Organisation
	Roles     []accounts.RoleHolder
	RoleForm  *Form
	SiteRoles []string
	Entries   []audit.Entry
}

func (s *Server) adminPage(r *http.Request, f *Form) (*adminPage, error) {
	p := &adminPage{RoleForm: f, SiteRoles: accounts.SiteRoles}
	var err error
	if p.Pending, err = s.Organisations.List(r.Context(), organisations.Filter{Status: organisations.Pending}); err != nil {
		return nil, err
	}
	if p.Roles, err = s.Accounts.RoleHolders(r.Context()); err != nil {
		return nil, err
	}
	if p.Entries, err = s.Audit.Recent(r.Context(), 10, 0); err != nil {
		return nil, err
	}
	p.Title = state(r).p.T("admin.title")
	p.Nav = "admin"
	return p, nil
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	f.Values.Set("role", accounts.RoleModerator)
	p, err := s.adminPage(r, f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "admin", p)
}

// reviewOrganisation verifies or rejects a registered organisation.
func (s *Server) reviewOrganisation(w http.ResponseWriter, r *http.Request) error {
	o, err := s.Organisations.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	decision := f.Get("decision")
	if decision != organisations.Verified && decision != organisations.Rejected {
		return badRequest("admin.review.invalid")
	}
	note := f.Get("note")
	if r := []rune(note); len(r) > 500 {
		note = string(r[:500]) // cut at a character, not inside one
	}
	actor := state(r).member.ID
	err = s.DB.Tx(r.Context(), func(tx *db.Tx) error {
		if err := s.Organisations.Review(r.Context(), tx, o.ID, actor, decision, note); err != nil {
			return err
		}
		return s.Audit.Record(r.Context(), tx, actor, "organisation."+decision, "organisation", o.Slug, note)
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin", "admin.review."+decision)
}

func (s *Server) roleChange(w http.ResponseWriter, r *http.Request, grant bool) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	role := f.Get("role")
	f.Check(!contains(accounts.SiteRoles, role), "role", "admin.roles.role_invalid")
	var target *accounts.Member
	if h := f.Get("handle"); h == "" {
		f.Fail("handle", "handle.required")
	} else if target, err = s.Accounts.ByHandle(r.Context(), h); errors.Is(err, db.ErrNotFound) {
		f.Fail("handle", "orgs.staff.no_member")
	} else if err != nil {
		return err
	}
	actor := state(r).member
	switch {
	case !f.Valid():
	case !grant && role == accounts.RoleAdmin && target.ID == actor.ID:
		// An admin cannot lock the site out of its own administration.
		f.Fail("handle", "admin.roles.self")
	case grant && target.HasRole(role):
		// Nothing would change, so nothing goes into the audit log.
		f.Fail("role", "admin.roles.already")
	case !grant && !target.HasRole(role):
		f.Fail("role", "admin.roles.not_held")
	}
	if !f.Valid() {
		p, err := s.adminPage(r, f)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "admin", p)
	}
	action := "role.revoke"
	err = s.DB.Tx(r.Context(), func(tx *db.Tx) error {
		if grant {
			action = "role.grant"
			if err := s.Accounts.GrantRole(r.Context(), tx, target.ID, role, &actor.ID); err != nil {
				return err
			}
		} else if err := s.Accounts.RevokeRole(r.Context(), tx, target.ID, role); err != nil {
			return err
		}
		return s.Audit.Record(r.Context(), tx, actor.ID, action, "member", target.Handle, role)
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin", "admin."+action)
}

func (s *Server) grantRole(w http.ResponseWriter, r *http.Request) error {
	return s.roleChange(w, r, true)
}
func (s *Server) revokeRole(w http.ResponseWriter, r *http.Request) error {
	return s.roleChange(w, r, false)
}

type auditPage struct {
	Base
	Entries []audit.Entry
	Older   int64 // id to continue from, 0 when there is no more
}

const auditPageSize = 50

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	es, err := s.Audit.Recent(r.Context(), auditPageSize+1, before)
	if err != nil {
		return err
	}
	p := &auditPage{}
	if len(es) > auditPageSize {
		es = es[:auditPageSize]
		p.Older = es[len(es)-1].ID
	}
	p.Entries = es
	p.Title = state(r).p.T("audit.title")
	p.Nav = "admin"
	return s.render(w, r, http.StatusOK, "audit", p)
}
