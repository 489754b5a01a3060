package meetings

import (
	"context"
	"errors"
	"time"
)

// Calendars. Every calendar is iCalendar text (RFC 5545) for /….ics
// responses (Content-Type: text/calendar; charset=utf-8). base is the
// site's address, e.g. "https://involve.example", for event links and UIDs.
// Times carry their meeting's TZID with a VTIMEZONE; a series is one event
// with RRULE, EXDATE for cancelled occurrences and an override event with
// RECURRENCE-ID for each occurrence changed on its own. Online links go
// only into a member's private feed, for meetings they have a seat at.

var errNotYet = errors.New("meetings: calendars are being written")

// MeetingICS is one meeting as a calendar, for /meetings/{id}.ics (an
// occurrence of a series is its own single event). Who: anyone who can see
// the meeting. Errors: ErrNotAllowed, ErrNotFound.
func (s *Store) MeetingICS(ctx context.Context, id int64, v Viewer, base string) ([]byte, error) {
	return nil, errNotYet
}

// SeriesICS is a whole series as one recurring event. Who: anyone who can
// see its meetings. Errors: ErrNotAllowed, ErrNotFound.
func (s *Store) SeriesICS(ctx context.Context, seriesID int64, v Viewer, base string) ([]byte, error) {
	return nil, errNotYet
}

// GroupFeed is a group's meetings from a year back on, for subscribing.
// Who: anyone who can see the group's content (v). Errors: ErrNotAllowed,
// ErrNotFound.
func (s *Store) GroupFeed(ctx context.Context, groupID int64, v Viewer, base string) ([]byte, error) {
	return nil, errNotYet
}

// OrganisationFeed is an organisation's meetings from a year back on.
func (s *Store) OrganisationFeed(ctx context.Context, orgID int64, base string) ([]byte, error) {
	return nil, errNotYet
}

// MemberFeed is the private feed of the member a feed token belongs to:
// the meetings they registered for, with online links where they have a
// seat. Errors: ErrNotFound for an unknown token.
func (s *Store) MemberFeed(ctx context.Context, token, base string) ([]byte, error) {
	return nil, errNotYet
}

// ResetFeedToken makes a new private feed token for a member, replacing
// any old one (whose feed stops working). The token is shown once; only
// its hash is kept.
func (s *Store) ResetFeedToken(ctx context.Context, memberID int64) (string, error) {
	return "", errNotYet
}

// FeedTokenSince reports when the member's current feed token was made,
// or nil when they have none.
func (s *Store) FeedTokenSince(ctx context.Context, memberID int64) (*time.Time, error) {
	return nil, errNotYet
}

// DropFeedToken stops the member's private feed.
func (s *Store) DropFeedToken(ctx context.Context, memberID int64) error {
	return errNotYet
}
