//! The fuzz harnesses of `fuzz/` on random and corpus bytes, so every CI run exercises them.

#[path = "../fuzz/harness.rs"]
mod harness;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn trace_harness_holds_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        harness::trace(&bytes);
    }

    #[test]
    fn events_harness_holds_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        harness::events(&bytes);
    }
}

#[test]
fn harnesses_hold_on_the_committed_fuzz_corpus() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (target, run) in [
        ("trace", harness::trace as fn(&[u8])),
        ("events", harness::events),
    ] {
        let Ok(dir) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in dir {
            run(&std::fs::read(entry.unwrap().path()).unwrap());
        }
    }
}

/// The entries of a libFuzzer dictionary, unescaped: one `"…"` or `name="…"` a line, `#` comments
/// and blank lines skipped, `\\`, `\"` and `\xAB` the only escapes. Panics where libFuzzer would
/// refuse the file.
fn dictionary(text: &str) -> Vec<Vec<u8>> {
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let quoted = line
            .find('"')
            .map(|at| &line[at..])
            .filter(|q| q.len() >= 2 && q.ends_with('"'))
            .unwrap_or_else(|| panic!("line {}: not a dictionary entry: {line}", n + 1));
        let (mut bytes, mut entry) = (quoted[1..quoted.len() - 1].bytes(), Vec::new());
        while let Some(b) = bytes.next() {
            match (b, b == b'\\') {
                (_, false) => entry.push(b),
                (_, true) => match bytes.next() {
                    Some(e @ (b'\\' | b'"')) => entry.push(e),
                    Some(b'x') => {
                        let hex: Vec<u8> = bytes.by_ref().take(2).collect();
                        let hex = std::str::from_utf8(&hex).unwrap();
                        entry.push(u8::from_str_radix(hex, 16).unwrap());
                    }
                    _ => panic!("line {}: bad escape: {line}", n + 1),
                },
            }
        }
        entries.push(entry);
    }
    entries
}

/// `fuzz/trace.dict` holds the format's words, and its words are the format's: every event,
/// HRESULT and status name the crate knows is in it, and every name or key in it is one the
/// parser knows.
#[test]
fn the_trace_dictionary_holds_the_formats_words() {
    use mobsync::trace::Parser;
    use mobsync::{EventKind, HResult, SyncMgrStatus};

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/trace.dict");
    let entries = dictionary(&std::fs::read_to_string(path).unwrap());
    let words: std::collections::HashSet<String> = entries
        .iter()
        .map(|e| String::from_utf8(e.clone()).unwrap().trim().to_owned())
        .collect();
    let named = EventKind::ALL
        .iter()
        .flat_map(|k| k.name().split(' '))
        .chain(HResult::named().map(|(_, name)| name))
        .chain(SyncMgrStatus::ALL.iter().map(|s| s.short_name()));
    for name in named {
        assert!(words.contains(name), "`{name}` is missing from trace.dict");
    }
    // A probe line accepts the word, or fails for another reason than not knowing it.
    let known = |line: &str, unknown: &[&str]| match Parser::new().parse_line(1, line) {
        Ok(_) => true,
        Err(e) => !unknown.iter().any(|u| e.message.contains(u)),
    };
    for word in &words {
        if let Some(key) = word.strip_suffix("=\"").or(word.strip_suffix('=')) {
            let known_key = [
                "Initialize MANUAL",
                "GetHandlerInfo",
                "Progress A",
                "LogError ERROR \"t\"",
            ]
            .iter()
            .any(|event| known(&format!("{event} {key}=1"), &["unknown key"]));
            assert!(known_key, "`{word}` in trace.dict is no key of the format");
        } else if (word.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
            && word.bytes().any(|b| b.is_ascii_uppercase()))
            || [
                "set", "null", "true", "false", "jump", "item", "error", "return",
            ]
            .contains(&word.as_str())
        {
            let probes = [
                (word.clone(), "is not an event"),
                (format!("Initialize {word}"), "is not a FLAGS value"),
                (format!("SetItemStatus A {word}"), "is not a STATUS"),
                (format!("LogError {word} \"t\""), "is not a LEVEL"),
                (format!("Synchronize => {word}"), "is not an HRESULT"),
                (format!("SetProgressCallback {word}"), "expected"),
                (format!("EnableModeless {word}"), "expected"),
                (format!("LogError ERROR \"t\" {word}"), "unexpected"),
            ];
            let known_word = probes.iter().any(|(line, unknown)| known(line, &[unknown]));
            assert!(
                known_word,
                "`{word}` in trace.dict is no word of the format"
            );
        }
    }
}
