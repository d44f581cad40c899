//! Trace generator: whole traces as text in TRACE.md's format, together with the structured
//! events the reference checker takes.
//!
//! A case is drawn as tapes of raw choices (proptest shrinks them: fewer lines, smaller values,
//! and a raw 0 is always the plainest choice), then built line by line: the semantic tape of a line
//! picks its event from the reference model's current state, its style seed picks how the line is
//! written (`render.rs`). Two flavours:
//! - [`Flavour::Valid`]: about 85% of the events are ones the contract accepts in the current state
//!   (whole runs: Initialize, EnumSyncMgrItems, SetProgressCallback, passes with early completions
//!   and one-line calls, skips in windows A and B, Progress walking the status graph with values,
//!   maxima, masks and cancel answers, LogError / DeleteLogError / ShowError with retries,
//!   ShowProperties, EnableModeless, EstablishConnection, release), the rest near misses; recorded
//!   results are mostly absent or right, now and then wrong.
//! - [`Flavour::Random`]: any event with arguments from small pools, any recorded result.
//!
//! Ids come from a per-case pool: GUIDs written as GUIDs, undeclared names (their UUID v5),
//! declared names (an `item` or `error` line before their first use, or all at the top; now and
//! then an alias of another id or of GUID_NULL), `null`.

use std::fmt;

use proptest::collection::vec;
use proptest::prelude::*;

use super::reference::*;
use super::reference_check::{RefChecker, TraceEvent};
use super::render::{Choose, Decl, Eol, Spelling, Style, Tape, Writer, name_uuid};

/// Which kind of traces to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// Runs biased toward valid events.
    Valid,
    /// Fully random events.
    Random,
}

/// One generated trace: its configuration, its text, and its events for the reference checker.
#[derive(Clone)]
pub struct Case {
    /// Profile `compatible` (CONTRACT §7) rather than `documented`.
    pub compatible: bool,
    /// `Limits::max_items`.
    pub max_items: usize,
    /// `Limits::max_error_ids`.
    pub max_error_ids: usize,
    /// The trace as TRACE.md writes it.
    pub text: String,
    /// Its events, for the reference checker.
    pub events: Vec<TraceEvent>,
}

impl fmt::Debug for Case {
    /// The trace as a reader wants it in a failure message: configuration, then numbered lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "profile {}, max_items {}, max_error_ids {}:",
            if self.compatible {
                "compatible"
            } else {
                "documented"
            },
            self.max_items,
            self.max_error_ids
        )?;
        let text = self.text.strip_suffix('\n').unwrap_or(&self.text);
        for (i, line) in text.split('\n').enumerate() {
            writeln!(f, "{:>4} | {}", i + 1, line.escape_debug())?;
        }
        Ok(())
    }
}

/// Raw choices per line of the semantic tape.
const TAPE_LEN: usize = 16;

/// Whole traces of `flavour` with up to `max_lines` events.
pub fn cases(flavour: Flavour, max_lines: usize) -> impl Strategy<Value = Case> {
    (
        vec(any::<u32>(), 24),
        any::<u64>(),
        vec((vec(any::<u32>(), TAPE_LEN), any::<u64>()), 1..=max_lines),
    )
        .prop_map(move |(header, header_style, lines)| {
            build(flavour, &header, header_style, &lines)
        })
}

const ITEM_NAMES: [&str; 6] = ["Docs", "Mail", "Photos", "A", "b_2", "x-y"];
const ITEM_GUIDS: [Id; 6] = [
    0x6295_df27_35ee_11d1_8707_00c0_4fd9_3327,
    0x0000_0001_0000_0000_0000_0000_0000_0001,
    0x1111_1111_2222_3333_4444_5555_6666_7777,
    0xffff_ffff_ffff_ffff_ffff_ffff_ffff_ffff,
    0x0000_0000_0000_0000_0000_0000_0000_0002,
    0xa5a5_a5a5_5a5a_5a5a_0f0f_0f0f_f0f0_f0f0,
];
const ERROR_NAMES: [&str; 4] = ["E1", "Err_2", "late-3", "Z"];
const ERROR_GUIDS: [Id; 4] = [
    0xe000_0000_0000_0000_0000_0000_0000_0001,
    0xe000_0000_0000_0000_0000_0000_0000_0002,
    0x0000_0000_0000_0000_0000_0000_0000_00e4,
    0x7fff_ffff_ffff_ffff_ffff_ffff_ffff_ffe5,
];
/// A name never declared nor in a pool: an unknown id.
const STRAY_NAME: &str = "Stray";
/// A GUID in no pool: an unknown id.
const STRAY_GUID: Id = 0x0bad_0000_0000_0000_0000_0000_0000_0bad;

/// HRESULTs for random answers.
const HR_POOL: [u32; 12] = [
    S_OK,
    S_FALSE,
    E_FAIL,
    E_UNEXPECTED,
    E_NOTIMPL,
    E_INVALIDARG,
    S_SYNCMGR_RETRYSYNC,
    S_SYNCMGR_CANCELITEM,
    S_SYNCMGR_CANCELALL,
    S_SYNCMGR_MISSINGITEMS,
    S_SYNCMGR_ITEMDELETED,
    S_SYNCMGR_ENUMITEMS,
];

/// Wrong answers to record for a call.
const WRONG_POOL: [u32; 6] = [S_OK, E_FAIL, E_UNEXPECTED, E_INVALIDARG, E_NOTIMPL, S_FALSE];

/// One name slot of the pool: written by GUID only, by an undeclared name, or a declared one.
fn slot(
    t: &mut Tape<'_>,
    name: &'static str,
    guid: Id,
    other: Id,
    decl: Decl,
    other_decl: Decl,
) -> Spelling {
    match t.weighted(&[3, 3, 3]) {
        0 => Spelling {
            id: guid,
            name: None,
            decl: Decl::Undeclared,
        },
        1 => Spelling {
            id: name_uuid(name),
            name: Some(name),
            decl: Decl::Undeclared,
        },
        _ => {
            let id = match t.weighted(&[30, 2, 1]) {
                1 => other,
                2 => GUID_NULL,
                _ => guid,
            };
            let decl = if t.odds(20) { other_decl } else { decl };
            Spelling {
                id,
                name: Some(name),
                decl,
            }
        }
    }
}

/// The per-case generator state: the reference checker (for the model's state) and the id pools.
struct Gen {
    checker: RefChecker,
    compatible: bool,
    max_items: usize,
    max_error_ids: usize,
    items: Vec<Id>,
    errors: Vec<Id>,
    stray: [Id; 2],
}

/// Builds a whole case from its tapes.
fn build(flavour: Flavour, header: &[u32], header_style: u64, lines: &[(Vec<u32>, u64)]) -> Case {
    let mut t = Tape::new(header);
    let mut hs = Style::new(header_style);
    let compatible = t.odds(40);
    let (max_items, max_error_ids) = if t.odds(35) {
        (1 + t.below(4), 1 + t.below(3))
    } else {
        (DEFAULT_MAX_ITEMS, DEFAULT_MAX_ERROR_IDS)
    };
    let mut spellings = Vec::new();
    for i in 0..ITEM_NAMES.len() {
        let other = ITEM_GUIDS[(i + 1) % ITEM_GUIDS.len()];
        let s = slot(
            &mut t,
            ITEM_NAMES[i],
            ITEM_GUIDS[i],
            other,
            Decl::Item,
            Decl::Error,
        );
        spellings.push(s);
    }
    let first_error = spellings.len();
    for i in 0..ERROR_NAMES.len() {
        let other = ERROR_GUIDS[(i + 1) % ERROR_GUIDS.len()];
        let s = slot(
            &mut t,
            ERROR_NAMES[i],
            ERROR_GUIDS[i],
            other,
            Decl::Error,
            Decl::Item,
        );
        spellings.push(s);
    }
    let distinct = |list: &[Spelling]| {
        let mut ids: Vec<Id> = Vec::new();
        for s in list {
            if !ids.contains(&s.id) {
                ids.push(s.id);
            }
        }
        ids
    };
    let items = distinct(&spellings[..first_error]);
    let errors = distinct(&spellings[first_error..]);
    let stray = [name_uuid(STRAY_NAME), STRAY_GUID];
    spellings.push(Spelling {
        id: stray[0],
        name: Some(STRAY_NAME),
        decl: Decl::Undeclared,
    });
    let eol = match hs.weighted(&[6, 2, 2]) {
        1 => Eol::CrLf,
        2 => Eol::Mixed,
        _ => Eol::Lf,
    };
    let mut writer = Writer::new(spellings, eol);
    if hs.odds(30) {
        writer.declare_all(&mut hs);
    }
    let mut g = Gen {
        checker: RefChecker::new(compatible, max_items, max_error_ids),
        compatible,
        max_items,
        max_error_ids,
        items,
        errors,
        stray,
    };
    let mut events = Vec::with_capacity(lines.len());
    for (tape, seed) in lines {
        let mut t = Tape::new(tape);
        let mut style = Style::new(*seed);
        writer.filler(&mut style);
        let (ev, recorded) = match flavour {
            Flavour::Valid => g.valid(&mut t),
            Flavour::Random => g.random(&mut t),
        };
        let line = writer.event(&ev, recorded, &mut style);
        let te = TraceEvent { line, ev, recorded };
        g.checker.check_event(&te);
        events.push(te);
    }
    writer.filler(&mut hs);
    Case {
        compatible,
        max_items,
        max_error_ids,
        text: writer.finish(&mut hs),
        events,
    }
}

/// One of `(weight, value)`.
fn choose<T: Clone>(t: &mut Tape<'_>, opts: &[(u32, T)]) -> T {
    let weights: Vec<u32> = opts.iter().map(|o| o.0).collect();
    opts[t.weighted(&weights)].1.clone()
}

/// A non-empty ordered selection of distinct elements of `ids` (at most `max_len`).
fn subset(t: &mut Tape<'_>, ids: &[Id], max_len: usize) -> Vec<Id> {
    let max_len = max_len.min(ids.len()).max(1);
    let len = 1 + t.below(max_len);
    let mut left = ids.to_vec();
    let mut out = Vec::with_capacity(len);
    while out.len() < len && !left.is_empty() {
        let i = t.below(left.len());
        out.push(left.remove(i));
    }
    out
}

/// The kinds of events the valid flavour offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    Init,
    Info,
    Enum,
    Bind,
    GetObj,
    Prepare,
    PrepareRetry,
    RetPrepOk,
    RetPrepBad,
    PrepDoneEarly,
    PrepDone,
    Sync,
    RetSyncOk,
    RetSyncBad,
    SyncDone,
    Skip,
    Stop,
    Progress,
    Conn,
    ModalFalse,
    ModalTrue,
    Log,
    DelLog,
    DelLogAll,
    Props,
    RetProps,
    RetPropsOk,
    PropsDone,
    ShowErr,
    RetErr,
    RetErrOk,
    ErrDone,
}

impl Gen {
    /// The verdict the contract gives `ev` now (with no recorded result).
    fn dry(&self, ev: &Ev) -> u32 {
        let mut probe = self.checker.clone();
        probe
            .check_event(&TraceEvent {
                line: 0,
                ev: ev.clone(),
                recorded: None,
            })
            .verdict
    }

    /// A wrong answer to record where the contract answers `right`.
    fn wrong(t: &mut Tape<'_>, right: u32) -> u32 {
        let others: Vec<u32> = WRONG_POOL.iter().copied().filter(|w| *w != right).collect();
        t.pick(&others)
    }

    /// The recorded result of a call whose result is only compared: absent, right or wrong.
    fn call_record(&self, t: &mut Tape<'_>, ev: &Ev, weights: [u32; 3]) -> Option<u32> {
        let right = self.dry(ev);
        match t.weighted(&weights) {
            0 => None,
            1 => Some(right),
            _ => Some(Self::wrong(t, right)),
        }
    }

    /// The recorded result of a call with a separate return: absent (entry only) or the one-line
    /// form, with one of `hrs` when the entry is accepted, else the contract's error or a wrong one.
    fn method_record(
        &self,
        t: &mut Tape<'_>,
        ev: &Ev,
        one_line: u32,
        hrs: &[(u32, u32)],
    ) -> Option<u32> {
        let entry = self.dry(ev);
        if entry == S_OK {
            t.odds(one_line).then(|| choose(t, hrs))
        } else {
            match t.weighted(&[3, 2, 1]) {
                0 => None,
                1 => Some(entry),
                _ => Some(Self::wrong(t, entry)),
            }
        }
    }

    /// The manager's answer to record on a callback whose answer changes nothing.
    fn callback_record(t: &mut Tape<'_>) -> Option<u32> {
        match t.weighted(&[20, 1, 1]) {
            0 => None,
            1 => Some(S_OK),
            _ => Some(t.pick(&HR_POOL)),
        }
    }

    /// The recorded result of any event: the rules of TRACE.md for its kind.
    fn record_for(&self, t: &mut Tape<'_>, ev: &Ev) -> Option<u32> {
        match ev {
            Ev::Initialize { .. } => choose(
                t,
                &[
                    (6, None),
                    (3, Some(S_OK)),
                    (1, Some(S_FALSE)),
                    (1, Some(E_FAIL)),
                    (1, Some(E_INVALIDARG)),
                ],
            ),
            Ev::GetHandlerInfo { .. } | Ev::EnumSyncMgrItems { .. } => choose(
                t,
                &[
                    (4, None),
                    (2, Some(S_OK)),
                    (1, Some(S_FALSE)),
                    (1, Some(S_SYNCMGR_MISSINGITEMS)),
                    (1, Some(E_FAIL)),
                    (1, Some(E_UNEXPECTED)),
                ],
            ),
            Ev::GetItemObject { .. }
            | Ev::SetProgressCallback { .. }
            | Ev::SetItemStatus { .. } => self.call_record(t, ev, [4, 2, 1]),
            Ev::PrepareForSync { .. }
            | Ev::Synchronize
            | Ev::ShowProperties { .. }
            | Ev::ShowError { .. } => self.method_record(
                t,
                ev,
                40,
                &[
                    (6, S_OK),
                    (1, S_FALSE),
                    (1, E_FAIL),
                    (1, S_SYNCMGR_ITEMDELETED),
                ],
            ),
            Ev::Return { .. } => None,
            Ev::EnableModeless { enable: true, .. } => choose(
                t,
                &[
                    (4, None),
                    (2, Some(S_OK)),
                    (1, Some(E_FAIL)),
                    (1, Some(S_FALSE)),
                ],
            ),
            Ev::EnableModeless { enable: false, .. } => {
                let any = t.raw();
                choose(t, &[(4, None), (1, Some(any))])
            }
            Ev::Progress { .. } => choose(
                t,
                &[
                    (12, None),
                    (2, Some(S_OK)),
                    (1, Some(S_SYNCMGR_CANCELITEM)),
                    (1, Some(S_SYNCMGR_CANCELALL)),
                ],
            ),
            _ => Self::callback_record(t),
        }
    }

    /// Items the handler may name: the catalog when known, else the pool.
    fn known_items(&self, s: &Snapshot) -> Vec<Id> {
        match &s.catalog {
            Some(cat) => cat.clone(),
            None => self.items.clone(),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Valid flavour
    // -----------------------------------------------------------------------------------------

    fn valid(&mut self, t: &mut Tape<'_>) -> (Ev, Option<u32>) {
        let s = self.checker.model().snapshot();
        let picks = self.valid_picks(&s);
        let release = s.life == Life::Ready
            && matches!(s.pass, Pass::Finished(_) | Pass::Abandoned)
            && s.properties_ui == Ui::Closed
            && s.error_ui == Ui::Closed;
        let top = t.weighted(&[850, 150, if release { 4 } else { 0 }]);
        if top == 2 {
            let ev = Ev::SetProgressCallback { set: false };
            let recorded = self.call_record(t, &ev, [6, 3, 1]);
            return (ev, recorded);
        }
        if top == 1 || picks.is_empty() {
            return self.near_miss(t, &s);
        }
        let pick = choose(t, &picks);
        self.valid_event(t, &s, pick)
    }

    fn valid_picks(&self, s: &Snapshot) -> Vec<(u32, Pick)> {
        let mut v = Vec::new();
        if s.life == Life::Created {
            v.push((10, Pick::Init));
            return v;
        }
        if s.life != Life::Ready {
            return v;
        }
        v.push((if s.bound { 1 } else { 12 }, Pick::Bind));
        v.push((if s.catalog.is_none() { 6 } else { 1 }, Pick::Enum));
        v.push((1, Pick::Info));
        v.push((1, Pick::GetObj));
        if !s.bound {
            return v;
        }
        let model = self.checker.model();
        let window = model.in_reporting_window();
        match s.pass {
            Pass::Idle | Pass::Finished(_) => {
                let w = if s.pass == Pass::Idle { 14 } else { 6 };
                if !self.known_items(s).is_empty() {
                    v.push((w, Pick::Prepare));
                }
                let retry_ok = !s.retry.is_empty()
                    && s.retry.len() <= self.max_items
                    && s.retry
                        .iter()
                        .all(|r| s.catalog.as_ref().is_none_or(|c| c.contains(r)));
                if retry_ok {
                    v.push((w, Pick::PrepareRetry));
                }
            }
            Pass::Preparing => {
                v.push((10, Pick::RetPrepOk));
                v.push((1, Pick::RetPrepBad));
                v.push((5, Pick::PrepDoneEarly));
            }
            Pass::PreparingDone(_) => v.push((8, Pick::RetPrepOk)),
            Pass::AwaitPrepareCompletion => v.push((6, Pick::PrepDone)),
            Pass::Prepared => v.push((8, Pick::Sync)),
            Pass::Synchronizing => {
                v.push((5, Pick::RetSyncOk));
                v.push((1, Pick::RetSyncBad));
                v.push((3, Pick::SyncDone));
            }
            Pass::SynchronizingDone(_) => v.push((8, Pick::RetSyncOk)),
            Pass::AwaitSyncCompletion => v.push((5, Pick::SyncDone)),
            Pass::Abandoned => {}
        }
        let skip_window = s.pass == Pass::AwaitPrepareCompletion
            || s.pass == Pass::AwaitSyncCompletion
            || (self.compatible && s.pass == Pass::Prepared);
        if skip_window && !s.selection.is_empty() {
            v.push((3, Pick::Skip));
        }
        if self.compatible {
            v.push((1, Pick::Stop));
        }
        if window && !s.selection.is_empty() {
            let unfinished = s
                .selection
                .iter()
                .filter(|i| !is_final_status(i.status))
                .count() as u32;
            v.push((10 + 8 * unfinished.min(4), Pick::Progress));
            v.push((1, Pick::Conn));
        }
        if s.gate_open {
            v.push((2, Pick::ModalFalse));
        } else if window || s.properties_ui != Ui::Closed || s.error_ui != Ui::Closed {
            v.push((2, Pick::ModalTrue));
        }
        v.push((2, Pick::Log));
        if s.error_log.is_empty() {
            v.push((1, Pick::DelLogAll));
        } else {
            v.push((2, Pick::DelLog));
        }
        match s.properties_ui {
            Ui::Closed => v.push((2, Pick::Props)),
            Ui::Open => {
                v.push((2, Pick::RetProps));
                v.push((3, Pick::PropsDone));
            }
            Ui::Completed => v.push((3, Pick::RetPropsOk)),
            Ui::Returned => v.push((4, Pick::PropsDone)),
        }
        match s.error_ui {
            Ui::Closed if !s.error_log.is_empty() => v.push((3, Pick::ShowErr)),
            Ui::Closed => {}
            Ui::Open => {
                v.push((2, Pick::RetErr));
                v.push((3, Pick::ErrDone));
            }
            Ui::Completed => v.push((3, Pick::RetErrOk)),
            Ui::Returned => v.push((4, Pick::ErrDone)),
        }
        v
    }

    fn valid_event(&self, t: &mut Tape<'_>, s: &Snapshot, pick: Pick) -> (Ev, Option<u32>) {
        let ret = |method, hr| Ev::Return { method, hr };
        let sel_ids: Vec<Id> = s.selection.iter().map(|i| i.id).collect();
        let ev = match pick {
            Pick::Init => {
                let flags = t.below(0x100) as u32
                    | if t.odds(30) { 0x100 } else { 0 }
                    | if t.odds(50) { 0x200 } else { 0 };
                let ev = Ev::Initialize {
                    reserved: 0,
                    flags,
                    answer: S_OK,
                };
                let recorded = choose(
                    t,
                    &[
                        (8, None),
                        (6, Some(S_OK)),
                        (1, Some(S_FALSE)),
                        (1, Some(E_FAIL)),
                    ],
                );
                return (ev, recorded);
            }
            Pick::Info => {
                let ev = Ev::GetHandlerInfo {
                    answer: S_OK,
                    name_utf16_len: t.below(MAX_HANDLER_NAME_UNITS + 1),
                    flags: t.below(HANDLER_FLAGS_ALLOWED as usize + 1) as u32,
                };
                let recorded = choose(
                    t,
                    &[
                        (3, None),
                        (2, Some(S_OK)),
                        (1, Some(S_FALSE)),
                        (1, Some(E_FAIL)),
                    ],
                );
                return (ev, recorded);
            }
            Pick::Enum => {
                let max_len = self.max_items.min(self.items.len());
                let ids = if t.odds(10) {
                    Vec::new()
                } else {
                    subset(t, &self.items, max_len)
                };
                let ev = Ev::EnumSyncMgrItems {
                    answer: S_OK,
                    items: raw_items(&ids),
                };
                let recorded = choose(
                    t,
                    &[
                        (3, None),
                        (2, Some(S_OK)),
                        (1, Some(S_SYNCMGR_MISSINGITEMS)),
                        (1, Some(E_FAIL)),
                    ],
                );
                return (ev, recorded);
            }
            Pick::Bind => Ev::SetProgressCallback { set: true },
            Pick::GetObj => {
                let mut ids = self.known_items(s);
                ids.push(GUID_NULL);
                Ev::GetItemObject { item: t.pick(&ids) }
            }
            Pick::Prepare | Pick::PrepareRetry => {
                let items = if pick == Pick::Prepare {
                    subset(t, &self.known_items(s), self.max_items)
                } else {
                    s.retry.clone()
                };
                let reserved = if t.odds(12) { t.raw() } else { 0 };
                let ev = Ev::PrepareForSync { items, reserved };
                let recorded =
                    self.method_record(t, &ev, 35, &[(8, S_OK), (1, S_FALSE), (1, E_FAIL)]);
                return (ev, recorded);
            }
            Pick::RetPrepOk => ret(Method::PrepareForSync, S_OK),
            Pick::RetPrepBad => ret(Method::PrepareForSync, t.pick(&[S_FALSE, E_FAIL])),
            Pick::PrepDoneEarly => Ev::PrepareForSyncCompleted {
                hr: choose(t, &[(16, S_OK), (1, E_FAIL)]),
            },
            Pick::PrepDone => Ev::PrepareForSyncCompleted {
                hr: choose(t, &[(24, S_OK), (1, E_FAIL), (1, S_FALSE)]),
            },
            Pick::Sync => {
                let ev = Ev::Synchronize;
                let recorded =
                    self.method_record(t, &ev, 40, &[(6, S_OK), (1, S_FALSE), (1, E_FAIL)]);
                return (ev, recorded);
            }
            Pick::RetSyncOk => ret(Method::Synchronize, S_OK),
            Pick::RetSyncBad => ret(Method::Synchronize, t.pick(&[S_FALSE, E_FAIL])),
            Pick::SyncDone => Ev::SynchronizeCompleted {
                hr: choose(t, &[(6, S_OK), (1, E_FAIL), (1, S_FALSE)]),
            },
            Pick::Skip => Ev::SetItemStatus {
                item: t.pick(&sel_ids),
                status: STATUS_SKIPPED,
            },
            Pick::Stop => {
                let mut ids = vec![GUID_NULL];
                ids.extend(&sel_ids);
                Ev::SetItemStatus {
                    item: t.pick(&ids),
                    status: STATUS_STOPPED,
                }
            }
            Pick::Progress => self.valid_progress(t, s),
            Pick::Conn => Ev::EstablishConnection {
                has_name: t.odds(50),
                reserved: 0,
            },
            Pick::ModalFalse => Ev::EnableModeless {
                enable: false,
                answer: S_OK,
            },
            Pick::ModalTrue => Ev::EnableModeless {
                enable: true,
                answer: S_OK,
            },
            Pick::Log => self.valid_log_error(t, s),
            Pick::DelLog => Ev::DeleteLogError {
                error: t.pick(&s.error_log),
                reserved: 0,
            },
            Pick::DelLogAll => Ev::DeleteLogError {
                error: GUID_NULL,
                reserved: 0,
            },
            Pick::Props => {
                let mut ids = self.known_items(s);
                ids.insert(0, GUID_NULL);
                Ev::ShowProperties { item: t.pick(&ids) }
            }
            Pick::RetProps => ret(
                Method::ShowProperties,
                choose(t, &[(4, S_OK), (1, S_FALSE), (1, E_FAIL)]),
            ),
            Pick::RetPropsOk => ret(
                Method::ShowProperties,
                choose(t, &[(4, S_OK), (1, S_FALSE)]),
            ),
            Pick::PropsDone => Ev::ShowPropertiesCompleted {
                hr: t.pick(&[
                    S_OK,
                    S_OK,
                    S_SYNCMGR_ITEMDELETED,
                    S_SYNCMGR_ENUMITEMS,
                    E_FAIL,
                ]),
            },
            Pick::ShowErr => Ev::ShowError {
                error: t.pick(&s.error_log),
            },
            Pick::RetErr => ret(
                Method::ShowError,
                choose(t, &[(4, S_OK), (1, S_FALSE), (1, E_FAIL)]),
            ),
            Pick::RetErrOk => ret(Method::ShowError, choose(t, &[(4, S_OK), (1, S_FALSE)])),
            Pick::ErrDone => {
                let mut ids = sel_ids.clone();
                if ids.is_empty() {
                    ids = self.known_items(s);
                }
                if ids.is_empty() {
                    ids = self.items.clone();
                }
                if t.weighted(&[3, 2]) == 0 {
                    Ev::ShowErrorCompleted {
                        hr: S_SYNCMGR_RETRYSYNC,
                        items: subset(t, &ids, self.max_items),
                    }
                } else {
                    let hr = t.pick(&[S_OK, S_FALSE, E_FAIL]);
                    let n = t.below(3);
                    let items = (0..n).map(|_| t.pick(&self.items)).collect();
                    Ev::ShowErrorCompleted { hr, items }
                }
            }
        };
        let recorded = self.record_for(t, &ev);
        (ev, recorded)
    }

    /// A Progress for one item of the selection that the contract mostly accepts: statuses
    /// walking the §6 graph (now and then any status), values within the known maximum.
    fn valid_progress(&self, t: &mut Tape<'_>, s: &Snapshot) -> Ev {
        let weights: Vec<u32> = s
            .selection
            .iter()
            .map(|i| if is_final_status(i.status) { 1 } else { 4 })
            .collect();
        let item = &s.selection[t.weighted(&weights)];
        let allowed = |finals: bool| -> Vec<u32> {
            ALL_STATUSES
                .iter()
                .copied()
                .filter(|st| {
                    status_transition_allowed(item.status, *st) && is_final_status(*st) == finals
                })
                .collect()
        };
        let (active, finals) = (allowed(false), allowed(true));
        let skip_ok = item.skip_requested && status_transition_allowed(item.status, STATUS_SKIPPED);
        let kind = t.weighted(&[
            if active.is_empty() { 0 } else { 6 },
            if finals.is_empty() { 0 } else { 2 },
            if skip_ok { 4 } else { 0 },
            1,
        ]);
        let status = match kind {
            0 if !active.is_empty() => t.pick(&active),
            1 if !finals.is_empty() => t.pick(&finals),
            2 => STATUS_SKIPPED,
            _ => t.pick(&ALL_STATUSES),
        };
        let mut mask = t.below(16) as u32;
        if t.odds(70) {
            mask |= PROGRESS_STATUSTYPE;
        }
        let (a, b) = (t.below(101) as i32, t.below(101) as i32);
        let max = if mask & PROGRESS_MAXVALUE != 0 {
            item.value.unwrap_or(0) + a
        } else {
            0
        };
        let eff_max = if mask & PROGRESS_MAXVALUE != 0 {
            Some(max)
        } else {
            item.max
        };
        let value = if mask & PROGRESS_PROGVALUE != 0 {
            eff_max.map_or(b, |m| b.min(m))
        } else {
            0
        };
        Ev::Progress {
            item: item.id,
            mask,
            status,
            value,
            max,
            answer: S_OK,
        }
    }

    /// A LogError the contract mostly accepts: fresh error ids while the log has room, items the
    /// catalog or selection knows.
    fn valid_log_error(&self, t: &mut Tape<'_>, s: &Snapshot) -> Ev {
        let fresh: Vec<Id> = self
            .errors
            .iter()
            .copied()
            .filter(|e| !s.error_log.contains(e) && *e != GUID_NULL)
            .collect();
        let room = s.error_log.len() < self.max_error_ids;
        let known = s.catalog.is_some() || !s.selection.is_empty();
        let mut item_choices: Vec<Id> = s.catalog.clone().unwrap_or_default();
        for it in &s.selection {
            if !item_choices.contains(&it.id) {
                item_choices.push(it.id);
            }
        }
        if !known {
            item_choices = self.items.clone();
        }
        item_choices.retain(|i| *i != GUID_NULL);
        let level = 1 + t.below(3) as u32;
        let with_id = t.odds(if s.error_log.is_empty() { 80 } else { 50 });
        let with_item = t.odds(50);
        let with_flags = t.odds(50);
        let error_id = if fresh.is_empty() || (self.compatible && !room) {
            GUID_NULL
        } else {
            t.pick(&fresh)
        };
        let item = if item_choices.is_empty() {
            GUID_NULL
        } else {
            t.pick(&item_choices)
        };
        let mut mask = 0;
        if with_flags {
            mask |= LOG_ERRORFLAGS;
        }
        if with_id && ((room && error_id != GUID_NULL) || self.compatible) {
            mask |= LOG_ERRORID;
        }
        if with_item && item != GUID_NULL {
            mask |= LOG_ITEMID;
        }
        Ev::LogError {
            level,
            mask,
            error_flags: mask & LOG_ERRORFLAGS,
            error_id,
            item,
        }
    }

    /// Near misses: wrong window, unknown items, bad values, capacity.
    fn near_miss(&self, t: &mut Tape<'_>, s: &Snapshot) -> (Ev, Option<u32>) {
        let model = self.checker.model();
        let unknown = t.pick(&self.stray);
        let some_item = s.selection.first().map_or(self.items[0], |i| i.id);
        let ui_open = s.properties_ui != Ui::Closed || s.error_ui != Ui::Closed;
        let full = s.error_log.len() >= self.max_error_ids;
        let kind = t.weighted(&[
            1,
            1,
            2,
            2,
            2,
            1,
            1,
            1,
            1,
            1,
            2,
            1,
            1,
            1,
            1,
            1,
            2,
            2,
            1,
            if model.pass_in_progress() || ui_open {
                1
            } else {
                0
            },
            if full { 3 } else { 0 },
        ]);
        let ev = match kind {
            0 => Ev::GetItemObject {
                item: t.pick(&[GUID_NULL, some_item]),
            },
            1 => Ev::Initialize {
                reserved: t.pick(&[0, 1]),
                flags: t.pick(&[0x3, 0x400, 0x1FF]),
                answer: S_OK,
            },
            2 => Ev::SetItemStatus {
                item: t.pick(&[some_item, unknown, GUID_NULL]),
                status: t.pick(&[
                    STATUS_SKIPPED,
                    STATUS_UPDATING,
                    STATUS_SUCCEEDED,
                    9,
                    0xFFFF_FFFF,
                ]),
            },
            3 => {
                let statuses: Vec<u32> = ALL_STATUSES.iter().copied().chain([9]).collect();
                Ev::Progress {
                    item: t.pick(&[some_item, unknown]),
                    mask: t.pick(&[0x2, 0x10, 0xC, 0x4]),
                    status: t.pick(&statuses),
                    value: t.below(8) as i32 - 2,
                    max: t.below(6) as i32 - 2,
                    answer: S_OK,
                }
            }
            4 => Ev::Return {
                method: t.pick(&[
                    Method::PrepareForSync,
                    Method::Synchronize,
                    Method::ShowProperties,
                    Method::ShowError,
                ]),
                hr: t.pick(&[S_OK, S_FALSE, E_FAIL]),
            },
            5 => Ev::PrepareForSyncCompleted { hr: S_OK },
            6 => Ev::SynchronizeCompleted { hr: S_OK },
            7 => Ev::Synchronize,
            8 => Ev::ShowPropertiesCompleted { hr: S_OK },
            9 => Ev::ShowErrorCompleted {
                hr: S_SYNCMGR_RETRYSYNC,
                items: Vec::new(),
            },
            10 => Ev::LogError {
                level: t.pick(&[0, 1, 4]),
                mask: t.pick(&[0x2, 0x8, 0x6]),
                error_flags: 0,
                error_id: t.pick(&self.errors),
                item: t.pick(&[unknown, some_item, GUID_NULL]),
            },
            11 => Ev::DeleteLogError {
                error: t.pick(&[unknown, self.errors[0]]),
                reserved: t.pick(&[0, 1]),
            },
            12 => Ev::ShowError {
                error: t.pick(&[unknown, GUID_NULL]),
            },
            13 => Ev::ShowProperties { item: unknown },
            14 => Ev::EstablishConnection {
                has_name: true,
                reserved: t.pick(&[0, 7]),
            },
            15 => Ev::EnableModeless {
                enable: t.odds(50),
                answer: S_OK,
            },
            16 => {
                let over: Vec<Id> = self
                    .items
                    .iter()
                    .copied()
                    .take(self.max_items.saturating_add(1))
                    .collect();
                let items = match t.below(4) {
                    0 => Vec::new(),
                    1 => vec![some_item, some_item],
                    2 => vec![unknown],
                    _ => over,
                };
                Ev::PrepareForSync { items, reserved: 0 }
            }
            17 => {
                let over: Vec<Id> = self
                    .items
                    .iter()
                    .copied()
                    .take(self.max_items.saturating_add(1))
                    .collect();
                let ids = match t.below(3) {
                    0 => vec![self.items[0], self.items[0]],
                    1 => vec![GUID_NULL],
                    _ => over,
                };
                Ev::EnumSyncMgrItems {
                    answer: S_OK,
                    items: raw_items(&ids),
                }
            }
            18 => Ev::GetHandlerInfo {
                answer: S_OK,
                name_utf16_len: 32 + t.below(9),
                flags: 0x10 + t.below(16) as u32,
            },
            19 => Ev::SetProgressCallback { set: false },
            _ => {
                let fresh: Vec<Id> = self
                    .errors
                    .iter()
                    .copied()
                    .filter(|e| !s.error_log.contains(e))
                    .collect();
                Ev::LogError {
                    level: 2,
                    mask: LOG_ERRORID,
                    error_flags: 0,
                    error_id: if fresh.is_empty() {
                        self.stray[1]
                    } else {
                        t.pick(&fresh)
                    },
                    item: GUID_NULL,
                }
            }
        };
        let recorded = match &ev {
            Ev::GetHandlerInfo { .. } | Ev::EnumSyncMgrItems { .. } | Ev::Initialize { .. } => {
                self.call_record(t, &ev, [3, 2, 1])
            }
            _ => self.record_for(t, &ev),
        };
        (ev, recorded)
    }

    // -----------------------------------------------------------------------------------------
    // Random flavour
    // -----------------------------------------------------------------------------------------

    fn r_id(&self, t: &mut Tape<'_>) -> Id {
        match t.weighted(&[3, 3, 3, 1, 1, 1]) {
            0 => self.items[0],
            1 => self.items[1 % self.items.len()],
            2 => self.items[2 % self.items.len()],
            3 => GUID_NULL,
            4 => self.stray[0],
            _ => t.pick(&self.items),
        }
    }

    fn r_error_id(&self, t: &mut Tape<'_>) -> Id {
        match t.weighted(&[3, 3, 2, 1, 1]) {
            0 => self.errors[0],
            1 => self.errors[1 % self.errors.len()],
            2 => self.errors[2 % self.errors.len()],
            3 => GUID_NULL,
            _ => self.stray[1],
        }
    }

    fn r_ids(&self, t: &mut Tape<'_>) -> Vec<Id> {
        let n = t.below(5);
        (0..n).map(|_| self.r_id(t)).collect()
    }

    fn r_hr(t: &mut Tape<'_>) -> u32 {
        match t.weighted(&[4, 6, 1]) {
            0 => S_OK,
            1 => t.pick(&HR_POOL),
            _ => t.raw(),
        }
    }

    fn r_status(t: &mut Tape<'_>) -> u32 {
        match t.weighted(&[10, 1, 1, 1]) {
            0 => t.below(12) as u32,
            1 => STATUS_DELETED,
            2 => 0xFFFF_FFFF,
            _ => 0x8000_0000,
        }
    }

    fn r_reserved(t: &mut Tape<'_>) -> u32 {
        match t.weighted(&[5, 1, 1]) {
            0 => 0,
            1 => 1,
            _ => t.raw(),
        }
    }

    fn r_small_int(t: &mut Tape<'_>) -> i32 {
        match t.weighted(&[6, 1, 1]) {
            0 => t.below(11) as i32,
            1 => -(1 + t.below(3) as i32),
            _ => t.raw() as i32,
        }
    }

    fn random(&mut self, t: &mut Tape<'_>) -> (Ev, Option<u32>) {
        let methods = [
            Method::PrepareForSync,
            Method::Synchronize,
            Method::ShowProperties,
            Method::ShowError,
        ];
        let kind = t.weighted(&[3, 1, 2, 1, 3, 3, 2, 3, 1, 1, 4, 2, 2, 1, 1, 1, 4, 2, 1, 1]);
        let ev = match kind {
            0 => Ev::Initialize {
                reserved: Self::r_reserved(t),
                flags: if t.odds(20) {
                    t.raw()
                } else {
                    t.below(0x400) as u32
                },
                answer: S_OK,
            },
            1 => Ev::GetHandlerInfo {
                answer: S_OK,
                name_utf16_len: t.below(41),
                flags: t.below(0x20) as u32,
            },
            2 => {
                let n = t.below(5);
                let ids: Vec<Id> = (0..n).map(|_| self.r_id(t)).collect();
                Ev::EnumSyncMgrItems {
                    answer: S_OK,
                    items: raw_items(&ids),
                }
            }
            3 => Ev::GetItemObject { item: self.r_id(t) },
            4 => Ev::SetProgressCallback { set: !t.odds(7) },
            5 => Ev::PrepareForSync {
                items: self.r_ids(t),
                reserved: Self::r_reserved(t),
            },
            6 => Ev::Synchronize,
            7 => Ev::SetItemStatus {
                item: self.r_id(t),
                status: Self::r_status(t),
            },
            8 => Ev::ShowProperties { item: self.r_id(t) },
            9 => Ev::ShowError {
                error: self.r_error_id(t),
            },
            10 => Ev::Return {
                method: t.pick(&methods),
                hr: Self::r_hr(t),
            },
            11 => Ev::PrepareForSyncCompleted { hr: Self::r_hr(t) },
            12 => Ev::SynchronizeCompleted { hr: Self::r_hr(t) },
            13 => Ev::ShowPropertiesCompleted { hr: Self::r_hr(t) },
            14 => Ev::ShowErrorCompleted {
                hr: Self::r_hr(t),
                items: self.r_ids(t),
            },
            15 => Ev::EnableModeless {
                enable: t.odds(50),
                answer: S_OK,
            },
            16 => Ev::Progress {
                item: self.r_id(t),
                mask: t.below(0x20) as u32,
                status: Self::r_status(t),
                value: Self::r_small_int(t),
                max: Self::r_small_int(t),
                answer: S_OK,
            },
            17 => {
                let mask = t.below(0x10) as u32;
                Ev::LogError {
                    level: t.below(5) as u32,
                    mask,
                    error_flags: mask & LOG_ERRORFLAGS,
                    error_id: self.r_error_id(t),
                    item: self.r_id(t),
                }
            }
            18 => Ev::DeleteLogError {
                error: self.r_error_id(t),
                reserved: Self::r_reserved(t),
            },
            _ => Ev::EstablishConnection {
                has_name: t.odds(50),
                reserved: Self::r_reserved(t),
            },
        };
        let recorded = match &ev {
            Ev::Initialize { .. } | Ev::GetHandlerInfo { .. } | Ev::EnumSyncMgrItems { .. } => {
                match t.weighted(&[2, 1, 1]) {
                    0 => None,
                    1 => Some(self.dry(&ev)),
                    _ => Some(Self::r_hr(t)),
                }
            }
            Ev::PrepareForSync { .. }
            | Ev::Synchronize
            | Ev::ShowProperties { .. }
            | Ev::ShowError { .. } => match t.weighted(&[2, 1, 1]) {
                0 => None,
                1 => Some(self.dry(&ev)),
                _ => Some(Self::r_hr(t)),
            },
            Ev::EnableModeless { .. } => match t.weighted(&[2, 1]) {
                0 => None,
                _ => Some(Self::r_hr(t)),
            },
            _ => self.record_for(t, &ev),
        };
        (ev, recorded)
    }
}

/// Enumerated items as a v1 trace carries them: ids only (no attributes to check).
fn raw_items(ids: &[Id]) -> Vec<RawItem> {
    ids.iter()
        .map(|id| RawItem {
            id: *id,
            name_utf16_len: 0,
            flags: 0,
            state: 0,
        })
        .collect()
}

/// A case written plainly (ids as GUIDs, one space between tokens) from given events.
pub fn plain_case(
    compatible: bool,
    max_items: usize,
    max_error_ids: usize,
    events: &[(Ev, Option<u32>)],
) -> Case {
    let mut writer = Writer::new(Vec::new(), Eol::Lf);
    let mut plain = Style::new(0);
    let events = events
        .iter()
        .map(|(ev, recorded)| TraceEvent {
            line: writer.event(ev, *recorded, &mut plain),
            ev: ev.clone(),
            recorded: *recorded,
        })
        .collect();
    Case {
        compatible,
        max_items,
        max_error_ids,
        text: writer.finish(&mut plain),
        events,
    }
}
