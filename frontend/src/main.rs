//! Entry point of the page; everything else is in the library.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(warren_frontend::App);
}
