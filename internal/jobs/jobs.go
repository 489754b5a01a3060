// Package jobs is Involve's job queue: work that follows a request (an
// email, a daily digest) is written to the jobs table in the same
// transaction as the change that caused it, and a Runner in every
// `involve serve` process claims due jobs and runs them.
//
// Each job runs once across any number of nodes: a node claims a job with
// one UPDATE that takes it only if no other node holds it (on PostgreSQL
// with FOR UPDATE SKIP LOCKED, on SQLite through its single writer), and
// holds it for a lease that it renews while the job runs. A node that stops
// mid-job leaves the lease to run out, and another node takes the job
// again. Everything lives in the database; nothing about a job is kept in
// a process, so nodes can come and go.
//
// A handler that changes the database should do so through Job.Finish,
// which writes its changes and marks the job done in one transaction, and
// refuses (rolling back) if the job was meanwhile taken over by another
// node: its changes then happen exactly once. Effects outside the database
// (sending an email) cannot share a transaction; they happen once unless a
// node stops between the effect and Finish.
package jobs

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"time"

	"involve/internal/db"
)

// Enqueue adds a job of kind, to run at runAt or soon after, inside the
// caller's transaction (or on its own when q is the database): if the
// caller's change rolls back, so does the job. payload is encoded as JSON.
func Enqueue(ctx context.Context, q db.Querier, kind string, payload any, runAt time.Time) (int64, error) {
	p, err := encode(payload)
	if err != nil {
		return 0, err
	}
	id, err := db.InsertID(ctx, q, `INSERT INTO jobs (kind, payload, run_at, created_at) VALUES (?, ?, ?, ?)`,
		kind, p, runAt, time.Now())
	if err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	return id, nil
}

// EnqueueUnique adds a job like Enqueue unless an unfinished job with the
// same key is already waiting or running, and reports whether it added
// one. Several nodes asking at once still get one job.
func EnqueueUnique(ctx context.Context, q db.Querier, kind, key string, payload any, runAt time.Time) (bool, error) {
	p, err := encode(payload)
	if err != nil {
		return false, err
	}
	var id int64
	err = q.ExecRow(ctx, `INSERT INTO jobs (kind, payload, run_at, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING RETURNING id`, kind, p, runAt, key, time.Now()).Scan(&id)
	switch {
	case errors.Is(err, db.ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	return true, nil
}

// CancelKeys removes the unfinished jobs with these keys, and forgets the
// finished ones; used when the member they concern deletes their account.
func CancelKeys(ctx context.Context, q db.Querier, keys ...string) error {
	for _, k := range keys {
		if _, err := q.Exec(ctx, `DELETE FROM jobs WHERE dedupe_key = ?`, k); err != nil {
			return err
		}
	}
	return nil
}

func encode(payload any) (string, error) {
	if payload == nil {
		return "{}", nil
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("jobs: payload: %w", err)
	}
	return string(b), nil
}

// Job is one claimed job, handed to its handler.
type Job struct {
	ID      int64
	Kind    string
	Payload []byte
	Attempt int // 1 on the first run
	RunAt   time.Time
	Key     string // dedupe key, "" for none

	r        *Runner
	h        *handler
	finished bool
}

// Decode reads the payload into v.
func (j *Job) Decode(v any) error { return json.Unmarshal(j.Payload, v) }

// ErrLost means another node took the job over (this node's lease ran out)
// or it was cancelled; whatever Finish would have written was not.
var ErrLost = errors.New("jobs: job no longer held by this node")

// Finish runs fn and marks the job done in one transaction, so fn's
// changes happen exactly once. If the job is no longer this node's it
// returns ErrLost and nothing fn wrote is kept. fn may be nil.
func (j *Job) Finish(ctx context.Context, fn func(tx *db.Tx) error) error {
	err := j.r.db.Tx(ctx, func(tx *db.Tx) error {
		if err := j.r.markDone(ctx, tx, j, ""); err != nil {
			return err
		}
		if fn != nil {
			return fn(tx)
		}
		return nil
	})
	if err == nil {
		j.finished = true
	}
	return err
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so that the job gives up at once instead of retrying
// (an address the mail server refuses, a payload that cannot be read).
func Permanent(err error) error { return permanent{err} }

// Handler does one job. Returning nil marks it done (if Finish has not);
// an error retries it later, with backoff, up to its maximum attempts.
type Handler func(ctx context.Context, j *Job) error

type handler struct {
	fn          Handler
	maxAttempts int
	backoff     func(attempt int) time.Duration
	next        func(after time.Time) time.Time
	giveUp      func(ctx context.Context, q db.Querier, j *Job, err error) error
}

// Option changes how a kind of job is run.
type Option func(*handler)

// MaxAttempts sets how many times a job is tried before it gives up
// (default 8).
func MaxAttempts(n int) Option { return func(h *handler) { h.maxAttempts = max(1, n) } }

// Backoff sets the wait before the next try after the given failed attempt
// (default 30s doubling each time, at most an hour, with some jitter).
func Backoff(f func(attempt int) time.Duration) Option { return func(h *handler) { h.backoff = f } }

// Every makes a kind recurring: the runner keeps exactly one unfinished job
// of the kind (keyed by the kind), and each time one finishes, successfully
// or not, it adds the next at next(now) in the same transaction.
func Every(next func(after time.Time) time.Time) Option {
	return func(h *handler) { h.next = next }
}

// OnGiveUp runs fn, in the transaction that marks a job failed for good,
// e.g. to tell a member that their email could not be delivered.
func OnGiveUp(fn func(ctx context.Context, q db.Querier, j *Job, err error) error) Option {
	return func(h *handler) { h.giveUp = fn }
}

// DefaultBackoff waits 30 seconds after the first failure, doubling up to
// an hour, plus up to a tenth more at random so that retries from many
// jobs spread out.
func DefaultBackoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d + rand.N(d/10+1)
}

// Runner claims and runs due jobs. Every node runs one; they share nothing
// but the database.
type Runner struct {
	// Workers is how many jobs this node runs at once (default 2).
	Workers int
	// Poll is how long an idle worker waits before looking again
	// (default 1s, with jitter).
	Poll time.Duration
	// Lease is how long a claim holds before another node may take the job;
	// the runner renews it while the job runs (default 2 minutes).
	Lease time.Duration
	// StopTimeout is how long Run waits, once told to stop, for running
	// jobs to finish before cancelling them (default 15s).
	StopTimeout time.Duration
	// Keep is how long finished jobs stay in the table (default 7 days).
	Keep time.Duration

	db       *db.DB
	log      *slog.Logger
	node     string
	handlers map[string]*handler
	kinds    []string
	now      func() time.Time
}

// NewRunner returns a runner on d with no handlers yet.
func NewRunner(d *db.DB, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	return &Runner{
		Workers: 2, Poll: time.Second, Lease: 2 * time.Minute, StopTimeout: 15 * time.Second, Keep: 7 * 24 * time.Hour,
		db: d, log: log, node: nodeID(), handlers: map[string]*handler{}, now: time.Now,
	}
}

// nodeID names this process in locked_by: host, process and a random part,
// so two runners never share a name.
func nodeID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	crand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Node is this runner's name in the jobs table.
func (r *Runner) Node() string { return r.node }

// SetLogger replaces the logger; call before Run.
func (r *Runner) SetLogger(l *slog.Logger) { r.log = l }

// SetClock replaces the clock, for tests; call before Run.
func (r *Runner) SetClock(now func() time.Time) { r.now = now }

// Handle registers the handler for a kind; call before Run.
func (r *Runner) Handle(kind string, fn Handler, opts ...Option) {
	h := &handler{fn: fn, maxAttempts: 8, backoff: DefaultBackoff}
	for _, o := range opts {
		o(h)
	}
	if _, ok := r.handlers[kind]; !ok {
		r.kinds = append(r.kinds, kind)
		sort.Strings(r.kinds)
	}
	r.handlers[kind] = h
}

// Kinds lists the registered kinds.
func (r *Runner) Kinds() []string { return append([]string(nil), r.kinds...) }

// Run claims and runs jobs until ctx ends, then waits up to StopTimeout for
// the jobs in hand, cancels those still running, and hands them back so
// another node can take them at once.
func (r *Runner) Run(ctx context.Context) {
	if len(r.kinds) == 0 {
		<-ctx.Done()
		return
	}
	if err := r.EnsureRecurring(ctx); err != nil && ctx.Err() == nil {
		r.log.Error("jobs: schedule recurring jobs", "err", err)
	}
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var wg sync.WaitGroup
	for range max(1, r.Workers) {
		wg.Go(func() { r.worker(ctx, work) })
	}
	wg.Go(func() { r.housekeeping(ctx) })
	<-ctx.Done()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(r.StopTimeout):
		cancelWork()
		<-done
	}
}

// EnsureRecurring adds the first job of each recurring kind that has none
// waiting. Run does this at start; it is safe on any number of nodes.
func (r *Runner) EnsureRecurring(ctx context.Context) error {
	for _, kind := range r.kinds {
		h := r.handlers[kind]
		if h.next == nil {
			continue
		}
		if _, err := EnqueueUnique(ctx, r.db, kind, kind, nil, h.next(r.now())); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runner) worker(ctx, work context.Context) {
	for ctx.Err() == nil {
		ran, err := r.runOne(ctx, work)
		if err != nil && ctx.Err() == nil {
			r.log.Error("jobs: claim", "err", err)
		}
		if ran && err == nil {
			continue // there may be more
		}
		// Jitter keeps the nodes' polls apart.
		wait := r.Poll + rand.N(r.Poll/2+1)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

func (r *Runner) housekeeping(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := r.db.Exec(ctx, `DELETE FROM jobs WHERE done_at IS NOT NULL AND done_at < ?`, r.now().Add(-r.Keep)); err != nil && ctx.Err() == nil {
			r.log.Error("jobs: remove finished jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue runs due jobs one after another until none is left, and returns
// how many ran; for tests and tools, where waiting for a poll is too slow.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	n := 0
	for {
		ran, err := r.runOne(ctx, ctx)
		if err != nil || !ran {
			return n, err
		}
		n++
	}
}

// runOne claims one due job (with ctx) and runs it (with work). It reports
// whether it found one.
func (r *Runner) runOne(ctx, work context.Context) (bool, error) {
	j, err := r.claim(ctx)
	if errors.Is(err, db.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	r.execute(work, j)
	return true, nil
}

// kindList returns "?, ?, …" and the kinds as arguments.
func (r *Runner) kindList() (string, []any) {
	args := make([]any, len(r.kinds))
	for i, k := range r.kinds {
		args[i] = k
	}
	return db.Placeholders(len(r.kinds)), args
}

// claim takes the next due job for this node. A cheap read first keeps
// idle nodes from queuing for the SQLite writer or locking rows.
func (r *Runner) claim(ctx context.Context) (*Job, error) {
	if len(r.kinds) == 0 {
		return nil, db.ErrNotFound
	}
	now := r.now()
	list, kinds := r.kindList()
	due := `done_at IS NULL AND run_at <= ? AND (locked_until IS NULL OR locked_until < ?) AND kind IN (` + list + `)`
	var one int
	if err := r.db.QueryRow(ctx, `SELECT 1 FROM jobs WHERE `+due+` LIMIT 1`, append([]any{now, now}, kinds...)...).Scan(&one); err != nil {
		return nil, err
	}
	pick := `SELECT id FROM jobs WHERE ` + due + ` ORDER BY run_at, id LIMIT 1`
	if r.db.Dialect() == db.Postgres {
		// Rows another node is claiming right now are skipped, not waited
		// for; a row changed meanwhile is checked again before it is taken.
		pick += ` FOR UPDATE SKIP LOCKED`
	}
	args := append([]any{r.node, now.Add(r.Lease), now, now}, kinds...)
	j := &Job{r: r}
	var payload string
	var key *string
	err := r.db.ExecRow(ctx, `UPDATE jobs SET locked_by = ?, locked_until = ?, attempts = attempts + 1
		WHERE id = (`+pick+`) RETURNING id, kind, payload, attempts, run_at, dedupe_key`, args...).
		Scan(&j.ID, &j.Kind, &payload, &j.Attempt, &j.RunAt, &key)
	if err != nil {
		return nil, err
	}
	j.Payload = []byte(payload)
	if key != nil {
		j.Key = *key
	}
	j.h = r.handlers[j.Kind]
	return j, nil
}

// execute runs a claimed job and records the outcome.
func (r *Runner) execute(work context.Context, j *Job) {
	ctx, cancel := context.WithCancel(work)
	defer cancel()
	// Bookkeeping after the job must happen even when work was cancelled.
	book, cancelBook := context.WithTimeout(context.WithoutCancel(work), 10*time.Second)
	defer cancelBook()

	var lost bool
	var lostMu sync.Mutex
	stopRenew := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(r.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-stopRenew:
				return
			case <-t.C:
				res, err := r.db.Exec(book, `UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ? AND attempts = ? AND done_at IS NULL`,
					r.now().Add(r.Lease), j.ID, r.node, j.Attempt)
				if err != nil {
					r.log.Warn("jobs: renew lease", "job", j.ID, "kind", j.Kind, "err", err)
					continue
				}
				if n, _ := res.RowsAffected(); n == 0 {
					lostMu.Lock()
					lost = true
					lostMu.Unlock()
					cancel()
					return
				}
			}
		}
	}()

	var err error
	if j.Attempt > j.h.maxAttempts {
		// Claimed again after its lease ran out more often than it may be
		// tried: a job that stops every node that runs it.
		err = Permanent(fmt.Errorf("gave up: tried %d times without finishing", j.Attempt-1))
	} else {
		err = r.call(ctx, j)
	}
	close(stopRenew)
	<-renewed
	lostMu.Lock()
	wasLost := lost
	lostMu.Unlock()

	switch {
	case j.finished:
		return
	case wasLost || errors.Is(err, ErrLost):
		r.log.Warn("jobs: job taken over by another node", "job", j.ID, "kind", j.Kind)
	case err == nil:
		if ferr := j.Finish(book, nil); ferr != nil {
			r.log.Warn("jobs: finish", "job", j.ID, "kind", j.Kind, "err", ferr)
		}
	case work.Err() != nil:
		// Stopping: hand the job back untried, for another node.
		if _, rerr := r.db.Exec(book, `UPDATE jobs SET locked_by = NULL, locked_until = NULL, attempts = attempts - 1
			WHERE id = ? AND locked_by = ? AND attempts = ? AND done_at IS NULL`, j.ID, r.node, j.Attempt); rerr != nil {
			r.log.Warn("jobs: hand back", "job", j.ID, "err", rerr)
		}
	default:
		r.fail(book, j, err)
	}
}

// call runs the handler, turning a panic into an error.
func (r *Runner) call(ctx context.Context, j *Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return j.h.fn(ctx, j)
}

// fail records a failed attempt: try again later, or give up.
func (r *Runner) fail(ctx context.Context, j *Job, jobErr error) {
	msg := jobErr.Error()
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	var perm permanent
	giveUp := j.Attempt >= j.h.maxAttempts || errors.As(jobErr, &perm)
	var err error
	if giveUp {
		r.log.Error("jobs: giving up", "job", j.ID, "kind", j.Kind, "attempts", j.Attempt, "err", jobErr)
		err = r.db.Tx(ctx, func(tx *db.Tx) error {
			if err := r.markDone(ctx, tx, j, msg); err != nil {
				return err
			}
			if j.h.giveUp != nil {
				return j.h.giveUp(ctx, tx, j, jobErr)
			}
			return nil
		})
	} else {
		r.log.Warn("jobs: attempt failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempt, "err", jobErr)
		var res interface{ RowsAffected() (int64, error) }
		res, err = r.db.Exec(ctx, `UPDATE jobs SET locked_by = NULL, locked_until = NULL, run_at = ?, last_error = ?
			WHERE id = ? AND locked_by = ? AND attempts = ? AND done_at IS NULL`,
			r.now().Add(j.h.backoff(j.Attempt)), msg, j.ID, r.node, j.Attempt)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				err = ErrLost
			}
		}
	}
	if err != nil {
		r.log.Warn("jobs: record failure", "job", j.ID, "kind", j.Kind, "err", err)
	}
}

// markDone marks a job finished (failed when errMsg is set) if this node
// still holds it, and schedules the next run of a recurring kind.
func (r *Runner) markDone(ctx context.Context, tx db.Querier, j *Job, errMsg string) error {
	now := r.now()
	res, err := tx.Exec(ctx, `UPDATE jobs SET done_at = ?, last_error = ?, locked_by = NULL, locked_until = NULL
		WHERE id = ? AND locked_by = ? AND attempts = ? AND done_at IS NULL`, now, errMsg, j.ID, r.node, j.Attempt)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrLost
	}
	if j.h.next != nil {
		if _, err := EnqueueUnique(ctx, tx, j.Kind, j.Kind, nil, j.h.next(now)); err != nil {
			return err
		}
	}
	return nil
}
