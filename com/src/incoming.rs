//! Reading what the other side of the binary interface passed: ids, id lists, and the
//! callbacks whose arguments are pointers, checked there (R-COM-PTR, R-COM-SIZE, R-COM-STR).
//! The callback objects of [`Foreign`](crate::Foreign) (which refuse what breaks the boundary)
//! and of the tracing proxy (which forwards it anyway and writes a comment) read the same way.

use mobsync::sim::{BoundaryViolation, CallbackCall};
use mobsync::{ErrorId, HResult, ItemId, LogErrorInfo, ProgressItem, Rule};
use windows_core::GUID;

use crate::abi::size::{SYNCMGRLOGERRORINFO_SIZE, SYNCMGRPROGRESSITEM_SIZE};
use crate::abi::{SYNCMGRLOGERRORINFO, SYNCMGRPROGRESSITEM};
use crate::wide::read_wide;

/// `ptr` as a GUID, or `None` for NULL.
///
/// # Safety
///
/// `ptr` is NULL or points to a readable GUID.
pub(crate) unsafe fn guid(ptr: *const GUID) -> Option<GUID> {
    // SAFETY: the caller's contract.
    (!ptr.is_null()).then(|| unsafe { ptr.read_unaligned() })
}

/// The `count` ids at `ptr` (none for a count of 0, whatever the pointer), or `None` for a NULL
/// list with a non-zero count.
///
/// # Safety
///
/// `ptr` is NULL or points to `count` readable GUIDs.
pub(crate) unsafe fn ids(ptr: *const GUID, count: u32) -> Option<Vec<ItemId>> {
    if count == 0 {
        return Some(Vec::new());
    }
    if ptr.is_null() {
        return None;
    }
    let ids = (0..count as usize)
        // SAFETY: non-NULL, and the caller's contract: `count` readable GUIDs.
        .map(|i| ItemId::from(unsafe { ptr.wrapping_add(i).read_unaligned() }))
        .collect();
    Some(ids)
}

/// A callback read off the binary interface, with the strings and lists it owns.
#[derive(Debug)]
pub(crate) struct Incoming {
    call: Call,
    ids: Vec<ItemId>,
    text: Option<String>,
}

#[derive(Debug)]
enum Call {
    ShowErrorCompleted(HResult),
    Progress(ItemId, ProgressItem),
    LogError(u32, LogErrorInfo),
    DeleteLogError(ErrorId, u32),
    EstablishConnection(u32),
}

/// What a callback that breaks the boundary is answered, with why.
pub(crate) type Read = Result<Incoming, BoundaryViolation>;

fn refused(rule: Rule, message: String) -> BoundaryViolation {
    BoundaryViolation {
        rule,
        verdict: HResult::E_INVALIDARG,
        message,
    }
}

fn null(callback: &str, what: &str) -> BoundaryViolation {
    refused(
        Rule::ComPtr,
        format!("R-COM-PTR: {callback} with a NULL {what}: refused with E_INVALIDARG"),
    )
}

/// A string argument: NULL is R-COM-PTR, one without a NUL in its first 65,536 units R-COM-STR.
///
/// # Safety
///
/// `ptr` is NULL or points to readable UTF-16 units up to a NUL or the limit.
unsafe fn text(ptr: *const u16, what: &str) -> Result<String, BoundaryViolation> {
    // SAFETY: the caller's contract.
    unsafe { read_wide(ptr) }.map_err(|err| {
        let rule = if ptr.is_null() {
            Rule::ComPtr
        } else {
            Rule::ComStr
        };
        refused(
            rule,
            format!("{rule}: {what} is {err}: refused with E_INVALIDARG"),
        )
    })
}

impl Incoming {
    fn new(call: Call) -> Self {
        Self {
            call,
            ids: Vec::new(),
            text: None,
        }
    }

    /// The callback as the engine and the simulated manager take it.
    pub(crate) fn call(&self) -> CallbackCall<'_> {
        match self.call {
            Call::ShowErrorCompleted(hr) => CallbackCall::ShowErrorCompleted {
                hr,
                items: &self.ids,
            },
            Call::Progress(item, progress) => CallbackCall::Progress {
                item,
                progress,
                text: self.text.as_deref(),
            },
            Call::LogError(level, info) => CallbackCall::LogError {
                level,
                text: self.text.as_deref().unwrap_or_default(),
                info,
            },
            Call::DeleteLogError(error, reserved) => {
                CallbackCall::DeleteLogError { error, reserved }
            }
            Call::EstablishConnection(reserved) => CallbackCall::EstablishConnection {
                name: self.text.as_deref(),
                reserved,
            },
        }
    }

    /// `ShowErrorCompleted(hr, cItems, pItemIDs)`.
    ///
    /// # Safety
    ///
    /// `items` is NULL or points to `count` readable GUIDs.
    pub(crate) unsafe fn show_error_completed(hr: HResult, count: u32, items: *const GUID) -> Read {
        // SAFETY: the caller's contract.
        let ids = unsafe { ids(items, count) }.ok_or_else(|| {
            null(
                "ShowErrorCompleted",
                &format!("item list and a count of {count}"),
            )
        })?;
        Ok(Self {
            ids,
            ..Self::new(Call::ShowErrorCompleted(hr))
        })
    }

    /// `Progress(ItemID, pSyncProgressItem)`: the struct's `cbSize`, and its status text when
    /// STATUSTEXT is set.
    ///
    /// # Safety
    ///
    /// `item` and `progress` are NULL or readable; the status text, when STATUSTEXT is set, is
    /// NULL or NUL-terminated.
    pub(crate) unsafe fn progress(item: *const GUID, progress: *const SYNCMGRPROGRESSITEM) -> Read {
        // SAFETY: the caller's contract.
        let item = unsafe { guid(item) }.ok_or_else(|| null("Progress", "item id"))?;
        if progress.is_null() {
            return Err(null("Progress", "SYNCMGRPROGRESSITEM"));
        }
        // SAFETY: non-NULL, and the caller's contract: a readable struct.
        let progress = unsafe { progress.read_unaligned() };
        if progress.cbSize != SYNCMGRPROGRESSITEM_SIZE {
            return Err(refused(
                Rule::ComSize,
                format!(
                    "R-COM-SIZE: Progress with cbSize {}, not sizeof(SYNCMGRPROGRESSITEM) = \
                     {SYNCMGRPROGRESSITEM_SIZE}: refused with E_INVALIDARG",
                    progress.cbSize
                ),
            ));
        }
        let text = if progress.mask & 0x1 != 0 {
            // SAFETY: the caller's contract for the status text.
            Some(unsafe { text(progress.lpcStatusText, "Progress's status text") }?)
        } else {
            None
        };
        let read = ProgressItem {
            mask: progress.mask,
            status: progress.dwStatusType,
            value: progress.iProgValue,
            max: progress.iMaxValue,
        };
        Ok(Self {
            text,
            ..Self::new(Call::Progress(item.into(), read))
        })
    }

    /// `LogError(dwErrorLevel, pszErrorText, pSyncLogError)`: the text, and the struct's
    /// `cbSize`.
    ///
    /// # Safety
    ///
    /// `message` is NULL or NUL-terminated; `info` is NULL or readable.
    pub(crate) unsafe fn log_error(
        level: u32,
        message: *const u16,
        info: *const SYNCMGRLOGERRORINFO,
    ) -> Read {
        // SAFETY: the caller's contract.
        let message = unsafe { text(message, "LogError's text") }?;
        if info.is_null() {
            return Err(null("LogError", "SYNCMGRLOGERRORINFO"));
        }
        // SAFETY: non-NULL, and the caller's contract: a readable struct.
        let info = unsafe { info.read_unaligned() };
        if info.cbSize != SYNCMGRLOGERRORINFO_SIZE {
            return Err(refused(
                Rule::ComSize,
                format!(
                    "R-COM-SIZE: LogError with cbSize {}, not sizeof(SYNCMGRLOGERRORINFO) = \
                     {SYNCMGRLOGERRORINFO_SIZE}: refused with E_INVALIDARG",
                    info.cbSize
                ),
            ));
        }
        let read = LogErrorInfo {
            mask: info.mask,
            error_flags: info.dwSyncMgrErrorFlags,
            error_id: info.ErrorID.into(),
            item: info.ItemID.into(),
        };
        Ok(Self {
            text: Some(message),
            ..Self::new(Call::LogError(level, read))
        })
    }

    /// `DeleteLogError(ErrorID, dwReserved)`.
    ///
    /// # Safety
    ///
    /// `error` is NULL or readable.
    pub(crate) unsafe fn delete_log_error(error: *const GUID, reserved: u32) -> Read {
        // SAFETY: the caller's contract.
        let error = unsafe { guid(error) }.ok_or_else(|| null("DeleteLogError", "error id"))?;
        Ok(Self::new(Call::DeleteLogError(error.into(), reserved)))
    }

    /// `EstablishConnection(pwszConnection, dwReserved)`: NULL keeps its documented meaning
    /// (no name).
    ///
    /// # Safety
    ///
    /// `name` is NULL or NUL-terminated.
    pub(crate) unsafe fn establish_connection(name: *const u16, reserved: u32) -> Read {
        let name = if name.is_null() {
            None
        } else {
            // SAFETY: non-NULL, and the caller's contract.
            Some(unsafe { text(name, "EstablishConnection's name") }?)
        };
        Ok(Self {
            text: name,
            ..Self::new(Call::EstablishConnection(reserved))
        })
    }
}
