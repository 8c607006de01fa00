//! The streaming path (`fast`) against the map path (`decode_line_map`): every
//! JSON log file of the corpus and a set of tricky lines give the same records,
//! the same attribute bytes and the same problems, line by line.

use std::path::Path;

use serde_json::json;

use super::{decode_line, decode_line_map, fast, JsonLog};
use crate::formats::{for_each_line, Format, Problem, RecordSink};
use crate::model::{LogRecord, Span};

/// Keeps records as decoders hand them over (`attributes_json` not read back).
#[derive(Default)]
struct Kept {
    spans: Vec<Span>,
    logs: Vec<LogRecord>,
    problems: Vec<Problem>,
}

impl RecordSink for Kept {
    fn span(&mut self, span: Span) {
        self.spans.push(span);
    }
    fn log(&mut self, log: LogRecord) {
        self.logs.push(log);
    }
    fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }
}

/// Decodes `content` both ways and asserts they agree; returns how many lines
/// took the streaming path.
fn assert_same(name: &str, content: &[u8]) -> usize {
    let mut streamed = Kept::default();
    let mut mapped = Kept::default();
    for_each_line(&mut &content[..], &mut streamed, decode_line).unwrap();
    for_each_line(&mut &content[..], &mut mapped, decode_line_map).unwrap();
    assert_eq!(streamed.problems, mapped.problems, "{name}: problems");
    assert_eq!(streamed.logs.len(), mapped.logs.len(), "{name}: logs");
    let spans = |kept: &Kept| -> Vec<String> {
        kept.spans
            .iter()
            .map(|span| json!({ "span": span }).to_string())
            .collect()
    };
    assert_eq!(spans(&streamed), spans(&mapped), "{name}: spans");
    let mut n_fast = 0;
    for (mut fast_log, map_log) in streamed.logs.into_iter().zip(mapped.logs) {
        let line = map_log.line;
        assert_eq!(map_log.attributes_json, None);
        if let Some(text) = fast_log.attributes_json.take() {
            n_fast += 1;
            let wanted = serde_json::to_string(&map_log.attributes).unwrap();
            assert_eq!(text, wanted, "{name}:{line:?}: attribute bytes");
            fast_log.attributes = serde_json::from_str(&text).unwrap();
        }
        assert_eq!(fast_log, map_log, "{name}:{line:?}");
        assert_eq!(
            fast_log.id_forms, map_log.id_forms,
            "{name}:{line:?}: id forms"
        );
    }
    n_fast
}

#[test]
fn every_json_log_file_of_the_corpus_decodes_the_same_both_ways() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    let mut folders = vec![fixtures];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let (mut n_files, mut n_fast) = (0, 0);
    for path in files {
        let content = std::fs::read(&path).unwrap();
        if !JsonLog.sniff(&content[..content.len().min(crate::formats::SNIFF_LEN)]) {
            continue;
        }
        n_files += 1;
        n_fast += assert_same(&path.display().to_string(), &content);
    }
    assert!(n_files >= 20, "{n_files} JSON log files");
    assert!(n_fast >= 100, "{n_fast} lines took the streaming path");
}

#[test]
fn tricky_lines_decode_the_same_both_ways() {
    let deep = format!(
        r#"{{"msg":"a","x":{}1{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let lines: Vec<Vec<u8>> = [
        // Escapes and unicode, in keys and values.
        r#"{"msg":"a\"b","k\u00e9y":"v\n","x":"\/","y":"\u0001","z":"tab\there"}"#,
        r#"{"msg":"café ☕","ü":"ß","emoji":"\ud83d\ude00"}"#,
        r#"{"msg":"m","bad":"\ud800"}"#,
        r#"{"msg":"m","\u006dsg2":"escaped key"}"#,
        // Duplicate keys, at the top and nested.
        r#"{"msg":"a","x":1,"x":2}"#,
        r#"{"msg":"a","msg":"b"}"#,
        r#"{"msg":"a","o":{"k":1,"k":2}}"#,
        // Nested objects, arrays, whitespace.
        r#"{"msg":"a","req":{"id":1,"h":{"a":[1,2,{"b":null}]}}}"#,
        r#"{ "msg" : "a" , "o" : { "k" : 1 } , "n" : [ 1 , 2 ] }"#,
        r#"{"msg":"a","e":{},"l":[]}"#,
        deep.as_str(),
        // Numbers.
        r#"{"msg":"n","a":1e3,"b":-0,"c":1.50,"d":12345678901234567890,"e":-9223372036854775809}"#,
        r#"{"msg":"n","a":1E-7,"b":0.1,"c":123456789012345678901234567890,"d":-0.0,"e":0}"#,
        r#"{"msg":"n","a":9223372036854775807,"b":18446744073709551615,"c":-9223372036854775808}"#,
        r#"{"level":30,"time":1.7172e12,"pid":1,"hostname":"h","msg":"float time"}"#,
        // Non-object lines and broken objects.
        "[1,2]",
        r#""just a string""#,
        "42",
        "plain text",
        "{",
        r#"{"a":1} trailing"#,
        r#"{"a":1}{"b":2}"#,
        r#"{"a":1,}"#,
        "{}",
        r#"{"msg":"x","n":NaN}"#,
        // Fields the dialects read, in their odd forms.
        r#"{"level":"info","message":"m","trace":{"id":"c759f29f5f1e2162be56f32dd1e77fce"}}"#,
        r#"{"level":"info","message":"m","service":{"name":"svc"},"x":1}"#,
        r#"{"level":"info","message":"m","trace.id":"c759f29f5f1e2162be56f32dd1e77fce"}"#,
        r#"{"msg":"m","trace_id":"zz","span_id":12}"#,
        r#"{"msg":"m","trace_id":"C759F29F5F1E2162BE56F32DD1E77FCE","span_id":"17C4A60CA4297CF1"}"#,
        r#"{"time":"yesterday","msg":"x","level":30,"pid":1}"#,
        r#"{"level":"info","time":1,"err":{"message":"boom"}}"#,
        r#"{"level":"info","x":1}"#,
        r#"{"msg":null,"message":"m"}"#,
        r#"{"msg":{"a":1}}"#,
        r#"{"msg":12,"level":"bogus","trace_flags":"zz"}"#,
        r#"{"msg":"m","level":null,"time":null,"service":""}"#,
        r#"{"timestamp":{"seconds":1793700000,"nanos":5},"severity":"ERROR","message":"gcp"}"#,
        r#"{"dd":{"trace_id":"1234"},"level":"info","message":"m"}"#,
        r#"{"level":"warn","msg":"pino","time":1717200000029,"pid":1,"name":"n","name2":"x"}"#,
        // Docker's wrapper and CLEF take the map path.
        r#"{"log":"{\"level\":30,\"msg\":\"inner\"}\n","stream":"stdout","time":"2024-01-01T00:00:00Z"}"#,
        r#"{"log":"plain inner\n","stream":"stderr","time":"2024-01-01T00:00:00Z"}"#,
        r#"{"@t":"2023-12-20T00:50:00.2Z","@mt":"{Count} rows","Count":42}"#,
    ]
    .iter()
    .map(|line| line.as_bytes().to_vec())
    .chain([
        // Invalid UTF-8 in a value, in a key, in a raw value.
        b"{\"msg\":\"caf\xE9\"}".to_vec(),
        b"{\"k\xFF\":1,\"msg\":\"m\"}".to_vec(),
        b"{\"msg\":\"m\",\"o\":{\"a\":\"\xC3\"}}".to_vec(),
    ])
    .collect();
    for line in &lines {
        assert_same(&String::from_utf8_lossy(line), line);
    }
    let mut all = lines.join(&b'\n');
    all.push(b'\n');
    assert_same("all lines", &all);
    for dialect in super::DIALECTS {
        for sample in dialect.samples {
            assert_same(sample, sample.as_bytes());
        }
    }
}

/// The lines of the medium bench set's kind take the streaming path.
#[test]
fn pino_lines_take_the_streaming_path() {
    let line = br#"{"level":30,"time":1717200000019,"pid":2324,"hostname":"search-0c250a-4e6f5","name":"search","trace_id":"af4336184363c5ec62534fb0c9db9116","span_id":"4b63a9d878f6dfee","trace_flags":"01","req":{"id":954290,"method":"PUT","url":"/api/v1/search/validate"},"msg":"incoming request"}"#;
    let (log, problems) = fast::decode(line, 7).expect("a pino line streams");
    assert!(problems.is_empty());
    assert_eq!(
        log.attributes_json.as_deref(),
        Some(
            r#"{"pid":2324,"hostname":"search-0c250a-4e6f5","req":{"id":954290,"method":"PUT","url":"/api/v1/search/validate"}}"#
        )
    );
    assert_eq!(log.body, "incoming request");
    assert_eq!(log.service.as_deref(), Some("search"));
    assert_eq!(assert_same("pino", line), 1);
}
