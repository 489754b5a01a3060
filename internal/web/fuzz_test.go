package web

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"involve/internal/discussions"
)

// FuzzCleanText checks what every form value goes through: the result is
// valid UTF-8 with no control character but line breaks and tabs, clean
// text comes through unchanged, and cleaning twice changes nothing.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"plain words", "line\r\nbreak\ttab", "nul\x00byte", "bad \xff\xfe", "half \xc3", "\ufeffbom",
		"\u202egnp", "esc\x1b[31m", "\x7f\u0085\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := cleanText(s)
		if !utf8.ValidString(out) {
			t.Errorf("cleanText(%q) = %q: not valid UTF-8", s, out)
		}
		if i := strings.IndexFunc(out, isUnwanted); i >= 0 {
			t.Errorf("cleanText(%q) = %q: keeps %q", s, out, out[i:])
		}
		if again := cleanText(out); again != out {
			t.Errorf("cleanText(%q) = %q, cleaned again %q", s, out, again)
		}
		if utf8.ValidString(s) && strings.IndexFunc(s, isUnwanted) < 0 && out != s {
			t.Errorf("cleanText(%q) = %q: changed clean text", s, out)
		}
	})
}

// FuzzParseForm sends parseForm any body at all: it is either refused as
// the sender's mistake (400) or read into clean values.
func FuzzParseForm(f *testing.F) {
	for _, s := range []string{"handle=mira&password=x", "a=%zz", "a=%", "title=%3Cscript%3E&body=x%00y", "x=%FF%FE", "=&&==", "a=1;b=2",
		"name=" + strings.Repeat("%E2%80%AE", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/me/profile", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		form, err := parseForm(r)
		if err != nil {
			var he *httpError
			if !errors.As(err, &he) || he.status != http.StatusBadRequest {
				t.Errorf("body %q: error %v, want a 400", body, err)
			}
			return
		}
		for k, vs := range form.Values {
			for _, v := range vs {
				if !utf8.ValidString(v) || strings.IndexFunc(v, isUnwanted) >= 0 {
					t.Errorf("body %q: field %q holds %q", body, k, v)
				}
			}
		}
	})
}

// FuzzForumFeed starts a thread with any title and first post, as the form
// would take them, and checks the forum's Atom feed is still well-formed
// XML with the thread in it.
func FuzzForumFeed(f *testing.F) {
	for _, s := range [][2]string{
		{"A plain title", "A plain post."},
		{"<script>alert(1)</script>", "<img src=x onerror=alert(1)> and [x](javascript:alert(1))"},
		{"]]><x>&amp;&", "<![CDATA[ ]]> &#0; &#xFFFE; \uFFFE\uFFFF"},
		{"Ünïcödé \u202e", "`code` **bold** [link](/groups) [post](#post-1)"},
		{"tab\there", "line\r\nbreak"},
	} {
		f.Add(s[0], s[1])
	}
	e := sqliteEnv(f)
	author := e.createMember("feeder")
	f.Fuzz(func(t *testing.T, title, body string) {
		in := discussions.Input{Title: cleanText(title), Body: cleanText(body), Lang: "en"}
		if len(in.Check()) > 0 {
			return
		}
		if _, err := e.Srv.Discussions.Create(context.Background(), nil, author.ID, in); err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(e.URL + "/discussions.atom")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("feed: status %d", resp.StatusCode)
		}
		dec := xml.NewDecoder(resp.Body)
		entries := 0
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("title %q, post %q: the feed is not well-formed XML: %v", title, body, err)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "entry" {
				entries++
			}
		}
		if entries == 0 {
			t.Errorf("title %q, post %q: the feed has no entries", title, body)
		}
	})
}
