//! The manager's side: [`Callback`] (`ISyncMgrSynchronizeCallback`), and the run's shared state
//! every event is recorded in — the engine, the trace and the violations, under one lock so the
//! trace is in the engine's order.
//!
//! # Threads
//!
//! The manager runs like a single-threaded apartment: a callback from another thread than the
//! manager's is taken only while the manager waits (for a completion, or for the run to end), so
//! windows A and B always exist. A callback that waits longer than the script's timeout for the
//! manager — because the handler blocks inside a call until its worker has called back — is
//! refused with a violation saying what a real apartment-threaded manager would do: deadlock.
//! Once the run is over, every callback is refused with E_UNEXPECTED; [`super::Simulator::run`]
//! waits (as long as the timeout) for the handler to drop every clone of its callback before it
//! hands out the report, so nothing a worker does during a run can be missing from it.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::flags::ProgressMask;
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;
use crate::machine::{Accepted, Event, Instance, LogErrorInfo, ProgressAnswer, ProgressItem};
use crate::rule::Rule;
use crate::rules::is_violation;
use crate::trace::{EventLine, IdNames};

use super::names::Names;
use super::report::{BoundaryViolation, Violation};
use super::script::Script;
use super::sink::{CallbackCall, CallbackSink, TextProblem};

/// Where the run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    /// The manager drives the handler.
    Running,
    /// The handler panicked: the manager drives nothing more, callbacks are refused.
    Aborted,
    /// The report was taken: callbacks are refused and no longer recorded.
    Over,
}

pub(super) struct State {
    pub(super) engine: Instance,
    /// The manager's thread is running its own code (not waiting, not inside a call into the
    /// handler): callbacks from other threads wait, as they would for a busy STA.
    pub(super) busy: bool,
    pub(super) stage: Stage,
    /// Some clone of the handler's [`Callback`] is alive.
    pub(super) callback_held: bool,
    pub(super) trace: Vec<String>,
    pub(super) violations: Vec<Violation>,
    pub(super) progress_calls: HashMap<ItemId, usize>,
    /// The call the manager's thread is in (for the deadlock message).
    pub(super) inside: Option<&'static str>,
    /// Callbacks refused after the report was taken.
    pub(super) late: usize,
    /// The names ids are written with, declared in the trace as they first appear.
    pub(super) names: Names,
}

impl State {
    /// `event`'s trace line, by names: first appends the declarations of the names it uses for
    /// the first time to the trace.
    fn line(&mut self, event: Event<'_>, text: Option<&str>, recorded: Option<HResult>) -> String {
        self.names.declare(&event, &mut self.trace);
        line(event, text, recorded, &self.names)
    }
}

pub(super) struct Shared {
    pub(super) state: Mutex<State>,
    pub(super) changed: Condvar,
    pub(super) script: Script,
    pub(super) manager: std::thread::ThreadId,
}

impl Shared {
    pub(super) fn new(engine: Instance, script: Script) -> Self {
        Self {
            state: Mutex::new(State {
                engine,
                busy: true,
                stage: Stage::Running,
                callback_held: false,
                trace: vec!["# mobsync simulator run (trace format v1)".to_owned()],
                violations: Vec::new(),
                progress_calls: HashMap::new(),
                inside: None,
                late: 0,
                names: Names::default(),
            }),
            changed: Condvar::new(),
            script,
            manager: std::thread::current().id(),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits on the condition variable until `deadline`; `None` once it has passed.
    fn wait_until<'a>(
        &self,
        state: MutexGuard<'a, State>,
        deadline: Instant,
    ) -> Option<MutexGuard<'a, State>> {
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        Some(match self.changed.wait_timeout(state, deadline - now) {
            Ok((guard, _)) => guard,
            Err(poisoned) => poisoned.into_inner().0,
        })
    }

    /// Hands an event of the manager's own thread to the engine and writes its trace line, under
    /// one lock so the trace is in the engine's order; a refusal that is a violation
    /// ([`is_violation`]) is recorded as one.
    pub(super) fn record(
        &self,
        event: &Event<'_>,
        text: Option<&str>,
        recorded: Option<HResult>,
    ) -> Result<Accepted, Error> {
        let mut state = self.lock();
        let result = Self::decide(&mut state, event, text, recorded);
        drop(state);
        self.changed.notify_all();
        result
    }

    fn decide(
        state: &mut State,
        event: &Event<'_>,
        text: Option<&str>,
        recorded: Option<HResult>,
    ) -> Result<Accepted, Error> {
        let result = state.engine.handle(event);
        let line = state.line(*event, text, recorded);
        state.trace.push(line);
        if let Err(err) = &result
            && is_violation(event.kind(), Some(err.check()), recorded)
        {
            let line = state.trace.len();
            state.violations.push(Violation {
                line,
                rule: err.rule(),
                verdict: err.hresult(),
                message: err.to_string(),
            });
        }
        result
    }

    /// A callback, from any thread: waits (at most the script's timeout) for the manager when it
    /// comes from another thread, then records it as [`Shared::record`] does. `Err` is the
    /// manager's refusal: the contract's error, or E_UNEXPECTED for a callback the manager could
    /// not take (a deadlock, a run that stopped or ended), recorded as a violation in the run.
    fn callback(
        &self,
        event: &Event<'_>,
        text: Option<&str>,
        recorded: Option<HResult>,
    ) -> Result<Accepted, HResult> {
        let mut state = self.lock();
        if std::thread::current().id() != self.manager {
            let deadline = Instant::now() + self.script.wait;
            while state.busy && state.stage == Stage::Running {
                match self.wait_until(state, deadline) {
                    Some(guard) => state = guard,
                    None => {
                        let mut state = self.lock();
                        let inside = state.inside.unwrap_or("its own code");
                        let why = format!(
                            "waited {:?} while the manager's thread was inside {inside}: an \
                             apartment-threaded manager would deadlock",
                            self.script.wait
                        );
                        Self::refuse(&mut state, event, text, &why);
                        return Err(HResult::E_UNEXPECTED);
                    }
                }
            }
        }
        match state.stage {
            Stage::Running => {}
            Stage::Aborted => {
                let why = "the run stopped after the handler panicked";
                Self::refuse(&mut state, event, text, why);
                return Err(HResult::E_UNEXPECTED);
            }
            Stage::Over => {
                state.late += 1;
                return Err(HResult::E_UNEXPECTED);
            }
        }
        let result = Self::decide(&mut state, event, text, recorded);
        drop(state);
        self.changed.notify_all();
        result.map_err(|err| err.hresult())
    }

    /// A callback the manager could not take: a comment line with the event, and a violation of
    /// the callback's rule on it.
    fn refuse(state: &mut State, event: &Event<'_>, text: Option<&str>, why: &str) {
        let kind = event.kind();
        let shown = state.line(*event, text, None);
        state.trace.push(format!("# refused, {why}: {shown}"));
        let line = state.trace.len();
        state.violations.push(Violation {
            line,
            rule: kind.rule(),
            verdict: HResult::E_UNEXPECTED,
            message: format!("{}: {kind} refused: it {why}", kind.rule()),
        });
    }

    /// A callback whose string cannot cross the COM boundary (R-COM-STR): refused with
    /// E_INVALIDARG, as a real manager behind `mobsync-com`'s guard would never see it.
    fn refuse_text(&self, call: &CallbackCall<'_>, problem: TextProblem) -> HResult {
        let kind = call.kind();
        let mut state = self.lock();
        let shown = state.line(call.event(HResult::S_OK), None, None);
        state.trace.push(format!("# refused, R-COM-STR: {shown}"));
        let line = state.trace.len();
        state.violations.push(Violation {
            line,
            rule: Rule::ComStr,
            verdict: HResult::E_INVALIDARG,
            message: format!("R-COM-STR: {kind} refused: {problem}"),
        });
        HResult::E_INVALIDARG
    }

    /// A violation the manager saw on its own thread, on a comment line of its own.
    pub(super) fn violation(&self, rule: Rule, verdict: HResult, message: String) {
        let mut state = self.lock();
        state.trace.push(format!("# {message}"));
        let line = state.trace.len();
        state.violations.push(Violation {
            line,
            rule,
            verdict,
            message,
        });
    }

    /// The manager's thread enters (`Some`) or leaves (`None`) a call into the handler.
    pub(super) fn set_inside(&self, inside: Option<&'static str>) {
        self.lock().inside = inside;
    }

    /// A call into the handler whose answer the contract fixes (SetItemStatus,
    /// SetProgressCallback): the engine takes it at entry, and the handler's answer must be the
    /// contract's. `call` is `None` when the handler panicked.
    pub(super) fn call_answered(
        &self,
        event: &Event<'_>,
        call: impl FnOnce() -> Option<HResult>,
    ) -> Option<HResult> {
        let (index, refused) = {
            let mut state = self.lock();
            let refused = state.engine.handle(event).err().map(|err| err.check());
            let line = state.line(*event, None, None);
            state.trace.push(line);
            (state.trace.len(), refused)
        };
        let hr = call()?;
        let mut state = self.lock();
        if let Some(text) = state.trace.get_mut(index - 1) {
            text.push_str(&format!(" => {}", hr.short()));
        }
        if is_violation(event.kind(), refused, Some(hr)) {
            let expected = refused.map_or(HResult::S_OK, |check| check.hresult());
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
        Some(hr)
    }

    pub(super) fn note(&self, text: &str) {
        self.lock().trace.push(format!("# {text}"));
    }

    /// Waits (taking callbacks from other threads meanwhile) until `done` holds, or the
    /// script's timeout passes.
    pub(super) fn wait_for(&self, done: impl Fn(&State) -> bool) -> bool {
        let deadline = Instant::now() + self.script.wait;
        let mut state = self.lock();
        state.busy = false;
        self.changed.notify_all();
        let done = loop {
            if done(&state) {
                break true;
            }
            match self.wait_until(state, deadline) {
                Some(guard) => state = guard,
                None => {
                    state = self.lock();
                    break done(&state);
                }
            }
        };
        state.busy = true;
        done
    }

    /// Takes callbacks from other threads for `time`, as a manager does while its UI stays up.
    pub(super) fn linger(&self, time: Duration) {
        if time.is_zero() {
            return;
        }
        let deadline = Instant::now() + time;
        let mut state = self.lock();
        state.busy = false;
        self.changed.notify_all();
        while let Some(guard) = self.wait_until(state, deadline) {
            state = guard;
        }
        self.lock().busy = true;
    }

    /// A completion that never came: a violation of `rule`.
    pub(super) fn missing(&self, rule: Rule, what: &str) {
        let message = format!("timeout: {rule}: no {what} within {:?}", self.script.wait);
        self.violation(rule, HResult::E_PENDING, message);
    }

    /// The script's timeout.
    pub(super) fn timeout(&self) -> Duration {
        self.script.wait
    }
}

/// The simulated manager's side of one run, as a [`CallbackSink`]. The last clone of the
/// handler's [`Callback`] drops it, which tells the manager the handler let go of its callback.
struct Sink {
    shared: Arc<Shared>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.shared.lock().callback_held = false;
        self.shared.changed.notify_all();
    }
}

impl Sink {
    /// The script's answer to the next Progress call for `item`.
    fn progress_answer(&self, item: ItemId) -> ProgressAnswer {
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
    }
}

impl CallbackSink for Sink {
    fn report(&self, violation: BoundaryViolation) {
        self.shared
            .violation(violation.rule, violation.verdict, violation.message);
    }

    fn call(&self, call: &CallbackCall<'_>) -> HResult {
        if let Some(problem) = call.text_problem() {
            return self.shared.refuse_text(call, problem);
        }
        // The manager's answer, and the one the trace records (`=> HR`), if any.
        let (answer, recorded) = match *call {
            CallbackCall::EnableModeless { enable: true } => {
                let answer = self.shared.script.modeless_answer;
                (answer, Some(answer))
            }
            CallbackCall::EnableModeless { enable: false } => (HResult::S_OK, Some(HResult::S_OK)),
            CallbackCall::Progress { item, .. } => {
                let answer = self.progress_answer(item);
                (answer.hresult(), progress_answer(answer))
            }
            _ => (HResult::S_OK, None),
        };
        match self
            .shared
            .callback(&call.event(answer), call.text(), recorded)
        {
            Ok(_) => answer,
            Err(hr) => hr,
        }
    }
}

/// The manager's side, `ISyncMgrSynchronizeCallback`: what the handler calls back. Cheap to
/// clone, `Send + Sync`: hand clones to worker threads. Each method returns the manager's answer,
/// unchanged; a call the contract refuses is answered with the contract's error and, by the
/// simulator and by `mobsync-com`'s guard, recorded as a violation without reaching the manager.
///
/// A `Callback` carries its calls over a [`CallbackSink`]: the simulator's manager, a real
/// `ISyncMgrSynchronizeCallback` behind `mobsync-com`'s guard, or a sink of your own
/// ([`Callback::new`]).
///
/// Drop every clone once `set_progress_callback(None)` has returned: the simulator waits for
/// that, at most the script's timeout, before it hands out its report, and reports a handler
/// that keeps one (R-CB; CONTRACT §9, R-COM-REF).
#[derive(Clone)]
pub struct Callback {
    sink: Arc<dyn CallbackSink>,
}

impl core::fmt::Debug for Callback {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Callback").finish_non_exhaustive()
    }
}

impl Callback {
    /// A callback that delivers every call to `sink`; the sink is dropped with the last clone.
    pub fn new(sink: impl CallbackSink + 'static) -> Self {
        Self {
            sink: Arc::new(sink),
        }
    }

    /// The callback of a simulated run; the run's state says it is held until the last clone
    /// drops.
    pub(super) fn simulated(shared: &Arc<Shared>) -> Self {
        shared.lock().callback_held = true;
        Self::new(Sink {
            shared: Arc::clone(shared),
        })
    }

    /// Delivers one call as it is; the named methods below build it.
    pub fn call(&self, call: &CallbackCall<'_>) -> HResult {
        self.sink.call(call)
    }

    /// Reports a callback that broke the binary boundary before it could become a call (CONTRACT
    /// §9): the transport that received it — an `ISyncMgrSynchronizeCallback` standing for this
    /// callback — answers it `violation.verdict` itself and reports it here. Under the simulator
    /// it is a violation of the run, on a comment line of the trace.
    pub fn report(&self, violation: BoundaryViolation) {
        self.sink.report(violation);
    }

    /// `PrepareForSyncCompleted(hr)` (R-PREP-DONE).
    pub fn prepare_for_sync_completed(&self, hr: HResult) -> HResult {
        self.call(&CallbackCall::PrepareForSyncCompleted { hr })
    }

    /// `SynchronizeCompleted(hr)` (R-SYNC-DONE).
    pub fn synchronize_completed(&self, hr: HResult) -> HResult {
        self.call(&CallbackCall::SynchronizeCompleted { hr })
    }

    /// `ShowPropertiesCompleted(hr)` (R-PROPS-DONE).
    pub fn show_properties_completed(&self, hr: HResult) -> HResult {
        self.call(&CallbackCall::ShowPropertiesCompleted { hr })
    }

    /// `ShowErrorCompleted(hr, cItems, pItemIDs)` (R-ERR-DONE).
    pub fn show_error_completed(&self, hr: HResult, items: &[ItemId]) -> HResult {
        self.call(&CallbackCall::ShowErrorCompleted { hr, items })
    }

    /// `EnableModeless(fEnable)` (R-MODAL): the manager's answer (the simulator answers TRUE
    /// with its script's answer, FALSE with S_OK).
    pub fn enable_modeless(&self, enable: bool) -> HResult {
        self.call(&CallbackCall::EnableModeless { enable })
    }

    /// `Progress(ItemID, pSyncProgressItem)` (R-PROG). `text` is the status text: STATUSTEXT is
    /// set exactly when it is `Some` (the mask's STATUSTEXT bit as given is ignored). Answers
    /// the manager's answer: S_OK, or S_SYNCMGR_CANCELITEM / S_SYNCMGR_CANCELALL to cancel.
    pub fn progress(&self, item: ItemId, progress: ProgressItem, text: Option<&str>) -> HResult {
        let progress = if text.is_some() {
            progress.with_text()
        } else {
            ProgressItem {
                mask: progress.mask & !ProgressMask::STATUSTEXT.bits(),
                ..progress
            }
        };
        self.call(&CallbackCall::Progress {
            item,
            progress,
            text,
        })
    }

    /// `LogError(dwErrorLevel, pszErrorText, pSyncLogError)` (R-LOG).
    pub fn log_error(&self, level: u32, text: &str, info: LogErrorInfo) -> HResult {
        self.call(&CallbackCall::LogError { level, text, info })
    }

    /// `DeleteLogError(ErrorID, dwReserved)` (R-DELLOG).
    pub fn delete_log_error(&self, error: ErrorId, reserved: u32) -> HResult {
        self.call(&CallbackCall::DeleteLogError { error, reserved })
    }

    /// `EstablishConnection(pwszConnection, dwReserved)` (R-CONN).
    pub fn establish_connection(&self, name: Option<&str>, reserved: u32) -> HResult {
        self.call(&CallbackCall::EstablishConnection { name, reserved })
    }
}

/// One event as a trace line, ids by `names`, with `=> HR` when `recorded` is given.
fn line(
    event: Event<'_>,
    text: Option<&str>,
    recorded: Option<HResult>,
    names: &dyn IdNames,
) -> String {
    EventLine::with(event, text, recorded)
        .names(names)
        .to_string()
}

/// The `=> HR` of a Progress line: the manager's answer, written only when it cancels.
fn progress_answer(answer: ProgressAnswer) -> Option<HResult> {
    match answer {
        ProgressAnswer::Continue => None,
        other => Some(other.hresult()),
    }
}
