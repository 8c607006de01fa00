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
    let of_trace = LogFilter {
        trace_id: Some(trace),
        ..LogFilter::default()
    };
    measure("logs of one trace", || reader.logs(&of_trace)).await;
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
