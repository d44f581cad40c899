//! A parsed event: [`TraceEvent`] (the line, the event, the recorded `=> HR`) and [`Call`], the
//! event with its arguments, owned, which hands out the engine's [`Event`].

use crate::flags::{ItemState, SyncMgrFlags};
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;
use crate::machine::{
    Event, HandlerInfo, LogErrorInfo, Method, ProgressAnswer, ProgressItem, SyncMgrItem,
};
use crate::rule::EventKind;

use super::write::EventLine;

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
        let answer = self.recorded.unwrap_or(HResult::S_OK);
        self.call.with_event(answer, |&event| {
            write!(f, "{}", EventLine::with(event, Some(&name), self.recorded))
        })
    }
}
