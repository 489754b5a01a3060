package organisations

import (
	"context"
	"sort"
	"strings"
)

// DirectoryFilter narrows /organisations; empty fields do not filter.
type DirectoryFilter struct {
	Kind     string
	Region   string
	Topic    string
	Language string
}

// Facet is one value of a filter with how many organisations it would show.
type Facet struct {
	Value string
	Count int
}

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
	d := &Directory{}
	kinds, regions, topics, languages := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for _, o := range all {
		k, r := f.Kind == "" || o.Kind == f.Kind, f.Region == "" || strings.EqualFold(o.Region, f.Region)
		t, l := f.Topic == "" || hasFold(o.Topics, f.Topic), f.Language == "" || hasFold(o.Languages, f.Language)
		if k && r && t && l {
			d.Organisations = append(d.Organisations, o)
		}
		// A facet counts what would show if it were chosen, the other
		// filters staying as they are.
		if r && t && l {
			kinds[o.Kind]++
			d.Total++
		}
		if k && t && l && o.Region != "" {
			regions[o.Region]++
		}
		if k && r && l {
			for _, x := range o.Topics {
				topics[x]++
			}
		}
		if k && r && t {
			for _, x := range o.Languages {
				languages[x]++
			}
		}
	}
	for _, kind := range Kinds {
		d.Kinds = append(d.Kinds, Facet{kind, kinds[kind]})
	}
	d.Regions, d.Topics, d.Languages = facets(regions), facets(topics), facets(languages)
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
