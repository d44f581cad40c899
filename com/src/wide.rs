//! UTF-16 strings across the boundary (R-COM-STR), always measured in UTF-16 units — never with
//! the platform's `wchar_t` functions (`wcslen` counts 32-bit units on Linux, which is why
//! windows-strings' `PCWSTR::len` must not be used here).

use mobsync::sim::MAX_CALLBACK_TEXT_UNITS;

/// How many units a [`WideBuf`] holds without allocating (NUL included).
const INLINE: usize = 64;

/// A NUL-terminated UTF-16 copy of a Rust string, to pass as `LPCWSTR`: short strings live on
/// the stack.
pub(crate) enum WideBuf {
    Inline([u16; INLINE]),
    Heap(Vec<u16>),
}

impl WideBuf {
    /// `text` as UTF-16 with a terminating NUL.
    pub(crate) fn new(text: &str) -> Self {
        // Each UTF-8 byte gives at most one UTF-16 unit.
        if text.len() < INLINE {
            let mut units = [0_u16; INLINE];
            for (slot, unit) in units.iter_mut().zip(text.encode_utf16()) {
                *slot = unit;
            }
            Self::Inline(units)
        } else {
            let mut units = Vec::with_capacity(text.len() + 1);
            units.extend(text.encode_utf16());
            units.push(0);
            Self::Heap(units)
        }
    }

    /// The first unit (the string is NUL-terminated; the pointer lives as long as `self`, which
    /// must not move meanwhile).
    pub(crate) fn as_ptr(&self) -> *const u16 {
        match self {
            Self::Inline(units) => units.as_ptr(),
            Self::Heap(units) => units.as_ptr(),
        }
    }
}

/// Why a string from the other side of the boundary was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WideError {
    /// A NULL pointer.
    Null,
    /// No NUL within the limit (a fixed array: its length; a pointer: 65,536 units).
    Unterminated {
        /// How many units were looked at.
        limit: usize,
    },
}

impl core::fmt::Display for WideError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Null => f.write_str("a NULL string"),
            Self::Unterminated { limit } => {
                write!(
                    f,
                    "a string without a NUL in its first {limit} UTF-16 units"
                )
            }
        }
    }
}

/// The string in a fixed-size array (`wszItemName`, `wszHandlerName`), up to its first NUL;
/// unpaired surrogates become U+FFFD. An array without a NUL is an error (R-COM-STR).
///
/// ```
/// use mobsync_com::wide::{fixed_to_string, WideError};
///
/// let mut name = [0_u16; 4];
/// name[..2].copy_from_slice(&[0x48, 0x69]);
/// assert_eq!(fixed_to_string(&name), Ok("Hi".to_owned()));
/// assert_eq!(fixed_to_string(&[0x48; 4]), Err(WideError::Unterminated { limit: 4 }));
/// ```
pub fn fixed_to_string(units: &[u16]) -> Result<String, WideError> {
    let len = units
        .iter()
        .position(|&unit| unit == 0)
        .ok_or(WideError::Unterminated { limit: units.len() })?;
    Ok(String::from_utf16_lossy(
        units.get(..len).unwrap_or_default(),
    ))
}

/// Writes `text` into a fixed-size array with its NUL, the rest zeroed. `Err` with the text's
/// length in UTF-16 units when it does not fit (it needs `len + 1` units); the array is then
/// left zeroed.
///
/// ```
/// use mobsync_com::wide::fill_fixed;
///
/// let mut name = [1_u16; 4];
/// assert_eq!(fill_fixed(&mut name, "Hi"), Ok(()));
/// assert_eq!(name, [0x48, 0x69, 0, 0]);
/// assert_eq!(fill_fixed(&mut name, "Four"), Err(4));
/// ```
pub fn fill_fixed(units: &mut [u16], text: &str) -> Result<(), usize> {
    units.fill(0);
    let room = units.len().saturating_sub(1);
    for (len, unit) in text.encode_utf16().enumerate() {
        match units.get_mut(len) {
            Some(slot) if len < room => *slot = unit,
            _ => {
                units.fill(0);
                return Err(text.encode_utf16().count());
            }
        }
    }
    Ok(())
}

/// Reads a NUL-terminated string from a pointer, at most [`MAX_CALLBACK_TEXT_UNITS`] units
/// before its NUL (R-COM-STR); unpaired surrogates become U+FFFD.
///
/// # Safety
///
/// `ptr` is NULL, or points to UTF-16 units that are readable up to and including their NUL or
/// up to `MAX_CALLBACK_TEXT_UNITS + 1` units, whichever comes first.
pub unsafe fn read_wide(ptr: *const u16) -> Result<String, WideError> {
    if ptr.is_null() {
        return Err(WideError::Null);
    }
    let limit = MAX_CALLBACK_TEXT_UNITS + 1;
    let mut len = 0;
    loop {
        if len == limit {
            return Err(WideError::Unterminated {
                limit: MAX_CALLBACK_TEXT_UNITS,
            });
        }
        // SAFETY: the caller guarantees the units up to the NUL (or the limit) are readable;
        // `len` has not passed either. `read_unaligned`: the other side's pointer may be odd.
        let unit = unsafe { ptr.wrapping_add(len).read_unaligned() };
        if unit == 0 {
            break;
        }
        len += 1;
    }
    let mut units = Vec::with_capacity(len);
    for i in 0..len {
        // SAFETY: the units before the NUL were read above.
        units.push(unsafe { ptr.wrapping_add(i).read_unaligned() });
    }
    Ok(String::from_utf16_lossy(&units))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap_buffers_are_nul_terminated_utf16() {
        for text in [
            "",
            "é",
            &"x".repeat(63),
            &"x".repeat(64),
            &"日本".repeat(100),
        ] {
            let buf = WideBuf::new(text);
            let expected: Vec<u16> = text.encode_utf16().chain([0]).collect();
            // SAFETY: the buffer holds the units and the NUL.
            let read = unsafe { core::slice::from_raw_parts(buf.as_ptr(), expected.len()) };
            assert_eq!(read, &expected[..], "{text:?}");
        }
    }

    #[test]
    fn a_supplementary_character_counts_two_units() {
        let mut name = [0_u16; 3];
        assert_eq!(fill_fixed(&mut name, "😀"), Ok(()));
        assert_eq!(fill_fixed(&mut name, "😀a"), Err(3));
        assert_eq!(name, [0; 3]);
    }

    #[test]
    fn read_wide_stops_at_the_nul_and_at_the_limit() {
        /// Reads a NUL-terminated (or limit-long) buffer.
        fn read(units: &[u16]) -> Result<String, WideError> {
            assert!(units.contains(&0) || units.len() > MAX_CALLBACK_TEXT_UNITS);
            // SAFETY: the buffer is readable up to its NUL or past the limit (asserted).
            unsafe { read_wide(units.as_ptr()) }
        }
        let abc: Vec<u16> = "abc".encode_utf16().chain([0, 0x41]).collect();
        assert_eq!(read(&abc), Ok("abc".to_owned()));
        // SAFETY: NULL is allowed.
        let null = unsafe { read_wide(core::ptr::null()) };
        assert_eq!(null, Err(WideError::Null));
        let long = vec![0x41_u16; MAX_CALLBACK_TEXT_UNITS + 1];
        let limit = MAX_CALLBACK_TEXT_UNITS;
        assert_eq!(read(&long), Err(WideError::Unterminated { limit }));
        let mut exact = vec![0x41_u16; MAX_CALLBACK_TEXT_UNITS];
        exact.push(0);
        assert_eq!(read(&exact).map(|s| s.len()), Ok(MAX_CALLBACK_TEXT_UNITS));
        assert_eq!(read(&[0xD800, 0x41, 0]), Ok("\u{FFFD}A".to_owned()));
    }
}
