//! The handler's side: [`SyncHandler`] (`ISyncMgrSynchronize` in Rust terms) and the data it
//! hands out ([`ItemInfo`], [`HandlerDescription`]).

use crate::flags::{ItemFlags, ItemState, SyncMgrFlags};
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;

use super::callback::Callback;
use super::report::BoundaryViolation;

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
    /// `ftLastUpdate`: a `FILETIME` as one number (100-nanosecond intervals since 1601-01-01
    /// UTC); the manager shows it when `flags` has LASTUPDATETIME.
    pub last_update: u64,
    /// `hIcon`: the item's icon handle (`HICON`) as a number, 0 for none. Platform-independent
    /// here; `mobsync-com` hands it out as the pointer-sized handle it is.
    pub icon: usize,
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
            last_update: 0,
            icon: 0,
        }
    }

    /// With these `dwFlags`.
    ///
    /// ```
    /// # use mobsync::{ItemFlags, ItemId, sim::ItemInfo};
    /// let item = ItemInfo::new(ItemId::from_u128(1), "a").with_flags(ItemFlags::HASPROPERTIES);
    /// assert_eq!(item.flags, 0x1);
    /// ```
    #[must_use]
    pub fn with_flags(mut self, flags: ItemFlags) -> Self {
        self.flags = flags.bits();
        self
    }

    /// With this `dwItemState` (UNCHECKED: not selected by default).
    #[must_use]
    pub fn with_state(mut self, state: ItemState) -> Self {
        self.state = state as u32;
        self
    }

    /// With this `ftLastUpdate` (100-nanosecond intervals since 1601-01-01 UTC); also sets
    /// LASTUPDATETIME, so that the manager shows it.
    ///
    /// ```
    /// # use mobsync::{ItemId, sim::ItemInfo};
    /// let item = ItemInfo::new(ItemId::from_u128(1), "a").with_last_update(133_000_000_000_000_000);
    /// assert_eq!((item.flags, item.last_update), (0x8, 133_000_000_000_000_000));
    /// ```
    #[must_use]
    pub fn with_last_update(mut self, filetime: u64) -> Self {
        self.flags |= ItemFlags::LASTUPDATETIME.bits();
        self.last_update = filetime;
        self
    }

    /// With this icon handle (`HICON`, as a number).
    #[must_use]
    pub fn with_icon(mut self, icon: usize) -> Self {
        self.icon = icon;
        self
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
    /// `hIcon`: the handler's icon handle (`HICON`) as a number, 0 for none.
    pub icon: usize,
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

    /// The boundary violations of the call just made (CONTRACT §9), which the simulator asks for
    /// after every call and records as violations. A handler written against this trait cannot
    /// commit any and keeps the default (none); an adapter that drives a COM object through its
    /// vtable (`mobsync_com::Foreign`) reports what it found wrong there.
    fn take_boundary_violations(&mut self) -> Vec<BoundaryViolation> {
        Vec::new()
    }
}
