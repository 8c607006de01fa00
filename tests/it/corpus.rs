//! Every OTLP and log file of the shared corpus (copied to tests/fixtures) loads
//! with the counts the independent checker found (EXPECTED.json), or fails with
//! the clear error it deserves.
//!
//! The checker counts one log per non-empty line of a text log; Weft joins
//! continuation lines (stack traces) to the record above, so for text logs the
//! lines covered by the records are compared instead.

use weft::ingest::FileStatus;

use crate::common::{decode, expected, fixture, TestCase};

fn number(entry: &serde_json::Value, key: &str) -> u64 {
    entry[key]
        .as_u64()
        .unwrap_or_else(|| panic!("EXPECTED entry has no `{key}`"))
}

#[tokio::test]
async fn every_fixture_loads_with_the_expected_counts() {
    let files = expected();
    assert!(files.len() >= 73, "fixtures missing from EXPECTED.json");
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
        let distinct = number(entry, "distinct_span_ids") as i64;
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
            number(entry, "span_links"),
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
