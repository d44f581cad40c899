//! A sync handler someone would write: it mirrors folders, one item per folder, copying files on
//! a worker thread. It honours skip and cancel requests between files, logs each failure with an
//! error id, and retries failed folders through ShowError and S_SYNCMGR_RETRYSYNC.
//!
//! The handler keeps its own [`SharedInstance`]: every call the manager makes is answered by it
//! (SetItemStatus is one line), and every callback is checked against it before it goes to the
//! manager, so the handler never breaks the contract itself.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use mobsync::sim::{Callback, HandlerDescription, ItemInfo, SyncHandler};
use mobsync::{
    Config, ErrorId, Event, HResult, HandlerFlags, HandlerInfo, ItemId, LogErrorInfo, Method,
    Profile, ProgressAnswer, ProgressItem, SharedInstance, SyncMgrFlags, SyncMgrItem,
    SyncMgrStatus,
};

/// One mirrored folder: an item.
#[derive(Clone, Debug)]
pub struct Folder {
    /// The item id.
    pub id: ItemId,
    /// The name shown to the user.
    pub name: String,
    /// Where files come from.
    pub source: PathBuf,
    /// Where they go.
    pub target: PathBuf,
}

/// What the worker shares with the handler.
struct Work {
    sync: SharedInstance,
    callback: Callback,
    folders: Vec<Folder>,
    /// Logged errors, with the folder each one is about.
    errors: Arc<Mutex<HashMap<ErrorId, ItemId>>>,
}

/// The handler.
pub struct FolderMirror {
    folders: Vec<Folder>,
    sync: SharedInstance,
    callback: Option<Callback>,
    selected: Vec<ItemId>,
    worker: Option<JoinHandle<()>>,
    errors: Arc<Mutex<HashMap<ErrorId, ItemId>>>,
}

impl FolderMirror {
    /// A handler mirroring these folders.
    pub fn new(folders: Vec<Folder>) -> Self {
        Self {
            folders,
            // The handler takes each completion into its engine before calling the manager, so
            // its engine can be one step ahead of the manager's view: a skip the manager sends in
            // window A may find it already `Prepared`. The compatible profile accepts
            // SetItemStatus(SKIPPED) there, as Microsoft's own samples do.
            sync: SharedInstance::with_config(Config::default().profile(Profile::Compatible)),
            callback: None,
            selected: Vec::new(),
            worker: None,
            errors: Arc::default(),
        }
    }

    fn join_worker(&mut self) {
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }

    /// Hands a manager's call to the handler's own engine; `Err` is the answer to give.
    fn enter(&self, event: &Event<'_>) -> Result<(), HResult> {
        self.sync.handle(event).map(drop).map_err(HResult::from)
    }

    /// Shows a dialog (`show`) between EnableModeless(TRUE) and EnableModeless(FALSE), if the
    /// manager answers S_OK; `false` when the handler may not show UI.
    fn modal(&self, show: impl FnOnce()) -> bool {
        let Some(callback) = &self.callback else {
            return false;
        };
        let probe = Event::EnableModeless {
            enable: true,
            answer: HResult::S_OK,
        };
        if self.sync.check(&probe).is_err() {
            return false;
        }
        let answer = callback.enable_modeless(true);
        let _ = self.sync.handle(&Event::EnableModeless {
            enable: true,
            answer,
        });
        if answer != HResult::S_OK {
            return false;
        }
        show();
        let close = Event::EnableModeless {
            enable: false,
            answer: HResult::S_OK,
        };
        if self.sync.handle(&close).is_ok() {
            callback.enable_modeless(false);
        }
        true
    }

    fn returned(&self, method: Method, hr: HResult) -> HResult {
        let _ = self.sync.handle(&Event::Return { method, hr });
        hr
    }
}

impl Work {
    /// A callback, taken by the handler's own engine first: a call the contract would refuse
    /// is not made at all, and the engine is never behind the manager.
    fn callback(&self, event: &Event<'_>, call: impl FnOnce(&Callback) -> HResult) -> HResult {
        match self.sync.handle(event) {
            Ok(_) => call(&self.callback),
            Err(err) => err.hresult(),
        }
    }

    fn progress(&self, item: ItemId, progress: ProgressItem) -> ProgressAnswer {
        let event = Event::Progress {
            item,
            progress,
            answer: ProgressAnswer::Continue,
        };
        if self.sync.handle(&event).is_err() {
            return ProgressAnswer::Continue;
        }
        let answer = ProgressAnswer::from_hresult(self.callback.progress(item, progress, None));
        if answer != ProgressAnswer::Continue {
            // The same report again, now with the manager's cancel: it records the request.
            let _ = self.sync.handle(&Event::Progress {
                item,
                progress,
                answer,
            });
        }
        answer
    }

    /// A folder that synced: its old errors leave the log.
    fn forget_errors(&self, item: ItemId) {
        let mut errors = self.errors.lock().unwrap_or_else(PoisonError::into_inner);
        let stale: Vec<ErrorId> = errors
            .iter()
            .filter(|&(_, &i)| i == item)
            .map(|(&e, _)| e)
            .collect();
        for error in stale {
            let event = Event::DeleteLogError { error, reserved: 0 };
            if self
                .callback(&event, |cb| cb.delete_log_error(error, 0))
                .is_success()
            {
                errors.remove(&error);
            }
        }
    }

    fn finish(&self, item: ItemId, status: SyncMgrStatus) {
        self.progress(item, ProgressItem::status(status));
    }

    /// Mirrors the selected folders one by one, then completes the pass.
    fn run(self, selected: Vec<ItemId>) {
        for item in selected {
            let Some(folder) = self.folders.iter().find(|f| f.id == item).cloned() else {
                continue;
            };
            match self.mirror(&folder) {
                Ok(status) => {
                    self.forget_errors(item);
                    self.finish(item, status);
                }
                Err(err) => {
                    let error = ErrorId::from_u128(item.to_u128() ^ 0xE);
                    let text = format!("{}: {err}", folder.name);
                    let info = LogErrorInfo::default().with_error_id(error).with_item(item);
                    // Log an entry the user can jump from (ShowError), once per error id.
                    let known = self
                        .errors
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .contains_key(&error);
                    if !known {
                        let event = Event::LogError {
                            level: 3,
                            info: info.with_error_flags(0x1),
                        };
                        let hr = self.callback(&event, |cb| {
                            cb.log_error(3, &text, info.with_error_flags(0x1))
                        });
                        if hr.is_success() {
                            self.errors
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .insert(error, item);
                        }
                    }
                    self.finish(item, SyncMgrStatus::Failed);
                }
            }
        }
        let done = Event::SynchronizeCompleted { hr: HResult::S_OK };
        self.callback(&done, |cb| cb.synchronize_completed(HResult::S_OK));
    }

    /// Copies one folder's files; SKIPPED as soon as a skip or cancel request is seen.
    fn mirror(&self, folder: &Folder) -> io::Result<SyncMgrStatus> {
        if self.sync.is_skip_requested(folder.id) {
            return Ok(SyncMgrStatus::Skipped);
        }
        if folder.source.join(LOCK).exists() {
            return Err(io::Error::other("the folder is locked by another program"));
        }
        let mut files: Vec<PathBuf> = fs::read_dir(&folder.source)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<io::Result<_>>()?;
        files.retain(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        });
        files.sort();
        let max = i32::try_from(files.len()).unwrap_or(i32::MAX);
        let start = ProgressItem::status(SyncMgrStatus::Updating)
            .with_value(0)
            .with_max(max);
        if self.progress(folder.id, start) != ProgressAnswer::Continue
            || self.sync.is_skip_requested(folder.id)
        {
            return Ok(SyncMgrStatus::Skipped);
        }
        fs::create_dir_all(&folder.target)?;
        for (done, file) in files.iter().enumerate() {
            copy_into(file, &folder.target)?;
            let value = i32::try_from(done + 1).unwrap_or(max);
            let step = ProgressItem::default().with_value(value);
            if self.progress(folder.id, step) != ProgressAnswer::Continue
                || self.sync.is_skip_requested(folder.id)
            {
                return Ok(SyncMgrStatus::Skipped);
            }
        }
        Ok(SyncMgrStatus::Succeeded)
    }
}

/// A file whose presence means "another program holds the folder": the sync of that folder fails
/// until the user deals with it in the error dialog.
pub const LOCK: &str = ".locked";

fn copy_into(file: &Path, target: &Path) -> io::Result<()> {
    let name = file
        .file_name()
        .ok_or_else(|| io::Error::other("a file without a name"))?;
    fs::copy(file, target.join(name)).map(drop)
}

impl SyncHandler for FolderMirror {
    fn initialize(&mut self, flags: SyncMgrFlags, _cookie: &[u8]) -> HResult {
        let event = Event::Initialize {
            reserved: 0,
            flags,
            answer: HResult::S_OK,
        };
        self.enter(&event).err().unwrap_or(HResult::S_OK)
    }

    fn get_handler_info(&mut self, info: &mut HandlerDescription) -> HResult {
        info.name = "Folder mirror".to_owned();
        info.flags = HandlerFlags::HASPROPERTIES.bits();
        let handed_out = HandlerInfo::new(&info.name, info.flags);
        let event = Event::GetHandlerInfo {
            answer: HResult::S_OK,
            info: handed_out,
        };
        self.enter(&event).err().unwrap_or(HResult::S_OK)
    }

    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
        items.extend(self.folders.iter().map(|f| ItemInfo::new(f.id, &f.name)));
        let checked: Vec<SyncMgrItem> = items
            .iter()
            .map(|i| SyncMgrItem::new(i.id, &i.name))
            .collect();
        let event = Event::EnumSyncMgrItems {
            answer: HResult::S_OK,
            items: &checked,
        };
        self.enter(&event).err().unwrap_or(HResult::S_OK)
    }

    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
        let bind = callback.is_some();
        self.join_worker();
        if let Err(hr) = self.enter(&Event::SetProgressCallback { bind }) {
            return hr;
        }
        self.callback = callback;
        HResult::S_OK
    }

    fn prepare_for_sync(&mut self, items: &[ItemId]) -> HResult {
        if let Err(hr) = self.enter(&Event::PrepareForSync { items, reserved: 0 }) {
            return hr;
        }
        self.selected = items.to_vec();
        // Preparation (checking that the folders exist) runs on a worker.
        self.join_worker();
        let (sync, callback) = (self.sync.clone(), self.callback.clone());
        let folders: Vec<Folder> = self.folders.clone();
        self.worker = Some(std::thread::spawn(move || {
            let Some(callback) = callback else { return };
            let ok = folders.iter().all(|f| f.source.exists());
            let hr = if ok { HResult::S_OK } else { HResult::E_FAIL };
            if sync.handle(&Event::PrepareForSyncCompleted { hr }).is_ok() {
                callback.prepare_for_sync_completed(hr);
            }
        }));
        self.returned(Method::PrepareForSync, HResult::S_OK)
    }

    fn synchronize(&mut self) -> HResult {
        if let Err(hr) = self.enter(&Event::Synchronize) {
            return hr;
        }
        let Some(callback) = self.callback.clone() else {
            return self.returned(Method::Synchronize, HResult::E_UNEXPECTED);
        };
        self.join_worker();
        let work = Work {
            sync: self.sync.clone(),
            callback,
            folders: self.folders.clone(),
            errors: Arc::clone(&self.errors),
        };
        let selected = self.selected.clone();
        self.worker = Some(std::thread::spawn(move || work.run(selected)));
        self.returned(Method::Synchronize, HResult::S_OK)
    }

    fn set_item_status(&mut self, item: ItemId, status: u32) -> HResult {
        self.sync
            .handle(&Event::SetItemStatus { item, status })
            .into()
    }

    fn show_properties(&mut self, item: ItemId) -> HResult {
        if let Err(hr) = self.enter(&Event::ShowProperties { item }) {
            return hr;
        }
        // No dialog in this example: the properties are "shown" and closed at once.
        if let Some(callback) = &self.callback {
            let event = Event::ShowPropertiesCompleted { hr: HResult::S_OK };
            if self.sync.handle(&event).is_ok() {
                callback.show_properties_completed(HResult::S_OK);
            }
        }
        self.returned(Method::ShowProperties, HResult::S_OK)
    }

    fn show_error(&mut self, error: ErrorId) -> HResult {
        if let Err(hr) = self.enter(&Event::ShowError { error }) {
            return hr;
        }
        // The error dialog, if the manager lets the handler show UI: the user closes the program
        // that held the folder and presses "retry", so the handler asks for another pass.
        let item = self
            .errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&error)
            .copied();
        let shown = self.modal(|| {
            if let Some(folder) = item.and_then(|id| self.folders.iter().find(|f| f.id == id)) {
                let _ = fs::remove_file(folder.source.join(LOCK));
            }
        });
        let (hr, items) = match item {
            Some(item) if shown => (HResult::S_SYNCMGR_RETRYSYNC, vec![item]),
            _ => (HResult::S_OK, Vec::new()),
        };
        if let Some(callback) = &self.callback
            && self
                .sync
                .handle(&Event::ShowErrorCompleted { hr, items: &items })
                .is_ok()
        {
            callback.show_error_completed(hr, &items);
        }
        self.returned(Method::ShowError, HResult::S_OK)
    }
}

/// The demo's folders: Documents, Photos and Music under `root/source`, three files each,
/// mirrored into `root/mirror`; ids `{6295DF40-0000-4000-8000-00000000000n}`.
pub fn demo_folders(root: &Path) -> io::Result<Vec<Folder>> {
    let mut folders = Vec::new();
    for (n, name) in ["Documents", "Photos", "Music"].into_iter().enumerate() {
        let source = root.join("source").join(name);
        fs::create_dir_all(&source)?;
        for file in 1..=3 {
            fs::write(
                source.join(format!("{}-{file}.txt", name.to_lowercase())),
                name.repeat(file),
            )?;
        }
        folders.push(Folder {
            id: ItemId::from_u128(0x6295DF40_0000_4000_8000_000000000001 + n as u128),
            name: name.to_owned(),
            source,
            target: root.join("mirror").join(name),
        });
    }
    Ok(folders)
}
