//! The success envelope: `{"success": true, "data": ...}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The success envelope as documented in the OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    /// Always `true`.
    pub success: bool,
    pub data: T,
}

/// 200 with `data`.
pub struct Data<T>(pub T);

/// 201 with `data`.
pub struct Created<T>(pub T);

impl<T: Serialize> IntoResponse for Data<T> {
    fn into_response(self) -> Response {
        envelope(StatusCode::OK, self.0)
    }
}

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        envelope(StatusCode::CREATED, self.0)
    }
}

/// `data` in the envelope with `status` (for routes whose status depends on the outcome).
pub fn envelope<T: Serialize>(status: StatusCode, data: T) -> Response {
    let body = Envelope {
        success: true,
        data,
    };
    (status, axum::Json(body)).into_response()
}
