#![no_main]
//! Arbitrary event sequences through the engine and the thread-safe handle side by side.

#[path = "../harness.rs"]
#[allow(dead_code)] // each target uses one of the harnesses
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::events(data));
