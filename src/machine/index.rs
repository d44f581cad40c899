//! `Indexed`: a list in insertion order with an O(1) index by id (catalog, selection, log).

use core::hash::BuildHasher;

use hashbrown::HashTable;

use crate::guid::{ErrorId, ItemId};

/// The hasher of every id index (a type alias, so benchmarks can compare others).
pub(crate) type IdHasher = foldhash::fast::RandomState;

/// Something with an id to index by.
pub(crate) trait Keyed {
    type Key: Copy + Eq + core::hash::Hash;
    fn key(&self) -> Self::Key;
}

impl Keyed for ItemId {
    type Key = ItemId;
    fn key(&self) -> ItemId {
        *self
    }
}

impl Keyed for ErrorId {
    type Key = ErrorId;
    fn key(&self) -> ErrorId {
        *self
    }
}

/// Entries in insertion order plus a hash table of their positions.
#[derive(Clone)]
pub(crate) struct Indexed<T> {
    entries: Vec<T>,
    table: HashTable<u32>,
    hasher: IdHasher,
}

impl<T: core::fmt::Debug> core::fmt::Debug for Indexed<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(&self.entries).finish()
    }
}

impl<T> Default for Indexed<T> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            table: HashTable::new(),
            hasher: IdHasher::default(),
        }
    }
}

impl<T: Keyed> Indexed<T> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
            table: HashTable::with_capacity(capacity),
            hasher: IdHasher::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn entries(&self) -> &[T] {
        &self.entries
    }

    pub(crate) fn position(&self, key: T::Key) -> Option<usize> {
        let hash = self.hasher.hash_one(key);
        let entries = &self.entries;
        self.table
            .find(hash, |&pos| {
                entries.get(pos as usize).is_some_and(|e| e.key() == key)
            })
            .map(|&pos| pos as usize)
    }

    pub(crate) fn contains(&self, key: T::Key) -> bool {
        self.position(key).is_some()
    }

    /// Appends `entry` unless its key is present; `false` (and nothing changed) when it is.
    /// Positions are `u32`: the crate's limits keep every index far below `u32::MAX`.
    pub(crate) fn insert_new(&mut self, entry: T) -> bool {
        let key = entry.key();
        let hash = self.hasher.hash_one(key);
        let Self {
            entries,
            table,
            hasher,
        } = self;
        let found = table.find(hash, |&pos| {
            entries.get(pos as usize).is_some_and(|e| e.key() == key)
        });
        if found.is_some() {
            return false;
        }
        let Ok(pos) = u32::try_from(entries.len()) else {
            return false;
        };
        table.insert_unique(hash, pos, |&p| {
            entries
                .get(p as usize)
                .map_or(0, |e| hasher.hash_one(e.key()))
        });
        entries.push(entry);
        true
    }

    /// Removes the entry with `key`, keeping the order of the others (O(n)).
    pub(crate) fn remove(&mut self, key: T::Key) -> Option<T> {
        let pos = self.position(key)?;
        let hash = self.hasher.hash_one(key);
        if let Ok(slot) = self.table.find_entry(hash, |&p| p as usize == pos) {
            slot.remove();
        }
        for p in self.table.iter_mut() {
            if *p as usize > pos {
                *p -= 1;
            }
        }
        Some(self.entries.remove(pos))
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.table.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Keyed for u32 {
        type Key = u32;
        fn key(&self) -> u32 {
            *self
        }
    }

    #[test]
    fn insert_rejects_duplicates_and_remove_keeps_order() {
        let mut set = Indexed::with_capacity(4);
        for k in [5, 3, 9, 1] {
            assert!(set.insert_new(k));
        }
        assert!(!set.insert_new(3));
        assert_eq!(set.remove(3), Some(3));
        assert_eq!(set.entries(), [5, 9, 1]);
        assert_eq!(set.position(1), Some(2));
        assert_eq!(set.position(3), None);
        assert!(set.insert_new(3));
        assert_eq!(set.position(3), Some(3));
    }
}
