//! What the page does when its own code fails: a panic stops the app, so instead of a page that
//! silently freezes, a banner says what broke and what to do. The message also goes to the
//! browser console, with its location.

use crate::i18n::Text;
use std::panic::PanicHookInfo;

/// Install the hook; call once before mounting the app.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_banner(info);
    }));
}

fn show_banner(info: &PanicHookInfo<'_>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    // The language the page was in, as remembered (the page's own state may be what failed).
    let lang = crate::i18n::initial();
    banner.set_class_name("fatal notice error");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "fatal-error");
    let reason = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| Text::UnknownError.text(lang).to_owned());
    let place = info
        .location()
        .map(|l| format!(" ({}:{})", l.file(), l.line()))
        .unwrap_or_default();
    banner.set_text_content(Some(&format!(
        "{}{reason}{place}{}",
        Text::PageStopped.text(lang),
        Text::ReloadToGoOn.text(lang)
    )));
    let _ = body.prepend_with_node_1(&banner);
}
