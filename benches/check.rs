//! `mobsync check` on a generated trace of 10^6 events, against splitting the same text into
//! lines and whitespace-separated tokens alone. Target: ratio ≤ 2.
//!
//! Two more rows split `check` in its halves, to show where the time goes (no target): parsing
//! every line alone, and checking events that were parsed beforehand.
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

#[path = "../tests/support/repeated.rs"]
mod repeated;
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

/// Whole passes of three items, 12 events each, until `events` events.
fn trace(events: usize) -> String {
    let mut text = String::from(HEAD);
    text.push_str(&PASS.repeat(events / 12));
    text
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
