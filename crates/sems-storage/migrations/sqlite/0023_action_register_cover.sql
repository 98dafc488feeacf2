-- The action register by due date holds, beside its keys, what the access rule reads of each
-- action (source, owner, marking), so that the rows of one due date are tested in the index
-- alone: thousands of actions nationally fall due on the same day, and reading each from the
-- table to keep one organisation's took 14 ms a page on PostgreSQL (sems bench national).
DROP INDEX actions_by_due;
CREATE INDEX actions_by_due ON actions (due_on, id, source_kind, owner_party_id, classification, need_to_know, source_id);
