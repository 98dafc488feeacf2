-- Training and vetting (module 6), its first tables: the national training programme's
-- versions (sems_domain::training::programme::TrainingProgramme as JSON), the personnel
-- register (most trained people have no sems account: a record per person, optionally linked
-- to one), each person's functions, training records and background checks (that a check was
-- done and its validity, never its content).
CREATE TABLE training_programmes (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    version BIGINT NOT NULL UNIQUE,
    document TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    published_by BIGINT REFERENCES people (id),
    published_at_ms BIGINT NOT NULL
);

CREATE TABLE personnel (
    id INTEGER PRIMARY KEY,
    -- The employer: the organisation or its contractor.
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    site_id BIGINT REFERENCES sites (id),
    employee_number TEXT NOT NULL,
    full_name TEXT NOT NULL,
    -- The sems account of the person, when they have one.
    person_id BIGINT REFERENCES people (id),
    started_on TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX personnel_employee_number ON personnel (owner_party_id, employee_number);
CREATE INDEX personnel_order ON personnel (owner_party_id, full_name, id);
CREATE INDEX personnel_person ON personnel (person_id);

CREATE TABLE personnel_functions (
    personnel_id BIGINT NOT NULL REFERENCES personnel (id),
    function TEXT NOT NULL,
    since TEXT NOT NULL,
    -- The last day the person exercised it, when they stopped (a refresher before returning
    -- after more than the programme's months away).
    last_exercised_on TEXT,
    PRIMARY KEY (personnel_id, function)
);
CREATE INDEX personnel_functions_function ON personnel_functions (function, personnel_id);

CREATE TABLE training_records (
    id INTEGER PRIMARY KEY,
    personnel_id BIGINT NOT NULL REFERENCES personnel (id),
    -- The employer and the linked account, copied so the access rule reads the record as
    -- its person's.
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    person_id BIGINT REFERENCES people (id),
    course_code TEXT NOT NULL,
    completed_on TEXT NOT NULL,
    hours DOUBLE PRECISION NOT NULL,
    passed BIGINT NOT NULL,
    score DOUBLE PRECISION,
    instructor_personnel_id BIGINT REFERENCES personnel (id),
    provider TEXT NOT NULL DEFAULT '',
    evidence_sha256 TEXT,
    programme_version BIGINT NOT NULL,
    recorded_by BIGINT REFERENCES people (id),
    recorded_at_ms BIGINT NOT NULL
);
CREATE INDEX training_records_personnel ON training_records (personnel_id, course_code, completed_on);
CREATE INDEX training_records_owner ON training_records (owner_party_id, completed_on, id);

CREATE TABLE background_checks (
    id INTEGER PRIMARY KEY,
    personnel_id BIGINT NOT NULL REFERENCES personnel (id),
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    person_id BIGINT REFERENCES people (id),
    level TEXT NOT NULL,
    completed_on TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    outcome TEXT NOT NULL,
    recorded_by BIGINT REFERENCES people (id),
    recorded_at_ms BIGINT NOT NULL
);
CREATE INDEX background_checks_personnel ON background_checks (personnel_id, valid_until);
CREATE INDEX background_checks_owner ON background_checks (owner_party_id, valid_until, id);
