// Package moderation keeps Involve safe to take part in: members report
// what breaks the community rules; group moderators and site moderators
// hide and restore it with a recorded reason; members block others; site
// moderators suspend accounts. Every action taken with moderator powers is
// in the audit log, in the same transaction as the action.
//
// What can be reported is pluggable: each kind of content registers a
// Target (groups here, posts and discussions from their own package), so
// moderation does not need to know how any of them is stored.
package moderation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"involve/internal/accounts"
	"involve/internal/audit"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/notify"
)

// Kinds of target.
const (
	TargetPost       = "post"
	TargetDiscussion = "discussion"
	TargetGroup      = "group"
)

// Reasons a member gives for a report, in the order the form shows them.
const (
	Harassment = "harassment"
	Outing     = "outing" // names, photos, places or details someone did not choose to share
	Hate       = "hate"
	Spam       = "spam"
	Selling    = "selling" // selling or buying drugs
	Unsafe     = "unsafe"  // someone may be in danger
	Other      = "other"
)

// Reasons lists every reason in the order the form shows them.
var Reasons = []string{Harassment, Outing, Hate, Spam, Selling, Unsafe, Other}

// Report statuses.
const (
	Open      = "open"
	Resolved  = "resolved"  // the target was hidden
	Dismissed = "dismissed" // a moderator looked and left it
)

// Limits on what is typed.
const (
	DetailsMax = 2000
	ReasonMax  = 500 // a moderator's reason or note
)

// Located is what moderation needs to know about one target.
type Located struct {
	GroupID  *int64 // the group it lives in; nil in the open forum, and for a group itself
	Title    string
	URL      string
	AuthorID *int64 // nil when unknown or the author left
	Hidden   bool
}

// Target is one kind of content that can be reported, hidden and
// restored. Hide and Restore run in the caller's transaction, beside the
// report's resolution and the audit record; Locate returns db.ErrNotFound
// for an id that does not exist.
type Target interface {
	Locate(ctx context.Context, q db.Querier, id int64) (Located, error)
	Hide(ctx context.Context, q db.Querier, id int64, reason string) error
	Restore(ctx context.Context, q db.Querier, id int64) error
}

// Referrer is implemented by targets the audit log names by something
// other than their id (a group by its slug).
type Referrer interface {
	Ref(ctx context.Context, q db.Querier, id int64) (string, error)
}

// Errors handlers show.
var (
	ErrUnknownTarget   = errors.New("moderation: no such kind of target")
	ErrForbidden       = errors.New("moderation: not a moderator of this")
	ErrAlreadyReported = errors.New("moderation: already reported and waiting")
	ErrHidden          = errors.New("moderation: already hidden by a moderator")
	ErrAlreadyHidden   = errors.New("moderation: already hidden")
	ErrNotHidden       = errors.New("moderation: not hidden")
	ErrSelf            = errors.New("moderation: not on oneself")
	ErrPastDate        = errors.New("moderation: the end date has passed")
	ErrHandled         = errors.New("moderation: report already handled")
	ErrNotSuspended    = errors.New("moderation: not suspended")
)

// Store keeps reports and blocks, and carries out moderation actions.
type Store struct {
	db       *db.DB
	audit    *audit.Log
	notify   *notify.Center
	groups   *groups.Store
	accounts *accounts.Store
	targets  map[string]Target
	now      func() time.Time
}

// NewStore returns a Store on d with the group target registered; other
// kinds of content register theirs with Register.
func NewStore(d *db.DB, al *audit.Log, nc *notify.Center, gs *groups.Store, acc *accounts.Store) *Store {
	s := &Store{db: d, audit: al, notify: nc, groups: gs, accounts: acc, targets: map[string]Target{}, now: time.Now}
	s.Register(TargetGroup, GroupTarget{Groups: gs})
	return s
}

// Register makes a kind of content reportable.
func (s *Store) Register(kind string, t Target) { s.targets[kind] = t }

// Target returns the registered target for kind.
func (s *Store) Target(kind string) (Target, bool) {
	t, ok := s.targets[kind]
	return t, ok
}

func (s *Store) target(kind string) (Target, error) {
	t, ok := s.targets[kind]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownTarget, kind)
	}
	return t, nil
}

// Locate finds a target of any registered kind.
func (s *Store) Locate(ctx context.Context, kind string, id int64) (Located, error) {
	t, err := s.target(kind)
	if err != nil {
		return Located{}, err
	}
	return t.Locate(ctx, s.db, id)
}

// ref is how the audit log names a target.
func (s *Store) ref(ctx context.Context, q db.Querier, kind string, id int64) string {
	if r, ok := s.targets[kind].(Referrer); ok {
		if ref, err := r.Ref(ctx, q, id); err == nil {
			return ref
		}
	}
	return strconv.FormatInt(id, 10)
}

// viewer is a member as the groups package sees them.
func viewer(m *accounts.Member) groups.Viewer {
	if m == nil {
		return groups.Viewer{}
	}
	return groups.Viewer{MemberID: m.ID, SiteModerator: m.IsModerator()}
}

// CanModerate reports whether m may hide and restore a target and handle
// its reports: site moderators and admins everything, a group's moderators
// and admins what lives inside their group (not the group itself).
func (s *Store) CanModerate(ctx context.Context, m *accounts.Member, kind string, loc Located) (bool, error) {
	switch {
	case m == nil:
		return false, nil
	case m.IsModerator():
		return true, nil
	case kind == TargetGroup || loc.GroupID == nil:
		return false, nil
	}
	return s.moderatesGroup(ctx, m, *loc.GroupID)
}

func (s *Store) moderatesGroup(ctx context.Context, m *accounts.Member, groupID int64) (bool, error) {
	role, err := s.groups.Role(ctx, groupID, m.ID)
	return role == groups.Moderator || role == groups.Admin, err
}

// CanSee reports whether m may see a target at all: a group as its
// visibility allows, content inside a group as the group's content does.
// Hidden content is left to the caller.
func (s *Store) CanSee(ctx context.Context, m *accounts.Member, kind string, id int64, loc Located) (bool, error) {
	gid := loc.GroupID
	if kind == TargetGroup {
		gid = &id
	}
	if gid == nil {
		return true, nil
	}
	g, err := s.groups.ByID(ctx, *gid)
	if err != nil {
		return false, err
	}
	a, err := s.groups.Access(ctx, g, viewer(m))
	if err != nil {
		return false, err
	}
	if kind == TargetGroup {
		return a.CanSee(), nil
	}
	return a.CanSeeContent(), nil
}

// CheckReason returns a message key when a moderator's reason is missing
// or too long, "" when it will do.
func CheckReason(reason string, required bool) string {
	switch n := utf8.RuneCountInString(strings.TrimSpace(reason)); {
	case n == 0 && required:
		return "moderation.reason.required"
	case n > ReasonMax:
		return "field.too_long"
	}
	return ""
}

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// History lists what moderators did to a target, newest first, from the
// audit log.
func (s *Store) History(ctx context.Context, kind string, id int64, limit int) ([]audit.Entry, error) {
	return s.audit.ForTarget(ctx, kind, s.ref(ctx, s.db, kind, id), limit)
}
