//! Exact heap budgets, counted by a global allocator in this test binary of its own: hot events
//! allocate nothing after warm-up, a rejected event allocates nothing, and a selection of 10^6
//! items costs at most 64 bytes of heap per item.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

use mobsync::{
    HResult, Instance, ItemId, ProgressAnswer, ProgressItem, SyncMgrFlags, SyncMgrStatus,
};

#[path = "support/window_b.rs"]
mod window;
use window::window_b;

struct Counting;

thread_local! {
    /// Allocations made by this thread: the test harness's own threads allocate too.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}
static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

fn count_allocation() {
    // `try_with`: the allocator may run while this thread's locals are being torn down.
    let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
}

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::SeqCst);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::SeqCst);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        LIVE_BYTES.fetch_add(new_size as isize - layout.size() as isize, Ordering::SeqCst);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f`. Tests in this binary take `SERIAL` so they never count each other.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn ids(n: usize) -> Vec<ItemId> {
    (1..=n as u128).map(ItemId::from_u128).collect()
}

#[test]
fn set_item_status_and_progress_allocate_nothing_after_warm_up() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let items = ids(1_000);
    let mut sync = window_b(&items);
    let updating = ProgressItem::status(SyncMgrStatus::Updating)
        .with_value(1)
        .with_max(10);
    let count = allocations(|| {
        for (n, &item) in items.iter().enumerate() {
            sync.set_item_status(item, 1).unwrap();
            let answer = if n % 7 == 0 {
                ProgressAnswer::CancelAll
            } else {
                ProgressAnswer::CancelItem
            };
            sync.progress(item, updating, answer).unwrap();
            sync.progress(
                item,
                ProgressItem::status(SyncMgrStatus::Skipped),
                ProgressAnswer::Continue,
            )
            .unwrap();
            assert!(sync.is_skip_requested(item));
        }
    });
    assert_eq!(count, 0);
}

#[test]
fn rejected_events_allocate_nothing() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let items = ids(100);
    let mut sync = window_b(&items);
    let unknown = ItemId::from_u128(u128::MAX);
    let count = allocations(|| {
        for &item in &items {
            assert!(sync.set_item_status(unknown, 1).is_err());
            assert!(sync.set_item_status(item, 0x9).is_err());
            assert!(
                sync.progress(
                    item,
                    ProgressItem::status(SyncMgrStatus::Pending).with_value(-1),
                    ProgressAnswer::Continue
                )
                .is_err()
            );
            assert!(sync.synchronize().is_err());
            assert!(sync.prepare_for_sync(&items, 0).is_err());
            // Formatting the error for a log line is the caller's choice; building it is free.
            let err = sync.get_item_object(item).unwrap_err();
            assert_eq!(err.hresult(), HResult::E_NOTIMPL);
        }
    });
    assert_eq!(count, 0);
}

#[test]
fn a_selection_of_a_million_items_costs_at_most_64_bytes_of_heap_per_item() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    const N: usize = 1_000_000;
    let items = ids(N);
    let mut sync = Instance::new();
    sync.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK)
        .unwrap();
    sync.set_progress_callback(true).unwrap();
    let before = LIVE_BYTES.load(Ordering::SeqCst);
    sync.prepare_for_sync(&items, 0).unwrap();
    let per_item = (LIVE_BYTES.load(Ordering::SeqCst) - before) as f64 / N as f64;
    eprintln!("selection heap per item at 10^6: {per_item:.1} bytes");
    assert!(per_item <= 64.0, "{per_item} bytes per item");
    assert_eq!(sync.selection().len(), N);
}
