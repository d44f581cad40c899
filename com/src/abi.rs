//! `mobsync.h`'s binary interface: the six interfaces in vtable order (CONTRACT §2.5), the four
//! structs with the header's layout on 64-bit and 32-bit targets, and the handle types.
//!
//! Every method returns its `HRESULT` as it is (R-COM-HR): S_FALSE and every S_SYNCMGR_* code
//! reach the other side unchanged, which a `Result` mapping would lose. Every caller method is
//! `pub` (windows-core's `#[interface]` gives a caller method the visibility written on it).
//! Pointer parameters are raw pointers, so that NULL can be passed, seen and refused
//! (R-COM-PTR); an interface in-pointer is `*mut c_void` (borrow it with
//! [`Interface::from_raw_borrowed`](windows_core::Interface::from_raw_borrowed)), an interface
//! out-pointer `*mut *mut c_void`.
//!
//! The layouts are asserted at compile time for the target being built and listed in
//! [`layout`] for both pointer widths; `tests/header_layout.rs` compiles those numbers as C
//! `_Static_assert`s against mingw-w64's `mobsync.h` for x86_64 and i686.
#![allow(non_snake_case, clippy::upper_case_acronyms)]

use core::ffi::c_void;

use windows_core::GUID;

/// `HWND`: a window handle, pointer-sized and opaque; NULL is "no window".
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HWND(pub *mut c_void);

/// `HICON`: an icon handle, pointer-sized and opaque; NULL is "no icon".
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HICON(pub *mut c_void);

impl Default for HWND {
    fn default() -> Self {
        Self(core::ptr::null_mut())
    }
}

impl Default for HICON {
    fn default() -> Self {
        Self(core::ptr::null_mut())
    }
}

impl HWND {
    /// The handle as a number (what a trace or a log shows).
    #[must_use]
    pub fn addr(self) -> usize {
        self.0.addr()
    }
}

impl HICON {
    /// A handle from its number (what [`mobsync::sim::ItemInfo::icon`] holds).
    #[must_use]
    pub fn from_addr(addr: usize) -> Self {
        Self(core::ptr::without_provenance_mut(addr))
    }

    /// The handle as a number.
    #[must_use]
    pub fn addr(self) -> usize {
        self.0.addr()
    }
}

/// `FILETIME`: 100-nanosecond intervals since 1601-01-01 UTC, in two halves (alignment 4).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FILETIME {
    /// The low 32 bits.
    pub dwLowDateTime: u32,
    /// The high 32 bits.
    pub dwHighDateTime: u32,
}

impl FILETIME {
    /// From one 64-bit number.
    #[must_use]
    pub const fn from_u64(ticks: u64) -> Self {
        Self {
            dwLowDateTime: ticks as u32,
            dwHighDateTime: (ticks >> 32) as u32,
        }
    }

    /// As one 64-bit number.
    #[must_use]
    pub const fn to_u64(self) -> u64 {
        ((self.dwHighDateTime as u64) << 32) | self.dwLowDateTime as u64
    }
}

/// `MAX_SYNCMGRITEMNAME`: `wszItemName`'s length in UTF-16 units, NUL included.
pub const MAX_SYNCMGRITEMNAME: usize = mobsync::MAX_SYNCMGRITEMNAME;
/// `MAX_SYNCMGRHANDLERNAME`: `wszHandlerName`'s length in UTF-16 units, NUL included.
pub const MAX_SYNCMGRHANDLERNAME: usize = mobsync::MAX_SYNCMGRHANDLERNAME;

/// `SYNCMGRITEM`: one item, as the item enumerator's `Next` fills it.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SYNCMGRITEM {
    /// `sizeof(SYNCMGRITEM)` (R-COM-SIZE).
    pub cbSize: u32,
    /// `SYNCMGRITEMFLAGS`.
    pub dwFlags: u32,
    /// The item's id.
    pub ItemID: GUID,
    /// `SYNCMGRITEMSTATE`.
    pub dwItemState: u32,
    /// The item's icon.
    pub hIcon: HICON,
    /// The name, NUL-terminated.
    pub wszItemName: [u16; MAX_SYNCMGRITEMNAME],
    /// Shown when `dwFlags` has LASTUPDATETIME.
    pub ftLastUpdate: FILETIME,
}

/// `SYNCMGRHANDLERINFO`: what `GetHandlerInfo` hands out, from the COM task allocator.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SYNCMGRHANDLERINFO {
    /// `sizeof(SYNCMGRHANDLERINFO)` (R-COM-SIZE).
    pub cbSize: u32,
    /// The handler's icon.
    pub hIcon: HICON,
    /// `SYNCMGRHANDLERFLAGS`.
    pub SyncMgrHandlerFlags: u32,
    /// The name, NUL-terminated.
    pub wszHandlerName: [u16; MAX_SYNCMGRHANDLERNAME],
}

/// `SYNCMGRPROGRESSITEM`: what `Progress` passes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SYNCMGRPROGRESSITEM {
    /// `sizeof(SYNCMGRPROGRESSITEM)` (R-COM-SIZE).
    pub cbSize: u32,
    /// Which of the fields below are set (`ProgressMask`).
    pub mask: u32,
    /// The status text, NUL-terminated (STATUSTEXT).
    pub lpcStatusText: *const u16,
    /// A `SYNCMGRSTATUS` (STATUSTYPE).
    pub dwStatusType: u32,
    /// The progress value (PROGVALUE).
    pub iProgValue: i32,
    /// The maximum (MAXVALUE).
    pub iMaxValue: i32,
}

/// `SYNCMGRLOGERRORINFO`: what `LogError` passes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SYNCMGRLOGERRORINFO {
    /// `sizeof(SYNCMGRLOGERRORINFO)` (R-COM-SIZE).
    pub cbSize: u32,
    /// Which of the fields below are set (`LogErrorMask`).
    pub mask: u32,
    /// `SYNCMGRERRORFLAGS` (ERRORFLAGS).
    pub dwSyncMgrErrorFlags: u32,
    /// The entry's id (ERRORID).
    pub ErrorID: GUID,
    /// The item the entry is about (ITEMID).
    pub ItemID: GUID,
}

/// The `cbSize` of each struct on this target, as the header lays it out (R-COM-SIZE).
pub mod size {
    use super::{SYNCMGRHANDLERINFO, SYNCMGRITEM, SYNCMGRLOGERRORINFO, SYNCMGRPROGRESSITEM};

    /// `sizeof(SYNCMGRITEM)`: 304 on 64-bit targets, 296 on 32-bit x86.
    pub const SYNCMGRITEM_SIZE: u32 = size_of::<SYNCMGRITEM>() as u32;
    /// `sizeof(SYNCMGRHANDLERINFO)`: 88, or 76.
    pub const SYNCMGRHANDLERINFO_SIZE: u32 = size_of::<SYNCMGRHANDLERINFO>() as u32;
    /// `sizeof(SYNCMGRPROGRESSITEM)`: 32, or 24.
    pub const SYNCMGRPROGRESSITEM_SIZE: u32 = size_of::<SYNCMGRPROGRESSITEM>() as u32;
    /// `sizeof(SYNCMGRLOGERRORINFO)`: 44 everywhere.
    pub const SYNCMGRLOGERRORINFO_SIZE: u32 = size_of::<SYNCMGRLOGERRORINFO>() as u32;
}

/// The header's layouts as data: every struct's size and alignment and every field's offset,
/// for 64-bit ([`layout::WIN64`]) and 32-bit x86 ([`layout::WIN32`]) targets. The compile-time
/// assertions of this module check the target being built against its table; the header test
/// checks both tables against mingw-w64's `mobsync.h`.
pub mod layout {
    /// One struct's layout.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Layout {
        /// The C name.
        pub name: &'static str,
        /// `sizeof`.
        pub size: usize,
        /// `_Alignof`.
        pub align: usize,
        /// Every field's C name and `offsetof`, in declaration order.
        pub fields: &'static [(&'static str, usize)],
    }

    /// The four structs on 64-bit Windows (x86_64, aarch64).
    pub const WIN64: [Layout; 4] = [
        Layout {
            name: "SYNCMGRITEM",
            size: 304,
            align: 8,
            fields: &[
                ("cbSize", 0),
                ("dwFlags", 4),
                ("ItemID", 8),
                ("dwItemState", 24),
                ("hIcon", 32),
                ("wszItemName", 40),
                ("ftLastUpdate", 296),
            ],
        },
        Layout {
            name: "SYNCMGRHANDLERINFO",
            size: 88,
            align: 8,
            fields: &[
                ("cbSize", 0),
                ("hIcon", 8),
                ("SyncMgrHandlerFlags", 16),
                ("wszHandlerName", 20),
            ],
        },
        Layout {
            name: "SYNCMGRPROGRESSITEM",
            size: 32,
            align: 8,
            fields: &[
                ("cbSize", 0),
                ("mask", 4),
                ("lpcStatusText", 8),
                ("dwStatusType", 16),
                ("iProgValue", 20),
                ("iMaxValue", 24),
            ],
        },
        LOGERRORINFO,
    ];

    /// The four structs on 32-bit x86 Windows.
    pub const WIN32: [Layout; 4] = [
        Layout {
            name: "SYNCMGRITEM",
            size: 296,
            align: 4,
            fields: &[
                ("cbSize", 0),
                ("dwFlags", 4),
                ("ItemID", 8),
                ("dwItemState", 24),
                ("hIcon", 28),
                ("wszItemName", 32),
                ("ftLastUpdate", 288),
            ],
        },
        Layout {
            name: "SYNCMGRHANDLERINFO",
            size: 76,
            align: 4,
            fields: &[
                ("cbSize", 0),
                ("hIcon", 4),
                ("SyncMgrHandlerFlags", 8),
                ("wszHandlerName", 12),
            ],
        },
        Layout {
            name: "SYNCMGRPROGRESSITEM",
            size: 24,
            align: 4,
            fields: &[
                ("cbSize", 0),
                ("mask", 4),
                ("lpcStatusText", 8),
                ("dwStatusType", 12),
                ("iProgValue", 16),
                ("iMaxValue", 20),
            ],
        },
        LOGERRORINFO,
    ];

    /// No pointers: the same on every target.
    const LOGERRORINFO: Layout = Layout {
        name: "SYNCMGRLOGERRORINFO",
        size: 44,
        align: 4,
        fields: &[
            ("cbSize", 0),
            ("mask", 4),
            ("dwSyncMgrErrorFlags", 8),
            ("ErrorID", 12),
            ("ItemID", 28),
        ],
    };

    /// The table of the target being built.
    #[cfg(target_pointer_width = "64")]
    pub const TARGET: [Layout; 4] = WIN64;
    /// The table of the target being built.
    #[cfg(target_pointer_width = "32")]
    pub const TARGET: [Layout; 4] = WIN32;
}

/// Compares one struct with its row of [`layout::TARGET`] (in a `const` context).
macro_rules! assert_layout {
    ($index:literal, $ty:ident { $($field:ident),* }) => {
        // Evaluated at compile time: a failed assertion is a build error, not a panic.
        #[allow(clippy::indexing_slicing, clippy::panic)]
        const _: () = {
            let row = layout::TARGET[$index];
            assert!(size_of::<$ty>() == row.size, concat!(stringify!($ty), ": size"));
            assert!(align_of::<$ty>() == row.align, concat!(stringify!($ty), ": alignment"));
            let offsets = [$(core::mem::offset_of!($ty, $field)),*];
            assert!(offsets.len() == row.fields.len(), concat!(stringify!($ty), ": fields"));
            let mut i = 0;
            while i < offsets.len() {
                assert!(offsets[i] == row.fields[i].1, concat!(stringify!($ty), ": an offset"));
                i += 1;
            }
        };
    };
}

assert_layout!(
    0,
    SYNCMGRITEM {
        cbSize,
        dwFlags,
        ItemID,
        dwItemState,
        hIcon,
        wszItemName,
        ftLastUpdate
    }
);
assert_layout!(
    1,
    SYNCMGRHANDLERINFO {
        cbSize,
        hIcon,
        SyncMgrHandlerFlags,
        wszHandlerName
    }
);
assert_layout!(
    2,
    SYNCMGRPROGRESSITEM {
        cbSize,
        mask,
        lpcStatusText,
        dwStatusType,
        iProgValue,
        iMaxValue
    }
);
assert_layout!(
    3,
    SYNCMGRLOGERRORINFO {
        cbSize,
        mask,
        dwSyncMgrErrorFlags,
        ErrorID,
        ItemID
    }
);

const _: () = {
    assert!(size_of::<GUID>() == 16 && align_of::<GUID>() == 4);
    assert!(size_of::<FILETIME>() == 8 && align_of::<FILETIME>() == 4);
    assert!(size_of::<HWND>() == size_of::<usize>() && size_of::<HICON>() == size_of::<usize>());
};

pub use interfaces::*;

/// The interfaces. windows-core's `#[interface]` generates, beside each documented interface,
/// its vtable struct (`…_Vtbl`) and the trait an implementation writes (`…_Impl`) without
/// documentation of their own: they mirror the documented methods one for one.
mod interfaces {
    #![allow(missing_docs)]

    use core::ffi::c_void;

    use windows_core::{GUID, HRESULT, IUnknown, interface};

    use super::{HWND, SYNCMGRHANDLERINFO, SYNCMGRITEM, SYNCMGRLOGERRORINFO, SYNCMGRPROGRESSITEM};

    /// `ISyncMgrSynchronize` {6295DF40-35EE-11D1-8707-00C04FD93327}: the handler, called by the
    /// manager.
    #[interface("6295DF40-35EE-11D1-8707-00C04FD93327")]
    pub unsafe trait ISyncMgrSynchronize: IUnknown {
        /// `Initialize(dwReserved, dwSyncMgrFlags, cbCookie, lpCookie)`.
        pub fn Initialize(
            &self,
            dwReserved: u32,
            dwSyncMgrFlags: u32,
            cbCookie: u32,
            lpCookie: *const u8,
        ) -> HRESULT;
        /// `GetHandlerInfo(ppSyncMgrHandlerInfo)`: the caller frees the struct with
        /// `CoTaskMemFree`.
        pub fn GetHandlerInfo(&self, ppSyncMgrHandlerInfo: *mut *mut SYNCMGRHANDLERINFO)
        -> HRESULT;
        /// `EnumSyncMgrItems(ppSyncMgrEnumItems)`: an `ISyncMgrEnumItems`.
        pub fn EnumSyncMgrItems(&self, ppSyncMgrEnumItems: *mut *mut c_void) -> HRESULT;
        /// `GetItemObject(ItemID, riid, ppv)`.
        pub fn GetItemObject(
            &self,
            ItemID: *const GUID,
            riid: *const GUID,
            ppv: *mut *mut c_void,
        ) -> HRESULT;
        /// `ShowProperties(hWndParent, ItemID)`.
        pub fn ShowProperties(&self, hWndParent: HWND, ItemID: *const GUID) -> HRESULT;
        /// `SetProgressCallback(lpCallBack)`: an `ISyncMgrSynchronizeCallback`, or NULL.
        pub fn SetProgressCallback(&self, lpCallBack: *mut c_void) -> HRESULT;
        /// `PrepareForSync(cbNumItems, pItemIDs, hWndParent, dwReserved)`.
        pub fn PrepareForSync(
            &self,
            cbNumItems: u32,
            pItemIDs: *const GUID,
            hWndParent: HWND,
            dwReserved: u32,
        ) -> HRESULT;
        /// `Synchronize(hWndParent)`.
        pub fn Synchronize(&self, hWndParent: HWND) -> HRESULT;
        /// `SetItemStatus(pItemID, dwSyncMgrStatus)`.
        pub fn SetItemStatus(&self, pItemID: *const GUID, dwSyncMgrStatus: u32) -> HRESULT;
        /// `ShowError(hWndParent, ErrorID)`.
        pub fn ShowError(&self, hWndParent: HWND, ErrorID: *const GUID) -> HRESULT;
    }

    /// `ISyncMgrSynchronizeCallback` {6295DF41-35EE-11D1-8707-00C04FD93327}: the manager's
    /// callback, called by the handler (from any thread).
    #[interface("6295DF41-35EE-11D1-8707-00C04FD93327")]
    pub unsafe trait ISyncMgrSynchronizeCallback: IUnknown {
        /// `ShowPropertiesCompleted(hr)`.
        pub fn ShowPropertiesCompleted(&self, hr: HRESULT) -> HRESULT;
        /// `PrepareForSyncCompleted(hr)`.
        pub fn PrepareForSyncCompleted(&self, hr: HRESULT) -> HRESULT;
        /// `SynchronizeCompleted(hr)`.
        pub fn SynchronizeCompleted(&self, hr: HRESULT) -> HRESULT;
        /// `ShowErrorCompleted(hr, cItems, pItemIDs)`.
        pub fn ShowErrorCompleted(
            &self,
            hr: HRESULT,
            cItems: u32,
            pItemIDs: *const GUID,
        ) -> HRESULT;
        /// `EnableModeless(fEnable)`.
        pub fn EnableModeless(&self, fEnable: i32) -> HRESULT;
        /// `Progress(ItemID, pSyncProgressItem)`.
        pub fn Progress(
            &self,
            ItemID: *const GUID,
            pSyncProgressItem: *const SYNCMGRPROGRESSITEM,
        ) -> HRESULT;
        /// `LogError(dwErrorLevel, pszErrorText, pSyncLogError)`.
        pub fn LogError(
            &self,
            dwErrorLevel: u32,
            pszErrorText: *const u16,
            pSyncLogError: *const SYNCMGRLOGERRORINFO,
        ) -> HRESULT;
        /// `DeleteLogError(ErrorID, dwReserved)`.
        pub fn DeleteLogError(&self, ErrorID: *const GUID, dwReserved: u32) -> HRESULT;
        /// `EstablishConnection(pwszConnection, dwReserved)`.
        pub fn EstablishConnection(&self, pwszConnection: *const u16, dwReserved: u32) -> HRESULT;
    }

    /// `ISyncMgrEnumItems` {6295DF2A-35EE-11D1-8707-00C04FD93327}: the item enumerator.
    #[interface("6295DF2A-35EE-11D1-8707-00C04FD93327")]
    pub unsafe trait ISyncMgrEnumItems: IUnknown {
        /// `Next(celt, rgelt, pceltFetched)`.
        pub fn Next(&self, celt: u32, rgelt: *mut SYNCMGRITEM, pceltFetched: *mut u32) -> HRESULT;
        /// `Skip(celt)`.
        pub fn Skip(&self, celt: u32) -> HRESULT;
        /// `Reset()`.
        pub fn Reset(&self) -> HRESULT;
        /// `Clone(ppenum)`: an `ISyncMgrEnumItems`.
        pub fn Clone(&self, ppenum: *mut *mut c_void) -> HRESULT;
    }

    /// `ISyncMgrSynchronizeInvoke` {6295DF2C-35EE-11D1-8707-00C04FD93327}: what an application
    /// calls on the manager (`CLSID_SyncMgr`) to start a sync of a handler's items.
    #[interface("6295DF2C-35EE-11D1-8707-00C04FD93327")]
    pub unsafe trait ISyncMgrSynchronizeInvoke: IUnknown {
        /// `UpdateItems(dwInvokeFlags, clsid, cbCookie, lpCookie)`.
        pub fn UpdateItems(
            &self,
            dwInvokeFlags: u32,
            clsid: *const GUID,
            cbCookie: u32,
            lpCookie: *const u8,
        ) -> HRESULT;
        /// `UpdateAll()`.
        pub fn UpdateAll(&self) -> HRESULT;
    }

    /// `ISyncMgrRegister` {6295DF42-35EE-11D1-8707-00C04FD93327}: the manager's registration of
    /// handlers.
    #[interface("6295DF42-35EE-11D1-8707-00C04FD93327")]
    pub unsafe trait ISyncMgrRegister: IUnknown {
        /// `RegisterSyncMgrHandler(clsidHandler, pwszDescription, dwSyncMgrRegisterFlags)`.
        pub fn RegisterSyncMgrHandler(
            &self,
            clsidHandler: *const GUID,
            pwszDescription: *const u16,
            dwSyncMgrRegisterFlags: u32,
        ) -> HRESULT;
        /// `UnregisterSyncMgrHandler(clsidHandler, dwReserved)`.
        pub fn UnregisterSyncMgrHandler(
            &self,
            clsidHandler: *const GUID,
            dwReserved: u32,
        ) -> HRESULT;
        /// `GetHandlerRegistrationInfo(clsidHandler, pdwSyncMgrRegisterFlags)`.
        pub fn GetHandlerRegistrationInfo(
            &self,
            clsidHandler: *const GUID,
            pdwSyncMgrRegisterFlags: *mut u32,
        ) -> HRESULT;
    }

    /// `IClassFactory` {00000001-0000-0000-C000-000000000046}: what `DllGetClassObject` hands out.
    #[interface("00000001-0000-0000-C000-000000000046")]
    pub unsafe trait IClassFactory: IUnknown {
        /// `CreateInstance(pUnkOuter, riid, ppvObject)`.
        pub fn CreateInstance(
            &self,
            pUnkOuter: *mut c_void,
            riid: *const GUID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT;
        /// `LockServer(fLock)`.
        pub fn LockServer(&self, fLock: i32) -> HRESULT;
    }
}
