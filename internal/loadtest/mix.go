package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// The mix: what a member does next, with its weight. Reading dominates, as
// it does on any forum; about one step in five writes something.
var mix = []struct {
	weight int
	do     func(r *run, ctx context.Context, m *member)
}{
	{8, (*run).readHome},
	{6, (*run).readDirectory},
	{8, (*run).readGroup},
	{8, (*run).readForum},
	{16, (*run).readThread},
	{8, (*run).search},
	{6, (*run).readGuide},
	{3, (*run).readOrganisations},
	{4, (*run).readOwn},
	{4, (*run).join},
	{8, (*run).replyInForum},
	{6, (*run).replyInGroup},
	{3, (*run).startThread},
	{4, (*run).readMeetings},
	{4, (*run).registerForMeeting},
	{2, (*run).cancelRegistration},
}

var mixTotal = func() int {
	n := 0
	for _, a := range mix {
		n += a.weight
	}
	return n
}()

func (r *run) step(ctx context.Context, m *member) {
	n := m.rng.IntN(mixTotal)
	for _, a := range mix {
		if n < a.weight {
			a.do(r, ctx, m)
			return
		}
		n -= a.weight
	}
}

// Errors of single requests are recorded by do; a member whose request
// failed simply carries on with the next step, as a person would retry.

func (r *run) readHome(ctx context.Context, m *member) { r.get(ctx, m, "home", "/") }

func (r *run) readDirectory(ctx context.Context, m *member) {
	u := "/groups"
	if n := r.site.directoryPage(m.rng); n > 1 {
		u += "?page=" + strconv.Itoa(n)
	}
	if p, err := r.get(ctx, m, "directory", u); err == nil && p.status == http.StatusOK {
		r.site.learnDirectory(p.body)
	}
	if f, ok := r.site.filter(m.rng); ok && m.rng.IntN(2) == 0 {
		r.get(ctx, m, "directory", f)
	}
}

// readGroup opens a group's page and, when anyone may read them, its
// discussions.
func (r *run) readGroup(ctx context.Context, m *member) {
	slug := r.site.group(m.rng)
	p, err := r.get(ctx, m, "group", "/groups/"+slug)
	if err != nil {
		return
	}
	r.noteMembership(m, slug, p)
	if r.site.isReadable(slug) && m.rng.IntN(2) == 0 {
		if p, err := r.get(ctx, m, "group-threads", "/groups/"+slug+"/discussions"); err == nil && p.status == http.StatusOK {
			r.site.learn(p.body)
		}
	}
}

func (r *run) noteMembership(m *member, slug string, p *page) {
	if p.status == http.StatusOK && strings.Contains(p.body, `action="/groups/`+slug+`/leave"`) {
		m.joined[slug] = true
	}
}

func (r *run) readForum(ctx context.Context, m *member) {
	u := "/discussions"
	if n := r.site.forumPage(m.rng); n > 1 {
		u += "?page=" + strconv.Itoa(n)
	}
	if p, err := r.get(ctx, m, "forum", u); err == nil && p.status == http.StatusOK {
		r.site.learn(p.body)
	}
}

func (r *run) readThread(ctx context.Context, m *member) {
	t, ok := r.anyThread(m)
	if ok {
		r.openThread(ctx, m, t)
	}
}

// anyThread picks a thread the member may read: mostly the forum, else a
// readable group's.
func (r *run) anyThread(m *member) (string, bool) {
	if m.rng.IntN(3) == 0 {
		if slug := r.site.group(m.rng); r.site.isReadable(slug) {
			if t, ok := r.site.groupThread(m.rng, slug); ok {
				return t, true
			}
		}
	}
	return r.site.forumThread(m.rng)
}

// openThread reads a thread's first page and, when it has more, often its
// last page too, where the newest replies are. It returns the last page
// read.
func (r *run) openThread(ctx context.Context, m *member, thread string) (*page, int) {
	p, err := r.get(ctx, m, "thread", thread)
	if err != nil || p.status != http.StatusOK {
		return nil, 0
	}
	if last := lastPage(p.body); last > 1 && m.rng.IntN(3) > 0 {
		q, err := r.get(ctx, m, "thread", thread+"?page="+strconv.Itoa(last))
		if err != nil || q.status != http.StatusOK {
			return nil, 0
		}
		return q, last
	}
	return p, 1
}

var searchTerms = []string{"peer", "harm reduction", "advisory board", "meeting", "housing", "HIV",
	"support", "payment", "naloxone", "Utrecht", "Riga", "union", "mental health", "consultation"}

func (r *run) search(ctx context.Context, m *member) {
	q, _ := pick(m.rng, searchTerms)
	r.get(ctx, m, "search", "/search?q="+url.QueryEscape(q))
}

func (r *run) readGuide(ctx context.Context, m *member) {
	if slug, ok := r.site.guidePage(m.rng); ok && m.rng.IntN(4) > 0 {
		r.get(ctx, m, "guide", "/guide/"+slug)
		return
	}
	r.get(ctx, m, "guide", "/guide")
}

func (r *run) readOrganisations(ctx context.Context, m *member) {
	r.get(ctx, m, "organisations", "/organisations")
}

func (r *run) readOwn(ctx context.Context, m *member) {
	if m.rng.IntN(2) == 0 {
		r.get(ctx, m, "me", "/me")
		return
	}
	r.get(ctx, m, "notifications", "/notifications")
}

// join opens a group the member is not in and joins it when joining is
// open; a group that asks for a reason or an invitation is only read.
func (r *run) join(ctx context.Context, m *member) {
	slug := r.site.group(m.rng)
	if m.joined[slug] {
		return
	}
	p, err := r.get(ctx, m, "group", "/groups/"+slug)
	if err != nil || p.status != http.StatusOK {
		return
	}
	r.noteMembership(m, slug, p)
	if m.joined[slug] || !strings.Contains(p.body, `action="/groups/`+slug+`/join"`) || strings.Contains(p.body, `name="why"`) {
		return
	}
	p, err = r.post(ctx, m, "join", "/groups/"+slug+"/join", url.Values{})
	if err != nil || p.status != http.StatusSeeOther {
		return
	}
	m.joined[slug] = true
	r.writes.add(write{kind: "join", by: m, token: slug})
	r.follow(ctx, m, "group", p)
}

func (r *run) replyInForum(ctx context.Context, m *member) {
	if t, ok := r.site.forumThread(m.rng); ok {
		r.reply(ctx, m, t)
	}
}

// replyInGroup replies in a group the member belongs to, or joins one
// first when they belong to none yet.
func (r *run) replyInGroup(ctx context.Context, m *member) {
	var groups []string
	for slug := range m.joined {
		if r.site.isReadable(slug) {
			groups = append(groups, slug)
		}
	}
	slug, ok := pick(m.rng, groups)
	if !ok {
		r.join(ctx, m)
		return
	}
	if t, ok := r.site.groupThread(m.rng, slug); ok {
		r.reply(ctx, m, t)
	}
}

// reply reads a thread, writes a reply with a token of its own, and
// follows the answer to the reply's place in the thread.
func (r *run) reply(ctx context.Context, m *member, thread string) {
	p, pageNo := r.openThread(ctx, m, thread)
	if p == nil || !strings.Contains(p.body, `/replies"`) {
		return // locked, or not the member's to write in
	}
	token := r.token(m, "r")
	form := url.Values{
		"page": {strconv.Itoa(pageNo)},
		"body": {fmt.Sprintf("Thanks for sharing this. In our group we tried something similar last month and it helped. (%s)", token)},
	}
	p, err := r.post(ctx, m, "reply", "/discussions/"+path.Base(thread)+"/replies", form)
	if err != nil || p.status != http.StatusSeeOther || p.location == "" {
		return
	}
	r.writes.add(write{kind: "reply", by: m, token: token, where: p.location})
	r.follow(ctx, m, "thread", p)
}

// startThread starts a discussion in the forum or in one of the member's
// groups.
func (r *run) startThread(ctx context.Context, m *member) {
	group := ""
	for slug := range m.joined {
		if r.site.isReadable(slug) && m.rng.IntN(3) == 0 {
			group = slug
			break
		}
	}
	base := "/discussions"
	if group != "" {
		base = "/groups/" + group + "/discussions"
	}
	if p, err := r.get(ctx, m, "thread-form", base+"/new"); err != nil || p.status != http.StatusOK {
		return
	}
	token := r.token(m, "t")
	p, err := r.post(ctx, m, "new-thread", base, url.Values{
		"title": {"How do you keep your group going over the summer? " + token},
		"body":  {"We lose people every summer. What works for you? Ideas welcome."},
		"lang":  {"en"},
	})
	if err != nil || p.status != http.StatusSeeOther || p.location == "" {
		return
	}
	r.writes.add(write{kind: "thread", by: m, token: token, where: p.location})
	r.site.newThread(group, p.location)
	r.follow(ctx, m, "thread", p)
}

// readMeetings reads the list of meetings and often one of them.
func (r *run) readMeetings(ctx context.Context, m *member) {
	if !r.site.hasMeetings() {
		r.readHome(ctx, m) // a site without meetings: read something else
		return
	}
	if p, err := r.get(ctx, m, "meetings", "/meetings"); err == nil && p.status == http.StatusOK {
		r.site.learn(p.body)
	}
	if mt, ok := r.site.meeting(m.rng); ok && m.rng.IntN(2) == 0 {
		r.get(ctx, m, "meeting", mt)
	}
}

// registerForMeeting opens a meeting the member has not answered yet and
// registers when the page offers it (not closed, not by invitation). A
// member who cancelled does not register again, so the final state of each
// registration is known for the check at the end.
func (r *run) registerForMeeting(ctx context.Context, m *member) {
	mt, ok := r.site.meeting(m.rng)
	if !ok {
		r.readThread(ctx, m)
		return
	}
	if m.meetings[mt] != "" {
		return
	}
	p, err := r.get(ctx, m, "meeting", mt)
	if err != nil || p.status != http.StatusOK || !strings.Contains(p.body, `action="`+mt+`/register"`) {
		return
	}
	form := url.Values{"note": {""}}
	if m.rng.IntN(2) == 0 {
		form.Set("note", "I use a wheelchair; is the entrance step-free?")
	}
	p, err = r.post(ctx, m, "register", mt+"/register", form)
	if err != nil || p.status != http.StatusSeeOther {
		return
	}
	m.meetings[mt] = "registered"
	r.writes.add(write{kind: "registration", by: m, token: mt})
	r.follow(ctx, m, "meeting", p)
}

// cancelRegistration cancels one of the member's registrations.
func (r *run) cancelRegistration(ctx context.Context, m *member) {
	var mine []string
	for mt, st := range m.meetings {
		if st == "registered" {
			mine = append(mine, mt)
		}
	}
	mt, ok := pick(m.rng, mine)
	if !ok {
		r.registerForMeeting(ctx, m)
		return
	}
	p, err := r.get(ctx, m, "meeting", mt)
	if err != nil || p.status != http.StatusOK || !strings.Contains(p.body, `action="`+mt+`/unregister"`) {
		return
	}
	p, err = r.post(ctx, m, "cancel", mt+"/unregister", url.Values{})
	if err != nil || p.status != http.StatusSeeOther {
		return
	}
	m.meetings[mt] = "cancelled"
	r.writes.add(write{kind: "cancel", by: m, token: mt})
	r.follow(ctx, m, "meeting", p)
}

// follow goes where a redirect leads, as a browser does.
func (r *run) follow(ctx context.Context, m *member, action string, p *page) {
	if p.location != "" {
		loc, _, _ := strings.Cut(p.location, "#")
		r.get(ctx, m, action, loc)
	}
}

// token marks a text as written by this member in this run, uniquely.
func (r *run) token(m *member, kind string) string {
	m.seq++
	return fmt.Sprintf("load%s%s%dn%d", r.id, kind, m.n, m.seq)
}
