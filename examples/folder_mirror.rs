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
use std::path::Path;

use folder_mirror::{Folder, FolderMirror, LOCK};
use mobsync::ItemId;
use mobsync::sim::{Script, Simulator};

fn main() -> std::io::Result<()> {
    let root = std::env::temp_dir().join(format!("mobsync-folder-mirror-{}", std::process::id()));
    let folders = demo_folders(&root)?;
    let (docs, photos, music) = (folders[0].id, folders[1].id, folders[2].id);
    fs::write(folders[1].source.join(LOCK), b"")?;
    let script = Script::default().skip_in_window_b(music).show_errors(1);
    let report = Simulator::new(script).run(&mut FolderMirror::new(folders));
    print!("{}", report.trace);
    println!();
    for (name, id) in [("Documents", docs), ("Photos", photos), ("Music", music)] {
        let status = report.final_status(id).map_or("-", |s| s.short_name());
        println!("{name:<10} {status}");
    }
    println!("violations: {}", report.violations.len());
    fs::remove_dir_all(&root)?;
    Ok(())
}

/// Three source folders with a few files each, and their targets.
fn demo_folders(root: &Path) -> std::io::Result<Vec<Folder>> {
    let mut folders = Vec::new();
    for (n, name) in ["Documents", "Photos", "Music"].into_iter().enumerate() {
        let source = root.join("source").join(name);
        fs::create_dir_all(&source)?;
        for file in 0..3 {
            fs::write(
                source.join(format!("{name}-{file}.txt")),
                name.repeat(file + 1),
            )?;
        }
        folders.push(Folder {
            id: ItemId::from_u128(0x6295DF40_0000_4000_8000_000000000001 + n as u128),
            name: name.to_owned(),
            source,
            target: root.join("target").join(name),
        });
    }
    Ok(folders)
}
