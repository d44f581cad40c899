//! The manager's side of the proxy: the callback the proxied handler gets.

use std::sync::Arc;

use mobsync::HResult;
use mobsync::sim::{BoundaryViolation, CallbackCall};
use windows_core::{GUID, HRESULT, implement};

use crate::abi::{
    ISyncMgrSynchronizeCallback, ISyncMgrSynchronizeCallback_Impl, SYNCMGRLOGERRORINFO,
    SYNCMGRPROGRESSITEM,
};
use crate::factory::ObjectCount;
use crate::incoming::Incoming;

use super::{Passed, TraceLog};

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

    /// Forwards a callback, writing it with the manager's answer on the line reserved before
    /// it; one that broke the boundary is forwarded all the same, and its line is a
    /// `# boundary …` comment.
    fn traced(
        &self,
        call: Result<CallbackCall<'_>, &BoundaryViolation>,
        forward: impl FnOnce() -> HRESULT,
    ) -> HRESULT {
        let slot = self.log.lock().reserve();
        let answer = forward();
        let mut state = self.log.lock();
        match call {
            Ok(call) => {
                let hr = HResult::from(answer);
                state.fill_event(slot, &call.event(hr), call.text(), recorded(&call, hr));
            }
            Err(violation) => state.fill(slot, format!("# boundary {}", violation.message)),
        }
        answer
    }
}

/// The manager's answer as a callback's line records it: TRACE.md gives an answer to
/// EnableModeless and to Progress (only its cancels); any other answer — the manager's S_OK,
/// or its refusal, which `mobsync check` works out for itself — is not written, as the
/// simulator does not write it.
fn recorded(call: &CallbackCall<'_>, answer: HResult) -> Option<HResult> {
    match call {
        CallbackCall::EnableModeless { .. } => Some(answer),
        CallbackCall::Progress { .. } => (answer == HResult::S_SYNCMGR_CANCELITEM
            || answer == HResult::S_SYNCMGR_CANCELALL)
            .then_some(answer),
        _ => None,
    }
}

impl ISyncMgrSynchronizeCallback_Impl for CallbackProxy_Impl {
    unsafe fn ShowPropertiesCompleted(&self, hr: HRESULT) -> HRESULT {
        let call = CallbackCall::ShowPropertiesCompleted { hr: hr.into() };
        // SAFETY: forwarded unchanged.
        self.traced(Ok(call), || unsafe {
            self.manager().ShowPropertiesCompleted(hr)
        })
    }

    unsafe fn PrepareForSyncCompleted(&self, hr: HRESULT) -> HRESULT {
        let call = CallbackCall::PrepareForSyncCompleted { hr: hr.into() };
        // SAFETY: forwarded unchanged.
        self.traced(Ok(call), || unsafe {
            self.manager().PrepareForSyncCompleted(hr)
        })
    }

    unsafe fn SynchronizeCompleted(&self, hr: HRESULT) -> HRESULT {
        let call = CallbackCall::SynchronizeCompleted { hr: hr.into() };
        // SAFETY: forwarded unchanged.
        self.traced(Ok(call), || unsafe {
            self.manager().SynchronizeCompleted(hr)
        })
    }

    unsafe fn ShowErrorCompleted(&self, hr: HRESULT, count: u32, items: *const GUID) -> HRESULT {
        // SAFETY: the handler passes NULL or `count` readable GUIDs.
        let read = unsafe { Incoming::show_error_completed(hr.into(), count, items) };
        self.traced(read.as_ref().map(Incoming::call), || {
            // SAFETY: forwarded unchanged.
            unsafe { self.manager().ShowErrorCompleted(hr, count, items) }
        })
    }

    unsafe fn EnableModeless(&self, enable: i32) -> HRESULT {
        let call = CallbackCall::EnableModeless {
            enable: enable != 0,
        };
        // SAFETY: forwarded unchanged.
        self.traced(Ok(call), || unsafe {
            self.manager().EnableModeless(enable)
        })
    }

    unsafe fn Progress(&self, item: *const GUID, progress: *const SYNCMGRPROGRESSITEM) -> HRESULT {
        // SAFETY: the handler passes NULL or readable arguments (COM's contract).
        let read = unsafe { Incoming::progress(item, progress) };
        self.traced(read.as_ref().map(Incoming::call), || {
            // SAFETY: forwarded unchanged.
            unsafe { self.manager().Progress(item, progress) }
        })
    }

    unsafe fn LogError(
        &self,
        level: u32,
        text: *const u16,
        info: *const SYNCMGRLOGERRORINFO,
    ) -> HRESULT {
        // SAFETY: the handler passes NULL or readable arguments (COM's contract).
        let read = unsafe { Incoming::log_error(level, text, info) };
        self.traced(read.as_ref().map(Incoming::call), || {
            // SAFETY: forwarded unchanged.
            unsafe { self.manager().LogError(level, text, info) }
        })
    }

    unsafe fn DeleteLogError(&self, error: *const GUID, reserved: u32) -> HRESULT {
        // SAFETY: the handler passes NULL or a readable GUID.
        let read = unsafe { Incoming::delete_log_error(error, reserved) };
        self.traced(read.as_ref().map(Incoming::call), || {
            // SAFETY: forwarded unchanged.
            unsafe { self.manager().DeleteLogError(error, reserved) }
        })
    }

    unsafe fn EstablishConnection(&self, name: *const u16, reserved: u32) -> HRESULT {
        // SAFETY: the handler passes NULL or a NUL-terminated name.
        let read = unsafe { Incoming::establish_connection(name, reserved) };
        self.traced(read.as_ref().map(Incoming::call), || {
            // SAFETY: forwarded unchanged.
            unsafe { self.manager().EstablishConnection(name, reserved) }
        })
    }
}
