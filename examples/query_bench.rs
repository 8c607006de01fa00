//! Query benchmark over a loaded case (see scripts/bench.sh): p50 / p95 of the
//! searches the app makes, each run `RUNS` times. Not a test: it only prints.
//!
//! cargo run --release --example query_bench -- CASE.weft

use std::time::{Duration, Instant};

use weft::query::parse;
use weft::store::{Anchor, LogFilter, TraceFilter, TraceSort};
use weft::{Store, TraceId};

const RUNS: usize = 21;

async fn measure<F, Fut, T>(name: &str, mut run: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        std::hint::black_box(run().await);
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "| {name:<44} | {:>9.2} ms | {:>9.2} ms |",
        ms(times[RUNS / 2]),
        ms(times[RUNS * 95 / 100])
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let case = std::env::args().nth(1).expect("usage: query_bench CASE");
    let store = Store::open(std::path::Path::new(&case)).await?;
    let reader = store.reader().await?;
    let now = 0;
    let by_duration = TraceFilter {
        sort: TraceSort::Duration,
        limit: 100,
        ..TraceFilter::default()
    };
    let slowest = reader.traces(&by_duration).await?;
    let trace: TraceId = slowest
        .first()
        .expect("the case has traces")
        .trace_id
        .parse()?;
    let service = reader.facets(&parse("", now)?).await?.services[0]
        .value
        .clone();
    let stats = reader.stats().await?;
    println!(
        "case: {} logs, {} spans, {} traces",
        stats.logs, stats.spans, stats.traces
    );
    println!("| query                                        |       p50    |       p95    |");
    println!("|----------------------------------------------|--------------|--------------|");

    for word in ["checksum", "quarantined"] {
        let query = parse(word, now)?;
        let count = reader.log_count(&query).await?;
        measure(&format!("rare word `{word}` ({count}) first page"), || {
            reader.log_page(&query, Anchor::First, 100)
        })
        .await;
    }
    let common = parse("request", now)?;
    measure("common word `request` first page", || {
        reader.log_page(&common, Anchor::First, 100)
    })
    .await;
    measure("common word `request` count", || reader.log_count(&common)).await;
    let regex = parse("/dead(lock|line)/", now)?;
    measure("regex `/dead(lock|line)/` first page", || {
        reader.log_page(&regex, Anchor::First, 100)
    })
    .await;
    measure("regex `/dead(lock|line)/` count", || {
        reader.log_count(&regex)
    })
    .await;
    // A regex whose words are on many lines, and one with no word to ask the index for
    // (it runs on every line until the page is full).
    let common_regex = parse("/incoming req\\w+/", now)?;
    measure("regex `/incoming req\\w+/` first page", || {
        reader.log_page(&common_regex, Anchor::First, 100)
    })
    .await;
    let wordless = parse("/\\d{4}ms/", now)?;
    measure("regex `/\\d{4}ms/` (no words) first page", || {
        reader.log_page(&wordless, Anchor::First, 100)
    })
    .await;
    let errors = parse(&format!("level>=error service:{service}"), now)?;
    measure("`level>=error service:X` first page", || {
        reader.log_page(&errors, Anchor::First, 100)
    })
    .await;
    // Paths of the deferred log indexes (issue 22): a level without a service, a
    // rare level, a service alone, each from both ends; the logs of one span.
    for text in [
        "level>=error".to_string(),
        "level:fatal".to_string(),
        format!("service:{service}"),
    ] {
        let query = parse(&text, now)?;
        measure(&format!("`{text}` first page"), || {
            reader.log_page(&query, Anchor::First, 100)
        })
        .await;
        measure(&format!("`{text}` last page"), || {
            reader.log_page(&query, Anchor::Last, 100)
        })
        .await;
    }
    let of_trace = LogFilter {
        trace_id: Some(trace),
        ..LogFilter::default()
    };
    measure("logs of one trace", || reader.logs(&of_trace)).await;
    let logs_of_trace = reader.logs(&of_trace).await?;
    if let Some(span_id) = logs_of_trace.iter().find_map(|log| log.span_id.as_deref()) {
        let of_span = LogFilter {
            trace_id: Some(trace),
            span_id: Some(span_id.parse()?),
            limit: 100,
            ..LogFilter::default()
        };
        measure("logs of one span (first 100)", || reader.logs(&of_span)).await;
    }
    if let Some(log) = logs_of_trace.first() {
        measure("20 lines around a log (its file)", || {
            reader.log_context(log.id, 10, 10)
        })
        .await;
    }
    measure("one trace with its logs", || reader.trace(trace)).await;
    let all = parse("", now)?;
    measure("histogram of all logs (100 buckets)", || {
        reader.histogram(&all, 100, None)
    })
    .await;
    measure("trace list sorted by duration (100)", || {
        reader.traces(&by_duration)
    })
    .await;
    Ok(())
}
