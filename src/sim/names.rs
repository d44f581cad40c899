//! Readable traces: the names the simulator gives item and error ids, and the `item NAME GUID` /
//! `error NAME GUID` declarations (TRACE.md "Grammar") it writes for them.
//!
//! Decisions (TRACE.md says how a name is spelled, not which to choose):
//! - An item is named after the name the handler enumerated (`wszItemName`) when that is a
//!   TRACE.md NAME (`Documents`); otherwise after a sanitized form of it: every run of characters
//!   outside `[A-Za-z0-9_-]` becomes one `_`, `_` at either end is trimmed, a name that would
//!   start with a digit or `-`, or that is shaped like a GUID, gets a leading `_`, and it is cut
//!   to [`MAX_NAME`] characters (`"notes.txt"` → `notes_txt`, `"2024 Q1"` → `_2024_Q1`). A name
//!   with nothing left (`"文档"`, `""`), an id the handler never enumerated, and an id seen first
//!   in a callback are named `item1`, `item2`, … (the enumerated items first, in order, then the
//!   others as they first appear), skipping names the handler's own items have.
//! - An error id is named after the item its first LogError is about (`Photos-error`), else
//!   `error1`, `error2`, ….
//! - Names are unique: a name already taken gets `-2`, `-3`, … (`Documents-2`). A word TRACE.md
//!   spells — `null`, `item`, `error`, `return`, `set`, `true`, `false`, `jump`, every event
//!   name (the four methods' included), every status, flag, level and HRESULT name, and the
//!   option keys — is never used as it is: it gets the prefix `item_` or `error_`
//!   (`item_SKIPPED`). Names are case-sensitive, as in the format.
//! - One id has one name, whichever kind it first appeared as (items and errors share TRACE.md's
//!   table); GUID_NULL is never named (it stays `null` or a GUID).
//! - A name is declared on the line just before the first line that uses it, so every declaration
//!   precedes its use and a prefix of the trace is a valid trace too.

use std::collections::{HashMap, HashSet};

use crate::guid::{Guid, ItemId};
use crate::hresult::HResult;
use crate::machine::Event;
use crate::rule::EventKind;
use crate::status::SyncMgrStatus;
use crate::trace::{IdNames, is_name};

/// The longest name the simulator derives (characters); longer item names are cut.
pub(super) const MAX_NAME: usize = 48;

/// Which of TRACE.md's declarations an id gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum IdKind {
    Item,
    Error,
}

impl IdKind {
    const fn keyword(self) -> &'static str {
        match self {
            Self::Item => "item",
            Self::Error => "error",
        }
    }
}

/// The run's names: what each id is (or will be) called, and which ids are declared already.
/// The simulator's traces use it, and so can any trace writer (mobsync-com's tracing proxy
/// does): name the enumerated items, then before writing each event's line ask for the
/// declarations it needs, and write the line with [`EventLine::names`](crate::trace::EventLine::names).
///
/// ```
/// use mobsync::sim::TraceNames;
/// use mobsync::trace::EventLine;
/// use mobsync::{Event, ItemId};
///
/// let item = ItemId::from_u128(0x6295DF40_0000_4000_8000_000000000001);
/// let mut names = TraceNames::default();
/// names.name_items([(item, "Documents")]);
/// let skip = Event::SetItemStatus { item, status: 1 };
/// let mut lines = Vec::new();
/// names.declare(&skip, &mut lines);
/// lines.push(EventLine::new(skip).names(&names).to_string());
/// assert_eq!(lines, [
///     "item Documents {6295DF40-0000-4000-8000-000000000001}",
///     "SetItemStatus Documents SKIPPED",
/// ]);
/// ```
#[derive(Debug, Default)]
pub struct Names {
    /// The name of every named id, declared or not yet.
    by_id: HashMap<Guid, (String, IdKind)>,
    /// The ids declared in the trace so far.
    declared: HashSet<Guid>,
    /// Every name given.
    taken: HashSet<String>,
    /// The next fallback number per kind.
    next_item: usize,
    next_error: usize,
}

impl IdNames for Names {
    fn name(&self, id: Guid) -> Option<&str> {
        if self.declared.contains(&id) {
            self.by_id.get(&id).map(|(name, _)| name.as_str())
        } else {
            None
        }
    }
}

/// The words TRACE.md spells, which a name must not be (even where its position would tell them
/// apart, so that a reader never has to).
fn is_reserved(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "null",
        "item",
        "error",
        "return",
        "set",
        "true",
        "false",
        "jump",
        "cookie",
        "reserved",
        "name",
        "flags",
        "status",
        "text",
        "value",
        "max",
        "mask",
        "CONNECT",
        "PENDINGDISCONNECT",
        "MANUAL",
        "IDLE",
        "INVOKE",
        "SCHEDULED",
        "SETTINGS",
        "MAYBOTHERUSER",
        "INFORMATION",
        "WARNING",
        "ERROR",
    ];
    WORDS.contains(&name)
        || EventKind::ALL.iter().any(|kind| kind.name() == name)
        || SyncMgrStatus::ALL.iter().any(|s| s.short_name() == name)
        || HResult::named().any(|(_, hr)| hr == name)
}

/// `text` as a NAME, or `None` when nothing usable is left (see the module's decisions).
fn sanitize(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    let out = out.trim_matches('_');
    if out.is_empty() {
        return None;
    }
    let mut name = if out.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        format!("_{out}")
    } else {
        out.to_owned()
    };
    if name.len() > MAX_NAME {
        name.truncate(MAX_NAME);
        let kept = name.trim_end_matches(['_', '-']).len();
        name.truncate(kept);
    }
    // What is left fits the NAME characters; `null` is reserved (prefixed by `unique`), and a
    // GUID-shaped name becomes a name with a leading `_`.
    if !is_name(&name) && name != "null" {
        name.insert(0, '_');
    }
    (is_name(&name) || name == "null").then_some(name)
}

impl Names {
    /// Chooses names for the items the handler enumerated (declared when first used).
    /// Names derived from the handler's come first, so that a fallback never takes a name the
    /// handler gave (an item named `item1` keeps it).
    pub fn name_items<'a>(&mut self, items: impl IntoIterator<Item = (ItemId, &'a str)>) {
        let derived: Vec<(ItemId, Option<String>)> = items
            .into_iter()
            .map(|(id, name)| (id, sanitize(name)))
            .collect();
        for (id, name) in &derived {
            if name.is_some() {
                self.name((*id).into(), IdKind::Item, name.clone());
            }
        }
        for (id, name) in &derived {
            if name.is_none() {
                self.name((*id).into(), IdKind::Item, None);
            }
        }
    }

    /// Gives `id` a name if it has none: `derived` made unique, or the kind's fallback.
    fn name(&mut self, id: Guid, kind: IdKind, derived: Option<String>) {
        if id.is_null() || self.by_id.contains_key(&id) {
            return;
        }
        let name = match derived {
            Some(base) => self.unique(base, kind),
            None => self.fallback(kind),
        };
        self.taken.insert(name.clone());
        self.by_id.insert(id, (name, kind));
    }

    /// `base` (prefixed when reserved), with `-2`, `-3`, … until no other id has it.
    fn unique(&self, base: String, kind: IdKind) -> String {
        let base = if is_reserved(&base) {
            format!("{}_{base}", kind.keyword())
        } else {
            base
        };
        if !self.taken.contains(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|name| !self.taken.contains(name))
            .unwrap_or(base)
    }

    /// The next `item<N>` or `error<N>` no id has.
    fn fallback(&mut self, kind: IdKind) -> String {
        loop {
            let n = match kind {
                IdKind::Item => {
                    self.next_item += 1;
                    self.next_item
                }
                IdKind::Error => {
                    self.next_error += 1;
                    self.next_error
                }
            };
            let name = format!("{}{n}", kind.keyword());
            if !self.taken.contains(&name) {
                return name;
            }
        }
    }

    /// The name an error id gets from the item its LogError is about.
    fn error_name(&self, item: Guid) -> Option<String> {
        let (name, _) = self.by_id.get(&item)?;
        Some(format!("{name}-error"))
    }

    /// Names every id of `event` that has none, and appends the declaration of each one not yet
    /// declared to `out`, in the order the ids appear on the event's line.
    pub fn declare(&mut self, event: &Event<'_>, out: &mut Vec<String>) {
        for (id, kind, about) in ids_of(event) {
            if id.is_null() {
                continue;
            }
            let derived = about.and_then(|item| self.error_name(item));
            self.name(id, kind, derived);
            if self.declared.insert(id)
                && let Some((name, kind)) = self.by_id.get(&id)
            {
                out.push(format!("{} {name} {id}", kind.keyword()));
            }
        }
    }
}

/// The ids `event`'s line holds, in line order, each with its kind and, for LogError's error id,
/// the item it is about.
fn ids_of(event: &Event<'_>) -> Vec<(Guid, IdKind, Option<Guid>)> {
    let item = |id: Guid| (id, IdKind::Item, None);
    match *event {
        Event::EnumSyncMgrItems { items, .. } => items.iter().map(|i| item(i.id.into())).collect(),
        Event::PrepareForSync { items, .. } | Event::ShowErrorCompleted { items, .. } => {
            items.iter().map(|&i| item(i.into())).collect()
        }
        Event::GetItemObject { item: id }
        | Event::ShowProperties { item: id }
        | Event::SetItemStatus { item: id, .. }
        | Event::Progress { item: id, .. } => vec![item(id.into())],
        Event::ShowError { error } | Event::DeleteLogError { error, .. } => {
            vec![(error.into(), IdKind::Error, None)]
        }
        Event::LogError { info, .. } => {
            let mut ids = Vec::new();
            let about = (info.mask & 0x4 != 0).then(|| Guid::from(info.item));
            if let Some(id) = about {
                ids.push(item(id));
            }
            if info.mask & 0x2 != 0 {
                ids.push((info.error_id.into(), IdKind::Error, about));
            }
            ids
        }
        Event::Initialize { .. }
        | Event::GetHandlerInfo { .. }
        | Event::SetProgressCallback { .. }
        | Event::Synchronize
        | Event::Return { .. }
        | Event::PrepareForSyncCompleted { .. }
        | Event::SynchronizeCompleted { .. }
        | Event::ShowPropertiesCompleted { .. }
        | Event::EnableModeless { .. }
        | Event::EstablishConnection { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(items: &[&str]) -> Vec<String> {
        let items: Vec<(ItemId, &str)> = items
            .iter()
            .zip(1..)
            .map(|(name, n)| (ItemId::from_u128(n), *name))
            .collect();
        let mut names = Names::default();
        names.name_items(items.iter().copied());
        items
            .iter()
            .map(|(id, _)| names.by_id[&Guid::from(*id)].0.clone())
            .collect()
    }

    #[test]
    fn a_name_that_fits_the_grammar_is_kept_as_it_is() {
        assert_eq!(
            names_of(&["Documents", "my-notes_2"]),
            ["Documents", "my-notes_2"]
        );
    }

    #[test]
    fn other_names_are_sanitized_or_fall_back_to_item_n() {
        assert_eq!(
            names_of(&["notes.txt", "2024 Q1", " Média (old) ", "文档", "", "-x"]),
            [
                "notes_txt",
                "_2024_Q1",
                "M_dia_old",
                "item1",
                "item2",
                "_-x"
            ]
        );
    }

    #[test]
    fn names_are_unique_and_fallbacks_skip_taken_names() {
        assert_eq!(
            names_of(&["?", "item1", "a b", "a.b", "a_b"]),
            ["item2", "item1", "a_b", "a_b-2", "a_b-3"]
        );
    }

    #[test]
    fn reserved_words_are_prefixed_never_used() {
        assert_eq!(
            names_of(&[
                "null", "SKIPPED", "Progress", "S_OK", "MANUAL", "jump", "ERROR"
            ]),
            [
                "item_null",
                "item_SKIPPED",
                "item_Progress",
                "item_S_OK",
                "item_MANUAL",
                "item_jump",
                "item_ERROR"
            ]
        );
    }

    #[test]
    fn guid_shaped_names_are_not_names() {
        let [name] = <[String; 1]>::try_from(names_of(&["abcdef01-2345-6789-abcd-ef0123456789"]))
            .unwrap_or_default();
        assert!(is_name(&name), "{name}");
        assert_ne!(name, "abcdef01-2345-6789-abcd-ef0123456789");
    }

    #[test]
    fn long_names_are_cut_to_the_maximum() {
        let long = "x".repeat(500);
        assert_eq!(names_of(&[&long]), ["x".repeat(MAX_NAME)]);
    }

    #[test]
    fn every_derived_name_is_a_trace_name() {
        for text in [
            "a",
            "_",
            "__a__",
            "0",
            "-",
            "a-",
            "null",
            "GUID_NULL",
            "é",
            "a\u{0}b",
        ] {
            for name in names_of(&[text]) {
                assert!(is_name(&name) && !is_reserved(&name), "{text:?} → {name:?}");
            }
        }
    }

    #[test]
    fn declarations_come_once_before_first_use_and_errors_take_their_items_name() {
        use crate::machine::LogErrorInfo;
        let docs = ItemId::from_u128(1);
        let mut names = Names::default();
        names.name_items([(docs, "Documents")]);
        let mut out = Vec::new();
        let items = [docs, ItemId::from_u128(9)];
        names.declare(
            &Event::PrepareForSync {
                items: &items,
                reserved: 0,
            },
            &mut out,
        );
        names.declare(
            &Event::PrepareForSync {
                items: &items,
                reserved: 0,
            },
            &mut out,
        );
        let error = crate::guid::ErrorId::from_u128(7);
        let info = LogErrorInfo::default().with_error_id(error).with_item(docs);
        names.declare(&Event::LogError { level: 3, info }, &mut out);
        let other = crate::guid::ErrorId::from_u128(8);
        names.declare(&Event::ShowError { error: other }, &mut out);
        assert_eq!(
            out,
            [
                "item Documents {00000000-0000-0000-0000-000000000001}",
                "item item1 {00000000-0000-0000-0000-000000000009}",
                "error Documents-error {00000000-0000-0000-0000-000000000007}",
                "error error1 {00000000-0000-0000-0000-000000000008}",
            ]
        );
        assert_eq!(names.name(Guid::from(docs)), Some("Documents"));
    }

    #[test]
    fn guid_null_is_never_named() {
        let mut names = Names::default();
        let mut out = Vec::new();
        names.declare(&Event::ShowProperties { item: ItemId::NULL }, &mut out);
        assert!(out.is_empty());
    }
}
