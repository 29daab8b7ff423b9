//! The health endpoint, outside the AWS namespace (`/_warden/health`: no bucket or AWS path
//! can start with an underscore).

use axum::Json;
use axum::response::IntoResponse;

/// Path of the health endpoint.
pub(crate) const HEALTH_PATH: &str = "/_warden/health";

/// Answers `{"status":"ok"}` while the server accepts requests.
pub(crate) async fn health() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}
