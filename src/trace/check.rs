//! Checking a trace: each event gets the model's verdict (TRACE.md "Verdicts"), printed as
//! `mobsync check` prints it.

use core::fmt;
use std::borrow::Cow;
use std::io::BufRead;

use crate::error::Error;
use crate::guid::ItemId;
use crate::hresult::HResult;
use crate::machine::{Accepted, Config, Event, Instance, Method, SyncMgrItem};
use crate::rules::{EventKind, Rule};

use super::read::for_each_line;
use super::syntax::{Call, Line, Parser, SyntaxError, TraceEvent};

/// The end-of-pass report carried by the event that brings a pass to `Finished` (CONTRACT §6).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Report {
    /// Items of the selection that never reached a final status, in selection order.
    pub unfinished: Vec<ItemId>,
    /// Items with a skip request whose final status is neither SKIPPED nor STOPPED.
    pub skip_not_honoured: Vec<ItemId>,
}

impl Report {
    /// Neither list has an item.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.unfinished.is_empty() && self.skip_not_honoured.is_empty()
    }
}

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
    /// Whether the event is a violation (TRACE.md): a refused callback or return, invalid data
    /// handed out, or a recorded result other than the contract's.
    pub violation: bool,
    /// Why, in words.
    pub reason: Cow<'static, str>,
    /// The end-of-pass report, on the event that ends a pass.
    pub report: Option<Report>,
}

impl Verdict {
    /// Whether `mobsync check` prints this event: always with `--all` (`all`), else when the
    /// verdict is not S_OK, the event is a violation, or its report has an item.
    #[must_use]
    pub fn is_printed(&self, all: bool) -> bool {
        all || self.verdict != HResult::S_OK
            || self.violation
            || self.report.as_ref().is_some_and(|r| !r.is_empty())
    }

    /// The verdict's name, or its hex for an HRESULT without one.
    #[must_use]
    pub fn verdict_name(&self) -> String {
        hresult_name(self.verdict)
    }
}

/// An HRESULT's name, or `0x` and 8 hex digits.
pub(crate) fn hresult_name(hr: HResult) -> String {
    hr.name()
        .map_or_else(|| format!("0x{:08X}", hr.to_u32()), str::to_owned)
}

struct Ids<'a>(&'a [ItemId]);

impl fmt::Display for Ids<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (n, id) in self.0.iter().enumerate() {
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
        write!(f, "{}: {} {}", self.line, self.verdict_name(), self.rule)?;
        if self.violation {
            f.write_str(" VIOLATION")?;
        }
        write!(f, ": {}", self.reason)?;
        if let Some(report) = &self.report {
            write!(
                f,
                " | report: unfinished {}, skip_not_honoured {}",
                Ids(&report.unfinished),
                Ids(&report.skip_not_honoured)
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

/// What an event did, before it becomes a [`Verdict`].
struct Outcome {
    result: Result<Accepted, Error>,
    violation: bool,
    /// The contract's answer, when the violation is a recorded result that differs from it.
    expected: Option<HResult>,
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
        let outcome = self.outcome(&event.call, event.recorded);
        let report = match &outcome.result {
            Ok(accepted) if accepted.finished_pass() => self.instance.report().map(|r| Report {
                unfinished: r.unfinished().map(|v| v.id).collect(),
                skip_not_honoured: r.skip_not_honoured().map(|v| v.id).collect(),
            }),
            _ => None,
        };
        let (verdict, rule, mut reason) = match outcome.result {
            Ok(_) => (HResult::S_OK, kind.rule(), Cow::Borrowed("accepted")),
            Err(err) => {
                let rule = err.rule().unwrap_or(kind.rule());
                let text = err.to_string();
                let reason = text
                    .strip_prefix(&format!("{rule}: "))
                    .unwrap_or(&text)
                    .to_owned();
                (err.hresult(), rule, Cow::Owned(reason))
            }
        };
        if let (Some(recorded), Some(expected)) = (event.recorded, outcome.expected) {
            reason = Cow::Owned(format!(
                "{reason}; the handler answered {}, the contract requires {}",
                hresult_name(recorded),
                hresult_name(expected)
            ));
        } else if outcome.violation && verdict == HResult::S_OK {
            reason = Cow::Owned(format!("{reason} (a violation)"));
        }
        self.summary.events += 1;
        self.summary.rejected += usize::from(verdict != HResult::S_OK);
        self.summary.violations += usize::from(outcome.violation);
        Verdict {
            line: event.line,
            event: kind,
            verdict,
            rule,
            violation: outcome.violation,
            reason,
            report,
        }
    }

    fn outcome(&mut self, call: &Call, recorded: Option<HResult>) -> Outcome {
        let answer = recorded.unwrap_or(HResult::S_OK);
        let mut enumerated = std::mem::take(&mut self.enumerated);
        let outcome = call.with_event_in(answer, &mut enumerated, |event| {
            self.outcome_of(event, recorded)
        });
        self.enumerated = enumerated;
        outcome
    }

    fn outcome_of(&mut self, event: &Event<'_>, recorded: Option<HResult>) -> Outcome {
        match event.kind() {
            // Calls whose outcome the handler chooses: the recorded result drives the state.
            EventKind::Initialize => self.chosen(event, recorded, false),
            EventKind::GetHandlerInfo | EventKind::EnumSyncMgrItems => {
                self.chosen(event, recorded, true)
            }
            // Calls with a separate return: `=> HR` is the entry followed at once by the return.
            EventKind::PrepareForSync => self.entry(event, Method::PrepareForSync, recorded),
            EventKind::Synchronize => self.entry(event, Method::Synchronize, recorded),
            EventKind::ShowProperties => self.entry(event, Method::ShowProperties, recorded),
            EventKind::ShowError => self.entry(event, Method::ShowError, recorded),
            // Calls whose answer the contract fixes: the recorded result is only compared.
            EventKind::SetItemStatus
            | EventKind::SetProgressCallback
            | EventKind::GetItemObject => self.fixed(event, recorded),
            // Returns and callbacks: a refusal is the handler's violation.
            EventKind::ReturnPrepareForSync
            | EventKind::ReturnSynchronize
            | EventKind::ReturnShowProperties
            | EventKind::ReturnShowError
            | EventKind::PrepareForSyncCompleted
            | EventKind::SynchronizeCompleted
            | EventKind::ShowPropertiesCompleted
            | EventKind::ShowErrorCompleted
            | EventKind::EnableModeless
            | EventKind::Progress
            | EventKind::LogError
            | EventKind::DeleteLogError
            | EventKind::EstablishConnection => self.handler(event),
        }
    }

    /// A call refused by the contract is a violation only when the handler recorded another
    /// answer than the contract's.
    fn refused_call(err: &Error, recorded: Option<HResult>) -> (bool, Option<HResult>) {
        match recorded {
            Some(r) if r != err.hresult() => (true, Some(err.hresult())),
            _ => (false, None),
        }
    }

    fn chosen(&mut self, event: &Event<'_>, recorded: Option<HResult>, hands_out: bool) -> Outcome {
        let result = self.instance.handle(event);
        let (violation, expected) = match &result {
            Ok(_) => (false, None),
            // Invalid data handed out (R-INFO, R-ENUM) is the handler's violation.
            Err(err) if hands_out && err.hresult() != HResult::E_UNEXPECTED => (true, None),
            Err(err) => Self::refused_call(err, recorded),
        };
        Outcome {
            result,
            violation,
            expected,
        }
    }

    fn entry(&mut self, event: &Event<'_>, method: Method, recorded: Option<HResult>) -> Outcome {
        let entered = self.instance.handle(event);
        match (entered, recorded) {
            (Err(err), _) => {
                let (violation, expected) = Self::refused_call(&err, recorded);
                Outcome {
                    result: Err(err),
                    violation,
                    expected,
                }
            }
            (Ok(accepted), None) => Outcome {
                result: Ok(accepted),
                violation: false,
                expected: None,
            },
            (Ok(_), Some(hr)) => match self.instance.handle(&Event::Return { method, hr }) {
                Ok(returned) => Outcome {
                    result: Ok(returned),
                    violation: false,
                    expected: None,
                },
                Err(err) => Outcome {
                    result: Err(err),
                    violation: true,
                    expected: None,
                },
            },
        }
    }

    fn fixed(&mut self, event: &Event<'_>, recorded: Option<HResult>) -> Outcome {
        let result = self.instance.handle(event);
        let contract = match &result {
            Ok(_) => HResult::S_OK,
            Err(err) => err.hresult(),
        };
        let differs = recorded.is_some_and(|r| r != contract);
        Outcome {
            result,
            violation: differs,
            expected: differs.then_some(contract),
        }
    }

    fn handler(&mut self, event: &Event<'_>) -> Outcome {
        let result = self.instance.handle(event);
        let violation = result.is_err();
        Outcome {
            result,
            violation,
            expected: None,
        }
    }
}

/// Why checking a trace stopped early.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The trace does not follow the format.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// The input could not be read.
    #[error("cannot read the trace: {0}")]
    Io(#[from] std::io::Error),
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
    let mut parser = Parser::new();
    let mut checker = Checker::new(config);
    for_each_line(input, |line, text| {
        if let Line::Event(event) = parser.parse_line(line, text)? {
            on_verdict(&checker.check(&event));
            parser.recycle(event.call);
        }
        Ok(())
    })?;
    Ok(checker.summary())
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
}
