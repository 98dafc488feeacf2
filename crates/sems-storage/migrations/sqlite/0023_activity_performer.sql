-- Who performed an oversight activity (sems_domain::oversight::Performer): EI and the
-- authority's proposals read the State's oversight apart from an organisation's own
-- self-evaluation and a client's audit of its contractor. Set at planning from then on; the
-- activities already planned are classified here by the same rule (the authority's, the
-- organisation's own, or another organisation's).
ALTER TABLE oversight_activities ADD COLUMN performer TEXT NOT NULL DEFAULT 'authority';
UPDATE oversight_activities SET performer = 'self_evaluation'
 WHERE owner_party_id = overseen_party_id
   AND owner_party_id NOT IN (SELECT id FROM parties WHERE kind = 'authority');
UPDATE oversight_activities SET performer = 'client'
 WHERE owner_party_id <> overseen_party_id
   AND owner_party_id NOT IN (SELECT id FROM parties WHERE kind = 'authority');
-- The authority's last activities of an organisation, and an organisation's EI by performer.
CREATE INDEX oversight_activities_by_performer ON oversight_activities (overseen_party_id, performer, status, completed_on);
