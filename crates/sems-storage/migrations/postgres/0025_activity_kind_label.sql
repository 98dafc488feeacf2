-- Kinds of activity are the oversight method's data now (sems_domain::oversight::method::
-- KindOfActivity): an activity keeps the label of its kind as planned, as a checklist item
-- keeps its requirement's title. The activities planned so far get the shipped labels.
ALTER TABLE oversight_activities ADD COLUMN kind_label TEXT NOT NULL DEFAULT '';
UPDATE oversight_activities SET kind_label = CASE kind
    WHEN 'audit_full' THEN 'Audit (full)'
    WHEN 'audit_partial' THEN 'Audit (partial)'
    WHEN 'inspection' THEN 'Inspection'
    WHEN 'test_overt' THEN 'Test (overt)'
    WHEN 'test_covert' THEN 'Test (covert)'
    WHEN 'trial' THEN 'Trial'
    WHEN 'survey' THEN 'Survey'
    ELSE kind END;
