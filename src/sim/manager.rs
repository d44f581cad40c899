//! The simulated manager: [`Simulator`] and one run of it.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crate::flags::ItemState;
use crate::guid::ItemId;
use crate::hresult::HResult;
use crate::machine::{Config, Event, HandlerInfo, Instance, Method, PassReport, SyncMgrItem};
use crate::rule::{EventKind, Rule};
use crate::state::{Phase, UiPhase};
use crate::status::SyncMgrStatus;

use super::callback::{Callback, Shared, Stage};
use super::handler::{HandlerDescription, SyncHandler};
use super::report::SimReport;
use super::script::{Script, Selection};

/// The simulated manager.
///
/// Like the real one, it runs on one thread and the handler lives in its apartment: callbacks
/// the handler makes from its own worker threads are taken only while the manager waits for a
/// completion, so window A (after PrepareForSync returns) and window B (after Synchronize
/// returns) always exist for the script's skips. A handler that blocks inside a call waiting for
/// its worker's callback would deadlock under the real manager: here the callback waits at most
/// [`Script::wait`] and is refused with a violation that says so, and the wait for each
/// completion ends after the same timeout with a violation.
#[derive(Clone, Debug, Default)]
pub struct Simulator {
    script: Script,
    config: Config,
}

impl Simulator {
    /// A manager that follows `script`, checking with the documented profile.
    #[must_use]
    pub fn new(script: Script) -> Self {
        Self {
            script,
            config: Config::default(),
        }
    }

    /// Check with this profile and these limits instead.
    #[must_use]
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Runs the handler through a whole run: Initialize, GetHandlerInfo, EnumSyncMgrItems,
    /// SetProgressCallback, then passes (PrepareForSync → completion → Synchronize → completion,
    /// with the script's skips, cancels, properties and retries), and SetProgressCallback(NULL).
    ///
    /// It never hangs and never loses a violation: every wait is bounded by [`Script::wait`]; a
    /// panic in the handler is caught, reported as a violation of the method's rule, and ends the
    /// run; before the report is handed out, the run waits (as long as the timeout) for the
    /// handler to drop every clone of its [`Callback`], taking the callbacks its workers still
    /// make, and reports a handler that keeps one. A callback after `run` returned is answered
    /// E_UNEXPECTED: the manager is gone.
    pub fn run<H: SyncHandler + ?Sized>(&self, handler: &mut H) -> SimReport {
        let shared = Arc::new(Shared::new(
            Instance::with_config(self.config),
            self.script.clone(),
        ));
        let mut run = Run {
            shared: &shared,
            undelivered: Vec::new(),
            passes: Vec::new(),
            released: false,
        };
        let _ = run.all(handler);
        let released = run.released;
        let (undelivered, passes) = (run.undelivered, run.passes);
        if released && !shared.wait_for(|state| !state.callback_held) {
            shared.violation(
                Rule::Cb,
                HResult::E_UNEXPECTED,
                format!(
                    "R-CB: the handler still holds the manager's callback {:?} after \
                     SetProgressCallback(NULL) returned; its later callbacks are refused with \
                     E_UNEXPECTED",
                    shared.timeout()
                ),
            );
        }
        let mut state = shared.lock();
        state.stage = Stage::Over;
        let mut trace = state.trace.join("\n");
        trace.push('\n');
        let violations = std::mem::take(&mut state.violations);
        drop(state);
        shared.changed.notify_all();
        SimReport {
            trace,
            violations,
            passes,
            undelivered,
        }
    }
}

/// The handler panicked: the run stops.
struct Panicked;

struct Run<'s> {
    shared: &'s Arc<Shared>,
    undelivered: Vec<String>,
    passes: Vec<PassReport>,
    /// SetProgressCallback(NULL) was delivered.
    released: bool,
}

/// A panic's message, when it is a string.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(not a string)")
}

impl Run<'_> {
    fn script(&self) -> &Script {
        &self.shared.script
    }

    fn allowed(&self, event: &Event<'_>) -> bool {
        self.shared.lock().engine.check(event).is_ok()
    }

    /// Calls the handler's `method` (the event kind whose rule it answers to), catching a panic:
    /// it is reported as a violation of that rule, callbacks waiting for the manager are
    /// released (and refused), and the run stops.
    fn guard<H: SyncHandler + ?Sized, R>(
        &self,
        handler: &mut H,
        method: EventKind,
        call: impl FnOnce(&mut H) -> R,
    ) -> Result<R, Panicked> {
        self.shared.set_inside(Some(method.name()));
        let outcome = catch_unwind(AssertUnwindSafe(|| call(&mut *handler)));
        self.shared.set_inside(None);
        // What the call broke at the binary boundary, if the handler stands for a COM object:
        // recorded before the call's answer.
        if outcome.is_ok() {
            for violation in handler.take_boundary_violations() {
                self.shared
                    .violation(violation.rule, violation.verdict, violation.message);
            }
        }
        outcome.map_err(|payload| {
            let rule = method.rule();
            self.shared.lock().stage = Stage::Aborted;
            self.shared.violation(
                rule,
                HResult::E_FAIL,
                format!(
                    "{rule}: the handler panicked in {method}: {}; the run stops",
                    panic_message(payload.as_ref())
                ),
            );
            self.shared.changed.notify_all();
            Panicked
        })
    }

    fn all<H: SyncHandler + ?Sized>(&mut self, handler: &mut H) -> Result<(), Panicked> {
        let flags = self.script().flags;
        let answer = self.guard(handler, EventKind::Initialize, |h| h.initialize(flags, &[]))?;
        let init = Event::Initialize {
            reserved: 0,
            flags,
            answer,
        };
        if self.shared.record(&init, None, Some(answer)).is_err() || answer != HResult::S_OK {
            return Ok(());
        }
        let mut description = HandlerDescription::default();
        let answer = self.guard(handler, EventKind::GetHandlerInfo, |h| {
            h.get_handler_info(&mut description)
        })?;
        let info = HandlerInfo::new(&description.name, description.flags);
        let event = Event::GetHandlerInfo { answer, info };
        let _ = self
            .shared
            .record(&event, Some(&description.name), Some(answer));

        let mut infos = Vec::new();
        let answer = self.guard(handler, EventKind::EnumSyncMgrItems, |h| {
            h.enum_sync_mgr_items(&mut infos)
        })?;
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
        // Readable traces: the items are declared by the names the handler gave them.
        let names = infos.iter().map(|i| (i.id, i.name.as_str()));
        self.shared.lock().names.name_items(names);
        let enumerated = self.shared.record(&event, None, Some(answer));

        let callback = Callback::simulated(self.shared);
        self.answered(handler, &Event::SetProgressCallback { bind: true }, |h| {
            h.set_progress_callback(Some(callback))
        })?;

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
        if self.script().probe_windows {
            self.probe(handler, selection.first().copied())?;
        }
        let mut retries = self.script().retries;
        let mut first = true;
        // If the user selected no items, Synchronize is never called [doc].
        while !selection.is_empty() {
            self.pass(handler, &selection)?;
            if first && let Some(item) = self.script().properties {
                self.properties(handler, item)?;
            }
            first = false;
            if retries == 0 || !self.is_reusable() {
                break;
            }
            selection = self.show_error(handler)?;
            retries -= 1;
        }
        let release = Event::SetProgressCallback { bind: false };
        if self.allowed(&release) {
            self.answered(handler, &release, |h| h.set_progress_callback(None))?;
            self.released = true;
        } else {
            self.shared
                .note("the contract refuses SetProgressCallback(NULL) now: no release call");
        }
        Ok(())
    }

    /// A call whose answer the contract fixes ([`Shared::call_answered`]), guarded.
    fn answered<H: SyncHandler + ?Sized>(
        &self,
        handler: &mut H,
        event: &Event<'_>,
        call: impl FnOnce(&mut H) -> HResult,
    ) -> Result<HResult, Panicked> {
        let mut panicked = false;
        let hr = self.shared.call_answered(event, || {
            let hr = self.guard(handler, event.kind(), call).ok();
            panicked = hr.is_none();
            hr
        });
        match hr {
            Some(hr) if !panicked => Ok(hr),
            _ => Err(Panicked),
        }
    }

    /// The instance can take another pass (the last one finished).
    fn is_reusable(&self) -> bool {
        matches!(self.shared.lock().engine.phase(), Phase::Finished(_))
    }

    /// Calls out of their windows, made only when the contract refuses them: the handler's
    /// answers are checked.
    fn probe<H: SyncHandler + ?Sized>(
        &mut self,
        handler: &mut H,
        item: Option<ItemId>,
    ) -> Result<(), Panicked> {
        if !self.allowed(&Event::Synchronize) {
            self.answered(handler, &Event::Synchronize, |h| h.synchronize())?;
        }
        if let Some(item) = item {
            let status = SyncMgrStatus::Skipped as u32;
            let event = Event::SetItemStatus { item, status };
            if !self.allowed(&event) {
                self.answered(handler, &event, |h| h.set_item_status(item, status))?;
            }
        }
        Ok(())
    }

    /// A call with a separate return: its entry, the handler's call, its return; `false` when
    /// the entry or the return is refused (the manager gives up on the call, and its pass).
    fn call<H: SyncHandler + ?Sized>(
        &mut self,
        handler: &mut H,
        event: &Event<'_>,
        method: Method,
        call: impl FnOnce(&mut H) -> HResult,
    ) -> Result<bool, Panicked> {
        if self.shared.record(event, None, None).is_err() {
            return Ok(false);
        }
        let hr = self.guard(handler, event.kind(), call)?;
        let returned = Event::Return { method, hr };
        Ok(self.shared.record(&returned, None, None).is_ok())
    }

    fn skips<H: SyncHandler + ?Sized>(
        &mut self,
        handler: &mut H,
        items: &[ItemId],
        window: &str,
    ) -> Result<(), Panicked> {
        for &item in items {
            let event = Event::SetItemStatus {
                item,
                status: SyncMgrStatus::Skipped as u32,
            };
            if self.allowed(&event) {
                self.answered(handler, &event, |h| {
                    h.set_item_status(item, SyncMgrStatus::Skipped as u32)
                })?;
            } else {
                self.undelivered
                    .push(format!("skip {item} in window {window}"));
            }
        }
        Ok(())
    }

    fn pass<H: SyncHandler + ?Sized>(
        &mut self,
        handler: &mut H,
        items: &[ItemId],
    ) -> Result<(), Panicked> {
        let outcome = self.pass_steps(handler, items);
        // The pass just ended (or was given up on): its report, in whatever phase it was left.
        let report = self.shared.lock().engine.pass_report();
        self.passes.push(report);
        outcome?;
        self.shared.linger(self.script().linger);
        // Skips that come too late are made although the contract refuses them: the handler's
        // answer is what is checked.
        let late = self.script().late_skips.clone();
        for item in late {
            let status = SyncMgrStatus::Skipped as u32;
            let event = Event::SetItemStatus { item, status };
            self.answered(handler, &event, |h| h.set_item_status(item, status))?;
        }
        Ok(())
    }

    fn pass_steps<H: SyncHandler + ?Sized>(
        &mut self,
        handler: &mut H,
        items: &[ItemId],
    ) -> Result<(), Panicked> {
        let prepare = Event::PrepareForSync { items, reserved: 0 };
        if !self.call(handler, &prepare, Method::PrepareForSync, |h| {
            h.prepare_for_sync(items)
        })? {
            return Ok(());
        }
        let skip_a = self.script().skip_a.clone();
        self.skips(handler, &skip_a, "A")?;
        let prepared = self.shared.wait_for(|s| {
            !matches!(
                s.engine.phase(),
                Phase::Preparing | Phase::PreparingDone(_) | Phase::AwaitPrepareCompletion
            )
        });
        if !prepared {
            self.shared
                .missing(Rule::PrepDone, "PrepareForSyncCompleted");
            return Ok(());
        }
        if self.shared.lock().engine.phase() != Phase::Prepared {
            return Ok(());
        }
        if !self.call(handler, &Event::Synchronize, Method::Synchronize, |h| {
            h.synchronize()
        })? {
            return Ok(());
        }
        let skip_b = self.script().skip_b.clone();
        self.skips(handler, &skip_b, "B")?;
        let finished = self.shared.wait_for(|s| {
            !matches!(
                s.engine.phase(),
                Phase::Synchronizing | Phase::SynchronizingDone(_) | Phase::AwaitSyncCompletion
            )
        });
        if !finished {
            self.shared.missing(Rule::SyncDone, "SynchronizeCompleted");
        }
        Ok(())
    }

    fn properties<H: SyncHandler + ?Sized>(
        &mut self,
        handler: &mut H,
        item: ItemId,
    ) -> Result<(), Panicked> {
        let event = Event::ShowProperties { item };
        if !self.allowed(&event) {
            self.undelivered.push(format!("show properties of {item}"));
            return Ok(());
        }
        self.call(handler, &event, Method::ShowProperties, |h| {
            h.show_properties(item)
        })?;
        if !self
            .shared
            .wait_for(|s| s.engine.properties_ui() == UiPhase::Closed)
        {
            self.shared
                .missing(Rule::PropsDone, "ShowPropertiesCompleted");
        }
        Ok(())
    }

    /// Shows the first logged error; returns the items to retry (empty for none).
    fn show_error<H: SyncHandler + ?Sized>(
        &mut self,
        handler: &mut H,
    ) -> Result<Vec<ItemId>, Panicked> {
        let Some(error) = self.shared.lock().engine.error_log().first().copied() else {
            return Ok(Vec::new());
        };
        let event = Event::ShowError { error };
        if !self.allowed(&event) {
            self.undelivered.push(format!("show error {error}"));
            return Ok(Vec::new());
        }
        self.call(handler, &event, Method::ShowError, |h| h.show_error(error))?;
        if !self
            .shared
            .wait_for(|s| s.engine.error_ui() == UiPhase::Closed)
        {
            self.shared.missing(Rule::ErrDone, "ShowErrorCompleted");
            return Ok(Vec::new());
        }
        let retry = self.shared.lock().engine.retry_items().to_vec();
        if !retry.is_empty() {
            self.shared
                .note("the handler asked for a retry: another pass");
        }
        Ok(retry)
    }
}
