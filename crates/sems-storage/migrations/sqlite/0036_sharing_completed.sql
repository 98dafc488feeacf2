-- Need-to-know sharing, completed: every distribution records why, until when and by whom (any
-- record is distributed from its page the same way); a need-to-know group may carry the
-- highest classification its members receive; a person's first read of an item (the inbox's
-- unread); a bulletin's proposed national threat level and when the director applied it; the
-- closed report or finding a lesson learned was drawn from; a suspected unauthorised disclosure
-- reported by a recipient, with the action it opened; an id for each directive recipient line.
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

-- A directive's recipient lines get an id of their own, the last key of the tracker's order
-- (lists page by a unique last key); the pair stays unique.
CREATE TABLE directive_recipients_keyed (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES shared_items (id),
    party_id BIGINT NOT NULL REFERENCES parties (id),
    step TEXT NOT NULL,
    acknowledged_on TEXT,
    acknowledged_by BIGINT REFERENCES people (id),
    method TEXT NOT NULL DEFAULT '',
    alternative TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    evidence_sha256 TEXT,
    implemented_on TEXT,
    verified_on TEXT,
    acknowledgement_escalated BIGINT NOT NULL DEFAULT 0,
    implementation_escalated BIGINT NOT NULL DEFAULT 0,
    updated_at_ms BIGINT NOT NULL,
    UNIQUE (item_id, party_id)
);
INSERT INTO directive_recipients_keyed (item_id, party_id, step, acknowledged_on, acknowledged_by, method, alternative, decision_note, evidence_sha256, implemented_on, verified_on, acknowledgement_escalated, implementation_escalated, updated_at_ms)
    SELECT item_id, party_id, step, acknowledged_on, acknowledged_by, method, alternative, decision_note, evidence_sha256, implemented_on, verified_on, acknowledgement_escalated, implementation_escalated, updated_at_ms FROM directive_recipients ORDER BY item_id, party_id;
DROP TABLE directive_recipients;
ALTER TABLE directive_recipients_keyed RENAME TO directive_recipients;
CREATE INDEX directive_recipients_party ON directive_recipients (party_id, step, item_id);
CREATE INDEX directive_recipients_item ON directive_recipients (item_id, id);

-- The files an item carries (attached by its issuer before it is issued), by their SHA-256.
CREATE TABLE shared_item_files (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES shared_items (id),
    filename TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    added_by BIGINT REFERENCES people (id),
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX shared_item_files_item ON shared_item_files (item_id, id);
CREATE INDEX shared_item_files_sha256 ON shared_item_files (sha256);

-- A reader's distributions are sought by person, group and party at once; each index holds only
-- the rows naming one, so a column empty in most rows (a group) does not look unselective to
-- the planner, which then keeps seeking each way by its own index.
DROP INDEX distributions_person;
CREATE INDEX distributions_person ON distributions (person_id, record_kind) WHERE person_id IS NOT NULL;
DROP INDEX distributions_group;
CREATE INDEX distributions_group ON distributions (group_id, record_kind) WHERE group_id IS NOT NULL;
DROP INDEX distributions_party;
CREATE INDEX distributions_party ON distributions (party_id, record_kind) WHERE party_id IS NOT NULL;
