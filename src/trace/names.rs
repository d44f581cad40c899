//! The names of a trace (TRACE.md "Grammar": NAME, aliases and implicit names, and the limit on
//! distinct names).
//!
//! A name of up to 16 bytes costs 32 bytes of table, a longer one 32 bytes and its length: the
//! limit of 2,097,152 names bounds the memory (about 80 MB of short names at the limit).

use core::hash::BuildHasher;

use hashbrown::HashTable;
use uuid::Uuid;

use crate::guid::Guid;

use super::value::parse_guid;

/// The namespace of implicit names: `6295df40-35ee-11d1-8707-00c04fd93327` (TRACE.md).
const NAMESPACE: Uuid = Uuid::from_u128(0x6295df40_35ee_11d1_8707_00c04fd93327);

/// The most distinct names a trace may use, declared or not (TRACE.md "Limits").
pub(super) const MAX_NAMES: usize = 2_097_152;

/// NAME: `[A-Za-z_][A-Za-z0-9_-]*`, not `null` and not shaped like a GUID.
pub(super) fn is_name(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && text != "null"
        && parse_guid(text).is_none()
}

/// The GUID an undeclared NAME stands for: UUID v5 of its UTF-8 bytes in the trace namespace.
pub(super) fn implicit(name: &str) -> Guid {
    Guid::from_uuid(Uuid::new_v5(&NAMESPACE, name.as_bytes()))
}

/// A name of at most 16 bytes as a number: its bytes, zero-padded (a name holds no NUL, so two
/// names never share one).
#[inline(always)]
fn short_key(name: &[u8]) -> Option<u128> {
    if name.len() > 16 {
        return None;
    }
    // Byte by byte: a copy into an array would call `memcpy` for a few bytes.
    Some(
        name.iter()
            .rev()
            .fold(0_u128, |key, &b| (key << 8) | u128::from(b)),
    )
}

/// A name of at most 16 bytes, in its key.
#[derive(Clone, Copy, Debug)]
struct Short {
    key: u128,
    guid: Guid,
}

/// A longer name: its bytes in the arena, and its GUID.
#[derive(Clone, Copy, Debug)]
struct Long {
    start: usize,
    len: usize,
    guid: Guid,
}

/// Where a name added by the line being parsed is, to remove it again.
#[derive(Clone, Copy, Debug)]
enum Added {
    Short(u64, u128),
    Long(u64, usize),
}

/// The table is full: the limit of distinct names is reached.
#[derive(Clone, Copy, Debug)]
pub(super) struct Full;

/// The names of a trace and their GUIDs. Names of up to 16 bytes — nearly all — are kept in
/// their key (one probe, one comparison of two numbers); longer ones in an arena. The hasher is
/// seeded per process, so names from an untrusted trace cannot be chosen to collide.
#[derive(Debug)]
pub(super) struct Names {
    short: HashTable<Short>,
    long: HashTable<Long>,
    arena: Vec<u8>,
    hasher: foldhash::fast::RandomState,
    limit: usize,
    /// The names added by the line being parsed, removed again when the line turns out to be
    /// in error: a line in error adds no name.
    added: Vec<Added>,
}

impl Default for Names {
    fn default() -> Self {
        Self::with_limit(MAX_NAMES)
    }
}

impl Names {
    /// A table that takes at most `limit` names.
    pub(super) fn with_limit(limit: usize) -> Self {
        Self {
            short: HashTable::new(),
            long: HashTable::new(),
            arena: Vec::new(),
            hasher: foldhash::fast::RandomState::default(),
            limit,
            added: Vec::new(),
        }
    }

    fn long_name(&self, entry: &Long) -> &[u8] {
        self.arena
            .get(entry.start..entry.start + entry.len)
            .unwrap_or_default()
    }

    /// The GUID of `name`, if it is in the table.
    #[inline]
    pub(super) fn get(&self, name: &str) -> Option<Guid> {
        let bytes = name.as_bytes();
        if let Some(key) = short_key(bytes) {
            let hash = self.hasher.hash_one(key);
            return self
                .short
                .find(hash, |entry| entry.key == key)
                .map(|entry| entry.guid);
        }
        let hash = self.hasher.hash_one(bytes);
        self.long
            .find(hash, |entry| self.long_name(entry) == bytes)
            .map(|entry| entry.guid)
    }

    /// How many names the table holds.
    pub(super) fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    /// Adds `name` (not in the table) for `guid`.
    pub(super) fn insert(&mut self, name: &str, guid: Guid) -> Result<(), Full> {
        if self.len() >= self.limit {
            return Err(Full);
        }
        let bytes = name.as_bytes();
        let hasher = &self.hasher;
        if let Some(key) = short_key(bytes) {
            let hash = hasher.hash_one(key);
            self.short
                .insert_unique(hash, Short { key, guid }, |e| hasher.hash_one(e.key));
            self.added.push(Added::Short(hash, key));
            return Ok(());
        }
        let hash = hasher.hash_one(bytes);
        let entry = Long {
            start: self.arena.len(),
            len: bytes.len(),
            guid,
        };
        self.arena.extend_from_slice(bytes);
        let arena = &self.arena;
        self.long.insert_unique(hash, entry, |e| {
            hasher.hash_one(arena.get(e.start..e.start + e.len).unwrap_or_default())
        });
        self.added.push(Added::Long(hash, entry.start));
        Ok(())
    }

    /// The line parsed: its names stay.
    pub(super) fn commit(&mut self) {
        self.added.clear();
    }

    /// The line is in error: the names it added go.
    pub(super) fn rollback(&mut self) {
        while let Some(added) = self.added.pop() {
            match added {
                Added::Short(hash, key) => {
                    if let Ok(entry) = self.short.find_entry(hash, |e| e.key == key) {
                        entry.remove();
                    }
                }
                Added::Long(hash, start) => {
                    if let Ok(entry) = self.long.find_entry(hash, |e| e.start == start) {
                        entry.remove();
                    }
                    self.arena.truncate(start);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implicit_names_are_uuid_v5_in_the_trace_namespace() {
        assert_eq!(
            implicit("A").to_string(),
            "{3C75E951-8F5F-5001-A563-A6DB1373C58A}"
        );
    }

    #[test]
    fn a_rolled_back_line_leaves_no_name_and_the_limit_counts_names() {
        let mut names = Names::with_limit(2);
        names.insert("a", implicit("a")).unwrap();
        names.commit();
        names.insert("b", implicit("b")).unwrap();
        assert!(names.insert("c", implicit("c")).is_err());
        names.rollback();
        assert_eq!((names.len(), names.get("b")), (1, None));
        assert_eq!(names.get("a"), Some(implicit("a")));
        names.insert("c", implicit("c")).unwrap();
        assert_eq!(names.get("c"), Some(implicit("c")));
    }

    #[test]
    fn names_longer_than_sixteen_bytes_are_kept_whole_and_rolled_back() {
        let long = "a_name_longer_than_sixteen_bytes";
        let longer = "a_name_longer_than_sixteen_bytes_too";
        let mut names = Names::default();
        names.insert(long, implicit(long)).unwrap();
        names.commit();
        assert_eq!(names.get(long), Some(implicit(long)));
        assert_eq!(names.get(longer), None);
        assert_eq!(names.get("a_name_longer_th"), None);
        names.insert(longer, implicit(longer)).unwrap();
        names.rollback();
        assert_eq!((names.len(), names.get(longer)), (1, None));
        assert_eq!(names.get(long), Some(implicit(long)));
    }

    #[test]
    fn names_are_exactly_the_grammars() {
        for name in ["A", "_x", "a-b_9", "Zz"] {
            assert!(is_name(name), "{name}");
        }
        for bad in [
            "",
            "9a",
            "-a",
            "a.b",
            "null",
            "é",
            "6295df40-35ee-11d1-8707-00c04fd93327",
        ] {
            assert!(!is_name(bad), "{bad}");
        }
    }
}
