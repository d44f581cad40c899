//! The simulator and the trace checker decide who is at fault (CONTRACT §5) with one function of
//! the rule data (`rules::fault`, through `rules::is_violation`), so they must agree: a random
//! handler makes every kind of callback and gives every kind of answer under the simulator, and
//! `mobsync check` on the simulator's own trace finds exactly the simulator's violations, on the
//! same lines, with the same rules and verdicts.
//!
//! Only what a trace can carry is compared: a v1 trace holds no item names, flags or states
//! (TRACE.md "Events"), so the random handler hands out valid item attributes, and a completion
//! that never came is a timeout the simulator notes in a comment, not an event.

use std::collections::VecDeque;
use std::time::Duration;

use mobsync::sim::{
    Callback, HandlerDescription, ItemInfo, Script, Selection, Simulator, SyncHandler,
};
use mobsync::trace::check;
use mobsync::{
    Check, Config, ErrorId, EventKind, HResult, ItemId, LogErrorInfo, Profile, ProgressAnswer,
    ProgressItem, Rule, SyncMgrFlags, rules,
};
use proptest::prelude::*;

const ITEMS: [ItemId; 3] = [
    ItemId::from_u128(0xA),
    ItemId::from_u128(0xB),
    ItemId::from_u128(0xC),
];
/// Not in the catalog.
const STRANGER: ItemId = ItemId::from_u128(0x5);
const ERRORS: [ErrorId; 2] = [ErrorId::from_u128(0xE1), ErrorId::from_u128(0xE2)];

/// One callback the random handler makes.
#[derive(Clone, Debug)]
enum Call {
    PrepareForSyncCompleted(HResult),
    SynchronizeCompleted(HResult),
    ShowPropertiesCompleted(HResult),
    ShowErrorCompleted(HResult, Vec<ItemId>),
    EnableModeless(bool),
    Progress(ItemId, ProgressItem),
    LogError(u32, LogErrorInfo),
    DeleteLogError(ErrorId, u32),
    EstablishConnection(Option<&'static str>, u32),
}

/// What the handler does in one method: its callbacks, then its answer.
#[derive(Clone, Debug)]
struct Step {
    calls: Vec<Call>,
    answer: HResult,
}

fn hresult() -> impl Strategy<Value = HResult> {
    prop_oneof![
        4 => Just(HResult::S_OK),
        1 => Just(HResult::S_FALSE),
        1 => Just(HResult::E_FAIL),
        1 => Just(HResult::E_UNEXPECTED),
        1 => Just(HResult::E_INVALIDARG),
        1 => Just(HResult::S_SYNCMGR_RETRYSYNC),
    ]
}

fn item() -> impl Strategy<Value = ItemId> {
    prop_oneof![
        6 => (0..ITEMS.len()).prop_map(|n| ITEMS[n]),
        1 => Just(STRANGER),
        1 => Just(ItemId::NULL),
    ]
}

fn error_id() -> impl Strategy<Value = ErrorId> {
    prop_oneof![
        4 => (0..ERRORS.len()).prop_map(|n| ERRORS[n]),
        1 => Just(ErrorId::NULL),
    ]
}

fn call() -> impl Strategy<Value = Call> {
    prop_oneof![
        hresult().prop_map(Call::PrepareForSyncCompleted),
        hresult().prop_map(Call::SynchronizeCompleted),
        hresult().prop_map(Call::ShowPropertiesCompleted),
        (hresult(), prop::collection::vec(item(), 0..3))
            .prop_map(|(hr, items)| Call::ShowErrorCompleted(hr, items)),
        any::<bool>().prop_map(Call::EnableModeless),
        (item(), 0_u32..0x12, 0_u32..10, -2_i32..12, -2_i32..12).prop_map(
            |(item, mask, status, value, max)| Call::Progress(
                item,
                ProgressItem {
                    mask,
                    status,
                    value,
                    max
                }
            )
        ),
        (0_u32..5, 0_u32..9, error_id(), item()).prop_map(|(level, mask, error_id, item)| {
            Call::LogError(
                level,
                LogErrorInfo {
                    mask,
                    error_flags: 0,
                    error_id,
                    item,
                },
            )
        }),
        (error_id(), 0_u32..2).prop_map(|(error, reserved)| Call::DeleteLogError(error, reserved)),
        (prop::option::of(Just("dial-up")), 0_u32..2)
            .prop_map(|(name, reserved)| Call::EstablishConnection(name, reserved)),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    (prop::collection::vec(call(), 0..4), hresult())
        .prop_map(|(calls, answer)| Step { calls, answer })
}

/// A handler that follows its steps, one per method call, whatever the method.
struct Random {
    steps: VecDeque<Step>,
    callback: Option<Callback>,
    name_units: usize,
    handler_flags: u32,
    enumerated: Vec<ItemId>,
}

impl Random {
    fn next(&mut self) -> HResult {
        let Some(step) = self.steps.pop_front() else {
            return HResult::S_OK;
        };
        if let Some(cb) = &self.callback {
            for call in step.calls {
                let _ = match call {
                    Call::PrepareForSyncCompleted(hr) => cb.prepare_for_sync_completed(hr),
                    Call::SynchronizeCompleted(hr) => cb.synchronize_completed(hr),
                    Call::ShowPropertiesCompleted(hr) => cb.show_properties_completed(hr),
                    Call::ShowErrorCompleted(hr, items) => cb.show_error_completed(hr, &items),
                    Call::EnableModeless(enable) => cb.enable_modeless(enable),
                    Call::Progress(item, progress) => cb.progress(item, progress, None),
                    Call::LogError(level, info) => cb.log_error(level, "it broke", info),
                    Call::DeleteLogError(error, reserved) => cb.delete_log_error(error, reserved),
                    Call::EstablishConnection(name, reserved) => {
                        cb.establish_connection(name, reserved)
                    }
                };
            }
        }
        step.answer
    }
}

impl SyncHandler for Random {
    fn initialize(&mut self, _flags: SyncMgrFlags, _cookie: &[u8]) -> HResult {
        // Initialize decides the rest of the run: make it succeed mostly.
        let answer = self.next();
        if answer.is_success() {
            HResult::S_OK
        } else {
            answer
        }
    }
    fn get_handler_info(&mut self, info: &mut HandlerDescription) -> HResult {
        info.name = "x".repeat(self.name_units);
        info.flags = self.handler_flags;
        self.next()
    }
    fn enum_sync_mgr_items(&mut self, items: &mut Vec<ItemInfo>) -> HResult {
        items.extend(self.enumerated.iter().map(|&id| ItemInfo::new(id, "item")));
        self.next()
    }
    fn set_progress_callback(&mut self, callback: Option<Callback>) -> HResult {
        let release = callback.is_none();
        self.callback = callback;
        if release { HResult::S_OK } else { self.next() }
    }
    fn prepare_for_sync(&mut self, _items: &[ItemId]) -> HResult {
        self.next()
    }
    fn synchronize(&mut self) -> HResult {
        self.next()
    }
    fn set_item_status(&mut self, _item: ItemId, _status: u32) -> HResult {
        self.next()
    }
    fn show_properties(&mut self, _item: ItemId) -> HResult {
        self.next()
    }
    fn show_error(&mut self, _error: ErrorId) -> HResult {
        self.next()
    }
}

fn script() -> impl Strategy<Value = (Script, bool)> {
    (
        prop::collection::vec(item(), 0..2),
        prop::collection::vec(item(), 0..2),
        prop::option::of((
            item(),
            1_usize..3,
            prop_oneof![
                Just(ProgressAnswer::CancelItem),
                Just(ProgressAnswer::CancelAll)
            ],
        )),
        prop_oneof![Just(HResult::S_OK), Just(HResult::S_FALSE)],
        prop::option::of(item()),
        0_usize..2,
        any::<bool>(),
    )
        .prop_map(
            |(skip_a, skip_b, answer, modeless, properties, retries, compatible)| {
                let mut script = Script::default()
                    .select(Selection::All)
                    .enable_modeless_answer(modeless)
                    .show_errors(retries)
                    .timeout(Duration::from_millis(5));
                script.skip_a = skip_a;
                script.skip_b = skip_b;
                if let Some((item, nth, answer)) = answer {
                    script = script.answer_progress(item, nth, answer);
                }
                script.properties = properties;
                (script, compatible)
            },
        )
}

/// Runs per test: 300 by default, `MOBSYNC_AGREE_CASES` for more.
fn cases() -> u32 {
    std::env::var("MOBSYNC_AGREE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

/// (line, rule, verdict) of each violation.
type Found = Vec<(usize, Rule, HResult)>;

fn agree(script: Script, compatible: bool, mut handler: Random) -> Result<(), TestCaseError> {
    let profile = if compatible {
        Profile::Compatible
    } else {
        Profile::Documented
    };
    let config = Config::default().profile(profile);
    let report = Simulator::new(script).config(config).run(&mut handler);
    let lines: Vec<&str> = report.trace.lines().collect();
    // The simulator lists violations as they happen; a fixed-answer call's line is written
    // before the callbacks the handler makes while it runs, so compare in line order.
    let mut simulated: Found = report
        .violations
        .iter()
        .filter(|v| !lines[v.line - 1].starts_with('#'))
        .map(|v| (v.line, v.rule, v.verdict))
        .collect();
    simulated.sort_by_key(|v| v.0);
    let mut checked: Found = Vec::new();
    check(report.trace.as_bytes(), config, |v| {
        // The verdict: a refused event's error, or the contract's S_OK for an accepted call
        // answered otherwise (the simulator's verdict for it too).
        if v.violation {
            checked.push((v.line, v.rule, v.verdict));
        }
    })
    .map_err(|err| TestCaseError::fail(format!("{err}\n{}", report.trace)))?;
    prop_assert_eq!(&simulated, &checked, "\n{}", report.trace);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn checker_and_simulator_find_the_same_violations_in_a_random_handlers_run(
        (script, compatible) in script(),
        steps in prop::collection::vec(step(), 1..24),
        name_units in prop_oneof![4 => 0_usize..32, 1 => 32_usize..40],
        handler_flags in prop_oneof![4 => 0_u32..0x10, 1 => 0x10_u32..0x20],
        enumerated in prop::collection::vec(item(), 0..4),
    ) {
        let handler = Random {
            steps: steps.into(),
            callback: None,
            name_units,
            handler_flags,
            enumerated,
        };
        agree(script, compatible, handler)?;
    }
}

#[test]
fn fault_is_the_handlers_for_every_callback_and_return_and_for_bad_handed_out_data() {
    use mobsync::Fault;
    let checks = [
        Check::Window,
        Check::Argument,
        Check::Identity,
        Check::Transition,
        Check::Capacity,
        Check::NotImplemented,
    ];
    for kind in EventKind::ALL {
        for check in checks {
            let expected = if kind.is_callback() || kind.is_return() {
                Fault::Handler
            } else if matches!(
                kind,
                EventKind::GetHandlerInfo | EventKind::EnumSyncMgrItems
            ) {
                if check == Check::Window {
                    Fault::Manager
                } else {
                    Fault::Handler
                }
            } else {
                Fault::Manager
            };
            assert_eq!(rules::fault(kind, check), expected, "{kind} {check:?}");
        }
    }
}
