package web

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserQuickExit checks the quick exit in a real Chromium: the link
// and pressing Escape twice leave for the exit address and take the page
// out of the history, so Back does not bring it up again; one Escape
// alone does nothing. The script is served minified, so this is also the
// check that minifying it kept it working.
func TestBrowserQuickExit(t *testing.T) {
	env, ts, chromium, axeSrc, _ := browserEnv(t)
	exit := ts.URL + "/rules" // the default exit address is on another host
	env.Srv.Config.QuickExitURL = exit
	b := startBrowser(t, chromium, ts.URL, axeSrc)

	// waitFor polls the tab's address until it is want.
	waitFor := func(want, what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if got := b.location(); got == want {
				return
			} else if time.Now().After(deadline) {
				t.Fatalf("%s: the tab is at %s, want %s", what, got, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	back := func() { b.run(chromedp.Evaluate(`history.back()`, nil)) }

	b.open("/")
	b.open("/guide")
	b.run(chromedp.KeyEvent(kb.Escape))
	time.Sleep(800 * time.Millisecond)
	if got := b.location(); got != ts.URL+"/guide" {
		t.Fatalf("one Escape left the page for %s", got)
	}
	b.run(chromedp.KeyEvent(kb.Escape), chromedp.KeyEvent(kb.Escape))
	waitFor(exit, "Escape twice")
	back()
	waitFor(ts.URL+"/", "Back after Escape twice (the guide page must be gone from the history)")

	b.open("/groups")
	b.run(chromedp.Click("#quick-exit", chromedp.ByQuery))
	waitFor(exit, "the quick-exit link")
	back()
	waitFor(ts.URL+"/", "Back after the quick-exit link")
	b.finish()
}
