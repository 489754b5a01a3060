-- +goose Up
-- A group's or an organisation's page shows its next five meetings, and
-- /meetings the upcoming ones: the indexes give them in start order, but
-- every past meeting before them was read from the table only to find
-- that it had ended (642 rows for the largest group at scale 1, 3,809 for
-- the list). With ends_at in the index that check needs no table row.
DROP INDEX meetings_starts;
CREATE INDEX meetings_starts ON meetings(starts_at, ends_at);
DROP INDEX meetings_group;
CREATE INDEX meetings_group ON meetings(group_id, starts_at, ends_at);
DROP INDEX meetings_organisation;
CREATE INDEX meetings_organisation ON meetings(organisation_id, starts_at, ends_at);

-- +goose Down
DROP INDEX meetings_starts;
CREATE INDEX meetings_starts ON meetings(starts_at);
DROP INDEX meetings_group;
CREATE INDEX meetings_group ON meetings(group_id, starts_at);
DROP INDEX meetings_organisation;
CREATE INDEX meetings_organisation ON meetings(organisation_id, starts_at);
