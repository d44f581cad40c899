//! The DLL's side of COM: the class factory, the object and lock counts behind
//! `DllCanUnloadNow`, and [`dll!`](crate::dll), which defines the two entry points.

use core::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};

use windows_core::{GUID, HRESULT, Interface};

use crate::abi::{IClassFactory, ISyncMgrSynchronize};
use crate::{entry, hr};

/// Objects of this crate alive in this module (handlers, enumerators, class factories).
static OBJECTS: AtomicUsize = AtomicUsize::new(0);
/// `IClassFactory::LockServer(TRUE)` calls not yet balanced by `LockServer(FALSE)`.
static LOCKS: AtomicUsize = AtomicUsize::new(0);

/// Counts one live object from its creation to its destruction.
#[derive(Debug)]
pub(crate) struct ObjectCount(());

impl ObjectCount {
    pub(crate) fn new() -> Self {
        OBJECTS.fetch_add(1, Ordering::AcqRel);
        Self(())
    }
}

impl Drop for ObjectCount {
    fn drop(&mut self) {
        OBJECTS.fetch_sub(1, Ordering::AcqRel);
    }
}

/// How many objects of this crate are alive in this module: handlers, item enumerators and
/// class factories. What `DllCanUnloadNow` reads, with [`server_locks`]; a test that ends with
/// every reference released expects 0.
#[must_use]
pub fn live_objects() -> usize {
    OBJECTS.load(Ordering::Acquire)
}

/// How many `LockServer(TRUE)` calls are not yet balanced.
#[must_use]
pub fn server_locks() -> usize {
    LOCKS.load(Ordering::Acquire)
}

/// `DllCanUnloadNow`: S_OK when no object of this module is alive and the server is not locked,
/// else S_FALSE.
pub fn can_unload_now() -> HRESULT {
    if live_objects() == 0 && server_locks() == 0 {
        hr::S_OK
    } else {
        hr::S_FALSE
    }
}

pub use object::ClassFactory;

/// The class factory object (windows-core's `#[implement]` generates an undocumented
/// `ClassFactory_Impl` beside it, kept private here).
mod object {
    use core::ffi::c_void;
    use std::sync::atomic::Ordering;

    use windows_core::{GUID, HRESULT, Interface, implement};

    use super::{LOCKS, ObjectCount};
    use crate::abi::{IClassFactory, IClassFactory_Impl, ISyncMgrSynchronize};
    use crate::{entry, hr};

    /// `IClassFactory` for one handler class: `CreateInstance` makes a new guarded handler object
    /// for every call; aggregation is refused with CLASS_E_NOAGGREGATION.
    #[implement(IClassFactory)]
    pub struct ClassFactory {
        create: Create,
        _count: ObjectCount,
    }

    /// How a factory makes its objects.
    #[derive(Clone, Copy)]
    enum Create {
        Always(fn() -> ISyncMgrSynchronize),
        Fallible(fn() -> Result<ISyncMgrSynchronize, HRESULT>),
    }

    impl ClassFactory {
        /// A factory whose objects `create` makes (a new one for every `CreateInstance`).
        #[must_use]
        pub fn new(create: fn() -> ISyncMgrSynchronize) -> Self {
            Self {
                create: Create::Always(create),
                _count: ObjectCount::new(),
            }
        }

        /// A factory whose objects `create` makes or fails to make: its error is
        /// `CreateInstance`'s answer (a proxy whose real handler is not registered answers
        /// `REGDB_E_CLASSNOTREG`, say).
        #[must_use]
        pub fn fallible(create: fn() -> Result<ISyncMgrSynchronize, HRESULT>) -> Self {
            Self {
                create: Create::Fallible(create),
                _count: ObjectCount::new(),
            }
        }
    }

    impl IClassFactory_Impl for ClassFactory_Impl {
        unsafe fn CreateInstance(
            &self,
            outer: *mut c_void,
            riid: *const GUID,
            out: *mut *mut c_void,
        ) -> HRESULT {
            entry(|| {
                if out.is_null() {
                    return hr::E_INVALIDARG;
                }
                // SAFETY: `out` is a non-NULL out-pointer: NULL unless an object is handed out.
                unsafe { out.write_unaligned(core::ptr::null_mut()) };
                if !outer.is_null() {
                    return hr::CLASS_E_NOAGGREGATION;
                }
                if riid.is_null() {
                    return hr::E_INVALIDARG;
                }
                let object = match self.create {
                    Create::Always(create) => create(),
                    Create::Fallible(create) => match create() {
                        Ok(object) => object,
                        Err(error) if error.is_err() => return error,
                        Err(_) => return hr::E_FAIL,
                    },
                };
                // SAFETY: `riid` is the caller's IID and `out` its out-pointer; QueryInterface
                // writes NULL or an AddRef'd interface there. `object`'s own reference is released
                // when it drops.
                unsafe { object.query(riid, out) }
            })
        }

        unsafe fn LockServer(&self, lock: i32) -> HRESULT {
            if lock != 0 {
                LOCKS.fetch_add(1, Ordering::AcqRel);
            } else {
                // Unbalanced unlocks do not wrap around.
                let _ = LOCKS.fetch_update(Ordering::AcqRel, Ordering::Acquire, |locks| {
                    locks.checked_sub(1)
                });
            }
            hr::S_OK
        }
    }
}

/// `DllGetClassObject` for one class: the class factory for `clsid`, as the interface `riid`
/// (IClassFactory or IUnknown); CLASS_E_CLASSNOTAVAILABLE for another class. What [`dll!`]
/// defines its export with.
///
/// # Safety
///
/// `rclsid` and `riid` are NULL or point to readable GUIDs; `ppv` is NULL or points to a
/// writable pointer.
///
/// [`dll!`]: crate::dll
pub unsafe fn get_class_object(
    clsid: &GUID,
    rclsid: *const GUID,
    riid: *const GUID,
    ppv: *mut *mut c_void,
    create: fn() -> ISyncMgrSynchronize,
) -> HRESULT {
    // SAFETY: the caller's contract, forwarded.
    unsafe { serve(clsid, rclsid, riid, ppv, || ClassFactory::new(create)) }
}

/// [`get_class_object`] for a class whose objects may fail to be made: `create`'s error is
/// `CreateInstance`'s answer. What [`dll!`]'s `try_create:` defines its export with.
///
/// # Safety
///
/// As [`get_class_object`].
///
/// [`dll!`]: crate::dll
pub unsafe fn try_get_class_object(
    clsid: &GUID,
    rclsid: *const GUID,
    riid: *const GUID,
    ppv: *mut *mut c_void,
    create: fn() -> Result<ISyncMgrSynchronize, HRESULT>,
) -> HRESULT {
    // SAFETY: the caller's contract, forwarded.
    unsafe { serve(clsid, rclsid, riid, ppv, || ClassFactory::fallible(create)) }
}

/// `DllGetClassObject`'s body, for the factory `factory` makes.
///
/// # Safety
///
/// As [`get_class_object`].
unsafe fn serve(
    clsid: &GUID,
    rclsid: *const GUID,
    riid: *const GUID,
    ppv: *mut *mut c_void,
    factory: impl FnOnce() -> ClassFactory,
) -> HRESULT {
    entry(|| {
        if ppv.is_null() {
            return hr::E_INVALIDARG;
        }
        // SAFETY: the caller guarantees `ppv` is writable; NULL unless a factory is handed out.
        unsafe { ppv.write_unaligned(core::ptr::null_mut()) };
        if rclsid.is_null() || riid.is_null() {
            return hr::E_INVALIDARG;
        }
        // SAFETY: the caller guarantees a non-NULL `rclsid` is readable.
        let requested = unsafe { rclsid.read_unaligned() };
        if requested != *clsid {
            return hr::CLASS_E_CLASSNOTAVAILABLE;
        }
        let factory: IClassFactory = factory().into();
        // SAFETY: as in CreateInstance: QueryInterface writes NULL or an AddRef'd interface.
        unsafe { factory.query(riid, ppv) }
    })
}

/// Defines a handler DLL's COM entry points for one handler class: its CLSID and how to make
/// one object.
///
/// ```ignore
/// // In a crate with `crate-type = ["cdylib"]`:
/// use mobsync_com::{Handler, windows_core::GUID};
///
/// const CLSID_MIRROR: GUID = GUID::from_u128(0x8f5a2c1e_0d4b_4e7a_9c3f_2b6d8e1a4c70);
///
/// mobsync_com::dll!(clsid: CLSID_MIRROR, create: || Handler::new(Mirror::default()));
/// ```
///
/// - `create: f` — `f()` is called once per `CreateInstance`; it may return a
///   [`Handler`](crate::Handler) or any value that converts into `ISyncMgrSynchronize`.
/// - `try_create: f` instead — `f()` answers `Result<T, HRESULT>`; its error is
///   `CreateInstance`'s answer (a proxy DLL whose real handler cannot be created, say).
/// - `register: "Name"`, optional, after either — also defines `DllRegisterServer` and
///   `DllUnregisterServer`, which write and remove the keys of CONTRACT §9 for
///   the DLL's own path, apartment-threaded, shown as `Name`
///   ([`register::Registration::install`](crate::register::Registration::install)): what
///   `regsvr32 handler.dll` and `regsvr32 /u handler.dll` call (off Windows they answer
///   E_NOTIMPL).
///
/// The macro defines `DllGetClassObject` and `DllCanUnloadNow` (and the two registration
/// entry points if asked), nothing else.
#[macro_export]
macro_rules! dll {
    (clsid: $clsid:expr, create: $create:expr $(, register: $name:expr)? $(,)?) => {
        $crate::dll!(@define $clsid, get_class_object,
            $crate::abi::ISyncMgrSynchronize,
            { ::core::convert::Into::into(($create)()) } $(, $name)?);
    };
    (clsid: $clsid:expr, try_create: $create:expr $(, register: $name:expr)? $(,)?) => {
        $crate::dll!(@define $clsid, try_get_class_object,
            ::core::result::Result<$crate::abi::ISyncMgrSynchronize, $crate::windows_core::HRESULT>,
            { ($create)().map(::core::convert::Into::into) } $(, $name)?);
    };
    (@define $clsid:expr, $serve:ident, $made:ty, { $($make:tt)* }) => {
        /// The handler class's factory (COM's in-process server entry point).
        ///
        /// # Safety
        ///
        /// COM's contract: the pointers are NULL or valid.
        #[unsafe(no_mangle)]
        pub unsafe extern "system" fn DllGetClassObject(
            rclsid: *const $crate::windows_core::GUID,
            riid: *const $crate::windows_core::GUID,
            ppv: *mut *mut ::core::ffi::c_void,
        ) -> $crate::windows_core::HRESULT {
            // Named so as not to shadow the caller's items: `clsid: CLSID, create: create`
            // must name the caller's constant and function.
            fn __mobsync_create() -> $made {
                $($make)*
            }
            const __MOBSYNC_CLSID: $crate::windows_core::GUID = $clsid;
            // SAFETY: forwarded from COM's contract for DllGetClassObject, which this function's
            // caller upholds.
            unsafe {
                $crate::factory::$serve(&__MOBSYNC_CLSID, rclsid, riid, ppv, __mobsync_create)
            }
        }

        /// Whether the module may be unloaded (COM's in-process server entry point).
        #[unsafe(no_mangle)]
        pub extern "system" fn DllCanUnloadNow() -> $crate::windows_core::HRESULT {
            $crate::factory::can_unload_now()
        }
    };
    (@define $clsid:expr, $serve:ident, $made:ty, { $($make:tt)* }, $name:expr) => {
        $crate::dll!(@define $clsid, $serve, $made, { $($make)* });

        /// Registers the handler class for this DLL's path (what `regsvr32` calls; E_NOTIMPL
        /// off Windows).
        #[unsafe(no_mangle)]
        pub extern "system" fn DllRegisterServer() -> $crate::windows_core::HRESULT {
            let here: extern "system" fn() -> $crate::windows_core::HRESULT = DllRegisterServer;
            $crate::register::register_server(&$clsid, $name, here as *const ::core::ffi::c_void)
        }

        /// Removes the handler class's registration (what `regsvr32 /u` calls; E_NOTIMPL off
        /// Windows).
        #[unsafe(no_mangle)]
        pub extern "system" fn DllUnregisterServer() -> $crate::windows_core::HRESULT {
            $crate::register::unregister_server(&$clsid)
        }
    };
}
