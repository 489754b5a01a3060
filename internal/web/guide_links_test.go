package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"involve/internal/guide"
	"involve/internal/i18n"
)

// TestGuideLinksResolve follows every link in every language of every
// guide page, as an anonymous reader and as a member, and expects a page
// (or, for a member's own pages, the way to sign in; for the sign-up
// page, a member's own page).
func TestGuideLinksResolve(t *testing.T) {
	e := sqliteEnv(t)
	e.createMember("reader")
	anon, member := e.client(), e.sessionClient("reader")
	ctx := context.Background()
	checked := map[string]bool{}
	for _, slug := range guide.Slugs() {
		p, err := e.Srv.Guide.PageBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range i18n.Languages {
			rev, err := e.Srv.Guide.Current(ctx, p.ID, l.Code)
			if err != nil {
				continue
			}
			for _, link := range guide.Links(rev.Body) {
				where := l.Code + "/" + slug + ": " + link
				u, err := url.Parse(link)
				if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
					t.Errorf("%s: guide pages link only within Involve", where)
					continue
				}
				if checked[link] {
					continue
				}
				checked[link] = true
				// Sign-up and sign-in pages send a member on to /me.
				if r := member.get(link); r.Status != http.StatusOK && !(r.Status == http.StatusSeeOther && r.Location == "/me") {
					t.Errorf("%s: %d → %q for a member", where, r.Status, r.Location)
				}
				r := anon.get(link)
				if r.Status != http.StatusOK && !(r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, "/login?next=")) {
					t.Errorf("%s: %d → %q for an anonymous reader", where, r.Status, r.Location)
				}
				if u.Fragment != "" && r.Status == http.StatusOK && !strings.Contains(r.Body, `id="`+u.Fragment+`"`) {
					t.Errorf("%s: no #%s on the page", where, u.Fragment)
				}
			}
		}
	}
	if len(checked) < 20 {
		t.Fatalf("only %d distinct links in the guide: the walk found too little", len(checked))
	}
}
