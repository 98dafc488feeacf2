-- Platform foundation: parties, people, access, sessions, audit trail (SQLite).
CREATE TABLE classification_levels (
    rank BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
INSERT INTO classification_levels (rank, name) VALUES
    (0, 'OFFICIAL'), (1, 'RESTRICTED'), (2, 'CONFIDENTIAL'), (3, 'SECRET');

CREATE TABLE parties (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    active BIGINT NOT NULL DEFAULT 1,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX parties_one_authority ON parties (kind) WHERE kind = 'authority';
CREATE INDEX parties_name ON parties (name);

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    name TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    active BIGINT NOT NULL DEFAULT 1,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    UNIQUE (owner_party_id, name)
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    clearance BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    totp_secret TEXT,
    totp_enabled BIGINT NOT NULL DEFAULT 0,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX people_party ON people (owner_party_id, display_name);

CREATE TABLE person_roles (
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (person_id, role)
);
CREATE INDEX person_roles_role ON person_roles (role);

CREATE TABLE nominations (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    position TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people (id),
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES people (id),
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX nominations_party ON nominations (owner_party_id, position, starts_on);

CREATE TABLE oversight_assignments (
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    party_id BIGINT NOT NULL REFERENCES parties (id),
    PRIMARY KEY (person_id, party_id)
);

CREATE TABLE need_to_know_groups (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at_ms BIGINT NOT NULL,
    UNIQUE (owner_party_id, name)
);

CREATE TABLE group_members (
    group_id BIGINT NOT NULL REFERENCES need_to_know_groups (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, person_id)
);
CREATE INDEX group_members_person ON group_members (person_id);

CREATE TABLE distributions (
    id INTEGER PRIMARY KEY,
    record_kind TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    party_id BIGINT REFERENCES parties (id),
    group_id BIGINT REFERENCES need_to_know_groups (id),
    person_id BIGINT REFERENCES people (id),
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX distributions_record ON distributions (record_kind, record_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    mfa_pending BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE sign_in_throttle (
    username TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    first_failure_ms BIGINT NOT NULL,
    locked_until_ms BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    read_only BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT,
    last_used_ms BIGINT,
    revoked_at_ms BIGINT
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    message TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    created_at_ms BIGINT NOT NULL,
    read_at_ms BIGINT
);
CREATE INDEX notifications_person ON notifications (person_id, read_at_ms);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_entries (
    seq BIGINT PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    actor_person_id BIGINT,
    actor_party_id BIGINT,
    owner_party_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id BIGINT,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entries_owner ON audit_entries (owner_party_id, seq);
CREATE INDEX audit_entries_record ON audit_entries (record_kind, record_id);
CREATE INDEX audit_entries_actor ON audit_entries (actor_person_id, seq);
