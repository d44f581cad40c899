//! The values of a trace's tokens (TRACE.md "Grammar"): HR, N (a 32-bit word as C writes it),
//! STATUS, FLAG and LEVEL.

use crate::hresult::HResult;
use crate::status::SyncMgrStatus;

/// HR: a name of CONTRACT §2.3 or `0x` and 1 to 8 hex digits.
pub(super) fn parse_hr(text: &str) -> Option<HResult> {
    if let Some(hr) = HResult::from_name(text) {
        return Some(hr);
    }
    let digits = text.strip_prefix("0x")?;
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok().map(HResult::from_u32)
}

/// N: a 32-bit word as C writes it, −2^31 ..= 2^32−1; `None` when malformed or out of range.
pub(super) fn parse_number(text: &str) -> Option<i64> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let magnitude = if let Some(hex) = body.strip_prefix("0x") {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(hex, 16).ok()?
    } else {
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        body.parse::<u64>().ok()?
    };
    let value = if negative {
        -i64::try_from(magnitude).ok()?
    } else {
        i64::try_from(magnitude).ok()?
    };
    (-(1_i64 << 31)..=(1_i64 << 32) - 1)
        .contains(&value)
        .then_some(value)
}

/// A number as a DWORD field holds it (negatives wrap).
pub(super) fn dword(value: i64) -> u32 {
    value as u32
}

/// A number as an int field holds it (values above 2^31−1 wrap).
pub(super) fn int(value: i64) -> i32 {
    value as u32 as i32
}

pub(super) fn status_value(text: &str) -> Option<u32> {
    text.parse::<SyncMgrStatus>()
        .ok()
        .filter(|_| !text.starts_with("SYNCMGRSTATUS_"))
        .map(SyncMgrStatus::to_u32)
        .or_else(|| parse_number(text).map(dword))
}

pub(super) fn flag_value(text: &str) -> Option<u32> {
    let named = match text {
        "CONNECT" => 0x1,
        "PENDINGDISCONNECT" => 0x2,
        "MANUAL" => 0x3,
        "IDLE" => 0x4,
        "INVOKE" => 0x5,
        "SCHEDULED" => 0x6,
        "SETTINGS" => 0x100,
        "MAYBOTHERUSER" => 0x200,
        _ => return parse_number(text).map(dword),
    };
    Some(named)
}

pub(super) fn level_value(text: &str) -> Option<u32> {
    match text {
        "INFORMATION" => Some(1),
        "WARNING" => Some(2),
        "ERROR" => Some(3),
        _ => parse_number(text).map(dword),
    }
}
