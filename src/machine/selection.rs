//! The selection: the items of the latest accepted PrepareForSync, laid out for the hot events.
//!
//! SetItemStatus and Progress look an item up by id and read or write its status and skip
//! request. The layout keeps that in one place: a hash table of 20-byte slots holding the id and
//! one packed word (position, status, skip request), so a hot event touches the table's control
//! bytes and one slot — the same two cache lines a bare `HashMap<ItemId, _>` touches. What the
//! hot events rarely need (progress value and maximum, the epoch at which the item became final)
//! sits in a vector in selection order, which also keeps the order: each of its entries names its
//! slot's bucket.
//!
//! Bucket indices stay valid because the table is sized for its list before the first insert
//! and never grows afterwards; [`Selection::insert_new`] re-derives them if it ever had to.

use core::hash::BuildHasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use super::index::IdHasher;
use crate::guid::ItemId;
use crate::rules::StatusSet;
use crate::status::SyncMgrStatus;

/// `final_at` of an item that never reached a final status, and `sweep_at` with no sweep.
pub(crate) const NEVER: u32 = u32::MAX;
/// Progress value or maximum not reported yet.
pub(crate) const UNKNOWN: i32 = -1;

/// An item's hot state in 32 bits: position in the selection (bits 0–26), status ordinal (bits
/// 27–30) and the explicit skip request (bit 31).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Word(u32);

impl Word {
    const POS_BITS: u32 = 27;
    const POS_MASK: u32 = (1 << Self::POS_BITS) - 1;
    const STATUS_MASK: u32 = 0xF << Self::POS_BITS;
    const SKIP: u32 = 1 << 31;

    /// A `Pending` item at `pos` (`pos` ≤ [`Selection::MAX_LEN`] − 1).
    const fn new(pos: u32) -> Self {
        Self(pos & Self::POS_MASK).with_status(SyncMgrStatus::Pending)
    }

    /// The position in the selection's order.
    pub(crate) const fn pos(self) -> usize {
        (self.0 & Self::POS_MASK) as usize
    }

    pub(crate) const fn status(self) -> SyncMgrStatus {
        match SyncMgrStatus::from_ordinal(self.ordinal()) {
            Some(status) => status,
            // A word only ever holds ordinals 0–9.
            None => SyncMgrStatus::Pending,
        }
    }

    const fn ordinal(self) -> u32 {
        (self.0 & Self::STATUS_MASK) >> Self::POS_BITS
    }

    /// The statuses this item may report next (the status graph, by ordinal).
    pub(crate) fn successors(self) -> StatusSet {
        StatusSet::SUCCESSORS
            .get(self.ordinal() as usize)
            .copied()
            .unwrap_or(StatusSet::EMPTY)
    }

    /// An explicit skip request (SetItemStatus(SKIPPED), S_SYNCMGR_CANCELITEM).
    pub(crate) const fn skip(self) -> bool {
        self.0 & Self::SKIP != 0
    }

    /// The status is final (SUCCEEDED, FAILED, SKIPPED, STOPPED, DELETED): one bit test.
    pub(crate) const fn is_final(self) -> bool {
        (FINAL_ORDINALS >> self.ordinal()) & 1 != 0
    }

    pub(crate) const fn with_status(self, status: SyncMgrStatus) -> Self {
        self.with_ordinal(status.ordinal())
    }

    /// The status with this ordinal (0–9, from [`SyncMgrStatus::ordinal_of_u32`]).
    pub(crate) const fn with_ordinal(self, ordinal: u32) -> Self {
        Self((self.0 & !Self::STATUS_MASK) | ((ordinal << Self::POS_BITS) & Self::STATUS_MASK))
    }

    /// The status graph lets this item move to the status with ordinal `to` (0–9).
    pub(crate) fn may_become(self, to: u32) -> bool {
        (self.successors().bits() >> (to & 0xF)) & 1 != 0
    }

    pub(crate) const fn with_skip(self) -> Self {
        Self(self.0 | Self::SKIP)
    }
}

/// The final statuses as a set of ordinals.
const FINAL_ORDINALS: u32 = {
    let mut bits = 0;
    let mut i = 0;
    while i < SyncMgrStatus::ALL.len() {
        #[allow(
            clippy::indexing_slicing,
            reason = "evaluated at compile time: an index out of range fails the build"
        )]
        let status = SyncMgrStatus::ALL[i];
        if status.is_final() {
            bits |= 1 << status.ordinal();
        }
        i += 1;
    }
    bits
};

/// The hash table's element: 20 bytes.
#[derive(Clone, Copy, Debug)]
struct Slot {
    id: ItemId,
    word: Word,
}

/// What the hot events rarely touch, in selection order.
#[derive(Clone, Copy, Debug)]
struct Cold {
    value: i32,
    max: i32,
    /// The selection's epoch at which the item first became final ([`NEVER`] if not yet).
    final_at: u32,
    /// The bucket of the item's slot.
    bucket: u32,
}

/// An item as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) id: ItemId,
    pub(crate) status: SyncMgrStatus,
    pub(crate) skip: bool,
    pub(crate) value: i32,
    pub(crate) max: i32,
    pub(crate) final_at: u32,
}

/// An item as a decision sees it: its hot word, and its cold part (read only when needed).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Item<'a> {
    pub(crate) word: Word,
    cold: &'a [Cold],
}

impl Item<'_> {
    /// The last progress value and maximum ([`UNKNOWN`] if not reported).
    pub(crate) fn last_progress(self) -> (i32, i32) {
        self.cold
            .get(self.word.pos())
            .map_or((UNKNOWN, UNKNOWN), |cold| (cold.value, cold.max))
    }

    pub(crate) fn final_at(self) -> u32 {
        self.cold
            .get(self.word.pos())
            .map_or(NEVER, |cold| cold.final_at)
    }
}

/// The items of one selection with an O(1) lookup by id, in the selection's order.
pub(crate) struct Selection {
    table: HashTable<Slot>,
    cold: Vec<Cold>,
    hasher: IdHasher,
}

impl Default for Selection {
    fn default() -> Self {
        Self {
            table: HashTable::new(),
            cold: Vec::new(),
            hasher: IdHasher::default(),
        }
    }
}

impl Clone for Selection {
    /// Rebuilt item by item, so the bucket indices are those of the new table.
    fn clone(&self) -> Self {
        let mut copy = Self::with_capacity(self.len());
        for record in self.records() {
            if copy.insert_new(record.id)
                && let Some(pos) = copy.cold.len().checked_sub(1)
            {
                copy.restore(pos, record);
            }
        }
        copy
    }
}

impl core::fmt::Debug for Selection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.records()).finish()
    }
}

impl Selection {
    /// The most items a selection can hold: positions have 27 bits.
    pub(crate) const MAX_LEN: usize = 1 << Word::POS_BITS;

    /// An empty selection with room for `capacity` items (at most [`Self::MAX_LEN`]).
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.min(Self::MAX_LEN);
        Self {
            table: HashTable::with_capacity(capacity),
            cold: Vec::with_capacity(capacity),
            hasher: IdHasher::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.cold.len()
    }

    pub(crate) fn contains(&self, id: ItemId) -> bool {
        self.find(id).is_some()
    }

    /// Appends `id` as a `Pending` item unless it is present or the selection is full
    /// ([`Self::MAX_LEN`]); `false` (and nothing changed) then.
    pub(crate) fn insert_new(&mut self, id: ItemId) -> bool {
        let Ok(pos) = u32::try_from(self.cold.len()) else {
            return false;
        };
        if pos > Word::POS_MASK {
            return false;
        }
        let hash = self.hasher.hash_one(id);
        let Self {
            table,
            cold,
            hasher,
        } = self;
        let buckets = table.num_buckets();
        // One probe. `entry` makes room first when the table is full, which moves every slot;
        // a selection sized for its list never is, and `reindex` repairs it if it ever were.
        let inserted =
            match table.entry(hash, |slot| slot.id == id, |slot| hasher.hash_one(slot.id)) {
                Entry::Occupied(_) => None,
                Entry::Vacant(vacant) => {
                    let slot = Slot {
                        id,
                        word: Word::new(pos),
                    };
                    Some(vacant.insert(slot).bucket_index())
                }
            };
        if let Some(bucket) = inserted {
            cold.push(Cold {
                value: UNKNOWN,
                max: UNKNOWN,
                final_at: NEVER,
                bucket: u32::try_from(bucket).unwrap_or(u32::MAX),
            });
        }
        if table.num_buckets() != buckets {
            self.reindex();
        }
        inserted.is_some()
    }

    /// Re-derives every item's bucket after the table moved its slots.
    fn reindex(&mut self) {
        let Self {
            table,
            cold,
            hasher,
        } = self;
        for slot in table.iter() {
            let hash = hasher.hash_one(slot.id);
            let bucket = table.find_bucket_index(hash, |s| s.id == slot.id);
            if let (Some(bucket), Some(entry)) = (bucket, cold.get_mut(slot.word.pos())) {
                entry.bucket = u32::try_from(bucket).unwrap_or(u32::MAX);
            }
        }
    }

    /// Sets the state of the item at `pos` (for [`Clone`]).
    fn restore(&mut self, pos: usize, record: Record) {
        if let Some(cold) = self.cold.get_mut(pos) {
            cold.value = record.value;
            cold.max = record.max;
            cold.final_at = record.final_at;
            if let Some(slot) = self.table.get_bucket_mut(cold.bucket as usize) {
                slot.word = slot.word.with_status(record.status);
                if record.skip {
                    slot.word = slot.word.with_skip();
                }
            }
        }
    }

    /// The item `id` for a decision: one probe of the table; the cold part is not read until
    /// the decision asks for it.
    pub(crate) fn find(&self, id: ItemId) -> Option<Item<'_>> {
        let hash = self.hasher.hash_one(id);
        let slot = self.table.find(hash, |slot| slot.id == id)?;
        Some(Item {
            word: slot.word,
            cold: &self.cold,
        })
    }

    /// Decides and records a change of the item `id` with one probe: `judge` sees the item
    /// (`None` when it is not in the selection) and answers the change to make, if any; nothing
    /// is written unless it answers `Ok(Some(_))`. An item's epoch of first becoming final is
    /// drawn from `epoch`.
    #[inline(always)]
    pub(crate) fn update<E>(
        &mut self,
        id: ItemId,
        epoch: &mut u32,
        judge: impl FnOnce(Option<Item<'_>>) -> Result<Option<Change>, E>,
    ) -> Result<(), E> {
        let hash = self.hasher.hash_one(id);
        let Self { table, cold, .. } = self;
        let slot = table.find_mut(hash, |slot| slot.id == id);
        let found = slot.as_deref().map(|slot| Item {
            word: slot.word,
            cold,
        });
        let (Some(change), Some(slot)) = (judge(found)?, slot) else {
            return Ok(());
        };
        slot.word = change.word;
        if (change.value == KEEP) & (change.max == KEEP) & !change.became_final {
            return Ok(());
        }
        if let Some(cold) = cold.get_mut(change.word.pos()) {
            if change.value != KEEP {
                cold.value = change.value;
            }
            if change.max != KEEP {
                cold.max = change.max;
            }
            if change.became_final && cold.final_at == NEVER {
                *epoch += 1;
                cold.final_at = *epoch;
            }
        }
        Ok(())
    }

    /// The item `id` with all its state.
    pub(crate) fn get(&self, id: ItemId) -> Option<Record> {
        let item = self.find(id)?;
        self.record(item.word.pos())
    }

    fn record(&self, pos: usize) -> Option<Record> {
        let cold = self.cold.get(pos)?;
        let slot = self.table.get_bucket(cold.bucket as usize)?;
        Some(Record {
            id: slot.id,
            status: slot.word.status(),
            skip: slot.word.skip(),
            value: cold.value,
            max: cold.max,
            final_at: cold.final_at,
        })
    }

    /// Every item in selection order.
    pub(crate) fn records(&self) -> impl ExactSizeIterator<Item = Record> + '_ {
        self.cold.iter().map(|cold| {
            let slot = self.table.get_bucket(cold.bucket as usize);
            Record {
                id: slot.map_or(ItemId::NULL, |slot| slot.id),
                status: slot.map_or(SyncMgrStatus::Pending, |slot| slot.word.status()),
                skip: slot.is_some_and(|slot| slot.word.skip()),
                value: cold.value,
                max: cold.max,
                final_at: cold.final_at,
            }
        })
    }
}

/// A progress value or maximum a [`Change`] leaves as it is.
pub(crate) const KEEP: i32 = i32::MIN;

/// What an accepted SetItemStatus or Progress writes to its item, decided from the item's word
/// before anything is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Change {
    /// The item's new hot word.
    pub(crate) word: Word,
    /// The new progress value, or [`KEEP`].
    pub(crate) value: i32,
    /// The new progress maximum, or [`KEEP`].
    pub(crate) max: i32,
    /// The item reaches a final status for the first time.
    pub(crate) became_final: bool,
}

impl Change {
    /// `word` becomes `to`, with nothing else changed.
    pub(crate) const fn word(to: Word) -> Self {
        Self {
            word: to,
            value: KEEP,
            max: KEEP,
            became_final: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> ItemId {
        ItemId::from_u128(n)
    }

    /// Records the change of `n`'s word by `f` and of its value to `value`.
    fn record(
        selection: &mut Selection,
        n: u128,
        epoch: &mut u32,
        f: impl FnOnce(Word) -> Word,
        value: i32,
    ) {
        selection
            .update(id(n), epoch, |item| {
                let word = item.unwrap().word;
                let to = f(word);
                Ok::<_, ()>(Some(Change {
                    word: to,
                    value,
                    max: KEEP,
                    became_final: to.is_final() && !word.is_final(),
                }))
            })
            .unwrap();
    }

    fn skip(word: Word) -> Word {
        word.with_skip()
    }

    fn status(status: SyncMgrStatus) -> impl FnOnce(Word) -> Word {
        move |word| word.with_status(status)
    }

    #[test]
    fn word_packs_position_status_and_skip_independently() {
        let last = Word::POS_MASK;
        for status in SyncMgrStatus::ALL {
            let word = Word::new(last).with_status(status);
            assert_eq!(
                (word.pos(), word.status(), word.skip()),
                (last as usize, status, false)
            );
            let skipped = word.with_skip();
            assert_eq!(
                (skipped.pos(), skipped.status(), skipped.skip()),
                (last as usize, status, true)
            );
            assert_eq!(word.successors(), crate::rules::status_successors(status));
            assert_eq!(word.is_final(), status.is_final());
        }
        assert_eq!(Word::new(0).status(), SyncMgrStatus::Pending);
    }

    #[test]
    fn insert_keeps_order_and_refuses_duplicates() {
        let mut selection = Selection::with_capacity(3);
        for n in [5, 3, 9] {
            assert!(selection.insert_new(id(n)));
        }
        assert!(!selection.insert_new(id(3)));
        let ids: Vec<_> = selection.records().map(|r| r.id).collect();
        assert_eq!(ids, [id(5), id(3), id(9)]);
        assert_eq!(selection.find(id(9)).map(|item| item.word.pos()), Some(2));
        assert!(selection.find(id(4)).is_none());
    }

    #[test]
    fn inserting_past_capacity_keeps_every_item_reachable() {
        let mut selection = Selection::with_capacity(1);
        for n in 1..=1000 {
            assert!(selection.insert_new(id(n)));
        }
        let mut epoch = 0;
        for n in 1..=1000 {
            record(&mut selection, n, &mut epoch, skip, KEEP);
            assert_eq!(
                selection.get(id(n)).map(|r| (r.id, r.skip)),
                Some((id(n), true))
            );
        }
        let ids: Vec<_> = selection.records().map(|r| r.id).collect();
        assert_eq!(ids, (1..=1000).map(id).collect::<Vec<_>>());
    }

    #[test]
    fn update_writes_nothing_when_judged_no_or_refused() {
        let mut selection = Selection::with_capacity(1);
        selection.insert_new(id(1));
        let before: Vec<_> = selection.records().collect();
        let mut epoch = 0;
        assert_eq!(
            selection.update(id(1), &mut epoch, |_| Err::<Option<Change>, _>("refused")),
            Err("refused")
        );
        selection
            .update(id(1), &mut epoch, |_| Ok::<_, ()>(None))
            .unwrap();
        let mut seen = None;
        selection
            .update(id(2), &mut epoch, |item| {
                seen = Some(item.is_none());
                Ok::<_, ()>(Some(Change::word(Word::new(0).with_skip())))
            })
            .unwrap();
        assert_eq!(seen, Some(true));
        assert!(selection.records().eq(before));
    }

    #[test]
    fn a_change_counts_the_first_final_status_only_and_keeps_what_it_does_not_set() {
        let mut selection = Selection::with_capacity(2);
        selection.insert_new(id(1));
        selection.insert_new(id(2));
        let mut epoch = 0;
        let s = &mut selection;
        record(s, 1, &mut epoch, status(SyncMgrStatus::Updating), 4);
        record(s, 1, &mut epoch, status(SyncMgrStatus::Succeeded), KEEP);
        record(s, 1, &mut epoch, status(SyncMgrStatus::Failed), KEEP);
        let record = selection.get(id(1)).unwrap();
        assert_eq!(
            (record.status, record.skip, record.value, record.max),
            (SyncMgrStatus::Failed, false, 4, UNKNOWN)
        );
        assert_eq!((record.final_at, epoch), (1, 1));
        assert_eq!(selection.get(id(2)).map(|r| r.final_at), Some(NEVER));
    }

    #[test]
    fn clone_keeps_every_state_and_order() {
        let mut selection = Selection::with_capacity(3);
        for n in [7, 8, 9] {
            selection.insert_new(id(n));
        }
        let mut epoch = 0;
        record(
            &mut selection,
            8,
            &mut epoch,
            status(SyncMgrStatus::Succeeded),
            3,
        );
        record(&mut selection, 9, &mut epoch, skip, KEEP);
        let copy = selection.clone();
        assert!(copy.records().eq(selection.records()));
    }
}
