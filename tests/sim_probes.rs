//! The simulator's probes and its transport hook: calls made out of their windows on purpose
//! (`Script::probe_windows`, `Script::skip_after_pass`), lingering for late callbacks
//! (`Script::linger`), and the boundary violations an adapter over a binary interface reports
//! (`SyncHandler::take_boundary_violations`, `Callback::report`).

use std::time::Duration;

use mobsync::sim::{
    BoundaryViolation, Callback, ItemInfo, Script, SimReport, Simulator, SyncHandler,
};
use mobsync::{ErrorId, HResult, ItemId, ProgressItem, Rule, SyncMgrFlags, SyncMgrStatus};

const A: ItemId = ItemId::from_u128(0xA);

/// A small handler that completes everything inline; `lenient` answers S_OK to every
/// SetItemStatus and Synchronize, as some sample handlers do; `late` makes one Progress after
/// its completion, from a worker; `boundary` reports one boundary violation per call.
#[derive(Default)]
struct Small {
    callback: Option<Callback>,
    lenient: bool,
    late: bool,
    boundary: bool,
    prepared: bool,
    worker: Option<std::thread::JoinHandle<()>>,
}

impl SyncHandler for Small {
    fn initialize(&mut self, _: SyncMgrFlags, _: &[u8]) -> HResult {
        HResult::S_OK
    }
    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
        items.push(ItemInfo::new(A, "a"));
        HResult::S_OK
    }
    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
        self.callback = callback;
        HResult::S_OK
    }
    fn prepare_for_sync(&mut self, _: &[ItemId]) -> HResult {
        self.prepared = true;
        if let Some(cb) = &self.callback {
            cb.prepare_for_sync_completed(HResult::S_OK);
        }
        HResult::S_OK
    }
    fn synchronize(&mut self) -> HResult {
        if !self.prepared && !self.lenient {
            return HResult::E_UNEXPECTED;
        }
        let Some(cb) = self.callback.clone() else {
            return HResult::E_UNEXPECTED;
        };
        cb.progress(A, ProgressItem::status(SyncMgrStatus::Succeeded), None);
        cb.synchronize_completed(HResult::S_OK);
        if self.late {
            self.worker = Some(std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                cb.progress(A, ProgressItem::status(SyncMgrStatus::Succeeded), None);
            }));
        }
        HResult::S_OK
    }
    fn set_item_status(&mut self, _: ItemId, _: u32) -> HResult {
        if self.lenient || self.prepared {
            HResult::S_OK
        } else {
            HResult::E_UNEXPECTED
        }
    }
    fn show_properties(&mut self, _: ItemId) -> HResult {
        HResult::E_NOTIMPL
    }
    fn show_error(&mut self, _: ErrorId) -> HResult {
        HResult::E_NOTIMPL
    }
    fn take_boundary_violations(&mut self) -> Vec<BoundaryViolation> {
        if !self.boundary {
            return Vec::new();
        }
        vec![BoundaryViolation {
            rule: Rule::ComSize,
            verdict: HResult::E_INVALIDARG,
            message: "R-COM-SIZE: a wrong cbSize".into(),
        }]
    }
}

fn run(handler: &mut Small, script: Script) -> SimReport {
    Simulator::new(script.timeout(Duration::from_secs(2))).run(handler)
}

#[test]
fn probed_windows_are_answered_e_unexpected_by_a_conformant_handler_and_reported_otherwise() {
    let script = Script::default().probe_windows();
    let clean = run(&mut Small::default(), script.clone());
    assert!(clean.is_clean(), "{}\n{:#?}", clean.trace, clean.violations);
    assert!(
        clean.trace.contains("\nSynchronize => E_UNEXPECTED\n"),
        "{}",
        clean.trace
    );
    let lenient = run(
        &mut Small {
            lenient: true,
            ..Small::default()
        },
        script,
    );
    // The Synchronize it took makes callbacks the contract refuses (R-PROG, R-SYNC-DONE) before
    // it returns S_OK (R-SYNC); then the early SetItemStatus answered S_OK (R-SIS).
    assert_eq!(
        lenient.broken_rules(),
        [Rule::Prog, Rule::SyncDone, Rule::Sync, Rule::Sis],
        "{}",
        lenient.trace
    );
}

#[test]
fn a_skip_after_the_pass_is_made_although_refused_and_its_answer_checked() {
    let script = Script::default().skip_after_pass(A);
    let mut lenient = Small {
        lenient: true,
        ..Small::default()
    };
    let report = run(&mut lenient, script);
    assert_eq!(report.broken_rules(), [Rule::Sis], "{}", report.trace);
    assert!(report.trace.contains("SKIPPED => S_OK"), "{}", report.trace);
}

#[test]
fn lingering_after_a_pass_sees_a_progress_after_the_completion() {
    let mut late = Small {
        late: true,
        ..Small::default()
    };
    let report = run(
        &mut late,
        Script::default().linger(Duration::from_millis(300)),
    );
    assert_eq!(report.broken_rules(), [Rule::Prog], "{}", report.trace);
}

#[test]
fn boundary_violations_are_recorded_on_comment_lines_with_their_rules() {
    let mut handler = Small {
        boundary: true,
        ..Small::default()
    };
    let report = run(&mut handler, Script::default());
    let lines: Vec<&str> = report.trace.lines().collect();
    assert!(!report.violations.is_empty());
    for violation in &report.violations {
        assert_eq!(violation.rule, Rule::ComSize);
        assert_eq!(lines[violation.line - 1], "# R-COM-SIZE: a wrong cbSize");
    }
    // One after each call into the handler: Initialize, GetHandlerInfo (the default
    // answer), EnumSyncMgrItems, SetProgressCallback ×2, PrepareForSync, Synchronize.
    assert_eq!(report.violations.len(), 7, "{}", report.trace);
}
