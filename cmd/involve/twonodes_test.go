package main

import (
	"context"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"involve/internal/accounts"
	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/notify"
	"involve/internal/testutil"
)

// TestTwoNodes runs two `involve serve` processes on one PostgreSQL
// database, each on its own port and data directory, with nothing in
// front: a member signs in on one and carries on with the same cookie on
// the other, and bursts of notification emails are sent by the two nodes
// together, each email exactly once.
func TestTwoNodes(t *testing.T) {
	base := testutil.PostgresURL(t)
	if base == "" {
		t.Skip("two nodes need PostgreSQL: set INVOLVE_TEST_POSTGRES")
	}
	ctx := context.Background()
	dbURL, _ := testutil.NewPostgresSchema(t, base)
	// The same on every node: links in emails start with it. (Plain http
	// here, so that the test's cookies are not Secure-only.)
	publicURL := "--public-url=http://involve.example.org"
	dataA, dataB := t.TempDir(), t.TempDir()
	// Started together on an empty schema: they take turns migrating.
	a := launchNode(t, "node A", dbURL, dataA, publicURL)
	b := launchNode(t, "node B", dbURL, dataB, publicURL)
	a.waitHealthy()
	b.waitHealthy()

	// One member, one cookie, two nodes.
	peer := newBrowser()
	peer.signup(t, a.URL, "two-node-peer")
	token := peer.session(a.URL)
	if r, err := peer.get(b.URL + "/me"); err != nil || r.Status != http.StatusOK || !strings.Contains(r.Body, "two-node-peer") {
		t.Fatalf("node B does not know the session from node A: %v %d", err, r.Status)
	}
	r, err := peer.newThread(b.URL, "Meeting rooms across town", "Which rooms are free on Thursdays?")
	if err != nil || r.Status != http.StatusSeeOther {
		t.Fatalf("new thread on node B: %v %d", err, r.Status)
	}
	thread := r.Location
	if r, err := peer.get(a.URL + thread); err != nil || r.Status != http.StatusOK || !strings.Contains(r.Body, "Meeting rooms across town") {
		t.Fatalf("node A does not show node B's thread: %v %d", err, r.Status)
	}
	r, err = peer.post(a.URL+thread+"/replies", url.Values{"body": {"The library has one."}})
	if err != nil || r.Status != http.StatusSeeOther {
		t.Fatalf("reply on node A: %v %d", err, r.Status)
	}
	if r, err := peer.get(b.URL + r.Location); err != nil || r.Status != http.StatusOK || !strings.Contains(r.Body, "The library has one.") {
		t.Fatalf("node B does not show node A's reply: %v %d", err, r.Status)
	}

	// A burst of notifications that need emailing: followers of the thread
	// who asked for email straight away.
	st, err := app.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	threadID, err := strconv.ParseInt(strings.TrimPrefix(thread, "/discussions/"), 10, 64)
	if err != nil {
		t.Fatalf("thread address %q", thread)
	}
	const followers = 16
	want := map[string]bool{}
	for i := range followers {
		// Followers never sign in, so they are written directly, without
		// the cost of hashing a passphrase under the race detector.
		handle, addr := fmt.Sprintf("follower-%d", i), fmt.Sprintf("follower-%d@example.org", i)
		now := time.Now()
		// Their addresses are confirmed (see notify/confirm.go).
		id, err := db.InsertID(ctx, st.DB, `INSERT INTO members (handle, handle_key, passphrase_hash, email, email_confirmed, email_vis, created_at, passphrase_set_at)
			VALUES (?, ?, 'none', ?, ?, ?, ?, ?)`, handle, handle, addr, addr, accounts.OnlyMe, now, now)
		if err != nil {
			t.Fatal(err)
		}
		want[addr] = true
		if err := st.Notify.SetEmailMode(ctx, id, notify.EmailImmediate); err != nil {
			t.Fatal(err)
		}
		if err := st.Discussions.Follow(ctx, id, threadID); err != nil {
			t.Fatal(err)
		}
	}
	// Three bursts, each a new race between the nodes for the same jobs.
	const bursts = 3
	for burst := range bursts {
		for i, n := range []*node{a, b, a} {
			r, err := peer.post(n.URL+thread+"/replies", url.Values{"body": {fmt.Sprintf("News %d.%d for everyone following.", burst, i)}})
			if err != nil || r.Status != http.StatusSeeOther {
				t.Fatalf("reply on %s: %v %d", n.name, err, r.Status)
			}
		}
		// An immediate email waits a minute, so that a burst becomes one
		// email; the test does not wait that long.
		if _, err := st.DB.Exec(ctx, `UPDATE jobs SET run_at = ? WHERE kind = 'notify.email' AND done_at IS NULL`, time.Now()); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			var waiting int
			if err := st.DB.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.email' AND done_at IS NULL`).Scan(&waiting); err != nil {
				t.Fatal(err)
			}
			if waiting == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d email jobs still waiting after 30s\nnode A:\n%s\nnode B:\n%s", waiting, a.out.String(), b.out.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	got := map[string]int{}
	perNode := map[string]int{}
	for name, dir := range map[string]string{"A": dataA, "B": dataB} {
		files, _ := filepath.Glob(filepath.Join(dir, "mail", "*.eml"))
		perNode[name] = len(files)
		for _, f := range files {
			got[emailTo(t, f)]++
		}
	}
	t.Logf("emails written: %d by node A, %d by node B", perNode["A"], perNode["B"])
	for addr := range want {
		if got[addr] != bursts {
			t.Errorf("%s got %d emails, want exactly %d, one a burst", addr, got[addr], bursts)
		}
	}
	for addr, k := range got {
		if !want[addr] {
			t.Errorf("unexpected email to %s (%d)", addr, k)
		}
	}
	var unsent, digests int
	if err := st.DB.QueryRow(ctx, `SELECT COUNT(*) FROM notifications n JOIN notify_prefs p ON p.member_id = n.member_id
		WHERE p.email_mode = 'immediate' AND n.emailed_at IS NULL`).Scan(&unsent); err != nil || unsent != 0 {
		t.Errorf("%d notifications not marked emailed (%v)", unsent, err)
	}
	// The daily digest is one waiting job, however many nodes scheduled it.
	if err := st.DB.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.digest' AND done_at IS NULL`).Scan(&digests); err != nil || digests != 1 {
		t.Errorf("%d daily digest jobs waiting, want 1 (%v)", digests, err)
	}

	// Signing out on node B ends the session on node A too.
	if r, err := peer.post(b.URL+"/logout", nil); err != nil || r.Status != http.StatusSeeOther {
		t.Fatalf("sign out on node B: %v %d", err, r.Status)
	}
	replay := newBrowser()
	replay.setSession(a.URL, token)
	if r, err := replay.get(a.URL + "/me"); err != nil || r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("the signed-out session still works on node A: %v %d %q", err, r.Status, r.Location)
	}
	a.stop()
	b.stop()
}

// emailTo reads the recipient of an .eml file.
func emailTo(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	to, err := mail.ParseAddress(m.Header.Get("To"))
	if err != nil {
		t.Fatalf("%s: To: %v", path, err)
	}
	return to.Address
}
