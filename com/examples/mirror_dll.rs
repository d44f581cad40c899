//! The folder-mirror handler — the same `SyncHandler` the simulator tests drive
//! (`examples/handlers/folder_mirror.rs` of the `mobsync` package) — as a handler DLL: one
//! `dll!` line, the handler's folders, and a journal that appends every violation to a log.
//!
//! Build it for Windows and register it (CONTRACT §9):
//!
//! ```text
//! cargo build -p mobsync-com --example mirror_dll --release --target x86_64-pc-windows-msvc
//! mobsync register --clsid 8F5A2C1E-0D4B-4E7A-9C3F-2B6D8E1A4C70 \
//!     --dll 'C:\Program Files\Mirror\mirror_dll.dll' --name 'Folder mirror' > mirror.reg
//! reg import mirror.reg
//! ```
//!
//! On Linux it builds as a shared object with the same two exports, which is how CI checks it.

// A symbolic link to the workspace's examples/handlers/folder_mirror.rs, so that the packaged
// crate holds it (cargo package copies the file it points to).
#[path = "handlers/folder_mirror.rs"]
#[allow(dead_code, reason = "the demo's helpers are not used by the DLL")]
mod folder_mirror;

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::PathBuf;

use folder_mirror::{Folder, FolderMirror};
use mobsync::ItemId;
use mobsync_com::windows_core::GUID;
use mobsync_com::{Handler, Journal, Options, dll};

/// The handler's class id: what `DllGetClassObject` serves and what the registration names.
const CLSID: GUID = GUID::from_u128(0x8f5a2c1e_0d4b_4e7a_9c3f_2b6d8e1a4c70);

dll!(clsid: CLSID, create: create, register: "Folder mirror");

/// A new handler object, for each `IClassFactory::CreateInstance`: the user's Documents,
/// Pictures and Music mirrored under `Mirror` in their profile.
fn create() -> Handler<FolderMirror> {
    let home = std::env::var_os("USERPROFILE")
        .or_else(|| std::env::var_os("HOME"))
        .map_or_else(std::env::temp_dir, PathBuf::from);
    let folders = [
        (0xD0C5, "Documents"),
        (0xF070, "Pictures"),
        (0x3051C, "Music"),
    ]
    .into_iter()
    .map(|(id, name)| Folder {
        id: ItemId::from_u128(0x6295_df40_0000_4000_8000_0000_0000_0000 | id),
        name: name.to_owned(),
        source: home.join(name),
        target: home.join("Mirror").join(name),
    })
    .collect();
    // Every violation, the handler's or the manager's, as a trace comment line in a log the
    // handler's author can read (the hook runs inside the call: appending a line is short).
    let log = std::env::temp_dir().join("mirror_dll.violations.trace");
    let journal = Journal::with_hook(move |violation| {
        if let Ok(mut file) = OpenOptions::new().create(true).append(true).open(&log) {
            let _ = writeln!(file, "{}\n{violation}", violation.event);
        }
    });
    Handler::with_options(
        FolderMirror::new(folders),
        Options::default().journal(journal),
    )
}
