//! A Rust sync handler as a guarded `ISyncMgrSynchronize` COM object: `mobsync.h`'s interfaces
//! on windows-core 0.100, every call and callback decided by the [`mobsync`] contract, a handler
//! DLL in one macro.
//!
//! You write the handler once, against [`mobsync::sim::SyncHandler`]; you test it on any
//! platform under [`mobsync::sim::Simulator`]; and [`Handler`] makes the same value, unchanged,
//! the COM object the Windows Synchronization Manager loads. Between the manager and your code
//! the engine answers every call as CONTRACT.md says, and between your code and the manager it
//! checks every callback before the manager sees it.
//!
//! # From `impl SyncHandler` to a registered DLL
//!
//! ## 1. The handler
//!
//! A handler lists its items, remembers the manager's callback, prepares and synchronizes (on a
//! worker thread, as real handlers do) and honours skip requests. Nothing in it is COM:
//!
//! ```
//! use std::sync::{Arc, Mutex};
//!
//! use mobsync::sim::{Callback, ItemInfo, SyncHandler};
//! use mobsync::{ErrorId, HResult, ItemId, ProgressItem, SyncMgrFlags, SyncMgrStatus};
//!
//! pub const NOTES: ItemId = ItemId::from_u128(0x6295_df40_0000_4000_8000_0000_0000_0001);
//! pub const TODO: ItemId = ItemId::from_u128(0x6295_df40_0000_4000_8000_0000_0000_0002);
//!
//! /// Syncs two files on a worker thread; a skipped item is reported SKIPPED.
//! #[derive(Default)]
//! pub struct Notes {
//!     callback: Option<Callback>,
//!     selected: Vec<ItemId>,
//!     skipped: Arc<Mutex<Vec<ItemId>>>,
//!     worker: Option<std::thread::JoinHandle<()>>,
//! }
//!
//! impl Notes {
//!     fn join(&mut self) {
//!         if let Some(worker) = self.worker.take() {
//!             let _ = worker.join();
//!         }
//!     }
//! }
//!
//! impl SyncHandler for Notes {
//!     fn initialize(&mut self, _flags: SyncMgrFlags, _cookie: &[u8]) -> HResult {
//!         HResult::S_OK
//!     }
//!     fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
//!         items.push(ItemInfo::new(NOTES, "notes.txt"));
//!         items.push(ItemInfo::new(TODO, "todo.txt"));
//!         HResult::S_OK
//!     }
//!     fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
//!         // `None` comes before the manager lets go of its callback: stop using it.
//!         self.join();
//!         self.callback = callback;
//!         HResult::S_OK
//!     }
//!     fn prepare_for_sync(&mut self, items: &[ItemId]) -> HResult {
//!         self.selected = items.to_vec();
//!         self.skipped.lock().unwrap().clear();
//!         let Some(callback) = self.callback.clone() else { return HResult::E_UNEXPECTED };
//!         callback.prepare_for_sync_completed(HResult::S_OK);
//!         HResult::S_OK
//!     }
//!     fn synchronize(&mut self) -> HResult {
//!         let Some(callback) = self.callback.clone() else { return HResult::E_UNEXPECTED };
//!         let (selected, skipped) = (self.selected.clone(), Arc::clone(&self.skipped));
//!         self.join();
//!         self.worker = Some(std::thread::spawn(move || {
//!             for item in selected {
//!                 let status = if skipped.lock().unwrap().contains(&item) {
//!                     SyncMgrStatus::Skipped
//!                 } else {
//!                     SyncMgrStatus::Succeeded // the file's sync would go here
//!                 };
//!                 callback.progress(item, ProgressItem::status(status), None);
//!             }
//!             callback.synchronize_completed(HResult::S_OK);
//!         }));
//!         HResult::S_OK
//!     }
//!     fn set_item_status(&mut self, item: ItemId, status: u32) -> HResult {
//!         if status != SyncMgrStatus::Skipped as u32 {
//!             return HResult::E_INVALIDARG;
//!         }
//!         self.skipped.lock().unwrap().push(item);
//!         HResult::S_OK
//!     }
//!     fn show_properties(&mut self, _item: ItemId) -> HResult { HResult::E_NOTIMPL }
//!     fn show_error(&mut self, _error: ErrorId) -> HResult { HResult::E_NOTIMPL }
//! }
//! #
//! # use mobsync::sim::{Script, Simulator};
//! # let report = Simulator::new(Script::default().skip_in_window_b(TODO)).run(&mut Notes::default());
//! # assert!(report.violations.is_empty(), "{:#?}", report.violations);
//! # assert_eq!(report.final_status(TODO), Some(SyncMgrStatus::Skipped));
//! ```
//!
//! ## 2. Test it anywhere
//!
//! Under the simulated manager, on Linux CI as on Windows, every contract violation comes back
//! with its rule id and the run as a trace (`mobsync::sim`'s "Testing your handler"):
//!
//! ```ignore
//! let report = Simulator::new(Script::default().skip_in_window_b(TODO)).run(&mut Notes::default());
//! assert!(report.violations.is_empty(), "{:#?}", report.violations);
//! assert_eq!(report.final_status(TODO), Some(SyncMgrStatus::Skipped));
//! ```
//!
//! ## 3. The COM object
//!
//! [`Handler::new`] wraps the same value; converted into [`abi::ISyncMgrSynchronize`] it is
//! what the manager calls through the vtable. A call outside its window never reaches your code,
//! and the [`Journal`] says what was refused and why:
//!
//! ```
//! # use mobsync::sim::{Callback, ItemInfo, SyncHandler};
//! # use mobsync::{ErrorId, HResult, ItemId, SyncMgrFlags};
//! # #[derive(Default)] struct Notes;
//! # impl SyncHandler for Notes {
//! #     fn initialize(&mut self, _: SyncMgrFlags, _: &[u8]) -> HResult { HResult::S_OK }
//! #     fn enum_sync_mgr_items(&mut self, _: &mut Vec<ItemInfo>) -> HResult { HResult::S_OK }
//! #     fn set_progress_callback(&mut self, _: Option<Callback>) -> HResult { HResult::S_OK }
//! #     fn prepare_for_sync(&mut self, _: &[ItemId]) -> HResult { HResult::S_OK }
//! #     fn synchronize(&mut self) -> HResult { HResult::S_OK }
//! #     fn set_item_status(&mut self, _: ItemId, _: u32) -> HResult { HResult::S_OK }
//! #     fn show_properties(&mut self, _: ItemId) -> HResult { HResult::E_NOTIMPL }
//! #     fn show_error(&mut self, _: ErrorId) -> HResult { HResult::E_NOTIMPL }
//! # }
//! use mobsync::{Fault, Rule};
//! use mobsync_com::Handler;
//! use mobsync_com::abi::{HWND, ISyncMgrSynchronize};
//!
//! let handler = Handler::new(Notes::default());
//! let journal = handler.journal().clone();
//! let object: ISyncMgrSynchronize = handler.into();
//!
//! // SAFETY: a valid object; Synchronize takes no pointer but the parent window.
//! let hr = unsafe { object.Synchronize(HWND::default()) };
//! assert_eq!(HResult::from(hr), HResult::E_UNEXPECTED); // before Initialize: out of its window
//! let refused = &journal.violations()[0];
//! assert_eq!((refused.fault, refused.rule), (Fault::Manager, Rule::Sync));
//!
//! // SAFETY: no cookie (cbCookie 0, lpCookie NULL).
//! let hr = unsafe { object.Initialize(0, 0x3, 0, std::ptr::null()) };
//! assert_eq!(HResult::from(hr), HResult::S_OK); // reached Notes::initialize
//! ```
//!
//! What the object adds around your code:
//! - **Calls in** are decided by the engine first: out of its window, E_UNEXPECTED; a NULL
//!   pointer where the call reads or writes, E_INVALIDARG (R-COM-PTR); bad arguments, the
//!   contract's HRESULT. On failure every out-pointer is NULL (R-COM-OUT); `SYNCMGRHANDLERINFO`
//!   comes from the COM task allocator; sizes and strings are checked (R-COM-SIZE, R-COM-STR).
//! - **Your answers** drive the engine, and what you hand out (items, handler info) is checked
//!   before the manager sees it. A panic is caught at the vtable and answered E_FAIL
//!   (R-COM-PANIC).
//! - **Your callbacks** are checked before they are forwarded ([`guard`]): a refused one returns
//!   the contract's HRESULT to you and is not made; an accepted one is forwarded, and the
//!   manager's answer (a cancel, EnableModeless's answer) is fed back to the engine. Any thread
//!   may call (R-COM-THREAD); the manager's callback is released when SetProgressCallback(NULL)
//!   returns (R-COM-REF).
//! - **Your UI** gets the manager's parent window from [`parent_window`] inside PrepareForSync,
//!   Synchronize, ShowProperties and ShowError.
//!
//! ## 4. The DLL
//!
//! A handler DLL is a `cdylib` crate with one dependency and one macro, which defines
//! `DllGetClassObject` (serving an `IClassFactory` for your CLSID; aggregation is refused) and
//! `DllCanUnloadNow` (S_OK once no object is alive and no `LockServer` is held):
//!
//! ```toml
//! [lib]
//! crate-type = ["cdylib"]
//!
//! [dependencies]
//! mobsync-com = "0.1"
//! ```
//!
//! ```ignore
//! use mobsync_com::{Handler, Journal, Options, dll, windows_core::GUID};
//!
//! const CLSID: GUID = GUID::from_u128(0x8f5a2c1e_0d4b_4e7a_9c3f_2b6d8e1a4c70);
//!
//! dll!(clsid: CLSID, create: create);
//!
//! /// One object per CreateInstance; every violation also goes to your log.
//! fn create() -> Handler<Notes> {
//!     let journal = Journal::with_hook(|violation| log::warn!("{violation}"));
//!     Handler::with_options(Notes::default(), Options::default().journal(journal))
//! }
//! ```
//!
//! `examples/mirror_dll.rs` is such a DLL around the folder-mirror handler, built by CI (on
//! Linux as a shared object with the same exports). Build for Windows with
//! `cargo build --release --target x86_64-pc-windows-msvc` (or `-gnu`, or `i686-…`: the
//! structs' layouts are asserted for 64- and 32-bit targets). CI builds it for
//! `x86_64-pc-windows-gnu` and runs it under Wine (`wine/run`): registered with `regsvr32`,
//! created by `CoCreateInstance` and driven through whole runs.
//!
//! `dll!(clsid: …, create: …, register: "Name")` also defines `DllRegisterServer` and
//! `DllUnregisterServer` (what `regsvr32` and `regsvr32 /u` call), which write and remove
//! CONTRACT §9's keys for the DLL's own path; `try_create:` instead of `create:` takes a function
//! answering `Result<_, HRESULT>`, whose error is `CreateInstance`'s answer.
//!
//! ## 5. Registration
//!
//! The manager finds handlers in the registry (CONTRACT §9): the DLL as an in-process server
//! of its CLSID, and the CLSID under the manager's `Handlers` key. `mobsync register` prints the
//! `.reg` file, and [`register::Registration`] gives the same keys and values as data, for an
//! installer:
//!
//! ```text
//! mobsync register --clsid 8F5A2C1E-0D4B-4E7A-9C3F-2B6D8E1A4C70 \
//!     --dll 'C:\Program Files\Notes\notes.dll' --name Notes > notes.reg
//! reg import notes.reg                         # as an administrator
//! mobsync register … --unregister > undo.reg   # the keys' removal
//! ```
//!
//! `ThreadingModel` is `Apartment` unless `--threading` says otherwise, as in Microsoft's
//! samples: the manager calls in from one thread, and your workers' callbacks are marshalled by
//! the guard's rules, not by you.
//!
//! # Check a handler you did not write
//!
//! A handler in C++, .NET or plain windows-rs is an `ISyncMgrSynchronize` like any other. Two
//! tools check it against the contract, on any platform where it can be loaded:
//!
//! - **Run it under the simulator.** [`Foreign`] makes any `ISyncMgrSynchronize` a
//!   [`SyncHandler`](mobsync::sim::SyncHandler): [`mobsync::sim::Simulator`] drives it through
//!   its vtable with the same [`Script`](mobsync::sim::Script)s as a Rust handler — skips in both
//!   windows, cancel answers, retries, probes out of window
//!   ([`probe_windows`](mobsync::sim::Script::probe_windows)), late callbacks
//!   ([`linger`](mobsync::sim::Script::linger)) — and reports every violation with its rule id, the R-COM
//!   rules of the boundary included (a wrong `cbSize`, an out-pointer left set on failure, an
//!   enumerator that answers S_OK when it fetched fewer items, an unterminated string).
//! - **Trace it where it runs.** [`TracingProxy`] wraps the handler and forwards every call and
//!   every callback unchanged while it writes the run, as TRACE.md lines, to a [`TraceLog`]
//!   (a file, or memory). `mobsync check` on that trace finds the violations the run had.
//!
//! ```
//! use mobsync::sim::{Script, Simulator};
//! use mobsync_com::{Foreign, TraceLog, TracingProxy};
//! # use mobsync::sim::{Callback, ItemInfo, SyncHandler};
//! # use mobsync::{ErrorId, HResult, ItemId, SyncMgrFlags};
//! # #[derive(Default)] struct Theirs;
//! # impl SyncHandler for Theirs {
//! #     fn initialize(&mut self, _: SyncMgrFlags, _: &[u8]) -> HResult { HResult::S_OK }
//! #     fn enum_sync_mgr_items(&mut self, _: &mut Vec<ItemInfo>) -> HResult { HResult::S_OK }
//! #     fn set_progress_callback(&mut self, _: Option<Callback>) -> HResult { HResult::S_OK }
//! #     fn prepare_for_sync(&mut self, _: &[ItemId]) -> HResult { HResult::S_OK }
//! #     fn synchronize(&mut self) -> HResult { HResult::S_OK }
//! #     fn set_item_status(&mut self, _: ItemId, _: u32) -> HResult { HResult::S_OK }
//! #     fn show_properties(&mut self, _: ItemId) -> HResult { HResult::E_NOTIMPL }
//! #     fn show_error(&mut self, _: ErrorId) -> HResult { HResult::E_NOTIMPL }
//! # }
//! # let their_handler = || mobsync_com::Handler::new(Theirs).into();
//! // Their handler, from CoCreateInstance on Windows (here a stand-in).
//! let handler = their_handler();
//! let log = TraceLog::in_memory();
//! let proxy = TracingProxy::new(handler, log.clone()).into();
//! let report = Simulator::new(Script::default().probe_windows()).run(&mut Foreign::new(proxy));
//! assert!(report.violations.is_empty(), "{:#?}", report.violations);
//!
//! // The proxy's trace tells the same story to `mobsync check`.
//! let summary = mobsync::trace::check(log.text().as_bytes(), Default::default(), |_| {})?;
//! assert_eq!(summary.violations, 0);
//! # Ok::<(), mobsync::trace::CheckError>(())
//! ```
//!
//! On Windows the proxy stands in for the real handler inside the manager's process: a proxy DLL
//! of your own creates the real handler with `TracingProxy::from_clsid` (Windows only) and
//! writes its log to a
//! file:
//!
//! ```ignore
//! const PROXY: GUID = GUID::from_u128(0x7a1e0c3d_5b2f_4c8e_9d01_3e5f7a9b1c2d); // the proxy's own
//! const REAL: GUID = GUID::from_u128(0x11223344_5566_7788_99aa_bbccddeeff00); // under test
//!
//! dll!(clsid: PROXY, try_create: || {
//!     let file = std::fs::File::create(r"C:\traces\handler.trace").map_err(|_| E_FAIL)?;
//!     // REGDB_E_CLASSNOTREG, say, is CreateInstance's answer when REAL is not registered.
//!     TracingProxy::from_clsid(&REAL, TraceLog::new(file))
//! }, register: "Tracing proxy");
//! ```
//!
//! `wine/proxy` is such a DLL, run by CI under Wine in front of the folder-mirror DLL and of
//! deliberately broken ones.
//!
//! To switch the manager to the proxy: register the proxy DLL under its CLSID (`mobsync register
//! --clsid PROXY --dll proxy.dll --name …`, which also adds PROXY to the manager's `Handlers`
//! key), and remove REAL's entry from that key (`reg delete
//! "HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Syncmgr\Handlers\{REAL}"`; the real
//! handler's own `CLSID\{REAL}` registration stays, so the proxy can still create it). To switch
//! back, import the `--unregister` file of the proxy and the real handler's `.reg` file again.
//! Then `mobsync check handler.trace`. (Running the proxy DLL under Sync Center needs a real
//! Windows machine; this crate's tests run it under the simulator.)
//!
//! # Seeing what went wrong
//!
//! Each object records its violations in a [`Journal`]: the first [`JOURNAL_CAPACITY`] are kept,
//! the rest counted, and a hook sees every one as it happens. A [`Violation`] carries who broke
//! which rule, the HRESULT the guard answered and the event as a TRACE.md line; its `Display` is
//! a trace comment, so `mobsync check` reads a log of them.
//!
//! # Cost
//!
//! The guard decides each call with the engine and forwards it through one more vtable. Against
//! a handler without it that keeps the same bookkeeping itself (a `Mutex` around a map of the
//! same hasher), SetItemStatus costs 164 instructions to 125 and Progress 385 to 264
//! (`benches/guard.rs`; BENCHMARKS.md has the times).
//!
//! # Off Windows
//!
//! Everything here builds and runs on Linux: windows-core's `#[interface]` and `#[implement]`
//! compile there and every call goes through the real vtable, which is how this crate's tests
//! drive handlers with a raw manager written from Microsoft's documentation. The COM task
//! allocator is `CoTaskMemAlloc` on Windows and `malloc` elsewhere ([`alloc`]).
#![deny(unsafe_op_in_unsafe_fn)]
// docs.rs (`--cfg docsrs`, nightly): feature-gated items say which feature they need (`doc_cfg`
// absorbed `doc_auto_cfg` in Rust 1.92).
#![cfg_attr(docsrs, feature(doc_cfg))]
// One unsafe operation per block, each with the `// SAFETY:` comment that says why it holds
// (`undocumented_unsafe_blocks` is denied for the whole package in Cargo.toml).
#![deny(clippy::multiple_unsafe_ops_per_block)]
// No panic may cross a vtable: library code never unwraps, panics or indexes unchecked (tests
// may), and every handler method runs under `catch_unwind`.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod abi;
pub mod alloc;
mod enumerator;
pub mod factory;
mod foreign;
pub mod guard;
mod handler;
mod incoming;
mod journal;
mod lock;
mod proxy;
pub mod register;
pub mod wide;

pub use enumerator::ItemEnumerator;
pub use factory::ClassFactory;
pub use foreign::{Foreign, MAX_ENUMERATED};
pub use handler::{Handler, Options, parent_window};
pub use journal::{JOURNAL_CAPACITY, Journal, Violation};
pub use proxy::{TraceLog, TracingProxy};
/// The windows-core this crate's interfaces are declared on (0.100).
pub use windows_core;

/// The HRESULTs this crate answers with, as windows-core's type.
pub mod hr {
    use mobsync::HResult;
    use windows_core::HRESULT;

    /// `S_OK`.
    pub const S_OK: HRESULT = HRESULT(HResult::S_OK.to_i32());
    /// `S_FALSE`.
    pub const S_FALSE: HRESULT = HRESULT(HResult::S_FALSE.to_i32());
    /// `E_NOTIMPL`.
    pub const E_NOTIMPL: HRESULT = HRESULT(HResult::E_NOTIMPL.to_i32());
    /// `E_FAIL`.
    pub const E_FAIL: HRESULT = HRESULT(HResult::E_FAIL.to_i32());
    /// `E_UNEXPECTED`.
    pub const E_UNEXPECTED: HRESULT = HRESULT(HResult::E_UNEXPECTED.to_i32());
    /// `E_INVALIDARG`.
    pub const E_INVALIDARG: HRESULT = HRESULT(HResult::E_INVALIDARG.to_i32());
    /// `E_OUTOFMEMORY`.
    pub const E_OUTOFMEMORY: HRESULT = HRESULT(HResult::E_OUTOFMEMORY.to_i32());
    /// `E_NOINTERFACE`.
    pub const E_NOINTERFACE: HRESULT = HRESULT(HResult::E_NOINTERFACE.to_i32());
    /// `CLASS_E_NOAGGREGATION` (0x80040110): the class factory refuses an outer object.
    pub const CLASS_E_NOAGGREGATION: HRESULT = HRESULT(0x8004_0110_u32 as i32);
    /// `CLASS_E_CLASSNOTAVAILABLE` (0x80040111): `DllGetClassObject` for another class.
    pub const CLASS_E_CLASSNOTAVAILABLE: HRESULT = HRESULT(0x8004_0111_u32 as i32);
}

/// Runs a vtable method's body, turning a panic into E_FAIL: no panic crosses the boundary
/// (R-COM-PANIC).
pub(crate) fn entry(body: impl FnOnce() -> windows_core::HRESULT) -> windows_core::HRESULT {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or(hr::E_FAIL)
}
