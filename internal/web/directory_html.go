package web

import (
	"html/template"
	"strconv"
	"strings"
)

// The filter lists of the directories (/groups, /organisations, /meetings)
// and the group cards of /groups are written here in Go rather than by
// their templates, which hold the rest of each page.
//
// A filtered group directory has some sixty filter values and twenty
// cards, each a handful of template actions evaluated by reflection: that
// was most of the page's time. The markup is byte for byte what the
// templates made. Text and attribute values go through esc, addresses
// through escURL (markup.go).

// facetStyle is how the filter lists of one directory differ from another's.
type facetStyle struct {
	all  string // the first link of every list, "All"
	main string // a filter shown even without values, always open, its "All" with a count; "" for none
	// rtlOnly: a language's name carries dir only when right to left (the
	// interface languages all read left to right); otherwise always.
	rtlOnly bool
}

// facetsHTML writes the filter lists of a directory as details elements,
// for inside its nav.
func facetsHTML(lists []facetList, st facetStyle) template.HTML {
	var w strings.Builder
	n := 0
	for _, fl := range lists {
		n += 160 + 120*len(fl.Values)
	}
	w.Grow(n)
	for _, fl := range lists {
		main := st.main != "" && fl.Param == st.main
		if len(fl.Values) == 0 && !main {
			continue
		}
		w.WriteString("\n<details")
		if fl.Active || main {
			w.WriteString(" open")
		}
		w.WriteString(">\n<summary>")
		esc(&w, fl.Label)
		w.WriteString("</summary>\n" + `<ul class="filters">` + "\n")
		writeFacetLinkStart(&w, &fl.All)
		esc(&w, st.all)
		if main {
			w.WriteString(" (" + strconv.Itoa(fl.All.Count) + ")")
		}
		w.WriteString("</a></li>\n")
		for i := range fl.Values {
			v := &fl.Values[i]
			writeFacetLinkStart(&w, v)
			if v.Lang != "" {
				writeLangName(&w, v.Lang, v.Dir, v.Label, st.rtlOnly)
			} else {
				esc(&w, v.Label)
			}
			w.WriteString(" (" + strconv.Itoa(v.Count) + ")</a></li>\n")
		}
		w.WriteString("</ul>\n</details>\n")
	}
	return template.HTML(w.String())
}

func writeFacetLinkStart(w *strings.Builder, l *facetLink) {
	w.WriteString(`<li><a href="`)
	escURL(w, l.Href)
	w.WriteString(`"`)
	if l.Current {
		w.WriteString(` aria-current="page"`)
	}
	w.WriteString(`>`)
}

// writeLangName writes a language's own name in a span that says which
// language it is.
func writeLangName(w *strings.Builder, lang, dir, label string, rtlOnly bool) {
	w.WriteString(`<span lang="`)
	esc(w, lang)
	if !rtlOnly {
		w.WriteString(`" dir="`)
		esc(w, dir)
	} else if dir == "rtl" {
		w.WriteString(`" dir="rtl`)
	}
	w.WriteString(`">`)
	esc(w, label)
	w.WriteString(`</span>`)
}

// groupCardsHTML writes the cards of the groups directory, one li each.
func (b *Base) groupCardsHTML(cards []groupCard) template.HTML {
	languages := b.T("groups.languages")
	var w strings.Builder
	n := 0
	for _, c := range cards {
		n += 400 + len(c.Group.Name) + len(c.Summary)
	}
	w.Grow(n)
	for _, c := range cards {
		g := c.Group
		w.WriteString(`<li class="card">` + "\n" + `<h2><a href="/groups/`)
		escURL(&w, g.Slug)
		w.WriteString(`">`)
		esc(&w, g.Name)
		w.WriteString("</a></h2>\n" + `<p class="meta"><span class="tag">`)
		esc(&w, b.T("groups.kind."+g.Kind))
		w.WriteString(`</span>`)
		if g.Visibility != "public" {
			w.WriteString(` <span class="tag">`)
			esc(&w, b.T("groups.visibility."+g.Visibility))
			w.WriteString(`</span>`)
		}
		if g.Region != "" {
			w.WriteString(` · `)
			esc(&w, g.Region)
		}
		w.WriteString(` · `)
		esc(&w, b.N("groups.members_count", g.Members))
		w.WriteString("</p>\n")
		if c.Summary != "" {
			w.WriteString(`<p>`)
			esc(&w, c.Summary)
			w.WriteString(`</p>`)
		}
		w.WriteString("\n")
		if len(c.Langs) > 0 {
			w.WriteString(`<p class="meta">`)
			esc(&w, languages)
			w.WriteString(`: `)
			for i, l := range c.Langs {
				if i > 0 {
					w.WriteString(`, `)
				}
				writeLangName(&w, l.Lang, l.Dir, l.Label, true)
			}
			w.WriteString(`</p>`)
		}
		w.WriteString("\n</li>\n")
	}
	return template.HTML(w.String())
}
