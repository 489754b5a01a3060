package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"involve/internal/groups"
	"involve/internal/guide"
	"involve/internal/langs"
	"involve/internal/memo"
)

// What the two directories, /groups and /organisations, share: filters
// shown as links with counts, languages shown by their own names, and
// fieldsets of choices for their forms.

// facetLink is one filter value with how many it would show.
type facetLink struct {
	Label   string
	Lang    string // the lang attribute of a language's own name
	Dir     string
	Href    string
	Count   int
	Current bool
}

// facetList is one filter (kind, region, topic, language) as links.
type facetList struct {
	Param  string
	Label  string // heading
	All    facetLink
	Values []facetLink
	Active bool // a value of this filter is chosen
}

// directoryFacets builds the filter links of a directory at base. current
// holds the chosen value of each parameter; label names a value.
func directoryFacets(base string, current map[string]string, param, heading string, total int,
	values []facetValue) facetList {
	link := func(v string) string {
		q := url.Values{}
		for k, cv := range current {
			if cv != "" && k != param {
				q.Set(k, cv)
			}
		}
		if v != "" {
			q.Set(param, v)
		}
		if len(q) == 0 {
			return base
		}
		return base + "?" + q.Encode()
	}
	fl := facetList{Param: param, Label: heading, Active: current[param] != ""}
	fl.All = facetLink{Href: link(""), Count: total, Current: current[param] == ""}
	for _, v := range values {
		fl.Values = append(fl.Values, facetLink{Label: v.Label, Lang: v.Lang, Dir: v.Dir, Href: link(v.Value), Count: v.Count,
			Current: strings.EqualFold(current[param], v.Value)})
	}
	return fl
}

// directoryURL is base with the filters in current, for page links.
func directoryURL(base string, current map[string]string) string {
	q := url.Values{}
	for k, v := range current {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}

// facetValue is one value of a filter, or a language shown by its name.
type facetValue struct {
	Value, Label, Lang, Dir string
	Count                   int
}

// languageFacet is a language filter value, shown by its own name.
func languageFacet(code string, n int) facetValue {
	return facetValue{Value: code, Label: langs.Name(code), Lang: code, Dir: langs.Dir(code), Count: n}
}

// directoryQuery reads the filters of a directory from the URL; values
// longer than anything stored are ignored.
func directoryQuery(r *http.Request, kinds []string) map[string]string {
	q := r.URL.Query()
	cur := map[string]string{}
	for _, k := range []string{"kind", "region", "topic", "language"} {
		v := strings.TrimSpace(cleanText(q.Get(k)))
		if utf8.RuneCountInString(v) > groups.ListMax {
			v = ""
		}
		cur[k] = v
	}
	if cur["kind"] != "" && !contains(kinds, cur["kind"]) {
		cur["kind"] = ""
	}
	return cur
}

// excerpt cuts s to about n characters at a word boundary.
func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n]
	cut := string(rs)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// cardSummary is the start of a group's about text, without Markdown, for
// its card in the directory. Parsing the Markdown of twenty cards was a
// tenth of the directory's time, for texts that seldom change, so the
// summaries are remembered by their text.
var cardSummary = memo.New(2048, 4<<10, func(about string) string {
	return excerpt(guide.PlainText(about), 200)
}).Get

// choiceItem is one radio button or checkbox of a fieldset.
type choiceItem struct {
	ID, Value, Label, Hint, Lang, Dir string
	Checked                           bool
}

func languageChoices(f *Form) []choiceItem {
	chosen := map[string]bool{}
	for _, l := range f.Values["languages"] {
		chosen[l] = true
	}
	var out []choiceItem
	for _, c := range langs.Codes {
		out = append(out, choiceItem{ID: "lang-" + c, Value: c, Label: langs.Name(c), Lang: c, Dir: langs.Dir(c), Checked: chosen[c]})
	}
	return out
}

// choiceSet is a fieldset of radio buttons or checkboxes for a template.
type choiceSet struct {
	Name, Legend, Type, Error string
	Items                     []choiceItem
}

// ChoiceSet builds a fieldset of radio buttons (typ "radio") or checkboxes
// ("checkbox") named name, with the form's error for it.
func (b *Base) ChoiceSet(f *Form, name, legendKey, typ string, items []choiceItem) choiceSet {
	cs := choiceSet{Name: name, Legend: b.T(legendKey), Type: typ, Items: items}
	if key, ok := f.Errors[name]; ok {
		cs.Error = b.T(key)
	}
	return cs
}
