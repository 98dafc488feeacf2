-- Need-to-know sharing, completed: every distribution records why, until when and by whom (any
-- record is distributed from its page the same way); a need-to-know group may carry the
-- highest classification its members receive; a person's first read of an item (the inbox's
-- unread); a bulletin's proposed national threat level and when the director applied it; the
-- closed report or finding a lesson learned was drawn from; a suspected unauthorised disclosure
-- reported by a recipient, with the action it opened.
ALTER TABLE distributions ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE distributions ADD COLUMN expires_on TEXT;
ALTER TABLE distributions ADD COLUMN distributed_by BIGINT REFERENCES people (id);

ALTER TABLE need_to_know_groups ADD COLUMN highest_classification BIGINT;

ALTER TABLE shared_items ADD COLUMN threat_category TEXT;
ALTER TABLE shared_items ADD COLUMN proposed_level BIGINT;
ALTER TABLE shared_items ADD COLUMN proposal_applied_at_ms BIGINT;
ALTER TABLE shared_items ADD COLUMN lesson_source_kind TEXT;
ALTER TABLE shared_items ADD COLUMN lesson_source_id BIGINT;
CREATE INDEX shared_items_status ON shared_items (kind, status, id);

CREATE TABLE shared_item_reads (
    person_id BIGINT NOT NULL REFERENCES people (id),
    item_id BIGINT NOT NULL REFERENCES shared_items (id),
    first_read_at_ms BIGINT NOT NULL,
    PRIMARY KEY (person_id, item_id)
);

CREATE TABLE disclosure_reports (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES shared_items (id),
    reported_by BIGINT NOT NULL REFERENCES people (id),
    description TEXT NOT NULL,
    action_id BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX disclosure_reports_item ON disclosure_reports (item_id, id);
