//! The postmortem notebook (issue 18): marks kept in the case through the one
//! writer, found again after a reload of their source, reported (never dropped) when
//! their target is gone; `weft mark`/`weft marks` as the CLI contract says; a kill
//! while a note is saved leaves it whole or absent; the report of a small case
//! compared with its golden files (`UPDATE_GOLDEN=1` rewrites them).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use weft::notebook::{MarkEdit, MarkTarget, NewMark};
use weft::query::parse;
use weft::report::{self, ReportFormat};
use weft::store::{LogFilter, MarkError};
use weft::{SpanId, TraceId};

use crate::common::{fixture, weft_json, weft_ok, TestCase};

const TRACE: &str = "e90ad15da705c7fa3613806f5266b233";
const SPAN: &str = "9bcd70c8ec6c5442";
/// 2026-11-03T12:00:00Z: when the marks of the fixture case were "written".
const WRITTEN_NS: i64 = 1_793_707_200_000_000_000;

fn new_mark(target: MarkTarget, note: &str) -> NewMark {
    NewMark {
        target,
        note: note.to_string(),
        tags: Vec::new(),
        colour: None,
        author: "ana".to_string(),
        created_ns: WRITTEN_NS,
        at_ns: None,
        phase: None,
        position: 0,
    }
}

/// The id of the first log matching `query`.
async fn log_id(case: &TestCase, query: &str) -> i64 {
    let reader = case.store.reader().await.unwrap();
    let logs = reader
        .logs(&LogFilter {
            query: parse(query, 0).unwrap(),
            limit: 1,
            ..LogFilter::default()
        })
        .await
        .unwrap();
    logs[0].id
}

async fn source_id(case: &TestCase, file_name: &str) -> i64 {
    let sources = case.store.reader().await.unwrap().sources().await.unwrap();
    sources
        .iter()
        .find(|source| source.path.ends_with(file_name))
        .unwrap()
        .id
}

fn demo(file: &str) -> PathBuf {
    fixture(&format!("demo/{file}"))
}

#[tokio::test]
async fn marks_survive_a_reload_of_their_source_and_say_when_their_target_is_gone() {
    let case = TestCase::new().await;
    case.ingest(&[
        demo("payments.log"),
        demo("checkout.log"),
        demo("traces.jsonl"),
    ])
    .await;
    let log = log_id(&case, "PoolTimeoutError").await;
    let trace: TraceId = TRACE.parse().unwrap();
    let span: SpanId = SPAN.parse().unwrap();
    let mut writer = case.store.writer().await.unwrap();
    let span_mark = writer
        .add_mark(new_mark(MarkTarget::Span(trace, span), "pool"))
        .await
        .unwrap()
        .unwrap();
    let log_mark = writer
        .add_mark(new_mark(MarkTarget::Log(log), "the timeout"))
        .await
        .unwrap()
        .unwrap();
    drop(writer);
    let reader = case.store.reader().await.unwrap();
    let marks = reader.marks().await.unwrap();
    assert_eq!(marks.len(), 2);
    assert!(marks.iter().all(|mark| !mark.target_missing));
    let marked_log = reader.mark(log_mark).await.unwrap().unwrap();
    assert_eq!(marked_log.log_id, Some(log));
    assert_eq!(marked_log.log_line, Some(63));
    assert_eq!(
        marked_log.at_ns, 1_793_700_063_157_000_000,
        "the log's own time"
    );

    // Their sources leave the case: the marks stay, saying their target is gone.
    let mut writer = case.store.writer().await.unwrap();
    for file in ["payments.log", "traces.jsonl"] {
        writer
            .remove_source(source_id(&case, file).await)
            .await
            .unwrap();
    }
    drop(writer);
    let marks = reader.marks().await.unwrap();
    assert_eq!(marks.len(), 2, "no mark is dropped");
    assert!(marks.iter().all(|mark| mark.target_missing), "{marks:?}");

    // Loaded again (the log gets a new id): the marks find their targets.
    case.ingest(&[demo("traces.jsonl"), demo("payments.log")])
        .await;
    let marks = reader.marks().await.unwrap();
    assert!(marks.iter().all(|mark| !mark.target_missing), "{marks:?}");
    let found = reader.mark(log_mark).await.unwrap().unwrap();
    let new_log = log_id(&case, "PoolTimeoutError").await;
    assert_ne!(new_log, log, "the reload gave the log a new id");
    assert_eq!(found.log_id, Some(new_log));
    let span_found = reader.mark(span_mark).await.unwrap().unwrap();
    assert_eq!(span_found.span_id.as_deref(), Some(SPAN));
}

#[tokio::test]
async fn marks_of_unknown_targets_are_refused_with_what_is_wrong() {
    let case = TestCase::new().await;
    case.ingest(&[demo("traces.jsonl")]).await;
    let mut writer = case.store.writer().await.unwrap();
    let unknown: TraceId = "00000000000000000000000000000001".parse().unwrap();
    let span: SpanId = "0000000000000001".parse().unwrap();
    let cases = [
        (MarkTarget::Trace(unknown), MarkError::UnknownTrace(unknown)),
        (
            MarkTarget::Span(TRACE.parse().unwrap(), span),
            MarkError::UnknownSpan {
                trace: TRACE.parse().unwrap(),
                span,
            },
        ),
        (MarkTarget::Log(999_999), MarkError::UnknownLog(999_999)),
        (
            MarkTarget::Range {
                from_ns: 10,
                to_ns: 5,
            },
            MarkError::BackwardRange {
                from_ns: 10,
                to_ns: 5,
            },
        ),
    ];
    for (target, error) in cases {
        assert_eq!(
            writer.add_mark(new_mark(target, "")).await.unwrap(),
            Err(error)
        );
    }
    let bad_query = writer
        .add_mark(new_mark(MarkTarget::Search("level:nope".into()), ""))
        .await
        .unwrap();
    assert!(matches!(bad_query, Err(MarkError::BadQuery(message)) if message.contains("nope")));
    assert_eq!(
        writer.edit_mark(42, MarkEdit::default()).await.unwrap(),
        Err(MarkError::NoMark(42))
    );
    assert!(!writer.remove_mark(42).await.unwrap());
}

#[tokio::test]
async fn editing_a_mark_changes_only_what_is_given() {
    let case = TestCase::new().await;
    let mut writer = case.store.writer().await.unwrap();
    let mut mark = new_mark(MarkTarget::Note, "deploy of payments 3.2.1");
    mark.at_ns = Some(5);
    mark.tags = vec!["deploy".into(), "payments".into()];
    mark.phase = Some("impact".into());
    let id = writer.add_mark(mark).await.unwrap().unwrap();
    let edit = MarkEdit {
        tags: Some(vec!["rollback".into(), " rollback ".into()]),
        colour: Some("#ff8800".into()),
        phase: Some(String::new()),
        position: Some(3),
        ..MarkEdit::default()
    };
    writer.edit_mark(id, edit).await.unwrap().unwrap();
    drop(writer);
    let mark = case
        .store
        .reader()
        .await
        .unwrap()
        .mark(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mark.note, "deploy of payments 3.2.1");
    assert_eq!(mark.tags, ["rollback"]);
    assert_eq!(mark.colour.as_deref(), Some("#ff8800"));
    assert_eq!(mark.phase, None, "an empty phase clears it");
    assert_eq!((mark.at_ns, mark.position), (5, 3));
}

#[test]
fn the_cli_adds_lists_edits_and_removes_marks() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    weft_ok(&case, &["ingest", demo("traces.jsonl").to_str().unwrap()]);
    let add = |args: &[&str]| -> i64 {
        let mut all = vec!["mark", "add", "--author", "ana"];
        all.extend_from_slice(args);
        String::from_utf8(weft_ok(&case, &all))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let span = add(&[
        "--trace",
        TRACE,
        "--span",
        SPAN,
        "--tag",
        "db",
        "--tag",
        "pool",
        "--note",
        "*pool* full",
    ]);
    let note = add(&[
        "--note",
        "deploy of payments 3.2.1",
        "--at",
        "2026-11-03T10:02:00Z",
        "--phase",
        "impact",
    ]);
    let range = add(&[
        "--from",
        "2026-11-03T10:01:00Z",
        "--to",
        "2026-11-03T10:02:00Z",
    ]);
    let search = add(&["--query", "status:error after:2026-11-03T10:01:00Z"]);
    weft_ok(
        &case,
        &[
            "mark",
            "edit",
            &note.to_string(),
            "--note",
            "deploy of 3.2.1",
            "--tag",
            "deploy",
        ],
    );
    weft_ok(&case, &["mark", "rm", &range.to_string()]);
    weft_ok(&case, &["mark", "edit", &search.to_string(), "--tag", "x"]);
    weft_ok(&case, &["mark", "edit", &search.to_string(), "--no-tags"]);

    let marks = weft_json(&case, &["marks", "--json"]);
    let marks = marks.as_array().unwrap();
    let keys: Vec<&str> = marks[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        &keys[..14],
        [
            "id",
            "kind",
            "trace_id",
            "span_id",
            "log_id",
            "from_ns",
            "to_ns",
            "query",
            "note",
            "tags",
            "author",
            "created_ns",
            "at_ns",
            "target_missing"
        ]
    );
    let by_id = |id: i64| marks.iter().find(|mark| mark["id"] == id).unwrap();
    assert_eq!(by_id(span)["kind"], "span");
    assert_eq!(by_id(span)["tags"], serde_json::json!(["db", "pool"]));
    assert_eq!(by_id(span)["author"], "ana");
    assert_eq!(by_id(span)["at_ns"], 1_793_700_060_893_000_000_i64);
    assert_eq!(by_id(note)["note"], "deploy of 3.2.1");
    assert_eq!(by_id(note)["tags"], serde_json::json!(["deploy"]));
    assert_eq!(by_id(note)["at_ns"], 1_793_700_120_000_000_000_i64);
    assert_eq!(
        by_id(search)["at_ns"],
        1_793_700_060_000_000_000_i64,
        "its after: time"
    );
    assert_eq!(marks.len(), 3);

    let text = String::from_utf8(weft_ok(&case, &["marks"])).unwrap();
    assert!(
        text.contains("impact") && text.contains("deploy of 3.2.1"),
        "{text}"
    );

    for (args, says) in [
        (
            vec!["mark", "add", "--trace", "00000000000000000000000000000001"],
            "trace 00000000000000000000000000000001 is not in the case",
        ),
        (
            vec!["mark", "add", "--note", "x", "--at", "yesterday"],
            "`yesterday` is not a time",
        ),
        (vec!["mark", "add", "--trace", "nothex"], "nothex"),
        (vec!["mark", "rm", "999"], "no mark 999"),
        (vec!["mark", "add"], "a mark needs"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_weft"))
            .arg("--case")
            .arg(&case)
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

/// `weft mark add --note -` with `note` on its standard input.
fn add_note_command(case: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_weft"));
    command
        .arg("--case")
        .arg(case)
        .args(["mark", "add", "--author", "ana", "--note", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

#[tokio::test]
async fn a_note_killed_while_it_is_saved_is_whole_or_absent() {
    let case = TestCase::new().await;
    // A long note (8 MB), so that saving it takes a while to kill into.
    let note: String = (0..200_000)
        .map(|n| format!("line {n:07} of the note ..........\n"))
        .collect();
    let write_note = |mut child: std::process::Child| {
        let mut stdin = child.stdin.take().unwrap();
        let note = note.clone();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(note.as_bytes());
        });
        (child, writer)
    };
    let started = Instant::now();
    let (mut child, writer) = write_note(add_note_command(&case.path()).spawn().unwrap());
    assert!(child.wait().unwrap().success());
    writer.join().unwrap();
    let undisturbed = started.elapsed();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("note kills: WEFT_KILL_SEED={seed}, an undisturbed save takes {undisturbed:?}");
    if let Ok(fixed) = std::env::var("WEFT_KILL_SEED") {
        seed = fixed.parse().unwrap();
    }
    for _ in 0..10 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let moment = Duration::from_micros(seed % (undisturbed.as_micros() as u64 + 1));
        let (mut child, writer) = write_note(add_note_command(&case.path()).spawn().unwrap());
        std::thread::sleep(moment);
        let _ = child.kill();
        let _ = child.wait();
        writer.join().unwrap();
    }
    let reader = case.store.reader().await.unwrap();
    let marks = reader.marks().await.unwrap();
    assert!(!marks.is_empty());
    for mark in &marks {
        assert_eq!(mark.note.len(), note.len(), "mark {} is whole", mark.id);
        assert!(mark.note == note);
    }
}

/// The report of the fixture case, with the repository's folder replaced by `REPO`.
async fn fixture_report(format: ReportFormat, out: &Path) -> Vec<(String, String)> {
    let case = TestCase::new().await;
    case.ingest(&[
        demo("traces.jsonl"),
        demo("payments.log"),
        demo("checkout.log"),
    ])
    .await;
    let log = log_id(&case, "PoolTimeoutError").await;
    let trace: TraceId = TRACE.parse().unwrap();
    let span: SpanId = SPAN.parse().unwrap();
    let mut writer = case.store.writer().await.unwrap();
    let marks = [
        (MarkTarget::Note, "Deploy of **payments 3.2.1** (pool size 20 → 20).", Some("2026-11-03T10:00:00Z"), Some("impact"), vec!["deploy"]),
        (MarkTarget::Range { from_ns: 1_793_700_060_000_000_000, to_ns: 1_793_700_064_000_000_000 }, "Checkout errors begin.", None, Some("detection"), vec![]),
        (MarkTarget::Span(trace, span), "The charge waits **2 s** for a connection:\n\n- pool `20/20` busy\n- see <https://example.invalid/runbook>", None, Some("detection"), vec!["db", "pool"]),
        (MarkTarget::Log(log), "# Cause\n\n`PoolTimeoutError` <script>alert(1)</script>", None, Some("impact"), vec!["db"]),
        (MarkTarget::Search("service:payments level>=warn".into()), "Every warning of payments.", Some("2026-11-03T10:05:00Z"), Some("mitigation"), vec![]),
    ];
    for (target, note, at, phase, tags) in marks {
        let mut mark = new_mark(target, note);
        mark.at_ns = at.map(|at| weft::time::ns_from_str(at).unwrap());
        mark.phase = phase.map(str::to_string);
        mark.tags = tags.into_iter().map(str::to_string).collect();
        writer.add_mark(mark).await.unwrap().unwrap();
    }
    drop(writer);
    let reader = case.store.reader().await.unwrap();
    let case_path = case.dir.path().join("notebook.weft");
    let written = report::write_report(&reader, &case_path, format, out)
        .await
        .unwrap();
    let repo = env!("CARGO_MANIFEST_DIR");
    written
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .unwrap()
                .replace(&report::text::escape_markdown(repo), "REPO")
                .replace(&report::text::escape_html(repo), "REPO")
                .replace(repo, "REPO");
            let name = path.strip_prefix(out.parent().unwrap()).unwrap();
            (name.display().to_string(), text)
        })
        .collect()
}

#[tokio::test]
async fn the_report_of_the_fixture_case_matches_its_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report");
    let dir = tempfile::tempdir().unwrap();
    let mut files = fixture_report(ReportFormat::Html, &dir.path().join("notebook.html")).await;
    files.extend(fixture_report(ReportFormat::Markdown, &dir.path().join("notebook.md")).await);
    assert_eq!(files.len(), 3, "html, md and the md's one waterfall");
    for (name, text) in files {
        let path = golden.join(&name);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else {
            let wanted = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("{} missing: run UPDATE_GOLDEN=1", path.display()));
            assert!(wanted == text, "{name} differs from {}", path.display());
        }
    }
}

#[tokio::test]
async fn marked_and_tag_find_the_marked_spans_logs_and_traces() {
    let case = TestCase::new().await;
    case.ingest(&[
        demo("traces.jsonl"),
        demo("payments.log"),
        demo("checkout.log"),
    ])
    .await;
    let log = log_id(&case, "PoolTimeoutError").await;
    let trace: TraceId = TRACE.parse().unwrap();
    let other_trace: TraceId = "ef49fb7eff540352a4effe97eebfdad6".parse().unwrap();
    let mut writer = case.store.writer().await.unwrap();
    let mut span_mark = new_mark(MarkTarget::Span(trace, SPAN.parse().unwrap()), "");
    span_mark.tags = vec!["db".into()];
    writer.add_mark(span_mark).await.unwrap().unwrap();
    let mut log_mark = new_mark(MarkTarget::Log(log), "");
    log_mark.tags = vec!["db".into(), "first".into()];
    writer.add_mark(log_mark).await.unwrap().unwrap();
    writer
        .add_mark(new_mark(MarkTarget::Trace(other_trace), ""))
        .await
        .unwrap()
        .unwrap();
    drop(writer);
    let reader = case.store.reader().await.unwrap();
    let logs = |text: &'static str| {
        let reader = reader.clone();
        async move {
            let filter = LogFilter {
                query: parse(text, 0).unwrap(),
                ..LogFilter::default()
            };
            let logs = reader.logs(&filter).await.unwrap();
            logs.iter().map(|log| log.id).collect::<Vec<_>>()
        }
    };
    let traces = |text: &'static str| {
        let reader = reader.clone();
        async move {
            let filter = weft::store::TraceFilter {
                query: parse(text, 0).unwrap(),
                limit: 100,
                ..weft::store::TraceFilter::default()
            };
            let traces = reader.traces(&filter).await.unwrap();
            let mut ids: Vec<String> = traces.into_iter().map(|t| t.trace_id).collect();
            ids.sort();
            ids
        }
    };
    assert_eq!(logs("marked:").await, vec![log]);
    assert_eq!(logs("tag:first").await, vec![log]);
    assert_eq!(logs("tag:nosuch").await, Vec::<i64>::new());
    let all = logs("").await.len();
    assert_eq!(logs("-marked:").await.len(), all - 1);
    assert_eq!(logs("marked:false").await.len(), all - 1);
    // The trace with the marked span (and log) and the marked trace.
    assert_eq!(
        traces("marked:").await,
        vec![
            TRACE.to_string(),
            "ef49fb7eff540352a4effe97eebfdad6".to_string()
        ]
    );
    assert_eq!(traces("tag:db").await, vec![TRACE.to_string()]);
    assert_eq!(
        traces("tag:first").await,
        vec![TRACE.to_string()],
        "by its log"
    );
}
