//! The lexical rules of trace format v1 (TRACE.md "Lexical rules"): a line split into tokens.
//!
//! Tokens are byte ranges into the line, kept in a buffer the parser reuses from line to line, and
//! strings are unescaped only when their value is asked for, so a line costs no allocation.
//! Columns count characters, but only an error needs one: [`column`] counts them then.

use std::borrow::Cow;

use super::error::{Shown, SyntaxError};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A bare word without `=`: a positional argument or a flag.
    Word,
    /// A bare word with `=` (`key=value`); `eq` is the offset of its first `=` in the token.
    Pair { eq: usize },
    /// `key="…"`: `eq` as for [`Kind::Pair`], `quote` the offset of the opening quote in the
    /// token; `escaped` when the string holds an escape.
    KeyStr {
        eq: usize,
        quote: usize,
        escaped: bool,
    },
    /// A quoted string.
    Str,
    /// `=>`.
    Arrow,
}

/// Where a token is in its line: bytes `start..end`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) kind: Kind,
}

/// A token with its text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Token<'a> {
    /// The byte offset of the token in its line (see [`column`]).
    pub(super) start: usize,
    pub(super) text: &'a str,
    pub(super) kind: Kind,
}

impl<'a> Token<'a> {
    /// The token `span` of `line`.
    pub(super) fn new(line: &'a str, span: &Span) -> Self {
        Self {
            start: span.start,
            text: line.get(span.start..span.end).unwrap_or_default(),
            kind: span.kind,
        }
    }

    /// The key of a `key=value` token: the text before its first `=` (a bare word's whole text).
    pub(super) fn key(&self) -> &'a str {
        match self.kind {
            Kind::Pair { eq } | Kind::KeyStr { eq, .. } => self.text.get(..eq).unwrap_or_default(),
            _ => self.text.split('=').next().unwrap_or_default(),
        }
    }

    /// The value of a `key=value` token (for `key="…"`, the unescaped string); empty for a bare
    /// word.
    pub(super) fn value(&self) -> Cow<'a, str> {
        match self.kind {
            Kind::KeyStr { quote, escaped, .. } => {
                // The string runs from after the opening quote to before the closing one.
                let raw = self
                    .text
                    .get(quote + 1..self.text.len().saturating_sub(1))
                    .unwrap_or_default();
                if escaped {
                    Cow::Owned(unescape(raw))
                } else {
                    Cow::Borrowed(raw)
                }
            }
            Kind::Pair { eq } => Cow::Borrowed(self.text.get(eq + 1..).unwrap_or_default()),
            Kind::Word => Cow::Borrowed(""),
            Kind::Str | Kind::Arrow => {
                Cow::Borrowed(self.text.split_once('=').map_or("", |(_, v)| v))
            }
        }
    }
}

/// The 1-based column, in characters, of byte `offset` of `line`.
pub(super) fn column(line: &str, offset: usize) -> usize {
    line.get(..offset).unwrap_or(line).chars().count() + 1
}

/// A string's contents without its escapes (`\"` and `\\`, already checked by [`tokenize`]).
fn unescape(raw: &str) -> String {
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            value.extend(chars.next());
        } else {
            value.push(c);
        }
    }
    value
}

/// Reads a string whose opening quote is at `quote`: the offset after its closing quote, and
/// whether it holds an escape.
fn string(bytes: &[u8], quote: usize) -> Result<(usize, bool), &'static str> {
    let mut i = quote + 1;
    let mut escaped = false;
    loop {
        match bytes.get(i) {
            None => return Err("a string without its closing quote"),
            Some(b'"') => return Ok((i + 1, escaped)),
            Some(b'\\') => match bytes.get(i + 1) {
                Some(b'"' | b'\\') => {
                    escaped = true;
                    i += 2;
                }
                _ => return Err("a string may only escape \\\" and \\\\"),
            },
            Some(_) => i += 1,
        }
    }
}

/// A byte that ends a word: a blank, `#`, `=` or `"`.
const ENDS_WORD: u8 = 1;
/// A blank: a space or a tab.
const BLANK: u8 = 2;

/// The class bits of each byte. Scanning with a table costs one load and one test a byte, where
/// a chain of comparisons costs five.
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of range fails the build"
)]
static CLASS: [u8; 256] = {
    let mut class = [0; 256];
    class[b' ' as usize] = ENDS_WORD | BLANK;
    class[b'\t' as usize] = ENDS_WORD | BLANK;
    class[b'#' as usize] = ENDS_WORD;
    class[b'=' as usize] = ENDS_WORD;
    class[b'"' as usize] = ENDS_WORD;
    class
};

/// The offset of the first byte at or after `i` whose class has none of `bits` (when `skip`) or
/// one of them (otherwise), or the length of `bytes`.
#[inline(always)]
fn scan(bytes: &[u8], mut i: usize, bits: u8, skip: bool) -> usize {
    while let Some(&b) = bytes.get(i) {
        // `get` would compile to a larger loop (measured), though it cannot miss either.
        #[allow(
            clippy::indexing_slicing,
            reason = "a table of 256 entries, indexed by a byte: always in range"
        )]
        let class = CLASS[usize::from(b)];
        if (class & bits != 0) != skip {
            break;
        }
        i += 1;
    }
    i
}

/// The offset of the first byte at or after `i` that is not a blank.
#[inline(always)]
fn skip_blanks(bytes: &[u8], i: usize) -> usize {
    scan(bytes, i, BLANK, true)
}

/// The offset of the first byte at or after `i` that ends a word.
#[inline(always)]
fn word_end(bytes: &[u8], i: usize) -> usize {
    scan(bytes, i, ENDS_WORD, false)
}

/// Splits a line into tokens (TRACE.md "Lexical rules"), into `tokens` (cleared first).
///
/// Every character the rules name is ASCII, and no byte of a multi-byte UTF-8 character is, so
/// the line is scanned byte by byte.
pub(super) fn tokenize(
    line_no: usize,
    line: &str,
    tokens: &mut Vec<Span>,
) -> Result<(), SyntaxError> {
    tokens.clear();
    let bytes = line.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let error = |offset: usize, message: String| SyntaxError {
        line: line_no,
        column: column(line, offset),
        message,
    };
    // After a string only a blank, a comment, `=>` or the line's end may come.
    let after_string = |i: usize| match at(i) {
        None | Some(b' ' | b'\t' | b'#') => Ok(()),
        Some(b'=') if at(i + 1) == Some(b'>') => Ok(()),
        Some(_) => {
            let c = line
                .get(i..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or_default();
            Err(error(
                i,
                format!(
                    "unexpected {} after a string",
                    Shown(c.encode_utf8(&mut [0; 4]))
                ),
            ))
        }
    };
    let mut i = skip_blanks(bytes, 0);
    while let Some(b) = at(i) {
        let start = i;
        let kind = match b {
            b'#' => break,
            b'"' => {
                let (end, _) = string(bytes, i).map_err(|message| error(i, message.into()))?;
                after_string(end)?;
                i = end;
                Kind::Str
            }
            b'=' if at(i + 1) == Some(b'>') => {
                i += 2;
                Kind::Arrow
            }
            _ => {
                // A word runs to a blank, a comment or `=>`; a quote may only open the string of
                // a `key="…"`.
                let mut kind = Kind::Word;
                loop {
                    i = word_end(bytes, i);
                    match at(i) {
                        Some(b'=') if at(i + 1) != Some(b'>') => {
                            if kind == Kind::Word {
                                kind = Kind::Pair { eq: i - start };
                            }
                            i += 1;
                        }
                        Some(b'"') if i > start && at(i - 1) == Some(b'=') => {
                            let (end, escaped) =
                                string(bytes, i).map_err(|message| error(start, message.into()))?;
                            after_string(end)?;
                            kind = Kind::KeyStr {
                                // The `=` before the quote is the first one, or a later one.
                                eq: match kind {
                                    Kind::Pair { eq } => eq,
                                    _ => i - 1 - start,
                                },
                                quote: i - start,
                                escaped,
                            };
                            i = end;
                            break;
                        }
                        Some(b'"') => return Err(error(i, "a quote inside a word".into())),
                        _ => break,
                    }
                }
                kind
            }
        };
        tokens.push(Span {
            start,
            end: i,
            kind,
        });
        i = skip_blanks(bytes, i);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(line: &str) -> Vec<(usize, usize, Kind)> {
        let mut tokens = Vec::new();
        tokenize(1, line, &mut tokens).unwrap();
        tokens.iter().map(|s| (s.start, s.end, s.kind)).collect()
    }

    #[test]
    fn only_blanks_comments_quotes_and_equals_end_a_word() {
        // Every character but those five stays inside the word `x?y`.
        for c in (1..=0x7F_u8)
            .map(char::from)
            .chain(['é', '€', '𝄞', '\u{A0}'])
        {
            let line = format!("x{c}y");
            let end = line.len();
            let expected = match c {
                ' ' | '\t' => vec![(0, 1, Kind::Word), (2, 3, Kind::Word)],
                '#' => vec![(0, 1, Kind::Word)],
                '=' => vec![(0, 3, Kind::Pair { eq: 1 })],
                '"' => {
                    assert!(tokenize(1, &line, &mut Vec::new()).is_err(), "{line:?}");
                    continue;
                }
                _ => vec![(0, end, Kind::Word)],
            };
            assert_eq!(spans(&line), expected, "{line:?}");
        }
    }

    #[test]
    fn blanks_around_tokens_are_skipped_and_an_arrow_splits_a_word() {
        assert_eq!(
            spans(" \t a=>b\t"),
            [(3, 4, Kind::Word), (4, 6, Kind::Arrow), (6, 7, Kind::Word)]
        );
        assert_eq!(spans("\t \t"), []);
    }
}
