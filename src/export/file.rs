//! The framing of an export file: requests as they come, written out at once.
//! `otlp-json`: one document for the spans and one for the logs (concatenated,
//! each resource block written as it arrives, so the file is never held in
//! memory); `otlp-jsonl`: one request per line; `otlp-proto`: each request as a
//! 4-byte big-endian length and the message. All three are what `weft ingest`
//! reads back (`formats::otlp_json`, `formats::otlp_proto`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use prost::Message;

use super::json::{logs_request_json, resource_logs_json, resource_spans_json, trace_request_json};
use super::{ExportCounts, ExportError, ExportFormat, Request, RequestSink};

/// Writes an export file.
pub struct FileSink {
    path: PathBuf,
    out: BufWriter<File>,
    format: ExportFormat,
    /// The open document of `otlp-json`, and whether a block was written in it.
    document: Option<(Signal, bool)>,
    counts: ExportCounts,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Signal {
    Traces,
    Logs,
}

impl FileSink {
    /// Creates (or truncates) `path`.
    pub fn create(path: &Path, format: ExportFormat) -> Result<Self, ExportError> {
        let file = File::create(path).map_err(|source| ExportError::Write {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(FileSink {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 20, file),
            format,
            document: None,
            counts: ExportCounts::default(),
        })
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), ExportError> {
        self.out
            .write_all(bytes)
            .map_err(|source| ExportError::Write {
                path: self.path.clone(),
                source,
            })
    }

    /// `otlp-json`: opens the document of `signal`, closing the other one.
    fn enter(&mut self, signal: Signal) -> Result<(), ExportError> {
        match self.document {
            Some((open, _)) if open == signal => return Ok(()),
            Some(_) => self.write_all(b"\n]}\n")?,
            None => {}
        }
        self.write_all(match signal {
            Signal::Traces => b"{\"resourceSpans\":[\n",
            Signal::Logs => b"{\"resourceLogs\":[\n",
        })?;
        self.document = Some((signal, false));
        Ok(())
    }

    /// `otlp-json`: one resource block of the open document.
    fn block(&mut self, block: &serde_json::Value) -> Result<(), ExportError> {
        let after_another = matches!(self.document, Some((_, true)));
        if let Some((_, written)) = &mut self.document {
            *written = true;
        }
        if after_another {
            self.write_all(b",\n")?;
        }
        let text = serde_json::to_vec(block).expect("JSON values serialize");
        self.write_all(&text)
    }
}

impl RequestSink for FileSink {
    fn write(&mut self, request: Request) -> Result<(), ExportError> {
        match (&request, self.format) {
            (Request::Traces(request, _), ExportFormat::OtlpJson) => {
                self.enter(Signal::Traces)?;
                for block in &request.resource_spans {
                    self.block(&resource_spans_json(block))?;
                }
            }
            (Request::Logs(request, _), ExportFormat::OtlpJson) => {
                self.enter(Signal::Logs)?;
                for block in &request.resource_logs {
                    self.block(&resource_logs_json(block))?;
                }
            }
            (Request::Traces(request, _), ExportFormat::OtlpJsonl) => {
                let mut line = serde_json::to_vec(&trace_request_json(request))
                    .expect("JSON values serialize");
                line.push(b'\n');
                self.write_all(&line)?;
            }
            (Request::Logs(request, _), ExportFormat::OtlpJsonl) => {
                let mut line =
                    serde_json::to_vec(&logs_request_json(request)).expect("JSON values serialize");
                line.push(b'\n');
                self.write_all(&line)?;
            }
            (Request::Traces(request, _), ExportFormat::OtlpProto) => {
                self.write_all(&length_prefixed(request.encode_to_vec()))?;
            }
            (Request::Logs(request, _), ExportFormat::OtlpProto) => {
                self.write_all(&length_prefixed(request.encode_to_vec()))?;
            }
        }
        self.counts.requests += 1;
        match request {
            Request::Traces(_, n_spans) => self.counts.spans += n_spans,
            Request::Logs(_, n_logs) => self.counts.logs += n_logs,
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportCounts, ExportError> {
        if self.format == ExportFormat::OtlpJson {
            if self.document.is_none() {
                // Nothing selected: still one valid (empty) document.
                self.enter(Signal::Traces)?;
            }
            self.write_all(b"\n]}\n")?;
        }
        let path = self.path.clone();
        let file = self.out.into_inner().map_err(|error| ExportError::Write {
            path: path.clone(),
            source: error.into_error(),
        })?;
        file.sync_all()
            .map_err(|source| ExportError::Write { path, source })?;
        Ok(self.counts)
    }
}

/// A message after its length as 4 bytes, big-endian (the Collector file exporter's
/// protobuf framing).
fn length_prefixed(message: Vec<u8>) -> Vec<u8> {
    let mut framed = Vec::with_capacity(message.len() + 4);
    framed.extend_from_slice(&(message.len() as u32).to_be_bytes());
    framed.extend_from_slice(&message);
    framed
}
