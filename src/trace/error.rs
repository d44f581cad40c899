//! The errors of reading a trace: a [`SyntaxError`] with its line and column, and
//! [`CheckError`], why checking stopped. A leaf of the module: the lexer, the parser, the reader
//! and the checker all import it, and it imports none of them.

/// A trace that does not follow the format: where, and why. Checking stops at the first one.
///
/// ```
/// # use mobsync::trace::{Parser, SyntaxError};
/// let mut parser = Parser::new();
/// let err = parser.parse_line(1, "Synchronize now").unwrap_err();
/// assert_eq!((err.line, err.column), (1, 13));
/// assert_eq!(err.to_string(), "1:13: parse error: unexpected `now` after the event");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: parse error: {message}")]
pub struct SyntaxError {
    /// The 1-based line.
    pub line: usize,
    /// The 1-based column, in Unicode scalar values, of the token in error (for input that is not
    /// UTF-8, of the first bad byte; for a missing token, one past the line's last character).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Why checking a trace stopped early.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The trace does not follow the format.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// The input could not be read.
    #[error("cannot read the trace: {0}")]
    Io(#[from] std::io::Error),
}
