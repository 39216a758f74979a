//! Creating resources with fresh keys: shared by the operator API, the CLI and the demo
//! resource made on first start.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::keys::KeyPair;
use crate::domain::error::Error;
use crate::domain::resource::{validate_origin, ResourceId, TokenIssuance};
use crate::domain::time::Timestamp;
use crate::store::{NewResource, Store};

/// `POST /api/v1/resources` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateResource {
    /// The site's id, e.g. `site.com`.
    pub resource_id: String,
    /// `secret` (default) or `open`.
    #[serde(default)]
    pub token_issuance: TokenIssuance,
    /// Browser origins that may call the API with this resource's key; `*` for any.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Whether users may edit their own display name and avatar with `PATCH /users/me`
    /// (default `true`).
    #[serde(default = "yes")]
    #[schema(default = true)]
    pub self_profile_edit: bool,
}

fn yes() -> bool {
    true
}

/// A new resource with its key and secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProvisionedResource {
    pub resource_id: ResourceId,
    pub api_key: String,
    pub api_secret: String,
    pub token_issuance: TokenIssuance,
    pub allowed_origins: Vec<String>,
    pub self_profile_edit: bool,
    pub created_at: Timestamp,
}

/// Validates and stores a resource with freshly generated keys; 409 if the id is taken.
pub async fn create_resource(
    store: &Store,
    request: CreateResource,
) -> Result<ProvisionedResource, Error> {
    let resource_id = ResourceId::parse(&request.resource_id)?;
    if request.allowed_origins.len() > 50 {
        return Err(Error::invalid_body("at most 50 allowedOrigins"));
    }
    request
        .allowed_origins
        .iter()
        .try_for_each(|origin| validate_origin(origin))?;
    let keys = KeyPair::generate();
    let resource = store
        .insert_resource(NewResource {
            resource_id,
            api_key_hash: keys.api_key_hash,
            secret_hash: keys.secret_hash,
            token_issuance: request.token_issuance,
            allowed_origins: request.allowed_origins,
            self_profile_edit: request.self_profile_edit,
            created_at: Timestamp::now(),
        })
        .await?;
    Ok(ProvisionedResource {
        resource_id: resource.resource_id,
        api_key: keys.api_key,
        api_secret: keys.api_secret,
        token_issuance: resource.token_issuance,
        allowed_origins: resource.allowed_origins,
        self_profile_edit: resource.self_profile_edit,
        created_at: resource.created_at,
    })
}

/// New credentials of a resource, shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RotatedKeys {
    pub resource_id: ResourceId,
    pub api_key: String,
    pub api_secret: String,
}

/// Replaces a resource's API key and secret; the old ones stop matching with this commit (on
/// other running servers within the cache's bound, one second). 404 if there is no such resource.
pub async fn rotate_keys(store: &Store, resource_id: &ResourceId) -> Result<RotatedKeys, Error> {
    let keys = KeyPair::generate();
    let rotated = store
        .rotate_resource_keys(resource_id, &keys.api_key_hash, &keys.secret_hash)
        .await?;
    if !rotated {
        return Err(Error::NotFound("resource"));
    }
    Ok(RotatedKeys {
        resource_id: resource_id.to_owned(),
        api_key: keys.api_key,
        api_secret: keys.api_secret,
    })
}

/// The id of the demo resource.
pub const DEMO_RESOURCE: &str = "localhost";

/// On an empty database, the open demo resource `localhost` (allowing every origin), so the
/// documentation's browser examples run against a fresh checkout. `None` if there was data.
pub async fn create_demo_resource(store: &Store) -> Result<Option<ProvisionedResource>, Error> {
    if !store.has_no_resources().await? {
        return Ok(None);
    }
    let request = CreateResource {
        resource_id: DEMO_RESOURCE.into(),
        token_issuance: TokenIssuance::Open,
        allowed_origins: vec!["*".into()],
        self_profile_edit: true,
    };
    match create_resource(store, request).await {
        Ok(created) => Ok(Some(created)),
        // Another process made it at the same moment.
        Err(Error::Conflict(_)) => Ok(None),
        Err(error) => Err(error),
    }
}
