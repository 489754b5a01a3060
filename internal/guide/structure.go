package guide

// Section is one part of the guide: what, why, who, where, how, and the
// good practices and voices of peers.
type Section struct {
	Slug  string   // also the slug of the section's own page
	Pages []string // page slugs in reading order, after the section page
}

// Structure is the guide's table of contents. Page text lives in the
// database (seeded from content/); its place in the guide lives here, so
// that contents, breadcrumbs and previous/next stay in step with the code
// that links to them.
var Structure = []Section{
	{"what", []string{"history", "concepts", "terms", "principles", "meaningful"}},
	{"why", []string{"relevance", "who-benefits", "evidence", "success-factors", "challenges"}},
	{"who", []string{"who-can-contribute", "self-organisations", "integrated-initiatives", "collaborations", "agency-support", "payment"}},
	{"where", []string{"street", "nightlife", "prisons", "online"}},
	{"how", []string{"initiate", "prepare", "implement", "continue"}},
	{"practices", nil},
	{"voices", nil},
}

// Stages are the four stages of developing peer involvement, in order;
// their pages carry checklists and previous/next links run through them.
var Stages = []string{"initiate", "prepare", "implement", "continue"}
