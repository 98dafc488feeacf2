//! The security directive as an obligation with clocks: drafted, approved by the director,
//! issued with an effective date, an acknowledgement deadline and an implementation deadline;
//! then superseded, cancelled or expired. Each recipient organisation moves through its own
//! steps — delivered, acknowledged, the implementation method stated (or alternative measures
//! proposed, then accepted or refused by the authority), implemented with evidence, verified —
//! each late step escalated once. Comments never move a date: the dates are set at issue.

use crate::vocabulary::vocabulary;
use crate::{Checks, ValidationErrors};
use time::Date;

vocabulary!(
    /// Where a directive stands.
    DirectiveStatus, "status", {
        Draft => "draft", "Draft";
        Approved => "approved", "Approved by the director";
        Issued => "issued", "Issued";
        Superseded => "superseded", "Superseded";
        Cancelled => "cancelled", "Cancelled";
        Expired => "expired", "Expired";
    }
);

impl DirectiveStatus {
    /// Whether a directive may move from this status to `next`: approval before issue, nothing
    /// after an end.
    pub fn may_move_to(self, next: DirectiveStatus) -> bool {
        use DirectiveStatus::*;
        matches!(
            (self, next),
            (Draft, Approved)
                | (Draft, Cancelled)
                | (Approved, Issued)
                | (Approved, Draft)
                | (Approved, Cancelled)
                | (Issued, Superseded)
                | (Issued, Cancelled)
                | (Issued, Expired)
        )
    }

    /// Whether recipients owe steps on it.
    /// Whether its recipients were held to its deadlines: issued, and expired after being in
    /// force (a cancelled or superseded directive no longer binds them).
    pub fn binds_recipients(self) -> bool {
        matches!(self, DirectiveStatus::Issued | DirectiveStatus::Expired)
    }

    pub fn in_force(self) -> bool {
        self == DirectiveStatus::Issued
    }
}

vocabulary!(
    /// Where a recipient organisation stands with a directive.
    RecipientStep, "step", {
        Delivered => "delivered", "Delivered";
        Acknowledged => "acknowledged", "Acknowledged";
        MethodStated => "method_stated", "Implementation method stated";
        AlternativeProposed => "alternative_proposed", "Alternative measures proposed";
        AlternativeAccepted => "alternative_accepted", "Alternative measures accepted";
        AlternativeRefused => "alternative_refused", "Alternative measures refused";
        Implemented => "implemented", "Implemented";
        Verified => "verified", "Verified";
    }
);

impl RecipientStep {
    /// The steps a recipient may take next from this one (the authority's decisions on
    /// alternatives and the verification included).
    pub fn may_move_to(self, next: RecipientStep) -> bool {
        use RecipientStep::*;
        matches!(
            (self, next),
            (Delivered, Acknowledged)
                | (Acknowledged, MethodStated)
                | (Acknowledged, AlternativeProposed)
                | (AlternativeProposed, AlternativeAccepted)
                | (AlternativeProposed, AlternativeRefused)
                // Refused: implement as directed, or propose again.
                | (AlternativeRefused, MethodStated)
                | (AlternativeRefused, AlternativeProposed)
                | (MethodStated, Implemented)
                | (AlternativeAccepted, Implemented)
                | (Implemented, Verified)
        )
    }

    /// Whether the step is the authority's to take (deciding on alternatives, verifying).
    pub fn by_authority(self) -> bool {
        matches!(
            self,
            RecipientStep::AlternativeAccepted
                | RecipientStep::AlternativeRefused
                | RecipientStep::Verified
        )
    }

    /// Whether the directive counts as acknowledged at this step.
    pub fn acknowledged(self) -> bool {
        self != RecipientStep::Delivered
    }

    /// Whether it counts as implemented at this step.
    pub fn implemented(self) -> bool {
        matches!(self, RecipientStep::Implemented | RecipientStep::Verified)
    }
}

/// The dates a directive is issued with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectiveDates {
    pub effective_on: Date,
    pub acknowledge_by: Date,
    pub implement_by: Date,
    pub expires_on: Option<Date>,
}

/// Checks a directive's dates on the day it is issued: effective from then on, acknowledged
/// by a day from then to the implementation deadline, implemented by a day from the effective
/// date, expiring after it.
pub fn validate_dates(d: &DirectiveDates, issued_on: Date) -> Result<(), ValidationErrors> {
    let mut checks = Checks::default();
    checks.require(
        d.effective_on >= issued_on,
        "effective_on",
        "a directive takes effect on the day it is issued or later",
    );
    checks.require(
        d.acknowledge_by >= issued_on && d.acknowledge_by <= d.implement_by,
        "acknowledge_by",
        "acknowledged by a day between the issue and the implementation deadline",
    );
    checks.require(
        d.implement_by >= d.effective_on,
        "implement_by",
        "implemented by the effective date or later",
    );
    if let Some(e) = d.expires_on {
        checks.require(
            e > d.effective_on,
            "expires_on",
            "a directive expires after it takes effect",
        );
    }
    checks.finish()
}

vocabulary!(
    /// A step that is late.
    Late, "late", {
        Acknowledgement => "acknowledgement", "Acknowledgement overdue";
        Implementation => "implementation", "Implementation overdue";
    }
);

/// What is late for a recipient at `step` on `today` (after a deadline's day).
pub fn late(step: RecipientStep, d: &DirectiveDates, today: Date) -> Vec<Late> {
    let mut out = Vec::new();
    if !step.acknowledged() && today > d.acknowledge_by {
        out.push(Late::Acknowledgement);
    }
    if !step.implemented() && today > d.implement_by {
        out.push(Late::Implementation);
    }
    out
}

/// Whether a step done on `done` (none: not yet) was on time for `by`.
pub fn on_time(done: Option<Date>, by: Date) -> bool {
    done.is_some_and(|d| d <= by)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_directive_is_approved_before_it_is_issued_and_ends_once() {
        use DirectiveStatus::*;
        assert!(Draft.may_move_to(Approved) && Approved.may_move_to(Issued));
        assert!(
            !Draft.may_move_to(Issued),
            "never issued without the director's approval"
        );
        assert!(Issued.may_move_to(Superseded) && Issued.may_move_to(Expired));
        for end in [Superseded, Cancelled, Expired] {
            assert!(
                DirectiveStatus::ALL.iter().all(|n| !end.may_move_to(*n)),
                "{end:?}"
            );
        }
        assert!(Issued.in_force() && !Approved.in_force());
        assert!(
            Expired.binds_recipients()
                && !Cancelled.binds_recipients()
                && !Superseded.binds_recipients()
        );
    }

    #[test]
    fn a_recipient_acknowledges_states_its_method_or_proposes_alternatives_then_implements() {
        use RecipientStep::*;
        assert!(Delivered.may_move_to(Acknowledged));
        assert!(!Delivered.may_move_to(MethodStated), "acknowledged first");
        assert!(Acknowledged.may_move_to(AlternativeProposed));
        assert!(AlternativeProposed.may_move_to(AlternativeRefused));
        assert!(AlternativeRefused.may_move_to(MethodStated));
        assert!(
            !AlternativeProposed.may_move_to(Implemented),
            "not before the authority accepts"
        );
        assert!(AlternativeAccepted.may_move_to(Implemented) && Implemented.may_move_to(Verified));
        assert!(
            Verified.by_authority()
                && AlternativeRefused.by_authority()
                && !Implemented.by_authority()
        );
    }

    #[test]
    fn deadlines_are_checked_at_issue_and_late_steps_named() {
        let d = DirectiveDates {
            effective_on: date!(2026 - 12 - 10),
            acknowledge_by: date!(2026 - 12 - 08),
            implement_by: date!(2027 - 01 - 31),
            expires_on: Some(date!(2027 - 12 - 31)),
        };
        assert_eq!(validate_dates(&d, date!(2026 - 12 - 06)), Ok(()));
        let bad = DirectiveDates {
            effective_on: date!(2026 - 12 - 01),
            acknowledge_by: date!(2027 - 02 - 01),
            implement_by: date!(2026 - 11 - 30),
            expires_on: Some(date!(2026 - 11 - 01)),
        };
        let e = validate_dates(&bad, date!(2026 - 12 - 06)).unwrap_err();
        for field in [
            "effective_on",
            "acknowledge_by",
            "implement_by",
            "expires_on",
        ] {
            assert!(e.of(field).is_some(), "{field}");
        }
        assert!(
            late(RecipientStep::Delivered, &d, date!(2026 - 12 - 08)).is_empty(),
            "the deadline's day is on time"
        );
        assert_eq!(
            late(RecipientStep::Delivered, &d, date!(2026 - 12 - 09)),
            vec![Late::Acknowledgement]
        );
        assert_eq!(
            late(RecipientStep::Delivered, &d, date!(2027 - 02 - 01)),
            vec![Late::Acknowledgement, Late::Implementation]
        );
        assert!(late(RecipientStep::Implemented, &d, date!(2027 - 02 - 01)).is_empty());
        assert!(on_time(Some(date!(2026 - 12 - 08)), d.acknowledge_by));
        assert!(
            !on_time(Some(date!(2026 - 12 - 09)), d.acknowledge_by)
                && !on_time(None, d.acknowledge_by)
        );
    }
}
