package meetings

import (
	"context"
	"fmt"
	"strings"
	"time"

	"involve/internal/db"
	"involve/internal/facets"
	"involve/internal/groups"
	"involve/internal/langs"
	"involve/internal/search"
)

// Facet is one value of a filter with how many meetings it would show.
type Facet = facets.Facet

// Filter narrows the meetings listing; empty fields do not filter.
type Filter struct {
	Past           bool // meetings that ended, newest first, instead of upcoming ones
	Region         string
	Language       string
	Mode           string // InPerson, Online or Both
	GroupID        int64
	OrganisationID int64
	Limit          int // 0 = 200
}

// Listing is the meetings a viewer may see that match a filter, with the
// counts for each filter value given the other filters.
type Listing struct {
	Meetings  []*Meeting
	Total     int // every meeting the viewer may see in this period, unfiltered
	Modes     []Facet
	Regions   []Facet
	Languages []Facet
}

// listingMax bounds how many meetings one listing reads.
const listingMax = 1000

// visibleTo is the SQL condition for the meetings v may see: an
// organisation's meetings and those of public groups that are not hidden,
// plus every meeting of a group v belongs to (site moderators see all).
func visibleTo(v Viewer) (string, []any) {
	if v.SiteModerator {
		return "1 = 1", nil
	}
	return `(m.group_id IS NULL OR (g.visibility = ? AND g.hidden_at IS NULL)
		OR m.group_id IN (SELECT group_id FROM group_members WHERE member_id = ?))`, []any{groups.Public, v.MemberID}
}

// List returns the upcoming (or past) meetings v may see, filtered. A
// meeting counts as upcoming until it ends; cancelled ones are listed
// (marked) so nobody travels to one.
func (s *Store) List(ctx context.Context, v Viewer, f Filter) (*Listing, error) {
	cond, args := visibleTo(v)
	now := s.now()
	q := `SELECT ` + columns + from + ` WHERE ` + cond
	if f.Past {
		q += ` AND m.ends_at <= ?`
	} else {
		q += ` AND m.ends_at > ?`
	}
	args = append(args, now)
	if f.GroupID != 0 {
		q += ` AND m.group_id = ?`
		args = append(args, f.GroupID)
	}
	if f.OrganisationID != 0 {
		q += ` AND m.organisation_id = ?`
		args = append(args, f.OrganisationID)
	}
	if f.Past {
		q += ` ORDER BY m.starts_at DESC, m.id DESC`
	} else {
		q += ` ORDER BY m.starts_at, m.id`
	}
	q += fmt.Sprintf(` LIMIT %d`, listingMax)
	all, err := listMeetings(ctx, s.db, q, args...)
	if err != nil {
		return nil, fmt.Errorf("meetings: list: %w", err)
	}
	entries := make([]facets.Entry, len(all))
	for i, m := range all {
		entries[i] = facets.Entry{Kind: m.Mode, Region: m.Region}
		if m.Language != "" {
			entries[i].Languages = []string{m.Language}
		}
	}
	match, c := facets.Count(entries, facets.Filter{Kind: f.Mode, Region: f.Region, Language: f.Language}, Modes)
	l := &Listing{Total: len(all), Modes: c.Kinds, Regions: c.Regions, Languages: c.Languages}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	for i, m := range all {
		if match[i] && len(l.Meetings) < limit {
			l.Meetings = append(l.Meetings, m)
		}
	}
	return l, nil
}

// Next returns the next n upcoming meetings of one group or organisation
// that v may see, for the box on its page: only those rows are read, not
// every upcoming meeting with its registration counts as List does for
// its filters (hundreds in a large group).
func (s *Store) Next(ctx context.Context, v Viewer, o Organiser, n int) ([]*Meeting, error) {
	cond, args := visibleTo(v)
	q := `SELECT ` + columns + from + ` WHERE ` + cond + ` AND m.ends_at > ?`
	args = append(args, s.now())
	if o.GroupID != 0 {
		q += ` AND m.group_id = ?`
		args = append(args, o.GroupID)
	} else {
		q += ` AND m.organisation_id = ?`
		args = append(args, o.OrganisationID)
	}
	q += ` ORDER BY m.starts_at, m.id LIMIT ?`
	out, err := listMeetings(ctx, s.db, q, append(args, n)...)
	if err != nil {
		return nil, fmt.Errorf("meetings: next: %w", err)
	}
	return out, nil
}

// ForMember lists the meetings a member registered for (with a seat, on
// the waiting list or pending), from those that ended since `since` on.
func (s *Store) ForMember(ctx context.Context, memberID int64, since time.Time) ([]*Meeting, error) {
	return listMeetings(ctx, s.db, `SELECT `+columns+from+` WHERE m.id IN (SELECT meeting_id FROM meeting_registrations
		WHERE member_id = ? AND status IN ('registered', 'waiting', 'pending')) AND m.ends_at > ? ORDER BY m.starts_at, m.id`, memberID, since)
}

// reindex keeps a scheduled meeting of an organisation or of a public,
// visible group in search, and takes every other one out. What is indexed
// is what the public page shows: title, organiser, venue, region and the
// description — never the online link.
func (s *Store) reindex(ctx context.Context, q db.Querier, id int64) error {
	return indexMeeting(ctx, q, s.search, id)
}

func indexMeeting(ctx context.Context, q db.Querier, ix *search.Index, id int64) error {
	var title, desc, venue, address, region, lang, status, groupName, groupVis, orgName string
	var hidden *time.Time
	var groupID *int64
	err := q.QueryRow(ctx, `SELECT m.title, m.description, m.venue, m.address, m.region, m.language, m.status, m.group_id,
		COALESCE(g.name, ''), COALESCE(g.visibility, ''), g.hidden_at, COALESCE(o.name, '')`+from+` WHERE m.id = ?`, id).
		Scan(&title, &desc, &venue, &address, &region, &lang, &status, &groupID, &groupName, &groupVis, &hidden, &orgName)
	if err != nil {
		return err
	}
	ref := itoa(id)
	// Documents are kept per language: take out the old one first, in
	// case the meeting's language changed.
	if err := ix.Remove(ctx, q, "meeting", ref); err != nil {
		return err
	}
	if status != Scheduled || (groupID != nil && (groupVis != groups.Public || hidden != nil)) {
		return nil
	}
	if !langs.Valid(lang) {
		lang = "und"
	}
	body := strings.Join([]string{groupName + orgName, venue, address, region, desc}, "\n")
	return ix.Put(ctx, q, search.Document{Kind: "meeting", Ref: ref, Lang: lang, Title: title, Body: body,
		URL: "/meetings/" + ref, Visibility: search.Public})
}

// IndexGroup brings the search documents of a group's meetings in line
// with the group, for when it changes visibility or is hidden or
// restored; it runs in the caller's transaction (Groups.OnReindex).
func IndexGroup(ctx context.Context, q db.Querier, ix *search.Index, groupID int64) error {
	ids, err := memberIDs(ctx, q, `SELECT id FROM meetings WHERE group_id = ?`, groupID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := indexMeeting(ctx, q, ix, id); err != nil {
			return err
		}
	}
	return nil
}
