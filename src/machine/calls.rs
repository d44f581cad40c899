//! One method per event, named after the contract's call or callback (`set_item_status`,
//! `progress`, `returned`, …): each builds its [`Event`] and hands it to the one dispatch behind
//! [`Instance::handle`] — except the two hot ones, which go straight to the fast paths that
//! dispatch sends them to. (Building an `Event` costs those paths ten instructions: the item is
//! copied into the enum and back byte by byte, an `ItemId` having an alignment of 1.) Calls go one
//! way: down to the dispatch and the decisions, never back up to these methods.

use crate::error::Error;
use crate::flags::SyncMgrFlags;
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;

use super::{
    Accepted, Event, HandlerInfo, Instance, LogErrorInfo, Method, ProgressAnswer, ProgressItem,
    SyncMgrItem,
};

/// One method per event, named after the contract's call or callback: each builds the
/// [`Event`] and hands it to [`Instance::handle`].
impl Instance {
    /// `Initialize(dwReserved, dwSyncMgrFlags, …)` answered `answer` by the handler (R-INIT).
    ///
    /// # Errors
    /// E_UNEXPECTED after the first Initialize; E_INVALIDARG for a reserved value or flags
    /// outside 0x3FF.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// let err = instance.initialize(1, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap_err();
    /// assert_eq!(err.hresult(), HResult::E_INVALIDARG);
    /// ```
    pub fn initialize(
        &mut self,
        reserved: u32,
        flags: SyncMgrFlags,
        answer: HResult,
    ) -> Result<Accepted, Error> {
        self.dispatch(Event::Initialize {
            reserved,
            flags,
            answer,
        })
    }

    /// `GetHandlerInfo` answered `answer` with `info` (R-INFO).
    ///
    /// # Errors
    /// E_UNEXPECTED outside life Ready; E_INVALIDARG for a name over 31 UTF-16 units or flags
    /// outside 0xF (a handler violation).
    ///
    /// ```
    /// # use mobsync::{HResult, HandlerInfo, Instance, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// assert!(instance.get_handler_info(HResult::S_OK, HandlerInfo::new("Files", 0x1)).is_ok());
    /// ```
    pub fn get_handler_info(
        &mut self,
        answer: HResult,
        info: HandlerInfo,
    ) -> Result<Accepted, Error> {
        self.dispatch(Event::GetHandlerInfo { answer, info })
    }

    /// `EnumSyncMgrItems` answered `answer` with `items` (R-ENUM).
    ///
    /// # Errors
    /// E_UNEXPECTED outside life Ready; E_INVALIDARG for invalid items; E_OUTOFMEMORY past the
    /// item limit.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, SyncMgrFlags, SyncMgrItem};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// let a = SyncMgrItem::new(ItemId::from_u128(0xA), "A");
    /// let err = instance.enum_sync_mgr_items(HResult::S_OK, &[a, a]).unwrap_err();
    /// assert_eq!(err.hresult(), HResult::E_INVALIDARG);
    /// ```
    pub fn enum_sync_mgr_items(
        &mut self,
        answer: HResult,
        items: &[SyncMgrItem],
    ) -> Result<Accepted, Error> {
        self.dispatch(Event::EnumSyncMgrItems { answer, items })
    }

    /// `GetItemObject` (R-OBJ): always [`Error::NotImplemented`] (E_NOTIMPL) in life Created or
    /// Ready, E_UNEXPECTED after.
    ///
    /// # Errors
    /// Always.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId};
    /// let hr = HResult::from(Instance::new().get_item_object(ItemId::from_u128(1)));
    /// assert_eq!(hr, HResult::E_NOTIMPL);
    /// ```
    pub fn get_item_object(&mut self, item: ItemId) -> Result<Accepted, Error> {
        self.dispatch(Event::GetItemObject { item })
    }

    /// `SetProgressCallback(cb)`: `true` binds a callback, `false` is NULL and releases (R-CB).
    ///
    /// # Errors
    /// E_UNEXPECTED outside life Ready, and for NULL while a pass is in progress or a UI is
    /// not Closed.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, Life, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// instance.set_progress_callback(false).unwrap();
    /// assert_eq!(instance.life(), Life::Released);
    /// ```
    pub fn set_progress_callback(&mut self, bind: bool) -> Result<Accepted, Error> {
        self.dispatch(Event::SetProgressCallback { bind })
    }

    /// `PrepareForSync(cbNumItems, pItemIDs, hWnd, dwReserved)` entered (R-PREP).
    ///
    /// # Errors
    /// E_UNEXPECTED without a callback or while a pass is in progress; E_INVALIDARG for an
    /// empty list, duplicates, GUID_NULL or items outside a known catalog; E_OUTOFMEMORY past
    /// the item limit.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// assert_eq!(instance.prepare_for_sync(&[], 0).unwrap_err().hresult(), HResult::E_INVALIDARG);
    /// ```
    pub fn prepare_for_sync(&mut self, items: &[ItemId], reserved: u32) -> Result<Accepted, Error> {
        self.dispatch(Event::PrepareForSync { items, reserved })
    }

    /// `Synchronize(hWnd)` entered (R-SYNC).
    ///
    /// # Errors
    /// E_UNEXPECTED outside phase Prepared.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// assert_eq!(HResult::from(Instance::new().synchronize()), HResult::E_UNEXPECTED);
    /// ```
    pub fn synchronize(&mut self) -> Result<Accepted, Error> {
        self.dispatch(Event::Synchronize)
    }

    /// `SetItemStatus(pItemID, dwSyncMgrStatus)` (R-SIS): the manager asks to skip an item.
    ///
    /// # Errors
    /// E_UNEXPECTED outside windows A and B; E_INVALIDARG for a DWORD that is not a status, a
    /// status other than SKIPPED, or an item outside the selection.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, Method, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// let a = ItemId::from_u128(0xA);
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// instance.prepare_for_sync(&[a], 0).unwrap();
    /// instance.returned(Method::PrepareForSync, HResult::S_OK).unwrap(); // window A
    /// assert_eq!(HResult::from(instance.set_item_status(a, 1)), HResult::S_OK);
    /// assert!(instance.is_skip_requested(a));
    /// ```
    // Always inlined: `handle`'s fast path for SKIPPED is a few dozen instructions.
    #[inline(always)]
    pub fn set_item_status(&mut self, item: ItemId, status: u32) -> Result<Accepted, Error> {
        self.set_item_status_fast(item, status)
    }

    /// `ShowProperties(hWnd, ItemID)` entered (R-PROPS); GUID_NULL for the handler itself.
    ///
    /// # Errors
    /// E_UNEXPECTED without a callback or while the Properties UI is not Closed; E_INVALIDARG
    /// for an item outside a known catalog.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, SyncMgrFlags, UiPhase};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// instance.show_properties(ItemId::NULL).unwrap();
    /// assert_eq!(instance.properties_ui(), UiPhase::Open);
    /// ```
    pub fn show_properties(&mut self, item: ItemId) -> Result<Accepted, Error> {
        self.dispatch(Event::ShowProperties { item })
    }

    /// `ShowError(hWnd, ErrorID)` entered (R-ERR).
    ///
    /// # Errors
    /// E_UNEXPECTED without a callback or while the Error UI is not Closed; E_INVALIDARG for
    /// GUID_NULL or an id not in the error log.
    ///
    /// ```
    /// # use mobsync::{ErrorId, HResult, Instance, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// let hr = HResult::from(instance.show_error(ErrorId::from_u128(7)));
    /// assert_eq!(hr, HResult::E_INVALIDARG);
    /// ```
    pub fn show_error(&mut self, error: ErrorId) -> Result<Accepted, Error> {
        self.dispatch(Event::ShowError { error })
    }

    /// One of the four asynchronous calls returns `hr` (R-PREP-RET, R-SYNC-RET, R-PROPS-RET,
    /// R-ERR-RET).
    ///
    /// # Errors
    /// E_UNEXPECTED when the method has no open call, or it returns anything but a success
    /// after its completion came early (S_OK for the pass calls).
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, Method};
    /// let hr = HResult::from(Instance::new().returned(Method::Synchronize, HResult::S_OK));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn returned(&mut self, method: Method, hr: HResult) -> Result<Accepted, Error> {
        self.dispatch(Event::Return { method, hr })
    }

    /// `PrepareForSyncCompleted(hr)` (R-PREP-DONE).
    ///
    /// # Errors
    /// E_UNEXPECTED unless the pass is Preparing or in window A.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().prepare_for_sync_completed(HResult::S_OK));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn prepare_for_sync_completed(&mut self, hr: HResult) -> Result<Accepted, Error> {
        self.dispatch(Event::PrepareForSyncCompleted { hr })
    }

    /// `SynchronizeCompleted(hr)` (R-SYNC-DONE).
    ///
    /// # Errors
    /// E_UNEXPECTED unless the pass is Synchronizing or in window B.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().synchronize_completed(HResult::S_OK));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn synchronize_completed(&mut self, hr: HResult) -> Result<Accepted, Error> {
        self.dispatch(Event::SynchronizeCompleted { hr })
    }

    /// `ShowPropertiesCompleted(hr)` (R-PROPS-DONE).
    ///
    /// # Errors
    /// E_UNEXPECTED unless the Properties UI is Open or Returned.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().show_properties_completed(HResult::S_OK));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn show_properties_completed(&mut self, hr: HResult) -> Result<Accepted, Error> {
        self.dispatch(Event::ShowPropertiesCompleted { hr })
    }

    /// `ShowErrorCompleted(hr, cItems, pItemIDs)` (R-ERR-DONE).
    ///
    /// # Errors
    /// E_UNEXPECTED unless the Error UI is Open or Returned; with S_SYNCMGR_RETRYSYNC,
    /// E_INVALIDARG for an empty list, duplicates or GUID_NULL.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().show_error_completed(HResult::S_OK, &[]));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn show_error_completed(
        &mut self,
        hr: HResult,
        items: &[ItemId],
    ) -> Result<Accepted, Error> {
        self.dispatch(Event::ShowErrorCompleted { hr, items })
    }

    /// `EnableModeless(fEnable)` answered `answer` by the manager (R-MODAL).
    ///
    /// # Errors
    /// E_UNEXPECTED for TRUE outside the reporting window with no UI open, TRUE with the gate
    /// Open, or FALSE with it Shut.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().enable_modeless(false, HResult::S_OK));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn enable_modeless(&mut self, enable: bool, answer: HResult) -> Result<Accepted, Error> {
        self.dispatch(Event::EnableModeless { enable, answer })
    }

    /// `Progress(ItemID, pSyncProgressItem)` answered `answer` by the manager (R-PROG).
    ///
    /// # Errors
    /// E_UNEXPECTED outside the reporting window; E_INVALIDARG for bad masks, values or
    /// statuses and items outside the selection; E_ACCESSDENIED for a transition the status
    /// graph refuses.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, ProgressAnswer, ProgressItem, SyncMgrStatus};
    /// let p = ProgressItem::status(SyncMgrStatus::Updating);
    /// let hr = HResult::from(Instance::new().progress(ItemId::from_u128(1), p, ProgressAnswer::Continue));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    #[inline]
    pub fn progress(
        &mut self,
        item: ItemId,
        progress: ProgressItem,
        answer: ProgressAnswer,
    ) -> Result<Accepted, Error> {
        self.progress_fast(item, progress, answer)
    }

    /// `LogError(dwErrorLevel, pszErrorText, pSyncLogError)` (R-LOG).
    ///
    /// # Errors
    /// E_UNEXPECTED without a callback; E_INVALIDARG for a level outside 1..=3, mask bits
    /// outside 0x7, GUID_NULL or duplicate ids, unknown items; E_OUTOFMEMORY past the error-id
    /// limit.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, LogErrorInfo};
    /// let hr = HResult::from(Instance::new().log_error(3, LogErrorInfo::default()));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn log_error(&mut self, level: u32, info: LogErrorInfo) -> Result<Accepted, Error> {
        self.dispatch(Event::LogError { level, info })
    }

    /// `DeleteLogError(ErrorID, dwReserved)` (R-DELLOG); GUID_NULL deletes everything.
    ///
    /// # Errors
    /// E_UNEXPECTED without a callback; E_INVALIDARG for a reserved value or an unknown id.
    ///
    /// ```
    /// # use mobsync::{ErrorId, HResult, Instance};
    /// let hr = HResult::from(Instance::new().delete_log_error(ErrorId::NULL, 0));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn delete_log_error(&mut self, error: ErrorId, reserved: u32) -> Result<Accepted, Error> {
        self.dispatch(Event::DeleteLogError { error, reserved })
    }

    /// `EstablishConnection(pwszConnection, dwReserved)` (R-CONN); `has_name: false` is the
    /// default connection.
    ///
    /// # Errors
    /// E_UNEXPECTED outside the reporting window; E_INVALIDARG for a reserved value.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().establish_connection(false, 0));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn establish_connection(
        &mut self,
        has_name: bool,
        reserved: u32,
    ) -> Result<Accepted, Error> {
        self.dispatch(Event::EstablishConnection { has_name, reserved })
    }
}
