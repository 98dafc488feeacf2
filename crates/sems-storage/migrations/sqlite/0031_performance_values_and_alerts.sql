-- Security performance (module 5), its computed side: the State's expected level of each
-- national indicator, organisations' targets for indicators they do not own, the values
-- computed per organisation and period (each with the definition version it was computed
-- under), the distribution of a national indicator across organisations, and alerts, never
-- recomputed away.
ALTER TABLE performance_indicators ADD COLUMN expected_level DOUBLE PRECISION;
-- Who answers for the indicator: told of its alerts.
ALTER TABLE performance_indicators ADD COLUMN owner_person_id BIGINT REFERENCES people (id);
-- Every organisation's latest staff headcount (the national reporting rate) by index.
CREATE INDEX data_series_values_series ON data_series_values (series, owner_party_id, month);

CREATE TABLE indicator_targets (
    indicator_id BIGINT NOT NULL REFERENCES performance_indicators (id),
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    target DOUBLE PRECISION NOT NULL,
    set_by BIGINT REFERENCES people (id),
    set_at_ms BIGINT NOT NULL,
    PRIMARY KEY (indicator_id, owner_party_id)
);

CREATE TABLE indicator_values (
    id INTEGER PRIMARY KEY,
    indicator_id BIGINT NOT NULL REFERENCES performance_indicators (id),
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    -- 2026-03 or 2026-Q1.
    period TEXT NOT NULL,
    version BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    numerator DOUBLE PRECISION NOT NULL,
    denominator DOUBLE PRECISION,
    note TEXT NOT NULL DEFAULT '',
    computed_at_ms BIGINT NOT NULL
);
-- An organisation's dashboard and charts read its values by indicator and period; the
-- national view reads one period of an indicator across organisations.
CREATE UNIQUE INDEX indicator_values_key ON indicator_values (owner_party_id, indicator_id, period);
CREATE INDEX indicator_values_national ON indicator_values (indicator_id, period, owner_party_id);

CREATE TABLE indicator_distributions (
    indicator_id BIGINT NOT NULL REFERENCES performance_indicators (id),
    period TEXT NOT NULL,
    organisations BIGINT NOT NULL,
    q1 DOUBLE PRECISION NOT NULL,
    median DOUBLE PRECISION NOT NULL,
    q3 DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (indicator_id, period)
);

CREATE TABLE performance_alerts (
    id INTEGER PRIMARY KEY,
    indicator_id BIGINT NOT NULL REFERENCES performance_indicators (id),
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    period TEXT NOT NULL,
    version BIGINT NOT NULL,
    rule TEXT NOT NULL,
    level BIGINT NOT NULL,
    line DOUBLE PRECISION NOT NULL,
    -- [{"label": "2026-02", "value": 15.0}, …]: the points the rule fired on.
    points TEXT NOT NULL,
    baseline_from TEXT,
    baseline_until TEXT,
    sentence TEXT NOT NULL,
    status TEXT NOT NULL,
    acknowledged_by BIGINT REFERENCES people (id),
    acknowledged_at_ms BIGINT,
    acknowledgement TEXT NOT NULL DEFAULT '',
    escalated_on TEXT,
    raised_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
-- One alert per indicator, organisation and period: a second node's insert finds it there.
CREATE UNIQUE INDEX performance_alerts_once ON performance_alerts (owner_party_id, indicator_id, period);
CREATE INDEX performance_alerts_order ON performance_alerts (raised_at_ms, id);
CREATE INDEX performance_alerts_open ON performance_alerts (status, raised_at_ms) WHERE escalated_on IS NULL;

-- The "silence is not safety" warning of each organisation flagged, computed by the job from
-- the stored reporting rates (sems_domain::performance::silence::Silence as JSON).
CREATE TABLE silence_warnings (
    owner_party_id BIGINT PRIMARY KEY REFERENCES parties (id),
    warning TEXT NOT NULL,
    computed_at_ms BIGINT NOT NULL
);
