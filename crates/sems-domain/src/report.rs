//! Confidential security reporting: how a report is filed (identified, confidential or
//! anonymous), where it stands, the just-culture decision at closure, the default taxonomy,
//! attachment rules, receipt codes, time targets, and de-identification suggestions.

use crate::vocabulary::vocabulary;
use crate::ValidationError;

vocabulary!(
    /// How much of the reporter is kept.
    ReportMode, "mode", {
        Identified => "identified", "Identified: my name is on the report";
        Confidential => "confidential", "Confidential: my name is kept sealed, opened only with the identity custodian's approval";
        Anonymous => "anonymous", "Anonymous: no name, no address, no trace";
    }
);

impl ReportMode {
    /// Whether the report protects its source: a confidential or anonymous filing, whose
    /// events are served only as counts per day (`audit::AuditChannel::ProtectedSource`).
    pub fn protects_source(self) -> bool {
        self != ReportMode::Identified
    }
}

/// Whether a reader of a report sees its times to the second. The report handlers work to
/// time targets and see them; everyone else who reads a report that protects its source
/// (the security manager, the identity custodian) sees the day only, so that no time they
/// are served can be set beside another event of a person.
pub fn sees_exact_times(roles: &[crate::role::Role], mode: ReportMode) -> bool {
    !mode.protects_source() || roles.contains(&crate::role::Role::ReportHandler)
}

vocabulary!(
    /// Where a report stands.
    ReportStatus, "status", {
        New => "new", "New";
        Triaged => "triaged", "Triaged";
        UnderInvestigation => "under_investigation", "Under investigation";
        Closed => "closed", "Closed";
    }
);

vocabulary!(
    /// How serious the handler judges the report.
    Severity, "severity", {
        Low => "low", "Low";
        Medium => "medium", "Medium";
        High => "high", "High";
        Critical => "critical", "Critical";
    }
);

vocabulary!(
    /// The just-culture decisions sems ships with (version 1 of the reporting rules; the
    /// authority edits them as data, `rules::ReportingRules`).
    JustCulture, "just_culture", {
        NoBlame => "no_blame", "No blame";
        TrainingNeed => "training_need", "Training need";
        ProcedureChange => "procedure_change", "Procedure change";
        Referred => "referred", "Referred as wilful or grossly negligent";
    }
);

vocabulary!(
    /// Who wrote a message on a report.
    MessageSide, "side", {
        Handler => "handler", "Report handler";
        Reporter => "reporter", "Reporter";
        Authority => "authority", "Authority";
        Organisation => "organisation", "Organisation";
    }
);

vocabulary!(
    /// Where a request to disclose a confidential reporter's identity stands.
    DisclosureDecision, "decision", {
        Pending => "pending", "Awaiting the identity custodian";
        Approved => "approved", "Approved";
        Refused => "refused", "Refused";
    }
);

impl ReportStatus {
    /// The statuses a report may move to from this one: forward along the workflow, or
    /// straight to closed from triage.
    pub fn may_move_to(self, next: ReportStatus) -> bool {
        use ReportStatus::*;
        matches!(
            (self, next),
            (New, Triaged)
                | (Triaged, UnderInvestigation)
                | (Triaged, Closed)
                | (UnderInvestigation, Closed)
        )
    }
}

/// The taxonomy sems ships with (code, label): version 1 of the reporting rules.
pub const DEFAULT_TAXONOMY: &[(&str, &str)] = &[
    ("access_control", "Access control"),
    ("screening", "Screening of passengers and cabin baggage"),
    ("hold_baggage", "Hold baggage"),
    ("cargo_mail", "Cargo and mail"),
    ("inflight_supplies", "In-flight and airport supplies"),
    ("aircraft_protection", "Aircraft protection"),
    ("landside", "Landside"),
    ("perimeter", "Perimeter"),
    ("disruptive_person", "Disruptive person"),
    ("suspicious", "Suspicious behaviour or item"),
    ("prohibited_item", "Prohibited item found"),
    ("threat", "Threat (genuine or hoax)"),
    ("equipment_failure", "Security equipment failure"),
    ("procedural_failure", "Procedural failure"),
    ("cyber", "Cyber"),
    ("insider", "Insider"),
    ("unlawful_interference", "Act of unlawful interference"),
];

/// Attachments: at most this many per report…
pub const MAX_ATTACHMENTS: usize = 3;
/// …of at most this size each.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;

/// The content type of an attachment, decided from its bytes, never from what the sender
/// claims: JPEG, PNG, PDF or plain UTF-8 text. Anything else is refused.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if !bytes.is_empty() && std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0) {
        Some("text/plain")
    } else {
        None
    }
}

/// Checks one attachment; returns its content type.
pub fn check_attachment(filename: &str, bytes: &[u8]) -> Result<&'static str, ValidationError> {
    if filename.chars().any(crate::util::is_invisible_format) {
        return Err(ValidationError::new(
            "attachments",
            "a file name must not contain invisible formatting characters (such as right-to-left overrides); rename the file",
        ));
    }
    if bytes.is_empty() {
        return Err(ValidationError::new(
            "attachments",
            format!("{filename} is empty"),
        ));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(ValidationError::new(
            "attachments",
            format!(
                "{filename} is larger than {} MB",
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            ),
        ));
    }
    sniff(bytes).ok_or_else(|| {
        ValidationError::new(
            "attachments",
            format!(
                "{filename}: only photos (JPEG, PNG), PDF documents and plain text are accepted"
            ),
        )
    })
}

/// A file name safe to show and to offer for download: no path, no control characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

/// Crockford's base-32 alphabet: no I, L, O or U, so a code read aloud or typed on a phone is
/// hard to get wrong.
const RECEIPT_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A receipt code from 20 random bytes (160 bits), in groups of five: shown once to the
/// reporter, stored only as a hash.
pub fn receipt_code(random: &[u8; 20]) -> String {
    let mut bits: u64 = 0;
    let mut held = 0;
    let mut out = String::with_capacity(40);
    for byte in random {
        bits = (bits << 8) | u64::from(*byte);
        held += 8;
        while held >= 5 {
            held -= 5;
            let index = ((bits >> held) & 31) as usize;
            if !out.is_empty() && out.replace('-', "").len().is_multiple_of(5) {
                out.push('-');
            }
            out.push(char::from(RECEIPT_ALPHABET[index]));
        }
    }
    out
}

/// The canonical form of a receipt as typed: upper case, without separators, with the
/// letters people confuse mapped as Crockford says (O → 0, I and L → 1).
pub fn normalize_receipt(input: &str) -> String {
    input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// The deployment's time settings of reporting. Triage, closure and forwarding are the
/// values version 1 of the reporting rules ships with (after set-up the authority keeps them,
/// per category, as `rules::ReportingRules`); how long an approved disclosure lasts stays the
/// deployment's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportTargets {
    /// From filing to triage.
    pub triage_hours: i64,
    /// From triage to closure.
    pub closure_days: i64,
    /// From filing to forwarding a mandatory report to the authority.
    pub forward_hours: i64,
    /// How long an approved disclosure may be used (once) to open the identity.
    pub disclosure_hours: i64,
}

/// An item the de-identified text still shows, kept on purpose: the handler says why.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct KeptItem {
    pub text: String,
    pub reason: String,
}

/// A forwarding that keeps identifiers, proposed by one handler, when the deployment asks a
/// second handler to confirm what leaves with names in it. No time is kept: the proposal is
/// shown to handlers and the security manager, who see a protected report's times to the day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ForwardProposal {
    pub by: i64,
    pub by_name: String,
    pub kept: Vec<KeptItem>,
}

impl ForwardProposal {
    /// Whether `person` forwarding with `kept` confirms the proposal: another person, keeping
    /// the same items (their reasons may be worded anew).
    pub fn confirmed_by(&self, person: i64, kept: &[KeptItem]) -> Result<(), &'static str> {
        if person == self.by {
            return Err("a second report handler confirms what leaves with identifiers in it: another handler forwards it");
        }
        let mut proposed: Vec<&str> = self.kept.iter().map(|k| k.text.trim()).collect();
        let mut confirming: Vec<&str> = kept.iter().map(|k| k.text.trim()).collect();
        proposed.sort_unstable();
        confirming.sort_unstable();
        if proposed != confirming {
            return Err("the items kept differ from those proposed: confirm the same items, or save the de-identified version again");
        }
        Ok(())
    }
}

/// Whether an approved disclosure may open the identity now: once, and before it lapses.
/// The refusal says which.
pub fn disclosure_usable(
    used_at_ms: Option<i64>,
    valid_until_ms: Option<i64>,
    now_ms: i64,
) -> Result<(), &'static str> {
    if used_at_ms.is_some() {
        return Err("this approval was used already: an approval opens the identity once; ask the identity custodian again");
    }
    match valid_until_ms {
        Some(until) if now_ms <= until => Ok(()),
        _ => Err("this approval has lapsed: ask the identity custodian again"),
    }
}

impl Default for ReportTargets {
    fn default() -> Self {
        Self {
            triage_hours: 24,
            closure_days: 30,
            forward_hours: 72,
            disclosure_hours: 24,
        }
    }
}

mod deidentify;
pub mod rules;
pub use deidentify::{apply_redactions, suggest_redactions, Redaction};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_handler_confirms_the_same_kept_items() {
        let item = |text: &str| KeptItem {
            text: text.into(),
            reason: "the authority needs it".into(),
        };
        let proposal = ForwardProposal {
            by: 7,
            by_name: "Hana Handler".into(),
            kept: vec![item("AB77123"), item("stand 12")],
        };
        assert!(
            proposal.confirmed_by(7, &proposal.kept).is_err(),
            "not the proposer"
        );
        assert!(proposal
            .confirmed_by(8, &[item("stand 12"), item("AB77123")])
            .is_ok());
        assert!(proposal.confirmed_by(8, &[item("AB77123")]).is_err());
    }

    #[test]
    fn an_approval_opens_the_identity_once_before_it_lapses() {
        assert_eq!(disclosure_usable(None, Some(100), 100), Ok(()));
        assert!(disclosure_usable(None, Some(100), 101)
            .unwrap_err()
            .contains("lapsed"));
        assert!(disclosure_usable(Some(50), Some(100), 60)
            .unwrap_err()
            .contains("once"));
        assert!(
            disclosure_usable(None, None, 0).is_err(),
            "no validity, no use"
        );
    }

    #[test]
    fn only_handlers_see_the_exact_times_of_a_protected_report() {
        use crate::role::Role;
        assert!(ReportMode::Confidential.protects_source());
        assert!(ReportMode::Anonymous.protects_source());
        assert!(!ReportMode::Identified.protects_source());
        for mode in [ReportMode::Confidential, ReportMode::Anonymous] {
            assert!(sees_exact_times(&[Role::ReportHandler], mode));
            assert!(!sees_exact_times(&[Role::SecurityManager], mode));
            assert!(!sees_exact_times(&[Role::IdentityCustodian], mode));
        }
        assert!(sees_exact_times(
            &[Role::SecurityManager],
            ReportMode::Identified
        ));
    }

    #[test]
    fn the_workflow_moves_forward_only() {
        use ReportStatus::*;
        assert!(New.may_move_to(Triaged));
        assert!(Triaged.may_move_to(Closed));
        assert!(!New.may_move_to(Closed));
        assert!(!Closed.may_move_to(New));
        assert!(!UnderInvestigation.may_move_to(Triaged));
    }

    #[test]
    fn attachments_are_judged_by_their_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2]), Some("image/jpeg"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"plain words"), Some("text/plain"));
        assert_eq!(sniff(b"MZ\x90\x00\x03"), None, "a Windows executable");
        assert_eq!(sniff(&[0xC3, 0x28]), None, "not UTF-8");
        assert!(check_attachment("a.txt", b"").is_err());
        assert!(check_attachment("big.txt", &vec![b'a'; MAX_ATTACHMENT_BYTES + 1]).is_err());
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\photos\\gate<4>.jpg"), "gate4.jpg");
        assert_eq!(clean_filename("..."), "attachment");
    }

    #[test]
    fn receipts_are_long_grouped_and_forgiving_to_type() {
        let code = receipt_code(&[7u8; 20]);
        assert_eq!(code.replace('-', "").len(), 32, "160 bits in base 32");
        assert_eq!(code.matches('-').count(), 6);
        assert!(code
            .chars()
            .all(|c| c == '-' || RECEIPT_ALPHABET.contains(&(c as u8))));
        assert_ne!(receipt_code(&[8u8; 20]), code);
        assert_eq!(
            normalize_receipt(&code.to_lowercase()),
            code.replace('-', "")
        );
        assert_eq!(normalize_receipt(" ab-O1 il "), "AB0111");
    }

    #[test]
    fn common_words_in_the_directory_are_proposed_only_as_names() {
        let names = vec!["Stan Staff".to_string(), "Warehouse Staff".to_string()];
        let text = "Staff at gate 4 let the warehouse staff through. Mr Staff saw it, \
                    and S. Staff too; Stan Staff reported it.";
        let found: Vec<(usize, &str)> = suggest_redactions(text, &names)
            .iter()
            .map(|r| (r.start, r.kind))
            .collect();
        let at = |needle: &str| text.find(needle).map(|i| i + needle.len() - "Staff".len());
        assert!(!found.iter().any(|(s, _)| Some(*s) == Some(0)), "{found:?}");
        assert!(
            !found
                .iter()
                .any(|(s, _)| Some(*s) == text.find("warehouse")),
            "{found:?}"
        );
        for named in ["Mr Staff", "S. Staff"] {
            assert!(
                found.contains(&(at(named).unwrap_or(0), "name")),
                "{named}: {found:?}"
            );
        }
        assert!(
            found.contains(&(text.find("Stan Staff").unwrap_or(0), "name")),
            "{found:?}"
        );
    }

    #[test]
    fn identifying_details_are_suggested_for_removal() {
        let names = vec!["Maria Novak".to_string(), "Tom Berg".to_string()];
        let text = "Maria Novak (badge 4471, AB12345) saw it; call +44 20 7946 0018 or mail m.novak@npt.example. Novak left. Tom was there; Bergen is a city.";
        let found = suggest_redactions(text, &names);
        let kinds: Vec<(&str, &str)> = found.iter().map(|r| (r.kind, r.text.as_str())).collect();
        assert!(kinds.contains(&("name", "Maria Novak")), "{kinds:?}");
        assert!(
            kinds.contains(&("badge or staff number", "4471")),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&("badge or staff number", "AB12345")),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&("phone number", "+44 20 7946 0018")),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&("e-mail address", "m.novak@npt.example")),
            "{kinds:?}"
        );
        assert!(kinds.contains(&("name", "Novak")), "{kinds:?}");
        assert!(
            !kinds.iter().any(|(_, t)| t.contains("Bergen")),
            "{kinds:?}"
        );
        let clean = apply_redactions(text, &found);
        assert!(!clean.contains("Novak"), "{clean}");
        assert!(!clean.contains("7946"), "{clean}");
        assert!(
            clean.starts_with("[name] (badge [badge or staff number]"),
            "{clean}"
        );
        assert!(clean.contains("Bergen is a city"), "{clean}");
    }
}
