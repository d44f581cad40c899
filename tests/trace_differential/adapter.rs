//! The one place that uses the crate: its public trace checker, with the answers in the reference
//! checker's terms.

use super::reference::Id;

/// One verdict of the crate's checker, in plain values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    /// The event's line.
    pub line: usize,
    /// The event's name (`EventKind::name`).
    pub event: String,
    /// The verdict's HRESULT (0 when accepted).
    pub verdict: u32,
    /// The id of the rule that decided.
    pub rule: String,
    /// Whether the event is a violation.
    pub violation: bool,
    /// The end-of-pass report (unfinished, skip_not_honoured), on the event that ends a pass.
    pub report: Option<(Vec<Id>, Vec<Id>)>,
}

/// The crate's summary, in plain values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObservedSummary {
    /// Events checked.
    pub events: usize,
    /// Events whose verdict is not S_OK.
    pub rejected: usize,
    /// Events that are violations.
    pub violations: usize,
}

/// Runs `mobsync::trace::check` over `text` with the given profile and limits: every verdict and
/// the summary, or the checker's error as text.
pub fn crate_check(
    text: &str,
    compatible: bool,
    max_items: usize,
    max_error_ids: usize,
) -> Result<(Vec<Observed>, ObservedSummary), String> {
    let profile = if compatible {
        mobsync::Profile::Compatible
    } else {
        mobsync::Profile::Documented
    };
    let config = mobsync::Config {
        profile,
        limits: mobsync::Limits {
            max_items,
            max_error_ids,
        },
    };
    let mut verdicts = Vec::new();
    let summary = mobsync::trace::check(text.as_bytes(), config, |v: &mobsync::trace::Verdict| {
        let ids = |list: &mut dyn Iterator<Item = mobsync::ItemView>| {
            list.map(|i| i.id.to_u128()).collect::<Vec<_>>()
        };
        verdicts.push(Observed {
            line: v.line,
            event: v.event.name().to_string(),
            verdict: v.verdict.to_u32(),
            rule: v.rule.id().to_string(),
            violation: v.violation,
            report: v
                .report
                .as_ref()
                .map(|r| (ids(&mut r.unfinished()), ids(&mut r.skip_not_honoured()))),
        });
    })
    .map_err(|e| e.to_string())?;
    Ok((
        verdicts,
        ObservedSummary {
            events: summary.events,
            rejected: summary.rejected,
            violations: summary.violations,
        },
    ))
}
