//! `mobsync demo`: the example folder-mirroring handler against the simulated manager, with a
//! built-in script — three folders, one skipped by the manager in window B, one failing and then
//! retried through ShowError and S_SYNCMGR_RETRYSYNC.

use std::fs;
use std::io;
use std::path::Path;
use std::process::ExitCode;

use mobsync::ItemId;
use mobsync::sim::{Script, SimReport, Simulator};

use crate::folder_mirror::{FolderMirror, LOCK, demo_folders};

/// Runs the demo; prints the trace and a per-item table, and writes the trace to `trace_out`.
pub fn run(trace_out: Option<&Path>) -> ExitCode {
    match session(trace_out) {
        Ok(report) if report.violations.is_empty() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(err) => {
            eprintln!("mobsync demo: {err}");
            ExitCode::from(2)
        }
    }
}

fn session(trace_out: Option<&Path>) -> io::Result<SimReport> {
    let root = std::env::temp_dir().join(format!("mobsync-demo-{}", std::process::id()));
    let folders = demo_folders(&root)?;
    let names: Vec<(String, ItemId)> = folders.iter().map(|f| (f.name.clone(), f.id)).collect();
    // Photos is held by "another program": it fails, and the error dialog retries it.
    fs::write(folders[1].source.join(LOCK), b"")?;
    let music = folders[2].id;
    let script = Script::default().skip_in_window_b(music).show_errors(1);
    let report = Simulator::new(script).run(&mut FolderMirror::new(folders));
    let cleanup = fs::remove_dir_all(&root);

    println!("# The run, as a trace (TRACE.md format):");
    print!("{}", report.trace);
    println!();
    println!("{:<10} {:<38} {:<10} passes", "item", "id", "status");
    for (name, id) in names {
        let status = report.final_status(id).map_or("-", |s| s.short_name());
        let passes: Vec<String> = report
            .passes
            .iter()
            .filter_map(|p| {
                p.items
                    .iter()
                    .find(|i| i.0 == id)
                    .map(|i| i.1.short_name().to_owned())
            })
            .collect();
        println!(
            "{name:<10} {:<38} {status:<10} {}",
            id.to_string(),
            passes.join(" → ")
        );
    }
    println!("violations: {}", report.violations.len());
    for v in &report.violations {
        println!("  line {}: {} {}", v.line, v.rule, v.message);
    }
    if let Some(path) = trace_out {
        fs::write(path, &report.trace)?;
        println!("trace written to {}", path.display());
    }
    cleanup?;
    Ok(report)
}
