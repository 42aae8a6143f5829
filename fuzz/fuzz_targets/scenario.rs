//! Fuzz target `scenario`: see [`warren_fuzz::scenario`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| warren_fuzz::scenario(data));
