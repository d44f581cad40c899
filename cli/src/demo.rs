//! `mobsync demo`: the example folder-mirroring handler against the simulated manager, with a
//! built-in script — three folders, one skipped by the manager in window B, one failing and then
//! retried through ShowError and S_SYNCMGR_RETRYSYNC.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use mobsync::sim::{Script, SimReport, Simulator};
use mobsync::trace::{Checker, Line, Parser};
use mobsync::{Config, ItemId};

use crate::folder_mirror::{FolderMirror, LOCK, demo_folders};

/// What the demo prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The trace, each event with its verdict, and a per-item table.
    Text,
    /// The run as a Mermaid sequence diagram (as `mobsync check --format mermaid` draws it).
    Mermaid,
}

/// Runs the demo; prints the trace and a per-item table (or the diagram), and writes the trace
/// to `trace_out`.
pub fn run(trace_out: Option<&Path>, format: Format) -> ExitCode {
    match session(trace_out, format) {
        Ok(report) if report.violations.is_empty() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(err) => {
            eprintln!("mobsync demo: {err}");
            ExitCode::from(2)
        }
    }
}

fn session(trace_out: Option<&Path>, format: Format) -> io::Result<SimReport> {
    let root = std::env::temp_dir().join(format!("mobsync-demo-{}", std::process::id()));
    let folders = demo_folders(&root)?;
    let names: Vec<(String, ItemId)> = folders.iter().map(|f| (f.name.clone(), f.id)).collect();
    // Photos is held by "another program": it fails, and the error dialog retries it.
    fs::write(folders[1].source.join(LOCK), b"")?;
    let music = folders[2].id;
    let script = Script::default().skip_in_window_b(music).show_errors(1);
    let report = Simulator::new(script).run(&mut FolderMirror::new(folders));
    let cleanup = fs::remove_dir_all(&root);
    if format == Format::Mermaid {
        let (diagram, _) = crate::mermaid::render(report.trace.as_bytes(), Config::default())
            .map_err(io::Error::other)?;
        if let Some(path) = trace_out {
            fs::write(path, &report.trace)?;
        }
        // A closed stdout (e.g. `| head`) ends the output quietly.
        let _ = io::stdout().lock().write_all(diagram.as_bytes());
        cleanup?;
        return Ok(report);
    }

    let mut out = String::from(
        "# The run, as a trace (TRACE.md format), each event with the checker's verdict:\n",
    );
    out.push_str(&annotated(&report.trace));
    out.push_str(&format!(
        "\n{:<10} {:<38} {:<10} passes\n",
        "item", "id", "status"
    ));
    for (name, id) in names {
        let status = report.final_status(id).map_or("-", |s| s.short_name());
        let passes: Vec<&str> = report
            .passes
            .iter()
            .filter_map(|p| p.item(id).map(|i| i.status.short_name()))
            .collect();
        out.push_str(&format!(
            "{name:<10} {:<38} {status:<10} {}\n",
            id.to_string(),
            passes.join(" → ")
        ));
    }
    out.push_str(&format!("violations: {}\n", report.violations.len()));
    for v in &report.violations {
        out.push_str(&format!("  line {}: {} {}\n", v.line, v.rule, v.message));
    }
    if let Some(path) = trace_out {
        fs::write(path, &report.trace)?;
        out.push_str(&format!("trace written to {}\n", path.display()));
    }
    // A closed stdout (e.g. `| head`) ends the output quietly.
    let _ = io::stdout().lock().write_all(out.as_bytes());
    cleanup?;
    Ok(report)
}

/// The trace with each event line followed by a `# VERDICT RULE` comment from the checker (still
/// a valid trace).
fn annotated(trace: &str) -> String {
    let mut parser = Parser::new();
    let mut checker = Checker::new(Config::default());
    let width = trace
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(72);
    let mut out = String::new();
    for (n, text) in trace.lines().enumerate() {
        match parser.parse_line(n + 1, text) {
            Ok(Line::Event(event)) => {
                let v = checker.check(&event);
                let violation = if v.violation { " VIOLATION" } else { "" };
                out.push_str(&format!(
                    "{text:<width$}  # {} {}{violation}\n",
                    v.verdict_name(),
                    v.rule
                ));
            }
            _ => {
                out.push_str(text);
                out.push('\n');
            }
        }
    }
    out
}
