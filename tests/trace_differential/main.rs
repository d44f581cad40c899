//! Whole-trace differential test: generated traces (`generator.rs`, written by `render.rs`) go
//! through the crate's public checker (`adapter.rs`) and through an independent reference checker
//! (`reference_check.rs`, from TRACE.md, on top of the reference model of CONTRACT.md in
//! `tests/model_based/reference.rs`); both must agree on every event — line, verdict, rule,
//! violation, end-of-pass report — and on the summary.
//!
//! `MOBSYNC_DIFF_CASES` sets the number of traces per flavour (default 1,500 each).

#[path = "../model_based/reference.rs"]
mod reference;

mod adapter;
mod generator;
mod reference_check;
mod render;

use adapter::{Observed, ObservedSummary, crate_check};
use generator::{Case, Flavour, cases};
use proptest::test_runner::{Config as ProptestConfig, TestCaseError};
use reference::Id;
use reference_check::{Expected, Totals, TraceEvent, check_trace};
use render::{HR_NAMES, name_uuid};

fn case_count() -> u32 {
    std::env::var("MOBSYNC_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_500)
}

fn proptest_config() -> ProptestConfig {
    ProptestConfig {
        cases: case_count(),
        failure_persistence: None,
        max_shrink_iters: 50_000,
        ..ProptestConfig::default()
    }
}

fn hr_name(hr: u32) -> String {
    HR_NAMES
        .iter()
        .find(|(_, v)| *v == hr)
        .map_or_else(|| format!("0x{hr:08X}"), |(n, _)| (*n).to_string())
}

fn guid(id: Id) -> String {
    let s = format!("{id:032X}");
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &s[..8],
        &s[8..12],
        &s[12..16],
        &s[16..20],
        &s[20..]
    )
}

fn report_text(report: &Option<(Vec<Id>, Vec<Id>)>) -> String {
    match report {
        None => "no report".to_string(),
        Some((unfinished, skips)) => {
            let list = |ids: &[Id]| ids.iter().map(|i| guid(*i)).collect::<Vec<_>>().join(", ");
            format!(
                "report: unfinished [{}], skip_not_honoured [{}]",
                list(unfinished),
                list(skips)
            )
        }
    }
}

fn expected_text(e: &Expected) -> String {
    format!(
        "line {}: {} {} {}{} ({})",
        e.line,
        e.event,
        hr_name(e.verdict),
        e.rule,
        if e.violation { " VIOLATION" } else { "" },
        report_text(&e.report)
    )
}

fn observed_text(o: &Observed) -> String {
    format!(
        "line {}: {} {} {}{} ({})",
        o.line,
        o.event,
        hr_name(o.verdict),
        o.rule,
        if o.violation { " VIOLATION" } else { "" },
        report_text(&o.report)
    )
}

/// Whether the crate's verdict is the reference's.
fn agrees(e: &Expected, o: &Observed) -> bool {
    e.line == o.line
        && e.event == o.event
        && e.verdict == o.verdict
        && e.rule == o.rule
        && e.violation == o.violation
        && e.report == o.report
}

/// Compares the crate's checker with the reference checker on one whole trace; the first
/// difference (proptest adds the trace itself, as the minimal failing input).
fn compare(case: &Case) -> Result<(), String> {
    let (expected, totals) = check_trace(
        &case.events,
        case.compatible,
        case.max_items,
        case.max_error_ids,
    );
    let (observed, summary) = crate_check(
        &case.text,
        case.compatible,
        case.max_items,
        case.max_error_ids,
    )
    .map_err(|e| format!("the crate's checker stopped: {e}"))?;
    for (i, e) in expected.iter().enumerate() {
        match observed.get(i) {
            Some(o) if agrees(e, o) => {}
            Some(o) => {
                return Err(format!(
                    "event {} disagrees\n  reference: {}\n  crate:     {}",
                    i + 1,
                    expected_text(e),
                    observed_text(o)
                ));
            }
            None => {
                return Err(format!(
                    "the crate reported {} events, the reference {}; first missing: {}",
                    observed.len(),
                    expected.len(),
                    expected_text(e)
                ));
            }
        }
    }
    if let Some(o) = observed.get(expected.len()) {
        return Err(format!(
            "the crate reported an extra event: {}",
            observed_text(o)
        ));
    }
    let want = ObservedSummary {
        events: totals.events,
        rejected: totals.rejected,
        violations: totals.violations,
    };
    if summary != want {
        return Err(format!(
            "summaries differ\n  reference: {want:?}\n  crate:     {summary:?}"
        ));
    }
    Ok(())
}

fn run(flavour: Flavour, max_lines: usize) {
    let mut runner = proptest::test_runner::TestRunner::new(proptest_config());
    let result = runner.run(&cases(flavour, max_lines), |case| {
        compare(&case).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn crate_checker_agrees_with_the_reference_checker_on_traces_biased_toward_valid_runs() {
    run(Flavour::Valid, 160);
}

#[test]
fn crate_checker_agrees_with_the_reference_checker_on_fully_random_traces() {
    run(Flavour::Random, 80);
}

/// TRACE.md's example, decided by hand from TRACE.md and CONTRACT.md: the reference checker must
/// give exactly these verdicts, and so must the crate.
#[test]
fn both_checkers_give_trace_md_example_its_documented_verdicts() {
    use reference::*;
    let a = 0x6295_df40_0000_4000_8000_0000_0000_0001;
    let (b, c) = (name_uuid("B"), name_uuid("C"));
    let text = "item A 6295df40-0000-4000-8000-000000000001
Initialize MANUAL|MAYBOTHERUSER
EnumSyncMgrItems A B C
SetProgressCallback set
SetItemStatus A SKIPPED          # E_UNEXPECTED: no pass yet (R-SIS); not a violation
PrepareForSync A B
return PrepareForSync S_OK
SetItemStatus B SKIPPED          # S_OK: window A
PrepareForSyncCompleted S_OK
Synchronize => S_OK
Progress A status=UPDATING max=10
Progress A status=SUCCEEDED value=10
Progress B status=SKIPPED
SynchronizeCompleted S_OK
SetItemStatus A SKIPPED => S_OK  # VIOLATION: the contract requires E_UNEXPECTED
SetProgressCallback null
";
    let ev = |line, ev, recorded| TraceEvent { line, ev, recorded };
    let progress = |item, mask, status, value, max| Ev::Progress {
        item,
        mask,
        status,
        value,
        max,
        answer: S_OK,
    };
    let events = vec![
        ev(
            2,
            Ev::Initialize {
                reserved: 0,
                flags: 0x203,
                answer: S_OK,
            },
            None,
        ),
        ev(
            3,
            Ev::EnumSyncMgrItems {
                answer: S_OK,
                items: [a, b, c]
                    .iter()
                    .map(|id| RawItem {
                        id: *id,
                        name_utf16_len: 0,
                        flags: 0,
                        state: 0,
                    })
                    .collect(),
            },
            None,
        ),
        ev(4, Ev::SetProgressCallback { set: true }, None),
        ev(
            5,
            Ev::SetItemStatus {
                item: a,
                status: STATUS_SKIPPED,
            },
            None,
        ),
        ev(
            6,
            Ev::PrepareForSync {
                items: vec![a, b],
                reserved: 0,
            },
            None,
        ),
        ev(
            7,
            Ev::Return {
                method: Method::PrepareForSync,
                hr: S_OK,
            },
            None,
        ),
        ev(
            8,
            Ev::SetItemStatus {
                item: b,
                status: STATUS_SKIPPED,
            },
            None,
        ),
        ev(9, Ev::PrepareForSyncCompleted { hr: S_OK }, None),
        ev(10, Ev::Synchronize, Some(S_OK)),
        ev(
            11,
            progress(
                a,
                PROGRESS_STATUSTYPE | PROGRESS_MAXVALUE,
                STATUS_UPDATING,
                0,
                10,
            ),
            None,
        ),
        ev(
            12,
            progress(
                a,
                PROGRESS_STATUSTYPE | PROGRESS_PROGVALUE,
                STATUS_SUCCEEDED,
                10,
                0,
            ),
            None,
        ),
        ev(
            13,
            progress(b, PROGRESS_STATUSTYPE, STATUS_SKIPPED, 0, 0),
            None,
        ),
        ev(14, Ev::SynchronizeCompleted { hr: S_OK }, None),
        ev(
            15,
            Ev::SetItemStatus {
                item: a,
                status: STATUS_SKIPPED,
            },
            Some(S_OK),
        ),
        ev(16, Ev::SetProgressCallback { set: false }, None),
    ];
    let (verdicts, totals) = check_trace(&events, false, DEFAULT_MAX_ITEMS, DEFAULT_MAX_ERROR_IDS);
    let brief: Vec<(usize, u32, &str, bool)> = verdicts
        .iter()
        .map(|v| (v.line, v.verdict, v.rule, v.violation))
        .collect();
    assert_eq!(
        brief,
        vec![
            (2, S_OK, "R-INIT", false),
            (3, S_OK, "R-ENUM", false),
            (4, S_OK, "R-CB", false),
            (5, E_UNEXPECTED, "R-SIS", false),
            (6, S_OK, "R-PREP", false),
            (7, S_OK, "R-PREP-RET", false),
            (8, S_OK, "R-SIS", false),
            (9, S_OK, "R-PREP-DONE", false),
            (10, S_OK, "R-SYNC", false),
            (11, S_OK, "R-PROG", false),
            (12, S_OK, "R-PROG", false),
            (13, S_OK, "R-PROG", false),
            (14, S_OK, "R-SYNC-DONE", false),
            (15, E_UNEXPECTED, "R-SIS", true),
            (16, S_OK, "R-CB", false),
        ]
    );
    let report = verdicts[12].report.clone();
    assert_eq!(report, Some((vec![], vec![])), "B skipped as asked, A done");
    assert_eq!(
        totals,
        Totals {
            events: 15,
            rejected: 2,
            violations: 1
        }
    );
    let case = Case {
        compatible: false,
        max_items: DEFAULT_MAX_ITEMS,
        max_error_ids: DEFAULT_MAX_ERROR_IDS,
        text: text.to_string(),
        events,
    };
    if let Err(e) = compare(&case) {
        panic!("{e}\ntrace:\n{case:?}");
    }
}

/// Revision 4 of CONTRACT §6: an item with a skip request that never reached a final status is
/// listed as unfinished only; one that reached SUCCEEDED despite it is a skip not honoured.
#[test]
fn reference_report_lists_an_unfinished_skipped_item_as_unfinished_only() {
    use reference::*;
    let (a, b) = (name_uuid("A"), name_uuid("B"));
    let ev = |line, ev, recorded| TraceEvent { line, ev, recorded };
    let skip = |item| Ev::SetItemStatus {
        item,
        status: STATUS_SKIPPED,
    };
    let events = vec![
        ev(
            1,
            Ev::Initialize {
                reserved: 0,
                flags: 3,
                answer: S_OK,
            },
            None,
        ),
        ev(2, Ev::SetProgressCallback { set: true }, None),
        ev(
            3,
            Ev::PrepareForSync {
                items: vec![a, b],
                reserved: 0,
            },
            Some(S_OK),
        ),
        ev(4, skip(a), None),
        ev(5, skip(b), None),
        ev(6, Ev::PrepareForSyncCompleted { hr: S_OK }, None),
        ev(7, Ev::Synchronize, None),
        ev(
            8,
            Ev::Progress {
                item: b,
                mask: PROGRESS_STATUSTYPE,
                status: STATUS_SUCCEEDED,
                value: 0,
                max: 0,
                answer: S_OK,
            },
            None,
        ),
        ev(
            9,
            Ev::Return {
                method: Method::Synchronize,
                hr: S_FALSE,
            },
            None,
        ),
    ];
    let (verdicts, _) = check_trace(&events, false, DEFAULT_MAX_ITEMS, DEFAULT_MAX_ERROR_IDS);
    let last = verdicts.last().expect("nine verdicts");
    assert_eq!((last.verdict, last.rule), (S_OK, "R-SYNC-RET"));
    assert_eq!(last.report, Some((vec![a], vec![b])));
}

/// TRACE.md "Aliases": an undeclared name is its UUID v5 in the IID_ISyncMgrSynchronize namespace.
#[test]
fn undeclared_name_a_stands_for_the_uuid_v5_trace_md_gives() {
    assert_eq!(
        guid(name_uuid("A")),
        "{3C75E951-8F5F-5001-A563-A6DB1373C58A}"
    );
}

/// A one-line call whose entry is refused opens nothing: the recorded HR is the handler's answer
/// to a refused call (a violation only when it is not the contract's code).
#[test]
fn reference_one_line_refused_entry_is_a_violation_only_with_a_wrong_answer() {
    use reference::*;
    let sync = |line, recorded| TraceEvent {
        line,
        ev: Ev::Synchronize,
        recorded,
    };
    let ret = TraceEvent {
        line: 3,
        ev: Ev::Return {
            method: Method::Synchronize,
            hr: S_OK,
        },
        recorded: None,
    };
    let (verdicts, totals) = check_trace(
        &[sync(1, Some(E_UNEXPECTED)), sync(2, Some(S_OK)), ret],
        false,
        DEFAULT_MAX_ITEMS,
        DEFAULT_MAX_ERROR_IDS,
    );
    let brief: Vec<(u32, &str, bool)> = verdicts
        .iter()
        .map(|v| (v.verdict, v.rule, v.violation))
        .collect();
    assert_eq!(
        brief,
        vec![
            (E_UNEXPECTED, "R-SYNC", false),
            (E_UNEXPECTED, "R-SYNC", true),
            (E_UNEXPECTED, "R-SYNC-RET", true),
        ]
    );
    assert_eq!(totals.violations, 2);
}
