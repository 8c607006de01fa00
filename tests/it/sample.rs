//! `weft sample` (issue 17): the seed's tail sampling policy (errors, latency
//! 1000 ms, 5 % probabilistic; tests/fixtures/sampling/seed-policy.yaml) on the
//! demo case through the real binary, against what the trace list says of each
//! trace and the Collector's hash computed here again from its definition.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::fixture;

fn run(case: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(case)
        .args(args)
        .env_remove("WEFT_CASE")
        .output()
        .unwrap()
}

fn ok(case: &Path, args: &[&str]) -> Vec<u8> {
    let output = run(case, args);
    assert!(
        output.status.success(),
        "weft {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// probabilistic.go: FNV-1a 64 over "default-hash-seed" and the 16 id bytes.
fn collector_hash(trace_id: &str) -> u64 {
    let bytes: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(&trace_id[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in b"default-hash-seed".iter().chain(&bytes) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x100_0000_01b3);
    }
    hash
}

/// (2^64 − 1) × 0.05 as the Collector rounds it (worked out in the unit test
/// `probabilistic_keeps_the_trace_ids_the_collector_keeps`).
const FIVE_PERCENT: u64 = 922_337_203_685_477_631;

#[test]
fn the_seed_policy_on_the_demo_case() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    ok(&case, &["ingest", fixture("demo").to_str().unwrap()]);
    let policy = fixture("sampling/seed-policy.yaml");
    let policy = policy.to_str().unwrap();

    let traces: Value =
        serde_json::from_slice(&ok(&case, &["traces", "--json", "--limit", "0"])).unwrap();
    let traces = traces.as_array().unwrap();
    let (mut errors, mut kept_errors, mut kept_slow, mut spans, mut logs) = (0, 0, 0, 0, 0);
    let (mut sampled_errors, mut sampled_slow, mut sampled_hash) = (0, 0, 0);
    let mut kept = BTreeSet::new();
    for trace in traces {
        let id = trace["trace_id"].as_str().unwrap();
        let error = trace["errors"].as_u64().unwrap() > 0;
        let slow = trace["duration_ns"].as_i64().unwrap() / 1_000_000 >= 1000;
        let hashed = collector_hash(id) <= FIVE_PERCENT;
        errors += u64::from(error);
        sampled_errors += u64::from(error);
        sampled_slow += u64::from(slow);
        sampled_hash += u64::from(hashed);
        if error || slow || hashed {
            kept.insert(id.to_string());
            kept_errors += u64::from(error);
            kept_slow += u64::from(slow);
            spans += trace["spans"].as_u64().unwrap();
            logs += trace["logs"].as_u64().unwrap();
        }
    }
    assert!(
        errors > 0 && kept.len() < traces.len(),
        "the demo case has errors and traces to drop"
    );

    let report: Value =
        serde_json::from_slice(&ok(&case, &["sample", "--policy", policy, "--json"])).unwrap();
    let expected = serde_json::json!({
        "traces": traces.len(),
        "kept": kept.len(),
        "dropped": traces.len() - kept.len(),
        "kept_errors": kept_errors,
        "errors": errors,
        "kept_slow": kept_slow,
        "policies": [
            {"name": "errors", "type": "status_code", "sampled": sampled_errors},
            {"name": "slow", "type": "latency", "sampled": sampled_slow},
            {"name": "some-of-the-rest", "type": "probabilistic", "sampled": sampled_hash}
        ],
        "spans_kept": spans,
        "logs_of_kept_traces": logs,
    });
    assert_eq!(report, expected);

    let ids = String::from_utf8(ok(&case, &["sample", "--policy", policy, "--ids"])).unwrap();
    let ids: BTreeSet<String> = ids.lines().map(str::to_string).collect();
    assert_eq!(ids, kept);

    // A query narrows the traces simulated.
    let narrowed: Value = serde_json::from_slice(&ok(
        &case,
        &["sample", "--policy", policy, "--json", "status:error"],
    ))
    .unwrap();
    assert_eq!(narrowed["traces"], errors);
    assert_eq!(narrowed["kept"], errors);
}

#[test]
fn a_bad_field_fails_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    ok(&case, &["ingest", fixture("demo").to_str().unwrap()]);
    let text = std::fs::read_to_string(fixture("sampling/seed-policy.yaml")).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("threshold_ms"))
        .unwrap()
        + 1;
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, text.replace("threshold_ms", "threshold")).unwrap();
    let output = run(
        &case,
        &["sample", "--policy", bad.to_str().unwrap(), "--json"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "bad.yaml: line {line}: unknown field `threshold` in latency"
        )),
        "{stderr}"
    );
}

fn trace_ids(case: &Path, query: &[&str]) -> BTreeSet<String> {
    let mut args = vec!["traces", "--json", "--limit", "0"];
    args.extend_from_slice(query);
    let traces: Value = serde_json::from_slice(&ok(case, &args)).unwrap();
    traces
        .as_array()
        .unwrap()
        .iter()
        .map(|trace| trace["trace_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sampled_kept_lists_exactly_the_ids_of_the_applied_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    ok(&case, &["ingest", fixture("demo").to_str().unwrap()]);
    let policy = fixture("sampling/seed-policy.yaml");
    let policy = policy.to_str().unwrap();
    let all = trace_ids(&case, &[]);

    // Before any simulation is applied, no trace is kept or dropped.
    assert!(trace_ids(&case, &["sampled:kept"]).is_empty());
    assert!(trace_ids(&case, &["sampled:dropped"]).is_empty());

    // `--ids` only prints; `--apply` keeps the decisions.
    let ids = String::from_utf8(ok(&case, &["sample", "--policy", policy, "--ids"])).unwrap();
    let kept: BTreeSet<String> = ids.lines().map(str::to_string).collect();
    assert!(trace_ids(&case, &["sampled:kept"]).is_empty());
    let report: Value = serde_json::from_slice(&ok(
        &case,
        &["sample", "--policy", policy, "--apply", "--json"],
    ))
    .unwrap();
    assert!(!kept.is_empty() && kept.len() < all.len());
    assert_eq!(trace_ids(&case, &["sampled:kept"]), kept);
    let dropped: BTreeSet<String> = all.difference(&kept).cloned().collect();
    assert_eq!(trace_ids(&case, &["sampled:dropped"]), dropped);
    assert_eq!(report["dropped"].as_u64().unwrap() as usize, dropped.len());
    // Negated, and with other terms: the kept error traces are the error traces.
    assert_eq!(trace_ids(&case, &["--", "-sampled:kept"]), dropped);
    assert_eq!(
        trace_ids(&case, &["sampled:kept", "status:error"]),
        trace_ids(&case, &["status:error"])
    );
    // Logs of the kept traces: each log listed carries a kept trace id.
    let logs: Value = serde_json::from_slice(&ok(
        &case,
        &["logs", "--json", "--limit", "0", "sampled:kept"],
    ))
    .unwrap();
    let logs = logs.as_array().unwrap();
    assert_eq!(
        logs.len() as u64,
        report["logs_of_kept_traces"].as_u64().unwrap()
    );
    assert!(logs
        .iter()
        .all(|log| kept.contains(log["trace_id"].as_str().unwrap())));

    // A new simulation replaces the one before; a query narrows it, and traces it did
    // not simulate are neither kept nor dropped.
    ok(
        &case,
        &["sample", "--policy", policy, "--apply", "status:error"],
    );
    let errors = trace_ids(&case, &["status:error"]);
    assert_eq!(trace_ids(&case, &["sampled:kept"]), errors);
    assert!(trace_ids(&case, &["sampled:dropped"]).is_empty());

    // A bad value names its column.
    let output = run(&case, &["traces", "sampled:maybe"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("column 9: `maybe` is not a sampling decision (kept or dropped)"),
        "{stderr}"
    );
}
