//! OTLP/gRPC (tonic, with `opentelemetry-proto`'s generated services):
//! `TraceService/Export` and `LogsService/Export`, gzip accepted. Answers an
//! `Export*ServiceResponse` (with `partial_success` when records were rejected)
//! after the records are durable; UNAVAILABLE with a `RetryInfo` when the writer
//! is behind; RESOURCE_EXHAUSTED over the size limit (tonic's own check). Other
//! services (metrics) are UNIMPLEMENTED, as tonic answers any unknown service.

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{
    LogsService, LogsServiceServer,
};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;
use tonic::codec::CompressionEncoding;
use tonic::{Code, Request, Response, Status};

use super::commit::{Intake, Origin, Refused};
use super::decode::{logs_request, traces_request, Decoded};
use super::status::{self, RpcStatus};
use super::RETRY_AFTER_SECONDS;

#[derive(Clone)]
pub(crate) struct Grpc {
    pub(crate) intake: Arc<Intake>,
}

/// The two services, ready for a tonic router.
pub(crate) fn services(
    grpc: Grpc,
    max_body_bytes: usize,
) -> (TraceServiceServer<Grpc>, LogsServiceServer<Grpc>) {
    let traces = TraceServiceServer::new(grpc.clone())
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip)
        .max_decoding_message_size(max_body_bytes);
    let logs = LogsServiceServer::new(grpc)
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip)
        .max_decoding_message_size(max_body_bytes);
    (traces, logs)
}

impl Grpc {
    /// Commits one request's records; its rejected count and message on success.
    async fn receive(
        &self,
        peer: String,
        decoded: Decoded,
        size: usize,
    ) -> Result<(u64, String), Status> {
        let (rejected, message) = (decoded.rejected, decoded.message());
        let origin = Origin {
            format: "otlp-grpc",
            peer,
        };
        let result = self.intake.submit(origin, decoded, size).await;
        self.intake
            .count(result.is_err(), if result.is_ok() { rejected } else { 0 });
        result.map(|()| (rejected, message)).map_err(refused_status)
    }
}

/// The client's IP address (its port changes with every connection).
fn peer_of<T>(request: &Request<T>) -> String {
    request
        .remote_addr()
        .map_or_else(|| "unknown".to_string(), |addr| addr.ip().to_string())
}

fn refused_status(refused: Refused) -> Status {
    let (code, message) = match refused {
        Refused::Behind => (
            Code::Unavailable,
            "the case's writer is behind; retry later".into(),
        ),
        Refused::Stopping => (Code::Unavailable, "the receiver is stopping".to_string()),
        Refused::Failed(message) => (
            Code::Unavailable,
            format!("the case could not be written: {message}"),
        ),
    };
    let details = RpcStatus::new(status::UNAVAILABLE, message.clone())
        .retry_after(RETRY_AFTER_SECONDS)
        .encode_to_vec();
    Status::with_details(code, message, details.into())
}

#[tonic::async_trait]
impl TraceService for Grpc {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        let peer = peer_of(&request);
        let size = request.get_ref().encoded_len();
        let decoded = traces_request(request.into_inner());
        let (rejected, message) = self.receive(peer, decoded, size).await?;
        let partial = rejected > 0 || !message.is_empty();
        Ok(Response::new(ExportTraceServiceResponse {
            partial_success: partial.then_some(ExportTracePartialSuccess {
                rejected_spans: rejected as i64,
                error_message: message,
            }),
        }))
    }
}

#[tonic::async_trait]
impl LogsService for Grpc {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        let peer = peer_of(&request);
        let size = request.get_ref().encoded_len();
        let decoded = logs_request(request.into_inner());
        let (rejected, message) = self.receive(peer, decoded, size).await?;
        let partial = rejected > 0 || !message.is_empty();
        Ok(Response::new(ExportLogsServiceResponse {
            partial_success: partial.then_some(ExportLogsPartialSuccess {
                rejected_log_records: rejected as i64,
                error_message: message,
            }),
        }))
    }
}
