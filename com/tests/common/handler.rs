//! A small handler whose every choice a test can set: what it hands out, what it answers, where
//! it panics, what it does in Synchronize.

use std::sync::{Arc, Mutex};

use mobsync::sim::{Callback, HandlerDescription, ItemInfo, SyncHandler};
use mobsync::{ErrorId, HResult, ItemId, ProgressItem, SyncMgrFlags, SyncMgrStatus};

pub const A: ItemId = ItemId::from_u128(0xA);
pub const B: ItemId = ItemId::from_u128(0xB);

/// What Synchronize does with the callback and the selection.
pub type SyncWork = Box<dyn FnMut(&Callback, &[ItemId]) -> HResult + Send>;

/// The handler's choices.
pub struct Behaviour {
    pub items: Vec<ItemInfo>,
    pub description: HandlerDescription,
    pub initialize: HResult,
    pub get_handler_info: HResult,
    pub enum_items: HResult,
    /// The method (by TRACE.md name) that panics.
    pub panic_in: Option<&'static str>,
    /// PrepareForSyncCompleted(S_OK) before PrepareForSync returns.
    pub complete_prepare: bool,
    /// `None`: SUCCEEDED for every selected item, then SynchronizeCompleted(S_OK).
    pub synchronize: Option<SyncWork>,
    pub set_item_status: HResult,
    /// Keep a clone of the callback after SetProgressCallback(NULL).
    pub keep_callback: bool,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            items: vec![ItemInfo::new(A, "a"), ItemInfo::new(B, "b")],
            description: HandlerDescription {
                name: "Test handler".to_owned(),
                flags: 0,
                icon: 0,
            },
            initialize: HResult::S_OK,
            get_handler_info: HResult::S_OK,
            enum_items: HResult::S_OK,
            panic_in: None,
            complete_prepare: true,
            synchronize: None,
            set_item_status: HResult::S_OK,
            keep_callback: false,
        }
    }
}

/// What the handler saw, shared with the test.
#[derive(Default)]
pub struct Seen {
    /// The methods that ran, by TRACE.md name, with SetItemStatus's arguments.
    pub calls: Vec<String>,
    /// Answers its callbacks got, in order.
    pub answers: Vec<(&'static str, HResult)>,
    /// A clone kept after SetProgressCallback(NULL).
    pub kept: Option<Callback>,
}

pub struct TestHandler {
    pub behaviour: Behaviour,
    pub seen: Arc<Mutex<Seen>>,
    callback: Option<Callback>,
    selected: Vec<ItemId>,
}

impl TestHandler {
    pub fn new(behaviour: Behaviour) -> (Self, Arc<Mutex<Seen>>) {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let handler = Self {
            behaviour,
            seen: Arc::clone(&seen),
            callback: None,
            selected: Vec::new(),
        };
        (handler, seen)
    }

    fn enter(&self, method: &'static str) {
        self.seen.lock().unwrap().calls.push(method.to_owned());
        if self.behaviour.panic_in == Some(method) {
            panic!("{method} panics on purpose");
        }
    }

    fn answered(&self, what: &'static str, hr: HResult) {
        self.seen.lock().unwrap().answers.push((what, hr));
    }
}

impl SyncHandler for TestHandler {
    fn initialize(&mut self, _flags: SyncMgrFlags, _cookie: &[u8]) -> HResult {
        self.enter("Initialize");
        self.behaviour.initialize
    }

    fn get_handler_info(&mut self, info: &mut HandlerDescription) -> HResult {
        self.enter("GetHandlerInfo");
        *info = self.behaviour.description.clone();
        self.behaviour.get_handler_info
    }

    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
        self.enter("EnumSyncMgrItems");
        items.extend(self.behaviour.items.iter().cloned());
        self.behaviour.enum_items
    }

    fn get_item_object(&mut self, _item: ItemId) -> HResult {
        self.enter("GetItemObject");
        HResult::E_NOTIMPL
    }

    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
        self.enter("SetProgressCallback");
        if callback.is_none() && self.behaviour.keep_callback {
            self.seen.lock().unwrap().kept = self.callback.clone();
        }
        self.callback = callback;
        HResult::S_OK
    }

    fn prepare_for_sync(&mut self, items: &[ItemId]) -> HResult {
        self.enter("PrepareForSync");
        self.selected = items.to_vec();
        if self.behaviour.complete_prepare
            && let Some(cb) = &self.callback
        {
            let hr = cb.prepare_for_sync_completed(HResult::S_OK);
            self.answered("PrepareForSyncCompleted", hr);
        }
        HResult::S_OK
    }

    fn synchronize(&mut self) -> HResult {
        self.enter("Synchronize");
        let Some(cb) = self.callback.clone() else {
            return HResult::E_UNEXPECTED;
        };
        if let Some(work) = &mut self.behaviour.synchronize {
            return work(&cb, &self.selected);
        }
        for &item in &self.selected {
            let hr = cb.progress(item, ProgressItem::status(SyncMgrStatus::Succeeded), None);
            self.seen.lock().unwrap().answers.push(("Progress", hr));
        }
        let hr = cb.synchronize_completed(HResult::S_OK);
        self.answered("SynchronizeCompleted", hr);
        HResult::S_OK
    }

    fn set_item_status(&mut self, item: ItemId, status: u32) -> HResult {
        self.seen
            .lock()
            .unwrap()
            .calls
            .push(format!("SetItemStatus {item} {status}"));
        if self.behaviour.panic_in == Some("SetItemStatus") {
            panic!("SetItemStatus panics on purpose");
        }
        self.behaviour.set_item_status
    }

    fn show_properties(&mut self, _item: ItemId) -> HResult {
        self.enter("ShowProperties");
        if let Some(cb) = &self.callback {
            let hr = cb.show_properties_completed(HResult::S_OK);
            self.answered("ShowPropertiesCompleted", hr);
        }
        HResult::S_OK
    }

    fn show_error(&mut self, _error: ErrorId) -> HResult {
        self.enter("ShowError");
        if let Some(cb) = &self.callback {
            let hr = cb.show_error_completed(HResult::S_SYNCMGR_RETRYSYNC, &[A]);
            self.answered("ShowErrorCompleted", hr);
        }
        HResult::S_OK
    }
}
