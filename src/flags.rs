//! The small enums, flag sets and size limits of CONTRACT §2.2.
//!
//! Flag sets are types of the [`bitflags`](https://docs.rs/bitflags) crate. A type whose mask covers bits the header does not name
//! (`SYNCMGRITEMFLAGS` bit 0x40) states its mask as a constant next to it.

use core::fmt;

use bitflags::bitflags;

/// `MAX_SYNCMGRHANDLERNAME`: UTF-16 units of `SYNCMGRHANDLERINFO::wszHandlerName`, NUL included.
pub const MAX_SYNCMGRHANDLERNAME: usize = 32;
/// `MAX_SYNCMGRITEMNAME`: UTF-16 units of `SYNCMGRITEM::wszItemName`, NUL included.
pub const MAX_SYNCMGRITEMNAME: usize = 128;

/// The synchronization event in the low byte of `SYNCMGRFLAG` (Initialize's `dwSyncMgrFlags`).
///
/// ```
/// use mobsync::{SyncEvent, SyncMgrFlags};
///
/// assert_eq!(SyncMgrFlags::from_bits(0x206).event(), SyncEvent::Scheduled);
/// // An event byte outside 1..=6 is treated as MANUAL (R-INIT).
/// assert_eq!(SyncMgrFlags::from_bits(0x0).event(), SyncEvent::Manual);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SyncEvent {
    /// `SYNCMGRFLAG_CONNECT` (0x1): a network connection was made.
    Connect = 0x1,
    /// `SYNCMGRFLAG_PENDINGDISCONNECT` (0x2): a connection is about to close.
    PendingDisconnect = 0x2,
    /// `SYNCMGRFLAG_MANUAL` (0x3): the user asked for a synchronization.
    Manual = 0x3,
    /// `SYNCMGRFLAG_IDLE` (0x4): the machine is idle.
    Idle = 0x4,
    /// `SYNCMGRFLAG_INVOKE` (0x5): an application invoked the manager.
    Invoke = 0x5,
    /// `SYNCMGRFLAG_SCHEDULED` (0x6): a scheduled synchronization.
    Scheduled = 0x6,
}

impl SyncEvent {
    /// The event of this byte, `None` outside 1..=6.
    ///
    /// ```
    /// # use mobsync::SyncEvent;
    /// assert_eq!(SyncEvent::from_u8(4), Some(SyncEvent::Idle));
    /// assert_eq!(SyncEvent::from_u8(7), None);
    /// ```
    #[must_use]
    pub const fn from_u8(value: u8) -> Option<Self> {
        Some(match value {
            0x1 => Self::Connect,
            0x2 => Self::PendingDisconnect,
            0x3 => Self::Manual,
            0x4 => Self::Idle,
            0x5 => Self::Invoke,
            0x6 => Self::Scheduled,
            _ => return None,
        })
    }
}

bitflags! {
    /// The modifier bits of `SYNCMGRFLAG`, above the event byte.
    ///
    /// ```
    /// # use mobsync::SyncMgrFlagModifiers;
    /// assert_eq!(SyncMgrFlagModifiers::all().bits(), 0x300);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct SyncMgrFlagModifiers: u32 {
        /// `SYNCMGRFLAG_SETTINGS` (0x100): the handler was invoked for its settings.
        const SETTINGS = 0x100;
        /// `SYNCMGRFLAG_MAYBOTHERUSER` (0x200): the handler may show UI.
        const MAYBOTHERUSER = 0x200;
    }
}

/// `SYNCMGRFLAG`: Initialize's `dwSyncMgrFlags`, an event byte plus modifier bits.
///
/// Any DWORD can be held; [`SyncMgrFlags::is_valid`] says whether R-INIT accepts it (no bit
/// outside [`SyncMgrFlags::VALID_MASK`]).
///
/// ```
/// use mobsync::{SyncEvent, SyncMgrFlagModifiers, SyncMgrFlags};
///
/// let flags = SyncMgrFlags::new(SyncEvent::Manual, SyncMgrFlagModifiers::MAYBOTHERUSER);
/// assert_eq!(flags.bits(), 0x203);
/// assert!(flags.may_bother_user());
/// assert!(!SyncMgrFlags::from_bits(0x403).is_valid());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SyncMgrFlags(u32);

impl SyncMgrFlags {
    /// `SYNCMGRFLAG_EVENTMASK` (0xFF): the event byte.
    pub const EVENTMASK: u32 = 0xFF;
    /// Every bit Initialize accepts: the event byte and the two modifiers (0x3FF).
    pub const VALID_MASK: u32 = Self::EVENTMASK | SyncMgrFlagModifiers::all().bits();

    /// An event with modifiers.
    #[must_use]
    pub const fn new(event: SyncEvent, modifiers: SyncMgrFlagModifiers) -> Self {
        Self(event as u32 | modifiers.bits())
    }

    /// Any DWORD, valid or not.
    #[must_use]
    pub const fn from_bits(bits: u32) -> Self {
        Self(bits)
    }

    /// The DWORD.
    #[must_use]
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// The raw event byte (`flags & SYNCMGRFLAG_EVENTMASK`).
    #[must_use]
    pub const fn event_byte(self) -> u8 {
        (self.0 & Self::EVENTMASK) as u8
    }

    /// The event; a byte outside 1..=6 is treated as MANUAL (the documented rule of R-INIT).
    #[must_use]
    pub const fn event(self) -> SyncEvent {
        match SyncEvent::from_u8(self.event_byte()) {
            Some(event) => event,
            None => SyncEvent::Manual,
        }
    }

    /// The named modifier bits.
    #[must_use]
    pub const fn modifiers(self) -> SyncMgrFlagModifiers {
        SyncMgrFlagModifiers::from_bits_truncate(self.0)
    }

    /// `SYNCMGRFLAG_MAYBOTHERUSER` is set: the handler may show UI.
    #[must_use]
    pub const fn may_bother_user(self) -> bool {
        self.modifiers()
            .contains(SyncMgrFlagModifiers::MAYBOTHERUSER)
    }

    /// Bits outside [`Self::VALID_MASK`] (R-INIT refuses them with E_INVALIDARG).
    #[must_use]
    pub const fn unknown_bits(self) -> u32 {
        self.0 & !Self::VALID_MASK
    }

    /// No bit outside [`Self::VALID_MASK`].
    #[must_use]
    pub const fn is_valid(self) -> bool {
        self.unknown_bits() == 0
    }
}

impl fmt::Debug for SyncMgrFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncMgrFlags")
            .field("bits", &format_args!("{:#X}", self.0))
            .field("event", &self.event())
            .field("modifiers", &self.modifiers())
            .finish()
    }
}

bitflags! {
    /// `SYNCMGRHANDLERFLAGS` of `SYNCMGRHANDLERINFO` (R-INFO accepts bits within 0xF).
    ///
    /// ```
    /// # use mobsync::HandlerFlags;
    /// assert_eq!(HandlerFlags::all().bits(), HandlerFlags::MASK);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct HandlerFlags: u32 {
        /// `SYNCMGRHANDLER_HASPROPERTIES` (0x1).
        const HASPROPERTIES = 0x1;
        /// `SYNCMGRHANDLER_MAYESTABLISHCONNECTION` (0x2).
        const MAYESTABLISHCONNECTION = 0x2;
        /// `SYNCMGRHANDLER_ALWAYSLISTHANDLER` (0x4).
        const ALWAYSLISTHANDLER = 0x4;
        /// `SYNCMGRHANDLER_HIDDEN` (0x8).
        const HIDDEN = 0x8;
    }
}

impl HandlerFlags {
    /// `SYNCMGRHANDLERFLAG_MASK` (0xF).
    pub const MASK: u32 = 0xF;
    /// The mask of XP-era headers (0x7), before HIDDEN.
    pub const MASK_XP: u32 = 0x7;
}

bitflags! {
    /// `SYNCMGRITEMFLAGS` of `SYNCMGRITEM` (R-ENUM accepts bits within [`ItemFlags::MASK`]).
    ///
    /// ```
    /// # use mobsync::ItemFlags;
    /// assert_eq!(ItemFlags::all().bits(), 0x3F);
    /// assert_eq!(ItemFlags::MASK, 0x7F); // bit 0x40 is in the mask but has no name
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct ItemFlags: u32 {
        /// `SYNCMGRITEM_HASPROPERTIES` (0x1).
        const HASPROPERTIES = 0x1;
        /// `SYNCMGRITEM_TEMPORARY` (0x2).
        const TEMPORARY = 0x2;
        /// `SYNCMGRITEM_ROAMINGUSER` (0x4).
        const ROAMINGUSER = 0x4;
        /// `SYNCMGRITEM_LASTUPDATETIME` (0x8).
        const LASTUPDATETIME = 0x8;
        /// `SYNCMGRITEM_MAYDELETEITEM` (0x10).
        const MAYDELETEITEM = 0x10;
        /// `SYNCMGRITEM_HIDDEN` (0x20).
        const HIDDEN = 0x20;
    }
}

impl ItemFlags {
    /// `SYNCMGRITEM_ITEMFLAGMASK` (0x7F), which includes the unnamed bit 0x40.
    pub const MASK: u32 = 0x7F;
    /// The mask of XP-era headers (0x1F), before HIDDEN.
    pub const MASK_XP: u32 = 0x1F;
}

/// `SYNCMGRITEMSTATE`: whether the item is checked for synchronization.
///
/// ```
/// # use mobsync::ItemState;
/// assert_eq!(ItemState::from_u32(1), Some(ItemState::Checked));
/// assert_eq!(ItemState::from_u32(2), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ItemState {
    /// `SYNCMGRITEMSTATE_UNCHECKED` (0).
    Unchecked = 0,
    /// `SYNCMGRITEMSTATE_CHECKED` (1).
    Checked = 1,
}

impl ItemState {
    /// The state of this DWORD, `None` outside {0, 1}.
    #[must_use]
    pub const fn from_u32(value: u32) -> Option<Self> {
        match value {
            0 => Some(Self::Unchecked),
            1 => Some(Self::Checked),
            _ => None,
        }
    }
}

/// `SYNCMGRLOGLEVEL`: the level of a LogError entry.
///
/// ```
/// # use mobsync::LogLevel;
/// assert_eq!(LogLevel::from_u32(3), Some(LogLevel::Error));
/// assert_eq!(LogLevel::from_u32(0), None);
/// assert_eq!(LogLevel::LOGLEVELMAX, 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LogLevel {
    /// `SYNCMGRLOGLEVEL_INFORMATION` (1).
    Information = 1,
    /// `SYNCMGRLOGLEVEL_WARNING` (2).
    Warning = 2,
    /// `SYNCMGRLOGLEVEL_ERROR` (3).
    Error = 3,
}

impl LogLevel {
    /// `SYNCMGRLOGLEVEL_LOGLEVELMAX` (3).
    pub const LOGLEVELMAX: u32 = 3;

    /// The level of this DWORD, `None` outside 1..=3.
    #[must_use]
    pub const fn from_u32(value: u32) -> Option<Self> {
        match value {
            1 => Some(Self::Information),
            2 => Some(Self::Warning),
            3 => Some(Self::Error),
            _ => None,
        }
    }
}

bitflags! {
    /// `SYNCMGRERRORFLAGS` of `SYNCMGRLOGERRORINFO`.
    ///
    /// ```
    /// # use mobsync::ErrorFlags;
    /// assert_eq!(ErrorFlags::ENABLEJUMPTEXT.bits(), 0x1);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct ErrorFlags: u32 {
        /// `SYNCMGRERRORFLAG_ENABLEJUMPTEXT` (0x1): the entry offers a "jump" link to ShowError.
        const ENABLEJUMPTEXT = 0x1;
    }
}

bitflags! {
    /// The `mask` of `SYNCMGRPROGRESSITEM`: which fields a Progress call carries (R-PROG accepts
    /// bits within 0xF).
    ///
    /// ```
    /// # use mobsync::ProgressMask;
    /// assert_eq!(ProgressMask::all().bits(), 0xF);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct ProgressMask: u32 {
        /// `SYNCMGRPROGRESSITEM_STATUSTEXT` (0x1).
        const STATUSTEXT = 0x1;
        /// `SYNCMGRPROGRESSITEM_STATUSTYPE` (0x2).
        const STATUSTYPE = 0x2;
        /// `SYNCMGRPROGRESSITEM_PROGVALUE` (0x4).
        const PROGVALUE = 0x4;
        /// `SYNCMGRPROGRESSITEM_MAXVALUE` (0x8).
        const MAXVALUE = 0x8;
    }
}

bitflags! {
    /// The `mask` of `SYNCMGRLOGERRORINFO`: which fields a LogError call carries (R-LOG accepts
    /// bits within 0x7).
    ///
    /// ```
    /// # use mobsync::LogErrorMask;
    /// assert_eq!(LogErrorMask::all().bits(), 0x7);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct LogErrorMask: u32 {
        /// `SYNCMGRLOGERROR_ERRORFLAGS` (0x1).
        const ERRORFLAGS = 0x1;
        /// `SYNCMGRLOGERROR_ERRORID` (0x2).
        const ERRORID = 0x2;
        /// `SYNCMGRLOGERROR_ITEMID` (0x4).
        const ITEMID = 0x4;
    }
}

bitflags! {
    /// `SYNCMGRINVOKEFLAGS` of `ISyncMgrSynchronizeInvoke::UpdateItems` (there is no 0x1).
    ///
    /// ```
    /// # use mobsync::InvokeFlags;
    /// assert_eq!(InvokeFlags::all().bits(), 0x6);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct InvokeFlags: u32 {
        /// `SYNCMGRINVOKE_STARTSYNC` (0x2).
        const STARTSYNC = 0x2;
        /// `SYNCMGRINVOKE_MINIMIZED` (0x4).
        const MINIMIZED = 0x4;
    }
}

bitflags! {
    /// `SYNCMGRREGISTERFLAGS` of `ISyncMgrRegister` (mask 0x7).
    ///
    /// ```
    /// # use mobsync::RegisterFlags;
    /// assert_eq!(RegisterFlags::all().bits(), RegisterFlags::MASK);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct RegisterFlags: u32 {
        /// `SYNCMGRREGISTERFLAG_CONNECT` (0x1).
        const CONNECT = 0x1;
        /// `SYNCMGRREGISTERFLAG_PENDINGDISCONNECT` (0x2).
        const PENDINGDISCONNECT = 0x2;
        /// `SYNCMGRREGISTERFLAG_IDLE` (0x4).
        const IDLE = 0x4;
    }
}

impl RegisterFlags {
    /// `SYNCMGRREGISTERFLAGS_MASK` (0x7).
    pub const MASK: u32 = 0x7;
}
