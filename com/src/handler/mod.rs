//! [`Handler`]: a [`SyncHandler`] as a guarded `ISyncMgrSynchronize` object. The decisions common
//! to every call are here; each method's own steps are in `calls`.

mod calls;

use core::ffi::c_void;
use std::any::Any;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use mobsync::sim::{Callback, HandlerDescription, ItemInfo, SyncHandler};
use mobsync::{
    Config, ErrorId, Event, EventKind, Fault, HResult, HandlerInfo, ItemId, Method, Rule,
    SyncMgrFlags, SyncMgrItem,
};
use windows_core::{GUID, HRESULT, Interface, implement};

use crate::abi::size::SYNCMGRHANDLERINFO_SIZE;
use crate::abi::{
    HICON, HWND, ISyncMgrEnumItems, ISyncMgrSynchronize, ISyncMgrSynchronize_Impl,
    MAX_SYNCMGRHANDLERNAME, SYNCMGRHANDLERINFO,
};
use crate::alloc::task_alloc;
use crate::enumerator::ItemEnumerator;
use crate::factory::ObjectCount;
use crate::guard::{Core, GuardedSink, Inside, Manager, trace_line};
use crate::incoming;
use crate::journal::Journal;
use crate::lock::Exclusive;
use crate::wide::fill_fixed;
use crate::{entry, hr};

thread_local! {
    /// The `hWndParent` of the call in progress on this thread ([`parent_window`]).
    static PARENT: Cell<usize> = const { Cell::new(0) };
}

/// The `hWndParent` the manager passed to the call in progress on this thread — PrepareForSync,
/// Synchronize, ShowProperties or ShowError — for the handler's own UI (NULL outside those
/// calls, and under the simulator, which has no windows).
///
/// ```
/// assert!(mobsync_com::parent_window().0.is_null());
/// ```
#[must_use]
pub fn parent_window() -> HWND {
    HWND(core::ptr::without_provenance_mut(PARENT.with(Cell::get)))
}

/// Sets [`parent_window`] until dropped.
struct Parent(usize);

impl Parent {
    fn set(window: HWND) -> Self {
        Self(PARENT.with(|parent| parent.replace(window.addr())))
    }
}

impl Drop for Parent {
    fn drop(&mut self) {
        PARENT.with(|parent| parent.set(self.0));
    }
}

/// How a [`Handler`] checks and where it records: the engine's [`Config`] (profile and limits)
/// and the [`Journal`].
///
/// ```
/// use mobsync::{Config, Profile};
/// use mobsync_com::{Journal, Options};
///
/// let journal = Journal::new();
/// let options = Options::default()
///     .config(Config::default().profile(Profile::Compatible))
///     .journal(journal.clone());
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default)]
pub struct Options {
    config: Config,
    journal: Journal,
}

impl Options {
    /// Check with this profile and these limits (default: the documented profile).
    #[must_use]
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Record violations in this journal (default: a new one, see [`Handler::journal`]).
    #[must_use]
    pub fn journal(mut self, journal: Journal) -> Self {
        self.journal = journal;
        self
    }
}

/// A [`SyncHandler`] as an `ISyncMgrSynchronize` COM object, guarded by the contract.
///
/// - **Every call in is decided by the engine first.** A call outside its window is answered
///   E_UNEXPECTED whatever its pointers; then a NULL pointer where the call reads or writes data
///   is E_INVALIDARG (R-COM-PTR); then the contract's argument checks. A refused call never
///   reaches the handler's code; it is recorded in the [`Journal`] as the manager's.
/// - **The handler's answers drive the engine.** What it hands out (handler info, items) is
///   checked before the manager sees it: invalid data is answered with the contract's HRESULT
///   and recorded as the handler's violation; on every failure the out-pointer is NULL
///   (R-COM-OUT). `SYNCMGRHANDLERINFO` comes from the COM task allocator. A call whose answer
///   the contract fixes (GetItemObject, SetProgressCallback, SetItemStatus) is answered as the
///   contract says; a handler answering otherwise is recorded.
/// - **Panics stay inside.** A panic in the handler is caught at the vtable entry and answered
///   E_FAIL (R-COM-PANIC), which the engine then sees as the handler's answer.
/// - **The handler's [`Callback`] is guarded** (see [`crate::guard`]): callable from any thread
///   (R-COM-THREAD), checked before it reaches the manager, and the manager's callback is
///   released when SetProgressCallback(NULL) returns (R-COM-REF).
///
/// The manager calls in from one thread. A call that arrives on the same thread while the
/// handler is still inside another (a message loop inside a handler method lets it in) cannot
/// reach `&mut self`: SetItemStatus is decided at once and delivered to the handler when the
/// outer method returns; GetItemObject is answered E_NOTIMPL as always; any other such call the
/// engine accepts is answered E_UNEXPECTED (the engine sees it as the handler's answer) and
/// recorded under R-COM-THREAD.
///
/// The object is agile (windows-core's default) and so may be called from any thread: `H` must
/// be `Send`, and the handler is behind a lock, which makes the object `Send + Sync`.
///
/// ```
/// use mobsync::sim::{Callback, ItemInfo, SyncHandler};
/// use mobsync::{ErrorId, HResult, ItemId, SyncMgrFlags};
/// use mobsync_com::Handler;
/// use mobsync_com::abi::ISyncMgrSynchronize;
///
/// #[derive(Default)]
/// struct Nothing;
///
/// impl SyncHandler for Nothing {
///     fn initialize(&mut self, _: SyncMgrFlags, _: &[u8]) -> HResult { HResult::S_OK }
///     fn enum_sync_mgr_items(&mut self, _: &mut Vec<ItemInfo>) -> HResult { HResult::S_OK }
///     fn set_progress_callback(&mut self, _: Option<Callback>) -> HResult { HResult::S_OK }
///     fn prepare_for_sync(&mut self, _: &[ItemId]) -> HResult { HResult::S_OK }
///     fn synchronize(&mut self) -> HResult { HResult::S_OK }
///     fn set_item_status(&mut self, _: ItemId, _: u32) -> HResult { HResult::S_OK }
///     fn show_properties(&mut self, _: ItemId) -> HResult { HResult::E_NOTIMPL }
///     fn show_error(&mut self, _: ErrorId) -> HResult { HResult::E_NOTIMPL }
/// }
///
/// let handler = Handler::new(Nothing);
/// let journal = handler.journal().clone();
/// let object: ISyncMgrSynchronize = handler.into();
/// // Synchronize before Initialize: outside its window.
/// let hr = unsafe { object.Synchronize(Default::default()) };
/// assert_eq!(HResult::from(hr), HResult::E_UNEXPECTED);
/// assert_eq!(journal.len(), 1);
/// ```
#[implement(ISyncMgrSynchronize)]
pub struct Handler<H>
where
    H: SyncHandler + Send + 'static,
{
    /// The handler; its holder is the thread inside a call of its code.
    handler: Exclusive<H>,
    core: Arc<Core>,
    /// SetItemStatus calls that came in while the handler was inside another call on the same
    /// thread, to deliver when that call returns.
    pending: Mutex<Vec<(ItemId, u32)>>,
    /// `pending` is not empty (read without its lock on every call).
    has_pending: AtomicBool,
    _count: ObjectCount,
}

/// How a call into the handler's code ended.
enum Outcome<R> {
    Returned(R),
    /// The handler panicked (recorded).
    Panicked,
    /// This thread is already inside a call of this object.
    Reentrant,
}

/// A panic's message, when it is a string.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(not a string)")
}

/// Writes NULL to an out-pointer, if there is one.
///
/// # Safety
///
/// `out` is NULL or points to a writable pointer.
unsafe fn clear<T>(out: *mut *mut T) {
    if !out.is_null() {
        // SAFETY: the caller guarantees a non-NULL `out` is writable.
        unsafe { out.write_unaligned(core::ptr::null_mut()) };
    }
}

impl<H: SyncHandler + Send + 'static> Handler<H> {
    /// Guards `handler` with the documented profile and a new journal.
    pub fn new(handler: H) -> Self {
        Self::with_options(handler, Options::default())
    }

    /// Guards `handler` as `options` say.
    pub fn with_options(handler: H, options: Options) -> Self {
        Self {
            handler: Exclusive::new(handler),
            core: Arc::new(Core::new(options.config, options.journal)),
            pending: Mutex::new(Vec::new()),
            has_pending: AtomicBool::new(false),
            _count: ObjectCount::new(),
        }
    }

    /// The journal this object records its violations in.
    #[must_use]
    pub fn journal(&self) -> &Journal {
        &self.core.journal
    }

    /// Runs `inspect` on the handler, waiting while a call is inside it; `None` when called from
    /// inside one of the handler's own methods.
    pub fn inspect<R>(&self, inspect: impl FnOnce(&H) -> R) -> Option<R> {
        self.handler.enter().map(|handler| inspect(&handler))
    }

    /// Runs `read` on the engine's state of this object (for tests and diagnostics).
    pub fn engine<R>(&self, read: impl FnOnce(&mobsync::Instance) -> R) -> R {
        read(&self.core.lock().engine)
    }

    /// Calls the handler's code for `method` (the event kind whose rule it answers to), catching
    /// a panic (R-COM-PANIC), then delivers the SetItemStatus calls that came in meanwhile.
    fn run<R>(&self, method: EventKind, call: impl FnOnce(&mut H) -> R) -> Outcome<R> {
        let Some(mut handler) = self.handler.enter() else {
            return Outcome::Reentrant;
        };
        let _inside = Inside::enter();
        let outcome = match catch_unwind(AssertUnwindSafe(|| call(&mut handler))) {
            Ok(value) => Outcome::Returned(value),
            Err(payload) => {
                self.panicked(method, payload.as_ref());
                Outcome::Panicked
            }
        };
        while self.has_pending.load(Ordering::Acquire) {
            let next = {
                let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
                let next = (!pending.is_empty()).then(|| pending.remove(0));
                self.has_pending
                    .store(!pending.is_empty(), Ordering::Release);
                next
            };
            let Some((item, status)) = next else { break };
            let answer = catch_unwind(AssertUnwindSafe(|| handler.set_item_status(item, status)));
            match answer {
                Ok(answer) => self.fixed_answer(&Event::SetItemStatus { item, status }, answer),
                Err(payload) => self.panicked(EventKind::SetItemStatus, payload.as_ref()),
            }
        }
        outcome
    }

    #[cold]
    #[inline(never)]
    fn panicked(&self, method: EventKind, payload: &(dyn Any + Send)) {
        self.core.record(
            Fault::Handler,
            Rule::ComPanic,
            HResult::E_FAIL,
            format!(
                "R-COM-PANIC: the handler panicked in {method}: {}; answered E_FAIL",
                panic_message(payload)
            ),
            method.name().to_owned(),
        );
    }

    /// A re-entrant call other than SetItemStatus: answered E_UNEXPECTED, recorded.
    #[cold]
    #[inline(never)]
    fn reentrant(&self, method: EventKind) -> HRESULT {
        self.core.record(
            Fault::Manager,
            Rule::ComThread,
            HResult::E_UNEXPECTED,
            format!(
                "R-COM-THREAD: {method} came in on the manager's thread while the handler was \
                 still inside another call; answered E_UNEXPECTED"
            ),
            method.name().to_owned(),
        );
        hr::E_UNEXPECTED
    }

    /// The handler's answer to a call whose answer the contract fixes (S_OK, or E_NOTIMPL for
    /// GetItemObject): another answer is recorded.
    #[cold]
    #[inline(never)]
    fn fixed_answer(&self, event: &Event<'_>, answer: HResult) {
        let expected = if event.kind() == EventKind::GetItemObject {
            HResult::E_NOTIMPL
        } else {
            HResult::S_OK
        };
        if answer != expected {
            let kind = event.kind();
            let rule = kind.rule();
            self.core.record(
                Fault::Handler,
                rule,
                expected,
                format!("{rule}: {kind} answered {answer}; the contract requires {expected}"),
                trace_line(event, None, Some(answer)),
            );
        }
    }

    /// The engine's decision on `event`; a refusal is recorded.
    fn decide(&self, event: &Event<'_>, text: Option<&str>) -> Result<(), HRESULT> {
        let result = self.core.lock().engine.handle(event);
        result.map(drop).map_err(|err| {
            self.core.refused(&err, event, text);
            err.hresult().into()
        })
    }

    /// The window check (R-COM-PTR's order): `Err` when `event`, with placeholder arguments, is
    /// refused for its window; a refusal for its arguments is left to the real ones.
    fn window(&self, event: &Event<'_>) -> Result<(), HRESULT> {
        match self.core.lock().engine.check(event) {
            Err(err) if err.check() == mobsync::Check::Window => {
                self.core.refused(&err, event, None);
                Err(err.hresult().into())
            }
            _ => Ok(()),
        }
    }

    /// A NULL pointer where the call reads or writes data: E_INVALIDARG, recorded (R-COM-PTR).
    #[cold]
    #[inline(never)]
    fn null_pointer(&self, kind: EventKind, what: &str) -> HRESULT {
        self.core.record(
            Fault::Manager,
            Rule::ComPtr,
            HResult::E_INVALIDARG,
            format!("R-COM-PTR: {kind} with a NULL {what}; answered E_INVALIDARG"),
            kind.name().to_owned(),
        );
        hr::E_INVALIDARG
    }

    /// A call with a separate return (PrepareForSync, Synchronize, ShowProperties, ShowError):
    /// its entry, the handler's code with the parent window set, its return.
    fn call_with_return(
        &self,
        event: &Event<'_>,
        method: Method,
        parent: HWND,
        call: impl FnOnce(&mut H) -> HResult,
    ) -> HRESULT {
        if let Err(hr) = self.decide(event, None) {
            return hr;
        }
        let outcome = {
            let _parent = Parent::set(parent);
            self.run(event.kind(), call)
        };
        let answer = match outcome {
            Outcome::Returned(answer) => answer,
            Outcome::Panicked => HResult::E_FAIL,
            // The entry was accepted but the handler cannot take it: the call fails, which the
            // engine sees as the handler's answer.
            Outcome::Reentrant => {
                let _ = self.reentrant(event.kind());
                HResult::E_UNEXPECTED
            }
        };
        let _ = self.decide(&Event::Return { method, hr: answer }, None);
        answer.into()
    }
}

impl<H: SyncHandler + Send + 'static> ISyncMgrSynchronize_Impl for Handler_Impl<H> {
    unsafe fn Initialize(
        &self,
        reserved: u32,
        flags: u32,
        cookie_size: u32,
        cookie: *const u8,
    ) -> HRESULT {
        entry(|| self.initialize(reserved, flags, cookie_size, cookie))
    }

    unsafe fn GetHandlerInfo(&self, out: *mut *mut SYNCMGRHANDLERINFO) -> HRESULT {
        entry(|| self.get_handler_info(out))
    }

    unsafe fn EnumSyncMgrItems(&self, out: *mut *mut c_void) -> HRESULT {
        entry(|| self.enum_items(out))
    }

    unsafe fn GetItemObject(
        &self,
        item: *const GUID,
        riid: *const GUID,
        ppv: *mut *mut c_void,
    ) -> HRESULT {
        entry(|| self.get_item_object(item, riid, ppv))
    }

    unsafe fn ShowProperties(&self, parent: HWND, item: *const GUID) -> HRESULT {
        entry(|| {
            // SAFETY: `item` is NULL or the caller's REFGUID.
            let id = unsafe { incoming::guid(item) };
            let probe = Event::ShowProperties {
                item: id.map_or(ItemId::NULL, ItemId::from),
            };
            if let Err(hr) = self.window(&probe) {
                return hr;
            }
            if id.is_none() {
                return self.null_pointer(EventKind::ShowProperties, "item id");
            }
            let item = match probe {
                Event::ShowProperties { item } => item,
                _ => ItemId::NULL,
            };
            self.call_with_return(&probe, Method::ShowProperties, parent, |h| {
                h.show_properties(item)
            })
        })
    }

    unsafe fn SetProgressCallback(&self, callback: *mut c_void) -> HRESULT {
        entry(|| self.set_progress_callback(callback))
    }

    unsafe fn PrepareForSync(
        &self,
        count: u32,
        items: *const GUID,
        parent: HWND,
        reserved: u32,
    ) -> HRESULT {
        entry(|| self.prepare_for_sync(count, items, parent, reserved))
    }

    unsafe fn Synchronize(&self, parent: HWND) -> HRESULT {
        entry(|| {
            self.call_with_return(&Event::Synchronize, Method::Synchronize, parent, |h| {
                h.synchronize()
            })
        })
    }

    unsafe fn SetItemStatus(&self, item: *const GUID, status: u32) -> HRESULT {
        // The hot call: no `entry` of its own. The handler's code is caught in `run`, and this
        // crate's own code does not panic (its lints forbid unwraps, panics and unchecked
        // indexing).
        self.set_item_status(item, status)
    }

    unsafe fn ShowError(&self, parent: HWND, error: *const GUID) -> HRESULT {
        entry(|| {
            // SAFETY: `error` is NULL or the caller's REFGUID.
            let id = unsafe { incoming::guid(error) };
            let error = id.map_or(ErrorId::NULL, ErrorId::from);
            let probe = Event::ShowError { error };
            if let Err(hr) = self.window(&probe) {
                return hr;
            }
            if id.is_none() {
                return self.null_pointer(EventKind::ShowError, "error id");
            }
            self.call_with_return(&probe, Method::ShowError, parent, |h| h.show_error(error))
        })
    }
}
