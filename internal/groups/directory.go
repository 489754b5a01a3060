package groups

import (
	"context"
	"sync"

	"involve/internal/db"
	"involve/internal/facets"
)

// Filter narrows the directory; empty fields do not filter.
type Filter = facets.Filter

// Facet is one value of a filter with how many groups it would show.
type Facet = facets.Facet

// Directory is the groups a viewer may see that match a filter, one page
// of them, with the counts for each filter value (given the other filters).
type Directory struct {
	Groups    []*Group // the page asked for, in name order
	Matched   int      // groups that match the filter, on every page
	Total     int      // all groups the viewer may see, unfiltered
	Kinds     []Facet
	Regions   []Facet
	Topics    []Facet
	Languages []Facet
}

// List returns the directory for a viewer, with the matching groups from
// offset, at most limit of them (all when limit < 1). Secret groups appear
// only to their members; hidden groups to nobody but their members.
//
// The counts need every visible group's kind, region, topics and
// languages, so those are read for all of them; the rest of a group (its
// about text above all) only for the page shown. Reading whole rows for
// all 500 groups of a large site was most of the directory's time; the
// fields of the groups anyone may see are now kept between views
// (publicGroups).
func (s *Store) List(ctx context.Context, v Viewer, f Filter, offset, limit int) (*Directory, error) {
	ids, entries, err := s.directoryEntries(ctx, v)
	if err != nil {
		return nil, err
	}
	match, c := facets.Count(entries, f, Kinds)
	d := &Directory{Total: len(ids), Kinds: c.Kinds, Regions: c.Regions, Topics: c.Topics, Languages: c.Languages}
	var page []int64
	for i, id := range ids {
		if !match[i] {
			continue
		}
		if d.Matched >= offset && (limit < 1 || len(page) < limit) {
			page = append(page, id)
		}
		d.Matched++
	}
	if d.Groups, err = s.byIDs(ctx, page); err != nil {
		return nil, err
	}
	return d, nil
}

// byIDs reads whole groups, in the order of ids.
func (s *Store) byIDs(ctx context.Context, ids []int64) ([]*Group, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := db.In(ids)
	rows, err := s.db.Query(ctx, `SELECT `+columns+` FROM groups g WHERE g.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var gs []*Group
	for rows.Next() {
		g, err := scan(rows)
		if err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	return db.InOrder(ids, gs, func(g *Group) int64 { return g.ID }), rows.Err()
}

// publicGroups is the directory's count source for readers who see only
// the groups anyone may see (most readers: everyone signed out, and every
// member of public groups alone). It is kept while groups_version, which
// triggers move on every change to what the directory counts (migration
// 00016), stays the same: one small read instead of a row for every group
// on every view. Other nodes see the same version, so none keeps a stale
// list.
type publicGroups struct {
	mu      sync.Mutex
	loaded  bool
	version int64
	ids     []int64
	entries []facets.Entry // read only, shared by every List
}

// directoryEntries returns the id and filter fields of every group v may
// see, in name order.
func (s *Store) directoryEntries(ctx context.Context, v Viewer) ([]int64, []facets.Entry, error) {
	// The version first, then the list: a change between the two leaves
	// a list newer than its version, which the next view reads again.
	var version int64
	var own int // groups v belongs to that only members see
	if err := s.db.QueryRow(ctx, `SELECT version,
		(SELECT COUNT(*) FROM group_members gm JOIN groups g ON g.id = gm.group_id
		 WHERE gm.member_id = ? AND (g.visibility = ? OR g.hidden_at IS NOT NULL))
		FROM groups_version`, v.MemberID, Secret).Scan(&version, &own); err != nil {
		return nil, nil, err
	}
	if own > 0 {
		return s.readEntries(ctx, `SELECT g.id, g.kind, g.region, g.topics, g.languages FROM groups g
			WHERE (g.visibility <> ? AND g.hidden_at IS NULL)
			   OR g.id IN (SELECT group_id FROM group_members WHERE member_id = ?)
			ORDER BY g.name, g.id`, Secret, v.MemberID)
	}
	p := &s.public
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.loaded || p.version != version {
		ids, entries, err := s.readEntries(ctx, `SELECT g.id, g.kind, g.region, g.topics, g.languages FROM groups g
			WHERE g.visibility <> ? AND g.hidden_at IS NULL ORDER BY g.name, g.id`, Secret)
		if err != nil {
			return nil, nil, err
		}
		p.loaded, p.version, p.ids, p.entries = true, version, ids, entries
	}
	return p.ids, p.entries, nil
}

func (s *Store) readEntries(ctx context.Context, query string, args ...any) ([]int64, []facets.Entry, error) {
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var entries []facets.Entry
	// Scanned into once for all rows: variables made in the loop would
	// each be allocated again for every group.
	var id int64
	var kind, region, topics, langs string
	for rows.Next() {
		if err := rows.Scan(&id, &kind, &region, &topics, &langs); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
		entries = append(entries, facets.Entry{Kind: kind, Region: region,
			Topics: facets.SplitList(topics), Languages: facets.SplitList(langs)})
	}
	return ids, entries, rows.Err()
}
