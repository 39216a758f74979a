//! Resources (tenants), their hashed keys and allowed origins.

use super::db::{params, DbError, DbExt, FromRow, Row};
use super::engine::Stale;
use super::sql::statements;
use super::Store;
use crate::domain::error::Error;
use crate::domain::resource::ResourceId;
use crate::domain::resource::{Resource, TokenIssuance};
use crate::domain::time::Timestamp;

/// A resource to insert, with its key and secret already hashed.
pub struct NewResource {
    pub resource_id: ResourceId,
    pub api_key_hash: String,
    pub secret_hash: String,
    pub token_issuance: TokenIssuance,
    pub allowed_origins: Vec<String>,
    pub self_profile_edit: bool,
    pub created_at: Timestamp,
}

/// A resource row and its secret hash (kept apart so the hash never reaches a response).
struct ResourceRow(Resource, String);

impl FromRow for ResourceRow {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        let resource_id = row.resource_id()?;
        let secret_hash = row.text()?;
        let token_issuance = row.parsed("token_issuance", TokenIssuance::parse)?;
        let origins = row.text()?;
        let allowed_origins = serde_json::from_str(&origins)
            .map_err(|error| DbError::Decode(format!("allowed_origins: {error}")))?;
        let self_profile_edit = row.flag()?;
        let resource = Resource {
            resource_id,
            token_issuance,
            allowed_origins,
            self_profile_edit,
            created_at: row.timestamp()?,
        };
        Ok(ResourceRow(resource, secret_hash))
    }
}

/// `select <resource columns> from resources <tail>`.
macro_rules! select_resource {
    ($tail:literal) => {
        concat!(
            "select id, secret_hash, token_issuance, allowed_origins, self_profile_edit, created_at
             from resources ",
            $tail
        )
    };
}

statements! {
    INSERT_RESOURCE = both(
        "insert into resources (id, api_key_hash, secret_hash, token_issuance,
             allowed_origins, self_profile_edit, created_at)
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (id) do nothing"
    );
    SET_SELF_PROFILE_EDIT = both("update resources set self_profile_edit = $2 where id = $1");
    INSERT_ORIGIN = both(
        "insert into resource_origins (origin, resource_id) values ($1, $2)
         on conflict do nothing"
    );
    RESOURCE_BY_KEY = both(select_resource!("where api_key_hash = $1"));
    RESOURCE_BY_ID = both(select_resource!("where id = $1"));
    ROTATE_KEYS =
        both("update resources set api_key_hash = $2, secret_hash = $3 where id = $1");
    /// Whether some resource allows the origin (or every origin).
    ORIGIN_ALLOWED =
        both("select 1 from resource_origins where origin = $1 or origin = '*' limit 1");
    ALL_RESOURCES = both(select_resource!("order by created_at, id"));
    ANY_RESOURCE = both("select id from resources limit 1");
}

impl Store {
    /// Inserts a resource; 409 if the id is taken.
    pub async fn insert_resource(&self, new: NewResource) -> Result<Resource, Error> {
        let origins_json = serde_json::to_string(&new.allowed_origins)
            .map_err(|error| Error::Internal(error.into()))?;
        self.engine
            .write(move |tx| {
                let inserted = tx.db.execute(
                    INSERT_RESOURCE,
                    params![
                        &new.resource_id,
                        &new.api_key_hash,
                        &new.secret_hash,
                        new.token_issuance.as_str(),
                        &origins_json,
                        new.self_profile_edit,
                        new.created_at
                    ],
                )?;
                if inserted == 0 {
                    return Err(Error::Conflict(
                        "a resource with this resourceId already exists".into(),
                    ));
                }
                for origin in &new.allowed_origins {
                    tx.db
                        .execute(INSERT_ORIGIN, params![origin, &new.resource_id])?;
                }
                // An unknown key may be cached as unknown.
                tx.stale(Stale::Resource {
                    resource_id: new.resource_id.clone(),
                });
                Ok(Resource {
                    resource_id: new.resource_id,
                    token_issuance: new.token_issuance,
                    allowed_origins: new.allowed_origins,
                    self_profile_edit: new.self_profile_edit,
                    created_at: new.created_at,
                })
            })
            .await
    }

    /// The resource whose API key hashes to `api_key_hash`, with its secret hash. Served from
    /// the cache (see `cache.rs` for how fresh), unknown keys included.
    pub async fn find_resource_by_key(
        &self,
        api_key_hash: &str,
    ) -> Result<Option<(Resource, String)>, Error> {
        if let Some(lookup) = self.shared.cache.key(api_key_hash) {
            return Ok(lookup);
        }
        let hash = api_key_hash.to_owned();
        let lookup = self
            .engine
            .read(move |db| {
                let row: Option<ResourceRow> = db.optional(RESOURCE_BY_KEY, params![&hash])?;
                Ok(row.map(|ResourceRow(resource, secret)| (resource, secret)))
            })
            .await?;
        self.shared.cache.put_key(api_key_hash, lookup.clone());
        Ok(lookup)
    }

    /// The resource `resource_id`, with its secret hash.
    pub async fn find_resource(
        &self,
        resource_id: &ResourceId,
    ) -> Result<Option<(Resource, String)>, Error> {
        let id = resource_id.to_owned();
        self.engine
            .read(move |db| {
                let row: Option<ResourceRow> = db.optional(RESOURCE_BY_ID, params![&id])?;
                Ok(row.map(|ResourceRow(resource, secret)| (resource, secret)))
            })
            .await
    }

    /// Replaces both hashes; the old key and secret stop matching with this commit.
    pub async fn rotate_resource_keys(
        &self,
        resource_id: &ResourceId,
        api_key_hash: &str,
        secret_hash: &str,
    ) -> Result<bool, Error> {
        let (id, key, secret) = (
            resource_id.to_owned(),
            api_key_hash.to_owned(),
            secret_hash.to_owned(),
        );
        self.engine
            .write(move |tx| {
                let updated = tx.db.execute(ROTATE_KEYS, params![&id, &key, &secret])?;
                tx.stale(Stale::Resource { resource_id: id });
                Ok(updated == 1)
            })
            .await
    }

    /// Turns users' editing of their own profile on or off; `false` if there is no such resource.
    pub async fn set_self_profile_edit(
        &self,
        resource_id: &ResourceId,
        allowed: bool,
    ) -> Result<bool, Error> {
        let id = resource_id.to_owned();
        self.engine
            .write(move |tx| {
                let updated = tx
                    .db
                    .execute(SET_SELF_PROFILE_EDIT, params![&id, allowed])?;
                tx.stale(Stale::Resource { resource_id: id });
                Ok(updated == 1)
            })
            .await
    }

    /// Whether some resource allows `origin` (or every origin): decides CORS preflights, which
    /// carry no key.
    pub async fn some_resource_allows_origin(&self, origin: &str) -> Result<bool, Error> {
        let origin = origin.to_owned();
        self.engine
            .read(move |db| {
                let found: Option<i64> = db.optional(ORIGIN_ALLOWED, params![&origin])?;
                Ok(found.is_some())
            })
            .await
    }

    /// Every resource, oldest first.
    pub async fn list_resources(&self) -> Result<Vec<Resource>, Error> {
        self.engine
            .read(|db| {
                let rows: Vec<ResourceRow> = db.all(ALL_RESOURCES, &[])?;
                Ok(rows
                    .into_iter()
                    .map(|ResourceRow(resource, _)| resource)
                    .collect())
            })
            .await
    }

    /// Whether the database holds no resource yet (first start).
    pub async fn has_no_resources(&self) -> Result<bool, Error> {
        self.engine
            .read(|db| {
                let found: Option<String> = db.optional(ANY_RESOURCE, &[])?;
                Ok(found.is_none())
            })
            .await
    }
}
