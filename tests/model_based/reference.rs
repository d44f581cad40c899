//! Independent reference model of the mobsync handler contract.
//!
//! Written only from `spec/CONTRACT.md` (revision 4, sections 4 to 7), clause by clause, in the
//! contract's check order: (1) life and phase -> E_UNEXPECTED, (2) argument values -> E_INVALIDARG,
//! (3) identity -> E_INVALIDARG, (4) item status transition -> E_ACCESSDENIED, (5) capacity ->
//! E_OUTOFMEMORY.
//! Every event handler below performs all of its checks before it changes anything (R-ATOMIC).
//!
//! Interface changes: none (the interface is exactly the one agreed for the engine adapter).
//!
//! Interpretations (places where the contract had to be read one way; engine authors please compare):
//!  1. HRESULT "success"/"failure" (R-INFO, R-ENUM, R-PROPS-RET, R-ERR-RET): failure = severity bit
//!     0x8000_0000 set (FAILED()); everything else, S_FALSE and the S_SYNCMGR_* codes included, is a
//!     success code. "exactly S_OK" means the value 0.
//!  2. R-INFO / R-ENUM with a failure answer: the event is ACCEPTED (hr 0) and changes nothing.
//!     R-INIT with any answer is accepted (hr 0); the answer only decides Ready / Declined.
//!  3. R-OBJ: in life Created/Ready the verdict is hr = E_NOTIMPL (no argument checks at all, GUID_NULL
//!     included); in Declined/Released it is E_UNEXPECTED. Nothing ever changes.
//!  4. R-CB: SetProgressCallback(NULL) needs life Ready but NOT Bound (the table says "life Ready").
//!     An accepted NULL makes life Released AND sets `bound` to false (the callback is now NULL).
//!     The modal gate, the error log, the UIs and the pass are left as they are.
//!  5. Life `Declined`/`Released`: every event is rejected with E_UNEXPECTED before anything else,
//!     GetItemObject included (§4 Life). In life Created only Initialize (and GetItemObject's
//!     E_NOTIMPL) get past check (1); everything else needs life Ready or Bound.
//!  6. "Every callback event requires Bound": the callbacks are the nine of §5.2 (PrepareForSyncCompleted,
//!     SynchronizeCompleted, ShowPropertiesCompleted, ShowErrorCompleted, EnableModeless, Progress,
//!     LogError, DeleteLogError, EstablishConnection). Returns (`Ev::Return`) only need their call open.
//!  7. Reporting window (R-PROG, R-CONN, R-MODAL TRUE) = Preparing, PreparingDone(any hr),
//!     AwaitPrepareCompletion, Prepared, Synchronizing, AwaitSyncCompletion. SynchronizingDone is NOT
//!     in it (completion already called); Idle, Finished, Abandoned are not either.
//!     Pass "in progress" (R-CB, R-PREP, compatible STOPPED) = Preparing, PreparingDone,
//!     AwaitPrepareCompletion, Prepared, Synchronizing, SynchronizingDone, AwaitSyncCompletion.
//!  8. R-SIS compatible profile: SetItemStatus(STOPPED) with life Ready and Bound is accepted before any
//!     other check (any phase — Idle, PreparingDone, SynchronizingDone, Finished, Abandoned included —, any
//!     item, GUID_NULL included; unknown items too); it sets skip-requested on
//!     every non-final item of the selection when a pass is in progress, otherwise changes nothing.
//!     If not Bound, STOPPED falls back to the documented rule (-> E_UNEXPECTED, as no window can be
//!     open while Unbound). The extra `Prepared` window exists ONLY for status SKIPPED ("every other
//!     event follows the rules above"): in Prepared any other status DWORD (valid or not) -> E_UNEXPECTED.
//!  9. R-SIS: the status DWORD check (not in §2.1 -> E_INVALIDARG) and the "only SKIPPED" check come
//!     before the selection check; all three give E_INVALIDARG anyway. An accepted SKIPPED on an item
//!     already in a final status is accepted (hr 0) and changes nothing.
//! 10. R-PROG: `value` is only read when the PROGVALUE bit (0x4) is set, `max` only with MAXVALUE (0x8),
//!     `status` only with STATUSTYPE (0x2). The "value > max" check uses, for each of value and max, this
//!     call's number if its bit is set, else the number stored earlier for the item in this selection;
//!     it applies only when both are known. Accepted: the status (if STATUSTYPE) and the numbers whose
//!     bits are set are stored. Then the manager's answer: CANCELITEM sets skip-requested on the item,
//!     CANCELALL on every selection item, in both cases skipping items whose status (after this call's
//!     own status change) is final. Any other answer changes nothing.
//! 11. R-PROG status DWORD validity with STATUSTYPE is checked in step (2), the item's membership in the
//!     selection in step (3), and the §6 transition in step (4) (E_ACCESSDENIED).
//! 12. §6: "reporting the current status again is always allowed", a final status may go to FAILED only
//!     (so FAILED -> FAILED is allowed as a repeat, SUCCEEDED -> FAILED as a late failure). DELETED and
//!     UPDATING_INDETERMINATE are valid in both profiles.
//! 13. End-of-pass report (§6, revision 4): (a) = selection items whose status is not final (a final
//!     status never goes back to an active one, so "never reached a final status" is "not final now");
//!     (b) = selection items with skip-requested whose current status is final and neither SKIPPED nor
//!     STOPPED. The lists are disjoint: an item with a skip request that never reached a final status is
//!     listed under (a) only. Both in selection order. The report is produced only on the event that
//!     moves the pass into `Finished(_)` (also when both lists are empty), and it never rejects.
//! 14. R-LOG: `error_flags` (dwSyncMgrErrorFlags) is never checked. Level must be 1..=3; mask bits
//!     outside 0x7 -> E_INVALIDARG. ERRORID with GUID_NULL -> E_INVALIDARG (compatible: accepted as an
//!     entry without an id, which does not join the log and does not count). ITEMID with GUID_NULL ->
//!     E_INVALIDARG (both profiles). Duplicate error id and unknown item are identity checks (3).
//!     "Either is known": the catalog is known once set; the selection is known once a PrepareForSync was
//!     accepted (it is then non-empty); when known, the item must be in catalog ∪ selection.
//!     Capacity (5): a new id when the log already holds `max_error_ids` ids -> E_OUTOFMEMORY.
//! 15. R-DELLOG: reserved is checked before the id; GUID_NULL clears the log (accepted even when empty).
//! 16. R-ERR-DONE: with S_SYNCMGR_RETRYSYNC the list must be non-empty, without duplicates and without
//!     GUID_NULL; it is NOT checked against the catalog/selection and no capacity limit applies to it.
//!     Other hr leave the previous retry list unchanged (only an accepted PrepareForSync clears it).
//! 17. R-MODAL: TRUE needs (reporting window OR a UI not Closed) AND the gate Shut, else E_UNEXPECTED;
//!     FALSE needs the gate Open. The gate never changes by itself (not when a pass ends, a UI closes or
//!     the handler is released).
//! 18. R-PROPS: no catalog membership check when the catalog is unknown; GUID_NULL is always allowed.
//!     R-ERR: GUID_NULL -> E_INVALIDARG (step 2), an id not in the log -> E_INVALIDARG (step 3).
//! 19. R-ENUM: a success answer replaces the catalog with the enumerated ids in enumeration order (the
//!     `catalog` snapshot is that order); argument checks (2) come before the limit (5). It never touches
//!     the selection. R-PREP checks: empty/duplicates/GUID_NULL (2), outside a known catalog (3), more
//!     than `max_items` (5). `reserved` is ignored.
//! 20. R-INIT: the event byte (flags & 0xFF) outside 1..=6 is accepted (treated as MANUAL); only bits
//!     outside 0x3FF and reserved ≠ 0 are rejected.
//! 21. Returns: a return of a method with no open call is E_UNEXPECTED; R-PREP-RET/R-SYNC-RET after an
//!     early completion accept only exactly S_OK; R-PROPS-RET/R-ERR-RET after an early completion accept
//!     any success code.
//! 22. Nothing is checked about the UIs against the pass, nor about the error UI when the shown error is
//!     deleted from the log.

// The adapter and the strategies each use only part of this shared vocabulary (constants, helpers).
#![allow(dead_code)]

pub type Id = u128;

/// GUID_NULL.
pub const GUID_NULL: Id = 0;

// ---- HRESULTs (§2.3) ----
pub const S_OK: u32 = 0x0000_0000;
pub const S_FALSE: u32 = 0x0000_0001;
pub const S_SYNCMGR_MISSINGITEMS: u32 = 0x0004_0201;
pub const S_SYNCMGR_RETRYSYNC: u32 = 0x0004_0202;
pub const S_SYNCMGR_CANCELITEM: u32 = 0x0004_0203;
pub const S_SYNCMGR_CANCELALL: u32 = 0x0004_0204;
pub const S_SYNCMGR_ITEMDELETED: u32 = 0x0004_0210;
pub const S_SYNCMGR_ENUMITEMS: u32 = 0x0004_0211;
pub const E_NOTIMPL: u32 = 0x8000_4001;
pub const E_NOINTERFACE: u32 = 0x8000_4002;
pub const E_POINTER: u32 = 0x8000_4003;
pub const E_FAIL: u32 = 0x8000_4005;
pub const E_PENDING: u32 = 0x8000_000A;
pub const E_UNEXPECTED: u32 = 0x8000_FFFF;
pub const E_ACCESSDENIED: u32 = 0x8007_0005;
pub const E_OUTOFMEMORY: u32 = 0x8007_000E;
pub const E_INVALIDARG: u32 = 0x8007_0057;

// ---- SYNCMGRSTATUS (§2.1) ----
pub const STATUS_STOPPED: u32 = 0x0;
pub const STATUS_SKIPPED: u32 = 0x1;
pub const STATUS_PENDING: u32 = 0x2;
pub const STATUS_UPDATING: u32 = 0x3;
pub const STATUS_SUCCEEDED: u32 = 0x4;
pub const STATUS_FAILED: u32 = 0x5;
pub const STATUS_PAUSED: u32 = 0x6;
pub const STATUS_RESUMING: u32 = 0x7;
pub const STATUS_UPDATING_INDETERMINATE: u32 = 0x8;
pub const STATUS_DELETED: u32 = 0x100;
/// Every valid status DWORD.
pub const ALL_STATUSES: [u32; 10] = [
    STATUS_STOPPED,
    STATUS_SKIPPED,
    STATUS_PENDING,
    STATUS_UPDATING,
    STATUS_SUCCEEDED,
    STATUS_FAILED,
    STATUS_PAUSED,
    STATUS_RESUMING,
    STATUS_UPDATING_INDETERMINATE,
    STATUS_DELETED,
];

// ---- masks and flags (§2.2) ----
pub const INIT_FLAGS_ALLOWED: u32 = 0x3FF;
pub const HANDLER_FLAGS_ALLOWED: u32 = 0xF;
pub const ITEM_FLAGS_ALLOWED: u32 = 0x7F;
pub const PROGRESS_STATUSTEXT: u32 = 0x1;
pub const PROGRESS_STATUSTYPE: u32 = 0x2;
pub const PROGRESS_PROGVALUE: u32 = 0x4;
pub const PROGRESS_MAXVALUE: u32 = 0x8;
pub const PROGRESS_MASK_ALLOWED: u32 = 0xF;
pub const LOG_ERRORFLAGS: u32 = 0x1;
pub const LOG_ERRORID: u32 = 0x2;
pub const LOG_ITEMID: u32 = 0x4;
pub const LOG_MASK_ALLOWED: u32 = 0x7;
pub const LOG_LEVEL_INFORMATION: u32 = 1;
pub const LOG_LEVEL_WARNING: u32 = 2;
pub const LOG_LEVEL_ERROR: u32 = 3;
/// Handler name: at most 31 UTF-16 units (32 with the NUL).
pub const MAX_HANDLER_NAME_UNITS: usize = 31;
/// Item name: at most 127 UTF-16 units (128 with the NUL).
pub const MAX_ITEM_NAME_UNITS: usize = 127;

// ---- default limits (§7) ----
pub const DEFAULT_MAX_ITEMS: usize = 1_048_576;
pub const DEFAULT_MAX_ERROR_IDS: usize = 65_536;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    PrepareForSync,
    Synchronize,
    ShowProperties,
    ShowError,
}

/// One SYNCMGRITEM as the handler enumerates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawItem {
    pub id: Id,
    pub name_utf16_len: usize,
    pub flags: u32,
    pub state: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    Initialize {
        reserved: u32,
        flags: u32,
        answer: u32,
    },
    GetHandlerInfo {
        answer: u32,
        name_utf16_len: usize,
        flags: u32,
    },
    EnumSyncMgrItems {
        answer: u32,
        items: Vec<RawItem>,
    },
    GetItemObject {
        item: Id,
    },
    SetProgressCallback {
        set: bool,
    },
    PrepareForSync {
        items: Vec<Id>,
        reserved: u32,
    },
    Synchronize,
    SetItemStatus {
        item: Id,
        status: u32,
    },
    ShowProperties {
        item: Id,
    },
    ShowError {
        error: Id,
    },
    Return {
        method: Method,
        hr: u32,
    },
    PrepareForSyncCompleted {
        hr: u32,
    },
    SynchronizeCompleted {
        hr: u32,
    },
    ShowPropertiesCompleted {
        hr: u32,
    },
    ShowErrorCompleted {
        hr: u32,
        items: Vec<Id>,
    },
    EnableModeless {
        enable: bool,
        answer: u32,
    },
    Progress {
        item: Id,
        mask: u32,
        status: u32,
        value: i32,
        max: i32,
        answer: u32,
    },
    LogError {
        level: u32,
        mask: u32,
        error_flags: u32,
        error_id: Id,
        item: Id,
    },
    DeleteLogError {
        error: Id,
        reserved: u32,
    },
    EstablishConnection {
        has_name: bool,
        reserved: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefVerdict {
    /// 0 when accepted; otherwise the HRESULT the contract answers.
    pub hr: u32,
    /// The rule id of the event's own rule.
    pub rule: &'static str,
    /// Some exactly on the event by which the pass reaches `Finished`:
    /// (items that never reached a final status, skip requests not honoured), in selection order.
    pub report: Option<(Vec<Id>, Vec<Id>)>,
}

/// §4 Life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Life {
    Created,
    Ready,
    Declined,
    Released,
}

/// §4 Pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    Idle,
    Preparing,
    PreparingDone(u32),
    AwaitPrepareCompletion,
    Prepared,
    Synchronizing,
    SynchronizingDone(u32),
    AwaitSyncCompletion,
    Finished(u32),
    Abandoned,
}

/// §4 Properties UI / Error UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ui {
    Closed,
    Open,
    Completed,
    Returned,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelItem {
    pub id: Id,
    pub status: u32,
    pub skip_requested: bool,
    pub value: Option<i32>,
    pub max: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub life: Life,
    pub bound: bool,
    pub pass: Pass,
    pub catalog: Option<Vec<Id>>,
    pub selection: Vec<SelItem>,
    pub properties_ui: Ui,
    pub error_ui: Ui,
    pub gate_open: bool,
    /// Sorted ascending.
    pub error_log: Vec<Id>,
    pub retry: Vec<Id>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefModel {
    compatible: bool,
    max_items: usize,
    max_error_ids: usize,
    life: Life,
    bound: bool,
    pass: Pass,
    catalog: Option<Vec<Id>>,
    selection: Vec<SelItem>,
    properties_ui: Ui,
    error_ui: Ui,
    gate_open: bool,
    error_log: Vec<Id>,
    retry: Vec<Id>,
}

// ---------------------------------------------------------------------------------------------
// Small helpers (plain predicates from the contract text)
// ---------------------------------------------------------------------------------------------

/// FAILED(hr): the severity bit is set.
pub fn is_failure(hr: u32) -> bool {
    hr & 0x8000_0000 != 0
}

/// §2.1: the status DWORD is one of the ten values.
pub fn is_valid_status(status: u32) -> bool {
    ALL_STATUSES.contains(&status)
}

/// §6: SUCCEEDED, FAILED, SKIPPED, STOPPED, DELETED.
pub fn is_final_status(status: u32) -> bool {
    status == STATUS_SUCCEEDED
        || status == STATUS_FAILED
        || status == STATUS_SKIPPED
        || status == STATUS_STOPPED
        || status == STATUS_DELETED
}

/// §6 item status transitions (both arguments must be valid statuses).
pub fn status_transition_allowed(from: u32, to: u32) -> bool {
    // Reporting the current status again is always allowed.
    if from == to {
        return true;
    }
    // A final status -> FAILED only.
    if is_final_status(from) {
        return to == STATUS_FAILED;
    }
    if from == STATUS_PENDING {
        return to == STATUS_UPDATING || to == STATUS_UPDATING_INDETERMINATE || is_final_status(to);
    }
    if from == STATUS_UPDATING || from == STATUS_UPDATING_INDETERMINATE {
        return to == STATUS_UPDATING
            || to == STATUS_UPDATING_INDETERMINATE
            || to == STATUS_PAUSED
            || is_final_status(to);
    }
    if from == STATUS_PAUSED {
        return to == STATUS_RESUMING || is_final_status(to);
    }
    if from == STATUS_RESUMING {
        return to == STATUS_UPDATING || to == STATUS_UPDATING_INDETERMINATE || is_final_status(to);
    }
    false
}

fn has_duplicates(ids: &[Id]) -> bool {
    for i in 0..ids.len() {
        for j in (i + 1)..ids.len() {
            if ids[i] == ids[j] {
                return true;
            }
        }
    }
    false
}

fn accept(rule: &'static str) -> RefVerdict {
    RefVerdict {
        hr: S_OK,
        rule,
        report: None,
    }
}

fn reject(rule: &'static str, hr: u32) -> RefVerdict {
    RefVerdict {
        hr,
        rule,
        report: None,
    }
}

/// The rule id of an event's own rule.
pub fn rule_of(ev: &Ev) -> &'static str {
    match ev {
        Ev::Initialize { .. } => "R-INIT",
        Ev::GetHandlerInfo { .. } => "R-INFO",
        Ev::EnumSyncMgrItems { .. } => "R-ENUM",
        Ev::GetItemObject { .. } => "R-OBJ",
        Ev::SetProgressCallback { .. } => "R-CB",
        Ev::PrepareForSync { .. } => "R-PREP",
        Ev::Synchronize => "R-SYNC",
        Ev::SetItemStatus { .. } => "R-SIS",
        Ev::ShowProperties { .. } => "R-PROPS",
        Ev::ShowError { .. } => "R-ERR",
        Ev::Return {
            method: Method::PrepareForSync,
            ..
        } => "R-PREP-RET",
        Ev::Return {
            method: Method::Synchronize,
            ..
        } => "R-SYNC-RET",
        Ev::Return {
            method: Method::ShowProperties,
            ..
        } => "R-PROPS-RET",
        Ev::Return {
            method: Method::ShowError,
            ..
        } => "R-ERR-RET",
        Ev::PrepareForSyncCompleted { .. } => "R-PREP-DONE",
        Ev::SynchronizeCompleted { .. } => "R-SYNC-DONE",
        Ev::ShowPropertiesCompleted { .. } => "R-PROPS-DONE",
        Ev::ShowErrorCompleted { .. } => "R-ERR-DONE",
        Ev::EnableModeless { .. } => "R-MODAL",
        Ev::Progress { .. } => "R-PROG",
        Ev::LogError { .. } => "R-LOG",
        Ev::DeleteLogError { .. } => "R-DELLOG",
        Ev::EstablishConnection { .. } => "R-CONN",
    }
}

impl RefModel {
    pub fn new(compatible: bool, max_items: usize, max_error_ids: usize) -> Self {
        RefModel {
            compatible,
            max_items,
            max_error_ids,
            life: Life::Created,
            bound: false,
            pass: Pass::Idle,
            catalog: None,
            selection: Vec::new(),
            properties_ui: Ui::Closed,
            error_ui: Ui::Closed,
            gate_open: false,
            error_log: Vec::new(),
            retry: Vec::new(),
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let mut error_log = self.error_log.clone();
        error_log.sort_unstable();
        Snapshot {
            life: self.life,
            bound: self.bound,
            pass: self.pass,
            catalog: self.catalog.clone(),
            selection: self.selection.clone(),
            properties_ui: self.properties_ui,
            error_ui: self.error_ui,
            gate_open: self.gate_open,
            error_log,
            retry: self.retry.clone(),
        }
    }

    // ---- state predicates ----

    /// §4 Life.
    pub fn life(&self) -> Life {
        self.life
    }

    /// §4: a pass is in progress from Preparing to AwaitSyncCompletion inclusive (SynchronizingDone too).
    pub fn pass_in_progress(&self) -> bool {
        matches!(
            self.pass,
            Pass::Preparing
                | Pass::PreparingDone(_)
                | Pass::AwaitPrepareCompletion
                | Pass::Prepared
                | Pass::Synchronizing
                | Pass::SynchronizingDone(_)
                | Pass::AwaitSyncCompletion
        )
    }

    /// §4: the reporting window.
    pub fn in_reporting_window(&self) -> bool {
        matches!(
            self.pass,
            Pass::Preparing
                | Pass::PreparingDone(_)
                | Pass::AwaitPrepareCompletion
                | Pass::Prepared
                | Pass::Synchronizing
                | Pass::AwaitSyncCompletion
        )
    }

    fn catalog_contains(&self, id: Id) -> bool {
        match &self.catalog {
            Some(cat) => cat.contains(&id),
            None => false,
        }
    }

    fn selection_index(&self, id: Id) -> Option<usize> {
        self.selection.iter().position(|s| s.id == id)
    }

    /// §6 end-of-pass report.
    fn end_of_pass_report(&self) -> (Vec<Id>, Vec<Id>) {
        let mut never_final = Vec::new();
        let mut skips_not_honoured = Vec::new();
        for it in &self.selection {
            if !is_final_status(it.status) {
                // (a) only, even with a skip request: the lists are disjoint (revision 4).
                never_final.push(it.id);
            } else if it.skip_requested
                && it.status != STATUS_SKIPPED
                && it.status != STATUS_STOPPED
            {
                skips_not_honoured.push(it.id);
            }
        }
        (never_final, skips_not_honoured)
    }

    /// Moves the pass to Finished(hr) and returns the accepted verdict carrying the report.
    fn finish_pass(&mut self, rule: &'static str, hr: u32) -> RefVerdict {
        self.pass = Pass::Finished(hr);
        let report = self.end_of_pass_report();
        RefVerdict {
            hr: S_OK,
            rule,
            report: Some(report),
        }
    }

    // ---------------------------------------------------------------------------------------------
    // apply
    // ---------------------------------------------------------------------------------------------

    /// Applies one event. R-ATOMIC: a rejected event changes nothing.
    pub fn apply(&mut self, ev: &Ev) -> RefVerdict {
        let rule = rule_of(ev);
        // §4 Life: in Declined and Released every later event is rejected with E_UNEXPECTED.
        if self.life == Life::Declined || self.life == Life::Released {
            return reject(rule, E_UNEXPECTED);
        }
        match ev {
            Ev::Initialize {
                reserved,
                flags,
                answer,
            } => self.initialize(rule, *reserved, *flags, *answer),
            Ev::GetHandlerInfo {
                answer,
                name_utf16_len,
                flags,
            } => self.get_handler_info(rule, *answer, *name_utf16_len, *flags),
            Ev::EnumSyncMgrItems { answer, items } => self.enum_items(rule, *answer, items),
            Ev::GetItemObject { .. } => self.get_item_object(rule),
            Ev::SetProgressCallback { set } => self.set_progress_callback(rule, *set),
            Ev::PrepareForSync { items, reserved: _ } => self.prepare_for_sync(rule, items),
            Ev::Synchronize => self.synchronize(rule),
            Ev::SetItemStatus { item, status } => self.set_item_status(rule, *item, *status),
            Ev::ShowProperties { item } => self.show_properties(rule, *item),
            Ev::ShowError { error } => self.show_error(rule, *error),
            Ev::Return { method, hr } => match method {
                Method::PrepareForSync => self.return_prepare_for_sync(rule, *hr),
                Method::Synchronize => self.return_synchronize(rule, *hr),
                Method::ShowProperties => self.return_show_properties(rule, *hr),
                Method::ShowError => self.return_show_error(rule, *hr),
            },
            Ev::PrepareForSyncCompleted { hr } => self.prepare_for_sync_completed(rule, *hr),
            Ev::SynchronizeCompleted { hr } => self.synchronize_completed(rule, *hr),
            Ev::ShowPropertiesCompleted { hr: _ } => self.show_properties_completed(rule),
            Ev::ShowErrorCompleted { hr, items } => self.show_error_completed(rule, *hr, items),
            Ev::EnableModeless { enable, answer } => self.enable_modeless(rule, *enable, *answer),
            Ev::Progress {
                item,
                mask,
                status,
                value,
                max,
                answer,
            } => self.progress(rule, *item, *mask, *status, *value, *max, *answer),
            Ev::LogError {
                level,
                mask,
                error_flags: _,
                error_id,
                item,
            } => self.log_error(rule, *level, *mask, *error_id, *item),
            Ev::DeleteLogError { error, reserved } => {
                self.delete_log_error(rule, *error, *reserved)
            }
            Ev::EstablishConnection {
                has_name: _,
                reserved,
            } => self.establish_connection(rule, *reserved),
        }
    }

    // ---------------------------------------------------------------------------------------------
    // §5.1 Calls into the handler
    // ---------------------------------------------------------------------------------------------

    /// R-INIT.
    fn initialize(
        &mut self,
        rule: &'static str,
        reserved: u32,
        flags: u32,
        answer: u32,
    ) -> RefVerdict {
        // (1) life Created
        if self.life != Life::Created {
            return reject(rule, E_UNEXPECTED);
        }
        // (2) reserved ≠ 0; flag bits outside 0x3FF. (An event byte outside 1..6 is MANUAL: accepted.)
        if reserved != 0 {
            return reject(rule, E_INVALIDARG);
        }
        if flags & !INIT_FLAGS_ALLOWED != 0 {
            return reject(rule, E_INVALIDARG);
        }
        // The handler's answer decides Ready or Declined.
        if answer == S_OK {
            self.life = Life::Ready;
        } else {
            self.life = Life::Declined;
        }
        accept(rule)
    }

    /// R-INFO.
    fn get_handler_info(
        &mut self,
        rule: &'static str,
        answer: u32,
        name_len: usize,
        flags: u32,
    ) -> RefVerdict {
        // (1) life Ready
        if self.life != Life::Ready {
            return reject(rule, E_UNEXPECTED);
        }
        // A failure answer hands out nothing: not checked, changes nothing.
        if is_failure(answer) {
            return accept(rule);
        }
        // (2) the handler's info: name ≤ 31 UTF-16 units, flags ⊆ 0xF.
        if name_len > MAX_HANDLER_NAME_UNITS {
            return reject(rule, E_INVALIDARG);
        }
        if flags & !HANDLER_FLAGS_ALLOWED != 0 {
            return reject(rule, E_INVALIDARG);
        }
        accept(rule)
    }

    /// R-ENUM.
    fn enum_items(&mut self, rule: &'static str, answer: u32, items: &[RawItem]) -> RefVerdict {
        // (1) life Ready (also during a pass)
        if self.life != Life::Ready {
            return reject(rule, E_UNEXPECTED);
        }
        // A failure answer hands out nothing: not checked, changes nothing.
        if is_failure(answer) {
            return accept(rule);
        }
        // (2) duplicate ItemIDs, GUID_NULL, names > 127, flags ⊄ 0x7F, state ∉ {0,1}
        let ids: Vec<Id> = items.iter().map(|it| it.id).collect();
        if has_duplicates(&ids) {
            return reject(rule, E_INVALIDARG);
        }
        for it in items {
            if it.id == GUID_NULL {
                return reject(rule, E_INVALIDARG);
            }
            if it.name_utf16_len > MAX_ITEM_NAME_UNITS {
                return reject(rule, E_INVALIDARG);
            }
            if it.flags & !ITEM_FLAGS_ALLOWED != 0 {
                return reject(rule, E_INVALIDARG);
            }
            if it.state != 0 && it.state != 1 {
                return reject(rule, E_INVALIDARG);
            }
        }
        // (5) more items than the limit
        if items.len() > self.max_items {
            return reject(rule, E_OUTOFMEMORY);
        }
        // Sets the catalog; the selection is unchanged.
        self.catalog = Some(ids);
        accept(rule)
    }

    /// R-OBJ: the answer is always E_NOTIMPL (life Created or Ready; the others were rejected in apply).
    fn get_item_object(&mut self, rule: &'static str) -> RefVerdict {
        if self.life == Life::Created || self.life == Life::Ready {
            return reject(rule, E_NOTIMPL);
        }
        reject(rule, E_UNEXPECTED)
    }

    /// R-CB.
    fn set_progress_callback(&mut self, rule: &'static str, set: bool) -> RefVerdict {
        // (1) life Ready
        if self.life != Life::Ready {
            return reject(rule, E_UNEXPECTED);
        }
        if set {
            // non-NULL binds / rebinds
            self.bound = true;
            return accept(rule);
        }
        // NULL while a pass is in progress or a Properties/Error UI is not Closed -> E_UNEXPECTED
        if self.pass_in_progress() {
            return reject(rule, E_UNEXPECTED);
        }
        if self.properties_ui != Ui::Closed || self.error_ui != Ui::Closed {
            return reject(rule, E_UNEXPECTED);
        }
        // otherwise -> Released
        self.life = Life::Released;
        self.bound = false;
        accept(rule)
    }

    /// R-PREP.
    fn prepare_for_sync(&mut self, rule: &'static str, items: &[Id]) -> RefVerdict {
        // (1) Bound; pass Idle or Finished (a second PrepareForSync during a pass -> E_UNEXPECTED)
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        if !matches!(self.pass, Pass::Idle | Pass::Finished(_)) {
            return reject(rule, E_UNEXPECTED);
        }
        // (2) empty list, duplicates or GUID_NULL
        if items.is_empty() {
            return reject(rule, E_INVALIDARG);
        }
        if has_duplicates(items) {
            return reject(rule, E_INVALIDARG);
        }
        if items.contains(&GUID_NULL) {
            return reject(rule, E_INVALIDARG);
        }
        // (3) with a known catalog, an item outside it
        if self.catalog.is_some() {
            for id in items {
                if !self.catalog_contains(*id) {
                    return reject(rule, E_INVALIDARG);
                }
            }
        }
        // (5) capacity: a selection of at most max_items
        if items.len() > self.max_items {
            return reject(rule, E_OUTOFMEMORY);
        }
        // Replaces the selection whole (every item PENDING) and clears the retry list.
        self.selection = items
            .iter()
            .map(|id| SelItem {
                id: *id,
                status: STATUS_PENDING,
                skip_requested: false,
                value: None,
                max: None,
            })
            .collect();
        self.retry.clear();
        self.pass = Pass::Preparing;
        accept(rule)
    }

    /// R-PREP-RET.
    fn return_prepare_for_sync(&mut self, rule: &'static str, hr: u32) -> RefVerdict {
        match self.pass {
            Pass::Preparing => {
                if hr == S_OK {
                    self.pass = Pass::AwaitPrepareCompletion;
                } else {
                    self.pass = Pass::Abandoned;
                }
                accept(rule)
            }
            Pass::PreparingDone(h) => {
                if hr != S_OK {
                    // completion is owed only for S_OK: anything else after an early completion
                    return reject(rule, E_UNEXPECTED);
                }
                if h == S_OK {
                    self.pass = Pass::Prepared;
                } else {
                    self.pass = Pass::Abandoned;
                }
                accept(rule)
            }
            // no open PrepareForSync call
            _ => reject(rule, E_UNEXPECTED),
        }
    }

    /// R-SYNC.
    fn synchronize(&mut self, rule: &'static str) -> RefVerdict {
        if self.pass != Pass::Prepared {
            return reject(rule, E_UNEXPECTED);
        }
        self.pass = Pass::Synchronizing;
        accept(rule)
    }

    /// R-SYNC-RET.
    fn return_synchronize(&mut self, rule: &'static str, hr: u32) -> RefVerdict {
        match self.pass {
            Pass::Synchronizing => {
                if hr == S_OK {
                    self.pass = Pass::AwaitSyncCompletion;
                    accept(rule)
                } else {
                    self.finish_pass(rule, hr)
                }
            }
            Pass::SynchronizingDone(h) => {
                if hr != S_OK {
                    return reject(rule, E_UNEXPECTED);
                }
                self.finish_pass(rule, h)
            }
            _ => reject(rule, E_UNEXPECTED),
        }
    }

    /// R-SIS (with the §7 compatible-profile extensions).
    fn set_item_status(&mut self, rule: &'static str, item: Id, status: u32) -> RefVerdict {
        // §7 compatible: SetItemStatus(STOPPED) in life Ready with the callback Bound, any phase, any
        // item or GUID_NULL = "stop everything".
        if self.compatible && status == STATUS_STOPPED && self.life == Life::Ready && self.bound {
            if self.pass_in_progress() {
                for it in self.selection.iter_mut() {
                    if !is_final_status(it.status) {
                        it.skip_requested = true;
                    }
                }
            }
            return accept(rule);
        }
        // (1) phase: windows A and B; compatible: SKIPPED also in Prepared.
        let in_window = self.pass == Pass::AwaitPrepareCompletion
            || self.pass == Pass::AwaitSyncCompletion
            || (self.compatible && self.pass == Pass::Prepared && status == STATUS_SKIPPED);
        if !in_window {
            return reject(rule, E_UNEXPECTED);
        }
        // (2) status DWORD not in §2.1; a valid status other than SKIPPED
        if !is_valid_status(status) {
            return reject(rule, E_INVALIDARG);
        }
        if status != STATUS_SKIPPED {
            return reject(rule, E_INVALIDARG);
        }
        // (3) item not in the selection
        let idx = match self.selection_index(item) {
            Some(i) => i,
            None => return reject(rule, E_INVALIDARG),
        };
        // accepted: sets skip-requested (idempotent; on an item already final it changes nothing)
        if !is_final_status(self.selection[idx].status) {
            self.selection[idx].skip_requested = true;
        }
        accept(rule)
    }

    /// R-PROPS.
    fn show_properties(&mut self, rule: &'static str, item: Id) -> RefVerdict {
        // (1) Bound; Properties UI Closed
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        if self.properties_ui != Ui::Closed {
            return reject(rule, E_UNEXPECTED);
        }
        // (3) with a known catalog a non-null item outside it
        if item != GUID_NULL && self.catalog.is_some() && !self.catalog_contains(item) {
            return reject(rule, E_INVALIDARG);
        }
        self.properties_ui = Ui::Open;
        accept(rule)
    }

    /// R-PROPS-RET.
    fn return_show_properties(&mut self, rule: &'static str, hr: u32) -> RefVerdict {
        match self.properties_ui {
            Ui::Open => {
                if is_failure(hr) {
                    self.properties_ui = Ui::Closed;
                } else {
                    self.properties_ui = Ui::Returned;
                }
                accept(rule)
            }
            Ui::Completed => {
                if is_failure(hr) {
                    return reject(rule, E_UNEXPECTED);
                }
                self.properties_ui = Ui::Closed;
                accept(rule)
            }
            _ => reject(rule, E_UNEXPECTED),
        }
    }

    /// R-ERR.
    fn show_error(&mut self, rule: &'static str, error: Id) -> RefVerdict {
        // (1) Bound; Error UI Closed
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        if self.error_ui != Ui::Closed {
            return reject(rule, E_UNEXPECTED);
        }
        // (2) GUID_NULL
        if error == GUID_NULL {
            return reject(rule, E_INVALIDARG);
        }
        // (3) an id not in the error log
        if !self.error_log.contains(&error) {
            return reject(rule, E_INVALIDARG);
        }
        self.error_ui = Ui::Open;
        accept(rule)
    }

    /// R-ERR-RET (as R-PROPS-RET).
    fn return_show_error(&mut self, rule: &'static str, hr: u32) -> RefVerdict {
        match self.error_ui {
            Ui::Open => {
                if is_failure(hr) {
                    self.error_ui = Ui::Closed;
                } else {
                    self.error_ui = Ui::Returned;
                }
                accept(rule)
            }
            Ui::Completed => {
                if is_failure(hr) {
                    return reject(rule, E_UNEXPECTED);
                }
                self.error_ui = Ui::Closed;
                accept(rule)
            }
            _ => reject(rule, E_UNEXPECTED),
        }
    }

    // ---------------------------------------------------------------------------------------------
    // §5.2 Callbacks from the handler (every callback requires Bound)
    // ---------------------------------------------------------------------------------------------

    /// R-PREP-DONE.
    fn prepare_for_sync_completed(&mut self, rule: &'static str, hr: u32) -> RefVerdict {
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        match self.pass {
            Pass::Preparing => {
                self.pass = Pass::PreparingDone(hr);
                accept(rule)
            }
            Pass::AwaitPrepareCompletion => {
                if hr == S_OK {
                    self.pass = Pass::Prepared;
                } else {
                    self.pass = Pass::Abandoned;
                }
                accept(rule)
            }
            _ => reject(rule, E_UNEXPECTED),
        }
    }

    /// R-SYNC-DONE.
    fn synchronize_completed(&mut self, rule: &'static str, hr: u32) -> RefVerdict {
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        match self.pass {
            Pass::Synchronizing => {
                self.pass = Pass::SynchronizingDone(hr);
                accept(rule)
            }
            Pass::AwaitSyncCompletion => self.finish_pass(rule, hr),
            _ => reject(rule, E_UNEXPECTED),
        }
    }

    /// R-PROPS-DONE (the hr is informational only).
    fn show_properties_completed(&mut self, rule: &'static str) -> RefVerdict {
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        match self.properties_ui {
            Ui::Open => {
                self.properties_ui = Ui::Completed;
                accept(rule)
            }
            Ui::Returned => {
                self.properties_ui = Ui::Closed;
                accept(rule)
            }
            _ => reject(rule, E_UNEXPECTED),
        }
    }

    /// R-ERR-DONE.
    fn show_error_completed(&mut self, rule: &'static str, hr: u32, items: &[Id]) -> RefVerdict {
        // (1) Bound; Error UI Open or Returned
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        if self.error_ui != Ui::Open && self.error_ui != Ui::Returned {
            return reject(rule, E_UNEXPECTED);
        }
        // (2) with RETRYSYNC: non-empty, no duplicates, no GUID_NULL; other hr ignore the list
        if hr == S_SYNCMGR_RETRYSYNC {
            if items.is_empty() {
                return reject(rule, E_INVALIDARG);
            }
            if has_duplicates(items) {
                return reject(rule, E_INVALIDARG);
            }
            if items.contains(&GUID_NULL) {
                return reject(rule, E_INVALIDARG);
            }
        }
        if self.error_ui == Ui::Open {
            self.error_ui = Ui::Completed;
        } else {
            self.error_ui = Ui::Closed;
        }
        if hr == S_SYNCMGR_RETRYSYNC {
            self.retry = items.to_vec();
        }
        accept(rule)
    }

    /// R-MODAL.
    fn enable_modeless(&mut self, rule: &'static str, enable: bool, answer: u32) -> RefVerdict {
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        if enable {
            // TRUE: the reporting window, or a Properties/Error UI not Closed; and the gate Shut.
            let allowed = self.in_reporting_window()
                || self.properties_ui != Ui::Closed
                || self.error_ui != Ui::Closed;
            if !allowed {
                return reject(rule, E_UNEXPECTED);
            }
            if self.gate_open {
                return reject(rule, E_UNEXPECTED);
            }
            // S_OK opens the gate; any other answer keeps it shut.
            if answer == S_OK {
                self.gate_open = true;
            }
            accept(rule)
        } else {
            // FALSE: whenever the gate is Open; the answer is ignored.
            if !self.gate_open {
                return reject(rule, E_UNEXPECTED);
            }
            self.gate_open = false;
            accept(rule)
        }
    }

    /// R-PROG.
    #[allow(clippy::too_many_arguments)]
    fn progress(
        &mut self,
        rule: &'static str,
        item: Id,
        mask: u32,
        status: u32,
        value: i32,
        max: i32,
        answer: u32,
    ) -> RefVerdict {
        // (1) Bound; the reporting window
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        if !self.in_reporting_window() {
            return reject(rule, E_UNEXPECTED);
        }
        // (2) mask bits outside 0xF
        if mask & !PROGRESS_MASK_ALLOWED != 0 {
            return reject(rule, E_INVALIDARG);
        }
        let new_value = if mask & PROGRESS_PROGVALUE != 0 {
            Some(value)
        } else {
            None
        };
        let new_max = if mask & PROGRESS_MAXVALUE != 0 {
            Some(max)
        } else {
            None
        };
        // (2) negative value or max
        if let Some(v) = new_value
            && v < 0
        {
            return reject(rule, E_INVALIDARG);
        }
        if let Some(m) = new_max
            && m < 0
        {
            return reject(rule, E_INVALIDARG);
        }
        // (2) value > max, each known from this call or reported earlier for the item in this selection
        let idx = self.selection_index(item);
        let (stored_value, stored_max) = match idx {
            Some(i) => (self.selection[i].value, self.selection[i].max),
            None => (None, None),
        };
        let eff_value = new_value.or(stored_value);
        let eff_max = new_max.or(stored_max);
        if let (Some(v), Some(m)) = (eff_value, eff_max)
            && v > m
        {
            return reject(rule, E_INVALIDARG);
        }
        // (2) with the STATUSTYPE bit the status DWORD must be valid
        let has_status = mask & PROGRESS_STATUSTYPE != 0;
        if has_status && !is_valid_status(status) {
            return reject(rule, E_INVALIDARG);
        }
        // (3) item not in the selection
        let idx = match idx {
            Some(i) => i,
            None => return reject(rule, E_INVALIDARG),
        };
        // (4) the transition must be allowed by §6
        if has_status && !status_transition_allowed(self.selection[idx].status, status) {
            return reject(rule, E_ACCESSDENIED);
        }
        // accepted: store what this call reported
        if has_status {
            self.selection[idx].status = status;
        }
        if new_value.is_some() {
            self.selection[idx].value = new_value;
        }
        if new_max.is_some() {
            self.selection[idx].max = new_max;
        }
        // the manager's answer
        if answer == S_SYNCMGR_CANCELITEM {
            if !is_final_status(self.selection[idx].status) {
                self.selection[idx].skip_requested = true;
            }
        } else if answer == S_SYNCMGR_CANCELALL {
            for it in self.selection.iter_mut() {
                if !is_final_status(it.status) {
                    it.skip_requested = true;
                }
            }
        }
        accept(rule)
    }

    /// R-LOG.
    fn log_error(
        &mut self,
        rule: &'static str,
        level: u32,
        mask: u32,
        error_id: Id,
        item: Id,
    ) -> RefVerdict {
        // (1) Bound
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        // (2) level ∉ 1..3
        if !(LOG_LEVEL_INFORMATION..=LOG_LEVEL_ERROR).contains(&level) {
            return reject(rule, E_INVALIDARG);
        }
        // (2) info mask bits outside 0x7
        if mask & !LOG_MASK_ALLOWED != 0 {
            return reject(rule, E_INVALIDARG);
        }
        let has_error_id = mask & LOG_ERRORID != 0;
        let has_item = mask & LOG_ITEMID != 0;
        // (2) ERRORID with GUID_NULL (compatible: an entry without an id)
        if has_error_id && error_id == GUID_NULL && !self.compatible {
            return reject(rule, E_INVALIDARG);
        }
        // (2) ITEMID with GUID_NULL
        if has_item && item == GUID_NULL {
            return reject(rule, E_INVALIDARG);
        }
        let joins_log = has_error_id && error_id != GUID_NULL;
        // (3) an id already in the log
        if joins_log && self.error_log.contains(&error_id) {
            return reject(rule, E_INVALIDARG);
        }
        // (3) the item must be in the catalog or the selection when either is known
        if has_item {
            let known = self.catalog.is_some() || !self.selection.is_empty();
            let found = self.catalog_contains(item) || self.selection_index(item).is_some();
            if known && !found {
                return reject(rule, E_INVALIDARG);
            }
        }
        // (5) capacity of the error log
        if joins_log && self.error_log.len() >= self.max_error_ids {
            return reject(rule, E_OUTOFMEMORY);
        }
        if joins_log {
            self.error_log.push(error_id);
            self.error_log.sort_unstable();
        }
        accept(rule)
    }

    /// R-DELLOG.
    fn delete_log_error(&mut self, rule: &'static str, error: Id, reserved: u32) -> RefVerdict {
        // (1) Bound
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        // (2) reserved ≠ 0
        if reserved != 0 {
            return reject(rule, E_INVALIDARG);
        }
        // GUID_NULL deletes all this instance logged (also when none)
        if error == GUID_NULL {
            self.error_log.clear();
            return accept(rule);
        }
        // (3) an unknown id
        let pos = match self.error_log.iter().position(|e| *e == error) {
            Some(p) => p,
            None => return reject(rule, E_INVALIDARG),
        };
        self.error_log.remove(pos);
        accept(rule)
    }

    /// R-CONN.
    fn establish_connection(&mut self, rule: &'static str, reserved: u32) -> RefVerdict {
        // (1) Bound; the reporting window
        if !self.bound {
            return reject(rule, E_UNEXPECTED);
        }
        if !self.in_reporting_window() {
            return reject(rule, E_UNEXPECTED);
        }
        // (2) reserved ≠ 0 (a NULL name = the default connection: accepted)
        if reserved != 0 {
            return reject(rule, E_INVALIDARG);
        }
        accept(rule)
    }
}
