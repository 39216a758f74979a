//! Every SQL statement of the store prepares on PostgreSQL, so a typo in a rarely run one fails
//! here rather than in production. Runs when `CHATCLOUD_TEST_DATABASE_URL` is set (as in CI) and
//! says it is skipped otherwise; SQLite's half is the store's unit test
//! `every_statement_prepares_on_sqlite`.

use crate::helpers::PostgresDatabase;

#[tokio::test]
async fn every_statement_prepares_on_postgres() {
    let Ok(admin_url) = std::env::var("CHATCLOUD_TEST_DATABASE_URL") else {
        eprintln!(
            "skipped: preparing every statement on PostgreSQL needs \
             CHATCLOUD_TEST_DATABASE_URL=postgres://..."
        );
        return;
    };
    let database = PostgresDatabase::create(&admin_url).await;
    let url = database.url();
    let prepared =
        tokio::task::spawn_blocking(move || chatcloud::store::prepare_all_statements(&url))
            .await
            .expect("the preparing thread")
            .unwrap_or_else(|error| panic!("{error:#}"));
    assert!(prepared > 50, "only {prepared} statements registered");
}
