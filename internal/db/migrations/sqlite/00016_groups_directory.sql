-- +goose Up
-- The directory counts its filters over every group the reader may see,
-- in name order. This index holds what the count reads, in that order, so
-- reading it is one pass over a small index with no sort (from the table
-- it meant each group's whole row, its about text too, and a sort).
CREATE INDEX groups_directory ON groups(name, id, visibility, hidden_at, kind, region, topics, languages);

-- groups_version changes whenever what the directory counts changes, so a
-- node may keep the list of groups anyone may see in memory and know, with
-- one small read, when it is stale. Triggers keep it, so no way of writing
-- a group can forget to; every node reads the same row.
CREATE TABLE groups_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO groups_version (id, version) VALUES (1, 0);
CREATE TRIGGER groups_version_insert AFTER INSERT ON groups
BEGIN UPDATE groups_version SET version = version + 1; END;
CREATE TRIGGER groups_version_update AFTER UPDATE OF name, kind, visibility, hidden_at, region, topics, languages ON groups
BEGIN UPDATE groups_version SET version = version + 1; END;
CREATE TRIGGER groups_version_delete AFTER DELETE ON groups
BEGIN UPDATE groups_version SET version = version + 1; END;

-- +goose Down
DROP TRIGGER groups_version_delete;
DROP TRIGGER groups_version_update;
DROP TRIGGER groups_version_insert;
DROP TABLE groups_version;
DROP INDEX groups_directory;
