package demo

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/search"
	"involve/internal/testutil"
)

// TestScale generates the large data set at a tiny size on each database
// and checks that what it reports is what the database holds, that the
// promised thread has its replies and that the generated threads are
// found by search.
func TestScale(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, err := app.New(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Fill(ctx, a); err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		members, threads, posts := count(`SELECT COUNT(*) FROM members`), count(`SELECT COUNT(*) FROM discussions`), count(`SELECT COUNT(*) FROM posts`)
		groupCount, docs := count(`SELECT COUNT(*) FROM groups`), count(`SELECT COUNT(*) FROM search_documents`)
		meetingCount := count(`SELECT COUNT(*) FROM meetings`)

		const n = 0.004 // 40 members, 2 groups, 20 threads, 800 replies
		res, err := Scale(ctx, a, n)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][2]int{
			"members":     {res.Members, sized(ScaleMembers, n)},
			"groups":      {res.Groups, sized(ScaleGroups, n)},
			"discussions": {res.Discussions, sized(ScaleDiscussions, n)},
			"replies":     {res.Replies, sized(ScaleReplies, n)},
			"meetings":    {res.Meetings, sized(ScaleMeetings, n)},
		}
		for what, v := range want {
			if v[0] != v[1] {
				t.Errorf("%s: made %d, want %d", what, v[0], v[1])
			}
		}
		if got := count(`SELECT COUNT(*) FROM members`) - members; got != res.Members {
			t.Errorf("members in the database: %d more, want %d", got, res.Members)
		}
		if got := count(`SELECT COUNT(*) FROM groups`) - groupCount; got != res.Groups {
			t.Errorf("groups in the database: %d more, want %d", got, res.Groups)
		}
		if got := count(`SELECT COUNT(*) FROM discussions`) - threads; got != res.Discussions {
			t.Errorf("discussions in the database: %d more, want %d", got, res.Discussions)
		}
		if got := count(`SELECT COUNT(*) FROM posts`) - posts; got != res.Discussions+res.Replies {
			t.Errorf("posts in the database: %d more, want %d", got, res.Discussions+res.Replies)
		}
		if got := count(`SELECT COUNT(*) FROM meetings`) - meetingCount; got != res.Meetings {
			t.Errorf("meetings in the database: %d more, want %d", got, res.Meetings)
		}
		mt, err := a.Meetings.Meeting(ctx, mustID(t, res.MeetingURL))
		if err != nil || mt.GroupID == nil || mt.Status != "scheduled" {
			t.Errorf("meeting %s: %+v, %v", res.MeetingURL, mt, err)
		}
		if got := count(`SELECT COUNT(*) FROM search_documents`) - docs; got != res.SearchDocuments || got == 0 {
			t.Errorf("search documents: %d more, want %d (and some)", got, res.SearchDocuments)
		}
		// Counters agree with the posts, positions run 1..n without gaps.
		if bad := count(`SELECT COUNT(*) FROM discussions d WHERE d.reply_count + 1 <>
			(SELECT COUNT(*) FROM posts p WHERE p.discussion_id = d.id) OR d.reply_count + 1 <>
			(SELECT MAX(position) FROM posts p WHERE p.discussion_id = d.id)`); bad != 0 {
			t.Errorf("%d threads whose reply count disagrees with their posts", bad)
		}

		g, err := a.Groups.BySlug(ctx, res.GroupURL[len("/groups/"):])
		if err != nil {
			t.Fatal(err)
		}
		if g.Visibility != "public" || g.Members < 3 {
			t.Errorf("largest group: %s with %d members", g.Visibility, g.Members)
		}
		var id int64
		if err := d.QueryRow(ctx, `SELECT id FROM discussions WHERE group_id = ? AND reply_count = ? ORDER BY id LIMIT 1`, g.ID, ThreadReplies).Scan(&id); err != nil {
			t.Fatalf("no thread with %d replies in %s: %v", ThreadReplies, g.Slug, err)
		}
		dd, err := a.Discussions.Discussion(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if dd.URL() != res.ThreadURL {
			t.Errorf("thread URL %s, reported %s", dd.URL(), res.ThreadURL)
		}
		page, err := a.Discussions.Page(ctx, id, 2, 0)
		if err != nil || len(page) != ThreadReplies+1-30 {
			t.Errorf("second page of the thread: %d posts, %v", len(page), err)
		}

		// The thread's words are found, as the store would index them.
		hits, _, err := a.Search.Search(ctx, dd.Title, "en", search.Viewer{}, 500)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hits {
			found = found || h.URL == res.ThreadURL
		}
		if !found {
			t.Errorf("search for %q: %d hits, none is %s", dd.Title, len(hits), res.ThreadURL)
		}

		// A generated member signs in with the demo passphrase, and
		// later rows get fresh ids (PostgreSQL's sequences moved on).
		var handle string
		if err := d.QueryRow(ctx, `SELECT handle FROM members ORDER BY id DESC LIMIT 1`).Scan(&handle); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Accounts.Authenticate(ctx, handle, Passphrase); err != nil {
			t.Errorf("sign in as %s: %v", handle, err)
		}
		m, _, err := a.Accounts.Create(ctx, "after-scale", Passphrase)
		if err != nil {
			t.Fatalf("a member after the scale data: %v", err)
		}
		if _, err := a.Discussions.Reply(ctx, id, m.ID, "One more reply after the generated ones.", false); err != nil {
			t.Errorf("a reply after the scale data: %v", err)
		}
	})
}

// mustID is the number at the end of a URL.
func mustID(t *testing.T, url string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(url[strings.LastIndex(url, "/")+1:], 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return id
}
