-- +goose Up
-- An address gets notification email only once its owner has shown it is
-- theirs: a mistyped address would otherwise receive the names of a
-- member's groups and threads. email_confirmed is the address that was
-- confirmed; the member's email is confirmed while the two are equal, so
-- going back to an address confirmed before needs no new link. Addresses
-- given before this migration count as confirmed: their owners chose to
-- receive email and did, and nothing told them it would stop.
ALTER TABLE members ADD COLUMN email_confirmed TEXT NOT NULL DEFAULT '';
UPDATE members SET email_confirmed = email;

-- The link waiting to be opened, one per member: only the SHA-256 of its
-- token is kept, so a copy of the database confirms nothing.
CREATE TABLE email_confirmations (
    member_id  BIGINT PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    sent_at    TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE email_confirmations;
ALTER TABLE members DROP COLUMN email_confirmed;
