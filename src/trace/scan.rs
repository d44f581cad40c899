//! The lexical rules of the trace format (TRACE.md "Lexical rules"): the tokens of one line, read
//! one at a time, left to right, without a token list.
//!
//! A token is a word (`A`, `S_OK`), an option (`key=value`, or `key="…"`), a string (`"…"`),
//! `=>`, or a token in error (a quote inside a word, a string with something glued after it, an
//! escape other than `\"` and `\\`, a string without its closing quote). Blanks are spaces and
//! tabs; a `#` outside a string starts a comment. Every character the rules name is ASCII and no
//! byte of a multi-byte UTF-8 character is, so the line is scanned byte by byte.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A bare word, without `=` and quotes.
    Word,
    /// `key=value` with a bare value; `eq` is the offset of the first `=` in the token.
    Pair { eq: usize },
    /// `key="…"`; `eq` as for [`Kind::Pair`], `escaped` when the string holds an escape.
    KeyStr { eq: usize, escaped: bool },
    /// `"…"`; `escaped` when it holds an escape.
    Str { escaped: bool },
    /// `=>`.
    Arrow,
    /// A token in error, with why; `eq` is the offset of its first `=` when it is an option
    /// (`text="a"b`).
    Bad {
        why: &'static str,
        eq: Option<usize>,
    },
}

/// One token: bytes `start..end` of the line.
#[derive(Clone, Copy, Debug)]
pub(super) struct Tok<'a> {
    pub(super) start: usize,
    pub(super) text: &'a str,
    pub(super) kind: Kind,
}

impl<'a> Tok<'a> {
    /// The byte offset one past the token.
    pub(super) fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// An option: `key=value`, `key="…"`, or a token in error that began as one.
    pub(super) fn is_option(&self) -> bool {
        matches!(
            self.kind,
            Kind::Pair { .. } | Kind::KeyStr { .. } | Kind::Bad { eq: Some(_), .. }
        )
    }

    /// The key of an option: the text before its first `=`.
    pub(super) fn key(&self) -> &'a str {
        match self.kind {
            Kind::Pair { eq } | Kind::KeyStr { eq, .. } | Kind::Bad { eq: Some(eq), .. } => {
                self.text.get(..eq).unwrap_or_default()
            }
            _ => "",
        }
    }

    /// The bare value of `key=value`.
    pub(super) fn value(&self) -> &'a str {
        match self.kind {
            Kind::Pair { eq } => self.text.get(eq + 1..).unwrap_or_default(),
            _ => "",
        }
    }

    /// The unescaped contents of `"…"` or `key="…"`.
    pub(super) fn string(&self) -> std::borrow::Cow<'a, str> {
        let (open, escaped) = match self.kind {
            Kind::KeyStr { eq, escaped } => (eq + 1, escaped),
            Kind::Str { escaped } => (0, escaped),
            _ => return std::borrow::Cow::Borrowed(""),
        };
        let raw = self
            .text
            .get(open + 1..self.text.len().saturating_sub(1))
            .unwrap_or_default();
        if !escaped {
            return std::borrow::Cow::Borrowed(raw);
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
        std::borrow::Cow::Owned(value)
    }
}

/// A blank: a space or a tab.
const BLANK: u8 = 1;
/// A byte that ends a word: a blank, `#`, `=` or `"`.
const ENDS_WORD: u8 = 2;

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
    class[b'"' as usize] = ENDS_WORD;
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
    text: &'a str,
    bytes: &'a [u8],
    /// Where the next token is looked for.
    pos: usize,
    /// The end of the last token read: one past the line's last character when nothing follows.
    last_end: usize,
    /// A token read by [`Scan::peek`] and not yet consumed.
    ahead: Option<Tok<'a>>,
}

impl<'a> Scan<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self::at(text, 0)
    }

    /// The tokens of `text` from byte `pos` on.
    pub(super) fn at(text: &'a str, pos: usize) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos,
            last_end: 0,
            ahead: None,
        }
    }

    /// The end of the last token read.
    pub(super) fn last_end(&self) -> usize {
        self.last_end
    }

    /// The next token, without consuming it.
    pub(super) fn peek(&mut self) -> Option<Tok<'a>> {
        if self.ahead.is_none() {
            self.ahead = self.lex();
        }
        self.ahead
    }

    /// The next token; `None` at the end of the line or at a comment.
    pub(super) fn next(&mut self) -> Option<Tok<'a>> {
        let tok = match self.ahead.take() {
            Some(tok) => Some(tok),
            None => self.lex(),
        };
        if let Some(tok) = tok {
            self.last_end = tok.end();
        }
        tok
    }

    fn at_byte(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    /// A `=>` starts at `i`.
    fn arrow_at(&self, i: usize) -> bool {
        self.at_byte(i) == Some(b'=') && self.at_byte(i + 1) == Some(b'>')
    }

    /// The offset of the first byte at or after `i` whose class has none of `bits`, or the
    /// line's length.
    #[inline(always)]
    fn skip(&self, i: usize, bits: u8) -> usize {
        let rest = self.bytes.get(i..).unwrap_or_default();
        i + rest
            .iter()
            .position(|&b| class(b) & bits == 0)
            .unwrap_or(rest.len())
    }

    /// The offset of the first byte at or after `i` whose class has one of `bits`, or the
    /// line's length.
    #[inline(always)]
    fn until(&self, i: usize, bits: u8) -> usize {
        let rest = self.bytes.get(i..).unwrap_or_default();
        i + rest
            .iter()
            .position(|&b| class(b) & bits != 0)
            .unwrap_or(rest.len())
    }

    /// Reads the token at the scanner's position.
    #[inline]
    fn lex(&mut self) -> Option<Tok<'a>> {
        let start = self.skip(self.pos, BLANK);
        let (end, kind) = match self.at_byte(start)? {
            b'#' => {
                self.pos = self.bytes.len();
                return None;
            }
            b'"' => match self.string(start) {
                Ok((end, escaped)) => self.glued(end, Kind::Str { escaped }, None),
                Err((end, why)) => (end, Kind::Bad { why, eq: None }),
            },
            b'=' if self.arrow_at(start) => (start + 2, Kind::Arrow),
            _ => self.word(start),
        };
        self.pos = end;
        Some(Tok {
            start,
            text: self.text.get(start..end).unwrap_or_default(),
            kind,
        })
    }

    /// A word or an option from `start`: it runs to a blank, a comment or `=>`; its first `=`
    /// makes it an option, and a quote right after that `=` opens its string.
    #[inline(always)]
    fn word(&self, start: usize) -> (usize, Kind) {
        let mut i = self.until(start, ENDS_WORD);
        let mut eq = None;
        loop {
            match self.at_byte(i) {
                Some(b'=') if self.at_byte(i + 1) == Some(b'>') => break,
                Some(b'=') => {
                    if eq.is_none() {
                        let key = i - start;
                        eq = Some(key);
                        if self.at_byte(i + 1) == Some(b'"') {
                            return match self.string(i + 1) {
                                Ok((end, escaped)) => {
                                    self.glued(end, Kind::KeyStr { eq: key, escaped }, Some(key))
                                }
                                Err((end, why)) => (end, Kind::Bad { why, eq: Some(key) }),
                            };
                        }
                    }
                    i = self.until(i + 1, ENDS_WORD);
                }
                Some(b'"') => {
                    let why = "a quote inside a word";
                    return (self.tail(i), Kind::Bad { why, eq });
                }
                _ => break,
            }
        }
        match eq {
            Some(eq) => (i, Kind::Pair { eq }),
            None => (i, Kind::Word),
        }
    }

    /// A string whose closing quote ends at `end` is `kind`, unless something other than a
    /// blank, a comment or `=>` is glued after it.
    fn glued(&self, end: usize, kind: Kind, eq: Option<usize>) -> (usize, Kind) {
        match self.at_byte(end) {
            None | Some(b' ' | b'\t' | b'#') => (end, kind),
            _ if self.arrow_at(end) => (end, kind),
            Some(_) => {
                let why = "something glued after a string";
                (self.tail(end), Kind::Bad { why, eq })
            }
        }
    }

    /// Where a token in error that continues at `i` ends: at a blank, a comment or `=>` (a quote
    /// there opens no string).
    fn tail(&self, mut i: usize) -> usize {
        while let Some(b) = self.at_byte(i) {
            if class(b) & BLANK != 0 || b == b'#' || self.arrow_at(i) {
                break;
            }
            i += 1;
        }
        i
    }

    /// A string whose opening quote is at `quote`: the offset after its closing quote and
    /// whether it holds an escape; or where the token in error ends, and why.
    fn string(&self, quote: usize) -> Result<(usize, bool), (usize, &'static str)> {
        let mut i = quote + 1;
        let mut escaped = false;
        let mut bad = None;
        loop {
            let rest = self.bytes.get(i..).unwrap_or_default();
            let Some(n) = memchr::memchr2(b'"', b'\\', rest) else {
                return Err((self.bytes.len(), "a string without its closing quote"));
            };
            i += n;
            if self.at_byte(i) == Some(b'"') {
                let end = i + 1;
                return match bad {
                    None => Ok((end, escaped)),
                    Some(why) => Err((self.tail(end), why)),
                };
            }
            // A backslash: only `\"` and `\\` are escapes.
            match self.at_byte(i + 1) {
                Some(b'"' | b'\\') => {
                    escaped = true;
                    i += 2;
                }
                _ => {
                    bad = Some("a string may only escape \\\" and \\\\");
                    i += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(line: &str) -> Vec<(usize, &str, Kind)> {
        let mut scan = Scan::new(line);
        std::iter::from_fn(|| scan.next())
            .map(|t| (t.start, t.text, t.kind))
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
                '=' => assert_eq!(got, [(0, "x=y", Kind::Pair { eq: 1 })], "{line:?}"),
                '"' => assert!(matches!(got[0].2, Kind::Bad { .. }), "{line:?}"),
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
        assert_eq!(
            tokens(r#"text="a b" "c""#)
                .iter()
                .map(|t| t.2)
                .collect::<Vec<_>>(),
            [
                Kind::KeyStr {
                    eq: 4,
                    escaped: false
                },
                Kind::Str { escaped: false }
            ]
        );
        // A quote after a later `=`, or inside a word: the token is in error from its start.
        for line in [r#"a=b="c""#, r#"ab"c d""#, r#""a"b"#, r#"text="a"b c"#] {
            let got = tokens(line);
            assert!(matches!(got[0].2, Kind::Bad { .. }), "{line}: {got:?}");
            assert_eq!(got[0].0, 0, "{line}");
        }
        // What may follow a string: a blank, a comment, `=>` or the end.
        for line in [r##""a" b"##, r##""a"#x"##, r##""a"=>S_OK"##, r##""a""##] {
            assert!(matches!(tokens(line)[0].2, Kind::Str { .. }), "{line}");
        }
    }

    #[test]
    fn strings_keep_blanks_hashes_and_arrows_and_unescape_two_escapes() {
        let got = tokens(r##""a # => \"b\" \\ c" x"##);
        assert_eq!(got.len(), 2);
        let tok = Scan::new(r##""a # => \"b\" \\ c""##).next().unwrap();
        assert_eq!(tok.string(), r##"a # => "b" \ c"##);
        for bad in [r#""a\nb""#, r#""open"#, r#""a\"#] {
            assert!(matches!(tokens(bad)[0].2, Kind::Bad { .. }), "{bad}");
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
