//! The grammar of each event line (TRACE.md "Events"): its positional arguments, its options
//! and whether `=> HR` may follow.

use crate::flags::{ErrorFlags, LogErrorMask, ProgressMask};
use crate::guid::{ErrorId, ItemId};
use crate::machine::{LogErrorInfo, Method, ProgressItem};
use crate::rule::EventKind;

use super::cursor::{Cursor, Key, Options};
use super::error::{Shown, SyntaxError};
use super::event::Call;
use super::lex::{Kind, Token};
use super::value::{dword, flag_value, int, level_value, parse_number, status_value};

/// The word of a return line (`return METHOD HR`); the returns' event names are this word and
/// the method's name ([`EventKind::name`]).
const RETURN: &str = "return";

/// The number in a `key=N` option.
fn number_option(c: &Cursor<'_, '_>, token: Token<'_>) -> Result<i64, SyntaxError> {
    parse_number(&token.value()).ok_or_else(|| {
        c.error(
            token.start,
            format!(
                "{}: a number from -2^31 to 2^32-1 expected",
                Shown(token.text)
            ),
        )
    })
}

/// The event and its arguments; `true` when `=> HR` may follow.
#[inline]
pub(super) fn parse_call(
    c: &mut Cursor<'_, '_>,
    first: &Token<'_>,
) -> Result<(Call, bool), SyntaxError> {
    let reserved = |c: &Cursor<'_, '_>, options: &Options<'_, '_>| -> Result<u32, SyntaxError> {
        options
            .get(Key::Reserved)
            .map(|t| number_option(c, t).map(dword))
            .unwrap_or(Ok(0))
    };
    if first.text == RETURN {
        return parse_return(c);
    }
    let call = match EventKind::from_name(first.text) {
        Some(EventKind::Initialize) => {
            let token = c.positional("FLAGS")?;
            let mut flags = 0;
            for part in token.text.split('|') {
                flags |= flag_value(part).ok_or_else(|| {
                    c.error(
                        token.start,
                        format!("{} is not a FLAGS value", Shown(token.text)),
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
        Some(EventKind::GetHandlerInfo) => {
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
        Some(EventKind::EnumSyncMgrItems) => Call::EnumSyncMgrItems { items: c.items()? },
        Some(EventKind::GetItemObject) => Call::GetItemObject { item: c.item()? },
        Some(EventKind::SetProgressCallback) => Call::SetProgressCallback {
            set: c.choice("set or null", "set", "null")?,
        },
        Some(EventKind::SetItemStatus) => {
            let item = c.item()?;
            let token = c.positional("a STATUS")?;
            let status = status_value(token.text).ok_or_else(|| {
                c.error(
                    token.start,
                    format!("{} is not a STATUS", Shown(token.text)),
                )
            })?;
            Call::SetItemStatus { item, status }
        }
        Some(EventKind::PrepareForSync) => {
            let items = c.items()?;
            let options = c.options(&[Key::Reserved], &[])?;
            Call::PrepareForSync {
                items,
                reserved: reserved(c, &options)?,
            }
        }
        Some(EventKind::Synchronize) => Call::Synchronize,
        Some(EventKind::ShowProperties) => Call::ShowProperties { item: c.item()? },
        Some(EventKind::ShowError) => Call::ShowError {
            error: c.error_id()?,
        },
        Some(EventKind::PrepareForSyncCompleted) => Call::PrepareForSyncCompleted { hr: c.hr()? },
        Some(EventKind::SynchronizeCompleted) => Call::SynchronizeCompleted { hr: c.hr()? },
        Some(EventKind::ShowPropertiesCompleted) => Call::ShowPropertiesCompleted { hr: c.hr()? },
        Some(EventKind::ShowErrorCompleted) => {
            let hr = c.hr()?;
            Call::ShowErrorCompleted {
                hr,
                items: c.items()?,
            }
        }
        Some(EventKind::EnableModeless) => Call::EnableModeless {
            enable: c.choice("true or false", "true", "false")?,
        },
        Some(EventKind::Progress) => parse_progress(c)?,
        Some(EventKind::LogError) => parse_log_error(c)?,
        Some(EventKind::DeleteLogError) => {
            let error = c.error_id()?;
            let options = c.options(&[Key::Reserved], &[])?;
            Call::DeleteLogError {
                error,
                reserved: reserved(c, &options)?,
            }
        }
        Some(EventKind::EstablishConnection) => {
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
        // `return …` is the word above; the kinds of returns are not words of their own.
        Some(
            EventKind::ReturnPrepareForSync
            | EventKind::ReturnSynchronize
            | EventKind::ReturnShowProperties
            | EventKind::ReturnShowError,
        )
        | None => {
            return Err(c.error(
                first.start,
                format!("{} is not an event", Shown(first.text)),
            ));
        }
    };
    Ok((call, true))
}

/// `return METHOD HR`: nothing may follow it.
fn parse_return(c: &mut Cursor<'_, '_>) -> Result<(Call, bool), SyntaxError> {
    let token = c.positional("a METHOD")?;
    let method = Method::from_name(token.text).ok_or_else(|| {
        c.error(
            token.start,
            format!(
                "{} has no separate return (PrepareForSync, Synchronize, ShowProperties or ShowError)", Shown(token.text)
            ),
        )
    })?;
    let hr = c.hr()?;
    c.end()?;
    Ok((Call::Return { method, hr }, false))
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
                    c.error(
                        token.start,
                        format!("{}: a STATUS expected", Shown(token.text)),
                    )
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
        .ok_or_else(|| c.error(token.start, format!("{} is not a LEVEL", Shown(token.text))))?;
    match c.next() {
        Some(t) if matches!(t.kind, Kind::Str) => {}
        Some(t) => {
            return Err(c.error(
                t.start,
                format!(
                    "the error text (a quoted string) expected, found {}",
                    Shown(t.text)
                ),
            ));
        }
        None => return Err(c.missing("the error text (a quoted string)")),
    }
    let options = c.options(&[Key::Error, Key::Item, Key::Mask], &[Key::Jump])?;
    let mut info = LogErrorInfo::default();
    if options.has(Key::Jump) {
        info.error_flags = ErrorFlags::ENABLEJUMPTEXT.bits();
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
