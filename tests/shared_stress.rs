//! `SharedInstance` under contention: 4 manager threads send skip requests while 4 worker
//! threads report progress and finish items, 10^5 operations in all. Every skip request answered
//! S_OK must be observed by another thread (CONTRACT §8: no accepted skip request may be lost).

use std::sync::mpsc;
use std::thread;

use mobsync::{
    Event, HResult, ItemId, Method, ProgressAnswer, ProgressItem, SharedInstance, SyncMgrFlags,
    SyncMgrStatus,
};

const ITEMS: u128 = 256;
const MANAGERS: usize = 4;
const WORKERS: usize = 4;
const OPS_PER_THREAD: usize = 12_500; // 8 threads × 12,500 = 10^5 operations

fn window_b(shared: &SharedInstance, items: &[ItemId]) {
    for event in [
        Event::Initialize {
            reserved: 0,
            flags: SyncMgrFlags::from_bits(0x3),
            answer: HResult::S_OK,
        },
        Event::SetProgressCallback { bind: true },
        Event::PrepareForSync { items, reserved: 0 },
        Event::PrepareForSyncCompleted { hr: HResult::S_OK },
        Event::Return {
            method: Method::PrepareForSync,
            hr: HResult::S_OK,
        },
        Event::Synchronize,
        Event::Return {
            method: Method::Synchronize,
            hr: HResult::S_OK,
        },
    ] {
        shared.handle(&event).unwrap();
    }
}

/// A tiny deterministic generator, one per thread.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn every_skip_request_answered_s_ok_is_observed_by_another_thread() {
    let items: Vec<ItemId> = (1..=ITEMS).map(ItemId::from_u128).collect();
    let shared = SharedInstance::new();
    window_b(&shared, &items);
    let board = shared.skip_board();
    let (accepted_tx, accepted_rx) = mpsc::channel::<ItemId>();

    let mut threads = Vec::new();
    for m in 0..MANAGERS {
        let (shared, items, tx) = (shared.clone(), items.clone(), accepted_tx.clone());
        threads.push(thread::spawn(move || {
            let mut rng = 0x9E37_79B9_7F4A_7C15 ^ m as u64;
            let mut accepted = 0;
            for _ in 0..OPS_PER_THREAD {
                let item = items[(next(&mut rng) % ITEMS as u64) as usize];
                if shared
                    .handle(&Event::SetItemStatus { item, status: 1 })
                    .is_ok()
                {
                    tx.send(item).unwrap();
                    accepted += 1;
                }
            }
            accepted
        }));
    }
    drop(accepted_tx);
    for w in 0..WORKERS {
        let (shared, items) = (shared.clone(), items.clone());
        threads.push(thread::spawn(move || {
            let mut rng = 0xD1B5_4A32_D192_ED03 ^ w as u64;
            let mut reports = 0;
            for _ in 0..OPS_PER_THREAD {
                let item = items[(next(&mut rng) % ITEMS as u64) as usize];
                // Finish an item now and then, as SKIPPED when asked to, else SUCCEEDED.
                let status = match next(&mut rng) % 16 {
                    0 if shared.is_skip_requested(item) => SyncMgrStatus::Skipped,
                    0 => SyncMgrStatus::Succeeded,
                    n if n % 2 == 0 => SyncMgrStatus::Updating,
                    _ => SyncMgrStatus::UpdatingIndeterminate,
                };
                let progress = ProgressItem::status(status);
                let event = Event::Progress {
                    item,
                    progress,
                    answer: ProgressAnswer::Continue,
                };
                if shared.handle(&event).is_ok() {
                    reports += 1;
                }
            }
            reports
        }));
    }
    // The observer, for each request answered S_OK: the engine holds it, unless the item was
    // already final when it arrived (R-SIS: then it changes nothing, and the item stays final);
    // and what the engine holds, the lock-free board shows too.
    let mut observed = 0;
    for item in accepted_rx {
        let view = shared.read(|sync| sync.item(item)).unwrap();
        assert!(
            view.skip_requested || view.status.is_final(),
            "{item}: request lost by the engine"
        );
        if view.skip_requested {
            assert!(
                board.is_skip_requested(item),
                "{item}: request lost by the board"
            );
            assert!(shared.is_skip_requested(item));
        }
        observed += 1;
    }
    let counts: Vec<usize> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let accepted: usize = counts[..MANAGERS].iter().sum();
    assert_eq!(observed, accepted);
    assert!(accepted > 0 && counts[MANAGERS..].iter().all(|&n| n > 0));
    // The engine and the board agree on every item at the end.
    shared.read(|sync| {
        for view in sync.selection() {
            assert_eq!(
                board.is_skip_requested(view.id),
                view.skip_requested,
                "{}",
                view.id
            );
        }
    });
}

#[test]
fn cancel_all_reaches_every_unfinished_item_through_the_board() {
    let items: Vec<ItemId> = (1..=ITEMS).map(ItemId::from_u128).collect();
    let shared = SharedInstance::new();
    window_b(&shared, &items);
    let board = shared.skip_board();
    let done = ProgressItem::status(SyncMgrStatus::Succeeded);
    let first = items[0];
    shared
        .handle(&Event::Progress {
            item: first,
            progress: done,
            answer: ProgressAnswer::Continue,
        })
        .unwrap();
    let progress = ProgressItem::status(SyncMgrStatus::Updating);
    let cancel = Event::Progress {
        item: items[1],
        progress,
        answer: ProgressAnswer::CancelAll,
    };
    thread::scope(|s| {
        s.spawn(|| shared.handle(&cancel).unwrap());
    });
    assert!(
        !board.is_skip_requested(first),
        "final before the cancel: left alone"
    );
    assert!(items[1..].iter().all(|&id| board.is_skip_requested(id)));
}
