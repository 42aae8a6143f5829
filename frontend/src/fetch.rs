//! The page's HTTP requests to the relay that serves it: the files the release page fetches from
//! beside itself when it first needs them (the Chinese texts, [`crate::i18n::catalogue`]; the
//! course, [`crate::course`]; the room's words) and the instructor's calls to `/api`
//! (`views/room/api.rs`).

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What the relay answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Its HTTP status.
    pub status: u16,
    /// Its body, as text.
    pub text: String,
}

impl Answer {
    /// Whether the status is a success (2xx).
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// `method` on `path` (relative to the page) with `headers` and `body`; why not, in the
/// browser's words.
pub async fn send(method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Result<Answer, String> {
    let said = |e: JsValue| format!("{e:?}");
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let sent_headers = web_sys::Headers::new().map_err(said)?;
    for (name, value) in headers {
        sent_headers.set(name, value).map_err(said)?;
    }
    init.set_headers(&sent_headers);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(said)?
        .dyn_into()
        .map_err(said)?;
    let text = JsFuture::from(response.text().map_err(said)?).await.map_err(said)?;
    Ok(Answer {
        status: response.status(),
        text: text.as_string().unwrap_or_default(),
    })
}

/// The text of the file at `path` (relative to the page); why not, in words that start with
/// "could not load `what`: ". Only the release page fetches files.
#[cfg(feature = "split")]
pub async fn text(path: &str, what: &str) -> Result<String, String> {
    let answer = send("GET", path, &[], None)
        .await
        .map_err(|e| format!("could not load {what}: {path}: {e}"))?;
    if !answer.ok() {
        return Err(format!(
            "could not load {what}: the relay answered {} for {path}",
            answer.status
        ));
    }
    Ok(answer.text)
}
