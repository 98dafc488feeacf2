//! What every module's pages share: the page frame and its navigation, rendering, error
//! pages, the one post → redirect or re-render policy, notices, pagers, pickers and times.
//! Each handler parses the request, calls one service and renders a template; forms post back
//! to the same path and redirect after success.

use crate::session::Signed;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use sems_domain::access::{granted_relations, Action, RecordKind};
use sems_domain::page::Page;
use sems_services::ServiceError;

/// The answer of every path no module serves.
pub async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "There is no page at this address.")
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What the page frame shows: title, navigation, who is signed in, messages.
pub struct Layout {
    pub title: String,
    pub signed_in: bool,
    pub user_name: String,
    pub party_name: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub unread: i64,
    /// The time zone the page's times are in, stated in its footer.
    pub time_zone: &'static str,
    /// The words in the header's search box.
    pub search: String,
}

impl Layout {
    /// The frame for a signed-in person. The navigation lists the modules that exist and that
    /// the person's roles may read, derived from the access rule's own table.
    pub fn new(title: impl Into<String>, user: &Signed, current: &str) -> Self {
        let s = &user.0.subject;
        let can_read = |kind| !granted_relations(s, kind, Action::Read).is_empty();
        let mut nav = vec![NavItem {
            href: "/",
            label: "Home",
            current: current == "/",
        }];
        let mut add = |href: &'static str, label: &'static str, show: bool| {
            if show {
                nav.push(NavItem {
                    href,
                    label,
                    current: current == href,
                });
            }
        };
        add(
            "/organisations",
            "Organisations",
            can_read(RecordKind::Party),
        );
        add(
            "/people",
            "People",
            can_read(RecordKind::Person)
                && !granted_relations(s, RecordKind::Person, Action::Read)
                    .iter()
                    .all(|r| *r == sems_domain::access::Relation::OwnPerson),
        );
        add("/sites", "Sites", can_read(RecordKind::Site));
        add(
            "/groups",
            "Need-to-know groups",
            can_read(RecordKind::NeedToKnowGroup),
        );
        add(
            "/risk/scenarios",
            "Threats and risk",
            can_read(RecordKind::ThreatScenario),
        );
        add(
            "/reports",
            "Security reports",
            can_read(RecordKind::SecurityReport),
        );
        add(
            "/reports/new",
            "File a report",
            !s.party_is_authority && !s.has_role(sems_domain::role::Role::Administrator),
        );
        add(
            "/occurrences",
            "National occurrences",
            s.party_is_authority && can_read(RecordKind::Occurrence),
        );
        if can_read(RecordKind::OversightActivity) {
            add("/oversight/activities", "Oversight", true);
        } else {
            add(
                "/oversight/requirements",
                "Oversight",
                can_read(RecordKind::Requirement),
            );
        }
        add(
            "/performance",
            "Performance",
            can_read(RecordKind::IndicatorValue),
        );
        add(
            "/training",
            "Training",
            can_read(RecordKind::Personnel) || can_read(RecordKind::IndicatorValue),
        );
        add("/sharing", "Sharing", can_read(RecordKind::SharedItem));
        add(
            "/people/grants",
            "Grants to confirm",
            !granted_relations(s, RecordKind::PendingGrant, Action::Accept).is_empty(),
        );
        add(
            "/actions",
            "Corrective actions",
            sems_domain::action::SOURCES.iter().any(|k| can_read(*k)),
        );
        add("/audit", "Audit trail", can_read(RecordKind::AuditEntry));
        add(
            "/security-log",
            "Security log",
            s.has_role(sems_domain::role::Role::Administrator),
        );
        add("/profile", "Profile", true);
        Self {
            title: title.into(),
            signed_in: true,
            user_name: user.0.person.display_name.clone(),
            party_name: user.0.person.party_name.clone(),
            csrf: user.0.csrf_token.clone(),
            nav,
            notice: None,
            error: None,
            unread: 0,
            time_zone: sems_domain::util::time_zone_name(),
            search: String::new(),
        }
    }

    /// The frame of the sign-in pages.
    pub fn public(title: impl Into<String>, csrf: Option<String>) -> Self {
        Self {
            title: title.into(),
            signed_in: false,
            user_name: String::new(),
            party_name: String::new(),
            csrf: csrf.unwrap_or_default(),
            nav: Vec::new(),
            notice: None,
            error: None,
            unread: 0,
            time_zone: sems_domain::util::time_zone_name(),
            search: String::new(),
        }
    }

    pub fn with_notice(mut self, notice: Option<String>) -> Self {
        self.notice = notice;
        self
    }

    pub fn with_error(mut self, error: Option<String>) -> Self {
        self.error = error;
        self
    }
}

/// Renders a template as a page.
pub fn render<T: Template>(status: StatusCode, template: &T) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be rendered",
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    message: String,
}

/// A page that explains an error.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    render(
        status,
        &ErrorPage {
            layout: Layout::public(reason, None),
            status: status.as_u16(),
            message: message.to_string(),
        },
    )
}

/// The status and banner of a refused form shown again: field refusals stand beside their
/// fields, so the banner says only `not_done`; any other refusal says itself.
pub fn refusal(e: &ServiceError, not_done: &str) -> (StatusCode, String) {
    match e {
        ServiceError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, not_done.to_string()),
        other => crate::error::classify(other),
    }
}

/// The page for a service error.
pub fn service_error(e: ServiceError) -> Response {
    let (status, message) = crate::error::classify(&e);
    error_page(status, &message)
}

/// What a page handler answers: the page, or the error page of what went wrong, so that a
/// handler reads its records with `?`.
pub type PageResult = Result<Response, PageError>;

/// A service error on its way to becoming the error page.
#[derive(Debug)]
pub struct PageError(pub ServiceError);

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        Self(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        service_error(self.0)
    }
}

/// The one policy after a form post: done, a redirect to `to`; a refusal the person can act
/// on (invalid input, a conflict, a step they may not take on a record they see), the page
/// again from `again` with the message, answered with the refusal's status; anything else,
/// the error page.
pub async fn after_post<T, Fut>(
    result: Result<T, sems_services::ServiceError>,
    to: impl FnOnce(T) -> String,
    again: impl FnOnce(String) -> Fut,
) -> Response
where
    Fut: std::future::Future,
    Fut::Output: IntoResponse,
{
    use sems_services::ServiceError;
    match result {
        Ok(v) => axum::response::Redirect::to(&to(v)).into_response(),
        Err(
            e @ (ServiceError::Validation(_)
            | ServiceError::Conflict(_)
            | ServiceError::Forbidden(_)),
        ) => {
            let (status, message) = crate::error::classify(&e);
            let mut page = again(message).await.into_response();
            if page.status().is_success() || page.status() == StatusCode::UNPROCESSABLE_ENTITY {
                *page.status_mut() = status;
            }
            page
        }
        Err(e) => service_error(e),
    }
}

/// [`after_post`] for a form shown again as the person left it: on a refusal, `again` gets
/// the message (`not_done` for invalid input, whose reasons stand beside their fields) and
/// the form's state.
pub async fn after_form_post<T, Fut>(
    result: Result<T, sems_services::ServiceError>,
    values: crate::form::FormData,
    not_done: &str,
    to: impl FnOnce(T) -> String,
    again: impl FnOnce(String, FormState) -> Fut,
) -> Response
where
    Fut: std::future::Future,
    Fut::Output: IntoResponse,
{
    match result {
        Ok(v) => axum::response::Redirect::to(&to(v)).into_response(),
        Err(e) => {
            let (_, message) = refusal(&e, not_done);
            let state = FormState::refused(values, &e);
            after_post(Err::<T, ServiceError>(e), to, |_| again(message, state)).await
        }
    }
}

/// Messages shown after a redirect, chosen from a fixed list so the query string cannot put
/// arbitrary text on the page.
pub fn notice(key: Option<&str>) -> Option<String> {
    let text = match key? {
        "created" => "Created.",
        "saved" => "Saved.",
        "password" => "Your password was changed. Your other sessions were signed out.",
        "two-factor-on" => {
            "Two-factor sign-in is on. You will be asked for a code at each sign-in."
        }
        "two-factor-off" => "Two-factor sign-in is off.",
        "revoked" => "The token was revoked.",
        "nominated" => "The nomination was recorded and the authority was notified.",
        "ended" => "The nomination was ended and the authority was notified.",
        "appointed" => "The identity custodian was appointed; those concerned were told.",
        "appointment_ended" => "The appointment was ended; those concerned were told.",
        "member-added" => "The person was added to the group.",
        "member-removed" => "The person was removed from the group.",
        "read" => "Notifications marked as read.",
        "recorded" => "Recorded. A failed test or an occurrence marks the assessments of the scenario for review.",
        "removed" => "Removed.",
        "requested" => "The exemption request was sent to the authority.",
        "decided" => "The decision was recorded.",
        "held" => "Saved. The authority role or clearance granted waits for a director of the authority to confirm it; until then the person does not have it.",
        "imported" => "Imported.",
        "recorded-training" => "The course was recorded; the person's standings were computed again.",
        "recorded-check" => "The check was recorded; the person's standings were computed again.",
        "sent" => "Sent.",
        "forwarded" => "Forwarded to the authority.",
        "forward-proposed" => "Recorded. It keeps identifiers, so a second report handler confirms it before it goes to the authority; they were told.",
        _ => return None,
    };
    Some(text.to_string())
}

/// A page's query string whose rejection (a page number that is not one, an unknown sort)
/// answers with the error page, like every other refusal of a page.
pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for PageQuery<T>
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(PageQuery(v)),
            Err(e) => Err(error_page(
                StatusCode::BAD_REQUEST,
                &format!(
                    "This address asks for something the page does not know: {}",
                    e.body_text()
                ),
            )),
        }
    }
}

/// A form as the person left it when it was refused: every value they typed, and every
/// refusal by field, so the page shows the form again as it was with each message next to
/// its field. Empty for a form shown the first time.
#[derive(Debug, Default)]
pub struct FormState {
    values: crate::form::FormData,
    errors: Option<sems_domain::ValidationErrors>,
}

impl FormState {
    /// The form `values` refused with `e` (a refusal that is not about fields keeps the
    /// values and shows no field message).
    pub fn refused(values: crate::form::FormData, e: &ServiceError) -> Self {
        let errors = match e {
            ServiceError::Validation(v) => Some(v.clone()),
            _ => None,
        };
        Self { values, errors }
    }

    /// A form shown the first time with values already in it (a record to change).
    pub fn filled(values: &[(&str, String)]) -> Self {
        Self {
            values: crate::form::FormData(
                values
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
            ),
            errors: None,
        }
    }

    /// The refusals of `e` alone, for a form that keeps its values itself (a multipart form
    /// read into the service's input); `renames` maps service fields to the form's.
    pub fn errors_of(e: &ServiceError, renames: &[(&str, &'static str)]) -> Self {
        let errors = match e {
            ServiceError::Validation(v) => Some(
                renames
                    .iter()
                    .fold(v.clone(), |v, (from, to)| v.renamed(from, to)),
            ),
            _ => None,
        };
        Self {
            values: Default::default(),
            errors,
        }
    }

    /// What the person typed in `name` ("" the first time).
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name)
    }

    /// What the person chose in `name`, or `default` the first time.
    pub fn value_or(&self, name: &str, default: impl ToString) -> String {
        if self.values.0.is_empty() {
            default.to_string()
        } else {
            self.values.get(name).to_string()
        }
    }

    /// The message of a refused `name`, or "".
    pub fn error(&self, name: &str) -> &str {
        self.errors.as_ref().and_then(|e| e.of(name)).unwrap_or("")
    }

    /// How many fields were refused.
    pub fn refusals(&self) -> usize {
        self.errors.as_ref().map_or(0, |e| e.iter().count())
    }
}

/// A query string of the filters that have a value, encoded (`form_urlencoded`).
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.append_pair(k, v);
    }
    out.finish()
}

/// Links to the previous and next pages of a list, keeping its filters.
pub struct Pager {
    pub summary: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new<T>(page: &Page<T>, base: &str, query: &[(&str, String)]) -> Self {
        let link = |n: u32| {
            let mut with_page = query.to_vec();
            with_page.push(("page", n.to_string()));
            format!("{base}?{}", query_string(&with_page))
        };
        let first = if page.total == 0 {
            0
        } else {
            i64::from(page.page - 1) * i64::from(page.per_page) + 1
        };
        let last = (first + page.items.len() as i64 - 1).max(0);
        Self {
            summary: if page.total_exact {
                format!("{first}–{last} of {}", page.total)
            } else {
                format!("{first}–{last} of more than {}", page.total)
            },
            prev: page.has_prev().then(|| link(page.page - 1)),
            next: page.has_next().then(|| link(page.page + 1)),
        }
    }
}

/// The query string of list pages.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    pub page: Option<u32>,
    pub q: Option<String>,
    pub kind: Option<String>,
    pub party: Option<String>,
    pub role: Option<String>,
    pub inactive: Option<String>,
    pub notice: Option<String>,
    pub action: Option<String>,
    pub record_kind: Option<String>,
    pub record_id: Option<String>,
    pub actor: Option<String>,
}

impl ListQuery {
    pub fn page_request(&self) -> sems_domain::page::PageRequest {
        sems_domain::page::PageRequest::new(self.page, None)
    }
    pub fn text(v: &Option<String>) -> String {
        v.clone().unwrap_or_default()
    }
    pub fn id(v: &Option<String>) -> Option<i64> {
        v.as_deref().and_then(|s| s.trim().parse().ok())
    }
}

/// Every party the person may read, for party pickers. Parties number in the hundreds
/// nationally, so they are read page by page and all listed; errors leave the picker empty
/// (the page itself still works).
pub async fn visible_parties(
    state: &crate::AppState,
    user: &Signed,
) -> Vec<sems_storage::parties::Party> {
    let mut out = Vec::new();
    for n in 1..=50 {
        let page = state
            .services
            .parties(
                &user.actor(),
                &sems_storage::parties::PartyFilter::default(),
                sems_domain::page::PageRequest::new(Some(n), Some(sems_domain::page::MAX_PER_PAGE)),
            )
            .await;
        let Ok(page) = page else { break };
        let more = page.has_next();
        out.extend(page.items);
        if !more {
            break;
        }
    }
    out
}

/// An option of a select list.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// Options from (value, label) pairs, with `current` selected.
    pub fn list<V: ToString, L: ToString>(
        items: impl IntoIterator<Item = (V, L)>,
        current: &str,
    ) -> Vec<Choice> {
        items
            .into_iter()
            .map(|(v, l)| {
                let value = v.to_string();
                Choice {
                    selected: value == current,
                    value,
                    label: l.to_string(),
                }
            })
            .collect()
    }
}

/// The people of an organisation the reader may read, to choose an owner from (the reader's
/// own access decides: a report handler sees only themselves). The first page of the most
/// the paging allows; an error leaves the choice empty ("not assigned").
pub async fn people_choices(
    services: &sems_services::Services,
    actor: &sems_services::Actor,
    party_id: i64,
    current: &str,
) -> Vec<Choice> {
    services
        .people(
            actor,
            &sems_storage::people::PeopleFilter {
                party_id: Some(party_id),
                ..Default::default()
            },
            sems_domain::page::PageRequest::new(Some(1), Some(sems_domain::page::MAX_PER_PAGE)),
        )
        .await
        .map(|p| Choice::list(p.items.into_iter().map(|x| (x.id, x.display_name)), current))
        .unwrap_or_default()
}

/// A date and time for people.
/// A published version of the authority's rules (a method, the reporting rules) as a history
/// line: (version, when and by whom, why).
pub fn version_line(
    version: i64,
    published_at_ms: i64,
    by: Option<&str>,
    note: String,
) -> (i64, String, String) {
    let by = by.map(|n| format!(" by {n}")).unwrap_or_default();
    (version, format!("{}{by}", when(published_at_ms)), note)
}

/// The version in force, as the top of its page says it.
pub fn in_force(version: i64, published_at_ms: i64, by: Option<&str>) -> String {
    let by = by
        .map(|n| format!(" (published by {n})"))
        .unwrap_or_default();
    format!(
        "Version {version} in force since {}{by}",
        when(published_at_ms)
    )
}

pub fn when(ms: i64) -> String {
    sems_domain::util::format_timestamp(ms)
}

/// A time as the reader is allowed it: the date alone when the service served it to the day
/// (a confidential report's times for readers other than its handlers).
pub fn when_to(ms: i64, to_the_day: bool) -> String {
    if to_the_day {
        sems_domain::util::date_of(ms)
    } else {
        when(ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_keep_filters_with_a_value_encoded() {
        let pairs = [
            ("q", "a&b = c/d".to_string()),
            ("kind", String::new()),
            ("page", "2".to_string()),
        ];
        assert_eq!(query_string(&pairs), "q=a%26b+%3D+c%2Fd&page=2");
        assert_eq!(query_string(&[]), "");
    }
}
