//! The lexical rules and grammar of trace format v1 (TRACE.md): one line in, one declaration or
//! event out, or a [`SyntaxError`] with its line and column.

use hashbrown::HashMap;
use uuid::Uuid;

use crate::flags::{ItemState, LogErrorMask, ProgressMask, SyncMgrFlags};
use crate::guid::{ErrorId, Guid, ItemId};
use crate::hresult::HResult;
use crate::machine::{
    Event, HandlerInfo, LogErrorInfo, Method, ProgressAnswer, ProgressItem, SyncMgrItem,
};
use crate::rules::EventKind;
use crate::status::SyncMgrStatus;

use super::lex::{Kind, Span, Token, column, tokenize};

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

/// One event line, parsed: what happened and what was recorded after `=>`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TraceEvent {
    /// The 1-based line.
    pub line: usize,
    /// The event and its arguments.
    pub call: Call,
    /// The result recorded after `=>`, if any.
    pub recorded: Option<HResult>,
}

/// An event of a trace with its arguments, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is the event of the same name in TRACE.md
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Call {
    Initialize {
        flags: u32,
        reserved: u32,
    },
    GetHandlerInfo {
        name_units: usize,
        flags: u32,
    },
    EnumSyncMgrItems {
        items: Vec<ItemId>,
    },
    GetItemObject {
        item: ItemId,
    },
    SetProgressCallback {
        set: bool,
    },
    SetItemStatus {
        item: ItemId,
        status: u32,
    },
    PrepareForSync {
        items: Vec<ItemId>,
        reserved: u32,
    },
    Synchronize,
    ShowProperties {
        item: ItemId,
    },
    ShowError {
        error: ErrorId,
    },
    Return {
        method: Method,
        hr: HResult,
    },
    PrepareForSyncCompleted {
        hr: HResult,
    },
    SynchronizeCompleted {
        hr: HResult,
    },
    ShowPropertiesCompleted {
        hr: HResult,
    },
    ShowErrorCompleted {
        hr: HResult,
        items: Vec<ItemId>,
    },
    EnableModeless {
        enable: bool,
    },
    Progress {
        item: ItemId,
        progress: ProgressItem,
    },
    LogError {
        level: u32,
        info: LogErrorInfo,
    },
    DeleteLogError {
        error: ErrorId,
        reserved: u32,
    },
    EstablishConnection {
        has_name: bool,
        reserved: u32,
    },
}

impl Call {
    /// The event kind.
    ///
    /// ```
    /// # use mobsync::trace::Call;
    /// # use mobsync::EventKind;
    /// assert_eq!(Call::Synchronize.kind(), EventKind::Synchronize);
    /// ```
    #[must_use]
    pub fn kind(&self) -> EventKind {
        // Named here rather than built: building it would allocate its item list.
        if let Self::EnumSyncMgrItems { .. } = self {
            return EventKind::EnumSyncMgrItems;
        }
        self.with_event(HResult::S_OK, |event| event.kind())
    }
}

impl Call {
    /// Hands the engine's [`Event`] for this call to `f`: for calls with a separate return, the
    /// entry; `answer` is what the handler answered (Initialize, GetHandlerInfo,
    /// EnumSyncMgrItems) or what the manager answered (EnableModeless, Progress).
    pub fn with_event<R>(&self, answer: HResult, f: impl FnOnce(&Event<'_>) -> R) -> R {
        self.with_event_in(answer, &mut Vec::new(), f)
    }

    /// [`Call::with_event`], with the items EnumSyncMgrItems hands out built in `enumerated`
    /// (cleared first), so a caller that keeps it allocates once.
    pub(crate) fn with_event_in<R>(
        &self,
        answer: HResult,
        enumerated: &mut Vec<SyncMgrItem>,
        f: impl FnOnce(&Event<'_>) -> R,
    ) -> R {
        let event = match self {
            Self::Initialize { flags, reserved } => Event::Initialize {
                reserved: *reserved,
                flags: SyncMgrFlags::from_bits(*flags),
                answer,
            },
            Self::GetHandlerInfo { name_units, flags } => Event::GetHandlerInfo {
                answer,
                info: HandlerInfo {
                    name_units: *name_units,
                    flags: *flags,
                },
            },
            Self::EnumSyncMgrItems { items } => {
                // A v1 trace carries no item attributes (TRACE.md): checked items, no flags.
                enumerated.clear();
                enumerated.extend(items.iter().map(|&id| SyncMgrItem {
                    id,
                    name_units: 0,
                    flags: 0,
                    state: ItemState::Checked as u32,
                }));
                Event::EnumSyncMgrItems {
                    answer,
                    items: enumerated,
                }
            }
            Self::GetItemObject { item } => Event::GetItemObject { item: *item },
            Self::SetProgressCallback { set } => Event::SetProgressCallback { bind: *set },
            Self::SetItemStatus { item, status } => Event::SetItemStatus {
                item: *item,
                status: *status,
            },
            Self::PrepareForSync { items, reserved } => Event::PrepareForSync {
                items,
                reserved: *reserved,
            },
            Self::Synchronize => Event::Synchronize,
            Self::ShowProperties { item } => Event::ShowProperties { item: *item },
            Self::ShowError { error } => Event::ShowError { error: *error },
            Self::Return { method, hr } => Event::Return {
                method: *method,
                hr: *hr,
            },
            Self::PrepareForSyncCompleted { hr } => Event::PrepareForSyncCompleted { hr: *hr },
            Self::SynchronizeCompleted { hr } => Event::SynchronizeCompleted { hr: *hr },
            Self::ShowPropertiesCompleted { hr } => Event::ShowPropertiesCompleted { hr: *hr },
            Self::ShowErrorCompleted { hr, items } => Event::ShowErrorCompleted { hr: *hr, items },
            Self::EnableModeless { enable } => Event::EnableModeless {
                enable: *enable,
                answer,
            },
            Self::Progress { item, progress } => Event::Progress {
                item: *item,
                progress: *progress,
                answer: ProgressAnswer::from_hresult(answer),
            },
            Self::LogError { level, info } => Event::LogError {
                level: *level,
                info: *info,
            },
            Self::DeleteLogError { error, reserved } => Event::DeleteLogError {
                error: *error,
                reserved: *reserved,
            },
            Self::EstablishConnection { has_name, reserved } => Event::EstablishConnection {
                has_name: *has_name,
                reserved: *reserved,
            },
        };
        f(&event)
    }
}

impl std::fmt::Display for TraceEvent {
    /// The event as a trace line that parses back to the same event. Strings the parsed form
    /// does not keep (status text, error text, connection name) print empty; a handler name
    /// prints as that many `x`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self.call {
            Call::GetHandlerInfo { name_units, .. } => "x".repeat(name_units),
            _ => String::new(),
        };
        let texts = crate::sim::format::Texts { text: Some(&name) };
        let answer = self.recorded.unwrap_or(HResult::S_OK);
        f.write_str(&self.call.with_event(answer, |event| {
            crate::sim::format::line(event, texts, self.recorded)
        }))
    }
}

/// The namespace of implicit names: `6295df40-35ee-11d1-8707-00c04fd93327` (TRACE.md).
const NAMESPACE: Uuid = Uuid::from_u128(0x6295df40_35ee_11d1_8707_00c04fd93327);

fn is_guid_shaped(text: &str) -> bool {
    text.parse::<Guid>().is_ok()
}

fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && text != "null"
        && !is_guid_shaped(text)
}

/// The names of a trace and their GUIDs. The hasher is seeded per process, so names from an
/// untrusted trace cannot be chosen to collide.
type Names = HashMap<String, Guid, foldhash::fast::RandomState>;

/// The parser's memory across lines: declared and used names, and buffers reused from line to
/// line. Nothing else outlives a line, so memory does not grow with the number of lines.
#[derive(Debug, Default)]
pub struct Parser {
    /// Each name seen, declared or only used, with its GUID.
    names: Names,
    /// The current line's tokens.
    tokens: Vec<Span>,
    /// An item list to fill, given back by [`Parser::recycle`].
    spare_items: Vec<ItemId>,
}

/// One parsed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// A blank or comment-only line.
    Empty,
    /// `item NAME GUID` or `error NAME GUID`.
    Declaration {
        /// The name.
        name: String,
        /// What it stands for.
        guid: Guid,
    },
    /// An event.
    Event(TraceEvent),
}

/// The tokens of one line, consumed left to right.
struct Cursor<'p, 'a> {
    line: usize,
    text: &'a str,
    tokens: std::slice::Iter<'p, Span>,
    names: &'p mut Names,
    spare_items: &'p mut Vec<ItemId>,
}

/// The keys of `key=value` options and the bare flags (TRACE.md "Events").
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
    /// The key as a trace spells it.
    const fn name(self) -> &'static str {
        match self {
            Self::Cookie => "cookie",
            Self::Reserved => "reserved",
            Self::Name => "name",
            Self::Flags => "flags",
            Self::Status => "status",
            Self::Text => "text",
            Self::Value => "value",
            Self::Max => "max",
            Self::Mask => "mask",
            Self::Error => "error",
            Self::Item => "item",
            Self::Jump => "jump",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
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
}

/// At most this many options on a line: each known key once (Progress has the most, five).
const MAX_OPTIONS: usize = 5;

/// The options of a line (`key=value` and bare flags), in line order, each key at most once.
struct Options<'p, 'a> {
    text: &'a str,
    /// The options' tokens.
    spans: &'p [Span],
    /// The key of each of `spans`.
    keys: [Option<Key>; MAX_OPTIONS],
}

impl<'a> Options<'_, 'a> {
    /// The token of `key`, if present.
    fn get(&self, key: Key) -> Option<Token<'a>> {
        let n = self.keys.iter().position(|&k| k == Some(key))?;
        self.spans.get(n).map(|span| Token::new(self.text, span))
    }

    /// Whether `key` is present.
    fn has(&self, key: Key) -> bool {
        self.keys.contains(&Some(key))
    }

    /// Each option's token and key, in line order.
    fn iter(&self) -> impl Iterator<Item = (Token<'a>, Key)> {
        let text = self.text;
        self.spans
            .iter()
            .zip(self.keys.iter().flatten())
            .map(move |(span, &key)| (Token::new(text, span), key))
    }
}

impl<'p, 'a> Cursor<'p, 'a> {
    /// An error at byte `offset` of the line (its column is counted now).
    fn error(&self, offset: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            line: self.line,
            column: column(self.text, offset),
            message: message.into(),
        }
    }

    /// A missing token: one column past the line's last character.
    fn missing(&self, what: &str) -> SyntaxError {
        self.error(self.text.len(), format!("{what} expected"))
    }

    fn peek(&self) -> Option<Token<'a>> {
        let text = self.text;
        self.tokens
            .as_slice()
            .first()
            .map(|span| Token::new(text, span))
    }

    fn next(&mut self) -> Option<Token<'a>> {
        let text = self.text;
        self.tokens.next().map(|span| Token::new(text, span))
    }

    /// The next token if it is a positional argument (a word that is not `key=value`).
    fn positional(&mut self, what: &str) -> Result<Token<'a>, SyntaxError> {
        match self.peek() {
            None => Err(self.missing(what)),
            Some(t) if t.kind == Kind::Word => {
                self.tokens.next();
                Ok(t)
            }
            Some(t) => Err(self.error(t.start, format!("{what} expected, found `{}`", t.text))),
        }
    }

    /// An ID (the text of the token at byte `start`): a GUID, a name or `null`.
    fn id(&mut self, start: usize, text: &str) -> Result<Guid, SyntaxError> {
        if let Ok(guid) = text.parse::<Guid>() {
            return Ok(guid);
        }
        // Only names are in the table: none is `null` or shaped like a GUID.
        if let Some(&guid) = self.names.get(text) {
            return Ok(guid);
        }
        if text == "null" {
            return Ok(Guid::NULL);
        }
        if !is_name(text) {
            return Err(self.error(start, format!("`{text}` is not a GUID, a name or null")));
        }
        let guid = Guid::from_uuid(Uuid::new_v5(&NAMESPACE, text.as_bytes()));
        self.names.insert(text.to_owned(), guid);
        Ok(guid)
    }

    fn item(&mut self) -> Result<ItemId, SyntaxError> {
        let token = self.positional("an item")?;
        self.id(token.start, token.text).map(ItemId::from)
    }

    fn error_id(&mut self) -> Result<ErrorId, SyntaxError> {
        let token = self.positional("an error id")?;
        self.id(token.start, token.text).map(ErrorId::from)
    }

    /// Zero or more ids, up to the first `key=value`, string or `=>`, in the parser's spare list.
    fn items(&mut self) -> Result<Vec<ItemId>, SyntaxError> {
        let mut items = std::mem::take(self.spare_items);
        items.clear();
        while let Some(t) = self.peek().filter(|t| t.kind == Kind::Word) {
            self.tokens.next();
            items.push(ItemId::from(self.id(t.start, t.text)?));
        }
        Ok(items)
    }

    fn hr(&mut self) -> Result<HResult, SyntaxError> {
        let token = self.positional("an HRESULT")?;
        parse_hr(token.text).ok_or_else(|| {
            self.error(
                token.start,
                format!(
                    "`{}` is not an HRESULT name or 0x and 1 to 8 hex digits",
                    token.text
                ),
            )
        })
    }

    fn choice(&mut self, what: &str, yes: &str, no: &str) -> Result<bool, SyntaxError> {
        let token = self.positional(what)?;
        match token.text {
            t if t == yes => Ok(true),
            t if t == no => Ok(false),
            t => Err(self.error(token.start, format!("{what} expected, found `{t}`"))),
        }
    }

    /// The options after the positional arguments: `key=value` (each at most once) and bare
    /// flags from `flags`.
    fn options(&mut self, keys: &[Key], flags: &[Key]) -> Result<Options<'p, 'a>, SyntaxError> {
        let mut options = Options {
            text: self.text,
            spans: self.tokens.as_slice(),
            keys: [None; MAX_OPTIONS],
        };
        let mut count = 0;
        while let Some(token) = self.peek().filter(|t| t.kind != Kind::Arrow) {
            self.tokens.next();
            if matches!(token.kind, Kind::Str | Kind::Arrow) {
                return Err(self.error(token.start, format!("unexpected `{}`", token.text)));
            }
            let is_flag = token.kind == Kind::Word;
            let allowed = if is_flag { flags } else { keys };
            let Some(known) = Key::from_name(token.key()).filter(|k| allowed.contains(k)) else {
                let what = if is_flag { "unexpected" } else { "unknown key" };
                return Err(self.error(token.start, format!("{what} `{}`", token.text)));
            };
            if options.has(known) {
                return Err(self.error(token.start, format!("`{}` given twice", known.name())));
            }
            // Each known key at most once, so there is a slot (MAX_OPTIONS covers every event).
            let Some(slot) = options.keys.get_mut(count) else {
                return Err(self.error(token.start, format!("unexpected `{}`", token.text)));
            };
            *slot = Some(known);
            count += 1;
        }
        options.spans = options.spans.get(..count).unwrap_or_default();
        Ok(options)
    }

    /// `=> HR` at the end of the line, if present; nothing may follow it.
    fn arrow(&mut self, allowed: bool) -> Result<Option<(HResult, usize)>, SyntaxError> {
        let Some(t) = self.next() else {
            return Ok(None);
        };
        if t.kind != Kind::Arrow || !allowed {
            return Err(self.error(t.start, format!("unexpected `{}` after the event", t.text)));
        }
        let hr = self.positional("an HRESULT after =>")?;
        let value = parse_hr(hr.text).ok_or_else(|| {
            self.error(
                hr.start,
                format!(
                    "`{}` is not an HRESULT name or 0x and 1 to 8 hex digits",
                    hr.text
                ),
            )
        })?;
        if let Some(extra) = self.next() {
            return Err(self.error(
                extra.start,
                format!("unexpected `{}` after the result", extra.text),
            ));
        }
        Ok(Some((value, hr.start)))
    }

    fn end(&mut self) -> Result<(), SyntaxError> {
        match self.next() {
            None => Ok(()),
            Some(t) => Err(self.error(t.start, format!("unexpected `{}` after the event", t.text))),
        }
    }
}

/// HR: a name of CONTRACT §2.3 or `0x` and 1 to 8 hex digits.
fn parse_hr(text: &str) -> Option<HResult> {
    if let Some(hr) = HResult::from_name(text) {
        return Some(hr);
    }
    let digits = text.strip_prefix("0x")?;
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok().map(HResult::from_u32)
}

/// N: a 32-bit word as C writes it, −2^31 ..= 2^32−1; `None` when malformed or out of range.
fn parse_number(text: &str) -> Option<i64> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let magnitude = if let Some(hex) = body.strip_prefix("0x") {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(hex, 16).ok()?
    } else {
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        body.parse::<u64>().ok()?
    };
    let value = if negative {
        -i64::try_from(magnitude).ok()?
    } else {
        i64::try_from(magnitude).ok()?
    };
    (-(1_i64 << 31)..=(1_i64 << 32) - 1)
        .contains(&value)
        .then_some(value)
}

/// A number as a DWORD field holds it (negatives wrap).
fn dword(value: i64) -> u32 {
    value as u32
}

/// A number as an int field holds it (values above 2^31−1 wrap).
fn int(value: i64) -> i32 {
    value as u32 as i32
}

fn status_value(text: &str) -> Option<u32> {
    text.parse::<SyncMgrStatus>()
        .ok()
        .filter(|_| !text.starts_with("SYNCMGRSTATUS_"))
        .map(SyncMgrStatus::to_u32)
        .or_else(|| parse_number(text).map(dword))
}

fn flag_value(text: &str) -> Option<u32> {
    let named = match text {
        "CONNECT" => 0x1,
        "PENDINGDISCONNECT" => 0x2,
        "MANUAL" => 0x3,
        "IDLE" => 0x4,
        "INVOKE" => 0x5,
        "SCHEDULED" => 0x6,
        "SETTINGS" => 0x100,
        "MAYBOTHERUSER" => 0x200,
        _ => return parse_number(text).map(dword),
    };
    Some(named)
}

fn level_value(text: &str) -> Option<u32> {
    match text {
        "INFORMATION" => Some(1),
        "WARNING" => Some(2),
        "ERROR" => Some(3),
        _ => parse_number(text).map(dword),
    }
}

impl Parser {
    /// A parser with no names yet.
    ///
    /// ```
    /// # use mobsync::trace::{Line, Parser};
    /// let mut parser = Parser::new();
    /// assert_eq!(parser.parse_line(1, "   # a comment").unwrap(), Line::Empty);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes back the item list of an event that was handed out, to fill it again: a parser that
    /// gets its events back allocates nothing per event.
    pub(crate) fn recycle(&mut self, call: Call) {
        if let Call::EnumSyncMgrItems { items }
        | Call::PrepareForSync { items, .. }
        | Call::ShowErrorCompleted { items, .. } = call
            && items.capacity() > self.spare_items.capacity()
        {
            self.spare_items = items;
        }
    }

    /// Parses one line (without its line end).
    ///
    /// # Errors
    /// A [`SyntaxError`] when the line does not follow the format.
    ///
    /// ```
    /// # use mobsync::trace::{Call, Line, Parser};
    /// # use mobsync::{HResult, ItemId};
    /// let mut parser = Parser::new();
    /// let Line::Event(event) = parser.parse_line(7, "SetItemStatus A SKIPPED => S_OK").unwrap() else { panic!() };
    /// let a: ItemId = "3c75e951-8f5f-5001-a563-a6db1373c58a".parse().unwrap(); // UUID v5 of "A"
    /// assert_eq!(event.call, Call::SetItemStatus { item: a, status: 1 });
    /// assert_eq!(event.recorded, Some(HResult::S_OK));
    /// ```
    pub fn parse_line(&mut self, line_no: usize, text: &str) -> Result<Line, SyntaxError> {
        tokenize(line_no, text, &mut self.tokens)?;
        let mut c = Cursor {
            line: line_no,
            text,
            tokens: self.tokens.iter(),
            names: &mut self.names,
            spare_items: &mut self.spare_items,
        };
        let Some(first) = c.next() else {
            return Ok(Line::Empty);
        };
        if !matches!(first.kind, Kind::Word | Kind::Pair { .. }) {
            return Err(c.error(
                first.start,
                format!("an event expected, found `{}`", first.text),
            ));
        }
        if first.text == "item" || first.text == "error" {
            let name = c.positional("a name")?;
            if !is_name(name.text) {
                return Err(c.error(
                    name.start,
                    format!("`{}` cannot be declared as a name", name.text),
                ));
            }
            if c.names.contains_key(name.text) {
                return Err(c.error(
                    name.start,
                    format!("`{}` was already used or declared", name.text),
                ));
            }
            let guid_token = c.positional("a GUID")?;
            let guid = guid_token.text.parse::<Guid>().map_err(|_| {
                c.error(
                    guid_token.start,
                    format!("`{}` is not a GUID", guid_token.text),
                )
            })?;
            c.end()?;
            c.names.insert(name.text.to_owned(), guid);
            return Ok(Line::Declaration {
                name: name.text.to_owned(),
                guid,
            });
        }
        let (call, arrow_allowed) = parse_call(&mut c, &first)?;
        let recorded = c.arrow(arrow_allowed)?;
        if let (Call::Progress { .. }, Some((hr, at))) = (&call, recorded)
            && ![
                HResult::S_OK,
                HResult::S_SYNCMGR_CANCELITEM,
                HResult::S_SYNCMGR_CANCELALL,
            ]
            .contains(&hr)
        {
            return Err(c.error(
                at,
                "Progress is answered S_OK, S_SYNCMGR_CANCELITEM or S_SYNCMGR_CANCELALL",
            ));
        }
        Ok(Line::Event(TraceEvent {
            line: line_no,
            call,
            recorded: recorded.map(|(hr, _)| hr),
        }))
    }
}

/// The number in a `key=N` option.
fn number_option(c: &Cursor<'_, '_>, token: Token<'_>) -> Result<i64, SyntaxError> {
    parse_number(&token.value()).ok_or_else(|| {
        c.error(
            token.start,
            format!("`{}`: a number from -2^31 to 2^32-1 expected", token.text),
        )
    })
}

/// The event and its arguments; `true` when `=> HR` may follow.
fn parse_call(c: &mut Cursor<'_, '_>, first: &Token<'_>) -> Result<(Call, bool), SyntaxError> {
    let reserved = |c: &Cursor<'_, '_>, options: &Options<'_, '_>| -> Result<u32, SyntaxError> {
        options
            .get(Key::Reserved)
            .map(|t| number_option(c, t).map(dword))
            .unwrap_or(Ok(0))
    };
    let call = match first.text {
        "Initialize" => {
            let token = c.positional("FLAGS")?;
            let mut flags = 0;
            for part in token.text.split('|') {
                flags |= flag_value(part).ok_or_else(|| {
                    c.error(
                        token.start,
                        format!("`{}` is not a FLAGS value", token.text),
                    )
                })?;
            }
            let options = c.options(&[Key::Cookie, Key::Reserved], &[])?;
            if let Some(cookie) = options.get(Key::Cookie) {
                let hex = cookie.value();
                if !hex.len().is_multiple_of(2) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(c.error(cookie.start, "the cookie is an even number of hex digits"));
                }
            }
            Call::Initialize {
                flags,
                reserved: reserved(c, &options)?,
            }
        }
        "GetHandlerInfo" => {
            let options = c.options(&[Key::Name, Key::Flags], &[])?;
            let name_units = match options.get(Key::Name) {
                Some(t) if matches!(t.kind, Kind::KeyStr { .. }) => {
                    t.value().encode_utf16().count()
                }
                Some(t) => return Err(c.error(t.start, "the name is a quoted string")),
                None => 0,
            };
            let flags = options
                .get(Key::Flags)
                .map(|t| number_option(c, t).map(dword))
                .unwrap_or(Ok(0))?;
            Call::GetHandlerInfo { name_units, flags }
        }
        "EnumSyncMgrItems" => Call::EnumSyncMgrItems { items: c.items()? },
        "GetItemObject" => Call::GetItemObject { item: c.item()? },
        "SetProgressCallback" => Call::SetProgressCallback {
            set: c.choice("set or null", "set", "null")?,
        },
        "SetItemStatus" => {
            let item = c.item()?;
            let token = c.positional("a STATUS")?;
            let status = status_value(token.text)
                .ok_or_else(|| c.error(token.start, format!("`{}` is not a STATUS", token.text)))?;
            Call::SetItemStatus { item, status }
        }
        "PrepareForSync" => {
            let items = c.items()?;
            let options = c.options(&[Key::Reserved], &[])?;
            Call::PrepareForSync {
                items,
                reserved: reserved(c, &options)?,
            }
        }
        "Synchronize" => Call::Synchronize,
        "ShowProperties" => Call::ShowProperties { item: c.item()? },
        "ShowError" => Call::ShowError {
            error: c.error_id()?,
        },
        "return" => {
            let token = c.positional("a METHOD")?;
            let method = match token.text {
                "PrepareForSync" => Method::PrepareForSync,
                "Synchronize" => Method::Synchronize,
                "ShowProperties" => Method::ShowProperties,
                "ShowError" => Method::ShowError,
                other => {
                    return Err(c.error(
                        token.start,
                        format!("`{other}` has no separate return (PrepareForSync, Synchronize, ShowProperties or ShowError)"),
                    ));
                }
            };
            let hr = c.hr()?;
            c.end()?;
            return Ok((Call::Return { method, hr }, false));
        }
        "PrepareForSyncCompleted" => Call::PrepareForSyncCompleted { hr: c.hr()? },
        "SynchronizeCompleted" => Call::SynchronizeCompleted { hr: c.hr()? },
        "ShowPropertiesCompleted" => Call::ShowPropertiesCompleted { hr: c.hr()? },
        "ShowErrorCompleted" => {
            let hr = c.hr()?;
            Call::ShowErrorCompleted {
                hr,
                items: c.items()?,
            }
        }
        "EnableModeless" => Call::EnableModeless {
            enable: c.choice("true or false", "true", "false")?,
        },
        "Progress" => parse_progress(c)?,
        "LogError" => parse_log_error(c)?,
        "DeleteLogError" => {
            let error = c.error_id()?;
            let options = c.options(&[Key::Reserved], &[])?;
            Call::DeleteLogError {
                error,
                reserved: reserved(c, &options)?,
            }
        }
        "EstablishConnection" => {
            let has_name = match c.peek() {
                Some(t) if matches!(t.kind, Kind::Str) => {
                    c.tokens.next();
                    true
                }
                _ => false,
            };
            let options = c.options(&[Key::Reserved], &[])?;
            Call::EstablishConnection {
                has_name,
                reserved: reserved(c, &options)?,
            }
        }
        other => return Err(c.error(first.start, format!("`{other}` is not an event"))),
    };
    Ok((call, true))
}

/// The mask of a Progress or LogError line: from the keys present, unless `mask=` gives it; then
/// a field bit set without its key is an error, and bits that name no field are passed on.
fn mask_of(
    c: &Cursor<'_, '_>,
    options: &Options<'_, '_>,
    fields: &[(Key, u32)],
) -> Result<u32, SyntaxError> {
    let Some(token) = options.get(Key::Mask) else {
        return Ok(fields
            .iter()
            .filter(|(key, _)| options.has(*key))
            .fold(0, |m, (_, bit)| m | bit));
    };
    let mask = dword(number_option(c, token)?);
    match fields
        .iter()
        .find(|(key, bit)| mask & bit != 0 && !options.has(*key))
    {
        Some((key, _)) => Err(c.error(
            token.start,
            format!("mask sets the bit of `{}`, which is missing", key.name()),
        )),
        None => Ok(mask),
    }
}

/// Progress: the mask comes from the keys present, or from `mask=`, which then decides which
/// fields are carried (TRACE.md).
fn parse_progress(c: &mut Cursor<'_, '_>) -> Result<Call, SyntaxError> {
    let item = c.item()?;
    let options = c.options(
        &[Key::Status, Key::Text, Key::Value, Key::Max, Key::Mask],
        &[],
    )?;
    let fields = [
        (Key::Text, ProgressMask::STATUSTEXT.bits()),
        (Key::Status, ProgressMask::STATUSTYPE.bits()),
        (Key::Value, ProgressMask::PROGVALUE.bits()),
        (Key::Max, ProgressMask::MAXVALUE.bits()),
    ];
    // Every present key must be well formed, whether its bit is set or not.
    let mut progress = ProgressItem::default();
    for (token, key) in options.iter() {
        match key {
            Key::Status => {
                progress.status = status_value(&token.value()).ok_or_else(|| {
                    c.error(token.start, format!("`{}`: a STATUS expected", token.text))
                })?;
            }
            Key::Text if !matches!(token.kind, Kind::KeyStr { .. }) => {
                return Err(c.error(token.start, "the text is a quoted string"));
            }
            Key::Value => progress.value = int(number_option(c, token)?),
            Key::Max => progress.max = int(number_option(c, token)?),
            _ => {}
        }
    }
    progress.mask = mask_of(c, &options, &fields)?;
    // A field whose bit is clear is not carried (its key was only checked for form).
    let mask = progress.mask;
    let carried = |bit: ProgressMask| mask & bit.bits() != 0;
    if !carried(ProgressMask::STATUSTYPE) {
        progress.status = 0;
    }
    if !carried(ProgressMask::PROGVALUE) {
        progress.value = 0;
    }
    if !carried(ProgressMask::MAXVALUE) {
        progress.max = 0;
    }
    Ok(Call::Progress { item, progress })
}

/// LogError: `jump`, `error=` and `item=` give the info mask unless `mask=` does.
fn parse_log_error(c: &mut Cursor<'_, '_>) -> Result<Call, SyntaxError> {
    let token = c.positional("a LEVEL")?;
    let level = level_value(token.text)
        .ok_or_else(|| c.error(token.start, format!("`{}` is not a LEVEL", token.text)))?;
    match c.next() {
        Some(t) if matches!(t.kind, Kind::Str) => {}
        Some(t) => {
            return Err(c.error(
                t.start,
                format!(
                    "the error text (a quoted string) expected, found `{}`",
                    t.text
                ),
            ));
        }
        None => return Err(c.missing("the error text (a quoted string)")),
    }
    let options = c.options(&[Key::Error, Key::Item, Key::Mask], &[Key::Jump])?;
    let mut info = LogErrorInfo::default();
    if options.has(Key::Jump) {
        info.error_flags = crate::ErrorFlags::ENABLEJUMPTEXT.bits();
    }
    for (token, key) in options.iter() {
        // The value names an id, with the column of its `key=value` token.
        match key {
            Key::Error => info.error_id = ErrorId::from(c.id(token.start, &token.value())?),
            Key::Item => info.item = ItemId::from(c.id(token.start, &token.value())?),
            _ => {}
        }
    }
    let fields = [
        (Key::Jump, LogErrorMask::ERRORFLAGS.bits()),
        (Key::Error, LogErrorMask::ERRORID.bits()),
        (Key::Item, LogErrorMask::ITEMID.bits()),
    ];
    info.mask = mask_of(c, &options, &fields)?;
    let mask = info.mask;
    let carried = |bit: LogErrorMask| mask & bit.bits() != 0;
    if !carried(LogErrorMask::ERRORFLAGS) {
        info.error_flags = 0;
    }
    if !carried(LogErrorMask::ERRORID) {
        info.error_id = ErrorId::NULL;
    }
    if !carried(LogErrorMask::ITEMID) {
        info.item = ItemId::NULL;
    }
    Ok(Call::LogError { level, info })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(text: &str) -> TraceEvent {
        match Parser::new().parse_line(1, text) {
            Ok(Line::Event(e)) => e,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn error_column(text: &str) -> usize {
        Parser::new().parse_line(1, text).unwrap_err().column
    }

    #[test]
    fn implicit_names_are_uuid_v5_in_the_trace_namespace() {
        let Call::GetItemObject { item } = event("GetItemObject A").call else {
            panic!()
        };
        assert_eq!(item.to_string(), "{3C75E951-8F5F-5001-A563-A6DB1373C58A}");
    }

    #[test]
    fn arrow_is_a_token_of_its_own_without_spaces() {
        let e = event("Synchronize=>S_OK");
        assert_eq!(
            (e.call, e.recorded),
            (Call::Synchronize, Some(HResult::S_OK))
        );
    }

    #[test]
    fn numbers_wrap_as_c_converts_them() {
        assert_eq!(
            event("SetItemStatus A -1").call,
            Call::SetItemStatus {
                item: event("GetItemObject A").call.item(),
                status: u32::MAX
            }
        );
        let Call::Progress { progress, .. } = event("Progress A value=0xFFFFFFFF max=+7").call
        else {
            panic!()
        };
        assert_eq!((progress.value, progress.max, progress.mask), (-1, 7, 0xC));
        assert_eq!(error_column("SetItemStatus A 4294967296"), 17);
        assert_eq!(error_column("SetItemStatus A -2147483649"), 17);
        assert!(
            Parser::new()
                .parse_line(1, "SetItemStatus A -2147483648")
                .is_ok()
        );
    }

    #[test]
    fn strings_keep_hash_and_escapes() {
        let e = event(r#"LogError ERROR "a # \"b\" \\ c" error=E1 jump"#);
        let Call::LogError { level, info } = e.call else {
            panic!()
        };
        assert_eq!((level, info.mask, info.error_flags), (3, 0x3, 0x1));
        assert_eq!(error_column(r#"LogError ERROR "bad \n""#), 16);
        assert_eq!(error_column(r#"EstablishConnection "open"#), 21);
    }

    #[test]
    fn masks_decide_which_fields_are_carried() {
        let Call::Progress { progress, .. } = event("Progress A value=1 max=3 mask=0x8").call
        else {
            panic!()
        };
        assert_eq!(progress.mask, 0x8);
        assert_eq!(error_column("Progress A value=1 mask=0x5"), 20);
        assert_eq!(error_column("Progress A value=x max=3 mask=0x8"), 12);
        let Call::Progress { progress, .. } = event("Progress A status=UPDATING mask=0x12").call
        else {
            panic!()
        };
        assert_eq!(progress.mask, 0x12, "unnamed bits are passed on");
    }

    #[test]
    fn missing_and_extra_tokens_are_located() {
        assert_eq!(error_column("SetItemStatus A"), 16);
        assert_eq!(error_column("Progress status=UPDATING"), 10);
        assert_eq!(error_column("Synchronize now"), 13);
        assert_eq!(error_column("Progress A status=UPDATING => S_FALSE"), 31);
        assert_eq!(error_column("return Initialize S_OK"), 8);
        assert_eq!(error_column("Initialize MANUAL cookie=abc"), 19);
        assert_eq!(error_column("Initialize MANUAL reserved=1 reserved=2"), 30);
        assert_eq!(error_column("Initialize MANUAL colour=1"), 19);
    }

    #[test]
    fn declarations_must_come_before_use_and_not_shadow_null() {
        let mut parser = Parser::new();
        parser.parse_line(1, "GetItemObject A").unwrap();
        assert_eq!(
            parser
                .parse_line(2, "item A 6295df40-0000-4000-8000-000000000001")
                .unwrap_err()
                .column,
            6
        );
        assert_eq!(
            parser
                .parse_line(3, "error null 6295df40-0000-4000-8000-000000000001")
                .unwrap_err()
                .column,
            7
        );
        let line = parser
            .parse_line(4, "item B {6295DF40-0000-4000-8000-000000000001}")
            .unwrap();
        assert!(matches!(line, Line::Declaration { .. }));
    }

    impl Call {
        fn item(&self) -> ItemId {
            match self {
                Self::GetItemObject { item } => *item,
                _ => ItemId::NULL,
            }
        }
    }
}
