-- Security performance (module 5), its first tables: the indicators' definitions, each
-- version kept (a value keeps the version it was computed under), and the organisations' data
-- series (exposure such as departures or the staff headcount, and manual indicators).
CREATE TABLE performance_indicators (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    code TEXT NOT NULL,
    -- The current version's name, for lists and searches.
    name TEXT NOT NULL,
    -- The authority's national library is published to every party.
    published BIGINT NOT NULL DEFAULT 0,
    current_version BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX performance_indicators_code ON performance_indicators (owner_party_id, code);
CREATE INDEX performance_indicators_published ON performance_indicators (published, code, id);

CREATE TABLE indicator_versions (
    indicator_id BIGINT NOT NULL REFERENCES performance_indicators (id),
    version BIGINT NOT NULL,
    -- sems_domain::performance::definition::SpiDefinition as JSON.
    definition TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    published_by BIGINT REFERENCES people (id),
    published_at_ms BIGINT NOT NULL,
    PRIMARY KEY (indicator_id, version)
);

-- A value of a data series for a month, of the whole organisation (site_id 0) or of a site.
CREATE TABLE data_series_values (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    site_id BIGINT NOT NULL DEFAULT 0,
    series TEXT NOT NULL,
    month TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    entered_by BIGINT REFERENCES people (id),
    entered_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX data_series_values_key ON data_series_values (owner_party_id, series, site_id, month);
CREATE INDEX data_series_values_order ON data_series_values (month, id);
