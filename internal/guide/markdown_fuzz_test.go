package guide

import (
	"testing"
	"unicode/utf8"

	"involve/internal/testutil"
)

// FuzzRenderHTML checks that whatever an editor writes in the guide renders as
// markup that cannot run script: no <script>, no event-handler
// attributes, no javascript: or other script addresses.
func FuzzRenderHTML(f *testing.F) {
	for _, s := range testutil.HostileMarkdown {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		out := string(RenderHTML(body))
		testutil.CheckSafeHTML(t, body, out)
	})
}

// TestPlainTextCodeSpan: inline code once made PlainText panic, so every
// post, group description or guide page with `code` in it failed to save.
func TestPlainTextCodeSpan(t *testing.T) {
	if got, want := PlainText("carry `naloxone` and **a phone**"), "carry naloxone and a phone"; got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
}

// FuzzPlainText checks the words of any body can be taken out for search
// without a panic, and stay valid text.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"use `naloxone` here", "```\nfenced\n```", "    indented code", "**bold** _it_ [link](/x)", "| a |\n|---|\n| `b` |"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		out := PlainText(body)
		if utf8.ValidString(body) && !utf8.ValidString(out) {
			t.Errorf("PlainText(%q) = %q: not valid UTF-8", body, out)
		}
	})
}
