//! Writing events as lines of TRACE.md's format (trace format v1).

use core::fmt::{self, Write as _};

use crate::flags::{SyncEvent, SyncMgrFlagModifiers, SyncMgrFlags};
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;
use crate::machine::{Event, Method, ProgressAnswer};
use crate::status::SyncMgrStatus;

/// An HRESULT as a trace writes it: its name, or `0x` and 8 hex digits.
pub(crate) struct Hr(pub HResult);

impl fmt::Display for Hr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "0x{:08X}", self.0.to_u32()),
        }
    }
}

/// A quoted trace string: `\` and `"` escaped; line breaks and other control characters, which a
/// line cannot hold, become spaces.
pub(crate) struct Quoted<'a>(pub &'a str);

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

fn flags(f: &mut String, flags: SyncMgrFlags) {
    let event = match SyncEvent::from_u8(flags.event_byte()) {
        Some(SyncEvent::Connect) => "CONNECT".to_owned(),
        Some(SyncEvent::PendingDisconnect) => "PENDINGDISCONNECT".to_owned(),
        Some(SyncEvent::Manual) => "MANUAL".to_owned(),
        Some(SyncEvent::Idle) => "IDLE".to_owned(),
        Some(SyncEvent::Invoke) => "INVOKE".to_owned(),
        Some(SyncEvent::Scheduled) => "SCHEDULED".to_owned(),
        None => format!("0x{:X}", flags.event_byte()),
    };
    f.push_str(&event);
    if flags.modifiers().contains(SyncMgrFlagModifiers::SETTINGS) {
        f.push_str("|SETTINGS");
    }
    if flags
        .modifiers()
        .contains(SyncMgrFlagModifiers::MAYBOTHERUSER)
    {
        f.push_str("|MAYBOTHERUSER");
    }
    if flags.unknown_bits() != 0 {
        let _ = write!(f, "|0x{:X}", flags.unknown_bits());
    }
}

fn ids(f: &mut String, items: &[ItemId]) {
    for item in items {
        let _ = write!(f, " {item}");
    }
}

fn status(f: &mut String, value: u32) {
    match SyncMgrStatus::from_u32(value) {
        Some(s) => f.push_str(s.short_name()),
        None => {
            let _ = write!(f, "0x{value:X}");
        }
    }
}

fn method(m: Method) -> &'static str {
    match m {
        Method::PrepareForSync => "PrepareForSync",
        Method::Synchronize => "Synchronize",
        Method::ShowProperties => "ShowProperties",
        Method::ShowError => "ShowError",
    }
}

fn error_id(f: &mut String, id: ErrorId) {
    if id.is_null() {
        f.push_str("null");
    } else {
        let _ = write!(f, "{id}");
    }
}

/// The strings an [`Event`] does not carry: Progress's status text, LogError's text, the name
/// GetHandlerInfo hands out and EstablishConnection's connection name.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Texts<'a> {
    pub text: Option<&'a str>,
}

/// One event as a trace line, with `=> HR` when `recorded` is given.
pub(crate) fn line(event: &Event<'_>, texts: Texts<'_>, recorded: Option<HResult>) -> String {
    let mut f = String::new();
    let text = texts.text.unwrap_or("");
    match *event {
        Event::Initialize {
            reserved,
            flags: fl,
            ..
        } => {
            f.push_str("Initialize ");
            flags(&mut f, fl);
            if reserved != 0 {
                let _ = write!(f, " reserved=0x{reserved:X}");
            }
        }
        Event::GetHandlerInfo { info, .. } => {
            let _ = write!(
                f,
                "GetHandlerInfo name={} flags=0x{:X}",
                Quoted(text),
                info.flags
            );
        }
        Event::EnumSyncMgrItems { items, .. } => {
            f.push_str("EnumSyncMgrItems");
            for item in items {
                let _ = write!(f, " {}", item.id);
            }
        }
        Event::GetItemObject { item } => {
            let _ = write!(f, "GetItemObject {item}");
        }
        Event::SetProgressCallback { bind } => {
            f.push_str(if bind {
                "SetProgressCallback set"
            } else {
                "SetProgressCallback null"
            });
        }
        Event::PrepareForSync { items, reserved } => {
            f.push_str("PrepareForSync");
            ids(&mut f, items);
            if reserved != 0 {
                let _ = write!(f, " reserved=0x{reserved:X}");
            }
        }
        Event::Synchronize => f.push_str("Synchronize"),
        Event::SetItemStatus { item, status: s } => {
            let _ = write!(f, "SetItemStatus {item} ");
            status(&mut f, s);
        }
        Event::ShowProperties { item } => {
            if item.is_null() {
                f.push_str("ShowProperties null");
            } else {
                let _ = write!(f, "ShowProperties {item}");
            }
        }
        Event::ShowError { error } => {
            f.push_str("ShowError ");
            error_id(&mut f, error);
        }
        Event::Return { method: m, hr } => {
            let _ = write!(f, "return {} {}", method(m), Hr(hr));
        }
        Event::PrepareForSyncCompleted { hr } => {
            let _ = write!(f, "PrepareForSyncCompleted {}", Hr(hr));
        }
        Event::SynchronizeCompleted { hr } => {
            let _ = write!(f, "SynchronizeCompleted {}", Hr(hr));
        }
        Event::ShowPropertiesCompleted { hr } => {
            let _ = write!(f, "ShowPropertiesCompleted {}", Hr(hr));
        }
        Event::ShowErrorCompleted { hr, items } => {
            let _ = write!(f, "ShowErrorCompleted {}", Hr(hr));
            ids(&mut f, items);
        }
        Event::EnableModeless { enable, .. } => {
            f.push_str(if enable {
                "EnableModeless true"
            } else {
                "EnableModeless false"
            });
        }
        Event::Progress { item, progress, .. } => {
            let _ = write!(f, "Progress {item}");
            if progress.mask & 0x2 != 0 {
                f.push_str(" status=");
                status(&mut f, progress.status);
            }
            if progress.mask & 0x1 != 0 {
                let _ = write!(f, " text={}", Quoted(text));
            }
            if progress.mask & 0x4 != 0 {
                let _ = write!(f, " value={}", progress.value);
            }
            if progress.mask & 0x8 != 0 {
                let _ = write!(f, " max={}", progress.max);
            }
            if progress.mask & !0xF != 0 {
                let _ = write!(f, " mask=0x{:X}", progress.mask);
            }
        }
        Event::LogError { level, info } => {
            match level {
                1 => f.push_str("LogError INFORMATION"),
                2 => f.push_str("LogError WARNING"),
                3 => f.push_str("LogError ERROR"),
                n => {
                    let _ = write!(f, "LogError 0x{n:X}");
                }
            }
            let _ = write!(f, " {}", Quoted(text));
            if info.mask & 0x2 != 0 {
                f.push_str(" error=");
                error_id(&mut f, info.error_id);
            }
            if info.mask & 0x4 != 0 {
                if info.item.is_null() {
                    f.push_str(" item=null");
                } else {
                    let _ = write!(f, " item={}", info.item);
                }
            }
            if info.mask & 0x1 != 0 {
                f.push_str(" jump");
            }
            if info.mask & !0x7 != 0 {
                let _ = write!(f, " mask=0x{:X}", info.mask);
            }
        }
        Event::DeleteLogError { error, reserved } => {
            f.push_str("DeleteLogError ");
            error_id(&mut f, error);
            if reserved != 0 {
                let _ = write!(f, " reserved=0x{reserved:X}");
            }
        }
        Event::EstablishConnection { has_name, reserved } => {
            f.push_str("EstablishConnection");
            if has_name {
                let _ = write!(f, " {}", Quoted(text));
            }
            if reserved != 0 {
                let _ = write!(f, " reserved=0x{reserved:X}");
            }
        }
    }
    if let Some(hr) = recorded {
        let _ = write!(f, " => {}", Hr(hr));
    }
    f
}

/// The `=> HR` of a Progress line: the manager's answer, written only when it cancels.
pub(crate) fn progress_answer(answer: ProgressAnswer) -> Option<HResult> {
    match answer {
        ProgressAnswer::Continue => None,
        other => Some(other.hresult()),
    }
}
