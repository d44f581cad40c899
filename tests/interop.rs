//! windows-core interop (feature `windows-core`), tested on every platform: HRESULT, GUID and
//! Error conversions agree with windows-core's own representation, both ways.

use mobsync::{ErrorId, Guid, HResult, Instance, ItemId};
use proptest::prelude::*;
use windows_core::{GUID, HRESULT};

proptest! {
    #[test]
    fn hresult_round_trips_through_windows_core(code: u32) {
        let hr = HResult::from_u32(code);
        let windows = HRESULT::from(hr);
        prop_assert_eq!(windows.0, code as i32);
        prop_assert_eq!(windows.is_ok(), hr.is_success());
        prop_assert_eq!(HResult::from(windows), hr);
    }

    #[test]
    fn guids_round_trip_through_windows_core_with_the_same_fields(value: u128) {
        let guid = GUID::from(ItemId::from_u128(value));
        let (d1, d2, d3, d4) = ItemId::from_u128(value).to_fields();
        prop_assert_eq!((guid.data1, guid.data2, guid.data3, guid.data4), (d1, d2, d3, d4));
        prop_assert_eq!(ItemId::from(guid).to_u128(), value);
        prop_assert_eq!(ErrorId::from(guid).to_u128(), value);
        prop_assert_eq!(Guid::from(guid).to_u128(), value);
    }
}

#[test]
fn the_iid_of_isyncmgrsynchronize_is_windows_cores_guid() {
    let iid = GUID::from_u128(0x6295DF40_35EE_11D1_8707_00C04FD93327);
    assert_eq!(Guid::from(iid), Guid::IID_ISYNCMGRSYNCHRONIZE);
}

#[test]
fn an_error_becomes_a_windows_core_error_with_the_contract_hresult() {
    let err = Instance::new().synchronize().unwrap_err();
    let windows = windows_core::Error::from(err);
    assert_eq!(windows.code(), HRESULT(0x8000_FFFF_u32 as i32));
    // windows-core keeps the message in Windows' error-info object; elsewhere only the code.
    #[cfg(windows)]
    assert!(
        windows.message().contains("R-SYNC"),
        "{}",
        windows.message()
    );
}
