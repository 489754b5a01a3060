// Package support is outside support for groups: a group asks for a venue,
// money, staff time, training, materials or logistics; verified
// organisations offer it; the group accepts one offer, which records the
// organisation as supporting the group with what it gives.
package support

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/notify"
	"involve/internal/organisations"
	"involve/internal/search"
)

// Kinds of support a group may ask for.
const (
	Venue     = "venue"
	Money     = "money"
	StaffTime = "staff-time"
	Training  = "training"
	Materials = "materials"
	Logistics = "logistics"
	Other     = "other"
)

// Kinds lists every kind in the order forms and filters show them.
var Kinds = []string{Venue, Money, StaffTime, Training, Materials, Logistics, Other}

// Statuses of a request.
const (
	Open      = "open"      // waiting for offers
	Fulfilled = "fulfilled" // an offer was accepted
	Closed    = "closed"    // the group closed it without accepting
)

// Statuses of an offer.
const (
	Offered   = "offered"   // waiting for the group
	Accepted  = "accepted"  // the group took it
	Declined  = "declined"  // the group said no, or took another offer
	Withdrawn = "withdrawn" // the organisation took it back
)

// Errors forms and handlers show.
var (
	ErrNotOpen      = errors.New("support: the request is no longer open")
	ErrNotVerified  = errors.New("support: only verified organisations may offer")
	ErrNotStaff     = errors.New("support: not staff of that organisation")
	ErrOfferWaiting = errors.New("support: the organisation already has an offer waiting")
	ErrOfferDecided = errors.New("support: the offer was already decided or withdrawn")
	ErrAlreadyTaken = errors.New("support: another offer was already accepted")
)

// Request is one group's request for support.
type Request struct {
	ID        int64
	GroupID   int64
	Kind      string
	Title     string
	Details   string
	NeededBy  *time.Time // a date, midnight UTC
	Status    string
	CreatedBy *int64
	CreatedAt time.Time
	ClosedAt  *time.Time

	// The group, as listings show it.
	GroupSlug       string
	GroupName       string
	GroupRegion     string
	GroupVisibility string
	GroupHidden     bool

	Waiting int // offers waiting for the group
}

// IsOpen reports whether the request still takes offers.
func (r *Request) IsOpen() bool { return r.Status == Open }

// Input is what a group moderator types to ask for support.
type Input struct {
	Kind     string
	Title    string
	Details  string
	NeededBy string // yyyy-mm-dd or ""
}

// Limits on what is typed.
const (
	TitleMax   = 120
	DetailsMax = 3000
	WhatMax    = 2000
)

// DateLayout is how needed-by dates are typed (what <input type=date> sends).
const DateLayout = "2006-01-02"

// Check returns field -> message key for every problem with in. A date
// before today is refused; today is the reader's today in UTC, near enough
// for "needed by".
func (in Input) Check(today time.Time) map[string]string {
	errs := map[string]string{}
	if !oneOf(in.Kind, Kinds) {
		errs["kind"] = "support.kind.required"
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Title)); {
	case n == 0:
		errs["title"] = "support.title.required"
	case n < 3 || n > TitleMax:
		errs["title"] = "support.title.length"
	case strings.ContainsAny(in.Title, "\r\n"):
		errs["title"] = "field.one_line"
	}
	if utf8.RuneCountInString(in.Details) > DetailsMax {
		errs["details"] = "field.too_long"
	}
	if d := strings.TrimSpace(in.NeededBy); d != "" {
		t, err := time.Parse(DateLayout, d)
		switch {
		case err != nil:
			errs["needed_by"] = "support.needed_by.invalid"
		case !today.IsZero() && t.Before(dateOf(today)):
			errs["needed_by"] = "support.needed_by.past"
		}
	}
	return errs
}

// neededBy is the typed date as midnight UTC, or nil.
func (in Input) neededBy() *time.Time {
	t, err := time.Parse(DateLayout, strings.TrimSpace(in.NeededBy))
	if err != nil {
		return nil
	}
	return &t
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Store keeps support requests and offers.
type Store struct {
	db     *db.DB
	groups *groups.Store
	orgs   *organisations.Store
	search *search.Index
	notify *notify.Center
	now    func() time.Time
}

// NewStore returns a Store on d. Accepting an offer records the supporter
// through gs; offers and decisions are told through n; requests of public
// groups are kept in ix.
func NewStore(d *db.DB, gs *groups.Store, os *organisations.Store, ix *search.Index, n *notify.Center) *Store {
	return &Store{db: d, groups: gs, orgs: os, search: ix, notify: n, now: time.Now}
}

const requestColumns = `r.id, r.group_id, r.kind, r.title, r.details, r.needed_by, r.status, r.created_by, r.created_at, r.closed_at,
	g.slug, g.name, g.region, g.visibility, g.hidden_at IS NOT NULL,
	(SELECT COUNT(*) FROM support_offers o WHERE o.request_id = r.id AND o.status = 'offered')`

const requestFrom = ` FROM support_requests r JOIN groups g ON g.id = r.group_id`

func scanRequest(sc interface{ Scan(...any) error }) (*Request, error) {
	r := &Request{}
	err := sc.Scan(&r.ID, &r.GroupID, &r.Kind, &r.Title, &r.Details, &r.NeededBy, &r.Status, &r.CreatedBy, &r.CreatedAt, &r.ClosedAt,
		&r.GroupSlug, &r.GroupName, &r.GroupRegion, &r.GroupVisibility, &r.GroupHidden, &r.Waiting)
	if r.NeededBy != nil {
		d := dateOf(*r.NeededBy)
		r.NeededBy = &d
	}
	return r, err
}

func listRequests(ctx context.Context, q db.Querier, query string, args ...any) ([]*Request, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Create posts a request for a group; the handler has checked that by
// moderates it.
func (s *Store) Create(ctx context.Context, groupID, by int64, in Input) (*Request, error) {
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO support_requests (group_id, kind, title, details, needed_by, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, groupID, in.Kind, strings.TrimSpace(in.Title), strings.TrimSpace(in.Details),
			in.neededBy(), Open, by, s.now())
		if err != nil {
			return err
		}
		return s.reindex(ctx, tx, id)
	})
	if err != nil {
		return nil, fmt.Errorf("support: create: %w", err)
	}
	return s.Request(ctx, groupID, id)
}

// Update changes an open request.
func (s *Store) Update(ctx context.Context, groupID, id int64, in Input) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE support_requests SET kind = ?, title = ?, details = ?, needed_by = ?
			WHERE id = ? AND group_id = ? AND status = ?`, in.Kind, strings.TrimSpace(in.Title), strings.TrimSpace(in.Details),
			in.neededBy(), id, groupID, Open)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.whyNotOpen(ctx, tx, groupID, id)
		}
		return s.reindex(ctx, tx, id)
	})
}

// Close ends an open request without accepting an offer; the offers
// still waiting are declined, and their organisations told.
func (s *Store) Close(ctx context.Context, groupID, id, by int64) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE support_requests SET status = ?, closed_at = ? WHERE id = ? AND group_id = ? AND status = ?`,
			Closed, now, id, groupID, Open)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.whyNotOpen(ctx, tx, groupID, id)
		}
		if err := s.declineWaiting(ctx, tx, id, 0, by); err != nil {
			return err
		}
		return s.reindex(ctx, tx, id)
	})
}

// whyNotOpen tells a missing request (ErrNotFound) from a decided one.
func (s *Store) whyNotOpen(ctx context.Context, q db.Querier, groupID, id int64) error {
	var status string
	if err := q.QueryRow(ctx, `SELECT status FROM support_requests WHERE id = ? AND group_id = ?`, id, groupID).Scan(&status); err != nil {
		return err
	}
	return ErrNotOpen
}

// Request returns one request of a group.
func (s *Store) Request(ctx context.Context, groupID, id int64) (*Request, error) {
	r, err := scanRequest(s.db.QueryRow(ctx, `SELECT `+requestColumns+requestFrom+` WHERE r.id = ? AND r.group_id = ?`, id, groupID))
	if err != nil {
		return nil, fmt.Errorf("support: request %d: %w", id, err)
	}
	return r, nil
}

// ForGroup lists a group's requests: open ones first, newest first.
func (s *Store) ForGroup(ctx context.Context, groupID int64) ([]*Request, error) {
	return listRequests(ctx, s.db, `SELECT `+requestColumns+requestFrom+` WHERE r.group_id = ?
		ORDER BY CASE r.status WHEN 'open' THEN 0 ELSE 1 END, r.id DESC`, groupID)
}

// reindex keeps an open request of a public, visible group in search and
// takes every other request out. Only the title, kind, group and details
// are indexed: what the public page shows.
func (s *Store) reindex(ctx context.Context, q db.Querier, id int64) error {
	return indexRequest(ctx, q, s.search, id)
}

func indexRequest(ctx context.Context, q db.Querier, ix *search.Index, id int64) error {
	var r Request
	var hidden *time.Time
	err := q.QueryRow(ctx, `SELECT r.kind, r.title, r.details, r.status, g.slug, g.name, g.region, g.visibility, g.hidden_at
		FROM support_requests r JOIN groups g ON g.id = r.group_id WHERE r.id = ?`, id).
		Scan(&r.Kind, &r.Title, &r.Details, &r.Status, &r.GroupSlug, &r.GroupName, &r.GroupRegion, &r.GroupVisibility, &hidden)
	if err != nil {
		return err
	}
	ref := strconv.FormatInt(id, 10)
	if r.Status != Open || r.GroupVisibility != groups.Public || hidden != nil {
		return ix.Remove(ctx, q, "support", ref)
	}
	body := strings.Join([]string{r.GroupName, r.GroupRegion, r.Details}, "\n")
	return ix.Put(ctx, q, search.Document{Kind: "support", Ref: ref, Lang: "und", Title: r.Title, Body: body,
		URL: fmt.Sprintf("/groups/%s/support/%d", r.GroupSlug, id), Visibility: search.Public})
}

// IndexGroup brings the search documents of a group's requests in line
// with the group, for when the group changes visibility or is hidden or
// restored; it runs in the caller's transaction.
func IndexGroup(ctx context.Context, q db.Querier, ix *search.Index, groupID int64) error {
	rows, err := q.Query(ctx, `SELECT id FROM support_requests WHERE group_id = ?`, groupID)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if err := indexRequest(ctx, q, ix, id); err != nil {
			return err
		}
	}
	return nil
}
