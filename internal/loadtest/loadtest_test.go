package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCheckTarget(t *testing.T) {
	for target, ok := range map[string]bool{
		"http://127.0.0.1:8080":           true,
		"http://127.0.0.1:8080/":          true,
		"http://127.0.0.1":                false,
		"http://localhost:8080":           false,
		"http://10.0.0.1:8080":            false,
		"https://127.0.0.1:8080":          false,
		"http://127.0.0.1:8080/groups":    false,
		"http://user@127.0.0.1:8080":      false,
		"http://127.0.0.1.example:8080":   false,
		"http://[::1]:8080":               false,
		"http://127.0.0.1:8080?x=1":       false,
		"127.0.0.1:8080":                  false,
		"http://example.org:80@127.0.0.1": false,
	} {
		if _, err := CheckTarget(target); (err == nil) != ok {
			t.Errorf("CheckTarget(%q) = %v, want ok %v", target, err, ok)
		}
	}
}

// The check after the load must notice a reply that is missing, and one
// that is in the thread but not where the server said.
func TestVerifyFindsLostAndMisplacedReplies(t *testing.T) {
	post := func(n int, text string) string {
		return fmt.Sprintf(`<article class="post" id="post-%d"><div class="post-body">%s</div></article>`, n, text)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.RequestURI() {
		case "/discussions/1":
			fmt.Fprint(w, post(1, "start")+post(2, "tok-here")+post(3, "tok-moved")+`<a href="/discussions/1?page=2">2</a>`)
		case "/discussions/1?page=2":
			fmt.Fprint(w, post(31, "tok-elsewhere"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	base, err := CheckTarget(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	r := &run{base: base, tr: &http.Transport{}, rec: newRecorder(), writes: &writeLog{}}
	m := r.newMember(1)
	for token, where := range map[string]string{
		"tok-here":      "/discussions/1#post-2", // where it should be
		"tok-moved":     "/discussions/1#post-2", // on the page, another position
		"tok-elsewhere": "/discussions/1#post-4", // on another page
		"tok-lost":      "/discussions/1#post-5", // nowhere
		"tok-nopage":    "/discussions/9#post-1", // its page is gone
	} {
		r.writes.add(write{kind: "reply", by: m, token: token, where: where})
	}
	v := r.verify(context.Background(), nil)
	if v.Checked != 5 || v.Lost != 2 || v.Misplaced != 2 {
		t.Fatalf("checked %d, lost %d, misplaced %d; want 5, 2, 2: %q", v.Checked, v.Lost, v.Misplaced, v.Problems)
	}
}

// Only a public group's card lacks the visibility tag, and only a public
// group's discussions are read without joining.
func TestLearnDirectory(t *testing.T) {
	s := &site{readable: map[string]bool{}, known: map[string]bool{}}
	s.learnDirectory(`<ul class="cards">
<li class="card">
<h2><a href="/groups/open-circle">Open circle</a></h2>
<p class="meta"><span class="tag">Discussion group</span> · 5 members</p>
</li>
<li class="card">
<h2><a href="/groups/closed-circle">Closed circle</a></h2>
<p class="meta"><span class="tag">Self-organisation</span> <span class="tag">Members only</span> · 3 members</p>
<p>About <span class="tag">x</span></p>
</li></ul><a href="/groups?page=2">2</a><a href="/groups?page=3">3</a>`)
	if len(s.groups) != 2 || !s.readable["open-circle"] || s.readable["closed-circle"] || s.dirPages != 3 {
		t.Fatalf("groups %v, readable %v, pages %d", s.groups, s.readable, s.dirPages)
	}
}
