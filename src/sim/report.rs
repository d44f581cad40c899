//! What a simulated run produced: [`SimReport`] and its [`Violation`]s.

use crate::guid::ItemId;
use crate::hresult::HResult;
use crate::machine::PassReport;
use crate::rule::Rule;
use crate::status::SyncMgrStatus;

/// A contract violation the simulator saw, with the rule that was broken.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Violation {
    /// The line of [`SimReport::trace`] that records it.
    pub line: usize,
    /// The rule the handler broke.
    pub rule: Rule,
    /// What the contract answers the event.
    pub verdict: HResult,
    /// Why.
    pub message: String,
}

/// A violation of the binary boundary (CONTRACT §9, the R-COM rules) that no event carries: a
/// wrong `cbSize`, an out-pointer left set on failure, an enumerator that miscounts. A
/// [`SyncHandler`](super::SyncHandler) that stands for a COM object reports those of each call
/// with [`take_boundary_violations`](super::SyncHandler::take_boundary_violations), and the sink
/// of its [`Callback`](super::Callback) those of each callback with
/// [`Callback::report`](super::Callback::report); the simulator records each as a
/// [`Violation`] on a comment line of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundaryViolation {
    /// The rule broken (an R-COM rule, or the contract rule whose data could not be read).
    pub rule: Rule,
    /// What the manager answers, or would answer, because of it.
    pub verdict: HResult,
    /// Why, beginning with the rule id.
    pub message: String,
}

/// What a simulated run produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SimReport {
    /// The run in TRACE.md's format.
    pub trace: String,
    /// Every violation, in order.
    pub violations: Vec<Violation>,
    /// One end-of-pass report per pass (retries included), in order; a pass that did not reach
    /// `Finished` (abandoned, or a completion that never came) is reported in the phase it was
    /// left in, with empty lists.
    pub passes: Vec<PassReport>,
    /// Script actions the manager could not deliver because their window had passed (e.g. a
    /// skip in window A when the completion came before PrepareForSync returned).
    pub undelivered: Vec<String>,
}

impl SimReport {
    /// No violations, and every pass ended with every item final and every skip honoured.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty() && self.passes.iter().all(PassReport::is_clean)
    }

    /// The item's status at the end of the last pass that selected it.
    #[must_use]
    pub fn final_status(&self, item: ItemId) -> Option<SyncMgrStatus> {
        self.passes
            .iter()
            .rev()
            .find_map(|p| p.item(item).map(|view| view.status))
    }

    /// The rules broken, in order (one entry per violation).
    #[must_use]
    pub fn broken_rules(&self) -> Vec<Rule> {
        self.violations.iter().map(|v| v.rule).collect()
    }
}
