//! The handler DLLs under a real COM runtime (Wine): registered in the prefix by `wine/run`
//! (`regsvr32`, and `reg import` of `mobsync register`'s output), created here with
//! `CoCreateInstance` in a single-threaded apartment as the manager's, and driven through whole
//! runs by mobsync's simulator (built for Windows) through `mobsync_com::Foreign`.
//!
//! Run one test at a time (`--test-threads=1`): the DLLs' unload and the proxy's environment
//! variables are process-wide.

use std::path::PathBuf;
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use mobsync::sim::{Script, SimReport, Simulator};
use mobsync::trace::check;
use mobsync::{Config, ItemId, ProgressAnswer, Rule, SyncMgrStatus};
use mobsync_com::Foreign;
use mobsync_com::abi::{
    HWND, ISyncMgrSynchronizeCallback, ISyncMgrSynchronizeCallback_Impl, SYNCMGRHANDLERINFO,
    SYNCMGRLOGERRORINFO, SYNCMGRPROGRESSITEM,
};
use mobsync_com::windows_core::{GUID, HRESULT, IUnknown, Interface, implement};
use wine_driver::{
    APTTYPE_MAINSTA, APTTYPE_STA, Apartment, BROKEN_DLL, CO_E_NOTINITIALIZED, MIRROR, MIRROR_DLL,
    PROXY, PROXY_DLL, Spy, apartment_type, broken, class_object, count_after_add_ref, create,
    dll_can_unload_now, free_unused_libraries, module, sys, thread_id,
};

const S_OK: HRESULT = HRESULT(0);
const S_FALSE: HRESULT = HRESULT(1);
const REGDB_E_CLASSNOTREG: HRESULT = HRESULT(0x8004_0154_u32 as i32);

/// The folder-mirror DLL's items (`com/examples/mirror_dll.rs`).
const DOCUMENTS: ItemId = ItemId::from_u128(0x6295_DF40_0000_4000_8000_0000_0000_D0C5);
const PICTURES: ItemId = ItemId::from_u128(0x6295_DF40_0000_4000_8000_0000_0000_F070);
const MUSIC: ItemId = ItemId::from_u128(0x6295_DF40_0000_4000_8000_0000_0003_051C);
const FOLDERS: [(ItemId, &str); 3] = [
    (DOCUMENTS, "Documents"),
    (PICTURES, "Pictures"),
    (MUSIC, "Music"),
];

/// The raw handlers' items (`com/tests/raw/handlers.rs`).
const ITEM_MAIL: ItemId = ItemId::from_u128(0x5AC0_0001_7E1D_4C2B_9A61_0C0F_FEE0_0001);

/// A fresh profile with three folders of three files each, made once and handed to the mirror
/// DLL through `USERPROFILE` (it reads it in `CreateInstance`, in this process).
fn home() -> &'static PathBuf {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let home = std::env::temp_dir().join(format!("mobsync-wine-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        for (_, name) in FOLDERS {
            let source = home.join(name);
            std::fs::create_dir_all(&source).unwrap();
            for n in 0..3 {
                std::fs::write(source.join(format!("{n}.txt")), name.repeat(n + 1)).unwrap();
            }
        }
        // SAFETY: the tests run one at a time and set the variable before any thread of theirs
        // reads the environment.
        unsafe { std::env::set_var("USERPROFILE", &home) };
        home
    })
}

/// Where the proxy DLL's traces go, for `wine/run` to check with `mobsync check`.
fn traces() -> PathBuf {
    let dir = std::env::var_os("MOBSYNC_WINE_TRACES").map_or_else(
        || std::env::temp_dir().join("mobsync-traces"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn quick(script: Script) -> Script {
    script.timeout(Duration::from_secs(3))
}

/// One whole run of a new object of `clsid`, driven through its vtable.
fn run(clsid: &GUID, script: &Script) -> SimReport {
    let object = create(clsid).unwrap_or_else(|hr| panic!("CoCreateInstance({clsid:?}): {hr:?}"));
    Simulator::new(quick(script.clone())).run(&mut Foreign::new(object))
}

/// Waits until `done` holds (up to 5 s): a handler's worker may hold a reference for a moment
/// after its last callback.
fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < deadline, "still not so after 5 s: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Every object released and the DLL unloaded by COM: `DllCanUnloadNow` answers S_OK, and
/// `CoFreeUnusedLibrariesEx` unloads it.
fn assert_unloads(dll: &str) {
    // The callbacks this process handed out (Foreign's relays) are all released.
    eventually("this program's callback objects released", || {
        mobsync_com::factory::live_objects() == 0
    });
    eventually(&format!("{dll}'s DllCanUnloadNow S_OK"), || {
        dll_can_unload_now(dll).is_none_or(|hr| hr == S_OK)
    });
    free_unused_libraries();
    assert!(module(dll).is_none(), "{dll} is still loaded");
}

fn assert_clean(report: &SimReport, what: &str) {
    assert!(
        report.is_clean(),
        "{what}\n{}\n{:#?}",
        report.trace,
        report.violations
    );
}

#[test]
fn the_mirror_dll_created_by_cocreateinstance_runs_whole_runs_clean_and_unloads() {
    let _sta = Apartment::single_threaded();
    home();
    let scripts = [
        ("plain", Script::default()),
        (
            "skip in window A",
            Script::default().skip_in_window_a(DOCUMENTS),
        ),
        (
            "skip in window B",
            Script::default().skip_in_window_b(MUSIC),
        ),
        (
            "cancel an item",
            Script::default().answer_progress(PICTURES, 2, ProgressAnswer::CancelItem),
        ),
        (
            "cancel all",
            Script::default().answer_progress(DOCUMENTS, 1, ProgressAnswer::CancelAll),
        ),
        (
            "probes out of window and a late skip",
            Script::default().probe_windows().skip_after_pass(MUSIC),
        ),
    ];
    for (what, script) in &scripts {
        let report = run(&MIRROR, script);
        assert_clean(&report, what);
        assert!(
            report.trace.contains("\nProgress "),
            "{what}: no Progress\n{}",
            report.trace
        );
        assert!(
            report.trace.contains("SetProgressCallback null"),
            "{}",
            report.trace
        );
    }
    let skipped = run(&MIRROR, &Script::default().skip_in_window_b(MUSIC));
    assert_eq!(skipped.final_status(MUSIC), Some(SyncMgrStatus::Skipped));
    assert_eq!(
        skipped.final_status(DOCUMENTS),
        Some(SyncMgrStatus::Succeeded)
    );
    assert_unloads(MIRROR_DLL);
}

#[test]
fn the_mirror_dll_logs_a_locked_folder_and_retries_it_through_show_error() {
    let _sta = Apartment::single_threaded();
    let lock = home().join("Pictures").join(".locked");
    std::fs::write(&lock, b"").unwrap();
    let report = run(&MIRROR, &Script::default().show_errors(1));
    assert_clean(&report, "retry");
    assert_eq!(report.passes.len(), 2, "{}", report.trace);
    assert_eq!(
        report.passes[0].item(PICTURES).map(|item| item.status),
        Some(SyncMgrStatus::Failed)
    );
    assert_eq!(
        report.final_status(PICTURES),
        Some(SyncMgrStatus::Succeeded)
    );
    assert!(
        report
            .trace
            .contains("ShowErrorCompleted S_SYNCMGR_RETRYSYNC")
    );
    assert!(!lock.exists(), "ShowError removes the lock");
    assert_unloads(MIRROR_DLL);
}

/// One callback: its name, the thread it came on and that thread's apartment.
type Seen = (&'static str, u32, Result<i32, HRESULT>);

/// Every callback a handler made: which, on which thread, in which apartment.
#[implement(ISyncMgrSynchronizeCallback)]
#[derive(Default)]
struct Watcher {
    seen: Mutex<Vec<Seen>>,
    changed: Condvar,
}

impl Watcher {
    fn saw(&self, callback: &'static str) -> HRESULT {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.push((callback, thread_id(), apartment_type()));
        self.changed.notify_all();
        S_OK
    }

    fn wait_for(&self, callback: &str) {
        let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let (seen, timeout) = self
            .changed
            .wait_timeout_while(seen, Duration::from_secs(5), |seen| {
                !seen.iter().any(|(name, ..)| *name == callback)
            })
            .unwrap_or_else(PoisonError::into_inner);
        assert!(!timeout.timed_out(), "no {callback} in 5 s: {seen:?}");
    }
}

impl ISyncMgrSynchronizeCallback_Impl for Watcher_Impl {
    unsafe fn ShowPropertiesCompleted(&self, _: HRESULT) -> HRESULT {
        self.saw("ShowPropertiesCompleted")
    }
    unsafe fn PrepareForSyncCompleted(&self, _: HRESULT) -> HRESULT {
        self.saw("PrepareForSyncCompleted")
    }
    unsafe fn SynchronizeCompleted(&self, _: HRESULT) -> HRESULT {
        self.saw("SynchronizeCompleted")
    }
    unsafe fn ShowErrorCompleted(&self, _: HRESULT, _: u32, _: *const GUID) -> HRESULT {
        self.saw("ShowErrorCompleted")
    }
    unsafe fn EnableModeless(&self, _: i32) -> HRESULT {
        self.saw("EnableModeless")
    }
    unsafe fn Progress(&self, _: *const GUID, _: *const SYNCMGRPROGRESSITEM) -> HRESULT {
        self.saw("Progress")
    }
    unsafe fn LogError(&self, _: u32, _: *const u16, _: *const SYNCMGRLOGERRORINFO) -> HRESULT {
        self.saw("LogError")
    }
    unsafe fn DeleteLogError(&self, _: *const GUID, _: u32) -> HRESULT {
        self.saw("DeleteLogError")
    }
    unsafe fn EstablishConnection(&self, _: *const u16, _: u32) -> HRESULT {
        self.saw("EstablishConnection")
    }
}

#[test]
fn r_com_thread_callbacks_arrive_from_the_handlers_worker_threads_which_com_did_not_create() {
    let _sta = Apartment::single_threaded();
    home();
    let sta = thread_id();
    assert!(matches!(
        apartment_type(),
        Ok(APTTYPE_STA | APTTYPE_MAINSTA)
    ));
    let handler = create(&MIRROR).unwrap();
    let watcher = mobsync_com::windows_core::ComObject::new(Watcher::default());
    let callback: ISyncMgrSynchronizeCallback = watcher.to_interface();
    let items: Vec<GUID> = FOLDERS.iter().map(|&(id, _)| GUID::from(id)).collect();
    // SAFETY: the manager's sequence: Initialize (no cookie), SetProgressCallback with a live
    // callback, PrepareForSync with three ids that outlive the call, then Synchronize.
    unsafe {
        assert_eq!(handler.Initialize(0, 0x203, 0, core::ptr::null()), S_OK);
    }
    // SAFETY: a live callback object, which the handler AddRefs.
    unsafe { assert_eq!(handler.SetProgressCallback(callback.as_raw()), S_OK) };
    // SAFETY: three GUIDs that outlive the call; no parent window.
    let hr = unsafe { handler.PrepareForSync(3, items.as_ptr(), HWND::default(), 0) };
    assert_eq!(hr, S_OK);
    watcher.wait_for("PrepareForSyncCompleted");
    // SAFETY: no pointer but the (NULL) parent window.
    assert_eq!(unsafe { handler.Synchronize(HWND::default()) }, S_OK);
    watcher.wait_for("SynchronizeCompleted");
    // SAFETY: NULL takes the callback back.
    let hr = unsafe { handler.SetProgressCallback(core::ptr::null_mut()) };
    assert_eq!(hr, S_OK);
    drop(handler);
    let seen = watcher.seen.lock().unwrap().clone();
    println!("callbacks (name, thread, apartment) with the STA on thread {sta}: {seen:?}");
    let from_workers: Vec<_> = seen
        .iter()
        .filter(|(name, ..)| matches!(*name, "Progress" | "SynchronizeCompleted"))
        .collect();
    assert!(from_workers.len() >= 4, "{seen:?}");
    for (name, thread, apartment) in from_workers {
        assert_ne!(*thread, sta, "{name} came on the manager's thread");
        // The handler's own std::thread, in no apartment: COM neither made it nor knows it.
        assert_eq!(
            *apartment,
            Err(CO_E_NOTINITIALIZED),
            "{name} came from a thread in an apartment"
        );
    }
    drop(callback);
    eventually("the handler released the callback", || {
        count_after_add_ref(&watcher.to_interface::<IUnknown>()) == 3
    });
    drop(watcher);
    assert_unloads(MIRROR_DLL);
}

#[test]
fn r_com_out_handler_info_comes_from_the_task_allocator_and_cotaskmemfree_takes_it_back() {
    let _sta = Apartment::single_threaded();
    home();
    let spy = Spy::register();
    for (clsid, dll) in [(MIRROR, MIRROR_DLL), (broken(0), BROKEN_DLL)] {
        let handler = create(&clsid).unwrap();
        // SAFETY: no cookie; GetHandlerInfo's window opens with Initialize.
        let hr = unsafe { handler.Initialize(0, 0x203, 0, core::ptr::null()) };
        assert_eq!(hr, S_OK);
        let mut info: *mut SYNCMGRHANDLERINFO = core::ptr::null_mut();
        // SAFETY: a writable out-pointer.
        assert_eq!(unsafe { handler.GetHandlerInfo(&mut info) }, S_OK);
        assert!(!info.is_null());
        assert!(
            spy.allocated(info.cast()),
            "{dll}: not a task-allocator block"
        );
        // SAFETY: the manager's side: the struct is the caller's, freed with CoTaskMemFree.
        unsafe { sys::CoTaskMemFree(info.cast()) };
        assert!(
            spy.freed(info.cast()),
            "{dll}: CoTaskMemFree did not take it back"
        );
        drop(handler);
    }
    // A whole run through Foreign frees the struct with the task allocator too.
    let before = spy.counts();
    let report = run(&MIRROR, &Script::default());
    assert_clean(&report, "under the spy");
    let after = spy.counts();
    assert!(
        after.0 > before.0 && after.1 > before.1,
        "{before:?} {after:?}"
    );
    drop(spy);
    assert_unloads(MIRROR_DLL);
    assert_unloads(BROKEN_DLL);
}

#[test]
fn r_com_ref_counts_across_cocreateinstance_and_release_end_with_the_dll_unloaded() {
    let _sta = Apartment::single_threaded();
    home();
    let factory = class_object(&MIRROR).unwrap();
    assert_eq!(
        dll_can_unload_now(MIRROR_DLL),
        Some(S_FALSE),
        "a factory is alive"
    );
    // SAFETY: LockServer takes a BOOL.
    assert_eq!(unsafe { factory.LockServer(1) }, S_OK);
    drop(factory);
    assert_eq!(
        dll_can_unload_now(MIRROR_DLL),
        Some(S_FALSE),
        "the server is locked"
    );
    let factory = class_object(&MIRROR).unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { factory.LockServer(0) }, S_OK);
    drop(factory);
    assert_eq!(dll_can_unload_now(MIRROR_DLL), Some(S_OK));

    let handler = create(&MIRROR).unwrap();
    assert_eq!(
        count_after_add_ref(&handler),
        2,
        "CoCreateInstance hands out one reference"
    );
    let unknown: IUnknown = handler.cast().unwrap();
    assert_eq!(count_after_add_ref(&handler), 3, "QueryInterface adds one");
    assert_eq!(
        dll_can_unload_now(MIRROR_DLL),
        Some(S_FALSE),
        "an object is alive"
    );
    drop(handler);
    assert_eq!(count_after_add_ref(&unknown), 2);
    drop(unknown);
    assert_unloads(MIRROR_DLL);
}

/// A proxied run: the proxy DLL in front of `target`, its trace in `traces()/name.trace`.
fn proxied(target: &GUID, name: &str, script: &Script) -> (SimReport, String) {
    let path = traces().join(format!("{name}.trace"));
    // SAFETY: the tests run one at a time; the proxy reads both in CreateInstance, below.
    unsafe { std::env::set_var("MOBSYNC_PROXY_TARGET", format!("{{{target:?}}}")) };
    // SAFETY: as above.
    unsafe { std::env::set_var("MOBSYNC_PROXY_TRACE", &path) };
    let report = run(&PROXY, script);
    // The log is complete once the proxy object is gone.
    eventually("the proxy released", || {
        dll_can_unload_now(PROXY_DLL).is_none_or(|hr| hr == S_OK)
    });
    let trace = std::fs::read_to_string(&path).unwrap();
    (report, trace)
}

/// The rules `mobsync check` finds broken in `trace`.
fn checked(trace: &str) -> Vec<Rule> {
    let mut rules = Vec::new();
    check(trace.as_bytes(), Config::default(), |verdict| {
        if verdict.violation {
            rules.push(verdict.rule);
        }
    })
    .unwrap_or_else(|err| panic!("the proxy's trace does not parse: {err}\n{trace}"));
    rules
}

#[test]
fn the_tracing_proxy_dll_standing_in_for_the_mirror_writes_traces_that_check_clean() {
    let _sta = Apartment::single_threaded();
    home();
    let scripts = [
        ("mirror-plain", Script::default()),
        (
            "mirror-skips",
            Script::default()
                .skip_in_window_a(DOCUMENTS)
                .skip_in_window_b(MUSIC),
        ),
        (
            "mirror-cancel",
            Script::default().answer_progress(PICTURES, 2, ProgressAnswer::CancelItem),
        ),
        ("mirror-probes", Script::default().probe_windows()),
    ];
    for (name, script) in &scripts {
        let (report, trace) = proxied(&MIRROR, name, script);
        assert_clean(&report, name);
        assert!(trace.contains("\nSynchronize"), "{name}\n{trace}");
        assert!(trace.contains("\nProgress "), "{name}\n{trace}");
        assert_eq!(checked(&trace), [], "{name}\n{trace}");
    }
    assert_unloads(PROXY_DLL);
    assert_unloads(MIRROR_DLL);
}

/// A CLSID no DLL registers.
const UNREGISTERED: &str = "{00000000-0000-4000-8000-00000000DEAD}";

#[test]
fn the_proxy_dll_answers_create_instance_with_the_targets_failure() {
    let _sta = Apartment::single_threaded();
    // SAFETY: the tests run one at a time; read by the proxy's CreateInstance, below.
    unsafe { std::env::set_var("MOBSYNC_PROXY_TARGET", UNREGISTERED) };
    // SAFETY: as above.
    unsafe { std::env::set_var("MOBSYNC_PROXY_TRACE", traces().join("unregistered.log")) };
    assert_eq!(create(&PROXY).err(), Some(REGDB_E_CLASSNOTREG));
    assert_unloads(PROXY_DLL);
}

#[test]
fn the_broken_dll_alone_and_behind_the_proxy_dll_is_reported_with_each_defects_rule() {
    let _sta = Apartment::single_threaded();
    let late = |script: Script| script.linger(Duration::from_millis(400));
    let cases = [
        (1, Script::default(), Rule::PrepRet),
        (2, late(Script::default()), Rule::Prog),
        (3, late(Script::default()), Rule::SyncDone),
        (4, Script::default().probe_windows(), Rule::Sis),
        (4, Script::default().skip_after_pass(ITEM_MAIL), Rule::Sis),
        (5, Script::default(), Rule::Enum),
        (6, Script::default(), Rule::Log),
        (7, Script::default().probe_windows(), Rule::Sync),
    ];
    let conformant = run(&broken(0), &Script::default().probe_windows());
    assert_clean(&conformant, "the conformant raw handler");
    let (report, trace) = proxied(&broken(0), "raw-conformant", &Script::default());
    assert_clean(&report, "the conformant raw handler, proxied");
    assert_eq!(checked(&trace), []);
    for (n, (class, script, rule)) in cases.into_iter().enumerate() {
        let direct = run(&broken(class), &script);
        assert!(
            direct.broken_rules().contains(&rule),
            "class {class}: expected {rule}, got {:?}\n{}",
            direct.broken_rules(),
            direct.trace
        );
        let (through, trace) = proxied(&broken(class), &format!("broken-{n}-{rule}"), &script);
        assert_eq!(
            through.broken_rules(),
            direct.broken_rules(),
            "the proxy changed the run"
        );
        assert!(
            checked(&trace).contains(&rule),
            "class {class}: mobsync check did not find {rule}\n{trace}"
        );
    }
    assert_unloads(PROXY_DLL);
    assert_unloads(BROKEN_DLL);
}
