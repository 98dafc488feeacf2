-- Oversight, part 3 (SQLite): issued activity reports. A report is a snapshot and is never
-- updated: a correction is issued as the next version.
CREATE TABLE activity_reports (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES oversight_activities (id),
    version BIGINT NOT NULL,
    summary TEXT NOT NULL,
    content_json TEXT NOT NULL,
    issued_by BIGINT REFERENCES people (id),
    issued_at_ms BIGINT NOT NULL,
    UNIQUE (activity_id, version)
);
