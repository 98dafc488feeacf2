-- Threat and risk management, part 3: acceptance of residual risk by the accountable
-- executive, with an expiry (SQLite).
CREATE TABLE risk_acceptances (
    id INTEGER PRIMARY KEY,
    assessment_id BIGINT NOT NULL REFERENCES risk_assessments (id),
    accepted_by BIGINT NOT NULL REFERENCES people (id),
    accepted_at_ms BIGINT NOT NULL,
    expires_on TEXT NOT NULL,
    method_version BIGINT NOT NULL,
    residual_score BIGINT NOT NULL,
    residual_level TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX risk_acceptances_assessment ON risk_acceptances (assessment_id, id);
