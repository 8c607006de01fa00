//! `weft ingest --follow` (issue 6): the real binary follows temp files while the
//! tests append, rotate and truncate them; counts are exact. Waits are bounded
//! polls; a test ends by appending a marker line and waiting for it, so any
//! duplicate loaded before the marker would show in the count.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(15);

/// A running `weft ingest --follow`, killed (SIGKILL) when dropped.
struct Follower {
    child: Child,
}

impl Follower {
    fn start(case: &Path, paths: &[&Path]) -> Follower {
        let log = File::create(case.with_extension("stderr")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_weft"))
            .arg("--case")
            .arg(case)
            .args(["ingest", "--follow"])
            .args(paths)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        Follower { child }
    }

    /// SIGTERM, and the exit code.
    fn stop(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the follower did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn line(tag: &str) -> String {
    format!("{{\"level\":30,\"time\":1764064800000,\"msg\":\"{tag}\"}}\n")
}

fn append(path: &Path, text: &str) {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

fn lines(prefix: &str, range: std::ops::Range<u32>) -> String {
    range.map(|n| line(&format!("{prefix}-{n}"))).collect()
}

/// One number from the case, read as another process would.
fn query(case: &Path, sql: &str) -> i64 {
    if !case.exists() {
        return 0;
    }
    let conn = rusqlite::Connection::open_with_flags(
        case,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).unwrap_or(0)
}

fn logs(case: &Path) -> i64 {
    query(case, "SELECT COUNT(*) FROM logs")
}

/// Polls until the case holds `n` logs (or more), within the deadline.
fn wait_for_logs(case: &Path, n: i64) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let seen = logs(case);
        if seen >= n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "waited for {n} logs, the case holds {seen}; stderr: {}",
            std::fs::read_to_string(case.with_extension("stderr")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Appends a marker line to `path`, waits for it, and checks that the case then holds
/// exactly `n` logs besides it, each (source, line) once.
fn settle(case: &Path, path: &Path, n: i64) {
    append(path, &line("marker"));
    let deadline = Instant::now() + DEADLINE;
    while query(case, "SELECT COUNT(*) FROM logs WHERE body = 'marker'") == 0 {
        assert!(Instant::now() < deadline, "the marker never came");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(logs(case), n + 1);
    let distinct = query(
        case,
        "SELECT COUNT(*) FROM (SELECT DISTINCT source_id, line FROM logs)",
    );
    assert_eq!(distinct, n + 1, "a (source, line) loaded twice");
    let distinct_bodies = query(case, "SELECT COUNT(DISTINCT body) FROM logs");
    assert_eq!(distinct_bodies, n + 1, "a line loaded twice");
}

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    (dir, case)
}

#[test]
fn appended_lines_are_loaded_and_a_partial_line_waits_for_its_newline() {
    let (dir, case) = setup();
    let file = dir.path().join("app.log");
    append(&file, &lines("a", 0..3));
    let follower = Follower::start(&case, &[&file]);
    wait_for_logs(&case, 3);
    append(&file, &lines("b", 0..2));
    append(&file, "{\"level\":30,\"time\":1764064800000,\"msg\":\"par");
    wait_for_logs(&case, 5);
    append(&file, "tial\"}\n");
    wait_for_logs(&case, 6);
    assert_eq!(
        query(
            &case,
            "SELECT line FROM logs WHERE body = 'partial' AND unparsed = 0"
        ),
        6
    );
    settle(&case, &file, 6);
    assert_eq!(
        query(&case, "SELECT MAX(line) FROM logs"),
        7,
        "line numbers go on"
    );
    // The rows are visible to `weft logs`, and SIGTERM ends the follower with 0.
    let output = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(&case)
        .args(["logs", "--json", "partial"])
        .output()
        .unwrap();
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
    // A followed JSON log names its dialect too (issue 23, point 10): `level`, `msg`
    // and `time` are what `dialects.rs` detects as logrus.
    let output = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(&case)
        .args(["sources", "--json"])
        .output()
        .unwrap();
    let sources: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(sources[0]["dialect"], "logrus", "{sources}");
    assert!(follower.stop().success());
}

#[test]
fn a_rotated_file_is_read_to_its_end_and_the_new_one_from_its_start() {
    let (dir, case) = setup();
    let file = dir.path().join("app.log");
    append(&file, &lines("old", 0..3));
    let _follower = Follower::start(&case, &[&file]);
    wait_for_logs(&case, 3);
    let rotated = dir.path().join("app.log.1");
    std::fs::rename(&file, &rotated).unwrap();
    // The program still writes to the old file for a moment.
    append(&rotated, &lines("late", 0..2));
    // Its last line never gets a newline: loaded once the old file stopped growing.
    append(&rotated, line("late-tail").trim_end());
    append(&file, &lines("new", 0..4));
    wait_for_logs(&case, 10);
    settle(&case, &file, 10);
    assert_eq!(
        query(&case, "SELECT line FROM logs WHERE body = 'late-tail'"),
        6
    );
    assert_eq!(
        query(&case, "SELECT COUNT(*) FROM sources"),
        2,
        "the new file is a source of its own"
    );
}

#[test]
fn a_copy_truncated_file_starts_again_as_new_content() {
    let (dir, case) = setup();
    let file = dir.path().join("app.log");
    append(&file, &lines("before", 0..5));
    let _follower = Follower::start(&case, &[&file]);
    wait_for_logs(&case, 5);
    std::fs::copy(&file, dir.path().join("app.log.1")).unwrap();
    OpenOptions::new()
        .write(true)
        .open(&file)
        .unwrap()
        .set_len(0)
        .unwrap();
    append(&file, &lines("after", 0..2));
    wait_for_logs(&case, 7);
    settle(&case, &file, 7);
    assert_eq!(
        query(
            &case,
            "SELECT MAX(line) FROM logs WHERE body LIKE 'after-%'"
        ),
        2
    );
}

#[test]
fn a_followed_folder_loads_new_files_and_skips_hidden_ones() {
    let (dir, case) = setup();
    let folder = dir.path().join("logs");
    std::fs::create_dir(&folder).unwrap();
    append(&folder.join("a.log"), &lines("a", 0..2));
    append(&folder.join(".hidden.log"), &lines("hidden", 0..2));
    let _follower = Follower::start(&case, &[&folder]);
    wait_for_logs(&case, 2);
    append(&folder.join("b.log"), &lines("b", 0..3));
    append(&folder.join(".also-hidden"), &lines("hidden2", 0..3));
    wait_for_logs(&case, 5);
    append(&folder.join("a.log"), &lines("a2", 0..1));
    wait_for_logs(&case, 6);
    settle(&case, &folder.join("b.log"), 6);
    assert_eq!(
        query(&case, "SELECT COUNT(*) FROM logs WHERE body LIKE 'hidden%'"),
        0
    );
}

#[test]
fn a_killed_follower_restarts_where_it_was() {
    let (dir, case) = setup();
    let file = dir.path().join("app.log");
    append(&file, &lines("start", 0..100));
    let follower = Follower::start(&case, &[&file]);
    wait_for_logs(&case, 100);
    let writer = {
        let file = file.clone();
        std::thread::spawn(move || {
            for n in 0..400 {
                append(&file, &line(&format!("run-{n}")));
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    wait_for_logs(&case, 150);
    drop(follower); // SIGKILL mid-way
    assert!(logs(&case) < 500, "the writer was done before the kill");
    let _follower = Follower::start(&case, &[&file]);
    writer.join().unwrap();
    wait_for_logs(&case, 500);
    settle(&case, &file, 500);
    assert_eq!(query(&case, "SELECT MIN(line) FROM logs"), 1);
    assert_eq!(query(&case, "SELECT MAX(line) FROM logs"), 501);
    assert_eq!(query(&case, "SELECT COUNT(*) FROM sources"), 1);
}

#[test]
fn appended_spans_and_logs_are_joined_whatever_comes_first() {
    use crate::common::{logs_line, traces_line};
    // One line each (the shared helper's span spans two lines).
    let span_json = |trace: &str, span: &str, parent: &str, name: &str, start_ms: i64| {
        crate::common::span_json(trace, span, parent, name, start_ms).replace('\n', " ")
    };
    let (dir, case) = setup();
    let trace = "5b8efff798038103d269b633813fc60c";
    let (root, child) = ("eee19b7ec3c1b174", "eee19b7ec3c1b175");
    let spans = dir.path().join("spans.jsonl");
    let logs_file = dir.path().join("logs.jsonl");
    append(
        &spans,
        &format!(
            "{}\n",
            traces_line("api", &[span_json(trace, root, "", "GET /", 0)])
        ),
    );
    append(
        &logs_file,
        &format!("{}\n", logs_line("api", &[(trace, child, "child-log")])),
    );
    let follower = Follower::start(&case, &[&spans, &logs_file]);
    wait_for_logs(&case, 1);
    let deadline = Instant::now() + DEADLINE;
    let wait_for = |sql: &str, want: i64| {
        while query(&case, sql) != want {
            assert!(
                Instant::now() < deadline,
                "{sql} never gave {want}; stderr: {}; spans: {}",
                std::fs::read_to_string(case.with_extension("stderr")).unwrap_or_default(),
                query(&case, "SELECT COUNT(*) FROM spans")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    // The log names a span not yet in the case: trace-linked.
    wait_for("SELECT link FROM logs WHERE body = 'child-log'", 2);
    append(
        &spans,
        &format!(
            "{}\n",
            traces_line("api", &[span_json(trace, child, root, "db", 1)])
        ),
    );
    wait_for("SELECT link FROM logs WHERE body = 'child-log'", 1);
    append(
        &logs_file,
        &format!("{}\n", logs_line("api", &[(trace, root, "root-log")])),
    );
    wait_for("SELECT link FROM logs WHERE body = 'root-log'", 1);
    wait_for("SELECT logs FROM traces", 2);
    assert_eq!(query(&case, "SELECT spans FROM traces"), 2);
    assert_eq!(
        query(
            &case,
            "SELECT COUNT(*) FROM spans_fts WHERE spans_fts MATCH 'db'"
        ),
        1
    );
    assert!(follower.stop().success());
}

#[test]
fn a_file_loaded_before_is_followed_from_its_end() {
    let (dir, case) = setup();
    let file = dir.path().join("app.log");
    append(&file, &lines("first", 0..4));
    let status = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(&case)
        .arg("ingest")
        .arg(&file)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let _follower = Follower::start(&case, &[&file]);
    append(&file, &lines("then", 0..3));
    wait_for_logs(&case, 7);
    settle(&case, &file, 7);
    assert_eq!(query(&case, "SELECT COUNT(*) FROM sources"), 1);
    assert_eq!(query(&case, "SELECT MAX(line) FROM logs"), 8);
}

#[test]
fn a_file_of_another_format_is_loaded_once_and_not_followed() {
    let (dir, case) = setup();
    let folder = dir.path().join("incident");
    std::fs::create_dir(&folder).unwrap();
    let name = "jaeger-json/jaeger__cmd__anonymizer__app__uiconv__fixtures__trace_success.json";
    let spans = crate::common::expected()[name]["spans"].as_i64().unwrap();
    std::fs::copy(crate::common::fixture(name), folder.join("trace.json")).unwrap();
    append(&folder.join("app.log"), &lines("a", 0..2));
    let _follower = Follower::start(&case, &[&folder]);
    wait_for_logs(&case, 2);
    append(&folder.join("app.log"), &lines("b", 0..2));
    wait_for_logs(&case, 4);
    settle(&case, &folder.join("app.log"), 4);
    assert_eq!(query(&case, "SELECT COUNT(*) FROM spans"), spans);
    assert_eq!(
        query(
            &case,
            "SELECT COUNT(*) FROM sources WHERE format = 'jaeger-json' AND follow_offset IS NULL"
        ),
        1
    );
}

#[test]
fn a_second_follower_of_the_same_file_waits() {
    let (dir, case) = setup();
    let file = dir.path().join("app.log");
    append(&file, &lines("a", 0..3));
    let first = Follower::start(&case, &[&file]);
    wait_for_logs(&case, 3);
    let second = Follower::start(&case, &[&file]);
    let stderr = case.with_extension("stderr");
    let deadline = Instant::now() + DEADLINE;
    while !std::fs::read_to_string(&stderr)
        .unwrap_or_default()
        .contains("followed by process")
    {
        assert!(
            Instant::now() < deadline,
            "the second follower did not wait"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    append(&file, &lines("b", 0..2));
    wait_for_logs(&case, 5);
    // The first one stops; the second takes over from where it was.
    assert!(first.stop().success());
    append(&file, &lines("c", 0..2));
    wait_for_logs(&case, 7);
    settle(&case, &file, 7);
    drop(second);
    let said = std::fs::read_to_string(&stderr).unwrap();
    assert_eq!(said.matches("followed by process").count(), 1, "{said}");
}
