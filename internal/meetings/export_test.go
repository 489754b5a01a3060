package meetings

// ListingMax is listingMax, for tests that fill a listing past it.
const ListingMax = listingMax

// NextQuery is nextQuery, for a test of its plan.
func (s *Store) NextQuery(v Viewer, o Organiser, n int) (string, []any) { return s.nextQuery(v, o, n) }
