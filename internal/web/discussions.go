package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"involve/internal/accounts"
	"involve/internal/discussions"
	"involve/internal/groups"
)

// Discussions: the open peer forum at /discussions and each group's
// discussions at /groups/{slug}/discussions. Actions on a thread (reply,
// pin, lock, follow) and on a post (edit, history) are addressed by id,
// wherever the thread lives; every handler checks the thread's place.
func (s *Server) discussionRoutes() []route {
	return []route{
		{"GET /discussions", Anyone, s.forumList},
		{"GET /discussions.atom", Anyone, s.forumFeed},
		{"GET /discussions/new", SignedIn, s.forumNewForm},
		{"POST /discussions", SignedIn, s.forumCreate},
		{"GET /discussions/{id}", Anyone, s.forumThread},
		{"POST /discussions/{id}/replies", SignedIn, s.discussionReply},
		{"POST /discussions/{id}/pin", SignedIn, s.discussionFlag("pin")},
		{"POST /discussions/{id}/unpin", SignedIn, s.discussionFlag("unpin")},
		{"POST /discussions/{id}/lock", SignedIn, s.discussionFlag("lock")},
		{"POST /discussions/{id}/unlock", SignedIn, s.discussionFlag("unlock")},
		{"POST /discussions/{id}/follow", SignedIn, s.discussionFollow(true)},
		{"POST /discussions/{id}/unfollow", SignedIn, s.discussionFollow(false)},

		{"GET /groups/{slug}/discussions", Anyone, s.groupDiscussionList},
		{"GET /groups/{slug}/discussions.atom", Anyone, s.groupDiscussionFeed},
		{"GET /groups/{slug}/discussions/new", SignedIn, s.groupDiscussionNewForm},
		{"POST /groups/{slug}/discussions", SignedIn, s.groupDiscussionCreate},
		{"GET /groups/{slug}/discussions/{id}", Anyone, s.groupThread},

		{"GET /posts/{id}", Anyone, s.postRedirect},
		{"GET /posts/{id}/edit", SignedIn, s.postEditForm},
		{"POST /posts/{id}/edit", SignedIn, s.postEdit},
		{"GET /posts/{id}/history", Anyone, s.postHistory},
	}
}

// ---- where a thread lives, and what the reader may do there ----

// discPlace is the forum or one group, with the reader's rights in it.
type discPlace struct {
	Group       *groups.Group // nil: the open forum
	CanWrite    bool          // start threads and reply
	CanModerate bool          // pin, lock, see hidden posts
	member      *accounts.Member
}

// ListURL is the address of the place's thread list.
func (p discPlace) ListURL() string {
	if p.Group == nil {
		return "/discussions"
	}
	return "/groups/" + p.Group.Slug + "/discussions"
}

// NewURL is the address of the form for a new thread.
func (p discPlace) NewURL() string { return p.ListURL() + "/new" }

// FeedURL is the place's Atom feed, "" where there is none: the forum and
// public groups have one; others' threads are not for feed readers.
func (p discPlace) FeedURL() string {
	if p.Group != nil && (p.Group.Visibility != groups.Public || p.Group.HiddenAt != nil) {
		return ""
	}
	return p.ListURL() + ".atom"
}

func isSiteModerator(m *accounts.Member) bool {
	return m != nil && (m.IsAdmin() || m.HasRole(accounts.RoleModerator))
}

func (s *Server) forumPlace(r *http.Request) discPlace {
	m := state(r).member
	return discPlace{CanWrite: m != nil, CanModerate: isSiteModerator(m), member: m}
}

// groupPlace is a group as a place for discussions. A group the reader may
// not know of is not found; one whose content is for members only is
// closed, with a message saying so.
func (s *Server) groupPlace(ctx context.Context, r *http.Request, g *groups.Group) (discPlace, error) {
	a, err := s.Groups.Access(ctx, g, groupViewer(state(r).member))
	if err != nil {
		return discPlace{}, err
	}
	return accessPlace(r, a)
}

func accessPlace(r *http.Request, a groups.Access) (discPlace, error) {
	if !a.CanSee() {
		return discPlace{}, notFound()
	}
	if !a.CanSeeContent() {
		return discPlace{}, &httpError{status: http.StatusForbidden, msg: "discussions.members_only"}
	}
	return discPlace{Group: a.Group, CanWrite: a.IsMember(), CanModerate: a.CanModerate(), member: state(r).member}, nil
}

func (s *Server) groupPlaceBySlug(r *http.Request) (discPlace, error) {
	a, err := s.Groups.AccessBySlug(r.Context(), r.PathValue("slug"), groupViewer(state(r).member))
	if err != nil {
		return discPlace{}, err
	}
	return accessPlace(r, a)
}

// placeOf is the place of a thread.
func (s *Server) placeOf(r *http.Request, d *discussions.Discussion) (discPlace, error) {
	if d.GroupID == nil {
		return s.forumPlace(r), nil
	}
	g, err := s.Groups.ByID(r.Context(), *d.GroupID)
	if err != nil {
		return discPlace{}, err
	}
	return s.groupPlace(r.Context(), r, g)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound()
	}
	return id, nil
}

// threadByID loads the thread named in the path with its place.
func (s *Server) threadByID(r *http.Request) (*discussions.Discussion, discPlace, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, discPlace{}, err
	}
	d, err := s.Discussions.ForReader(r.Context(), id, memberID(state(r).member))
	if err != nil {
		return nil, discPlace{}, err
	}
	p, err := s.placeOf(r, d)
	return d, p, err
}

// pageParam reads ?page=, 1 when absent; anything else but a number from 1
// is not a page.
func pageParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, notFound()
	}
	return n, nil
}

// ---- thread lists ----

type discListPage struct {
	Base
	Place       discPlace
	Discussions []*discussions.Discussion
	Total       int
	Page        int
	Pages       template.HTML // the page navigation (pageNav)
}

const threadsPerPage = 30

func (s *Server) forumList(w http.ResponseWriter, r *http.Request) error {
	return s.threadList(w, r, s.forumPlace(r))
}

func (s *Server) groupDiscussionList(w http.ResponseWriter, r *http.Request) error {
	p, err := s.groupPlaceBySlug(r)
	if err != nil {
		return err
	}
	return s.threadList(w, r, p)
}

func (s *Server) threadList(w http.ResponseWriter, r *http.Request, pl discPlace) error {
	st := state(r)
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	lq := discussions.ListQuery{WithHidden: pl.CanModerate, Page: page, PerPage: threadsPerPage}
	if pl.Group != nil {
		lq.GroupID = &pl.Group.ID
	}
	if st.member != nil {
		lq.ViewerID = st.member.ID
	}
	list, total, err := s.Discussions.List(r.Context(), lq)
	if err != nil {
		return err
	}
	pages := max(1, (total+threadsPerPage-1)/threadsPerPage)
	if page > pages {
		return notFound()
	}
	p := &discListPage{Place: pl, Discussions: list, Total: total, Page: page,
		Pages: localPageNav(st.p, "", pageLinks(pl.ListURL(), page, pages))}
	if pl.Group == nil {
		p.Title = st.p.T("discussions.forum.title")
		p.Nav = "discussions"
	} else {
		p.Title = st.p.T("discussions.group.title", pl.Group.Name)
		p.Nav = "groups"
	}
	p.Feed = pl.FeedURL()
	return s.render(w, r, http.StatusOK, "discussions", p)
}

// DiscussionSummary is one thread as a group's page lists it.
type DiscussionSummary struct {
	Title      string
	URL        string
	Replies    int
	LastPostAt time.Time
	Pinned     bool
	Locked     bool
	New        int // posts the viewer has not seen, when they opened it before
}

// groupDiscussionSummary returns a group's latest threads (pinned first)
// for its page, or nothing when the viewer may not read them.
func (s *Server) groupDiscussionSummary(ctx context.Context, g *groups.Group, viewer groups.Viewer) ([]DiscussionSummary, error) {
	a, err := s.Groups.Access(ctx, g, viewer)
	if err != nil || !a.CanSeeContent() {
		return nil, err
	}
	list, _, err := s.Discussions.List(ctx, discussions.ListQuery{GroupID: &g.ID, ViewerID: viewer.MemberID, Page: 1, PerPage: 5, NoTotal: true})
	if err != nil {
		return nil, err
	}
	out := make([]DiscussionSummary, 0, len(list))
	for _, d := range list {
		ds := DiscussionSummary{Title: d.Title, URL: d.URL(), Replies: d.ReplyCount, LastPostAt: d.LastPostAt,
			Pinned: d.PinnedAt != nil, Locked: d.LockedAt != nil}
		if d.LastRead > 0 {
			ds.New = d.Unread()
			if ds.New > 0 {
				ds.URL = d.FirstUnreadURL()
			}
		}
		out = append(out, ds)
	}
	return out, nil
}

// ---- starting a thread ----

type discNewPage struct {
	Base
	Place discPlace
	Form  *Form
}

func (s *Server) forumNewForm(w http.ResponseWriter, r *http.Request) error {
	return s.newThreadForm(w, r, s.forumPlace(r), nil, http.StatusOK)
}

func (s *Server) groupDiscussionNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.groupPlaceBySlug(r)
	if err != nil {
		return err
	}
	if !p.CanWrite {
		return &httpError{status: http.StatusForbidden, msg: "discussions.join_to_write"}
	}
	return s.newThreadForm(w, r, p, nil, http.StatusOK)
}

func (s *Server) newThreadForm(w http.ResponseWriter, r *http.Request, pl discPlace, f *Form, status int) error {
	st := state(r)
	if f == nil {
		f = newForm()
		f.Values.Set("lang", st.lang.Code)
	}
	p := &discNewPage{Place: pl, Form: f}
	if pl.Group == nil {
		p.Title = st.p.T("discussions.new.title")
		p.Nav = "discussions"
	} else {
		p.Title = st.p.T("discussions.new.title_group", pl.Group.Name)
		p.Nav = "groups"
	}
	return s.render(w, r, status, "discussion_new", p)
}

func (s *Server) forumCreate(w http.ResponseWriter, r *http.Request) error {
	return s.createThread(w, r, s.forumPlace(r))
}

func (s *Server) groupDiscussionCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.groupPlaceBySlug(r)
	if err != nil {
		return err
	}
	if !p.CanWrite {
		return &httpError{status: http.StatusForbidden, msg: "discussions.join_to_write"}
	}
	return s.createThread(w, r, p)
}

func (s *Server) createThread(w http.ResponseWriter, r *http.Request, pl discPlace) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	in := discussions.Input{Title: f.Get("title"), Body: f.Raw("body"), Lang: f.Get("lang")}
	if in.Lang == "any" { // a language the interface does not have
		in.Lang = ""
	} else if in.Lang == "" {
		in.Lang = "-" // nothing chosen: refused below
	}
	for field, key := range in.Check() {
		f.Fail(field, key)
	}
	if !f.Valid() {
		return s.newThreadForm(w, r, pl, f, http.StatusUnprocessableEntity)
	}
	var gid *int64
	if pl.Group != nil {
		gid = &pl.Group.ID
	}
	d, err := s.Discussions.Create(r.Context(), gid, state(r).member.ID, in)
	if err != nil {
		return err
	}
	return redirect(w, r, d.URL(), "discussions.created")
}

// ---- a thread ----

type discThreadPage struct {
	Base
	Place       discPlace
	D           *discussions.Discussion
	Hidden      bool          // hidden by a moderator, and the reader is not one
	Posts       template.HTML // written by postsHTML
	Page        int
	Pages       template.HTML // the page navigation (pageNav)
	FirstUnread string        // where the reader's first unseen post is, when not on this page
	Following   bool
	CanReport   bool // the thread itself, for a signed-in reader who did not start it
	CanReply    bool
	Locked      bool // locked, and the reader may not reply
	Form        *Form
	AtURL       bool // shown at the thread's own address, so links may be relative to it
}

func (s *Server) forumThread(w http.ResponseWriter, r *http.Request) error {
	d, pl, err := s.threadByID(r)
	if err != nil {
		return err
	}
	if d.GroupID != nil {
		// A group's thread lives under the group's address.
		u := d.URL()
		if q := r.URL.RawQuery; q != "" {
			u += "?" + q
		}
		http.Redirect(w, r, u, http.StatusSeeOther)
		return nil
	}
	return s.thread(w, r, d, pl, nil, http.StatusOK)
}

func (s *Server) groupThread(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.groupPlaceBySlug(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := s.Discussions.ForReader(r.Context(), id, memberID(state(r).member))
	if err != nil {
		return err
	}
	if d.GroupID == nil || *d.GroupID != pl.Group.ID {
		return notFound()
	}
	return s.thread(w, r, d, pl, nil, http.StatusOK)
}

// thread renders a page of a thread with its reply form. A reader who is
// signed in has what the page shows marked as read.
func (s *Server) thread(w http.ResponseWriter, r *http.Request, d *discussions.Discussion, pl discPlace, f *Form, status int) error {
	ctx := r.Context()
	st := state(r)
	m := st.member
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	if f != nil {
		if n, err := strconv.Atoi(f.Get("page")); err == nil && n >= 1 && n <= d.Pages() {
			page = n
		}
	}
	if page > d.Pages() {
		return notFound()
	}
	p := &discThreadPage{Place: pl, D: d, Page: page, Form: f, AtURL: r.URL.Path == d.URL()}
	p.Title = d.Title
	p.Nav = "discussions"
	if pl.Group != nil {
		p.Nav = "groups"
	}
	if d.HiddenAt != nil && !pl.CanModerate {
		p.Hidden = true
		p.Title = st.p.T("discussions.hidden.title")
		return s.render(w, r, status, "discussion", p)
	}
	p.Pages = localPageNav(st.p, "", pageLinks(d.URL(), page, d.Pages()))
	posts, err := s.Discussions.Page(ctx, d.ID, page, memberID(m))
	if err != nil {
		return err
	}
	lastRead := d.LastRead // ForReader read it, with Following
	p.Following = d.Following
	p.CanReport = m != nil && d.Author.ID != m.ID
	p.p, p.Member = st.p, m // for the labels made below; render fills the rest
	first := (page-1)*discussions.PerPage + 1
	last := first + len(posts) - 1
	views := make([]discPostView, 0, len(posts))
	for _, post := range posts {
		v := discPostView{Post: post}
		v.ShowText = !post.Removed() && (!post.Hidden() || pl.CanModerate)
		if v.ShowText {
			v.HTML = discussions.LinkPosts(discussions.Render(post.Body), d, first, last)
		}
		if v.Lang = discussions.PostLang(post.Body, d.Lang); v.Lang == st.lang.Code {
			v.Lang = "" // the page's own language, which the post inherits
		}
		v.New = m != nil && lastRead > 0 && post.Position > lastRead
		v.CanQuote = pl.CanWrite && !post.Removed() && !post.Hidden()
		v.CanEdit = m != nil && post.Author.ID == m.ID && !post.Removed() && !post.Hidden() && d.LockedAt == nil
		v.CanReport = m != nil && post.Author.ID != m.ID && !post.Removed() && !post.Hidden()
		v.Blocked = !post.Author.Gone() && post.AuthorBlocked
		v.By = p.T("discussions.post.by", post.Position)
		v.Who, v.When = p.Who(post.Author), p.When(post.CreatedAt)
		if v.CanQuote {
			v.QuoteURL = p.QuoteURL(post.ID)
		}
		if v.CanReport {
			v.Report = p.ReportLink("post", post.ID)
		}
		views = append(views, v)
	}
	p.Posts = p.postsHTML(views)
	if m != nil && lastRead > 0 && lastRead < d.Posts() && (lastRead+1 < first || lastRead+1 > last) {
		p.FirstUnread = d.FirstUnreadURL()
	}
	p.CanReply = pl.CanWrite && (d.LockedAt == nil || pl.CanModerate)
	p.Locked = d.LockedAt != nil && !pl.CanModerate
	if f != nil {
		// A reply that came back with a problem keeps its text, even when
		// the thread was locked while it was being written.
		p.CanReply = true
	}
	if p.Form == nil {
		p.Form = newForm()
		if q, err := strconv.ParseInt(r.URL.Query().Get("quote"), 10, 64); err == nil && p.CanReply {
			s.fillQuote(r, d, q, p.Form)
		}
	}
	p.Form.Values.Set("page", strconv.Itoa(page))
	if err := s.render(w, r, status, "discussion", p); err != nil {
		return err
	}
	if m != nil && last > lastRead {
		// After the page is written: a failure here costs only a marker.
		if err := s.Discussions.MarkRead(ctx, m.ID, d.ID, last); err != nil {
			s.Log.Error("mark discussion read", "err", err)
		}
	}
	return nil
}

func memberID(m *accounts.Member) int64 {
	if m == nil {
		return 0
	}
	return m.ID
}

// fillQuote starts the reply form with a quote of post id, when it is a
// post of this thread that may be quoted.
func (s *Server) fillQuote(r *http.Request, d *discussions.Discussion, id int64, f *Form) {
	post, err := s.Discussions.Post(r.Context(), id)
	if err != nil || post.DiscussionID != d.ID || post.Removed() || post.Hidden() {
		return
	}
	st := state(r)
	who := post.Author.Name(st.member != nil, memberID(st.member))
	if post.Author.Gone() {
		who = st.p.T("discussions.former_member")
	}
	f.Values.Set("body", discussions.Quote(post, st.p.T("discussions.quote.wrote", who)))
}

// discussionReply adds a reply. A mistake, or a thread locked while the
// reply was being written, shows the thread again with the text kept.
func (s *Server) discussionReply(w http.ResponseWriter, r *http.Request) error {
	d, pl, err := s.threadByID(r)
	if err != nil {
		return err
	}
	if d.HiddenAt != nil {
		if !pl.CanModerate {
			return notFound()
		}
		return &httpError{status: http.StatusForbidden, msg: "discussions.hidden_reply"}
	}
	if !pl.CanWrite {
		return &httpError{status: http.StatusForbidden, msg: "discussions.join_to_write"}
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	if d.LockedAt != nil && !pl.CanModerate {
		f.Fail("body", "discussions.locked_reply")
	}
	if k := discussions.CheckBody(f.Raw("body")); k != "" {
		f.Fail("body", k)
	}
	if !f.Valid() {
		return s.thread(w, r, d, pl, f, http.StatusUnprocessableEntity)
	}
	post, err := s.Discussions.Reply(r.Context(), d.ID, state(r).member.ID, f.Raw("body"), pl.CanModerate)
	if errors.Is(err, discussions.ErrLocked) {
		f.Fail("body", "discussions.locked_reply")
		return s.thread(w, r, d, pl, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, d.PostURL(post.Position), "discussions.replied")
}

// discussionFlag pins, unpins, locks or unlocks a thread: for the group's
// moderators and admins, and site moderators and admins.
func (s *Server) discussionFlag(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, pl, err := s.threadByID(r)
		if err != nil {
			return err
		}
		if !pl.CanModerate {
			if d.HiddenAt != nil {
				return notFound()
			}
			return forbidden()
		}
		var changed bool
		m := state(r).member
		switch action {
		case "pin", "unpin":
			changed, err = s.Discussions.SetPinned(r.Context(), d.ID, m.ID, action == "pin")
		default:
			changed, err = s.Discussions.SetLocked(r.Context(), d.ID, m.ID, action == "lock")
		}
		if err != nil {
			return err
		}
		flash := ""
		if changed {
			flash = "discussions." + action + ".done"
		}
		return redirect(w, r, d.URL(), flash)
	}
}

// discussionFollow starts or stops following a thread.
func (s *Server) discussionFollow(on bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, pl, err := s.threadByID(r)
		if err != nil {
			return err
		}
		if d.HiddenAt != nil && !pl.CanModerate {
			return notFound()
		}
		m := state(r).member
		flash := "discussions.follow.done"
		if on {
			err = s.Discussions.Follow(r.Context(), m.ID, d.ID)
		} else {
			err = s.Discussions.Unfollow(r.Context(), m.ID, d.ID)
			flash = "discussions.unfollow.done"
		}
		if err != nil {
			return err
		}
		return redirect(w, r, d.URL(), flash)
	}
}

// ---- posts ----

// postByID loads the post named in the path with its thread and place; a
// thread hidden from the reader hides its posts too.
func (s *Server) postByID(r *http.Request) (*discussions.Post, *discussions.Discussion, discPlace, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, nil, discPlace{}, err
	}
	post, err := s.Discussions.Post(r.Context(), id)
	if err != nil {
		return nil, nil, discPlace{}, err
	}
	d, err := s.Discussions.Discussion(r.Context(), post.DiscussionID)
	if err != nil {
		return nil, nil, discPlace{}, err
	}
	pl, err := s.placeOf(r, d)
	if err != nil {
		return nil, nil, discPlace{}, err
	}
	if d.HiddenAt != nil && !pl.CanModerate {
		return nil, nil, discPlace{}, notFound()
	}
	return post, d, pl, nil
}

// postRedirect leads to a post on its page in its thread: the address
// notifications and moderation lists can hold.
func (s *Server) postRedirect(w http.ResponseWriter, r *http.Request) error {
	post, d, _, err := s.postByID(r)
	if err != nil {
		return err
	}
	http.Redirect(w, r, d.PostURL(post.Position), http.StatusSeeOther)
	return nil
}

type discEditPage struct {
	Base
	Place discPlace
	D     *discussions.Discussion
	Post  *discussions.Post
	Form  *Form
}

// editable checks that the reader may edit post: its author, while it is
// neither hidden nor removed and its thread is not locked.
func editable(m *accounts.Member, post *discussions.Post, d *discussions.Discussion) error {
	switch {
	case post.Removed():
		return notFound()
	case post.Author.ID != m.ID:
		return &httpError{status: http.StatusForbidden, msg: "discussions.edit.not_author"}
	case post.Hidden():
		return &httpError{status: http.StatusForbidden, msg: "discussions.edit.hidden"}
	case d.LockedAt != nil:
		return &httpError{status: http.StatusForbidden, msg: "discussions.edit.locked"}
	}
	return nil
}

func (s *Server) postEditForm(w http.ResponseWriter, r *http.Request) error {
	post, d, pl, err := s.postByID(r)
	if err != nil {
		return err
	}
	if err := editable(state(r).member, post, d); err != nil {
		return err
	}
	f := newForm()
	f.Values.Set("body", post.Body)
	if post.Position == 1 {
		f.Values.Set("title", d.Title)
	}
	return s.renderEdit(w, r, pl, d, post, f, http.StatusOK)
}

func (s *Server) renderEdit(w http.ResponseWriter, r *http.Request, pl discPlace, d *discussions.Discussion, post *discussions.Post, f *Form, status int) error {
	p := &discEditPage{Place: pl, D: d, Post: post, Form: f}
	p.Title = state(r).p.T("discussions.edit.title")
	p.Nav = "discussions"
	if pl.Group != nil {
		p.Nav = "groups"
	}
	return s.render(w, r, status, "discussion_edit", p)
}

func (s *Server) postEdit(w http.ResponseWriter, r *http.Request) error {
	post, d, pl, err := s.postByID(r)
	if err != nil {
		return err
	}
	m := state(r).member
	switch {
	case post.Removed():
		return notFound()
	case post.Author.ID != m.ID:
		return &httpError{status: http.StatusForbidden, msg: "discussions.edit.not_author"}
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	// Hidden or locked since the form was opened: the text comes back.
	if post.Hidden() {
		f.Fail("body", "discussions.edit.hidden")
	}
	if d.LockedAt != nil {
		f.Fail("body", "discussions.edit.locked")
	}
	title := ""
	if post.Position == 1 {
		in := discussions.Input{Title: f.Get("title"), Body: f.Raw("body"), Lang: d.Lang}
		for field, key := range in.Check() {
			f.Fail(field, key)
		}
		title = in.Title
	} else if k := discussions.CheckBody(f.Raw("body")); k != "" {
		f.Fail("body", k)
	}
	if !f.Valid() {
		return s.renderEdit(w, r, pl, d, post, f, http.StatusUnprocessableEntity)
	}
	switch err := s.Discussions.Edit(r.Context(), post.ID, m.ID, title, f.Raw("body")); {
	case errors.Is(err, discussions.ErrLocked):
		f.Fail("body", "discussions.edit.locked")
		return s.renderEdit(w, r, pl, d, post, f, http.StatusUnprocessableEntity)
	case errors.Is(err, discussions.ErrHidden):
		f.Fail("body", "discussions.edit.hidden")
		return s.renderEdit(w, r, pl, d, post, f, http.StatusUnprocessableEntity)
	case err != nil:
		return err
	}
	return redirect(w, r, d.PostURL(post.Position), "discussions.edit.saved")
}

type discVersionView struct {
	discussions.Version
	HTML template.HTML
}

type discHistoryPage struct {
	Base
	Place    discPlace
	D        *discussions.Discussion
	Post     *discussions.Post
	Author   string
	Versions []discVersionView // newest first
}

func (s *Server) postHistory(w http.ResponseWriter, r *http.Request) error {
	post, d, pl, err := s.postByID(r)
	if err != nil {
		return err
	}
	if post.Removed() {
		return notFound()
	}
	if post.Hidden() && !pl.CanModerate {
		return &httpError{status: http.StatusForbidden, msg: "discussions.history.hidden"}
	}
	vs, err := s.Discussions.History(r.Context(), post)
	if err != nil {
		return err
	}
	st := state(r)
	p := &discHistoryPage{Place: pl, D: d, Post: post, Author: post.Author.Name(st.member != nil, memberID(st.member))}
	for i := len(vs) - 1; i >= 0; i-- {
		p.Versions = append(p.Versions, discVersionView{Version: vs[i], HTML: discussions.LinkPosts(discussions.Render(vs[i].Body), d, 1, 0)})
	}
	p.Title = st.p.T("discussions.history.title", post.Position)
	p.Nav = "discussions"
	if pl.Group != nil {
		p.Nav = "groups"
	}
	return s.render(w, r, http.StatusOK, "discussion_history", p)
}

// ---- names and links in templates ----

// whoIs is how an author appears to the reader.
func whoIs(b *Base, p discussions.Person) string {
	if p.Gone() {
		return b.T("discussions.former_member")
	}
	return p.Name(b.Member != nil, memberID(b.Member))
}

func (p *discListPage) Who(a discussions.Person) string    { return whoIs(&p.Base, a) }
func (p *discThreadPage) Who(a discussions.Person) string  { return whoIs(&p.Base, a) }
func (p *discHistoryPage) Who(a discussions.Person) string { return whoIs(&p.Base, a) }

// ThreadURL leads a reader who has been in a thread to its first post
// they have not seen, else to the thread.
func (p *discListPage) ThreadURL(d *discussions.Discussion) string {
	if p.Member != nil && d.LastRead > 0 && d.Unread() > 0 {
		return d.FirstUnreadURL()
	}
	return d.URL()
}

// QuoteURL is this page with the reply form holding a quote of post id.
// On the thread's own address it is only a query, which the browser reads
// against that address: every post carries one, and the path would add a
// kilobyte to a page. A page shown at another address (a reply sent back
// with a mistake, at .../replies) gives the whole path.
func (p *discThreadPage) QuoteURL(id int64) string {
	u := "?"
	if !p.AtURL {
		u = p.D.URL() + u
	}
	if p.Page > 1 {
		u += "page=" + strconv.Itoa(p.Page) + "&"
	}
	return u + "quote=" + strconv.FormatInt(id, 10) + "#reply"
}

// When is a post's time as the thread shows it.
func discWhen(b *Base, t time.Time) string { return b.Date(t) + ", " + t.UTC().Format("15:04") }

func (p *discThreadPage) When(t time.Time) string  { return discWhen(&p.Base, t) }
func (p *discHistoryPage) When(t time.Time) string { return discWhen(&p.Base, t) }
