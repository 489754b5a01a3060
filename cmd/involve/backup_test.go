package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"involve/internal/db"
	"involve/internal/demo"
)

// tableCounts counts the rows of every table in a SQLite file, and tells
// which are the full-text index's own (shadow) tables, whose rows come and
// go as the index merges.
func tableCounts(t *testing.T, path string) (counts map[string]int64, shadow map[string]bool) {
	t.Helper()
	c, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rows, err := c.Query(`SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	shadow = map[string]bool{}
	for rows.Next() {
		var n, kind string
		rows.Scan(&n, &kind)
		names = append(names, n)
		shadow[n] = kind == "shadow"
	}
	rows.Close()
	counts = map[string]int64{}
	for _, n := range names {
		var k int64
		if err := c.QueryRow(`SELECT COUNT(*) FROM "` + n + `"`).Scan(&k); err != nil {
			t.Fatalf("count %s: %v", n, err)
		}
		counts[n] = k
	}
	return counts, shadow
}

// TestBackupRestoreRoundTrip backs up the demo database of a running
// server while a member keeps replying, restores the backup into a new
// path and finds every table as the backup had it, and the demo members
// able to sign in. The server is the real binary, so the backup is taken
// from another process, as an operator's would be (and the demo content
// is made at full speed, not under the race detector).
func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	live := filepath.Join(data, "involve.db")
	n := startNode(t, "demo server", live, data, "--demo")
	mira := newBrowser()
	if r, err := mira.post(n.URL+"/login", url.Values{"handle": {"mira"}, "password": {demo.Passphrase}}); err != nil || r.Status != http.StatusSeeOther {
		t.Fatalf("mira signs in: %v %d", err, r.Status)
	}
	r, err := mira.newThread(n.URL, "Backup night", "Replies keep coming.")
	if err != nil || r.Status != http.StatusSeeOther {
		t.Fatalf("new thread: %v %d", err, r.Status)
	}
	thread := r.Location
	before, _ := tableCounts(t, live)

	stop, done, started := make(chan struct{}), make(chan int), make(chan struct{})
	go func() {
		k := 0 // acknowledged replies
		defer func() { done <- k }()
		for {
			if k == 10 {
				close(started)
			}
			select {
			case <-stop:
				return
			default:
			}
			r, err := mira.post(n.URL+thread+"/replies", url.Values{"body": {"Reply " + strconv.Itoa(k)}})
			if err != nil || r.Status != http.StatusSeeOther {
				t.Errorf("reply: %v %d", err, r.Status)
				return
			}
			k++
		}
	}()
	<-started
	backupFile := filepath.Join(t.TempDir(), "nightly.db")
	var out, errb bytes.Buffer
	err = run(ctx, []string{"backup", "--db", live, "--to", backupFile}, nil, &out, &errb)
	close(stop)
	replies := <-done
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "integrity checked") {
		t.Errorf("backup said %q", out.String())
	}
	after, _ := tableCounts(t, live)
	saved, shadow := tableCounts(t, backupFile)
	t.Logf("%d replies acknowledged from just before the backup until it ended; the backup holds %d posts (before %d, after %d)", replies, saved["posts"], before["posts"], after["posts"])
	if saved["posts"] <= before["posts"] {
		t.Errorf("the backup began before the replies it should hold")
	}
	for name, n := range saved {
		if !shadow[name] && (n < before[name] || n > after[name]) {
			t.Errorf("backup: table %s has %d rows; before the backup %d, after %d", name, n, before[name], after[name])
		}
	}
	if len(saved) != len(after) {
		t.Errorf("backup has %d tables, the database %d", len(saved), len(after))
	}
	// The server holds the live database: restore must not replace it.
	if err := run(ctx, []string{"restore", "--db", live, "--from", backupFile, "--force"}, nil, &out, &errb); !errors.Is(err, db.ErrInUse) {
		t.Fatalf("restore over the served database: %v", err)
	}
	n.stop()

	restored := filepath.Join(t.TempDir(), "restored", "involve.db")
	out.Reset()
	if err := run(ctx, []string{"restore", "--data", filepath.Dir(restored), "--from", backupFile}, nil, &out, &errb); err != nil {
		t.Fatalf("restore: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "Restored") {
		t.Errorf("restore said %q", out.String())
	}
	got, _ := tableCounts(t, restored)
	for name, n := range saved {
		if got[name] != n {
			t.Errorf("restored table %s has %d rows, the backup %d", name, got[name], n)
		}
	}
	// A second restore over the first needs --force.
	if err := run(ctx, []string{"restore", "--db", restored, "--from", backupFile}, nil, &out, &errb); !errors.Is(err, db.ErrHasData) {
		t.Errorf("restore over data without --force: %v", err)
	}

	// The restored database serves, and mira signs in to it.
	n = startNode(t, "restored server", restored, filepath.Dir(restored))
	again := newBrowser()
	if r, err := again.post(n.URL+"/login", url.Values{"handle": {"mira"}, "password": {demo.Passphrase}}); err != nil || r.Status != http.StatusSeeOther {
		t.Errorf("mira cannot sign in to the restored database: %v %d", err, r.Status)
	}
	if r, err := again.get(n.URL + thread); err != nil || r.Status != http.StatusOK || !strings.Contains(r.Body, "Backup night") {
		t.Errorf("the thread after restore: %v %d", err, r.Status)
	}
	n.stop()
}

func TestBackupRestoreOnPostgresPointsToPgDump(t *testing.T) {
	url := "postgres://involve@db.example/involve"
	for _, args := range [][]string{
		{"backup", "--db", url, "--to", filepath.Join(t.TempDir(), "x.db")},
		{"restore", "--db", url, "--from", filepath.Join(t.TempDir(), "x.db")},
	} {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, nil, &out, &errb)
		if err == nil || !strings.Contains(errb.String(), "pg_dump --format=custom") || !strings.Contains(errb.String(), "pg_restore") {
			t.Errorf("%s on PostgreSQL: %v\n%s", args[0], err, errb.String())
		}
	}
}

func TestBackupNeedsATarget(t *testing.T) {
	var out, errb bytes.Buffer
	dir := t.TempDir()
	for _, args := range [][]string{
		{"backup", "--db", filepath.Join(dir, "x.db")},
		{"backup", "--db", filepath.Join(dir, "missing.db"), "--to", filepath.Join(dir, "b.db")},
		{"restore", "--db", filepath.Join(dir, "x.db")},
	} {
		if err := run(context.Background(), args, nil, &out, &errb); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
