//! The Items region (CONTRACT §4): the catalog and the selection. R-ENUM, R-SIS and R-PROG, and
//! the fast paths of the two hot events, SetItemStatus(SKIPPED) and Progress.
//!
//! A fast path reads its window's answer from the cache `apply` keeps ([`super::window::Hot`]),
//! and in its window finds, judges and updates the item with one probe of the selection; the
//! judgement is the generic path's own (`judge_skip`, `judge_progress`).

use crate::error::{Error, Limit, Problem, Scope};
use crate::flags::{ItemFlags, ItemState, MAX_SYNCMGRITEMNAME};
use crate::guid::ItemId;
use crate::hresult::HResult;
use crate::rule::{EventKind, Rule};
use crate::rules::PassEvent;
use crate::status::SyncMgrStatus;

use super::config::Limits;
use super::selection::{Change, Item, KEEP, Selection, UNKNOWN};
use super::{Accepted, Indexed, Instance, Plan, ProgressAnswer, ProgressItem, SyncMgrItem};

impl Instance {
    /// R-ENUM: in life Ready, a success answer sets the catalog with items that are not
    /// GUID_NULL, unique, named in at most 127 UTF-16 units, with flags within 0x7F and a state
    /// of 0 or 1, within the item limit; a failure hands out nothing, so nothing is checked and
    /// nothing changes. The selection of a pass in progress is unchanged.
    pub(super) fn decide_enum(
        &self,
        answer: HResult,
        items: &[SyncMgrItem],
    ) -> Result<Plan<'static>, Error> {
        let kind = EventKind::EnumSyncMgrItems;
        self.require_ready(kind)?;
        if answer.is_failure() {
            return Ok(Plan::Nothing);
        }
        let mut catalog = Indexed::with_capacity(items.len());
        for item in items {
            let id = item.id;
            let problem = if id.is_null() {
                Some(Problem::NullItem)
            } else if !catalog.insert_new(id) {
                Some(Problem::DuplicateItem(id))
            } else if item.name_units >= MAX_SYNCMGRITEMNAME {
                Some(Problem::ItemNameTooLong {
                    item: id,
                    units: item.name_units,
                })
            } else if item.flags & !ItemFlags::MASK != 0 {
                Some(Problem::ItemFlags {
                    item: id,
                    flags: item.flags,
                })
            } else if ItemState::from_u32(item.state).is_none() {
                Some(Problem::ItemState {
                    item: id,
                    state: item.state,
                })
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(Self::invalid(kind, problem));
            }
        }
        self.check_item_capacity(kind, items.len())?;
        Ok(Plan::Catalog(Box::new(catalog)))
    }

    /// CONTRACT §7: at most `max_items` (and never more than [`Limits::CEILING_ITEMS`]) items in
    /// a catalog or a selection.
    pub(super) fn check_item_capacity(&self, kind: EventKind, len: usize) -> Result<(), Error> {
        let limit = self.config.limits.max_items.min(Limits::CEILING_ITEMS);
        if len > limit {
            return Err(Error::Capacity {
                rule: kind.rule(),
                what: Limit::Items,
                limit,
            });
        }
        Ok(())
    }

    /// R-PREP, R-ERR-DONE: a list that must be non-empty, without GUID_NULL or duplicates;
    /// fills `seen` with its items.
    pub(super) fn check_item_list(
        kind: EventKind,
        items: &[ItemId],
        seen: &mut impl Seen,
    ) -> Result<(), Error> {
        if items.is_empty() {
            return Err(Self::invalid(kind, Problem::EmptyItemList));
        }
        for &id in items {
            if id.is_null() {
                return Err(Self::invalid(kind, Problem::NullItem));
            }
            if !seen.insert_new(id) {
                return Err(Self::invalid(kind, Problem::DuplicateItem(id)));
            }
        }
        Ok(())
    }

    // ---- R-SIS ------------------------------------------------------------------------------

    /// R-SIS: SetItemStatus in windows A and B (and the compatible profile's rows, CONTRACT §7);
    /// a DWORD that is a status, SKIPPED only, an item of the selection. Accepted, it sets the
    /// skip request (idempotent; on an item already final it changes nothing). The compatible
    /// STOPPED means "stop everything": a skip request on every item not final of a selection in
    /// progress, and nothing otherwise.
    pub(super) fn decide_set_item_status(
        &self,
        item: ItemId,
        status: u32,
    ) -> Result<Plan<'static>, Error> {
        let kind = EventKind::SetItemStatus;
        let column = self.set_item_status_window(status)?;
        if column == PassEvent::SetItemStatusStoppedCompatible {
            return Ok(if self.phase.in_progress() {
                Plan::StopAll
            } else {
                Plan::Nothing
            });
        }
        let status = SyncMgrStatus::from_u32(status)
            .ok_or_else(|| Self::invalid(kind, Problem::InvalidStatus(status)))?;
        if status != SyncMgrStatus::Skipped {
            return Err(Self::invalid(kind, Problem::UnsupportedStatus(status)));
        }
        let change = Self::judge_skip(item, self.selection.find(item))?;
        Ok(change.map_or(Plan::Nothing, |change| Plan::Skip(item, change)))
    }

    /// SetItemStatus(SKIPPED) in its window, given the item (`None`: not in the selection): the
    /// change to make, `None` when nothing changes.
    #[inline(always)]
    fn judge_skip(item: ItemId, found: Option<Item<'_>>) -> Result<Option<Change>, Error> {
        let found = found.ok_or(Error::UnknownItem {
            rule: Rule::Sis,
            item,
            scope: Scope::Selection,
        })?;
        let word = found.word;
        Ok((!word.is_final() && !word.skip()).then(|| Change::word(word.with_skip())))
    }

    /// SetItemStatus through [`Instance::handle`]: SKIPPED answers from the cached window and
    /// one probe; any other status takes the generic path.
    // Always inlined: the fast path is a few dozen instructions, the slow one is outlined.
    #[inline(always)]
    pub(super) fn set_item_status_fast(
        &mut self,
        item: ItemId,
        status: u32,
    ) -> Result<Accepted, Error> {
        if status == SyncMgrStatus::Skipped as u32 {
            if !self.hot.skip.open {
                return Err(self.hot.skip.refusal);
            }
            self.selection
                .update(item, &mut self.epoch, |found| Self::judge_skip(item, found))?;
            return Ok(Accepted::of(EventKind::SetItemStatus));
        }
        self.set_item_status_slow(item, status)
    }

    /// SetItemStatus with another status than SKIPPED: the generic decision.
    #[cold]
    #[inline(never)]
    fn set_item_status_slow(&mut self, item: ItemId, status: u32) -> Result<Accepted, Error> {
        let plan = self.decide_set_item_status(item, status)?;
        Ok(self.apply(EventKind::SetItemStatus, plan))
    }

    // ---- R-PROG -----------------------------------------------------------------------------

    /// R-PROG: Progress in the reporting window; mask within 0xF, value and max not negative and
    /// value ≤ max (each from this call or the item's last), a valid status with STATUSTYPE, an
    /// item of the selection, a transition the status graph allows. The manager's
    /// S_SYNCMGR_CANCELITEM sets the item's skip request, S_SYNCMGR_CANCELALL every item's;
    /// items final after this call's own status are left alone.
    pub(super) fn decide_progress(
        &self,
        item: ItemId,
        progress: ProgressItem,
        answer: ProgressAnswer,
    ) -> Result<Plan<'static>, Error> {
        self.progress_window()?;
        let change = Self::judge_progress(item, progress, answer, self.selection.find(item))?;
        Ok(Plan::Progress {
            item,
            change,
            cancel_all: answer == ProgressAnswer::CancelAll,
        })
    }

    /// Progress through [`Instance::handle`]: the cached window, then one probe.
    #[inline]
    pub(super) fn progress_fast(
        &mut self,
        item: ItemId,
        progress: ProgressItem,
        answer: ProgressAnswer,
    ) -> Result<Accepted, Error> {
        if !self.hot.progress.open {
            return Err(self.hot.progress.refusal);
        }
        self.selection.update(item, &mut self.epoch, |found| {
            Self::judge_progress(item, progress, answer, found).map(Some)
        })?;
        if answer == ProgressAnswer::CancelAll {
            self.sweep();
        }
        Ok(Accepted::of(EventKind::Progress))
    }

    /// Progress in its window, given the item (`None`: not in the selection): the change to
    /// make, or the refusal of the first check that fails in CONTRACT §5's order.
    #[inline(always)]
    fn judge_progress(
        item: ItemId,
        progress: ProgressItem,
        answer: ProgressAnswer,
        found: Option<Item<'_>>,
    ) -> Result<Change, Error> {
        match Self::accept_progress(progress, answer, found) {
            Some(change) => Ok(change),
            None => Err(Self::refuse_progress(item, progress, found)),
        }
    }

    /// The change an acceptable Progress makes, `None` if any check fails (which one is
    /// [`Self::refuse_progress`]'s business, off the hot path).
    #[inline(always)]
    fn accept_progress(
        progress: ProgressItem,
        answer: ProgressAnswer,
        found: Option<Item<'_>>,
    ) -> Option<Change> {
        let found = found?;
        let (has_value, has_max) = (progress.has_value(), progress.has_max());
        if progress.has_unknown_bits()
            || (has_value && progress.value < 0)
            || (has_max && progress.max < 0)
            || Self::above_max(progress, Some(found)).is_some()
        {
            return None;
        }
        let mut word = found.word;
        if progress.has_status() {
            let to = SyncMgrStatus::ordinal_of_u32(progress.status)?;
            if !word.may_become(to) {
                return None;
            }
            word = word.with_ordinal(to);
        }
        // An item final after this call's own status is left alone by CANCELITEM.
        if answer == ProgressAnswer::CancelItem && !word.is_final() {
            word = word.with_skip();
        }
        Some(Change {
            word,
            value: if has_value { progress.value } else { KEEP },
            max: if has_max { progress.max } else { KEEP },
            became_final: word.is_final() && !found.word.is_final(),
        })
    }

    /// The value and maximum after this Progress when the value would exceed the maximum:
    /// each half as reported, else the item's last. A call reporting neither or both halves
    /// does not read the item's cold part (a stored pair always passed this check).
    #[inline(always)]
    fn above_max(progress: ProgressItem, found: Option<Item<'_>>) -> Option<(i32, i32)> {
        let (has_value, has_max) = (progress.has_value(), progress.has_max());
        let (last_value, last_max) = match found {
            Some(found) if has_value != has_max => found.last_progress(),
            _ => (UNKNOWN, UNKNOWN),
        };
        let value = if has_value {
            progress.value
        } else {
            last_value
        };
        let max = if has_max { progress.max } else { last_max };
        (value != UNKNOWN && max != UNKNOWN && value > max).then_some((value, max))
    }

    /// Why [`Self::accept_progress`] refused: the first failing check in CONTRACT §5's order.
    #[cold]
    #[inline(never)]
    fn refuse_progress(item: ItemId, progress: ProgressItem, found: Option<Item<'_>>) -> Error {
        let kind = EventKind::Progress;
        let ProgressItem {
            mask,
            status,
            value,
            max,
        } = progress;
        if progress.has_unknown_bits() {
            return Self::invalid(kind, Problem::ProgressMask(mask));
        }
        if progress.has_value() && value < 0 {
            return Self::invalid(kind, Problem::NegativeProgress(value));
        }
        if progress.has_max() && max < 0 {
            return Self::invalid(kind, Problem::NegativeProgress(max));
        }
        if let Some((value, max)) = Self::above_max(progress, found) {
            return Self::invalid(kind, Problem::ProgressAboveMax { value, max });
        }
        let to = SyncMgrStatus::from_u32(status);
        if progress.has_status() && to.is_none() {
            return Self::invalid(kind, Problem::InvalidStatus(status));
        }
        let Some(found) = found else {
            return Error::UnknownItem {
                rule: Rule::Prog,
                item,
                scope: Scope::Selection,
            };
        };
        // Every other check passed, so the status graph refused the move.
        let from = found.word.status();
        Error::IllegalTransition {
            rule: Rule::Prog,
            item,
            from,
            to: to.unwrap_or(from),
        }
    }
}

/// A list being checked for duplicates while it is collected.
pub(super) trait Seen {
    /// Adds `id`; `false` when it is already there.
    fn insert_new(&mut self, id: ItemId) -> bool;
}

impl Seen for Indexed<ItemId> {
    fn insert_new(&mut self, id: ItemId) -> bool {
        Self::insert_new(self, id)
    }
}

impl Seen for Selection {
    fn insert_new(&mut self, id: ItemId) -> bool {
        Self::insert_new(self, id)
    }
}
