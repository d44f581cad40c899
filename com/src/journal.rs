//! Where the guard records what it refused: [`Journal`] and its [`Violation`]s.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use mobsync::{Fault, HResult, Rule};

/// One call or callback the guard refused or found wrong, with the rule it breaks.
///
/// Its `Display` is a TRACE.md comment line (`# violation R-PROG: …`), so a handler can append
/// it to a trace of its own or to its log as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Who broke the rule: [`Fault::Handler`] for a refused callback, invalid data handed out,
    /// a wrong answer or a panic; [`Fault::Manager`] for a call the manager made out of its
    /// window or with bad arguments (answered with the contract's HRESULT, the handler's code
    /// never ran).
    pub fault: Fault,
    /// The rule.
    pub rule: Rule,
    /// What the guard answered (a refused callback's HRESULT, a refused call's answer).
    pub verdict: HResult,
    /// Why, beginning with the rule id.
    pub message: String,
    /// The event as a TRACE.md line (the handler's answer or the manager's, when known).
    pub event: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let by = match self.fault {
            Fault::Handler => "violation",
            Fault::Manager => "refused",
        };
        write!(f, "# {by} {}: {}", self.event, self.message)
    }
}

/// How many violations a [`Journal`] keeps (the first ones); later ones are counted and still
/// passed to the hook.
pub const JOURNAL_CAPACITY: usize = 1024;

type Hook = Box<dyn Fn(&Violation) + Send + Sync>;

struct Inner {
    kept: Mutex<Vec<Violation>>,
    dropped: AtomicUsize,
    hook: Option<Hook>,
}

/// The record of one handler object's violations, shared: clone it before handing the handler
/// to COM and read it from anywhere — a test, a diagnostics command, the handler itself.
///
/// It keeps the first [`JOURNAL_CAPACITY`] violations and counts the rest; a hook
/// ([`Journal::with_hook`]) sees every one as it happens, on the thread that made the call
/// (write it to your log, or to `OutputDebugString`).
///
/// ```
/// use mobsync_com::Journal;
///
/// let journal = Journal::with_hook(|violation| eprintln!("{violation}"));
/// assert!(journal.is_empty());
/// ```
#[derive(Clone)]
pub struct Journal {
    inner: Arc<Inner>,
}

impl Default for Journal {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Journal")
            .field("violations", &self.len())
            .field("hook", &self.inner.hook.is_some())
            .finish()
    }
}

impl Journal {
    /// An empty journal without a hook.
    #[must_use]
    pub fn new() -> Self {
        Self::build(None)
    }

    /// An empty journal that also passes every violation to `hook`. The hook runs inside the
    /// call or callback that broke the rule: keep it short, and do not call into the handler
    /// object from it.
    pub fn with_hook(hook: impl Fn(&Violation) + Send + Sync + 'static) -> Self {
        Self::build(Some(Box::new(hook)))
    }

    fn build(hook: Option<Hook>) -> Self {
        Self {
            inner: Arc::new(Inner {
                kept: Mutex::new(Vec::new()),
                dropped: AtomicUsize::new(0),
                hook,
            }),
        }
    }

    /// Records one violation.
    pub(crate) fn record(&self, violation: Violation) {
        if let Some(hook) = &self.inner.hook {
            hook(&violation);
        }
        let mut kept = self
            .inner
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if kept.len() < JOURNAL_CAPACITY {
            kept.push(violation);
        } else {
            self.inner.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The violations kept so far, in order.
    #[must_use]
    pub fn violations(&self) -> Vec<Violation> {
        self.inner
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Takes the violations kept so far, leaving the journal empty (the count of dropped ones
    /// too).
    pub fn take(&self) -> Vec<Violation> {
        self.inner.dropped.store(0, Ordering::Relaxed);
        std::mem::take(
            &mut *self
                .inner
                .kept
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// How many violations were recorded (kept and dropped).
    #[must_use]
    pub fn len(&self) -> usize {
        self.inner
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
            + self.dropped()
    }

    /// No violation recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many violations came after the first [`JOURNAL_CAPACITY`] and were not kept.
    #[must_use]
    pub fn dropped(&self) -> usize {
        self.inner.dropped.load(Ordering::Relaxed)
    }

    /// The handler's violations only (not the manager's refused calls).
    #[must_use]
    pub fn handler_violations(&self) -> Vec<Violation> {
        let mut all = self.violations();
        all.retain(|v| v.fault == Fault::Handler);
        all
    }
}
