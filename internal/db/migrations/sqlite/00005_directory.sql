-- +goose Up
-- What an organisation works on and in which languages, so /organisations
-- can be filtered like /groups. Comma separated, as on groups; languages
-- are ISO 639-1 codes.
ALTER TABLE organisations ADD COLUMN topics TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN languages TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE organisations DROP COLUMN languages;
ALTER TABLE organisations DROP COLUMN topics;
