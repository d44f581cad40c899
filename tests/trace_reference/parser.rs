//! An independent reference parser for the trace format of `TRACE.md` (revision 4), written from the
//! specification alone (no code of the crate was read). It depends only on `std` and `uuid`.
//!
//! # Interpretations
//!
//! Where `TRACE.md` can be read two ways, this parser takes the reading below. Numbers are cited by
//! the self-tests and the report.
//!
//! 1. **Blanks** are exactly space (U+0020) and tab (U+0009). Every other character (CR, NUL, ESC,
//!    U+00A0, …) is an ordinary character of a word.
//! 2. **Comments**: a `#` outside a quoted string starts a comment wherever it is, also glued to a
//!    word (`A#x` is the word `A` and a comment; `cookie=#x` is an empty cookie and a comment). Inside
//!    an unterminated string a `#` belongs to the string.
//! 3. **`=>`** is recognised greedily left to right outside strings: `a==>b` is `a=`, `=>`, `b`;
//!    `mask=>S_OK` is `mask`, `=>`, `S_OK`. A token ends at a blank, at `#`, or where a `=>` begins.
//! 4. **Token start**: a token starts at the beginning of the line, after a blank, or right after a
//!    `=>`. A string may begin there, or right after the *first* `=` of a token when no `"` precedes
//!    that `=` in the token (`key=` is the text before that first `=`, possibly empty: `="a b"` is one
//!    token with an empty, hence unknown, key).
//! 5. **Bad strings**: an unknown escape (`\` followed by anything but `"` or `\`, or by the end of
//!    the line), an unterminated string (it runs to the end of the line, blanks and `#` included), and
//!    a string whose closing quote is followed by anything but a blank, `=>`, `#` or the end of the
//!    line make the whole token (from its first character: the quote, or the key of a `key="…"`) a
//!    token in error. A glued tail runs to the next blank, `#` or `=>`; a quote inside the tail is a
//!    stray quote and starts no string.
//! 6. **Stray quotes**: a `"` inside a word (not at the token start, not right after the first `=`)
//!    makes the token in error; the token runs to the next blank, `#` or `=>` (the quote starts no
//!    string, so `ab"c d"` is the tokens `ab"c` and `d"`, both in error).
//! 7. **Token classes** (after the event word): `=>`; a *string token* (starts with `"`); an *option*
//!    (a token with a `=` and no `"` before its first `=`, or the bare flag word `jump` on LogError);
//!    otherwise a *word*. `jump=…` is an unknown key, not the flag. Outside LogError `jump` is a word
//!    (e.g. a NAME in an ITEMS list).
//! 8. **Key presence** (for the mask rules): a key is present when an option with that known key
//!    appears before `=>`, whether or not its value is well formed (`text="a"b`, `value=x` and
//!    `text=bare` make their key present). Options after `=> HR` are not part of the event and make
//!    no key present (`Progress A mask=0x1 => S_OK text="x"` is in error at `mask=0x1`).
//! 9. **Leftmost error**: every token of the line is checked, also after a first error; the error
//!    reported is the one whose token starts leftmost. Errors that concern the same token share its
//!    column, so which message wins does not matter (only the column is compared). Errors that are
//!    decided by a later token are reported at the earlier token they concern: a mask bit without
//!    its key at `mask=`, an option before a positional argument at the option.
//! 10. **A required positional argument** (FLAGS, ITEM, STATUS, METHOD, HR, LEVEL, LogError's text,
//!     `set|null`, `true|false`) whose place holds an option is in error at that option, also when no
//!     positional argument follows (`LogError ERROR jump` is in error at `jump`, `Progress mask=0x0`
//!     at `mask=0x0`); a `=>` in its place is in error at the `=>`; a missing one (no token left) is
//!     reported one column past the line's last token.
//! 11. **Open-ended positionals**: an ITEMS list (EnumSyncMgrItems, PrepareForSync,
//!     ShowErrorCompleted) ends at the first option or `=>`; every word or string token before it is
//!     an ID (a string token is a quoted ID, in error). EstablishConnection's optional name is the
//!     first token after the event word if that token is neither an option nor `=>`; a word there is
//!     in error (not a string).
//! 12. **After the options**, a word or string token (before `=>`) is a positional argument after an
//!     option when the event still has an open positional (an ITEMS list that ended at an option, or
//!     EstablishConnection without a name): then the line's *first* option is in error. Otherwise
//!     (every positional filled) the token itself is an extra token in error.
//! 13. **Repeated keys**: the second occurrence is in error (the first one decides the value and
//!     presence). A repeated flag word (`jump jump`) counts as a repeated key.
//! 14. **`=> HR`** is allowed on every event line, including `return METHOD HR` (the grammar's
//!     "every event line is WORD POSITIONAL* OPTION* [ "=>" HR ]"), and on no declaration (a `=>` in a
//!     declaration is an extra token). After `=>`: a missing HR is reported one column past the
//!     `=>`; a `=>` in the HR's place is in error; any token after the HR is in error.
//! 15. **Progress's answer** is checked by value: `0x0`, `0x00040203`, `0x40204` are S_OK,
//!     S_SYNCMGR_CANCELITEM and S_SYNCMGR_CANCELALL and are accepted; any other value is in error at
//!     the HR token.
//! 16. **Numbers N**: an optional single `-` or `+`, then either one or more ASCII decimal digits
//!     (leading zeros allowed and still decimal: `010` is ten, not C's octal eight) or a lowercase
//!     `0x` and one or more hex digits of either case (leading zeros allowed, any count). `0X` is an
//!     error. The value must lie in −2^31..2^32−1 (`-0x80000000` is accepted, `-0` is 0); the field
//!     receives its low 32 bits (a DWORD or, for Progress's value and max, the same bits as an int).
//! 17. **HR**: one of the 17 names of CONTRACT §2.3, or a lowercase `0x` and 1 to 8 hex digits of
//!     either case; no sign, no decimal.
//! 18. **FLAGS**: one token; FLAG parts separated by `|` with no blanks (`MANUAL | IDLE` is three
//!     tokens, the `|` then being an extra token); an empty part is an error; numbers are N,
//!     converted to a DWORD and ORed. STATUS and LEVEL are a name or an N (DWORD).
//! 19. **HEX** (cookie): an even number (zero included) of hex digits of either case; validated, not
//!     kept.
//! 20. **GUID**: exactly `8-4-4-4-12` ASCII hex digits, any mix of upper and lower case (the
//!     grammar's "either case" read per digit), optionally inside one pair of braces (`{…}` both or
//!     neither). A NAME is excluded when the whole word is GUID-shaped unbraced; `null` is GUID_NULL
//!     in an ID, but a declaration's GUID must be GUID-shaped (`item A null` is an error).
//! 21. **Names table**: a NAME used as an ID (any ID: a positional, an ITEMS element, `error=`,
//!     `item=`) is looked up and, when not declared, enters the table as "used" — also in an option
//!     whose mask bit is clear (its value is parsed). The table holds declared and used names; the
//!     token that would add entry number `limit + 1` is in error. A line in error adds nothing
//!     (parsing is atomic per line). Declaring a name already in the table is in error at the NAME;
//!     two names may be declared with the same GUID; a declared GUID may equal an undeclared name's
//!     UUID v5.
//! 22. **Lines** (`parse_trace`): the input is split at LF; one CR right before the LF is removed;
//!     any other CR stays (also a CR at the very end of the input with no LF after it). Empty input
//!     has no line; text after the last LF is a line when it is not empty. The length check comes
//!     before the UTF-8 check (an over-long line that is also not UTF-8 is in error at column 1).
//!     The length is counted in bytes without the LF or CRLF. For input that is not UTF-8, the
//!     column is 1 + the number of characters before the first byte that is not part of a valid
//!     UTF-8 prefix (for a truncated sequence `E2 82 41`, the `E2`) — unless a token to the left
//!     of that byte is in error: the leftmost token in error is reported whatever the kind of
//!     error. Only the tokens that end before the token holding the bad byte are judged (the line
//!     is cut at the start of that token: the one the bad byte is glued to, a string it is inside,
//!     never a `=>`), and a missing token does not win, since the line is not complete.
//! 23. **Empty lines**: a line of blanks only, or blanks and a comment, is `RefLine::Empty`; every
//!     line parsed without error is returned by `parse_trace`, `Empty` ones included.
//! 24. **The event word** and the declaration keywords `item`/`error` are exact, case-sensitive
//!     words; anything else in the first token (a string, `=>`, an option, a word with a stray quote,
//!     an unknown word) is in error at column of the first token.
//! 25. **Strings** may hold any character except an unescaped `"` (tab, CR, NUL, control
//!     characters, non-ASCII included); `name_units` is the UTF-16 length of the unescaped name.

#![allow(dead_code)]

use std::collections::HashMap;

/// The default limit on distinct names in a trace (TRACE.md, "Limits").
pub const DEFAULT_NAME_LIMIT: usize = 2_097_152;
/// The default limit on a line's length in bytes, not counting its LF or CRLF.
pub const DEFAULT_MAX_LINE_BYTES: usize = 67_108_864;
/// The namespace of the name-based UUIDs of undeclared names.
pub const NAME_NAMESPACE: u128 = 0x6295df40_35ee_11d1_8707_00c04fd93327;

/// One parsed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefLine {
    /// A blank line or a comment-only line.
    Empty,
    /// `item NAME GUID` or `error NAME GUID`.
    Decl {
        /// The declared name.
        name: String,
        /// Its GUID (in `Uuid::as_u128` order).
        guid: u128,
    },
    /// An event line.
    Event(RefEvent),
}

/// One event line: the event and the recorded `=> HR`, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefEvent {
    /// The event and its arguments.
    pub kind: RefKind,
    /// The value of `=> HR` when the line has one.
    pub recorded: Option<u32>,
}

/// The method of a `return` line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefMethod {
    /// `return PrepareForSync`.
    PrepareForSync,
    /// `return Synchronize`.
    Synchronize,
    /// `return ShowProperties`.
    ShowProperties,
    /// `return ShowError`.
    ShowError,
}

/// An event with its arguments as 32-bit values and GUIDs as `u128`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// `Initialize FLAGS [cookie=HEX] [reserved=N]` (the cookie is validated, not kept).
    Initialize {
        /// The OR of the FLAG parts.
        flags: u32,
        /// `reserved=`, 0 when absent.
        reserved: u32,
    },
    /// `GetHandlerInfo [name="…"] [flags=N]`.
    GetHandlerInfo {
        /// The unescaped name.
        name: Option<String>,
        /// The name's length in UTF-16 units (0 when absent).
        name_units: usize,
        /// `flags=`, 0 when absent.
        flags: u32,
    },
    /// `EnumSyncMgrItems ITEMS`.
    EnumSyncMgrItems {
        /// The items in order.
        items: Vec<u128>,
    },
    /// `GetItemObject ITEM`.
    GetItemObject {
        /// The item.
        item: u128,
    },
    /// `SetProgressCallback set|null`.
    SetProgressCallback {
        /// `true` for `set`.
        set: bool,
    },
    /// `SetItemStatus ITEM STATUS`.
    SetItemStatus {
        /// The item.
        item: u128,
        /// The status DWORD.
        status: u32,
    },
    /// `PrepareForSync ITEMS [reserved=N]`.
    PrepareForSync {
        /// The selection in order.
        items: Vec<u128>,
        /// `reserved=`, 0 when absent.
        reserved: u32,
    },
    /// `Synchronize`.
    Synchronize,
    /// `ShowProperties ITEM`.
    ShowProperties {
        /// The item (0 for `null`).
        item: u128,
    },
    /// `ShowError ERROR`.
    ShowError {
        /// The error id.
        error: u128,
    },
    /// `return METHOD HR`.
    Return {
        /// The method returning.
        method: RefMethod,
        /// Its HRESULT.
        hr: u32,
    },
    /// `PrepareForSyncCompleted HR`.
    PrepareForSyncCompleted {
        /// The completion's HRESULT.
        hr: u32,
    },
    /// `SynchronizeCompleted HR`.
    SynchronizeCompleted {
        /// The completion's HRESULT.
        hr: u32,
    },
    /// `ShowPropertiesCompleted HR`.
    ShowPropertiesCompleted {
        /// The completion's HRESULT.
        hr: u32,
    },
    /// `ShowErrorCompleted HR ITEMS`.
    ShowErrorCompleted {
        /// The completion's HRESULT.
        hr: u32,
        /// The items.
        items: Vec<u128>,
    },
    /// `EnableModeless true|false`.
    EnableModeless {
        /// `true` for `true`.
        enable: bool,
    },
    /// `Progress ITEM [status=] [text=] [value=] [max=] [mask=]`; fields whose mask bit is clear are
    /// zero (or `None`).
    Progress {
        /// The item.
        item: u128,
        /// The mask, given or derived.
        mask: u32,
        /// The status DWORD when bit 0x2 is set, else 0.
        status: u32,
        /// The value when bit 0x4 is set, else 0.
        value: i32,
        /// The max when bit 0x8 is set, else 0.
        max: i32,
        /// The text when bit 0x1 is set, else `None`.
        text: Option<String>,
    },
    /// `LogError LEVEL "text" [error=] [item=] [jump] [mask=]`.
    LogError {
        /// The level DWORD.
        level: u32,
        /// The unescaped text.
        text: String,
        /// The info mask, given or derived.
        mask: u32,
        /// 1 when bit 0x1 is set, else 0.
        error_flags: u32,
        /// The error id when bit 0x2 is set, else 0.
        error_id: u128,
        /// The item when bit 0x4 is set, else 0.
        item: u128,
    },
    /// `DeleteLogError ERROR [reserved=N]`.
    DeleteLogError {
        /// The error id (0 for `null`).
        error: u128,
        /// `reserved=`, 0 when absent.
        reserved: u32,
    },
    /// `EstablishConnection ["name"] [reserved=N]`.
    EstablishConnection {
        /// The unescaped name, `None` when absent.
        name: Option<String>,
        /// `reserved=`, 0 when absent.
        reserved: u32,
    },
}

/// A parse error: line (from 1), column (characters from 1) and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefError {
    /// The line number, from 1.
    pub line: usize,
    /// The column in Unicode scalar values, from 1.
    pub column: usize,
    /// A human-readable message (not compared).
    pub message: String,
}

/// The reference parser: the names table and its limit.
#[derive(Clone, Debug)]
pub struct RefParser {
    table: HashMap<String, u128>,
    limit: usize,
}

impl Default for RefParser {
    fn default() -> Self {
        Self::new()
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer (byte offsets; every special character is ASCII, so slices fall on char boundaries)

#[derive(Debug)]
enum OptVal<'a> {
    Plain { text: &'a str, stray: bool },
    Str(Result<String, &'static str>),
}

#[derive(Debug)]
enum Tok<'a> {
    Arrow,
    Str(Result<String, &'static str>),
    Word { text: &'a str, stray: bool },
    Opt { key: &'a str, value: OptVal<'a> },
}

#[derive(Debug)]
struct Token<'a> {
    start: usize,
    end: usize,
    tok: Tok<'a>,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn arrow_at(b: &[u8], j: usize) -> bool {
    j + 1 < b.len() && b[j] == b'=' && b[j + 1] == b'>'
}

fn boundary(b: &[u8], j: usize) -> bool {
    j >= b.len() || is_blank(b[j]) || b[j] == b'#' || arrow_at(b, j)
}

fn skip_to_boundary(b: &[u8], mut j: usize) -> usize {
    while !boundary(b, j) {
        j += 1;
    }
    j
}

/// Lexes a string starting at the quote `b[i]`; returns the value and the index after the string
/// (after the closing quote, or the end of the line when unterminated), then checks the follower.
fn lex_string(s: &str, i: usize) -> (Result<String, &'static str>, usize) {
    let b = s.as_bytes();
    let mut j = i + 1;
    let mut out = String::new();
    let mut seg = j;
    let mut bad: Option<&'static str> = None;
    loop {
        if j >= b.len() {
            out.push_str(&s[seg..j]);
            return (Err(bad.unwrap_or("unterminated string")), j);
        }
        match b[j] {
            b'\\' => {
                out.push_str(&s[seg..j]);
                match b.get(j + 1) {
                    Some(b'"') => {
                        out.push('"');
                        j += 2;
                    }
                    Some(b'\\') => {
                        out.push('\\');
                        j += 2;
                    }
                    _ => {
                        bad.get_or_insert("unknown escape in a string");
                        j += 1;
                    }
                }
                seg = j;
            }
            b'"' => {
                out.push_str(&s[seg..j]);
                j += 1;
                let value = match bad {
                    Some(m) => Err(m),
                    None => Ok(out),
                };
                if boundary(b, j) {
                    return (value, j);
                }
                return (
                    Err(
                        "a string must be followed by a blank, `=>`, a comment or the end of the line",
                    ),
                    skip_to_boundary(b, j),
                );
            }
            _ => j += 1,
        }
    }
}

fn lex(s: &str) -> Vec<Token<'_>> {
    let b = s.as_bytes();
    let n = b.len();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < n && is_blank(b[i]) {
            i += 1;
        }
        if i >= n || b[i] == b'#' {
            break;
        }
        let start = i;
        if arrow_at(b, i) {
            out.push(Token {
                start,
                end: i + 2,
                tok: Tok::Arrow,
            });
            i += 2;
            continue;
        }
        if b[i] == b'"' {
            let (value, j) = lex_string(s, i);
            out.push(Token {
                start,
                end: j,
                tok: Tok::Str(value),
            });
            i = j;
            continue;
        }
        let mut j = i;
        let mut stray = false;
        let mut eq: Option<usize> = None;
        let mut pushed = false;
        while !boundary(b, j) {
            let c = b[j];
            if c == b'=' && eq.is_none() && !stray {
                eq = Some(j);
                j += 1;
                if j < n && b[j] == b'"' {
                    let (value, k) = lex_string(s, j);
                    out.push(Token {
                        start,
                        end: k,
                        tok: Tok::Opt {
                            key: &s[start..j - 1],
                            value: OptVal::Str(value),
                        },
                    });
                    j = k;
                    pushed = true;
                    break;
                }
                continue;
            }
            if c == b'"' {
                stray = true;
            }
            j += 1;
        }
        if !pushed {
            let tok = match eq {
                Some(e) => Tok::Opt {
                    key: &s[start..e],
                    value: OptVal::Plain {
                        text: &s[e + 1..j],
                        stray,
                    },
                },
                None => Tok::Word {
                    text: &s[start..j],
                    stray,
                },
            };
            out.push(Token { start, end: j, tok });
        }
        i = j;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Values

const HRESULTS: &[(&str, u32)] = &[
    ("S_OK", 0x0000_0000),
    ("S_FALSE", 0x0000_0001),
    ("S_SYNCMGR_MISSINGITEMS", 0x0004_0201),
    ("S_SYNCMGR_RETRYSYNC", 0x0004_0202),
    ("S_SYNCMGR_CANCELITEM", 0x0004_0203),
    ("S_SYNCMGR_CANCELALL", 0x0004_0204),
    ("S_SYNCMGR_ITEMDELETED", 0x0004_0210),
    ("S_SYNCMGR_ENUMITEMS", 0x0004_0211),
    ("E_NOTIMPL", 0x8000_4001),
    ("E_NOINTERFACE", 0x8000_4002),
    ("E_POINTER", 0x8000_4003),
    ("E_FAIL", 0x8000_4005),
    ("E_PENDING", 0x8000_000A),
    ("E_UNEXPECTED", 0x8000_FFFF),
    ("E_ACCESSDENIED", 0x8007_0005),
    ("E_OUTOFMEMORY", 0x8007_000E),
    ("E_INVALIDARG", 0x8007_0057),
];

const STATUSES: &[(&str, u32)] = &[
    ("STOPPED", 0x0),
    ("SKIPPED", 0x1),
    ("PENDING", 0x2),
    ("UPDATING", 0x3),
    ("SUCCEEDED", 0x4),
    ("FAILED", 0x5),
    ("PAUSED", 0x6),
    ("RESUMING", 0x7),
    ("UPDATING_INDETERMINATE", 0x8),
    ("DELETED", 0x100),
];

const FLAG_NAMES: &[(&str, u32)] = &[
    ("CONNECT", 0x1),
    ("PENDINGDISCONNECT", 0x2),
    ("MANUAL", 0x3),
    ("IDLE", 0x4),
    ("INVOKE", 0x5),
    ("SCHEDULED", 0x6),
    ("SETTINGS", 0x100),
    ("MAYBOTHERUSER", 0x200),
];

const LEVELS: &[(&str, u32)] = &[("INFORMATION", 1), ("WARNING", 2), ("ERROR", 3)];

fn lookup(table: &[(&str, u32)], text: &str) -> Option<u32> {
    table.iter().find(|(n, _)| *n == text).map(|(_, v)| *v)
}

fn hex_value(c: u8) -> Option<u64> {
    (c as char).to_digit(16).map(u64::from)
}

/// N: `[-|+] (decimal | 0x hex)`, −2^31..2^32−1, as its low 32 bits.
fn parse_n(text: &str) -> Result<u32, String> {
    let (neg, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (digits, radix) = match rest.strip_prefix("0x") {
        Some(h) => (h, 16u64),
        None => (rest, 10u64),
    };
    if digits.is_empty() {
        return Err(format!("`{text}` is not a number"));
    }
    let mut mag: u64 = 0;
    for c in digits.bytes() {
        let d = if radix == 16 {
            hex_value(c)
        } else if c.is_ascii_digit() {
            Some(u64::from(c - b'0'))
        } else {
            None
        };
        let Some(d) = d else {
            return Err(format!("`{text}` is not a number"));
        };
        mag = mag * radix + d;
        if mag > 0xFFFF_FFFF {
            return Err(format!("`{text}` is outside -2^31..2^32-1"));
        }
    }
    if neg {
        if mag > 0x8000_0000 {
            return Err(format!("`{text}` is outside -2^31..2^32-1"));
        }
        Ok((mag as u32).wrapping_neg())
    } else {
        Ok(mag as u32)
    }
}

fn parse_hr(text: &str) -> Result<u32, String> {
    if let Some(v) = lookup(HRESULTS, text) {
        return Ok(v);
    }
    if let Some(h) = text.strip_prefix("0x")
        && (1..=8).contains(&h.len())
        && h.bytes().all(|c| c.is_ascii_hexdigit())
    {
        return Ok(h
            .bytes()
            .fold(0u32, |acc, c| (acc << 4) | hex_value(c).unwrap_or(0) as u32));
    }
    Err(format!("`{text}` is not an HRESULT"))
}

fn parse_status(text: &str) -> Result<u32, String> {
    lookup(STATUSES, text).map_or_else(|| parse_n(text), Ok)
}

fn parse_level(text: &str) -> Result<u32, String> {
    lookup(LEVELS, text).map_or_else(|| parse_n(text), Ok)
}

fn parse_flags(text: &str) -> Result<u32, String> {
    let mut acc = 0;
    for part in text.split('|') {
        acc |= lookup(FLAG_NAMES, part).map_or_else(|| parse_n(part), Ok)?;
    }
    Ok(acc)
}

fn check_hex(text: &str) -> Result<(), String> {
    if text.len().is_multiple_of(2) && text.bytes().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(format!("`{text}` is not an even number of hex digits"))
    }
}

/// A GUID, braced or not: 8-4-4-4-12 hex digits.
pub fn parse_guid(text: &str) -> Option<u128> {
    let inner = match text.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}')?,
        None => text,
    };
    let b = inner.as_bytes();
    if b.len() != 36 {
        return None;
    }
    let mut v: u128 = 0;
    for (i, &c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if c != b'-' {
                return None;
            }
        } else {
            v = (v << 4) | u128::from(hex_value(c)? as u8);
        }
    }
    Some(v)
}

/// NAME = `[A-Za-z_][A-Za-z0-9_-]*`, not `null`, not GUID-shaped.
pub fn is_name(text: &str) -> bool {
    let b = text.as_bytes();
    let Some((&first, rest)) = b.split_first() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == b'_')
        && rest
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        && text != "null"
        && parse_guid(text).is_none()
}

/// The UUID v5 of a name in the trace namespace, as `u128`.
pub fn name_uuid(name: &str) -> u128 {
    uuid::Uuid::new_v5(&uuid::Uuid::from_u128(NAME_NAMESPACE), name.as_bytes()).as_u128()
}

// ---------------------------------------------------------------------------------------------
// Event table

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pos {
    Id,
    Ids,
    Status,
    Flags,
    Level,
    Hr,
    Method,
    Str,
    OptStr,
    SetNull,
    TrueFalse,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OptT {
    Dword,
    Int,
    Hex,
    Status,
    Id,
    Str,
    FlagWord,
}

struct Spec {
    word: &'static str,
    pos: &'static [Pos],
    opts: &'static [(&'static str, OptT)],
    /// `(key, bit)` of the fields a `mask=` decides.
    mask_fields: &'static [(&'static str, u32)],
    progress_hr: bool,
}

const fn spec(
    word: &'static str,
    pos: &'static [Pos],
    opts: &'static [(&'static str, OptT)],
) -> Spec {
    Spec {
        word,
        pos,
        opts,
        mask_fields: &[],
        progress_hr: false,
    }
}

const SPECS: &[Spec] = &[
    spec(
        "Initialize",
        &[Pos::Flags],
        &[("cookie", OptT::Hex), ("reserved", OptT::Dword)],
    ),
    spec(
        "GetHandlerInfo",
        &[],
        &[("name", OptT::Str), ("flags", OptT::Dword)],
    ),
    spec("EnumSyncMgrItems", &[Pos::Ids], &[]),
    spec("GetItemObject", &[Pos::Id], &[]),
    spec("SetProgressCallback", &[Pos::SetNull], &[]),
    spec("SetItemStatus", &[Pos::Id, Pos::Status], &[]),
    spec("PrepareForSync", &[Pos::Ids], &[("reserved", OptT::Dword)]),
    spec("Synchronize", &[], &[]),
    spec("ShowProperties", &[Pos::Id], &[]),
    spec("ShowError", &[Pos::Id], &[]),
    spec("return", &[Pos::Method, Pos::Hr], &[]),
    spec("PrepareForSyncCompleted", &[Pos::Hr], &[]),
    spec("SynchronizeCompleted", &[Pos::Hr], &[]),
    spec("ShowPropertiesCompleted", &[Pos::Hr], &[]),
    spec("ShowErrorCompleted", &[Pos::Hr, Pos::Ids], &[]),
    spec("EnableModeless", &[Pos::TrueFalse], &[]),
    Spec {
        word: "Progress",
        pos: &[Pos::Id],
        opts: &[
            ("status", OptT::Status),
            ("text", OptT::Str),
            ("value", OptT::Int),
            ("max", OptT::Int),
            ("mask", OptT::Dword),
        ],
        mask_fields: &[("text", 0x1), ("status", 0x2), ("value", 0x4), ("max", 0x8)],
        progress_hr: true,
    },
    Spec {
        word: "LogError",
        pos: &[Pos::Level, Pos::Str],
        opts: &[
            ("error", OptT::Id),
            ("item", OptT::Id),
            ("jump", OptT::FlagWord),
            ("mask", OptT::Dword),
        ],
        mask_fields: &[("jump", 0x1), ("error", 0x2), ("item", 0x4)],
        progress_hr: false,
    },
    spec("DeleteLogError", &[Pos::Id], &[("reserved", OptT::Dword)]),
    spec(
        "EstablishConnection",
        &[Pos::OptStr],
        &[("reserved", OptT::Dword)],
    ),
];

#[derive(Clone, Debug)]
enum Val {
    U(u32),
    Id(u128),
    Ids(Vec<u128>),
    S(Option<String>),
    B(bool),
    M(RefMethod),
    Flag,
    Bad,
}

impl Val {
    fn u(&self) -> u32 {
        match self {
            Val::U(v) => *v,
            _ => 0,
        }
    }
    fn id(&self) -> u128 {
        match self {
            Val::Id(v) => *v,
            _ => 0,
        }
    }
    fn ids(&self) -> Vec<u128> {
        match self {
            Val::Ids(v) => v.clone(),
            _ => Vec::new(),
        }
    }
    fn s(&self) -> Option<String> {
        match self {
            Val::S(v) => v.clone(),
            _ => None,
        }
    }
    fn b(&self) -> bool {
        matches!(self, Val::B(true))
    }
}

/// Errors of one line: `(byte offset of the token, message)`.
type Errs = Vec<(usize, String)>;

struct Line<'p> {
    table: &'p HashMap<String, u128>,
    limit: usize,
    pending: HashMap<String, u128>,
}

impl Line<'_> {
    fn resolve(&mut self, name: &str) -> Result<u128, String> {
        if let Some(g) = self.table.get(name).or_else(|| self.pending.get(name)) {
            return Ok(*g);
        }
        if self.table.len() + self.pending.len() >= self.limit {
            return Err(format!("more than {} distinct names", self.limit));
        }
        let g = name_uuid(name);
        self.pending.insert(name.to_owned(), g);
        Ok(g)
    }

    fn id_text(&mut self, text: &str, stray: bool) -> Result<u128, String> {
        if stray {
            return Err("a double quote inside a word".into());
        }
        if let Some(g) = parse_guid(text) {
            return Ok(g);
        }
        if text == "null" {
            return Ok(0);
        }
        if is_name(text) {
            return self.resolve(text);
        }
        Err(format!("`{text}` is not an ID"))
    }
}

/// The plain text of a word token (not a string, no stray quote).
fn word<'a>(tok: &Tok<'a>) -> Result<&'a str, String> {
    match tok {
        Tok::Word { text, stray: false } => Ok(text),
        Tok::Word { stray: true, .. } => Err("a double quote inside a word".into()),
        Tok::Str(_) => Err("a string is not allowed here".into()),
        Tok::Arrow => Err("unexpected `=>`".into()),
        Tok::Opt { .. } => Err("unexpected option".into()),
    }
}

fn string(tok: &Tok<'_>) -> Result<String, String> {
    match tok {
        Tok::Str(Ok(s)) => Ok(s.clone()),
        Tok::Str(Err(m)) => Err((*m).into()),
        _ => Err("a string in double quotes is required here".into()),
    }
}

fn is_option(tok: &Tok<'_>, spec: &Spec) -> bool {
    match tok {
        Tok::Opt { .. } => true,
        Tok::Word { text, stray: false } => spec
            .opts
            .iter()
            .any(|(k, t)| *t == OptT::FlagWord && k == text),
        _ => false,
    }
}

fn col_of(text: &str, byte: usize) -> usize {
    text[..byte].chars().count() + 1
}

impl RefParser {
    /// A parser with the default names limit (2,097,152).
    pub fn new() -> Self {
        Self::with_name_limit(DEFAULT_NAME_LIMIT)
    }

    /// A parser with a smaller names limit, for tests.
    pub fn with_name_limit(limit: usize) -> Self {
        RefParser {
            table: HashMap::new(),
            limit,
        }
    }

    /// One line, without its line end (no LF; a CR of a CRLF already removed).
    pub fn parse_line(&mut self, line_no: usize, text: &str) -> Result<RefLine, RefError> {
        let toks = lex(text);
        if toks.is_empty() {
            return Ok(RefLine::Empty);
        }
        let mut line = Line {
            table: &self.table,
            limit: self.limit,
            pending: HashMap::new(),
        };
        let result = parse_tokens(&mut line, &toks);
        match result {
            Ok(parsed) => {
                let pending = std::mem::take(&mut line.pending);
                self.table.extend(pending);
                if let RefLine::Decl { name, guid } = &parsed {
                    self.table.insert(name.clone(), *guid);
                }
                Ok(parsed)
            }
            Err(errs) => {
                let (byte, message) = errs
                    .into_iter()
                    .min_by_key(|(b, _)| *b)
                    .unwrap_or((0, "parse error".into()));
                Err(RefError {
                    line: line_no,
                    column: col_of(text, byte),
                    message,
                })
            }
        }
    }
}

impl RefParser {
    /// The error of the tokens left of a line's first byte that is not UTF-8, `valid` being the
    /// text before that byte (interpretation 22): the line cut at the start of the token that
    /// holds the bad byte, parsed without keeping anything; `None` when it parses, or when its
    /// only error is a missing token (reported past its last token).
    fn token_error(&self, line_no: usize, valid: &str) -> Option<RefError> {
        let cut = match lex(valid).last() {
            Some(t) if t.end == valid.len() && !matches!(t.tok, Tok::Arrow) => t.start,
            _ => valid.len(),
        };
        let text = &valid[..cut];
        let toks = lex(text);
        let last_end = toks.last()?.end;
        let mut line = Line {
            table: &self.table,
            limit: self.limit,
            pending: HashMap::new(),
        };
        let errs = parse_tokens(&mut line, &toks).err()?;
        let (byte, message) = errs.into_iter().min_by_key(|(b, _)| *b)?;
        (byte < last_end).then(|| RefError {
            line: line_no,
            column: col_of(text, byte),
            message,
        })
    }
}

fn parse_tokens(line: &mut Line<'_>, toks: &[Token<'_>]) -> Result<RefLine, Errs> {
    let first = &toks[0];
    let word0 = match &first.tok {
        Tok::Word { text, stray: false } => *text,
        _ => {
            return Err(vec![(
                first.start,
                "a line must begin with an event or a declaration".into(),
            )]);
        }
    };
    if word0 == "item" || word0 == "error" {
        return parse_decl(line, toks);
    }
    let Some(spec) = SPECS.iter().find(|s| s.word == word0) else {
        return Err(vec![(first.start, format!("unknown event `{word0}`"))]);
    };
    parse_event(line, spec, toks)
}

fn parse_decl(line: &mut Line<'_>, toks: &[Token<'_>]) -> Result<RefLine, Errs> {
    let last_end = toks[toks.len() - 1].end;
    let mut errs = Errs::new();
    let mut name = String::new();
    match toks.get(1) {
        None => return Err(vec![(last_end, "missing NAME".into())]),
        Some(t) => match word(&t.tok) {
            Ok(text) if is_name(text) => {
                if line.table.contains_key(text) {
                    errs.push((t.start, format!("`{text}` is already used or declared")));
                } else if line.table.len() >= line.limit {
                    errs.push((t.start, format!("more than {} distinct names", line.limit)));
                } else {
                    name = text.to_owned();
                }
            }
            Ok(text) => errs.push((t.start, format!("`{text}` is not a NAME"))),
            Err(m) => errs.push((t.start, m)),
        },
    }
    let mut guid = 0;
    match toks.get(2) {
        None => errs.push((last_end, "missing GUID".into())),
        Some(t) => match word(&t.tok).map(|w| (w, parse_guid(w))) {
            Ok((_, Some(g))) => guid = g,
            Ok((w, None)) => errs.push((t.start, format!("`{w}` is not a GUID"))),
            Err(m) => errs.push((t.start, m)),
        },
    }
    if let Some(t) = toks.get(3) {
        errs.push((t.start, "extra token after a declaration".into()));
    }
    if errs.is_empty() {
        Ok(RefLine::Decl { name, guid })
    } else {
        Err(errs)
    }
}

fn parse_pos(line: &mut Line<'_>, p: Pos, tok: &Tok<'_>) -> Result<Val, String> {
    match p {
        Pos::Str => string(tok).map(|s| Val::S(Some(s))),
        Pos::Id => {
            let w = word(tok)?;
            line.id_text(w, false).map(Val::Id)
        }
        Pos::Status => parse_status(word(tok)?).map(Val::U),
        Pos::Flags => parse_flags(word(tok)?).map(Val::U),
        Pos::Level => parse_level(word(tok)?).map(Val::U),
        Pos::Hr => parse_hr(word(tok)?).map(Val::U),
        Pos::Method => match word(tok)? {
            "PrepareForSync" => Ok(Val::M(RefMethod::PrepareForSync)),
            "Synchronize" => Ok(Val::M(RefMethod::Synchronize)),
            "ShowProperties" => Ok(Val::M(RefMethod::ShowProperties)),
            "ShowError" => Ok(Val::M(RefMethod::ShowError)),
            w => Err(format!("`{w}` is not a METHOD")),
        },
        Pos::SetNull => match word(tok)? {
            "set" => Ok(Val::B(true)),
            "null" => Ok(Val::B(false)),
            w => Err(format!("`{w}` is neither `set` nor `null`")),
        },
        Pos::TrueFalse => match word(tok)? {
            "true" => Ok(Val::B(true)),
            "false" => Ok(Val::B(false)),
            w => Err(format!("`{w}` is neither `true` nor `false`")),
        },
        Pos::Ids | Pos::OptStr => Err("internal: list positional".into()),
    }
}

fn parse_opt(line: &mut Line<'_>, t: OptT, value: Option<&OptVal<'_>>) -> Result<Val, String> {
    let plain = |v: Option<&OptVal<'_>>| -> Result<String, String> {
        match v {
            Some(OptVal::Plain { text, stray: false }) => Ok((*text).to_owned()),
            Some(OptVal::Plain { stray: true, .. }) => Err("a double quote inside a value".into()),
            Some(OptVal::Str(_)) => Err("a string is not allowed for this key".into()),
            None => Err("internal: no value".into()),
        }
    };
    match t {
        OptT::FlagWord => Ok(Val::Flag),
        OptT::Str => match value {
            Some(OptVal::Str(Ok(s))) => Ok(Val::S(Some(s.clone()))),
            Some(OptVal::Str(Err(m))) => Err((*m).into()),
            _ => Err("this key takes a string in double quotes".into()),
        },
        OptT::Dword | OptT::Int => parse_n(&plain(value)?).map(Val::U),
        OptT::Status => parse_status(&plain(value)?).map(Val::U),
        OptT::Hex => check_hex(&plain(value)?).map(|()| Val::Flag),
        OptT::Id => {
            let text = plain(value)?;
            line.id_text(&text, false).map(Val::Id)
        }
    }
}

fn parse_event(line: &mut Line<'_>, spec: &Spec, toks: &[Token<'_>]) -> Result<RefLine, Errs> {
    let last_end = toks[toks.len() - 1].end;
    let mut errs = Errs::new();
    let mut posv: Vec<Val> = Vec::new();
    let mut k = 1;
    let mut open_slot = false;

    // Positional arguments, in order.
    for &p in spec.pos {
        match p {
            Pos::Ids => {
                let mut ids = Vec::new();
                while let Some(t) = toks.get(k) {
                    if matches!(t.tok, Tok::Arrow) || is_option(&t.tok, spec) {
                        break;
                    }
                    match word(&t.tok).and_then(|w| line.id_text(w, false)) {
                        Ok(g) => ids.push(g),
                        Err(m) => errs.push((t.start, m)),
                    }
                    k += 1;
                }
                posv.push(Val::Ids(ids));
                open_slot = true;
            }
            Pos::OptStr => match toks.get(k) {
                Some(t) if !matches!(t.tok, Tok::Arrow) && !is_option(&t.tok, spec) => {
                    match string(&t.tok) {
                        Ok(s) => posv.push(Val::S(Some(s))),
                        Err(m) => {
                            errs.push((t.start, m));
                            posv.push(Val::Bad);
                        }
                    }
                    k += 1;
                }
                _ => {
                    posv.push(Val::S(None));
                    open_slot = true;
                }
            },
            _ => {
                let Some(t) = toks.get(k) else {
                    errs.push((last_end, format!("missing argument of {}", spec.word)));
                    return Err(errs);
                };
                if matches!(t.tok, Tok::Arrow) {
                    errs.push((t.start, "`=>` where an argument should be".into()));
                    return Err(errs);
                }
                if is_option(&t.tok, spec) {
                    errs.push((t.start, "an option before a positional argument".into()));
                    return Err(errs);
                }
                match parse_pos(line, p, &t.tok) {
                    Ok(v) => posv.push(v),
                    Err(m) => {
                        errs.push((t.start, m));
                        posv.push(Val::Bad);
                    }
                }
                k += 1;
            }
        }
    }

    // Options, in any order.
    let mut first_opt: Option<usize> = None;
    let mut present: Vec<&'static str> = Vec::new();
    let mut opts: HashMap<&'static str, (usize, Val)> = HashMap::new();
    while let Some(t) = toks.get(k) {
        if matches!(t.tok, Tok::Arrow) {
            break;
        }
        if is_option(&t.tok, spec) {
            first_opt.get_or_insert(t.start);
            let (key, value) = match &t.tok {
                Tok::Opt { key, value } => (*key, Some(value)),
                Tok::Word { text, .. } => (*text, None),
                _ => ("", None),
            };
            let known = spec.opts.iter().find(|(name, kind)| {
                *name == key && ((*kind == OptT::FlagWord) == value.is_none())
            });
            match known {
                None => errs.push((t.start, format!("unknown key `{key}`"))),
                Some((name, _)) if present.contains(name) => {
                    errs.push((t.start, format!("repeated key `{name}`")));
                }
                Some((name, kind)) => {
                    present.push(name);
                    match parse_opt(line, *kind, value) {
                        Ok(v) => {
                            opts.insert(name, (t.start, v));
                        }
                        Err(m) => errs.push((t.start, m)),
                    }
                }
            }
        } else {
            match first_opt {
                Some(c) if open_slot => {
                    errs.push((c, "an option before a positional argument".into()));
                }
                _ => errs.push((t.start, "extra token".into())),
            }
        }
        k += 1;
    }

    // `=> HR`, which ends the line.
    let mut recorded = None;
    if let Some(arrow) = toks.get(k) {
        match toks.get(k + 1) {
            None => errs.push((arrow.end, "missing HRESULT after `=>`".into())),
            Some(t) if matches!(t.tok, Tok::Arrow) => {
                errs.push((t.start, "`=>` where the HRESULT should be".into()));
            }
            Some(t) => match word(&t.tok).and_then(parse_hr) {
                Ok(hr) if spec.progress_hr && ![0x0, 0x0004_0203, 0x0004_0204].contains(&hr) => {
                    errs.push((
                        t.start,
                        "Progress answers S_OK, S_SYNCMGR_CANCELITEM or S_SYNCMGR_CANCELALL".into(),
                    ));
                }
                Ok(hr) => recorded = Some(hr),
                Err(m) => errs.push((t.start, m)),
            },
        }
        if let Some(t) = toks.get(k + 2) {
            errs.push((t.start, "`=> HR` ends the line".into()));
        }
    }

    // The mask decides the fields: a field bit set without its key is an error.
    let mask = match opts.get("mask") {
        Some((col, Val::U(m))) => {
            for (key, bit) in spec.mask_fields {
                if m & bit != 0 && !present.contains(key) {
                    errs.push((*col, format!("mask bit {bit:#x} set without `{key}`")));
                }
            }
            *m
        }
        _ => spec
            .mask_fields
            .iter()
            .filter(|(key, _)| present.contains(key))
            .fold(0, |acc, (_, bit)| acc | bit),
    };

    if !errs.is_empty() {
        return Err(errs);
    }
    let opt = |key: &str| opts.get(key).map(|(_, v)| v.clone()).unwrap_or(Val::Bad);
    let kind = match spec.word {
        "Initialize" => RefKind::Initialize {
            flags: posv[0].u(),
            reserved: opt("reserved").u(),
        },
        "GetHandlerInfo" => {
            let name = opt("name").s();
            let name_units = name.as_deref().map_or(0, |n| n.encode_utf16().count());
            RefKind::GetHandlerInfo {
                name,
                name_units,
                flags: opt("flags").u(),
            }
        }
        "EnumSyncMgrItems" => RefKind::EnumSyncMgrItems {
            items: posv[0].ids(),
        },
        "GetItemObject" => RefKind::GetItemObject { item: posv[0].id() },
        "SetProgressCallback" => RefKind::SetProgressCallback { set: posv[0].b() },
        "SetItemStatus" => RefKind::SetItemStatus {
            item: posv[0].id(),
            status: posv[1].u(),
        },
        "PrepareForSync" => RefKind::PrepareForSync {
            items: posv[0].ids(),
            reserved: opt("reserved").u(),
        },
        "Synchronize" => RefKind::Synchronize,
        "ShowProperties" => RefKind::ShowProperties { item: posv[0].id() },
        "ShowError" => RefKind::ShowError {
            error: posv[0].id(),
        },
        "return" => {
            let method = match posv[0] {
                Val::M(m) => m,
                _ => RefMethod::PrepareForSync,
            };
            RefKind::Return {
                method,
                hr: posv[1].u(),
            }
        }
        "PrepareForSyncCompleted" => RefKind::PrepareForSyncCompleted { hr: posv[0].u() },
        "SynchronizeCompleted" => RefKind::SynchronizeCompleted { hr: posv[0].u() },
        "ShowPropertiesCompleted" => RefKind::ShowPropertiesCompleted { hr: posv[0].u() },
        "ShowErrorCompleted" => RefKind::ShowErrorCompleted {
            hr: posv[0].u(),
            items: posv[1].ids(),
        },
        "EnableModeless" => RefKind::EnableModeless {
            enable: posv[0].b(),
        },
        "Progress" => RefKind::Progress {
            item: posv[0].id(),
            mask,
            status: if mask & 0x2 != 0 {
                opt("status").u()
            } else {
                0
            },
            value: if mask & 0x4 != 0 {
                opt("value").u() as i32
            } else {
                0
            },
            max: if mask & 0x8 != 0 {
                opt("max").u() as i32
            } else {
                0
            },
            text: if mask & 0x1 != 0 {
                opt("text").s()
            } else {
                None
            },
        },
        "LogError" => RefKind::LogError {
            level: posv[0].u(),
            text: posv[1].s().unwrap_or_default(),
            mask,
            error_flags: u32::from(mask & 0x1 != 0),
            error_id: if mask & 0x2 != 0 {
                opt("error").id()
            } else {
                0
            },
            item: if mask & 0x4 != 0 { opt("item").id() } else { 0 },
        },
        "DeleteLogError" => RefKind::DeleteLogError {
            error: posv[0].id(),
            reserved: opt("reserved").u(),
        },
        "EstablishConnection" => RefKind::EstablishConnection {
            name: posv[0].s(),
            reserved: opt("reserved").u(),
        },
        _ => return Err(vec![(toks[0].start, "internal: unknown event".into())]),
    };
    Ok(RefLine::Event(RefEvent { kind, recorded }))
}

// ---------------------------------------------------------------------------------------------
// Whole traces

/// A whole trace: split into lines (LF or CRLF), each checked for the line-length limit
/// (67,108,864 bytes) and for UTF-8, then parsed, up to the first error.
pub fn parse_trace(bytes: &[u8]) -> (Vec<(usize, RefLine)>, Option<RefError>) {
    parse_trace_with(RefParser::new(), bytes, DEFAULT_MAX_LINE_BYTES)
}

/// [`parse_trace`] with a given parser (names limit) and line-length limit in bytes.
pub fn parse_trace_with(
    mut parser: RefParser,
    bytes: &[u8],
    max_line_bytes: usize,
) -> (Vec<(usize, RefLine)>, Option<RefError>) {
    let mut out = Vec::new();
    let mut rest = bytes;
    let mut line_no = 0;
    while !rest.is_empty() {
        line_no += 1;
        let line = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                let l = &rest[..i];
                rest = &rest[i + 1..];
                // The line ended with LF: a CR right before it belongs to the CRLF.
                l.strip_suffix(b"\r").unwrap_or(l)
            }
            None => std::mem::take(&mut rest),
        };
        if line.len() > max_line_bytes {
            let message = format!("line longer than {max_line_bytes} bytes");
            return (
                out,
                Some(RefError {
                    line: line_no,
                    column: 1,
                    message,
                }),
            );
        }
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                let valid = std::str::from_utf8(&line[..e.valid_up_to()]).unwrap_or_default();
                if let Some(err) = parser.token_error(line_no, valid) {
                    return (out, Some(err));
                }
                let column = valid.chars().count() + 1;
                let message = "input is not valid UTF-8".to_owned();
                return (
                    out,
                    Some(RefError {
                        line: line_no,
                        column,
                        message,
                    }),
                );
            }
        };
        match parser.parse_line(line_no, text) {
            Ok(l) => out.push((line_no, l)),
            Err(e) => return (out, Some(e)),
        }
    }
    (out, None)
}
