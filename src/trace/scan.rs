//! The lexical rules of the trace format (TRACE.md "Lexical rules"): the tokens of one line, read
//! one at a time, left to right, without a token list.
//!
//! A token is a word (`A`, `S_OK`), an option (`key=value`, or `key="…"`), a string (`"…"`),
//! `=>`, or a token in error (a quote inside a word, a string with something glued after it, an
//! escape other than `\"` and `\\`, a string without its closing quote). Blanks are spaces and
//! tabs; a `#` outside a string starts a comment. Every character the rules name is ASCII and no
//! byte of a multi-byte UTF-8 character is, so the line is scanned byte by byte. A token is 16
//! bytes of offsets, so reading one costs no copy of its text.

use std::borrow::Cow;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A bare word, without `=` and quotes.
    Word,
    /// `key=value` with a bare value.
    Pair,
    /// `key="…"`.
    KeyStr,
    /// `"…"`.
    Str,
    /// `=>`.
    Arrow,
    /// A token in error.
    Bad,
}

/// Why a token is in error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Why {
    /// Not in error.
    None,
    QuoteInWord,
    Glued,
    Escape,
    Unterminated,
}

impl Why {
    pub(super) const fn message(self) -> &'static str {
        match self {
            Self::None => "a token in error",
            Self::QuoteInWord => "a quote inside a word",
            Self::Glued => "something glued after a string",
            Self::Escape => "a string may only escape \\\" and \\\\",
            Self::Unterminated => "a string without its closing quote",
        }
    }
}

/// No `=` in the token.
const NO_EQ: u32 = u32::MAX;

/// One token: bytes `start..end` of its line (lines are at most 64 MiB, so offsets fit 32 bits).
#[derive(Clone, Copy, Debug)]
pub(super) struct Tok {
    start: u32,
    end: u32,
    /// The offset of the token's first `=` from its start ([`NO_EQ`] if none): a `Pair`, a
    /// `KeyStr`, or a `Bad` token that began as an option.
    eq: u32,
    pub(super) kind: Kind,
    /// A string token holds an escape.
    escaped: bool,
    pub(super) why: Why,
}

impl Tok {
    /// The byte offset of the token in its line.
    pub(super) const fn start(&self) -> usize {
        self.start as usize
    }

    /// The byte offset one past the token.
    pub(super) const fn end(&self) -> usize {
        self.end as usize
    }

    /// An option: `key=value`, `key="…"`, or a token in error that began as one.
    pub(super) const fn is_option(&self) -> bool {
        self.eq != NO_EQ
    }

    /// The token's text in `line`.
    #[inline(always)]
    pub(super) fn text<'a>(&self, line: &'a str) -> &'a str {
        line.get(self.start()..self.end()).unwrap_or_default()
    }

    /// The key of an option: the text before its first `=`.
    pub(super) fn key<'a>(&self, line: &'a str) -> &'a str {
        if self.is_option() {
            line.get(self.start()..self.start() + self.eq as usize)
                .unwrap_or_default()
        } else {
            ""
        }
    }

    /// The bare value of `key=value`.
    #[inline(always)]
    pub(super) fn value<'a>(&self, line: &'a str) -> &'a str {
        if self.kind == Kind::Pair {
            line.get(self.start() + self.eq as usize + 1..self.end())
                .unwrap_or_default()
        } else {
            ""
        }
    }

    /// The unescaped contents of `"…"` or `key="…"`.
    pub(super) fn string<'a>(&self, line: &'a str) -> Cow<'a, str> {
        let open = match self.kind {
            Kind::KeyStr => self.start() + self.eq as usize + 1,
            Kind::Str => self.start(),
            _ => return Cow::Borrowed(""),
        };
        let raw = line
            .get(open + 1..self.end().saturating_sub(1))
            .unwrap_or_default();
        if !self.escaped {
            return Cow::Borrowed(raw);
        }
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                value.extend(chars.next());
            } else {
                value.push(c);
            }
        }
        Cow::Owned(value)
    }
}

/// A blank: a space or a tab.
const BLANK: u8 = 1;
/// A byte that ends a word: a blank, `#`, `=` or `"`.
const ENDS_WORD: u8 = 2;
/// A byte a string stops at: `"` or `\`.
const ENDS_STRING: u8 = 4;

/// The class bits of each byte: one load and one test a byte, where a chain of comparisons
/// costs five.
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of range fails the build"
)]
static CLASS: [u8; 256] = {
    let mut class = [0; 256];
    class[b' ' as usize] = BLANK | ENDS_WORD;
    class[b'\t' as usize] = BLANK | ENDS_WORD;
    class[b'#' as usize] = ENDS_WORD;
    class[b'=' as usize] = ENDS_WORD;
    class[b'"' as usize] = ENDS_WORD | ENDS_STRING;
    class[b'\\' as usize] = ENDS_STRING;
    class
};

#[inline(always)]
fn class(b: u8) -> u8 {
    #[allow(
        clippy::indexing_slicing,
        reason = "a table of 256 entries, indexed by a byte: always in range"
    )]
    CLASS[usize::from(b)]
}

/// The tokens of one line.
#[derive(Clone, Debug)]
pub(super) struct Scan<'a> {
    bytes: &'a [u8],
    /// Where the next token is looked for.
    pos: usize,
    /// The end of the last token read: one past the line's last character when nothing follows.
    last_end: usize,
    /// A token read by [`Scan::peek`] and not yet consumed.
    ahead: Option<Tok>,
}

impl<'a> Scan<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self::at(text, 0)
    }

    /// The tokens of `text` from byte `pos` on.
    pub(super) fn at(text: &'a str, pos: usize) -> Self {
        Self {
            bytes: text.as_bytes(),
            pos,
            last_end: 0,
            ahead: None,
        }
    }

    /// The end of the last token read.
    pub(super) const fn last_end(&self) -> usize {
        self.last_end
    }

    /// The next token, without consuming it.
    #[inline]
    pub(super) fn peek(&mut self) -> Option<Tok> {
        if self.ahead.is_none() {
            self.ahead = self.lex();
        }
        self.ahead
    }

    /// The next token; `None` at the end of the line or at a comment.
    #[inline]
    pub(super) fn next(&mut self) -> Option<Tok> {
        let tok = match self.ahead.take() {
            Some(tok) => Some(tok),
            None => self.lex(),
        };
        if let Some(tok) = tok {
            self.last_end = tok.end();
        }
        tok
    }

    #[inline(always)]
    fn at_byte(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    /// The offset of the first byte at or after `i` whose class has one of `bits` (or none,
    /// with `not`), or the line's length.
    #[inline(always)]
    fn find(&self, i: usize, bits: u8, not: bool) -> usize {
        let rest = self.bytes.get(i..).unwrap_or_default();
        i + rest
            .iter()
            .position(|&b| (class(b) & bits != 0) != not)
            .unwrap_or(rest.len())
    }

    /// Reads the token at the scanner's position.
    #[inline]
    fn lex(&mut self) -> Option<Tok> {
        let start = self.find(self.pos, BLANK, true);
        let mut tok = Tok {
            start: start as u32,
            end: 0,
            eq: NO_EQ,
            kind: Kind::Word,
            escaped: false,
            why: Why::None,
        };
        let end = match self.at_byte(start)? {
            b'#' => {
                self.pos = self.bytes.len();
                return None;
            }
            b'"' => {
                tok.kind = Kind::Str;
                self.string(start, &mut tok)
            }
            b'=' if self.at_byte(start + 1) == Some(b'>') => {
                tok.kind = Kind::Arrow;
                start + 2
            }
            _ => self.word(start, &mut tok),
        };
        self.pos = end;
        tok.end = end as u32;
        Some(tok)
    }

    /// A word or an option from `start`: it runs to a blank, a comment or `=>`; its first `=`
    /// makes it an option, and a quote right after that `=` opens its string. The token's end.
    #[inline(always)]
    fn word(&self, start: usize, tok: &mut Tok) -> usize {
        let mut i = self.find(start, ENDS_WORD, false);
        loop {
            match self.at_byte(i) {
                Some(b'=') if self.at_byte(i + 1) == Some(b'>') => return i,
                Some(b'=') => {
                    if tok.eq == NO_EQ {
                        tok.eq = (i - start) as u32;
                        tok.kind = Kind::Pair;
                        if self.at_byte(i + 1) == Some(b'"') {
                            tok.kind = Kind::KeyStr;
                            return self.string(i + 1, tok);
                        }
                    }
                    i = self.find(i + 1, ENDS_WORD, false);
                }
                Some(b'"') => return self.bad(tok, Why::QuoteInWord, i),
                _ => return i,
            }
        }
    }

    /// `tok` is in error for `why`; it continues at `i`. Its end.
    #[cold]
    fn bad(&self, tok: &mut Tok, why: Why, i: usize) -> usize {
        tok.kind = Kind::Bad;
        tok.why = why;
        self.tail(i)
    }

    /// Where a token in error that continues at `i` ends: at a blank, a comment or `=>` (a quote
    /// there opens no string).
    fn tail(&self, mut i: usize) -> usize {
        while let Some(b) = self.at_byte(i) {
            if class(b) & BLANK != 0
                || b == b'#'
                || (b == b'=' && self.at_byte(i + 1) == Some(b'>'))
            {
                break;
            }
            i += 1;
        }
        i
    }

    /// The string of `tok` whose opening quote is at `quote`: the token's end. Only a blank, a
    /// comment, `=>` or the line's end may follow the closing quote.
    #[inline(always)]
    fn string(&self, quote: usize, tok: &mut Tok) -> usize {
        let mut i = quote + 1;
        let mut why = Why::None;
        loop {
            i = self.find(i, ENDS_STRING, false);
            match self.at_byte(i) {
                None => {
                    tok.kind = Kind::Bad;
                    tok.why = Why::Unterminated;
                    return self.bytes.len();
                }
                Some(b'"') => break,
                // A backslash: only `\"` and `\\` are escapes.
                _ => match self.at_byte(i + 1) {
                    Some(b'"' | b'\\') => {
                        tok.escaped = true;
                        i += 2;
                    }
                    _ => {
                        why = Why::Escape;
                        i += 1;
                    }
                },
            }
        }
        let end = i + 1;
        if why != Why::None {
            return self.bad(tok, why, end);
        }
        match self.at_byte(end) {
            None | Some(b' ' | b'\t' | b'#') => end,
            Some(b'=') if self.at_byte(end + 1) == Some(b'>') => end,
            Some(_) => self.bad(tok, Why::Glued, end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(line: &str) -> Vec<(usize, &str, Kind)> {
        let mut scan = Scan::new(line);
        std::iter::from_fn(|| scan.next())
            .map(|t| (t.start(), t.text(line), t.kind))
            .collect()
    }

    #[test]
    fn only_blanks_comments_quotes_and_equals_end_a_word() {
        for c in (1..=0x7F_u8)
            .map(char::from)
            .chain(['é', '€', '𝄞', '\u{A0}', '\r'])
        {
            let line = format!("x{c}y");
            let got = tokens(&line);
            match c {
                ' ' | '\t' => assert_eq!(got.len(), 2, "{line:?}"),
                '#' => assert_eq!(got, [(0, "x", Kind::Word)], "{line:?}"),
                '=' => assert_eq!(got, [(0, "x=y", Kind::Pair)], "{line:?}"),
                '"' => assert_eq!(got[0].2, Kind::Bad, "{line:?}"),
                _ => assert_eq!(got, [(0, line.as_str(), Kind::Word)], "{line:?}"),
            }
        }
    }

    #[test]
    fn an_arrow_is_a_token_of_its_own_and_ends_a_word() {
        let got = tokens(" \t a=>b\t a==>c");
        let texts: Vec<&str> = got.iter().map(|t| t.1).collect();
        assert_eq!(texts, ["a", "=>", "b", "a=", "=>", "c"]);
        assert_eq!(got[1].2, Kind::Arrow);
    }

    #[test]
    fn a_string_may_begin_only_at_a_token_start_or_after_the_first_equals() {
        let kinds: Vec<Kind> = tokens(r#"text="a b" "c""#).iter().map(|t| t.2).collect();
        assert_eq!(kinds, [Kind::KeyStr, Kind::Str]);
        // A quote after a later `=`, or inside a word: the token is in error from its start.
        for line in [r#"a=b="c""#, r#"ab"c d""#, r#""a"b"#, r#"text="a"b c"#] {
            let got = tokens(line);
            assert_eq!(got[0].2, Kind::Bad, "{line}: {got:?}");
            assert_eq!(got[0].0, 0, "{line}");
        }
        // What may follow a string: a blank, a comment, `=>` or the end.
        for line in [r##""a" b"##, r##""a"#x"##, r##""a"=>S_OK"##, r##""a""##] {
            assert_eq!(tokens(line)[0].2, Kind::Str, "{line}");
        }
    }

    #[test]
    fn strings_keep_blanks_hashes_and_arrows_and_unescape_two_escapes() {
        let line = r##""a # => \"b\" \\ c" x"##;
        assert_eq!(tokens(line).len(), 2);
        let tok = Scan::new(line).next().unwrap();
        assert_eq!(tok.string(line), r##"a # => "b" \ c"##);
        for bad in [r#""a\nb""#, r#""open"#, r#""a\"#] {
            assert_eq!(tokens(bad)[0].2, Kind::Bad, "{bad}");
        }
    }

    #[test]
    fn a_lone_cr_is_an_ordinary_character() {
        assert_eq!(
            tokens("a\rb c"),
            [(0, "a\rb", Kind::Word), (4, "c", Kind::Word)]
        );
    }
}
