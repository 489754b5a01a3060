-- +goose Up
-- Discussions: threads in the open peer forum (group_id NULL) or inside a
-- group. Counters are kept in the same transaction as the post they count.
CREATE TABLE discussions (
    id            INTEGER PRIMARY KEY,
    group_id      INTEGER REFERENCES groups(id) ON DELETE CASCADE, -- NULL: the open forum
    title         TEXT NOT NULL,
    lang          TEXT NOT NULL DEFAULT '',  -- language it is written in, '' when another
    author_id     INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL,
    last_post_at  TIMESTAMP NOT NULL,
    reply_count   INTEGER NOT NULL DEFAULT 0, -- posts after the first; the last post's position is reply_count + 1
    pinned_at     TIMESTAMP,
    locked_at     TIMESTAMP,
    hidden_at     TIMESTAMP,                  -- hidden by a moderator
    hidden_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX discussions_listing ON discussions(group_id, last_post_at);
CREATE INDEX discussions_author ON discussions(author_id);

-- Posts carry their number in the thread (position, from 1), so a page is
-- a range of positions read through the unique index, never an OFFSET.
CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    discussion_id INTEGER NOT NULL REFERENCES discussions(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    author_id     INTEGER REFERENCES members(id) ON DELETE SET NULL,
    body          TEXT NOT NULL,             -- Markdown
    created_at    TIMESTAMP NOT NULL,
    edited_at     TIMESTAMP,
    removed_at    TIMESTAMP,                 -- its author left and took their words with them
    hidden_at     TIMESTAMP,                 -- hidden by a moderator
    hidden_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX posts_position ON posts(discussion_id, position);
CREATE INDEX posts_author ON posts(author_id);

-- Earlier versions of edited posts: body (and, for a first post, the
-- thread's title) as they were until edited_at, when editor_id changed them.
CREATE TABLE post_revisions (
    id        INTEGER PRIMARY KEY,
    post_id   INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    title     TEXT NOT NULL DEFAULT '',
    body      TEXT NOT NULL,
    edited_at TIMESTAMP NOT NULL,
    editor_id INTEGER REFERENCES members(id) ON DELETE SET NULL
);
CREATE INDEX post_revisions_post ON post_revisions(post_id, id);

CREATE TABLE discussion_follows (
    member_id     INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    discussion_id INTEGER NOT NULL REFERENCES discussions(id) ON DELETE CASCADE,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (member_id, discussion_id)
);
CREATE INDEX discussion_follows_discussion ON discussion_follows(discussion_id);

-- Unread markers: the highest position each member has been shown.
CREATE TABLE discussion_reads (
    member_id     INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    discussion_id INTEGER NOT NULL REFERENCES discussions(id) ON DELETE CASCADE,
    last_position INTEGER NOT NULL,
    read_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (member_id, discussion_id)
);
CREATE INDEX discussion_reads_discussion ON discussion_reads(discussion_id);

-- +goose Down
DROP TABLE discussion_reads;
DROP TABLE discussion_follows;
DROP TABLE post_revisions;
DROP TABLE posts;
DROP TABLE discussions;
