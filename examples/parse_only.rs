//! Parse-only pass: decodes files into a counting sink, no SQLite. The bench
//! compares `weft ingest` with this to see what loading costs above parsing.

use weft::formats::{Problem, RecordSink};
use weft::model::{LogRecord, Span};

/// The same allocator as `weft`, so the comparison is fair.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Default)]
struct Count {
    spans: u64,
    logs: u64,
    problems: u64,
}

impl RecordSink for Count {
    fn span(&mut self, _span: Span) {
        self.spans += 1;
    }
    fn log(&mut self, _log: LogRecord) {
        self.logs += 1;
    }
    fn problem(&mut self, _problem: Problem) {
        self.problems += 1;
    }
}

fn main() {
    for path in std::env::args().skip(1) {
        let started = std::time::Instant::now();
        let mut count = Count::default();
        match weft::ingest::decode_file(std::path::Path::new(&path), &mut count) {
            Ok(format) => println!(
                "{path}: {} {} spans {} logs {} problems in {:.2}s",
                format.name(),
                count.spans,
                count.logs,
                count.problems,
                started.elapsed().as_secs_f64()
            ),
            Err(error) => eprintln!("{error}"),
        }
    }
}
