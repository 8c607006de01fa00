//! The windowed trace calls on one trace of a loaded case (see
//! scripts/bench-trace-rows.sh): each call's first run on a fresh reader (the kept
//! layout read from the case, or laid out from the spans for a small trace), then
//! the median of `RUNS` more on the same reader. Not a test: it only prints.
//!
//! cargo run --release --example trace_rows_bench -- CASE.weft TRACE_ID [FIND_TEXT]

use std::time::{Duration, Instant};

use weft::store::Reader;
use weft::{SpanId, Store, TraceId};

const RUNS: usize = 11;

/// `run`'s first call on a fresh reader (nothing cached), then its median on one reader.
async fn measure<F, Fut, T>(name: &str, store: &Store, run: F)
where
    F: Fn(Reader) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let started = Instant::now();
    std::hint::black_box(run(fresh(store).await).await);
    let first = started.elapsed();
    let reader = fresh(store).await;
    std::hint::black_box(run(reader.clone()).await);
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        std::hint::black_box(run(reader.clone()).await);
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "| {name:<40} | {:>8.1} ms | {:>9.2} ms |",
        ms(first),
        ms(times[RUNS / 2])
    );
}

async fn fresh(store: &Store) -> Reader {
    store.reader().await.expect("reader")
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(case), Some(trace)) = (args.first(), args.get(1)) else {
        eprintln!("usage: trace_rows_bench CASE.weft TRACE_ID [FIND_TEXT]");
        std::process::exit(2);
    };
    let find = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "payment".to_string());
    let trace_id: TraceId = trace.parse().expect("a trace id");
    let store = Store::open(std::path::Path::new(case)).await.expect("case");
    let outline = fresh(&store)
        .await
        .trace_outline(trace_id)
        .await
        .expect("outline")
        .expect("the trace");
    println!(
        "trace {trace} ({} spans, {} rows, depth {}):",
        outline.span_count, outline.total_rows, outline.max_depth
    );
    println!("| call                                     | first      | median      |");
    println!("|------------------------------------------|------------|-------------|");
    let (start, end) = (outline.start_ns.clone(), outline.end_ns.clone());
    let from: i64 = start.parse().unwrap();
    let to: i64 = end.parse().unwrap();
    let depth2 = fresh(&store)
        .await
        .trace_collapse_to_depth(trace_id, 2)
        .await
        .unwrap()
        .unwrap();
    let depth2: Vec<SpanId> = depth2.iter().map(|id| id.parse().unwrap()).collect();
    measure("trace_outline", &store, |reader| async move {
        reader.trace_outline(trace_id).await.unwrap()
    })
    .await;
    measure("trace_rows 0..100", &store, |reader| async move {
        reader
            .trace_rows(trace_id, 0, 100, Vec::new())
            .await
            .unwrap()
    })
    .await;
    let last = outline.total_rows.saturating_sub(100);
    measure("trace_rows, the last 100", &store, |reader| async move {
        {
            reader
                .trace_rows(trace_id, last, last + 100, Vec::new())
                .await
                .unwrap()
        }
    })
    .await;
    measure(
        &format!("trace_rows 0..100, {} collapsed", depth2.len()),
        &store,
        |reader| {
            let collapsed = depth2.clone();
            async move {
                reader
                    .trace_rows(trace_id, 0, 100, collapsed)
                    .await
                    .unwrap()
            }
        },
    )
    .await;
    measure("trace_summary 1000 buckets", &store, |reader| async move {
        {
            reader
                .trace_overview(trace_id, from, to, 1000, Vec::new())
                .await
                .unwrap()
        }
    })
    .await;
    measure(&format!("trace_find {find:?}"), &store, |reader| {
        let find = find.clone();
        async move { reader.trace_find(trace_id, find, Vec::new()).await.unwrap() }
    })
    .await;
}
