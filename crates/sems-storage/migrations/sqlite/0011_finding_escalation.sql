-- Oversight, part 5 (SQLite): when an overdue finding was escalated to the organisation's
-- accountable executive and to the overseer (once per finding).
ALTER TABLE findings ADD COLUMN escalated_on TEXT;
