//! The folder-mirror example — the same `SyncHandler` the simulator tests drive — as a guarded
//! COM object, through whole runs of the raw manager (written from Microsoft's documentation
//! alone): skips in both windows, cancel answers, a failure retried through ShowError, no UI
//! when EnableModeless is refused, completions from worker threads. Every run ends with every
//! reference released.

mod common;
#[path = "../../examples/handlers/folder_mirror.rs"]
#[allow(dead_code)]
mod folder_mirror;
#[path = "raw/mod.rs"]
mod raw;
#[path = "../../tests/support/tree.rs"]
mod tree;

use common::{as_raw, assert_all_released, counting, guid};
use folder_mirror::FolderMirror;
use mobsync::{Config, Fault, ItemId, Profile, Rule, SyncMgrStatus};
use mobsync_com::{Handler, Journal, Options};
use raw::abi::{S_FALSE, S_SYNCMGR_CANCELALL, S_SYNCMGR_CANCELITEM};
use raw::manager::{RawManager, RawReport, RawScript, SkipWindow};
use tree::{DOCS, MUSIC, PHOTOS, Tree};

impl Tree {
    /// One whole run of the raw manager on the guarded folder mirror; the journal afterwards.
    fn run(&self, script: &RawScript) -> (RawReport, Journal) {
        let journal = Journal::new();
        // The handler completes preparation on a worker: a skip the manager sends in window A
        // may reach the guard after that completion did, which the compatible profile takes
        // (CONTRACT §7), as the example's own engine does.
        let options = Options::default()
            .config(Config::default().profile(Profile::Compatible))
            .journal(journal.clone());
        let handler = Handler::with_options(FolderMirror::new(self.folders.clone()), options);
        let object = as_raw(handler.into());
        let report = RawManager::run(&object, script);
        drop(object);
        assert_all_released();
        (report, journal)
    }
}

fn script() -> RawScript {
    RawScript::default()
}

#[track_caller]
fn assert_clean(report: &RawReport, journal: &Journal) {
    assert!(report.is_clean(), "{}", report.dump());
    assert_eq!(
        journal.handler_violations(),
        Vec::new(),
        "the guard found the handler at fault\n{}",
        report.dump()
    );
    assert_eq!(report.callback_released, Some(true), "{}", report.dump());
}

#[track_caller]
fn assert_status(report: &RawReport, item: ItemId, status: SyncMgrStatus) {
    assert_eq!(
        report.last_status(&guid(item)),
        Some(status as u32),
        "{item}\n{}",
        report.dump()
    );
}

#[test]
fn a_plain_run_copies_every_folder_and_reports_each_succeeded() {
    let _counting = counting();
    let tree = Tree::new("plain");
    let (report, journal) = tree.run(&script());
    assert_clean(&report, &journal);
    assert!(journal.is_empty(), "{:#?}", journal.violations());
    for item in [DOCS, PHOTOS, MUSIC] {
        assert_status(&report, item, SyncMgrStatus::Succeeded);
        assert_eq!(tree.copied(item), 3);
    }
    assert_eq!(report.items.len(), 3);
    let info = report.handler_info.as_ref().unwrap();
    assert_eq!(info.name, "Folder mirror");
    // Both completions came from the handler's worker threads.
    assert!(
        report.callbacks().iter().any(|entry| matches!(
            entry,
            raw::manager::LogEntry::Callback {
                on_driver_thread: false,
                ..
            }
        )),
        "{}",
        report.dump()
    );
}

#[test]
fn a_skip_in_window_b_is_honoured() {
    let _counting = counting();
    let tree = Tree::new("skip-b");
    let (report, journal) = tree.run(&script().skip(SkipWindow::B, guid(PHOTOS)));
    assert_clean(&report, &journal);
    let skip = &report.skips[0];
    if skip.delivered && skip.hr == Some(raw::abi::S_OK) && !final_before_skip(&report, PHOTOS) {
        assert_status(&report, PHOTOS, SyncMgrStatus::Skipped);
    } else {
        // The worker had finished the pass, or this folder, before the skip came (a slow
        // machine, valgrind): nothing to honour.
        assert_status(&report, PHOTOS, SyncMgrStatus::Succeeded);
    }
    assert_status(&report, DOCS, SyncMgrStatus::Succeeded);
}

/// Whether `item`'s final Progress came before the SetItemStatus that skips it began.
fn final_before_skip(report: &RawReport, item: ItemId) -> bool {
    use raw::manager::{CallbackCall, LogEntry};
    let Some(began) = report.log.iter().find_map(|entry| match entry {
        LogEntry::Call {
            method: "SetItemStatus",
            began_at,
            ..
        } => Some(*began_at),
        _ => None,
    }) else {
        return false;
    };
    report.log.iter().take(began).any(|entry| {
        matches!(entry, LogEntry::Callback {
            call: CallbackCall::Progress { item: Some(id), progress: Some(seen) },
            ..
        } if *id == guid(item) && seen.mask & 0x2 != 0 && seen.status == SyncMgrStatus::Succeeded as u32)
    })
}

#[test]
fn a_skip_in_window_a_is_honoured() {
    let _counting = counting();
    let tree = Tree::new("skip-a");
    let (report, journal) = tree.run(&script().skip(SkipWindow::A, guid(MUSIC)));
    assert_clean(&report, &journal);
    let skip = &report.skips[0];
    if skip.delivered {
        assert_eq!(skip.hr, Some(raw::abi::S_OK), "{}", report.dump());
        assert_status(&report, MUSIC, SyncMgrStatus::Skipped);
        assert_eq!(tree.copied(MUSIC), 0);
    }
}

#[test]
fn cancel_answers_to_progress_skip_the_item_or_every_item() {
    let _counting = counting();
    let tree = Tree::new("cancel-item");
    let (report, journal) =
        tree.run(&script().answer_progress(guid(DOCS), 1, S_SYNCMGR_CANCELITEM));
    assert_clean(&report, &journal);
    assert_status(&report, DOCS, SyncMgrStatus::Skipped);
    assert_status(&report, PHOTOS, SyncMgrStatus::Succeeded);
    drop(tree);

    let tree = Tree::new("cancel-all");
    let (report, journal) = tree.run(&script().answer_progress(guid(DOCS), 1, S_SYNCMGR_CANCELALL));
    assert_clean(&report, &journal);
    for item in [DOCS, PHOTOS, MUSIC] {
        assert_status(&report, item, SyncMgrStatus::Skipped);
    }
}

#[test]
fn a_failure_is_logged_and_retried_through_show_error() {
    let _counting = counting();
    let tree = Tree::new("retry");
    tree.lock(MUSIC);
    let (report, journal) = tree.run(&script());
    assert_clean(&report, &journal);
    assert_eq!(report.passes.len(), 2, "{}", report.dump());
    assert_eq!(report.passes[1].items, vec![guid(MUSIC)]);
    assert_eq!(report.error_ids.len(), 1);
    let statuses = &report.item(&guid(MUSIC)).unwrap().statuses;
    assert!(
        statuses.contains(&(SyncMgrStatus::Failed as u32)),
        "{statuses:?}"
    );
    assert_status(&report, MUSIC, SyncMgrStatus::Succeeded);
    assert_eq!(tree.copied(MUSIC), 3);
    // The retry deleted the stale entry of the first pass.
    assert_eq!(
        report.deleted_error_ids,
        report.error_ids,
        "{}",
        report.dump()
    );
}

#[test]
fn no_ui_and_no_retry_when_enable_modeless_is_answered_s_false() {
    let _counting = counting();
    let tree = Tree::new("modeless");
    tree.lock(PHOTOS);
    let mut script = script();
    script.enable_modeless_answer = S_FALSE;
    let (report, journal) = tree.run(&script);
    assert_clean(&report, &journal);
    assert_eq!(report.passes.len(), 1, "{}", report.dump());
    assert_status(&report, PHOTOS, SyncMgrStatus::Failed);
    assert_eq!(report.callback_count("EnableModeless"), 1);
}

#[test]
fn the_manager_s_refused_calls_are_journaled_as_the_manager_s() {
    use raw::manager::{Probe, ProbeCall};
    let _counting = counting();
    let tree = Tree::new("probes");
    let script = script()
        .probe(Probe::InitializeTwice)
        .probe(Probe::SynchronizeWithoutPrepare)
        .probe(Probe::AfterClose(ProbeCall::PrepareForSync));
    let (report, journal) = tree.run(&script);
    for probe in [
        Probe::InitializeTwice,
        Probe::SynchronizeWithoutPrepare,
        Probe::AfterClose(ProbeCall::PrepareForSync),
    ] {
        assert_eq!(
            report.probe(probe),
            Some(raw::abi::E_UNEXPECTED),
            "{probe:?}"
        );
    }
    let refused: Vec<Rule> = journal
        .violations()
        .iter()
        .filter(|v| v.fault == Fault::Manager)
        .map(|v| v.rule)
        .collect();
    assert_eq!(
        refused,
        [Rule::Init, Rule::Sync, Rule::Prep],
        "{:#?}",
        journal.violations()
    );
    assert!(journal.handler_violations().is_empty());
}

#[test]
#[ignore = "prints a run"]
fn print_a_run() {
    let _counting = counting();
    let tree = Tree::new("print");
    tree.lock(MUSIC);
    let (report, journal) = tree.run(&script().skip(SkipWindow::B, guid(PHOTOS)));
    println!("{}", report.dump());
    for v in journal.violations() {
        println!("{v}");
    }
}
