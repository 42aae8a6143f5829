//! Fuzz target `ws_message`: see [`warren_fuzz::ws_message`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| warren_fuzz::ws_message(data));
