//! `weft export --to URL`: each request of an export as OTLP/HTTP protobuf,
//! gzip-compressed, to `URL/v1/traces` or `URL/v1/logs` — the only outgoing
//! network in Weft, and only to the URL the user gave. A 429, 502, 503 or 504
//! answer is tried again after its `Retry-After` (seconds, capped) or a doubling
//! back-off, a bounded number of times; then the export stops with an error
//! saying what was sent. The client is ureq (small, blocking: it runs on the
//! export's writing thread, with rustls for https).

use std::io::Write;
use std::time::Duration;

use flate2::write::GzEncoder;
use flate2::Compression;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceResponse;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use prost::Message;

use super::{ExportCounts, ExportError, Request, RequestSink};

/// How often and how long to wait before trying a request again.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The first back-off without `Retry-After`; doubled each time.
    pub first_backoff: Duration,
    /// The longest wait, whatever `Retry-After` asks.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 6,
            first_backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
        }
    }
}

/// Sends the requests of an export to an OTLP/HTTP receiver.
pub struct PushSink {
    base: String,
    agent: ureq::Agent,
    retry: RetryPolicy,
    counts: ExportCounts,
}

/// Response bodies read at most (a partial success message, an error text).
const MAX_RESPONSE: u64 = 1 << 20;

impl PushSink {
    /// A sink for the receiver at `url` (`http://host:4318`, with or without a
    /// trailing `/`; the paths `/v1/traces` and `/v1/logs` are added).
    pub fn new(url: &str, retry: RetryPolicy) -> Result<Self, ExportError> {
        let base = url.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) || base.len() < 9 {
            return Err(ExportError::BadUrl {
                url: url.to_string(),
            });
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Ok(PushSink {
            base,
            agent,
            retry,
            counts: ExportCounts::default(),
        })
    }

    fn failure(&self, url: &str, message: String) -> ExportError {
        ExportError::Push {
            url: url.to_string(),
            message,
            sent: self.counts,
        }
    }

    /// Posts one compressed message, trying again on the retryable answers; the
    /// response body of the success.
    fn post(&self, url: &str, message: &[u8]) -> Result<Vec<u8>, ExportError> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder
            .write_all(message)
            .map_err(|error| self.failure(url, format!("gzip: {error}")))?;
        let body = encoder
            .finish()
            .map_err(|error| self.failure(url, format!("gzip: {error}")))?;
        let mut backoff = self.retry.first_backoff;
        let mut last_problem = String::new();
        for attempt in 1..=self.retry.attempts {
            let answer = self
                .agent
                .post(url)
                .header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "gzip")
                .send(&body[..]);
            let mut response = match answer {
                Ok(response) => response,
                Err(error) => {
                    // A connection that failed is not retried: nothing listens there.
                    return Err(self.failure(url, format!("request failed: {error}")));
                }
            };
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok())
                .and_then(retry_after_seconds);
            let text = response
                .body_mut()
                .with_config()
                .limit(MAX_RESPONSE)
                .read_to_vec()
                .unwrap_or_default();
            if (200..300).contains(&status) {
                return Ok(text);
            }
            last_problem = format!(
                "HTTP {status}{}",
                describe_body(&text).map_or(String::new(), |body| format!(": {body}"))
            );
            if !matches!(status, 429 | 502 | 503 | 504) {
                return Err(self.failure(url, last_problem));
            }
            if attempt == self.retry.attempts {
                break;
            }
            let wait = retry_after.unwrap_or(backoff).min(self.retry.max_wait);
            std::thread::sleep(wait);
            backoff = backoff.saturating_mul(2);
        }
        Err(self.failure(
            url,
            format!(
                "{last_problem} after {} attempts (retried on 429/502/503/504)",
                self.retry.attempts
            ),
        ))
    }
}

impl RequestSink for PushSink {
    fn write(&mut self, request: Request) -> Result<(), ExportError> {
        match request {
            Request::Traces(request, n_spans) => {
                let url = format!("{}/v1/traces", self.base);
                let answer = self.post(&url, &request.encode_to_vec())?;
                if let Ok(response) = ExportTraceServiceResponse::decode(answer.as_slice()) {
                    if let Some(partial) = response.partial_success {
                        self.counts.rejected_spans += partial.rejected_spans.max(0) as u64;
                    }
                }
                self.counts.spans += n_spans;
            }
            Request::Logs(request, n_logs) => {
                let url = format!("{}/v1/logs", self.base);
                let answer = self.post(&url, &request.encode_to_vec())?;
                if let Ok(response) = ExportLogsServiceResponse::decode(answer.as_slice()) {
                    if let Some(partial) = response.partial_success {
                        self.counts.rejected_logs += partial.rejected_log_records.max(0) as u64;
                    }
                }
                self.counts.logs += n_logs;
            }
        }
        self.counts.requests += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<ExportCounts, ExportError> {
        Ok(self.counts)
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not honoured: the back-off applies).
fn retry_after_seconds(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// An error body as one short line of text, when it is text.
fn describe_body(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.is_empty() {
        return None;
    }
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds() {
        assert_eq!(retry_after_seconds(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn urls_other_than_http_are_refused() {
        assert!(matches!(
            PushSink::new("ftp://host", RetryPolicy::default()),
            Err(ExportError::BadUrl { .. })
        ));
        assert!(PushSink::new("http://127.0.0.1:4318/", RetryPolicy::default()).is_ok());
    }
}
