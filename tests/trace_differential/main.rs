//! Whole-trace differential test: generated traces (`generator.rs`, written by `render.rs`) go
//! through the crate's public checker (`adapter.rs`) and through an independent reference checker
//! (`reference_check.rs`, from TRACE.md, on top of the reference model of CONTRACT.md in
//! `tests/model_based/reference.rs`); both must agree on every event — line, verdict, rule,
//! violation, end-of-pass report — and on the summary.
//!
//! `MOBSYNC_DIFF_CASES` sets the number of traces per flavour (default 2,000 each).

#[path = "../model_based/reference.rs"]
mod reference;

mod adapter;
mod generator;
mod reference_check;
mod render;
mod scenarios;

use adapter::{Observed, ObservedSummary, crate_check};
use generator::{Case, Flavour, cases, plain_case};
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestError};
use reference::Id;
use reference_check::{Expected, TraceEvent, check_trace};
use render::HR_NAMES;

fn case_count() -> u32 {
    std::env::var("MOBSYNC_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
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

/// A reference verdict in the adapter's terms, so that both compare and print alike.
fn as_observed(e: &Expected) -> Observed {
    Observed {
        line: e.line,
        event: e.event.to_string(),
        verdict: e.verdict,
        rule: e.rule.to_string(),
        violation: e.violation,
        report: e.report.clone(),
    }
}

/// One verdict as `mobsync check` would print it (with the report, also when empty).
fn verdict_text(o: &Observed) -> String {
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
    for (i, e) in expected.iter().map(as_observed).enumerate() {
        match observed.get(i) {
            Some(o) if *o == e => {}
            Some(o) => {
                return Err(format!(
                    "event {} disagrees\n  reference: {}\n  crate:     {}",
                    i + 1,
                    verdict_text(&e),
                    verdict_text(o)
                ));
            }
            None => {
                return Err(format!(
                    "the crate reported {} events, the reference {}; first missing: {}",
                    observed.len(),
                    expected.len(),
                    verdict_text(&e)
                ));
            }
        }
    }
    if let Some(o) = observed.get(expected.len()) {
        return Err(format!(
            "the crate reported an extra event: {}",
            verdict_text(o)
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

/// Past proptest's shrinking (which works on the choice tapes, so a removed line changes the
/// lines after it): removes events one at a time from a failing case, written plainly, as long as
/// the checkers still disagree. None when the plainly written case agrees.
fn remove_events(case: &Case) -> Option<(Case, String)> {
    let plain = |events: &[TraceEvent]| {
        let lines: Vec<_> = events.iter().map(|e| (e.ev.clone(), e.recorded)).collect();
        plain_case(case.compatible, case.max_items, case.max_error_ids, &lines)
    };
    let mut events = case.events.clone();
    let mut smallest = plain(&events);
    let mut why = compare(&smallest).err()?;
    let mut i = 0;
    while i < events.len() {
        let mut fewer = events.clone();
        fewer.remove(i);
        let candidate = plain(&fewer);
        match compare(&candidate) {
            Err(e) => (events, smallest, why) = (fewer, candidate, e),
            Ok(()) => i += 1,
        }
    }
    Some((smallest, why))
}

fn run(flavour: Flavour, max_lines: usize) {
    let mut runner = proptest::test_runner::TestRunner::new(proptest_config());
    let result = runner.run(&cases(flavour, max_lines), |case| {
        compare(&case).map_err(TestCaseError::fail)
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, case)) => match remove_events(&case) {
            Some((smallest, smallest_why)) => panic!(
                "{why}\nminimal failing input (proptest):\n{case:?}\n\
                 with events removed one at a time:\n{smallest_why}\n{smallest:?}"
            ),
            None => panic!("{why}\nminimal failing input (proptest):\n{case:?}"),
        },
        Err(e) => panic!("{e}"),
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

/// Every rule of CONTRACT §5, accepted and refused.
const RULES: [&str; 23] = [
    "R-INIT",
    "R-INFO",
    "R-ENUM",
    "R-OBJ",
    "R-CB",
    "R-PREP",
    "R-PREP-RET",
    "R-SYNC",
    "R-SYNC-RET",
    "R-SIS",
    "R-PROPS",
    "R-PROPS-RET",
    "R-ERR",
    "R-ERR-RET",
    "R-PREP-DONE",
    "R-SYNC-DONE",
    "R-PROPS-DONE",
    "R-ERR-DONE",
    "R-MODAL",
    "R-PROG",
    "R-LOG",
    "R-DELLOG",
    "R-CONN",
];

/// The generator reaches what the differential test is meant to compare: every rule accepted
/// and refused, refused calls with and without a violation, one-line calls, non-empty reports
/// of both kinds, and the lexical variety of TRACE.md; and each structured event's line is the
/// line of the text that holds it.
#[test]
fn generated_traces_reach_every_rule_both_ways_and_their_lines_match_the_text() {
    use proptest::strategy::{Strategy, ValueTree};
    use reference::{E_NOTIMPL, Ev, S_OK};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut seen: Vec<(&str, bool, bool)> = Vec::new();
    let (mut unfinished, mut unhonoured, mut one_line) = (0, 0, 0);
    let mut texts = String::new();
    for flavour in [Flavour::Valid, Flavour::Random] {
        for _ in 0..300 {
            let case = cases(flavour, 120)
                .new_tree(&mut runner)
                .expect("a case")
                .current();
            let lines: Vec<&str> = case.text.split('\n').collect();
            for te in &case.events {
                let word = match &te.ev {
                    Ev::Return { .. } => "return",
                    ev => reference_check::event_name(ev),
                };
                let text = lines[te.line - 1].trim_start_matches([' ', '\t']);
                assert!(
                    text.starts_with(word),
                    "line {} holds {text:?}, not {word}\n{case:?}",
                    te.line
                );
                let separate = matches!(
                    te.ev,
                    Ev::PrepareForSync { .. }
                        | Ev::Synchronize
                        | Ev::ShowProperties { .. }
                        | Ev::ShowError { .. }
                );
                one_line += usize::from(separate && te.recorded.is_some());
            }
            let (verdicts, _) = check_trace(
                &case.events,
                case.compatible,
                case.max_items,
                case.max_error_ids,
            );
            for v in &verdicts {
                let accepted = v.verdict == S_OK || (v.rule == "R-OBJ" && v.verdict == E_NOTIMPL);
                if !seen.contains(&(v.rule, accepted, v.violation)) {
                    seen.push((v.rule, accepted, v.violation));
                }
                if let Some((u, s)) = &v.report {
                    unfinished += usize::from(!u.is_empty());
                    unhonoured += usize::from(!s.is_empty());
                }
            }
            texts.push_str(&case.text);
        }
    }
    for rule in RULES {
        assert!(
            seen.iter().any(|s| s.0 == rule && s.1),
            "{rule} never accepted"
        );
        assert!(
            seen.iter().any(|s| s.0 == rule && !s.1),
            "{rule} never refused"
        );
    }
    for call in [
        "R-INIT", "R-CB", "R-SIS", "R-PREP", "R-SYNC", "R-PROPS", "R-ERR",
    ] {
        assert!(
            seen.contains(&(call, false, false)) && seen.contains(&(call, false, true)),
            "{call} refused both with and without a violation"
        );
    }
    assert!(
        seen.contains(&("R-SIS", true, true)),
        "an accepted SetItemStatus recorded wrong"
    );
    assert!(
        seen.contains(&("R-INFO", false, true)),
        "invalid handler info"
    );
    assert!(
        seen.contains(&("R-ENUM", false, true)),
        "invalid enumeration"
    );
    assert!(one_line > 100 && unfinished > 10 && unhonoured > 10);
    for form in [
        "\r\n",
        "\t",
        "{",
        "null",
        "=>",
        "item ",
        "error ",
        "#",
        "mask=",
        "cookie=",
        "text=",
        "jump",
        "reserved=",
        "-0x",
        "0x",
        "|",
        "\\\"",
        "😀",
        "S_SYNCMGR_CANCELALL",
        // `=>` glued to the token before it and to the HR after it.
        "}=>",
        "=>S_",
    ] {
        assert!(texts.contains(form), "no trace holds {form:?}");
    }
}
