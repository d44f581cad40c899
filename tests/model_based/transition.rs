//! The adapter between the reference model's vocabulary and the engine: one event in, the
//! engine's verdict and observable state out, in the model's terms.

use mobsync::{
    ErrorId, Event, HResult, HandlerInfo, Instance, ItemId, LogErrorInfo, Phase, ProgressAnswer,
    ProgressItem, SyncMgrFlags, SyncMgrItem, UiPhase,
};

use super::reference::{Ev, Life, Method, Pass, RefVerdict, SelItem, Snapshot, Ui};

fn item(id: u128) -> ItemId {
    ItemId::from_u128(id)
}

fn hr(code: u32) -> HResult {
    HResult::from_u32(code)
}

fn method(m: Method) -> mobsync::Method {
    match m {
        Method::PrepareForSync => mobsync::Method::PrepareForSync,
        Method::Synchronize => mobsync::Method::Synchronize,
        Method::ShowProperties => mobsync::Method::ShowProperties,
        Method::ShowError => mobsync::Method::ShowError,
    }
}

/// Hands `ev` to the engine; the verdict in the model's terms.
pub fn apply(engine: &mut Instance, ev: &Ev) -> RefVerdict {
    let ids = |list: &[u128]| list.iter().copied().map(item).collect::<Vec<_>>();
    let list_a;
    let enumerated;
    let event = match ev {
        Ev::Initialize {
            reserved,
            flags,
            answer,
        } => Event::Initialize {
            reserved: *reserved,
            flags: SyncMgrFlags::from_bits(*flags),
            answer: hr(*answer),
        },
        Ev::GetHandlerInfo {
            answer,
            name_utf16_len,
            flags,
        } => Event::GetHandlerInfo {
            answer: hr(*answer),
            info: HandlerInfo {
                name_units: *name_utf16_len,
                flags: *flags,
            },
        },
        Ev::EnumSyncMgrItems { answer, items } => {
            enumerated = items
                .iter()
                .map(|i| SyncMgrItem {
                    id: item(i.id),
                    name_units: i.name_utf16_len,
                    flags: i.flags,
                    state: i.state,
                })
                .collect::<Vec<_>>();
            Event::EnumSyncMgrItems {
                answer: hr(*answer),
                items: &enumerated,
            }
        }
        Ev::GetItemObject { item: id } => Event::GetItemObject { item: item(*id) },
        Ev::SetProgressCallback { set } => Event::SetProgressCallback { bind: *set },
        Ev::PrepareForSync { items, reserved } => {
            list_a = ids(items);
            Event::PrepareForSync {
                items: &list_a,
                reserved: *reserved,
            }
        }
        Ev::Synchronize => Event::Synchronize,
        Ev::SetItemStatus { item: id, status } => Event::SetItemStatus {
            item: item(*id),
            status: *status,
        },
        Ev::ShowProperties { item: id } => Event::ShowProperties { item: item(*id) },
        Ev::ShowError { error } => Event::ShowError {
            error: ErrorId::from_u128(*error),
        },
        Ev::Return {
            method: m,
            hr: code,
        } => Event::Return {
            method: method(*m),
            hr: hr(*code),
        },
        Ev::PrepareForSyncCompleted { hr: code } => {
            Event::PrepareForSyncCompleted { hr: hr(*code) }
        }
        Ev::SynchronizeCompleted { hr: code } => Event::SynchronizeCompleted { hr: hr(*code) },
        Ev::ShowPropertiesCompleted { hr: code } => {
            Event::ShowPropertiesCompleted { hr: hr(*code) }
        }
        Ev::ShowErrorCompleted { hr: code, items } => {
            list_a = ids(items);
            Event::ShowErrorCompleted {
                hr: hr(*code),
                items: &list_a,
            }
        }
        Ev::EnableModeless { enable, answer } => Event::EnableModeless {
            enable: *enable,
            answer: hr(*answer),
        },
        Ev::Progress {
            item: id,
            mask,
            status,
            value,
            max,
            answer,
        } => Event::Progress {
            item: item(*id),
            progress: ProgressItem {
                mask: *mask,
                status: *status,
                value: *value,
                max: *max,
            },
            answer: ProgressAnswer::from_hresult(hr(*answer)),
        },
        Ev::LogError {
            level,
            mask,
            error_flags,
            error_id,
            item: id,
        } => Event::LogError {
            level: *level,
            info: LogErrorInfo {
                mask: *mask,
                error_flags: *error_flags,
                error_id: ErrorId::from_u128(*error_id),
                item: item(*id),
            },
        },
        Ev::DeleteLogError { error, reserved } => Event::DeleteLogError {
            error: ErrorId::from_u128(*error),
            reserved: *reserved,
        },
        Ev::EstablishConnection { has_name, reserved } => Event::EstablishConnection {
            has_name: *has_name,
            reserved: *reserved,
        },
    };
    let own_rule = event.kind().rule().id();
    // `check` decides on the generic path; `handle` takes the fast paths of the hot events.
    let checked = engine.check(&event);
    let handled = engine.handle(&event);
    assert_eq!(
        checked,
        handled.as_ref().map(drop).map_err(|&err| err),
        "check and handle answer {event:?} alike"
    );
    match handled {
        Ok(accepted) => {
            let report = accepted.finished_pass().then(|| {
                let report = engine.report().expect("a finished pass has a report");
                (
                    report.unfinished().map(|v| v.id.to_u128()).collect(),
                    report.skip_not_honoured().map(|v| v.id.to_u128()).collect(),
                )
            });
            RefVerdict {
                hr: 0,
                rule: own_rule,
                report,
            }
        }
        Err(err) => {
            let rule = err.rule().id();
            assert_eq!(rule, own_rule, "an error names the event's own rule: {err}");
            RefVerdict {
                hr: err.hresult().to_u32(),
                rule: own_rule,
                report: None,
            }
        }
    }
}

fn ui(phase: UiPhase) -> Ui {
    match phase {
        UiPhase::Closed => Ui::Closed,
        UiPhase::Open => Ui::Open,
        UiPhase::Completed => Ui::Completed,
        UiPhase::Returned => Ui::Returned,
    }
}

/// The engine's observable state in the model's terms.
pub fn snapshot(engine: &Instance) -> Snapshot {
    let life = match engine.life() {
        mobsync::Life::Created => Life::Created,
        mobsync::Life::Ready => Life::Ready,
        mobsync::Life::Declined => Life::Declined,
        mobsync::Life::Released => Life::Released,
    };
    let pass = match engine.phase() {
        Phase::Idle => Pass::Idle,
        Phase::Preparing => Pass::Preparing,
        Phase::PreparingDone(h) => Pass::PreparingDone(h.to_u32()),
        Phase::AwaitPrepareCompletion => Pass::AwaitPrepareCompletion,
        Phase::Prepared => Pass::Prepared,
        Phase::Synchronizing => Pass::Synchronizing,
        Phase::SynchronizingDone(h) => Pass::SynchronizingDone(h.to_u32()),
        Phase::AwaitSyncCompletion => Pass::AwaitSyncCompletion,
        Phase::Finished(h) => Pass::Finished(h.to_u32()),
        Phase::Abandoned => Pass::Abandoned,
    };
    let mut error_log: Vec<u128> = engine.error_log().iter().map(|e| e.to_u128()).collect();
    error_log.sort_unstable();
    Snapshot {
        life,
        bound: engine.is_bound(),
        pass,
        catalog: engine
            .catalog()
            .map(|c| c.iter().map(|i| i.to_u128()).collect()),
        selection: engine
            .selection()
            .map(|v| SelItem {
                id: v.id.to_u128(),
                status: v.status.to_u32(),
                skip_requested: v.skip_requested,
                value: v.value,
                max: v.max,
            })
            .collect(),
        properties_ui: ui(engine.properties_ui()),
        error_ui: ui(engine.error_ui()),
        gate_open: engine.gate() == mobsync::Gate::Open,
        error_log,
        retry: engine.retry_items().iter().map(|i| i.to_u128()).collect(),
    }
}
