-- Threat and risk management, part 1: the risk method (versioned, the authority's), national
-- threat levels per scenario category, and threat scenarios (the national library and
-- organisations' own) (SQLite).
CREATE TABLE risk_methods (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    version BIGINT NOT NULL UNIQUE,
    document TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    published BIGINT NOT NULL DEFAULT 1,
    published_by BIGINT REFERENCES people (id),
    published_at_ms BIGINT NOT NULL
);

CREATE TABLE threat_levels (
    category TEXT PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    level BIGINT NOT NULL CHECK (level BETWEEN 1 AND 5),
    rationale TEXT NOT NULL DEFAULT '',
    set_by BIGINT REFERENCES people (id),
    set_at_ms BIGINT NOT NULL
);

CREATE TABLE threat_scenarios (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    code TEXT NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    target TEXT NOT NULL,
    means TEXT NOT NULL,
    perpetrator TEXT NOT NULL,
    description TEXT NOT NULL,
    published BIGINT NOT NULL DEFAULT 0,
    classification BIGINT NOT NULL DEFAULT 0,
    need_to_know BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    UNIQUE (owner_party_id, code)
);
CREATE INDEX threat_scenarios_owner ON threat_scenarios (owner_party_id, code);
CREATE INDEX threat_scenarios_category ON threat_scenarios (category, code);
