//! A deliberately broken handler: each [`Fault`] breaks one rule of the contract, so tests can
//! assert that the simulator reports every one of them.

use mobsync::sim::{Callback, ItemInfo, SyncHandler};
use mobsync::{ErrorId, HResult, ItemId, ProgressItem, SyncMgrFlags, SyncMgrStatus};

/// One way to break the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// PrepareForSyncCompleted early, then PrepareForSync returns a failure (R-PREP-RET).
    FailureReturnAfterEarlyCompletion,
    /// Progress for an item that is not in the selection (R-PROG).
    ProgressForUnselectedItem,
    /// SynchronizeCompleted twice (R-SYNC-DONE).
    CompletionTwice,
    /// Progress after SynchronizeCompleted (R-PROG).
    ProgressAfterCompletion,
}

/// An item the handler never enumerates.
pub const STRANGER: ItemId = ItemId::from_u128(0x5757);

/// A synchronous handler with the chosen faults.
pub struct Broken {
    faults: Vec<Fault>,
    items: Vec<ItemId>,
    selected: Vec<ItemId>,
    callback: Option<Callback>,
}

impl Broken {
    /// A handler of `items` that commits `faults`.
    pub fn new(items: Vec<ItemId>, faults: Vec<Fault>) -> Self {
        Self {
            faults,
            items,
            selected: Vec::new(),
            callback: None,
        }
    }

    fn has(&self, fault: Fault) -> bool {
        self.faults.contains(&fault)
    }
}

impl SyncHandler for Broken {
    fn initialize(&mut self, _flags: SyncMgrFlags, _cookie: &[u8]) -> HResult {
        HResult::S_OK
    }

    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
        items.extend(self.items.iter().map(|&id| ItemInfo::new(id, "item")));
        HResult::S_OK
    }

    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
        self.callback = callback;
        HResult::S_OK
    }

    fn prepare_for_sync(&mut self, items: &[ItemId]) -> HResult {
        self.selected = items.to_vec();
        if let Some(cb) = &self.callback {
            cb.prepare_for_sync_completed(HResult::S_OK);
        }
        if self.has(Fault::FailureReturnAfterEarlyCompletion) {
            return HResult::E_FAIL;
        }
        HResult::S_OK
    }

    fn synchronize(&mut self) -> HResult {
        let Some(cb) = self.callback.clone() else {
            return HResult::E_UNEXPECTED;
        };
        if self.has(Fault::ProgressForUnselectedItem) {
            cb.progress(
                STRANGER,
                ProgressItem::status(SyncMgrStatus::Updating),
                None,
            );
        }
        for &item in &self.selected {
            cb.progress(
                item,
                ProgressItem::status(SyncMgrStatus::Succeeded),
                Some("done"),
            );
        }
        cb.synchronize_completed(HResult::S_OK);
        if self.has(Fault::CompletionTwice) {
            cb.synchronize_completed(HResult::S_OK);
        }
        if let (true, Some(&item)) = (
            self.has(Fault::ProgressAfterCompletion),
            self.selected.first(),
        ) {
            cb.progress(item, ProgressItem::status(SyncMgrStatus::Failed), None);
        }
        HResult::S_OK
    }

    fn set_item_status(&mut self, _item: ItemId, _status: u32) -> HResult {
        HResult::S_OK
    }

    fn show_properties(&mut self, _item: ItemId) -> HResult {
        HResult::E_NOTIMPL
    }

    fn show_error(&mut self, _error: ErrorId) -> HResult {
        HResult::E_NOTIMPL
    }
}
