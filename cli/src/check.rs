//! `mobsync check FILE|-`: checks a trace exactly as TRACE.md says, streaming.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;

use mobsync::trace::{CheckError, Summary, Verdict};
use mobsync::{Config, HResult, Profile};
use serde_json::json;

/// How verdicts are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `LINE: VERDICT RULE[ VIOLATION]: reason`, then the summary line.
    Text,
    /// JSON Lines: one object per printed event, then `{"summary": …}`.
    Json,
}

/// Exit status 2: parse error, unreadable input or bad usage (TRACE.md).
const TROUBLE: u8 = 2;

pub fn run(path: &str, all: bool, format: Format, profile: Profile) -> ExitCode {
    let input: Box<dyn BufRead> = if path == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(path) {
            Ok(file) => Box::new(BufReader::new(file)),
            Err(err) => {
                eprintln!("mobsync check: cannot read {path}: {err}");
                return ExitCode::from(TROUBLE);
            }
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let status = check(
        input,
        all,
        format,
        Config::default().profile(profile),
        &mut out,
    );
    // A closed stdout (e.g. `| head`) is not an error worth a message.
    let _ = out.flush();
    status
}

fn check(
    input: impl BufRead,
    all: bool,
    format: Format,
    config: Config,
    out: &mut impl Write,
) -> ExitCode {
    let checked = mobsync::trace::check(input, config, |verdict| {
        if verdict.is_printed(all) {
            let _ = match format {
                Format::Text => writeln!(out, "{verdict}"),
                Format::Json => writeln!(out, "{}", verdict_json(verdict)),
            };
        }
    });
    let summary = match checked {
        Ok(summary) => summary,
        Err(CheckError::Syntax(err)) => {
            match format {
                Format::Text => {
                    let _ = out.flush();
                    eprintln!("{err}");
                }
                Format::Json => {
                    let object =
                        json!({"line": err.line, "column": err.column, "error": err.message});
                    let _ = writeln!(out, "{object}");
                }
            }
            return ExitCode::from(TROUBLE);
        }
        Err(err) => {
            let _ = out.flush();
            eprintln!("mobsync check: {err}");
            return ExitCode::from(TROUBLE);
        }
    };
    let _ = match format {
        Format::Text => writeln!(out, "{summary}"),
        Format::Json => writeln!(out, "{}", summary_json(summary)),
    };
    if summary.violations > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn guids(items: impl Iterator<Item = mobsync::ItemView>) -> Vec<String> {
    items.map(|item| item.id.to_string()).collect()
}

fn verdict_json(v: &Verdict) -> serde_json::Value {
    let mut object = json!({
        "line": v.line,
        "event": v.event.name(),
        "verdict": v.verdict_name(),
        "hresult": format!("0x{:08X}", HResult::to_u32(v.verdict)),
        "rule": v.rule.id(),
        "violation": v.violation,
        "reason": v.reason,
    });
    if let (Some(report), Some(map)) = (&v.report, object.as_object_mut()) {
        map.insert(
            "report".to_owned(),
            json!({"unfinished": guids(report.unfinished()), "skip_not_honoured": guids(report.skip_not_honoured())}),
        );
    }
    object
}

fn summary_json(s: Summary) -> serde_json::Value {
    json!({"summary": {"events": s.events, "rejected": s.rejected, "violations": s.violations}})
}
