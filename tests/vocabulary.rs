//! CONTRACT §2: every constant checked against a table written from the spec, and round-trips.
//!
//! The tables below are copied from CONTRACT.md §2 by hand; they never read the values back
//! from the crate's own tables.

use mobsync::{
    ErrorFlags, ErrorId, Guid, HResult, HandlerFlags, InvokeFlags, ItemFlags, ItemId, ItemState,
    LogErrorMask, LogLevel, MAX_SYNCMGRHANDLERNAME, MAX_SYNCMGRITEMNAME, ProgressMask,
    RegisterFlags, SyncEvent, SyncMgrFlagModifiers, SyncMgrFlags, SyncMgrStatus,
};
use proptest::prelude::*;

const STATUSES: [(&str, u32, bool); 10] = [
    ("STOPPED", 0x0, true),
    ("SKIPPED", 0x1, true),
    ("PENDING", 0x2, false),
    ("UPDATING", 0x3, false),
    ("SUCCEEDED", 0x4, true),
    ("FAILED", 0x5, true),
    ("PAUSED", 0x6, false),
    ("RESUMING", 0x7, false),
    ("UPDATING_INDETERMINATE", 0x8, false),
    ("DELETED", 0x100, true),
];

#[test]
fn syncmgrstatus_values_names_and_finality_match_section_2_1() {
    assert_eq!(SyncMgrStatus::ALL.len(), STATUSES.len());
    for (short, value, is_final) in STATUSES {
        let status = SyncMgrStatus::try_from(value).unwrap();
        assert_eq!(status.to_u32(), value);
        assert_eq!(status.short_name(), short);
        assert_eq!(status.to_string(), format!("SYNCMGRSTATUS_{short}"));
        assert_eq!(status.is_final(), is_final, "{short}");
        assert_eq!(short.parse::<SyncMgrStatus>(), Ok(status));
    }
    // Every DWORD near the listed ones (and the extremes) is refused unless listed.
    let near = (0..=0x1FF_u32).chain([u32::MAX, 0x8000_0000, 0x1_0000]);
    let accepted: Vec<u32> = near
        .filter(|&v| SyncMgrStatus::try_from(v).is_ok())
        .collect();
    assert_eq!(accepted, [0, 1, 2, 3, 4, 5, 6, 7, 8, 0x100]);
}

const HRESULTS: [(&str, u32); 17] = [
    ("S_OK", 0x00000000),
    ("S_FALSE", 0x00000001),
    ("S_SYNCMGR_MISSINGITEMS", 0x00040201),
    ("S_SYNCMGR_RETRYSYNC", 0x00040202),
    ("S_SYNCMGR_CANCELITEM", 0x00040203),
    ("S_SYNCMGR_CANCELALL", 0x00040204),
    ("S_SYNCMGR_ITEMDELETED", 0x00040210),
    ("S_SYNCMGR_ENUMITEMS", 0x00040211),
    ("E_NOTIMPL", 0x80004001),
    ("E_NOINTERFACE", 0x80004002),
    ("E_POINTER", 0x80004003),
    ("E_FAIL", 0x80004005),
    ("E_PENDING", 0x8000000A),
    ("E_UNEXPECTED", 0x8000FFFF),
    ("E_ACCESSDENIED", 0x80070005),
    ("E_OUTOFMEMORY", 0x8007000E),
    ("E_INVALIDARG", 0x80070057),
];

#[test]
fn hresult_constants_match_section_2_3() {
    let constants = [
        HResult::S_OK,
        HResult::S_FALSE,
        HResult::S_SYNCMGR_MISSINGITEMS,
        HResult::S_SYNCMGR_RETRYSYNC,
        HResult::S_SYNCMGR_CANCELITEM,
        HResult::S_SYNCMGR_CANCELALL,
        HResult::S_SYNCMGR_ITEMDELETED,
        HResult::S_SYNCMGR_ENUMITEMS,
        HResult::E_NOTIMPL,
        HResult::E_NOINTERFACE,
        HResult::E_POINTER,
        HResult::E_FAIL,
        HResult::E_PENDING,
        HResult::E_UNEXPECTED,
        HResult::E_ACCESSDENIED,
        HResult::E_OUTOFMEMORY,
        HResult::E_INVALIDARG,
    ];
    assert_eq!(HResult::named().count(), HRESULTS.len());
    for ((name, value), constant) in HRESULTS.into_iter().zip(constants) {
        assert_eq!(constant.to_u32(), value, "{name}");
        assert_eq!(constant.name(), Some(name));
        assert_eq!(HResult::from_name(name), Some(constant));
        assert_eq!(constant.to_string(), format!("{name} (0x{value:08X})"));
        assert_eq!(constant.is_success(), !name.starts_with("E_"), "{name}");
    }
}

#[test]
fn syncmgr_success_codes_are_make_scode_of_facility_itf() {
    for (name, value) in HRESULTS
        .into_iter()
        .filter(|(n, _)| n.starts_with("S_SYNCMGR_"))
    {
        let hr = HResult::from_u32(value);
        assert_eq!(hr.severity(), 0, "{name}");
        assert_eq!(hr.facility(), 4, "{name}");
        assert_eq!(HResult::from_parts(false, 4, hr.code()), hr);
    }
}

#[test]
fn flag_and_enum_values_match_section_2_2() {
    // SYNCMGRFLAG
    let events = [
        (SyncEvent::Connect, 0x1),
        (SyncEvent::PendingDisconnect, 0x2),
        (SyncEvent::Manual, 0x3),
        (SyncEvent::Idle, 0x4),
        (SyncEvent::Invoke, 0x5),
        (SyncEvent::Scheduled, 0x6),
    ];
    for (event, value) in events {
        assert_eq!(event as u32, value);
        assert_eq!(SyncMgrFlags::from_bits(value).event(), event);
    }
    assert_eq!(SyncMgrFlags::EVENTMASK, 0xFF);
    assert_eq!(SyncMgrFlagModifiers::SETTINGS.bits(), 0x100);
    assert_eq!(SyncMgrFlagModifiers::MAYBOTHERUSER.bits(), 0x200);
    assert_eq!(SyncMgrFlags::VALID_MASK, 0x3FF);
    // SYNCMGRHANDLERFLAGS
    assert_eq!(HandlerFlags::HASPROPERTIES.bits(), 0x1);
    assert_eq!(HandlerFlags::MAYESTABLISHCONNECTION.bits(), 0x2);
    assert_eq!(HandlerFlags::ALWAYSLISTHANDLER.bits(), 0x4);
    assert_eq!(HandlerFlags::HIDDEN.bits(), 0x8);
    assert_eq!((HandlerFlags::MASK, HandlerFlags::MASK_XP), (0xF, 0x7));
    // SYNCMGRITEMFLAGS
    assert_eq!(ItemFlags::HASPROPERTIES.bits(), 0x1);
    assert_eq!(ItemFlags::TEMPORARY.bits(), 0x2);
    assert_eq!(ItemFlags::ROAMINGUSER.bits(), 0x4);
    assert_eq!(ItemFlags::LASTUPDATETIME.bits(), 0x8);
    assert_eq!(ItemFlags::MAYDELETEITEM.bits(), 0x10);
    assert_eq!(ItemFlags::HIDDEN.bits(), 0x20);
    assert_eq!((ItemFlags::MASK, ItemFlags::MASK_XP), (0x7F, 0x1F));
    assert_eq!(ItemFlags::from_bits(0x40), None, "bit 0x40 has no name");
    // SYNCMGRITEMSTATE
    assert_eq!(ItemState::Unchecked as u32, 0);
    assert_eq!(ItemState::Checked as u32, 1);
    // SYNCMGRLOGLEVEL
    assert_eq!(LogLevel::Information as u32, 1);
    assert_eq!(LogLevel::Warning as u32, 2);
    assert_eq!(LogLevel::Error as u32, 3);
    assert_eq!(LogLevel::LOGLEVELMAX, 3);
    // SYNCMGRERRORFLAGS
    assert_eq!(ErrorFlags::ENABLEJUMPTEXT.bits(), 0x1);
    // SYNCMGRPROGRESSITEM mask
    assert_eq!(ProgressMask::STATUSTEXT.bits(), 0x1);
    assert_eq!(ProgressMask::STATUSTYPE.bits(), 0x2);
    assert_eq!(ProgressMask::PROGVALUE.bits(), 0x4);
    assert_eq!(ProgressMask::MAXVALUE.bits(), 0x8);
    // SYNCMGRLOGERRORINFO mask
    assert_eq!(LogErrorMask::ERRORFLAGS.bits(), 0x1);
    assert_eq!(LogErrorMask::ERRORID.bits(), 0x2);
    assert_eq!(LogErrorMask::ITEMID.bits(), 0x4);
    // SYNCMGRINVOKEFLAGS
    assert_eq!(InvokeFlags::STARTSYNC.bits(), 0x2);
    assert_eq!(InvokeFlags::MINIMIZED.bits(), 0x4);
    assert_eq!(InvokeFlags::from_bits(0x1), None, "there is no 0x1");
    // SYNCMGRREGISTERFLAGS
    assert_eq!(RegisterFlags::CONNECT.bits(), 0x1);
    assert_eq!(RegisterFlags::PENDINGDISCONNECT.bits(), 0x2);
    assert_eq!(RegisterFlags::IDLE.bits(), 0x4);
    assert_eq!(RegisterFlags::MASK, 0x7);
    // sizes
    assert_eq!((MAX_SYNCMGRHANDLERNAME, MAX_SYNCMGRITEMNAME), (32, 128));
}

#[test]
fn syncmgrflag_event_byte_outside_1_to_6_is_manual() {
    for byte in [0x00, 0x07, 0x80, 0xFF] {
        assert_eq!(
            SyncMgrFlags::from_bits(0x200 | byte).event(),
            SyncEvent::Manual
        );
    }
    assert!(SyncMgrFlags::from_bits(0x3FF).is_valid());
    assert_eq!(SyncMgrFlags::from_bits(0x1403).unknown_bits(), 0x1400);
}

const GUIDS: [(Guid, &str); 6] = [
    (
        Guid::CLSID_SYNCMGR,
        "{6295DF27-35EE-11D1-8707-00C04FD93327}",
    ),
    (
        Guid::IID_ISYNCMGRENUMITEMS,
        "{6295DF2A-35EE-11D1-8707-00C04FD93327}",
    ),
    (
        Guid::IID_ISYNCMGRSYNCHRONIZEINVOKE,
        "{6295DF2C-35EE-11D1-8707-00C04FD93327}",
    ),
    (
        Guid::IID_ISYNCMGRSYNCHRONIZE,
        "{6295DF40-35EE-11D1-8707-00C04FD93327}",
    ),
    (
        Guid::IID_ISYNCMGRSYNCHRONIZECALLBACK,
        "{6295DF41-35EE-11D1-8707-00C04FD93327}",
    ),
    (
        Guid::IID_ISYNCMGRREGISTER,
        "{6295DF42-35EE-11D1-8707-00C04FD93327}",
    ),
];

#[test]
fn guid_constants_match_section_2_4() {
    for (guid, text) in GUIDS {
        assert_eq!(guid.to_string(), text);
        assert_eq!(text.parse::<Guid>(), Ok(guid));
        let (d1, d2, d3, d4) = guid.to_fields();
        assert_eq!(
            (d2, d3, d4),
            (
                0x35EE,
                0x11D1,
                [0x87, 0x07, 0x00, 0xC0, 0x4F, 0xD9, 0x33, 0x27]
            )
        );
        assert_eq!(d1 >> 8, 0x6295DF);
    }
    assert!(Guid::GUID_NULL.is_null());
    assert_eq!(
        Guid::GUID_NULL.to_string(),
        "{00000000-0000-0000-0000-000000000000}"
    );
}

#[test]
fn guid_memory_layout_is_little_endian_in_the_first_three_fields() {
    let bytes = Guid::IID_ISYNCMGRSYNCHRONIZE.to_bytes_le();
    assert_eq!(
        bytes,
        [
            0x40, 0xDF, 0x95, 0x62, 0xEE, 0x35, 0xD1, 0x11, 0x87, 0x07, 0x00, 0xC0, 0x4F, 0xD9,
            0x33, 0x27
        ]
    );
}

proptest! {
    #[test]
    fn every_u32_is_a_status_exactly_when_it_is_one_of_the_ten(value: u32) {
        let listed = STATUSES.iter().any(|&(_, v, _)| v == value);
        match SyncMgrStatus::try_from(value) {
            Ok(status) => {
                prop_assert!(listed);
                prop_assert_eq!(status.to_u32(), value);
            }
            Err(err) => {
                prop_assert!(!listed);
                prop_assert_eq!(err.hresult(), HResult::E_INVALIDARG);
            }
        }
    }

    #[test]
    fn hresult_text_round_trips(code: u32) {
        let hr = HResult::from_u32(code);
        prop_assert_eq!(hr.to_string().parse::<HResult>(), Ok(hr));
        prop_assert_eq!(format!("0x{code:x}").parse::<HResult>(), Ok(hr));
        prop_assert_eq!(HResult::from_i32(hr.to_i32()), hr);
        prop_assert_eq!(u32::from(hr), code);
        prop_assert_eq!(HResult::from_parts(hr.is_failure(), hr.facility(), hr.code()).to_u32() & !0x6000_0000, code & !0x6000_0000);
    }

    #[test]
    fn guid_text_fields_and_windows_bytes_round_trip(value: u128) {
        let id = ItemId::from_u128(value);
        let uuid = uuid::Uuid::from_u128(value);
        let text = id.to_string();
        prop_assert_eq!(&text, &uuid.braced().to_string().to_uppercase());
        prop_assert_eq!(text.parse::<ItemId>(), Ok(id));
        prop_assert_eq!(text.to_lowercase().trim_matches(|c| c == '{' || c == '}').parse::<ItemId>(), Ok(id));
        let (d1, d2, d3, d4) = id.to_fields();
        prop_assert_eq!(ItemId::from_fields(d1, d2, d3, d4), id);
        prop_assert_eq!((d1, d2, d3, &d4), uuid.as_fields());
        let bytes = id.to_bytes_le();
        prop_assert_eq!(&bytes[..4], &d1.to_le_bytes()[..]);
        prop_assert_eq!(&bytes[4..6], &d2.to_le_bytes()[..]);
        prop_assert_eq!(&bytes[6..8], &d3.to_le_bytes()[..]);
        prop_assert_eq!(&bytes[8..], &d4[..]);
        prop_assert_eq!(ItemId::from_bytes_le(bytes), id);
        prop_assert_eq!(ErrorId::from(Guid::from(id)).to_u128(), value);
    }
}
