//! Proptest strategies for trace lines, written from the grammar of `TRACE.md` (revision 4), not
//! from either parser. Depends only on `std` and `proptest`.
//!
//! - [`valid_line`]: lines that are valid under every reading of the grammar (constructs that the
//!   reference parser's interpretations had to settle — hex answers to Progress, decimal numbers
//!   with leading zeros, mixed-case GUIDs, a comment glued to a word, `=> HR` on a `return` — are
//!   left to [`mutated_line`], so that a disagreement there shows up in the comparison without
//!   making a "valid" line invalid).
//! - [`mutated_line`]: valid lines with one or two mutations, plus lines of the ambiguous forms.
//! - [`trace_bytes`]: several lines joined by LF or CRLF, with the occasional lone CR and invalid
//!   UTF-8.

#![allow(dead_code)]

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::Union;

/// What a piece of a generated line is, so that mutations can target it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceKind {
    /// The event word or the declaration keyword.
    Word,
    /// A positional argument that is not a string.
    Pos,
    /// A positional string (LogError's text, EstablishConnection's name).
    PosStr,
    /// A `key=value` option whose value is not a string, or the flag word `jump`.
    Opt,
    /// A `key="…"` option.
    OptStr,
    /// `=>`.
    Arrow,
    /// The HR after `=>`.
    Hr,
}

/// One token of a generated line.
#[derive(Clone, Debug)]
pub struct Piece {
    /// The token's text.
    pub text: String,
    /// What it is.
    pub kind: PieceKind,
}

/// A generated line before layout: its tokens and an optional comment (starting with `#`).
#[derive(Clone, Debug)]
pub struct Parts {
    /// The tokens in order.
    pub pieces: Vec<Piece>,
    /// The comment, `#` included.
    pub comment: Option<String>,
}

/// The blanks of a line.
#[derive(Clone, Debug)]
pub struct Layout {
    lead: String,
    seps: Vec<String>,
    glue: Vec<bool>,
    trail: String,
    glue_comment: bool,
}

fn piece(kind: PieceKind, text: impl Into<String>) -> Piece {
    Piece {
        text: text.into(),
        kind,
    }
}

fn blanks(min: usize, max: usize) -> impl Strategy<Value = String> {
    vec(select(vec![' ', ' ', ' ', '\t']), min..=max).prop_map(String::from_iter)
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        blanks(0, 2),
        vec(blanks(1, 3), 8),
        vec(any::<bool>(), 8),
        blanks(0, 2),
        any::<bool>(),
    )
        .prop_map(|(lead, seps, glue, trail, glue_comment)| Layout {
            lead,
            seps,
            glue,
            trail,
            glue_comment,
        })
}

/// Lays a line out: blanks between tokens (none, sometimes, next to `=>`), a comment after a blank
/// (or glued to a closing quote).
pub fn render(parts: &Parts, l: &Layout) -> String {
    let mut s = l.lead.clone();
    for (i, p) in parts.pieces.iter().enumerate() {
        if i > 0 {
            let prev = &parts.pieces[i - 1];
            let arrow = prev.kind == PieceKind::Arrow || p.kind == PieceKind::Arrow;
            if !(arrow && l.glue[i % l.glue.len()]) {
                s.push_str(&l.seps[i % l.seps.len()]);
            }
        }
        s.push_str(&p.text);
    }
    match &parts.comment {
        Some(c) => {
            let last = parts.pieces.last().map(|p| p.kind);
            let after_quote = matches!(last, Some(PieceKind::PosStr | PieceKind::OptStr));
            if !(parts.pieces.is_empty() || after_quote && l.glue_comment) {
                s.push_str(&l.seps[0]);
            }
            s.push_str(c);
        }
        None => s.push_str(&l.trail),
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Values

/// Words that are NAMEs although they look like keywords elsewhere.
const SPECIAL_NAMES: &[&str] = &[
    "Null",
    "NULL",
    "set",
    "item",
    "error",
    "jump",
    "true",
    "false",
    "S_OK",
    "reserved",
    "mask",
    "_",
    "a-",
    "x-1",
    "A",
    "B",
    "C",
    "E1",
    "deadbeef-dead",
    "Synchronize",
    "return",
    "SKIPPED",
];

/// A NAME: `[A-Za-z_][A-Za-z0-9_-]*`, not `null`, not GUID-shaped.
pub fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z_][A-Za-z0-9_-]{0,6}".prop_filter("null is no NAME", |s| s != "null"),
        2 => select(SPECIAL_NAMES).prop_map(str::to_owned),
    ]
}

/// A GUID's text: braced or not, lower or upper case.
pub fn guid_text() -> impl Strategy<Value = String> {
    let value = prop_oneof![6 => any::<u128>(), 1 => Just(0u128), 1 => Just(u128::MAX)];
    (value, any::<bool>(), any::<bool>()).prop_map(|(v, braced, upper)| {
        let u = format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            v >> 96,
            (v >> 80) & 0xFFFF,
            (v >> 64) & 0xFFFF,
            (v >> 48) & 0xFFFF,
            v & 0xFFFF_FFFF_FFFF
        );
        let u = if upper { u.to_uppercase() } else { u };
        if braced { format!("{{{u}}}") } else { u }
    })
}

/// An ID: a NAME, a GUID or `null`.
pub fn id() -> impl Strategy<Value = String> {
    prop_oneof![4 => name(), 2 => guid_text(), 1 => Just("null".to_owned())]
}

/// How a number is written.
#[derive(Clone, Copy, Debug)]
pub struct NumFmt {
    hex: bool,
    upper: bool,
    plus: bool,
    zeros: usize,
}

fn num_fmt() -> impl Strategy<Value = NumFmt> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![3 => Just(false), 1 => Just(true)],
        0..3usize,
    )
        .prop_map(|(hex, upper, plus, zeros)| NumFmt {
            hex,
            upper,
            plus,
            zeros,
        })
}

/// Writes `v` (in −2^31..2^32−1) as N; leading zeros only in hex.
pub fn render_n(v: i64, f: NumFmt) -> String {
    let (sign, mag) = if v < 0 {
        ("-", v.unsigned_abs())
    } else if f.plus {
        ("+", v.unsigned_abs())
    } else {
        ("", v.unsigned_abs())
    };
    if f.hex {
        let digits = if f.upper {
            format!("{mag:X}")
        } else {
            format!("{mag:x}")
        };
        format!("{sign}0x{}{digits}", "0".repeat(f.zeros))
    } else {
        format!("{sign}{mag}")
    }
}

/// A DWORD value written as N, as a negative number when `neg` and it is ≥ 2^31.
pub fn render_dword(v: u32, f: NumFmt, neg: bool) -> String {
    let x = if neg && v >= 0x8000_0000 {
        i64::from(v) - (1 << 32)
    } else {
        i64::from(v)
    };
    render_n(x, f)
}

fn n_value() -> impl Strategy<Value = i64> {
    prop_oneof![
        1 => select(vec![
            -2_147_483_648i64, -2_147_483_647, -1, 0, 1, 2, 255, 2_147_483_647, 2_147_483_648,
            4_294_967_294, 4_294_967_295,
        ]),
        1 => -2_147_483_648i64..=4_294_967_295i64,
        1 => -300i64..300,
    ]
}

/// An N, anywhere in −2^31..2^32−1, in decimal or hex, with or without a sign.
pub fn number() -> impl Strategy<Value = String> {
    (n_value(), num_fmt()).prop_map(|(v, f)| render_n(v, f))
}

const STATUS_NAMES: &[&str] = &[
    "STOPPED",
    "SKIPPED",
    "PENDING",
    "UPDATING",
    "SUCCEEDED",
    "FAILED",
    "PAUSED",
    "RESUMING",
    "UPDATING_INDETERMINATE",
    "DELETED",
];
const FLAG_NAMES: &[&str] = &[
    "CONNECT",
    "PENDINGDISCONNECT",
    "MANUAL",
    "IDLE",
    "INVOKE",
    "SCHEDULED",
    "SETTINGS",
    "MAYBOTHERUSER",
];
const LEVEL_NAMES: &[&str] = &["INFORMATION", "WARNING", "ERROR"];
/// The HRESULT names of CONTRACT §2.3.
pub const HR_NAMES: &[&str] = &[
    "S_OK",
    "S_FALSE",
    "S_SYNCMGR_MISSINGITEMS",
    "S_SYNCMGR_RETRYSYNC",
    "S_SYNCMGR_CANCELITEM",
    "S_SYNCMGR_CANCELALL",
    "S_SYNCMGR_ITEMDELETED",
    "S_SYNCMGR_ENUMITEMS",
    "E_NOTIMPL",
    "E_NOINTERFACE",
    "E_POINTER",
    "E_FAIL",
    "E_PENDING",
    "E_UNEXPECTED",
    "E_ACCESSDENIED",
    "E_OUTOFMEMORY",
    "E_INVALIDARG",
];
const METHODS: &[&str] = &[
    "PrepareForSync",
    "Synchronize",
    "ShowProperties",
    "ShowError",
];

fn named_or_number(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![2 => select(names).prop_map(str::to_owned), 1 => number()]
}

/// A STATUS: a name or an N.
pub fn status() -> impl Strategy<Value = String> {
    named_or_number(STATUS_NAMES)
}

/// FLAGS: 1 to 3 FLAG parts joined by `|`.
pub fn flags() -> impl Strategy<Value = String> {
    vec(named_or_number(FLAG_NAMES), 1..=3).prop_map(|v| v.join("|"))
}

/// A LEVEL: a name or an N.
pub fn level() -> impl Strategy<Value = String> {
    named_or_number(LEVEL_NAMES)
}

/// An HR: a name of CONTRACT §2.3 or `0x` and 1 to 8 hex digits.
pub fn hr() -> impl Strategy<Value = String> {
    let hex = (any::<u32>(), any::<bool>(), 0..8usize).prop_map(|(v, upper, pad)| {
        let d = if upper {
            format!("{v:X}")
        } else {
            format!("{v:x}")
        };
        let pad = pad.min(8 - d.len());
        format!("0x{}{d}", "0".repeat(pad))
    });
    prop_oneof![3 => select(HR_NAMES).prop_map(str::to_owned), 1 => hex]
}

/// HEX: an even number of hex digits (zero included), either case.
pub fn cookie() -> impl Strategy<Value = String> {
    (vec(any::<u8>(), 0..5), any::<bool>()).prop_map(|(bytes, upper)| {
        bytes
            .iter()
            .map(|b| {
                if upper {
                    format!("{b:02X}")
                } else {
                    format!("{b:02x}")
                }
            })
            .collect()
    })
}

fn str_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => select(vec!['a', 'b', 'Z', '0', '7', ' ', ' ']),
        2 => select(vec!['#', '"', '\\', '=', '>', '|', '{', '}', '\'', ':', ',', '-']),
        1 => select(vec!['é', '€', '日', '😀', 'ß', '\u{10348}']),
    ]
}

/// A string literal with `\"` and `\\` escapes, spaces, `#`, `=>`, non-ASCII.
pub fn string_lit() -> impl Strategy<Value = String> {
    vec(str_char(), 0..10).prop_map(|cs| {
        let mut s = String::from('"');
        for c in cs {
            match c {
                '"' => s.push_str("\\\""),
                '\\' => s.push_str("\\\\"),
                c => s.push(c),
            }
        }
        s.push('"');
        s
    })
}

fn comment() -> impl Strategy<Value = String> {
    vec(prop_oneof![3 => str_char(), 1 => Just('\t')], 0..8).prop_map(|cs| {
        let mut s = String::from('#');
        s.extend(cs);
        s
    })
}

// ---------------------------------------------------------------------------------------------
// Lines

type Pieces = Vec<Piece>;

fn opt_piece(
    key: &'static str,
    value: impl Strategy<Value = String>,
) -> impl Strategy<Value = Option<Piece>> {
    option::of(value.prop_map(move |v| piece(PieceKind::Opt, format!("{key}={v}"))))
}

fn opt_str_piece(key: &'static str) -> impl Strategy<Value = Option<Piece>> {
    option::of(string_lit().prop_map(move |v| piece(PieceKind::OptStr, format!("{key}={v}"))))
}

fn ids(max: usize) -> impl Strategy<Value = Pieces> {
    vec(id().prop_map(|t| piece(PieceKind::Pos, t)), 0..=max)
}

/// Options in random order.
fn shuffled(opts: Vec<Option<Piece>>) -> Pieces {
    opts.into_iter().flatten().collect()
}

/// An event line's tokens: the word, `pos`, the options (shuffled), and `=> HR` when `hr` is some.
fn event(
    word: &'static str,
    pos: impl Strategy<Value = Pieces> + 'static,
    opts: impl Strategy<Value = Pieces> + 'static,
    hr: impl Strategy<Value = Option<String>> + 'static,
) -> BoxedStrategy<Pieces> {
    (pos, opts.prop_shuffle(), hr)
        .prop_map(move |(pos, opts, hr)| {
            let mut v = vec![piece(PieceKind::Word, word)];
            v.extend(pos);
            v.extend(opts);
            if let Some(h) = hr {
                v.push(piece(PieceKind::Arrow, "=>"));
                v.push(piece(PieceKind::Hr, h));
            }
            v
        })
        .boxed()
}

fn none() -> impl Strategy<Value = Pieces> {
    Just(Vec::new())
}

fn one(s: impl Strategy<Value = String>) -> impl Strategy<Value = Pieces> {
    s.prop_map(|t| vec![piece(PieceKind::Pos, t)])
}

fn any_hr() -> impl Strategy<Value = Option<String>> {
    option::of(hr())
}

/// A mask for a set of present field bits: a subset of them, plus (sometimes) bits naming no field.
fn mask_for(present: u32, fields: u32, sub: u32, extra: u32, f: NumFmt, neg: bool) -> String {
    render_dword((present & sub) | (extra & !fields), f, neg)
}

fn mask_mode() -> impl Strategy<Value = Option<(u32, u32, NumFmt, bool)>> {
    option::of((
        any::<u32>(),
        prop_oneof![2 => Just(0u32), 1 => any::<u32>()],
        num_fmt(),
        any::<bool>(),
    ))
}

fn progress() -> BoxedStrategy<Pieces> {
    let opts = (
        opt_piece("status", status()),
        opt_str_piece("text"),
        opt_piece("value", number()),
        opt_piece("max", number()),
        mask_mode(),
    )
        .prop_map(|(status, text, value, max, mask)| {
            let present = u32::from(text.is_some())
                | (u32::from(status.is_some()) << 1)
                | (u32::from(value.is_some()) << 2)
                | (u32::from(max.is_some()) << 3);
            let mask = mask.map(|(sub, extra, f, neg)| {
                piece(
                    PieceKind::Opt,
                    format!("mask={}", mask_for(present, 0xF, sub, extra, f, neg)),
                )
            });
            shuffled(vec![status, text, value, max, mask])
        });
    let answer = option::of(
        select(vec!["S_OK", "S_SYNCMGR_CANCELITEM", "S_SYNCMGR_CANCELALL"]).prop_map(str::to_owned),
    );
    event("Progress", one(id()), opts, answer)
}

fn log_error() -> BoxedStrategy<Pieces> {
    let pos = (level(), string_lit())
        .prop_map(|(l, t)| vec![piece(PieceKind::Pos, l), piece(PieceKind::PosStr, t)]);
    let opts = (
        opt_piece("error", id()),
        opt_piece("item", id()),
        any::<bool>(),
        mask_mode(),
    )
        .prop_map(|(error, item, jump, mask)| {
            let present = u32::from(jump)
                | (u32::from(error.is_some()) << 1)
                | (u32::from(item.is_some()) << 2);
            let mask = mask.map(|(sub, extra, f, neg)| {
                piece(
                    PieceKind::Opt,
                    format!("mask={}", mask_for(present, 0x7, sub, extra, f, neg)),
                )
            });
            let jump = jump.then(|| piece(PieceKind::Opt, "jump"));
            shuffled(vec![error, item, jump, mask])
        });
    event("LogError", pos, opts, any_hr())
}

fn events() -> Vec<(u32, BoxedStrategy<Pieces>)> {
    let reserved = || opt_piece("reserved", number()).prop_map(|o| shuffled(vec![o]));
    vec![
        (
            2,
            event(
                "Initialize",
                one(flags()),
                (
                    opt_piece("cookie", cookie()),
                    opt_piece("reserved", number()),
                )
                    .prop_map(|(a, b)| shuffled(vec![a, b])),
                any_hr(),
            ),
        ),
        (
            2,
            event(
                "GetHandlerInfo",
                none(),
                (opt_str_piece("name"), opt_piece("flags", number()))
                    .prop_map(|(a, b)| shuffled(vec![a, b])),
                any_hr(),
            ),
        ),
        (2, event("EnumSyncMgrItems", ids(5), none(), any_hr())),
        (1, event("GetItemObject", one(id()), none(), any_hr())),
        (
            1,
            event(
                "SetProgressCallback",
                one(select(vec!["set", "null"]).prop_map(str::to_owned)),
                none(),
                any_hr(),
            ),
        ),
        (
            2,
            event(
                "SetItemStatus",
                (id(), status())
                    .prop_map(|(i, s)| vec![piece(PieceKind::Pos, i), piece(PieceKind::Pos, s)]),
                none(),
                any_hr(),
            ),
        ),
        (2, event("PrepareForSync", ids(5), reserved(), any_hr())),
        (1, event("Synchronize", none(), none(), any_hr())),
        (1, event("ShowProperties", one(id()), none(), any_hr())),
        (1, event("ShowError", one(id()), none(), any_hr())),
        (
            2,
            event(
                "return",
                (select(METHODS), hr())
                    .prop_map(|(m, h)| vec![piece(PieceKind::Pos, m), piece(PieceKind::Pos, h)]),
                none(),
                Just(None),
            ),
        ),
        (
            1,
            event("PrepareForSyncCompleted", one(hr()), none(), any_hr()),
        ),
        (
            1,
            event("SynchronizeCompleted", one(hr()), none(), any_hr()),
        ),
        (
            1,
            event("ShowPropertiesCompleted", one(hr()), none(), any_hr()),
        ),
        (
            2,
            event(
                "ShowErrorCompleted",
                (hr(), ids(4)).prop_map(|(h, mut v)| {
                    v.insert(0, piece(PieceKind::Pos, h));
                    v
                }),
                none(),
                any_hr(),
            ),
        ),
        (
            1,
            event(
                "EnableModeless",
                one(select(vec!["true", "false"]).prop_map(str::to_owned)),
                none(),
                any_hr(),
            ),
        ),
        (4, progress()),
        (3, log_error()),
        (2, event("DeleteLogError", one(id()), reserved(), any_hr())),
        (
            2,
            event(
                "EstablishConnection",
                option::of(string_lit())
                    .prop_map(|s| s.map(|t| piece(PieceKind::PosStr, t)).into_iter().collect()),
                reserved(),
                any_hr(),
            ),
        ),
    ]
}

fn decl() -> impl Strategy<Value = Pieces> {
    (select(vec!["item", "error"]), name(), guid_text()).prop_map(|(k, n, g)| {
        vec![
            piece(PieceKind::Word, k),
            piece(PieceKind::Pos, n),
            piece(PieceKind::Pos, g),
        ]
    })
}

/// The tokens of a valid event line of any event (never empty).
pub fn event_pieces() -> BoxedStrategy<Pieces> {
    Union::new_weighted(events()).boxed()
}

/// The tokens of a valid event or declaration line (never empty).
pub fn line_pieces() -> BoxedStrategy<Pieces> {
    prop_oneof![10 => event_pieces(), 1 => decl().boxed()].boxed()
}

/// A valid line as tokens, comment and layout.
pub fn valid_parts() -> impl Strategy<Value = (Parts, Layout)> {
    let pieces = prop_oneof![20 => line_pieces(), 1 => Just(Vec::new())];
    (
        pieces,
        prop_oneof![3 => Just(None), 1 => comment().prop_map(Some)],
        layout(),
    )
        .prop_map(|(pieces, comment, l)| (Parts { pieces, comment }, l))
}

/// A valid line: an event of any form, a declaration, a blank line or a comment-only line, with
/// random blanks, `=>` sometimes glued, and sometimes a trailing comment.
pub fn valid_line() -> impl Strategy<Value = String> {
    valid_parts().prop_map(|(p, l)| render(&p, &l))
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// One mutation of a valid line.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// A character inserted at a character position of the rendered line.
    InsertChar(Index, char),
    /// A `"` inserted inside a token.
    QuoteInPiece(Index, Index),
    /// Something glued after a string's closing quote (or after any token when there is none).
    GlueAfterString(Index, &'static str),
    /// A `"` inserted before an option's `=`.
    QuoteBeforeEq(Index),
    /// An option moved before the positional arguments.
    OptionFirst(Index),
    /// A token dropped.
    Drop(Index),
    /// A token duplicated.
    Duplicate(Index),
    /// A token glued to the next one.
    Glue(Index),
    /// Two adjacent tokens swapped.
    Swap(Index),
    /// A token replaced with `=>`.
    ArrowFor(Index),
    /// `=>` inserted before a token.
    ArrowInsert(Index),
    /// `=>` at the start of the line.
    ArrowStart,
    /// A second `=>` after the first, or `=> =>` at the end.
    ArrowDouble,
    /// The HR after `=>` dropped (or `=>` appended with none).
    DropHr,
    /// A token's value put in double quotes (`reserved="0"`, `"A"`).
    Quote(Index),
    /// A token made long (a long name, many leading zeros, a long string).
    Long(Index, usize, u8),
    /// The line cut at a character position.
    Truncate(Index),
    /// An extra token appended.
    Extra(&'static str),
}

const INSERTED: &[char] = &[
    '\r', '\0', '\u{1b}', '\t', '#', '=', '"', '\\', '>', '|', ' ', '{', '}', '-', 'é', '€', '😀',
    '\u{a0}',
];
const GLUED: &[&str] = &["x", "\"", "\"y\"", "=", "|", "\\", "é", "0", "=x"];
const EXTRA: &[&str] = &[
    "x",
    "\"x\"",
    "0",
    "=>",
    "S_OK",
    "reserved=0",
    "jump",
    "mask=0x0",
    "null",
    "|",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let ix = any::<Index>;
    prop_oneof![
        4 => (ix(), select(INSERTED)).prop_map(|(a, c)| Mutation::InsertChar(a, c)),
        3 => (ix(), ix()).prop_map(|(a, b)| Mutation::QuoteInPiece(a, b)),
        2 => (ix(), select(GLUED)).prop_map(|(a, t)| Mutation::GlueAfterString(a, t)),
        1 => ix().prop_map(Mutation::QuoteBeforeEq),
        2 => ix().prop_map(Mutation::OptionFirst),
        2 => ix().prop_map(Mutation::Drop),
        2 => ix().prop_map(Mutation::Duplicate),
        2 => ix().prop_map(Mutation::Glue),
        1 => ix().prop_map(Mutation::Swap),
        2 => ix().prop_map(Mutation::ArrowFor),
        1 => ix().prop_map(Mutation::ArrowInsert),
        1 => Just(Mutation::ArrowStart),
        1 => Just(Mutation::ArrowDouble),
        1 => Just(Mutation::DropHr),
        3 => ix().prop_map(Mutation::Quote),
        1 => (ix(), 40..3000usize, 0..3u8).prop_map(|(a, n, k)| Mutation::Long(a, n, k)),
        1 => ix().prop_map(Mutation::Truncate),
        1 => select(EXTRA).prop_map(Mutation::Extra),
    ]
}

fn indices_of(parts: &Parts, f: impl Fn(&Piece) -> bool) -> Vec<usize> {
    parts
        .pieces
        .iter()
        .enumerate()
        .filter(|(_, p)| f(p))
        .map(|(i, _)| i)
        .collect()
}

fn pick(ix: &Index, v: &[usize]) -> Option<usize> {
    (!v.is_empty()).then(|| v[ix.index(v.len())])
}

fn insert_at_char(s: &str, ix: &Index, text: &str) -> String {
    let n = s.chars().count();
    let at = ix.index(n + 1);
    let byte = s.char_indices().nth(at).map_or(s.len(), |(b, _)| b);
    format!("{}{text}{}", &s[..byte], &s[byte..])
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn apply(parts: &mut Parts, l: &Layout, m: &Mutation) -> Option<String> {
    use PieceKind as K;
    let n = parts.pieces.len();
    let all: Vec<usize> = (0..n).collect();
    match m {
        Mutation::InsertChar(at, c) => {
            return Some(insert_at_char(&render(parts, l), at, &c.to_string()));
        }
        Mutation::Truncate(at) => {
            let s = render(parts, l);
            let cut = at.index(s.chars().count() + 1);
            return Some(s.chars().take(cut).collect());
        }
        Mutation::QuoteInPiece(p, at) => {
            if let Some(i) = pick(p, &all) {
                let t = &parts.pieces[i].text;
                parts.pieces[i].text = insert_at_char(t, at, "\"");
            }
        }
        Mutation::GlueAfterString(p, tail) => {
            let strings = indices_of(parts, |p| matches!(p.kind, K::PosStr | K::OptStr));
            if let Some(i) = pick(p, &strings).or_else(|| pick(p, &all)) {
                parts.pieces[i].text.push_str(tail);
            }
        }
        Mutation::QuoteBeforeEq(p) => {
            let options = indices_of(parts, |p| p.text.contains('='));
            if let Some(i) = pick(p, &options) {
                parts.pieces[i].text = parts.pieces[i].text.replacen('=', "\"=", 1);
            }
        }
        Mutation::OptionFirst(p) => {
            let options = indices_of(parts, |p| matches!(p.kind, K::Opt | K::OptStr));
            let moved = match pick(p, &options) {
                Some(i) => parts.pieces.remove(i),
                None => piece(K::Opt, "reserved=0"),
            };
            parts.pieces.insert(1.min(parts.pieces.len()), moved);
        }
        Mutation::Drop(p) => {
            if let Some(i) = pick(p, &all) {
                parts.pieces.remove(i);
            }
        }
        Mutation::Duplicate(p) => {
            if let Some(i) = pick(p, &all) {
                let d = parts.pieces[i].clone();
                parts.pieces.insert(i, d);
            }
        }
        Mutation::Glue(p) => {
            if n >= 2 {
                let i = p.index(n - 1);
                let next = parts.pieces.remove(i + 1);
                parts.pieces[i].text.push_str(&next.text);
            }
        }
        Mutation::Swap(p) => {
            if n >= 2 {
                let i = p.index(n - 1);
                parts.pieces.swap(i, i + 1);
            }
        }
        Mutation::ArrowFor(p) => {
            let rest: Vec<usize> = (1..n).collect();
            if let Some(i) = pick(p, &rest) {
                parts.pieces[i] = piece(K::Arrow, "=>");
            } else {
                parts.pieces.push(piece(K::Arrow, "=>"));
            }
        }
        Mutation::ArrowInsert(p) => {
            let i = p.index(n + 1);
            parts.pieces.insert(i, piece(K::Arrow, "=>"));
        }
        Mutation::ArrowStart => parts.pieces.insert(0, piece(K::Arrow, "=>")),
        Mutation::ArrowDouble => match parts.pieces.iter().position(|p| p.kind == K::Arrow) {
            Some(i) => parts.pieces.insert(i + 1, piece(K::Arrow, "=>")),
            None => {
                parts.pieces.push(piece(K::Arrow, "=>"));
                parts.pieces.push(piece(K::Arrow, "=>"));
            }
        },
        Mutation::DropHr => match parts.pieces.iter().position(|p| p.kind == K::Hr) {
            Some(i) => {
                parts.pieces.remove(i);
            }
            None => parts.pieces.push(piece(K::Arrow, "=>")),
        },
        Mutation::Quote(p) => {
            let targets = indices_of(parts, |p| {
                !matches!(p.kind, K::PosStr | K::OptStr | K::Arrow)
            });
            if let Some(i) = pick(p, &targets) {
                let t = parts.pieces[i].text.clone();
                parts.pieces[i].text = match t.split_once('=') {
                    Some((k, v)) => format!("{k}={}", quoted(v)),
                    None => quoted(&t),
                };
            }
        }
        Mutation::Long(p, len, kind) => {
            if let Some(i) = pick(p, &all) {
                let t = &mut parts.pieces[i].text;
                match kind {
                    0 => *t = format!("a{}", "b".repeat(*len)),
                    1 => match t.find(|c: char| c.is_ascii_digit()) {
                        Some(at) => t.insert_str(at, &"0".repeat(*len)),
                        None => t.push_str(&"9".repeat(*len)),
                    },
                    _ => *t = quoted(&"é #".repeat(*len / 3)),
                }
            }
        }
        Mutation::Extra(e) => parts.pieces.push(piece(K::Pos, *e)),
    }
    Some(render(parts, l))
}

/// Lines of the forms whose reading the reference parser had to decide (see its interpretations);
/// `{}` is replaced by an ID.
const AMBIGUOUS: &[&str] = &[
    "Progress {} => 0x0",
    "Progress {} => 0x00040203",
    "Progress {} => 0x40204",
    "Progress {} => 0x1",
    "Progress {} => S_FALSE",
    "Progress {} value=010 max=0010",
    "SetItemStatus {} 0001",
    "Initialize 0X3",
    "Initialize MANUAL reserved=0X0",
    "GetItemObject 6295Df40-35ee-11D1-8707-00c04FD93327",
    "GetItemObject {6295df40-35ee-11d1-8707-00c04fd93327",
    "GetItemObject 6295df40-35ee-11d1-8707-00c04fd93327}",
    "Synchronize#c",
    "GetItemObject {}#c",
    "SetProgressCallback set#x",
    "Synchronize => S_OK#c",
    "Initialize MANUAL cookie=#x",
    "LogError ERROR \"t\" jump jump",
    "LogError ERROR \"t\" jump=1",
    "LogError ERROR jump",
    "LogError ERROR error={}",
    "return Synchronize S_OK => S_OK",
    "return ShowError E_FAIL => E_FAIL",
    "PrepareForSync {} reserved=0 B",
    "PrepareForSync {} reserved=0 \"x\"",
    "EstablishConnection reserved=0 \"x\"",
    "EstablishConnection reserved=0 foo",
    "EstablishConnection foo",
    "EstablishConnection \"a\" reserved=0 \"b\"",
    "Progress {} mask=0x1 text=\"a\"b",
    "Progress {} mask=0x1 text=bare",
    "Progress {} mask=0x1 => S_OK text=\"x\"",
    "Progress {} mask=0x1 \"a\"b",
    "Progress {} mask=0x3 te\"xt=\"a\"",
    "Progress mask=0x0",
    "Progress {} mask=0x2 mask=0x2",
    "Progress {} text=\"a\" text=\"b\" mask=0x1",
    "item A null",
    "item A {} extra",
    "error {} 6295df40-35ee-11d1-8707-00c04fd93327 => S_OK",
    "Synchronize =\"a b\"",
    "LogError ERROR \"a\tb\"",
    "LogError ERROR \"a\rb\"",
    "LogError ERROR \"a\u{0}b\u{1b}\"",
    "LogError ERROR \"a\\x\"",
    "LogError ERROR \"a\\",
    "LogError ERROR \"a\\\"",
    "Initialize MANUAL|",
    "Initialize |MANUAL",
    "Initialize MANUAL||IDLE",
    "Initialize MANUAL | IDLE",
    "Initialize MANUAL cookie=ABcd",
    "Initialize MANUAL cookie=abc",
    "Initialize MANUAL cookie=0x00",
    "EnableModeless true => E_FAIL",
    "Progress {} value=0x",
    "Progress {} value=-",
    "Progress {} value=+-1",
    "Progress {} value=--1",
    "Progress {} value=-0",
    "Progress {} value=-0x80000000 max=-2147483649",
    "Progress {} value=4294967296",
    "Progress {} value=000000000000000000001",
    "Synchronize => 0x000000000",
    "Synchronize => 0",
    "Synchronize => +0x0",
    "Synchronize => 0X0",
    "Synchronize => s_ok",
    "Progress {} text=\"a\"#c",
    "Progress {} text=\"a\"=>S_OK",
    "LogError ERROR \"a\"=>S_OK",
    "EnumSyncMgrItems {} x=1 B",
    "EnumSyncMgrItems jump mask {}",
    "PrepareForSync {} reserved==>S_OK",
    "PrepareForSync {} mask=>S_OK",
    "ShowErrorCompleted S_OK {} => =>",
    "ab\"c d\"",
    "GetItemObject ab\"c d\"",
    "GetItemObject a\u{a0}b",
    "\u{feff}Synchronize",
    "Synchronize\r",
];

fn ambiguous_line() -> impl Strategy<Value = String> {
    (select(AMBIGUOUS), id(), any::<bool>(), layout()).prop_map(|(t, id, tabs, l)| {
        let line = t.replace("{}", &id);
        let line = if tabs {
            line.replace(' ', &l.seps[1])
        } else {
            line
        };
        format!("{}{line}{}", l.lead, l.trail)
    })
}

/// A valid line mutated once or twice, or a line of a form whose reading is open (see the
/// reference parser's interpretations).
pub fn mutated_line() -> impl Strategy<Value = String> {
    let mutated = (
        line_pieces(),
        option::of(comment()),
        layout(),
        mutation(),
        option::of(mutation()),
    )
        .prop_map(|(pieces, comment, l, m1, m2)| {
            let mut parts = Parts { pieces, comment };
            let once = apply(&mut parts, &l, &m1).unwrap_or_default();
            match m2 {
                // A second structural mutation applies to the tokens; a textual one to the text.
                Some(m @ (Mutation::InsertChar(..) | Mutation::Truncate(_))) => {
                    let mut p = Parts {
                        pieces: vec![piece(PieceKind::Pos, once)],
                        comment: None,
                    };
                    let flat = Layout {
                        lead: String::new(),
                        trail: String::new(),
                        ..l.clone()
                    };
                    apply(&mut p, &flat, &m).unwrap_or_default()
                }
                Some(m) if !matches!(m1, Mutation::InsertChar(..) | Mutation::Truncate(_)) => {
                    apply(&mut parts, &l, &m).unwrap_or_default()
                }
                _ => once,
            }
        });
    prop_oneof![4 => mutated, 1 => ambiguous_line()]
}

/// Invalid UTF-8 sequences.
const BAD_UTF8: &[&[u8]] = &[
    &[0xFF],
    &[0xC3],
    &[0xE2, 0x82],
    &[0xED, 0xA0, 0x80],
    &[0xC0, 0x80],
    &[0x80],
    &[0xF4, 0x90, 0x80, 0x80],
    &[0xF0, 0x9F, 0x98],
];

/// Several lines (declarations, events, comments, blank lines, sometimes mutated ones) joined by
/// LF or CRLF, sometimes with no final line end, a lone CR inside a line, or an invalid UTF-8 byte.
pub fn trace_bytes() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![8 => valid_line(), 2 => mutated_line()];
    let lines = vec((line, any::<bool>()), 1..10);
    let cr = prop_oneof![3 => Just(None), 1 => (any::<Index>(), any::<Index>()).prop_map(Some)];
    let bad = prop_oneof![3 => Just(None), 1 => (any::<Index>(), any::<Index>(), select(BAD_UTF8)).prop_map(Some)];
    (lines, any::<bool>(), cr, bad).prop_map(|(mut lines, final_end, cr, bad)| {
        if let Some((li, at)) = cr {
            let i = li.index(lines.len());
            let n = lines[i].0.chars().count();
            if n >= 1 {
                // Before a character of the line, so that it never becomes the CR of a CRLF.
                let pos = at.index(n);
                let byte = lines[i].0.char_indices().nth(pos).map_or(0, |(b, _)| b);
                lines[i].0.insert(byte, '\r');
            }
        }
        let count = lines.len();
        let mut rows: Vec<Vec<u8>> = lines
            .into_iter()
            .enumerate()
            .map(|(i, (l, crlf))| {
                let mut b = l.into_bytes();
                if i + 1 < count || final_end {
                    b.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                }
                b
            })
            .collect();
        if let Some((li, at, seq)) = bad {
            let i = li.index(rows.len());
            let row = &mut rows[i];
            let end = row
                .iter()
                .position(|&b| b == b'\r' || b == b'\n')
                .unwrap_or(row.len());
            let text = String::from_utf8_lossy(&row[..end]).into_owned();
            let pos = at.index(text.chars().count() + 1);
            let byte = text.char_indices().nth(pos).map_or(end, |(b, _)| b);
            let tail = row.split_off(byte);
            row.extend_from_slice(seq);
            row.extend_from_slice(&tail);
        }
        rows.concat()
    })
}
