//! [`TracingProxy`]: the handler's side of the proxy.

use core::ffi::c_void;
use std::sync::{Arc, Mutex, PoisonError};

use mobsync::{Event, HResult, HandlerInfo, Method, SyncMgrFlags, SyncMgrItem};
use windows_core::{GUID, HRESULT, Interface, implement};

use crate::abi::{
    HWND, ISyncMgrEnumItems, ISyncMgrSynchronize, ISyncMgrSynchronize_Impl,
    ISyncMgrSynchronizeCallback, SYNCMGRHANDLERINFO,
};
use crate::factory::ObjectCount;
use crate::foreign::Findings;
use crate::incoming;

use super::callback::CallbackProxy;
use super::{Passed, TraceLog};

/// A transparent proxy in front of any `ISyncMgrSynchronize`, writing the run to a [`TraceLog`]
/// (see the module documentation).
///
/// ```
/// use mobsync::sim::{Script, Simulator};
/// use mobsync_com::{Foreign, Handler, TraceLog, TracingProxy};
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
/// let log = TraceLog::in_memory();
/// let handler = Handler::new(Declines).into(); // any ISyncMgrSynchronize
/// let proxy = TracingProxy::new(handler, log.clone()).into();
/// let report = Simulator::new(Script::default()).run(&mut Foreign::new(proxy));
/// assert!(report.is_clean());
/// assert!(log.text().contains("\nInitialize MANUAL|MAYBOTHERUSER => S_FALSE\n"));
/// ```
#[implement(ISyncMgrSynchronize)]
pub struct TracingProxy {
    inner: Passed<ISyncMgrSynchronize>,
    log: Arc<TraceLog>,
    /// The wrapper of the manager's callback, held until SetProgressCallback(NULL) returns, as
    /// the manager holds its own callback: a handler that forgets an AddRef behaves as it
    /// would without the proxy.
    wrapper: Mutex<Option<Passed<ISyncMgrSynchronizeCallback>>>,
    _count: ObjectCount,
}

impl TracingProxy {
    /// A proxy in front of `handler`, writing to `log`.
    #[must_use]
    pub fn new(handler: ISyncMgrSynchronize, log: Arc<TraceLog>) -> Self {
        Self {
            inner: Passed(handler),
            log,
            wrapper: Mutex::new(None),
            _count: ObjectCount::new(),
        }
    }

    /// A proxy in front of a new object of the handler class `clsid`, created in process with
    /// `CoCreateInstance` (COM must be initialised on this thread). Windows only.
    ///
    /// # Errors
    ///
    /// `CoCreateInstance`'s failure.
    #[cfg(windows)]
    pub fn from_clsid(clsid: &GUID, log: Arc<TraceLog>) -> Result<Self, HRESULT> {
        windows_core::link!("ole32.dll" "system" fn CoCreateInstance(
            rclsid: *const GUID,
            outer: *mut c_void,
            context: u32,
            riid: *const GUID,
            ppv: *mut *mut c_void
        ) -> HRESULT);
        const CLSCTX_INPROC_SERVER: u32 = 0x1;
        let mut out: *mut c_void = core::ptr::null_mut();
        // SAFETY: valid CLSID, IID and out-pointer; no outer object.
        let hr = unsafe {
            CoCreateInstance(
                clsid,
                core::ptr::null_mut(),
                CLSCTX_INPROC_SERVER,
                &ISyncMgrSynchronize::IID,
                &mut out,
            )
        };
        if hr.is_err() || out.is_null() {
            return Err(if hr.is_err() { hr } else { crate::hr::E_FAIL });
        }
        // SAFETY: on success `out` holds one reference to an ISyncMgrSynchronize.
        let handler = unsafe { ISyncMgrSynchronize::from_raw(out) };
        Ok(Self::new(handler, log))
    }

    fn handler(&self) -> &ISyncMgrSynchronize {
        &self.inner.0
    }

    /// A one-line call: its line is reserved now, written with the handler's answer.
    fn one_line(
        &self,
        call: impl FnOnce() -> HRESULT,
        event: impl FnOnce(HResult) -> (Event<'static>, Option<String>),
    ) -> HRESULT {
        let slot = self.log.lock().reserve();
        let answer = call();
        let (event, text) = event(answer.into());
        let mut state = self.log.lock();
        state.fill_event(slot, &event, text.as_deref(), Some(answer.into()));
        answer
    }

    /// A call with a separate return: its entry and return when the contract takes the entry,
    /// one line with the answer when it refuses it.
    fn two_lines(
        &self,
        entry: &Event<'_>,
        method: Method,
        call: impl FnOnce() -> HRESULT,
    ) -> HRESULT {
        let mut state = self.log.lock();
        if state.engine.check(entry).is_err() {
            let slot = state.reserve();
            drop(state);
            let answer = call();
            self.log
                .lock()
                .fill_event(slot, entry, None, Some(answer.into()));
            return answer;
        }
        state.event(entry, None, None);
        drop(state);
        let answer = call();
        let returned = Event::Return {
            method,
            hr: answer.into(),
        };
        self.log.lock().event(&returned, None, None);
        answer
    }
}

impl ISyncMgrSynchronize_Impl for TracingProxy_Impl {
    unsafe fn Initialize(
        &self,
        reserved: u32,
        flags: u32,
        size: u32,
        cookie: *const u8,
    ) -> HRESULT {
        self.one_line(
            // SAFETY: forwarded unchanged from the caller, who upholds the method's contract.
            || unsafe { self.handler().Initialize(reserved, flags, size, cookie) },
            |answer| {
                let event = Event::Initialize {
                    reserved,
                    flags: SyncMgrFlags::from_bits(flags),
                    answer,
                };
                (event, None)
            },
        )
    }

    unsafe fn GetHandlerInfo(&self, out: *mut *mut SYNCMGRHANDLERINFO) -> HRESULT {
        let slot = self.log.lock().reserve();
        // SAFETY: forwarded unchanged.
        let answer = unsafe { self.handler().GetHandlerInfo(out) };
        let hr = HResult::from(answer);
        let mut findings = Findings::default();
        // SAFETY: `out` is the caller's out-pointer: read only when non-NULL; on success it
        // holds the handler's struct, read (not freed: the caller owns it).
        let handed = (!out.is_null() && hr.is_success())
            .then(|| unsafe { out.read_unaligned() })
            .filter(|info| !info.is_null());
        let described = handed.map(|info| {
            // SAFETY: the handler handed out a readable SYNCMGRHANDLERINFO.
            findings.read_handler_info(&unsafe { info.read_unaligned() })
        });
        let described = described.unwrap_or_default();
        let event = Event::GetHandlerInfo {
            answer: hr,
            info: HandlerInfo::new(&described.name, described.flags),
        };
        let mut state = self.log.lock();
        state.fill_event(slot, &event, Some(&described.name), Some(hr));
        state.boundary(findings);
        answer
    }

    unsafe fn EnumSyncMgrItems(&self, out: *mut *mut c_void) -> HRESULT {
        let slot = self.log.lock().reserve();
        // SAFETY: forwarded unchanged.
        let answer = unsafe { self.handler().EnumSyncMgrItems(out) };
        let hr = HResult::from(answer);
        let mut infos = Vec::new();
        let mut findings = Findings::default();
        let mut note = None;
        // SAFETY: on success `out` holds the handler's enumerator, borrowed here (the caller
        // owns the reference); its items are read from a clone, so the caller's cursor stays.
        let handed = (!out.is_null() && hr.is_success())
            .then(|| unsafe { out.read_unaligned() })
            .filter(|raw| !raw.is_null());
        if let Some(raw) = handed {
            // SAFETY: a live ISyncMgrEnumItems the caller holds a reference to.
            let enumerator = unsafe { ISyncMgrEnumItems::from_raw_borrowed(&raw) };
            let mut clone: *mut c_void = core::ptr::null_mut();
            // SAFETY: a valid out-pointer.
            let cloned = enumerator.map(|e| unsafe { e.Clone(&mut clone) });
            if cloned.is_some_and(|hr| hr.is_ok()) && !clone.is_null() {
                // SAFETY: Clone handed out one reference, released when `clone` drops.
                let clone = unsafe { ISyncMgrEnumItems::from_raw(clone) };
                findings.read_items(&clone, &mut infos);
            } else {
                note = Some("# the enumerator's Clone failed: its items are not traced");
            }
        }
        let items: Vec<SyncMgrItem> = infos
            .iter()
            .map(|info| SyncMgrItem {
                id: info.id,
                name_units: info.name.encode_utf16().count(),
                flags: info.flags,
                state: info.state,
            })
            .collect();
        let event = Event::EnumSyncMgrItems {
            answer: hr,
            items: &items,
        };
        let mut state = self.log.lock();
        state
            .names
            .name_items(infos.iter().map(|info| (info.id, info.name.as_str())));
        state.fill_event(slot, &event, None, Some(hr));
        state.boundary(findings);
        if let Some(note) = note {
            state.push(note.to_owned());
        }
        answer
    }

    unsafe fn GetItemObject(
        &self,
        item: *const GUID,
        riid: *const GUID,
        out: *mut *mut c_void,
    ) -> HRESULT {
        // SAFETY: the caller passes NULL or a readable id.
        let id = unsafe { id_at(item) };
        self.one_line(
            // SAFETY: forwarded unchanged.
            || unsafe { self.handler().GetItemObject(item, riid, out) },
            |_| (Event::GetItemObject { item: id.into() }, None),
        )
    }

    unsafe fn ShowProperties(&self, parent: HWND, item: *const GUID) -> HRESULT {
        // SAFETY: the caller passes NULL or a readable id.
        let id = unsafe { id_at(item) };
        let entry = Event::ShowProperties { item: id.into() };
        // SAFETY: forwarded unchanged.
        self.two_lines(&entry, Method::ShowProperties, || unsafe {
            self.handler().ShowProperties(parent, item)
        })
    }

    unsafe fn SetProgressCallback(&self, callback: *mut c_void) -> HRESULT {
        let wrapper: Option<ISyncMgrSynchronizeCallback> = if callback.is_null() {
            None
        } else {
            // SAFETY: the caller passes a live callback; it is AddRef'd for the wrapper.
            unsafe { ISyncMgrSynchronizeCallback::from_raw_borrowed(&callback) }
                .cloned()
                .map(|manager| {
                    CallbackProxy {
                        manager: Passed(manager),
                        log: Arc::clone(&self.log),
                        _count: ObjectCount::new(),
                    }
                    .into()
                })
        };
        let raw = wrapper
            .as_ref()
            .map_or(core::ptr::null_mut(), Interface::as_raw);
        let bind = !callback.is_null();
        let answer = self.one_line(
            // SAFETY: the handler gets the wrapper, which it AddRefs if it keeps it, or NULL.
            || unsafe { self.handler().SetProgressCallback(raw) },
            |_| (Event::SetProgressCallback { bind }, None),
        );
        // A new callback replaces the one held; NULL lets it go once the handler has returned.
        let old = core::mem::replace(
            &mut *self.wrapper.lock().unwrap_or_else(PoisonError::into_inner),
            wrapper.map(Passed),
        );
        drop(old);
        answer
    }

    unsafe fn PrepareForSync(
        &self,
        count: u32,
        items: *const GUID,
        parent: HWND,
        reserved: u32,
    ) -> HRESULT {
        // SAFETY: the caller passes NULL or `count` readable ids; a NULL list is written as
        // an empty one (the call is forwarded as it was).
        let ids = unsafe { incoming::ids(items, count) }.unwrap_or_default();
        let entry = Event::PrepareForSync {
            items: &ids,
            reserved,
        };
        // SAFETY: forwarded unchanged.
        self.two_lines(&entry, Method::PrepareForSync, || unsafe {
            self.handler()
                .PrepareForSync(count, items, parent, reserved)
        })
    }

    unsafe fn Synchronize(&self, parent: HWND) -> HRESULT {
        // SAFETY: forwarded unchanged.
        self.two_lines(&Event::Synchronize, Method::Synchronize, || unsafe {
            self.handler().Synchronize(parent)
        })
    }

    unsafe fn SetItemStatus(&self, item: *const GUID, status: u32) -> HRESULT {
        // SAFETY: the caller passes NULL or a readable id.
        let id = unsafe { id_at(item) };
        self.one_line(
            // SAFETY: forwarded unchanged.
            || unsafe { self.handler().SetItemStatus(item, status) },
            |_| {
                (
                    Event::SetItemStatus {
                        item: id.into(),
                        status,
                    },
                    None,
                )
            },
        )
    }

    unsafe fn ShowError(&self, parent: HWND, error: *const GUID) -> HRESULT {
        // SAFETY: the caller passes NULL or a readable id.
        let id = unsafe { id_at(error) };
        let entry = Event::ShowError { error: id.into() };
        // SAFETY: forwarded unchanged.
        self.two_lines(&entry, Method::ShowError, || unsafe {
            self.handler().ShowError(parent, error)
        })
    }
}

/// A GUID argument, GUID_NULL for NULL (the line then shows `null`; the call is forwarded as it
/// was).
///
/// # Safety
///
/// `ptr` is NULL or points to a readable GUID.
unsafe fn id_at(ptr: *const GUID) -> GUID {
    // SAFETY: the caller's contract.
    unsafe { incoming::guid(ptr) }.unwrap_or(GUID::zeroed())
}
