//! Reference checker: the verdict of every event of a trace, decided from TRACE.md (revision 4:
//! "Events", "Verdicts", "`mobsync check` output") on top of the reference model of CONTRACT.md
//! (`tests/model_based/reference.rs`). It takes structured events, not text: the generator writes
//! both, so this file decides verdicts and nothing about syntax.
//!
//! Interpretations (each a place where TRACE.md or CONTRACT.md had to be read one way):
//!  1. Events and lines. Every event line is one event; declarations, comments and blank lines are
//!     not events. An event's `line` is its physical line, counted from 1 over every line of the
//!     input. The event's rule is its own rule id (`R-…` of CONTRACT §5), accepted or not.
//!  2. One-line calls. For PrepareForSync, Synchronize, ShowProperties and ShowError a recorded
//!     `=> HR` *is* the one-line form (TRACE: "written with `=> HR` the line is the entry followed at
//!     once by the return, and counts as one event"), so `recorded.is_some()` says which form was
//!     written. The entry is decided first. A refused entry opens nothing: the event is a refused
//!     call into the handler whose recorded HR is the handler's answer (interpretation 6). An
//!     accepted entry is followed at once by the return of the recorded HR, which drives the state
//!     ("the recorded result drives the state", e.g. `PrepareForSync A => S_FALSE` abandons the
//!     pass); the event's verdict is then S_OK and its rule the entry's (R-PREP, R-SYNC, R-PROPS,
//!     R-ERR: the event is the call, its return is the outcome the handler chose). Were that return
//!     refused, the event would take the return's verdict and rule (R-…-RET), be a violation and
//!     change nothing at all (R-ATOMIC over the whole line); it cannot happen in revision 4, since
//!     from the state an accepted entry leaves (Preparing, Synchronizing, a UI Open) every HR is
//!     accepted (R-PREP-RET, R-SYNC-RET, R-PROPS-RET, R-ERR-RET), but the checker implements it.
//!  3. Recorded results that drive the state: Initialize (exactly S_OK -> Ready, anything else ->
//!     Declined), GetHandlerInfo and EnumSyncMgrItems (a success code hands the line's data out, so
//!     it is checked; a failure code hands nothing out: accepted, verdict S_OK, nothing changes), and
//!     the one-line returns (2). SetProgressCallback, SetItemStatus and GetItemObject follow the
//!     contract's answer; their recorded result is only compared (6).
//!  4. A missing `=> HR` on a call means "the handler answered what the contract says": where the
//!     contract accepts, S_OK — so Initialize makes the life Ready, and GetHandlerInfo and
//!     EnumSyncMgrItems hand their data out, which is then checked (their arguments *are* the data
//!     handed out); where it refuses, the contract's error, which is not a violation.
//!  5. `=> HR` on a callback is the manager's answer (default S_OK). It matters to EnableModeless
//!     TRUE (S_OK opens the gate) and to Progress (S_SYNCMGR_CANCELITEM / S_SYNCMGR_CANCELALL); for
//!     every other callback it changes nothing. The manager's answer is never the handler's
//!     violation. A `return` line's HR is its argument; TRACE.md gives a `=> HR` after it no
//!     meaning, so the generator never writes one.
//!  6. Violations (TRACE "Verdicts"): every refused callback; every refused `return`; every
//!     refusal of GetHandlerInfo or EnumSyncMgrItems for the data handed out (R-INFO's name and
//!     flags, R-ENUM's duplicates, GUID_NULL and item limit: E_INVALIDARG or E_OUTOFMEMORY); a call
//!     into the handler that the contract refuses, with a recorded result other than the contract's
//!     code; SetItemStatus, SetProgressCallback and GetItemObject with a recorded result other than
//!     the contract's answer (S_OK, S_OK, E_NOTIMPL when accepted; the error when refused). An
//!     accepted call whose recorded result drives the state (3) is never a violation.
//!  7. GetHandlerInfo or EnumSyncMgrItems refused *outside their window* (life not Ready, so
//!     E_UNEXPECTED) is a refused call, not invalid data handed out: not a violation without a
//!     recorded result, a violation with a recorded result other than E_UNEXPECTED. Why: CONTRACT §5
//!     "Who is at fault" puts a call at the wrong time on the manager ("what the handler must answer
//!     with that error"), and "invalid data the handler hands out (R-INFO, R-ENUM)" names the data
//!     checks of those rules, which R-INFO and R-ENUM run only on data actually handed out (life
//!     Ready and a success answer: "a failure answer hands out nothing, so it is not checked"); the
//!     life check comes first (check order step 1), so a call outside its window never reaches the
//!     data. TRACE's own example of a violation is "S_OK or E_FAIL where the contract requires
//!     E_UNEXPECTED". So the data refusals (E_INVALIDARG, E_OUTOFMEMORY in life Ready) are
//!     violations whatever was recorded, and the life refusal follows the rule for refused calls.
//!  8. GetItemObject: verdict E_NOTIMPL in life Created or Ready (counted as rejected, not a
//!     violation by itself), E_UNEXPECTED in Declined or Released; a missing result is that answer.
//!  9. End-of-pass report: present exactly on the event that moves the pass to `Finished`
//!     (SynchronizeCompleted from window B, `return Synchronize S_OK` after an early completion,
//!     `return Synchronize HR` with HR not S_OK from Synchronizing, and the one-line
//!     `Synchronize => HR` with HR not S_OK), also when both lists are empty; the lists as CONTRACT §6
//!     revision 4 defines them (disjoint), in selection order. A refused event never carries one.
//! 10. Summary: events = number of events; rejected = events whose verdict is not S_OK
//!     (GetItemObject's E_NOTIMPL included); violations = events flagged as violations.
//! 11. Arguments as TRACE "Events" writes them: Initialize's flags are the bitwise OR of its FLAG
//!     words and numbers (C's `|`), its cookie is checked by no rule; `reserved=` absent is 0;
//!     GetHandlerInfo's name is measured in UTF-16 units (absent: empty) and its flags default to 0;
//!     EnumSyncMgrItems' items carry no attributes (a v1 trace has none: only their ids, duplicates,
//!     GUID_NULL and the item limit are checked); Progress's and LogError's masks, as derived from
//!     the keys or given by `mask=`, decide which fields the model reads (a key whose bit is clear
//!     is ignored; `jump` is LogError's ERRORFLAGS bit); numbers wrap as C converts them (`-1` is
//!     0xFFFFFFFF in a DWORD, `0xFFFFFFFF` is -1 in Progress's int value and max); an undeclared
//!     name is its UUID v5, `null` and the all-zero GUID are GUID_NULL. These mappings live in the
//!     generator (`render.rs`), which builds the model's event beside the text it writes.
//! 12. A refused event changes nothing (R-ATOMIC) and checking goes on after it.

use super::reference::{Ev, Id, Life, Method, RefModel, S_OK};

/// One event of a trace as the reference checker takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    /// The event's physical line (from 1).
    pub line: usize,
    /// The model's event. Its answer fields (Initialize, GetHandlerInfo, EnumSyncMgrItems,
    /// EnableModeless, Progress) are ignored: the checker takes them from `recorded`.
    pub ev: Ev,
    /// The recorded `=> HR`, if the line has one. For the four methods with a separate return,
    /// `Some` is the one-line form (interpretation 2).
    pub recorded: Option<u32>,
}

/// The reference verdict of one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// The event's physical line.
    pub line: usize,
    /// The event's name (`"return PrepareForSync"` for a return).
    pub event: &'static str,
    /// 0 when accepted, else the HRESULT the contract answers.
    pub verdict: u32,
    /// The id of the rule that decided.
    pub rule: &'static str,
    /// Whether the event is a violation (interpretation 6).
    pub violation: bool,
    /// The end-of-pass report (unfinished, skip_not_honoured) on the event that reaches `Finished`.
    pub report: Option<(Vec<Id>, Vec<Id>)>,
}

/// The summary of a checked trace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Events checked.
    pub events: usize,
    /// Events whose verdict is not S_OK.
    pub rejected: usize,
    /// Events that are violations.
    pub violations: usize,
}

/// The event name `mobsync check` prints (TRACE "`mobsync check` output").
pub fn event_name(ev: &Ev) -> &'static str {
    match ev {
        Ev::Initialize { .. } => "Initialize",
        Ev::GetHandlerInfo { .. } => "GetHandlerInfo",
        Ev::EnumSyncMgrItems { .. } => "EnumSyncMgrItems",
        Ev::GetItemObject { .. } => "GetItemObject",
        Ev::SetProgressCallback { .. } => "SetProgressCallback",
        Ev::PrepareForSync { .. } => "PrepareForSync",
        Ev::Synchronize => "Synchronize",
        Ev::SetItemStatus { .. } => "SetItemStatus",
        Ev::ShowProperties { .. } => "ShowProperties",
        Ev::ShowError { .. } => "ShowError",
        Ev::Return { method, .. } => match method {
            Method::PrepareForSync => "return PrepareForSync",
            Method::Synchronize => "return Synchronize",
            Method::ShowProperties => "return ShowProperties",
            Method::ShowError => "return ShowError",
        },
        Ev::PrepareForSyncCompleted { .. } => "PrepareForSyncCompleted",
        Ev::SynchronizeCompleted { .. } => "SynchronizeCompleted",
        Ev::ShowPropertiesCompleted { .. } => "ShowPropertiesCompleted",
        Ev::ShowErrorCompleted { .. } => "ShowErrorCompleted",
        Ev::EnableModeless { .. } => "EnableModeless",
        Ev::Progress { .. } => "Progress",
        Ev::LogError { .. } => "LogError",
        Ev::DeleteLogError { .. } => "DeleteLogError",
        Ev::EstablishConnection { .. } => "EstablishConnection",
    }
}

/// The method whose return a one-line call carries, for the four calls with a separate return.
fn separate_return(ev: &Ev) -> Option<Method> {
    match ev {
        Ev::PrepareForSync { .. } => Some(Method::PrepareForSync),
        Ev::Synchronize => Some(Method::Synchronize),
        Ev::ShowProperties { .. } => Some(Method::ShowProperties),
        Ev::ShowError { .. } => Some(Method::ShowError),
        _ => None,
    }
}

/// `ev` with its answer fields set to `answer` (interpretations 3 to 5).
fn with_answer(ev: &Ev, answer: u32) -> Ev {
    let mut ev = ev.clone();
    match &mut ev {
        Ev::Initialize { answer: a, .. }
        | Ev::GetHandlerInfo { answer: a, .. }
        | Ev::EnumSyncMgrItems { answer: a, .. }
        | Ev::EnableModeless { answer: a, .. }
        | Ev::Progress { answer: a, .. } => *a = answer,
        _ => {}
    }
    ev
}

/// The reference checker over one handler instance.
#[derive(Clone, Debug)]
pub struct RefChecker {
    model: RefModel,
}

impl RefChecker {
    /// A checker for one instance with the given profile and limits (CONTRACT §7).
    pub fn new(compatible: bool, max_items: usize, max_error_ids: usize) -> Self {
        RefChecker {
            model: RefModel::new(compatible, max_items, max_error_ids),
        }
    }

    /// The reference model's current state.
    pub fn model(&self) -> &RefModel {
        &self.model
    }

    /// Decides one event and applies it.
    pub fn check_event(&mut self, te: &TraceEvent) -> Expected {
        let ev = with_answer(&te.ev, te.recorded.unwrap_or(S_OK));
        let refused_call =
            |verdict: u32| verdict != S_OK && te.recorded.is_some_and(|r| r != verdict);
        let (verdict, rule, violation, report) = match (&ev, separate_return(&ev)) {
            (_, Some(method)) => match te.recorded {
                // Entry only: the call stays open until its `return` line.
                None => {
                    let v = self.model.apply(&ev);
                    (v.hr, v.rule, false, v.report)
                }
                // One line: the entry, then at once the return of the recorded HR (interpretation 2).
                Some(hr) => {
                    let before = self.model.clone();
                    let entry = self.model.apply(&ev);
                    if entry.hr != S_OK {
                        (entry.hr, entry.rule, refused_call(entry.hr), None)
                    } else {
                        let ret = self.model.apply(&Ev::Return { method, hr });
                        if ret.hr != S_OK {
                            self.model = before;
                            (ret.hr, ret.rule, true, None)
                        } else {
                            (S_OK, entry.rule, false, ret.report)
                        }
                    }
                }
            },
            (Ev::GetHandlerInfo { .. } | Ev::EnumSyncMgrItems { .. }, None) => {
                let life = self.model.life();
                let v = self.model.apply(&ev);
                // Interpretation 7: in life Ready a refusal is about the data handed out.
                let violation = if life == Life::Ready {
                    v.hr != S_OK
                } else {
                    refused_call(v.hr)
                };
                (v.hr, v.rule, violation, v.report)
            }
            (Ev::Initialize { .. }, None) => {
                let v = self.model.apply(&ev);
                (v.hr, v.rule, refused_call(v.hr), v.report)
            }
            (
                Ev::GetItemObject { .. }
                | Ev::SetProgressCallback { .. }
                | Ev::SetItemStatus { .. },
                None,
            ) => {
                let v = self.model.apply(&ev);
                let differs = te.recorded.is_some_and(|r| r != v.hr);
                (v.hr, v.rule, differs, v.report)
            }
            // Returns and callbacks: a refusal is the handler's violation.
            (_, None) => {
                let v = self.model.apply(&ev);
                (v.hr, v.rule, v.hr != S_OK, v.report)
            }
        };
        Expected {
            line: te.line,
            event: event_name(&ev),
            verdict,
            rule,
            violation,
            report,
        }
    }
}

/// Checks a whole trace: every event's reference verdict and the summary.
pub fn check_trace(
    events: &[TraceEvent],
    compatible: bool,
    max_items: usize,
    max_error_ids: usize,
) -> (Vec<Expected>, Totals) {
    let mut checker = RefChecker::new(compatible, max_items, max_error_ids);
    let mut totals = Totals::default();
    let verdicts: Vec<Expected> = events
        .iter()
        .map(|te| {
            let v = checker.check_event(te);
            totals.events += 1;
            totals.rejected += usize::from(v.verdict != S_OK);
            totals.violations += usize::from(v.violation);
            v
        })
        .collect();
    (verdicts, totals)
}
