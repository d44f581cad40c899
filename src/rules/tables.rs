//! The tables themselves: the pass table, the UI table, the modal gate table, the compatible
//! profile's rows, and who is at fault for a refusal.

use crate::hresult::HResult;
use crate::rule::{Check, EventKind, Fault, Profile, Role};
use crate::state::{Gate, PassRow, PhaseKind, UiPhase};
use crate::status::SyncMgrStatus;

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
    pub fn pick(self, hr: HResult) -> Target<S> {
        if hr == HResult::S_OK {
            self.on_ok
        } else {
            self.otherwise
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
    /// SetItemStatus(STOPPED) in the compatible profile (CONTRACT §7): "stop everything", in any
    /// phase (with a callback bound).
    SetItemStatusStoppedCompatible,
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
    pub const ALL: [Self; 13] = [
        Self::PrepareForSync,
        Self::ReturnPrepareForSync,
        Self::PrepareForSyncCompleted,
        Self::Synchronize,
        Self::ReturnSynchronize,
        Self::SynchronizeCompleted,
        Self::SetItemStatus,
        Self::SetItemStatusSkippedCompatible,
        Self::SetItemStatusStoppedCompatible,
        Self::Progress,
        Self::EstablishConnection,
        Self::EnableModelessTrue,
        Self::ReleaseCallback,
    ];

    /// The event this column decides.
    ///
    /// ```
    /// use mobsync::rules::PassEvent;
    /// use mobsync::EventKind;
    ///
    /// assert_eq!(PassEvent::ReleaseCallback.event(), EventKind::SetProgressCallback);
    /// ```
    #[must_use]
    pub const fn event(self) -> EventKind {
        match self {
            Self::PrepareForSync => EventKind::PrepareForSync,
            Self::ReturnPrepareForSync => EventKind::ReturnPrepareForSync,
            Self::PrepareForSyncCompleted => EventKind::PrepareForSyncCompleted,
            Self::Synchronize => EventKind::Synchronize,
            Self::ReturnSynchronize => EventKind::ReturnSynchronize,
            Self::SynchronizeCompleted => EventKind::SynchronizeCompleted,
            Self::SetItemStatus
            | Self::SetItemStatusSkippedCompatible
            | Self::SetItemStatusStoppedCompatible => EventKind::SetItemStatus,
            Self::Progress => EventKind::Progress,
            Self::EstablishConnection => EventKind::EstablishConnection,
            Self::EnableModelessTrue => EventKind::EnableModeless,
            Self::ReleaseCallback => EventKind::SetProgressCallback,
        }
    }

    /// What narrows the column to part of its event's calls (`"NULL"` for the release), or
    /// nothing when it decides all of them.
    pub(super) const fn qualifier(self) -> &'static str {
        match self {
            Self::SetItemStatusSkippedCompatible => " SKIPPED (compatible)",
            Self::SetItemStatusStoppedCompatible => " STOPPED (compatible)",
            Self::EnableModelessTrue => " TRUE",
            Self::ReleaseCallback => " NULL",
            _ => "",
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
    // The compatible profile's SetItemStatus(STOPPED) stays in every row (CONTRACT §7).
    match row {
        PassRow::Idle | PassRow::Finished => match event {
            E::SetItemStatusStoppedCompatible => stay,
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
            E::SetItemStatusStoppedCompatible => stay,
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
            E::SetItemStatusStoppedCompatible => stay,
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
            E::SetItemStatusStoppedCompatible => stay,
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
            E::SetItemStatusStoppedCompatible => stay,
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
            E::SetItemStatusStoppedCompatible => stay,
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
            E::SetItemStatusStoppedCompatible => stay,
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
            E::SetItemStatusStoppedCompatible => stay,
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
            E::SetItemStatusStoppedCompatible => stay,
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
            E::SetItemStatusStoppedCompatible => stay,
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

    pub(super) const fn label(self) -> &'static str {
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

/// The pass-table column that decides SetItemStatus(`status`) under `profile` (R-SIS, and the
/// compatible profile's rows of CONTRACT §7).
///
/// | profile | status | column |
/// |---|---|---|
/// | documented | any | [`PassEvent::SetItemStatus`]: windows A and B |
/// | compatible | SKIPPED | [`PassEvent::SetItemStatusSkippedCompatible`]: also `Prepared` |
/// | compatible | STOPPED | [`PassEvent::SetItemStatusStoppedCompatible`]: any phase, "stop everything" |
/// | compatible | any other | [`PassEvent::SetItemStatus`] |
///
/// ```
/// use mobsync::rules::{set_item_status_column, PassEvent};
/// use mobsync::{Profile, SyncMgrStatus};
///
/// let stopped = SyncMgrStatus::Stopped as u32;
/// assert_eq!(set_item_status_column(Profile::Documented, stopped), PassEvent::SetItemStatus);
/// assert_eq!(set_item_status_column(Profile::Compatible, stopped), PassEvent::SetItemStatusStoppedCompatible);
/// ```
#[must_use]
pub const fn set_item_status_column(profile: Profile, status: u32) -> PassEvent {
    const SKIPPED: u32 = SyncMgrStatus::Skipped as u32;
    const STOPPED: u32 = SyncMgrStatus::Stopped as u32;
    match (profile, status) {
        (Profile::Compatible, SKIPPED) => PassEvent::SetItemStatusSkippedCompatible,
        (Profile::Compatible, STOPPED) => PassEvent::SetItemStatusStoppedCompatible,
        (Profile::Documented | Profile::Compatible, _) => PassEvent::SetItemStatus,
    }
}

/// What LogError with the ERRORID bit and GUID_NULL as its id means (R-LOG, CONTRACT §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum NullErrorId {
    /// Refused with E_INVALIDARG: an error id is required (documented profile).
    Refused,
    /// An entry without an id (compatible profile: Microsoft's SyncDir sample logs so).
    Anonymous,
}

/// How `profile` takes LogError's GUID_NULL error id (R-LOG, CONTRACT §7).
///
/// ```
/// use mobsync::rules::{null_error_id, NullErrorId};
/// use mobsync::Profile;
///
/// assert_eq!(null_error_id(Profile::Documented), NullErrorId::Refused);
/// assert_eq!(null_error_id(Profile::Compatible), NullErrorId::Anonymous);
/// ```
#[must_use]
pub const fn null_error_id(profile: Profile) -> NullErrorId {
    match profile {
        Profile::Documented => NullErrorId::Refused,
        Profile::Compatible => NullErrorId::Anonymous,
    }
}

/// Who is at fault when the contract refuses an event of `kind` at `check` (CONTRACT §5, "Who is
/// at fault"): the one function the trace checker, the simulator and the COM layer ask.
///
/// | event | refused at | fault |
/// |---|---|---|
/// | a callback or a return | any check | the handler |
/// | a call that hands out data (GetHandlerInfo, EnumSyncMgrItems) | the window | the manager (it called at the wrong time) |
/// | a call that hands out data | any other check | the handler (invalid data, R-INFO, R-ENUM) |
/// | any other call | any check | the manager (the handler must answer the error) |
///
/// ```
/// use mobsync::rules::fault;
/// use mobsync::{Check, EventKind, Fault};
///
/// assert_eq!(fault(EventKind::Progress, Check::Window), Fault::Handler);
/// assert_eq!(fault(EventKind::SetItemStatus, Check::Window), Fault::Manager);
/// assert_eq!(fault(EventKind::EnumSyncMgrItems, Check::Window), Fault::Manager);
/// assert_eq!(fault(EventKind::EnumSyncMgrItems, Check::Argument), Fault::Handler);
/// ```
#[must_use]
pub const fn fault(kind: EventKind, check: Check) -> Fault {
    match (kind.role(), check) {
        (Role::Callback | Role::Return, _) => Fault::Handler,
        (Role::HandsOut, Check::Window) | (Role::Chosen | Role::Fixed, _) => Fault::Manager,
        (Role::HandsOut, _) => Fault::Handler,
    }
}

/// Whether an event is a violation (TRACE.md "Verdicts"), given the check that refused it
/// (`None`: accepted) and the answer the handler recorded for a call (`None`: none recorded).
///
/// - Refused at a check the handler is at fault for ([`fault`]): a violation.
/// - Refused at a check the manager is at fault for: a violation when the handler answered
///   something else than the refusal's HRESULT.
/// - Accepted, with an answer the contract fixes ([`Role::Fixed`]): a violation when the handler
///   answered something else than S_OK.
///
/// The trace checker and the simulator decide every violation with this one function.
///
/// ```
/// use mobsync::rules::is_violation;
/// use mobsync::{Check, EventKind, HResult};
///
/// // SetItemStatus out of its window, answered S_OK by the handler.
/// assert!(is_violation(EventKind::SetItemStatus, Some(Check::Window), Some(HResult::S_OK)));
/// // ... answered E_UNEXPECTED, or with no recorded answer: the handler did right.
/// assert!(!is_violation(EventKind::SetItemStatus, Some(Check::Window), Some(HResult::E_UNEXPECTED)));
/// assert!(!is_violation(EventKind::SetItemStatus, Some(Check::Window), None));
/// // A refused callback is always the handler's.
/// assert!(is_violation(EventKind::Progress, Some(Check::Window), None));
/// ```
#[must_use]
pub fn is_violation(kind: EventKind, refused: Option<Check>, recorded: Option<HResult>) -> bool {
    match refused {
        Some(check) => match fault(kind, check) {
            Fault::Handler => true,
            Fault::Manager => recorded.is_some_and(|hr| hr != check.hresult()),
        },
        None => kind.role() == Role::Fixed && recorded.is_some_and(|hr| hr != HResult::S_OK),
    }
}
