//! The one corrective-action register: every module opens its corrective and preventive
//! actions here (a risk assessment's mitigation, a report's corrective actions, a finding's
//! plan; later an SPI alert, an exercise review, a survey, a management review). An action
//! comes from a source record, has a responsible person, a due date and a status, is
//! completed with evidence and then checked for effectiveness.

use crate::access::RecordKind;
use crate::vocabulary::vocabulary;

vocabulary!(
    /// Where an action stands.
    ActionStatus, "status", {
        Planned => "planned", "Planned";
        InProgress => "in_progress", "In progress";
        Done => "done", "Done";
        Cancelled => "cancelled", "Cancelled";
    }
);

vocabulary!(
    /// Whether a completed action did what it was meant to.
    Effectiveness, "effectiveness", {
        NotChecked => "not_checked", "Not checked yet";
        Effective => "effective", "Effective";
        NotEffective => "not_effective", "Not effective";
    }
);

impl ActionStatus {
    /// The statuses of an action still to be carried out (overdue when past its date).
    pub const OPEN: [ActionStatus; 2] = [ActionStatus::Planned, ActionStatus::InProgress];

    /// Whether the action is still to be carried out (and counts towards the projected
    /// residual risk).
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }
}

/// Whether an open action is overdue on `today`.
pub fn is_overdue(status: ActionStatus, due_on: time::Date, today: time::Date) -> bool {
    status.is_open() && due_on < today
}

/// The kinds of record an action comes from. The access rule reads an action as its source:
/// who may read the source reads the action, who may update the source manages it.
pub const SOURCES: [RecordKind; 7] = [
    RecordKind::RiskAssessment,
    RecordKind::SecurityReport,
    RecordKind::Finding,
    RecordKind::PerformanceAlert,
    // A lapse's withdrawal task, read as the person's record (their employer's training
    // officer and security manager).
    RecordKind::Personnel,
    // An improvement action from a culture survey's weakest theme.
    RecordKind::CultureSurvey,
    // The investigation of a suspected unauthorised disclosure of a shared item: the
    // disclosure report's, the issuer's alone.
    RecordKind::DisclosureReport,
];

/// Whether an action's effectiveness may be checked now: once it is done, and once only.
pub fn may_check_effectiveness(status: ActionStatus, effectiveness: Effectiveness) -> bool {
    status == ActionStatus::Done && effectiveness == Effectiveness::NotChecked
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn open_actions_become_overdue_and_done_ones_are_checked_once() {
        assert!(ActionStatus::InProgress.is_open() && !ActionStatus::Done.is_open());
        let (first, second) = (date!(2026 - 01 - 01), date!(2026 - 01 - 02));
        assert!(is_overdue(ActionStatus::Planned, first, second));
        assert!(!is_overdue(ActionStatus::Done, first, second));
        assert!(!is_overdue(ActionStatus::Planned, second, second));
        assert!(may_check_effectiveness(
            ActionStatus::Done,
            Effectiveness::NotChecked
        ));
        assert!(!may_check_effectiveness(
            ActionStatus::Done,
            Effectiveness::Effective
        ));
        assert!(!may_check_effectiveness(
            ActionStatus::InProgress,
            Effectiveness::NotChecked
        ));
        assert!(SOURCES.contains(&RecordKind::Finding));
    }
}
