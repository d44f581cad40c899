//! The manager's side: [`Callback`] (`ISyncMgrSynchronizeCallback`), and the run's shared state
//! every event is recorded in — the engine, the trace and the violations, under one lock so the
//! trace is in the engine's order.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crate::error::Error;
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;
use crate::machine::{Accepted, Event, Instance, LogErrorInfo, ProgressAnswer, ProgressItem};
use crate::rule::Rule;
use crate::rules::is_violation;
use crate::trace::EventLine;

use super::report::Violation;
use super::script::Script;

pub(super) struct State {
    pub(super) engine: Instance,
    /// The manager's thread is running its own code (not waiting, not inside a call into the
    /// handler): callbacks from other threads wait, as they would for a busy STA.
    pub(super) busy: bool,
    pub(super) trace: Vec<String>,
    pub(super) violations: Vec<Violation>,
    pub(super) progress_calls: HashMap<ItemId, usize>,
}

pub(super) struct Shared {
    pub(super) state: Mutex<State>,
    pub(super) changed: Condvar,
    pub(super) script: Script,
    pub(super) manager: std::thread::ThreadId,
}

impl Shared {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands `event` to the engine and writes its trace line, under one lock so the trace is in
    /// the engine's order; a refusal that is a violation ([`is_violation`]) is recorded as one.
    pub(super) fn record(
        &self,
        event: &Event<'_>,
        text: Option<&str>,
        recorded: Option<HResult>,
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
        state.trace.push(line(*event, text, recorded));
        if let Err(err) = &result
            && is_violation(event.kind(), Some(err.check()), recorded)
        {
            let line = state.trace.len();
            let violation = Violation {
                line,
                rule: err.rule(),
                verdict: err.hresult(),
                message: err.to_string(),
            };
            state.violations.push(violation);
        }
        drop(state);
        self.changed.notify_all();
        result
    }

    pub(super) fn set_busy(&self, busy: bool) {
        self.lock().busy = busy;
        self.changed.notify_all();
    }

    /// A call into the handler whose answer the contract fixes (SetItemStatus,
    /// SetProgressCallback): the engine takes it at entry, and the handler's answer must be the
    /// contract's.
    pub(super) fn call_answered(&self, event: &Event<'_>, call: impl FnOnce() -> HResult) {
        let (index, refused) = {
            let mut state = self.lock();
            let refused = state.engine.handle(event).err().map(|err| err.check());
            state.trace.push(line(*event, None, None));
            (state.trace.len(), refused)
        };
        let hr = call();
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
    }

    pub(super) fn note(&self, text: &str) {
        self.lock().trace.push(format!("# {text}"));
    }

    /// Waits until `done` holds for the engine, or the script's timeout passes.
    pub(super) fn wait_for(&self, done: impl Fn(&Instance) -> bool) -> bool {
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
    pub(super) fn missing(&self, rule: Rule, what: &str) {
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
    pub(super) shared: Arc<Shared>,
}

impl core::fmt::Debug for Callback {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Callback").finish_non_exhaustive()
    }
}

impl Callback {
    fn callback(&self, event: &Event<'_>, text: Option<&str>, answer: HResult) -> HResult {
        match self.shared.record(event, text, None) {
            Ok(_) => answer,
            Err(err) => err.hresult(),
        }
    }

    /// `PrepareForSyncCompleted(hr)` (R-PREP-DONE).
    pub fn prepare_for_sync_completed(&self, hr: HResult) -> HResult {
        self.callback(&Event::PrepareForSyncCompleted { hr }, None, HResult::S_OK)
    }

    /// `SynchronizeCompleted(hr)` (R-SYNC-DONE).
    pub fn synchronize_completed(&self, hr: HResult) -> HResult {
        self.callback(&Event::SynchronizeCompleted { hr }, None, HResult::S_OK)
    }

    /// `ShowPropertiesCompleted(hr)` (R-PROPS-DONE).
    pub fn show_properties_completed(&self, hr: HResult) -> HResult {
        self.callback(&Event::ShowPropertiesCompleted { hr }, None, HResult::S_OK)
    }

    /// `ShowErrorCompleted(hr, cItems, pItemIDs)` (R-ERR-DONE).
    pub fn show_error_completed(&self, hr: HResult, items: &[ItemId]) -> HResult {
        self.callback(
            &Event::ShowErrorCompleted { hr, items },
            None,
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
        match self.shared.record(&event, None, Some(answer)) {
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

        match self.shared.record(&event, text, progress_answer(answer)) {
            Ok(_) => answer.hresult(),
            Err(err) => err.hresult(),
        }
    }

    /// `LogError(dwErrorLevel, pszErrorText, pSyncLogError)` (R-LOG).
    pub fn log_error(&self, level: u32, text: &str, info: LogErrorInfo) -> HResult {
        self.callback(&Event::LogError { level, info }, Some(text), HResult::S_OK)
    }

    /// `DeleteLogError(ErrorID, dwReserved)` (R-DELLOG).
    pub fn delete_log_error(&self, error: ErrorId, reserved: u32) -> HResult {
        self.callback(
            &Event::DeleteLogError { error, reserved },
            None,
            HResult::S_OK,
        )
    }

    /// `EstablishConnection(pwszConnection, dwReserved)` (R-CONN).
    pub fn establish_connection(&self, name: Option<&str>, reserved: u32) -> HResult {
        let event = Event::EstablishConnection {
            has_name: name.is_some(),
            reserved,
        };
        self.callback(&event, name, HResult::S_OK)
    }
}

/// One event as a trace line, with `=> HR` when `recorded` is given.
fn line(event: Event<'_>, text: Option<&str>, recorded: Option<HResult>) -> String {
    let line = EventLine::new(event);
    let line = match text {
        Some(text) => line.text(text),
        None => line,
    };
    match recorded {
        Some(hr) => line.recorded(hr).to_string(),
        None => line.to_string(),
    }
}

/// The `=> HR` of a Progress line: the manager's answer, written only when it cancels.
fn progress_answer(answer: ProgressAnswer) -> Option<HResult> {
    match answer {
        ProgressAnswer::Continue => None,
        other => Some(other.hresult()),
    }
}
