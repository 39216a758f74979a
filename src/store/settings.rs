//! Server-wide settings kept in the database (the generated JWT secret).

use super::Store;
use crate::error::AppError;

impl Store {
    /// The value stored under `key`, or `proposed` stored now if there was none. Every node
    /// sharing the database ends up with the same value, whoever proposed first.
    pub async fn setting_or_insert(&self, key: &str, proposed: &str) -> Result<String, AppError> {
        sqlx::query(
            "insert into settings (key, value) values ($1, $2) on conflict (key) do nothing",
        )
        .bind(key)
        .bind(proposed)
        .execute(&self.write)
        .await?;
        let value: String = sqlx::query_scalar("select value from settings where key = $1")
            .bind(key)
            .fetch_one(&self.write)
            .await?;
        Ok(value)
    }
}
