package web

import (
	"bytes"
	"html/template"
	"sync"
)

// chrome keeps the parts of every page that depend only on the reader's
// language, the current section and the quick-exit address: the skip and
// quick-exit links, the header's public navigation ("chrome-top") and the
// footer's links ("chrome-bottom"), in partials.html.
//
// Every action of a template is evaluated by reflection, about 0.75 µs on
// a small server, and these parts hold some forty of them on every page
// view; made once and kept, they cost a map lookup. The parts that depend
// on the reader (their own links, the unread count, the language switch's
// return address) stay in the layout.
type chrome struct {
	mu    sync.RWMutex
	parts map[chromeKey]chromeParts
}

type chromeKey struct{ lang, nav, quickExit string }

type chromeParts struct{ top, bottom template.HTML }

// chromeMax bounds the kept parts; sections are the handlers' constants,
// so a site has a few dozen.
const chromeMax = 500

// fill sets b's Top and Bottom, made with set the first time.
func (c *chrome) fill(set *template.Template, b *Base) error {
	k := chromeKey{b.Lang.Code, b.Nav, b.QuickExitURL}
	c.mu.RLock()
	p, ok := c.parts[k]
	c.mu.RUnlock()
	if !ok {
		var top, bottom bytes.Buffer
		if err := set.ExecuteTemplate(&top, "chrome-top", b); err != nil {
			return err
		}
		if err := set.ExecuteTemplate(&bottom, "chrome-bottom", b); err != nil {
			return err
		}
		p = chromeParts{template.HTML(top.String()), template.HTML(bottom.String())}
		c.mu.Lock()
		if c.parts == nil {
			c.parts = map[chromeKey]chromeParts{}
		}
		if len(c.parts) < chromeMax {
			c.parts[k] = p
		}
		c.mu.Unlock()
	}
	b.Top, b.Bottom = p.top, p.bottom
	return nil
}
