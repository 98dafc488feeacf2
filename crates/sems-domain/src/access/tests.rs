//! The access table and decision, case by case.

use super::*;

const AUTHORITY: i64 = 1;
const AIRPORT: i64 = 2;
const CARRIER: i64 = 3;

fn subject(party: i64, roles: &[Role]) -> Subject {
    Subject {
        person_id: 100 + party,
        party_id: party,
        party_is_authority: party == AUTHORITY,
        roles: roles.to_vec(),
        clearance: 1,
        groups: vec![],
        oversees: vec![],
        read_only: false,
        gate: None,
    }
}

fn record(kind: RecordKind, owner: i64) -> RecordMeta {
    RecordMeta::plain(kind, owner, owner == AUTHORITY)
}

#[test]
fn deny_by_default_without_roles() {
    let s = subject(AIRPORT, &[]);
    for action in Action::ALL {
        assert_eq!(
            decide(&s, action, &record(RecordKind::Site, AIRPORT)),
            Err(Denial::NotPermitted)
        );
    }
}

#[test]
fn another_organisation_is_out_of_reach() {
    let sm = subject(AIRPORT, &[Role::SecurityManager]);
    assert!(decide(&sm, Action::Read, &record(RecordKind::Site, AIRPORT)).is_ok());
    assert!(decide(&sm, Action::Read, &record(RecordKind::Site, CARRIER)).is_err());
    assert!(decide(&sm, Action::Read, &record(RecordKind::Nomination, CARRIER)).is_err());
}

#[test]
fn authority_sees_every_nomination_but_cannot_change_it() {
    let inspector = subject(AUTHORITY, &[Role::Inspector]);
    let n = record(RecordKind::Nomination, CARRIER);
    assert!(decide(&inspector, Action::Read, &n).is_ok());
    assert!(decide(&inspector, Action::Update, &n).is_err());
}

#[test]
fn the_security_manager_reads_their_organisations_audit_trail_only() {
    let manager = subject(AIRPORT, &[Role::SecurityManager]);
    assert!(decide(
        &manager,
        Action::Read,
        &record(RecordKind::AuditEntry, AIRPORT)
    )
    .is_ok());
    assert!(decide(
        &manager,
        Action::Read,
        &record(RecordKind::AuditEntry, CARRIER)
    )
    .is_err());
    let staff = subject(AIRPORT, &[Role::Staff]);
    assert!(decide(
        &staff,
        Action::Read,
        &record(RecordKind::AuditEntry, AIRPORT)
    )
    .is_err());
}

#[test]
fn inspector_reads_the_audit_trail_only_of_organisations_they_oversee() {
    let mut inspector = subject(AUTHORITY, &[Role::Inspector]);
    let entry = record(RecordKind::AuditEntry, AIRPORT);
    assert!(decide(&inspector, Action::Read, &entry).is_err());
    inspector.oversees = vec![AIRPORT];
    assert!(decide(&inspector, Action::Read, &entry).is_ok());
    let director = subject(AUTHORITY, &[Role::Director]);
    assert!(decide(&director, Action::Read, &entry).is_ok());
}

#[test]
fn an_audit_entry_is_read_only_by_who_may_read_the_record_it_describes() {
    let auditor = subject(AIRPORT, &[Role::QualityAuditor]);
    let mut finding = record(RecordKind::Finding, AIRPORT);
    assert!(decide_audit_entry(&auditor, &finding).is_ok());
    // A covert test's finding, need-to-know to the test team until released.
    finding.need_to_know = true;
    assert_eq!(
        decide_audit_entry(&auditor, &finding),
        Err(Denial::NeedToKnow)
    );
    finding.need_to_know = false;
    finding.classification = 2;
    assert_eq!(
        decide_audit_entry(&auditor, &finding),
        Err(Denial::Clearance)
    );
    // The quality auditor reads the trail but not the reports it describes.
    let report = record(RecordKind::SecurityReport, AIRPORT);
    assert_eq!(
        decide_audit_entry(&auditor, &report),
        Err(Denial::NotPermitted)
    );
    // A report handler reads reports but not the trail.
    let handler = subject(AIRPORT, &[Role::ReportHandler]);
    assert!(decide(&handler, Action::Read, &report).is_ok());
    assert!(decide_audit_entry(&handler, &report).is_err());
    // An entry about no record: the trail's readers.
    let setup = record(RecordKind::AuditEntry, AIRPORT);
    assert!(decide_audit_entry(&auditor, &setup).is_ok());
    assert!(decide_audit_entry(&handler, &setup).is_err());
    assert!(RecordKind::ALL
        .iter()
        .all(|k| RecordKind::parse(k.as_str()) == Some(*k)));
}

#[test]
fn staff_cannot_browse_the_directory_but_sees_themselves() {
    let staff = subject(AIRPORT, &[Role::Staff]);
    let mut other = record(RecordKind::Person, AIRPORT);
    other.person_id = Some(999);
    assert!(decide(&staff, Action::Read, &other).is_err());
    let mut me = record(RecordKind::Person, AIRPORT);
    me.person_id = Some(staff.person_id);
    assert!(decide(&staff, Action::Read, &me).is_ok());
    assert!(decide(&staff, Action::Update, &me).is_err());
}

#[test]
fn clearance_and_need_to_know_narrow_what_roles_allow() {
    let mut analyst = subject(AIRPORT, &[Role::SecurityAnalyst]);
    let mut r = record(RecordKind::TestRecord, AIRPORT);
    r.classification = 2;
    assert_eq!(decide(&analyst, Action::Read, &r), Err(Denial::Clearance));
    analyst.clearance = 2;
    assert!(decide(&analyst, Action::Read, &r).is_ok());
    r.need_to_know = true;
    assert_eq!(decide(&analyst, Action::Read, &r), Err(Denial::NeedToKnow));
    r.distribution.groups = vec![7];
    analyst.groups = vec![7];
    assert!(decide(&analyst, Action::Read, &r).is_ok());
}

#[test]
fn distribution_to_a_party_grants_reading_only() {
    let viewer = subject(CARRIER, &[Role::Viewer]);
    let mut r = record(RecordKind::TestRecord, AIRPORT);
    assert!(decide(&viewer, Action::Read, &r).is_err());
    r.distribution.parties = vec![CARRIER];
    assert!(decide(&viewer, Action::Read, &r).is_ok());
    assert!(decide(&viewer, Action::Update, &r).is_err());
}

#[test]
fn published_records_are_read_by_every_party_but_changed_by_their_owner() {
    let analyst = subject(CARRIER, &[Role::SecurityAnalyst]);
    let mut scenario = record(RecordKind::ThreatScenario, AUTHORITY);
    assert!(decide(&analyst, Action::Read, &scenario).is_err());
    scenario.published = true;
    assert!(decide(&analyst, Action::Read, &scenario).is_ok());
    assert!(decide(&analyst, Action::Update, &scenario).is_err());
    let staff = subject(CARRIER, &[Role::Staff]);
    assert!(
        decide(&staff, Action::Read, &scenario).is_err(),
        "staff do not browse the threat library"
    );
    let policy = subject(AUTHORITY, &[Role::PolicyOfficer]);
    assert!(decide(&policy, Action::Update, &scenario).is_ok());
    let mut method = record(RecordKind::RiskMethod, AUTHORITY);
    method.published = true;
    assert!(decide(&analyst, Action::Read, &method).is_ok());
    assert!(decide(&analyst, Action::Create, &method).is_err());
    assert!(decide(&policy, Action::Create, &method).is_ok());
    assert!(
        decide(&policy, Action::Update, &method).is_err(),
        "a published version is never edited"
    );
    // The reporting rules: published by the policy officers and director, read by all.
    let mut rules = record(RecordKind::ReportingRules, AUTHORITY);
    rules.published = true;
    assert!(decide(&policy, Action::Create, &rules).is_ok());
    assert!(decide(&subject(AIRPORT, &[Role::Staff]), Action::Read, &rules).is_ok());
    for who in [
        subject(AIRPORT, &[Role::SecurityManager]),
        subject(AIRPORT, &[Role::ReportHandler]),
        subject(AUTHORITY, &[Role::Inspector]),
    ] {
        assert!(
            decide(&who, Action::Create, &rules).is_err(),
            "only the authority's policy officers and director change the reporting rules"
        );
        assert!(decide(&who, Action::Update, &rules).is_err());
    }
    // The oversight method: published by the policy officers, read by who audits or is audited.
    let mut oversight = record(RecordKind::OversightMethod, AUTHORITY);
    oversight.published = true;
    assert!(decide(&policy, Action::Create, &oversight).is_ok());
    assert!(decide(&analyst, Action::Read, &oversight).is_ok());
    for who in [
        subject(AIRPORT, &[Role::SecurityManager]),
        subject(AUTHORITY, &[Role::Inspector]),
        subject(AUTHORITY, &[Role::IntelligenceAnalyst]),
        analyst.clone(),
    ] {
        assert!(
            decide(&who, Action::Create, &oversight).is_err(),
            "only the authority's policy officers and director change the method"
        );
    }
    assert!(decide(&staff, Action::Read, &oversight).is_err());
}

#[test]
fn only_the_accountable_executive_or_the_administrator_appoints_the_custodian() {
    let appointment = record(RecordKind::Appointment, AIRPORT);
    let ae = subject(AIRPORT, &[Role::AccountableExecutive]);
    let sm = subject(AIRPORT, &[Role::SecurityManager]);
    let staff = subject(AIRPORT, &[Role::Staff]);
    let admin = subject(AUTHORITY, &[Role::Administrator]);
    for action in [Action::Create, Action::Update] {
        assert!(decide(&ae, action, &appointment).is_ok());
        assert!(decide(&admin, action, &appointment).is_ok());
        assert!(decide(&sm, action, &appointment).is_err());
        assert!(decide(&staff, action, &appointment).is_err());
    }
    assert!(decide(&staff, Action::Read, &appointment).is_ok());
    let other_ae = subject(CARRIER, &[Role::AccountableExecutive]);
    assert!(decide(&other_ae, Action::Create, &appointment).is_err());
    // The accountable executive's own nomination is theirs to hand over.
    let nomination = record(RecordKind::Nomination, AIRPORT);
    assert!(decide(&ae, Action::Accept, &nomination).is_ok());
    assert!(decide(&sm, Action::Accept, &nomination).is_err());
    assert!(decide(&sm, Action::Create, &nomination).is_ok());
}

#[test]
fn the_security_log_is_the_administrators_and_each_persons_own() {
    let mut event = record(RecordKind::SecurityEvent, AIRPORT);
    let staff = subject(AIRPORT, &[Role::Staff]);
    let mut auditor = subject(AIRPORT, &[Role::QualityAuditor]);
    auditor.person_id = 999;
    let director = subject(AUTHORITY, &[Role::Director]);
    let admin = subject(AUTHORITY, &[Role::Administrator]);
    assert!(decide(&staff, Action::Read, &event).is_err());
    event.person_id = Some(staff.person_id);
    assert!(decide(&staff, Action::Read, &event).is_ok());
    assert!(decide(&staff, Action::Update, &event).is_err());
    assert!(decide(&auditor, Action::Read, &event).is_err());
    assert!(decide(&director, Action::Read, &event).is_err());
    assert!(decide(&admin, Action::Read, &event).is_ok());
    assert!(decide(&admin, Action::Delete, &event).is_err());
}

#[test]
fn allowed_is_decide_for_every_action() {
    let sm = subject(AIRPORT, &[Role::SecurityManager]);
    let site = record(RecordKind::Site, AIRPORT);
    let a = Allowed::of(&sm, &site);
    for (action, flag) in [
        (Action::Read, a.read),
        (Action::Create, a.create),
        (Action::Update, a.update),
        (Action::Delete, a.delete),
        (Action::Accept, a.accept),
    ] {
        assert_eq!(decide(&sm, action, &site).is_ok(), flag, "{action:?}");
    }
    assert_eq!(
        Allowed::of(&sm, &record(RecordKind::Site, CARRIER)),
        Allowed::default()
    );
}

#[test]
fn read_only_tokens_never_write() {
    let mut sm = subject(AIRPORT, &[Role::SecurityManager]);
    sm.read_only = true;
    let site = record(RecordKind::Site, AIRPORT);
    assert!(decide(&sm, Action::Read, &site).is_ok());
    assert_eq!(
        decide(&sm, Action::Update, &site),
        Err(Denial::ReadOnlyToken)
    );
}

#[test]
fn administrator_manages_accounts_but_reads_no_security_content() {
    let admin = subject(AUTHORITY, &[Role::Administrator]);
    assert!(decide(&admin, Action::Create, &record(RecordKind::Person, CARRIER)).is_ok());
    assert!(decide(
        &admin,
        Action::Read,
        &record(RecordKind::TestRecord, CARRIER)
    )
    .is_err());
    assert!(decide(
        &admin,
        Action::Read,
        &record(RecordKind::AuditEntry, CARRIER)
    )
    .is_err());
}

#[test]
fn who_may_grant_what_role_and_clearance() {
    let admin = subject(1, &[Role::Administrator]);
    let executive = subject(2, &[Role::AccountableExecutive]);
    let manager = subject(2, &[Role::SecurityManager]);
    for role in Role::ALL {
        assert!(may_grant_role(&admin, role).is_ok(), "{role:?}");
    }
    assert!(may_grant_role(&executive, Role::AccountableExecutive).is_ok());
    assert!(may_grant_role(&manager, Role::AccountableExecutive).is_err());
    assert!(may_grant_role(&executive, Role::Administrator).is_err());
    assert!(may_grant_role(&manager, Role::Staff).is_ok());
    let mut cleared = manager.clone();
    cleared.clearance = 1;
    assert!(may_grant_clearance(&cleared, 1).is_ok());
    assert!(may_grant_clearance(&cleared, 2).is_err());
    assert!(may_grant_clearance(&admin, 3).is_ok());
}

#[test]
fn the_national_spi_library_is_the_authoritys_and_each_organisation_keeps_its_own() {
    let national = RecordMeta {
        published: true,
        ..record(RecordKind::PerformanceIndicator, AUTHORITY)
    };
    let own = record(RecordKind::PerformanceIndicator, AIRPORT);
    let policy = subject(AUTHORITY, &[Role::PolicyOfficer]);
    let manager = subject(AIRPORT, &[Role::SecurityManager]);
    let staff = subject(AIRPORT, &[Role::Staff]);
    let other = subject(CARRIER, &[Role::SecurityManager]);
    assert!(decide(&policy, Action::Update, &national).is_ok());
    assert!(decide(&manager, Action::Read, &national).is_ok());
    // An organisation never edits a national SPI; it edits its own.
    assert!(decide(&manager, Action::Update, &national).is_err());
    assert!(decide(&manager, Action::Create, &own).is_ok());
    assert!(decide(&other, Action::Read, &own).is_err());
    assert!(decide(&staff, Action::Read, &national).is_err());
    // The authority reads an organisation's own indicators and writes none of them.
    assert!(decide(&policy, Action::Read, &own).is_ok());
    assert!(decide(&policy, Action::Update, &own).is_err());
    // Definitions are versioned, never deleted.
    assert!(decide(&policy, Action::Delete, &national).is_err());
}

#[test]
fn data_series_are_entered_by_the_organisation_and_read_by_the_authority() {
    let series = record(RecordKind::DataSeries, AIRPORT);
    let training = subject(AIRPORT, &[Role::TrainingOfficer]);
    let staff = subject(AIRPORT, &[Role::Staff]);
    let inspector = subject(AUTHORITY, &[Role::Inspector]);
    assert!(decide(&training, Action::Create, &series).is_ok());
    assert!(decide(&staff, Action::Read, &series).is_err());
    assert!(decide(&inspector, Action::Read, &series).is_ok());
    assert!(decide(&inspector, Action::Update, &series).is_err());
    assert!(decide(
        &subject(CARRIER, &[Role::SecurityManager]),
        Action::Read,
        &series
    )
    .is_err());
}

#[test]
fn indicator_values_are_read_and_alerts_acknowledged_by_their_organisation() {
    let value = record(RecordKind::IndicatorValue, AIRPORT);
    let alert = record(RecordKind::PerformanceAlert, AIRPORT);
    let manager = subject(AIRPORT, &[Role::SecurityManager]);
    let analyst = subject(AIRPORT, &[Role::SecurityAnalyst]);
    let viewer = subject(AIRPORT, &[Role::Viewer]);
    let staff = subject(AIRPORT, &[Role::Staff]);
    let director = subject(AUTHORITY, &[Role::Director]);
    let other = subject(CARRIER, &[Role::SecurityManager]);
    // Values are computed: read by the organisation and the authority, written by nobody.
    assert!(decide(&viewer, Action::Read, &value).is_ok());
    assert!(decide(&director, Action::Read, &value).is_ok());
    for who in [&manager, &director] {
        for action in [Action::Create, Action::Update, Action::Delete] {
            assert!(decide(who, action, &value).is_err());
        }
    }
    assert!(decide(&staff, Action::Read, &value).is_err());
    assert!(decide(&other, Action::Read, &value).is_err());
    // Alerts: acknowledged by leaders and analysts, read by the authority.
    assert!(decide(&manager, Action::Update, &alert).is_ok());
    assert!(decide(&analyst, Action::Update, &alert).is_ok());
    assert!(decide(&viewer, Action::Update, &alert).is_err());
    assert!(decide(&director, Action::Read, &alert).is_ok());
    assert!(decide(&director, Action::Update, &alert).is_err());
    assert!(decide(&other, Action::Read, &alert).is_err());
    assert!(crate::action::SOURCES.contains(&RecordKind::PerformanceAlert));
}

#[test]
fn personnel_records_are_read_by_the_employer_the_person_and_assigned_inspectors_only() {
    let programme = RecordMeta {
        published: true,
        ..record(RecordKind::TrainingProgramme, AUTHORITY)
    };
    let mut personal = record(RecordKind::Personnel, AIRPORT);
    let training = subject(AIRPORT, &[Role::TrainingOfficer]);
    let manager = subject(AIRPORT, &[Role::SecurityManager]);
    let analyst = subject(AIRPORT, &[Role::SecurityAnalyst]);
    let executive = subject(AIRPORT, &[Role::AccountableExecutive]);
    let director = subject(AUTHORITY, &[Role::Director]);
    let other = subject(CARRIER, &[Role::TrainingOfficer]);
    for who in [&training, &manager] {
        assert!(decide(who, Action::Read, &personal).is_ok());
        assert!(decide(who, Action::Update, &personal).is_ok());
        assert!(
            decide(who, Action::Delete, &personal).is_err(),
            "deactivated, not deleted"
        );
    }
    for who in [&analyst, &executive, &director, &other] {
        assert!(decide(who, Action::Read, &personal).is_err());
    }
    // The person reads their own record.
    let staff = subject(AIRPORT, &[Role::Staff]);
    assert!(decide(&staff, Action::Read, &personal).is_err());
    personal.person_id = Some(staff.person_id);
    assert!(decide(&staff, Action::Read, &personal).is_ok());
    assert!(decide(&staff, Action::Update, &personal).is_err());
    // An inspector reads the organisations they are assigned to.
    let mut inspector = subject(AUTHORITY, &[Role::Inspector]);
    assert!(decide(&inspector, Action::Read, &personal).is_err());
    inspector.oversees = vec![AIRPORT];
    assert!(decide(&inspector, Action::Read, &personal).is_ok());
    // The national programme: the policy officer publishes, everyone reads.
    assert!(decide(
        &subject(AUTHORITY, &[Role::PolicyOfficer]),
        Action::Create,
        &programme
    )
    .is_ok());
    assert!(decide(&staff, Action::Read, &programme).is_ok());
    assert!(decide(&training, Action::Create, &programme).is_err());
}

#[test]
fn a_shut_training_gate_lowers_the_clearance_read_with_and_says_why() {
    let mut analyst = subject(AIRPORT, &[Role::SecurityAnalyst]);
    analyst.clearance = 2;
    analyst.gate = Some(Gate {
        from_classification: 1,
        shut: "your security awareness training lapsed on 2026-12-01".into(),
    });
    assert_eq!(analyst.effective_clearance(), 0);
    let mut r = record(RecordKind::TestRecord, AIRPORT);
    assert!(
        decide(&analyst, Action::Read, &r).is_ok(),
        "the lowest marking"
    );
    r.classification = 1;
    assert_eq!(
        decide(&analyst, Action::Read, &r),
        Err(Denial::TrainingGate)
    );
    // Refusals for other reasons come first: the gate never reveals a record.
    r.classification = 3;
    assert_eq!(decide(&analyst, Action::Read, &r), Err(Denial::Clearance));
    r.classification = 1;
    r.need_to_know = true;
    assert_eq!(decide(&analyst, Action::Read, &r), Err(Denial::NeedToKnow));
    // A gate from a higher level leaves the levels under it.
    analyst.gate.as_mut().unwrap().from_classification = 2;
    r.need_to_know = false;
    assert!(decide(&analyst, Action::Read, &r).is_ok());
    analyst.gate = None;
    assert_eq!(analyst.effective_clearance(), 2);
}
