-- Every audit entry carries the marking of the record it describes (its kind for the access
-- rule, the record whose distribution decides, the person it is about, classification,
-- need-to-know, published), so the trail serves an entry only to a reader of the trail who
-- may also read that record. Like the channel, these columns are not hashed: the chain is
-- unchanged and `sems audit verify` still checks every entry. They follow the record: a
-- change of its marking (a covert test released) updates them on its earlier entries.
ALTER TABLE audit_entries ADD COLUMN access_kind TEXT NOT NULL DEFAULT 'audit_entry';
ALTER TABLE audit_entries ADD COLUMN access_record_id BIGINT;
ALTER TABLE audit_entries ADD COLUMN access_person_id BIGINT;
ALTER TABLE audit_entries ADD COLUMN classification BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_entries ADD COLUMN need_to_know BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_entries ADD COLUMN published BIGINT NOT NULL DEFAULT 0;

-- The security log: each event is about one person.
UPDATE audit_entries SET access_kind = 'security_event', access_person_id = subject_person_id
 WHERE channel = 'security';

-- Records of the platform: never marked.
UPDATE audit_entries SET access_kind = record_kind, access_record_id = record_id
 WHERE channel <> 'security'
   AND record_kind IN ('party', 'site', 'nomination', 'need_to_know_group', 'appointment');
UPDATE audit_entries SET access_kind = 'person', access_record_id = record_id, access_person_id = record_id
 WHERE channel <> 'security' AND record_kind = 'person';

-- The authority's published method and threat levels.
UPDATE audit_entries SET access_kind = record_kind, published = 1
 WHERE record_kind IN ('risk_method', 'threat_level');

-- Marked records: the marking they have now (none when the record is gone).
UPDATE audit_entries SET access_kind = 'threat_scenario', access_record_id = record_id,
       classification = COALESCE((SELECT t.classification FROM threat_scenarios t WHERE t.id = audit_entries.record_id), 0),
       need_to_know = COALESCE((SELECT t.need_to_know FROM threat_scenarios t WHERE t.id = audit_entries.record_id), 0),
       published = COALESCE((SELECT t.published FROM threat_scenarios t WHERE t.id = audit_entries.record_id), 0)
 WHERE record_kind = 'threat_scenario';
UPDATE audit_entries SET access_kind = 'risk_assessment', access_record_id = record_id
 WHERE record_kind = 'risk_assessment';
UPDATE audit_entries SET access_kind = 'risk_assessment',
       access_record_id = (SELECT ra.assessment_id FROM risk_actions ra WHERE ra.id = audit_entries.record_id)
 WHERE record_kind = 'risk_action';
UPDATE audit_entries SET
       classification = COALESCE((SELECT t.classification FROM risk_assessments t WHERE t.id = audit_entries.access_record_id), 0),
       need_to_know = COALESCE((SELECT t.need_to_know FROM risk_assessments t WHERE t.id = audit_entries.access_record_id), 0)
 WHERE access_kind = 'risk_assessment';
-- A measure of the catalogue (its owner's entries); an organisation's implementation of a
-- measure is its own, unmarked record.
UPDATE audit_entries SET access_kind = 'security_measure',
       access_record_id = CASE WHEN action LIKE 'security_measure.implementation%' OR action LIKE 'security_measure.exemption%'
                               THEN NULL ELSE record_id END
 WHERE record_kind = 'security_measure';
UPDATE audit_entries SET
       classification = COALESCE((SELECT t.classification FROM security_measures t WHERE t.id = audit_entries.access_record_id), 0),
       need_to_know = COALESCE((SELECT t.need_to_know FROM security_measures t WHERE t.id = audit_entries.access_record_id), 0),
       published = COALESCE((SELECT t.published FROM security_measures t WHERE t.id = audit_entries.access_record_id), 0)
 WHERE access_kind = 'security_measure' AND access_record_id IS NOT NULL;
UPDATE audit_entries SET access_kind = 'risk_evidence', access_record_id = record_id,
       classification = COALESCE((SELECT t.classification FROM risk_evidence t WHERE t.id = audit_entries.record_id), 0),
       need_to_know = COALESCE((SELECT t.need_to_know FROM risk_evidence t WHERE t.id = audit_entries.record_id), 0)
 WHERE record_kind = 'risk_evidence';
-- Reports: what was forwarded and said about it is the occurrence's; everything else, and
-- identity requests, the report's.
UPDATE audit_entries SET access_kind = 'security_report', access_record_id = record_id
 WHERE record_kind = 'security_report';
UPDATE audit_entries SET access_kind = 'security_report',
       access_record_id = (SELECT ir.report_id FROM identity_requests ir WHERE ir.id = audit_entries.record_id)
 WHERE record_kind = 'identity_request';
UPDATE audit_entries SET access_kind = 'occurrence'
 WHERE access_kind = 'security_report' AND action IN ('security_report.forward', 'occurrence.message');
UPDATE audit_entries SET
       classification = COALESCE((SELECT t.classification FROM security_reports t WHERE t.id = audit_entries.access_record_id), 0),
       need_to_know = COALESCE((SELECT t.need_to_know FROM security_reports t WHERE t.id = audit_entries.access_record_id), 0)
 WHERE access_kind = 'security_report';
-- Catalogues of requirements: the authority's national programme is published.
UPDATE audit_entries SET access_kind = 'requirement',
       published = CASE WHEN owner_party_id IN (SELECT id FROM parties WHERE kind = 'authority') THEN 1 ELSE 0 END
 WHERE record_kind = 'requirement_catalogue';
UPDATE audit_entries SET access_kind = 'oversight_activity', access_record_id = record_id,
       classification = COALESCE((SELECT t.classification FROM oversight_activities t WHERE t.id = audit_entries.record_id), 0),
       need_to_know = COALESCE((SELECT t.need_to_know FROM oversight_activities t WHERE t.id = audit_entries.record_id), 0)
 WHERE record_kind = 'oversight_activity';
UPDATE audit_entries SET access_kind = 'finding', access_record_id = record_id,
       classification = COALESCE((SELECT t.classification FROM findings t WHERE t.id = audit_entries.record_id), 0),
       need_to_know = COALESCE((SELECT t.need_to_know FROM findings t WHERE t.id = audit_entries.record_id), 0)
 WHERE record_kind = 'finding';

CREATE INDEX audit_entries_access_record ON audit_entries (access_kind, access_record_id);
