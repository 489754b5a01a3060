// Package groups holds peers organised together: self-organisations,
// integrated initiatives, collaborations, users' unions and discussion
// groups, with who may see them, how people join, and roles inside them.
package groups

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"involve/internal/db"
	"involve/internal/facets"
	"involve/internal/langs"
	"involve/internal/organisations"
	"involve/internal/search"
)

// Kinds of group.
const (
	SelfOrganisation     = "self-organisation"
	IntegratedInitiative = "integrated-initiative"
	Collaboration        = "collaboration"
	UsersUnion           = "users-union"
	DiscussionGroup      = "discussion-group"
)

// Kinds lists every kind in the order forms and filters show them.
var Kinds = []string{SelfOrganisation, IntegratedInitiative, Collaboration, UsersUnion, DiscussionGroup}

// Visibility of a group.
const (
	Public      = "public"  // listed; everything open to everyone
	MembersOnly = "members" // listed; discussions and members only for members
	Secret      = "secret"  // not listed; only members know it exists
)

// Visibilities in the order forms show them.
var Visibilities = []string{Public, MembersOnly, Secret}

// Ways to join.
const (
	Open       = "open"       // any member joins at once
	Request    = "request"    // a member asks, with a short "why"; moderators decide
	Invitation = "invitation" // only with an invitation link
)

// Joinings in the order forms show them.
var Joinings = []string{Open, Request, Invitation}

// Roles inside a group.
const (
	Member    = "member"
	Moderator = "moderator" // keeps discussions safe, decides join requests
	Admin     = "admin"     // all of that, and edits the group and roles
)

// Group is one group.
type Group struct {
	ID             int64
	Slug           string
	Name           string
	Kind           string
	Visibility     string
	Joining        string
	About          string
	Region         string
	Topics         []string
	Languages      []string
	OrganisationID *int64
	HiddenAt       *time.Time
	HiddenReason   string
	CreatedAt      time.Time
	Members        int // how many members it has
}

// Errors forms and handlers show.
var (
	ErrNameTaken     = errors.New("groups: name taken")
	ErrLastAdmin     = errors.New("groups: a group keeps at least one admin")
	ErrAlreadyMember = errors.New("groups: already a member")
	ErrNotJoinable   = errors.New("groups: this group is not joined that way")
	ErrBadInvitation = errors.New("groups: invitation unknown, used or withdrawn")
	ErrRequestOpen   = errors.New("groups: a request to join is already waiting")
)

// Input is what a member types to start or edit a group.
type Input struct {
	Name       string
	Kind       string
	Visibility string
	Joining    string
	About      string
	Region     string
	Topics     string // comma separated
	Languages  string // comma separated
}

// Limits on what is typed.
const (
	NameMax   = 80
	AboutMax  = 5000
	RegionMax = 80
	ListMax   = 200
	WhyMax    = 500
)

// Check returns field -> message key for every problem with in.
func (in Input) Check() map[string]string {
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Name)); {
	case n == 0:
		errs["name"] = "groups.name.required"
	case n < 3 || n > NameMax:
		errs["name"] = "groups.name.length"
	case organisations.Slugify(in.Name) == "":
		errs["name"] = "org.name.letters"
	}
	if !oneOf(in.Kind, Kinds) {
		errs["kind"] = "groups.kind.required"
	}
	if !oneOf(in.Visibility, Visibilities) {
		errs["visibility"] = "groups.visibility.required"
	}
	if !oneOf(in.Joining, Joinings) {
		errs["joining"] = "groups.joining.required"
	} else if in.Visibility == Secret && in.Joining != Invitation {
		// Nobody can find a secret group to join it or ask to.
		errs["joining"] = "groups.joining.secret"
	}
	if utf8.RuneCountInString(in.About) > AboutMax {
		errs["about"] = "field.too_long"
	}
	if utf8.RuneCountInString(in.Region) > RegionMax {
		errs["region"] = "field.too_long"
	}
	for _, f := range []string{"topics", "languages"} {
		v := in.Topics
		if f == "languages" {
			v = in.Languages
		}
		if utf8.RuneCountInString(v) > ListMax {
			errs[f] = "field.too_long"
		}
	}
	if _, ok := errs["languages"]; !ok {
		for _, l := range facets.SplitList(in.Languages) {
			if !langs.Valid(l) {
				errs["languages"] = "directory.language.invalid"
			}
		}
	}
	return errs
}

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Store keeps groups.
type Store struct {
	db      *db.DB
	search  *search.Index
	now     func() time.Time
	onIndex []func(ctx context.Context, q db.Querier, groupID int64) error
	public  publicGroups // the directory's kept list (directory.go)
}

// OnReindex registers fn to run, in the same transaction, whenever a
// group's search document is brought in line (created, edited, hidden,
// restored), so content inside the group (its discussions) can follow the
// group's visibility.
func (s *Store) OnReindex(fn func(ctx context.Context, q db.Querier, groupID int64) error) {
	s.onIndex = append(s.onIndex, fn)
}

// NewStore returns a Store on d that keeps listed groups in ix.
func NewStore(d *db.DB, ix *search.Index) *Store { return &Store{db: d, search: ix, now: time.Now} }

const columns = `g.id, g.slug, g.name, g.kind, g.visibility, g.joining, g.about, g.region, g.topics, g.languages,
	g.organisation_id, g.hidden_at, g.hidden_reason, g.created_at,
	g.member_count`

// scan reads the columns of a group, then more.
func scan(sc interface{ Scan(...any) error }, more ...any) (*Group, error) {
	g := &Group{}
	var topics, langs string
	err := sc.Scan(append([]any{&g.ID, &g.Slug, &g.Name, &g.Kind, &g.Visibility, &g.Joining, &g.About, &g.Region, &topics, &langs,
		&g.OrganisationID, &g.HiddenAt, &g.HiddenReason, &g.CreatedAt, &g.Members}, more...)...)
	g.Topics, g.Languages = facets.SplitList(topics), facets.SplitList(langs)
	return g, err
}

// Create starts a group with its founder as admin. orgID names the
// organisation starting it, for initiatives and unions a service starts.
func (s *Store) Create(ctx context.Context, founder int64, in Input, orgID *int64) (*Group, error) {
	slug := organisations.Slugify(in.Name)
	now := s.now()
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO groups (slug, name, kind, visibility, joining, about, region, topics, languages,
			organisation_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			slug, strings.TrimSpace(in.Name), in.Kind, in.Visibility, in.Joining, strings.TrimSpace(in.About),
			strings.TrimSpace(in.Region), strings.Join(facets.SplitList(in.Topics), ", "), strings.Join(facets.SplitList(in.Languages), ", "),
			orgID, founder, now)
		if errors.Is(err, db.ErrConflict) {
			return ErrNameTaken
		}
		if err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES (?, ?, ?, ?)`, id, founder, Admin, now); err != nil {
			return err
		}
		return s.reindex(ctx, tx, id)
	})
	if err != nil {
		return nil, fmt.Errorf("groups: create: %w", err)
	}
	return s.ByID(ctx, id)
}

// Update changes a group's details; the slug stays, so links do.
func (s *Store) Update(ctx context.Context, id int64, in Input) error {
	name := strings.TrimSpace(in.Name)
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM groups WHERE id <> ? AND (slug = ? OR LOWER(name) = LOWER(?))`,
			id, organisations.Slugify(name), name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrNameTaken
		}
		_, err := tx.Exec(ctx, `UPDATE groups SET name = ?, kind = ?, visibility = ?, joining = ?, about = ?, region = ?, topics = ?, languages = ?
			WHERE id = ?`, name, in.Kind, in.Visibility, in.Joining, strings.TrimSpace(in.About), strings.TrimSpace(in.Region),
			strings.Join(facets.SplitList(in.Topics), ", "), strings.Join(facets.SplitList(in.Languages), ", "), id)
		if err != nil {
			return err
		}
		return s.reindex(ctx, tx, id)
	})
}

// reindex brings the group's search document in line with the group.
func (s *Store) reindex(ctx context.Context, q db.Querier, id int64) error {
	g, err := scan(q.QueryRow(ctx, `SELECT `+columns+` FROM groups g WHERE g.id = ?`, id))
	if err != nil {
		return err
	}
	if err := Index(ctx, q, s.search, g); err != nil {
		return err
	}
	for _, fn := range s.onIndex {
		if err := fn(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}

// ByID returns one group.
func (s *Store) ByID(ctx context.Context, id int64) (*Group, error) {
	g, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+` FROM groups g WHERE g.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("groups: %d: %w", id, err)
	}
	return g, nil
}

// BySlug returns one group, whoever may see it: callers check Access.
func (s *Store) BySlug(ctx context.Context, slug string) (*Group, error) {
	g, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+` FROM groups g WHERE g.slug = ?`, slug))
	if err != nil {
		return nil, fmt.Errorf("groups: %q: %w", slug, err)
	}
	return g, nil
}

// Viewer is who is looking at a group.
type Viewer struct {
	MemberID      int64 // 0 when signed out
	SiteModerator bool  // site moderators and admins see every group, to moderate
}

// Access is what a viewer may do with one group.
type Access struct {
	Group   *Group
	Role    string // the viewer's role, "" when not a member
	Pending bool   // the viewer asked to join and waits
	Viewer  Viewer
}

// CanSee reports whether the group exists for the viewer at all: secret and
// hidden groups exist only for their members and site moderators.
func (a Access) CanSee() bool {
	if a.Role != "" || a.Viewer.SiteModerator {
		return true
	}
	return a.Group.Visibility != Secret && a.Group.HiddenAt == nil
}

// CanSeeContent reports whether the viewer may read discussions and see
// the members: everyone in a public group, members otherwise.
func (a Access) CanSeeContent() bool {
	if a.Role != "" || a.Viewer.SiteModerator {
		return true
	}
	return a.Group.Visibility == Public && a.Group.HiddenAt == nil
}

// CanModerate reports whether the viewer moderates the group.
func (a Access) CanModerate() bool {
	return a.Role == Moderator || a.Role == Admin || a.Viewer.SiteModerator
}

// IsAdmin reports whether the viewer is an admin of the group.
func (a Access) IsAdmin() bool { return a.Role == Admin }

// IsMember reports whether the viewer belongs to the group.
func (a Access) IsMember() bool { return a.Role != "" }

// Access works out what a viewer may do with g.
func (s *Store) Access(ctx context.Context, g *Group, v Viewer) (Access, error) {
	a := Access{Group: g, Viewer: v}
	if v.MemberID == 0 {
		return a, nil
	}
	// One query for both: every page of a group asks.
	var pending int
	if err := s.db.QueryRow(ctx, `SELECT
		COALESCE((SELECT role FROM group_members WHERE group_id = ? AND member_id = ?), ''),
		(SELECT COUNT(*) FROM group_join_requests WHERE group_id = ? AND member_id = ? AND decision = '')`,
		g.ID, v.MemberID, g.ID, v.MemberID).Scan(&a.Role, &pending); err != nil {
		return a, err
	}
	a.Pending = a.Role == "" && pending > 0
	return a, nil
}

// AccessBySlug finds a group by slug with what v may do with it, in one
// query: every page of a group starts here, and on PostgreSQL each query
// is a round trip.
func (s *Store) AccessBySlug(ctx context.Context, slug string, v Viewer) (Access, error) {
	var pending int
	a := Access{Viewer: v}
	g, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+`,
		COALESCE((SELECT role FROM group_members WHERE group_id = g.id AND member_id = ?), ''),
		(SELECT COUNT(*) FROM group_join_requests WHERE group_id = g.id AND member_id = ? AND decision = '')
		FROM groups g WHERE g.slug = ?`, v.MemberID, v.MemberID, slug), &a.Role, &pending)
	if err != nil {
		return a, fmt.Errorf("groups: %q: %w", slug, err)
	}
	a.Group = g
	a.Pending = a.Role == "" && pending > 0
	return a, nil
}

// Role returns a member's role in a group, "" if none.
func (s *Store) Role(ctx context.Context, groupID, memberID int64) (string, error) {
	var role string
	err := s.db.QueryRow(ctx, `SELECT role FROM group_members WHERE group_id = ? AND member_id = ?`, groupID, memberID).Scan(&role)
	if errors.Is(err, db.ErrNotFound) {
		return "", nil
	}
	return role, err
}

// ValidChannelURL reports whether u is a link a group may list: http(s),
// or the app links of Signal, Matrix, Telegram and mail.
func ValidChannelURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil || len(u) > 300 {
		return false
	}
	switch p.Scheme {
	case "https", "http":
		return p.Host != ""
	case "mailto":
		return p.Opaque != ""
	}
	return false
}
