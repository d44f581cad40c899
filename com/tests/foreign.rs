//! Handlers this crate did not write — the raw `#[implement]` handlers of `raw/`, written from
//! Microsoft's documentation alone — driven through their vtables by `mobsync::sim::Simulator`
//! with `mobsync_com::Foreign`: the conformant one runs clean, and each defect found in public
//! sample handlers is reported with its rule id. Each run is also made through the
//! `TracingProxy`, and `mobsync check` on the proxy's trace finds the same violations on the
//! same events.

mod common;
#[path = "raw/mod.rs"]
mod raw;

use std::collections::HashMap;
use std::time::Duration;

use mobsync::sim::{Script, SimReport, Simulator};
use mobsync::trace::{Call, Line, Parser, check};
use mobsync::{Config, ItemId, ProgressAnswer, Rule};
use mobsync_com::{Foreign, TraceLog, TracingProxy};
use raw::handlers::{Defect, HandlerConfig, ITEM_ARCHIVE, ITEM_CALENDAR, ITEM_MAIL, RawHandler};
use windows_core::Interface;

/// A raw handler's interface as this crate's type: the same object, the same vtable.
fn ours(object: raw::abi::ISyncMgrSynchronize) -> mobsync_com::abi::ISyncMgrSynchronize {
    // SAFETY: both types declare the interface {6295DF40-…} with the same vtable; the reference
    // moves from one wrapper to the other.
    unsafe { mobsync_com::abi::ISyncMgrSynchronize::from_raw(object.into_raw()) }
}

fn id(guid: windows_core::GUID) -> ItemId {
    guid.into()
}

/// `MOBSYNC_TIME_SCALE` (CI sets it under valgrind, which runs code 20–50 times slower) times
/// `millis`.
fn scaled(millis: u64) -> Duration {
    let scale = std::env::var("MOBSYNC_TIME_SCALE")
        .ok()
        .and_then(|scale| scale.parse().ok())
        .unwrap_or(1);
    Duration::from_millis(millis * scale)
}

/// The script with a short timeout: a missing completion costs this long.
fn quick(script: Script) -> Script {
    script.timeout(scaled(800))
}

/// One run straight through the vtable.
fn direct(config: &HandlerConfig, script: &Script) -> SimReport {
    let object = ours(RawHandler::with_config(config.clone()));
    Simulator::new(quick(script.clone())).run(&mut Foreign::new(object))
}

/// The same run through the tracing proxy: the report, and the proxy's trace.
fn proxied(config: &HandlerConfig, script: &Script) -> (SimReport, String) {
    let log = TraceLog::in_memory();
    let handler = ours(RawHandler::with_config(config.clone()));
    let proxy = TracingProxy::new(handler, log.clone()).into();
    let report = Simulator::new(quick(script.clone())).run(&mut Foreign::new(proxy));
    common::assert_all_released();
    (report, log.text())
}

/// An event as its line says it, whether its ids are written by name or as GUIDs.
type Said = (Call, Option<mobsync::HResult>);

/// The event on each event line of `trace`, by line number.
fn events(trace: &str) -> HashMap<usize, Said> {
    let mut parser = Parser::new();
    let mut events = HashMap::new();
    for (n, line) in trace.lines().enumerate() {
        let parsed = parser
            .parse_line(n + 1, line)
            .unwrap_or_else(|err| panic!("{err}\n{trace}"));
        if let Line::Event(event) = parsed {
            events.insert(event.line, (event.call, event.recorded));
        }
    }
    events
}

/// `(rule, event)` of each violation `mobsync check` finds in `trace`.
fn checked(trace: &str) -> Vec<(Rule, Said)> {
    let events = events(trace);
    let mut found = Vec::new();
    check(trace.as_bytes(), Config::default(), |verdict| {
        if verdict.violation {
            found.push((verdict.rule, events[&verdict.line].clone()));
        }
    })
    .unwrap_or_else(|err| panic!("the proxy's trace does not parse: {err}\n{trace}"));
    found
}

/// `(rule, event)` of each violation the simulator recorded on an event line of its trace (a
/// missing completion or a boundary violation is on a comment line: no trace can show it).
fn on_events(report: &SimReport) -> Vec<(Rule, Said)> {
    let events = events(&report.trace);
    report
        .violations
        .iter()
        .filter_map(|v| Some((v.rule, events.get(&v.line)?.clone())))
        .collect()
}

/// Runs `config` under `script` directly and through the proxy, and checks that the proxy
/// changed nothing and its trace tells the same story.
fn both(config: &HandlerConfig, script: &Script) -> SimReport {
    let report = direct(config, script);
    common::assert_all_released();
    let (through, trace) = proxied(config, script);
    assert_eq!(
        through.broken_rules(),
        report.broken_rules(),
        "the proxy changed the run\n{}\n{}",
        report.trace,
        through.trace
    );
    assert_eq!(
        checked(&trace),
        on_events(&through),
        "mobsync check on the proxy's trace\n{trace}\nthe simulator's\n{}",
        through.trace
    );
    report
}

#[test]
fn the_conformant_raw_handler_runs_clean_through_the_vtable_and_the_proxy() {
    let _counting = common::counting();
    let scripts = [
        Script::default(),
        Script::default()
            .skip_in_window_a(id(ITEM_CALENDAR))
            .skip_in_window_b(id(ITEM_MAIL)),
        Script::default().answer_progress(id(ITEM_MAIL), 2, ProgressAnswer::CancelItem),
        Script::default()
            .show_errors(1)
            .show_properties(id(ITEM_MAIL)),
        Script::default()
            .probe_windows()
            .skip_after_pass(id(ITEM_ARCHIVE)),
    ];
    for script in &scripts {
        let report = both(&HandlerConfig::conformant(), script);
        assert!(
            report.is_clean(),
            "{script:?}\n{}\n{:#?}",
            report.trace,
            report.violations
        );
    }
    // The proxy names the items it saw enumerated, as the simulator does.
    let (_, trace) = proxied(&HandlerConfig::conformant(), &Script::default());
    assert!(
        trace.contains("\nitem Mail {5AC00001-7E1D-4C2B-9A61-0C0FFEE00001}\n"),
        "{trace}"
    );
    assert!(
        trace.contains("\nProgress Mail status=SUCCEEDED"),
        "{trace}"
    );
}

/// Each defect, the script that shows it, and the rule it breaks.
fn defects() -> Vec<(Defect, Script, Rule)> {
    let late = |script: Script| script.linger(scaled(400));
    vec![
        (
            Defect::CompletionThenFailure,
            Script::default(),
            Rule::PrepRet,
        ),
        (
            Defect::ProgressAfterCompletion,
            late(Script::default()),
            Rule::Prog,
        ),
        (
            Defect::CompletionTwice,
            late(Script::default()),
            Rule::SyncDone,
        ),
        (
            Defect::SetItemStatusAlwaysOk,
            Script::default().probe_windows(),
            Rule::Sis,
        ),
        (
            Defect::SetItemStatusAlwaysOk,
            Script::default().skip_after_pass(id(ITEM_MAIL)),
            Rule::Sis,
        ),
        (Defect::DuplicateItems, Script::default(), Rule::Enum),
        (Defect::NullErrorIds, Script::default(), Rule::Log),
        (Defect::CompletionNever, Script::default(), Rule::SyncDone),
        (
            Defect::SynchronizeWithoutPrepare,
            Script::default().probe_windows(),
            Rule::Sync,
        ),
        (Defect::EnumOvercount, Script::default(), Rule::ComEnum),
        (Defect::EnumShortOk, Script::default(), Rule::ComEnum),
    ]
}

#[test]
fn each_defect_of_public_sample_handlers_is_reported_with_its_rule_id() {
    let _counting = common::counting();
    for (defect, script, rule) in defects() {
        let report = both(&HandlerConfig::with_defect(defect), &script);
        assert!(
            report.broken_rules().contains(&rule),
            "{defect:?}: expected {rule}, got {:?}\n{}",
            report.broken_rules(),
            report.trace
        );
    }
}

#[test]
fn a_skip_or_cancel_accepted_and_never_honoured_is_in_the_end_of_pass_report() {
    let _counting = common::counting();
    let cases = [
        (
            Defect::SkipIgnored,
            Script::default().skip_in_window_b(id(ITEM_CALENDAR)),
            id(ITEM_CALENDAR),
        ),
        (
            Defect::CancelIgnored,
            Script::default().answer_progress(id(ITEM_MAIL), 1, ProgressAnswer::CancelItem),
            id(ITEM_MAIL),
        ),
    ];
    for (defect, script, item) in cases {
        let report = both(&HandlerConfig::with_defect(defect), &script);
        let pass = &report.passes[0];
        let not_honoured: Vec<ItemId> = pass.skip_not_honoured().map(|view| view.id).collect();
        assert_eq!(not_honoured, [item], "{defect:?}\n{}", report.trace);
        // The conformant handler honours the same request.
        let clean = both(&HandlerConfig::conformant(), &script);
        assert!(clean.is_clean(), "{}", clean.trace);
    }
}

#[test]
fn wrong_struct_sizes_and_unterminated_names_are_reported_under_their_r_com_rules() {
    let _counting = common::counting();
    let cases: Vec<(HandlerConfig, Rule)> = vec![
        (
            HandlerConfig {
                handler_info_cb_size: Some(80),
                ..HandlerConfig::conformant()
            },
            Rule::ComSize,
        ),
        (
            HandlerConfig {
                item_cb_size: Some(296),
                ..HandlerConfig::conformant()
            },
            Rule::ComSize,
        ),
        (
            HandlerConfig {
                progress_cb_size: Some(24),
                ..HandlerConfig::conformant()
            },
            Rule::ComSize,
        ),
        (
            HandlerConfig {
                log_error_cb_size: Some(40),
                ..HandlerConfig::conformant()
            },
            Rule::ComSize,
        ),
        (
            HandlerConfig {
                handler_name_unterminated: true,
                ..HandlerConfig::conformant()
            },
            Rule::ComStr,
        ),
    ];
    for (config, rule) in cases {
        let report = both(&config, &Script::default());
        assert!(
            report.broken_rules().contains(&rule),
            "expected {rule}, got {:?}\n{}",
            report.broken_rules(),
            report.trace
        );
    }
}

#[test]
#[ignore = "prints each defect's run, the simulator's trace beside the proxy's"]
fn print_each_defect() {
    for (defect, script, _) in defects() {
        let (report, trace) = proxied(&HandlerConfig::with_defect(defect), &script);
        println!(
            "==== {defect:?}: {:?}\n{}\n---- proxy\n{trace}",
            report.broken_rules(),
            report.trace
        );
    }
}

/// The conformant raw handler behind a front that fails GetHandlerInfo without clearing its
/// out-pointer (everything else forwarded).
#[windows_core::implement(mobsync_com::abi::ISyncMgrSynchronize)]
struct Uncleared(mobsync_com::abi::ISyncMgrSynchronize);

#[allow(non_snake_case, reason = "the interface's method names")]
impl mobsync_com::abi::ISyncMgrSynchronize_Impl for Uncleared_Impl {
    unsafe fn Initialize(
        &self,
        reserved: u32,
        flags: u32,
        size: u32,
        cookie: *const u8,
    ) -> windows_core::HRESULT {
        // SAFETY: forwarded unchanged.
        unsafe { self.0.Initialize(reserved, flags, size, cookie) }
    }
    unsafe fn GetHandlerInfo(
        &self,
        _: *mut *mut mobsync_com::abi::SYNCMGRHANDLERINFO,
    ) -> windows_core::HRESULT {
        mobsync_com::hr::E_FAIL
    }
    unsafe fn EnumSyncMgrItems(&self, out: *mut *mut core::ffi::c_void) -> windows_core::HRESULT {
        // SAFETY: forwarded unchanged.
        unsafe { self.0.EnumSyncMgrItems(out) }
    }
    unsafe fn GetItemObject(
        &self,
        item: *const windows_core::GUID,
        riid: *const windows_core::GUID,
        out: *mut *mut core::ffi::c_void,
    ) -> windows_core::HRESULT {
        // SAFETY: forwarded unchanged.
        unsafe { self.0.GetItemObject(item, riid, out) }
    }
    unsafe fn ShowProperties(
        &self,
        parent: mobsync_com::abi::HWND,
        item: *const windows_core::GUID,
    ) -> windows_core::HRESULT {
        // SAFETY: forwarded unchanged.
        unsafe { self.0.ShowProperties(parent, item) }
    }
    unsafe fn SetProgressCallback(
        &self,
        callback: *mut core::ffi::c_void,
    ) -> windows_core::HRESULT {
        // SAFETY: forwarded unchanged.
        unsafe { self.0.SetProgressCallback(callback) }
    }
    unsafe fn PrepareForSync(
        &self,
        count: u32,
        items: *const windows_core::GUID,
        parent: mobsync_com::abi::HWND,
        reserved: u32,
    ) -> windows_core::HRESULT {
        // SAFETY: forwarded unchanged.
        unsafe { self.0.PrepareForSync(count, items, parent, reserved) }
    }
    unsafe fn Synchronize(&self, parent: mobsync_com::abi::HWND) -> windows_core::HRESULT {
        // SAFETY: forwarded unchanged.
        unsafe { self.0.Synchronize(parent) }
    }
    unsafe fn SetItemStatus(
        &self,
        item: *const windows_core::GUID,
        status: u32,
    ) -> windows_core::HRESULT {
        // SAFETY: forwarded unchanged.
        unsafe { self.0.SetItemStatus(item, status) }
    }
    unsafe fn ShowError(
        &self,
        parent: mobsync_com::abi::HWND,
        error: *const windows_core::GUID,
    ) -> windows_core::HRESULT {
        // SAFETY: forwarded unchanged.
        unsafe { self.0.ShowError(parent, error) }
    }
}

#[test]
fn r_com_out_an_out_pointer_left_set_on_failure_is_reported() {
    let _counting = common::counting();
    let front: mobsync_com::abi::ISyncMgrSynchronize =
        Uncleared(ours(RawHandler::conformant())).into();
    let report = Simulator::new(quick(Script::default())).run(&mut Foreign::new(front));
    let out: Vec<&str> = report
        .violations
        .iter()
        .filter(|v| v.rule == Rule::ComOut)
        .map(|v| v.message.as_str())
        .collect();
    assert_eq!(
        out,
        [
            "R-COM-OUT: GetHandlerInfo answered E_FAIL and left it as it was instead of setting \
          its out-pointer to NULL"
        ],
        "{}",
        report.trace
    );
    common::assert_all_released();
}
