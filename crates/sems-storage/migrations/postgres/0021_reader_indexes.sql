-- The ways a reader reaches records by name are answered by index (access_filter: `id IN
-- (… UNION …)`): the findings an organisation raised on its contractors, and the records
-- distributed to a person, a group or a party.
CREATE INDEX findings_raiser ON findings (raised_by_party_id);
CREATE INDEX distributions_person ON distributions (person_id, record_kind);
CREATE INDEX distributions_group ON distributions (group_id, record_kind);
CREATE INDEX distributions_party ON distributions (party_id, record_kind);
