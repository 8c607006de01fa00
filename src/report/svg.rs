//! A trace's waterfall as a standalone SVG for the report: a row per span in the
//! trace's order, indented by depth, a bar on the trace's time axis (errors in red),
//! each span's duration, the critical path's sections drawn over the bars, and the cited span's row
//! outlined. Every text is `text::escape_html`; the SVG has no script, no link, no
//! external reference.

use std::collections::HashMap;
use std::fmt::Write;

use super::text::{duration, escape_html};
use crate::analysis::PathSection;
use crate::model::StatusCode;
use crate::store::SpanView;

/// Rows drawn at most; a larger trace says how many were left out.
pub const MAX_ROWS: usize = 300;

const WIDTH: f64 = 960.0;
const LABEL: f64 = 340.0;
const ROW: f64 = 18.0;
const TOP: f64 = 24.0;

/// Each span's depth under its root (a span whose parent is not in the trace is a root).
fn depths(spans: &[SpanView]) -> Vec<usize> {
    let parent_of: HashMap<&str, Option<&str>> = spans
        .iter()
        .map(|span| (span.span_id.as_str(), span.parent_span_id.as_deref()))
        .collect();
    spans
        .iter()
        .map(|span| {
            let mut depth = 0;
            let mut at = span.parent_span_id.as_deref();
            while let Some(parent) = at {
                match parent_of.get(parent) {
                    Some(next) if depth < spans.len() => {
                        depth += 1;
                        at = *next;
                    }
                    _ => break,
                }
            }
            depth
        })
        .collect()
}

/// Cuts `text` to at most `chars` characters, with an ellipsis when cut.
fn clip(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(chars.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// The waterfall of `spans` (in the trace's order) with `critical` highlighted and
/// the row of `cited` (a span id) outlined.
pub fn waterfall(spans: &[SpanView], critical: &[PathSection], cited: Option<&str>) -> String {
    let shown = &spans[..spans.len().min(MAX_ROWS)];
    let start = spans.iter().map(|span| span.start_ns).min().unwrap_or(0);
    let end = spans.iter().map(|span| span.end_ns).max().unwrap_or(start);
    let total = (end - start).max(1) as f64;
    let x_of = |ns: i64| LABEL + (ns - start) as f64 / total * (WIDTH - LABEL - 10.0);
    let left_out = spans.len() - shown.len();
    let height = TOP + ROW * (shown.len() + usize::from(left_out > 0)) as f64 + 8.0;
    let row_of: HashMap<&str, usize> = shown
        .iter()
        .enumerate()
        .map(|(row, span)| (span.span_id.as_str(), row))
        .collect();
    let depth = depths(shown);

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"4\" y=\"14\" fill=\"#333333\">{} spans, {}; the critical path in dark blue</text>\n",
        spans.len(),
        escape_html(&duration(end - start)),
    );
    for (row, span) in shown.iter().enumerate() {
        let y = TOP + ROW * row as f64;
        if cited == Some(span.span_id.as_str()) {
            let _ = writeln!(
                svg,
                "<rect x=\"1\" y=\"{y}\" width=\"{}\" height=\"{ROW}\" fill=\"#fff3c4\" \
                 stroke=\"#b08800\"/>",
                WIDTH - 2.0
            );
        }
        let label = clip(
            &format!("{}: {}", span.service, span.name),
            44 - depth[row].min(20),
        );
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" fill=\"#555555\" text-anchor=\"end\">{}</text>",
            LABEL - 6.0,
            y + 13.0,
            escape_html(&duration(span.end_ns - span.start_ns))
        );
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" fill=\"#222222\">{}</text>",
            4 + 8 * depth[row].min(20),
            y + 13.0,
            escape_html(&label)
        );
        let colour = if span.status == StatusCode::Error {
            "#e5a0a0"
        } else {
            "#a8c4e0"
        };
        let (x0, x1) = (x_of(span.start_ns), x_of(span.end_ns.max(span.start_ns)));
        let _ = writeln!(
            svg,
            "<rect x=\"{x0:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" fill=\"{colour}\"/>",
            y + 3.0,
            (x1 - x0).max(1.0),
            ROW - 6.0
        );
    }
    for section in critical {
        let Some(row) = row_of.get(section.span_id.as_str()) else {
            continue;
        };
        let y = TOP + ROW * *row as f64;
        let (x0, x1) = (x_of(section.start_ns), x_of(section.end_ns));
        let _ = writeln!(
            svg,
            "<rect x=\"{x0:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" fill=\"#1f3f77\"/>",
            y + 6.0,
            (x1 - x0).max(1.0),
            ROW - 12.0
        );
    }
    if left_out > 0 {
        let _ = writeln!(
            svg,
            "<text x=\"4\" y=\"{}\" fill=\"#333333\">{left_out} more spans not drawn</text>",
            TOP + ROW * shown.len() as f64 + 13.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}
