package discussions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"involve/internal/audit"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/memberdata"
	"involve/internal/notify"
	"involve/internal/search"
	"involve/internal/testutil"
)

// fixture is a discussions store with the stores it works beside.
type fixture struct {
	t      testing.TB
	ctx    context.Context
	d      *db.DB
	s      *Store
	groups *groups.Store
	ix     *search.Index
	notify *notify.Center
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	ix := search.New(d)
	n := notify.New(d)
	gs := groups.NewStore(d, ix)
	s := NewStore(d, ix, n, audit.New(d))
	gs.OnReindex(s.ReindexGroup)
	return &fixture{t: t, ctx: context.Background(), d: d, s: s, groups: gs, ix: ix, notify: n}
}

// member adds a member directly (no passphrase hashing) and returns its id.
func (f *fixture) member(handle string) int64 {
	f.t.Helper()
	now := time.Now()
	id, err := db.InsertID(f.ctx, f.d, `INSERT INTO members (handle, handle_key, passphrase_hash, display_name, display_name_vis, created_at, passphrase_set_at)
		VALUES (?, ?, 'x', ?, 'public', ?, ?)`, handle, strings.ToLower(handle), strings.ToUpper(handle[:1])+handle[1:], now, now)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) role(memberID int64, role string) {
	f.t.Helper()
	if _, err := f.d.Exec(f.ctx, `INSERT INTO member_roles (member_id, role, granted_at) VALUES (?, ?, ?)`, memberID, role, time.Now()); err != nil {
		f.t.Fatal(err)
	}
}

// group starts a group founded by founder with more members.
func (f *fixture) group(name, visibility string, founder int64, members ...int64) *groups.Group {
	f.t.Helper()
	g, err := f.groups.Create(f.ctx, founder, groups.Input{Name: name, Kind: groups.DiscussionGroup, Visibility: visibility, Joining: groups.Open}, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, m := range members {
		if _, err := f.d.Exec(f.ctx, `INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES (?, ?, 'member', ?)`, g.ID, m, time.Now()); err != nil {
			f.t.Fatal(err)
		}
	}
	return g
}

func (f *fixture) thread(groupID *int64, author int64, title, body string) *Discussion {
	f.t.Helper()
	d, err := f.s.Create(f.ctx, groupID, author, Input{Title: title, Body: body, Lang: "en"})
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func (f *fixture) reply(d *Discussion, author int64, body string) *Post {
	f.t.Helper()
	p, err := f.s.Reply(f.ctx, d.ID, author, body, false)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// notes returns "kind url" for each of a member's notifications, oldest first.
func (f *fixture) notes(memberID int64) []string {
	f.t.Helper()
	ns, err := f.notify.List(f.ctx, memberID, 100, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	out := []string{}
	for i := len(ns) - 1; i >= 0; i-- {
		out = append(out, ns[i].Kind+" "+ns[i].URL)
	}
	return out
}

func (f *fixture) searchRefs(q string) []string {
	f.t.Helper()
	hits, _, err := f.ix.Search(f.ctx, q, "en", search.Viewer{SignedIn: true}, 50)
	if err != nil {
		f.t.Fatal(err)
	}
	out := []string{}
	for _, h := range hits {
		if h.Kind == "discussion" {
			out = append(out, h.URL)
		}
	}
	return out
}

func gid(g *groups.Group) *int64 { return &g.ID }

func TestThreadsAndReplies(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ana, ben, cas := f.member("ana"), f.member("ben"), f.member("cas")
		th := f.thread(nil, ana, "  Finding a venue  ", "Who knows a **free** room?")
		if th.Title != "Finding a venue" || th.ReplyCount != 0 || th.Posts() != 1 || th.GroupID != nil || th.URL() != fmt.Sprintf("/discussions/%d", th.ID) {
			t.Fatalf("new thread: %+v", th)
		}
		r1 := f.reply(th, ben, "The library has one.")
		r2 := f.reply(th, cas, "Community centre too.")
		if r1.Position != 2 || r2.Position != 3 {
			t.Errorf("positions %d, %d; want 2, 3", r1.Position, r2.Position)
		}
		got, err := f.s.Discussion(f.ctx, th.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ReplyCount != 2 || got.LastPostAt.Before(th.LastPostAt) {
			t.Errorf("after two replies: %d replies, last post %v (started %v)", got.ReplyCount, got.LastPostAt, th.LastPostAt)
		}
		posts, err := f.s.Page(f.ctx, th.ID, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		var bodies []string
		for _, p := range posts {
			bodies = append(bodies, fmt.Sprintf("%d %s %s", p.Position, p.Author.Handle, p.Body))
		}
		want := []string{"1 ana Who knows a **free** room?", "2 ben The library has one.", "3 cas Community centre too."}
		if diff := cmp.Diff(want, bodies); diff != "" {
			t.Errorf("page 1 (-want +got):\n%s", diff)
		}
		// A reader who blocked ben has his post marked, and only his.
		if _, err := f.d.Exec(f.ctx, `INSERT INTO member_blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)`, cas, ben, time.Now()); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			reader int64
			want   []bool
		}{{cas, []bool{false, true, false}}, {ana, []bool{false, false, false}}, {0, []bool{false, false, false}}} {
			ps, err := f.s.Page(f.ctx, th.ID, 1, c.reader)
			if err != nil {
				t.Fatal(err)
			}
			var got []bool
			for _, p := range ps {
				got = append(got, p.AuthorBlocked)
			}
			if !slices.Equal(got, c.want) || len(ps) != 3 || ps[2].Body != "Community centre too." {
				t.Errorf("reader %d: blocked authors %v, want %v", c.reader, got, c.want)
			}
		}
		// The author and both repliers follow; each has read up to their post.
		for _, c := range []struct {
			who  int64
			read int
		}{{ana, 1}, {ben, 2}, {cas, 3}} {
			d, err := f.s.ForReader(f.ctx, th.ID, c.who)
			if err != nil {
				t.Fatal(err)
			}
			n := d.LastRead
			if !d.Following {
				t.Errorf("member %d does not follow the thread they wrote in", c.who)
			}
			if n != c.read {
				t.Errorf("member %d read up to %d, want %d", c.who, n, c.read)
			}
		}
		// Invalid input.
		if errs := (Input{Title: "ab", Body: " ", Lang: "fr"}).Check(); len(errs) != 3 {
			t.Errorf("Check of bad input: %v", errs)
		}
		if errs := (Input{Title: "Line\nbreak", Body: "x", Lang: ""}).Check(); errs["title"] != "field.one_line" || len(errs) != 1 {
			t.Errorf("Check of a title on two lines: %v", errs)
		}
		if k := CheckBody(strings.Repeat("a", BodyMax+1)); k != "discussions.body.too_long" {
			t.Errorf("CheckBody(too long) = %q", k)
		}
	})
}

func TestListOrderAndUnread(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ana, ben, mod := f.member("ana"), f.member("ben"), f.member("moddy")
		a := f.thread(nil, ana, "Oldest thread", "one")
		b := f.thread(nil, ana, "Middle thread", "two")
		c := f.thread(nil, ana, "Newest thread", "three")
		f.reply(a, ben, "a reply makes it the latest")
		f.reply(a, ana, "and another")
		if _, err := f.s.SetPinned(f.ctx, c.ID, mod, true); err != nil {
			t.Fatal(err)
		}
		hidden := f.thread(nil, ana, "Hidden thread", "rude")
		if err := f.s.HideDiscussion(f.ctx, d, hidden.ID, "spam"); err != nil {
			t.Fatal(err)
		}
		list := func(viewer int64, withHidden bool) []string {
			ds, total, err := f.s.List(f.ctx, ListQuery{ViewerID: viewer, WithHidden: withHidden, Page: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range ds {
				out = append(out, fmt.Sprintf("%s unread=%d", d.Title, d.Unread()))
			}
			if total != len(ds) {
				t.Errorf("total %d, listed %d", total, len(ds))
			}
			return out
		}
		// ben read a up to his reply (2 of 3), and never opened b or c.
		want := []string{"Newest thread unread=1", "Oldest thread unread=1", "Middle thread unread=1"}
		if diff := cmp.Diff(want, list(ben, false)); diff != "" {
			t.Errorf("ben's list (-want +got):\n%s", diff)
		}
		if err := f.s.MarkRead(f.ctx, ben, a.ID, 3); err != nil {
			t.Fatal(err)
		}
		if err := f.s.MarkRead(f.ctx, ben, a.ID, 1); err != nil { // an old page: the marker stays
			t.Fatal(err)
		}
		if d, _ := f.s.ForReader(f.ctx, a.ID, ben); d == nil || d.LastRead != 3 {
			t.Errorf("marker went back: %+v", d)
		}
		got := list(ben, false)
		if got[1] != "Oldest thread unread=0" {
			t.Errorf("after reading: %v", got)
		}
		if n := len(list(mod, true)); n != 4 {
			t.Errorf("moderators' list has %d threads, want 4 with the hidden one", n)
		}
		_ = b
		// Pinning again changes nothing and logs nothing more.
		if changed, err := f.s.SetPinned(f.ctx, c.ID, mod, true); err != nil || changed {
			t.Errorf("pinning a pinned thread: changed=%v err=%v", changed, err)
		}
		var logged int
		if err := d.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'discussion.pin' AND actor_id = ?`, mod).Scan(&logged); err != nil || logged != 1 {
			t.Errorf("audit entries for pinning: %d (%v), want 1", logged, err)
		}
	})
}

func TestLockEditHistory(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ana, ben, mod := f.member("ana"), f.member("ben"), f.member("moddy")
		th := f.thread(nil, ana, "Naloxone training", "First text")
		first, _ := f.s.Range(f.ctx, th.ID, 1, 1)
		p := first[0]
		if err := f.s.Edit(f.ctx, p.ID, ben, "", "Not mine"); !errors.Is(err, ErrNotAuthor) {
			t.Errorf("someone else edits: %v, want ErrNotAuthor", err)
		}
		if err := f.s.Edit(f.ctx, p.ID, ana, "Naloxone training on Friday", "Second text"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Edit(f.ctx, p.ID, ana, "", "Third text"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Edit(f.ctx, p.ID, ana, "", "Third text"); err != nil { // no change, no version
			t.Fatal(err)
		}
		p, _ = f.s.Post(f.ctx, p.ID)
		got, _ := f.s.Discussion(f.ctx, th.ID)
		if p.Body != "Third text" || p.EditedAt == nil || got.Title != "Naloxone training on Friday" {
			t.Errorf("after editing: body %q edited %v title %q", p.Body, p.EditedAt, got.Title)
		}
		vs, err := f.s.History(f.ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		var sum []string
		for _, v := range vs {
			sum = append(sum, fmt.Sprintf("%d %q %q current=%v", v.Number, v.Title, v.Body, v.Current))
		}
		want := []string{`1 "Naloxone training" "First text" current=false`, `2 "Naloxone training on Friday" "Second text" current=false`, `3 "" "Third text" current=true`}
		if diff := cmp.Diff(want, sum); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		if !vs[1].Written.Equal(*vs[0].Until) {
			t.Errorf("version 2 was written %v, version 1 replaced %v", vs[1].Written, *vs[0].Until)
		}

		// Locked: replies refused except from moderators; edits refused.
		if changed, err := f.s.SetLocked(f.ctx, th.ID, mod, true); err != nil || !changed {
			t.Fatalf("lock: %v %v", changed, err)
		}
		if _, err := f.s.Reply(f.ctx, th.ID, ben, "late", false); !errors.Is(err, ErrLocked) {
			t.Errorf("reply to a locked thread: %v", err)
		}
		if _, err := f.s.Reply(f.ctx, th.ID, mod, "Locked because the training is full.", true); err != nil {
			t.Errorf("a moderator's reply to a locked thread: %v", err)
		}
		if err := f.s.Edit(f.ctx, p.ID, ana, "", "Fourth"); !errors.Is(err, ErrLocked) {
			t.Errorf("edit in a locked thread: %v", err)
		}
		got, _ = f.s.Discussion(f.ctx, th.ID)
		if got.ReplyCount != 1 {
			t.Errorf("the refused reply was counted: %d replies", got.ReplyCount)
		}

		// Hidden posts keep their place and cannot be edited; restored they can.
		if _, err := f.s.SetLocked(f.ctx, th.ID, mod, false); err != nil {
			t.Fatal(err)
		}
		r := f.reply(th, ben, "something rude")
		err = d.Tx(f.ctx, func(tx *db.Tx) error { return f.s.HidePost(f.ctx, tx, r.ID, "rude") })
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.Edit(f.ctx, r.ID, ben, "", "sorry"); !errors.Is(err, ErrHidden) {
			t.Errorf("editing a hidden post: %v", err)
		}
		loc, err := f.s.LocatePost(f.ctx, d, r.ID)
		if err != nil || !loc.Hidden || loc.Title != got.Title || *loc.AuthorID != ben || loc.URL != fmt.Sprintf("/discussions/%d#post-3", th.ID) {
			t.Errorf("LocatePost: %+v %v", loc, err)
		}
		if err := f.s.RestorePost(f.ctx, d, r.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Edit(f.ctx, r.ID, ben, "", "sorry"); err != nil {
			t.Errorf("editing a restored post: %v", err)
		}
		if err := f.s.RestorePost(f.ctx, d, 999999); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("restoring no post: %v", err)
		}
	})
}

func TestNotifications(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ana, ben, cas, dan, out, smod := f.member("ana"), f.member("ben"), f.member("cas"), f.member("dan"), f.member("outsider"), f.member("sitemod")
		f.role(smod, "moderator")

		// Forum: the author follows; a reply tells her, not the replier.
		th := f.thread(nil, ana, "Users' union meeting", "When do we meet? @ben @nobody-here @ANA")
		if diff := cmp.Diff([]string{fmt.Sprintf("discussion.mention /discussions/%d#post-1", th.ID)}, f.notes(ben)); diff != "" {
			t.Errorf("ben mentioned in the first post (-want +got):\n%s", diff)
		}
		if n := f.notes(ana); len(n) != 0 {
			t.Errorf("ana mentioned herself and was told: %v", n)
		}
		f.reply(th, ben, "Tuesday suits me. @cas?")
		if diff := cmp.Diff([]string{fmt.Sprintf("discussion.reply /discussions/%d#post-2", th.ID)}, f.notes(ana)); diff != "" {
			t.Errorf("ana after ben's reply (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{fmt.Sprintf("discussion.mention /discussions/%d#post-1", th.ID)}, f.notes(ben)); diff != "" {
			t.Errorf("ben was told about his own reply (-want +got):\n%s", diff)
		}
		// cas is mentioned, not (yet) a follower: one mention.
		if diff := cmp.Diff([]string{fmt.Sprintf("discussion.mention /discussions/%d#post-2", th.ID)}, f.notes(cas)); diff != "" {
			t.Errorf("cas (-want +got):\n%s", diff)
		}
		// ben stops following: the next reply tells ana only.
		if err := f.s.Unfollow(f.ctx, ben, th.ID); err != nil {
			t.Fatal(err)
		}
		f.reply(th, dan, "Tuesday is fine.")
		if n := len(f.notes(ben)); n != 1 {
			t.Errorf("ben unfollowed and still heard: %v", f.notes(ben))
		}
		if n := len(f.notes(ana)); n != 2 {
			t.Errorf("ana: %v", f.notes(ana))
		}
		ns, _ := f.notify.List(f.ctx, ana, 1, 0)
		if diff := cmp.Diff(map[string]string{"a_who": "dan", "b_thread": "Users' union meeting"}, ns[0].Params); diff != "" {
			t.Errorf("params (-want +got):\n%s", diff)
		}

		// A members-only group: mentioning an outsider tells them nothing;
		// a follower who left the group hears nothing more.
		g := f.group("Riga peers", groups.MembersOnly, ana, ben)
		gt := f.thread(gid(g), ana, "Advisory board pay", "What do they pay? @outsider @ben @sitemod")
		if n := f.notes(out); len(n) != 0 {
			t.Errorf("an outsider was told about a members-only thread: %v", n)
		}
		if n := len(f.notes(smod)); n != 1 {
			t.Errorf("a site moderator (who may read every group) mentioned: %v", f.notes(smod))
		}
		f.reply(gt, ben, "Fifty euros a meeting.")
		if _, err := d.Exec(f.ctx, `DELETE FROM group_members WHERE group_id = ? AND member_id = ?`, g.ID, ana); err != nil {
			t.Fatal(err)
		}
		before := len(f.notes(ana))
		if _, err := d.Exec(f.ctx, `INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES (?, ?, 'member', ?)`, g.ID, cas, time.Now()); err != nil {
			t.Fatal(err)
		}
		f.reply(gt, cas, "And travel costs.")
		if n := len(f.notes(ana)); n != before {
			t.Errorf("ana left the members-only group and still heard of a reply")
		}
		// A public group: anyone mentioned may read it.
		pg := f.group("Open circle", groups.Public, ana)
		f.thread(gid(pg), ana, "Hello all", "Welcome @outsider")
		if n := len(f.notes(out)); n != 1 {
			t.Errorf("outsider mentioned in a public group: %v", f.notes(out))
		}

		// The recipient filter (blocks) drops members.
		f.s.SetRecipientFilter(func(ctx context.Context, q db.Querier, from int64, to []int64) ([]int64, error) {
			var keep []int64
			for _, id := range to {
				if id != ana {
					keep = append(keep, id)
				}
			}
			return keep, nil
		})
		before = len(f.notes(ana))
		f.reply(th, dan, "One more, @ana")
		if n := len(f.notes(ana)); n != before {
			t.Errorf("the filter did not drop ana: %v", f.notes(ana))
		}
	})
}

func TestSearchIndex(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ana, ben := f.member("ana"), f.member("ben")
		forum := f.thread(nil, ana, "Safe online channels", "Signal groups work well for us.")
		pub := f.group("Open circle", groups.Public, ana)
		pt := f.thread(gid(pub), ana, "Venue for the circle", "The library room is free on Mondays.")
		mem := f.group("Closed circle", groups.MembersOnly, ana)
		f.thread(gid(mem), ana, "Private venue talk", "The library basement, private.")
		sec := f.group("Secret circle", groups.Secret, ana)
		f.thread(gid(sec), ana, "Secret venue talk", "The library attic, secret.")

		want := []string{fmt.Sprintf("/groups/%s/discussions/%d", pub.Slug, pt.ID)}
		if diff := cmp.Diff(want, f.searchRefs("library")); diff != "" {
			t.Errorf("search for library (-want +got):\n%s", diff)
		}
		// Replies are found too, and hidden ones are not.
		r := f.reply(forum, ben, "Matrix rooms are an option too.")
		if got := f.searchRefs("matrix"); len(got) != 1 {
			t.Errorf("a reply's words are not found: %v", got)
		}
		if err := f.s.HidePost(f.ctx, d, r.ID, "off topic"); err != nil {
			t.Fatal(err)
		}
		if got := f.searchRefs("matrix"); len(got) != 0 {
			t.Errorf("a hidden reply is found: %v", got)
		}
		// A hidden thread leaves the index, and comes back when restored.
		if err := f.s.HideDiscussion(f.ctx, d, forum.ID, "test"); err != nil {
			t.Fatal(err)
		}
		if got := f.searchRefs("signal"); len(got) != 0 {
			t.Errorf("a hidden thread is found: %v", got)
		}
		if err := f.s.RestoreDiscussion(f.ctx, d, forum.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.searchRefs("signal"); len(got) != 1 {
			t.Errorf("a restored thread is not found: %v", got)
		}
		// The group turns members-only: its threads leave the index.
		if err := f.groups.Update(f.ctx, pub.ID, groups.Input{Name: pub.Name, Kind: pub.Kind, Visibility: groups.MembersOnly, Joining: pub.Joining}); err != nil {
			t.Fatal(err)
		}
		if got := f.searchRefs("library"); len(got) != 0 {
			t.Errorf("threads of a group that is now members-only are found: %v", got)
		}
		if err := f.groups.Update(f.ctx, pub.ID, groups.Input{Name: pub.Name, Kind: pub.Kind, Visibility: groups.Public, Joining: pub.Joining}); err != nil {
			t.Fatal(err)
		}
		if got := f.searchRefs("library"); len(got) != 1 {
			t.Errorf("threads of a group public again are not found: %v", got)
		}
	})
}

// fillThread adds n replies to a thread quickly, in one transaction, the
// way Reply numbers them.
func fillThread(t testing.TB, d *db.DB, th *Discussion, author int64, n int) {
	t.Helper()
	ctx := context.Background()
	start := time.Now().Add(-time.Duration(n) * time.Minute)
	err := d.Tx(ctx, func(tx *db.Tx) error {
		for i := 1; i <= n; i++ {
			if _, err := tx.Exec(ctx, `INSERT INTO posts (discussion_id, position, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)`,
				th.ID, i+1, author, "Reply number "+strconv.Itoa(i+1), start.Add(time.Duration(i)*time.Minute)); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `UPDATE discussions SET reply_count = ?, last_post_at = ? WHERE id = ?`, n, time.Now(), th.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLongThreadPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ana := f.member("ana")
		th := f.thread(nil, ana, "The long one", "Let us talk for a while.")
		fillThread(t, d, th, ana, 3000)
		th, _ = f.s.Discussion(f.ctx, th.ID)
		if th.Posts() != 3001 || th.Pages() != 101 {
			t.Fatalf("%d posts on %d pages", th.Posts(), th.Pages())
		}
		for _, c := range []struct{ page, first, n int }{{1, 1, PerPage}, {50, 49*PerPage + 1, PerPage}, {101, 3001, 1}, {102, 0, 0}} {
			ps, err := f.s.Page(f.ctx, th.ID, c.page, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != c.n || (c.n > 0 && (ps[0].Position != c.first || ps[len(ps)-1].Position != c.first+c.n-1)) {
				t.Errorf("page %d: %d posts from %v", c.page, len(ps), ps)
			}
		}
		// A reply after the bulk takes the next number.
		r := f.reply(th, ana, "And one more.")
		if r.Position != 3002 {
			t.Errorf("new reply at %d, want 3002", r.Position)
		}
		th, _ = f.s.Discussion(f.ctx, th.ID)
		th.LastRead = 2000
		if got, want := th.FirstUnreadURL(), fmt.Sprintf("/discussions/%d?page=67#post-2001", th.ID); got != want {
			t.Errorf("first unread %s, want %s", got, want)
		}
		// The page query reads the position index, not the table.
		if d.Dialect() == db.SQLite {
			rows, err := d.Query(f.ctx, `EXPLAIN QUERY PLAN SELECT `+postColumns+postFrom+`
				WHERE p.discussion_id = ? AND p.position BETWEEN ? AND ? ORDER BY p.position`, th.ID, 2971, 3000)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				rows.Scan(&id, &parent, &unused, &detail)
				plan = append(plan, detail)
			}
			rows.Close()
			if !strings.Contains(strings.Join(plan, "\n"), "USING INDEX posts_position") {
				t.Errorf("the page query does not use the position index:\n%s", strings.Join(plan, "\n"))
			}
		}
	})
}

// BenchmarkThreadPage reads a late page of a thread of 3,000 replies.
func BenchmarkThreadPage(b *testing.B) {
	run := func(b *testing.B, d *db.DB) {
		f := newFixture(b, d)
		ana := f.member("ana")
		th := f.thread(nil, ana, "The long one", "Let us talk for a while.")
		fillThread(b, d, th, ana, 3000)
		b.ResetTimer()
		for b.Loop() {
			ps, err := f.s.Page(f.ctx, th.ID, 95, 0)
			if err != nil || len(ps) != PerPage {
				b.Fatalf("%d posts, %v", len(ps), err)
			}
		}
	}
	b.Run("sqlite", func(b *testing.B) { run(b, testutil.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		u := testutil.PostgresURL(b)
		if u == "" {
			b.Skip("set INVOLVE_TEST_POSTGRES to run on PostgreSQL")
		}
		run(b, testutil.Postgres(b, u))
	})
}

func TestMemberData(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		for _, mode := range []memberdata.Mode{memberdata.Anonymise, memberdata.Remove} {
			t.Run(string(mode), func(t *testing.T) {
				f := newFixture(t, d)
				sfx := string(mode)[:3]
				ana, ben := f.member("ana"+sfx), f.member("ben"+sfx)
				shared := f.thread(nil, ana, "Shared thread "+sfx, "Ana's opening words")
				f.reply(shared, ben, "Ben's reply")
				p := f.reply(shared, ana, "Ana's reply")
				if err := f.s.Edit(f.ctx, p.ID, ana, "", "Ana's reply, edited"); err != nil {
					t.Fatal(err)
				}
				alone := f.thread(nil, ana, "Only Ana "+sfx, "Nobody answered")
				other := f.thread(nil, ben, "Ben's thread "+sfx, "Ben asks")
				if err := f.s.Follow(f.ctx, ana, other.ID); err != nil {
					t.Fatal(err)
				}

				part := DataPart{Store: f.s}
				exp, err := part.Export(f.ctx, d, ana)
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := json.Marshal(exp)
				var got struct {
					Threads []struct{ Title string } `json:"threads_started"`
					Posts   []struct {
						Body     string
						Previous []string `json:"earlier_versions"`
					} `json:"posts"`
					Follows []struct{ Thread string } `json:"following"`
				}
				json.Unmarshal(raw, &got)
				if len(got.Threads) != 2 || len(got.Posts) != 3 || len(got.Follows) != 3 ||
					got.Posts[1].Body != "Ana's reply, edited" || len(got.Posts[1].Previous) != 1 {
					t.Errorf("export: %s", raw)
				}

				err = d.Tx(f.ctx, func(tx *db.Tx) error {
					if err := part.Erase(f.ctx, tx, ana, mode); err != nil {
						return err
					}
					_, err := tx.Exec(f.ctx, `DELETE FROM members WHERE id = ?`, ana)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				posts, _ := f.s.Page(f.ctx, shared.ID, 1, 0)
				var sum []string
				for _, p := range posts {
					sum = append(sum, fmt.Sprintf("%d gone=%v removed=%v %s", p.Position, p.Author.Gone(), p.Removed(), p.Body))
				}
				want := []string{"1 gone=true removed=false Ana's opening words", "2 gone=false removed=false Ben's reply", "3 gone=true removed=false Ana's reply, edited"}
				if mode == memberdata.Remove {
					want = []string{"1 gone=true removed=true ", "2 gone=false removed=false Ben's reply", "3 gone=true removed=true "}
				}
				if diff := cmp.Diff(want, sum); diff != "" {
					t.Errorf("shared thread after erasing (-want +got):\n%s", diff)
				}
				_, err = f.s.Discussion(f.ctx, alone.ID)
				if mode == memberdata.Remove && !errors.Is(err, db.ErrNotFound) {
					t.Errorf("a thread only Ana wrote in is still there after remove: %v", err)
				}
				if mode == memberdata.Anonymise && err != nil {
					t.Errorf("a thread only Ana wrote in is gone after anonymise: %v", err)
				}
				var revs int
				d.QueryRow(f.ctx, `SELECT COUNT(*) FROM post_revisions WHERE post_id = ?`, p.ID).Scan(&revs)
				if wantRevs := map[memberdata.Mode]int{memberdata.Anonymise: 1, memberdata.Remove: 0}[mode]; revs != wantRevs {
					t.Errorf("%d earlier versions left, want %d", revs, wantRevs)
				}
				if mode == memberdata.Remove {
					for _, u := range f.searchRefs("opening") {
						if u == shared.URL() {
							t.Errorf("removed words are still found in %s", u)
						}
					}
				}
			})
		}
	})
}

func TestRenderAndQuote(t *testing.T) {
	for _, c := range []struct{ in, want, not string }{
		{"hello <script>alert(1)</script>", "hello", "<script"},
		{"<script>alert(1)</script>", "", "<script"},
		{`[click](javascript:alert(1))`, "click", "javascript:"},
		{`<img src=x onerror=alert(1)>`, "", "onerror"},
		{`![a cat](https://example.org/cat.png)`, `<a href="https://example.org/cat.png" rel="nofollow noreferrer">a cat</a>`, "<img"},
		{`# Big heading`, "<h3>Big heading</h3>", "<h1"},
		{`see https://example.org`, `<a href="https://example.org" rel="nofollow noreferrer">`, ""},
		{`**bold** and ~~gone~~`, "<strong>bold</strong>", ""},
	} {
		got := string(Render(c.in))
		if !strings.Contains(got, c.want) || (c.not != "" && strings.Contains(got, c.not)) {
			t.Errorf("Render(%q) = %q, want %q and no %q", c.in, got, c.want, c.not)
		}
	}

	p := &Post{Position: 7, Body: "> an older quote\nLine one\n\nLine two [x]"}
	q := Quote(p, "mira [peer] wrote")
	want := "> [mira \\[peer\\] wrote](#post-7):\n>\n> Line one\n>\n> Line two [x]\n\n"
	if q != want {
		t.Errorf("Quote = %q, want %q", q, want)
	}
	h := Render(q + "My answer")
	if !strings.Contains(string(h), `<a href="#post-7"`) || strings.Contains(string(h), "older quote") {
		t.Errorf("rendered quote: %s", h)
	}
	d := &Discussion{ID: 4}
	if got := string(LinkPosts(h, d, 31, 60)); !strings.Contains(got, `href="/discussions/4#post-7"`) {
		t.Errorf("LinkPosts from page 2: %s", got)
	}
	if got := string(LinkPosts(Render("[x](#post-45)"), d, 1, 30)); !strings.Contains(got, `href="/discussions/4?page=2#post-45"`) {
		t.Errorf("LinkPosts to page 2: %s", got)
	}
	if got := string(LinkPosts(h, d, 1, 30)); !strings.Contains(got, `href="#post-7"`) {
		t.Errorf("LinkPosts on the same page: %s", got)
	}

	for _, c := range []struct{ body, thread, want string }{
		{"Мы встречаемся в четверг. OK?", "en", "ru"},
		{"We meet on Thursday.", "en", "en"},
		{"We meet on Thursday.", "ru", "en"},
		{"The meeting is on Thursday, and we have tea.", "ru", "en"},
		{"Wij zien elkaar donderdag en het is in de bibliotheek.", "ru", "nl"},
		{"OK", "ru", "en"},
		{"12:00", "ru", "ru"},
		{"Wij zien elkaar donderdag.", "nl", "nl"},
		{"12:00", "", ""},
	} {
		if got := PostLang(c.body, c.thread); got != c.want {
			t.Errorf("PostLang(%q, %q) = %q, want %q", c.body, c.thread, got, c.want)
		}
	}

	body := "Hi @Mira and @sasha_k, mail me at x@example.org\n> @quoted\n`@code` @ab @mira again"
	if diff := cmp.Diff([]string{"mira", "sasha_k"}, Mentions(body)); diff != "" {
		t.Errorf("Mentions (-want +got):\n%s", diff)
	}
}
