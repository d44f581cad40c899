//! The design manual: why the crate is built as it is. Doc-only modules, no code.
//!
//! - [`decisions`]: the decisions taken where Microsoft's documentation (and so CONTRACT.md) is
//!   silent, each with where it lives and how to see it.
//! - [`engine`]: how the engine decides and applies an event, where each rule's decision lives,
//!   and how the two hot events stay fast without a second answer.
//! - [`skip_board`]: the memory-ordering protocol that lets worker threads read skip and cancel
//!   requests without a lock.

pub mod decisions;
pub mod engine;
pub mod skip_board;
