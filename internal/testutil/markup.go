package testutil

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// dangerousURL matches addresses that run script or carry a page, after
// the spaces and control characters browsers ignore are taken out.
var dangerousURL = regexp.MustCompile(`^(?i)(javascript|vbscript|data:text/html|livescript):`)

var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true,
	"poster": true, "data": true, "background": true, "srcset": true, "ping": true}

// UnsafeMarkup lists what in a page (or a fragment of one) could only be
// there because input was taken as markup: Involve itself has no
// event-handler attributes, inline scripts or styles (its CSP forbids
// them), no frames, objects or <base>, no script addresses, and nothing
// named "xss" (which hostile test input uses for its tags).
func UnsafeMarkup(body string) []string {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return []string{fmt.Sprintf("the page does not parse: %v", err)}
	}
	var out []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "iframe", "frame", "frameset", "object", "embed", "base", "applet", "style":
			out = append(out, fmt.Sprintf("a <%s> element", n.Data))
		case "script":
			if !strings.HasPrefix(attr(n, "src"), "/static/") || n.FirstChild != nil {
				out = append(out, "an inline <script>")
			}
		case "meta":
			if hasAttr(n, "http-equiv") {
				out = append(out, "a <meta http-equiv>")
			}
		}
		if strings.Contains(n.Data, "xss") {
			out = append(out, fmt.Sprintf("an element <%s>", n.Data))
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			if a.Namespace != "" {
				key = a.Namespace + ":" + key
			}
			switch {
			case strings.HasPrefix(key, "on"):
				out = append(out, fmt.Sprintf("<%s %s=%q>", n.Data, a.Key, a.Val))
			case key == "style" || key == "autofocus" || strings.Contains(key, "xss"):
				out = append(out, fmt.Sprintf("<%s %s>", n.Data, a.Key))
			case urlAttrs[key] || key == "xlink:href":
				clean := strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, a.Val)
				if dangerousURL.MatchString(clean) {
					out = append(out, fmt.Sprintf("<%s %s=%q>", n.Data, a.Key, a.Val))
				}
			}
		}
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
}

// HostileMarkdown is seed input for fuzzing a Markdown renderer: the
// tricks that have let script through renderers and sanitisers.
var HostileMarkdown = []string{
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
}

var (
	rawScript  = regexp.MustCompile(`(?i)<\s*script`)
	rawHandler = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
)

// CheckSafeHTML fails t when out, rendered from in, holds anything that
// could run script: a <script, an event-handler attribute, a javascript:
// link, or any other markup UnsafeMarkup finds.
func CheckSafeHTML(t testing.TB, in, out string) {
	t.Helper()
	if rawScript.MatchString(out) {
		t.Errorf("%q renders with a <script: %s", in, out)
	}
	if rawHandler.MatchString(out) {
		t.Errorf("%q renders with an event handler: %s", in, out)
	}
	for _, p := range UnsafeMarkup(out) {
		t.Errorf("%q renders unsafely: %s\n%s", in, p, out)
	}
	if strings.Contains(strings.ToLower(out), `href="javascript:`) {
		t.Errorf("%q renders a javascript: link: %s", in, out)
	}
}
