-- Training currency computed ahead (module 6): each person's standing with every requirement
-- of their functions (sems_domain::training::assess), with the day it next changes so the
-- background job computes again only what the calendar changed; the lapse a withdrawal task
-- was opened for and the due day a notice was sent for, each claimed once across nodes;
-- per organisation, function and requirement, how many people stand where (the compliance
-- views sum these rather than every standing); the dates the training-and-vetting gate
-- reads for each account; organisations' additions to the national programme.
CREATE TABLE training_additions (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    version BIGINT NOT NULL,
    document TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    published_by BIGINT REFERENCES people (id),
    published_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX training_additions_version ON training_additions (owner_party_id, version);

CREATE TABLE training_standings (
    id INTEGER PRIMARY KEY,
    personnel_id BIGINT NOT NULL REFERENCES personnel (id),
    function TEXT NOT NULL,
    kind TEXT NOT NULL,
    course TEXT NOT NULL,
    -- The person's employer, site and account, copied so lists filter by index and the
    -- access rule reads a standing as its person's record.
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    site_id BIGINT REFERENCES sites (id),
    person_id BIGINT REFERENCES people (id),
    currency TEXT NOT NULL,
    -- 0 current, 1 due soon, 2 in grace, 3 overdue, 4 lapsed (Currency::severity).
    severity BIGINT NOT NULL,
    due_on TEXT,
    lapses_on TEXT,
    -- The due day, or '' when never done: the due lists' order, most urgent first.
    due_key TEXT NOT NULL,
    changes_on TEXT,
    detail TEXT NOT NULL,
    withdrawal_for TEXT,
    withdrawal_action_id BIGINT REFERENCES actions (id),
    notice_for TEXT,
    computed_on TEXT NOT NULL
);
CREATE UNIQUE INDEX training_standings_requirement ON training_standings (personnel_id, function, kind, course);
CREATE INDEX training_standings_due ON training_standings (owner_party_id, due_key, id);
CREATE INDEX training_standings_due_all ON training_standings (due_key, id);
CREATE INDEX training_standings_changes ON training_standings (changes_on);

CREATE TABLE training_compliance (
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    -- '' counts each person once, at their worst across functions.
    function TEXT NOT NULL,
    kind TEXT NOT NULL,
    currency TEXT NOT NULL,
    personnel BIGINT NOT NULL,
    PRIMARY KEY (owner_party_id, function, kind, currency)
);
CREATE INDEX training_compliance_function ON training_compliance (function, owner_party_id);

CREATE TABLE access_gates (
    person_id BIGINT PRIMARY KEY REFERENCES people (id),
    from_classification BIGINT NOT NULL,
    check_required BIGINT NOT NULL,
    awareness_until TEXT,
    check_until TEXT,
    computed_at_ms BIGINT NOT NULL
);

-- The programme version (and the organisation's additions version) each organisation's
-- standings were last computed under: after a new national version the job computes again
-- the organisations still under an older one.
CREATE TABLE training_applied (
    owner_party_id BIGINT PRIMARY KEY REFERENCES parties (id),
    programme_version BIGINT NOT NULL,
    computed_at_ms BIGINT NOT NULL
);
