//! Resources: the integrating sites (tenants) and their settings.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::Timestamp;
use crate::domain::error::Error;

/// Who may create users and issue chat tokens (contract §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TokenIssuance {
    /// The API key alone creates and tokens plain users (the seed's browser-only flow).
    Open,
    /// Creating users and issuing tokens need the secret.
    #[default]
    Secret,
}

impl TokenIssuance {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenIssuance::Open => "open",
            TokenIssuance::Secret => "secret",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(TokenIssuance::Open),
            "secret" => Some(TokenIssuance::Secret),
            _ => None,
        }
    }
}

/// A resource as stored (its key and secret only as hashes, never here).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub resource_id: ResourceId,
    pub token_issuance: TokenIssuance,
    pub allowed_origins: Vec<String>,
    /// Whether users may change their own display name and avatar (`PATCH /users/me`).
    pub self_profile_edit: bool,
    pub created_at: Timestamp,
}

impl Resource {
    /// Whether a browser at `origin` may call this resource.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins
            .iter()
            .any(|allowed| allowed == "*" || allowed == origin)
    }
}

/// A resource's id, as the operator named it when creating it (`site.com`, `localhost:3000`);
/// serialised as the plain string and documented as one.
///
/// A new resource's id is checked by `parse`; an id read back from the store, a path, a token or
/// the command line names a resource that exists or not (`named`), and is looked up as it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResourceId(String);

impl ResourceId {
    /// 1..=100 characters of ASCII letters, digits, `.`, `-`, `_` and `:` (a domain,
    /// `localhost:3000`): what a new resource may be called.
    pub fn parse(id: &str) -> Result<ResourceId, Error> {
        let valid_chars = id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'));
        if (1..=100).contains(&id.len()) && valid_chars {
            Ok(ResourceId(id.to_owned()))
        } else {
            Err(Error::invalid_body(
                "resourceId must be 1 to 100 characters of letters, digits, '.', '-', '_' or ':'",
            ))
        }
    }

    /// The id of an existing resource, or of none: for lookups, which find it or not.
    pub fn named(id: impl Into<String>) -> ResourceId {
        ResourceId(id.into())
    }
}

plain_string!(ResourceId);

/// `*`, or a browser origin: `http(s)://host[:port]` without path, query or trailing slash.
pub fn validate_origin(origin: &str) -> Result<(), Error> {
    if origin == "*" {
        return Ok(());
    }
    let host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    let valid = match host {
        Some(host) => {
            !host.is_empty()
                && host.len() <= 253
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(Error::invalid_body(
            "allowedOrigins entries must be '*' or an origin like https://site.com",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        for ok in ["*", "https://site.com", "http://localhost:3000"] {
            assert!(validate_origin(ok).is_ok(), "{ok}");
        }
        for bad in [
            "site.com",
            "https://site.com/",
            "https://",
            "ftp://x.com",
            "https://a b",
        ] {
            assert!(validate_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn resource_ids() {
        assert!(ResourceId::parse("site.com").is_ok());
        assert!(ResourceId::parse("localhost:3000").is_ok());
        assert!(ResourceId::parse("").is_err());
        assert!(ResourceId::parse("a/b").is_err());
        assert_eq!(
            serde_json::to_string(&ResourceId::named("site.com")).expect("serialises"),
            "\"site.com\""
        );
    }

    #[test]
    fn wildcard_allows_every_origin() {
        let resource = Resource {
            resource_id: ResourceId::named("x"),
            token_issuance: TokenIssuance::Open,
            allowed_origins: vec!["*".into()],
            self_profile_edit: true,
            created_at: Timestamp::from_millis(0),
        };
        assert!(resource.allows_origin("https://anything.example"));
    }
}
