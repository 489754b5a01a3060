package guide

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// md renders guide Markdown: GitHub-flavoured tables and task lists, heading
// ids for links within a page. Raw HTML is left out by goldmark and
// whatever comes through is sanitised by bluemonday.
var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
)

var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[\p{L}\p{N}_-]+$`)).OnElements("h2", "h3", "h4")
	p.RequireNoReferrerOnLinks(true)
	return p
}()

// checklistLine matches a task-list item: "- [ ] text" or "- [x] text".
var checklistLine = regexp.MustCompile(`(?m)^[ \t]*[-*+] \[[ xX]\] +(.+?)[ \t]*$`)

// ChecklistItems returns the task-list items of a page body, in order.
func ChecklistItems(body string) []string {
	var out []string
	for _, m := range checklistLine.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

// Rendered is a page body as safe HTML, cut around its checklist: the page
// shows the checklist as a form a member can tick, between Before and After.
type Rendered struct {
	Before, After template.HTML
}

// Render renders a body, leaving its checklist items out.
func Render(body string) Rendered {
	locs := checklistLine.FindAllStringIndex(body, -1)
	if len(locs) == 0 {
		return Rendered{Before: RenderHTML(body)}
	}
	rest := checklistLine.ReplaceAllString(body[locs[0][0]:locs[len(locs)-1][1]], "")
	return Rendered{
		Before: RenderHTML(body[:locs[0][0]]),
		After:  RenderHTML(rest + body[locs[len(locs)-1][1]:]),
	}
}

// RenderHTML turns Markdown into safe HTML.
func RenderHTML(body string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(body), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(body))
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes()))
}

// PlainText returns the words of a body without Markdown, for search.
func PlainText(body string) string {
	src := []byte(body)
	doc := md.Parser().Parse(text.NewReader(src))
	var b strings.Builder
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock {
				b.WriteByte('\n')
			}
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			// (A code span's words are its Text children; Lines panics on
			// an inline node.)
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// Links returns the destinations of every link in a body.
func Links(body string) []string {
	src := []byte(body)
	doc := md.Parser().Parse(text.NewReader(src))
	var out []string
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			out = append(out, string(l.Destination))
		case *ast.AutoLink:
			out = append(out, string(l.URL(src)))
		}
		return ast.WalkContinue, nil
	})
	return out
}

// ItemKey is the stable key of a checklist item: made from the original
// (English) text, so every translation's item ticks the same box.
func ItemKey(original string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(original) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return b.String()
}
