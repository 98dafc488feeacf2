-- The risk register and the action register in their list orders, ending in the id as their
-- cursors do (sems_storage::risk::assessments, sems_storage::actions), so that a page of a
-- national register of millions is an index range rather than a sort of every row. (An
-- order all descending reads its index backwards.)
CREATE INDEX risk_assessments_by_residual ON risk_assessments (residual_score, id);
CREATE INDEX risk_assessments_by_inherent ON risk_assessments (inherent_score, id);
CREATE INDEX risk_assessments_by_review ON risk_assessments (review_required DESC, next_review_on, id);
CREATE INDEX risk_assessments_by_updated ON risk_assessments (updated_at_ms, id);
-- The register by scenario walks the scenarios by code, each one's assessments by index.
CREATE INDEX threat_scenarios_by_code ON threat_scenarios (code, id);
-- The action register by due date also holds what the access rule reads of each action
-- (source, owner, marking), so the actions of one due date are tested in the index alone:
-- thousands fall due on the same day nationally, and reading each from the table to keep one
-- organisation's cost 14 ms a page on PostgreSQL (sems bench national).
CREATE INDEX actions_by_due ON actions (due_on, id, source_kind, owner_party_id, classification, need_to_know, source_id);
