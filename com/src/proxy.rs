//! The tracing proxy: [`TracingProxy`] stands between a manager and any `ISyncMgrSynchronize`
//! (one this crate did not write: C++, .NET, plain windows-rs) and writes the run as TRACE.md
//! lines to a [`TraceLog`], for `mobsync check`.
//!
//! It forwards every call to the handler and every callback to the manager unchanged — the same
//! arguments, the same answer, on the same thread — and only writes lines. It wraps the
//! manager's callback in one of its own, so the handler's callbacks are traced from whatever
//! thread makes them, in the order they happen: a completion the handler makes before its
//! method returns is written before that method's `return` line, as the contract allows.
//!
//! # Line forms
//!
//! A call the contract accepts is written as it happens: PrepareForSync, Synchronize,
//! ShowProperties and ShowError as their entry and, when they return, a `return METHOD HR`
//! line; the others as one line with the handler's answer (`=> HR`). A call the contract refuses
//! at entry is one line with `=> HR` (TRACE.md: "a trace writer logs a rejected call as one
//! line"). To tell which, the log runs the contract's engine over the events it writes; it is
//! the reason the proxy never needs to guess, and it never changes what is forwarded.
//!
//! A line whose answer is not known yet (a call still inside the handler) holds back the lines
//! after it, so the log's order is the order in which events began.
//!
//! What the binary boundary itself breaks (a NULL pointer, a wrong `cbSize`, an unterminated
//! string) is not an event: it is written as a `# boundary …` comment, which `mobsync check`
//! ignores, and the call is forwarded anyway.
//!
//! # Standing in for a real handler
//!
//! On Windows, [`TracingProxy::from_clsid`] creates the real handler with `CoCreateInstance`;
//! a proxy DLL (`dll!` with a `create` that wraps it, registered under a CLSID of its own with
//! [`crate::register::Registration`]) is registered in place of the real handler's entry under
//! the manager's `Handlers` key. The crate documentation's "Check a handler you did not write"
//! walks through it.

use core::ffi::c_void;
use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use mobsync::trace::EventLine;
use mobsync::{
    Config, ErrorId, Event, HResult, HandlerInfo, Instance, ItemId, LogErrorInfo, Method,
    ProgressAnswer, ProgressItem, SyncMgrFlags, SyncMgrItem,
};
use windows_core::{GUID, HRESULT, Interface, implement};

use crate::abi::size::{SYNCMGRLOGERRORINFO_SIZE, SYNCMGRPROGRESSITEM_SIZE};
use crate::abi::{
    HWND, ISyncMgrEnumItems, ISyncMgrSynchronize, ISyncMgrSynchronize_Impl,
    ISyncMgrSynchronizeCallback, ISyncMgrSynchronizeCallback_Impl, SYNCMGRHANDLERINFO,
    SYNCMGRLOGERRORINFO, SYNCMGRPROGRESSITEM,
};
use crate::factory::ObjectCount;
use crate::foreign::Findings;
use crate::wide::{fixed_to_string, read_wide};

/// Where a [`TracingProxy`] writes its lines: a writer (a file, a pipe) or memory, shared by the
/// proxy, its callback wrapper and every thread they are called on.
///
/// ```
/// use mobsync_com::TraceLog;
///
/// let log = TraceLog::in_memory();
/// log.comment("a run of the mail handler");
/// assert_eq!(
///     log.text(),
///     "# traced by mobsync-com's TracingProxy (trace format v1)\n# a run of the mail handler\n"
/// );
/// ```
pub struct TraceLog {
    state: Mutex<LogState>,
}

impl core::fmt::Debug for TraceLog {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TraceLog").finish_non_exhaustive()
    }
}

struct LogState {
    /// The contract's engine over the events written: it decides how a call is written.
    engine: Instance,
    /// Lines not written yet: `None` is a line whose answer is not known yet.
    pending: VecDeque<Option<String>>,
    /// The id of `pending`'s front.
    first: u64,
    out: Option<Box<dyn Write + Send>>,
    /// Everything written (kept for [`TraceLog::text`]).
    text: String,
    /// The writer failed: nothing more is written to it (the run goes on).
    failed: bool,
}

/// The first line of every log.
const HEADER: &str = "traced by mobsync-com's TracingProxy (trace format v1)";

/// A line whose answer is not known yet.
#[derive(Clone, Copy, Debug)]
struct Slot(u64);

impl TraceLog {
    /// A log that writes each line to `out` as soon as the lines before it are complete (and
    /// keeps them for [`TraceLog::text`]). A write error stops the writing, never the run.
    pub fn new(out: impl Write + Send + 'static) -> Arc<Self> {
        Self::build(Some(Box::new(out)), Config::default())
    }

    /// A log kept in memory only: read it with [`TraceLog::text`].
    #[must_use]
    pub fn in_memory() -> Arc<Self> {
        Self::build(None, Config::default())
    }

    /// As [`TraceLog::new`], deciding line forms with this profile (see the module
    /// documentation); the default is the documented profile.
    pub fn with_config(out: impl Write + Send + 'static, config: Config) -> Arc<Self> {
        Self::build(Some(Box::new(out)), config)
    }

    fn build(out: Option<Box<dyn Write + Send>>, config: Config) -> Arc<Self> {
        let log = Arc::new(Self {
            state: Mutex::new(LogState {
                engine: Instance::with_config(config),
                pending: VecDeque::new(),
                first: 0,
                out,
                text: String::new(),
                failed: false,
            }),
        });
        log.comment(HEADER);
        log
    }

    /// Every line written so far, each ended by LF (the lines after one whose answer is not
    /// known yet are not there yet).
    #[must_use]
    pub fn text(&self) -> String {
        self.lock().text.clone()
    }

    /// Writes `# text`, one comment line per line of `text`.
    pub fn comment(&self, text: &str) {
        let mut state = self.lock();
        for line in text.lines() {
            state.push(format!("# {line}"));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl LogState {
    fn push(&mut self, line: String) {
        self.pending.push_back(Some(line));
        self.flush();
    }

    fn reserve(&mut self) -> Slot {
        self.pending.push_back(None);
        Slot(self.first + self.pending.len() as u64 - 1)
    }

    fn fill(&mut self, slot: Slot, line: String) {
        if let Some(entry) = usize::try_from(slot.0 - self.first)
            .ok()
            .and_then(|index| self.pending.get_mut(index))
        {
            *entry = Some(line);
        }
        self.flush();
    }

    fn flush(&mut self) {
        while let Some(Some(_)) = self.pending.front() {
            let Some(Some(line)) = self.pending.pop_front() else {
                break;
            };
            self.first += 1;
            self.text.push_str(&line);
            self.text.push('\n');
            if let Some(out) = &mut self.out
                && !self.failed
                && writeln!(out, "{line}").and_then(|()| out.flush()).is_err()
            {
                self.failed = true;
            }
        }
    }

    /// Writes `event` (taken by the engine) with its string and answer.
    fn event(&mut self, event: &Event<'_>, text: Option<&str>, recorded: Option<HResult>) {
        let _ = self.engine.handle(event);
        self.push(line(event, text, recorded));
    }

    fn boundary(&mut self, findings: Findings) {
        for found in findings.0 {
            self.push(format!("# boundary {}", found.message));
        }
    }
}

fn line(event: &Event<'_>, text: Option<&str>, recorded: Option<HResult>) -> String {
    let mut line = EventLine::new(*event);
    if let Some(text) = text {
        line = line.text(text);
    }
    if let Some(hr) = recorded {
        line = line.recorded(hr);
    }
    line.to_string()
}

/// An interface pointer the proxy holds and calls on whatever thread it is itself called on.
struct Passed<T>(T);

// SAFETY: windows-core's interface types are neither Send nor Sync because a COM pointer is
// bound to its apartment. The proxy is transparent: it calls the handler (or the manager's
// callback) on the very thread its own caller called it on, so every call reaches the object
// from the thread it would have come from without the proxy; the proxy itself adds no thread.
unsafe impl<T> Send for Passed<T> {}
// SAFETY: as above: shared access only ever makes the caller's own call, on the caller's thread.
unsafe impl<T> Sync for Passed<T> {}

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
        let _ = state.engine.handle(&event);
        state.fill(slot, line(&event, text.as_deref(), Some(answer.into())));
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
                .fill(slot, line(entry, None, Some(answer.into())));
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
        let mut name = String::new();
        let mut flags = 0;
        let mut findings = Findings::default();
        // SAFETY: `out` is the caller's out-pointer: read only when non-NULL; on success it
        // holds the handler's struct, read (not freed: the caller owns it).
        let handed = (!out.is_null() && hr.is_success())
            .then(|| unsafe { out.read_unaligned() })
            .filter(|info| !info.is_null());
        if let Some(info) = handed {
            // SAFETY: the handler handed out a readable SYNCMGRHANDLERINFO.
            let info = unsafe { info.read_unaligned() };
            match fixed_to_string(&info.wszHandlerName) {
                Ok(text) => name = text,
                Err(err) => findings.found(
                    mobsync::Rule::ComStr,
                    HResult::E_INVALIDARG,
                    format!("R-COM-STR: GetHandlerInfo's wszHandlerName is {err}"),
                ),
            }
            flags = info.SyncMgrHandlerFlags;
        }
        let event = Event::GetHandlerInfo {
            answer: hr,
            info: HandlerInfo::new(&name, flags),
        };
        let mut state = self.log.lock();
        let _ = state.engine.handle(&event);
        state.fill(slot, line(&event, Some(&name), Some(hr)));
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
        let _ = state.engine.handle(&event);
        state.fill(slot, line(&event, None, Some(hr)));
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
        let id = unsafe { guid_at(item) };
        self.one_line(
            // SAFETY: forwarded unchanged.
            || unsafe { self.handler().GetItemObject(item, riid, out) },
            |_| (Event::GetItemObject { item: id.into() }, None),
        )
    }

    unsafe fn ShowProperties(&self, parent: HWND, item: *const GUID) -> HRESULT {
        // SAFETY: the caller passes NULL or a readable id.
        let id = unsafe { guid_at(item) };
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
        let ids: Vec<ItemId> = if items.is_null() {
            Vec::new()
        } else {
            (0..count as usize)
                // SAFETY: the caller passes `count` readable ids.
                .map(|i| ItemId::from(unsafe { items.wrapping_add(i).read_unaligned() }))
                .collect()
        };
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
        let id = unsafe { guid_at(item) };
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
        let id = unsafe { guid_at(error) };
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
unsafe fn guid_at(ptr: *const GUID) -> GUID {
    if ptr.is_null() {
        GUID::zeroed()
    } else {
        // SAFETY: the caller's contract.
        unsafe { ptr.read_unaligned() }
    }
}

/// The manager's callback as the proxied handler sees it: every callback forwarded unchanged
/// and written with the manager's answer.
#[implement(ISyncMgrSynchronizeCallback)]
struct CallbackProxy {
    manager: Passed<ISyncMgrSynchronizeCallback>,
    log: Arc<TraceLog>,
    _count: ObjectCount,
}

impl CallbackProxy {
    fn manager(&self) -> &ISyncMgrSynchronizeCallback {
        &self.manager.0
    }

    /// Forwards `call`, writing `event` (built from the answer) on the line reserved before it.
    fn traced(
        &self,
        call: impl FnOnce() -> HRESULT,
        event: impl FnOnce(HResult) -> Option<(Event<'static>, Option<String>, Option<HResult>)>,
        findings: Findings,
    ) -> HRESULT {
        let slot = self.log.lock().reserve();
        let answer = call();
        let mut state = self.log.lock();
        match event(answer.into()) {
            Some((event, text, recorded)) => {
                let _ = state.engine.handle(&event);
                state.fill(slot, line(&event, text.as_deref(), recorded));
            }
            None => state.fill(slot, "# boundary: a callback that could not be read".into()),
        }
        state.boundary(findings);
        answer
    }

    fn boundary(message: String) -> Findings {
        let mut findings = Findings::default();
        findings.found(mobsync::Rule::ComPtr, HResult::E_INVALIDARG, message);
        findings
    }
}

/// The manager's answer as a callback's line records it: TRACE.md gives an answer only to
/// EnableModeless and to Progress (its cancels); any other answer — the manager's S_OK, or its
/// refusal, which `mobsync check` works out for itself — is not written.
fn unusual(_answer: HResult) -> Option<HResult> {
    None
}

/// Progress's answer as its line records it: only a cancel.
fn cancel(answer: HResult) -> Option<HResult> {
    (answer == HResult::S_SYNCMGR_CANCELITEM || answer == HResult::S_SYNCMGR_CANCELALL)
        .then_some(answer)
}

impl ISyncMgrSynchronizeCallback_Impl for CallbackProxy_Impl {
    unsafe fn ShowPropertiesCompleted(&self, hr: HRESULT) -> HRESULT {
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().ShowPropertiesCompleted(hr) },
            |answer| {
                Some((
                    Event::ShowPropertiesCompleted { hr: hr.into() },
                    None,
                    unusual(answer),
                ))
            },
            Findings::default(),
        )
    }

    unsafe fn PrepareForSyncCompleted(&self, hr: HRESULT) -> HRESULT {
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().PrepareForSyncCompleted(hr) },
            |answer| {
                Some((
                    Event::PrepareForSyncCompleted { hr: hr.into() },
                    None,
                    unusual(answer),
                ))
            },
            Findings::default(),
        )
    }

    unsafe fn SynchronizeCompleted(&self, hr: HRESULT) -> HRESULT {
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().SynchronizeCompleted(hr) },
            |answer| {
                Some((
                    Event::SynchronizeCompleted { hr: hr.into() },
                    None,
                    unusual(answer),
                ))
            },
            Findings::default(),
        )
    }

    unsafe fn ShowErrorCompleted(&self, hr: HRESULT, count: u32, items: *const GUID) -> HRESULT {
        let ids: Vec<ItemId> = if items.is_null() {
            Vec::new()
        } else {
            (0..count as usize)
                // SAFETY: the handler passes `count` readable ids.
                .map(|i| ItemId::from(unsafe { items.wrapping_add(i).read_unaligned() }))
                .collect()
        };
        let findings = if items.is_null() && count > 0 {
            CallbackProxy::boundary(format!(
                "R-COM-PTR: ShowErrorCompleted with a NULL item list and a count of {count}"
            ))
        } else {
            Findings::default()
        };
        let slot = self.log.lock().reserve();
        // SAFETY: forwarded unchanged.
        let answer = unsafe { self.manager().ShowErrorCompleted(hr, count, items) };
        let event = Event::ShowErrorCompleted {
            hr: hr.into(),
            items: &ids,
        };
        let mut state = self.log.lock();
        let _ = state.engine.handle(&event);
        state.fill(slot, line(&event, None, unusual(answer.into())));
        state.boundary(findings);
        answer
    }

    unsafe fn EnableModeless(&self, enable: i32) -> HRESULT {
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().EnableModeless(enable) },
            |answer| {
                let event = Event::EnableModeless {
                    enable: enable != 0,
                    answer,
                };
                Some((event, None, Some(answer)))
            },
            Findings::default(),
        )
    }

    unsafe fn Progress(&self, item: *const GUID, progress: *const SYNCMGRPROGRESSITEM) -> HRESULT {
        // SAFETY: the handler passes NULL or a readable id.
        let id = unsafe { guid_at(item) };
        // SAFETY: the handler passes NULL or a readable struct.
        let read = (!progress.is_null()).then(|| unsafe { progress.read_unaligned() });
        let mut findings = Findings::default();
        let mut text = None;
        if item.is_null() || progress.is_null() {
            findings.found(
                mobsync::Rule::ComPtr,
                HResult::E_INVALIDARG,
                "R-COM-PTR: Progress with a NULL item id or SYNCMGRPROGRESSITEM".into(),
            );
        }
        if let Some(read) = read {
            if read.cbSize != SYNCMGRPROGRESSITEM_SIZE {
                findings.found(
                    mobsync::Rule::ComSize,
                    HResult::E_INVALIDARG,
                    format!(
                        "R-COM-SIZE: Progress with cbSize {}, not sizeof(SYNCMGRPROGRESSITEM) = \
                         {SYNCMGRPROGRESSITEM_SIZE}",
                        read.cbSize
                    ),
                );
            }
            if read.mask & 0x1 != 0 {
                // SAFETY: with STATUSTEXT the handler passes NULL or a NUL-terminated text.
                match unsafe { read_wide(read.lpcStatusText) } {
                    Ok(read) => text = Some(read),
                    Err(err) => findings.found(
                        mobsync::Rule::ComStr,
                        HResult::E_INVALIDARG,
                        format!("R-COM-STR: Progress's status text is {err}"),
                    ),
                }
            }
        }
        let clean = findings.0.is_empty();
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().Progress(item, progress) },
            |answer| {
                let read = read.filter(|_| clean)?;
                let event = Event::Progress {
                    item: id.into(),
                    progress: ProgressItem {
                        mask: read.mask,
                        status: read.dwStatusType,
                        value: read.iProgValue,
                        max: read.iMaxValue,
                    },
                    answer: ProgressAnswer::from_hresult(answer),
                };
                Some((event, text, cancel(answer)))
            },
            findings,
        )
    }

    unsafe fn LogError(
        &self,
        level: u32,
        text: *const u16,
        info: *const SYNCMGRLOGERRORINFO,
    ) -> HRESULT {
        let mut findings = Findings::default();
        // SAFETY: the handler passes NULL or a NUL-terminated text.
        let message = match unsafe { read_wide(text) } {
            Ok(message) => Some(message),
            Err(err) => {
                findings.found(
                    mobsync::Rule::ComStr,
                    HResult::E_INVALIDARG,
                    format!("R-COM-STR: LogError's text is {err}"),
                );
                None
            }
        };
        // SAFETY: the handler passes NULL or a readable struct.
        let read = (!info.is_null()).then(|| unsafe { info.read_unaligned() });
        match read {
            None => findings.found(
                mobsync::Rule::ComPtr,
                HResult::E_INVALIDARG,
                "R-COM-PTR: LogError with a NULL SYNCMGRLOGERRORINFO".into(),
            ),
            Some(read) if read.cbSize != SYNCMGRLOGERRORINFO_SIZE => findings.found(
                mobsync::Rule::ComSize,
                HResult::E_INVALIDARG,
                format!(
                    "R-COM-SIZE: LogError with cbSize {}, not sizeof(SYNCMGRLOGERRORINFO) = \
                     {SYNCMGRLOGERRORINFO_SIZE}",
                    read.cbSize
                ),
            ),
            Some(_) => {}
        }
        let clean = findings.0.is_empty();
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().LogError(level, text, info) },
            |_| {
                let read = read.filter(|_| clean)?;
                let event = Event::LogError {
                    level,
                    info: LogErrorInfo {
                        mask: read.mask,
                        error_flags: read.dwSyncMgrErrorFlags,
                        error_id: ErrorId::from(read.ErrorID),
                        item: ItemId::from(read.ItemID),
                    },
                };
                Some((event, message, None))
            },
            findings,
        )
    }

    unsafe fn DeleteLogError(&self, error: *const GUID, reserved: u32) -> HRESULT {
        // SAFETY: the handler passes NULL or a readable id.
        let id = unsafe { guid_at(error) };
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().DeleteLogError(error, reserved) },
            |answer| {
                let event = Event::DeleteLogError {
                    error: id.into(),
                    reserved,
                };
                Some((event, None, unusual(answer)))
            },
            Findings::default(),
        )
    }

    unsafe fn EstablishConnection(&self, name: *const u16, reserved: u32) -> HRESULT {
        let mut findings = Findings::default();
        let text = if name.is_null() {
            None
        } else {
            // SAFETY: non-NULL: the handler passes a NUL-terminated name.
            match unsafe { read_wide(name) } {
                Ok(text) => Some(text),
                Err(err) => {
                    findings.found(
                        mobsync::Rule::ComStr,
                        HResult::E_INVALIDARG,
                        format!("R-COM-STR: EstablishConnection's name is {err}"),
                    );
                    None
                }
            }
        };
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().EstablishConnection(name, reserved) },
            |answer| {
                let event = Event::EstablishConnection {
                    has_name: !name.is_null(),
                    reserved,
                };
                Some((event, text, unusual(answer)))
            },
            findings,
        )
    }
}
