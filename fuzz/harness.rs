//! The fuzz harnesses, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/`) and the normal
//! test suite (`tests/fuzz_harness.rs`, through proptest), so CI exercises them on every run.
//!
//! Each harness takes raw bytes and asserts the crate's promises on whatever they decode to:
//! no panic; a rejected event changes nothing; `check` answers what `handle` answers; the
//! thread-safe handle answers what the engine answers.

use arbitrary::{Result, Unstructured};
use mobsync::{
    Config, ErrorId, Event, HResult, HandlerInfo, Instance, ItemId, Limits, LogErrorInfo, Method,
    Profile, ProgressAnswer, ProgressItem, SharedInstance, SyncMgrFlags, SyncMgrItem,
};

/// A trace checked in both profiles, every verdict printed.
pub fn trace(bytes: &[u8]) {
    for profile in [Profile::Documented, Profile::Compatible] {
        let _ = mobsync::trace::check(bytes, Config::default().profile(profile), |v| {
            let _ = v.to_string();
        });
    }
}

/// Everything a user can observe of an instance.
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
        i.report()
            .map(|r| (r.unfinished().count(), r.skip_not_honoured().count())),
    )
}

const IDS: [u128; 5] = [0, 1, 2, 3, 0xFFFF_FFFF_FFFF_FFFF_FFFF_FFFF_FFFF_FFFF];

fn id(u: &mut Unstructured<'_>) -> Result<ItemId> {
    Ok(ItemId::from_u128(*u.choose(&IDS)?))
}

fn ids(u: &mut Unstructured<'_>) -> Result<Vec<ItemId>> {
    let n = u.int_in_range(0..=4)?;
    (0..n).map(|_| id(u)).collect()
}

fn hr(u: &mut Unstructured<'_>) -> Result<HResult> {
    const HRS: [HResult; 7] = [
        HResult::S_OK,
        HResult::S_FALSE,
        HResult::E_FAIL,
        HResult::S_SYNCMGR_RETRYSYNC,
        HResult::S_SYNCMGR_CANCELITEM,
        HResult::S_SYNCMGR_CANCELALL,
        HResult::E_UNEXPECTED,
    ];
    if u.ratio(1, 8)? {
        Ok(HResult::from_u32(u.arbitrary()?))
    } else {
        Ok(*u.choose(&HRS)?)
    }
}

fn small(u: &mut Unstructured<'_>) -> Result<u32> {
    if u.ratio(1, 8)? {
        u.arbitrary()
    } else {
        u.int_in_range(0..=9)
    }
}

/// One event from bytes, with the lists it borrows.
fn with_event<R>(u: &mut Unstructured<'_>, f: impl FnOnce(&Event<'_>) -> R) -> Result<R> {
    let list = ids(u)?;
    let items: Vec<SyncMgrItem> = list
        .iter()
        .map(|&id| SyncMgrItem {
            id,
            name_units: 3,
            flags: 0,
            state: 1,
        })
        .collect();
    let method = *u.choose(&[
        Method::PrepareForSync,
        Method::Synchronize,
        Method::ShowProperties,
        Method::ShowError,
    ])?;
    let event = match u.int_in_range(0..=19)? {
        0 => Event::Initialize {
            reserved: small(u)? & 1,
            flags: SyncMgrFlags::from_bits(small(u)?),
            answer: hr(u)?,
        },
        1 => Event::GetHandlerInfo {
            answer: hr(u)?,
            info: HandlerInfo {
                name_units: u.int_in_range(0..=40)?,
                flags: small(u)?,
            },
        },
        2 => Event::EnumSyncMgrItems {
            answer: hr(u)?,
            items: &items,
        },
        3 => Event::GetItemObject { item: id(u)? },
        4 => Event::SetProgressCallback {
            bind: u.ratio(7, 8)?,
        },
        5 => Event::PrepareForSync {
            items: &list,
            reserved: small(u)?,
        },
        6 => Event::Synchronize,
        7 => Event::SetItemStatus {
            item: id(u)?,
            status: small(u)?,
        },
        8 => Event::ShowProperties { item: id(u)? },
        9 => Event::ShowError {
            error: ErrorId::from_u128(*u.choose(&IDS)?),
        },
        10 => Event::Return { method, hr: hr(u)? },
        11 => Event::PrepareForSyncCompleted { hr: hr(u)? },
        12 => Event::SynchronizeCompleted { hr: hr(u)? },
        13 => Event::ShowPropertiesCompleted { hr: hr(u)? },
        14 => Event::ShowErrorCompleted {
            hr: hr(u)?,
            items: &list,
        },
        15 => Event::EnableModeless {
            enable: u.arbitrary()?,
            answer: hr(u)?,
        },
        16 => Event::Progress {
            item: id(u)?,
            progress: ProgressItem {
                mask: small(u)?,
                status: small(u)?,
                value: u.int_in_range(-2..=12)?,
                max: u.int_in_range(-2..=12)?,
            },
            answer: ProgressAnswer::from_hresult(hr(u)?),
        },
        17 => Event::LogError {
            level: small(u)?,
            info: LogErrorInfo {
                mask: small(u)?,
                error_flags: small(u)?,
                error_id: ErrorId::from_u128(*u.choose(&IDS)?),
                item: id(u)?,
            },
        },
        18 => Event::DeleteLogError {
            error: ErrorId::from_u128(*u.choose(&IDS)?),
            reserved: small(u)? & 1,
        },
        _ => Event::EstablishConnection {
            has_name: u.arbitrary()?,
            reserved: small(u)? & 1,
        },
    };
    Ok(f(&event))
}

/// Events from bytes through the engine and the thread-safe handle side by side.
pub fn events(bytes: &[u8]) {
    let mut u = Unstructured::new(bytes);
    let profile = if u.arbitrary().unwrap_or(false) {
        Profile::Compatible
    } else {
        Profile::Documented
    };
    let limits = Limits {
        max_items: u.int_in_range(1..=5).unwrap_or(5),
        max_error_ids: u.int_in_range(1..=3).unwrap_or(3),
    };
    let config = Config { profile, limits };
    let mut engine = Instance::with_config(config);
    let shared = SharedInstance::with_config(config);
    while !u.is_empty() {
        let step = with_event(&mut u, |event| {
            let before = observe(&engine);
            let checked = engine.check(event);
            let answer = engine.handle(event);
            assert_eq!(
                checked.is_ok(),
                answer.is_ok(),
                "check and handle disagree on {event:?}"
            );
            if let (Err(a), Err(b)) = (&checked, &answer) {
                assert_eq!(a, b);
            }
            assert_eq!(
                shared.handle(event),
                answer,
                "the shared handle disagrees on {event:?}"
            );
            if answer.is_err() {
                assert_eq!(observe(&engine), before, "R-ATOMIC broken by {event:?}");
            }
            for view in engine.selection() {
                assert_eq!(shared.is_skip_requested(view.id), view.skip_requested);
            }
        });
        if step.is_err() {
            break;
        }
    }
}
