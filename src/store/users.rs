//! Users: insert, look up, change role and permissions, revoke tokens.

use sqlx::FromRow;

use super::stats::{add_stats, StatsDelta};
use super::{flag, Store};
use crate::domain::page::PageRequest;
use crate::domain::role::{Permissions, Role};
use crate::domain::user::User;
use crate::error::AppError;

/// A user to insert (validated by the caller).
pub struct NewUser<'a> {
    pub id: String,
    pub resource_id: &'a str,
    pub username: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub permissions: Permissions,
    pub created_at: i64,
}

/// A change of role and/or permissions (already merged and authorised).
pub struct UserPatch {
    pub role: Role,
    pub permissions: Permissions,
    pub updated_at: i64,
}

#[derive(FromRow)]
struct UserRow {
    id: String,
    resource_id: String,
    username: String,
    email: String,
    role: String,
    can_send_message: i64,
    can_receive_message: i64,
    can_delete_message: i64,
    can_edit_message: i64,
    can_archive_conversation: i64,
    token_version: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<UserRow> for User {
    type Error = AppError;

    fn try_from(row: UserRow) -> Result<Self, AppError> {
        let role = Role::parse(&row.role)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("bad role in store")))?;
        Ok(User {
            id: row.id,
            resource_id: row.resource_id,
            username: row.username,
            email: row.email,
            role,
            permissions: Permissions {
                can_send_message: flag(row.can_send_message),
                can_receive_message: flag(row.can_receive_message),
                can_delete_message: flag(row.can_delete_message),
                can_edit_message: flag(row.can_edit_message),
                can_archive_conversation: flag(row.can_archive_conversation),
            },
            token_version: row.token_version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// `select <user columns> from users <tail>`.
macro_rules! select_user {
    ($tail:literal) => {
        concat!(
            "select id, resource_id, username, email, role, can_send_message, can_receive_message,
                 can_delete_message, can_edit_message, can_archive_conversation, token_version,
                 created_at, updated_at
             from users ",
            $tail
        )
    };
}

/// The user list's filter: $1 resource, $2 role, $3 LIKE pattern.
macro_rules! user_filter {
    () => {
        "where resource_id = $1 and ($2 is null or role = $2)
           and ($3 is null or lower(username) like $3 escape '\\' or lower(email) like $3 escape '\\')"
    };
}

/// `%query%`, lowercased, with LIKE's wildcards escaped.
fn like_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for c in query.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

impl Store {
    /// Inserts a user; 409 naming the field if the username or email is taken in the resource
    /// (case-insensitively).
    pub async fn insert_user(&self, new: NewUser<'_>) -> Result<User, AppError> {
        let mut tx = self.write.begin().await?;
        let taken: Option<(String, String)> = sqlx::query_as(
            "select username, email from users
             where resource_id = $1 and (lower(username) = lower($2) or lower(email) = lower($3))
             limit 1",
        )
        .bind(new.resource_id)
        .bind(new.username)
        .bind(new.email)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((username, _)) = taken {
            let field = if username.eq_ignore_ascii_case(new.username) {
                "username"
            } else {
                "email"
            };
            return Err(AppError::Conflict(
                format!("a user with this {field} already exists in this resource").into(),
            ));
        }
        let p = new.permissions;
        sqlx::query(
            "insert into users (id, resource_id, username, email, role, can_send_message,
                 can_receive_message, can_delete_message, can_edit_message,
                 can_archive_conversation, token_version, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $11)",
        )
        .bind(&new.id)
        .bind(new.resource_id)
        .bind(new.username)
        .bind(new.email)
        .bind(new.role.as_str())
        .bind(i64::from(p.can_send_message))
        .bind(i64::from(p.can_receive_message))
        .bind(i64::from(p.can_delete_message))
        .bind(i64::from(p.can_edit_message))
        .bind(i64::from(p.can_archive_conversation))
        .bind(new.created_at)
        .execute(&mut *tx)
        .await?;
        let delta = StatsDelta {
            users: 1,
            ..StatsDelta::default()
        };
        add_stats(&mut tx, new.resource_id, &new.id, delta).await?;
        tx.commit().await?;
        Ok(User {
            id: new.id,
            resource_id: new.resource_id.to_owned(),
            username: new.username.to_owned(),
            email: new.email.to_owned(),
            role: new.role,
            permissions: new.permissions,
            token_version: 0,
            created_at: new.created_at,
            updated_at: new.created_at,
        })
    }

    /// The user `id` of `resource_id`; `None` for unknown ids and other resources' users alike.
    pub async fn find_user(&self, resource_id: &str, id: &str) -> Result<Option<User>, AppError> {
        let row: Option<UserRow> =
            sqlx::query_as(select_user!("where id = $1 and resource_id = $2"))
                .bind(id)
                .bind(resource_id)
                .fetch_optional(&self.read)
                .await?;
        row.map(User::try_from).transpose()
    }

    /// One page of the resource's users, newest first, optionally of one role and matching
    /// `query` (a case-insensitive substring of username or email).
    pub async fn list_users(
        &self,
        resource_id: &str,
        role: Option<Role>,
        query: Option<&str>,
        page: PageRequest,
    ) -> Result<(Vec<User>, i64), AppError> {
        let role = role.map(Role::as_str);
        let pattern = query.map(like_pattern);
        let rows: Vec<UserRow> = sqlx::query_as(concat!(
            select_user!(""),
            user_filter!(),
            " order by id desc limit $4 offset $5"
        ))
        .bind(resource_id)
        .bind(role)
        .bind(pattern.as_deref())
        .bind(page.limit)
        .bind(page.offset())
        .fetch_all(&self.read)
        .await?;
        let total: i64 = sqlx::query_scalar(concat!("select count(*) from users ", user_filter!()))
            .bind(resource_id)
            .bind(role)
            .bind(pattern.as_deref())
            .fetch_one(&self.read)
            .await?;
        let users = rows
            .into_iter()
            .map(User::try_from)
            .collect::<Result<_, _>>()?;
        Ok((users, total))
    }

    /// Sets role and permissions; `None` if the user is not in the resource.
    pub async fn update_user(
        &self,
        resource_id: &str,
        id: &str,
        patch: UserPatch,
    ) -> Result<Option<User>, AppError> {
        let p = patch.permissions;
        let updated = sqlx::query(
            "update users set role = $3, can_send_message = $4, can_receive_message = $5,
                 can_delete_message = $6, can_edit_message = $7, can_archive_conversation = $8,
                 updated_at = $9
             where id = $1 and resource_id = $2",
        )
        .bind(id)
        .bind(resource_id)
        .bind(patch.role.as_str())
        .bind(i64::from(p.can_send_message))
        .bind(i64::from(p.can_receive_message))
        .bind(i64::from(p.can_delete_message))
        .bind(i64::from(p.can_edit_message))
        .bind(i64::from(p.can_archive_conversation))
        .bind(patch.updated_at)
        .execute(&self.write)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(None);
        }
        self.find_user(resource_id, id).await
    }

    /// Marks the user online until `until` (a heartbeat), or offline with `until = now`.
    pub async fn set_online_until(&self, user_id: &str, until: i64) -> Result<(), AppError> {
        sqlx::query("update users set online_until = $2 where id = $1")
            .bind(user_id)
            .bind(until)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Until when the user counts as online (0 if never connected).
    pub async fn online_until(
        &self,
        resource_id: &str,
        user_id: &str,
    ) -> Result<Option<i64>, AppError> {
        let until =
            sqlx::query_scalar("select online_until from users where id = $1 and resource_id = $2")
                .bind(user_id)
                .bind(resource_id)
                .fetch_optional(&self.read)
                .await?;
        Ok(until)
    }

    /// Invalidates every token issued to the user so far; `false` if there is no such user.
    pub async fn revoke_user_tokens(
        &self,
        resource_id: &str,
        id: &str,
        at: i64,
    ) -> Result<bool, AppError> {
        let updated = sqlx::query(
            "update users set token_version = token_version + 1, updated_at = $3
             where id = $1 and resource_id = $2",
        )
        .bind(id)
        .bind(resource_id)
        .bind(at)
        .execute(&self.write)
        .await?;
        Ok(updated.rows_affected() == 1)
    }
}
