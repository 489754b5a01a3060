package db

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCache keeps one prepared statement per query text for a SQLite pool.
//
// The SQLite driver prepares, runs and finalises a statement on every call
// of QueryContext or ExecContext; parsing the SQL again took about a tenth of
// the server's CPU on a thread page under load. A *sql.Stmt is prepared
// lazily on each connection that runs it and kept there, so a query is
// parsed once per connection. PostgreSQL needs no such cache: pgx keeps
// its own per connection.
//
// Queries are the stores' constants, but a few are built with a number of
// placeholders that varies (IN lists, up to 500 long): each length is a
// text of its own, so a query with more than maxPreparedParams
// placeholders runs unprepared, and the cache stops growing at
// maxCachedStmts; what is not cached runs as before.
type stmtCache struct {
	pool *sql.DB
	mu   sync.RWMutex
	m    map[string]*sql.Stmt // nil: statements are not cached
}

const (
	maxCachedStmts    = 1000
	maxPreparedParams = 32
)

// newStmtCache wraps pool; with prepare false every query runs unprepared.
func newStmtCache(pool *sql.DB, prepare bool) *stmtCache {
	c := &stmtCache{pool: pool}
	if prepare {
		c.m = make(map[string]*sql.Stmt)
	}
	return c
}

// get returns the prepared statement for query, preparing it on first use,
// or nil when the cache is full or the query does not prepare (the caller
// then runs it unprepared, which reports the error as before).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if c.m == nil {
		return nil
	}
	c.mu.RLock()
	st, ok := c.m[query]
	full := len(c.m) >= maxCachedStmts
	c.mu.RUnlock()
	if ok || full || strings.Count(query, "?") > maxPreparedParams {
		return st
	}
	st, err := c.pool.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[query]; ok {
		// Another request prepared it first.
		st.Close()
		return old
	}
	if len(c.m) >= maxCachedStmts {
		st.Close()
		return nil
	}
	c.m[query] = st
	return st
}

// lookup returns the statement for query only if it is already prepared.
// A transaction uses this, never get: on SQLite it holds the write pool's
// only connection, so preparing through the pool would wait for itself.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	if c.m == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// close releases every statement; the pool is closed after it.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// query, queryRow and exec run query on the pool, prepared when the cache
// has it.
func (c *stmtCache) query(ctx context.Context, query string, args []any) (*sql.Rows, error) {
	if st := c.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.pool.QueryContext(ctx, query, args...)
}

func (c *stmtCache) queryRow(ctx context.Context, query string, args []any) *sql.Row {
	if st := c.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.pool.QueryRowContext(ctx, query, args...)
}

func (c *stmtCache) exec(ctx context.Context, query string, args []any) (sql.Result, error) {
	if st := c.get(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.pool.ExecContext(ctx, query, args...)
}
