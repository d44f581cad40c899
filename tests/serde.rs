//! Feature `serde`: JSON round-trips of the vocabulary, the rule tables, pass outcomes and
//! verdicts, and the human-readable forms they take.

use mobsync::rules::{Cell, PassEvent, PassRow, StatusSet, Target, pass_cell, status_successors};
use mobsync::sim::{Script, Simulator};
use mobsync::trace::{Verdict, check};
use mobsync::{
    Config, Error, ErrorId, EventKind, Guid, HResult, HandlerFlags, Instance, ItemId, Limits,
    Method, Phase, PhaseKind, Profile, ProgressItem, Rule, SyncMgrFlags, SyncMgrStatus, UiPhase,
};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

#[track_caller]
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value, "{json}");
    json
}

#[test]
fn vocabulary_takes_the_header_and_registry_forms_in_json() {
    assert_eq!(
        round_trip(&HResult::S_SYNCMGR_RETRYSYNC),
        r#""S_SYNCMGR_RETRYSYNC""#
    );
    assert_eq!(
        round_trip(&HResult::from_u32(0x8004_1234)),
        r#""0x80041234""#
    );
    assert_eq!(
        serde_json::from_str::<HResult>("2147549183").unwrap(),
        HResult::E_UNEXPECTED
    );
    assert_eq!(
        round_trip(&SyncMgrStatus::UpdatingIndeterminate),
        r#""UPDATING_INDETERMINATE""#
    );
    assert_eq!(
        serde_json::from_str::<SyncMgrStatus>("256").unwrap(),
        SyncMgrStatus::Deleted
    );
    assert!(serde_json::from_str::<SyncMgrStatus>("9").is_err());
    assert_eq!(
        round_trip(&Guid::IID_ISYNCMGRSYNCHRONIZE),
        r#""{6295DF40-35EE-11D1-8707-00C04FD93327}""#
    );
    round_trip(&ItemId::from_u128(7));
    round_trip(&ErrorId::NULL);
    assert_eq!(round_trip(&Rule::PrepRet), r#""R-PREP-RET""#);
    assert_eq!(
        round_trip(&EventKind::ReturnShowError),
        r#""return ShowError""#
    );
    round_trip(&SyncMgrFlags::from_bits(0x203));
    round_trip(&(HandlerFlags::HASPROPERTIES | HandlerFlags::HIDDEN));
    round_trip(&Phase::PreparingDone(HResult::E_FAIL));
    round_trip(&(PhaseKind::Finished, UiPhase::Returned));
    round_trip(&Config {
        profile: Profile::Compatible,
        limits: Limits {
            max_items: 3,
            max_error_ids: 1,
        },
    });
    round_trip(
        &ProgressItem::status(SyncMgrStatus::Paused)
            .with_value(1)
            .with_max(2),
    );
    round_trip(&Method::ShowProperties);
}

#[test]
fn rule_tables_and_errors_round_trip() {
    for row in PassRow::ALL {
        for event in PassEvent::ALL {
            let cell: Cell<PhaseKind> = pass_cell(row, event);
            round_trip(&cell);
        }
    }
    round_trip(&Target::Go(UiPhase::Open));
    let graph: Vec<StatusSet> = SyncMgrStatus::ALL
        .into_iter()
        .map(status_successors)
        .collect();
    round_trip(&graph);
    let mut sync = Instance::new();
    let errors: Vec<Error> = vec![
        sync.synchronize().unwrap_err(),
        Instance::new()
            .initialize(1, SyncMgrFlags::from_bits(0x3), HResult::S_OK)
            .unwrap_err(),
        sync.get_item_object(ItemId::NULL).unwrap_err(),
    ];
    round_trip(&errors);
    round_trip(&SyncMgrStatus::try_from(0x9).unwrap_err());
}

#[test]
fn pass_outcomes_verdicts_and_simulator_reports_serialize() {
    let (a, b) = (ItemId::from_u128(0xA), ItemId::from_u128(0xB));
    let mut sync = Instance::new();
    sync.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK)
        .unwrap();
    sync.set_progress_callback(true).unwrap();
    sync.prepare_for_sync(&[a, b], 0).unwrap();
    sync.prepare_for_sync_completed(HResult::S_OK).unwrap();
    sync.returned(Method::PrepareForSync, HResult::S_OK)
        .unwrap();
    sync.synchronize().unwrap();
    sync.progress(
        a,
        ProgressItem::status(SyncMgrStatus::Succeeded),
        mobsync::ProgressAnswer::Continue,
    )
    .unwrap();
    sync.returned(Method::Synchronize, HResult::S_FALSE)
        .unwrap();
    let json: serde_json::Value = serde_json::to_value(sync.report().unwrap()).unwrap();
    assert_eq!(json["hresult"], "S_FALSE");
    assert_eq!(json["unfinished"], serde_json::json!([b.to_string()]));
    assert_eq!(json["items"][0]["status"], "SUCCEEDED");

    let mut verdicts: Vec<Verdict> = Vec::new();
    check(
        "Initialize MANUAL\nSynchronize => S_OK\n".as_bytes(),
        Config::default(),
        |v| verdicts.push(v.clone()),
    )
    .unwrap();
    let json = round_trip(&verdicts);
    assert!(
        json.contains(r#""verdict":"E_UNEXPECTED","rule":"R-SYNC""#),
        "{json}"
    );

    struct Idle;
    impl mobsync::sim::SyncHandler for Idle {
        fn initialize(&mut self, _: SyncMgrFlags, _: &[u8]) -> HResult {
            HResult::S_FALSE
        }
        fn enum_sync_mgr_items(&mut self, _: &mut Vec<mobsync::sim::ItemInfo>) -> HResult {
            HResult::S_OK
        }
        fn set_progress_callback(&mut self, _: Option<mobsync::sim::Callback>) -> HResult {
            HResult::S_OK
        }
        fn prepare_for_sync(&mut self, _: &[ItemId]) -> HResult {
            HResult::S_OK
        }
        fn synchronize(&mut self) -> HResult {
            HResult::S_OK
        }
        fn set_item_status(&mut self, _: ItemId, _: u32) -> HResult {
            HResult::S_OK
        }
        fn show_properties(&mut self, _: ItemId) -> HResult {
            HResult::S_OK
        }
        fn show_error(&mut self, _: ErrorId) -> HResult {
            HResult::S_OK
        }
    }
    let report = Simulator::new(Script::default()).run(&mut Idle);
    round_trip(&report);
    round_trip(&Script::default().skip_in_window_b(a));
}

proptest! {
    #[test]
    fn any_hresult_status_and_guid_round_trips(code: u32, id: u128, s in 0usize..10) {
        round_trip(&HResult::from_u32(code));
        round_trip(&ItemId::from_u128(id));
        round_trip(&SyncMgrStatus::ALL[s]);
    }
}
