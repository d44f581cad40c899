//! `mobsync check` on a generated trace of 10^6 events, against real anchors on the same events:
//! - a whitespace split of the same text (`lines` + `split_ascii_whitespace`): target ≤ 3×;
//! - the same events as JSON Lines read by `serde_json` into typed structs with borrowed strings,
//!   what a user would reach for instead of a trace format: target faster (and ≤ 0.7× in
//!   instructions, `benches/check_instructions.rs`);
//! - counting the lines with `memchr`: the distance to the memory-bound limit (no target).
//!
//! After criterion's rows, the medians of interleaved runs of the four and their ratios are
//! printed (skipped with `--test`). Two more rows split `check` in its halves, to show where the
//! time goes (no target): parsing every line alone, and checking events parsed beforehand.
//!
//! Then the peak heap of checking 10^6 and 10^7 events streamed from a reader (the trace is
//! generated as it is read, never held whole), counted by this binary's global allocator.
//! Target: the same within 10 %.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use mobsync::Config;
use mobsync::trace::{Checker, Line, Parser, TraceEvent};

#[path = "support/json_event.rs"]
mod json_event;
#[path = "../tests/support/repeated.rs"]
mod repeated;
use json_event::JsonEvent;
use repeated::Repeated;

/// The system allocator, counting live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The trace's first lines (3 events), then whole passes of three items (12 events each). The
/// same files make the trace whose instructions BENCHMARKS.md counts.
const HEAD: &str = include_str!("data/check-head.trace");
const PASS: &str = include_str!("data/check-pass.trace");
/// The same events as JSON Lines.
const HEAD_JSON: &str = include_str!("data/check-head.jsonl");
const PASS_JSON: &str = include_str!("data/check-pass.jsonl");

/// Whole passes of three items, 12 events each, until `events` events.
fn trace(events: usize) -> String {
    let mut text = String::from(HEAD);
    text.push_str(&PASS.repeat(events / 12));
    text
}

/// The same events as JSON Lines.
fn json(events: usize) -> String {
    let mut text = String::from(HEAD_JSON);
    text.push_str(&PASS_JSON.repeat(events / 12));
    text
}

fn run_check(text: &str) -> usize {
    let summary = mobsync::trace::check(black_box(text.as_bytes()), Config::default(), |v| {
        black_box(v);
    })
    .unwrap();
    assert_eq!(summary.violations, 0);
    summary.events
}

fn run_split(text: &str) -> usize {
    black_box(text)
        .lines()
        .map(|line| line.split_ascii_whitespace().count())
        .sum()
}

fn run_serde(json: &str) -> usize {
    black_box(json)
        .lines()
        .map(|line| {
            let event: JsonEvent<'_> = serde_json::from_str(line).unwrap();
            usize::from(!black_box(event).event.is_empty())
        })
        .sum()
}

fn run_memchr(text: &str) -> usize {
    memchr::memchr_iter(b'\n', black_box(text.as_bytes())).count()
}

/// Medians of `rounds` interleaved runs of the four, in ms, and their ratios to `check`.
fn ratios(text: &str, json: &str, rounds: usize) {
    let mut times: [Vec<f64>; 4] = Default::default();
    for _ in 0..rounds {
        for (n, run) in [
            &(|| run_check(text)) as &dyn Fn() -> usize,
            &|| run_split(text),
            &|| run_serde(json),
            &|| run_memchr(text),
        ]
        .into_iter()
        .enumerate()
        {
            let start = std::time::Instant::now();
            black_box(run());
            times[n].push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    let median = |t: &mut Vec<f64>| {
        t.sort_by(f64::total_cmp);
        t[t.len() / 2]
    };
    let [check, split, serde, memchr] = times.each_mut().map(median);
    println!(
        "check vs anchors, medians of {rounds} interleaved runs: check {check:.1} ms, split \
         {split:.1} ms ({:.2}×, target ≤ 3), serde_json {serde:.1} ms ({:.2}×, target < 1), \
         memchr {memchr:.1} ms ({:.1}×, the memory-bound limit)",
        check / split,
        check / serde,
        check / memchr
    );
}

/// The events of `text`, parsed one line at a time.
fn events(text: &str) -> impl Iterator<Item = TraceEvent> + '_ {
    let mut parser = Parser::new();
    text.lines().enumerate().filter_map(move |(n, line)| {
        match parser.parse_line(n + 1, line).unwrap() {
            Line::Event(event) => Some(event),
            _ => None,
        }
    })
}

/// The peak of live heap bytes while checking `events` events, above what was live before, and
/// the number of events checked.
fn check_peak(events: usize) -> (usize, usize) {
    // The same trace as [`trace`], made as it is read.
    let input = Repeated::new(HEAD, PASS, events / 12);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let summary = mobsync::trace::check(input, Config::default(), |v| {
        black_box(v);
    })
    .unwrap();
    assert_eq!(summary.violations, 0);
    (PEAK.load(Ordering::Relaxed) - before, summary.events)
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
    group.bench_function("mobsync check 10^6 events", |b| b.iter(|| run_check(&text)));
    let lines = json(1_000_000);
    assert_eq!(run_serde(&lines), run_check(&text), "the same events");
    group.bench_function("anchor: serde_json 10^6 events", |b| {
        b.iter(|| run_serde(&lines))
    });
    group.bench_function("anchor: memchr 10^6 lines", |b| {
        b.iter(|| run_memchr(&text))
    });
    // The two halves of `check`, for where the time goes (no target): parsing every line, and
    // checking events parsed beforehand.
    group.bench_function("part: parse 10^6 events", |b| {
        b.iter(|| events(black_box(&text)).count())
    });
    let parsed: Vec<_> = events(&text).collect();
    group.bench_function("part: check 10^6 parsed events", |b| {
        b.iter(|| {
            let mut checker = Checker::new(Config::default());
            for event in black_box(&parsed) {
                black_box(checker.check(event));
            }
            checker.summary().violations
        })
    });
    group.finish();
    // `cargo bench -- --test` runs every benchmark once as a smoke test: no ratios then.
    if !std::env::args().any(|arg| arg == "--test") {
        ratios(&text, &lines, 9);
    }
    drop(text);

    let mut generated = String::new();
    Repeated::new(HEAD, PASS, 1_000 / 12)
        .read_to_string(&mut generated)
        .unwrap();
    assert_eq!(generated, trace(1_000), "the reader yields the timed trace");
    let (small, small_events) = check_peak(1_000_000);
    let (large, large_events) = check_peak(10_000_000);
    println!(
        "check/peak heap: {small} bytes for {small_events} events, {large} bytes for \
         {large_events} events, ratio {:.3} (target: within 10 %)",
        large as f64 / small as f64
    );
}

criterion_group!(benches, check);
criterion_main!(benches);
