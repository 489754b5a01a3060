-- +goose Up
-- Reports members make about what breaks the community rules. target_type
-- names a registered moderation target (post, discussion, group);
-- group_id is the group the target lives in, so that group's moderators
-- see the report (NULL for the open forum and for groups themselves).
CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    target_type  TEXT NOT NULL,
    target_id    INTEGER NOT NULL,
    group_id     INTEGER REFERENCES groups(id) ON DELETE CASCADE,
    reason       TEXT NOT NULL, -- harassment, outing, hate, spam, selling, unsafe, other
    details      TEXT NOT NULL DEFAULT '',
    reporter_id  INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open', -- open, resolved, dismissed
    handled_by   INTEGER REFERENCES members(id) ON DELETE SET NULL,
    handled_at   TIMESTAMP,
    outcome_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reports_open ON reports(status, id);
CREATE INDEX reports_group ON reports(group_id, status);
CREATE INDEX reports_target ON reports(target_type, target_id, status);
CREATE INDEX reports_reporter ON reports(reporter_id);
-- One open report per member per target.
CREATE UNIQUE INDEX reports_one_open ON reports(target_type, target_id, reporter_id) WHERE status = 'open';

-- Blocks are private: the blocked member is never told.
CREATE TABLE member_blocks (
    blocker_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    blocked_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX member_blocks_blocked ON member_blocks(blocked_id);

-- A suspended member cannot sign in until suspended_until has passed; an
-- indefinite suspension holds the far-future time accounts.Indefinitely.
ALTER TABLE members ADD COLUMN suspended_until TIMESTAMP;
ALTER TABLE members ADD COLUMN suspended_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE members DROP COLUMN suspended_reason;
ALTER TABLE members DROP COLUMN suspended_until;
DROP TABLE member_blocks;
DROP TABLE reports;
