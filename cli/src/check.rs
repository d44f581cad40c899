//! `mobsync check FILE|-`: checks a trace exactly as TRACE.md says, streaming.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::ops::ControlFlow;
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
    /// A Mermaid sequence diagram of every event (`crate::mermaid`).
    Mermaid,
}

/// Exit status 2: parse error, unreadable input or bad usage (TRACE.md).
const TROUBLE: u8 = 2;

/// Exit status 141 (128 + SIGPIPE, what a shell reports for a program a closed pipe stopped):
/// the output was closed before checking ended, so the summary was not written. TRACE.md says
/// nothing of a closed output; this is the command's decision.
const CLOSED: u8 = 141;

pub fn run(path: &str, all: bool, format: Format, profile: Profile) -> ExitCode {
    let input: Box<dyn BufRead> = if path == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(path) {
            Ok(file) => Box::new(BufReader::new(file)),
            Err(err) => {
                let path = path.escape_debug();
                let _ = writeln!(io::stderr(), "mobsync check: cannot read {path}: {err}");
                return ExitCode::from(TROUBLE);
            }
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    if format == Format::Mermaid {
        return mermaid(input, Config::default().profile(profile), &mut out);
    }
    check(
        input,
        all,
        format,
        Config::default().profile(profile),
        &mut out,
    )
}

/// Why printing stopped: the output is closed (or cannot be written at all).
struct Closed;

fn print(out: &mut impl Write, line: impl std::fmt::Display) -> Result<(), Closed> {
    writeln!(out, "{line}").map_err(|_| Closed)
}

fn check(
    input: impl BufRead,
    all: bool,
    format: Format,
    config: Config,
    out: &mut impl Write,
) -> ExitCode {
    let checked = mobsync::trace::check_until(input, config, |verdict| {
        if !verdict.is_printed(all) {
            return ControlFlow::Continue(());
        }
        let printed = match format {
            Format::Text | Format::Mermaid => print(out, verdict),
            Format::Json => print(out, verdict_json(verdict)),
        };
        match printed {
            Ok(()) => ControlFlow::Continue(()),
            Err(Closed) => ControlFlow::Break(Closed),
        }
    });
    let summary = match checked {
        Ok(ControlFlow::Continue(summary)) => summary,
        Ok(ControlFlow::Break(Closed)) => return ExitCode::from(CLOSED),
        Err(CheckError::Syntax(err)) => {
            let shown = match format {
                Format::Text | Format::Mermaid => out
                    .flush()
                    .map_err(|_| Closed)
                    .and_then(|()| print(&mut io::stderr(), &err)),
                Format::Json => {
                    let object =
                        json!({"line": err.line, "column": err.column, "error": err.message});
                    print(out, object).and_then(|()| out.flush().map_err(|_| Closed))
                }
            };
            return ExitCode::from(if shown.is_ok() { TROUBLE } else { CLOSED });
        }
        Err(err) => {
            let _ = out.flush();
            let _ = writeln!(io::stderr(), "mobsync check: {err}");
            return ExitCode::from(TROUBLE);
        }
    };
    let printed = match format {
        Format::Text | Format::Mermaid => print(out, summary),
        Format::Json => print(out, summary_json(summary)),
    };
    if printed
        .and_then(|()| out.flush().map_err(|_| Closed))
        .is_err()
    {
        return ExitCode::from(CLOSED);
    }
    if summary.violations > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--format mermaid`: the diagram once the whole trace is read; a parse error as in text mode.
fn mermaid(input: impl BufRead, config: Config, out: &mut impl Write) -> ExitCode {
    match crate::mermaid::render(input, config) {
        Ok((diagram, summary)) => {
            if out
                .write_all(diagram.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                return ExitCode::from(CLOSED);
            }
            if summary.violations > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(CheckError::Syntax(err)) => {
            let _ = writeln!(io::stderr(), "{err}");
            ExitCode::from(TROUBLE)
        }
        Err(err) => {
            let _ = writeln!(io::stderr(), "mobsync check: {err}");
            ExitCode::from(TROUBLE)
        }
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
