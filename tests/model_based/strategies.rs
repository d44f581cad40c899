//! Event strategies for the mobsync state-machine property tests.
//!
//! Two `ReferenceStateMachine`s over the same `RefState`:
//! - `ValidBiased`: ~85% of the generated events are ones the contract accepts in the current state
//!   (whole runs: initialize, enumerate, bind, passes with early completions, skips, cancels, logging,
//!   error UI with retry runs, properties UI, modal gate, connections); the rest are near misses.
//! - `FullyRandom`: any event, with small pools of ids, HRESULTs, statuses, masks and flags.

use super::reference::*;
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Just, Strategy, Union};
use proptest_state_machine::ReferenceStateMachine;

/// The state the strategies carry: the model, its profile and limits, the verdict of the last
/// transition.
#[derive(Clone, Debug)]
pub struct RefState {
    pub model: RefModel,
    pub compatible: bool,
    pub max_items: usize,
    pub max_error_ids: usize,
    /// Verdict of the last applied transition (None before the first one).
    pub last: Option<RefVerdict>,
}

/// Item ids used by `ValidBiased` (GUID-like, never GUID_NULL).
pub const ITEM_POOL: [Id; 6] = [
    0x6295_df27_35ee_11d1_8707_00c0_4fd9_3327,
    0x0000_0001_0000_0000_0000_0000_0000_0001,
    0x1111_1111_2222_3333_4444_5555_6666_7777,
    0xffff_ffff_ffff_ffff_ffff_ffff_ffff_ffff,
    0x0000_0000_0000_0000_0000_0000_0000_0002,
    0xa5a5_a5a5_5a5a_5a5a_0f0f_0f0f_f0f0_f0f0,
];

/// Error ids used by `ValidBiased` (never GUID_NULL).
pub const ERROR_POOL: [Id; 5] = [
    0xe000_0000_0000_0000_0000_0000_0000_0001,
    0xe000_0000_0000_0000_0000_0000_0000_0002,
    0xe000_0000_0000_0000_0000_0000_0000_0003,
    0x0000_0000_0000_0000_0000_0000_0000_00e4,
    0x7fff_ffff_ffff_ffff_ffff_ffff_ffff_ffe5,
];

/// HRESULT pool for `FullyRandom`.
pub const HR_POOL: [u32; 12] = [
    S_OK,
    S_FALSE,
    E_FAIL,
    E_UNEXPECTED,
    E_NOTIMPL,
    E_INVALIDARG,
    S_SYNCMGR_RETRYSYNC,
    S_SYNCMGR_CANCELITEM,
    S_SYNCMGR_CANCELALL,
    S_SYNCMGR_MISSINGITEMS,
    S_SYNCMGR_ITEMDELETED,
    S_SYNCMGR_ENUMITEMS,
];

/// Shared initial state: random profile; usually the default limits, sometimes small ones.
fn init_ref_state() -> BoxedStrategy<RefState> {
    let limits = prop_oneof![
        3 => Just((DEFAULT_MAX_ITEMS, DEFAULT_MAX_ERROR_IDS)),
        2 => (1usize..=4, 1usize..=3),
    ];
    (any::<bool>(), limits)
        .prop_map(|(compatible, (max_items, max_error_ids))| RefState {
            model: RefModel::new(compatible, max_items, max_error_ids),
            compatible,
            max_items,
            max_error_ids,
            last: None,
        })
        .boxed()
}

fn apply_ref(mut state: RefState, ev: &Ev) -> RefState {
    let verdict = state.model.apply(ev);
    state.last = Some(verdict);
    state
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

type Opts = Vec<(u32, BoxedStrategy<Ev>)>;

fn just(ev: Ev) -> BoxedStrategy<Ev> {
    Just(ev).boxed()
}

fn pick<T: Clone + std::fmt::Debug + 'static>(values: Vec<T>) -> BoxedStrategy<T> {
    proptest::sample::select(values).boxed()
}

/// A non-empty ordered subset of `ids` with at most `max_len` elements (ids assumed distinct).
fn subset(ids: Vec<Id>, max_len: usize) -> BoxedStrategy<Vec<Id>> {
    let max_len = max_len.min(ids.len()).max(1);
    proptest::sample::subsequence(ids, 1..=max_len)
        .prop_shuffle()
        .boxed()
}

fn union(opts: Opts) -> BoxedStrategy<Ev> {
    Union::new_weighted(opts).boxed()
}

fn valid_init_flags() -> BoxedStrategy<u32> {
    (0u32..=0xFF, any::<bool>(), any::<bool>())
        .prop_map(|(event, settings, bother)| {
            event | if settings { 0x100 } else { 0 } | if bother { 0x200 } else { 0 }
        })
        .boxed()
}

fn valid_raw_items(ids: Vec<Id>) -> BoxedStrategy<Vec<RawItem>> {
    let n = ids.len();
    (
        Just(ids),
        proptest::collection::vec(
            (
                0usize..=MAX_ITEM_NAME_UNITS,
                0u32..=ITEM_FLAGS_ALLOWED,
                0u32..=1,
            ),
            n,
        ),
    )
        .prop_map(|(ids, attrs)| {
            ids.into_iter()
                .zip(attrs)
                .map(|(id, (name_utf16_len, flags, state))| RawItem {
                    id,
                    name_utf16_len,
                    flags,
                    state,
                })
                .collect()
        })
        .boxed()
}

/// A valid EnumSyncMgrItems (0..=min(limit, 6) distinct items from the pool, success answer).
fn valid_enum(max_items: usize) -> BoxedStrategy<Ev> {
    let max_len = max_items.min(ITEM_POOL.len());
    let answer = prop_oneof![6 => Just(S_OK), 1 => Just(S_SYNCMGR_MISSINGITEMS), 1 => Just(E_FAIL)];
    (
        answer,
        proptest::sample::subsequence(ITEM_POOL.to_vec(), 0..=max_len).prop_shuffle(),
    )
        .prop_flat_map(|(answer, ids)| {
            valid_raw_items(ids).prop_map(move |items| Ev::EnumSyncMgrItems { answer, items })
        })
        .boxed()
}

fn valid_handler_info() -> BoxedStrategy<Ev> {
    let answer = prop_oneof![6 => Just(S_OK), 1 => Just(S_FALSE), 1 => Just(E_FAIL)];
    (
        answer,
        0usize..=MAX_HANDLER_NAME_UNITS,
        0u32..=HANDLER_FLAGS_ALLOWED,
    )
        .prop_map(|(answer, name_utf16_len, flags)| Ev::GetHandlerInfo {
            answer,
            name_utf16_len,
            flags,
        })
        .boxed()
}

/// Items the handler may name: the catalog when known, else the pool.
fn known_items(s: &Snapshot) -> Vec<Id> {
    match &s.catalog {
        Some(cat) => cat.clone(),
        None => ITEM_POOL.to_vec(),
    }
}

/// A valid Progress for one selection item.
fn valid_progress_for(item: &SelItem) -> BoxedStrategy<Ev> {
    let allowed = |finals: bool| -> Vec<u32> {
        ALL_STATUSES
            .iter()
            .copied()
            .filter(|s| status_transition_allowed(item.status, *s) && is_final_status(*s) == finals)
            .collect()
    };
    let (active, finals) = (allowed(false), allowed(true));
    // Mostly allowed moves, active ones first so items walk the whole graph (PAUSED, RESUMING…)
    // before they finish; now and then any status, so every refused edge of the §6 graph is
    // tried from the item's actual status.
    let mut statuses: Vec<(u32, BoxedStrategy<u32>)> = vec![(1, pick(ALL_STATUSES.to_vec()))];
    if !active.is_empty() {
        statuses.push((6, pick(active)));
    }
    if !finals.is_empty() {
        statuses.push((2, pick(finals)));
    }
    if item.skip_requested && status_transition_allowed(item.status, STATUS_SKIPPED) {
        statuses.push((4, Just(STATUS_SKIPPED).boxed()));
    }
    let status = Union::new_weighted(statuses);
    let answer = prop_oneof![12 => Just(S_OK), 1 => Just(S_SYNCMGR_CANCELITEM), 1 => Just(S_SYNCMGR_CANCELALL)];
    let id = item.id;
    let stored_value = item.value;
    let stored_max = item.max;
    (
        0u32..=PROGRESS_MASK_ALLOWED,
        prop::bool::weighted(0.7),
        status,
        0i32..=100,
        0i32..=100,
        answer,
    )
        .prop_map(move |(mut mask, with_status, status, a, b, answer)| {
            if with_status {
                mask |= PROGRESS_STATUSTYPE;
            }
            // max first: never below the value known after this call
            let mut max = 0;
            if mask & PROGRESS_MAXVALUE != 0 {
                max = stored_value.unwrap_or(0) + a;
            }
            let eff_max = if mask & PROGRESS_MAXVALUE != 0 {
                Some(max)
            } else {
                stored_max
            };
            let mut value = 0;
            if mask & PROGRESS_PROGVALUE != 0 {
                value = match eff_max {
                    Some(m) => b.min(m),
                    None => b,
                };
            }
            Ev::Progress {
                item: id,
                mask,
                status,
                value,
                max,
                answer,
            }
        })
        .boxed()
}

fn valid_progress(s: &Snapshot) -> BoxedStrategy<Ev> {
    let opts: Opts = s
        .selection
        .iter()
        .map(|it| (1, valid_progress_for(it)))
        .collect();
    union(opts)
}

fn valid_log_error(st: &RefState, s: &Snapshot) -> BoxedStrategy<Ev> {
    let fresh: Vec<Id> = ERROR_POOL
        .iter()
        .copied()
        .filter(|e| !s.error_log.contains(e))
        .collect();
    let room = s.error_log.len() < st.max_error_ids;
    // items the ITEMID bit may name
    let known = s.catalog.is_some() || !s.selection.is_empty();
    let mut item_choices: Vec<Id> = s.catalog.clone().unwrap_or_default();
    for it in &s.selection {
        if !item_choices.contains(&it.id) {
            item_choices.push(it.id);
        }
    }
    if !known {
        item_choices = ITEM_POOL.to_vec();
    }
    let compatible = st.compatible;
    let fresh_s = if fresh.is_empty() {
        Just(GUID_NULL).boxed()
    } else {
        pick(fresh)
    };
    let item_s = if item_choices.is_empty() {
        Just(GUID_NULL).boxed()
    } else {
        pick(item_choices)
    };
    let id_weight = if s.error_log.is_empty() { 0.8 } else { 0.5 };
    (
        1u32..=3,
        prop::bool::weighted(id_weight),
        any::<bool>(),
        any::<bool>(),
        0u32..=1,
        fresh_s,
        item_s,
    )
        .prop_map(
            move |(level, with_id, with_item, with_flags, error_flags, error_id, item)| {
                let mut mask = 0;
                if with_flags {
                    mask |= LOG_ERRORFLAGS;
                }
                if with_id && ((room && error_id != GUID_NULL) || compatible) {
                    mask |= LOG_ERRORID;
                }
                if with_item && item != GUID_NULL {
                    mask |= LOG_ITEMID;
                }
                let error_id = if compatible && !room {
                    GUID_NULL
                } else {
                    error_id
                };
                Ev::LogError {
                    level,
                    mask,
                    error_flags,
                    error_id,
                    item,
                }
            },
        )
        .boxed()
}

fn success_hr() -> BoxedStrategy<u32> {
    prop_oneof![4 => Just(S_OK), 1 => Just(S_FALSE)].boxed()
}

/// The accepted release (SetProgressCallback(NULL) -> Released, terminal), offered only after a pass,
/// as the manager does; kept rare so that runs stay long.
fn release_allowed(st: &RefState) -> bool {
    let s = st.model.snapshot();
    s.life == Life::Ready
        && matches!(s.pass, Pass::Finished(_) | Pass::Abandoned)
        && s.properties_ui == Ui::Closed
        && s.error_ui == Ui::Closed
}

/// Accepted events in the current state (apart from the rare release, see `release_allowed`).
pub fn valid_events(st: &RefState) -> Opts {
    let s = st.model.snapshot();
    let mut v: Opts = Vec::new();
    if s.life == Life::Created {
        let answer = prop_oneof![60 => Just(S_OK), 1 => Just(S_FALSE), 1 => Just(E_FAIL)];
        v.push((
            10,
            (valid_init_flags(), answer)
                .prop_map(|(flags, answer)| Ev::Initialize {
                    reserved: 0,
                    flags,
                    answer,
                })
                .boxed(),
        ));
        return v;
    }
    if s.life != Life::Ready {
        return v;
    }
    let window = st.model.in_reporting_window();
    // handler info, enumeration, binding
    v.push((1, valid_handler_info()));
    v.push((
        if s.catalog.is_none() { 6 } else { 1 },
        valid_enum(st.max_items),
    ));
    v.push((
        if s.bound { 1 } else { 12 },
        just(Ev::SetProgressCallback { set: true }),
    ));
    if !s.bound {
        return v;
    }
    // the pass
    match s.pass {
        Pass::Idle | Pass::Finished(_) => {
            let items = known_items(&s);
            let w = if s.pass == Pass::Idle { 14 } else { 6 };
            if !items.is_empty() {
                v.push((
                    w,
                    (
                        subset(items, st.max_items),
                        prop_oneof![8 => Just(0u32), 1 => any::<u32>()],
                    )
                        .prop_map(|(items, reserved)| Ev::PrepareForSync { items, reserved })
                        .boxed(),
                ));
            }
            let retry_ok = !s.retry.is_empty()
                && s.retry.len() <= st.max_items
                && s.retry
                    .iter()
                    .all(|r| s.catalog.as_ref().is_none_or(|c| c.contains(r)));
            if retry_ok {
                v.push((
                    w,
                    just(Ev::PrepareForSync {
                        items: s.retry.clone(),
                        reserved: 0,
                    }),
                ));
            }
        }
        Pass::Preparing => {
            v.push((
                10,
                just(Ev::Return {
                    method: Method::PrepareForSync,
                    hr: S_OK,
                }),
            ));
            v.push((
                1,
                pick(vec![S_FALSE, E_FAIL])
                    .prop_map(|hr| Ev::Return {
                        method: Method::PrepareForSync,
                        hr,
                    })
                    .boxed(),
            ));
            v.push((
                5,
                prop_oneof![16 => Just(S_OK), 1 => Just(E_FAIL)]
                    .prop_map(|hr| Ev::PrepareForSyncCompleted { hr })
                    .boxed(),
            ));
        }
        Pass::PreparingDone(_) => {
            v.push((
                8,
                just(Ev::Return {
                    method: Method::PrepareForSync,
                    hr: S_OK,
                }),
            ));
        }
        Pass::AwaitPrepareCompletion => {
            v.push((
                6,
                prop_oneof![24 => Just(S_OK), 1 => Just(E_FAIL), 1 => Just(S_FALSE)]
                    .prop_map(|hr| Ev::PrepareForSyncCompleted { hr })
                    .boxed(),
            ));
        }
        Pass::Prepared => {
            v.push((8, just(Ev::Synchronize)));
        }
        Pass::Synchronizing => {
            v.push((
                5,
                just(Ev::Return {
                    method: Method::Synchronize,
                    hr: S_OK,
                }),
            ));
            v.push((
                1,
                pick(vec![S_FALSE, E_FAIL])
                    .prop_map(|hr| Ev::Return {
                        method: Method::Synchronize,
                        hr,
                    })
                    .boxed(),
            ));
            v.push((
                3,
                prop_oneof![6 => Just(S_OK), 1 => Just(E_FAIL), 1 => Just(S_FALSE)]
                    .prop_map(|hr| Ev::SynchronizeCompleted { hr })
                    .boxed(),
            ));
        }
        Pass::SynchronizingDone(_) => {
            v.push((
                8,
                just(Ev::Return {
                    method: Method::Synchronize,
                    hr: S_OK,
                }),
            ));
        }
        Pass::AwaitSyncCompletion => {
            v.push((
                5,
                prop_oneof![6 => Just(S_OK), 1 => Just(E_FAIL), 1 => Just(S_FALSE)]
                    .prop_map(|hr| Ev::SynchronizeCompleted { hr })
                    .boxed(),
            ));
        }
        Pass::Abandoned => {}
    }
    // skips (windows A and B; compatible: SKIPPED also in Prepared, STOPPED anywhere)
    let skip_window = s.pass == Pass::AwaitPrepareCompletion
        || s.pass == Pass::AwaitSyncCompletion
        || (st.compatible && s.pass == Pass::Prepared);
    if skip_window && !s.selection.is_empty() {
        let ids: Vec<Id> = s.selection.iter().map(|i| i.id).collect();
        v.push((
            3,
            pick(ids)
                .prop_map(|item| Ev::SetItemStatus {
                    item,
                    status: STATUS_SKIPPED,
                })
                .boxed(),
        ));
    }
    if st.compatible {
        let mut ids = vec![GUID_NULL];
        ids.extend(s.selection.iter().map(|i| i.id));
        v.push((
            1,
            pick(ids)
                .prop_map(|item| Ev::SetItemStatus {
                    item,
                    status: STATUS_STOPPED,
                })
                .boxed(),
        ));
    }
    // reporting
    if window && !s.selection.is_empty() {
        // Report generously while items are unfinished, so they walk the whole status graph
        // before the pass moves on.
        let unfinished = s
            .selection
            .iter()
            .filter(|i| !is_final_status(i.status))
            .count() as u32;
        v.push((10 + 8 * unfinished.min(4), valid_progress(&s)));
        v.push((
            1,
            any::<bool>()
                .prop_map(|has_name| Ev::EstablishConnection {
                    has_name,
                    reserved: 0,
                })
                .boxed(),
        ));
    }
    // modal gate
    if s.gate_open {
        v.push((
            2,
            any::<u32>()
                .prop_map(|answer| Ev::EnableModeless {
                    enable: false,
                    answer,
                })
                .boxed(),
        ));
    } else if window || s.properties_ui != Ui::Closed || s.error_ui != Ui::Closed {
        v.push((
            2,
            prop_oneof![4 => Just(S_OK), 1 => Just(E_FAIL), 1 => Just(S_FALSE)]
                .prop_map(|answer| Ev::EnableModeless {
                    enable: true,
                    answer,
                })
                .boxed(),
        ));
    }
    // error log
    v.push((
        if s.error_log.is_empty() { 3 } else { 2 },
        valid_log_error(st, &s),
    ));
    if !s.error_log.is_empty() {
        v.push((
            1,
            pick(s.error_log.clone())
                .prop_map(|error| Ev::DeleteLogError { error, reserved: 0 })
                .boxed(),
        ));
    }
    if s.error_log.len() > 1 {
        v.push((
            1,
            just(Ev::DeleteLogError {
                error: GUID_NULL,
                reserved: 0,
            }),
        ));
    }
    // properties UI
    match s.properties_ui {
        Ui::Closed => {
            let mut ids = vec![GUID_NULL];
            ids.extend(known_items(&s));
            v.push((
                1,
                pick(ids)
                    .prop_map(|item| Ev::ShowProperties { item })
                    .boxed(),
            ));
        }
        Ui::Open => {
            v.push((
                2,
                prop_oneof![4 => success_hr(), 1 => Just(E_FAIL)]
                    .prop_map(|hr| Ev::Return {
                        method: Method::ShowProperties,
                        hr,
                    })
                    .boxed(),
            ));
            v.push((2, ui_props_done()));
        }
        Ui::Completed => {
            v.push((
                3,
                success_hr()
                    .prop_map(|hr| Ev::Return {
                        method: Method::ShowProperties,
                        hr,
                    })
                    .boxed(),
            ));
        }
        Ui::Returned => {
            v.push((3, ui_props_done()));
        }
    }
    // error UI (and retry lists)
    match s.error_ui {
        Ui::Closed => {
            if !s.error_log.is_empty() {
                v.push((
                    3,
                    pick(s.error_log.clone())
                        .prop_map(|error| Ev::ShowError { error })
                        .boxed(),
                ));
            }
        }
        Ui::Open => {
            v.push((
                2,
                prop_oneof![4 => success_hr(), 1 => Just(E_FAIL)]
                    .prop_map(|hr| Ev::Return {
                        method: Method::ShowError,
                        hr,
                    })
                    .boxed(),
            ));
            v.push((3, ui_error_done(&s, st.max_items)));
        }
        Ui::Completed => {
            v.push((
                3,
                success_hr()
                    .prop_map(|hr| Ev::Return {
                        method: Method::ShowError,
                        hr,
                    })
                    .boxed(),
            ));
        }
        Ui::Returned => {
            v.push((4, ui_error_done(&s, st.max_items)));
        }
    }
    v
}

fn ui_props_done() -> BoxedStrategy<Ev> {
    pick(vec![
        S_OK,
        S_OK,
        S_SYNCMGR_ITEMDELETED,
        S_SYNCMGR_ENUMITEMS,
        E_FAIL,
    ])
    .prop_map(|hr| Ev::ShowPropertiesCompleted { hr })
    .boxed()
}

fn ui_error_done(s: &Snapshot, max_items: usize) -> BoxedStrategy<Ev> {
    // retry lists name the selection's items, else the known items
    let mut ids: Vec<Id> = s.selection.iter().map(|i| i.id).collect();
    if ids.is_empty() {
        ids = known_items(s);
    }
    if ids.is_empty() {
        ids = ITEM_POOL.to_vec();
    }
    let retry = subset(ids, max_items).prop_map(|items| Ev::ShowErrorCompleted {
        hr: S_SYNCMGR_RETRYSYNC,
        items,
    });
    let other = (
        pick(vec![S_OK, S_FALSE, E_FAIL]),
        proptest::collection::vec(pick(ITEM_POOL.to_vec()), 0..=2),
    )
        .prop_map(|(hr, items)| Ev::ShowErrorCompleted { hr, items });
    prop_oneof![3 => retry, 2 => other].boxed()
}

/// Near misses: wrong window, unknown items, bad values, capacity.
pub fn near_misses(st: &RefState) -> Opts {
    let s = st.model.snapshot();
    let unknown: Id = 0x0bad_0000_0000_0000_0000_0000_0000_0bad;
    let sel_ids: Vec<Id> = s.selection.iter().map(|i| i.id).collect();
    let some_item = sel_ids.first().copied().unwrap_or(ITEM_POOL[0]);
    let mut v: Opts = vec![
        (
            1,
            pick(vec![GUID_NULL, ITEM_POOL[0]])
                .prop_map(|item| Ev::GetItemObject { item })
                .boxed(),
        ),
        (
            1,
            (
                pick(vec![0u32, 1]),
                pick(vec![0x3u32, 0x400, 0x1FF]),
                pick(vec![S_OK, E_FAIL]),
            )
                .prop_map(|(reserved, flags, answer)| Ev::Initialize {
                    reserved,
                    flags,
                    answer,
                })
                .boxed(),
        ),
        // wrong window / bad status / unknown item
        (
            2,
            (
                pick(vec![some_item, unknown, GUID_NULL]),
                pick(vec![
                    STATUS_SKIPPED,
                    STATUS_UPDATING,
                    STATUS_SUCCEEDED,
                    9,
                    0xFFFF_FFFF,
                ]),
            )
                .prop_map(|(item, status)| Ev::SetItemStatus { item, status })
                .boxed(),
        ),
        // progress: unknown item, bad mask, negative / inverted numbers, forbidden transition
        (
            2,
            (
                pick(vec![some_item, unknown]),
                pick(vec![0x2u32, 0x10, 0xC, 0x4]),
                // every status, so each edge of the §6 graph is tried from every status
                pick(ALL_STATUSES.iter().copied().chain([0x9]).collect()),
                -2i32..=5,
                -2i32..=3,
            )
                .prop_map(|(item, mask, status, value, max)| Ev::Progress {
                    item,
                    mask,
                    status,
                    value,
                    max,
                    answer: S_OK,
                })
                .boxed(),
        ),
        // returns and completions that are (probably) not owed
        (
            2,
            (
                pick(vec![
                    Method::PrepareForSync,
                    Method::Synchronize,
                    Method::ShowProperties,
                    Method::ShowError,
                ]),
                pick(vec![S_OK, S_FALSE, E_FAIL]),
            )
                .prop_map(|(method, hr)| Ev::Return { method, hr })
                .boxed(),
        ),
        (1, just(Ev::PrepareForSyncCompleted { hr: S_OK })),
        (1, just(Ev::SynchronizeCompleted { hr: S_OK })),
        (1, just(Ev::Synchronize)),
        (1, just(Ev::ShowPropertiesCompleted { hr: S_OK })),
        (
            1,
            just(Ev::ShowErrorCompleted {
                hr: S_SYNCMGR_RETRYSYNC,
                items: vec![],
            }),
        ),
        // log errors: bad level, bad mask, duplicate / fresh id (capacity when the log is full)
        (
            2,
            (
                pick(vec![0u32, 1, 4]),
                pick(vec![0x2u32, 0x8, 0x6]),
                pick(ERROR_POOL.to_vec()),
                pick(vec![unknown, some_item, GUID_NULL]),
            )
                .prop_map(|(level, mask, error_id, item)| Ev::LogError {
                    level,
                    mask,
                    error_flags: 0,
                    error_id,
                    item,
                })
                .boxed(),
        ),
        (
            1,
            (pick(vec![unknown, ERROR_POOL[0]]), pick(vec![0u32, 1]))
                .prop_map(|(error, reserved)| Ev::DeleteLogError { error, reserved })
                .boxed(),
        ),
        (
            1,
            pick(vec![unknown, GUID_NULL])
                .prop_map(|error| Ev::ShowError { error })
                .boxed(),
        ),
        (1, just(Ev::ShowProperties { item: unknown })),
        (
            1,
            pick(vec![0u32, 7])
                .prop_map(|reserved| Ev::EstablishConnection {
                    has_name: true,
                    reserved,
                })
                .boxed(),
        ),
        (
            1,
            any::<bool>()
                .prop_map(|enable| Ev::EnableModeless {
                    enable,
                    answer: S_OK,
                })
                .boxed(),
        ),
        // prepare: empty list, duplicates, during a pass, or more items than the limit
        (
            2,
            pick(vec![
                vec![],
                vec![some_item, some_item],
                vec![unknown],
                ITEM_POOL[..(st.max_items + 1).min(ITEM_POOL.len())].to_vec(),
            ])
            .prop_map(|items| Ev::PrepareForSync { items, reserved: 0 })
            .boxed(),
        ),
        // enumeration: duplicates, bad attributes, or more items than the limit
        (
            2,
            pick(vec![
                vec![
                    RawItem {
                        id: ITEM_POOL[0],
                        name_utf16_len: 1,
                        flags: 0,
                        state: 1
                    };
                    2
                ],
                vec![RawItem {
                    id: GUID_NULL,
                    name_utf16_len: 1,
                    flags: 0,
                    state: 1,
                }],
                vec![RawItem {
                    id: ITEM_POOL[1],
                    name_utf16_len: 128,
                    flags: 0x80,
                    state: 2,
                }],
                ITEM_POOL[..(st.max_items + 1).min(ITEM_POOL.len())]
                    .iter()
                    .map(|id| RawItem {
                        id: *id,
                        name_utf16_len: 4,
                        flags: 1,
                        state: 1,
                    })
                    .collect(),
            ])
            .prop_map(|items| Ev::EnumSyncMgrItems {
                answer: S_OK,
                items,
            })
            .boxed(),
        ),
        (
            1,
            (32usize..=40, 0x10u32..=0x1F)
                .prop_map(|(name_utf16_len, flags)| Ev::GetHandlerInfo {
                    answer: S_OK,
                    name_utf16_len,
                    flags,
                })
                .boxed(),
        ),
    ];
    // NULL callback while a pass is in progress or a UI is open
    if st.model.pass_in_progress() || s.properties_ui != Ui::Closed || s.error_ui != Ui::Closed {
        v.push((1, just(Ev::SetProgressCallback { set: false })));
    }
    // a fresh error id when the log is full: capacity
    if s.error_log.len() >= st.max_error_ids {
        let fresh: Vec<Id> = ERROR_POOL
            .iter()
            .copied()
            .filter(|e| !s.error_log.contains(e))
            .collect();
        if !fresh.is_empty() {
            v.push((
                3,
                pick(fresh)
                    .prop_map(|error_id| Ev::LogError {
                        level: 2,
                        mask: LOG_ERRORID,
                        error_flags: 0,
                        error_id,
                        item: GUID_NULL,
                    })
                    .boxed(),
            ));
        }
    }
    v
}

/// Strategy 1: mostly accepted events, driving whole runs.
pub struct ValidBiased;

impl ReferenceStateMachine for ValidBiased {
    type State = RefState;
    type Transition = Ev;

    fn init_state() -> BoxedStrategy<RefState> {
        init_ref_state()
    }

    fn transitions(state: &RefState) -> BoxedStrategy<Ev> {
        let valid = valid_events(state);
        let near = union(near_misses(state));
        if valid.is_empty() {
            return near;
        }
        let mut opts = vec![(850, union(valid)), (150, near)];
        if release_allowed(state) {
            opts.push((4, just(Ev::SetProgressCallback { set: false })));
        }
        Union::new_weighted(opts).boxed()
    }

    fn apply(state: RefState, transition: &Ev) -> RefState {
        apply_ref(state, transition)
    }

    fn preconditions(_state: &RefState, _transition: &Ev) -> bool {
        true
    }
}

// ---------------------------------------------------------------------------------------------
// FullyRandom
// ---------------------------------------------------------------------------------------------

fn r_id() -> BoxedStrategy<Id> {
    prop_oneof![1 => Just(GUID_NULL), 3 => Just(ITEM_POOL[0]), 3 => Just(ITEM_POOL[1]), 3 => Just(ITEM_POOL[2])].boxed()
}

fn r_error_id() -> BoxedStrategy<Id> {
    prop_oneof![1 => Just(GUID_NULL), 3 => Just(ERROR_POOL[0]), 3 => Just(ERROR_POOL[1]), 2 => Just(ERROR_POOL[2])].boxed()
}

fn r_hr() -> BoxedStrategy<u32> {
    prop_oneof![4 => Just(S_OK), 6 => pick(HR_POOL.to_vec()), 1 => any::<u32>()].boxed()
}

fn r_status() -> BoxedStrategy<u32> {
    prop_oneof![10 => 0u32..=11, 1 => Just(STATUS_DELETED), 1 => Just(0xFFFF_FFFF), 1 => Just(0x8000_0000)].boxed()
}

fn r_reserved() -> BoxedStrategy<u32> {
    prop_oneof![5 => Just(0u32), 1 => Just(1u32), 1 => any::<u32>()].boxed()
}

fn r_ids() -> BoxedStrategy<Vec<Id>> {
    proptest::collection::vec(r_id(), 0..=4).boxed()
}

fn r_raw_item() -> BoxedStrategy<RawItem> {
    (
        r_id(),
        pick(vec![0usize, 1, 31, 127, 128]),
        prop_oneof![4 => 0u32..=0x7F, 1 => 0u32..=0xFF],
        prop_oneof![4 => 0u32..=1, 1 => Just(2u32)],
    )
        .prop_map(|(id, name_utf16_len, flags, state)| RawItem {
            id,
            name_utf16_len,
            flags,
            state,
        })
        .boxed()
}

fn r_small_int() -> BoxedStrategy<i32> {
    prop_oneof![6 => 0i32..=10, 1 => -3i32..=-1, 1 => any::<i32>()].boxed()
}

/// Strategy 2: any event, small pools.
pub struct FullyRandom;

impl ReferenceStateMachine for FullyRandom {
    type State = RefState;
    type Transition = Ev;

    fn init_state() -> BoxedStrategy<RefState> {
        init_ref_state()
    }

    fn transitions(_state: &RefState) -> BoxedStrategy<Ev> {
        let methods = pick(vec![
            Method::PrepareForSync,
            Method::Synchronize,
            Method::ShowProperties,
            Method::ShowError,
        ]);
        let init_flags = prop_oneof![4 => 0u32..=0x3FF, 1 => any::<u32>()];
        prop_oneof![
            3 => (r_reserved(), init_flags, prop_oneof![4 => Just(S_OK), 1 => r_hr()]).prop_map(|(reserved, flags, answer)| Ev::Initialize { reserved, flags, answer }),
            1 => (r_hr(), 0usize..=40, 0u32..=0x1F).prop_map(|(answer, name_utf16_len, flags)| Ev::GetHandlerInfo { answer, name_utf16_len, flags }),
            2 => (r_hr(), proptest::collection::vec(r_raw_item(), 0..=4)).prop_map(|(answer, items)| Ev::EnumSyncMgrItems { answer, items }),
            1 => r_id().prop_map(|item| Ev::GetItemObject { item }),
            3 => prop::bool::weighted(0.93).prop_map(|set| Ev::SetProgressCallback { set }),
            3 => (r_ids(), r_reserved()).prop_map(|(items, reserved)| Ev::PrepareForSync { items, reserved }),
            2 => Just(Ev::Synchronize),
            3 => (r_id(), r_status()).prop_map(|(item, status)| Ev::SetItemStatus { item, status }),
            1 => r_id().prop_map(|item| Ev::ShowProperties { item }),
            1 => r_error_id().prop_map(|error| Ev::ShowError { error }),
            4 => (methods, r_hr()).prop_map(|(method, hr)| Ev::Return { method, hr }),
            2 => r_hr().prop_map(|hr| Ev::PrepareForSyncCompleted { hr }),
            2 => r_hr().prop_map(|hr| Ev::SynchronizeCompleted { hr }),
            1 => r_hr().prop_map(|hr| Ev::ShowPropertiesCompleted { hr }),
            1 => (r_hr(), r_ids()).prop_map(|(hr, items)| Ev::ShowErrorCompleted { hr, items }),
            1 => (any::<bool>(), r_hr()).prop_map(|(enable, answer)| Ev::EnableModeless { enable, answer }),
            4 => (r_id(), 0u32..=0x1F, r_status(), r_small_int(), r_small_int(), r_hr())
                .prop_map(|(item, mask, status, value, max, answer)| Ev::Progress { item, mask, status, value, max, answer }),
            2 => (0u32..=4, 0u32..=0xF, 0u32..=2, r_error_id(), r_id())
                .prop_map(|(level, mask, error_flags, error_id, item)| Ev::LogError { level, mask, error_flags, error_id, item }),
            1 => (r_error_id(), r_reserved()).prop_map(|(error, reserved)| Ev::DeleteLogError { error, reserved }),
            1 => (any::<bool>(), r_reserved()).prop_map(|(has_name, reserved)| Ev::EstablishConnection { has_name, reserved }),
        ]
        .boxed()
    }

    fn apply(state: RefState, transition: &Ev) -> RefState {
        apply_ref(state, transition)
    }

    fn preconditions(_state: &RefState, _transition: &Ev) -> bool {
        true
    }
}
