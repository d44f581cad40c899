//! What the COM tests share: the raw manager and handlers (written from Microsoft's
//! documentation alone, in `raw/`), the bridge from this crate's interface types to theirs, and
//! the lock that keeps object-counting tests apart.

#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use windows_core::{GUID, Interface};

use super::raw;

/// The process-wide object counters (ours and the raw folder's) are shared by every test of a
/// binary: tests that count hold this lock.
static COUNTING: Mutex<()> = Mutex::new(());

pub fn counting() -> MutexGuard<'static, ()> {
    COUNTING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Our `ISyncMgrSynchronize` as the raw folder's type: the same object, the same vtable.
pub fn as_raw(object: mobsync_com::abi::ISyncMgrSynchronize) -> raw::abi::ISyncMgrSynchronize {
    // SAFETY: both types declare the interface {6295DF40-…} with the same vtable; the reference
    // moves from one wrapper to the other.
    unsafe { raw::abi::ISyncMgrSynchronize::from_raw(object.into_raw()) }
}

/// Waits (bounded) until no object of ours or of the raw folder is alive: worker threads may
/// hold a handler's callback for a moment after a run.
#[track_caller]
pub fn assert_all_released() {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let ours = mobsync_com::factory::live_objects();
        let theirs = raw::alive::counts();
        if ours == 0 && theirs.total() == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "objects still alive: {ours} of mobsync-com, {theirs:?} of the raw folder"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

pub fn guid(id: mobsync::ItemId) -> GUID {
    GUID::from(id)
}

pub mod handler;
pub mod recorder;

pub mod session {
    //! One guarded handler driven call by call through the raw folder's declarations.

    use std::sync::{Arc, Mutex};

    use mobsync::{Config, ItemId};
    use mobsync_com::{Handler, Journal, Options};
    use windows_core::{ComObject, GUID, HRESULT, IUnknown, Interface};

    use super::handler::{Behaviour, Seen, TestHandler};
    use super::raw::abi::{HWND, ISyncMgrEnumItems, ISyncMgrSynchronize, SYNCMGRHANDLERINFO};
    use super::recorder::{Answers, Got, Recorder, raw_pointer};

    pub struct Session {
        pub object: ISyncMgrSynchronize,
        pub journal: Journal,
        pub seen: Arc<Mutex<Seen>>,
        pub recorder: ComObject<Recorder>,
        pub got: Arc<Mutex<Vec<Got>>>,
    }

    pub const NO_WINDOW: HWND = core::ptr::null_mut();

    impl Session {
        pub fn new(behaviour: Behaviour) -> Self {
            Self::with(behaviour, Config::default(), Answers::default())
        }

        pub fn with(behaviour: Behaviour, config: Config, answers: Answers) -> Self {
            let (handler, seen) = TestHandler::new(behaviour);
            let journal = Journal::new();
            let options = Options::default().config(config).journal(journal.clone());
            let object = super::as_raw(Handler::with_options(handler, options).into());
            let (recorder, got) = Recorder::new(answers);
            Self {
                object,
                journal,
                seen,
                recorder,
                got,
            }
        }

        pub fn initialize(&self) -> HRESULT {
            // SAFETY: no cookie.
            unsafe { self.object.Initialize(0, 0x203, 0, core::ptr::null()) }
        }

        pub fn enumerate(&self) -> (HRESULT, Option<ISyncMgrEnumItems>) {
            let mut out = core::ptr::null_mut();
            // SAFETY: a writable out-pointer.
            let hr = unsafe { self.object.EnumSyncMgrItems(&mut out) };
            // SAFETY: NULL or one reference to an enumerator.
            let enumerator = (!out.is_null()).then(|| unsafe { ISyncMgrEnumItems::from_raw(out) });
            (hr, enumerator)
        }

        pub fn handler_info(&self) -> (HRESULT, *mut SYNCMGRHANDLERINFO) {
            let mut out = super::sentinel();
            // SAFETY: a writable out-pointer.
            let hr = unsafe { self.object.GetHandlerInfo(&mut out) };
            (hr, out)
        }

        pub fn bind(&self) -> HRESULT {
            // SAFETY: the recorder is alive for the session.
            unsafe { self.object.SetProgressCallback(raw_pointer(&self.recorder)) }
        }

        pub fn unbind(&self) -> HRESULT {
            // SAFETY: NULL releases the callback.
            unsafe { self.object.SetProgressCallback(core::ptr::null_mut()) }
        }

        /// Initialize, enumerate, bind.
        pub fn ready(&self) {
            assert_eq!(self.initialize(), HRESULT(0));
            assert_eq!(self.enumerate().0, HRESULT(0));
            assert_eq!(self.bind(), HRESULT(0));
        }

        pub fn prepare(&self, items: &[ItemId]) -> HRESULT {
            let ids: Vec<GUID> = items.iter().map(|&i| GUID::from(i)).collect();
            // SAFETY: `ids` holds the items.
            unsafe {
                self.object
                    .PrepareForSync(ids.len() as u32, ids.as_ptr(), NO_WINDOW, 0)
            }
        }

        pub fn synchronize(&self) -> HRESULT {
            // SAFETY: no pointers.
            unsafe { self.object.Synchronize(NO_WINDOW) }
        }

        pub fn set_item_status(&self, item: ItemId, status: u32) -> HRESULT {
            let id = GUID::from(item);
            // SAFETY: a GUID.
            unsafe { self.object.SetItemStatus(&id, status) }
        }

        /// The methods the handler's code ran.
        pub fn calls(&self) -> Vec<String> {
            self.seen.lock().unwrap().calls.clone()
        }

        pub fn got(&self) -> Vec<Got> {
            self.got.lock().unwrap().clone()
        }

        /// The recorder's reference count (an AddRef/Release pair around the read).
        pub fn recorder_refs(&self) -> u32 {
            refcount(&self.recorder.to_interface::<IUnknown>()) - 1
        }
    }

    /// The reference count of `object`, the caller's reference included.
    pub fn refcount(object: &IUnknown) -> u32 {
        // SAFETY: AddRef and Release on a live interface, balanced.
        unsafe {
            let vtable = object.vtable();
            (vtable.AddRef)(object.as_raw());
            (vtable.Release)(object.as_raw())
        }
    }
}

/// A unique address to pre-fill out-pointers with: never dereferenced.
pub fn sentinel<T>() -> *mut T {
    static SENTINEL: u8 = 0;
    (&raw const SENTINEL).cast_mut().cast()
}
