-- Audits against any catalogue, answered on the catalogue's scale (SQLite).
-- The oversight method (sems_domain::oversight::method): the authority's compliance scales,
-- plan deadlines, EI thresholds and intervals, versioned like the risk method.
CREATE TABLE oversight_methods (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    version BIGINT NOT NULL UNIQUE,
    document TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    published_by BIGINT REFERENCES people (id),
    published_at_ms BIGINT NOT NULL
);

-- A party may keep several catalogues (the authority: the national programme and catalogues
-- it publishes for a sector; an organisation: its internal requirements). `sector` is the
-- party kind a sector catalogue is for; `scale` names a scale of the oversight method.
CREATE TABLE catalogues (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    sector TEXT,
    scale TEXT NOT NULL DEFAULT 'national',
    created_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX catalogues_code ON catalogues (owner_party_id, code);

-- The catalogues kept so far: one per party, the authority's the national programme.
INSERT INTO catalogues (owner_party_id, code, title, sector, scale, created_at_ms)
SELECT p.id,
       CASE WHEN p.kind = 'authority' THEN 'NASP' ELSE 'INTERNAL' END,
       CASE WHEN p.kind = 'authority' THEN 'National aviation security programme' ELSE 'Internal requirements' END,
       NULL, 'national', MIN(v.published_at_ms)
FROM requirement_versions v JOIN parties p ON p.id = v.owner_party_id
GROUP BY p.id, p.kind;

-- Versions are per catalogue now.
CREATE TABLE catalogue_versions (
    catalogue_id BIGINT NOT NULL REFERENCES catalogues (id),
    version BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    published_by BIGINT REFERENCES people (id),
    published_at_ms BIGINT NOT NULL,
    PRIMARY KEY (catalogue_id, version)
);
INSERT INTO catalogue_versions (catalogue_id, version, note, published_by, published_at_ms)
SELECT c.id, v.version, v.note, v.published_by, v.published_at_ms
FROM requirement_versions v JOIN catalogues c ON c.owner_party_id = v.owner_party_id;
DROP TABLE requirement_versions;

ALTER TABLE requirements ADD COLUMN catalogue_id BIGINT REFERENCES catalogues (id);
UPDATE requirements SET catalogue_id = (SELECT c.id FROM catalogues c WHERE c.owner_party_id = requirements.owner_party_id);
DROP INDEX requirements_code;
CREATE UNIQUE INDEX requirements_code ON requirements (catalogue_id, version, code);

-- An activity keeps the catalogue, the method version and the scale it was planned with.
ALTER TABLE oversight_activities ADD COLUMN catalogue_id BIGINT REFERENCES catalogues (id);
ALTER TABLE oversight_activities ADD COLUMN method_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE oversight_activities ADD COLUMN scale TEXT NOT NULL DEFAULT 'national';
UPDATE oversight_activities SET catalogue_id = (SELECT c.id FROM catalogues c WHERE c.owner_party_id = oversight_activities.catalogue_party_id);
