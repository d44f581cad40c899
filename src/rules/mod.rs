//! The rules as data: the tables the engine reads — the pass table, the UI table, the modal gate
//! table, the item status graph, the compatible profile's rows ([`set_item_status_column`],
//! [`null_error_id`]) and who is at fault for a refusal ([`fault`]). The vocabulary they speak
//! ([`Rule`](crate::Rule), [`EventKind`](crate::EventKind), [`Profile`](crate::Profile),
//! [`Check`](crate::Check), [`Fault`](crate::Fault)) is at the crate root.
//! Each table is one exhaustive `match`; the renderings below are generated from them
//! ([`render_markdown`]), and a test fails when this committed copy drifts from the data.
//!
#![doc = include_str!("../../docs/rules.md")]

mod render;
mod status;
mod tables;

pub use render::{render_markdown, render_mermaid};
pub use status::{StatusSet, status_successors};
pub use tables::{
    Cell, NullErrorId, PassEvent, Target, UiEvent, fault, gate_cell, is_violation, null_error_id,
    pass_cell, set_item_status_column, ui_target,
};

pub use crate::state::PassRow;
