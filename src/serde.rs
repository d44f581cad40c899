//! `Serialize`/`Deserialize` for the vocabulary (feature `serde`).
//!
//! Human-readable formats (JSON, TOML…) get the texts a user reads in the header and in traces:
//! `"E_UNEXPECTED"` (or `"0x80041234"` for a code without a name), `"SKIPPED"`,
//! `"{6295DF40-35EE-11D1-8707-00C04FD93327}"`, `"R-SIS"`, `"return PrepareForSync"`. Compact
//! formats get the numbers (`u32`, `u128`). Deserializing accepts every form the types' `FromStr`
//! accepts, and numbers.
//!
//! ```
//! use mobsync::{HResult, ItemId, SyncMgrStatus};
//!
//! assert_eq!(serde_json::to_string(&HResult::E_UNEXPECTED).unwrap(), r#""E_UNEXPECTED""#);
//! assert_eq!(serde_json::from_str::<SyncMgrStatus>(r#""SYNCMGRSTATUS_SKIPPED""#).unwrap(), SyncMgrStatus::Skipped);
//! let id: ItemId = serde_json::from_str(r#""6295df40-35ee-11d1-8707-00c04fd93327""#).unwrap();
//! assert_eq!(serde_json::to_string(&id).unwrap(), r#""{6295DF40-35EE-11D1-8707-00C04FD93327}""#);
//! ```

use core::fmt;
use core::marker::PhantomData;
use core::str::FromStr;

use serde::de::{self, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::guid::{ErrorId, Guid, ItemId};
use crate::hresult::HResult;
use crate::machine::PassReport;
use crate::rule::{EventKind, Rule};
use crate::status::SyncMgrStatus;

/// Accepts a string (through `FromStr`) or an unsigned number (through `from_number`).
struct TextOrNumber<T>(PhantomData<T>, &'static str, fn(u128) -> Option<T>);

impl<T: FromStr> Visitor<'_> for TextOrNumber<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        text.parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(text), &self))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        self.visit_u128(u128::from(value))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<T, E> {
        (self.2)(value).ok_or_else(|| E::invalid_value(de::Unexpected::Other("number"), &self))
    }
}

impl Serialize for HResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(&self.short())
        } else {
            serializer.serialize_u32(self.to_u32())
        }
    }
}

impl<'de> Deserialize<'de> for HResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = TextOrNumber(PhantomData, "an HRESULT name, 0x hex or a u32", |v| {
            u32::try_from(v).ok().map(HResult::from_u32)
        });
        if deserializer.is_human_readable() {
            deserializer.deserialize_any(visitor)
        } else {
            deserializer.deserialize_u32(visitor)
        }
    }
}

impl Serialize for SyncMgrStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(self.short_name())
        } else {
            serializer.serialize_u32(self.to_u32())
        }
    }
}

impl<'de> Deserialize<'de> for SyncMgrStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = TextOrNumber(PhantomData, "a SYNCMGRSTATUS name or value", |v| {
            u32::try_from(v).ok().and_then(SyncMgrStatus::from_u32)
        });
        if deserializer.is_human_readable() {
            deserializer.deserialize_any(visitor)
        } else {
            deserializer.deserialize_u32(visitor)
        }
    }
}

macro_rules! guid_serde {
    ($($name:ident),*) => {$(
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                if serializer.is_human_readable() {
                    serializer.collect_str(self)
                } else {
                    serializer.serialize_u128(self.to_u128())
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let visitor = TextOrNumber(PhantomData, "a GUID", |v| Some($name::from_u128(v)));
                if deserializer.is_human_readable() {
                    deserializer.deserialize_any(visitor)
                } else {
                    deserializer.deserialize_u128(visitor)
                }
            }
        }
    )*};
}

guid_serde!(Guid, ItemId, ErrorId);

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextOrNumber(PhantomData, "a rule id such as R-SIS", |_| {
            None
        }))
    }
}

impl Serialize for EventKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextOrNumber(PhantomData, "an event name", |_| None))
    }
}

impl Serialize for PassReport {
    /// `{phase, hresult, items, unfinished, skip_not_honoured}`: how the pass ended, in selection
    /// order (the two lists are derived from the items).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ids = |it: &mut dyn Iterator<Item = crate::machine::ItemView>| {
            it.map(|v| v.id).collect::<Vec<_>>()
        };
        let mut report = serializer.serialize_struct("PassReport", 5)?;
        report.serialize_field("phase", &self.phase())?;
        report.serialize_field("hresult", &self.hresult())?;
        report.serialize_field("items", self.items())?;
        report.serialize_field("unfinished", &ids(&mut self.unfinished()))?;
        report.serialize_field("skip_not_honoured", &ids(&mut self.skip_not_honoured()))?;
        report.end()
    }
}

impl<'de> Deserialize<'de> for PassReport {
    /// From `{phase, items}`; the derived fields, if present, are ignored.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Repr {
            phase: crate::state::Phase,
            items: Vec<crate::machine::ItemView>,
        }
        let Repr { phase, items } = Repr::deserialize(deserializer)?;
        Ok(Self::new(phase, items))
    }
}
