//! The guarded callback: what stands between a handler's [`Callback`](mobsync::sim::Callback)
//! and the manager's `ISyncMgrSynchronizeCallback`.
//!
//! Every callback is decided by the engine first. A refused one never reaches the manager: the
//! handler gets the contract's HRESULT and the [`Journal`] the violation. An accepted one is
//! forwarded through the manager's vtable, and the manager's answer is fed back to the engine
//! (Progress's cancel answers, EnableModeless's answer) and returned to the handler unchanged.
//!
//! # Threads and order
//!
//! Callbacks may come from any thread (R-COM-THREAD). Callbacks from threads that are not inside
//! a call from the manager (the handler's workers) are ordered among themselves: each holds one
//! lock from the engine's decision until the manager has answered, so the manager receives them
//! in the order the engine accepted them. The manager's own thread — a callback made inside
//! `Synchronize`, say — never waits for that lock: in an apartment-threaded manager, a worker's
//! callback is delivered only when that thread is free, and waiting for it there would deadlock.
//! (Calls that race from two threads have no order of their own; the engine's is the one
//! judged.) No engine lock is held while the manager runs, so the manager may call into the
//! handler from inside a callback.

use core::ffi::c_void;
use std::cell::RefCell;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use mobsync::sim::{CallbackCall, CallbackSink};
use mobsync::trace::EventLine;
use mobsync::{Config, Error, Event, Fault, HResult, Instance, ProgressAnswer, ProgressItem, Rule};
use windows_core::{GUID, HRESULT, Interface};

use crate::abi::size::{SYNCMGRLOGERRORINFO_SIZE, SYNCMGRPROGRESSITEM_SIZE};
use crate::abi::{ISyncMgrSynchronizeCallback, SYNCMGRLOGERRORINFO, SYNCMGRPROGRESSITEM};
use crate::journal::{Journal, Violation};
use crate::wide::WideBuf;

/// The manager's callback, movable to and shareable with other threads.
pub(crate) struct Manager(ISyncMgrSynchronizeCallback);

// SAFETY: windows-core's interface types are neither Send nor Sync because a COM pointer is, in
// general, bound to its apartment. ISyncMgrSynchronizeCallback is the exception the contract
// states (CONTRACT §9, R-COM-THREAD, after Microsoft's documentation of the interface): the
// handler may call it from any thread. Its AddRef and Release are atomic, as COM requires of
// every object.
unsafe impl Send for Manager {}
// SAFETY: as above: the manager's callback accepts calls from several threads at once.
unsafe impl Sync for Manager {}

impl Manager {
    /// Takes a reference (AddRef) to the callback at `raw`, or `None` for NULL.
    ///
    /// # Safety
    ///
    /// `raw` is NULL or a valid `ISyncMgrSynchronizeCallback` pointer.
    pub(crate) unsafe fn from_raw(raw: *mut c_void) -> Option<Self> {
        // SAFETY: the caller guarantees `raw` is NULL or a valid interface pointer; the
        // borrowed interface is cloned (AddRef) before the borrow ends.
        let borrowed = unsafe { ISyncMgrSynchronizeCallback::from_raw_borrowed(&raw) };
        borrowed.cloned().map(Self)
    }

    fn duplicate(&self) -> Self {
        Self(self.0.clone())
    }
}

/// The engine and the manager's callback, under one lock.
pub(crate) struct State {
    pub(crate) engine: Instance,
    /// The manager's callback from SetProgressCallback, until SetProgressCallback(NULL)
    /// returns.
    pub(crate) manager: Option<Manager>,
}

/// What a handler object and the callbacks it hands out share.
pub(crate) struct Core {
    state: Mutex<State>,
    /// Orders the callbacks of threads outside any call from the manager (see the module
    /// documentation).
    forwarding: Mutex<()>,
    pub(crate) journal: Journal,
}

thread_local! {
    /// The handler objects this thread is inside a call of (innermost last): a thread with any
    /// is the manager's, calling in.
    static ACTIVE: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// This thread is inside a call from the manager into a guarded handler.
fn on_manager_thread() -> bool {
    ACTIVE.with(|active| !active.borrow().is_empty())
}

/// Marks this thread as inside a call into the handler object at `core` until dropped.
pub(crate) struct Inside(usize);

impl Inside {
    /// `None` when this thread is already inside a call of the same object (a re-entrant call).
    pub(crate) fn enter(core: &Arc<Core>) -> Option<Self> {
        let key = Arc::as_ptr(core).addr();
        ACTIVE.with(|active| {
            let mut active = active.borrow_mut();
            if active.contains(&key) {
                return None;
            }
            active.push(key);
            Some(Self(key))
        })
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        ACTIVE.with(|active| {
            let mut active = active.borrow_mut();
            if let Some(at) = active.iter().rposition(|&key| key == self.0) {
                active.remove(at);
            }
        });
    }
}

impl Core {
    pub(crate) fn new(config: Config, journal: Journal) -> Self {
        Self {
            state: Mutex::new(State {
                engine: Instance::with_config(config),
                manager: None,
            }),
            forwarding: Mutex::new(()),
            journal,
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a violation of `rule` about `event` (a trace line, see [`trace_line`]).
    pub(crate) fn record(
        &self,
        fault: Fault,
        rule: Rule,
        verdict: HResult,
        message: String,
        event: String,
    ) {
        self.journal.record(Violation {
            fault,
            rule,
            verdict,
            message,
            event,
        });
    }

    /// Records the engine's refusal of `event`, with the fault the contract assigns it.
    pub(crate) fn refused(&self, err: &Error, event: &Event<'_>, text: Option<&str>) {
        let fault = mobsync::rules::fault(event.kind(), err.check());
        self.record(
            fault,
            err.rule(),
            err.hresult(),
            err.to_string(),
            trace_line(event, text, None),
        );
    }
}

/// `event` as a TRACE.md line, with its string and the answer recorded (`=> HR`) when given.
pub(crate) fn trace_line(
    event: &Event<'_>,
    text: Option<&str>,
    recorded: Option<HResult>,
) -> String {
    let mut line = EventLine::new(*event);
    if let Some(text) = text {
        line = line.text(text);
    }
    if let Some(hr) = recorded {
        line = line.recorded(hr);
    }
    line.to_string()
}

/// The sink of the [`Callback`](mobsync::sim::Callback)s a guarded handler gets.
pub(crate) struct GuardedSink {
    pub(crate) core: Arc<Core>,
}

impl CallbackSink for GuardedSink {
    fn call(&self, call: &CallbackCall<'_>) -> HResult {
        let core = &*self.core;
        if let Some(problem) = call.text_problem() {
            let kind = call.kind();
            core.record(
                Fault::Handler,
                Rule::ComStr,
                HResult::E_INVALIDARG,
                format!("R-COM-STR: {kind} refused: {problem}"),
                trace_line(&call.event(HResult::S_OK), None, None),
            );
            return HResult::E_INVALIDARG;
        }
        let _order = if on_manager_thread() {
            None
        } else {
            Some(
                core.forwarding
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner),
            )
        };
        // EnableModeless(TRUE)'s answer decides the gate: checked now, applied with the answer.
        let answered_later = matches!(call, CallbackCall::EnableModeless { enable: true });
        let event = call.event(HResult::S_OK);
        let manager = {
            let mut state = core.lock();
            let decided = if answered_later {
                state.engine.check(&event)
            } else {
                state.engine.handle(&event).map(drop)
            };
            if let Err(err) = decided {
                drop(state);
                core.refused(&err, &event, call.text());
                return err.hresult();
            }
            match &state.manager {
                Some(manager) => manager.duplicate(),
                // Accepted callbacks need a bound callback, and the manager's pointer is stored
                // with the binding: unreachable, answered as an unbound callback would be.
                None => return HResult::E_UNEXPECTED,
            }
        };
        let answer = forward(&manager, call);
        drop(manager);
        let follow_up = match *call {
            CallbackCall::EnableModeless { enable: true } => Some(Event::EnableModeless {
                enable: true,
                answer,
            }),
            CallbackCall::Progress { item, .. } => match ProgressAnswer::from_hresult(answer) {
                ProgressAnswer::Continue => None,
                // The progress was applied as reported; the cancel request follows as a
                // report of nothing, answered with it.
                cancel => Some(Event::Progress {
                    item,
                    progress: ProgressItem {
                        mask: 0,
                        status: 0,
                        value: 0,
                        max: 0,
                    },
                    answer: cancel,
                }),
            },
            _ => None,
        };
        if let Some(follow_up) = follow_up {
            let result = core.lock().engine.handle(&follow_up);
            if let Err(err) = result {
                // Only a call racing from another thread can move the engine in between.
                core.record(
                    Fault::Handler,
                    err.rule(),
                    err.hresult(),
                    format!("{err} (the manager's answer came after a racing call)"),
                    trace_line(&event, call.text(), Some(answer)),
                );
            }
        }
        answer
    }
}

/// Calls the manager's callback with `call` as the binary interface carries it.
fn forward(manager: &Manager, call: &CallbackCall<'_>) -> HResult {
    let callback = &manager.0;
    let hr: HRESULT = match *call {
        // SAFETY (each arm): `callback` is a live interface pointer (a reference is held for the
        // duration of the call) and every pointer passed points to a local that outlives it.
        CallbackCall::ShowPropertiesCompleted { hr } => {
            // SAFETY: see above.
            unsafe { callback.ShowPropertiesCompleted(hr.into()) }
        }
        CallbackCall::PrepareForSyncCompleted { hr } => {
            // SAFETY: see above.
            unsafe { callback.PrepareForSyncCompleted(hr.into()) }
        }
        CallbackCall::SynchronizeCompleted { hr } => {
            // SAFETY: see above.
            unsafe { callback.SynchronizeCompleted(hr.into()) }
        }
        CallbackCall::ShowErrorCompleted { hr, items } => {
            let ids: Vec<GUID> = items.iter().map(|&id| GUID::from(id)).collect();
            let count = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            let list = if ids.is_empty() {
                core::ptr::null()
            } else {
                ids.as_ptr()
            };
            // SAFETY: see above; `list` holds `count` GUIDs (NULL for none).
            unsafe { callback.ShowErrorCompleted(hr.into(), count, list) }
        }
        CallbackCall::EnableModeless { enable } => {
            // SAFETY: see above.
            unsafe { callback.EnableModeless(i32::from(enable)) }
        }
        CallbackCall::Progress {
            item,
            progress,
            text,
        } => {
            let text = text.map(WideBuf::new);
            let item = GUID::from(item);
            let progress = SYNCMGRPROGRESSITEM {
                cbSize: SYNCMGRPROGRESSITEM_SIZE,
                mask: progress.mask,
                lpcStatusText: text.as_ref().map_or(core::ptr::null(), WideBuf::as_ptr),
                dwStatusType: progress.status,
                iProgValue: progress.value,
                iMaxValue: progress.max,
            };
            // SAFETY: see above; the status text, if any, is NUL-terminated and outlives the
            // call.
            unsafe { callback.Progress(&item, &progress) }
        }
        CallbackCall::LogError { level, text, info } => {
            let text = WideBuf::new(text);
            let info = SYNCMGRLOGERRORINFO {
                cbSize: SYNCMGRLOGERRORINFO_SIZE,
                mask: info.mask,
                dwSyncMgrErrorFlags: info.error_flags,
                ErrorID: info.error_id.into(),
                ItemID: info.item.into(),
            };
            // SAFETY: see above; the text is NUL-terminated.
            unsafe { callback.LogError(level, text.as_ptr(), &info) }
        }
        CallbackCall::DeleteLogError { error, reserved } => {
            let error = GUID::from(error);
            // SAFETY: see above.
            unsafe { callback.DeleteLogError(&error, reserved) }
        }
        CallbackCall::EstablishConnection { name, reserved } => {
            let name = name.map(WideBuf::new);
            let name_ptr = name.as_ref().map_or(core::ptr::null(), WideBuf::as_ptr);
            // SAFETY: see above; the name is NULL or NUL-terminated.
            unsafe { callback.EstablishConnection(name_ptr, reserved) }
        }
    };
    hr.into()
}
