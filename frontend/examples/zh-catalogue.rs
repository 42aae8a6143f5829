//! Prints the page's Chinese texts as `zh.json` (see `warren_frontend::i18n::catalogue`):
//! `cargo xtask build-frontend` writes it next to the release page, which loads it on demand.

fn main() {
    println!("{}", warren_frontend::i18n::catalogue::to_json());
}
