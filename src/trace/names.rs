//! The names of a trace (TRACE.md "Grammar": NAME, aliases and implicit names, and the limit on
//! distinct names).
//!
//! The table keeps every name's bytes in one arena and, per name, 32 bytes of index: memory is
//! the names' lengths plus about 40 bytes a name, so the limit of 2,097,152 names bounds it.

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

/// One name: its bytes in the arena, and its GUID.
#[derive(Clone, Copy, Debug)]
struct Entry {
    start: usize,
    len: usize,
    guid: Guid,
}

/// The table is full: the limit of distinct names is reached.
#[derive(Clone, Copy, Debug)]
pub(super) struct Full;

/// The names of a trace and their GUIDs. The hasher is seeded per process, so names from an
/// untrusted trace cannot be chosen to collide.
#[derive(Debug)]
pub(super) struct Names {
    table: HashTable<Entry>,
    arena: Vec<u8>,
    hasher: foldhash::fast::RandomState,
    limit: usize,
    /// The names added by the line being parsed (their hashes and arena starts), removed again
    /// when the line turns out to be in error: a line in error adds no name.
    added: Vec<(u64, usize)>,
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
            table: HashTable::new(),
            arena: Vec::new(),
            hasher: foldhash::fast::RandomState::default(),
            limit,
            added: Vec::new(),
        }
    }

    fn name(&self, entry: &Entry) -> &[u8] {
        self.arena
            .get(entry.start..entry.start + entry.len)
            .unwrap_or_default()
    }

    /// The GUID of `name`, if it is in the table.
    pub(super) fn get(&self, name: &str) -> Option<Guid> {
        let hash = self.hasher.hash_one(name.as_bytes());
        self.table
            .find(hash, |entry| self.name(entry) == name.as_bytes())
            .map(|entry| entry.guid)
    }

    /// Adds `name` (not in the table) for `guid`.
    pub(super) fn insert(&mut self, name: &str, guid: Guid) -> Result<(), Full> {
        if self.table.len() >= self.limit {
            return Err(Full);
        }
        let hash = self.hasher.hash_one(name.as_bytes());
        let entry = Entry {
            start: self.arena.len(),
            len: name.len(),
            guid,
        };
        self.arena.extend_from_slice(name.as_bytes());
        let (arena, hasher) = (&self.arena, &self.hasher);
        self.table.insert_unique(hash, entry, |e| {
            hasher.hash_one(arena.get(e.start..e.start + e.len).unwrap_or_default())
        });
        self.added.push((hash, entry.start));
        Ok(())
    }

    /// The line parsed: its names stay.
    pub(super) fn commit(&mut self) {
        self.added.clear();
    }

    /// The line is in error: the names it added go (the arena keeps their bytes only until the
    /// next name overwrites the end).
    pub(super) fn rollback(&mut self) {
        while let Some((hash, start)) = self.added.pop() {
            if let Ok(entry) = self.table.find_entry(hash, |e| e.start == start) {
                entry.remove();
            }
            self.arena.truncate(start);
        }
    }

    /// How many names the table holds.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.table.len()
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
