//! Prints the room's words as `room-words.json` (see `warren_frontend::views::room::words`):
//! `cargo xtask build-frontend` writes it next to the release page, whose room's part loads it.

fn main() {
    println!("{}", warren_frontend::views::room::words::to_json());
}
