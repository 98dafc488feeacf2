-- Oversight, part 4 (PostgreSQL): the results of a completed activity per requirement area,
-- written once at completion, so effective implementation over millions of checklist items
-- sums thousands of rows instead of counting millions.
CREATE TABLE activity_results (
    activity_id BIGINT NOT NULL REFERENCES oversight_activities (id),
    area_code TEXT NOT NULL,
    compliant BIGINT NOT NULL,
    applicable BIGINT NOT NULL,
    items BIGINT NOT NULL,
    PRIMARY KEY (activity_id, area_code)
);
CREATE INDEX findings_order ON findings (level, due_on, id);
