package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"involve/internal/i18n"
)

// TestBrowser walks through Involve in a real Chromium the way a peer
// would: join (first with mistakes), keep the recovery codes, sign out and
// in, fill in the profile, look at it, and switch language. Every page is
// checked with axe-core against WCAG 2.2 AA, some in dark mode and at
// 320px wide, and no page may load anything from another host.
//
// It needs Chromium and axe-core. Without them it is skipped, unless
// INVOLVE_TEST_BROWSER is set (CI sets it), when it fails instead.
// INVOLVE_CHROMIUM and INVOLVE_AXE_JS point at them when they are not found
// on their own.
func TestBrowser(t *testing.T) {
	_, ts, chromium, axeSrc, en := browserEnv(t)
	b := startBrowser(t, chromium, ts.URL, axeSrc)

	const handle = "browser_peer"
	const pass = "three calm words here"
	const displayName = "Sam from the group"

	// Home, in light and dark, and on a 320px-wide phone.
	b.open("/")
	b.dark(true)
	b.checkAxe("home (dark)")
	b.dark(false)
	b.narrow("/")

	// Sign-up with mistakes: each problem is shown next to its field, what
	// was typed is kept, and a summary lists the problems.
	b.open("/signup")
	b.sendKeys("#f-handle", "a")
	b.sendKeys("#f-password", "short")
	b.sendKeys("#f-password_confirm", "short")
	b.clickAndWait(`form[action="/signup"] button[type="submit"]`, "sign-up with mistakes")
	if got := b.status(); got != 422 {
		t.Errorf("sign-up with mistakes: status %d, want 422", got)
	}
	for field, key := range map[string]string{"handle": "handle.length", "password": "passphrase.short"} {
		sel := fmt.Sprintf(".field.has-error #f-%s-error.error", field)
		if got, want := b.text(sel), en.T(key); got != want {
			t.Errorf("sign-up with mistakes: next to %s (%s) reads %q, want %q", field, sel, got, want)
		}
		if got := b.attr("#f-"+field, "aria-invalid"); got != "true" {
			t.Errorf("sign-up with mistakes: #f-%s has aria-invalid=%q, want true", field, got)
		}
		b.wantCount(fmt.Sprintf(`.error-summary a[href="#f-%s"]`, field), 1)
	}
	if v := b.value("#f-handle"); v != "a" {
		t.Errorf("sign-up with mistakes: the handle input holds %q, want what was typed (%q)", v, "a")
	}
	if v := b.value("#f-password"); v != "" {
		t.Errorf("sign-up with mistakes: the passphrase was sent back to the page")
	}
	b.wantCount(".error-summary h2", 1)
	b.dark(true)
	b.checkAxe("sign-up with mistakes (dark)")
	b.dark(false)

	// Sign-up done right, on the same form.
	b.run(chromedp.Clear("#f-handle", chromedp.ByQuery))
	b.sendKeys("#f-handle", handle)
	b.sendKeys("#f-password", pass)
	b.sendKeys("#f-password_confirm", pass)
	b.clickAndWait(`form[action="/signup"] button[type="submit"]`, "recovery codes")
	if got := b.status(); got != 200 {
		t.Errorf("sign-up: status %d, want 200:\n%s", got, b.text("main"))
	}
	if n := b.count("ol.codes li"); n != 10 {
		t.Fatalf("the recovery codes page shows %d codes, want 10", n)
	}

	b.clickAndWait(`main a.button[href="/me"]`, "my account")
	b.wantPath("/me")
	if got := b.text("main .handle"); got != handle {
		t.Errorf("/me shows the handle %q, want %q", got, handle)
	}

	// Sign out with the header button, then sign in again.
	b.clickAndWait(`header form[action="/logout"] button[type="submit"]`, "home after signing out")
	b.wantPath("/")
	b.wantCount(`header a[href="/login"]`, 1)
	b.wantCount(`header form[action="/logout"]`, 0)

	b.clickAndWait(`header a[href="/login"]`, "sign in")
	b.wantPath("/login")
	b.sendKeys("#f-handle", handle)
	b.sendKeys("#f-password", pass)
	b.clickAndWait(`form[action="/login"] button[type="submit"]`, "my account after signing in")
	b.wantPath("/me")
	if got := b.text("main .handle"); got != handle {
		t.Errorf("after signing in /me shows the handle %q, want %q", got, handle)
	}

	// Profile: a display name that signed-in members may see.
	b.clickAndWait(`main a[href="/me/profile"]`, "profile form")
	b.wantPath("/me/profile")
	b.sendKeys("#f-display_name", displayName)
	b.run(chromedp.SetValue("#f-display_name_vis", "members", chromedp.ByQuery))
	b.clickAndWait(`form[action="/me/profile"] button[type="submit"]`, "my account after saving the profile")
	b.wantPath("/me")
	if got, want := b.text(`main .notice[role="status"]`), en.T("profile.saved"); got != want {
		t.Errorf("after saving the profile the notice reads %q, want %q", got, want)
	}

	b.clickAndWait(`main a[href="/members/`+handle+`"]`, "member page")
	b.wantPath("/members/" + handle)
	if got := b.text("main"); !strings.Contains(got, displayName) {
		t.Errorf("the member page does not show the display name %q to a signed-in member:\n%s", displayName, got)
	}

	// Language: the footer switcher changes the page, and the choice sticks
	// from page to page.
	english := b.text("header nav") + "\n" + b.text("footer")
	b.clickAndWait(`form.lang-switch button[name="lang"][value="nl"]`, "member page in Dutch")
	b.wantPath("/members/" + handle)
	b.wantLang("nl")
	if got := b.text("header nav") + "\n" + b.text("footer"); got == english {
		t.Errorf("after switching to Dutch the page still reads %q", got)
	}
	b.wantCount(`form.lang-switch button[value="nl"][aria-pressed="true"]`, 1)
	b.clickAndWait(`header a[href="/me"]`, "my account in Dutch")
	b.wantLang("nl")

	b.clickAndWait(`form.lang-switch button[name="lang"][value="ru"]`, "my account in Russian")
	b.wantPath("/me")
	b.wantLang("ru")
	if got := b.text("header nav") + "\n" + b.text("footer"); got == english {
		t.Errorf("after switching to Russian the page still reads %q", got)
	}

	b.clickAndWait(`form.lang-switch button[name="lang"][value="en"]`, "my account back in English")
	b.wantPath("/me")
	b.wantLang("en")
	if got := b.text("header nav") + "\n" + b.text("footer"); got != english {
		t.Errorf("after switching back to English the page reads %q, want %q", got, english)
	}

	b.finish()
}

// TestBrowserGuide walks through the guide in a real Chromium: a reader
// looks around, then an editor signs in, ticks a checklist, makes a
// mistake and then a change, finds the new word through search, compares
// versions, and goes back to the old text. Every kind of guide page is
// checked with axe-core.
func TestBrowserGuide(t *testing.T) {
	env, ts, chromium, axeSrc, en := browserEnv(t)
	b := startBrowser(t, chromium, ts.URL, axeSrc)

	const handle = "guide_editor"
	env.createMember(handle)
	env.makeEditor(handle)
	seeded := env.guideRevision("initiate", "en")
	const word = "zebrafinch"

	// A reader who is not signed in: contents, a page with a checklist they
	// cannot tick, a page not yet in Dutch, a summary page, the whole guide.
	b.open("/guide")
	b.clickAndWait(`main a[href="/guide/initiate"]`, "a guide page (signed out)")
	b.wantPath("/guide/initiate")
	if n, off := b.count(`#checklist input[type="checkbox"]`), b.count(`#checklist input[type="checkbox"]:disabled`); n == 0 || n != off {
		t.Errorf("signed out: %d checkboxes, %d of them disabled; want all disabled", n, off)
	}
	b.wantCount(`#checklist a[href^="/login?next="]`, 1)
	b.narrow("/guide/initiate")
	b.open("/guide/challenges?lang=nl")
	if got := b.text("article .warning"); got != en.T("guide.not_translated", "Nederlands") {
		t.Errorf("a page not in Dutch says %q", got)
	}
	b.dark(true)
	b.checkAxe("a page not in Dutch (dark)")
	b.dark(false)
	// A Russian text for an English reader: the interface, and <html lang>,
	// stay English; the article says it is Russian.
	b.open("/guide/initiate?lang=ru")
	b.wantLang("en")
	if got := b.attr("main article", "lang"); got != "ru" {
		t.Errorf("the Russian text's article has lang=%q", got)
	}
	b.open("/guide/voices")
	b.open("/guide/all")
	b.open("/search?q=naloxone")
	if b.count("ol.results li mark") == 0 {
		t.Errorf("searching naloxone marks nothing")
	}
	b.dark(true)
	b.checkAxe("search results (dark)")
	b.dark(false)

	// Sign in through the form.
	b.signIn(handle)

	// Tick two checklist items and save them.
	b.open("/guide/initiate")
	b.wantCount(`#checklist input[type="checkbox"]:disabled`, 0)
	b.visible("#item-0")
	b.run(chromedp.Click("#item-0", chromedp.ByQuery))
	b.visible("#item-2")
	b.run(chromedp.Click("#item-2", chromedp.ByQuery))
	b.clickAndWait(`form#checklist button[type="submit"]`, "a guide page after ticking (signed in)")
	b.wantPath("/guide/initiate")
	if got := b.text(`main .notice[role="status"]`); got != en.T("guide.checklist.saved") {
		t.Errorf("after ticking the notice reads %q", got)
	}
	b.wantCount("#checklist input:checked", 2)
	b.wantCount("#item-0:checked", 1)
	b.wantCount("#item-2:checked", 1)
	total := b.count(`#checklist input[type="checkbox"]`)
	if got, want := b.text("#checklist legend"), en.T("guide.checklist.yours", 2, total); got != want {
		t.Errorf("the checklist legend reads %q, want %q", got, want)
	}
	b.open("/guide")
	if got := b.text("main .progress-list"); !strings.Contains(got, en.T("guide.progress.count", 2, total)) {
		t.Errorf("the contents show progress %q", got)
	}

	// Edit: first with a mistake, then properly.
	b.open("/guide/initiate")
	b.clickAndWait(`main a[href="/guide/initiate/edit?lang=en"]`, "edit form")
	b.wantPath("/guide/initiate/edit")
	body := b.value("#f-body")
	if body != seeded.Body {
		t.Errorf("the edit form's text is not the page's")
	}
	b.run(chromedp.Clear("#f-title", chromedp.ByQuery))
	b.clickAndWait(`form[action="/guide/initiate/edit"] button[type="submit"]`, "edit form with a mistake")
	if got := b.status(); got != 422 {
		t.Errorf("edit without a title: status %d, want 422", got)
	}
	if got, want := b.text(".field.has-error #f-title-error.error"), en.T("guide.edit.title_required"); got != want {
		t.Errorf("next to the title: %q, want %q", got, want)
	}
	b.wantCount(`.error-summary a[href="#f-title"]`, 1)
	b.dark(true)
	b.checkAxe("edit form with a mistake (dark)")
	b.dark(false)
	b.sendKeys("#f-title", seeded.Title)
	b.run(chromedp.SetValue("#f-body", body+"\nWe saw a "+word+" near the drop-in.\n", chromedp.ByQuery))
	b.sendKeys("#f-note", "Added a bird")
	b.clickAndWait(`form[action="/guide/initiate/edit"] button[type="submit"]`, "the page after editing")
	b.wantPath("/guide/initiate")
	if got := b.text(`main .notice[role="status"]`); got != en.T("guide.edit.saved") {
		t.Errorf("after saving the notice reads %q", got)
	}
	if !strings.Contains(b.text("main article"), word) {
		t.Errorf("the page does not show the new word after saving")
	}

	// The new word is found at once, marked.
	b.clickAndWait(`header a[href="/search"]`, "search")
	b.sendKeys("#q", word)
	b.clickAndWait(`main form[role="search"] button[type="submit"]`, "search results")
	b.wantPath("/search")
	if got := b.text("ol.results mark"); !strings.EqualFold(got, word) {
		t.Errorf("the search results mark %q, want %q", got, word)
	}
	b.wantCount(`ol.results li`, 1)
	b.clickAndWait(`ol.results a[href="/guide/initiate"]`, "the page from search")

	// History and the difference between the two newest versions.
	b.clickAndWait(`main a[href="/guide/initiate/history?lang=en"]`, "history")
	b.wantPath("/guide/initiate/history")
	b.wantCount("main tbody tr", 2)
	b.clickAndWait(`form[action="/guide/initiate/diff"] > button[type="submit"]`, "changes")
	b.wantPath("/guide/initiate/diff")
	if !b.anyText("ins.diff-line", word) {
		t.Errorf("the new line is not shown as added:\n%s", b.text(".diff"))
	}
	if b.anyText("del.diff-line", word) {
		t.Errorf("the new line is shown as removed")
	}
	b.dark(true)
	b.checkAxe("changes (dark)")
	b.dark(false)
	loc, _ := url.Parse(b.location())
	b.narrow(loc.RequestURI())
	b.open(loc.RequestURI())

	// The old version, then back to it.
	b.clickAndWait(`main a[href="/guide/initiate/history?lang=en"]`, "history from the changes")
	b.clickAndWait(fmt.Sprintf(`main a[href="/guide/initiate/revisions/%d"]`, seeded.ID), "old version")
	if strings.Contains(b.text("main article"), word) {
		t.Errorf("the old version shows the new word")
	}
	b.clickAndWait(`main a[href="/guide/initiate/history?lang=en"]`, "history from the old version")
	b.clickAndWait(fmt.Sprintf(`button[form="revert-%d"]`, seeded.ID), "history after going back")
	b.wantPath("/guide/initiate/history")
	if got := b.text(`main .notice[role="status"]`); got != en.T("guide.revert.done") {
		t.Errorf("after going back the notice reads %q", got)
	}
	b.wantCount("main tbody tr", 3)
	b.open("/guide/initiate")
	if strings.Contains(b.text("main article"), word) {
		t.Errorf("after going back the page still shows the new word")
	}

	// And search no longer finds it, from the guide's own search form.
	b.open("/guide")
	b.sendKeys("#guide-q", word)
	b.clickAndWait(`main form[role="search"] button[type="submit"]`, "search results: nothing")
	b.wantPath("/search")
	b.wantCount("ol.results li", 0)
	if got := b.text("main"); !strings.Contains(got, en.T("search.none")) {
		t.Errorf("searching after going back: %q", got)
	}

	// A new translation's form, with the English text beside it.
	b.open("/guide/challenges/edit?lang=ru")
	b.wantCount("details.original pre", 1)

	b.finish()
}

// anyText reports whether any element matching sel contains s.
func (b *browser) anyText(sel, s string) bool {
	b.t.Helper()
	var found bool
	b.run(chromedp.Evaluate(fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).some(e => e.textContent.includes(%s))`, jsString(sel), jsString(s)), &found))
	return found
}

// browserTools finds Chromium and axe-core, or skips (fails when
// INVOLVE_TEST_BROWSER is set).
// browserEnv is where every browser walk starts: Chromium and axe-core
// found (or the test skipped), a server on a fresh SQLite database whose
// errors go to the test log when the test fails, and the English
// catalogue to match texts with. The logger is swapped before the listener
// the browser uses starts, so no request can be reading it (and the race
// detector agrees).
func browserEnv(t *testing.T) (env *testEnv, ts *httptest.Server, chromium, axeSrc string, en *i18n.Printer) {
	t.Helper()
	chromium, axePath := browserTools(t)
	src, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v", err)
	}
	env = sqliteEnv(t)
	serverLog := &lockedBuffer{}
	env.Srv.Log = slog.New(slog.NewTextHandler(serverLog, &slog.HandlerOptions{Level: slog.LevelError}))
	ts = httptest.NewServer(env.Srv)
	t.Cleanup(ts.Close)
	t.Cleanup(func() {
		if t.Failed() && serverLog.String() != "" {
			t.Logf("server errors:\n%s", serverLog.String())
		}
	})
	lang, _ := i18n.Supported("en")
	return env, ts, chromium, string(src), env.Srv.I18n.Printer(lang)
}

func browserTools(t *testing.T) (chromium, axe string) {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...)
		if os.Getenv("INVOLVE_TEST_BROWSER") != "" {
			t.Fatalf("INVOLVE_TEST_BROWSER is set but %s", msg)
		}
		t.Skipf("skipping the browser test: %s (set INVOLVE_TEST_BROWSER=1 to make this a failure)", msg)
	}

	if p := os.Getenv("INVOLVE_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			missing("INVOLVE_CHROMIUM=%s: %v", p, err)
		}
		chromium = p
	} else {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				chromium = p
				break
			}
		}
		if chromium == "" {
			missing("Chromium not found (looked for chromium, chromium-browser, google-chrome in PATH; or set INVOLVE_CHROMIUM)")
		}
	}

	if p := os.Getenv("INVOLVE_AXE_JS"); p != "" {
		if _, err := os.Stat(p); err != nil {
			missing("INVOLVE_AXE_JS=%s: %v", p, err)
		}
		return chromium, p
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		for _, p := range []string{
			filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"),
			filepath.Join(dir, ".ci", "node_modules", "axe-core", "axe.min.js"),
		} {
			if _, err := os.Stat(p); err == nil {
				return chromium, p
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	missing("axe-core not found (no node_modules/axe-core/axe.min.js or .ci/node_modules/axe-core/axe.min.js above the package; or set INVOLVE_AXE_JS)")
	return "", ""
}

// browser is one Chromium tab on the test server, with what it has seen.
type browser struct {
	t      *testing.T
	ctx    context.Context
	base   *url.URL
	axeSrc string
	loaded chan struct{}

	mu        sync.Mutex
	requests  []string // every URL the page asked for
	foreign   []string // requests to any other host
	problems  []string // script errors, CSP violations, console errors
	docStatus int64    // status of the last document response
	visited   int
	output    *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 64<<10 { // keep the start; that is where startup errors are
		return len(p), nil
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startBrowser(t *testing.T, chromium, base, axeSrc string) *browser {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	profile, err := os.MkdirTemp("", "involve-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	out := &lockedBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1024, 768),
		chromedp.CombinedOutput(out),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		// Close Chromium politely so its helper processes stop writing to
		// the profile, then make sure it is gone and remove the profile.
		cctx, ccancel := context.WithTimeout(bctx, 10*time.Second)
		chromedp.Cancel(cctx)
		ccancel()
		bcancel()
		acancel()
		cancel()
		var err error
		for range 50 {
			if err = os.RemoveAll(profile); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("removing the Chromium profile %s: %v", profile, err)
	})

	b := &browser{t: t, ctx: bctx, base: u, axeSrc: axeSrc, loaded: make(chan struct{}, 1), output: out}
	chromedp.ListenTarget(bctx, b.event)
	if err := chromedp.Run(bctx,
		// Start from a known colour scheme whatever the machine prefers.
		emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}),
	); err != nil {
		t.Fatalf("starting Chromium (%s): %v\n%s", chromium, err, out.String())
	}
	return b
}

// event records what the tab does; it runs on chromedp's event loop and
// must not block.
func (b *browser) event(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.mu.Lock()
		defer b.mu.Unlock()
		raw := ev.Request.URL
		b.requests = append(b.requests, raw)
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "data" && u.Host != b.base.Host) {
			b.foreign = append(b.foreign, raw)
		}
	case *network.EventResponseReceived:
		b.mu.Lock()
		defer b.mu.Unlock()
		if ev.Type == network.ResourceTypeDocument {
			// Pages are checked by their status where the walk loads them.
			b.docStatus = ev.Response.Status
		} else if ev.Response.Status >= 400 {
			b.problems = append(b.problems, fmt.Sprintf("%s %s: status %d", ev.Type, ev.Response.URL, ev.Response.Status))
		}
	case *cdppage.EventLoadEventFired:
		select {
		case b.loaded <- struct{}{}:
		default:
		}
	case *runtime.EventExceptionThrown:
		b.problem("script error: %s", ev.ExceptionDetails.Error())
	case *log.EventEntryAdded:
		// Failed loads are reported by the network source too; the walk
		// checks statuses itself (a 422 for a form with mistakes is right).
		if ev.Entry.Level == log.LevelError && ev.Entry.Source != log.SourceNetwork {
			b.problem("console %s error: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value))
			}
			b.problem("console.%s: %s", ev.Type, strings.Join(parts, " "))
		}
	}
}

func (b *browser) problem(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, fmt.Sprintf(format, args...))
}

// run runs actions in the tab and stops the test on failure.
func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v (at %s)", err, b.location())
	}
}

func (b *browser) location() string {
	var loc string
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.Location(&loc)); err != nil {
		return "?"
	}
	return loc
}

func (b *browser) status() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.docStatus
}

// open loads path by typing it in, as it were, and checks the page.
func (b *browser) open(path string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base.String()+path), chromedp.WaitReady("body", chromedp.ByQuery))
	if got := b.status(); got != 200 {
		b.t.Errorf("GET %s: status %d, want 200", path, got)
	}
	b.checkAxe(path)
}

// clickAndWait clicks what a person would click, waits until the next page
// has loaded, and checks it with axe. The old document is marked; the wait
// ends when the document in the tab no longer carries the mark and has
// finished loading.
func (b *browser) clickAndWait(sel, name string) {
	b.t.Helper()
	var marked bool
	b.run(
		chromedp.WaitVisible(sel, chromedp.ByQuery),
		chromedp.Evaluate(`window.__involveOld = true`, &marked),
	)
	b.visible(sel)
	b.run(chromedp.Click(sel, chromedp.ByQuery))
	for {
		var fresh bool
		err := chromedp.Run(b.ctx, chromedp.Evaluate(`window.__involveOld !== true && document.readyState === "complete"`, &fresh))
		if err == nil && fresh {
			break
		}
		if b.ctx.Err() != nil {
			b.t.Fatalf("clicking %s: no new page loaded (last error: %v)\nChromium output:\n%s", sel, err, b.output.String())
		}
		select {
		case <-b.loaded:
		case <-time.After(25 * time.Millisecond):
		case <-b.ctx.Done():
		}
	}
	b.run(chromedp.WaitReady("body", chromedp.ByQuery))
	b.checkAxe(name)
}

// visible checks that the element can be clicked where it is drawn, not
// hidden under something such as the quick-exit button (WCAG 2.4.11), so
// a click never lands on quick exit by accident.
func (b *browser) visible(sel string) {
	b.t.Helper()
	var what string
	b.run(chromedp.Evaluate(fmt.Sprintf(`(() => {
  const el = document.querySelector(%s);
  el.scrollIntoView({block: "center"});
  // chromedp clicks the centre of the first box (the first line of a
  // link that wraps), so that is the point to check.
  const r = el.getClientRects()[0];
  if (!r) return "nothing: it has no box";
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (!top) return "nothing at its centre";
  if (el === top || el.contains(top)) return "";
  return top.outerHTML.slice(0, 200);
})()`, jsString(sel)), &what))
	if what != "" {
		b.t.Fatalf("%s is covered by %s (at %s)", sel, what, b.location())
	}
}

func (b *browser) sendKeys(sel, text string) {
	b.t.Helper()
	b.run(chromedp.SendKeys(sel, text, chromedp.ByQuery))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	b.run(chromedp.Evaluate(fmt.Sprintf(`(() => { const el = document.querySelector(%s); return el ? el.innerText.trim() : ""; })()`, jsString(sel)), &s))
	return s
}

func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	var s string
	b.run(chromedp.Evaluate(fmt.Sprintf(`(() => { const el = document.querySelector(%s); return el ? el.getAttribute(%s) || "" : ""; })()`, jsString(sel), jsString(name)), &s))
	return s
}

// axText is the accessible name and description Chromium gives the first
// element sel matches: what a screen reader says of it.
func (b *browser) axText(sel string) (name, desc string) {
	b.t.Helper()
	var nodes []*cdp.Node
	b.run(chromedp.Nodes(sel, &nodes, chromedp.ByQuery, chromedp.AtLeast(0)))
	if len(nodes) == 0 {
		b.t.Errorf("no %s on %s", sel, b.location())
		return "", ""
	}
	var ax []*accessibility.Node
	b.run(chromedp.ActionFunc(func(ctx context.Context) (err error) {
		ax, err = accessibility.GetPartialAXTree().WithBackendNodeID(nodes[0].BackendNodeID).WithFetchRelatives(false).Do(ctx)
		return err
	}))
	str := func(v *accessibility.Value) string {
		var s string
		if v != nil {
			json.Unmarshal(v.Value, &s)
		}
		return s
	}
	for _, n := range ax {
		if n.BackendDOMNodeID == nodes[0].BackendNodeID {
			return str(n.Name), str(n.Description)
		}
	}
	return "", ""
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	var s string
	b.run(chromedp.Value(sel, &s, chromedp.ByQuery))
	return s
}

func (b *browser) count(sel string) int {
	b.t.Helper()
	var n int
	b.run(chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel)), &n))
	return n
}

func (b *browser) wantCount(sel string, want int) {
	b.t.Helper()
	if n := b.count(sel); n != want {
		b.t.Errorf("%d of %s on %s, want %d", n, sel, b.location(), want)
	}
}

// signIn signs handle in through the sign-in form (the passphrase tests
// give it) and checks that it lands on /me.
func (b *browser) signIn(handle string) {
	b.t.Helper()
	b.open("/login")
	b.sendKeys("#f-handle", handle)
	b.sendKeys("#f-password", passphrase(handle))
	b.clickAndWait(`form[action="/login"] button[type="submit"]`, "my account")
	b.wantPath("/me")
}

// signOut signs out with the header's button.
func (b *browser) signOut() {
	b.t.Helper()
	b.clickAndWait(`header form[action="/logout"] button[type="submit"]`, "home after signing out")
}

func (b *browser) wantPath(path string) {
	b.t.Helper()
	loc := b.location()
	u, err := url.Parse(loc)
	if err != nil || u.Path != path {
		b.t.Fatalf("at %s, want path %s", loc, path)
	}
}

func (b *browser) wantLang(lang string) {
	b.t.Helper()
	var got string
	b.run(chromedp.Evaluate(`document.documentElement.lang`, &got))
	if got != lang {
		b.t.Errorf("<html lang=%q> on %s, want %q", got, b.location(), lang)
	}
}

// dark turns emulated prefers-color-scheme: dark on or off.
func (b *browser) dark(on bool) {
	b.t.Helper()
	scheme := "light"
	if on {
		scheme = "dark"
	}
	var matches bool
	b.run(
		emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}),
		chromedp.Evaluate(`matchMedia("(prefers-color-scheme: dark)").matches`, &matches),
	)
	if matches != on {
		b.t.Fatalf("emulating prefers-color-scheme: %s did not take", scheme)
	}
}

// narrow loads path on a 320px-wide phone screen: no sideways scrolling
// (WCAG 1.4.10 reflow), and axe passes there too.
func (b *browser) narrow(path string) {
	b.t.Helper()
	b.run(emulation.SetDeviceMetricsOverride(320, 640, 1, true))
	b.run(chromedp.Navigate(b.base.String()+path), chromedp.WaitReady("body", chromedp.ByQuery))
	var vw, sw int
	b.run(
		chromedp.Evaluate(`window.innerWidth`, &vw),
		chromedp.Evaluate(`document.documentElement.scrollWidth`, &sw),
	)
	if vw != 320 {
		b.t.Errorf("320px emulation gave a viewport %dpx wide", vw)
	}
	if sw > 320 {
		var wide string
		b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > 320).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).trim().replace(/\s+/g, ".") : "") + " right=" + Math.round(e.getBoundingClientRect().right)).join("; ")`, &wide))
		b.t.Errorf("%s at 320px wide scrolls sideways: scrollWidth %d; too wide: %s", path, sw, wide)
	}
	b.checkAxe(path + " (320px wide)")
	b.run(emulation.ClearDeviceMetricsOverride())
}

type axeResult struct {
	Version    string         `json:"version"`
	Passes     int            `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// checkAxe runs axe-core on the page in the tab and reports every WCAG
// 2.0/2.1/2.2 A and AA violation. axe is injected through DevTools, which
// the page's Content-Security-Policy does not govern.
func (b *browser) checkAxe(name string) {
	b.t.Helper()
	b.mu.Lock()
	b.visited++
	b.mu.Unlock()
	loc := b.location()
	var have bool
	b.run(chromedp.Evaluate(`typeof window.axe === "object"`, &have))
	if !have {
		var typ string
		b.run(chromedp.Evaluate(b.axeSrc+"\n;typeof window.axe", &typ))
		if typ != "object" {
			b.t.Fatalf("injecting axe-core on %s: typeof axe is %q", loc, typ)
		}
	}
	var raw string
	b.run(chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}, resultTypes: ["violations"]}).then(r => JSON.stringify({
  version: r.testEngine.version,
  passes: r.passes.length,
  violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}))
}))`, &raw, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
	var res axeResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		b.t.Fatalf("axe on %s: %v\n%s", loc, err, raw)
	}
	if res.Passes == 0 {
		b.t.Fatalf("axe %s on %s checked nothing (no passing rules): it did not really run", res.Version, loc)
	}
	if len(res.Violations) == 0 {
		return
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "axe-core %s: %d WCAG violation(s) on %s [%s]:", res.Version, len(res.Violations), name, loc)
	for _, v := range res.Violations {
		fmt.Fprintf(&sb, "\n  - %s (%s): %s", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			var tj bytes.Buffer
			enc := json.NewEncoder(&tj)
			enc.SetEscapeHTML(false)
			enc.Encode(n.Target)
			fmt.Fprintf(&sb, "\n      %s", strings.TrimSpace(tj.String()))
			if s := strings.TrimSpace(n.Summary); s != "" {
				fmt.Fprintf(&sb, "\n        %s", strings.ReplaceAll(s, "\n", "\n        "))
			}
		}
	}
	b.t.Error(sb.String())
}

// finish checks what the tab saw over the whole walk.
func (b *browser) finish() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.requests) == 0 {
		b.t.Error("no network requests were recorded; the request check did not work")
	}
	sawStatic := false
	for _, r := range b.requests {
		sawStatic = sawStatic || strings.HasPrefix(r, b.base.String()+"/static/")
	}
	if !sawStatic {
		b.t.Error("no request for /static/ was recorded; the request check did not work")
	}
	if len(b.foreign) > 0 {
		b.t.Errorf("pages asked for %d resource(s) from another host than %s:\n  %s", len(b.foreign), b.base.Host, strings.Join(b.foreign, "\n  "))
	}
	if len(b.problems) > 0 {
		b.t.Errorf("the browser reported %d problem(s):\n  %s", len(b.problems), strings.Join(b.problems, "\n  "))
	}
	b.t.Logf("browser walk: %d axe checks, %d requests", b.visited, len(b.requests))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	j, _ := json.Marshal(s)
	return string(j)
}
