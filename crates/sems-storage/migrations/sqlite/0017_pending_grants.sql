-- Authority roles and clearances above the lowest wait for a director of the authority to
-- confirm them (maker and checker); the rest of a change applies at once. A grant is never
-- deleted: confirming, refusing or replacing it keeps who did it.
CREATE TABLE pending_grants (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    roles TEXT NOT NULL DEFAULT '',
    clearance BIGINT,
    requested_by BIGINT NOT NULL REFERENCES people (id),
    requested_at_ms BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    decided_by BIGINT REFERENCES people (id),
    decided_at_ms BIGINT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pending_grants_status ON pending_grants (status, owner_party_id, id);
CREATE INDEX pending_grants_person ON pending_grants (person_id, status);
