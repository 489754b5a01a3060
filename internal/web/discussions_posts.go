package web

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"involve/internal/discussions"
)

// The posts of a thread page are written here in Go rather than by the
// "discussion" template, which holds the rest of the page.
//
// A page shows thirty posts, each with about twenty-five template actions;
// html/template evaluates every action and its escaper through reflection,
// and that was half of a signed-in thread page's CPU time under load — the
// page the forum is read through. Written directly, the same markup costs
// a small fraction of that. Everything that comes from people or the
// database goes through esc (text and quoted attribute values) or
// url.PathEscape; the post body is HTML that discussions.Render has
// already sanitised. The hostile-input and browser tests read this markup
// like any other page's.

// discPostView is one post as the reader sees it.
type discPostView struct {
	*discussions.Post
	HTML      template.HTML
	New       bool // the reader had not seen it before
	CanEdit   bool
	CanQuote  bool
	ShowText  bool   // hidden posts show their text to moderators only
	Lang      string // the language of its text, as well as can be told
	Blocked   bool   // by a member the reader blocked: folded away
	CanReport bool
	By        string // "Post 3, by", before the author's name for screen readers
	Who       string // the author's name as this reader may see it
	When      string
	QuoteURL  string
	Report    ReportLink
}

// postLabels are the words every post shares, translated once a page.
type postLabels struct {
	formerMember, edited, newPost, removed, quote, edit, showBlocked string
}

func (b *Base) postLabels() postLabels {
	return postLabels{
		formerMember: b.T("discussions.former_member"),
		edited:       b.T("discussions.post.edited"),
		newPost:      b.T("discussions.tag.new_post"),
		removed:      b.T("discussions.post.removed"),
		quote:        b.T("discussions.quote"),
		edit:         b.T("discussions.edit"),
		showBlocked:  b.T("moderation.blocked.show"),
	}
}

// postsHTML writes posts as the thread page shows them.
func (b *Base) postsHTML(posts []discPostView) template.HTML {
	l := b.postLabels()
	var w strings.Builder
	size := 0
	for _, v := range posts {
		size += len(v.HTML) + 900
	}
	w.Grow(size)
	for _, v := range posts {
		writePost(&w, b, &l, &v)
	}
	return template.HTML(w.String())
}

func writePost(w *strings.Builder, b *Base, l *postLabels, v *discPostView) {
	n := strconv.Itoa(v.Position)
	// The heading names the post ("Post 3, by sasha"); the action links
	// and the link to its edits point to it as their description, so a
	// screen reader says which post "Quote" or "Edit" acts on without those
	// words in every link.
	described := ` aria-describedby="post-` + n + `-by">`
	w.WriteString(`<article class="post`)
	if v.New {
		w.WriteString(` is-new`)
	}
	w.WriteString(`" id="post-` + n + `">` + "\n" + `<header><h2 id="post-` + n + `-by"><span class="visually-hidden">`)
	esc(w, v.By)
	w.WriteString(` </span>`)
	if v.Author.Gone() {
		esc(w, l.formerMember)
	} else {
		w.WriteString(`<a href="/members/`)
		esc(w, url.PathEscape(v.Author.Handle))
		w.WriteString(`">`)
		esc(w, v.Who)
		w.WriteString(`</a>`)
	}
	w.WriteString(`</h2><p class="meta"><a href="#post-` + n + `">#` + n + `</a> · <time datetime="`)
	w.WriteString(v.CreatedAt.UTC().Format("2006-01-02T15:04Z")) // to the minute, as shown
	w.WriteString(`">`)
	esc(w, v.When)
	w.WriteString(`</time>`)
	if v.EditedAt != nil {
		w.WriteString(` · <a href="/posts/` + strconv.FormatInt(v.ID, 10) + `/history"` + described)
		esc(w, l.edited)
		w.WriteString(`</a>`)
	}
	if v.New {
		w.WriteString(` <span class="tag tag-new">`)
		esc(w, l.newPost)
		w.WriteString(`</span>`)
	}
	w.WriteString("</p></header>\n")

	switch {
	case v.Removed():
		w.WriteString(`<p class="meta removed">`)
		esc(w, l.removed)
		w.WriteString("</p>\n")
	case !v.ShowText:
		w.WriteString(`<p class="warning">`)
		esc(w, b.T("discussions.post.hidden", v.HiddenReason))
		w.WriteString("</p>\n")
	default:
		if v.Hidden() {
			w.WriteString(`<p class="warning">`)
			esc(w, b.T("discussions.post.hidden_moderator", v.HiddenReason))
			w.WriteString(`</p>`)
		}
		if v.Blocked {
			w.WriteString(`<details class="blocked-post"><summary>`)
			esc(w, l.showBlocked)
			w.WriteString(`</summary>`)
		}
		w.WriteString(`<div class="post-body"`)
		if v.Lang != "" {
			w.WriteString(` lang="`)
			esc(w, v.Lang)
			w.WriteString(`"`)
		}
		w.WriteString(`>`)
		w.WriteString(string(v.HTML))
		w.WriteString(`</div>`)
		if v.Blocked {
			w.WriteString(`</details>`)
		}
		w.WriteString("\n")
	}

	if v.CanQuote || v.CanEdit || v.CanReport {
		w.WriteString(`<p class="post-actions">`)
		if v.CanQuote {
			w.WriteString(`<a href="`)
			esc(w, v.QuoteURL)
			w.WriteString(`"` + described)
			esc(w, l.quote)
			w.WriteString(`</a>`)
		}
		if v.CanEdit {
			w.WriteString(` <a href="/posts/` + strconv.FormatInt(v.ID, 10) + `/edit"` + described)
			esc(w, l.edit)
			w.WriteString(`</a>`)
		}
		if v.CanReport {
			w.WriteString(` <a class="report-link" href="`)
			esc(w, v.Report.URL)
			w.WriteString(`" rel="nofollow"` + described)
			esc(w, v.Report.Label)
			w.WriteString(`</a>`)
		}
		w.WriteString(`</p>`)
	}
	w.WriteString("</article>\n")
}
