package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"involve/internal/accounts"
	"involve/internal/i18n"
)

//go:embed templates
var templateFS embed.FS

// templates holds one parsed set per page: the layout and partials plus the
// page's own file, parsed once at start.
type templates struct {
	sets map[string]*template.Template
}

var funcs = template.FuncMap{
	// paras splits plain text into paragraphs at blank lines.
	"paras": func(s string) []string {
		var out []string
		for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	},
	"eq_any": func(v string, opts ...string) bool {
		for _, o := range opts {
			if v == o {
				return true
			}
		}
		return false
	},
}

func parseTemplates() (*templates, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{sets: map[string]*template.Template{}}
	for _, p := range pages {
		set, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := set.ParseFS(templateFS, p); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", p, err)
		}
		t.sets[strings.TrimSuffix(path.Base(p), ".html")] = set
	}
	return t, nil
}

// Base is what every page has: the reader, their language, the layout's
// links. Page structs embed it.
type Base struct {
	Title  string // translated, for <title> and the main heading
	Path   string // the request path, for the language switcher's return
	Member *accounts.Member
	Lang   i18n.Language
	Langs  []i18n.Language
	Flash  string // translated notice from the previous step, if any
	Nav    string // which main navigation entry is current
	Unread int    // the signed-in member's unread notifications, for the header
	Feed   string // address of an Atom feed of this page's content, linked from <head>; "" for none

	QuickExitURL string
	// The parts of the layout kept by chrome.
	Top, TopEnd, Bottom, BottomEnd template.HTML
	p                              *i18n.Printer
	assets                         *assets
}

func (b *Base) base() *Base { return b }

// T translates a message key.
func (b *Base) T(key string, args ...any) string { return b.p.T(key, args...) }

// N translates a message key with plural forms.
func (b *Base) N(key string, n int, args ...any) string { return b.p.N(key, n, args...) }

// Date formats a time as a date in the reader's language.
func (b *Base) Date(t time.Time) string { return b.p.Date(t) }

// Asset returns the content-hashed URL of a static file.
func (b *Base) Asset(name string) string { return b.assets.url(name) }

// LangName is a language's own name for itself, from its code.
func (b *Base) LangName(code string) string {
	l, _ := i18n.Supported(code)
	return l.Name
}

// SignedIn reports whether the reader is signed in.
func (b *Base) SignedIn() bool { return b.Member != nil }

type page interface{ base() *Base }

// render executes a page into a buffer, so that a failing template gives a
// clean error page rather than half a page, then writes it.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data page) error {
	set, ok := s.pages.sets[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	b := data.base()
	s.fillBase(w, r, b)
	if err := s.chrome.fill(set, b); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := set.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, r, status, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (s *Server) fillBase(w http.ResponseWriter, r *http.Request, b *Base) {
	st := state(r)
	b.p = st.p
	b.Lang = st.lang
	b.Langs = i18n.Languages
	b.Member = st.member
	if b.Member != nil {
		b.Unread = b.Member.UnreadNotifications
	}
	b.assets = s.assets
	b.QuickExitURL = s.Config.QuickExitURL
	b.Path = r.URL.Path
	if b.Title == "" {
		b.Title = st.p.T("site.name")
	}
	if key := takeFlash(w, r); key != "" && s.I18n.Has("en", key) {
		b.Flash = st.p.T(key)
	}
}

// writeBody writes a text response, gzipped when the client accepts it and
// the body is large enough to gain from it.
func writeBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Add("Vary", "Accept-Encoding")
	if len(body) > 1024 && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		if r.Method == http.MethodHead {
			return
		}
		gz := gzipPool.Get().(*gzip.Writer)
		gz.Reset(w)
		gz.Write(body)
		gz.Close()
		gzipPool.Put(gz)
		return
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

var gzipPool = sync.Pool{New: func() any {
	gz, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return gz
}}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		q = strings.ReplaceAll(q, " ", "")
		if strings.TrimSpace(enc) == "gzip" && q != "q=0" && q != "q=0.0" {
			return true
		}
	}
	return false
}

// Flash notices survive one redirect in a short cookie holding a message
// key (never text typed by anyone), checked against the catalogue.
const flashCookie = "flash"

func setFlash(w http.ResponseWriter, r *http.Request, key string) {
	http.SetCookie(w, newCookie(r, flashCookie, key, 60))
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, newCookie(r, flashCookie, "", -1))
	return c.Value
}

// redirect answers a successful form with 303 See Other (post/redirect/get),
// leaving a notice for the next page.
func redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) error {
	if flashKey != "" {
		setFlash(w, r, flashKey)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// localPath returns p if it is a path on this site, else "/": a return
// address taken from a form must never lead elsewhere.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}

// statusClientClosed is the status logged for a request whose reader left
// before the answer, as nginx names it; it is never sent to anyone.
const statusClientClosed = 499

// errorPage is the page for any error.
type errorPage struct {
	Base
	Status  int
	Message string
}

// renderError logs server errors and renders the error page.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The reader left before the answer (a closed tab, a dropped
		// connection): not the server's failure, and nobody to show a
		// page to. 499 is what proxies log for it; it keeps these out of
		// the error log and the 5xx counts.
		w.WriteHeader(statusClientClosed)
		return
	}
	status, msg := statusOf(err)
	if status >= 500 {
		s.Log.Error("request failed", "route", routeOf(r.Context()), "method", r.Method, "err", err)
	}
	if state(r) == nil { // failed before identify ran
		http.Error(w, http.StatusText(status), status)
		return
	}
	p := &errorPage{Status: status}
	p.p = state(r).p
	p.Message = p.T(msg)
	p.Title = p.T("error.title", status)
	if rerr := s.render(w, r, status, "error", p); rerr != nil {
		s.Log.Error("render error page", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

// adapt turns a handlerFunc into an http.Handler.
func (s *Server) adapt(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}
