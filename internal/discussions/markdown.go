package discussions

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"involve/internal/guide"
	"involve/internal/memo"
)

// Posts are Markdown written by anyone, so they render more narrowly than
// the guide: no heading ids (they would clash with the post anchors),
// headings two levels down (a post sits under the thread's h1 and its own
// h2), raw HTML left out, images shown as links (a picture from another
// site would tell that site who reads the thread), and every link nofollow
// and noreferrer. bluemonday sanitises whatever comes through.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(postNodes{}, 100))),
)

var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return p
}()

// postNodes renders ![alt](url) as a link to url reading alt, and
// headings two levels down.
type postNodes struct{}

func (postNodes) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, func(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		level := min(node.(*ast.Heading).Level+2, 6)
		if entering {
			fmt.Fprintf(w, "<h%d>", level)
		} else {
			fmt.Fprintf(w, "</h%d>\n", level)
		}
		return ast.WalkContinue, nil
	})
	reg.Register(ast.KindImage, func(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		n := node.(*ast.Image)
		dest := util.URLEscape(n.Destination, true)
		if html.IsDangerousURL(dest) {
			dest = nil
		}
		var alt bytes.Buffer
		ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
			if t, ok := c.(*ast.Text); ok && entering {
				alt.Write(t.Segment.Value(src))
			}
			return ast.WalkContinue, nil
		})
		if alt.Len() == 0 {
			alt.Write(dest)
		}
		w.WriteString(`<a href="`)
		w.Write(util.EscapeHTML(dest))
		w.WriteString(`">`)
		w.Write(util.EscapeHTML(alt.Bytes()))
		w.WriteString(`</a>`)
		return ast.WalkSkipChildren, nil
	})
}

// Render turns a post's Markdown into safe HTML.
//
// The same posts are rendered again and again (a busy thread's page is read
// far more often than written), so results are remembered, keyed by the
// Markdown itself: a cache of a pure function, never stale, which
// goldmark and bluemonday would otherwise spend about a tenth of a thread
// page's time on. Only posts up to 4 KB are kept, 2,048 of them, so the
// cache holds at most a few megabytes.
func Render(body string) template.HTML { return rendered.Get(body) }

var rendered = memo.New(2048, 4<<10, render)

func render(body string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(body), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(body))
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes()))
}

// PlainText is a post's words without Markdown, for search and feeds.
func PlainText(body string) string { return guide.PlainText(body) }

// postLink matches the in-thread links quotes carry.
var postLink = regexp.MustCompile(`href="#post-([0-9]+)"`)

// LinkPosts points in-thread links at the page of d that shows the post:
// a quote links "#post-N", which only works on the page holding post N,
// here positions first to last (none, when last < first).
func LinkPosts(h template.HTML, d *Discussion, first, last int) template.HTML {
	return template.HTML(postLink.ReplaceAllStringFunc(string(h), func(m string) string {
		n, err := strconv.Atoi(postLink.FindStringSubmatch(m)[1])
		if err != nil || (n >= first && n <= last) {
			return m
		}
		return `href="` + template.HTMLEscapeString(d.PostURL(n)) + `"`
	}))
}

// PageOf is the page that shows position n.
func PageOf(n, perPage int) int {
	if n < 1 {
		return 1
	}
	return (n-1)/perPage + 1
}

// QuoteMax bounds how much of a post a quote carries.
const QuoteMax = 600

// Quote is the Markdown a reply starts with to quote p: a blockquote that
// names the author and links to the post. Quotes inside p are left out, so
// quotes do not pile up.
func Quote(p *Post, who string) string {
	var kept []string
	for _, line := range strings.Split(strings.ReplaceAll(p.Body, "\r\n", "\n"), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), ">") {
			continue
		}
		kept = append(kept, line)
	}
	text := strings.TrimSpace(strings.Join(kept, "\n"))
	if utf8.RuneCountInString(text) > QuoteMax {
		r := []rune(text)
		text = strings.TrimSpace(string(r[:QuoteMax])) + " …"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "> [%s](#post-%d):\n>\n", escapeLinkText(who), p.Position)
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimRight(line, " \t"); line == "" {
			b.WriteString(">\n")
		} else {
			b.WriteString("> " + line + "\n")
		}
	}
	b.WriteString("\n")
	return b.String()
}

func escapeLinkText(s string) string {
	return strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`).Replace(s)
}

// mention is "@handle" not inside a word, an address or a path.
var mention = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_@/.\-])@([A-Za-z0-9_-]{3,30})`)

// Mentions returns the handles a post mentions with @handle, lower-cased
// and without repeats. Quoted lines and code do not count: quoting a post
// should not mention its people again.
func Mentions(body string) []string {
	var out []string
	seen := map[string]bool{}
	fenced := false
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
			continue
		}
		if fenced || strings.HasPrefix(t, ">") || strings.HasPrefix(line, "    ") {
			continue
		}
		line = inlineCode.ReplaceAllString(line, " ")
		for _, m := range mention.FindAllStringSubmatch(line, -1) {
			h := strings.ToLower(m[1])
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
		}
	}
	return out
}

var inlineCode = regexp.MustCompile("`[^`]*`")

// PostLang is the language to mark a post's text with: Russian when most
// of its letters are Cyrillic (threads often mix languages, and a screen
// reader needs to know), else the thread's language ("" when unknown).
// Latin letters in a Russian thread are English or Dutch, told apart by
// their commonest words: left unmarked, the post would be read in the
// page's language, often Russian.
func PostLang(body, threadLang string) string {
	cyr, lat := 0, 0
	for _, r := range body {
		switch {
		case r < utf8.RuneSelf: // most text: no table lookup for ASCII
			if 'a' <= r|0x20 && r|0x20 <= 'z' {
				lat++
			}
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			lat++
		}
	}
	if cyr > lat {
		return "ru"
	}
	if threadLang == "ru" && lat > cyr {
		return latinLang(body)
	}
	return threadLang
}

// Words far more common in one of Involve's Latin-script languages than
// in the other.
var (
	englishWords = wordSet("the and of to is are you we it that this for with not have was be")
	dutchWords   = wordSet("de het een en van ik je wij we niet dat is zijn voor met op ook maar")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// latinLang guesses whether Latin-script text is Dutch or English
// (English when it cannot tell).
func latinLang(body string) string {
	en, nl := 0, 0
	for _, w := range strings.FieldsFunc(strings.ToLower(body), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if englishWords[w] {
			en++
		}
		if dutchWords[w] {
			nl++
		}
	}
	if nl > en {
		return "nl"
	}
	return "en"
}
