//! `mobsync check` on hostile input: what it prints on a terminal is escaped and short, and a
//! closed output stops it at once.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn mobsync() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mobsync"))
}

/// The parse error text mode prints on standard error for `trace`, and the exit status.
fn text_error(trace: &[u8]) -> (String, Option<i32>) {
    let mut child = mobsync()
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(trace).unwrap();
    let out = child.wait_with_output().unwrap();
    (String::from_utf8(out.stderr).unwrap(), out.status.code())
}

/// Nothing a terminal acts on: no control character but the final line feed.
fn printable(text: &str) -> bool {
    text.trim_end_matches('\n').chars().all(|c| !c.is_control())
}

#[test]
fn control_characters_in_a_bad_token_are_escaped_in_text_mode() {
    for (trace, shown) in [
        (&b"Initialize MAN\0UAL\n"[..], "`MAN\\u{0}UAL`"),
        (b"Initialize MAN\rUAL\n", "`MAN\\u{d}UAL`"),
        (b"Initialize \x1b]0;pwned\x07\n", "`\\u{1b}]0;pwned\\u{7}`"),
        (
            b"Initialize \x1b[31mred\x1b[0m\n",
            "`\\u{1b}[31mred\\u{1b}[0m`",
        ),
        (b"Frobnicate\xe2\x80\xae!\n", "`Frobnicate\\u{202e}!`"),
    ] {
        let (stderr, status) = text_error(trace);
        assert_eq!(status, Some(2), "{stderr}");
        assert!(printable(&stderr), "{stderr:?}");
        assert!(stderr.contains(shown), "{stderr:?} should show {shown}");
    }
}

#[test]
fn a_megabyte_token_is_shortened_with_its_length() {
    let mut trace = b"Initialize ".to_vec();
    trace.extend(std::iter::repeat_n(b'x', 1_000_000));
    trace.push(b'\n');
    let (stderr, status) = text_error(&trace);
    assert_eq!(status, Some(2));
    assert!(stderr.len() < 200, "{} bytes", stderr.len());
    assert!(stderr.contains("… (1000000 characters)"), "{stderr}");
}

#[test]
fn a_closed_output_stops_checking_at_once_with_status_141_and_no_panic() {
    let mut child = mobsync()
        .args(["check", "--all", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // An endless trace: the checker must stop because its reader went away, not because the
    // input ended.
    let mut input = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(b"Initialize MANUAL\nSetProgressCallback set\n");
        let line = b"SetItemStatus A SKIPPED\n".repeat(10_000);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if input.write_all(&line).is_err() {
                return true;
            }
        }
        false
    });
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.starts_with("1: S_OK R-INIT"), "{first}");
    let closed = Instant::now();
    drop(out);
    let status = child.wait().unwrap();
    assert!(
        closed.elapsed() < Duration::from_secs(5),
        "{:?}",
        closed.elapsed()
    );
    assert_eq!(status.code(), Some(141));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.is_empty(), "{stderr}");
    assert!(feeder.join().unwrap(), "the checker kept reading");
}
