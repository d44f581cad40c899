//! A simulated sync manager: drive a handler written against [`SyncHandler`] through whole runs
//! (CONTRACT §3) on any platform, and get every contract violation with its rule id.
//!
//! The [`Simulator`] plays the manager: it calls the handler as `ISyncMgrSynchronize` is called,
//! hands it a [`Callback`] (the manager's `ISyncMgrSynchronizeCallback`, usable from any thread),
//! and checks every call, return and callback with an [`Instance`](crate::Instance). A [`Script`] chooses what the
//! manager does; the [`SimReport`] holds the per-item outcome, the violations, and the whole run
//! as a trace in TRACE.md's format.
//!
//! The trace names items and error ids instead of writing their GUIDs: `item Documents {…}` is
//! declared just before the first line that uses it, each item named after the name the handler
//! enumerated when that is a TRACE.md NAME (else a sanitized form of it, or `item1`, `item2`, …),
//! each error id after the item its LogError is about (`Photos-error`, else `error1`, …); names
//! are unique and never a word the format spells (`null`, `SKIPPED`, `Progress`, …: these get a
//! prefix, `item_SKIPPED`). The trace reads back to the same GUIDs, so `mobsync check` gives it
//! the same verdicts.
//!
//! # Testing your handler
//!
//! A handler crate copies this into its tests, with its own handler in place of `Files`:
//!
//! ```
//! use mobsync::sim::{Callback, ItemInfo, Script, Simulator, SyncHandler};
//! use mobsync::{ErrorId, HResult, ItemId, ProgressItem, SyncMgrFlags, SyncMgrStatus};
//!
//! /// A handler that syncs two files, honouring skip requests; it completes preparation on a
//! /// worker thread, as real handlers do.
//! #[derive(Default)]
//! struct Files {
//!     callback: Option<Callback>,
//!     selected: Vec<ItemId>,
//!     skipped: Vec<ItemId>,
//!     worker: Option<std::thread::JoinHandle<()>>,
//! }
//!
//! impl SyncHandler for Files {
//!     fn initialize(&mut self, _flags: SyncMgrFlags, _cookie: &[u8]) -> HResult {
//!         HResult::S_OK
//!     }
//!     fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
//!         items.push(ItemInfo::new(ItemId::from_u128(1), "notes.txt"));
//!         items.push(ItemInfo::new(ItemId::from_u128(2), "todo.txt"));
//!         HResult::S_OK
//!     }
//!     fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
//!         self.callback = callback;
//!         HResult::S_OK
//!     }
//!     fn prepare_for_sync(&mut self, items: &[ItemId]) -> HResult {
//!         self.selected = items.to_vec();
//!         self.skipped.clear();
//!         let callback = self.callback.clone();
//!         self.worker = Some(std::thread::spawn(move || {
//!             if let Some(cb) = callback {
//!                 cb.prepare_for_sync_completed(HResult::S_OK);
//!             }
//!         }));
//!         HResult::S_OK
//!     }
//!     fn synchronize(&mut self) -> HResult {
//!         if let Some(worker) = self.worker.take() {
//!             let _ = worker.join();
//!         }
//!         let Some(cb) = &self.callback else { return HResult::E_UNEXPECTED };
//!         for &item in &self.selected {
//!             let status = if self.skipped.contains(&item) { SyncMgrStatus::Skipped } else { SyncMgrStatus::Succeeded };
//!             cb.progress(item, ProgressItem::status(status), None);
//!         }
//!         cb.synchronize_completed(HResult::S_OK);
//!         HResult::S_OK
//!     }
//!     fn set_item_status(&mut self, item: ItemId, status: u32) -> HResult {
//!         if status != SyncMgrStatus::Skipped as u32 { return HResult::E_INVALIDARG }
//!         self.skipped.push(item);
//!         HResult::S_OK
//!     }
//!     fn show_properties(&mut self, _item: ItemId) -> HResult { HResult::E_NOTIMPL }
//!     fn show_error(&mut self, _error: ErrorId) -> HResult { HResult::E_NOTIMPL }
//! }
//!
//! let report = Simulator::new(Script::default().skip_in_window_a(ItemId::from_u128(2))).run(&mut Files::default());
//! assert!(report.violations.is_empty(), "{:#?}", report.violations);
//! assert!(report.is_clean());
//! assert_eq!(report.final_status(ItemId::from_u128(1)), Some(SyncMgrStatus::Succeeded));
//! assert_eq!(report.final_status(ItemId::from_u128(2)), Some(SyncMgrStatus::Skipped));
//! assert!(report.trace.contains("item todo_txt {00000000-0000-0000-0000-000000000002}"));
//! assert!(report.trace.contains("SetItemStatus todo_txt SKIPPED => S_OK"));
//! ```

mod callback;
mod handler;
mod manager;
mod names;
mod report;
mod script;
mod sink;

pub use callback::Callback;
pub use handler::{HandlerDescription, ItemInfo, SyncHandler};
pub use manager::Simulator;
pub use names::Names as TraceNames;
pub use report::{BoundaryViolation, SimReport, Violation};
pub use script::{Script, Selection};
pub use sink::{CallbackCall, CallbackSink, MAX_CALLBACK_TEXT_UNITS, TextProblem};
