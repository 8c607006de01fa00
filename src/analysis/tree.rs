//! The shape of one trace: for each span its parent and children among the spans
//! given, and the roots (spans whose parent is not among them). Spans are named
//! by their index in the slice; a span id that appears twice is the parent of its
//! children through its first appearance, so every span has at most one parent and
//! nothing reachable from a root is part of a cycle.

use std::collections::HashMap;

/// What the analyses need of a span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpanTiming<'a> {
    pub span_id: &'a str,
    pub parent_span_id: Option<&'a str>,
    pub start_ns: i64,
    pub end_ns: i64,
    /// OTLP `SpanKind` number.
    pub kind: i64,
}

impl SpanTiming<'_> {
    /// The end, never before the start (a span that ends before it starts has no length).
    pub fn end(&self) -> i64 {
        self.end_ns.max(self.start_ns)
    }
}

#[derive(Debug, Clone)]
pub struct TraceTree {
    pub parent: Vec<Option<usize>>,
    pub children: Vec<Vec<usize>>,
    /// Spans whose parent is not in the trace, in the order given.
    pub roots: Vec<usize>,
}

impl TraceTree {
    pub fn new(spans: &[SpanTiming]) -> Self {
        let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(spans.len());
        for (at, span) in spans.iter().enumerate() {
            by_id.entry(span.span_id).or_insert(at);
        }
        let mut parent = vec![None; spans.len()];
        let mut children = vec![Vec::new(); spans.len()];
        let mut roots = Vec::new();
        for (at, span) in spans.iter().enumerate() {
            match span.parent_span_id.and_then(|id| by_id.get(id)) {
                Some(&up) if up != at => {
                    parent[at] = Some(up);
                    children[up].push(at);
                }
                _ => roots.push(at),
            }
        }
        TraceTree {
            parent,
            children,
            roots,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A SERVER span for the analyses' tests.
    pub(crate) fn span<'a>(
        id: &'a str,
        parent: Option<&'a str>,
        start: i64,
        end: i64,
    ) -> SpanTiming<'a> {
        SpanTiming {
            span_id: id,
            parent_span_id: parent,
            start_ns: start,
            end_ns: end,
            kind: 2,
        }
    }

    #[test]
    fn roots_are_spans_whose_parent_is_missing() {
        let spans = [
            span("a", None, 0, 1),
            span("b", Some("a"), 0, 1),
            span("c", Some("gone"), 0, 1),
            span("d", Some("d"), 0, 1),
        ];
        let tree = TraceTree::new(&spans);
        assert_eq!(tree.roots, vec![0, 2, 3]);
        assert_eq!(tree.children[0], vec![1]);
        assert_eq!(tree.parent[1], Some(0));
    }

    #[test]
    fn a_repeated_id_is_a_parent_through_its_first_appearance() {
        let spans = [
            span("a", None, 0, 1),
            span("a", None, 0, 1),
            span("b", Some("a"), 0, 1),
        ];
        let tree = TraceTree::new(&spans);
        assert_eq!(tree.children[0], vec![2]);
        assert!(tree.children[1].is_empty());
        assert_eq!(tree.roots, vec![0, 1]);
    }
}
