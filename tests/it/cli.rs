//! The CLI contract: the real `weft` binary under TZ=UTC, its stdout compared
//! with `tests/golden/cli/*.out` (fixture paths replaced by `<fixtures>`), its
//! exit code and its stderr. `UPDATE_GOLDEN=1` rewrites the golden files.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{fixture, fixtures_dir};

fn weft(case: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(case)
        .args(args)
        .env("TZ", "UTC")
        .env_remove("WEFT_CASE")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    let fixtures = std::fs::canonicalize(fixtures_dir()).unwrap();
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .replace(&fixtures.display().to_string(), "<fixtures>")
}

pub(crate) fn check_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/cli")
        .join(format!("{name}.out"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let wanted = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run UPDATE_GOLDEN=1", path.display()));
    assert_eq!(
        actual,
        wanted,
        "`weft {name}` differs from {}",
        path.display()
    );
}

#[test]
fn json_output_matches_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let trace_json = fixture("otlp-json/opentelemetry-proto__examples__trace.json");
    let logs_json = fixture("otlp-json/opentelemetry-proto__examples__logs.json");
    let collector = fixture("otlp-jsonl/lnav__test__logfile_otel_collector.jsonl");
    let textproto =
        fixture("otlp-protobuf/opentelemetry-proto@pr570__examples__trace.protobuf-text");
    let paths = [&trace_json, &logs_json, &collector, &textproto];
    let mut args = vec!["ingest", "--json"];
    args.extend(paths.iter().map(|path| path.to_str().unwrap()));

    let ingest = weft(&case, &args);
    assert_eq!(
        ingest.status.code(),
        Some(1),
        "a failed file makes the exit code 1"
    );
    let stderr = String::from_utf8_lossy(&ingest.stderr);
    assert!(
        stderr.contains("trace.protobuf-text: not a trace or log file"),
        "{stderr}"
    );
    check_golden("ingest", &stdout(&ingest));
    for line in stdout(&ingest).lines() {
        let object: serde_json::Value = serde_json::from_str(line).unwrap();
        for key in [
            "path", "format", "status", "spans", "logs", "unparsed", "errors",
        ] {
            assert!(
                object.get(key).is_some(),
                "ingest --json lacks `{key}`: {line}"
            );
        }
    }

    let again = weft(&case, &["ingest", "--json", trace_json.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).contains(r#""status":"already_loaded""#));

    let commands: &[(&str, &[&str])] = &[
        ("stats", &["stats", "--json"]),
        ("traces", &["traces", "--json"]),
        (
            "trace",
            &["trace", "5b8efff798038103d269b633813fc60c", "--json"],
        ),
        ("logs", &["logs", "--json", "--limit", "4"]),
        (
            "logs-orphan",
            &["logs", "--json", "--link", "orphan", "--limit", "2"],
        ),
        (
            "logs-of-span",
            &[
                "logs",
                "--json",
                "--trace",
                "5B8EFFF798038103D269B633813FC60C",
                "--span",
                "eee19b7ec3c1b174",
            ],
        ),
        ("traces-human", &["traces"]),
        (
            "trace-human",
            &["trace", "5b8efff798038103d269b633813fc60c"],
        ),
        ("stats-human", &["stats"]),
        (
            "trace-critical-path",
            &[
                "trace",
                "5b8efff798038103d269b633813fc60c",
                "--critical-path",
            ],
        ),
    ];
    for (name, args) in commands {
        let output = weft(&case, args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stderr.is_empty(), "{name} wrote to stderr");
        check_golden(name, &stdout(&output));
    }

    let stats: serde_json::Value =
        serde_json::from_slice(&weft(&case, &["stats", "--json"]).stdout).unwrap();
    let keys: Vec<&str> = stats
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "sources",
            "traces",
            "spans",
            "error_spans",
            "logs",
            "logs_span_linked",
            "logs_trace_linked",
            "logs_orphan",
            "logs_unlinked",
            "services"
        ]
    );
}

/// Issue 23, point 10: `weft sources --json` names the dialect of a JSON log file (a
/// CLEF file says `clef`), beside the format it always had; and a Zipkin source says
/// how its span records became the spans the trace list counts.
#[test]
fn sources_name_the_dialect_and_how_zipkin_spans_were_stored() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let files = [
        "logs-clef/seqcli__test__SeqCli.EndToEnd__Data__events.clef",
        "logs-pino/lnav__test__logfile_pino.0",
        "logs-ecs/lnav__test__logfile_ecs_log.json",
        "zipkin-json/zipkin__zipkin-lens__testdata__smartthings-oauth-authorization.json",
        "otlp-jsonl/lnav__test__logfile_otel_collector.jsonl",
    ];
    let mut args = vec!["ingest".to_string()];
    args.extend(files.iter().map(|file| fixture(file).display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(weft(&case, &args).status.code(), Some(0));
    let output = weft(&case, &["sources", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let sources: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let of = |part: &str| {
        sources
            .iter()
            .find(|source| source["path"].as_str().unwrap().contains(part))
            .unwrap_or_else(|| panic!("no source {part}"))
    };
    let clef = of("events.clef");
    assert_eq!(clef["format"], "json-log", "the format stays");
    assert_eq!(clef["dialect"], "clef");
    assert_eq!(of("pino")["dialect"], "pino");
    assert_eq!(of("logs-ecs")["dialect"], "ecs");
    let otlp = of("otel_collector");
    assert!(otlp["dialect"].is_null() && otlp["zipkin"].is_null());
    // The Zipkin file has 175 span records; 3 repeat a shared half already read and are
    // stored once; 42 shared server halves are kept apart from their client halves.
    let zipkin = of("smartthings-oauth");
    assert_eq!(zipkin["spans"], 175);
    assert_eq!(zipkin["zipkin"]["stored"], 172);
    assert_eq!(zipkin["zipkin"]["shared_apart"], 42);
    let traces: Vec<serde_json::Value> =
        serde_json::from_slice(&weft(&case, &["traces", "--json"]).stdout).unwrap();
    let zipkin_trace_spans: i64 = traces
        .iter()
        .map(|trace| trace["spans"].as_i64().unwrap())
        .sum();
    assert_eq!(
        zipkin_trace_spans, 172,
        "the trace list counts the stored spans"
    );
    let human = String::from_utf8(weft(&case, &["sources"]).stdout).unwrap();
    assert!(human.contains("json-log (clef)"), "{human}");
}

#[test]
fn errors_name_the_file_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let missing = dir.path().join("no-such-file.json");
    let output = weft(&case, &["ingest", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such-file.json"));

    let garbage = dir.path().join("garbage.jsonl");
    let good = std::fs::read_to_string(fixture(
        "otlp-jsonl/lnav__test__logfile_otel_collector.jsonl",
    ))
    .unwrap();
    std::fs::write(&garbage, format!("{good}this is not json\n")).unwrap();
    let output = weft(&case, &["ingest", "--json", garbage.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "an unparsed line is a warning, not a failure"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["unparsed"], 1);
    assert_eq!(report["errors"][0]["line"], good.lines().count() + 1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("garbage.jsonl: line {}", good.lines().count() + 1)),
        "{stderr}"
    );

    let bad_id = weft(&case, &["trace", "not-a-trace-id"]);
    assert_eq!(bad_id.status.code(), Some(1), "usage errors exit 1 too");
    let absent = weft(&case, &["trace", "0123456789abcdef0123456789abcdef"]);
    assert_eq!(absent.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&absent.stderr).contains("is not in case"));
}

#[test]
fn a_log_names_its_service_else_the_flag_else_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let plain = dir.path().join("worker-7.log");
    std::fs::write(&plain, "2026-11-03T10:00:00Z INFO started\n").unwrap();
    let named = dir.path().join("named.log");
    std::fs::write(
        &named,
        "{\"level\":30,\"time\":1,\"pid\":1,\"name\":\"cart\",\"msg\":\"x\"}\n",
    )
    .unwrap();
    let flagged = dir.path().join("flagged.log");
    std::fs::write(&flagged, "2026-11-03T10:00:01Z WARN slow\n").unwrap();
    assert!(weft(
        &case,
        &["ingest", plain.to_str().unwrap(), named.to_str().unwrap()]
    )
    .status
    .success());
    let with_flag = weft(
        &case,
        &["ingest", "--service", "billing", flagged.to_str().unwrap()],
    );
    assert!(with_flag.status.success());
    let logs: Vec<serde_json::Value> =
        serde_json::from_slice(&weft(&case, &["logs", "--json"]).stdout).unwrap();
    let services: Vec<&str> = logs
        .iter()
        .map(|log| log["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["cart", "worker-7", "billing"]);
}

/// The packaging step's `weft shell-files DIR` (issue 21): completions for the three
/// shells and the man page, each naming the real subcommands and options.
#[test]
fn shell_files_are_made_from_the_command_line_definition() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shell");
    let output = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("shell-files")
        .arg(&out)
        .env_remove("WEFT_CASE")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let bash = read("weft.bash");
    assert!(bash.contains("complete -F _weft"), "bash: {bash}");
    assert!(read("_weft").starts_with("#compdef weft"));
    assert!(read("weft.fish").contains("complete -c weft"));
    let texts = [
        (bash, "--case"),
        (read("_weft"), "--case"),
        (read("weft.fish"), "-l case"),
    ];
    for (text, case_option) in texts {
        for word in ["ingest", "stats", "traces", case_option] {
            assert!(text.contains(word), "{word} missing");
        }
        assert!(
            !text.contains("shell-files"),
            "the hidden subcommand is offered"
        );
    }
    let man = read("weft.1");
    assert!(man.contains(".TH weft 1"), "{man}");
    assert!(
        man.contains("ingest") && man.contains("\\-\\-case"),
        "{man}"
    );
    // It needs no case: none was created in the default place by this run.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 4);
}
