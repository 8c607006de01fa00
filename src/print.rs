//! Human-readable output of the CLI: the ingest progress bar (a terminal only),
//! problems on stderr, and plain tables of stats, traces, spans and logs.
//! `--json` output does not come through here.

use std::collections::HashMap;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use weft::analysis::compare::{CompareNode, SelectionComparison};
use weft::analysis::quality::Doctor;
use weft::analysis::services::{OperationRed, ServiceMap, ServiceRed};
use weft::analysis::slo::SloReport;
use weft::analysis::TraceAnalysis;
use weft::ingest::{FileReport, FileStatus, IngestEvent, LoadPhase};
use weft::report::text::duration;
use weft::severity;
use weft::store::{LogView, SourceView, SpanView, Stats, TraceSummary, TraceView};
use weft::time::format_rfc3339;
use weft::TraceId;

/// `println!` that ends the process quietly when stdout is closed (`weft logs | head`).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::print::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

pub fn write_stdout(args: std::fmt::Arguments) {
    use std::io::Write;
    if let Err(error) = std::io::stdout().lock().write_fmt(args) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("weft: cannot write output: {error}");
        std::process::exit(1);
    }
}

/// How many problems of one file are printed; the rest are counted.
const PRINTED_PROBLEMS: usize = 10;

/// A progress bar per file on a terminal; nothing otherwise.
pub struct Progress {
    enabled: bool,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        Progress { enabled, bar: None }
    }

    pub fn show(&mut self, event: &IngestEvent) {
        if !self.enabled {
            return;
        }
        match event {
            IngestEvent::Started { path, bytes_total } => {
                let bar = ProgressBar::new(*bytes_total);
                bar.set_style(
                    ProgressStyle::with_template(
                        "{msg:30!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
                bar.set_message(file_name(path));
                bar.enable_steady_tick(Duration::from_millis(200));
                self.bar = Some(bar);
            }
            IngestEvent::Progress { bytes_read, .. } => {
                if let Some(bar) = &self.bar {
                    bar.set_position(*bytes_read);
                }
            }
            IngestEvent::Phase {
                path,
                phase,
                done,
                total,
            } => {
                if let Some(bar) = &self.bar {
                    let name = file_name(path);
                    bar.set_message(match phase {
                        LoadPhase::Rows => name,
                        LoadPhase::Indexing => format!("{name}: indexing"),
                        LoadPhase::SearchIndex => format!("{name}: search index"),
                    });
                    if *total > 0 {
                        bar.set_length(*total);
                        bar.set_position(*done);
                    }
                }
            }
            IngestEvent::Finished { .. } => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
            }
        }
    }
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path).file_name().map_or_else(
        || path.to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// Problems of a file on stderr: errors for a failed file, warnings otherwise.
pub fn report_problems(report: &FileReport) {
    let kind = match report.status {
        FileStatus::Failed | FileStatus::Cancelled => "error",
        _ => "warning",
    };
    if report.status == FileStatus::AlreadyLoaded {
        return;
    }
    for problem in report.errors.iter().take(PRINTED_PROBLEMS) {
        eprintln!("weft: {kind}: {}: {problem}", report.path);
    }
    if report.errors.len() > PRINTED_PROBLEMS {
        eprintln!(
            "weft: {kind}: {}: … and {} more problems",
            report.path,
            report.errors.len() - PRINTED_PROBLEMS
        );
    }
}

pub fn file_report(report: &FileReport) {
    let format = report.format.as_deref().unwrap_or("?");
    match report.status {
        FileStatus::AlreadyLoaded => outln!("{}: already loaded ({format})", report.path),
        FileStatus::Failed if report.spans + report.logs == 0 => {
            outln!("{}: failed", report.path)
        }
        FileStatus::Cancelled => outln!("{}: cancelled", report.path),
        status => outln!(
            "{}: {}{format}, {} spans, {} logs, {} unparsed",
            report.path,
            if status == FileStatus::Failed {
                "failed part-way, "
            } else {
                ""
            },
            report.spans,
            report.logs,
            report.unparsed
        ),
    }
}

pub fn stats(stats: &Stats) {
    outln!("sources  {}", stats.sources);
    outln!("traces   {}", stats.traces);
    outln!(
        "spans    {} ({} with errors)",
        stats.spans,
        stats.error_spans
    );
    outln!(
        "logs     {} (span-linked {}, trace-linked {}, orphan {}, unlinked {})",
        stats.logs,
        stats.logs_span_linked,
        stats.logs_trace_linked,
        stats.logs_orphan,
        stats.logs_unlinked
    );
    if !stats.services.is_empty() {
        outln!("");
        outln!("{:<32} {:>10} {:>10}", "SERVICE", "SPANS", "LOGS");
        for service in &stats.services {
            outln!(
                "{:<32} {:>10} {:>10}",
                service.name,
                service.spans,
                service.logs
            );
        }
    }
}

pub fn traces(traces: &[TraceSummary]) {
    outln!(
        "{:<32}  {:<30}  {:>12}  {:>5}  {:>4}  {:>5}  ROOT",
        "TRACE",
        "START",
        "DURATION",
        "SPANS",
        "ERR",
        "LOGS"
    );
    for trace in traces {
        outln!(
            "{:<32}  {:<30}  {:>12}  {:>5}  {:>4}  {:>5}  {}: {}",
            trace.trace_id,
            format_rfc3339(trace.start_ns),
            duration(trace.duration_ns),
            trace.spans,
            trace.errors,
            trace.logs,
            trace.root_service,
            trace.root_name
        );
    }
}

/// The span tree, children under parents in start order, each span's logs beneath it.
/// A window of a trace's rows (`weft trace ID --rows`): one line per row, indented
/// by depth; a placeholder row stands for a parent span the case does not hold.
pub fn trace_rows(rows: &weft::store::TraceRowsJson) {
    outln!("trace {} ({} rows)", rows.trace_id, rows.total_rows);
    for row in &rows.rows {
        let indent = "  ".repeat(row.depth as usize);
        let error = if row.status == weft::model::StatusCode::Error {
            " ERROR"
        } else {
            ""
        };
        let name = if row.placeholder {
            "(missing parent)"
        } else {
            row.name.as_str()
        };
        outln!(
            "{:>8} {indent}{} {}: {}  {}{error}",
            row.row,
            row.span_id,
            row.service,
            name,
            duration(row.end_ns - row.start_ns)
        );
    }
}

pub fn trace(trace: &TraceView) {
    outln!("trace {}", trace.trace_id);
    let ids: std::collections::HashSet<&str> = trace
        .spans
        .iter()
        .map(|span| span.span_id.as_str())
        .collect();
    let mut children: HashMap<Option<&str>, Vec<&SpanView>> = HashMap::new();
    for span in &trace.spans {
        let parent = span
            .parent_span_id
            .as_deref()
            .filter(|parent| ids.contains(parent));
        children.entry(parent).or_default().push(span);
    }
    let start = trace_start(trace);
    let mut stack: Vec<(&SpanView, usize)> = children
        .get(&None)
        .into_iter()
        .flatten()
        .rev()
        .map(|span| (*span, 0))
        .collect();
    while let Some((span, depth)) = stack.pop() {
        let indent = "  ".repeat(depth);
        let error = if span.status == weft::model::StatusCode::Error {
            " ERROR"
        } else {
            ""
        };
        outln!(
            "{indent}{} {}: {}  +{} {}{error}",
            span.span_id,
            span.service,
            span.name,
            duration(span.start_ns - start),
            duration(span.end_ns - span.start_ns)
        );
        for log in &span.logs {
            write_stdout(format_args!("{indent}    "));
            log_line(log);
        }
        if let Some(kids) = children.get(&Some(span.span_id.as_str())) {
            stack.extend(kids.iter().rev().map(|kid| (*kid, depth + 1)));
        }
    }
    if !trace.trace_logs.is_empty() {
        outln!("logs of this trace whose span is not in the case:");
        for log in &trace.trace_logs {
            write_stdout(format_args!("    "));
            log_line(log);
        }
    }
}

/// `weft trace ID --critical-path`: the path in time order, then the spans with the
/// most time on it and with the most self time.
pub fn critical_path(trace: &TraceView, analysis: &TraceAnalysis) {
    const TOP: usize = 5;
    let by_id: HashMap<&str, &SpanView> = trace
        .spans
        .iter()
        .rev()
        .map(|span| (span.span_id.as_str(), span))
        .collect();
    let label = |id: &str| {
        by_id.get(id).map_or_else(
            || id.to_string(),
            |span| format!("{}: {}", span.service, span.name),
        )
    };
    let start = trace_start(trace);
    let total: i64 = analysis
        .critical_path
        .iter()
        .map(|section| section.end_ns - section.start_ns)
        .sum();
    outln!("trace {}", trace.trace_id);
    let sections = analysis.critical_path.len();
    let noun = if sections == 1 { "section" } else { "sections" };
    outln!("critical path: {sections} {noun}, {}", duration(total));
    for section in &analysis.critical_path {
        outln!(
            "  +{:<10} {:>10}  {}  {}",
            duration(section.start_ns - start),
            duration(section.end_ns - section.start_ns),
            section.span_id,
            label(&section.span_id)
        );
    }
    outln!("most time on the critical path:");
    for (id, ns) in analysis.time_on_path().into_iter().take(TOP) {
        let share = if total > 0 {
            100.0 * ns as f64 / total as f64
        } else {
            0.0
        };
        outln!("  {:>10} {share:>5.1}%  {id}  {}", duration(ns), label(id));
    }
    outln!("most self time:");
    let mut selfs: Vec<(&SpanView, i64)> = trace
        .spans
        .iter()
        .zip(analysis.self_ns.iter().copied())
        .collect();
    selfs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.span_id.cmp(&b.0.span_id)));
    for (span, ns) in selfs.into_iter().take(TOP) {
        outln!(
            "  {:>10}  {}  {}: {}",
            duration(ns),
            span.span_id,
            span.service,
            span.name
        );
    }
}

/// The clock skew line under a trace: what was found, and whether it is applied.
pub fn skew(analysis: &TraceAnalysis) {
    if analysis.skew.is_empty() {
        return;
    }
    let hosts: Vec<String> = analysis
        .skew
        .iter()
        .map(|skew| {
            let sign = if skew.delta_ns < 0 { "-" } else { "+" };
            let noun = if skew.spans == 1 { "span" } else { "spans" };
            format!(
                "{} ({}) {sign}{}, {} {noun}",
                skew.host,
                skew.service,
                duration(skew.delta_ns.abs()),
                skew.spans
            )
        })
        .collect();
    let applied = if analysis.skew_adjusted {
        "adjusted"
    } else {
        "not adjusted: --adjust-skew"
    };
    outln!("clock skew: {} ({applied})", hosts.join("; "));
}

/// `weft compare A B`: each path of (service, name) from the root, indented by depth,
/// with its count and total time in A and B and the difference.
pub fn trace_comparison(a: &TraceId, b: &TraceId, nodes: &[CompareNode]) {
    outln!("A {a}");
    outln!("B {b}");
    outln!(
        "{:>6} {:>10}  {:>6} {:>10}  {:>11}  PATH",
        "A#",
        "A TIME",
        "B#",
        "B TIME",
        "B - A"
    );
    for node in nodes {
        let (service, name) = node.path.last().expect("a path has a span");
        let difference = node.b.total_ns - node.a.total_ns;
        let sign = if difference < 0 { "-" } else { "+" };
        outln!(
            "{:>6} {:>10}  {:>6} {:>10}  {:>11}  {}{service}: {name}",
            node.a.count,
            duration(node.a.total_ns),
            node.b.count,
            duration(node.b.total_ns),
            format!("{sign}{}", duration(difference.abs())),
            "  ".repeat(node.path.len() - 1)
        );
    }
}

/// `weft compare --selection`: attributes by how much they set the selection apart.
pub fn selection_comparison(ranked: &SelectionComparison) {
    outln!(
        "{} selected traces against {} baseline traces",
        ranked.selection_traces,
        ranked.baseline_traces
    );
    for attribute in ranked.attributes.iter().filter(|a| a.score > 0.0) {
        outln!("{:.2}  {}", attribute.score, attribute.attribute);
        for value in &attribute.values {
            outln!(
                "        {:>5.1}% vs {:>5.1}%  {}",
                100.0 * value.selection,
                100.0 * value.baseline,
                value.value
            );
        }
    }
}

/// The start of a trace: its earliest span (0 without spans).
fn trace_start(trace: &TraceView) -> i64 {
    trace
        .spans
        .iter()
        .map(|span| span.start_ns)
        .min()
        .unwrap_or(0)
}

/// `weft services`: RED per service with its logs.
pub fn services(services: &[ServiceRed]) {
    outln!(
        "{:<24} {:>8} {:>7} {:>10} {:>10} {:>10} {:>10} {:>8} {:>8}",
        "SERVICE",
        "CALLS",
        "ERRORS",
        "P50",
        "P95",
        "P99",
        "MAX",
        "LOGS",
        "LOG ERR"
    );
    for service in services {
        let red = &service.red;
        outln!(
            "{:<24} {:>8} {:>7} {:>10} {:>10} {:>10} {:>10} {:>8} {:>8}",
            service.service,
            red.calls,
            red.errors,
            duration(red.p50_ns),
            duration(red.p95_ns),
            duration(red.p99_ns),
            duration(red.max_ns),
            service.logs,
            service.logs_error
        );
    }
}

/// `weft operations`: RED per service, span name and kind.
pub fn operations(operations: &[OperationRed]) {
    const KINDS: [&str; 6] = [
        "unspecified",
        "internal",
        "server",
        "client",
        "producer",
        "consumer",
    ];
    outln!(
        "{:<20} {:<11} {:>8} {:>7} {:>10} {:>10} {:>10}  NAME",
        "SERVICE",
        "KIND",
        "CALLS",
        "ERRORS",
        "P50",
        "P95",
        "P99"
    );
    for operation in operations {
        let red = &operation.red;
        let kind = usize::try_from(operation.kind)
            .ok()
            .and_then(|kind| KINDS.get(kind))
            .unwrap_or(&"unspecified");
        outln!(
            "{:<20} {:<11} {:>8} {:>7} {:>10} {:>10} {:>10}  {}",
            operation.service,
            kind,
            red.calls,
            red.errors,
            duration(red.p50_ns),
            duration(red.p95_ns),
            duration(red.p99_ns),
            operation.name
        );
    }
}

/// `weft map`: one line per edge, virtual nodes in brackets.
pub fn service_map(map: &ServiceMap) {
    for edge in &map.edges {
        let to = if edge.is_virtual {
            format!("[{}]", edge.to)
        } else {
            edge.to.clone()
        };
        let how = if edge.messaging { " (messaging)" } else { "" };
        outln!(
            "{} -> {to}{how}: {} calls, {} errors, p50 {}, p95 {}, p99 {}",
            edge.from,
            edge.calls,
            edge.errors,
            duration(edge.p50_ns),
            duration(edge.p95_ns),
            duration(edge.p99_ns)
        );
    }
}

/// `weft slo`: each objective with its error budget burned and the traces that broke it.
pub fn objectives(reports: &[SloReport]) {
    if reports.is_empty() {
        outln!("no objectives: weft slo add \"service: span name\" --p95 300ms --errors 1%");
    }
    for report in reports {
        let objective = &report.objective;
        let mut targets = Vec::new();
        if let Some(p95) = objective.p95_ns {
            targets.push(format!("p95 < {}", duration(p95)));
        }
        if let Some(rate) = objective.error_rate {
            targets.push(format!("errors < {}%", rate * 100.0));
        }
        let state = if report.broken { "BROKEN" } else { "met" };
        outln!(
            "{} {}: {} ({}) {state}: {} calls, {} bad",
            objective.id,
            objective.service,
            objective.name,
            targets.join(", "),
            report.calls,
            report.bad
        );
        for (what, sli) in [("latency", &report.latency), ("errors", &report.errors)] {
            if let Some(sli) = sli {
                outln!(
                    "    {what}: {} bad of {:.1} allowed, {:.0}% of the budget",
                    sli.bad,
                    sli.allowed,
                    sli.burned * 100.0
                );
            }
        }
        if !report.broken_traces.is_empty() {
            outln!("    traces: {}", report.broken_traces.join(" "));
        }
    }
}

pub fn log_line(log: &LogView) {
    let time = log.ts_ns.map_or_else(|| "-".repeat(30), format_rfc3339);
    let level = if log.unparsed {
        "UNPARSED".to_string()
    } else {
        severity::name(log.severity as u8).to_ascii_uppercase()
    };
    let ids = match (&log.trace_id, &log.span_id) {
        (Some(trace), Some(span)) => format!("  [{} {trace}/{span}]", log.link.as_str()),
        (Some(trace), None) => format!("  [{} {trace}]", log.link.as_str()),
        _ => String::new(),
    };
    // One line per record: newlines inside the body are shown escaped.
    let body = log.body.replace('\n', "\\n");
    outln!("{time} {level:<11} {:<20} {body}{ids}", log.service);
}

pub fn sources(sources: &[SourceView]) {
    outln!(
        "{:>4}  {:<11}  {:<20}  {:>8}  {:>8}  {:>8}  PATH",
        "ID",
        "STATUS",
        "FORMAT",
        "SPANS",
        "LOGS",
        "UNPARSED"
    );
    for source in sources {
        let format = match (&source.format, &source.dialect) {
            (Some(format), Some(dialect)) => format!("{format} ({dialect})"),
            (Some(format), None) => format.clone(),
            (None, _) => "-".to_string(),
        };
        outln!(
            "{:>4}  {:<11}  {:<20}  {:>8}  {:>8}  {:>8}  {}",
            source.id,
            source.status,
            format,
            source.spans,
            source.logs,
            source.unparsed,
            source.path
        );
    }
}

/// `weft sample --ids`: the kept trace ids, one a line, in trace start order.
pub fn sample_ids(simulation: &weft::analysis::sampling::Simulation) {
    for (id, kept, _, _) in &simulation.decided {
        if *kept {
            outln!("{id}");
        }
    }
}

/// `weft sample`: what the policy keeps, and of the errors and slow traces.
pub fn sample(report: &weft::analysis::sampling::SampleReport) {
    let share = |part: u64, whole: u64| {
        if whole == 0 {
            0.0
        } else {
            100.0 * part as f64 / whole as f64
        }
    };
    outln!(
        "kept {} of {} traces ({:.1} %), dropped {}",
        report.kept,
        report.traces,
        share(report.kept, report.traces),
        report.dropped
    );
    outln!("errors kept {} of {}", report.kept_errors, report.errors);
    outln!("slow (>= {} ms) kept {}", report.slow_ms, report.kept_slow);
    outln!(
        "spans kept {}, logs of kept traces {}",
        report.spans_kept,
        report.logs_of_kept_traces
    );
    outln!("{:<32} {:<20} {:>10}", "POLICY", "TYPE", "SAMPLED");
    for policy in &report.policies {
        outln!(
            "{:<32} {:<20} {:>10}",
            policy.name,
            policy.kind,
            policy.sampled
        );
    }
}

/// `weft doctor`: each finding, most severe first, with its advice and examples.
pub fn doctor(report: &Doctor) {
    if report.findings.is_empty() {
        outln!("No findings.");
        return;
    }
    for finding in &report.findings {
        let severity = match finding.severity {
            weft::analysis::quality::Severity::Error => "error",
            weft::analysis::quality::Severity::Warn => "warn",
            weft::analysis::quality::Severity::Info => "info",
        };
        outln!(
            "{severity:<5} {:<28} {:>8}  {}",
            finding.rule,
            finding.count,
            finding.message
        );
        if !finding.services.is_empty() {
            outln!("      services: {}", finding.services.join(", "));
        }
        outln!("      fix: {}", finding.fix);
        for example in &finding.examples {
            let mut parts = Vec::new();
            if let Some(trace) = &example.trace_id {
                parts.push(format!("trace {trace}"));
            }
            if let Some(span) = &example.span_id {
                parts.push(format!("span {span}"));
            }
            if let Some(log) = example.log_id {
                parts.push(format!("log {log}"));
            }
            outln!("      e.g. {}", parts.join(" "));
        }
    }
}
