//! # The skip board's memory-ordering protocol
//!
//! A handler's worker threads ask "was this item asked to skip or cancel?" while the manager's
//! thread may hold the engine's lock for a long PrepareForSync. [`SharedInstance`](crate::SharedInstance)
//! answers without the lock through a [`SkipBoard`](crate::SkipBoard): per item an explicit
//! skip flag and the epoch at which the item became final, and one sweep epoch for the
//! selection (the first cancel-all or stop-all; see [the engine](super::engine)).
//!
//! ## Writers
//!
//! Under the engine's mutex, after each accepted SetItemStatus or Progress, the board mirrors the
//! engine for that item and the sweep. All three values only ever move one way within a
//! selection — the flag false → true, the final epoch never-final → an epoch, the sweep none → an
//! epoch — and they are stored with `Release`, in the engine's order: the item's final epoch,
//! then its flag, then the sweep.
//!
//! ## Readers
//!
//! A reader loads the sweep first, then the item's final epoch, then its flag, each with
//! `Acquire`, and answers `flag || final_at > sweep_at`. If it sees a sweep, it also sees every
//! finality stored before that sweep was, so it never mistakes an item that was final before the
//! sweep for one the sweep reached. Its answer is the engine's answer at some moment during the
//! read.
//!
//! ## What it guarantees
//!
//! A skip request answered S_OK is stored before the answer is returned, and is never cleared
//! while its selection lasts: no worker that asks after the manager got its answer can miss it.
//! A new selection gets a new board; a worker holding the old one keeps reading the old
//! selection's flags. The protocol is model-checked with loom (`RUSTFLAGS="--cfg loom" cargo test
//! --lib --release loom`) and stress-tested with eight threads.
