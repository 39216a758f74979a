//! Resources (tenants), their hashed keys and allowed origins.

use sqlx::FromRow;

use super::Store;
use crate::domain::resource::{Resource, TokenIssuance};
use crate::error::AppError;

/// A resource to insert, with its key and secret already hashed.
pub struct NewResource {
    pub resource_id: String,
    pub api_key_hash: String,
    pub secret_hash: String,
    pub token_issuance: TokenIssuance,
    pub allowed_origins: Vec<String>,
    pub created_at: i64,
}

#[derive(FromRow)]
struct ResourceRow {
    id: String,
    secret_hash: String,
    token_issuance: String,
    allowed_origins: String,
    created_at: i64,
}

impl ResourceRow {
    /// The resource and its secret hash (kept apart so the hash never reaches a response).
    fn into_parts(self) -> Result<(Resource, String), AppError> {
        let token_issuance = TokenIssuance::parse(&self.token_issuance)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("bad token_issuance in store")))?;
        let allowed_origins =
            serde_json::from_str(&self.allowed_origins).map_err(AppError::internal)?;
        let resource = Resource {
            resource_id: self.id,
            token_issuance,
            allowed_origins,
            created_at: self.created_at,
        };
        Ok((resource, self.secret_hash))
    }
}

impl Store {
    /// Inserts a resource; 409 if the id is taken.
    pub async fn insert_resource(&self, new: &NewResource) -> Result<Resource, AppError> {
        let origins_json =
            serde_json::to_string(&new.allowed_origins).map_err(AppError::internal)?;
        let mut tx = self.write.begin().await?;
        let inserted = sqlx::query(
            "insert into resources (id, api_key_hash, secret_hash, token_issuance, allowed_origins, created_at)
             values ($1, $2, $3, $4, $5, $6) on conflict (id) do nothing",
        )
        .bind(&new.resource_id)
        .bind(&new.api_key_hash)
        .bind(&new.secret_hash)
        .bind(new.token_issuance.as_str())
        .bind(&origins_json)
        .bind(new.created_at)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(AppError::Conflict(
                "a resource with this resourceId already exists".into(),
            ));
        }
        for origin in &new.allowed_origins {
            sqlx::query(
                "insert into resource_origins (origin, resource_id) values ($1, $2) on conflict do nothing",
            )
            .bind(origin)
            .bind(&new.resource_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Resource {
            resource_id: new.resource_id.clone(),
            token_issuance: new.token_issuance,
            allowed_origins: new.allowed_origins.clone(),
            created_at: new.created_at,
        })
    }

    /// The resource whose API key hashes to `api_key_hash`, with its secret hash.
    pub async fn find_resource_by_key(
        &self,
        api_key_hash: &str,
    ) -> Result<Option<(Resource, String)>, AppError> {
        let row: Option<ResourceRow> = sqlx::query_as(
            "select id, secret_hash, token_issuance, allowed_origins, created_at
             from resources where api_key_hash = $1",
        )
        .bind(api_key_hash)
        .fetch_optional(&self.read)
        .await?;
        row.map(ResourceRow::into_parts).transpose()
    }

    /// The resource `resource_id`, with its secret hash.
    pub async fn find_resource(
        &self,
        resource_id: &str,
    ) -> Result<Option<(Resource, String)>, AppError> {
        let row: Option<ResourceRow> = sqlx::query_as(
            "select id, secret_hash, token_issuance, allowed_origins, created_at
             from resources where id = $1",
        )
        .bind(resource_id)
        .fetch_optional(&self.read)
        .await?;
        row.map(ResourceRow::into_parts).transpose()
    }

    /// Replaces both hashes; the old key and secret stop matching with this commit.
    pub async fn rotate_resource_keys(
        &self,
        resource_id: &str,
        api_key_hash: &str,
        secret_hash: &str,
    ) -> Result<bool, AppError> {
        let updated =
            sqlx::query("update resources set api_key_hash = $2, secret_hash = $3 where id = $1")
                .bind(resource_id)
                .bind(api_key_hash)
                .bind(secret_hash)
                .execute(&self.write)
                .await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Whether some resource allows `origin` (or every origin): decides CORS preflights, which
    /// carry no key.
    pub async fn some_resource_allows_origin(&self, origin: &str) -> Result<bool, AppError> {
        let found: Option<i64> = sqlx::query_scalar(
            "select 1 from resource_origins where origin = $1 or origin = '*' limit 1",
        )
        .bind(origin)
        .fetch_optional(&self.read)
        .await?;
        Ok(found.is_some())
    }

    /// Whether the database holds no resource yet (first start).
    pub async fn has_no_resources(&self) -> Result<bool, AppError> {
        let found: Option<String> = sqlx::query_scalar("select id from resources limit 1")
            .fetch_optional(&self.read)
            .await?;
        Ok(found.is_none())
    }
}
