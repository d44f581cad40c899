//! Fixed workloads to count instructions with valgrind, because the build machine's timings
//! swing by ±50 % between runs while instruction counts do not:
//!
//! ```sh
//! cargo bench --bench instructions --no-run   # prints nothing; find the binary:
//! B=$(ls -t target/release/deps/instructions-* | grep -v '\.d$' | head -1)
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null $B progress 1000
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null $B progress-baseline 1000
//! ```
//!
//! Each workload makes `CALLS` calls (or `PASSES` whole passes) on `n` items after a setup that
//! is the same for a subject and its baseline, so the difference of two counts divided by
//! `CALLS` is the subject's extra cost per call. Without arguments (as `cargo bench` runs it)
//! every workload runs once on small sizes, as a smoke test.

mod support;

use std::hint::black_box;

use mobsync::{HResult, ItemId, ProgressAnswer, ProgressItem, SyncMgrStatus};
use support::{baseline, baseline_pass, engine_pass, ids, window_b};

const CALLS: usize = 1_000_000;
const PASSES: usize = 3;

const STATUSES: [SyncMgrStatus; 2] = [
    SyncMgrStatus::UpdatingIndeterminate,
    SyncMgrStatus::Updating,
];

fn run(workload: &str, n: usize, calls: usize, passes: usize) -> Result<(), String> {
    let items = ids(n);
    // Both sides build an instance and a map, so setups cancel out of a difference.
    let mut sync = window_b(&items);
    let mut map = baseline(&items);
    let visit = |i: usize| ((i * 7919) % n, STATUSES[(i / n) & 1]);
    match workload {
        // The setup alone, to subtract from the others.
        "setup" => {}
        "set-item-status" => {
            for i in 0..calls {
                let (k, _) = visit(i);
                black_box(HResult::from(sync.set_item_status(black_box(items[k]), 1)));
            }
        }
        "set-item-status-baseline" => {
            for i in 0..calls {
                let (k, _) = visit(i);
                if let Some(entry) = map.get_mut(black_box(&items[k])) {
                    entry.skip = true;
                }
            }
        }
        "progress" => {
            for i in 0..calls {
                let (k, status) = visit(i);
                let p = ProgressItem::status(status);
                let answer = ProgressAnswer::Continue;
                black_box(HResult::from(sync.progress(black_box(items[k]), p, answer)));
            }
        }
        "progress-baseline" => {
            for i in 0..calls {
                let (k, status) = visit(i);
                if let Some(entry) = map.get_mut(black_box(&items[k])) {
                    entry.status = status as u32;
                }
            }
        }
        "out-of-window" => {
            sync.synchronize_completed(HResult::S_OK).unwrap();
            for i in 0..calls {
                let (k, _) = visit(i);
                black_box(HResult::from(sync.set_item_status(black_box(items[k]), 1)));
            }
        }
        "unknown-item" => {
            let unknown = ItemId::from_u128(u128::MAX);
            for _ in 0..calls {
                black_box(HResult::from(sync.set_item_status(black_box(unknown), 1)));
            }
        }
        "pass" => (0..passes).for_each(|_| engine_pass(&items)),
        "pass-baseline" => (0..passes).for_each(|_| baseline_pass(&items)),
        other => return Err(format!("unknown workload {other}")),
    }
    black_box((&sync, &map));
    Ok(())
}

const WORKLOADS: [&str; 9] = [
    "setup",
    "set-item-status",
    "set-item-status-baseline",
    "progress",
    "progress-baseline",
    "out-of-window",
    "unknown-item",
    "pass",
    "pass-baseline",
];

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some(workload) if !workload.starts_with('-') => {
            let n = match args.get(1) {
                Some(n) => n.parse().map_err(|e| format!("item count {n}: {e}"))?,
                None => 1_000,
            };
            run(workload, n, CALLS, PASSES)
        }
        // `cargo bench` (`--bench`) and `cargo bench -- --test`: a smoke run of each.
        _ => WORKLOADS
            .iter()
            .try_for_each(|workload| run(workload, 100, 1_000, 1)),
    }
}
