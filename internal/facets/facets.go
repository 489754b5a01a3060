// Package facets counts the filter values of a directory (kind, region,
// topic, language), for groups and organisations alike: each value with how
// many entries would show if it were chosen, the other filters staying.
package facets

import (
	"sort"
	"strings"
)

// Facet is one value of a filter with how many entries it would show.
type Facet struct {
	Value string
	Count int
}

// Entry is what a directory entry is filtered by.
type Entry struct {
	Kind      string
	Region    string
	Topics    []string
	Languages []string
}

// Filter narrows a directory; empty fields do not filter.
type Filter struct {
	Kind     string
	Region   string
	Topic    string
	Language string
}

// Counts are the facets of a directory.
type Counts struct {
	Kinds, Regions, Topics, Languages []Facet
	AnyKind                           int // entries matching every filter but kind
}

// Count reports which entries match f, and the facets; kinds lists every
// kind in the order a page shows them.
func Count(entries []Entry, f Filter, kinds []string) ([]bool, Counts) {
	match := make([]bool, len(entries))
	var c Counts
	byKind, regions, topics, langs := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for i, e := range entries {
		k, r := f.Kind == "" || e.Kind == f.Kind, f.Region == "" || strings.EqualFold(e.Region, f.Region)
		t, l := f.Topic == "" || hasFold(e.Topics, f.Topic), f.Language == "" || hasFold(e.Languages, f.Language)
		match[i] = k && r && t && l
		if r && t && l {
			byKind[e.Kind]++
			c.AnyKind++
		}
		if k && t && l && e.Region != "" {
			regions[e.Region]++
		}
		if k && r && l {
			for _, x := range e.Topics {
				topics[x]++
			}
		}
		if k && r && t {
			for _, x := range e.Languages {
				langs[x]++
			}
		}
	}
	for _, kind := range kinds {
		c.Kinds = append(c.Kinds, Facet{kind, byKind[kind]})
	}
	c.Regions, c.Topics, c.Languages = sorted(regions), sorted(topics), sorted(langs)
	return match, c
}

// SplitList splits a comma-separated list, trimmed, without empties or
// repeats (case-insensitive). A directory splits the lists of every entry
// on every read, so it allocates nothing but the result.
func SplitList(s string) []string {
	var out []string
	n := strings.Count(s, ",") + 1
	for rest := s; rest != ""; {
		f := rest
		if i := strings.IndexByte(rest, ','); i >= 0 {
			f, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		f = strings.TrimSpace(f)
		if f == "" || hasLower(out, f) {
			continue
		}
		if out == nil {
			out = make([]string, 0, n)
		}
		out = append(out, f)
	}
	return out
}

// hasLower reports whether list holds v, both in lower case. For ASCII
// that is EqualFold; beyond it the two differ a little ("ſ" and "s"), and
// lists have always been compared in lower case.
func hasLower(list []string, v string) bool {
	for _, x := range list {
		if isASCII(x) && isASCII(v) {
			if strings.EqualFold(x, v) {
				return true
			}
			continue
		}
		if lx, lv := strings.ToLower(x), strings.ToLower(v); lx == lv {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func hasFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// sorted orders values by count, then alphabetically, merging values that
// differ only in case under one spelling, whatever the map's order.
func sorted(m map[string]int) []Facet {
	merged := map[string]*Facet{}
	for v, n := range m {
		k := strings.ToLower(v)
		if f, ok := merged[k]; ok {
			f.Count += n
			if v < f.Value {
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
