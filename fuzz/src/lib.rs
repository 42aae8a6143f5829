//! What Warren's fuzz targets check, one function per target (`cargo xtask fuzz` runs them).
//!
//! Each function takes the fuzzer's bytes, hands them to a reader the way the program does, and
//! panics when an invariant breaks: libFuzzer counts a panic as a crash and keeps the input. An
//! input that a reader refuses is fine; a reader that panics, or that reads back something other
//! than what was written, is not.
//!
//! # Layout
//! - [`scenario`]: a scenario document, as the relay and the page's editor read one.
//! - [`share_link`]: a page fragment (`#s=1.…`), as the page opens one.
//! - [`inflate`]: a raw DEFLATE stream, held against a well-known inflater.
//! - [`deflate`]: data packed by the page and unpacked by both inflaters.
//! - [`ws_message`]: a WebSocket text frame, read as the relay reads the page's messages and as
//!   the page reads the relay's.
//!
//! The targets start from `examples/` and `fuzz/seeds/<target>/` (see `xtask/src/fuzz.rs`): the
//! examples as share links and as raw DEFLATE (stored, fixed and dynamic blocks), and frames
//! recorded from a relay running the examples, with one event of each kind (those no example
//! shows written from the readers' field lists).
//!
//! A crash becomes a regression test in the crate that owns the code, next to the fix.
//!
//! "The same" allows one thing: a number that is not an integer may move by a unit in its last
//! place when it goes through JSON text ([`same`]).

use serde::Serialize;
use serde_json::Value;
use std::fmt::Debug;
use warren_frontend::Status;
use warren_frontend::model::state::limit_rows;
use warren_frontend::share::{self, deflate as codec, deflate::InflateError};
use warren_shared::{ClientMessage, Limits, ServerMessage, parse_scenario, validate};

/// A scenario document: JSON, then [`parse_scenario`], then [`validate`] under the default limits
/// and under limits that allow node faults. A parsed scenario, written out and parsed again, is
/// the same scenario.
pub fn scenario(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    check_scenario(&value);
}

/// Read a scenario's JSON as the relay does, and check the round trip when it parses.
fn check_scenario(value: &Value) {
    let scenario = match parse_scenario(value) {
        Ok(scenario) => scenario,
        Err(problems) => {
            assert!(!problems.is_empty(), "a scenario that does not parse has a problem");
            problems.iter().for_each(|p| drop(p.to_string()));
            return;
        }
    };
    let faults = Limits {
        node_faults: true,
        nodes: vec!["rabbit@a".to_owned(), "rabbit@b".to_owned()],
        ..Limits::default()
    };
    for limits in [Limits::default(), faults] {
        validate(&scenario, &limits).iter().for_each(|p| drop(p.to_string()));
    }
    let written = serde_json::to_value(&scenario).expect("a scenario serializes");
    match parse_scenario(&written) {
        Ok(again) => assert_eq!(
            again, scenario,
            "the scenario changed on its way out and back: {written}"
        ),
        Err(problems) => panic!("a written scenario does not parse: {problems:?} in {written}"),
    }
}

/// A page fragment, as the page opens it: [`share::decode_document`]. Whatever opens, linked
/// again (its document as the page links it, and its scenario as [`share::encode`] writes it),
/// opens to the same.
pub fn share_link(data: &[u8]) {
    let Ok(fragment) = std::str::from_utf8(data) else {
        return;
    };
    let (document, scenario) = match share::decode_document(fragment) {
        Ok(opened) => opened,
        Err(error) => {
            drop(error.message());
            return;
        }
    };
    let link = share::encode_document(&document);
    match share::decode_document(&link) {
        Ok(again) => assert_same(&(document, scenario.clone()), &again, "a document linked again"),
        Err(error) => panic!("a document linked again does not open ({error}): {link}"),
    }
    let link = share::encode(&scenario);
    match share::decode(&link) {
        Ok(again) => assert_same(&scenario, &again, "a scenario linked again"),
        Err(error) => panic!("a scenario linked again does not open ({error}): {link}"),
    }
}

/// Raw DEFLATE read: the page's inflater agrees with `miniz_oxide` on whether the bytes
/// inflate and to what, within a link's limit.
pub fn inflate(data: &[u8]) {
    let limit = share::MAX_JSON_BYTES;
    let ours = codec::decompress(data, limit);
    let reference = miniz_oxide::inflate::decompress_to_vec_with_limit(data, limit);
    match (&ours, &reference) {
        (Ok(ours), Ok(reference)) => assert!(ours == reference, "the two inflaters disagree on the output"),
        (Ok(_), Err(error)) => panic!("the page inflates a stream miniz_oxide refuses ({error})"),
        (Err(error), Ok(_)) => panic!("the page refuses a stream miniz_oxide inflates ({error})"),
        (Err(_), Err(_)) => {}
    }
}

/// Raw DEFLATE written: the page's deflater packs the bytes so that both inflaters give them
/// back, and a limit one byte short is refused.
pub fn deflate(data: &[u8]) {
    let packed = codec::compress(data);
    assert_eq!(
        codec::decompress(&packed, data.len()).as_deref(),
        Ok(data),
        "packed and unpacked, the data changed"
    );
    assert!(
        miniz_oxide::inflate::decompress_to_vec(&packed).is_ok_and(|unpacked| unpacked == data),
        "miniz_oxide reads the packed data otherwise"
    );
    if let Some(short) = data.len().checked_sub(1) {
        assert_eq!(
            codec::decompress(&packed, short),
            Err(InflateError::TooLarge),
            "a limit one byte short is not refused"
        );
    }
}

/// A WebSocket text frame (UTF-8, as the WebSocket layer hands it over), read both ways.
///
/// As the relay reads the page's frames: a [`ClientMessage`], and a run's scenario through
/// [`parse_scenario`] and [`validate`] (the relay's size limit, 1 MiB, is above any input here).
/// As the page reads the relay's: a [`ServerMessage`], and what reaches its connection
/// [`Status`]. Either
/// message, written out and read again, is the same message.
pub fn ws_message(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    match serde_json::from_str::<ClientMessage>(text) {
        Ok(message) => {
            let written = serde_json::to_string(&message).expect("a client message serializes");
            match serde_json::from_str::<ClientMessage>(&written) {
                Ok(again) => assert_same(&message, &again, "a client message written and read again"),
                Err(error) => panic!("a written client message does not read ({error}): {written}"),
            }
            if let ClientMessage::Run { scenario } = &message {
                check_scenario(scenario);
            }
        }
        Err(error) => drop(error.to_string()),
    }

    // As the page's inbox reads a frame, up to what it hands the connection status.
    let mut status = Status::connecting("ws://127.0.0.1:8080/ws");
    status.opened();
    match serde_json::from_str::<ServerMessage>(text) {
        Ok(message) => {
            let written = serde_json::to_string(&message).expect("a server message serializes");
            match serde_json::from_str::<ServerMessage>(&written) {
                Ok(again) => assert_same(&message, &again, "a server message written and read again"),
                Err(error) => panic!("a written server message does not read ({error}): {written}"),
            }
            if let ServerMessage::Hello(hello) = message {
                drop(limit_rows(&hello.limits));
                status.hello(hello);
            }
        }
        Err(error) => status.unreadable(text, &error),
    }
    drop(status.protocol_warning());
}

/// Panic unless `after` is `before` (or [`same`] as JSON); `what` says which trip it made.
fn assert_same<T: Serialize + PartialEq + Debug>(before: &T, after: &T, what: &str) {
    if before == after {
        return;
    }
    let json = |value: &T| serde_json::to_value(value).expect("serializes");
    let (was, is) = (json(before), json(after));
    assert!(same(&was, &is), "{what} changed:\n  before: {was}\n  after:  {is}");
}

/// Whether two JSON values are equal, except that two numbers that are not both integers may
/// differ by a few units in the last place. serde_json, without its `float_roundtrip` feature
/// (which Warren leaves off), reads a number of 17 or more significant digits to one of the two
/// doubles nearest to it, not always the nearest, so such a number may move by one unit in the
/// last place each time it is written as text and read back (1.0777777777777779e92 reads as
/// 1.077777777777778e92). No figure in a scenario or a message needs that last bit.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(key, x)| y.get(key).is_some_and(|y| same(x, y)))
        }
        _ => a == b,
    }
}
