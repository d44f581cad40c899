//! What the simulated manager does in a run: [`Script`] and the first pass's [`Selection`].

use std::time::Duration;

use crate::flags::SyncMgrFlags;
use crate::guid::ItemId;
use crate::hresult::HResult;
use crate::machine::ProgressAnswer;

/// Which items the manager selects for the first pass.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Selection {
    /// The items enumerated CHECKED (the manager's default).
    #[default]
    Checked,
    /// Every item enumerated.
    All,
    /// These items, in this order.
    Items(Vec<ItemId>),
}

/// What the simulated manager does in a run.
///
/// ```
/// use std::time::Duration;
/// use mobsync::sim::Script;
/// use mobsync::{HResult, ItemId, ProgressAnswer};
///
/// let script = Script::default()
///     .skip_in_window_b(ItemId::from_u128(2))
///     .answer_progress(ItemId::from_u128(3), 1, ProgressAnswer::CancelItem)
///     .enable_modeless_answer(HResult::S_FALSE)
///     .show_errors(1)
///     .timeout(Duration::from_secs(2));
/// assert_eq!(script.retries, 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Script {
    /// Initialize's flags (default MANUAL | MAYBOTHERUSER).
    pub flags: SyncMgrFlags,
    /// Which items the first pass selects.
    pub selection: Selection,
    /// Items to skip (SetItemStatus(SKIPPED)) in window A, if the run reaches it.
    pub skip_a: Vec<ItemId>,
    /// Items to skip in window B, if the run reaches it.
    pub skip_b: Vec<ItemId>,
    /// Items to skip after each pass has ended — a click that comes too late. The call is out
    /// of its window, so the contract answers E_UNEXPECTED and the handler must too (R-SIS);
    /// unlike the other skips, it is made although the contract refuses it.
    pub late_skips: Vec<ItemId>,
    /// `(item, n, answer)`: answer the item's n-th Progress call (1-based) with `answer`.
    pub progress_answers: Vec<(ItemId, usize, ProgressAnswer)>,
    /// The manager's answer to EnableModeless(TRUE) (default S_OK).
    pub modeless_answer: HResult,
    /// Show the properties of this item (GUID_NULL: the handler's) after the first pass.
    pub properties: Option<ItemId>,
    /// After each pass, show the first logged error; on ShowErrorCompleted(S_SYNCMGR_RETRYSYNC)
    /// run another pass with the items it names, at most this many times.
    pub retries: usize,
    /// How long to wait for a completion before reporting it missing.
    pub wait: Duration,
    /// How long the manager goes on taking callbacks after each pass has ended, before its next
    /// step (default none): a handler's late callbacks — a Progress or a second completion after
    /// the completion — are then seen, as a real manager whose window stays open sees them.
    pub linger: Duration,
    /// Before the first pass, make the calls whose windows are not open yet — Synchronize and
    /// SetItemStatus(SKIPPED) of the first item — although the contract refuses them: the
    /// handler must answer E_UNEXPECTED (R-SYNC, R-SIS). Off by default.
    pub probe_windows: bool,
}

impl Default for Script {
    fn default() -> Self {
        Self {
            flags: SyncMgrFlags::from_bits(0x203),
            selection: Selection::Checked,
            skip_a: Vec::new(),
            skip_b: Vec::new(),
            late_skips: Vec::new(),
            progress_answers: Vec::new(),
            modeless_answer: HResult::S_OK,
            properties: None,
            retries: 0,
            wait: Duration::from_secs(5),
            linger: Duration::ZERO,
            probe_windows: false,
        }
    }
}

impl Script {
    /// After each pass, skip `item` once more, out of the call's window (see
    /// [`Script::late_skips`]).
    #[must_use]
    pub fn skip_after_pass(mut self, item: ItemId) -> Self {
        self.late_skips.push(item);
        self
    }

    /// Go on taking callbacks for `time` after each pass (see [`Script::linger`]).
    #[must_use]
    pub fn linger(mut self, time: Duration) -> Self {
        self.linger = time;
        self
    }

    /// Probe the handler with calls out of their windows (see [`Script::probe_windows`]).
    #[must_use]
    pub fn probe_windows(mut self) -> Self {
        self.probe_windows = true;
        self
    }

    /// Initialize with these flags.
    #[must_use]
    pub fn flags(mut self, flags: SyncMgrFlags) -> Self {
        self.flags = flags;
        self
    }

    /// Select these items for the first pass.
    #[must_use]
    pub fn select(mut self, selection: Selection) -> Self {
        self.selection = selection;
        self
    }

    /// Skip `item` in window A.
    #[must_use]
    pub fn skip_in_window_a(mut self, item: ItemId) -> Self {
        self.skip_a.push(item);
        self
    }

    /// Skip `item` in window B.
    #[must_use]
    pub fn skip_in_window_b(mut self, item: ItemId) -> Self {
        self.skip_b.push(item);
        self
    }

    /// Answer the `nth` Progress call for `item` (1-based) with `answer`.
    #[must_use]
    pub fn answer_progress(mut self, item: ItemId, nth: usize, answer: ProgressAnswer) -> Self {
        self.progress_answers.push((item, nth, answer));
        self
    }

    /// Answer EnableModeless(TRUE) with `answer` (S_OK opens the gate, anything else does not).
    #[must_use]
    pub fn enable_modeless_answer(mut self, answer: HResult) -> Self {
        self.modeless_answer = answer;
        self
    }

    /// Show the properties of `item` after the first pass.
    #[must_use]
    pub fn show_properties(mut self, item: ItemId) -> Self {
        self.properties = Some(item);
        self
    }

    /// After each pass show the first logged error, and retry at most `retries` times.
    #[must_use]
    pub fn show_errors(mut self, retries: usize) -> Self {
        self.retries = retries;
        self
    }

    /// Wait at most `wait` for each completion.
    #[must_use]
    pub fn timeout(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }
}
