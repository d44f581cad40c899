//! The tracing proxy: [`TracingProxy`] stands between a manager and any `ISyncMgrSynchronize`
//! (one this crate did not write: C++, .NET, plain windows-rs) and writes the run as TRACE.md
//! lines to a [`TraceLog`], for `mobsync check`.
//!
//! It forwards every call to the handler and every callback to the manager unchanged — the same
//! arguments, the same answer, on the same thread — and only writes lines. It wraps the
//! manager's callback in one of its own, so the handler's callbacks are traced from whatever
//! thread makes them, in the order they happen: a completion the handler makes before its
//! method returns is written before that method's `return` line, as the contract allows.
//!
//! # Line forms
//!
//! A call the contract accepts is written as it happens: PrepareForSync, Synchronize,
//! ShowProperties and ShowError as their entry and, when they return, a `return METHOD HR`
//! line; the others as one line with the handler's answer (`=> HR`). A call the contract refuses
//! at entry is one line with `=> HR` (TRACE.md: "a trace writer logs a rejected call as one
//! line"). To tell which, the log runs the contract's engine over the events it writes; it is
//! the reason the proxy never needs to guess, and it never changes what is forwarded.
//!
//! A line whose answer is not known yet (a call still inside the handler) holds back the lines
//! after it, so the log's order is the order in which events began.
//!
//! Items and error ids are written by name, as the simulator writes them
//! ([`mobsync::sim::TraceNames`]: the names the handler enumerated, made valid and unique),
//! each declared on the line before its first use. A line that waited for its answer while later
//! lines were written keeps its GUIDs: a declaration may have come after its place.
//!
//! What the binary boundary itself breaks (a NULL pointer, a wrong `cbSize`, an unterminated
//! string) is not an event: it is written as a `# boundary …` comment, which `mobsync check`
//! ignores, and the call is forwarded anyway.
//!
//! # Standing in for a real handler
//!
//! On Windows, `TracingProxy::from_clsid` creates the real handler with `CoCreateInstance`;
//! a proxy DLL (`dll!` with a `create` that wraps it, registered under a CLSID of its own with
//! [`crate::register::Registration`]) is registered in place of the real handler's entry under
//! the manager's `Handlers` key. The crate documentation's "Check a handler you did not write"
//! walks through it.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use mobsync::sim::TraceNames;
use mobsync::trace::EventLine;
use mobsync::{Config, Event, HResult, Instance};

use crate::foreign::Findings;

mod callback;
mod handler;

pub use handler::TracingProxy;

/// Where a [`TracingProxy`] writes its lines: a writer (a file, a pipe) or memory, shared by the
/// proxy, its callback wrapper and every thread they are called on.
///
/// ```
/// use mobsync_com::TraceLog;
///
/// let log = TraceLog::in_memory();
/// log.comment("a run of the mail handler");
/// assert_eq!(
///     log.text(),
///     "# traced by mobsync-com's TracingProxy (trace format v1)\n# a run of the mail handler\n"
/// );
/// ```
pub struct TraceLog {
    state: Mutex<LogState>,
}

impl core::fmt::Debug for TraceLog {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TraceLog").finish_non_exhaustive()
    }
}

struct LogState {
    /// The contract's engine over the events written: it decides how a call is written.
    engine: Instance,
    /// The names ids are written with (the simulator's rules: `mobsync::sim::TraceNames`).
    names: TraceNames,
    /// Lines not written yet: `None` is a line whose answer is not known yet.
    pending: VecDeque<Option<String>>,
    /// The id of `pending`'s front.
    first: u64,
    out: Option<Box<dyn Write + Send>>,
    /// Everything written (kept for [`TraceLog::text`]).
    text: String,
    /// The writer failed: nothing more is written to it (the run goes on).
    failed: bool,
}

/// The first line of every log.
const HEADER: &str = "traced by mobsync-com's TracingProxy (trace format v1)";

/// A line whose answer is not known yet.
#[derive(Clone, Copy, Debug)]
struct Slot(u64);

impl TraceLog {
    /// A log that writes each line to `out` as soon as the lines before it are complete (and
    /// keeps them for [`TraceLog::text`]). A write error stops the writing, never the run.
    pub fn new(out: impl Write + Send + 'static) -> Arc<Self> {
        Self::build(Some(Box::new(out)), Config::default())
    }

    /// A log kept in memory only: read it with [`TraceLog::text`].
    #[must_use]
    pub fn in_memory() -> Arc<Self> {
        Self::build(None, Config::default())
    }

    /// As [`TraceLog::new`], deciding line forms with this profile (see the module
    /// documentation); the default is the documented profile.
    pub fn with_config(out: impl Write + Send + 'static, config: Config) -> Arc<Self> {
        Self::build(Some(Box::new(out)), config)
    }

    fn build(out: Option<Box<dyn Write + Send>>, config: Config) -> Arc<Self> {
        let log = Arc::new(Self {
            state: Mutex::new(LogState {
                engine: Instance::with_config(config),
                names: TraceNames::default(),
                pending: VecDeque::new(),
                first: 0,
                out,
                text: String::new(),
                failed: false,
            }),
        });
        log.comment(HEADER);
        log
    }

    /// Every line written so far, each ended by LF (the lines after one whose answer is not
    /// known yet are not there yet).
    #[must_use]
    pub fn text(&self) -> String {
        self.lock().text.clone()
    }

    /// Writes `# text`, one comment line per line of `text`.
    pub fn comment(&self, text: &str) {
        let mut state = self.lock();
        for line in text.lines() {
            state.push(format!("# {line}"));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl LogState {
    fn push(&mut self, line: String) {
        self.pending.push_back(Some(line));
        self.flush();
    }

    fn reserve(&mut self) -> Slot {
        self.pending.push_back(None);
        Slot(self.first + self.pending.len() as u64 - 1)
    }

    fn fill(&mut self, slot: Slot, line: String) {
        if let Some(entry) = usize::try_from(slot.0 - self.first)
            .ok()
            .and_then(|index| self.pending.get_mut(index))
        {
            *entry = Some(line);
        }
        self.flush();
    }

    fn flush(&mut self) {
        while let Some(Some(_)) = self.pending.front() {
            let Some(Some(line)) = self.pending.pop_front() else {
                break;
            };
            self.first += 1;
            self.text.push_str(&line);
            self.text.push('\n');
            if let Some(out) = &mut self.out
                && !self.failed
                && writeln!(out, "{line}").and_then(|()| out.flush()).is_err()
            {
                self.failed = true;
            }
        }
    }

    /// Writes `event` (taken by the engine) with its string and answer, after the lines already
    /// reserved.
    fn event(&mut self, event: &Event<'_>, text: Option<&str>, recorded: Option<HResult>) {
        let _ = self.engine.handle(event);
        let named = self.pending.is_empty();
        let line = self.render(event, text, recorded, named);
        self.push(line);
    }

    /// Writes `event` (taken by the engine) on the line reserved for it.
    fn fill_event(
        &mut self,
        slot: Slot,
        event: &Event<'_>,
        text: Option<&str>,
        recorded: Option<HResult>,
    ) {
        let _ = self.engine.handle(event);
        let named = slot.0 == self.first;
        let line = self.render(event, text, recorded, named);
        self.fill(slot, line);
    }

    /// `event`'s line. Ids are written by name (TRACE.md declarations, declared on the lines
    /// just before) only when the line is written at once — `named`: no line before it is still
    /// waiting for its answer. A line written later could come before a declaration made
    /// meanwhile, so it keeps its GUIDs, which read the same.
    fn render(
        &mut self,
        event: &Event<'_>,
        text: Option<&str>,
        recorded: Option<HResult>,
        named: bool,
    ) -> String {
        if !named {
            return line(event, text, recorded, None);
        }
        let mut lines = Vec::new();
        self.names.declare(event, &mut lines);
        lines.push(line(event, text, recorded, Some(&self.names)));
        lines.join("\n")
    }

    fn boundary(&mut self, findings: Findings) {
        for found in findings.0 {
            self.push(format!("# boundary {}", found.message));
        }
    }
}

fn line(
    event: &Event<'_>,
    text: Option<&str>,
    recorded: Option<HResult>,
    names: Option<&TraceNames>,
) -> String {
    let line = EventLine::with(*event, text, recorded);
    let line = match names {
        Some(names) => line.names(names),
        None => line,
    };
    line.to_string()
}

/// An interface pointer the proxy holds and calls on whatever thread it is itself called on.
struct Passed<T>(T);

// SAFETY: windows-core's interface types are neither Send nor Sync because a COM pointer is
// bound to its apartment. The proxy is transparent: it calls the handler (or the manager's
// callback) on the very thread its own caller called it on, so every call reaches the object
// from the thread it would have come from without the proxy; the proxy itself adds no thread.
unsafe impl<T> Send for Passed<T> {}
// SAFETY: as above: shared access only ever makes the caller's own call, on the caller's thread.
unsafe impl<T> Sync for Passed<T> {}
