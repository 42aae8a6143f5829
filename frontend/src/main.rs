//! Entry point of the page; everything else is in the library.

fn main() {
    warren_frontend::fatal::install();
    // A reader of Chinese gets the page in Chinese from the start: its texts come first.
    wasm_bindgen_futures::spawn_local(async {
        if warren_frontend::i18n::initial() == warren_frontend::Lang::Zh
            && let Err(error) = warren_frontend::i18n::catalogue::load().await
        {
            leptos::logging::warn!("{error}");
        }
        leptos::mount::mount_to_body(warren_frontend::App);
    });
}
