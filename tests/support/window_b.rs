//! An instance in window B, where the hot events are accepted. Shared by
//! `tests/alloc_budget.rs` and the benches (`benches/support`).

use mobsync::{HResult, Instance, ItemId, Method, SyncMgrFlags};

/// A new instance with `items` selected, in window B (Synchronize has returned).
pub fn window_b(items: &[ItemId]) -> Instance {
    let mut sync = Instance::new();
    sync.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK)
        .unwrap();
    sync.set_progress_callback(true).unwrap();
    sync.prepare_for_sync(items, 0).unwrap();
    sync.prepare_for_sync_completed(HResult::S_OK).unwrap();
    sync.returned(Method::PrepareForSync, HResult::S_OK)
        .unwrap();
    sync.synchronize().unwrap();
    sync.returned(Method::Synchronize, HResult::S_OK).unwrap();
    sync
}
