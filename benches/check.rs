//! `mobsync check` on a generated trace of 10^6 events, against splitting the same text into
//! lines and whitespace-separated tokens alone. Target: ratio ≤ 2.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mobsync::Config;

/// Whole passes of three items, 12 events each, until `events` events.
fn trace(events: usize) -> String {
    let pass = "PrepareForSync A B C\n\
                return PrepareForSync S_OK\n\
                SetItemStatus C SKIPPED => S_OK\n\
                PrepareForSyncCompleted S_OK\n\
                Synchronize => S_OK\n\
                Progress A status=UPDATING value=0 max=10\n\
                Progress B status=UPDATING text=\"copying\"\n\
                Progress A status=SUCCEEDED value=10\n\
                Progress B status=SUCCEEDED\n\
                Progress C status=SKIPPED\n\
                LogError INFORMATION \"pass done\"\n\
                SynchronizeCompleted S_OK\n";
    let mut text =
        String::from("Initialize MANUAL\nEnumSyncMgrItems A B C\nSetProgressCallback set\n");
    text.push_str(&pass.repeat(events / 12));
    text
}

fn check(c: &mut Criterion) {
    let text = trace(1_000_000);
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    group.bench_function("baseline: tokenize 10^6 events", |b| {
        b.iter(|| {
            black_box(&text)
                .lines()
                .map(|line| line.split_ascii_whitespace().count())
                .sum::<usize>()
        })
    });
    group.bench_function("mobsync check 10^6 events", |b| {
        b.iter(|| {
            let summary =
                mobsync::trace::check(black_box(text.as_bytes()), Config::default(), |v| {
                    black_box(v);
                })
                .unwrap();
            assert_eq!(summary.violations, 0);
            summary.events
        })
    });
    group.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
