//! The grammar of one line (TRACE.md "Grammar" and "Events"): a declaration, or an event's word,
//! its positional arguments in order, its options in any order, and `=> HR`; parsed straight
//! from the line's tokens into the event, without a token list.
//!
//! Errors are reported at the leftmost token in error (TRACE.md "`mobsync check` output"). Two
//! errors are known only later than their token is read — a mask bit set without its key, and an
//! option before a positional argument — so an error found after an option first asks
//! [`Line::leftmost`] whether one of those lies further left.

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
}

/// An option read: its key and its token.
type Opt<'a> = (Key, Tok<'a>);

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
        }
    }

    /// An error at byte `at`, or further left where an error decided later lies
    /// ([`Line::leftmost`]).
    #[cold]
    fn error(&self, at: usize, message: impl Into<Cow<'static, str>>) -> SyntaxError {
        let (at, message) = match self.leftmost(at) {
            Some(earlier) => earlier,
            None => (at, message.into()),
        };
        SyntaxError {
            line: self.line,
            column: column(self.text, at),
            message: message.into_owned(),
        }
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
            match Key::of(tok.key()).filter(|_| tok.is_option()) {
                Some(key) => keys |= key.bit(),
                None if tok.text == "jump" => keys |= Key::Jump.bit(),
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
    fn missing(&self, what: &str) -> SyntaxError {
        self.error(self.scan.last_end(), format!("{what} expected"))
    }

    /// The next token as a positional argument: a word (or, for `string`, a string).
    fn positional(&mut self, what: &str, string: bool) -> Result<Tok<'a>, SyntaxError> {
        let Some(tok) = self.scan.next() else {
            return Err(self.missing(what));
        };
        match tok.kind {
            Kind::Word if !string => Ok(tok),
            Kind::Str { .. } if string => Ok(tok),
            Kind::Bad { why, .. } => Err(self.error(tok.start, why)),
            Kind::Arrow => Err(self.error(tok.start, format!("{what} expected, found `=>`"))),
            _ if tok.is_option() => Err(self.error(
                tok.start,
                format!("{what} expected, found the option {}", Shown(tok.text)),
            )),
            Kind::Str { .. } => Err(self.error(
                tok.start,
                format!("{what} expected, found a string {}", Shown(tok.text)),
            )),
            _ => Err(self.error(
                tok.start,
                format!(
                    "{what} (a quoted string) expected, found {}",
                    Shown(tok.text)
                ),
            )),
        }
    }

    /// An ID (`tok`): a GUID, a name (declared, or implicit) or `null`.
    fn id(&mut self, tok: Tok<'a>, text: &'a str) -> Result<Guid, SyntaxError> {
        if let Some(guid) = parse_guid(text) {
            return Ok(guid);
        }
        if let Some(guid) = self.names.get(text) {
            return Ok(guid);
        }
        if text == "null" {
            return Ok(Guid::NULL);
        }
        if !is_name(text) {
            return Err(self.error(
                tok.start,
                format!("{} is not a GUID, a name or null", Shown(text)),
            ));
        }
        let guid = implicit(text);
        self.names
            .insert(text, guid)
            .map_err(|_| self.error(tok.start, "one name more than a trace may use (2,097,152)"))?;
        Ok(guid)
    }

    fn item(&mut self) -> Result<ItemId, SyntaxError> {
        let tok = self.positional("an item", false)?;
        self.id(tok, tok.text).map(ItemId::from)
    }

    fn error_id(&mut self) -> Result<ErrorId, SyntaxError> {
        let tok = self.positional("an error id", false)?;
        self.id(tok, tok.text).map(ErrorId::from)
    }

    /// ITEMS: IDs up to the first option, `=>` or the end, in the parser's spare list; more
    /// positional arguments may follow the options (they are then in error).
    fn items(&mut self) -> Result<Vec<ItemId>, SyntaxError> {
        self.open = true;
        let mut items = std::mem::take(self.spare_items);
        items.clear();
        while let Some(tok) = self.scan.peek() {
            match tok.kind {
                Kind::Word => {
                    self.scan.next();
                    items.push(ItemId::from(self.id(tok, tok.text)?));
                }
                Kind::Arrow => break,
                _ if tok.is_option() => break,
                Kind::Bad { why, .. } => return Err(self.error(tok.start, why)),
                _ => {
                    return Err(self.error(
                        tok.start,
                        format!("an item expected, found a string {}", Shown(tok.text)),
                    ));
                }
            }
        }
        Ok(items)
    }

    fn hr(&mut self, what: &str) -> Result<HResult, SyntaxError> {
        let tok = self.positional(what, false)?;
        parse_hr(tok.text).ok_or_else(|| {
            self.error(
                tok.start,
                format!(
                    "{} is not an HRESULT name or 0x and 1 to 8 hex digits",
                    Shown(tok.text)
                ),
            )
        })
    }

    fn choice(&mut self, what: &str, yes: &str, no: &str) -> Result<bool, SyntaxError> {
        let tok = self.positional(what, false)?;
        match tok.text {
            t if t == yes => Ok(true),
            t if t == no => Ok(false),
            _ => Err(self.error(
                tok.start,
                format!("{what} expected, found {}", Shown(tok.text)),
            )),
        }
    }

    /// The options up to `=>` or the end: `key=value` with a key of `keys`, and the flag words
    /// of `flags`, each at most once; calls `each` with each one, in line order.
    fn options(
        &mut self,
        keys: &[Key],
        flags: &[Key],
        mut each: impl FnMut(&mut Self, Opt<'a>) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        while let Some(tok) = self.scan.peek() {
            if tok.kind == Kind::Arrow {
                break;
            }
            self.scan.next();
            let known = if tok.is_option() {
                Key::of(tok.key()).filter(|key| keys.contains(key))
            } else if tok.kind == Kind::Word {
                Key::of(tok.text).filter(|key| flags.contains(key))
            } else {
                None
            };
            if known.is_some() && self.first_option.is_none() {
                self.first_option = Some(tok.start);
            }
            let Some(key) = known else {
                let message = if tok.is_option() {
                    format!("unknown key {}", Shown(tok.key()))
                } else {
                    format!("unexpected {} after the event", Shown(tok.text))
                };
                return Err(self.error(tok.start, message));
            };
            if self.keys & key.bit() != 0 {
                return Err(self.error(tok.start, format!("{} given twice", Shown(tok.key()))));
            }
            self.keys |= key.bit();
            if let Kind::Bad { why, .. } = tok.kind {
                return Err(self.error(tok.start, why));
            }
            match (key.takes_string(), tok.kind) {
                (true, Kind::KeyStr { .. }) | (false, Kind::Pair { .. } | Kind::Word) => {}
                (true, _) => {
                    return Err(self.error(tok.start, "its value is a quoted string"));
                }
                (false, _) => {
                    return Err(self.error(tok.start, "a string where a bare value is expected"));
                }
            }
            each(self, (key, tok))?;
        }
        Ok(())
    }

    /// The number of `key=N`.
    fn number(&self, tok: Tok<'a>) -> Result<i64, SyntaxError> {
        parse_number(tok.value()).ok_or_else(|| {
            self.error(
                tok.start,
                format!(
                    "{}: a number from -2^31 to 2^32-1 expected",
                    Shown(tok.text)
                ),
            )
        })
    }

    /// The mask from `mask=` (with `fields` set or not by their keys), else from the keys present.
    fn mask(
        &mut self,
        fields: &'static [(Key, u32)],
        given: Option<(usize, u32)>,
    ) -> Result<u32, SyntaxError> {
        let Some((at, mask)) = given else {
            return Ok(fields
                .iter()
                .filter(|(key, _)| self.keys & key.bit() != 0)
                .fold(0, |mask, (_, bit)| mask | bit));
        };
        self.mask = Some((at, mask, fields));
        match missing_field(mask, fields, self.keys) {
            Some(message) => Err(SyntaxError {
                line: self.line,
                column: column(self.text, at),
                message: message.into_owned(),
            }),
            None => Ok(mask),
        }
    }

    /// `=> HR`, if the line has it; nothing may follow it.
    fn recorded(&mut self) -> Result<Option<(HResult, usize)>, SyntaxError> {
        let Some(tok) = self.scan.next() else {
            return Ok(None);
        };
        if tok.kind != Kind::Arrow {
            return Err(self.error(
                tok.start,
                format!("unexpected {} after the event", Shown(tok.text)),
            ));
        }
        self.arrow = true;
        let hr = self.positional("an HRESULT after =>", false)?;
        let value = parse_hr(hr.text).ok_or_else(|| {
            self.error(
                hr.start,
                format!(
                    "{} is not an HRESULT name or 0x and 1 to 8 hex digits",
                    Shown(hr.text)
                ),
            )
        })?;
        if let Some(extra) = self.scan.next() {
            return Err(self.error(
                extra.start,
                format!("unexpected {} after the result", Shown(extra.text)),
            ));
        }
        Ok(Some((value, hr.start)))
    }

    /// `item NAME GUID` or `error NAME GUID`.
    pub(super) fn declaration(&mut self) -> Result<(&'a str, Guid), SyntaxError> {
        let name = self.positional("a name", false)?;
        if !is_name(name.text) {
            return Err(self.error(
                name.start,
                format!("{} cannot be declared as a name", Shown(name.text)),
            ));
        }
        if self.names.get(name.text).is_some() {
            return Err(self.error(
                name.start,
                format!("{} was already used or declared", Shown(name.text)),
            ));
        }
        let guid_tok = self.positional("a GUID", false)?;
        let guid = parse_guid(guid_tok.text).ok_or_else(|| {
            self.error(
                guid_tok.start,
                format!("{} is not a GUID", Shown(guid_tok.text)),
            )
        })?;
        if let Some(extra) = self.scan.next() {
            return Err(self.error(
                extra.start,
                format!("unexpected {} after the declaration", Shown(extra.text)),
            ));
        }
        self.names.insert(name.text, guid).map_err(|_| {
            self.error(name.start, "one name more than a trace may use (2,097,152)")
        })?;
        Ok((name.text, guid))
    }

    /// An event line whose first token is `first`: the event and `=> HR`.
    pub(super) fn event(&mut self, first: Tok<'a>) -> Result<(Call, Option<HResult>), SyntaxError> {
        let call = if first.kind != Kind::Word {
            return Err(self.error(
                first.start,
                format!("an event expected, found {}", Shown(first.text)),
            ));
        } else if first.text == RETURN {
            self.call_return()?
        } else {
            match EventKind::from_name(first.text) {
                Some(kind) if !kind.is_return() => self.call(kind)?,
                _ => {
                    return Err(self.error(
                        first.start,
                        format!("{} is not an event", Shown(first.text)),
                    ));
                }
            }
        };
        let recorded = self.recorded()?;
        if let (Call::Progress { .. }, Some((hr, at))) = (&call, recorded)
            && ![
                HResult::S_OK,
                HResult::S_SYNCMGR_CANCELITEM,
                HResult::S_SYNCMGR_CANCELALL,
            ]
            .contains(&hr)
        {
            return Err(self.error(
                at,
                "Progress is answered S_OK, S_SYNCMGR_CANCELITEM or S_SYNCMGR_CANCELALL",
            ));
        }
        Ok((call, recorded.map(|(hr, _)| hr)))
    }

    /// `return METHOD HR`.
    fn call_return(&mut self) -> Result<Call, SyntaxError> {
        let tok = self.positional("a METHOD", false)?;
        let method = Method::from_name(tok.text).ok_or_else(|| {
            self.error(
                tok.start,
                format!(
                    "{} has no separate return (PrepareForSync, Synchronize, ShowProperties or \
                     ShowError)",
                    Shown(tok.text)
                ),
            )
        })?;
        let hr = self.hr("an HRESULT")?;
        Ok(Call::Return { method, hr })
    }

    /// `reserved=N` as the only option.
    fn reserved(&mut self) -> Result<u32, SyntaxError> {
        let mut reserved = 0;
        self.options(&[Key::Reserved], &[], |line, (_, tok)| {
            reserved = dword(line.number(tok)?);
            Ok(())
        })?;
        Ok(reserved)
    }

    /// No options at all.
    fn no_options(&mut self) -> Result<(), SyntaxError> {
        self.options(&[], &[], |_, _| Ok(()))
    }

    /// The event of `kind` (not a return) with its arguments.
    fn call(&mut self, kind: EventKind) -> Result<Call, SyntaxError> {
        let call = match kind {
            EventKind::Initialize => {
                let tok = self.positional("FLAGS", false)?;
                let flags = flags_value(tok.text).ok_or_else(|| {
                    self.error(
                        tok.start,
                        format!("{} is not a FLAGS value", Shown(tok.text)),
                    )
                })?;
                let mut reserved = 0;
                self.options(&[Key::Cookie, Key::Reserved], &[], |line, (key, tok)| {
                    match key {
                        Key::Cookie if !is_hex(tok.value()) => {
                            return Err(
                                line.error(tok.start, "the cookie is an even number of hex digits")
                            );
                        }
                        Key::Reserved => reserved = dword(line.number(tok)?),
                        _ => {}
                    }
                    Ok(())
                })?;
                Call::Initialize { flags, reserved }
            }
            EventKind::GetHandlerInfo => {
                let (mut name_units, mut flags) = (0, 0);
                self.options(&[Key::Name, Key::Flags], &[], |line, (key, tok)| {
                    match key {
                        Key::Name => name_units = tok.string().encode_utf16().count(),
                        _ => flags = dword(line.number(tok)?),
                    }
                    Ok(())
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
                let set = self.choice("set or null", "set", "null")?;
                self.no_options()?;
                Call::SetProgressCallback { set }
            }
            EventKind::SetItemStatus => {
                let item = self.item()?;
                let tok = self.positional("a STATUS", false)?;
                let status = status_value(tok.text).ok_or_else(|| {
                    self.error(tok.start, format!("{} is not a STATUS", Shown(tok.text)))
                })?;
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
                let hr = self.hr("an HRESULT")?;
                self.no_options()?;
                Call::PrepareForSyncCompleted { hr }
            }
            EventKind::SynchronizeCompleted => {
                let hr = self.hr("an HRESULT")?;
                self.no_options()?;
                Call::SynchronizeCompleted { hr }
            }
            EventKind::ShowPropertiesCompleted => {
                let hr = self.hr("an HRESULT")?;
                self.no_options()?;
                Call::ShowPropertiesCompleted { hr }
            }
            EventKind::ShowErrorCompleted => {
                let hr = self.hr("an HRESULT")?;
                let items = self.items()?;
                self.no_options()?;
                Call::ShowErrorCompleted { hr, items }
            }
            EventKind::EnableModeless => {
                let enable = self.choice("true or false", "true", "false")?;
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
                let has_name = match self.scan.peek() {
                    Some(tok) if matches!(tok.kind, Kind::Str { .. }) => {
                        self.scan.next();
                        true
                    }
                    Some(tok) if tok.kind == Kind::Arrow || tok.is_option() => false,
                    Some(tok) => {
                        return Err(match tok.kind {
                            Kind::Bad { why, .. } => self.error(tok.start, why),
                            _ => self.error(
                                tok.start,
                                format!(
                                    "the connection name is a quoted string, found {}",
                                    Shown(tok.text)
                                ),
                            ),
                        });
                    }
                    None => false,
                };
                self.open = !has_name;
                let reserved = self.reserved()?;
                Call::EstablishConnection { has_name, reserved }
            }
            EventKind::ReturnPrepareForSync
            | EventKind::ReturnSynchronize
            | EventKind::ReturnShowProperties
            | EventKind::ReturnShowError => return self.call_return(),
        };
        Ok(call)
    }

    /// Progress: the mask comes from the keys present, or from `mask=`, which then decides which
    /// fields are carried (TRACE.md).
    fn progress(&mut self) -> Result<Call, SyntaxError> {
        let item = self.item()?;
        let mut progress = ProgressItem::default();
        let mut given = None;
        self.options(
            &[Key::Status, Key::Text, Key::Value, Key::Max, Key::Mask],
            &[],
            |line, (key, tok)| {
                // Every present key is well formed, whether its bit is set or not.
                match key {
                    Key::Status => {
                        progress.status = status_value(tok.value()).ok_or_else(|| {
                            line.error(tok.start, format!("{}: a STATUS expected", Shown(tok.text)))
                        })?;
                    }
                    Key::Value => progress.value = int(line.number(tok)?),
                    Key::Max => progress.max = int(line.number(tok)?),
                    Key::Mask => given = Some((tok.start, dword(line.number(tok)?))),
                    _ => {}
                }
                Ok(())
            },
        )?;
        progress.mask = self.mask(&PROGRESS_FIELDS, given)?;
        // A field whose bit is clear is not carried (its key was only checked for form).
        let carried = |bit: ProgressMask| progress.mask & bit.bits() != 0;
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
    fn log_error(&mut self) -> Result<Call, SyntaxError> {
        let tok = self.positional("a LEVEL", false)?;
        let level = level_value(tok.text)
            .ok_or_else(|| self.error(tok.start, format!("{} is not a LEVEL", Shown(tok.text))))?;
        self.positional("the error text (a quoted string)", true)?;
        let mut info = LogErrorInfo::default();
        let mut given = None;
        self.options(
            &[Key::Error, Key::Item, Key::Mask],
            &[Key::Jump],
            |line, (key, tok)| {
                match key {
                    Key::Jump => info.error_flags = ErrorFlags::ENABLEJUMPTEXT.bits(),
                    Key::Error => info.error_id = ErrorId::from(line.id(tok, tok.value())?),
                    Key::Item => info.item = ItemId::from(line.id(tok, tok.value())?),
                    Key::Mask => given = Some((tok.start, dword(line.number(tok)?))),
                    _ => {}
                }
                Ok(())
            },
        )?;
        info.mask = self.mask(&LOG_FIELDS, given)?;
        let carried = |bit: LogErrorMask| info.mask & bit.bits() != 0;
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
}

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
