//! The hot paths allocate nothing: after warm-up, SetItemStatus through the vtable and a
//! handler's Progress through the guarded callback to the manager's vtable make no heap
//! allocation (a status text of up to 64 UTF-16 units included), counted by this binary's
//! allocator on the calling thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::{Arc, Mutex};

use mobsync::sim::{Callback, ItemInfo, SyncHandler};
use mobsync::{ErrorId, HResult, ItemId, ProgressItem, SyncMgrFlags, SyncMgrStatus};
use mobsync_com::Handler;
use mobsync_com::abi::{
    HWND, ISyncMgrEnumItems, ISyncMgrSynchronize, ISyncMgrSynchronizeCallback,
    ISyncMgrSynchronizeCallback_Impl, SYNCMGRLOGERRORINFO, SYNCMGRPROGRESSITEM,
};
use mobsync_com::hr;
use windows_core::{GUID, HRESULT, Interface, implement};

/// The system allocator, counting each thread's allocations.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.set(ALLOCATIONS.get() + 1);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.set(ALLOCATIONS.get() + 1);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations `work` makes on this thread.
fn allocations(work: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.get();
    work();
    ALLOCATIONS.get() - before
}

const ITEMS: u128 = 100;

fn item(n: u128) -> ItemId {
    ItemId::from_u128(0x6295_df40_0000_4000_8000_0000_0000_0000 | n)
}

/// A handler whose own code allocates nothing on the hot paths: it completes preparation at
/// once and hands its callback to the test.
struct Quiet {
    callback: Arc<Mutex<Option<Callback>>>,
}

impl SyncHandler for Quiet {
    fn initialize(&mut self, _: SyncMgrFlags, _: &[u8]) -> HResult {
        HResult::S_OK
    }
    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
        items.extend((1..=ITEMS).map(|n| ItemInfo::new(item(n), "item")));
        HResult::S_OK
    }
    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
        *self.callback.lock().unwrap() = callback;
        HResult::S_OK
    }
    fn prepare_for_sync(&mut self, _: &[ItemId]) -> HResult {
        if let Some(callback) = &*self.callback.lock().unwrap() {
            callback.prepare_for_sync_completed(HResult::S_OK);
        }
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

/// A manager's callback that takes every call and allocates nothing.
#[implement(ISyncMgrSynchronizeCallback)]
struct Takes;

impl ISyncMgrSynchronizeCallback_Impl for Takes_Impl {
    unsafe fn ShowPropertiesCompleted(&self, _: HRESULT) -> HRESULT {
        hr::S_OK
    }
    unsafe fn PrepareForSyncCompleted(&self, _: HRESULT) -> HRESULT {
        hr::S_OK
    }
    unsafe fn SynchronizeCompleted(&self, _: HRESULT) -> HRESULT {
        hr::S_OK
    }
    unsafe fn ShowErrorCompleted(&self, _: HRESULT, _: u32, _: *const GUID) -> HRESULT {
        hr::S_OK
    }
    unsafe fn EnableModeless(&self, _: i32) -> HRESULT {
        hr::S_OK
    }
    unsafe fn Progress(&self, _: *const GUID, _: *const SYNCMGRPROGRESSITEM) -> HRESULT {
        hr::S_OK
    }
    unsafe fn LogError(&self, _: u32, _: *const u16, _: *const SYNCMGRLOGERRORINFO) -> HRESULT {
        hr::S_OK
    }
    unsafe fn DeleteLogError(&self, _: *const GUID, _: u32) -> HRESULT {
        hr::S_OK
    }
    unsafe fn EstablishConnection(&self, _: *const u16, _: u32) -> HRESULT {
        hr::S_OK
    }
}

/// A guarded handler in window B of a pass of every item, and its callback.
fn in_window_b() -> (ISyncMgrSynchronize, Callback, ISyncMgrSynchronizeCallback) {
    let kept = Arc::new(Mutex::new(None));
    let object: ISyncMgrSynchronize = Handler::new(Quiet {
        callback: Arc::clone(&kept),
    })
    .into();
    let manager: ISyncMgrSynchronizeCallback = Takes.into();
    let ids: Vec<GUID> = (1..=ITEMS).map(|n| GUID::from(item(n))).collect();
    let mut enumerator = core::ptr::null_mut();
    // SAFETY: valid arguments for each call; the enumerator's reference is released at once.
    unsafe {
        assert_eq!(object.Initialize(0, 0x203, 0, core::ptr::null()), hr::S_OK);
        assert_eq!(object.EnumSyncMgrItems(&mut enumerator), hr::S_OK);
        drop(ISyncMgrEnumItems::from_raw(enumerator));
        assert_eq!(object.SetProgressCallback(manager.as_raw()), hr::S_OK);
        let count = ids.len() as u32;
        assert_eq!(
            object.PrepareForSync(count, ids.as_ptr(), HWND::default(), 0),
            hr::S_OK
        );
        assert_eq!(object.Synchronize(HWND::default()), hr::S_OK);
    }
    let callback = kept.lock().unwrap().clone().unwrap();
    (object, callback, manager)
}

#[test]
fn set_item_status_through_the_vtable_allocates_nothing() {
    let (object, _callback, _manager) = in_window_b();
    let skip = |n: u128| {
        let id = GUID::from(item(n));
        // SAFETY: a GUID that outlives the call.
        let answer = unsafe { object.SetItemStatus(&id, SyncMgrStatus::Skipped as u32) };
        assert_eq!(answer, hr::S_OK);
    };
    skip(1);
    assert_eq!(allocations(|| (2..=ITEMS).for_each(skip)), 0);
}

#[test]
fn progress_through_the_guarded_callback_allocates_nothing() {
    let (_object, callback, _manager) = in_window_b();
    let updating = ProgressItem::status(SyncMgrStatus::Updating);
    assert_eq!(callback.progress(item(1), updating, None), HResult::S_OK);
    let made = allocations(|| {
        for n in 1..=ITEMS {
            let step = updating.with_value(1).with_max(10);
            assert_eq!(callback.progress(item(n), step, None), HResult::S_OK);
            let text = "copying one file of ten";
            assert_eq!(callback.progress(item(n), step, Some(text)), HResult::S_OK);
        }
    });
    assert_eq!(made, 0);
}

#[test]
fn a_status_text_over_64_units_is_the_one_allocation_of_a_progress() {
    let (_object, callback, _manager) = in_window_b();
    let updating = ProgressItem::status(SyncMgrStatus::Updating);
    assert_eq!(callback.progress(item(1), updating, None), HResult::S_OK);
    let long = "x".repeat(65);
    let made = allocations(|| {
        assert_eq!(
            callback.progress(item(2), updating, Some(&long)),
            HResult::S_OK
        );
    });
    // The UTF-16 copy for the manager: on the heap past the inline 64 units (and this counter
    // does see allocations).
    assert_eq!(made, 1);
}
