//! Pure types and rules of the chat domain: no I/O, unit-tested in place.

/// For a newtype over `String` that the API shows as a plain string (the ids): `as_str`,
/// `AsRef<str>`, `Display`, and a string schema under the type's name, which the served document
/// writes out where the type is used (`http::openapi`).
macro_rules! plain_string {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

pub mod conversation;
pub mod error;
pub mod id;
pub mod message;
pub mod metadata;
pub mod page;
pub mod policy;
pub mod resource;
pub mod role;
pub mod stats;
pub mod ticket;
pub mod time;
pub mod user;
