//! Fuzz target `inflate`: see [`warren_fuzz::inflate`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| warren_fuzz::inflate(data));
