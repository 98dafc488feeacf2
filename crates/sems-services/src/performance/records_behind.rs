//! The records behind a point of a control chart: each counted record opened through its own
//! module's access rule, so a reader sees a link only to what they may read.

use super::dashboard::RecordLink;
use crate::Result;
use sems_domain::access::{decide, Action};
use sems_domain::performance::measures::Counted;
use sems_storage::Conn;

/// A record counted by a point, when `subject` may read it.
pub(super) async fn record_link(
    conn: &mut Conn,
    subject: &sems_domain::access::Subject,
    kind: Option<Counted>,
    id: i64,
) -> Result<Option<RecordLink>> {
    use sems_storage::oversight::{activities, findings};
    let readable =
        |meta: &sems_domain::access::RecordMeta| decide(subject, Action::Read, meta).is_ok();
    Ok(match kind {
        Some(Counted::Activities) => match activities::get(conn, id).await? {
            Some(a) => {
                let meta = crate::oversight::activities::activity_meta(conn, &a).await?;
                readable(&meta).then(|| RecordLink {
                    label: format!("Activity {}: {}", a.id, a.title),
                    link: format!("/oversight/activities/{}", a.id),
                })
            }
            None => None,
        },
        Some(Counted::Findings) => match findings::get(conn, id).await? {
            Some(f) => {
                let meta = crate::oversight::findings::finding_meta(conn, &f).await?;
                readable(&meta).then(|| RecordLink {
                    label: format!(
                        "Finding {} ({}, {})",
                        f.id,
                        f.requirement_code,
                        f.level.label()
                    ),
                    link: format!("/oversight/findings/{}", f.id),
                })
            }
            None => None,
        },
        Some(Counted::Reports) => match sems_storage::reports::report(conn, id).await? {
            Some(r) => readable(&crate::reports::report_meta(&r)).then(|| RecordLink {
                label: format!("Report {} ({})", r.id, r.category_code),
                link: format!("/reports/{}", r.id),
            }),
            None => None,
        },
        Some(Counted::Assessments) => match sems_storage::risk::assessment(conn, id).await? {
            Some(a) => readable(&crate::risk::assessment_meta(&a)).then(|| RecordLink {
                label: format!("Risk assessment {}: {}", a.id, a.scenario_title),
                link: format!("/risk/assessments/{}", a.id),
            }),
            None => None,
        },
        Some(Counted::Actions) => match sems_storage::actions::get(conn, id).await? {
            Some(a) => {
                let d =
                    sems_storage::groups::distribution_of(conn, a.source_kind, a.source_id).await?;
                let mut meta =
                    sems_domain::access::RecordMeta::plain(a.source_kind, a.party_id, false);
                meta.classification = a.classification;
                meta.need_to_know = a.need_to_know;
                meta.distribution = d;
                readable(&meta).then(|| RecordLink {
                    label: format!("Action {}: {}", a.id, a.title),
                    link: format!("/actions/{}", a.id),
                })
            }
            None => None,
        },
        Some(Counted::Personnel) => match sems_storage::training::personnel::get(conn, id).await? {
            Some(p) => readable(&crate::training::personnel_meta(&p)).then(|| RecordLink {
                label: format!("{} ({})", p.full_name, p.employee_number),
                link: format!("/training/personnel/{}", p.id),
            }),
            None => None,
        },
        Some(Counted::Directives) => match crate::sharing::records::record_facts(
            conn,
            sems_domain::access::RecordKind::SharedItem,
            id,
        )
        .await?
        {
            Some(f) => readable(&f.meta).then_some(RecordLink {
                label: f.title,
                link: f.link,
            }),
            None => None,
        },
        None => None,
    })
}
