package web

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"involve/internal/discussions"
	"involve/internal/groups"
)

// Atom feeds of new threads, for the forum and for public groups: feed
// readers never sign in, so only what everyone may read is in a feed.

const feedEntries = 30

func (s *Server) forumFeed(w http.ResponseWriter, r *http.Request) error {
	return s.discussionFeed(w, r, nil, state(r).p.T("discussions.forum.title"), "/discussions")
}

func (s *Server) groupDiscussionFeed(w http.ResponseWriter, r *http.Request) error {
	g, err := s.Groups.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	// Members-only, secret and hidden groups have no feed, for anyone.
	if g.Visibility != groups.Public || g.HiddenAt != nil {
		return notFound()
	}
	return s.discussionFeed(w, r, &g.ID, state(r).p.T("discussions.group.title", g.Name), "/groups/"+g.Slug+"/discussions")
}

// discSiteURL is the site's address for links that leave it (feeds): the
// configured public address, else the one the request came to.
func (s *Server) discSiteURL(r *http.Request) string {
	if u := strings.TrimSuffix(s.Config.PublicURL, "/"); u != "" {
		return u
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// localHref matches links within the site, which a feed reader would
// resolve against the wrong address.
var localHref = regexp.MustCompile(`href="([/#?][^"]*)"`)

func (s *Server) discussionFeed(w http.ResponseWriter, r *http.Request, groupID *int64, title, listPath string) error {
	st := state(r)
	entries, err := s.Discussions.Latest(r.Context(), groupID, feedEntries)
	if err != nil {
		return err
	}
	site := s.discSiteURL(r)
	f := &feeds.Feed{
		Title:       title + " · " + st.p.T("site.name"),
		Link:        &feeds.Link{Href: site + listPath, Rel: "alternate"},
		Description: st.p.T("discussions.feed.subtitle"),
	}
	for _, e := range entries {
		d := e.Discussion
		thread := site + d.URL()
		if f.Updated.Before(d.CreatedAt) {
			f.Updated = d.CreatedAt
		}
		item := &feeds.Item{
			Title:   d.Title,
			Link:    &feeds.Link{Href: thread},
			Id:      thread,
			Created: d.CreatedAt,
			Updated: d.CreatedAt,
			Author:  &feeds.Author{Name: st.p.T("discussions.former_member")},
		}
		if !d.Author.Gone() {
			item.Author.Name = d.Author.Name(false, 0)
		}
		switch first := e.First; {
		case first == nil || first.Removed():
			item.Content = "<p>" + st.p.T("discussions.post.removed") + "</p>"
		case first.Hidden():
			item.Content = "<p>" + st.p.T("discussions.post.hidden_short") + "</p>"
		default:
			if first.EditedAt != nil {
				item.Updated = *first.EditedAt
			}
			html := string(discussions.LinkPosts(discussions.Render(first.Body), d, 1, 0))
			item.Content = localHref.ReplaceAllStringFunc(html, func(m string) string {
				ref := localHref.FindStringSubmatch(m)[1]
				if ref[0] == '/' {
					return `href="` + site + ref + `"`
				}
				return `href="` + thread + ref + `"`
			})
		}
		f.Add(item)
	}
	if f.Updated.IsZero() { // no threads yet
		f.Updated = time.Now()
	}
	var buf bytes.Buffer
	if err := feeds.WriteXML(&feeds.Atom{Feed: f}, &buf); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "max-age=300")
	writeBody(w, r, http.StatusOK, "application/atom+xml; charset=utf-8", buf.Bytes())
	return nil
}
