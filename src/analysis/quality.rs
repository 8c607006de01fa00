//! What is wrong with the telemetry itself (issue 17, `weft doctor`): findings
//! over the whole case, each naming its rule, severity, how many spans, logs or
//! traces it is about, the services concerned, at most `MAX_EXAMPLES` examples that
//! open in the app, and one sentence of advice.
//!
//! Span rules are tallied trace by trace (`QualityTally::add_trace`, fed by
//! `store::Reader::doctor` in primary-key pages); rules that look across traces
//! (`context-lost`) keep only root spans and named outgoing calls until `finish`.
//! Log and source rules take the counts the store aggregates (`LogFacts`).
//! The findings of ONE trace (`store::Reader::trace_findings`) come from the same
//! rules: the trace is `add_trace`d, the traces that may hold the other end of a
//! lost context are `add_other_trace`d, the case's services `add_service`d, and
//! `finish_trace` keeps what concerns the trace.
//! Pure: no SQL and no I/O here.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use serde::Serialize;
use serde_json::Value;

use super::skew::clock_skew;
use super::tree::{SpanTiming, TraceTree};
use super::{KIND_CONSUMER, KIND_PRODUCER};
use crate::id_forms::IdForm;

pub const MAX_EXAMPLES: usize = 10;
/// A key with more distinct values than this is high-cardinality.
pub const HIGH_CARDINALITY: usize = 1_000;
/// A key distinct on every span that carries it counts only when this many carry it.
pub const DISTINCT_PER_SPAN_MIN: u64 = 50;

const KIND_INTERNAL: i64 = 1;
const KIND_SERVER: i64 = 2;
const KIND_CLIENT: i64 = 3;
/// The attributes by which an outgoing call names whom it calls.
const PEER_KEYS: [&str; 4] = [
    "peer.service",
    "server.address",
    "net.peer.name",
    "http.host",
];
/// Attributes decoders add to keep an original id: ids, distinct by nature.
const ID_KEYS: [&str; 3] = ["jaeger.traceID", "jaeger.spanID", "zipkin.span_id"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Severity {
    Error,
    Warn,
    Info,
}

/// A record that shows a finding: a span, a log, or a whole trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Example {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub trace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub span_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<f64>"))]
    pub log_id: Option<i64>,
}

impl Example {
    pub fn span(trace_id: &str, span_id: &str) -> Self {
        Example {
            trace_id: Some(trace_id.to_string()),
            span_id: Some(span_id.to_string()),
            log_id: None,
        }
    }
    pub fn log(trace_id: Option<&str>, log_id: i64) -> Self {
        Example {
            trace_id: trace_id.map(str::to_string),
            span_id: None,
            log_id: Some(log_id),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    /// The spans, logs or traces the rule is about.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub count: u64,
    /// Traces concerned.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub traces: u64,
    pub services: Vec<String>,
    pub examples: Vec<Example>,
    pub message: String,
    pub fix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Doctor {
    pub findings: Vec<Finding>,
}

/// What the rules need of one span. Ids are lowercase hex.
#[derive(Debug, Clone, PartialEq)]
pub struct QualitySpan {
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub service: String,
    pub name: String,
    pub kind: i64,
    pub start_ns: i64,
    pub end_ns: i64,
    /// `skew::host_of` its resource.
    pub host: String,
    /// Its resource's `host.name`, if any.
    pub host_name: Option<String>,
    pub source_id: i64,
    /// Its attributes (a JSON object).
    pub attributes: Value,
}

/// One rule's running count.
#[derive(Debug, Default, Clone)]
struct Tally {
    count: u64,
    traces: BTreeSet<String>,
    services: BTreeSet<String>,
    examples: Vec<Example>,
}

impl Tally {
    fn add(&mut self, trace_id: &str, service: &str, example: Example) {
        self.count += 1;
        self.traces.insert(trace_id.to_string());
        self.services.insert(service.to_string());
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(example);
        }
    }

    fn finding(self, rule: &str, severity: Severity, message: String, fix: &str) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            count: self.count,
            traces: self.traces.len() as u64,
            services: self.services.into_iter().collect(),
            examples: self.examples,
            message,
            fix: fix.to_string(),
        }
    }
}

#[derive(Debug, Default)]
struct KeyTally {
    spans: u64,
    /// Hashes of the distinct values, up to `HIGH_CARDINALITY + 1`.
    distinct: HashSet<u64>,
    services: BTreeSet<String>,
    examples: Vec<Example>,
}

/// A root SERVER or CONSUMER span: maybe the far end of a call that lost its context.
#[derive(Debug, Clone)]
struct Root {
    trace_id: String,
    span_id: String,
    service: String,
    start_ns: i64,
}

/// A CLIENT or PRODUCER span that names whom it calls.
#[derive(Debug, Clone)]
struct Call {
    trace_id: String,
    span_id: String,
    service: String,
    start_ns: i64,
    end_ns: i64,
    /// Services of its children.
    child_services: Vec<String>,
}

/// The span rules, trace by trace.
#[derive(Debug, Default)]
pub struct QualityTally {
    spans: u64,
    missing_parent: Tally,
    missing_root: Tally,
    multiple_roots: Tally,
    unended: Tally,
    zero_duration: Tally,
    unknown_service: Tally,
    skew: Tally,
    /// Per skewed host: its service and the largest delta seen.
    skew_hosts: BTreeMap<String, i64>,
    keys: BTreeMap<String, KeyTally>,
    roots: Vec<Root>,
    internal_roots: Vec<Root>,
    server_services: HashSet<String>,
    /// Calls by the name they give their peer.
    calls: HashMap<String, Vec<Call>>,
    /// `host.name`s of each service.
    service_hosts: HashMap<String, BTreeSet<String>>,
}

fn value_hash(value: &Value) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.to_string().hash(&mut hasher);
    hasher.finish()
}

impl QualityTally {
    /// Counts one trace's spans (all of them: a trace is whole or not at all).
    pub fn add_trace(&mut self, trace_id: &str, spans: &[QualitySpan]) {
        if spans.is_empty() {
            return;
        }
        self.spans += spans.len() as u64;
        let ids: HashSet<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
        let mut roots = Vec::new();
        for span in spans {
            let example = || Example::span(trace_id, &span.span_id);
            match span.parent_span_id.as_deref() {
                None => roots.push(span),
                Some(parent) if !ids.contains(parent) => {
                    self.missing_parent.add(trace_id, &span.service, example())
                }
                Some(_) => {}
            }
            if span.end_ns <= 0 || span.end_ns < span.start_ns {
                self.unended.add(trace_id, &span.service, example());
            } else if span.end_ns == span.start_ns {
                self.zero_duration.add(trace_id, &span.service, example());
            }
            if span.service.starts_with("unknown_service") {
                self.unknown_service.add(trace_id, &span.service, example());
            }
            if span.kind == KIND_SERVER {
                self.server_services.insert(span.service.clone());
            }
            if let Some(host) = &span.host_name {
                self.service_hosts
                    .entry(span.service.clone())
                    .or_default()
                    .insert(host.clone());
            }
            self.add_attributes(trace_id, span);
        }
        match roots.len() {
            0 => self.missing_root.add(
                trace_id,
                &spans[0].service,
                Example::span(trace_id, &spans[0].span_id),
            ),
            1 => {}
            _ => self.multiple_roots.add(
                trace_id,
                &roots[0].service,
                Example::span(trace_id, &roots[1].span_id),
            ),
        }
        self.keep_roots(trace_id, &roots, true);
        self.add_calls(trace_id, spans);
        self.add_skew(trace_id, spans);
    }

    /// Keeps what `context-lost` needs of the roots of a trace (the INTERNAL ones
    /// only for a trace that is counted).
    fn keep_roots(&mut self, trace_id: &str, roots: &[&QualitySpan], internal: bool) {
        for root in roots {
            let kept = Root {
                trace_id: trace_id.to_string(),
                span_id: root.span_id.clone(),
                service: root.service.clone(),
                start_ns: root.start_ns,
            };
            match root.kind {
                KIND_SERVER | KIND_CONSUMER => self.roots.push(kept),
                KIND_INTERNAL if internal => self.internal_roots.push(kept),
                _ => {}
            }
        }
    }

    /// A trace that is not counted but may hold the other end of a call of the
    /// counted ones (a caller whose context was lost, or the root it started):
    /// only its root SERVER/CONSUMER spans and its named calls are kept.
    pub fn add_other_trace(&mut self, trace_id: &str, spans: &[QualitySpan]) {
        let roots: Vec<&QualitySpan> = spans
            .iter()
            .filter(|span| span.parent_span_id.is_none())
            .collect();
        self.keep_roots(trace_id, &roots, false);
        self.add_calls(trace_id, spans);
    }

    /// A service of the case, whether it has SERVER spans, and a `host.name` of its
    /// spans: what `add_trace` learns of the services of the traces it counts.
    pub fn add_service(&mut self, service: &str, server: bool, host_name: Option<&str>) {
        if server {
            self.server_services.insert(service.to_string());
        }
        if let Some(host) = host_name {
            self.service_hosts
                .entry(service.to_string())
                .or_default()
                .insert(host.to_string());
        }
    }

    fn add_attributes(&mut self, trace_id: &str, span: &QualitySpan) {
        let Some(attributes) = span.attributes.as_object() else {
            return;
        };
        for (key, value) in attributes {
            if ID_KEYS.contains(&key.as_str()) {
                continue;
            }
            let tally = self.keys.entry(key.clone()).or_default();
            tally.spans += 1;
            if tally.distinct.len() <= HIGH_CARDINALITY {
                tally.distinct.insert(value_hash(value));
            }
            if tally.services.len() < MAX_EXAMPLES {
                tally.services.insert(span.service.clone());
            }
            if tally.examples.len() < MAX_EXAMPLES {
                tally.examples.push(Example::span(trace_id, &span.span_id));
            }
        }
    }

    fn add_calls(&mut self, trace_id: &str, spans: &[QualitySpan]) {
        for span in spans {
            if span.kind != KIND_CLIENT && span.kind != KIND_PRODUCER {
                continue;
            }
            let names = call_names(span);
            if names.is_empty() {
                continue;
            }
            let child_services = spans
                .iter()
                .filter(|child| child.parent_span_id.as_deref() == Some(span.span_id.as_str()))
                .map(|child| child.service.clone())
                .collect();
            let call = Call {
                trace_id: trace_id.to_string(),
                span_id: span.span_id.clone(),
                service: span.service.clone(),
                start_ns: span.start_ns,
                end_ns: span.end_ns.max(span.start_ns),
                child_services,
            };
            for name in names {
                self.calls
                    .entry(name.to_string())
                    .or_default()
                    .push(call.clone());
            }
        }
    }

    fn add_skew(&mut self, trace_id: &str, spans: &[QualitySpan]) {
        let timings: Vec<SpanTiming> = spans
            .iter()
            .map(|span| SpanTiming {
                span_id: &span.span_id,
                parent_span_id: span.parent_span_id.as_deref(),
                start_ns: span.start_ns,
                end_ns: span.end_ns,
                kind: span.kind,
            })
            .collect();
        let tree = TraceTree::new(&timings);
        let hosts: Vec<String> = spans.iter().map(|span| span.host.clone()).collect();
        let services: Vec<&str> = spans.iter().map(|span| span.service.as_str()).collect();
        for skew in clock_skew(&timings, &tree, &hosts, &services) {
            let first = spans
                .iter()
                .find(|span| span.host == skew.host)
                .map_or("", |span| span.span_id.as_str());
            self.skew
                .add(trace_id, &skew.service, Example::span(trace_id, first));
            let largest = self.skew_hosts.entry(skew.host.clone()).or_insert(0);
            if skew.delta_ns.abs() > largest.abs() {
                *largest = skew.delta_ns;
            }
        }
    }

    /// The span findings (`ids-rewritten` is `rewritten_id_findings`', from the load).
    pub fn finish(mut self) -> Vec<Finding> {
        let lost = lost_calls(&self.roots, &self.calls, &self.service_hosts);
        let context_lost = context_lost(&lost);
        let async_roots = async_roots(&self.internal_roots, &self.server_services);
        let mut findings = self.span_findings(context_lost, async_roots);
        let total = self.spans;
        for (key, tally) in self.keys {
            let many = tally.distinct.len() > HIGH_CARDINALITY;
            let per_span = tally.spans >= DISTINCT_PER_SPAN_MIN
                && tally.spans * 2 > total
                && tally.distinct.len() as u64 == tally.spans;
            if !(many || per_span) {
                continue;
            }
            let message = if many {
                format!("span attribute `{key}` has more than {HIGH_CARDINALITY} distinct values")
            } else {
                format!(
                    "span attribute `{key}` is on {} of {total} spans with a different value on each",
                    tally.spans
                )
            };
            findings.push(Finding {
                rule: "high-cardinality-attribute".into(),
                severity: Severity::Warn,
                count: tally.spans,
                traces: 0,
                services: tally.services.into_iter().collect(),
                examples: tally.examples,
                message,
                fix: "Keep unbounded values (user ids, request ids, URLs with ids) off every span: put them on one span or in logs, and use low-cardinality names for grouping.".into(),
            });
        }
        findings
    }

    /// The findings of the rules about spans (missing parent, roots, lost context,
    /// ends, service names, skew), shared by `finish` and `finish_trace`; takes
    /// their tallies out of `self`.
    fn span_findings(&mut self, context_lost: Tally, async_roots: Tally) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut push = |tally: Tally, rule: &str, severity, message: String, fix: &str| {
            if tally.count > 0 {
                findings.push(tally.finding(rule, severity, message, fix));
            }
        };
        use std::mem::take;
        let (missing_parent, missing_root, multiple_roots) = (
            take(&mut self.missing_parent),
            take(&mut self.missing_root),
            take(&mut self.multiple_roots),
        );
        let (unended, zero_duration, unknown_service, skew) = (
            take(&mut self.unended),
            take(&mut self.zero_duration),
            take(&mut self.unknown_service),
            take(&mut self.skew),
        );
        let skew_hosts = take(&mut self.skew_hosts);
        let n = missing_parent.count;
        let t = missing_parent.traces.len();
        push(
            missing_parent,
            "missing-parent",
            Severity::Error,
            format!("Spans whose parent span is not in the case: {n}, in {t} traces"),
            "Export every service's spans for these traces (and keep the parent's service in the same sampling decision).",
        );
        let n = missing_root.count;
        push(
            missing_root,
            "missing-root",
            Severity::Warn,
            format!("Traces without a root span (every span names a parent): {n}"),
            "Find the service that starts these traces and make sure its spans are exported and ended.",
        );
        let n = multiple_roots.count;
        push(
            multiple_roots,
            "multiple-roots",
            Severity::Warn,
            format!("Traces with more than one span without a parent: {n}"),
            "Start child spans from the current context instead of starting new root spans inside a trace.",
        );
        let (n, pairs) = (context_lost.count, context_lost.traces.len());
        push(
            context_lost,
            "context-lost",
            Severity::Error,
            format!("Root spans that began during a call to their service from another trace, so the call did not carry its trace context: {n}, in {pairs} traces with the calls"),
            "Propagate the W3C traceparent header (or message attribute) on these calls, e.g. by instrumenting the client library.",
        );
        let n = async_roots.count;
        push(
            async_roots,
            "context-lost",
            Severity::Info,
            format!("Traces that start with an INTERNAL span in a service that also receives calls (work started without incoming context, often across an async boundary): {n}"),
            "Pass the context into background tasks and queues (wrap the task with the current context) so their spans join the request's trace.",
        );
        let n = unended.count;
        push(
            unended,
            "unended-span",
            Severity::Error,
            format!("Spans without an end time, or ending before they start: {n}"),
            "End every span (end() in a finally block, or use a scoped span) and check the clock used for its end.",
        );
        let n = zero_duration.count;
        push(
            zero_duration,
            "zero-duration",
            Severity::Info,
            format!("Spans of exactly zero nanoseconds: {n}"),
            "Record spans around the work they describe rather than as instantaneous markers (or make them span events).",
        );
        let n = unknown_service.count;
        push(
            unknown_service,
            "missing-service-name",
            Severity::Warn,
            format!("Spans without a service name (unknown_service): {n}"),
            "Set service.name in the SDK's resource (OTEL_SERVICE_NAME) of every process.",
        );
        let n = skew.count;
        let hosts: Vec<String> = skew_hosts
            .iter()
            .map(|(host, delta)| format!("{host} {delta} ns"))
            .collect();
        push(
            skew,
            "clock-skew",
            Severity::Warn,
            format!(
                "Hosts (counted per trace) whose clocks are off from their callers: {n}; largest deltas: {}",
                hosts.join(", ")
            ),
            "Synchronise the hosts' clocks (NTP/chrony); until then use Adjust in the trace header.",
        );
        findings
    }

    /// The findings about trace `trace_id` (added with `add_trace`; the other traces
    /// `add_other_trace`d only pair with it): its span rules, and `context-lost` where
    /// it holds the root that lost its context or the call that lost it. No rule
    /// about the whole case (attribute cardinality, ids per source, logs).
    pub fn finish_trace(mut self, trace_id: &str) -> Vec<Finding> {
        // `doctor` meets the calls in (trace id, span id) order, and a root pairs with
        // the first call that fits: the same order here, whatever came first.
        for calls in self.calls.values_mut() {
            calls.sort_by(|a, b| (&a.trace_id, &a.span_id).cmp(&(&b.trace_id, &b.span_id)));
        }
        let lost: Vec<(&Root, &Call)> = lost_calls(&self.roots, &self.calls, &self.service_hosts)
            .into_iter()
            .filter(|(root, call)| root.trace_id == trace_id || call.trace_id == trace_id)
            .collect();
        let context_lost = context_lost(&lost);
        let internal_roots: Vec<Root> = self
            .internal_roots
            .iter()
            .filter(|root| root.trace_id == trace_id)
            .cloned()
            .collect();
        let async_roots = async_roots(&internal_roots, &self.server_services);
        self.span_findings(context_lost, async_roots)
    }
}

/// The names by which a span names whom it calls (`peer.service`, `server.address`,
/// `net.peer.name`, `http.host`), for `context-lost`.
pub fn call_names(span: &QualitySpan) -> BTreeSet<&str> {
    PEER_KEYS
        .iter()
        .filter_map(|key| span.attributes.get(*key).and_then(Value::as_str))
        .filter(|name| !name.is_empty())
        .collect()
}

/// The pairs (S, C) of `context-lost` (error): a root SERVER/CONSUMER span S of service B that starts
/// within a call C of another service, in another trace, that names B (or a
/// `host.name` of B) and has no child in B. Counted per root span; the examples
/// are the pairs C, S.
fn lost_calls<'a>(
    roots: &'a [Root],
    calls: &'a HashMap<String, Vec<Call>>,
    service_hosts: &HashMap<String, BTreeSet<String>>,
) -> Vec<(&'a Root, &'a Call)> {
    let mut lost = Vec::new();
    let empty = BTreeSet::new();
    for root in roots {
        let hosts = service_hosts.get(&root.service).unwrap_or(&empty);
        let names = std::iter::once(&root.service).chain(hosts.iter());
        let mut seen = HashSet::new();
        let found = names
            .filter_map(|name| calls.get(name))
            .flatten()
            .filter(|call| seen.insert((&call.trace_id, &call.span_id)))
            .find(|call| {
                call.trace_id != root.trace_id
                    && call.service != root.service
                    && !call.child_services.contains(&root.service)
                    && call.start_ns <= root.start_ns
                    && root.start_ns <= call.end_ns
            });
        if let Some(call) = found {
            lost.push((root, call));
        }
    }
    lost
}

/// Tallies the pairs of `lost_calls`: counted per root span, the traces and
/// services of both ends, the examples the pairs C, S.
fn context_lost(lost: &[(&Root, &Call)]) -> Tally {
    let mut tally = Tally::default();
    for &(root, call) in lost {
        tally.add(
            &root.trace_id,
            &root.service,
            Example::span(&call.trace_id, &call.span_id),
        );
        tally.traces.insert(call.trace_id.clone());
        tally.services.insert(call.service.clone());
        if tally.examples.len() < MAX_EXAMPLES {
            tally
                .examples
                .push(Example::span(&root.trace_id, &root.span_id));
        }
    }
    tally
}

/// `context-lost` (info): traces rooted in an INTERNAL span of a service that has
/// SERVER spans.
fn async_roots(internal_roots: &[Root], server_services: &HashSet<String>) -> Tally {
    let mut tally = Tally::default();
    for root in internal_roots {
        if server_services.contains(&root.service) {
            tally.add(
                &root.trace_id,
                &root.service,
                Example::span(&root.trace_id, &root.span_id),
            );
        }
    }
    tally
}

/// Log counts of one service, for `logs-without-trace-id`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceLogCount {
    pub service: String,
    pub logs: u64,
    pub without_trace_id: u64,
    /// Whether the service has spans in the case.
    pub has_spans: bool,
    pub examples: Vec<i64>,
}

/// Logs of one service and source, for `orphan-logs` and `missing-service-name`.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceLogCount {
    pub service: String,
    pub source: String,
    pub count: u64,
    /// (log id, trace id if any).
    pub examples: Vec<(i64, Option<String>)>,
}

/// One source's load report.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceReport {
    pub path: String,
    pub logs: u64,
    pub unparsed: u64,
    pub examples: Vec<i64>,
}

/// What the store counts of the logs and sources.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogFacts {
    pub per_service: Vec<ServiceLogCount>,
    pub orphans: Vec<SourceLogCount>,
    /// Logs whose service is their source's file-name fallback.
    pub unnamed: Vec<SourceLogCount>,
    pub sources: Vec<SourceReport>,
}

/// The log and source findings.
pub fn log_findings(facts: &LogFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    for service in &facts.per_service {
        if !service.has_spans || service.without_trace_id == 0 {
            continue;
        }
        let share = 100.0 * service.without_trace_id as f64 / service.logs.max(1) as f64;
        findings.push(Finding {
            rule: "logs-without-trace-id".into(),
            severity: Severity::Warn,
            count: service.without_trace_id,
            traces: 0,
            services: vec![service.service.clone()],
            examples: service.examples.iter().map(|&id| Example::log(None, id)).collect(),
            message: format!(
                "Logs of {} without a trace id, though the service has spans: {} of {} ({share:.1} %)",
                service.service, service.without_trace_id, service.logs
            ),
            fix: "Use the OpenTelemetry log bridge or a logging appender that adds trace_id and span_id from the current context.".into(),
        });
    }
    let per_source = |rows: &[SourceLogCount],
                      rule: &str,
                      message: &dyn Fn(&SourceLogCount) -> String,
                      fix: &str| {
        rows.iter()
            .filter(|row| row.count > 0)
            .map(|row| Finding {
                rule: rule.into(),
                severity: Severity::Warn,
                count: row.count,
                traces: 0,
                services: vec![row.service.clone()],
                examples: row
                    .examples
                    .iter()
                    .map(|(id, trace)| Example::log(trace.as_deref(), *id))
                    .collect(),
                message: message(row),
                fix: fix.into(),
            })
            .collect::<Vec<_>>()
    };
    findings.extend(per_source(
        &facts.orphans,
        "orphan-logs",
        &|row| format!("Logs of {} in {} naming a trace that is not in the case: {}", row.service, row.source, row.count),
        "Load the traces of the same time window (or check that the logger writes the id of the trace actually exported).",
    ));
    findings.extend(per_source(
        &facts.unnamed,
        "missing-service-name",
        &|row| format!("Logs in {} that name no service (given the file name {}): {}", row.source, row.service, row.count),
        "Add service.name to the logs' resource (or a service field to each record), or name the source's service in Weft.",
    ));
    for source in &facts.sources {
        if source.unparsed == 0 {
            continue;
        }
        findings.push(Finding {
            rule: "unparsed-lines".into(),
            severity: Severity::Warn,
            count: source.unparsed,
            traces: 0,
            services: Vec::new(),
            examples: source.examples.iter().map(|&id| Example::log(None, id)).collect(),
            message: format!(
                "Lines of {} that could not be decoded (kept as raw text): {} of {}",
                source.path, source.unparsed, source.logs
            ),
            fix: "Write one structured record per line (JSON), or fix the lines that break the format.".into(),
        });
    }
    findings
}

/// Spans loaded again from another source with a different name, times or parent
/// (`store`'s `span_duplicates`): how many, in how many traces, the services of the
/// stored copies, and examples (trace id, span id, stored copy's source, other
/// copy's source).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Duplicates {
    pub spans: u64,
    pub traces: u64,
    pub services: Vec<String>,
    pub examples: Vec<(String, String, String, String)>,
}

/// What the decoders rewrote of one source's ids in one form (`source_id_forms`,
/// counted at load: `id_forms.rs`, `store/bulk.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewrittenIds {
    pub source: String,
    pub form: IdForm,
    pub spans: u64,
    pub logs: u64,
    /// The first record of the source in that form.
    pub example: Option<Example>,
}

/// `ids-rewritten` (info): one finding per source and form, in that order.
pub fn rewritten_id_findings(rewritten: &[RewrittenIds]) -> Vec<Finding> {
    rewritten
        .iter()
        .map(|ids| {
            let count = ids.spans + ids.logs;
            let records = match (ids.spans, ids.logs) {
                (_, 0) => "Spans",
                (0, _) => "Logs",
                _ => "Spans and logs",
            };
            Finding {
                rule: "ids-rewritten".into(),
                severity: Severity::Info,
                count,
                traces: 0,
                services: Vec::new(),
                examples: ids.example.iter().cloned().collect(),
                message: format!(
                    "{records} of {} with ids written as {} ({}): {count}",
                    ids.source,
                    ids.form.describe(),
                    ids.form.name()
                ),
                fix: rewritten_fix(ids.form).into(),
            }
        })
        .collect()
}

fn rewritten_fix(form: IdForm) -> &'static str {
    match form {
        IdForm::Padded | IdForm::Truncated => "Use 128-bit trace ids (W3C trace context) everywhere, so that services with 128-bit ids join the same traces.",
        IdForm::Derived => "Emit W3C ids (32 and 16 lowercase hex digits) so that other tools join these spans with the rest.",
        IdForm::Base64 => "Export ids as hex, as OTLP/JSON and Jaeger JSON specify (base64 is the generic protobuf JSON mapping of bytes), so that other tools read them.",
        IdForm::Decimal => "Log the W3C trace and span ids in hex (the OTel context's ids, or Datadog's 128-bit hex ids), so that logs join traces from every tool.",
        IdForm::UpperCase | IdForm::Prefixed | IdForm::Uuid => "Write ids as W3C trace context does (lowercase hex, no prefix or dashes), so that searches and other tools match them as written.",
    }
}

/// `duplicate-span-id`.
pub fn duplicate_findings(duplicates: &Duplicates) -> Vec<Finding> {
    if duplicates.spans == 0 {
        return Vec::new();
    }
    let sources: BTreeSet<String> = duplicates
        .examples
        .iter()
        .flat_map(|(_, _, first, other)| [first.clone(), other.clone()])
        .collect();
    vec![Finding {
        rule: "duplicate-span-id".into(),
        severity: Severity::Error,
        count: duplicates.spans,
        traces: duplicates.traces,
        services: duplicates.services.clone(),
        examples: duplicates
            .examples
            .iter()
            .map(|(trace, span, _, _)| Example::span(trace, span))
            .collect(),
        message: format!(
            "Spans that came again with the same trace and span id but another name, times or parent, from another source ({}; the first copy is shown): {}",
            sources.into_iter().collect::<Vec<_>>().join(", "),
            duplicates.spans
        ),
        fix: "Make sure each span is exported once under its id: two exporters or a proxy that rewrites spans, or an id generator that repeats, give one id to different spans.".into(),
    }]
}

/// Every finding, most severe first, then by rule and count.
pub fn doctor(mut findings: Vec<Finding>) -> Doctor {
    findings.sort_by(|a, b| {
        (a.severity, &a.rule)
            .cmp(&(b.severity, &b.rule))
            .then(b.count.cmp(&a.count))
            .then(a.message.cmp(&b.message))
    });
    Doctor { findings }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn span(
        id: &str,
        parent: Option<&str>,
        service: &str,
        kind: i64,
        start: i64,
        end: i64,
    ) -> QualitySpan {
        QualitySpan {
            span_id: id.into(),
            parent_span_id: parent.map(str::to_string),
            service: service.into(),
            name: format!("op {id}"),
            kind,
            start_ns: start,
            end_ns: end,
            host: service.into(),
            host_name: None,
            source_id: 1,
            attributes: json!({}),
        }
    }

    fn findings(traces: &[(&str, Vec<QualitySpan>)]) -> Vec<Finding> {
        let mut tally = QualityTally::default();
        for (id, spans) in traces {
            tally.add_trace(id, spans);
        }
        doctor(tally.finish()).findings
    }

    fn rules(found: &[Finding]) -> Vec<(&str, Severity, u64)> {
        found
            .iter()
            .map(|f| (f.rule.as_str(), f.severity, f.count))
            .collect()
    }

    #[test]
    fn a_whole_trace_has_no_findings() {
        let trace = vec![
            span("a", None, "front", KIND_SERVER, 0, 100),
            span("b", Some("a"), "front", KIND_CLIENT, 10, 90),
            span("c", Some("b"), "back", KIND_SERVER, 20, 80),
        ];
        assert_eq!(findings(&[("t1", trace)]), vec![]);
    }

    #[test]
    fn roots_parents_and_ends() {
        let orphaned = vec![
            span("a", Some("x"), "back", KIND_SERVER, 0, 100),
            span("b", Some("a"), "back", KIND_INTERNAL, 10, 5),
        ];
        let two_roots = vec![
            span("a", None, "front", KIND_SERVER, 0, 10),
            span("b", None, "front", KIND_SERVER, 20, 20),
        ];
        let found = findings(&[("t1", orphaned), ("t2", two_roots)]);
        assert_eq!(
            rules(&found),
            vec![
                ("missing-parent", Severity::Error, 1),
                ("unended-span", Severity::Error, 1),
                ("missing-root", Severity::Warn, 1),
                ("multiple-roots", Severity::Warn, 1),
                ("zero-duration", Severity::Info, 1),
            ]
        );
        assert_eq!(found[0].examples, vec![Example::span("t1", "a")]);
        assert_eq!(found[0].services, vec!["back".to_string()]);
    }

    #[test]
    fn context_is_lost_only_inside_a_call_that_names_the_service_and_has_no_child_there() {
        let mut call = span("c", Some("r"), "front", KIND_CLIENT, 100, 200);
        call.attributes = json!({"peer.service": "back"});
        let caller = vec![span("r", None, "front", KIND_SERVER, 90, 210), call.clone()];
        let inside = vec![span("s", None, "back", KIND_SERVER, 150, 160)];
        let after = vec![span("s", None, "back", KIND_SERVER, 250, 260)];
        let found = findings(&[
            ("t1", caller.clone()),
            ("t2", inside.clone()),
            ("t3", after),
        ]);
        assert_eq!(rules(&found), vec![("context-lost", Severity::Error, 1)]);
        assert_eq!(
            found[0].examples,
            vec![Example::span("t1", "c"), Example::span("t2", "s")]
        );
        // The call that has its child in the service did carry the context.
        let mut whole = caller;
        whole.push(span("k", Some("c"), "back", KIND_SERVER, 110, 190));
        assert_eq!(findings(&[("t1", whole), ("t2", inside)]), vec![]);
    }

    #[test]
    fn an_internal_root_counts_only_in_a_service_that_receives_calls() {
        let served = vec![span("a", None, "back", KIND_SERVER, 0, 10)];
        let job = vec![span("j", None, "back", KIND_INTERNAL, 20, 30)];
        let cron = vec![span("j", None, "cron", KIND_INTERNAL, 20, 30)];
        let found = findings(&[("t1", served), ("t2", job), ("t3", cron)]);
        assert_eq!(rules(&found), vec![("context-lost", Severity::Info, 1)]);
        assert_eq!(found[0].examples, vec![Example::span("t2", "j")]);
    }

    #[test]
    fn unknown_services_and_skewed_hosts() {
        let mut child = span("b", Some("a"), "back", KIND_SERVER, 950, 960);
        child.host = "host-b".into();
        let trace = vec![
            span("a", None, "unknown_service:node", KIND_SERVER, 1000, 1100),
            child,
        ];
        let found = findings(&[("t1", trace)]);
        assert_eq!(
            rules(&found),
            vec![
                ("clock-skew", Severity::Warn, 1),
                ("missing-service-name", Severity::Warn, 1),
            ]
        );
        assert_eq!(found[0].services, vec!["back".to_string()]);
        assert!(
            found[0].message.contains("host-b -95 ns"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn high_cardinality_needs_many_values_or_one_per_span_on_most_spans() {
        let traces: Vec<(String, Vec<QualitySpan>)> = (0..1_001)
            .map(|at| {
                let mut root = span("a", None, "front", KIND_SERVER, 0, 10);
                root.attributes = json!({
                    "session": format!("s{at}"),
                    "user_id": format!("u{}", at % 100),
                    "method": "GET",
                });
                (format!("t{at}"), vec![root])
            })
            .collect();
        let borrowed: Vec<(&str, Vec<QualitySpan>)> = traces
            .iter()
            .map(|(id, spans)| (id.as_str(), spans.clone()))
            .collect();
        let found = findings(&borrowed);
        assert_eq!(
            rules(&found),
            vec![("high-cardinality-attribute", Severity::Warn, 1_001)]
        );
        assert!(found[0].message.contains("`session`"));
        // Few spans: one value per span is no finding under the minimum.
        let few: Vec<(&str, Vec<QualitySpan>)> = borrowed.into_iter().take(10).collect();
        assert_eq!(findings(&few), vec![]);
    }

    #[test]
    fn rewritten_ids_are_reported_per_source_and_form() {
        let example = Example::span("t1", "s1");
        let found = rewritten_id_findings(&[
            RewrittenIds {
                source: "a.json".into(),
                form: IdForm::Base64,
                spans: 3,
                logs: 0,
                example: Some(example.clone()),
            },
            RewrittenIds {
                source: "dd.log".into(),
                form: IdForm::Decimal,
                spans: 0,
                logs: 2,
                example: Some(Example::log(None, 9)),
            },
        ]);
        assert_eq!(
            rules(&found),
            vec![
                ("ids-rewritten", Severity::Info, 3),
                ("ids-rewritten", Severity::Info, 2)
            ]
        );
        assert_eq!(found[0].examples, vec![example]);
        assert_eq!(
            found[0].message,
            "Spans of a.json with ids written as base64 (base64): 3"
        );
        assert!(found[1]
            .message
            .starts_with("Logs of dd.log with ids written as decimal numbers"));
        assert!(found[1].fix.contains("hex"));
    }

    #[test]
    fn log_rules_need_spans_of_the_service_and_some_count() {
        let facts = LogFacts {
            per_service: vec![
                ServiceLogCount {
                    service: "back".into(),
                    logs: 4,
                    without_trace_id: 1,
                    has_spans: true,
                    examples: vec![3],
                },
                ServiceLogCount {
                    service: "cron".into(),
                    logs: 4,
                    without_trace_id: 4,
                    has_spans: false,
                    examples: vec![],
                },
            ],
            orphans: vec![],
            unnamed: vec![],
            sources: vec![SourceReport {
                path: "a.log".into(),
                logs: 4,
                unparsed: 0,
                examples: vec![],
            }],
        };
        let found = log_findings(&facts);
        assert_eq!(
            rules(&found),
            vec![("logs-without-trace-id", Severity::Warn, 1)]
        );
        assert!(found[0].message.contains("25.0 %"));
        assert_eq!(found[0].examples, vec![Example::log(None, 3)]);
    }

    #[test]
    fn duplicates_name_both_sources() {
        let found = duplicate_findings(&Duplicates {
            spans: 1,
            traces: 1,
            services: vec!["back".into()],
            examples: vec![("t".into(), "s".into(), "a.json".into(), "b.json".into())],
        });
        assert_eq!(
            rules(&found),
            vec![("duplicate-span-id", Severity::Error, 1)]
        );
        assert!(found[0].message.contains("a.json, b.json"));
        assert_eq!(duplicate_findings(&Duplicates::default()), vec![]);
    }

    proptest! {
        /// `missing-parent` counts exactly the spans whose parent id is no span id
        /// of their trace, and the traces with any, as a brute-force scan finds.
        #[test]
        fn missing_parent_counts_match_a_brute_force_scan(
            traces in prop::collection::vec(
                prop::collection::vec((0u8..12, prop::option::of(0u8..16)), 1..12),
                1..8,
            )
        ) {
            let built: Vec<(String, Vec<QualitySpan>)> = traces
                .iter()
                .enumerate()
                .map(|(at, spans)| {
                    let spans = spans
                        .iter()
                        .map(|(id, parent)| {
                            let parent = parent.map(|p| format!("{p:02x}"));
                            span(&format!("{id:02x}"), parent.as_deref(), "svc", KIND_SERVER, 0, 10)
                        })
                        .collect();
                    (format!("t{at}"), spans)
                })
                .collect();
            let (mut spans, mut with) = (0u64, 0u64);
            for (_, trace) in &built {
                let missing = trace
                    .iter()
                    .filter(|s| {
                        s.parent_span_id
                            .as_ref()
                            .is_some_and(|p| !trace.iter().any(|o| &o.span_id == p))
                    })
                    .count() as u64;
                spans += missing;
                with += u64::from(missing > 0);
            }
            let borrowed: Vec<(&str, Vec<QualitySpan>)> =
                built.iter().map(|(id, s)| (id.as_str(), s.clone())).collect();
            let found = findings(&borrowed);
            let missing = found.iter().find(|f| f.rule == "missing-parent");
            prop_assert_eq!(missing.map_or(0, |f| f.count), spans);
            prop_assert_eq!(missing.map_or(0, |f| f.traces), with);
            if let Some(f) = missing {
                prop_assert!(f.examples.len() <= MAX_EXAMPLES);
            }
        }
    }
}
