//! Issue 23, point 3: the per-minute counts of traces and logs the app fits its
//! charts' time axes to (`Reader::time_density`), against the rows themselves, on a
//! real case whose files span 2012–2026.

use std::collections::BTreeMap;

use weft::query::parse;
use weft::store::{DensityBucket, LogFilter, TraceFilter, DENSITY_BUCKET_NS};

use crate::common::{fixture, TestCase};

const NOW: i64 = 1_793_710_000_000_000_000;

fn per_minute(times: impl Iterator<Item = i64>) -> Vec<DensityBucket> {
    let mut counts = BTreeMap::<i64, i64>::new();
    for time in times {
        *counts.entry(time / DENSITY_BUCKET_NS).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(minute, n)| DensityBucket {
            start_ns: minute * DENSITY_BUCKET_NS,
            n,
        })
        .collect()
}

#[tokio::test]
async fn issue_23_density_counts_every_trace_and_log_of_a_multi_year_case_per_minute() {
    let case = TestCase::new().await;
    case.ingest(&[
        fixture("demo"),
        fixture("jaeger-json/jaeger__cmd__anonymizer__app__uiconv__fixtures__trace_success.json"),
        fixture("logs-clef/seqcli__test__SeqCli.EndToEnd__Data__events.clef"),
        fixture("logs-text/lnav__test__logfile_logfmt.0"),
        fixture("logs-bunyan/node-bunyan__test__corpus__log1.log"),
    ])
    .await;
    let reader = case.store.reader().await.unwrap();
    let all_logs = reader.logs(&LogFilter::default()).await.unwrap();
    let all_traces = reader.traces(&TraceFilter::default()).await.unwrap();

    let density = reader.time_density(&parse("", NOW).unwrap()).await.unwrap();
    assert_eq!(density.bucket_ns, DENSITY_BUCKET_NS);
    assert_eq!(
        density.logs,
        per_minute(all_logs.iter().map(|log| log.ts_ns.unwrap()))
    );
    assert_eq!(
        density.traces,
        per_minute(all_traces.iter().map(|trace| trace.start_ns))
    );
    // The files really are years apart: 2012 (bunyan) to 2026 (the demo).
    let years = (density.logs.last().unwrap().start_ns - density.logs[0].start_ns)
        / (365 * 24 * 3600 * 1_000_000_000);
    assert!(years >= 14, "{years} years");

    // A query counts only its matches, from the rows (not `log_seconds`).
    let query = parse("service=payments", NOW).unwrap();
    let density = reader.time_density(&query).await.unwrap();
    let filter = LogFilter {
        query: query.clone(),
        ..LogFilter::default()
    };
    let matching_logs = reader.logs(&filter).await.unwrap();
    assert!(!matching_logs.is_empty());
    assert_eq!(
        density.logs,
        per_minute(matching_logs.iter().map(|log| log.ts_ns.unwrap()))
    );
    let matching_traces = reader
        .traces(&TraceFilter {
            query,
            ..TraceFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        density.traces,
        per_minute(matching_traces.iter().map(|trace| trace.start_ns))
    );

    // Nothing matching: no minute at all (the UI then draws no axis).
    let density = reader
        .time_density(&parse("\"no such words here\"", NOW).unwrap())
        .await
        .unwrap();
    assert!(density.logs.is_empty() && density.traces.is_empty());
}
