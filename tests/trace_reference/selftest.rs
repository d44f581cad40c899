//! Hand-written cases that pin the reference parser to TRACE.md (revision 4), and property tests of
//! the generators. Interpretation numbers refer to the list at the top of `parser.rs`.

use crate::generate::{mutated_line, trace_bytes, valid_line};
use crate::parser::*;
use proptest::prelude::*;

const G1: &str = "6295df40-0000-4000-8000-000000000001";
const G1V: u128 = 0x6295df40_0000_4000_8000_000000000001;
const A: u128 = 0x3c75e951_8f5f_5001_a563_a6db1373c58a;

fn parse(line: &str) -> Result<RefLine, RefError> {
    RefParser::new().parse_line(1, line)
}

fn ok(line: &str) -> RefLine {
    parse(line).unwrap_or_else(|e| panic!("{line:?} should parse: {e:?}"))
}

fn ev(line: &str) -> RefEvent {
    match ok(line) {
        RefLine::Event(e) => e,
        other => panic!("{line:?} is not an event: {other:?}"),
    }
}

fn kind(line: &str) -> RefKind {
    ev(line).kind
}

fn err_col(line: &str) -> usize {
    match parse(line) {
        Ok(l) => panic!("{line:?} should be in error, parsed as {l:?}"),
        Err(e) => {
            assert_eq!(e.line, 1);
            e.column
        }
    }
}

/// The column of the first occurrence of `needle` in `line` (characters from 1).
fn col_of(line: &str, needle: &str) -> usize {
    let at = line
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {line:?}"));
    line[..at].chars().count() + 1
}

/// `line` is in error at the first occurrence of `needle`.
#[track_caller]
fn err_at(line: &str, needle: &str) {
    assert_eq!(
        err_col(line),
        col_of(line, needle),
        "line {line:?}, expected the error at {needle:?}"
    );
}

/// `line` is in error at the nth (from 0) occurrence of `needle`.
#[track_caller]
fn err_at_nth(line: &str, needle: &str, nth: usize) {
    let (at, _) = line
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in {line:?}"));
    assert_eq!(
        err_col(line),
        line[..at].chars().count() + 1,
        "line {line:?}, expected the error at {needle:?} #{nth}"
    );
}

fn v5(name: &str) -> u128 {
    name_uuid(name)
}

fn trace(text: &str) -> (Vec<(usize, RefLine)>, Option<RefError>) {
    parse_trace(text.as_bytes())
}

// ---------------------------------------------------------------------------------------------
// Events: every form of TRACE.md's "Events" section

#[test]
fn initialize_flags_or_their_parts_cookie_is_validated_and_reserved_defaults_to_zero() {
    assert_eq!(
        kind("Initialize MANUAL|MAYBOTHERUSER"),
        RefKind::Initialize {
            flags: 0x203,
            reserved: 0
        }
    );
    assert_eq!(
        kind("Initialize CONNECT|0x100|SETTINGS cookie=00aBFf reserved=-1"),
        RefKind::Initialize {
            flags: 0x101,
            reserved: 0xFFFF_FFFF
        }
    );
    assert_eq!(
        kind("Initialize 0 cookie="),
        RefKind::Initialize {
            flags: 0,
            reserved: 0
        }
    );
    for (name, v) in [
        ("CONNECT", 1),
        ("PENDINGDISCONNECT", 2),
        ("MANUAL", 3),
        ("IDLE", 4),
        ("INVOKE", 5),
        ("SCHEDULED", 6),
        ("SETTINGS", 0x100),
        ("MAYBOTHERUSER", 0x200),
    ] {
        assert_eq!(
            kind(&format!("Initialize {name}")),
            RefKind::Initialize {
                flags: v,
                reserved: 0
            }
        );
    }
    assert_eq!(ev("Initialize MANUAL => S_FALSE").recorded, Some(1));
    err_at("Initialize MANUAL cookie=0", "cookie");
    err_at("Initialize MANUAL cookie=0x00", "cookie");
    err_at("Initialize MANUAL cookie=0g", "cookie");
    err_at("Initialize manual", "manual");
    err_at("Initialize MANUAL|", "MANUAL");
    err_at("Initialize |MANUAL", "|");
    err_at("Initialize MANUAL||IDLE", "MANUAL");
    err_at("Initialize MANUAL | IDLE", "|");
}

#[test]
fn get_handler_info_name_is_unescaped_and_measured_in_utf16_units() {
    assert_eq!(
        kind(r#"GetHandlerInfo name="My \"Sync\" \\ 😀" flags=0xF"#),
        RefKind::GetHandlerInfo {
            name: Some(r#"My "Sync" \ 😀"#.into()),
            name_units: 14,
            flags: 0xF
        }
    );
    assert_eq!(
        kind("GetHandlerInfo"),
        RefKind::GetHandlerInfo {
            name: None,
            name_units: 0,
            flags: 0
        }
    );
    assert_eq!(
        kind(r#"GetHandlerInfo flags=1 name="""#),
        RefKind::GetHandlerInfo {
            name: Some(String::new()),
            name_units: 0,
            flags: 1
        }
    );
    err_at("GetHandlerInfo name=abc", "name");
    err_at(r#"GetHandlerInfo flags="1""#, "flags");
}

#[test]
fn enum_sync_mgr_items_takes_zero_or_more_ids_of_every_shape() {
    assert_eq!(
        kind("EnumSyncMgrItems"),
        RefKind::EnumSyncMgrItems { items: vec![] }
    );
    assert_eq!(
        kind(
            "EnumSyncMgrItems A null {6295DF40-35EE-11D1-8707-00C04FD93327} 6295df40-35ee-11d1-8707-00c04fd93327 jump"
        ),
        RefKind::EnumSyncMgrItems {
            items: vec![
                A,
                0,
                0x6295DF40_35EE_11D1_8707_00C04FD93327,
                0x6295DF40_35EE_11D1_8707_00C04FD93327,
                v5("jump")
            ]
        }
    );
    assert_eq!(
        ev("EnumSyncMgrItems => S_SYNCMGR_MISSINGITEMS").recorded,
        Some(0x0004_0201)
    );
}

#[test]
fn single_id_calls_get_item_object_show_properties_show_error() {
    assert_eq!(kind("GetItemObject A"), RefKind::GetItemObject { item: A });
    assert_eq!(
        ev("GetItemObject A => E_NOTIMPL").recorded,
        Some(0x8000_4001)
    );
    assert_eq!(
        kind("ShowProperties null"),
        RefKind::ShowProperties { item: 0 }
    );
    assert_eq!(kind("ShowError E1"), RefKind::ShowError { error: v5("E1") });
}

#[test]
fn set_progress_callback_is_set_or_null_and_enable_modeless_true_or_false() {
    assert_eq!(
        kind("SetProgressCallback set"),
        RefKind::SetProgressCallback { set: true }
    );
    assert_eq!(
        kind("SetProgressCallback null"),
        RefKind::SetProgressCallback { set: false }
    );
    assert_eq!(
        kind("EnableModeless true"),
        RefKind::EnableModeless { enable: true }
    );
    assert_eq!(
        ev("EnableModeless false => E_FAIL").recorded,
        Some(0x8000_4005)
    );
    err_at_nth("SetProgressCallback Set", "Set", 1);
    err_at("SetProgressCallback true", "true");
    err_at("EnableModeless TRUE", "TRUE");
    err_at("EnableModeless 1", "1");
}

#[test]
fn set_item_status_takes_every_status_name_or_any_number() {
    for (name, v) in [
        ("STOPPED", 0),
        ("SKIPPED", 1),
        ("PENDING", 2),
        ("UPDATING", 3),
        ("SUCCEEDED", 4),
        ("FAILED", 5),
        ("PAUSED", 6),
        ("RESUMING", 7),
        ("UPDATING_INDETERMINATE", 8),
        ("DELETED", 0x100),
        ("9", 9),
        ("-1", 0xFFFF_FFFF),
    ] {
        assert_eq!(
            kind(&format!("SetItemStatus A {name}")),
            RefKind::SetItemStatus { item: A, status: v }
        );
    }
    err_at("SetItemStatus A skipped", "skipped");
}

#[test]
fn prepare_for_sync_items_then_reserved_and_synchronize() {
    assert_eq!(
        kind("PrepareForSync"),
        RefKind::PrepareForSync {
            items: vec![],
            reserved: 0
        }
    );
    assert_eq!(
        kind("PrepareForSync A B reserved=7"),
        RefKind::PrepareForSync {
            items: vec![A, v5("B")],
            reserved: 7
        }
    );
    assert_eq!(kind("Synchronize"), RefKind::Synchronize);
    assert_eq!(ev("Synchronize => S_OK").recorded, Some(0));
    assert_eq!(ev("Synchronize").recorded, None);
}

#[test]
fn return_takes_each_method_and_an_hr() {
    for (name, m) in [
        ("PrepareForSync", RefMethod::PrepareForSync),
        ("Synchronize", RefMethod::Synchronize),
        ("ShowProperties", RefMethod::ShowProperties),
        ("ShowError", RefMethod::ShowError),
    ] {
        assert_eq!(
            kind(&format!("return {name} E_UNEXPECTED")),
            RefKind::Return {
                method: m,
                hr: 0x8000_FFFF
            }
        );
    }
    err_at("return GetItemObject S_OK", "GetItemObject");
    err_at("Return Synchronize S_OK", "Return");
    // Interpretation 14: `=> HR` is allowed on a return too.
    assert_eq!(ev("return Synchronize S_OK => S_FALSE").recorded, Some(1));
}

#[test]
fn completions_take_an_hr_and_show_error_completed_items() {
    assert_eq!(
        kind("PrepareForSyncCompleted S_OK"),
        RefKind::PrepareForSyncCompleted { hr: 0 }
    );
    assert_eq!(
        kind("SynchronizeCompleted E_FAIL"),
        RefKind::SynchronizeCompleted { hr: 0x8000_4005 }
    );
    assert_eq!(
        kind("ShowPropertiesCompleted S_SYNCMGR_ITEMDELETED"),
        RefKind::ShowPropertiesCompleted { hr: 0x0004_0210 }
    );
    assert_eq!(
        kind("ShowErrorCompleted S_SYNCMGR_RETRYSYNC A B"),
        RefKind::ShowErrorCompleted {
            hr: 0x0004_0202,
            items: vec![A, v5("B")]
        }
    );
    assert_eq!(
        kind("ShowErrorCompleted S_OK"),
        RefKind::ShowErrorCompleted {
            hr: 0,
            items: vec![]
        }
    );
    assert_eq!(
        ev("ShowErrorCompleted S_OK A => E_FAIL").recorded,
        Some(0x8000_4005)
    );
}

#[test]
fn every_hresult_name_has_its_contract_value() {
    for (name, v) in [
        ("S_OK", 0x0000_0000u32),
        ("S_FALSE", 0x0000_0001),
        ("S_SYNCMGR_MISSINGITEMS", 0x0004_0201),
        ("S_SYNCMGR_RETRYSYNC", 0x0004_0202),
        ("S_SYNCMGR_CANCELITEM", 0x0004_0203),
        ("S_SYNCMGR_CANCELALL", 0x0004_0204),
        ("S_SYNCMGR_ITEMDELETED", 0x0004_0210),
        ("S_SYNCMGR_ENUMITEMS", 0x0004_0211),
        ("E_NOTIMPL", 0x8000_4001),
        ("E_NOINTERFACE", 0x8000_4002),
        ("E_POINTER", 0x8000_4003),
        ("E_FAIL", 0x8000_4005),
        ("E_PENDING", 0x8000_000A),
        ("E_UNEXPECTED", 0x8000_FFFF),
        ("E_ACCESSDENIED", 0x8007_0005),
        ("E_OUTOFMEMORY", 0x8007_000E),
        ("E_INVALIDARG", 0x8007_0057),
        ("0x0", 0),
        ("0x8000ffff", 0x8000_FFFF),
        ("0x00040203", 0x0004_0203),
    ] {
        assert_eq!(
            kind(&format!("SynchronizeCompleted {name}")),
            RefKind::SynchronizeCompleted { hr: v }
        );
    }
    err_at("SynchronizeCompleted s_ok", "s_ok");
    err_at("SynchronizeCompleted 0", "0");
    err_at("SynchronizeCompleted 0x", "0x");
    err_at("SynchronizeCompleted 0x123456789", "0x");
    err_at("SynchronizeCompleted 0X1", "0X1");
    err_at("SynchronizeCompleted -0x1", "-0x1");
    err_at("SynchronizeCompleted +0x1", "+0x1");
}

#[test]
fn progress_mask_is_derived_from_the_keys_present() {
    assert_eq!(
        kind(r#"Progress A status=UPDATING text="t" value=1 max=10"#),
        RefKind::Progress {
            item: A,
            mask: 0xF,
            status: 3,
            value: 1,
            max: 10,
            text: Some("t".into())
        }
    );
    assert_eq!(
        kind("Progress A"),
        RefKind::Progress {
            item: A,
            mask: 0,
            status: 0,
            value: 0,
            max: 0,
            text: None
        }
    );
    assert_eq!(
        kind("Progress A max=-1"),
        RefKind::Progress {
            item: A,
            mask: 0x8,
            status: 0,
            value: 0,
            max: -1,
            text: None
        }
    );
}

#[test]
fn progress_mask_decides_the_carried_fields_and_keeps_bits_naming_no_field() {
    assert_eq!(
        kind("Progress A value=5 max=7 status=SKIPPED mask=0x8"),
        RefKind::Progress {
            item: A,
            mask: 0x8,
            status: 0,
            value: 0,
            max: 7,
            text: None
        }
    );
    assert_eq!(
        kind(r#"Progress A text="x" mask=0x0"#),
        RefKind::Progress {
            item: A,
            mask: 0,
            status: 0,
            value: 0,
            max: 0,
            text: None
        }
    );
    assert_eq!(
        kind("Progress A mask=0xF0"),
        RefKind::Progress {
            item: A,
            mask: 0xF0,
            status: 0,
            value: 0,
            max: 0,
            text: None
        }
    );
    assert_eq!(
        kind("Progress A mask=-1 text=\"\" status=0 value=0 max=0"),
        RefKind::Progress {
            item: A,
            mask: 0xFFFF_FFFF,
            status: 0,
            value: 0,
            max: 0,
            text: Some(String::new())
        }
    );
}

#[test]
fn progress_mask_bit_without_its_key_is_in_error_at_the_mask() {
    err_at("Progress A mask=0x4", "mask");
    err_at("Progress A value=1 mask=0x5", "mask");
    err_at("Progress A mask=0x2 value=1", "mask");
    err_at("Progress A mask=0x8 value=1", "mask");
}

#[test]
fn a_key_whose_mask_bit_is_clear_must_still_be_well_formed() {
    err_at(r#"Progress A value="1" mask=0x0"#, "value");
    err_at("Progress A value=x mask=0x0", "value");
    err_at("Progress A status=BOGUS mask=0x0", "status");
    err_at("Progress A max=4294967296 mask=0x0", "max");
    err_at("Progress A text=abc mask=0x0", "text");
    err_at(r#"LogError ERROR "t" error="E" mask=0x0"#, "error=");
    err_at(r#"LogError ERROR "t" item={bad} mask=0x0"#, "item=");
}

#[test]
fn progress_answer_other_than_s_ok_cancelitem_cancelall_is_a_parse_error() {
    assert_eq!(ev("Progress A => S_OK").recorded, Some(0));
    assert_eq!(
        ev("Progress A => S_SYNCMGR_CANCELITEM").recorded,
        Some(0x0004_0203)
    );
    assert_eq!(
        ev("Progress A => S_SYNCMGR_CANCELALL").recorded,
        Some(0x0004_0204)
    );
    err_at("Progress A => S_FALSE", "S_FALSE");
    err_at("Progress A => E_FAIL", "E_FAIL");
    err_at("Progress A => S_SYNCMGR_RETRYSYNC", "S_SYNCMGR");
    err_at("Progress A => 0x1", "0x1");
    // Interpretation 15: checked by value.
    assert_eq!(ev("Progress A => 0x00040203").recorded, Some(0x0004_0203));
    assert_eq!(ev("Progress A => 0x0").recorded, Some(0));
}

#[test]
fn log_error_info_mask_is_derived_or_given() {
    assert_eq!(
        kind(r#"LogError ERROR "disk \"full\"""#),
        RefKind::LogError {
            level: 3,
            text: r#"disk "full""#.into(),
            mask: 0,
            error_flags: 0,
            error_id: 0,
            item: 0
        }
    );
    assert_eq!(
        kind(r#"LogError WARNING "t" jump error=E1 item=A"#),
        RefKind::LogError {
            level: 2,
            text: "t".into(),
            mask: 7,
            error_flags: 1,
            error_id: v5("E1"),
            item: A
        }
    );
    assert_eq!(
        kind(r#"LogError INFORMATION "t" error=E1 item=A jump mask=0x4"#),
        RefKind::LogError {
            level: 1,
            text: "t".into(),
            mask: 4,
            error_flags: 0,
            error_id: 0,
            item: A
        }
    );
    assert_eq!(
        kind(r#"LogError 7 "" mask=0x18 jump"#),
        RefKind::LogError {
            level: 7,
            text: String::new(),
            mask: 0x18,
            error_flags: 0,
            error_id: 0,
            item: 0
        }
    );
    err_at(r#"LogError ERROR "t" mask=0x1"#, "mask");
    err_at(r#"LogError ERROR "t" item=A mask=0x6"#, "mask");
    err_at(r#"LogError error "t""#, "error");
    err_at(r#"LogError ERROR "t" jump=1"#, "jump");
    err_at_nth(r#"LogError ERROR "t" jump jump"#, "jump", 1);
}

#[test]
fn delete_log_error_and_establish_connection() {
    assert_eq!(
        kind("DeleteLogError null"),
        RefKind::DeleteLogError {
            error: 0,
            reserved: 0
        }
    );
    assert_eq!(
        kind("DeleteLogError E1 reserved=1"),
        RefKind::DeleteLogError {
            error: v5("E1"),
            reserved: 1
        }
    );
    assert_eq!(
        kind("EstablishConnection"),
        RefKind::EstablishConnection {
            name: None,
            reserved: 0
        }
    );
    assert_eq!(
        kind(r#"EstablishConnection "dial # up" reserved=0x2"#),
        RefKind::EstablishConnection {
            name: Some("dial # up".into()),
            reserved: 2
        }
    );
    assert_eq!(
        kind("EstablishConnection reserved=3"),
        RefKind::EstablishConnection {
            name: None,
            reserved: 3
        }
    );
    err_at("EstablishConnection dial", "dial");
    err_at("EstablishConnection null", "null");
}

#[test]
fn the_example_trace_parses_with_the_right_values() {
    let text = "item A 6295df40-0000-4000-8000-000000000001
Initialize MANUAL|MAYBOTHERUSER
EnumSyncMgrItems A B C
SetProgressCallback set
SetItemStatus A SKIPPED          # E_UNEXPECTED: no pass yet (R-SIS); not a violation
PrepareForSync A B
return PrepareForSync S_OK
SetItemStatus B SKIPPED          # S_OK: window A
PrepareForSyncCompleted S_OK
Synchronize => S_OK
Progress A status=UPDATING max=10
Progress A status=SUCCEEDED value=10
Progress B status=SKIPPED
SynchronizeCompleted S_OK
SetItemStatus A SKIPPED => S_OK  # VIOLATION: the contract requires E_UNEXPECTED
SetProgressCallback null
";
    let (lines, err) = trace(text);
    assert_eq!(err, None);
    let b = v5("B");
    let e = |kind, recorded| RefLine::Event(RefEvent { kind, recorded });
    let expected = vec![
        RefLine::Decl {
            name: "A".into(),
            guid: G1V,
        },
        e(
            RefKind::Initialize {
                flags: 0x203,
                reserved: 0,
            },
            None,
        ),
        e(
            RefKind::EnumSyncMgrItems {
                items: vec![G1V, b, v5("C")],
            },
            None,
        ),
        e(RefKind::SetProgressCallback { set: true }, None),
        e(
            RefKind::SetItemStatus {
                item: G1V,
                status: 1,
            },
            None,
        ),
        e(
            RefKind::PrepareForSync {
                items: vec![G1V, b],
                reserved: 0,
            },
            None,
        ),
        e(
            RefKind::Return {
                method: RefMethod::PrepareForSync,
                hr: 0,
            },
            None,
        ),
        e(RefKind::SetItemStatus { item: b, status: 1 }, None),
        e(RefKind::PrepareForSyncCompleted { hr: 0 }, None),
        e(RefKind::Synchronize, Some(0)),
        e(
            RefKind::Progress {
                item: G1V,
                mask: 0xA,
                status: 3,
                value: 0,
                max: 10,
                text: None,
            },
            None,
        ),
        e(
            RefKind::Progress {
                item: G1V,
                mask: 0x6,
                status: 4,
                value: 10,
                max: 0,
                text: None,
            },
            None,
        ),
        e(
            RefKind::Progress {
                item: b,
                mask: 0x2,
                status: 1,
                value: 0,
                max: 0,
                text: None,
            },
            None,
        ),
        e(RefKind::SynchronizeCompleted { hr: 0 }, None),
        e(
            RefKind::SetItemStatus {
                item: G1V,
                status: 1,
            },
            Some(0),
        ),
        e(RefKind::SetProgressCallback { set: false }, None),
    ];
    let got: Vec<RefLine> = lines.iter().map(|(_, l)| l.clone()).collect();
    assert_eq!(got, expected);
    assert_eq!(
        lines.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        (1..=16).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------------------------
// Lexical rules

#[test]
fn blank_and_comment_only_lines_are_empty_and_comments_are_ignored() {
    for line in ["", " ", "\t \t", "# x", "   # \"unterminated", "#", "\t#=>"] {
        assert_eq!(ok(line), RefLine::Empty, "{line:?}");
    }
    assert_eq!(kind("Synchronize # => E_FAIL"), RefKind::Synchronize);
    assert_eq!(ev("Synchronize # => E_FAIL").recorded, None);
}

#[test]
fn tokens_are_separated_by_spaces_or_tabs_only() {
    assert_eq!(
        kind("\tSetItemStatus\t A \t\tSKIPPED\t"),
        RefKind::SetItemStatus { item: A, status: 1 }
    );
    // U+00A0 and NUL are ordinary characters (interpretation 1).
    err_at("GetItemObject A\u{a0}B", "A");
    err_at("GetItemObject A\u{0}", "A");
    err_at("Synchronize\u{b}", "S");
}

#[test]
fn a_cr_not_followed_by_lf_is_an_ordinary_character() {
    err_at("Synchronize\r", "Synchronize");
    err_at("Synchronize \r", "\r");
    err_at("GetItemObject A\rB", "A");
    assert_eq!(ok("Synchronize #\r"), ok("Synchronize"));
    // In a trace: CRLF ends a line, a CR elsewhere stays in the line.
    assert_eq!(trace("Synchronize\r\n").1, None);
    let (_, e) = trace("Synchronize\r\r\n");
    assert_eq!(e.map(|e| (e.line, e.column)), Some((1, 1)));
    let (_, e) = trace("Synchronize\n\rSynchronize\n");
    assert_eq!(e.map(|e| (e.line, e.column)), Some((2, 1)));
    // A CR at the very end of the input, with no LF after it, is not a line end.
    let (_, e) = trace("Synchronize\nSynchronize \r");
    assert_eq!(e.map(|e| (e.line, e.column)), Some((2, 13)));
    // Inside a string it is a character of the string.
    assert_eq!(
        kind("LogError ERROR \"a\rb\""),
        RefKind::LogError {
            level: 3,
            text: "a\rb".into(),
            mask: 0,
            error_flags: 0,
            error_id: 0,
            item: 0
        }
    );
}

#[test]
fn arrow_is_a_token_of_its_own_with_or_without_blanks() {
    assert_eq!(ev("Synchronize=>S_OK"), ev("Synchronize => S_OK"));
    assert_eq!(
        ev("SetItemStatus A SKIPPED=>E_UNEXPECTED").recorded,
        Some(0x8000_FFFF)
    );
    assert_eq!(
        ev(r#"LogError ERROR "t"=>E_FAIL"#).recorded,
        Some(0x8000_4005)
    );
    assert_eq!(ev("PrepareForSync A reserved=0=>S_FALSE").recorded, Some(1));
    // `cookie==>` is `cookie=` (an empty cookie) then `=>` (interpretation 3).
    assert_eq!(ev("Initialize MANUAL cookie==>S_OK").recorded, Some(0));
    // Inside a string `=>` is text.
    assert_eq!(
        kind(r#"EstablishConnection "a=>b""#),
        RefKind::EstablishConnection {
            name: Some("a=>b".into()),
            reserved: 0
        }
    );
    err_at("Progress A mask=>S_OK", "mask");
    // In an ITEMS list `mask` is a NAME.
    assert_eq!(
        kind("EnumSyncMgrItems mask=>S_OK"),
        RefKind::EnumSyncMgrItems {
            items: vec![v5("mask")]
        }
    );
}

#[test]
fn names_of_events_statuses_flags_levels_and_hresults_are_case_sensitive() {
    err_at("synchronize", "s");
    err_at("SYNCHRONIZE", "S");
    err_at("SetItemStatus A Skipped", "Skipped");
    err_at("Initialize Manual", "Manual");
    err_at_nth(r#"LogError Error "t""#, "Error", 1);
    err_at("Synchronize => S_Ok", "S_Ok");
    err_at("Item A 6295df40-0000-4000-8000-000000000001", "Item");
}

#[test]
fn string_escapes_are_only_backslash_quote_and_backslash_backslash() {
    assert_eq!(
        kind(r#"EstablishConnection "a\"b\\c #d""#),
        RefKind::EstablishConnection {
            name: Some(r#"a"b\c #d"#.into()),
            reserved: 0
        }
    );
    err_at(r#"EstablishConnection "a\nb""#, "\"");
    err_at(r#"EstablishConnection "a\x""#, "\"");
    err_at(r#"Progress A text="\t""#, "text");
    err_at(r#"EstablishConnection "a\"#, "\"");
    err_at(r#"EstablishConnection "abc"#, "\"");
    err_at(r#"EstablishConnection "a # b"#, "\"");
}

#[test]
fn a_quoted_token_where_the_grammar_shows_no_string_is_an_error() {
    let cases: &[(&str, &str)] = &[
        (r#""Synchronize""#, "\""),
        (r#"Initialize "MANUAL""#, "\""),
        (r#"Initialize MANUAL cookie="00""#, "cookie"),
        (r#"Initialize MANUAL reserved="0""#, "reserved"),
        (r#"GetHandlerInfo flags="0""#, "flags"),
        (r#"EnumSyncMgrItems A "B""#, "\""),
        (r#"GetItemObject "A""#, "\""),
        (r#"GetItemObject "null""#, "\""),
        (r#"SetProgressCallback "set""#, "\""),
        (r#"SetItemStatus A "SKIPPED""#, "\""),
        (r#"PrepareForSync A reserved="0""#, "reserved"),
        (r#"return "Synchronize" S_OK"#, "\""),
        (r#"return Synchronize "S_OK""#, "\""),
        (r#"Synchronize => "S_OK""#, "\""),
        (r#"SynchronizeCompleted "S_OK""#, "\""),
        (r#"ShowErrorCompleted S_OK "A""#, "\""),
        (r#"EnableModeless "true""#, "\""),
        (r#"Progress "A""#, "\""),
        (r#"Progress A status="SKIPPED""#, "status"),
        (r#"Progress A mask="0x0""#, "mask"),
        (r#"Progress A status="1" mask=0x0"#, "status"),
        (r#"LogError "ERROR" "t""#, "\""),
        (r#"LogError ERROR "t" item="A""#, "item"),
        (r#"LogError ERROR "t" "jump""#, "\"jump"),
        (r#"DeleteLogError "E1""#, "\""),
        (r#"EstablishConnection "c" reserved="0""#, "reserved"),
        (r#"item "A" 6295df40-0000-4000-8000-000000000001"#, "\""),
        (r#"item A "6295df40-0000-4000-8000-000000000001""#, "\""),
    ];
    for (line, at) in cases {
        err_at(line, at);
    }
}

#[test]
fn a_string_glued_to_anything_but_blank_arrow_comment_or_end_is_in_error_at_its_first_character() {
    err_at(r#"LogError ERROR "a"b"#, "\"a\"b");
    err_at(r#"LogError ERROR "a""b""#, "\"a\"");
    err_at(r#"LogError ERROR "a"= x"#, "\"a\"");
    err_at(r#"EstablishConnection "a"\"#, "\"");
    err_at(r#"Progress A text="a"b"#, "text");
    err_at(r#"GetHandlerInfo name="a"x flags=0"#, "name");
    // The followers the rule allows.
    for line in [
        r#"LogError ERROR "a""#,
        r#"LogError ERROR "a"	"#,
        r#"LogError ERROR "a" "#,
        r##"LogError ERROR "a"#c"##,
        r#"LogError ERROR "a"=>S_OK"#,
        r##"Progress A text="a"#c"##,
        r#"Progress A text="a"=>S_OK"#,
    ] {
        ok(line);
    }
}

#[test]
fn a_quote_inside_a_word_makes_the_whole_token_in_error_from_its_first_character() {
    err_at(r#"GetItemObject A"B"#, "A\"");
    err_at(r#"GetItemObject AB""#, "AB");
    err_at(r#"Synchronize""#, "S");
    err_at(r#"Synchronize x"y z"#, "x");
    err_at(r#"Progress A te"xt="a""#, "te");
    err_at(r#"Progress A text"="a""#, "text");
    err_at(r#"Progress A value=1" mask=0x4"#, "value");
    err_at(r#"Initialize MANUAL cookie=0"0"#, "cookie");
    err_at(r#"SetItemStatus A SKIP"PED"#, "SKIP");
    // A string begins only at a token start or right after `key=`: `a"b c"` holds no string.
    err_at(r#"Synchronize a"b c""#, "a\"");
}

#[test]
fn a_comment_glued_to_a_word_ends_the_word() {
    // Interpretation 2.
    assert_eq!(
        kind("GetItemObject A#x"),
        RefKind::GetItemObject { item: A }
    );
    assert_eq!(kind("Synchronize#x"), RefKind::Synchronize);
    assert_eq!(ev("Synchronize=>S_OK#x").recorded, Some(0));
    assert_eq!(
        kind("Initialize MANUAL cookie=#x"),
        RefKind::Initialize {
            flags: 3,
            reserved: 0
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Positional arguments, options

#[test]
fn options_come_in_any_order_after_the_positional_arguments() {
    let base = kind(r#"Progress A status=UPDATING text="t" value=1 max=10 mask=0xF"#);
    for line in [
        r#"Progress A mask=0xF max=10 value=1 text="t" status=UPDATING"#,
        r#"Progress A text="t" mask=0xF status=UPDATING max=10 value=1"#,
    ] {
        assert_eq!(kind(line), base);
    }
    assert_eq!(
        kind("Initialize MANUAL reserved=0 cookie=00"),
        kind("Initialize MANUAL cookie=00 reserved=0")
    );
}

#[test]
fn an_option_before_a_positional_argument_is_in_error_at_the_option() {
    err_at("Progress mask=0x0 A", "mask");
    err_at(r#"LogError jump ERROR "t""#, "jump");
    err_at(r#"LogError ERROR error=E1 "t""#, "error=");
    err_at("DeleteLogError reserved=0 E1", "reserved");
    err_at("SetItemStatus A status=SKIPPED", "status");
    err_at(r#"Initialize cookie=00 MANUAL"#, "cookie");
    // Interpretation 12: an open-ended positional after an option.
    err_at("PrepareForSync A reserved=0 B", "reserved");
    err_at(r#"EstablishConnection reserved=0 "x""#, "reserved");
    // Interpretation 10: an option in a required positional's place with nothing after it.
    err_at("Progress mask=0x0", "mask");
    err_at("LogError ERROR jump", "jump");
}

#[test]
fn extra_tokens_unknown_and_repeated_keys_are_in_error_at_the_token() {
    err_at("GetItemObject A B", "B");
    err_at("Synchronize now", "now");
    err_at("DeleteLogError E1 reserved=0 E2", "E2");
    err_at(r#"EstablishConnection "a" reserved=0 "b""#, "\"b");
    err_at(r#"EstablishConnection "a" "b""#, "\"b");
    err_at("Progress A foo=1", "foo");
    err_at("Progress A Value=1", "Value");
    err_at("GetItemObject A reserved=0", "reserved");
    err_at("Progress A value=1 value=2", "value=2");
    err_at_nth("Progress A mask=0x0 mask=0x0", "mask", 1);
    err_at("Progress A jump", "jump");
    err_at("Synchronize =1", "=1");
}

#[test]
fn the_leftmost_token_in_error_is_reported_whatever_the_kind_of_error() {
    // A bad value before a later extra token.
    err_at("SetItemStatus A BOGUS extra", "BOGUS");
    // A mask bit without its key before a repeated key.
    err_at("Progress A mask=0x1 value=1 value=2", "mask");
    // A repeated key before a mask error decided later? The mask is to the right here.
    err_at("Progress A value=1 value=2 mask=0x1", "value=2");
    // A bad value before a missing token, a stray quote after a bad value.
    err_at("SetItemStatus BAD\"", "BAD");
    err_at(r#"GetItemObject "A" => E_FAIL extra"#, "\"A\"");
    err_at("Synchronize => E_BOGUS extra", "E_BOGUS");
    err_at(r#"Progress A value=x text="a"b"#, "value");
    // A mask error decided by a later (glued, in error) string: the text key is present
    // (interpretation 8), so the glued string is the error.
    err_at(r#"Progress A mask=0x1 text="a"b"#, "text");
    // No text key at all: the mask is left of the glued string.
    err_at(r#"Progress A mask=0x1 "a"b"#, "mask");
    // A key after `=> HR` makes no key present.
    err_at(r#"Progress A mask=0x1 => S_OK text="x""#, "mask");
}

#[test]
fn a_missing_token_is_reported_one_column_past_the_last_token() {
    assert_eq!(err_col("GetItemObject"), 14);
    assert_eq!(err_col("GetItemObject   # comment"), 14);
    assert_eq!(err_col("  GetItemObject\t"), 16);
    assert_eq!(err_col("SetItemStatus A  \t# x"), 16);
    assert_eq!(
        err_col("SetItemStatus {6295df40-0000-4000-8000-000000000001}"),
        53
    );
    assert_eq!(err_col("return Synchronize"), 19);
    assert_eq!(err_col("return"), 7);
    assert_eq!(err_col(r#"LogError ERROR"#), 15);
    assert_eq!(err_col("PrepareForSyncCompleted"), 24);
    assert_eq!(err_col("ShowErrorCompleted"), 19);
    assert_eq!(err_col("Initialize   "), 11);
    assert_eq!(err_col("item"), 5);
    assert_eq!(err_col("item A # no guid"), 7);
    assert_eq!(err_col("Synchronize =>"), 15);
    assert_eq!(err_col("Synchronize=>"), 14);
    assert_eq!(err_col("Synchronize =>   # c"), 15);
    // Columns count characters, not bytes; the last token may be a string.
    assert_eq!(err_col(r#"EstablishConnection "é😀 x" =>"#), 30);
    assert_eq!(err_col(r#"EstablishConnection "é😀 x"=>  "#), 29);
    assert_eq!(err_col(r#"LogError ERROR "é"=>#x"#), 21);
}

#[test]
fn arrow_hr_ends_the_line() {
    err_at_nth("Synchronize => S_OK S_OK", "S_OK", 1);
    err_at_nth("Synchronize => S_OK => S_OK", "=>", 1);
    err_at_nth("Synchronize => => S_OK", "=>", 1);
    err_at_nth("Synchronize=>=>S_OK", "=>", 1);
    err_at("PrepareForSync A => S_OK reserved=0", "reserved");
    ok("Synchronize => S_OK # fine\" x");
    err_at(r#"EstablishConnection => S_OK "x""#, "\"x");
    // A `=>` where a positional argument should be.
    err_at("SetItemStatus A => S_OK", "=>");
    err_at("GetItemObject => E_NOTIMPL", "=>");
    err_at("return => S_OK", "=>");
    err_at("return Synchronize => S_OK", "=>");
    err_at(r#"LogError ERROR => S_OK"#, "=>");
    err_at("Initialize=>S_OK", "=>");
    // A `=>` at the start, and in a declaration.
    assert_eq!(err_col("=> S_OK"), 1);
    assert_eq!(err_col("  =>Synchronize"), 3);
    err_at(&format!("item A {G1} => S_OK"), "=>");
    // `=>` may end an open-ended positional.
    assert_eq!(
        kind("EnumSyncMgrItems A=>S_OK"),
        RefKind::EnumSyncMgrItems { items: vec![A] }
    );
    assert_eq!(
        kind("EstablishConnection => S_OK"),
        RefKind::EstablishConnection {
            name: None,
            reserved: 0
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Numbers

#[test]
fn numbers_are_32_bit_words_dword_fields_wrap_negatives_int_fields_wrap_above_i32_max() {
    let reserved = |n: &str| match kind(&format!("DeleteLogError null reserved={n}")) {
        RefKind::DeleteLogError { reserved, .. } => reserved,
        k => panic!("{k:?}"),
    };
    assert_eq!(reserved("-1"), 0xFFFF_FFFF);
    assert_eq!(reserved("-2147483648"), 0x8000_0000);
    assert_eq!(reserved("-0x80000000"), 0x8000_0000);
    assert_eq!(reserved("4294967295"), 0xFFFF_FFFF);
    assert_eq!(reserved("0xFFFFFFFF"), 0xFFFF_FFFF);
    assert_eq!(reserved("+0x10"), 16);
    assert_eq!(reserved("+7"), 7);
    assert_eq!(reserved("-0"), 0);
    assert_eq!(reserved("0x0000000000000000000000001"), 1);
    assert_eq!(reserved("0xaBcD"), 0xABCD);
    // Interpretation 16: leading zeros stay decimal.
    assert_eq!(reserved("010"), 10);
    let value = |n: &str| match kind(&format!("Progress A value={n}")) {
        RefKind::Progress { value, .. } => value,
        k => panic!("{k:?}"),
    };
    assert_eq!(value("0xFFFFFFFF"), -1);
    assert_eq!(value("4294967295"), -1);
    assert_eq!(value("2147483648"), i32::MIN);
    assert_eq!(value("2147483647"), i32::MAX);
    assert_eq!(value("-2147483648"), i32::MIN);
    assert_eq!(value("-5"), -5);
    for bad in [
        "-2147483649",
        "4294967296",
        "0x100000000",
        "-0x80000001",
        "99999999999999999999999",
        "",
        "-",
        "+",
        "0x",
        "-0x",
        "0X1",
        "1e3",
        "--1",
        "+-1",
        "1_000",
        "١",
        "0b1",
        "x1",
    ] {
        err_at(&format!("Progress A value={bad}"), "value");
    }
}

#[test]
fn levels_and_statuses_by_name_or_number() {
    for (name, v) in [
        ("INFORMATION", 1),
        ("WARNING", 2),
        ("ERROR", 3),
        ("0", 0),
        ("-1", 0xFFFF_FFFF),
    ] {
        match kind(&format!(r#"LogError {name} "t""#)) {
            RefKind::LogError { level, .. } => assert_eq!(level, v),
            k => panic!("{k:?}"),
        }
    }
    match kind("Progress A status=0x100") {
        RefKind::Progress { status, mask, .. } => assert_eq!((status, mask), (0x100, 2)),
        k => panic!("{k:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// IDs, names and declarations

#[test]
fn undeclared_names_are_uuid_v5_in_the_trace_namespace() {
    assert_eq!(v5("A"), A);
    assert_eq!(
        uuid::Uuid::from_u128(A).to_string(),
        "3c75e951-8f5f-5001-a563-a6db1373c58a"
    );
    assert_eq!(kind("GetItemObject A"), RefKind::GetItemObject { item: A });
    assert_eq!(
        kind("GetItemObject Null"),
        RefKind::GetItemObject { item: v5("Null") }
    );
    assert_eq!(
        kind("GetItemObject _a-1"),
        RefKind::GetItemObject { item: v5("_a-1") }
    );
}

#[test]
fn guids_in_either_case_with_or_without_braces_and_null_is_guid_null() {
    let g = 0x6295DF40_35EE_11D1_8707_00C04FD93327;
    for text in [
        "6295DF40-35EE-11D1-8707-00C04FD93327",
        "6295df40-35ee-11d1-8707-00c04fd93327",
        "{6295DF40-35EE-11D1-8707-00C04FD93327}",
        "{6295df40-35ee-11d1-8707-00c04fd93327}",
    ] {
        assert_eq!(
            kind(&format!("GetItemObject {text}")),
            RefKind::GetItemObject { item: g }
        );
    }
    assert_eq!(
        kind("GetItemObject null"),
        RefKind::GetItemObject { item: 0 }
    );
    assert_eq!(
        kind("GetItemObject 00000000-0000-0000-0000-000000000000"),
        RefKind::GetItemObject { item: 0 }
    );
    // Interpretation 20: mixed case per digit.
    assert_eq!(
        kind("GetItemObject 6295Df40-35eE-11d1-8707-00C04fd93327"),
        RefKind::GetItemObject { item: g }
    );
    for bad in [
        "{6295df40-35ee-11d1-8707-00c04fd93327",
        "6295df40-35ee-11d1-8707-00c04fd93327}",
        "{{6295df40-35ee-11d1-8707-00c04fd93327}}",
        "6295df4035ee11d1870700c04fd93327",
        "6295df40-35ee-11d1-8707-00c04fd9332",
        "6295df40-35ee-11d1-8707-00c04fd933277",
        "6295df40-35ee-11d1-8707_00c04fd93327",
        "6295dg40-35ee-11d1-8707-00c04fd93327",
        "1A",
        "-A",
        "a.b",
        "é",
        "NULL!",
    ] {
        err_at(&format!("GetItemObject {bad}"), bad);
    }
}

#[test]
fn name_shapes_null_and_guid_shaped_words_are_not_names() {
    let mut p = RefParser::new();
    for (i, name) in [
        "A",
        "_",
        "a-",
        "Null",
        "NULL",
        "x_1-y",
        "deadbeef-dead-beef",
    ]
    .iter()
    .enumerate()
    {
        let line = format!("item {name} {G1}");
        assert_eq!(
            p.parse_line(i + 1, &line),
            Ok(RefLine::Decl {
                name: (*name).into(),
                guid: G1V
            })
        );
    }
    err_at(&format!("item null {G1}"), "null");
    err_at(&format!("error {G1} {G1}"), G1);
    err_at(
        &format!("item deadbeef-dead-beef-dead-beefdeadbeef {G1}"),
        "deadbeef",
    );
    err_at(&format!("item {{{G1}}} {G1}"), "{");
    err_at(&format!("item 1A {G1}"), "1A");
    err_at(&format!("item -A {G1}"), "-A");
    err_at(&format!("item Aé {G1}"), "Aé");
    // A declaration's GUID must be a GUID (interpretation 20).
    err_at("item A null", "null");
    err_at("item A B", "B");
    assert_eq!(
        ok(&format!("error E {{{G1}}}")),
        RefLine::Decl {
            name: "E".into(),
            guid: G1V
        }
    );
    err_at(&format!("item A {G1} extra"), "extra");
}

#[test]
fn declared_names_stand_for_their_guid_and_item_and_error_share_one_table() {
    let text = format!("item A {G1}\nShowError A\nGetItemObject A\n");
    let (lines, err) = trace(&text);
    assert_eq!(err, None);
    assert_eq!(
        lines[1].1,
        RefLine::Event(RefEvent {
            kind: RefKind::ShowError { error: G1V },
            recorded: None
        })
    );
    assert_eq!(
        lines[2].1,
        RefLine::Event(RefEvent {
            kind: RefKind::GetItemObject { item: G1V },
            recorded: None
        })
    );
}

#[test]
fn declaring_a_name_already_used_or_declared_is_an_error_at_the_name() {
    let cases = [
        format!("GetItemObject A\nitem A {G1}\n"),
        format!("item A {G1}\nerror A {G1}\n"),
        format!("item A {G1}\nitem A {G1}\n"),
        format!("LogError ERROR \"t\" error=A mask=0x0\nitem A {G1}\n"),
        format!("EnumSyncMgrItems B A\nerror A {G1}\n"),
    ];
    for text in &cases {
        let (lines, err) = trace(text);
        assert_eq!(lines.len(), 1, "{text:?}");
        let e = err.unwrap_or_else(|| panic!("{text:?} should fail"));
        assert_eq!(
            (e.line, e.column),
            (2, col_of(text.lines().nth(1).unwrap(), " A") + 1),
            "{text:?}"
        );
    }
    // Two names may share a GUID; a GUID-shaped or null use adds no name.
    let text =
        format!("item A {G1}\nitem B {G1}\nGetItemObject {G1}\nGetItemObject null\nitem C {G1}\n");
    assert_eq!(trace(&text).1, None);
}

#[test]
fn the_names_limit_counts_declared_and_undeclared_names() {
    let run = |text: &str| {
        let (_, e) = parse_trace_with(RefParser::with_name_limit(2), text.as_bytes(), 1 << 20);
        e.map(|e| (e.line, e.column))
    };
    assert_eq!(run("EnumSyncMgrItems A B A B\nGetItemObject A\n"), None);
    assert_eq!(run("EnumSyncMgrItems A B C\n"), Some((1, 22)));
    assert_eq!(run("EnumSyncMgrItems A A B C\n"), Some((1, 24)));
    assert_eq!(
        run(&format!("item A {G1}\nitem B {G1}\nitem C {G1}\n")),
        Some((3, 6))
    );
    assert_eq!(
        run(&format!("item A {G1}\nGetItemObject B\nGetItemObject C\n")),
        Some((3, 15))
    );
    assert_eq!(
        run(&format!("GetItemObject A\nGetItemObject B\nitem C {G1}\n")),
        Some((3, 6))
    );
    assert_eq!(
        run(&format!(
            "EnumSyncMgrItems A B {G1} null\nGetItemObject null\nShowError A\n"
        )),
        None
    );
    // Interpretation 21: a name in an option whose mask bit is clear is still used.
    assert_eq!(
        run("LogError ERROR \"t\" error=A item=B mask=0x0\nGetItemObject C\n"),
        Some((2, 15))
    );
    assert_eq!(
        run("LogError ERROR \"t\" error=A item=B error=C\n"),
        Some((1, 35))
    );
    // At the limit, a declaration of a new name is a limit error; of a used one, a redeclaration.
    assert_eq!(
        run(&format!("EnumSyncMgrItems A B\nitem B {G1}\n")),
        Some((2, 6))
    );
}

#[test]
fn a_line_in_error_adds_no_name() {
    let mut p = RefParser::with_name_limit(1);
    assert!(p.parse_line(1, "EnumSyncMgrItems A \"x\"").is_err());
    assert!(p.parse_line(2, "GetItemObject B").is_ok());
    let mut p = RefParser::new();
    assert!(p.parse_line(1, "SetItemStatus A BOGUS").is_err());
    assert_eq!(
        p.parse_line(2, &format!("item A {G1}")),
        Ok(RefLine::Decl {
            name: "A".into(),
            guid: G1V
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Whole traces: lines, limits, UTF-8

#[test]
fn lines_end_with_lf_or_crlf_and_the_last_line_end_is_optional() {
    let lf = trace("Synchronize\n\n# c\nSynchronize => S_OK\n");
    let crlf = trace("Synchronize\r\n\r\n# c\r\nSynchronize => S_OK\r\n");
    let mixed = trace("Synchronize\r\n\n# c\r\nSynchronize => S_OK");
    assert_eq!(lf, crlf);
    assert_eq!(lf, mixed);
    assert_eq!(lf.0.len(), 4);
    assert_eq!(lf.0[1], (2, RefLine::Empty));
    assert_eq!(trace(""), (vec![], None));
    assert_eq!(trace("\n").0, vec![(1, RefLine::Empty)]);
    assert_eq!(trace("\r\n").0, vec![(1, RefLine::Empty)]);
}

#[test]
fn parsing_stops_at_the_first_error_with_its_line_number() {
    let (lines, err) = trace("Synchronize\nGetItemObject\nbogus\n");
    assert_eq!(lines.len(), 1);
    let err = err.unwrap();
    assert_eq!((err.line, err.column), (2, 14));
}

#[test]
fn the_line_limit_counts_bytes_without_the_line_end_and_reports_column_1() {
    let run = |text: &[u8]| {
        let (lines, e) = parse_trace_with(RefParser::new(), text, 10);
        (lines.len(), e.map(|e| (e.line, e.column)))
    };
    assert_eq!(run(b"#123456789\n"), (1, None));
    assert_eq!(run(b"#123456789\r\n"), (1, None));
    assert_eq!(run(b"#123456789"), (1, None));
    assert_eq!(run(b"#1234567890\n"), (0, Some((1, 1))));
    assert_eq!(run(b"#1234567890\r\n"), (0, Some((1, 1))));
    assert_eq!(run(b"Synchronize\n"), (0, Some((1, 1))));
    assert_eq!(run(b"#\n#1234567890"), (1, Some((2, 1))));
    // A lone CR at the end of the input is a character of the line.
    assert_eq!(run(b"#123456789\r"), (0, Some((1, 1))));
    // Bytes, not characters: six characters, eleven bytes.
    assert_eq!(run("#ééééé".as_bytes()), (0, Some((1, 1))));
    // Interpretation 22: the length check comes before the UTF-8 check.
    assert_eq!(run(b"Synchronize \xff"), (0, Some((1, 1))));
}

#[test]
fn a_line_just_over_64_mib_is_an_error_at_column_1_and_one_at_the_limit_is_not() {
    let mut line = vec![b'x'; DEFAULT_MAX_LINE_BYTES];
    line[0] = b'#';
    line.extend_from_slice(b"\r\n");
    let (lines, e) = parse_trace(&line);
    assert_eq!((lines.len(), e), (1, None));
    line.truncate(DEFAULT_MAX_LINE_BYTES);
    line.extend_from_slice(b"x\n");
    let (lines, e) = parse_trace(&line);
    assert_eq!(lines.len(), 0);
    assert_eq!(e.map(|e| (e.line, e.column)), Some((1, 1)));
}

#[test]
fn input_that_is_not_utf8_is_an_error_at_the_first_bad_byte() {
    let run = |text: &[u8]| {
        let (lines, e) = parse_trace(text);
        (lines.len(), e.map(|e| (e.line, e.column)))
    };
    assert_eq!(run(b"Synchronize \xff\n"), (0, Some((1, 13))));
    assert_eq!(run(b"\xc3\xa9\xf0\x9f\x98\x80\xff"), (0, Some((1, 3))));
    assert_eq!(run(b"Synchronize\n# comment \x80\n"), (1, Some((2, 11))));
    assert_eq!(run(b"LogError ERROR \"\xc3\"\n"), (0, Some((1, 17))));
    // A truncated sequence: the first byte of the sequence (interpretation 22).
    assert_eq!(run(b"A\xe2\x82B\n"), (0, Some((1, 2))));
    // A surrogate and an overlong encoding.
    assert_eq!(run(b"ab\xed\xa0\x80\n"), (0, Some((1, 3))));
    assert_eq!(run(b"\xc0\x80\n"), (0, Some((1, 1))));
    // A token in error left of the bad byte wins (the leftmost token in error); a missing token
    // does not, and the token the bad byte is glued to is not judged.
    assert_eq!(run(b"bogus \xff\n"), (0, Some((1, 1))));
    assert_eq!(run(b"SetItemStatus A BOGUS x \xff\n"), (0, Some((1, 17))));
    assert_eq!(run(b"SetItemStatus A \xff\n"), (0, Some((1, 17))));
    assert_eq!(run(b"SetItemStatus A SKIP\xffPED\n"), (0, Some((1, 21))));
    assert_eq!(run(b"LogError ERROR \"a b\xff\"\n"), (0, Some((1, 20))));
    assert_eq!(run(b"Synchronize => S_OK x\xff\n"), (0, Some((1, 22))));
    assert_eq!(run(b"Synchronize=>\xff\n"), (0, Some((1, 14))));
    assert_eq!(run(b"Synchronize # \xff\n"), (0, Some((1, 15))));
    assert_eq!(run(b"Progress A value=x\xff\n"), (0, Some((1, 19))));
    assert_eq!(run(b"Progress A value=x \xff\n"), (0, Some((1, 12))));
}

// ---------------------------------------------------------------------------------------------
// The generators

fn cases(default: u32) -> u32 {
    std::env::var("MOBSYNC_REF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(512), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_valid_line_parses(line in valid_line()) {
        let r = RefParser::new().parse_line(1, &line);
        prop_assert!(r.is_ok(), "{:?}: {:?}", line, r);
    }

    #[test]
    fn every_valid_line_parses_in_a_trace_after_its_predecessors(lines in proptest::collection::vec(valid_line(), 1..8)) {
        // Declarations may clash with names used before them: only events are checked here.
        let mut p = RefParser::new();
        for (i, l) in lines.iter().enumerate() {
            if !l.trim_start_matches([' ', '\t']).starts_with("item") && !l.trim_start_matches([' ', '\t']).starts_with("error") {
                let r = p.parse_line(i + 1, l);
                prop_assert!(r.is_ok(), "{:?}: {:?}", l, r);
            }
        }
    }

    #[test]
    fn mutated_lines_parse_or_fail_within_the_line(line in mutated_line()) {
        match RefParser::new().parse_line(7, &line) {
            Ok(_) => {}
            Err(e) => {
                prop_assert_eq!(e.line, 7);
                prop_assert!(e.column >= 1 && e.column <= line.chars().count() + 1, "{:?}: {:?}", line, e);
            }
        }
    }

    #[test]
    fn every_trace_is_handled_without_panicking(bytes in trace_bytes()) {
        let (lines, err) = parse_trace(&bytes);
        let count = bytes.split(|&b| b == b'\n').count();
        for (n, _) in &lines {
            prop_assert!(*n >= 1 && *n <= count);
        }
        if let Some(e) = err {
            prop_assert!(e.column >= 1);
            prop_assert_eq!(e.line, lines.len() + 1);
        }
    }
}

#[test]
fn the_valid_generator_covers_every_event_and_every_key() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = valid_line();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..4000 {
        let line = strategy.new_tree(&mut runner).unwrap().current();
        for tok in line.split([' ', '\t']) {
            if let Some((key, _)) = tok.split_once('=') {
                seen.insert(format!("{key}="));
            } else {
                seen.insert(tok.to_owned());
            }
        }
        if line.contains("=>") {
            seen.insert("=>".into());
        }
        if line.contains('#') {
            seen.insert("#".into());
        }
    }
    for word in [
        "Initialize",
        "GetHandlerInfo",
        "EnumSyncMgrItems",
        "GetItemObject",
        "SetProgressCallback",
        "SetItemStatus",
        "PrepareForSync",
        "Synchronize",
        "ShowProperties",
        "ShowError",
        "return",
        "PrepareForSyncCompleted",
        "SynchronizeCompleted",
        "ShowPropertiesCompleted",
        "ShowErrorCompleted",
        "EnableModeless",
        "Progress",
        "LogError",
        "DeleteLogError",
        "EstablishConnection",
        "item",
        "error",
        "cookie=",
        "reserved=",
        "name=",
        "flags=",
        "status=",
        "text=",
        "value=",
        "max=",
        "mask=",
        "error=",
        "item=",
        "jump",
        "=>",
        "#",
    ] {
        assert!(
            seen.contains(word),
            "the valid generator never wrote {word:?}"
        );
    }
}

/// Timing: `cargo test --release --features trace --test trace_reference -- --ignored --nocapture`.
#[test]
#[ignore = "timing; run in release"]
fn a_million_generated_lines_parse_in_well_under_a_minute() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let valid = valid_line();
    let mutated = mutated_line();
    let lines: Vec<String> = (0..1_000_000)
        .map(|i| {
            if i % 2 == 0 {
                valid.new_tree(&mut runner).unwrap().current()
            } else {
                mutated.new_tree(&mut runner).unwrap().current()
            }
        })
        .collect();
    let bytes: usize = lines.iter().map(String::len).sum();
    let start = std::time::Instant::now();
    let mut errors = 0usize;
    for (i, l) in lines.iter().enumerate() {
        // A fresh parser per line, as in the comparison; a shared one would fill the names table.
        if RefParser::new().parse_line(i + 1, l).is_err() {
            errors += 1;
        }
    }
    let elapsed = start.elapsed();
    println!(
        "{} lines ({bytes} bytes), {errors} in error, parsed in {elapsed:?}",
        lines.len()
    );
    assert!(elapsed.as_secs() < 30);
}

/// Prints samples of the generators with the reference's verdicts:
/// `cargo test --features trace --test trace_reference -- --ignored --nocapture show_generated`.
#[test]
#[ignore = "prints samples"]
fn show_generated_samples() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let n: usize = std::env::var("MOBSYNC_REF_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    for (label, strategy) in [
        ("valid", valid_line().boxed()),
        ("mutated", mutated_line().boxed()),
    ] {
        for _ in 0..n {
            let line = strategy.new_tree(&mut runner).unwrap().current();
            let shown: String = line.chars().take(160).collect();
            match RefParser::new().parse_line(1, &line) {
                Ok(_) => println!("{label} ok   {shown:?}"),
                Err(e) => println!("{label} @{:<3} {shown:?}  -- {}", e.column, e.message),
            }
        }
    }
    for _ in 0..n / 3 {
        let bytes = trace_bytes().new_tree(&mut runner).unwrap().current();
        let (lines, e) = parse_trace(&bytes);
        println!(
            "trace {:?}\n  -> {} lines, {:?}",
            String::from_utf8_lossy(&bytes),
            lines.len(),
            e.map(|e| (e.line, e.column))
        );
    }
}
