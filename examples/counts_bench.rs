//! Counts benchmark over a loaded case (issue 19, "Big cases"; see scripts/bench.sh):
//! the counts the app shows on open and per search — the case counters (`stats`),
//! the log count, histogram, facets and time density, the trace list's first page —
//! for the whole case and for selective queries (log terms included: their trace
//! side is set-based, `query::TraceSql`), first run and best of 3. Not a test: it
//! only prints.
//!
//! cargo run --release --example counts_bench -- CASE.weft [QUERY…]

use std::time::{Duration, Instant};

use weft::query::parse;
use weft::store::TraceFilter;
use weft::Store;

const RUNS: usize = 3;

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
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let first = times[0];
    times.sort();
    println!(
        "| {name:<58} | {:>10.1} ms | {:>10.1} ms |",
        ms(first),
        ms(times[0])
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let case = args.next().expect("usage: counts_bench CASE [QUERY…]");
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries = vec![
            String::new(),
            "service:checkout level>=error".to_string(),
            // A level term alone: its traces come from the partial index of migration 0022.
            "level:error".to_string(),
            "after:2024-06-01T00:03:00Z before:2024-06-01T00:04:00Z".to_string(),
            "timeout".to_string(),
            "deadlock".to_string(),
            "\"connection reset\"".to_string(),
        ];
    }
    let store = Store::open(std::path::Path::new(&case)).await?;
    let reader = store.reader().await?;
    println!("| call                                                       |      first    |  best of {RUNS}    |");
    println!("|------------------------------------------------------------|---------------|---------------|");
    measure(
        "stats (case counters, trace list's \"in the case\")",
        || reader.stats(),
    )
    .await;
    for text in &queries {
        let query = parse(text, 0)?;
        let shown = format!("`{text}`");
        measure(&format!("log count {shown}"), || reader.log_count(&query)).await;
        measure(&format!("log count up to 100 000 {shown}"), || {
            reader.log_count_upto(&query, 100_000)
        })
        .await;
        measure(&format!("histogram (200 buckets) {shown}"), || {
            reader.histogram(&query, 200, None)
        })
        .await;
        measure(&format!("facets {shown}"), || reader.facets(&query)).await;
        measure(&format!("time density {shown}"), || {
            reader.time_density(&query)
        })
        .await;
        let filter = TraceFilter {
            query: query.clone(),
            limit: 200,
            ..TraceFilter::default()
        };
        measure(&format!("trace list, first 200 {shown}"), || {
            reader.traces(&filter)
        })
        .await;
    }
    Ok(())
}
