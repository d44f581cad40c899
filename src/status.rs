//! `SyncMgrStatus`: the ten `SYNCMGRSTATUS` values of CONTRACT §2.1.

use core::fmt;
use core::str::FromStr;

use crate::hresult::HResult;
use crate::parse_error::ParseError;

/// An item's synchronization status (`SYNCMGRSTATUS`): a set of values, not bit flags.
///
/// Exactly ten DWORDs are statuses; any other value is refused with an [`InvalidStatus`], whose
/// HRESULT is `E_INVALIDARG`.
///
/// ```
/// use mobsync::{HResult, SyncMgrStatus};
///
/// assert_eq!(SyncMgrStatus::try_from(0x1), Ok(SyncMgrStatus::Skipped));
/// assert_eq!(SyncMgrStatus::try_from(0x9).unwrap_err().hresult(), HResult::E_INVALIDARG);
/// assert_eq!(SyncMgrStatus::Deleted as u32, 0x100);
/// assert!(SyncMgrStatus::Stopped.is_final());
/// assert_eq!(SyncMgrStatus::Skipped.to_string(), "SYNCMGRSTATUS_SKIPPED");
/// assert_eq!("SKIPPED".parse(), Ok(SyncMgrStatus::Skipped));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum SyncMgrStatus {
    /// `SYNCMGRSTATUS_STOPPED` (0x0): final.
    Stopped = 0x0,
    /// `SYNCMGRSTATUS_SKIPPED` (0x1): final; the only status `SetItemStatus` supports.
    Skipped = 0x1,
    /// `SYNCMGRSTATUS_PENDING` (0x2): active; every item enters a selection as PENDING.
    Pending = 0x2,
    /// `SYNCMGRSTATUS_UPDATING` (0x3): active.
    Updating = 0x3,
    /// `SYNCMGRSTATUS_SUCCEEDED` (0x4): final.
    Succeeded = 0x4,
    /// `SYNCMGRSTATUS_FAILED` (0x5): final; the only status a final status may move to.
    Failed = 0x5,
    /// `SYNCMGRSTATUS_PAUSED` (0x6): active.
    Paused = 0x6,
    /// `SYNCMGRSTATUS_RESUMING` (0x7): active.
    Resuming = 0x7,
    /// `SYNCMGRSTATUS_UPDATING_INDETERMINATE` (0x8): active (Vista and later).
    UpdatingIndeterminate = 0x8,
    /// `SYNCMGRSTATUS_DELETED` (0x100): final (deprecated on Vista and later).
    Deleted = 0x100,
}

impl SyncMgrStatus {
    /// All ten statuses in value order.
    pub const ALL: [Self; 10] = [
        Self::Stopped,
        Self::Skipped,
        Self::Pending,
        Self::Updating,
        Self::Succeeded,
        Self::Failed,
        Self::Paused,
        Self::Resuming,
        Self::UpdatingIndeterminate,
        Self::Deleted,
    ];

    /// The status with this DWORD value, `None` for any of the other 2^32 − 10 values.
    ///
    /// ```
    /// # use mobsync::SyncMgrStatus;
    /// assert_eq!(SyncMgrStatus::from_u32(0x8), Some(SyncMgrStatus::UpdatingIndeterminate));
    /// assert_eq!(SyncMgrStatus::from_u32(0xFF), None);
    /// ```
    #[must_use]
    pub const fn from_u32(value: u32) -> Option<Self> {
        Some(match value {
            0x0 => Self::Stopped,
            0x1 => Self::Skipped,
            0x2 => Self::Pending,
            0x3 => Self::Updating,
            0x4 => Self::Succeeded,
            0x5 => Self::Failed,
            0x6 => Self::Paused,
            0x7 => Self::Resuming,
            0x8 => Self::UpdatingIndeterminate,
            0x100 => Self::Deleted,
            _ => return None,
        })
    }

    /// The DWORD value.
    ///
    /// ```
    /// # use mobsync::SyncMgrStatus;
    /// assert_eq!(SyncMgrStatus::Paused.to_u32(), 6);
    /// ```
    #[must_use]
    pub const fn to_u32(self) -> u32 {
        self as u32
    }

    /// The status's place in [`Self::ALL`] (0–9): the DWORD value, and 9 for DELETED.
    pub(crate) const fn ordinal(self) -> u32 {
        match self {
            Self::Deleted => 9,
            status => status as u32,
        }
    }

    /// The ordinal of the status with this DWORD value, `None` for any other value: the
    /// engine's hot path works on ordinals.
    pub(crate) const fn ordinal_of_u32(value: u32) -> Option<u32> {
        match value {
            0..=8 => Some(value),
            0x100 => Some(9),
            _ => None,
        }
    }

    /// The inverse of [`Self::ordinal`]; `None` outside 0–9.
    pub(crate) const fn from_ordinal(ordinal: u32) -> Option<Self> {
        Self::from_u32(if ordinal == 9 { 0x100 } else { ordinal })
    }

    /// A final status: SUCCEEDED, FAILED, SKIPPED, STOPPED or DELETED (CONTRACT §6).
    ///
    /// ```
    /// # use mobsync::SyncMgrStatus;
    /// assert!(SyncMgrStatus::Deleted.is_final());
    /// assert!(!SyncMgrStatus::Paused.is_final());
    /// ```
    #[must_use]
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Skipped | Self::Stopped | Self::Deleted
        )
    }

    /// The header name without its prefix: `SKIPPED`.
    ///
    /// ```
    /// # use mobsync::SyncMgrStatus;
    /// assert_eq!(SyncMgrStatus::UpdatingIndeterminate.short_name(), "UPDATING_INDETERMINATE");
    /// ```
    #[must_use]
    pub const fn short_name(self) -> &'static str {
        match self {
            Self::Stopped => "STOPPED",
            Self::Skipped => "SKIPPED",
            Self::Pending => "PENDING",
            Self::Updating => "UPDATING",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::Paused => "PAUSED",
            Self::Resuming => "RESUMING",
            Self::UpdatingIndeterminate => "UPDATING_INDETERMINATE",
            Self::Deleted => "DELETED",
        }
    }

    /// The header name: `SYNCMGRSTATUS_SKIPPED`.
    ///
    /// ```
    /// # use mobsync::SyncMgrStatus;
    /// assert_eq!(SyncMgrStatus::Deleted.name(), "SYNCMGRSTATUS_DELETED");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Stopped => "SYNCMGRSTATUS_STOPPED",
            Self::Skipped => "SYNCMGRSTATUS_SKIPPED",
            Self::Pending => "SYNCMGRSTATUS_PENDING",
            Self::Updating => "SYNCMGRSTATUS_UPDATING",
            Self::Succeeded => "SYNCMGRSTATUS_SUCCEEDED",
            Self::Failed => "SYNCMGRSTATUS_FAILED",
            Self::Paused => "SYNCMGRSTATUS_PAUSED",
            Self::Resuming => "SYNCMGRSTATUS_RESUMING",
            Self::UpdatingIndeterminate => "SYNCMGRSTATUS_UPDATING_INDETERMINATE",
            Self::Deleted => "SYNCMGRSTATUS_DELETED",
        }
    }
}

impl TryFrom<u32> for SyncMgrStatus {
    type Error = InvalidStatus;

    /// Exactly the ten values of CONTRACT §2.1; any other DWORD is an [`InvalidStatus`].
    fn try_from(value: u32) -> Result<Self, InvalidStatus> {
        Self::from_u32(value).ok_or(InvalidStatus { value })
    }
}

/// A DWORD that is not one of the ten `SYNCMGRSTATUS` values (`E_INVALIDARG` where a call
/// carries it).
///
/// ```
/// use mobsync::{HResult, InvalidStatus, SyncMgrStatus};
///
/// let err = SyncMgrStatus::try_from(0x42).unwrap_err();
/// assert_eq!(err, InvalidStatus { value: 0x42 });
/// assert_eq!(err.to_string(), "0x42 is not a SYNCMGRSTATUS value");
/// assert_eq!(HResult::from(err), HResult::E_INVALIDARG);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[error("{value:#X} is not a SYNCMGRSTATUS value")]
pub struct InvalidStatus {
    /// The DWORD.
    pub value: u32,
}

impl InvalidStatus {
    /// `E_INVALIDARG`: what a call that carries such a DWORD is answered.
    #[must_use]
    pub const fn hresult(self) -> HResult {
        HResult::E_INVALIDARG
    }
}

impl From<InvalidStatus> for HResult {
    fn from(err: InvalidStatus) -> Self {
        err.hresult()
    }
}

impl From<SyncMgrStatus> for u32 {
    fn from(status: SyncMgrStatus) -> Self {
        status.to_u32()
    }
}

impl fmt::Display for SyncMgrStatus {
    /// The header name, `SYNCMGRSTATUS_SKIPPED`; the alternate form `{:#}` prints `SKIPPED`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if f.alternate() {
            self.short_name()
        } else {
            self.name()
        })
    }
}

impl FromStr for SyncMgrStatus {
    type Err = ParseError;

    /// The header name (`SYNCMGRSTATUS_SKIPPED`) or the short one (`SKIPPED`), case-sensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let short = s.strip_prefix("SYNCMGRSTATUS_").unwrap_or(s);
        Self::ALL
            .into_iter()
            .find(|status| status.short_name() == short)
            .ok_or(ParseError::new("a SYNCMGRSTATUS name such as SKIPPED"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_name_forms_parse_back() {
        for status in SyncMgrStatus::ALL {
            assert_eq!(status.name().parse(), Ok(status));
            assert_eq!(status.short_name().parse(), Ok(status));
            assert_eq!(format!("{status:#}"), status.short_name());
        }
        assert!("skipped".parse::<SyncMgrStatus>().is_err());
        assert!("SYNCMGRSTATUS_".parse::<SyncMgrStatus>().is_err());
    }
}
