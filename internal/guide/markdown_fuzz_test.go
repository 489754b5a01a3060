package guide

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"involve/internal/testutil"
)

// FuzzRenderHTML checks that whatever an editor writes in the guide renders as
// markup that cannot run script: no <script>, no event-handler
// attributes, no javascript: or other script addresses.
func FuzzRenderHTML(f *testing.F) {
	for _, s := range []string{
		"**bold**, _it_, [a link](https://example.org) and www.example.org",
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"[click](javascript:alert(1))",
		"[click](JaVaScRiPt:alert(1))",
		"[click](java\tscript:alert(1))",
		"[click](&#106;avascript:alert(1))",
		"![pic](javascript:alert(1))",
		"![](data:text/html;base64,PHNjcmlwdD4=)",
		"<javascript:alert(1)>",
		"| a | b |\n|---|---|\n| <b onclick=x>1</b> | 2 |",
		"> [@mira](#post-3):\n>\n> quoted\n\n```\n<script>in code</script>\n```",
		"# Heading {onclick=alert(1)}",
		"[x](https://example.org \"title\\\" onmouseover=\\\"alert(1)\")",
		"<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		out := string(RenderHTML(body))
		checkSafeHTML(t, body, out)
	})
}

var (
	rawScript  = regexp.MustCompile(`(?i)<\s*script`)
	rawHandler = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
)

func checkSafeHTML(t *testing.T, in, out string) {
	t.Helper()
	if rawScript.MatchString(out) {
		t.Errorf("%q renders with a <script: %s", in, out)
	}
	if rawHandler.MatchString(out) {
		t.Errorf("%q renders with an event handler: %s", in, out)
	}
	for _, p := range testutil.UnsafeMarkup(out) {
		t.Errorf("%q renders unsafely: %s\n%s", in, p, out)
	}
	if strings.Contains(strings.ToLower(out), `href="javascript:`) {
		t.Errorf("%q renders a javascript: link: %s", in, out)
	}
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
