//! Ids: 24 lowercase hex characters, time-ordered (ObjectId-shaped, contract §1).
//!
//! Layout: 48 bits of Unix milliseconds, then 48 bits that are random at the start of each
//! millisecond and count up within it, so ids made by one process sort in creation order and ids
//! of different processes almost never collide.

use std::sync::Mutex;

use rand::Rng;
use serde::de::{Error as _, Unexpected};
use serde::{Deserialize, Deserializer, Serialize};

use super::time::now_ms;

static LAST: Mutex<(u64, u64)> = Mutex::new((0, 0));

const LOW_MASK: u64 = (1 << 48) - 1;

/// A new time-ordered id, e.g. `0190f5c4a1b2c3d4e5f60718`.
pub fn new_id() -> String {
    let now = now_ms().max(0) as u64;
    let (ms, low) = {
        let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if now > last.0 {
            // Start low in the lower half so a burst within one millisecond cannot wrap.
            *last = (now, rand::thread_rng().gen::<u64>() & (LOW_MASK >> 1));
        } else {
            last.1 = (last.1 + 1) & LOW_MASK;
        }
        *last
    };
    format!("{:012x}{:012x}", ms & LOW_MASK, low)
}

/// Whether `s` has the shape of an id (so lookups with anything else can be refused early).
pub fn is_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Declares an id type: a string of the id shape, made by `new` or checked by `parse` (or by
/// deserialising, which refuses any other string), serialised as the plain string and documented
/// as one (`plain_string!`).
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id.
            #[allow(clippy::new_without_default)]
            pub fn new() -> $name {
                $name(new_id())
            }

            /// `s` as an id, if it has the shape of one.
            pub fn parse(s: &str) -> Option<$name> {
                is_id(s).then(|| $name(s.to_owned()))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let text = String::deserialize(deserializer)?;
                if is_id(&text) {
                    Ok($name(text))
                } else {
                    Err(D::Error::invalid_value(
                        Unexpected::Str(&text),
                        &"24 lowercase hex characters",
                    ))
                }
            }
        }

        plain_string!($name);
    };
}

id_type!(
    /// The id of a conversation (a P2P chat or a support ticket).
    ConversationId
);

id_type!(
    /// The id of a message.
    MessageId
);

id_type!(
    /// The id of a user. The server makes every one, so a user id that is not of the id shape
    /// (in a path, a body, a token or a stored row) names no user.
    UserId
);

/// A user id for unit tests, spelled from a short name (at most 12 bytes): the same name gives the
/// same id, different names different ids.
#[cfg(test)]
pub fn test_user_id(name: &str) -> UserId {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    UserId::parse(&format!("{hex:0<24}")).expect("a name of at most 12 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_24_hex_and_strictly_increasing() {
        let ids: Vec<String> = (0..10_000).map(|_| new_id()).collect();
        assert!(ids.iter().all(|id| is_id(id)));
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn is_id_rejects_other_shapes() {
        assert!(!is_id("507f1f77bcf86cd79943901"));
        assert!(!is_id("507F1F77BCF86CD799439011"));
        assert!(!is_id("507f1f77bcf86cd79943901g"));
        assert!(is_id("507f1f77bcf86cd799439011"));
    }

    #[test]
    fn typed_ids_parse_the_id_shape_and_serialise_as_strings() {
        let id = ConversationId::parse("507f1f77bcf86cd799439011").expect("an id");
        assert_eq!(id.as_str(), "507f1f77bcf86cd799439011");
        assert_eq!(
            serde_json::to_string(&id).expect("serialises"),
            "\"507f1f77bcf86cd799439011\""
        );
        assert_eq!(MessageId::parse("not an id"), None);
        assert!(is_id(MessageId::new().as_str()));
    }

    #[test]
    fn typed_ids_deserialise_only_the_id_shape() {
        let id: UserId = serde_json::from_str("\"507f1f77bcf86cd799439011\"").expect("an id");
        assert_eq!(id.as_str(), "507f1f77bcf86cd799439011");
        assert!(serde_json::from_str::<UserId>("\"alice\"").is_err());
        assert_ne!(test_user_id("alice"), test_user_id("bob"));
        assert_eq!(test_user_id("alice"), test_user_id("alice"));
    }
}
