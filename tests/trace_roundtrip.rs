//! Trace → parse → print → parse round-trips: every line of the conformance traces and of the
//! simulator's traces, and arbitrary events; and every trace the simulator writes for an
//! arbitrary script checks clean.

#[path = "../examples/handlers/folder_mirror.rs"]
#[allow(dead_code)]
mod folder_mirror;

use std::fs;
use std::path::Path;

use mobsync::sim::{Script, Selection, Simulator};
use mobsync::trace::{Call, Line, Parser, TraceEvent, check};
use mobsync::{
    Config, ErrorId, HResult, ItemId, LogErrorInfo, Method, ProgressAnswer, ProgressItem,
};
use proptest::prelude::*;

/// Parses `text` (a whole trace), prints each event and parses the printed line back.
fn round_trip(text: &str) -> usize {
    let mut parser = Parser::new();
    let mut again = Parser::new();
    let mut events = 0;
    for (n, line) in text.lines().enumerate() {
        if let Line::Event(event) = parser.parse_line(n + 1, line).unwrap() {
            let printed = event.to_string();
            let Line::Event(back) = again.parse_line(n + 1, &printed).unwrap() else {
                panic!("{printed} is no event")
            };
            assert_eq!(back, event, "{line}\n  printed as {printed}");
            events += 1;
        }
    }
    events
}

#[test]
fn every_conformance_trace_round_trips_through_print() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance");
    let mut events = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "trace") {
            // Declarations name GUIDs the printed form writes out, so each trace gets fresh parsers.
            events += round_trip(&fs::read_to_string(&path).unwrap());
        }
    }
    assert!(events > 500, "{events}");
}

fn id() -> BoxedStrategy<ItemId> {
    prop_oneof![
        Just(ItemId::NULL),
        (1u128..6).prop_map(ItemId::from_u128),
        any::<u128>().prop_map(ItemId::from_u128)
    ]
    .boxed()
}

fn hr() -> impl Strategy<Value = HResult> {
    prop_oneof![
        Just(HResult::S_OK),
        Just(HResult::S_SYNCMGR_RETRYSYNC),
        Just(HResult::E_UNEXPECTED),
        any::<u32>().prop_map(HResult::from_u32)
    ]
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::PrepareForSync),
        Just(Method::Synchronize),
        Just(Method::ShowProperties),
        Just(Method::ShowError)
    ]
}

fn call() -> impl Strategy<Value = (Call, Option<HResult>)> {
    let items = prop::collection::vec(id(), 0..4).boxed();
    let with_hr = |c: BoxedStrategy<Call>| (c, prop::option::of(hr())).boxed();
    prop_oneof![
        with_hr(
            (any::<u32>(), any::<u32>())
                .prop_map(|(flags, reserved)| Call::Initialize { flags, reserved })
                .boxed()
        ),
        with_hr(
            (0usize..40, any::<u32>())
                .prop_map(|(name_units, flags)| Call::GetHandlerInfo { name_units, flags })
                .boxed()
        ),
        with_hr(
            items
                .clone()
                .prop_map(|items| Call::EnumSyncMgrItems { items })
                .boxed()
        ),
        with_hr(id().prop_map(|item| Call::GetItemObject { item }).boxed()),
        with_hr(
            any::<bool>()
                .prop_map(|set| Call::SetProgressCallback { set })
                .boxed()
        ),
        with_hr(
            (id(), any::<u32>())
                .prop_map(|(item, status)| Call::SetItemStatus { item, status })
                .boxed()
        ),
        with_hr(
            (items.clone(), any::<u32>())
                .prop_map(|(items, reserved)| Call::PrepareForSync { items, reserved })
                .boxed()
        ),
        with_hr(Just(Call::Synchronize).boxed()),
        with_hr(id().prop_map(|item| Call::ShowProperties { item }).boxed()),
        with_hr(
            id().prop_map(|e| Call::ShowError {
                error: ErrorId::from(mobsync::Guid::from(e))
            })
            .boxed()
        ),
        (method(), hr()).prop_map(|(method, hr)| (Call::Return { method, hr }, None)),
        with_hr(
            hr().prop_map(|hr| Call::SynchronizeCompleted { hr })
                .boxed()
        ),
        with_hr(
            (hr(), items)
                .prop_map(|(hr, items)| Call::ShowErrorCompleted { hr, items })
                .boxed()
        ),
        with_hr(
            any::<bool>()
                .prop_map(|enable| Call::EnableModeless { enable })
                .boxed()
        ),
        (
            id(),
            0u32..0x40,
            any::<u32>(),
            any::<i32>(),
            any::<i32>(),
            0usize..3
        )
            .prop_map(|(item, mask, status, value, max, a)| {
                let carried = |bit: u32, v| if mask & bit != 0 { v } else { 0 };
                let progress = ProgressItem {
                    mask,
                    status: carried(0x2, status),
                    value: carried(0x4, value as u32) as i32,
                    max: carried(0x8, max as u32) as i32,
                };
                let answer = [
                    None,
                    Some(HResult::S_SYNCMGR_CANCELITEM),
                    Some(HResult::S_SYNCMGR_CANCELALL),
                ][a];
                (Call::Progress { item, progress }, answer)
            }),
        with_hr(
            (any::<u32>(), 0u32..0x10, id(), id())
                .prop_map(|(level, mask, e, item)| {
                    let info = LogErrorInfo {
                        mask,
                        error_flags: if mask & 1 != 0 { 1 } else { 0 },
                        error_id: if mask & 2 != 0 {
                            ErrorId::from(mobsync::Guid::from(e))
                        } else {
                            ErrorId::NULL
                        },
                        item: if mask & 4 != 0 { item } else { ItemId::NULL },
                    };
                    Call::LogError { level, info }
                })
                .boxed()
        ),
        with_hr(
            (id(), any::<u32>())
                .prop_map(|(e, reserved)| Call::DeleteLogError {
                    error: ErrorId::from(mobsync::Guid::from(e)),
                    reserved
                })
                .boxed()
        ),
        with_hr(
            (any::<bool>(), any::<u32>())
                .prop_map(|(has_name, reserved)| Call::EstablishConnection { has_name, reserved })
                .boxed()
        ),
    ]
}

proptest! {
    #[test]
    fn any_event_prints_as_a_line_that_parses_back_to_it((call, recorded) in call()) {
        let event = TraceEvent { line: 1, call, recorded };
        let printed = event.to_string();
        let back = Parser::new().parse_line(1, &printed);
        prop_assert_eq!(back, Ok(Line::Event(event)), "{}", printed);
    }
}

fn script() -> impl Strategy<Value = Script> {
    let folder =
        (1u128..=3).prop_map(|n| ItemId::from_u128(0x6295DF40_0000_4000_8000_000000000000 + n));
    let answer = prop_oneof![
        Just(ProgressAnswer::CancelItem),
        Just(ProgressAnswer::CancelAll)
    ];
    (
        prop::collection::vec(folder.clone(), 0..2),
        prop::collection::vec(folder.clone(), 0..2),
        prop::option::of((folder.clone(), 1usize..4, answer)),
        prop::bool::ANY,
        prop::option::of(folder),
        0usize..2,
        prop::bool::ANY,
    )
        .prop_map(
            |(skip_a, skip_b, cancel, modeless, properties, retries, all)| {
                let mut script = Script::default().show_errors(retries);
                script.skip_a = skip_a;
                script.skip_b = skip_b;
                if let Some((item, nth, answer)) = cancel {
                    script = script.answer_progress(item, nth, answer);
                }
                if !modeless {
                    script = script.enable_modeless_answer(HResult::S_FALSE);
                }
                script.properties = properties;
                script.selection = if all {
                    Selection::All
                } else {
                    Selection::Checked
                };
                script
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_trace_the_simulator_writes_checks_clean_and_round_trips(script in script(), lock in prop::bool::ANY) {
        let root = std::env::temp_dir().join(format!("mobsync-prop-{}-{}", std::process::id(), rand_suffix()));
        let folders = folder_mirror::demo_folders(&root).unwrap();
        if lock {
            fs::write(folders[1].source.join(folder_mirror::LOCK), b"").unwrap();
        }
        let report = Simulator::new(script).run(&mut folder_mirror::FolderMirror::new(folders));
        let _ = fs::remove_dir_all(&root);
        prop_assert!(report.violations.is_empty(), "{:#?}", report.violations);
        let mut violations = Vec::new();
        let summary = check(report.trace.as_bytes(), Config::default(), |v| if v.violation { violations.push(v.to_string()) }).unwrap();
        prop_assert!(violations.is_empty(), "{:?}\n{}", violations, report.trace);
        prop_assert!(summary.events > 5);
        round_trip(&report.trace);
    }
}

/// A per-case suffix so parallel cases never share a directory.
fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
