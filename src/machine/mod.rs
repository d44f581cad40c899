//! The engine: one handler instance as a sans-IO state machine (CONTRACT §4–§7).
//!
//! [`Instance::handle`] is the one dispatch: every event is decided first against an immutable
//! view of the state (`decide`, one function per rule, in the file of its region), and only an
//! accepted decision is applied (`apply`), so a rejected event changes nothing (R-ATOMIC).
//! SetItemStatus(SKIPPED) and Progress take fast paths inside `handle`, whose window answers are
//! cached from the same window decisions the generic path makes (see
//! [the engine manual](crate::manual::engine)).
//!
//! The files, by region of CONTRACT §4:
//! - `window.rs`: the life, binding and pass-table checks every event's window is made of, and
//!   the hot events' cached answers;
//! - `life.rs`: Life and Callback (R-INIT, R-INFO, R-OBJ, R-CB);
//! - `pass.rs`: the pass (R-PREP, R-PREP-RET, R-SYNC, R-SYNC-RET, R-PREP-DONE, R-SYNC-DONE,
//!   R-CONN);
//! - `items.rs`: the catalog and the selection (R-ENUM, R-SIS, R-PROG);
//! - `ui.rs`: the Properties and Error UIs, the retry list and the modal gate (R-PROPS,
//!   R-PROPS-RET, R-PROPS-DONE, R-ERR, R-ERR-RET, R-ERR-DONE, R-MODAL);
//! - `log.rs`: the error log (R-LOG, R-DELLOG);
//! - `calls.rs`: one method per event, each handing its event to `handle`;
//! - `queries.rs`: what the state is, and the end-of-pass report.

mod calls;
mod config;
mod event;
mod index;
mod items;
mod life;
mod log;
mod pass;
mod queries;
mod report;
mod selection;
mod ui;
mod window;

pub use config::{Config, Limits};
pub use event::{
    Event, HandlerInfo, LogErrorInfo, Method, ProgressAnswer, ProgressItem, SyncMgrItem,
};
pub use report::{ItemView, PassReport};

pub(crate) use index::Indexed;
use selection::{Change, NEVER, Selection};

use crate::error::{Conflict, Error};
use crate::flags::SyncMgrFlags;
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;
use crate::rule::EventKind;
use crate::state::{Gate, Life, Phase, UiPhase};

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
    /// An accepted `event` that did not finish a pass.
    const fn of(event: EventKind) -> Self {
        Self {
            event,
            finished_pass: false,
        }
    }

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

/// The Properties UI or the Error UI (they share one table).
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
    /// The hot events' window answers for the current life, binding and phase (derived state,
    /// recomputed by `apply`).
    hot: Hot,
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
        let mut instance = Self {
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
            hot: Hot::CLOSED,
        };
        instance.hot = instance.hot_windows();
        instance
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
    #[inline(always)]
    pub fn handle(&mut self, event: &Event<'_>) -> Result<Accepted, Error> {
        self.dispatch(*event)
    }

    /// The one dispatch, behind [`Instance::handle`] and every method named after an event: the
    /// hot events' fast paths, or the generic path. It takes the event by value and is always
    /// inlined, so a caller with a known event (the methods of `calls.rs`) keeps only its own
    /// arm and builds no event in memory.
    #[inline(always)]
    fn dispatch(&mut self, event: Event<'_>) -> Result<Accepted, Error> {
        match event {
            Event::SetItemStatus { item, status } => self.set_item_status_fast(item, status),
            Event::Progress {
                item,
                progress,
                answer,
            } => self.progress_fast(item, progress, answer),
            _ => self.handle_generic(&event),
        }
    }

    /// Every event but the hot ones: decide, then apply.
    #[inline(never)]
    fn handle_generic(&mut self, event: &Event<'_>) -> Result<Accepted, Error> {
        let plan = self.decide(event)?;
        Ok(self.apply(event.kind(), plan))
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

    /// The decision on `event`: each rule's in the file of its region.
    fn decide<'a>(&self, event: &Event<'a>) -> Result<Plan<'a>, Error> {
        match *event {
            Event::Initialize {
                reserved,
                flags,
                answer,
            } => self.decide_initialize(reserved, flags, answer),
            Event::GetHandlerInfo { answer, info } => self.decide_handler_info(answer, info),
            Event::EnumSyncMgrItems { answer, items } => self.decide_enum(answer, items),
            Event::GetItemObject { .. } => self.decide_item_object(),
            Event::SetProgressCallback { bind } => self.decide_callback(bind),
            Event::PrepareForSync { items, reserved: _ } => self.decide_prepare(items),
            Event::Synchronize => self.decide_synchronize(),
            Event::SetItemStatus { item, status } => self.decide_set_item_status(item, status),
            Event::ShowProperties { item } => self.decide_show_properties(item),
            Event::ShowError { error } => self.decide_show_error(error),
            Event::Return { method, hr } => match method {
                Method::PrepareForSync | Method::Synchronize => self.decide_pass_return(method, hr),
                Method::ShowProperties | Method::ShowError => self.decide_ui_return(method, hr),
            },
            Event::PrepareForSyncCompleted { hr } => self.decide_prepare_completed(hr),
            Event::SynchronizeCompleted { hr } => self.decide_synchronize_completed(hr),
            Event::ShowPropertiesCompleted { hr: _ } => self.decide_properties_completed(),
            Event::ShowErrorCompleted { hr, items } => self.decide_error_completed(hr, items),
            Event::EnableModeless { enable, answer } => self.decide_modeless(enable, answer),
            Event::Progress {
                item,
                progress,
                answer,
            } => self.decide_progress(item, progress, answer),
            Event::LogError { level, info } => self.decide_log(level, info),
            Event::DeleteLogError { error, reserved } => self.decide_delete_log(error, reserved),
            Event::EstablishConnection {
                has_name: _,
                reserved,
            } => self.decide_connection(reserved),
        }
    }

    /// Applies an accepted decision: the only place the state changes.
    fn apply(&mut self, event: EventKind, plan: Plan<'_>) -> Accepted {
        let mut finished_pass = false;
        // The hot events' windows depend on life, binding and phase only.
        let windows_move = matches!(
            plan,
            Plan::Initialize { .. }
                | Plan::Bind
                | Plan::Release
                | Plan::Prepare(_)
                | Plan::Phase(_)
        );
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
            Plan::Skip(item, change) => self.record(item, change, false),
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
            } => self.record(item, change, cancel_all),
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
        if windows_move {
            self.hot = self.hot_windows();
        }
        Accepted {
            event,
            finished_pass,
        }
    }

    /// Records a decided change of one item, and a cancel-all.
    fn record(&mut self, item: ItemId, change: Change, cancel_all: bool) {
        let Ok(()) = self.selection.update(item, &mut self.epoch, |_| {
            Ok::<_, core::convert::Infallible>(Some(change))
        });
        if cancel_all {
            self.sweep();
        }
    }

    /// A cancel-all or stop-all: every item not final now has a skip request (in O(1)).
    fn sweep(&mut self) {
        self.sweep_at = self.sweep_at.min(self.epoch);
    }
}

/// The hot events' window answers for the current life, binding and phase, cached by `apply`
/// from the window decisions of `window.rs` (`set_item_status_window`, `progress_window`).
#[derive(Clone, Copy, Debug)]
struct Hot {
    /// SetItemStatus(SKIPPED)'s window (R-SIS, or CONTRACT §7 in the compatible profile).
    skip: Window,
    /// Progress's window (R-PROG).
    progress: Window,
}

/// One hot event's window, as `apply` cached it from the window decision.
#[derive(Clone, Copy, Debug)]
struct Window {
    /// The decision accepted the window.
    open: bool,
    /// The decision's refusal, when not `open`. A flag beside the error rather than a
    /// `Result<(), Error>`: measured, the `Result` cost Progress four instructions a call.
    refusal: Error,
}

impl Window {
    /// The cached form of a window decision.
    const fn of(decision: Result<(), Error>, closed: Error) -> Self {
        match decision {
            Ok(()) => Self {
                open: true,
                refusal: closed,
            },
            Err(refusal) => Self {
                open: false,
                refusal,
            },
        }
    }
}

impl Hot {
    /// A placeholder until an instance computes its own.
    const CLOSED: Self = Self {
        skip: Window::of(Err(Self::UNREADY_SKIP), Self::UNREADY_SKIP),
        progress: Window::of(Err(Self::UNREADY_PROGRESS), Self::UNREADY_PROGRESS),
    };
    const UNREADY_SKIP: Error =
        Instance::out_of_window(EventKind::SetItemStatus, Conflict::Life(Life::Created));
    const UNREADY_PROGRESS: Error =
        Instance::out_of_window(EventKind::Progress, Conflict::Life(Life::Created));
}

const _: () = assert!(Selection::MAX_LEN == Limits::CEILING_ITEMS);
