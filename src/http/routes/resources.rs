//! The operator API: create resources, rotate their keys.

use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::keys;
use crate::domain::resource::ResourceId;
use crate::http::envelope::{Created, Data, Envelope};
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{ApiSecretHeader, Json, Operator, Path};
use crate::http::rate_limit::Budget;
use crate::http::state::AppState;
use crate::tenants::{self, CreateResource, ProvisionedResource, RotatedKeys};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_resource))
        .routes(routes!(rotate_keys))
}

/// Create a resource (a site) with its API key and secret, shown this once.
#[utoipa::path(post, path = "/resources", tag = "operator",
    security(("operatorKey" = [])),
    request_body = CreateResource,
    responses(
        (status = 201, body = Envelope<ProvisionedResource>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, description = "operator API off (no operator key configured)", body = ErrorBody),
        (status = 409, body = ErrorBody),
    ))]
async fn create_resource(
    _: Operator,
    State(state): State<AppState>,
    Json(request): Json<CreateResource>,
) -> Result<Created<ProvisionedResource>, AppError> {
    let created = tenants::create_resource(&state.store, request).await?;
    tracing::info!(resource_id = %created.resource_id, "resource created");
    Ok(Created(created))
}

/// Replace a resource's API key and secret; the old ones stop working at once.
///
/// Allowed with the operator key, or with the resource's current `x-api-secret`.
#[utoipa::path(post, path = "/resources/{resourceId}/rotate-keys", tag = "operator",
    params(("resourceId" = String, Path)),
    security(("operatorKey" = []), ("apiSecret" = [])),
    responses(
        (status = 200, body = Envelope<RotatedKeys>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn rotate_keys(
    State(state): State<AppState>,
    Path(resource_id): Path<String>,
    operator: Option<Operator>,
    budget: Budget,
    ApiSecretHeader(secret): ApiSecretHeader,
) -> Result<Data<RotatedKeys>, AppError> {
    let resource_id = ResourceId::named(resource_id);
    let (_, secret_hash) = state
        .store
        .find_resource(&resource_id)
        .await?
        .ok_or(AppError::NotFound("resource"))?;
    if operator.is_none() {
        match secret {
            Some(secret) if keys::matches_hash(&secret, &secret_hash) => {
                budget.charge(|| state.limits.charge_secret(&resource_id))?;
            }
            Some(_) => return Err(AppError::secret_required("x-api-secret is not valid")),
            None => {
                return Err(AppError::secret_required(
                    "rotating keys needs the operator key or the resource's x-api-secret",
                ))
            }
        }
    }
    let rotated = tenants::rotate_keys(&state.store, &resource_id).await?;
    tracing::info!(%resource_id, "resource keys rotated");
    Ok(Data(rotated))
}
