//! The shape of one trace: for each span its parent and children among the spans
//! given, and the roots (spans whose parent is not among them). Spans are named
//! by their index in the slice; a span id that appears twice is the parent of its
//! children through its first appearance, so every span has at most one parent and
//! nothing reachable from a root is part of a cycle. A span whose parent span id
//! names no span given is a root too (an orphan); `missing` groups the orphans by
//! the parent id they name, for the waterfall's placeholder rows and `weft trace`.

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
pub struct TraceTree<'a> {
    pub parent: Vec<Option<usize>>,
    pub children: Vec<Vec<usize>>,
    /// Spans whose parent is not in the trace, in the order given.
    pub roots: Vec<usize>,
    /// Parent span ids that name no span given, in the order their first orphan
    /// comes, each with its orphans (the spans naming it), in the order given.
    pub missing: Vec<MissingParent<'a>>,
}

/// A parent span id the trace names but does not hold, and the spans under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingParent<'a> {
    pub span_id: &'a str,
    pub children: Vec<usize>,
}

impl<'a> TraceTree<'a> {
    pub fn new(spans: &[SpanTiming<'a>]) -> Self {
        let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(spans.len());
        for (at, span) in spans.iter().enumerate() {
            by_id.entry(span.span_id).or_insert(at);
        }
        let mut parent = vec![None; spans.len()];
        let mut children = vec![Vec::new(); spans.len()];
        let mut roots = Vec::new();
        let mut missing: Vec<MissingParent<'a>> = Vec::new();
        let mut missing_at: HashMap<&str, usize> = HashMap::new();
        for (at, span) in spans.iter().enumerate() {
            match span.parent_span_id.map(|id| (id, by_id.get(id))) {
                Some((_, Some(&up))) if up != at => {
                    parent[at] = Some(up);
                    children[up].push(at);
                }
                Some((id, None)) => {
                    roots.push(at);
                    let group = *missing_at.entry(id).or_insert_with(|| {
                        missing.push(MissingParent {
                            span_id: id,
                            children: Vec::new(),
                        });
                        missing.len() - 1
                    });
                    missing[group].children.push(at);
                }
                _ => roots.push(at),
            }
        }
        TraceTree {
            parent,
            children,
            roots,
            missing,
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
    fn one_missing_parent_holds_its_two_orphans() {
        let spans = [
            span("a", None, 0, 10),
            span("b", Some("gone"), 1, 2),
            span("c", Some("a"), 1, 2),
            span("d", Some("gone"), 3, 4),
        ];
        let tree = TraceTree::new(&spans);
        assert_eq!(
            tree.missing,
            vec![MissingParent {
                span_id: "gone",
                children: vec![1, 3]
            }]
        );
        assert_eq!(tree.roots, vec![0, 1, 3]);
    }

    #[test]
    fn two_missing_parents_are_kept_apart_in_the_order_of_their_first_orphan() {
        let spans = [
            span("a", Some("p2"), 0, 1),
            span("b", Some("p1"), 0, 1),
            span("c", Some("p2"), 0, 1),
        ];
        let tree = TraceTree::new(&spans);
        let groups: Vec<(&str, Vec<usize>)> = tree
            .missing
            .iter()
            .map(|group| (group.span_id, group.children.clone()))
            .collect();
        assert_eq!(groups, vec![("p2", vec![0, 2]), ("p1", vec![1])]);
    }

    #[test]
    fn an_orphan_keeps_its_own_children() {
        let spans = [
            span("orphan", Some("gone"), 0, 10),
            span("child", Some("orphan"), 1, 5),
            span("grandchild", Some("child"), 2, 3),
        ];
        let tree = TraceTree::new(&spans);
        assert_eq!(tree.missing.len(), 1);
        assert_eq!(tree.missing[0].children, vec![0]);
        assert_eq!(tree.children[0], vec![1]);
        assert_eq!(tree.children[1], vec![2]);
        assert_eq!(tree.parent[2], Some(1));
        assert_eq!(tree.roots, vec![0]);
    }

    #[test]
    fn a_missing_root_beside_a_real_root() {
        let spans = [
            span("root", None, 0, 10),
            span("child", Some("root"), 1, 2),
            span("orphan", Some("gone"), 3, 4),
        ];
        let tree = TraceTree::new(&spans);
        assert_eq!(tree.roots, vec![0, 2]);
        assert_eq!(tree.missing.len(), 1);
        assert_eq!(tree.missing[0].span_id, "gone");
        assert_eq!(tree.missing[0].children, vec![2]);
        assert_eq!(tree.children[0], vec![1]);
    }

    #[test]
    fn a_whole_trace_and_a_self_parent_miss_nothing() {
        let spans = [
            span("a", None, 0, 1),
            span("b", Some("a"), 0, 1),
            span("d", Some("d"), 0, 1),
        ];
        assert!(TraceTree::new(&spans).missing.is_empty());
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
