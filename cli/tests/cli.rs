//! The `mobsync` binary, driven as a user drives it: every conformance trace in text and JSON,
//! every parse error with its line:column, every exit status, standard input, the demo's trace
//! checked back, and the rules.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn mobsync() -> Command {
    Command::cargo_bin("mobsync").unwrap()
}

fn data(dir: &str) -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
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
    assert!(pairs.len() > 10);
    pairs
}

fn header<'a>(expect: &'a str, key: &str) -> &'a str {
    expect
        .lines()
        .find_map(|l| l.strip_prefix(&format!("# {key}: ")))
        .unwrap_or_default()
}

fn expected_lines(expect: &str) -> Vec<&str> {
    expect
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect()
}

/// `LINE: VERDICT RULE[ VIOLATION]: reason[ | report: …]` without `: reason`.
fn strip_reason(line: &str) -> String {
    if line.starts_with("events: ") {
        return line.to_owned();
    }
    let Some((head, rest)) = line.split_once(": ") else {
        return line.to_owned();
    };
    let mut words = rest.splitn(3, ' ');
    let (verdict, rule_part) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let mut out = format!("{head}: {verdict} ");
    let violation = rest.contains(" VIOLATION: ");
    out.push_str(rule_part.trim_end_matches(':'));
    if violation {
        out.push_str(" VIOLATION");
    }
    if let Some(at) = line.rfind(" | report: ") {
        out.push_str(&line[at..]);
    }
    out
}

#[test]
fn check_all_prints_the_expected_verdict_for_every_event_of_every_conformance_trace() {
    for (trace, expect) in data("conformance") {
        let output = mobsync()
            .args(["check", "--all", "--profile", header(&expect, "profile")])
            .arg(&trace)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        let got: Vec<String> = stdout.lines().map(strip_reason).collect();
        assert_eq!(got, expected_lines(&expect), "{}", trace.display());
        assert_eq!(
            output.status.code().map(|c| c.to_string()).as_deref(),
            Some(header(&expect, "exit"))
        );
        assert!(output.stderr.is_empty());
    }
}

#[test]
fn check_without_all_prints_only_refused_violating_or_reporting_events() {
    for (trace, expect) in data("conformance") {
        let output = mobsync()
            .args(["check", "--profile", header(&expect, "profile")])
            .arg(&trace)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        let got: Vec<String> = stdout.lines().map(strip_reason).collect();
        let want: Vec<&str> = expected_lines(&expect)
            .into_iter()
            .filter(|l| {
                l.starts_with("events: ")
                    || !l.contains(": S_OK ")
                    || l.contains(" VIOLATION")
                    || (l.contains(" | report: ")
                        && !l.ends_with("unfinished [], skip_not_honoured []"))
            })
            .collect();
        assert_eq!(got, want, "{}", trace.display());
    }
}

#[test]
fn check_json_lines_parse_back_with_the_keys_trace_md_names() {
    for (trace, expect) in data("conformance") {
        let output = mobsync()
            .args([
                "check",
                "--all",
                "--format",
                "json",
                "--profile",
                header(&expect, "profile"),
            ])
            .arg(&trace)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        let objects: Vec<Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let want = expected_lines(&expect);
        assert_eq!(objects.len(), want.len(), "{}", trace.display());
        for (object, line) in objects.iter().zip(&want) {
            if let Some(summary) = object.get("summary") {
                let text = format!(
                    "events: {}, rejected: {}, violations: {}",
                    summary["events"], summary["rejected"], summary["violations"]
                );
                assert_eq!(&text, line);
                continue;
            }
            for key in [
                "line",
                "event",
                "verdict",
                "hresult",
                "rule",
                "violation",
                "reason",
            ] {
                assert!(object.get(key).is_some(), "{key} missing in {object}");
            }
            let mut text = format!(
                "{}: {} {}",
                object["line"],
                object["verdict"].as_str().unwrap(),
                object["rule"].as_str().unwrap()
            );
            if object["violation"] == Value::Bool(true) {
                text.push_str(" VIOLATION");
            }
            if let Some(report) = object.get("report") {
                let list = |key: &str| {
                    let ids: Vec<&str> = report[key]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap())
                        .collect();
                    format!("[{}]", ids.join(", "))
                };
                text.push_str(&format!(
                    " | report: unfinished {}, skip_not_honoured {}",
                    list("unfinished"),
                    list("skip_not_honoured")
                ));
            }
            assert_eq!(&text, line, "{}", trace.display());
        }
    }
}

#[test]
fn check_reports_every_parse_error_at_its_line_and_column_and_exits_2() {
    for (trace, expect) in data("parse_errors") {
        let want = expected_lines(&expect)[0];
        let output = mobsync()
            .args(["check", "--all"])
            .arg(&trace)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", trace.display());
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.starts_with(&format!("{want}: ")),
            "{}: {stderr}",
            trace.display()
        );
        // JSON mode puts the same position on standard output.
        let output = mobsync()
            .args(["check", "--format", "json"])
            .arg(&trace)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stdout = String::from_utf8(output.stdout).unwrap();
        let last: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
        let (line, column) = want.split_once(": ").unwrap().0.split_once(':').unwrap();
        assert_eq!(last["line"].to_string(), line);
        assert_eq!(last["column"].to_string(), column);
        assert!(last["error"].is_string());
    }
}

#[test]
fn check_reads_standard_input() {
    mobsync()
        .args(["check", "-"])
        .write_stdin("Initialize MANUAL\nSetProgressCallback set\nSynchronize => S_OK\n")
        .assert()
        .code(1)
        .stdout(
            "3: E_UNEXPECTED R-SYNC VIOLATION: Synchronize is not allowed in pass phase Idle; \
             the handler answered S_OK, the contract requires E_UNEXPECTED\n\
             events: 3, rejected: 1, violations: 0\n"
                .replace("violations: 0", "violations: 1"),
        );
    mobsync()
        .args(["check", "-"])
        .write_stdin("Initialize MANUAL\n")
        .assert()
        .code(0)
        .stdout("events: 1, rejected: 0, violations: 0\n");
}

#[test]
fn check_exits_2_on_unreadable_input_and_bad_usage() {
    mobsync().args(["check", "/no/such/trace"]).assert().code(2);
    mobsync().args(["check"]).assert().code(2);
    mobsync()
        .args(["check", "--format", "yaml", "-"])
        .assert()
        .code(2);
    mobsync().args(["frobnicate"]).assert().code(2);
}

#[test]
fn the_demo_trace_checks_clean() {
    let out = std::env::temp_dir().join(format!("mobsync-cli-demo-{}.trace", std::process::id()));
    let demo = mobsync()
        .arg("demo")
        .arg("--trace-out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(demo.status.code(), Some(0));
    let stdout = String::from_utf8(demo.stdout).unwrap();
    for expected in [
        "item Documents {6295DF40-0000-4000-8000-000000000001}",
        "EnumSyncMgrItems Documents Photos Music => S_OK",
        "SetItemStatus Music SKIPPED => S_OK",
        "error Photos-error {",
        "ShowError Photos-error",
        "ShowErrorCompleted S_SYNCMGR_RETRYSYNC",
        "# S_OK R-SIS",
        "FAILED → SUCCEEDED",
        "SKIPPED",
        "violations: 0",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected} missing from:\n{stdout}"
        );
    }
    let check = mobsync()
        .args(["check", "--all"])
        .arg(&out)
        .output()
        .unwrap();
    let _ = fs::remove_file(&out);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    assert!(
        String::from_utf8(check.stdout)
            .unwrap()
            .ends_with("violations: 0\n")
    );
}

fn mermaid_of(trace: impl AsRef<[u8]>) -> (Option<i32>, String, String) {
    let output = mobsync()
        .args(["check", "--format", "mermaid", "-"])
        .write_stdin(trace.as_ref().to_vec())
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn check_format_mermaid_draws_calls_answers_refusals_violations_and_reports() {
    let conformance = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/conformance");
    let trace = fs::read_to_string(conformance.join("check_order.trace")).unwrap();
    let text = mobsync()
        .args(["check", "--all", "-"])
        .write_stdin(trace.as_str())
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let (code, diagram, _) = mermaid_of(&trace);
    assert_eq!(code, Some(1), "violations: exit status 1, as in text mode");
    let lines: Vec<&str> = diagram.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "sequenceDiagram",
            "    participant M as Manager",
            "    participant H as Handler"
        ]
    );
    let count = |needle: &str| diagram.lines().filter(|l| l.contains(needle)).count();
    let violations = text.lines().filter(|l| l.contains(" VIOLATION")).count();
    let refused = text
        .lines()
        .filter(|l| !l.contains(": S_OK ") && !l.contains(" VIOLATION") && !l.starts_with("events"))
        .count();
    assert_eq!(count("Note over M,H: VIOLATION"), violations);
    assert_eq!(count("    rect rgb("), violations);
    assert_eq!(count("Note right of H: refused: "), refused);
    assert!(diagram.contains("    M->>H: Initialize MANUAL\n"));
    assert!(diagram.contains(
        "    M-xH: Initialize 0x400 reserved=5\n    Note right of H: refused: E_UNEXPECTED R-INIT\n"
    ));
    assert!(diagram.contains("    H-xM: Progress A status=UPDATING value=-5\n"));
    assert!(diagram.contains("    M->>H: Synchronize\n    H-->>M: S_OK\n"));
    assert!(diagram.contains("    H-->>M: return PrepareForSync S_OK\n"));
    assert!(diagram.contains("Note over M,H: end of pass: unfinished [B], skip not honoured []"));
    let summary = text.lines().last().unwrap();
    assert_eq!(
        lines.last(),
        Some(&format!("    Note over M,H: {summary}").as_str())
    );
}

#[test]
fn check_format_mermaid_crosses_the_answer_of_a_call_answered_against_the_contract() {
    let (code, diagram, _) =
        mermaid_of("Initialize MANUAL\nSetProgressCallback set\nSetItemStatus A SKIPPED => S_OK\n");
    assert_eq!(code, Some(1));
    assert!(
        diagram.contains("    M->>H: SetItemStatus A SKIPPED\n    H--xM: S_OK\n    Note over M,H: VIOLATION E_UNEXPECTED R-SIS"),
        "{diagram}"
    );
}

#[test]
fn check_format_mermaid_writes_mermaid_syntax_in_labels_as_entity_codes() {
    let trace = "Initialize MANUAL\nLogError ERROR \"50% done; #1 <b> & {x}\" # comment\n";
    let (_, diagram, _) = mermaid_of(trace);
    let line = diagram.lines().find(|l| l.contains("LogError")).unwrap();
    assert_eq!(
        line,
        "    H-xM: LogError ERROR #34;50#37; done#59; #35;1 #60;b#62; #38; #123;x#125;#34;"
    );
    for line in diagram.lines().skip(1) {
        // `<br/>` is the diagram's own line break in notes, never text from the trace.
        let text = line.split_once(": ").map_or("", |(_, text)| text);
        let text = text.replace("<br/>", " ");
        // Without its entity codes (`#35;`), no character Mermaid reads as syntax is left.
        let mut rest = text.as_str();
        let mut plain = String::new();
        while let Some(at) = rest.find('#') {
            plain.push_str(&rest[..at]);
            let (code, after) = rest[at + 1..]
                .split_once(';')
                .expect("an entity code ends with ;");
            assert!(code.chars().all(|c| c.is_ascii_digit()), "{line}");
            rest = after;
        }
        plain.push_str(rest);
        assert!(
            !plain.contains([';', '<', '>', '"', '%', '{', '}', '&']),
            "{line}"
        );
    }
}

#[test]
fn check_format_mermaid_reports_a_parse_error_as_text_mode_does_and_draws_nothing() {
    let (code, diagram, stderr) = mermaid_of("Initialize MANUAL\nSetItemStatus A BOGUS\n");
    assert_eq!(code, Some(2));
    assert_eq!(diagram, "");
    assert!(stderr.starts_with("2:17: parse error: "), "{stderr}");
    let (code, diagram, stderr) = mermaid_of(b"Initialize MANUAL\nLogError ERROR \"\xff\"\n");
    assert_eq!((code, diagram.as_str()), (Some(2), ""), "{stderr}");
    assert!(
        stderr.starts_with("2:17: parse error: the input is not valid UTF-8"),
        "{stderr}"
    );
}

#[test]
fn check_format_mermaid_draws_at_most_500_events_and_counts_the_rest() {
    let trace = "SetItemStatus A SKIPPED\n".repeat(600);
    let (code, diagram, _) = mermaid_of(&trace);
    assert_eq!(code, Some(0));
    assert_eq!(
        diagram.matches("M-xH: SetItemStatus A SKIPPED").count(),
        500
    );
    assert!(
        diagram.contains("Note over M,H: 100 more events not drawn (mobsync check lists them)\n")
    );
    assert!(diagram.ends_with("Note over M,H: events: 600, rejected: 600, violations: 0\n"));
}

#[test]
fn demo_format_mermaid_prints_the_run_as_a_diagram_with_the_items_names() {
    let output = mobsync()
        .args(["demo", "--format", "mermaid"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let diagram = String::from_utf8(output.stdout).unwrap();
    assert!(diagram.starts_with("sequenceDiagram\n"));
    for expected in [
        "    M->>H: EnumSyncMgrItems Documents Photos Music\n    H-->>M: S_OK\n",
        "    M->>H: SetItemStatus Music SKIPPED\n",
        "    M->>H: ShowError Photos-error\n",
        "    Note over M,H: end of pass: every item final, every skip honoured\n",
    ] {
        assert!(
            diagram.contains(expected),
            "{expected} missing from:\n{diagram}"
        );
    }
    assert!(
        diagram.ends_with("    Note over M,H: events: 37, rejected: 0, violations: 0\n"),
        "{diagram}"
    );
}

#[test]
fn rules_prints_the_tables_and_the_mermaid_diagram_from_the_engine_data() {
    let markdown = mobsync().arg("rules").output().unwrap();
    assert_eq!(
        String::from_utf8(markdown.stdout).unwrap(),
        mobsync::rules::render_markdown()
    );
    let mermaid = mobsync()
        .args(["rules", "--format", "mermaid"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(mermaid.stdout).unwrap(),
        mobsync::rules::render_mermaid()
    );
}

#[test]
fn register_prints_the_reg_file_of_contract_section_9_and_its_removal() {
    let clsid = "8f5a2c1e-0d4b-4e7a-9c3f-2b6d8e1a4c70";
    let out = mobsync()
        .args([
            "register",
            "--clsid",
            clsid,
            "--dll",
            r"C:\Mirror\mirror.dll",
        ])
        .args(["--name", "Folder mirror", "--threading", "both"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let reg = String::from_utf8(out).unwrap();
    let key = r"{8F5A2C1E-0D4B-4E7A-9C3F-2B6D8E1A4C70}";
    for line in [
        "Windows Registry Editor Version 5.00",
        &format!(r"[HKEY_CLASSES_ROOT\CLSID\{key}]"),
        r#"@="Folder mirror""#,
        &format!(r"[HKEY_CLASSES_ROOT\CLSID\{key}\InprocServer32]"),
        r#"@="C:\\Mirror\\mirror.dll""#,
        r#""ThreadingModel"="Both""#,
        &format!(
            r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Syncmgr\Handlers\{key}]"
        ),
    ] {
        assert!(
            reg.lines().any(|l| l.trim_end_matches('\r') == line),
            "{line} in\n{reg}"
        );
    }
    let out = mobsync()
        .args([
            "register",
            "--clsid",
            &format!("{{{clsid}}}"),
            "--unregister",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let unreg = String::from_utf8(out).unwrap();
    assert!(
        unreg.contains(&format!(r"[-HKEY_CLASSES_ROOT\CLSID\{key}]")),
        "{unreg}"
    );
    // Bad usage: exit status 2.
    mobsync()
        .args(["register", "--clsid", "zz", "--unregister"])
        .assert()
        .code(2);
    mobsync()
        .args(["register", "--clsid", clsid, "--dll", "x.dll"])
        .assert()
        .code(2);
    mobsync()
        .args([
            "register", "--clsid", clsid, "--dll", "x.dll", "--name", "a\nb",
        ])
        .assert()
        .code(2);
}
