//! The instructor's HTTP endpoints, under `/api` (docs/workshop.md). Every one needs the
//! instructor's token as `Authorization: Bearer TOKEN`; a missing or wrong token is refused (401)
//! before anything is looked up, and an address that sent too many wrong ones waits (429 with
//! `Retry-After`). Every refusal is a JSON [`Refusal`] with the HTTP status its code means.
//!
//! | method | path | does |
//! |---|---|---|
//! | GET | `/api/course` | the course's exercises |
//! | GET, POST | `/api/rooms` | every room; create one |
//! | GET | `/api/rooms/{code}` | one room |
//! | GET | `/api/rooms/{code}/grid` | its grid now |
//! | POST | `/api/rooms/{code}/next` | move it on to the next exercise |
//! | POST | `/api/rooms/{code}/close` | close it |
//! | POST | `/api/rooms/{code}/push` | send a scenario to everyone in it |
//! | GET | `/api/rooms/{code}/attempts/{seat}/{exercise}` | a learner's latest attempt |
//! | GET | `/api/rooms/{code}/results.csv` | its results as CSV |

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Path};
use axum::http::header::{AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{any, get, post};
use serde::de::DeserializeOwned;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use warren_shared::room::{CourseExercise, Delivered, NewRoom, Push, Refusal, RefusalCode};

use super::{Workshop, course, refuse};
use crate::server::AppState;

/// The workshop's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/course", get(course_list))
        .route("/api/rooms", get(list).post(create))
        .route("/api/rooms/{code}", get(one))
        .route("/api/rooms/{code}/grid", get(grid))
        .route("/api/rooms/{code}/next", post(next))
        .route("/api/rooms/{code}/close", post(close))
        .route("/api/rooms/{code}/push", post(push))
        .route("/api/rooms/{code}/attempts/{seat}/{exercise}", get(attempt))
        .route("/api/rooms/{code}/results.csv", get(results))
        .route("/api/{*rest}", any(unknown))
}

/// A refusal as an HTTP answer.
#[derive(Debug)]
pub struct ApiRefusal(pub Refusal);

impl From<Refusal> for ApiRefusal {
    fn from(refusal: Refusal) -> Self {
        Self(refusal)
    }
}

/// The HTTP status a refusal's code means.
pub fn status(code: RefusalCode) -> StatusCode {
    match code {
        RefusalCode::NoWorkshop | RefusalCode::NoRoom | RefusalCode::UnknownSeat | RefusalCode::NotFound => {
            StatusCode::NOT_FOUND
        }
        RefusalCode::Unauthorized => StatusCode::UNAUTHORIZED,
        RefusalCode::TooManyFailures | RefusalCode::Busy | RefusalCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        RefusalCode::NameTaken | RefusalCode::NoSeat | RefusalCode::NotAllowed => StatusCode::CONFLICT,
        RefusalCode::BadName | RefusalCode::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        RefusalCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

impl IntoResponse for ApiRefusal {
    fn into_response(self) -> Response {
        let refusal = self.0;
        let retry = refusal.retry_after_ms.map(|ms| ms.div_ceil(1000).max(1));
        let mut response = (status(refusal.code), Json(refusal)).into_response();
        if let Some(seconds) = retry.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            response.headers_mut().insert(RETRY_AFTER, seconds);
        }
        response
    }
}

/// The instructor, let through: the workshop to act on.
pub struct Instructor(pub Workshop);

impl FromRequestParts<AppState> for Instructor {
    type Rejection = ApiRefusal;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let workshop = state.workshop.clone().ok_or_else(refuse::no_workshop)?;
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim);
        workshop.authorize(address, token)?;
        Ok(Self(workshop))
    }
}

/// A JSON body, or the refusal that says how to write one.
fn body<T: DeserializeOwned>(bytes: &[u8], example: &str) -> Result<T, ApiRefusal> {
    serde_json::from_slice(bytes).map_err(|error| ApiRefusal(refuse::malformed(error, example)))
}

type Answer<T> = Result<T, ApiRefusal>;

async fn course_list(Instructor(_): Instructor) -> Answer<Json<Vec<CourseExercise>>> {
    let text = |value: Option<&serde_json::Value>| value.and_then(|v| serde_json::from_value(v.clone()).ok());
    let list = course::course()
        .iter()
        .filter_map(|entry| {
            let exercise = entry.document.get("exercise")?;
            Some(CourseExercise {
                id: entry.id.clone(),
                title: text(exercise.get("title"))?,
                task: text(exercise.get("task"))?,
                needs_node_faults: exercise
                    .get("needs_node_faults")
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false),
            })
        })
        .collect();
    Ok(Json(list))
}

async fn list(Instructor(workshop): Instructor) -> Answer<Response> {
    Ok(Json(workshop.rooms().await?).into_response())
}

async fn create(Instructor(workshop): Instructor, bytes: Bytes) -> Answer<Response> {
    let request: NewRoom = body(
        &bytes,
        r#"{"title":"Tuesday","exercises":[{"from":"course","id":"confirms"}]}"#,
    )?;
    let room = workshop.create_room(&request).await?;
    Ok((StatusCode::CREATED, Json(room)).into_response())
}

async fn one(Instructor(workshop): Instructor, Path(code): Path<String>) -> Answer<Response> {
    let room = workshop.room(&code).await?;
    Ok(Json(super::grid::view(&room)).into_response())
}

async fn grid(Instructor(workshop): Instructor, Path(code): Path<String>) -> Answer<Response> {
    Ok(Json(workshop.grid(&code).await?).into_response())
}

async fn next(Instructor(workshop): Instructor, Path(code): Path<String>) -> Answer<Response> {
    Ok(Json(workshop.next_exercise(&code).await?).into_response())
}

async fn close(Instructor(workshop): Instructor, Path(code): Path<String>) -> Answer<Response> {
    Ok(Json(workshop.close(&code).await?).into_response())
}

async fn push(Instructor(workshop): Instructor, Path(code): Path<String>, bytes: Bytes) -> Answer<Response> {
    let request: Push = body(&bytes, r#"{"scenario":{"version":1,...}}"#)?;
    let sockets = workshop.push(&code, request).await?;
    Ok(Json(Delivered {
        sockets: u64::try_from(sockets).unwrap_or(u64::MAX),
    })
    .into_response())
}

async fn attempt(
    Instructor(workshop): Instructor,
    Path((code, seat, exercise)): Path<(String, String, String)>,
) -> Answer<Response> {
    Ok(Json(workshop.latest_attempt(&code, &seat, &exercise).await?).into_response())
}

async fn results(Instructor(workshop): Instructor, Path(code): Path<String>) -> Answer<Response> {
    let (name, text) = workshop.results_csv(&code).await?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (CONTENT_DISPOSITION, disposition),
        ],
        text,
    )
        .into_response())
}

async fn unknown() -> ApiRefusal {
    ApiRefusal(Refusal::new(
        RefusalCode::NotFound,
        "no such endpoint: docs/workshop.md lists the relay's /api endpoints",
    ))
}
