//! Threat and risk management services, on SQLite and PostgreSQL.

use sems_domain::risk::{RiskLevel, RiskMethod};
use sems_services::risk::ScenarioInput;
use sems_services::{Actor, ServiceError, Services};
use sems_storage::risk::ScenarioFilter;

use crate::common;

async fn services() -> Vec<Services> {
    common::services().await
}

async fn actor(s: &Services, username: &str) -> Actor {
    common::actor(s, username).await
}

fn count(page: &sems_domain::page::Page<sems_storage::risk::ThreatScenario>) -> i64 {
    page.total
}

#[tokio::test]
async fn defaults_are_published_once() {
    for s in services().await {
        s.risk().ensure_risk_defaults().await.unwrap();
        let analyst = actor(&s, "npt.analyst").await;
        let method = s.risk().risk_method(&analyst, None).await.unwrap();
        assert_eq!(method.version, 1);
        assert_eq!(method.method, RiskMethod::default_method());
        let library = s
            .risk()
            .scenarios(&analyst, &ScenarioFilter::default(), Default::default())
            .await
            .unwrap();
        assert_eq!(count(&library), 16, "{:?}", s.store.engine());
        assert_eq!(s.risk().threat_levels(&analyst).await.unwrap().len(), 10);
        // Staff do not browse the threat library or the method.
        let staff = actor(&s, "npt.staff").await;
        assert_eq!(
            count(
                &s.risk()
                    .scenarios(&staff, &ScenarioFilter::default(), Default::default())
                    .await
                    .unwrap()
            ),
            0
        );
        assert!(matches!(
            s.risk().risk_method(&staff, None).await,
            Err(ServiceError::NotFound(_))
        ));
    }
}

#[tokio::test]
async fn method_versions_are_published_by_the_authority_and_kept() {
    for s in services().await {
        let policy = actor(&s, "policy").await;
        let sm = actor(&s, "npt.security").await;
        let mut new = RiskMethod::default_method();
        new.bands[1].up_to = 30;
        assert!(matches!(
            s.risk().publish_risk_method(&sm, &new, "mine").await,
            Err(ServiceError::Forbidden(_) | ServiceError::NotFound(_))
        ));
        let mut bad = RiskMethod::default_method();
        bad.bands[4].up_to = 100;
        assert!(matches!(
            s.risk().publish_risk_method(&policy, &bad, "").await,
            Err(ServiceError::Validation(_))
        ));
        assert_eq!(
            s.risk().risk_method(&sm, None).await.unwrap().version,
            1,
            "nothing changed"
        );
        let v2 = s
            .risk()
            .publish_risk_method(&policy, &new, "Wider low band")
            .await
            .unwrap();
        assert_eq!(v2.version, 2);
        let current = s.risk().risk_method(&sm, None).await.unwrap();
        assert_eq!(current.version, 2);
        let old = s.risk().risk_method(&sm, Some(1)).await.unwrap();
        assert_eq!(old.method.bands[1].up_to, 24, "version 1 is kept as it was");
        let score = sems_domain::risk::Score::new("x", 3).unwrap();
        let c = sems_domain::risk::Consequence {
            human: score,
            economic: score,
            political: score,
        };
        assert_eq!(
            old.method.residual(score, c, score).level,
            RiskLevel::Medium
        );
        assert_eq!(
            current.method.residual(score, c, score).level,
            RiskLevel::Low
        );
    }
}

#[tokio::test]
async fn organisations_keep_their_own_scenarios() {
    for s in services().await {
        let sm = actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();
        let input = ScenarioInput {
            code: "npt-01".into(),
            category: "unauthorised_access".into(),
            title: "Tailgating at the crew gate".into(),
            target: "Terminal 2 crew access point".into(),
            means: "Following a crew member through the door".into(),
            perpetrator: "external".into(),
            description: "A person follows crew through the staff door at the end of a shift."
                .into(),
            classification: Some("RESTRICTED".into()),
        };
        let own = s.risk().create_scenario(&sm, npt, &input).await.unwrap();
        assert_eq!(own.code, "NPT-01");
        assert!(!own.published);
        assert!(matches!(
            s.risk().create_scenario(&sm, npt, &input).await,
            Err(ServiceError::Conflict(_))
        ));
        let bad = ScenarioInput {
            category: "piracy".into(),
            ..input.clone()
        };
        assert!(matches!(
            s.risk().create_scenario(&sm, npt, &bad).await,
            Err(ServiceError::Validation(_))
        ));

        let analyst = actor(&s, "npt.analyst").await;
        assert_eq!(
            count(
                &s.risk()
                    .scenarios(&analyst, &ScenarioFilter::default(), Default::default())
                    .await
                    .unwrap()
            ),
            17
        );
        let sky = actor(&s, "sky.security").await;
        assert_eq!(
            count(
                &s.risk()
                    .scenarios(&sky, &ScenarioFilter::default(), Default::default())
                    .await
                    .unwrap()
            ),
            16
        );
        assert!(matches!(
            s.risk().scenario(&sky, own.id).await,
            Err(ServiceError::NotFound(_))
        ));
        // The authority oversees it; a viewer without RESTRICTED clearance does not see it.
        let inspector = actor(&s, "inspector").await;
        assert_eq!(
            s.risk().scenario(&inspector, own.id).await.unwrap().id,
            own.id
        );
        let viewer = actor(&s, "npt.viewer").await;
        assert!(s.risk().scenario(&viewer, own.id).await.is_err());
        // Another organisation cannot add to the national library or to the airport's list.
        let authority = s.authority().await.unwrap().unwrap().id;
        assert!(s
            .risk()
            .create_scenario(
                &sky,
                authority,
                &ScenarioInput {
                    code: "X-1".into(),
                    ..input.clone()
                }
            )
            .await
            .is_err());
        assert!(s
            .risk()
            .create_scenario(
                &sky,
                npt,
                &ScenarioInput {
                    code: "X-2".into(),
                    ..input.clone()
                }
            )
            .await
            .is_err());
        let national = s
            .risk()
            .create_scenario(
                &actor(&s, "policy").await,
                authority,
                &ScenarioInput {
                    code: "NAT-17".into(),
                    classification: None,
                    ..input
                },
            )
            .await
            .unwrap();
        assert!(national.published);
        assert_eq!(
            count(
                &s.risk()
                    .scenarios(&sky, &ScenarioFilter::default(), Default::default())
                    .await
                    .unwrap()
            ),
            17
        );
    }
}

#[tokio::test]
async fn a_new_threat_level_tells_the_security_managers_who_assess_its_category() {
    for s in services().await {
        let intel = actor(&s, "intel").await;
        let current = s
            .risk()
            .threat_levels(&intel)
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.category.as_str() == "supply_chain")
            .map(|l| l.level);
        let level = if current == Some(5) { 4 } else { 5 };
        s.risk()
            .set_threat_level(&intel, "supply_chain", level, "Cargo concealment trend")
            .await
            .unwrap();
        let told = |username: &'static str| {
            let s = &s;
            async move {
                let who = actor(s, username).await.person_id().unwrap();
                s.notifications(who, 10)
                    .await
                    .unwrap()
                    .into_iter()
                    .any(|n| {
                        n.message.contains("Supply chain")
                            && n.link == "/risk/register?review=required"
                    })
            }
        };
        // The regulated agent assesses supply-chain scenarios (NAT-09, NAT-14); the airport
        // has no assessments, and the agent's other staff are not its security manager.
        assert!(told("swc.security").await, "{:?}", s.store.engine());
        assert!(!told("npt.security").await, "{:?}", s.store.engine());
        assert!(!told("swc.staff").await, "{:?}", s.store.engine());
        // The same level again changes nothing and tells nobody again.
        let before = s
            .notifications(actor(&s, "swc.security").await.person_id().unwrap(), 50)
            .await
            .unwrap()
            .len();
        s.risk()
            .set_threat_level(&intel, "supply_chain", level, "Unchanged")
            .await
            .unwrap();
        let after = s
            .notifications(actor(&s, "swc.security").await.person_id().unwrap(), 50)
            .await
            .unwrap()
            .len();
        assert_eq!(before, after);
    }
}

#[tokio::test]
async fn national_threat_levels() {
    for s in services().await {
        let intel = actor(&s, "intel").await;
        s.risk()
            .set_threat_level(
                &intel,
                "stand_off",
                4,
                "Drone sightings near airports rose this quarter",
            )
            .await
            .unwrap();
        let levels = s
            .risk()
            .threat_levels(&actor(&s, "npt.analyst").await)
            .await
            .unwrap();
        assert_eq!(
            levels
                .iter()
                .find(|l| l.category.as_str() == "stand_off")
                .unwrap()
                .level,
            4
        );
        assert!(matches!(
            s.risk().set_threat_level(&intel, "stand_off", 6, "x").await,
            Err(ServiceError::Validation(_))
        ));
        assert!(matches!(
            s.risk().set_threat_level(&intel, "stand_off", 3, " ").await,
            Err(ServiceError::Validation(_))
        ));
        let sm = actor(&s, "npt.security").await;
        assert!(s
            .risk()
            .set_threat_level(&sm, "stand_off", 1, "lower please")
            .await
            .is_err());
        let after = s.risk().threat_levels(&intel).await.unwrap();
        assert_eq!(
            after
                .iter()
                .find(|l| l.category.as_str() == "stand_off")
                .unwrap()
                .level,
            4,
            "unchanged"
        );
    }
}

fn hold_baggage(scenario_id: i64) -> sems_services::risk::AssessmentInput {
    sems_services::risk::AssessmentInput {
        scenario_id,
        site_id: None,
        likelihood: 4,
        likelihood_rationale:
            "National threat level 3 for explosives; recent attempts in the region".into(),
        consequence_human: 5,
        consequence_economic: 4,
        consequence_political: 5,
        consequence_rationale: "Loss of an aircraft in flight".into(),
        vulnerability: 2,
        vulnerability_rationale: "Standard 3 hold baggage screening; tests pass".into(),
        likelihood_override_reason:
            "Recent attempts in the region justify more than the national level".into(),
        vulnerability_override_reason: String::new(),
        evidence: vec!["QC report 2026-14".into()],
        classification: None,
        reason: String::new(),
        reassess: false,
    }
}

#[tokio::test]
async fn assessments_are_scored_kept_in_history_and_bounded_by_the_access_rule() {
    for s in services().await {
        let sm = actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();
        let library = s
            .risk()
            .scenarios(
                &sm,
                &ScenarioFilter {
                    search: Some("NAT-01".into()),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        let nat01 = library.items[0].id;

        // Bad input changes nothing.
        let mut bad = hold_baggage(nat01);
        bad.likelihood = 6;
        assert!(matches!(
            s.risk().create_assessment(&sm, npt, &bad).await,
            Err(ServiceError::Validation(_))
        ));
        let mut bad = hold_baggage(nat01);
        bad.vulnerability_rationale = " ".into();
        assert!(matches!(
            s.risk().create_assessment(&sm, npt, &bad).await,
            Err(ServiceError::Validation(_))
        ));
        let staff = actor(&s, "npt.staff").await;
        assert!(s
            .risk()
            .create_assessment(&staff, npt, &hold_baggage(nat01))
            .await
            .is_err());
        let sky = actor(&s, "sky.security").await;
        assert!(matches!(
            s.risk()
                .create_assessment(&sky, npt, &hold_baggage(nat01))
                .await,
            Err(ServiceError::NotFound(_))
        ));
        // The demo's three assessments at the airport, before this test adds any.
        let demo = s
            .risk()
            .assessments(&sm, &Default::default(), Default::default())
            .await
            .unwrap()
            .total;
        assert_eq!(demo, 3);

        let a = s
            .risk()
            .create_assessment(&sm, npt, &hold_baggage(nat01))
            .await
            .unwrap();
        assert_eq!(
            (a.residual_score, a.residual_level.as_str()),
            (40, "medium")
        );
        assert_eq!(
            (a.inherent_score, a.inherent_level.as_str()),
            (100, "very_high")
        );
        assert_eq!(a.method_version, 1);
        let in_a_year = sems_domain::util::add_months(sems_domain::util::today(), 12);
        assert_eq!(a.next_review_on, in_a_year);
        assert!(matches!(
            s.risk()
                .create_assessment(&sm, npt, &hold_baggage(nat01))
                .await,
            Err(ServiceError::Conflict(_))
        ));

        // Who sees it.
        assert!(matches!(
            s.risk().assessment(&sky, a.id).await,
            Err(ServiceError::NotFound(_))
        ));
        assert_eq!(
            s.risk()
                .assessment(&actor(&s, "inspector").await, a.id)
                .await
                .unwrap()
                .id,
            a.id
        );
        assert_eq!(
            s.risk()
                .assessment(&actor(&s, "npt.executive").await, a.id)
                .await
                .unwrap()
                .id,
            a.id
        );
        assert!(s.risk().assessment(&staff, a.id).await.is_err());

        // A change needs a reason, and is kept: who, when, why, old → new.
        let mut change = hold_baggage(nat01);
        change.vulnerability = 4;
        assert!(matches!(
            s.risk().update_assessment(&sm, a.id, &change).await,
            Err(ServiceError::Validation(_))
        ));
        change.reason = "Two failed covert tests at Terminal 2".into();
        let changed = s
            .risk()
            .update_assessment(&sm, a.id, &change)
            .await
            .unwrap();
        assert_eq!(
            (changed.residual_score, changed.residual_level.as_str()),
            (80, "high")
        );
        let history = s.risk().assessment_history(&sm, a.id).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].reason, "Two failed covert tests at Terminal 2");
        assert!(history[0]
            .before
            .as_deref()
            .unwrap()
            .contains("\"vulnerability\":2"));
        assert!(history[0].after.contains("\"vulnerability\":4"));

        // A new method version: the old assessment is re-assessed, not edited under the old one.
        let mut v2 = RiskMethod::default_method();
        v2.bands[3].up_to = 90;
        s.risk()
            .publish_risk_method(&actor(&s, "policy").await, &v2, "Wider high band")
            .await
            .unwrap();
        let mut again = change.clone();
        again.reason = "Minor wording".into();
        assert!(matches!(
            s.risk().update_assessment(&sm, a.id, &again).await,
            Err(ServiceError::Conflict(_))
        ));
        again.reassess = true;
        let reassessed = s.risk().update_assessment(&sm, a.id, &again).await.unwrap();
        assert_eq!(reassessed.method_version, 2);
        assert_eq!(reassessed.residual_level, "high");

        // The register, highest residual risk first.
        let nat02 = common::scenario_id(&s, &sm, "NAT-02").await;
        let mut low = hold_baggage(nat02);
        low.vulnerability = 1;
        s.risk().create_assessment(&sm, npt, &low).await.unwrap();
        let register = s
            .risk()
            .assessments(
                &actor(&s, "npt.analyst").await,
                &Default::default(),
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(register.total, demo + 2);
        assert!(register.items[0].residual_score >= register.items[1].residual_score);
        assert_eq!(
            s.risk()
                .assessments(&sky, &Default::default(), Default::default())
                .await
                .unwrap()
                .total,
            0
        );
    }
}

#[tokio::test]
async fn only_the_accountable_executive_accepts_and_never_an_intolerable_risk() {
    use sems_services::risk::AcceptanceInput;
    for s in services().await {
        let sm = actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();
        let find = |code: &'static str| {
            let s = &s;
            let sm = &sm;
            async move {
                s.risk()
                    .scenarios(
                        sm,
                        &ScenarioFilter {
                            search: Some(code.into()),
                            ..Default::default()
                        },
                        Default::default(),
                    )
                    .await
                    .unwrap()
                    .items[0]
                    .id
            }
        };
        let medium = s
            .risk()
            .create_assessment(&sm, npt, &hold_baggage(find("NAT-01").await))
            .await
            .unwrap();
        assert_eq!(medium.residual_level, "medium");
        let mut worst = hold_baggage(find("NAT-02").await);
        worst.likelihood = 5;
        worst.vulnerability = 5;
        let intolerable = s.risk().create_assessment(&sm, npt, &worst).await.unwrap();
        assert_eq!(intolerable.residual_level, "very_high");
        let mut best = hold_baggage(find("NAT-03").await);
        best.likelihood = 1;
        best.vulnerability = 1;
        let acceptable = s.risk().create_assessment(&sm, npt, &best).await.unwrap();

        let in_a_year = sems_domain::util::add_months(sems_domain::util::today(), 12);
        let input = AcceptanceInput {
            expires_on: sems_domain::util::format_date(in_a_year),
            note: "Until the new screening equipment is installed".into(),
        };
        assert!(matches!(
            s.risk().accept_risk(&sm, medium.id, &input).await,
            Err(ServiceError::Forbidden(_))
        ));
        let exec = actor(&s, "npt.executive").await;
        let sky_exec = actor(&s, "sky.executive").await;
        assert!(matches!(
            s.risk().accept_risk(&sky_exec, medium.id, &input).await,
            Err(ServiceError::NotFound(_))
        ));
        assert!(matches!(
            s.risk().accept_risk(&exec, intolerable.id, &input).await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            s.risk().accept_risk(&exec, acceptable.id, &input).await,
            Err(ServiceError::Conflict(_))
        ));
        let past = AcceptanceInput {
            expires_on: "2020-01-01".into(),
            note: String::new(),
        };
        assert!(matches!(
            s.risk().accept_risk(&exec, medium.id, &past).await,
            Err(ServiceError::Validation(_))
        ));
        let far = AcceptanceInput {
            expires_on: "2099-01-01".into(),
            note: String::new(),
        };
        assert!(matches!(
            s.risk().accept_risk(&exec, medium.id, &far).await,
            Err(ServiceError::Validation(_))
        ));
        assert!(
            s.risk()
                .acceptances(&exec, medium.id)
                .await
                .unwrap()
                .is_empty(),
            "nothing recorded by refusals"
        );

        let accepted = s
            .risk()
            .accept_risk(&exec, medium.id, &input)
            .await
            .unwrap();
        assert_eq!(accepted.expires_on, in_a_year);
        let list = s.risk().acceptances(&sm, medium.id).await.unwrap();
        assert!(sems_services::risk::acceptance_in_force(&medium, &list).is_some());
        // A changed assessment is no longer covered by the old acceptance.
        let mut change = hold_baggage(medium.scenario_id);
        change.vulnerability = 3;
        change.reason = "Screening equipment failures".into();
        let changed = s
            .risk()
            .update_assessment(&sm, medium.id, &change)
            .await
            .unwrap();
        assert!(sems_services::risk::acceptance_in_force(&changed, &list).is_none());
    }
}

async fn scenario_id(s: &Services, who: &Actor, code: &str) -> i64 {
    s.risk()
        .scenarios(
            who,
            &ScenarioFilter {
                search: Some(code.into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap()
        .items[0]
        .id
}

async fn measure_id(s: &Services, who: &Actor, code: &str) -> i64 {
    s.risk()
        .measures(
            who,
            &sems_storage::risk::measures::MeasureFilter {
                search: Some(code.into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap()
        .items[0]
        .id
}

fn implementation(status: &str) -> sems_services::risk::measures::ImplementationInput {
    sems_services::risk::measures::ImplementationInput {
        responsible_person_id: None,
        status: status.into(),
        cost_one_off: 120_000,
        cost_annual: 30_000,
        note: String::new(),
    }
}

#[tokio::test]
async fn baseline_measures_are_mandatory_and_only_the_authority_exempts() {
    use sems_domain::measure::{Exemption, MeasureStatus};
    use sems_services::risk::measures::MeasureInput;
    for s in services().await {
        let sm = actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();
        let register = s.risk().measure_register(&sm, npt).await.unwrap();
        assert_eq!(register.iter().filter(|l| l.measure.baseline).count(), 12);
        assert!(register.iter().all(|l| l.implementation.is_none()));
        let bl01 = measure_id(&s, &sm, "BL-01").await;

        let done = s
            .risk()
            .set_implementation(&sm, npt, bl01, &implementation("implemented"))
            .await
            .unwrap();
        assert_eq!(done.status, MeasureStatus::Implemented);
        assert_eq!(done.cost_annual, 30_000);

        // Bad input and refusals change nothing.
        assert!(matches!(
            s.risk()
                .set_implementation(&sm, npt, bl01, &implementation("not_applicable"))
                .await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            s.risk().remove_measure(&sm, npt, bl01).await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            s.risk()
                .set_implementation(&sm, npt, bl01, &implementation("gone"))
                .await,
            Err(ServiceError::Validation(_))
        ));
        let mut negative = implementation("implemented");
        negative.cost_one_off = -5;
        assert!(matches!(
            s.risk().set_implementation(&sm, npt, bl01, &negative).await,
            Err(ServiceError::Validation(_))
        ));
        let staff = actor(&s, "npt.staff").await;
        assert!(s
            .risk()
            .set_implementation(&staff, npt, bl01, &implementation("suspended"))
            .await
            .is_err());
        let sky = actor(&s, "sky.security").await;
        assert!(s
            .risk()
            .set_implementation(&sky, npt, bl01, &implementation("suspended"))
            .await
            .is_err());
        let line = s
            .risk()
            .measure_register(&sm, npt)
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.measure.id == bl01)
            .unwrap();
        assert_eq!(
            line.implementation.unwrap().status,
            MeasureStatus::Implemented
        );

        // An own measure: linked to scenarios the organisation may use, and removable.
        let nat05 = scenario_id(&s, &sm, "NAT-05").await;
        let own = s
            .risk()
            .create_measure(
                &sm,
                npt,
                &MeasureInput {
                    code: "npt-m1".into(),
                    title: "Dog patrols of the fence line".into(),
                    description: "Night patrols with a dog team along the north fence".into(),
                    scenario_ids: vec![nat05],
                },
            )
            .await
            .unwrap();
        assert!(!own.baseline);
        assert_eq!(own.code, "NPT-M1");
        assert!(matches!(
            s.risk()
                .create_measure(
                    &sm,
                    npt,
                    &MeasureInput {
                        code: "npt-m2".into(),
                        title: "Unlinked".into(),
                        description: "A measure that mitigates nothing".into(),
                        scenario_ids: vec![],
                    },
                )
                .await,
            Err(ServiceError::Validation(_))
        ));
        assert!(matches!(
            s.risk()
                .create_measure(
                    &sm,
                    npt,
                    &MeasureInput {
                        code: "npt-m3".into(),
                        title: "Linked to nothing real".into(),
                        description: "A measure linked to a scenario that does not exist".into(),
                        scenario_ids: vec![999_999],
                    },
                )
                .await,
            Err(ServiceError::Validation(_))
        ));
        s.risk().remove_measure(&sm, npt, own.id).await.unwrap();
        assert!(matches!(
            s.risk().measure(&sm, own.id).await,
            Err(ServiceError::NotFound(_))
        ));

        // An exemption: asked by the organisation, decided by the authority only.
        let bl12 = measure_id(&s, &sm, "BL-12").await;
        assert!(matches!(
            s.risk().request_exemption(&sm, npt, bl12, "no").await,
            Err(ServiceError::Validation(_))
        ));
        let asked = s
            .risk()
            .request_exemption(
                &sm,
                npt,
                bl12,
                "No landside public area: cargo-only airfield",
            )
            .await
            .unwrap();
        assert_eq!(asked.exemption, Exemption::Requested);
        let director = actor(&s, "director").await;
        assert!(s
            .risk()
            .pending_exemptions(&director)
            .await
            .unwrap()
            .iter()
            .any(|p| p.measure_id == bl12 && p.party_id == npt));
        let exec = actor(&s, "npt.executive").await;
        assert!(s
            .risk()
            .decide_exemption(&exec, npt, bl12, true, "fine")
            .await
            .is_err());
        assert!(s
            .risk()
            .decide_exemption(&actor(&s, "policy").await, npt, bl12, true, "fine")
            .await
            .is_err());
        assert!(matches!(
            s.risk()
                .decide_exemption(&director, npt, bl12, true, "")
                .await,
            Err(ServiceError::Validation(_))
        ));
        let approved = s
            .risk()
            .decide_exemption(
                &director,
                npt,
                bl12,
                true,
                "Confirmed at the last inspection",
            )
            .await
            .unwrap();
        assert_eq!(approved.exemption, Exemption::Approved);
        assert_eq!(approved.status, MeasureStatus::NotApplicable);
        assert!(matches!(
            s.risk()
                .decide_exemption(&director, npt, bl12, false, "again")
                .await,
            Err(ServiceError::Conflict(_))
        ));
        // With the approval recorded, not applicable is the organisation's to keep.
        s.risk()
            .set_implementation(&sm, npt, bl12, &implementation("not_applicable"))
            .await
            .unwrap();
        let trail = s
            .audit_entries(
                &director,
                &sems_storage::audit::AuditFilter {
                    action_prefix: Some("security_measure.exemption_approve".into()),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(trail.total, 1);
    }
}

#[tokio::test]
async fn objective_data_proposes_scores_and_an_override_needs_a_reason() {
    use sems_services::risk::evidence::EvidenceInput;
    for s in services().await {
        let sm = actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();
        let nat05 = scenario_id(&s, &sm, "NAT-05").await;
        let none = s.risk().score_proposals(&sm, npt, nat05).await.unwrap();
        assert_eq!(none.likelihood.unwrap().score.get(), 3, "national level 3");
        assert!(none.vulnerability.is_none(), "no data, no proposal");

        let test = |passed: bool, day: &str| EvidenceInput {
            scenario_id: nat05,
            kind: "test".into(),
            passed: Some(passed),
            occurred_on: day.into(),
            summary: "Covert fence intrusion test".into(),
            source_ref: "T-1".into(),
        };
        let today = sems_domain::util::format_date(sems_domain::util::today());
        for _ in 0..9 {
            s.risk()
                .record_evidence(&sm, npt, &test(true, &today), "manual")
                .await
                .unwrap();
        }
        s.risk()
            .record_evidence(&sm, npt, &test(false, &today), "manual")
            .await
            .unwrap();
        // Bad evidence is refused.
        assert!(matches!(
            s.risk()
                .record_evidence(&sm, npt, &test(true, "2999-01-01"), "manual")
                .await,
            Err(ServiceError::Validation(_))
        ));
        let mut undecided = test(true, &today);
        undecided.passed = None;
        assert!(matches!(
            s.risk()
                .record_evidence(&sm, npt, &undecided, "manual")
                .await,
            Err(ServiceError::Validation(_))
        ));
        assert!(s
            .risk()
            .record_evidence(
                &actor(&s, "npt.staff").await,
                npt,
                &test(true, &today),
                "manual"
            )
            .await
            .is_err());
        let p = s.risk().score_proposals(&sm, npt, nat05).await.unwrap();
        assert_eq!((p.data.tests_passed, p.data.tests_failed), (9, 1));
        assert_eq!(p.vulnerability.unwrap().score.get(), 2, "90% passed");

        let mut input = hold_baggage(nat05);
        input.likelihood = 3;
        input.vulnerability = 2;
        input.likelihood_override_reason = String::new();
        let a = s.risk().create_assessment(&sm, npt, &input).await.unwrap();
        assert_eq!(a.likelihood_proposed, Some(3));
        assert_eq!(a.vulnerability_proposed, Some(2));
        assert!(a.likelihood_override_reason.is_empty());

        // Departing from a proposal needs a reason, which stays visible.
        let mut change = input.clone();
        change.vulnerability = 4;
        change.reason = "Fence damaged by the storm".into();
        let refused = s.risk().update_assessment(&sm, a.id, &change).await;
        match refused {
            Err(ServiceError::Validation(e)) => {
                assert!(e.to_string().contains("propose 2"), "{e}")
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
        assert_eq!(
            s.risk().assessment(&sm, a.id).await.unwrap().vulnerability,
            2
        );
        change.vulnerability_override_reason = "Storm damage not yet seen by any test".into();
        let changed = s
            .risk()
            .update_assessment(&sm, a.id, &change)
            .await
            .unwrap();
        assert_eq!(changed.vulnerability, 4);
        assert_eq!(
            changed.vulnerability_override_reason,
            "Storm damage not yet seen by any test"
        );
        assert!(!changed.review_required);

        // A failed test marks the assessment "review required", saying why.
        let recorded = s
            .risk()
            .record_evidence(&sm, npt, &test(false, &today), "oversight")
            .await
            .unwrap();
        assert_eq!(recorded.marked_for_review, vec![a.id]);
        let marked = s.risk().assessment(&sm, a.id).await.unwrap();
        assert!(marked.review_required);
        assert!(
            marked.review_reason.contains("Failed test"),
            "{}",
            marked.review_reason
        );

        // Reassessing clears the mark; a change of national threat level sets it again.
        change.reason = "Reviewed after the failed test".into();
        assert!(
            !s.risk()
                .update_assessment(&sm, a.id, &change)
                .await
                .unwrap()
                .review_required
        );
        let intel = actor(&s, "intel").await;
        s.risk()
            .set_threat_level(&intel, "unauthorised_access", 3, "unchanged")
            .await
            .unwrap();
        assert!(
            !s.risk()
                .assessment(&sm, a.id)
                .await
                .unwrap()
                .review_required,
            "the same level changes nothing"
        );
        s.risk()
            .set_threat_level(&intel, "unauthorised_access", 4, "New intelligence")
            .await
            .unwrap();
        let marked = s.risk().assessment(&sm, a.id).await.unwrap();
        assert!(marked.review_required);
        assert!(
            marked.review_reason.contains("from 3 to 4"),
            "{}",
            marked.review_reason
        );
        assert_eq!(
            s.risk()
                .score_proposals(&sm, npt, nat05)
                .await
                .unwrap()
                .likelihood
                .unwrap()
                .score
                .get(),
            4
        );
        let evidence = s.risk().evidence(&sm, npt, nat05).await.unwrap();
        assert_eq!(evidence.len(), 11);
        assert!(s
            .risk()
            .evidence(&actor(&s, "sky.security").await, npt, nat05)
            .await
            .is_err());
    }
}

#[tokio::test]
async fn mitigation_actions_are_flagged_when_overdue_and_project_the_residual_risk() {
    use sems_services::risk::actions::ActionInput;
    for s in services().await {
        let sm = actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();
        let nat02 = scenario_id(&s, &sm, "NAT-02").await;
        let mut input = hold_baggage(nat02);
        input.vulnerability = 4;
        let a = s.risk().create_assessment(&sm, npt, &input).await.unwrap();
        let yesterday =
            sems_domain::util::format_date(sems_domain::util::today() - time::Duration::days(1));
        let action = |due: &str, reduction: i64, status: Option<&str>| ActionInput {
            title: "Second body scanner at the checkpoint".into(),
            responsible_person_id: sm.person_id(),
            due_on: due.into(),
            status: status.map(str::to_string),
            cost_one_off: 250_000,
            cost_annual: 20_000,
            effect_on: "vulnerability".into(),
            expected_reduction: reduction,
        };
        let late = s
            .risk()
            .create_action(&sm, a.id, &action(&yesterday, 2, None))
            .await
            .unwrap();
        assert!(late.overdue);
        assert!(matches!(
            s.risk()
                .create_action(&sm, a.id, &action(&yesterday, 5, None))
                .await,
            Err(ServiceError::Validation(_))
        ));
        assert!(matches!(
            s.risk()
                .create_action(&sm, a.id, &action("soon", 1, None))
                .await,
            Err(ServiceError::Validation(_))
        ));
        let sky = actor(&s, "sky.security").await;
        assert!(matches!(
            s.risk()
                .create_action(&sky, a.id, &action(&yesterday, 1, None))
                .await,
            Err(ServiceError::NotFound(_))
        ));
        let (list, projection) = s.risk().actions(&sm, a.id).await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(projection.vulnerability, 2);
        assert!(projection.residual.score < a.residual_score as u32);
        assert!(overdue_ids(&s, &sm).await.contains(&late.action.id));

        // Done: no longer overdue, and no longer counted in the projection (the assessment
        // itself is re-scored when the work is in place).
        let done = s
            .risk()
            .update_action(&sm, late.action.id, &action(&yesterday, 2, Some("done")))
            .await
            .unwrap();
        assert!(!done.overdue);
        let (_, projection) = s.risk().actions(&sm, a.id).await.unwrap();
        assert_eq!(projection.vulnerability, 4);
        assert!(!overdue_ids(&s, &sm).await.contains(&late.action.id));
    }
}

#[tokio::test]
async fn the_national_picture_is_for_the_authority_and_counts_every_organisation() {
    for s in services().await {
        let director = actor(&s, "director").await;
        let before = s.risk().national_picture(&director).await.unwrap();
        let sm = actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();
        let nat01 = scenario_id(&s, &sm, "NAT-01").await;
        let a = s
            .risk()
            .create_assessment(&sm, npt, &hold_baggage(nat01))
            .await
            .unwrap();
        let after = s.risk().national_picture(&director).await.unwrap();
        assert_eq!(after.assessments, before.assessments + 1);
        let row = after.rows.iter().find(|r| r.scenario_id == nat01).unwrap();
        let level = RiskLevel::ALL
            .iter()
            .find(|l| l.as_str() == a.residual_level)
            .unwrap();
        assert!(row.by_level[level.index()] >= 1);
        let inspector = actor(&s, "inspector").await;
        assert!(s.risk().national_picture(&inspector).await.is_ok());
        for who in ["npt.security", "npt.executive", "policy", "admin"] {
            assert!(
                matches!(
                    s.risk().national_picture(&actor(&s, who).await).await,
                    Err(ServiceError::NotFound(_))
                ),
                "{who}"
            );
        }
    }
}

#[tokio::test]
async fn csv_import_reports_every_bad_row_and_imports_all_or_nothing() {
    for s in services().await {
        let sm = actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();
        let header = "code,category,title,target,means,perpetrator,description\n";
        let bad = format!(
            "{header}NPT-S1,explosives,Parcel bomb at the mail centre,Mail centre,IED in a parcel,external,A parcel bomb delivered to the airport mail centre\n\
             NPT-S2,weather,Storm,Everything,Wind,external,Not a security scenario at all\n\
             NPT-S1,explosives,Duplicate,Mail centre,IED,external,The same code a second time in the file\n\
             NPT-S3,hijack,Hijack,Aircraft,Weapons,alien,Nobody knows this kind of perpetrator\n"
        );
        let report = s
            .risk()
            .import_scenarios(&sm, npt, &bad, false)
            .await
            .unwrap();
        assert!(!report.imported);
        let lines: Vec<usize> = report.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5], "{:?}", report.errors);
        assert!(report.errors[0].message.contains("category"));
        assert!(report.errors[1].message.contains("more than once"));
        let own = ScenarioFilter {
            party_id: Some(npt),
            ..Default::default()
        };
        assert_eq!(
            s.risk()
                .scenarios(&sm, &own, Default::default())
                .await
                .unwrap()
                .total,
            0
        );

        let good = format!(
            "{header}NPT-S1,explosives,Parcel bomb at the mail centre,Mail centre,IED in a parcel,external,A parcel bomb delivered to the airport mail centre\n\
             \"NPT-S2\",unauthorised_access,\"Tailgating at gate 4, staff door\",Staff door,Following a badge holder,insider,\"A staff member lets a \"\"friend\"\" through\"\n"
        );
        let dry = s
            .risk()
            .import_scenarios(&sm, npt, &good, true)
            .await
            .unwrap();
        assert!(dry.errors.is_empty() && !dry.imported);
        assert_eq!(dry.codes, vec!["NPT-S1", "NPT-S2"]);
        assert_eq!(
            s.risk()
                .scenarios(&sm, &own, Default::default())
                .await
                .unwrap()
                .total,
            0
        );
        let done = s
            .risk()
            .import_scenarios(&sm, npt, &good, false)
            .await
            .unwrap();
        assert!(done.imported);
        let stored = s
            .risk()
            .scenarios(&sm, &own, Default::default())
            .await
            .unwrap();
        assert_eq!(stored.total, 2);
        assert!(stored
            .items
            .iter()
            .any(|x| x.title == "Tailgating at gate 4, staff door"));
        let again = s
            .risk()
            .import_scenarios(&sm, npt, &good, false)
            .await
            .unwrap();
        assert_eq!(again.errors.len(), 2, "codes exist now");

        let missing = s
            .risk()
            .import_scenarios(&sm, npt, "code,title\nX,Y\n", true)
            .await
            .unwrap();
        assert_eq!(missing.errors[0].line, 1);
        assert!(missing.errors[0].message.contains("category"));

        let measures = "code,title,description,scenarios\n\
             NPT-M1,Mail centre X-ray,All parcels to the mail centre are X-rayed,NPT-S1;NAT-09\n\
             NPT-M2,Nonsense,Links a scenario nobody has,NAT-99\n";
        let report = s
            .risk()
            .import_measures(&sm, npt, measures, false)
            .await
            .unwrap();
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].line, 3);
        assert!(!report.imported);
        let ok = "code,title,description,scenarios\n\
             NPT-M1,Mail centre X-ray,All parcels to the mail centre are X-rayed,NPT-S1; nat-09\n";
        let report = s.risk().import_measures(&sm, npt, ok, false).await.unwrap();
        assert!(report.imported, "{:?}", report.errors);
        let m = measure_id(&s, &sm, "NPT-M1").await;
        assert_eq!(
            s.risk().measure(&sm, m).await.unwrap().scenario_ids.len(),
            2
        );

        let staff = actor(&s, "npt.staff").await;
        assert!(s
            .risk()
            .import_scenarios(&staff, npt, &good, true)
            .await
            .is_err());
        let sky = actor(&s, "sky.security").await;
        assert!(s.risk().import_measures(&sky, npt, ok, true).await.is_err());
        // Authorised before the file is read: a stranger's broken file is refused, not read.
        assert!(s
            .risk()
            .import_scenarios(&sky, npt, "code\n\"open", true)
            .await
            .is_err());

        let empty = s
            .risk()
            .import_scenarios(&sm, npt, header, true)
            .await
            .unwrap();
        assert_eq!(empty.errors.len(), 1);
        assert_eq!(empty.errors[0].line, 1);
        assert!(empty.errors[0].message.contains("no scenario"));
    }
}

#[tokio::test]
async fn the_demo_tells_a_risk_story_for_the_regulated_agent() {
    for s in services().await {
        let sm = actor(&s, "swc.security").await;
        let swc = sm.party_id().unwrap();
        let register = s
            .risk()
            .assessments(
                &sm,
                &sems_storage::risk::AssessmentFilter::default(),
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(register.total, 3);
        assert!(register.items.iter().any(|a| a.review_required));
        assert!(register
            .items
            .iter()
            .any(|a| !a.likelihood_override_reason.is_empty()));
        assert!(!overdue_ids(&s, &sm).await.is_empty());
        let measures = s.risk().measure_register(&sm, swc).await.unwrap();
        assert!(
            measures
                .iter()
                .filter(|l| l.implementation.is_some())
                .count()
                >= 4
        );
    }
}

/// A CONFIDENTIAL assessment's rationales reach no RESTRICTED reader of the trail.
#[tokio::test]
async fn the_trail_keeps_an_assessments_classification() {
    for s in common::services().await {
        let sm = actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();
        let nat01 = common::scenario_id(&s, &sm, "NAT-01").await;
        let mut input = hold_baggage(nat01);
        input.classification = Some("CONFIDENTIAL".into());
        let a = s.risk().create_assessment(&sm, npt, &input).await.unwrap();
        let mentions = |items: &[sems_storage::audit::AuditView]| {
            items
                .iter()
                .any(|e| e.record_kind == "risk_assessment" && e.record_id == Some(a.id))
        };
        let auditor = actor(&s, "npt.auditor").await; // RESTRICTED
        let executive = actor(&s, "npt.executive").await; // CONFIDENTIAL
        let restricted = s
            .audit_entries(&auditor, &Default::default(), Default::default())
            .await
            .unwrap();
        assert!(!mentions(&restricted.items), "{:?}", restricted.items);
        let confidential = s
            .audit_entries(&executive, &Default::default(), Default::default())
            .await
            .unwrap();
        assert!(mentions(&confidential.items));
    }
}

/// The ids of the overdue actions of the actor's organisation, as the register lists them.
async fn overdue_ids(s: &Services, who: &Actor) -> Vec<i64> {
    let filter = sems_storage::actions::ActionFilter {
        party_id: who.party_id(),
        overdue_on: Some(sems_domain::util::today()),
        ..Default::default()
    };
    s.action_register(
        who,
        &filter,
        sems_domain::page::PageRequest::new(Some(1), Some(100)),
    )
    .await
    .unwrap()
    .items
    .iter()
    .map(|v| v.action.id)
    .collect()
}

/// Risks awaiting acceptance and acceptances expiring (issue 11 point 9): a filter of the
/// register that agrees with the domain's rule of an acceptance in force, a column of who
/// accepted until when, a notification to the accountable executive when a risk needs
/// acceptance, and the lines of the executive's home page.
#[tokio::test]
async fn acceptance_is_a_filter_a_column_a_notification_and_a_home_line() {
    use sems_domain::risk::AcceptanceState;
    use sems_services::risk::AcceptanceInput;
    for s in services().await {
        let sm = actor(&s, "npt.security").await;
        let exec = actor(&s, "npt.executive").await;
        let npt = sm.party_id().unwrap();
        let by_state = |state: AcceptanceState| {
            let s = s.clone();
            let sm = sm.clone();
            async move {
                let filter = sems_storage::risk::AssessmentFilter {
                    party_id: Some(npt),
                    acceptance: Some(s.risk().acceptance_filter(state).await.unwrap()),
                    ..Default::default()
                };
                s.risk()
                    .assessments(&sm, &filter, Default::default())
                    .await
                    .unwrap()
                    .items
            }
        };
        // The demo's landside risk is accepted for a year, by the executive.
        let accepted = by_state(AcceptanceState::Accepted).await;
        assert_eq!(accepted.len(), 1);
        assert_eq!(
            accepted[0].accepted_by_name.as_deref(),
            Some("Nora Executive")
        );
        let awaiting_before = by_state(AcceptanceState::Awaiting).await.len();

        // A new medium risk: awaiting, and the executive is told.
        let executive_id = exec.person_id().unwrap();
        let told_before = s.notifications(executive_id, 100).await.unwrap().len();
        let medium = s
            .risk()
            .create_assessment(
                &sm,
                npt,
                &hold_baggage(scenario_id(&s, &sm, "NAT-01").await),
            )
            .await
            .unwrap();
        assert_eq!(medium.residual_level, "medium");
        let told = s.notifications(executive_id, 100).await.unwrap();
        assert_eq!(told.len(), told_before + 1);
        assert!(
            told[0].message.contains("needs your acceptance"),
            "{}",
            told[0].message
        );
        assert_eq!(told[0].link, format!("/risk/assessments/{}", medium.id));
        let awaiting = by_state(AcceptanceState::Awaiting).await;
        assert_eq!(awaiting.len(), awaiting_before + 1);
        let agenda = s.agenda(&exec).await.unwrap();
        let line = agenda
            .iter()
            .find(|a| a.heading == "Risks awaiting your acceptance")
            .expect("the executive's line");
        assert!(
            line.items
                .iter()
                .any(|i| i.link == format!("/risk/assessments/{}", medium.id))
                || line.total > 5
        );
        // The security manager does not decide acceptance: no such line for them.
        assert!(!s
            .agenda(&sm)
            .await
            .unwrap()
            .iter()
            .any(|a| a.heading == "Risks awaiting your acceptance"));

        // Accepted for a month: expiring, no longer awaiting, shown with who and until when.
        let in_a_month = sems_domain::util::today() + time::Duration::days(30);
        s.risk()
            .accept_risk(
                &exec,
                medium.id,
                &AcceptanceInput {
                    expires_on: sems_domain::util::format_date(in_a_month),
                    note: "Until the new screening line opens".into(),
                },
            )
            .await
            .unwrap();
        let expiring = by_state(AcceptanceState::Expiring).await;
        assert!(expiring.iter().any(|a| a.id == medium.id));
        assert!(!by_state(AcceptanceState::Awaiting)
            .await
            .iter()
            .any(|a| a.id == medium.id));
        let shown = s.risk().assessment(&sm, medium.id).await.unwrap();
        assert_eq!(shown.accepted_until, Some(in_a_month));
        assert!(s
            .agenda(&sm)
            .await
            .unwrap()
            .iter()
            .any(|a| a.heading == "Acceptances expiring"));

        // The filter agrees with the domain's rule for every assessment of the airport.
        let all = s
            .risk()
            .assessments(&sm, &Default::default(), Default::default())
            .await
            .unwrap()
            .items;
        let accepted_ids: Vec<i64> = by_state(AcceptanceState::Accepted)
            .await
            .iter()
            .map(|a| a.id)
            .collect();
        for a in &all {
            let list = s.risk().acceptances(&sm, a.id).await.unwrap();
            assert_eq!(
                sems_services::risk::acceptance_in_force(a, &list).is_some(),
                accepted_ids.contains(&a.id),
                "{} {}",
                a.scenario_code,
                a.residual_level
            );
        }
        // Re-scored: the acceptance no longer holds, and the executive is told again.
        let mut change = hold_baggage(medium.scenario_id);
        change.vulnerability = 3;
        change.reason = "Screening equipment failures".into();
        s.risk()
            .update_assessment(&sm, medium.id, &change)
            .await
            .unwrap();
        assert!(!by_state(AcceptanceState::Accepted)
            .await
            .iter()
            .any(|a| a.id == medium.id));
        assert_eq!(
            s.notifications(executive_id, 100).await.unwrap().len(),
            told_before + 2
        );
    }
}
