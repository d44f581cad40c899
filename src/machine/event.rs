//! The events one handler instance sees (CONTRACT §5) and the data they carry.

use crate::flags::{HandlerFlags, ItemState, ProgressMask, SyncMgrFlags};
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;
use crate::rule::EventKind;
use crate::status::SyncMgrStatus;

/// One of the four asynchronous calls, whose return is an event of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Method {
    /// `PrepareForSync`.
    PrepareForSync,
    /// `Synchronize`.
    Synchronize,
    /// `ShowProperties`.
    ShowProperties,
    /// `ShowError`.
    ShowError,
}

impl Method {
    /// The four methods, in vtable order.
    pub const ALL: [Self; 4] = [
        Self::PrepareForSync,
        Self::Synchronize,
        Self::ShowProperties,
        Self::ShowError,
    ];

    /// The event kind of this method's entry.
    ///
    /// ```
    /// # use mobsync::{EventKind, Method};
    /// assert_eq!(Method::ShowError.entry_kind(), EventKind::ShowError);
    /// ```
    #[must_use]
    pub const fn entry_kind(self) -> EventKind {
        match self {
            Self::PrepareForSync => EventKind::PrepareForSync,
            Self::Synchronize => EventKind::Synchronize,
            Self::ShowProperties => EventKind::ShowProperties,
            Self::ShowError => EventKind::ShowError,
        }
    }

    /// The method's name, its entry's ([`EventKind::name`]).
    #[must_use]
    pub const fn name(self) -> &'static str {
        self.entry_kind().name()
    }

    /// The method named `name`, `None` for any other text (a trace's `return METHOD`).
    ///
    /// ```
    /// # use mobsync::Method;
    /// assert_eq!(Method::from_name("Synchronize"), Some(Method::Synchronize));
    /// assert_eq!(Method::from_name("Initialize"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.name() == name)
    }

    /// The event kind of this method's return.
    ///
    /// ```
    /// # use mobsync::{EventKind, Method};
    /// assert_eq!(Method::ShowError.return_kind(), EventKind::ReturnShowError);
    /// ```
    #[must_use]
    pub const fn return_kind(self) -> EventKind {
        match self {
            Self::PrepareForSync => EventKind::ReturnPrepareForSync,
            Self::Synchronize => EventKind::ReturnSynchronize,
            Self::ShowProperties => EventKind::ReturnShowProperties,
            Self::ShowError => EventKind::ReturnShowError,
        }
    }
}

/// What `GetHandlerInfo` hands out (`SYNCMGRHANDLERINFO`), as far as R-INFO checks it.
///
/// ```
/// # use mobsync::{HandlerFlags, HandlerInfo};
/// let info = HandlerInfo::new("Briefcase", HandlerFlags::HASPROPERTIES.bits());
/// assert_eq!(info.name_units, 9);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HandlerInfo {
    /// The name's length in UTF-16 units, without the terminating NUL (at most 31).
    pub name_units: usize,
    /// `SyncMgrHandlerFlags` (within 0xF).
    pub flags: u32,
}

impl HandlerInfo {
    /// From the name as a Rust string and the raw flags.
    #[must_use]
    pub fn new(name: &str, flags: u32) -> Self {
        Self {
            name_units: name.encode_utf16().count(),
            flags,
        }
    }

    /// From the `wszHandlerName` buffer (read up to its first NUL) and the flags.
    ///
    /// ```
    /// # use mobsync::{HandlerFlags, HandlerInfo};
    /// let mut name = [0_u16; 32];
    /// name[..5].copy_from_slice(&[0x46, 0x69, 0x6C, 0x65, 0x73]); // "Files"
    /// assert_eq!(HandlerInfo::from_wide(&name, HandlerFlags::HIDDEN).name_units, 5);
    /// ```
    #[must_use]
    pub fn from_wide(name: &[u16], flags: HandlerFlags) -> Self {
        Self {
            name_units: wide_len(name),
            flags: flags.bits(),
        }
    }
}

/// One `SYNCMGRITEM` as `EnumSyncMgrItems` hands it out, as far as R-ENUM checks it.
///
/// ```
/// # use mobsync::{ItemId, SyncMgrItem};
/// let item = SyncMgrItem::new(ItemId::from_u128(1), "Inbox");
/// assert_eq!((item.name_units, item.flags, item.state), (5, 0, 1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SyncMgrItem {
    /// `ItemID`: not GUID_NULL, unique in the enumeration.
    pub id: ItemId,
    /// The name's length in UTF-16 units, without the terminating NUL (at most 127).
    pub name_units: usize,
    /// `dwFlags` (within 0x7F).
    pub flags: u32,
    /// `dwItemState` (0 or 1).
    pub state: u32,
}

impl SyncMgrItem {
    /// A checked item with no flags.
    #[must_use]
    pub fn new(id: ItemId, name: &str) -> Self {
        Self {
            id,
            name_units: name.encode_utf16().count(),
            flags: 0,
            state: ItemState::Checked as u32,
        }
    }

    /// From the fields of a `SYNCMGRITEM`; the name is read up to its first NUL.
    ///
    /// ```
    /// # use mobsync::{ItemId, SyncMgrItem};
    /// let name: Vec<u16> = "Inbox".encode_utf16().chain([0, 0x41]).collect();
    /// let item = SyncMgrItem::from_wide(ItemId::from_u128(1), &name, 0x1, 1);
    /// assert_eq!(item.name_units, 5);
    /// ```
    #[must_use]
    pub fn from_wide(id: ItemId, name: &[u16], flags: u32, state: u32) -> Self {
        Self {
            id,
            name_units: wide_len(name),
            flags,
            state,
        }
    }
}

fn wide_len(name: &[u16]) -> usize {
    name.iter()
        .position(|&unit| unit == 0)
        .unwrap_or(name.len())
}

/// The fields of a `SYNCMGRPROGRESSITEM` the contract checks; `mask` says which are present.
///
/// ```
/// # use mobsync::{ProgressItem, SyncMgrStatus};
/// let p = ProgressItem::status(SyncMgrStatus::Updating).with_value(3).with_max(10);
/// assert_eq!(p.mask, 0x2 | 0x4 | 0x8);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProgressItem {
    /// `mask`: STATUSTEXT 0x1, STATUSTYPE 0x2, PROGVALUE 0x4, MAXVALUE 0x8.
    pub mask: u32,
    /// `dwStatusType`, read when STATUSTYPE is set.
    pub status: u32,
    /// `iProgValue`, read when PROGVALUE is set.
    pub value: i32,
    /// `iMaxValue`, read when MAXVALUE is set.
    pub max: i32,
}

impl ProgressItem {
    /// A progress item with only a status (mask STATUSTYPE).
    #[must_use]
    pub const fn status(status: SyncMgrStatus) -> Self {
        Self {
            mask: 0x2,
            status: status as u32,
            value: 0,
            max: 0,
        }
    }

    /// Adds a progress value (sets PROGVALUE).
    #[must_use]
    pub const fn with_value(mut self, value: i32) -> Self {
        self.mask |= 0x4;
        self.value = value;
        self
    }

    /// Adds a maximum (sets MAXVALUE).
    #[must_use]
    pub const fn with_max(mut self, max: i32) -> Self {
        self.mask |= 0x8;
        self.max = max;
        self
    }

    /// Adds status text (sets STATUSTEXT; the text itself is not modelled).
    #[must_use]
    pub const fn with_text(mut self) -> Self {
        self.mask |= 0x1;
        self
    }

    /// The mask has bits outside SYNCMGRPROGRESSITEM's four.
    pub(crate) const fn has_unknown_bits(self) -> bool {
        self.mask & !ProgressMask::all().bits() != 0
    }

    /// The status field is reported (STATUSTYPE).
    pub(crate) const fn has_status(self) -> bool {
        self.mask & ProgressMask::STATUSTYPE.bits() != 0
    }

    /// The value field is reported (PROGVALUE).
    pub(crate) const fn has_value(self) -> bool {
        self.mask & ProgressMask::PROGVALUE.bits() != 0
    }

    /// The maximum field is reported (MAXVALUE).
    pub(crate) const fn has_max(self) -> bool {
        self.mask & ProgressMask::MAXVALUE.bits() != 0
    }
}

/// The manager's answer to a Progress callback.
///
/// Any answer other than `S_SYNCMGR_CANCELITEM` and `S_SYNCMGR_CANCELALL` means "go on"
/// (decision: CONTRACT §5.2 gives meaning to those two only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ProgressAnswer {
    /// `S_OK` or any other answer: go on.
    #[default]
    Continue,
    /// `S_SYNCMGR_CANCELITEM`: skip-requested on this item.
    CancelItem,
    /// `S_SYNCMGR_CANCELALL`: skip-requested on every item of the selection.
    CancelAll,
}

impl ProgressAnswer {
    /// The answer an HRESULT means.
    ///
    /// ```
    /// # use mobsync::{HResult, ProgressAnswer};
    /// assert_eq!(ProgressAnswer::from_hresult(HResult::S_SYNCMGR_CANCELALL), ProgressAnswer::CancelAll);
    /// assert_eq!(ProgressAnswer::from_hresult(HResult::E_FAIL), ProgressAnswer::Continue);
    /// ```
    #[must_use]
    pub const fn from_hresult(hr: HResult) -> Self {
        match hr.to_u32() {
            0x0004_0203 => Self::CancelItem,
            0x0004_0204 => Self::CancelAll,
            _ => Self::Continue,
        }
    }

    /// The HRESULT of this answer (`S_OK` for `Continue`).
    #[must_use]
    pub const fn hresult(self) -> HResult {
        match self {
            Self::Continue => HResult::S_OK,
            Self::CancelItem => HResult::S_SYNCMGR_CANCELITEM,
            Self::CancelAll => HResult::S_SYNCMGR_CANCELALL,
        }
    }
}

/// The fields of a `SYNCMGRLOGERRORINFO` the contract checks; `mask` says which are present.
///
/// ```
/// # use mobsync::{ErrorId, LogErrorInfo};
/// let info = LogErrorInfo::default().with_error_id(ErrorId::from_u128(7));
/// assert_eq!(info.mask, 0x2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LogErrorInfo {
    /// `mask`: ERRORFLAGS 0x1, ERRORID 0x2, ITEMID 0x4.
    pub mask: u32,
    /// `dwSyncMgrErrorFlags`, read when ERRORFLAGS is set (not checked: the contract is silent).
    pub error_flags: u32,
    /// `ErrorID`, read when ERRORID is set.
    pub error_id: ErrorId,
    /// `ItemID`, read when ITEMID is set.
    pub item: ItemId,
}

impl LogErrorInfo {
    /// Adds an error id (sets ERRORID).
    #[must_use]
    pub const fn with_error_id(mut self, error_id: ErrorId) -> Self {
        self.mask |= 0x2;
        self.error_id = error_id;
        self
    }

    /// Adds an item (sets ITEMID).
    #[must_use]
    pub const fn with_item(mut self, item: ItemId) -> Self {
        self.mask |= 0x4;
        self.item = item;
        self
    }

    /// Adds error flags (sets ERRORFLAGS).
    #[must_use]
    pub const fn with_error_flags(mut self, error_flags: u32) -> Self {
        self.mask |= 0x1;
        self.error_flags = error_flags;
        self
    }
}

/// One event of CONTRACT §5: a call into the handler, the return of an asynchronous call, or a
/// callback from the handler. Lists are borrowed, so handing an event to
/// [`Instance::handle`](crate::Instance::handle) allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Event<'a> {
    /// `Initialize(dwReserved, dwSyncMgrFlags, …)`, answered `answer` by the handler (R-INIT).
    Initialize {
        /// `dwReserved` (must be 0).
        reserved: u32,
        /// `dwSyncMgrFlags`.
        flags: SyncMgrFlags,
        /// What the handler returned: exactly S_OK makes it Ready, anything else Declined.
        answer: HResult,
    },
    /// `GetHandlerInfo`, answered `answer` with `info` (R-INFO).
    GetHandlerInfo {
        /// What the handler returned; a failure hands out nothing.
        answer: HResult,
        /// What it handed out.
        info: HandlerInfo,
    },
    /// `EnumSyncMgrItems`, answered `answer` with `items` (R-ENUM).
    EnumSyncMgrItems {
        /// What the handler returned; a failure hands out nothing.
        answer: HResult,
        /// The items enumerated.
        items: &'a [SyncMgrItem],
    },
    /// `GetItemObject(ItemID, riid)` (R-OBJ): always E_NOTIMPL.
    GetItemObject {
        /// `ItemID`.
        item: ItemId,
    },
    /// `SetProgressCallback(cb)` (R-CB).
    SetProgressCallback {
        /// `true` for a callback, `false` for NULL.
        bind: bool,
    },
    /// `PrepareForSync(cbNumItems, pItemIDs, hWnd, dwReserved)` entered (R-PREP).
    PrepareForSync {
        /// The selected items.
        items: &'a [ItemId],
        /// `dwReserved` (ignored).
        reserved: u32,
    },
    /// `Synchronize(hWnd)` entered (R-SYNC).
    Synchronize,
    /// `SetItemStatus(pItemID, dwSyncMgrStatus)` (R-SIS).
    SetItemStatus {
        /// The item.
        item: ItemId,
        /// The status DWORD.
        status: u32,
    },
    /// `ShowProperties(hWnd, ItemID)` entered (R-PROPS).
    ShowProperties {
        /// The item, or GUID_NULL for the handler's own properties.
        item: ItemId,
    },
    /// `ShowError(hWnd, ErrorID)` entered (R-ERR).
    ShowError {
        /// The logged error.
        error: ErrorId,
    },
    /// One of the four asynchronous calls returns `hr` (R-PREP-RET, R-SYNC-RET, R-PROPS-RET,
    /// R-ERR-RET).
    Return {
        /// Which call.
        method: Method,
        /// What it returned.
        hr: HResult,
    },
    /// `PrepareForSyncCompleted(hr)` (R-PREP-DONE).
    PrepareForSyncCompleted {
        /// The result of preparation.
        hr: HResult,
    },
    /// `SynchronizeCompleted(hr)` (R-SYNC-DONE).
    SynchronizeCompleted {
        /// The result of the pass.
        hr: HResult,
    },
    /// `ShowPropertiesCompleted(hr)` (R-PROPS-DONE).
    ShowPropertiesCompleted {
        /// The result.
        hr: HResult,
    },
    /// `ShowErrorCompleted(hr, cItems, pItemIDs)` (R-ERR-DONE).
    ShowErrorCompleted {
        /// The result; `S_SYNCMGR_RETRYSYNC` asks for another pass with `items`.
        hr: HResult,
        /// The items to retry.
        items: &'a [ItemId],
    },
    /// `EnableModeless(fEnable)`, answered `answer` by the manager (R-MODAL).
    EnableModeless {
        /// `fEnable`.
        enable: bool,
        /// The manager's answer (to TRUE: S_OK opens the gate; ignored for FALSE).
        answer: HResult,
    },
    /// `Progress(ItemID, pSyncProgressItem)`, answered `answer` by the manager (R-PROG).
    Progress {
        /// The item.
        item: ItemId,
        /// What it reports.
        progress: ProgressItem,
        /// The manager's answer.
        answer: ProgressAnswer,
    },
    /// `LogError(dwErrorLevel, pszErrorText, pSyncLogError)` (R-LOG).
    LogError {
        /// `dwErrorLevel` (1..=3).
        level: u32,
        /// `pSyncLogError`.
        info: LogErrorInfo,
    },
    /// `DeleteLogError(ErrorID, dwReserved)` (R-DELLOG).
    DeleteLogError {
        /// The error, or GUID_NULL for all.
        error: ErrorId,
        /// `dwReserved` (must be 0).
        reserved: u32,
    },
    /// `EstablishConnection(pwszConnection, dwReserved)` (R-CONN).
    EstablishConnection {
        /// Whether a connection name was given (NULL is the default connection).
        has_name: bool,
        /// `dwReserved` (must be 0).
        reserved: u32,
    },
}

impl Event<'_> {
    /// The kind of this event.
    ///
    /// ```
    /// # use mobsync::{Event, EventKind, HResult, Method};
    /// let ev = Event::Return { method: Method::Synchronize, hr: HResult::S_OK };
    /// assert_eq!(ev.kind(), EventKind::ReturnSynchronize);
    /// ```
    #[must_use]
    pub const fn kind(&self) -> EventKind {
        match self {
            Self::Initialize { .. } => EventKind::Initialize,
            Self::GetHandlerInfo { .. } => EventKind::GetHandlerInfo,
            Self::EnumSyncMgrItems { .. } => EventKind::EnumSyncMgrItems,
            Self::GetItemObject { .. } => EventKind::GetItemObject,
            Self::SetProgressCallback { .. } => EventKind::SetProgressCallback,
            Self::PrepareForSync { .. } => EventKind::PrepareForSync,
            Self::Synchronize => EventKind::Synchronize,
            Self::SetItemStatus { .. } => EventKind::SetItemStatus,
            Self::ShowProperties { .. } => EventKind::ShowProperties,
            Self::ShowError { .. } => EventKind::ShowError,
            Self::Return { method, .. } => method.return_kind(),
            Self::PrepareForSyncCompleted { .. } => EventKind::PrepareForSyncCompleted,
            Self::SynchronizeCompleted { .. } => EventKind::SynchronizeCompleted,
            Self::ShowPropertiesCompleted { .. } => EventKind::ShowPropertiesCompleted,
            Self::ShowErrorCompleted { .. } => EventKind::ShowErrorCompleted,
            Self::EnableModeless { .. } => EventKind::EnableModeless,
            Self::Progress { .. } => EventKind::Progress,
            Self::LogError { .. } => EventKind::LogError,
            Self::DeleteLogError { .. } => EventKind::DeleteLogError,
            Self::EstablishConnection { .. } => EventKind::EstablishConnection,
        }
    }
}
