//! Files the release page fetches from beside itself when it first needs them: the Chinese texts
//! ([`crate::i18n::catalogue`]) and the course ([`crate::course`]).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The text of the file at `path` (relative to the page); why not, in words that start with
/// "could not load `what`: ".
pub async fn text(path: &str, what: &str) -> Result<String, String> {
    let failed = |e: wasm_bindgen::JsValue| format!("could not load {what}: {path}: {e:?}");
    let window = web_sys::window().ok_or_else(|| format!("could not load {what}: no window"))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    if !response.ok() {
        return Err(format!(
            "could not load {what}: the relay answered {} for {path}",
            response.status()
        ));
    }
    let text = JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?;
    Ok(text.as_string().unwrap_or_default())
}
