//! What the guard costs: SetItemStatus (manager → handler) and Progress (handler → manager)
//! through the real vtables, guarded by `mobsync_com::Handler`, against an unguarded
//! `#[implement]` handler doing the same bookkeeping — a `Mutex` around a map with the engine's
//! hasher — and the same vtable calls. Both sides run in the same process, on the same items,
//! against the same trivial manager callback.
//!
//! `cargo bench -p mobsync-com --bench guard` times both sides with criterion. For instruction
//! counts (the machine's timings are noisy), run one workload under callgrind:
//!
//! ```sh
//! cargo bench -p mobsync-com --bench guard --no-run
//! B=$(ls -t target/release/deps/guard-* | grep -v '\.d$' | head -1)
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null $B set-item-status 1000000
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null $B set-item-status-unguarded 1000000
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null $B setup 0
//! ```
//!
//! Workloads: `setup` (both sides' setup, no calls), `set-item-status`,
//! `set-item-status-unguarded`, `progress`, `progress-unguarded` (status changes, as
//! `benches/engine.rs` reports them), `progress-values`, `progress-values-unguarded` (UPDATING
//! with a value and its maximum); the second argument is the number of calls. A count minus `setup`'s, divided by the calls, is the cost of one call.

use core::ffi::c_void;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use criterion::Criterion;
use mobsync::sim::{Callback, ItemInfo, SyncHandler};
use mobsync::{ErrorId, HResult, ItemId, ProgressItem, SyncMgrFlags, SyncMgrStatus};
use mobsync_com::Handler;
use mobsync_com::abi::{
    HWND, ISyncMgrSynchronize, ISyncMgrSynchronize_Impl, ISyncMgrSynchronizeCallback,
    ISyncMgrSynchronizeCallback_Impl, SYNCMGRHANDLERINFO, SYNCMGRLOGERRORINFO, SYNCMGRPROGRESSITEM,
};
use mobsync_com::hr;
use windows_core::{ComObject, GUID, HRESULT, Interface, implement};

/// The items of both sides.
const ITEMS: usize = 1000;
const SKIPPED: u32 = SyncMgrStatus::Skipped as u32;

fn ids() -> Vec<ItemId> {
    (1..=ITEMS as u128)
        .map(|i| ItemId::from_u128(i.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)))
        .collect()
}

/// The manager's callback: takes every call, counts it.
#[implement(ISyncMgrSynchronizeCallback)]
struct Manager {
    calls: AtomicU64,
}

impl Manager {
    fn take(&self) -> HRESULT {
        self.calls.fetch_add(1, Ordering::Relaxed);
        hr::S_OK
    }
}

impl ISyncMgrSynchronizeCallback_Impl for Manager_Impl {
    unsafe fn ShowPropertiesCompleted(&self, _: HRESULT) -> HRESULT {
        self.take()
    }
    unsafe fn PrepareForSyncCompleted(&self, _: HRESULT) -> HRESULT {
        self.take()
    }
    unsafe fn SynchronizeCompleted(&self, _: HRESULT) -> HRESULT {
        self.take()
    }
    unsafe fn ShowErrorCompleted(&self, _: HRESULT, _: u32, _: *const GUID) -> HRESULT {
        self.take()
    }
    unsafe fn EnableModeless(&self, _: i32) -> HRESULT {
        self.take()
    }
    unsafe fn Progress(&self, item: *const GUID, progress: *const SYNCMGRPROGRESSITEM) -> HRESULT {
        // SAFETY: the handler passes its item and progress item.
        black_box(unsafe { (item.read(), (*progress).dwStatusType) });
        self.take()
    }
    unsafe fn LogError(&self, _: u32, _: *const u16, _: *const SYNCMGRLOGERRORINFO) -> HRESULT {
        self.take()
    }
    unsafe fn DeleteLogError(&self, _: *const GUID, _: u32) -> HRESULT {
        self.take()
    }
    unsafe fn EstablishConnection(&self, _: *const u16, _: u32) -> HRESULT {
        self.take()
    }
}

/// The guarded side's handler: its own code does nothing; the guard keeps the books. It hands
/// its callback to the bench, which reports progress as a worker thread would.
struct Quiet {
    items: Vec<ItemId>,
    callback: Arc<Mutex<Option<Callback>>>,
}

impl SyncHandler for Quiet {
    fn initialize(&mut self, _: SyncMgrFlags, _: &[u8]) -> HResult {
        HResult::S_OK
    }
    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
        items.extend(self.items.iter().map(|&id| ItemInfo::new(id, "item")));
        HResult::S_OK
    }
    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
        *self.callback.lock().unwrap_or_else(PoisonError::into_inner) = callback;
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
    fn show_error(&mut self, _: ErrorId) -> HResult {
        HResult::E_NOTIMPL
    }
}

/// The unguarded side's value per item.
#[derive(Clone, Copy)]
struct Entry {
    status: u32,
    value: i32,
    max: i32,
    skip: bool,
}

type Books = hashbrown::HashMap<ItemId, Entry, foldhash::fast::RandomState>;

/// The manager's callback, callable from the bench's thread.
struct AnyThread(ISyncMgrSynchronizeCallback);
// SAFETY: the bench's manager callback is an agile #[implement] object with atomic state.
unsafe impl Send for AnyThread {}
// SAFETY: as above.
unsafe impl Sync for AnyThread {}

/// The unguarded handler: the same bookkeeping without the contract — SetItemStatus sets the
/// item's skip flag; Progress updates status, value and max (refusing a final item or a value
/// above its maximum) and forwards through the manager's vtable.
#[implement(ISyncMgrSynchronize)]
struct Plain {
    books: Mutex<Books>,
    manager: Mutex<Option<AnyThread>>,
}

impl Plain {
    fn progress(&self, item: ItemId, progress: ProgressItem) -> HResult {
        {
            let mut books = self.books.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(entry) = books.get_mut(&item) else {
                return HResult::E_INVALIDARG;
            };
            let value = if progress.mask & 0x4 != 0 {
                progress.value
            } else {
                entry.value
            };
            let max = if progress.mask & 0x8 != 0 {
                progress.max
            } else {
                entry.max
            };
            if matches!(entry.status, 1 | 4 | 5) || value > max {
                return HResult::E_ACCESSDENIED;
            }
            *entry = Entry {
                status: progress.status,
                value,
                max,
                skip: entry.skip,
            };
        }
        let manager = self.manager.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(manager) = manager.as_ref().map(|m| m.0.clone()) else {
            return HResult::E_UNEXPECTED;
        };
        let id = GUID::from(item);
        let raw = SYNCMGRPROGRESSITEM {
            cbSize: size_of::<SYNCMGRPROGRESSITEM>() as u32,
            mask: progress.mask,
            lpcStatusText: core::ptr::null(),
            dwStatusType: progress.status,
            iProgValue: progress.value,
            iMaxValue: progress.max,
        };
        // SAFETY: a live callback and pointers to locals.
        HResult::from(unsafe { manager.Progress(&id, &raw) })
    }
}

impl ISyncMgrSynchronize_Impl for Plain_Impl {
    unsafe fn Initialize(&self, _: u32, _: u32, _: u32, _: *const u8) -> HRESULT {
        hr::S_OK
    }
    unsafe fn GetHandlerInfo(&self, _: *mut *mut SYNCMGRHANDLERINFO) -> HRESULT {
        hr::E_NOTIMPL
    }
    unsafe fn EnumSyncMgrItems(&self, _: *mut *mut c_void) -> HRESULT {
        hr::E_NOTIMPL
    }
    unsafe fn GetItemObject(&self, _: *const GUID, _: *const GUID, _: *mut *mut c_void) -> HRESULT {
        hr::E_NOTIMPL
    }
    unsafe fn ShowProperties(&self, _: HWND, _: *const GUID) -> HRESULT {
        hr::E_NOTIMPL
    }
    unsafe fn SetProgressCallback(&self, callback: *mut c_void) -> HRESULT {
        // SAFETY: NULL or the manager's callback.
        let callback = unsafe { ISyncMgrSynchronizeCallback::from_raw_borrowed(&callback) };
        *self.manager.lock().unwrap_or_else(PoisonError::into_inner) =
            callback.cloned().map(AnyThread);
        hr::S_OK
    }
    unsafe fn PrepareForSync(&self, _: u32, _: *const GUID, _: HWND, _: u32) -> HRESULT {
        hr::S_OK
    }
    unsafe fn Synchronize(&self, _: HWND) -> HRESULT {
        hr::S_OK
    }
    unsafe fn SetItemStatus(&self, item: *const GUID, status: u32) -> HRESULT {
        if item.is_null() {
            return hr::E_INVALIDARG;
        }
        // SAFETY: a non-NULL REFGUID.
        let item = ItemId::from(unsafe { item.read_unaligned() });
        let mut books = self.books.lock().unwrap_or_else(PoisonError::into_inner);
        match books.get_mut(&item) {
            Some(entry) if status == SKIPPED => {
                entry.skip = true;
                hr::S_OK
            }
            _ => hr::E_INVALIDARG,
        }
    }
    unsafe fn ShowError(&self, _: HWND, _: *const GUID) -> HRESULT {
        hr::E_NOTIMPL
    }
}

/// Both sides, set up: the guarded handler and the plain one, each bound to its own manager
/// callback, each in its reporting window.
struct Sides {
    items: Vec<ItemId>,
    guids: Vec<GUID>,
    guarded: ISyncMgrSynchronize,
    callback: Callback,
    plain: ComObject<Plain>,
    plain_object: ISyncMgrSynchronize,
    _managers: [ComObject<Manager>; 2],
}

fn manager() -> ComObject<Manager> {
    ComObject::new(Manager {
        calls: AtomicU64::new(0),
    })
}

/// Sets both sides up; `synchronizing`: past PrepareForSyncCompleted and Synchronize (the
/// reporting window), else in window A.
fn sides(synchronizing: bool) -> Sides {
    let items = ids();
    let guids: Vec<GUID> = items.iter().map(|&id| GUID::from(id)).collect();
    let shared = Arc::new(Mutex::new(None));
    let quiet = Quiet {
        items: items.clone(),
        callback: Arc::clone(&shared),
    };
    let guarded: ISyncMgrSynchronize = Handler::new(quiet).into();
    let managers = [manager(), manager()];
    let callback_of =
        |m: &ComObject<Manager>| m.as_interface::<ISyncMgrSynchronizeCallback>().as_raw();
    // SAFETY: valid arguments throughout; the manager callbacks outlive the handlers' use.
    unsafe {
        assert_eq!(guarded.Initialize(0, 0x203, 0, core::ptr::null()), hr::S_OK);
        let mut enumerator = core::ptr::null_mut();
        assert_eq!(guarded.EnumSyncMgrItems(&mut enumerator), hr::S_OK);
        drop(mobsync_com::abi::ISyncMgrEnumItems::from_raw(enumerator));
        assert_eq!(
            guarded.SetProgressCallback(callback_of(&managers[0])),
            hr::S_OK
        );
        let count = guids.len() as u32;
        assert_eq!(
            guarded.PrepareForSync(count, guids.as_ptr(), HWND::default(), 0),
            hr::S_OK
        );
    }
    let callback = shared.lock().unwrap().clone().unwrap();
    if synchronizing {
        assert_eq!(
            callback.prepare_for_sync_completed(HResult::S_OK),
            HResult::S_OK
        );
        // SAFETY: no pointers.
        assert_eq!(unsafe { guarded.Synchronize(HWND::default()) }, hr::S_OK);
    }
    let mut books = Books::with_capacity_and_hasher(items.len(), Default::default());
    for &id in &items {
        let entry = Entry {
            status: 2,
            value: 0,
            max: 0,
            skip: false,
        };
        books.insert(id, entry);
    }
    let plain = ComObject::new(Plain {
        books: Mutex::new(books),
        manager: Mutex::new(None),
    });
    let plain_object: ISyncMgrSynchronize = plain.to_interface();
    // SAFETY: the manager callback outlives the handler's use of it.
    unsafe {
        assert_eq!(
            plain_object.SetProgressCallback(callback_of(&managers[1])),
            hr::S_OK
        );
    }
    Sides {
        items,
        guids,
        guarded,
        callback,
        plain,
        plain_object,
        _managers: managers,
    }
}

impl Sides {
    /// The `i`-th call's item (a stride through all items).
    fn pick(&self, i: usize) -> usize {
        (i * 7919) % self.items.len()
    }

    fn set_item_status(&self, object: &ISyncMgrSynchronize, i: usize) -> HRESULT {
        let guid = &self.guids[self.pick(i)];
        // SAFETY: a GUID.
        unsafe { object.SetItemStatus(black_box(guid), SKIPPED) }
    }

    /// The `i`-th report: a status change (UPDATING ↔ UPDATING_INDETERMINATE every round of
    /// the items, as `benches/engine.rs` reports), or with `values` UPDATING with a value and
    /// its maximum.
    fn progress_item(&self, i: usize, values: bool) -> ProgressItem {
        if values {
            ProgressItem::status(SyncMgrStatus::Updating)
                .with_value((i % 100) as i32)
                .with_max(100)
        } else if (i / self.items.len()).is_multiple_of(2) {
            ProgressItem::status(SyncMgrStatus::UpdatingIndeterminate)
        } else {
            ProgressItem::status(SyncMgrStatus::Updating)
        }
    }

    fn progress(&self, i: usize, values: bool) -> HResult {
        let item = self.items[self.pick(i)];
        let progress = self.progress_item(i, values);
        self.callback.progress(black_box(item), progress, None)
    }

    fn progress_unguarded(&self, i: usize, values: bool) -> HResult {
        let item = self.items[self.pick(i)];
        self.plain
            .progress(black_box(item), self.progress_item(i, values))
    }
}

/// One callgrind workload.
fn workload(name: &str, calls: usize) -> Result<(), String> {
    let both = sides(name.starts_with("progress"));
    match name {
        "setup" => {}
        "set-item-status" => {
            for i in 0..calls {
                assert_eq!(both.set_item_status(&both.guarded, i), hr::S_OK);
            }
        }
        "set-item-status-unguarded" => {
            for i in 0..calls {
                assert_eq!(both.set_item_status(&both.plain_object, i), hr::S_OK);
            }
        }
        "progress" | "progress-values" => {
            let values = name == "progress-values";
            for i in 0..calls {
                assert_eq!(both.progress(i, values), HResult::S_OK);
            }
        }
        "progress-unguarded" | "progress-values-unguarded" => {
            let values = name == "progress-values-unguarded";
            for i in 0..calls {
                assert_eq!(both.progress_unguarded(i, values), HResult::S_OK);
            }
        }
        other => return Err(format!("unknown workload {other:?}")),
    }
    black_box(&both);
    Ok(())
}

fn bench(c: &mut Criterion) {
    let skip = sides(false);
    let mut group = c.benchmark_group("set_item_status_through_the_vtable");
    let mut i = 0;
    group.bench_function("guarded", |b| {
        b.iter(|| {
            i += 1;
            skip.set_item_status(&skip.guarded, i)
        });
    });
    group.bench_function("unguarded", |b| {
        b.iter(|| {
            i += 1;
            skip.set_item_status(&skip.plain_object, i)
        });
    });
    group.finish();
    drop(skip);
    let report = sides(true);
    for (group_name, values) in [
        ("progress_through_the_vtable", false),
        ("progress_values_through_the_vtable", true),
    ] {
        let mut group = c.benchmark_group(group_name);
        group.bench_function("guarded", |b| {
            b.iter(|| {
                i += 1;
                report.progress(i, values)
            });
        });
        group.bench_function("unguarded", |b| {
            b.iter(|| {
                i += 1;
                report.progress_unguarded(i, values)
            });
        });
        group.finish();
    }
}

/// The time per call of `f` over `calls` calls.
fn per_call(calls: usize, mut f: impl FnMut(usize)) -> f64 {
    let start = std::time::Instant::now();
    for i in 0..calls {
        f(i);
    }
    start.elapsed().as_nanos() as f64 / calls as f64
}

/// Both sides in interleaved rounds, so that the machine's drift hits both alike: the medians
/// and their ratio (target ≤ 1.5).
fn ratios() {
    const ROUNDS: usize = 21;
    const CALLS: usize = 50_000;
    let skip = sides(false);
    let report = sides(true);
    let mut times: [[Vec<f64>; 2]; 3] = Default::default();
    for _ in 0..ROUNDS {
        times[0][0].push(per_call(CALLS, |i| {
            let _ = black_box(skip.set_item_status(&skip.guarded, i));
        }));
        times[0][1].push(per_call(CALLS, |i| {
            let _ = black_box(skip.set_item_status(&skip.plain_object, i));
        }));
        for (k, values) in [(1, false), (2, true)] {
            times[k][0].push(per_call(CALLS, |i| {
                black_box(report.progress(i, values));
            }));
            times[k][1].push(per_call(CALLS, |i| {
                black_box(report.progress_unguarded(i, values));
            }));
        }
    }
    let names = [
        "SetItemStatus",
        "Progress (status)",
        "Progress (value and max)",
    ];
    for (name, [guarded, unguarded]) in names.into_iter().zip(times) {
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (g, u) = (median(guarded), median(unguarded));
        println!(
            "{name} through the vtable: guarded {g:.1} ns, unguarded {u:.1} ns, ratio {:.2} \
             (target ≤ 1.5)",
            g / u
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [name, calls] = args.as_slice()
        && let Ok(calls) = calls.parse()
    {
        if let Err(err) = workload(name, calls) {
            eprintln!("{err}");
            std::process::exit(2);
        }
        return;
    }
    let mut criterion = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
    // `cargo bench -- --test` runs every benchmark once as a smoke test: no ratios then.
    if !args.iter().any(|arg| arg == "--test") {
        ratios();
    }
}
