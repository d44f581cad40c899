//! A raw manager: an `#[implement]` `ISyncMgrSynchronizeCallback` object ([`RawCallback`]) and
//! a driver ([`RawManager`]) that runs the documented sequence on any handler, as told by a
//! [`RawScript`], and answers a [`RawReport`].
//!
//! The sequence: Initialize(0, flags, cookie) → GetHandlerInfo → EnumSyncMgrItems (Next /
//! Skip / Reset / Clone) → (GetItemObject) → SetProgressCallback(cb) → per pass:
//! PrepareForSync(items) → window A skips → wait PrepareForSyncCompleted → Synchronize →
//! window B skips → wait SynchronizeCompleted; then (ShowError(first new error id) → wait
//! ShowErrorCompleted → on S_SYNCMGR_RETRYSYNC another pass with its items) →
//! (ShowProperties → wait ShowPropertiesCompleted) → SetProgressCallback(NULL) → Release.
//! Every wait is bounded by [`RawScript::timeout`].

#![allow(non_snake_case)]

use super::abi::*;
use super::alive::{self, Token};
use super::{alloc, catch};
use core::ffi::c_void;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};
use windows_core::{ComObject, GUID, HRESULT, IUnknown, IUnknownImpl, Interface, implement};

// ---------------------------------------------------------------------------------------------
// The script
// ---------------------------------------------------------------------------------------------

/// Which enumerated items the manager selects for the first pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemSelection {
    /// Items whose dwItemState is SYNCMGRITEMSTATE_CHECKED.
    Checked,
    /// Every enumerated item (duplicates included).
    All,
    /// Exactly these ids, in this order (enumerated or not).
    Given(Vec<GUID>),
}

/// When a scripted SetItemStatus(SKIPPED) is delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipWindow {
    /// After PrepareForSync returned, before PrepareForSyncCompleted.
    A,
    /// After Synchronize returned, before SynchronizeCompleted.
    B,
}

/// One scripted skip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptSkip {
    pub item: GUID,
    pub window: SkipWindow,
    /// 0 for the first pass, 1 for the first retry, ...
    pub pass: usize,
}

/// The answer to the `nth` (1-based, counted over the whole run) Progress call for `item`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressAnswer {
    pub item: GUID,
    pub nth: u32,
    pub answer: HRESULT,
}

/// A method called by [`Probe::AfterClose`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeCall {
    Initialize,
    GetHandlerInfo,
    EnumSyncMgrItems,
    GetItemObject,
    ShowProperties,
    PrepareForSync,
    Synchronize,
    SetItemStatus,
    ShowError,
    /// SetProgressCallback(our callback) again; if accepted, SetProgressCallback(NULL) follows.
    SetProgressCallback,
}

/// A NULL pointer where the docs require data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NullCall {
    /// Initialize(0, flags, 4, NULL), before the real Initialize.
    InitializeCookie,
    /// GetHandlerInfo(NULL), after Initialize.
    GetHandlerInfo,
    /// EnumSyncMgrItems(NULL), after Initialize.
    EnumSyncMgrItems,
    /// GetItemObject(NULL, IID_IUnknown, &p), after Initialize.
    GetItemObjectItem,
    /// GetItemObject(item, IID_IUnknown, NULL), after Initialize.
    GetItemObjectOut,
    /// ShowProperties(NULL, NULL), after SetProgressCallback, before the first PrepareForSync.
    ShowPropertiesItem,
    /// Next(1, NULL, &n) on the enumerator.
    EnumNextItems,
    /// Next(2, buffer, NULL) on the enumerator.
    EnumNextCount,
    /// Clone(NULL) on the enumerator.
    EnumClone,
    /// PrepareForSync(n, NULL, ...), after SetProgressCallback, before the real PrepareForSync.
    PrepareForSyncItems,
    /// SetItemStatus(NULL, SKIPPED), in window A of the first pass.
    SetItemStatusItem,
    /// ShowError(NULL, NULL), after the first pass, before the real ShowError.
    ShowErrorId,
}

/// An out-of-order or malformed call, to test a handler's guards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    /// Initialize a second time, right after the first.
    InitializeTwice,
    /// SetItemStatus(first selected item, SKIPPED) after SetProgressCallback, before the first
    /// PrepareForSync.
    SetItemStatusBeforePrepare,
    /// Synchronize after SetProgressCallback, before the first PrepareForSync (when it answers
    /// S_OK the manager waits for its SynchronizeCompleted).
    SynchronizeWithoutPrepare,
    /// PrepareForSync again once the first pass's PrepareForSyncCompleted came, before
    /// Synchronize (when it answers S_OK the manager waits for another completion).
    PrepareForSyncTwice,
    /// A method after SetProgressCallback(NULL) returned.
    AfterClose(ProbeCall),
    /// A NULL pointer where data is required.
    Null(NullCall),
    /// Next(1) into a buffer whose cbSize is pre-set to a wrong value (0xDEAD): the handler
    /// must write the right size.
    WrongCbSizeInNextBuffer,
}

/// What the manager does. `RawScript::default()` is the plain documented run.
#[derive(Clone, Debug)]
pub struct RawScript {
    /// Initialize's dwSyncMgrFlags (default SYNCMGRFLAG_MANUAL | SYNCMGRFLAG_MAYBOTHERUSER).
    pub init_flags: u32,
    /// Initialize's cookie (None: cbCookie 0 and NULL).
    pub cookie: Option<Vec<u8>>,
    pub selection: ItemSelection,
    pub skips: Vec<ScriptSkip>,
    pub progress_answers: Vec<ProgressAnswer>,
    /// The answer to EnableModeless(TRUE) (S_OK or S_FALSE). EnableModeless(FALSE) gets S_OK.
    pub enable_modeless_answer: HRESULT,
    /// Call ShowError(first error id logged in the pass) after each pass that logged one.
    pub show_error: bool,
    /// Passes run again on ShowErrorCompleted(S_SYNCMGR_RETRYSYNC), at most this many.
    pub max_retries: u32,
    /// ShowProperties(NULL, id) after the passes (GUID_NULL: the handler's own properties).
    pub show_properties: Option<GUID>,
    /// Call GetItemObject(first item, IID_IUnknown) once and check the out-pointer.
    pub get_item_object: bool,
    /// Check Skip / Reset / Clone and Next's NULL-count form after reading the items.
    pub exercise_enumerator: bool,
    /// How many items each Next call asks for while reading the list.
    pub next_chunk: u32,
    /// The bound of every wait.
    pub timeout: Duration,
    /// After each completion (or failed call), time left for stray callbacks to arrive before
    /// the next step.
    pub settle: Duration,
    pub probes: Vec<Probe>,
    /// Upper bound on items read from an enumerator.
    pub max_items: usize,
}

impl Default for RawScript {
    fn default() -> Self {
        RawScript {
            init_flags: SYNCMGRFLAG_MANUAL | SYNCMGRFLAG_MAYBOTHERUSER,
            cookie: None,
            selection: ItemSelection::Checked,
            skips: Vec::new(),
            progress_answers: Vec::new(),
            enable_modeless_answer: S_OK,
            show_error: true,
            max_retries: 1,
            show_properties: None,
            get_item_object: true,
            exercise_enumerator: true,
            next_chunk: 2,
            timeout: Duration::from_secs(3),
            settle: Duration::from_millis(30),
            probes: Vec::new(),
            max_items: 1024,
        }
    }
}

impl RawScript {
    /// Adds a skip of `item` in `window` of the first pass.
    pub fn skip(mut self, window: SkipWindow, item: GUID) -> Self {
        self.skips.push(ScriptSkip {
            item,
            window,
            pass: 0,
        });
        self
    }
    /// Answers the `nth` Progress call for `item` with `answer`.
    pub fn answer_progress(mut self, item: GUID, nth: u32, answer: HRESULT) -> Self {
        self.progress_answers
            .push(ProgressAnswer { item, nth, answer });
        self
    }
    /// Adds a probe.
    pub fn probe(mut self, probe: Probe) -> Self {
        self.probes.push(probe);
        self
    }
    fn has(&self, probe: Probe) -> bool {
        self.probes.contains(&probe)
    }
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

/// A SYNCMGRPROGRESSITEM as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressSeen {
    pub cb_size: u32,
    pub mask: u32,
    pub text: Option<String>,
    pub status: u32,
    pub value: i32,
    pub max: i32,
}

/// A SYNCMGRLOGERRORINFO as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogErrorSeen {
    pub cb_size: u32,
    pub mask: u32,
    pub flags: u32,
    pub error_id: GUID,
    pub item_id: GUID,
}

/// A callback with its arguments as the manager read them (None: a NULL pointer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallbackCall {
    ShowPropertiesCompleted {
        hr: HRESULT,
    },
    PrepareForSyncCompleted {
        hr: HRESULT,
    },
    SynchronizeCompleted {
        hr: HRESULT,
    },
    ShowErrorCompleted {
        hr: HRESULT,
        count: u32,
        items: Option<Vec<GUID>>,
    },
    EnableModeless {
        enable: BOOL,
    },
    Progress {
        item: Option<GUID>,
        progress: Option<ProgressSeen>,
    },
    LogError {
        level: u32,
        text: Option<String>,
        info: Option<LogErrorSeen>,
    },
    DeleteLogError {
        id: Option<GUID>,
    },
    EstablishConnection {
        name: Option<String>,
    },
}

impl CallbackCall {
    pub fn name(&self) -> &'static str {
        match self {
            CallbackCall::ShowPropertiesCompleted { .. } => "ShowPropertiesCompleted",
            CallbackCall::PrepareForSyncCompleted { .. } => "PrepareForSyncCompleted",
            CallbackCall::SynchronizeCompleted { .. } => "SynchronizeCompleted",
            CallbackCall::ShowErrorCompleted { .. } => "ShowErrorCompleted",
            CallbackCall::EnableModeless { .. } => "EnableModeless",
            CallbackCall::Progress { .. } => "Progress",
            CallbackCall::LogError { .. } => "LogError",
            CallbackCall::DeleteLogError { .. } => "DeleteLogError",
            CallbackCall::EstablishConnection { .. } => "EstablishConnection",
        }
    }
}

/// One entry of the run's log, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogEntry {
    /// A call the manager made, logged when it returned. Callbacks at log indexes
    /// `began_at..` (up to this entry) arrived while it ran.
    Call {
        method: &'static str,
        detail: String,
        hr: HRESULT,
        began_at: usize,
    },
    /// A callback from the handler and the manager's answer.
    Callback {
        call: CallbackCall,
        thread: ThreadId,
        on_driver_thread: bool,
        answer: HRESULT,
        /// Arrived after SetProgressCallback(NULL) had returned.
        after_close: bool,
    },
    /// A remark of the driver (skip not delivered, wait timed out, ...).
    Note(String),
}

/// The handler information as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandlerInfoSeen {
    pub cb_size: u32,
    pub flags: u32,
    pub name: String,
    pub name_terminated: bool,
    pub icon_null: bool,
}

/// One enumerated item as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemSeen {
    pub cb_size: u32,
    pub id: GUID,
    pub flags: u32,
    pub state: u32,
    pub name: String,
    pub name_terminated: bool,
    pub icon_null: bool,
    pub last_update: FILETIME,
}

/// What the Progress calls said about one item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemProgress {
    /// Accepted Progress calls.
    pub calls: u32,
    /// Every status reported (mask STATUSTYPE), in order.
    pub statuses: Vec<u32>,
    pub last_status: Option<u32>,
    pub last_value: Option<i32>,
    pub last_max: Option<i32>,
    pub last_text: Option<String>,
    /// The manager's non-S_OK answers, with the 1-based call number.
    pub answers: Vec<(u32, HRESULT)>,
}

/// One LogError as accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedError {
    pub level: u32,
    pub text: String,
    pub info: Option<LogErrorSeen>,
}

/// Completions received, with their HRESULTs, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    pub prepare: Vec<HRESULT>,
    pub synchronize: Vec<HRESULT>,
    pub show_error: Vec<(HRESULT, Vec<GUID>)>,
    pub show_properties: Vec<HRESULT>,
}

/// One pass (PrepareForSync … SynchronizeCompleted).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassReport {
    pub pass: usize,
    pub items: Vec<GUID>,
    pub prepare_hr: Option<HRESULT>,
    /// The first PrepareForSyncCompleted of this pass (also one that came before
    /// PrepareForSync returned, or although it failed).
    pub prepare_completion: Option<HRESULT>,
    pub synchronize_hr: Option<HRESULT>,
    pub synchronize_completion: Option<HRESULT>,
    pub show_error_hr: Option<HRESULT>,
    pub show_error_completion: Option<(HRESULT, Vec<GUID>)>,
}

/// A scripted skip and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkipOutcome {
    pub item: GUID,
    pub window: SkipWindow,
    pub pass: usize,
    /// False: the window had already closed (its completion had come), so SetItemStatus was
    /// not called.
    pub delivered: bool,
    pub hr: Option<HRESULT>,
}

/// A probe and the HRESULT it got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeOutcome {
    pub probe: Probe,
    pub hr: HRESULT,
}

/// A problem noticed at the COM level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawProblem {
    /// QueryInterface for ISyncMgrSynchronize (or CreateInstance) failed.
    NoInterface(HRESULT),
    /// A completion did not come within the timeout although the method succeeded.
    MissingCompletion { what: &'static str, pass: usize },
    /// A callback arrived after SetProgressCallback(NULL) had returned.
    CallbackAfterRelease { method: &'static str },
    /// The handler still held the manager's callback after SetProgressCallback(NULL) returned.
    CallbackNotReleased,
    /// A struct with a wrong cbSize.
    WrongCbSize {
        what: &'static str,
        got: u32,
        expected: u32,
    },
    /// Next's answer does not fit its count (S_OK needs count == celt, S_FALSE count < celt,
    /// count <= celt).
    NextInconsistent {
        celt: u32,
        fetched: u32,
        hr: HRESULT,
    },
    /// Next's count covers an entry it did not fill (cbSize left at the manager's sentinel).
    NextUnfilled { celt: u32, fetched: u32, index: u32 },
    /// Next did not write its count.
    NextCountNotWritten { celt: u32, hr: HRESULT },
    /// The enumerator never ended within `max_items`.
    EnumRunaway,
    /// Skip / Reset / Clone / Next(…, NULL) disagree with the list first read.
    EnumMismatch(String),
    /// A failing method left its out-pointer non-NULL.
    OutPointerNotNull { method: &'static str, hr: HRESULT },
    /// A succeeding method left its out-pointer unwritten or NULL.
    OutPointerNotSet { method: &'static str, hr: HRESULT },
    /// The SYNCMGRHANDLERINFO could not be freed with the task allocator.
    HandlerInfoNotFreeable(String),
    /// A fixed-size name without its NUL.
    NameNotTerminated { what: &'static str },
    /// A callback string without a NUL within 65,536 UTF-16 units.
    StringUnterminated { method: &'static str },
    /// A callback got NULL where data is required.
    NullArgument {
        method: &'static str,
        what: &'static str,
    },
    /// A count that cannot be right (e.g. ShowErrorCompleted with an absurd item count).
    BadCount { method: &'static str, count: u32 },
}

/// What a run produced.
#[derive(Clone, Debug)]
pub struct RawReport {
    pub log: Vec<LogEntry>,
    pub initialize_hr: Option<HRESULT>,
    pub handler_info: Option<HandlerInfoSeen>,
    pub items: Vec<ItemSeen>,
    pub selected: Vec<GUID>,
    pub passes: Vec<PassReport>,
    /// Per item, in first-report order.
    pub progress: Vec<(GUID, ItemProgress)>,
    pub errors: Vec<LoggedError>,
    /// Error ids logged (mask ERRORID), in order.
    pub error_ids: Vec<GUID>,
    pub deleted_error_ids: Vec<GUID>,
    pub completions: Completions,
    pub skips: Vec<SkipOutcome>,
    pub probes: Vec<ProbeOutcome>,
    pub problems: Vec<RawProblem>,
    /// Whether the handler had released our callback when SetProgressCallback(NULL) returned
    /// (None: not called).
    pub callback_released: Option<bool>,
    /// The count our final Release of the handler returned.
    pub release_count: Option<u32>,
    pub driver_thread: ThreadId,
}

impl RawReport {
    /// The progress record of `id`.
    pub fn item(&self, id: &GUID) -> Option<&ItemProgress> {
        self.progress.iter().find(|(i, _)| i == id).map(|(_, p)| p)
    }
    /// The last status reported for `id`.
    pub fn last_status(&self, id: &GUID) -> Option<u32> {
        self.item(id).and_then(|p| p.last_status)
    }
    /// The HRESULTs of every call to `method`, in order.
    pub fn calls(&self, method: &str) -> Vec<HRESULT> {
        self.log
            .iter()
            .filter_map(|e| match e {
                LogEntry::Call { method: m, hr, .. } if *m == method => Some(*hr),
                _ => None,
            })
            .collect()
    }
    /// Every callback, in order.
    pub fn callbacks(&self) -> Vec<&LogEntry> {
        self.log
            .iter()
            .filter(|e| matches!(e, LogEntry::Callback { .. }))
            .collect()
    }
    /// How many callbacks named `method` came.
    pub fn callback_count(&self, method: &str) -> usize {
        self.log
            .iter()
            .filter(|e| matches!(e, LogEntry::Callback { call, .. } if call.name() == method))
            .count()
    }
    /// The outcome of `probe`.
    pub fn probe(&self, probe: Probe) -> Option<HRESULT> {
        self.probes.iter().find(|p| p.probe == probe).map(|p| p.hr)
    }
    /// True when the manager noticed no problem.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
    /// Whether a problem matching `f` was noticed.
    pub fn has_problem(&self, f: impl Fn(&RawProblem) -> bool) -> bool {
        self.problems.iter().any(f)
    }
    /// A readable dump of the log and the problems.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for (i, e) in self.log.iter().enumerate() {
            match e {
                LogEntry::Call {
                    method, detail, hr, ..
                } => out.push_str(&format!("{i:3} -> {method}({detail}) = {}\n", hr_name(*hr))),
                LogEntry::Callback {
                    call,
                    on_driver_thread,
                    answer,
                    after_close,
                    ..
                } => out.push_str(&format!(
                    "{i:3} <- {call:?} [{}{}] => {}\n",
                    if *on_driver_thread {
                        "driver thread"
                    } else {
                        "other thread"
                    },
                    if *after_close { ", AFTER CLOSE" } else { "" },
                    hr_name(*answer)
                )),
                LogEntry::Note(n) => out.push_str(&format!("{i:3} .. {n}\n")),
            }
        }
        for p in &self.problems {
            out.push_str(&format!("PROBLEM {p:?}\n"));
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// The callback object
// ---------------------------------------------------------------------------------------------

struct CbState {
    log: Vec<LogEntry>,
    closed: bool,
    driver_thread: ThreadId,
    completions: Completions,
    progress: Vec<(GUID, ItemProgress)>,
    answers: Vec<ProgressAnswer>,
    modeless_answer: HRESULT,
    errors: Vec<LoggedError>,
    error_ids: Vec<GUID>,
    deleted_error_ids: Vec<GUID>,
    problems: Vec<RawProblem>,
}

/// State shared by the callback object and the driver.
pub struct Shared {
    m: Mutex<CbState>,
    cv: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, CbState> {
        self.m.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The manager's `ISyncMgrSynchronizeCallback`. Thread-safe: every method may be called from
/// any thread, also while the driver's call that started the work is still running.
#[implement(ISyncMgrSynchronizeCallback)]
pub struct RawCallback {
    shared: Arc<Shared>,
    _alive: Token,
}

const MAX_ITEM_LIST: u32 = 4096;

impl RawCallback {
    /// A callback with its shared state; `driver_thread` is the thread that makes the
    /// manager's calls.
    pub fn new(
        driver_thread: ThreadId,
        answers: Vec<ProgressAnswer>,
        modeless_answer: HRESULT,
    ) -> (ComObject<RawCallback>, Arc<Shared>) {
        let shared = Arc::new(Shared {
            m: Mutex::new(CbState {
                log: Vec::new(),
                closed: false,
                driver_thread,
                completions: Completions::default(),
                progress: Vec::new(),
                answers,
                modeless_answer,
                errors: Vec::new(),
                error_ids: Vec::new(),
                deleted_error_ids: Vec::new(),
                problems: Vec::new(),
            }),
            cv: Condvar::new(),
        });
        let cb = ComObject::new(RawCallback {
            shared: shared.clone(),
            _alive: Token::new(&alive::CALLBACKS),
        });
        (cb, shared)
    }

    /// Records a callback: `decide` runs under the lock and answers the HRESULT; the entry is
    /// logged with the answer, and waiters are woken.
    fn handle(&self, call: CallbackCall, decide: impl FnOnce(&mut CbState) -> HRESULT) -> HRESULT {
        let me = thread::current().id();
        let mut s = self.shared.lock();
        let after_close = s.closed;
        let answer = if after_close {
            s.problems.push(RawProblem::CallbackAfterRelease {
                method: call.name(),
            });
            E_UNEXPECTED
        } else {
            decide(&mut s)
        };
        let on_driver_thread = me == s.driver_thread;
        s.log.push(LogEntry::Callback {
            call,
            thread: me,
            on_driver_thread,
            answer,
            after_close,
        });
        drop(s);
        self.shared.cv.notify_all();
        answer
    }
}

fn read_guid(p: *const GUID) -> Option<GUID> {
    if p.is_null() {
        None
    } else {
        // SAFETY: callers only pass REFGUIDs received from the other side, which are readable
        // when non-NULL.
        Some(unsafe { p.read_unaligned() })
    }
}

/// Reads a callback string: Ok(None) for NULL, Err when unterminated within the bound.
fn read_text(p: *const u16) -> Result<Option<String>, Unterminated> {
    // SAFETY: a non-NULL LPCWSTR from the other side points to UTF-16 units up to a NUL;
    // `read_wide` stops at the NUL or at the bound.
    unsafe { read_wide(p, MAX_WIDE_UNITS) }
}

impl ISyncMgrSynchronizeCallback_Impl for RawCallback_Impl {
    unsafe fn ShowPropertiesCompleted(&self, hr: HRESULT) -> HRESULT {
        catch(|| {
            self.handle(CallbackCall::ShowPropertiesCompleted { hr }, |s| {
                s.completions.show_properties.push(hr);
                S_OK
            })
        })
    }

    unsafe fn PrepareForSyncCompleted(&self, hr: HRESULT) -> HRESULT {
        catch(|| {
            self.handle(CallbackCall::PrepareForSyncCompleted { hr }, |s| {
                s.completions.prepare.push(hr);
                S_OK
            })
        })
    }

    unsafe fn SynchronizeCompleted(&self, hr: HRESULT) -> HRESULT {
        catch(|| {
            self.handle(CallbackCall::SynchronizeCompleted { hr }, |s| {
                s.completions.synchronize.push(hr);
                S_OK
            })
        })
    }

    unsafe fn ShowErrorCompleted(
        &self,
        hr: HRESULT,
        cItems: u32,
        pItemIDs: *const GUID,
    ) -> HRESULT {
        catch(|| {
            let retry = hr == S_SYNCMGR_RETRYSYNC;
            // The list is only meaningful (and only read) with S_SYNCMGR_RETRYSYNC.
            let items: Option<Vec<GUID>> =
                if retry && !pItemIDs.is_null() && cItems <= MAX_ITEM_LIST {
                    Some(
                        (0..cItems as usize)
                            // SAFETY: the handler passes `cItems` readable GUIDs at `pItemIDs`
                            // (non-NULL); we copy them before returning, as SyncMgr does.
                            .map(|i| unsafe { pItemIDs.add(i).read_unaligned() })
                            .collect(),
                    )
                } else {
                    None
                };
            let call = CallbackCall::ShowErrorCompleted {
                hr,
                count: cItems,
                items: items.clone(),
            };
            self.handle(call, |s| {
                if retry && cItems > 0 && pItemIDs.is_null() {
                    s.problems.push(RawProblem::NullArgument {
                        method: "ShowErrorCompleted",
                        what: "pItemIDs",
                    });
                    return E_INVALIDARG;
                }
                if retry && cItems > MAX_ITEM_LIST {
                    s.problems.push(RawProblem::BadCount {
                        method: "ShowErrorCompleted",
                        count: cItems,
                    });
                    return E_INVALIDARG;
                }
                s.completions
                    .show_error
                    .push((hr, items.unwrap_or_default()));
                S_OK
            })
        })
    }

    unsafe fn EnableModeless(&self, fEnable: BOOL) -> HRESULT {
        catch(|| {
            self.handle(CallbackCall::EnableModeless { enable: fEnable }, |s| {
                if fEnable != 0 {
                    s.modeless_answer
                } else {
                    S_OK
                }
            })
        })
    }

    unsafe fn Progress(
        &self,
        ItemID: *const GUID,
        pSyncProgressItem: *const SYNCMGRPROGRESSITEM,
    ) -> HRESULT {
        catch(|| {
            let item = read_guid(ItemID);
            let raw = if pSyncProgressItem.is_null() {
                None
            } else {
                // SAFETY: a non-NULL SYNCMGRPROGRESSITEM pointer from the handler is readable
                // for the structure's size (its cbSize is checked below, before any use).
                Some(unsafe { pSyncProgressItem.read_unaligned() })
            };
            let mut text_bad = false;
            let progress = raw.map(|p| {
                let text = if p.mask & SYNCMGRPROGRESSITEM_STATUSTEXT != 0
                    && p.cbSize == SYNCMGRPROGRESSITEM_SIZE
                {
                    match read_text(p.lpcStatusText) {
                        Ok(t) => t,
                        Err(Unterminated) => {
                            text_bad = true;
                            None
                        }
                    }
                } else {
                    None
                };
                ProgressSeen {
                    cb_size: p.cbSize,
                    mask: p.mask,
                    text,
                    status: p.dwStatusType,
                    value: p.iProgValue,
                    max: p.iMaxValue,
                }
            });
            let call = CallbackCall::Progress {
                item,
                progress: progress.clone(),
            };
            self.handle(call, |s| {
                let Some(item) = item else {
                    s.problems.push(RawProblem::NullArgument {
                        method: "Progress",
                        what: "ItemID",
                    });
                    return E_INVALIDARG;
                };
                let Some(p) = progress else {
                    s.problems.push(RawProblem::NullArgument {
                        method: "Progress",
                        what: "pSyncProgressItem",
                    });
                    return E_INVALIDARG;
                };
                if p.cb_size != SYNCMGRPROGRESSITEM_SIZE {
                    s.problems.push(RawProblem::WrongCbSize {
                        what: "SYNCMGRPROGRESSITEM",
                        got: p.cb_size,
                        expected: SYNCMGRPROGRESSITEM_SIZE,
                    });
                    return E_INVALIDARG;
                }
                if text_bad {
                    s.problems
                        .push(RawProblem::StringUnterminated { method: "Progress" });
                    return E_INVALIDARG;
                }
                if p.mask & SYNCMGRPROGRESSITEM_STATUSTEXT != 0 && p.text.is_none() {
                    s.problems.push(RawProblem::NullArgument {
                        method: "Progress",
                        what: "lpcStatusText",
                    });
                    return E_INVALIDARG;
                }
                let idx = match s.progress.iter().position(|(i, _)| *i == item) {
                    Some(i) => i,
                    None => {
                        s.progress.push((item, ItemProgress::default()));
                        s.progress.len() - 1
                    }
                };
                let rec = &mut s.progress[idx].1;
                rec.calls += 1;
                let nth = rec.calls;
                if p.mask & SYNCMGRPROGRESSITEM_STATUSTYPE != 0 {
                    rec.statuses.push(p.status);
                    rec.last_status = Some(p.status);
                }
                if p.mask & SYNCMGRPROGRESSITEM_PROGVALUE != 0 {
                    rec.last_value = Some(p.value);
                }
                if p.mask & SYNCMGRPROGRESSITEM_MAXVALUE != 0 {
                    rec.last_max = Some(p.max);
                }
                if p.mask & SYNCMGRPROGRESSITEM_STATUSTEXT != 0 {
                    rec.last_text = p.text.clone();
                }
                let answer = s
                    .answers
                    .iter()
                    .find(|a| a.item == item && a.nth == nth)
                    .map(|a| a.answer)
                    .unwrap_or(S_OK);
                if answer != S_OK {
                    s.progress[idx].1.answers.push((nth, answer));
                }
                answer
            })
        })
    }

    unsafe fn LogError(
        &self,
        dwErrorLevel: u32,
        pszErrorText: *const u16,
        pSyncLogError: *const SYNCMGRLOGERRORINFO,
    ) -> HRESULT {
        catch(|| {
            let text = read_text(pszErrorText);
            let info = if pSyncLogError.is_null() {
                None
            } else {
                // SAFETY: a non-NULL SYNCMGRLOGERRORINFO pointer from the handler is readable
                // for the structure's size (its cbSize is checked below, before any use).
                let i = unsafe { pSyncLogError.read_unaligned() };
                Some(LogErrorSeen {
                    cb_size: i.cbSize,
                    mask: i.mask,
                    flags: i.dwSyncMgrErrorFlags,
                    error_id: i.ErrorID,
                    item_id: i.ItemID,
                })
            };
            let call = CallbackCall::LogError {
                level: dwErrorLevel,
                text: text.clone().ok().flatten(),
                info: info.clone(),
            };
            self.handle(call, |s| {
                let text = match text {
                    Err(Unterminated) => {
                        s.problems
                            .push(RawProblem::StringUnterminated { method: "LogError" });
                        return E_INVALIDARG;
                    }
                    Ok(None) => {
                        s.problems.push(RawProblem::NullArgument {
                            method: "LogError",
                            what: "pszErrorText",
                        });
                        return E_INVALIDARG;
                    }
                    Ok(Some(t)) => t,
                };
                if let Some(i) = &info {
                    if i.cb_size != SYNCMGRLOGERRORINFO_SIZE {
                        s.problems.push(RawProblem::WrongCbSize {
                            what: "SYNCMGRLOGERRORINFO",
                            got: i.cb_size,
                            expected: SYNCMGRLOGERRORINFO_SIZE,
                        });
                        return E_INVALIDARG;
                    }
                    if i.mask & SYNCMGRLOGERROR_ERRORID != 0 {
                        s.error_ids.push(i.error_id);
                    }
                }
                s.errors.push(LoggedError {
                    level: dwErrorLevel,
                    text,
                    info,
                });
                S_OK
            })
        })
    }

    unsafe fn DeleteLogError(&self, ErrorID: *const GUID, _dwReserved: u32) -> HRESULT {
        catch(|| {
            let id = read_guid(ErrorID);
            self.handle(CallbackCall::DeleteLogError { id }, |s| {
                let Some(id) = id else {
                    s.problems.push(RawProblem::NullArgument {
                        method: "DeleteLogError",
                        what: "ErrorID",
                    });
                    return E_INVALIDARG;
                };
                s.deleted_error_ids.push(id);
                S_OK
            })
        })
    }

    unsafe fn EstablishConnection(&self, pwszConnection: *const u16, _dwReserved: u32) -> HRESULT {
        catch(|| {
            // NULL asks for the default autodial connection (documented).
            let name = read_text(pwszConnection);
            let call = CallbackCall::EstablishConnection {
                name: name.clone().ok().flatten(),
            };
            self.handle(call, |s| {
                if name.is_err() {
                    s.problems.push(RawProblem::StringUnterminated {
                        method: "EstablishConnection",
                    });
                    return E_INVALIDARG;
                }
                S_OK
            })
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------------------------

/// The raw manager's entry points.
pub struct RawManager;

impl RawManager {
    /// Runs `script` on `handler`. The caller keeps its own reference; the manager takes and
    /// releases one of its own.
    pub fn run(handler: &ISyncMgrSynchronize, script: &RawScript) -> RawReport {
        Driver::new(handler.clone(), script).run()
    }

    /// Casts `unknown` to ISyncMgrSynchronize with QueryInterface, then runs `script`.
    pub fn run_unknown(unknown: &IUnknown, script: &RawScript) -> RawReport {
        match query::<ISyncMgrSynchronize>(unknown) {
            Ok(h) => Driver::new(h, script).run(),
            Err(hr) => Self::failed(RawProblem::NoInterface(hr)),
        }
    }

    /// Creates the handler with `factory.CreateInstance(NULL, IID_ISyncMgrSynchronize)`, then
    /// runs `script`.
    pub fn run_class_factory(factory: &IClassFactory, script: &RawScript) -> RawReport {
        let mut p: *mut c_void = core::ptr::null_mut();
        // SAFETY: NULL outer, a valid IID and a writable out-pointer.
        let hr = unsafe {
            factory.CreateInstance(core::ptr::null_mut(), &IID_ISyncMgrSynchronize, &mut p)
        };
        if hr.is_err() || p.is_null() {
            return Self::failed(RawProblem::NoInterface(if hr.is_err() {
                hr
            } else {
                E_POINTER
            }));
        }
        // SAFETY: a successful CreateInstance for IID_ISyncMgrSynchronize hands us one
        // reference to an ISyncMgrSynchronize.
        let h = unsafe { ISyncMgrSynchronize::from_raw(p) };
        Driver::new(h, script).run()
    }

    fn failed(problem: RawProblem) -> RawReport {
        RawReport {
            log: Vec::new(),
            initialize_hr: None,
            handler_info: None,
            items: Vec::new(),
            selected: Vec::new(),
            passes: Vec::new(),
            progress: Vec::new(),
            errors: Vec::new(),
            error_ids: Vec::new(),
            deleted_error_ids: Vec::new(),
            completions: Completions::default(),
            skips: Vec::new(),
            probes: Vec::new(),
            problems: vec![problem],
            callback_released: None,
            release_count: None,
            driver_thread: thread::current().id(),
        }
    }
}

/// A unique address used to pre-fill out-pointers: never dereferenced, never freed.
static SENTINEL: u8 = 0;

fn sentinel<T>() -> *mut T {
    (&raw const SENTINEL) as *mut T
}

/// The cbSize the manager pre-fills item buffers with, to see which entries Next wrote.
const UNFILLED: u32 = 0;
/// The count the manager pre-fills Next's count with.
const COUNT_UNSET: u32 = 0xFFFF_FFF0;

struct NextResult {
    hr: HRESULT,
    fetched: u32,
    items: Vec<ItemSeen>,
    /// A problem was found: stop reading.
    bad: bool,
}

struct Driver<'s> {
    h: Option<ISyncMgrSynchronize>,
    cb: ComObject<RawCallback>,
    shared: Arc<Shared>,
    script: &'s RawScript,
    me: ThreadId,
    initialize_hr: Option<HRESULT>,
    handler_info: Option<HandlerInfoSeen>,
    items: Vec<ItemSeen>,
    selected: Vec<GUID>,
    passes: Vec<PassReport>,
    skips: Vec<SkipOutcome>,
    probes: Vec<ProbeOutcome>,
    callback_released: Option<bool>,
    release_count: Option<u32>,
}

impl<'s> Driver<'s> {
    fn new(h: ISyncMgrSynchronize, script: &'s RawScript) -> Self {
        let me = thread::current().id();
        let (cb, shared) = RawCallback::new(
            me,
            script.progress_answers.clone(),
            script.enable_modeless_answer,
        );
        Driver {
            h: Some(h),
            cb,
            shared,
            script,
            me,
            initialize_hr: None,
            handler_info: None,
            items: Vec::new(),
            selected: Vec::new(),
            passes: Vec::new(),
            skips: Vec::new(),
            probes: Vec::new(),
            callback_released: None,
            release_count: None,
        }
    }

    fn h(&self) -> &ISyncMgrSynchronize {
        self.h.as_ref().expect("handler released only at the end")
    }

    fn st(&self) -> MutexGuard<'_, CbState> {
        self.shared.lock()
    }

    fn problem(&self, p: RawProblem) {
        self.st().problems.push(p);
    }

    fn note(&self, n: String) {
        self.st().log.push(LogEntry::Note(n));
    }

    /// Makes one call and logs it with its HRESULT.
    fn call(&self, method: &'static str, detail: String, f: impl FnOnce() -> HRESULT) -> HRESULT {
        let began_at = self.st().log.len();
        let hr = f();
        self.st().log.push(LogEntry::Call {
            method,
            detail,
            hr,
            began_at,
        });
        hr
    }

    /// Waits until `pred` holds or the timeout passes.
    fn wait_for(&self, pred: impl Fn(&CbState) -> bool) -> bool {
        let deadline = Instant::now() + self.script.timeout;
        let mut s = self.st();
        loop {
            if pred(&s) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            s = match self.shared.cv.wait_timeout(s, deadline - now) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }

    fn settle(&self) {
        if !self.script.settle.is_zero() {
            thread::sleep(self.script.settle);
        }
    }

    fn probe_done(&mut self, probe: Probe, hr: HRESULT) {
        self.probes.push(ProbeOutcome { probe, hr });
    }

    fn cb_raw(&self) -> *mut c_void {
        self.cb
            .as_interface::<ISyncMgrSynchronizeCallback>()
            .as_raw()
    }

    fn first_item(&self) -> GUID {
        self.selected
            .first()
            .or(self.items.first().map(|i| &i.id))
            .copied()
            .unwrap_or(GUID_NULL)
    }

    // --- the run ---------------------------------------------------------------------------

    fn run(mut self) -> RawReport {
        let script = self.script;
        if script.has(Probe::Null(NullCall::InitializeCookie)) {
            let hr = self.call("Initialize", "0, flags, 4, NULL cookie".into(), || {
                // SAFETY: a deliberately NULL cookie with a non-zero size; the handler must
                // reject it without reading.
                unsafe {
                    self.h()
                        .Initialize(0, script.init_flags, 4, core::ptr::null())
                }
            });
            self.probe_done(Probe::Null(NullCall::InitializeCookie), hr);
        }
        let cookie = script.cookie.clone().unwrap_or_default();
        let hr = self.call(
            "Initialize",
            format!("0, 0x{:X}, {} bytes", script.init_flags, cookie.len()),
            || {
                let p = if cookie.is_empty() {
                    core::ptr::null()
                } else {
                    cookie.as_ptr()
                };
                // SAFETY: `p` is NULL with size 0, or points to `cookie.len()` readable bytes.
                unsafe {
                    self.h()
                        .Initialize(0, script.init_flags, cookie.len() as u32, p)
                }
            },
        );
        self.initialize_hr = Some(hr);
        if script.has(Probe::InitializeTwice) {
            let hr = self.call("Initialize", "again".into(), || {
                // SAFETY: no cookie.
                unsafe {
                    self.h()
                        .Initialize(0, script.init_flags, 0, core::ptr::null())
                }
            });
            self.probe_done(Probe::InitializeTwice, hr);
        }

        if hr == S_OK {
            self.after_initialize_probes();
            self.get_handler_info();
            self.enumerate();
            if script.get_item_object {
                let _ = self.get_item_object(self.first_item(), false);
            }
            self.select();
            let cb = self.cb_raw();
            let hr = self.call("SetProgressCallback", "callback".into(), || {
                // SAFETY: `cb` is our live callback, kept alive by `self.cb` for the call; the
                // handler AddRefs what it keeps.
                unsafe { self.h().SetProgressCallback(cb) }
            });
            if hr.is_ok() {
                self.before_prepare_probes();
                if !self.selected.is_empty() {
                    self.passes_and_errors();
                } else {
                    self.note("no item selected: PrepareForSync and Synchronize not called".into());
                }
                if let Some(id) = script.show_properties {
                    self.show_properties(id);
                }
            }
        } else {
            self.note(format!(
                "Initialize answered {}: the handler does not take part",
                hr_name(hr)
            ));
        }

        self.close();
        self.after_close_probes();
        self.settle();
        self.release_handler();
        self.finish()
    }

    fn after_initialize_probes(&mut self) {
        let s = self.script;
        if s.has(Probe::Null(NullCall::GetHandlerInfo)) {
            let hr = self.call("GetHandlerInfo", "NULL".into(), || {
                // SAFETY: a deliberately NULL out-pointer; the handler must reject it.
                unsafe { self.h().GetHandlerInfo(core::ptr::null_mut()) }
            });
            self.probe_done(Probe::Null(NullCall::GetHandlerInfo), hr);
        }
        if s.has(Probe::Null(NullCall::EnumSyncMgrItems)) {
            let hr = self.call("EnumSyncMgrItems", "NULL".into(), || {
                // SAFETY: a deliberately NULL out-pointer; the handler must reject it.
                unsafe { self.h().EnumSyncMgrItems(core::ptr::null_mut()) }
            });
            self.probe_done(Probe::Null(NullCall::EnumSyncMgrItems), hr);
        }
        if s.has(Probe::Null(NullCall::GetItemObjectItem)) {
            let hr = self.get_item_object(GUID_NULL, true);
            self.probe_done(Probe::Null(NullCall::GetItemObjectItem), hr);
        }
        if s.has(Probe::Null(NullCall::GetItemObjectOut)) {
            let id = GUID_NULL;
            let hr = self.call("GetItemObject", "item, IID_IUnknown, NULL".into(), || {
                // SAFETY: valid item and IID; a deliberately NULL out-pointer.
                unsafe {
                    self.h()
                        .GetItemObject(&id, &IID_IUnknown, core::ptr::null_mut())
                }
            });
            self.probe_done(Probe::Null(NullCall::GetItemObjectOut), hr);
        }
    }

    fn get_handler_info(&mut self) {
        let mut p: *mut SYNCMGRHANDLERINFO = sentinel();
        let hr = self.call("GetHandlerInfo", String::new(), || {
            // SAFETY: `p` is a writable out-pointer slot.
            unsafe { self.h().GetHandlerInfo(&mut p) }
        });
        self.check_handler_info("GetHandlerInfo", hr, p, true);
    }

    /// Checks (and frees) what GetHandlerInfo answered.
    fn check_handler_info(
        &mut self,
        method: &'static str,
        hr: HRESULT,
        p: *mut SYNCMGRHANDLERINFO,
        keep: bool,
    ) {
        if hr.is_err() {
            if !p.is_null() {
                self.problem(RawProblem::OutPointerNotNull { method, hr });
            }
            return;
        }
        if p == sentinel() {
            self.problem(RawProblem::OutPointerNotSet { method, hr });
            return;
        }
        if p.is_null() {
            self.problem(RawProblem::HandlerInfoNotFreeable("NULL on success".into()));
            return;
        }
        if !(p as usize).is_multiple_of(core::mem::align_of::<SYNCMGRHANDLERINFO>()) {
            self.problem(RawProblem::HandlerInfoNotFreeable(format!(
                "misaligned pointer {p:p}"
            )));
            return;
        }
        // SAFETY: a successful GetHandlerInfo hands us a task-allocated SYNCMGRHANDLERINFO
        // (non-NULL, aligned: checked above).
        let info = unsafe { p.read() };
        // SAFETY: the structure is ours to free, with the task allocator, exactly once.
        unsafe { alloc::task_free(p.cast()) };
        if info.cbSize != SYNCMGRHANDLERINFO_SIZE {
            self.problem(RawProblem::WrongCbSize {
                what: "SYNCMGRHANDLERINFO",
                got: info.cbSize,
                expected: SYNCMGRHANDLERINFO_SIZE,
            });
        }
        let (name, terminated) = from_fixed_wide(&info.wszHandlerName);
        if !terminated {
            self.problem(RawProblem::NameNotTerminated {
                what: "SYNCMGRHANDLERINFO.wszHandlerName",
            });
        }
        if keep {
            self.handler_info = Some(HandlerInfoSeen {
                cb_size: info.cbSize,
                flags: info.SyncMgrHandlerFlags,
                name,
                name_terminated: terminated,
                icon_null: info.hIcon.is_null(),
            });
        }
    }

    /// EnumSyncMgrItems with its out-pointer checks; None when no enumerator came.
    fn get_enumerator(&mut self, method: &'static str) -> Option<ISyncMgrEnumItems> {
        let mut p: *mut c_void = sentinel();
        let hr = self.call(method, String::new(), || {
            // SAFETY: `p` is a writable out-pointer slot.
            unsafe { self.h().EnumSyncMgrItems(&mut p) }
        });
        self.take_interface(method, hr, p)
    }

    /// Takes ownership of an interface out-pointer after checking it.
    fn take_interface<I: Interface>(
        &mut self,
        method: &'static str,
        hr: HRESULT,
        p: *mut c_void,
    ) -> Option<I> {
        if hr.is_err() {
            if !p.is_null() {
                self.problem(RawProblem::OutPointerNotNull { method, hr });
            }
            return None;
        }
        if p.is_null() || p == sentinel() {
            self.problem(RawProblem::OutPointerNotSet { method, hr });
            return None;
        }
        // SAFETY: a succeeding method hands us one reference to an `I` in `p`.
        Some(unsafe { I::from_raw(p) })
    }

    fn enumerate(&mut self) {
        let Some(e) = self.get_enumerator("EnumSyncMgrItems") else {
            return;
        };
        self.items = self.read_all(&e);
        self.enum_probes(&e);
        if self.script.exercise_enumerator && !self.items.is_empty() {
            self.exercise(&e);
        }
    }

    /// One Next call with every COM-level check.
    fn next(
        &mut self,
        e: &ISyncMgrEnumItems,
        celt: u32,
        with_count: bool,
        prefill: u32,
    ) -> NextResult {
        let mut buf = vec![
            SYNCMGRITEM {
                cbSize: prefill,
                ..SYNCMGRITEM::default()
            };
            celt.max(1) as usize
        ];
        let mut fetched: u32 = COUNT_UNSET;
        let count_ptr: *mut u32 = if with_count {
            &mut fetched
        } else {
            core::ptr::null_mut()
        };
        let hr = self.call(
            "Next",
            format!("{celt}{}", if with_count { "" } else { ", NULL count" }),
            || {
                // SAFETY: `buf` holds at least `celt` SYNCMGRITEMs and `count_ptr` is NULL or
                // writable.
                unsafe { e.Next(celt, buf.as_mut_ptr(), count_ptr) }
            },
        );
        let mut r = NextResult {
            hr,
            fetched: 0,
            items: Vec::new(),
            bad: false,
        };
        if hr.is_err() {
            r.bad = true;
            return r;
        }
        let n = if with_count {
            if fetched == COUNT_UNSET {
                self.problem(RawProblem::NextCountNotWritten { celt, hr });
                r.bad = true;
                return r;
            }
            fetched
        } else if hr == S_OK {
            celt
        } else {
            // Without a count, S_FALSE for celt == 1 means nothing was fetched.
            0
        };
        r.fetched = n;
        let consistent = n <= celt && ((hr == S_OK && n == celt) || (hr == S_FALSE && n < celt));
        if !consistent {
            self.problem(RawProblem::NextInconsistent {
                celt,
                fetched: n,
                hr,
            });
            r.bad = true;
        }
        for (i, item) in buf.iter().enumerate().take(n.min(celt) as usize) {
            if item.cbSize == prefill {
                self.problem(RawProblem::NextUnfilled {
                    celt,
                    fetched: n,
                    index: i as u32,
                });
                r.bad = true;
                continue;
            }
            if item.cbSize != SYNCMGRITEM_SIZE {
                self.problem(RawProblem::WrongCbSize {
                    what: "SYNCMGRITEM",
                    got: item.cbSize,
                    expected: SYNCMGRITEM_SIZE,
                });
            }
            let (name, terminated) = from_fixed_wide(&item.wszItemName);
            if !terminated {
                self.problem(RawProblem::NameNotTerminated {
                    what: "SYNCMGRITEM.wszItemName",
                });
            }
            r.items.push(ItemSeen {
                cb_size: item.cbSize,
                id: item.ItemID,
                flags: item.dwFlags,
                state: item.dwItemState,
                name,
                name_terminated: terminated,
                icon_null: item.hIcon.is_null(),
                last_update: item.ftLastUpdate,
            });
        }
        r
    }

    fn read_all(&mut self, e: &ISyncMgrEnumItems) -> Vec<ItemSeen> {
        let chunk = self.script.next_chunk.max(1);
        let mut all = Vec::new();
        loop {
            let r = self.next(e, chunk, true, UNFILLED);
            let fetched = r.fetched;
            all.extend(r.items);
            if r.bad || r.hr != S_OK || fetched < chunk || fetched == 0 {
                break;
            }
            if all.len() > self.script.max_items {
                self.problem(RawProblem::EnumRunaway);
                break;
            }
        }
        all
    }

    fn ids(items: &[ItemSeen]) -> Vec<GUID> {
        items.iter().map(|i| i.id).collect()
    }

    fn mismatch(&self, what: String) {
        self.problem(RawProblem::EnumMismatch(what));
    }

    fn reset(&mut self, e: &ISyncMgrEnumItems) {
        let hr = self.call("Reset", String::new(), || {
            // SAFETY: no arguments.
            unsafe { e.Reset() }
        });
        if hr != S_OK {
            self.mismatch(format!("Reset answered {}", hr_name(hr)));
        }
    }

    fn exercise(&mut self, e: &ISyncMgrEnumItems) {
        let all = Self::ids(&self.items);
        let len = all.len() as u32;

        // Reset + Next(len): everything again, S_OK.
        self.reset(e);
        let r = self.next(e, len, true, UNFILLED);
        if Self::ids(&r.items) != all {
            self.mismatch("after Reset, Next(len) differs from the first reading".into());
        }

        // Reset + Skip(1) + Next(len + 1): the rest, S_FALSE.
        self.reset(e);
        let hr = self.call("Skip", "1".into(), || {
            // SAFETY: no pointer arguments.
            unsafe { e.Skip(1) }
        });
        if hr != S_OK && hr != S_FALSE {
            self.mismatch(format!("Skip(1) answered {}", hr_name(hr)));
        }
        let r = self.next(e, len + 1, true, UNFILLED);
        if Self::ids(&r.items) != all[1..] {
            self.mismatch("after Skip(1), Next differs from the rest of the list".into());
        }

        // Reset + Next(1) + Clone: both cursors yield the rest, independently.
        self.reset(e);
        let _ = self.next(e, 1, true, UNFILLED);
        let mut p: *mut c_void = sentinel();
        let hr = self.call("Clone", String::new(), || {
            // SAFETY: `p` is a writable out-pointer slot.
            unsafe { e.Clone(&mut p) }
        });
        if let Some(c) = self.take_interface::<ISyncMgrEnumItems>("Clone", hr, p) {
            let rc = self.next(&c, len, true, UNFILLED);
            let ro = self.next(e, len, true, UNFILLED);
            if Self::ids(&rc.items) != all[1..] {
                self.mismatch("the clone does not continue where its original was".into());
            }
            if Self::ids(&ro.items) != all[1..] {
                self.mismatch("the original moved when its clone was read".into());
            }
            drop(c);
        } else if hr.is_ok() {
            self.mismatch("Clone succeeded without an enumerator".into());
        }

        // Next(1, …, NULL) is allowed for celt == 1.
        self.reset(e);
        let r = self.next(e, 1, false, UNFILLED);
        if r.hr != S_OK || Self::ids(&r.items) != all[..1] {
            self.mismatch(format!(
                "Next(1, item, NULL) answered {} with {} items",
                hr_name(r.hr),
                r.items.len()
            ));
        }
    }

    fn enum_probes(&mut self, e: &ISyncMgrEnumItems) {
        if self.script.has(Probe::Null(NullCall::EnumNextItems)) {
            let mut n: u32 = COUNT_UNSET;
            let hr = self.call("Next", "1, NULL items".into(), || {
                // SAFETY: a deliberately NULL array; `n` is writable.
                unsafe { e.Next(1, core::ptr::null_mut(), &mut n) }
            });
            self.probe_done(Probe::Null(NullCall::EnumNextItems), hr);
        }
        if self.script.has(Probe::Null(NullCall::EnumNextCount)) {
            self.reset(e);
            let mut buf = [SYNCMGRITEM::default(), SYNCMGRITEM::default()];
            let hr = self.call("Next", "2, NULL count".into(), || {
                // SAFETY: `buf` holds 2 items; a deliberately NULL count with celt 2.
                unsafe { e.Next(2, buf.as_mut_ptr(), core::ptr::null_mut()) }
            });
            self.probe_done(Probe::Null(NullCall::EnumNextCount), hr);
        }
        if self.script.has(Probe::Null(NullCall::EnumClone)) {
            let hr = self.call("Clone", "NULL".into(), || {
                // SAFETY: a deliberately NULL out-pointer.
                unsafe { e.Clone(core::ptr::null_mut()) }
            });
            self.probe_done(Probe::Null(NullCall::EnumClone), hr);
        }
        if self.script.has(Probe::WrongCbSizeInNextBuffer) {
            self.reset(e);
            let r = self.next(e, 1, true, 0xDEAD);
            self.probe_done(Probe::WrongCbSizeInNextBuffer, r.hr);
        }
        if self.script.has(Probe::Null(NullCall::EnumNextCount))
            || self.script.has(Probe::WrongCbSizeInNextBuffer)
        {
            self.reset(e);
        }
    }

    /// GetItemObject with the out-pointer check; `null_item` passes a NULL item id.
    fn get_item_object(&mut self, id: GUID, null_item: bool) -> HRESULT {
        let mut p: *mut c_void = sentinel();
        let item: *const GUID = if null_item { core::ptr::null() } else { &id };
        let hr = self.call(
            "GetItemObject",
            if null_item {
                "NULL, IID_IUnknown".into()
            } else {
                format!("{}, IID_IUnknown", guid_text(&id))
            },
            || {
                // SAFETY: `item` is NULL (probe) or a readable GUID; `p` is writable.
                unsafe { self.h().GetItemObject(item, &IID_IUnknown, &mut p) }
            },
        );
        if let Some(unknown) = self.take_interface::<IUnknown>("GetItemObject", hr, p) {
            drop(unknown);
        }
        hr
    }

    fn select(&mut self) {
        self.selected = match &self.script.selection {
            ItemSelection::Checked => self
                .items
                .iter()
                .filter(|i| i.state == SYNCMGRITEMSTATE_CHECKED)
                .map(|i| i.id)
                .collect(),
            ItemSelection::All => self.items.iter().map(|i| i.id).collect(),
            ItemSelection::Given(ids) => ids.clone(),
        };
    }

    fn before_prepare_probes(&mut self) {
        let s = self.script;
        if s.has(Probe::Null(NullCall::ShowPropertiesItem)) {
            let hr = self.call("ShowProperties", "NULL, NULL".into(), || {
                // SAFETY: a deliberately NULL item id; the handler must reject it.
                unsafe {
                    self.h()
                        .ShowProperties(core::ptr::null_mut(), core::ptr::null())
                }
            });
            self.probe_done(Probe::Null(NullCall::ShowPropertiesItem), hr);
            if hr.is_ok() {
                let base = self.st().completions.show_properties.len();
                self.wait_for(|s| s.completions.show_properties.len() > base);
            }
        }
        if s.has(Probe::SetItemStatusBeforePrepare) {
            let id = self.first_item();
            let hr = self.call(
                "SetItemStatus",
                format!("{} SKIPPED (before PrepareForSync)", guid_text(&id)),
                || {
                    // SAFETY: `id` is a readable GUID.
                    unsafe { self.h().SetItemStatus(&id, SYNCMGRSTATUS_SKIPPED) }
                },
            );
            self.probe_done(Probe::SetItemStatusBeforePrepare, hr);
        }
        if s.has(Probe::SynchronizeWithoutPrepare) {
            let base = self.st().completions.synchronize.len();
            let hr = self.call("Synchronize", "without PrepareForSync".into(), || {
                // SAFETY: NULL parent window is allowed.
                unsafe { self.h().Synchronize(core::ptr::null_mut()) }
            });
            self.probe_done(Probe::SynchronizeWithoutPrepare, hr);
            if hr == S_OK {
                if !self.wait_for(|s| s.completions.synchronize.len() > base) {
                    self.problem(RawProblem::MissingCompletion {
                        what: "SynchronizeCompleted",
                        pass: usize::MAX,
                    });
                }
                self.settle();
            }
        }
        if s.has(Probe::Null(NullCall::PrepareForSyncItems)) {
            let n = self.selected.len().max(1) as u32;
            let hr = self.call("PrepareForSync", format!("{n}, NULL"), || {
                // SAFETY: a deliberately NULL item list with a non-zero count.
                unsafe {
                    self.h()
                        .PrepareForSync(n, core::ptr::null(), core::ptr::null_mut(), 0)
                }
            });
            self.probe_done(Probe::Null(NullCall::PrepareForSyncItems), hr);
            if hr == S_OK {
                let base = self.st().completions.prepare.len();
                self.wait_for(|s| s.completions.prepare.len() > base);
            }
        }
    }

    fn passes_and_errors(&mut self) {
        let mut items = self.selected.clone();
        let mut retries = 0;
        let mut pass = 0;
        loop {
            let errors_before = self.st().error_ids.len();
            let (mut report, hung) = self.run_pass(pass, &items);
            if hung {
                self.note(format!("pass {pass} hung: no ShowError, no retry"));
                self.passes.push(report);
                break;
            }
            let mut retry_items = None;
            if pass == 0 && self.script.has(Probe::Null(NullCall::ShowErrorId)) {
                let hr = self.call("ShowError", "NULL, NULL".into(), || {
                    // SAFETY: a deliberately NULL error id.
                    unsafe { self.h().ShowError(core::ptr::null_mut(), core::ptr::null()) }
                });
                self.probe_done(Probe::Null(NullCall::ShowErrorId), hr);
                if hr.is_ok() {
                    let base = self.st().completions.show_error.len();
                    self.wait_for(|s| s.completions.show_error.len() > base);
                }
            }
            let new_error = self.st().error_ids.get(errors_before).copied();
            if self.script.show_error
                && let Some(error_id) = new_error
            {
                let base = self.st().completions.show_error.len();
                let hr = self.call("ShowError", guid_text(&error_id), || {
                    // SAFETY: `error_id` is a readable GUID; NULL parent window is allowed.
                    unsafe { self.h().ShowError(core::ptr::null_mut(), &error_id) }
                });
                report.show_error_hr = Some(hr);
                if hr.is_ok() {
                    if self.wait_for(|s| s.completions.show_error.len() > base) {
                        let c = self.st().completions.show_error[base].clone();
                        if c.0 == S_SYNCMGR_RETRYSYNC {
                            retry_items = Some(c.1.clone());
                        }
                        report.show_error_completion = Some(c);
                    } else {
                        self.problem(RawProblem::MissingCompletion {
                            what: "ShowErrorCompleted",
                            pass,
                        });
                    }
                    self.settle();
                }
            }
            self.passes.push(report);
            match retry_items {
                Some(next) if retries < self.script.max_retries => {
                    retries += 1;
                    pass += 1;
                    items = next;
                }
                _ => break,
            }
        }
    }

    fn deliver_skips(
        &mut self,
        pass: usize,
        window: SkipWindow,
        closed: impl Fn(&CbState) -> bool,
    ) {
        let skips: Vec<ScriptSkip> = self
            .script
            .skips
            .iter()
            .filter(|s| s.pass == pass && s.window == window)
            .cloned()
            .collect();
        for skip in skips {
            if closed(&self.st()) {
                self.note(format!(
                    "skip of {} in window {:?} of pass {pass} not delivered: the window had closed",
                    guid_text(&skip.item),
                    window
                ));
                self.skips.push(SkipOutcome {
                    item: skip.item,
                    window,
                    pass,
                    delivered: false,
                    hr: None,
                });
                continue;
            }
            let id = skip.item;
            let hr = self.call(
                "SetItemStatus",
                format!("{} SKIPPED", guid_text(&id)),
                || {
                    // SAFETY: `id` is a readable GUID.
                    unsafe { self.h().SetItemStatus(&id, SYNCMGRSTATUS_SKIPPED) }
                },
            );
            self.skips.push(SkipOutcome {
                item: id,
                window,
                pass,
                delivered: true,
                hr: Some(hr),
            });
        }
    }

    /// One pass; the flag says the pass hung (a completion never came), which ends the run.
    fn run_pass(&mut self, pass: usize, items: &[GUID]) -> (PassReport, bool) {
        let mut report = PassReport {
            pass,
            items: items.to_vec(),
            ..PassReport::default()
        };
        let prep_base = self.st().completions.prepare.len();
        let n = items.len() as u32;
        let hr = self.call("PrepareForSync", format!("{n} items, pass {pass}"), || {
            let p = if items.is_empty() {
                core::ptr::null()
            } else {
                items.as_ptr()
            };
            // SAFETY: `p` points to `n` readable GUIDs (or is NULL with n == 0); NULL parent
            // window is allowed.
            unsafe { self.h().PrepareForSync(n, p, core::ptr::null_mut(), 0) }
        });
        report.prepare_hr = Some(hr);
        if hr != S_OK {
            // No completion is due; leave time for a stray one to show.
            self.settle();
            report.prepare_completion = self.st().completions.prepare.get(prep_base).copied();
            return (report, false);
        }
        if pass == 0 && self.script.has(Probe::Null(NullCall::SetItemStatusItem)) {
            let hr = self.call("SetItemStatus", "NULL SKIPPED".into(), || {
                // SAFETY: a deliberately NULL item id.
                unsafe {
                    self.h()
                        .SetItemStatus(core::ptr::null(), SYNCMGRSTATUS_SKIPPED)
                }
            });
            self.probe_done(Probe::Null(NullCall::SetItemStatusItem), hr);
        }
        self.deliver_skips(pass, SkipWindow::A, |s| {
            s.completions.prepare.len() > prep_base
        });
        if !self.wait_for(|s| s.completions.prepare.len() > prep_base) {
            self.problem(RawProblem::MissingCompletion {
                what: "PrepareForSyncCompleted",
                pass,
            });
            return (report, true);
        }
        self.settle();
        let prepared = self.st().completions.prepare[prep_base];
        report.prepare_completion = Some(prepared);

        if pass == 0 && self.script.has(Probe::PrepareForSyncTwice) {
            let base = self.st().completions.prepare.len();
            let hr = self.call("PrepareForSync", format!("{n} items, again"), || {
                let p = if items.is_empty() {
                    core::ptr::null()
                } else {
                    items.as_ptr()
                };
                // SAFETY: as for the first PrepareForSync.
                unsafe { self.h().PrepareForSync(n, p, core::ptr::null_mut(), 0) }
            });
            self.probe_done(Probe::PrepareForSyncTwice, hr);
            if hr == S_OK {
                if !self.wait_for(|s| s.completions.prepare.len() > base) {
                    self.problem(RawProblem::MissingCompletion {
                        what: "PrepareForSyncCompleted",
                        pass,
                    });
                }
                self.settle();
            }
        }

        if prepared != S_OK {
            self.note(format!(
                "PrepareForSyncCompleted({}): Synchronize not called",
                hr_name(prepared)
            ));
            return (report, false);
        }
        let sync_base = self.st().completions.synchronize.len();
        let hr = self.call("Synchronize", format!("pass {pass}"), || {
            // SAFETY: NULL parent window is allowed.
            unsafe { self.h().Synchronize(core::ptr::null_mut()) }
        });
        report.synchronize_hr = Some(hr);
        if hr != S_OK {
            self.settle();
            report.synchronize_completion =
                self.st().completions.synchronize.get(sync_base).copied();
            return (report, false);
        }
        self.deliver_skips(pass, SkipWindow::B, |s| {
            s.completions.synchronize.len() > sync_base
        });
        if !self.wait_for(|s| s.completions.synchronize.len() > sync_base) {
            self.problem(RawProblem::MissingCompletion {
                what: "SynchronizeCompleted",
                pass,
            });
            return (report, true);
        }
        self.settle();
        report.synchronize_completion = Some(self.st().completions.synchronize[sync_base]);
        (report, false)
    }

    fn show_properties(&mut self, id: GUID) {
        let base = self.st().completions.show_properties.len();
        let hr = self.call("ShowProperties", guid_text(&id), || {
            // SAFETY: `id` is a readable GUID; NULL parent window is allowed.
            unsafe { self.h().ShowProperties(core::ptr::null_mut(), &id) }
        });
        if hr.is_ok() {
            if !self.wait_for(|s| s.completions.show_properties.len() > base) {
                self.problem(RawProblem::MissingCompletion {
                    what: "ShowPropertiesCompleted",
                    pass: 0,
                });
            }
            self.settle();
        }
    }

    /// SetProgressCallback(NULL); from its return on, callbacks are problems.
    fn close(&mut self) {
        let hr = self.call("SetProgressCallback", "NULL".into(), || {
            // SAFETY: NULL is the documented "release the callback" value.
            unsafe { self.h().SetProgressCallback(core::ptr::null_mut()) }
        });
        self.st().closed = true;
        let released = self.cb.is_reference_count_one();
        self.callback_released = Some(released);
        if !released && hr.is_ok() {
            self.problem(RawProblem::CallbackNotReleased);
        }
    }

    fn after_close_probes(&mut self) {
        let calls: Vec<ProbeCall> = self
            .script
            .probes
            .iter()
            .filter_map(|p| match p {
                Probe::AfterClose(c) => Some(*c),
                _ => None,
            })
            .collect();
        for c in calls {
            let hr = self.after_close_call(c);
            self.probe_done(Probe::AfterClose(c), hr);
        }
    }

    fn after_close_call(&mut self, c: ProbeCall) -> HRESULT {
        let flags = self.script.init_flags;
        let id = self.first_item();
        let error_id = self.st().error_ids.first().copied().unwrap_or(GUID_NULL);
        let items = self.selected.clone();
        match c {
            ProbeCall::Initialize => self.call("Initialize", "after close".into(), || {
                // SAFETY: no cookie.
                unsafe { self.h().Initialize(0, flags, 0, core::ptr::null()) }
            }),
            ProbeCall::GetHandlerInfo => {
                let mut p: *mut SYNCMGRHANDLERINFO = sentinel();
                let hr = self.call("GetHandlerInfo", "after close".into(), || {
                    // SAFETY: `p` is a writable out-pointer slot.
                    unsafe { self.h().GetHandlerInfo(&mut p) }
                });
                self.check_handler_info("GetHandlerInfo", hr, p, false);
                hr
            }
            ProbeCall::EnumSyncMgrItems => {
                let e = self.get_enumerator("EnumSyncMgrItems");
                drop(e);
                self.st().log.last().map_or(E_FAIL, |l| match l {
                    LogEntry::Call { hr, .. } => *hr,
                    _ => E_FAIL,
                })
            }
            ProbeCall::GetItemObject => self.get_item_object(id, false),
            ProbeCall::ShowProperties => {
                let g = GUID_NULL;
                self.call("ShowProperties", "GUID_NULL, after close".into(), || {
                    // SAFETY: `g` is a readable GUID.
                    unsafe { self.h().ShowProperties(core::ptr::null_mut(), &g) }
                })
            }
            ProbeCall::PrepareForSync => {
                let n = items.len() as u32;
                self.call("PrepareForSync", "after close".into(), || {
                    let p = if items.is_empty() {
                        core::ptr::null()
                    } else {
                        items.as_ptr()
                    };
                    // SAFETY: `p` points to `n` readable GUIDs (or NULL with n == 0).
                    unsafe { self.h().PrepareForSync(n, p, core::ptr::null_mut(), 0) }
                })
            }
            ProbeCall::Synchronize => self.call("Synchronize", "after close".into(), || {
                // SAFETY: NULL parent window is allowed.
                unsafe { self.h().Synchronize(core::ptr::null_mut()) }
            }),
            ProbeCall::SetItemStatus => self.call("SetItemStatus", "after close".into(), || {
                // SAFETY: `id` is a readable GUID.
                unsafe { self.h().SetItemStatus(&id, SYNCMGRSTATUS_SKIPPED) }
            }),
            ProbeCall::ShowError => self.call("ShowError", "after close".into(), || {
                // SAFETY: `error_id` is a readable GUID.
                unsafe { self.h().ShowError(core::ptr::null_mut(), &error_id) }
            }),
            ProbeCall::SetProgressCallback => {
                let cb = self.cb_raw();
                let hr = self.call(
                    "SetProgressCallback",
                    "callback, after close".into(),
                    || {
                        // SAFETY: `cb` is our live callback.
                        unsafe { self.h().SetProgressCallback(cb) }
                    },
                );
                if hr.is_ok() {
                    let _ = self.call("SetProgressCallback", "NULL again".into(), || {
                        // SAFETY: NULL releases the callback again.
                        unsafe { self.h().SetProgressCallback(core::ptr::null_mut()) }
                    });
                }
                hr
            }
        }
    }

    fn release_handler(&mut self) {
        if let Some(h) = self.h.take() {
            let began_at = self.st().log.len();
            let raw = h.into_raw();
            // SAFETY: `raw` is our one reference to a live COM object; its first vtable slots
            // are IUnknown's, and Release consumes that reference.
            let n = unsafe {
                let vtbl = *(raw as *const *const windows_core::IUnknown_Vtbl);
                ((*vtbl).Release)(raw)
            };
            self.release_count = Some(n);
            self.st().log.push(LogEntry::Call {
                method: "Release",
                detail: format!("returned {n}"),
                hr: S_OK,
                began_at,
            });
        }
    }

    fn finish(self) -> RawReport {
        let s = self.st();
        RawReport {
            log: s.log.clone(),
            initialize_hr: self.initialize_hr,
            handler_info: self.handler_info.clone(),
            items: self.items.clone(),
            selected: self.selected.clone(),
            passes: self.passes.clone(),
            progress: s.progress.clone(),
            errors: s.errors.clone(),
            error_ids: s.error_ids.clone(),
            deleted_error_ids: s.deleted_error_ids.clone(),
            completions: s.completions.clone(),
            skips: self.skips.clone(),
            probes: self.probes.clone(),
            problems: s.problems.clone(),
            callback_released: self.callback_released,
            release_count: self.release_count,
            driver_thread: self.me,
        }
    }
}
