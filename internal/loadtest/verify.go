package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// write is one write the server acknowledged, with what identifies it.
type write struct {
	kind  string // signup, join, reply, thread, registration, cancel
	by    *member
	token string // the handle, the group's slug, the meeting's path, or a token in the text
	where string // where the server said it is (reply, thread)
}

type writeLog struct {
	mu sync.Mutex
	ws []write
}

func (l *writeLog) add(w write) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ws = append(l.ws, w)
}

func (l *writeLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.ws)
}

func (l *writeLog) counts() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for _, w := range l.ws {
		out[w.kind]++
	}
	return out
}

// Verification is what the check after the load found.
type Verification struct {
	Checked   int
	Lost      int      // acknowledged, and not there
	Misplaced int      // there, but not where the server said
	Problems  []string // the first few, for the report
}

// verify checks every acknowledged write over HTTP, as the member who made
// it: a member's session still works (sign-up), the group page shows them
// as a member (join), the thread is there (new thread), and each reply is
// on the page and at the position its redirect named.
func (r *run) verify(ctx context.Context, members []*member) Verification {
	r.writes.mu.Lock()
	ws := r.writes.ws
	r.writes.mu.Unlock()

	var v Verification
	var mu sync.Mutex
	fail := func(lost bool, format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if lost {
			v.Lost++
		} else {
			v.Misplaced++
		}
		if len(v.Problems) < 20 {
			v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
		}
	}

	// Replies are checked a page at a time.
	type pageCheck struct {
		url     string
		replies []write
	}
	pages := map[string]*pageCheck{}
	var tasks []func()
	for _, w := range ws {
		switch w.kind {
		case "signup":
			tasks = append(tasks, func() {
				p, err := r.get(ctx, w.by, "verify", "/me")
				if err != nil || p.status != http.StatusOK || !strings.Contains(p.body, w.by.handle) {
					fail(true, "member %s: /me does not show them signed in", w.by.handle)
				}
			})
		case "join":
			tasks = append(tasks, func() {
				p, err := r.get(ctx, w.by, "verify", "/groups/"+w.token)
				if err != nil || p.status != http.StatusOK || !strings.Contains(p.body, `action="/groups/`+w.token+`/leave"`) {
					fail(true, "join: %s is not a member of %s", w.by.handle, w.token)
				}
			})
		case "registration", "cancel":
			if w.kind == "registration" && w.by.meetings[w.token] == "cancelled" {
				continue // superseded by the member's own cancelling, checked below
			}
			tasks = append(tasks, func() {
				p, err := r.get(ctx, w.by, "verify", w.token)
				ok := err == nil && p.status == http.StatusOK
				// A live registration (registered, waiting, pending) offers
				// to cancel it; a cancelled one is gone from the page.
				registered := ok && strings.Contains(p.body, `action="`+w.token+`/unregister"`)
				switch {
				case w.kind == "registration" && !registered:
					fail(true, "registration: %s is not registered for %s", w.by.handle, w.token)
				case w.kind == "cancel" && (!ok || registered):
					fail(true, "cancel: %s is still registered for %s", w.by.handle, w.token)
				}
			})
		case "thread":
			tasks = append(tasks, func() {
				p, err := r.get(ctx, w.by, "verify", w.where)
				if err != nil || p.status != http.StatusOK || !strings.Contains(p.body, w.token) {
					fail(true, "thread %s (%s) is not there", w.token, w.where)
				}
			})
		case "reply":
			u, _, _ := strings.Cut(w.where, "#")
			pc := pages[u]
			if pc == nil {
				pc = &pageCheck{url: u}
				pages[u] = pc
				tasks = append(tasks, func() { r.verifyPage(ctx, pc.url, pc.replies, fail) })
			}
			pc.replies = append(pc.replies, w)
		}
	}
	v.Checked = len(ws)

	work := make(chan func())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for t := range work {
				t()
			}
		})
	}
	for _, t := range tasks {
		work <- t
	}
	close(work)
	wg.Wait()
	return v
}

// verifyPage reads one page of a thread as the author of its first reply
// to check and finds each reply at the position the server gave it. A
// reply missing from its page is looked for on every page of the thread,
// to tell a lost reply from a misplaced one.
func (r *run) verifyPage(ctx context.Context, u string, replies []write, fail func(bool, string, ...any)) {
	reader := replies[0].by
	p, err := r.get(ctx, reader, "verify", u)
	if err != nil || p.status != http.StatusOK {
		for _, w := range replies {
			fail(true, "reply %s: its page %s does not open", w.token, u)
		}
		return
	}
	var thread string
	for _, w := range replies {
		_, frag, _ := strings.Cut(w.where, "#")
		post := postText(p.body, frag)
		switch {
		case strings.Contains(post, w.token):
		case strings.Contains(p.body, w.token):
			fail(false, "reply %s is on %s but not at #%s", w.token, u, frag)
		default:
			if thread == "" {
				thread, _, _ = strings.Cut(u, "?")
				thread = r.threadText(ctx, reader, thread)
			}
			if strings.Contains(thread, w.token) {
				fail(false, "reply %s is in the thread but not on %s", w.token, u)
			} else {
				fail(true, "reply %s (%s) is not in the thread", w.token, w.where)
			}
		}
	}
}

// postText is the part of a thread page that holds the post with the
// given anchor id.
func postText(body, id string) string {
	if id == "" {
		return ""
	}
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest[1:], "<article"); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}

// threadText is every page of a thread, one after the other.
func (r *run) threadText(ctx context.Context, m *member, thread string) string {
	var b strings.Builder
	p, err := r.get(ctx, m, "verify", thread)
	if err != nil || p.status != http.StatusOK {
		return ""
	}
	b.WriteString(p.body)
	for n := 2; n <= lastPage(p.body); n++ {
		q, err := r.get(ctx, m, "verify", thread+"?page="+strconv.Itoa(n))
		if err == nil && q.status == http.StatusOK {
			b.WriteString(q.body)
		}
	}
	return b.String()
}
