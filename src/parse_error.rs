//! `ParseError`: text that is not the form one of the crate's types parses (`FromStr`).
//!
//! A leaf: the vocabulary modules (`hresult`, `guid`, `status`, `rule`, …) own their parsing and
//! share this one error, which imports nothing of the crate.

/// Text that is not the form a type parses (`FromStr` of the crate's types).
///
/// ```
/// # use mobsync::HResult;
/// let err = "E_BOGUS".parse::<HResult>().unwrap_err();
/// assert_eq!(err.to_string(), "expected an HRESULT name or 0x followed by 1 to 8 hex digits");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("expected {expected}")]
pub struct ParseError {
    expected: &'static str,
}

impl ParseError {
    pub(crate) const fn new(expected: &'static str) -> Self {
        Self { expected }
    }

    /// What the text should have been.
    #[must_use]
    pub const fn expected(&self) -> &'static str {
        self.expected
    }
}
