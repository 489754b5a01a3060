package organisations

import (
	"context"

	"involve/internal/facets"
)

// DirectoryFilter narrows /organisations; empty fields do not filter.
type DirectoryFilter = facets.Filter

// Facet is one value of a filter with how many organisations it would show.
type Facet = facets.Facet

// Directory is the verified organisations matching a filter, with the
// counts for each filter value given the other filters, as /groups has.
type Directory struct {
	Organisations []*Organisation
	Total         int // organisations shown when this filter's kind is cleared
	Kinds         []Facet
	Regions       []Facet
	Topics        []Facet
	Languages     []Facet
}

// Directory returns the verified organisations that match f. Only verified
// organisations are listed: the rest exist for their staff and site admins.
func (s *Store) Directory(ctx context.Context, f DirectoryFilter) (*Directory, error) {
	all, err := s.List(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	entries := make([]facets.Entry, len(all))
	for i, o := range all {
		entries[i] = facets.Entry{Kind: o.Kind, Region: o.Region, Topics: o.Topics, Languages: o.Languages}
	}
	match, c := facets.Count(entries, f, Kinds)
	d := &Directory{Total: c.AnyKind, Kinds: c.Kinds, Regions: c.Regions, Topics: c.Topics, Languages: c.Languages}
	for i, o := range all {
		if match[i] {
			d.Organisations = append(d.Organisations, o)
		}
	}
	return d, nil
}
