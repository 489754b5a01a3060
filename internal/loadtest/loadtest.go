// Package loadtest simulates members using a running Involve server over
// HTTP, the way a browser would: they sign up (or sign in), then read,
// search, join groups and post for a while, pausing between actions. It
// records every answer and every write the server acknowledged, and at the
// end checks over HTTP that each acknowledged write is there.
//
// bench/load is its command; a test in cmd/involve runs it briefly against
// the real server so that it keeps working as the site changes.
package loadtest

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
	"time"
)

// Config is one run.
type Config struct {
	Target   string        // base address, http://127.0.0.1:PORT and nothing else
	Members  int           // simulated members acting at once
	Duration time.Duration // how long they act; requests in flight then finish
	Think    time.Duration // a member's mean pause between actions

	// Passphrase signs in existing members instead of signing up new
	// ones: those named by Handles, member i (from 1) being
	// fmt.Sprintf(Handles, i), or without Handles the authors of posts
	// found on the site (as after `involve demo --scale`, where every
	// generated member has the demo passphrase).
	Handles    string
	Passphrase string

	Seed     uint64    // 0: random
	Progress io.Writer // nil: quiet
}

// CheckTarget accepts only a plain http address on 127.0.0.1 with a port:
// the load is for a server on this machine, never for someone else's.
func CheckTarget(target string) (*url.URL, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", target, err)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if u.Scheme != "http" || err != nil || host != "127.0.0.1" || port == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("target %q: only http://127.0.0.1:PORT is allowed", target)
	}
	return &url.URL{Scheme: "http", Host: u.Host}, nil
}

func (c *Config) check() (*url.URL, error) {
	base, err := CheckTarget(c.Target)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Members < 1:
		return nil, errors.New("members: at least 1")
	case c.Duration <= 0:
		return nil, errors.New("duration: must be positive")
	case c.Think < 0:
		return nil, errors.New("think: must not be negative")
	case c.Handles != "" && c.Passphrase == "":
		return nil, errors.New("handles need a passphrase")
	case c.Handles != "" && fmt.Sprintf(c.Handles, 1) == fmt.Sprintf(c.Handles, 2):
		return nil, fmt.Errorf("handles %q: needs a %%d for the member's number", c.Handles)
	}
	return base, nil
}

// run is the state shared by all members of one run.
type run struct {
	cfg    Config
	base   *url.URL
	id     string // marks this run's handles and texts
	tr     *http.Transport
	rec    *recorder
	site   *site
	writes *writeLog
}

// Run prepares the members, lets them act for cfg.Duration, then checks
// every acknowledged write. An error means the run could not be made (the
// server is not there, members could not sign in); problems the run found
// are in the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	base, err := cfg.check()
	if err != nil {
		return nil, err
	}
	if cfg.Think == 0 {
		cfg.Think = time.Second
	}
	if cfg.Seed == 0 {
		cfg.Seed = rand.Uint64()
	}
	r := &run{
		cfg: cfg, base: base, id: runID(),
		tr: &http.Transport{
			MaxIdleConns: 2 * cfg.Members, MaxIdleConnsPerHost: 2 * cfg.Members,
			IdleConnTimeout: 90 * time.Second,
		},
		rec: newRecorder(), writes: &writeLog{},
	}
	defer r.tr.CloseIdleConnections()
	rep := &Report{Target: base.String(), Members: cfg.Members, Think: cfg.Think, Seed: cfg.Seed}

	r.progress("load: discovering the site at %s", base)
	anon := r.newMember(0)
	if r.site, err = discover(ctx, r, anon); err != nil {
		return nil, err
	}
	var handles []string
	if cfg.Passphrase != "" && cfg.Handles == "" {
		if handles, err = findHandles(ctx, r, anon, cfg.Members); err != nil {
			return nil, err
		}
	}
	r.rec = newRecorder() // finding links is not part of the figures

	start := time.Now()
	members, err := r.prepare(ctx, handles)
	rep.Setup = time.Since(start)
	if err != nil {
		return nil, err
	}
	rep.SetupRequests = r.rec.snapshot()
	r.rec = newRecorder()

	r.progress("load: %d members act for %s", len(members), cfg.Duration)
	start = time.Now()
	deadline := start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for _, m := range members {
		wg.Go(func() { r.act(ctx, m, deadline) })
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	rep.Requests = r.rec.snapshot()

	r.progress("load: checking %d acknowledged writes", r.writes.len())
	r.rec = newRecorder()
	rep.Verify = r.verify(ctx, members)
	rep.VerifyRequests = r.rec.snapshot()
	rep.Writes = r.writes.counts()
	return rep, nil
}

func (r *run) progress(format string, args ...any) {
	if r.cfg.Progress != nil {
		fmt.Fprintf(r.cfg.Progress, format+"\n", args...)
	}
}

func runID() string {
	b := make([]byte, 3)
	crand.Read(b)
	return hex.EncodeToString(b)
}

// member is one simulated member: a browser of their own (cookies), their
// own random choices, and what they have learned about the site.
type member struct {
	n        int
	handle   string
	pass     string
	hc       *http.Client
	rng      *rand.Rand
	joined   map[string]bool   // group slugs
	meetings map[string]string // meeting path: "registered" or "cancelled"
	seq      int
}

func (r *run) newMember(n int) *member {
	jar, _ := cookiejar.New(nil)
	return &member{
		n: n,
		hc: &http.Client{
			Transport: r.tr, Jar: jar, Timeout: 60 * time.Second,
			// Each step is recorded on its own, as a browser's network
			// panel would show it; members follow redirects themselves.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		rng:      rand.New(rand.NewPCG(r.cfg.Seed, uint64(n))),
		joined:   map[string]bool{},
		meetings: map[string]string{},
	}
}

// prepare signs every member up, or in, a few at a time: each sign-up and
// sign-in hashes a passphrase on purpose slowly, and a real crowd does not
// arrive in the same second either.
func (r *run) prepare(ctx context.Context, found []string) ([]*member, error) {
	want := r.cfg.Members
	var cands []*member
	for i := range max(want, len(found)) {
		m := r.newMember(i + 1)
		switch {
		case len(found) > 0:
			m.handle, m.pass = found[i], r.cfg.Passphrase
		case r.cfg.Handles != "":
			m.handle, m.pass = fmt.Sprintf(r.cfg.Handles, i+1), r.cfg.Passphrase
		default:
			m.handle, m.pass = fmt.Sprintf("load-%s-%d", r.id, i+1), "a passphrase for load "+r.id
		}
		cands = append(cands, m)
	}
	verb := "signing up"
	if r.cfg.Passphrase != "" {
		verb = "signing in"
	}
	r.progress("load: %s %d members", verb, want)
	var (
		mu       sync.Mutex
		ready    []*member
		firstErr error
	)
	enough := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(ready) >= want || firstErr != nil
	}
	work := make(chan *member)
	var wg sync.WaitGroup
	for range min(4, want) {
		wg.Go(func() {
			for m := range work {
				var err error
				if r.cfg.Passphrase != "" {
					err = r.signIn(ctx, m)
				} else {
					err = r.signUp(ctx, m)
				}
				mu.Lock()
				switch {
				case err == nil:
					ready = append(ready, m)
				case errors.Is(err, errRefused) && len(found) > 0:
					// A member found on the site may be suspended, or
					// have a passphrase of their own: take the next one.
				case firstErr == nil:
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	for _, m := range cands {
		if enough() {
			break
		}
		work <- m
	}
	close(work)
	wg.Wait()
	switch {
	case firstErr != nil:
		return nil, firstErr
	case len(ready) < want:
		return nil, fmt.Errorf("only %d of %d members could sign in", len(ready), want)
	}
	return ready[:want], nil
}

// errRefused: the server answered, and did not let the member in.
var errRefused = errors.New("refused")

func (r *run) signUp(ctx context.Context, m *member) error {
	if _, err := r.get(ctx, m, "signup-form", "/signup"); err != nil {
		return err
	}
	p, err := r.post(ctx, m, "signup", "/signup", url.Values{
		"handle": {m.handle}, "password": {m.pass}, "password_confirm": {m.pass},
	})
	if err != nil {
		return err
	}
	if p.status != http.StatusOK || !r.signedIn(m) {
		return fmt.Errorf("sign-up of %s: status %d: %w", m.handle, p.status, errRefused)
	}
	r.writes.add(write{kind: "signup", by: m, token: m.handle})
	return nil
}

func (r *run) signIn(ctx context.Context, m *member) error {
	if _, err := r.get(ctx, m, "login-form", "/login"); err != nil {
		return err
	}
	p, err := r.post(ctx, m, "login", "/login", url.Values{"handle": {m.handle}, "password": {m.pass}})
	if err != nil {
		return err
	}
	if p.status != http.StatusSeeOther || !r.signedIn(m) {
		return fmt.Errorf("sign-in of %s: status %d (wrong handle or passphrase?): %w", m.handle, p.status, errRefused)
	}
	return nil
}

func (r *run) signedIn(m *member) bool {
	for _, c := range m.hc.Jar.Cookies(r.base) {
		if c.Name == "involve_session" && c.Value != "" {
			return true
		}
	}
	return false
}

// act is one member's session: an action, a pause, until the deadline.
func (r *run) act(ctx context.Context, m *member, deadline time.Time) {
	// Members do not all start in the same instant.
	r.pause(ctx, m, deadline)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		r.step(ctx, m)
		r.pause(ctx, m, deadline)
	}
}

// pause waits between half and one and a half times the mean think time.
func (r *run) pause(ctx context.Context, m *member, deadline time.Time) {
	d := time.Duration(float64(r.cfg.Think) * (0.5 + m.rng.Float64()))
	if left := time.Until(deadline); d > left {
		d = max(left, 0)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
