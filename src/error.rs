//! `Error`: why the contract refuses an event, with the rule id and the value at fault.
//!
//! Every variant is one check of CONTRACT §5 and maps to one HRESULT. Errors are small `Copy`
//! values that never allocate, so the hot paths can return them freely.

use core::fmt;

use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;
use crate::rule::{Check, EventKind, Rule};
use crate::state::{Gate, Life, Phase, UiPhase};
use crate::status::SyncMgrStatus;

/// Why the contract refuses an event. Each variant maps to one HRESULT ([`Error::hresult`]) and
/// one check of CONTRACT §5 ([`Error::check`]), and names the rule that decided
/// ([`Error::rule`]).
///
/// `Display` prints `RULE: reason`; [`Error::reason`] is the reason alone.
///
/// ```
/// use mobsync::{Check, Error, HResult, Instance, Rule};
///
/// let err = Instance::new().synchronize().unwrap_err();
/// assert!(matches!(err, Error::OutOfWindow { .. }));
/// assert_eq!((err.rule(), err.check(), HResult::from(err)), (Rule::Sync, Check::Window, HResult::E_UNEXPECTED));
/// assert_eq!(err.to_string(), "R-SYNC: Synchronize is not allowed in life Created");
/// assert_eq!(err.reason().to_string(), "Synchronize is not allowed in life Created");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Error {
    /// The event arrived outside its window (`E_UNEXPECTED`): `conflict` is the part of the state
    /// that refuses it.
    OutOfWindow {
        /// The rule that decided.
        rule: Rule,
        /// The refused event.
        event: EventKind,
        /// The state that refuses it.
        conflict: Conflict,
    },
    /// An argument value the contract refuses (`E_INVALIDARG`).
    InvalidArgument {
        /// The rule that decided.
        rule: Rule,
        /// What is wrong, with the value.
        problem: Problem,
    },
    /// An item id that is not where the event needs it (`E_INVALIDARG`).
    UnknownItem {
        /// The rule that decided.
        rule: Rule,
        /// The unknown item.
        item: ItemId,
        /// Where it was looked for.
        scope: Scope,
    },
    /// An error id that is not in the error log (`E_INVALIDARG`).
    UnknownErrorId {
        /// The rule that decided.
        rule: Rule,
        /// The unknown error id.
        error: ErrorId,
    },
    /// An item status transition the graph of CONTRACT §6 refuses (`E_ACCESSDENIED`).
    IllegalTransition {
        /// The rule that decided.
        rule: Rule,
        /// The item.
        item: ItemId,
        /// Its current status.
        from: SyncMgrStatus,
        /// The refused status.
        to: SyncMgrStatus,
    },
    /// A capacity limit of CONTRACT §7 would be exceeded (`E_OUTOFMEMORY`).
    Capacity {
        /// The rule that decided.
        rule: Rule,
        /// Which limit.
        what: Limit,
        /// Its configured value.
        limit: usize,
    },
    /// GetItemObject, which is never implemented (`E_NOTIMPL`, R-OBJ).
    NotImplemented {
        /// The rule that decided (R-OBJ).
        rule: Rule,
    },
}

impl Error {
    /// The HRESULT the contract answers for this error: its check's ([`Check::hresult`]).
    ///
    /// ```
    /// # use mobsync::{Error, HResult, Rule};
    /// let err = Error::NotImplemented { rule: Rule::Obj };
    /// assert_eq!(err.hresult(), HResult::E_NOTIMPL);
    /// ```
    #[must_use]
    pub const fn hresult(&self) -> HResult {
        self.check().hresult()
    }

    /// The check of CONTRACT §5 that refused the event.
    ///
    /// ```
    /// # use mobsync::{Check, Error, Rule};
    /// assert_eq!(Error::NotImplemented { rule: Rule::Obj }.check(), Check::NotImplemented);
    /// ```
    #[must_use]
    pub const fn check(&self) -> Check {
        match self {
            Self::OutOfWindow { .. } => Check::Window,
            Self::InvalidArgument { .. } => Check::Argument,
            Self::UnknownItem { .. } | Self::UnknownErrorId { .. } => Check::Identity,
            Self::IllegalTransition { .. } => Check::Transition,
            Self::Capacity { .. } => Check::Capacity,
            Self::NotImplemented { .. } => Check::NotImplemented,
        }
    }

    /// The rule that decided.
    ///
    /// ```
    /// # use mobsync::{Error, Rule};
    /// assert_eq!(Error::NotImplemented { rule: Rule::Obj }.rule(), Rule::Obj);
    /// ```
    #[must_use]
    pub const fn rule(&self) -> Rule {
        match *self {
            Self::OutOfWindow { rule, .. }
            | Self::InvalidArgument { rule, .. }
            | Self::UnknownItem { rule, .. }
            | Self::UnknownErrorId { rule, .. }
            | Self::IllegalTransition { rule, .. }
            | Self::Capacity { rule, .. }
            | Self::NotImplemented { rule } => rule,
        }
    }

    /// Why, in words, without the rule id that `Display` puts first.
    ///
    /// ```
    /// # use mobsync::{Error, Limit, Rule};
    /// let err = Error::Capacity { rule: Rule::Log, what: Limit::ErrorIds, limit: 2 };
    /// assert_eq!(err.reason().to_string(), "more than 2 ids in the error log");
    /// ```
    #[must_use]
    pub const fn reason(&self) -> Reason<'_> {
        Reason(self)
    }
}

/// [`Error::reason`]: an error's reason, printed without its rule id.
#[derive(Clone, Copy, Debug)]
pub struct Reason<'a>(&'a Error);

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self.0 {
            Error::OutOfWindow {
                event, conflict, ..
            } => write!(f, "{event} is not allowed {conflict}"),
            Error::InvalidArgument { problem, .. } => write!(f, "invalid argument: {problem}"),
            Error::UnknownItem { item, scope, .. } => {
                write!(f, "item {item} is not in the {scope}")
            }
            Error::UnknownErrorId { error, .. } => {
                write!(f, "error id {error} is not in the error log")
            }
            Error::IllegalTransition { item, from, to, .. } => {
                write!(f, "item {item} cannot go from {from:#} to {to:#}")
            }
            Error::Capacity { what, limit, .. } => write!(f, "more than {limit} {what}"),
            Error::NotImplemented { .. } => {
                f.write_str("GetItemObject is not implemented; its answer is always E_NOTIMPL")
            }
        }
    }
}

impl fmt::Display for Error {
    /// `RULE: reason`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule(), self.reason())
    }
}

impl std::error::Error for Error {}

impl From<Error> for HResult {
    fn from(err: Error) -> Self {
        err.hresult()
    }
}

/// The part of the state that refuses an event ([`Error::OutOfWindow`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Conflict {
    /// The instance's life does not allow the event.
    Life(Life),
    /// No progress callback is bound (every callback needs one; so does starting a pass).
    Unbound,
    /// The pass phase does not allow the event.
    Phase(Phase),
    /// The Properties UI's state does not allow the event.
    PropertiesUi(UiPhase),
    /// The Error UI's state does not allow the event.
    ErrorUi(UiPhase),
    /// The modal gate's state does not allow the event.
    Gate(Gate),
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Life(life) => write!(f, "in life {life:?}"),
            Self::Unbound => f.write_str("with no progress callback bound"),
            Self::Phase(phase) => write!(f, "in pass phase {phase}"),
            Self::PropertiesUi(ui) => write!(f, "while the Properties UI is {ui:?}"),
            Self::ErrorUi(ui) => write!(f, "while the Error UI is {ui:?}"),
            Self::Gate(gate) => write!(f, "while the modal gate is {gate:?}"),
        }
    }
}

/// What is wrong with an argument ([`Error::InvalidArgument`]), with the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Problem {
    /// A reserved field that must be zero.
    ReservedNotZero(u32),
    /// Initialize flags with bits outside 0x3FF (R-INIT).
    InitializeFlags(u32),
    /// A handler name longer than 31 UTF-16 units (R-INFO).
    HandlerNameTooLong(usize),
    /// Handler flags outside 0xF (R-INFO).
    HandlerFlags(u32),
    /// An item name longer than 127 UTF-16 units (R-ENUM).
    ItemNameTooLong {
        /// The item.
        item: ItemId,
        /// Its name's length in UTF-16 units.
        units: usize,
    },
    /// Item flags outside 0x7F (R-ENUM).
    ItemFlags {
        /// The item.
        item: ItemId,
        /// Its flags.
        flags: u32,
    },
    /// An item state other than 0 or 1 (R-ENUM).
    ItemState {
        /// The item.
        item: ItemId,
        /// Its state.
        state: u32,
    },
    /// An item list that must not be empty.
    EmptyItemList,
    /// An item listed twice.
    DuplicateItem(ItemId),
    /// GUID_NULL where an item id is required.
    NullItem,
    /// A DWORD that is not a SYNCMGRSTATUS value.
    InvalidStatus(u32),
    /// A valid status SetItemStatus does not support (only SKIPPED is, R-SIS).
    UnsupportedStatus(SyncMgrStatus),
    /// Progress mask bits outside 0xF (R-PROG).
    ProgressMask(u32),
    /// A negative progress value or maximum (R-PROG).
    NegativeProgress(i32),
    /// A progress value above the maximum (R-PROG).
    ProgressAboveMax {
        /// The value.
        value: i32,
        /// The maximum.
        max: i32,
    },
    /// A LogError level outside 1..=3 (R-LOG).
    LogLevel(u32),
    /// LogError info mask bits outside 0x7 (R-LOG).
    LogErrorMask(u32),
    /// GUID_NULL where an error id is required.
    NullErrorId,
    /// An error id already in the error log (R-LOG).
    DuplicateErrorId(ErrorId),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::ReservedNotZero(value) => write!(f, "reserved is {value:#X}, must be 0"),
            Self::InitializeFlags(bits) => {
                write!(f, "flags {bits:#X} have bits outside SYNCMGRFLAG 0x3FF")
            }
            Self::HandlerNameTooLong(units) => {
                write!(f, "handler name of {units} UTF-16 units is longer than 31")
            }
            Self::HandlerFlags(bits) => write!(f, "handler flags {bits:#X} outside 0xF"),
            Self::ItemNameTooLong { item, units } => {
                write!(
                    f,
                    "name of item {item} of {units} UTF-16 units is longer than 127"
                )
            }
            Self::ItemFlags { item, flags } => {
                write!(f, "flags {flags:#X} of item {item} outside 0x7F")
            }
            Self::ItemState { item, state } => {
                write!(f, "state {state:#X} of item {item} is neither 0 nor 1")
            }
            Self::EmptyItemList => f.write_str("the item list is empty"),
            Self::DuplicateItem(item) => write!(f, "item {item} is listed twice"),
            Self::NullItem => f.write_str("GUID_NULL is not an item id"),
            Self::InvalidStatus(value) => write!(f, "{value:#X} is not a SYNCMGRSTATUS value"),
            Self::UnsupportedStatus(status) => {
                write!(f, "status {status:#} is not supported, only SKIPPED")
            }
            Self::ProgressMask(bits) => write!(f, "progress mask {bits:#X} outside 0xF"),
            Self::NegativeProgress(value) => write!(f, "progress {value} is negative"),
            Self::ProgressAboveMax { value, max } => {
                write!(f, "progress value {value} is above the maximum {max}")
            }
            Self::LogLevel(level) => write!(f, "log level {level} is outside 1..=3"),
            Self::LogErrorMask(bits) => write!(f, "log error mask {bits:#X} outside 0x7"),
            Self::NullErrorId => f.write_str("GUID_NULL is not an error id"),
            Self::DuplicateErrorId(error) => write!(f, "error id {error} is already logged"),
        }
    }
}

/// Where an item was looked for ([`Error::UnknownItem`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Scope {
    /// The catalog (what the handler enumerated).
    Catalog,
    /// The selection (the items of the latest PrepareForSync).
    Selection,
    /// The catalog or the selection (R-LOG).
    CatalogOrSelection,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Catalog => "catalog",
            Self::Selection => "selection",
            Self::CatalogOrSelection => "catalog or the selection",
        })
    }
}

/// A capacity limit of CONTRACT §7 ([`Error::Capacity`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Limit {
    /// Items in a catalog or a selection.
    Items,
    /// Ids in the error log.
    ErrorIds,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Items => "items in a catalog or a selection",
            Self::ErrorIds => "ids in the error log",
        })
    }
}
