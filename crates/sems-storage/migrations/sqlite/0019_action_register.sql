-- One corrective-action register for every module: an action comes from a record (its source,
-- by kind and id: a risk assessment, a security report, a finding; later modules add theirs),
-- carries the source's owner and marking (the access rule reads it as the source), and links
-- to the risk assessments it affects with its expected effect on each. The mitigation actions
-- of risk assessments and the corrective actions of closed reports move here, with their ids
-- for the former (the audit trail names them).
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    source_kind TEXT NOT NULL,
    source_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    responsible_person_id BIGINT REFERENCES people (id),
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    cost_one_off BIGINT NOT NULL DEFAULT 0,
    cost_annual BIGINT NOT NULL DEFAULT 0,
    completed_on TEXT,
    completion_evidence TEXT NOT NULL DEFAULT '',
    effectiveness TEXT NOT NULL DEFAULT 'not_checked',
    effectiveness_note TEXT NOT NULL DEFAULT '',
    effectiveness_checked_by BIGINT REFERENCES people (id),
    effectiveness_checked_at_ms BIGINT,
    escalated_on TEXT,
    classification BIGINT NOT NULL DEFAULT 0,
    need_to_know BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES people (id),
    created_at_ms BIGINT NOT NULL,
    updated_by BIGINT REFERENCES people (id),
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX actions_source ON actions (source_kind, source_id);
CREATE INDEX actions_owner_due ON actions (owner_party_id, status, due_on, id);
CREATE INDEX actions_due ON actions (status, due_on, id);

CREATE TABLE action_assessments (
    action_id BIGINT NOT NULL REFERENCES actions (id),
    assessment_id BIGINT NOT NULL REFERENCES risk_assessments (id),
    effect_on TEXT NOT NULL,
    expected_reduction BIGINT NOT NULL CHECK (expected_reduction BETWEEN 1 AND 4),
    PRIMARY KEY (action_id, assessment_id)
);
CREATE INDEX action_assessments_assessment ON action_assessments (assessment_id);

INSERT INTO actions (id, owner_party_id, source_kind, source_id, title, responsible_person_id, due_on,
        status, cost_one_off, cost_annual, completed_on, classification, need_to_know, created_by,
        created_at_ms, updated_by, updated_at_ms)
SELECT ra.id, ra.owner_party_id, 'risk_assessment', ra.assessment_id, ra.title, ra.responsible_person_id,
       ra.due_on, ra.status, ra.cost_one_off, ra.cost_annual, NULL, a.classification, a.need_to_know,
       ra.created_by, ra.created_at_ms, ra.updated_by, ra.updated_at_ms
FROM risk_actions ra JOIN risk_assessments a ON a.id = ra.assessment_id;
INSERT INTO action_assessments (action_id, assessment_id, effect_on, expected_reduction)
SELECT id, assessment_id, effect_on, expected_reduction FROM risk_actions;
DROP TABLE risk_actions;
INSERT INTO actions (owner_party_id, source_kind, source_id, title, responsible_person_id, due_on, status,
        classification, need_to_know, created_at_ms, updated_at_ms)
SELECT r.owner_party_id, 'security_report', ra.report_id, ra.title, ra.responsible_person_id, ra.due_on,
       CASE ra.status WHEN 'open' THEN 'planned' ELSE ra.status END, r.classification, r.need_to_know,
       ra.created_at_ms, ra.created_at_ms
FROM report_actions ra JOIN security_reports r ON r.id = ra.report_id;
DROP TABLE report_actions;
