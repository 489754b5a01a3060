package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"involve/internal/db"
	"involve/internal/email"
	"involve/internal/i18n"
	"involve/internal/jobs"
	"involve/internal/memberdata"
	"involve/internal/testutil"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// outbox is a Sender that keeps what it is given.
type outbox struct {
	mu     sync.Mutex
	sent   []email.Message
	fail   func(m email.Message) error
	during func() // runs while "sending", before the job finishes
}

func (o *outbox) Send(_ context.Context, m email.Message) error {
	if o.during != nil {
		o.during()
	}
	if o.fail != nil {
		if err := o.fail(m); err != nil {
			return err
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

func (o *outbox) Describe() string { return "a test outbox" }

func (o *outbox) take() []email.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := o.sent
	o.sent = nil
	return out
}

// fixture is a notification centre with a mailer and a runner on one
// clock, starting on a Monday at 10:00 UTC.
type fixture struct {
	d      *db.DB
	c      *Center
	r      *jobs.Runner
	out    *outbox
	clock  *clock
	bundle *i18n.Bundle
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{d: d, c: New(d), out: &outbox{}, clock: &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}, bundle: b}
	fx.c.SetClock(fx.clock.now)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	fx.r = jobs.NewRunner(d, quiet)
	fx.r.SetClock(fx.clock.now)
	NewMailer(fx.c, b, fx.out, "https://involve.example.org", quiet).Register(fx.r)
	return fx
}

// member adds a member directly; the accounts store would hash a
// passphrase, which these tests do not need.
func (fx *fixture) member(t *testing.T, handle, addr, locale string) int64 {
	t.Helper()
	// The address is confirmed (TestConfirmEmail follows one that is not).
	id, err := db.InsertID(context.Background(), fx.d, `INSERT INTO members (handle, handle_key, passphrase_hash, email, email_confirmed, locale, created_at, passphrase_set_at)
		VALUES (?, ?, 'x', ?, ?, ?, ?, ?)`, handle, handle, addr, addr, locale, fx.clock.now(), fx.clock.now())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (fx *fixture) add(t *testing.T, to []int64, kind string, params map[string]string, url string) {
	t.Helper()
	ctx := context.Background()
	if err := fx.d.Tx(ctx, func(tx *db.Tx) error { return fx.c.Add(ctx, tx, to, kind, params, url) }); err != nil {
		t.Fatal(err)
	}
}

func (fx *fixture) run(t *testing.T) int {
	t.Helper()
	n, err := fx.r.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (fx *fixture) setMode(t *testing.T, id int64, mode string) {
	t.Helper()
	if err := fx.c.SetEmailMode(context.Background(), id, mode); err != nil {
		t.Fatal(err)
	}
}

func (fx *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := fx.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAddListAndMarkRead(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		a, b := fx.member(t, "ana", "", ""), fx.member(t, "bo", "", "")
		// Once per member, nobody for id 0.
		fx.add(t, []int64{a, a, b, 0}, KindWelcome, nil, "/guide")
		for i := range 4 {
			fx.clock.add(time.Minute)
			fx.add(t, []int64{a}, "test.kind", map[string]string{"n": fmt.Sprint(i)}, "/x")
		}
		if n := fx.count(t, `SELECT COUNT(*) FROM notifications`); n != 6 {
			t.Fatalf("%d notifications, want 6", n)
		}
		all, err := fx.c.List(ctx, a, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 5 || all[0].Params["n"] != "3" || all[4].Kind != KindWelcome {
			t.Fatalf("List = %+v, want 5, newest first", all)
		}
		page, _ := fx.c.List(ctx, a, 2, all[1].ID)
		if len(page) != 2 || page[0].ID != all[2].ID || page[1].ID != all[3].ID {
			t.Errorf("the page before %d: %+v", all[1].ID, page)
		}
		if n, _ := fx.c.Unread(ctx, a); n != 5 {
			t.Errorf("unread %d, want 5", n)
		}
		// Another member's notification is not found, and stays unread.
		theirs, _ := fx.c.List(ctx, b, 1, 0)
		if err := fx.c.MarkRead(ctx, a, theirs[0].ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("marking another member's notification: %v, want ErrNotFound", err)
		}
		if _, err := fx.c.Get(ctx, a, theirs[0].ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("getting another member's notification: %v, want ErrNotFound", err)
		}
		if err := fx.c.MarkRead(ctx, a, all[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := fx.c.MarkRead(ctx, a, all[0].ID); err != nil {
			t.Errorf("marking it again: %v", err)
		}
		if n, _ := fx.c.Unread(ctx, a); n != 4 {
			t.Errorf("unread %d after marking one, want 4", n)
		}
		if err := fx.c.MarkRead(ctx, a, 0); err != nil {
			t.Fatal(err)
		}
		if n, _ := fx.c.Unread(ctx, a); n != 0 {
			t.Errorf("unread %d after marking all, want 0", n)
		}
		if n, _ := fx.c.Unread(ctx, b); n != 1 {
			t.Errorf("marking all touched another member: unread %d", n)
		}
	})
}

func TestTextAndLink(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en, _ := i18n.Supported("en")
	ru, _ := i18n.Supported("ru")
	pe, pr := b.Printer(en), b.Printer(ru)
	if got, want := Text(pe, Notification{Kind: KindWelcome}), pe.T("notify.welcome"); got != want || strings.HasPrefix(got, "notify.") {
		t.Errorf("welcome: %q", got)
	}
	if got := Text(pr, Notification{Kind: KindWelcome}); got == Text(pe, Notification{Kind: KindWelcome}) {
		t.Errorf("welcome is not in Russian: %q", got)
	}
	for _, kind := range []string{"no.such.kind", ""} {
		if got := Text(pe, Notification{Kind: kind, Params: map[string]string{"a": "x"}}); got != pe.T(GenericKey) {
			t.Errorf("unknown kind %q: %q, want the general text", kind, got)
		}
	}
	// Params go in the sorted order of their names, trimmed to a line.
	long := strings.Repeat("й", 200)
	got := Args(map[string]string{"b_thread": "Meeting\n  on Friday", "a_group": "Peers Riga", "c": long})
	if got[0] != "Peers Riga" || got[1] != "Meeting on Friday" {
		t.Errorf("Args = %q", got)
	}
	if s := got[2].(string); len([]rune(s)) != maxParam || !strings.HasSuffix(s, "…") {
		t.Errorf("a long param is not cut: %d runes", len([]rune(s)))
	}
	for url, want := range map[string]string{
		"/groups/x": "/groups/x", "https://evil.example": "/notifications", "//evil.example": "/notifications",
		"": "/notifications", "/\\evil": "/notifications",
	} {
		if got := Link(Notification{URL: url}); got != want {
			t.Errorf("Link(%q) = %q, want %q", url, got, want)
		}
	}
}

func TestNextDigest(t *testing.T) {
	for in, want := range map[string]string{
		"2026-03-02T06:59:00Z": "2026-03-02T07:00:00Z",
		"2026-03-02T07:00:00Z": "2026-03-03T07:00:00Z",
		"2026-03-31T23:00:00Z": "2026-04-01T07:00:00Z",
	} {
		tm, _ := time.Parse(time.RFC3339, in)
		if got := NextDigest(tm).Format(time.RFC3339); got != want {
			t.Errorf("NextDigest(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestImmediateEmail(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d)
		mira := fx.member(t, "mira", "mira@example.org", "nl")
		noEmail := fx.member(t, "jo", "", "")
		off := fx.member(t, "kim", "kim@example.org", "")
		fx.setMode(t, mira, EmailImmediate)
		fx.setMode(t, noEmail, EmailImmediate)
		fx.setMode(t, off, EmailOff)
		// Notifications from before the choice are not sent.
		if _, err := d.Exec(context.Background(), `INSERT INTO notifications (member_id, kind, url, created_at) VALUES (?, ?, '/old', ?)`,
			mira, KindWelcome, fx.clock.now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}

		fx.add(t, []int64{mira, noEmail, off}, "test.reply", map[string]string{"a_group": "Harbour peers", "b_thread": "Opening hours"}, "/groups/harbour/discussions/1")
		fx.clock.add(10 * time.Second)
		fx.add(t, []int64{mira}, KindWelcome, nil, "/guide")
		// One waiting email for mira, none for the others.
		if n := fx.count(t, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.email' AND done_at IS NULL`); n != 1 {
			t.Fatalf("%d email jobs waiting, want 1 (mira's)", n)
		}
		if fx.run(t) != 0 {
			t.Fatal("the email went before its short wait")
		}
		fx.clock.add(ImmediateDelay)
		fx.run(t)
		sent := fx.out.take()
		if len(sent) != 1 {
			t.Fatalf("%d emails sent, want 1", len(sent))
		}
		m := sent[0]
		p := fx.bundle.Printer(i18n.Languages[1]) // Dutch, mira's language
		if m.To != "mira@example.org" || m.Subject != p.T("notifications.email.subject") {
			t.Errorf("email to %q about %q", m.To, m.Subject)
		}
		for _, want := range []string{p.N("notifications.email.intro", 2), p.T("notify.welcome"),
			"https://involve.example.org/groups/harbour/discussions/1", "https://involve.example.org/me/notifications",
			p.T("notifications.email.privacy")} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the text lacks %q:\n%s", want, m.Text)
			}
		}
		if !strings.Contains(m.HTML, `<html lang="nl">`) || !strings.Contains(m.HTML, `href="https://involve.example.org/guide"`) {
			t.Errorf("HTML part:\n%s", m.HTML)
		}
		if strings.Contains(m.Text, "mira") {
			t.Error("the email names the member's handle")
		}
		if n := fx.count(t, `SELECT COUNT(*) FROM notifications WHERE member_id = ? AND emailed_at IS NULL`, mira); n != 1 {
			t.Errorf("%d of mira's notifications not marked emailed, want only the one from before her choice", n)
		}
		// Read on the site before the email goes: no email.
		fx.add(t, []int64{mira}, KindWelcome, nil, "/guide")
		fx.c.MarkRead(context.Background(), mira, 0)
		fx.clock.add(ImmediateDelay)
		fx.run(t)
		if sent := fx.out.take(); len(sent) != 0 {
			t.Errorf("an email about a notification already read: %v", sent)
		}
	})
}

// TestImmediateEmailDuringSend: a notification that arrives while the
// member's email is being sent gets its own email after.
func TestImmediateEmailDuringSend(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d)
		mira := fx.member(t, "mira", "mira@example.org", "")
		fx.setMode(t, mira, EmailImmediate)
		fx.add(t, []int64{mira}, "test.first", nil, "/a")
		fx.clock.add(ImmediateDelay)
		once := sync.Once{}
		fx.out.during = func() {
			once.Do(func() { fx.add(t, []int64{mira}, "test.second", nil, "/b") })
		}
		fx.run(t)
		if sent := fx.out.take(); len(sent) != 1 || !strings.Contains(sent[0].Text, "/a") || strings.Contains(sent[0].Text, "/b") {
			t.Fatalf("first email: %v", sent)
		}
		fx.clock.add(ImmediateDelay)
		fx.run(t)
		if sent := fx.out.take(); len(sent) != 1 || !strings.Contains(sent[0].Text, "/b") {
			t.Fatalf("the notification that came during the first email was not sent: %v", sent)
		}
	})
}

func TestDailyDigest(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		sasha := fx.member(t, "sasha", "sasha@example.org", "ru")
		quiet := fx.member(t, "tomas", "tomas@example.org", "")
		fx.setMode(t, sasha, EmailDaily)
		fx.setMode(t, quiet, EmailDaily)
		if err := fx.r.EnsureRecurring(ctx); err != nil {
			t.Fatal(err)
		}
		for i := range 25 {
			fx.add(t, []int64{sasha}, "test.reply", map[string]string{"n": fmt.Sprint(i)}, fmt.Sprintf("/t/%d", i))
		}
		// Nothing until the morning, and nothing immediate.
		fx.clock.add(20 * time.Hour) // Tuesday 06:00
		if fx.run(t) != 0 {
			t.Fatal("something ran before the digest time")
		}
		fx.clock.add(time.Hour) // 07:00
		fx.run(t)
		sent := fx.out.take()
		if len(sent) != 1 {
			t.Fatalf("%d digests sent, want 1 (tomas has nothing new)", len(sent))
		}
		p := fx.bundle.Printer(i18n.Languages[2])
		m := sent[0]
		if m.To != "sasha@example.org" || m.Subject != p.T("notifications.email.digest_subject") {
			t.Errorf("digest to %q about %q", m.To, m.Subject)
		}
		for _, want := range []string{p.N("notifications.email.digest_intro", 25), p.N("notifications.email.more", 5), "/t/0", "/t/19"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the digest lacks %q:\n%s", want, m.Text)
			}
		}
		if strings.Contains(m.Text, "/t/20") {
			t.Error("the digest lists more than 20")
		}
		if n := fx.count(t, `SELECT COUNT(*) FROM notifications WHERE emailed_at IS NULL`); n != 0 {
			t.Errorf("%d notifications the digest counted are not marked emailed", n)
		}
		// The next run is tomorrow morning; a quiet day sends nothing.
		if n := fx.count(t, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.digest' AND done_at IS NULL AND run_at = ?`, time.Date(2026, 3, 4, 7, 0, 0, 0, time.UTC)); n != 1 {
			t.Fatalf("next digest run not scheduled for Wednesday 07:00")
		}
		fx.clock.add(24 * time.Hour)
		fx.run(t)
		if sent := fx.out.take(); len(sent) != 0 {
			t.Errorf("a digest on a quiet day: %v", sent)
		}
		// Only what is new since the last digest.
		fx.add(t, []int64{sasha}, "test.reply", map[string]string{"n": "new"}, "/t/new")
		fx.clock.add(24 * time.Hour)
		fx.run(t)
		sent = fx.out.take()
		if len(sent) != 1 || !strings.Contains(sent[0].Text, "/t/new") || strings.Contains(sent[0].Text, "/t/1\n") {
			t.Fatalf("third digest: %v", sent)
		}
		var last *time.Time
		fx.d.QueryRow(ctx, `SELECT last_digest_at FROM notify_prefs WHERE member_id = ?`, sasha).Scan(&last)
		if last == nil {
			t.Error("last_digest_at not recorded")
		}
	})
}

func TestRefusedAddressTurnsEmailOff(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		jo := fx.member(t, "jo", "jo@example.org", "")
		fx.setMode(t, jo, EmailImmediate)
		tries := 0
		fx.out.fail = func(email.Message) error {
			tries++
			if tries == 1 {
				return errors.New("connection refused") // worth another try
			}
			return fmt.Errorf("%w: 550 no such user", email.ErrRejected)
		}
		fx.add(t, []int64{jo}, "test.reply", nil, "/x")
		fx.clock.add(ImmediateDelay)
		fx.run(t)
		if tries != 1 {
			t.Fatalf("%d tries", tries)
		}
		fx.clock.add(time.Hour)
		fx.run(t)
		if tries != 2 {
			t.Fatalf("the email was not tried again after a passing failure (%d tries)", tries)
		}
		prefs, _ := fx.c.Prefs(ctx, jo)
		if prefs.EmailMode != EmailOff {
			t.Errorf("email mode %q after the address was refused, want off", prefs.EmailMode)
		}
		ns, _ := fx.c.List(ctx, jo, 10, 0)
		if len(ns) != 2 || ns[0].Kind != KindEmailFailed || ns[0].EmailedAt == nil {
			t.Errorf("notifications %+v, want an email_failed one that is never emailed", ns)
		}
		if n := fx.count(t, `SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND kind <> 'notify.digest'`); n != 0 {
			t.Errorf("%d jobs still waiting", n)
		}
	})
}

func TestModeSince(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		a := fx.member(t, "ana", "", "")
		if p, err := fx.c.Prefs(ctx, a); err != nil || p.EmailMode != EmailOff {
			t.Fatalf("without a choice: %+v, %v", p, err)
		}
		fx.setMode(t, a, EmailDaily)
		first, _ := fx.c.Prefs(ctx, a)
		fx.clock.add(time.Hour)
		fx.setMode(t, a, EmailDaily) // the same choice again
		if p, _ := fx.c.Prefs(ctx, a); !p.ModeSince.Equal(first.ModeSince) {
			t.Errorf("saving the same choice moved mode_since from %v to %v", first.ModeSince, p.ModeSince)
		}
		fx.setMode(t, a, EmailImmediate)
		if p, _ := fx.c.Prefs(ctx, a); p.EmailMode != EmailImmediate || !p.ModeSince.Equal(fx.clock.now()) {
			t.Errorf("after a change: %+v", p)
		}
		if err := fx.c.SetEmailMode(ctx, a, "hourly"); err == nil {
			t.Error("an unknown mode was accepted")
		}
	})
}

func TestDataPart(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		a, b := fx.member(t, "ana", "ana@example.org", ""), fx.member(t, "bo", "", "")
		fx.setMode(t, a, EmailImmediate)
		fx.add(t, []int64{a, b}, "test.reply", map[string]string{"a_group": "Peers"}, "/g")
		part := DataPart{Center: fx.c}
		v, err := part.Export(ctx, d, a)
		if err != nil {
			t.Fatal(err)
		}
		got := v.(exportNotify)
		if got.EmailMode != EmailImmediate || len(got.Notifications) != 1 || got.Notifications[0].Params["a_group"] != "Peers" {
			t.Errorf("export: %+v", got)
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error { return part.Erase(ctx, tx, a, memberdata.Remove) }); err != nil {
			t.Fatal(err)
		}
		v, _ = part.Export(ctx, d, a)
		if diff := cmp.Diff(exportNotify{EmailMode: EmailOff, Notifications: []exportNotification{}}, v.(exportNotify)); diff != "" {
			t.Errorf("after erasing (-want +got):\n%s", diff)
		}
		if n := fx.count(t, `SELECT COUNT(*) FROM jobs`); n != 0 {
			t.Errorf("%d jobs left for the erased member", n)
		}
		if n := fx.count(t, `SELECT COUNT(*) FROM notifications WHERE member_id = ?`, b); n != 1 {
			t.Errorf("erasing one member touched another's notifications")
		}
	})
}
