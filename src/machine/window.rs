//! The windows events are allowed in: life, binding and the pass table (CONTRACT §4, check (1)
//! of §5), and the hot events' window answers cached from the same decisions.
//!
//! Every rule's window is built from these pieces, and nothing else reads the pass table: the
//! generic path asks [`Instance::set_item_status_window`] and [`Instance::progress_window`]
//! on each call, the fast paths read the answers `apply` cached from the very same functions
//! (`Hot`). A test below flips one table cell and sees both paths change.

use crate::error::{Conflict, Error, Problem};
use crate::hresult::HResult;
use crate::rule::EventKind;
use crate::rules::{Cell, PassEvent, PassRow, Target, pass_cell, set_item_status_column};
use crate::state::{Life, PhaseKind};
use crate::status::SyncMgrStatus;

use super::{Hot, Instance, Plan, Window};

impl Instance {
    /// E_UNEXPECTED for `kind`, refused by `conflict`.
    #[inline(always)]
    pub(super) const fn out_of_window(kind: EventKind, conflict: Conflict) -> Error {
        Error::OutOfWindow {
            rule: kind.rule(),
            event: kind,
            conflict,
        }
    }

    /// E_INVALIDARG for `kind`.
    #[cold]
    pub(super) const fn invalid(kind: EventKind, problem: Problem) -> Error {
        Error::InvalidArgument {
            rule: kind.rule(),
            problem,
        }
    }

    /// Life `Ready` (every event but Initialize and GetItemObject).
    #[inline(always)]
    pub(super) fn require_ready(&self, kind: EventKind) -> Result<(), Error> {
        match self.life {
            Life::Ready => Ok(()),
            life => Err(Self::out_of_window(kind, Conflict::Life(life))),
        }
    }

    /// Life `Ready` and a callback bound (every callback; PrepareForSync, ShowProperties,
    /// ShowError).
    #[inline(always)]
    pub(super) fn require_bound(&self, kind: EventKind) -> Result<(), Error> {
        self.require_ready(kind)?;
        if self.bound {
            Ok(())
        } else {
            Err(Self::out_of_window(kind, Conflict::Unbound))
        }
    }

    /// The pass table's cell for the current phase and `column`: the one place the engine reads
    /// the table.
    pub(super) fn pass(&self, column: PassEvent) -> Cell<PhaseKind> {
        let row = PassRow::of(self.phase);
        #[cfg(test)]
        if let Some(cell) = flip::get(row, column) {
            return cell;
        }
        pass_cell(row, column)
    }

    /// The pass table's target for `column` answered `hr`, with a rejection as `kind`'s error.
    #[inline(always)]
    pub(super) fn pass_target(
        &self,
        kind: EventKind,
        column: PassEvent,
        hr: HResult,
    ) -> Result<Target<PhaseKind>, Error> {
        match self.pass(column).pick(hr) {
            Target::Reject => Err(Self::out_of_window(kind, Conflict::Phase(self.phase))),
            target => Ok(target),
        }
    }

    /// A pass move: the phase `target` leads to; a phase that carries an HRESULT takes the
    /// early completion's when the current phase has one, else the event's.
    pub(super) fn pass_move(&self, target: Target<PhaseKind>, hr: HResult) -> Plan<'static> {
        match target {
            Target::Reject | Target::Stay => Plan::Nothing,
            Target::Go(kind) => Plan::Phase(kind.with_hresult(self.phase.hresult().unwrap_or(hr))),
        }
    }

    /// SetItemStatus(`status`)'s window (R-SIS; CONTRACT §7's rows in the compatible profile):
    /// life Ready, a callback for the compatible STOPPED, then the column of the pass table that
    /// [`set_item_status_column`] names, which it returns.
    pub(super) fn set_item_status_window(&self, status: u32) -> Result<PassEvent, Error> {
        let kind = EventKind::SetItemStatus;
        self.require_ready(kind)?;
        let column = set_item_status_column(self.config.profile, status);
        if column == PassEvent::SetItemStatusStoppedCompatible {
            // "once a callback is bound" (CONTRACT §7).
            self.require_bound(kind)?;
        }
        self.pass_target(kind, column, HResult::S_OK)?;
        Ok(column)
    }

    /// Progress's window (R-PROG): a callback bound and the reporting window.
    pub(super) fn progress_window(&self) -> Result<(), Error> {
        let kind = EventKind::Progress;
        self.require_bound(kind)?;
        self.pass_target(kind, PassEvent::Progress, HResult::S_OK)
            .map(drop)
    }

    /// The hot events' window answers now, for `apply` to cache.
    pub(super) fn hot_windows(&self) -> Hot {
        // An open window keeps the previous refusal beside its flag; it is never read.
        Hot {
            skip: Window::of(
                self.set_item_status_window(SyncMgrStatus::Skipped as u32)
                    .map(drop),
                self.hot.skip.refusal,
            ),
            progress: Window::of(self.progress_window(), self.hot.progress.refusal),
        }
    }
}

/// A test-only override of one pass-table cell, so a test can flip a cell and watch every path
/// that reads the table change with it.
#[cfg(test)]
pub(super) mod flip {
    use core::cell::Cell as Slot;

    use crate::rules::{Cell, PassEvent, PassRow};
    use crate::state::PhaseKind;

    type Flipped = Option<(PassRow, PassEvent, Cell<PhaseKind>)>;

    std::thread_local! {
        static FLIPPED: Slot<Flipped> = const { Slot::new(None) };
    }

    /// Makes the table answer `cell` for `(row, column)` on this thread until [`reset`].
    pub(crate) fn set(row: PassRow, column: PassEvent, cell: Cell<PhaseKind>) {
        FLIPPED.with(|f| f.set(Some((row, column, cell))));
    }

    /// Back to the table.
    pub(crate) fn reset() {
        FLIPPED.with(|f| f.set(None));
    }

    pub(super) fn get(row: PassRow, column: PassEvent) -> Option<Cell<PhaseKind>> {
        FLIPPED
            .with(Slot::get)
            .and_then(|(r, c, cell)| (r == row && c == column).then_some(cell))
    }
}

#[cfg(test)]
mod tests {
    use super::flip;
    use crate::rules::{Cell, PassEvent, PassRow, Target};
    use crate::{
        Event, HResult, Instance, ItemId, Method, ProgressAnswer, ProgressItem, SyncMgrFlags,
        SyncMgrStatus,
    };

    const A: ItemId = ItemId::from_u128(0xA);

    /// An instance in `Prepared` (after PrepareForSyncCompleted and the return), built while the
    /// table is flipped so the cached answers see the flip.
    fn prepared() -> Instance {
        let mut sync = Instance::new();
        sync.initialize(0, SyncMgrFlags::from_bits(0x3), HResult::S_OK)
            .unwrap();
        sync.set_progress_callback(true).unwrap();
        sync.prepare_for_sync(&[A], 0).unwrap();
        sync.prepare_for_sync_completed(HResult::S_OK).unwrap();
        sync.returned(Method::PrepareForSync, HResult::S_OK)
            .unwrap();
        sync
    }

    fn skip() -> Event<'static> {
        Event::SetItemStatus {
            item: A,
            status: SyncMgrStatus::Skipped as u32,
        }
    }

    fn progress() -> Event<'static> {
        Event::Progress {
            item: A,
            progress: ProgressItem::status(SyncMgrStatus::Updating),
            answer: ProgressAnswer::Continue,
        }
    }

    /// `check` (the generic path) and `handle` (the fast path) answer `event` alike, and that
    /// answer is `accepted` or not.
    fn both_answer(sync: &Instance, event: &Event<'_>, accepted: bool) {
        let generic = sync.check(event);
        let fast = sync.clone().handle(event).map(drop);
        assert_eq!(generic, fast, "{event:?}");
        assert_eq!(fast.is_ok(), accepted, "{event:?}: {fast:?}");
    }

    #[test]
    fn flipping_the_set_item_status_cell_of_prepared_opens_both_paths() {
        both_answer(&prepared(), &skip(), false);
        flip::set(
            PassRow::Prepared,
            PassEvent::SetItemStatus,
            Cell {
                on_ok: Target::Stay,
                otherwise: Target::Stay,
            },
        );
        let sync = prepared();
        both_answer(&sync, &skip(), true);
        flip::reset();
    }

    #[test]
    fn flipping_the_progress_cell_of_prepared_shuts_both_paths() {
        both_answer(&prepared(), &progress(), true);
        flip::set(
            PassRow::Prepared,
            PassEvent::Progress,
            Cell {
                on_ok: Target::Reject,
                otherwise: Target::Reject,
            },
        );
        let sync = prepared();
        both_answer(&sync, &progress(), false);
        assert_eq!(
            sync.check(&progress()).unwrap_err().hresult(),
            HResult::E_UNEXPECTED
        );
        flip::reset();
    }
}
