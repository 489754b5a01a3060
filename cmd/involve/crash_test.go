package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"involve/internal/db"
)

// TestCrashKeepsAcknowledgedWrites runs the real server, has several
// members post and reply at once, kills the process with SIGKILL at a
// random moment, starts it again on the same database, and checks that
// every write the server acknowledged (its 303) is there, once, and that
// the database is consistent. On SQLite it also backs the database up
// from another process while the writes go on, and checks that restore
// refuses to replace the database under the restarted server.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	for name, dbURL := range dbURLs(t) {
		t.Run(name, func(t *testing.T) {
			crashRun(t, name, dbURL)
		})
	}
}

// ack is one acknowledged write: a thread (title) or a reply (body).
type ack struct {
	thread bool
	text   string
}

func crashRun(t *testing.T, dialect, dbURL string) {
	ctx := context.Background()
	data := t.TempDir()
	n := startNode(t, "first run", dbURL, data)

	const members, writersPerMember = 4, 2
	var browsers []*browser
	var threads []string // addresses of threads to reply in
	for i := range members {
		b := newBrowser()
		b.signup(t, n.URL, fmt.Sprintf("crash-peer-%d", i))
		r, err := b.newThread(n.URL, fmt.Sprintf("Crash test thread %d", i), "Where we meet.")
		if err != nil || r.Status != http.StatusSeeOther {
			t.Fatalf("first thread: %v %d", err, r.Status)
		}
		browsers = append(browsers, b)
		threads = append(threads, r.Location)
	}

	var (
		mu     sync.Mutex
		acked  []ack
		failed []string // answers that are neither an acknowledgement nor the server gone
		wg     sync.WaitGroup
	)
	for w := range members * writersPerMember {
		b := browsers[w%members]
		wg.Go(func() {
			for i := 0; ; i++ {
				var r reply
				var err error
				var a ack
				if i%10 == 9 {
					a = ack{thread: true, text: fmt.Sprintf("Crash test thread w%d-%d", w, i)}
					r, err = b.newThread(n.URL, a.text, "A new thread.")
				} else {
					a = ack{text: fmt.Sprintf("crash reply w%d-%d", w, i)}
					r, err = b.post(n.URL+threads[(w+i)%len(threads)]+"/replies", url.Values{"body": {a.text}})
				}
				if err != nil {
					return // the server is gone; this write was never acknowledged
				}
				mu.Lock()
				if r.Status == http.StatusSeeOther {
					acked = append(acked, a)
				} else {
					failed = append(failed, fmt.Sprintf("%q: status %d", a.text, r.Status))
				}
				mu.Unlock()
			}
		})
	}

	if dialect == "sqlite" {
		// A backup taken from another process while the server writes.
		var out, errb bytes.Buffer
		if err := run(ctx, []string{"backup", "--db", dbURL, "--to", filepath.Join(t.TempDir(), "during.db")}, nil, &out, &errb); err != nil {
			t.Errorf("backup during writes: %v\n%s", err, errb.String())
		}
	}
	// Let the writes run for a moment: half a second and at least 50
	// acknowledged, then a random further 0–2 s, then the plug is pulled.
	start := time.Now()
	for ; ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		k := len(acked)
		mu.Unlock()
		if k >= 50 && time.Since(start) > 500*time.Millisecond {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("only %d writes acknowledged in 20s:\n%s", k, n.out.String())
		}
	}
	time.Sleep(time.Duration(rand.Int64N(int64(2 * time.Second))))
	n.kill()
	wg.Wait()
	t.Logf("killed after %v of writes, with %d acknowledged", time.Since(start).Round(time.Millisecond), len(acked))
	if len(failed) > 0 {
		t.Errorf("%d writes answered with an error before the kill, e.g. %s", len(failed), failed[0])
	}

	n = startNode(t, "after the crash", dbURL, data)
	// The restarted server takes writes and shows what was acknowledged.
	b := browsers[0]
	r, err := b.post(n.URL+threads[0]+"/replies", url.Values{"body": {"After the crash"}})
	if err != nil || r.Status != http.StatusSeeOther {
		t.Fatalf("reply after restart: %v %d", err, r.Status)
	}
	if r, err := b.get(n.URL + r.Location); err != nil || r.Status != http.StatusOK || !strings.Contains(r.Body, "After the crash") {
		t.Errorf("the reply's page after restart: %v %d", err, r.Status)
	}
	if dialect == "sqlite" {
		var out, errb bytes.Buffer
		backupFile := filepath.Join(t.TempDir(), "after.db")
		if err := run(ctx, []string{"backup", "--db", dbURL, "--to", backupFile}, nil, &out, &errb); err != nil {
			t.Fatalf("backup: %v", err)
		}
		if err := run(ctx, []string{"restore", "--db", dbURL, "--from", backupFile, "--force"}, nil, &out, &errb); !errors.Is(err, db.ErrInUse) {
			t.Errorf("restore under a running server: %v", err)
		}
	}
	// Opened only now: restore must have been refused for the server's
	// sake, not this connection's.
	d, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	checkAcked(t, d, acked)
	checkDiscussions(t, d)
	n.stop()
	checkIntegrity(t, d)
}

// checkAcked finds every acknowledged thread and reply exactly once.
func checkAcked(t *testing.T, d *db.DB, acked []ack) {
	t.Helper()
	ctx := context.Background()
	have := map[string]int{}
	for _, q := range []string{
		`SELECT title FROM discussions WHERE title LIKE 'Crash test thread w%'`,
		`SELECT body FROM posts WHERE body LIKE 'crash reply w%'`,
	} {
		rows, err := d.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			have[s]++
		}
		rows.Close()
	}
	lost := 0
	for _, a := range acked {
		switch have[a.text] {
		case 1:
		case 0:
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged write lost: %q", a.text)
			}
		default:
			t.Errorf("%q is there %d times", a.text, have[a.text])
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged writes lost", lost, len(acked))
	}
	t.Logf("%d acknowledged writes all found; %d unacknowledged ones also landed", len(acked), len(have)-len(acked))
}

// checkDiscussions checks what each transaction keeps together: a thread's
// reply count matches its posts, positions run 1…n without a gap, and
// every visible thread is in the search index.
func checkDiscussions(t *testing.T, d *db.DB) {
	t.Helper()
	var bad int
	err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM discussions d WHERE
		d.reply_count + 1 <> (SELECT COUNT(*) FROM posts p WHERE p.discussion_id = d.id)
		OR d.reply_count + 1 <> (SELECT MAX(position) FROM posts p WHERE p.discussion_id = d.id)
		OR (d.hidden_at IS NULL AND NOT EXISTS (SELECT 1 FROM search_documents s WHERE s.kind = 'discussion' AND s.ref = CAST(d.id AS TEXT)))`).Scan(&bad)
	if err != nil {
		t.Fatal(err)
	}
	if bad > 0 {
		t.Errorf("%d threads whose counters, positions or search entry disagree with their posts", bad)
	}
}

// checkIntegrity runs the database's own checks once the server is down:
// on SQLite the page-level integrity check, the foreign keys and the
// full-text index against its table; on PostgreSQL, which enforces foreign
// keys itself, that no row points at a missing one.
func checkIntegrity(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	if d.Dialect() == db.SQLite {
		var ok string
		if err := d.QueryRow(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
			t.Errorf("integrity_check: %q %v", ok, err)
		}
		rows, err := d.Query(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			t.Fatal(err)
		}
		if rows.Next() {
			t.Error("foreign_key_check found rows pointing at missing ones")
		}
		rows.Close()
		if _, err := d.Exec(ctx, `INSERT INTO search_fts(search_fts) VALUES ('integrity-check')`); err != nil {
			t.Errorf("full-text index: %v", err)
		}
		return
	}
	var orphans int
	err := d.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM discussions d WHERE d.id = p.discussion_id)) +
		(SELECT COUNT(*) FROM posts p WHERE p.author_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM members m WHERE m.id = p.author_id)) +
		(SELECT COUNT(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.id = s.member_id)) +
		(SELECT COUNT(*) FROM discussion_follows f WHERE NOT EXISTS (SELECT 1 FROM discussions d WHERE d.id = f.discussion_id))`).Scan(&orphans)
	if err != nil || orphans != 0 {
		t.Errorf("rows pointing at missing ones: %d %v", orphans, err)
	}
}
