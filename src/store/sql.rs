//! Named SQL statements: every statement the store runs is a `const` declared through
//! `statements!`, which also lists it in its module's `STATEMENTS`. `ALL` gathers those lists, so
//! a test can prepare each statement on both databases: a typo in a rarely run statement fails
//! the tests, not a request in production.

use anyhow::Context;

use super::db::{Db, Dialect};
use super::postgres::PgDb;
use super::sqlite::{Role, SqliteDb};
use super::{migrate, sqlite_path, SqliteSync};

/// A statement with `$1`-style parameters: one text for both databases, or one per database
/// where their dialects differ. Declare it with `statements!`, never by hand, so that it is
/// registered.
#[derive(Debug)]
pub struct Statement {
    /// The path of the constant (`chatcloud::store::users::INSERT_USER`), for errors and tests.
    pub name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

impl Statement {
    /// One text both databases run.
    pub const fn both(name: &'static str, text: &'static str) -> Statement {
        Statement {
            name,
            sqlite: text,
            postgres: text,
        }
    }

    /// A text for each database.
    pub const fn per_dialect(
        name: &'static str,
        sqlite: &'static str,
        postgres: &'static str,
    ) -> Statement {
        Statement {
            name,
            sqlite,
            postgres,
        }
    }

    /// The text `dialect` runs.
    pub fn text(&self, dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::Sqlite => self.sqlite,
            Dialect::Postgres => self.postgres,
        }
    }
}

/// Declares a module's statements and lists them in its `STATEMENTS`:
///
/// ```ignore
/// statements! {
///     /// What it is for.
///     FIND_USER = both(select_user!("where id = $1"));
///     LOCK_USER = per_dialect(select_user!("where id = $1"), concat!(..., " for update"));
/// }
/// ```
///
/// One block per module (a second would define `STATEMENTS` twice), and every module's list is
/// in `ALL` (an unlisted module's `STATEMENTS` is unused, which the lints refuse).
macro_rules! statements {
    ($($(#[$doc:meta])* $vis:vis $name:ident = $kind:ident($($text:expr),+ $(,)?);)+) => {
        $(
            $(#[$doc])*
            $vis const $name: &$crate::store::sql::Statement =
                &$crate::store::sql::Statement::$kind(
                    concat!(module_path!(), "::", stringify!($name)),
                    $($text),+
                );
        )+
        /// Every statement of this module, for the test that prepares them all.
        pub(super) const STATEMENTS: &[&$crate::store::sql::Statement] = &[$($name),+];
    };
}
pub(crate) use statements;

/// The statements of every module of the store.
const ALL: &[&[&Statement]] = &[
    super::STATEMENTS,
    super::engine::STATEMENTS,
    super::migrate::STATEMENTS,
    super::users::STATEMENTS,
    super::resources::STATEMENTS,
    super::conversations::STATEMENTS,
    super::messages::STATEMENTS,
    super::tickets::STATEMENTS,
    super::stats::STATEMENTS,
    super::presence::STATEMENTS,
    super::settings::STATEMENTS,
];

/// Every statement the store runs.
pub fn all() -> impl Iterator<Item = &'static Statement> {
    ALL.iter().flat_map(|statements| statements.iter().copied())
}

/// Migrates the database at `url` (`sqlite://...` or `postgres://...`, meant to be a fresh
/// one) and prepares every statement on it without running any. Returns how many were prepared,
/// or an error naming each statement that failed to prepare.
pub fn prepare_all_statements(url: &str) -> anyhow::Result<usize> {
    let mut db: Box<dyn Db> = match sqlite_path(url) {
        Some(path) => Box::new(
            SqliteDb::open(&path, Role::Writer, SqliteSync::Normal)
                .with_context(|| format!("opening {}", path.display()))?,
        ),
        None => {
            let mut db = PgDb::new(url, "");
            db.connect().context("connecting to PostgreSQL")?;
            Box::new(db)
        }
    };
    migrate::run(db.as_mut())?;
    // The record of migrations that databases made by earlier versions carry, which
    // `migrate::SQLX_VERSIONS` reads: as those versions made it, the columns it reads.
    db.batch(
        "create table if not exists _sqlx_migrations (
             version bigint primary key, success boolean not null
         )",
    )?;
    let failures: Vec<String> = all()
        .filter_map(|statement| {
            db.prepare(statement)
                .err()
                .map(|error| format!("{}: {error}", statement.name))
        })
        .collect();
    if failures.is_empty() {
        Ok(all().count())
    } else {
        anyhow::bail!(
            "{} statement(s) do not prepare:\n{}",
            failures.len(),
            failures.join("\n")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every statement prepares on a fresh, migrated SQLite database (PostgreSQL: the API
    /// suite's `statements` test, run against it by CI).
    #[test]
    fn every_statement_prepares_on_sqlite() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("statements.db").display());
        let prepared = prepare_all_statements(&url).unwrap_or_else(|error| panic!("{error:#}"));
        assert!(prepared > 50, "only {prepared} statements registered");
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = all().map(|statement| statement.name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a statement is listed twice");
    }

    #[test]
    fn a_dialect_picks_its_text() {
        statements! {
            LOCKED = per_dialect("select 1", "select 1 for update");
        }
        assert_eq!(LOCKED.text(Dialect::Sqlite), "select 1");
        assert_eq!(LOCKED.text(Dialect::Postgres), "select 1 for update");
        assert_eq!(LOCKED.name, "chatcloud::store::sql::tests::LOCKED");
        assert_eq!(STATEMENTS.len(), 1);
    }
}
