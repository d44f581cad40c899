//! The values of a trace's tokens (TRACE.md "Grammar"): HR, N (a 32-bit word as C writes it),
//! STATUS, FLAG, LEVEL, HEX and GUID.

use crate::guid::Guid;
use crate::hresult::HResult;
use crate::status::SyncMgrStatus;

/// HR: a name of CONTRACT §2.3 or `0x` and 1 to 8 hex digits.
pub(super) fn parse_hr(text: &str) -> Option<HResult> {
    if let Some(digits) = text.strip_prefix("0x") {
        if digits.is_empty() || digits.len() > 8 {
            return None;
        }
        return hex_u64(digits.as_bytes()).map(|v| HResult::from_u32(v as u32));
    }
    HResult::from_name(text)
}

/// The value of 1 to 16 hex digits of either case, `None` if any byte is not one.
fn hex_u64(digits: &[u8]) -> Option<u64> {
    let mut value = 0_u64;
    for &b in digits {
        value = (value << 4) | u64::from(hex_digit(b)?);
    }
    Some(value)
}

const fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// N: a 32-bit word as C writes it, −2^31 ..= 2^32−1; `None` when malformed or out of range.
pub(super) fn parse_number(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let (negative, body) = match bytes.first() {
        Some(b'-') => (true, bytes.get(1..)?),
        Some(b'+') => (false, bytes.get(1..)?),
        _ => (false, bytes),
    };
    let magnitude = if let Some(hex) = body.strip_prefix(b"0x") {
        // Leading zeros do not count against the range; past 9 digits the value is past 2^32.
        let significant = hex
            .iter()
            .position(|&b| b != b'0')
            .and_then(|n| hex.get(n..))
            .unwrap_or_default();
        if hex.is_empty() || !hex.iter().all(u8::is_ascii_hexdigit) || significant.len() > 9 {
            return None;
        }
        hex_u64(significant)?
    } else {
        if body.is_empty() {
            return None;
        }
        let mut value = 0_u64;
        for &b in body {
            if !b.is_ascii_digit() {
                return None;
            }
            // Past 2^32 the value is out of range whatever follows: stop growing.
            value = (value * 10 + u64::from(b - b'0')).min(1 << 40);
        }
        value
    };
    let magnitude = i64::try_from(magnitude).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    (-(1_i64 << 31)..=(1_i64 << 32) - 1)
        .contains(&value)
        .then_some(value)
}

/// A number as a DWORD field holds it (negatives wrap).
pub(super) const fn dword(value: i64) -> u32 {
    value as u32
}

/// A number as an int field holds it (values above 2^31−1 wrap).
pub(super) const fn int(value: i64) -> i32 {
    value as u32 as i32
}

/// STATUS: a short status name (`SKIPPED`) or N.
pub(super) fn status_value(text: &str) -> Option<u32> {
    let status = match text {
        "STOPPED" => SyncMgrStatus::Stopped,
        "SKIPPED" => SyncMgrStatus::Skipped,
        "PENDING" => SyncMgrStatus::Pending,
        "UPDATING" => SyncMgrStatus::Updating,
        "SUCCEEDED" => SyncMgrStatus::Succeeded,
        "FAILED" => SyncMgrStatus::Failed,
        "PAUSED" => SyncMgrStatus::Paused,
        "RESUMING" => SyncMgrStatus::Resuming,
        "UPDATING_INDETERMINATE" => SyncMgrStatus::UpdatingIndeterminate,
        "DELETED" => SyncMgrStatus::Deleted,
        _ => return parse_number(text).map(dword),
    };
    Some(status.to_u32())
}

/// FLAGS: FLAG parts joined by `|`, ORed.
pub(super) fn flags_value(text: &str) -> Option<u32> {
    text.split('|')
        .try_fold(0, |flags, part| Some(flags | flag_value(part)?))
}

fn flag_value(text: &str) -> Option<u32> {
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

/// LEVEL: a level name or N.
pub(super) fn level_value(text: &str) -> Option<u32> {
    match text {
        "INFORMATION" => Some(1),
        "WARNING" => Some(2),
        "ERROR" => Some(3),
        _ => parse_number(text).map(dword),
    }
}

/// HEX: an even number of hex digits, zero included.
pub(super) fn is_hex(text: &str) -> bool {
    text.len().is_multiple_of(2) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// GUID: 8-4-4-4-12 hex digits of either case, optionally in braces.
pub(super) fn parse_guid(text: &str) -> Option<Guid> {
    let bytes = text.as_bytes();
    let inner = match bytes {
        [b'{', inner @ .., b'}'] => inner,
        _ => bytes,
    };
    if inner.len() != 36 {
        return None;
    }
    let mut value = 0_u128;
    for (i, &b) in inner.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if b != b'-' {
                return None;
            }
        } else {
            value = (value << 4) | u128::from(hex_digit(b)?);
        }
    }
    Some(Guid::from_u128(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_c_words_with_leading_zeros_and_no_overflow() {
        assert_eq!(parse_number("4294967295"), Some(4_294_967_295));
        assert_eq!(parse_number("4294967296"), None);
        assert_eq!(parse_number("-2147483648"), Some(-2_147_483_648));
        assert_eq!(parse_number("-2147483649"), None);
        assert_eq!(parse_number("0x00000000FFFFFFFF"), Some(0xFFFF_FFFF));
        assert_eq!(parse_number("0x100000000"), None);
        assert_eq!(parse_number("99999999999999999999999"), None);
        assert_eq!(parse_number("010"), Some(10));
        for bad in ["", "-", "+", "0x", "0X1", "1x", "- 1", "0xg", "--1"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn hresults_are_names_or_lowercase_0x_and_eight_digits_at_most() {
        assert_eq!(parse_hr("S_FALSE"), Some(HResult::S_FALSE));
        assert_eq!(parse_hr("0x8000ffff"), Some(HResult::E_UNEXPECTED));
        for bad in ["0x", "0x123456789", "0X1", "1", "s_ok", "0xG"] {
            assert_eq!(parse_hr(bad), None, "{bad}");
        }
    }

    #[test]
    fn guids_are_hex_in_either_case_with_both_braces_or_none() {
        let g = Guid::from_u128(0x6295DF40_35EE_11D1_8707_00C04FD93327);
        assert_eq!(parse_guid("6295df40-35EE-11d1-8707-00c04fd93327"), Some(g));
        assert_eq!(
            parse_guid("{6295DF40-35EE-11D1-8707-00C04FD93327}"),
            Some(g)
        );
        for bad in [
            "{6295DF40-35EE-11D1-8707-00C04FD93327",
            "6295DF40-35EE-11D1-8707-00C04FD9332Z",
            "6295DF4035EE-11D1-8707-00C04FD93327-",
        ] {
            assert_eq!(parse_guid(bad), None, "{bad}");
        }
    }
}
