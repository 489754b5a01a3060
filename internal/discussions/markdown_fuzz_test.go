package discussions

import (
	"regexp"
	"strings"
	"testing"

	"involve/internal/testutil"
)

// FuzzRender checks that whatever anyone writes in a post renders as
// markup that cannot run script: no <script>, no event-handler
// attributes, no javascript: or other script addresses.
func FuzzRender(f *testing.F) {
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
		out := string(Render(body))
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
