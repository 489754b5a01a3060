-- +goose Up
-- Outside support: a group asks (a venue, money, staff time…), verified
-- organisations offer, and the group accepts one offer.
CREATE TABLE support_requests (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,               -- venue, money, staff-time, training, materials, logistics, other
    title      TEXT NOT NULL,
    details    TEXT NOT NULL DEFAULT '',
    needed_by  TIMESTAMP,                   -- a date (midnight UTC), when the group gave one
    status     TEXT NOT NULL DEFAULT 'open', -- open, fulfilled, closed
    created_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    closed_at  TIMESTAMP
);
CREATE INDEX support_requests_group ON support_requests(group_id, status);
CREATE INDEX support_requests_open ON support_requests(status, kind);

CREATE TABLE support_offers (
    id              INTEGER PRIMARY KEY,
    request_id      INTEGER NOT NULL REFERENCES support_requests(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    offered_by      INTEGER REFERENCES members(id) ON DELETE SET NULL,
    what            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'offered', -- offered, accepted, declined, withdrawn
    created_at      TIMESTAMP NOT NULL,
    decided_at      TIMESTAMP,
    decided_by      INTEGER REFERENCES members(id) ON DELETE SET NULL
);
CREATE INDEX support_offers_request ON support_offers(request_id, status);
CREATE INDEX support_offers_organisation ON support_offers(organisation_id);
-- One waiting offer per organisation per request, and one accepted offer
-- per request, whatever races the web layer loses.
CREATE UNIQUE INDEX support_offers_one_waiting ON support_offers(request_id, organisation_id) WHERE status = 'offered';
CREATE UNIQUE INDEX support_offers_one_accepted ON support_offers(request_id) WHERE status = 'accepted';

-- +goose Down
DROP TABLE support_offers;
DROP TABLE support_requests;
