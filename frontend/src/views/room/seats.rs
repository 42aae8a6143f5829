//! The seats a browser keeps, one per room, in `localStorage` under [`SEAT_KEY`]: a line
//! `CODE SECRET` for each, the latest first, at most [`KEPT`]. A learner who joined two rooms
//! (two workshops in a day, or two tabs) goes back to the seat of the room her link names.

use super::plain_code;
use crate::keep;
use crate::room::{SEAT_KEY, kept};

/// How many rooms' seats a browser keeps.
const KEPT: usize = 8;

/// A seat the browser keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptSeat {
    /// Its room's code, as [`plain_code`] writes it.
    pub code: String,
    /// The seat's secret, which `rejoin` sends.
    pub secret: String,
}

/// The seats in `text`, the latest first (a line that is not `CODE SECRET` is skipped).
fn read(text: &str) -> Vec<KeptSeat> {
    text.lines()
        .filter_map(|line| {
            let (code, secret) = line.trim().split_once(' ')?;
            let (code, secret) = (plain_code(code), secret.trim());
            (!code.is_empty() && !secret.is_empty()).then(|| KeptSeat {
                code,
                secret: secret.to_owned(),
            })
        })
        .collect()
}

fn write(seats: &[KeptSeat]) -> String {
    let lines: Vec<String> = seats.iter().map(|s| format!("{} {}", s.code, s.secret)).collect();
    lines.join("\n")
}

/// `text` with the seat `secret` of room `code` first, replacing that room's old one.
fn with(text: &str, code: &str, secret: &str) -> String {
    let code = plain_code(code);
    let mut seats = read(text);
    seats.retain(|s| s.code != code);
    seats.insert(
        0,
        KeptSeat {
            code,
            secret: secret.to_owned(),
        },
    );
    seats.truncate(KEPT);
    write(&seats)
}

/// `text` without room `code`'s seat.
fn without(text: &str, code: &str) -> String {
    let code = plain_code(code);
    let mut seats = read(text);
    seats.retain(|s| s.code != code);
    write(&seats)
}

/// The seat kept for room `wanted`, or with no room wanted the latest one.
fn pick(text: &str, wanted: Option<&str>) -> Option<KeptSeat> {
    let seats = read(text);
    match wanted.map(plain_code) {
        Some(wanted) => seats.into_iter().find(|s| s.code == wanted),
        None => seats.into_iter().next(),
    }
}

/// The seat this browser keeps for room `wanted`, or with no room wanted its latest.
pub fn kept_seat(wanted: Option<&str>) -> Option<KeptSeat> {
    pick(&kept(SEAT_KEY)?, wanted)
}

/// Keep the seat `secret` of room `code` (as the latest).
pub fn keep_seat(code: &str, secret: &str) {
    keep::store(SEAT_KEY, &with(&kept(SEAT_KEY).unwrap_or_default(), code, secret));
}

/// Forget room `code`'s seat (the learner left, or the relay no longer knows it).
pub fn forget_seat(code: &str) {
    keep::store(SEAT_KEY, &without(&kept(SEAT_KEY).unwrap_or_default(), code));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_room_keeps_its_own_seat_the_latest_first() {
        let one = with("", "abc-123", "s1");
        assert_eq!(
            one, "ABC123 s1",
            "the format of a single seat, as earlier pages kept it"
        );
        let two = with(&one, "XYZ789", "s2");
        assert_eq!(pick(&two, Some("abc 123")).map(|s| s.secret).as_deref(), Some("s1"));
        assert_eq!(pick(&two, Some("xyz789")).map(|s| s.secret).as_deref(), Some("s2"));
        assert_eq!(
            pick(&two, None).map(|s| s.code).as_deref(),
            Some("XYZ789"),
            "the latest"
        );
        assert_eq!(pick(&two, Some("NOPE00")), None, "another room asks for a name");

        let rejoined = with(&two, "ABC123", "s3");
        assert_eq!(read(&rejoined).len(), 2, "a room has one seat");
        assert_eq!(pick(&rejoined, None).map(|s| s.secret).as_deref(), Some("s3"));

        let left = without(&rejoined, "abc123");
        assert_eq!(left, "XYZ789 s2");
        assert_eq!(without(&left, "XYZ789"), "");
    }

    #[test]
    fn at_most_a_few_rooms_are_kept_and_garbage_is_skipped() {
        let mut text = "not a seat\n\nABC123 s0".to_owned();
        for n in 1..=KEPT + 2 {
            text = with(&text, &format!("ROOM{n:02}"), &format!("s{n}"));
        }
        let seats = read(&text);
        assert_eq!(seats.len(), KEPT);
        assert_eq!(seats[0].code, format!("ROOM{:02}", KEPT + 2));
        assert_eq!(pick(&text, Some("ABC123")), None, "the oldest went first");
    }
}
