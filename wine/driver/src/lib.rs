//! What the Windows test program needs of the real COM runtime (ole32 and kernel32, declared
//! with `windows_core::link!`): apartments, `CoCreateInstance`, the loaded modules and their
//! `DllCanUnloadNow`, and a malloc spy that sees every task-allocator block.
//!
//! A test harness for the Wine job of CI (`wine/run`); `tests/wine.rs` is the test program.

#![allow(non_snake_case, reason = "IMallocSpy's methods keep their COM names")]

use core::ffi::c_void;
use std::sync::{Mutex, PoisonError};

use mobsync_com::abi::{IClassFactory, ISyncMgrSynchronize};
use windows_core::{GUID, HRESULT, IUnknown, IUnknown_Vtbl, Interface, implement, interface};

/// The folder-mirror handler (`com/examples/mirror_dll.rs`).
pub const MIRROR: GUID = GUID::from_u128(0x8f5a2c1e_0d4b_4e7a_9c3f_2b6d8e1a4c70);
/// The tracing proxy DLL.
pub const PROXY: GUID = GUID::from_u128(0x7a1e0c3d_5b2f_4c8e_9d01_3e5f7a9b1c2d);
/// The broken DLL's class `n` (0: conformant; see `wine/broken`).
#[must_use]
pub const fn broken(n: u128) -> GUID {
    GUID::from_u128(0xb20ce400_0000_4000_8000_000000000000 | n)
}

/// The module names the DLLs are loaded under.
pub const MIRROR_DLL: &str = "mirror_dll.dll";
/// See [`MIRROR_DLL`].
pub const PROXY_DLL: &str = "proxy_dll.dll";
/// See [`MIRROR_DLL`].
pub const BROKEN_DLL: &str = "broken_dll.dll";

/// The Win32 and COM functions used (`link!` declares public items: kept in a module).
pub mod sys {
    use core::ffi::c_void;

    use windows_core::{GUID, HRESULT};

    windows_core::link!("ole32.dll" "system" fn CoInitializeEx(reserved: *const c_void, coinit: u32) -> HRESULT);
    windows_core::link!("ole32.dll" "system" fn CoUninitialize());
    windows_core::link!("ole32.dll" "system" fn CoCreateInstance(clsid: *const GUID, outer: *mut c_void, context: u32, iid: *const GUID, out: *mut *mut c_void) -> HRESULT);
    windows_core::link!("ole32.dll" "system" fn CoGetClassObject(clsid: *const GUID, context: u32, server: *const c_void, iid: *const GUID, out: *mut *mut c_void) -> HRESULT);
    windows_core::link!("ole32.dll" "system" fn CoFreeUnusedLibrariesEx(delay: u32, reserved: u32));
    windows_core::link!("ole32.dll" "system" fn CoGetApartmentType(kind: *mut i32, qualifier: *mut i32) -> HRESULT);
    windows_core::link!("ole32.dll" "system" fn CoTaskMemAlloc(size: usize) -> *mut c_void);
    windows_core::link!("ole32.dll" "system" fn CoTaskMemFree(block: *const c_void));
    windows_core::link!("ole32.dll" "system" fn CoRegisterMallocSpy(spy: *mut c_void) -> HRESULT);
    windows_core::link!("ole32.dll" "system" fn CoRevokeMallocSpy() -> HRESULT);
    windows_core::link!("kernel32.dll" "system" fn GetModuleHandleW(name: *const u16) -> isize);
    windows_core::link!("kernel32.dll" "system" fn GetProcAddress(module: isize, name: *const u8) -> *const c_void);
    windows_core::link!("kernel32.dll" "system" fn GetCurrentThreadId() -> u32);
}

/// `COINIT_APARTMENTTHREADED`: a single-threaded apartment, as the manager's.
pub const COINIT_APARTMENTTHREADED: u32 = 0x2;
/// `COINIT_MULTITHREADED`.
pub const COINIT_MULTITHREADED: u32 = 0x0;
/// `CLSCTX_INPROC_SERVER`.
pub const CLSCTX_INPROC_SERVER: u32 = 0x1;
/// `APTTYPE_STA`.
pub const APTTYPE_STA: i32 = 0;
/// `APTTYPE_MAINSTA`.
pub const APTTYPE_MAINSTA: i32 = 3;
/// `CO_E_NOTINITIALIZED`: the thread is in no apartment.
pub const CO_E_NOTINITIALIZED: HRESULT = HRESULT(0x8004_01F0_u32 as i32);

/// This thread in a COM apartment until dropped (`CoInitializeEx` / `CoUninitialize`).
#[derive(Debug)]
pub struct Apartment(());

impl Apartment {
    /// A single-threaded apartment, as the manager's (R-COM-THREAD).
    ///
    /// # Panics
    ///
    /// When `CoInitializeEx` fails.
    #[must_use]
    pub fn single_threaded() -> Self {
        Self::enter(COINIT_APARTMENTTHREADED)
    }

    /// The multithreaded apartment.
    ///
    /// # Panics
    ///
    /// When `CoInitializeEx` fails.
    #[must_use]
    pub fn multithreaded() -> Self {
        Self::enter(COINIT_MULTITHREADED)
    }

    fn enter(coinit: u32) -> Self {
        // SAFETY: no reserved pointer; balanced by CoUninitialize in Drop.
        let hr = unsafe { sys::CoInitializeEx(core::ptr::null(), coinit) };
        assert!(hr.is_ok(), "CoInitializeEx({coinit:#x}) answered {hr:?}");
        Self(())
    }
}

impl Drop for Apartment {
    fn drop(&mut self) {
        // SAFETY: balances the CoInitializeEx of `enter` on the same thread (the type is not
        // Send: it holds `()`, but tests keep it on the thread that made it).
        unsafe { sys::CoUninitialize() };
    }
}

/// `CoCreateInstance(clsid, NULL, CLSCTX_INPROC_SERVER, IID_ISyncMgrSynchronize)`.
///
/// # Errors
///
/// `CoCreateInstance`'s answer.
pub fn create(clsid: &GUID) -> Result<ISyncMgrSynchronize, HRESULT> {
    let mut out: *mut c_void = core::ptr::null_mut();
    // SAFETY: a valid CLSID, IID and out-pointer; no outer object.
    let hr = unsafe {
        sys::CoCreateInstance(
            clsid,
            core::ptr::null_mut(),
            CLSCTX_INPROC_SERVER,
            &ISyncMgrSynchronize::IID,
            &mut out,
        )
    };
    if hr.is_err() {
        return Err(hr);
    }
    assert!(
        !out.is_null(),
        "CoCreateInstance answered {hr:?} and no object"
    );
    // SAFETY: on success `out` holds one reference to an ISyncMgrSynchronize.
    Ok(unsafe { ISyncMgrSynchronize::from_raw(out) })
}

/// `CoGetClassObject(clsid, CLSCTX_INPROC_SERVER, IID_IClassFactory)`.
///
/// # Errors
///
/// `CoGetClassObject`'s answer.
pub fn class_object(clsid: &GUID) -> Result<IClassFactory, HRESULT> {
    let mut out: *mut c_void = core::ptr::null_mut();
    // SAFETY: a valid CLSID, IID and out-pointer; no server info.
    let hr = unsafe {
        sys::CoGetClassObject(
            clsid,
            CLSCTX_INPROC_SERVER,
            core::ptr::null(),
            &IClassFactory::IID,
            &mut out,
        )
    };
    if hr.is_err() {
        return Err(hr);
    }
    // SAFETY: on success `out` holds one reference to an IClassFactory.
    Ok(unsafe { IClassFactory::from_raw(out) })
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(Some(0)).collect()
}

/// The handle of the loaded module `name`, or `None` when it is not loaded.
#[must_use]
pub fn module(name: &str) -> Option<isize> {
    let name = wide(name);
    // SAFETY: a NUL-terminated name; no reference is taken.
    let handle = unsafe { sys::GetModuleHandleW(name.as_ptr()) };
    (handle != 0).then_some(handle)
}

/// The loaded module `name`'s `DllCanUnloadNow()`, or `None` when it is not loaded.
///
/// # Panics
///
/// When the module does not export `DllCanUnloadNow`.
#[must_use]
pub fn dll_can_unload_now(name: &str) -> Option<HRESULT> {
    let handle = module(name)?;
    // SAFETY: a loaded module and a NUL-terminated export name.
    let export = unsafe { sys::GetProcAddress(handle, c"DllCanUnloadNow".as_ptr().cast()) };
    assert!(!export.is_null(), "{name} exports no DllCanUnloadNow");
    // SAFETY: DllCanUnloadNow's signature is `HRESULT WINAPI DllCanUnloadNow(void)`.
    let can_unload: extern "system" fn() -> HRESULT = unsafe { core::mem::transmute(export) };
    Some(can_unload())
}

/// `CoFreeUnusedLibrariesEx(0, 0)`: unload now every DLL whose `DllCanUnloadNow` says S_OK.
pub fn free_unused_libraries() {
    // SAFETY: no pointer.
    unsafe { sys::CoFreeUnusedLibrariesEx(0, 0) };
}

/// This thread's id.
#[must_use]
pub fn thread_id() -> u32 {
    // SAFETY: no precondition.
    unsafe { sys::GetCurrentThreadId() }
}

/// `CoGetApartmentType` on this thread: `Ok(type)` or its failure (CO_E_NOTINITIALIZED on a
/// thread in no apartment).
///
/// # Errors
///
/// `CoGetApartmentType`'s failure.
pub fn apartment_type() -> Result<i32, HRESULT> {
    let (mut kind, mut qualifier) = (0, 0);
    // SAFETY: two writable out-pointers.
    let hr = unsafe { sys::CoGetApartmentType(&mut kind, &mut qualifier) };
    if hr.is_err() { Err(hr) } else { Ok(kind) }
}

/// `IMallocSpy` (objidl.h): COM calls it around every task-allocator operation.
#[interface("0000001d-0000-0000-c000-000000000046")]
pub unsafe trait IMallocSpy: IUnknown {
    fn PreAlloc(&self, request: usize) -> usize;
    fn PostAlloc(&self, actual: *mut c_void) -> *mut c_void;
    fn PreFree(&self, request: *mut c_void, spied: i32) -> *mut c_void;
    fn PostFree(&self, spied: i32);
    fn PreRealloc(
        &self,
        request: *mut c_void,
        size: usize,
        new_request: *mut *mut c_void,
        spied: i32,
    ) -> usize;
    fn PostRealloc(&self, actual: *mut c_void, spied: i32) -> *mut c_void;
    fn PreGetSize(&self, request: *mut c_void, spied: i32) -> *mut c_void;
    fn PostGetSize(&self, actual: usize, spied: i32) -> usize;
    fn PreDidAlloc(&self, request: *mut c_void, spied: i32) -> *mut c_void;
    fn PostDidAlloc(&self, request: *mut c_void, spied: i32, actual: i32) -> i32;
    fn PreHeapMinimize(&self);
    fn PostHeapMinimize(&self);
}

/// Every block the task allocator handed out and took back while a [`Spy`] was registered.
#[derive(Debug, Default)]
struct Blocks {
    allocated: Vec<usize>,
    freed: Vec<usize>,
}

/// A malloc spy that records the task allocator's blocks (their addresses, as the caller sees
/// them).
#[implement(IMallocSpy)]
#[derive(Default)]
struct Recorder {
    blocks: Mutex<Blocks>,
}

impl Recorder {
    fn blocks(&self) -> std::sync::MutexGuard<'_, Blocks> {
        self.blocks.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl IMallocSpy_Impl for Recorder_Impl {
    unsafe fn PreAlloc(&self, request: usize) -> usize {
        request
    }
    unsafe fn PostAlloc(&self, actual: *mut c_void) -> *mut c_void {
        if !actual.is_null() {
            self.blocks().allocated.push(actual as usize);
        }
        actual
    }
    unsafe fn PreFree(&self, request: *mut c_void, _spied: i32) -> *mut c_void {
        if !request.is_null() {
            self.blocks().freed.push(request as usize);
        }
        request
    }
    unsafe fn PostFree(&self, _spied: i32) {}
    unsafe fn PreRealloc(
        &self,
        request: *mut c_void,
        size: usize,
        new_request: *mut *mut c_void,
        _spied: i32,
    ) -> usize {
        // SAFETY: COM passes a writable pointer for the block to reallocate.
        unsafe { new_request.write(request) };
        size
    }
    unsafe fn PostRealloc(&self, actual: *mut c_void, _spied: i32) -> *mut c_void {
        actual
    }
    unsafe fn PreGetSize(&self, request: *mut c_void, _spied: i32) -> *mut c_void {
        request
    }
    unsafe fn PostGetSize(&self, actual: usize, _spied: i32) -> usize {
        actual
    }
    unsafe fn PreDidAlloc(&self, request: *mut c_void, _spied: i32) -> *mut c_void {
        request
    }
    unsafe fn PostDidAlloc(&self, _request: *mut c_void, _spied: i32, actual: i32) -> i32 {
        actual
    }
    unsafe fn PreHeapMinimize(&self) {}
    unsafe fn PostHeapMinimize(&self) {}
}

/// A registered malloc spy (`CoRegisterMallocSpy`), revoked when dropped: which blocks the COM
/// task allocator handed out and took back meanwhile.
pub struct Spy {
    recorder: windows_core::ComObject<Recorder>,
}

impl core::fmt::Debug for Spy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Spy").finish_non_exhaustive()
    }
}

impl Spy {
    /// Registers a new spy.
    ///
    /// # Panics
    ///
    /// When `CoRegisterMallocSpy` fails (another spy is registered).
    #[must_use]
    pub fn register() -> Self {
        let recorder = windows_core::ComObject::new(Recorder::default());
        let spy: IMallocSpy = recorder.to_interface();
        // SAFETY: a live IMallocSpy; COM AddRefs it until CoRevokeMallocSpy.
        let hr = unsafe { sys::CoRegisterMallocSpy(spy.as_raw()) };
        assert!(hr.is_ok(), "CoRegisterMallocSpy answered {hr:?}");
        Self { recorder }
    }

    /// Whether the task allocator handed out `block` since the spy was registered.
    #[must_use]
    pub fn allocated(&self, block: *const c_void) -> bool {
        self.recorder.blocks().allocated.contains(&(block as usize))
    }

    /// Whether `block` went back to the task allocator (`CoTaskMemFree`) since.
    #[must_use]
    pub fn freed(&self, block: *const c_void) -> bool {
        self.recorder.blocks().freed.contains(&(block as usize))
    }

    /// How many blocks were handed out and taken back.
    #[must_use]
    pub fn counts(&self) -> (usize, usize) {
        let blocks = self.recorder.blocks();
        (blocks.allocated.len(), blocks.freed.len())
    }
}

impl Drop for Spy {
    fn drop(&mut self) {
        // SAFETY: no precondition; a spy with blocks outstanding is revoked once they are freed.
        let _ = unsafe { sys::CoRevokeMallocSpy() };
    }
}

/// `AddRef` then `Release` on `object`: the reference count after the `AddRef` (the count the
/// object had, plus one).
#[must_use]
pub fn count_after_add_ref(object: &IUnknown) -> u32 {
    let vtable: &IUnknown_Vtbl = object.vtable();
    // SAFETY: a live object; AddRef is balanced by the Release below.
    let count = unsafe { (vtable.AddRef)(object.as_raw()) };
    // SAFETY: releases the reference just taken.
    unsafe { (vtable.Release)(object.as_raw()) };
    count
}
