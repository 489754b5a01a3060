package web

import (
	"html/template"
	"strconv"
	"strings"

	"involve/internal/i18n"
)

// Markup written in Go rather than by templates, for the parts a page
// repeats many times (posts, filter lists, cards, page links): each
// template action is evaluated by reflection, and those parts were most
// of their pages' time. esc and escURL do what html/template's escapers do
// in the same places, so a page reads the same whichever wrote it
// (TestEscapersMatch).

// esc escapes s for HTML text and for a double-quoted attribute value,
// exactly as html/template does (which writes "+" as "&#43;" too).
var esc = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;", "\x00", "\uFFFD",
).WriteString

// escURL writes an address inside a double-quoted attribute as
// html/template does with an action at the start of one or in its path:
// bytes that may not stand in an address are percent-encoded (existing
// escapes are kept), then the result is escaped as attribute text. The
// addresses written here are the site's own, never javascript: ones.
func escURL(w *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	var buf []byte
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case strings.IndexByte("-._~!#$&*+,/:;=?@[]", c) >= 0:
			continue
		case c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			continue
		}
		buf = append(buf, s[written:i]...)
		buf = append(buf, '%', hex[c>>4], hex[c&15])
		written = i + 1
	}
	if buf == nil {
		esc(w, s)
		return
	}
	buf = append(buf, s[written:]...)
	esc(w, string(buf))
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// pageLink is one entry of a page navigation: a number, or a gap.
type pageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool
}

// pageLinks lists the first and last page and those near the current one.
func pageLinks(base string, page, pages int) []pageLink {
	if pages <= 1 {
		return nil
	}
	var out []pageLink
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < page-2 || n > page+2) {
			continue
		}
		if last != 0 && n > last+1 {
			out = append(out, pageLink{Gap: true})
		}
		u := base
		if n > 1 {
			sep := "?"
			if strings.Contains(base, "?") {
				sep = "&" // the base keeps its own query, a directory's filters
			}
			u += sep + "page=" + strconv.Itoa(n)
		}
		out = append(out, pageLink{Number: n, URL: u, Current: n == page})
		last = n
	}
	return out
}

// pageNav writes a page navigation of links: label names it for screen
// readers, which read pageWord before each number. Written in Go, as the
// posts are (discussions_posts.go): a thread page has two, and each link
// was half a dozen template actions.
func pageNav(label, pageWord string, links []pageLink) template.HTML {
	if len(links) == 0 {
		return ""
	}
	var w strings.Builder
	w.Grow(100 + len(links)*(90+len(pageWord)+len(links[0].URL)))
	w.WriteString(`<nav class="page-links" aria-label="`)
	esc(&w, label)
	w.WriteString("\">\n<ul>")
	for _, l := range links {
		if l.Gap {
			w.WriteString(`<li class="gap">…</li>`)
			continue
		}
		w.WriteString(`<li><a href="`)
		escURL(&w, l.URL)
		w.WriteString(`"`)
		if l.Current {
			w.WriteString(` aria-current="page"`)
		}
		w.WriteString(`><span class="visually-hidden">`)
		esc(&w, pageWord)
		w.WriteString(` </span>` + strconv.Itoa(l.Number) + `</a></li>`)
	}
	w.WriteString("</ul>\n</nav>")
	return template.HTML(w.String())
}

// localPageNav is pageNav in the reader's language; of, when not "",
// names what the pages hold, for a page with more than one such list.
func localPageNav(p *i18n.Printer, of string, links []pageLink) template.HTML {
	label := p.T("discussions.pages.label")
	if of != "" {
		label += ": " + of
	}
	return pageNav(label, p.T("discussions.pages.page"), links)
}
