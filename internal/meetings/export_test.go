package meetings

// ListingMax is listingMax, for tests that fill a listing past it.
const ListingMax = listingMax
