//! The folder mirror's fixture, shared by the tests that run it (under the simulator in
//! `tests/handlers.rs`, as a COM object in `com/tests/folder_mirror.rs`): three folders of three
//! files under a fresh temporary directory, removed when dropped. Each test file adds its own
//! `run`.

use std::fs;
use std::path::PathBuf;

use mobsync::ItemId;

use crate::folder_mirror::{Folder, LOCK};

pub const DOCS: ItemId = ItemId::from_u128(0xD0C5);
pub const PHOTOS: ItemId = ItemId::from_u128(0xF070);
pub const MUSIC: ItemId = ItemId::from_u128(0x3051C);

/// Three folders of three files under a fresh temporary directory.
pub struct Tree {
    pub root: PathBuf,
    pub folders: Vec<Folder>,
}

impl Tree {
    /// The tree of one test (`test` names its directory, with the process id).
    pub fn new(test: &str) -> Self {
        let root = std::env::temp_dir().join(format!("mobsync-{test}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let mut folders = Vec::new();
        for (id, name) in [(DOCS, "docs"), (PHOTOS, "photos"), (MUSIC, "music")] {
            let source = root.join("src").join(name);
            fs::create_dir_all(&source).unwrap();
            for n in 0..3 {
                fs::write(source.join(format!("{n}.txt")), name.repeat(n + 1)).unwrap();
            }
            folders.push(Folder {
                id,
                name: name.to_owned(),
                source,
                target: root.join("dst").join(name),
            });
        }
        Self { root, folders }
    }

    /// Another program holds `item`'s folder: its sync fails until the lock goes.
    pub fn lock(&self, item: ItemId) {
        let folder = self.folders.iter().find(|f| f.id == item).unwrap();
        fs::write(folder.source.join(LOCK), b"").unwrap();
    }

    /// How many files `item`'s folder has in the mirror.
    pub fn copied(&self, item: ItemId) -> usize {
        let folder = self.folders.iter().find(|f| f.id == item).unwrap();
        fs::read_dir(&folder.target).map_or(0, |d| d.count())
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}
