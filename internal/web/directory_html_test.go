package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"involve/internal/groups"
)

// hostileText is text and addresses that html/template escapes.
var hostileText = []string{
	"", "plain", "harm reduction", `<script>alert("x")</script>`, `" onmouseover="alert(1)`,
	"'single' & \"double\"", "a+b=c&d?e#f", "\x00nul", "%41%zz%", "%4", "caf\xc3\xa9 \xff broken",
	"Алматы, Тбилиси", "עברית", "\u2028\u202e", "javascript:alert(1)", "/groups?kind=a&topic=b+c%27",
	"sp ace/(paren)[br]{c}|\\^`", "\t\n\r", "&#43;&amp;",
}

// TestEscapersMatch checks that esc and escURL write what html/template
// writes for a value in the same place, so markup written in Go reads
// byte for byte like a template's.
func TestEscapersMatch(t *testing.T) {
	ref := template.Must(template.New("").Parse(
		`<p title="{{.}}">{{.}}</p><a href="/{{.}}"></a><a href="/groups/{{.}}"></a>`))
	for _, s := range hostileText {
		var want strings.Builder
		if err := ref.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		got.WriteString(`<p title="`)
		esc(&got, s)
		got.WriteString(`">`)
		esc(&got, s)
		got.WriteString(`</p><a href="`)
		escURL(&got, "/"+s)
		got.WriteString(`"></a><a href="/groups/`)
		escURL(&got, s)
		got.WriteString(`"></a>`)
		if got.String() != want.String() {
			t.Errorf("%q:\n got %s\nwant %s", s, got.String(), want.String())
		}
	}
}

// The templates the directories' filter lists and group cards were
// written with before directory_html.go: the reference it must match.
const (
	refGroupFacets = `{{range .Facets}}{{if or .Values (eq .Param "kind")}}
<details{{if or .Active (eq .Param "kind")}} open{{end}}>
<summary>{{.Label}}</summary>
<ul class="filters">
<li><a href="{{.All.Href}}"{{if .All.Current}} aria-current="page"{{end}}>{{$.T "groups.filter.all"}}{{if eq .Param "kind"}} ({{.All.Count}}){{end}}</a></li>
{{range .Values}}<li><a href="{{.Href}}"{{if .Current}} aria-current="page"{{end}}>{{if .Lang}}<span lang="{{.Lang}}"{{if eq .Dir "rtl"}} dir="rtl"{{end}}>{{.Label}}</span>{{else}}{{.Label}}{{end}} ({{.Count}})</a></li>
{{end}}</ul>
</details>
{{end}}{{end}}`
	refOrgFacets = `{{range .Facets}}{{if or .Values (eq .Param "kind")}}
<details{{if or .Active (eq .Param "kind")}} open{{end}}>
<summary>{{.Label}}</summary>
<ul class="filters">
<li><a href="{{.All.Href}}"{{if .All.Current}} aria-current="page"{{end}}>{{$.T "orgs.all"}}{{if eq .Param "kind"}} ({{.All.Count}}){{end}}</a></li>
{{range .Values}}<li><a href="{{.Href}}"{{if .Current}} aria-current="page"{{end}}>{{if .Lang}}<span lang="{{.Lang}}" dir="{{.Dir}}">{{.Label}}</span>{{else}}{{.Label}}{{end}} ({{.Count}})</a></li>
{{end}}</ul>
</details>
{{end}}{{end}}`
	refMeetingFacets = `{{range .Facets}}{{if .Values}}
<details{{if .Active}} open{{end}}>
<summary>{{.Label}}</summary>
<ul class="filters">
<li><a href="{{.All.Href}}"{{if .All.Current}} aria-current="page"{{end}}>{{$.T "meetings.filter.all"}}</a></li>
{{range .Values}}<li><a href="{{.Href}}"{{if .Current}} aria-current="page"{{end}}>{{if .Lang}}<span lang="{{.Lang}}" dir="{{.Dir}}">{{.Label}}</span>{{else}}{{.Label}}{{end}} ({{.Count}})</a></li>
{{end}}</ul>
</details>
{{end}}{{end}}`
	refGroupCards = `{{range .Groups}}<li class="card">
<h2><a href="/groups/{{.Group.Slug}}">{{.Group.Name}}</a></h2>
<p class="meta"><span class="tag">{{$.T (printf "groups.kind.%s" .Group.Kind)}}</span>{{if ne .Group.Visibility "public"}} <span class="tag">{{$.T (printf "groups.visibility.%s" .Group.Visibility)}}</span>{{end}}{{with .Group.Region}} · {{.}}{{end}} · {{$.N "groups.members_count" .Group.Members}}</p>
{{with .Summary}}<p>{{.}}</p>{{end}}
{{if .Langs}}<p class="meta">{{$.T "groups.languages"}}: {{range $i, $l := .Langs}}{{if $i}}, {{end}}<span lang="{{.Lang}}"{{if eq .Dir "rtl"}} dir="rtl"{{end}}>{{.Label}}</span>{{end}}</p>{{end}}
</li>
{{end}}`
)

type refDirectoryPage struct {
	*Base
	Facets []facetList
	Groups []groupCard
}

// TestDirectoryMarkup checks that the filter lists and group cards written
// in Go are byte for byte what their templates made, for hostile names,
// places, topics and filters in every interface language.
func TestDirectoryMarkup(t *testing.T) {
	e := sqliteEnv(t)
	for _, lang := range []string{"en", "nl", "ru"} {
		b := &Base{}
		b.p = e.Srv.I18n.Printer(e.Srv.I18n.Match(lang, "", ""))
		for i, s := range hostileText {
			cur := map[string]string{"kind": "", "region": s, "topic": hostileText[(i+3)%len(hostileText)], "language": ""}
			if i%2 == 0 {
				cur["kind"] = groups.SelfOrganisation
			}
			values := []facetValue{{Value: s, Label: s, Count: i}, {Value: "x" + s, Label: "<i>" + s, Count: 1000 + i}}
			langValues := []facetValue{languageFacet("ru", 3), languageFacet("ar", 2), {Value: s, Label: s, Lang: s + "x", Dir: s, Count: 1}}
			lists := []facetList{
				directoryFacets("/groups", cur, "kind", "Kind "+s, 7, values),
				directoryFacets("/groups", cur, "region", "Region "+s, 0, values),
				directoryFacets("/groups", cur, "topic", s, 0, nil),
				directoryFacets("/groups", cur, "language", s, 0, langValues),
			}
			g := &groups.Group{Slug: s, Name: s, Kind: groups.Kinds[i%len(groups.Kinds)], Visibility: groups.Visibilities[i%3],
				Region: s, Members: i * 7, Languages: []string{"ar", "ru", s}}
			c := newGroupCard(g)
			c.Summary = s
			cards := []groupCard{c, newGroupCard(&groups.Group{Slug: "plain", Name: "Plain", Kind: groups.SelfOrganisation, Visibility: groups.Public, Members: 1})}
			data := refDirectoryPage{Base: b, Facets: lists, Groups: cards}
			for _, tc := range []struct {
				name, ref string
				got       template.HTML
			}{
				{"group facets", refGroupFacets, facetsHTML(lists, facetStyle{all: b.T("groups.filter.all"), main: "kind", rtlOnly: true})},
				{"organisation facets", refOrgFacets, facetsHTML(lists, facetStyle{all: b.T("orgs.all"), main: "kind"})},
				{"meeting facets", refMeetingFacets, facetsHTML(lists, facetStyle{all: b.T("meetings.filter.all")})},
				{"group cards", refGroupCards, b.groupCardsHTML(cards)},
			} {
				var want strings.Builder
				if err := template.Must(template.New("").Parse(tc.ref)).Execute(&want, data); err != nil {
					t.Fatal(err)
				}
				if string(tc.got) != want.String() {
					t.Errorf("%s, %s, %q:\n got %s\nwant %s", lang, tc.name, s, tc.got, want.String())
				}
			}
		}
	}
}

// TestDirectoryHostileGroup reads the directory with a group whose name,
// place, topics and about text are markup: the card and the filter links
// show them as text.
func TestDirectoryHostileGroup(t *testing.T) {
	e := sqliteEnv(t)
	founder := e.createMember("founder")
	const bad = `<script>alert("x")</script>`
	if _, err := e.Srv.Groups.Create(context.Background(), founder.ID, groups.Input{Name: "Peers " + bad, Kind: groups.SelfOrganisation,
		Visibility: groups.Public, Joining: groups.Open, About: `We meet. 1 < 2 & "so" 'on' a+b`, Region: `Riga" onclick="x`,
		Topics: "a+b & " + bad, Languages: "en"}, nil); err != nil {
		t.Fatal(err)
	}
	escaped := template.HTMLEscapeString(bad)
	for _, path := range []string{"/groups", "/groups?region=" + url.QueryEscape(`Riga" onclick="x`)} {
		r := e.client().get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, r.Status)
		}
		if strings.Contains(r.Body, bad) || strings.Contains(r.Body, `" onclick="`) {
			t.Errorf("%s shows the markup as markup", path)
		}
		for _, want := range []string{
			`>Peers ` + escaped + `</a></h2>`,                                        // the card's name
			`<p>We meet. 1 &lt; 2 &amp; &#34;so&#34; &#39;on&#39; a&#43;b</p>`,       // its summary
			` · Riga&#34; onclick=&#34;x · `,                                         // its place
			`>a&#43;b &amp; ` + escaped + ` (1)</a></li>`,                            // the topic filter
			`topic=a%2Bb&#43;%26&#43;%3Cscript%3Ealert%28%22x%22%29%3C%2Fscript%3E"`, // its address
		} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("%s lacks %s", path, want)
			}
		}
	}
}

// refPageNav is the page-links partial pageNav replaced, kept as the
// reference for its markup.
const refPageNav = `{{with .Links}}<nav class="page-links" aria-label="{{$.Label}}">
<ul>{{range .}}{{if .Gap}}<li class="gap">…</li>{{else}}<li><a href="{{.URL}}"{{if .Current}} aria-current="page"{{end}}><span class="visually-hidden">{{$.Word}} </span>{{.Number}}</a></li>{{end}}{{end}}</ul>
</nav>{{end}}`

// TestPageNavMarkup compares pageNav with the template it replaced, on
// hostile labels and addresses, with and without gaps.
func TestPageNavMarkup(t *testing.T) {
	ref := template.Must(template.New("").Parse(refPageNav))
	for i, s := range hostileText {
		for _, pages := range [][2]int{{1, 1}, {1, 2}, {2, 2}, {5, 12}, {12, 12}} {
			links := pageLinks("/groups?region="+s, pages[0], pages[1])
			if i%2 == 1 {
				links = pageLinks("/discussions/"+s, pages[0], pages[1])
			}
			data := struct {
				Label, Word string
				Links       []pageLink
			}{"Pages " + s, s + " page", links}
			var want strings.Builder
			if err := ref.Execute(&want, data); err != nil {
				t.Fatal(err)
			}
			if got := pageNav(data.Label, data.Word, links); string(got) != want.String() {
				t.Errorf("%q, page %d of %d:\n got %s\nwant %s", s, pages[0], pages[1], got, want.String())
			}
		}
	}
}
