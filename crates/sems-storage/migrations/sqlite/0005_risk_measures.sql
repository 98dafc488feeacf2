-- Threat and risk management, part 4 (SQLite): security measures (the authority's baseline
-- and organisations' own), their implementation per organisation with exemptions from a
-- baseline measure approved by the authority; objective data (tests and occurrences) that
-- feeds score proposals; proposals and overrides on assessments; mitigation actions.
CREATE TABLE security_measures (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    baseline BIGINT NOT NULL DEFAULT 0,
    published BIGINT NOT NULL DEFAULT 0,
    classification BIGINT NOT NULL DEFAULT 0,
    need_to_know BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX security_measures_code ON security_measures (owner_party_id, code);

-- Which scenarios a measure mitigates.
CREATE TABLE measure_scenarios (
    measure_id BIGINT NOT NULL REFERENCES security_measures (id),
    scenario_id BIGINT NOT NULL REFERENCES threat_scenarios (id),
    PRIMARY KEY (measure_id, scenario_id)
);
CREATE INDEX measure_scenarios_scenario ON measure_scenarios (scenario_id);

-- An organisation's implementation of a measure (a baseline one or its own).
CREATE TABLE measure_implementations (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    measure_id BIGINT NOT NULL REFERENCES security_measures (id),
    responsible_person_id BIGINT REFERENCES people (id),
    status TEXT NOT NULL,
    cost_one_off BIGINT NOT NULL DEFAULT 0,
    cost_annual BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    exemption TEXT NOT NULL DEFAULT 'none',
    exemption_reason TEXT NOT NULL DEFAULT '',
    exemption_requested_by BIGINT REFERENCES people (id),
    exemption_decided_by BIGINT REFERENCES people (id),
    exemption_decided_at_ms BIGINT,
    exemption_decision_note TEXT NOT NULL DEFAULT '',
    classification BIGINT NOT NULL DEFAULT 0,
    need_to_know BIGINT NOT NULL DEFAULT 0,
    updated_by BIGINT REFERENCES people (id),
    updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX measure_implementations_one ON measure_implementations (owner_party_id, measure_id);
CREATE INDEX measure_implementations_measure ON measure_implementations (measure_id);

-- Objective data on a scenario at an organisation: results of security tests of its measures
-- and occurrences. The oversight and reporting modules feed it; so can a security manager.
CREATE TABLE risk_evidence (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    scenario_id BIGINT NOT NULL REFERENCES threat_scenarios (id),
    kind TEXT NOT NULL,
    passed BIGINT,
    occurred_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    source TEXT NOT NULL,
    source_ref TEXT NOT NULL DEFAULT '',
    classification BIGINT NOT NULL DEFAULT 0,
    need_to_know BIGINT NOT NULL DEFAULT 0,
    recorded_by BIGINT REFERENCES people (id),
    recorded_at_ms BIGINT NOT NULL
);
CREATE INDEX risk_evidence_scope ON risk_evidence (owner_party_id, scenario_id, occurred_on);

ALTER TABLE risk_assessments ADD COLUMN likelihood_proposed BIGINT;
ALTER TABLE risk_assessments ADD COLUMN likelihood_override_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE risk_assessments ADD COLUMN vulnerability_proposed BIGINT;
ALTER TABLE risk_assessments ADD COLUMN vulnerability_override_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE risk_assessments ADD COLUMN review_reason TEXT NOT NULL DEFAULT '';

-- Mitigation actions on an assessment, with their expected effect on one score.
CREATE TABLE risk_actions (
    id INTEGER PRIMARY KEY,
    assessment_id BIGINT NOT NULL REFERENCES risk_assessments (id),
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    title TEXT NOT NULL,
    responsible_person_id BIGINT REFERENCES people (id),
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    cost_one_off BIGINT NOT NULL DEFAULT 0,
    cost_annual BIGINT NOT NULL DEFAULT 0,
    effect_on TEXT NOT NULL,
    expected_reduction BIGINT NOT NULL CHECK (expected_reduction BETWEEN 1 AND 4),
    created_by BIGINT REFERENCES people (id),
    created_at_ms BIGINT NOT NULL,
    updated_by BIGINT REFERENCES people (id),
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX risk_actions_assessment ON risk_actions (assessment_id);
CREATE INDEX risk_actions_due ON risk_actions (owner_party_id, status, due_on);
