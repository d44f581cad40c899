//! Our own declarations of the `mobsync.h` binary interface, written from Microsoft's
//! reference pages (MicrosoftDocs `sdk-api`, `sdk-api-src/content/mobsync/`) and mingw-w64's
//! `mobsync.h`.
//!
//! Every interface method returns the raw `HRESULT` (never a `Result`), so that `S_FALSE` and
//! the `S_SYNCMGR_*` success codes survive in both directions. Every caller-side method is
//! declared `pub`: windows-core 0.100's `#[interface]` gives each generated caller method the
//! visibility written on the method itself (private when none is written), independent of
//! the trait's visibility.
//!
//! Pointer parameters are raw pointers on purpose (`*const GUID` for `REFGUID`,
//! `*mut *mut c_void` for interface out-pointers, `*mut c_void` for an interface in-pointer):
//! the manager and handlers in this folder must be able to pass NULL and wrong values, and to
//! see exactly what the other side wrote.

#![allow(
    non_snake_case,
    non_camel_case_types,
    non_upper_case_globals,
    clippy::upper_case_acronyms
)]

use core::ffi::c_void;
use windows_core::{GUID, HRESULT, IUnknown, IUnknown_Vtbl, interface};

// ---------------------------------------------------------------------------------------------
// Basic Windows types (pointer-sized handles, BOOL, FILETIME)
// ---------------------------------------------------------------------------------------------

/// `HWND`: an opaque pointer-sized handle. NULL is allowed wherever the docs say "may be NULL".
pub type HWND = *mut c_void;
/// `HICON`: an opaque pointer-sized handle.
pub type HICON = *mut c_void;
/// `BOOL` (`WINBOOL` in mingw-w64): a 32-bit int.
pub type BOOL = i32;
/// `TRUE`.
pub const TRUE: BOOL = 1;
/// `FALSE`.
pub const FALSE: BOOL = 0;

/// `FILETIME`: two 32-bit halves, alignment 4.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FILETIME {
    pub dwLowDateTime: u32,
    pub dwHighDateTime: u32,
}

// ---------------------------------------------------------------------------------------------
// HRESULTs
// ---------------------------------------------------------------------------------------------

/// `MAKE_SCODE(sev, fac, code)`.
pub const fn make_scode(sev: u32, fac: u32, code: u32) -> HRESULT {
    HRESULT(((sev << 31) | (fac << 16) | code) as i32)
}
/// `FACILITY_ITF`.
pub const FACILITY_ITF: u32 = 4;

pub const S_OK: HRESULT = HRESULT(0);
pub const S_FALSE: HRESULT = HRESULT(1);
pub const S_SYNCMGR_MISSINGITEMS: HRESULT = make_scode(0, FACILITY_ITF, 0x0201);
pub const S_SYNCMGR_RETRYSYNC: HRESULT = make_scode(0, FACILITY_ITF, 0x0202);
pub const S_SYNCMGR_CANCELITEM: HRESULT = make_scode(0, FACILITY_ITF, 0x0203);
pub const S_SYNCMGR_CANCELALL: HRESULT = make_scode(0, FACILITY_ITF, 0x0204);
pub const S_SYNCMGR_ITEMDELETED: HRESULT = make_scode(0, FACILITY_ITF, 0x0210);
pub const S_SYNCMGR_ENUMITEMS: HRESULT = make_scode(0, FACILITY_ITF, 0x0211);

pub const E_NOTIMPL: HRESULT = HRESULT(0x8000_4001_u32 as i32);
pub const E_NOINTERFACE: HRESULT = HRESULT(0x8000_4002_u32 as i32);
pub const E_POINTER: HRESULT = HRESULT(0x8000_4003_u32 as i32);
pub const E_FAIL: HRESULT = HRESULT(0x8000_4005_u32 as i32);
pub const E_PENDING: HRESULT = HRESULT(0x8000_000A_u32 as i32);
pub const E_UNEXPECTED: HRESULT = HRESULT(0x8000_FFFF_u32 as i32);
pub const E_ACCESSDENIED: HRESULT = HRESULT(0x8007_0005_u32 as i32);
pub const E_OUTOFMEMORY: HRESULT = HRESULT(0x8007_000E_u32 as i32);
pub const E_INVALIDARG: HRESULT = HRESULT(0x8007_0057_u32 as i32);
/// `CLASS_E_NOAGGREGATION` (winerror.h), answered by our class factory for a non-NULL outer.
pub const CLASS_E_NOAGGREGATION: HRESULT = HRESULT(0x8004_0110_u32 as i32);

/// A short name for an `HRESULT` we know, else its hex value (for logs).
pub fn hr_name(hr: HRESULT) -> String {
    let known = [
        (S_OK, "S_OK"),
        (S_FALSE, "S_FALSE"),
        (S_SYNCMGR_MISSINGITEMS, "S_SYNCMGR_MISSINGITEMS"),
        (S_SYNCMGR_RETRYSYNC, "S_SYNCMGR_RETRYSYNC"),
        (S_SYNCMGR_CANCELITEM, "S_SYNCMGR_CANCELITEM"),
        (S_SYNCMGR_CANCELALL, "S_SYNCMGR_CANCELALL"),
        (S_SYNCMGR_ITEMDELETED, "S_SYNCMGR_ITEMDELETED"),
        (S_SYNCMGR_ENUMITEMS, "S_SYNCMGR_ENUMITEMS"),
        (E_NOTIMPL, "E_NOTIMPL"),
        (E_NOINTERFACE, "E_NOINTERFACE"),
        (E_POINTER, "E_POINTER"),
        (E_FAIL, "E_FAIL"),
        (E_PENDING, "E_PENDING"),
        (E_UNEXPECTED, "E_UNEXPECTED"),
        (E_ACCESSDENIED, "E_ACCESSDENIED"),
        (E_OUTOFMEMORY, "E_OUTOFMEMORY"),
        (E_INVALIDARG, "E_INVALIDARG"),
        (CLASS_E_NOAGGREGATION, "CLASS_E_NOAGGREGATION"),
    ];
    for (value, name) in known {
        if value == hr {
            return name.to_string();
        }
    }
    format!("0x{:08X}", hr.0 as u32)
}

// ---------------------------------------------------------------------------------------------
// GUIDs
// ---------------------------------------------------------------------------------------------

pub const CLSID_SyncMgr: GUID = GUID::from_u128(0x6295DF27_35EE_11D1_8707_00C04FD93327);
pub const IID_ISyncMgrEnumItems: GUID = GUID::from_u128(0x6295DF2A_35EE_11D1_8707_00C04FD93327);
pub const IID_ISyncMgrSynchronizeInvoke: GUID =
    GUID::from_u128(0x6295DF2C_35EE_11D1_8707_00C04FD93327);
pub const IID_ISyncMgrSynchronize: GUID = GUID::from_u128(0x6295DF40_35EE_11D1_8707_00C04FD93327);
pub const IID_ISyncMgrSynchronizeCallback: GUID =
    GUID::from_u128(0x6295DF41_35EE_11D1_8707_00C04FD93327);
pub const IID_ISyncMgrRegister: GUID = GUID::from_u128(0x6295DF42_35EE_11D1_8707_00C04FD93327);
pub const IID_IUnknown: GUID = GUID::from_u128(0x00000000_0000_0000_C000_000000000046);
pub const IID_IClassFactory: GUID = GUID::from_u128(0x00000001_0000_0000_C000_000000000046);
pub const GUID_NULL: GUID = GUID::zeroed();

// ---------------------------------------------------------------------------------------------
// Enums, flags and masks
// ---------------------------------------------------------------------------------------------

// SYNCMGRSTATUS: a set of values, not bit flags.
pub const SYNCMGRSTATUS_STOPPED: u32 = 0x0;
pub const SYNCMGRSTATUS_SKIPPED: u32 = 0x1;
pub const SYNCMGRSTATUS_PENDING: u32 = 0x2;
pub const SYNCMGRSTATUS_UPDATING: u32 = 0x3;
pub const SYNCMGRSTATUS_SUCCEEDED: u32 = 0x4;
pub const SYNCMGRSTATUS_FAILED: u32 = 0x5;
pub const SYNCMGRSTATUS_PAUSED: u32 = 0x6;
pub const SYNCMGRSTATUS_RESUMING: u32 = 0x7;
/// Vista and later headers only (absent from mingw-w64's XP-era header).
pub const SYNCMGRSTATUS_UPDATING_INDETERMINATE: u32 = 0x8;
pub const SYNCMGRSTATUS_DELETED: u32 = 0x100;

/// A short name for a SYNCMGRSTATUS value (for logs).
pub fn status_name(status: u32) -> String {
    match status {
        SYNCMGRSTATUS_STOPPED => "STOPPED".into(),
        SYNCMGRSTATUS_SKIPPED => "SKIPPED".into(),
        SYNCMGRSTATUS_PENDING => "PENDING".into(),
        SYNCMGRSTATUS_UPDATING => "UPDATING".into(),
        SYNCMGRSTATUS_SUCCEEDED => "SUCCEEDED".into(),
        SYNCMGRSTATUS_FAILED => "FAILED".into(),
        SYNCMGRSTATUS_PAUSED => "PAUSED".into(),
        SYNCMGRSTATUS_RESUMING => "RESUMING".into(),
        SYNCMGRSTATUS_UPDATING_INDETERMINATE => "UPDATING_INDETERMINATE".into(),
        SYNCMGRSTATUS_DELETED => "DELETED".into(),
        other => format!("0x{other:X}"),
    }
}

// SYNCMGRFLAG (Initialize): an event in the low byte plus modifiers.
pub const SYNCMGRFLAG_CONNECT: u32 = 0x1;
pub const SYNCMGRFLAG_PENDINGDISCONNECT: u32 = 0x2;
pub const SYNCMGRFLAG_MANUAL: u32 = 0x3;
pub const SYNCMGRFLAG_IDLE: u32 = 0x4;
pub const SYNCMGRFLAG_INVOKE: u32 = 0x5;
pub const SYNCMGRFLAG_SCHEDULED: u32 = 0x6;
pub const SYNCMGRFLAG_EVENTMASK: u32 = 0xFF;
pub const SYNCMGRFLAG_SETTINGS: u32 = 0x100;
pub const SYNCMGRFLAG_MAYBOTHERUSER: u32 = 0x200;

// SYNCMGRHANDLERFLAGS.
pub const SYNCMGRHANDLER_HASPROPERTIES: u32 = 0x1;
pub const SYNCMGRHANDLER_MAYESTABLISHCONNECTION: u32 = 0x2;
pub const SYNCMGRHANDLER_ALWAYSLISTHANDLER: u32 = 0x4;
/// Vista and later headers only.
pub const SYNCMGRHANDLER_HIDDEN: u32 = 0x8;
/// mingw-w64 (XP-era) `SYNCMGRHANDLERFLAG_MASK`.
pub const SYNCMGRHANDLERFLAG_MASK_XP: u32 = 0x07;
/// Vista and later `SYNCMGRHANDLERFLAG_MASK`.
pub const SYNCMGRHANDLERFLAG_MASK: u32 = 0x0F;

// SYNCMGRITEMFLAGS.
pub const SYNCMGRITEM_HASPROPERTIES: u32 = 0x1;
pub const SYNCMGRITEM_TEMPORARY: u32 = 0x2;
pub const SYNCMGRITEM_ROAMINGUSER: u32 = 0x4;
pub const SYNCMGRITEM_LASTUPDATETIME: u32 = 0x8;
pub const SYNCMGRITEM_MAYDELETEITEM: u32 = 0x10;
/// Vista and later headers only.
pub const SYNCMGRITEM_HIDDEN: u32 = 0x20;
/// mingw-w64 (XP-era) `SYNCMGRITEM_ITEMFLAGMASK`.
pub const SYNCMGRITEM_ITEMFLAGMASK_XP: u32 = 0x1F;
/// Vista and later `SYNCMGRITEM_ITEMFLAGMASK`.
pub const SYNCMGRITEM_ITEMFLAGMASK: u32 = 0x7F;

// SYNCMGRITEMSTATE.
pub const SYNCMGRITEMSTATE_UNCHECKED: u32 = 0x0;
pub const SYNCMGRITEMSTATE_CHECKED: u32 = 0x1;

// SYNCMGRLOGLEVEL.
pub const SYNCMGRLOGLEVEL_INFORMATION: u32 = 0x1;
pub const SYNCMGRLOGLEVEL_WARNING: u32 = 0x2;
pub const SYNCMGRLOGLEVEL_ERROR: u32 = 0x3;
pub const SYNCMGRLOGLEVEL_LOGLEVELMAX: u32 = 0x3;

// SYNCMGRERRORFLAGS.
pub const SYNCMGRERRORFLAG_ENABLEJUMPTEXT: u32 = 0x1;

// SYNCMGRPROGRESSITEM mask.
pub const SYNCMGRPROGRESSITEM_STATUSTEXT: u32 = 0x1;
pub const SYNCMGRPROGRESSITEM_STATUSTYPE: u32 = 0x2;
pub const SYNCMGRPROGRESSITEM_PROGVALUE: u32 = 0x4;
pub const SYNCMGRPROGRESSITEM_MAXVALUE: u32 = 0x8;

// SYNCMGRLOGERRORINFO mask.
pub const SYNCMGRLOGERROR_ERRORFLAGS: u32 = 0x1;
pub const SYNCMGRLOGERROR_ERRORID: u32 = 0x2;
pub const SYNCMGRLOGERROR_ITEMID: u32 = 0x4;

// SYNCMGRINVOKEFLAGS (no 0x1).
pub const SYNCMGRINVOKE_STARTSYNC: u32 = 0x2;
pub const SYNCMGRINVOKE_MINIMIZED: u32 = 0x4;

// SYNCMGRREGISTERFLAGS.
pub const SYNCMGRREGISTERFLAG_CONNECT: u32 = 0x1;
pub const SYNCMGRREGISTERFLAG_PENDINGDISCONNECT: u32 = 0x2;
pub const SYNCMGRREGISTERFLAG_IDLE: u32 = 0x4;
pub const SYNCMGRREGISTERFLAGS_MASK: u32 = 0x7;

/// `MAX_SYNCMGRHANDLERNAME`: WCHARs, including the terminating NUL.
pub const MAX_SYNCMGRHANDLERNAME: usize = 32;
/// `MAX_SYNCMGRITEMNAME`: WCHARs, including the terminating NUL.
pub const MAX_SYNCMGRITEMNAME: usize = 128;

// ---------------------------------------------------------------------------------------------
// Structs
// ---------------------------------------------------------------------------------------------

/// `SYNCMGRHANDLERINFO`. Allocated by the handler with the COM task allocator and freed by
/// the caller of `GetHandlerInfo`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SYNCMGRHANDLERINFO {
    pub cbSize: u32,
    pub hIcon: HICON,
    pub SyncMgrHandlerFlags: u32,
    pub wszHandlerName: [u16; MAX_SYNCMGRHANDLERNAME],
}

/// `SYNCMGRITEM`, filled by `ISyncMgrEnumItems::Next`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SYNCMGRITEM {
    pub cbSize: u32,
    pub dwFlags: u32,
    pub ItemID: GUID,
    pub dwItemState: u32,
    pub hIcon: HICON,
    pub wszItemName: [u16; MAX_SYNCMGRITEMNAME],
    pub ftLastUpdate: FILETIME,
}

/// `SYNCMGRPROGRESSITEM`, passed to `ISyncMgrSynchronizeCallback::Progress`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SYNCMGRPROGRESSITEM {
    pub cbSize: u32,
    pub mask: u32,
    pub lpcStatusText: *const u16,
    pub dwStatusType: u32,
    pub iProgValue: i32,
    pub iMaxValue: i32,
}

/// `SYNCMGRLOGERRORINFO`, passed to `ISyncMgrSynchronizeCallback::LogError`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SYNCMGRLOGERRORINFO {
    pub cbSize: u32,
    pub mask: u32,
    pub dwSyncMgrErrorFlags: u32,
    pub ErrorID: GUID,
    pub ItemID: GUID,
}

/// Size of `SYNCMGRITEM` as the header lays it out on this target.
pub const SYNCMGRITEM_SIZE: u32 = core::mem::size_of::<SYNCMGRITEM>() as u32;
/// Size of `SYNCMGRHANDLERINFO` as the header lays it out on this target.
pub const SYNCMGRHANDLERINFO_SIZE: u32 = core::mem::size_of::<SYNCMGRHANDLERINFO>() as u32;
/// Size of `SYNCMGRPROGRESSITEM` as the header lays it out on this target.
pub const SYNCMGRPROGRESSITEM_SIZE: u32 = core::mem::size_of::<SYNCMGRPROGRESSITEM>() as u32;
/// Size of `SYNCMGRLOGERRORINFO` as the header lays it out on this target.
pub const SYNCMGRLOGERRORINFO_SIZE: u32 = core::mem::size_of::<SYNCMGRLOGERRORINFO>() as u32;

// Layout checks derived by hand from the header (C rules: each member at its natural
// alignment, the struct padded to its largest member's alignment; GUID is 16 bytes with
// alignment 4, FILETIME 8 bytes with alignment 4).
const _: () = {
    use core::mem::{align_of, offset_of, size_of};
    assert!(size_of::<GUID>() == 16 && align_of::<GUID>() == 4);
    assert!(size_of::<FILETIME>() == 8 && align_of::<FILETIME>() == 4);
    assert!(size_of::<HRESULT>() == 4);

    // SYNCMGRLOGERRORINFO: no pointers, same on every target.
    assert!(offset_of!(SYNCMGRLOGERRORINFO, cbSize) == 0);
    assert!(offset_of!(SYNCMGRLOGERRORINFO, mask) == 4);
    assert!(offset_of!(SYNCMGRLOGERRORINFO, dwSyncMgrErrorFlags) == 8);
    assert!(offset_of!(SYNCMGRLOGERRORINFO, ErrorID) == 12);
    assert!(offset_of!(SYNCMGRLOGERRORINFO, ItemID) == 28);
    assert!(size_of::<SYNCMGRLOGERRORINFO>() == 44);
};

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    // SYNCMGRHANDLERINFO: 4 bytes of padding after cbSize, 4 after the name.
    assert!(offset_of!(SYNCMGRHANDLERINFO, cbSize) == 0);
    assert!(offset_of!(SYNCMGRHANDLERINFO, hIcon) == 8);
    assert!(offset_of!(SYNCMGRHANDLERINFO, SyncMgrHandlerFlags) == 16);
    assert!(offset_of!(SYNCMGRHANDLERINFO, wszHandlerName) == 20);
    assert!(size_of::<SYNCMGRHANDLERINFO>() == 88);

    // SYNCMGRITEM: 4 bytes of padding after dwItemState.
    assert!(offset_of!(SYNCMGRITEM, cbSize) == 0);
    assert!(offset_of!(SYNCMGRITEM, dwFlags) == 4);
    assert!(offset_of!(SYNCMGRITEM, ItemID) == 8);
    assert!(offset_of!(SYNCMGRITEM, dwItemState) == 24);
    assert!(offset_of!(SYNCMGRITEM, hIcon) == 32);
    assert!(offset_of!(SYNCMGRITEM, wszItemName) == 40);
    assert!(offset_of!(SYNCMGRITEM, ftLastUpdate) == 296);
    assert!(size_of::<SYNCMGRITEM>() == 304);

    // SYNCMGRPROGRESSITEM: 4 bytes of tail padding.
    assert!(offset_of!(SYNCMGRPROGRESSITEM, cbSize) == 0);
    assert!(offset_of!(SYNCMGRPROGRESSITEM, mask) == 4);
    assert!(offset_of!(SYNCMGRPROGRESSITEM, lpcStatusText) == 8);
    assert!(offset_of!(SYNCMGRPROGRESSITEM, dwStatusType) == 16);
    assert!(offset_of!(SYNCMGRPROGRESSITEM, iProgValue) == 20);
    assert!(offset_of!(SYNCMGRPROGRESSITEM, iMaxValue) == 24);
    assert!(size_of::<SYNCMGRPROGRESSITEM>() == 32);
};

#[cfg(target_pointer_width = "32")]
const _: () = {
    use core::mem::size_of;
    assert!(size_of::<SYNCMGRHANDLERINFO>() == 76);
    assert!(size_of::<SYNCMGRITEM>() == 296);
    assert!(size_of::<SYNCMGRPROGRESSITEM>() == 24);
};

impl Default for SYNCMGRHANDLERINFO {
    fn default() -> Self {
        Self {
            cbSize: 0,
            hIcon: core::ptr::null_mut(),
            SyncMgrHandlerFlags: 0,
            wszHandlerName: [0; MAX_SYNCMGRHANDLERNAME],
        }
    }
}

impl Default for SYNCMGRITEM {
    fn default() -> Self {
        Self {
            cbSize: 0,
            dwFlags: 0,
            ItemID: GUID_NULL,
            dwItemState: 0,
            hIcon: core::ptr::null_mut(),
            wszItemName: [0; MAX_SYNCMGRITEMNAME],
            ftLastUpdate: FILETIME::default(),
        }
    }
}

impl Default for SYNCMGRPROGRESSITEM {
    fn default() -> Self {
        Self {
            cbSize: 0,
            mask: 0,
            lpcStatusText: core::ptr::null(),
            dwStatusType: 0,
            iProgValue: 0,
            iMaxValue: 0,
        }
    }
}

impl Default for SYNCMGRLOGERRORINFO {
    fn default() -> Self {
        Self {
            cbSize: 0,
            mask: 0,
            dwSyncMgrErrorFlags: 0,
            ErrorID: GUID_NULL,
            ItemID: GUID_NULL,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Interfaces, methods in vtable order (after IUnknown's three)
// ---------------------------------------------------------------------------------------------

/// `ISyncMgrSynchronize` {6295DF40-35EE-11D1-8707-00C04FD93327}: implemented by a handler.
#[interface("6295DF40-35EE-11D1-8707-00C04FD93327")]
pub unsafe trait ISyncMgrSynchronize: IUnknown {
    pub fn Initialize(
        &self,
        dwReserved: u32,
        dwSyncMgrFlags: u32,
        cbCookie: u32,
        lpCookie: *const u8,
    ) -> HRESULT;
    pub fn GetHandlerInfo(&self, ppSyncMgrHandlerInfo: *mut *mut SYNCMGRHANDLERINFO) -> HRESULT;
    /// `ppSyncMgrEnumItems` receives an `ISyncMgrEnumItems*`.
    pub fn EnumSyncMgrItems(&self, ppSyncMgrEnumItems: *mut *mut c_void) -> HRESULT;
    pub fn GetItemObject(
        &self,
        ItemID: *const GUID,
        riid: *const GUID,
        ppv: *mut *mut c_void,
    ) -> HRESULT;
    pub fn ShowProperties(&self, hWndParent: HWND, ItemID: *const GUID) -> HRESULT;
    /// `lpCallBack` is an `ISyncMgrSynchronizeCallback*` or NULL.
    pub fn SetProgressCallback(&self, lpCallBack: *mut c_void) -> HRESULT;
    pub fn PrepareForSync(
        &self,
        cbNumItems: u32,
        pItemIDs: *const GUID,
        hWndParent: HWND,
        dwReserved: u32,
    ) -> HRESULT;
    pub fn Synchronize(&self, hWndParent: HWND) -> HRESULT;
    pub fn SetItemStatus(&self, pItemID: *const GUID, dwSyncMgrStatus: u32) -> HRESULT;
    pub fn ShowError(&self, hWndParent: HWND, ErrorID: *const GUID) -> HRESULT;
}

/// `ISyncMgrSynchronizeCallback` {6295DF41-35EE-11D1-8707-00C04FD93327}: implemented by the
/// manager; "can be called on any thread" by the handler.
#[interface("6295DF41-35EE-11D1-8707-00C04FD93327")]
pub unsafe trait ISyncMgrSynchronizeCallback: IUnknown {
    pub fn ShowPropertiesCompleted(&self, hr: HRESULT) -> HRESULT;
    pub fn PrepareForSyncCompleted(&self, hr: HRESULT) -> HRESULT;
    pub fn SynchronizeCompleted(&self, hr: HRESULT) -> HRESULT;
    pub fn ShowErrorCompleted(&self, hr: HRESULT, cItems: u32, pItemIDs: *const GUID) -> HRESULT;
    pub fn EnableModeless(&self, fEnable: BOOL) -> HRESULT;
    pub fn Progress(
        &self,
        ItemID: *const GUID,
        pSyncProgressItem: *const SYNCMGRPROGRESSITEM,
    ) -> HRESULT;
    pub fn LogError(
        &self,
        dwErrorLevel: u32,
        pszErrorText: *const u16,
        pSyncLogError: *const SYNCMGRLOGERRORINFO,
    ) -> HRESULT;
    pub fn DeleteLogError(&self, ErrorID: *const GUID, dwReserved: u32) -> HRESULT;
    pub fn EstablishConnection(&self, pwszConnection: *const u16, dwReserved: u32) -> HRESULT;
}

/// `ISyncMgrEnumItems` {6295DF2A-35EE-11D1-8707-00C04FD93327}: the handler's item enumerator.
#[interface("6295DF2A-35EE-11D1-8707-00C04FD93327")]
pub unsafe trait ISyncMgrEnumItems: IUnknown {
    pub fn Next(&self, celt: u32, rgelt: *mut SYNCMGRITEM, pceltFetched: *mut u32) -> HRESULT;
    pub fn Skip(&self, celt: u32) -> HRESULT;
    pub fn Reset(&self) -> HRESULT;
    /// `ppenum` receives an `ISyncMgrEnumItems*`.
    pub fn Clone(&self, ppenum: *mut *mut c_void) -> HRESULT;
}

/// `IClassFactory` {00000001-0000-0000-C000-000000000046}.
#[interface("00000001-0000-0000-C000-000000000046")]
pub unsafe trait IClassFactory: IUnknown {
    pub fn CreateInstance(
        &self,
        pUnkOuter: *mut c_void,
        riid: *const GUID,
        ppvObject: *mut *mut c_void,
    ) -> HRESULT;
    pub fn LockServer(&self, fLock: BOOL) -> HRESULT;
}

// The IIDs the macro bakes in are the ones of the header.
const _: () = {
    use windows_core::Interface;
    assert!(<ISyncMgrSynchronize as Interface>::IID.to_u128() == IID_ISyncMgrSynchronize.to_u128());
    assert!(
        <ISyncMgrSynchronizeCallback as Interface>::IID.to_u128()
            == IID_ISyncMgrSynchronizeCallback.to_u128()
    );
    assert!(<ISyncMgrEnumItems as Interface>::IID.to_u128() == IID_ISyncMgrEnumItems.to_u128());
    assert!(<IClassFactory as Interface>::IID.to_u128() == IID_IClassFactory.to_u128());
};

// Vtable order: slots counted in pointers, IUnknown's three first.
const _: () = {
    use core::mem::{offset_of, size_of};
    const P: usize = size_of::<usize>();
    assert!(size_of::<IUnknown_Vtbl>() == 3 * P);
    assert!(offset_of!(ISyncMgrSynchronize_Vtbl, Initialize) == 3 * P);
    assert!(offset_of!(ISyncMgrSynchronize_Vtbl, GetHandlerInfo) == 4 * P);
    assert!(offset_of!(ISyncMgrSynchronize_Vtbl, EnumSyncMgrItems) == 5 * P);
    assert!(offset_of!(ISyncMgrSynchronize_Vtbl, GetItemObject) == 6 * P);
    assert!(offset_of!(ISyncMgrSynchronize_Vtbl, ShowProperties) == 7 * P);
    assert!(offset_of!(ISyncMgrSynchronize_Vtbl, SetProgressCallback) == 8 * P);
    assert!(offset_of!(ISyncMgrSynchronize_Vtbl, PrepareForSync) == 9 * P);
    assert!(offset_of!(ISyncMgrSynchronize_Vtbl, Synchronize) == 10 * P);
    assert!(offset_of!(ISyncMgrSynchronize_Vtbl, SetItemStatus) == 11 * P);
    assert!(offset_of!(ISyncMgrSynchronize_Vtbl, ShowError) == 12 * P);
    assert!(size_of::<ISyncMgrSynchronize_Vtbl>() == 13 * P);

    assert!(offset_of!(ISyncMgrSynchronizeCallback_Vtbl, ShowPropertiesCompleted) == 3 * P);
    assert!(offset_of!(ISyncMgrSynchronizeCallback_Vtbl, PrepareForSyncCompleted) == 4 * P);
    assert!(offset_of!(ISyncMgrSynchronizeCallback_Vtbl, SynchronizeCompleted) == 5 * P);
    assert!(offset_of!(ISyncMgrSynchronizeCallback_Vtbl, ShowErrorCompleted) == 6 * P);
    assert!(offset_of!(ISyncMgrSynchronizeCallback_Vtbl, EnableModeless) == 7 * P);
    assert!(offset_of!(ISyncMgrSynchronizeCallback_Vtbl, Progress) == 8 * P);
    assert!(offset_of!(ISyncMgrSynchronizeCallback_Vtbl, LogError) == 9 * P);
    assert!(offset_of!(ISyncMgrSynchronizeCallback_Vtbl, DeleteLogError) == 10 * P);
    assert!(offset_of!(ISyncMgrSynchronizeCallback_Vtbl, EstablishConnection) == 11 * P);
    assert!(size_of::<ISyncMgrSynchronizeCallback_Vtbl>() == 12 * P);

    assert!(offset_of!(ISyncMgrEnumItems_Vtbl, Next) == 3 * P);
    assert!(offset_of!(ISyncMgrEnumItems_Vtbl, Skip) == 4 * P);
    assert!(offset_of!(ISyncMgrEnumItems_Vtbl, Reset) == 5 * P);
    assert!(offset_of!(ISyncMgrEnumItems_Vtbl, Clone) == 6 * P);
    assert!(size_of::<ISyncMgrEnumItems_Vtbl>() == 7 * P);

    assert!(offset_of!(IClassFactory_Vtbl, CreateInstance) == 3 * P);
    assert!(offset_of!(IClassFactory_Vtbl, LockServer) == 4 * P);
};

// ---------------------------------------------------------------------------------------------
// Small helpers shared by the manager and the handlers
// ---------------------------------------------------------------------------------------------

/// The text form `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` of a GUID (windows-core's own
/// `Debug` prints it without braces).
pub fn guid_text(g: &GUID) -> String {
    format!(
        "{{{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
        g.data1,
        g.data2,
        g.data3,
        g.data4[0],
        g.data4[1],
        g.data4[2],
        g.data4[3],
        g.data4[4],
        g.data4[5],
        g.data4[6],
        g.data4[7]
    )
}

/// Encodes `s` as UTF-16 into a fixed array, truncated so that a NUL always fits, and
/// NUL-padded.
pub fn fixed_wide<const N: usize>(s: &str) -> [u16; N] {
    let mut out = [0u16; N];
    for (slot, unit) in out
        .iter_mut()
        .take(N.saturating_sub(1))
        .zip(s.encode_utf16())
    {
        *slot = unit;
    }
    out
}

/// Decodes a fixed array up to its first NUL. Returns the text (unpaired surrogates become
/// U+FFFD) and whether a NUL was present.
pub fn from_fixed_wide(units: &[u16]) -> (String, bool) {
    match units.iter().position(|&u| u == 0) {
        Some(n) => (String::from_utf16_lossy(&units[..n]), true),
        None => (String::from_utf16_lossy(units), false),
    }
}

/// A NUL-terminated UTF-16 copy of `s` (for passing an `LPCWSTR`).
pub fn wide_z(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(core::iter::once(0)).collect()
}

/// The longest string a reader in this folder accepts, in UTF-16 units, NUL excluded.
pub const MAX_WIDE_UNITS: usize = 65_536;

/// No NUL within the bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unterminated;

/// Reads a NUL-terminated UTF-16 string, one `u16` at a time, at most `max_units` units
/// before the NUL. Returns `Ok(None)` for NULL, `Err(Unterminated)` when no NUL came within
/// the bound.
///
/// Never uses `wcslen` or `PCWSTR::len`, which measure the platform's `wchar_t` (32 bits on
/// Linux).
///
/// # Safety
/// `p` must be NULL or point to readable `u16`s up to and including a NUL or `max_units + 1`
/// of them, whichever comes first.
pub unsafe fn read_wide(p: *const u16, max_units: usize) -> Result<Option<String>, Unterminated> {
    if p.is_null() {
        return Ok(None);
    }
    let mut units = Vec::new();
    for i in 0..=max_units {
        // SAFETY: the caller guarantees that every unit up to the NUL (or the bound) is
        // readable; `i` never passes the bound.
        let unit = unsafe { p.add(i).read_unaligned() };
        if unit == 0 {
            return Ok(Some(String::from_utf16_lossy(&units)));
        }
        units.push(unit);
    }
    Err(Unterminated)
}

/// Casts an `IUnknown` to `I` with a real `QueryInterface`, returning the raw `HRESULT` on
/// failure.
pub fn query<I: windows_core::Interface>(unknown: &IUnknown) -> Result<I, HRESULT> {
    use windows_core::Interface;
    let mut out: *mut c_void = core::ptr::null_mut();
    // SAFETY: `unknown` is a live interface pointer; `I::IID` is a valid GUID and `out` is a
    // writable pointer slot, as QueryInterface requires.
    let hr = unsafe { unknown.query(&I::IID, &mut out) };
    if hr.is_ok() && !out.is_null() {
        // SAFETY: a successful QueryInterface for `I::IID` hands us one owned reference to an
        // `I` in `out`.
        Ok(unsafe { I::from_raw(out) })
    } else {
        // A failing QueryInterface that still wrote a pointer hands us nothing we own: the
        // pointer is left alone.
        Err(if hr.is_ok() { E_NOINTERFACE } else { hr })
    }
}
