package web

import (
	"bytes"
	"html/template"
	"sync"
)

// chrome keeps the parts of every page around its content that depend only
// on the reader's language, the current section, the kind of reader
// (signed out, member, moderator, admin) and the quick-exit address: the
// skip and quick-exit links, the header's navigation, the footer's language
// switch and links, in partials.html ("chrome-top" and on).
//
// Every action of a template is evaluated by reflection, about 0.75 µs on
// a small server, and these parts hold some seventy of them on every page
// view; made once and kept, they cost a map lookup. What depends on the
// reader alone (the unread count, the language switch's return address)
// stays in the layout, between the parts.
type chrome struct {
	mu    sync.RWMutex
	parts map[chromeKey]chromeParts
}

type chromeKey struct {
	lang, nav, quickExit string
	reader               readerKind
}

// readerKind is what of the reader the navigation shows: whether they are
// signed in, and the sections their site roles open.
type readerKind uint8

const (
	signedIn readerKind = 1 << iota
	admin
	moderator
)

type chromeParts struct{ top, topEnd, bottom, bottomEnd template.HTML }

// chromeMax bounds the kept parts; sections are the handlers' constants,
// so a site has a few hundred at most.
const chromeMax = 2000

// chromeNames are the partials of chromeParts, in order.
var chromeNames = [...]string{"chrome-top", "chrome-top-end", "chrome-bottom", "chrome-bottom-end"}

// fill sets b's parts, made with set the first time.
func (c *chrome) fill(set *template.Template, b *Base) error {
	k := chromeKey{lang: b.Lang.Code, nav: b.Nav, quickExit: b.QuickExitURL}
	if m := b.Member; m != nil {
		k.reader = signedIn
		if m.IsAdmin() {
			k.reader |= admin
		}
		if m.IsModerator() {
			k.reader |= moderator
		}
	}
	c.mu.RLock()
	p, ok := c.parts[k]
	c.mu.RUnlock()
	if !ok {
		var made [len(chromeNames)]template.HTML
		for i, name := range chromeNames {
			var buf bytes.Buffer
			if err := set.ExecuteTemplate(&buf, name, b); err != nil {
				return err
			}
			made[i] = template.HTML(buf.String())
		}
		p = chromeParts{made[0], made[1], made[2], made[3]}
		c.mu.Lock()
		if c.parts == nil {
			c.parts = map[chromeKey]chromeParts{}
		}
		if len(c.parts) < chromeMax {
			c.parts[k] = p
		}
		c.mu.Unlock()
	}
	b.Top, b.TopEnd, b.Bottom, b.BottomEnd = p.top, p.topEnd, p.bottom, p.bottomEnd
	return nil
}
