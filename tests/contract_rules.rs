//! One test per rule id of CONTRACT.md and per `[D]` decision, named after it.
//!
//! Each rejection is also checked for R-ATOMIC: the observable state before and after is equal.

use mobsync::{
    Config, Error, ErrorId, Event, HResult, Instance, ItemId, Life, LogErrorInfo, Method, Phase,
    Profile, ProgressAnswer, ProgressItem, Rule, SyncMgrFlags, SyncMgrItem, SyncMgrStatus, UiPhase,
};

const A: ItemId = ItemId::from_u128(0xA);
const B: ItemId = ItemId::from_u128(0xB);
const C: ItemId = ItemId::from_u128(0xC);
const E1: ErrorId = ErrorId::from_u128(0xE1);
const S_OK: HResult = HResult::S_OK;
const MANUAL: SyncMgrFlags = SyncMgrFlags::from_bits(0x3);

/// Everything a user can observe of an instance, for R-ATOMIC comparisons.
fn observe(i: &Instance) -> String {
    format!(
        "{:?} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {} {:?} {:?}",
        i.life(),
        i.is_bound(),
        i.phase(),
        i.catalog(),
        i.selection().collect::<Vec<_>>(),
        i.properties_ui(),
        i.error_ui(),
        i.gate(),
        i.error_log(),
        i.anonymous_errors(),
        i.retry_items(),
        i.sync_flags(),
    )
}

/// Hands `event` to the instance, expects a rejection with `hr` by `rule`, and checks R-ATOMIC.
#[track_caller]
fn reject(i: &mut Instance, event: Event<'_>, hr: HResult, rule: Rule) -> Error {
    let before = observe(i);
    let err = i
        .handle(&event)
        .expect_err("the contract refuses this event");
    assert_eq!((err.hresult(), err.rule()), (hr, rule), "{err}");
    assert_eq!(
        observe(i),
        before,
        "R-ATOMIC: a rejected event changed the state"
    );
    assert!(i.check(&event).is_err());
    err
}

#[track_caller]
fn accept(i: &mut Instance, event: Event<'_>) -> mobsync::Accepted {
    i.handle(&event)
        .unwrap_or_else(|err| panic!("{event:?} refused: {err}"))
}

fn instance(profile: Profile) -> Instance {
    Instance::with_config(Config::default().profile(profile))
}

/// Life Ready with a callback bound.
fn ready_with(profile: Profile) -> Instance {
    let mut i = instance(profile);
    i.initialize(0, MANUAL, S_OK).unwrap();
    i.set_progress_callback(true).unwrap();
    i
}

fn ready() -> Instance {
    ready_with(Profile::Documented)
}

/// PrepareForSync entered (phase Preparing).
fn preparing(items: &[ItemId]) -> Instance {
    let mut i = ready();
    i.prepare_for_sync(items, 0).unwrap();
    i
}

/// Window A: PrepareForSync returned S_OK, no completion yet.
fn window_a(items: &[ItemId]) -> Instance {
    let mut i = preparing(items);
    i.returned(Method::PrepareForSync, S_OK).unwrap();
    i
}

fn prepared_with(profile: Profile, items: &[ItemId]) -> Instance {
    let mut i = ready_with(profile);
    i.prepare_for_sync(items, 0).unwrap();
    i.returned(Method::PrepareForSync, S_OK).unwrap();
    i.prepare_for_sync_completed(S_OK).unwrap();
    i
}

fn prepared(items: &[ItemId]) -> Instance {
    prepared_with(Profile::Documented, items)
}

fn synchronizing(items: &[ItemId]) -> Instance {
    let mut i = prepared(items);
    i.synchronize().unwrap();
    i
}

/// Window B: Synchronize returned S_OK, no completion yet.
fn window_b(items: &[ItemId]) -> Instance {
    let mut i = synchronizing(items);
    i.returned(Method::Synchronize, S_OK).unwrap();
    i
}

fn finished(items: &[ItemId]) -> Instance {
    let mut i = window_b(items);
    i.synchronize_completed(S_OK).unwrap();
    i
}

fn status(s: SyncMgrStatus) -> ProgressItem {
    ProgressItem::status(s)
}

fn progress(item: ItemId, p: ProgressItem) -> Event<'static> {
    Event::Progress {
        item,
        progress: p,
        answer: ProgressAnswer::Continue,
    }
}

fn sis(item: ItemId, status: u32) -> Event<'static> {
    Event::SetItemStatus { item, status }
}

const SKIPPED: u32 = SyncMgrStatus::Skipped as u32;

// ---- R-ATOMIC ------------------------------------------------------------------------------

#[test]
fn r_atomic_a_rejected_event_changes_nothing_in_any_region() {
    let mut i = window_b(&[A, B]);
    i.log_error(3, LogErrorInfo::default().with_error_id(E1))
        .unwrap();
    i.progress(
        A,
        status(SyncMgrStatus::Updating).with_max(10),
        ProgressAnswer::Continue,
    )
    .unwrap();
    // Each of these fails a different check after earlier ones pass; none may leave a trace.
    reject(
        &mut i,
        progress(A, status(SyncMgrStatus::Pending)),
        HResult::E_ACCESSDENIED,
        Rule::Prog,
    );
    reject(
        &mut i,
        progress(A, ProgressItem::default().with_value(11)),
        HResult::E_INVALIDARG,
        Rule::Prog,
    );
    reject(
        &mut i,
        Event::PrepareForSync {
            items: &[C],
            reserved: 0,
        },
        HResult::E_UNEXPECTED,
        Rule::Prep,
    );
    reject(
        &mut i,
        Event::ShowErrorCompleted {
            hr: HResult::S_SYNCMGR_RETRYSYNC,
            items: &[A],
        },
        HResult::E_UNEXPECTED,
        Rule::ErrDone,
    );
    reject(
        &mut i,
        Event::LogError {
            level: 1,
            info: LogErrorInfo::default().with_error_id(E1),
        },
        HResult::E_INVALIDARG,
        Rule::Log,
    );
    reject(
        &mut i,
        Event::SetProgressCallback { bind: false },
        HResult::E_UNEXPECTED,
        Rule::Cb,
    );
    reject(
        &mut i,
        Event::Return {
            method: Method::Synchronize,
            hr: S_OK,
        },
        HResult::E_UNEXPECTED,
        Rule::SyncRet,
    );
}

// ---- R-INIT --------------------------------------------------------------------------------

#[test]
fn r_init_is_accepted_once_in_life_created() {
    let mut i = Instance::new();
    accept(
        &mut i,
        Event::Initialize {
            reserved: 0,
            flags: MANUAL,
            answer: S_OK,
        },
    );
    assert_eq!(i.life(), Life::Ready);
    let again = Event::Initialize {
        reserved: 0,
        flags: MANUAL,
        answer: S_OK,
    };
    reject(&mut i, again, HResult::E_UNEXPECTED, Rule::Init);
}

#[test]
fn r_init_reserved_or_flag_bits_outside_0x3ff_are_invalid() {
    let mut i = Instance::new();
    reject(
        &mut i,
        Event::Initialize {
            reserved: 1,
            flags: MANUAL,
            answer: S_OK,
        },
        HResult::E_INVALIDARG,
        Rule::Init,
    );
    let bad = SyncMgrFlags::from_bits(0x403);
    reject(
        &mut i,
        Event::Initialize {
            reserved: 0,
            flags: bad,
            answer: S_OK,
        },
        HResult::E_INVALIDARG,
        Rule::Init,
    );
    // An event byte outside 1..=6 is MANUAL, not an error.
    accept(
        &mut i,
        Event::Initialize {
            reserved: 0,
            flags: SyncMgrFlags::from_bits(0x2FF),
            answer: S_OK,
        },
    );
    assert_eq!(
        i.sync_flags().map(|f| f.event()),
        Some(mobsync::SyncEvent::Manual)
    );
}

#[test]
fn r_init_answer_other_than_s_ok_declines_and_declined_refuses_everything() {
    for answer in [
        HResult::S_FALSE,
        HResult::E_FAIL,
        HResult::S_SYNCMGR_MISSINGITEMS,
    ] {
        let mut i = Instance::new();
        accept(
            &mut i,
            Event::Initialize {
                reserved: 0,
                flags: MANUAL,
                answer,
            },
        );
        assert_eq!(i.life(), Life::Declined);
        reject(
            &mut i,
            Event::GetItemObject { item: A },
            HResult::E_UNEXPECTED,
            Rule::Obj,
        );
        reject(
            &mut i,
            Event::SetProgressCallback { bind: true },
            HResult::E_UNEXPECTED,
            Rule::Cb,
        );
    }
}

#[test]
fn d_released_refuses_every_event() {
    let mut i = ready();
    accept(&mut i, Event::SetProgressCallback { bind: false });
    assert_eq!(i.life(), Life::Released);
    reject(
        &mut i,
        Event::SetProgressCallback { bind: true },
        HResult::E_UNEXPECTED,
        Rule::Cb,
    );
    reject(
        &mut i,
        Event::GetItemObject { item: A },
        HResult::E_UNEXPECTED,
        Rule::Obj,
    );
    reject(
        &mut i,
        Event::LogError {
            level: 1,
            info: LogErrorInfo::default(),
        },
        HResult::E_UNEXPECTED,
        Rule::Log,
    );
    reject(
        &mut i,
        Event::Initialize {
            reserved: 0,
            flags: MANUAL,
            answer: S_OK,
        },
        HResult::E_UNEXPECTED,
        Rule::Init,
    );
}

// ---- R-INFO --------------------------------------------------------------------------------

#[test]
fn r_info_checks_name_length_and_flags_of_a_success_only() {
    let mut i = Instance::new();
    let info = mobsync::HandlerInfo::new("Files", 0x1);
    reject(
        &mut i,
        Event::GetHandlerInfo { answer: S_OK, info },
        HResult::E_UNEXPECTED,
        Rule::Info,
    );
    i.initialize(0, MANUAL, S_OK).unwrap();
    accept(&mut i, Event::GetHandlerInfo { answer: S_OK, info });
    let long = mobsync::HandlerInfo::new(&"x".repeat(32), 0);
    reject(
        &mut i,
        Event::GetHandlerInfo {
            answer: S_OK,
            info: long,
        },
        HResult::E_INVALIDARG,
        Rule::Info,
    );
    accept(
        &mut i,
        Event::GetHandlerInfo {
            answer: S_OK,
            info: mobsync::HandlerInfo::new(&"x".repeat(31), 0xF),
        },
    );
    let flags = mobsync::HandlerInfo::new("Files", 0x10);
    reject(
        &mut i,
        Event::GetHandlerInfo {
            answer: S_OK,
            info: flags,
        },
        HResult::E_INVALIDARG,
        Rule::Info,
    );
    // A failure hands out nothing: not checked.
    accept(
        &mut i,
        Event::GetHandlerInfo {
            answer: HResult::E_FAIL,
            info: flags,
        },
    );
}

// ---- R-ENUM --------------------------------------------------------------------------------

#[test]
fn r_enum_success_sets_the_catalog_and_failure_changes_nothing() {
    let mut i = Instance::new();
    i.initialize(0, MANUAL, S_OK).unwrap();
    assert_eq!(i.catalog(), None);
    accept(
        &mut i,
        Event::EnumSyncMgrItems {
            answer: HResult::E_FAIL,
            items: &[SyncMgrItem::new(A, "a"), SyncMgrItem::new(A, "a")],
        },
    );
    assert_eq!(i.catalog(), None);
    accept(
        &mut i,
        Event::EnumSyncMgrItems {
            answer: HResult::S_SYNCMGR_MISSINGITEMS,
            items: &[SyncMgrItem::new(A, "a")],
        },
    );
    assert_eq!(i.catalog(), Some(&[A][..]));
    accept(
        &mut i,
        Event::EnumSyncMgrItems {
            answer: S_OK,
            items: &[],
        },
    );
    assert_eq!(
        i.catalog(),
        Some(&[][..]),
        "an empty enumeration is a known, empty catalog"
    );
}

#[test]
fn r_enum_refuses_null_duplicate_long_names_bad_flags_and_states() {
    let mut i = Instance::new();
    i.initialize(0, MANUAL, S_OK).unwrap();
    let ok = SyncMgrItem::new(A, "a");
    let cases = [
        SyncMgrItem::new(ItemId::NULL, "null"),
        ok,
        SyncMgrItem::new(B, &"n".repeat(128)),
        SyncMgrItem {
            flags: 0x80,
            ..SyncMgrItem::new(B, "b")
        },
        SyncMgrItem {
            state: 2,
            ..SyncMgrItem::new(B, "b")
        },
    ];
    for bad in cases {
        let items = [ok, bad];
        reject(
            &mut i,
            Event::EnumSyncMgrItems {
                answer: S_OK,
                items: &items,
            },
            HResult::E_INVALIDARG,
            Rule::Enum,
        );
    }
    let edge = [
        ok,
        SyncMgrItem {
            flags: 0x7F,
            state: 0,
            ..SyncMgrItem::new(B, &"n".repeat(127))
        },
    ];
    accept(
        &mut i,
        Event::EnumSyncMgrItems {
            answer: S_OK,
            items: &edge,
        },
    );
}

#[test]
fn r_enum_during_a_pass_keeps_the_selection() {
    let mut i = window_a(&[A, B]);
    accept(
        &mut i,
        Event::EnumSyncMgrItems {
            answer: S_OK,
            items: &[SyncMgrItem::new(C, "c")],
        },
    );
    assert_eq!(i.selection().map(|v| v.id).collect::<Vec<_>>(), [A, B]);
    assert_eq!(i.catalog(), Some(&[C][..]));
}

// ---- R-OBJ ---------------------------------------------------------------------------------

#[test]
fn r_obj_get_item_object_is_always_not_implemented() {
    let mut i = Instance::new();
    let err = i.get_item_object(A).unwrap_err();
    assert_eq!((err.hresult(), err.rule()), (HResult::E_NOTIMPL, Rule::Obj));
    let mut i = window_b(&[A]);
    assert_eq!(
        HResult::from(i.get_item_object(ItemId::NULL)),
        HResult::E_NOTIMPL
    );
}

// ---- R-CB ----------------------------------------------------------------------------------

#[test]
fn r_cb_binds_rebinds_and_null_releases() {
    let mut i = Instance::new();
    reject(
        &mut i,
        Event::SetProgressCallback { bind: true },
        HResult::E_UNEXPECTED,
        Rule::Cb,
    );
    i.initialize(0, MANUAL, S_OK).unwrap();
    accept(&mut i, Event::SetProgressCallback { bind: true });
    let mut i = window_a(&[A]);
    accept(&mut i, Event::SetProgressCallback { bind: true });
    assert!(i.is_bound());
    let mut i = finished(&[A]);
    accept(&mut i, Event::SetProgressCallback { bind: false });
    assert_eq!(i.life(), Life::Released);
}

#[test]
fn d_cb_null_is_refused_while_a_pass_is_in_progress_or_a_ui_is_open() {
    for mut i in [
        preparing(&[A]),
        window_a(&[A]),
        prepared(&[A]),
        synchronizing(&[A]),
        window_b(&[A]),
    ] {
        reject(
            &mut i,
            Event::SetProgressCallback { bind: false },
            HResult::E_UNEXPECTED,
            Rule::Cb,
        );
    }
    let mut i = ready();
    i.show_properties(ItemId::NULL).unwrap();
    reject(
        &mut i,
        Event::SetProgressCallback { bind: false },
        HResult::E_UNEXPECTED,
        Rule::Cb,
    );
    let mut i = ready();
    i.log_error(3, LogErrorInfo::default().with_error_id(E1))
        .unwrap();
    i.show_error(E1).unwrap();
    i.returned(Method::ShowError, S_OK).unwrap();
    reject(
        &mut i,
        Event::SetProgressCallback { bind: false },
        HResult::E_UNEXPECTED,
        Rule::Cb,
    );
    // An abandoned pass is not in progress.
    let mut i = preparing(&[A]);
    i.returned(Method::PrepareForSync, HResult::S_FALSE)
        .unwrap();
    accept(&mut i, Event::SetProgressCallback { bind: false });
}

// ---- R-PREP --------------------------------------------------------------------------------

#[test]
fn r_prep_needs_a_callback_and_no_pass_in_progress() {
    let mut i = Instance::new();
    i.initialize(0, MANUAL, S_OK).unwrap();
    reject(
        &mut i,
        Event::PrepareForSync {
            items: &[A],
            reserved: 0,
        },
        HResult::E_UNEXPECTED,
        Rule::Prep,
    );
    for mut i in [
        preparing(&[A]),
        window_a(&[A]),
        prepared(&[A]),
        synchronizing(&[A]),
        window_b(&[A]),
    ] {
        // A second PrepareForSync while a pass is in progress.
        reject(
            &mut i,
            Event::PrepareForSync {
                items: &[B],
                reserved: 0,
            },
            HResult::E_UNEXPECTED,
            Rule::Prep,
        );
    }
    let mut i = finished(&[A]);
    accept(
        &mut i,
        Event::PrepareForSync {
            items: &[B],
            reserved: 7,
        },
    );
    assert_eq!(i.phase(), Phase::Preparing, "reserved is ignored");
}

#[test]
fn r_prep_refuses_empty_duplicate_and_null_lists() {
    let mut i = ready();
    reject(
        &mut i,
        Event::PrepareForSync {
            items: &[],
            reserved: 0,
        },
        HResult::E_INVALIDARG,
        Rule::Prep,
    );
    reject(
        &mut i,
        Event::PrepareForSync {
            items: &[A, B, A],
            reserved: 0,
        },
        HResult::E_INVALIDARG,
        Rule::Prep,
    );
    reject(
        &mut i,
        Event::PrepareForSync {
            items: &[A, ItemId::NULL],
            reserved: 0,
        },
        HResult::E_INVALIDARG,
        Rule::Prep,
    );
}

#[test]
fn r_prep_with_a_known_catalog_refuses_items_outside_it() {
    let mut i = ready();
    i.enum_sync_mgr_items(S_OK, &[SyncMgrItem::new(A, "a")])
        .unwrap();
    let err = reject(
        &mut i,
        Event::PrepareForSync {
            items: &[A, B],
            reserved: 0,
        },
        HResult::E_INVALIDARG,
        Rule::Prep,
    );
    assert!(matches!(err, Error::UnknownItem { item: B, .. }));
    accept(
        &mut i,
        Event::PrepareForSync {
            items: &[A],
            reserved: 0,
        },
    );
}

#[test]
fn r_prep_replaces_the_selection_whole_and_clears_the_retry_list() {
    let mut i = window_b(&[A, B]);
    i.set_item_status(A, SKIPPED).unwrap();
    i.progress(
        B,
        status(SyncMgrStatus::Succeeded).with_value(1).with_max(1),
        ProgressAnswer::Continue,
    )
    .unwrap();
    i.synchronize_completed(S_OK).unwrap();
    i.log_error(3, LogErrorInfo::default().with_error_id(E1))
        .unwrap();
    i.show_error(E1).unwrap();
    i.show_error_completed(HResult::S_SYNCMGR_RETRYSYNC, &[A])
        .unwrap();
    i.returned(Method::ShowError, S_OK).unwrap();
    assert_eq!(i.retry_items(), [A]);
    accept(
        &mut i,
        Event::PrepareForSync {
            items: &[B, A],
            reserved: 0,
        },
    );
    let fresh: Vec<_> = i
        .selection()
        .map(|v| (v.id, v.status, v.skip_requested, v.value, v.max))
        .collect();
    assert_eq!(
        fresh,
        [
            (B, SyncMgrStatus::Pending, false, None, None),
            (A, SyncMgrStatus::Pending, false, None, None)
        ]
    );
    assert!(i.retry_items().is_empty());
}

// ---- R-PREP-RET, R-PREP-DONE ---------------------------------------------------------------

#[test]
fn r_prep_ret_s_ok_opens_window_a_and_anything_else_abandons() {
    let mut i = preparing(&[A]);
    accept(
        &mut i,
        Event::Return {
            method: Method::PrepareForSync,
            hr: S_OK,
        },
    );
    assert_eq!(i.phase(), Phase::AwaitPrepareCompletion);
    for hr in [HResult::S_FALSE, HResult::E_FAIL] {
        let mut i = preparing(&[A]);
        accept(
            &mut i,
            Event::Return {
                method: Method::PrepareForSync,
                hr,
            },
        );
        assert_eq!(i.phase(), Phase::Abandoned);
        reject(
            &mut i,
            Event::PrepareForSync {
                items: &[A],
                reserved: 0,
            },
            HResult::E_UNEXPECTED,
            Rule::Prep,
        );
    }
}

#[test]
fn r_prep_ret_after_an_early_completion() {
    // Early completion S_OK, then S_OK: Prepared.
    let mut i = preparing(&[A]);
    accept(&mut i, Event::PrepareForSyncCompleted { hr: S_OK });
    assert_eq!(i.phase(), Phase::PreparingDone(S_OK));
    accept(
        &mut i,
        Event::Return {
            method: Method::PrepareForSync,
            hr: S_OK,
        },
    );
    assert_eq!(i.phase(), Phase::Prepared);
    // Early completion then a failure return: a violation, and the call stays open.
    let mut i = preparing(&[A]);
    i.prepare_for_sync_completed(S_OK).unwrap();
    reject(
        &mut i,
        Event::Return {
            method: Method::PrepareForSync,
            hr: HResult::E_FAIL,
        },
        HResult::E_UNEXPECTED,
        Rule::PrepRet,
    );
    reject(
        &mut i,
        Event::Return {
            method: Method::PrepareForSync,
            hr: HResult::S_FALSE,
        },
        HResult::E_UNEXPECTED,
        Rule::PrepRet,
    );
    assert_eq!(i.phase(), Phase::PreparingDone(S_OK));
    // Early completion with a failure, then S_OK: Abandoned.
    let mut i = preparing(&[A]);
    i.prepare_for_sync_completed(HResult::E_FAIL).unwrap();
    accept(
        &mut i,
        Event::Return {
            method: Method::PrepareForSync,
            hr: S_OK,
        },
    );
    assert_eq!(i.phase(), Phase::Abandoned);
}

#[test]
fn r_prep_ret_without_an_open_call_is_unexpected() {
    for mut i in [ready(), window_a(&[A]), finished(&[A])] {
        reject(
            &mut i,
            Event::Return {
                method: Method::PrepareForSync,
                hr: S_OK,
            },
            HResult::E_UNEXPECTED,
            Rule::PrepRet,
        );
    }
}

#[test]
fn r_prep_done_is_accepted_once_per_pass() {
    let mut i = window_a(&[A]);
    accept(&mut i, Event::PrepareForSyncCompleted { hr: S_OK });
    assert_eq!(i.phase(), Phase::Prepared);
    reject(
        &mut i,
        Event::PrepareForSyncCompleted { hr: S_OK },
        HResult::E_UNEXPECTED,
        Rule::PrepDone,
    );
    let mut i = preparing(&[A]);
    i.prepare_for_sync_completed(S_OK).unwrap();
    reject(
        &mut i,
        Event::PrepareForSyncCompleted { hr: S_OK },
        HResult::E_UNEXPECTED,
        Rule::PrepDone,
    );
    let mut i = window_a(&[A]);
    accept(
        &mut i,
        Event::PrepareForSyncCompleted {
            hr: HResult::E_FAIL,
        },
    );
    assert_eq!(i.phase(), Phase::Abandoned);
    reject(
        &mut i,
        Event::Synchronize,
        HResult::E_UNEXPECTED,
        Rule::Sync,
    );
    let mut i = ready();
    reject(
        &mut i,
        Event::PrepareForSyncCompleted { hr: S_OK },
        HResult::E_UNEXPECTED,
        Rule::PrepDone,
    );
}

// ---- R-SYNC, R-SYNC-RET, R-SYNC-DONE -------------------------------------------------------

#[test]
fn r_sync_is_accepted_only_when_prepared() {
    for mut i in [
        ready(),
        preparing(&[A]),
        window_a(&[A]),
        synchronizing(&[A]),
        window_b(&[A]),
        finished(&[A]),
    ] {
        reject(
            &mut i,
            Event::Synchronize,
            HResult::E_UNEXPECTED,
            Rule::Sync,
        );
    }
    let mut i = prepared(&[A]);
    accept(&mut i, Event::Synchronize);
    assert_eq!(i.phase(), Phase::Synchronizing);
}

#[test]
fn r_sync_ret_s_ok_opens_window_b_and_anything_else_finishes() {
    let mut i = synchronizing(&[A]);
    accept(
        &mut i,
        Event::Return {
            method: Method::Synchronize,
            hr: S_OK,
        },
    );
    assert_eq!(i.phase(), Phase::AwaitSyncCompletion);
    let mut i = synchronizing(&[A]);
    let done = accept(
        &mut i,
        Event::Return {
            method: Method::Synchronize,
            hr: HResult::S_FALSE,
        },
    );
    assert!(done.finished_pass());
    assert_eq!(i.phase(), Phase::Finished(HResult::S_FALSE));
}

#[test]
fn r_sync_ret_after_an_early_completion_finishes_with_the_completion_hresult() {
    let mut i = synchronizing(&[A]);
    accept(
        &mut i,
        Event::SynchronizeCompleted {
            hr: HResult::E_FAIL,
        },
    );
    assert_eq!(i.phase(), Phase::SynchronizingDone(HResult::E_FAIL));
    reject(
        &mut i,
        Event::Return {
            method: Method::Synchronize,
            hr: HResult::E_FAIL,
        },
        HResult::E_UNEXPECTED,
        Rule::SyncRet,
    );
    let done = accept(
        &mut i,
        Event::Return {
            method: Method::Synchronize,
            hr: S_OK,
        },
    );
    assert!(done.finished_pass());
    assert_eq!(i.phase(), Phase::Finished(HResult::E_FAIL));
}

#[test]
fn r_sync_done_is_accepted_once_per_pass() {
    let mut i = window_b(&[A]);
    let done = accept(&mut i, Event::SynchronizeCompleted { hr: S_OK });
    assert!(done.finished_pass());
    reject(
        &mut i,
        Event::SynchronizeCompleted { hr: S_OK },
        HResult::E_UNEXPECTED,
        Rule::SyncDone,
    );
    let mut i = synchronizing(&[A]);
    i.synchronize_completed(S_OK).unwrap();
    reject(
        &mut i,
        Event::SynchronizeCompleted { hr: S_OK },
        HResult::E_UNEXPECTED,
        Rule::SyncDone,
    );
    let mut i = prepared(&[A]);
    reject(
        &mut i,
        Event::SynchronizeCompleted { hr: S_OK },
        HResult::E_UNEXPECTED,
        Rule::SyncDone,
    );
}

// ---- R-SIS (the seed's cases) --------------------------------------------------------------

#[test]
fn r_sis_outside_windows_is_unexpected() {
    let cases = [
        ("before PrepareForSync", ready()),
        ("PrepareForSync not yet returned", preparing(&[A])),
        (
            "between PrepareForSyncCompleted and Synchronize",
            prepared(&[A]),
        ),
        ("during Synchronize before it returns", synchronizing(&[A])),
        ("after SynchronizeCompleted", finished(&[A])),
    ];
    for (when, mut i) in cases {
        let err = reject(&mut i, sis(A, SKIPPED), HResult::E_UNEXPECTED, Rule::Sis);
        assert!(matches!(err, Error::OutOfWindow { .. }), "{when}");
    }
    let mut i = Instance::new();
    reject(&mut i, sis(A, SKIPPED), HResult::E_UNEXPECTED, Rule::Sis);
}

#[test]
fn r_sis_skipped_in_windows_a_and_b_sets_the_skip_request() {
    for mut i in [window_a(&[A, B]), window_b(&[A, B])] {
        accept(&mut i, sis(A, SKIPPED));
        assert!(i.is_skip_requested(A));
        assert!(!i.is_skip_requested(B));
        accept(&mut i, sis(A, SKIPPED)); // idempotent
        assert!(i.is_skip_requested(A));
    }
}

#[test]
fn r_sis_every_status_but_skipped_is_invalid() {
    let mut i = window_a(&[A]);
    for s in SyncMgrStatus::ALL
        .into_iter()
        .filter(|&s| s != SyncMgrStatus::Skipped)
    {
        reject(&mut i, sis(A, s as u32), HResult::E_INVALIDARG, Rule::Sis);
    }
}

#[test]
fn r_sis_dwords_that_are_not_statuses_are_invalid() {
    let mut i = window_b(&[A]);
    for dword in [0x9, 0xFF, 0x101, 0x8000_0001, u32::MAX] {
        let err = reject(&mut i, sis(A, dword), HResult::E_INVALIDARG, Rule::Sis);
        assert!(
            matches!(err, Error::InvalidArgument { problem: mobsync::Problem::InvalidStatus(d), .. } if d == dword)
        );
    }
}

#[test]
fn r_sis_unknown_or_enumerated_but_unselected_items_are_invalid() {
    let mut i = ready();
    i.enum_sync_mgr_items(S_OK, &[SyncMgrItem::new(A, "a"), SyncMgrItem::new(B, "b")])
        .unwrap();
    i.prepare_for_sync(&[A], 0).unwrap();
    i.returned(Method::PrepareForSync, S_OK).unwrap();
    let err = reject(&mut i, sis(B, SKIPPED), HResult::E_INVALIDARG, Rule::Sis);
    assert!(matches!(
        err,
        Error::UnknownItem {
            item: B,
            scope: mobsync::Scope::Selection,
            ..
        }
    ));
    reject(&mut i, sis(C, SKIPPED), HResult::E_INVALIDARG, Rule::Sis);
    reject(
        &mut i,
        sis(ItemId::NULL, SKIPPED),
        HResult::E_INVALIDARG,
        Rule::Sis,
    );
}

#[test]
fn r_sis_on_an_item_already_final_changes_nothing() {
    let mut i = window_b(&[A]);
    i.progress(
        A,
        status(SyncMgrStatus::Succeeded),
        ProgressAnswer::Continue,
    )
    .unwrap();
    accept(&mut i, sis(A, SKIPPED));
    assert!(!i.is_skip_requested(A));
}

// ---- R-PROPS, R-PROPS-RET, R-PROPS-DONE ----------------------------------------------------

#[test]
fn r_props_opens_the_properties_ui_once() {
    let mut i = Instance::new();
    i.initialize(0, MANUAL, S_OK).unwrap();
    reject(
        &mut i,
        Event::ShowProperties { item: ItemId::NULL },
        HResult::E_UNEXPECTED,
        Rule::Props,
    );
    i.set_progress_callback(true).unwrap();
    i.enum_sync_mgr_items(S_OK, &[SyncMgrItem::new(A, "a")])
        .unwrap();
    reject(
        &mut i,
        Event::ShowProperties { item: B },
        HResult::E_INVALIDARG,
        Rule::Props,
    );
    accept(&mut i, Event::ShowProperties { item: A });
    reject(
        &mut i,
        Event::ShowProperties { item: A },
        HResult::E_UNEXPECTED,
        Rule::Props,
    );
    // Without a known catalog any item is accepted.
    let mut i = ready();
    accept(&mut i, Event::ShowProperties { item: C });
}

#[test]
fn r_props_ret_and_r_props_done_in_either_order() {
    let ret = |hr| Event::Return {
        method: Method::ShowProperties,
        hr,
    };
    // Return first, then completion.
    let mut i = ready();
    i.show_properties(A).unwrap();
    accept(&mut i, ret(HResult::S_FALSE));
    assert_eq!(i.properties_ui(), UiPhase::Returned);
    reject(&mut i, ret(S_OK), HResult::E_UNEXPECTED, Rule::PropsRet);
    accept(
        &mut i,
        Event::ShowPropertiesCompleted {
            hr: HResult::S_SYNCMGR_ENUMITEMS,
        },
    );
    assert_eq!(i.properties_ui(), UiPhase::Closed);
    // A failing return closes at once; no completion is owed.
    i.show_properties(A).unwrap();
    accept(&mut i, ret(HResult::E_FAIL));
    assert_eq!(i.properties_ui(), UiPhase::Closed);
    reject(
        &mut i,
        Event::ShowPropertiesCompleted { hr: S_OK },
        HResult::E_UNEXPECTED,
        Rule::PropsDone,
    );
    // Completion first, then a success return; a failure return after it is a violation.
    i.show_properties(A).unwrap();
    accept(&mut i, Event::ShowPropertiesCompleted { hr: S_OK });
    assert_eq!(i.properties_ui(), UiPhase::Completed);
    reject(
        &mut i,
        Event::ShowPropertiesCompleted { hr: S_OK },
        HResult::E_UNEXPECTED,
        Rule::PropsDone,
    );
    reject(
        &mut i,
        ret(HResult::E_FAIL),
        HResult::E_UNEXPECTED,
        Rule::PropsRet,
    );
    accept(&mut i, ret(S_OK));
    assert_eq!(i.properties_ui(), UiPhase::Closed);
}

// ---- R-ERR, R-ERR-RET, R-ERR-DONE ----------------------------------------------------------

#[test]
fn r_err_needs_a_logged_error_id() {
    let mut i = ready();
    reject(
        &mut i,
        Event::ShowError {
            error: ErrorId::NULL,
        },
        HResult::E_INVALIDARG,
        Rule::Err,
    );
    reject(
        &mut i,
        Event::ShowError { error: E1 },
        HResult::E_INVALIDARG,
        Rule::Err,
    );
    i.log_error(3, LogErrorInfo::default().with_error_id(E1))
        .unwrap();
    accept(&mut i, Event::ShowError { error: E1 });
    reject(
        &mut i,
        Event::ShowError { error: E1 },
        HResult::E_UNEXPECTED,
        Rule::Err,
    );
}

#[test]
fn r_err_ret_follows_the_ui_table() {
    let mut i = ready();
    i.log_error(3, LogErrorInfo::default().with_error_id(E1))
        .unwrap();
    reject(
        &mut i,
        Event::Return {
            method: Method::ShowError,
            hr: S_OK,
        },
        HResult::E_UNEXPECTED,
        Rule::ErrRet,
    );
    i.show_error(E1).unwrap();
    accept(
        &mut i,
        Event::Return {
            method: Method::ShowError,
            hr: S_OK,
        },
    );
    assert_eq!(i.error_ui(), UiPhase::Returned);
    i.show_error_completed(S_OK, &[]).unwrap();
    i.show_error(E1).unwrap();
    i.show_error_completed(S_OK, &[]).unwrap();
    reject(
        &mut i,
        Event::Return {
            method: Method::ShowError,
            hr: HResult::E_FAIL,
        },
        HResult::E_UNEXPECTED,
        Rule::ErrRet,
    );
}

#[test]
fn r_err_done_retrysync_records_a_valid_retry_list() {
    let mut i = finished(&[A, B]);
    i.log_error(3, LogErrorInfo::default().with_error_id(E1))
        .unwrap();
    i.show_error(E1).unwrap();
    let retry = HResult::S_SYNCMGR_RETRYSYNC;
    reject(
        &mut i,
        Event::ShowErrorCompleted {
            hr: retry,
            items: &[],
        },
        HResult::E_INVALIDARG,
        Rule::ErrDone,
    );
    reject(
        &mut i,
        Event::ShowErrorCompleted {
            hr: retry,
            items: &[A, A],
        },
        HResult::E_INVALIDARG,
        Rule::ErrDone,
    );
    reject(
        &mut i,
        Event::ShowErrorCompleted {
            hr: retry,
            items: &[ItemId::NULL],
        },
        HResult::E_INVALIDARG,
        Rule::ErrDone,
    );
    accept(
        &mut i,
        Event::ShowErrorCompleted {
            hr: retry,
            items: &[B],
        },
    );
    assert_eq!(i.retry_items(), [B]);
    i.returned(Method::ShowError, S_OK).unwrap();
    // Retry after ShowErrorCompleted(S_SYNCMGR_RETRYSYNC): the manager runs another pass.
    i.prepare_for_sync(&[B], 0).unwrap();
    i.prepare_for_sync_completed(S_OK).unwrap();
    i.returned(Method::PrepareForSync, S_OK).unwrap();
    i.synchronize().unwrap();
    assert_eq!(i.phase(), Phase::Synchronizing);
    // Other HRESULTs ignore the list, even an invalid one.
    let mut i = ready();
    i.log_error(3, LogErrorInfo::default().with_error_id(E1))
        .unwrap();
    i.show_error(E1).unwrap();
    accept(
        &mut i,
        Event::ShowErrorCompleted {
            hr: S_OK,
            items: &[A, A],
        },
    );
    assert!(i.retry_items().is_empty());
}

// ---- R-MODAL -------------------------------------------------------------------------------

#[test]
fn r_modal_gate_opens_on_s_ok_in_the_reporting_window_or_with_a_ui_open() {
    let enable = |answer| Event::EnableModeless {
        enable: true,
        answer,
    };
    let disable = Event::EnableModeless {
        enable: false,
        answer: S_OK,
    };
    let mut i = ready();
    reject(&mut i, enable(S_OK), HResult::E_UNEXPECTED, Rule::Modal);
    reject(&mut i, disable, HResult::E_UNEXPECTED, Rule::Modal);
    i.show_properties(A).unwrap();
    accept(&mut i, enable(HResult::S_FALSE));
    assert_eq!(i.gate(), mobsync::Gate::Shut, "only S_OK opens the gate");
    accept(&mut i, enable(S_OK));
    assert_eq!(i.gate(), mobsync::Gate::Open);
    reject(&mut i, enable(S_OK), HResult::E_UNEXPECTED, Rule::Modal);
    accept(
        &mut i,
        Event::EnableModeless {
            enable: false,
            answer: HResult::E_FAIL,
        },
    );
    assert_eq!(i.gate(), mobsync::Gate::Shut);
    let mut i = synchronizing(&[A]);
    i.synchronize_completed(S_OK).unwrap();
    reject(&mut i, enable(S_OK), HResult::E_UNEXPECTED, Rule::Modal);
    let mut i = window_a(&[A]);
    accept(&mut i, enable(S_OK));
}

#[test]
fn d_modal_gate_stays_open_after_the_pass_ends() {
    let mut i = window_b(&[A]);
    i.enable_modeless(true, S_OK).unwrap();
    i.synchronize_completed(S_OK).unwrap();
    assert_eq!(i.gate(), mobsync::Gate::Open);
    accept(
        &mut i,
        Event::EnableModeless {
            enable: false,
            answer: S_OK,
        },
    );
}

// ---- R-PROG --------------------------------------------------------------------------------

#[test]
fn r_prog_only_in_the_reporting_window() {
    for mut i in [ready(), finished(&[A])] {
        reject(
            &mut i,
            progress(A, status(SyncMgrStatus::Updating)),
            HResult::E_UNEXPECTED,
            Rule::Prog,
        );
    }
    let mut i = synchronizing(&[A]);
    i.synchronize_completed(S_OK).unwrap();
    reject(
        &mut i,
        progress(A, status(SyncMgrStatus::Updating)),
        HResult::E_UNEXPECTED,
        Rule::Prog,
    );
    let mut i = preparing(&[A]);
    i.prepare_for_sync_completed(HResult::E_FAIL).unwrap();
    accept(&mut i, progress(A, status(SyncMgrStatus::Updating)));
    for mut i in [
        preparing(&[A]),
        window_a(&[A]),
        prepared(&[A]),
        synchronizing(&[A]),
        window_b(&[A]),
    ] {
        accept(&mut i, progress(A, status(SyncMgrStatus::Updating)));
    }
}

#[test]
fn r_prog_refuses_bad_masks_values_and_statuses() {
    let mut i = window_b(&[A]);
    let bad_mask = ProgressItem {
        mask: 0x10,
        ..ProgressItem::default()
    };
    reject(
        &mut i,
        progress(A, bad_mask),
        HResult::E_INVALIDARG,
        Rule::Prog,
    );
    reject(
        &mut i,
        progress(A, ProgressItem::default().with_value(-1)),
        HResult::E_INVALIDARG,
        Rule::Prog,
    );
    reject(
        &mut i,
        progress(A, ProgressItem::default().with_max(-5)),
        HResult::E_INVALIDARG,
        Rule::Prog,
    );
    reject(
        &mut i,
        progress(A, ProgressItem::default().with_value(6).with_max(5)),
        HResult::E_INVALIDARG,
        Rule::Prog,
    );
    let not_a_status = ProgressItem {
        mask: 0x2,
        status: 0x9,
        ..ProgressItem::default()
    };
    reject(
        &mut i,
        progress(A, not_a_status),
        HResult::E_INVALIDARG,
        Rule::Prog,
    );
    // Fields whose bit is clear are not read.
    let ignored = ProgressItem {
        mask: 0x1,
        status: 0x9,
        value: -1,
        max: -1,
    };
    accept(&mut i, progress(A, ignored));
    // value > max also against what was reported earlier.
    accept(&mut i, progress(A, ProgressItem::default().with_max(10)));
    reject(
        &mut i,
        progress(A, ProgressItem::default().with_value(11)),
        HResult::E_INVALIDARG,
        Rule::Prog,
    );
    accept(&mut i, progress(A, ProgressItem::default().with_value(10)));
    reject(
        &mut i,
        progress(A, ProgressItem::default().with_max(9)),
        HResult::E_INVALIDARG,
        Rule::Prog,
    );
    assert_eq!(
        i.item(A).map(|v| (v.value, v.max)),
        Some((Some(10), Some(10)))
    );
}

#[test]
fn r_prog_refuses_items_outside_the_selection() {
    let mut i = window_b(&[A]);
    reject(
        &mut i,
        progress(B, status(SyncMgrStatus::Updating)),
        HResult::E_INVALIDARG,
        Rule::Prog,
    );
}

#[test]
fn r_prog_refuses_transitions_the_graph_refuses_with_access_denied() {
    let mut i = window_b(&[A]);
    accept(&mut i, progress(A, status(SyncMgrStatus::Succeeded)));
    let err = reject(
        &mut i,
        progress(A, status(SyncMgrStatus::Updating)),
        HResult::E_ACCESSDENIED,
        Rule::Prog,
    );
    assert!(matches!(
        err,
        Error::IllegalTransition {
            from: SyncMgrStatus::Succeeded,
            to: SyncMgrStatus::Updating,
            ..
        }
    ));
    accept(&mut i, progress(A, status(SyncMgrStatus::Failed)));
}

#[test]
fn r_prog_cancel_item_and_cancel_all_leave_final_items_alone() {
    let mut i = window_b(&[A, B, C]);
    i.progress(
        C,
        status(SyncMgrStatus::Succeeded),
        ProgressAnswer::Continue,
    )
    .unwrap();
    accept(
        &mut i,
        Event::Progress {
            item: A,
            progress: status(SyncMgrStatus::Updating),
            answer: ProgressAnswer::CancelItem,
        },
    );
    assert_eq!(
        [i.is_skip_requested(A), i.is_skip_requested(B)],
        [true, false]
    );
    // The call's own status makes B final first: B is left alone, A and the rest are not.
    let mut i = window_b(&[A, B, C]);
    accept(
        &mut i,
        Event::Progress {
            item: B,
            progress: status(SyncMgrStatus::Failed),
            answer: ProgressAnswer::CancelAll,
        },
    );
    assert_eq!(
        [
            i.is_skip_requested(A),
            i.is_skip_requested(B),
            i.is_skip_requested(C)
        ],
        [true, false, true]
    );
    // Items that become final later keep the request.
    i.progress(
        A,
        status(SyncMgrStatus::Succeeded),
        ProgressAnswer::Continue,
    )
    .unwrap();
    assert!(i.is_skip_requested(A));
    let mut i = window_b(&[A]);
    accept(
        &mut i,
        Event::Progress {
            item: A,
            progress: status(SyncMgrStatus::Skipped),
            answer: ProgressAnswer::CancelItem,
        },
    );
    assert!(!i.is_skip_requested(A));
}

// ---- R-LOG, R-DELLOG -----------------------------------------------------------------------

#[test]
fn r_log_checks_level_mask_ids_and_items() {
    let log = |level, info| Event::LogError { level, info };
    let mut i = Instance::new();
    i.initialize(0, MANUAL, S_OK).unwrap();
    reject(
        &mut i,
        log(1, LogErrorInfo::default()),
        HResult::E_UNEXPECTED,
        Rule::Log,
    );
    i.set_progress_callback(true).unwrap();
    for level in [0, 4, u32::MAX] {
        reject(
            &mut i,
            log(level, LogErrorInfo::default()),
            HResult::E_INVALIDARG,
            Rule::Log,
        );
    }
    reject(
        &mut i,
        log(
            1,
            LogErrorInfo {
                mask: 0x8,
                ..LogErrorInfo::default()
            },
        ),
        HResult::E_INVALIDARG,
        Rule::Log,
    );
    reject(
        &mut i,
        log(1, LogErrorInfo::default().with_error_id(ErrorId::NULL)),
        HResult::E_INVALIDARG,
        Rule::Log,
    );
    reject(
        &mut i,
        log(1, LogErrorInfo::default().with_item(ItemId::NULL)),
        HResult::E_INVALIDARG,
        Rule::Log,
    );
    // Neither catalog nor selection known: any item.
    accept(&mut i, log(2, LogErrorInfo::default().with_item(C)));
    accept(
        &mut i,
        log(
            3,
            LogErrorInfo::default()
                .with_error_id(E1)
                .with_error_flags(0xFFFF),
        ),
    );
    reject(
        &mut i,
        log(3, LogErrorInfo::default().with_error_id(E1)),
        HResult::E_INVALIDARG,
        Rule::Log,
    );
    assert_eq!(i.error_log(), [E1]);
    i.enum_sync_mgr_items(S_OK, &[SyncMgrItem::new(A, "a")])
        .unwrap();
    reject(
        &mut i,
        log(2, LogErrorInfo::default().with_item(C)),
        HResult::E_INVALIDARG,
        Rule::Log,
    );
    i.prepare_for_sync(&[A], 0).unwrap();
    accept(&mut i, log(2, LogErrorInfo::default().with_item(A)));
    // In the selection but no longer in the catalog: still known.
    i.enum_sync_mgr_items(S_OK, &[SyncMgrItem::new(B, "b")])
        .unwrap();
    accept(&mut i, log(2, LogErrorInfo::default().with_item(A)));
    accept(&mut i, log(2, LogErrorInfo::default().with_item(B)));
    reject(
        &mut i,
        log(2, LogErrorInfo::default().with_item(C)),
        HResult::E_INVALIDARG,
        Rule::Log,
    );
}

#[test]
fn r_dellog_deletes_one_or_all() {
    let del = |error, reserved| Event::DeleteLogError { error, reserved };
    let e2 = ErrorId::from_u128(0xE2);
    let mut i = ready();
    accept(&mut i, del(ErrorId::NULL, 0)); // also when nothing was logged
    i.log_error(3, LogErrorInfo::default().with_error_id(E1))
        .unwrap();
    i.log_error(3, LogErrorInfo::default().with_error_id(e2))
        .unwrap();
    i.log_error(1, LogErrorInfo::default()).unwrap();
    reject(&mut i, del(E1, 1), HResult::E_INVALIDARG, Rule::DelLog);
    reject(
        &mut i,
        del(ErrorId::from_u128(0xE3), 0),
        HResult::E_INVALIDARG,
        Rule::DelLog,
    );
    accept(&mut i, del(E1, 0));
    assert_eq!(i.error_log(), [e2]);
    reject(&mut i, del(E1, 0), HResult::E_INVALIDARG, Rule::DelLog);
    accept(&mut i, del(ErrorId::NULL, 0));
    assert_eq!((i.error_log().len(), i.anonymous_errors()), (0, 0));
    let mut i = Instance::new();
    i.initialize(0, MANUAL, S_OK).unwrap();
    reject(
        &mut i,
        del(ErrorId::NULL, 0),
        HResult::E_UNEXPECTED,
        Rule::DelLog,
    );
}

// ---- R-CONN --------------------------------------------------------------------------------

#[test]
fn r_conn_only_in_the_reporting_window_with_reserved_zero() {
    let conn = |reserved| Event::EstablishConnection {
        has_name: true,
        reserved,
    };
    for mut i in [ready(), finished(&[A])] {
        reject(&mut i, conn(0), HResult::E_UNEXPECTED, Rule::Conn);
    }
    let mut i = window_a(&[A]);
    reject(&mut i, conn(1), HResult::E_INVALIDARG, Rule::Conn);
    accept(&mut i, conn(0));
    accept(
        &mut i,
        Event::EstablishConnection {
            has_name: false,
            reserved: 0,
        },
    );
}

// ---- [D] decisions -------------------------------------------------------------------------

#[test]
fn d_check_order_window_then_values_then_identity_then_transition_then_capacity() {
    // Out of window beats an invalid status and an unknown item.
    let mut i = prepared(&[A]);
    reject(&mut i, sis(C, 0x9), HResult::E_UNEXPECTED, Rule::Sis);
    // An invalid value beats an unknown item.
    let mut i = window_b(&[A]);
    let err = reject(&mut i, sis(C, 0x9), HResult::E_INVALIDARG, Rule::Sis);
    assert!(matches!(err, Error::InvalidArgument { .. }));
    // An unknown item beats a transition (which needs the item).
    let err = reject(
        &mut i,
        progress(C, status(SyncMgrStatus::Pending)),
        HResult::E_INVALIDARG,
        Rule::Prog,
    );
    assert!(matches!(err, Error::UnknownItem { .. }));
    // Values beat capacity.
    let mut i = Instance::with_config(Config::default().max_items(1));
    i.initialize(0, MANUAL, S_OK).unwrap();
    i.set_progress_callback(true).unwrap();
    reject(
        &mut i,
        Event::PrepareForSync {
            items: &[A, A],
            reserved: 0,
        },
        HResult::E_INVALIDARG,
        Rule::Prep,
    );
    reject(
        &mut i,
        Event::PrepareForSync {
            items: &[A, B],
            reserved: 0,
        },
        HResult::E_OUTOFMEMORY,
        Rule::Prep,
    );
}

/// CONTRACT §6, written out as pairs independently of `rules::status_successors`.
#[test]
fn d_status_graph_allows_exactly_the_listed_moves() {
    use SyncMgrStatus::*;
    let finals = [Succeeded, Failed, Skipped, Stopped, Deleted];
    let mut allowed: Vec<(SyncMgrStatus, SyncMgrStatus)> = Vec::new();
    for s in SyncMgrStatus::ALL {
        allowed.push((s, s));
    }
    for to in [Updating, UpdatingIndeterminate].into_iter().chain(finals) {
        allowed.push((Pending, to));
    }
    for from in [Updating, UpdatingIndeterminate] {
        for to in [Updating, UpdatingIndeterminate, Paused]
            .into_iter()
            .chain(finals)
        {
            allowed.push((from, to));
        }
    }
    for to in [Resuming].into_iter().chain(finals) {
        allowed.push((Paused, to));
    }
    for to in [Updating, UpdatingIndeterminate].into_iter().chain(finals) {
        allowed.push((Resuming, to));
    }
    for from in finals {
        allowed.push((from, Failed));
    }
    for from in SyncMgrStatus::ALL {
        for to in SyncMgrStatus::ALL {
            // Drive one item to `from` along an allowed path, then try `to`.
            let path: &[SyncMgrStatus] = match from {
                Pending => &[],
                Updating | UpdatingIndeterminate => &[from],
                Paused => &[Updating, Paused],
                Resuming => &[Updating, Paused, Resuming],
                _ => &[from],
            };
            let mut i = window_b(&[A]);
            for &step in path {
                i.progress(A, status(step), ProgressAnswer::Continue)
                    .unwrap();
            }
            let result = i.progress(A, status(to), ProgressAnswer::Continue);
            let expected = allowed.contains(&(from, to));
            assert_eq!(result.is_ok(), expected, "{from:#} -> {to:#}");
            if let Err(err) = result {
                assert_eq!(err.hresult(), HResult::E_ACCESSDENIED);
            }
        }
    }
}

#[test]
fn d_report_lists_unfinished_items_and_skips_not_honoured_whichever_event_finishes() {
    let ids =
        |it: &mut dyn Iterator<Item = mobsync::ItemView>| it.map(|v| v.id).collect::<Vec<_>>();
    let setup = |i: &mut Instance| {
        i.progress(
            A,
            status(SyncMgrStatus::Succeeded),
            ProgressAnswer::Continue,
        )
        .unwrap();
        i.progress(C, status(SyncMgrStatus::Skipped), ProgressAnswer::Continue)
            .unwrap();
    };
    // (1) SynchronizeCompleted in window B.
    let mut i = window_b(&[A, B, C]);
    i.set_item_status(A, SKIPPED).unwrap();
    i.set_item_status(C, SKIPPED).unwrap();
    setup(&mut i);
    assert!(i.report().is_none());
    let done = accept(&mut i, Event::SynchronizeCompleted { hr: S_OK });
    assert!(done.finished_pass());
    let report = i.report().unwrap();
    assert_eq!(ids(&mut report.unfinished()), [B]);
    assert_eq!(ids(&mut report.skip_not_honoured()), [A]);
    // (2) return Synchronize S_OK after an early completion.
    let mut i = synchronizing(&[A, B, C]);
    setup(&mut i);
    i.synchronize_completed(HResult::E_FAIL).unwrap();
    assert!(i.report().is_none());
    assert!(
        accept(
            &mut i,
            Event::Return {
                method: Method::Synchronize,
                hr: S_OK
            }
        )
        .finished_pass()
    );
    let report = i.report().unwrap();
    assert_eq!(
        (report.hresult(), ids(&mut report.unfinished())),
        (Some(HResult::E_FAIL), vec![B])
    );
    // (3) Synchronize returning anything but S_OK.
    let mut i = synchronizing(&[A, B]);
    assert!(
        accept(
            &mut i,
            Event::Return {
                method: Method::Synchronize,
                hr: HResult::S_FALSE
            }
        )
        .finished_pass()
    );
    assert_eq!(ids(&mut i.report().unwrap().unfinished()), [A, B]);
    // Revision 4: the lists are disjoint; an item with a skip request that never finished is
    // unfinished only.
    let mut i = window_b(&[A]);
    i.set_item_status(A, SKIPPED).unwrap();
    i.synchronize_completed(S_OK).unwrap();
    let report = i.report().unwrap();
    assert_eq!(
        (
            ids(&mut report.unfinished()),
            ids(&mut report.skip_not_honoured())
        ),
        (vec![A], vec![])
    );
}

#[test]
fn d_compatible_stopped_in_any_phase_stops_everything_not_final() {
    let mut i = instance(Profile::Compatible);
    i.initialize(0, MANUAL, S_OK).unwrap();
    reject(&mut i, sis(A, 0), HResult::E_UNEXPECTED, Rule::Sis); // not bound
    i.set_progress_callback(true).unwrap();
    accept(&mut i, sis(ItemId::NULL, 0)); // no pass: nothing happens
    i.prepare_for_sync(&[A, B], 0).unwrap();
    i.progress(
        B,
        status(SyncMgrStatus::Succeeded),
        ProgressAnswer::Continue,
    )
    .unwrap();
    accept(&mut i, sis(C, 0)); // any item, during Preparing
    assert_eq!(
        [i.is_skip_requested(A), i.is_skip_requested(B)],
        [true, false]
    );
    // The documented profile refuses the same call.
    let mut i = preparing(&[A]);
    reject(&mut i, sis(A, 0), HResult::E_UNEXPECTED, Rule::Sis);
}

#[test]
fn d_compatible_skipped_is_also_accepted_in_prepared() {
    let mut i = prepared_with(Profile::Compatible, &[A]);
    accept(&mut i, sis(A, SKIPPED));
    assert!(i.is_skip_requested(A));
    // Other statuses in Prepared still follow the documented window.
    reject(
        &mut i,
        sis(A, SyncMgrStatus::Failed as u32),
        HResult::E_UNEXPECTED,
        Rule::Sis,
    );
}

#[test]
fn d_compatible_log_error_with_null_error_id_is_an_entry_without_id() {
    let mut i = ready_with(Profile::Compatible);
    accept(
        &mut i,
        Event::LogError {
            level: 3,
            info: LogErrorInfo::default().with_error_id(ErrorId::NULL),
        },
    );
    accept(
        &mut i,
        Event::LogError {
            level: 3,
            info: LogErrorInfo::default().with_error_id(ErrorId::NULL),
        },
    );
    assert_eq!((i.error_log().len(), i.anonymous_errors()), (0, 2));
}

#[test]
fn d_limits_refuse_with_out_of_memory_and_change_nothing() {
    let mut i = Instance::with_config(Config::default().max_items(2).max_error_ids(1));
    i.initialize(0, MANUAL, S_OK).unwrap();
    i.set_progress_callback(true).unwrap();
    let three = [
        SyncMgrItem::new(A, "a"),
        SyncMgrItem::new(B, "b"),
        SyncMgrItem::new(C, "c"),
    ];
    reject(
        &mut i,
        Event::EnumSyncMgrItems {
            answer: S_OK,
            items: &three,
        },
        HResult::E_OUTOFMEMORY,
        Rule::Enum,
    );
    reject(
        &mut i,
        Event::PrepareForSync {
            items: &[A, B, C],
            reserved: 0,
        },
        HResult::E_OUTOFMEMORY,
        Rule::Prep,
    );
    accept(
        &mut i,
        Event::LogError {
            level: 3,
            info: LogErrorInfo::default().with_error_id(E1),
        },
    );
    let e2 = LogErrorInfo::default().with_error_id(ErrorId::from_u128(0xE2));
    reject(
        &mut i,
        Event::LogError { level: 3, info: e2 },
        HResult::E_OUTOFMEMORY,
        Rule::Log,
    );
    // Entries without an id do not count.
    accept(
        &mut i,
        Event::LogError {
            level: 3,
            info: LogErrorInfo::default(),
        },
    );
    assert_eq!(
        mobsync::Limits::default(),
        mobsync::Limits {
            max_items: 1_048_576,
            max_error_ids: 65_536
        }
    );
}

#[test]
fn error_messages_name_the_rule_and_the_value() {
    let mut i = window_b(&[A]);
    let err = i.set_item_status(A, 0x9).unwrap_err();
    assert_eq!(
        err.to_string(),
        "R-SIS: invalid argument: 0x9 is not a SYNCMGRSTATUS value"
    );
    let err = i.synchronize().unwrap_err();
    assert_eq!(
        err.to_string(),
        "R-SYNC: Synchronize is not allowed in pass phase AwaitSyncCompletion"
    );
    i.progress(
        A,
        status(SyncMgrStatus::Succeeded),
        ProgressAnswer::Continue,
    )
    .unwrap();
    let err = i
        .progress(A, status(SyncMgrStatus::Paused), ProgressAnswer::Continue)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "R-PROG: item {00000000-0000-0000-0000-00000000000A} cannot go from SUCCEEDED to PAUSED"
    );
}

#[test]
fn d_limits_hold_exactly_at_their_edges() {
    let items: Vec<ItemId> = (1..=4).map(ItemId::from_u128).collect();
    let catalog: Vec<SyncMgrItem> = items.iter().map(|&id| SyncMgrItem::new(id, "i")).collect();
    let mut i = Instance::with_config(Config::default().max_items(3).max_error_ids(2));
    i.initialize(0, MANUAL, S_OK).unwrap();
    i.set_progress_callback(true).unwrap();
    // One over: refused, nothing changed; exactly at the limit: accepted.
    reject(
        &mut i,
        Event::EnumSyncMgrItems {
            answer: S_OK,
            items: &catalog,
        },
        HResult::E_OUTOFMEMORY,
        Rule::Enum,
    );
    accept(
        &mut i,
        Event::EnumSyncMgrItems {
            answer: S_OK,
            items: &catalog[..3],
        },
    );
    reject(
        &mut i,
        Event::PrepareForSync {
            items: &items,
            reserved: 0,
        },
        HResult::E_INVALIDARG,
        Rule::Prep,
    );
    let mut j = Instance::with_config(Config::default().max_items(3));
    j.initialize(0, MANUAL, S_OK).unwrap();
    j.set_progress_callback(true).unwrap();
    reject(
        &mut j,
        Event::PrepareForSync {
            items: &items,
            reserved: 0,
        },
        HResult::E_OUTOFMEMORY,
        Rule::Prep,
    );
    accept(
        &mut j,
        Event::PrepareForSync {
            items: &items[..3],
            reserved: 0,
        },
    );
    for n in 1..=2 {
        accept(
            &mut i,
            Event::LogError {
                level: 1,
                info: LogErrorInfo::default().with_error_id(ErrorId::from_u128(n)),
            },
        );
    }
    let third = LogErrorInfo::default().with_error_id(ErrorId::from_u128(9));
    reject(
        &mut i,
        Event::LogError {
            level: 1,
            info: third,
        },
        HResult::E_OUTOFMEMORY,
        Rule::Log,
    );
    // Deleting one makes room again.
    accept(
        &mut i,
        Event::DeleteLogError {
            error: ErrorId::from_u128(1),
            reserved: 0,
        },
    );
    accept(
        &mut i,
        Event::LogError {
            level: 1,
            info: third,
        },
    );
}
