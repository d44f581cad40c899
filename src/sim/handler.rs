//! The handler's side: [`SyncHandler`] (`ISyncMgrSynchronize` in Rust terms) and the data it
//! hands out ([`ItemInfo`], [`HandlerDescription`]).

use crate::flags::{ItemState, SyncMgrFlags};
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;

use super::callback::Callback;

/// One item as `EnumSyncMgrItems` hands it out (`SYNCMGRITEM`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ItemInfo {
    /// `ItemID`.
    pub id: ItemId,
    /// `wszItemName` (at most 127 UTF-16 units).
    pub name: String,
    /// `dwFlags` (`ItemFlags` bits).
    pub flags: u32,
    /// `dwItemState` (`ItemState`): the manager selects the CHECKED items by default.
    pub state: u32,
}

impl ItemInfo {
    /// A checked item without flags.
    ///
    /// ```
    /// # use mobsync::{ItemId, sim::ItemInfo};
    /// assert_eq!(ItemInfo::new(ItemId::from_u128(1), "a").state, 1);
    /// ```
    #[must_use]
    pub fn new(id: ItemId, name: &str) -> Self {
        Self {
            id,
            name: name.to_owned(),
            flags: 0,
            state: ItemState::Checked as u32,
        }
    }
}

/// What `GetHandlerInfo` hands out (`SYNCMGRHANDLERINFO`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HandlerDescription {
    /// `wszHandlerName` (at most 31 UTF-16 units).
    pub name: String,
    /// `SyncMgrHandlerFlags` (`HandlerFlags` bits).
    pub flags: u32,
}

/// A sync handler: `ISyncMgrSynchronize` in Rust terms. Every method answers an [`HResult`],
/// so success codes such as S_FALSE keep their meaning; data is handed out through `&mut`
/// parameters, as COM does.
///
/// The manager calls these methods from one thread; the handler may call its [`Callback`] from
/// any thread, including its own workers, and must stop using it once
/// `set_progress_callback(None)` has returned.
pub trait SyncHandler {
    /// `Initialize(0, dwSyncMgrFlags, cbCookie, lpCookie)`: S_OK to take part, anything else to
    /// decline.
    fn initialize(&mut self, flags: SyncMgrFlags, cookie: &[u8]) -> HResult;

    /// `GetHandlerInfo`: fills `info`.
    fn get_handler_info(&mut self, info: &mut HandlerDescription) -> HResult {
        let _ = info;
        HResult::E_NOTIMPL
    }

    /// `EnumSyncMgrItems`: appends the items to `items`.
    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult;

    /// `GetItemObject`: E_NOTIMPL, always (R-OBJ).
    fn get_item_object(&mut self, item: ItemId) -> HResult {
        let _ = item;
        HResult::E_NOTIMPL
    }

    /// `SetProgressCallback`: `Some` hands over the manager's callback, `None` takes it back
    /// before release.
    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult;

    /// `PrepareForSync`: returns at once; calls `prepare_for_sync_completed` later (or before it
    /// returns).
    fn prepare_for_sync(&mut self, items: &[ItemId]) -> HResult;

    /// `Synchronize`: reports progress per item and calls `synchronize_completed`.
    fn synchronize(&mut self) -> HResult;

    /// `SetItemStatus`: the manager asks to skip an item (only SKIPPED is supported).
    fn set_item_status(&mut self, item: ItemId, status: u32) -> HResult;

    /// `ShowProperties`: shows the item's (or the handler's, for GUID_NULL) properties and calls
    /// `show_properties_completed`.
    fn show_properties(&mut self, item: ItemId) -> HResult;

    /// `ShowError`: shows a logged error and calls `show_error_completed`, with
    /// S_SYNCMGR_RETRYSYNC and items to ask for another pass.
    fn show_error(&mut self, error: ErrorId) -> HResult;
}
