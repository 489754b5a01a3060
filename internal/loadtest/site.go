package loadtest

import (
	"context"
	"errors"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// site is what the members know of the site: links found on its pages, as
// a reader would find them. It grows as members read and write.
type site struct {
	mu           sync.Mutex
	groups       []string            // slugs from the directory
	readable     map[string]bool     // groups whose discussions anyone may read
	groupThreads map[string][]string // thread paths per group slug
	forumThreads []string
	forumPages   int
	guide        []string // guide page slugs
	filters      []string // directory links with a filter
	dirPages     int      // pages of the directory
	meetings     []string // meeting paths; none when the site has no meetings
	known        map[string]bool
}

var (
	reGroup       = regexp.MustCompile(`href="/groups/([a-z0-9][a-z0-9-]*)"`)
	reFilter      = regexp.MustCompile(`href="(/groups\?[^"]+)"`)
	reForumThread = regexp.MustCompile(`href="(/discussions/[0-9]+)[?#"]`)
	reGroupThread = regexp.MustCompile(`href="(/groups/([a-z0-9-]+)/discussions/[0-9]+)[?#"]`)
	reForumPage   = regexp.MustCompile(`href="/discussions\?page=([0-9]+)"`)
	reGuide       = regexp.MustCompile(`href="/guide/([a-z0-9][a-z0-9-]*)"`)
	reDirPage     = regexp.MustCompile(`href="/groups\?page=([0-9]+)"`)
	rePage        = regexp.MustCompile(`\?page=([0-9]+)"`)
	reMeeting     = regexp.MustCompile(`href="(/meetings/[0-9]+)"`)
)

// discover reads the directory, the forum, the guide and the discussions
// of the groups in the directory's first page, signed out.
func discover(ctx context.Context, r *run, anon *member) (*site, error) {
	s := &site{readable: map[string]bool{}, groupThreads: map[string][]string{}, known: map[string]bool{}, forumPages: 1, dirPages: 1}
	fetch := func(path string) (*page, error) {
		p, err := r.get(ctx, anon, "discover", path)
		if err == nil && p.status >= 500 {
			err = fmt.Errorf("GET %s: status %d", path, p.status)
		}
		return p, err
	}
	p, err := fetch("/groups")
	if err != nil {
		return nil, err
	}
	if p.status != http.StatusOK {
		return nil, fmt.Errorf("GET /groups: status %d: is this an Involve server?", p.status)
	}
	s.learnDirectory(p.body)
	for _, m := range reFilter.FindAllStringSubmatch(p.body, -1) {
		if !strings.Contains(m[1], "page=") {
			s.filters = append(s.filters, html.UnescapeString(m[1]))
		}
	}
	for _, slug := range s.groups {
		if !s.readable[slug] {
			continue
		}
		p, err := fetch("/groups/" + slug + "/discussions")
		if err != nil {
			return nil, err
		}
		if p.status == http.StatusOK {
			s.learn(p.body)
		} else {
			s.readable[slug] = false
		}
	}
	if p, err = fetch("/discussions"); err != nil {
		return nil, err
	}
	s.learn(p.body)
	if p, err = fetch("/guide"); err != nil {
		return nil, err
	}
	for _, m := range reGuide.FindAllStringSubmatch(p.body, -1) {
		if m[1] != "all" && !s.known["guide:"+m[1]] {
			s.known["guide:"+m[1]] = true
			s.guide = append(s.guide, m[1])
		}
	}
	// Meetings, where the site has them.
	if p, err = fetch("/meetings"); err != nil {
		return nil, err
	}
	if p.status == http.StatusOK {
		s.learn(p.body)
	}
	switch {
	case len(s.groups) == 0:
		return nil, errors.New("the group directory lists no groups: start the server with --demo")
	case len(s.forumThreads) == 0:
		return nil, errors.New("the forum has no discussions: start the server with --demo")
	}
	return s, nil
}

var reAuthor = regexp.MustCompile(`href="/members/([A-Za-z0-9_-]+)"`)

// findHandles collects n distinct handles of members who posted in the
// forum, and a few more in case some cannot sign in, reading its threads
// page by page, signed out.
func findHandles(ctx context.Context, r *run, anon *member, want int) ([]string, error) {
	n := want + 20
	var out []string
	seen := map[string]bool{}
	collect := func(body string) {
		for _, m := range reAuthor.FindAllStringSubmatch(body, -1) {
			if !seen[m[1]] && len(out) < n {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	for page := 1; len(out) < n; page++ {
		p, err := r.get(ctx, anon, "discover", "/discussions?page="+strconv.Itoa(page))
		if err != nil {
			return nil, err
		}
		if p.status != http.StatusOK {
			break // past the last page
		}
		for _, m := range reForumThread.FindAllStringSubmatch(p.body, -1) {
			if len(out) >= n {
				break
			}
			q, err := r.get(ctx, anon, "discover", m[1])
			if err != nil {
				return nil, err
			}
			collect(q.body)
		}
	}
	if len(out) < want {
		return nil, fmt.Errorf("found only %d members who posted in the forum, not %d: use fewer members, or sign up new ones (no passphrase)", len(out), want)
	}
	return out, nil
}

// learnDirectory adds the groups a page of the directory lists. A card
// carries a second tag, the visibility, only when the group is not public:
// anyone may read a public group's discussions.
func (s *site) learnDirectory(body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cards := strings.Split(body, `<li class="card">`)
	for _, card := range cards[1:] {
		m := reGroup.FindStringSubmatch(card)
		if m == nil || s.known[m[1]] {
			continue
		}
		meta, _, _ := strings.Cut(card[strings.Index(card, `class="meta"`)+1:], "</p>")
		s.known[m[1]] = true
		s.groups = append(s.groups, m[1])
		s.readable[m[1]] = strings.Count(meta, `class="tag"`) == 1
	}
	for _, m := range reDirPage.FindAllStringSubmatch(body, -1) {
		if n, _ := strconv.Atoi(m[1]); n > s.dirPages {
			s.dirPages = n
		}
	}
}

func (s *site) directoryPage(rng *rand.Rand) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dirPages < 2 || rng.IntN(3) > 0 {
		return 1
	}
	return 1 + rng.IntN(s.dirPages)
}

// learn adds the threads and forum pages a page links to.
func (s *site) learn(body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range reForumThread.FindAllStringSubmatch(body, -1) {
		s.addThread("", m[1])
	}
	for _, m := range reGroupThread.FindAllStringSubmatch(body, -1) {
		if s.readable[m[2]] {
			s.addThread(m[2], m[1])
		}
	}
	for _, m := range reMeeting.FindAllStringSubmatch(body, -1) {
		if !s.known[m[1]] {
			s.known[m[1]] = true
			s.meetings = append(s.meetings, m[1])
		}
	}
	for _, m := range reForumPage.FindAllStringSubmatch(body, -1) {
		if n, _ := strconv.Atoi(m[1]); n > s.forumPages {
			s.forumPages = n
		}
	}
}

// addThread is called with s.mu held.
func (s *site) addThread(group, path string) {
	if s.known[path] {
		return
	}
	s.known[path] = true
	if group == "" {
		s.forumThreads = append(s.forumThreads, path)
	} else {
		s.groupThreads[group] = append(s.groupThreads[group], path)
	}
}

func (s *site) newThread(group, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addThread(group, path)
}

func pick[T any](rng *rand.Rand, xs []T) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	return xs[rng.IntN(len(xs))], true
}

func (s *site) group(rng *rand.Rand) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, _ := pick(rng, s.groups)
	return g
}

func (s *site) filter(rng *rand.Rand) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return pick(rng, s.filters)
}

func (s *site) guidePage(rng *rand.Rand) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return pick(rng, s.guide)
}

func (s *site) meeting(rng *rand.Rand) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return pick(rng, s.meetings)
}

func (s *site) hasMeetings() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.meetings) > 0
}

func (s *site) isReadable(slug string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readable[slug]
}

// forumThread picks a forum thread; most readers open recent ones, which
// the site lists first, and new threads are appended last, so it draws
// from both ends.
func (s *site) forumThread(rng *rand.Rand) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.forumThreads)
	if n > 10 && rng.IntN(2) == 0 {
		return s.forumThreads[n-1-rng.IntN(10)], true
	}
	return pick(rng, s.forumThreads)
}

func (s *site) groupThread(rng *rand.Rand, slug string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return pick(rng, s.groupThreads[slug])
}

func (s *site) forumPage(rng *rand.Rand) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rng.IntN(3) > 0 {
		return 1
	}
	return 1 + rng.IntN(s.forumPages)
}

// lastPage is the highest page a thread page links to.
func lastPage(body string) int {
	last := 1
	for _, m := range rePage.FindAllStringSubmatch(body, -1) {
		if n, _ := strconv.Atoi(m[1]); n > last {
			last = n
		}
	}
	return last
}
