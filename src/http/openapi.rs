//! The OpenAPI document's frame: info, security schemes, tags. Paths come from the routes.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ChatCloud API",
        description = "1:1 chat, support tickets and an admin panel for your website. Every response is `{\"success\":true,\"data\":...}` or `{\"success\":false,\"message\":\"...\",\"code\":\"...\"}`.",
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "operator", description = "Running ChatCloud: resources and their keys"),
        (name = "users", description = "Users and chat tokens"),
        (name = "p2p", description = "1:1 conversations between users"),
        (name = "support", description = "Support tickets: customers and staff"),
        (name = "admin", description = "The admin panel (elevated roles)"),
        (name = "realtime", description = "Events over a WebSocket"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let header = |name: &str| SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new(name)));
        components.add_security_scheme("apiKey", header("x-api-key"));
        components.add_security_scheme("apiSecret", header("x-api-secret"));
        components.add_security_scheme("operatorKey", header("x-operator-key"));
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
