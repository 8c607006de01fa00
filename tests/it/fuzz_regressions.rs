//! Replays the inputs that once crashed a fuzz target (`tests/fuzz_regressions/<target>/`)
//! through the same calls as the target in `fuzz/fuzz_targets/`: each must now end in
//! records, problems or an error, never a panic.

use std::path::Path;

use weft::formats::{self, Collected, Format, FORMATS};
use weft::query::{self, LogSql, Resolved, TraceSql};

/// The format a `decode_…` target fuzzes.
fn format_of(target: &str) -> Option<&'static dyn Format> {
    let name = match target {
        "decode_otlp_proto" => "otlp-proto",
        "decode_otlp_json" => "otlp-json",
        "decode_jaeger_json" => "jaeger-json",
        "decode_zipkin_json" => "zipkin-json",
        "decode_loki_json" => "loki-json",
        "decode_json_log" => "json-log",
        "decode_text_log" => "text-log",
        _ => return None,
    };
    let format = FORMATS.iter().copied().find(|format| format.name() == name);
    Some(format.unwrap_or_else(|| panic!("no format named {name}")))
}

fn replay(target: &str, data: &[u8]) {
    if let Some(format) = format_of(target) {
        let mut input = data;
        let _ = format.decode(&mut input, &mut Collected::default());
        return;
    }
    match target {
        "sniff" => {
            for format in FORMATS {
                let _ = format.sniff(data);
            }
            let _ = formats::sniff(data);
        }
        "query_parse" => {
            let Ok(text) = std::str::from_utf8(data) else {
                return;
            };
            if let Ok(parsed) = query::parse(text, 0) {
                let nothing_looked_up = Resolved::default();
                let _ = LogSql::condition(&parsed, &nothing_looked_up);
                let _ = LogSql::fts_match(&parsed, &nothing_looked_up);
                let _ = TraceSql::condition(&parsed, &nothing_looked_up);
            }
        }
        other => panic!("unknown fuzz target folder `{other}`"),
    }
}

#[test]
fn fuzz_crashes_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut replayed = 0;
    for target in std::fs::read_dir(&root).unwrap() {
        let target = target.unwrap();
        if !target.file_type().unwrap().is_dir() {
            continue;
        }
        let name = target.file_name().to_string_lossy().into_owned();
        for input in std::fs::read_dir(target.path()).unwrap() {
            let input = input.unwrap().path();
            let data = std::fs::read(&input).unwrap();
            let outcome = std::panic::catch_unwind(|| replay(&name, &data));
            assert!(outcome.is_ok(), "{} panics again", input.display());
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} fuzz regressions");
    // Every target's replay path works, whether or not it has regressions yet.
    for target in [
        "decode_otlp_proto",
        "decode_otlp_json",
        "decode_jaeger_json",
        "decode_zipkin_json",
        "decode_loki_json",
        "decode_json_log",
        "decode_text_log",
        "sniff",
        "query_parse",
    ] {
        replay(target, b"{\"resourceSpans\":[");
    }
}
