//! Readable traces: the names the simulator declares for items and error ids, whatever names the
//! handler enumerates, and the trace still checks as the run did.

use mobsync::sim::{Callback, ItemInfo, Script, Selection, Simulator, SyncHandler};
use mobsync::trace::{EventLine, Line, Parser, check};
use mobsync::{
    Config, ErrorId, Event, Guid, HResult, ItemId, LogErrorInfo, ProgressItem, SyncMgrFlags,
    SyncMgrStatus,
};
use proptest::prelude::*;

/// A synchronous handler of items with the given names: each item succeeds, except that the
/// first logs an error about itself and one about nothing.
struct Named {
    names: Vec<String>,
    callback: Option<Callback>,
    selected: Vec<ItemId>,
}

fn id(n: usize) -> ItemId {
    ItemId::from_u128(0x6295DF40_0000_4000_8000_000000000000 + n as u128 + 1)
}

impl SyncHandler for Named {
    fn initialize(&mut self, _: SyncMgrFlags, _: &[u8]) -> HResult {
        HResult::S_OK
    }
    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
        items.extend(
            self.names
                .iter()
                .enumerate()
                .map(|(n, name)| ItemInfo::new(id(n), name)),
        );
        HResult::S_OK
    }
    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
        self.callback = callback;
        HResult::S_OK
    }
    fn prepare_for_sync(&mut self, items: &[ItemId]) -> HResult {
        self.selected = items.to_vec();
        if let Some(cb) = &self.callback {
            cb.prepare_for_sync_completed(HResult::S_OK);
        }
        HResult::S_OK
    }
    fn synchronize(&mut self) -> HResult {
        let Some(cb) = &self.callback else {
            return HResult::E_UNEXPECTED;
        };
        for (n, &item) in self.selected.iter().enumerate() {
            if n == 0 {
                let about = LogErrorInfo::default()
                    .with_error_id(ErrorId::from_u128(0xE1))
                    .with_item(item);
                cb.log_error(2, "slow", about);
                cb.log_error(
                    1,
                    "note",
                    LogErrorInfo::default().with_error_id(ErrorId::from_u128(0xE2)),
                );
            }
            cb.progress(item, ProgressItem::status(SyncMgrStatus::Succeeded), None);
        }
        cb.synchronize_completed(HResult::S_OK);
        HResult::S_OK
    }
    fn set_item_status(&mut self, _: ItemId, _: u32) -> HResult {
        HResult::S_OK
    }
    fn show_properties(&mut self, _: ItemId) -> HResult {
        HResult::E_NOTIMPL
    }
    fn show_error(&mut self, _: ErrorId) -> HResult {
        HResult::E_NOTIMPL
    }
}

fn run(names: &[&str], script: Script) -> String {
    let mut handler = Named {
        names: names.iter().map(|n| (*n).to_owned()).collect(),
        callback: None,
        selected: Vec::new(),
    };
    Simulator::new(script).run(&mut handler).trace
}

/// Every declaration of `trace`, in order, as (keyword, name, GUID text).
fn declarations(trace: &str) -> Vec<(String, String, String)> {
    trace
        .lines()
        .filter(|l| l.starts_with("item ") || l.starts_with("error "))
        .map(|l| {
            let words: Vec<&str> = l.split(' ').collect();
            (
                words[0].to_owned(),
                words[1].to_owned(),
                words[2].to_owned(),
            )
        })
        .collect()
}

#[test]
fn items_are_declared_by_their_enumerated_names_before_the_enumeration_line() {
    let trace = run(&["Documents", "Photos"], Script::default());
    let lines: Vec<&str> = trace.lines().collect();
    let enumeration = lines
        .iter()
        .position(|l| l.starts_with("EnumSyncMgrItems"))
        .unwrap();
    assert_eq!(
        lines[enumeration - 2..=enumeration],
        [
            "item Documents {6295DF40-0000-4000-8000-000000000001}",
            "item Photos {6295DF40-0000-4000-8000-000000000002}",
            "EnumSyncMgrItems Documents Photos => S_OK",
        ]
    );
    assert!(trace.contains("\nPrepareForSync Documents Photos\n"));
    assert!(trace.contains("\nProgress Photos status=SUCCEEDED\n"));
    assert!(
        !trace.contains("{6295DF40-0000-4000-8000-000000000001} "),
        "{trace}"
    );
}

#[test]
fn error_ids_are_named_after_their_item_else_numbered_and_declared_where_first_logged() {
    let trace = run(&["Documents"], Script::default());
    let lines: Vec<&str> = trace.lines().collect();
    let at = |prefix: &str| lines.iter().position(|l| l.starts_with(prefix)).unwrap();
    assert_eq!(
        at("error Documents-error ") + 1,
        at("LogError WARNING \"slow\" error=Documents-error item=Documents")
    );
    assert_eq!(
        at("error error1 ") + 1,
        at("LogError INFORMATION \"note\" error=error1")
    );
}

#[test]
fn names_that_do_not_fit_the_grammar_are_sanitized_reserved_words_prefixed_and_all_unique() {
    let trace = run(
        &[
            "notes.txt",
            "notes txt",
            "null",
            "SKIPPED",
            "文档",
            "",
            "item1",
            "9 lives",
            "a\"b#c",
        ],
        Script::default(),
    );
    let names: Vec<String> = declarations(&trace)
        .into_iter()
        .filter(|d| d.0 == "item")
        .map(|d| d.1)
        .collect();
    assert_eq!(
        names,
        [
            "notes_txt",
            "notes_txt-2",
            "item_null",
            "item_SKIPPED",
            "item2",
            "item3",
            "item1",
            "_9_lives",
            "a_b_c"
        ]
    );
}

#[test]
fn an_item_the_handler_never_enumerated_gets_a_numbered_name_where_it_first_appears() {
    let stranger = ItemId::from_u128(0x5757);
    let script = Script::default().select(Selection::Items(vec![id(0), stranger]));
    let trace = run(&["Documents"], script);
    assert!(
        trace.contains(
            "item item1 {00000000-0000-0000-0000-000000005757}\nPrepareForSync Documents item1"
        ),
        "{trace}"
    );
}

/// The trace parses (so each name is declared before its first use and not twice), declares each
/// name once, and checks without a violation.
fn assert_parses_and_checks_clean(trace: &str) {
    let mut parser = Parser::new();
    let mut declared = std::collections::HashSet::new();
    for (n, line) in trace.lines().enumerate() {
        match parser.parse_line(n + 1, line) {
            Ok(Line::Declaration { name, .. }) => {
                assert!(declared.insert(name.clone()), "{name} twice")
            }
            Ok(_) => {}
            Err(err) => panic!("{err}\n{trace}"),
        }
    }
    let mut verdicts = Vec::new();
    check(trace.as_bytes(), Config::default(), |v| {
        verdicts.push((v.verdict, v.rule, v.violation))
    })
    .unwrap();
    assert!(verdicts.iter().all(|v| !v.2), "{trace}");
}

#[test]
fn every_trace_with_names_checks_clean() {
    assert_parses_and_checks_clean(&run(&["Documents", "Photos", "Music"], Script::default()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_enumerated_names_give_a_trace_that_parses_and_checks_clean(
        names in proptest::collection::vec("\\PC{0,12}", 1..6),
    ) {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_parses_and_checks_clean(&run(&names, Script::default()));
    }
}

#[test]
fn event_line_writes_an_id_whose_name_is_no_trace_name_as_its_guid() {
    let item = ItemId::from_u128(1);
    let skip = Event::SetItemStatus { item, status: 1 };
    for bad in [
        "",
        "null",
        "a b",
        "9lives",
        "x\"y",
        "abcdef01-2345-6789-abcd-ef0123456789",
    ] {
        let names = std::collections::HashMap::from([(Guid::from(item), bad.to_owned())]);
        assert_eq!(
            EventLine::new(skip).names(&names).to_string(),
            "SetItemStatus {00000000-0000-0000-0000-000000000001} SKIPPED",
            "{bad:?}"
        );
    }
    let names = std::collections::HashMap::from([(
        Guid::from(item),
        "_abcdef01-2345-6789-abcd-ef0123456789".to_owned(),
    )]);
    assert_eq!(
        EventLine::new(skip).names(&names).to_string(),
        "SetItemStatus _abcdef01-2345-6789-abcd-ef0123456789 SKIPPED"
    );
}

#[test]
fn event_line_keeps_null_for_guid_null_even_when_it_is_named() {
    let names = std::collections::HashMap::from([(Guid::NULL, "nothing".to_owned())]);
    let event = Event::ShowProperties { item: ItemId::NULL };
    assert_eq!(
        EventLine::new(event).names(&names).to_string(),
        "ShowProperties null"
    );
}
