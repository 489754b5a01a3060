package groups

import (
	"context"
	"sort"
	"strings"
)

// Filter narrows the directory; empty fields do not filter.
type Filter struct {
	Kind     string
	Region   string
	Topic    string
	Language string
}

// Facet is one value of a filter with how many groups it would show.
type Facet struct {
	Value string
	Count int
}

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
	d := &Directory{Total: len(all)}
	kinds, regions, topics, langs := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for _, g := range all {
		k, r, t, l := f.Kind == "" || g.Kind == f.Kind, f.Region == "" || strings.EqualFold(g.Region, f.Region),
			f.Topic == "" || hasFold(g.Topics, f.Topic), f.Language == "" || hasFold(g.Languages, f.Language)
		if k && r && t && l {
			d.Groups = append(d.Groups, g)
		}
		// A facet counts the groups that would show if it were chosen.
		if r && t && l {
			kinds[g.Kind]++
		}
		if k && t && l && g.Region != "" {
			regions[g.Region]++
		}
		if k && r && l {
			for _, x := range g.Topics {
				topics[x]++
			}
		}
		if k && r && t {
			for _, x := range g.Languages {
				langs[x]++
			}
		}
	}
	for _, kind := range Kinds {
		d.Kinds = append(d.Kinds, Facet{kind, kinds[kind]})
	}
	d.Regions, d.Topics, d.Languages = facets(regions), facets(topics), facets(langs)
	return d, nil
}

func hasFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// facets sorts values by count, then alphabetically, merging values that
// differ only in case.
func facets(m map[string]int) []Facet {
	merged := map[string]*Facet{}
	for v, n := range m {
		k := strings.ToLower(v)
		if f, ok := merged[k]; ok {
			f.Count += n
			if v < f.Value { // the same spelling whatever the map's order
				f.Value = v
			}
			continue
		}
		merged[k] = &Facet{v, n}
	}
	out := make([]Facet, 0, len(merged))
	for _, f := range merged {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	return out
}
