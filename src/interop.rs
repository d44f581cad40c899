//! Conversions between the crate's types and windows-core's (feature `windows-core`): the types a
//! handler's COM object already holds. Every conversion is lossless both ways.
//!
//! ```
//! use mobsync::{HResult, ItemId};
//! use windows_core::{GUID, HRESULT};
//!
//! assert_eq!(HRESULT::from(HResult::E_UNEXPECTED), HRESULT(0x8000FFFF_u32 as i32));
//! let id = ItemId::from_u128(0x6295DF40_35EE_11D1_8707_00C04FD93327);
//! assert_eq!(GUID::from(id), GUID::from_u128(0x6295DF40_35EE_11D1_8707_00C04FD93327));
//! assert_eq!(ItemId::from(GUID::from(id)), id);
//! ```

use windows_core::{GUID, HRESULT};

use crate::error::Error;
use crate::guid::{ErrorId, Guid, ItemId};
use crate::hresult::HResult;

impl From<HResult> for HRESULT {
    fn from(hr: HResult) -> Self {
        Self(hr.to_i32())
    }
}

impl From<HRESULT> for HResult {
    fn from(hr: HRESULT) -> Self {
        Self::from_i32(hr.0)
    }
}

macro_rules! guid_interop {
    ($($name:ident),*) => {$(
        impl From<$name> for GUID {
            fn from(id: $name) -> Self {
                Self::from_u128(id.to_u128())
            }
        }

        impl From<GUID> for $name {
            fn from(guid: GUID) -> Self {
                Self::from_u128(guid.to_u128())
            }
        }
    )*};
}

guid_interop!(Guid, ItemId, ErrorId);

impl From<Error> for windows_core::Error {
    /// A windows-core error with the contract's HRESULT and the rule's message (windows-core
    /// keeps the message only on Windows, in the thread's error-info object).
    fn from(err: Error) -> Self {
        Self::new(HRESULT::from(err.hresult()), err.to_string())
    }
}
