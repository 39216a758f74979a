//! The OpenAPI document's frame: info, security schemes, tags, shared error responses and the
//! WebSocket events. Paths come from the routes; `finish` then completes every operation with
//! what applies to all of them (the error statuses the middleware can answer, parameter bounds
//! and patterns), so that no route can forget them.

use serde_json::{json, Map, Value};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::domain::id::{ConversationId, MessageId, UserId};
use crate::domain::resource::ResourceId;
use crate::domain::time::Timestamp;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ChatCloud API",
        description = "1:1 chat, support tickets and an admin panel for your website. Every response is `{\"success\":true,\"data\":...}` or `{\"success\":false,\"message\":\"...\",\"code\":\"...\"}`.",
    ),
    components(schemas(
        crate::http::error::ErrorBody,
        crate::http::error::ErrorCode,
        crate::realtime::event::Event,
        crate::http::routes::ws::ClientEvent,
        crate::http::routes::ws::SessionFrame,
    )),
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

/// A ChatCloud id: 24 lowercase hex characters.
const ID_PATTERN: &str = "^[0-9a-f]{24}$";
/// A user named in a path: ChatCloud's id, or the site's own as `ext:<externalId>`.
const USER_REF_PATTERN: &str = "^([0-9a-f]{24}|ext:[A-Za-z0-9_.@:-]{1,128})$";
const EXTERNAL_ID_PATTERN: &str = "^[A-Za-z0-9_.@:-]{1,128}$";

/// The shared error responses: (status, component name, description).
const ERRORS: [(&str, &str, &str); 11] = [
    ("400", "BadRequest", "Invalid input: body, query or path (`invalid_body`, `invalid_query`, `invalid_path`, `invalid_cursor`, `message_deleted`, `websocket_required`)."),
    ("401", "Unauthorized", "Missing, invalid or expired credentials (`missing_api_key`, `invalid_api_key`, `missing_token`, `invalid_token`, `token_expired`, `missing_operator_key`, `invalid_operator_key`)."),
    ("403", "Forbidden", "Authenticated but not allowed (`forbidden`, `secret_required`, `resource_mismatch`, `origin_not_allowed`)."),
    ("404", "NotFound", "Unknown id, another resource's id, or not visible to the caller (`not_found`)."),
    ("409", "Conflict", "A duplicate; the message names the field (`conflict`)."),
    ("413", "PayloadTooLarge", "Body over 64 KiB, or 128 KiB on the routes that carry a message text (`payload_too_large`)."),
    ("414", "UriTooLong", "Request target over 8 KiB (`uri_too_long`)."),
    ("429", "TooManyRequests", "Over a rate limit (`rate_limited`); `Retry-After` says when to retry."),
    ("431", "HeadersTooLarge", "Header section over 32 KiB (`headers_too_large`)."),
    ("500", "InternalError", "An unexpected failure, logged with the request id (`internal_error`)."),
    ("503", "ServiceUnavailable", "Over the time limit (`timeout`), too many requests waiting for the database (`overloaded`), or the database cannot store (`storage_full`, `storage_unavailable`); nothing was stored. `Retry-After` says when to retry."),
];

/// Statuses every API operation can answer: the rate limiter, the head limits, the time limit
/// and the store sit in front of or under every route.
const ALWAYS: [&str; 5] = ["414", "429", "431", "500", "503"];

/// Completes the generated document (see the module documentation) and returns it as served.
pub fn finish(openapi: utoipa::openapi::OpenApi) -> Value {
    let mut document = serde_json::to_value(openapi).unwrap_or_default();
    inline_value_schemas(&mut document);
    add_shared_responses(&mut document);
    add_websocket_events(&mut document);
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for operation in item.values_mut().filter_map(Value::as_object_mut) {
                complete_operation(path, operation);
            }
        }
    }
    document
}

/// The value types that the generated schemas name as components (times, ids): the served
/// document writes each out where it is used, as the plain string it is (nullable where the
/// field is optional), so that clients see no component for them.
fn inline_value_schemas(document: &mut Value) {
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let inlined: Map<String, Value> = [
        Timestamp::name(),
        ConversationId::name(),
        MessageId::name(),
        UserId::name(),
        ResourceId::name(),
    ]
    .into_iter()
    .filter_map(|name| {
        let schema = schemas.remove(name.as_ref())?;
        Some((format!("#/components/schemas/{name}"), schema))
    })
    .collect();
    inline_in(document, &inlined);
}

/// Replaces, under `value`, every reference to a schema of `inlined` (keyed by reference).
fn inline_in(value: &mut Value, inlined: &Map<String, Value>) {
    match value {
        Value::Object(schema) => {
            if let Some(inline) = inline_schema(schema, inlined) {
                *schema = inline;
            }
            schema
                .values_mut()
                .for_each(|value| inline_in(value, inlined));
        }
        Value::Array(items) => items.iter_mut().for_each(|value| inline_in(value, inlined)),
        _ => {}
    }
}

/// `schema` written out if it is a reference to one of `inlined`, keeping its other keys (a
/// description), or `{"oneOf": [{"type": "null"}, <such a reference>]}`.
fn inline_schema(
    schema: &Map<String, Value>,
    inlined: &Map<String, Value>,
) -> Option<Map<String, Value>> {
    let target = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| inlined.get(reference));
    if let Some(target) = target {
        let mut inline = target.as_object()?.clone();
        inline.extend(schema.clone());
        inline.remove("$ref");
        return Some(inline);
    }
    let [null, reference] = schema.get("oneOf")?.as_array()?.as_slice() else {
        return None;
    };
    if *null != json!({"type": "null"}) {
        return None;
    }
    let mut inline = schema.clone();
    inline.remove("oneOf");
    inline.extend(inline_schema(reference.as_object()?, inlined)?);
    let kind = inline.get("type")?.clone();
    inline.insert("type".to_owned(), json!([kind, "null"]));
    Some(inline)
}

/// The headers every API response may carry (the rate-limit ones on budgeted requests).
fn common_headers() -> Value {
    let header = |name: &str| json!({"$ref": format!("#/components/headers/{name}")});
    json!({
        "x-request-id": header("RequestId"),
        "x-ratelimit-limit": header("RateLimitLimit"),
        "x-ratelimit-remaining": header("RateLimitRemaining"),
        "x-ratelimit-reset": header("RateLimitReset"),
    })
}

fn add_shared_responses(document: &mut Value) {
    let integer = |description: &str| json!({"description": description, "schema": {"type": "integer", "minimum": 0}});
    document["components"]["headers"] = json!({
        "RequestId": {
            "description": "The request's id, as in the server's logs (a client-sent one of 1..128 printable ASCII characters is kept).",
            "schema": {"type": "string"}
        },
        "RateLimitLimit": integer("Requests allowed per window in the budget this request was counted against."),
        "RateLimitRemaining": integer("Requests left in that window."),
        "RateLimitReset": integer("Unix time (seconds) when the window resets."),
        "RetryAfter": integer("Seconds to wait before retrying."),
    });
    let mut responses = Map::new();
    for (status, name, description) in ERRORS {
        let mut response = json!({
            "description": description,
            "headers": common_headers(),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        });
        if status == "429" || status == "503" {
            response["headers"]["Retry-After"] = json!({"$ref": "#/components/headers/RetryAfter"});
        }
        responses.insert(name.to_owned(), response);
    }
    document["components"]["responses"] = Value::Object(responses);
}

/// The WebSocket route's frames, as components and an `x-websocket` extension of the route.
fn add_websocket_events(document: &mut Value) {
    let Some(connect) = document
        .pointer_mut("/paths/~1api~1v1~1ws/get")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    connect.insert(
        "x-websocket".to_owned(),
        json!({
            "serverToClient": {"oneOf": [
                {"$ref": "#/components/schemas/Event"},
                {"$ref": "#/components/schemas/SessionFrame"}
            ]},
            "clientToServer": {"$ref": "#/components/schemas/ClientEvent"}
        }),
    );
}

fn complete_operation(path: &str, operation: &mut Map<String, Value>) {
    let has_body = operation.contains_key("requestBody");
    let (has_params, has_path_params) = constrain_parameters(path, operation);
    let secured = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|requirements| !requirements.is_empty())
        || path == "/api/v1/ws";
    let operator = path.starts_with("/api/v1/resources");
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    describe_responses(responses);
    let mut wanted: Vec<&str> = ALWAYS.to_vec();
    if has_params || has_body {
        wanted.push("400");
    }
    if secured {
        wanted.extend(["401", "403"]);
    }
    if has_path_params || operator {
        wanted.push("404");
    }
    if has_body {
        wanted.push("413");
    }
    for status in wanted {
        if let (false, Some(name)) = (responses.contains_key(status), shared(status)) {
            responses.insert(
                status.to_owned(),
                json!({"$ref": format!("#/components/responses/{name}")}),
            );
        }
    }
}

/// Constrains the operation's parameters by name; whether it has any, and any in the path.
fn constrain_parameters(path: &str, operation: &mut Map<String, Value>) -> (bool, bool) {
    let (mut has_params, mut has_path_params) = (false, false);
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        for parameter in parameters.iter_mut() {
            has_params = true;
            has_path_params |= parameter["in"] == "path";
            constrain_parameter(path, parameter);
        }
    }
    (has_params, has_path_params)
}

/// Gives every response the common headers, and every undescribed one the shared error response
/// of its status or a success description.
fn describe_responses(responses: &mut Map<String, Value>) {
    for (status, response) in responses.iter_mut() {
        if response.get("$ref").is_none() && response.get("headers").is_none() {
            response["headers"] = common_headers();
        }
        let undescribed = response
            .get("description")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        if !undescribed {
            continue;
        }
        match shared(status) {
            Some(name) => *response = json!({"$ref": format!("#/components/responses/{name}")}),
            None => response["description"] = json!(success_description(status)),
        }
    }
}

fn shared(status: &str) -> Option<&'static str> {
    ERRORS
        .iter()
        .find(|(code, _, _)| *code == status)
        .map(|(_, name, _)| *name)
}

fn success_description(status: &str) -> &'static str {
    match status {
        "101" => "Switching to the WebSocket protocol.",
        "201" => "Created.",
        "204" => "Done; no content.",
        _ => "Success.",
    }
}

/// Bounds and patterns of the parameters, by name (the same names mean the same thing on every
/// route; the server checks them all alike).
fn constrain_parameter(path: &str, parameter: &mut Value) {
    let name = parameter["name"].as_str().unwrap_or_default().to_owned();
    let in_path = parameter["in"] == "path";
    // A user in a path is an id or `ext:<externalId>`.
    let user_path =
        path.starts_with("/api/v1/users/") || path.starts_with("/api/v1/admin-panel/users/");
    let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut) else {
        return;
    };
    // A documented optional query parameter is simply absent, never `null`.
    if let Some(Value::Array(types)) = schema.get("type").cloned() {
        if let Some(Value::String(kind)) = types.iter().find(|t| *t != "null") {
            schema.insert("type".to_owned(), json!(kind));
        }
    }
    // A path id that is not an id is answered 404; a query filter (`userId`, `assigneeId`,
    // `category`) that matches nothing simply finds nothing, so it gets no pattern.
    let constraints = match name.as_str() {
        "id" | "userId" if in_path && user_path => json!({"pattern": USER_REF_PATTERN}),
        "externalId" if in_path => json!({"pattern": EXTERNAL_ID_PATTERN}),
        "id" | "messageId" | "userId" if in_path => json!({"pattern": ID_PATTERN}),
        "before" | "after" => json!({"pattern": ID_PATTERN}),
        "resourceId" => json!({"pattern": "^[A-Za-z0-9._:-]{1,100}$"}),
        "page" => json!({"minimum": 1, "maximum": 1_000_000}),
        "limit" => json!({"minimum": 1, "maximum": 100}),
        "afterSeq" => json!({"minimum": 0}),
        // Empty means no search.
        "q" => json!({"maxLength": 100}),
        "token" | "apiKey" => json!({"minLength": 1}),
        _ => json!({}),
    };
    if let Value::Object(constraints) = constraints {
        schema.extend(constraints);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_schemas_are_written_out_where_used() {
        let reference = json!({"$ref": "#/components/schemas/Timestamp"});
        let mut document = json!({
            "components": {"schemas": {
                "Timestamp": {"type": "string", "format": "date-time"},
                "ConversationId": {"type": "string"},
                "Thing": {"properties": {
                    "conversationId": {"$ref": "#/components/schemas/ConversationId"},
                    "at": reference,
                    "seen": {"oneOf": [{"type": "null"}, reference], "description": "When."},
                }},
            }},
        });
        inline_value_schemas(&mut document);
        assert_eq!(
            document,
            json!({"components": {"schemas": {"Thing": {"properties": {
                "conversationId": {"type": "string"},
                "at": {"type": "string", "format": "date-time"},
                "seen": {"type": ["string", "null"], "format": "date-time", "description": "When."},
            }}}}})
        );
    }
}
