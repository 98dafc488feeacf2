//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`.
//!
//! Written from one table of operations; the HTTP test suite calls every operation listed
//! here, so a path in the document that the router does not serve fails the tests.

use axum::Json;
use serde_json::{json, Map, Value};

/// One operation: method, path, summary, request body schema, success status and schema.
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub body: Option<&'static str>,
    pub status: u16,
    pub response: Option<&'static str>,
    pub list: bool,
}

#[allow(clippy::too_many_arguments)]
const fn op(
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    body: Option<&'static str>,
    status: u16,
    response: Option<&'static str>,
    list: bool,
) -> Operation {
    Operation {
        method,
        path,
        tag,
        summary,
        body,
        status,
        response,
        list,
    }
}

pub const OPERATIONS: &[Operation] = &[
    op("post", "/session", "Session", "Sign in with user name and password; sets the session cookie and returns the CSRF token", Some("SignIn"), 200, Some("SessionStarted"), false),
    op("delete", "/session", "Session", "Sign out", None, 204, None, false),
    op("post", "/session/two-factor", "Session", "Complete a two-factor sign-in with a code", Some("Code"), 200, Some("SessionStarted"), false),
    op("get", "/me", "Me", "Who is signed in, with roles, clearance and oversight assignments", None, 200, Some("Me"), false),
    op("post", "/me/password", "Me", "Change one's own password (session only)", Some("PasswordChange"), 204, None, false),
    op("post", "/me/two-factor", "Me", "Start two-factor setup: returns the secret and otpauth URI", None, 200, Some("TwoFactorSetup"), false),
    op("delete", "/me/two-factor", "Me", "Turn two-factor sign-in off (password required)", Some("PasswordOnly"), 204, None, false),
    op("post", "/me/two-factor/enable", "Me", "Confirm two-factor setup with a code and the current password; ends one's other sessions and revokes one's API tokens", Some("EnableTwoFactor"), 204, None, false),
    op("get", "/me/tokens", "Me", "One's API tokens (never the tokens themselves)", None, 200, Some("ApiTokenList"), false),
    op("post", "/me/tokens", "Me", "Create an API token; the token is in this response only", Some("NewToken"), 201, Some("NewTokenCreated"), false),
    op("delete", "/me/tokens/{id}", "Me", "Revoke one of one's API tokens", None, 204, None, false),
    op("get", "/me/notifications", "Me", "One's notifications, unread first", None, 200, Some("NotificationList"), false),
    op("post", "/me/notifications/read", "Me", "Mark one's notifications read", None, 200, None, false),
    op("get", "/parties", "Parties", "Parties one may read (filters: q, kind)", None, 200, Some("Party"), true),
    op("post", "/parties", "Parties", "Register an organisation (deployment administrator)", Some("PartyInput"), 201, Some("Party"), false),
    op("get", "/parties/{id}", "Parties", "One party", None, 200, Some("Party"), false),
    op("patch", "/parties/{id}", "Parties", "Change a party's name, code or status", Some("PartyPatch"), 200, Some("Party"), false),
    op("post", "/parties/{id}/sites", "Sites", "Add a site to an organisation", Some("SiteInput"), 201, Some("Site"), false),
    op("post", "/parties/{id}/nominations", "Nominations", "Nominate an accountable executive or security manager; ends the previous nomination and notifies the authority", Some("NominationInput"), 201, Some("Nomination"), false),
    op("post", "/parties/{id}/groups", "Groups", "Create a need-to-know group", Some("GroupInput"), 201, Some("Group"), false),
    op("get", "/people", "People", "People one may read (filters: q, party_id, role, include_inactive)", None, 200, Some("Person"), true),
    op("post", "/people", "People", "Create an account", Some("NewPerson"), 201, Some("Person"), false),
    op("get", "/people/{id}", "People", "One person", None, 200, Some("Person"), false),
    op("patch", "/people/{id}", "People", "Change a person's name, e-mail, roles, clearance or status", Some("PersonPatch"), 200, Some("Person"), false),
    op("get", "/people/{id}/oversight", "People", "Organisations an inspector oversees", None, 200, Some("Oversight"), false),
    op("put", "/people/{id}/oversight", "People", "Set the organisations an inspector oversees", Some("Oversight"), 200, Some("Oversight"), false),
    op("get", "/sites", "Sites", "Sites one may read (filters: q, party_id, include_inactive)", None, 200, Some("Site"), true),
    op("get", "/sites/{id}", "Sites", "One site", None, 200, Some("Site"), false),
    op("patch", "/sites/{id}", "Sites", "Change a site", Some("SitePatch"), 200, Some("Site"), false),
    op("get", "/nominations", "Nominations", "Nominations one may read (filters: party_id, current_on)", None, 200, Some("Nomination"), true),
    op("post", "/nominations/{id}/end", "Nominations", "End a nomination on a date", Some("EndNomination"), 200, Some("Nomination"), false),
    op("get", "/groups", "Groups", "Need-to-know groups one may read", None, 200, Some("Group"), true),
    op("get", "/groups/{id}", "Groups", "A group with its members", None, 200, Some("GroupWithMembers"), false),
    op("put", "/groups/{id}/members/{person_id}", "Groups", "Add a member", None, 204, None, false),
    op("delete", "/groups/{id}/members/{person_id}", "Groups", "Remove a member", None, 204, None, false),
        op("get", "/risk/method", "Risk", "The current risk method, or `?version=N`", None, 200, Some("RiskMethodVersion"), false),
    op("get", "/risk/methods", "Risk", "Every published version of the risk method, newest first", None, 200, Some("RiskMethodVersionList"), false),
    op("post", "/risk/methods", "Risk", "Publish a new version of the risk method (authority policy officer or director); earlier versions are kept", Some("PublishRiskMethod"), 201, Some("RiskMethodVersion"), false),
    op("get", "/risk/threat-levels", "Risk", "National threat level per scenario category", None, 200, Some("ThreatLevelList"), false),
    op("put", "/risk/threat-levels/{category}", "Risk", "Set the national threat level of a category (1-5) with a rationale", Some("ThreatLevelInput"), 204, None, false),
    op("get", "/risk/scenarios", "Risk", "Threat scenarios one may read: the national library and one's own (filters: q, category, party_id)", None, 200, Some("ThreatScenario"), true),
    op("get", "/risk/scenarios/{id}", "Risk", "One threat scenario", None, 200, Some("ThreatScenario"), false),
    op("get", "/risk/assessments", "Risk", "The risk register: assessments one may read, highest residual risk first (filters: party_id, scenario_id, residual_level, review_required, review_due_by; sort: residual, inherent, review, organisation, scenario, updated)", None, 200, Some("RiskAssessment"), true),
    op("post", "/parties/{id}/assessments", "Risk", "Assess a scenario for an organisation (or a site) under the current method; every score needs a rationale", Some("AssessmentInput"), 201, Some("RiskAssessment"), false),
    op("get", "/risk/assessments/{id}", "Risk", "One risk assessment", None, 200, Some("RiskAssessment"), false),
    op("patch", "/risk/assessments/{id}", "Risk", "Change an assessment with a reason; `reassess` moves one made under an earlier method version to the current one", Some("AssessmentInput"), 200, Some("RiskAssessment"), false),
    op("get", "/risk/assessments/{id}/acceptances", "Risk", "Acceptances of an assessment's residual risk, newest first", None, 200, Some("AcceptanceList"), false),
    op("post", "/risk/assessments/{id}/acceptances", "Risk", "Accept a residual risk tolerable with review, until a date (the organisation's accountable executive only; an intolerable risk cannot be accepted)", Some("AcceptanceInput"), 201, Some("Acceptance"), false),
    op("get", "/risk/heat-map", "Risk", "Inherent and residual 5×5 heat maps of the assessments one may read (filters: party_id, scenario_id)", None, 200, Some("HeatMaps"), false),
    op("get", "/risk/measures", "Risk", "Security measures one may read: the baseline and one's own (filters: party_id, scenario_id, baseline, q)", None, 200, Some("SecurityMeasure"), true),
    op("get", "/risk/measures/{id}", "Risk", "One security measure with the scenarios it mitigates", None, 200, Some("SecurityMeasure"), false),
    op("post", "/parties/{id}/measures", "Risk", "Add a measure: a baseline measure (the authority) or an organisation's own", Some("MeasureInput"), 201, Some("SecurityMeasure"), false),
    op("get", "/parties/{id}/measure-register", "Risk", "An organisation's measure register: every baseline measure and its own, with its implementation of each", None, 200, Some("MeasureRegister"), false),
    op("put", "/parties/{id}/measures/{measure_id}", "Risk", "Record an organisation's implementation of a measure (responsible person, status, costs); not applicable on a baseline measure only through an approved exemption", Some("ImplementationInput"), 200, Some("Implementation"), false),
    op("delete", "/parties/{id}/measures/{measure_id}", "Risk", "Remove one of an organisation's own measures (a baseline measure cannot be removed)", None, 204, None, false),
    op("post", "/parties/{id}/measures/{measure_id}/exemption", "Risk", "Ask the authority for an exemption from a baseline measure", Some("ExemptionRequest"), 200, Some("Implementation"), false),
    op("post", "/parties/{id}/measures/{measure_id}/exemption/decision", "Risk", "Approve or refuse an exemption (the authority's director, or an inspector assigned to the organisation)", Some("ExemptionDecision"), 200, Some("Implementation"), false),
    op("get", "/risk/exemptions", "Risk", "Exemption requests awaiting one's decision, oldest first", None, 200, Some("PendingExemptionList"), false),
    op("get", "/parties/{id}/scenarios/{scenario_id}/proposals", "Risk", "The scores proposed from objective data: likelihood from the national threat level, vulnerability from test pass rates and occurrences", None, 200, Some("ScoreProposals"), false),
    op("get", "/parties/{id}/scenarios/{scenario_id}/evidence", "Risk", "Test results and occurrences on a scenario at an organisation, newest first", None, 200, Some("EvidenceList"), false),
    op("post", "/parties/{id}/evidence", "Risk", "Record a test result or an occurrence; a failed test or an occurrence marks the organisation's assessments of the scenario review required", Some("EvidenceInput"), 201, Some("EvidenceRecorded"), false),
    op("get", "/risk/assessments/{id}/actions", "Risk", "Mitigation actions of an assessment, overdue flagged, with the projected residual risk after the open ones", None, 200, Some("ActionList"), false),
    op("post", "/risk/assessments/{id}/actions", "Risk", "Add a mitigation action", Some("ActionInput"), 201, Some("MitigationAction"), false),
    op("put", "/risk/actions/{id}", "Risk", "Change a mitigation action", Some("ActionInput"), 200, Some("MitigationAction"), false),
    op("get", "/risk/national", "Risk", "The national picture: assessments per scenario and residual level across every organisation (authority director and inspectors)", None, 200, Some("NationalPicture"), false),
    op("post", "/parties/{id}/scenarios/import", "Risk", "Import scenarios from CSV (text/csv body; columns code, category, title, target, means, perpetrator, description[, classification]); `?dry_run=true` checks only. 422 with every bad row, and nothing stored, when any row is bad", Some("Csv"), 201, Some("ImportReport"), false),
    op("post", "/parties/{id}/measures/import", "Risk", "Import measures from CSV (columns code, title, description, scenarios as codes separated by ';'); `?dry_run=true` checks only; 422 with every bad row, and nothing stored, when any row is bad", Some("Csv"), 201, Some("ImportReport"), false),
    op("get", "/report-categories", "Reports", "The authority's taxonomy of report categories (no account needed)", None, 200, Some("CategoryList"), false),
    op("post", "/public/reports/{code}", "Reports", "File a report through an organisation's public link, without an account (party code in the path; confidential or anonymous; attachments base64). Rate-limited: 429 with Retry-After. The receipt is in this response only", Some("ReportFiling"), 201, Some("Filed"), false),
    op("post", "/public/receipt", "Reports", "What the reporter sees with their receipt: status, messages, feedback, disclosures. Wrong receipts are rate-limited (429)", Some("Receipt"), 200, Some("ReceiptView"), false),
    op("post", "/public/receipt/messages", "Reports", "The reporter answers the handlers, with their receipt", Some("ReceiptReply"), 204, None, false),
    op("post", "/parties/{id}/reports", "Reports", "File a report signed in (identified, confidential or anonymous)", Some("ReportFiling"), 201, Some("Filed"), false),
    op("get", "/reports", "Reports", "Reports one may read (handlers), newest first; full-text search in q (filters: status, category, mode, party_id)", None, 200, Some("Report"), true),
    op("get", "/reports/statistics", "Reports", "Reporting statistics: one's organisation's, or the national ones for the authority", None, 200, Some("ReportStatistics"), false),
    op("get", "/reports/{id}", "Reports", "A report with attachments, messages, identity requests, corrective actions and overdue flags", None, 200, Some("ReportView"), false),
    op("post", "/reports/{id}/triage", "Reports", "Triage: category, severity, mandatory or not, linked threat scenarios (each records an occurrence for the risk module)", Some("TriageInput"), 200, Some("Report"), false),
    op("post", "/reports/{id}/investigation", "Reports", "Start the investigation of a triaged report", None, 200, Some("Report"), false),
    op("post", "/reports/{id}/closure", "Reports", "Close: outcome, lessons, just-culture decision, corrective actions", Some("CloseInput"), 200, Some("Report"), false),
    op("post", "/reports/{id}/messages", "Reports", "Write to the reporter (read with the receipt)", Some("MessageBody"), 204, None, false),
    op("get", "/reports/{id}/suggestions", "Reports", "De-identification suggestions: e-mail addresses, phone numbers, badge numbers, names from the directory", None, 200, Some("Suggestions"), false),
    op("put", "/reports/{id}/deidentified", "Reports", "Save the de-identified version; answers what still looks identifying", Some("DeidentifiedInput"), 200, Some("Remaining"), false),
    op("post", "/reports/{id}/forward", "Reports", "Forward the de-identified version to the authority; whatever it still shows that probably identifies somebody must be in `kept`, each with why it stays (optional body: {\"kept\": [{\"text\", \"reason\"}]}); 204 once forwarded, 202 when the deployment asks a second handler to confirm the items kept (a second handler's forwarding with the same items confirms it)", Some("ForwardInput"), 204, None, false),
    op("post", "/reports/{id}/identity-requests", "Reports", "Ask the identity custodian for a confidential reporter's identity, with a reason", Some("IdentityRequestInput"), 201, Some("CreatedId"), false),
    op("post", "/reports/{id}/identity-requests/{request_id}/decision", "Reports", "The identity custodian approves or refuses (never their own request)", Some("DecisionInput"), 204, None, false),
    op("post", "/reports/{id}/identity", "Reports", "Open the sealed identity after an approved request (recorded; the reporter is told)", None, 200, Some("IdentityDisclosed"), false),
    op("get", "/occurrences", "Reports", "The national occurrence list: forwarded, de-identified reports (filters: q, category, party_id, from, until)", None, 200, Some("Occurrence"), true),
    op("get", "/occurrences/{id}", "Reports", "A forwarded occurrence with the authority's questions and the organisation's answers", None, 200, Some("OccurrenceView"), false),
    op("post", "/occurrences/{id}/messages", "Reports", "The authority asks a follow-up question, or the organisation answers", Some("MessageBody"), 204, None, false),
    op("get", "/parties/{id}/requirements", "Oversight", "A requirements catalogue: the national programme (the authority's party) or an organisation's internal one; the newest version or `?version=N`, searched with `q`", None, 200, Some("CatalogueView"), false),
    op("post", "/parties/{id}/requirements", "Oversight", "Add an entry (programme, chapter or requirement): publishes the next version with it", Some("RequirementInput"), 201, Some("Published"), false),
    op("post", "/parties/{id}/requirements/import", "Oversight", "Import a whole catalogue from CSV (columns code, parent, level, title, text; parents first) as the next version; `?dry_run=true` checks only; 422 with every bad row, and nothing published, when any row is bad", Some("Csv"), 201, Some("ImportReport"), false),
    op("get", "/oversight/activities", "Oversight", "Oversight activities one may read (filters: overseen_party_id, status, year); covert tests only for their team and director until released", None, 200, Some("Activity"), true),
    op("post", "/oversight/activities", "Oversight", "Plan an activity of an organisation (the authority) or of itself (an organisation); the checklist is drawn from the requirements in scope", Some("PlanInput"), 201, Some("Activity"), false),
    op("get", "/oversight/activities/{id}", "Oversight", "An activity with its team, checklist, findings and EI", None, 200, Some("ActivityView"), false),
    op("post", "/oversight/activities/{id}/answers", "Oversight", "Record checklist answers (the team only; all checked before any is stored)", Some("AnswerList"), 200, Some("SavedCount"), false),
    op("post", "/oversight/activities/{id}/complete", "Oversight", "Complete an activity whose every item is answered", None, 200, Some("Activity"), false),
    op("post", "/oversight/activities/{id}/release", "Oversight", "Release a completed covert test to the tested organisation", None, 204, None, false),
    op("post", "/oversight/activities/{id}/findings", "Oversight", "Raise a finding from a non-compliant item", Some("RaiseInput"), 201, Some("Finding"), false),
    op("post", "/oversight/activities/{id}/reports", "Oversight", "Issue the activity's report: the next version (a correction never changes an issued one)", Some("IssueReport"), 201, Some("Published"), false),
    op("get", "/oversight/activities/{id}/reports", "Oversight", "The issued reports of an activity, newest first", None, 200, Some("IssuedReports"), false),
    op("get", "/oversight/findings", "Oversight", "Findings one may read, level 1 first (filters: party_id, status, level, overdue)", None, 200, Some("Finding"), true),
    op("get", "/oversight/findings/{id}", "Oversight", "A finding with its history and overdue flag", None, 200, Some("FindingView"), false),
    op("post", "/oversight/findings/{id}/cap", "Oversight", "The overseen organisation submits or resubmits its corrective action plan", Some("CapInput"), 200, Some("Finding"), false),
    op("post", "/oversight/findings/{id}/review", "Oversight", "The overseer who raised it accepts the plan or returns it with comments", Some("CapDecision"), 200, Some("Finding"), false),
    op("post", "/oversight/findings/{id}/completion", "Oversight", "The organisation records completion with evidence", Some("CompletionInput"), 200, Some("Finding"), false),
    op("post", "/oversight/findings/{id}/verification", "Oversight", "The overseer verifies: closes, or sends it back", Some("VerificationInput"), 200, Some("Finding"), false),
    op("post", "/oversight/activities/{id}/items/{item_id}/evidence", "Oversight", "Attach a photo or document (base64; JPEG, PNG, PDF or text, 5 MB) to a checklist item: the team, while the activity runs", Some("EvidenceFile"), 201, Some("ItemEvidence"), false),
    op("get", "/oversight/contractors", "Oversight", "The contractors one's organisation oversees", None, 200, Some("Contractors"), false),
    op("post", "/oversight/contractors", "Oversight", "Name a contractor one's organisation oversees (who plans its activities)", Some("NewContractor"), 204, None, false),
    op("get", "/oversight/proposals/{id}", "Oversight", "The next activities proposed for an organisation (party id) from its last results and risk, within the minimum intervals", None, 200, Some("Proposals"), false),
    op("get", "/oversight/ei", "Oversight", "Effective implementation by organisation, area and year over completed activities one may read (party_id to narrow)", None, 200, Some("EiReport"), false),
    op("get", "/risk/assessments/{id}/history", "Risk", "Every change of an assessment: who, when, why, old and new", None, 200, Some("AssessmentHistory"), false),
    op("post", "/parties/{id}/scenarios", "Risk", "Add a scenario: to the national library (the authority) or to an organisation's own", Some("ScenarioInput"), 201, Some("ThreatScenario"), false),
op("get", "/audit", "Audit trail", "Audit-trail entries one may read, newest first (filters: party_id, record_kind, record_id, action prefix, actor_id, from_ms, until_ms). Security events and confidential or anonymous reporting are never among them", None, 200, Some("AuditEntry"), true),
    op("get", "/audit/protected-reporting", "Audit trail", "Confidential and anonymous filings and the events that follow from them, for the trail's readers: counts per day, organisation and action, nothing finer (filter: party_id)", None, 200, Some("ProtectedDay"), true),
    op("get", "/security-log", "Security log", "Sign-in, sign-out, lockout, two-factor, password and token events: every one for the deployment administrator, one's own for everyone else (filters: person_id, action prefix, from_ms, until_ms)", None, 200, Some("AuditEntry"), true),
    op("get", "/parties/{id}/appointments", "Organisations", "Appointments to protected duties (the identity custodian), those in force first", None, 200, Some("Appointment"), true),
    op("post", "/people/{id}/appointments", "Organisations", "Appoint a person to a protected duty (the accountable executive or the administrator); recorded and notified", Some("AppointmentInput"), 201, Some("Appointment"), false),
    op("get", "/actions", "Actions", "The corrective-action register: every action the reader may read, of every module (an action is read as its source record), the earliest due first (filters: party_id, source = risk_assessment | security_report | finding, status, open, overdue, responsible_person_id, to_check)", None, 200, Some("Action"), true),
    op("get", "/actions/{id}", "Actions", "One action of the register, with what the reader may do (allowed.complete, allowed.check)", None, 200, Some("Action"), false),
    op("post", "/actions/{id}/completion", "Actions", "Record an open action done today, with its evidence (who may update its source)", Some("ActionCompletion"), 200, Some("Action"), false),
    op("post", "/actions/{id}/effectiveness", "Actions", "Record once whether a done action was effective (a note is required when it was not; the responsible person is told)", Some("ActionEffectiveness"), 200, Some("Action"), false),
    op("get", "/grants", "Organisations", "Grants waiting for a director of the authority to confirm them (authority roles, clearances above the lowest), the oldest first; may_decide says whether the reader is a second person who may", None, 200, Some("PendingGrant"), true),
    op("post", "/grants/{id}", "Organisations", "Confirm (the roles and clearance take effect) or refuse a held grant: a director of the authority, neither the one who asked nor the one who receives it", Some("GrantDecision"), 200, Some("PendingGrant"), false),
    op("post", "/appointments/{id}/end", "Organisations", "End an appointment (the accountable executive or the administrator): the person loses the duty's role", None, 200, Some("Appointment"), false),
];

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn obj(required: &[&str], props: Value) -> Value {
    json!({ "type": "object", "additionalProperties": false, "required": required, "properties": props })
}

fn schemas() -> Value {
    let s = |t: &str| json!({ "type": t });
    let nullable = |t: &str| json!({ "type": [t, "null"] });
    let roles = json!({ "type": "array", "items": { "type": "string", "enum": sems_domain::role::Role::ALL.map(|r| r.as_str()) } });
    let kinds = json!({ "type": "string", "enum": std::iter::once(sems_domain::party::PartyKind::Authority).chain(sems_domain::party::PartyKind::ORGANISATION_KINDS).map(|k| k.as_str()).collect::<Vec<_>>() });
    json!({
        "Problem": { "type": "object", "properties": {
            "type": s("string"), "title": s("string"), "status": s("integer"), "detail": s("string"),
            "errors": { "type": "array", "items": { "type": "object", "properties": { "field": s("string"), "message": s("string") } } } } },
        "SignIn": obj(&["username", "password"], json!({ "username": s("string"), "password": s("string") })),
        "SessionStarted": { "type": "object", "properties": { "csrf_token": s("string"), "two_factor_required": s("boolean") } },
        "Code": obj(&["code"], json!({ "code": s("string") })),
        "PasswordChange": obj(&["current_password", "new_password"], json!({ "current_password": s("string"), "new_password": s("string") })),
        "PasswordOnly": obj(&["password"], json!({ "password": s("string") })),
        "TwoFactorSetup": { "type": "object", "properties": { "secret": s("string"), "otpauth_uri": s("string") } },
        "Me": { "type": "object", "properties": { "person": schema_ref("Person"), "clearance": s("string"), "oversees": { "type": "array", "items": s("integer") }, "groups": { "type": "array", "items": s("integer") }, "read_only": s("boolean"), "csrf_token": nullable("string") } },
        "ApiToken": { "type": "object", "properties": { "id": s("integer"), "person_id": s("integer"), "name": s("string"), "prefix": s("string"), "read_only": s("boolean"), "created_at_ms": s("integer"), "expires_at_ms": nullable("integer"), "last_used_ms": nullable("integer"), "revoked_at_ms": nullable("integer") } },
        "ApiTokenList": { "type": "array", "items": schema_ref("ApiToken") },
        "NewToken": obj(&["name", "password"], json!({ "name": s("string"), "read_only": s("boolean"), "expires_in_days": nullable("integer"), "password": s("string") })),
        "ForwardInput": { "type": "object", "additionalProperties": false, "properties": { "kept": { "type": "array", "items": obj(&["text", "reason"], json!({ "text": s("string"), "reason": s("string") })) } } },
        "EnableTwoFactor": obj(&["code", "password"], json!({ "code": s("string"), "password": s("string") })),
        "NewTokenCreated": { "type": "object", "properties": { "token": s("string"), "record": schema_ref("ApiToken") } },
        "Notification": { "type": "object", "properties": { "id": s("integer"), "message": s("string"), "link": s("string"), "created_at_ms": s("integer"), "read": s("boolean") } },
        "NotificationList": { "type": "array", "items": schema_ref("Notification") },
        "Party": { "type": "object", "properties": { "id": s("integer"), "kind": kinds, "name": s("string"), "code": s("string"), "active": s("boolean"), "created_at_ms": s("integer") } },
        "PartyInput": obj(&["kind", "name", "code"], json!({ "kind": s("string"), "name": s("string"), "code": s("string"), "active": nullable("boolean") })),
        "PartyPatch": obj(&[], json!({ "name": s("string"), "code": s("string"), "active": s("boolean") })),
        "Person": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "party_name": s("string"), "party_is_authority": s("boolean"), "username": s("string"), "display_name": s("string"), "email": s("string"), "clearance": s("integer"), "active": s("boolean"), "totp_enabled": s("boolean"), "roles": roles.clone(), "created_at_ms": s("integer") } },
        "NewPerson": obj(&["party_id", "username", "display_name", "password", "roles"], json!({ "party_id": s("integer"), "username": s("string"), "display_name": s("string"), "email": s("string"), "password": s("string"), "roles": roles.clone(), "clearance": nullable("string") })),
        "PersonPatch": obj(&[], json!({ "display_name": s("string"), "email": s("string"), "roles": roles, "clearance": s("string"), "active": s("boolean") })),
        "Oversight": obj(&["party_ids"], json!({ "party_ids": { "type": "array", "items": s("integer") } })),
        "Site": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "party_name": s("string"), "name": s("string"), "location": s("string"), "active": s("boolean"), "created_at_ms": s("integer"), "updated_at_ms": s("integer") } },
        "SiteInput": obj(&["name"], json!({ "name": s("string"), "location": s("string"), "active": nullable("boolean") })),
        "SitePatch": obj(&[], json!({ "name": s("string"), "location": s("string"), "active": s("boolean") })),
        "Nomination": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "party_name": s("string"), "position": { "type": "string", "enum": ["accountable_executive", "security_manager"] }, "person_id": s("integer"), "person_name": s("string"), "starts_on": { "type": "string", "format": "date" }, "ends_on": { "type": ["string", "null"], "format": "date" }, "note": s("string"), "created_at_ms": s("integer") } },
        "NominationInput": obj(&["position", "person_id", "starts_on"], json!({ "position": s("string"), "person_id": s("integer"), "starts_on": { "type": "string", "format": "date" }, "ends_on": { "type": ["string", "null"], "format": "date" }, "note": s("string") })),
        "EndNomination": obj(&["ends_on"], json!({ "ends_on": { "type": "string", "format": "date" } })),
        "Group": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "name": s("string"), "description": s("string"), "members": s("integer") } },
        "GroupInput": obj(&["name"], json!({ "name": s("string"), "description": s("string") })),
        "GroupWithMembers": { "type": "object", "properties": { "group": schema_ref("Group"), "members": { "type": "array", "items": { "type": "object", "properties": { "person_id": s("integer"), "display_name": s("string") } } } } },
        "RiskMethodVersion": { "type": "object", "properties": { "version": s("integer"), "owner_party_id": s("integer"), "note": s("string"), "published_at_ms": s("integer"), "method": { "type": "object", "description": "Scales (likelihood, consequence_human, consequence_economic, consequence_political, vulnerability: five anchors each), consequence_rule (highest or weighted_mean), and five bands (level, up_to, tolerability, review_months) over likelihood × consequence × vulnerability (1-125)" } } },
        "RiskMethodVersionList": { "type": "array", "items": schema_ref("RiskMethodVersion") },
        "PublishRiskMethod": obj(&["method"], json!({ "method": { "type": "object" }, "note": s("string") })),
        "ThreatLevel": { "type": "object", "properties": { "category": s("string"), "level": s("integer"), "rationale": s("string"), "set_at_ms": s("integer") } },
        "ThreatLevelList": { "type": "array", "items": schema_ref("ThreatLevel") },
        "ThreatLevelInput": obj(&["level", "rationale"], json!({ "level": { "type": "integer", "minimum": 1, "maximum": 5 }, "rationale": s("string") })),
        "ThreatScenario": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "code": s("string"), "category": s("string"), "title": s("string"), "target": s("string"), "means": s("string"), "perpetrator": { "type": "string", "enum": ["external", "insider"] }, "description": s("string"), "published": s("boolean"), "classification": s("integer"), "need_to_know": s("boolean"), "active": s("boolean") } },
        "ScenarioInput": obj(&["code", "category", "title", "target", "means", "perpetrator", "description"], json!({ "code": s("string"), "category": s("string"), "title": s("string"), "target": s("string"), "means": s("string"), "perpetrator": s("string"), "description": s("string"), "classification": nullable("string") })),
        "RiskAssessment": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "party_name": s("string"), "site_id": nullable("integer"), "site_name": nullable("string"), "scenario_id": s("integer"), "scenario_code": s("string"), "scenario_title": s("string"), "method_version": s("integer"), "likelihood": s("integer"), "likelihood_rationale": s("string"), "consequence_human": s("integer"), "consequence_economic": s("integer"), "consequence_political": s("integer"), "consequence_rationale": s("string"), "vulnerability": s("integer"), "vulnerability_rationale": s("string"), "evidence": { "type": "array", "items": s("string") }, "inherent_score": s("integer"), "inherent_level": s("string"), "residual_score": s("integer"), "residual_level": s("string"), "review_required": s("boolean"), "review_reason": s("string"), "likelihood_proposed": nullable("integer"), "likelihood_override_reason": s("string"), "vulnerability_proposed": nullable("integer"), "vulnerability_override_reason": s("string"), "next_review_on": { "type": "string", "format": "date" }, "classification": s("integer"), "need_to_know": s("boolean"), "updated_at_ms": s("integer") } },
        "AssessmentInput": obj(&["scenario_id", "likelihood", "likelihood_rationale", "consequence_human", "consequence_economic", "consequence_political", "consequence_rationale", "vulnerability", "vulnerability_rationale"], json!({ "scenario_id": s("integer"), "site_id": nullable("integer"), "likelihood": { "type": "integer", "minimum": 1, "maximum": 5 }, "likelihood_rationale": s("string"), "consequence_human": { "type": "integer", "minimum": 1, "maximum": 5 }, "consequence_economic": { "type": "integer", "minimum": 1, "maximum": 5 }, "consequence_political": { "type": "integer", "minimum": 1, "maximum": 5 }, "consequence_rationale": s("string"), "vulnerability": { "type": "integer", "minimum": 1, "maximum": 5 }, "vulnerability_rationale": s("string"), "likelihood_override_reason": { "type": "string", "description": "required when the likelihood departs from the proposal" }, "vulnerability_override_reason": { "type": "string", "description": "required when the vulnerability departs from the proposal" }, "evidence": { "type": "array", "items": s("string") }, "classification": nullable("string"), "reason": s("string"), "reassess": s("boolean") })),
        "AssessmentHistory": { "type": "array", "items": { "type": "object", "properties": { "changed_by": nullable("integer"), "changed_by_name": nullable("string"), "changed_at_ms": s("integer"), "reason": s("string"), "before": nullable("string"), "after": s("string") } } },
        "HeatMaps": { "type": "object", "properties": { "assessments": s("integer"), "inherent": { "type": "object", "description": "counts[likelihood-1][consequence-1] and levels of the cells" }, "residual": { "type": "object", "description": "as inherent, with the likelihood of a successful attempt (likelihood × vulnerability on the 1-5 scale)" } } },
        "Acceptance": { "type": "object", "properties": { "id": s("integer"), "assessment_id": s("integer"), "accepted_by": s("integer"), "accepted_by_name": s("string"), "accepted_at_ms": s("integer"), "expires_on": { "type": "string", "format": "date" }, "method_version": s("integer"), "residual_score": s("integer"), "residual_level": s("string"), "note": s("string") } },
        "AcceptanceList": { "type": "array", "items": schema_ref("Acceptance") },
        "SecurityMeasure": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "code": s("string"), "title": s("string"), "description": s("string"), "baseline": s("boolean"), "published": s("boolean"), "classification": s("integer"), "need_to_know": s("boolean"), "scenario_ids": { "type": "array", "items": s("integer") } } },
        "MeasureInput": obj(&["code", "title", "description", "scenario_ids"], json!({ "code": s("string"), "title": s("string"), "description": s("string"), "scenario_ids": { "type": "array", "items": s("integer"), "minItems": 1 } })),
        "Implementation": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "measure_id": s("integer"), "responsible_person_id": nullable("integer"), "responsible_name": nullable("string"), "status": { "type": "string", "enum": ["planned", "implemented", "suspended", "not_applicable"] }, "cost_one_off": s("integer"), "cost_annual": s("integer"), "note": s("string"), "exemption": { "type": "string", "enum": ["none", "requested", "approved", "refused"] }, "exemption_reason": s("string"), "exemption_decided_by_name": nullable("string"), "exemption_decided_at_ms": nullable("integer"), "exemption_decision_note": s("string"), "updated_at_ms": s("integer") } },
        "ImplementationInput": obj(&["status"], json!({ "responsible_person_id": nullable("integer"), "status": { "type": "string", "enum": ["planned", "implemented", "suspended", "not_applicable"] }, "cost_one_off": s("integer"), "cost_annual": s("integer"), "note": s("string") })),
        "MeasureRegister": { "type": "array", "items": { "type": "object", "properties": { "measure": schema_ref("SecurityMeasure"), "implementation": { "oneOf": [schema_ref("Implementation"), { "type": "null" }] } } } },
        "ExemptionRequest": obj(&["reason"], json!({ "reason": s("string") })),
        "ExemptionDecision": obj(&["approve", "note"], json!({ "approve": s("boolean"), "note": s("string") })),
        "PendingExemptionList": { "type": "array", "items": { "type": "object", "properties": { "party_id": s("integer"), "party_name": s("string"), "measure_id": s("integer"), "measure_name": s("string"), "reason": s("string"), "requested_at_ms": s("integer") } } },
        "Proposal": { "type": "object", "properties": { "score": { "type": "integer", "minimum": 1, "maximum": 5 }, "basis": s("string") } },
        "ScoreProposals": { "type": "object", "properties": { "data": { "type": "object", "properties": { "threat_level": nullable("integer"), "tests_passed": s("integer"), "tests_failed": s("integer"), "occurrences": s("integer") } }, "likelihood": { "oneOf": [schema_ref("Proposal"), { "type": "null" }] }, "vulnerability": { "oneOf": [schema_ref("Proposal"), { "type": "null" }] } } },
        "EvidenceInput": obj(&["scenario_id", "kind", "occurred_on", "summary"], json!({ "scenario_id": s("integer"), "kind": { "type": "string", "enum": ["test", "occurrence"] }, "passed": nullable("boolean"), "occurred_on": { "type": "string", "format": "date" }, "summary": s("string"), "source_ref": s("string") })),
        "EvidenceList": { "type": "array", "items": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "scenario_id": s("integer"), "kind": s("string"), "passed": nullable("boolean"), "occurred_on": { "type": "string", "format": "date" }, "summary": s("string"), "source": s("string"), "source_ref": s("string"), "recorded_by_name": nullable("string"), "recorded_at_ms": s("integer") } } },
        "EvidenceRecorded": { "type": "object", "properties": { "evidence_id": s("integer"), "marked_for_review": { "type": "array", "items": s("integer") } } },
        "MitigationAction": { "type": "object", "properties": { "id": s("integer"), "assessment_id": s("integer"), "party_id": s("integer"), "title": s("string"), "responsible_person_id": nullable("integer"), "responsible_name": nullable("string"), "due_on": { "type": "string", "format": "date" }, "status": { "type": "string", "enum": ["planned", "in_progress", "done", "cancelled"] }, "cost_one_off": s("integer"), "cost_annual": s("integer"), "effect_on": { "type": "string", "enum": ["likelihood", "vulnerability"] }, "expected_reduction": s("integer"), "updated_at_ms": s("integer"), "overdue": s("boolean") } },
        "ActionInput": obj(&["title", "due_on", "effect_on", "expected_reduction"], json!({ "title": s("string"), "responsible_person_id": nullable("integer"), "due_on": { "type": "string", "format": "date" }, "status": { "type": "string", "enum": ["planned", "in_progress", "done", "cancelled"] }, "cost_one_off": s("integer"), "cost_annual": s("integer"), "effect_on": { "type": "string", "enum": ["likelihood", "vulnerability"] }, "expected_reduction": { "type": "integer", "minimum": 1, "maximum": 4 } })),
        "ActionList": { "type": "object", "properties": { "actions": { "type": "array", "items": schema_ref("MitigationAction") }, "projection": { "type": "object", "properties": { "likelihood": s("integer"), "vulnerability": s("integer"), "residual": { "type": "object", "properties": { "score": s("integer"), "level": s("string"), "tolerability": s("string") } } } } } },
        "NationalPicture": { "type": "object", "properties": { "assessments": s("integer"), "totals": { "type": "array", "items": s("integer"), "description": "assessments per residual level, very low to very high" }, "rows": { "type": "array", "items": { "type": "object", "properties": { "scenario_id": s("integer"), "scenario_code": s("string"), "scenario_title": s("string"), "by_level": { "type": "array", "items": s("integer") }, "assessments": s("integer"), "organisations_by_level": { "type": "array", "items": s("integer") } } } } } },
        "Csv": { "type": "string", "description": "A CSV document (RFC 4180, UTF-8, header row first)" },
        "ImportReport": { "type": "object", "properties": { "dry_run": s("boolean"), "rows": s("integer"), "codes": { "type": "array", "items": s("string") }, "errors": { "type": "array", "items": { "type": "object", "properties": { "line": s("integer"), "message": s("string") } } }, "imported": s("boolean") } },
        "CategoryList": { "type": "array", "items": { "type": "object", "properties": { "code": s("string"), "label": s("string") } } },
        "ReportFiling": obj(&["category", "occurred_at", "what_happened", "mode"], json!({ "site_id": nullable("integer"), "category": s("string"), "occurred_at": { "type": "string", "description": "YYYY-MM-DD or YYYY-MM-DDTHH:MM" }, "location": s("string"), "what_happened": { "type": "string", "minLength": 10, "maxLength": 10000 }, "reporter_thinks_mandatory": s("boolean"), "mode": { "type": "string", "enum": ["identified", "confidential", "anonymous"] }, "reporter_contact": { "type": "string", "description": "confidential: sealed with the identity; anonymous: must be empty" }, "attachments": { "type": "array", "maxItems": 3, "items": { "type": "object", "properties": { "filename": s("string"), "content_base64": s("string") } } } })),
        "Filed": { "type": "object", "properties": { "report_id": s("integer"), "receipt": { "type": "string", "description": "shown once; stored only as a hash" } } },
        "Receipt": obj(&["receipt"], json!({ "receipt": s("string") })),
        "ReceiptReply": obj(&["receipt", "body"], json!({ "receipt": s("string"), "body": s("string") })),
        "ReceiptView": { "type": "object", "properties": { "status": s("string"), "category": s("string"), "occurred_at": s("string"), "filed_at_ms": s("integer"), "what_happened": s("string"), "mode": s("string"), "messages": { "type": "array", "items": { "type": "object", "properties": { "from_reporter": s("boolean"), "body": s("string"), "at_ms": s("integer") } } }, "outcome": s("string"), "lessons": s("string"), "disclosures": { "type": "array", "items": s("string") } } },
        "Report": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "party_name": s("string"), "site_id": nullable("integer"), "site_name": nullable("string"), "category_code": s("string"), "category_label": s("string"), "occurred_at": s("string"), "location": s("string"), "what_happened": s("string"), "reporter_thinks_mandatory": s("boolean"), "mode": s("string"), "reporter_person_id": nullable("integer"), "reporter_name": nullable("string"), "status": { "type": "string", "enum": ["new", "triaged", "under_investigation", "closed"] }, "severity": nullable("string"), "mandatory": nullable("boolean"), "triage_note": s("string"), "outcome": s("string"), "lessons": s("string"), "just_culture": nullable("string"), "deidentified_text": s("string"), "filed_at_ms": s("integer"), "triaged_at_ms": nullable("integer"), "closed_at_ms": nullable("integer"), "forward_due_at_ms": nullable("integer"), "forwarded_at_ms": nullable("integer"), "scenario_ids": { "type": "array", "items": s("integer") } } },
        "ReportView": { "type": "object", "properties": { "report": schema_ref("Report"), "attachments": { "type": "array", "items": { "type": "object" } }, "messages": { "type": "array", "items": { "type": "object" } }, "identity_requests": { "type": "array", "items": { "type": "object" } }, "actions": { "type": "array", "items": { "type": "object" } }, "overdue": { "type": "object", "properties": { "triage": s("boolean"), "closure": s("boolean"), "forwarding": s("boolean") } } } },
        "TriageInput": obj(&["category", "severity", "mandatory"], json!({ "category": s("string"), "severity": { "type": "string", "enum": ["low", "medium", "high", "critical"] }, "mandatory": s("boolean"), "scenario_ids": { "type": "array", "items": s("integer") }, "note": s("string") })),
        "CloseInput": obj(&["outcome", "just_culture"], json!({ "outcome": s("string"), "lessons": s("string"), "just_culture": { "type": "string", "enum": ["no_blame", "training_need", "procedure_change", "referred"] }, "corrective_actions": { "type": "array", "items": { "type": "object", "properties": { "title": s("string"), "due_on": { "type": "string", "format": "date" }, "responsible_person_id": nullable("integer") } } } })),
        "MessageBody": obj(&["body"], json!({ "body": s("string") })),
        "Suggestions": { "type": "object", "properties": { "redactions": { "type": "array", "items": { "type": "object", "properties": { "kind": s("string"), "text": s("string") } } }, "suggested_text": s("string") } },
        "DeidentifiedInput": obj(&["text"], json!({ "text": s("string") })),
        "Remaining": { "type": "object", "properties": { "remaining": { "type": "array", "items": s("string") } } },
        "IdentityRequestInput": obj(&["reason"], json!({ "reason": s("string") })),
        "CreatedId": { "type": "object", "properties": { "id": s("integer") } },
        "DecisionInput": obj(&["approve", "note"], json!({ "approve": s("boolean"), "note": s("string") })),
        "IdentityDisclosed": { "type": "object", "properties": { "identity": s("string") } },
        "Occurrence": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "party_name": s("string"), "site_name": nullable("string"), "category_code": s("string"), "category_label": s("string"), "occurred_at": s("string"), "severity": nullable("string"), "mandatory": nullable("boolean"), "status": s("string"), "text": s("string"), "forwarded_at_ms": s("integer") } },
        "OccurrenceView": { "type": "object", "properties": { "occurrence": schema_ref("Occurrence"), "messages": { "type": "array", "items": { "type": "object", "properties": { "side": s("string"), "author_name": nullable("string"), "body": s("string"), "created_at_ms": s("integer") } } } } },
        "ReportStatistics": { "type": "object", "properties": { "reports": s("integer"), "by_category_month": { "type": "array", "items": { "type": "object", "properties": { "category": s("string"), "month": s("string"), "reports": s("integer") } } }, "identified": s("integer"), "confidential": s("integer"), "anonymous": s("integer"), "rate_per_100_staff": nullable("number"), "staff": s("integer"), "median_hours_to_triage": nullable("number"), "median_days_to_close": nullable("number") } },
        "CatalogueView": { "type": "object", "properties": { "party_id": s("integer"), "party_name": s("string"), "version": nullable("integer"), "versions": { "type": "array", "items": { "type": "object", "properties": { "version": s("integer"), "note": s("string"), "published_at_ms": s("integer"), "published_by_name": nullable("string"), "requirements": s("integer") } } }, "nodes": { "type": "array", "items": { "type": "object", "properties": { "id": s("integer"), "code": s("string"), "parent_code": nullable("string"), "level": { "type": "string", "enum": ["programme", "chapter", "requirement"] }, "title": s("string"), "text": s("string"), "version": s("integer"), "depth": s("integer") } } } } },
        "RequirementInput": obj(&["code", "level", "title"], json!({ "code": s("string"), "parent": nullable("string"), "level": { "type": "string", "enum": ["programme", "chapter", "requirement"] }, "title": s("string"), "text": s("string"), "note": s("string") })),
        "ProtectedDay": { "type": "object", "properties": { "day": { "type": "string", "format": "date" }, "owner_party_id": s("integer"), "owner_party_name": s("string"), "action": s("string"), "count": s("integer") } },
        "Appointment": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "duty": { "type": "string", "enum": ["identity_custodian"] }, "person_id": s("integer"), "person_name": s("string"), "starts_at_ms": s("integer"), "ended_at_ms": nullable("integer"), "appointed_by_name": nullable("string"), "ended_by_name": nullable("string"), "note": s("string") } },
        "Action": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "party_name": s("string"), "source_kind": { "type": "string", "enum": sems_domain::action::SOURCES.map(|k| k.as_str()) }, "source_id": s("integer"), "title": s("string"), "responsible_person_id": nullable("integer"), "responsible_name": nullable("string"), "due_on": { "type": "string", "format": "date" }, "status": { "type": "string", "enum": sems_domain::action::ActionStatus::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>() }, "cost_one_off": s("integer"), "cost_annual": s("integer"), "completed_on": nullable("string"), "completion_evidence": s("string"), "effectiveness": { "type": "string", "enum": sems_domain::action::Effectiveness::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>() }, "effectiveness_note": s("string"), "effectiveness_checked_by_name": nullable("string"), "classification": s("integer"), "need_to_know": s("boolean"), "updated_at_ms": s("integer"), "overdue": s("boolean"), "source_label": s("string"), "source_link": s("string"), "allowed": { "type": "object", "properties": { "complete": s("boolean"), "check": s("boolean") } } } },
        "ActionCompletion": obj(&["evidence"], json!({ "evidence": s("string") })),
        "ActionEffectiveness": obj(&["effective"], json!({ "effective": s("boolean"), "note": s("string") })),
        "PendingGrant": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "party_name": s("string"), "person_id": s("integer"), "person_name": s("string"), "roles": roles.clone(), "clearance": nullable("integer"), "clearance_name": nullable("string"), "requested_by": s("integer"), "requested_by_name": s("string"), "requested_at_ms": s("integer"), "status": { "type": "string", "enum": ["pending", "confirmed", "refused", "replaced"] }, "decided_by_name": nullable("string"), "decided_at_ms": nullable("integer"), "note": s("string"), "may_decide": s("boolean") } },
        "GrantDecision": obj(&["decision"], json!({ "decision": { "type": "string", "enum": ["confirm", "refuse"] }, "note": s("string") })),
        "AppointmentInput": obj(&["duty"], json!({ "duty": { "type": "string", "enum": ["identity_custodian"] }, "note": s("string") })),
        "Published": { "type": "object", "properties": { "version": s("integer") } },
        "Activity": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "party_name": s("string"), "overseen_party_id": s("integer"), "overseen_party_name": s("string"), "kind": { "type": "string", "enum": ["audit_full", "audit_partial", "inspection", "test_overt", "test_covert", "trial", "survey"] }, "title": s("string"), "catalogue_version": s("integer"), "announced": s("boolean"), "covert": s("boolean"), "released": s("boolean"), "status": { "type": "string", "enum": ["planned", "in_progress", "completed"] }, "planned_on": { "type": "string", "format": "date" }, "started_on": nullable("string"), "completed_on": nullable("string") } },
        "PlanInput": obj(&["overseen_party_id", "kind", "title", "planned_on"], json!({ "overseen_party_id": s("integer"), "kind": s("string"), "title": s("string"), "planned_on": { "type": "string", "format": "date" }, "announced": s("boolean"), "team": { "type": "array", "items": s("integer") }, "scope": { "type": "array", "items": s("string") } })),
        "ActivityView": { "type": "object", "properties": { "activity": schema_ref("Activity"), "team": { "type": "array" }, "items": { "type": "array", "items": { "type": "object", "properties": { "id": s("integer"), "requirement_code": s("string"), "requirement_title": s("string"), "area_code": s("string"), "answer": nullable("string"), "notes": s("string"), "test_passed": nullable("boolean"), "test_method": s("string") } } }, "findings": { "type": "array", "items": schema_ref("Finding") }, "answered": s("integer"), "effective_implementation": nullable("number") } },
        "AnswerList": { "type": "array", "items": { "type": "object", "required": ["item_id", "answer"], "properties": { "item_id": s("integer"), "answer": { "type": "string", "enum": ["compliant", "compliant_with_observations", "not_compliant", "not_compliant_serious", "not_applicable", "not_confirmed"] }, "notes": s("string"), "test_passed": nullable("boolean"), "test_method": s("string") } } },
        "SavedCount": { "type": "object", "properties": { "saved": s("integer") } },
        "RaiseInput": obj(&["item_id", "level", "description"], json!({ "item_id": s("integer"), "level": { "type": "string", "enum": ["level_1", "level_2", "observation"] }, "description": s("string") })),
        "Finding": { "type": "object", "properties": { "id": s("integer"), "party_id": s("integer"), "party_name": s("string"), "raised_by_party_id": s("integer"), "activity_id": s("integer"), "requirement_code": s("string"), "level": s("string"), "description": s("string"), "status": { "type": "string", "enum": ["open", "cap_submitted", "cap_returned", "cap_accepted", "completed", "closed"] }, "due_on": { "type": "string", "format": "date" }, "root_cause": s("string"), "cap_actions": s("string"), "cap_due_on": nullable("string"), "compensatory_measures": s("string"), "overseer_comment": s("string"), "completion_evidence": s("string") } },
        "FindingView": { "type": "object", "properties": { "finding": schema_ref("Finding"), "history": { "type": "array" }, "overdue": s("boolean") } },
        "CapInput": obj(&["root_cause", "actions", "due_on"], json!({ "root_cause": s("string"), "actions": s("string"), "owner_person_id": nullable("integer"), "due_on": { "type": "string", "format": "date" }, "compensatory_measures": s("string") })),
        "CapDecision": obj(&["accept"], json!({ "accept": s("boolean"), "comment": s("string") })),
        "CompletionInput": obj(&["evidence"], json!({ "evidence": s("string") })),
        "VerificationInput": obj(&["close"], json!({ "close": s("boolean"), "comment": s("string"), "follow_up_on": { "type": ["string", "null"], "format": "date", "description": "when sending back: plan a follow-up inspection of the requirement on this day" } })),
        "EiReport": { "type": "object", "properties": { "overall": nullable("number"), "items": s("integer"), "by_organisation": { "type": "array" }, "by_area": { "type": "array" }, "by_year": { "type": "array" } } },
        "IssueReport": obj(&["summary"], json!({ "summary": s("string") })),
        "IssuedReports": { "type": "array", "items": { "type": "object", "properties": { "version": s("integer"), "summary": s("string"), "issued_by": s("string"), "issued_at_ms": s("integer"), "content": { "type": "object" } } } },
        "Proposals": { "type": "array", "items": { "type": "object", "properties": { "kind": s("string"), "due_on": { "type": "string", "format": "date" }, "overdue": s("boolean"), "basis": s("string") } } },
        "EvidenceFile": obj(&["filename", "content_base64"], json!({ "filename": s("string"), "content_base64": s("string") })),
        "ItemEvidence": { "type": "object", "properties": { "id": s("integer"), "item_id": s("integer"), "filename": s("string"), "content_type": s("string"), "size_bytes": s("integer"), "sha256": s("string") } },
        "Contractors": { "type": "array", "items": { "type": "object", "properties": { "party_id": s("integer"), "name": s("string") } } },
        "NewContractor": obj(&["party_id"], json!({ "party_id": s("integer") })),
        "AcceptanceInput": obj(&["expires_on"], json!({ "expires_on": { "type": "string", "format": "date" }, "note": s("string") })),
        "AuditEntry": { "type": "object", "properties": { "seq": s("integer"), "at_ms": s("integer"), "actor_person_id": nullable("integer"), "actor_name": nullable("string"), "actor_party_id": nullable("integer"), "owner_party_id": s("integer"), "owner_party_name": s("string"), "action": s("string"), "record_kind": s("string"), "record_id": nullable("integer"), "before": { "type": ["string", "null"], "description": "JSON of the record before the change" }, "after": { "type": ["string", "null"], "description": "JSON of the record after the change" }, "hash": s("string") } },
    })
}

fn page_of(name: &str) -> Value {
    json!({ "type": "object", "properties": {
        "items": { "type": "array", "items": schema_ref(name) },
        "page": { "type": "integer" }, "per_page": { "type": "integer" }, "total": { "type": "integer", "description": "matching rows, counted up to 1,000" }, "total_exact": { "type": "boolean", "description": "false when more rows match than were counted; the next page exists when this one is full" }, "next_cursor": { "type": "string", "description": "present when the page is full: send it back as `cursor` for the next page, found by an index seek however deep in the list" } } })
}

/// Builds the document.
pub fn build() -> Value {
    let mut paths = Map::new();
    for o in OPERATIONS {
        let entry = paths.entry(o.path.to_string()).or_insert_with(|| json!({}));
        let mut parameters: Vec<Value> = o
            .path
            .split('/')
            .filter(|seg| seg.starts_with('{'))
            .map(|seg| {
                let name = seg.trim_matches(|c| c == '{' || c == '}');
                // Ids are integers; other path parameters (a category) are names.
                let kind = if name == "id" || name.ends_with("_id") {
                    "integer"
                } else {
                    "string"
                };
                json!({ "name": name, "in": "path", "required": true, "schema": { "type": kind } })
            })
            .collect();
        if o.list {
            parameters.push(json!({ "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } }));
            parameters.push(json!({ "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": sems_domain::page::MAX_PER_PAGE } }));
            parameters.push(json!({ "name": "cursor", "in": "query", "description": "the `next_cursor` of the previous page (instead of `page`)", "schema": { "type": "string" } }));
        }
        let content = match (o.response, o.list) {
            (Some(name), true) => json!({ "application/json": { "schema": page_of(name) } }),
            (Some(name), false) => json!({ "application/json": { "schema": schema_ref(name) } }),
            (None, _) => json!({}),
        };
        let problem = json!({ "description": "Problem", "content": { "application/problem+json": { "schema": schema_ref("Problem") } } });
        let mut responses = Map::new();
        responses.insert(
            o.status.to_string(),
            json!({ "description": "Success", "content": content }),
        );
        for code in [
            "400", "401", "403", "404", "409", "413", "415", "422", "429",
        ] {
            responses.insert(code.to_string(), problem.clone());
        }
        let mut operation = json!({
            "tags": [o.tag],
            "summary": o.summary,
            "operationId": format!("{}_{}", o.method, o.path.replace(['/', '{', '}', '-'], "_").trim_matches('_')),
            "parameters": parameters,
            "responses": responses,
        });
        if let Some(body) = o.body {
            let media = if body == "Csv" {
                "text/csv"
            } else {
                "application/json"
            };
            operation["requestBody"] =
                json!({ "required": true, "content": { media: { "schema": schema_ref(body) } } });
        }
        if o.path.ends_with("/import") {
            if let Some(list) = operation["parameters"].as_array_mut() {
                list.push(json!({ "name": "dry_run", "in": "query", "schema": { "type": "boolean", "default": false } }));
            }
        }
        entry[o.method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "sems API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The JSON API of sems, the aviation security management system. Authenticate with an API token (`Authorization: Bearer sems_…`) or a session cookie; with a session, state-changing requests carry the session's CSRF token in `X-CSRF-Token`. Errors are RFC 9457 problem documents. Every list is paginated with `page` and `per_page`, or walked with the `cursor` each full page gives as `next_cursor`.",
        },
        "servers": [{ "url": "/api/v1" }],
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "An API token created on the profile page" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::session::COOKIE },
            },
        },
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": paths,
    })
}

pub async fn document() -> Json<Value> {
    Json(build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_referenced_schema_exists() {
        let doc = build();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for part in text.split("#/components/schemas/").skip(1) {
            let name: String = part.chars().take_while(|c| c.is_alphanumeric()).collect();
            assert!(schemas.contains_key(&name), "missing schema {name}");
        }
    }

    #[test]
    fn operation_ids_are_unique() {
        let doc = build();
        let mut ids = Vec::new();
        for (_, item) in doc["paths"].as_object().unwrap() {
            for (_, op) in item.as_object().unwrap() {
                ids.push(op["operationId"].as_str().unwrap().to_string());
            }
        }
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert_eq!(n, OPERATIONS.len());
    }
}
