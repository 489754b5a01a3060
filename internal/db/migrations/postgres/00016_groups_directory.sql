-- +goose Up
-- The directory counts its filters over every group the reader may see,
-- in name order: this index holds what the count reads, in that order, so
-- it is an index-only scan with no sort (0.15 ms instead of a sequential
-- scan and a sort of every row at scale 1). Name, region, topics and
-- languages are bounded by the form (80, 80, 200 and 200 characters), so
-- an entry stays within a b-tree page's limit.
CREATE INDEX groups_directory ON groups(name, id) INCLUDE (visibility, hidden_at, kind, region, topics, languages);

-- groups_version changes whenever what the directory counts changes, so a
-- node may keep the list of groups anyone may see in memory and know, with
-- one small read, when it is stale. A trigger keeps it, so no way of
-- writing a group can forget to; every node reads the same row.
CREATE TABLE groups_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO groups_version (id, version) VALUES (1, 0);
-- +goose StatementBegin
CREATE FUNCTION groups_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE groups_version SET version = version + 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER groups_version_change
    AFTER INSERT OR DELETE OR UPDATE OF name, kind, visibility, hidden_at, region, topics, languages ON groups
    FOR EACH STATEMENT EXECUTE FUNCTION groups_version_bump();

-- +goose Down
DROP TRIGGER groups_version_change ON groups;
DROP FUNCTION groups_version_bump();
DROP TABLE groups_version;
DROP INDEX groups_directory;
