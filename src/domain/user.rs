//! Users of a resource and the validation of what a site may send about them.

use serde::Serialize;
use utoipa::ToSchema;

use super::role::{Permissions, Role};
use super::time::Timestamp;
use crate::domain::error::Error;

/// A user as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub resource_id: String,
    pub username: String,
    pub email: String,
    pub role: Role,
    pub permissions: Permissions,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(skip)]
    pub token_version: i64,
}

/// What other users of the resource see of a user: no email, no permissions. No other field, so
/// that a whole `User` never passes for one (they are told apart by `email`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublicUser {
    pub id: String,
    pub resource_id: String,
    pub username: String,
    pub role: Role,
    pub created_at: Timestamp,
}

impl From<User> for PublicUser {
    fn from(user: User) -> Self {
        PublicUser {
            id: user.id,
            resource_id: user.resource_id,
            username: user.username,
            role: user.role,
            created_at: user.created_at,
        }
    }
}

/// 3..=50 characters of ASCII letters, digits, `_`, `.` and `-`.
pub fn validate_username(username: &str) -> Result<(), Error> {
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
pub fn validate_email(email: &str) -> Result<(), Error> {
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
    fn usernames() {
        for ok in ["john_doe", "a.b-c", "abc", &"x".repeat(50)] {
            assert!(validate_username(ok).is_ok(), "{ok}");
        }
        for bad in ["ab", "john doe", "jöhn", "", &"x".repeat(51), "a/b"] {
            assert!(validate_username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["john@example.com", "a.b+c@sub.example.org"] {
            assert!(validate_email(ok).is_ok(), "{ok}");
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
            assert!(validate_email(bad).is_err(), "{bad}");
        }
    }
}
