//! Users: insert, look up, change role and permissions, revoke tokens.

use super::db::{params, DbError, DbExt, FromRow, Row};
use super::engine::Stale;
use super::sql::statements;
use super::stats::StatsDelta;
use super::Store;
use crate::domain::error::Error;
use crate::domain::page::PageRequest;
use crate::domain::role::{Permissions, Role};
use crate::domain::time::Timestamp;
use crate::domain::user::User;

/// A user to insert (validated by the caller).
pub struct NewUser {
    pub id: String,
    pub resource_id: String,
    pub username: String,
    pub email: String,
    pub role: Role,
    pub permissions: Permissions,
}

/// A change of role and/or permissions (already merged and authorised).
pub struct UserPatch {
    pub role: Role,
    pub permissions: Permissions,
}

impl FromRow for User {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(User {
            id: row.text()?,
            resource_id: row.text()?,
            username: row.text()?,
            email: row.text()?,
            role: row.parsed("role", Role::parse)?,
            permissions: Permissions {
                can_send_message: row.flag()?,
                can_receive_message: row.flag()?,
                can_delete_message: row.flag()?,
                can_edit_message: row.flag()?,
                can_archive_conversation: row.flag()?,
            },
            token_version: row.int()?,
            created_at: row.timestamp()?,
            updated_at: row.timestamp()?,
        })
    }
}

/// The columns `User` decodes from.
macro_rules! user_columns {
    () => {
        "id, resource_id, username, email, role, can_send_message, can_receive_message,
         can_delete_message, can_edit_message, can_archive_conversation, token_version,
         created_at, updated_at"
    };
}

/// `select <user columns> from users <tail>`.
macro_rules! select_user {
    ($tail:literal) => {
        concat!("select ", user_columns!(), " from users ", $tail)
    };
}

/// The user list's filter: $1 resource, $2 role, $3 LIKE pattern.
macro_rules! user_filter {
    () => {
        "where resource_id = $1 and (cast($2 as text) is null or role = $2)
           and (cast($3 as text) is null or username_key like $3 escape '\\' or email_key like $3 escape '\\')"
    };
}

statements! {
    /// The username of a user of the resource with the username key or the email key, if any.
    TAKEN = both(
        "select username from users
         where resource_id = $1
           and (username_key = $2 or email_key = $3)
         limit 1"
    );
    INSERT_USER = both(
        "insert into users (id, resource_id, username, email, username_key, email_key,
             role, can_send_message, can_receive_message, can_delete_message,
             can_edit_message, can_archive_conversation, token_version, created_at,
             updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, $13)"
    );
    FIND_USER = both(select_user!("where id = $1 and resource_id = $2"));
    /// A page of `user_filter!` ($4 limit, $5 offset), newest first.
    LIST_USERS = both(concat!(
        select_user!(""),
        user_filter!(),
        " order by id desc limit $4 offset $5"
    ));
    COUNT_USERS = both(concat!("select count(*) from users ", user_filter!()));
    UPDATE_USER = both(concat!(
        "update users set role = $3, can_send_message = $4,
             can_receive_message = $5, can_delete_message = $6,
             can_edit_message = $7, can_archive_conversation = $8, updated_at = $9
         where id = $1 and resource_id = $2
         returning ",
        user_columns!()
    ));
    REVOKE_TOKENS = both(
        "update users set token_version = token_version + 1, updated_at = $3
         where id = $1 and resource_id = $2"
    );
}

/// The case-folded form under which a username or email is unique and searched, computed here
/// rather than by the database's `lower()`, which folds only ASCII letters on SQLite.
fn fold_case(text: &str) -> String {
    text.to_lowercase()
}

/// `%query%`, case-folded, with LIKE's wildcards escaped.
fn like_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for c in fold_case(query).chars() {
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
    pub async fn insert_user(&self, new: NewUser) -> Result<User, Error> {
        let username_key = fold_case(&new.username);
        let email_key = fold_case(&new.email);
        self.engine
            .write(move |tx| {
                let taken: Option<String> = tx
                    .db
                    .optional(TAKEN, params![&new.resource_id, &username_key, &email_key])?;
                if let Some(username) = taken {
                    let field = if fold_case(&username) == username_key {
                        "username"
                    } else {
                        "email"
                    };
                    return Err(Error::Conflict(
                        format!("a user with this {field} already exists in this resource").into(),
                    ));
                }
                let now = tx.now();
                let p = new.permissions;
                tx.db.execute(
                    INSERT_USER,
                    params![
                        &new.id,
                        &new.resource_id,
                        &new.username,
                        &new.email,
                        &username_key,
                        &email_key,
                        new.role.as_str(),
                        p.can_send_message,
                        p.can_receive_message,
                        p.can_delete_message,
                        p.can_edit_message,
                        p.can_archive_conversation,
                        now
                    ],
                )?;
                let delta = StatsDelta {
                    users: 1,
                    ..StatsDelta::default()
                };
                tx.count(&new.resource_id, &new.id, delta);
                Ok(User {
                    id: new.id,
                    resource_id: new.resource_id,
                    username: new.username,
                    email: new.email,
                    role: new.role,
                    permissions: new.permissions,
                    token_version: 0,
                    created_at: now,
                    updated_at: now,
                })
            })
            .await
    }

    /// The user `id` of `resource_id`; `None` for unknown ids and other resources' users alike.
    /// Served from the cache (see `cache.rs` for how fresh).
    pub async fn find_user(&self, resource_id: &str, id: &str) -> Result<Option<User>, Error> {
        if let Some(user) = self.shared.cache.user(resource_id, id) {
            return Ok(user);
        }
        let (resource, user_id) = (resource_id.to_owned(), id.to_owned());
        let user = self
            .engine
            .read(move |db| Ok(db.optional(FIND_USER, params![&user_id, &resource])?))
            .await?;
        self.shared.cache.put_user(resource_id, id, user.clone());
        Ok(user)
    }

    /// One page of the resource's users, newest first, optionally of one role and matching
    /// `query` (a case-insensitive substring of username or email).
    pub async fn list_users(
        &self,
        resource_id: &str,
        role: Option<Role>,
        query: Option<&str>,
        page: PageRequest,
    ) -> Result<(Vec<User>, i64), Error> {
        let resource = resource_id.to_owned();
        let role = role.map(Role::as_str);
        let pattern = query.map(like_pattern);
        self.engine
            .read(move |db| {
                let users = db.all(
                    LIST_USERS,
                    params![
                        &resource,
                        role,
                        pattern.as_deref(),
                        page.limit,
                        page.offset()
                    ],
                )?;
                let total = db.one(COUNT_USERS, params![&resource, role, pattern.as_deref()])?;
                Ok((users, total))
            })
            .await
    }

    /// Sets role and permissions; `None` if the user is not in the resource.
    pub async fn update_user(
        &self,
        resource_id: &str,
        id: &str,
        patch: UserPatch,
    ) -> Result<Option<User>, Error> {
        let (resource, user_id) = (resource_id.to_owned(), id.to_owned());
        self.engine
            .write(move |tx| {
                let now = tx.now();
                let p = patch.permissions;
                let user = tx.db.optional(
                    UPDATE_USER,
                    params![
                        &user_id,
                        &resource,
                        patch.role.as_str(),
                        p.can_send_message,
                        p.can_receive_message,
                        p.can_delete_message,
                        p.can_edit_message,
                        p.can_archive_conversation,
                        now
                    ],
                )?;
                tx.stale(Stale::User {
                    resource_id: resource,
                    user_id,
                });
                Ok(user)
            })
            .await
    }

    /// Invalidates every token issued to the user so far; returns when, or `None` if there is no
    /// such user.
    pub async fn revoke_user_tokens(
        &self,
        resource_id: &str,
        id: &str,
    ) -> Result<Option<Timestamp>, Error> {
        let (resource, user_id) = (resource_id.to_owned(), id.to_owned());
        self.engine
            .write(move |tx| {
                let now = tx.now();
                let updated = tx
                    .db
                    .execute(REVOKE_TOKENS, params![&user_id, &resource, now])?;
                tx.stale(Stale::User {
                    resource_id: resource,
                    user_id,
                });
                Ok((updated == 1).then_some(now))
            })
            .await
    }
}
