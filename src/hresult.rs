//! `HResult`: the 32-bit COM status code, with the constants of CONTRACT §2.3.

use core::fmt;
use core::str::FromStr;

use crate::parse_error::ParseError;

/// A COM `HRESULT`: a 32-bit status code, success when its top (severity) bit is clear.
///
/// `HResult` is a `Copy` newtype over the code as a `u32`; conversions to and from `u32` and
/// `i32` (the type of windows-rs's `HRESULT(pub i32)`) are lossless.
///
/// ```
/// use mobsync::HResult;
///
/// let hr = HResult::E_UNEXPECTED;
/// assert!(hr.is_failure());
/// assert_eq!(hr.to_u32(), 0x8000_FFFF);
/// assert_eq!(hr.to_i32(), 0x8000_FFFF_u32 as i32);
/// assert_eq!(hr.to_string(), "E_UNEXPECTED (0x8000FFFF)");
/// assert_eq!("E_UNEXPECTED".parse::<HResult>(), Ok(hr));
/// assert_eq!("0x8000ffff".parse::<HResult>(), Ok(hr));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(transparent)]
pub struct HResult(u32);

/// Facility code of interface-specific codes (`FACILITY_ITF`), used by every `S_SYNCMGR_*` code.
pub const FACILITY_ITF: u16 = 4;

/// The named codes of CONTRACT §2.3, written once: each becomes an associated constant and an
/// entry of the name table that `Display`, `FromStr`, [`HResult::name`] and [`HResult::named`]
/// read, in this order.
macro_rules! named_codes {
    ($($(#[$doc:meta])* $name:ident = $value:expr;)*) => {
        impl HResult {
            $($(#[$doc])* pub const $name: Self = $value;)*
        }

        /// Every named code with its name, in the order of the list above.
        const NAMES: [(HResult, &str); [$(stringify!($name)),*].len()] =
            [$((HResult::$name, stringify!($name))),*];
    };
}

named_codes! {
    /// `S_OK` (0x00000000): success.
    S_OK = Self(0x0000_0000);
    /// `S_FALSE` (0x00000001): success, "no" (PrepareForSync: needs UI without MAYBOTHERUSER).
    S_FALSE = Self(0x0000_0001);
    /// `S_SYNCMGR_MISSINGITEMS` (0x00040201): enumeration succeeded but items are missing.
    S_SYNCMGR_MISSINGITEMS = Self::from_parts(false, FACILITY_ITF, 0x0201);
    /// `S_SYNCMGR_RETRYSYNC` (0x00040202): ShowErrorCompleted asks for another pass.
    S_SYNCMGR_RETRYSYNC = Self::from_parts(false, FACILITY_ITF, 0x0202);
    /// `S_SYNCMGR_CANCELITEM` (0x00040203): the manager's answer to Progress: cancel this item.
    S_SYNCMGR_CANCELITEM = Self::from_parts(false, FACILITY_ITF, 0x0203);
    /// `S_SYNCMGR_CANCELALL` (0x00040204): the manager's answer to Progress: cancel every item.
    S_SYNCMGR_CANCELALL = Self::from_parts(false, FACILITY_ITF, 0x0204);
    /// `S_SYNCMGR_ITEMDELETED` (0x00040210): ShowPropertiesCompleted: an item was deleted.
    S_SYNCMGR_ITEMDELETED = Self::from_parts(false, FACILITY_ITF, 0x0210);
    /// `S_SYNCMGR_ENUMITEMS` (0x00040211): ShowPropertiesCompleted: enumerate the items again.
    S_SYNCMGR_ENUMITEMS = Self::from_parts(false, FACILITY_ITF, 0x0211);
    /// `E_NOTIMPL` (0x80004001): not implemented (GetItemObject's only answer, R-OBJ).
    E_NOTIMPL = Self(0x8000_4001);
    /// `E_NOINTERFACE` (0x80004002): no such interface.
    E_NOINTERFACE = Self(0x8000_4002);
    /// `E_POINTER` (0x80004003): invalid pointer.
    E_POINTER = Self(0x8000_4003);
    /// `E_FAIL` (0x80004005): unspecified failure.
    E_FAIL = Self(0x8000_4005);
    /// `E_PENDING` (0x8000000A): the data is not yet available.
    E_PENDING = Self(0x8000_000A);
    /// `E_UNEXPECTED` (0x8000FFFF): the call arrived outside its window.
    E_UNEXPECTED = Self(0x8000_FFFF);
    /// `E_ACCESSDENIED` (0x80070005): an item status transition the graph of CONTRACT §6 refuses.
    E_ACCESSDENIED = Self(0x8007_0005);
    /// `E_OUTOFMEMORY` (0x8007000E): a capacity limit of CONTRACT §7 was reached.
    E_OUTOFMEMORY = Self(0x8007_000E);
    /// `E_INVALIDARG` (0x80070057): an invalid argument, unknown item or unknown error id.
    E_INVALIDARG = Self(0x8007_0057);
}

impl HResult {
    /// `MAKE_SCODE(sev, fac, code)`: `(sev << 31) | (fac << 16) | code`.
    ///
    /// The facility is masked to its 13 bits, so every combination gives a valid code.
    ///
    /// ```
    /// # use mobsync::{HResult, FACILITY_ITF};
    /// assert_eq!(HResult::from_parts(false, FACILITY_ITF, 0x0202), HResult::S_SYNCMGR_RETRYSYNC);
    /// assert_eq!(HResult::from_parts(true, 7, 0x57), HResult::E_INVALIDARG);
    /// ```
    #[must_use]
    pub const fn from_parts(failure: bool, facility: u16, code: u16) -> Self {
        Self(((failure as u32) << 31) | (((facility & 0x1FFF) as u32) << 16) | code as u32)
    }

    /// The code from its unsigned 32-bit value.
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert_eq!(HResult::from_u32(0x8007_0057), HResult::E_INVALIDARG);
    /// ```
    #[must_use]
    pub const fn from_u32(code: u32) -> Self {
        Self(code)
    }

    /// The code from its signed 32-bit value (the representation of windows-rs's `HRESULT`).
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert_eq!(HResult::from_i32(-2_147_024_809), HResult::E_INVALIDARG);
    /// ```
    #[must_use]
    pub const fn from_i32(code: i32) -> Self {
        Self(code as u32)
    }

    /// The unsigned 32-bit value.
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert_eq!(HResult::S_SYNCMGR_CANCELALL.to_u32(), 0x0004_0204);
    /// ```
    #[must_use]
    pub const fn to_u32(self) -> u32 {
        self.0
    }

    /// The signed 32-bit value, as a COM method returns it.
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert!(HResult::E_FAIL.to_i32() < 0);
    /// ```
    #[must_use]
    pub const fn to_i32(self) -> i32 {
        self.0 as i32
    }

    /// `SUCCEEDED(hr)`: the severity bit is clear. Every `S_SYNCMGR_*` code is a success.
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert!(HResult::S_FALSE.is_success());
    /// assert!(HResult::S_SYNCMGR_RETRYSYNC.is_success());
    /// ```
    #[must_use]
    pub const fn is_success(self) -> bool {
        self.0 & 0x8000_0000 == 0
    }

    /// `FAILED(hr)`: the severity bit is set.
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert!(HResult::E_UNEXPECTED.is_failure());
    /// ```
    #[must_use]
    pub const fn is_failure(self) -> bool {
        !self.is_success()
    }

    /// `HRESULT_SEVERITY(hr)`: 1 for a failure, 0 for a success.
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert_eq!(HResult::E_FAIL.severity(), 1);
    /// ```
    #[must_use]
    pub const fn severity(self) -> u8 {
        (self.0 >> 31) as u8
    }

    /// `HRESULT_FACILITY(hr)`: the 13-bit facility.
    ///
    /// ```
    /// # use mobsync::{HResult, FACILITY_ITF};
    /// assert_eq!(HResult::S_SYNCMGR_ENUMITEMS.facility(), FACILITY_ITF);
    /// assert_eq!(HResult::E_ACCESSDENIED.facility(), 7); // FACILITY_WIN32
    /// ```
    #[must_use]
    pub const fn facility(self) -> u16 {
        ((self.0 >> 16) & 0x1FFF) as u16
    }

    /// `HRESULT_CODE(hr)`: the low 16 bits.
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert_eq!(HResult::E_INVALIDARG.code(), 0x57);
    /// ```
    #[must_use]
    pub const fn code(self) -> u16 {
        self.0 as u16
    }

    /// The header name of a code of CONTRACT §2.3, `None` for any other code.
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert_eq!(HResult::E_NOTIMPL.name(), Some("E_NOTIMPL"));
    /// assert_eq!(HResult::from_u32(0x8000_1234).name(), None);
    /// ```
    #[must_use]
    pub fn name(self) -> Option<&'static str> {
        NAMES
            .iter()
            .find(|(hr, _)| *hr == self)
            .map(|(_, name)| *name)
    }

    /// The code whose header name is `name` (case-sensitive, as in the header).
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert_eq!(HResult::from_name("S_FALSE"), Some(HResult::S_FALSE));
    /// assert_eq!(HResult::from_name("s_false"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        NAMES.iter().find(|(_, n)| *n == name).map(|(hr, _)| *hr)
    }

    /// Every named code of CONTRACT §2.3 with its name.
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert_eq!(HResult::named().count(), 17);
    /// ```
    pub fn named() -> impl ExactSizeIterator<Item = (Self, &'static str)> {
        NAMES.iter().copied()
    }

    /// The short form a trace and `mobsync check` print: the header name of a named code, else
    /// `0x` and 8 hex digits.
    ///
    /// ```
    /// # use mobsync::HResult;
    /// assert_eq!(HResult::E_UNEXPECTED.short().to_string(), "E_UNEXPECTED");
    /// assert_eq!(HResult::from_u32(0x8004_1234).short().to_string(), "0x80041234");
    /// ```
    #[must_use]
    pub const fn short(self) -> ShortHResult {
        ShortHResult(self)
    }
}

impl fmt::Display for HResult {
    /// `E_UNEXPECTED (0x8000FFFF)` for a named code, `0x80041234` for any other.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({:#010X})", self.0),
            None => write!(f, "{:#010X}", self.0),
        }
    }
}

/// [`HResult::short`]: an HRESULT's name, else `0x` and 8 hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShortHResult(HResult);

impl fmt::Display for ShortHResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.name() {
            Some(name) => f.pad(name),
            None => write!(f, "{:#010X}", self.0.0),
        }
    }
}

impl fmt::Debug for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HResult({self})")
    }
}

impl fmt::UpperHex for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::UpperHex::fmt(&self.0, f)
    }
}

impl fmt::LowerHex for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::LowerHex::fmt(&self.0, f)
    }
}

impl FromStr for HResult {
    type Err = ParseError;

    /// A header name of CONTRACT §2.3 (case-sensitive), `0x` with 1 to 8 hex digits (either case),
    /// or the `Display` form `NAME (0x…)` whose name and number agree.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const WHAT: ParseError =
            ParseError::new("an HRESULT name or 0x followed by 1 to 8 hex digits");
        if let Some(hr) = Self::from_name(s) {
            return Ok(hr);
        }
        if let Some((name, rest)) = s.split_once(" (")
            && let Some(hex) = rest.strip_suffix(')')
        {
            let hr = parse_hex(hex).ok_or(WHAT)?;
            return (hr.name() == Some(name)).then_some(hr).ok_or(WHAT);
        }
        parse_hex(s).ok_or(WHAT)
    }
}

/// `0x` (or `0X`) followed by 1 to 8 hex digits.
fn parse_hex(s: &str) -> Option<HResult> {
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok().map(HResult)
}

impl From<u32> for HResult {
    fn from(code: u32) -> Self {
        Self(code)
    }
}

impl From<i32> for HResult {
    fn from(code: i32) -> Self {
        Self::from_i32(code)
    }
}

impl From<HResult> for u32 {
    fn from(hr: HResult) -> Self {
        hr.0
    }
}

impl From<HResult> for i32 {
    fn from(hr: HResult) -> Self {
        hr.to_i32()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_print_as_hex_only() {
        assert_eq!(HResult::from_u32(0x8004_1234).to_string(), "0x80041234");
        assert_eq!(HResult::S_OK.to_string(), "S_OK (0x00000000)");
    }

    #[test]
    fn display_form_parses_back_only_when_name_and_number_agree() {
        assert_eq!("E_FAIL (0x80004005)".parse(), Ok(HResult::E_FAIL));
        assert!("E_FAIL (0x80004001)".parse::<HResult>().is_err());
    }

    #[test]
    fn malformed_hex_is_rejected() {
        for bad in [
            "0x",
            "0x123456789",
            "0xG",
            "80004005",
            "-0x1",
            "0x 1",
            "e_fail",
        ] {
            assert!(bad.parse::<HResult>().is_err(), "{bad}");
        }
    }
}
