//! What `engine.rs` and `instructions.rs` share: the items, the instance in window B, the
//! baseline map and the two sides of a whole pass.

use std::hint::black_box;

use mobsync::{HResult, ItemId, ProgressAnswer, ProgressItem, SyncMgrStatus};

#[path = "../../tests/support/window_b.rs"]
mod window;
pub use window::window_b;

/// `n` distinct, well-spread item ids.
pub fn ids(n: usize) -> Vec<ItemId> {
    (1..=n as u128)
        .map(|i| ItemId::from_u128(i.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)))
        .collect()
}

/// The baseline's value per item.
#[derive(Clone, Copy)]
pub struct Entry {
    pub status: u32,
    pub skip: bool,
}

/// The baseline: the same map with the same hasher, without any contract.
pub type Baseline = hashbrown::HashMap<ItemId, Entry, foldhash::fast::RandomState>;

/// The baseline map with every item PENDING.
pub fn baseline(items: &[ItemId]) -> Baseline {
    let mut map = Baseline::with_capacity_and_hasher(items.len(), Default::default());
    for &id in items {
        map.insert(
            id,
            Entry {
                status: 2,
                skip: false,
            },
        );
    }
    map
}

/// A whole pass: PrepareForSync, UPDATING then SUCCEEDED per item, completions.
pub fn engine_pass(items: &[ItemId]) {
    let mut sync = window_b(items);
    for status in [SyncMgrStatus::Updating, SyncMgrStatus::Succeeded] {
        let progress = ProgressItem::status(status);
        for &id in items {
            sync.progress(id, progress, ProgressAnswer::Continue)
                .unwrap();
        }
    }
    black_box(sync.synchronize_completed(HResult::S_OK).unwrap());
}

/// The same map work as [`engine_pass`], without any validation.
pub fn baseline_pass(items: &[ItemId]) {
    let mut map = baseline(items);
    for status in [3, 4] {
        for id in items {
            if let Some(entry) = map.get_mut(id) {
                entry.status = status;
            }
        }
    }
    black_box(map.len());
}
