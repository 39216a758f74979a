//! Users of a resource and the validation of what a site may send about them.

use serde::Serialize;
use utoipa::ToSchema;

use super::id::UserId;
use super::metadata::Metadata;
use super::resource::ResourceId;
use super::role::{Permissions, Role};
use super::time::Timestamp;
use crate::domain::error::Error;

/// A user as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub resource_id: ResourceId,
    pub username: String,
    pub email: String,
    pub role: Role,
    pub permissions: Permissions,
    /// The site's own id for this user (unique in the resource), or `null`.
    #[schema(pattern = "^[A-Za-z0-9_.@:-]{1,128}$")]
    pub external_id: Option<String>,
    /// The name to show, or `null` (then show `username`).
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
    /// An `https` image URL, or `null`.
    #[schema(max_length = 2048, format = "uri")]
    pub avatar_url: Option<String>,
    /// The site's own data about the user (at most 50 keys, 4 KiB serialized); `{}` if none.
    /// Seen by the user, elevated roles and the site's server, never by other plain users.
    #[schema(value_type = Object)]
    pub metadata: Metadata,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(skip)]
    pub token_version: i64,
}

impl User {
    /// What anyone of the resource may see to render this user.
    pub fn profile(&self) -> UserProfile {
        UserProfile {
            id: self.id.clone(),
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            avatar_url: self.avatar_url.clone(),
        }
    }
}

/// The fields a client needs to render a user (name and avatar), visible to every user of the
/// resource: `GET /users?ids=...` and the `user.updated` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    pub id: UserId,
    #[schema(pattern = "^[A-Za-z0-9_.-]{3,50}$")]
    pub username: String,
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
    #[schema(max_length = 2048, format = "uri")]
    pub avatar_url: Option<String>,
}

/// What other users of the resource see of a user: no email, no permissions. No other field, so
/// that a whole `User` never passes for one (they are told apart by `email`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublicUser {
    pub id: UserId,
    pub resource_id: ResourceId,
    pub username: String,
    pub role: Role,
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
    #[schema(max_length = 2048, format = "uri")]
    pub avatar_url: Option<String>,
    pub created_at: Timestamp,
}

impl From<User> for PublicUser {
    fn from(user: User) -> Self {
        PublicUser {
            id: user.id,
            resource_id: user.resource_id,
            username: user.username,
            role: user.role,
            display_name: user.display_name,
            avatar_url: user.avatar_url,
            created_at: user.created_at,
        }
    }
}

/// How a route names a user: by ChatCloud's id, or as `ext:<externalId>` by the site's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Id(UserId),
    External(String),
}

impl UserRef {
    /// The user `text` names; `None` if it is neither `ext:<...>` nor of the id shape (it names
    /// no user).
    pub fn parse(text: &str) -> Option<UserRef> {
        match text.strip_prefix("ext:") {
            Some(external) => Some(UserRef::External(external.to_owned())),
            None => UserId::parse(text).map(UserRef::Id),
        }
    }
}

/// A text value checked once, by its `parse`: holding one means it passed.
macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, $check:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn parse(text: String) -> Result<$name, Error> {
                $check(&text)?;
                Ok($name(text))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }
    };
}

text_value!(
    /// 3..=50 characters of ASCII letters, digits, `_`, `.` and `-`.
    Username,
    check_username
);
text_value!(
    /// An email address (see `check_email`).
    Email,
    check_email
);
text_value!(
    /// The site's own id for a user: 1..=128 of `[A-Za-z0-9_.@:-]`.
    ExternalId,
    check_external_id
);
text_value!(
    /// The name to show: 1..=100 characters, not blank.
    DisplayName,
    check_display_name
);
text_value!(
    /// An `https` image URL of at most 2,048 characters.
    AvatarUrl,
    check_avatar_url
);

/// The longest `avatarUrl` accepted.
pub const AVATAR_URL_MAX: usize = 2048;

/// 1..=128 characters of ASCII letters, digits, `_`, `.`, `@`, `:` and `-` (no `,` or `/`, so
/// that it fits a path segment and a comma-separated list).
fn check_external_id(external_id: &str) -> Result<(), Error> {
    let valid_chars = external_id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'@' | b':' | b'-'));
    if (1..=128).contains(&external_id.len()) && valid_chars {
        Ok(())
    } else {
        Err(Error::invalid_body(
            "externalId must be 1 to 128 characters of letters, digits, '_', '.', '@', ':' or '-'",
        ))
    }
}

/// 1..=100 characters (Unicode scalar values), not blank, no control characters; stored as sent.
fn check_display_name(name: &str) -> Result<(), Error> {
    let valid = !name.trim().is_empty()
        && name.chars().count() <= 100
        && !name.chars().any(|c| c.is_control() || is_bidi_control(c));
    if valid {
        Ok(())
    } else {
        Err(Error::invalid_body(
            "displayName must be 1 to 100 characters, not blank, without control characters",
        ))
    }
}

/// An `https://host/...` URL of at most 2,048 characters, without spaces or control characters.
fn check_avatar_url(url: &str) -> Result<(), Error> {
    let host = url
        .strip_prefix("https://")
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    let valid = url.len() <= AVATAR_URL_MAX
        && url.is_ascii()
        && !url
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        && host.is_some_and(|host| {
            let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
            !host.is_empty()
                && host.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                })
        });
    if valid {
        Ok(())
    } else {
        Err(Error::invalid_body(format!(
            "avatarUrl must be an https URL (https://host/...) of at most {AVATAR_URL_MAX} characters"
        )))
    }
}

/// 3..=50 characters of ASCII letters, digits, `_`, `.` and `-`.
fn check_username(username: &str) -> Result<(), Error> {
    let valid_chars = username
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if (3..=50).contains(&username.len()) && valid_chars {
        Ok(())
    } else {
        Err(Error::invalid_body(
            "username must be 3 to 50 characters of letters, digits, '_', '.' or '-'",
        ))
    }
}

/// A practical address check: one `@`, a non-empty local part, a dotted domain, no spaces,
/// at most 254 characters. Deliverability is the site's business.
fn check_email(email: &str) -> Result<(), Error> {
    let valid = email.len() <= 254
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || is_bidi_control(c))
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
    if valid {
        Ok(())
    } else {
        Err(Error::invalid_body("email is not a valid address"))
    }
}

/// Unicode's explicit direction controls (embeddings, overrides, isolates, marks): invisible
/// characters that make an address display as another one.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_hold_only_what_parses() {
        assert_eq!(
            Username::parse("ana_1".into()).expect("valid").as_str(),
            "ana_1"
        );
        assert!(Username::parse("a".into()).is_err());
        assert!(Email::parse("ana@example".into()).is_err());
        assert!(ExternalId::parse("a/b".into()).is_err());
        assert!(DisplayName::parse(" ".into()).is_err());
        assert!(AvatarUrl::parse("http://x.test/a.png".into()).is_err());
    }

    #[test]
    fn usernames() {
        for ok in ["john_doe", "a.b-c", "abc", &"x".repeat(50)] {
            assert!(check_username(ok).is_ok(), "{ok}");
        }
        for bad in ["ab", "john doe", "jöhn", "", &"x".repeat(51), "a/b"] {
            assert!(check_username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn external_ids() {
        for ok in ["42", "user@site.com", "a:b.c-d_e", &"x".repeat(128)] {
            assert!(check_external_id(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a,b", "a/b", "a b", "é", &"x".repeat(129)] {
            assert!(check_external_id(bad).is_err(), "{bad}");
        }
        assert_eq!(
            UserRef::parse("ext:42"),
            Some(UserRef::External("42".into()))
        );
        let id = UserId::new();
        assert_eq!(UserRef::parse(id.as_str()), Some(UserRef::Id(id)));
        assert_eq!(UserRef::parse("abc"), None);
    }

    #[test]
    fn display_names_and_avatars() {
        for ok in ["Ana", "Łukasz Żółw", &"é".repeat(100)] {
            assert!(check_display_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "   ", "a\nb", "a\u{202E}b", &"é".repeat(101)] {
            assert!(check_display_name(bad).is_err(), "{bad}");
        }
        for ok in [
            "https://cdn.site.com/a.png",
            "https://site.com",
            "https://site.com:8443/a?b=c#d",
        ] {
            assert!(check_avatar_url(ok).is_ok(), "{ok}");
        }
        let long = format!("https://site.com/{}", "a".repeat(AVATAR_URL_MAX));
        for bad in [
            "http://site.com/a.png",
            "https://",
            "https:///a.png",
            "javascript:alert(1)",
            "https://site.com/a b.png",
            "https://sité.com/",
            long.as_str(),
        ] {
            assert!(check_avatar_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["john@example.com", "a.b+c@sub.example.org"] {
            assert!(check_email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "john",
            "@example.com",
            "john@",
            "john@localhost",
            "jo hn@example.com",
            "a@b@c.com",
            "john@example..com",
            "john@.example.com",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
