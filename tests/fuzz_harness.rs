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
