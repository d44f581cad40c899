//! A manager's callback for tests that drive a handler call by call: it records every callback
//! as it read it through the raw folder's declarations (strings decoded unit by unit, never with
//! `wcslen`) and answers as told.

use core::ffi::c_void;
use std::sync::{Arc, Mutex};

use windows_core::{ComObject, GUID, HRESULT, Interface, implement};

use super::raw::abi::{
    ISyncMgrSynchronizeCallback, ISyncMgrSynchronizeCallback_Impl, SYNCMGRLOGERRORINFO,
    SYNCMGRPROGRESSITEM,
};

/// One callback as the manager read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Got {
    Completed(&'static str, HRESULT),
    ShowErrorCompleted(HRESULT, Vec<GUID>),
    EnableModeless(i32),
    Progress {
        item: GUID,
        size: u32,
        mask: u32,
        text: Option<Vec<u16>>,
        status: u32,
        value: i32,
        max: i32,
    },
    LogError {
        level: u32,
        text: Vec<u16>,
        size: u32,
        mask: u32,
        error: GUID,
        item: GUID,
    },
    DeleteLogError(GUID, u32),
    EstablishConnection(Option<Vec<u16>>, u32),
}

/// What the recorder answers.
#[derive(Clone, Copy, Debug)]
pub struct Answers {
    pub progress: HRESULT,
    pub modeless: HRESULT,
}

impl Default for Answers {
    fn default() -> Self {
        Self {
            progress: HRESULT(0),
            modeless: HRESULT(0),
        }
    }
}

#[implement(ISyncMgrSynchronizeCallback)]
pub struct Recorder {
    pub got: Arc<Mutex<Vec<Got>>>,
    answers: Answers,
}

/// Reads a NUL-terminated UTF-16 string, unit by unit (at most 70,000 units).
///
/// # Safety
///
/// `ptr` is NULL or NUL-terminated.
unsafe fn units(ptr: *const u16) -> Option<Vec<u16>> {
    if ptr.is_null() {
        return None;
    }
    let mut out = Vec::new();
    for i in 0..70_000 {
        // SAFETY: the string is NUL-terminated and the NUL was not passed yet.
        let unit = unsafe { ptr.wrapping_add(i).read() };
        if unit == 0 {
            break;
        }
        out.push(unit);
    }
    Some(out)
}

impl Recorder {
    /// A recorder as an interface, and what it records.
    pub fn new(answers: Answers) -> (ComObject<Self>, Arc<Mutex<Vec<Got>>>) {
        let got = Arc::new(Mutex::new(Vec::new()));
        let recorder = ComObject::new(Self {
            got: Arc::clone(&got),
            answers,
        });
        (recorder, got)
    }

    fn push(&self, got: Got) {
        self.got.lock().unwrap().push(got);
    }
}

/// The recorder's raw interface pointer (borrowed).
pub fn raw_pointer(recorder: &ComObject<Recorder>) -> *mut c_void {
    recorder
        .as_interface::<ISyncMgrSynchronizeCallback>()
        .as_raw()
}

impl ISyncMgrSynchronizeCallback_Impl for Recorder_Impl {
    unsafe fn ShowPropertiesCompleted(&self, hr: HRESULT) -> HRESULT {
        self.push(Got::Completed("ShowPropertiesCompleted", hr));
        HRESULT(0)
    }
    unsafe fn PrepareForSyncCompleted(&self, hr: HRESULT) -> HRESULT {
        self.push(Got::Completed("PrepareForSyncCompleted", hr));
        HRESULT(0)
    }
    unsafe fn SynchronizeCompleted(&self, hr: HRESULT) -> HRESULT {
        self.push(Got::Completed("SynchronizeCompleted", hr));
        HRESULT(0)
    }
    unsafe fn ShowErrorCompleted(&self, hr: HRESULT, count: u32, items: *const GUID) -> HRESULT {
        let list = (0..count as usize)
            // SAFETY: the handler passes `count` GUIDs.
            .map(|i| unsafe { items.wrapping_add(i).read() })
            .collect();
        self.push(Got::ShowErrorCompleted(hr, list));
        HRESULT(0)
    }
    unsafe fn EnableModeless(&self, enable: i32) -> HRESULT {
        self.push(Got::EnableModeless(enable));
        if enable != 0 {
            self.answers.modeless
        } else {
            HRESULT(0)
        }
    }
    unsafe fn Progress(&self, item: *const GUID, progress: *const SYNCMGRPROGRESSITEM) -> HRESULT {
        // SAFETY: the handler passes a GUID and a progress item.
        let (item, p) = unsafe { (item.read(), progress.read()) };
        // SAFETY: the status text is NULL or NUL-terminated.
        let text = unsafe { units(p.lpcStatusText) };
        self.push(Got::Progress {
            item,
            size: p.cbSize,
            mask: p.mask,
            text,
            status: p.dwStatusType,
            value: p.iProgValue,
            max: p.iMaxValue,
        });
        self.answers.progress
    }
    unsafe fn LogError(
        &self,
        level: u32,
        text: *const u16,
        info: *const SYNCMGRLOGERRORINFO,
    ) -> HRESULT {
        // SAFETY: the text is NUL-terminated and the info readable.
        let (text, info) = unsafe { (units(text).unwrap_or_default(), info.read()) };
        self.push(Got::LogError {
            level,
            text,
            size: info.cbSize,
            mask: info.mask,
            error: info.ErrorID,
            item: info.ItemID,
        });
        HRESULT(0)
    }
    unsafe fn DeleteLogError(&self, error: *const GUID, reserved: u32) -> HRESULT {
        // SAFETY: the handler passes a GUID.
        self.push(Got::DeleteLogError(unsafe { error.read() }, reserved));
        HRESULT(0)
    }
    unsafe fn EstablishConnection(&self, name: *const u16, reserved: u32) -> HRESULT {
        // SAFETY: the name is NULL or NUL-terminated.
        self.push(Got::EstablishConnection(unsafe { units(name) }, reserved));
        HRESULT(0)
    }
}
