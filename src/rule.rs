//! The rule vocabulary of CONTRACT.md: the rule ids ([`Rule`]), the events they govern
//! ([`EventKind`], named as a trace names them), the profiles ([`Profile`]), the checks of §5 in
//! their order ([`Check`]) and who is at fault for a refusal ([`Fault`]).
//!
//! A leaf of the crate: the tables that decide with this vocabulary are in [`crate::rules`].

use core::fmt;
use core::str::FromStr;

use crate::hresult::HResult;
use crate::parse_error::ParseError;

macro_rules! rules {
    ($($variant:ident => $id:literal, $what:literal;)*) => {
        /// A rule of CONTRACT.md, by its id (`R-SIS`).
        ///
        /// ```
        /// use mobsync::Rule;
        ///
        /// assert_eq!(Rule::Sis.id(), "R-SIS");
        /// assert_eq!("R-PREP-RET".parse(), Ok(Rule::PrepRet));
        /// assert_eq!(Rule::ALL.len(), 33);
        /// assert_eq!(Rule::ComPanic.id(), "R-COM-PANIC");
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $(
                #[doc = concat!("`", $id, "`: ", $what)]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule in CONTRACT.md's order.
            pub const ALL: [Self; [$(Self::$variant),*].len()] = [$(Self::$variant),*];

            /// The id, as CONTRACT.md writes it.
            #[must_use]
            pub const fn id(self) -> &'static str {
                match self {
                    $(Self::$variant => $id,)*
                }
            }

            /// One line saying what the rule governs.
            #[must_use]
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Self::$variant => $what,)*
                }
            }
        }
    };
}

rules! {
    Atomic => "R-ATOMIC", "a rejected event changes nothing";
    Init => "R-INIT", "Initialize(reserved, flags, cookie) in life Created";
    Info => "R-INFO", "GetHandlerInfo hands out a valid name and flags";
    Enum => "R-ENUM", "EnumSyncMgrItems sets the catalog with valid items";
    Obj => "R-OBJ", "GetItemObject is always answered E_NOTIMPL";
    Cb => "R-CB", "SetProgressCallback binds, rebinds or releases";
    Prep => "R-PREP", "PrepareForSync starts a pass with a valid selection";
    PrepRet => "R-PREP-RET", "the return of PrepareForSync";
    Sync => "R-SYNC", "Synchronize after a successful preparation";
    SyncRet => "R-SYNC-RET", "the return of Synchronize";
    Sis => "R-SIS", "SetItemStatus(SKIPPED) in windows A and B";
    Props => "R-PROPS", "ShowProperties opens the Properties UI";
    PropsRet => "R-PROPS-RET", "the return of ShowProperties";
    Err => "R-ERR", "ShowError opens the Error UI for a logged error";
    ErrRet => "R-ERR-RET", "the return of ShowError";
    PrepDone => "R-PREP-DONE", "PrepareForSyncCompleted, once per pass";
    SyncDone => "R-SYNC-DONE", "SynchronizeCompleted, once per pass";
    PropsDone => "R-PROPS-DONE", "ShowPropertiesCompleted closes the Properties UI";
    ErrDone => "R-ERR-DONE", "ShowErrorCompleted closes the Error UI, maybe asking for a retry";
    Modal => "R-MODAL", "EnableModeless opens and shuts the modal gate";
    Prog => "R-PROG", "Progress reports an item's status and progress";
    Log => "R-LOG", "LogError adds to the error log";
    DelLog => "R-DELLOG", "DeleteLogError removes from the error log";
    Conn => "R-CONN", "EstablishConnection in the reporting window";
    ComHr => "R-COM-HR", "COM boundary: every method returns its HRESULT unchanged";
    ComPtr => "R-COM-PTR", "COM boundary: a NULL pointer where data is read or written is E_INVALIDARG";
    ComOut => "R-COM-OUT", "COM boundary: out-pointers are NULL on failure; handler info from the task allocator";
    ComSize => "R-COM-SIZE", "COM boundary: a struct's cbSize is the header's size for the target";
    ComStr => "R-COM-STR", "COM boundary: names hold a NUL; a callback's string is at most 65,536 UTF-16 units";
    ComEnum => "R-COM-ENUM", "COM boundary: the item enumerator follows COM's IEnum rules";
    ComPanic => "R-COM-PANIC", "COM boundary: a panic is caught at the vtable entry and answered E_FAIL";
    ComThread => "R-COM-THREAD", "COM boundary: calls in on one thread, callbacks from any thread";
    ComRef => "R-COM-REF", "COM boundary: references balanced; the callback dropped when SetProgressCallback(NULL) returns";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.id())
    }
}

impl FromStr for Rule {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|rule| rule.id() == s)
            .ok_or(ParseError::new("a rule id of CONTRACT.md such as R-SIS"))
    }
}

/// What an event is, as CONTRACT §5 sorts them (and as [`crate::rules::fault`] reads it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Role {
    /// A call whose answer the handler chooses and which drives the state (Initialize, and the
    /// entries of PrepareForSync, Synchronize, ShowProperties and ShowError).
    Chosen,
    /// A call whose answer the handler chooses and which carries data it hands out (R-INFO,
    /// R-ENUM).
    HandsOut,
    /// A call whose answer the contract fixes (GetItemObject, SetProgressCallback,
    /// SetItemStatus): the handler's answer is only compared with it.
    Fixed,
    /// The return of one of the four asynchronous calls.
    Return,
    /// A callback the handler makes into the manager.
    Callback,
}

macro_rules! event_kinds {
    ($($variant:ident => $name:literal, $rule:ident, $role:ident, $doc:literal;)*) => {
        /// The kind of an event (CONTRACT §5), named as a trace names it (TRACE.md).
        ///
        /// ```
        /// use mobsync::{EventKind, Rule};
        ///
        /// assert_eq!(EventKind::ReturnPrepareForSync.name(), "return PrepareForSync");
        /// assert_eq!(EventKind::ReturnPrepareForSync.rule(), Rule::PrepRet);
        /// assert_eq!(EventKind::from_name("Progress"), Some(EventKind::Progress));
        /// assert!(EventKind::Progress.is_callback());
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventKind {
            $(
                #[doc = $doc]
                $variant,
            )*
        }

        impl EventKind {
            /// Every event kind: calls, returns, then callbacks.
            pub const ALL: [Self; [$(Self::$variant),*].len()] = [$(Self::$variant),*];

            /// The name a trace gives the event (TRACE.md "Events").
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// The rule that governs the event.
            #[must_use]
            pub const fn rule(self) -> Rule {
                match self {
                    $(Self::$variant => Rule::$rule,)*
                }
            }

            /// The kind a trace names `name` (`"return ShowError"` included), `None` for any other
            /// text.
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(Self::$variant),)*
                    _ => None,
                }
            }

            /// What the event is: a call, a call that hands out data, a return or a callback.
            #[must_use]
            pub const fn role(self) -> Role {
                match self {
                    $(Self::$variant => Role::$role,)*
                }
            }
        }
    };
}

event_kinds! {
    Initialize => "Initialize", Init, Chosen, "`ISyncMgrSynchronize::Initialize`.";
    GetHandlerInfo => "GetHandlerInfo", Info, HandsOut, "`ISyncMgrSynchronize::GetHandlerInfo`.";
    EnumSyncMgrItems => "EnumSyncMgrItems", Enum, HandsOut, "`ISyncMgrSynchronize::EnumSyncMgrItems`.";
    GetItemObject => "GetItemObject", Obj, Fixed, "`ISyncMgrSynchronize::GetItemObject`.";
    SetProgressCallback => "SetProgressCallback", Cb, Fixed, "`ISyncMgrSynchronize::SetProgressCallback`.";
    PrepareForSync => "PrepareForSync", Prep, Chosen, "`ISyncMgrSynchronize::PrepareForSync` entered.";
    Synchronize => "Synchronize", Sync, Chosen, "`ISyncMgrSynchronize::Synchronize` entered.";
    SetItemStatus => "SetItemStatus", Sis, Fixed, "`ISyncMgrSynchronize::SetItemStatus`.";
    ShowProperties => "ShowProperties", Props, Chosen, "`ISyncMgrSynchronize::ShowProperties` entered.";
    ShowError => "ShowError", Err, Chosen, "`ISyncMgrSynchronize::ShowError` entered.";
    ReturnPrepareForSync => "return PrepareForSync", PrepRet, Return, "PrepareForSync returns.";
    ReturnSynchronize => "return Synchronize", SyncRet, Return, "Synchronize returns.";
    ReturnShowProperties => "return ShowProperties", PropsRet, Return, "ShowProperties returns.";
    ReturnShowError => "return ShowError", ErrRet, Return, "ShowError returns.";
    PrepareForSyncCompleted => "PrepareForSyncCompleted", PrepDone, Callback, "`ISyncMgrSynchronizeCallback::PrepareForSyncCompleted`.";
    SynchronizeCompleted => "SynchronizeCompleted", SyncDone, Callback, "`ISyncMgrSynchronizeCallback::SynchronizeCompleted`.";
    ShowPropertiesCompleted => "ShowPropertiesCompleted", PropsDone, Callback, "`ISyncMgrSynchronizeCallback::ShowPropertiesCompleted`.";
    ShowErrorCompleted => "ShowErrorCompleted", ErrDone, Callback, "`ISyncMgrSynchronizeCallback::ShowErrorCompleted`.";
    EnableModeless => "EnableModeless", Modal, Callback, "`ISyncMgrSynchronizeCallback::EnableModeless`.";
    Progress => "Progress", Prog, Callback, "`ISyncMgrSynchronizeCallback::Progress`.";
    LogError => "LogError", Log, Callback, "`ISyncMgrSynchronizeCallback::LogError`.";
    DeleteLogError => "DeleteLogError", DelLog, Callback, "`ISyncMgrSynchronizeCallback::DeleteLogError`.";
    EstablishConnection => "EstablishConnection", Conn, Callback, "`ISyncMgrSynchronizeCallback::EstablishConnection`.";
}

impl EventKind {
    /// A call the manager makes into the handler (entries included, returns excluded).
    #[must_use]
    pub const fn is_call(self) -> bool {
        matches!(self.role(), Role::Chosen | Role::HandsOut | Role::Fixed)
    }

    /// The return of one of the four asynchronous calls.
    #[must_use]
    pub const fn is_return(self) -> bool {
        matches!(self.role(), Role::Return)
    }

    /// A callback the handler makes into the manager.
    #[must_use]
    pub const fn is_callback(self) -> bool {
        matches!(self.role(), Role::Callback)
    }
}

impl FromStr for EventKind {
    type Err = ParseError;

    /// The name a trace gives the event (`"return PrepareForSync"` for a return).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_name(s).ok_or(ParseError::new("an event name such as SetItemStatus"))
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// Which rules the instance enforces (CONTRACT §7).
///
/// The compatible profile's exceptions are rows of the rule tables
/// ([`rules::set_item_status_column`](crate::rules::set_item_status_column),
/// [`rules::null_error_id`](crate::rules::null_error_id)), not branches of the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Profile {
    /// The rules of CONTRACT §5 as Microsoft documents them.
    #[default]
    Documented,
    /// Also what Microsoft's own sample handlers rely on: SetItemStatus(STOPPED) in any phase as
    /// "stop everything", SetItemStatus(SKIPPED) in `Prepared`, and LogError with a GUID_NULL
    /// error id as an entry without an id.
    Compatible,
}

/// The checks of CONTRACT §5, in their order: the first that fails decides an event's error.
///
/// ```
/// use mobsync::{Check, HResult};
///
/// assert_eq!(Check::Window.hresult(), HResult::E_UNEXPECTED);
/// assert!(Check::Window < Check::Argument);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Check {
    /// (1) Life and phase: the event is outside its window (E_UNEXPECTED).
    Window,
    /// (2) Argument values (E_INVALIDARG).
    Argument,
    /// (3) Identity: an unknown item or error id (E_INVALIDARG).
    Identity,
    /// (4) The item status transition (E_ACCESSDENIED).
    Transition,
    /// (5) Capacity limits (E_OUTOFMEMORY).
    Capacity,
    /// Not a failing check but R-OBJ's fixed answer: GetItemObject is never implemented
    /// (E_NOTIMPL).
    NotImplemented,
}

impl Check {
    /// The HRESULT an event refused by this check is answered.
    #[must_use]
    pub const fn hresult(self) -> HResult {
        match self {
            Self::Window => HResult::E_UNEXPECTED,
            Self::Argument | Self::Identity => HResult::E_INVALIDARG,
            Self::Transition => HResult::E_ACCESSDENIED,
            Self::Capacity => HResult::E_OUTOFMEMORY,
            Self::NotImplemented => HResult::E_NOTIMPL,
        }
    }
}

/// Who is at fault when the contract refuses an event (CONTRACT §5, "Who is at fault");
/// [`crate::rules::fault`] decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Fault {
    /// The manager called the handler at the wrong time or with bad arguments: the refusal is
    /// what the handler must answer, and only another answer is the handler's violation.
    Manager,
    /// The handler broke the contract: a refused callback or return, or invalid data it handed
    /// out. A violation.
    Handler,
}
