-- Oversight, part 1 (SQLite): requirements catalogues, versioned per owner. The authority's
-- is the national programme, published to every party; an organisation keeps its internal
-- requirements the same way. A version is never edited: a new one is published.
CREATE TABLE requirement_versions (
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    version BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    published_by BIGINT REFERENCES people (id),
    published_at_ms BIGINT NOT NULL,
    PRIMARY KEY (owner_party_id, version)
);

CREATE TABLE requirements (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    version BIGINT NOT NULL,
    code TEXT NOT NULL,
    parent_code TEXT,
    level TEXT NOT NULL,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    published BIGINT NOT NULL DEFAULT 0,
    classification BIGINT NOT NULL DEFAULT 0,
    need_to_know BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX requirements_code ON requirements (owner_party_id, version, code);
