//! Threat and risk management services, on SQLite and PostgreSQL.

use sems_domain::risk::{RiskLevel, RiskMethod};
use sems_services::risk::ScenarioInput;
use sems_services::{Actor, ServiceConfig, ServiceError, Services};
use sems_storage::risk::ScenarioFilter;
use sems_storage::{people, DatabaseLocation, Store};

async fn services() -> Vec<Services> {
    let mut out = Vec::new();
    let dir = sems_testkit::temp_dir("sems-risk");
    let mut locations = vec![DatabaseLocation::SqliteFile(dir.join("sems.db"))];
    if let Some(pg) = sems_testkit::postgres() {
        locations.push(DatabaseLocation::parse(Some(&pg.create_database()), &dir).unwrap());
    }
    for location in locations {
        let store = Store::open(&location, 4).await.unwrap();
        let s = Services::new(store, ServiceConfig::default());
        s.load_demo("risk test passphrase").await.unwrap();
        out.push(s);
    }
    out
}

async fn actor(s: &Services, username: &str) -> Actor {
    let mut conn = s.store.read().await.unwrap();
    let p = people::by_username(&mut conn, username)
        .await
        .unwrap()
        .unwrap();
    Actor::Person(people::subject(&mut conn, p.id).await.unwrap().unwrap())
}

fn count(page: &sems_domain::page::Page<sems_storage::risk::ThreatScenario>) -> i64 {
    page.total
}

#[tokio::test]
async fn defaults_are_published_once() {
    for s in services().await {
        s.ensure_risk_defaults().await.unwrap();
        let analyst = actor(&s, "npt.analyst").await;
        let method = s.risk_method(&analyst, None).await.unwrap();
        assert_eq!(method.version, 1);
        assert_eq!(method.method, RiskMethod::default_method());
        let library = s
            .scenarios(&analyst, &ScenarioFilter::default(), Default::default())
            .await
            .unwrap();
        assert_eq!(count(&library), 16, "{:?}", s.store.engine());
        assert_eq!(s.threat_levels(&analyst).await.unwrap().len(), 10);
        // Staff do not browse the threat library or the method.
        let staff = actor(&s, "npt.staff").await;
        assert_eq!(
            count(
                &s.scenarios(&staff, &ScenarioFilter::default(), Default::default())
                    .await
                    .unwrap()
            ),
            0
        );
        assert!(matches!(
            s.risk_method(&staff, None).await,
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
            s.publish_risk_method(&sm, &new, "mine").await,
            Err(ServiceError::Forbidden(_) | ServiceError::NotFound(_))
        ));
        let mut bad = RiskMethod::default_method();
        bad.bands[4].up_to = 100;
        assert!(matches!(
            s.publish_risk_method(&policy, &bad, "").await,
            Err(ServiceError::Validation(_))
        ));
        assert_eq!(
            s.risk_method(&sm, None).await.unwrap().version,
            1,
            "nothing changed"
        );
        let v2 = s
            .publish_risk_method(&policy, &new, "Wider low band")
            .await
            .unwrap();
        assert_eq!(v2.version, 2);
        let current = s.risk_method(&sm, None).await.unwrap();
        assert_eq!(current.version, 2);
        let old = s.risk_method(&sm, Some(1)).await.unwrap();
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
        let own = s.create_scenario(&sm, npt, &input).await.unwrap();
        assert_eq!(own.code, "NPT-01");
        assert!(!own.published);
        assert!(matches!(
            s.create_scenario(&sm, npt, &input).await,
            Err(ServiceError::Conflict(_))
        ));
        let bad = ScenarioInput {
            category: "piracy".into(),
            ..input.clone()
        };
        assert!(matches!(
            s.create_scenario(&sm, npt, &bad).await,
            Err(ServiceError::Validation(_))
        ));

        let analyst = actor(&s, "npt.analyst").await;
        assert_eq!(
            count(
                &s.scenarios(&analyst, &ScenarioFilter::default(), Default::default())
                    .await
                    .unwrap()
            ),
            17
        );
        let sky = actor(&s, "sky.security").await;
        assert_eq!(
            count(
                &s.scenarios(&sky, &ScenarioFilter::default(), Default::default())
                    .await
                    .unwrap()
            ),
            16
        );
        assert!(matches!(
            s.scenario(&sky, own.id).await,
            Err(ServiceError::NotFound(_))
        ));
        // The authority oversees it; a viewer without RESTRICTED clearance does not see it.
        let inspector = actor(&s, "inspector").await;
        assert_eq!(s.scenario(&inspector, own.id).await.unwrap().id, own.id);
        let viewer = actor(&s, "npt.viewer").await;
        assert!(s.scenario(&viewer, own.id).await.is_err());
        // Another organisation cannot add to the national library or to the airport's list.
        let authority = s.authority().await.unwrap().unwrap().id;
        assert!(s
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
                &s.scenarios(&sky, &ScenarioFilter::default(), Default::default())
                    .await
                    .unwrap()
            ),
            17
        );
    }
}

#[tokio::test]
async fn national_threat_levels() {
    for s in services().await {
        let intel = actor(&s, "intel").await;
        s.set_threat_level(
            &intel,
            "stand_off",
            4,
            "Drone sightings near airports rose this quarter",
        )
        .await
        .unwrap();
        let levels = s
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
            s.set_threat_level(&intel, "stand_off", 6, "x").await,
            Err(ServiceError::Validation(_))
        ));
        assert!(matches!(
            s.set_threat_level(&intel, "stand_off", 3, " ").await,
            Err(ServiceError::Validation(_))
        ));
        let sm = actor(&s, "npt.security").await;
        assert!(s
            .set_threat_level(&sm, "stand_off", 1, "lower please")
            .await
            .is_err());
        let after = s.threat_levels(&intel).await.unwrap();
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
            s.create_assessment(&sm, npt, &bad).await,
            Err(ServiceError::Validation(_))
        ));
        let mut bad = hold_baggage(nat01);
        bad.vulnerability_rationale = " ".into();
        assert!(matches!(
            s.create_assessment(&sm, npt, &bad).await,
            Err(ServiceError::Validation(_))
        ));
        let staff = actor(&s, "npt.staff").await;
        assert!(s
            .create_assessment(&staff, npt, &hold_baggage(nat01))
            .await
            .is_err());
        let sky = actor(&s, "sky.security").await;
        assert!(matches!(
            s.create_assessment(&sky, npt, &hold_baggage(nat01)).await,
            Err(ServiceError::NotFound(_))
        ));
        assert_eq!(
            s.assessments(&sm, &Default::default(), Default::default())
                .await
                .unwrap()
                .total,
            0
        );

        let a = s
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
        let in_a_year = sems_domain::util::format_date(sems_domain::util::add_months(
            sems_domain::util::today(),
            12,
        ));
        assert_eq!(a.next_review_on, in_a_year);
        assert!(matches!(
            s.create_assessment(&sm, npt, &hold_baggage(nat01)).await,
            Err(ServiceError::Conflict(_))
        ));

        // Who sees it.
        assert!(matches!(
            s.assessment(&sky, a.id).await,
            Err(ServiceError::NotFound(_))
        ));
        assert_eq!(
            s.assessment(&actor(&s, "inspector").await, a.id)
                .await
                .unwrap()
                .id,
            a.id
        );
        assert_eq!(
            s.assessment(&actor(&s, "npt.executive").await, a.id)
                .await
                .unwrap()
                .id,
            a.id
        );
        assert!(s.assessment(&staff, a.id).await.is_err());

        // A change needs a reason, and is kept: who, when, why, old → new.
        let mut change = hold_baggage(nat01);
        change.vulnerability = 4;
        assert!(matches!(
            s.update_assessment(&sm, a.id, &change).await,
            Err(ServiceError::Validation(_))
        ));
        change.reason = "Two failed covert tests at Terminal 2".into();
        let changed = s.update_assessment(&sm, a.id, &change).await.unwrap();
        assert_eq!(
            (changed.residual_score, changed.residual_level.as_str()),
            (80, "high")
        );
        let history = s.assessment_history(&sm, a.id).await.unwrap();
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
        s.publish_risk_method(&actor(&s, "policy").await, &v2, "Wider high band")
            .await
            .unwrap();
        let mut again = change.clone();
        again.reason = "Minor wording".into();
        assert!(matches!(
            s.update_assessment(&sm, a.id, &again).await,
            Err(ServiceError::Conflict(_))
        ));
        again.reassess = true;
        let reassessed = s.update_assessment(&sm, a.id, &again).await.unwrap();
        assert_eq!(reassessed.method_version, 2);
        assert_eq!(reassessed.residual_level, "high");

        // The register, highest residual risk first.
        let nat02 = s
            .scenarios(
                &sm,
                &ScenarioFilter {
                    search: Some("NAT-02".into()),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap()
            .items[0]
            .id;
        let mut low = hold_baggage(nat02);
        low.vulnerability = 1;
        s.create_assessment(&sm, npt, &low).await.unwrap();
        let register = s
            .assessments(
                &actor(&s, "npt.analyst").await,
                &Default::default(),
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(register.total, 2);
        assert!(register.items[0].residual_score >= register.items[1].residual_score);
        assert_eq!(
            s.assessments(&sky, &Default::default(), Default::default())
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
                s.scenarios(
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
            .create_assessment(&sm, npt, &hold_baggage(find("NAT-01").await))
            .await
            .unwrap();
        assert_eq!(medium.residual_level, "medium");
        let mut worst = hold_baggage(find("NAT-02").await);
        worst.likelihood = 5;
        worst.vulnerability = 5;
        let intolerable = s.create_assessment(&sm, npt, &worst).await.unwrap();
        assert_eq!(intolerable.residual_level, "very_high");
        let mut best = hold_baggage(find("NAT-03").await);
        best.likelihood = 1;
        best.vulnerability = 1;
        let acceptable = s.create_assessment(&sm, npt, &best).await.unwrap();

        let in_a_year = sems_domain::util::format_date(sems_domain::util::add_months(
            sems_domain::util::today(),
            12,
        ));
        let input = AcceptanceInput {
            expires_on: in_a_year.clone(),
            note: "Until the new screening equipment is installed".into(),
        };
        assert!(matches!(
            s.accept_risk(&sm, medium.id, &input).await,
            Err(ServiceError::Forbidden(_))
        ));
        let exec = actor(&s, "npt.executive").await;
        let sky_exec = actor(&s, "sky.executive").await;
        assert!(matches!(
            s.accept_risk(&sky_exec, medium.id, &input).await,
            Err(ServiceError::NotFound(_))
        ));
        assert!(matches!(
            s.accept_risk(&exec, intolerable.id, &input).await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            s.accept_risk(&exec, acceptable.id, &input).await,
            Err(ServiceError::Conflict(_))
        ));
        let past = AcceptanceInput {
            expires_on: "2020-01-01".into(),
            note: String::new(),
        };
        assert!(matches!(
            s.accept_risk(&exec, medium.id, &past).await,
            Err(ServiceError::Validation(_))
        ));
        let far = AcceptanceInput {
            expires_on: "2099-01-01".into(),
            note: String::new(),
        };
        assert!(matches!(
            s.accept_risk(&exec, medium.id, &far).await,
            Err(ServiceError::Validation(_))
        ));
        assert!(
            s.acceptances(&exec, medium.id).await.unwrap().is_empty(),
            "nothing recorded by refusals"
        );

        let accepted = s.accept_risk(&exec, medium.id, &input).await.unwrap();
        assert_eq!(accepted.expires_on, in_a_year);
        let list = s.acceptances(&sm, medium.id).await.unwrap();
        assert!(sems_services::risk::acceptance_in_force(&medium, &list).is_some());
        // A changed assessment is no longer covered by the old acceptance.
        let mut change = hold_baggage(medium.scenario_id);
        change.vulnerability = 3;
        change.reason = "Screening equipment failures".into();
        let changed = s.update_assessment(&sm, medium.id, &change).await.unwrap();
        assert!(sems_services::risk::acceptance_in_force(&changed, &list).is_none());
    }
}
