//! The rule tables are data, and `docs/rules.md` (shown in the rustdoc of `mobsync::rules`) is
//! their committed rendering. Run with `MOBSYNC_BLESS=1` to rewrite it after changing a table.

use mobsync::rules::{self, PassEvent, PassRow, Target};
use mobsync::{EventKind, Rule};

#[test]
fn committed_rendering_of_the_tables_matches_the_data() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    let rendered = rules::render_markdown();
    if std::env::var_os("MOBSYNC_BLESS").is_some() {
        std::fs::write(path, &rendered).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap().replace("\r\n", "\n");
    assert!(
        committed == rendered,
        "docs/rules.md drifted from the tables in src/rules/; rerun with MOBSYNC_BLESS=1"
    );
}

#[test]
fn every_rule_id_parses_back_and_every_event_names_its_rule() {
    for rule in Rule::ALL {
        assert_eq!(rule.id().parse(), Ok(rule));
        assert!(rule.id().starts_with("R-"));
    }
    for kind in EventKind::ALL {
        assert_eq!(
            u8::from(kind.is_call()) + u8::from(kind.is_return()) + u8::from(kind.is_callback()),
            1,
            "{kind}"
        );
    }
    assert_eq!(EventKind::ALL.len(), 23);
}

#[test]
fn only_the_pass_events_and_returns_move_the_pass() {
    // Columns that only check a window never move the phase.
    let window_only = [
        PassEvent::SetItemStatus,
        PassEvent::SetItemStatusSkippedCompatible,
        PassEvent::Progress,
        PassEvent::EstablishConnection,
        PassEvent::EnableModelessTrue,
        PassEvent::ReleaseCallback,
    ];
    for row in PassRow::ALL {
        for event in window_only {
            let cell = rules::pass_cell(row, event);
            for target in [cell.on_ok, cell.otherwise] {
                assert!(
                    matches!(target, Target::Reject | Target::Stay),
                    "{row:?} {event:?}"
                );
            }
        }
    }
}

#[test]
fn every_rule_id_has_a_test_named_after_it() {
    let sources = [include_str!("contract_rules.rs")];
    let names: Vec<&str> = sources
        .iter()
        .flat_map(|src| src.lines())
        .filter_map(|line| line.trim_start().strip_prefix("fn "))
        .filter_map(|rest| rest.split('(').next())
        .collect();
    // The COM boundary's rules (CONTRACT §9) are tested by name in mobsync-com
    // (com/tests/com_rules.rs), whose own test checks that.
    for rule in Rule::ALL
        .into_iter()
        .filter(|rule| !rule.id().starts_with("R-COM-"))
    {
        let snake = rule.id().to_lowercase().replace('-', "_");
        let found = names.iter().any(|name| {
            name.split("_and_").any(|part| part.starts_with(&snake))
                || name.starts_with(&format!("{snake}_"))
        });
        assert!(found, "no test named after {rule}");
    }
}
