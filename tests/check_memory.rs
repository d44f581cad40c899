//! Checking streams: its peak heap depends on the instance (items, names), not on the number of
//! events. Counted by a global allocator in this test binary of its own, on the thread that
//! checks. (`benches/check.rs` prints the same for 10^6 and 10^7 events.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use mobsync::Config;

#[path = "support/repeated.rs"]
mod repeated;
use repeated::Repeated;

struct Counting;

thread_local! {
    /// Live heap bytes allocated by this thread, and their peak: the test harness's own threads
    /// allocate too.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(bytes: isize) {
    // `try_with`: the allocator may run while this thread's locals are being torn down.
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + bytes);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
    });
}

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const HEAD: &str = "item A 6295df40-0000-4000-8000-000000000001\n\
                    Initialize MANUAL|MAYBOTHERUSER\n\
                    EnumSyncMgrItems A B C\n\
                    SetProgressCallback set\n";

/// A whole pass of three items with every kind of line the checker keeps nothing of: 15 events.
const PASS: &str = "PrepareForSync A B C\n\
                    return PrepareForSync S_OK\n\
                    SetItemStatus C SKIPPED => S_OK  # window A\n\
                    PrepareForSyncCompleted S_OK\n\
                    \n\
                    Synchronize => S_OK\n\
                    Progress A status=UPDATING value=0 max=10\n\
                    Progress B status=UPDATING text=\"copying \\\"x\\\"\"\n\
                    Progress A status=SUCCEEDED value=10\n\
                    Progress B status=SUCCEEDED\n\
                    Progress C status=SKIPPED\n\
                    LogError INFORMATION \"pass done\" error=E1\n\
                    SynchronizeCompleted S_OK\n\
                    DeleteLogError E1\n\
                    SetItemStatus A SKIPPED\n\
                    GetItemObject B\n";

/// The peak heap while checking `passes` passes, above what was live before; the events checked.
fn peak_of_check(passes: usize) -> (isize, usize) {
    let input = Repeated::new(HEAD, PASS, passes);
    let before = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(before));
    let summary = mobsync::trace::check(input, Config::default(), |v| {
        assert!(!v.violation, "{v}");
    })
    .unwrap();
    (PEAK.with(Cell::get) - before, summary.events)
}

#[test]
fn peak_heap_of_check_does_not_grow_with_the_number_of_events() {
    let (small, small_events) = peak_of_check(1_000);
    let (large, large_events) = peak_of_check(10_000);
    assert!(small_events >= 10_000 && large_events >= 100_000);
    assert!(small > 0);
    // Exactly the same: every buffer reaches its size in the first pass and is reused after.
    assert_eq!(
        large, small,
        "peak heap: {small} bytes for {small_events} events, {large} for {large_events}"
    );
}
