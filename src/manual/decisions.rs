//! # Decisions where the contract is silent
//!
//! Microsoft documents the calls, the callbacks and their values, but not every order of events,
//! nor what a handler may report once a pass is over. CONTRACT.md marks every place where the
//! project had to decide with **\[D\]**; the crate adds a few more where even CONTRACT.md left a
//! choice. Each is listed here with its home in the code, so a reader can check it and a test
//! names it.
//!
//! ## Taken in CONTRACT.md
//!
//! | decision | where |
//! |---|---|
//! | **R-ATOMIC**: a rejected event changes nothing | every decision is made on `&self` before `apply` runs ([`engine`](super::engine)) |
//! | The check order of §5: window, argument values, identity, transition, capacity; the first failing check decides | [`Check`](crate::Check), in that order; each rule's decision checks in it |
//! | Who is at fault for a refusal (§5) | [`rules::fault`](crate::rules::fault): one function for the checker, the simulator and the COM layer |
//! | R-CB: SetProgressCallback(NULL) is refused while a pass is in progress or a UI is open | the pass table's `SetProgressCallback NULL` column and the UI table |
//! | R-CONN: EstablishConnection only in the reporting window | the pass table's `EstablishConnection` column |
//! | §6: the item status graph (after a final status only FAILED) | [`rules::status_successors`](crate::rules::status_successors) |
//! | §6: the end-of-pass report, made on whichever event reaches `Finished` | [`PassReport`](crate::PassReport) |
//! | §7: the compatible profile (STOPPED as "stop everything", SKIPPED in `Prepared`, LogError with a GUID_NULL id) | rows of the data: [`rules::set_item_status_column`](crate::rules::set_item_status_column), [`rules::null_error_id`](crate::rules::null_error_id) |
//! | §7: the limits (1,048,576 items, 65,536 error ids) | [`Limits`](crate::Limits) |
//!
//! ## Taken by the crate
//!
//! - **A GetHandlerInfo or EnumSyncMgrItems outside its window is the manager's fault**, not a
//!   handler violation: §5 says "invalid data the handler hands out" is the handler's, and data
//!   handed out at a time the manager should not have asked is not invalid — the handler must
//!   answer E_UNEXPECTED, and only another answer is a violation. Before, the simulator counted
//!   it as the handler's; the trace checker did not. [`rules::fault`](crate::rules::fault)
//!   decides for both now.
//! - **A Progress answer other than S_SYNCMGR_CANCELITEM or S_SYNCMGR_CANCELALL means "go on"**
//!   ([`ProgressAnswer::from_hresult`](crate::ProgressAnswer::from_hresult)): §5.2 gives meaning
//!   to those two only.
//! - **A cancel-all (or the compatible STOPPED) reaches the items not final at that moment**,
//!   including items that become final later; the engine records it as one epoch in O(1)
//!   instead of touching every item ([`engine`](super::engine)).
//! - **SetProgressCallback(NULL) unbinds as well as releasing.**
//! - **In the compatible profile, only SKIPPED is opened in `Prepared`**; any other status there
//!   is still E_UNEXPECTED. The compatible STOPPED needs a bound callback ("once a callback is
//!   bound"); without one it is refused as `Unbound`.
//! - **The modal gate is not reset** when a pass ends or a UI closes: R-MODAL says nothing of it.
//! - **LogError's `dwSyncMgrErrorFlags` are not validated**, and entries logged without an id are
//!   counted ([`Instance::anonymous_errors`](crate::Instance::anonymous_errors)) and cleared by
//!   DeleteLogError(GUID_NULL).
//! - **A selection holds at most 2^27 items** whatever the configured limit
//!   ([`Limits::CEILING_ITEMS`](crate::Limits::CEILING_ITEMS)): positions are packed into 27 bits.
//! - **Traces** (TRACE.md leaves these to the checker): a one-line `PrepareForSync … => HR` (and
//!   Synchronize, ShowProperties, ShowError) is decided by its entry's rule, or by its return's
//!   once the entry is accepted; the end-of-pass report is appended to the finishing event's line
//!   even when both lists are empty; a Progress answer is recognised by value (`0x00040203` is
//!   S_SYNCMGR_CANCELITEM).
