//! The Windows Synchronization Manager handler contract (`mobsync.h`: `ISyncMgrSynchronize` and
//! its callback `ISyncMgrSynchronizeCallback`) as executable, platform-independent Rust.
//!
//! The crate's vocabulary is the header's, with exact values: [`HResult`] and its constants,
//! [`SyncMgrStatus`], the flag sets and small enums of [`flags`], and the GUID types [`Guid`],
//! [`ItemId`] and [`ErrorId`]. [`Error`] says why the contract refuses an event, naming the rule
//! of the project's CONTRACT.md ([`Rule`]) and the value at fault.
//!
//! ```
//! use mobsync::{HResult, SyncMgrStatus};
//!
//! // SetItemStatus with a DWORD that is not a status answers E_INVALIDARG.
//! let answer = SyncMgrStatus::try_from(0x9).map_or_else(HResult::from, |_| HResult::S_OK);
//! assert_eq!(answer, HResult::E_INVALIDARG);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod error;
pub mod flags;
mod guid;
mod hresult;
mod machine;
pub mod rules;
pub mod state;
mod status;

pub use error::{Conflict, Error, Limit, ParseError, Problem, Scope};
pub use flags::{
    ErrorFlags, HandlerFlags, InvokeFlags, ItemFlags, ItemState, LogErrorMask, LogLevel,
    MAX_SYNCMGRHANDLERNAME, MAX_SYNCMGRITEMNAME, ProgressMask, RegisterFlags, SyncEvent,
    SyncMgrFlagModifiers, SyncMgrFlags,
};
pub use guid::{ErrorId, Guid, ItemId};
pub use hresult::{FACILITY_ITF, HResult};
pub use machine::{
    Accepted, Config, Event, HandlerInfo, Instance, ItemView, Limits, LogErrorInfo, Method,
    PassReport, Profile, ProgressAnswer, ProgressItem, SyncMgrItem,
};
pub use rules::{EventKind, Rule};
pub use state::{Gate, Life, Phase, PhaseKind, UiPhase};
pub use status::SyncMgrStatus;
