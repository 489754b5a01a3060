-- +goose Up
-- SQLite's 00012 adds an index so that ranking a search does not read each
-- matching document's long body. PostgreSQL keeps long values out of line
-- (TOAST), so reading the other columns never reads the body: nothing to
-- do here; the number is kept so both databases share one history.
SELECT 1;

-- +goose Down
SELECT 1;
