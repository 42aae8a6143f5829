//! The instructor's HTTP calls to the relay (`/api`, docs/workshop.md), with her token.

use serde::de::DeserializeOwned;
use warren_shared::room::Refusal;

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
    let authorization = format!("Bearer {token}");
    let mut headers = vec![("Authorization", authorization.as_str())];
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    let answer = crate::fetch::send(method, path, &headers, body.as_deref())
        .await
        .map_err(|e| Failure::Unreachable(format!("could not reach the relay for {path}: {e}")))?;
    if answer.ok() {
        return Ok(answer.text);
    }
    Err(match serde_json::from_str::<Refusal>(&answer.text) {
        Ok(refusal) => Failure::Refused(refusal),
        Err(_) => Failure::Unreachable(format!("the relay answered {} for {path}", answer.status)),
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
