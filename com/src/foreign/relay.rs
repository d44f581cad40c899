//! The callback a [`Foreign`](super::Foreign) handler gets: each callback read off the binary
//! interface, checked there and delivered to the simulated manager.

use mobsync::sim::{BoundaryViolation, Callback, CallbackCall};
use windows_core::{GUID, HRESULT, implement};

use crate::abi::{
    ISyncMgrSynchronizeCallback, ISyncMgrSynchronizeCallback_Impl, SYNCMGRLOGERRORINFO,
    SYNCMGRPROGRESSITEM,
};
use crate::entry;
use crate::factory::ObjectCount;
use crate::incoming::{Incoming, Read};

/// The `ISyncMgrSynchronizeCallback` a foreign handler gets: each callback read off the binary
/// interface, checked there (R-COM-PTR, R-COM-SIZE, R-COM-STR) and delivered to the simulated
/// manager's [`Callback`].
#[implement(ISyncMgrSynchronizeCallback)]
pub(super) struct Relay {
    pub(super) callback: Callback,
    pub(super) _count: ObjectCount,
}

impl Relay {
    fn deliver(&self, call: &CallbackCall<'_>) -> HRESULT {
        self.callback.call(call).into()
    }

    /// Delivers a callback read off the interface; one that broke the boundary is reported and
    /// answered its verdict, and not delivered.
    fn read(&self, read: Read) -> HRESULT {
        match read {
            Ok(incoming) => self.deliver(&incoming.call()),
            Err(violation) => self.refuse(violation),
        }
    }

    fn refuse(&self, violation: BoundaryViolation) -> HRESULT {
        let verdict = violation.verdict;
        self.callback.report(violation);
        verdict.into()
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
        // SAFETY: the handler passes NULL or `count` readable GUIDs.
        entry(|| self.read(unsafe { Incoming::show_error_completed(hr.into(), count, items) }))
    }

    unsafe fn EnableModeless(&self, enable: i32) -> HRESULT {
        entry(|| {
            self.deliver(&CallbackCall::EnableModeless {
                enable: enable != 0,
            })
        })
    }

    unsafe fn Progress(&self, item: *const GUID, progress: *const SYNCMGRPROGRESSITEM) -> HRESULT {
        // SAFETY: the handler passes NULL or readable arguments (COM's contract).
        entry(|| self.read(unsafe { Incoming::progress(item, progress) }))
    }

    unsafe fn LogError(
        &self,
        level: u32,
        text: *const u16,
        info: *const SYNCMGRLOGERRORINFO,
    ) -> HRESULT {
        // SAFETY: the handler passes NULL or readable arguments (COM's contract).
        entry(|| self.read(unsafe { Incoming::log_error(level, text, info) }))
    }

    unsafe fn DeleteLogError(&self, error: *const GUID, reserved: u32) -> HRESULT {
        // SAFETY: the handler passes NULL or a readable GUID.
        entry(|| self.read(unsafe { Incoming::delete_log_error(error, reserved) }))
    }

    unsafe fn EstablishConnection(&self, name: *const u16, reserved: u32) -> HRESULT {
        // SAFETY: the handler passes NULL or a NUL-terminated name.
        entry(|| self.read(unsafe { Incoming::establish_connection(name, reserved) }))
    }
}
