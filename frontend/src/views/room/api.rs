//! The instructor's HTTP calls to the relay (`/api`, docs/workshop.md), with her token.

use serde::de::DeserializeOwned;
use warren_shared::room::Refusal;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why a call did not give its answer: the relay's refusal, or why it could not be asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The relay answered with a refusal.
    Refused(Refusal),
    /// The relay could not be asked, or its answer read.
    Unreachable(String),
}

impl Failure {
    /// The failure in a sentence (English; the relay's own sentences are said as they came).
    pub fn message(&self) -> String {
        match self {
            Self::Refused(refusal) => refusal.message.clone(),
            Self::Unreachable(why) => why.clone(),
        }
    }
}

/// `method` on `path` with the instructor's `token` and a JSON `body`: the answer's text.
pub async fn text(method: &str, path: &str, token: &str, body: Option<String>) -> Result<String, Failure> {
    let failed =
        |e: wasm_bindgen::JsValue| Failure::Unreachable(format!("could not reach the relay for {path}: {e:?}"));
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(failed)?;
    headers
        .set("Authorization", &format!("Bearer {token}"))
        .map_err(failed)?;
    if let Some(body) = body {
        headers.set("Content-Type", "application/json").map_err(failed)?;
        init.set_body(&wasm_bindgen::JsValue::from_str(&body));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(|| Failure::Unreachable("no window".to_owned()))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    let text = JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?;
    let text = text.as_string().unwrap_or_default();
    if response.ok() {
        return Ok(text);
    }
    Err(match serde_json::from_str::<Refusal>(&text) {
        Ok(refusal) => Failure::Refused(refusal),
        Err(_) => Failure::Unreachable(format!("the relay answered {} for {path}", response.status())),
    })
}

/// `method` on `path`, its answer read as `T`.
pub async fn json<T: DeserializeOwned>(
    method: &str,
    path: &str,
    token: &str,
    body: Option<String>,
) -> Result<T, Failure> {
    let text = text(method, path, token, body).await?;
    serde_json::from_str(&text)
        .map_err(|e| Failure::Unreachable(format!("could not read the relay's answer for {path}: {e}")))
}
