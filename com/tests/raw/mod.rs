//! An independent raw COM manager and raw COM handlers for the Windows Synchronization
//! Manager handler contract (`mobsync.h`), written from Microsoft's documentation and
//! mingw-w64's header only, on windows-core 0.100's `#[interface]` / `#[implement]`.
//!
//! Include from a test binary with `#[path = "raw/mod.rs"] mod raw;`. Depends on
//! `windows-core` 0.100 and `std` only.
//!
//! - [`abi`]: our declarations of the interfaces, structs and constants.
//! - [`alloc`]: the COM task allocator (CoTaskMem* on Windows, malloc/free elsewhere).
//! - [`manager`]: a raw manager ([`manager::RawManager`], [`manager::RawScript`],
//!   [`manager::RawReport`]) and its callback object.
//! - [`handlers`]: a conformant handler and one handler per defect.
//! - [`alive`]: live-object counters for every object of this folder.
//!
//! ```ignore
//! #[path = "raw/mod.rs"]
//! mod raw;
//! use raw::{abi::*, handlers::*, manager::*};
//!
//! // Our manager against any handler (here one of ours):
//! let h: ISyncMgrSynchronize = RawHandler::conformant();
//! let script = RawScript::default()
//!     .skip(SkipWindow::B, ITEM_CALENDAR)
//!     .answer_progress(ITEM_MAIL, 2, S_SYNCMGR_CANCELITEM);
//! let report = RawManager::run(&h, &script);
//! assert!(report.is_clean(), "{}", report.dump());
//! drop(h);
//! raw::alive::wait_all_released(std::time::Duration::from_secs(5)).unwrap();
//! ```

#![allow(dead_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod abi;
pub mod alloc;
pub mod handlers;
pub mod manager;

use windows_core::HRESULT;

/// Runs `f`, turning a panic into `E_FAIL`, so that no panic crosses a vtable.
pub fn catch(f: impl FnOnce() -> HRESULT) -> HRESULT {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(hr) => hr,
        Err(_) => abi::E_FAIL,
    }
}

/// A value that may be moved to and shared with other threads although its type does not say
/// so: used for interface pointers (windows-core's interface types are neither `Send` nor
/// `Sync`) whose objects are free-threaded.
pub struct AnyThread<T>(pub T);

// SAFETY: only used for interface pointers to ISyncMgrSynchronizeCallback objects, whose
// methods Microsoft documents as callable "on any thread" by the handler, and for the objects
// of this folder, which are all internally synchronised (`#[implement]` makes them agile) and
// whose AddRef/Release are atomic.
unsafe impl<T> Send for AnyThread<T> {}
// SAFETY: as above: the wrapped objects accept concurrent calls from several threads.
unsafe impl<T> Sync for AnyThread<T> {}

/// Live-object counters: every handler, enumerator, class factory and manager callback of
/// this folder counts itself here from creation to destruction, and every handler worker
/// thread while it runs, so that a test can assert that nothing is left alive at its end.
///
/// The counters are process-wide: tests that assert zero must not run concurrently with other
/// tests that create these objects (serialise them, e.g. with a static mutex).
pub mod alive {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    pub static HANDLERS: AtomicUsize = AtomicUsize::new(0);
    pub static ENUMERATORS: AtomicUsize = AtomicUsize::new(0);
    pub static CALLBACKS: AtomicUsize = AtomicUsize::new(0);
    pub static FACTORIES: AtomicUsize = AtomicUsize::new(0);
    pub static WORKERS: AtomicUsize = AtomicUsize::new(0);

    /// Counts one live object (or thread) from `new` until it is dropped.
    pub struct Token(&'static AtomicUsize);

    impl Token {
        pub fn new(counter: &'static AtomicUsize) -> Self {
            counter.fetch_add(1, Ordering::SeqCst);
            Token(counter)
        }
    }

    impl Drop for Token {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// A snapshot of every counter.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Counts {
        pub handlers: usize,
        pub enumerators: usize,
        pub callbacks: usize,
        pub factories: usize,
        pub workers: usize,
    }

    impl Counts {
        pub fn total(&self) -> usize {
            self.handlers + self.enumerators + self.callbacks + self.factories + self.workers
        }
    }

    pub fn counts() -> Counts {
        Counts {
            handlers: HANDLERS.load(Ordering::SeqCst),
            enumerators: ENUMERATORS.load(Ordering::SeqCst),
            callbacks: CALLBACKS.load(Ordering::SeqCst),
            factories: FACTORIES.load(Ordering::SeqCst),
            workers: WORKERS.load(Ordering::SeqCst),
        }
    }

    pub fn handlers() -> usize {
        HANDLERS.load(Ordering::SeqCst)
    }
    pub fn enumerators() -> usize {
        ENUMERATORS.load(Ordering::SeqCst)
    }
    pub fn callbacks() -> usize {
        CALLBACKS.load(Ordering::SeqCst)
    }
    pub fn factories() -> usize {
        FACTORIES.load(Ordering::SeqCst)
    }
    pub fn workers() -> usize {
        WORKERS.load(Ordering::SeqCst)
    }

    /// Waits (bounded) until every counter is zero; answers the last snapshot on timeout.
    /// Handler worker threads may still hold their handler for a moment after a run, so a
    /// test waits here rather than asserting at once.
    pub fn wait_all_released(timeout: Duration) -> Result<(), Counts> {
        let deadline = Instant::now() + timeout;
        loop {
            let c = counts();
            if c.total() == 0 {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(c);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}
