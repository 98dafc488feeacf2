-- Oversight, part 2 (SQLite): activities (audits, inspections, tests, trials, surveys) by
-- the authority of organisations or by an organisation of itself, their checklists drawn
-- from the requirements in scope, findings and corrective action plans.
CREATE TABLE oversight_activities (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    overseen_party_id BIGINT NOT NULL REFERENCES parties (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    catalogue_party_id BIGINT NOT NULL REFERENCES parties (id),
    catalogue_version BIGINT NOT NULL,
    announced BIGINT NOT NULL DEFAULT 1,
    covert BIGINT NOT NULL DEFAULT 0,
    released BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    planned_on TEXT NOT NULL,
    started_on TEXT,
    completed_on TEXT,
    classification BIGINT NOT NULL DEFAULT 0,
    need_to_know BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES people (id),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX oversight_activities_overseen ON oversight_activities (overseen_party_id, planned_on);

CREATE TABLE activity_team (
    activity_id BIGINT NOT NULL REFERENCES oversight_activities (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    PRIMARY KEY (activity_id, person_id)
);

CREATE TABLE checklist_items (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES oversight_activities (id),
    position BIGINT NOT NULL,
    requirement_code TEXT NOT NULL,
    requirement_title TEXT NOT NULL,
    area_code TEXT NOT NULL,
    answer TEXT,
    notes TEXT NOT NULL DEFAULT '',
    test_passed BIGINT,
    test_method TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES people (id),
    answered_at_ms BIGINT
);
CREATE INDEX checklist_items_activity ON checklist_items (activity_id, position);

CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    raised_by_party_id BIGINT NOT NULL REFERENCES parties (id),
    activity_id BIGINT NOT NULL REFERENCES oversight_activities (id),
    item_id BIGINT REFERENCES checklist_items (id),
    requirement_code TEXT NOT NULL,
    level TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    due_on TEXT NOT NULL,
    root_cause TEXT NOT NULL DEFAULT '',
    cap_actions TEXT NOT NULL DEFAULT '',
    cap_owner_person_id BIGINT REFERENCES people (id),
    cap_due_on TEXT,
    compensatory_measures TEXT NOT NULL DEFAULT '',
    overseer_comment TEXT NOT NULL DEFAULT '',
    completion_evidence TEXT NOT NULL DEFAULT '',
    classification BIGINT NOT NULL DEFAULT 0,
    need_to_know BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX findings_owner ON findings (owner_party_id, status, due_on);
CREATE INDEX findings_activity ON findings (activity_id);

CREATE TABLE finding_history (
    id INTEGER PRIMARY KEY,
    finding_id BIGINT NOT NULL REFERENCES findings (id),
    status TEXT NOT NULL,
    by_person_id BIGINT REFERENCES people (id),
    note TEXT NOT NULL DEFAULT '',
    at_ms BIGINT NOT NULL
);
CREATE INDEX finding_history_finding ON finding_history (finding_id, id);
