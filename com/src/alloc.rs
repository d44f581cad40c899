//! The COM task allocator: what `GetHandlerInfo`'s caller frees its `SYNCMGRHANDLERINFO` with
//! (R-COM-OUT).
//!
//! On Windows these are ole32's `CoTaskMemAlloc` and `CoTaskMemFree`. Elsewhere there is no COM
//! runtime, and the stand-in is the C library's `malloc` and `free` — the convention a manager
//! written for the same platform follows (the tests' raw manager does), so that memory handed
//! across the vtable is freed by the allocator that made it.

use core::ffi::c_void;

/// ole32's task allocator (`link!` declares public items: kept in a private module).
#[cfg(windows)]
mod ole32 {
    use core::ffi::c_void;

    windows_core::link!("ole32.dll" "system" fn CoTaskMemAlloc(cb: usize) -> *mut c_void);
    windows_core::link!("ole32.dll" "system" fn CoTaskMemFree(pv: *const c_void));
}
#[cfg(windows)]
use ole32::{CoTaskMemAlloc, CoTaskMemFree};

#[cfg(not(windows))]
unsafe extern "C" {
    fn malloc(size: usize) -> *mut c_void;
    fn free(ptr: *mut c_void);
}

/// Allocates `size` bytes with the COM task allocator (NULL when out of memory). The memory is
/// uninitialized, aligned for any fundamental type.
#[must_use]
pub fn task_alloc(size: usize) -> *mut c_void {
    #[cfg(windows)]
    // SAFETY: CoTaskMemAlloc has no preconditions; it answers NULL when it cannot allocate.
    let ptr = unsafe { CoTaskMemAlloc(size) };
    #[cfg(not(windows))]
    // SAFETY: malloc has no preconditions; it answers NULL when it cannot allocate.
    let ptr = unsafe { malloc(size.max(1)) };
    ptr
}

/// Frees memory from [`task_alloc`] (or from the manager's task allocator); NULL is ignored.
///
/// # Safety
///
/// `ptr` is NULL or was allocated by the COM task allocator and not freed since.
pub unsafe fn task_free(ptr: *mut c_void) {
    #[cfg(windows)]
    // SAFETY: the caller guarantees `ptr` is NULL or a live task-allocator block.
    unsafe {
        CoTaskMemFree(ptr);
    }
    #[cfg(not(windows))]
    // SAFETY: off Windows the task allocator is malloc; the caller guarantees `ptr` is NULL or
    // a live block from it.
    unsafe {
        free(ptr);
    }
}
