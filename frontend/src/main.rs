//! Entry point of the page; everything else is in the library.

fn main() {
    warren_frontend::fatal::install();
    leptos::mount::mount_to_body(warren_frontend::App);
}
