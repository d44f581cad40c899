//! The simulated manager: [`Simulator`] and one run of it.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};

use crate::flags::ItemState;
use crate::guid::ItemId;
use crate::hresult::HResult;
use crate::machine::{Config, Event, HandlerInfo, Instance, Method, PassReport, SyncMgrItem};
use crate::rule::Rule;
use crate::state::{Phase, UiPhase};
use crate::status::SyncMgrStatus;

use super::callback::{Callback, Shared, State};
use super::handler::{HandlerDescription, SyncHandler};
use super::report::SimReport;
use super::script::{Script, Selection};

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
    passes: Vec<PassReport>,
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
        if self.shared.record(&init, None, Some(answer)).is_err() || answer != HResult::S_OK {
            return;
        }
        let mut description = HandlerDescription::default();
        let answer = handler.get_handler_info(&mut description);
        let info = HandlerInfo::new(&description.name, description.flags);
        let event = Event::GetHandlerInfo { answer, info };
        let _ = self
            .shared
            .record(&event, Some(&description.name), Some(answer));

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
        let enumerated = self.shared.record(&event, None, Some(answer));

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
        if self.shared.record(event, None, None).is_err() {
            return false;
        }
        let hr = call(handler);
        // A refused return is a violation; the manager gives up on the call (and its pass).
        let returned = Event::Return { method, hr };
        self.shared.record(&returned, None, None).is_ok()
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

    /// The pass just ended (or was given up on): its report, in whatever phase it was left.
    fn outcome(&mut self) {
        let report = self.shared.lock().engine.pass_report();
        self.passes.push(report);
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
