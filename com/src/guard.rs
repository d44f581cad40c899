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
use std::cell::Cell;
use std::sync::Arc;

use mobsync::sim::{CallbackCall, CallbackSink, TextProblem};
use mobsync::trace::EventLine;
use mobsync::{
    Config, Error, Event, Fault, HResult, Instance, ItemId, ProgressAnswer, ProgressItem, Rule,
};
use windows_core::{GUID, HRESULT, Interface};

use crate::abi::size::{SYNCMGRLOGERRORINFO_SIZE, SYNCMGRPROGRESSITEM_SIZE};
use crate::abi::{ISyncMgrSynchronizeCallback, SYNCMGRLOGERRORINFO, SYNCMGRPROGRESSITEM};
use crate::journal::{Journal, Violation};
use crate::lock::{Exclusive, Held};
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
}

/// The engine and the manager's callback, under one lock.
pub(crate) struct State {
    pub(crate) engine: Instance,
    /// The manager's callback from SetProgressCallback, until SetProgressCallback(NULL)
    /// returns. Shared with the callbacks in flight (an `Arc` clone is cheaper than AddRef).
    pub(crate) manager: Option<Arc<Manager>>,
}

/// What a handler object and the callbacks it hands out share.
pub(crate) struct Core {
    state: Exclusive<State>,
    /// Orders the callbacks of threads outside any call from the manager (see the module
    /// documentation).
    forwarding: Exclusive<()>,
    pub(crate) journal: Journal,
}

thread_local! {
    /// How many calls from the manager into guarded handlers this thread is inside: a thread
    /// with any is the manager's, calling in.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// A byte whose address names this thread ([`thread_token`]).
    static TOKEN: u8 = const { 0 };
}

/// This thread, as a non-zero number no other live thread has (the address of a thread-local).
pub(crate) fn thread_token() -> usize {
    TOKEN.with(|token| core::ptr::from_ref(token).addr())
}

/// This thread is inside a call from the manager into a guarded handler.
fn on_manager_thread() -> bool {
    DEPTH.with(Cell::get) > 0
}

/// Marks this thread as inside a call from the manager until dropped.
pub(crate) struct Inside(());

impl Inside {
    pub(crate) fn enter() -> Self {
        DEPTH.with(|depth| depth.set(depth.get() + 1));
        Self(())
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
    }
}

impl Core {
    pub(crate) fn new(config: Config, journal: Journal) -> Self {
        Self {
            state: Exclusive::new(State {
                engine: Instance::with_config(config),
                manager: None,
            }),
            forwarding: Exclusive::new(()),
            journal,
        }
    }

    /// The engine and the manager's callback. Nothing is called while they are held.
    #[inline]
    pub(crate) fn lock(&self) -> Held<'_, State> {
        self.state.lock()
    }

    /// Records a violation of `rule` about `event` (a trace line, see [`trace_line`]).
    #[cold]
    #[inline(never)]
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
    #[cold]
    #[inline(never)]
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
    EventLine::with(*event, text, recorded).to_string()
}

/// The sink of the [`Callback`](mobsync::sim::Callback)s a guarded handler gets.
pub(crate) struct GuardedSink {
    pub(crate) core: Arc<Core>,
}

impl CallbackSink for GuardedSink {
    fn call(&self, call: &CallbackCall<'_>) -> HResult {
        match *call {
            // The hot callback has a path of its own.
            CallbackCall::Progress {
                item,
                progress,
                text,
            } => self.progress(call, item, progress, text),
            _ => self.other(call),
        }
    }
}

impl GuardedSink {
    /// Refuses `call` if its string cannot cross the boundary (R-COM-STR).
    #[cold]
    #[inline(never)]
    fn bad_text(&self, call: &CallbackCall<'_>, problem: TextProblem) -> HResult {
        let kind = call.kind();
        self.core.record(
            Fault::Handler,
            Rule::ComStr,
            HResult::E_INVALIDARG,
            format!("R-COM-STR: {kind} refused: {problem}"),
            trace_line(&call.event(HResult::S_OK), None, None),
        );
        HResult::E_INVALIDARG
    }

    /// Holds the order of forwarded callbacks, except on the manager's thread (see the module
    /// documentation). `None` also when this worker is forwarding already, further up its stack
    /// (the manager called into the handler on it): the order is kept without waiting.
    #[inline]
    fn order(&self) -> Option<Held<'_, ()>> {
        if on_manager_thread() {
            None
        } else {
            self.core.forwarding.enter()
        }
    }

    /// Progress: the engine's fast path, the manager's vtable, and a cancel answer fed back.
    #[inline]
    fn progress(
        &self,
        call: &CallbackCall<'_>,
        item: ItemId,
        progress: ProgressItem,
        text: Option<&str>,
    ) -> HResult {
        let core = &*self.core;
        if text.is_some()
            && let Some(problem) = call.text_problem()
        {
            return self.bad_text(call, problem);
        }
        let _order = self.order();
        let manager = {
            let mut state = core.lock();
            if let Err(err) = state
                .engine
                .progress(item, progress, ProgressAnswer::Continue)
            {
                drop(state);
                core.refused(&err, &call.event(HResult::S_OK), text);
                return err.hresult();
            }
            match &state.manager {
                Some(manager) => Arc::clone(manager),
                // Accepted callbacks need a bound callback, and the manager's pointer is stored
                // with the binding: unreachable, answered as an unbound callback would be.
                None => return HResult::E_UNEXPECTED,
            }
        };
        let answer = forward_progress(&manager, item, progress, text);
        drop(manager);
        match ProgressAnswer::from_hresult(answer) {
            ProgressAnswer::Continue => {}
            // The progress was applied as reported; the cancel request follows as a report of
            // nothing, answered with it.
            cancel => {
                let nothing = ProgressItem {
                    mask: 0,
                    status: 0,
                    value: 0,
                    max: 0,
                };
                let follow_up = Event::Progress {
                    item,
                    progress: nothing,
                    answer: cancel,
                };
                self.follow_up(call, &follow_up, answer);
            }
        }
        answer
    }

    /// Every other callback: decided by the engine, forwarded, its answer fed back.
    fn other(&self, call: &CallbackCall<'_>) -> HResult {
        let core = &*self.core;
        if let Some(problem) = call.text_problem() {
            return self.bad_text(call, problem);
        }
        let _order = self.order();
        // EnableModeless(TRUE)'s answer decides the gate: checked now, applied with the answer.
        let answered_later = matches!(call, CallbackCall::EnableModeless { enable: true });
        let manager = {
            let mut state = core.lock();
            let event = call.event(HResult::S_OK);
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
                Some(manager) => Arc::clone(manager),
                // As for Progress: unreachable.
                None => return HResult::E_UNEXPECTED,
            }
        };
        let answer = forward(&manager, call);
        drop(manager);
        if answered_later {
            let follow_up = Event::EnableModeless {
                enable: true,
                answer,
            };
            self.follow_up(call, &follow_up, answer);
        }
        answer
    }

    /// Feeds the manager's answer to `call` back to the engine as `follow_up`.
    fn follow_up(&self, call: &CallbackCall<'_>, follow_up: &Event<'_>, answer: HResult) {
        let result = self.core.lock().engine.handle(follow_up);
        if let Err(err) = result {
            // Only a call racing from another thread can move the engine in between.
            self.core.record(
                Fault::Handler,
                err.rule(),
                err.hresult(),
                format!("{err} (the manager's answer came after a racing call)"),
                trace_line(&call.event(HResult::S_OK), call.text(), Some(answer)),
            );
        }
    }
}

/// Calls the manager's `Progress` as the binary interface carries it.
#[inline]
fn forward_progress(
    manager: &Manager,
    item: ItemId,
    progress: ProgressItem,
    text: Option<&str>,
) -> HResult {
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
    // SAFETY: `manager.0` is a live interface pointer (the caller holds a reference for the
    // duration of the call); `item` and `progress` are locals that outlive it, and the status
    // text, if any, is NUL-terminated and outlives it too.
    let hr = unsafe { manager.0.Progress(&item, &progress) };
    hr.into()
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
        } => return forward_progress(manager, item, progress, text),
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
