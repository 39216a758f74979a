//! Chat tokens: HS256 JWTs with `sub`, `rid`, `iat`, `exp`, `jti` (contract §2) and `ver`, the
//! user's token version, which revocation bumps.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::domain::id::{new_id, UserId};
use crate::domain::resource::ResourceId;

/// Tokens live 30 days.
pub const TOKEN_TTL_SECONDS: i64 = 30 * 24 * 60 * 60;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// User id: a token whose subject is not of the id shape does not decode (it is invalid).
    pub sub: UserId,
    /// Resource id.
    pub rid: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// The user's token version when issued; older versions are revoked.
    #[serde(default)]
    pub ver: i64,
}

/// Signs and verifies chat tokens with one HMAC key.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    pub fn new(secret: &str) -> JwtKeys {
        // Only HS256: `alg: none` and every other algorithm fail validation.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        JwtKeys {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
        }
    }

    /// A token for `user_id` of `resource_id` issued at `now_seconds`.
    pub fn issue(
        &self,
        user_id: &UserId,
        resource_id: &ResourceId,
        token_version: i64,
        now_seconds: i64,
    ) -> Result<(String, Claims), jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user_id.clone(),
            rid: resource_id.as_str().to_owned(),
            iat: now_seconds,
            exp: now_seconds + TOKEN_TTL_SECONDS,
            jti: new_id(),
            ver: token_version,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, claims))
    }

    /// The claims of a valid, unexpired token.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

/// Why a chat token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("chat token has expired")]
    Expired,
    #[error("chat token is invalid")]
    Invalid,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> i64 {
        crate::domain::time::now_ms() / 1000
    }

    #[test]
    fn issued_tokens_verify() -> Result<(), Box<dyn std::error::Error>> {
        let keys = JwtKeys::new("secret");
        let user = UserId::new();
        let (token, _) = keys.issue(&user, &ResourceId::named("site.com"), 3, now())?;
        let claims = keys.verify(&token)?;
        assert_eq!(
            (&claims.sub, claims.rid.as_str(), claims.ver),
            (&user, "site.com", 3)
        );
        assert_eq!(claims.exp - claims.iat, TOKEN_TTL_SECONDS);
        Ok(())
    }

    #[test]
    fn other_keys_and_expired_tokens_fail() -> Result<(), Box<dyn std::error::Error>> {
        let keys = JwtKeys::new("secret");
        let user = UserId::new();
        let (foreign, _) =
            JwtKeys::new("other").issue(&user, &ResourceId::named("site.com"), 0, now())?;
        assert_eq!(keys.verify(&foreign).err(), Some(TokenError::Invalid));
        let (old, _) = keys.issue(
            &user,
            &ResourceId::named("site.com"),
            0,
            now() - TOKEN_TTL_SECONDS - 10,
        )?;
        assert_eq!(keys.verify(&old).err(), Some(TokenError::Expired));
        Ok(())
    }

    #[test]
    fn a_subject_that_is_not_a_user_id_is_invalid() -> Result<(), Box<dyn std::error::Error>> {
        let keys = JwtKeys::new("secret");
        let claims = serde_json::json!({
            "sub": "alice", "rid": "site.com", "iat": now(), "exp": now() + 60, "jti": "x",
        });
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding)?;
        assert_eq!(keys.verify(&token).err(), Some(TokenError::Invalid));
        Ok(())
    }
}
