//! The COM task allocator.
//!
//! On Windows: `CoTaskMemAlloc` / `CoTaskMemFree` from `ole32`. Off Windows: the C runtime's
//! `malloc` / `free`, the agreed stand-in between a handler and a manager in one process (a
//! handler allocates `SYNCMGRHANDLERINFO` with it, the manager frees it with it).

use core::ffi::c_void;

#[cfg(windows)]
mod sys {
    use core::ffi::c_void;
    windows_core::link!("ole32.dll" "system" fn CoTaskMemAlloc(cb: usize) -> *mut c_void);
    windows_core::link!("ole32.dll" "system" fn CoTaskMemFree(pv: *const c_void));

    pub unsafe fn alloc(size: usize) -> *mut c_void {
        // SAFETY: CoTaskMemAlloc takes any size and answers NULL on failure.
        unsafe { CoTaskMemAlloc(size) }
    }
    pub unsafe fn free(p: *mut c_void) {
        // SAFETY: the caller passes NULL or a pointer from CoTaskMemAlloc not yet freed.
        unsafe { CoTaskMemFree(p) }
    }
}

#[cfg(not(windows))]
mod sys {
    use core::ffi::c_void;
    unsafe extern "C" {
        fn malloc(size: usize) -> *mut c_void;
        #[link_name = "free"]
        fn c_free(p: *mut c_void);
    }

    pub unsafe fn alloc(size: usize) -> *mut c_void {
        // SAFETY: malloc takes any size and answers NULL on failure.
        unsafe { malloc(size) }
    }
    pub unsafe fn free(p: *mut c_void) {
        // SAFETY: the caller passes NULL or a pointer from malloc not yet freed.
        unsafe { c_free(p) }
    }
}

/// Allocates `size` bytes with the task allocator; NULL on failure. The memory is not
/// initialised. A request for 0 bytes allocates 1 byte so that the answer is freeable.
pub fn task_alloc(size: usize) -> *mut c_void {
    // SAFETY: both allocators accept any size and report failure with NULL.
    unsafe { sys::alloc(size.max(1)) }
}

/// Frees memory from [`task_alloc`] (or from any task allocator of this process). NULL is
/// allowed and does nothing.
///
/// # Safety
/// `p` must be NULL or a pointer returned by the task allocator and not yet freed.
pub unsafe fn task_free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    // SAFETY: guaranteed by the caller.
    unsafe { sys::free(p) }
}

/// Allocates one `T` with the task allocator and moves `value` into it; NULL on failure.
pub fn task_new<T: Copy>(value: T) -> *mut T {
    let p = task_alloc(core::mem::size_of::<T>()) as *mut T;
    if !p.is_null() {
        // SAFETY: `p` is a fresh allocation of `size_of::<T>()` bytes; malloc and
        // CoTaskMemAlloc return memory aligned for any fundamental type (8 or 16 bytes), enough
        // for the plain C structs of this folder.
        unsafe { p.write(value) };
    }
    p
}
