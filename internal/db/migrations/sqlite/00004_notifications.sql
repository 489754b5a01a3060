-- +goose Up
-- In-app notifications: what happened, for whom, where to look. Text is
-- made at display time from kind and params, in the reader's language.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    params     TEXT NOT NULL DEFAULT '{}', -- JSON object of strings
    url        TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notifications_member ON notifications(member_id, id);

-- +goose Down
DROP TABLE notifications;
