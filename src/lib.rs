//! The Windows Synchronization Manager handler contract (`mobsync.h`: `ISyncMgrSynchronize` and
//! its callback `ISyncMgrSynchronizeCallback`) as executable, platform-independent Rust.
//!
//! An [`Instance`] is one handler instance as a sans-IO state machine. Feed it every event — each
//! call the manager makes into the handler, the return of each asynchronous call, each callback
//! the handler makes — and it answers as the contract does: `Ok` when the event is accepted,
//! or an [`Error`] that names the rule of the project's CONTRACT.md ([`Rule`]), the value at
//! fault and the HRESULT to answer with (`E_UNEXPECTED` outside a call's window,
//! `E_INVALIDARG` for unknown items or bad values, …). A rejected event changes nothing.
//!
//! # One whole run
//!
//! ```
//! use mobsync::{
//!     HResult, Instance, ItemId, Method, Phase, ProgressAnswer, ProgressItem, SyncMgrFlags,
//!     SyncMgrItem, SyncMgrStatus,
//! };
//!
//! let inbox = ItemId::from_u128(0x6295DF40_0000_4000_8000_000000000001);
//! let outbox = ItemId::from_u128(0x6295DF40_0000_4000_8000_000000000002);
//! let mut sync = Instance::new();
//!
//! // 1. Initialize (MANUAL | MAYBOTHERUSER); the handler answers S_OK, so it is Ready.
//! sync.initialize(0, SyncMgrFlags::from_bits(0x203), HResult::S_OK)?;
//! // 2. The handler enumerates its items: they form the catalog.
//! sync.enum_sync_mgr_items(HResult::S_OK, &[SyncMgrItem::new(inbox, "Inbox"), SyncMgrItem::new(outbox, "Outbox")])?;
//! // 3. The manager hands over its callback.
//! sync.set_progress_callback(true)?;
//! // 4. PrepareForSync returns at once (window A opens) and completes later.
//! sync.prepare_for_sync(&[inbox, outbox], 0)?;
//! sync.returned(Method::PrepareForSync, HResult::S_OK)?;
//! // In window A the manager may ask to skip an item; the handler's SetItemStatus is one line:
//! let hr: HResult = sync.set_item_status(outbox, SyncMgrStatus::Skipped as u32).into();
//! assert_eq!(hr, HResult::S_OK);
//! sync.prepare_for_sync_completed(HResult::S_OK)?;
//! // 5. Synchronize: the handler reports progress per item, honouring the skip request.
//! sync.synchronize()?;
//! let updating = ProgressItem::status(SyncMgrStatus::Updating).with_max(10);
//! sync.progress(inbox, updating, ProgressAnswer::Continue)?;
//! assert!(sync.is_skip_requested(outbox));
//! sync.progress(outbox, ProgressItem::status(SyncMgrStatus::Skipped), ProgressAnswer::Continue)?;
//! sync.returned(Method::Synchronize, HResult::S_OK)?; // window B
//! let done = ProgressItem::status(SyncMgrStatus::Succeeded).with_value(10);
//! sync.progress(inbox, done, ProgressAnswer::Continue)?;
//! // A contract violation by the handler is caught before it reaches the manager:
//! let late = sync.progress(inbox, ProgressItem::status(SyncMgrStatus::Updating), ProgressAnswer::Continue);
//! assert_eq!(HResult::from(late), HResult::E_ACCESSDENIED); // SUCCEEDED is final
//! let finished = sync.synchronize_completed(HResult::S_OK)?;
//! assert!(finished.finished_pass());
//! assert_eq!(sync.phase(), Phase::Finished(HResult::S_OK));
//! let report = sync.report().unwrap();
//! assert!(report.is_clean()); // every item final, every skip request honoured
//! // After the pass, SetItemStatus is outside its window again.
//! assert_eq!(HResult::from(sync.set_item_status(inbox, 1)), HResult::E_UNEXPECTED);
//! // 6. Before release, the manager sets the callback to NULL.
//! sync.set_progress_callback(false)?;
//! # Ok::<(), mobsync::Error>(())
//! ```
//!
//! # What is where
//!
//! - [`Instance`] and [`Event`]: the engine and its input. [`Config`] picks the [`Profile`]
//!   (documented, or compatible with Microsoft's samples) and the [`Limits`].
//! - [`SharedInstance`]: one instance shared by the manager's thread and a handler's worker
//!   threads, with a lock-free [`SkipBoard`] for skip and cancel requests.
//! - [`sim`]: a simulated sync manager that drives a [`sim::SyncHandler`] through whole runs and
//!   reports every violation — see [Testing your handler](sim#testing-your-handler).
//! - [`rules`]: the tables the engine reads (pass phases × events, the UI and modal gate
//!   tables, the item status graph, the compatible profile's rows, who is at fault for a
//!   refusal), rendered as tables in its documentation.
//! - [`trace`]: the trace format — [`trace::EventLine`] writes an event as a trace line, and with
//!   the feature `trace` the parser and the checker of `mobsync check`.
//! - The header's vocabulary with exact values: [`HResult`], [`SyncMgrStatus`], the flag sets
//!   and small enums ([`SyncMgrFlags`], [`HandlerFlags`], [`ItemFlags`], [`ProgressMask`], …),
//!   and the GUID types [`Guid`], [`ItemId`] and [`ErrorId`].
//! - The regions of an instance's state: [`Life`], [`Phase`], [`UiPhase`], [`Gate`]; the rule
//!   vocabulary: [`Rule`], [`EventKind`], [`Profile`], [`Check`], [`Fault`].
//! - [`manual`]: the design manual — the decisions taken where the contract is silent, how the
//!   engine decides and applies, and the skip board's memory-ordering protocol.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly): feature-gated items say which feature they need. Since Rust
// 1.92 `doc_cfg` does that by itself (it absorbed `doc_auto_cfg`, which no longer exists).
#![cfg_attr(docsrs, feature(doc_cfg))]
// No panics on input: library code never unwraps, panics or indexes unchecked (tests may).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod error;
mod flags;
mod guid;
mod hresult;
#[cfg(feature = "windows-core")]
mod interop;
mod machine;
pub mod manual;
mod parse_error;
mod rule;
pub mod rules;
#[cfg(feature = "serde")]
mod serde;
mod shared;
pub mod sim;
mod state;
mod status;
pub mod trace;

pub use error::{Conflict, Error, Limit, Problem, Reason, Scope};
pub use flags::{
    ErrorFlags, HandlerFlags, InvokeFlags, ItemFlags, ItemState, LogErrorMask, LogLevel,
    MAX_SYNCMGRHANDLERNAME, MAX_SYNCMGRITEMNAME, ProgressMask, RegisterFlags, SyncEvent,
    SyncMgrFlagModifiers, SyncMgrFlags,
};
pub use guid::{ErrorId, Guid, ItemId};
pub use hresult::{FACILITY_ITF, HResult, ShortHResult};
pub use machine::{
    Accepted, Config, Event, HandlerInfo, Instance, ItemView, Limits, LogErrorInfo, Method,
    PassReport, ProgressAnswer, ProgressItem, SyncMgrItem,
};
pub use parse_error::ParseError;
pub use rule::{Check, EventKind, Fault, Profile, Role, Rule};
pub use shared::{SharedInstance, SkipBoard};
pub use state::{Gate, Life, Phase, PhaseKind, UiPhase};
pub use status::{InvalidStatus, SyncMgrStatus};

/// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
