//! # How the engine works
//!
//! ## One way in, decide then apply
//!
//! [`Instance::handle`](crate::Instance::handle) is the one dispatch. The methods named after
//! the events (`set_item_status`, `progress`, `returned`, …) build their
//! [`Event`](crate::Event) and call it; nothing calls back the other way. For every event but the
//! two hot ones, `handle` asks `decide(&self, event)`, which returns a *plan* — the change to
//! make — or the [`Error`](crate::Error) of the first check that fails, in CONTRACT §5's order.
//! Only then does `apply(&mut self, plan)` change the state, and `apply` is the only code that
//! does. Because `decide` cannot write, a rejected event changes nothing (R-ATOMIC), and
//! [`Instance::check`](crate::Instance::check) is `decide` without `apply`.
//!
//! ## One home per rule
//!
//! Each rule's decision is one function in the file of its region of CONTRACT §4, named in its
//! doc comment by rule id, so a search for `R-DELLOG` lands on it: `life.rs` (R-INIT, R-INFO,
//! R-OBJ, R-CB), `pass.rs` (R-PREP, R-PREP-RET, R-SYNC, R-SYNC-RET, R-PREP-DONE, R-SYNC-DONE,
//! R-CONN), `items.rs` (R-ENUM, R-SIS, R-PROG), `ui.rs` (R-PROPS, R-PROPS-RET, R-PROPS-DONE,
//! R-ERR, R-ERR-RET, R-ERR-DONE, R-MODAL) and `log.rs` (R-LOG, R-DELLOG). The windows are made of
//! the pieces in `window.rs`: life, binding, and the pass table, which nothing else reads. Where
//! a region moves on an event is a table of [`rules`](crate::rules), never a branch: the pass
//! table, the UI table, the gate table, the status graph, and the compatible profile's rows.
//!
//! ## The hot events without a second answer
//!
//! SetItemStatus(SKIPPED) and Progress come by the thousand in a pass; they must cost little
//! more than a hash-map lookup. Two things make them fast:
//!
//! - **Cached windows.** Their window depends only on life, binding, phase and profile, which
//!   change only in `apply`. So `apply` asks the same window functions the generic path asks
//!   (`set_item_status_window`, `progress_window`) and caches their answers, refusal included.
//!   A hot event reads the cached answer: in its window it goes on; out of it, it returns the
//!   cached error, which is exactly the error the generic path would build. There is no second
//!   copy of any window: a unit test flips one cell of the pass table and sees the generic path
//!   (`check`) and the fast path (`handle`) change together.
//! - **One probe.** The selection keeps each item's id and one packed word (position, status
//!   ordinal, skip request) in a 20-byte slot of a hash table. A hot event finds the slot, hands
//!   the word to the same pure judgement the generic path uses (`judge_skip`,
//!   `judge_progress`), and writes only what the judgement answers: nothing when it refuses. Why
//!   a Progress was refused is worked out afterwards, off the hot path, in the order of §5.
//!
//! The model-based tests assert on every generated event that `check` and `handle` answer alike.
//!
//! ## Sweeps in O(1)
//!
//! A cancel-all (S_SYNCMGR_CANCELALL) or the compatible STOPPED asks every item not yet final to
//! skip. Instead of touching every item, the engine counts the items that become final (an
//! *epoch*) and records the epoch of the first sweep: an item has a skip request when it was
//! asked explicitly, or when it became final after the sweep (or never). The same three facts are
//! what the [`SkipBoard`](crate::SkipBoard) publishes ([`skip_board`](super::skip_board)).
