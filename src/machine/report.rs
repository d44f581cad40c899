//! Views of the selection: one item ([`ItemView`]) and the end-of-pass report ([`PassReport`]).

use crate::guid::ItemId;
use crate::hresult::HResult;
use crate::state::Phase;
use crate::status::SyncMgrStatus;

/// One item of the selection as the handler last reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ItemView {
    /// The item.
    pub id: ItemId,
    /// Its reported status (PENDING until the first Progress with a status).
    pub status: SyncMgrStatus,
    /// Whether the manager asked to skip or cancel it.
    pub skip_requested: bool,
    /// The last progress value reported, if any.
    pub value: Option<i32>,
    /// The last maximum reported, if any.
    pub max: Option<i32>,
}

impl ItemView {
    /// A skip request that reached a final status other than SKIPPED or STOPPED (CONTRACT §6
    /// (b)). An item that never reached a final status is unfinished, not this (the two lists
    /// are disjoint).
    ///
    /// ```
    /// # use mobsync::{ItemId, ItemView, SyncMgrStatus};
    /// let view = ItemView { id: ItemId::from_u128(1), status: SyncMgrStatus::Succeeded, skip_requested: true, value: None, max: None };
    /// assert!(view.skip_not_honoured());
    /// let still = ItemView { status: SyncMgrStatus::Updating, ..view };
    /// assert!(!still.skip_not_honoured());
    /// ```
    #[must_use]
    pub const fn skip_not_honoured(&self) -> bool {
        self.skip_requested
            && self.status.is_final()
            && !matches!(self.status, SyncMgrStatus::Skipped | SyncMgrStatus::Stopped)
    }
}

/// The end-of-pass report (CONTRACT §6): how a pass ended, every item of its selection with its
/// last status, the items that never reached a final status, and the skip requests not
/// honoured. The one report type of the crate: the engine's [`Instance::report`](crate::Instance::report), the trace
/// checker's verdicts and the simulator's passes all hand it out.
///
/// The two lists are those of a pass that reached `Finished`; for a pass that did not (the
/// simulator reports those too: abandoned, or a completion that never came) they are empty.
///
/// ```
/// use mobsync::{HResult, Instance, ItemId, Method, ProgressAnswer, ProgressItem, SyncMgrFlags, SyncMgrStatus};
///
/// let (a, b) = (ItemId::from_u128(0xA), ItemId::from_u128(0xB));
/// let mut sync = Instance::new();
/// sync.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK)?;
/// sync.set_progress_callback(true)?;
/// sync.prepare_for_sync(&[a, b], 0)?;
/// sync.prepare_for_sync_completed(HResult::S_OK)?;
/// sync.returned(Method::PrepareForSync, HResult::S_OK)?;
/// sync.synchronize()?;
/// sync.progress(a, ProgressItem::status(SyncMgrStatus::Succeeded), ProgressAnswer::Continue)?;
/// let done = sync.returned(Method::Synchronize, HResult::E_FAIL)?;
/// assert!(done.finished_pass());
/// let report = sync.report().unwrap();
/// assert_eq!(report.hresult(), Some(HResult::E_FAIL));
/// assert_eq!(report.unfinished().map(|i| i.id).collect::<Vec<_>>(), [b]);
/// assert_eq!(report.skip_not_honoured().count(), 0);
/// # Ok::<(), mobsync::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassReport {
    phase: Phase,
    items: Vec<ItemView>,
}

impl PassReport {
    /// The report of a pass that ended in `phase`, with its selection's `items` in selection
    /// order.
    pub(crate) const fn new(phase: Phase, items: Vec<ItemView>) -> Self {
        Self { phase, items }
    }

    /// The phase the pass ended in: `Finished(hr)` for a pass that finished.
    #[must_use]
    pub const fn phase(&self) -> Phase {
        self.phase
    }

    /// The HRESULT the pass finished with, `None` for a pass that did not finish.
    #[must_use]
    pub const fn hresult(&self) -> Option<HResult> {
        match self.phase {
            Phase::Finished(hr) => Some(hr),
            _ => None,
        }
    }

    /// The pass reached `Finished`.
    #[must_use]
    pub const fn is_finished(&self) -> bool {
        matches!(self.phase, Phase::Finished(_))
    }

    /// Every item of the selection with its final (or last) status, in selection order.
    #[must_use]
    pub fn items(&self) -> &[ItemView] {
        &self.items
    }

    /// One item of the selection.
    #[must_use]
    pub fn item(&self, id: ItemId) -> Option<&ItemView> {
        self.items.iter().find(|item| item.id == id)
    }

    /// The items of a finished pass that never reached a final status, in selection order.
    pub fn unfinished(&self) -> impl Iterator<Item = ItemView> + Clone + '_ {
        self.listed(|item| !item.status.is_final())
    }

    /// The items of a finished pass with a skip request whose final status is neither SKIPPED
    /// nor STOPPED, in selection order.
    pub fn skip_not_honoured(&self) -> impl Iterator<Item = ItemView> + Clone + '_ {
        self.listed(ItemView::skip_not_honoured)
    }

    /// Neither list has an item.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.unfinished().next().is_none() && self.skip_not_honoured().next().is_none()
    }

    fn listed(&self, keep: fn(&ItemView) -> bool) -> impl Iterator<Item = ItemView> + Clone + '_ {
        let finished = self.is_finished();
        self.items
            .iter()
            .filter(move |item| finished && keep(item))
            .copied()
    }
}
