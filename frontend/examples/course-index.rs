//! Prints the course's index as `exercises/index.json` (see `warren_frontend::course`):
//! `cargo xtask build-frontend` writes it beside the release page, which fetches it when the
//! Exercises tab is first opened.

fn main() {
    println!("{}", warren_frontend::course::index_json());
}
