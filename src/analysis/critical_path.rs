//! Self time and the critical path of a trace.
//!
//! Self time: a span's duration minus the union of its children's intervals,
//! each clipped to the span.
//!
//! Critical path: Jaeger UI's walk, with its gaps closed. Per root, parents first:
//! a CONSUMER child of a PRODUCER span is left out with its subtree (it does not
//! block its parent); a child entirely outside its parent is left out with its
//! subtree, one that overhangs is cut to the parent's interval. Then a span `s` is
//! walked with a boundary `t` (first its end): the child with the latest end at or
//! before `t` (ties: the later start, then the lower span id) is on the path; `s`
//! owns `[c.end, t]`, `c` is walked with boundary `c.end`, and the walk of `s` goes
//! on with `t = c.start`; with no such child `s` owns `[s.start, t]`. Jaeger's
//! strict `c.end < t` skips a sibling that ends exactly when the next one starts
//! (jaeger#9148); here it is `<=`. The sections of one root cover its interval
//! exactly, without overlap. The walk keeps its own stack, so a trace a million
//! spans deep does not overflow the thread's.

use serde::Serialize;

use super::tree::{SpanTiming, TraceTree};
use super::{KIND_CONSUMER, KIND_PRODUCER};

/// A stretch of time during which `span_id` is what the request waits on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PathSection {
    pub span_id: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub start_ns: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub end_ns: i64,
}

/// Each span's self time, in the order of `spans`.
pub fn self_times(spans: &[SpanTiming], tree: &TraceTree) -> Vec<i64> {
    let mut clipped = Vec::new();
    spans
        .iter()
        .zip(&tree.children)
        .map(|(span, children)| {
            let (start, end) = (span.start_ns, span.end());
            clipped.clear();
            clipped.extend(children.iter().filter_map(|&c| {
                let child = &spans[c];
                let (from, to) = (child.start_ns.max(start), child.end().min(end));
                (from < to).then_some((from, to))
            }));
            (end - start) - union_length(&mut clipped)
        })
        .collect()
}

/// The total length covered by `intervals` (sorted in place).
fn union_length(intervals: &mut [(i64, i64)]) -> i64 {
    intervals.sort_unstable();
    let mut total = 0;
    let mut reach = i64::MIN;
    for &(from, to) in intervals.iter() {
        let from = from.max(reach);
        if to > from {
            total += to - from;
            reach = to;
        }
    }
    total
}

/// The critical path of every root of the trace, sorted by start.
pub fn critical_path(spans: &[SpanTiming], tree: &TraceTree) -> Vec<PathSection> {
    let mut sections: Vec<PathSection> = tree
        .roots
        .iter()
        .flat_map(|&root| critical_path_of_root(spans, tree, root))
        .collect();
    sections.sort_by_key(|section| (section.start_ns, section.end_ns));
    sections
}

/// A child on the path walk: its index and its interval cut to its parent's.
#[derive(Clone, Copy)]
struct Clipped {
    span: usize,
    start: i64,
    end: i64,
}

/// One span being walked: its clipped start, its boundary, its children that
/// stay (latest end first) and how many of them the boundary has passed.
struct Frame {
    span: usize,
    start: i64,
    boundary: i64,
    children: Vec<Clipped>,
    next: usize,
}

impl Frame {
    fn new(spans: &[SpanTiming], tree: &TraceTree, at: Clipped) -> Frame {
        let parent = &spans[at.span];
        let mut children: Vec<Clipped> = tree.children[at.span]
            .iter()
            .filter(|&&c| !(parent.kind == KIND_PRODUCER && spans[c].kind == KIND_CONSUMER))
            .filter_map(|&c| {
                let child = &spans[c];
                let outside = child.end() <= at.start || child.start_ns >= at.end;
                (!outside).then(|| Clipped {
                    span: c,
                    start: child.start_ns.max(at.start),
                    end: child.end().min(at.end),
                })
            })
            .collect();
        children.sort_by(|a, b| {
            b.end
                .cmp(&a.end)
                .then(b.start.cmp(&a.start))
                .then(spans[a.span].span_id.cmp(spans[b.span].span_id))
        });
        Frame {
            span: at.span,
            start: at.start,
            boundary: at.end,
            children,
            next: 0,
        }
    }
}

/// The sections of one root's path, latest first.
pub fn critical_path_of_root(
    spans: &[SpanTiming],
    tree: &TraceTree,
    root: usize,
) -> Vec<PathSection> {
    let mut sections = Vec::new();
    let mut emit = |span: usize, start: i64, end: i64| {
        if end > start {
            sections.push(PathSection {
                span_id: spans[span].span_id.to_string(),
                start_ns: start,
                end_ns: end,
            });
        }
    };
    let whole = Clipped {
        span: root,
        start: spans[root].start_ns,
        end: spans[root].end(),
    };
    let mut stack = vec![Frame::new(spans, tree, whole)];
    while let Some(frame) = stack.last_mut() {
        while frame
            .children
            .get(frame.next)
            .is_some_and(|child| child.end > frame.boundary)
        {
            frame.next += 1;
        }
        let Some(&child) = frame.children.get(frame.next) else {
            emit(frame.span, frame.start, frame.boundary);
            stack.pop();
            continue;
        };
        frame.next += 1;
        emit(frame.span, child.end, frame.boundary);
        frame.boundary = child.start;
        stack.push(Frame::new(spans, tree, child));
    }
    sections
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::analysis::tree::tests::span;

    fn path(spans: &[SpanTiming]) -> Vec<(&'static str, i64, i64)> {
        let tree = TraceTree::new(spans);
        critical_path(spans, &tree)
            .into_iter()
            .map(|s| {
                let id: &'static str = Box::leak(s.span_id.into_boxed_str());
                (id, s.start_ns, s.end_ns)
            })
            .collect()
    }

    fn selfs(spans: &[SpanTiming]) -> Vec<i64> {
        self_times(spans, &TraceTree::new(spans))
    }

    #[test]
    fn a_single_span_is_its_own_path() {
        let spans = [span("a", None, 10, 20)];
        assert_eq!(path(&spans), vec![("a", 10, 20)]);
        assert_eq!(selfs(&spans), vec![10]);
    }

    #[test]
    fn back_to_back_siblings_are_both_on_the_path() {
        // b ends exactly when c starts: Jaeger's strict `<` charged b's time to a.
        let spans = [
            span("a", None, 0, 100),
            span("b", Some("a"), 10, 50),
            span("c", Some("a"), 50, 90),
        ];
        assert_eq!(
            path(&spans),
            vec![("a", 0, 10), ("b", 10, 50), ("c", 50, 90), ("a", 90, 100)]
        );
        assert_eq!(selfs(&spans), vec![20, 40, 40]);
    }

    #[test]
    fn overlapping_children_the_one_ending_last_wins() {
        let spans = [
            span("a", None, 0, 100),
            span("b", Some("a"), 10, 60),
            span("c", Some("a"), 20, 80),
        ];
        assert_eq!(
            path(&spans),
            vec![("a", 0, 20), ("c", 20, 80), ("a", 80, 100)]
        );
        // The union of the children is [10, 80].
        assert_eq!(selfs(&spans), vec![30, 50, 60]);
    }

    #[test]
    fn an_overhanging_child_is_cut_to_its_parent() {
        let spans = [span("a", None, 0, 100), span("b", Some("a"), 50, 150)];
        assert_eq!(path(&spans), vec![("a", 0, 50), ("b", 50, 100)]);
        assert_eq!(selfs(&spans), vec![50, 100]);
    }

    #[test]
    fn a_child_outside_its_parent_is_left_out_with_its_subtree() {
        let spans = [
            span("a", None, 0, 100),
            span("b", Some("a"), 200, 300),
            span("c", Some("b"), 210, 220),
        ];
        assert_eq!(path(&spans), vec![("a", 0, 100)]);
        assert_eq!(selfs(&spans), vec![100, 90, 10]);
    }

    #[test]
    fn a_consumer_under_a_producer_does_not_block_it() {
        let spans = [
            span("a", None, 0, 100),
            SpanTiming {
                kind: KIND_PRODUCER,
                ..span("p", Some("a"), 10, 20)
            },
            SpanTiming {
                kind: KIND_CONSUMER,
                ..span("q", Some("p"), 15, 95)
            },
        ];
        assert_eq!(
            path(&spans),
            vec![("a", 0, 10), ("p", 10, 20), ("a", 20, 100)]
        );
    }

    #[test]
    fn ties_take_the_later_start_then_the_lower_id() {
        let spans = [
            span("a", None, 0, 100),
            span("y", Some("a"), 40, 90),
            span("x", Some("a"), 40, 90),
            span("z", Some("a"), 30, 90),
        ];
        assert_eq!(
            path(&spans),
            vec![("a", 0, 40), ("x", 40, 90), ("a", 90, 100)]
        );
    }

    #[test]
    fn every_root_has_its_own_path() {
        let spans = [
            span("a", None, 0, 10),
            span("b", Some("missing"), 5, 30),
            span("c", Some("b"), 20, 25),
        ];
        assert_eq!(
            path(&spans),
            vec![("a", 0, 10), ("b", 5, 20), ("c", 20, 25), ("b", 25, 30)]
        );
    }

    #[test]
    fn a_deep_chain_does_not_overflow_the_stack() {
        let ids: Vec<String> = (0..200_000).map(|n| format!("{n:016x}")).collect();
        let spans: Vec<SpanTiming> = ids
            .iter()
            .enumerate()
            .map(|(n, id)| {
                let parent = n.checked_sub(1).map(|up| ids[up].as_str());
                span(id, parent, n as i64, 1_000_000 - n as i64)
            })
            .collect();
        let tree = TraceTree::new(&spans);
        let sections = critical_path(&spans, &tree);
        assert_eq!(sections.len(), 2 * spans.len() - 1);
        assert_eq!(self_times(&spans, &tree)[0], 2);
    }

    /// Random trees: each span's parent is an earlier span (or none), times anywhere.
    fn trees() -> impl Strategy<Value = Vec<(Option<usize>, i64, i64, i64)>> {
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                0i64..50,
                0i64..50,
                0i64..6,
                any::<bool>(),
            ),
            1..40,
        )
        .prop_map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(|(at, (index, start, length, kind, root))| {
                    let parent = (at > 0 && !root).then(|| index.index(at));
                    (parent, start, start + length, kind)
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn sections_of_a_root_cover_it_exactly_and_stay_inside_their_spans(raw in trees()) {
            let ids: Vec<String> = (0..raw.len()).map(|n| format!("{n:04}")).collect();
            let spans: Vec<SpanTiming> = raw
                .iter()
                .enumerate()
                .map(|(at, &(parent, start, end, kind))| SpanTiming {
                    span_id: &ids[at],
                    parent_span_id: parent.map(|up| ids[up].as_str()),
                    start_ns: start,
                    end_ns: end,
                    kind,
                })
                .collect();
            let tree = TraceTree::new(&spans);
            for &root in &tree.roots {
                let mut sections = critical_path_of_root(&spans, &tree, root);
                sections.sort_by_key(|s| s.start_ns);
                let mut reach = spans[root].start_ns;
                for section in &sections {
                    prop_assert_eq!(section.start_ns, reach, "a gap or an overlap before {:?}", section);
                    prop_assert!(section.end_ns > section.start_ns);
                    let owner = &spans[section.span_id.parse::<usize>().unwrap()];
                    prop_assert!(owner.start_ns <= section.start_ns && section.end_ns <= owner.end());
                    reach = section.end_ns;
                }
                prop_assert_eq!(reach, spans[root].end());
            }
            let self_ns = self_times(&spans, &tree);
            for (at, span) in spans.iter().enumerate() {
                prop_assert!(self_ns[at] >= 0 && self_ns[at] <= span.end() - span.start_ns);
            }
        }
    }
}
