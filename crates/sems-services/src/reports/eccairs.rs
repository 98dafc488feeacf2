//! The national occurrence list in an ECCAIRS-compatible column layout: one row per
//! occurrence, one column per ECCAIRS 2 taxonomy attribute where one fits (named as the
//! taxonomy names it), so that an authority's import mapping takes each column to one
//! attribute. `docs/eccairs.md` documents every column and its values. Only the
//! de-identified columns of an occurrence are exported: what the authority reads.

use sems_domain::report::{ReportStatus, Severity};
use sems_storage::reports::Occurrence;

/// The header row, in order.
pub const COLUMNS: [&str; 20] = [
    "File number",
    "Reporting entity",
    "Location name",
    "Local date",
    "Local time",
    "Occurrence category",
    "Event type",
    "Event type code",
    "Occurrence class",
    "Headline",
    "Narrative text",
    "Mandatory report",
    "Report status",
    "Reporting date",
    "Analysis",
    "Analysis date",
    "Conclusions",
    "Lessons learnt",
    "Corrective actions",
    "Just culture class",
];

/// ADREP's occurrence category for security occurrences ("Security related").
pub const SECURITY_RELATED: &str = "SEC";

/// The ECCAIRS occurrence class a severity is exported as: the authority's own severity
/// judgement mapped onto ADREP's classes (documented, for the authority to review).
pub fn occurrence_class(severity: Option<Severity>) -> &'static str {
    match severity {
        Some(Severity::Critical) => "Serious incident",
        Some(Severity::High | Severity::Medium) => "Incident",
        Some(Severity::Low) => "Occurrence without safety effect",
        None => "Not determined",
    }
}

/// One occurrence as a row of [`COLUMNS`]; `just_culture_label` names the final result's
/// decision class by the rules in force.
pub fn row(o: &Occurrence, just_culture_label: &str) -> Vec<String> {
    let date = |ms: Option<i64>| ms.map(sems_domain::util::date_of).unwrap_or_default();
    let (day, time) = match o.occurred_at.split_once('T') {
        Some((d, t)) => (d.to_string(), t.to_string()),
        None => (o.occurred_at.clone(), String::new()),
    };
    let headline = match &o.site_name {
        Some(site) => format!("{} at {site}", o.category_label),
        None => o.category_label.clone(),
    };
    vec![
        format!("SEMS-{}", o.id),
        o.party_name.clone(),
        o.site_name.clone().unwrap_or_default(),
        day,
        time,
        SECURITY_RELATED.to_string(),
        o.category_label.clone(),
        o.category_code.clone(),
        occurrence_class(o.severity).to_string(),
        headline,
        o.text.clone(),
        match o.mandatory {
            Some(false) => "No",
            _ => "Yes",
        }
        .to_string(),
        if o.status == ReportStatus::Closed && o.final_sent_at_ms.is_some() {
            "Closed"
        } else {
            "Open"
        }
        .to_string(),
        date(Some(o.forwarded_at_ms)),
        o.analysis_text.clone(),
        date(o.analysis_sent_at_ms),
        o.final_outcome.clone(),
        o.final_lessons.clone(),
        o.final_actions.clone(),
        just_culture_label.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_has_a_value_for_every_column() {
        let o = Occurrence {
            id: 7,
            party_id: 2,
            party_name: "Northport Airport".into(),
            site_name: Some("Terminal 1".into()),
            category_code: "screening".into(),
            category_label: "Screening".into(),
            occurred_at: "2026-11-30T06:40".into(),
            severity: Some(Severity::High),
            mandatory: Some(true),
            status: ReportStatus::Closed,
            text: "A bag passed screening unchecked.".into(),
            forwarded_at_ms: 0,
            forward_due_at_ms: None,
            analysis_due_at_ms: None,
            analysis_text: String::new(),
            analysis_sent_at_ms: None,
            final_due_at_ms: None,
            final_outcome: String::new(),
            final_lessons: String::new(),
            final_actions: String::new(),
            final_just_culture: None,
            final_sent_at_ms: None,
        };
        let r = row(&o, "");
        assert_eq!(r.len(), COLUMNS.len());
        assert_eq!(r[0], "SEMS-7");
        assert_eq!((r[3].as_str(), r[4].as_str()), ("2026-11-30", "06:40"));
        assert_eq!(r[5], "SEC");
        assert_eq!(r[8], "Incident");
        assert_eq!(r[9], "Screening at Terminal 1");
        assert_eq!(r[12], "Open", "closed only once the final result is sent");
    }
}
