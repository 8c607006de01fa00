//! Clock skew between the hosts of one trace: found, measured, and applied only
//! when the user asks.
//!
//! A span's host is its resource's `host.id`, else `host.name`, else
//! `service.instance.id`, else its service. Walking the trace parents first (in
//! start order), the first time a host is met under a parent on another host
//! decides that host's shift for the whole trace: a child that starts before its
//! parent or ends after it, and is not longer than it, is centred in it (Jaeger's
//! rule); a child longer than its parent is only kept from starting before it.
//! The parent is taken as already shifted, so a chain of skewed hosts adds up. The
//! hosts of the roots are the reference and never move. Nothing is rewritten:
//! `adjust` returns a shifted copy of the trace for display, `adjust_logs` the
//! logs of a trace (the app's logs pane) shifted and in their new order.

use std::collections::{HashMap, VecDeque};

use serde::Serialize;
use serde_json::Value;

use super::tree::{SpanTiming, TraceTree};
use crate::store::{LogView, SpanView, TraceView};

/// One host whose clock is off, by how much, and how many spans of the trace it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Skew {
    pub host: String,
    pub service: String,
    /// How far the host's clock runs ahead of the reference (the roots' hosts);
    /// adjusting subtracts it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub delta_ns: i64,
    pub spans: usize,
}

/// The host a span ran on, from its resource (see the module comment).
pub fn host_of(resource: &Value, service: &str) -> String {
    ["host.id", "host.name", "service.instance.id"]
        .iter()
        .find_map(|key| resource.get(key).and_then(Value::as_str))
        .filter(|host| !host.is_empty())
        .unwrap_or(service)
        .to_string()
}

/// The shift of a child that does not fit in its (already shifted) parent, or 0.
fn shift_into(parent: (i64, i64), child: (i64, i64)) -> i64 {
    let (parent_length, child_length) = (parent.1 - parent.0, child.1 - child.0);
    if child_length > parent_length {
        return (parent.0 - child.0).max(0);
    }
    if child.0 < parent.0 || child.1 > parent.1 {
        parent.0 + (parent_length - child_length) / 2 - child.0
    } else {
        0
    }
}

/// The skewed hosts of a trace, in the order they were found. `hosts[i]` and
/// `services[i]` belong to `spans[i]`.
pub fn clock_skew(
    spans: &[SpanTiming],
    tree: &TraceTree,
    hosts: &[String],
    services: &[&str],
) -> Vec<Skew> {
    let mut delta: HashMap<&str, i64> = HashMap::new();
    let mut found: Vec<(&str, usize)> = Vec::new();
    let mut roots = tree.roots.clone();
    roots.sort_by_key(|&at| spans[at].start_ns);
    for &root in &roots {
        delta.insert(hosts[root].as_str(), 0);
    }
    let mut queue: VecDeque<usize> = roots.into();
    while let Some(parent) = queue.pop_front() {
        let parent_delta = delta.get(hosts[parent].as_str()).copied().unwrap_or(0);
        let parent_span = &spans[parent];
        let shifted = (
            parent_span.start_ns + parent_delta,
            parent_span.end() + parent_delta,
        );
        let mut children = tree.children[parent].clone();
        children.sort_by_key(|&at| spans[at].start_ns);
        for child in children {
            let host = hosts[child].as_str();
            if !delta.contains_key(host) {
                let span = &spans[child];
                let shift = if host == hosts[parent] {
                    parent_delta
                } else {
                    shift_into(shifted, (span.start_ns, span.end()))
                };
                delta.insert(host, shift);
                if shift != 0 {
                    found.push((host, child));
                }
            }
            queue.push_back(child);
        }
    }
    found
        .into_iter()
        .map(|(host, first)| Skew {
            host: host.to_string(),
            service: services[first].to_string(),
            delta_ns: -delta[host],
            spans: hosts.iter().filter(|h| h.as_str() == host).count(),
        })
        .collect()
}

/// The hosts of a trace's spans, in their order.
pub fn hosts_of(trace: &TraceView) -> Vec<String> {
    trace
        .spans
        .iter()
        .map(|span| host_of(&span.resource, &span.service))
        .collect()
}

/// A copy of the trace with the spans (their events) and span-linked logs of each
/// skewed host put on the reference clock, re-sorted by start like the reader's.
pub fn adjust(trace: &TraceView, skews: &[Skew]) -> TraceView {
    let by_host: HashMap<&str, i64> = skews
        .iter()
        .map(|skew| (skew.host.as_str(), -skew.delta_ns))
        .collect();
    let mut adjusted = trace.clone();
    for span in &mut adjusted.spans {
        let host = host_of(&span.resource, &span.service);
        if let Some(&delta) = by_host.get(host.as_str()) {
            shift_span(span, delta);
        }
    }
    adjusted.spans.sort_by_key(|span| span.start_ns);
    adjusted
}

/// `logs` (logs of the trace, in time order) with those of spans on the skewed hosts
/// put on the reference clock, in time order again (records without a time last,
/// the rest as they came): the log pane of an adjusted trace.
pub fn adjust_logs(trace: &TraceView, skews: &[Skew], mut logs: Vec<LogView>) -> Vec<LogView> {
    if skews.is_empty() {
        return logs;
    }
    let by_host: HashMap<&str, i64> = skews
        .iter()
        .map(|skew| (skew.host.as_str(), -skew.delta_ns))
        .collect();
    let by_span: HashMap<&str, i64> = trace
        .spans
        .iter()
        .filter_map(|span| {
            let host = host_of(&span.resource, &span.service);
            let delta = *by_host.get(host.as_str())?;
            Some((span.span_id.as_str(), delta))
        })
        .collect();
    for log in &mut logs {
        let delta = log.span_id.as_deref().and_then(|id| by_span.get(id));
        if let (Some(delta), Some(ts)) = (delta, log.ts_ns.as_mut()) {
            *ts += delta;
        }
    }
    logs.sort_by_key(|log| (log.ts_ns.is_none(), log.ts_ns));
    logs
}

fn shift_span(span: &mut SpanView, delta: i64) {
    span.start_ns += delta;
    span.end_ns += delta;
    for event in &mut span.events {
        event.time_ns += delta;
    }
    for log in &mut span.logs {
        log.ts_ns = log.ts_ns.map(|ts| ts + delta);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tree::tests::span;

    const S: i64 = 1_000_000_000;

    fn skews(spans: &[SpanTiming], hosts: &[&str]) -> Vec<(String, i64, usize)> {
        let hosts: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
        let services: Vec<&str> = hosts.iter().map(String::as_str).collect();
        clock_skew(spans, &TraceTree::new(spans), &hosts, &services)
            .into_iter()
            .map(|skew| (skew.host, skew.delta_ns, skew.spans))
            .collect()
    }

    #[test]
    fn a_server_half_two_seconds_late_is_centred_in_its_client() {
        // The client waits 1 s; the server's clock is 2 s ahead, its 0.8 s show after it.
        let spans = [
            span("root", None, 0, 2 * S),
            span("client", Some("root"), S / 2, S / 2 + S),
            span(
                "server",
                Some("client"),
                S / 2 + 2 * S + S / 10,
                S / 2 + 2 * S + 9 * S / 10,
            ),
            span(
                "db",
                Some("server"),
                S / 2 + 2 * S + 2 * S / 10,
                S / 2 + 2 * S + 3 * S / 10,
            ),
        ];
        let found = skews(&spans, &["web", "web", "pay-7f9c", "pay-7f9c"]);
        // Centred: the server's 0.8 s start 0.1 s into the client's 1 s.
        assert_eq!(found, vec![("pay-7f9c".to_string(), 2 * S, 2)]);
    }

    #[test]
    fn a_child_that_fits_is_not_skewed() {
        let spans = [span("a", None, 0, 100), span("b", Some("a"), 10, 90)];
        assert!(skews(&spans, &["h1", "h2"]).is_empty());
    }

    #[test]
    fn a_longer_child_is_only_kept_from_starting_early() {
        let spans = [span("a", None, 100, 200), span("b", Some("a"), 50, 300)];
        assert_eq!(
            skews(&spans, &["h1", "h2"]),
            vec![("h2".to_string(), -50, 1)]
        );
        let late = [span("a", None, 100, 200), span("b", Some("a"), 150, 400)];
        assert!(skews(&late, &["h1", "h2"]).is_empty());
    }

    #[test]
    fn shifts_add_up_along_a_chain_of_hosts() {
        // b is centred at [30, 70] (h2 100 ahead); c, 100 further ahead of h2, is
        // centred in b as shifted: [40, 60].
        let spans = [
            span("a", None, 0, 100),
            span("b", Some("a"), 130, 170),
            span("c", Some("b"), 240, 260),
            span("d", Some("c"), 245, 250),
        ];
        let found = skews(&spans, &["h1", "h2", "h3", "h3"]);
        assert_eq!(
            found,
            vec![("h2".to_string(), 100, 1), ("h3".to_string(), 200, 2)]
        );
    }

    #[test]
    fn the_host_comes_from_the_resource() {
        let resource = serde_json::json!({"host.name": "n1", "service.instance.id": "i1"});
        assert_eq!(host_of(&resource, "svc"), "n1");
        let resource = serde_json::json!({"host.id": "id1", "host.name": "n1"});
        assert_eq!(host_of(&resource, "svc"), "id1");
        assert_eq!(host_of(&serde_json::json!({}), "svc"), "svc");
    }

    fn view(id: &str, host: &str, start: i64) -> SpanView {
        SpanView {
            span_id: id.into(),
            parent_span_id: None,
            name: id.into(),
            service: "svc".into(),
            start_ns: start,
            end_ns: start + 10,
            status: crate::model::StatusCode::Unset,
            status_message: String::new(),
            kind: 0,
            attributes: Value::Null,
            events: Vec::new(),
            links: Vec::new(),
            resource: std::sync::Arc::new(serde_json::json!({ "host.name": host })),
            scope: Default::default(),
            log_count: 0,
            logs: Vec::new(),
        }
    }

    fn log(id: i64, ts: Option<i64>, span: Option<&str>) -> LogView {
        LogView {
            id,
            ts_ns: ts,
            severity: 9,
            severity_text: "info".into(),
            service: "svc".into(),
            body: format!("log {id}"),
            trace_id: None,
            span_id: span.map(str::to_string),
            link: crate::model::Link::Span,
            source: "app.log".into(),
            line: Some(id),
            unparsed: false,
            attributes: Value::Null,
        }
    }

    #[test]
    fn the_logs_of_a_skewed_host_are_shifted_and_put_in_order_again() {
        let trace = TraceView {
            trace_id: "t".into(),
            spans: vec![view("client", "web", 0), view("server", "pay", 2 * S)],
            trace_logs: Vec::new(),
        };
        let skews = [Skew {
            host: "pay".into(),
            service: "svc".into(),
            delta_ns: 2 * S,
            spans: 1,
        }];
        let logs = vec![
            log(1, Some(S), Some("client")),
            log(2, Some(2 * S + 5), Some("server")),
            log(3, None, Some("server")),
            log(4, Some(S + 1), None),
        ];
        let ids = |logs: &[LogView]| {
            logs.iter()
                .map(|log| (log.id, log.ts_ns))
                .collect::<Vec<_>>()
        };
        // The server's log moves 2 s back, before the client's; one without a time
        // stays last; a log of no span does not move.
        assert_eq!(
            ids(&adjust_logs(&trace, &skews, logs.clone())),
            [(2, Some(5)), (1, Some(S)), (4, Some(S + 1)), (3, None)]
        );
        assert_eq!(ids(&adjust_logs(&trace, &[], logs.clone())), ids(&logs));
    }
}
