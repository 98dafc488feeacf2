-- Indexes in the order the report lists read, ending in the id as their cursors do, so that
-- a page deep in a list of millions is an index seek.
CREATE INDEX security_reports_owner_filed ON security_reports (owner_party_id, filed_at_ms, id);
CREATE INDEX security_reports_forwarded_id ON security_reports (forwarded_at_ms, id);
-- The index on the forwarding time alone is the first column of the one above.
DROP INDEX security_reports_forwarded;
