//! The REST (LCD) gateway: every gRPC method this node serves, over HTTP with the Cosmos SDK's
//! JSON, as the SDK's grpc-gateway serves it (`/cosmos/bank/v1beta1/balances/{address}` and the
//! rest), so explorers and wallets that read the LCD routes work unchanged.
//!
//! The routes come from the `google.api.http` annotations of the services' `.proto` files (the
//! descriptor set `agora_proto::FILE_DESCRIPTOR_SET`); a method without one (Agora's own
//! queries) is served as `GET /<package as a path>/<method in snake_case>`, e.g.
//! `/agora/market/v1/leases`, its fields as query parameters. Path variables and query
//! parameters (dotted for nested fields: `pagination.limit=10`) fill the request message; a
//! `POST` with `body: "*"` reads it from the JSON body. The answer is the response message in
//! the SDK's JSON conventions: field names as in the `.proto` files, default values written,
//! 64-bit integers as strings, enums by name, bytes in base64, `Any` with `@type`. Errors are
//! `{"code": <gRPC code>, "message": …, "details": []}` with grpc-gateway's HTTP status.
//! Queries run on the node's query pool, within its limits, like every other query.

use std::net::SocketAddr;
use std::sync::Arc;

use agora_types::TxError;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, ReflectMessage, SerializeOptions, Value};

use crate::node_services::CometRpc;
use crate::query_pool::QueryPool;

/// The largest request body read (a `BroadcastTx` or `Simulate` carries a transaction).
const MAX_BODY_BYTES: usize = 4 << 20;

/// The block height header, as the SDK's gateway reads and writes it.
const HEIGHT_HEADER: &str = "x-cosmos-block-height";

/// One piece of a route's path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// One path segment into a field (`{address}`).
    Field(String),
    /// The rest of the path into a field (`{denom=**}`).
    Rest(String),
}

/// Where a route's request message comes from besides the path and query.
#[derive(Clone, Debug, PartialEq, Eq)]
enum RequestBody {
    None,
    /// The whole message (`body: "*"`).
    Whole,
    /// One field of it.
    Field(String),
}

/// One HTTP route to one gRPC method.
#[derive(Clone, Debug)]
pub struct Route {
    verb: Method,
    segments: Vec<Segment>,
    body: RequestBody,
    /// `/<package>.<Service>/<Method>`, the path `App::query` answers.
    grpc_path: String,
    input: MessageDescriptor,
    output: MessageDescriptor,
}

impl Route {
    /// The route's path template, as the annotation writes it.
    pub fn template(&self) -> String {
        self.segments
            .iter()
            .map(|segment| match segment {
                Segment::Literal(text) => format!("/{text}"),
                Segment::Field(field) => format!("/{{{field}}}"),
                Segment::Rest(field) => format!("/{{{field}=**}}"),
            })
            .collect()
    }

    pub fn verb(&self) -> &Method {
        &self.verb
    }

    pub fn grpc_path(&self) -> &str {
        &self.grpc_path
    }

    /// The path variables of `path` if this route matches it.
    fn matches(&self, verb: &Method, path: &[&str]) -> Option<Vec<(String, String)>> {
        if verb != self.verb {
            return None;
        }
        let mut variables = Vec::new();
        let mut rest = path;
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => {
                    let (first, tail) = rest.split_first()?;
                    if first != text {
                        return None;
                    }
                    rest = tail;
                }
                Segment::Field(field) => {
                    let (first, tail) = rest.split_first()?;
                    if first.is_empty() {
                        return None;
                    }
                    variables.push((field.clone(), percent_decode(first, false)?));
                    rest = tail;
                }
                Segment::Rest(field) => {
                    if rest.is_empty() {
                        return None;
                    }
                    let joined = rest.iter().map(|s| percent_decode(s, false)).collect::<Option<Vec<_>>>()?.join("/");
                    variables.push((field.clone(), joined));
                    rest = &[];
                }
            }
        }
        rest.is_empty().then_some(variables)
    }
}

/// The gateway's routes for `services` (full names), most specific first.
pub fn routes(descriptors: &DescriptorPool, services: &[&str]) -> Vec<Route> {
    let http = descriptors.get_extension_by_name("google.api.http");
    let mut routes = Vec::new();
    for service in services.iter().filter_map(|name| descriptors.get_service_by_name(name)) {
        for method in service.methods().filter(|m| !m.is_client_streaming() && !m.is_server_streaming()) {
            let grpc_path = format!("/{}/{}", service.full_name(), method.name());
            let route = |verb: Method, template: &str, body: RequestBody| {
                parse_template(template).map(|segments| Route {
                    verb,
                    segments,
                    body,
                    grpc_path: grpc_path.clone(),
                    input: method.input(),
                    output: method.output(),
                })
            };
            let options = method.options();
            let rule = http.as_ref().filter(|ext| options.has_extension(ext)).map(|ext| options.get_extension(ext).into_owned());
            match rule {
                Some(Value::Message(rule)) => {
                    let bindings = match rule.get_field_by_name("additional_bindings").as_deref() {
                        Some(Value::List(more)) => more.iter().filter_map(|v| v.as_message().cloned()).collect(),
                        _ => Vec::new(),
                    };
                    for rule in std::iter::once(rule).chain(bindings) {
                        let Some((verb, template)) = rule_pattern(&rule) else { continue };
                        let body = match rule.get_field_by_name("body").as_deref().and_then(Value::as_str) {
                            Some("*") => RequestBody::Whole,
                            Some("") | None => RequestBody::None,
                            Some(field) => RequestBody::Field(field.to_string()),
                        };
                        routes.extend(route(verb, &template, body));
                    }
                }
                // Agora's own queries carry no annotation: GET /<package path>/<method>.
                _ if service.full_name().starts_with("agora.") => {
                    let template = format!("/{}/{}", service.package_name().replace('.', "/"), snake_case(method.name()));
                    routes.extend(route(Method::GET, &template, RequestBody::None));
                }
                _ => {}
            }
        }
    }
    // Literal segments before variables, so `/validators/{addr}/delegations` is tried before
    // a catch-all of the same depth.
    routes.sort_by_key(|route| {
        let literals = route.segments.iter().filter(|s| matches!(s, Segment::Literal(_))).count();
        let rest = route.segments.iter().any(|s| matches!(s, Segment::Rest(_)));
        (rest, std::cmp::Reverse(literals), std::cmp::Reverse(route.segments.len()))
    });
    routes
}

/// The verb and path template of an `HttpRule`.
fn rule_pattern(rule: &DynamicMessage) -> Option<(Method, String)> {
    for (name, verb) in [("get", Method::GET), ("post", Method::POST), ("put", Method::PUT), ("delete", Method::DELETE), ("patch", Method::PATCH)] {
        if rule.has_field_by_name(name) {
            return rule.get_field_by_name(name).as_deref().and_then(Value::as_str).map(|t| (verb, t.to_string()));
        }
    }
    None
}

/// Parses `/a/{b}/c/{d=**}` (a verb suffix such as `:simulate` is not used by these services).
fn parse_template(template: &str) -> Option<Vec<Segment>> {
    template
        .trim_start_matches('/')
        .split('/')
        .map(|part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(inner) => match inner.split_once('=') {
                Some((field, "**")) => Some(Segment::Rest(field.to_string())),
                Some((field, "*")) | Some((field, "")) => Some(Segment::Field(field.to_string())),
                Some(_) => None,
                None => Some(Segment::Field(inner.to_string())),
            },
            None => Some(Segment::Literal(part.to_string())),
        })
        .collect()
}

fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `%XX` decoding (and `+` as a space in a query string, as Go's `url.ParseQuery` reads it).
fn percent_decode(text: &str, query: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if query => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A refusal of the request itself (HTTP 400, gRPC `INVALID_ARGUMENT`).
fn bad_request(message: impl Into<String>) -> TxError {
    TxError::new("sdk", 18, message)
}

/// Sets the field at dotted `path` of `message` from its text form (a list field gains one
/// element per occurrence).
fn set_field(message: &mut DynamicMessage, path: &str, text: &str) -> Result<(), TxError> {
    let (head, tail) = match path.split_once('.') {
        Some((head, tail)) => (head, Some(tail)),
        None => (path, None),
    };
    let field = message
        .descriptor()
        .get_field_by_name(head)
        .or_else(|| message.descriptor().get_field_by_json_name(head))
        .ok_or_else(|| bad_request(format!("unknown parameter {path:?} for {}", message.descriptor().full_name())))?;
    match tail {
        Some(tail) => match message.get_field_mut(&field) {
            Value::Message(inner) if !field.is_list() && !field.is_map() => set_field(inner, tail, text),
            _ => Err(bad_request(format!("{head} has no field {tail:?}"))),
        },
        None => {
            let value = parse_value(&field, text)?;
            if field.is_list() {
                if let Value::List(list) = message.get_field_mut(&field) {
                    list.push(value);
                }
            } else {
                message.set_field(&field, value);
            }
            Ok(())
        }
    }
}

fn parse_value(field: &FieldDescriptor, text: &str) -> Result<Value, TxError> {
    let invalid = |what: &str| bad_request(format!("{}: {text:?} is not {what}", field.name()));
    Ok(match field.kind() {
        Kind::String => Value::String(text.to_string()),
        Kind::Bool => Value::Bool(text.parse().map_err(|_| invalid("true or false"))?),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(text.parse().map_err(|_| invalid("a 32-bit integer"))?),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(text.parse().map_err(|_| invalid("a 64-bit integer"))?),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(text.parse().map_err(|_| invalid("an unsigned 32-bit integer"))?),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(text.parse().map_err(|_| invalid("an unsigned 64-bit integer"))?),
        Kind::Double => Value::F64(text.parse().map_err(|_| invalid("a number"))?),
        Kind::Float => Value::F32(text.parse().map_err(|_| invalid("a number"))?),
        Kind::Bytes => {
            use base64::Engine as _;
            let engines = [base64::engine::general_purpose::STANDARD, base64::engine::general_purpose::URL_SAFE];
            let padded = format!("{text}{}", "=".repeat((4 - text.len() % 4) % 4));
            let bytes = engines.iter().find_map(|engine| engine.decode(&padded).ok()).ok_or_else(|| invalid("base64"))?;
            Value::Bytes(bytes.into())
        }
        Kind::Enum(values) => {
            let number = values.get_value_by_name(text).map(|v| v.number()).or_else(|| text.parse().ok());
            Value::EnumNumber(number.ok_or_else(|| invalid(&format!("a value of {}", values.full_name())))?)
        }
        Kind::Message(_) => return Err(bad_request(format!("{} is a message: set its fields (`{}.<field>=…`)", field.name(), field.name()))),
    })
}

/// The REST gateway over a node's query pool.
pub struct Gateway {
    routes: Vec<Route>,
    queries: QueryPool,
    comet: Option<CometRpc>,
}

impl Gateway {
    pub fn new(queries: QueryPool, comet: Option<CometRpc>) -> Result<Self, String> {
        let services = crate::grpc::service_names(queries.app());
        Ok(Self { routes: routes(crate::descriptors::pool(), &services), queries, comet })
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// Answers one HTTP request.
    pub async fn handle(&self, request: Request<Body>) -> Response<Body> {
        match self.answer(request).await {
            Ok((json, height)) => {
                let mut response = Response::new(Body::from(json));
                let headers = response.headers_mut();
                headers.insert("content-type", HeaderValue::from_static("application/json"));
                if let Ok(value) = HeaderValue::from_str(&height.to_string()) {
                    headers.insert(HEIGHT_HEADER, value);
                }
                response
            }
            Err(error) => error_response(&error),
        }
    }

    async fn answer(&self, request: Request<Body>) -> Result<(Vec<u8>, u64), TxError> {
        let (parts, body) = request.into_parts();
        let path: Vec<&str> = parts.uri.path().trim_start_matches('/').split('/').collect();
        let (route, variables) = self
            .routes
            .iter()
            .find_map(|route| route.matches(&parts.method, &path).map(|variables| (route, variables)))
            .ok_or_else(|| TxError::new("sdk", 6, format!("no route for {} {}", parts.method, parts.uri.path())))?;
        let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
            .await
            .map_err(|e| bad_request(format!("the request body could not be read (at most {} MiB): {e}", MAX_BODY_BYTES >> 20)))?;
        let request = request_message(route, &variables, parts.uri.query().unwrap_or_default(), &body)?;
        let height = requested_height(&parts.headers)?;
        let answer = self.queries.answer(self.comet.clone(), route.grpc_path.clone(), request.encode_to_vec(), height).await?;
        let output = route.output.clone();
        let json = tokio::task::spawn_blocking(move || to_json(output, &answer.value).map(|json| (json, answer.height)))
            .await
            .map_err(|e| TxError::internal(format!("encoding task failed: {e}")))??;
        Ok(json)
    }
}

/// The request message of `route`: the JSON body (if the route takes one), then the path
/// variables and query parameters.
fn request_message(route: &Route, variables: &[(String, String)], query: &str, body: &[u8]) -> Result<DynamicMessage, TxError> {
    let mut message = match (&route.body, body.is_empty()) {
        (RequestBody::Whole, false) => {
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            let message = DynamicMessage::deserialize(route.input.clone(), &mut deserializer)
                .map_err(|e| bad_request(format!("the body is not a {} in JSON: {e}", route.input.full_name())))?;
            deserializer.end().map_err(|e| bad_request(format!("trailing data after the JSON body: {e}")))?;
            message
        }
        (RequestBody::Field(field), false) => {
            let mut message = DynamicMessage::new(route.input.clone());
            let field = route.input.get_field_by_name(field).ok_or_else(|| TxError::internal(format!("route body field {field} is not in the request")))?;
            let Kind::Message(inner) = field.kind() else {
                return Err(TxError::internal("route body field is not a message"));
            };
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            let value = DynamicMessage::deserialize(inner, &mut deserializer).map_err(|e| bad_request(format!("the body is not valid JSON for {}: {e}", field.name())))?;
            message.set_field(&field, Value::Message(value));
            message
        }
        _ => DynamicMessage::new(route.input.clone()),
    };
    for (field, value) in variables {
        set_field(&mut message, field, value)?;
    }
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key, true).ok_or_else(|| bad_request(format!("malformed query parameter {key:?}")))?;
        let value = percent_decode(value, true).ok_or_else(|| bad_request(format!("malformed value of {key}")))?;
        set_field(&mut message, &key, &value)?;
    }
    Ok(message)
}

fn requested_height(headers: &HeaderMap) -> Result<u64, TxError> {
    match headers.get(HEIGHT_HEADER) {
        None => Ok(0),
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .ok_or_else(|| bad_request(format!("{HEIGHT_HEADER} must be a block height, not {value:?}"))),
    }
}

/// The SDK's JSON of a response message.
fn to_json(output: MessageDescriptor, bytes: &[u8]) -> Result<Vec<u8>, TxError> {
    let mut message = DynamicMessage::decode(output, bytes).map_err(|e| TxError::internal(format!("the answer does not decode: {e}")))?;
    qualify_type_urls(&mut message);
    let options = SerializeOptions::new().use_proto_field_name(true).skip_default_fields(false).stringify_64_bit_integers(true);
    let mut json = message
        .serialize_with_options(serde_json::value::Serializer, &options)
        .map_err(|e| TxError::internal(format!("the answer has no JSON form: {e}")))?;
    null_empty_bytes(&message.descriptor(), &mut json);
    serde_json::to_vec(&json).map_err(|e| TxError::internal(format!("the answer has no JSON form: {e}")))
}

/// The domain prost-reflect's JSON writer requires in an `Any`'s type URL; Cosmos writes
/// `/cosmos.auth.v1beta1.BaseAccount`, with none.
const TYPE_DOMAIN: &str = "type.googleapis.com";

/// Gives every `Any` in `message` (nested ones too, inside `Any` payloads) the domain the
/// JSON writer needs; [`null_empty_bytes`] takes it off again in the JSON.
fn qualify_type_urls(message: &mut DynamicMessage) {
    if message.descriptor().full_name() == "google.protobuf.Any" {
        let url = message.get_field_by_name("type_url").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        let Some(name) = url.strip_prefix('/') else { return };
        let Some(payload_type) = message.descriptor().parent_pool().get_message_by_name(name) else { return };
        let bytes = message.get_field_by_name("value").and_then(|v| v.as_bytes().cloned()).unwrap_or_default();
        let Ok(mut payload) = DynamicMessage::decode(payload_type, bytes) else { return };
        qualify_type_urls(&mut payload);
        message.set_field_by_name("value", Value::Bytes(payload.encode_to_vec().into()));
        message.set_field_by_name("type_url", Value::String(format!("{TYPE_DOMAIN}/{name}")));
        return;
    }
    for (_, value) in message.fields_mut() {
        match value {
            Value::Message(inner) => qualify_type_urls(inner),
            Value::List(items) => items.iter_mut().filter_map(Value::as_message_mut).for_each(qualify_type_urls),
            Value::Map(entries) => entries.values_mut().filter_map(Value::as_message_mut).for_each(qualify_type_urls),
            _ => {}
        }
    }
}

/// Empty `bytes` fields as `null`, as the SDK's gateway writes them (Go decodes an empty
/// `bytes` field as a nil slice): `"next_key": null` on a last page. Type URLs back in the
/// Cosmos form.
fn null_empty_bytes(descriptor: &MessageDescriptor, json: &mut serde_json::Value) {
    if descriptor.full_name() == "google.protobuf.Any" {
        let Some(url) = json.get("@type").and_then(serde_json::Value::as_str).map(str::to_string) else { return };
        let name = url.strip_prefix(TYPE_DOMAIN).unwrap_or(&url).trim_start_matches('/').to_string();
        json["@type"] = serde_json::Value::String(format!("/{name}"));
        if let Some(inner) = descriptor.parent_pool().get_message_by_name(&name) {
            null_empty_bytes(&inner, json);
        }
        return;
    }
    for field in descriptor.fields() {
        let Some(value) = json.get_mut(field.name()) else { continue };
        match field.kind() {
            Kind::Bytes if !field.is_list() && value.as_str() == Some("") => *value = serde_json::Value::Null,
            Kind::Message(inner) if field.is_map() => {
                if let (Kind::Message(values), Some(entries)) = (inner.map_entry_value_field().kind(), value.as_object_mut()) {
                    entries.values_mut().for_each(|entry| null_empty_bytes(&values, entry));
                }
            }
            Kind::Message(inner) => match value {
                serde_json::Value::Array(items) => items.iter_mut().for_each(|item| null_empty_bytes(&inner, item)),
                serde_json::Value::Object(_) => null_empty_bytes(&inner, value),
                _ => {}
            },
            _ => {}
        }
    }
}

/// The SDK gateway's error body, with grpc-gateway's HTTP status for the gRPC code.
fn error_response(error: &TxError) -> Response<Body> {
    let status = crate::grpc::status_of(error);
    let http = match status.code() {
        tonic::Code::InvalidArgument | tonic::Code::FailedPrecondition | tonic::Code::OutOfRange => StatusCode::BAD_REQUEST,
        tonic::Code::NotFound => StatusCode::NOT_FOUND,
        tonic::Code::AlreadyExists | tonic::Code::Aborted => StatusCode::CONFLICT,
        tonic::Code::PermissionDenied => StatusCode::FORBIDDEN,
        tonic::Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        tonic::Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        tonic::Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        tonic::Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        tonic::Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        tonic::Code::Cancelled => StatusCode::REQUEST_TIMEOUT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let body = serde_json::json!({"code": status.code() as i32, "message": status.message(), "details": []});
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = http;
    response.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    response
}

/// Serves the gateway on `addr` until the process ends.
pub async fn serve(queries: QueryPool, addr: SocketAddr, comet: Option<CometRpc>) -> Result<(), String> {
    let gateway = Arc::new(Gateway::new(queries, comet)?);
    let router = axum::Router::new().fallback(move |request: Request<Body>| {
        let gateway = Arc::clone(&gateway);
        async move { gateway.handle(request).await }
    });
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    axum::serve(listener, router).await.map_err(|e| format!("the REST gateway stopped: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_and_match() {
        let segments = parse_template("/cosmos/bank/v1beta1/balances/{address}/by_denom").expect("parses");
        assert_eq!(segments[4], Segment::Field("address".into()));
        let rest = parse_template("/cosmos/bank/v1beta1/denoms_metadata/{denom=**}").expect("parses");
        assert_eq!(rest[4], Segment::Rest("denom".into()));
        assert_eq!(snake_case("LeasesByProvider"), "leases_by_provider");
        assert_eq!(percent_decode("ibc%2FABC+x", true).as_deref(), Some("ibc/ABC x"));
        assert_eq!(percent_decode("%zz", false), None);
    }
}
