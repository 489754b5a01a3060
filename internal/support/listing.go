package support

import (
	"context"
	"sort"
	"strings"

	"involve/internal/groups"
)

// Who may see what. Requests of public groups are public, so services can
// find them; requests of members-only groups are for the group's members
// and for staff of verified organisations, who must see them to offer;
// requests of secret groups are for their members only. Site moderators
// see a group's content to moderate it, requests included.

// CanSeeRequests reports whether the viewer with access a to a group may
// see its requests; verifiedStaff says whether the viewer acts for a
// verified organisation.
func CanSeeRequests(a groups.Access, verifiedStaff bool) bool {
	if !a.CanSee() {
		return false
	}
	if a.CanSeeContent() {
		return true
	}
	return a.Group.Visibility == groups.MembersOnly && a.Group.HiddenAt == nil && verifiedStaff
}

// CanManage reports whether the viewer asks for support for the group and
// decides on offers: its moderators and admins.
func CanManage(a groups.Access) bool { return a.Role == groups.Moderator || a.Role == groups.Admin }

// CanSeeAllOffers reports whether the viewer sees every offer on the
// group's requests (its members, and site moderators); others see only
// their own organisations' offers.
func CanSeeAllOffers(a groups.Access) bool { return a.IsMember() || a.Viewer.SiteModerator }

// Viewer is who looks at the list of open requests.
type Viewer struct {
	MemberID      int64 // 0 when signed out
	VerifiedStaff bool  // acts for a verified organisation
}

// Filter narrows the list; empty fields do not filter.
type Filter struct {
	Kind   string
	Region string // the group's region
}

// Listing is the open requests a viewer may see that match a filter, with
// counts for each filter value given the other filter.
type Listing struct {
	Requests []*Request
	Total    int // open requests the viewer may see, unfiltered
	Kinds    []groups.Facet
	Regions  []groups.Facet
}

// List returns the open requests a viewer may see: those of public groups,
// of members-only groups for staff of verified organisations, and of any
// group the viewer belongs to. Soonest needed first.
func (s *Store) List(ctx context.Context, v Viewer, f Filter) (*Listing, error) {
	staff := 0
	if v.VerifiedStaff {
		staff = 1
	}
	all, err := listRequests(ctx, s.db, `SELECT `+requestColumns+requestFrom+`
		WHERE r.status = ? AND (
			(g.hidden_at IS NULL AND (g.visibility = ? OR (g.visibility = ? AND ? = 1)))
			OR g.id IN (SELECT group_id FROM group_members WHERE member_id = ?))
		ORDER BY CASE WHEN r.needed_by IS NULL THEN 1 ELSE 0 END, r.needed_by, r.id DESC`,
		Open, groups.Public, groups.MembersOnly, staff, v.MemberID)
	if err != nil {
		return nil, err
	}
	l := &Listing{Total: len(all)}
	kinds, regions := map[string]int{}, map[string]int{}
	for _, r := range all {
		k, rg := f.Kind == "" || r.Kind == f.Kind, f.Region == "" || strings.EqualFold(r.GroupRegion, f.Region)
		if k && rg {
			l.Requests = append(l.Requests, r)
		}
		if rg {
			kinds[r.Kind]++
		}
		if k && r.GroupRegion != "" {
			regions[r.GroupRegion]++
		}
	}
	for _, kind := range Kinds {
		l.Kinds = append(l.Kinds, groups.Facet{Value: kind, Count: kinds[kind]})
	}
	l.Regions = facets(regions)
	return l, nil
}

// facets sorts values by count, then alphabetically, merging values that
// differ only in case.
func facets(m map[string]int) []groups.Facet {
	merged := map[string]*groups.Facet{}
	for v, n := range m {
		k := strings.ToLower(v)
		if f, ok := merged[k]; ok {
			f.Count += n
			continue
		}
		merged[k] = &groups.Facet{Value: v, Count: n}
	}
	out := make([]groups.Facet, 0, len(merged))
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
