//! What an instance's state is: each region, the selection's items, and the end-of-pass report.

use crate::flags::SyncMgrFlags;
use crate::guid::{ErrorId, ItemId};
use crate::state::{Gate, Life, Phase, UiPhase};

use super::selection::{NEVER, Record, UNKNOWN};
use super::{Config, Indexed, Instance, ItemView, PassReport};

impl Instance {
    /// The profile and limits.
    ///
    /// ```
    /// # use mobsync::{Instance, Profile};
    /// assert_eq!(Instance::new().config().profile, Profile::Documented);
    /// ```
    #[must_use]
    pub const fn config(&self) -> Config {
        self.config
    }

    /// The life region.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, Life, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_FALSE).unwrap();
    /// assert_eq!(instance.life(), Life::Declined);
    /// ```
    #[must_use]
    pub const fn life(&self) -> Life {
        self.life
    }

    /// Whether a progress callback is bound.
    ///
    /// ```
    /// # use mobsync::Instance;
    /// assert!(!Instance::new().is_bound());
    /// ```
    #[must_use]
    pub const fn is_bound(&self) -> bool {
        self.bound
    }

    /// The flags Initialize was accepted with.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, SyncEvent, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x204), HResult::S_OK).unwrap();
    /// assert_eq!(instance.sync_flags().map(SyncMgrFlags::event), Some(SyncEvent::Idle));
    /// ```
    #[must_use]
    pub const fn sync_flags(&self) -> Option<SyncMgrFlags> {
        self.flags
    }

    /// The pass phase.
    ///
    /// ```
    /// # use mobsync::{Instance, Phase};
    /// assert_eq!(Instance::new().phase(), Phase::Idle);
    /// ```
    #[must_use]
    pub const fn phase(&self) -> Phase {
        self.phase
    }

    /// The catalog in enumeration order, `None` until the handler enumerates.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, SyncMgrFlags, SyncMgrItem};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// let a = ItemId::from_u128(0xA);
    /// instance.enum_sync_mgr_items(HResult::S_OK, &[SyncMgrItem::new(a, "A")]).unwrap();
    /// assert_eq!(instance.catalog(), Some(&[a][..]));
    /// ```
    #[must_use]
    pub fn catalog(&self) -> Option<&[ItemId]> {
        self.catalog.as_ref().map(Indexed::entries)
    }

    /// For [`crate::SharedInstance`]: an item's explicit skip request and the epoch at which it
    /// became final ([`NEVER`] if not), by position in the selection.
    pub(crate) fn skip_state(&self, id: ItemId) -> Option<(usize, bool, u32)> {
        let item = self.selection.find(id)?;
        Some((item.word.pos(), item.word.skip(), item.final_at()))
    }

    /// For [`crate::SharedInstance`]: the epoch of the selection's first sweep ([`NEVER`] if none).
    pub(crate) const fn sweep_at(&self) -> u32 {
        self.sweep_at
    }

    /// For [`crate::SharedInstance`]: the epoch counter and sweep of an item-less view.
    pub(crate) const NEVER: u32 = NEVER;

    fn view(&self, entry: Record) -> ItemView {
        ItemView {
            id: entry.id,
            status: entry.status,
            skip_requested: entry.skip || entry.final_at > self.sweep_at,
            value: (entry.value != UNKNOWN).then_some(entry.value),
            max: (entry.max != UNKNOWN).then_some(entry.max),
        }
    }

    /// The selection of the latest accepted PrepareForSync, in its order.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, SyncMgrFlags, SyncMgrStatus};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// instance.prepare_for_sync(&[ItemId::from_u128(1), ItemId::from_u128(2)], 0).unwrap();
    /// assert!(instance.selection().all(|item| item.status == SyncMgrStatus::Pending));
    /// ```
    pub fn selection(&self) -> impl ExactSizeIterator<Item = ItemView> + '_ {
        self.selection.records().map(|entry| self.view(entry))
    }

    /// One item of the selection (O(1)).
    ///
    /// ```
    /// # use mobsync::{Instance, ItemId};
    /// assert_eq!(Instance::new().item(ItemId::from_u128(1)), None);
    /// ```
    #[must_use]
    pub fn item(&self, id: ItemId) -> Option<ItemView> {
        self.selection.get(id).map(|entry| self.view(entry))
    }

    /// Whether the manager asked to skip or cancel this item (SetItemStatus(SKIPPED),
    /// S_SYNCMGR_CANCELITEM, S_SYNCMGR_CANCELALL, or STOPPED in the compatible profile). O(1).
    ///
    /// ```
    /// # use mobsync::{Instance, ItemId};
    /// assert!(!Instance::new().is_skip_requested(ItemId::from_u128(1)));
    /// ```
    #[must_use]
    pub fn is_skip_requested(&self, id: ItemId) -> bool {
        self.item(id).is_some_and(|item| item.skip_requested)
    }

    /// The outcome of the pass, once it is `Finished` (CONTRACT §6, end-of-pass report); it
    /// allocates the list of the selection's items.
    ///
    /// ```
    /// # use mobsync::Instance;
    /// assert!(Instance::new().report().is_none());
    /// ```
    #[must_use]
    pub fn report(&self) -> Option<PassReport> {
        match self.phase {
            Phase::Finished(_) => Some(self.pass_report()),
            _ => None,
        }
    }

    /// The report of the current selection in the current phase, whatever it is (the simulator
    /// reports passes that never finished too).
    pub(crate) fn pass_report(&self) -> PassReport {
        PassReport::new(self.phase, self.selection().collect())
    }

    /// The Properties UI.
    ///
    /// ```
    /// # use mobsync::{Instance, UiPhase};
    /// assert_eq!(Instance::new().properties_ui(), UiPhase::Closed);
    /// ```
    #[must_use]
    pub const fn properties_ui(&self) -> UiPhase {
        self.properties_ui
    }

    /// The Error UI.
    ///
    /// ```
    /// # use mobsync::{Instance, UiPhase};
    /// assert_eq!(Instance::new().error_ui(), UiPhase::Closed);
    /// ```
    #[must_use]
    pub const fn error_ui(&self) -> UiPhase {
        self.error_ui
    }

    /// The modal gate.
    ///
    /// ```
    /// # use mobsync::{Gate, Instance};
    /// assert_eq!(Instance::new().gate(), Gate::Shut);
    /// ```
    #[must_use]
    pub const fn gate(&self) -> Gate {
        self.gate
    }

    /// The error ids logged and not deleted, in logging order.
    ///
    /// ```
    /// # use mobsync::Instance;
    /// assert_eq!(Instance::new().error_log().len(), 0);
    /// ```
    #[must_use]
    pub fn error_log(&self) -> &[ErrorId] {
        self.error_log.entries()
    }

    /// Entries logged without an error id (and not deleted since by DeleteLogError(GUID_NULL)).
    ///
    /// ```
    /// # use mobsync::Instance;
    /// assert_eq!(Instance::new().anonymous_errors(), 0);
    /// ```
    #[must_use]
    pub const fn anonymous_errors(&self) -> usize {
        self.anonymous_errors
    }

    /// The items of the last ShowErrorCompleted(S_SYNCMGR_RETRYSYNC), until the next accepted
    /// PrepareForSync. Informational: the manager decides what it selects next.
    ///
    /// ```
    /// # use mobsync::Instance;
    /// assert!(Instance::new().retry_items().is_empty());
    /// ```
    #[must_use]
    pub fn retry_items(&self) -> &[ItemId] {
        &self.retry
    }
}
