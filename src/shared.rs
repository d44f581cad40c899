//! `SharedInstance`: one [`Instance`] shared by the manager's thread and the handler's workers.
//!
//! Every event goes through one mutex, so all threads get the engine's answers in one linear
//! order (CONTRACT §1). Skip and cancel requests are also published per item in a
//! [`SkipBoard`] of atomics, so a worker asks "was this item asked to skip?" without waiting for
//! the mutex — even while another thread holds it for a long PrepareForSync.
//!
//! The protocol that makes the board safe to read without a lock is in the design manual:
//! [`manual::skip_board`](crate::manual::skip_board).

#[cfg(loom)]
use loom::sync::atomic::{AtomicBool, AtomicU32, Ordering};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use crate::error::Error;
use crate::guid::ItemId;
use crate::machine::{Accepted, Config, Event, Indexed, Instance};

/// Per-item skip flags of one selection, readable from any thread without locking.
///
/// A board belongs to one selection: the next accepted PrepareForSync publishes a new board, and
/// a worker holding the old one keeps reading the old selection's flags.
///
/// ```
/// use mobsync::{Event, HResult, ItemId, Method, SharedInstance, SyncMgrFlags};
///
/// let shared = SharedInstance::new();
/// let a = ItemId::from_u128(0xA);
/// shared.handle(&Event::Initialize { reserved: 0, flags: SyncMgrFlags::from_bits(0x3), answer: HResult::S_OK })?;
/// shared.handle(&Event::SetProgressCallback { bind: true })?;
/// shared.handle(&Event::PrepareForSync { items: &[a], reserved: 0 })?;
/// let board = shared.skip_board(); // a worker takes the board of this pass
/// shared.handle(&Event::Return { method: Method::PrepareForSync, hr: HResult::S_OK })?;
/// shared.handle(&Event::SetItemStatus { item: a, status: 1 })?; // the manager's thread
/// assert!(board.is_skip_requested(a));
/// # Ok::<(), mobsync::Error>(())
/// ```
#[derive(Debug)]
pub struct SkipBoard {
    ids: Indexed<ItemId>,
    flags: Vec<Flags>,
    sweep_at: AtomicU32,
}

#[derive(Debug)]
struct Flags {
    skip: AtomicBool,
    final_at: AtomicU32,
}

impl SkipBoard {
    /// A board for a selection the engine accepted (so `items` has no duplicates).
    fn new(items: &[ItemId]) -> Self {
        let mut ids = Indexed::with_capacity(items.len());
        for &id in items {
            ids.insert_new(id);
        }
        let flags = items
            .iter()
            .map(|_| Flags {
                skip: AtomicBool::new(false),
                final_at: AtomicU32::new(Instance::NEVER),
            })
            .collect();
        Self {
            ids,
            flags,
            sweep_at: AtomicU32::new(Instance::NEVER),
        }
    }

    /// Whether the manager asked to skip or cancel `item` (`false` for an item not in this
    /// board's selection). Lock-free: three atomic loads after an O(1) lookup.
    #[must_use]
    pub fn is_skip_requested(&self, item: ItemId) -> bool {
        let Some(flags) = self.ids.position(item).and_then(|pos| self.flags.get(pos)) else {
            return false;
        };
        // The order of these loads is the protocol of the module docs.
        let sweep_at = self.sweep_at.load(Ordering::Acquire);
        let final_at = flags.final_at.load(Ordering::Acquire);
        flags.skip.load(Ordering::Acquire) || final_at > sweep_at
    }

    /// The items of this board's selection, in selection order.
    #[must_use]
    pub fn items(&self) -> &[ItemId] {
        self.ids.entries()
    }

    /// Mirrors one item and the sweep from the engine (called under the engine's mutex).
    fn mirror(&self, engine: &Instance, item: Option<ItemId>) {
        if let Some((pos, skip, final_at)) = item.and_then(|id| engine.skip_state(id))
            && let Some(flags) = self.flags.get(pos)
        {
            flags.final_at.store(final_at, Ordering::Release);
            if skip {
                flags.skip.store(true, Ordering::Release);
            }
        }
        self.sweep_at.store(engine.sweep_at(), Ordering::Release);
    }
}

#[derive(Debug)]
struct Inner {
    engine: Mutex<Instance>,
    board: RwLock<Arc<SkipBoard>>,
}

/// A thread-safe handle over one [`Instance`]: `Send + Sync`, and cheap to clone (clones share
/// the instance).
///
/// The manager's thread hands its calls to [`SharedInstance::handle`] while worker threads hand
/// their callbacks to it too; every caller gets the engine's answer. Workers check skip and
/// cancel requests with [`SharedInstance::is_skip_requested`] or, without any lock, through the
/// pass's [`SkipBoard`].
///
/// ```
/// use std::thread;
/// use mobsync::{Event, HResult, ItemId, Method, ProgressAnswer, ProgressItem, SharedInstance, SyncMgrFlags, SyncMgrStatus};
///
/// let shared = SharedInstance::new();
/// let a = ItemId::from_u128(0xA);
/// for event in [
///     Event::Initialize { reserved: 0, flags: SyncMgrFlags::from_bits(0x3), answer: HResult::S_OK },
///     Event::SetProgressCallback { bind: true },
///     Event::PrepareForSync { items: &[a], reserved: 0 },
///     Event::PrepareForSyncCompleted { hr: HResult::S_OK },
///     Event::Return { method: Method::PrepareForSync, hr: HResult::S_OK },
///     Event::Synchronize,
/// ] {
///     shared.handle(&event)?;
/// }
/// let worker = {
///     let shared = shared.clone();
///     thread::spawn(move || {
///         let done = ProgressItem::status(SyncMgrStatus::Succeeded);
///         shared.handle(&Event::Progress { item: a, progress: done, answer: ProgressAnswer::Continue })?;
///         shared.handle(&Event::SynchronizeCompleted { hr: HResult::S_OK })
///     })
/// };
/// shared.handle(&Event::Return { method: Method::Synchronize, hr: HResult::S_OK })?;
/// worker.join().unwrap()?;
/// assert!(shared.read(|sync| sync.report().is_some_and(|r| r.is_clean())));
/// # Ok::<(), mobsync::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SharedInstance {
    inner: Arc<Inner>,
}

impl Default for SharedInstance {
    fn default() -> Self {
        Self::new()
    }
}

impl SharedInstance {
    /// A new shared instance with the documented profile and default limits.
    ///
    /// ```
    /// # use mobsync::{Life, SharedInstance};
    /// assert_eq!(SharedInstance::new().read(|sync| sync.life()), Life::Created);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::with_config(Config::default())
    }

    /// A new shared instance with this profile and these limits.
    ///
    /// ```
    /// # use mobsync::{Config, Profile, SharedInstance};
    /// let shared = SharedInstance::with_config(Config::default().profile(Profile::Compatible));
    /// assert_eq!(shared.read(|sync| sync.config().profile), Profile::Compatible);
    /// ```
    #[must_use]
    pub fn with_config(config: Config) -> Self {
        Self {
            inner: Arc::new(Inner {
                engine: Mutex::new(Instance::with_config(config)),
                board: RwLock::new(Arc::new(SkipBoard::new(&[]))),
            }),
        }
    }

    fn engine(&self) -> MutexGuard<'_, Instance> {
        // The engine never panics while the lock is held, and a rejected event changes nothing,
        // so the state behind a poisoned lock is consistent.
        self.inner
            .engine
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Answers one event, from any thread, exactly as [`Instance::handle`] does.
    ///
    /// # Errors
    /// As [`Instance::handle`].
    ///
    /// ```
    /// # use mobsync::{Event, HResult, ItemId, SharedInstance};
    /// let shared = SharedInstance::new();
    /// // A COM method body: ISyncMgrSynchronize::SetItemStatus.
    /// let hr: HResult = shared.handle(&Event::SetItemStatus { item: ItemId::from_u128(1), status: 1 }).into();
    /// assert_eq!(hr, HResult::E_UNEXPECTED);
    /// ```
    pub fn handle(&self, event: &Event<'_>) -> Result<Accepted, Error> {
        let mut engine = self.engine();
        let accepted = engine.handle(event)?;
        match *event {
            Event::PrepareForSync { items, .. } => {
                let board = Arc::new(SkipBoard::new(items));
                *self
                    .inner
                    .board
                    .write()
                    .unwrap_or_else(PoisonError::into_inner) = board;
            }
            Event::SetItemStatus { item, .. } | Event::Progress { item, .. } => {
                self.skip_board().mirror(&engine, Some(item));
            }
            _ => {}
        }
        drop(engine);
        Ok(accepted)
    }

    /// What [`SharedInstance::handle`] would answer, without changing anything.
    ///
    /// # Errors
    /// As [`Instance::handle`].
    ///
    /// ```
    /// # use mobsync::{Event, SharedInstance};
    /// assert!(SharedInstance::new().check(&Event::Synchronize).is_err());
    /// ```
    pub fn check(&self, event: &Event<'_>) -> Result<(), Error> {
        self.engine().check(event)
    }

    /// Reads the instance under its lock (keep `f` short: it blocks other threads' events).
    ///
    /// ```
    /// # use mobsync::{Phase, SharedInstance};
    /// assert_eq!(SharedInstance::new().read(|sync| sync.phase()), Phase::Idle);
    /// ```
    pub fn read<R>(&self, f: impl FnOnce(&Instance) -> R) -> R {
        f(&self.engine())
    }

    /// The skip board of the current selection (empty before the first PrepareForSync).
    ///
    /// ```
    /// # use mobsync::SharedInstance;
    /// assert!(SharedInstance::new().skip_board().items().is_empty());
    /// ```
    #[must_use]
    pub fn skip_board(&self) -> Arc<SkipBoard> {
        Arc::clone(
            &self
                .inner
                .board
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Whether the manager asked to skip or cancel `item` in the current selection; never waits
    /// for the engine's mutex.
    ///
    /// ```
    /// # use mobsync::{ItemId, SharedInstance};
    /// assert!(!SharedInstance::new().is_skip_requested(ItemId::from_u128(1)));
    /// ```
    #[must_use]
    pub fn is_skip_requested(&self, item: ItemId) -> bool {
        self.skip_board().is_skip_requested(item)
    }
}

/// Deterministic model check of the flag protocol: `RUSTFLAGS="--cfg loom" cargo test --lib
/// --release loom` explores every interleaving of the engine's writes and a worker's reads.
#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;

    const X: ItemId = ItemId::from_u128(0xA);

    /// The item becomes final (epoch 1), then a cancel-all sweeps at epoch 1: the engine never
    /// answers "skip" for it, at any moment, so no reader may.
    #[test]
    fn loom_a_sweep_after_finality_is_never_seen_as_a_skip() {
        loom::model(|| {
            let board = Arc::new(SkipBoard::new(&[X]));
            let writer = {
                let board = Arc::clone(&board);
                loom::thread::spawn(move || {
                    let flags = board.flags.first().unwrap();
                    flags.final_at.store(1, Ordering::Release);
                    board.sweep_at.store(1, Ordering::Release);
                })
            };
            assert!(!board.is_skip_requested(X));
            writer.join().unwrap();
            assert!(!board.is_skip_requested(X));
        });
    }

    /// A sweep while the item is not final, then the item finishes: once a reader has seen the
    /// request it never loses it, and after the writer is done every reader sees it.
    #[test]
    fn loom_a_skip_request_once_published_is_never_lost() {
        loom::model(|| {
            let board = Arc::new(SkipBoard::new(&[X]));
            let writer = {
                let board = Arc::clone(&board);
                loom::thread::spawn(move || {
                    board.sweep_at.store(0, Ordering::Release);
                    let flags = board.flags.first().unwrap();
                    flags.final_at.store(1, Ordering::Release);
                    flags.skip.store(true, Ordering::Release);
                })
            };
            let first = board.is_skip_requested(X);
            let second = board.is_skip_requested(X);
            assert!(!first || second, "a published request was lost");
            writer.join().unwrap();
            assert!(board.is_skip_requested(X));
        });
    }
}
