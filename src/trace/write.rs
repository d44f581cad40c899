//! Writing events as trace lines (TRACE.md "Events"): what the simulator writes, and what a
//! handler's own logging can write. Available without the `trace` feature.

use core::fmt::{self, Write as _};
use core::hash::BuildHasher;
use std::collections::HashMap;

use crate::flags::{SyncEvent, SyncMgrFlagModifiers, SyncMgrFlags};
use crate::guid::Guid;
use crate::hresult::HResult;
use crate::machine::Event;
use crate::status::SyncMgrStatus;

/// One event as a trace line: its [`Display`](fmt::Display) is the line, without its line end,
/// which the parser reads back as the same event.
///
/// An [`Event`] does not carry its strings; give them with [`EventLine::text`]: Progress's status
/// text, LogError's text, the name GetHandlerInfo hands out, EstablishConnection's connection
/// name. Item and error ids are written as braced GUIDs (`null` for GUID_NULL in ShowProperties,
/// ShowError, LogError and DeleteLogError).
///
/// ```
/// use mobsync::trace::EventLine;
/// use mobsync::{Event, HResult, ItemId, Method};
///
/// let item = ItemId::from_u128(0x6295DF40_0000_4000_8000_000000000001);
/// let skip = Event::SetItemStatus { item, status: 1 };
/// assert_eq!(
///     EventLine::new(skip).recorded(HResult::S_OK).to_string(),
///     "SetItemStatus {6295DF40-0000-4000-8000-000000000001} SKIPPED => S_OK"
/// );
/// let ret = Event::Return { method: Method::PrepareForSync, hr: HResult::S_FALSE };
/// assert_eq!(EventLine::new(ret).to_string(), "return PrepareForSync S_FALSE");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct EventLine<'a> {
    event: Event<'a>,
    text: Option<&'a str>,
    recorded: Option<HResult>,
    names: Option<Names<'a>>,
}

/// Names for item and error ids in trace lines (TRACE.md's `item NAME GUID` declarations):
/// [`EventLine::names`] writes an id by the name this gives it.
///
/// The trace must declare each name before the line that uses it; writing the declarations is
/// the caller's part (the simulator writes them just before the first line that uses a name).
/// A name that is not a TRACE.md NAME — empty, not `[A-Za-z_][A-Za-z0-9_-]*`, `null`, or shaped
/// like a GUID — is not used: the id is written as a GUID, so the line always parses.
pub trait IdNames {
    /// The name `id` was declared with, or `None` to write it as a GUID.
    fn name(&self, id: Guid) -> Option<&str>;
}

impl<S: BuildHasher> IdNames for HashMap<Guid, String, S> {
    fn name(&self, id: Guid) -> Option<&str> {
        self.get(&id).map(String::as_str)
    }
}

/// The names an [`EventLine`] writes ids with.
#[derive(Clone, Copy)]
struct Names<'a>(&'a dyn IdNames);

impl fmt::Debug for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Names(..)")
    }
}

/// `text` is a NAME of TRACE.md's grammar: `[A-Za-z_][A-Za-z0-9_-]*`, not `null`, not shaped
/// like a GUID (8-4-4-4-12 hex digits, which the GUID reading would win).
pub(crate) fn is_name(text: &str) -> bool {
    let mut bytes = text.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    first_ok
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && text != "null"
        && !is_guid_shaped(text)
}

/// 8-4-4-4-12 hex digits (a NAME cannot hold braces, so only the bare shape matters).
fn is_guid_shaped(text: &str) -> bool {
    let mut groups = text.split('-');
    [8, 4, 4, 4, 12].into_iter().all(|len| {
        groups
            .next()
            .is_some_and(|g| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
    }) && groups.next().is_none()
}

impl<'a> EventLine<'a> {
    /// The line of `event`, without strings and without `=> HR`.
    #[must_use]
    pub const fn new(event: Event<'a>) -> Self {
        Self {
            event,
            text: None,
            recorded: None,
            names: None,
        }
    }

    /// The line of `event` with its string and its `=> HR`, each when given: [`EventLine::new`]
    /// with [`EventLine::text`] and [`EventLine::recorded`] for the `Some`s.
    ///
    /// ```
    /// use mobsync::trace::EventLine;
    /// use mobsync::{Event, HResult};
    ///
    /// let sync = Event::Synchronize;
    /// assert_eq!(EventLine::with(sync, None, Some(HResult::S_OK)).to_string(), "Synchronize => S_OK");
    /// ```
    #[must_use]
    pub const fn with(event: Event<'a>, text: Option<&'a str>, recorded: Option<HResult>) -> Self {
        Self {
            event,
            text,
            recorded,
            names: None,
        }
    }

    /// Writes every id `names` names by its name instead of its GUID (GUID_NULL stays `null` or
    /// a GUID); see [`IdNames`].
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use mobsync::trace::EventLine;
    /// use mobsync::{Event, Guid, ItemId};
    ///
    /// let item = ItemId::from_u128(0x6295DF40_0000_4000_8000_000000000001);
    /// let names = HashMap::from([(Guid::from(item), "Documents".to_owned())]);
    /// let skip = Event::SetItemStatus { item, status: 1 };
    /// assert_eq!(EventLine::new(skip).names(&names).to_string(), "SetItemStatus Documents SKIPPED");
    /// ```
    #[must_use]
    pub fn names(mut self, names: &'a dyn IdNames) -> Self {
        self.names = Some(Names(names));
        self
    }

    /// With the event's string (see the type's documentation); an event without one ignores it.
    #[must_use]
    pub const fn text(mut self, text: &'a str) -> Self {
        self.text = Some(text);
        self
    }

    /// With `=> HR`: what the handler answered a call, or the manager a callback.
    #[must_use]
    pub const fn recorded(mut self, hr: HResult) -> Self {
        self.recorded = Some(hr);
        self
    }
}

/// A quoted trace string: `\` and `"` escaped; line breaks and other control characters, which a
/// line cannot hold, become spaces.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' | '\\' => {
                    f.write_char('\\')?;
                    f.write_char(c)?;
                }
                c if c.is_control() => f.write_char(' ')?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

/// An id: its name when it has a valid one; else, where the grammar allows `null` (`null_ok`),
/// `null` for GUID_NULL; else the braced GUID.
struct Id<'a> {
    id: Guid,
    names: Option<Names<'a>>,
    null_ok: bool,
}

impl fmt::Display for Id<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.null_ok && self.id.is_null() {
            return f.write_str("null");
        }
        let name = self.names.and_then(|Names(names)| names.name(self.id));
        match name {
            Some(name) if !self.id.is_null() && is_name(name) => f.write_str(name),
            _ => write!(f, "{}", self.id),
        }
    }
}

/// A STATUS: its name, else `0x` and hex.
struct Status(u32);

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match SyncMgrStatus::from_u32(self.0) {
            Some(status) => f.write_str(status.short_name()),
            None => write!(f, "{:#X}", self.0),
        }
    }
}

/// FLAGS: the event by name (or in hex), then the modifiers, then any other bits in hex.
struct Flags(SyncMgrFlags);

impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flags = self.0;
        match SyncEvent::from_u8(flags.event_byte()) {
            Some(event) => f.write_str(match event {
                SyncEvent::Connect => "CONNECT",
                SyncEvent::PendingDisconnect => "PENDINGDISCONNECT",
                SyncEvent::Manual => "MANUAL",
                SyncEvent::Idle => "IDLE",
                SyncEvent::Invoke => "INVOKE",
                SyncEvent::Scheduled => "SCHEDULED",
            })?,
            None => write!(f, "{:#X}", flags.event_byte())?,
        }
        for (modifier, name) in [
            (SyncMgrFlagModifiers::SETTINGS, "|SETTINGS"),
            (SyncMgrFlagModifiers::MAYBOTHERUSER, "|MAYBOTHERUSER"),
        ] {
            if flags.modifiers().contains(modifier) {
                f.write_str(name)?;
            }
        }
        if flags.unknown_bits() != 0 {
            write!(f, "|{:#X}", flags.unknown_bits())?;
        }
        Ok(())
    }
}

/// A LEVEL: its name, else `0x` and hex.
struct Level(u32);

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("INFORMATION"),
            2 => f.write_str("WARNING"),
            3 => f.write_str("ERROR"),
            n => write!(f, "{n:#X}"),
        }
    }
}

/// ` reserved=0x…` when not zero.
fn reserved(f: &mut fmt::Formatter<'_>, reserved: u32) -> fmt::Result {
    if reserved == 0 {
        Ok(())
    } else {
        write!(f, " reserved={reserved:#X}")
    }
}

impl<'a> EventLine<'a> {
    /// `id` as a positional or option value where `null` is not written (a GUID_NULL there is a
    /// braced GUID, as before names existed).
    fn id(&self, id: impl Into<Guid>) -> Id<'a> {
        Id {
            id: id.into(),
            names: self.names,
            null_ok: false,
        }
    }

    /// `id` where the grammar's `null` stands for GUID_NULL.
    fn id_or_null(&self, id: impl Into<Guid>) -> Id<'a> {
        Id {
            null_ok: true,
            ..self.id(id)
        }
    }

    /// ` ID…` for each of `ids`.
    fn ids(&self, f: &mut fmt::Formatter<'_>, ids: impl IntoIterator<Item = Guid>) -> fmt::Result {
        ids.into_iter()
            .try_for_each(|id| write!(f, " {}", self.id(id)))
    }
}

impl fmt::Display for EventLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = Quoted(self.text.unwrap_or(""));
        f.write_str(self.event.kind().name())?;
        match self.event {
            Event::Initialize {
                reserved: r, flags, ..
            } => {
                write!(f, " {}", Flags(flags))?;
                reserved(f, r)?;
            }
            Event::GetHandlerInfo { info, .. } => {
                write!(f, " name={text} flags={:#X}", info.flags)?;
            }
            Event::EnumSyncMgrItems { items, .. } => {
                self.ids(f, items.iter().map(|item| Guid::from(item.id)))?;
            }
            Event::GetItemObject { item } => write!(f, " {}", self.id(item))?,
            Event::ShowProperties { item } => write!(f, " {}", self.id_or_null(item))?,
            Event::SetProgressCallback { bind } => {
                f.write_str(if bind { " set" } else { " null" })?;
            }
            Event::PrepareForSync { items, reserved: r } => {
                self.ids(f, items.iter().map(|&item| Guid::from(item)))?;
                reserved(f, r)?;
            }
            Event::Synchronize => {}
            Event::SetItemStatus { item, status } => {
                write!(f, " {} {}", self.id(item), Status(status))?;
            }
            Event::ShowError { error } => write!(f, " {}", self.id_or_null(error))?,
            // The kind's name is `return METHOD`.
            Event::Return { hr, .. }
            | Event::PrepareForSyncCompleted { hr }
            | Event::SynchronizeCompleted { hr }
            | Event::ShowPropertiesCompleted { hr } => write!(f, " {}", hr.short())?,
            Event::ShowErrorCompleted { hr, items } => {
                write!(f, " {}", hr.short())?;
                self.ids(f, items.iter().map(|&item| Guid::from(item)))?;
            }
            Event::EnableModeless { enable, .. } => {
                f.write_str(if enable { " true" } else { " false" })?;
            }
            Event::Progress { item, progress, .. } => {
                write!(f, " {}", self.id(item))?;
                let mask = progress.mask;
                if mask & 0x2 != 0 {
                    write!(f, " status={}", Status(progress.status))?;
                }
                if mask & 0x1 != 0 {
                    write!(f, " text={text}")?;
                }
                if mask & 0x4 != 0 {
                    write!(f, " value={}", progress.value)?;
                }
                if mask & 0x8 != 0 {
                    write!(f, " max={}", progress.max)?;
                }
                if mask & !0xF != 0 {
                    write!(f, " mask={mask:#X}")?;
                }
            }
            Event::LogError { level, info } => {
                write!(f, " {} {text}", Level(level))?;
                if info.mask & 0x2 != 0 {
                    write!(f, " error={}", self.id_or_null(info.error_id))?;
                }
                if info.mask & 0x4 != 0 {
                    write!(f, " item={}", self.id_or_null(info.item))?;
                }
                if info.mask & 0x1 != 0 {
                    f.write_str(" jump")?;
                }
                if info.mask & !0x7 != 0 {
                    write!(f, " mask={:#X}", info.mask)?;
                }
            }
            Event::DeleteLogError { error, reserved: r } => {
                write!(f, " {}", self.id_or_null(error))?;
                reserved(f, r)?;
            }
            Event::EstablishConnection {
                has_name,
                reserved: r,
            } => {
                if has_name {
                    write!(f, " {text}")?;
                }
                reserved(f, r)?;
            }
        }
        if let Some(hr) = self.recorded {
            write!(f, " => {}", hr.short())?;
        }
        Ok(())
    }
}
