//! OTLP/HTTP (axum): `POST /v1/traces` and `/v1/logs` with protobuf or JSON
//! bodies, plain or gzip; `/v1/metrics` answered 404 with a message (Weft keeps
//! no metrics). Answers as the OTLP/HTTP specification says: 200 with an
//! `Export*ServiceResponse` in the request's encoding (its `partial_success`
//! counting the records rejected, with a message), 400 with a `google.rpc.Status`
//! for a body that does not decode, 413 over the size limit, 415 for another
//! content type, 503 with `Retry-After` when the writer is behind.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceResponse,
};
use prost::Message;

use super::commit::{Intake, Origin, Refused};
use super::decode::{decode_body, gunzip, BodyError, Encoding, Signal};
use super::status::{self, RpcStatus};
use super::RETRY_AFTER_SECONDS;

#[derive(Clone)]
pub(crate) struct Http {
    pub(crate) intake: Arc<Intake>,
    pub(crate) max_body_bytes: usize,
}

/// The routes of the OTLP/HTTP endpoint.
pub(crate) fn router(http: Http) -> Router {
    Router::new()
        .route("/v1/traces", post(traces))
        .route("/v1/logs", post(logs))
        .route("/v1/metrics", post(metrics))
        .with_state(http)
}

async fn traces(
    State(http): State<Http>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    export(&http, Signal::Traces, peer, &headers, body).await
}

async fn logs(
    State(http): State<Http>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    export(&http, Signal::Logs, peer, &headers, body).await
}

async fn metrics(headers: HeaderMap) -> Response {
    let status = RpcStatus::new(
        status::NOT_FOUND,
        "weft receive does not keep metrics: it takes traces (/v1/traces) and logs (/v1/logs)",
    );
    error(
        StatusCode::NOT_FOUND,
        encoding_of(&headers).unwrap_or(Encoding::Protobuf),
        status,
    )
}

/// The encoding of a request from its `Content-Type` (parameters ignored).
fn encoding_of(headers: &HeaderMap) -> Option<Encoding> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = content_type.split(';').next()?.trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/x-protobuf" | "application/protobuf" => Some(Encoding::Protobuf),
        "application/json" => Some(Encoding::Json),
        _ => None,
    }
}

async fn export(
    http: &Http,
    signal: Signal,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    let (response, rejected) = answer(http, signal, peer, headers, body).await;
    http.intake
        .count(response.status() != StatusCode::OK, rejected);
    response
}

/// The response to one export request, and how many of its records were rejected.
async fn answer(
    http: &Http,
    signal: Signal,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
) -> (Response, u64) {
    let Some(encoding) = encoding_of(headers) else {
        let message = "Content-Type must be application/x-protobuf or application/json";
        let status = RpcStatus::new(status::INVALID_ARGUMENT, message);
        return (
            error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Encoding::Protobuf,
                status,
            ),
            0,
        );
    };
    let body = match read_body(http.max_body_bytes, headers, body).await {
        Ok(body) => body,
        Err(failure) => return (body_error(encoding, failure), 0),
    };
    let body_bytes = body.len();
    let decoded = match decode_body(signal, encoding, &body) {
        Ok(decoded) => decoded,
        Err(failure) => return (body_error(encoding, failure), 0),
    };
    drop(body);
    let (rejected, message) = (decoded.rejected, decoded.message());
    let origin = Origin {
        format: "otlp-http",
        peer: peer.ip().to_string(),
    };
    match http.intake.submit(origin, decoded, body_bytes).await {
        Ok(()) => (success(signal, encoding, rejected, message), rejected),
        Err(refused) => (refused_response(encoding, refused), 0),
    }
}

/// The body, decompressed, at most `limit` bytes.
async fn read_body(limit: usize, headers: &HeaderMap, body: Body) -> Result<Vec<u8>, BodyError> {
    let bytes: Bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| BodyError::TooLarge { limit })?;
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("identity") | Some("") => Ok(bytes.to_vec()),
        Some("gzip") => gunzip(&bytes, limit),
        Some(other) => Err(BodyError::Undecodable(format!(
            "Content-Encoding `{other}` is not supported (gzip is)"
        ))),
    }
}

fn body_error(encoding: Encoding, failure: BodyError) -> Response {
    match failure {
        BodyError::Undecodable(message) => error(
            StatusCode::BAD_REQUEST,
            encoding,
            RpcStatus::new(status::INVALID_ARGUMENT, message),
        ),
        BodyError::TooLarge { limit } => error(
            StatusCode::PAYLOAD_TOO_LARGE,
            encoding,
            RpcStatus::new(
                status::RESOURCE_EXHAUSTED,
                format!("request body is larger than the limit of {limit} bytes"),
            ),
        ),
    }
}

fn refused_response(encoding: Encoding, refused: Refused) -> Response {
    let message = match refused {
        Refused::Behind => "the case's writer is behind; retry later".to_string(),
        Refused::Stopping => "the receiver is stopping".to_string(),
        Refused::Failed(message) => format!("the case could not be written: {message}"),
    };
    let status = RpcStatus::new(status::UNAVAILABLE, message).retry_after(RETRY_AFTER_SECONDS);
    let mut response = error(StatusCode::SERVICE_UNAVAILABLE, encoding, status);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    response
}

/// An error answer: a `google.rpc.Status` in the request's encoding.
fn error(code: StatusCode, encoding: Encoding, status: RpcStatus) -> Response {
    match encoding {
        Encoding::Protobuf => (code, protobuf_type(), status.encode_to_vec()).into_response(),
        Encoding::Json => (code, json_type(), status.to_json().to_string()).into_response(),
    }
}

fn protobuf_type() -> [(header::HeaderName, &'static str); 1] {
    [(header::CONTENT_TYPE, "application/x-protobuf")]
}

fn json_type() -> [(header::HeaderName, &'static str); 1] {
    [(header::CONTENT_TYPE, "application/json")]
}

/// The success answer: an empty response, or a partial success when records
/// were rejected (or a problem is worth a warning).
fn success(signal: Signal, encoding: Encoding, rejected: u64, message: String) -> Response {
    let partial = rejected > 0 || !message.is_empty();
    match encoding {
        Encoding::Json => {
            let body = if !partial {
                serde_json::json!({})
            } else {
                let field = match signal {
                    Signal::Traces => "rejectedSpans",
                    Signal::Logs => "rejectedLogRecords",
                };
                serde_json::json!({ "partialSuccess": { field: rejected, "errorMessage": message } })
            };
            (StatusCode::OK, json_type(), body.to_string()).into_response()
        }
        Encoding::Protobuf => {
            let rejected = rejected as i64;
            let bytes = match signal {
                Signal::Traces => ExportTraceServiceResponse {
                    partial_success: partial.then_some(ExportTracePartialSuccess {
                        rejected_spans: rejected,
                        error_message: message,
                    }),
                }
                .encode_to_vec(),
                Signal::Logs => ExportLogsServiceResponse {
                    partial_success: partial.then_some(ExportLogsPartialSuccess {
                        rejected_log_records: rejected,
                        error_message: message,
                    }),
                }
                .encode_to_vec(),
            };
            (StatusCode::OK, protobuf_type(), bytes).into_response()
        }
    }
}
