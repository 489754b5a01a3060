package meetings

import (
	"context"
	"fmt"
	"slices"
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
	// GroupSlug and OrganisationSlug choose an organiser by address, among
	// those the listing's counts name: one the viewer may not see, or
	// with no meeting under the other filters, lists nothing.
	GroupSlug, OrganisationSlug string
	// Offset and Limit are the page: whole meetings are read only for it.
	Offset int
	Limit  int // 0 = 200
}

// Listing is the meetings a viewer may see that match a filter, with the
// counts for each filter value given the other filters.
type Listing struct {
	Meetings  []*Meeting
	Total     int // every meeting the viewer may see in this period, unfiltered
	Modes     []Facet
	Regions   []Facet
	Languages []Facet
	// Who arranges the meetings, under the mode, region and language
	// filters (not the group or organisation chosen), most meetings first.
	Groups, Organisations []OrganiserFacet
}

// listingMax bounds how many meetings one listing reads.
const listingMax = 1000

// visibleTo is the SQL condition for the meetings v may see: an
// organisation's meetings and those of public groups that are not hidden,
// plus every meeting of a group v belongs to (site moderators see all).
// It needs no join: the listing reads meetings from an index alone. The
// unary plus keeps SQLite from answering the OR through the group index
// (every meeting of the visible groups, then a sort) instead of reading
// the meetings in start order and stopping at listingMax.
func visibleTo(v Viewer) (string, []any) {
	if v.SiteModerator {
		return "1 = 1", nil
	}
	public := `m.group_id IS NULL OR +m.group_id IN (SELECT id FROM groups WHERE visibility = ? AND hidden_at IS NULL)`
	if v.MemberID == 0 {
		// Signed out: a member of no group.
		return "(" + public + ")", []any{groups.Public}
	}
	return "(" + public + ` OR +m.group_id IN (SELECT group_id FROM group_members WHERE member_id = ?))`, []any{groups.Public, v.MemberID}
}

// visibleJoined is visibleTo for a query that joins the organising group
// as g (from): for one organiser's next meetings, checking that group's
// row is cheaper than gathering every public group, which a group's page
// did on every view (0.10 against 0.25 ms at scale 1, in SQLite's C).
func visibleJoined(v Viewer) (string, []any) {
	if v.SiteModerator {
		return "1 = 1", nil
	}
	return `(m.group_id IS NULL OR (g.visibility = ? AND g.hidden_at IS NULL)
		OR m.group_id IN (SELECT group_id FROM group_members WHERE member_id = ?))`, []any{groups.Public, v.MemberID}
}

// listed is what a listing's counts need of one meeting. Listings read
// only this for every meeting of the period, and whole meetings (with
// their registration counts) only for those shown: reading whole rows for
// a thousand meetings made /meetings the slowest page after search. The
// organisers' slugs and names are read once each (see named).
type listed struct {
	id           int64
	mode, region string
	language     string
	group, org   Organiser
}

// scan reads the meetings of the period v may see, in listing order (at
// most listingMax), of one organiser when o names one.
func (s *Store) scan(ctx context.Context, v Viewer, past bool, o Organiser) ([]listed, error) {
	cond, args := visibleTo(v)
	q := `SELECT m.id, m.mode, m.region, m.language, COALESCE(m.group_id, 0), COALESCE(m.organisation_id, 0)
		FROM meetings m WHERE ` + cond
	// The bound on the start lets the index be read from where the period
	// begins, not from the first meeting ever held: a meeting starts
	// before it ends, and lasts at most MaxDuration.
	now := s.now()
	if past {
		q += ` AND m.ends_at <= ? AND m.starts_at <= ?`
		args = append(args, now, now)
	} else {
		q += ` AND m.ends_at > ? AND m.starts_at > ?`
		args = append(args, now, now.Add(-MaxDuration))
	}
	if o.GroupID != 0 {
		q += ` AND m.group_id = ?`
		args = append(args, o.GroupID)
	}
	if o.OrganisationID != 0 {
		q += ` AND m.organisation_id = ?`
		args = append(args, o.OrganisationID)
	}
	if past {
		q += ` ORDER BY m.starts_at DESC, m.id DESC`
	} else {
		q += ` ORDER BY m.starts_at, m.id`
	}
	q += fmt.Sprintf(` LIMIT %d`, listingMax)
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []listed
	for rows.Next() {
		var l listed
		if err := rows.Scan(&l.id, &l.mode, &l.region, &l.language, &l.group.GroupID, &l.org.OrganisationID); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// count matches the listed meetings against the mode, region and language
// of f and counts each value of those filters.
func count(all []listed, f Filter) ([]bool, facets.Counts) {
	entries := make([]facets.Entry, len(all))
	langs := make([]string, len(all)) // one slice for all: a thousand small ones cost more than the counting
	for i, m := range all {
		entries[i] = facets.Entry{Kind: m.mode, Region: m.region}
		if m.language != "" {
			langs[i] = m.language
			entries[i].Languages = langs[i : i+1 : i+1]
		}
	}
	return facets.Count(entries, facets.Filter{Kind: f.Mode, Region: f.Region, Language: f.Language}, Modes)
}

// List returns the upcoming (or past) meetings v may see, filtered. A
// meeting counts as upcoming until it ends; cancelled ones are listed
// (marked) so nobody travels to one.
func (s *Store) List(ctx context.Context, v Viewer, f Filter) (*Listing, error) {
	all, err := s.scan(ctx, v, f.Past, Organiser{})
	if err != nil {
		return nil, fmt.Errorf("meetings: list: %w", err)
	}
	match, _ := count(all, f)
	l := &Listing{}
	l.Groups, l.Organisations = organisers(all, match)
	if err := s.named(ctx, "groups", l.Groups); err != nil {
		return nil, fmt.Errorf("meetings: list: %w", err)
	}
	if err := s.named(ctx, "organisations", l.Organisations); err != nil {
		return nil, fmt.Errorf("meetings: list: %w", err)
	}
	if f.GroupSlug != "" {
		f.GroupID = -1 // none
		for _, o := range l.Groups {
			if strings.EqualFold(o.Slug, f.GroupSlug) {
				f.GroupID = o.GroupID
			}
		}
	}
	if f.OrganisationSlug != "" {
		f.OrganisationID = -1
		for _, o := range l.Organisations {
			if strings.EqualFold(o.Slug, f.OrganisationSlug) {
				f.OrganisationID = o.OrganisationID
			}
		}
	}
	if o := (Organiser{GroupID: f.GroupID, OrganisationID: f.OrganisationID}); o != (Organiser{}) {
		if len(all) < listingMax {
			// Every meeting of the period was read: the organiser's are
			// among them, in the same order.
			all = slices.DeleteFunc(all, func(m listed) bool {
				return (o.GroupID != 0 && m.group.GroupID != o.GroupID) || (o.OrganisationID != 0 && m.org.OrganisationID != o.OrganisationID)
			})
		} else {
			// One organiser's meetings may lie beyond the first
			// listingMax of everyone's.
			if all, err = s.scan(ctx, v, f.Past, o); err != nil {
				return nil, fmt.Errorf("meetings: list: %w", err)
			}
		}
	}
	match, c := count(all, f)
	l.Total, l.Modes, l.Regions, l.Languages = len(all), c.Kinds, c.Regions, c.Languages
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	var ids []int64
	skip := f.Offset
	for i, m := range all {
		switch {
		case !match[i] || len(ids) == limit:
		case skip > 0:
			skip--
		default:
			ids = append(ids, m.id)
		}
	}
	if l.Meetings, err = s.byIDs(ctx, ids); err != nil {
		return nil, fmt.Errorf("meetings: list: %w", err)
	}
	return l, nil
}

// OrganiserFacet is a group or an organisation with how many meetings of
// a listing it arranges.
type OrganiserFacet struct {
	Organiser
	Slug, Name string
	Count      int
}

// organisers counts the matching meetings by who arranges them, in the
// order they first arrange one; named gives them their names and order.
func organisers(all []listed, match []bool) (grs, orgs []OrganiserFacet) {
	gi, oi := map[int64]int{}, map[int64]int{}
	for i, m := range all {
		switch {
		case !match[i]:
		case m.group.GroupID != 0:
			if _, ok := gi[m.group.GroupID]; !ok {
				gi[m.group.GroupID] = len(grs)
				grs = append(grs, OrganiserFacet{Organiser: m.group})
			}
			grs[gi[m.group.GroupID]].Count++
		case m.org.OrganisationID != 0:
			if _, ok := oi[m.org.OrganisationID]; !ok {
				oi[m.org.OrganisationID] = len(orgs)
				orgs = append(orgs, OrganiserFacet{Organiser: m.org})
			}
			orgs[oi[m.org.OrganisationID]].Count++
		}
	}
	return grs, orgs
}

// named reads the slug and name of each organiser in list from table
// (groups or organisations) and sorts the list, most meetings first, then
// by name. One query for the few hundred organisers of a listing is far
// cheaper than joining both tables to each of its thousand meetings.
func (s *Store) named(ctx context.Context, table string, list []OrganiserFacet) error {
	if len(list) == 0 {
		return nil
	}
	at := make(map[int64]int, len(list))
	ids := make([]int64, len(list))
	for i, o := range list {
		id := max(o.GroupID, o.OrganisationID) // the one that is set
		at[id], ids[i] = i, id
	}
	in, args := db.In(ids)
	rows, err := s.db.Query(ctx, `SELECT id, slug, name FROM `+table+` WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var slug, name string
		if err := rows.Scan(&id, &slug, &name); err != nil {
			return err
		}
		if i, ok := at[id]; ok {
			list[i].Slug, list[i].Name = slug, name
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.SortStableFunc(list, func(a, b OrganiserFacet) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Name, b.Name)
	})
	return nil
}

// byIDs reads whole meetings, in the order of ids.
func (s *Store) byIDs(ctx context.Context, ids []int64) ([]*Meeting, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := db.In(ids)
	ms, err := listMeetings(ctx, s.db, `SELECT `+columns+from+` WHERE m.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	return db.InOrder(ids, ms, func(m *Meeting) int64 { return m.ID }), nil
}

// Next returns the next n upcoming meetings of one group or organisation
// that v may see, for the box on its page: only those rows are read, not
// every upcoming meeting with its registration counts as List does for
// its filters (hundreds in a large group).
func (s *Store) Next(ctx context.Context, v Viewer, o Organiser, n int) ([]*Meeting, error) {
	q, args := s.nextQuery(v, o, n)
	out, err := listMeetings(ctx, s.db, q, args...)
	if err != nil {
		return nil, fmt.Errorf("meetings: next: %w", err)
	}
	return out, nil
}

// nextQuery is Next's query. The bound on the start lets the organiser's
// index be read from two weeks back rather than from its first meeting
// ever (an upcoming meeting started at most MaxDuration ago): the largest
// group's page stepped over 642 past meetings on every view. The index
// then gives the meetings in the order shown (migration 00017).
func (s *Store) nextQuery(v Viewer, o Organiser, n int) (string, []any) {
	cond, args := visibleJoined(v)
	now := s.now()
	q := `SELECT ` + columns + from + ` WHERE ` + cond + ` AND m.ends_at > ? AND m.starts_at > ?`
	args = append(args, now, now.Add(-MaxDuration))
	if o.GroupID != 0 {
		q += ` AND m.group_id = ?`
		args = append(args, o.GroupID)
	} else {
		q += ` AND m.organisation_id = ?`
		args = append(args, o.OrganisationID)
	}
	return q + ` ORDER BY m.starts_at, m.id LIMIT ?`, append(args, n)
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
