//! Trace format v1 (TRACE.md): a parser and a checker (feature `trace`).
//!
//! A trace is one handler instance's events, one per line, as a handler author logs them on
//! Windows and as [`crate::sim`] writes them. [`check`] streams a trace through a [`Checker`] and
//! hands out a [`Verdict`] per event — the model's answer, the rule that decided, whether the
//! event is a violation, and the end-of-pass report — exactly as `mobsync check` prints them.
//!
//! ```
//! use mobsync::trace::check;
//! use mobsync::Config;
//!
//! let trace = "\
//! Initialize MANUAL|MAYBOTHERUSER
//! EnumSyncMgrItems A B
//! SetProgressCallback set
//! PrepareForSync A B
//! return PrepareForSync S_OK
//! SetItemStatus B SKIPPED          # window A: accepted
//! PrepareForSyncCompleted S_OK
//! Synchronize => S_OK
//! Progress A status=SUCCEEDED
//! Progress B status=SKIPPED
//! SynchronizeCompleted S_OK
//! SetItemStatus A SKIPPED => S_OK  # a violation: the contract requires E_UNEXPECTED
//! SetProgressCallback null
//! ";
//! let mut lines = Vec::new();
//! let summary = check(trace.as_bytes(), Config::default(), |v| {
//!     if v.is_printed(false) {
//!         lines.push(format!("{}: {} {}", v.line, v.verdict_name(), v.rule));
//!     }
//! })?;
//! assert_eq!(lines, ["12: E_UNEXPECTED R-SIS"]);
//! assert_eq!(summary.to_string(), "events: 13, rejected: 1, violations: 1");
//! # Ok::<(), mobsync::trace::CheckError>(())
//! ```

#[cfg(feature = "trace")]
mod check;
#[cfg(feature = "trace")]
mod error;
#[cfg(feature = "trace")]
mod event;
#[cfg(feature = "trace")]
mod fast;
#[cfg(feature = "trace")]
mod grammar;
#[cfg(feature = "trace")]
mod names;
#[cfg(feature = "trace")]
mod read;
#[cfg(feature = "trace")]
mod scan;
#[cfg(feature = "trace")]
mod syntax;
#[cfg(feature = "trace")]
mod value;
mod write;

#[cfg(feature = "trace")]
pub use check::{Checker, Summary, Verdict, check, check_until};
#[cfg(feature = "trace")]
pub use error::{CheckError, SyntaxError};
#[cfg(feature = "trace")]
pub use event::{Call, TraceEvent};
#[cfg(feature = "trace")]
pub use read::TraceReader;
#[cfg(feature = "trace")]
pub use syntax::{Line, MAX_LINE_BYTES, Parser};
pub(crate) use write::is_name;
pub use write::{EventLine, IdNames};
