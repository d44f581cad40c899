//! The names of a trace (TRACE.md "Grammar": NAME, aliases and implicit names).

use hashbrown::HashMap;
use uuid::Uuid;

use crate::guid::Guid;

/// The namespace of implicit names: `6295df40-35ee-11d1-8707-00c04fd93327` (TRACE.md).
pub(super) const NAMESPACE: Uuid = Uuid::from_u128(0x6295df40_35ee_11d1_8707_00c04fd93327);

pub(super) fn is_guid_shaped(text: &str) -> bool {
    text.parse::<Guid>().is_ok()
}

pub(super) fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && text != "null"
        && !is_guid_shaped(text)
}

/// The names of a trace and their GUIDs. The hasher is seeded per process, so names from an
/// untrusted trace cannot be chosen to collide.
pub(super) type Names = HashMap<String, Guid, foldhash::fast::RandomState>;
