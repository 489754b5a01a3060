-- +goose Up
CREATE TABLE members (
    id                INTEGER PRIMARY KEY,
    handle            TEXT NOT NULL,
    handle_key        TEXT NOT NULL UNIQUE,
    passphrase_hash   TEXT NOT NULL,
    email             TEXT NOT NULL DEFAULT '',
    locale            TEXT NOT NULL DEFAULT '',
    display_name      TEXT NOT NULL DEFAULT '',
    display_name_vis  TEXT NOT NULL DEFAULT 'members',
    pronouns          TEXT NOT NULL DEFAULT '',
    pronouns_vis      TEXT NOT NULL DEFAULT 'members',
    languages         TEXT NOT NULL DEFAULT '',
    languages_vis     TEXT NOT NULL DEFAULT 'members',
    region            TEXT NOT NULL DEFAULT '',
    region_vis        TEXT NOT NULL DEFAULT 'private',
    bio               TEXT NOT NULL DEFAULT '',
    bio_vis           TEXT NOT NULL DEFAULT 'members',
    email_vis         TEXT NOT NULL DEFAULT 'private',
    created_at        TIMESTAMP NOT NULL,
    passphrase_set_at TIMESTAMP NOT NULL
);

CREATE TABLE member_roles (
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    granted_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    PRIMARY KEY (member_id, role)
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_member ON sessions(member_id);

CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    UNIQUE (member_id, code_hash)
);

-- Failed sign-ins are counted per handle, never per address: Involve keeps
-- no IP addresses.
CREATE TABLE signin_failures (
    handle_key   TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    first_at     TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    website     TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    created_by  INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    reviewed_at TIMESTAMP,
    reviewed_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    review_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX organisations_status_kind ON organisations(status, kind, name);

CREATE TABLE organisation_staff (
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    member_id       INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    added_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (organisation_id, member_id)
);
CREATE INDEX organisation_staff_member ON organisation_staff(member_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    actor_id    INTEGER REFERENCES members(id) ON DELETE SET NULL,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_created ON audit_log(created_at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE organisation_staff;
DROP TABLE organisations;
DROP TABLE signin_failures;
DROP TABLE recovery_codes;
DROP TABLE sessions;
DROP TABLE member_roles;
DROP TABLE members;
