//! The national training programme as data: the courses it names and, per function, the
//! courses required initially and again at intervals, the refresher before returning to duty
//! after an absence, certification with its renewal and grace, continuous image-recognition
//! training for screeners, and the background check. The authority's policy officer publishes
//! versions; organisations add stricter requirements and their own courses, never weaker ones
//! ([`check_stricter`]).

use super::{CheckLevel, Function};
use crate::{Checks, ValidationErrors};

/// A course the programme names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Course {
    /// Capital letters, digits and hyphens: `AWARE`, `SCR-PCB`.
    pub code: String,
    pub title: String,
    /// Whether it shows non-public security information: nobody is enrolled before a valid
    /// background check is recorded.
    pub shows_non_public: bool,
}

/// A course required again at an interval.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Recurrent {
    pub course: String,
    /// At most this many months after the last completion.
    pub every_months: u32,
}

/// Certification of a function and its renewal.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Certification {
    /// The course whose passed completion certifies.
    pub course: String,
    pub renewal_months: u32,
    /// After the renewal date, how long until the entitlement is withdrawn.
    pub grace_months: u32,
}

/// Continuous image-recognition training: at least `hours` in every window of `window_months`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ImageTraining {
    pub course: String,
    pub hours: f64,
    pub window_months: u32,
}

/// The background check a function needs and how often it is renewed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CheckRequirement {
    pub level: CheckLevel,
    pub renewal_months: u32,
}

/// What a function requires.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FunctionRequirements {
    pub function: Function,
    /// Courses completed before taking up the function.
    pub initial: Vec<String>,
    pub recurrent: Vec<Recurrent>,
    /// A refresher (the function's recurrent course) before returning to duty after this many
    /// months without exercising it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresher_after_absence_months: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification: Option<Certification>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_training: Option<ImageTraining>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_check: Option<CheckRequirement>,
}

/// Who reads marked records: above `from_classification`, only a person whose background
/// check is valid and whose `awareness_course` is current.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AccessGate {
    /// The lowest classification level (index in the scheme) the gate applies to; 1 is the
    /// first above the lowest marking.
    pub from_classification: i64,
    pub awareness_course: String,
    pub awareness_every_months: u32,
    pub check_required: bool,
}

/// A version of the national training programme (or an organisation's additions to it).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TrainingProgramme {
    pub courses: Vec<Course>,
    pub functions: Vec<FunctionRequirements>,
    /// Days before an expiry that a requirement reads "due soon".
    pub due_soon_days: u32,
    pub access_gate: AccessGate,
}

/// Recurrent training at least every 5 years.
pub const DEFAULT_RECURRENCE_MONTHS: u32 = 60;
/// A refresher before returning to duty after more than 6 months away.
pub const DEFAULT_ABSENCE_MONTHS: u32 = 6;
/// X-ray and EDS screeners are certified again every 3 years, other certified functions every 5.
pub const SCREENER_RECERTIFICATION_MONTHS: u32 = 36;
pub const OTHER_RECERTIFICATION_MONTHS: u32 = 60;
/// The entitlement is withdrawn 3 months after a certification is due.
pub const DEFAULT_GRACE_MONTHS: u32 = 3;
/// Background checks are renewed at most every 5 years.
pub const MAX_CHECK_MONTHS: u32 = 60;

fn is_course_code(code: &str) -> bool {
    (2..=20).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

impl TrainingProgramme {
    pub fn course(&self, code: &str) -> Option<&Course> {
        self.courses.iter().find(|c| c.code == code)
    }

    pub fn function(&self, f: Function) -> Option<&FunctionRequirements> {
        self.functions.iter().find(|r| r.function == f)
    }

    /// The courses a function counts: initial, recurrent, certification and image training.
    pub fn courses_of(&self, f: Function) -> Vec<&str> {
        let Some(r) = self.function(f) else {
            return Vec::new();
        };
        let mut out: Vec<&str> = r.initial.iter().map(String::as_str).collect();
        out.extend(r.recurrent.iter().map(|c| c.course.as_str()));
        out.extend(r.certification.iter().map(|c| c.course.as_str()));
        out.extend(r.image_training.iter().map(|c| c.course.as_str()));
        out.push(self.access_gate.awareness_course.as_str());
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Checks a programme whole: every refusal, each with its field.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut checks = Checks::default();
        let mut codes: Vec<&str> = self.courses.iter().map(|c| c.code.as_str()).collect();
        codes.sort_unstable();
        let unique = codes.windows(2).all(|w| w[0] != w[1]);
        checks.require(unique, "courses", "each course code once");
        for c in &self.courses {
            checks.require(
                is_course_code(&c.code),
                "courses",
                format!(
                    "'{}': a course code is 2 to 20 capital letters, digits and hyphens",
                    c.code
                ),
            );
            checks.require(
                !c.title.trim().is_empty() && c.title.len() <= 200,
                "courses",
                format!("{}: a course has a title", c.code),
            );
        }
        let known = |code: &str| self.course(code).is_some();
        let mut functions: Vec<Function> = self.functions.iter().map(|f| f.function).collect();
        functions.sort_by_key(|f| f.as_str());
        checks.require(
            functions.windows(2).all(|w| w[0] != w[1]),
            "functions",
            "each function once",
        );
        for f in &self.functions {
            let name = f.function.label();
            let named = f
                .initial
                .iter()
                .chain(f.recurrent.iter().map(|r| &r.course))
                .chain(f.certification.iter().map(|c| &c.course))
                .chain(f.image_training.iter().map(|c| &c.course));
            for code in named {
                checks.require(
                    known(code),
                    "functions",
                    format!("{name}: no course {code} in the programme"),
                );
            }
            for r in &f.recurrent {
                checks.require(
                    (1..=120).contains(&r.every_months),
                    "functions",
                    format!(
                        "{name}: {} is required again within 1 to 120 months",
                        r.course
                    ),
                );
            }
            if let Some(m) = f.refresher_after_absence_months {
                checks.require(
                    (1..=60).contains(&m),
                    "functions",
                    format!("{name}: a refresher after 1 to 60 months away"),
                );
            }
            if let Some(c) = &f.certification {
                checks.require(
                    (1..=120).contains(&c.renewal_months) && c.grace_months <= 12,
                    "functions",
                    format!("{name}: certification renewed within 1 to 120 months, with at most 12 months' grace"),
                );
            }
            if let Some(i) = &f.image_training {
                checks.require(
                    i.hours.is_finite() && i.hours > 0.0 && i.hours <= 200.0 && (1..=24).contains(&i.window_months),
                    "functions",
                    format!("{name}: image-recognition training is some hours in a window of 1 to 24 months"),
                );
            }
            if let Some(c) = &f.background_check {
                checks.require(
                    (1..=MAX_CHECK_MONTHS).contains(&c.renewal_months),
                    "functions",
                    format!(
                        "{name}: a background check is renewed within {MAX_CHECK_MONTHS} months"
                    ),
                );
            }
            // A course showing non-public information needs a check before it.
            let non_public = f
                .initial
                .iter()
                .chain(f.recurrent.iter().map(|r| &r.course))
                .any(|c| self.course(c).is_some_and(|c| c.shows_non_public));
            checks.require(
                !non_public || f.background_check.is_some(),
                "functions",
                format!("{name}: a course showing non-public information needs a background check first"),
            );
        }
        checks.require(
            (1..=365).contains(&self.due_soon_days),
            "due_soon_days",
            "due soon is 1 to 365 days ahead",
        );
        let g = &self.access_gate;
        checks.require(
            known(&g.awareness_course) && (1..=120).contains(&g.awareness_every_months),
            "access_gate",
            "the access gate names a course of the programme and its interval (1 to 120 months)",
        );
        checks.require(
            g.from_classification >= 1,
            "access_gate",
            "the gate applies above the lowest marking",
        );
        checks.finish()
    }
}

/// Whether an organisation's requirements for a function are at least those of the national
/// programme: every national course, no longer interval, no looser check, no less training.
/// A weaker requirement is refused with the national one in the message.
pub fn check_stricter(
    national: &FunctionRequirements,
    own: &FunctionRequirements,
) -> Result<(), ValidationErrors> {
    let mut checks = Checks::default();
    let name = national.function.label();
    for c in &national.initial {
        checks.require(
            own.initial.contains(c),
            "initial",
            format!("{name}: the national programme requires {c} initially"),
        );
    }
    for r in &national.recurrent {
        let ok = own
            .recurrent
            .iter()
            .any(|o| o.course == r.course && o.every_months <= r.every_months);
        checks.require(
            ok,
            "recurrent",
            format!(
                "{name}: the national programme requires {} at least every {} months",
                r.course, r.every_months
            ),
        );
    }
    if let Some(n) = national.refresher_after_absence_months {
        checks.require(
            own.refresher_after_absence_months.is_some_and(|o| o <= n),
            "refresher_after_absence_months",
            format!("{name}: the national programme requires a refresher after {n} months away"),
        );
    }
    if let Some(n) = &national.certification {
        let ok = own.certification.as_ref().is_some_and(|o| {
            o.course == n.course
                && o.renewal_months <= n.renewal_months
                && o.grace_months <= n.grace_months
        });
        checks.require(
            ok,
            "certification",
            format!(
                "{name}: the national programme requires certification by {} every {} months, withdrawn {} months after",
                n.course, n.renewal_months, n.grace_months
            ),
        );
    }
    if let Some(n) = &national.image_training {
        let ok = own
            .image_training
            .as_ref()
            .is_some_and(|o| o.hours >= n.hours && o.window_months <= n.window_months);
        checks.require(
            ok,
            "image_training",
            format!(
                "{name}: the national programme requires at least {} hours of image-recognition training in every {} months",
                n.hours, n.window_months
            ),
        );
    }
    if let Some(n) = &national.background_check {
        let ok = own
            .background_check
            .as_ref()
            .is_some_and(|o| o.level.satisfies(n.level) && o.renewal_months <= n.renewal_months);
        checks.require(
            ok,
            "background_check",
            format!(
                "{name}: the national programme requires the {} renewed every {} months",
                n.level.label().to_lowercase(),
                n.renewal_months
            ),
        );
    }
    checks.finish()
}

/// An organisation's additions to the national programme: its own courses and, for some
/// functions, requirements stricter than the national ones (each whole: it replaces the
/// national requirements of that function for the organisation's personnel).
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct Additions {
    #[serde(default)]
    pub courses: Vec<Course>,
    #[serde(default)]
    pub functions: Vec<FunctionRequirements>,
}

impl TrainingProgramme {
    /// The programme an organisation's personnel are held to: the national one with the
    /// organisation's courses and, for each function it set stricter, its requirements. A
    /// function whose own requirements are no longer at least the national ones (the
    /// national programme became stricter since) keeps the national requirements.
    pub fn with_additions(&self, additions: &Additions) -> TrainingProgramme {
        let mut out = self.clone();
        for c in &additions.courses {
            if out.course(&c.code).is_none() {
                out.courses.push(c.clone());
            }
        }
        for own in &additions.functions {
            let Some(i) = out
                .functions
                .iter()
                .position(|f| f.function == own.function)
            else {
                continue;
            };
            if check_stricter(&self.functions[i], own).is_ok() {
                out.functions[i] = own.clone();
            }
        }
        out
    }

    /// Checks an organisation's additions against this (national) programme: its own courses
    /// under new codes, each function's requirements at least the national ones, and the
    /// programme they make whole.
    pub fn check_additions(&self, additions: &Additions) -> Result<(), ValidationErrors> {
        let mut checks = Checks::default();
        for c in &additions.courses {
            checks.require(
                self.course(&c.code).is_none(),
                "courses",
                format!(
                    "{}: the national programme has a course of this code",
                    c.code
                ),
            );
        }
        let mut errors = Vec::new();
        for own in &additions.functions {
            match self.function(own.function) {
                Some(national) => {
                    if let Err(e) = check_stricter(national, own) {
                        errors.extend(e.iter().cloned());
                    }
                }
                None => checks.require(
                    false,
                    "functions",
                    format!(
                        "{}: not a function of the national programme",
                        own.function.label()
                    ),
                ),
            }
        }
        let mut merged = self.clone();
        merged.courses.extend(additions.courses.iter().cloned());
        for own in &additions.functions {
            if let Some(f) = merged
                .functions
                .iter_mut()
                .find(|f| f.function == own.function)
            {
                *f = own.clone();
            }
        }
        if let Err(e) = merged.validate() {
            errors.extend(e.iter().cloned());
        }
        for e in errors {
            checks.refuse(e);
        }
        checks.finish()
    }
}

/// A course's code in the shipped programme.
fn course(code: &str, title: &str, shows_non_public: bool) -> Course {
    Course {
        code: code.into(),
        title: title.into(),
        shows_non_public,
    }
}

/// The programme sems ships, in our own words, following the usual categories of staff.
pub fn default_programme() -> TrainingProgramme {
    let courses = vec![
        course("AWARE", "General security awareness", false),
        course("SCR-PCB", "Screening of persons and cabin baggage", true),
        course("SCR-HBS", "Screening of hold baggage", true),
        course("SCR-CGO", "Screening of cargo and mail", true),
        course("IRT", "Image-recognition training (continuous)", true),
        course("ACC", "Access control", true),
        course("ACS", "Aircraft security checks and protection", true),
        course("CGC", "Cargo and mail security controls", true),
        course("SUP", "In-flight and airport supplies security", true),
        course("SUPV", "Supervision of security controls", true),
        course("SMGT", "Security management", true),
        course(
            "URA",
            "Unescorted access to security restricted areas",
            false,
        ),
        course("INST", "Instructor qualification", true),
    ];
    let check = |level| {
        Some(CheckRequirement {
            level,
            renewal_months: MAX_CHECK_MONTHS,
        })
    };
    let every = |course: &str| Recurrent {
        course: course.into(),
        every_months: DEFAULT_RECURRENCE_MONTHS,
    };
    let plain = |function, main: &str, level| FunctionRequirements {
        function,
        initial: vec!["AWARE".into(), main.into()],
        recurrent: vec![every(main)],
        refresher_after_absence_months: Some(DEFAULT_ABSENCE_MONTHS),
        certification: None,
        image_training: None,
        background_check: check(level),
    };
    let screener = |function, main: &str| FunctionRequirements {
        certification: Some(Certification {
            course: main.into(),
            renewal_months: SCREENER_RECERTIFICATION_MONTHS,
            grace_months: DEFAULT_GRACE_MONTHS,
        }),
        image_training: Some(ImageTraining {
            course: "IRT".into(),
            hours: 6.0,
            window_months: 6,
        }),
        ..plain(function, main, CheckLevel::Enhanced)
    };
    let functions = vec![
        screener(Function::ScreenerPersons, "SCR-PCB"),
        screener(Function::ScreenerHold, "SCR-HBS"),
        screener(Function::ScreenerCargo, "SCR-CGO"),
        plain(Function::AccessControl, "ACC", CheckLevel::Standard),
        plain(Function::AircraftSecurity, "ACS", CheckLevel::Standard),
        plain(Function::CargoControls, "CGC", CheckLevel::Standard),
        plain(Function::Supplies, "SUP", CheckLevel::Standard),
        plain(Function::Supervisor, "SUPV", CheckLevel::Enhanced),
        plain(Function::SecurityManager, "SMGT", CheckLevel::Enhanced),
        FunctionRequirements {
            initial: vec!["AWARE".into(), "URA".into()],
            ..plain(Function::UnescortedAccess, "URA", CheckLevel::Standard)
        },
        FunctionRequirements {
            function: Function::Awareness,
            initial: vec!["AWARE".into()],
            recurrent: vec![every("AWARE")],
            refresher_after_absence_months: None,
            certification: None,
            image_training: None,
            background_check: None,
        },
        FunctionRequirements {
            certification: Some(Certification {
                course: "INST".into(),
                renewal_months: OTHER_RECERTIFICATION_MONTHS,
                grace_months: DEFAULT_GRACE_MONTHS,
            }),
            ..plain(Function::Instructor, "INST", CheckLevel::Enhanced)
        },
    ];
    TrainingProgramme {
        courses,
        functions,
        due_soon_days: 60,
        access_gate: AccessGate {
            from_classification: 1,
            awareness_course: "AWARE".into(),
            awareness_every_months: DEFAULT_RECURRENCE_MONTHS,
            check_required: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_programme_is_valid_and_covers_every_category_of_staff() {
        let p = default_programme();
        assert_eq!(p.validate(), Ok(()));
        for f in Function::ALL {
            let r = p.function(*f).expect("every function");
            // Recurrent training at least every 5 years.
            assert!(r.recurrent.iter().all(|c| c.every_months <= 60), "{f:?}");
            if f.screens() {
                let c = r.certification.as_ref().expect("certified");
                assert_eq!((c.renewal_months, c.grace_months), (36, 3));
                let i = r.image_training.as_ref().expect("image training");
                assert_eq!((i.hours, i.window_months), (6.0, 6));
            }
        }
        let instructor = p.function(Function::Instructor).unwrap();
        assert_eq!(
            instructor.certification.as_ref().unwrap().renewal_months,
            60
        );
        assert!(p.courses_of(Function::ScreenerPersons).contains(&"IRT"));
        assert!(!p.courses_of(Function::Awareness).contains(&"SCR-PCB"));
    }

    #[test]
    fn a_bad_programme_is_refused_with_its_reasons() {
        let mut p = default_programme();
        p.courses.push(course("aware", "lower case", false));
        p.functions[0].recurrent[0].every_months = 0;
        p.functions[3].background_check = None; // access control shows non-public information
        p.due_soon_days = 0;
        let e = p.validate().unwrap_err();
        let messages: Vec<String> = e.iter().map(|e| e.message.clone()).collect();
        assert!(
            messages.iter().any(|m| m.contains("'aware'")),
            "{messages:?}"
        );
        assert!(messages
            .iter()
            .any(|m| m.contains("within 1 to 120 months")));
        assert!(messages
            .iter()
            .any(|m| m.contains("Access control: a course showing non-public information")));
        assert!(e.of("due_soon_days").is_some());
    }

    #[test]
    fn an_organisations_additions_are_checked_and_merged() {
        let p = default_programme();
        let mut stricter = p.function(Function::AccessControl).unwrap().clone();
        stricter.recurrent[0].every_months = 24;
        stricter.initial.push("ACC-LOCAL".into());
        let additions = Additions {
            courses: vec![course("ACC-LOCAL", "Our site's access points", true)],
            functions: vec![stricter.clone()],
        };
        assert_eq!(p.check_additions(&additions), Ok(()));
        let merged = p.with_additions(&additions);
        assert_eq!(merged.function(Function::AccessControl), Some(&stricter));
        assert!(merged.course("ACC-LOCAL").is_some());
        // Weaker: refused with the national requirement in the message.
        let mut weaker = stricter.clone();
        weaker.recurrent[0].every_months = 72;
        let bad = Additions {
            courses: vec![course("AWARE", "Our own awareness", false)],
            functions: vec![weaker.clone()],
        };
        let e = p.check_additions(&bad).unwrap_err();
        let messages: Vec<&str> = e.iter().map(|e| e.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("at least every 60 months")),
            "{messages:?}"
        );
        assert!(messages
            .iter()
            .any(|m| m.contains("AWARE: the national programme has")));
        // A weaker requirement stored earlier is not applied.
        let merged = p.with_additions(&Additions {
            courses: additions.courses,
            functions: vec![weaker],
        });
        assert_eq!(
            merged.function(Function::AccessControl),
            p.function(Function::AccessControl)
        );
    }

    #[test]
    fn an_organisation_may_be_stricter_never_weaker() {
        let p = default_programme();
        let national = p.function(Function::ScreenerPersons).unwrap().clone();
        let mut own = national.clone();
        own.recurrent[0].every_months = 24;
        own.image_training.as_mut().unwrap().hours = 8.0;
        own.initial.push("ACC".into());
        assert_eq!(check_stricter(&national, &own), Ok(()));
        // Weaker each way, each refused with the national requirement.
        let mut weaker = national.clone();
        weaker.certification.as_mut().unwrap().renewal_months = 48;
        weaker.image_training.as_mut().unwrap().hours = 4.0;
        weaker.background_check.as_mut().unwrap().level = CheckLevel::Standard;
        weaker.recurrent[0].every_months = 72;
        let e = check_stricter(&national, &weaker).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                "recurrent",
                "certification",
                "image_training",
                "background_check"
            ]
        );
        assert!(e
            .of("certification")
            .is_some_and(|m| m.contains("every 36 months, withdrawn 3 months after")));
        assert!(e
            .of("image_training")
            .is_some_and(|m| m.contains("at least 6 hours")));
        // A missing initial course is weaker too.
        let mut missing = national;
        missing.initial.retain(|c| c != "AWARE");
        assert_eq!(
            check_stricter(
                &p.function(Function::ScreenerPersons).unwrap().clone(),
                &missing
            )
            .unwrap_err()
            .first()
            .field,
            "initial"
        );
    }

    #[test]
    fn programmes_read_back_from_their_json_unchanged() {
        let p = default_programme();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<TrainingProgramme>(&json).unwrap(), p);
    }
}
