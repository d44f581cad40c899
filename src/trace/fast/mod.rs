//! The parser's fast path: a line in the common, well-formed shapes, parsed in one pass straight
//! into its event. Anything else — a declaration, a name not seen yet, `mask=`, an escape, a
//! comment or `=>` glued to a token, a byte outside the words' alphabet, any error — makes it
//! give up (`None`), and the full parser (`grammar`) parses the line from the start, with its
//! error positions. So this path needs to know no error: it only has to accept nothing the full
//! parser would refuse, and to build the same event (the differential tests hold both to the
//! reference parser).
//!
//! It reads the names table and never adds to it, so giving up leaves nothing to undo.

use crate::flags::{ErrorFlags, LogErrorMask, ProgressMask};
use crate::guid::{ErrorId, Guid, ItemId};
use crate::hresult::HResult;
use crate::machine::{LogErrorInfo, Method, ProgressItem};
use crate::rule::EventKind;

use super::event::Call;
use super::names::Names;
use super::value::{
    dword, flags_value, int, is_hex, level_value, parse_guid, parse_hr, parse_number, status_value,
};

/// The bytes a word of the fast path may hold: letters, digits, `_`, `-`, `+`, `|`, `{` and `}`
/// (names, GUIDs, numbers, FLAGS, HRESULTs, statuses). None of them is special to the lexer.
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of range fails the build"
)]
static WORD: [bool; 256] = {
    let mut word = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        word[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'+' | b'|' | b'{' | b'}');
        b += 1;
    }
    word
};

#[inline(always)]
fn is_word(b: u8) -> bool {
    #[allow(
        clippy::indexing_slicing,
        reason = "a table of 256 entries, indexed by a byte: always in range"
    )]
    WORD[usize::from(b)]
}

/// A token as the fast path reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum T<'a> {
    /// The end of the line, or a comment after a blank.
    End,
    Word(&'a str),
    /// `key=value`, value bare (possibly empty).
    Pair(&'a str, &'a str),
    /// `key="…"`, the string's contents (no escape).
    KeyStr(&'a str, &'a str),
    /// `"…"`, its contents (no escape).
    Str(&'a str),
    Arrow,
}

/// The tokens of a line; `None` gives up.
#[derive(Clone, Copy, Debug)]
struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Words<'a> {
    #[inline(always)]
    fn at(&self, i: usize) -> Option<u8> {
        self.text.as_bytes().get(i).copied()
    }

    #[inline(always)]
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or_default()
    }

    /// The end of a run of word bytes from `i`.
    #[inline(always)]
    fn word_end(&self, i: usize) -> usize {
        let rest = self.text.as_bytes().get(i..).unwrap_or_default();
        i + rest.iter().position(|&b| !is_word(b)).unwrap_or(rest.len())
    }

    /// A token must end at a blank or at the line's end.
    #[inline(always)]
    fn ends(&self, i: usize) -> Option<()> {
        matches!(self.at(i), None | Some(b' ' | b'\t')).then_some(())
    }

    /// The contents of the string whose opening quote is at `quote`, and the offset past it.
    #[inline(always)]
    fn string(&self, quote: usize) -> Option<(&'a str, usize)> {
        let rest = self.text.as_bytes().get(quote + 1..)?;
        let close = quote + 1 + rest.iter().position(|&b| b == b'"' || b == b'\\')?;
        if self.at(close) != Some(b'"') {
            return None;
        }
        self.ends(close + 1)?;
        Some((self.slice(quote + 1, close), close + 1))
    }

    #[inline(always)]
    fn next(&mut self) -> Option<T<'a>> {
        let bytes = self.text.as_bytes();
        let mut start = self.pos;
        while matches!(bytes.get(start), Some(b' ' | b'\t')) {
            start += 1;
        }
        let (tok, end) = match self.at(start) {
            None | Some(b'#') => {
                self.pos = bytes.len();
                return Some(T::End);
            }
            Some(b'"') => {
                let (contents, end) = self.string(start)?;
                (T::Str(contents), end)
            }
            Some(b'=') => {
                if self.at(start + 1) != Some(b'>') {
                    return None;
                }
                self.ends(start + 2)?;
                (T::Arrow, start + 2)
            }
            Some(_) => {
                let end = self.word_end(start);
                match self.at(end) {
                    Some(b'=') if end > start => {
                        let key = self.slice(start, end);
                        if self.at(end + 1) == Some(b'"') {
                            let (contents, after) = self.string(end + 1)?;
                            (T::KeyStr(key, contents), after)
                        } else {
                            let value_end = self.word_end(end + 1);
                            self.ends(value_end)?;
                            (T::Pair(key, self.slice(end + 1, value_end)), value_end)
                        }
                    }
                    _ => {
                        self.ends(end)?;
                        if end == start {
                            return None;
                        }
                        (T::Word(self.slice(start, end)), end)
                    }
                }
            }
        };
        self.pos = end;
        Some(tok)
    }

    /// The next token, not consumed, and where the scan goes on once it is.
    #[inline(always)]
    fn peek(&self) -> Option<(T<'a>, usize)> {
        let mut ahead = *self;
        let tok = ahead.next()?;
        Some((tok, ahead.pos))
    }
}

/// A line being parsed by the fast path.
struct Fast<'a, 'p> {
    words: Words<'a>,
    names: &'p Names,
    spare_items: &'p mut Vec<ItemId>,
}

/// The event of a well-formed line in a common shape, with its `=> HR`; `Some(None)` for a blank
/// or comment line; `None` when the full parser must decide.
pub(super) fn line(
    text: &str,
    names: &Names,
    spare_items: &mut Vec<ItemId>,
) -> Option<Option<(Call, Option<HResult>)>> {
    let mut fast = Fast {
        words: Words { text, pos: 0 },
        names,
        spare_items,
    };
    let bytes = text.as_bytes();
    // A blank or comment line is empty.
    let start = match bytes.iter().position(|&b| b != b' ' && b != b'\t') {
        Some(start) if bytes.get(start) != Some(&b'#') => start,
        _ => return Some(None),
    };
    let (kind, end) = event_word(bytes.get(start..)?)?;
    fast.words.pos = start + end;
    let call = match kind {
        None => {
            let method = Method::from_name(fast.word()?)?;
            let hr = parse_hr(fast.word()?)?;
            Call::Return { method, hr }
        }
        Some(kind) => fast.call(kind)?,
    };
    let recorded = fast.recorded(matches!(call, Call::Progress { .. }))?;
    Some(Some((call, recorded)))
}

/// `rest` begins with the word `name`, which a blank or the line's end follows.
#[inline(always)]
fn is(rest: &[u8], name: &[u8]) -> bool {
    rest.starts_with(name) && matches!(rest.get(name.len()), None | Some(b' ' | b'\t'))
}

/// The event word `rest` begins with (`None` for `return`) and its length, told by the first
/// eight bytes and then compared whole: one load and a few comparisons where reading the word
/// byte by byte and looking it up costs a hundred instructions. Any other word gives up.
#[inline]
fn event_word(rest: &[u8]) -> Option<(Option<EventKind>, usize)> {
    use EventKind as K;
    const fn head(first: &[u8; 8]) -> u64 {
        u64::from_le_bytes(*first)
    }
    const INITIALIZE: u64 = head(b"Initiali");
    const HANDLER_INFO: u64 = head(b"GetHandl");
    const ITEM_OBJECT: u64 = head(b"GetItemO");
    const ENUM: u64 = head(b"EnumSync");
    const CALLBACK: u64 = head(b"SetProgr");
    const ITEM_STATUS: u64 = head(b"SetItemS");
    const PREPARE: u64 = head(b"PrepareF");
    const SYNCHRONIZE: u64 = head(b"Synchron");
    const PROPERTIES: u64 = head(b"ShowProp");
    const SHOW_ERROR: u64 = head(b"ShowErro");
    const MODELESS: u64 = head(b"EnableMo");
    const PROGRESS: u64 = head(b"Progress");
    const LOG_ERROR: u64 = head(b"LogError");
    const DELETE_LOG: u64 = head(b"DeleteLo");
    const CONNECTION: u64 = head(b"Establis");
    const RETURN_P: u64 = head(b"return P");
    const RETURN_S: u64 = head(b"return S");
    let found = |name: &[u8], kind| is(rest, name).then_some((kind, name.len()));
    let two = |long: &[u8], long_kind, short: &[u8], short_kind| {
        found(long, Some(long_kind)).or_else(|| found(short, Some(short_kind)))
    };
    match u64::from_le_bytes(*rest.first_chunk::<8>()?) {
        INITIALIZE => found(b"Initialize", Some(K::Initialize)),
        HANDLER_INFO => found(b"GetHandlerInfo", Some(K::GetHandlerInfo)),
        ITEM_OBJECT => found(b"GetItemObject", Some(K::GetItemObject)),
        ENUM => found(b"EnumSyncMgrItems", Some(K::EnumSyncMgrItems)),
        CALLBACK => found(b"SetProgressCallback", Some(K::SetProgressCallback)),
        ITEM_STATUS => found(b"SetItemStatus", Some(K::SetItemStatus)),
        PREPARE => two(
            b"PrepareForSyncCompleted",
            K::PrepareForSyncCompleted,
            b"PrepareForSync",
            K::PrepareForSync,
        ),
        SYNCHRONIZE => two(
            b"SynchronizeCompleted",
            K::SynchronizeCompleted,
            b"Synchronize",
            K::Synchronize,
        ),
        PROPERTIES => two(
            b"ShowPropertiesCompleted",
            K::ShowPropertiesCompleted,
            b"ShowProperties",
            K::ShowProperties,
        ),
        SHOW_ERROR => two(
            b"ShowErrorCompleted",
            K::ShowErrorCompleted,
            b"ShowError",
            K::ShowError,
        ),
        MODELESS => found(b"EnableModeless", Some(K::EnableModeless)),
        PROGRESS => found(b"Progress", Some(K::Progress)),
        LOG_ERROR => found(b"LogError", Some(K::LogError)),
        DELETE_LOG => found(b"DeleteLogError", Some(K::DeleteLogError)),
        CONNECTION => found(b"EstablishConnection", Some(K::EstablishConnection)),
        RETURN_P | RETURN_S => found(b"return", None),
        _ => None,
    }
}

impl<'a> Fast<'a, '_> {
    /// The next token, a word.
    #[inline]
    fn word(&mut self) -> Option<&'a str> {
        match self.words.next()? {
            T::Word(word) => Some(word),
            _ => None,
        }
    }

    /// An ID already known: a name in the table, a GUID or `null`.
    #[inline]
    fn id(&self, text: &str) -> Option<Guid> {
        if let Some(guid) = self.names.get(text) {
            return Some(guid);
        }
        if let Some(guid) = parse_guid(text) {
            return Some(guid);
        }
        (text == "null").then_some(Guid::NULL)
    }

    fn item(&mut self) -> Option<ItemId> {
        let word = self.word()?;
        self.id(word).map(ItemId::from)
    }

    fn error_id(&mut self) -> Option<ErrorId> {
        let word = self.word()?;
        self.id(word).map(ErrorId::from)
    }

    /// ITEMS: words up to an option, `=>` or the end, in the parser's spare list.
    fn items(&mut self) -> Option<Vec<ItemId>> {
        self.spare_items.clear();
        loop {
            match self.words.peek()? {
                (T::Word(word), next) => {
                    self.words.pos = next;
                    let id = self.id(word)?;
                    self.spare_items.push(ItemId::from(id));
                }
                (T::End | T::Arrow | T::Pair(..) | T::KeyStr(..), _) => break,
                (T::Str(_), _) => return None,
            }
        }
        Some(std::mem::take(self.spare_items))
    }

    /// The options up to `=>` or the end, each handed to `each` with its bit (given by `each`):
    /// a key given twice gives up.
    #[inline]
    fn options(&mut self, mut each: impl FnMut(&Self, T<'a>) -> Option<u32>) -> Option<()> {
        let mut seen = 0;
        loop {
            let (tok, next) = self.words.peek()?;
            if matches!(tok, T::End | T::Arrow) {
                return Some(());
            }
            self.words.pos = next;
            let bit = each(self, tok)?;
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
        }
    }

    /// No options: `=>` or the end comes next.
    #[inline]
    fn no_options(&self) -> Option<()> {
        matches!(self.words.peek()?.0, T::End | T::Arrow).then_some(())
    }

    /// `reserved=N` as the only option.
    fn reserved(&mut self) -> Option<u32> {
        let mut reserved = 0;
        self.options(|_, tok| match tok {
            T::Pair("reserved", value) => {
                reserved = dword(parse_number(value)?);
                Some(1)
            }
            _ => None,
        })?;
        Some(reserved)
    }

    /// `=> HR`, if the line has it, and the line's end.
    fn recorded(&mut self, progress: bool) -> Option<Option<HResult>> {
        match self.words.next()? {
            T::End => return Some(None),
            T::Arrow => {}
            _ => return None,
        }
        let hr = parse_hr(self.word()?)?;
        if progress
            && ![
                HResult::S_OK,
                HResult::S_SYNCMGR_CANCELITEM,
                HResult::S_SYNCMGR_CANCELALL,
            ]
            .contains(&hr)
        {
            return None;
        }
        (self.words.next()? == T::End).then_some(Some(hr))
    }

    /// The event of `kind` (not a return) with its arguments.
    fn call(&mut self, kind: EventKind) -> Option<Call> {
        let call = match kind {
            EventKind::Initialize => {
                let flags = flags_value(self.word()?)?;
                let mut reserved = 0;
                self.options(|_, tok| match tok {
                    T::Pair("cookie", value) => is_hex(value).then_some(1),
                    T::Pair("reserved", value) => {
                        reserved = dword(parse_number(value)?);
                        Some(2)
                    }
                    _ => None,
                })?;
                Call::Initialize { flags, reserved }
            }
            EventKind::GetHandlerInfo => {
                let (mut name_units, mut flags) = (0, 0);
                self.options(|_, tok| match tok {
                    T::KeyStr("name", name) => {
                        name_units = name.encode_utf16().count();
                        Some(1)
                    }
                    T::Pair("flags", value) => {
                        flags = dword(parse_number(value)?);
                        Some(2)
                    }
                    _ => None,
                })?;
                Call::GetHandlerInfo { name_units, flags }
            }
            EventKind::EnumSyncMgrItems => {
                let items = self.items()?;
                self.no_options()?;
                Call::EnumSyncMgrItems { items }
            }
            EventKind::GetItemObject => {
                let item = self.item()?;
                self.no_options()?;
                Call::GetItemObject { item }
            }
            EventKind::SetProgressCallback => {
                let set = match self.word()? {
                    "set" => true,
                    "null" => false,
                    _ => return None,
                };
                self.no_options()?;
                Call::SetProgressCallback { set }
            }
            EventKind::SetItemStatus => {
                let item = self.item()?;
                let status = status_value(self.word()?)?;
                self.no_options()?;
                Call::SetItemStatus { item, status }
            }
            EventKind::PrepareForSync => {
                let items = self.items()?;
                let reserved = self.reserved()?;
                Call::PrepareForSync { items, reserved }
            }
            EventKind::Synchronize => {
                self.no_options()?;
                Call::Synchronize
            }
            EventKind::ShowProperties => {
                let item = self.item()?;
                self.no_options()?;
                Call::ShowProperties { item }
            }
            EventKind::ShowError => {
                let error = self.error_id()?;
                self.no_options()?;
                Call::ShowError { error }
            }
            EventKind::PrepareForSyncCompleted => {
                let hr = parse_hr(self.word()?)?;
                self.no_options()?;
                Call::PrepareForSyncCompleted { hr }
            }
            EventKind::SynchronizeCompleted => {
                let hr = parse_hr(self.word()?)?;
                self.no_options()?;
                Call::SynchronizeCompleted { hr }
            }
            EventKind::ShowPropertiesCompleted => {
                let hr = parse_hr(self.word()?)?;
                self.no_options()?;
                Call::ShowPropertiesCompleted { hr }
            }
            EventKind::ShowErrorCompleted => {
                let hr = parse_hr(self.word()?)?;
                let items = self.items()?;
                self.no_options()?;
                Call::ShowErrorCompleted { hr, items }
            }
            EventKind::EnableModeless => {
                let enable = match self.word()? {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                };
                self.no_options()?;
                Call::EnableModeless { enable }
            }
            EventKind::Progress => self.progress()?,
            EventKind::LogError => self.log_error()?,
            EventKind::DeleteLogError => {
                let error = self.error_id()?;
                let reserved = self.reserved()?;
                Call::DeleteLogError { error, reserved }
            }
            EventKind::EstablishConnection => {
                let has_name = match self.words.peek()? {
                    (T::Str(_), next) => {
                        self.words.pos = next;
                        true
                    }
                    (T::End | T::Arrow | T::Pair(..) | T::KeyStr(..), _) => false,
                    (T::Word(_), _) => return None,
                };
                let reserved = self.reserved()?;
                Call::EstablishConnection { has_name, reserved }
            }
            EventKind::ReturnPrepareForSync
            | EventKind::ReturnSynchronize
            | EventKind::ReturnShowProperties
            | EventKind::ReturnShowError => return None,
        };
        Some(call)
    }

    /// Progress without `mask=`: the mask is that of the keys present.
    fn progress(&mut self) -> Option<Call> {
        let item = self.item()?;
        let mut progress = ProgressItem::default();
        let mut mask = 0;
        self.options(|_, tok| {
            let bit = match tok {
                T::Pair("status", value) => {
                    progress.status = status_value(value)?;
                    ProgressMask::STATUSTYPE
                }
                T::KeyStr("text", _) => ProgressMask::STATUSTEXT,
                T::Pair("value", value) => {
                    progress.value = int(parse_number(value)?);
                    ProgressMask::PROGVALUE
                }
                T::Pair("max", value) => {
                    progress.max = int(parse_number(value)?);
                    ProgressMask::MAXVALUE
                }
                _ => return None,
            };
            mask |= bit.bits();
            Some(bit.bits())
        })?;
        progress.mask = mask;
        Some(Call::Progress { item, progress })
    }

    /// LogError without `mask=`: the info mask is that of `jump`, `error=` and `item=`.
    fn log_error(&mut self) -> Option<Call> {
        let level = level_value(self.word()?)?;
        let T::Str(_) = self.words.next()? else {
            return None;
        };
        let mut info = LogErrorInfo::default();
        let mut mask = 0;
        self.options(|fast, tok| {
            let bit = match tok {
                T::Word("jump") => {
                    info.error_flags = ErrorFlags::ENABLEJUMPTEXT.bits();
                    LogErrorMask::ERRORFLAGS
                }
                T::Pair("error", value) => {
                    info.error_id = ErrorId::from(fast.id(value)?);
                    LogErrorMask::ERRORID
                }
                T::Pair("item", value) => {
                    info.item = ItemId::from(fast.id(value)?);
                    LogErrorMask::ITEMID
                }
                _ => return None,
            };
            mask |= bit.bits();
            Some(bit.bits())
        })?;
        info.mask = mask;
        Some(Call::LogError { level, info })
    }
}

#[cfg(test)]
mod tests;
