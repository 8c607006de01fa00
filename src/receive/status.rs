//! The few `google.rpc` messages the receiver answers with: `Status` (the body
//! of an OTLP/HTTP error, and the details of a gRPC one) and `RetryInfo` (how
//! long a client waits before it sends again when the writer is behind).
//! Declared here with prost's derive: three small messages are not worth a crate.

use prost::Message;

/// `google.rpc.Status`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct RpcStatus {
    #[prost(int32, tag = "1")]
    pub(crate) code: i32,
    #[prost(string, tag = "2")]
    pub(crate) message: String,
    #[prost(message, repeated, tag = "3")]
    pub(crate) details: Vec<Any>,
}

/// `google.protobuf.Any`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Any {
    #[prost(string, tag = "1")]
    pub(crate) type_url: String,
    #[prost(bytes = "vec", tag = "2")]
    pub(crate) value: Vec<u8>,
}

/// `google.rpc.RetryInfo`.
#[derive(Clone, PartialEq, Message)]
struct RetryInfo {
    #[prost(message, optional, tag = "1")]
    retry_delay: Option<Duration>,
}

/// `google.protobuf.Duration`.
#[derive(Clone, PartialEq, Message)]
struct Duration {
    #[prost(int64, tag = "1")]
    seconds: i64,
    #[prost(int32, tag = "2")]
    nanos: i32,
}

/// gRPC status codes the receiver uses (google.rpc.Code).
pub(crate) const INVALID_ARGUMENT: i32 = 3;
pub(crate) const NOT_FOUND: i32 = 5;
pub(crate) const RESOURCE_EXHAUSTED: i32 = 8;
pub(crate) const UNAVAILABLE: i32 = 14;

impl RpcStatus {
    pub(crate) fn new(code: i32, message: impl Into<String>) -> RpcStatus {
        RpcStatus {
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// The same status, telling the client to wait `seconds` before it retries.
    pub(crate) fn retry_after(mut self, seconds: u64) -> RpcStatus {
        let info = RetryInfo {
            retry_delay: Some(Duration {
                seconds: seconds as i64,
                nanos: 0,
            }),
        };
        self.details.push(Any {
            type_url: "type.googleapis.com/google.rpc.RetryInfo".into(),
            value: info.encode_to_vec(),
        });
        self
    }

    /// The JSON form of the status (protobuf's JSON mapping, without details).
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "code": self.code, "message": self.message })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_info_reads_back_with_its_delay() {
        let status = RpcStatus::new(UNAVAILABLE, "behind").retry_after(2);
        let read = RpcStatus::decode(status.encode_to_vec().as_slice()).unwrap();
        assert_eq!(read.code, UNAVAILABLE);
        assert_eq!(
            read.details[0].type_url,
            "type.googleapis.com/google.rpc.RetryInfo"
        );
        let info = RetryInfo::decode(read.details[0].value.as_slice()).unwrap();
        assert_eq!(info.retry_delay.unwrap().seconds, 2);
    }
}
