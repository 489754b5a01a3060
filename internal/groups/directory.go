package groups

import (
	"context"

	"involve/internal/facets"
)

// Filter narrows the directory; empty fields do not filter.
type Filter = facets.Filter

// Facet is one value of a filter with how many groups it would show.
type Facet = facets.Facet

// Directory is the groups a viewer may see that match a filter, with the
// counts for each filter value (given the other filters).
type Directory struct {
	Groups    []*Group
	Total     int // all groups the viewer may see, unfiltered
	Kinds     []Facet
	Regions   []Facet
	Topics    []Facet
	Languages []Facet
}

// List returns the directory for a viewer. Secret groups appear only to
// their members; hidden groups to nobody but their members.
func (s *Store) List(ctx context.Context, v Viewer, f Filter) (*Directory, error) {
	rows, err := s.db.Query(ctx, `SELECT `+columns+` FROM groups g
		WHERE (g.visibility <> ? AND g.hidden_at IS NULL)
		   OR g.id IN (SELECT group_id FROM group_members WHERE member_id = ?)
		ORDER BY g.name, g.id`, Secret, v.MemberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []*Group
	for rows.Next() {
		g, err := scan(rows)
		if err != nil {
			return nil, err
		}
		all = append(all, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	entries := make([]facets.Entry, len(all))
	for i, g := range all {
		entries[i] = facets.Entry{Kind: g.Kind, Region: g.Region, Topics: g.Topics, Languages: g.Languages}
	}
	match, c := facets.Count(entries, f, Kinds)
	d := &Directory{Total: len(all), Kinds: c.Kinds, Regions: c.Regions, Topics: c.Topics, Languages: c.Languages}
	for i, g := range all {
		if match[i] {
			d.Groups = append(d.Groups, g)
		}
	}
	return d, nil
}
