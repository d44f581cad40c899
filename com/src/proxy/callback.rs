//! The manager's side of the proxy: the callback the proxied handler gets.

use std::sync::Arc;

use mobsync::{ErrorId, Event, HResult, ItemId, LogErrorInfo, ProgressAnswer, ProgressItem};
use windows_core::{GUID, HRESULT, implement};

use crate::abi::size::{SYNCMGRLOGERRORINFO_SIZE, SYNCMGRPROGRESSITEM_SIZE};
use crate::abi::{
    ISyncMgrSynchronizeCallback, ISyncMgrSynchronizeCallback_Impl, SYNCMGRLOGERRORINFO,
    SYNCMGRPROGRESSITEM,
};
use crate::factory::ObjectCount;
use crate::foreign::Findings;
use crate::wide::read_wide;

use super::{Passed, TraceLog, guid_at};

/// The manager's callback as the proxied handler sees it: every callback forwarded unchanged
/// and written with the manager's answer.
#[implement(ISyncMgrSynchronizeCallback)]
pub(super) struct CallbackProxy {
    pub(super) manager: Passed<ISyncMgrSynchronizeCallback>,
    pub(super) log: Arc<TraceLog>,
    pub(super) _count: ObjectCount,
}

impl CallbackProxy {
    fn manager(&self) -> &ISyncMgrSynchronizeCallback {
        &self.manager.0
    }

    /// Forwards `call`, writing `event` (built from the answer) on the line reserved before it.
    fn traced(
        &self,
        call: impl FnOnce() -> HRESULT,
        event: impl FnOnce(HResult) -> Option<(Event<'static>, Option<String>, Option<HResult>)>,
        findings: Findings,
    ) -> HRESULT {
        let slot = self.log.lock().reserve();
        let answer = call();
        let mut state = self.log.lock();
        match event(answer.into()) {
            Some((event, text, recorded)) => {
                state.fill_event(slot, &event, text.as_deref(), recorded);
            }
            None => state.fill(slot, "# boundary: a callback that could not be read".into()),
        }
        state.boundary(findings);
        answer
    }

    fn boundary(message: String) -> Findings {
        let mut findings = Findings::default();
        findings.found(mobsync::Rule::ComPtr, HResult::E_INVALIDARG, message);
        findings
    }
}

/// The manager's answer as a callback's line records it: TRACE.md gives an answer only to
/// EnableModeless and to Progress (its cancels); any other answer — the manager's S_OK, or its
/// refusal, which `mobsync check` works out for itself — is not written.
fn unusual(_answer: HResult) -> Option<HResult> {
    None
}

/// Progress's answer as its line records it: only a cancel.
fn cancel(answer: HResult) -> Option<HResult> {
    (answer == HResult::S_SYNCMGR_CANCELITEM || answer == HResult::S_SYNCMGR_CANCELALL)
        .then_some(answer)
}

impl ISyncMgrSynchronizeCallback_Impl for CallbackProxy_Impl {
    unsafe fn ShowPropertiesCompleted(&self, hr: HRESULT) -> HRESULT {
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().ShowPropertiesCompleted(hr) },
            |answer| {
                Some((
                    Event::ShowPropertiesCompleted { hr: hr.into() },
                    None,
                    unusual(answer),
                ))
            },
            Findings::default(),
        )
    }

    unsafe fn PrepareForSyncCompleted(&self, hr: HRESULT) -> HRESULT {
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().PrepareForSyncCompleted(hr) },
            |answer| {
                Some((
                    Event::PrepareForSyncCompleted { hr: hr.into() },
                    None,
                    unusual(answer),
                ))
            },
            Findings::default(),
        )
    }

    unsafe fn SynchronizeCompleted(&self, hr: HRESULT) -> HRESULT {
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().SynchronizeCompleted(hr) },
            |answer| {
                Some((
                    Event::SynchronizeCompleted { hr: hr.into() },
                    None,
                    unusual(answer),
                ))
            },
            Findings::default(),
        )
    }

    unsafe fn ShowErrorCompleted(&self, hr: HRESULT, count: u32, items: *const GUID) -> HRESULT {
        let ids: Vec<ItemId> = if items.is_null() {
            Vec::new()
        } else {
            (0..count as usize)
                // SAFETY: the handler passes `count` readable ids.
                .map(|i| ItemId::from(unsafe { items.wrapping_add(i).read_unaligned() }))
                .collect()
        };
        let findings = if items.is_null() && count > 0 {
            CallbackProxy::boundary(format!(
                "R-COM-PTR: ShowErrorCompleted with a NULL item list and a count of {count}"
            ))
        } else {
            Findings::default()
        };
        let slot = self.log.lock().reserve();
        // SAFETY: forwarded unchanged.
        let answer = unsafe { self.manager().ShowErrorCompleted(hr, count, items) };
        let event = Event::ShowErrorCompleted {
            hr: hr.into(),
            items: &ids,
        };
        let mut state = self.log.lock();
        state.fill_event(slot, &event, None, unusual(answer.into()));
        state.boundary(findings);
        answer
    }

    unsafe fn EnableModeless(&self, enable: i32) -> HRESULT {
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().EnableModeless(enable) },
            |answer| {
                let event = Event::EnableModeless {
                    enable: enable != 0,
                    answer,
                };
                Some((event, None, Some(answer)))
            },
            Findings::default(),
        )
    }

    unsafe fn Progress(&self, item: *const GUID, progress: *const SYNCMGRPROGRESSITEM) -> HRESULT {
        // SAFETY: the handler passes NULL or a readable id.
        let id = unsafe { guid_at(item) };
        // SAFETY: the handler passes NULL or a readable struct.
        let read = (!progress.is_null()).then(|| unsafe { progress.read_unaligned() });
        let mut findings = Findings::default();
        let mut text = None;
        if item.is_null() || progress.is_null() {
            findings.found(
                mobsync::Rule::ComPtr,
                HResult::E_INVALIDARG,
                "R-COM-PTR: Progress with a NULL item id or SYNCMGRPROGRESSITEM".into(),
            );
        }
        if let Some(read) = read {
            if read.cbSize != SYNCMGRPROGRESSITEM_SIZE {
                findings.found(
                    mobsync::Rule::ComSize,
                    HResult::E_INVALIDARG,
                    format!(
                        "R-COM-SIZE: Progress with cbSize {}, not sizeof(SYNCMGRPROGRESSITEM) = \
                         {SYNCMGRPROGRESSITEM_SIZE}",
                        read.cbSize
                    ),
                );
            }
            if read.mask & 0x1 != 0 {
                // SAFETY: with STATUSTEXT the handler passes NULL or a NUL-terminated text.
                match unsafe { read_wide(read.lpcStatusText) } {
                    Ok(read) => text = Some(read),
                    Err(err) => findings.found(
                        mobsync::Rule::ComStr,
                        HResult::E_INVALIDARG,
                        format!("R-COM-STR: Progress's status text is {err}"),
                    ),
                }
            }
        }
        let clean = findings.0.is_empty();
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().Progress(item, progress) },
            |answer| {
                let read = read.filter(|_| clean)?;
                let event = Event::Progress {
                    item: id.into(),
                    progress: ProgressItem {
                        mask: read.mask,
                        status: read.dwStatusType,
                        value: read.iProgValue,
                        max: read.iMaxValue,
                    },
                    answer: ProgressAnswer::from_hresult(answer),
                };
                Some((event, text, cancel(answer)))
            },
            findings,
        )
    }

    unsafe fn LogError(
        &self,
        level: u32,
        text: *const u16,
        info: *const SYNCMGRLOGERRORINFO,
    ) -> HRESULT {
        let mut findings = Findings::default();
        // SAFETY: the handler passes NULL or a NUL-terminated text.
        let message = match unsafe { read_wide(text) } {
            Ok(message) => Some(message),
            Err(err) => {
                findings.found(
                    mobsync::Rule::ComStr,
                    HResult::E_INVALIDARG,
                    format!("R-COM-STR: LogError's text is {err}"),
                );
                None
            }
        };
        // SAFETY: the handler passes NULL or a readable struct.
        let read = (!info.is_null()).then(|| unsafe { info.read_unaligned() });
        match read {
            None => findings.found(
                mobsync::Rule::ComPtr,
                HResult::E_INVALIDARG,
                "R-COM-PTR: LogError with a NULL SYNCMGRLOGERRORINFO".into(),
            ),
            Some(read) if read.cbSize != SYNCMGRLOGERRORINFO_SIZE => findings.found(
                mobsync::Rule::ComSize,
                HResult::E_INVALIDARG,
                format!(
                    "R-COM-SIZE: LogError with cbSize {}, not sizeof(SYNCMGRLOGERRORINFO) = \
                     {SYNCMGRLOGERRORINFO_SIZE}",
                    read.cbSize
                ),
            ),
            Some(_) => {}
        }
        let clean = findings.0.is_empty();
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().LogError(level, text, info) },
            |_| {
                let read = read.filter(|_| clean)?;
                let event = Event::LogError {
                    level,
                    info: LogErrorInfo {
                        mask: read.mask,
                        error_flags: read.dwSyncMgrErrorFlags,
                        error_id: ErrorId::from(read.ErrorID),
                        item: ItemId::from(read.ItemID),
                    },
                };
                Some((event, message, None))
            },
            findings,
        )
    }

    unsafe fn DeleteLogError(&self, error: *const GUID, reserved: u32) -> HRESULT {
        // SAFETY: the handler passes NULL or a readable id.
        let id = unsafe { guid_at(error) };
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().DeleteLogError(error, reserved) },
            |answer| {
                let event = Event::DeleteLogError {
                    error: id.into(),
                    reserved,
                };
                Some((event, None, unusual(answer)))
            },
            Findings::default(),
        )
    }

    unsafe fn EstablishConnection(&self, name: *const u16, reserved: u32) -> HRESULT {
        let mut findings = Findings::default();
        let text = if name.is_null() {
            None
        } else {
            // SAFETY: non-NULL: the handler passes a NUL-terminated name.
            match unsafe { read_wide(name) } {
                Ok(text) => Some(text),
                Err(err) => {
                    findings.found(
                        mobsync::Rule::ComStr,
                        HResult::E_INVALIDARG,
                        format!("R-COM-STR: EstablishConnection's name is {err}"),
                    );
                    None
                }
            }
        };
        self.traced(
            // SAFETY: forwarded unchanged.
            || unsafe { self.manager().EstablishConnection(name, reserved) },
            |answer| {
                let event = Event::EstablishConnection {
                    has_name: !name.is_null(),
                    reserved,
                };
                Some((event, text, unusual(answer)))
            },
            findings,
        )
    }
}
