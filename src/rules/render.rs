//! The tables of [`crate::rules`] rendered as Markdown and as a Mermaid state diagram, generated
//! from the data (the crate's documentation of `rules` shows the Markdown; a test keeps
//! `docs/rules.md` equal to it).

use core::fmt;

use super::status::status_successors;
use super::tables::{
    Cell, PassEvent, Target, UiEvent, fault, gate_cell, null_error_id, pass_cell,
    set_item_status_column, ui_target,
};
use crate::rule::{Check, EventKind, Fault, Profile};
use crate::state::PassRow;
use crate::state::{Gate, PhaseKind, UiPhase};
use crate::status::SyncMgrStatus;

fn target_text<S: fmt::Debug>(target: Target<S>) -> String {
    match target {
        Target::Reject => "E_UNEXPECTED".to_owned(),
        Target::Stay => "stays".to_owned(),
        Target::Go(state) => format!("→ {state:?}"),
    }
}

fn cell_text<S: fmt::Debug + PartialEq + Copy>(cell: Cell<S>, ok: &str, other: &str) -> String {
    if cell.on_ok == cell.otherwise {
        target_text(cell.on_ok)
    } else {
        format!(
            "{ok}: {}; {other}: {}",
            target_text(cell.on_ok),
            target_text(cell.otherwise)
        )
    }
}

/// The tables of this module as Markdown: the pass table, the UI table, the modal gate table,
/// the pass region as a Mermaid diagram ([`render_mermaid`]) and the status graph. The crate's documentation of this module shows this rendering.
///
/// ```
/// let md = mobsync::rules::render_markdown();
/// assert!(md.contains("| Prepared |"));
/// ```
#[must_use]
pub fn render_markdown() -> String {
    let mut out = String::new();
    out.push_str("## The pass table\n\n");
    out.push_str(
        "Rows are pass phases, columns the events the phase decides. `S_OK:`/`else:` split a \
         cell by the event's HRESULT (exactly S_OK or anything else). A move into \
         PreparingDone, SynchronizingDone or Finished carries the early completion's HRESULT \
         when the phase has one, else the event's. EnableModeless TRUE is also allowed while a \
         Properties or Error UI is not Closed.\n\n",
    );
    out.push_str("| phase |");
    for event in PassEvent::ALL {
        out.push_str(&format!(" {} |", column_label(event)));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(PassEvent::ALL.len()));
    out.push('\n');
    for row in PassRow::ALL {
        out.push_str(&format!("| {} |", row.label()));
        for event in PassEvent::ALL {
            out.push_str(&format!(
                " {} |",
                cell_text(pass_cell(row, event), "S_OK", "else")
            ));
        }
        out.push('\n');
    }
    out.push_str("\n## The Properties UI and Error UI table\n\n");
    out.push_str("| UI |");
    for event in UiEvent::ALL {
        out.push_str(&format!(" {} |", event.label()));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(UiEvent::ALL.len()));
    out.push('\n');
    for state in [
        UiPhase::Closed,
        UiPhase::Open,
        UiPhase::Completed,
        UiPhase::Returned,
    ] {
        out.push_str(&format!("| {state:?} |"));
        for event in UiEvent::ALL {
            out.push_str(&format!(" {} |", target_text(ui_target(state, event))));
        }
        out.push('\n');
    }
    out.push_str("\n## The modal gate table\n\n");
    out.push_str("`S_OK:`/`else:` split a cell by the manager's answer.\n\n");
    out.push_str("| gate | EnableModeless TRUE | EnableModeless FALSE |\n|---|---|---|\n");
    for gate in [Gate::Shut, Gate::Open] {
        out.push_str(&format!(
            "| {gate:?} | {} | {} |\n",
            cell_text(gate_cell(gate, true), "S_OK", "else"),
            cell_text(gate_cell(gate, false), "S_OK", "else")
        ));
    }
    out.push_str("\n## The pass region as a state diagram\n\n```mermaid\n");
    out.push_str(&render_mermaid());
    out.push_str("```\n");
    out.push_str("\n## The compatible profile's rows (CONTRACT §7)\n\n");
    out.push_str("| profile | SetItemStatus STOPPED | SetItemStatus SKIPPED | SetItemStatus, other statuses | LogError with a GUID_NULL error id |\n|---|---|---|---|---|\n");
    for profile in [Profile::Documented, Profile::Compatible] {
        let column =
            |status: SyncMgrStatus| column_label(set_item_status_column(profile, status as u32));
        out.push_str(&format!(
            "| {profile:?} | {} | {} | {} | {:?} |\n",
            column(SyncMgrStatus::Stopped),
            column(SyncMgrStatus::Skipped),
            column(SyncMgrStatus::Pending),
            null_error_id(profile)
        ));
    }
    out.push_str("\n## Who is at fault for a refusal (CONTRACT §5)\n\n");
    out.push_str("`Manager`: the handler must answer the refusal (only another answer is a violation). `Handler`: a violation.\n\n");
    let checks = [
        Check::Window,
        Check::Argument,
        Check::Identity,
        Check::Transition,
        Check::Capacity,
    ];
    out.push_str("| event |");
    for check in checks {
        out.push_str(&format!(" {check:?} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(checks.len()));
    out.push('\n');
    for kind in EventKind::ALL {
        out.push_str(&format!("| {} |", kind.name()));
        for check in checks {
            let who = match fault(kind, check) {
                Fault::Manager => "Manager",
                Fault::Handler => "Handler",
            };
            out.push_str(&format!(" {who} |"));
        }
        out.push('\n');
    }
    out.push_str("\n## The item status graph\n\n");
    out.push_str("Any other move is refused with E_ACCESSDENIED.\n\n");
    out.push_str("| from | may move to |\n|---|---|\n");
    for from in SyncMgrStatus::ALL {
        let to: Vec<&str> = status_successors(from)
            .iter()
            .map(SyncMgrStatus::short_name)
            .collect();
        out.push_str(&format!("| {} | {} |\n", from.short_name(), to.join(", ")));
    }
    out
}

/// A pass-table column's label: its event's name and what narrows it.
fn column_label(column: PassEvent) -> String {
    format!("{}{}", column.event().name(), column.qualifier())
}

impl PassRow {
    const fn label(self) -> &'static str {
        match self {
            Self::Idle => "Idle",
            Self::Preparing => "Preparing",
            Self::PreparingDoneOk => "PreparingDone(S_OK)",
            Self::PreparingDoneFailed => "PreparingDone(≠S_OK)",
            Self::AwaitPrepareCompletion => "AwaitPrepareCompletion (A)",
            Self::Prepared => "Prepared",
            Self::Synchronizing => "Synchronizing",
            Self::SynchronizingDone => "SynchronizingDone",
            Self::AwaitSyncCompletion => "AwaitSyncCompletion (B)",
            Self::Finished => "Finished",
            Self::Abandoned => "Abandoned",
        }
    }

    const fn mermaid_id(self) -> &'static str {
        match self {
            Self::PreparingDoneOk => "PreparingDoneOk",
            Self::PreparingDoneFailed => "PreparingDoneFailed",
            Self::AwaitPrepareCompletion => "AwaitPrepareCompletion",
            Self::AwaitSyncCompletion => "AwaitSyncCompletion",
            other => other.label(),
        }
    }
}

/// The pass region as a Mermaid state diagram, generated from [`pass_cell`]: one edge per move,
/// labelled with the event and, where the cell splits, its HRESULT.
///
/// ```
/// let diagram = mobsync::rules::render_mermaid();
/// assert!(diagram.starts_with("stateDiagram-v2"));
/// assert!(diagram.contains("Prepared --> Synchronizing: Synchronize"));
/// ```
#[must_use]
pub fn render_mermaid() -> String {
    let mut out = String::from("stateDiagram-v2\n");
    for row in PassRow::ALL {
        if row.mermaid_id() != row.label() {
            out.push_str(&format!(
                "    state \"{}\" as {}\n",
                row.label(),
                row.mermaid_id()
            ));
        }
    }
    out.push_str("    [*] --> Idle\n");
    for row in PassRow::ALL {
        for event in PassEvent::ALL {
            let cell = pass_cell(row, event);
            let split = cell.on_ok != cell.otherwise;
            for (target, ok, suffix) in [
                (cell.on_ok, true, " S_OK"),
                (cell.otherwise, false, " ≠S_OK"),
            ] {
                if let Target::Go(kind) = target {
                    // A cell that does not split is one edge, unless its target splits by the
                    // carried HRESULT (a move into PreparingDone).
                    if !split && !ok && kind != PhaseKind::PreparingDone {
                        continue;
                    }
                    let splits_here = split || kind == PhaseKind::PreparingDone;
                    let label = format!(
                        "{}{}",
                        column_label(event),
                        if splits_here { suffix } else { "" }
                    );
                    let to = kind.row(ok);
                    out.push_str(&format!(
                        "    {} --> {}: {label}\n",
                        row.mermaid_id(),
                        to.mermaid_id()
                    ));
                }
            }
        }
    }
    out.push_str("    Finished --> [*]\n    Abandoned --> [*]\n");
    out
}
