package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Tests here run the real binary as a separate process, as an operator
// would: so that it can be killed mid-write, or run twice on one database.

var build struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// involveBinary builds the binary once for the whole test run. It is built
// without -race even when the tests have it: the tests look for lost
// writes, not data races, and a race-instrumented server is several times
// slower.
func involveBinary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "involve-bin-")
		if build.err != nil {
			return
		}
		build.bin = filepath.Join(build.dir, "involve")
		start := time.Now()
		out, err := exec.Command("go", "build", "-o", build.bin, ".").CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		t.Logf("built the binary in %v", time.Since(start).Round(time.Millisecond))
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.bin
}

// freeAddr returns a local address nobody listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// node is one running `involve serve` process.
type node struct {
	t    *testing.T
	name string
	URL  string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

// startNode runs `involve serve` on a free port with the given database
// and data directory, and waits until /healthz answers.
func startNode(t *testing.T, name, dbURL, dataDir string, flags ...string) *node {
	t.Helper()
	n := launchNode(t, name, dbURL, dataDir, flags...)
	n.waitHealthy()
	return n
}

// launchNode starts the process without waiting for it.
func launchNode(t *testing.T, name, dbURL, dataDir string, flags ...string) *node {
	t.Helper()
	addr := freeAddr(t)
	n := &node{t: t, name: name, URL: "http://" + addr, out: &syncBuffer{}, done: make(chan struct{})}
	args := append([]string{"serve", "--addr", addr, "--db", dbURL, "--data", dataDir, "--log-level", "warn"}, flags...)
	n.cmd = exec.Command(involveBinary(t), args...)
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { n.cmd.Wait(); close(n.done) }()
	t.Cleanup(n.kill) // whatever happens, no server outlives its test
	return n
}

// waitHealthy waits until /healthz answers 200: a minute at most, as a
// loaded CI machine may take a while to write the demo content.
func (n *node) waitHealthy() {
	t, name := n.t, n.name
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(n.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-n.done:
			t.Fatalf("%s exited at start:\n%s", name, n.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not healthy after a minute (%v):\n%s", name, err, n.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill stops the process at once, as a power cut or the OOM killer would.
func (n *node) kill() {
	select {
	case <-n.done:
		return
	default:
	}
	n.cmd.Process.Signal(syscall.SIGKILL)
	<-n.done
}

// stop asks the process to shut down, as systemd or docker stop would,
// and checks it did so cleanly.
func (n *node) stop() {
	n.t.Helper()
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(30 * time.Second):
		n.kill()
		n.t.Fatalf("%s did not stop within 30s:\n%s", n.name, n.out.String())
	}
	if code := n.cmd.ProcessState.ExitCode(); code != 0 {
		n.t.Errorf("%s exited with %d:\n%s", n.name, code, n.out.String())
	}
}

// browser is an HTTP client with its own cookies that does not follow
// redirects, so a 303 can be seen and counted as the acknowledgement.
type browser struct {
	hc *http.Client
}

func newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{hc: &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// reply is what came back: status, the Location of a redirect, the body.
type reply struct {
	Status   int
	Location string
	Body     string
}

func (b *browser) get(u string) (reply, error) {
	resp, err := b.hc.Get(u)
	if err != nil {
		return reply{}, err
	}
	return read(resp)
}

func (b *browser) post(u string, form url.Values) (reply, error) {
	resp, err := b.hc.PostForm(u, form)
	if err != nil {
		return reply{}, err
	}
	return read(resp)
}

func read(resp *http.Response) (reply, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return reply{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(body)}, err
}

// session is the session cookie the browser holds for base.
func (b *browser) session(base string) string {
	u, _ := url.Parse(base)
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == "involve_session" {
			return c.Value
		}
	}
	return ""
}

// setSession gives the browser a session cookie for base.
func (b *browser) setSession(base, token string) {
	u, _ := url.Parse(base)
	b.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "involve_session", Value: token, Path: "/"}})
}

// signup creates a member through the form; the browser is then signed in.
func (b *browser) signup(t *testing.T, base, handle string) {
	t.Helper()
	r, err := b.post(base+"/signup", url.Values{"handle": {handle}, "password": {handle + " crash-proof passphrase"}})
	if err != nil || r.Status != http.StatusOK || !strings.Contains(r.Body, `class="codes"`) || b.session(base) == "" {
		t.Fatalf("signup %s: %v, status %d", handle, err, r.Status)
	}
}

// newThread starts a discussion in the open forum and returns its address.
func (b *browser) newThread(base, title, body string) (reply, error) {
	return b.post(base+"/discussions", url.Values{"title": {title}, "body": {body}, "lang": {"en"}})
}
