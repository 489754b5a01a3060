-- +goose Up
-- Meetings arranged by a group or an organisation: the meeting with its
-- venue, access and practical support; recurring series whose occurrences
-- are meetings of their own; registrations with a waiting list; agenda,
-- minutes, attachments; attendance and payments afterwards.
CREATE TABLE meeting_series (
    id              INTEGER PRIMARY KEY,
    group_id        INTEGER REFERENCES groups(id) ON DELETE CASCADE,
    organisation_id INTEGER REFERENCES organisations(id) ON DELETE CASCADE,
    freq            TEXT NOT NULL,              -- weekly, monthly-weekday, monthly-date
    every           INTEGER NOT NULL DEFAULT 1, -- every N weeks or months
    nth             INTEGER NOT NULL DEFAULT 0, -- monthly-weekday: 1..4, or -1 for the last
    first_date      TEXT NOT NULL,              -- yyyy-mm-dd, local to time_zone
    until_date      TEXT NOT NULL DEFAULT '',   -- yyyy-mm-dd, or '' when ended by count
    count           INTEGER NOT NULL DEFAULT 0, -- occurrences, or 0 when ended by date
    time_zone       TEXT NOT NULL,
    start_time      TEXT NOT NULL,              -- hh:mm wall time of every occurrence
    minutes         INTEGER NOT NULL,           -- length of an occurrence
    created_by      INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE meetings (
    id                  INTEGER PRIMARY KEY,
    group_id            INTEGER REFERENCES groups(id) ON DELETE CASCADE,
    organisation_id     INTEGER REFERENCES organisations(id) ON DELETE CASCADE,
    series_id           INTEGER REFERENCES meeting_series(id) ON DELETE SET NULL,
    slot_date           TEXT NOT NULL DEFAULT '',  -- the series date this occurrence stands for
    detached            INTEGER NOT NULL DEFAULT 0, -- changed on its own; series edits leave it
    title               TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    time_zone           TEXT NOT NULL,
    starts_at           TIMESTAMP NOT NULL,
    ends_at             TIMESTAMP NOT NULL,
    mode                TEXT NOT NULL,             -- in_person, online, both
    venue               TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    directions          TEXT NOT NULL DEFAULT '',
    access              TEXT NOT NULL DEFAULT '',  -- comma-separated access features
    access_notes        TEXT NOT NULL DEFAULT '',
    online_link         TEXT NOT NULL DEFAULT '',  -- shown only to registered attendees and organisers
    travel              TEXT NOT NULL DEFAULT '',  -- how travel costs are paid; '' = not offered
    food                TEXT NOT NULL DEFAULT '',
    childcare           TEXT NOT NULL DEFAULT '',
    interpretation      TEXT NOT NULL DEFAULT '',  -- comma-separated language codes
    sign_language       TEXT NOT NULL DEFAULT '',
    honorarium_amount   INTEGER NOT NULL DEFAULT 0, -- minor units
    honorarium_currency TEXT NOT NULL DEFAULT '',
    honorarium_text     TEXT NOT NULL DEFAULT '',
    language            TEXT NOT NULL DEFAULT '',
    region              TEXT NOT NULL DEFAULT '',
    registration        TEXT NOT NULL,             -- open, approval, invitation
    capacity            INTEGER NOT NULL DEFAULT 0, -- 0 = no limit
    show_count          INTEGER NOT NULL DEFAULT 1,
    status              TEXT NOT NULL DEFAULT 'scheduled', -- scheduled, cancelled
    cancelled_at        TIMESTAMP,
    cancel_reason       TEXT NOT NULL DEFAULT '',  -- shown on the meeting's page, never in notifications
    minutes             TEXT NOT NULL DEFAULT '',
    created_by          INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX meetings_starts ON meetings(starts_at);
CREATE INDEX meetings_group ON meetings(group_id, starts_at);
CREATE INDEX meetings_organisation ON meetings(organisation_id, starts_at);
CREATE INDEX meetings_series ON meetings(series_id, starts_at);

CREATE TABLE meeting_registrations (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    member_id   INTEGER REFERENCES members(id) ON DELETE CASCADE,
    alias       TEXT NOT NULL DEFAULT '',  -- for a peer without an account
    code_hash   TEXT UNIQUE,               -- sha-256 of the alias's personal code
    status      TEXT NOT NULL,             -- registered, waiting, pending, declined, cancelled
    note        TEXT NOT NULL DEFAULT '',  -- to the organisers only
    show_name   INTEGER NOT NULL DEFAULT 0,
    attended    INTEGER,                   -- NULL until recorded
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX meeting_registrations_meeting ON meeting_registrations(meeting_id, status, id);
CREATE INDEX meeting_registrations_member ON meeting_registrations(member_id);
-- A member holds at most one live registration per meeting.
CREATE UNIQUE INDEX meeting_registrations_one ON meeting_registrations(meeting_id, member_id)
    WHERE member_id IS NOT NULL AND status <> 'cancelled' AND status <> 'declined';

CREATE TABLE meeting_invitations (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    invited_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_invitations_member ON meeting_invitations(member_id);

CREATE TABLE meeting_agenda (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    notes      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meeting_agenda_meeting ON meeting_agenda(meeting_id, position);

CREATE TABLE meeting_decisions (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions(meeting_id, position);

CREATE TABLE meeting_actions (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    who        TEXT NOT NULL DEFAULT '',
    due        TEXT NOT NULL DEFAULT ''   -- yyyy-mm-dd or ''
);
CREATE INDEX meeting_actions_meeting ON meeting_actions(meeting_id, position);

CREATE TABLE meeting_attachments (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    url        TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX meeting_attachments_meeting ON meeting_attachments(meeting_id, id);

-- Payments are the organiser's bookkeeping: they stay when an attendee
-- leaves Involve, without the link to the person (member_id, registration
-- and name are cleared).
CREATE TABLE meeting_payments (
    id              INTEGER PRIMARY KEY,
    meeting_id      INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    registration_id INTEGER REFERENCES meeting_registrations(id) ON DELETE SET NULL,
    member_id       INTEGER REFERENCES members(id) ON DELETE SET NULL,
    payee           TEXT NOT NULL DEFAULT '', -- handle or alias when recorded; '' once the person left
    kind            TEXT NOT NULL,            -- honorarium, reimbursement
    amount          INTEGER NOT NULL,         -- minor units of currency
    currency        TEXT NOT NULL,            -- ISO 4217
    method          TEXT NOT NULL,            -- cash, voucher, bank_transfer
    status          TEXT NOT NULL,            -- paid, pending
    purpose         TEXT NOT NULL DEFAULT '',
    recorded_by     INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL,
    paid_at         TIMESTAMP
);
CREATE INDEX meeting_payments_meeting ON meeting_payments(meeting_id, id);
CREATE INDEX meeting_payments_member ON meeting_payments(member_id);

-- A member's private calendar feed: only the hash of its token is kept.
CREATE TABLE meeting_feed_tokens (
    member_id  INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE meeting_feed_tokens;
DROP TABLE meeting_payments;
DROP TABLE meeting_attachments;
DROP TABLE meeting_actions;
DROP TABLE meeting_decisions;
DROP TABLE meeting_agenda;
DROP TABLE meeting_invitations;
DROP TABLE meeting_registrations;
DROP TABLE meetings;
DROP TABLE meeting_series;
