package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"involve/internal/app"
	"involve/internal/db"
	"involve/internal/demo"
	"involve/internal/discussions"
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

// TestBackupRestoreRoundTrip backs up the demo database while replies keep
// coming, restores the backup into a new path and finds every table as the
// backup had it, and the demo members able to sign in.
func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	a, err := app.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := demo.Fill(ctx, a); err != nil {
		t.Fatal(err)
	}
	mira, err := a.Accounts.ByHandle(ctx, "mira")
	if err != nil {
		t.Fatal(err)
	}
	thread, err := a.Discussions.Create(ctx, nil, mira.ID, discussions.Input{Title: "Backup night", Body: "Replies keep coming.", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := tableCounts(t, live)

	stop, done, started := make(chan struct{}), make(chan int), make(chan struct{})
	go func() {
		n := 0
		defer func() { done <- n }()
		for {
			if n == 10 {
				close(started)
			}
			select {
			case <-stop:
				return
			default:
			}
			if _, err := a.Discussions.Reply(ctx, thread.ID, mira.ID, "Reply "+strconv.Itoa(n), false); err != nil {
				t.Errorf("reply: %v", err)
				return
			}
			n++
		}
	}()
	<-started
	backupFile := filepath.Join(dir, "nightly.db")
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
	t.Logf("%d replies written from just before the backup until it ended; the backup holds %d posts (before %d, after %d)", replies, saved["posts"], before["posts"], after["posts"])
	for name, n := range saved {
		if !shadow[name] && (n < before[name] || n > after[name]) {
			t.Errorf("backup: table %s has %d rows; before the backup %d, after %d", name, n, before[name], after[name])
		}
	}
	if len(saved) != len(after) {
		t.Errorf("backup has %d tables, the database %d", len(saved), len(after))
	}

	// The live database is open here, as a server would hold it.
	if err := run(ctx, []string{"restore", "--db", live, "--from", backupFile, "--force"}, nil, &out, &errb); !errors.Is(err, db.ErrInUse) {
		t.Fatalf("restore over the open database: %v", err)
	}

	restored := filepath.Join(dir, "restored", "involve.db")
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

	r, err := app.Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, handle := range []string{"mira", "demo-admin"} {
		if _, err := r.Accounts.Authenticate(ctx, handle, demo.Passphrase); err != nil {
			t.Errorf("%s cannot sign in to the restored database: %v", handle, err)
		}
	}
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
