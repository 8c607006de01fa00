//! Every OTLP, Jaeger, Zipkin, Loki and log file of the shared corpus (copied to
//! tests/fixtures) loads with the counts the independent checker found
//! (EXPECTED.json), or fails with the clear error it deserves.
//!
//! The checker counts one log per non-empty line of a text log; Weft joins
//! continuation lines (stack traces) to the record above, so for text logs the
//! lines covered by the records are compared instead. Where Weft counts
//! differently on purpose, `wanted` says so and why.

use weft::ingest::FileStatus;

use crate::common::{decode, expected, fixture, TestCase};

fn number(entry: &serde_json::Value, key: &str) -> u64 {
    entry[key]
        .as_u64()
        .unwrap_or_else(|| panic!("EXPECTED entry has no `{key}`"))
}

/// Counts where Weft differs from the checker on purpose: (file, field, Weft's count, why).
const CHECKER_DIFFERS: &[(&str, &str, u64, &str)] = &[(
    "jaeger-json/jaeger__internal__uimodel__converter__v1__json__fixtures__domain_01.json",
    "span_links",
    2,
    "the api_v2 spelling (`traceId`/`spanId`) of ui_01's trace: its cross-trace CHILD_OF and \
     its FOLLOWS_FROM are links as in ui_01 (2), which the checker counts only in the UI spelling",
)];

/// The count Weft should reach for `key`: the checker's, except as listed above and
/// for Zipkin's stored spans (see `zipkin_identities`).
fn wanted(relative: &str, entry: &serde_json::Value, key: &str) -> u64 {
    if let Some((.., count, _)) = CHECKER_DIFFERS
        .iter()
        .find(|(file, field, ..)| *file == relative && *field == key)
    {
        return *count;
    }
    if key == "distinct_span_ids" && entry["format"] == "Zipkin v2 JSON" {
        return zipkin_identities(&fixture(relative));
    }
    number(entry, key)
}

/// Distinct Zipkin span identities: the checker counts (trace id, span id) pairs, but a
/// `shared` server half is kept apart from the client half whose id it carries (one per
/// local endpoint), so: pairs of unshared spans plus (trace, id, endpoint) of shared ones.
fn zipkin_identities(path: &std::path::Path) -> u64 {
    let text = std::fs::read_to_string(path).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let spans = match value {
        serde_json::Value::Array(spans) => spans,
        one => vec![one],
    };
    let identities: std::collections::HashSet<String> = spans
        .iter()
        .map(|span| {
            let trace = format!("{:0>32}", span["traceId"].as_str().unwrap().to_lowercase());
            let id = format!("{:0>16}", span["id"].as_str().unwrap().to_lowercase());
            if span["shared"] == true {
                let local = &span["localEndpoint"];
                let endpoint = ["serviceName", "ipv4", "ipv6", "port"]
                    .map(|key| local[key].to_string().to_lowercase())
                    .join("|");
                format!("{trace}/{id}/shared/{endpoint}")
            } else {
                format!("{trace}/{id}")
            }
        })
        .collect();
    identities.len() as u64
}

#[tokio::test]
async fn every_fixture_loads_with_the_expected_counts() {
    let files = expected();
    assert!(files.len() >= 100, "fixtures missing from EXPECTED.json");
    for (relative, entry) in &files {
        let path = fixture(relative);
        let case = TestCase::new().await;
        let reports = case.ingest(std::slice::from_ref(&path)).await;
        assert_eq!(reports.len(), 1, "{relative}");
        let report = &reports[0];
        if entry["format"]
            .as_str()
            .unwrap()
            .contains("not an input format")
        {
            assert_eq!(report.status, FileStatus::Failed, "{relative}");
            assert!(
                report.errors[0].message.contains("not a trace or log file"),
                "{relative}"
            );
            continue;
        }
        assert_eq!(
            report.status,
            FileStatus::Complete,
            "{relative}: {:?}",
            report.errors
        );
        let is_text = entry["format"] == "plain text logs";
        let unparsed = number(entry, "unparsed_lines");
        assert_eq!(
            report.spans,
            number(entry, "spans"),
            "{relative}: spans decoded"
        );
        assert_eq!(report.unparsed, unparsed, "{relative}: unparsed");
        let records = decode(&path);
        if is_text {
            let lines: usize = records
                .logs
                .iter()
                .map(|log| log.body.lines().count())
                .sum();
            assert_eq!(
                lines as u64,
                number(entry, "logs"),
                "{relative}: lines covered"
            );
        } else {
            assert_eq!(
                report.logs,
                number(entry, "logs") + unparsed,
                "{relative}: logs"
            );
        }

        let stats = case.stats().await;
        let distinct = wanted(relative, entry, "distinct_span_ids") as i64;
        assert_eq!(
            stats.spans, distinct,
            "{relative}: a span seen twice is one span"
        );
        assert_eq!(
            stats.traces,
            number(entry, "traces") as i64,
            "{relative}: traces"
        );
        assert_eq!(
            stats.error_spans,
            number(entry, "error_spans") as i64,
            "{relative}: errors"
        );
        assert_eq!(stats.logs, report.logs as i64, "{relative}: logs stored");
        let with_trace_id = stats.logs - stats.logs_unlinked;
        assert_eq!(
            with_trace_id,
            number(entry, "logs_with_trace_id") as i64,
            "{relative}: ids"
        );
        let with_span_id = records
            .logs
            .iter()
            .filter(|log| log.span_id.is_some())
            .count();
        assert_eq!(
            with_span_id as u64,
            number(entry, "logs_with_span_id"),
            "{relative}: span ids"
        );
        assert_eq!(
            stats.logs_span_linked,
            number(entry, "logs_linked_to_span_in_same_file") as i64,
            "{relative}: logs linked to a span of the same file"
        );

        let events: usize = records.spans.iter().map(|span| span.events.len()).sum();
        let links: usize = records.spans.iter().map(|span| span.links.len()).sum();
        assert_eq!(
            events as u64,
            number(entry, "span_events"),
            "{relative}: events"
        );
        assert_eq!(
            links as u64,
            wanted(relative, entry, "span_links"),
            "{relative}: links"
        );
        if distinct as u64 == number(entry, "spans") {
            let stored_events = case.count("SELECT COUNT(*) FROM span_events").await;
            let stored_links = case.count("SELECT COUNT(*) FROM span_links").await;
            assert_eq!(stored_events as usize, events, "{relative}: events stored");
            assert_eq!(stored_links as usize, links, "{relative}: links stored");
        }
        let services = entry["spans_per_service"].as_object();
        for (service, count) in services.into_iter().flatten() {
            // The checker writes "(none)" where OpenTelemetry says `unknown_service`.
            let service = if service == "(none)" {
                "unknown_service"
            } else {
                service.as_str()
            };
            let stored = stats.services.iter().find(|s| s.name == service);
            let spans = stored.map_or(0, |s| s.spans);
            // Duplicated span records are stored once, so compare with at most the count.
            assert!(
                spans > 0 && spans as u64 <= count.as_u64().unwrap(),
                "{relative}: {service}"
            );
        }
    }
}

#[tokio::test]
async fn the_whole_otlp_corpus_in_one_case() {
    let case = TestCase::new().await;
    let paths = ["otlp-json", "otlp-jsonl", "otlp-protobuf"].map(fixture);
    let reports = case.ingest(&paths).await;
    let failed: Vec<_> = reports
        .iter()
        .filter(|r| r.status == FileStatus::Failed)
        .collect();
    assert_eq!(
        failed.len(),
        1,
        "only the textproto companion fails: {failed:?}"
    );
    // Byte-identical files (GetTrace/FindTraces) add nothing the second time.
    let already: Vec<_> = reports
        .iter()
        .filter(|r| r.status == FileStatus::AlreadyLoaded)
        .collect();
    assert_eq!(already.len(), 1, "{already:?}");
    let stats = case.stats().await;
    assert_eq!(stats.sources as usize, reports.len() - 2);
    let stored = case.count("SELECT COUNT(*) FROM spans").await;
    assert_eq!(stats.spans, stored);
    assert_eq!(
        stats.logs,
        stats.logs_span_linked + stats.logs_trace_linked + stats.logs_orphan + stats.logs_unlinked
    );
    // logs.json names the span of trace.json: loaded together, it is span-linked.
    assert!(stats.logs_span_linked >= 1);
}
