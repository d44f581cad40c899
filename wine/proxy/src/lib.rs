//! mobsync-com's [`TracingProxy`] as a handler DLL of its own, standing in for a real handler:
//! each object it serves creates the real handler with `CoCreateInstance` and writes the run,
//! every call and every callback, as TRACE.md lines to a file that `mobsync check` reads.
//!
//! A test harness for the Wine job of CI (`wine/run`), configured by two environment variables
//! of the process that creates it — the driver sets them before `CoCreateInstance`:
//!
//! - `MOBSYNC_PROXY_TARGET`: the CLSID of the real handler (`{8F5A2C1E-…}`; default: the
//!   folder-mirror handler of `com/examples/mirror_dll.rs`);
//! - `MOBSYNC_PROXY_TRACE`: the trace file, created anew for each object (default:
//!   `%TEMP%\mobsync-proxy.trace`).
//!
//! A proxy for a real manager would read both from its own registry key instead.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use mobsync_com::windows_core::{GUID, HRESULT};
use mobsync_com::{TraceLog, TracingProxy, dll};

/// The proxy's own class id.
pub const CLSID: GUID = GUID::from_u128(0x7a1e0c3d_5b2f_4c8e_9d01_3e5f7a9b1c2d);

/// The folder-mirror handler's class id, the default target.
pub const MIRROR: GUID = GUID::from_u128(0x8f5a2c1e_0d4b_4e7a_9c3f_2b6d8e1a4c70);

/// `E_INVALIDARG`, for a target that is not a CLSID.
const E_INVALIDARG: HRESULT = HRESULT(0x8007_0057_u32 as i32);

dll!(clsid: CLSID, try_create: create, register: "mobsync tracing proxy");

/// A proxy around a new object of the target class, or `CoCreateInstance`'s failure
/// (REGDB_E_CLASSNOTREG when the target is not registered), which is `CreateInstance`'s answer.
fn create() -> Result<TracingProxy, HRESULT> {
    let target = match std::env::var("MOBSYNC_PROXY_TARGET") {
        Ok(text) => parse_clsid(&text).ok_or(E_INVALIDARG)?,
        Err(_) => MIRROR,
    };
    let path = std::env::var_os("MOBSYNC_PROXY_TRACE").map_or_else(
        || std::env::temp_dir().join("mobsync-proxy.trace"),
        PathBuf::from,
    );
    let file = File::create(&path).map_err(|_| HRESULT(0x8000_4005_u32 as i32))?;
    let log = TraceLog::new(BufWriter::new(file));
    log.comment(&format!("proxy for {{{target:?}}}"));
    TracingProxy::from_clsid(&target, log)
}

/// `{8F5A2C1E-0D4B-4E7A-9C3F-2B6D8E1A4C70}` (braces optional, any case) as a GUID.
fn parse_clsid(text: &str) -> Option<GUID> {
    let hex: String = text
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .chars()
        .filter(|&c| c != '-')
        .collect();
    (hex.len() == 32)
        .then(|| u128::from_str_radix(&hex, 16).ok())
        .flatten()
        .map(GUID::from_u128)
}
