//! The schema, migrated at start: the files of `migrations/` in order, each applied once in its
//! own transaction and recorded in `chatcloud_migrations`.

use anyhow::Context;

use super::db::{params, Db, DbExt, Dialect};
use super::sql::statements;
use crate::domain::time::now_ms;

statements! {
    APPLIED = both("select version from chatcloud_migrations");
    RECORD = both(
        "insert into chatcloud_migrations (version, name, applied_at) values ($1, $2, $3)"
    );
    /// The migrations recorded by earlier versions (sqlx), where that table exists.
    SQLX_VERSIONS = both("select version from _sqlx_migrations where success");
}

/// The migrations, in order: (version, name, SQL).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (
        2,
        "conversations",
        include_str!("../../migrations/0002_conversations.sql"),
    ),
    (3, "stats", include_str!("../../migrations/0003_stats.sql")),
    (
        4,
        "presence",
        include_str!("../../migrations/0004_presence.sql"),
    ),
    (
        5,
        "read_counts",
        include_str!("../../migrations/0005_read_counts.sql"),
    ),
    (
        6,
        "client_id_partial",
        include_str!("../../migrations/0006_client_id_partial.sql"),
    ),
    (
        7,
        "user_keys",
        include_str!("../../migrations/0007_user_keys.sql"),
    ),
    (
        8,
        "user_identity",
        include_str!("../../migrations/0008_user_identity.sql"),
    ),
    (
        9,
        "object_metadata",
        include_str!("../../migrations/0009_object_metadata.sql"),
    ),
];

/// Applies every migration the database has not seen yet.
pub fn run(db: &mut dyn Db) -> anyhow::Result<()> {
    let dialect = db.dialect();
    // Several processes may start together on one PostgreSQL database: one migrates at a time.
    if dialect == Dialect::Postgres {
        db.batch("select pg_advisory_lock(7363526873)")
            .context("locking the schema for migration")?;
    }
    let result = apply_pending(db);
    if dialect == Dialect::Postgres {
        let _ = db.batch("select pg_advisory_unlock(7363526873)");
    }
    result
}

fn apply_pending(db: &mut dyn Db) -> anyhow::Result<()> {
    db.batch(
        "create table if not exists chatcloud_migrations (
             version bigint primary key,
             name text not null,
             applied_at bigint not null
         )",
    )?;
    let mut applied: Vec<i64> = db.all(APPLIED, &[])?;
    if applied.is_empty() {
        applied = adopt_earlier_record(db)?;
    }
    for &(version, name, sql) in MIGRATIONS {
        if applied.contains(&version) {
            continue;
        }
        db.begin()?;
        let outcome = db
            .batch(sql)
            .and_then(|()| db.execute(RECORD, params![version, name, now_ms()]));
        match outcome {
            Ok(_) => db.commit()?,
            Err(error) => {
                let _ = db.rollback();
                return Err(error)
                    .with_context(|| format!("applying migration {version} ({name})"));
            }
        }
    }
    Ok(())
}

/// Databases made by earlier versions recorded their migrations in `_sqlx_migrations`: take
/// those over so they are not applied twice.
fn adopt_earlier_record(db: &mut dyn Db) -> anyhow::Result<Vec<i64>> {
    let Ok(versions) = db.all::<i64>(SQLX_VERSIONS, &[]) else {
        return Ok(Vec::new());
    };
    for &version in &versions {
        if let Some(&(_, name, _)) = MIGRATIONS.iter().find(|(v, _, _)| *v == version) {
            db.execute(RECORD, params![version, name, now_ms()])?;
        }
    }
    Ok(versions)
}
