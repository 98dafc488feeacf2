-- Need-to-know information sharing (module 7), its first tables: shared items (bulletins,
-- directives, circulars, lessons learned) with their classification, TLP label, dates and a
-- directive's deadlines; the threat scenarios an item concerns; each recipient organisation's
-- steps on a directive; the issuer's predefined distribution lists with their entries (each a
-- reason and an expiry); and the access log of every read of a marked item.
CREATE TABLE shared_items (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    tlp TEXT NOT NULL,
    classification BIGINT NOT NULL DEFAULT 0,
    need_to_know BIGINT NOT NULL DEFAULT 1,
    status TEXT NOT NULL,
    effective_on TEXT,
    acknowledge_by TEXT,
    implement_by TEXT,
    expires_on TEXT,
    -- Whether recipients see who else received it.
    recipients_visible BIGINT NOT NULL DEFAULT 0,
    -- Whom it is for (sems_domain::sharing::Audience as JSON), resolved to persons and groups
    -- when it is issued.
    audience TEXT NOT NULL DEFAULT '[]',
    supersedes_id BIGINT REFERENCES shared_items (id),
    approved_by BIGINT REFERENCES people (id),
    issued_at_ms BIGINT,
    created_by BIGINT REFERENCES people (id),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX shared_items_owner ON shared_items (owner_party_id, created_at_ms, id);
CREATE INDEX shared_items_issued ON shared_items (issued_at_ms, id);

CREATE TABLE shared_item_scenarios (
    item_id BIGINT NOT NULL REFERENCES shared_items (id),
    scenario_id BIGINT NOT NULL REFERENCES threat_scenarios (id),
    PRIMARY KEY (item_id, scenario_id)
);

CREATE TABLE directive_recipients (
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
    -- The late steps escalated (claimed once across nodes).
    acknowledgement_escalated BIGINT NOT NULL DEFAULT 0,
    implementation_escalated BIGINT NOT NULL DEFAULT 0,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (item_id, party_id)
);
CREATE INDEX directive_recipients_party ON directive_recipients (party_id, step, item_id);

CREATE TABLE distribution_lists (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    name TEXT NOT NULL,
    -- The highest classification (rank) its members may receive; none: no limit.
    highest_classification BIGINT,
    review_due_on TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX distribution_lists_name ON distribution_lists (owner_party_id, name);

CREATE TABLE distribution_list_entries (
    id INTEGER PRIMARY KEY,
    list_id BIGINT NOT NULL REFERENCES distribution_lists (id),
    -- party_kind, party, role, group or person; the columns that say which.
    audience TEXT NOT NULL,
    party_kind TEXT,
    party_id BIGINT REFERENCES parties (id),
    role TEXT,
    group_id BIGINT REFERENCES need_to_know_groups (id),
    person_id BIGINT REFERENCES people (id),
    reason TEXT NOT NULL,
    expires_on TEXT,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX distribution_list_entries_list ON distribution_list_entries (list_id, id);

CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    record_kind TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    party_id BIGINT NOT NULL REFERENCES parties (id),
    -- view, download, export or print.
    action TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX access_log_record ON access_log (record_kind, record_id, at_ms, id);
