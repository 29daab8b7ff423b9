//! The accounts' OpenID Connect issuers (outbound identity federation): their discovery
//! documents and key sets, outside the AWS namespace under
//! [`ISSUER_PATH`](warden_core::sts::ISSUER_PATH), unauthenticated, so that an external
//! service can verify GetWebIdentityToken's tokens.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use warden_core::{ServiceError, Warden};

use crate::pipeline::AppState;

/// The discovery document's route.
pub(crate) const DISCOVERY_ROUTE: &str =
    "/_warden/oidc/{account}/{issuer}/.well-known/openid-configuration";
/// The key set's route.
pub(crate) const KEYS_ROUTE: &str = "/_warden/oidc/{account}/{issuer}/.well-known/jwks.json";

type Document = fn(&Warden, &str, &str) -> Result<Option<String>, ServiceError>;

/// `GET …/.well-known/openid-configuration`.
pub(crate) async fn discovery(
    State(state): State<Arc<AppState>>,
    Path((account, issuer)): Path<(String, String)>,
) -> Response {
    answer(
        &state,
        account,
        issuer,
        warden_core::sts::discovery_document,
    )
    .await
}

/// `GET …/.well-known/jwks.json`.
pub(crate) async fn keys(
    State(state): State<Arc<AppState>>,
    Path((account, issuer)): Path<(String, String)>,
) -> Response {
    answer(&state, account, issuer, warden_core::sts::key_set_document).await
}

/// The document (read from the store off the async workers), 404 when the account has no
/// such issuer.
async fn answer(state: &AppState, account: String, issuer: String, document: Document) -> Response {
    let warden = Arc::clone(&state.warden);
    let found = tokio::task::spawn_blocking(move || document(&warden, &account, &issuer)).await;
    match found {
        Ok(Ok(Some(body))) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "max-age=300"),
            ],
            body,
        )
            .into_response(),
        Ok(Ok(None)) => StatusCode::NOT_FOUND.into_response(),
        Ok(Err(error)) => {
            tracing::error!(%error, "issuer document");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
