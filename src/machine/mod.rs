//! The engine: one handler instance as a sans-IO state machine (CONTRACT §4–§7).
//!
//! [`Instance::handle`] takes an [`Event`] and answers it. Every event is decided first against
//! an immutable view of the state (`decide`), and only an accepted decision is applied
//! (`apply`), so a rejected event changes nothing (R-ATOMIC).

mod config;
mod event;
mod index;
mod report;
mod selection;

pub use config::{Config, Limits, Profile};
pub use event::{
    Event, HandlerInfo, LogErrorInfo, Method, ProgressAnswer, ProgressItem, SyncMgrItem,
};
pub use report::{ItemView, PassReport};

pub(crate) use index::Indexed;
use index::Keyed;
use selection::{Change, Item, KEEP, NEVER, Record, Selection, UNKNOWN};

use core::convert::Infallible;

use crate::error::{Conflict, Error, Limit, Problem, Scope};
use crate::flags::{LogLevel, SyncMgrFlags};
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;
use crate::rules::{
    Cell, EventKind, PassEvent, PassRow, Rule, Target, UiEvent, gate_cell, pass_cell, ui_target,
};
use crate::state::{Gate, Life, Phase, PhaseKind, UiPhase};
use crate::status::SyncMgrStatus;

impl Keyed for ItemId {
    type Key = ItemId;
    fn key(&self) -> ItemId {
        *self
    }
}

impl Keyed for ErrorId {
    type Key = ErrorId;
    fn key(&self) -> ErrorId {
        *self
    }
}

/// What an accepted event did, beyond being accepted.
///
/// ```
/// # use mobsync::{EventKind, Instance, SyncMgrFlags};
/// let mut instance = Instance::new();
/// let accepted = instance.initialize(0, SyncMgrFlags::from_bits(0x3), mobsync::HResult::S_OK).unwrap();
/// assert_eq!(accepted.event(), EventKind::Initialize);
/// assert!(!accepted.finished_pass());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Accepted {
    event: EventKind,
    finished_pass: bool,
}

impl Accepted {
    /// The kind of the accepted event.
    #[must_use]
    pub const fn event(self) -> EventKind {
        self.event
    }

    /// This event brought the pass to `Finished`; [`Instance::report`] now holds its outcome.
    #[must_use]
    pub const fn finished_pass(self) -> bool {
        self.finished_pass
    }
}

impl<T> From<Result<T, Error>> for HResult {
    /// What a COM method returns for the engine's answer: `S_OK` when accepted, else the
    /// error's HRESULT.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId};
    /// let mut instance = Instance::new();
    /// // SetItemStatus before Initialize: the call is outside its window.
    /// let hr = HResult::from(instance.set_item_status(ItemId::from_u128(1), 1));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    fn from(result: Result<T, Error>) -> Self {
        match result {
            Ok(_) => Self::S_OK,
            Err(err) => err.hresult(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Ui {
    Properties,
    Error,
}

/// An accepted event's effect, decided before anything changes.
enum Plan<'a> {
    Nothing,
    Initialize {
        life: Life,
        flags: SyncMgrFlags,
    },
    Bind,
    Release,
    Catalog(Box<Indexed<ItemId>>),
    Prepare(Box<Selection>),
    Phase(Phase),
    Skip(ItemId, Change),
    StopAll,
    Ui {
        ui: Ui,
        to: UiPhase,
        retry: Option<&'a [ItemId]>,
    },
    Gate(Gate),
    Progress {
        item: ItemId,
        change: Change,
        cancel_all: bool,
    },
    Log {
        id: Option<ErrorId>,
    },
    DeleteLog(Option<ErrorId>),
}

/// One handler instance: the state of CONTRACT §4 and the rules of §5–§7.
///
/// The engine is sans-IO: it starts no threads and reads no clock. Feed it every event with
/// [`Instance::handle`] or the method named after the event; each answers `Ok` when the contract
/// accepts the event and `Err` with the rule id and the HRESULT when it does not. A rejected
/// event changes nothing (R-ATOMIC). SetItemStatus and Progress are O(1) and allocate nothing;
/// PrepareForSync and EnumSyncMgrItems are O(n) in their lists.
///
/// ```
/// use mobsync::{HResult, Instance, ItemId, SyncMgrFlags, SyncMgrStatus};
///
/// let mut sync = Instance::new();
/// let a = ItemId::from_u128(0xA);
/// sync.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK)?;
/// sync.set_progress_callback(true)?;
/// sync.prepare_for_sync(&[a], 0)?;
/// // A status from the manager before PrepareForSync returns is outside windows A and B.
/// assert_eq!(HResult::from(sync.set_item_status(a, 1)), HResult::E_UNEXPECTED);
/// # Ok::<(), mobsync::Error>(())
/// ```
#[derive(Clone)]
pub struct Instance {
    config: Config,
    life: Life,
    bound: bool,
    flags: Option<SyncMgrFlags>,
    phase: Phase,
    /// `None` until the handler enumerates (the catalog is not known).
    catalog: Option<Indexed<ItemId>>,
    selection: Selection,
    /// Counts items of the selection becoming final; orders them against sweeps.
    epoch: u32,
    /// The epoch of the first cancel-all or stop-all of this selection ([`NEVER`] if none):
    /// every item not final at that epoch has a skip request.
    sweep_at: u32,
    properties_ui: UiPhase,
    error_ui: UiPhase,
    gate: Gate,
    error_log: Indexed<ErrorId>,
    anonymous_errors: usize,
    retry: Vec<ItemId>,
    /// Which hot events the current life, binding and phase let through (derived state).
    hot: Hot,
}

/// The hot events' window checks, derived from life, binding and phase after every change of
/// them, so SetItemStatus and Progress test one flag instead of walking the tables.
#[derive(Clone, Copy, Debug, Default)]
struct Hot {
    /// SetItemStatus(SKIPPED) is in its window (R-SIS, or §7 in the compatible profile).
    skip: bool,
    /// Progress is in its window (R-PROG).
    progress: bool,
}

impl Default for Instance {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for Instance {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Instance")
            .field("profile", &self.config.profile)
            .field("life", &self.life)
            .field("bound", &self.bound)
            .field("phase", &self.phase)
            .field("catalog", &self.catalog.as_ref().map(Indexed::len))
            .field("selection", &self.selection.len())
            .field("properties_ui", &self.properties_ui)
            .field("error_ui", &self.error_ui)
            .field("gate", &self.gate)
            .field("error_log", &self.error_log.len())
            .field("retry", &self.retry.len())
            .finish_non_exhaustive()
    }
}

impl Instance {
    /// A new instance (life `Created`) with the documented profile and default limits.
    ///
    /// ```
    /// # use mobsync::{Instance, Life, Phase};
    /// let instance = mobsync::Instance::new();
    /// assert_eq!((instance.life(), instance.phase()), (Life::Created, Phase::Idle));
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::with_config(Config::default())
    }

    /// A new instance with this profile and these limits.
    ///
    /// ```
    /// # use mobsync::{Config, Instance, Profile};
    /// let instance = Instance::with_config(Config::default().profile(Profile::Compatible));
    /// assert_eq!(instance.config().profile, Profile::Compatible);
    /// ```
    #[must_use]
    pub fn with_config(config: Config) -> Self {
        Self {
            config,
            life: Life::Created,
            bound: false,
            flags: None,
            phase: Phase::Idle,
            catalog: None,
            selection: Selection::default(),
            epoch: 0,
            sweep_at: NEVER,
            properties_ui: UiPhase::Closed,
            error_ui: UiPhase::Closed,
            gate: Gate::Shut,
            error_log: Indexed::default(),
            anonymous_errors: 0,
            retry: Vec::new(),
            hot: Hot::default(),
        }
    }

    /// Answers one event: `Ok` when the contract accepts it (the state advances), `Err` when it
    /// does not (the state is unchanged).
    ///
    /// # Errors
    /// The [`Error`] whose rule decided, in the check order of CONTRACT §5: a call outside its
    /// window, an invalid argument, an unknown item or error id, a refused status transition,
    /// a capacity limit; GetItemObject is always [`Error::NotImplemented`].
    ///
    /// ```
    /// use mobsync::{Event, HResult, Instance, SyncMgrFlags};
    ///
    /// let mut instance = Instance::new();
    /// let init = Event::Initialize { reserved: 0, flags: SyncMgrFlags::from_bits(0x3), answer: HResult::S_OK };
    /// assert!(instance.handle(&init).is_ok());
    /// // Initialize is accepted once only.
    /// assert_eq!(instance.handle(&init).unwrap_err().hresult(), HResult::E_UNEXPECTED);
    /// ```
    pub fn handle(&mut self, event: &Event<'_>) -> Result<Accepted, Error> {
        match *event {
            // The hot events take their own fast paths, which answer exactly as `decide` does.
            Event::SetItemStatus { item, status } => self.set_item_status(item, status),
            Event::Progress {
                item,
                progress,
                answer,
            } => self.progress(item, progress, answer),
            _ => {
                let plan = self.decide(event)?;
                Ok(self.apply(event.kind(), plan))
            }
        }
    }

    /// What [`Instance::handle`] would answer, without changing anything.
    ///
    /// # Errors
    /// As [`Instance::handle`].
    ///
    /// ```
    /// use mobsync::{Event, Instance};
    ///
    /// let instance = Instance::new();
    /// assert!(instance.check(&Event::Synchronize).is_err());
    /// ```
    pub fn check(&self, event: &Event<'_>) -> Result<(), Error> {
        self.decide(event).map(drop)
    }

    // ---- decisions -------------------------------------------------------------------------

    #[inline(always)]
    fn out_of_window(kind: EventKind, conflict: Conflict) -> Error {
        Error::OutOfWindow {
            rule: kind.rule(),
            event: kind,
            conflict,
        }
    }

    #[cold]
    fn invalid(kind: EventKind, problem: Problem) -> Error {
        Error::InvalidArgument {
            rule: Some(kind.rule()),
            problem,
        }
    }

    /// Life `Ready` (every event but Initialize and GetItemObject).
    #[inline(always)]
    fn require_ready(&self, kind: EventKind) -> Result<(), Error> {
        match self.life {
            Life::Ready => Ok(()),
            life => Err(Self::out_of_window(kind, Conflict::Life(life))),
        }
    }

    /// Life `Ready` and a callback bound (every callback; PrepareForSync, ShowProperties,
    /// ShowError).
    #[inline(always)]
    fn require_bound(&self, kind: EventKind) -> Result<(), Error> {
        self.require_ready(kind)?;
        if self.bound {
            Ok(())
        } else {
            Err(Self::out_of_window(kind, Conflict::Unbound))
        }
    }

    fn pass(&self, event: PassEvent) -> Cell<PhaseKind> {
        pass_cell(PassRow::of(self.phase), event)
    }

    /// The pass table's target for `event` answered `hr`, with a rejection as an error.
    #[inline(always)]
    fn pass_target(
        &self,
        kind: EventKind,
        event: PassEvent,
        hr: HResult,
    ) -> Result<Target<PhaseKind>, Error> {
        match self.pass(event).pick(hr) {
            Target::Reject => Err(Self::out_of_window(kind, Conflict::Phase(self.phase))),
            target => Ok(target),
        }
    }

    /// A pass move: the phase `target` leads to; a phase that carries an HRESULT takes the
    /// early completion's when the current phase has one, else the event's.
    fn pass_move(&self, target: Target<PhaseKind>, hr: HResult) -> Plan<'static> {
        let carried = self.phase.hresult().unwrap_or(hr);
        match target {
            Target::Reject | Target::Stay => Plan::Nothing,
            Target::Go(kind) => Plan::Phase(match kind {
                PhaseKind::Idle => Phase::Idle,
                PhaseKind::Preparing => Phase::Preparing,
                PhaseKind::PreparingDone => Phase::PreparingDone(carried),
                PhaseKind::AwaitPrepareCompletion => Phase::AwaitPrepareCompletion,
                PhaseKind::Prepared => Phase::Prepared,
                PhaseKind::Synchronizing => Phase::Synchronizing,
                PhaseKind::SynchronizingDone => Phase::SynchronizingDone(carried),
                PhaseKind::AwaitSyncCompletion => Phase::AwaitSyncCompletion,
                PhaseKind::Finished => Phase::Finished(carried),
                PhaseKind::Abandoned => Phase::Abandoned,
            }),
        }
    }

    fn ui_state(&self, ui: Ui) -> UiPhase {
        match ui {
            Ui::Properties => self.properties_ui,
            Ui::Error => self.error_ui,
        }
    }

    fn ui_move(&self, kind: EventKind, ui: Ui, event: UiEvent) -> Result<UiPhase, Error> {
        let state = self.ui_state(ui);
        match ui_target(state, event) {
            Target::Go(to) => Ok(to),
            Target::Stay => Ok(state),
            Target::Reject => Err(Self::out_of_window(
                kind,
                match ui {
                    Ui::Properties => Conflict::PropertiesUi(state),
                    Ui::Error => Conflict::ErrorUi(state),
                },
            )),
        }
    }

    fn decide<'a>(&self, event: &Event<'a>) -> Result<Plan<'a>, Error> {
        let kind = event.kind();
        match *event {
            Event::Initialize {
                reserved,
                flags,
                answer,
            } => self.decide_initialize(kind, reserved, flags, answer),
            Event::GetHandlerInfo { answer, info } => {
                self.require_ready(kind)?;
                // R-INFO: a failure hands out nothing, so nothing is checked.
                if answer.is_success() {
                    if info.name_units >= crate::MAX_SYNCMGRHANDLERNAME {
                        return Err(Self::invalid(
                            kind,
                            Problem::HandlerNameTooLong(info.name_units),
                        ));
                    }
                    if info.flags & !crate::HandlerFlags::MASK != 0 {
                        return Err(Self::invalid(kind, Problem::HandlerFlags(info.flags)));
                    }
                }
                Ok(Plan::Nothing)
            }
            Event::EnumSyncMgrItems { answer, items } => self.decide_enum(kind, answer, items),
            Event::GetItemObject { .. } => match self.life {
                // R-OBJ: allowed in Created and Ready, and then always E_NOTIMPL.
                Life::Created | Life::Ready => Err(Error::NotImplemented { rule: Rule::Obj }),
                life => Err(Self::out_of_window(kind, Conflict::Life(life))),
            },
            Event::SetProgressCallback { bind } => {
                self.require_ready(kind)?;
                if bind {
                    return Ok(Plan::Bind);
                }
                // R-CB [D]: NULL while a pass is in progress or a UI is not Closed is refused.
                self.pass_target(kind, PassEvent::ReleaseCallback, HResult::S_OK)?;
                self.ui_move(kind, Ui::Properties, UiEvent::Enter)?;
                self.ui_move(kind, Ui::Error, UiEvent::Enter)?;
                Ok(Plan::Release)
            }
            Event::PrepareForSync { items, reserved: _ } => self.decide_prepare(kind, items),
            Event::Synchronize => {
                self.require_bound(kind)?;
                let target = self.pass_target(kind, PassEvent::Synchronize, HResult::S_OK)?;
                Ok(self.pass_move(target, HResult::S_OK))
            }
            Event::SetItemStatus { item, status } => {
                self.decide_set_item_status(kind, item, status)
            }
            Event::ShowProperties { item } => {
                self.require_bound(kind)?;
                let to = self.ui_move(kind, Ui::Properties, UiEvent::Enter)?;
                if let Some(catalog) = &self.catalog
                    && !item.is_null()
                    && !catalog.contains(item)
                {
                    return Err(Error::UnknownItem {
                        rule: Rule::Props,
                        item,
                        scope: Scope::Catalog,
                    });
                }
                Ok(Plan::Ui {
                    ui: Ui::Properties,
                    to,
                    retry: None,
                })
            }
            Event::ShowError { error } => {
                self.require_bound(kind)?;
                let to = self.ui_move(kind, Ui::Error, UiEvent::Enter)?;
                if error.is_null() {
                    return Err(Self::invalid(kind, Problem::NullErrorId));
                }
                if !self.error_log.contains(error) {
                    return Err(Error::UnknownErrorId {
                        rule: Rule::Err,
                        error,
                    });
                }
                Ok(Plan::Ui {
                    ui: Ui::Error,
                    to,
                    retry: None,
                })
            }
            Event::Return { method, hr } => {
                self.require_ready(kind)?;
                let ui_event = if hr.is_success() {
                    UiEvent::ReturnSuccess
                } else {
                    UiEvent::ReturnFailure
                };
                match method {
                    Method::PrepareForSync => {
                        let target = self.pass_target(kind, PassEvent::ReturnPrepareForSync, hr)?;
                        Ok(self.pass_move(target, hr))
                    }
                    Method::Synchronize => {
                        let target = self.pass_target(kind, PassEvent::ReturnSynchronize, hr)?;
                        Ok(self.pass_move(target, hr))
                    }
                    Method::ShowProperties => {
                        let to = self.ui_move(kind, Ui::Properties, ui_event)?;
                        Ok(Plan::Ui {
                            ui: Ui::Properties,
                            to,
                            retry: None,
                        })
                    }
                    Method::ShowError => {
                        let to = self.ui_move(kind, Ui::Error, ui_event)?;
                        Ok(Plan::Ui {
                            ui: Ui::Error,
                            to,
                            retry: None,
                        })
                    }
                }
            }
            Event::PrepareForSyncCompleted { hr } => {
                self.require_bound(kind)?;
                let target = self.pass_target(kind, PassEvent::PrepareForSyncCompleted, hr)?;
                Ok(self.pass_move(target, hr))
            }
            Event::SynchronizeCompleted { hr } => {
                self.require_bound(kind)?;
                let target = self.pass_target(kind, PassEvent::SynchronizeCompleted, hr)?;
                Ok(self.pass_move(target, hr))
            }
            Event::ShowPropertiesCompleted { hr: _ } => {
                self.require_bound(kind)?;
                let to = self.ui_move(kind, Ui::Properties, UiEvent::Completed)?;
                Ok(Plan::Ui {
                    ui: Ui::Properties,
                    to,
                    retry: None,
                })
            }
            Event::ShowErrorCompleted { hr, items } => {
                self.require_bound(kind)?;
                let to = self.ui_move(kind, Ui::Error, UiEvent::Completed)?;
                if hr != HResult::S_SYNCMGR_RETRYSYNC {
                    return Ok(Plan::Ui {
                        ui: Ui::Error,
                        to,
                        retry: None,
                    });
                }
                // R-ERR-DONE: a retry list is non-empty, without duplicates or GUID_NULL.
                let mut seen: Indexed<ItemId> = Indexed::with_capacity(items.len());
                check_item_list(kind, items, &mut seen)?;
                Ok(Plan::Ui {
                    ui: Ui::Error,
                    to,
                    retry: Some(items),
                })
            }
            Event::EnableModeless { enable, answer } => {
                self.require_bound(kind)?;
                if enable
                    && self.pass(PassEvent::EnableModelessTrue).on_ok == Target::Reject
                    && self.properties_ui == UiPhase::Closed
                    && self.error_ui == UiPhase::Closed
                {
                    return Err(Self::out_of_window(kind, Conflict::Phase(self.phase)));
                }
                match gate_cell(self.gate, enable).pick(answer) {
                    Target::Reject => Err(Self::out_of_window(kind, Conflict::Gate(self.gate))),
                    Target::Stay => Ok(Plan::Nothing),
                    Target::Go(gate) => Ok(Plan::Gate(gate)),
                }
            }
            Event::Progress {
                item,
                progress,
                answer,
            } => self.decide_progress(kind, item, progress, answer),
            Event::LogError { level, info } => self.decide_log(kind, level, info),
            Event::DeleteLogError { error, reserved } => {
                self.require_bound(kind)?;
                if reserved != 0 {
                    return Err(Self::invalid(kind, Problem::ReservedNotZero(reserved)));
                }
                if error.is_null() {
                    return Ok(Plan::DeleteLog(None));
                }
                if !self.error_log.contains(error) {
                    return Err(Error::UnknownErrorId {
                        rule: Rule::DelLog,
                        error,
                    });
                }
                Ok(Plan::DeleteLog(Some(error)))
            }
            Event::EstablishConnection {
                has_name: _,
                reserved,
            } => {
                self.require_bound(kind)?;
                self.pass_target(kind, PassEvent::EstablishConnection, HResult::S_OK)?;
                if reserved != 0 {
                    return Err(Self::invalid(kind, Problem::ReservedNotZero(reserved)));
                }
                Ok(Plan::Nothing)
            }
        }
    }

    fn decide_initialize(
        &self,
        kind: EventKind,
        reserved: u32,
        flags: SyncMgrFlags,
        answer: HResult,
    ) -> Result<Plan<'static>, Error> {
        if self.life != Life::Created {
            return Err(Self::out_of_window(kind, Conflict::Life(self.life)));
        }
        if reserved != 0 {
            return Err(Self::invalid(kind, Problem::ReservedNotZero(reserved)));
        }
        if !flags.is_valid() {
            return Err(Self::invalid(kind, Problem::InitializeFlags(flags.bits())));
        }
        let life = if answer == HResult::S_OK {
            Life::Ready
        } else {
            Life::Declined
        };
        Ok(Plan::Initialize { life, flags })
    }

    fn decide_enum(
        &self,
        kind: EventKind,
        answer: HResult,
        items: &[SyncMgrItem],
    ) -> Result<Plan<'static>, Error> {
        self.require_ready(kind)?;
        // R-ENUM: a failure hands out nothing, so nothing is checked and nothing changes.
        if answer.is_failure() {
            return Ok(Plan::Nothing);
        }
        let mut catalog = Indexed::with_capacity(items.len());
        for item in items {
            let id = item.id;
            let problem = if id.is_null() {
                Some(Problem::NullItem)
            } else if !catalog.insert_new(id) {
                Some(Problem::DuplicateItem(id))
            } else if item.name_units >= crate::MAX_SYNCMGRITEMNAME {
                Some(Problem::ItemNameTooLong {
                    item: id,
                    units: item.name_units,
                })
            } else if item.flags & !crate::ItemFlags::MASK != 0 {
                Some(Problem::ItemFlags {
                    item: id,
                    flags: item.flags,
                })
            } else if crate::ItemState::from_u32(item.state).is_none() {
                Some(Problem::ItemState {
                    item: id,
                    state: item.state,
                })
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(Self::invalid(kind, problem));
            }
        }
        self.check_item_capacity(kind, items.len())?;
        Ok(Plan::Catalog(Box::new(catalog)))
    }

    fn check_item_capacity(&self, kind: EventKind, len: usize) -> Result<(), Error> {
        let limit = self.config.limits.max_items.min(Limits::CEILING_ITEMS);
        if len > limit {
            return Err(Error::Capacity {
                rule: kind.rule(),
                what: Limit::Items,
                limit,
            });
        }
        Ok(())
    }

    fn decide_prepare(&self, kind: EventKind, items: &[ItemId]) -> Result<Plan<'static>, Error> {
        self.require_bound(kind)?;
        self.pass_target(kind, PassEvent::PrepareForSync, HResult::S_OK)?;
        if items.len() > Limits::CEILING_ITEMS {
            // Past what a selection can hold, the list is refused before its items are read.
            self.check_item_capacity(kind, items.len())?;
        }
        let mut selection = Selection::with_capacity(items.len());
        check_item_list(kind, items, &mut selection)?;
        if let Some(catalog) = &self.catalog
            && let Some(&item) = items.iter().find(|&&id| !catalog.contains(id))
        {
            return Err(Error::UnknownItem {
                rule: Rule::Prep,
                item,
                scope: Scope::Catalog,
            });
        }
        self.check_item_capacity(kind, items.len())?;
        Ok(Plan::Prepare(Box::new(selection)))
    }

    /// The column of the pass table SetItemStatus(`status`) is decided by.
    #[inline(always)]
    fn skip_column(&self, status: u32) -> PassEvent {
        if self.config.profile == Profile::Compatible && status == SyncMgrStatus::Skipped as u32 {
            PassEvent::SetItemStatusSkippedCompatible
        } else {
            PassEvent::SetItemStatus
        }
    }

    #[inline(always)]
    fn decide_set_item_status(
        &self,
        kind: EventKind,
        item: ItemId,
        status: u32,
    ) -> Result<Plan<'static>, Error> {
        self.require_ready(kind)?;
        // CONTRACT §7: in the compatible profile STOPPED means "stop everything", in any phase,
        // for any item or GUID_NULL, once a callback is bound.
        if self.config.profile == Profile::Compatible
            && status == SyncMgrStatus::Stopped as u32
            && self.bound
        {
            return Ok(if self.phase.in_progress() {
                Plan::StopAll
            } else {
                Plan::Nothing
            });
        }
        self.pass_target(kind, self.skip_column(status), HResult::S_OK)?;
        let status = SyncMgrStatus::from_u32(status)
            .ok_or_else(|| Self::invalid(kind, Problem::InvalidStatus(status)))?;
        if status != SyncMgrStatus::Skipped {
            return Err(Self::invalid(kind, Problem::UnsupportedStatus(status)));
        }
        let change = Self::judge_skip(item, self.selection.find(item))?;
        Ok(change.map_or(Plan::Nothing, |change| Plan::Skip(item, change)))
    }

    /// SetItemStatus(SKIPPED) in its window, given the item (`None`: not in the selection): the
    /// change to make, `None` when nothing changes.
    #[inline(always)]
    fn judge_skip(item: ItemId, found: Option<Item<'_>>) -> Result<Option<Change>, Error> {
        let found = found.ok_or(Error::UnknownItem {
            rule: Rule::Sis,
            item,
            scope: Scope::Selection,
        })?;
        // R-SIS: idempotent, and on an item already final it changes nothing.
        let word = found.word;
        Ok((!word.is_final() && !word.skip()).then(|| Change::word(word.with_skip())))
    }

    #[inline(always)]
    fn decide_progress(
        &self,
        kind: EventKind,
        item: ItemId,
        progress: ProgressItem,
        answer: ProgressAnswer,
    ) -> Result<Plan<'static>, Error> {
        self.require_bound(kind)?;
        self.pass_target(kind, PassEvent::Progress, HResult::S_OK)?;
        let change = Self::judge_progress(kind, item, progress, answer, self.selection.find(item))?;
        Ok(Plan::Progress {
            item,
            change,
            cancel_all: answer == ProgressAnswer::CancelAll,
        })
    }

    /// Progress in its window, given the item (`None`: not in the selection): the change to
    /// make, or the refusal of the first check that fails in CONTRACT §5's order.
    #[inline(always)]
    fn judge_progress(
        kind: EventKind,
        item: ItemId,
        progress: ProgressItem,
        answer: ProgressAnswer,
        found: Option<Item<'_>>,
    ) -> Result<Change, Error> {
        match Self::accept_progress(progress, answer, found) {
            Some(change) => Ok(change),
            None => Err(Self::refuse_progress(kind, item, progress, found)),
        }
    }

    /// The change an acceptable Progress makes, `None` if any check fails (which one is
    /// [`Self::refuse_progress`]'s business, off the hot path).
    #[inline(always)]
    fn accept_progress(
        progress: ProgressItem,
        answer: ProgressAnswer,
        found: Option<Item<'_>>,
    ) -> Option<Change> {
        let found = found?;
        let (has_value, has_max) = (progress.has_value(), progress.has_max());
        if progress.has_unknown_bits()
            || (has_value && progress.value < 0)
            || (has_max && progress.max < 0)
            || Self::above_max(progress, Some(found)).is_some()
        {
            return None;
        }
        let mut word = found.word;
        if progress.has_status() {
            let to = SyncMgrStatus::ordinal_of_u32(progress.status)?;
            if !word.may_become(to) {
                return None;
            }
            word = word.with_ordinal(to);
        }
        // R-PROG: an item final after this call's own status is left alone by CANCELITEM.
        if answer == ProgressAnswer::CancelItem && !word.is_final() {
            word = word.with_skip();
        }
        Some(Change {
            word,
            value: if has_value { progress.value } else { KEEP },
            max: if has_max { progress.max } else { KEEP },
            became_final: word.is_final() && !found.word.is_final(),
        })
    }

    /// The value and maximum after this Progress when the value would exceed the maximum:
    /// each half as reported, else the item's last. A call reporting neither or both halves
    /// does not read the item's cold part (a stored pair always passed this check).
    #[inline(always)]
    fn above_max(progress: ProgressItem, found: Option<Item<'_>>) -> Option<(i32, i32)> {
        let (has_value, has_max) = (progress.has_value(), progress.has_max());
        let (last_value, last_max) = match found {
            Some(found) if has_value != has_max => found.last_progress(),
            _ => (UNKNOWN, UNKNOWN),
        };
        let value = if has_value {
            progress.value
        } else {
            last_value
        };
        let max = if has_max { progress.max } else { last_max };
        (value != UNKNOWN && max != UNKNOWN && value > max).then_some((value, max))
    }

    /// Why [`Self::accept_progress`] refused: the first failing check in CONTRACT §5's order.
    #[cold]
    #[inline(never)]
    fn refuse_progress(
        kind: EventKind,
        item: ItemId,
        progress: ProgressItem,
        found: Option<Item<'_>>,
    ) -> Error {
        let ProgressItem {
            mask,
            status,
            value,
            max,
        } = progress;
        if progress.has_unknown_bits() {
            return Self::invalid(kind, Problem::ProgressMask(mask));
        }
        if progress.has_value() && value < 0 {
            return Self::invalid(kind, Problem::NegativeProgress(value));
        }
        if progress.has_max() && max < 0 {
            return Self::invalid(kind, Problem::NegativeProgress(max));
        }
        if let Some((value, max)) = Self::above_max(progress, found) {
            return Self::invalid(kind, Problem::ProgressAboveMax { value, max });
        }
        let to = SyncMgrStatus::from_u32(status);
        if progress.has_status() && to.is_none() {
            return Self::invalid(kind, Problem::InvalidStatus(status));
        }
        let Some(found) = found else {
            return Error::UnknownItem {
                rule: Rule::Prog,
                item,
                scope: Scope::Selection,
            };
        };
        // Every other check passed, so the status graph refused the move.
        let from = found.word.status();
        Error::IllegalTransition {
            rule: Rule::Prog,
            item,
            from,
            to: to.unwrap_or(from),
        }
    }

    fn decide_log(
        &self,
        kind: EventKind,
        level: u32,
        info: LogErrorInfo,
    ) -> Result<Plan<'static>, Error> {
        self.require_bound(kind)?;
        if LogLevel::from_u32(level).is_none() {
            return Err(Self::invalid(kind, Problem::LogLevel(level)));
        }
        if info.mask & !crate::LogErrorMask::all().bits() != 0 {
            return Err(Self::invalid(kind, Problem::LogErrorMask(info.mask)));
        }
        let mut id = None;
        if info.mask & crate::LogErrorMask::ERRORID.bits() != 0 {
            if info.error_id.is_null() {
                // CONTRACT §7: the compatible profile takes GUID_NULL as an entry without an id.
                if self.config.profile != Profile::Compatible {
                    return Err(Self::invalid(kind, Problem::NullErrorId));
                }
            } else if self.error_log.contains(info.error_id) {
                return Err(Self::invalid(
                    kind,
                    Problem::DuplicateErrorId(info.error_id),
                ));
            } else {
                id = Some(info.error_id);
            }
        }
        if info.mask & crate::LogErrorMask::ITEMID.bits() != 0 {
            let item = info.item;
            if item.is_null() {
                return Err(Self::invalid(kind, Problem::NullItem));
            }
            let in_catalog = self.catalog.as_ref().map(|c| c.contains(item));
            let selection_known = self.selection.len() > 0;
            let in_selection = selection_known.then(|| self.selection.contains(item));
            if (in_catalog.is_some() || in_selection.is_some())
                && in_catalog != Some(true)
                && in_selection != Some(true)
            {
                return Err(Error::UnknownItem {
                    rule: Rule::Log,
                    item,
                    scope: Scope::CatalogOrSelection,
                });
            }
        }
        let limit = self.config.limits.max_error_ids;
        if id.is_some() && self.error_log.len() >= limit {
            return Err(Error::Capacity {
                rule: Rule::Log,
                what: Limit::ErrorIds,
                limit,
            });
        }
        Ok(Plan::Log { id })
    }

    // ---- application -----------------------------------------------------------------------

    fn apply(&mut self, event: EventKind, plan: Plan<'_>) -> Accepted {
        let mut finished_pass = false;
        match plan {
            Plan::Nothing => {}
            Plan::Initialize { life, flags } => {
                self.life = life;
                self.flags = Some(flags);
            }
            Plan::Bind => self.bound = true,
            Plan::Release => {
                self.life = Life::Released;
                self.bound = false;
            }
            Plan::Catalog(catalog) => self.catalog = Some(*catalog),
            Plan::Prepare(selection) => {
                self.selection = *selection;
                self.epoch = 0;
                self.sweep_at = NEVER;
                self.retry.clear();
                self.phase = Phase::Preparing;
            }
            Plan::Phase(phase) => {
                finished_pass = matches!(phase, Phase::Finished(_));
                self.phase = phase;
            }
            Plan::Skip(item, change) => self.record(item, Some(change), false),
            Plan::StopAll => self.sweep(),
            Plan::Ui { ui, to, retry } => {
                match ui {
                    Ui::Properties => self.properties_ui = to,
                    Ui::Error => self.error_ui = to,
                }
                if let Some(items) = retry {
                    self.retry.clear();
                    self.retry.extend_from_slice(items);
                }
            }
            Plan::Gate(gate) => self.gate = gate,
            Plan::Progress {
                item,
                change,
                cancel_all,
            } => self.record(item, Some(change), cancel_all),
            Plan::Log { id } => match id {
                Some(id) => {
                    self.error_log.insert_new(id);
                }
                None => self.anonymous_errors += 1,
            },
            Plan::DeleteLog(Some(id)) => {
                self.error_log.remove(id);
            }
            Plan::DeleteLog(None) => {
                self.error_log.clear();
                self.anonymous_errors = 0;
            }
        }
        self.hot = self.hot_gates();
        Accepted {
            event,
            finished_pass,
        }
    }

    /// Records a decided change of one item, and a cancel-all.
    fn record(&mut self, item: ItemId, change: Option<Change>, cancel_all: bool) {
        let Ok(()) = self
            .selection
            .update(item, &mut self.epoch, |_| Ok::<_, Infallible>(change));
        if cancel_all {
            self.sweep();
        }
    }

    /// A cancel-all or stop-all: every item not final now has a skip request (in O(1)).
    fn sweep(&mut self) {
        self.sweep_at = self.sweep_at.min(self.epoch);
    }

    /// The hot events' window checks for the current life, binding and phase: exactly where
    /// `decide` would find `require_ready`/`require_bound` and the pass table letting the event
    /// stay.
    fn hot_gates(&self) -> Hot {
        let ready = self.life == Life::Ready;
        let open = |event| !matches!(self.pass(event).on_ok, Target::Reject);
        Hot {
            skip: ready && open(self.skip_column(SyncMgrStatus::Skipped as u32)),
            progress: ready && self.bound && open(PassEvent::Progress),
        }
    }

    // ---- queries ---------------------------------------------------------------------------

    /// The profile and limits.
    ///
    /// ```
    /// # use mobsync::{Instance, Profile};
    /// assert_eq!(Instance::new().config().profile, Profile::Documented);
    /// ```
    #[must_use]
    pub const fn config(&self) -> Config {
        self.config
    }

    /// The life region.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, Life, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_FALSE).unwrap();
    /// assert_eq!(instance.life(), Life::Declined);
    /// ```
    #[must_use]
    pub const fn life(&self) -> Life {
        self.life
    }

    /// Whether a progress callback is bound.
    ///
    /// ```
    /// # use mobsync::Instance;
    /// assert!(!Instance::new().is_bound());
    /// ```
    #[must_use]
    pub const fn is_bound(&self) -> bool {
        self.bound
    }

    /// The flags Initialize was accepted with.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, SyncEvent, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x204), HResult::S_OK).unwrap();
    /// assert_eq!(instance.sync_flags().map(SyncMgrFlags::event), Some(SyncEvent::Idle));
    /// ```
    #[must_use]
    pub const fn sync_flags(&self) -> Option<SyncMgrFlags> {
        self.flags
    }

    /// The pass phase.
    ///
    /// ```
    /// # use mobsync::{Instance, Phase};
    /// assert_eq!(Instance::new().phase(), Phase::Idle);
    /// ```
    #[must_use]
    pub const fn phase(&self) -> Phase {
        self.phase
    }

    /// The catalog in enumeration order, `None` until the handler enumerates.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, SyncMgrFlags, SyncMgrItem};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// let a = ItemId::from_u128(0xA);
    /// instance.enum_sync_mgr_items(HResult::S_OK, &[SyncMgrItem::new(a, "A")]).unwrap();
    /// assert_eq!(instance.catalog(), Some(&[a][..]));
    /// ```
    #[must_use]
    pub fn catalog(&self) -> Option<&[ItemId]> {
        self.catalog.as_ref().map(Indexed::entries)
    }

    /// For [`crate::SharedInstance`]: an item's explicit skip request and the epoch at which it
    /// became final ([`NEVER`] if not), by position in the selection.
    pub(crate) fn skip_state(&self, id: ItemId) -> Option<(usize, bool, u32)> {
        let item = self.selection.find(id)?;
        Some((item.word.pos(), item.word.skip(), item.final_at()))
    }

    /// For [`crate::SharedInstance`]: the epoch of the selection's first sweep ([`NEVER`] if none).
    pub(crate) const fn sweep_at(&self) -> u32 {
        self.sweep_at
    }

    /// For [`crate::SharedInstance`]: the epoch counter and sweep of an item-less view.
    pub(crate) const NEVER: u32 = NEVER;

    fn view(&self, entry: Record) -> ItemView {
        ItemView {
            id: entry.id,
            status: entry.status,
            skip_requested: entry.skip || entry.final_at > self.sweep_at,
            value: (entry.value != UNKNOWN).then_some(entry.value),
            max: (entry.max != UNKNOWN).then_some(entry.max),
        }
    }

    /// The selection of the latest accepted PrepareForSync, in its order.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, SyncMgrFlags, SyncMgrStatus};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// instance.prepare_for_sync(&[ItemId::from_u128(1), ItemId::from_u128(2)], 0).unwrap();
    /// assert!(instance.selection().all(|item| item.status == SyncMgrStatus::Pending));
    /// ```
    pub fn selection(&self) -> impl ExactSizeIterator<Item = ItemView> + '_ {
        self.selection.records().map(|entry| self.view(entry))
    }

    /// One item of the selection (O(1)).
    ///
    /// ```
    /// # use mobsync::{Instance, ItemId};
    /// assert_eq!(Instance::new().item(ItemId::from_u128(1)), None);
    /// ```
    #[must_use]
    pub fn item(&self, id: ItemId) -> Option<ItemView> {
        self.selection.get(id).map(|entry| self.view(entry))
    }

    /// Whether the manager asked to skip or cancel this item (SetItemStatus(SKIPPED),
    /// S_SYNCMGR_CANCELITEM, S_SYNCMGR_CANCELALL, or STOPPED in the compatible profile). O(1).
    ///
    /// ```
    /// # use mobsync::{Instance, ItemId};
    /// assert!(!Instance::new().is_skip_requested(ItemId::from_u128(1)));
    /// ```
    #[must_use]
    pub fn is_skip_requested(&self, id: ItemId) -> bool {
        self.item(id).is_some_and(|item| item.skip_requested)
    }

    /// The outcome of the pass, once it is `Finished` (CONTRACT §6, end-of-pass report).
    ///
    /// ```
    /// # use mobsync::Instance;
    /// assert!(Instance::new().report().is_none());
    /// ```
    #[must_use]
    pub fn report(&self) -> Option<PassReport<'_>> {
        match self.phase {
            Phase::Finished(hr) => Some(PassReport::new(self, hr)),
            _ => None,
        }
    }

    /// The Properties UI.
    ///
    /// ```
    /// # use mobsync::{Instance, UiPhase};
    /// assert_eq!(Instance::new().properties_ui(), UiPhase::Closed);
    /// ```
    #[must_use]
    pub const fn properties_ui(&self) -> UiPhase {
        self.properties_ui
    }

    /// The Error UI.
    ///
    /// ```
    /// # use mobsync::{Instance, UiPhase};
    /// assert_eq!(Instance::new().error_ui(), UiPhase::Closed);
    /// ```
    #[must_use]
    pub const fn error_ui(&self) -> UiPhase {
        self.error_ui
    }

    /// The modal gate.
    ///
    /// ```
    /// # use mobsync::{Gate, Instance};
    /// assert_eq!(Instance::new().gate(), Gate::Shut);
    /// ```
    #[must_use]
    pub const fn gate(&self) -> Gate {
        self.gate
    }

    /// The error ids logged and not deleted, in logging order.
    ///
    /// ```
    /// # use mobsync::Instance;
    /// assert_eq!(Instance::new().error_log().len(), 0);
    /// ```
    #[must_use]
    pub fn error_log(&self) -> &[ErrorId] {
        self.error_log.entries()
    }

    /// Entries logged without an error id (and not deleted since by DeleteLogError(GUID_NULL)).
    ///
    /// ```
    /// # use mobsync::Instance;
    /// assert_eq!(Instance::new().anonymous_errors(), 0);
    /// ```
    #[must_use]
    pub const fn anonymous_errors(&self) -> usize {
        self.anonymous_errors
    }

    /// The items of the last ShowErrorCompleted(S_SYNCMGR_RETRYSYNC), until the next accepted
    /// PrepareForSync. Informational: the manager decides what it selects next.
    ///
    /// ```
    /// # use mobsync::Instance;
    /// assert!(Instance::new().retry_items().is_empty());
    /// ```
    #[must_use]
    pub fn retry_items(&self) -> &[ItemId] {
        &self.retry
    }
}

/// R-PREP, R-ERR-DONE: a list that must be non-empty, without GUID_NULL or duplicates; fills
/// `seen` with its items.
fn check_item_list(kind: EventKind, items: &[ItemId], seen: &mut impl Seen) -> Result<(), Error> {
    if items.is_empty() {
        return Err(Instance::invalid(kind, Problem::EmptyItemList));
    }
    for &id in items {
        if id.is_null() {
            return Err(Instance::invalid(kind, Problem::NullItem));
        }
        if !seen.insert_new(id) {
            return Err(Instance::invalid(kind, Problem::DuplicateItem(id)));
        }
    }
    Ok(())
}

/// A list being checked for duplicates while it is collected.
trait Seen {
    /// Adds `id`; `false` when it is already there.
    fn insert_new(&mut self, id: ItemId) -> bool;
}

impl Seen for Indexed<ItemId> {
    fn insert_new(&mut self, id: ItemId) -> bool {
        Self::insert_new(self, id)
    }
}

impl Seen for Selection {
    fn insert_new(&mut self, id: ItemId) -> bool {
        Self::insert_new(self, id)
    }
}

/// One method per event, named after the contract's call or callback: each builds the
/// [`Event`] and hands it to [`Instance::handle`].
impl Instance {
    /// `Initialize(dwReserved, dwSyncMgrFlags, …)` answered `answer` by the handler (R-INIT).
    ///
    /// # Errors
    /// E_UNEXPECTED after the first Initialize; E_INVALIDARG for a reserved value or flags
    /// outside 0x3FF.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// let err = instance.initialize(1, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap_err();
    /// assert_eq!(err.hresult(), HResult::E_INVALIDARG);
    /// ```
    pub fn initialize(
        &mut self,
        reserved: u32,
        flags: SyncMgrFlags,
        answer: HResult,
    ) -> Result<Accepted, Error> {
        self.handle(&Event::Initialize {
            reserved,
            flags,
            answer,
        })
    }

    /// `GetHandlerInfo` answered `answer` with `info` (R-INFO).
    ///
    /// # Errors
    /// E_UNEXPECTED outside life Ready; E_INVALIDARG for a name over 31 UTF-16 units or flags
    /// outside 0xF (a handler violation).
    ///
    /// ```
    /// # use mobsync::{HResult, HandlerInfo, Instance, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// assert!(instance.get_handler_info(HResult::S_OK, HandlerInfo::new("Files", 0x1)).is_ok());
    /// ```
    pub fn get_handler_info(
        &mut self,
        answer: HResult,
        info: HandlerInfo,
    ) -> Result<Accepted, Error> {
        self.handle(&Event::GetHandlerInfo { answer, info })
    }

    /// `EnumSyncMgrItems` answered `answer` with `items` (R-ENUM).
    ///
    /// # Errors
    /// E_UNEXPECTED outside life Ready; E_INVALIDARG for invalid items; E_OUTOFMEMORY past the
    /// item limit.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, SyncMgrFlags, SyncMgrItem};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// let a = SyncMgrItem::new(ItemId::from_u128(0xA), "A");
    /// let err = instance.enum_sync_mgr_items(HResult::S_OK, &[a, a]).unwrap_err();
    /// assert_eq!(err.hresult(), HResult::E_INVALIDARG);
    /// ```
    pub fn enum_sync_mgr_items(
        &mut self,
        answer: HResult,
        items: &[SyncMgrItem],
    ) -> Result<Accepted, Error> {
        self.handle(&Event::EnumSyncMgrItems { answer, items })
    }

    /// `GetItemObject` (R-OBJ): always [`Error::NotImplemented`] (E_NOTIMPL) in life Created or
    /// Ready, E_UNEXPECTED after.
    ///
    /// # Errors
    /// Always.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId};
    /// let hr = HResult::from(Instance::new().get_item_object(ItemId::from_u128(1)));
    /// assert_eq!(hr, HResult::E_NOTIMPL);
    /// ```
    pub fn get_item_object(&mut self, item: ItemId) -> Result<Accepted, Error> {
        self.handle(&Event::GetItemObject { item })
    }

    /// `SetProgressCallback(cb)`: `true` binds a callback, `false` is NULL and releases (R-CB).
    ///
    /// # Errors
    /// E_UNEXPECTED outside life Ready, and for NULL while a pass is in progress or a UI is
    /// not Closed.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, Life, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// instance.set_progress_callback(false).unwrap();
    /// assert_eq!(instance.life(), Life::Released);
    /// ```
    pub fn set_progress_callback(&mut self, bind: bool) -> Result<Accepted, Error> {
        self.handle(&Event::SetProgressCallback { bind })
    }

    /// `PrepareForSync(cbNumItems, pItemIDs, hWnd, dwReserved)` entered (R-PREP).
    ///
    /// # Errors
    /// E_UNEXPECTED without a callback or while a pass is in progress; E_INVALIDARG for an
    /// empty list, duplicates, GUID_NULL or items outside a known catalog; E_OUTOFMEMORY past
    /// the item limit.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// assert_eq!(instance.prepare_for_sync(&[], 0).unwrap_err().hresult(), HResult::E_INVALIDARG);
    /// ```
    pub fn prepare_for_sync(&mut self, items: &[ItemId], reserved: u32) -> Result<Accepted, Error> {
        self.handle(&Event::PrepareForSync { items, reserved })
    }

    /// `Synchronize(hWnd)` entered (R-SYNC).
    ///
    /// # Errors
    /// E_UNEXPECTED outside phase Prepared.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// assert_eq!(HResult::from(Instance::new().synchronize()), HResult::E_UNEXPECTED);
    /// ```
    pub fn synchronize(&mut self) -> Result<Accepted, Error> {
        self.handle(&Event::Synchronize)
    }

    /// `SetItemStatus(pItemID, dwSyncMgrStatus)` (R-SIS): the manager asks to skip an item.
    ///
    /// # Errors
    /// E_UNEXPECTED outside windows A and B; E_INVALIDARG for a DWORD that is not a status, a
    /// status other than SKIPPED, or an item outside the selection.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, Method, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// let a = ItemId::from_u128(0xA);
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// instance.prepare_for_sync(&[a], 0).unwrap();
    /// instance.returned(Method::PrepareForSync, HResult::S_OK).unwrap(); // window A
    /// assert_eq!(HResult::from(instance.set_item_status(a, 1)), HResult::S_OK);
    /// assert!(instance.is_skip_requested(a));
    /// ```
    // Always inlined: the fast path is a few dozen instructions, the slow ones are outlined.
    #[inline(always)]
    pub fn set_item_status(&mut self, item: ItemId, status: u32) -> Result<Accepted, Error> {
        const ACCEPTED: Accepted = Accepted {
            event: EventKind::SetItemStatus,
            finished_pass: false,
        };
        // The hot path: in its window, a skip request takes one flag test and one probe; every
        // other case is decided by the same `decide` as `handle`'s.
        if status == SyncMgrStatus::Skipped as u32 {
            if self.hot.skip {
                self.selection
                    .update(item, &mut self.epoch, |found| Self::judge_skip(item, found))?;
                return Ok(ACCEPTED);
            }
            // Out of its window: life not Ready, or else the pass table refuses (what
            // `decide` answers, without walking the table again).
            let kind = EventKind::SetItemStatus;
            self.require_ready(kind)?;
            return Err(Self::out_of_window(kind, Conflict::Phase(self.phase)));
        }
        self.set_item_status_outside_fast_path(item, status)
    }

    /// SetItemStatus outside its window or with another status: the generic decision.
    #[cold]
    #[inline(never)]
    fn set_item_status_outside_fast_path(
        &mut self,
        item: ItemId,
        status: u32,
    ) -> Result<Accepted, Error> {
        let kind = EventKind::SetItemStatus;
        let plan = self.decide_set_item_status(kind, item, status)?;
        Ok(self.apply(kind, plan))
    }

    /// `ShowProperties(hWnd, ItemID)` entered (R-PROPS); GUID_NULL for the handler itself.
    ///
    /// # Errors
    /// E_UNEXPECTED without a callback or while the Properties UI is not Closed; E_INVALIDARG
    /// for an item outside a known catalog.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, SyncMgrFlags, UiPhase};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// instance.show_properties(ItemId::NULL).unwrap();
    /// assert_eq!(instance.properties_ui(), UiPhase::Open);
    /// ```
    pub fn show_properties(&mut self, item: ItemId) -> Result<Accepted, Error> {
        self.handle(&Event::ShowProperties { item })
    }

    /// `ShowError(hWnd, ErrorID)` entered (R-ERR).
    ///
    /// # Errors
    /// E_UNEXPECTED without a callback or while the Error UI is not Closed; E_INVALIDARG for
    /// GUID_NULL or an id not in the error log.
    ///
    /// ```
    /// # use mobsync::{ErrorId, HResult, Instance, SyncMgrFlags};
    /// let mut instance = Instance::new();
    /// instance.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK).unwrap();
    /// instance.set_progress_callback(true).unwrap();
    /// let hr = HResult::from(instance.show_error(ErrorId::from_u128(7)));
    /// assert_eq!(hr, HResult::E_INVALIDARG);
    /// ```
    pub fn show_error(&mut self, error: ErrorId) -> Result<Accepted, Error> {
        self.handle(&Event::ShowError { error })
    }

    /// One of the four asynchronous calls returns `hr` (R-PREP-RET, R-SYNC-RET, R-PROPS-RET,
    /// R-ERR-RET).
    ///
    /// # Errors
    /// E_UNEXPECTED when the method has no open call, or it returns anything but a success
    /// after its completion came early (S_OK for the pass calls).
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, Method};
    /// let hr = HResult::from(Instance::new().returned(Method::Synchronize, HResult::S_OK));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn returned(&mut self, method: Method, hr: HResult) -> Result<Accepted, Error> {
        self.handle(&Event::Return { method, hr })
    }

    /// `PrepareForSyncCompleted(hr)` (R-PREP-DONE).
    ///
    /// # Errors
    /// E_UNEXPECTED unless the pass is Preparing or in window A.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().prepare_for_sync_completed(HResult::S_OK));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn prepare_for_sync_completed(&mut self, hr: HResult) -> Result<Accepted, Error> {
        self.handle(&Event::PrepareForSyncCompleted { hr })
    }

    /// `SynchronizeCompleted(hr)` (R-SYNC-DONE).
    ///
    /// # Errors
    /// E_UNEXPECTED unless the pass is Synchronizing or in window B.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().synchronize_completed(HResult::S_OK));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn synchronize_completed(&mut self, hr: HResult) -> Result<Accepted, Error> {
        self.handle(&Event::SynchronizeCompleted { hr })
    }

    /// `ShowPropertiesCompleted(hr)` (R-PROPS-DONE).
    ///
    /// # Errors
    /// E_UNEXPECTED unless the Properties UI is Open or Returned.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().show_properties_completed(HResult::S_OK));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn show_properties_completed(&mut self, hr: HResult) -> Result<Accepted, Error> {
        self.handle(&Event::ShowPropertiesCompleted { hr })
    }

    /// `ShowErrorCompleted(hr, cItems, pItemIDs)` (R-ERR-DONE).
    ///
    /// # Errors
    /// E_UNEXPECTED unless the Error UI is Open or Returned; with S_SYNCMGR_RETRYSYNC,
    /// E_INVALIDARG for an empty list, duplicates or GUID_NULL.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().show_error_completed(HResult::S_OK, &[]));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn show_error_completed(
        &mut self,
        hr: HResult,
        items: &[ItemId],
    ) -> Result<Accepted, Error> {
        self.handle(&Event::ShowErrorCompleted { hr, items })
    }

    /// `EnableModeless(fEnable)` answered `answer` by the manager (R-MODAL).
    ///
    /// # Errors
    /// E_UNEXPECTED for TRUE outside the reporting window with no UI open, TRUE with the gate
    /// Open, or FALSE with it Shut.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().enable_modeless(false, HResult::S_OK));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn enable_modeless(&mut self, enable: bool, answer: HResult) -> Result<Accepted, Error> {
        self.handle(&Event::EnableModeless { enable, answer })
    }

    /// `Progress(ItemID, pSyncProgressItem)` answered `answer` by the manager (R-PROG).
    ///
    /// # Errors
    /// E_UNEXPECTED outside the reporting window; E_INVALIDARG for bad masks, values or
    /// statuses and items outside the selection; E_ACCESSDENIED for a transition the status
    /// graph refuses.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, ItemId, ProgressAnswer, ProgressItem, SyncMgrStatus};
    /// let p = ProgressItem::status(SyncMgrStatus::Updating);
    /// let hr = HResult::from(Instance::new().progress(ItemId::from_u128(1), p, ProgressAnswer::Continue));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    #[inline]
    pub fn progress(
        &mut self,
        item: ItemId,
        progress: ProgressItem,
        answer: ProgressAnswer,
    ) -> Result<Accepted, Error> {
        const ACCEPTED: Accepted = Accepted {
            event: EventKind::Progress,
            finished_pass: false,
        };
        // The hot path: in its window, one flag test replaces the window checks; the checks on
        // the arguments and the item are `decide`'s own.
        if self.hot.progress {
            let kind = EventKind::Progress;
            self.selection.update(item, &mut self.epoch, |found| {
                Self::judge_progress(kind, item, progress, answer, found).map(Some)
            })?;
            if answer == ProgressAnswer::CancelAll {
                self.sweep();
            }
            return Ok(ACCEPTED);
        }
        self.progress_outside_window(item, progress, answer)
    }

    /// Progress outside its window: the generic decision (which refuses it).
    #[cold]
    #[inline(never)]
    fn progress_outside_window(
        &mut self,
        item: ItemId,
        progress: ProgressItem,
        answer: ProgressAnswer,
    ) -> Result<Accepted, Error> {
        let kind = EventKind::Progress;
        let plan = self.decide_progress(kind, item, progress, answer)?;
        Ok(self.apply(kind, plan))
    }

    /// `LogError(dwErrorLevel, pszErrorText, pSyncLogError)` (R-LOG).
    ///
    /// # Errors
    /// E_UNEXPECTED without a callback; E_INVALIDARG for a level outside 1..=3, mask bits
    /// outside 0x7, GUID_NULL or duplicate ids, unknown items; E_OUTOFMEMORY past the error-id
    /// limit.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance, LogErrorInfo};
    /// let hr = HResult::from(Instance::new().log_error(3, LogErrorInfo::default()));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn log_error(&mut self, level: u32, info: LogErrorInfo) -> Result<Accepted, Error> {
        self.handle(&Event::LogError { level, info })
    }

    /// `DeleteLogError(ErrorID, dwReserved)` (R-DELLOG); GUID_NULL deletes everything.
    ///
    /// # Errors
    /// E_UNEXPECTED without a callback; E_INVALIDARG for a reserved value or an unknown id.
    ///
    /// ```
    /// # use mobsync::{ErrorId, HResult, Instance};
    /// let hr = HResult::from(Instance::new().delete_log_error(ErrorId::NULL, 0));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn delete_log_error(&mut self, error: ErrorId, reserved: u32) -> Result<Accepted, Error> {
        self.handle(&Event::DeleteLogError { error, reserved })
    }

    /// `EstablishConnection(pwszConnection, dwReserved)` (R-CONN); `has_name: false` is the
    /// default connection.
    ///
    /// # Errors
    /// E_UNEXPECTED outside the reporting window; E_INVALIDARG for a reserved value.
    ///
    /// ```
    /// # use mobsync::{HResult, Instance};
    /// let hr = HResult::from(Instance::new().establish_connection(false, 0));
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn establish_connection(
        &mut self,
        has_name: bool,
        reserved: u32,
    ) -> Result<Accepted, Error> {
        self.handle(&Event::EstablishConnection { has_name, reserved })
    }
}

const _: () = assert!(Selection::MAX_LEN == Limits::CEILING_ITEMS);
