//! The callback a [`Foreign`](super::Foreign) handler gets: each callback read off the binary
//! interface, checked there and delivered to the simulated manager.

use mobsync::sim::{BoundaryViolation, Callback, CallbackCall};
use mobsync::{HResult, ItemId, LogErrorInfo, ProgressItem, Rule};
use windows_core::{GUID, HRESULT, implement};

use crate::abi::size::{SYNCMGRLOGERRORINFO_SIZE, SYNCMGRPROGRESSITEM_SIZE};
use crate::abi::{
    ISyncMgrSynchronizeCallback, ISyncMgrSynchronizeCallback_Impl, SYNCMGRLOGERRORINFO,
    SYNCMGRPROGRESSITEM,
};
use crate::entry;
use crate::factory::ObjectCount;
use crate::wide::read_wide;

/// The `ISyncMgrSynchronizeCallback` a foreign handler gets: each callback read off the binary
/// interface, checked there (R-COM-PTR, R-COM-SIZE, R-COM-STR) and delivered to the simulated
/// manager's [`Callback`].
#[implement(ISyncMgrSynchronizeCallback)]
pub(super) struct Relay {
    pub(super) callback: Callback,
    pub(super) _count: ObjectCount,
}

impl Relay {
    /// A callback that broke the boundary: reported, answered `verdict`, not delivered.
    fn refuse(&self, rule: Rule, verdict: HResult, message: String) -> HRESULT {
        self.callback.report(BoundaryViolation {
            rule,
            verdict,
            message,
        });
        verdict.into()
    }

    fn null(&self, callback: &str, what: &str) -> HRESULT {
        self.refuse(
            Rule::ComPtr,
            HResult::E_INVALIDARG,
            format!("R-COM-PTR: {callback} with a NULL {what}: refused with E_INVALIDARG"),
        )
    }

    fn deliver(&self, call: &CallbackCall<'_>) -> HRESULT {
        self.callback.call(call).into()
    }

    /// `ptr` as a GUID, or `None` for NULL.
    ///
    /// # Safety
    ///
    /// `ptr` is NULL or points to a readable GUID.
    unsafe fn guid(ptr: *const GUID) -> Option<GUID> {
        // SAFETY: the caller's contract.
        (!ptr.is_null()).then(|| unsafe { ptr.read_unaligned() })
    }
}

impl ISyncMgrSynchronizeCallback_Impl for Relay_Impl {
    unsafe fn ShowPropertiesCompleted(&self, hr: HRESULT) -> HRESULT {
        entry(|| self.deliver(&CallbackCall::ShowPropertiesCompleted { hr: hr.into() }))
    }

    unsafe fn PrepareForSyncCompleted(&self, hr: HRESULT) -> HRESULT {
        entry(|| self.deliver(&CallbackCall::PrepareForSyncCompleted { hr: hr.into() }))
    }

    unsafe fn SynchronizeCompleted(&self, hr: HRESULT) -> HRESULT {
        entry(|| self.deliver(&CallbackCall::SynchronizeCompleted { hr: hr.into() }))
    }

    unsafe fn ShowErrorCompleted(&self, hr: HRESULT, count: u32, items: *const GUID) -> HRESULT {
        entry(|| {
            if count > 0 && items.is_null() {
                return self.null(
                    "ShowErrorCompleted",
                    &format!("item list and a count of {count}"),
                );
            }
            let ids: Vec<ItemId> = (0..count as usize)
                // SAFETY: the handler passes `count` readable GUIDs (R-COM-PTR checked above).
                .map(|i| ItemId::from(unsafe { items.wrapping_add(i).read_unaligned() }))
                .collect();
            self.deliver(&CallbackCall::ShowErrorCompleted {
                hr: hr.into(),
                items: &ids,
            })
        })
    }

    unsafe fn EnableModeless(&self, enable: i32) -> HRESULT {
        entry(|| {
            self.deliver(&CallbackCall::EnableModeless {
                enable: enable != 0,
            })
        })
    }

    unsafe fn Progress(&self, item: *const GUID, progress: *const SYNCMGRPROGRESSITEM) -> HRESULT {
        entry(|| {
            // SAFETY: the handler passes NULL or a readable GUID.
            let Some(item) = (unsafe { Relay::guid(item) }) else {
                return self.null("Progress", "item id");
            };
            if progress.is_null() {
                return self.null("Progress", "SYNCMGRPROGRESSITEM");
            }
            // SAFETY: non-NULL, and the handler passes a readable struct.
            let progress = unsafe { progress.read_unaligned() };
            if progress.cbSize != SYNCMGRPROGRESSITEM_SIZE {
                return self.refuse(
                    Rule::ComSize,
                    HResult::E_INVALIDARG,
                    format!(
                        "R-COM-SIZE: Progress with cbSize {}, not sizeof(SYNCMGRPROGRESSITEM) = \
                         {SYNCMGRPROGRESSITEM_SIZE}: refused with E_INVALIDARG",
                        progress.cbSize
                    ),
                );
            }
            let text = if progress.mask & 0x1 != 0 {
                // SAFETY: with STATUSTEXT set, the text is NULL or NUL-terminated.
                match unsafe { read_wide(progress.lpcStatusText) } {
                    Ok(text) => Some(text),
                    Err(err) => {
                        return self.refuse(
                            if progress.lpcStatusText.is_null() {
                                Rule::ComPtr
                            } else {
                                Rule::ComStr
                            },
                            HResult::E_INVALIDARG,
                            format!(
                                "R-COM-{}: Progress's status text is {err}: refused with \
                                 E_INVALIDARG",
                                if progress.lpcStatusText.is_null() {
                                    "PTR"
                                } else {
                                    "STR"
                                }
                            ),
                        );
                    }
                }
            } else {
                None
            };
            self.deliver(&CallbackCall::Progress {
                item: item.into(),
                progress: ProgressItem {
                    mask: progress.mask,
                    status: progress.dwStatusType,
                    value: progress.iProgValue,
                    max: progress.iMaxValue,
                },
                text: text.as_deref(),
            })
        })
    }

    unsafe fn LogError(
        &self,
        level: u32,
        text: *const u16,
        info: *const SYNCMGRLOGERRORINFO,
    ) -> HRESULT {
        entry(|| {
            // SAFETY: the handler passes NULL or a NUL-terminated string.
            let text = match unsafe { read_wide(text) } {
                Ok(text) => text,
                Err(err) => {
                    let rule = if text.is_null() {
                        Rule::ComPtr
                    } else {
                        Rule::ComStr
                    };
                    return self.refuse(
                        rule,
                        HResult::E_INVALIDARG,
                        format!("{rule}: LogError's text is {err}: refused with E_INVALIDARG"),
                    );
                }
            };
            if info.is_null() {
                return self.null("LogError", "SYNCMGRLOGERRORINFO");
            }
            // SAFETY: non-NULL, and the handler passes a readable struct.
            let info = unsafe { info.read_unaligned() };
            if info.cbSize != SYNCMGRLOGERRORINFO_SIZE {
                return self.refuse(
                    Rule::ComSize,
                    HResult::E_INVALIDARG,
                    format!(
                        "R-COM-SIZE: LogError with cbSize {}, not sizeof(SYNCMGRLOGERRORINFO) = \
                         {SYNCMGRLOGERRORINFO_SIZE}: refused with E_INVALIDARG",
                        info.cbSize
                    ),
                );
            }
            self.deliver(&CallbackCall::LogError {
                level,
                text: &text,
                info: LogErrorInfo {
                    mask: info.mask,
                    error_flags: info.dwSyncMgrErrorFlags,
                    error_id: info.ErrorID.into(),
                    item: info.ItemID.into(),
                },
            })
        })
    }

    unsafe fn DeleteLogError(&self, error: *const GUID, reserved: u32) -> HRESULT {
        entry(|| {
            // SAFETY: the handler passes NULL or a readable GUID.
            let Some(error) = (unsafe { Relay::guid(error) }) else {
                return self.null("DeleteLogError", "error id");
            };
            self.deliver(&CallbackCall::DeleteLogError {
                error: error.into(),
                reserved,
            })
        })
    }

    unsafe fn EstablishConnection(&self, name: *const u16, reserved: u32) -> HRESULT {
        entry(|| {
            let name = if name.is_null() {
                None
            } else {
                // SAFETY: non-NULL, and the handler passes a NUL-terminated string.
                match unsafe { read_wide(name) } {
                    Ok(name) => Some(name),
                    Err(err) => {
                        return self.refuse(
                            Rule::ComStr,
                            HResult::E_INVALIDARG,
                            format!(
                                "R-COM-STR: EstablishConnection's name is {err}: refused with \
                                 E_INVALIDARG"
                            ),
                        );
                    }
                }
            };
            self.deliver(&CallbackCall::EstablishConnection {
                name: name.as_deref(),
                reserved,
            })
        })
    }
}
