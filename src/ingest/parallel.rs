//! Decoding line-oriented content on several threads. The input is cut into
//! chunks of whole lines; workers decode chunks with the format's `LineDecoder`
//! into lists of records; the records reach the sink in file order, with the
//! line numbers they would have had from a single pass (`for_each_line`).
//!
//! ```text
//! this thread: read chunk ─► work queue ─► worker 1..n (decode lines) ─┐
//!                                                                      ▼
//!             collector thread ◄── (chunk number, records) ◄───────────┘
//!             └─► sink, in chunk order
//! ```
//!
//! Memory is bounded: at most `IN_FLIGHT` chunks wait in each queue.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

use crate::formats::{
    overlong_line, read_line_capped, DecodeError, LineDecoder, Problem, RecordSink,
};
use crate::model::{LogRecord, Span};

/// Bytes per chunk (a chunk is extended to the end of its last line).
const CHUNK_BYTES: usize = 1 << 20;
/// Chunks waiting per queue.
const IN_FLIGHT: usize = 4;

/// How many threads decode: the machine's cores but one, which the rows thread needs.
/// On 2 cores that is one, and the pipeline decodes in a single pass: measured on the
/// medium set, decoding on both cores took CPU from the rows thread (the critical
/// path) and held ~90 MB more (1M pino lines: 19.3 s / 262 MB with, 15.0 s / 191 MB
/// without, on a busy machine).
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

/// Decodes every line of `input` with `decode` on `workers` threads into `sink`.
pub fn decode_lines<S: RecordSink + Send>(
    input: &mut dyn BufRead,
    decode: LineDecoder,
    sink: &mut S,
    workers: usize,
) -> Result<(), DecodeError> {
    decode_in_chunks(input, decode, sink, workers, CHUNK_BYTES)
}

fn decode_in_chunks<S: RecordSink + Send>(
    input: &mut dyn BufRead,
    decode: LineDecoder,
    sink: &mut S,
    workers: usize,
    chunk_bytes: usize,
) -> Result<(), DecodeError> {
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = sync_channel::<Chunk>(IN_FLIGHT);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = sync_channel::<(u64, Vec<Item>)>(IN_FLIGHT);
        for _ in 0..workers.max(1) {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            let stop = &stop;
            scope.spawn(move || decode_chunks(&work_rx, &done_tx, decode, stop));
        }
        drop(done_tx);
        let stop_ref = &stop;
        let collector = scope.spawn(move || collect(done_rx, sink, stop_ref));
        let send = |chunk| work_tx.send(chunk).is_ok();
        let read = read_chunks(input, chunk_bytes, send, &stop);
        drop(work_tx);
        let collected = collector.join().expect("the collector does not panic");
        read?;
        collected
    })
}

/// A run of whole lines and the number of its first line.
struct Chunk {
    number: u64,
    first_line: u64,
    bytes: Vec<u8>,
    /// The whole length of the chunk's last line when it was cut at `MAX_LINE_BYTES`.
    overlong: Option<u64>,
}

enum Item {
    Span(Span),
    Log(LogRecord),
    Problem(Problem),
    /// The decoder panicked in the chunk that starts at this line.
    Failed(u64),
}

/// Cuts `input` into chunks of whole lines and hands them to `send` until the input
/// ends, `send` refuses, or `stop` is set.
fn read_chunks(
    input: &mut dyn BufRead,
    chunk_bytes: usize,
    mut send: impl FnMut(Chunk) -> bool,
    stop: &AtomicBool,
) -> Result<(), DecodeError> {
    let mut number = 0;
    let mut next_line = 1;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut bytes = Vec::with_capacity(chunk_bytes + 4096);
        let overlong = match fill_chunk(input, &mut bytes, chunk_bytes) {
            Ok(overlong) => overlong,
            Err(error) => {
                // What was read before the error stays: its whole lines are decoded.
                let whole = bytes
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |at| at + 1);
                bytes.truncate(whole);
                if !bytes.is_empty() {
                    send(Chunk {
                        number,
                        first_line: next_line,
                        bytes,
                        overlong: None,
                    });
                }
                return Err(error.into());
            }
        };
        if bytes.is_empty() {
            return Ok(());
        }
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64
            + u64::from(bytes.last() != Some(&b'\n'));
        let chunk = Chunk {
            number,
            first_line: next_line,
            bytes,
            overlong,
        };
        if !send(chunk) {
            return Ok(());
        }
        number += 1;
        next_line += lines;
    }
}

/// Reads about `chunk_bytes` into `bytes`, then the rest of the last line. That line
/// may be long: past `MAX_LINE_BYTES` the rest is skipped, as `for_each_line` does, and
/// its whole length is returned to be reported.
fn fill_chunk(
    input: &mut dyn BufRead,
    bytes: &mut Vec<u8>,
    chunk_bytes: usize,
) -> std::io::Result<Option<u64>> {
    while bytes.len() < chunk_bytes {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok(None);
        }
        let take = available.len().min(chunk_bytes - bytes.len());
        bytes.extend_from_slice(&available[..take]);
        input.consume(take);
    }
    if bytes.last() == Some(&b'\n') {
        return Ok(None);
    }
    let mut rest = Vec::new();
    let Some(length) = read_line_capped(input, &mut rest)? else {
        return Ok(None);
    };
    let start = bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |at| at + 1);
    let cut = length > rest.len() as u64;
    let whole_length = (bytes.len() - start) as u64 + length;
    bytes.extend_from_slice(&rest);
    Ok(cut.then_some(whole_length))
}

/// A worker: decodes chunks until the queue closes.
fn decode_chunks(
    work: &Mutex<Receiver<Chunk>>,
    done: &std::sync::mpsc::SyncSender<(u64, Vec<Item>)>,
    decode: LineDecoder,
    stop: &AtomicBool,
) {
    loop {
        let next = work.lock().expect("no worker panics").recv();
        let Ok(chunk) = next else { return };
        let mut items = Items {
            items: Vec::new(),
            stop,
        };
        let last_line = chunk.first_line
            + chunk.bytes.iter().filter(|&&b| b == b'\n').count() as u64
            - u64::from(chunk.bytes.last() == Some(&b'\n'));
        let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for (at, line) in chunk.bytes.split(|&b| b == b'\n').enumerate() {
                let line_no = chunk.first_line + at as u64;
                if let Some(length) = chunk.overlong.filter(|_| line_no == last_line) {
                    items.problem(overlong_line(line_no, length));
                }
                let mut text = line;
                if line_no == 1 {
                    text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
                }
                let text = text.trim_ascii();
                if !text.is_empty() {
                    decode(&mut items, line_no, text);
                }
            }
        }));
        if decoded.is_err() {
            // A decoder bug: stop here, as the single pass would, with an error.
            stop.store(true, Ordering::Relaxed);
            items.items = vec![Item::Failed(chunk.first_line)];
        }
        if done.send((chunk.number, items.items)).is_err() {
            return;
        }
    }
}

/// Puts the decoded chunks into `sink` in their order.
fn collect<S: RecordSink>(
    done: Receiver<(u64, Vec<Item>)>,
    sink: &mut S,
    stop: &AtomicBool,
) -> Result<(), DecodeError> {
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    for (number, items) in done {
        waiting.insert(number, items);
        while let Some(items) = waiting.remove(&next) {
            next += 1;
            if sink.cancelled() {
                stop.store(true, Ordering::Relaxed);
                return Err(DecodeError::Cancelled);
            }
            for item in items {
                match item {
                    Item::Span(span) => sink.span(span),
                    Item::Log(log) => sink.log(log),
                    Item::Problem(problem) => sink.problem(problem),
                    Item::Failed(line) => {
                        return Err(DecodeError::Syntax {
                            line,
                            column: 1,
                            message: "internal error: the decoder failed in the lines from here"
                                .to_string(),
                        })
                    }
                }
            }
        }
    }
    Ok(())
}

/// The sink of one chunk.
struct Items<'a> {
    items: Vec<Item>,
    stop: &'a AtomicBool,
}

impl RecordSink for Items<'_> {
    fn span(&mut self, span: Span) {
        self.items.push(Item::Span(span));
    }
    fn log(&mut self, log: LogRecord) {
        self.items.push(Item::Log(log));
    }
    fn problem(&mut self, problem: Problem) {
        self.items.push(Item::Problem(problem));
    }
    fn cancelled(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{Collected, Format, JsonLog, OtlpJson};

    /// The parallel pass gives exactly what the single pass gives, line numbers too.
    #[test]
    fn same_records_as_one_pass() {
        let mut text = String::from("\u{feff}");
        for n in 0..20_000 {
            match n % 7 {
                0 => text.push_str("garbage line\n"),
                1 => text.push('\n'),
                _ => text.push_str(&format!(
                    "{{\"level\":30,\"time\":{},\"msg\":\"hello {n}\",\"pid\":1}}\n",
                    1_700_000_000_000i64 + n
                )),
            }
        }
        text.push_str("{\"level\":50,\"time\":1,\"msg\":\"no newline\",\"pid\":1}");
        let bytes = text.as_bytes();
        let mut one = Collected::default();
        JsonLog.decode(&mut &bytes[..], &mut one).unwrap();
        for workers in [1, 2, 3] {
            let mut many = Collected::default();
            let decode = JsonLog.line_decoder(bytes).unwrap();
            decode_in_chunks(&mut &bytes[..], decode, &mut many, workers, 4096).unwrap();
            assert_eq!(many.logs, one.logs, "{workers} workers");
            assert_eq!(many.problems, one.problems, "{workers} workers");
        }
        assert!(one.logs.len() > 17_000);
    }

    /// A decoder that panics ends the decode with an error, records before it kept.
    #[test]
    fn a_panicking_decoder_is_an_error() {
        fn decode(sink: &mut dyn RecordSink, line: u64, text: &[u8]) {
            assert!(text != b"boom", "a decoder bug");
            sink.log(LogRecord::unparsed(line, text));
        }
        let mut text = "fine\n".repeat(5000);
        text.push_str("boom\n");
        text.push_str(&"fine\n".repeat(5000));
        let mut got = Collected::default();
        let result = decode_in_chunks(&mut text.as_bytes(), decode, &mut got, 2, 4096);
        let Err(DecodeError::Syntax { line, .. }) = result else {
            panic!("expected an error, got {result:?}");
        };
        assert!(line <= 5001 && line > 5001 - 4096 / 5, "line {line}");
        assert_eq!(got.logs.len() as u64, line - 1);
    }

    #[test]
    fn an_otlp_document_is_not_split() {
        assert!(OtlpJson
            .line_decoder(b"{\n \"resourceSpans\": []\n}\n")
            .is_none());
        assert!(OtlpJson
            .line_decoder(b"{\"resourceSpans\":[]}\n{\"resourceSpans\":[]}\n")
            .is_some());
    }
}
