package web

import (
	"net/http"
	"strings"

	"involve/internal/search"
)

type searchPage struct {
	Base
	Query string
	Hits  []search.Hit
	Total int
}

// searchResultsMax is how many results one page shows; a reader narrows a
// search rather than paging through hundreds. Thirty keeps the page with
// its CSS and JS under 40 KB when every result has a long snippet.
const searchResultsMax = 30

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	q := strings.TrimSpace(cleanText(r.URL.Query().Get("q")))
	if len(q) > search.MaxQuery {
		// Cut at a character boundary: a cut rune would be invalid UTF-8
		// on the page.
		q = strings.ToValidUTF8(q[:search.MaxQuery], "")
	}
	p := &searchPage{Query: q}
	if q != "" {
		var err error
		p.Hits, p.Total, err = s.Search.Search(r.Context(), q, st.lang.Code, search.Viewer{SignedIn: st.member != nil}, searchResultsMax)
		if err != nil {
			return err
		}
		p.Title = st.p.T("search.title_for", q)
	} else {
		p.Title = st.p.T("search.title")
	}
	p.Nav = "search"
	return s.render(w, r, http.StatusOK, "search", p)
}
