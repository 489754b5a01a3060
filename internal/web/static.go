package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"
)

//go:embed static
var staticFS embed.FS

// assets are the embedded static files, each served at /static/{hash}/{name}
// so it can be cached for a year: a changed file gets a new address.
type assets struct {
	byName map[string]*asset
}

type asset struct {
	name, hash, ctype string
	body, gz          []byte
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if body, err = minifyAsset(name, body); err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		as := &asset{name: name, hash: hex.EncodeToString(sum[:6]), body: body, ctype: mime.TypeByExtension(path.Ext(name))}
		if as.ctype == "" {
			as.ctype = "application/octet-stream"
		}
		if strings.HasPrefix(as.ctype, "text/") || strings.Contains(as.ctype, "javascript") || strings.Contains(as.ctype, "svg") {
			var buf bytes.Buffer
			gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			gz.Write(body)
			gz.Close()
			as.gz = buf.Bytes()
		}
		a.byName[name] = as
		return nil
	})
	return a, err
}

// minifier shortens the stylesheets and the script as they are loaded.
// The files in the repository stay written for people, with comments and
// whitespace; served, every page carries about 4 KB less of them (CSS
// 14,848 -> 12,044 bytes, JS 1,999 -> 953, print CSS 571 -> 432), which
// keeps pages within their 40 KB. tdewolff/minify is the minifier Go
// projects use (Hugo among them); it runs once, at start-up.
var minifier = func() *minify.M {
	m := minify.New()
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("text/javascript", js.Minify)
	return m
}()

func minifyAsset(name string, body []byte) ([]byte, error) {
	var mediatype string
	switch path.Ext(name) {
	case ".css":
		mediatype = "text/css"
	case ".js":
		mediatype = "text/javascript"
	default:
		return body, nil
	}
	out, err := minifier.Bytes(mediatype, body)
	if err != nil {
		return nil, fmt.Errorf("web: minify %s: %w", name, err)
	}
	return out, nil
}

func (a *assets) url(name string) string {
	as, ok := a.byName[name]
	if !ok {
		panic(fmt.Sprintf("web: no static file %q", name)) // a template bug, caught by tests
	}
	return "/static/" + as.hash + "/" + name
}

// serveStatic serves a hashed asset. A stale hash still gets the current
// file, without long caching, so a page cached before a deploy still works.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) error {
	as, ok := s.assets.byName[r.PathValue("name")]
	if !ok {
		return notFound()
	}
	h := w.Header()
	if r.PathValue("hash") == as.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Content-Type", as.ctype)
	h.Add("Vary", "Accept-Encoding")
	body := as.body
	if as.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = as.gz
	}
	h.Set("ETag", `"`+as.hash+`"`)
	if r.Header.Get("If-None-Match") == `"`+as.hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Write(body)
	return nil
}
