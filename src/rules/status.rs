//! The item status graph (CONTRACT §6) as data: [`status_successors`] and the [`StatusSet`] it
//! answers with.

use crate::status::SyncMgrStatus;

/// A set of statuses (a bit per [`SyncMgrStatus::ALL`] entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StatusSet(u16);

impl StatusSet {
    const fn bit(status: SyncMgrStatus) -> u16 {
        1 << status.ordinal()
    }

    /// [`status_successors`] of every status, by [`SyncMgrStatus::ordinal`], padded to 16 so a
    /// 4-bit ordinal always indexes it (the engine's hot path).
    #[allow(
        clippy::indexing_slicing,
        reason = "evaluated at compile time: an index out of range fails the build"
    )]
    pub(crate) const SUCCESSORS: [Self; 16] = {
        let mut table = [Self::EMPTY; 16];
        let mut i = 0;
        while i < SyncMgrStatus::ALL.len() {
            let status = SyncMgrStatus::ALL[i];
            table[status.ordinal() as usize] = status_successors(status);
            i += 1;
        }
        table
    };

    /// The empty set.
    pub const EMPTY: Self = Self(0);
    /// The five final statuses.
    pub const FINAL: Self = Self::EMPTY
        .with(SyncMgrStatus::Succeeded)
        .with(SyncMgrStatus::Failed)
        .with(SyncMgrStatus::Skipped)
        .with(SyncMgrStatus::Stopped)
        .with(SyncMgrStatus::Deleted);

    /// This set and `status`.
    #[must_use]
    pub const fn with(self, status: SyncMgrStatus) -> Self {
        Self(self.0 | Self::bit(status))
    }

    /// The set as bits by [`SyncMgrStatus::ordinal`].
    pub(crate) const fn bits(self) -> u16 {
        self.0
    }

    /// The union.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether `status` is in the set.
    #[must_use]
    pub const fn contains(self, status: SyncMgrStatus) -> bool {
        self.0 & Self::bit(status) != 0
    }

    /// The statuses in the set, in value order.
    pub fn iter(self) -> impl Iterator<Item = SyncMgrStatus> {
        SyncMgrStatus::ALL
            .into_iter()
            .filter(move |&s| self.contains(s))
    }
}

/// The item status graph (CONTRACT §6): the statuses `from` may move to. Reporting the current
/// status again is always allowed.
///
/// ```
/// use mobsync::rules::status_successors;
/// use mobsync::SyncMgrStatus::*;
///
/// assert!(status_successors(Pending).contains(Updating));
/// assert!(status_successors(Succeeded).contains(Failed)); // a late failure
/// assert!(!status_successors(Succeeded).contains(Skipped));
/// assert!(!status_successors(Updating).contains(Pending));
/// ```
#[must_use]
pub const fn status_successors(from: SyncMgrStatus) -> StatusSet {
    use SyncMgrStatus as S;
    let same = StatusSet::EMPTY.with(from);
    let next = match from {
        S::Pending => StatusSet::FINAL
            .with(S::Updating)
            .with(S::UpdatingIndeterminate),
        S::Updating | S::UpdatingIndeterminate => StatusSet::FINAL
            .with(S::Updating)
            .with(S::UpdatingIndeterminate)
            .with(S::Paused),
        S::Paused => StatusSet::FINAL.with(S::Resuming),
        S::Resuming => StatusSet::FINAL
            .with(S::Updating)
            .with(S::UpdatingIndeterminate),
        S::Succeeded | S::Failed | S::Skipped | S::Stopped | S::Deleted => {
            StatusSet::EMPTY.with(S::Failed)
        }
    };
    same.union(next)
}
