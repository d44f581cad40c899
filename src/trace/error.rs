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
    /// UTF-8 and no token left of it in error, of the first bad byte; for a missing token, one
    /// past the line's last character).
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

/// A token of the input as a message shows it: in backquotes, with control characters and
/// other characters that are not printable text escaped (`\u{1b}`), so a hostile trace cannot
/// write to the terminal through an error message, and shortened past [`Shown::MAX_CHARS`]
/// characters, with its length.
pub(crate) struct Shown<'a>(pub(crate) &'a str);

impl Shown<'_> {
    /// The longest token shown whole, in characters.
    pub(crate) const MAX_CHARS: usize = 40;
    /// How much of a longer token is shown.
    const HEAD_CHARS: usize = 32;

    /// A character a terminal could take for something else than text.
    fn is_hidden(c: char) -> bool {
        c.is_control()
            // Line and paragraph separators, bidirectional controls, zero-width and BOM.
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    }
}

impl core::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use core::fmt::Write as _;
        let chars = self.0.chars().count();
        let shown = if chars > Self::MAX_CHARS {
            Self::HEAD_CHARS
        } else {
            chars
        };
        f.write_char('`')?;
        for c in self.0.chars().take(shown) {
            if Self::is_hidden(c) {
                write!(f, "\\u{{{:x}}}", u32::from(c))?;
            } else {
                f.write_char(c)?;
            }
        }
        f.write_char('`')?;
        if shown < chars {
            write!(f, "… ({chars} characters)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Shown;

    #[test]
    fn a_shown_token_escapes_what_a_terminal_would_act_on() {
        assert_eq!(Shown("a\u{0}b\rc").to_string(), "`a\\u{0}b\\u{d}c`");
        assert_eq!(
            Shown("\u{1b}]0;pwned\u{7}").to_string(),
            "`\\u{1b}]0;pwned\\u{7}`"
        );
        assert_eq!(Shown("\u{202e}éa").to_string(), "`\\u{202e}éa`");
    }

    #[test]
    fn a_long_token_is_shortened_with_its_length() {
        let long = "x".repeat(1 << 20);
        assert_eq!(
            Shown(&long).to_string(),
            format!("`{}`… (1048576 characters)", "x".repeat(32))
        );
        let edge = "y".repeat(Shown::MAX_CHARS);
        assert_eq!(Shown(&edge).to_string(), format!("`{edge}`"));
    }
}
