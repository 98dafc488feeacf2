//! The permission table of the one access rule: every grant of every role, by record kind,
//! action and relation. Deny by default. Each module adds its kinds' rows here; the storage
//! access matrix checks the SQL filter against it for every combination.

use super::{Action, RecordKind, Relation};
use crate::role::Role;

/// The permission table: does `role`, standing in `relation` to a record of `kind`, grant
/// `action`? Deny by default: only what is written here is allowed.
pub fn grants(role: Role, kind: RecordKind, action: Action, relation: Relation) -> bool {
    use Action::*;
    use RecordKind as K;
    use Relation as R;
    use Role::*;

    let org_reader = matches!(
        role,
        AccountableExecutive
            | SecurityManager
            | SecurityAnalyst
            | QualityAuditor
            | TrainingOfficer
            | Viewer
    );
    let org_leader = matches!(role, AccountableExecutive | SecurityManager);
    let authority = matches!(
        role,
        Director | Inspector | PolicyOfficer | IntelligenceAnalyst
    );

    match (kind, relation) {
        // The administrator manages parties, sites, people and groups of every party, and
        // reads nothing else: administering accounts gives no access to security content.
        (K::Party | K::Site | K::Person | K::NeedToKnowGroup, R::Deployment) => {
            role == Administrator
        }
        // The administrator sees every security event and appoints identity custodians where
        // an organisation has no accountable executive to do it.
        (K::SecurityEvent, R::Deployment) => action == Read && role == Administrator,
        (K::Appointment, R::Deployment) => {
            matches!(action, Read | Create | Update) && role == Administrator
        }
        // The administrator, who manages accounts, sees the grants waiting for confirmation
        // and confirms none.
        (K::PendingGrant, R::Deployment) => action == Read && role == Administrator,
        (_, R::Deployment) => false,

        // Everyone reads their own security log; nobody writes it through the access rule.
        (K::SecurityEvent, R::OwnPerson) => action == Read,

        // Every member of an organisation may know who its identity custodian is; only the
        // accountable executive appoints or ends the appointment (Create, Update).
        (K::Appointment, R::Owner) => match action {
            Read => role != Administrator,
            Create | Update => role == AccountableExecutive,
            Delete | Accept => false,
        },

        (K::Party, R::Owner) => action == Read && role != Administrator,
        (K::Party, R::Oversight | R::AssignedOversight) => action == Read && authority,

        (K::Site, R::Owner) => match action {
            Read => role != Administrator,
            Create | Update | Delete => org_leader || role == Director,
            Accept => false,
        },
        (K::Site, R::Oversight | R::AssignedOversight) => action == Read && authority,

        (K::Person, R::OwnPerson) => action == Read,
        (K::Person, R::Owner) => match action {
            Read => org_reader || authority,
            Create | Update | Delete => org_leader || role == Director,
            Accept => false,
        },
        (K::Person, R::Oversight | R::AssignedOversight) => {
            action == Read && matches!(role, Director | Inspector)
        }

        // Every member of an organisation may know who its nominated persons are; the
        // authority sees every organisation's nominations.
        // Accept: nominating or ending the accountable executive, which the accountable
        // executive does (a handover), not the security manager.
        (K::Nomination, R::Owner) => match action {
            Read => role != Administrator,
            Create | Update | Delete => org_leader,
            Accept => role == AccountableExecutive,
        },
        (K::Nomination, R::Oversight | R::AssignedOversight) => action == Read && authority,

        (K::NeedToKnowGroup, R::Owner) => match action {
            Read => org_leader || role == Director || role == IntelligenceAnalyst,
            Create | Update | Delete => org_leader || role == Director,
            Accept => false,
        },

        // The audit trail is read by the organisation's security manager (who runs its SeMS),
        // quality auditor and accountable executive, the authority's director, and an
        // inspector for the organisations they oversee. Nobody writes it through the access
        // rule: only services append to it.
        (K::AuditEntry, R::Owner) => {
            action == Read
                && matches!(
                    role,
                    SecurityManager | QualityAuditor | AccountableExecutive | Director
                )
        }
        (K::AuditEntry, R::Oversight) => action == Read && role == Director,
        (K::AuditEntry, R::AssignedOversight) => action == Read && role == Inspector,

        // A held grant is confirmed or refused (Accept) by a director of the authority: of an
        // authority person through ownership, of an organisation's person through oversight.
        // The organisation's leaders see what waits for their people. That the director is
        // neither the one who asked nor the one who receives it is `role::is_second_person`.
        (K::PendingGrant, R::Owner) => match action {
            Read => org_leader || role == Director,
            Accept => role == Director,
            Create | Update | Delete => false,
        },
        (K::PendingGrant, R::Oversight) => matches!(action, Read | Accept) && role == Director,

        (K::TestRecord, R::Owner) => match action {
            Read => org_reader || authority,
            Create | Update => org_leader || matches!(role, SecurityAnalyst | Director),
            Delete => matches!(role, SecurityManager | Director),
            Accept => false,
        },
        (K::TestRecord, R::Oversight | R::AssignedOversight) => {
            action == Read && matches!(role, Director | Inspector)
        }
        (K::TestRecord, R::Recipient | R::Published) => action == Read && role != Administrator,

        // The risk method is the authority's: its policy officers and director publish
        // versions; once published, everyone who assesses or reads risk reads it.
        (K::RiskMethod, R::Owner) => match action {
            Read => authority,
            Create => matches!(role, PolicyOfficer | Director),
            Update | Delete => false,
            Accept => false,
        },
        (K::RiskMethod, R::Published) => action == Read && role != Administrator && role != Staff,
        // The oversight method likewise: its policy officers and director publish versions
        // (scales, plan deadlines, EI thresholds); everyone who audits or is audited reads it.
        (K::OversightMethod, R::Owner) => match action {
            Read => authority,
            Create => matches!(role, PolicyOfficer | Director),
            Update | Delete | Accept => false,
        },
        (K::OversightMethod, R::Published) => {
            action == Read && role != Administrator && role != Staff
        }
        // The reporting rules likewise (taxonomy, deadlines, just-culture decisions); read by
        // everyone, as everyone files reports under them.
        (K::ReportingRules, R::Owner) => match action {
            Read => authority,
            Create => matches!(role, PolicyOfficer | Director),
            Update | Delete | Accept => false,
        },
        (K::ReportingRules, R::Published) => action == Read,

        // National threat levels: set by the authority's director, intelligence analysts and
        // policy officers; read by everyone who assesses risk.
        (K::ThreatLevel, R::Owner) => match action {
            Read => authority,
            Create | Update => matches!(role, Director | IntelligenceAnalyst | PolicyOfficer),
            Delete => false,
            Accept => false,
        },
        (K::ThreatLevel, R::Published) => action == Read && org_reader,

        // Risk assessments: scored by the organisation's security manager and analysts, read
        // by its management roles; the authority's director and inspectors oversee them.
        (K::RiskAssessment, R::Owner) => match action {
            Read => org_reader,
            Create | Update => matches!(role, SecurityManager | SecurityAnalyst),
            Delete => role == SecurityManager,
            Accept => role == AccountableExecutive,
        },
        (K::RiskAssessment, R::Oversight | R::AssignedOversight) => {
            action == Read && matches!(role, Director | Inspector)
        }
        // A record distributed from its page (need-to-know sharing) is read by the persons and
        // groups named, whatever their party.
        (K::RiskAssessment | K::ThreatScenario, R::Recipient) => {
            action == Read && role != Administrator
        }

        // Threat scenarios: the authority keeps the national library, organisations their own.
        (K::ThreatScenario, R::Owner) => match action {
            Read => org_reader || authority,
            Create | Update => {
                org_leader
                    || matches!(
                        role,
                        SecurityAnalyst | PolicyOfficer | IntelligenceAnalyst | Director
                    )
            }
            Delete => matches!(role, SecurityManager | Director | PolicyOfficer),
            Accept => false,
        },
        (K::ThreatScenario, R::Oversight | R::AssignedOversight) => action == Read && authority,
        (K::ThreatScenario, R::Published) => action == Read && org_reader,

        // Security measures: the authority's policy officers and director write the baseline;
        // organisations keep their own and their implementation of every measure. Dropping a
        // baseline measure needs the authority's approval: the Accept action of its director,
        // or of an inspector assigned to the organisation.
        (K::SecurityMeasure, R::Owner) => match action {
            Read => org_reader || authority,
            Create | Update => {
                org_leader || matches!(role, SecurityAnalyst | PolicyOfficer | Director)
            }
            Delete => matches!(role, SecurityManager | PolicyOfficer | Director),
            Accept => false,
        },
        (K::SecurityMeasure, R::Oversight) => {
            (action == Read && authority) || (action == Accept && role == Director)
        }
        (K::SecurityMeasure, R::AssignedOversight) => {
            (action == Read && authority) || (action == Accept && role == Inspector)
        }
        (K::SecurityMeasure, R::Published) => action == Read && org_reader,

        // Objective data: the organisation's security manager, analysts and quality auditor
        // record test results and occurrences; inspectors and the director record the
        // authority's own tests of the organisations they oversee.
        (K::RiskEvidence, R::Owner) => match action {
            Read => org_reader,
            Create => matches!(role, SecurityManager | SecurityAnalyst | QualityAuditor),
            Update | Delete | Accept => false,
        },
        // Security reports stay with the organisation's report handlers and security manager;
        // the identity custodian reads them to decide disclosure requests, and alone approves
        // one (Accept). Anyone of the organisation files one (Create).
        (K::SecurityReport, R::Owner) => match action {
            Read => matches!(role, ReportHandler | SecurityManager | IdentityCustodian),
            Create => role != Administrator,
            Update => matches!(role, ReportHandler | SecurityManager),
            Delete => false,
            Accept => role == IdentityCustodian,
        },
        // What the organisation forwarded, de-identified: read by the authority; its director
        // and inspectors ask follow-up questions (Update).
        (K::Occurrence, R::Owner) => match action {
            Read | Update => matches!(role, ReportHandler | SecurityManager),
            Create | Delete | Accept => false,
        },
        (K::Occurrence, R::Oversight | R::AssignedOversight) => match action {
            Read => authority,
            Update => matches!(role, Director | Inspector),
            Create | Delete | Accept => false,
        },
        // Requirements: the authority's policy officers and director keep the national
        // programme; an organisation's security manager and quality auditor keep its internal
        // requirements. Everyone who assesses or audits reads them.
        (K::Requirement, R::Owner) => match action {
            Read => org_reader || authority,
            Create | Update | Delete => {
                matches!(
                    role,
                    PolicyOfficer | Director | SecurityManager | QualityAuditor
                )
            }
            Accept => false,
        },
        (K::Requirement, R::Oversight | R::AssignedOversight) => action == Read && authority,
        (K::Requirement, R::Published) => action == Read && (org_reader || authority),
        // Oversight activities: planned and run by the authority's inspectors and director, or
        // by an organisation's security manager and quality auditor of itself; the overseen
        // organisation reads what was distributed to it; the authority reads organisations'
        // self-evaluations.
        (K::OversightActivity, R::Owner) => match action {
            Read => org_reader || authority,
            Create | Update => {
                matches!(
                    role,
                    Inspector | Director | SecurityManager | QualityAuditor
                )
            }
            Delete | Accept => false,
        },
        (K::OversightActivity, R::Recipient) => action == Read && org_reader,
        (K::OversightActivity, R::Oversight | R::AssignedOversight) => {
            action == Read && matches!(role, Director | Inspector)
        }
        // Findings belong to the organisation that corrects them: its leaders and quality
        // auditor answer with corrective action plans (Update). The overseer raises them
        // (Create) and, as the party that raised them, alone accepts, returns, verifies and
        // closes them (Accept, through `Raiser`): the authority, or an organisation of its
        // contractor (to which the finding is distributed) or of itself.
        (K::Finding, R::Owner) => match action {
            Read => org_reader,
            Create => matches!(role, SecurityManager | QualityAuditor),
            Update => org_leader || role == QualityAuditor,
            Delete | Accept => false,
        },
        (K::Finding, R::Recipient) => match action {
            Read => org_reader || authority,
            Create => matches!(role, SecurityManager | QualityAuditor),
            Update | Delete | Accept => false,
        },
        (K::Finding, R::Oversight | R::AssignedOversight) => match action {
            Read => authority,
            Create => matches!(role, Director | Inspector),
            Update | Delete | Accept => false,
        },
        (K::Finding, R::Raiser) => match action {
            Read => org_reader || authority,
            Accept => matches!(
                role,
                SecurityManager | QualityAuditor | Director | Inspector
            ),
            Create | Update | Delete => false,
        },
        // Reporting statistics: counts per category and month, never content. The
        // organisation's management, analysts, auditors and handlers read their own; the
        // authority's roles read the national ones (owned by the authority).
        (K::ReportStatistics, R::Owner) => {
            action == Read
                && (authority
                    || matches!(
                        role,
                        AccountableExecutive
                            | SecurityManager
                            | SecurityAnalyst
                            | QualityAuditor
                            | ReportHandler
                    ))
        }
        // Security performance indicators: the authority's policy officers and director keep
        // the national library, published to every organisation; an organisation's security
        // manager, analysts and quality auditor keep its own. A definition is never deleted:
        // a change is a new version.
        (K::PerformanceIndicator, R::Owner) => match action {
            Read => org_reader || authority,
            Create | Update => matches!(
                role,
                SecurityManager | SecurityAnalyst | QualityAuditor | PolicyOfficer | Director
            ),
            Delete | Accept => false,
        },
        (K::PerformanceIndicator, R::Published) => action == Read && org_reader,
        (K::PerformanceIndicator, R::Oversight | R::AssignedOversight) => {
            action == Read && authority
        }
        // Data series (exposure and manual indicators): entered by the organisation's
        // security manager, analysts, quality auditor and training officer (the staff
        // headcount); the authority reads them behind the national figures.
        (K::DataSeries, R::Owner) => match action {
            Read => org_reader,
            Create | Update | Delete => matches!(
                role,
                SecurityManager | SecurityAnalyst | QualityAuditor | TrainingOfficer
            ),
            Accept => false,
        },
        (K::DataSeries, R::Oversight | R::AssignedOversight) => action == Read && authority,
        // An indicator's values are computed by sems: the organisation and the authority read
        // them, nobody writes them.
        (K::IndicatorValue, R::Owner) => action == Read && org_reader,
        (K::IndicatorValue, R::Oversight | R::AssignedOversight) => action == Read && authority,
        // An alert is acknowledged (Update) by the organisation's leaders, analysts and quality
        // auditor, who also manage the corrective action it opened; the authority reads them.
        (K::PerformanceAlert, R::Owner) => match action {
            Read => org_reader,
            Update => org_leader || matches!(role, SecurityAnalyst | QualityAuditor),
            Create | Delete | Accept => false,
        },
        (K::PerformanceAlert, R::Oversight | R::AssignedOversight) => action == Read && authority,
        // The national training programme: published by the authority's policy officers and
        // director, read by everyone it applies to.
        (K::TrainingProgramme, R::Owner) => match action {
            Read => role != Administrator,
            Create => matches!(role, PolicyOfficer | Director),
            Update | Delete | Accept => false,
        },
        (K::TrainingProgramme, R::Published) => action == Read && role != Administrator,
        // The personnel register is personal data: the employer's training officer and
        // security manager keep it; the person reads their own; an inspector reads the
        // organisations they are assigned to. Nobody else, the director included.
        (K::Personnel, R::Owner) => {
            matches!(action, Read | Create | Update)
                && matches!(role, TrainingOfficer | SecurityManager)
        }
        (K::Personnel, R::OwnPerson) => action == Read,
        (K::Personnel, R::AssignedOversight) => action == Read && role == Inspector,
        // Culture surveys: run (Create, Update: launch, close, open an action from a weak
        // theme) by the keepers of the personnel register it invites from — the security
        // manager and the training officer —; results, which are aggregates shown once the
        // survey is closed, read by the organisation's readers and the authority.
        (K::CultureSurvey, R::Owner) => match action {
            Read => org_reader,
            Create | Update => matches!(role, SecurityManager | TrainingOfficer),
            Delete | Accept => false,
        },
        (K::CultureSurvey, R::Oversight | R::AssignedOversight) => action == Read && authority,
        // Shared items: issued by the authority's intelligence analysts, policy officers and
        // director (who alone approves a directive: Accept), and by an organisation's security
        // manager and analysts to its contractors and staff; read by the issuer's readers and by
        // the persons and groups it was distributed to; a recipient organisation's accountable
        // executive or security manager acknowledges and implements (Update).
        (K::SharedItem, R::Owner) => match action {
            Read => org_reader || authority,
            Create | Update => matches!(
                role,
                IntelligenceAnalyst | PolicyOfficer | Director | SecurityManager | SecurityAnalyst
            ),
            Accept => role == Director,
            Delete => false,
        },
        (K::SharedItem, R::Recipient) => match action {
            Read => role != Administrator,
            Update => org_leader,
            Create | Delete | Accept => false,
        },
        // A disclosure report and its investigation: the issuer's readers read it, those who
        // issue items investigate (Update completes the action); no other relation reaches it.
        (K::DisclosureReport, R::Owner) => match action {
            Read => org_reader || authority,
            Create | Update => matches!(
                role,
                IntelligenceAnalyst | PolicyOfficer | Director | SecurityManager | SecurityAnalyst
            ),
            Delete | Accept => false,
        },
        (K::RiskEvidence, R::Oversight) => matches!(action, Read | Create) && role == Director,
        (K::RiskEvidence, R::AssignedOversight) => {
            matches!(action, Read | Create) && role == Inspector
        }

        _ => false,
    }
}
