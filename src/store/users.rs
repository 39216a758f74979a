//! Users: insert, upsert by the site's own id, look up, change role, permissions and profile,
//! revoke tokens.

use std::collections::HashMap;

use super::db::{params, Db, DbError, DbExt, FromRow, Row};
use super::engine::Stale;
use super::sql::statements;
use super::stats::StatsDelta;
use super::Store;
use crate::domain::error::Error;
use crate::domain::id::UserId;
use crate::domain::metadata::Metadata;
use crate::domain::page::PageRequest;
use crate::domain::resource::ResourceId;
use crate::domain::role::{Permissions, Role};
use crate::domain::time::Timestamp;
use crate::domain::user::{
    AvatarUrl, DisplayName, Email, ExternalId, User, UserProfile, UserRef, Username,
};

/// A user to insert (validated by the caller).
pub struct NewUser {
    pub id: UserId,
    pub resource_id: ResourceId,
    pub username: Username,
    pub email: Email,
    pub role: Role,
    pub permissions: Permissions,
    pub external_id: Option<ExternalId>,
    pub display_name: Option<DisplayName>,
    pub avatar_url: Option<AvatarUrl>,
    pub metadata: Metadata,
}

/// Changes to a user (validated and authorised): `None` leaves a field as it is, `Some(None)`
/// clears it.
#[derive(Default)]
pub struct UserChanges {
    /// The new role and the permissions that go with it (already merged).
    pub role: Option<(Role, Permissions)>,
    pub username: Option<Username>,
    pub email: Option<Email>,
    pub external_id: Option<Option<ExternalId>>,
    pub display_name: Option<Option<DisplayName>>,
    pub avatar_url: Option<Option<AvatarUrl>>,
    /// Replaces the metadata (`{}` clears it).
    pub metadata: Option<Metadata>,
}

/// A user as it was before a change, and after it.
pub struct Changed {
    pub before: User,
    pub after: User,
}

/// What an upsert by external id did: `before` is `None` when it created the user.
pub struct Upserted {
    pub user: User,
    pub before: Option<User>,
}

impl FromRow for User {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(User {
            id: row.user_id()?,
            resource_id: row.resource_id()?,
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
            external_id: row.opt_text()?,
            display_name: row.opt_text()?,
            avatar_url: row.opt_text()?,
            metadata: Metadata::from_stored(row.opt_text()?.as_deref()).map_err(DbError::Decode)?,
        })
    }
}

/// The columns `User` decodes from.
macro_rules! user_columns {
    () => {
        "id, resource_id, username, email, role, can_send_message, can_receive_message,
         can_delete_message, can_edit_message, can_archive_conversation, token_version,
         created_at, updated_at, external_id, display_name, avatar_url, metadata"
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
    /// Another user of the resource (not $5) with the username key $2, the email key $3 or the
    /// external id $4, if any.
    TAKEN = both(
        "select username_key, email_key from users
         where resource_id = $1
           and (username_key = $2 or email_key = $3 or external_id = $4)
           and (cast($5 as text) is null or id <> $5)
         limit 1"
    );
    INSERT_USER = both(
        "insert into users (id, resource_id, username, email, username_key, email_key,
             role, can_send_message, can_receive_message, can_delete_message,
             can_edit_message, can_archive_conversation, token_version, created_at,
             updated_at, external_id, display_name, avatar_url, metadata)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, $13, $14, $15, $16,
             $17)"
    );
    /// Serialises upserts of one external id ($1: resource and external id) until the
    /// transaction ends; SQLite's single writer already does, so its text does nothing.
    LOCK_EXTERNAL_ID = per_dialect(
        "select $1 where 0",
        "select pg_advisory_xact_lock(hashtext($1))"
    );
    FIND_USER = both(select_user!("where id = $1 and resource_id = $2"));
    FIND_USER_BY_EXTERNAL_ID = both(select_user!("where resource_id = $1 and external_id = $2"));
    /// The users $1 has a P2P conversation with, each once.
    CHAT_PARTNERS = both(
        "select participant_two from conversations
           where participant_one = $1 and resource_id = $2 and kind = 'p2p'
         union
         select participant_one from conversations
           where participant_two = $1 and resource_id = $2 and kind = 'p2p'"
    );
    /// One ticket $1 opened, if any.
    SOME_TICKET_OF = both(
        "select id from conversations
         where participant_one = $1 and resource_id = $2 and kind = 'support'
         limit 1"
    );
    /// A page of `user_filter!` ($4 limit, $5 offset), newest first.
    LIST_USERS = both(concat!(
        select_user!(""),
        user_filter!(),
        " order by id desc limit $4 offset $5"
    ));
    COUNT_USERS = both(concat!("select count(*) from users ", user_filter!()));
    UPDATE_USER = both(concat!(
        "update users set role = $3, can_send_message = $4, can_receive_message = $5,
             can_delete_message = $6, can_edit_message = $7, can_archive_conversation = $8,
             username = $9, email = $10, username_key = $11, email_key = $12,
             external_id = $13, display_name = $14, avatar_url = $15, metadata = $16,
             updated_at = $17
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
    /// Inserts a user; 409 naming the field if the username, email or external id is taken in
    /// the resource (username and email case-insensitively).
    pub async fn insert_user(&self, new: NewUser) -> Result<User, Error> {
        self.engine
            .write(move |tx| {
                let now = tx.now();
                insert(tx.db, &new, now)?;
                let delta = StatsDelta {
                    users: 1,
                    ..StatsDelta::default()
                };
                tx.count(&new.resource_id, &new.id, delta);
                Ok(new_user(new, now))
            })
            .await
    }

    /// Creates the user `external_id` of the resource from `new`, or, if there is one, applies
    /// `changes` to it, in one transaction: concurrent upserts of one external id make one user.
    /// `decide` sees the current user (`None`: it is about to be created), authorises, and
    /// answers the role and permissions to give it.
    pub async fn upsert_user(
        &self,
        new: NewUser,
        mut changes: UserChanges,
        decide: impl FnOnce(Option<&User>) -> Result<(Role, Permissions), Error> + Send + 'static,
    ) -> Result<Upserted, Error> {
        self.engine
            .write(move |tx| {
                let external_id = new
                    .external_id
                    .as_ref()
                    .map_or("", ExternalId::as_str)
                    .to_owned();
                // PostgreSQL's writers run concurrently: one upsert of an external id at a time.
                let key = format!("{}\n{}", new.resource_id, external_id);
                tx.db.execute(LOCK_EXTERNAL_ID, params![&key])?;
                let current: Option<User> = tx.db.optional(
                    FIND_USER_BY_EXTERNAL_ID,
                    params![&new.resource_id, &external_id],
                )?;
                let (role, permissions) = decide(current.as_ref())?;
                let now = tx.now();
                match current {
                    None => {
                        let new = NewUser {
                            role,
                            permissions,
                            ..new
                        };
                        insert(tx.db, &new, now)?;
                        let delta = StatsDelta {
                            users: 1,
                            ..StatsDelta::default()
                        };
                        tx.count(&new.resource_id, &new.id, delta);
                        Ok(Upserted {
                            user: new_user(new, now),
                            before: None,
                        })
                    }
                    Some(current) => {
                        changes.role = Some((role, permissions));
                        let user = update(tx.db, &current, changes, now)?;
                        tx.stale(Stale::User {
                            resource_id: user.resource_id.clone(),
                            user_id: user.id.clone(),
                        });
                        Ok(Upserted {
                            user,
                            before: Some(current),
                        })
                    }
                }
            })
            .await
    }

    /// The user `id` of `resource_id`; `None` for unknown ids and other resources' users alike.
    /// Served from the cache (see `cache.rs` for how fresh).
    pub async fn find_user(
        &self,
        resource_id: &ResourceId,
        id: &UserId,
    ) -> Result<Option<User>, Error> {
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

    /// The public profiles of the users `ids` of the resource that exist, by id: from the cache,
    /// and the rest in one read job.
    pub async fn profiles(
        &self,
        resource_id: &ResourceId,
        ids: Vec<UserId>,
    ) -> Result<HashMap<UserId, UserProfile>, Error> {
        let mut profiles = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        for id in ids {
            match self.shared.cache.user(resource_id, &id) {
                Some(user) => {
                    profiles.extend(user.map(|user| (id, user.profile())));
                }
                None if !missing.contains(&id) => missing.push(id),
                None => {}
            }
        }
        if missing.is_empty() {
            return Ok(profiles);
        }
        let resource = resource_id.to_owned();
        let found = self
            .engine
            .read(move |db| {
                let mut found = Vec::with_capacity(missing.len());
                for id in &missing {
                    let user: Option<User> = db.optional(FIND_USER, params![id, &resource])?;
                    found.push((id.clone(), user));
                }
                Ok(found)
            })
            .await?;
        for (id, user) in found {
            self.shared.cache.put_user(resource_id, &id, user.clone());
            profiles.extend(user.map(|user| (id, user.profile())));
        }
        Ok(profiles)
    }

    /// The user named by `user` (an id, or `ext:<externalId>`) in `resource_id`.
    pub async fn find_user_ref(
        &self,
        resource_id: &ResourceId,
        user: UserRef,
    ) -> Result<Option<User>, Error> {
        match user {
            UserRef::Id(id) => self.find_user(resource_id, &id).await,
            UserRef::External(external_id) => {
                let resource = resource_id.to_owned();
                self.engine
                    .read(move |db| {
                        Ok(db
                            .optional(FIND_USER_BY_EXTERNAL_ID, params![&resource, &external_id])?)
                    })
                    .await
            }
        }
    }

    /// The users named by `refs` (ids or `ext:<externalId>`) that exist in the resource, each
    /// once, in the order asked; one read job however many.
    pub async fn find_users(
        &self,
        resource_id: &ResourceId,
        refs: Vec<UserRef>,
    ) -> Result<Vec<User>, Error> {
        let resource = resource_id.to_owned();
        self.engine
            .read(move |db| {
                let mut users: Vec<User> = Vec::with_capacity(refs.len());
                for user in &refs {
                    let found: Option<User> = match user {
                        UserRef::Id(id) => db.optional(FIND_USER, params![id, &resource])?,
                        UserRef::External(external_id) => {
                            db.optional(FIND_USER_BY_EXTERNAL_ID, params![&resource, external_id])?
                        }
                    };
                    if let Some(user) = found {
                        if !users.iter().any(|seen| seen.id == user.id) {
                            users.push(user);
                        }
                    }
                }
                Ok(users)
            })
            .await
    }

    /// Who shares a conversation with `user_id`, to tell them of a profile change: their P2P
    /// partners (each once), and whether they opened a ticket (then the resource's staff, who
    /// see every ticket, share one with them).
    pub async fn user_counterparts(
        &self,
        resource_id: &ResourceId,
        user_id: &UserId,
    ) -> Result<(Vec<UserId>, bool), Error> {
        let (resource, user) = (resource_id.to_owned(), user_id.to_owned());
        self.engine
            .read(move |db| {
                let partners = db.all(CHAT_PARTNERS, params![&user, &resource])?;
                let ticket: Option<String> =
                    db.optional(SOME_TICKET_OF, params![&user, &resource])?;
                Ok((partners, ticket.is_some()))
            })
            .await
    }

    /// One page of the resource's users, newest first, optionally of one role and matching
    /// `query` (a case-insensitive substring of username or email).
    pub async fn list_users(
        &self,
        resource_id: &ResourceId,
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

    /// Applies `changes` to the user; `None` if the user is not in the resource. 409 naming the
    /// field if a new username, email or external id is another user's.
    pub async fn update_user(
        &self,
        resource_id: &ResourceId,
        id: &UserId,
        changes: UserChanges,
    ) -> Result<Option<Changed>, Error> {
        let (resource, user_id) = (resource_id.to_owned(), id.to_owned());
        self.engine
            .write(move |tx| {
                let current: Option<User> =
                    tx.db.optional(FIND_USER, params![&user_id, &resource])?;
                let Some(before) = current else {
                    return Ok(None);
                };
                let now = tx.now();
                let after = update(tx.db, &before, changes, now)?;
                tx.stale(Stale::User {
                    resource_id: resource,
                    user_id,
                });
                Ok(Some(Changed { before, after }))
            })
            .await
    }

    /// Invalidates every token issued to the user so far; returns when, or `None` if there is no
    /// such user.
    pub async fn revoke_user_tokens(
        &self,
        resource_id: &ResourceId,
        id: &UserId,
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

/// 409 naming the field if another user of the resource (not `except`) has this username, email
/// or external id.
fn check_taken(
    db: &mut dyn Db,
    resource_id: &ResourceId,
    username_key: &str,
    email_key: &str,
    external_id: Option<&str>,
    except: Option<&UserId>,
) -> Result<(), Error> {
    let taken: Option<(String, String)> = db.optional(
        TAKEN,
        params![resource_id, username_key, email_key, external_id, except],
    )?;
    let Some((username, email)) = taken else {
        return Ok(());
    };
    let field = if username == username_key {
        "username"
    } else if email == email_key {
        "email"
    } else {
        "externalId"
    };
    Err(Error::Conflict(
        format!("a user with this {field} already exists in this resource").into(),
    ))
}

fn insert(db: &mut dyn Db, new: &NewUser, now: Timestamp) -> Result<(), Error> {
    let username_key = fold_case(new.username.as_str());
    let email_key = fold_case(new.email.as_str());
    check_taken(
        db,
        &new.resource_id,
        &username_key,
        &email_key,
        new.external_id.as_ref().map(ExternalId::as_str),
        None,
    )?;
    let p = new.permissions;
    db.execute(
        INSERT_USER,
        params![
            &new.id,
            &new.resource_id,
            new.username.as_str(),
            new.email.as_str(),
            &username_key,
            &email_key,
            new.role.as_str(),
            p.can_send_message,
            p.can_receive_message,
            p.can_delete_message,
            p.can_edit_message,
            p.can_archive_conversation,
            now,
            new.external_id.as_ref().map(ExternalId::as_str),
            new.display_name.as_ref().map(DisplayName::as_str),
            new.avatar_url.as_ref().map(AvatarUrl::as_str),
            &new.metadata.to_stored()
        ],
    )?;
    Ok(())
}

/// The user `insert` stored.
fn new_user(new: NewUser, now: Timestamp) -> User {
    User {
        id: new.id,
        resource_id: new.resource_id,
        username: new.username.into_string(),
        email: new.email.into_string(),
        role: new.role,
        permissions: new.permissions,
        external_id: new.external_id.map(ExternalId::into_string),
        display_name: new.display_name.map(DisplayName::into_string),
        avatar_url: new.avatar_url.map(AvatarUrl::into_string),
        metadata: new.metadata,
        token_version: 0,
        created_at: now,
        updated_at: now,
    }
}

impl UserChanges {
    /// `current` with these changes applied.
    fn applied_to(self, current: &User) -> User {
        /// A change if given (`Some(None)` clears), else the current value.
        fn merged<T>(
            change: Option<Option<T>>,
            current: &Option<String>,
            text: fn(T) -> String,
        ) -> Option<String> {
            change.map_or_else(|| current.clone(), |value| value.map(text))
        }
        let (role, permissions) = self.role.unwrap_or((current.role, current.permissions));
        User {
            username: self
                .username
                .map_or_else(|| current.username.clone(), Username::into_string),
            email: self
                .email
                .map_or_else(|| current.email.clone(), Email::into_string),
            role,
            permissions,
            external_id: merged(
                self.external_id,
                &current.external_id,
                ExternalId::into_string,
            ),
            display_name: merged(
                self.display_name,
                &current.display_name,
                DisplayName::into_string,
            ),
            avatar_url: merged(self.avatar_url, &current.avatar_url, AvatarUrl::into_string),
            metadata: self.metadata.unwrap_or_else(|| current.metadata.clone()),
            ..current.clone()
        }
    }
}

/// Writes `changes` over `current` and returns the user as stored; 409 naming the field if the
/// new username, email or external id is another user's.
fn update(
    db: &mut dyn Db,
    current: &User,
    changes: UserChanges,
    now: Timestamp,
) -> Result<User, Error> {
    let next = changes.applied_to(current);
    let (username_key, email_key) = (fold_case(&next.username), fold_case(&next.email));
    check_taken(
        db,
        &current.resource_id,
        &username_key,
        &email_key,
        next.external_id.as_deref(),
        Some(&current.id),
    )?;
    let p = next.permissions;
    let user = db.one(
        UPDATE_USER,
        params![
            &current.id,
            &current.resource_id,
            next.role.as_str(),
            p.can_send_message,
            p.can_receive_message,
            p.can_delete_message,
            p.can_edit_message,
            p.can_archive_conversation,
            &next.username,
            &next.email,
            &username_key,
            &email_key,
            next.external_id.as_deref(),
            next.display_name.as_deref(),
            next.avatar_url.as_deref(),
            &next.metadata.to_stored(),
            now
        ],
    )?;
    Ok(user)
}
