//! The engine's hot events against a bare hash-map baseline, in one criterion group per event so
//! each ratio comes from one run.
//!
//! - `set_item_status/{n}`: SetItemStatus(SKIPPED) accepted in window B on a selection of `n`
//!   items, against a lookup-and-write of the same key in a `hashbrown::HashMap` with the same
//!   hasher (foldhash). Target: ratio ≤ 1.5.
//! - `progress/{n}`: Progress with a status change (UPDATING ↔ UPDATING_INDETERMINATE), against
//!   the same baseline. Target: ratio ≤ 2.
//! - `rejected/{n}`: SetItemStatus refused out of window and for an unknown item.
//!
//! Each engine call is consumed the way a COM method consumes it, as the HRESULT it returns
//! (`HResult::from(result)`), so accepted and refused calls are compared on the same work.

use std::hint::black_box;

mod support;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mobsync::{HResult, ItemId, ProgressAnswer, ProgressItem, SyncMgrStatus};
use support::{baseline, baseline_pass, engine_pass, ids, window_b};

const SIZES: [usize; 4] = [10, 1_000, 100_000, 1_000_000];

fn set_item_status(c: &mut Criterion) {
    let mut group = c.benchmark_group("set_item_status");
    for n in SIZES {
        let items = ids(n);
        let mut map = baseline(&items);
        let mut sync = window_b(&items);
        let mut k = 0;
        group.bench_with_input(BenchmarkId::new("baseline", n), &n, |b, _| {
            b.iter(|| {
                k = (k + 7919) % n;
                if let Some(entry) = map.get_mut(black_box(&items[k])) {
                    entry.skip = true;
                }
            })
        });
        group.bench_with_input(BenchmarkId::new("engine", n), &n, |b, _| {
            b.iter(|| {
                k = (k + 7919) % n;
                black_box(HResult::from(sync.set_item_status(black_box(items[k]), 1)))
            })
        });
    }
    group.finish();
}

fn progress(c: &mut Criterion) {
    let mut group = c.benchmark_group("progress");
    for n in SIZES {
        let items = ids(n);
        let mut map = baseline(&items);
        let mut sync = window_b(&items);
        for &id in &items {
            sync.progress(
                id,
                ProgressItem::status(SyncMgrStatus::Updating),
                ProgressAnswer::Continue,
            )
            .unwrap();
        }
        let statuses = [
            SyncMgrStatus::UpdatingIndeterminate,
            SyncMgrStatus::Updating,
        ];
        // Iteration i visits item (i × 7919) mod n: every item once per round of n iterations
        // (7919 is prime to n), and round i / n picks the status, so each visit changes it.
        let visit = |i: usize| ((i * 7919) % n, statuses[(i / n) & 1]);
        let mut i = 0;
        group.bench_with_input(BenchmarkId::new("baseline", n), &n, |b, _| {
            b.iter(|| {
                let (k, status) = visit(i);
                i += 1;
                if let Some(entry) = map.get_mut(black_box(&items[k])) {
                    entry.status = status as u32;
                }
            })
        });
        let mut i = 0;
        group.bench_with_input(BenchmarkId::new("engine", n), &n, |b, _| {
            b.iter(|| {
                let (k, status) = visit(i);
                i += 1;
                let p = ProgressItem::status(status);
                black_box(HResult::from(sync.progress(
                    black_box(items[k]),
                    p,
                    ProgressAnswer::Continue,
                )))
            })
        });
    }
    group.finish();
}

fn rejected(c: &mut Criterion) {
    let mut group = c.benchmark_group("rejected");
    for n in [1_000, 1_000_000] {
        let items = ids(n);
        let mut sync = window_b(&items);
        let mut k = 0;
        group.bench_with_input(BenchmarkId::new("accepted", n), &n, |b, _| {
            b.iter(|| {
                k = (k + 7919) % n;
                black_box(HResult::from(sync.set_item_status(black_box(items[k]), 1)))
            })
        });
        let unknown = ItemId::from_u128(u128::MAX);
        group.bench_with_input(BenchmarkId::new("unknown_item", n), &n, |b, _| {
            b.iter(|| black_box(HResult::from(sync.set_item_status(black_box(unknown), 1))))
        });
        sync.synchronize_completed(HResult::S_OK).unwrap();
        group.bench_with_input(BenchmarkId::new("out_of_window", n), &n, |b, _| {
            b.iter(|| {
                k = (k + 7919) % n;
                black_box(HResult::from(sync.set_item_status(black_box(items[k]), 1)))
            })
        });
    }
    group.finish();
}

/// A whole pass of 10^5 items — PrepareForSync, UPDATING then SUCCEEDED per item, completions —
/// against the same map work without any validation. Target: ratio ≤ 2.
fn whole_pass(c: &mut Criterion) {
    let mut group = c.benchmark_group("pass");
    group.sample_size(20);
    let n = 100_000;
    let items = ids(n);
    group.bench_function(BenchmarkId::new("baseline", n), |b| {
        b.iter(|| baseline_pass(&items))
    });
    group.bench_function(BenchmarkId::new("engine", n), |b| {
        b.iter(|| engine_pass(&items))
    });
    group.finish();
}

criterion_group!(benches, set_item_status, progress, rejected, whole_pass);
criterion_main!(benches);
