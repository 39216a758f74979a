//! Server-wide settings kept in the database (the generated JWT secret).

use super::db::{params, DbExt};
use super::sql::statements;
use super::Store;
use crate::domain::error::Error;

statements! {
    INSERT_SETTING =
        both("insert into settings (key, value) values ($1, $2) on conflict (key) do nothing");
    SETTING = both("select value from settings where key = $1");
}

impl Store {
    /// The value stored under `key`, or `proposed` stored now if there was none. Every node
    /// sharing the database ends up with the same value, whoever proposed first.
    pub async fn setting_or_insert(&self, key: &str, proposed: &str) -> Result<String, Error> {
        let (key, proposed) = (key.to_owned(), proposed.to_owned());
        self.engine
            .write(move |tx| {
                tx.db.execute(INSERT_SETTING, params![&key, &proposed])?;
                Ok(tx.db.one(SETTING, params![&key])?)
            })
            .await
    }
}
