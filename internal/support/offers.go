package support

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"involve/internal/db"
	"involve/internal/organisations"
)

// Offer is an organisation's answer to a request.
type Offer struct {
	ID             int64
	RequestID      int64
	OrganisationID int64
	OrgSlug        string
	OrgName        string
	OfferedBy      *int64
	What           string
	Status         string
	CreatedAt      time.Time
	DecidedAt      *time.Time
}

// IsWaiting reports whether the offer waits for the group.
func (o *Offer) IsWaiting() bool { return o.Status == Offered }

const offerColumns = `o.id, o.request_id, o.organisation_id, org.slug, org.name, o.offered_by, o.what, o.status, o.created_at, o.decided_at`

const offerFrom = ` FROM support_offers o JOIN organisations org ON org.id = o.organisation_id`

func scanOffer(sc interface{ Scan(...any) error }) (*Offer, error) {
	o := &Offer{}
	err := sc.Scan(&o.ID, &o.RequestID, &o.OrganisationID, &o.OrgSlug, &o.OrgName, &o.OfferedBy, &o.What, &o.Status, &o.CreatedAt, &o.DecidedAt)
	return o, err
}

// Offers lists the offers on a request: waiting ones first, then by age.
func (s *Store) Offers(ctx context.Context, requestID int64) ([]*Offer, error) {
	rows, err := s.db.Query(ctx, `SELECT `+offerColumns+offerFrom+` WHERE o.request_id = ?
		ORDER BY CASE o.status WHEN 'accepted' THEN 0 WHEN 'offered' THEN 1 ELSE 2 END, o.id`, requestID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Offer
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CheckWhat returns the message key for a problem with an offer's text, or "".
func CheckWhat(what string) string {
	switch n := len([]rune(strings.TrimSpace(what))); {
	case n == 0:
		return "support.what.required"
	case n > WhatMax:
		return "field.too_long"
	}
	return ""
}

// MakeOffer records an offer from an organisation on an open request.
// Only staff of a verified organisation may offer, and an organisation has
// at most one offer waiting on a request. The group's moderators and
// admins are told.
func (s *Store) MakeOffer(ctx context.Context, requestID, orgID, by int64, what string) (*Offer, error) {
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		info, err := requestInfo(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if info.status != Open {
			return ErrNotOpen
		}
		var orgStatus, orgName string
		if err := tx.QueryRow(ctx, `SELECT status, name FROM organisations WHERE id = ?`, orgID).Scan(&orgStatus, &orgName); err != nil {
			return err
		}
		if orgStatus != organisations.Verified {
			return ErrNotVerified
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM organisation_staff WHERE organisation_id = ? AND member_id = ?`, orgID, by).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotStaff
		}
		id, err = db.InsertID(ctx, tx, `INSERT INTO support_offers (request_id, organisation_id, offered_by, what, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, requestID, orgID, by, strings.TrimSpace(what), Offered, s.now())
		if errors.Is(err, db.ErrConflict) {
			return ErrOfferWaiting
		}
		if err != nil {
			return err
		}
		to, err := memberIDs(ctx, tx, `SELECT member_id FROM group_members WHERE group_id = ? AND role IN ('moderator', 'admin')`, info.groupID)
		if err != nil {
			return err
		}
		return s.notify.Add(ctx, tx, to, "support.offer",
			map[string]string{"a_org": orgName, "b_request": info.title, "c_group": info.groupName}, info.url())
	})
	if err != nil {
		return nil, fmt.Errorf("support: offer: %w", err)
	}
	o, err := scanOffer(s.db.QueryRow(ctx, `SELECT `+offerColumns+offerFrom+` WHERE o.id = ?`, id))
	return o, err
}

// Withdraw takes back a waiting offer; by must be staff of the
// organisation that made it.
func (s *Store) Withdraw(ctx context.Context, requestID, offerID, by int64) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		var orgID int64
		var status string
		if err := tx.QueryRow(ctx, `SELECT organisation_id, status FROM support_offers WHERE id = ? AND request_id = ?`, offerID, requestID).
			Scan(&orgID, &status); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM organisation_staff WHERE organisation_id = ? AND member_id = ?`, orgID, by).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotStaff
		}
		if status != Offered {
			return ErrOfferDecided
		}
		_, err := tx.Exec(ctx, `UPDATE support_offers SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?`, Withdrawn, s.now(), by, offerID)
		return err
	})
}

// Accept takes one waiting offer for the group, all or nothing: the offer
// is accepted, the others waiting on the request are declined, the request
// is fulfilled and leaves search, the organisation is recorded as
// supporting the group with what it offered, and the organisations are
// told. A request is fulfilled once: a second accept is refused.
func (s *Store) Accept(ctx context.Context, groupID, requestID, offerID, by int64) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		now := s.now()
		info, err := requestInfo(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if info.groupID != groupID {
			return db.ErrNotFound
		}
		o, err := scanOffer(tx.QueryRow(ctx, `SELECT `+offerColumns+offerFrom+` WHERE o.id = ? AND o.request_id = ?`, offerID, requestID))
		if err != nil {
			return err
		}
		// Claim the request first: of two accepts at once, only one
		// finds it open.
		res, err := tx.Exec(ctx, `UPDATE support_requests SET status = ?, closed_at = ? WHERE id = ? AND status = ?`, Fulfilled, now, requestID, Open)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var status string
			if err := tx.QueryRow(ctx, `SELECT status FROM support_requests WHERE id = ?`, requestID).Scan(&status); err != nil {
				return err
			}
			if status == Fulfilled {
				return ErrAlreadyTaken
			}
			return ErrNotOpen
		}
		if o.Status != Offered {
			return ErrOfferDecided
		}
		if _, err := tx.Exec(ctx, `UPDATE support_offers SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?`,
			Accepted, now, by, offerID); err != nil {
			return err
		}
		if err := s.declineWaiting(ctx, tx, requestID, offerID, by); err != nil {
			return err
		}
		if err := s.groups.AddSupporter(ctx, tx, groupID, o.OrganisationID, o.What); err != nil {
			return err
		}
		if err := s.tellOrganisation(ctx, tx, o.OrganisationID, o.OfferedBy, "support.accepted", info); err != nil {
			return err
		}
		return s.reindex(ctx, tx, requestID)
	})
}

// Decline says no to one waiting offer; the request stays open.
func (s *Store) Decline(ctx context.Context, groupID, requestID, offerID, by int64) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		info, err := requestInfo(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if info.groupID != groupID {
			return db.ErrNotFound
		}
		o, err := scanOffer(tx.QueryRow(ctx, `SELECT `+offerColumns+offerFrom+` WHERE o.id = ? AND o.request_id = ?`, offerID, requestID))
		if err != nil {
			return err
		}
		if o.Status != Offered {
			return ErrOfferDecided
		}
		if _, err := tx.Exec(ctx, `UPDATE support_offers SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?`,
			Declined, s.now(), by, offerID); err != nil {
			return err
		}
		return s.tellOrganisation(ctx, tx, o.OrganisationID, o.OfferedBy, "support.declined", info)
	})
}

// declineWaiting declines every offer still waiting on a request but
// except, and tells their organisations.
func (s *Store) declineWaiting(ctx context.Context, tx db.Querier, requestID, except, by int64) error {
	rows, err := tx.Query(ctx, `SELECT id, organisation_id, offered_by FROM support_offers WHERE request_id = ? AND status = ? AND id <> ?`,
		requestID, Offered, except)
	if err != nil {
		return err
	}
	type waiting struct {
		id, org int64
		by      *int64
	}
	var ws []waiting
	for rows.Next() {
		var w waiting
		if err := rows.Scan(&w.id, &w.org, &w.by); err != nil {
			rows.Close()
			return err
		}
		ws = append(ws, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ws) == 0 {
		return nil
	}
	info, err := requestInfo(ctx, tx, requestID)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if _, err := tx.Exec(ctx, `UPDATE support_offers SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?`,
			Declined, s.now(), by, w.id); err != nil {
			return err
		}
		if err := s.tellOrganisation(ctx, tx, w.org, w.by, "support.declined", info); err != nil {
			return err
		}
	}
	return nil
}

// Notification params are named so that their sorted order is the order
// the messages use them in.

// tellOrganisation notifies the staff member who made an offer and the
// organisation's admins.
func (s *Store) tellOrganisation(ctx context.Context, tx db.Querier, orgID int64, offeredBy *int64, kind string, info reqInfo) error {
	to, err := memberIDs(ctx, tx, `SELECT member_id FROM organisation_staff WHERE organisation_id = ? AND role = 'admin'`, orgID)
	if err != nil {
		return err
	}
	if offeredBy != nil {
		to = append([]int64{*offeredBy}, to...)
	}
	return s.notify.Add(ctx, tx, to, kind, map[string]string{"a_request": info.title, "b_group": info.groupName}, info.url())
}

// reqInfo is what notifications say about a request.
type reqInfo struct {
	groupID   int64
	groupSlug string
	groupName string
	id        int64
	title     string
	status    string
}

func (i reqInfo) url() string { return fmt.Sprintf("/groups/%s/support/%d", i.groupSlug, i.id) }

func requestInfo(ctx context.Context, q db.Querier, requestID int64) (reqInfo, error) {
	i := reqInfo{id: requestID}
	err := q.QueryRow(ctx, `SELECT g.id, g.slug, g.name, r.title, r.status FROM support_requests r JOIN groups g ON g.id = r.group_id
		WHERE r.id = ?`, requestID).Scan(&i.groupID, &i.groupSlug, &i.groupName, &i.title, &i.status)
	return i, err
}

func memberIDs(ctx context.Context, q db.Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// OfferMade is an organisation's offer with the request it answers, for
// the organisation's own staff.
type OfferMade struct {
	Offer   *Offer
	Request *Request
}

// OffersBy lists an organisation's offers, newest first.
func (s *Store) OffersBy(ctx context.Context, orgID int64) ([]OfferMade, error) {
	rows, err := s.db.Query(ctx, `SELECT `+offerColumns+`, `+requestColumns+offerFrom+`
		JOIN support_requests r ON r.id = o.request_id JOIN groups g ON g.id = r.group_id
		WHERE o.organisation_id = ? ORDER BY o.id DESC`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OfferMade
	for rows.Next() {
		o, r := &Offer{}, &Request{}
		if err := rows.Scan(&o.ID, &o.RequestID, &o.OrganisationID, &o.OrgSlug, &o.OrgName, &o.OfferedBy, &o.What, &o.Status, &o.CreatedAt, &o.DecidedAt,
			&r.ID, &r.GroupID, &r.Kind, &r.Title, &r.Details, &r.NeededBy, &r.Status, &r.CreatedBy, &r.CreatedAt, &r.ClosedAt,
			&r.GroupSlug, &r.GroupName, &r.GroupRegion, &r.GroupVisibility, &r.GroupHidden, &r.Waiting); err != nil {
			return nil, err
		}
		if r.NeededBy != nil {
			d := dateOf(*r.NeededBy)
			r.NeededBy = &d
		}
		out = append(out, OfferMade{Offer: o, Request: r})
	}
	return out, rows.Err()
}
