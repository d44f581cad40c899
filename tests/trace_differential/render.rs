//! Writing traces: TRACE.md's lexical forms (numbers, HRESULTs, statuses, flags, GUIDs, names,
//! strings, blanks, comments, line ends) and whole event lines written from model events. Every
//! form is chosen by a [`Choose`], whose 0 is always the plainest form, so that a shrunk case
//! reads plainly. Everything written here is valid syntax: the differential test is about
//! verdicts, not parse errors.

use super::reference::{
    Ev, GUID_NULL, Id, LOG_ERRORFLAGS, LOG_ERRORID, LOG_ITEMID, LOG_MASK_ALLOWED, Method,
    PROGRESS_MASK_ALLOWED, PROGRESS_MAXVALUE, PROGRESS_PROGVALUE, PROGRESS_STATUSTEXT,
    PROGRESS_STATUSTYPE,
};

/// A source of choices. A raw value of 0 always picks the plainest option.
pub trait Choose {
    /// The next raw choice.
    fn raw(&mut self) -> u32;

    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        let r = self.raw() as usize;
        if n == 0 { 0 } else { r % n }
    }

    /// True with `percent` per cent; false for a raw 0 (unless `percent` is 100).
    fn odds(&mut self, percent: u32) -> bool {
        self.raw() % 100 >= 100 - percent.min(100)
    }

    /// An index into `weights`, each index with its weight's share; a raw 0 picks index 0.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        if total == 0 {
            return 0;
        }
        let mut r = self.raw() % total;
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// One of `xs` (which must not be empty).
    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }
}

/// Choices read from a tape of raw values (past its end: 0, the plainest choice).
pub struct Tape<'a> {
    vals: &'a [u32],
    pos: usize,
}

impl<'a> Tape<'a> {
    /// A tape over `vals`.
    pub fn new(vals: &'a [u32]) -> Self {
        Tape { vals, pos: 0 }
    }
}

impl Choose for Tape<'_> {
    fn raw(&mut self) -> u32 {
        let v = self.vals.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        v
    }
}

/// Choices from a seeded xorshift generator; the seed 0 always answers 0 (the plainest text).
pub struct Style {
    state: u64,
}

impl Style {
    /// A style from `seed`.
    pub fn new(seed: u64) -> Self {
        Style { state: seed }
    }
}

impl Choose for Style {
    fn raw(&mut self) -> u32 {
        if self.state == 0 {
            return 0;
        }
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state >> 32) as u32
    }
}

/// The HRESULT names of CONTRACT §2.3.
pub const HR_NAMES: [(&str, u32); 17] = [
    ("S_OK", 0x0000_0000),
    ("S_FALSE", 0x0000_0001),
    ("S_SYNCMGR_MISSINGITEMS", 0x0004_0201),
    ("S_SYNCMGR_RETRYSYNC", 0x0004_0202),
    ("S_SYNCMGR_CANCELITEM", 0x0004_0203),
    ("S_SYNCMGR_CANCELALL", 0x0004_0204),
    ("S_SYNCMGR_ITEMDELETED", 0x0004_0210),
    ("S_SYNCMGR_ENUMITEMS", 0x0004_0211),
    ("E_NOTIMPL", 0x8000_4001),
    ("E_NOINTERFACE", 0x8000_4002),
    ("E_POINTER", 0x8000_4003),
    ("E_FAIL", 0x8000_4005),
    ("E_PENDING", 0x8000_000A),
    ("E_UNEXPECTED", 0x8000_FFFF),
    ("E_ACCESSDENIED", 0x8007_0005),
    ("E_OUTOFMEMORY", 0x8007_000E),
    ("E_INVALIDARG", 0x8007_0057),
];

/// The status words of TRACE.md's STATUS.
const STATUS_NAMES: [(&str, u32); 10] = [
    ("STOPPED", 0x0),
    ("SKIPPED", 0x1),
    ("PENDING", 0x2),
    ("UPDATING", 0x3),
    ("SUCCEEDED", 0x4),
    ("FAILED", 0x5),
    ("PAUSED", 0x6),
    ("RESUMING", 0x7),
    ("UPDATING_INDETERMINATE", 0x8),
    ("DELETED", 0x100),
];

/// The SYNCMGRFLAG event words, values 1 to 6.
const EVENT_FLAG_NAMES: [&str; 6] = [
    "CONNECT",
    "PENDINGDISCONNECT",
    "MANUAL",
    "IDLE",
    "INVOKE",
    "SCHEDULED",
];

/// An HR: its name, or `0x` and 1 to 8 hex digits.
pub fn hr_text(hr: u32, c: &mut impl Choose) -> String {
    let name = HR_NAMES.iter().find(|(_, v)| *v == hr).map(|(n, _)| *n);
    match (name, c.weighted(&[8, 1, 1, 1])) {
        (Some(n), 0) => n.to_string(),
        (_, 2) => format!("0x{hr:08X}"),
        (_, 3) => format!("0x{hr:X}"),
        _ => format!("0x{hr:x}"),
    }
}

/// A non-negative N: decimal, `+` decimal or hex.
fn unsigned_text(v: u32, c: &mut impl Choose) -> String {
    match c.weighted(&[6, 1, 2, 1, 1]) {
        1 => format!("+{v}"),
        2 => format!("0x{v:x}"),
        3 => format!("0x{v:08X}"),
        4 => format!("+0x{v:X}"),
        _ => format!("{v}"),
    }
}

/// An N for a DWORD field: negatives wrap as C converts them (`-1` is 0xFFFFFFFF).
pub fn dword_text(v: u32, c: &mut impl Choose) -> String {
    if v == 0 && c.odds(5) {
        return "-0".to_string();
    }
    if v >= 0x8000_0000 && c.odds(35) {
        let neg = (1u64 << 32) - u64::from(v);
        return if c.odds(30) {
            format!("-0x{neg:x}")
        } else {
            format!("-{neg}")
        };
    }
    unsigned_text(v, c)
}

/// An N for an int field: values above 2^31-1 wrap (`0xFFFFFFFF` is -1).
pub fn int_text(v: i32, c: &mut impl Choose) -> String {
    if v >= 0 {
        return unsigned_text(v as u32, c);
    }
    match c.weighted(&[4, 1, 1]) {
        1 => format!("0x{:x}", v as u32),
        2 => format!("{}", v as u32),
        _ => format!("-{}", i64::from(v).unsigned_abs()),
    }
}

/// A STATUS: its word when it has one, else a number.
pub fn status_text(status: u32, c: &mut impl Choose) -> String {
    match STATUS_NAMES.iter().find(|(_, v)| *v == status) {
        Some((name, _)) if !c.odds(10) => (*name).to_string(),
        _ => dword_text(status, c),
    }
}

/// A LEVEL: its word for 1 to 3, else a number.
fn level_text(level: u32, c: &mut impl Choose) -> String {
    match level {
        1 if !c.odds(10) => "INFORMATION".to_string(),
        2 if !c.odds(10) => "WARNING".to_string(),
        3 if !c.odds(10) => "ERROR".to_string(),
        _ => dword_text(level, c),
    }
}

/// Initialize's FLAGS: words and numbers joined by `|`, their bitwise OR being `flags`.
fn flags_text(flags: u32, c: &mut impl Choose) -> String {
    if c.odds(12) {
        return dword_text(flags, c);
    }
    let mut parts: Vec<String> = Vec::new();
    let event = flags & 0xFF;
    match event {
        // Two event words whose OR is the event byte (C's `|`, as in the header).
        3 if c.odds(15) => parts.extend(["CONNECT".into(), "PENDINGDISCONNECT".into()]),
        5 if c.odds(15) => parts.extend(["CONNECT".into(), "IDLE".into()]),
        7 if c.odds(40) => parts.extend(["MANUAL".into(), "IDLE".into()]),
        1..=6 => parts.push(EVENT_FLAG_NAMES[event as usize - 1].to_string()),
        0 => {}
        _ => parts.push(unsigned_text(event, c)),
    }
    if flags & 0x100 != 0 {
        parts.push(if c.odds(10) {
            "0x100".into()
        } else {
            "SETTINGS".into()
        });
    }
    if flags & 0x200 != 0 {
        parts.push(if c.odds(10) {
            "512".into()
        } else {
            "MAYBOTHERUSER".into()
        });
    }
    let rest = flags & !0x3FF;
    if rest != 0 {
        parts.push(unsigned_text(rest, c));
    }
    if parts.is_empty() {
        parts.push("0".into());
    }
    if c.odds(20) {
        parts.reverse();
    }
    parts.join("|")
}

/// A GUID in 8-4-4-4-12 form, either case (mixed now and then), with or without braces.
pub fn guid_text(id: Id, c: &mut impl Choose) -> String {
    let plain = format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        id >> 96,
        (id >> 80) & 0xFFFF,
        (id >> 64) & 0xFFFF,
        (id >> 48) & 0xFFFF,
        id & 0xFFFF_FFFF_FFFF
    );
    let cased: String = match c.weighted(&[4, 3, 1]) {
        1 => plain.to_uppercase(),
        2 => plain
            .chars()
            .map(|ch| {
                if c.odds(50) {
                    ch.to_ascii_uppercase()
                } else {
                    ch
                }
            })
            .collect(),
        _ => plain,
    };
    if c.odds(40) {
        format!("{{{cased}}}")
    } else {
        cased
    }
}

/// A quoted string holding exactly `units` UTF-16 units, with escapes, `#`, `=>` and non-ASCII.
pub fn string_with_units(units: usize, c: &mut impl Choose) -> String {
    const ONE_UNIT: [&str; 12] = [
        "a", "Z", " ", "#", "\\\"", "\\\\", "é", "€", "=", ">", "7", "ü",
    ];
    let mut out = String::from("\"");
    let mut left = units;
    while left > 0 {
        if left >= 2 && c.odds(10) {
            out.push('😀');
            left -= 2;
        } else {
            out.push_str(c.pick(&ONE_UNIT));
            left -= 1;
        }
    }
    out.push('"');
    out
}

/// A quoted string of up to `max_units` UTF-16 units.
pub fn any_string(max_units: usize, c: &mut impl Choose) -> String {
    let units = c.below(max_units + 1);
    string_with_units(units, c)
}

/// A blank between tokens: mostly one space, now and then more, or tabs.
fn separator(c: &mut impl Choose) -> &'static str {
    match c.weighted(&[12, 1, 1, 1]) {
        1 => "  ",
        2 => "\t",
        3 => " \t",
        _ => " ",
    }
}

/// How a name is declared (`item` and `error` share one table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decl {
    /// Not declared: the name stands for its UUID v5.
    Undeclared,
    /// Declared with `item NAME GUID`.
    Item,
    /// Declared with `error NAME GUID`.
    Error,
}

/// One way to write an id: by a name (declared or not), or by its GUID only.
#[derive(Clone, Debug)]
pub struct Spelling {
    /// The id it stands for.
    pub id: Id,
    /// The name, if the id is written by name.
    pub name: Option<&'static str>,
    /// How the name is declared.
    pub decl: Decl,
}

/// The line ends of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eol {
    Lf,
    CrLf,
    /// LF or CRLF, line by line.
    Mixed,
}

/// A trace being written, line by line.
pub struct Writer {
    text: String,
    lines: usize,
    eol: Eol,
    spellings: Vec<Spelling>,
    declared: Vec<&'static str>,
    pending: Vec<(&'static str, Decl, Id)>,
}

/// The tokens of one event line.
struct Tokens {
    word: &'static str,
    positionals: Vec<String>,
    options: Vec<String>,
}

impl Writer {
    /// An empty trace whose ids are written with `spellings`.
    pub fn new(spellings: Vec<Spelling>, eol: Eol) -> Self {
        Writer {
            text: String::new(),
            lines: 0,
            eol,
            spellings,
            declared: Vec::new(),
            pending: Vec::new(),
        }
    }

    fn push_line(&mut self, body: &str, c: &mut impl Choose) {
        self.text.push_str(body);
        let crlf = match self.eol {
            Eol::Lf => false,
            Eol::CrLf => true,
            Eol::Mixed => c.odds(50),
        };
        self.text.push_str(if crlf { "\r\n" } else { "\n" });
        self.lines += 1;
    }

    /// A comment's text (anything but a line end).
    fn comment(c: &mut impl Choose) -> String {
        const TEXTS: [&str; 5] = [
            "# note",
            "#",
            "# \"quoted\" => S_OK",
            "#Progress A status=FAILED",
            "# é 😀 \t tab",
        ];
        c.pick(&TEXTS).to_string()
    }

    /// Blank lines and comment lines, now and then.
    pub fn filler(&mut self, c: &mut impl Choose) {
        while c.odds(6) {
            let body = match c.below(4) {
                0 => String::new(),
                1 => " \t ".to_string(),
                2 => Self::comment(c),
                _ => format!("\t {}", Self::comment(c)),
            };
            self.push_line(&body, c);
        }
    }

    /// Declares every declared name at once (as a trace's header would).
    pub fn declare_all(&mut self, c: &mut impl Choose) {
        let names: Vec<(&'static str, Decl, Id)> = self
            .spellings
            .iter()
            .filter_map(|s| match (s.name, s.decl) {
                (Some(n), Decl::Item | Decl::Error) => Some((n, s.decl, s.id)),
                _ => None,
            })
            .collect();
        for (name, decl, id) in names {
            self.declare(name, decl, id, c);
        }
    }

    fn declare(&mut self, name: &'static str, decl: Decl, id: Id, c: &mut impl Choose) {
        if self.declared.contains(&name) {
            return;
        }
        self.declared.push(name);
        let word = if decl == Decl::Error { "error" } else { "item" };
        let guid = guid_text(id, c);
        let sep = if c.odds(10) { "\t" } else { " " };
        let tail = if c.odds(10) {
            format!(" {}", Self::comment(c))
        } else {
            String::new()
        };
        self.push_line(&format!("{word}{sep}{name} {guid}{tail}"), c);
    }

    /// An ID: a name standing for it (declaring it first if needed), its GUID, or `null`.
    fn id(&mut self, id: Id, c: &mut impl Choose) -> String {
        let names: Vec<(&'static str, Decl)> = self
            .spellings
            .iter()
            .filter(|s| s.id == id)
            .filter_map(|s| s.name.map(|n| (n, s.decl)))
            .collect();
        let forms = names.len() + 1 + usize::from(id == GUID_NULL);
        let pick = c.below(forms);
        if id == GUID_NULL && pick == 0 {
            return "null".to_string();
        }
        let pick = pick - usize::from(id == GUID_NULL);
        match names.get(pick) {
            Some((name, decl)) => {
                if *decl != Decl::Undeclared && !self.declared.contains(name) {
                    self.pending.push((name, *decl, id));
                }
                (*name).to_string()
            }
            None => guid_text(id, c),
        }
    }

    fn ids(&mut self, ids: &[Id], c: &mut impl Choose) -> Vec<String> {
        ids.iter().map(|id| self.id(*id, c)).collect()
    }

    /// `key=value` for a DWORD option, written when not 0 (and now and then when 0).
    fn reserved(key: &str, v: u32, options: &mut Vec<String>, c: &mut impl Choose) {
        if v != 0 || c.odds(15) {
            options.push(format!("{key}={}", dword_text(v, c)));
        }
    }

    fn tokens(&mut self, ev: &Ev, c: &mut impl Choose) -> Tokens {
        let mut positionals = Vec::new();
        let mut options = Vec::new();
        let word = match ev {
            Ev::Initialize {
                reserved, flags, ..
            } => {
                positionals.push(flags_text(*flags, c));
                if c.odds(20) {
                    let bytes = c.below(6);
                    let hex: String = (0..bytes)
                        .map(|_| {
                            let b = c.below(256);
                            if c.odds(30) {
                                format!("{b:02X}")
                            } else {
                                format!("{b:02x}")
                            }
                        })
                        .collect();
                    options.push(format!("cookie={hex}"));
                }
                Self::reserved("reserved", *reserved, &mut options, c);
                "Initialize"
            }
            Ev::GetHandlerInfo {
                name_utf16_len,
                flags,
                ..
            } => {
                if *name_utf16_len > 0 || c.odds(20) {
                    options.push(format!("name={}", string_with_units(*name_utf16_len, c)));
                }
                Self::reserved("flags", *flags, &mut options, c);
                "GetHandlerInfo"
            }
            Ev::EnumSyncMgrItems { items, .. } => {
                let ids: Vec<Id> = items.iter().map(|i| i.id).collect();
                positionals = self.ids(&ids, c);
                "EnumSyncMgrItems"
            }
            Ev::GetItemObject { item } => {
                positionals.push(self.id(*item, c));
                "GetItemObject"
            }
            Ev::SetProgressCallback { set } => {
                positionals.push(if *set { "set" } else { "null" }.to_string());
                "SetProgressCallback"
            }
            Ev::PrepareForSync { items, reserved } => {
                positionals = self.ids(items, c);
                Self::reserved("reserved", *reserved, &mut options, c);
                "PrepareForSync"
            }
            Ev::Synchronize => "Synchronize",
            Ev::SetItemStatus { item, status } => {
                positionals.push(self.id(*item, c));
                positionals.push(status_text(*status, c));
                "SetItemStatus"
            }
            Ev::ShowProperties { item } => {
                positionals.push(self.id(*item, c));
                "ShowProperties"
            }
            Ev::ShowError { error } => {
                positionals.push(self.id(*error, c));
                "ShowError"
            }
            Ev::Return { method, hr } => {
                positionals.push(
                    match method {
                        Method::PrepareForSync => "PrepareForSync",
                        Method::Synchronize => "Synchronize",
                        Method::ShowProperties => "ShowProperties",
                        Method::ShowError => "ShowError",
                    }
                    .to_string(),
                );
                positionals.push(hr_text(*hr, c));
                "return"
            }
            Ev::PrepareForSyncCompleted { hr } => {
                positionals.push(hr_text(*hr, c));
                "PrepareForSyncCompleted"
            }
            Ev::SynchronizeCompleted { hr } => {
                positionals.push(hr_text(*hr, c));
                "SynchronizeCompleted"
            }
            Ev::ShowPropertiesCompleted { hr } => {
                positionals.push(hr_text(*hr, c));
                "ShowPropertiesCompleted"
            }
            Ev::ShowErrorCompleted { hr, items } => {
                positionals.push(hr_text(*hr, c));
                positionals.extend(self.ids(items, c));
                "ShowErrorCompleted"
            }
            Ev::EnableModeless { enable, .. } => {
                positionals.push(if *enable { "true" } else { "false" }.to_string());
                "EnableModeless"
            }
            Ev::Progress {
                item,
                mask,
                status,
                value,
                max,
                ..
            } => {
                positionals.push(self.id(*item, c));
                // `mask=` is needed for bits that name no field; otherwise the keys present
                // make the mask, and an explicit mask may carry keys whose bit is clear.
                let explicit = mask & !PROGRESS_MASK_ALLOWED != 0 || c.odds(15);
                let has_text = mask & PROGRESS_STATUSTEXT != 0 || (explicit && c.odds(25));
                let has_status = mask & PROGRESS_STATUSTYPE != 0 || (explicit && c.odds(25));
                let has_value = mask & PROGRESS_PROGVALUE != 0 || (explicit && c.odds(25));
                let has_max = mask & PROGRESS_MAXVALUE != 0 || (explicit && c.odds(25));
                if has_text {
                    options.push(format!("text={}", any_string(12, c)));
                }
                if has_status {
                    options.push(format!("status={}", status_text(*status, c)));
                }
                if has_value {
                    options.push(format!("value={}", int_text(*value, c)));
                }
                if has_max {
                    options.push(format!("max={}", int_text(*max, c)));
                }
                if explicit {
                    options.push(format!("mask={}", dword_text(*mask, c)));
                }
                "Progress"
            }
            Ev::LogError {
                level,
                mask,
                error_id,
                item,
                ..
            } => {
                positionals.push(level_text(*level, c));
                positionals.push(any_string(16, c));
                let explicit = mask & !LOG_MASK_ALLOWED != 0 || c.odds(15);
                if mask & LOG_ERRORID != 0 || (explicit && c.odds(25)) {
                    let e = self.id(*error_id, c);
                    options.push(format!("error={e}"));
                }
                if mask & LOG_ITEMID != 0 || (explicit && c.odds(25)) {
                    let i = self.id(*item, c);
                    options.push(format!("item={i}"));
                }
                if mask & LOG_ERRORFLAGS != 0 || (explicit && c.odds(25)) {
                    options.push("jump".to_string());
                }
                if explicit {
                    options.push(format!("mask={}", dword_text(*mask, c)));
                }
                "LogError"
            }
            Ev::DeleteLogError { error, reserved } => {
                positionals.push(self.id(*error, c));
                Self::reserved("reserved", *reserved, &mut options, c);
                "DeleteLogError"
            }
            Ev::EstablishConnection { has_name, reserved } => {
                if *has_name {
                    positionals.push(any_string(20, c));
                }
                Self::reserved("reserved", *reserved, &mut options, c);
                "EstablishConnection"
            }
        };
        // Options come in any order after the positionals.
        for i in (1..options.len()).rev() {
            let j = c.below(i + 1);
            options.swap(i, j);
        }
        Tokens {
            word,
            positionals,
            options,
        }
    }

    /// Writes one event line (after the declarations its names need); its line number.
    pub fn event(&mut self, ev: &Ev, recorded: Option<u32>, c: &mut impl Choose) -> usize {
        let tokens = self.tokens(ev, c);
        let arrow = recorded.map(|hr| hr_text(hr, c));
        for (name, decl, id) in std::mem::take(&mut self.pending) {
            self.declare(name, decl, id, c);
        }
        let mut line = String::new();
        if c.odds(8) {
            line.push_str(separator(c));
        }
        line.push_str(tokens.word);
        for t in tokens.positionals.iter().chain(&tokens.options) {
            line.push_str(separator(c));
            line.push_str(t);
        }
        // A glued `=>` or comment only after a token that cannot run into it.
        let glue_ok = |line: &str| {
            line.chars()
                .last()
                .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '}' || ch == '"')
        };
        if let Some(hr) = arrow {
            let before = if glue_ok(&line) && c.odds(15) {
                ""
            } else {
                separator(c)
            };
            let after = if c.odds(15) { "" } else { separator(c) };
            line.push_str(before);
            line.push_str("=>");
            line.push_str(after);
            line.push_str(&hr);
        }
        if c.odds(10) {
            let gap = if glue_ok(&line) && c.odds(20) {
                ""
            } else {
                separator(c)
            };
            line.push_str(gap);
            line.push_str(&Self::comment(c));
        } else if c.odds(5) {
            line.push_str(separator(c));
        }
        self.push_line(&line, c);
        self.lines
    }

    /// The trace's text (now and then without a line end after its last line).
    pub fn finish(mut self, c: &mut impl Choose) -> String {
        if c.odds(10) {
            while self.text.ends_with('\n') || self.text.ends_with('\r') {
                self.text.pop();
            }
        }
        self.text
    }
}

/// The UUID v5 a name stands for when it is not declared (TRACE.md "Aliases").
pub fn name_uuid(name: &str) -> Id {
    const NAMESPACE: u128 = 0x6295_df40_35ee_11d1_8707_00c0_4fd9_3327;
    uuid::Uuid::new_v5(&uuid::Uuid::from_u128(NAMESPACE), name.as_bytes()).as_u128()
}
