//! The regions of one handler instance's state (CONTRACT §4), as plain enums, and the rows of the
//! pass table they map to. The four mappings between [`Phase`], [`PhaseKind`] and [`PassRow`] are
//! all here: [`Phase::kind`], [`PhaseKind::with_hresult`], [`PhaseKind::row`] and [`PassRow::of`].

use core::fmt;

use crate::hresult::HResult;

/// The instance's life (CONTRACT §4).
///
/// ```
/// # use mobsync::Life;
/// assert!(Life::Declined.is_terminal());
/// assert!(!Life::Ready.is_terminal());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Life {
    /// Created, Initialize not yet accepted.
    #[default]
    Created,
    /// Initialize answered exactly S_OK.
    Ready,
    /// Initialize answered anything but S_OK (terminal).
    Declined,
    /// SetProgressCallback(NULL) accepted (terminal).
    Released,
}

impl Life {
    /// Declined or Released: every later event is refused with E_UNEXPECTED.
    #[must_use]
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Declined | Self::Released)
    }
}

/// The pass phase (CONTRACT §4), with the HRESULT a phase carries.
///
/// ```
/// # use mobsync::{HResult, Phase, PhaseKind};
/// let phase = Phase::Finished(HResult::S_OK);
/// assert_eq!(phase.kind(), PhaseKind::Finished);
/// assert_eq!(phase.to_string(), "Finished(S_OK)");
/// assert!(Phase::AwaitSyncCompletion.in_reporting_window());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Phase {
    /// No pass yet.
    #[default]
    Idle,
    /// PrepareForSync entered, not returned, not completed.
    Preparing,
    /// PrepareForSync entered, completion already called early with this HRESULT, not returned.
    PreparingDone(HResult),
    /// PrepareForSync returned S_OK, completion not yet called: window A.
    AwaitPrepareCompletion,
    /// PrepareForSyncCompleted(S_OK) and PrepareForSync returned S_OK.
    Prepared,
    /// Synchronize entered, not returned, not completed.
    Synchronizing,
    /// Synchronize entered, completion already called early with this HRESULT, not returned.
    SynchronizingDone(HResult),
    /// Synchronize returned S_OK, completion not yet called: window B.
    AwaitSyncCompletion,
    /// The pass is over, with this HRESULT.
    Finished(HResult),
    /// Preparation failed (terminal: the manager releases the handler).
    Abandoned,
}

/// A pass phase without its HRESULT: the rows of the pass table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PhaseKind {
    /// [`Phase::Idle`].
    Idle,
    /// [`Phase::Preparing`].
    Preparing,
    /// [`Phase::PreparingDone`].
    PreparingDone,
    /// [`Phase::AwaitPrepareCompletion`].
    AwaitPrepareCompletion,
    /// [`Phase::Prepared`].
    Prepared,
    /// [`Phase::Synchronizing`].
    Synchronizing,
    /// [`Phase::SynchronizingDone`].
    SynchronizingDone,
    /// [`Phase::AwaitSyncCompletion`].
    AwaitSyncCompletion,
    /// [`Phase::Finished`].
    Finished,
    /// [`Phase::Abandoned`].
    Abandoned,
}

impl PhaseKind {
    /// Every phase kind in pipeline order.
    pub const ALL: [Self; 10] = [
        Self::Idle,
        Self::Preparing,
        Self::PreparingDone,
        Self::AwaitPrepareCompletion,
        Self::Prepared,
        Self::Synchronizing,
        Self::SynchronizingDone,
        Self::AwaitSyncCompletion,
        Self::Finished,
        Self::Abandoned,
    ];

    /// Preparing to AwaitSyncCompletion inclusive (CONTRACT §4).
    #[must_use]
    pub const fn in_progress(self) -> bool {
        !matches!(self, Self::Idle | Self::Finished | Self::Abandoned)
    }

    /// The reporting window: a pass in progress, except SynchronizingDone (CONTRACT §4).
    #[must_use]
    pub const fn in_reporting_window(self) -> bool {
        self.in_progress() && !matches!(self, Self::SynchronizingDone)
    }

    /// The pass-table row of this kind, for a phase whose HRESULT is S_OK (`ok`) or not: only
    /// `PreparingDone` has two rows.
    #[must_use]
    pub const fn row(self, ok: bool) -> PassRow {
        match self {
            Self::Idle => PassRow::Idle,
            Self::Preparing => PassRow::Preparing,
            Self::PreparingDone if ok => PassRow::PreparingDoneOk,
            Self::PreparingDone => PassRow::PreparingDoneFailed,
            Self::AwaitPrepareCompletion => PassRow::AwaitPrepareCompletion,
            Self::Prepared => PassRow::Prepared,
            Self::Synchronizing => PassRow::Synchronizing,
            Self::SynchronizingDone => PassRow::SynchronizingDone,
            Self::AwaitSyncCompletion => PassRow::AwaitSyncCompletion,
            Self::Finished => PassRow::Finished,
            Self::Abandoned => PassRow::Abandoned,
        }
    }

    /// The phase of this kind; `hr` is the HRESULT of the phases that carry one
    /// (PreparingDone, SynchronizingDone, Finished) and is ignored by the others.
    ///
    /// ```
    /// # use mobsync::{HResult, Phase, PhaseKind};
    /// assert_eq!(PhaseKind::Finished.with_hresult(HResult::E_FAIL), Phase::Finished(HResult::E_FAIL));
    /// assert_eq!(PhaseKind::Prepared.with_hresult(HResult::E_FAIL), Phase::Prepared);
    /// ```
    #[must_use]
    pub const fn with_hresult(self, hr: HResult) -> Phase {
        match self {
            Self::Idle => Phase::Idle,
            Self::Preparing => Phase::Preparing,
            Self::PreparingDone => Phase::PreparingDone(hr),
            Self::AwaitPrepareCompletion => Phase::AwaitPrepareCompletion,
            Self::Prepared => Phase::Prepared,
            Self::Synchronizing => Phase::Synchronizing,
            Self::SynchronizingDone => Phase::SynchronizingDone(hr),
            Self::AwaitSyncCompletion => Phase::AwaitSyncCompletion,
            Self::Finished => Phase::Finished(hr),
            Self::Abandoned => Phase::Abandoned,
        }
    }
}

impl Phase {
    /// The phase without its HRESULT.
    #[must_use]
    pub const fn kind(self) -> PhaseKind {
        match self {
            Self::Idle => PhaseKind::Idle,
            Self::Preparing => PhaseKind::Preparing,
            Self::PreparingDone(_) => PhaseKind::PreparingDone,
            Self::AwaitPrepareCompletion => PhaseKind::AwaitPrepareCompletion,
            Self::Prepared => PhaseKind::Prepared,
            Self::Synchronizing => PhaseKind::Synchronizing,
            Self::SynchronizingDone(_) => PhaseKind::SynchronizingDone,
            Self::AwaitSyncCompletion => PhaseKind::AwaitSyncCompletion,
            Self::Finished(_) => PhaseKind::Finished,
            Self::Abandoned => PhaseKind::Abandoned,
        }
    }

    /// The HRESULT the phase carries, if any.
    #[must_use]
    pub const fn hresult(self) -> Option<HResult> {
        match self {
            Self::PreparingDone(hr) | Self::SynchronizingDone(hr) | Self::Finished(hr) => Some(hr),
            _ => None,
        }
    }

    /// A pass is in progress: Preparing to AwaitSyncCompletion inclusive.
    #[must_use]
    pub const fn in_progress(self) -> bool {
        self.kind().in_progress()
    }

    /// The reporting window: from PrepareForSync's entry until SynchronizeCompleted.
    #[must_use]
    pub const fn in_reporting_window(self) -> bool {
        self.kind().in_reporting_window()
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.kind())?;
        match self.hresult() {
            Some(hr) => write!(f, "({})", hr.short()),
            None => Ok(()),
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
    ///
    /// ```
    /// use mobsync::rules::PassRow;
    /// use mobsync::{HResult, Phase};
    ///
    /// assert_eq!(PassRow::of(Phase::PreparingDone(HResult::E_FAIL)), PassRow::PreparingDoneFailed);
    /// ```
    #[must_use]
    pub const fn of(phase: Phase) -> Self {
        let ok = match phase.hresult() {
            Some(hr) => hr.to_u32() == HResult::S_OK.to_u32(),
            None => true,
        };
        phase.kind().row(ok)
    }
}

/// The state of the Properties UI or the Error UI (CONTRACT §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum UiPhase {
    /// Not shown.
    #[default]
    Closed,
    /// Entered, no completion yet.
    Open,
    /// Entered, completion called early, not returned.
    Completed,
    /// Returned a success code, waiting for its completion.
    Returned,
}

/// The modal gate opened by `EnableModeless(TRUE)` (CONTRACT §4, R-MODAL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Gate {
    /// The handler must not show UI.
    #[default]
    Shut,
    /// The manager allowed UI.
    Open,
}
