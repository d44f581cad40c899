//! Views of the selection: one item ([`ItemView`]) and the end-of-pass report ([`PassReport`]).

use crate::guid::ItemId;
use crate::hresult::HResult;
use crate::status::SyncMgrStatus;

use super::Instance;

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
    /// A skip request whose final status is neither SKIPPED nor STOPPED, or that never reached
    /// a final status (CONTRACT §6 (b)).
    ///
    /// ```
    /// # use mobsync::{ItemId, ItemView, SyncMgrStatus};
    /// let view = ItemView { id: ItemId::from_u128(1), status: SyncMgrStatus::Succeeded, skip_requested: true, value: None, max: None };
    /// assert!(view.skip_not_honoured());
    /// ```
    #[must_use]
    pub const fn skip_not_honoured(&self) -> bool {
        self.skip_requested
            && !matches!(self.status, SyncMgrStatus::Skipped | SyncMgrStatus::Stopped)
    }
}

/// The outcome of a finished pass (CONTRACT §6, end-of-pass report): the final status of every
/// item, the items that never reached a final status, and the skip requests not honoured.
///
/// Borrowed from the instance, so it allocates nothing; it stays available until the next
/// PrepareForSync.
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
/// assert_eq!(report.hresult(), HResult::E_FAIL);
/// assert_eq!(report.unfinished().map(|i| i.id).collect::<Vec<_>>(), [b]);
/// assert_eq!(report.skip_not_honoured().count(), 0);
/// # Ok::<(), mobsync::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct PassReport<'a> {
    instance: &'a Instance,
    hr: HResult,
}

impl<'a> PassReport<'a> {
    pub(super) const fn new(instance: &'a Instance, hr: HResult) -> Self {
        Self { instance, hr }
    }

    /// The HRESULT the pass finished with.
    #[must_use]
    pub const fn hresult(&self) -> HResult {
        self.hr
    }

    /// Every item of the selection with its final (or last) status, in selection order.
    pub fn items(&self) -> impl ExactSizeIterator<Item = ItemView> + 'a {
        self.instance.selection()
    }

    /// Items that never reached a final status, in selection order.
    pub fn unfinished(&self) -> impl Iterator<Item = ItemView> + 'a {
        self.items().filter(|item| !item.status.is_final())
    }

    /// Items with a skip request whose final status is neither SKIPPED nor STOPPED, in
    /// selection order.
    pub fn skip_not_honoured(&self) -> impl Iterator<Item = ItemView> + 'a {
        self.items().filter(ItemView::skip_not_honoured)
    }

    /// Neither list has an item.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.unfinished().next().is_none() && self.skip_not_honoured().next().is_none()
    }
}
