//! Reading a trace: lines out of a byte stream (TRACE.md "Lexical rules": LF or CRLF, UTF-8),
//! streaming, each at most [`MAX_LINE_BYTES`] long.
//!
//! [`TraceReader`] hands out one event at a time. [`for_each_line`], behind [`check`](super::check()),
//! is the fast path: it validates the UTF-8 of all the whole lines in the input's buffer at once
//! and hands each line out of the buffer in place; only a line that straddles two buffers is
//! copied.

use std::io::{self, BufRead, Read};

use super::error::{CheckError, SyntaxError};
use super::event::TraceEvent;
use super::syntax::{Line, MAX_LINE_BYTES, Parser};

/// The error for a line longer than [`MAX_LINE_BYTES`].
fn too_long(line: usize) -> CheckError {
    SyntaxError {
        line,
        column: 1,
        message: format!("a line longer than {MAX_LINE_BYTES} bytes"),
    }
    .into()
}

/// The error for a line whose first bytes, `valid`, are followed by bytes that are not UTF-8:
/// the leftmost token in error before them, else the first bad byte ([`Parser::not_utf8`]).
fn not_utf8(parser: &mut Parser, line: usize, valid: &[u8]) -> CheckError {
    let valid = std::str::from_utf8(valid).unwrap_or_default();
    parser.not_utf8(line, valid).into()
}

/// The offset of the first line feed in `bytes`.
fn line_feed(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
}

/// One line as read, with its LF or CRLF if it has one: its text without the line end, checked
/// for the length (first) and for UTF-8.
fn line_text<'b>(parser: &mut Parser, line: usize, bytes: &'b [u8]) -> Result<&'b str, CheckError> {
    let mut bytes = bytes;
    if let Some(rest) = bytes.strip_suffix(b"\n") {
        bytes = rest.strip_suffix(b"\r").unwrap_or(rest);
    }
    if bytes.len() > MAX_LINE_BYTES {
        return Err(too_long(line));
    }
    std::str::from_utf8(bytes).map_err(|err| {
        not_utf8(
            parser,
            line,
            bytes.get(..err.valid_up_to()).unwrap_or_default(),
        )
    })
}

/// Hands each line of `input` to `f` with `parser` and its number, in order, without its line
/// end, until the input ends or `f` fails; `parser` also locates the error of a line that is not
/// UTF-8.
///
/// # Errors
/// A line longer than [`MAX_LINE_BYTES`] or not UTF-8, a read error, or `f`'s error.
pub(super) fn for_each_line<E: From<CheckError>>(
    mut input: impl BufRead,
    parser: &mut Parser,
    mut f: impl FnMut(&mut Parser, usize, &str) -> Result<(), E>,
) -> Result<(), E> {
    let mut line = 0;
    // The start of a line that continues past the input's buffer.
    let mut partial = Vec::new();
    loop {
        let buffer = match input.fill_buf() {
            Ok(buffer) => buffer,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(CheckError::from(err).into()),
        };
        if buffer.is_empty() {
            // The last line has no line end.
            if !partial.is_empty() {
                line += 1;
                let text = line_text(parser, line, &partial)?;
                f(parser, line, text)?;
            }
            return Ok(());
        }
        let used = match memchr::memrchr(b'\n', buffer) {
            Some(last) if partial.is_empty() => {
                whole_lines(
                    parser,
                    &mut line,
                    buffer.get(..=last).unwrap_or_default(),
                    &mut f,
                )?;
                last + 1
            }
            _ => {
                // Gather the line, but never more than the limit and its CRLF: a longer line is
                // in error whatever follows.
                let end = line_feed(buffer).map_or(buffer.len(), |n| n + 1);
                let used = end.min((MAX_LINE_BYTES + 2).saturating_sub(partial.len()));
                partial.extend_from_slice(buffer.get(..used).unwrap_or_default());
                if partial.ends_with(b"\n") || partial.len() >= MAX_LINE_BYTES + 2 {
                    line += 1;
                    let text = line_text(parser, line, &partial)?;
                    f(parser, line, text)?;
                    partial.clear();
                }
                used
            }
        };
        input.consume(used);
    }
}

/// Hands out each line of `bytes`, which ends with a line feed: their UTF-8 is checked at once.
fn whole_lines<E: From<CheckError>>(
    parser: &mut Parser,
    line: &mut usize,
    bytes: &[u8],
    f: &mut impl FnMut(&mut Parser, usize, &str) -> Result<(), E>,
) -> Result<(), E> {
    let (mut text, valid) = match std::str::from_utf8(bytes) {
        Ok(text) => (text, true),
        Err(err) => {
            let valid = bytes.get(..err.valid_up_to()).unwrap_or_default();
            (std::str::from_utf8(valid).unwrap_or_default(), false)
        }
    };
    let valid_len = text.len();
    // One search over the buffer for every line end (a search per line costs its start-up each
    // time).
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        *line += 1;
        let with_cr = text.get(start..end).unwrap_or_default();
        let line_text = with_cr.strip_suffix('\r').unwrap_or(with_cr);
        if line_text.len() > MAX_LINE_BYTES {
            return Err(too_long(*line).into());
        }
        f(parser, *line, line_text)?;
        start = end + 1;
    }
    text = text.get(start..).unwrap_or_default();
    if valid {
        return Ok(());
    }
    // `text` is the valid start of the line that holds the first byte that is not UTF-8.
    *line += 1;
    let start = valid_len - text.len();
    let rest = bytes.get(start..).unwrap_or_default();
    let line_end = line_feed(rest).unwrap_or(rest.len());
    let content = rest.get(..line_end).unwrap_or_default();
    if content.strip_suffix(b"\r").unwrap_or(content).len() > MAX_LINE_BYTES {
        return Err(too_long(*line).into());
    }
    Err(not_utf8(parser, *line, text.as_bytes()).into())
}

/// Reads a trace line by line (LF or CRLF), streaming: one line's buffer at a time, at most
/// [`MAX_LINE_BYTES`] long. ([`check`](super::check()) reads faster: it takes the input's buffer whole.)
#[derive(Debug)]
pub struct TraceReader<R> {
    input: R,
    parser: Parser,
    line: usize,
    buffer: Vec<u8>,
}

impl<R: BufRead> TraceReader<R> {
    /// A reader over `input`.
    pub fn new(input: R) -> Self {
        Self {
            input,
            parser: Parser::new(),
            line: 0,
            buffer: Vec::new(),
        }
    }

    /// The next event, skipping blank lines, comments and declarations; `None` at the end.
    ///
    /// # Errors
    /// A syntax error (with its line and column) or a read error.
    pub fn next_event(&mut self) -> Result<Option<TraceEvent>, CheckError> {
        loop {
            self.buffer.clear();
            // The limit, a CR and the LF.
            let limit = MAX_LINE_BYTES as u64 + 2;
            if self
                .input
                .by_ref()
                .take(limit)
                .read_until(b'\n', &mut self.buffer)?
                == 0
            {
                return Ok(None);
            }
            self.line += 1;
            let text = line_text(&mut self.parser, self.line, &self.buffer)?;
            if let Line::Event(event) = self.parser.parse_line(self.line, text)? {
                return Ok(Some(event));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

    use super::*;

    /// Every line `for_each_line` hands out, or the error it stops at.
    fn lines(input: impl BufRead) -> Vec<String> {
        let mut seen = Vec::new();
        let end = for_each_line::<CheckError>(input, &mut Parser::new(), |_, n, text| {
            seen.push(format!("{n}: {text}"));
            Ok(())
        });
        if let Err(err) = end {
            seen.push(err.to_string());
        }
        seen
    }

    #[test]
    fn lines_are_the_same_whatever_the_buffer_size() {
        let input: &[u8] = b"a\r\n\nb \xC3\xA9 c\r\r\n\rd\ne\xFF\nnever reached\n";
        let whole = lines(input);
        assert_eq!(
            whole,
            [
                "1: a",
                "2: ",
                "3: b \u{e9} c\r",
                "4: \rd",
                "5:2: parse error: the input is not valid UTF-8",
            ]
        );
        for capacity in 1..=9 {
            assert_eq!(lines(BufReader::with_capacity(capacity, input)), whole);
        }
        assert_eq!(lines(&b"last\r"[..]), ["1: last\r"]);
    }

    #[test]
    fn a_long_line_is_an_error_in_one_buffer_or_across_several() {
        let mut input = b"ok\n".to_vec();
        input.resize(3 + MAX_LINE_BYTES, b'x');
        input.extend_from_slice(b"\n");
        let fits = [
            "1: ok".to_owned(),
            format!("2: {}", "x".repeat(MAX_LINE_BYTES)),
        ];
        assert_eq!(lines(&input[..]), fits);
        assert_eq!(lines(BufReader::with_capacity(4096, &input[..])), fits);
        input.insert(3, b'x');
        let long = [
            "1: ok",
            "2:1: parse error: a line longer than 67108864 bytes",
        ];
        assert_eq!(lines(&input[..]), long);
        assert_eq!(lines(BufReader::with_capacity(4096, &input[..])), long);
        input.pop();
        assert_eq!(lines(BufReader::with_capacity(4096, &input[..])), long);
    }
}
