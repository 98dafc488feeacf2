-- An approved disclosure opens the identity once, within a time the custodian sees.
ALTER TABLE identity_requests ADD COLUMN valid_until_ms BIGINT;
ALTER TABLE identity_requests ADD COLUMN used_at_ms BIGINT;
-- Approvals given before: usable once more, for the default 24 hours from now on.
UPDATE identity_requests SET valid_until_ms = decided_at_ms + 86400000 WHERE decision = 'approved';
