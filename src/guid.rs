//! GUIDs: [`Guid`], the item and error ids built on it, and the IIDs and CLSID of CONTRACT §2.4.
//!
//! A Windows `GUID` is `{Data1: u32, Data2: u16, Data3: u16, Data4: [u8; 8]}`. Its fields are in
//! UUID order, so [`uuid::Uuid::from_fields`] and `from_u128` map them exactly; its 16 bytes in
//! memory (the first three fields little-endian) are [`uuid::Uuid::from_bytes_le`].

use core::fmt;
use core::str::FromStr;

use uuid::Uuid;

use crate::parse_error::ParseError;

/// Parses `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` (8-4-4-4-12 hex digits, either case), with or
/// without surrounding braces. No other uuid text form is a Windows GUID.
fn parse_guid(s: &str) -> Result<Uuid, ParseError> {
    const WHAT: ParseError = ParseError::new("a GUID: 8-4-4-4-12 hex digits, optionally in braces");
    let inner = match s.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}').ok_or(WHAT)?,
        None => s,
    };
    let shaped = inner.len() == 36
        && inner.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    if !shaped {
        return Err(WHAT);
    }
    Uuid::try_parse(inner).map_err(|_| WHAT)
}

macro_rules! guid_type {
    ($(#[$meta:meta])* $name:ident, $example:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
        #[repr(transparent)]
        pub struct $name(Uuid);

        impl core::hash::Hash for $name {
            /// One `u128` write: equal ids hash equally, and hashers see one word, not a
            /// length-prefixed byte slice (the hot path hashes an id per event).
            fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
                state.write_u128(self.0.as_u128());
            }
        }

        impl $name {
            /// `GUID_NULL`: all zeros.
            pub const NULL: Self = Self(Uuid::nil());

            /// From a `Uuid`.
            #[must_use]
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The `Uuid`.
            #[must_use]
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }

            /// From its 128-bit value, as windows-core's `GUID::from_u128`.
            ///
            /// ```
            #[doc = concat!("# use mobsync::", stringify!($name), ";")]
            #[doc = concat!("let id = ", stringify!($name), "::from_u128(0x6295DF40_35EE_11D1_8707_00C04FD93327);")]
            /// assert_eq!(id.to_string(), "{6295DF40-35EE-11D1-8707-00C04FD93327}");
            /// ```
            #[must_use]
            pub const fn from_u128(value: u128) -> Self {
                Self(Uuid::from_u128(value))
            }

            /// The 128-bit value, as windows-core's `GUID::to_u128`.
            #[must_use]
            pub const fn to_u128(self) -> u128 {
                self.0.as_u128()
            }

            /// From the Windows fields `Data1..Data4`.
            ///
            /// ```
            #[doc = concat!("# use mobsync::", stringify!($name), ";")]
            #[doc = concat!("let id = ", stringify!($name), "::from_fields(0x6295DF40, 0x35EE, 0x11D1, [0x87, 0x07, 0, 0xC0, 0x4F, 0xD9, 0x33, 0x27]);")]
            #[doc = concat!("assert_eq!(id, ", stringify!($name), "::from_u128(0x6295DF40_35EE_11D1_8707_00C04FD93327));")]
            /// assert_eq!(id.to_fields().0, 0x6295DF40);
            /// ```
            #[must_use]
            pub const fn from_fields(data1: u32, data2: u16, data3: u16, data4: [u8; 8]) -> Self {
                Self(Uuid::from_fields(data1, data2, data3, &data4))
            }

            /// The Windows fields `(Data1, Data2, Data3, Data4)`.
            #[must_use]
            pub fn to_fields(self) -> (u32, u16, u16, [u8; 8]) {
                let (d1, d2, d3, d4) = self.0.as_fields();
                (d1, d2, d3, *d4)
            }

            /// From the 16 bytes of a `GUID` in memory (Data1..Data3 little-endian).
            ///
            /// ```
            #[doc = concat!("# use mobsync::", stringify!($name), ";")]
            #[doc = concat!("let id = ", stringify!($name), "::from_u128(0x6295DF40_35EE_11D1_8707_00C04FD93327);")]
            /// let bytes = id.to_bytes_le();
            /// assert_eq!(bytes[..4], [0x40, 0xDF, 0x95, 0x62]);
            #[doc = concat!("assert_eq!(", stringify!($name), "::from_bytes_le(bytes), id);")]
            /// ```
            #[must_use]
            pub const fn from_bytes_le(bytes: [u8; 16]) -> Self {
                Self(Uuid::from_bytes_le(bytes))
            }

            /// The 16 bytes of the `GUID` in memory (Data1..Data3 little-endian).
            #[must_use]
            pub const fn to_bytes_le(self) -> [u8; 16] {
                self.0.to_bytes_le()
            }

            /// Whether this is `GUID_NULL`.
            ///
            /// ```
            #[doc = concat!("# use mobsync::", stringify!($name), ";")]
            #[doc = concat!("assert!(", stringify!($name), "::NULL.is_null());")]
            /// ```
            #[must_use]
            pub const fn is_null(self) -> bool {
                self.0.is_nil()
            }
        }

        impl fmt::Display for $name {
            /// The registry form: braces, upper case: `{6295DF40-35EE-11D1-8707-00C04FD93327}`.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut buf = Uuid::encode_buffer();
                f.pad(self.0.braced().encode_upper(&mut buf))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl FromStr for $name {
            type Err = ParseError;

            /// 8-4-4-4-12 hex digits in either case, with or without braces.
            ///
            /// ```
            #[doc = concat!("# use mobsync::", stringify!($name), ";")]
            #[doc = concat!("let id: ", stringify!($name), " = \"", $example, "\".parse().unwrap();")]
            #[doc = concat!("assert_eq!(\"{", $example, "}\".parse(), Ok(id));")]
            #[doc = concat!("assert!(\"urn:uuid:", $example, "\".parse::<", stringify!($name), ">().is_err());")]
            /// ```
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_guid(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl From<u128> for $name {
            fn from(value: u128) -> Self {
                Self::from_u128(value)
            }
        }
    };
}

guid_type!(
    /// A Windows `GUID`.
    ///
    /// ```
    /// use mobsync::Guid;
    ///
    /// let iid: Guid = "{6295df40-35ee-11d1-8707-00c04fd93327}".parse().unwrap();
    /// assert_eq!(iid, Guid::IID_ISYNCMGRSYNCHRONIZE);
    /// assert_eq!(iid.to_string(), "{6295DF40-35EE-11D1-8707-00C04FD93327}");
    /// ```
    Guid,
    "6295df40-35ee-11d1-8707-00c04fd93327"
);

guid_type!(
    /// An item's `ItemID`: the GUID a handler gives each item it enumerates (`SYNCMGRITEM::ItemID`).
    ///
    /// ```
    /// use mobsync::ItemId;
    ///
    /// let id = ItemId::from_u128(0x6295DF40_0000_4000_8000_000000000001);
    /// assert_eq!(id.to_string(), "{6295DF40-0000-4000-8000-000000000001}");
    /// ```
    ItemId,
    "6295DF40-0000-4000-8000-000000000001"
);

guid_type!(
    /// An `ErrorID`: the GUID a handler gives a logged error (`SYNCMGRLOGERRORINFO::ErrorID`).
    ///
    /// ```
    /// use mobsync::ErrorId;
    ///
    /// let id = ErrorId::from_u128(0xE0);
    /// assert_eq!(id.to_string(), "{00000000-0000-0000-0000-0000000000E0}");
    /// ```
    ErrorId,
    "00000000-0000-0000-0000-0000000000e0"
);

impl Guid {
    /// `GUID_NULL`: all zeros (also [`Guid::NULL`]).
    pub const GUID_NULL: Self = Self::NULL;
    /// `CLSID_SyncMgr` `{6295DF27-35EE-11D1-8707-00C04FD93327}`.
    pub const CLSID_SYNCMGR: Self = Self::from_u128(0x6295DF27_35EE_11D1_8707_00C04FD93327);
    /// `IID_ISyncMgrEnumItems` `{6295DF2A-35EE-11D1-8707-00C04FD93327}`.
    pub const IID_ISYNCMGRENUMITEMS: Self = Self::from_u128(0x6295DF2A_35EE_11D1_8707_00C04FD93327);
    /// `IID_ISyncMgrSynchronizeInvoke` `{6295DF2C-35EE-11D1-8707-00C04FD93327}`.
    pub const IID_ISYNCMGRSYNCHRONIZEINVOKE: Self =
        Self::from_u128(0x6295DF2C_35EE_11D1_8707_00C04FD93327);
    /// `IID_ISyncMgrSynchronize` `{6295DF40-35EE-11D1-8707-00C04FD93327}`.
    pub const IID_ISYNCMGRSYNCHRONIZE: Self =
        Self::from_u128(0x6295DF40_35EE_11D1_8707_00C04FD93327);
    /// `IID_ISyncMgrSynchronizeCallback` `{6295DF41-35EE-11D1-8707-00C04FD93327}`.
    pub const IID_ISYNCMGRSYNCHRONIZECALLBACK: Self =
        Self::from_u128(0x6295DF41_35EE_11D1_8707_00C04FD93327);
    /// `IID_ISyncMgrRegister` `{6295DF42-35EE-11D1-8707-00C04FD93327}`.
    pub const IID_ISYNCMGRREGISTER: Self = Self::from_u128(0x6295DF42_35EE_11D1_8707_00C04FD93327);
}

impl From<ItemId> for Guid {
    fn from(id: ItemId) -> Self {
        Self(id.0)
    }
}

impl From<ErrorId> for Guid {
    fn from(id: ErrorId) -> Self {
        Self(id.0)
    }
}

impl From<Guid> for ItemId {
    fn from(guid: Guid) -> Self {
        Self(guid.0)
    }
}

impl From<Guid> for ErrorId {
    fn from(guid: Guid) -> Self {
        Self(guid.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_requires_the_hyphenated_shape() {
        for bad in [
            "6295df4035ee11d1870700c04fd93327",
            "{6295df40-35ee-11d1-8707-00c04fd93327",
            "6295df40-35ee-11d1-8707-00c04fd93327}",
            "6295df40-35ee-11d1-8707-00c04fd9332",
            "6295df40-35ee-11d1-8707-00c04fd9332g",
            "6295df40+35ee-11d1-8707-00c04fd93327",
            "",
        ] {
            assert!(bad.parse::<Guid>().is_err(), "{bad}");
        }
    }

    #[test]
    fn display_honours_width_and_alignment() {
        assert_eq!(format!("{:>40}", Guid::NULL).len(), 40);
    }
}
