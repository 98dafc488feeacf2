-- Threat and risk management, part 2: risk assessments per organisation (and site) and
-- scenario, with the history of every change (SQLite).
CREATE TABLE risk_assessments (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    site_id BIGINT REFERENCES sites (id),
    scenario_id BIGINT NOT NULL REFERENCES threat_scenarios (id),
    method_version BIGINT NOT NULL REFERENCES risk_methods (version),
    likelihood BIGINT NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    likelihood_rationale TEXT NOT NULL,
    consequence_human BIGINT NOT NULL CHECK (consequence_human BETWEEN 1 AND 5),
    consequence_economic BIGINT NOT NULL CHECK (consequence_economic BETWEEN 1 AND 5),
    consequence_political BIGINT NOT NULL CHECK (consequence_political BETWEEN 1 AND 5),
    consequence_rationale TEXT NOT NULL,
    vulnerability BIGINT NOT NULL CHECK (vulnerability BETWEEN 1 AND 5),
    vulnerability_rationale TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    inherent_score BIGINT NOT NULL,
    inherent_level TEXT NOT NULL,
    residual_score BIGINT NOT NULL,
    residual_level TEXT NOT NULL,
    review_required BIGINT NOT NULL DEFAULT 0,
    next_review_on TEXT NOT NULL,
    classification BIGINT NOT NULL DEFAULT 0,
    need_to_know BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES people (id),
    created_at_ms BIGINT NOT NULL,
    updated_by BIGINT REFERENCES people (id),
    updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX risk_assessments_one_per_scope
    ON risk_assessments (owner_party_id, scenario_id, COALESCE(site_id, 0));
CREATE INDEX risk_assessments_register ON risk_assessments (owner_party_id, residual_score);
CREATE INDEX risk_assessments_scenario ON risk_assessments (scenario_id);
CREATE INDEX risk_assessments_review ON risk_assessments (next_review_on);

CREATE TABLE risk_assessment_history (
    id INTEGER PRIMARY KEY,
    assessment_id BIGINT NOT NULL REFERENCES risk_assessments (id),
    changed_by BIGINT REFERENCES people (id),
    changed_at_ms BIGINT NOT NULL,
    reason TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT NOT NULL
);
CREATE INDEX risk_assessment_history_assessment ON risk_assessment_history (assessment_id, id);
