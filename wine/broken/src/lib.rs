//! Deliberately broken handlers in one DLL: the raw `#[implement]` handlers of mobsync-com's
//! tests (`com/tests/raw/`, written from Microsoft's documentation alone), one conformant and
//! one per defect found in public sample handlers, each served under a CLSID of its own.
//!
//! A test harness for the Wine job of CI (`wine/run`): the driver creates them with
//! `CoCreateInstance`, alone and behind the tracing proxy DLL, and expects each defect's rule.
//! The entry points are written out here, with mobsync-com's public factory functions, because
//! `dll!` serves one class.

#[path = "../../../com/tests/raw/mod.rs"]
#[allow(
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block,
    reason = "the tests' raw handlers, compiled here unchanged"
)]
mod raw;

use core::ffi::c_void;

use mobsync_com::abi::ISyncMgrSynchronize;
use mobsync_com::windows_core::{GUID, HRESULT, Interface};
use raw::handlers::{Defect, HandlerConfig, RawHandler};

/// `CLASS_E_CLASSNOTAVAILABLE`.
const CLASS_E_CLASSNOTAVAILABLE: HRESULT = HRESULT(0x8004_0111_u32 as i32);

/// The class id of each handler: `{B20CE400-0000-4000-8000-0000000000NN}`, NN its place in
/// [`CLASSES`].
const fn clsid(n: u128) -> GUID {
    GUID::from_u128(0xb20ce400_0000_4000_8000_000000000000 | n)
}

/// A raw handler with `defect`, as mobsync-com's interface type (the same object and vtable).
fn made(defect: Defect) -> Result<ISyncMgrSynchronize, HRESULT> {
    RawHandler::with_config(HandlerConfig::with_defect(defect))
        .cast::<ISyncMgrSynchronize>()
        .map_err(|error| error.code())
}

/// How one class's objects are made.
type Make = fn() -> Result<ISyncMgrSynchronize, HRESULT>;

/// Every class this DLL serves: its CLSID, its defect and how to make one.
pub const CLASSES: [(GUID, &str, Make); 8] = [
    (clsid(0), "Conformant", || made(Defect::None)),
    (clsid(1), "CompletionThenFailure", || {
        made(Defect::CompletionThenFailure)
    }),
    (clsid(2), "ProgressAfterCompletion", || {
        made(Defect::ProgressAfterCompletion)
    }),
    (clsid(3), "CompletionTwice", || {
        made(Defect::CompletionTwice)
    }),
    (clsid(4), "SetItemStatusAlwaysOk", || {
        made(Defect::SetItemStatusAlwaysOk)
    }),
    (clsid(5), "DuplicateItems", || made(Defect::DuplicateItems)),
    (clsid(6), "NullErrorIds", || made(Defect::NullErrorIds)),
    (clsid(7), "SynchronizeWithoutPrepare", || {
        made(Defect::SynchronizeWithoutPrepare)
    }),
];

/// The factory of one of [`CLASSES`] (COM's in-process server entry point).
///
/// # Safety
///
/// COM's contract: the pointers are NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn DllGetClassObject(
    rclsid: *const GUID,
    riid: *const GUID,
    ppv: *mut *mut c_void,
) -> HRESULT {
    // SAFETY: COM's contract: a non-NULL `rclsid` points to a readable GUID.
    let requested = (!rclsid.is_null()).then(|| unsafe { rclsid.read_unaligned() });
    let Some(&(clsid, _, create)) = CLASSES.iter().find(|(clsid, ..)| Some(*clsid) == requested)
    else {
        if !ppv.is_null() {
            // SAFETY: COM's contract: a non-NULL `ppv` is writable; NULL on failure.
            unsafe { ppv.write_unaligned(core::ptr::null_mut()) };
        }
        return CLASS_E_CLASSNOTAVAILABLE;
    };
    // SAFETY: forwarded from COM's contract, which this function's caller upholds.
    unsafe { mobsync_com::factory::try_get_class_object(&clsid, rclsid, riid, ppv, create) }
}

/// S_OK once no object of this DLL is alive: no factory (mobsync-com's count), no raw handler,
/// enumerator or worker thread (the raw handlers' own counts).
#[unsafe(no_mangle)]
pub extern "system" fn DllCanUnloadNow() -> HRESULT {
    let factory = mobsync_com::factory::can_unload_now();
    if factory.is_ok() && factory.0 == 0 && raw::alive::counts().total() == 0 {
        HRESULT(0)
    } else {
        HRESULT(1)
    }
}
