//! Fuzz target `deflate`: see [`warren_fuzz::deflate`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| warren_fuzz::deflate(data));
