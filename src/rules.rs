//! The rule ids of CONTRACT §5 and the events they govern.

use core::fmt;
use core::str::FromStr;

use crate::error::ParseError;

macro_rules! rules {
    ($($variant:ident => $id:literal, $what:literal;)*) => {
        /// A rule of CONTRACT.md, by its id (`R-SIS`).
        ///
        /// ```
        /// use mobsync::Rule;
        ///
        /// assert_eq!(Rule::Sis.id(), "R-SIS");
        /// assert_eq!("R-PREP-RET".parse(), Ok(Rule::PrepRet));
        /// assert_eq!(Rule::ALL.len(), 24);
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

macro_rules! event_kinds {
    ($($variant:ident => $name:literal, $rule:ident, $doc:literal;)*) => {
        /// The kind of an event (CONTRACT §5), named as a trace names it (TRACE.md).
        ///
        /// ```
        /// use mobsync::{EventKind, Rule};
        ///
        /// assert_eq!(EventKind::ReturnPrepareForSync.name(), "return PrepareForSync");
        /// assert_eq!(EventKind::ReturnPrepareForSync.rule(), Rule::PrepRet);
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

            /// The name a trace gives the event.
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
        }
    };
}

event_kinds! {
    Initialize => "Initialize", Init, "`ISyncMgrSynchronize::Initialize`.";
    GetHandlerInfo => "GetHandlerInfo", Info, "`ISyncMgrSynchronize::GetHandlerInfo`.";
    EnumSyncMgrItems => "EnumSyncMgrItems", Enum, "`ISyncMgrSynchronize::EnumSyncMgrItems`.";
    GetItemObject => "GetItemObject", Obj, "`ISyncMgrSynchronize::GetItemObject`.";
    SetProgressCallback => "SetProgressCallback", Cb, "`ISyncMgrSynchronize::SetProgressCallback`.";
    PrepareForSync => "PrepareForSync", Prep, "`ISyncMgrSynchronize::PrepareForSync` entered.";
    Synchronize => "Synchronize", Sync, "`ISyncMgrSynchronize::Synchronize` entered.";
    SetItemStatus => "SetItemStatus", Sis, "`ISyncMgrSynchronize::SetItemStatus`.";
    ShowProperties => "ShowProperties", Props, "`ISyncMgrSynchronize::ShowProperties` entered.";
    ShowError => "ShowError", Err, "`ISyncMgrSynchronize::ShowError` entered.";
    ReturnPrepareForSync => "return PrepareForSync", PrepRet, "PrepareForSync returns.";
    ReturnSynchronize => "return Synchronize", SyncRet, "Synchronize returns.";
    ReturnShowProperties => "return ShowProperties", PropsRet, "ShowProperties returns.";
    ReturnShowError => "return ShowError", ErrRet, "ShowError returns.";
    PrepareForSyncCompleted => "PrepareForSyncCompleted", PrepDone, "`ISyncMgrSynchronizeCallback::PrepareForSyncCompleted`.";
    SynchronizeCompleted => "SynchronizeCompleted", SyncDone, "`ISyncMgrSynchronizeCallback::SynchronizeCompleted`.";
    ShowPropertiesCompleted => "ShowPropertiesCompleted", PropsDone, "`ISyncMgrSynchronizeCallback::ShowPropertiesCompleted`.";
    ShowErrorCompleted => "ShowErrorCompleted", ErrDone, "`ISyncMgrSynchronizeCallback::ShowErrorCompleted`.";
    EnableModeless => "EnableModeless", Modal, "`ISyncMgrSynchronizeCallback::EnableModeless`.";
    Progress => "Progress", Prog, "`ISyncMgrSynchronizeCallback::Progress`.";
    LogError => "LogError", Log, "`ISyncMgrSynchronizeCallback::LogError`.";
    DeleteLogError => "DeleteLogError", DelLog, "`ISyncMgrSynchronizeCallback::DeleteLogError`.";
    EstablishConnection => "EstablishConnection", Conn, "`ISyncMgrSynchronizeCallback::EstablishConnection`.";
}

impl EventKind {
    /// A call the manager makes into the handler (entries included, returns excluded).
    #[must_use]
    pub const fn is_call(self) -> bool {
        (self as u8) < (Self::ReturnPrepareForSync as u8)
    }

    /// The return of one of the four asynchronous calls.
    #[must_use]
    pub const fn is_return(self) -> bool {
        matches!(
            self,
            Self::ReturnPrepareForSync
                | Self::ReturnSynchronize
                | Self::ReturnShowProperties
                | Self::ReturnShowError
        )
    }

    /// A callback the handler makes into the manager.
    #[must_use]
    pub const fn is_callback(self) -> bool {
        (self as u8) >= (Self::PrepareForSyncCompleted as u8)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}
