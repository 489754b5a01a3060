-- +goose Up
-- Ranking a search reads, for every matching document, its visibility,
-- kind, ref, language, url and title. In the table those come after the
-- body (up to about 20 KB), so SQLite walked the body's overflow pages for
-- each match: 660 documents for "naloxone training" at scale 1. This
-- index holds exactly the columns ranking reads, so the body is never
-- touched; the query names it (INDEXED BY), as the planner keeps the
-- rowid lookup otherwise.
CREATE INDEX search_documents_listing ON search_documents (id, visibility, kind, ref, lang, url, title);

-- +goose Down
DROP INDEX search_documents_listing;
