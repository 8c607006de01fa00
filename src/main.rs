//! The `weft` command line: `ingest`, `stats`, `traces`, `trace`, `logs`, `sources`,
//! the notebook's `mark`/`marks` (mark_cli.rs) and `report`, … over a case file.
//! Each subcommand is one engine call; `--json` prints the shapes of DESIGN.md
//! "CLI", otherwise `print` renders for people. Errors go to
//! stderr naming the file and the line or byte offset; the exit code is 1 when
//! anything failed.

mod mark_cli;
mod print;
mod shell_files;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{CommandFactory, Parser, Subcommand};
use weft::export::{self, ExportFormat, RetryPolicy};
use weft::ingest::{self, FileStatus, FollowEvent, IngestEvent, IngestOptions};
use weft::model::Link;
use weft::query::Query;
use weft::store::{LogFilter, RecordSelection, TraceFilter, TraceSort};
use weft::{analysis, SpanId, Store, TraceId};

/// Loads free on one thread what another allocated (decoder → writer); mimalloc does
/// that without the lock traffic of the system allocator (measured: ~15 % of the
/// writer thread's time went to `free`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "weft",
    version,
    about = "Traces and logs of an incident, joined in one case file"
)]
struct Cli {
    /// The case file (SQLite). Default: default.weft in the platform data folder.
    #[arg(long, global = true, env = "WEFT_CASE")]
    case: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load trace and log files or folders into the case.
    Ingest {
        /// Service name for log records that name none.
        #[arg(long)]
        service: Option<String>,
        /// Keep loading what is appended to the files (and new files in the folders),
        /// durably, until Ctrl-C or SIGTERM.
        #[arg(long)]
        follow: bool,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Receive OTLP (traces and logs) from SDKs and collectors into the case, until
    /// Ctrl-C or SIGTERM: HTTP `POST /v1/traces`, `/v1/logs` (protobuf or JSON, gzip)
    /// and gRPC `TraceService/Export`, `LogsService/Export`. Each request is answered
    /// once its records are durable in the case.
    Receive {
        /// The OTLP/HTTP address, or `off`.
        #[arg(long, value_name = "ADDR|off", default_value = "127.0.0.1:4318", value_parser = parse_listen)]
        http: Listen,
        /// The OTLP/gRPC address, or `off`.
        #[arg(long, value_name = "ADDR|off", default_value = "127.0.0.1:4317", value_parser = parse_listen)]
        grpc: Listen,
        /// Listen on addresses other than loopback (other machines can then write into
        /// the case; a warning is printed).
        #[arg(long)]
        allow_remote: bool,
        /// The largest request taken, in bytes (decompressed); larger ones are refused (413).
        #[arg(long, value_name = "BYTES", default_value_t = weft::receive::ReceiveConfig::default().max_body_bytes)]
        max_body_bytes: usize,
        /// Seconds between two lines of counts (when something arrived).
        #[arg(long, value_name = "SECONDS", default_value_t = 5)]
        every: u64,
    },
    /// Counts of the case: sources, traces, spans, logs by link state, services.
    Stats,
    /// Writes the shell completions (bash, zsh, fish) and the man page into DIR:
    /// the packaging step's, so hidden.
    #[command(hide = true)]
    ShellFiles { dir: PathBuf },
    /// List traces (those with a span or a log matching QUERY).
    Traces {
        /// The query (DESIGN.md "Query language"); several words are one query.
        query: Vec<String>,
        /// Order: start, duration (longest first) or errors (most first).
        #[arg(long, value_enum, default_value_t = SortArg::Start)]
        sort: SortArg,
        /// Only this trace.
        #[arg(long)]
        trace: Option<TraceId>,
        /// Only the trace holding this span.
        #[arg(long)]
        span: Option<SpanId>,
        #[arg(long, default_value_t = 100)]
        limit: u64,
        #[arg(long, default_value_t = 0)]
        offset: u64,
    },
    /// One trace: its spans with their logs, and its logs that name no span of the case;
    /// with --json also each span's self time and the critical path.
    Trace {
        trace_id: TraceId,
        /// Print the critical path (what the request waited on, in time order) and the
        /// spans with the most time on it and the most self time.
        #[arg(long)]
        critical_path: bool,
        /// Put the spans of hosts whose clock is off on the reference clock (the
        /// roots' hosts) before showing them; the case is not changed.
        #[arg(long)]
        adjust_skew: bool,
        /// Only visible rows START to END (END excluded) of the trace's waterfall,
        /// read from its layout (kept in the case for big traces): a window of a
        /// trace of any size.
        #[arg(long, value_name = "START:END", value_parser = parse_rows_arg)]
        rows: Option<(u32, u32)>,
        /// With --rows: span ids whose children are hidden.
        #[arg(long, value_name = "ID,ID", value_delimiter = ',', requires = "rows")]
        collapsed: Vec<SpanId>,
    },
    /// Compare two traces (spans matched by their path of service and name from the
    /// root), or a selection of traces with the rest (which attributes set it apart).
    Compare {
        /// The two traces: A and B.
        #[arg(num_args = 0..=2)]
        traces: Vec<TraceId>,
        /// Instead of two traces: the traces matching this query ...
        #[arg(long, value_name = "QUERY", conflicts_with = "traces")]
        selection: Option<String>,
        /// ... against the traces matching this one (default: every other trace).
        #[arg(long, value_name = "QUERY", requires = "selection")]
        baseline: Option<String>,
    },
    /// RED per service (calls, errors, exact duration percentiles) and its logs, for
    /// the spans and logs matching QUERY.
    Services {
        /// The query (DESIGN.md "Query language"); several words are one query.
        query: Vec<String>,
        /// Also each service's calls, errors and p95 per time bucket (`series`), this
        /// many buckets over the spans' starts.
        #[arg(long, value_name = "N")]
        buckets: Option<usize>,
    },
    /// RED per operation (service, span name, kind) for the spans matching QUERY.
    Operations {
        query: Vec<String>,
        /// Only this service's operations.
        #[arg(long)]
        service: Option<String>,
        /// Also each operation's time series (see `services --buckets`).
        #[arg(long, value_name = "N")]
        buckets: Option<usize>,
    },
    /// The call graph between services (and the databases and APIs they call that
    /// send no spans), for the spans matching QUERY.
    Map { query: Vec<String> },
    /// Service level objectives of operations and the error budget the case burned
    /// (without a subcommand: every objective evaluated).
    Slo {
        #[command(subcommand)]
        action: Option<SloAction>,
        /// Buckets of each objective's time series (good and bad calls).
        #[arg(long, default_value_t = 24)]
        buckets: usize,
    },
    /// What is wrong with the telemetry itself: missing parents and roots, lost
    /// context, unended spans, clock skew, logs without trace ids, … (issue 17), for
    /// the traces with a span matching QUERY and the logs matching it.
    Doctor { query: Vec<String> },
    /// List logs matching QUERY in time order.
    Logs {
        /// The query (DESIGN.md "Query language"); several words are one query.
        query: Vec<String>,
        /// Instead: the lines around this log line in its file.
        #[arg(long, value_name = "LOG_ID")]
        around: Option<i64>,
        /// Lines before and after for --around.
        #[arg(long, default_value_t = 5)]
        context: u32,
        #[arg(long)]
        trace: Option<TraceId>,
        #[arg(long)]
        span: Option<SpanId>,
        /// Only logs in this link state: span, trace, orphan or unlinked.
        #[arg(long, value_parser = parse_link)]
        link: Option<Link>,
        #[arg(long, default_value_t = 100)]
        limit: u64,
        #[arg(long, default_value_t = 0)]
        offset: u64,
    },
    /// The files loaded into the case, with their status and counts.
    Sources,
    /// Mark evidence of the case, or write a note, for the postmortem notebook.
    Mark {
        #[command(subcommand)]
        action: mark_cli::MarkAction,
    },
    /// The notebook's marks: the timeline under its phases (--json: every mark).
    Marks,
    /// The postmortem report: the timeline, each note with its evidence, the sources.
    Report {
        /// md (an SVG file per cited trace in FILE.assets/) or html (one file).
        #[arg(long, value_enum, default_value_t = ReportFormatArg::Html)]
        format: ReportFormatArg,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// Write the traces matching QUERY or named by --traces (all their spans and logs)
    /// and the logs matching QUERY as OTLP, to a file or an OTLP/HTTP receiver;
    /// without QUERY and --traces, the whole case.
    Export {
        /// The query (DESIGN.md "Query language"); several words are one query.
        query: Vec<String>,
        /// These traces too (with all their spans and logs).
        #[arg(long = "traces", value_name = "ID", num_args = 1..)]
        traces: Vec<TraceId>,
        /// The file to write.
        #[arg(
            short = 'o',
            long = "output",
            value_name = "FILE",
            required_unless_present = "to"
        )]
        output: Option<PathBuf>,
        /// Instead: push OTLP/HTTP protobuf (gzip) to URL/v1/traces and URL/v1/logs,
        /// e.g. http://127.0.0.1:4318.
        #[arg(long, value_name = "URL", conflicts_with_all = ["output", "format"])]
        to: Option<String>,
        /// otlp-json (a document for the spans, one for the logs), otlp-jsonl (the
        /// Collector file exporter's JSON Lines) or otlp-proto (its length-prefixed
        /// protobuf).
        #[arg(long, value_enum)]
        format: Option<ExportFormatArg>,
    },
    /// What an OpenTelemetry Collector tail sampling policy would have kept of the
    /// case's traces (those matching QUERY): the config file with
    /// `processors: tail_sampling:`, or just that section.
    Sample {
        /// The Collector configuration (YAML).
        #[arg(long, value_name = "FILE.yaml")]
        policy: PathBuf,
        /// Print the kept trace ids, one a line, instead of the counts.
        #[arg(long)]
        ids: bool,
        /// Keep each trace's decision in the case (replacing the simulation applied
        /// before), for the query terms `sampled:kept` and `sampled:dropped`.
        #[arg(long)]
        apply: bool,
        query: Vec<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormatArg {
    Md,
    Html,
}

/// The names are the formats' own (`otlp-json`, …): clap spells them from the variants.
#[allow(clippy::enum_variant_names)]
#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormatArg {
    OtlpJson,
    OtlpJsonl,
    OtlpProto,
}

impl From<ExportFormatArg> for ExportFormat {
    fn from(format: ExportFormatArg) -> Self {
        match format {
            ExportFormatArg::OtlpJson => ExportFormat::OtlpJson,
            ExportFormatArg::OtlpJsonl => ExportFormat::OtlpJsonl,
            ExportFormatArg::OtlpProto => ExportFormat::OtlpProto,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SortArg {
    Start,
    Duration,
    Errors,
}

#[derive(Subcommand)]
enum SloAction {
    /// Keep an objective, e.g. `weft slo add "checkout: POST /api/checkout" --p95 300ms
    /// --errors 1%` (an objective the operation had is replaced).
    Add {
        /// The operation: `service: span name`.
        operation: String,
        /// 95 % of the calls under this duration.
        #[arg(long, value_parser = parse_duration_arg)]
        p95: Option<i64>,
        /// At most this share of the calls with an error status (`1%` or `0.01`).
        #[arg(long, value_parser = parse_share_arg)]
        errors: Option<f64>,
    },
    /// Remove objective ID.
    Remove { id: i64 },
}

/// An address to listen on, or none (`off`).
#[derive(Clone, Copy)]
struct Listen(Option<std::net::SocketAddr>);

fn parse_listen(text: &str) -> Result<Listen, String> {
    if text.eq_ignore_ascii_case("off") {
        return Ok(Listen(None));
    }
    text.parse()
        .map(|addr| Listen(Some(addr)))
        .map_err(|_| format!("`{text}` is not an address like 127.0.0.1:4318 (or `off`)"))
}

fn parse_duration_arg(text: &str) -> Result<i64, String> {
    analysis::slo::read_p95(text).map_err(|error| error.to_string())
}

/// `START:END`, two row numbers.
fn parse_rows_arg(text: &str) -> Result<(u32, u32), String> {
    let (start, end) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?} is not START:END"))?;
    let number = |part: &str| {
        part.trim()
            .parse::<u32>()
            .map_err(|_| format!("{part:?} in {text:?} is not a row number"))
    };
    Ok((number(start)?, number(end)?))
}

fn parse_share_arg(text: &str) -> Result<f64, String> {
    analysis::slo::read_error_share(text).map_err(|error| error.to_string())
}

impl From<SortArg> for TraceSort {
    fn from(sort: SortArg) -> Self {
        match sort {
            SortArg::Start => TraceSort::Start,
            SortArg::Duration => TraceSort::Duration,
            SortArg::Errors => TraceSort::Errors,
        }
    }
}

/// Parses the query words; an error shows the query with a caret under the column.
fn parse_query(words: &[String]) -> Result<Query> {
    let text = words.join(" ");
    weft::query::parse(&text, weft::time::now_ns()).map_err(|error| {
        let caret = " ".repeat(error.column().saturating_sub(1));
        anyhow::anyhow!("query: {error}\n  {text}\n  {caret}^")
    })
}

/// `weft ingest --follow`: runs until Ctrl-C or SIGTERM; every append is committed
/// before it is printed, so stopping loses nothing that was reported.
async fn follow_files(
    store: &Store,
    paths: &[PathBuf],
    options: &IngestOptions,
    json: bool,
) -> Result<ExitCode> {
    let cancel = options.cancel.clone();
    tokio::spawn(async move {
        stop_signal().await;
        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let mut progress = print::Progress::new(!json && std::io::stderr().is_terminal());
    let mut on_event = |event: FollowEvent| match &event {
        FollowEvent::Ingest { progress: event } => progress.show(event),
        FollowEvent::Following { report, .. } | FollowEvent::NotFollowable { report } => {
            print::report_problems(report);
            if json {
                print::outln!(
                    "{}",
                    serde_json::to_string(report).expect("reports serialize")
                );
            } else {
                print::file_report(report);
                if matches!(event, FollowEvent::NotFollowable { .. }) {
                    eprintln!(
                        "weft: {}: not followed (not a line-oriented format)",
                        report.path
                    );
                }
            }
        }
        _ if json => print::outln!(
            "{}",
            serde_json::to_string(&event).expect("events serialize")
        ),
        FollowEvent::Appended {
            path,
            spans,
            logs,
            problems,
            ..
        } => {
            print::outln!("{path}: +{spans} spans, +{logs} logs");
            for problem in problems {
                eprintln!("weft: warning: {path}: {problem}");
            }
        }
        FollowEvent::Restarted { path, reason } => {
            eprintln!("weft: {path}: {reason}; its new content is a new source")
        }
        FollowEvent::Finished { path, .. } => eprintln!("weft: {path}: read to its end"),
        FollowEvent::Unreadable { path, message } => {
            eprintln!("weft: {path}: {message} (tried again)")
        }
    };
    ingest::follow(store, paths, options, &mut on_event).await?;
    Ok(ExitCode::SUCCESS)
}

/// `weft receive`: listens until Ctrl-C or SIGTERM, printing what arrived every
/// `every` seconds (when anything did) and at the end.
async fn receive(
    store: Store,
    config: weft::receive::ReceiveConfig,
    every: u64,
    json: bool,
) -> Result<ExitCode> {
    use weft::receive::describe_counts;
    for addr in config.http.iter().chain(config.grpc.iter()) {
        // Without --allow-remote, `start` refuses such an address with its own message.
        if config.allow_remote && !addr.ip().is_loopback() {
            eprintln!(
                "weft: warning: listening on {addr}: other machines can send records into {}",
                store.path().display()
            );
        }
    }
    let receiving = weft::receive::start(store.clone(), config).await?;
    let (http, grpc) = (receiving.http_addr(), receiving.grpc_addr());
    if json {
        let listening = serde_json::json!({
            "listening": { "http": http.map(|a| a.to_string()), "grpc": grpc.map(|a| a.to_string()) },
            "case": store.path().display().to_string(),
        });
        print::outln!("{listening}");
    } else {
        if let Some(addr) = http {
            print::outln!("OTLP/HTTP: http://{addr} (POST /v1/traces, /v1/logs)");
        }
        if let Some(addr) = grpc {
            print::outln!("OTLP/gRPC: {addr}");
        }
        print::outln!("into {}; Ctrl-C stops", store.path().display());
    }
    let print_counts = |counts: &weft::receive::ReceiveCounts| {
        if json {
            print::outln!("{}", serde_json::json!({ "received": counts }));
        } else {
            print::outln!("received: {}", describe_counts(counts));
        }
    };
    let stop = stop_signal();
    tokio::pin!(stop);
    let mut shown = receiving.counts();
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(every.max(1)));
    ticks.tick().await;
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = ticks.tick() => {
                let counts = receiving.counts();
                if counts != shown {
                    print_counts(&counts);
                    shown = counts;
                }
            }
        }
    }
    let counts = receiving.stop().await?;
    print_counts(&counts);
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C, or SIGTERM where there is one.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn parse_link(text: &str) -> Result<Link, String> {
    Link::parse(text).ok_or_else(|| format!("`{text}` is not one of span, trace, orphan, unlinked"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version are not errors; every real error exits 1, as DESIGN.md says.
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("weft: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    // Needs no case: the packaging step runs it on a machine without one.
    if let Command::ShellFiles { dir } = &cli.command {
        shell_files::write(Cli::command(), dir)?;
        return Ok(ExitCode::SUCCESS);
    }
    let case = cli.case.clone().unwrap_or_else(Store::default_path);
    let store = Store::open(&case).await?;
    let json = cli.json;
    match cli.command {
        Command::Ingest {
            service,
            follow,
            paths,
        } => {
            let options = IngestOptions {
                service,
                ..IngestOptions::default()
            };
            if follow {
                return follow_files(&store, &paths, &options, json).await;
            }
            let mut progress = print::Progress::new(!json && std::io::stderr().is_terminal());
            let mut on_event = |event: IngestEvent| progress.show(&event);
            let reports = ingest::ingest(&store, &paths, &options, &mut on_event).await?;
            // The case on disk is then the database alone (no write-ahead log left over).
            store.writer().await?.checkpoint().await?;
            let mut failed = false;
            for report in &reports {
                print::report_problems(report);
                failed |= matches!(report.status, FileStatus::Failed | FileStatus::Cancelled);
                if json {
                    print::outln!("{}", serde_json::to_string(report)?);
                } else {
                    print::file_report(report);
                }
            }
            return Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            });
        }
        // Answered before the case is opened (above).
        Command::ShellFiles { .. } => {}
        Command::Receive {
            http,
            grpc,
            allow_remote,
            max_body_bytes,
            every,
        } => {
            let config = weft::receive::ReceiveConfig {
                http: http.0,
                grpc: grpc.0,
                allow_remote,
                max_body_bytes,
            };
            return receive(store, config, every, json).await;
        }
        Command::Stats => {
            let stats = store.reader().await?.stats().await?;
            if json {
                print::outln!("{}", serde_json::to_string(&stats)?);
            } else {
                print::stats(&stats);
            }
        }
        Command::Traces {
            query,
            sort,
            trace,
            span,
            limit,
            offset,
        } => {
            let query = parse_query(&query)?;
            let filter = TraceFilter {
                query,
                trace_id: trace,
                span_id: span,
                sort: sort.into(),
                limit,
                offset,
            };
            let traces = store.reader().await?.traces(&filter).await?;
            if json {
                print::outln!("{}", serde_json::to_string(&traces)?);
            } else {
                print::traces(&traces);
            }
        }
        Command::Trace {
            trace_id,
            rows: Some((start, end)),
            collapsed,
            ..
        } => {
            let reader = store.reader().await?;
            let missing = || format!("trace {trace_id} is not in case {}", case.display());
            let outline = reader
                .trace_outline(trace_id)
                .await?
                .with_context(missing)?;
            let rows = reader
                .trace_rows(trace_id, start, end, collapsed)
                .await?
                .with_context(missing)?;
            let rows = weft::store::TraceRowsJson::new(&outline, rows);
            if json {
                print::outln!("{}", serde_json::to_string(&rows)?);
            } else {
                print::trace_rows(&rows);
            }
        }
        Command::Trace {
            trace_id,
            critical_path,
            adjust_skew,
            ..
        } => {
            let reader = store.reader().await?;
            let trace = reader
                .trace(trace_id)
                .await?
                .with_context(|| format!("trace {trace_id} is not in case {}", case.display()))?;
            let (trace, analysis) = if adjust_skew {
                analysis::analyse_trace_adjusted(&trace)
            } else {
                let analysis = analysis::analyse_trace(&trace);
                (trace, analysis)
            };
            if json {
                let findings = reader.trace_findings(trace_id).await?;
                let analysed = analysis::AnalysedTrace::new(&trace, &analysis, &findings);
                print::outln!("{}", serde_json::to_string(&analysed)?);
            } else if critical_path {
                print::critical_path(&trace, &analysis);
            } else {
                print::trace(&trace);
            }
            if !json {
                print::skew(&analysis);
            }
        }
        Command::Compare {
            traces,
            selection,
            baseline,
        } => {
            let reader = store.reader().await?;
            if let Some(selection) = selection {
                let baseline = baseline.map(|text| parse_query(&[text])).transpose()?;
                let ranked = reader
                    .compare_selection(&parse_query(&[selection])?, baseline.as_ref())
                    .await?;
                if json {
                    print::outln!("{}", serde_json::to_string(&ranked)?);
                } else {
                    print::selection_comparison(&ranked);
                }
            } else {
                let [a, b] = <[TraceId; 2]>::try_from(traces).map_err(|_| {
                    anyhow::anyhow!("weft compare needs two trace ids, or --selection QUERY")
                })?;
                let mut views = Vec::new();
                for id in [a, b] {
                    let view = reader
                        .trace(id)
                        .await?
                        .with_context(|| format!("trace {id} is not in case {}", case.display()))?;
                    views.push(view);
                }
                let nodes = analysis::compare::compare_traces(&views[0], &views[1]);
                if json {
                    print::outln!("{}", serde_json::to_string(&nodes)?);
                } else {
                    print::trace_comparison(&a, &b, &nodes);
                }
            }
        }
        Command::Services { query, buckets } => {
            let (tally, logs) = store
                .reader()
                .await?
                .service_tally(&parse_query(&query)?)
                .await?;
            let axis = buckets.and_then(|buckets| tally.axis(buckets));
            let services = tally.services(&logs.services, axis.as_ref());
            if json {
                print::outln!("{}", serde_json::to_string(&services)?);
            } else {
                print::services(&services);
            }
        }
        Command::Operations {
            query,
            service,
            buckets,
        } => {
            let (tally, logs) = store
                .reader()
                .await?
                .service_tally(&parse_query(&query)?)
                .await?;
            let axis = buckets.and_then(|buckets| tally.axis(buckets));
            let mut operations = tally.operations(&logs.operations, axis.as_ref());
            if let Some(service) = service {
                operations.retain(|operation| operation.service == service);
            }
            if json {
                print::outln!("{}", serde_json::to_string(&operations)?);
            } else {
                print::operations(&operations);
            }
        }
        Command::Map { query } => {
            let (tally, _) = store
                .reader()
                .await?
                .service_tally(&parse_query(&query)?)
                .await?;
            let map = tally.map();
            if json {
                print::outln!("{}", serde_json::to_string(&map)?);
            } else {
                print::service_map(&map);
            }
        }
        Command::Slo { action, buckets } => match action {
            Some(SloAction::Add {
                operation,
                p95,
                errors,
            }) => {
                let (service, name) = analysis::slo::read_operation(&operation)?;
                anyhow::ensure!(
                    p95.is_some() || errors.is_some(),
                    "an objective needs --p95 or --errors (or both)"
                );
                let id = store
                    .writer()
                    .await?
                    .set_objective(&service, &name, p95, errors)
                    .await?;
                print::outln!("objective {id}: {service}: {name}");
            }
            Some(SloAction::Remove { id }) => {
                anyhow::ensure!(
                    store.writer().await?.remove_objective(id).await?,
                    "no objective {id} in case {}",
                    case.display()
                );
            }
            None => {
                let reports = store.reader().await?.slo_reports(buckets).await?;
                if json {
                    print::outln!("{}", serde_json::to_string(&reports)?);
                } else {
                    print::objectives(&reports);
                }
            }
        },
        Command::Doctor { query } => {
            let report = store.reader().await?.doctor(&parse_query(&query)?).await?;
            if json {
                print::outln!("{}", serde_json::to_string(&report)?);
            } else {
                print::doctor(&report);
            }
        }
        Command::Logs {
            query,
            around,
            context,
            trace,
            span,
            link,
            limit,
            offset,
        } => {
            let reader = store.reader().await?;
            let logs = match around {
                Some(log_id) => reader.log_context(log_id, context, context).await?,
                None => {
                    let query = parse_query(&query)?;
                    let filter = LogFilter {
                        query,
                        trace_id: trace,
                        span_id: span,
                        link,
                        limit,
                        offset,
                    };
                    reader.logs(&filter).await?
                }
            };
            if json {
                print::outln!("{}", serde_json::to_string(&logs)?);
            } else {
                logs.iter().for_each(print::log_line);
            }
        }
        Command::Sample {
            policy,
            ids,
            apply,
            query,
        } => {
            let text = analysis::sampling::read_policy_file(&policy)?;
            let config = analysis::sampling::parse_config(&text)
                .map_err(|error| anyhow::anyhow!("{}: {error}", policy.display()))?;
            let query_text = query.join(" ");
            let query = if query.is_empty() {
                None
            } else {
                Some(parse_query(&query)?)
            };
            let simulation = store
                .reader()
                .await?
                .simulate_sampling(&config, query.as_ref())
                .await?;
            if apply {
                let decided = simulation
                    .decided
                    .iter()
                    .map(|(trace_id, kept, _, _)| (*trace_id, *kept))
                    .collect();
                store
                    .writer()
                    .await?
                    .apply_sampling(&text, &query_text, decided)
                    .await?;
            }
            if ids {
                print::sample_ids(&simulation);
            } else if json {
                print::outln!("{}", serde_json::to_string(&simulation.report)?);
            } else {
                print::sample(&simulation.report);
            }
        }
        Command::Mark { action } => mark_cli::run(&store, action).await?,
        Command::Marks => mark_cli::list(&store, json).await?,
        Command::Report { format, output } => {
            let format = match format {
                ReportFormatArg::Md => weft::report::ReportFormat::Markdown,
                ReportFormatArg::Html => weft::report::ReportFormat::Html,
            };
            let reader = store.reader().await?;
            let written = weft::report::write_report(&reader, &case, format, &output).await?;
            for path in written {
                eprintln!("weft: wrote {}", path.display());
            }
        }
        Command::Export {
            query,
            traces,
            output,
            to,
            format,
        } => {
            let selection = RecordSelection {
                query: if query.is_empty() {
                    None
                } else {
                    Some(parse_query(&query)?)
                },
                trace_ids: traces,
            };
            let reader = store.reader().await?;
            let (counts, target) = match (to, output) {
                (Some(url), _) => {
                    let counts =
                        export::export_to_url(&reader, &selection, &url, RetryPolicy::default())
                            .await?;
                    (counts, url)
                }
                (None, Some(path)) => {
                    let format = format.map_or(ExportFormat::OtlpJson, ExportFormat::from);
                    let counts = export::export_to_file(&reader, &selection, &path, format).await?;
                    (counts, path.display().to_string())
                }
                (None, None) => unreachable!("clap requires --output or --to"),
            };
            if json {
                print::outln!("{}", serde_json::to_string(&counts)?);
            } else {
                eprintln!(
                    "weft: exported {} spans and {} logs to {target} ({} requests)",
                    counts.spans, counts.logs, counts.requests
                );
            }
            if counts.rejected_spans + counts.rejected_logs > 0 {
                eprintln!(
                    "weft: warning: {target} rejected {} spans and {} logs",
                    counts.rejected_spans, counts.rejected_logs
                );
            }
        }
        Command::Sources => {
            let sources = store.reader().await?.sources().await?;
            if json {
                print::outln!("{}", serde_json::to_string(&sources)?);
            } else {
                print::sources(&sources);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
