//! The simulator against hostile handlers: it never misses a violation, and never hangs.
//!
//! Each test uses a short timeout and finishes well under a second; the stress tests repeat a
//! race thousands of times (`MOBSYNC_STRESS_RUNS` sets how many).

use std::sync::{Arc, Barrier, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use mobsync::sim::{Callback, ItemInfo, Script, SimReport, Simulator, SyncHandler};
use mobsync::trace::check;
use mobsync::{Config, ErrorId, HResult, ItemId, ProgressItem, Rule, SyncMgrFlags, SyncMgrStatus};

const A: ItemId = ItemId::from_u128(0xA);
const WAIT: Duration = Duration::from_millis(50);

fn runs() -> usize {
    std::env::var("MOBSYNC_STRESS_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// What the hostile handler does wrong.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hostility {
    /// Nothing: a worker reports and completes the pass.
    Polite,
    /// PrepareForSync: two threads call PrepareForSyncCompleted at the same moment.
    DoublePrepareCompletion,
    /// Synchronize: two threads call SynchronizeCompleted at the same moment.
    DoubleSyncCompletion,
    /// Synchronize joins its worker, which waits to call back.
    JoinInSynchronize,
    /// SetProgressCallback(NULL) joins a worker that waits to call back.
    JoinInRelease,
    /// Synchronize starts a worker that calls back later, then panics.
    PanicInSynchronize,
    /// The handler keeps a clone of the callback after SetProgressCallback(NULL).
    KeepsCallback,
}

struct Hostile {
    how: Hostility,
    callback: Option<Callback>,
    workers: Vec<JoinHandle<()>>,
    kept: Arc<Mutex<Option<Callback>>>,
}

impl Hostile {
    fn new(how: Hostility) -> Self {
        Self {
            how,
            callback: None,
            workers: Vec::new(),
            kept: Arc::new(Mutex::new(None)),
        }
    }

    /// Two threads that call `call` at the same moment.
    fn twice(&mut self, call: fn(&Callback)) {
        let barrier = Arc::new(Barrier::new(2));
        for _ in 0..2 {
            let (cb, barrier) = (self.callback.clone().unwrap(), Arc::clone(&barrier));
            self.workers.push(thread::spawn(move || {
                barrier.wait();
                call(&cb);
            }));
        }
    }

    /// A worker that reports the item done and completes the pass.
    fn worker(&self, delay: Duration) -> JoinHandle<()> {
        let cb = self.callback.clone().unwrap();
        thread::spawn(move || {
            thread::sleep(delay);
            cb.progress(A, ProgressItem::status(SyncMgrStatus::Succeeded), None);
            cb.synchronize_completed(HResult::S_OK);
        })
    }
}

impl SyncHandler for Hostile {
    fn initialize(&mut self, _flags: SyncMgrFlags, _cookie: &[u8]) -> HResult {
        HResult::S_OK
    }
    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
        items.push(ItemInfo::new(A, "a"));
        HResult::S_OK
    }
    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
        if callback.is_none() {
            match self.how {
                Hostility::JoinInRelease => {
                    let cb = self.callback.clone().unwrap();
                    let worker = thread::spawn(move || {
                        cb.log_error(3, "late", mobsync::LogErrorInfo::default());
                    });
                    let _ = worker.join();
                }
                Hostility::KeepsCallback => *self.kept.lock().unwrap() = self.callback.clone(),
                _ => {}
            }
        }
        self.callback = callback;
        HResult::S_OK
    }
    fn prepare_for_sync(&mut self, _items: &[ItemId]) -> HResult {
        if self.how == Hostility::DoublePrepareCompletion {
            self.twice(|cb| {
                cb.prepare_for_sync_completed(HResult::S_OK);
            });
        } else {
            self.callback
                .as_ref()
                .unwrap()
                .prepare_for_sync_completed(HResult::S_OK);
        }
        HResult::S_OK
    }
    fn synchronize(&mut self) -> HResult {
        match self.how {
            Hostility::DoubleSyncCompletion => {
                let cb = self.callback.as_ref().unwrap();
                cb.progress(A, ProgressItem::status(SyncMgrStatus::Succeeded), None);
                self.twice(|cb| {
                    cb.synchronize_completed(HResult::S_OK);
                });
            }
            Hostility::JoinInSynchronize => {
                let worker = self.worker(Duration::ZERO);
                let _ = worker.join();
            }
            Hostility::PanicInSynchronize => {
                let worker = self.worker(Duration::from_millis(5));
                self.workers.push(worker);
                panic!("the disk is gone");
            }
            _ => {
                let worker = self.worker(Duration::ZERO);
                self.workers.push(worker);
            }
        }
        HResult::S_OK
    }
    fn set_item_status(&mut self, _item: ItemId, _status: u32) -> HResult {
        HResult::S_OK
    }
    fn show_properties(&mut self, _item: ItemId) -> HResult {
        HResult::E_NOTIMPL
    }
    fn show_error(&mut self, _error: ErrorId) -> HResult {
        HResult::E_NOTIMPL
    }
}

fn run(handler: &mut Hostile) -> SimReport {
    Simulator::new(Script::default().timeout(WAIT)).run(handler)
}

/// The violations `mobsync check` finds in the report's trace, as (line, rule).
fn checked(report: &SimReport) -> Vec<(usize, Rule)> {
    let mut found = Vec::new();
    check(report.trace.as_bytes(), Config::default(), |v| {
        if v.violation {
            found.push((v.line, v.rule));
        }
    })
    .unwrap();
    found
}

/// The report's violations on event lines (not on the simulator's comments), as (line, rule).
fn on_events(report: &SimReport) -> Vec<(usize, Rule)> {
    let lines: Vec<&str> = report.trace.lines().collect();
    let mut found: Vec<(usize, Rule)> = report
        .violations
        .iter()
        .filter(|v| !lines[v.line - 1].starts_with('#'))
        .map(|v| (v.line, v.rule))
        .collect();
    found.sort();
    found
}

fn double_completion_is_found_every_time(how: Hostility, rule: Rule, event: &str) {
    for n in 0..runs() {
        let mut handler = Hostile::new(how);
        let report = run(&mut handler);
        let broken: Vec<_> = report
            .violations
            .iter()
            .filter(|v| v.rule == rule)
            .collect();
        assert_eq!(
            broken.len(),
            1,
            "run {n}: {:#?}\n{}",
            report.violations,
            report.trace
        );
        let line = report.trace.lines().nth(broken[0].line - 1).unwrap();
        assert!(
            line.starts_with(event),
            "run {n}: line {line:?}\n{}",
            report.trace
        );
        assert!(!report.is_clean(), "run {n}");
        assert_eq!(
            on_events(&report),
            checked(&report),
            "run {n}\n{}",
            report.trace
        );
        for worker in handler.workers.drain(..) {
            worker.join().unwrap();
        }
    }
}

#[test]
fn a_second_prepare_completion_from_a_racing_thread_is_never_lost() {
    double_completion_is_found_every_time(
        Hostility::DoublePrepareCompletion,
        Rule::PrepDone,
        "PrepareForSyncCompleted",
    );
}

#[test]
fn a_second_sync_completion_from_a_racing_thread_is_never_lost() {
    double_completion_is_found_every_time(
        Hostility::DoubleSyncCompletion,
        Rule::SyncDone,
        "SynchronizeCompleted",
    );
}

/// The run's violations whose message says `what`.
fn saying<'a>(report: &'a SimReport, what: &str) -> Vec<&'a mobsync::sim::Violation> {
    report
        .violations
        .iter()
        .filter(|v| v.message.contains(what))
        .collect()
}

#[test]
fn a_handler_that_joins_its_worker_inside_synchronize_is_reported_as_a_deadlock_not_hung() {
    let start = Instant::now();
    let report = run(&mut Hostile::new(Hostility::JoinInSynchronize));
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    let deadlocks = saying(&report, "would deadlock");
    assert!(!deadlocks.is_empty(), "{:#?}", report.violations);
    assert_eq!(deadlocks[0].rule, Rule::Prog, "{:#?}", report.violations);
    assert!(
        deadlocks[0].message.contains("inside Synchronize"),
        "{}",
        deadlocks[0].message
    );
    // The worker's refused callbacks are comments with a violation each; the completion never
    // came.
    assert!(
        report.trace.contains("# refused, waited"),
        "{}",
        report.trace
    );
    assert!(
        report.broken_rules().contains(&Rule::SyncDone),
        "{:#?}",
        report.violations
    );
}

#[test]
fn a_handler_that_joins_a_worker_inside_the_release_is_reported_not_hung() {
    let start = Instant::now();
    let report = run(&mut Hostile::new(Hostility::JoinInRelease));
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    let deadlocks = saying(&report, "inside SetProgressCallback");
    assert_eq!(deadlocks.len(), 1, "{:#?}", report.violations);
    assert_eq!(deadlocks[0].rule, Rule::Log);
}

#[test]
fn a_panic_inside_synchronize_is_reported_and_the_run_returns_its_report() {
    let start = Instant::now();
    let mut handler = Hostile::new(Hostility::PanicInSynchronize);
    let report = run(&mut handler);
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    let panics = saying(&report, "panicked in Synchronize: the disk is gone");
    assert_eq!(panics.len(), 1, "{:#?}", report.violations);
    assert_eq!(
        (panics[0].rule, panics[0].verdict),
        (Rule::Sync, HResult::E_FAIL)
    );
    // The worker it started is not left blocked: its callbacks are refused at once.
    let worker = handler.workers.pop().unwrap();
    let joined = Instant::now();
    worker.join().unwrap();
    assert!(
        joined.elapsed() < Duration::from_millis(500),
        "{:?}",
        joined.elapsed()
    );
}

#[test]
fn r_cb_a_handler_that_keeps_the_callback_after_the_release_is_reported_and_refused_later() {
    let mut handler = Hostile::new(Hostility::KeepsCallback);
    let report = run(&mut handler);
    let kept = saying(&report, "still holds the manager's callback");
    assert_eq!(kept.len(), 1, "{:#?}", report.violations);
    assert_eq!(kept[0].rule, Rule::Cb);
    // After the run, the manager is gone: a late callback is refused.
    let late = handler.kept.lock().unwrap().take().unwrap();
    assert_eq!(
        late.synchronize_completed(HResult::S_OK),
        HResult::E_UNEXPECTED
    );
}

#[test]
fn a_polite_handler_finishes_clean_without_waiting_for_the_timeout() {
    let start = Instant::now();
    let mut handler = Hostile::new(Hostility::Polite);
    let report =
        Simulator::new(Script::default().timeout(Duration::from_secs(5))).run(&mut handler);
    assert!(
        report.is_clean(),
        "{:#?}\n{}",
        report.violations,
        report.trace
    );
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

/// Reports progress with a status text of `text`, then completes.
struct Texts {
    callback: Option<Callback>,
    text: String,
    answers: Arc<Mutex<Vec<HResult>>>,
}

impl SyncHandler for Texts {
    fn initialize(&mut self, _: SyncMgrFlags, _: &[u8]) -> HResult {
        HResult::S_OK
    }
    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
        items.push(ItemInfo::new(A, "a"));
        HResult::S_OK
    }
    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
        self.callback = callback;
        HResult::S_OK
    }
    fn prepare_for_sync(&mut self, _: &[ItemId]) -> HResult {
        if let Some(cb) = &self.callback {
            cb.prepare_for_sync_completed(HResult::S_OK);
        }
        HResult::S_OK
    }
    fn synchronize(&mut self) -> HResult {
        let Some(cb) = &self.callback else {
            return HResult::E_UNEXPECTED;
        };
        let updating = ProgressItem::status(SyncMgrStatus::Updating);
        let answer = cb.progress(A, updating, Some(&self.text));
        self.answers.lock().unwrap().push(answer);
        let answer = cb.establish_connection(Some(&self.text), 0);
        self.answers.lock().unwrap().push(answer);
        cb.progress(A, ProgressItem::status(SyncMgrStatus::Succeeded), None);
        cb.synchronize_completed(HResult::S_OK);
        HResult::S_OK
    }
    fn set_item_status(&mut self, _: ItemId, _: u32) -> HResult {
        HResult::S_OK
    }
    fn show_properties(&mut self, _: ItemId) -> HResult {
        HResult::E_NOTIMPL
    }
    fn show_error(&mut self, _: ErrorId) -> HResult {
        HResult::E_NOTIMPL
    }
}

fn run_texts(text: String) -> (SimReport, Vec<HResult>) {
    let answers = Arc::new(Mutex::new(Vec::new()));
    let mut handler = Texts {
        callback: None,
        text,
        answers: Arc::clone(&answers),
    };
    let report = Simulator::new(Script::default().timeout(WAIT)).run(&mut handler);
    let answers = answers.lock().unwrap().clone();
    (report, answers)
}

#[test]
fn r_com_str_a_callback_string_longer_than_65536_units_or_holding_a_nul_is_refused() {
    for text in [
        "x".repeat(65_537),
        "é".repeat(65_537),
        "dial\0up".to_owned(),
    ] {
        let (report, answers) = run_texts(text.clone());
        assert_eq!(answers, [HResult::E_INVALIDARG; 2], "{:.10}", text);
        let rules: Vec<Rule> = report.violations.iter().map(|v| v.rule).collect();
        assert_eq!(
            rules,
            [Rule::ComStr, Rule::ComStr],
            "{:#?}",
            report.violations
        );
        assert!(
            report
                .violations
                .iter()
                .all(|v| v.verdict == HResult::E_INVALIDARG)
        );
        // The refused callbacks never reached the manager: the pass still finishes cleanly.
        assert_eq!(report.final_status(A), Some(SyncMgrStatus::Succeeded));
        assert!(
            report.trace.contains("# refused, R-COM-STR: Progress"),
            "{}",
            report.trace
        );
    }
    // At the limit, taken.
    let (report, answers) = run_texts("x".repeat(65_536));
    assert_eq!(answers, [HResult::S_OK; 2]);
    assert!(report.violations.is_empty(), "{:#?}", report.violations);
}
