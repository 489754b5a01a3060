package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"involve/internal/db"
	"involve/internal/email"
	"involve/internal/i18n"
	"involve/internal/jobs"
	"involve/internal/notify"
	"involve/internal/testutil"
)

// notifyMember adds a notification for handle, as a capability would.
func (e *testEnv) notifyMember(handle, kind string, params map[string]string, url string) {
	e.t.Helper()
	ctx := context.Background()
	id := e.member(handle).ID
	if err := e.DB.Tx(ctx, func(tx *db.Tx) error { return e.Srv.Notify.Add(ctx, tx, []int64{id}, kind, params, url) }); err != nil {
		e.t.Fatal(err)
	}
}

var notificationLi = regexp.MustCompile(`<li class="notification( unread)?" id="n(\d+)">`)

// notificationIDs lists the notifications a page shows, in order, and
// which of them are marked unread.
func notificationIDs(body string) (ids []string, unread []bool) {
	for _, m := range notificationLi.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[2])
		unread = append(unread, m[1] != "")
	}
	return ids, unread
}

// headerCount is the unread count the header shows, -1 for no link.
func headerCount(body string) int {
	m := regexp.MustCompile(`<a href="/notifications"[^>]*>[^<(]*(?:\((\d+)<span class="visually-hidden">[^<]*</span>\))?</a>`).FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	if m[1] == "" {
		return 0
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}

func TestNotificationCentre(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("ana_peer")
		e.createMember("bo_peer")
		e.notifyMember("bo_peer", notify.KindWelcome, nil, "/guide")
		e.notifyMember("ana_peer", notify.KindWelcome, nil, "/guide")
		for i := range 33 {
			e.notifyMember("ana_peer", "test.unknown_kind", map[string]string{"n": fmt.Sprint(i)}, fmt.Sprintf("/guide/page-%d", i))
		}
		e.notifyMember("ana_peer", "test.outside", nil, "https://elsewhere.example/phish")
		ana := e.sessionClient("ana_peer")

		r := ana.get("/notifications")
		if r.Status != http.StatusOK {
			t.Fatalf("GET /notifications: %d", r.Status)
		}
		ids, unread := notificationIDs(r.Body)
		if len(ids) != notificationsPerPage {
			t.Fatalf("the first page lists %d notifications, want %d", len(ids), notificationsPerPage)
		}
		for _, u := range unread {
			if !u {
				t.Fatal("a new notification is not marked unread")
			}
		}
		body := unescaped(r.Body)
		for _, want := range []string{e.T("notifications.generic"), e.T("notifications.mark_all"), e.T("notifications.new")} {
			if !strings.Contains(body, want) {
				t.Errorf("the centre lacks %q", want)
			}
		}
		if n := headerCount(r.Body); n != 35 {
			t.Errorf("the header shows %d unread, want 35", n)
		}
		if strings.Contains(r.Body, "elsewhere.example") {
			t.Error("the centre links to another site")
		}
		// Newest first, and the next page goes on from the last one shown.
		older := regexp.MustCompile(`<a href="(/notifications\?before=\d+)" rel="next">`).FindStringSubmatch(r.Body)
		if older == nil {
			t.Fatal("no link to older notifications")
		}
		r2 := ana.get(older[1])
		ids2, _ := notificationIDs(r2.Body)
		if len(ids2) != 35-notificationsPerPage || strings.Contains(r2.Body, `rel="next"`) || !strings.Contains(r2.Body, `<a href="/notifications">`) {
			t.Errorf("the second page lists %d (want %d), with no older link and a link back", len(ids2), 35-notificationsPerPage)
		}
		var first, second, last int
		fmt.Sscan(ids[0], &first)
		fmt.Sscan(ids[1], &second)
		fmt.Sscan(ids2[len(ids2)-1], &last)
		if first <= second || second <= last {
			t.Errorf("not newest first: %d, %d … %d", first, second, last)
		}
		if !strings.Contains(unescaped(r2.Body), e.T("notify.welcome")) {
			t.Error("the oldest page lacks the welcome notification")
		}
		// Bo's notification is not on Ana's pages.
		if strings.Count(unescaped(r.Body+r2.Body), e.T("notify.welcome")+"</a>") != 1 {
			t.Error("Ana's centre shows another member's notification")
		}

		// Mark one read, staying on the page the member was on.
		before := strings.TrimPrefix(older[1], "/notifications?before=")
		r = ana.post("/notifications/read", url.Values{"id": {ids2[0]}, "before": {before}})
		if r.Status != http.StatusSeeOther || r.Location != older[1] {
			t.Fatalf("mark one read: %d → %q", r.Status, r.Location)
		}
		r = ana.get(older[1])
		if _, unread := notificationIDs(r.Body); unread[0] {
			t.Error("the notification marked read still shows as unread")
		}
		if got, want := unescaped(r.Body), e.T("notifications.marked"); !strings.Contains(got, want) {
			t.Errorf("no notice %q after marking read", want)
		}
		if n := headerCount(r.Body); n != 34 {
			t.Errorf("header shows %d unread, want 34", n)
		}

		// Opening a notification marks it read and goes where it points;
		// one pointing off the site goes to the centre instead.
		r = ana.get("/notifications/" + ids[1])
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/guide/page-") {
			t.Errorf("opening a notification: %d → %q", r.Status, r.Location)
		}
		r = ana.get("/notifications/" + ids[0])
		if r.Status != http.StatusSeeOther || r.Location != "/notifications" {
			t.Errorf("opening a notification that points off the site: %d → %q, want /notifications", r.Status, r.Location)
		}
		if n := headerCount(ana.get("/me").Body); n != 32 {
			t.Errorf("header shows %d unread after opening two, want 32", n)
		}

		// Mark all read.
		r = ana.post("/notifications/read", url.Values{"all": {"1"}})
		if r.Status != http.StatusSeeOther || r.Location != "/notifications" {
			t.Fatalf("mark all read: %d → %q", r.Status, r.Location)
		}
		r = ana.get("/notifications")
		if _, unread := notificationIDs(r.Body); unread[0] || unread[len(unread)-1] {
			t.Error("notifications still unread after marking all")
		}
		body = unescaped(r.Body)
		if !strings.Contains(body, e.T("notifications.all_read")) || strings.Contains(body, e.T("notifications.mark_all")) {
			t.Error("after marking all read the page should say so and offer no button")
		}
		if n := headerCount(r.Body); n != 0 {
			t.Errorf("header shows %d unread, want none", n)
		}
		// Bo's stays unread.
		if n, _ := e.Srv.Notify.Unread(context.Background(), e.member("bo_peer").ID); n != 1 {
			t.Errorf("marking all read touched another member: %d unread", n)
		}
		// No header link for readers who are not signed in.
		if n := headerCount(e.client().get("/").Body); n != -1 {
			t.Error("the header links to notifications for a reader who is not signed in")
		}
	})
}

func TestNotificationCentreEmpty(t *testing.T) {
	e := sqliteEnv(t)
	e.createMember("new_peer")
	r := e.sessionClient("new_peer").get("/notifications")
	if r.Status != http.StatusOK || !strings.Contains(unescaped(r.Body), e.T("notifications.none")) {
		t.Errorf("empty centre: %d\n%s", r.Status, r.Body)
	}
	if strings.Contains(r.Body, `action="/notifications/read"`) {
		t.Error("an empty centre offers to mark things read")
	}
}

// modeError returns the message shown in the email-mode fieldset, "" for
// none.
func modeError(body string) string {
	m := regexp.MustCompile(`(?s)<fieldset id="f-email_mode" class="has-error" aria-describedby="f-email_mode-error">.*?<p class="error" id="f-email_mode-error">(.*?)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return unescaped(m[1])
}

func checkedMode(body string) string {
	m := regexp.MustCompile(`name="email_mode" value="([a-z]+)" checked`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestNotificationPrefs(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("jo_peer")
		jo := e.sessionClient("jo_peer")

		// No email: said plainly, with the way to add one.
		r := jo.get("/me/notifications")
		body := unescaped(r.Body)
		if r.Status != http.StatusOK || !strings.Contains(body, e.T("notifications.prefs.no_email")) ||
			!strings.Contains(r.Body, `<a href="/me/profile">`) || checkedMode(r.Body) != "off" {
			t.Fatalf("preferences without an email: %d, checked %q\n%s", r.Status, checkedMode(r.Body), r.Body)
		}
		if !strings.Contains(body, e.T("notifications.prefs.privacy", e.T("notifications.email.subject"))) {
			t.Error("the page does not say what emails hold")
		}

		// A choice that is not one: 422, the message in the fieldset.
		for _, bad := range []url.Values{{}, {"email_mode": {"hourly"}}} {
			r = jo.post("/me/notifications", bad)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("bad choice %v: status %d", bad, r.Status)
			}
			if got, want := modeError(r.Body), e.T("notifications.prefs.mode_invalid"); got != want {
				t.Errorf("bad choice %v: message %q, want %q", bad, got, want)
			}
			if !strings.Contains(r.Body, `<a href="#f-email_mode">`) {
				t.Errorf("bad choice %v: no error summary linking to the choices", bad)
			}
		}

		r = jo.post("/me/notifications", url.Values{"email_mode": {"daily"}})
		if r.Status != http.StatusSeeOther || r.Location != "/me/notifications" {
			t.Fatalf("save: %d → %q", r.Status, r.Location)
		}
		r = jo.get("/me/notifications")
		if checkedMode(r.Body) != "daily" || !strings.Contains(unescaped(r.Body), e.T("notifications.prefs.saved")) {
			t.Errorf("after saving: checked %q", checkedMode(r.Body))
		}

		// With an email on the profile, the page names it.
		f := profileForm("private")
		f.Set("email", "jo@example.org")
		if r := jo.post("/me/profile", f); r.Status != http.StatusSeeOther {
			t.Fatalf("profile: %d", r.Status)
		}
		r = jo.get("/me/notifications")
		if body := unescaped(r.Body); !strings.Contains(body, e.T("notifications.prefs.unconfirmed", "jo@example.org")) ||
			strings.Contains(body, e.T("notifications.prefs.no_email")) {
			t.Error("the page does not name the member's address as waiting for its link")
		}
		if _, err := d.Exec(context.Background(), `UPDATE members SET email_confirmed = email WHERE handle = 'jo_peer'`); err != nil {
			t.Fatal(err)
		}
		r = jo.get("/me/notifications")
		if body := unescaped(r.Body); !strings.Contains(body, e.T("notifications.prefs.your_email", "jo@example.org")) {
			t.Error("the page does not name the member's confirmed address")
		}
	})
}

// mailbox runs the jobs that are due (as if ImmediateDelay had passed)
// with a mailer writing to a folder, and returns each email written since
// the last call, its quoted-printable text decoded.
func (e *testEnv) mailbox(t *testing.T) (run func() []string, runner *jobs.Runner) {
	dir := filepath.Join(t.TempDir(), "mail")
	runner = jobs.NewRunner(e.DB, testLogger())
	runner.SetClock(func() time.Time { return time.Now().Add(notify.ImmediateDelay + time.Second) })
	notify.NewMailer(e.Srv.Notify, e.Srv.I18n, email.NewFolder(dir, email.DefaultFrom), "https://involve.example.org", testLogger()).Register(runner)
	return func() []string {
		t.Helper()
		if _, err := runner.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		var out []string
		for _, name := range files {
			raw, _ := os.ReadFile(name)
			os.Remove(name)
			text, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(text))
		}
		return out
	}, runner
}

// confirmLink is the path of the confirmation link in an email, "" if
// there is none.
func confirmLink(mail string) string {
	m := regexp.MustCompile(`https://involve\.example\.org(/email/confirm\?t=[A-Z0-9]+)`).FindStringSubmatch(mail)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestNotificationEmailEndToEnd: a member gives an address and asks for
// immediate email. Nothing is emailed until they open the link sent to the
// address and press its button; then a notification becomes an .eml file
// in the mail folder (no SMTP server set), in their language, with nothing
// private in it.
func TestNotificationEmailEndToEnd(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("mira")
		mira := e.sessionClient("mira")
		mira.post("/language", url.Values{"lang": {"nl"}, "return": {"/"}})
		f := profileForm("private")
		f.Set("email", "mira@example.org")
		if r := mira.post("/me/profile", f); r.Status != http.StatusSeeOther || r.Location != "/me/profile" {
			t.Fatalf("save profile: %d → %q", r.Status, r.Location)
		}
		if r := mira.post("/me/notifications", url.Values{"email_mode": {"immediate"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("save preferences: %d", r.Status)
		}
		if body := unescaped(mira.get("/me/notifications").Body); !strings.Contains(body, e.Srv.I18n.Printer(i18n.Languages[1]).T("notifications.prefs.unconfirmed", "mira@example.org")) {
			t.Error("the settings do not say the address is waiting for its link")
		}
		e.notifyMember("mira", notify.KindWelcome, nil, "/guide")

		run, runner := e.mailbox(t)
		sent := run()
		if len(sent) != 1 || !strings.Contains(sent[0], "To: <mira@example.org>") || !strings.Contains(sent[0], "Subject: Bevestig je e-mailadres voor Involve") {
			t.Fatalf("before confirming, want only the link, in Dutch: %q", sent)
		}
		link := confirmLink(sent[0])
		if link == "" {
			t.Fatalf("no link in the email:\n%s", sent[0])
		}
		// Opening the link changes nothing: a mail scanner may open it.
		page := e.client().get(link)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, `name="t"`) {
			t.Fatalf("the link's page: %d", page.Status)
		}
		if st, _ := e.Srv.Notify.EmailState(context.Background(), e.member("mira").ID); st.Confirmed {
			t.Fatal("opening the link confirmed the address")
		}
		token := strings.TrimPrefix(link, "/email/confirm?t=")
		if r := e.client().post("/email/confirm", url.Values{"t": {token}}); r.Status != http.StatusOK || !strings.Contains(unescaped(r.Body), e.T("confirm.done_title")) {
			t.Fatalf("confirm: %d", r.Status)
		}
		if r := e.client().post("/email/confirm", url.Values{"t": {token}}); r.Status != http.StatusGone || !strings.Contains(unescaped(r.Body), e.T("confirm.invalid")) {
			t.Errorf("the link used again: %d", r.Status)
		}

		e.notifyMember("mira", notify.KindWelcome, nil, "/guide")
		sent = run()
		if len(sent) != 1 {
			t.Fatalf("%d emails written after confirming, want 1", len(sent))
		}
		msg := sent[0]
		if !strings.Contains(msg, "To: <mira@example.org>") || !strings.Contains(msg, "Subject: Nieuws op Involve") {
			t.Errorf("the email is not to mira in Dutch:\n%s", msg)
		}
		if !strings.Contains(msg, "https://involve.example.org/me/notifications") {
			t.Error("the email has no link to change the settings")
		}
		// Nothing more to send.
		if n, _ := runner.RunDue(context.Background()); n != 0 {
			t.Errorf("%d more jobs ran", n)
		}
	})
}

func TestNotificationsInDataAndDeletion(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.createMember("leaving")
		c := e.sessionClient("leaving")
		c.post("/me/notifications", url.Values{"email_mode": {"daily"}})
		e.notifyMember("leaving", notify.KindWelcome, nil, "/guide")
		r := c.get("/me/data.json")
		var doc struct {
			Data struct {
				Notifications struct {
					EmailMode     string `json:"email_mode"`
					Notifications []struct {
						Kind string `json:"kind"`
						URL  string `json:"url"`
					} `json:"notifications"`
				} `json:"notifications"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
			t.Fatal(err)
		}
		n := doc.Data.Notifications
		if n.EmailMode != "daily" || len(n.Notifications) != 1 || n.Notifications[0].Kind != notify.KindWelcome {
			t.Errorf("data download: %+v", n)
		}
		id := e.member("leaving").ID
		r = c.post("/me/delete", url.Values{"mode": {"remove"}, "password": {passphrase("leaving")}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d", r.Status)
		}
		var left int
		e.DB.QueryRow(context.Background(), `SELECT (SELECT COUNT(*) FROM notifications WHERE member_id = ?) + (SELECT COUNT(*) FROM notify_prefs WHERE member_id = ?)`, id, id).Scan(&left)
		if left != 0 {
			t.Errorf("%d rows about the deleted member left", left)
		}
	})
}
