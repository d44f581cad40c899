//! The grammar of one line (TRACE.md "Grammar" and "Events"): a declaration, or an event's word,
//! its positional arguments in order, its options in any order, and `=> HR`; parsed straight
//! from the line's tokens into the event, without a token list.
//!
//! Errors are reported at the leftmost token in error (TRACE.md "`mobsync check` output"). Two
//! errors are known only later than their token is read — a mask bit set without its key, and an
//! option before a positional argument — so an error found after an option first asks
//! [`Line::leftmost`] whether one of those lies further left.
//!
//! This file holds the line's tokens, arguments and options; `events` the shape of each
//! declaration and event.

use std::borrow::Cow;

use crate::flags::{ErrorFlags, LogErrorMask, ProgressMask};
use crate::guid::{ErrorId, Guid, ItemId};
use crate::hresult::HResult;
use crate::machine::{LogErrorInfo, Method, ProgressItem};
use crate::rule::EventKind;

use super::error::{Shown, SyntaxError};
use super::event::Call;
use super::names::{Names, implicit, is_name};
use super::scan::{Kind, Scan, Tok};
use super::value::{
    dword, flags_value, int, is_hex, level_value, parse_guid, parse_hr, parse_number, status_value,
};

mod events;

/// The word of a return line (`return METHOD HR`); the returns' event names are this word and
/// the method's name ([`EventKind::name`]).
const RETURN: &str = "return";

/// The keys of `key=value` options and the flag words (TRACE.md "Events").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    Cookie,
    Reserved,
    Name,
    Flags,
    Status,
    Text,
    Value,
    Max,
    Mask,
    Error,
    Item,
    Jump,
}

impl Key {
    const fn bit(self) -> u16 {
        1 << self as u16
    }

    fn of(text: &str) -> Option<Self> {
        Some(match text {
            "cookie" => Self::Cookie,
            "reserved" => Self::Reserved,
            "name" => Self::Name,
            "flags" => Self::Flags,
            "status" => Self::Status,
            "text" => Self::Text,
            "value" => Self::Value,
            "max" => Self::Max,
            "mask" => Self::Mask,
            "error" => Self::Error,
            "item" => Self::Item,
            "jump" => Self::Jump,
            _ => return None,
        })
    }

    /// A key whose value is a string (`key="…"`); every other key's value is a bare word.
    const fn takes_string(self) -> bool {
        matches!(self, Self::Name | Self::Text)
    }
}

/// The fields a mask names, each with its key and bit.
type Fields = &'static [(Key, u32)];

/// The fields a mask names, with their keys: Progress's and LogError's.
const PROGRESS_FIELDS: [(Key, u32); 4] = [
    (Key::Text, ProgressMask::STATUSTEXT.bits()),
    (Key::Status, ProgressMask::STATUSTYPE.bits()),
    (Key::Value, ProgressMask::PROGVALUE.bits()),
    (Key::Max, ProgressMask::MAXVALUE.bits()),
];
const LOG_FIELDS: [(Key, u32); 3] = [
    (Key::Jump, LogErrorMask::ERRORFLAGS.bits()),
    (Key::Error, LogErrorMask::ERRORID.bits()),
    (Key::Item, LogErrorMask::ITEMID.bits()),
];

/// A line is in error; the error is in [`Line::failed`]. Zero-sized, so a result travels in
/// registers.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fail;

/// A step of the parse.
type R<T> = Result<T, Fail>;

/// What a line is being parsed with.
pub(super) struct Line<'p, 'a> {
    pub(super) line: usize,
    pub(super) text: &'a str,
    pub(super) scan: Scan<'a>,
    pub(super) names: &'p mut Names,
    pub(super) spare_items: &'p mut Vec<ItemId>,
    /// Where the first option is, once one was read.
    first_option: Option<usize>,
    /// A positional argument may still come (an open-ended list, EstablishConnection's name):
    /// a word after the options then puts the first option in error.
    open: bool,
    /// The keys present, one bit each ([`Key::bit`]).
    keys: u16,
    /// `mask=`'s position and value, and the fields it names.
    mask: Option<(usize, u32, Fields)>,
    /// `=>` was read: the options are over, and so are the errors decided later.
    arrow: bool,
    /// The event has the flag word `jump` (LogError).
    jump: bool,
    /// The keys the event's options may have, one bit each.
    allowed: u16,
    /// The line's error, once it is known.
    pub(super) failed: Option<SyntaxError>,
    /// That error is a missing token (reported past the line's last token).
    pub(super) missing: bool,
}

/// An option read: its key and its token.
type Opt = (Key, Tok);

impl<'p, 'a> Line<'p, 'a> {
    pub(super) fn new(
        line: usize,
        text: &'a str,
        names: &'p mut Names,
        spare_items: &'p mut Vec<ItemId>,
    ) -> Self {
        Self {
            line,
            text,
            scan: Scan::new(text),
            names,
            spare_items,
            first_option: None,
            open: false,
            keys: 0,
            mask: None,
            arrow: false,
            jump: false,
            allowed: 0,
            failed: None,
            missing: false,
        }
    }

    /// An error at byte `at`, or further left where an error decided later lies
    /// ([`Line::leftmost`]).
    #[cold]
    #[inline(never)]
    fn error(&mut self, at: usize, message: impl Into<Cow<'static, str>>) -> Fail {
        let (at, message) = match self.leftmost(at) {
            Some(earlier) => earlier,
            None => (at, message.into()),
        };
        self.fail_at(at, message)
    }

    /// The line is in error at byte `at`, for `message`.
    #[cold]
    fn fail_at(&mut self, at: usize, message: Cow<'static, str>) -> Fail {
        self.failed = Some(SyntaxError {
            line: self.line,
            column: column(self.text, at),
            message: message.into_owned(),
        });
        Fail
    }

    /// The text of `tok`.
    #[inline(always)]
    fn t(&self, tok: Tok) -> &'a str {
        tok.text(self.text)
    }

    /// An error left of `at` that the tokens from `at` on decide: an option before a positional
    /// argument, or a mask bit set without its key.
    #[cold]
    fn leftmost(&self, at: usize) -> Option<(usize, Cow<'static, str>)> {
        if self.arrow {
            return None;
        }
        let first = self.first_option.filter(|&first| first < at)?;
        let mut keys = self.keys;
        let mut positional = false;
        let mut rest = Scan::at(self.text, at);
        while let Some(tok) = rest.next() {
            if tok.kind == Kind::Arrow {
                break;
            }
            let allowed = |key: &Key| self.allowed & key.bit() != 0;
            match Key::of(tok.key(self.text)).filter(|key| tok.is_option() && allowed(key)) {
                Some(key) => keys |= key.bit(),
                None if self.jump && self.t(tok) == "jump" => keys |= Key::Jump.bit(),
                None => positional |= !tok.is_option(),
            }
        }
        if self.open && positional {
            return Some((first, "an option before a positional argument".into()));
        }
        let (at_mask, mask, fields) = self.mask.filter(|&(pos, ..)| pos < at)?;
        missing_field(mask, fields, keys).map(|key| (at_mask, key))
    }

    /// A missing token: one column past the line's last token.
    #[cold]
    fn missing(&mut self, what: &str) -> Fail {
        let at = self.scan.last_end();
        if let Some((earlier, message)) = self.leftmost(at) {
            return self.fail_at(earlier, message);
        }
        self.missing = true;
        self.fail_at(at, format!("{what} expected").into())
    }

    /// The next token as a positional argument: a word (or, for `string`, a string).
    #[inline]
    fn positional(&mut self, what: &str, string: bool) -> R<Tok> {
        let Some(tok) = self.scan.next() else {
            return Err(self.missing(what));
        };
        match tok.kind {
            Kind::Word if !string => Ok(tok),
            Kind::Str if string => Ok(tok),
            _ => Err(self.not_positional(tok, what)),
        }
    }

    /// What is wrong with `tok` where a positional argument should be.
    #[cold]
    fn not_positional(&mut self, tok: Tok, what: &str) -> Fail {
        let message = match tok.kind {
            Kind::Bad => tok.why.message().to_owned(),
            Kind::Arrow => format!("{what} expected, found `=>`"),
            _ if tok.is_option() => {
                format!("{what} expected, found the option {}", Shown(self.t(tok)))
            }
            Kind::Str => format!("{what} expected, found a string {}", Shown(self.t(tok))),
            _ => format!("{what} expected, found {}", Shown(self.t(tok))),
        };
        self.error(tok.start(), message)
    }

    /// An ID (the text `text` of `tok`): a GUID, a name (declared, or implicit) or `null`.
    #[inline]
    fn id(&mut self, tok: Tok, text: &'a str) -> R<Guid> {
        if let Some(guid) = self.names.get(text) {
            return Ok(guid);
        }
        if let Some(guid) = parse_guid(text) {
            return Ok(guid);
        }
        self.new_id(tok, text)
    }

    /// An ID that is not a GUID and not a name yet: `null`, or a new implicit name.
    #[cold]
    fn new_id(&mut self, tok: Tok, text: &'a str) -> R<Guid> {
        if text == "null" {
            return Ok(Guid::NULL);
        }
        if !is_name(text) {
            let message = format!("{} is not a GUID, a name or null", Shown(text));
            return Err(self.error(tok.start(), message));
        }
        let guid = implicit(text);
        if self.names.insert(text, guid).is_err() {
            return Err(self.error(tok.start(), TOO_MANY_NAMES));
        }
        Ok(guid)
    }

    fn item(&mut self) -> R<ItemId> {
        let tok = self.positional("an item", false)?;
        self.id(tok, self.t(tok)).map(ItemId::from)
    }

    fn error_id(&mut self) -> R<ErrorId> {
        let tok = self.positional("an error id", false)?;
        self.id(tok, self.t(tok)).map(ErrorId::from)
    }

    /// ITEMS: IDs up to the first option, `=>` or the end, in the parser's spare list; more
    /// positional arguments may follow the options (they are then in error).
    fn items(&mut self) -> R<Vec<ItemId>> {
        self.open = true;
        let mut items = std::mem::take(self.spare_items);
        items.clear();
        while let Some(tok) = self.scan.peek() {
            match tok.kind {
                Kind::Word => {
                    self.scan.next();
                    items.push(ItemId::from(self.id(tok, self.t(tok))?));
                }
                Kind::Arrow => break,
                _ if tok.is_option() => break,
                _ => return Err(self.not_positional(tok, "an item")),
            }
        }
        Ok(items)
    }

    /// HR, the next positional argument.
    fn hr(&mut self, what: &str) -> R<HResult> {
        let tok = self.positional(what, false)?;
        match parse_hr(self.t(tok)) {
            Some(hr) => Ok(hr),
            None => Err(self.bad_value(tok, "is not an HRESULT name or 0x and 1 to 8 hex digits")),
        }
    }

    /// `tok`'s value is not what its place takes.
    #[cold]
    fn bad_value(&mut self, tok: Tok, what: &str) -> Fail {
        let message = format!("{} {what}", Shown(self.t(tok)));
        self.error(tok.start(), message)
    }

    fn choice(&mut self, what: &str, yes: &str, no: &str) -> R<bool> {
        let tok = self.positional(what, false)?;
        match self.t(tok) {
            t if t == yes => Ok(true),
            t if t == no => Ok(false),
            _ => Err(self.not_positional(tok, what)),
        }
    }

    /// The options up to `=>` or the end: `key=value` with a key of `keys`, and the flag words
    /// of `flags`, each at most once; calls `each` with each one, in line order.
    #[inline]
    fn options(
        &mut self,
        keys: &[Key],
        flags: &[Key],
        mut each: impl FnMut(&mut Self, Opt) -> R<()>,
    ) -> R<()> {
        self.jump = flags.contains(&Key::Jump);
        self.allowed = keys.iter().fold(0, |bits, key| bits | key.bit());
        while let Some(tok) = self.scan.peek() {
            if tok.kind == Kind::Arrow {
                break;
            }
            self.scan.next();
            let known = if tok.is_option() {
                Key::of(tok.key(self.text)).filter(|key| keys.contains(key))
            } else if tok.kind == Kind::Word {
                Key::of(self.t(tok)).filter(|key| flags.contains(key))
            } else {
                None
            };
            let Some(key) = known else {
                return Err(self.not_an_option(tok));
            };
            if self.first_option.is_none() {
                self.first_option = Some(tok.start());
            }
            if self.keys & key.bit() != 0 {
                let message = format!("{} given twice", Shown(tok.key(self.text)));
                return Err(self.error(tok.start(), message));
            }
            self.keys |= key.bit();
            match (key.takes_string(), tok.kind) {
                (true, Kind::KeyStr) | (false, Kind::Pair | Kind::Word) => {}
                (_, Kind::Bad) => return Err(self.error(tok.start(), tok.why.message())),
                (true, _) => return Err(self.error(tok.start(), "its value is a quoted string")),
                (false, _) => {
                    return Err(self.error(tok.start(), "a string where a bare value is expected"));
                }
            }
            each(self, (key, tok))?;
        }
        Ok(())
    }

    /// `tok` is not an option the event has.
    #[cold]
    fn not_an_option(&mut self, tok: Tok) -> Fail {
        let message = if tok.is_option() {
            format!("unknown key {}", Shown(tok.key(self.text)))
        } else if tok.kind == Kind::Bad {
            tok.why.message().to_owned()
        } else {
            format!("unexpected {} after the event", Shown(self.t(tok)))
        };
        self.error(tok.start(), message)
    }

    /// The number of `key=N`.
    #[inline]
    fn number(&mut self, tok: Tok) -> R<i64> {
        match parse_number(tok.value(self.text)) {
            Some(n) => Ok(n),
            None => Err(self.bad_value(tok, ": a number from -2^31 to 2^32-1 expected")),
        }
    }

    /// The mask from `mask=` (with `fields` set or not by their keys), else from the keys present.
    fn mask(&mut self, fields: Fields) -> R<u32> {
        let Some((at, mask, _)) = self.mask else {
            return Ok(fields
                .iter()
                .filter(|(key, _)| self.keys & key.bit() != 0)
                .fold(0, |mask, (_, bit)| mask | bit));
        };
        match missing_field(mask, fields, self.keys) {
            Some(message) => Err(self.fail_at(at, message)),
            None => Ok(mask),
        }
    }

    /// `=> HR`, if the line has it (for Progress, one of its three answers); nothing may follow
    /// it.
    fn recorded(&mut self, progress: bool) -> R<Option<HResult>> {
        let Some(tok) = self.scan.next() else {
            return Ok(None);
        };
        if tok.kind != Kind::Arrow {
            let message = format!("unexpected {} after the event", Shown(self.t(tok)));
            return Err(self.error(tok.start(), message));
        }
        self.arrow = true;
        let hr = self.positional("an HRESULT after =>", false)?;
        let Some(value) = parse_hr(self.t(hr)) else {
            return Err(self.bad_value(hr, "is not an HRESULT name or 0x and 1 to 8 hex digits"));
        };
        if progress
            && ![
                HResult::S_OK,
                HResult::S_SYNCMGR_CANCELITEM,
                HResult::S_SYNCMGR_CANCELALL,
            ]
            .contains(&value)
        {
            let message = "Progress is answered S_OK, S_SYNCMGR_CANCELITEM or S_SYNCMGR_CANCELALL";
            return Err(self.error(hr.start(), message));
        }
        if let Some(extra) = self.scan.next() {
            let message = format!("unexpected {} after the result", Shown(self.t(extra)));
            return Err(self.error(extra.start(), message));
        }
        Ok(Some(value))
    }
}

/// The error for one name more than the limit.
const TOO_MANY_NAMES: &str = "one name more than a trace may use (2,097,152)";

/// The message for the first field `mask` sets whose key is not among `keys`, if any.
fn missing_field(mask: u32, fields: &[(Key, u32)], keys: u16) -> Option<Cow<'static, str>> {
    let (key, _) = fields
        .iter()
        .find(|&&(key, bit)| mask & bit != 0 && keys & key.bit() == 0)?;
    let name = match key {
        Key::Text => "text",
        Key::Status => "status",
        Key::Value => "value",
        Key::Max => "max",
        Key::Jump => "jump",
        Key::Error => "error",
        _ => "item",
    };
    Some(format!("mask sets the bit of `{name}`, which is missing").into())
}

/// The 1-based column, in characters, of byte `offset` of `line`.
pub(super) fn column(line: &str, offset: usize) -> usize {
    line.get(..offset).unwrap_or(line).chars().count() + 1
}
