//! A Rust sync handler as a guarded `ISyncMgrSynchronize` COM object (placeholder docs).
#![deny(unsafe_op_in_unsafe_fn)]
// One unsafe operation per block, each with the `// SAFETY:` comment that says why it holds
// (`undocumented_unsafe_blocks` is denied for the whole package in Cargo.toml).
#![deny(clippy::multiple_unsafe_ops_per_block)]
// No panic may cross a vtable: library code never unwraps, panics or indexes unchecked (tests
// may), and every handler method runs under `catch_unwind`.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod abi;
pub mod alloc;
mod enumerator;
pub mod factory;
pub mod guard;
mod handler;
mod journal;
mod lock;
pub mod register;
pub mod wide;

pub use enumerator::ItemEnumerator;
pub use factory::ClassFactory;
pub use handler::{Handler, Options, parent_window};
pub use journal::{JOURNAL_CAPACITY, Journal, Violation};
/// The windows-core this crate's interfaces are declared on (0.100).
pub use windows_core;

/// The HRESULTs this crate answers with, as windows-core's type.
pub mod hr {
    use mobsync::HResult;
    use windows_core::HRESULT;

    /// `S_OK`.
    pub const S_OK: HRESULT = HRESULT(HResult::S_OK.to_i32());
    /// `S_FALSE`.
    pub const S_FALSE: HRESULT = HRESULT(HResult::S_FALSE.to_i32());
    /// `E_NOTIMPL`.
    pub const E_NOTIMPL: HRESULT = HRESULT(HResult::E_NOTIMPL.to_i32());
    /// `E_FAIL`.
    pub const E_FAIL: HRESULT = HRESULT(HResult::E_FAIL.to_i32());
    /// `E_UNEXPECTED`.
    pub const E_UNEXPECTED: HRESULT = HRESULT(HResult::E_UNEXPECTED.to_i32());
    /// `E_INVALIDARG`.
    pub const E_INVALIDARG: HRESULT = HRESULT(HResult::E_INVALIDARG.to_i32());
    /// `E_OUTOFMEMORY`.
    pub const E_OUTOFMEMORY: HRESULT = HRESULT(HResult::E_OUTOFMEMORY.to_i32());
    /// `E_NOINTERFACE`.
    pub const E_NOINTERFACE: HRESULT = HRESULT(HResult::E_NOINTERFACE.to_i32());
    /// `CLASS_E_NOAGGREGATION` (0x80040110): the class factory refuses an outer object.
    pub const CLASS_E_NOAGGREGATION: HRESULT = HRESULT(0x8004_0110_u32 as i32);
    /// `CLASS_E_CLASSNOTAVAILABLE` (0x80040111): `DllGetClassObject` for another class.
    pub const CLASS_E_CLASSNOTAVAILABLE: HRESULT = HRESULT(0x8004_0111_u32 as i32);
}

/// Runs a vtable method's body, turning a panic into E_FAIL: no panic crosses the boundary
/// (R-COM-PANIC).
pub(crate) fn entry(body: impl FnOnce() -> windows_core::HRESULT) -> windows_core::HRESULT {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or(hr::E_FAIL)
}
