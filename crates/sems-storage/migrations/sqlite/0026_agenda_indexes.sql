-- What awaits a person on the home page (sems_services::agenda): the activities whose team
-- they are on, and the findings their party raised in a status that awaits its decision.
CREATE INDEX activity_team_person ON activity_team (person_id, activity_id);
CREATE INDEX findings_raised_by ON findings (raised_by_party_id, status, due_on);
