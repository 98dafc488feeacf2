//! The demo's training, vetting and culture: the airport's personnel of several functions at
//! its terminals and cargo centre with their courses and checks — one screener under the
//! six-hours rule, one whose certification lapsed (its withdrawal task open in the register),
//! one whose certification falls due soon, a supervisor back from a long absence who needs a
//! refresher — the security manager, training officer and analyst linked to their accounts
//! (all current, so they keep reading marked records), and a closed culture survey with its
//! results, one group hidden by suppression, and an action from its weakest theme.

use super::demo_actor;
use crate::training::personnel::{FunctionInput, PersonnelInput};
use crate::training::records::CheckInput;
use crate::training::surveys::{AnswerInput, ItemInput, SurveyInput};
use crate::{Result, ServiceError, Services};
use sems_domain::training::survey::Theme;
use sems_domain::training::{CheckLevel, CheckOutcome, Function};
use sems_domain::util::{add_months, format_date, sub_months, today};
use time::Duration;

/// A person of the demo register: number, name, site, functions, account.
struct DemoPerson {
    number: &'static str,
    name: &'static str,
    site: &'static str,
    functions: &'static str,
    account: &'static str,
}

const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        number: "NPT-0001",
        name: "Sam Security",
        site: "",
        functions: "security_manager;awareness",
        account: "npt.security",
    },
    DemoPerson {
        number: "NPT-0002",
        name: "Tara Training",
        site: "",
        functions: "instructor;awareness",
        account: "npt.training",
    },
    DemoPerson {
        number: "NPT-0003",
        name: "Ana Analyst",
        site: "",
        functions: "awareness",
        account: "npt.analyst",
    },
    DemoPerson {
        number: "NPT-0101",
        name: "Sara Lind",
        site: "Terminal 1",
        functions: "screener_persons;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0102",
        name: "Omar Haddad",
        site: "Terminal 1",
        functions: "screener_persons;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0103",
        name: "Lena Vogt",
        site: "Terminal 1",
        functions: "screener_persons;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0104",
        name: "Marta Silva",
        site: "Terminal 1",
        functions: "screener_persons;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0105",
        name: "Jonas Berg",
        site: "Terminal 1",
        functions: "screener_persons;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0106",
        name: "Aisha Khan",
        site: "Terminal 1",
        functions: "screener_persons;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0107",
        name: "Piet de Vries",
        site: "Terminal 1",
        functions: "access_control;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0108",
        name: "Rosa Marin",
        site: "Terminal 1",
        functions: "access_control;unescorted_access;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0201",
        name: "Tomasz Nowak",
        site: "Terminal 2",
        functions: "screener_hold;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0202",
        name: "Grace Okafor",
        site: "Terminal 2",
        functions: "screener_hold;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0203",
        name: "Luca Romano",
        site: "Terminal 2",
        functions: "screener_hold;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0204",
        name: "Ines Costa",
        site: "Terminal 2",
        functions: "access_control;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0205",
        name: "Erik Holm",
        site: "Terminal 2",
        functions: "aircraft_security;unescorted_access;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0206",
        name: "Nadia Petrova",
        site: "Terminal 2",
        functions: "access_control;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0301",
        name: "Ken Sato",
        site: "Cargo centre",
        functions: "screener_cargo;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0302",
        name: "Maya Cohen",
        site: "Cargo centre",
        functions: "screener_cargo;awareness",
        account: "",
    },
    DemoPerson {
        number: "NPT-0303",
        name: "Paul Dubois",
        site: "Cargo centre",
        functions: "cargo_controls;awareness",
        account: "",
    },
];

/// The main course of a person's first function, and whether it is a screener's.
fn main_course(functions: &str) -> (&'static str, bool) {
    match functions.split(';').next().unwrap_or("") {
        "screener_persons" => ("SCR-PCB", true),
        "screener_hold" => ("SCR-HBS", true),
        "screener_cargo" => ("SCR-CGO", true),
        "access_control" => ("ACC", false),
        "aircraft_security" => ("ACS", false),
        "cargo_controls" => ("CGC", false),
        "security_manager" => ("SMGT", false),
        "instructor" => ("INST", false),
        _ => ("AWARE", false),
    }
}

impl Services {
    /// Loads the training story once; returns how many records it made.
    pub(super) async fn load_training_demo(&self, airport: i64) -> Result<usize> {
        let t = self.training();
        {
            let mut conn = self.store.read().await?;
            if sems_storage::training::personnel::by_employee_number(&mut conn, airport, "NPT-0001")
                .await?
                .is_some()
            {
                return Ok(0);
            }
        }
        let officer = demo_actor(self, "npt.training")
            .await?
            .ok_or(ServiceError::NotFound("demo account"))?;
        let today = today();
        let d = |date: time::Date| format_date(date);
        // The register, from the HR export.
        let mut hr = String::from("employee_number,full_name,started_on,functions,site,account\n");
        for p in PEOPLE {
            hr.push_str(&format!(
                "{},{},{},{},{},{}\n",
                p.number,
                p.name,
                d(sub_months(today, 70)),
                p.functions,
                p.site,
                p.account
            ));
        }
        let report = t.import_personnel(&officer, airport, &hr, false).await?;
        if !report.imported {
            return Err(ServiceError::Internal(format!(
                "demo register: {:?}",
                report.errors
            )));
        }
        let mut made = report.rows;
        // A supervisor back after eight months away: a refresher before returning.
        t.register_person(
            &officer,
            airport,
            &PersonnelInput {
                employee_number: "NPT-0109".into(),
                full_name: "Bruno Mendes".into(),
                site_id: None,
                account: None,
                started_on: d(sub_months(today, 70)),
                functions: vec![
                    FunctionInput {
                        function: Function::Supervisor,
                        since: None,
                        last_exercised_on: Some(d(sub_months(today, 8))),
                    },
                    FunctionInput {
                        function: Function::Awareness,
                        since: None,
                        last_exercised_on: None,
                    },
                ],
                active: true,
            },
        )
        .await?;
        made += 1;
        // Checks: done four years ago (Tara's a month earlier, before her instructor course),
        // valid five years; the analyst's standard one, the others' as their functions ask.
        let mut conn = self.store.read().await?;
        let mut ids = Vec::new();
        for number in PEOPLE.iter().map(|p| p.number).chain(["NPT-0109"]) {
            if let Some(p) =
                sems_storage::training::personnel::by_employee_number(&mut conn, airport, number)
                    .await?
            {
                ids.push((number, p.id));
            }
        }
        drop(conn);
        for (number, id) in &ids {
            let person = PEOPLE.iter().find(|p| p.number == *number);
            let functions = person.map_or("supervisor", |p| p.functions);
            let enhanced = functions.contains("screener")
                || functions.contains("supervisor")
                || functions.contains("security_manager")
                || functions.contains("instructor");
            let done = if *number == "NPT-0002" {
                sub_months(today, 49)
            } else {
                sub_months(today, 48)
            };
            t.record_check(
                &officer,
                *id,
                &CheckInput {
                    level: if enhanced {
                        CheckLevel::Enhanced
                    } else {
                        CheckLevel::Standard
                    },
                    completed_on: d(done),
                    valid_until: d(add_months(done, 60) - Duration::days(1)),
                    outcome: CheckOutcome::Cleared,
                },
            )
            .await?;
            made += 1;
        }
        // Courses, from the LMS export: the instructor's own first (a file is checked against
        // what is stored), then everyone's.
        let mut lms =
            String::from("employee_number,course,completed_on,hours,instructor,provider\n");
        lms.push_str(&format!(
            "NPT-0002,INST,{},16,,National Security Academy\n",
            d(sub_months(today, 47))
        ));
        let report = t.import_training(&officer, airport, &lms, false).await?;
        if !report.imported {
            return Err(ServiceError::Internal(format!(
                "demo instructor: {:?}",
                report.errors
            )));
        }
        let mut lms =
            String::from("employee_number,course,completed_on,hours,instructor,provider\n");
        for p in PEOPLE {
            lms.push_str(&format!(
                "{},AWARE,{},3,NPT-0002,Northport training centre\n",
                p.number,
                d(sub_months(today, 24))
            ));
            let (course, screens) = main_course(p.functions);
            if course == "AWARE" || course == "INST" {
                continue;
            }
            let certified = match p.number {
                // Certified three years and four months ago: due, then three months' grace
                // ran out a month ago.
                "NPT-0103" => sub_months(today, 40),
                // Due in a month: "due soon".
                "NPT-0301" => sub_months(today, 35),
                _ => sub_months(today, 12),
            };
            lms.push_str(&format!(
                "{},{course},{},24,NPT-0002,Northport training centre\n",
                p.number,
                d(certified)
            ));
            if p.functions.contains("unescorted_access") {
                lms.push_str(&format!(
                    "{},URA,{},4,NPT-0002,Northport training centre\n",
                    p.number,
                    d(sub_months(today, 12))
                ));
            }
            if screens {
                // Image-recognition training: 7.5 hours over the last five months; Omar
                // only 3.5.
                let sessions: &[(i64, f64)] = if p.number == "NPT-0102" {
                    &[(120, 1.5), (40, 2.0)]
                } else {
                    &[(150, 2.5), (90, 2.5), (30, 2.5)]
                };
                for (days, hours) in sessions {
                    lms.push_str(&format!(
                        "{},IRT,{},{hours},,Computer-based training\n",
                        p.number,
                        d(today - Duration::days(*days))
                    ));
                }
            }
        }
        lms.push_str(&format!(
            "NPT-0109,AWARE,{},3,NPT-0002,Northport training centre\n",
            d(sub_months(today, 24))
        ));
        lms.push_str(&format!(
            "NPT-0109,SUPV,{},16,NPT-0002,Northport training centre\n",
            d(sub_months(today, 30))
        ));
        let report = t.import_training(&officer, airport, &lms, false).await?;
        if !report.imported {
            return Err(ServiceError::Internal(format!(
                "demo records: {:?}",
                report.errors
            )));
        }
        made += report.rows;
        made += self.load_culture_survey_demo(airport).await?;
        Ok(made)
    }

    /// A culture survey of the airport, answered and closed: Terminal 1's results shown,
    /// the small "Other" group hidden and Terminal 2 beside it, the weakest theme acted on.
    async fn load_culture_survey_demo(&self, airport: i64) -> Result<usize> {
        let t = self.training();
        let security = demo_actor(self, "npt.security")
            .await?
            .ok_or(ServiceError::NotFound("demo account"))?;
        let today = today();
        let launched = t
            .launch_survey(
                &security,
                airport,
                &SurveyInput {
                    title: "Security culture at Northport".into(),
                    site_id: None,
                    function: None,
                    opens_on: format_date(today),
                    closes_on: format_date(today + Duration::days(21)),
                    questions: None,
                },
            )
            .await?;
        // Answers: 7 at Terminal 1, 5 at Terminal 2, 2 of "Other"; passes are the weak point.
        let mut wanted = [("Terminal 1", 7usize), ("Terminal 2", 5), ("", 2)];
        let texts = [
            "Queues at peak times make people rush the checks.",
            "Supervisors back us when we challenge someone without a pass.",
            "Briefings on new threats would help.",
            "Staff often carry their pass in a pocket airside.",
        ];
        let mut answered = 0usize;
        for (n, inv) in launched.invitations.iter().enumerate() {
            let site = inv.site_name.as_deref().unwrap_or("");
            let slot = wanted.iter_mut().find(|(s, left)| {
                *left > 0 && (*s == site || (s.is_empty() && site == "Cargo centre"))
            });
            let Some(slot) = slot else {
                continue;
            };
            slot.1 -= 1;
            let token = inv.link.trim_start_matches("/survey/");
            let answers = launched
                .survey
                .questions
                .iter()
                .map(|q| {
                    let top = q.scale.top();
                    // Mostly agreeing; passes low; a spread from person to person.
                    let base: u8 = if q.theme == Theme::Passes {
                        2
                    } else {
                        top - 1 - (n % 2) as u8
                    };
                    ItemInput {
                        code: q.code.clone(),
                        value: base.clamp(1, top),
                    }
                })
                .collect();
            let free_text = texts
                .get(answered % 5)
                .map(|s| s.to_string())
                .unwrap_or_default();
            t.answer_survey(token, &AnswerInput { answers, free_text })
                .await?;
            answered += 1;
        }
        t.close_survey(&security, launched.survey.id).await?;
        let results = t.survey_results(&security, launched.survey.id).await?;
        if let Some(weakest) = results.weakest.first() {
            t.open_theme_action(&security, launched.survey.id, weakest.theme)
                .await?;
        }
        Ok(answered + 2)
    }
}
