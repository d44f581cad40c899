//! The example handlers under the simulated manager: the folder mirror conforms under every
//! script, and the broken handler's every fault is reported with its rule id.

#[path = "../examples/handlers/broken.rs"]
mod broken;
#[path = "../examples/handlers/folder_mirror.rs"]
mod folder_mirror;
#[path = "support/tree.rs"]
mod tree;

use std::fs;

use broken::{Broken, Fault, STRANGER};
use folder_mirror::{FolderMirror, LOCK};
use mobsync::sim::{Script, SimReport, Simulator};
use mobsync::{HResult, ItemId, ProgressAnswer, Rule, SyncMgrStatus};
use tree::{DOCS, MUSIC, PHOTOS, Tree};

impl Tree {
    fn run(&self, script: Script) -> SimReport {
        Simulator::new(script).run(&mut FolderMirror::new(self.folders.clone()))
    }
}

/// The run has no violation, every pass ended clean, and the trace the simulator wrote checks
/// clean through the trace checker too.
#[track_caller]
fn assert_conforms(report: &SimReport) {
    assert!(
        report.violations.is_empty(),
        "{:#?}\n{}",
        report.violations,
        report.trace
    );
    assert!(report.is_clean(), "{:#?}\n{}", report.passes, report.trace);
    assert_eq!(
        replayed_violations(report),
        Vec::<String>::new(),
        "{}",
        report.trace
    );
}

/// The violations `mobsync check` finds in the simulator's trace.
fn replayed_violations(report: &SimReport) -> Vec<String> {
    let mut found = Vec::new();
    mobsync::trace::check(report.trace.as_bytes(), mobsync::Config::default(), |v| {
        if v.violation {
            found.push(v.to_string());
        }
    })
    .unwrap_or_else(|e| {
        panic!(
            "the simulator wrote an invalid trace: {e}\n{}",
            report.trace
        )
    });
    found
}

#[test]
fn folder_mirror_conforms_on_a_plain_run_and_copies_every_file() {
    let tree = Tree::new("plain");
    let report = tree.run(Script::default());
    assert_conforms(&report);
    for id in [DOCS, PHOTOS, MUSIC] {
        assert_eq!(report.final_status(id), Some(SyncMgrStatus::Succeeded));
        assert_eq!(tree.copied(id), 3);
    }
}

#[test]
fn folder_mirror_honours_a_skip_in_window_a() {
    let tree = Tree::new("skip-a");
    let report = tree.run(Script::default().skip_in_window_a(PHOTOS));
    assert_conforms(&report);
    assert!(report.undelivered.is_empty(), "{:?}", report.undelivered);
    assert_eq!(report.final_status(PHOTOS), Some(SyncMgrStatus::Skipped));
    assert_eq!(tree.copied(PHOTOS), 0);
    assert_eq!(report.final_status(DOCS), Some(SyncMgrStatus::Succeeded));
}

#[test]
fn folder_mirror_honours_a_skip_in_window_b() {
    let tree = Tree::new("skip-b");
    let report = tree.run(Script::default().skip_in_window_b(MUSIC));
    assert_conforms(&report);
    assert!(report.undelivered.is_empty(), "{:?}", report.undelivered);
    assert_eq!(report.final_status(MUSIC), Some(SyncMgrStatus::Skipped));
}

#[test]
fn folder_mirror_honours_cancel_item_and_cancel_all_answers() {
    let tree = Tree::new("cancel-item");
    let report = tree.run(Script::default().answer_progress(PHOTOS, 2, ProgressAnswer::CancelItem));
    assert_conforms(&report);
    assert_eq!(report.final_status(PHOTOS), Some(SyncMgrStatus::Skipped));
    assert_eq!(report.final_status(MUSIC), Some(SyncMgrStatus::Succeeded));

    let tree = Tree::new("cancel-all");
    let report = tree.run(Script::default().answer_progress(DOCS, 1, ProgressAnswer::CancelAll));
    assert_conforms(&report);
    for id in [DOCS, PHOTOS, MUSIC] {
        assert_eq!(
            report.final_status(id),
            Some(SyncMgrStatus::Skipped),
            "{id}"
        );
    }
}

#[test]
fn folder_mirror_logs_the_failure_and_retries_it_through_show_error() {
    let tree = Tree::new("retry");
    tree.lock(PHOTOS);
    let report = tree.run(Script::default().show_errors(1));
    assert_conforms(&report);
    assert_eq!(report.passes.len(), 2, "{}", report.trace);
    assert_eq!(
        report.passes[0].item(PHOTOS).map(|i| i.status),
        Some(SyncMgrStatus::Failed)
    );
    assert_eq!(report.final_status(PHOTOS), Some(SyncMgrStatus::Succeeded));
    assert!(
        report
            .trace
            .contains("ShowErrorCompleted S_SYNCMGR_RETRYSYNC")
    );
    assert_eq!(tree.copied(PHOTOS), 3);
}

#[test]
fn folder_mirror_shows_no_ui_when_enable_modeless_is_answered_s_false() {
    let tree = Tree::new("modeless");
    tree.lock(PHOTOS);
    let report = tree.run(
        Script::default()
            .show_errors(1)
            .enable_modeless_answer(HResult::S_FALSE),
    );
    assert!(report.violations.is_empty(), "{:#?}", report.violations);
    // No dialog, so no retry: the folder stays failed, and the run says so.
    assert_eq!(report.passes.len(), 1);
    assert_eq!(report.final_status(PHOTOS), Some(SyncMgrStatus::Failed));
    assert!(report.trace.contains("EnableModeless true => S_FALSE"));
    assert!(!report.trace.contains("EnableModeless false"));
}

#[test]
fn folder_mirror_shows_properties() {
    let tree = Tree::new("props");
    let report = tree.run(Script::default().show_properties(DOCS));
    assert_conforms(&report);
    assert!(report.trace.contains("ShowPropertiesCompleted S_OK"));
}

fn broken(faults: &[Fault]) -> SimReport {
    let mut handler = Broken::new(vec![DOCS, PHOTOS], faults.to_vec());
    Simulator::new(Script::default()).run(&mut handler)
}

#[test]
fn broken_handler_without_faults_conforms() {
    assert_conforms(&broken(&[]));
}

#[test]
fn simulator_reports_a_failure_return_after_an_early_completion() {
    let report = broken(&[Fault::FailureReturnAfterEarlyCompletion]);
    assert_eq!(report.broken_rules(), [Rule::PrepRet], "{}", report.trace);
    assert!(report.trace.contains("return PrepareForSync E_FAIL"));
}

#[test]
fn simulator_reports_progress_for_an_unselected_item() {
    let report = broken(&[Fault::ProgressForUnselectedItem]);
    assert_eq!(report.broken_rules(), [Rule::Prog]);
    assert!(report.violations[0].message.contains(&STRANGER.to_string()));
}

#[test]
fn simulator_reports_a_second_completion() {
    let report = broken(&[Fault::CompletionTwice]);
    assert_eq!(report.broken_rules(), [Rule::SyncDone]);
}

#[test]
fn simulator_reports_progress_after_synchronize_completed() {
    let report = broken(&[Fault::ProgressAfterCompletion]);
    assert_eq!(report.broken_rules(), [Rule::Prog]);
    assert_eq!(report.violations[0].verdict, HResult::E_UNEXPECTED);
}

#[test]
fn simulator_reports_every_fault_of_one_run_in_order() {
    let report = broken(&[
        Fault::ProgressForUnselectedItem,
        Fault::CompletionTwice,
        Fault::ProgressAfterCompletion,
    ]);
    assert_eq!(
        report.broken_rules(),
        [Rule::Prog, Rule::SyncDone, Rule::Prog]
    );
    for v in &report.violations {
        let line = report.trace.lines().nth(v.line - 1).unwrap();
        assert!(!line.starts_with('#'), "violation {v:?} points at {line}");
    }
    // Replaying the trace finds exactly these violations, on the same lines.
    let replayed: Vec<(usize, String)> = replayed_violations(&report)
        .iter()
        .map(|l| {
            let (line, rest) = l.split_once(": ").unwrap();
            (
                line.parse().unwrap(),
                rest.split(' ').nth(1).unwrap().to_owned(),
            )
        })
        .collect();
    let simulated: Vec<(usize, String)> = report
        .violations
        .iter()
        .map(|v| (v.line, v.rule.id().to_owned()))
        .collect();
    assert_eq!(replayed, simulated, "{}", report.trace);
}

#[test]
fn demo_session_conforms_and_retries_the_locked_folder() {
    let root = std::env::temp_dir().join(format!("mobsync-demo-test-{}", std::process::id()));
    let folders = folder_mirror::demo_folders(&root).unwrap();
    let (photos, music) = (folders[1].id, folders[2].id);
    fs::write(folders[1].source.join(LOCK), b"").unwrap();
    let script = Script::default().skip_in_window_b(music).show_errors(1);
    let report = Simulator::new(script).run(&mut FolderMirror::new(folders));
    let _ = fs::remove_dir_all(&root);
    assert_conforms(&report);
    assert_eq!(report.final_status(music), Some(SyncMgrStatus::Skipped));
    assert_eq!(report.final_status(photos), Some(SyncMgrStatus::Succeeded));
    assert_eq!(report.passes.len(), 2);
}

/// A handler that never completes its preparation.
struct Silent;

impl mobsync::sim::SyncHandler for Silent {
    fn initialize(&mut self, _: mobsync::SyncMgrFlags, _: &[u8]) -> HResult {
        HResult::S_OK
    }
    fn enum_sync_mgr_items(&mut self, items: &mut Vec<mobsync::sim::ItemInfo>) -> HResult {
        items.push(mobsync::sim::ItemInfo::new(DOCS, "docs"));
        HResult::S_OK
    }
    fn set_progress_callback(&mut self, _: Option<mobsync::sim::Callback>) -> HResult {
        HResult::S_OK
    }
    fn prepare_for_sync(&mut self, _: &[ItemId]) -> HResult {
        HResult::S_OK
    }
    fn synchronize(&mut self) -> HResult {
        HResult::S_OK
    }
    fn set_item_status(&mut self, _: ItemId, _: u32) -> HResult {
        HResult::S_OK
    }
    fn show_properties(&mut self, _: ItemId) -> HResult {
        HResult::E_NOTIMPL
    }
    fn show_error(&mut self, _: mobsync::ErrorId) -> HResult {
        HResult::E_NOTIMPL
    }
}

#[test]
fn simulator_reports_a_missing_completion_after_its_timeout_instead_of_hanging() {
    let script = Script::default().timeout(std::time::Duration::from_millis(50));
    let report = Simulator::new(script).run(&mut Silent);
    assert_eq!(report.broken_rules(), [Rule::PrepDone]);
    assert_eq!(report.violations[0].verdict, HResult::E_PENDING);
    assert!(report.trace.contains("# timeout: R-PREP-DONE"));
    // The pass never ended, so the manager makes no release call the contract would refuse.
    assert!(!report.trace.contains("SetProgressCallback null"));
}
