//! A simulated sync manager: drive a handler written against [`SyncHandler`] through whole runs
//! (CONTRACT §3) on any platform, and get every contract violation with its rule id.
//!
//! The [`Simulator`] plays the manager: it calls the handler as `ISyncMgrSynchronize` is called,
//! hands it a [`Callback`] (the manager's `ISyncMgrSynchronizeCallback`, usable from any thread),
//! and checks every call, return and callback with an [`Instance`]. A [`Script`] chooses what the
//! manager does; the [`SimReport`] holds the per-item outcome, the violations, and the whole run
//! as a trace in TRACE.md's format.
//!
//! # Testing your handler
//!
//! A handler crate copies this into its tests, with its own handler in place of `Files`:
//!
//! ```
//! use mobsync::sim::{Callback, ItemInfo, Script, Simulator, SyncHandler};
//! use mobsync::{ErrorId, HResult, ItemId, ProgressItem, SyncMgrFlags, SyncMgrStatus};
//!
//! /// A handler that syncs two files, honouring skip requests; it completes preparation on a
//! /// worker thread, as real handlers do.
//! #[derive(Default)]
//! struct Files {
//!     callback: Option<Callback>,
//!     selected: Vec<ItemId>,
//!     skipped: Vec<ItemId>,
//!     worker: Option<std::thread::JoinHandle<()>>,
//! }
//!
//! impl SyncHandler for Files {
//!     fn initialize(&mut self, _flags: SyncMgrFlags, _cookie: &[u8]) -> HResult {
//!         HResult::S_OK
//!     }
//!     fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
//!         items.push(ItemInfo::new(ItemId::from_u128(1), "notes.txt"));
//!         items.push(ItemInfo::new(ItemId::from_u128(2), "todo.txt"));
//!         HResult::S_OK
//!     }
//!     fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
//!         self.callback = callback;
//!         HResult::S_OK
//!     }
//!     fn prepare_for_sync(&mut self, items: &[ItemId]) -> HResult {
//!         self.selected = items.to_vec();
//!         self.skipped.clear();
//!         let callback = self.callback.clone();
//!         self.worker = Some(std::thread::spawn(move || {
//!             if let Some(cb) = callback {
//!                 cb.prepare_for_sync_completed(HResult::S_OK);
//!             }
//!         }));
//!         HResult::S_OK
//!     }
//!     fn synchronize(&mut self) -> HResult {
//!         if let Some(worker) = self.worker.take() {
//!             let _ = worker.join();
//!         }
//!         let Some(cb) = &self.callback else { return HResult::E_UNEXPECTED };
//!         for &item in &self.selected {
//!             let status = if self.skipped.contains(&item) { SyncMgrStatus::Skipped } else { SyncMgrStatus::Succeeded };
//!             cb.progress(item, ProgressItem::status(status), None);
//!         }
//!         cb.synchronize_completed(HResult::S_OK);
//!         HResult::S_OK
//!     }
//!     fn set_item_status(&mut self, item: ItemId, status: u32) -> HResult {
//!         if status != SyncMgrStatus::Skipped as u32 { return HResult::E_INVALIDARG }
//!         self.skipped.push(item);
//!         HResult::S_OK
//!     }
//!     fn show_properties(&mut self, _item: ItemId) -> HResult { HResult::E_NOTIMPL }
//!     fn show_error(&mut self, _error: ErrorId) -> HResult { HResult::E_NOTIMPL }
//! }
//!
//! let report = Simulator::new(Script::default().skip_in_window_a(ItemId::from_u128(2))).run(&mut Files::default());
//! assert!(report.violations.is_empty(), "{:#?}", report.violations);
//! assert!(report.is_clean());
//! assert_eq!(report.final_status(ItemId::from_u128(1)), Some(SyncMgrStatus::Succeeded));
//! assert_eq!(report.final_status(ItemId::from_u128(2)), Some(SyncMgrStatus::Skipped));
//! assert!(report.trace.contains("SetItemStatus {00000000-0000-0000-0000-000000000002} SKIPPED => S_OK"));
//! ```

pub(crate) mod format;

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::flags::{ItemState, SyncMgrFlags};
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;
use crate::machine::{
    Accepted, Event, HandlerInfo, Instance, LogErrorInfo, Method, ProgressAnswer, ProgressItem,
    SyncMgrItem,
};
use crate::rules::Rule;
use crate::state::{Phase, UiPhase};
use crate::status::SyncMgrStatus;

use format::{Texts, line, progress_answer};

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

/// A contract violation the simulator saw, with the rule that was broken.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Violation {
    /// The line of [`SimReport::trace`] that records it.
    pub line: usize,
    /// The rule the handler broke.
    pub rule: Rule,
    /// What the contract answers the event.
    pub verdict: HResult,
    /// Why.
    pub message: String,
}

/// The outcome of one pass: the engine's end-of-pass report (CONTRACT §6).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PassOutcome {
    /// The HRESULT the pass finished with; `None` when it was abandoned or never finished.
    pub hr: Option<HResult>,
    /// Each selected item with its last status and whether a skip was requested.
    pub items: Vec<(ItemId, SyncMgrStatus, bool)>,
    /// Items that never reached a final status.
    pub unfinished: Vec<ItemId>,
    /// Items with a skip request whose final status is neither SKIPPED nor STOPPED.
    pub skip_not_honoured: Vec<ItemId>,
}

/// What a simulated run produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SimReport {
    /// The run in TRACE.md's format.
    pub trace: String,
    /// Every violation, in order.
    pub violations: Vec<Violation>,
    /// One outcome per pass (retries included), in order.
    pub passes: Vec<PassOutcome>,
    /// Script actions the manager could not deliver because their window had passed (e.g. a
    /// skip in window A when the completion came before PrepareForSync returned).
    pub undelivered: Vec<String>,
}

impl SimReport {
    /// No violations, and every pass ended with every item final and every skip honoured.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
            && self
                .passes
                .iter()
                .all(|p| p.unfinished.is_empty() && p.skip_not_honoured.is_empty())
    }

    /// The item's status at the end of the last pass that selected it.
    #[must_use]
    pub fn final_status(&self, item: ItemId) -> Option<SyncMgrStatus> {
        self.passes.iter().rev().find_map(|p| {
            p.items
                .iter()
                .find(|(id, ..)| *id == item)
                .map(|&(_, s, _)| s)
        })
    }

    /// The rules broken, in order (one entry per violation).
    #[must_use]
    pub fn broken_rules(&self) -> Vec<Rule> {
        self.violations.iter().map(|v| v.rule).collect()
    }
}

/// Which items the manager selects for the first pass.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Selection {
    /// The items enumerated CHECKED (the manager's default).
    #[default]
    Checked,
    /// Every item enumerated.
    All,
    /// These items, in this order.
    Items(Vec<ItemId>),
}

/// What the simulated manager does in a run.
///
/// ```
/// use std::time::Duration;
/// use mobsync::sim::Script;
/// use mobsync::{HResult, ItemId, ProgressAnswer};
///
/// let script = Script::default()
///     .skip_in_window_b(ItemId::from_u128(2))
///     .answer_progress(ItemId::from_u128(3), 1, ProgressAnswer::CancelItem)
///     .enable_modeless_answer(HResult::S_FALSE)
///     .show_errors(1)
///     .timeout(Duration::from_secs(2));
/// assert_eq!(script.retries, 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Script {
    /// Initialize's flags (default MANUAL | MAYBOTHERUSER).
    pub flags: SyncMgrFlags,
    /// Which items the first pass selects.
    pub selection: Selection,
    /// Items to skip (SetItemStatus(SKIPPED)) in window A, if the run reaches it.
    pub skip_a: Vec<ItemId>,
    /// Items to skip in window B, if the run reaches it.
    pub skip_b: Vec<ItemId>,
    /// `(item, n, answer)`: answer the item's n-th Progress call (1-based) with `answer`.
    pub progress_answers: Vec<(ItemId, usize, ProgressAnswer)>,
    /// The manager's answer to EnableModeless(TRUE) (default S_OK).
    pub modeless_answer: HResult,
    /// Show the properties of this item (GUID_NULL: the handler's) after the first pass.
    pub properties: Option<ItemId>,
    /// After each pass, show the first logged error; on ShowErrorCompleted(S_SYNCMGR_RETRYSYNC)
    /// run another pass with the items it names, at most this many times.
    pub retries: usize,
    /// How long to wait for a completion before reporting it missing.
    pub wait: Duration,
}

impl Default for Script {
    fn default() -> Self {
        Self {
            flags: SyncMgrFlags::from_bits(0x203),
            selection: Selection::Checked,
            skip_a: Vec::new(),
            skip_b: Vec::new(),
            progress_answers: Vec::new(),
            modeless_answer: HResult::S_OK,
            properties: None,
            retries: 0,
            wait: Duration::from_secs(5),
        }
    }
}

impl Script {
    /// Initialize with these flags.
    #[must_use]
    pub fn flags(mut self, flags: SyncMgrFlags) -> Self {
        self.flags = flags;
        self
    }

    /// Select these items for the first pass.
    #[must_use]
    pub fn select(mut self, selection: Selection) -> Self {
        self.selection = selection;
        self
    }

    /// Skip `item` in window A.
    #[must_use]
    pub fn skip_in_window_a(mut self, item: ItemId) -> Self {
        self.skip_a.push(item);
        self
    }

    /// Skip `item` in window B.
    #[must_use]
    pub fn skip_in_window_b(mut self, item: ItemId) -> Self {
        self.skip_b.push(item);
        self
    }

    /// Answer the `nth` Progress call for `item` (1-based) with `answer`.
    #[must_use]
    pub fn answer_progress(mut self, item: ItemId, nth: usize, answer: ProgressAnswer) -> Self {
        self.progress_answers.push((item, nth, answer));
        self
    }

    /// Answer EnableModeless(TRUE) with `answer` (S_OK opens the gate, anything else does not).
    #[must_use]
    pub fn enable_modeless_answer(mut self, answer: HResult) -> Self {
        self.modeless_answer = answer;
        self
    }

    /// Show the properties of `item` after the first pass.
    #[must_use]
    pub fn show_properties(mut self, item: ItemId) -> Self {
        self.properties = Some(item);
        self
    }

    /// After each pass show the first logged error, and retry at most `retries` times.
    #[must_use]
    pub fn show_errors(mut self, retries: usize) -> Self {
        self.retries = retries;
        self
    }

    /// Wait at most `wait` for each completion.
    #[must_use]
    pub fn timeout(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }
}

/// Who is at fault when the engine refuses an event the simulator records.
#[derive(Clone, Copy)]
enum Blame {
    /// A callback, a return or handed-out data: a refusal is the handler's violation.
    Handler,
    /// A call the manager makes: the simulator checks before calling, so a refusal is the
    /// manager's own choice and not a violation.
    Manager,
}

struct State {
    engine: Instance,
    /// The manager's thread is running its own code (not waiting, not inside a call into the
    /// handler): callbacks from other threads wait, as they would for a busy STA.
    busy: bool,
    trace: Vec<String>,
    violations: Vec<Violation>,
    progress_calls: HashMap<ItemId, usize>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    script: Script,
    manager: std::thread::ThreadId,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands `event` to the engine and writes its trace line, under one lock so the trace is in
    /// the engine's order.
    fn record(
        &self,
        event: &Event<'_>,
        texts: Texts<'_>,
        recorded: Option<HResult>,
        blame: Blame,
    ) -> Result<Accepted, Error> {
        let mut state = self.lock();
        if std::thread::current().id() != self.manager {
            while state.busy {
                state = self
                    .changed
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
        let result = state.engine.handle(event);
        state.trace.push(line(event, texts, recorded));
        if let (Err(err), Blame::Handler) = (&result, blame) {
            let line = state.trace.len();
            let violation = Violation {
                line,
                rule: err.rule().unwrap_or(event.kind().rule()),
                verdict: err.hresult(),
                message: err.to_string(),
            };
            state.violations.push(violation);
        }
        drop(state);
        self.changed.notify_all();
        result
    }

    fn set_busy(&self, busy: bool) {
        self.lock().busy = busy;
        self.changed.notify_all();
    }

    /// A call into the handler whose answer the contract fixes (SetItemStatus,
    /// SetProgressCallback): the engine takes it at entry, and the handler's answer must be the
    /// contract's.
    fn call_answered(&self, event: &Event<'_>, call: impl FnOnce() -> HResult) {
        let (index, expected) = {
            let mut state = self.lock();
            let expected = HResult::from(state.engine.handle(event));
            state.trace.push(line(event, Texts::default(), None));
            (state.trace.len(), expected)
        };
        let hr = call();
        let mut state = self.lock();
        if let Some(text) = state.trace.get_mut(index - 1) {
            text.push_str(&format!(" => {}", format::Hr(hr)));
        }
        if hr != expected {
            let rule = event.kind().rule();
            let message = format!(
                "{rule}: {} answered {hr}; the contract requires {expected}",
                event.kind()
            );
            state.violations.push(Violation {
                line: index,
                rule,
                verdict: expected,
                message,
            });
        }
    }

    fn note(&self, text: &str) {
        self.lock().trace.push(format!("# {text}"));
    }

    /// Waits until `done` holds for the engine, or the script's timeout passes.
    fn wait_for(&self, done: impl Fn(&Instance) -> bool) -> bool {
        let deadline = Instant::now() + self.script.wait;
        let mut state = self.lock();
        state.busy = false;
        self.changed.notify_all();
        let done = loop {
            if done(&state.engine) {
                break true;
            }
            let now = Instant::now();
            if now >= deadline {
                break false;
            }
            state = match self.changed.wait_timeout(state, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        };
        state.busy = true;
        done
    }

    /// A completion that never came: a violation of `rule`.
    fn missing(&self, rule: Rule, what: &str) {
        let mut state = self.lock();
        let message = format!("{rule}: no {what} within {:?}", self.script.wait);
        state.trace.push(format!("# timeout: {message}"));
        let line = state.trace.len();
        state.violations.push(Violation {
            line,
            rule,
            verdict: HResult::E_PENDING,
            message,
        });
    }
}

/// The manager's side, `ISyncMgrSynchronizeCallback`: what the handler calls back. Cheap to
/// clone, `Send + Sync`: hand clones to worker threads. Each method returns the manager's answer;
/// a call the contract refuses is recorded as a violation and answered with the contract's error.
#[derive(Clone)]
pub struct Callback {
    shared: Arc<Shared>,
}

impl core::fmt::Debug for Callback {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Callback").finish_non_exhaustive()
    }
}

impl Callback {
    fn callback(&self, event: &Event<'_>, texts: Texts<'_>, answer: HResult) -> HResult {
        match self.shared.record(event, texts, None, Blame::Handler) {
            Ok(_) => answer,
            Err(err) => err.hresult(),
        }
    }

    /// `PrepareForSyncCompleted(hr)` (R-PREP-DONE).
    pub fn prepare_for_sync_completed(&self, hr: HResult) -> HResult {
        self.callback(
            &Event::PrepareForSyncCompleted { hr },
            Texts::default(),
            HResult::S_OK,
        )
    }

    /// `SynchronizeCompleted(hr)` (R-SYNC-DONE).
    pub fn synchronize_completed(&self, hr: HResult) -> HResult {
        self.callback(
            &Event::SynchronizeCompleted { hr },
            Texts::default(),
            HResult::S_OK,
        )
    }

    /// `ShowPropertiesCompleted(hr)` (R-PROPS-DONE).
    pub fn show_properties_completed(&self, hr: HResult) -> HResult {
        self.callback(
            &Event::ShowPropertiesCompleted { hr },
            Texts::default(),
            HResult::S_OK,
        )
    }

    /// `ShowErrorCompleted(hr, cItems, pItemIDs)` (R-ERR-DONE).
    pub fn show_error_completed(&self, hr: HResult, items: &[ItemId]) -> HResult {
        self.callback(
            &Event::ShowErrorCompleted { hr, items },
            Texts::default(),
            HResult::S_OK,
        )
    }

    /// `EnableModeless(fEnable)` (R-MODAL): the script's answer to TRUE, S_OK to FALSE.
    pub fn enable_modeless(&self, enable: bool) -> HResult {
        let answer = if enable {
            self.shared.script.modeless_answer
        } else {
            HResult::S_OK
        };
        let event = Event::EnableModeless { enable, answer };
        match self
            .shared
            .record(&event, Texts::default(), Some(answer), Blame::Handler)
        {
            Ok(_) => answer,
            Err(err) => err.hresult(),
        }
    }

    /// `Progress(ItemID, pSyncProgressItem)` (R-PROG); `text` is the status text, which sets
    /// STATUSTEXT. Answers S_OK, or what the script answers this call.
    pub fn progress(&self, item: ItemId, progress: ProgressItem, text: Option<&str>) -> HResult {
        let progress = if text.is_some() {
            progress.with_text()
        } else {
            progress
        };
        let answer = {
            let mut state = self.shared.lock();
            let count = state.progress_calls.entry(item).or_insert(0);
            *count += 1;
            let nth = *count;
            self.shared
                .script
                .progress_answers
                .iter()
                .find(|&&(id, n, _)| id == item && n == nth)
                .map_or(ProgressAnswer::Continue, |&(_, _, answer)| answer)
        };
        let event = Event::Progress {
            item,
            progress,
            answer,
        };
        let texts = Texts { text };
        match self
            .shared
            .record(&event, texts, progress_answer(answer), Blame::Handler)
        {
            Ok(_) => answer.hresult(),
            Err(err) => err.hresult(),
        }
    }

    /// `LogError(dwErrorLevel, pszErrorText, pSyncLogError)` (R-LOG).
    pub fn log_error(&self, level: u32, text: &str, info: LogErrorInfo) -> HResult {
        self.callback(
            &Event::LogError { level, info },
            Texts { text: Some(text) },
            HResult::S_OK,
        )
    }

    /// `DeleteLogError(ErrorID, dwReserved)` (R-DELLOG).
    pub fn delete_log_error(&self, error: ErrorId, reserved: u32) -> HResult {
        self.callback(
            &Event::DeleteLogError { error, reserved },
            Texts::default(),
            HResult::S_OK,
        )
    }

    /// `EstablishConnection(pwszConnection, dwReserved)` (R-CONN).
    pub fn establish_connection(&self, name: Option<&str>, reserved: u32) -> HResult {
        let event = Event::EstablishConnection {
            has_name: name.is_some(),
            reserved,
        };
        self.callback(&event, Texts { text: name }, HResult::S_OK)
    }
}

/// The simulated manager.
///
/// Like the real one, it runs on one thread and the handler lives in its apartment: callbacks
/// the handler makes from its own worker threads are taken only while the manager waits for a
/// completion, so window A (after PrepareForSync returns) and window B (after Synchronize
/// returns) always exist for the script's skips. A handler that blocks inside a call waiting for
/// its worker's callback deadlocks here as it would under the real manager; the wait for each
/// completion ends after [`Script::wait`] with a violation.
#[derive(Clone, Debug, Default)]
pub struct Simulator {
    script: Script,
    config: crate::Config,
}

impl Simulator {
    /// A manager that follows `script`, checking with the documented profile.
    #[must_use]
    pub fn new(script: Script) -> Self {
        Self {
            script,
            config: crate::Config::default(),
        }
    }

    /// Check with this profile and these limits instead.
    #[must_use]
    pub fn config(mut self, config: crate::Config) -> Self {
        self.config = config;
        self
    }

    /// Runs the handler through a whole run: Initialize, GetHandlerInfo, EnumSyncMgrItems,
    /// SetProgressCallback, then passes (PrepareForSync → completion → Synchronize → completion,
    /// with the script's skips, cancels, properties and retries), and SetProgressCallback(NULL).
    pub fn run<H: SyncHandler + ?Sized>(&self, handler: &mut H) -> SimReport {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                engine: Instance::with_config(self.config),
                busy: true,
                trace: vec!["# mobsync simulator run (trace format v1)".to_owned()],
                violations: Vec::new(),
                progress_calls: HashMap::new(),
            }),
            changed: Condvar::new(),
            script: self.script.clone(),
            manager: std::thread::current().id(),
        });
        let mut run = Run {
            shared: &shared,
            undelivered: Vec::new(),
            passes: Vec::new(),
        };
        run.all(handler);
        shared.set_busy(false);
        let (undelivered, passes) = (run.undelivered, run.passes);
        let state = shared.lock();
        let mut trace = state.trace.join("\n");
        trace.push('\n');
        SimReport {
            trace,
            violations: state.violations.clone(),
            passes,
            undelivered,
        }
    }
}

struct Run<'s> {
    shared: &'s Arc<Shared>,
    undelivered: Vec<String>,
    passes: Vec<PassOutcome>,
}

impl Run<'_> {
    fn script(&self) -> &Script {
        &self.shared.script
    }

    fn allowed(&self, event: &Event<'_>) -> bool {
        self.shared.lock().engine.check(event).is_ok()
    }

    fn all<H: SyncHandler + ?Sized>(&mut self, handler: &mut H) {
        let flags = self.script().flags;
        let answer = handler.initialize(flags, &[]);
        let init = Event::Initialize {
            reserved: 0,
            flags,
            answer,
        };
        if self
            .shared
            .record(&init, Texts::default(), Some(answer), Blame::Manager)
            .is_err()
            || answer != HResult::S_OK
        {
            return;
        }
        let mut description = HandlerDescription::default();
        let answer = handler.get_handler_info(&mut description);
        let info = HandlerInfo::new(&description.name, description.flags);
        let texts = Texts {
            text: Some(&description.name),
        };
        let event = Event::GetHandlerInfo { answer, info };
        let _ = self
            .shared
            .record(&event, texts, Some(answer), Blame::Handler);

        let mut infos = Vec::new();
        let answer = handler.enum_sync_mgr_items(&mut infos);
        let items: Vec<SyncMgrItem> = infos
            .iter()
            .map(|i| SyncMgrItem {
                id: i.id,
                name_units: i.name.encode_utf16().count(),
                flags: i.flags,
                state: i.state,
            })
            .collect();
        let event = Event::EnumSyncMgrItems {
            answer,
            items: &items,
        };
        let enumerated = self
            .shared
            .record(&event, Texts::default(), Some(answer), Blame::Handler);

        let callback = Callback {
            shared: Arc::clone(self.shared),
        };
        self.shared
            .call_answered(&Event::SetProgressCallback { bind: true }, || {
                handler.set_progress_callback(Some(callback))
            });

        let mut selection: Vec<ItemId> = match (&self.script().selection, enumerated) {
            (Selection::Items(ids), _) => ids.clone(),
            (_, Err(_)) => Vec::new(),
            (Selection::All, Ok(_)) => infos.iter().map(|i| i.id).collect(),
            (Selection::Checked, Ok(_)) => infos
                .iter()
                .filter(|i| i.state == ItemState::Checked as u32)
                .map(|i| i.id)
                .collect(),
        };
        let mut retries = self.script().retries;
        let mut first = true;
        // If the user selected no items, Synchronize is never called [doc].
        while !selection.is_empty() {
            self.pass(handler, &selection);
            if first && let Some(item) = self.script().properties {
                self.properties(handler, item);
            }
            first = false;
            if retries == 0 || !self.is_reusable() {
                break;
            }
            selection = self.show_error(handler);
            retries -= 1;
        }
        let release = Event::SetProgressCallback { bind: false };
        if self.allowed(&release) {
            self.shared
                .call_answered(&release, || handler.set_progress_callback(None));
        } else {
            self.shared
                .note("the contract refuses SetProgressCallback(NULL) now: no release call");
        }
    }

    /// The instance can take another pass (the last one finished).
    fn is_reusable(&self) -> bool {
        matches!(self.shared.lock().engine.phase(), Phase::Finished(_))
    }

    fn call<H: SyncHandler + ?Sized>(
        &mut self,
        handler: &mut H,
        event: &Event<'_>,
        method: Method,
        call: impl FnOnce(&mut H) -> HResult,
    ) -> bool {
        if self
            .shared
            .record(event, Texts::default(), None, Blame::Manager)
            .is_err()
        {
            return false;
        }
        let hr = call(handler);
        // A refused return is a violation; the manager gives up on the call (and its pass).
        let returned = Event::Return { method, hr };
        self.shared
            .record(&returned, Texts::default(), None, Blame::Handler)
            .is_ok()
    }

    fn skips<H: SyncHandler + ?Sized>(&mut self, handler: &mut H, items: &[ItemId], window: &str) {
        for &item in items {
            let event = Event::SetItemStatus {
                item,
                status: SyncMgrStatus::Skipped as u32,
            };
            if self.allowed(&event) {
                self.shared.call_answered(&event, || {
                    handler.set_item_status(item, SyncMgrStatus::Skipped as u32)
                });
            } else {
                self.undelivered
                    .push(format!("skip {item} in window {window}"));
            }
        }
    }

    fn pass<H: SyncHandler + ?Sized>(&mut self, handler: &mut H, items: &[ItemId]) {
        let prepare = Event::PrepareForSync { items, reserved: 0 };
        if !self.call(handler, &prepare, Method::PrepareForSync, |h| {
            h.prepare_for_sync(items)
        }) {
            self.outcome();
            return;
        }
        let skip_a = self.script().skip_a.clone();
        self.skips(handler, &skip_a, "A");
        let prepared = self.shared.wait_for(|e| {
            !matches!(
                e.phase(),
                Phase::Preparing | Phase::PreparingDone(_) | Phase::AwaitPrepareCompletion
            )
        });
        if !prepared {
            self.shared
                .missing(Rule::PrepDone, "PrepareForSyncCompleted");
            self.outcome();
            return;
        }
        if self.shared.lock().engine.phase() != Phase::Prepared {
            self.outcome();
            return;
        }
        if !self.call(handler, &Event::Synchronize, Method::Synchronize, |h| {
            h.synchronize()
        }) {
            self.outcome();
            return;
        }
        let skip_b = self.script().skip_b.clone();
        self.skips(handler, &skip_b, "B");
        let finished = self.shared.wait_for(|e| {
            !matches!(
                e.phase(),
                Phase::Synchronizing | Phase::SynchronizingDone(_) | Phase::AwaitSyncCompletion
            )
        });
        if !finished {
            self.shared.missing(Rule::SyncDone, "SynchronizeCompleted");
        }
        self.outcome();
    }

    fn outcome(&mut self) {
        let state = self.shared.lock();
        let engine = &state.engine;
        let hr = engine.report().map(|r| r.hresult());
        let items = engine
            .selection()
            .map(|v| (v.id, v.status, v.skip_requested))
            .collect();
        let (unfinished, skip_not_honoured) = match engine.report() {
            Some(r) => (
                r.unfinished().map(|v| v.id).collect(),
                r.skip_not_honoured().map(|v| v.id).collect(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        self.passes.push(PassOutcome {
            hr,
            items,
            unfinished,
            skip_not_honoured,
        });
    }

    fn properties<H: SyncHandler + ?Sized>(&mut self, handler: &mut H, item: ItemId) {
        let event = Event::ShowProperties { item };
        if !self.allowed(&event) {
            self.undelivered.push(format!("show properties of {item}"));
            return;
        }
        self.call(handler, &event, Method::ShowProperties, |h| {
            h.show_properties(item)
        });
        if !self
            .shared
            .wait_for(|e| e.properties_ui() == UiPhase::Closed)
        {
            self.shared
                .missing(Rule::PropsDone, "ShowPropertiesCompleted");
        }
    }

    /// Shows the first logged error; returns the items to retry (empty for none).
    fn show_error<H: SyncHandler + ?Sized>(&mut self, handler: &mut H) -> Vec<ItemId> {
        let Some(error) = self.shared.lock().engine.error_log().first().copied() else {
            return Vec::new();
        };
        let event = Event::ShowError { error };
        if !self.allowed(&event) {
            self.undelivered.push(format!("show error {error}"));
            return Vec::new();
        }
        self.call(handler, &event, Method::ShowError, |h| h.show_error(error));
        if !self.shared.wait_for(|e| e.error_ui() == UiPhase::Closed) {
            self.shared.missing(Rule::ErrDone, "ShowErrorCompleted");
            return Vec::new();
        }
        let retry = self.shared.lock().engine.retry_items().to_vec();
        if !retry.is_empty() {
            self.shared
                .note("the handler asked for a retry: another pass");
        }
        retry
    }
}
