//! The crate's parser against the independent reference parser: the same event, or the same
//! error line and column, for generated lines (valid, and mutated) and whole traces.
//!
//! The glue is the only part of this test binary that reads the crate; the reference and the
//! generators do not. What the crate's parsed event does not keep (the strings of Progress,
//! LogError, GetHandlerInfo and EstablishConnection) is not compared; their presence and length
//! are.

use mobsync::trace::{Call, Line, Parser};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::generate::{mutated_line, trace_bytes, valid_line};
use super::parser::{RefKind, RefLine, RefMethod, RefParser, parse_trace};

/// Cases per property: a few thousand in CI, `MOBSYNC_REF_CASES` for more.
fn cases() -> u32 {
    std::env::var("MOBSYNC_REF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

/// The reference's event with the strings the crate does not keep removed.
fn comparable(kind: RefKind) -> RefKind {
    match kind {
        RefKind::GetHandlerInfo {
            name_units, flags, ..
        } => RefKind::GetHandlerInfo {
            name: None,
            name_units,
            flags,
        },
        RefKind::Progress {
            item,
            mask,
            status,
            value,
            max,
            ..
        } => RefKind::Progress {
            item,
            mask,
            status,
            value,
            max,
            text: None,
        },
        RefKind::LogError {
            level,
            mask,
            error_flags,
            error_id,
            item,
            ..
        } => RefKind::LogError {
            level,
            text: String::new(),
            mask,
            error_flags,
            error_id,
            item,
        },
        RefKind::EstablishConnection { name, reserved } => RefKind::EstablishConnection {
            name: name.map(|_| String::new()),
            reserved,
        },
        other => other,
    }
}

fn ids(items: &[mobsync::ItemId]) -> Vec<u128> {
    items.iter().map(|i| i.to_u128()).collect()
}

fn method(m: mobsync::Method) -> RefMethod {
    match m {
        mobsync::Method::PrepareForSync => RefMethod::PrepareForSync,
        mobsync::Method::Synchronize => RefMethod::Synchronize,
        mobsync::Method::ShowProperties => RefMethod::ShowProperties,
        mobsync::Method::ShowError => RefMethod::ShowError,
    }
}

/// The crate's event in the reference's terms.
fn crate_kind(call: &Call) -> RefKind {
    match call {
        Call::Initialize { flags, reserved } => RefKind::Initialize {
            flags: *flags,
            reserved: *reserved,
        },
        Call::GetHandlerInfo { name_units, flags } => RefKind::GetHandlerInfo {
            name: None,
            name_units: *name_units,
            flags: *flags,
        },
        Call::EnumSyncMgrItems { items } => RefKind::EnumSyncMgrItems { items: ids(items) },
        Call::GetItemObject { item } => RefKind::GetItemObject {
            item: item.to_u128(),
        },
        Call::SetProgressCallback { set } => RefKind::SetProgressCallback { set: *set },
        Call::SetItemStatus { item, status } => RefKind::SetItemStatus {
            item: item.to_u128(),
            status: *status,
        },
        Call::PrepareForSync { items, reserved } => RefKind::PrepareForSync {
            items: ids(items),
            reserved: *reserved,
        },
        Call::Synchronize => RefKind::Synchronize,
        Call::ShowProperties { item } => RefKind::ShowProperties {
            item: item.to_u128(),
        },
        Call::ShowError { error } => RefKind::ShowError {
            error: error.to_u128(),
        },
        Call::Return { method: m, hr } => RefKind::Return {
            method: method(*m),
            hr: hr.to_u32(),
        },
        Call::PrepareForSyncCompleted { hr } => {
            RefKind::PrepareForSyncCompleted { hr: hr.to_u32() }
        }
        Call::SynchronizeCompleted { hr } => RefKind::SynchronizeCompleted { hr: hr.to_u32() },
        Call::ShowPropertiesCompleted { hr } => {
            RefKind::ShowPropertiesCompleted { hr: hr.to_u32() }
        }
        Call::ShowErrorCompleted { hr, items } => RefKind::ShowErrorCompleted {
            hr: hr.to_u32(),
            items: ids(items),
        },
        Call::EnableModeless { enable } => RefKind::EnableModeless { enable: *enable },
        Call::Progress { item, progress } => RefKind::Progress {
            item: item.to_u128(),
            mask: progress.mask,
            status: progress.status,
            value: progress.value,
            max: progress.max,
            text: None,
        },
        Call::LogError { level, info } => RefKind::LogError {
            level: *level,
            text: String::new(),
            mask: info.mask,
            error_flags: info.error_flags,
            error_id: info.error_id.to_u128(),
            item: info.item.to_u128(),
        },
        Call::DeleteLogError { error, reserved } => RefKind::DeleteLogError {
            error: error.to_u128(),
            reserved: *reserved,
        },
        Call::EstablishConnection { has_name, reserved } => RefKind::EstablishConnection {
            name: has_name.then(String::new),
            reserved: *reserved,
        },
        // `Call` is not exhaustive for the test: a new event must be mapped here.
        #[allow(unreachable_patterns)]
        other => panic!("unmapped event {other:?}"),
    }
}

/// What one line parses to, in comparable terms: the line, or the error's column.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Empty,
    Decl(String, u128),
    Event(RefKind, Option<u32>),
    Error(usize),
}

fn crate_line(parser: &mut Parser, text: &str) -> Outcome {
    match parser.parse_line(1, text) {
        Ok(Line::Empty) => Outcome::Empty,
        Ok(Line::Declaration { name, guid }) => Outcome::Decl(name, guid.to_u128()),
        Ok(Line::Event(event)) => Outcome::Event(
            crate_kind(&event.call),
            event.recorded.map(mobsync::HResult::to_u32),
        ),
        Err(err) => Outcome::Error(err.column),
    }
}

fn reference_line(parser: &mut RefParser, text: &str) -> Outcome {
    match parser.parse_line(1, text) {
        Ok(RefLine::Empty) => Outcome::Empty,
        Ok(RefLine::Decl { name, guid }) => Outcome::Decl(name, guid),
        Ok(RefLine::Event(event)) => Outcome::Event(comparable(event.kind), event.recorded),
        Err(err) => Outcome::Error(err.column),
    }
}

/// The line parsed by fresh parsers, then again by the same ones: the second time its names are
/// known (the crate then reads most lines on its fast path).
fn same_line(text: &str) -> Result<(), TestCaseError> {
    let (mut crate_parser, mut ref_parser) = (Parser::new(), RefParser::new());
    for pass in ["first", "second"] {
        let ours = crate_line(&mut crate_parser, text);
        let theirs = reference_line(&mut ref_parser, text);
        prop_assert_eq!(&ours, &theirs, "line {:?}, {} time", text, pass);
    }
    Ok(())
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn every_valid_line_parses_to_the_reference_s_event() {
    runner()
        .run(&valid_line(), |line| same_line(&line))
        .unwrap();
}

#[test]
fn every_mutated_line_parses_to_the_reference_s_event_or_error_column() {
    runner()
        .run(&mutated_line(), |line| same_line(&line))
        .unwrap();
}

/// A whole trace through `mobsync::trace::check`: the lines of its events and its first error,
/// (line, column).
fn crate_trace(bytes: &[u8]) -> (Vec<usize>, Option<(usize, usize)>) {
    let mut events = Vec::new();
    let result = mobsync::trace::check(bytes, mobsync::Config::default(), |v| events.push(v.line));
    let error = match result {
        Ok(_) => None,
        Err(mobsync::trace::CheckError::Syntax(err)) => Some((err.line, err.column)),
        Err(err) => panic!("{err}"),
    };
    (events, error)
}

#[test]
fn whole_traces_give_the_reference_s_events_and_first_error() {
    runner()
        .run(&trace_bytes(), |bytes| {
            let (lines, error) = parse_trace(&bytes);
            let theirs: Vec<usize> = lines
                .iter()
                .filter(|(_, line)| matches!(line, RefLine::Event(_)))
                .map(|(n, _)| *n)
                .collect();
            let theirs_error = error.map(|e| (e.line, e.column));
            let (ours, ours_error) = crate_trace(&bytes);
            prop_assert_eq!(
                (&ours, ours_error),
                (&theirs, theirs_error),
                "trace {:?}",
                String::from_utf8_lossy(&bytes)
            );
            Ok(())
        })
        .unwrap();
}
