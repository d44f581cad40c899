//! Replays the conformance traces of `tests/data/` — written from CONTRACT.md and TRACE.md by an
//! author who did not see the engine — and compares every verdict, report and summary, and every
//! parse error's position. The format of the `.expect` files is in the READMEs beside them.

use std::fs;
use std::path::{Path, PathBuf};

use mobsync::trace::{CheckError, Verdict, check};
use mobsync::{Config, Profile};

fn pairs(dir: &str) -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(dir);
    let mut pairs: Vec<(PathBuf, String)> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "trace"))
        .map(|p| {
            let expect = fs::read_to_string(p.with_extension("expect")).unwrap();
            (p, expect)
        })
        .collect();
    pairs.sort();
    assert!(!pairs.is_empty());
    pairs
}

fn header<'a>(expect: &'a str, key: &str) -> Option<&'a str> {
    expect
        .lines()
        .find_map(|l| l.strip_prefix(&format!("# {key}: ")))
}

/// A verdict as the `.expect` files hold it: the `--all` text line without its reason.
fn without_reason(v: &Verdict) -> String {
    let mut line = format!("{}: {} {}", v.line, v.verdict_name(), v.rule);
    if v.violation {
        line.push_str(" VIOLATION");
    }
    let full = v.to_string();
    if let Some(at) = full.rfind(" | report: ") {
        line.push_str(&full[at..]);
    }
    line
}

#[test]
fn every_conformance_trace_gets_the_expected_verdicts() {
    let mut failures = Vec::new();
    for (path, expect) in pairs("conformance") {
        let profile = match header(&expect, "profile") {
            Some("compatible") => Profile::Compatible,
            _ => Profile::Documented,
        };
        let input = fs::read(&path).unwrap();
        let mut got = Vec::new();
        let summary = check(input.as_slice(), Config::default().profile(profile), |v| {
            got.push(without_reason(v))
        })
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        got.push(summary.to_string());
        let exit = if summary.violations > 0 { "1" } else { "0" };
        let want: Vec<&str> = expect
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .collect();
        if got != want || header(&expect, "exit") != Some(exit) {
            let diff: Vec<String> = got
                .iter()
                .zip(want.iter().chain(std::iter::repeat(&"<missing>")))
                .filter(|(g, w)| g.as_str() != **w)
                .map(|(g, w)| format!("    got  {g}\n    want {w}"))
                .collect();
            failures.push(format!(
                "{} (exit {exit}):\n{}",
                path.display(),
                diff.join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} traces differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_malformed_trace_stops_at_the_expected_line_and_column() {
    let mut failures = Vec::new();
    for (path, expect) in pairs("parse_errors") {
        let want = expect
            .lines()
            .find(|l| !l.starts_with('#'))
            .unwrap_or_default();
        let input = fs::read(&path).unwrap();
        match check(input.as_slice(), Config::default(), |_| {}) {
            Err(CheckError::Syntax(err)) => {
                let got = format!("{}:{}: parse error", err.line, err.column);
                if !want.starts_with(&got) || !err.to_string().starts_with(&format!("{got}: ")) {
                    failures.push(format!("{}: got {err}, want {want}", path.display()));
                }
            }
            other => failures.push(format!("{}: got {other:?}, want {want}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
