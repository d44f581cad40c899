//! [`Foreign`]: a handler this crate did not write — any `ISyncMgrSynchronize`, in C++, .NET or
//! plain windows-rs — as a [`SyncHandler`], so that [`mobsync::sim::Simulator`] drives it
//! through its vtable with the same [`Script`](mobsync::sim::Script) and
//! [`SimReport`](mobsync::sim::SimReport) as a Rust handler.
//!
//! The adapter plays the manager's side of the binary interface: it passes every call through
//! the vtable as the manager would (NULL parent windows: the simulator has no UI), reads what
//! the handler hands out (`SYNCMGRHANDLERINFO`, freed with the task allocator; the items through
//! `ISyncMgrEnumItems`), and hands the handler an `ISyncMgrSynchronizeCallback` of its own that
//! turns each callback into the simulated manager's. What breaks the boundary itself — a wrong
//! `cbSize`, an out-pointer not cleared on failure, an enumerator that answers S_OK when it
//! fetched fewer items, a NULL or unterminated string — is reported with its R-COM rule
//! ([`SyncHandler::take_boundary_violations`], [`Callback::report`]); everything else is judged
//! by the simulator's engine like any handler's answers.

use core::ffi::c_void;

use mobsync::sim::{BoundaryViolation, Callback, HandlerDescription, ItemInfo, SyncHandler};
use mobsync::{ErrorId, HResult, ItemId, Rule, SyncMgrFlags};
use windows_core::{GUID, IUnknown, Interface};

use crate::abi::size::{SYNCMGRHANDLERINFO_SIZE, SYNCMGRITEM_SIZE};
use crate::abi::{
    HWND, ISyncMgrEnumItems, ISyncMgrSynchronize, ISyncMgrSynchronizeCallback, SYNCMGRHANDLERINFO,
    SYNCMGRITEM,
};
use crate::alloc;
use crate::factory::ObjectCount;
use crate::wide::fixed_to_string;

mod relay;

use relay::Relay;

/// What the adapter writes into an out-pointer before the call: a non-NULL address no object
/// has, so a handler that neither sets it nor clears it is seen (R-COM-OUT).
const UNSET: usize = 0x0bad_0bad;

fn unset<T>() -> *mut T {
    UNSET as *mut T
}

/// How many items the adapter reads from one enumerator at most: `Next` is asked for this many
/// at a time, and an enumerator that never ends is cut off after [`MAX_ENUMERATED`].
const BATCH: usize = 16;

/// The most items read from one enumerator (CONTRACT §7's ceiling on a selection, 2^27): an
/// enumerator that answers S_OK for ever is cut off there, with a violation.
pub const MAX_ENUMERATED: usize = 1 << 27;

/// A handler this crate did not write, driven through its vtable (see the module
/// documentation).
///
/// ```
/// use mobsync::sim::{Script, Simulator};
/// use mobsync_com::{Foreign, Handler};
/// # use mobsync::sim::{Callback, ItemInfo, SyncHandler};
/// # use mobsync::{ErrorId, HResult, ItemId, SyncMgrFlags};
/// # #[derive(Default)] struct Declines;
/// # impl SyncHandler for Declines {
/// #     fn initialize(&mut self, _: SyncMgrFlags, _: &[u8]) -> HResult { HResult::S_FALSE }
/// #     fn enum_sync_mgr_items(&mut self, _: &mut Vec<ItemInfo>) -> HResult { HResult::S_OK }
/// #     fn set_progress_callback(&mut self, _: Option<Callback>) -> HResult { HResult::S_OK }
/// #     fn prepare_for_sync(&mut self, _: &[ItemId]) -> HResult { HResult::S_OK }
/// #     fn synchronize(&mut self) -> HResult { HResult::S_OK }
/// #     fn set_item_status(&mut self, _: ItemId, _: u32) -> HResult { HResult::S_OK }
/// #     fn show_properties(&mut self, _: ItemId) -> HResult { HResult::E_NOTIMPL }
/// #     fn show_error(&mut self, _: ErrorId) -> HResult { HResult::E_NOTIMPL }
/// # }
///
/// // Any ISyncMgrSynchronize: here one of this crate's, from CoCreateInstance on Windows.
/// let object = Handler::new(Declines).into();
/// let report = Simulator::new(Script::default()).run(&mut Foreign::new(object));
/// assert!(report.is_clean(), "{:#?}", report.violations);
/// // The handler declined through its vtable: Initialize answered S_FALSE, and the run ended.
/// assert!(report.trace.contains("\nInitialize MANUAL|MAYBOTHERUSER => S_FALSE\n"));
/// ```
pub struct Foreign {
    object: ISyncMgrSynchronize,
    /// The callback object handed to the handler, kept until SetProgressCallback(NULL) returns.
    relay: Option<ISyncMgrSynchronizeCallback>,
    found: Findings,
}

impl core::fmt::Debug for Foreign {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Foreign")
            .field("bound", &self.relay.is_some())
            .field("found", &self.found)
            .finish_non_exhaustive()
    }
}

impl Foreign {
    /// The adapter around `object`, which it holds one reference to.
    #[must_use]
    pub fn new(object: ISyncMgrSynchronize) -> Self {
        Self {
            object,
            relay: None,
            found: Findings::default(),
        }
    }

    /// The object driven.
    #[must_use]
    pub fn object(&self) -> &ISyncMgrSynchronize {
        &self.object
    }

    fn found(&mut self, rule: Rule, verdict: HResult, message: String) {
        self.found.found(rule, verdict, message);
    }

    /// An out-pointer after a failed call: it must be NULL (R-COM-OUT). The adapter never
    /// releases or frees what a failing call left there: it cannot know what it is.
    fn cleared_on_failure(&mut self, method: &str, out: *mut c_void, answer: HResult) {
        if !out.is_null() {
            let how = if out as usize == UNSET {
                "left it as it was"
            } else {
                "set it"
            };
            self.found(
                Rule::ComOut,
                answer,
                format!(
                    "R-COM-OUT: {method} answered {} and {how} instead of setting its \
                     out-pointer to NULL",
                    answer.short()
                ),
            );
        }
    }

    /// A success with its out-pointer not written: nothing can be read.
    fn unwritten(&mut self, method: &str, out: *mut c_void, answer: HResult) -> bool {
        if out.is_null() || out as usize == UNSET {
            self.found(
                Rule::ComOut,
                HResult::E_UNEXPECTED,
                format!(
                    "R-COM-OUT: {method} answered {} without handing out {}",
                    answer.short(),
                    if out.is_null() {
                        "anything (its out-pointer is NULL)"
                    } else {
                        "anything (its out-pointer was not written)"
                    }
                ),
            );
            return true;
        }
        false
    }
}

/// The boundary violations found so far.
#[derive(Debug, Default)]
pub(crate) struct Findings(pub(crate) Vec<BoundaryViolation>);

impl Findings {
    pub(crate) fn found(&mut self, rule: Rule, verdict: HResult, message: String) {
        self.0.push(BoundaryViolation {
            rule,
            verdict,
            message,
        });
    }

    /// Reads the items of `enumerator` into `items`, checking COM's IEnum rules (R-COM-ENUM)
    /// and each item's `cbSize` and name.
    /// What a SYNCMGRHANDLERINFO says, checking its `cbSize` and that its name holds a NUL
    /// (an unterminated name reads as empty).
    pub(crate) fn read_handler_info(&mut self, handed: &SYNCMGRHANDLERINFO) -> HandlerDescription {
        if handed.cbSize != SYNCMGRHANDLERINFO_SIZE {
            self.found(
                Rule::ComSize,
                HResult::E_INVALIDARG,
                format!(
                    "R-COM-SIZE: GetHandlerInfo handed out cbSize {}, not \
                     sizeof(SYNCMGRHANDLERINFO) = {SYNCMGRHANDLERINFO_SIZE}",
                    handed.cbSize
                ),
            );
        }
        let name = fixed_to_string(&handed.wszHandlerName).unwrap_or_else(|err| {
            self.found(
                Rule::ComStr,
                HResult::E_INVALIDARG,
                format!("R-COM-STR: GetHandlerInfo's wszHandlerName is {err}"),
            );
            String::new()
        });
        HandlerDescription {
            name,
            flags: handed.SyncMgrHandlerFlags,
            icon: handed.hIcon.addr(),
        }
    }

    pub(crate) fn read_items(&mut self, enumerator: &ISyncMgrEnumItems, items: &mut Vec<ItemInfo>) {
        let mut batch = [empty_item(); BATCH];
        loop {
            let mut fetched: u32 = u32::MAX;
            // SAFETY: `batch` holds BATCH writable items and `fetched` is a writable count;
            // `enumerator` is a live interface.
            let answer: HResult =
                unsafe { enumerator.Next(BATCH as u32, batch.as_mut_ptr(), &mut fetched) }.into();
            if answer.is_failure() {
                self.found(
                    Rule::ComEnum,
                    answer,
                    format!(
                        "R-COM-ENUM: the item enumerator's Next failed with {} after {} items",
                        answer.short(),
                        items.len()
                    ),
                );
                return;
            }
            let count = fetched as usize;
            if count > BATCH {
                self.found(
                    Rule::ComEnum,
                    HResult::E_UNEXPECTED,
                    format!(
                        "R-COM-ENUM: Next({BATCH}) said it fetched {fetched} items, more than \
                         were asked for; none of them is read"
                    ),
                );
                return;
            }
            let (ok, short) = (answer == HResult::S_OK, count < BATCH);
            if ok && short {
                self.found(
                    Rule::ComEnum,
                    HResult::E_UNEXPECTED,
                    format!(
                        "R-COM-ENUM: Next({BATCH}) answered S_OK but fetched {count} items \
                         (S_FALSE is the answer when fewer are fetched)"
                    ),
                );
            } else if !ok && !short {
                self.found(
                    Rule::ComEnum,
                    HResult::E_UNEXPECTED,
                    format!(
                        "R-COM-ENUM: Next({BATCH}) answered {} but fetched all {count} items \
                         (S_OK is the answer then)",
                        answer.short()
                    ),
                );
            }
            for item in batch.iter().take(count) {
                let item = *item;
                if let Some(info) = self.read_item(&item, items.len()) {
                    items.push(info);
                }
            }
            if short || !ok {
                return;
            }
            if items.len() >= MAX_ENUMERATED {
                self.found(
                    Rule::ComEnum,
                    HResult::E_UNEXPECTED,
                    format!(
                        "R-COM-ENUM: the item enumerator is still answering S_OK after \
                         {MAX_ENUMERATED} items; reading stops"
                    ),
                );
                return;
            }
        }
    }

    fn read_item(&mut self, item: &SYNCMGRITEM, index: usize) -> Option<ItemInfo> {
        if item.cbSize != SYNCMGRITEM_SIZE {
            self.found(
                Rule::ComSize,
                HResult::E_INVALIDARG,
                format!(
                    "R-COM-SIZE: item {index} has cbSize {}, not sizeof(SYNCMGRITEM) = \
                     {SYNCMGRITEM_SIZE}",
                    item.cbSize
                ),
            );
        }
        let name = match fixed_to_string(&item.wszItemName) {
            Ok(name) => name,
            Err(err) => {
                self.found(
                    Rule::ComStr,
                    HResult::E_INVALIDARG,
                    format!("R-COM-STR: item {index}'s wszItemName is {err}; the item is dropped"),
                );
                return None;
            }
        };
        let last_update = u64::from(item.ftLastUpdate.dwHighDateTime) << 32
            | u64::from(item.ftLastUpdate.dwLowDateTime);
        Some(ItemInfo {
            id: item.ItemID.into(),
            name,
            flags: item.dwFlags,
            state: item.dwItemState,
            last_update,
            icon: item.hIcon.addr(),
        })
    }
}

const fn empty_item() -> SYNCMGRITEM {
    SYNCMGRITEM {
        cbSize: 0,
        dwFlags: 0,
        ItemID: GUID::zeroed(),
        dwItemState: 0,
        hIcon: crate::abi::HICON(core::ptr::null_mut()),
        wszItemName: [0; crate::abi::MAX_SYNCMGRITEMNAME],
        ftLastUpdate: crate::abi::FILETIME {
            dwLowDateTime: 0,
            dwHighDateTime: 0,
        },
    }
}

impl SyncHandler for Foreign {
    fn initialize(&mut self, flags: SyncMgrFlags, cookie: &[u8]) -> HResult {
        let size = u32::try_from(cookie.len()).unwrap_or(u32::MAX);
        let ptr = if cookie.is_empty() {
            core::ptr::null()
        } else {
            cookie.as_ptr()
        };
        // SAFETY: `ptr` is NULL or points to `size` readable bytes that outlive the call.
        unsafe { self.object.Initialize(0, flags.bits(), size, ptr) }.into()
    }

    fn get_handler_info(&mut self, info: &mut HandlerDescription) -> HResult {
        let mut out: *mut SYNCMGRHANDLERINFO = unset();
        // SAFETY: `out` is a writable out-pointer.
        let answer: HResult = unsafe { self.object.GetHandlerInfo(&mut out) }.into();
        if answer.is_failure() {
            self.cleared_on_failure("GetHandlerInfo", out.cast(), answer);
            return answer;
        }
        if self.unwritten("GetHandlerInfo", out.cast(), answer) {
            return answer;
        }
        // SAFETY: on success the handler hands out a SYNCMGRHANDLERINFO it allocated with the
        // task allocator; it is read once, then freed (the caller owns it, R-COM-OUT).
        let handed = unsafe { out.read_unaligned() };
        // SAFETY: `out` came from the task allocator and is freed once.
        unsafe { alloc::task_free(out.cast()) };
        *info = self.found.read_handler_info(&handed);
        answer
    }

    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
        let mut out: *mut c_void = unset();
        // SAFETY: `out` is a writable out-pointer.
        let answer: HResult = unsafe { self.object.EnumSyncMgrItems(&mut out) }.into();
        if answer.is_failure() {
            self.cleared_on_failure("EnumSyncMgrItems", out, answer);
            return answer;
        }
        if self.unwritten("EnumSyncMgrItems", out, answer) {
            return answer;
        }
        // SAFETY: on success the handler hands out one reference to an ISyncMgrEnumItems,
        // which `enumerator` now owns and releases when dropped.
        let enumerator = unsafe { ISyncMgrEnumItems::from_raw(out) };
        self.found.read_items(&enumerator, items);
        answer
    }

    fn get_item_object(&mut self, item: ItemId) -> HResult {
        let id = GUID::from(item);
        let mut out: *mut c_void = unset();
        // SAFETY: valid id, IID and out-pointer.
        let answer: HResult =
            unsafe { self.object.GetItemObject(&id, &IUnknown::IID, &mut out) }.into();
        if answer.is_failure() {
            self.cleared_on_failure("GetItemObject", out, answer);
        } else if !self.unwritten("GetItemObject", out, answer) {
            // SAFETY: on success the handler hands out one reference, released here.
            drop(unsafe { IUnknown::from_raw(out) });
        }
        answer
    }

    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
        match callback {
            Some(callback) => {
                let relay: ISyncMgrSynchronizeCallback = Relay {
                    callback,
                    _count: ObjectCount::new(),
                }
                .into();
                // SAFETY: a live callback object; the handler AddRefs it if it keeps it.
                let answer = unsafe { self.object.SetProgressCallback(relay.as_raw()) };
                self.relay = Some(relay);
                answer.into()
            }
            None => {
                // SAFETY: NULL takes the callback back (its documented meaning).
                let answer = unsafe { self.object.SetProgressCallback(core::ptr::null_mut()) };
                // The manager's own reference goes now; a handler that kept one keeps the
                // callback alive, which the simulator reports (R-CB, R-COM-REF).
                self.relay = None;
                answer.into()
            }
        }
    }

    fn prepare_for_sync(&mut self, items: &[ItemId]) -> HResult {
        let ids: Vec<GUID> = items.iter().map(|&id| GUID::from(id)).collect();
        let count = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        let list = if ids.is_empty() {
            core::ptr::null()
        } else {
            ids.as_ptr()
        };
        // SAFETY: `list` is NULL or holds `count` GUIDs that outlive the call.
        unsafe { self.object.PrepareForSync(count, list, HWND::default(), 0) }.into()
    }

    fn synchronize(&mut self) -> HResult {
        // SAFETY: no pointer but the (NULL) parent window.
        unsafe { self.object.Synchronize(HWND::default()) }.into()
    }

    fn set_item_status(&mut self, item: ItemId, status: u32) -> HResult {
        let id = GUID::from(item);
        // SAFETY: `id` outlives the call.
        unsafe { self.object.SetItemStatus(&id, status) }.into()
    }

    fn show_properties(&mut self, item: ItemId) -> HResult {
        let id = GUID::from(item);
        // SAFETY: `id` outlives the call.
        unsafe { self.object.ShowProperties(HWND::default(), &id) }.into()
    }

    fn show_error(&mut self, error: ErrorId) -> HResult {
        let id = GUID::from(error);
        // SAFETY: `id` outlives the call.
        unsafe { self.object.ShowError(HWND::default(), &id) }.into()
    }

    fn take_boundary_violations(&mut self) -> Vec<BoundaryViolation> {
        core::mem::take(&mut self.found.0)
    }
}
