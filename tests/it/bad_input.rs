//! Issue 8's bad inputs (`tests/bad_input/`, expectations in its `EXPECTED.json`),
//! each loaded by the real `weft ingest --json` into a real case: the report names
//! the file and the line or byte offset of each problem, the good records before and
//! after are in the case, a second load changes no count, and the process's peak
//! memory stays bounded. Big inputs (a 200 MB line, a gzip bomb, deep nesting) and
//! files that change while they load are written here instead of committed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn bad_input_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input")
}

fn expected(name: &str) -> Value {
    let text = std::fs::read_to_string(bad_input_dir().join("EXPECTED.json")).unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    all["cases"][name].clone()
}

/// A good pino line whose message is `good line N`.
fn good_line(at: usize) -> String {
    json!({"time": 1_700_000_000_000u64 + at as u64, "level": 30, "msg": format!("good line {at}")})
        .to_string()
}

/// What one run of `weft` did: its output, and its peak resident memory (from
/// `VmHWM` in /proc, read until it exits).
struct Run {
    stdout: String,
    stderr: String,
    peak_rss_kb: u64,
}

fn weft(case: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(case)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(&mut stdout).unwrap());
    let err = std::thread::spawn(move || std::io::read_to_string(&mut stderr).unwrap());
    let mut peak_rss_kb = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            if let Some(line) = status.lines().find(|line| line.starts_with("VmHWM:")) {
                let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
                peak_rss_kb = peak_rss_kb.max(kb);
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Run {
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        peak_rss_kb,
    }
}

fn stats(case: &Path) -> Value {
    serde_json::from_str(&weft(case, &["stats", "--json"]).stdout).unwrap()
}

/// Log bodies and span names in the case.
fn texts(case: &Path) -> Vec<String> {
    let logs: Value =
        serde_json::from_str(&weft(case, &["logs", "--json", "--limit", "100000"]).stdout).unwrap();
    let mut texts: Vec<String> = logs
        .as_array()
        .unwrap()
        .iter()
        .map(|log| log["body"].as_str().unwrap().to_string())
        .collect();
    let traces: Value = serde_json::from_str(&weft(case, &["traces", "--json"]).stdout).unwrap();
    for trace in traces.as_array().unwrap() {
        let id = trace["trace_id"].as_str().unwrap();
        let trace: Value =
            serde_json::from_str(&weft(case, &["trace", id, "--json"]).stdout).unwrap();
        for span in trace["spans"].as_array().unwrap() {
            texts.push(span["name"].as_str().unwrap().to_string());
        }
    }
    texts
}

/// Loads `file` (named `name` in EXPECTED.json) twice and checks every expectation.
fn check(name: &str, file: &Path) {
    let want = expected(name);
    assert!(want.is_object(), "{name} is not in EXPECTED.json");
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let run = weft(&case, &["ingest", "--json", file.to_str().unwrap()]);
    let report: Value = serde_json::from_str(run.stdout.trim())
        .unwrap_or_else(|error| panic!("{name}: {error}: {}", run.stdout));
    for field in ["format", "status", "spans", "logs", "unparsed"] {
        if let Some(value) = want.get(field) {
            assert_eq!(&report[field], value, "{name}: {field} in {report}");
        }
    }
    let errors = report["errors"].as_array().unwrap();
    for error in want["errors"].as_array().unwrap() {
        let contains = error["contains"].as_str().unwrap();
        let found = errors.iter().find(|got| {
            got["message"].as_str().unwrap().contains(contains)
                && error.get("line").is_none_or(|line| &got["line"] == line)
                && error
                    .get("offset")
                    .is_none_or(|offset| &got["offset"] == offset)
        });
        assert!(found.is_some(), "{name}: no error {error} in {report}");
        // The CLI's message names the file, and the line or byte offset when there is one.
        let place = match (error.get("line"), error.get("offset")) {
            (Some(line), _) => format!("line {line}"),
            (None, Some(offset)) => format!("byte {offset}"),
            (None, None) => String::new(),
        };
        let file_name = file.file_name().unwrap().to_str().unwrap();
        assert!(
            run.stderr
                .lines()
                .any(|line| line.contains(file_name) && line.contains(&place)),
            "{name}: stderr does not name {file_name} and `{place}`: {}",
            run.stderr
        );
    }
    if let Some(limit_mb) = want.get("max_rss_mb").and_then(Value::as_u64) {
        eprintln!("{name}: peak RSS {} MB", run.peak_rss_kb / 1024);
        assert!(
            run.peak_rss_kb > 0 && run.peak_rss_kb < limit_mb * 1024,
            "{name}: peak RSS {} kB",
            run.peak_rss_kb
        );
    }
    let texts = texts(&case);
    for kept in want["kept"].as_array().unwrap() {
        let kept = kept.as_str().unwrap();
        assert!(
            texts.iter().any(|text| text == kept),
            "{name}: `{kept}` is not in the case"
        );
    }
    let first = stats(&case);
    if report["format"].is_string() {
        assert_eq!(first["spans"], report["spans"], "{name}");
        assert_eq!(first["logs"], report["logs"], "{name}");
    }
    // Loaded again: already loaded (or failed again), and nothing counted twice.
    let again = weft(&case, &["ingest", "--json", file.to_str().unwrap()]);
    let again: Value = serde_json::from_str(again.stdout.trim()).unwrap();
    let want_status = if report["status"] == "complete" {
        "already_loaded"
    } else {
        "failed"
    };
    assert_eq!(again["status"], want_status, "{name}: {again}");
    assert_eq!(
        stats(&case),
        first,
        "{name}: a second load changed the counts"
    );
}

fn committed(name: &str) {
    check(name, &bad_input_dir().join(name));
}

#[test]
fn cut_document() {
    committed("cut_document.json");
}

#[test]
fn cut_last_line() {
    committed("cut_last_line.jsonl");
}

#[test]
fn garbage_between_good_lines() {
    committed("garbage_between.jsonl");
}

#[test]
fn binary_and_empty_files() {
    committed("binary.bin");
    committed("empty.log");
}

#[test]
fn invalid_utf8() {
    committed("invalid_utf8.jsonl");
}

#[test]
fn wrong_types() {
    committed("wrong_types.jsonl");
    committed("wrong_types_otlp.jsonl");
}

#[test]
fn one_bad_record_costs_only_itself() {
    committed("one_bad_record_otlp.jsonl");
}

#[test]
fn ids_of_the_wrong_length() {
    committed("ids_wrong_length.jsonl");
    committed("ids_wrong_length_otlp.jsonl");
}

#[test]
fn times_out_of_range() {
    committed("times_out_of_range.jsonl");
    committed("times_out_of_range_otlp.jsonl");
}

const DEPTH: usize = 100_000;

#[test]
fn deep_nesting() {
    let dir = tempfile::tempdir().unwrap();
    let lines = dir.path().join("deep_nesting.jsonl");
    let deep = format!("{{\"msg\":{}{}}}", "[".repeat(DEPTH), "]".repeat(DEPTH));
    let text = format!("{}\n{deep}\n{}\n", good_line(0), good_line(2));
    std::fs::write(&lines, text).unwrap();
    check("deep_nesting.jsonl", &lines);

    let document = dir.path().join("deep_nesting_otlp.json");
    let span = |at: usize, value: &str| {
        format!(
            r#"{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{:016x}","name":"op{at}","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000000000500","attributes":[{{"key":"k","value":{value}}}]}}"#,
            at + 1
        )
    };
    let deep_value = format!(
        "{}{}",
        "{\"arrayValue\":{\"values\":[".repeat(DEPTH / 4),
        "]}}".repeat(DEPTH / 4)
    );
    let block = |spans: Vec<String>| {
        format!(
            r#"{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"svc"}}}}]}},"scopeSpans":[{{"spans":[{}]}}]}}"#,
            spans.join(",")
        )
    };
    let plain = r#"{"stringValue":"v"}"#;
    let text = format!(
        r#"{{"resourceSpans":[{},{},{}]}}"#,
        block(vec![span(0, plain), span(1, plain)]),
        block(vec![span(2, &deep_value)]),
        block(vec![span(3, plain)])
    );
    std::fs::write(&document, text).unwrap();
    check("deep_nesting_otlp.json", &document);
}

#[test]
fn a_line_of_200_mb() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge_line.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(file, "{}\n{}", good_line(0), good_line(1)).unwrap();
    file.write_all(b"{\"msg\":\"").unwrap();
    let chunk = vec![b'a'; 1024 * 1024];
    for _ in 0..200 {
        file.write_all(&chunk).unwrap();
    }
    file.write_all(b"\"}\n").unwrap();
    writeln!(file, "{}", good_line(3)).unwrap();
    drop(file);
    check("huge_line.jsonl", &path);
}

#[test]
fn a_gzip_bomb() {
    use flate2::write::GzEncoder;
    let gzip = |bytes: &[u8]| {
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    };
    // Concatenated gzip members are one stream (as `cat a.gz b.gz` makes): 32 copies
    // of one member of 8 MiB give 256 MiB from a few hundred kB.
    let bomb = gzip(&vec![b'a'; 8 * 1024 * 1024]);
    let mut bytes = gzip(format!("{}\n", good_line(0)).as_bytes());
    for _ in 0..32 {
        bytes.extend_from_slice(&bomb);
    }
    bytes.extend_from_slice(&gzip(format!("\n{}\n", good_line(2)).as_bytes()));
    assert!(bytes.len() < 1024 * 1024);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gzip_bomb.jsonl.gz");
    std::fs::write(&path, bytes).unwrap();
    check("gzip_bomb.jsonl.gz", &path);
}

/// A JSON Lines file of `lines` log lines `line N`, big enough to take a while.
fn write_big_log(path: &Path, lines: usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for at in 0..lines {
        let line = json!({"time": 1_700_000_000_000u64 + at as u64, "level": 30,
            "msg": format!("line {at}"), "padding": "x".repeat(200)});
        writeln!(file, "{line}").unwrap();
    }
}

/// Starts `weft ingest --json path`, waits until its source is loading (the file is
/// open and its first lines read), then calls `meddle`; returns the report.
fn ingest_and_meddle(case: &Path, path: &Path, meddle: impl FnOnce()) -> Value {
    let child = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(case)
        .args(["ingest", "--json"])
        .arg(path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let url = format!("file:{}?mode=ro", case.display());
    loop {
        assert!(Instant::now() < deadline, "the load never started");
        let loading = rusqlite::Connection::open_with_flags(
            &url,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )
        .and_then(|conn| {
            conn.query_row(
                "SELECT COUNT(*) FROM sources WHERE status = 'loading'",
                [],
                |row| row.get::<_, i64>(0),
            )
        });
        if matches!(loading, Ok(n) if n > 0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    meddle();
    let output = child.wait_with_output().unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

const BIG_LINES: usize = 30_000;

#[test]
fn a_file_that_changes_while_it_loads() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let path = dir.path().join("changes_while_loading.jsonl");
    write_big_log(&path, BIG_LINES);
    let original = std::fs::read(&path).unwrap();
    let report = ingest_and_meddle(&case, &path, || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(1000)
            .unwrap()
    });
    let want = expected("changes_while_loading.jsonl");
    assert_eq!(report["status"], want["status"], "{report}");
    assert_eq!(report["format"], want["format"], "{report}");
    let contains = want["errors"][0]["contains"].as_str().unwrap();
    let errors = report["errors"].to_string();
    assert!(errors.contains(contains), "{report}");
    assert!(report["logs"].as_u64().unwrap() > 0, "{report}");
    let first = weft(&case, &["logs", "\"line 0\"", "--json"]).stdout;
    assert!(first.contains("\"line 0\""), "line 0 is missing");
    // The whole file again: loaded once, in full, the failed part replaced.
    std::fs::write(&path, original).unwrap();
    let again = weft(&case, &["ingest", "--json", path.to_str().unwrap()]);
    let again: Value = serde_json::from_str(again.stdout.trim()).unwrap();
    assert_eq!(again["status"], "complete", "{again}");
    assert_eq!(stats(&case)["logs"], BIG_LINES);
}

#[test]
fn a_file_that_disappears_while_it_loads() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let path = dir.path().join("disappears_while_loading.jsonl");
    write_big_log(&path, BIG_LINES);
    let report = ingest_and_meddle(&case, &path, || std::fs::remove_file(&path).unwrap());
    let want = expected("disappears_while_loading.jsonl");
    assert_eq!(report["status"], want["status"], "{report}");
    assert_eq!(report["errors"], json!([]), "{report}");
    assert_eq!(report["logs"], BIG_LINES, "{report}");
    assert_eq!(stats(&case)["logs"], BIG_LINES);
    for kept in want["kept"].as_array().unwrap() {
        let kept = kept.as_str().unwrap();
        let logs = weft(&case, &["logs", kept, "--json"]).stdout;
        assert!(logs.contains(&format!("\"{kept}\"")), "`{kept}` is missing");
    }
}

/// A log still being written is loaded as it was when its load began: complete,
/// every line it had then, none of the lines appended meanwhile (following the
/// file loads those: it takes over from where this load ended).
#[test]
fn a_file_that_grows_while_it_loads() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let path = dir.path().join("grows_while_loading.jsonl");
    write_big_log(&path, BIG_LINES);
    let report = ingest_and_meddle(&case, &path, || {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        for at in 0..100 {
            let line = json!({"time": 1_800_000_000_000u64 + at, "level": 30,
                "msg": format!("appended {at}")});
            writeln!(file, "{line}").unwrap();
        }
    });
    assert_eq!(report["status"], "complete", "{report}");
    assert_eq!(report["logs"], BIG_LINES, "{report}");
    assert_eq!(report["errors"], json!([]), "{report}");
    assert_eq!(stats(&case)["logs"], BIG_LINES);
}
