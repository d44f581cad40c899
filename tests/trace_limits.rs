//! TRACE.md's limits: a line of up to 64 MiB (not counting its LF or CRLF), and at most
//! 2,097,152 distinct names, which bound the memory `mobsync check` may use.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{BufReader, Read};

use mobsync::Config;
use mobsync::trace::{CheckError, MAX_LINE_BYTES, check};

/// The system allocator, counting the live heap bytes of each thread and their peak: the tests
/// of this file run in parallel, and each measures only what its own thread holds.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn grew(bytes: usize) {
    let live = LIVE.get() + bytes as isize;
    LIVE.set(live);
    PEAK.set(PEAK.get().max(live));
}

fn shrank(bytes: usize) {
    LIVE.set(LIVE.get() - bytes as isize);
}

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrank(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            shrank(layout.size() - new_size);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A trace whose second line is a LogError whose text pads the line to `len` bytes, ended by
/// `end`.
fn long_line(len: usize, end: &str) -> Vec<u8> {
    let head = b"Initialize MANUAL\nSetProgressCallback set\nLogError ERROR \"";
    let mut trace = head.to_vec();
    let text = len - (b"LogError ERROR \"".len() + 1);
    trace.resize(trace.len() + text, b'x');
    trace.push(b'"');
    trace.extend_from_slice(end.as_bytes());
    trace.extend_from_slice(b"SetProgressCallback null\n");
    trace
}

/// What `check` says of `trace`, whole and read 4 KiB at a time: events, or the error's
/// (line, column).
fn checked(trace: &[u8]) -> Result<usize, (usize, usize)> {
    let answer = |result: Result<mobsync::trace::Summary, CheckError>| match result {
        Ok(summary) => Ok(summary.events),
        Err(CheckError::Syntax(err)) => Err((err.line, err.column)),
        Err(err) => panic!("{err}"),
    };
    let whole = answer(check(trace, Config::default(), |_| {}));
    let streamed = answer(check(
        BufReader::with_capacity(4096, trace),
        Config::default(),
        |_| {},
    ));
    assert_eq!(whole, streamed, "read whole and streamed");
    whole
}

#[test]
fn a_line_of_exactly_64_mib_is_taken_with_lf_and_with_crlf() {
    assert_eq!(MAX_LINE_BYTES, 67_108_864);
    for end in ["\n", "\r\n"] {
        assert_eq!(checked(&long_line(MAX_LINE_BYTES, end)), Ok(4), "{end:?}");
    }
}

#[test]
fn a_line_one_byte_longer_is_an_error_at_column_1_with_lf_and_with_crlf() {
    for end in ["\n", "\r\n"] {
        assert_eq!(
            checked(&long_line(MAX_LINE_BYTES + 1, end)),
            Err((3, 1)),
            "{end:?}"
        );
    }
}

/// The number of distinct names a trace may use.
const MAX_NAMES: usize = 2_097_152;

/// A reader of a trace that lists `names` distinct names, 1,024 to a line, made as it is read.
struct Names {
    next: usize,
    names: usize,
    pending: Vec<u8>,
}

impl Read for Names {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pending.is_empty() && self.next < self.names {
            self.pending.extend_from_slice(b"EnumSyncMgrItems");
            let end = (self.next + 1024).min(self.names);
            for n in self.next..end {
                self.pending.extend_from_slice(format!(" n{n}").as_bytes());
            }
            self.pending.push(b'\n');
            self.next = end;
        }
        let n = out.len().min(self.pending.len());
        out[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

#[test]
fn the_names_are_bounded_by_the_limit_and_one_more_is_an_error() {
    let head = b"Initialize MANUAL\n".as_slice();
    let before = LIVE.get();
    PEAK.set(before);
    let input = BufReader::new(head.chain(Names {
        next: 0,
        names: MAX_NAMES,
        pending: Vec::new(),
    }));
    let summary = check(input, Config::default(), |_| {}).unwrap();
    let peak = PEAK.get() - before;
    assert_eq!(summary.events, 1 + MAX_NAMES / 1024);
    // A short name is 33 bytes in the table (its 16-byte key, its GUID, a control byte). At the
    // limit the table has 2^22 buckets (it fills to 7/8), and while it grows to them it still
    // holds the 2^21 it had: 207,618,048 bytes. Anything beyond that and a line's buffers is a
    // copy too many; the bound holds whatever the trace's length.
    let table = 33 * ((1 << 22) + (1 << 21));
    assert!(
        peak >= table,
        "{peak} bytes at the names limit: the table is not measured"
    );
    assert!(peak < table + (1 << 20), "{peak} bytes at the names limit");
    // One name more is an error, at the token that would add it.
    let input = BufReader::new(head.chain(Names {
        next: 0,
        names: MAX_NAMES + 1,
        pending: Vec::new(),
    }));
    let Err(CheckError::Syntax(err)) = check(input, Config::default(), |_| {}) else {
        panic!("no error past the names limit")
    };
    // The last line holds the one name past the limit, first in its line.
    assert_eq!((err.line, err.column), (2 + MAX_NAMES / 1024, 18), "{err}");
}
