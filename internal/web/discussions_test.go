package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/discussions"
	"involve/internal/groups"
	"involve/internal/testutil"
)

// ---- helpers for discussions ----

// discGroup starts a group founded (as admin) by founder, with members
// given as handle -> role.
func (e *testEnv) discGroup(name, visibility, founder string, members map[string]string) *groups.Group {
	e.t.Helper()
	ctx := context.Background()
	g, err := e.Srv.Groups.Create(ctx, e.member(founder).ID, groups.Input{Name: name, Kind: groups.SelfOrganisation,
		Visibility: visibility, Joining: groups.Request}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for h, role := range members {
		if _, err := e.DB.Exec(ctx, `INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES (?, ?, ?, ?)`,
			g.ID, e.member(h).ID, role, time.Now()); err != nil {
			e.t.Fatal(err)
		}
	}
	return g
}

// discThread starts a thread through the store, in a group or the forum (nil).
func (e *testEnv) discThread(g *groups.Group, author, title, body string) *discussions.Discussion {
	e.t.Helper()
	var gid *int64
	if g != nil {
		gid = &g.ID
	}
	d, err := e.Srv.Discussions.Create(context.Background(), gid, e.member(author).ID, discussions.Input{Title: title, Body: body, Lang: "en"})
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *testEnv) discReply(d *discussions.Discussion, author, body string) *discussions.Post {
	e.t.Helper()
	p, err := e.Srv.Discussions.Reply(context.Background(), d.ID, e.member(author).ID, body, false)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *testEnv) discSiteModerator(handle string) {
	e.t.Helper()
	if err := e.Srv.Accounts.GrantRole(context.Background(), e.DB, e.member(handle).ID, accounts.RoleModerator, nil); err != nil {
		e.t.Fatal(err)
	}
}

// discNotes lists a member's notifications as "kind url", newest first.
func (e *testEnv) discNotes(handle string) []string {
	e.t.Helper()
	ns, err := e.Srv.Notify.List(context.Background(), e.member(handle).ID, 50, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, n := range ns {
		out = append(out, n.Kind+" "+n.URL)
	}
	return out
}

var postIDs = regexp.MustCompile(`<article class="post[^"]*" id="post-([0-9]+)"`)

// postPositions lists the posts a thread page shows, by position.
func postPositions(body string) []int {
	var out []int
	for _, m := range postIDs.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, n)
	}
	return out
}

func TestDiscussionForumFlow(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("mira")
		e.createMember("sasha")
		mira, sasha := e.sessionClient("mira"), e.sessionClient("sasha")

		// Mistakes are shown next to their fields, with what was typed kept.
		r := mira.post("/discussions", url.Values{"title": {"Hi"}, "lang": {"en"}, "body": {"  "}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("thread with mistakes: %d", r.Status)
		}
		if got := fieldError(r.Body, "title"); got != e.T("discussions.title.length") {
			t.Errorf("title error %q", got)
		}
		if got := fieldError(r.Body, "body"); got != e.T("discussions.body.required") {
			t.Errorf("body error %q", got)
		}
		if got := fieldValue(r.Body, "title"); got != "Hi" {
			t.Errorf("the title field holds %q", got)
		}
		if !strings.Contains(r.Body, e.T("discussions.rules.title")) {
			t.Errorf("the form does not show the community rules")
		}

		// A real thread, with something nasty in it.
		body := "Who knows a **free** room? <script>alert('x')</script> [bad](javascript:alert(1))\n\n<img src=x onerror=alert(2)>"
		r = mira.post("/discussions", url.Values{"title": {"Finding a venue"}, "lang": {"en"}, "body": {body}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/discussions/") {
			t.Fatalf("start thread: %d %s\n%s", r.Status, r.Location, r.Body)
		}
		thread := r.Location
		id, _ := strconv.ParseInt(strings.TrimPrefix(thread, "/discussions/"), 10, 64)
		page := e.client().get(thread)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "<strong>free</strong>") {
			t.Fatalf("thread page: %d\n%s", page.Status, page.Body)
		}
		for _, bad := range []string{"<script>alert", "javascript:", "onerror"} {
			if strings.Contains(page.Body, bad) {
				t.Errorf("the thread page carries %q", bad)
			}
		}
		if !strings.Contains(page.Body, `href="/login?next=%2fdiscussions%2f`) {
			t.Errorf("a signed-out reader is not offered to sign in to reply")
		}

		// Reply; then quote the reply.
		r = sasha.post(fmt.Sprintf("/discussions/%d/replies", id), url.Values{"body": {"The library has a room on Mondays."}, "page": {"1"}})
		if r.Status != http.StatusSeeOther || r.Location != thread+"#post-2" {
			t.Fatalf("reply: %d %s", r.Status, r.Location)
		}
		posts, _ := e.Srv.Discussions.Page(context.Background(), id, 1, 0)
		if len(posts) != 2 {
			t.Fatalf("%d posts", len(posts))
		}
		// The quote link is only a query on the thread's own address, and
		// the whole address on a reply sent back at .../replies.
		quote := fmt.Sprintf("?quote=%d#reply", posts[1].ID)
		if r := mira.get(thread); !strings.Contains(r.Body, `href="`+quote+`"`) {
			t.Errorf("the thread has no quote link %q", quote)
		}
		if r := mira.post(fmt.Sprintf("/discussions/%d/replies", id), url.Values{"body": {" "}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, `href="`+thread+quote+`"`) {
			t.Errorf("an empty reply: %d, its page's quote links do not lead to the thread", r.Status)
		}
		r = mira.get(fmt.Sprintf("%s?quote=%d", thread, posts[1].ID))
		quoted := fieldValue(r.Body, "body")
		if !strings.HasPrefix(quoted, "> [sasha wrote](#post-2):") || !strings.Contains(quoted, "> The library has a room on Mondays.") {
			t.Errorf("the quote form holds %q", quoted)
		}
		r = mira.post(fmt.Sprintf("/discussions/%d/replies", id), url.Values{"body": {quoted + "Great, I will ask them."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("quoting reply: %d", r.Status)
		}
		page = mira.get(thread)
		if !strings.Contains(page.Body, `<blockquote>`) || !strings.Contains(page.Body, `href="#post-2"`) {
			t.Errorf("the quote is not a blockquote linking to post 2")
		}
		if got := postPositions(page.Body); len(got) != 3 {
			t.Errorf("the thread shows posts %v", got)
		}

		// Edit: only the author; the history keeps the old text.
		editPath := fmt.Sprintf("/posts/%d/edit", posts[1].ID)
		if r := mira.get(editPath); r.Status != http.StatusForbidden {
			t.Errorf("someone else's edit form: %d", r.Status)
		}
		if r := mira.post(editPath, url.Values{"body": {"mine now"}}); r.Status != http.StatusForbidden {
			t.Errorf("editing someone else's post: %d", r.Status)
		}
		r = sasha.get(editPath)
		if r.Status != http.StatusOK || fieldValue(r.Body, "body") != "The library has a room on Mondays." || formField(r.Body, "title") != "" {
			t.Errorf("edit form: %d %q", r.Status, fieldValue(r.Body, "body"))
		}
		if r := sasha.post(editPath, url.Values{"body": {""}}); r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "body") == "" {
			t.Errorf("empty edit: %d", r.Status)
		}
		r = sasha.post(editPath, url.Values{"body": {"The library has a room on Mondays and Thursdays."}})
		if r.Status != http.StatusSeeOther || r.Location != thread+"#post-2" {
			t.Fatalf("edit: %d %s", r.Status, r.Location)
		}
		page = e.client().get(thread)
		historyPath := fmt.Sprintf("/posts/%d/history", posts[1].ID)
		if !strings.Contains(page.Body, `href="`+historyPath+`"`) || !strings.Contains(page.Body, "Mondays and Thursdays") {
			t.Errorf("the edited post does not link to its history")
		}
		r = e.client().get(historyPath)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Mondays and Thursdays") || !strings.Contains(r.Body, "a room on Mondays.</p>") {
			t.Errorf("history: %d\n%s", r.Status, r.Body)
		}
		// The first post's edit form has the title too.
		first := fmt.Sprintf("/posts/%d/edit", posts[0].ID)
		if r := mira.get(first); fieldValue(r.Body, "title") != "Finding a venue" {
			t.Errorf("the first post's edit form has no title")
		}
		if r := mira.post(first, url.Values{"title": {""}, "body": {"x"}}); r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "title") == "" {
			t.Errorf("removing the title: %d", r.Status)
		}

		// The post address leads to its place in the thread.
		if r := e.client().get(fmt.Sprintf("/posts/%d", posts[1].ID)); r.Status != http.StatusSeeOther || r.Location != thread+"#post-2" {
			t.Errorf("/posts/{id}: %d %s", r.Status, r.Location)
		}
		// The forum lists it, and it can be found.
		if r := e.client().get("/discussions"); !strings.Contains(r.Body, "Finding a venue") || !strings.Contains(r.Body, `href="/discussions.atom"`) {
			t.Errorf("the forum list: %s", r.Body)
		}
		if r := e.client().get("/search?q=thursdays"); !strings.Contains(r.Body, `href="`+thread+`"`) {
			t.Errorf("search does not find the thread")
		}
		// Every page keeps the layout's language switcher (no page field
		// may hide the Base's).
		for _, path := range []string{"/discussions", "/discussions/new", thread, editPath, historyPath} {
			if r := sasha.get(path); !strings.Contains(r.Body, `value="ru" lang="ru"`) {
				t.Errorf("%s has no language switcher", path)
			}
		}
		// The data download holds the posts.
		if r := sasha.get("/me/data.json"); !strings.Contains(r.Body, "Mondays and Thursdays") || !strings.Contains(r.Body, `"earlier_versions"`) {
			t.Errorf("data download lacks the posts")
		}
	})
}

func TestDiscussionLockPinFollow(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"mira", "sasha", "ola", "jojo"} {
			e.createMember(h)
		}
		e.discSiteModerator("ola")
		mira, sasha, ola, jo := e.sessionClient("mira"), e.sessionClient("sasha"), e.sessionClient("ola"), e.sessionClient("jojo")
		old := e.discThread(nil, "mira", "Naloxone training", "Who wants to come?")
		e.discReply(old, "sasha", "Me!")
		newer := e.discThread(nil, "jojo", "Safe online channels", "Signal or Matrix?")

		// Order: by latest post; pinned first.
		list := e.client().get("/discussions").Body
		if strings.Index(list, "Safe online channels") > strings.Index(list, "Naloxone training") {
			t.Errorf("the newest thread is not first")
		}
		if r := mira.post(fmt.Sprintf("/discussions/%d/pin", old.ID), nil); r.Status != http.StatusForbidden {
			t.Errorf("a member pins: %d", r.Status)
		}
		if r := ola.post(fmt.Sprintf("/discussions/%d/pin", old.ID), nil); r.Status != http.StatusSeeOther {
			t.Errorf("a site moderator pins: %d", r.Status)
		}
		list = e.client().get("/discussions").Body
		if strings.Index(list, "Safe online channels") < strings.Index(list, "Naloxone training") {
			t.Errorf("the pinned thread is not first")
		}
		if !strings.Contains(list, e.T("discussions.tag.pinned")) {
			t.Errorf("the pinned thread is not marked")
		}

		// Locked: a member's reply comes back with the text kept; a
		// moderator may still reply; edits are closed.
		if r := ola.post(fmt.Sprintf("/discussions/%d/lock", old.ID), nil); r.Status != http.StatusSeeOther {
			t.Fatalf("lock: %d", r.Status)
		}
		r := sasha.post(fmt.Sprintf("/discussions/%d/replies", old.ID), url.Values{"body": {"Can I still come?"}})
		if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "body") != e.T("discussions.locked_reply") || fieldValue(r.Body, "body") != "Can I still come?" {
			t.Errorf("reply to a locked thread: %d %q %q", r.Status, fieldError(r.Body, "body"), fieldValue(r.Body, "body"))
		}
		if r := ola.post(fmt.Sprintf("/discussions/%d/replies", old.ID), url.Values{"body": {"The training is full, sorry."}}); r.Status != http.StatusSeeOther {
			t.Errorf("a moderator's reply to a locked thread: %d", r.Status)
		}
		page := sasha.get(fmt.Sprintf("/discussions/%d", old.ID)).Body
		if !strings.Contains(page, e.T("discussions.locked_notice")) || strings.Contains(page, `action="/discussions/`+strconv.FormatInt(old.ID, 10)+`/replies"`) {
			t.Errorf("a locked thread still offers the reply form to a member")
		}
		posts, _ := e.Srv.Discussions.Page(context.Background(), old.ID, 1, 0)
		if r := sasha.get(fmt.Sprintf("/posts/%d/edit", posts[1].ID)); r.Status != http.StatusForbidden {
			t.Errorf("edit form in a locked thread: %d", r.Status)
		}
		r = sasha.post(fmt.Sprintf("/posts/%d/edit", posts[1].ID), url.Values{"body": {"Me! And a friend."}})
		if r.Status != http.StatusUnprocessableEntity || fieldError(r.Body, "body") != e.T("discussions.edit.locked") || fieldValue(r.Body, "body") != "Me! And a friend." {
			t.Errorf("an edit sent after the thread was locked: %d %q", r.Status, fieldError(r.Body, "body"))
		}
		var audited int
		d.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action IN ('discussion.pin', 'discussion.lock')`).Scan(&audited)
		if audited != 2 {
			t.Errorf("%d audit entries for pin and lock, want 2", audited)
		}

		// Follow: jo follows mira's thread and hears about replies; mira
		// (the author) too; the replier does not hear about their own.
		if r := ola.post(fmt.Sprintf("/discussions/%d/unlock", old.ID), nil); r.Status != http.StatusSeeOther {
			t.Fatal(r.Status)
		}
		if r := jo.post(fmt.Sprintf("/discussions/%d/follow", old.ID), nil); r.Status != http.StatusSeeOther {
			t.Fatalf("follow: %d", r.Status)
		}
		before := map[string]int{}
		for _, h := range []string{"mira", "sasha", "jojo", "ola"} {
			before[h] = len(e.discNotes(h))
		}
		sasha.post(fmt.Sprintf("/discussions/%d/replies", old.ID), url.Values{"body": {"Thanks for running it again, @ola."}})
		for h, want := range map[string]string{"mira": "discussion.reply", "jojo": "discussion.reply", "ola": "discussion.mention"} {
			ns := e.discNotes(h)
			if len(ns) != before[h]+1 || !strings.HasPrefix(ns[0], want+" /discussions/") {
				t.Errorf("%s: %v, want one more %s", h, ns, want)
			}
		}
		if len(e.discNotes("sasha")) != before["sasha"] {
			t.Errorf("sasha was told about her own reply")
		}
		// Unfollow: no more.
		jo.post(fmt.Sprintf("/discussions/%d/unfollow", old.ID), nil)
		n := len(e.discNotes("jojo"))
		e.discReply(old, "sasha", "One more thing.")
		if len(e.discNotes("jojo")) != n {
			t.Errorf("jo unfollowed and still heard")
		}
		_ = newer
	})
}

func TestDiscussionUnreadAndPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("mira")
		e.createMember("sasha")
		mira := e.sessionClient("mira")
		th := e.discThread(nil, "mira", "Users' union meeting", "Agenda ideas?")
		thread := fmt.Sprintf("/discussions/%d", th.ID)
		for i := range 70 {
			e.discReply(th, "sasha", fmt.Sprintf("Idea %d", i+2))
		}
		// mira wrote post 1 and has seen only that: 70 new.
		list := mira.get("/discussions").Body
		if !strings.Contains(list, e.T("discussions.tag.new.other", 70)) {
			t.Errorf("the list does not say 70 new")
		}
		if !strings.Contains(list, `href="`+thread+`#post-2"`) {
			t.Errorf("the list does not lead to the first new post")
		}
		// Page 2 shows posts 31-60 with 'new' marks and a link to page 1
		// where the first new post is; opening it marks up to 60 read.
		r := mira.get(thread + "?page=2")
		if got := postPositions(r.Body); len(got) != 30 || got[0] != 31 || got[29] != 60 {
			t.Errorf("page 2 shows %v", got)
		}
		if !strings.Contains(r.Body, `aria-current="page"`) || !strings.Contains(r.Body, `class="post is-new" id="post-31"`) {
			t.Errorf("page 2 is not marked current, or its posts not new")
		}
		if !strings.Contains(r.Body, `href="`+thread+`#post-2">`+e.T("discussions.first_unread")) {
			t.Errorf("page 2 does not lead to the first new post")
		}
		// Quoting from page 2 stays on page 2.
		p2, _ := e.Srv.Discussions.Page(context.Background(), th.ID, 2, 0)
		if q := fmt.Sprintf("?page=2&amp;quote=%d#reply", p2[0].ID); !strings.Contains(r.Body, `href="`+q+`"`) {
			t.Errorf("page 2 has no quote link %q", q)
		}
		q := mira.get(fmt.Sprintf("%s?page=2&quote=%d", thread, p2[0].ID))
		if got := postPositions(q.Body); len(got) == 0 || got[0] != 31 || !strings.Contains(fieldValue(q.Body, "body"), "Idea 31") {
			t.Errorf("quoting post 31 from page 2: posts %v, the form holds %q", got, fieldValue(q.Body, "body"))
		}
		if d, _ := e.Srv.Discussions.ForReader(context.Background(), th.ID, e.member("mira").ID); d == nil || d.LastRead != 60 {
			t.Errorf("read up to %+v, want 60", d)
		}
		if list := mira.get("/discussions").Body; !strings.Contains(list, e.T("discussions.tag.new.other", 11)) {
			t.Errorf("after page 2 the list does not say 11 new")
		}
		if got := postPositions(mira.get(thread + "?page=3").Body); len(got) != 11 || got[10] != 71 {
			t.Errorf("page 3 shows %v", got)
		}
		for _, bad := range []string{"?page=4", "?page=0", "?page=x"} {
			if r := mira.get(thread + bad); r.Status != http.StatusNotFound {
				t.Errorf("%s: %d", bad, r.Status)
			}
		}
		if list := mira.get("/discussions").Body; strings.Contains(list, "tag-new") {
			t.Errorf("everything read, the list still shows new posts")
		}
		// A signed-out reader sees no unread marks.
		if r := e.client().get(thread); strings.Contains(r.Body, "is-new") {
			t.Errorf("a signed-out reader sees new marks")
		}
	})
}

func TestDiscussionGroupsAndFeeds(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"mira", "sasha", "outsider"} {
			e.createMember(h)
		}
		pub := e.discGroup("Open circle", groups.Public, "mira", map[string]string{"sasha": groups.Member})
		mem := e.discGroup("Closed circle", groups.MembersOnly, "mira", map[string]string{"sasha": groups.Member})
		sec := e.discGroup("Quiet circle", groups.Secret, "mira", map[string]string{"sasha": groups.Member})
		pt := e.discThread(pub, "mira", "Venue for the circle", "The library, with <b>care</b> & [a link](/guide/initiate).")
		mt := e.discThread(mem, "mira", "Advisory board pay", "What do they pay?")
		st := e.discThread(sec, "mira", "Secret plans", "Shh.")
		ft := e.discThread(nil, "sasha", "Hello forum", "First!")
		outsider, sasha := e.sessionClient("outsider"), e.sessionClient("sasha")

		for _, c := range []struct {
			who  *client
			path string
			want int
		}{
			{e.client(), pt.URL(), http.StatusOK},
			{outsider, pt.URL(), http.StatusOK},
			{e.client(), mt.URL(), http.StatusForbidden},
			{outsider, mt.URL(), http.StatusForbidden},
			{sasha, mt.URL(), http.StatusOK},
			{e.client(), st.URL(), http.StatusNotFound},
			{outsider, st.URL(), http.StatusNotFound},
			{outsider, "/groups/" + sec.Slug + "/discussions", http.StatusNotFound},
			{sasha, st.URL(), http.StatusOK},
			{outsider, fmt.Sprintf("/discussions/%d", st.ID), http.StatusNotFound},
			{sasha, fmt.Sprintf("/discussions/%d", st.ID), http.StatusSeeOther},
			{outsider, fmt.Sprintf("/groups/%s/discussions/%d", pub.Slug, mt.ID), http.StatusNotFound},
			{outsider, fmt.Sprintf("/groups/%s/discussions/%d", pub.Slug, ft.ID), http.StatusNotFound},
		} {
			r := c.who.get(c.path)
			if r.Status != c.want {
				t.Errorf("GET %s: %d, want %d", c.path, r.Status, c.want)
			}
			if r.Status == http.StatusNotFound && strings.Contains(r.Body, "Secret plans") {
				t.Errorf("the 404 for %s names the secret thread", c.path)
			}
		}
		// Outsiders cannot write in a public group; members can.
		if r := outsider.post(fmt.Sprintf("/discussions/%d/replies", pt.ID), url.Values{"body": {"hi"}}); r.Status != http.StatusForbidden {
			t.Errorf("an outsider replies in a public group: %d", r.Status)
		}
		if r := outsider.post("/groups/"+pub.Slug+"/discussions", url.Values{"title": {"Mine"}, "lang": {"en"}, "body": {"x"}}); r.Status != http.StatusForbidden {
			t.Errorf("an outsider starts a thread in a public group: %d", r.Status)
		}
		r := sasha.post("/groups/"+mem.Slug+"/discussions", url.Values{"title": {"Meeting in May"}, "lang": {"any"}, "body": {"Ahoj, kdy?"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/groups/"+mem.Slug+"/discussions/") {
			t.Fatalf("a member starts a thread: %d %s", r.Status, r.Location)
		}
		// Members-only and secret threads are not in search.
		if r := e.client().get("/search?q=pay"); strings.Contains(r.Body, mt.URL()) {
			t.Errorf("search finds a members-only thread")
		}
		if r := e.client().get("/search?q=library"); !strings.Contains(r.Body, pt.URL()) {
			t.Errorf("search does not find the public group's thread")
		}

		// Feeds: the forum and public groups; nothing else.
		for path, want := range map[string]int{
			"/discussions.atom":                         http.StatusOK,
			"/groups/" + pub.Slug + "/discussions.atom": http.StatusOK,
			"/groups/" + mem.Slug + "/discussions.atom": http.StatusNotFound,
			"/groups/" + sec.Slug + "/discussions.atom": http.StatusNotFound,
			"/groups/no-such-group/discussions.atom":    http.StatusNotFound,
		} {
			if r := sasha.get(path); r.Status != want {
				t.Errorf("GET %s: %d, want %d", path, r.Status, want)
			}
		}
		r = e.client().get("/groups/" + pub.Slug + "/discussions.atom")
		if ct := r.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
			t.Errorf("feed content type %q", ct)
		}
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Entries []struct {
				Title   string `xml:"title"`
				ID      string `xml:"id"`
				Content struct {
					Type string `xml:"type,attr"`
					Body string `xml:",chardata"`
				} `xml:"content"`
				Author struct {
					Name string `xml:"name"`
				} `xml:"author"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(r.Body), &feed); err != nil {
			t.Fatalf("the feed is not Atom: %v\n%s", err, r.Body)
		}
		if len(feed.Entries) != 1 || feed.Entries[0].Title != "Venue for the circle" || feed.Entries[0].ID != e.URL+pt.URL() ||
			feed.Entries[0].Author.Name != "mira" || feed.Entries[0].Content.Type != "html" {
			t.Errorf("feed: %+v", feed)
		}
		if c := feed.Entries[0].Content.Body; strings.Contains(c, "<b>") || !strings.Contains(c, `href="`+e.URL+`/guide/initiate"`) {
			t.Errorf("feed content: %s", c)
		}
		// The list pages link their feed from <head>; others do not.
		if r := e.client().get("/groups/" + pub.Slug + "/discussions"); !strings.Contains(r.Body, `<link rel="alternate" type="application/atom+xml" href="/groups/`+pub.Slug+`/discussions.atom"`) {
			t.Errorf("the public group's list does not link its feed")
		}
		if r := sasha.get("/groups/" + mem.Slug + "/discussions"); strings.Contains(r.Body, "application/atom+xml") {
			t.Errorf("the members-only group's list links a feed")
		}

		// The group page's summary (for the groups page).
		sum, err := e.Srv.groupDiscussionSummary(context.Background(), mem, groupViewer(e.member("outsider")))
		if err != nil || sum != nil {
			t.Errorf("summary for an outsider of a members-only group: %v %v", sum, err)
		}
		sum, err = e.Srv.groupDiscussionSummary(context.Background(), mem, groupViewer(e.member("sasha")))
		if err != nil || len(sum) != 2 || sum[0].Title != "Meeting in May" {
			t.Errorf("summary for a member: %+v %v", sum, err)
		}
	})
}

func TestDiscussionHiddenPosts(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"mira", "sasha", "ola"} {
			e.createMember(h)
		}
		e.discSiteModerator("ola")
		th := e.discThread(nil, "mira", "Advisory board pay", "Fifty euros.")
		p := e.discReply(th, "sasha", "Something that breaks the rules")
		ctx := context.Background()
		if err := e.Srv.Discussions.HidePost(ctx, e.DB, p.ID, "outing someone"); err != nil {
			t.Fatal(err)
		}
		hiddenNote := e.T("discussions.post.hidden", "outing someone")
		r := e.sessionClient("mira").get(th.URL())
		if !strings.Contains(unescaped(r.Body), hiddenNote) || strings.Contains(r.Body, "breaks the rules") {
			t.Errorf("a reader sees a hidden post's text, or not the reason")
		}
		r = e.sessionClient("ola").get(th.URL())
		if !strings.Contains(r.Body, "breaks the rules") {
			t.Errorf("a moderator does not see a hidden post's text")
		}
		if r := e.sessionClient("sasha").get(fmt.Sprintf("/posts/%d/history", p.ID)); r.Status != http.StatusForbidden {
			t.Errorf("history of a hidden post: %d", r.Status)
		}
		if err := e.Srv.Discussions.HideDiscussion(ctx, e.DB, th.ID, "spam"); err != nil {
			t.Fatal(err)
		}
		r = e.client().get(th.URL())
		if !strings.Contains(unescaped(r.Body), e.T("discussions.hidden.thread", "spam")) || strings.Contains(r.Body, "Fifty euros") {
			t.Errorf("a hidden thread shows its posts to a reader")
		}
		if r := e.client().get("/discussions"); strings.Contains(r.Body, "Advisory board pay") {
			t.Errorf("a hidden thread is listed")
		}
		if r := e.sessionClient("ola").get("/discussions"); !strings.Contains(r.Body, "Advisory board pay") {
			t.Errorf("a hidden thread is not listed for a moderator")
		}
		if r := e.client().get("/discussions.atom"); strings.Contains(r.Body, "Advisory board pay") {
			t.Errorf("a hidden thread is in the feed")
		}
	})
}

func TestDiscussionBlocksAndReports(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, h := range []string{"mira", "sasha", "pest"} {
			e.createMember(h)
		}
		th := e.discThread(nil, "mira", "Users' union meeting", "Tuesday?")
		p := e.discReply(th, "pest", "Something unkind")
		ctx := context.Background()
		if err := e.Srv.Moderation.Block(ctx, e.member("mira").ID, e.member("pest").ID); err != nil {
			t.Fatal(err)
		}
		// mira sees the blocked member's post folded away; sasha does not.
		r := e.sessionClient("mira").get(th.URL())
		if !strings.Contains(r.Body, `<details class="blocked-post"><summary>`+e.T("moderation.blocked.show")) {
			t.Errorf("a blocked member's post is not folded away for the blocker")
		}
		if r := e.sessionClient("sasha").get(th.URL()); strings.Contains(r.Body, "blocked-post") {
			t.Errorf("a post is folded for someone who blocked nobody")
		}
		// A reply by the blocked member does not notify the blocker.
		before := len(e.discNotes("mira"))
		e.discReply(th, "pest", "@mira hello again")
		if len(e.discNotes("mira")) != before {
			t.Errorf("the blocker heard from the member she blocked: %v", e.discNotes("mira"))
		}
		// Report links: on others' posts and threads, for signed-in readers.
		r = e.sessionClient("sasha").get(th.URL())
		for _, want := range []string{fmt.Sprintf(`href="/report?type=post&amp;id=%d"`, p.ID), fmt.Sprintf(`href="/report?type=discussion&amp;id=%d"`, th.ID)} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("the thread page lacks %s", want)
			}
		}
		if r := e.sessionClient("mira").get(th.URL()); strings.Contains(r.Body, "type=discussion") {
			t.Errorf("the author is offered to report her own thread")
		}
		if r := e.client().get(th.URL()); strings.Contains(r.Body, "/report?") {
			t.Errorf("a signed-out reader is offered report links")
		}
	})
}

// TestPostLanguageMarked: in a Russian thread read in Russian, a reply in
// English is marked as English, so a screen reader does not read it with
// a Russian voice; the Russian opening post inherits the page's language.
func TestPostLanguageMarked(t *testing.T) {
	e := sqliteEnv(t)
	e.createMember("sasha_k")
	e.createMember("jo_peer")
	d, err := e.Srv.Discussions.Create(context.Background(), nil, e.member("sasha_k").ID,
		discussions.Input{Title: "Встреча в четверг", Body: "Мы встречаемся в четверг в библиотеке.", Lang: "ru"})
	if err != nil {
		t.Fatal(err)
	}
	e.discReply(d, "jo_peer", "Thank you, I will be there with the flyers.")
	c := e.sessionClient("sasha_k")
	c.post("/language", url.Values{"lang": {"ru"}, "return": {"/"}})
	body := c.get(fmt.Sprintf("/discussions/%d", d.ID)).Body
	if got := strings.Count(body, `<div class="post-body" lang="en">`); got != 1 {
		t.Errorf("%d posts marked as English, want the reply", got)
	}
	if got := strings.Count(body, `<div class="post-body">`); got != 1 {
		t.Errorf("%d posts in the page's own language, want the opening post", got)
	}
}
