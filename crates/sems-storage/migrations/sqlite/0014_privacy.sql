-- Privacy of reporters and separation of duties (sqlite).
--
-- Every audit entry now says to whom it is served (its channel); the chain is unchanged, so
-- `sems audit verify` still checks every entry. Sign-in, sign-out, lockout, two-factor,
-- password and token events move to the security log; a confidential or anonymous filing and
-- every event that follows from it are served only as counts per day.
ALTER TABLE audit_entries ADD COLUMN channel TEXT NOT NULL DEFAULT 'trail';
-- The person a security event is about (their own log lists it).
ALTER TABLE audit_entries ADD COLUMN subject_person_id BIGINT;

UPDATE audit_entries SET channel = 'security'
WHERE action IN ('sign_in.failed', 'sign_in.locked', 'sign_in.succeeded',
                 'sign_in.two_factor_failed', 'sign_in.two_factor_succeeded', 'sign_out',
                 'person.password_changed', 'person.password_reset',
                 'person.two_factor_setup_started', 'person.two_factor_enabled',
                 'person.two_factor_disabled', 'api_token.create', 'api_token.revoke');
UPDATE audit_entries
SET subject_person_id = CASE WHEN record_kind = 'person' THEN record_id ELSE actor_person_id END
WHERE channel = 'security';

UPDATE audit_entries SET channel = 'protected_source'
WHERE (action LIKE 'security_report.%' OR action = 'occurrence.message')
  AND (CASE WHEN record_kind = 'security_report' THEN record_id ELSE CAST(json_extract(after_json, '$.report_id') AS BIGINT) END)
      IN (SELECT id FROM security_reports WHERE mode <> 'identified');

CREATE INDEX audit_entries_channel ON audit_entries (channel, owner_party_id, seq);
CREATE INDEX audit_entries_subject ON audit_entries (subject_person_id, seq);
CREATE INDEX audit_entries_channel_record ON audit_entries (channel, record_kind, record_id, seq);

-- Appointments to protected duties (the identity custodian): made and ended by the
-- accountable executive or the administrator, recorded and notified like a nomination.
CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    duty TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people (id),
    starts_at_ms BIGINT NOT NULL,
    ended_at_ms BIGINT,
    appointed_by BIGINT REFERENCES people (id),
    ended_by BIGINT REFERENCES people (id),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appointments_party ON appointments (owner_party_id, duty, ended_at_ms);
CREATE INDEX appointments_person ON appointments (person_id, ended_at_ms);

-- Whoever holds the custodian role today was appointed before appointments were recorded.
INSERT INTO appointments (owner_party_id, duty, person_id, starts_at_ms, note)
SELECT pe.owner_party_id, 'identity_custodian', pe.id, pe.created_at_ms, 'held before appointments were recorded'
FROM people pe JOIN person_roles pr ON pr.person_id = pe.id
WHERE pr.role = 'identity_custodian';
