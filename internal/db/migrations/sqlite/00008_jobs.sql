-- +goose Up
-- The job queue: work done after a request, by whichever node claims it
-- first. A job is due when run_at has passed; a node claims it by setting
-- locked_by and a lease (locked_until), and a job whose lease ran out (its
-- node stopped) is claimed again. done_at marks it finished: with
-- last_error empty it succeeded, otherwise it gave up. dedupe_key, when
-- set, allows only one unfinished job with that key (a member's next email,
-- the next daily digest run).
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}', -- JSON
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    locked_by    TEXT,
    locked_until TIMESTAMP,
    done_at      TIMESTAMP,
    last_error   TEXT NOT NULL DEFAULT '',
    dedupe_key   TEXT,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due ON jobs(done_at, run_at);
CREATE UNIQUE INDEX jobs_pending_key ON jobs(dedupe_key) WHERE done_at IS NULL;

-- How each member wants to hear about notifications by email: off,
-- immediate or daily. No row means off. The address is members.email.
-- Only notifications made since mode_since (when the choice last changed)
-- go out, so turning email on does not send a backlog; a digest holds
-- those since last_digest_at.
CREATE TABLE notify_prefs (
    member_id      INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
    email_mode     TEXT NOT NULL DEFAULT 'off',
    mode_since     TIMESTAMP NOT NULL,
    last_digest_at TIMESTAMP,
    updated_at     TIMESTAMP NOT NULL
);

-- emailed_at: the notification went out in an email (immediate or digest),
-- so it is never sent twice.
ALTER TABLE notifications ADD COLUMN emailed_at TIMESTAMP;
-- The header shows every signed-in member's unread count on every page.
CREATE INDEX notifications_unread ON notifications(member_id) WHERE read_at IS NULL;

-- +goose Down
DROP INDEX notifications_unread;
ALTER TABLE notifications DROP COLUMN emailed_at;
DROP TABLE notify_prefs;
DROP TABLE jobs;
