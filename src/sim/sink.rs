//! The transport under a [`Callback`](super::Callback): [`CallbackSink`] takes each callback the
//! handler makes, as a [`CallbackCall`], and answers it.
//!
//! The simulator's manager is one sink; `mobsync-com`'s guard in front of a real
//! `ISyncMgrSynchronizeCallback` is another. A handler written against [`Callback`] runs on
//! either, unchanged.

use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;
use crate::machine::{Event, LogErrorInfo, ProgressAnswer, ProgressItem};
use crate::rule::EventKind;

use super::report::BoundaryViolation;

/// The longest string a callback may pass (status text, error text, connection name), in UTF-16
/// units without its NUL (CONTRACT §9, R-COM-STR).
pub const MAX_CALLBACK_TEXT_UNITS: usize = 65_536;

/// Why a callback's string cannot cross the COM boundary as given (R-COM-STR): the manager
/// reads it up to its NUL, at most [`MAX_CALLBACK_TEXT_UNITS`] units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblem {
    /// Longer than [`MAX_CALLBACK_TEXT_UNITS`] UTF-16 units.
    TooLong {
        /// Its length in UTF-16 units.
        units: usize,
    },
    /// A NUL inside the string: the manager would read only what comes before it.
    Nul {
        /// The NUL's position in UTF-16 units.
        at: usize,
    },
}

impl core::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::TooLong { units } => write!(
                f,
                "its string is {units} UTF-16 units long, more than {MAX_CALLBACK_TEXT_UNITS}"
            ),
            Self::Nul { at } => write!(
                f,
                "its string holds a NUL at UTF-16 unit {at}: the manager would read only what \
                 comes before it"
            ),
        }
    }
}

/// One callback of `ISyncMgrSynchronizeCallback`, with everything the handler passed: the
/// strings as Rust strings, the lists borrowed.
///
/// ```
/// use mobsync::sim::CallbackCall;
/// use mobsync::{EventKind, HResult, ProgressAnswer};
///
/// let call = CallbackCall::SynchronizeCompleted { hr: HResult::S_OK };
/// assert_eq!(call.kind(), EventKind::SynchronizeCompleted);
/// // The engine's event, with the manager's answer where the event carries one.
/// assert!(matches!(call.event(HResult::S_OK), mobsync::Event::SynchronizeCompleted { .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallbackCall<'a> {
    /// `ShowPropertiesCompleted(hr)`.
    ShowPropertiesCompleted {
        /// The result.
        hr: HResult,
    },
    /// `PrepareForSyncCompleted(hr)`.
    PrepareForSyncCompleted {
        /// The result.
        hr: HResult,
    },
    /// `SynchronizeCompleted(hr)`.
    SynchronizeCompleted {
        /// The result.
        hr: HResult,
    },
    /// `ShowErrorCompleted(hr, cItems, pItemIDs)`.
    ShowErrorCompleted {
        /// The result: S_SYNCMGR_RETRYSYNC asks for another pass with `items`.
        hr: HResult,
        /// The items to retry.
        items: &'a [ItemId],
    },
    /// `EnableModeless(fEnable)`.
    EnableModeless {
        /// TRUE asks to show UI, FALSE says it is done.
        enable: bool,
    },
    /// `Progress(ItemID, pSyncProgressItem)`.
    Progress {
        /// The item.
        item: ItemId,
        /// The progress item; STATUSTEXT is set exactly when `text` is `Some`.
        progress: ProgressItem,
        /// `lpcStatusText`.
        text: Option<&'a str>,
    },
    /// `LogError(dwErrorLevel, pszErrorText, pSyncLogError)`.
    LogError {
        /// `dwErrorLevel` (`LogLevel`).
        level: u32,
        /// `pszErrorText`.
        text: &'a str,
        /// `pSyncLogError`.
        info: LogErrorInfo,
    },
    /// `DeleteLogError(ErrorID, dwReserved)`.
    DeleteLogError {
        /// The error id, or GUID_NULL for all.
        error: ErrorId,
        /// `dwReserved`.
        reserved: u32,
    },
    /// `EstablishConnection(pwszConnection, dwReserved)`.
    EstablishConnection {
        /// `pwszConnection`: `None` is NULL (the default connection).
        name: Option<&'a str>,
        /// `dwReserved`.
        reserved: u32,
    },
}

impl<'a> CallbackCall<'a> {
    /// The event kind.
    #[must_use]
    pub const fn kind(&self) -> EventKind {
        match self {
            Self::ShowPropertiesCompleted { .. } => EventKind::ShowPropertiesCompleted,
            Self::PrepareForSyncCompleted { .. } => EventKind::PrepareForSyncCompleted,
            Self::SynchronizeCompleted { .. } => EventKind::SynchronizeCompleted,
            Self::ShowErrorCompleted { .. } => EventKind::ShowErrorCompleted,
            Self::EnableModeless { .. } => EventKind::EnableModeless,
            Self::Progress { .. } => EventKind::Progress,
            Self::LogError { .. } => EventKind::LogError,
            Self::DeleteLogError { .. } => EventKind::DeleteLogError,
            Self::EstablishConnection { .. } => EventKind::EstablishConnection,
        }
    }

    /// The engine's event for this callback, given the manager's `answer`: it matters for
    /// EnableModeless(TRUE) (the gate opens on S_OK only) and Progress (S_SYNCMGR_CANCELITEM
    /// and S_SYNCMGR_CANCELALL are cancel requests; any other answer continues), and is ignored
    /// by the other callbacks.
    #[must_use]
    pub fn event(&self, answer: HResult) -> Event<'a> {
        match *self {
            Self::ShowPropertiesCompleted { hr } => Event::ShowPropertiesCompleted { hr },
            Self::PrepareForSyncCompleted { hr } => Event::PrepareForSyncCompleted { hr },
            Self::SynchronizeCompleted { hr } => Event::SynchronizeCompleted { hr },
            Self::ShowErrorCompleted { hr, items } => Event::ShowErrorCompleted { hr, items },
            Self::EnableModeless { enable } => Event::EnableModeless { enable, answer },
            Self::Progress { item, progress, .. } => Event::Progress {
                item,
                progress,
                answer: ProgressAnswer::from_hresult(answer),
            },
            Self::LogError { level, info, .. } => Event::LogError { level, info },
            Self::DeleteLogError { error, reserved } => Event::DeleteLogError { error, reserved },
            Self::EstablishConnection { name, reserved } => Event::EstablishConnection {
                has_name: name.is_some(),
                reserved,
            },
        }
    }

    /// The callback's string, if it has one (status text, error text, connection name): what a
    /// trace line writes as its `text=` or `name=`.
    #[must_use]
    pub const fn text(&self) -> Option<&'a str> {
        match *self {
            Self::Progress { text, .. } => text,
            Self::LogError { text, .. } => Some(text),
            Self::EstablishConnection { name, .. } => name,
            _ => None,
        }
    }
}

impl CallbackCall<'_> {
    /// Why the callback's string cannot cross the COM boundary as given (R-COM-STR), if it
    /// cannot. The simulator and `mobsync-com`'s guard refuse such a callback with
    /// E_INVALIDARG, as a handler violation.
    ///
    /// ```
    /// use mobsync::sim::{CallbackCall, TextProblem};
    ///
    /// let call = CallbackCall::EstablishConnection { name: Some("dial\0up"), reserved: 0 };
    /// assert_eq!(call.text_problem(), Some(TextProblem::Nul { at: 4 }));
    /// ```
    #[must_use]
    pub fn text_problem(&self) -> Option<TextProblem> {
        let text = self.text()?;
        if let Some(at) = text.bytes().position(|b| b == 0) {
            let at = text
                .get(..at)
                .map_or(at, |head| head.encode_utf16().count());
            return Some(TextProblem::Nul { at });
        }
        // A UTF-8 string has at least as many bytes as UTF-16 units: count only when needed.
        if text.len() > MAX_CALLBACK_TEXT_UNITS {
            let units = text.encode_utf16().count();
            if units > MAX_CALLBACK_TEXT_UNITS {
                return Some(TextProblem::TooLong { units });
            }
        }
        None
    }
}

/// What a [`Callback`](super::Callback) delivers its calls to: the manager's side of a run,
/// whatever carries it there.
///
/// `call` answers the manager's HRESULT, unchanged (S_FALSE and every S_SYNCMGR_* code keep
/// their meaning). It may be called from any thread, concurrently. The sink is dropped with the
/// last clone of the `Callback` that carries it, which is how a host learns that the handler let
/// go of its callback.
///
/// ```
/// use std::sync::Mutex;
/// use mobsync::sim::{Callback, CallbackCall, CallbackSink};
/// use mobsync::{EventKind, HResult};
///
/// /// A manager that takes everything and remembers what it got.
/// #[derive(Default)]
/// struct Recorder(Mutex<Vec<EventKind>>);
///
/// impl CallbackSink for Recorder {
///     fn call(&self, call: &CallbackCall<'_>) -> HResult {
///         self.0.lock().unwrap().push(call.kind());
///         HResult::S_OK
///     }
/// }
///
/// let callback = Callback::new(Recorder::default());
/// assert_eq!(callback.synchronize_completed(HResult::S_OK), HResult::S_OK);
/// ```
pub trait CallbackSink: Send + Sync {
    /// Delivers one callback and answers the manager's HRESULT.
    fn call(&self, call: &CallbackCall<'_>) -> HResult;

    /// Takes a boundary violation of a callback that could not be delivered as a
    /// [`CallbackCall`] (a wrong `cbSize`, a NULL pointer, an unreadable string: see
    /// [`Callback::report`](super::Callback::report)). The default drops it.
    fn report(&self, violation: BoundaryViolation) {
        let _ = violation;
    }
}
