//! Runs the folder-mirroring handler against the simulated manager and prints the run.
//!
//! ```sh
//! cargo run --example folder_mirror
//! ```
//!
//! Three folders are mirrored into a temporary directory: the manager skips one in window B, and
//! one is locked by "another program", fails, and is retried through ShowError and
//! S_SYNCMGR_RETRYSYNC.

#[path = "handlers/folder_mirror.rs"]
mod folder_mirror;

use std::fs;

use folder_mirror::{FolderMirror, LOCK, demo_folders};
use mobsync::sim::{Script, Simulator};

fn main() -> std::io::Result<()> {
    let root = std::env::temp_dir().join(format!("mobsync-folder-mirror-{}", std::process::id()));
    let folders = demo_folders(&root)?;
    let names: Vec<(String, mobsync::ItemId)> =
        folders.iter().map(|f| (f.name.clone(), f.id)).collect();
    fs::write(folders[1].source.join(LOCK), b"")?;
    let script = Script::default()
        .skip_in_window_b(folders[2].id)
        .show_errors(1);
    let report = Simulator::new(script).run(&mut FolderMirror::new(folders));
    print!("{}", report.trace);
    println!();
    for (name, id) in names {
        let status = report.final_status(id).map_or("-", |s| s.short_name());
        println!("{name:<10} {status}");
    }
    println!("violations: {}", report.violations.len());
    fs::remove_dir_all(&root)
}
