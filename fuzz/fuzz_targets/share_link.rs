//! Fuzz target `share_link`: see [`warren_fuzz::share_link`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| warren_fuzz::share_link(data));
