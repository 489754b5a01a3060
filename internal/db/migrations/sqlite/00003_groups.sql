-- +goose Up
CREATE TABLE groups (
    id               INTEGER PRIMARY KEY,
    slug             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    visibility       TEXT NOT NULL,            -- public, members, secret
    joining          TEXT NOT NULL,            -- open, request, invitation
    about            TEXT NOT NULL DEFAULT '', -- Markdown
    region           TEXT NOT NULL DEFAULT '',
    topics           TEXT NOT NULL DEFAULT '', -- comma separated
    languages        TEXT NOT NULL DEFAULT '', -- comma separated codes
    organisation_id  INTEGER REFERENCES organisations(id) ON DELETE SET NULL, -- the organisation that started it, if any
    invite_link_hash TEXT NOT NULL DEFAULT '',  -- hash of the shared invitation link, '' when off
    hidden_at        TIMESTAMP,                -- hidden by a site moderator
    hidden_reason    TEXT NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX groups_listing ON groups(visibility, kind, name);

CREATE TABLE group_members (
    group_id  INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    role      TEXT NOT NULL, -- member, moderator, admin
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX group_members_member ON group_members(member_id);

CREATE TABLE group_join_requests (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    why        TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    decision   TEXT NOT NULL DEFAULT '', -- '', accepted, declined
    decided_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    decided_at TIMESTAMP
);
CREATE INDEX group_join_requests_open ON group_join_requests(group_id, decision);

-- Single-use invitations; the link holds a token, the table its hash.
CREATE TABLE group_invitations (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    used_by    INTEGER REFERENCES members(id) ON DELETE SET NULL,
    used_at    TIMESTAMP,
    revoked_at TIMESTAMP
);

-- Where else the group talks: website, Signal, Matrix, Telegram, mailing list…
CREATE TABLE group_channels (
    id       INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    label    TEXT NOT NULL DEFAULT '',
    url      TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX group_channels_group ON group_channels(group_id, position);

-- Organisations supporting a group, and with what.
CREATE TABLE group_supporters (
    group_id        INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    what            TEXT NOT NULL DEFAULT '',
    since           TIMESTAMP NOT NULL,
    PRIMARY KEY (group_id, organisation_id)
);

-- A guide stage checklist a group works through together.
CREATE TABLE group_checks (
    group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    page_id    INTEGER NOT NULL REFERENCES guide_pages(id) ON DELETE CASCADE,
    item       TEXT NOT NULL,
    checked_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    checked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (group_id, page_id, item)
);
CREATE TABLE group_stages (
    group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    page_id    INTEGER NOT NULL REFERENCES guide_pages(id) ON DELETE CASCADE,
    adopted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (group_id, page_id)
);

-- +goose Down
DROP TABLE group_stages;
DROP TABLE group_checks;
DROP TABLE group_supporters;
DROP TABLE group_channels;
DROP TABLE group_invitations;
DROP TABLE group_join_requests;
DROP TABLE group_members;
DROP TABLE groups;
