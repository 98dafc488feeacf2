-- Effective implementation kept as totals per organisation and performer, by year and by
-- requirement area (the dashboard's dimensions: `dimension` says which, `dimension_value` is the year or
-- the area's code), and by what the access rule reads of an activity: its owner, its marking
-- (classification, need-to-know) and its audience (the parties, groups and persons it is
-- distributed to, as one word). The activities of a row are alike to the rule, which reads the
-- row through one of them (representative_id). Filled in Rust when this migration is applied,
-- then kept in the transaction of every write that changes what it counts
-- (sems_storage::oversight::ei_totals).
CREATE TABLE ei_totals (
    overseen_party_id BIGINT NOT NULL REFERENCES parties (id),
    performer TEXT NOT NULL,
    dimension TEXT NOT NULL,
    dimension_value TEXT NOT NULL,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    classification BIGINT NOT NULL,
    need_to_know BIGINT NOT NULL,
    audience TEXT NOT NULL,
    representative_id BIGINT NOT NULL REFERENCES oversight_activities (id),
    compliant BIGINT NOT NULL,
    applicable BIGINT NOT NULL,
    items BIGINT NOT NULL,
    PRIMARY KEY (overseen_party_id, performer, dimension, dimension_value, owner_party_id, classification,
                 need_to_know, audience)
);

-- The authority's findings over every organisation, read by index rather than by reading
-- every finding: those overdue (awaiting the organisation past their date, the domain's
-- FindingStatus::AWAITING_ORGANISATION), and the open ones in the list's order (closed
-- findings pile up over the years; the open ones are few and recent).
CREATE INDEX findings_overdue ON findings (status, (COALESCE(cap_due_on, due_on)));
CREATE INDEX findings_open ON findings (level, due_on, id) WHERE status <> 'closed';

-- What is late to the authority, by index of only the rows with that deadline: a report
-- without one (not mandatory, or not forwarded) is never late for it, and leaving it out
-- keeps the planner from taking the index for a scan of every unforwarded report.
DROP INDEX security_reports_forward_late;
CREATE INDEX security_reports_forward_late ON security_reports (forward_due_at_ms, owner_party_id)
    WHERE forwarded_at_ms IS NULL AND forward_due_at_ms IS NOT NULL;
DROP INDEX security_reports_analysis_late;
CREATE INDEX security_reports_analysis_late ON security_reports (analysis_due_at_ms, id)
    WHERE analysis_sent_at_ms IS NULL AND final_sent_at_ms IS NULL AND analysis_due_at_ms IS NOT NULL;
DROP INDEX security_reports_final_late;
CREATE INDEX security_reports_final_late ON security_reports (final_due_at_ms, id)
    WHERE final_sent_at_ms IS NULL AND final_due_at_ms IS NOT NULL;

-- The national reporting statistics (forwarded occurrences of the last twelve months, per
-- month, category and mode, and their times to triage and to close) read from the index
-- alone, not from every row it finds.
CREATE INDEX security_reports_forwarded_facts ON security_reports
    (forwarded_at_ms, filed_at_ms, occurred_at, category_code, mode, triaged_at_ms, closed_at_ms)
    WHERE forwarded_at_ms IS NOT NULL;
