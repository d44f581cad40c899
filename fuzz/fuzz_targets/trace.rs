#![no_main]
//! Arbitrary bytes as a trace, through the parser and the checker.

#[path = "../harness.rs"]
#[allow(dead_code)] // each target uses one of the harnesses
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::trace(data));
