//! The rules as data: the rule ids of CONTRACT.md, the events they govern, and the tables the
//! engine reads — the pass table, the UI table, the modal gate table and the item status graph.
//! Each table is one exhaustive `match`; the renderings below are generated from them
//! ([`render_markdown`]), and a test fails when this committed copy drifts from the data.
//!
#![doc = include_str!("../docs/rules.md")]

use core::fmt;
use core::str::FromStr;

use crate::error::ParseError;
use crate::state::{Gate, Phase, PhaseKind, UiPhase};
use crate::status::SyncMgrStatus;

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

/// Where a table sends a region on an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Target<S> {
    /// The event is refused (E_UNEXPECTED).
    Reject,
    /// The event is allowed and leaves the region as it is.
    Stay,
    /// The event is allowed and moves the region to this state.
    Go(S),
}

/// A table cell that depends on the event's HRESULT: `on_ok` when it is exactly `S_OK` (or the
/// event carries none), `otherwise` for any other code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Cell<S> {
    /// Where the event goes when its HRESULT is exactly S_OK, or it carries none.
    pub on_ok: Target<S>,
    /// Where it goes for any other HRESULT.
    pub otherwise: Target<S>,
}

impl<S: Copy> Cell<S> {
    const fn both(target: Target<S>) -> Self {
        Self {
            on_ok: target,
            otherwise: target,
        }
    }

    const fn split(on_ok: Target<S>, otherwise: Target<S>) -> Self {
        Self { on_ok, otherwise }
    }

    /// The target for an event answered `hr`.
    #[must_use]
    pub fn pick(self, hr: crate::HResult) -> Target<S> {
        if hr == crate::HResult::S_OK {
            self.on_ok
        } else {
            self.otherwise
        }
    }
}

/// A row of the pass table: a [`PhaseKind`], with `PreparingDone` split by its HRESULT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PassRow {
    /// [`Phase::Idle`].
    Idle,
    /// [`Phase::Preparing`].
    Preparing,
    /// [`Phase::PreparingDone`] with S_OK.
    PreparingDoneOk,
    /// [`Phase::PreparingDone`] with anything else.
    PreparingDoneFailed,
    /// [`Phase::AwaitPrepareCompletion`] (window A).
    AwaitPrepareCompletion,
    /// [`Phase::Prepared`].
    Prepared,
    /// [`Phase::Synchronizing`].
    Synchronizing,
    /// [`Phase::SynchronizingDone`].
    SynchronizingDone,
    /// [`Phase::AwaitSyncCompletion`] (window B).
    AwaitSyncCompletion,
    /// [`Phase::Finished`].
    Finished,
    /// [`Phase::Abandoned`].
    Abandoned,
}

impl PassRow {
    /// Every row, in pipeline order.
    pub const ALL: [Self; 11] = [
        Self::Idle,
        Self::Preparing,
        Self::PreparingDoneOk,
        Self::PreparingDoneFailed,
        Self::AwaitPrepareCompletion,
        Self::Prepared,
        Self::Synchronizing,
        Self::SynchronizingDone,
        Self::AwaitSyncCompletion,
        Self::Finished,
        Self::Abandoned,
    ];

    /// The row of a phase.
    #[must_use]
    pub fn of(phase: Phase) -> Self {
        match phase {
            Phase::Idle => Self::Idle,
            Phase::Preparing => Self::Preparing,
            Phase::PreparingDone(hr) if hr == crate::HResult::S_OK => Self::PreparingDoneOk,
            Phase::PreparingDone(_) => Self::PreparingDoneFailed,
            Phase::AwaitPrepareCompletion => Self::AwaitPrepareCompletion,
            Phase::Prepared => Self::Prepared,
            Phase::Synchronizing => Self::Synchronizing,
            Phase::SynchronizingDone(_) => Self::SynchronizingDone,
            Phase::AwaitSyncCompletion => Self::AwaitSyncCompletion,
            Phase::Finished(_) => Self::Finished,
            Phase::Abandoned => Self::Abandoned,
        }
    }

    const fn label(self) -> &'static str {
        match self {
            Self::Idle => "Idle",
            Self::Preparing => "Preparing",
            Self::PreparingDoneOk => "PreparingDone(S_OK)",
            Self::PreparingDoneFailed => "PreparingDone(≠S_OK)",
            Self::AwaitPrepareCompletion => "AwaitPrepareCompletion (A)",
            Self::Prepared => "Prepared",
            Self::Synchronizing => "Synchronizing",
            Self::SynchronizingDone => "SynchronizingDone",
            Self::AwaitSyncCompletion => "AwaitSyncCompletion (B)",
            Self::Finished => "Finished",
            Self::Abandoned => "Abandoned",
        }
    }
}

/// A column of the pass table: the events the pass phase decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PassEvent {
    /// PrepareForSync entered (R-PREP).
    PrepareForSync,
    /// PrepareForSync returns (R-PREP-RET).
    ReturnPrepareForSync,
    /// PrepareForSyncCompleted (R-PREP-DONE).
    PrepareForSyncCompleted,
    /// Synchronize entered (R-SYNC).
    Synchronize,
    /// Synchronize returns (R-SYNC-RET).
    ReturnSynchronize,
    /// SynchronizeCompleted (R-SYNC-DONE).
    SynchronizeCompleted,
    /// SetItemStatus, documented profile (R-SIS): windows A and B.
    SetItemStatus,
    /// SetItemStatus(SKIPPED) in the compatible profile (CONTRACT §7): also `Prepared`.
    SetItemStatusSkippedCompatible,
    /// Progress (R-PROG): the reporting window.
    Progress,
    /// EstablishConnection (R-CONN): the reporting window.
    EstablishConnection,
    /// EnableModeless(TRUE) (R-MODAL): the reporting window, or a Properties/Error UI not Closed.
    EnableModelessTrue,
    /// SetProgressCallback(NULL) (R-CB): no pass in progress.
    ReleaseCallback,
}

impl PassEvent {
    /// Every column, in table order.
    pub const ALL: [Self; 12] = [
        Self::PrepareForSync,
        Self::ReturnPrepareForSync,
        Self::PrepareForSyncCompleted,
        Self::Synchronize,
        Self::ReturnSynchronize,
        Self::SynchronizeCompleted,
        Self::SetItemStatus,
        Self::SetItemStatusSkippedCompatible,
        Self::Progress,
        Self::EstablishConnection,
        Self::EnableModelessTrue,
        Self::ReleaseCallback,
    ];

    const fn label(self) -> &'static str {
        match self {
            Self::PrepareForSync => "PrepareForSync",
            Self::ReturnPrepareForSync => "return PrepareForSync",
            Self::PrepareForSyncCompleted => "PrepareForSyncCompleted",
            Self::Synchronize => "Synchronize",
            Self::ReturnSynchronize => "return Synchronize",
            Self::SynchronizeCompleted => "SynchronizeCompleted",
            Self::SetItemStatus => "SetItemStatus",
            Self::SetItemStatusSkippedCompatible => "SetItemStatus SKIPPED (compatible)",
            Self::Progress => "Progress",
            Self::EstablishConnection => "EstablishConnection",
            Self::EnableModelessTrue => "EnableModeless TRUE",
            Self::ReleaseCallback => "SetProgressCallback NULL",
        }
    }
}

/// The pass table (CONTRACT §4, §5): what each phase does with each pass event.
///
/// A `Go` into `PreparingDone`, `SynchronizingDone` or `Finished` carries the HRESULT of the
/// early completion when the phase has one, else the event's.
///
/// ```
/// use mobsync::rules::{pass_cell, PassEvent, PassRow, Target};
/// use mobsync::{HResult, PhaseKind};
///
/// let cell = pass_cell(PassRow::Preparing, PassEvent::ReturnPrepareForSync);
/// assert_eq!(cell.pick(HResult::S_OK), Target::Go(PhaseKind::AwaitPrepareCompletion));
/// assert_eq!(cell.pick(HResult::S_FALSE), Target::Go(PhaseKind::Abandoned));
/// ```
#[must_use]
pub const fn pass_cell(row: PassRow, event: PassEvent) -> Cell<PhaseKind> {
    use PassEvent as E;
    use PhaseKind as K;
    use Target::{Go, Reject, Stay};
    let reject = Cell::both(Reject);
    let stay = Cell::both(Stay);
    match row {
        PassRow::Idle | PassRow::Finished => match event {
            E::PrepareForSync => Cell::both(Go(K::Preparing)),
            E::ReleaseCallback => stay,
            E::ReturnPrepareForSync
            | E::PrepareForSyncCompleted
            | E::Synchronize
            | E::ReturnSynchronize
            | E::SynchronizeCompleted
            | E::SetItemStatus
            | E::SetItemStatusSkippedCompatible
            | E::Progress
            | E::EstablishConnection
            | E::EnableModelessTrue => reject,
        },
        PassRow::Preparing => match event {
            E::ReturnPrepareForSync => Cell::split(Go(K::AwaitPrepareCompletion), Go(K::Abandoned)),
            E::PrepareForSyncCompleted => Cell::both(Go(K::PreparingDone)),
            E::Progress | E::EstablishConnection | E::EnableModelessTrue => stay,
            E::PrepareForSync
            | E::Synchronize
            | E::ReturnSynchronize
            | E::SynchronizeCompleted
            | E::SetItemStatus
            | E::SetItemStatusSkippedCompatible
            | E::ReleaseCallback => reject,
        },
        PassRow::PreparingDoneOk => match event {
            E::ReturnPrepareForSync => Cell::split(Go(K::Prepared), Reject),
            E::Progress | E::EstablishConnection | E::EnableModelessTrue => stay,
            E::PrepareForSync
            | E::PrepareForSyncCompleted
            | E::Synchronize
            | E::ReturnSynchronize
            | E::SynchronizeCompleted
            | E::SetItemStatus
            | E::SetItemStatusSkippedCompatible
            | E::ReleaseCallback => reject,
        },
        PassRow::PreparingDoneFailed => match event {
            E::ReturnPrepareForSync => Cell::split(Go(K::Abandoned), Reject),
            E::Progress | E::EstablishConnection | E::EnableModelessTrue => stay,
            E::PrepareForSync
            | E::PrepareForSyncCompleted
            | E::Synchronize
            | E::ReturnSynchronize
            | E::SynchronizeCompleted
            | E::SetItemStatus
            | E::SetItemStatusSkippedCompatible
            | E::ReleaseCallback => reject,
        },
        PassRow::AwaitPrepareCompletion => match event {
            E::PrepareForSyncCompleted => Cell::split(Go(K::Prepared), Go(K::Abandoned)),
            E::SetItemStatus
            | E::SetItemStatusSkippedCompatible
            | E::Progress
            | E::EstablishConnection
            | E::EnableModelessTrue => stay,
            E::PrepareForSync
            | E::ReturnPrepareForSync
            | E::Synchronize
            | E::ReturnSynchronize
            | E::SynchronizeCompleted
            | E::ReleaseCallback => reject,
        },
        PassRow::Prepared => match event {
            E::Synchronize => Cell::both(Go(K::Synchronizing)),
            E::SetItemStatusSkippedCompatible
            | E::Progress
            | E::EstablishConnection
            | E::EnableModelessTrue => stay,
            E::PrepareForSync
            | E::ReturnPrepareForSync
            | E::PrepareForSyncCompleted
            | E::ReturnSynchronize
            | E::SynchronizeCompleted
            | E::SetItemStatus
            | E::ReleaseCallback => reject,
        },
        PassRow::Synchronizing => match event {
            E::ReturnSynchronize => Cell::split(Go(K::AwaitSyncCompletion), Go(K::Finished)),
            E::SynchronizeCompleted => Cell::both(Go(K::SynchronizingDone)),
            E::Progress | E::EstablishConnection | E::EnableModelessTrue => stay,
            E::PrepareForSync
            | E::ReturnPrepareForSync
            | E::PrepareForSyncCompleted
            | E::Synchronize
            | E::SetItemStatus
            | E::SetItemStatusSkippedCompatible
            | E::ReleaseCallback => reject,
        },
        PassRow::SynchronizingDone => match event {
            E::ReturnSynchronize => Cell::split(Go(K::Finished), Reject),
            E::PrepareForSync
            | E::ReturnPrepareForSync
            | E::PrepareForSyncCompleted
            | E::Synchronize
            | E::SynchronizeCompleted
            | E::SetItemStatus
            | E::SetItemStatusSkippedCompatible
            | E::Progress
            | E::EstablishConnection
            | E::EnableModelessTrue
            | E::ReleaseCallback => reject,
        },
        PassRow::AwaitSyncCompletion => match event {
            E::SynchronizeCompleted => Cell::both(Go(K::Finished)),
            E::SetItemStatus
            | E::SetItemStatusSkippedCompatible
            | E::Progress
            | E::EstablishConnection
            | E::EnableModelessTrue => stay,
            E::PrepareForSync
            | E::ReturnPrepareForSync
            | E::PrepareForSyncCompleted
            | E::Synchronize
            | E::ReturnSynchronize
            | E::ReleaseCallback => reject,
        },
        PassRow::Abandoned => match event {
            E::ReleaseCallback => stay,
            E::PrepareForSync
            | E::ReturnPrepareForSync
            | E::PrepareForSyncCompleted
            | E::Synchronize
            | E::ReturnSynchronize
            | E::SynchronizeCompleted
            | E::SetItemStatus
            | E::SetItemStatusSkippedCompatible
            | E::Progress
            | E::EstablishConnection
            | E::EnableModelessTrue => reject,
        },
    }
}

/// An event of the Properties UI or the Error UI (R-PROPS, R-ERR and their returns and
/// completions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum UiEvent {
    /// ShowProperties / ShowError entered.
    Enter,
    /// The call returns a success code.
    ReturnSuccess,
    /// The call returns a failure code.
    ReturnFailure,
    /// ShowPropertiesCompleted / ShowErrorCompleted.
    Completed,
}

impl UiEvent {
    /// Every column, in table order.
    pub const ALL: [Self; 4] = [
        Self::Enter,
        Self::ReturnSuccess,
        Self::ReturnFailure,
        Self::Completed,
    ];

    const fn label(self) -> &'static str {
        match self {
            Self::Enter => "Show… entered",
            Self::ReturnSuccess => "returns a success",
            Self::ReturnFailure => "returns a failure",
            Self::Completed => "…Completed",
        }
    }
}

/// The UI table, shared by the Properties UI and the Error UI (CONTRACT §4, R-PROPS-RET).
///
/// ```
/// use mobsync::rules::{ui_target, Target, UiEvent};
/// use mobsync::UiPhase;
///
/// // A completion before the return, then a failing return, is a violation.
/// assert_eq!(ui_target(UiPhase::Open, UiEvent::Completed), Target::Go(UiPhase::Completed));
/// assert_eq!(ui_target(UiPhase::Completed, UiEvent::ReturnFailure), Target::Reject);
/// ```
#[must_use]
pub const fn ui_target(state: UiPhase, event: UiEvent) -> Target<UiPhase> {
    use Target::{Go, Reject};
    use UiEvent as E;
    match state {
        UiPhase::Closed => match event {
            E::Enter => Go(UiPhase::Open),
            E::ReturnSuccess | E::ReturnFailure | E::Completed => Reject,
        },
        UiPhase::Open => match event {
            E::ReturnSuccess => Go(UiPhase::Returned),
            E::ReturnFailure => Go(UiPhase::Closed),
            E::Completed => Go(UiPhase::Completed),
            E::Enter => Reject,
        },
        UiPhase::Completed => match event {
            E::ReturnSuccess => Go(UiPhase::Closed),
            E::Enter | E::ReturnFailure | E::Completed => Reject,
        },
        UiPhase::Returned => match event {
            E::Completed => Go(UiPhase::Closed),
            E::Enter | E::ReturnSuccess | E::ReturnFailure => Reject,
        },
    }
}

/// The modal gate table (R-MODAL); `on_ok` is the manager's answer S_OK. EnableModeless(TRUE)
/// also needs the reporting window or a UI that is not Closed (the pass table's
/// [`PassEvent::EnableModelessTrue`] column).
///
/// ```
/// use mobsync::rules::{gate_cell, Target};
/// use mobsync::{Gate, HResult};
///
/// assert_eq!(gate_cell(Gate::Shut, true).pick(HResult::S_OK), Target::Go(Gate::Open));
/// assert_eq!(gate_cell(Gate::Shut, true).pick(HResult::S_FALSE), Target::Stay);
/// assert_eq!(gate_cell(Gate::Shut, false).pick(HResult::S_OK), Target::Reject);
/// ```
#[must_use]
pub const fn gate_cell(gate: Gate, enable: bool) -> Cell<Gate> {
    use Target::{Go, Reject, Stay};
    match (gate, enable) {
        (Gate::Shut, true) => Cell::split(Go(Gate::Open), Stay),
        (Gate::Shut, false) | (Gate::Open, true) => Cell::both(Reject),
        (Gate::Open, false) => Cell::both(Go(Gate::Shut)),
    }
}

/// A set of statuses (a bit per [`SyncMgrStatus::ALL`] entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StatusSet(u16);

impl StatusSet {
    const fn bit(status: SyncMgrStatus) -> u16 {
        1 << status.ordinal()
    }

    /// [`status_successors`] of every status, by [`SyncMgrStatus::ordinal`], padded to 16 so a
    /// 4-bit ordinal always indexes it (the engine's hot path).
    #[allow(
        clippy::indexing_slicing,
        reason = "evaluated at compile time: an index out of range fails the build"
    )]
    pub(crate) const SUCCESSORS: [Self; 16] = {
        let mut table = [Self::EMPTY; 16];
        let mut i = 0;
        while i < SyncMgrStatus::ALL.len() {
            let status = SyncMgrStatus::ALL[i];
            table[status.ordinal() as usize] = status_successors(status);
            i += 1;
        }
        table
    };

    /// The empty set.
    pub const EMPTY: Self = Self(0);
    /// The five final statuses.
    pub const FINAL: Self = Self::EMPTY
        .with(SyncMgrStatus::Succeeded)
        .with(SyncMgrStatus::Failed)
        .with(SyncMgrStatus::Skipped)
        .with(SyncMgrStatus::Stopped)
        .with(SyncMgrStatus::Deleted);

    /// This set and `status`.
    #[must_use]
    pub const fn with(self, status: SyncMgrStatus) -> Self {
        Self(self.0 | Self::bit(status))
    }

    /// The set as bits by [`SyncMgrStatus::ordinal`].
    pub(crate) const fn bits(self) -> u16 {
        self.0
    }

    /// The union.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether `status` is in the set.
    #[must_use]
    pub const fn contains(self, status: SyncMgrStatus) -> bool {
        self.0 & Self::bit(status) != 0
    }

    /// The statuses in the set, in value order.
    pub fn iter(self) -> impl Iterator<Item = SyncMgrStatus> {
        SyncMgrStatus::ALL
            .into_iter()
            .filter(move |&s| self.contains(s))
    }
}

/// The item status graph (CONTRACT §6): the statuses `from` may move to. Reporting the current
/// status again is always allowed.
///
/// ```
/// use mobsync::rules::status_successors;
/// use mobsync::SyncMgrStatus::*;
///
/// assert!(status_successors(Pending).contains(Updating));
/// assert!(status_successors(Succeeded).contains(Failed)); // a late failure
/// assert!(!status_successors(Succeeded).contains(Skipped));
/// assert!(!status_successors(Updating).contains(Pending));
/// ```
#[must_use]
pub const fn status_successors(from: SyncMgrStatus) -> StatusSet {
    use SyncMgrStatus as S;
    let same = StatusSet::EMPTY.with(from);
    let next = match from {
        S::Pending => StatusSet::FINAL
            .with(S::Updating)
            .with(S::UpdatingIndeterminate),
        S::Updating | S::UpdatingIndeterminate => StatusSet::FINAL
            .with(S::Updating)
            .with(S::UpdatingIndeterminate)
            .with(S::Paused),
        S::Paused => StatusSet::FINAL.with(S::Resuming),
        S::Resuming => StatusSet::FINAL
            .with(S::Updating)
            .with(S::UpdatingIndeterminate),
        S::Succeeded | S::Failed | S::Skipped | S::Stopped | S::Deleted => {
            StatusSet::EMPTY.with(S::Failed)
        }
    };
    same.union(next)
}

fn target_text<S: fmt::Debug>(target: Target<S>) -> String {
    match target {
        Target::Reject => "E_UNEXPECTED".to_owned(),
        Target::Stay => "stays".to_owned(),
        Target::Go(state) => format!("→ {state:?}"),
    }
}

fn cell_text<S: fmt::Debug + PartialEq + Copy>(cell: Cell<S>, ok: &str, other: &str) -> String {
    if cell.on_ok == cell.otherwise {
        target_text(cell.on_ok)
    } else {
        format!(
            "{ok}: {}; {other}: {}",
            target_text(cell.on_ok),
            target_text(cell.otherwise)
        )
    }
}

/// The tables of this module as Markdown: the pass table, the UI table, the modal gate table,
/// the pass region as a Mermaid diagram ([`render_mermaid`]) and the status graph. The crate's documentation of this module shows this rendering.
///
/// ```
/// let md = mobsync::rules::render_markdown();
/// assert!(md.contains("| Prepared |"));
/// ```
#[must_use]
pub fn render_markdown() -> String {
    let mut out = String::new();
    out.push_str("## The pass table\n\n");
    out.push_str(
        "Rows are pass phases, columns the events the phase decides. `S_OK:`/`else:` split a \
         cell by the event's HRESULT (exactly S_OK or anything else). A move into \
         PreparingDone, SynchronizingDone or Finished carries the early completion's HRESULT \
         when the phase has one, else the event's. EnableModeless TRUE is also allowed while a \
         Properties or Error UI is not Closed.\n\n",
    );
    out.push_str("| phase |");
    for event in PassEvent::ALL {
        out.push_str(&format!(" {} |", event.label()));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(PassEvent::ALL.len()));
    out.push('\n');
    for row in PassRow::ALL {
        out.push_str(&format!("| {} |", row.label()));
        for event in PassEvent::ALL {
            out.push_str(&format!(
                " {} |",
                cell_text(pass_cell(row, event), "S_OK", "else")
            ));
        }
        out.push('\n');
    }
    out.push_str("\n## The Properties UI and Error UI table\n\n");
    out.push_str("| UI |");
    for event in UiEvent::ALL {
        out.push_str(&format!(" {} |", event.label()));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(UiEvent::ALL.len()));
    out.push('\n');
    for state in [
        UiPhase::Closed,
        UiPhase::Open,
        UiPhase::Completed,
        UiPhase::Returned,
    ] {
        out.push_str(&format!("| {state:?} |"));
        for event in UiEvent::ALL {
            out.push_str(&format!(" {} |", target_text(ui_target(state, event))));
        }
        out.push('\n');
    }
    out.push_str("\n## The modal gate table\n\n");
    out.push_str("`S_OK:`/`else:` split a cell by the manager's answer.\n\n");
    out.push_str("| gate | EnableModeless TRUE | EnableModeless FALSE |\n|---|---|---|\n");
    for gate in [Gate::Shut, Gate::Open] {
        out.push_str(&format!(
            "| {gate:?} | {} | {} |\n",
            cell_text(gate_cell(gate, true), "S_OK", "else"),
            cell_text(gate_cell(gate, false), "S_OK", "else")
        ));
    }
    out.push_str("\n## The pass region as a state diagram\n\n```mermaid\n");
    out.push_str(&render_mermaid());
    out.push_str("```\n");
    out.push_str("\n## The item status graph\n\n");
    out.push_str("Any other move is refused with E_ACCESSDENIED.\n\n");
    out.push_str("| from | may move to |\n|---|---|\n");
    for from in SyncMgrStatus::ALL {
        let to: Vec<&str> = status_successors(from)
            .iter()
            .map(SyncMgrStatus::short_name)
            .collect();
        out.push_str(&format!("| {} | {} |\n", from.short_name(), to.join(", ")));
    }
    out
}

impl PassRow {
    /// The row a move into `kind` lands in, for an event whose HRESULT is S_OK (`ok`) or not
    /// (the carried HRESULT decides between the two PreparingDone rows).
    const fn landing(kind: PhaseKind, ok: bool) -> Self {
        match kind {
            PhaseKind::Idle => Self::Idle,
            PhaseKind::Preparing => Self::Preparing,
            PhaseKind::PreparingDone if ok => Self::PreparingDoneOk,
            PhaseKind::PreparingDone => Self::PreparingDoneFailed,
            PhaseKind::AwaitPrepareCompletion => Self::AwaitPrepareCompletion,
            PhaseKind::Prepared => Self::Prepared,
            PhaseKind::Synchronizing => Self::Synchronizing,
            PhaseKind::SynchronizingDone => Self::SynchronizingDone,
            PhaseKind::AwaitSyncCompletion => Self::AwaitSyncCompletion,
            PhaseKind::Finished => Self::Finished,
            PhaseKind::Abandoned => Self::Abandoned,
        }
    }

    const fn mermaid_id(self) -> &'static str {
        match self {
            Self::PreparingDoneOk => "PreparingDoneOk",
            Self::PreparingDoneFailed => "PreparingDoneFailed",
            Self::AwaitPrepareCompletion => "AwaitPrepareCompletion",
            Self::AwaitSyncCompletion => "AwaitSyncCompletion",
            other => other.label(),
        }
    }
}

/// The pass region as a Mermaid state diagram, generated from [`pass_cell`]: one edge per move,
/// labelled with the event and, where the cell splits, its HRESULT.
///
/// ```
/// let diagram = mobsync::rules::render_mermaid();
/// assert!(diagram.starts_with("stateDiagram-v2"));
/// assert!(diagram.contains("Prepared --> Synchronizing: Synchronize"));
/// ```
#[must_use]
pub fn render_mermaid() -> String {
    let mut out = String::from("stateDiagram-v2\n");
    for row in PassRow::ALL {
        if row.mermaid_id() != row.label() {
            out.push_str(&format!(
                "    state \"{}\" as {}\n",
                row.label(),
                row.mermaid_id()
            ));
        }
    }
    out.push_str("    [*] --> Idle\n");
    for row in PassRow::ALL {
        for event in PassEvent::ALL {
            let cell = pass_cell(row, event);
            let split = cell.on_ok != cell.otherwise;
            for (target, ok, suffix) in [
                (cell.on_ok, true, " S_OK"),
                (cell.otherwise, false, " ≠S_OK"),
            ] {
                if let Target::Go(kind) = target {
                    // A cell that does not split is one edge, unless its target splits by the
                    // carried HRESULT (a move into PreparingDone).
                    if !split && !ok && kind != PhaseKind::PreparingDone {
                        continue;
                    }
                    let splits_here = split || kind == PhaseKind::PreparingDone;
                    let label =
                        format!("{}{}", event.label(), if splits_here { suffix } else { "" });
                    let to = PassRow::landing(kind, ok);
                    out.push_str(&format!(
                        "    {} --> {}: {label}\n",
                        row.mermaid_id(),
                        to.mermaid_id()
                    ));
                }
            }
        }
    }
    out.push_str("    Finished --> [*]\n    Abandoned --> [*]\n");
    out
}
