//! Raw `#[implement]` handlers written from Microsoft's documentation: one conformant handler
//! and one handler per defect, each with its own `ISyncMgrEnumItems` enumerator, plus a class
//! factory.
//!
//! Build one with [`RawHandler::conformant`] (or a defect constructor such as
//! [`RawHandler::completion_twice`]) to get an [`ISyncMgrSynchronize`], or with
//! [`RawHandler::new`] to keep the [`ComObject`] and read the handler's own [`trace`] of the
//! calls it received and the answers its callbacks got.
//!
//! [`trace`]: RawHandler::trace

#![allow(non_snake_case)]

use super::abi::*;
use super::alive::{self, Token};
use super::{AnyThread, alloc, catch};
use core::ffi::c_void;
use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};
use windows_core::{ComObject, GUID, HRESULT, IUnknownImpl, Interface, implement};

// ---------------------------------------------------------------------------------------------
// Items, errors and configuration
// ---------------------------------------------------------------------------------------------

/// The conformant handler's first item ("Mail"): checked, has properties.
pub const ITEM_MAIL: GUID = GUID::from_u128(0x5AC00001_7E1D_4C2B_9A61_0C0FFEE00001);
/// The second item ("Calendar"): checked.
pub const ITEM_CALENDAR: GUID = GUID::from_u128(0x5AC00002_7E1D_4C2B_9A61_0C0FFEE00002);
/// The third item ("Archive"): checked; fails on the first pass and logs [`ERROR_ARCHIVE`].
pub const ITEM_ARCHIVE: GUID = GUID::from_u128(0x5AC00003_7E1D_4C2B_9A61_0C0FFEE00003);
/// The error id the "Archive" item logs when it fails.
pub const ERROR_ARCHIVE: GUID = GUID::from_u128(0x5AC0E003_7E1D_4C2B_9A61_0C0FFEE0E003);
/// A CLSID for registering the raw handlers' class factory, should a test need one.
pub const CLSID_RAW_HANDLER: GUID = GUID::from_u128(0x5AC0C150_7E1D_4C2B_9A61_0C0FFEEC1500);

/// One item the handler enumerates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemSpec {
    pub id: GUID,
    pub name: String,
    /// SYNCMGRITEMFLAGS.
    pub flags: u32,
    /// SYNCMGRITEMSTATE_CHECKED when true.
    pub checked: bool,
    /// The item fails (LogError, then Progress FAILED) on every pass until ShowError was
    /// answered for its error.
    pub fails: bool,
    /// The error id it logs when it fails.
    pub error_id: GUID,
}

impl ItemSpec {
    pub fn new(id: GUID, name: &str) -> Self {
        ItemSpec {
            id,
            name: name.to_string(),
            flags: 0,
            checked: true,
            fails: false,
            error_id: GUID_NULL,
        }
    }
}

/// The three items of the conformant handler: Mail (properties), Calendar, Archive (fails
/// once).
pub fn default_items() -> Vec<ItemSpec> {
    vec![
        ItemSpec {
            flags: SYNCMGRITEM_HASPROPERTIES,
            ..ItemSpec::new(ITEM_MAIL, "Mail")
        },
        ItemSpec::new(ITEM_CALENDAR, "Calendar"),
        ItemSpec {
            fails: true,
            error_id: ERROR_ARCHIVE,
            ..ItemSpec::new(ITEM_ARCHIVE, "Archive")
        },
    ]
}

/// The one deliberate defect of a handler (everything else as the conformant one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defect {
    /// Conformant.
    None,
    /// (a) calls PrepareForSyncCompleted(S_OK), then PrepareForSync returns E_FAIL.
    CompletionThenFailure,
    /// (b) calls Progress after SynchronizeCompleted.
    ProgressAfterCompletion,
    /// (c) calls SynchronizeCompleted twice, the second time from another thread.
    CompletionTwice,
    /// (d) SetItemStatus(SKIPPED) answered S_OK and never honoured.
    SkipIgnored,
    /// (e) S_SYNCMGR_CANCELITEM / S_SYNCMGR_CANCELALL answers ignored.
    CancelIgnored,
    /// (f) SetItemStatus answered S_OK outside its windows (always S_OK).
    SetItemStatusAlwaysOk,
    /// (g) the enumerator hands the first item out twice; PrepareForSync accepts duplicates.
    DuplicateItems,
    /// (h) LogError with the ERRORID mask bit and GUID_NULL as the error id.
    NullErrorIds,
    /// (i) SynchronizeCompleted never called.
    CompletionNever,
    /// (j) Synchronize answered S_OK whatever the order (also without a prepared pass).
    SynchronizeWithoutPrepare,
    /// (k1) Next answers S_OK with a count one larger than it filled, when it runs short.
    EnumOvercount,
    /// (k2) Next answers S_OK when it fetched fewer than asked.
    EnumShortOk,
}

/// Everything that shapes a raw handler.
#[derive(Clone, Debug)]
pub struct HandlerConfig {
    /// The handler name (SYNCMGRHANDLERINFO, at most 31 UTF-16 units are kept).
    pub name: String,
    /// SYNCMGRHANDLERFLAGS.
    pub handler_flags: u32,
    pub items: Vec<ItemSpec>,
    /// Time between PrepareForSync returning and the worker calling PrepareForSyncCompleted.
    pub prepare_delay: Duration,
    /// Time between Synchronize returning and the worker's first Progress.
    pub start_delay: Duration,
    /// Time between two Progress steps of an item.
    pub step_delay: Duration,
    /// Progress steps per item (values 0..=steps, max = steps).
    pub steps: i32,
    /// Make every completion (PrepareForSyncCompleted, SynchronizeCompleted,
    /// ShowErrorCompleted, ShowPropertiesCompleted) on the calling thread before the method
    /// returns (documented as acceptable), instead of from a worker thread.
    pub complete_inline: bool,
    /// Ask EnableModeless(TRUE) before "showing UI" in PrepareForSync (only when Initialize had
    /// SYNCMGRFLAG_MAYBOTHERUSER), ShowError and ShowProperties, and EnableModeless(FALSE)
    /// after when the answer was S_OK.
    pub ask_modeless: bool,
    pub defect: Defect,
    /// Knobs to test a manager's COM-level checks: the `cbSize` written into each struct
    /// (None: the right size).
    pub handler_info_cb_size: Option<u32>,
    pub item_cb_size: Option<u32>,
    pub progress_cb_size: Option<u32>,
    pub log_error_cb_size: Option<u32>,
    /// Fill the whole wszHandlerName with non-NUL units (no terminating NUL).
    pub handler_name_unterminated: bool,
    /// Panic inside this ISyncMgrSynchronize method (by name): the panic is caught at the
    /// vtable entry and answered E_FAIL.
    pub panic_in: Option<&'static str>,
}

impl Default for HandlerConfig {
    fn default() -> Self {
        HandlerConfig {
            name: "RawCom handler".to_string(),
            handler_flags: SYNCMGRHANDLER_HASPROPERTIES,
            items: default_items(),
            prepare_delay: Duration::from_millis(40),
            start_delay: Duration::from_millis(60),
            step_delay: Duration::from_millis(5),
            steps: 3,
            complete_inline: false,
            ask_modeless: true,
            defect: Defect::None,
            handler_info_cb_size: None,
            item_cb_size: None,
            progress_cb_size: None,
            log_error_cb_size: None,
            handler_name_unterminated: false,
            panic_in: None,
        }
    }
}

impl HandlerConfig {
    /// The conformant configuration.
    pub fn conformant() -> Self {
        Self::default()
    }
    /// The conformant configuration with one defect.
    pub fn with_defect(defect: Defect) -> Self {
        HandlerConfig {
            defect,
            ..Self::default()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The handler's own trace
// ---------------------------------------------------------------------------------------------

/// What a raw handler saw and did, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandlerEvent {
    /// A call into the handler and its answer.
    Call {
        method: &'static str,
        detail: String,
        hr: HRESULT,
        thread: ThreadId,
    },
    /// A callback the handler made and the manager's answer (`None`: not made, because the
    /// callback had been released or was never set).
    Callback {
        method: &'static str,
        detail: String,
        answer: Option<HRESULT>,
        thread: ThreadId,
    },
    /// Something the handler decided (an item's final status, a skip honoured, ...).
    Note(String),
}

/// The handler's phase, as it sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Created,
    Initialized,
    /// PrepareForSync accepted, PrepareForSyncCompleted not yet called.
    Preparing,
    /// PrepareForSyncCompleted(S_OK) called.
    Prepared,
    /// Synchronize accepted, SynchronizeCompleted not yet called.
    Synchronizing,
    /// A pass ended (SynchronizeCompleted called, or due).
    Synced,
    /// SetProgressCallback(NULL) received.
    Closed,
}

struct State {
    phase: Phase,
    flags: u32,
    cookie: Vec<u8>,
    pass: u32,
    pass_items: Vec<GUID>,
    skipped: HashSet<GUID>,
    finished: HashSet<GUID>,
    retry_allowed: bool,
    /// (error id, item id) of every error logged.
    logged: Vec<(GUID, GUID)>,
    /// Items whose error was shown: they succeed from then on.
    fixed: HashSet<GUID>,
    /// Last status the handler reported per item.
    last_status: Vec<(GUID, u32)>,
}

// ---------------------------------------------------------------------------------------------
// The callback slot: holds the manager's callback, stops every callback once it is released
// ---------------------------------------------------------------------------------------------

struct SlotState {
    cb: Option<AnyThread<ISyncMgrSynchronizeCallback>>,
    closed: bool,
    inflight: Vec<ThreadId>,
}

/// Holds the manager's `ISyncMgrSynchronizeCallback` for a handler. Once [`close`] returned
/// (SetProgressCallback(NULL)), no callback is in flight on another thread and none starts.
///
/// [`close`]: CallbackSlot::close
pub struct CallbackSlot {
    state: Mutex<SlotState>,
    cv: Condvar,
}

impl Default for CallbackSlot {
    fn default() -> Self {
        CallbackSlot {
            state: Mutex::new(SlotState {
                cb: None,
                closed: false,
                inflight: Vec::new(),
            }),
            cv: Condvar::new(),
        }
    }
}

impl CallbackSlot {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the callback (the caller drops the old one outside the lock).
    pub fn set(
        &self,
        cb: ISyncMgrSynchronizeCallback,
    ) -> Result<Option<AnyThread<ISyncMgrSynchronizeCallback>>, HRESULT> {
        let mut s = self.lock();
        if s.closed {
            return Err(E_UNEXPECTED);
        }
        Ok(s.cb.replace(AnyThread(cb)))
    }

    /// Releases the callback: waits (at most 10 s) for callbacks in flight on other threads,
    /// then drops the reference.
    pub fn close(&self) {
        let me = thread::current().id();
        let old;
        {
            let mut s = self.lock();
            s.closed = true;
            old = s.cb.take();
            let deadline = Instant::now() + Duration::from_secs(10);
            while s.inflight.iter().any(|t| *t != me) {
                let now = Instant::now();
                if now >= deadline {
                    break;
                }
                s = match self.cv.wait_timeout(s, deadline - now) {
                    Ok((g, _)) => g,
                    Err(e) => e.into_inner().0,
                };
            }
        }
        drop(old);
    }

    pub fn is_set(&self) -> bool {
        let s = self.lock();
        !s.closed && s.cb.is_some()
    }

    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Calls `f` with the callback unless it is released or unset.
    pub fn call(&self, f: impl FnOnce(&ISyncMgrSynchronizeCallback) -> HRESULT) -> Option<HRESULT> {
        let me = thread::current().id();
        let cb = {
            let mut s = self.lock();
            if s.closed {
                return None;
            }
            let cb = s.cb.as_ref()?.0.clone();
            s.inflight.push(me);
            cb
        };
        let hr = catch(|| f(&cb));
        drop(cb);
        let mut s = self.lock();
        if let Some(i) = s.inflight.iter().position(|t| *t == me) {
            s.inflight.swap_remove(i);
        }
        drop(s);
        self.cv.notify_all();
        Some(hr)
    }
}

// ---------------------------------------------------------------------------------------------
// The handler
// ---------------------------------------------------------------------------------------------

/// A raw handler. See the module documentation.
#[implement(ISyncMgrSynchronize)]
pub struct RawHandler {
    config: HandlerConfig,
    state: Mutex<State>,
    slot: CallbackSlot,
    trace: Mutex<Vec<HandlerEvent>>,
    _alive: Token,
}

impl RawHandler {
    /// A new handler object; keep the `ComObject` to read its trace, and hand out
    /// `obj.to_interface::<ISyncMgrSynchronize>()`.
    pub fn new(config: HandlerConfig) -> ComObject<RawHandler> {
        ComObject::new(RawHandler {
            config,
            state: Mutex::new(State {
                phase: Phase::Created,
                flags: 0,
                cookie: Vec::new(),
                pass: 0,
                pass_items: Vec::new(),
                skipped: HashSet::new(),
                finished: HashSet::new(),
                retry_allowed: false,
                logged: Vec::new(),
                fixed: HashSet::new(),
                last_status: Vec::new(),
            }),
            slot: CallbackSlot::default(),
            trace: Mutex::new(Vec::new()),
            _alive: Token::new(&alive::HANDLERS),
        })
    }

    /// A handler built from `config`, as an `ISyncMgrSynchronize`.
    pub fn with_config(config: HandlerConfig) -> ISyncMgrSynchronize {
        Self::new(config).to_interface()
    }

    /// The conformant handler.
    pub fn conformant() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::conformant())
    }
    /// (a) PrepareForSyncCompleted(S_OK), then PrepareForSync returns E_FAIL.
    pub fn completion_then_failure() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(Defect::CompletionThenFailure))
    }
    /// (b) Progress after SynchronizeCompleted.
    pub fn progress_after_completion() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(Defect::ProgressAfterCompletion))
    }
    /// (c) SynchronizeCompleted twice, the second from another thread.
    pub fn completion_twice() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(Defect::CompletionTwice))
    }
    /// (d) a skip accepted (S_OK) and never honoured.
    pub fn skip_ignored() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(Defect::SkipIgnored))
    }
    /// (e) a cancel answer ignored.
    pub fn cancel_ignored() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(Defect::CancelIgnored))
    }
    /// (f) SetItemStatus answered S_OK outside its window.
    pub fn set_item_status_always_ok() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(Defect::SetItemStatusAlwaysOk))
    }
    /// (g) the same item handed out twice by the enumerator.
    pub fn duplicate_items() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(Defect::DuplicateItems))
    }
    /// (h) errors logged with GUID_NULL ids.
    pub fn null_error_ids() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(Defect::NullErrorIds))
    }
    /// (i) SynchronizeCompleted never called.
    pub fn completion_never() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(Defect::CompletionNever))
    }
    /// (j) Synchronize answered S_OK without a prepared pass.
    pub fn synchronize_without_prepare() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(
            Defect::SynchronizeWithoutPrepare,
        ))
    }
    /// (k) Next answers S_OK and a count larger than it filled.
    pub fn enum_overcount() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(Defect::EnumOvercount))
    }
    /// (k) Next answers S_OK when it fetched fewer than asked.
    pub fn enum_short_ok() -> ISyncMgrSynchronize {
        Self::with_config(HandlerConfig::with_defect(Defect::EnumShortOk))
    }

    /// Every handler constructor with its defect, for tests that sweep all of them.
    pub fn all_defects() -> Vec<Defect> {
        vec![
            Defect::CompletionThenFailure,
            Defect::ProgressAfterCompletion,
            Defect::CompletionTwice,
            Defect::SkipIgnored,
            Defect::CancelIgnored,
            Defect::SetItemStatusAlwaysOk,
            Defect::DuplicateItems,
            Defect::NullErrorIds,
            Defect::CompletionNever,
            Defect::SynchronizeWithoutPrepare,
            Defect::EnumOvercount,
            Defect::EnumShortOk,
        ]
    }

    pub fn config(&self) -> &HandlerConfig {
        &self.config
    }

    /// A copy of the handler's trace.
    pub fn trace(&self) -> Vec<HandlerEvent> {
        self.trace.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The handler's phase.
    pub fn phase(&self) -> Phase {
        self.st().phase
    }

    /// The last status the handler reported for each item, in first-report order.
    pub fn last_statuses(&self) -> Vec<(GUID, u32)> {
        self.st().last_status.clone()
    }

    /// The cookie bytes Initialize received.
    pub fn cookie(&self) -> Vec<u8> {
        self.st().cookie.clone()
    }

    /// Whether the handler currently holds a callback.
    pub fn holds_callback(&self) -> bool {
        self.slot.is_set()
    }

    fn maybe_panic(&self, method: &str) {
        if self.config.panic_in == Some(method) {
            panic!("deliberate panic in {method}");
        }
    }

    fn st(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn record(&self, e: HandlerEvent) {
        self.trace.lock().unwrap_or_else(|e| e.into_inner()).push(e);
    }

    fn note(&self, s: String) {
        self.record(HandlerEvent::Note(s));
    }

    fn record_call(&self, method: &'static str, detail: String, hr: HRESULT) -> HRESULT {
        self.record(HandlerEvent::Call {
            method,
            detail,
            hr,
            thread: thread::current().id(),
        });
        hr
    }

    /// Makes one callback, recording it and its answer.
    fn callback(
        &self,
        method: &'static str,
        detail: String,
        f: impl FnOnce(&ISyncMgrSynchronizeCallback) -> HRESULT,
    ) -> Option<HRESULT> {
        let answer = self.slot.call(f);
        self.record(HandlerEvent::Callback {
            method,
            detail,
            answer,
            thread: thread::current().id(),
        });
        answer
    }

    fn item_spec(&self, id: &GUID) -> Option<&ItemSpec> {
        self.config.items.iter().find(|i| i.id == *id)
    }

    /// The list the enumerator hands out (with the duplicate for defect (g)).
    fn enumerated_items(&self) -> Vec<ItemSpec> {
        let mut items = self.config.items.clone();
        if self.config.defect == Defect::DuplicateItems
            && let Some(first) = self.config.items.first()
        {
            items.push(first.clone());
        }
        items
    }

    fn set_last_status(&self, id: GUID, status: u32) {
        let mut s = self.st();
        if let Some(e) = s.last_status.iter_mut().find(|(i, _)| *i == id) {
            e.1 = status;
        } else {
            s.last_status.push((id, status));
        }
        if matches!(
            status,
            SYNCMGRSTATUS_SUCCEEDED | SYNCMGRSTATUS_FAILED | SYNCMGRSTATUS_SKIPPED
        ) {
            s.finished.insert(id);
        }
    }

    // --- callbacks -------------------------------------------------------------------------

    fn cb_progress(
        &self,
        id: &GUID,
        status: u32,
        value: i32,
        max: i32,
        text: &str,
    ) -> Option<HRESULT> {
        let wide = wide_z(text);
        let item = SYNCMGRPROGRESSITEM {
            cbSize: self
                .config
                .progress_cb_size
                .unwrap_or(SYNCMGRPROGRESSITEM_SIZE),
            mask: SYNCMGRPROGRESSITEM_STATUSTEXT
                | SYNCMGRPROGRESSITEM_STATUSTYPE
                | SYNCMGRPROGRESSITEM_PROGVALUE
                | SYNCMGRPROGRESSITEM_MAXVALUE,
            lpcStatusText: wide.as_ptr(),
            dwStatusType: status,
            iProgValue: value,
            iMaxValue: max,
        };
        self.set_last_status(*id, status);
        self.callback(
            "Progress",
            format!(
                "{} {} {value}/{max} {text:?}",
                guid_text(id),
                status_name(status)
            ),
            // SAFETY: `id`, `item` and the text it points to live until the call returns.
            |cb| unsafe { cb.Progress(id, &item) },
        )
    }

    fn cb_log_error(&self, item: &ItemSpec) -> Option<HRESULT> {
        let error_id = if self.config.defect == Defect::NullErrorIds {
            GUID_NULL
        } else {
            item.error_id
        };
        let text = wide_z(&format!("{} could not be synchronized", item.name));
        let info = SYNCMGRLOGERRORINFO {
            cbSize: self
                .config
                .log_error_cb_size
                .unwrap_or(SYNCMGRLOGERRORINFO_SIZE),
            mask: SYNCMGRLOGERROR_ERRORFLAGS | SYNCMGRLOGERROR_ERRORID | SYNCMGRLOGERROR_ITEMID,
            dwSyncMgrErrorFlags: SYNCMGRERRORFLAG_ENABLEJUMPTEXT,
            ErrorID: error_id,
            ItemID: item.id,
        };
        self.st().logged.push((error_id, item.id));
        self.callback(
            "LogError",
            format!(
                "ERROR id {} item {}",
                guid_text(&error_id),
                guid_text(&item.id)
            ),
            // SAFETY: the text and `info` live until the call returns.
            |cb| unsafe { cb.LogError(SYNCMGRLOGLEVEL_ERROR, text.as_ptr(), &info) },
        )
    }

    /// EnableModeless(TRUE), and EnableModeless(FALSE) after "showing UI" if allowed.
    fn modeless_dance(&self) {
        if !self.config.ask_modeless {
            return;
        }
        let answer = self.callback(
            "EnableModeless",
            "TRUE".into(),
            // SAFETY: no pointer arguments.
            |cb| unsafe { cb.EnableModeless(TRUE) },
        );
        if answer == Some(S_OK) {
            self.note("UI shown".into());
            self.callback(
                "EnableModeless",
                "FALSE".into(),
                // SAFETY: no pointer arguments.
                |cb| unsafe { cb.EnableModeless(FALSE) },
            );
        } else {
            self.note("UI not shown (EnableModeless did not answer S_OK)".into());
        }
    }

    fn cb_completion(&self, method: &'static str, hr: HRESULT) -> Option<HRESULT> {
        self.callback(method, hr_name(hr), |cb| match method {
            // SAFETY: no pointer arguments.
            "PrepareForSyncCompleted" => unsafe { cb.PrepareForSyncCompleted(hr) },
            // SAFETY: no pointer arguments.
            "SynchronizeCompleted" => unsafe { cb.SynchronizeCompleted(hr) },
            // SAFETY: no pointer arguments.
            _ => unsafe { cb.ShowPropertiesCompleted(hr) },
        })
    }

    // --- work ------------------------------------------------------------------------------

    /// Runs `f` on a worker thread that keeps the handler alive, or inline when
    /// `complete_inline` is set.
    fn run_work(this: &RawHandler_Impl, f: impl FnOnce(&RawHandler) + Send + 'static) -> HRESULT {
        if this.config.complete_inline {
            f(this);
            return S_OK;
        }
        let obj: ComObject<RawHandler> = this.to_object();
        let token = Token::new(&alive::WORKERS);
        let spawned = thread::Builder::new()
            .name("rawcom-handler-worker".into())
            .spawn(move || {
                let token = token;
                let obj = obj;
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&obj)));
                drop(obj);
                drop(token);
            });
        match spawned {
            Ok(_) => S_OK,
            Err(_) => E_OUTOFMEMORY,
        }
    }

    fn prepare_work(&self, delay: bool) {
        if delay {
            thread::sleep(self.config.prepare_delay);
        }
        if self.st().flags & SYNCMGRFLAG_MAYBOTHERUSER != 0 {
            self.modeless_dance();
        }
        {
            let mut s = self.st();
            if s.phase != Phase::Preparing {
                return;
            }
            s.phase = Phase::Prepared;
        }
        self.cb_completion("PrepareForSyncCompleted", S_OK);
    }

    fn is_skipped(&self, id: &GUID) -> bool {
        self.config.defect != Defect::SkipIgnored && self.st().skipped.contains(id)
    }

    fn sync_work(&self, items: Vec<GUID>, delay: bool, resume: Option<Phase>) {
        if delay {
            thread::sleep(self.config.start_delay);
        }
        let honour_cancel = self.config.defect != Defect::CancelIgnored;
        let steps = self.config.steps.max(1);
        let mut cancel_all = false;
        for id in &items {
            if self.slot.is_closed() {
                self.note("callback released: pass abandoned".into());
                return;
            }
            let Some(spec) = self.item_spec(id).cloned() else {
                continue;
            };
            let mut skipped = cancel_all || self.is_skipped(id);
            if !skipped {
                for step in 0..=steps {
                    if self.is_skipped(id) {
                        skipped = true;
                        self.note(format!("skip honoured for {}", spec.name));
                        break;
                    }
                    let text = format!("{}: {step} of {steps}", spec.name);
                    match self.cb_progress(id, SYNCMGRSTATUS_UPDATING, step, steps, &text) {
                        None => {
                            self.note("callback released: pass abandoned".into());
                            return;
                        }
                        Some(a) if a == S_SYNCMGR_CANCELITEM && honour_cancel => {
                            self.note(format!("cancel honoured for {}", spec.name));
                            skipped = true;
                        }
                        Some(a) if a == S_SYNCMGR_CANCELALL && honour_cancel => {
                            self.note("cancel-all honoured".into());
                            cancel_all = true;
                            skipped = true;
                        }
                        Some(a) if a == S_SYNCMGR_CANCELITEM || a == S_SYNCMGR_CANCELALL => {
                            self.note(format!("cancel ignored for {}", spec.name));
                        }
                        Some(_) => {}
                    }
                    if skipped {
                        break;
                    }
                    if step < steps {
                        thread::sleep(self.config.step_delay);
                    }
                }
            }
            let fixed = self.st().fixed.contains(id);
            let answer = if skipped {
                self.cb_progress(
                    id,
                    SYNCMGRSTATUS_SKIPPED,
                    0,
                    steps,
                    &format!("{}: skipped", spec.name),
                )
            } else if spec.fails && !fixed {
                self.cb_log_error(&spec);
                self.cb_progress(
                    id,
                    SYNCMGRSTATUS_FAILED,
                    steps,
                    steps,
                    &format!("{}: failed", spec.name),
                )
            } else {
                self.cb_progress(
                    id,
                    SYNCMGRSTATUS_SUCCEEDED,
                    steps,
                    steps,
                    &format!("{}: done", spec.name),
                )
            };
            if answer == Some(S_SYNCMGR_CANCELALL) && honour_cancel {
                cancel_all = true;
            }
        }
        {
            let mut s = self.st();
            if s.phase != Phase::Synchronizing {
                return;
            }
            s.phase = resume.unwrap_or(Phase::Synced);
        }
        match self.config.defect {
            Defect::CompletionNever => {
                self.note("SynchronizeCompleted deliberately not called".into());
            }
            Defect::CompletionTwice => {
                self.cb_completion("SynchronizeCompleted", S_OK);
                thread::scope(|scope| {
                    let second = scope.spawn(|| {
                        self.cb_completion("SynchronizeCompleted", S_OK);
                    });
                    let _ = second.join();
                });
            }
            Defect::ProgressAfterCompletion => {
                self.cb_completion("SynchronizeCompleted", S_OK);
                if let Some(first) = items.first() {
                    self.cb_progress(
                        first,
                        SYNCMGRSTATUS_SUCCEEDED,
                        steps,
                        steps,
                        "late progress",
                    );
                }
            }
            _ => {
                self.cb_completion("SynchronizeCompleted", S_OK);
            }
        }
    }

    fn show_error_work(&self, error_id: GUID, item: Option<GUID>) {
        self.modeless_dance();
        match item {
            Some(item) => {
                {
                    let mut s = self.st();
                    s.fixed.insert(item);
                    s.retry_allowed = true;
                }
                let items = [item];
                self.callback(
                    "ShowErrorCompleted",
                    format!(
                        "S_SYNCMGR_RETRYSYNC [{}] for {}",
                        guid_text(&item),
                        guid_text(&error_id)
                    ),
                    // SAFETY: `items` lives until the call returns; the count matches it.
                    |cb| unsafe { cb.ShowErrorCompleted(S_SYNCMGR_RETRYSYNC, 1, items.as_ptr()) },
                );
            }
            None => {
                self.callback(
                    "ShowErrorCompleted",
                    "S_OK []".into(),
                    // SAFETY: no items are passed (count 0, NULL).
                    |cb| unsafe { cb.ShowErrorCompleted(S_OK, 0, core::ptr::null()) },
                );
            }
        }
    }

    fn show_properties_work(&self) {
        self.modeless_dance();
        self.cb_completion("ShowPropertiesCompleted", S_OK);
    }

    // --- method bodies (phase, then pointers, then arguments) ------------------------------

    fn initialize(&self, reserved: u32, flags: u32, cb_cookie: u32, cookie: *const u8) -> HRESULT {
        let mut s = self.st();
        if s.phase != Phase::Created {
            return E_UNEXPECTED;
        }
        if cb_cookie > 0 && cookie.is_null() {
            return E_INVALIDARG;
        }
        if reserved != 0 {
            return E_INVALIDARG;
        }
        s.cookie = if cb_cookie > 0 {
            // SAFETY: the caller passes `cb_cookie` readable bytes at `cookie` (checked
            // non-NULL above).
            unsafe { core::slice::from_raw_parts(cookie, cb_cookie as usize) }.to_vec()
        } else {
            Vec::new()
        };
        s.flags = flags;
        s.phase = Phase::Initialized;
        S_OK
    }

    fn usable(&self) -> bool {
        !matches!(self.st().phase, Phase::Created | Phase::Closed)
    }

    fn get_handler_info(&self, pp: *mut *mut SYNCMGRHANDLERINFO) -> HRESULT {
        if !self.usable() {
            if !pp.is_null() {
                // SAFETY: a non-NULL out-pointer from the caller is writable.
                unsafe { pp.write(core::ptr::null_mut()) };
            }
            return E_UNEXPECTED;
        }
        if pp.is_null() {
            return E_INVALIDARG;
        }
        let mut name: [u16; MAX_SYNCMGRHANDLERNAME] = fixed_wide(&self.config.name);
        if self.config.handler_name_unterminated {
            name = [u16::from(b'X'); MAX_SYNCMGRHANDLERNAME];
        }
        let info = SYNCMGRHANDLERINFO {
            cbSize: self
                .config
                .handler_info_cb_size
                .unwrap_or(SYNCMGRHANDLERINFO_SIZE),
            hIcon: core::ptr::null_mut(),
            SyncMgrHandlerFlags: self.config.handler_flags,
            wszHandlerName: name,
        };
        let p = alloc::task_new(info);
        // SAFETY: `pp` is non-NULL and writable (checked above).
        unsafe { pp.write(p) };
        if p.is_null() { E_OUTOFMEMORY } else { S_OK }
    }

    fn enum_items(&self, pp: *mut *mut c_void) -> HRESULT {
        if !self.usable() {
            if !pp.is_null() {
                // SAFETY: a non-NULL out-pointer from the caller is writable.
                unsafe { pp.write(core::ptr::null_mut()) };
            }
            return E_UNEXPECTED;
        }
        if pp.is_null() {
            return E_INVALIDARG;
        }
        let e: ISyncMgrEnumItems = RawEnum::new(
            Arc::new(self.enumerated_items()),
            0,
            self.config.defect,
            self.config.item_cb_size.unwrap_or(SYNCMGRITEM_SIZE),
        )
        .into();
        // SAFETY: `pp` is non-NULL and writable; the caller receives our one reference.
        unsafe { pp.write(e.into_raw()) };
        S_OK
    }

    fn show_properties(this: &RawHandler_Impl, item: *const GUID) -> HRESULT {
        if !this.usable() || !this.slot.is_set() {
            return E_UNEXPECTED;
        }
        if item.is_null() {
            return E_INVALIDARG;
        }
        // SAFETY: non-NULL REFGUID from the caller.
        let id = unsafe { item.read_unaligned() };
        if id != GUID_NULL && this.item_spec(&id).is_none() {
            return E_INVALIDARG;
        }
        Self::run_work(this, |h| h.show_properties_work())
    }

    fn set_progress_callback(&self, cb: *mut c_void) -> HRESULT {
        if cb.is_null() {
            self.slot.close();
            self.st().phase = Phase::Closed;
            return S_OK;
        }
        if self.st().phase == Phase::Closed {
            return E_UNEXPECTED;
        }
        // SAFETY: a non-NULL `cb` is an ISyncMgrSynchronizeCallback* the caller keeps alive for
        // this call; `from_raw_borrowed` does not take ownership and `cloned` AddRefs.
        let cb = unsafe { ISyncMgrSynchronizeCallback::from_raw_borrowed(&cb) }.cloned();
        let Some(cb) = cb else { return E_INVALIDARG };
        match self.slot.set(cb) {
            Ok(old) => {
                drop(old);
                S_OK
            }
            Err(hr) => hr,
        }
    }

    fn prepare_for_sync(this: &RawHandler_Impl, count: u32, ids: *const GUID) -> HRESULT {
        let defect = this.config.defect;
        let items = {
            let s = this.st();
            let may_start =
                s.phase == Phase::Initialized || (s.phase == Phase::Synced && s.retry_allowed);
            if !may_start || !this.slot.is_set() {
                return E_UNEXPECTED;
            }
            if count > 0 && ids.is_null() {
                return E_INVALIDARG;
            }
            let items: Vec<GUID> = (0..count as usize)
                // SAFETY: the caller passes `count` readable GUIDs at `ids` (non-NULL).
                .map(|i| unsafe { ids.add(i).read_unaligned() })
                .collect();
            let mut seen = HashSet::new();
            for id in &items {
                if this.item_spec(id).is_none() {
                    return E_INVALIDARG;
                }
                if !seen.insert(*id) && defect != Defect::DuplicateItems {
                    return E_INVALIDARG;
                }
            }
            items
        };
        {
            let mut s = this.st();
            s.pass += 1;
            s.pass_items = items;
            s.skipped.clear();
            s.finished.clear();
            s.retry_allowed = false;
            s.phase = Phase::Preparing;
        }
        if defect == Defect::CompletionThenFailure {
            this.st().phase = Phase::Prepared;
            this.cb_completion("PrepareForSyncCompleted", S_OK);
            return E_FAIL;
        }
        let hr = Self::run_work(this, |h| h.prepare_work(!h.config.complete_inline));
        if hr.is_err() {
            this.st().phase = Phase::Initialized;
        }
        hr
    }

    fn synchronize(this: &RawHandler_Impl) -> HRESULT {
        let items = {
            let mut s = this.st();
            let ok = s.phase == Phase::Prepared
                || (this.config.defect == Defect::SynchronizeWithoutPrepare
                    && s.phase != Phase::Synchronizing);
            if !ok {
                return E_UNEXPECTED;
            }
            let mut resume = None;
            if s.phase != Phase::Prepared {
                // Defect (j): answered S_OK whatever the order; a pass over whatever was
                // prepared last (nothing, before any PrepareForSync), after which the handler
                // returns to the phase it was in.
                this.note(format!("Synchronize accepted in phase {:?}", s.phase));
                if s.phase == Phase::Closed {
                    return S_OK;
                }
                resume = Some(s.phase);
            }
            let before = s.phase;
            s.phase = Phase::Synchronizing;
            (s.pass_items.clone(), resume, before)
        };
        let (items, resume, before) = items;
        let hr = Self::run_work(this, move |h| {
            h.sync_work(items, !h.config.complete_inline, resume)
        });
        if hr.is_err() {
            this.st().phase = before;
        }
        hr
    }

    fn set_item_status(&self, item: *const GUID, status: u32) -> HRESULT {
        let mut s = self.st();
        let in_window = matches!(s.phase, Phase::Preparing | Phase::Synchronizing);
        if !in_window {
            return if self.config.defect == Defect::SetItemStatusAlwaysOk {
                S_OK
            } else {
                E_UNEXPECTED
            };
        }
        if item.is_null() {
            return E_INVALIDARG;
        }
        // SAFETY: non-NULL REFGUID from the caller.
        let id = unsafe { item.read_unaligned() };
        if status != SYNCMGRSTATUS_SKIPPED {
            return E_INVALIDARG;
        }
        if !s.pass_items.contains(&id) {
            return E_INVALIDARG;
        }
        if self.config.defect == Defect::SkipIgnored {
            return S_OK;
        }
        if s.finished.contains(&id) {
            // Too late to skip: accepted, nothing left to do.
            return S_OK;
        }
        s.skipped.insert(id);
        S_OK
    }

    fn show_error(this: &RawHandler_Impl, error: *const GUID) -> HRESULT {
        let item = {
            let s = this.st();
            if s.phase != Phase::Synced || !this.slot.is_set() {
                return E_UNEXPECTED;
            }
            if error.is_null() {
                return E_INVALIDARG;
            }
            // SAFETY: non-NULL REFGUID from the caller.
            let id = unsafe { error.read_unaligned() };
            match s.logged.iter().find(|(e, _)| *e == id) {
                Some((_, item)) => (id, Some(*item)),
                None => return E_INVALIDARG,
            }
        };
        Self::run_work(this, move |h| h.show_error_work(item.0, item.1))
    }
}

fn guid_arg(p: *const GUID) -> String {
    if p.is_null() {
        "NULL".into()
    } else {
        // SAFETY: only used on pointers the handler is about to read as a REFGUID; a non-NULL
        // REFGUID is readable.
        guid_text(&unsafe { p.read_unaligned() })
    }
}

impl ISyncMgrSynchronize_Impl for RawHandler_Impl {
    unsafe fn Initialize(
        &self,
        dwReserved: u32,
        dwSyncMgrFlags: u32,
        cbCookie: u32,
        lpCookie: *const u8,
    ) -> HRESULT {
        catch(|| {
            let hr = catch(|| {
                self.maybe_panic("Initialize");
                self.initialize(dwReserved, dwSyncMgrFlags, cbCookie, lpCookie)
            });
            let detail = format!(
                "reserved {dwReserved} flags 0x{dwSyncMgrFlags:X} cookie {cbCookie} bytes{}",
                if lpCookie.is_null() { " (NULL)" } else { "" }
            );
            self.record_call("Initialize", detail, hr)
        })
    }

    unsafe fn GetHandlerInfo(&self, ppSyncMgrHandlerInfo: *mut *mut SYNCMGRHANDLERINFO) -> HRESULT {
        catch(|| {
            let hr = catch(|| {
                self.maybe_panic("GetHandlerInfo");
                self.get_handler_info(ppSyncMgrHandlerInfo)
            });
            let detail = if ppSyncMgrHandlerInfo.is_null() {
                "NULL"
            } else {
                ""
            };
            self.record_call("GetHandlerInfo", detail.into(), hr)
        })
    }

    unsafe fn EnumSyncMgrItems(&self, ppSyncMgrEnumItems: *mut *mut c_void) -> HRESULT {
        catch(|| {
            let hr = catch(|| {
                self.maybe_panic("EnumSyncMgrItems");
                self.enum_items(ppSyncMgrEnumItems)
            });
            let detail = if ppSyncMgrEnumItems.is_null() {
                "NULL"
            } else {
                ""
            };
            self.record_call("EnumSyncMgrItems", detail.into(), hr)
        })
    }

    unsafe fn GetItemObject(
        &self,
        ItemID: *const GUID,
        _riid: *const GUID,
        ppv: *mut *mut c_void,
    ) -> HRESULT {
        catch(|| {
            let hr = catch(|| {
                self.maybe_panic("GetItemObject");
                if !ppv.is_null() {
                    // SAFETY: a non-NULL out-pointer from the caller is writable.
                    unsafe { ppv.write(core::ptr::null_mut()) };
                }
                E_NOTIMPL
            });
            self.record_call("GetItemObject", guid_arg(ItemID), hr)
        })
    }

    unsafe fn ShowProperties(&self, _hWndParent: HWND, ItemID: *const GUID) -> HRESULT {
        catch(|| {
            let detail = guid_arg(ItemID);
            let hr = catch(|| {
                self.maybe_panic("ShowProperties");
                RawHandler::show_properties(self, ItemID)
            });
            self.record_call("ShowProperties", detail, hr)
        })
    }

    unsafe fn SetProgressCallback(&self, lpCallBack: *mut c_void) -> HRESULT {
        catch(|| {
            let hr = catch(|| {
                self.maybe_panic("SetProgressCallback");
                self.set_progress_callback(lpCallBack)
            });
            let detail = if lpCallBack.is_null() {
                "NULL"
            } else {
                "callback"
            };
            self.record_call("SetProgressCallback", detail.into(), hr)
        })
    }

    unsafe fn PrepareForSync(
        &self,
        cbNumItems: u32,
        pItemIDs: *const GUID,
        _hWndParent: HWND,
        _dwReserved: u32,
    ) -> HRESULT {
        catch(|| {
            let detail = format!(
                "{cbNumItems} items{}",
                if pItemIDs.is_null() { " (NULL)" } else { "" }
            );
            let hr = catch(|| {
                self.maybe_panic("PrepareForSync");
                RawHandler::prepare_for_sync(self, cbNumItems, pItemIDs)
            });
            self.record_call("PrepareForSync", detail, hr)
        })
    }

    unsafe fn Synchronize(&self, _hWndParent: HWND) -> HRESULT {
        catch(|| {
            let hr = catch(|| {
                self.maybe_panic("Synchronize");
                RawHandler::synchronize(self)
            });
            self.record_call("Synchronize", String::new(), hr)
        })
    }

    unsafe fn SetItemStatus(&self, pItemID: *const GUID, dwSyncMgrStatus: u32) -> HRESULT {
        catch(|| {
            let hr = catch(|| {
                self.maybe_panic("SetItemStatus");
                self.set_item_status(pItemID, dwSyncMgrStatus)
            });
            let detail = if pItemID.is_null() {
                format!("NULL {}", status_name(dwSyncMgrStatus))
            } else {
                // SAFETY: non-NULL REFGUID from the caller.
                let id = unsafe { pItemID.read_unaligned() };
                format!("{} {}", guid_text(&id), status_name(dwSyncMgrStatus))
            };
            self.record_call("SetItemStatus", detail, hr)
        })
    }

    unsafe fn ShowError(&self, _hWndParent: HWND, ErrorID: *const GUID) -> HRESULT {
        catch(|| {
            let detail = guid_arg(ErrorID);
            let hr = catch(|| {
                self.maybe_panic("ShowError");
                RawHandler::show_error(self, ErrorID)
            });
            self.record_call("ShowError", detail, hr)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The enumerator
// ---------------------------------------------------------------------------------------------

/// A handler's `ISyncMgrEnumItems`: COM's IEnum rules, or the handler's enumerator defect.
#[implement(ISyncMgrEnumItems)]
pub struct RawEnum {
    items: Arc<Vec<ItemSpec>>,
    pos: Mutex<usize>,
    defect: Defect,
    cb_size: u32,
    _alive: Token,
}

impl RawEnum {
    pub fn new(items: Arc<Vec<ItemSpec>>, pos: usize, defect: Defect, cb_size: u32) -> Self {
        RawEnum {
            items,
            pos: Mutex::new(pos),
            defect,
            cb_size,
            _alive: Token::new(&alive::ENUMERATORS),
        }
    }

    fn make_item(&self, spec: &ItemSpec) -> SYNCMGRITEM {
        SYNCMGRITEM {
            cbSize: self.cb_size,
            dwFlags: spec.flags,
            ItemID: spec.id,
            dwItemState: if spec.checked {
                SYNCMGRITEMSTATE_CHECKED
            } else {
                SYNCMGRITEMSTATE_UNCHECKED
            },
            hIcon: core::ptr::null_mut(),
            wszItemName: fixed_wide(&spec.name),
            ftLastUpdate: FILETIME::default(),
        }
    }

    fn next(&self, celt: u32, rgelt: *mut SYNCMGRITEM, fetched: *mut u32) -> HRESULT {
        if !fetched.is_null() {
            // SAFETY: a non-NULL count pointer from the caller is writable.
            unsafe { fetched.write(0) };
        }
        if fetched.is_null() && celt != 1 {
            return E_INVALIDARG;
        }
        if rgelt.is_null() && celt > 0 {
            return E_INVALIDARG;
        }
        let mut pos = self.pos.lock().unwrap_or_else(|e| e.into_inner());
        let left = self.items.len().saturating_sub(*pos);
        let n = left.min(celt as usize);
        for i in 0..n {
            let item = self.make_item(&self.items[*pos + i]);
            // SAFETY: the caller's array holds `celt` SYNCMGRITEMs and `i < n <= celt`.
            unsafe { rgelt.add(i).write_unaligned(item) };
        }
        *pos += n;
        let n = n as u32;
        let (reported, hr) = match self.defect {
            Defect::EnumOvercount if n < celt => (n + 1, S_OK),
            Defect::EnumShortOk => (n, S_OK),
            _ => (n, if n == celt { S_OK } else { S_FALSE }),
        };
        if !fetched.is_null() {
            // SAFETY: as above.
            unsafe { fetched.write(reported) };
        }
        hr
    }
}

impl ISyncMgrEnumItems_Impl for RawEnum_Impl {
    unsafe fn Next(&self, celt: u32, rgelt: *mut SYNCMGRITEM, pceltFetched: *mut u32) -> HRESULT {
        catch(|| self.next(celt, rgelt, pceltFetched))
    }

    unsafe fn Skip(&self, celt: u32) -> HRESULT {
        catch(|| {
            let mut pos = self.pos.lock().unwrap_or_else(|e| e.into_inner());
            let left = self.items.len().saturating_sub(*pos);
            let n = left.min(celt as usize);
            *pos += n;
            if n == celt as usize { S_OK } else { S_FALSE }
        })
    }

    unsafe fn Reset(&self) -> HRESULT {
        catch(|| {
            *self.pos.lock().unwrap_or_else(|e| e.into_inner()) = 0;
            S_OK
        })
    }

    unsafe fn Clone(&self, ppenum: *mut *mut c_void) -> HRESULT {
        catch(|| {
            if ppenum.is_null() {
                return E_INVALIDARG;
            }
            let pos = *self.pos.lock().unwrap_or_else(|e| e.into_inner());
            let e: ISyncMgrEnumItems =
                RawEnum::new(self.items.clone(), pos, self.defect, self.cb_size).into();
            // SAFETY: `ppenum` is non-NULL and writable; the caller receives our reference.
            unsafe { ppenum.write(e.into_raw()) };
            S_OK
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The class factory
// ---------------------------------------------------------------------------------------------

/// An `IClassFactory` that makes raw handlers of one configuration.
#[implement(IClassFactory)]
pub struct RawFactory {
    config: HandlerConfig,
    locks: Mutex<i64>,
    _alive: Token,
}

impl RawFactory {
    pub fn create(config: HandlerConfig) -> IClassFactory {
        RawFactory {
            config,
            locks: Mutex::new(0),
            _alive: Token::new(&alive::FACTORIES),
        }
        .into()
    }
}

impl IClassFactory_Impl for RawFactory_Impl {
    unsafe fn CreateInstance(
        &self,
        pUnkOuter: *mut c_void,
        riid: *const GUID,
        ppvObject: *mut *mut c_void,
    ) -> HRESULT {
        catch(|| {
            if ppvObject.is_null() {
                return E_INVALIDARG;
            }
            // SAFETY: non-NULL out-pointer from the caller.
            unsafe { ppvObject.write(core::ptr::null_mut()) };
            if !pUnkOuter.is_null() {
                return CLASS_E_NOAGGREGATION;
            }
            if riid.is_null() {
                return E_INVALIDARG;
            }
            let handler: ISyncMgrSynchronize = RawHandler::with_config(self.config.clone());
            // SAFETY: `riid` is a readable GUID and `ppvObject` a writable slot; on success
            // QueryInterface hands the caller its own reference.
            unsafe { handler.query(riid, ppvObject) }
        })
    }

    unsafe fn LockServer(&self, fLock: BOOL) -> HRESULT {
        catch(|| {
            let mut n = self.locks.lock().unwrap_or_else(|e| e.into_inner());
            *n += if fLock != 0 { 1 } else { -1 };
            S_OK
        })
    }
}
