-- The reporting rules as the authority's versioned data (sems_domain::report::rules): the
-- taxonomy, the deadlines per category and the just-culture decisions. report_categories
-- stays the projection of the categories that reports reference.
CREATE TABLE reporting_rules (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    version BIGINT NOT NULL UNIQUE,
    document TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    published_by BIGINT REFERENCES people (id),
    published_at_ms BIGINT NOT NULL
);

-- A report keeps the deadlines it was given when filed, triaged and forwarded; a forwarded
-- occurrence gets the organisation's analysis and final result as de-identified updates.
ALTER TABLE security_reports ADD COLUMN rules_version BIGINT;
ALTER TABLE security_reports ADD COLUMN triage_due_at_ms BIGINT;
ALTER TABLE security_reports ADD COLUMN closure_due_at_ms BIGINT;
ALTER TABLE security_reports ADD COLUMN analysis_due_at_ms BIGINT;
ALTER TABLE security_reports ADD COLUMN analysis_text TEXT NOT NULL DEFAULT '';
ALTER TABLE security_reports ADD COLUMN analysis_sent_at_ms BIGINT;
ALTER TABLE security_reports ADD COLUMN final_due_at_ms BIGINT;
ALTER TABLE security_reports ADD COLUMN final_outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE security_reports ADD COLUMN final_lessons TEXT NOT NULL DEFAULT '';
ALTER TABLE security_reports ADD COLUMN final_actions TEXT NOT NULL DEFAULT '';
ALTER TABLE security_reports ADD COLUMN final_just_culture TEXT;
ALTER TABLE security_reports ADD COLUMN final_sent_at_ms BIGINT;

-- What the authority sees late: mandatory reports not yet forwarded (counted per
-- organisation, never read), and analyses and final results not yet sent, by deadline.
CREATE INDEX security_reports_forward_late ON security_reports (forward_due_at_ms, owner_party_id)
    WHERE forwarded_at_ms IS NULL;
CREATE INDEX security_reports_analysis_late ON security_reports (analysis_due_at_ms, id)
    WHERE analysis_sent_at_ms IS NULL AND final_sent_at_ms IS NULL;
CREATE INDEX security_reports_final_late ON security_reports (final_due_at_ms, id)
    WHERE final_sent_at_ms IS NULL;
