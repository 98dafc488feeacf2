-- Confidential security reporting (SQLite): the authority's taxonomy, reports with their
-- attachments, messages with the reporter, identity disclosure requests, corrective actions
-- opened at closure. A confidential reporter's identity is only ever stored encrypted; an
-- anonymous report stores none at all.
CREATE TABLE report_categories (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    position BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE security_reports (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    site_id BIGINT REFERENCES sites (id),
    category_code TEXT NOT NULL REFERENCES report_categories (code),
    occurred_at TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    what_happened TEXT NOT NULL,
    reporter_thinks_mandatory BIGINT NOT NULL DEFAULT 0,
    mode TEXT NOT NULL,
    reporter_person_id BIGINT REFERENCES people (id),
    reporter_identity_sealed TEXT,
    receipt_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    severity TEXT,
    mandatory BIGINT,
    triage_note TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    lessons TEXT NOT NULL DEFAULT '',
    just_culture TEXT,
    deidentified_text TEXT NOT NULL DEFAULT '',
    filed_at_ms BIGINT NOT NULL,
    triaged_at_ms BIGINT,
    investigation_at_ms BIGINT,
    closed_at_ms BIGINT,
    forward_due_at_ms BIGINT,
    forwarded_at_ms BIGINT,
    classification BIGINT NOT NULL DEFAULT 0,
    need_to_know BIGINT NOT NULL DEFAULT 0,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX security_reports_owner ON security_reports (owner_party_id, status, filed_at_ms);
CREATE INDEX security_reports_forwarded ON security_reports (forwarded_at_ms);

CREATE TABLE report_scenarios (
    report_id BIGINT NOT NULL REFERENCES security_reports (id),
    scenario_id BIGINT NOT NULL REFERENCES threat_scenarios (id),
    PRIMARY KEY (report_id, scenario_id)
);

CREATE TABLE report_attachments (
    id INTEGER PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES security_reports (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX report_attachments_report ON report_attachments (report_id);

CREATE TABLE report_messages (
    id INTEGER PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES security_reports (id),
    side TEXT NOT NULL,
    author_person_id BIGINT REFERENCES people (id),
    body TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX report_messages_report ON report_messages (report_id, id);

CREATE TABLE identity_requests (
    id INTEGER PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES security_reports (id),
    requested_by BIGINT NOT NULL REFERENCES people (id),
    reason TEXT NOT NULL,
    requested_at_ms BIGINT NOT NULL,
    decision TEXT NOT NULL,
    decided_by BIGINT REFERENCES people (id),
    decision_note TEXT NOT NULL DEFAULT '',
    decided_at_ms BIGINT
);
CREATE INDEX identity_requests_report ON identity_requests (report_id, id);

CREATE TABLE report_actions (
    id INTEGER PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES security_reports (id),
    title TEXT NOT NULL,
    responsible_person_id BIGINT REFERENCES people (id),
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX report_actions_report ON report_actions (report_id);
