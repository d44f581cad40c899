//! An instance's set-up: its profile and its limits (CONTRACT §7).

use crate::rule::Profile;

/// Capacity limits (CONTRACT §7); past a limit an event is refused with E_OUTOFMEMORY.
///
/// ```
/// # use mobsync::Limits;
/// let limits = Limits::default();
/// assert_eq!((limits.max_items, limits.max_error_ids), (1_048_576, 65_536));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Limits {
    /// Items in a catalog or a selection (default 1,048,576; at most [`Limits::CEILING_ITEMS`]
    /// take effect).
    pub max_items: usize,
    /// Ids in the error log; entries without an id do not count (default 65,536).
    pub max_error_ids: usize,
}

impl Limits {
    /// The most items any catalog or selection may hold, whatever `max_items` says: 2^27
    /// (134,217,728). A selection packs an item's position into 27 bits to keep its hot state
    /// in 20 bytes; a larger `max_items` acts as this ceiling, and a PrepareForSync list longer
    /// than it is refused (E_OUTOFMEMORY) before its items are read.
    ///
    /// ```
    /// # use mobsync::Limits;
    /// assert_eq!(Limits::CEILING_ITEMS, 134_217_728);
    /// ```
    pub const CEILING_ITEMS: usize = 1 << 27;

    /// The contract's defaults.
    pub const DEFAULT: Self = Self {
        max_items: 1_048_576,
        max_error_ids: 65_536,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How an [`Instance`](crate::Instance) is set up: its profile and limits.
///
/// ```
/// # use mobsync::{Config, Profile};
/// let config = Config::default().profile(Profile::Compatible).max_items(10);
/// assert_eq!(config.limits.max_items, 10);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Config {
    /// The profile.
    pub profile: Profile,
    /// The limits.
    pub limits: Limits,
}

impl Config {
    /// With this profile.
    #[must_use]
    pub const fn profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// With this item limit.
    #[must_use]
    pub const fn max_items(mut self, max_items: usize) -> Self {
        self.limits.max_items = max_items;
        self
    }

    /// With this error-id limit.
    #[must_use]
    pub const fn max_error_ids(mut self, max_error_ids: usize) -> Self {
        self.limits.max_error_ids = max_error_ids;
        self
    }
}
