//! Checking a trace: each event gets the model's verdict (TRACE.md "Verdicts"), printed as
//! `mobsync check` prints it.

use core::convert::Infallible;
use core::fmt;
use core::ops::ControlFlow;
use std::borrow::Cow;
use std::io::BufRead;

use crate::error::Error;
use crate::guid::ItemId;
use crate::hresult::HResult;
use crate::machine::{Accepted, Config, Event, Instance, Method, PassReport, SyncMgrItem};
use crate::rule::{EventKind, Fault, Rule};
use crate::rules::{fault, is_violation};

use super::error::CheckError;
use super::event::{Call, TraceEvent};
use super::read::for_each_line;
use super::syntax::{Line, Parser};

/// The verdict on one event.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Verdict {
    /// The event's line.
    pub line: usize,
    /// The event.
    pub event: EventKind,
    /// `S_OK` when accepted, else the HRESULT the contract answers.
    pub verdict: HResult,
    /// The rule that decided the event.
    pub rule: Rule,
    /// Whether the event is a violation (TRACE.md, [`crate::rules::is_violation`]): a refused
    /// callback or return, invalid data handed out, or a recorded result other than the
    /// contract's.
    pub violation: bool,
    /// Why, in words.
    pub reason: Cow<'static, str>,
    /// The end-of-pass report, on the event that ends a pass.
    pub report: Option<PassReport>,
}

impl Verdict {
    /// Whether `mobsync check` prints this event: always with `--all` (`all`), else when the
    /// verdict is not S_OK, the event is a violation, or its report has an item.
    #[must_use]
    pub fn is_printed(&self, all: bool) -> bool {
        all || self.verdict != HResult::S_OK
            || self.violation
            || self.report.as_ref().is_some_and(|r| !r.is_clean())
    }

    /// The verdict's name, or its hex for an HRESULT without one.
    #[must_use]
    pub fn verdict_name(&self) -> String {
        self.verdict.short().to_string()
    }
}

struct Ids<I>(I);

impl<I: Iterator<Item = ItemId> + Clone> fmt::Display for Ids<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (n, id) in self.0.clone().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{id}")?;
        }
        f.write_str("]")
    }
}

impl fmt::Display for Verdict {
    /// The text line: `LINE: VERDICT RULE[ VIOLATION]: reason[ | report: …]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} {}", self.line, self.verdict.short(), self.rule)?;
        if self.violation {
            f.write_str(" VIOLATION")?;
        }
        write!(f, ": {}", self.reason)?;
        if let Some(report) = &self.report {
            write!(
                f,
                " | report: unfinished {}, skip_not_honoured {}",
                Ids(report.unfinished().map(|v| v.id)),
                Ids(report.skip_not_honoured().map(|v| v.id))
            )?;
        }
        Ok(())
    }
}

/// The counts `mobsync check` ends with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Summary {
    /// Events checked.
    pub events: usize,
    /// Events whose verdict is not S_OK.
    pub rejected: usize,
    /// Violations.
    pub violations: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "events: {}, rejected: {}, violations: {}",
            self.events, self.rejected, self.violations
        )
    }
}

/// Checks a trace's events, one at a time, against an [`Instance`].
///
/// ```
/// use mobsync::trace::{Checker, Line, Parser};
/// use mobsync::{Config, HResult, Rule};
///
/// let mut parser = Parser::new();
/// let mut checker = Checker::new(Config::default());
/// for (n, text) in ["Initialize MANUAL", "SetProgressCallback set", "SetItemStatus A SKIPPED => S_OK"].iter().enumerate() {
///     if let Line::Event(event) = parser.parse_line(n + 1, text).unwrap() {
///         let verdict = checker.check(&event);
///         if n == 2 {
///             assert_eq!((verdict.verdict, verdict.rule, verdict.violation), (HResult::E_UNEXPECTED, Rule::Sis, true));
///         }
///     }
/// }
/// assert_eq!(checker.summary().violations, 1);
/// ```
#[derive(Debug)]
pub struct Checker {
    instance: Instance,
    summary: Summary,
    /// The items of an EnumSyncMgrItems event, built anew for each one in the same buffer.
    enumerated: Vec<SyncMgrItem>,
}

impl Checker {
    /// A checker with this profile and these limits.
    #[must_use]
    pub fn new(config: Config) -> Self {
        Self {
            instance: Instance::with_config(config),
            summary: Summary::default(),
            enumerated: Vec::new(),
        }
    }

    /// The counts so far.
    #[must_use]
    pub const fn summary(&self) -> Summary {
        self.summary
    }

    /// The instance as the events so far left it.
    #[must_use]
    pub const fn instance(&self) -> &Instance {
        &self.instance
    }

    /// The verdict on one event; the instance advances when the event is accepted.
    pub fn check(&mut self, event: &TraceEvent) -> Verdict {
        let kind = event.call.kind();
        let (result, decided) = self.outcome(&event.call, event.recorded);
        let report = match &result {
            Ok(accepted) if accepted.finished_pass() => self.instance.report(),
            _ => None,
        };
        let refused = result.as_ref().err().map(Error::check);
        let violation = is_violation(decided, refused, event.recorded);
        // A violation the handler's recorded answer makes (it is not its fault otherwise).
        let mismatch =
            violation && refused.is_none_or(|check| fault(decided, check) == Fault::Manager);
        let (verdict, rule, mut reason) = match result {
            Ok(_) => (HResult::S_OK, kind.rule(), Cow::Borrowed("accepted")),
            Err(err) => (
                err.hresult(),
                err.rule(),
                Cow::Owned(err.reason().to_string()),
            ),
        };
        if let (true, Some(recorded)) = (mismatch, event.recorded) {
            reason = Cow::Owned(format!(
                "{reason}; the handler answered {}, the contract requires {}",
                recorded.short(),
                verdict.short()
            ));
        }
        self.summary.events += 1;
        self.summary.rejected += usize::from(verdict != HResult::S_OK);
        self.summary.violations += usize::from(violation);
        Verdict {
            line: event.line,
            event: kind,
            verdict,
            rule,
            violation,
            reason,
            report,
        }
    }

    /// The engine's answer to `call` answered `recorded`, and the kind of the event that decided
    /// it (a one-line entry with `=> HR` is decided by its return, once the entry is accepted).
    fn outcome(
        &mut self,
        call: &Call,
        recorded: Option<HResult>,
    ) -> (Result<Accepted, Error>, EventKind) {
        let answer = recorded.unwrap_or(HResult::S_OK);
        let mut enumerated = std::mem::take(&mut self.enumerated);
        let outcome = call.with_event_in(answer, &mut enumerated, |event| {
            let kind = event.kind();
            let entered = self.instance.handle(event);
            let method = entry_method(kind);
            match (entered, method, recorded) {
                // `=> HR` on a call with a separate return: the entry followed at once by it.
                (Ok(_), Some(method), Some(hr)) => (
                    self.instance.handle(&Event::Return { method, hr }),
                    method.return_kind(),
                ),
                (result, _, _) => (result, kind),
            }
        });
        self.enumerated = enumerated;
        outcome
    }
}

/// The method whose entry `kind` is ([`Method::entry_kind`]), which a one-line `=> HR` returns.
const fn entry_method(kind: EventKind) -> Option<Method> {
    match kind {
        EventKind::PrepareForSync => Some(Method::PrepareForSync),
        EventKind::Synchronize => Some(Method::Synchronize),
        EventKind::ShowProperties => Some(Method::ShowProperties),
        EventKind::ShowError => Some(Method::ShowError),
        _ => None,
    }
}

/// Checks a whole trace, handing each verdict to `on_verdict` as it comes (streaming).
///
/// # Errors
/// The first syntax error, or a read error; verdicts before it were already handed out.
///
/// ```
/// use mobsync::trace::check;
/// use mobsync::Config;
///
/// let trace = "Initialize MANUAL\nSetProgressCallback set\nSynchronize => S_OK\n";
/// let mut printed = Vec::new();
/// let summary = check(trace.as_bytes(), Config::default(), |v| printed.push(v.to_string()))?;
/// assert_eq!(printed[2], "3: E_UNEXPECTED R-SYNC VIOLATION: Synchronize is not allowed in pass phase Idle; the handler answered S_OK, the contract requires E_UNEXPECTED");
/// assert_eq!(summary.to_string(), "events: 3, rejected: 1, violations: 1");
/// # Ok::<(), mobsync::trace::CheckError>(())
/// ```
pub fn check(
    input: impl BufRead,
    config: Config,
    mut on_verdict: impl FnMut(&Verdict),
) -> Result<Summary, CheckError> {
    let checked = check_until(input, config, |verdict| {
        on_verdict(verdict);
        ControlFlow::<Infallible>::Continue(())
    })?;
    match checked {
        ControlFlow::Continue(summary) => Ok(summary),
        ControlFlow::Break(never) => match never {},
    }
}

/// [`check`], stopping as soon as `on_verdict` breaks: `Ok(Break(b))` then, and the rest of the
/// input is not read. `mobsync check` stops so when its output is closed.
///
/// # Errors
/// As [`check`].
///
/// ```
/// use std::ops::ControlFlow;
/// use mobsync::trace::check_until;
/// use mobsync::Config;
///
/// let trace = "Initialize MANUAL\nSynchronize\nSynchronize\n";
/// let first_refusal = check_until(trace.as_bytes(), Config::default(), |v| {
///     if v.verdict.is_failure() { ControlFlow::Break(v.line) } else { ControlFlow::Continue(()) }
/// })?;
/// assert_eq!(first_refusal, ControlFlow::Break(2));
/// # Ok::<(), mobsync::trace::CheckError>(())
/// ```
pub fn check_until<B>(
    input: impl BufRead,
    config: Config,
    mut on_verdict: impl FnMut(&Verdict) -> ControlFlow<B>,
) -> Result<ControlFlow<B, Summary>, CheckError> {
    /// Why reading stopped early.
    enum Halt<B> {
        Error(CheckError),
        Break(B),
    }
    impl<B> From<CheckError> for Halt<B> {
        fn from(err: CheckError) -> Self {
            Self::Error(err)
        }
    }
    let mut parser = Parser::new();
    let mut checker = Checker::new(config);
    let read = for_each_line(input, &mut parser, |parser, line, text| {
        let parsed = parser
            .parse_line(line, text)
            .map_err(|err| Halt::Error(err.into()))?;
        if let Line::Event(event) = parsed {
            if let ControlFlow::Break(b) = on_verdict(&checker.check(&event)) {
                return Err(Halt::Break(b));
            }
            parser.recycle(event.call);
        }
        Ok(())
    });
    match read {
        Ok(()) => Ok(ControlFlow::Continue(checker.summary())),
        Err(Halt::Break(b)) => Ok(ControlFlow::Break(b)),
        Err(Halt::Error(err)) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::super::MAX_LINE_BYTES;
    use super::*;

    #[test]
    fn a_line_over_the_limit_is_a_syntax_error_not_unbounded_memory() {
        let mut long = "Initialize MANUAL\nLogError ERROR \"".to_owned();
        long.push_str(&"x".repeat(MAX_LINE_BYTES + 10));
        long.push_str("\"\n");
        let err = check(long.as_bytes(), Config::default(), |_| {}).unwrap_err();
        let CheckError::Syntax(err) = err else {
            panic!("{err}")
        };
        assert_eq!((err.line, err.column), (2, 1));
        // Exactly at the limit is fine.
        let mut edge = "Initialize MANUAL ".to_owned();
        edge.push_str(&" ".repeat(MAX_LINE_BYTES - edge.len()));
        edge.push('\n');
        assert!(check(edge.as_bytes(), Config::default(), |_| {}).is_ok());
    }

    #[test]
    fn the_entry_methods_are_the_methods_entries() {
        for kind in EventKind::ALL {
            let method = Method::ALL.into_iter().find(|m| m.entry_kind() == kind);
            assert_eq!(entry_method(kind), method, "{kind:?}");
        }
    }

    #[test]
    fn crlf_and_a_missing_final_line_end_are_accepted() {
        let summary = check(
            "Initialize MANUAL\r\nSetProgressCallback set".as_bytes(),
            Config::default(),
            |_| {},
        )
        .unwrap();
        assert_eq!(summary.events, 2);
    }

    #[test]
    fn invalid_utf8_points_at_the_first_bad_byte() {
        let err = check(
            &b"Initialize MANUAL\nLogError ERROR \"\xC3\xA9\xFF\"\n"[..],
            Config::default(),
            |_| {},
        )
        .unwrap_err();
        let CheckError::Syntax(err) = err else {
            panic!("{err}")
        };
        assert_eq!((err.line, err.column), (2, 18)); // `LogError ERROR "é` is 17 characters
    }

    /// TRACE.md: the leftmost token in error is reported whatever the kind of error, so a token
    /// in error left of a bad byte wins over it; a missing token does not (the line is not
    /// complete), and the token the bad byte is glued to is not judged.
    #[test]
    fn a_token_in_error_left_of_a_bad_byte_wins_over_it() {
        let at = |line: &[u8]| {
            let mut input = b"Initialize MANUAL\n".to_vec();
            input.extend_from_slice(line);
            match check(&input[..], Config::default(), |_| {}) {
                Err(CheckError::Syntax(err)) => (err.line, err.column),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(at(b"LogError BOGUS \"caf\xE9\"\n"), (2, 10));
        assert_eq!(at(b"LogError ERROR \"caf\xE9\"\n"), (2, 20));
        assert_eq!(at(b"SetItemStatus A\t\xFF\n"), (2, 17));
        assert_eq!(at(b"SetItemStatus A SKIP\xFFPED\n"), (2, 21));
        assert_eq!(at(b"Progress A value=x\xFF\n"), (2, 19));
        assert_eq!(at(b"Progress A value=x \xFF\n"), (2, 12));
        assert_eq!(at(b"Synchronize => S_OK x \xFF\n"), (2, 21));
        // Streamed, the line straddling buffers: the same.
        let input = b"Initialize MANUAL\nLogError BOGUS \"caf\xE9\"";
        let err = check(
            std::io::BufReader::with_capacity(4, &input[..]),
            Config::default(),
            |_| {},
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("2:10: "), "{err}");
    }
}
