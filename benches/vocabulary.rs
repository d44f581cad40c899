//! Parsing and formatting the crate's vocabulary: what a trace checker does per token.
//!
//! No target is stated for these; they are a baseline for later changes.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mobsync::{HResult, ItemId, SyncMgrStatus};

fn vocabulary(c: &mut Criterion) {
    let mut group = c.benchmark_group("vocabulary");
    group.bench_function("HResult::from_str name", |b| {
        b.iter(|| black_box("S_SYNCMGR_CANCELALL").parse::<HResult>())
    });
    group.bench_function("HResult::from_str hex", |b| {
        b.iter(|| black_box("0x8000FFFF").parse::<HResult>())
    });
    group.bench_function("SyncMgrStatus::try_from u32", |b| {
        b.iter(|| SyncMgrStatus::try_from(black_box(0x100_u32)))
    });
    group.bench_function("ItemId::from_str braced", |b| {
        b.iter(|| black_box("{6295DF40-35EE-11D1-8707-00C04FD93327}").parse::<ItemId>())
    });
    group.finish();
}

criterion_group!(benches, vocabulary);
criterion_main!(benches);
