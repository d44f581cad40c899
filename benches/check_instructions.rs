//! Fixed workloads for counting instructions with callgrind (BENCHMARKS.md): `mobsync check` and
//! its anchors on the same events, held in memory.
//!
//! ```sh
//! cargo bench --features trace --bench check_instructions --no-run
//! B=$(ls -t target/release/deps/check_instructions-* | grep -v '\.d$' | head -1)
//! for w in setup check parse split serde-json memchr; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null $B $w 100000
//! done   # per event: (workload − setup) / events
//! ```
//!
//! - `check`: `trace::check` (read, parse and check) over the trace;
//! - `parse`: the parser alone, every line;
//! - `split`: `lines` and `split_ascii_whitespace`, counting tokens (a whitespace split);
//! - `serde-json`: the same events as JSON Lines, each line read by `serde_json` into a typed
//!   struct with borrowed strings (what a user would reach for instead of a trace format);
//! - `memchr`: counting lines with `memchr` (the memory-bound limit).

use std::hint::black_box;

use mobsync::Config;
use mobsync::trace::{Line, Parser};

const HEAD: &str = include_str!("data/check-head.trace");
const PASS: &str = include_str!("data/check-pass.trace");
const HEAD_JSON: &str = include_str!("data/check-head.jsonl");
const PASS_JSON: &str = include_str!("data/check-pass.jsonl");

#[path = "support/json_event.rs"]
mod json_event;
use json_event::JsonEvent;

/// The head, then whole passes of 12 events, until `events` events.
fn repeat(head: &str, pass: &str, events: usize) -> String {
    let mut text = String::from(head);
    text.push_str(&pass.repeat(events / 12));
    text
}

fn run(workload: &str, events: usize) -> Result<usize, String> {
    let trace = repeat(HEAD, PASS, events);
    let json = repeat(HEAD_JSON, PASS_JSON, events);
    let count = match workload {
        "setup" => 0,
        "check" => {
            let summary = mobsync::trace::check(trace.as_bytes(), Config::default(), |v| {
                black_box(v);
            })
            .map_err(|e| e.to_string())?;
            summary.events
        }
        "parse" => {
            let mut parser = Parser::new();
            let mut events = 0;
            for (n, line) in trace.lines().enumerate() {
                if let Line::Event(event) =
                    parser.parse_line(n + 1, line).map_err(|e| e.to_string())?
                {
                    events += usize::from(black_box(event).line > 0);
                }
            }
            events
        }
        "split" => black_box(&trace)
            .lines()
            .map(|line| line.split_ascii_whitespace().count())
            .sum(),
        "serde-json" => {
            let mut events = 0;
            for line in black_box(&json).lines() {
                let event: JsonEvent<'_> = serde_json::from_str(line).map_err(|e| e.to_string())?;
                events += usize::from(!black_box(event).event.is_empty());
            }
            events
        }
        "memchr" => memchr::memchr_iter(b'\n', black_box(trace.as_bytes())).count(),
        // One line (`$LINE`) parsed `events` times: the cost of one line's form.
        "parse-one" => {
            let line = std::env::var("LINE").map_err(|_| "LINE is not set".to_owned())?;
            let mut parser = Parser::new();
            for _ in 0..events {
                black_box(
                    parser
                        .parse_line(1, black_box(&line))
                        .map_err(|e| e.to_string())?,
                );
            }
            events
        }
        other => return Err(format!("unknown workload {other}")),
    };
    black_box(count);
    Ok(count)
}

const WORKLOADS: [&str; 6] = ["setup", "check", "parse", "split", "serde-json", "memchr"];

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some(workload) if !workload.starts_with('-') => {
            let events = match args.get(1) {
                Some(n) => n.parse().map_err(|e| format!("event count {n}: {e}"))?,
                None => 100_000,
            };
            run(workload, events).map(drop)
        }
        // `cargo bench` and `cargo bench -- --test`: a smoke run of each, which also checks that
        // the JSON Lines hold the trace's events.
        _ => {
            let counts: Vec<usize> = WORKLOADS
                .iter()
                .map(|w| run(w, 1_200))
                .collect::<Result<_, _>>()?;
            if counts[1] != counts[2] || counts[2] != counts[4] || counts[1] != counts[5] {
                return Err(format!("the workloads disagree on the events: {counts:?}"));
            }
            Ok(())
        }
    }
}
