package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"involve/internal/db"
	"involve/internal/testutil"
)

// clock is a settable time for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newRunner(d *db.DB, c *clock) *Runner {
	r := NewRunner(d, quiet())
	if c != nil {
		r.SetClock(c.now)
	}
	return r
}

type jobRow struct {
	attempts  int
	lockedBy  *string
	done      bool
	lastError string
	runAt     time.Time
}

func row(t *testing.T, d *db.DB, id int64) jobRow {
	t.Helper()
	var jr jobRow
	var doneAt *time.Time
	if err := d.QueryRow(context.Background(), `SELECT attempts, locked_by, done_at, last_error, run_at FROM jobs WHERE id = ?`, id).
		Scan(&jr.attempts, &jr.lockedBy, &doneAt, &jr.lastError, &jr.runAt); err != nil {
		t.Fatal(err)
	}
	jr.done = doneAt != nil
	return jr
}

func TestEnqueueInTransaction(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, c)
		type payload struct {
			Member int64 `json:"member"`
		}
		var got []payload
		r.Handle("test.hello", func(ctx context.Context, j *Job) error {
			var p payload
			if err := j.Decode(&p); err != nil {
				return Permanent(err)
			}
			got = append(got, p)
			return nil
		})
		// A job added in a transaction that rolls back is gone with it.
		rollback := errors.New("roll back")
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := Enqueue(ctx, tx, "test.hello", payload{1}, c.now()); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		var id int64
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			id, err = Enqueue(ctx, tx, "test.hello", payload{2}, c.now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// Another kind is left for the nodes that know it.
		other, err := Enqueue(ctx, d, "test.unknown", nil, c.now())
		if err != nil {
			t.Fatal(err)
		}
		n, err := r.RunDue(ctx)
		if err != nil || n != 1 {
			t.Fatalf("RunDue = %d, %v; want 1 job", n, err)
		}
		if len(got) != 1 || got[0].Member != 2 {
			t.Errorf("handler saw %v, want one job for member 2", got)
		}
		if jr := row(t, d, id); !jr.done || jr.attempts != 1 || jr.lastError != "" || jr.lockedBy != nil {
			t.Errorf("after running: %+v", jr)
		}
		if jr := row(t, d, other); jr.done || jr.attempts != 0 {
			t.Errorf("a kind this runner does not handle was touched: %+v", jr)
		}
	})
}

func TestNotBeforeRunAt(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, c)
		ran := 0
		r.Handle("test.later", func(context.Context, *Job) error { ran++; return nil })
		if _, err := Enqueue(ctx, d, "test.later", nil, c.now().Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n, _ := r.RunDue(ctx); n != 0 {
			t.Fatalf("a job due in 10 minutes ran now")
		}
		c.add(10*time.Minute + time.Millisecond)
		if n, err := r.RunDue(ctx); n != 1 || err != nil || ran != 1 {
			t.Fatalf("once due: RunDue = %d, %v, handler ran %d times", n, err, ran)
		}
	})
}

func TestRetryWithBackoffThenGiveUp(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, c)
		calls := 0
		var gaveUp []string
		r.Handle("test.flaky", func(context.Context, *Job) error {
			calls++
			return fmt.Errorf("mail server said no (%d)", calls)
		}, MaxAttempts(3), Backoff(func(attempt int) time.Duration { return time.Duration(attempt) * time.Minute }),
			OnGiveUp(func(ctx context.Context, q db.Querier, j *Job, err error) error {
				gaveUp = append(gaveUp, err.Error())
				return nil
			}))
		id, err := Enqueue(ctx, d, "test.flaky", nil, c.now())
		if err != nil {
			t.Fatal(err)
		}
		start := c.now()
		r.RunDue(ctx)
		jr := row(t, d, id)
		if jr.done || jr.attempts != 1 || jr.lastError != "mail server said no (1)" || jr.lockedBy != nil || !jr.runAt.Equal(start.Add(time.Minute)) {
			t.Fatalf("after the first failure: %+v (want retry at %v)", jr, start.Add(time.Minute))
		}
		// Not before the backoff has passed.
		c.add(59 * time.Second)
		if n, _ := r.RunDue(ctx); n != 0 {
			t.Fatal("retried before its backoff")
		}
		c.add(time.Second)
		r.RunDue(ctx)
		if jr := row(t, d, id); jr.attempts != 2 || !jr.runAt.Equal(c.now().Add(2*time.Minute)) {
			t.Fatalf("after the second failure: %+v, want the wait to double", jr)
		}
		c.add(2 * time.Minute)
		r.RunDue(ctx)
		jr = row(t, d, id)
		if !jr.done || jr.attempts != 3 || jr.lastError != "mail server said no (3)" {
			t.Fatalf("after the last attempt: %+v, want it given up", jr)
		}
		if calls != 3 || len(gaveUp) != 1 {
			t.Errorf("handler ran %d times, give-up hook %d times; want 3 and 1", calls, len(gaveUp))
		}
		c.add(time.Hour)
		if n, _ := r.RunDue(ctx); n != 0 {
			t.Error("a job that gave up ran again")
		}
	})
}

func TestPermanentErrorAndPanic(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, c)
		r.Handle("test.bad", func(context.Context, *Job) error { return Permanent(errors.New("no such address")) })
		r.Handle("test.panic", func(context.Context, *Job) error { panic("boom") })
		bad, _ := Enqueue(ctx, d, "test.bad", nil, c.now())
		pan, _ := Enqueue(ctx, d, "test.panic", nil, c.now())
		r.RunDue(ctx)
		if jr := row(t, d, bad); !jr.done || jr.attempts != 1 || jr.lastError != "no such address" {
			t.Errorf("permanent error: %+v, want given up after one try", jr)
		}
		if jr := row(t, d, pan); jr.done || jr.attempts != 1 || jr.lastError != "panic: boom" {
			t.Errorf("panic: %+v, want a failed attempt to retry", jr)
		}
	})
}

// TestLeaseExpiry: a node claims a job and stops before finishing it. No
// other node touches the job while the lease holds; afterwards another
// node runs it, and the first node can no longer finish it.
func TestLeaseExpiry(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		crashed, healthy := newRunner(d, c), newRunner(d, c)
		var ranBy []string
		for _, r := range []*Runner{crashed, healthy} {
			r.Lease = time.Minute
			r.Handle("test.lease", func(ctx context.Context, j *Job) error {
				ranBy = append(ranBy, j.r.Node())
				return j.Finish(ctx, func(tx *db.Tx) error {
					_, err := tx.Exec(ctx, `UPDATE jobs SET last_error = 'effect' WHERE id = ?`, j.ID)
					return err
				})
			})
		}
		id, _ := Enqueue(ctx, d, "test.lease", nil, c.now())
		j, err := crashed.claim(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if jr := row(t, d, id); jr.lockedBy == nil || *jr.lockedBy != crashed.Node() || jr.attempts != 1 {
			t.Fatalf("after claiming: %+v", jr)
		}
		c.add(59 * time.Second)
		if n, _ := healthy.RunDue(ctx); n != 0 {
			t.Fatal("another node took a job whose lease still holds")
		}
		c.add(2 * time.Second)
		if n, _ := healthy.RunDue(ctx); n != 1 {
			t.Fatal("the job was not taken over after its lease ran out")
		}
		if len(ranBy) != 1 || ranBy[0] != healthy.Node() {
			t.Errorf("ran by %v, want only the healthy node", ranBy)
		}
		if jr := row(t, d, id); !jr.done || jr.attempts != 2 {
			t.Errorf("after the takeover: %+v", jr)
		}
		// The first node comes back to life: its Finish is refused and its
		// writes are rolled back.
		err = j.Finish(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE jobs SET last_error = 'twice' WHERE id = ?`, j.ID)
			return err
		})
		if !errors.Is(err, ErrLost) {
			t.Errorf("late Finish: %v, want ErrLost", err)
		}
		if jr := row(t, d, id); jr.lastError != "effect" {
			t.Errorf("after a late Finish last_error is %q, want the healthy node's %q", jr.lastError, "effect")
		}
	})
}

func TestLeaseRenewedWhileRunning(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		r := newRunner(d, nil)
		r.Lease = 150 * time.Millisecond
		r.Handle("test.slow", func(ctx context.Context, j *Job) error {
			select {
			case <-time.After(500 * time.Millisecond): // several leases long
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		other := newRunner(d, nil)
		other.Handle("test.slow", func(context.Context, *Job) error { t.Error("the job ran on a second node"); return nil })
		id, _ := Enqueue(ctx, d, "test.slow", nil, time.Now())
		j, err := r.claim(ctx)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { r.execute(ctx, j); close(done) }()
		deadline := time.Now().Add(2 * time.Second)
	poll:
		for time.Now().Before(deadline) {
			select {
			case <-done:
				break poll
			default:
			}
			other.RunDue(ctx)
			time.Sleep(20 * time.Millisecond)
		}
		<-done
		if jr := row(t, d, id); !jr.done || jr.attempts != 1 || jr.lastError != "" {
			t.Errorf("slow job: %+v, want done once", jr)
		}
	})
}

func TestRecurring(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		next := func(after time.Time) time.Time { return after.Truncate(time.Hour).Add(time.Hour) }
		fail := false
		mk := func() *Runner {
			r := newRunner(d, c)
			r.Handle("test.hourly", func(context.Context, *Job) error {
				if fail {
					return errors.New("down")
				}
				return nil
			}, Every(next), MaxAttempts(1))
			return r
		}
		a, b := mk(), mk()
		// Two nodes starting at once schedule one run.
		for _, r := range []*Runner{a, b, a} {
			if err := r.EnsureRecurring(ctx); err != nil {
				t.Fatal(err)
			}
		}
		pending := func() []time.Time {
			rows, err := d.Query(ctx, `SELECT run_at FROM jobs WHERE kind = 'test.hourly' AND done_at IS NULL`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []time.Time
			for rows.Next() {
				var at time.Time
				rows.Scan(&at)
				out = append(out, at.UTC())
			}
			return out
		}
		if p := pending(); len(p) != 1 || !p[0].Equal(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)) {
			t.Fatalf("pending runs %v, want one at 10:00", p)
		}
		c.add(time.Hour)
		if n, _ := b.RunDue(ctx); n != 1 {
			t.Fatal("the recurring job did not run")
		}
		if p := pending(); len(p) != 1 || !p[0].Equal(time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)) {
			t.Fatalf("after a run: pending %v, want one at 11:00", p)
		}
		// A run that fails for good still schedules the next.
		fail = true
		c.add(time.Hour)
		if n, _ := a.RunDue(ctx); n != 1 {
			t.Fatal("the recurring job did not run")
		}
		if p := pending(); len(p) != 1 || !p[0].Equal(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)) {
			t.Fatalf("after a failed run: pending %v, want one at 12:00", p)
		}
	})
}

func TestGracefulStop(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		started := make(chan struct{}, 2)
		r := newRunner(d, nil)
		r.Poll = 10 * time.Millisecond
		r.StopTimeout = 100 * time.Millisecond
		r.Handle("test.short", func(ctx context.Context, j *Job) error {
			started <- struct{}{}
			time.Sleep(50 * time.Millisecond) // finishes within StopTimeout
			return nil
		})
		r.Handle("test.endless", func(ctx context.Context, j *Job) error {
			started <- struct{}{}
			<-ctx.Done() // only stops when cancelled
			return ctx.Err()
		})
		short, _ := Enqueue(ctx, d, "test.short", nil, time.Now())
		endless, _ := Enqueue(ctx, d, "test.endless", nil, time.Now())
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { r.Run(runCtx); close(done) }()
		<-started
		<-started
		stop()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after being stopped")
		}
		if jr := row(t, d, short); !jr.done {
			t.Errorf("the job in hand was not let finish: %+v", jr)
		}
		// The endless job was cancelled and handed back untried.
		if jr := row(t, d, endless); jr.done || jr.lockedBy != nil || jr.attempts != 0 {
			t.Errorf("the cancelled job was not handed back: %+v", jr)
		}
	})
}

// TestExactlyOnce races two nodes, each with its own connections and four
// workers, over 200 jobs. Each job adds one to a counter and records its
// run in a table whose primary key refuses a second run.
func TestExactlyOnce(t *testing.T) {
	ctx := context.Background()
	run := func(t *testing.T, open func() *db.DB) {
		d1 := open()
		if err := d1.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		d2 := open()
		for _, q := range []string{
			`CREATE TABLE test_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`,
			`INSERT INTO test_counter (id, n) VALUES (1, 0)`,
			`CREATE TABLE test_runs (job_id BIGINT PRIMARY KEY, node TEXT NOT NULL)`,
		} {
			if _, err := d1.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		const total = 200
		if err := d1.Tx(ctx, func(tx *db.Tx) error {
			for i := range total {
				if _, err := Enqueue(ctx, tx, "test.count", map[string]int{"i": i}, time.Now()); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var calls sync.Map // job id -> *atomic.Int32
		perNode := map[string]*atomic.Int32{}
		var runners []*Runner
		for _, d := range []*db.DB{d1, d2} {
			r := newRunner(d, nil)
			r.Workers = 4
			r.Poll = 5 * time.Millisecond
			n := &atomic.Int32{}
			perNode[r.Node()] = n
			r.Handle("test.count", func(ctx context.Context, j *Job) error {
				v, _ := calls.LoadOrStore(j.ID, &atomic.Int32{})
				v.(*atomic.Int32).Add(1)
				n.Add(1)
				return j.Finish(ctx, func(tx *db.Tx) error {
					if _, err := tx.Exec(ctx, `INSERT INTO test_runs (job_id, node) VALUES (?, ?)`, j.ID, r.Node()); err != nil {
						return err
					}
					_, err := tx.Exec(ctx, `UPDATE test_counter SET n = n + 1 WHERE id = 1`)
					return err
				})
			}, MaxAttempts(20))
			runners = append(runners, r)
		}
		runCtx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for _, r := range runners {
			wg.Go(func() { r.Run(runCtx) })
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			var left int
			if err := d1.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE done_at IS NULL`).Scan(&left); err != nil {
				t.Fatal(err)
			}
			if left == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d jobs still not done after 60s", left)
			}
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		wg.Wait()

		var count, runs, failed int
		d1.QueryRow(ctx, `SELECT n FROM test_counter WHERE id = 1`).Scan(&count)
		d1.QueryRow(ctx, `SELECT COUNT(*) FROM test_runs`).Scan(&runs)
		d1.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE last_error <> '' OR attempts <> 1`).Scan(&failed)
		if count != total || runs != total {
			t.Errorf("counter %d, runs recorded %d; want %d each", count, runs, total)
		}
		if failed != 0 {
			t.Errorf("%d jobs failed or ran more than once", failed)
		}
		seen := 0
		calls.Range(func(k, v any) bool {
			seen++
			if n := v.(*atomic.Int32).Load(); n != 1 {
				t.Errorf("job %v: handler called %d times", k, n)
			}
			return true
		})
		if seen != total {
			t.Errorf("handlers saw %d jobs, want %d", seen, total)
		}
		for node, n := range perNode {
			t.Logf("node %s ran %d jobs", node, n.Load())
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "involve.db")
		run(t, func() *db.DB {
			d, err := db.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			return d
		})
	})
	t.Run("postgres", func(t *testing.T) {
		base := testutil.PostgresURL(t)
		if base == "" {
			t.Skip("PostgreSQL tests skipped: set INVOLVE_TEST_POSTGRES to run them")
		}
		url, _ := testutil.NewPostgresSchema(t, base)
		run(t, func() *db.DB {
			d, err := db.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			return d
		})
	})
}
