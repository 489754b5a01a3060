-- +goose Up
CREATE TABLE guide_pages (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL DEFAULT 'teach', -- teach, or summary of others' work or words
    related    TEXT NOT NULL DEFAULT '',      -- related page slugs, comma separated
    created_at TIMESTAMP NOT NULL
);

-- Every edit of a page in a language is a revision; the newest one is the
-- page's text. A translation records which revision of the original it was
-- made from, so it can be flagged outdated when the original changes.
CREATE TABLE guide_revisions (
    id                 INTEGER PRIMARY KEY,
    page_id            INTEGER NOT NULL REFERENCES guide_pages(id) ON DELETE CASCADE,
    lang               TEXT NOT NULL,
    title              TEXT NOT NULL,
    summary            TEXT NOT NULL,
    body               TEXT NOT NULL,
    note               TEXT NOT NULL DEFAULT '',
    author_id          INTEGER REFERENCES members(id) ON DELETE SET NULL,
    source_revision_id INTEGER REFERENCES guide_revisions(id),
    reverts_id         INTEGER REFERENCES guide_revisions(id),
    created_at         TIMESTAMP NOT NULL
);
CREATE INDEX guide_revisions_page ON guide_revisions(page_id, lang, id);
CREATE INDEX guide_revisions_author ON guide_revisions(author_id);

-- Checklist items a member ticked, by the item's key.
CREATE TABLE guide_checks (
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    page_id    INTEGER NOT NULL REFERENCES guide_pages(id) ON DELETE CASCADE,
    item       TEXT NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (member_id, page_id, item)
);

-- One row per searchable thing in one language; every public content type
-- puts its documents here.
CREATE TABLE search_documents (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL,
    lang       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    url        TEXT NOT NULL,
    visibility TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (kind, ref, lang)
);

CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, content='search_documents', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);

-- +goose StatementBegin
CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
    INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER search_documents_au;
DROP TRIGGER search_documents_ad;
DROP TRIGGER search_documents_ai;
DROP TABLE search_fts;
DROP TABLE search_documents;
DROP TABLE guide_checks;
DROP TABLE guide_revisions;
DROP TABLE guide_pages;
