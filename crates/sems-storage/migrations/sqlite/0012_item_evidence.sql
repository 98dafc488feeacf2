-- Oversight, part 6 (SQLite): evidence attached to checklist items (photos, documents). The
-- files live outside the database under their SHA-256, like report attachments.
CREATE TABLE item_evidence (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES oversight_activities (id),
    item_id BIGINT NOT NULL REFERENCES checklist_items (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_by BIGINT REFERENCES people (id),
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX item_evidence_activity ON item_evidence (activity_id, item_id);
