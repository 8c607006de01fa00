//! The layout of one trace as the waterfall shows it: every row of the expanded
//! tree in order (preorder, children by start then span id, a placeholder row over
//! the orphans of each parent span id the trace lacks), with each row's depth, the
//! size of its subtree and its number of children. From it, and a set of collapsed
//! rows, come windows of visible rows (`TraceLayout::window`), the visible row of a
//! span (`visible_row_of`) and the per-depth, per-bucket overview
//! (`TraceLayout::summary`), each at a cost that depends on the window, the
//! collapsed set or the visible rows, never on a scan of spans. The matching of
//! find-in-trace is `span_text`/`resource_text`. No SQL here: `store` reads the
//! spans, keeps big layouts in the case (`encode`/`decode`) and adds the columns a
//! row shows.
//!
//! The order is the app's (`ui/src/lib/model/rowStates.ts`): roots and children by
//! start time, ties by the span's place in the trace's (start, span id) order, a
//! placeholder after spans of the same start; a cycle of parent ids is broken at its
//! first span in that order, which becomes a root. Unlike the app, the edge into
//! that span is dropped, so its former parent shows no children it cannot expand.

use serde_json::Value;

/// What the layout needs of a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutSpan {
    pub span_id: [u8; 8],
    pub parent_span_id: Option<[u8; 8]>,
    pub start_ns: i64,
    pub end_ns: i64,
    /// Index into the trace's list of services.
    pub service: u32,
    pub error: bool,
}

/// One row of the expanded tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutRow {
    /// The span's id, or on a placeholder row the missing parent's id.
    pub span_id: [u8; 8],
    pub placeholder: bool,
    pub error: bool,
    pub depth: u32,
    /// Rows in its subtree, itself included.
    pub size: u32,
    pub child_count: u32,
    /// The span's service; on a placeholder, its first orphan's.
    pub service: u32,
    /// On a placeholder: its orphans' earliest start and latest end.
    pub start_ns: i64,
    pub end_ns: i64,
}

impl LayoutRow {
    pub fn has_children(&self) -> bool {
        self.child_count > 0
    }
}

/// A trace laid out: its rows, all expanded, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceLayout {
    pub rows: Vec<LayoutRow>,
    /// (key, row) sorted by key: the row of a span id or missing parent id.
    by_key: Vec<([u8; 8], u32)>,
    pub span_count: u32,
    pub max_depth: u32,
    /// The earliest start and the latest end of the spans (0 when none).
    pub start_ns: i64,
    pub end_ns: i64,
    pub has_missing_parents: bool,
}

/// The collapsed rows that hide others, outermost only, in row order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collapsed {
    rows: Vec<u32>,
    /// Rows hidden before each entry of `rows` (exclusive), and in all at the end.
    hidden_before: Vec<u32>,
    hidden: u32,
}

/// One cell of the overview: the spans of one depth starting in one time bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryCell {
    pub depth: u32,
    pub bucket: u32,
    /// Visible rows of that depth whose start falls in the bucket.
    pub count: u32,
    /// The longest of them (ties: the first in row order), by its full row.
    pub longest_row: u32,
}

impl TraceLayout {
    /// Lays out `spans` (any order; sorted here by start, then span id).
    pub fn new(mut spans: Vec<LayoutSpan>) -> TraceLayout {
        spans.sort_by_key(|span| (span.start_ns, span.span_id));
        let n_spans = spans.len();
        let mut by_id: Vec<([u8; 8], u32)> = spans
            .iter()
            .enumerate()
            .map(|(at, span)| (span.span_id, at as u32))
            .collect();
        // The first appearance of an id is the parent (store ids are unique).
        by_id.sort();
        by_id.dedup_by_key(|entry| entry.0);
        let find = |id: &[u8; 8]| -> Option<usize> {
            by_id
                .binary_search_by(|entry| entry.0.cmp(id))
                .ok()
                .map(|at| by_id[at].1 as usize)
        };
        // Nodes: spans 0..n, then one placeholder per missing parent id.
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n_spans];
        let mut parent: Vec<Option<u32>> = vec![None; n_spans];
        let mut placeholder_ids: Vec<[u8; 8]> = Vec::new();
        let mut roots: Vec<u32> = Vec::new();
        for (at, span) in spans.iter().enumerate() {
            match span.parent_span_id {
                None => roots.push(at as u32),
                Some(id) => match find(&id) {
                    Some(up) if up == at => roots.push(at as u32),
                    Some(up) => {
                        parent[at] = Some(up as u32);
                        children[up].push(at as u32);
                    }
                    None => {
                        let k = match placeholder_ids.iter().position(|known| *known == id) {
                            Some(k) => k,
                            None => {
                                placeholder_ids.push(id);
                                children.push(Vec::new());
                                placeholder_ids.len() - 1
                            }
                        };
                        children[n_spans + k].push(at as u32);
                    }
                },
            }
        }
        roots.extend((0..placeholder_ids.len()).map(|k| (n_spans + k) as u32));
        let n_nodes = children.len();
        // Spans on a cycle of parent ids reach no root: the first becomes one.
        let mut reached = vec![false; n_nodes];
        let mut stack: Vec<u32> = Vec::new();
        let mut reach = |from: u32, reached: &mut Vec<bool>, children: &Vec<Vec<u32>>| {
            stack.push(from);
            while let Some(node) = stack.pop() {
                if !std::mem::replace(&mut reached[node as usize], true) {
                    stack.extend(children[node as usize].iter().copied());
                }
            }
        };
        for &root in &roots {
            reach(root, &mut reached, &children);
        }
        for at in 0..n_spans {
            if !reached[at] {
                if let Some(up) = parent[at].take() {
                    children[up as usize].retain(|&child| child as usize != at);
                }
                roots.push(at as u32);
                reach(at as u32, &mut reached, &children);
            }
        }
        let node_start = |node: usize| -> i64 {
            if node < n_spans {
                spans[node].start_ns
            } else {
                spans[children[node][0] as usize].start_ns
            }
        };
        roots.sort_by_key(|&node| (node_start(node as usize), node));
        // Children were pushed in span order, which is by start then id already.
        let mut rows: Vec<LayoutRow> = Vec::with_capacity(n_nodes);
        let mut row_parent: Vec<u32> = Vec::with_capacity(n_nodes);
        let mut walk: Vec<(u32, u32, u32)> = roots
            .iter()
            .rev()
            .map(|&node| (node, 0, u32::MAX))
            .collect();
        let mut max_depth = 0;
        while let Some((node, depth, up_row)) = walk.pop() {
            let node = node as usize;
            let kids = &children[node];
            let row = if node < n_spans {
                let span = &spans[node];
                LayoutRow {
                    span_id: span.span_id,
                    placeholder: false,
                    error: span.error,
                    depth,
                    size: 1,
                    child_count: kids.len() as u32,
                    service: span.service,
                    start_ns: span.start_ns,
                    end_ns: span.end_ns,
                }
            } else {
                let first = &spans[kids[0] as usize];
                LayoutRow {
                    span_id: placeholder_ids[node - n_spans],
                    placeholder: true,
                    error: false,
                    depth,
                    size: 1,
                    child_count: kids.len() as u32,
                    service: first.service,
                    start_ns: first.start_ns,
                    end_ns: kids
                        .iter()
                        .map(|&kid| spans[kid as usize].end_ns)
                        .max()
                        .unwrap_or(first.end_ns),
                }
            };
            max_depth = max_depth.max(depth);
            let this_row = rows.len() as u32;
            rows.push(row);
            row_parent.push(up_row);
            walk.extend(kids.iter().rev().map(|&kid| (kid, depth + 1, this_row)));
        }
        for at in (0..rows.len()).rev() {
            let up = row_parent[at];
            if up != u32::MAX {
                rows[up as usize].size += rows[at].size;
            }
        }
        let mut by_key: Vec<([u8; 8], u32)> = rows
            .iter()
            .enumerate()
            .map(|(at, row)| (row.span_id, at as u32))
            .collect();
        by_key.sort();
        by_key.dedup_by_key(|entry| entry.0);
        TraceLayout {
            rows,
            by_key,
            span_count: n_spans as u32,
            max_depth,
            start_ns: spans.iter().map(|span| span.start_ns).min().unwrap_or(0),
            end_ns: spans.iter().map(|span| span.end_ns).max().unwrap_or(0),
            has_missing_parents: !placeholder_ids.is_empty(),
        }
    }

    /// The full row of a span id (or of a missing parent's placeholder).
    pub fn row_of(&self, key: &[u8; 8]) -> Option<u32> {
        self.by_key
            .binary_search_by(|entry| entry.0.cmp(key))
            .ok()
            .map(|at| self.by_key[at].1)
    }

    /// The collapsed set of these keys: those naming a row with children, and of
    /// those only the ones not already hidden under another.
    pub fn collapsed(&self, keys: &[[u8; 8]]) -> Collapsed {
        let mut rows: Vec<u32> = keys
            .iter()
            .filter_map(|key| self.row_of(key))
            .filter(|&row| self.rows[row as usize].has_children())
            .collect();
        rows.sort_unstable();
        rows.dedup();
        let mut kept = Vec::with_capacity(rows.len());
        let mut hidden_before = Vec::with_capacity(rows.len());
        let mut hidden = 0u32;
        let mut covered_to = 0u32;
        for row in rows {
            if row < covered_to {
                continue;
            }
            let size = self.rows[row as usize].size;
            kept.push(row);
            hidden_before.push(hidden);
            hidden += size - 1;
            covered_to = row + size;
        }
        Collapsed {
            rows: kept,
            hidden_before,
            hidden,
        }
    }

    /// How many rows show under `collapsed`.
    pub fn visible_count(&self, collapsed: &Collapsed) -> u32 {
        self.rows.len() as u32 - collapsed.hidden
    }

    /// The full row shown at visible row `visible`.
    fn full_row(&self, collapsed: &Collapsed, visible: u32) -> u32 {
        // The collapsed rows shown before `visible` (the visible row of one is
        // `row - hidden_before`); the last of them hides the rows just before the answer.
        let at = collapsed
            .rows
            .iter()
            .zip(&collapsed.hidden_before)
            .take_while(|(&row, &before)| row - before < visible)
            .count();
        if at == 0 {
            visible
        } else {
            let hidden = collapsed.hidden_before[at - 1]
                + (self.rows[collapsed.rows[at - 1] as usize].size - 1);
            visible + hidden
        }
    }

    /// The full rows shown at visible rows `start..end` (clamped to the visible count).
    pub fn window(&self, collapsed: &Collapsed, start: u32, end: u32) -> Vec<u32> {
        let end = end.min(self.visible_count(collapsed));
        if start >= end {
            return Vec::new();
        }
        let mut out = Vec::with_capacity((end - start) as usize);
        let mut full = self.full_row(collapsed, start);
        let mut next_collapsed = collapsed.rows.partition_point(|&row| row < full);
        for _ in start..end {
            out.push(full);
            if collapsed.rows.get(next_collapsed) == Some(&full) {
                next_collapsed += 1;
                full += self.rows[full as usize].size;
            } else {
                full += 1;
            }
        }
        out
    }

    /// The visible row of full row `full`, or `None` when a collapsed row hides it.
    pub fn visible_row_of(&self, collapsed: &Collapsed, full: u32) -> Option<u32> {
        let at = collapsed.rows.partition_point(|&row| row < full);
        if at == 0 {
            return Some(full);
        }
        let row = collapsed.rows[at - 1];
        let size = self.rows[row as usize].size;
        if full < row + size {
            None
        } else {
            Some(full - collapsed.hidden_before[at - 1] - (size - 1))
        }
    }

    /// Whether full row `full` is hidden under `collapsed` (or is no row).
    pub fn is_hidden(&self, collapsed: &Collapsed, full: u32) -> bool {
        self.visible_row_of(collapsed, full).is_none()
    }

    /// The keys of every row with children at `depth` or deeper: "collapse to depth".
    pub fn keys_from_depth(&self, depth: u32) -> Vec<[u8; 8]> {
        self.rows
            .iter()
            .filter(|row| row.has_children() && row.depth >= depth)
            .map(|row| row.span_id)
            .collect()
    }

    /// The overview of the visible rows over `from_ns..to_ns` in `buckets` equal
    /// buckets: per depth and bucket, how many spans start there and the longest
    /// of them (end − start; ties: the first row). A span that starts before the
    /// range and ends in it counts in bucket 0; one outside the range counts
    /// nowhere. Cells with no span are left out; cells come by depth, then bucket.
    pub fn summary(
        &self,
        collapsed: &Collapsed,
        from_ns: i64,
        to_ns: i64,
        buckets: u32,
    ) -> Vec<SummaryCell> {
        if buckets == 0 || to_ns <= from_ns {
            return Vec::new();
        }
        let width = (to_ns - from_ns) as i128;
        let mut cells: std::collections::HashMap<(u32, u32), SummaryCell> =
            std::collections::HashMap::new();
        let mut full = 0u32;
        let mut next_collapsed = 0usize;
        let n_rows = self.rows.len() as u32;
        while full < n_rows {
            let row = &self.rows[full as usize];
            let end = row.end_ns.max(row.start_ns);
            if row.start_ns < to_ns && (end > from_ns || row.start_ns >= from_ns) {
                let offset = (row.start_ns.max(from_ns) - from_ns) as i128;
                let bucket = ((offset * buckets as i128) / width).min(buckets as i128 - 1) as u32;
                let length = end - row.start_ns;
                cells
                    .entry((row.depth, bucket))
                    .and_modify(|cell| {
                        cell.count += 1;
                        let best = &self.rows[cell.longest_row as usize];
                        if length > best.end_ns.max(best.start_ns) - best.start_ns {
                            cell.longest_row = full;
                        }
                    })
                    .or_insert(SummaryCell {
                        depth: row.depth,
                        bucket,
                        count: 1,
                        longest_row: full,
                    });
            }
            if collapsed.rows.get(next_collapsed) == Some(&full) {
                next_collapsed += 1;
                full += row.size;
            } else {
                full += 1;
            }
        }
        let mut out: Vec<SummaryCell> = cells.into_values().collect();
        out.sort_by_key(|cell| (cell.depth, cell.bucket));
        out
    }
}

/// The text find-in-trace looks in for a span, as the app's `matchSpans` makes it
/// (`ui/src/lib/model/spanSearch.ts`): name, service, status message and every key
/// and value of its attributes, space-separated, lower-cased.
pub fn span_text(name: &str, service: &str, status_message: &str, attributes: &Value) -> String {
    let mut text = format!("{name} {service} {status_message} ");
    push_text(&mut text, attributes);
    text.to_lowercase()
}

/// The text of a resource's attributes, as `span_text` makes that of a span's.
pub fn resource_text(attributes: &Value) -> String {
    let mut text = String::new();
    push_text(&mut text, attributes);
    text.to_lowercase()
}

/// The needle find-in-trace looks for: trimmed, lower-cased; empty finds nothing.
pub fn find_needle(text: &str) -> Option<String> {
    let needle = text.trim().to_lowercase();
    (!needle.is_empty()).then_some(needle)
}

/// JavaScript's `textOf`: objects and arrays as `key value` pairs joined by spaces,
/// `null` as nothing, strings as they are, numbers and booleans as JS prints them.
fn push_text(out: &mut String, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => match (number.as_i64(), number.as_u64(), number.as_f64()) {
            (Some(int), _, _) => out.push_str(&int.to_string()),
            (_, Some(int), _) => out.push_str(&int.to_string()),
            (_, _, Some(float)) if float.fract() == 0.0 && float.abs() < 1e21 => {
                out.push_str(&format!("{float:.0}"))
            }
            _ => out.push_str(&number.to_string()),
        },
        Value::String(text) => out.push_str(text),
        Value::Array(items) => {
            for (at, item) in items.iter().enumerate() {
                if at > 0 {
                    out.push(' ');
                }
                out.push_str(&at.to_string());
                out.push(' ');
                push_text(out, item);
            }
        }
        Value::Object(entries) => {
            for (at, (key, item)) in entries.iter().enumerate() {
                if at > 0 {
                    out.push(' ');
                }
                out.push_str(key);
                out.push(' ');
                push_text(out, item);
            }
        }
    }
}

/// The layout as bytes, to keep in the case: a header, the rows, the key index.
pub fn encode(layout: &TraceLayout) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + layout.rows.len() * (ROW + KEY));
    out.extend_from_slice(&LAYOUT_VERSION.to_le_bytes());
    out.extend_from_slice(&(layout.rows.len() as u32).to_le_bytes());
    out.extend_from_slice(&(layout.by_key.len() as u32).to_le_bytes());
    out.extend_from_slice(&layout.span_count.to_le_bytes());
    out.extend_from_slice(&layout.max_depth.to_le_bytes());
    out.extend_from_slice(&u32::from(layout.has_missing_parents).to_le_bytes());
    out.extend_from_slice(&layout.start_ns.to_le_bytes());
    out.extend_from_slice(&layout.end_ns.to_le_bytes());
    for row in &layout.rows {
        out.extend_from_slice(&row.span_id);
        out.extend_from_slice(&row.start_ns.to_le_bytes());
        out.extend_from_slice(&row.end_ns.to_le_bytes());
        out.extend_from_slice(&row.depth.to_le_bytes());
        out.extend_from_slice(&row.size.to_le_bytes());
        out.extend_from_slice(&row.child_count.to_le_bytes());
        out.extend_from_slice(&row.service.to_le_bytes());
        let flags = u32::from(row.placeholder) | (u32::from(row.error) << 1);
        out.extend_from_slice(&flags.to_le_bytes());
    }
    for (key, row) in &layout.by_key {
        out.extend_from_slice(key);
        out.extend_from_slice(&row.to_le_bytes());
    }
    out
}

/// Bumped when `encode`'s bytes change: a kept layout of another version is
/// laid out again.
pub const LAYOUT_VERSION: u32 = 1;
const HEADER: usize = 40;
const ROW: usize = 44;
const KEY: usize = 12;

/// The layout `encode` wrote, or `None` when the bytes are not one (another
/// version, cut short).
pub fn decode(bytes: &[u8]) -> Option<TraceLayout> {
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let i64_at = |at: usize| -> Option<i64> {
        Some(i64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
    };
    if u32_at(0)? != LAYOUT_VERSION {
        return None;
    }
    let n_rows = u32_at(4)? as usize;
    let n_keys = u32_at(8)? as usize;
    if bytes.len() != HEADER + n_rows * ROW + n_keys * KEY {
        return None;
    }
    let mut rows = Vec::with_capacity(n_rows);
    for at in 0..n_rows {
        let base = HEADER + at * ROW;
        let flags = u32_at(base + 40)?;
        rows.push(LayoutRow {
            span_id: bytes[base..base + 8].try_into().ok()?,
            start_ns: i64_at(base + 8)?,
            end_ns: i64_at(base + 16)?,
            depth: u32_at(base + 24)?,
            size: u32_at(base + 28)?,
            child_count: u32_at(base + 32)?,
            service: u32_at(base + 36)?,
            placeholder: flags & 1 != 0,
            error: flags & 2 != 0,
        });
    }
    let keys_at = HEADER + n_rows * ROW;
    let mut by_key = Vec::with_capacity(n_keys);
    for at in 0..n_keys {
        let base = keys_at + at * KEY;
        by_key.push((bytes[base..base + 8].try_into().ok()?, u32_at(base + 8)?));
    }
    Some(TraceLayout {
        rows,
        by_key,
        span_count: u32_at(12)?,
        max_depth: u32_at(16)?,
        has_missing_parents: u32_at(20)? != 0,
        start_ns: i64_at(24)?,
        end_ns: i64_at(32)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u8) -> [u8; 8] {
        [0, 0, 0, 0, 0, 0, 0, n]
    }

    fn span(n: u8, parent: Option<u8>, start: i64, end: i64) -> LayoutSpan {
        LayoutSpan {
            span_id: id(n),
            parent_span_id: parent.map(id),
            start_ns: start,
            end_ns: end,
            service: u32::from(n % 3),
            error: n % 5 == 0,
        }
    }

    /// The visible rows, walked the slow way: every row, skipping the subtrees
    /// of rows whose key is collapsed (the app's `rowStates`).
    fn visible_brute(layout: &TraceLayout, keys: &[[u8; 8]]) -> Vec<u32> {
        let mut out = Vec::new();
        let mut hidden_until = 0u32;
        for (at, row) in layout.rows.iter().enumerate() {
            let at = at as u32;
            if at < hidden_until {
                continue;
            }
            out.push(at);
            if row.has_children() && keys.contains(&row.span_id) {
                hidden_until = at + row.size;
            }
        }
        out
    }

    #[test]
    fn children_by_start_under_their_parent_and_a_placeholder_over_orphans() {
        let layout = TraceLayout::new(vec![
            span(1, None, 0, 100),
            span(3, Some(1), 50, 60),
            span(2, Some(1), 10, 20),
            span(4, Some(2), 11, 12),
            span(5, Some(9), 5, 70),
            span(6, Some(9), 30, 40),
        ]);
        let order: Vec<(u8, u32, bool)> = layout
            .rows
            .iter()
            .map(|row| (row.span_id[7], row.depth, row.placeholder))
            .collect();
        assert_eq!(
            order,
            vec![
                (1, 0, false),
                (2, 1, false),
                (4, 2, false),
                (3, 1, false),
                (9, 0, true),
                (5, 1, false),
                (6, 1, false)
            ]
        );
        assert_eq!(layout.rows[0].size, 4);
        assert_eq!(layout.rows[4].size, 3);
        assert_eq!((layout.rows[4].start_ns, layout.rows[4].end_ns), (5, 70));
        assert!(layout.has_missing_parents);
        assert_eq!(layout.max_depth, 2);
        assert_eq!(layout.span_count, 6);
    }

    #[test]
    fn a_cycle_is_broken_at_its_first_span() {
        let layout = TraceLayout::new(vec![span(1, Some(2), 0, 10), span(2, Some(1), 5, 10)]);
        let order: Vec<(u8, u32)> = layout
            .rows
            .iter()
            .map(|row| (row.span_id[7], row.depth))
            .collect();
        assert_eq!(order, vec![(1, 0), (2, 1)]);
        assert!(!layout.rows[1].has_children());
    }

    #[test]
    fn a_self_parent_is_a_root() {
        let layout = TraceLayout::new(vec![span(1, Some(1), 0, 10)]);
        assert_eq!(layout.rows.len(), 1);
        assert!(!layout.has_missing_parents);
    }

    #[test]
    fn collapsing_hides_a_subtree_and_keys_without_children_do_nothing() {
        let layout = TraceLayout::new(vec![
            span(1, None, 0, 100),
            span(2, Some(1), 10, 20),
            span(4, Some(2), 11, 12),
            span(3, Some(1), 50, 60),
        ]);
        let collapsed = layout.collapsed(&[id(2), id(4), id(77)]);
        assert_eq!(layout.visible_count(&collapsed), 3);
        assert_eq!(layout.window(&collapsed, 0, 10), vec![0, 1, 3]);
        assert_eq!(layout.visible_row_of(&collapsed, 2), None);
        assert_eq!(layout.visible_row_of(&collapsed, 3), Some(2));
    }

    fn arbitrary_trace() -> impl Strategy<Value = (Vec<LayoutSpan>, Vec<usize>)> {
        (1usize..60).prop_flat_map(|n_spans| {
            let spans = proptest::collection::vec(
                (
                    0usize..n_spans + 4, // parent: a span, or (past n) missing / none
                    0i64..50,
                    0i64..30,
                    any::<bool>(),
                ),
                n_spans,
            );
            let keys = proptest::collection::vec(0usize..n_spans + 4, 0..12);
            (spans, keys).prop_map(move |(picks, keys)| {
                let spans = picks
                    .iter()
                    .enumerate()
                    .map(|(at, &(parent, start, length, error))| LayoutSpan {
                        span_id: id(at as u8 + 1),
                        parent_span_id: match parent {
                            p if p < n_spans => Some(id(p as u8 + 1)),
                            p if p == n_spans => None,
                            p => Some(id(200 + (p - n_spans) as u8)),
                        },
                        start_ns: start,
                        end_ns: start + length,
                        service: (at % 4) as u32,
                        error,
                    })
                    .collect();
                (spans, keys)
            })
        })
    }

    fn key_of(pick: usize) -> [u8; 8] {
        if pick < 100 {
            id(pick as u8 + 1)
        } else {
            id(200)
        }
    }

    proptest! {
        #[test]
        fn windows_equal_the_rows_walked_one_by_one(
            (spans, picks) in arbitrary_trace(),
            start in 0u32..70,
            length in 0u32..70,
        ) {
            let layout = TraceLayout::new(spans.clone());
            // Every span once, plus a placeholder per missing parent.
            let n_spans = layout.rows.iter().filter(|row| !row.placeholder).count();
            prop_assert_eq!(n_spans, spans.len());
            let mut keys: Vec<[u8; 8]> = picks.iter().map(|&p| key_of(p % 100)).collect();
            keys.extend(picks.iter().filter(|&&p| p % 7 == 0).map(|&p| id(200 + (p % 4) as u8)));
            let collapsed = layout.collapsed(&keys);
            let brute = visible_brute(&layout, &keys);
            prop_assert_eq!(layout.visible_count(&collapsed) as usize, brute.len());
            let want: Vec<u32> = brute
                .iter()
                .skip(start as usize)
                .take(length as usize)
                .copied()
                .collect();
            prop_assert_eq!(layout.window(&collapsed, start, start + length), want);
            for (full, row) in layout.rows.iter().enumerate() {
                let visible = brute.iter().position(|&at| at == full as u32).map(|at| at as u32);
                prop_assert_eq!(layout.visible_row_of(&collapsed, full as u32), visible);
                prop_assert_eq!(layout.row_of(&row.span_id), Some(full as u32));
            }
            prop_assert_eq!(decode(&encode(&layout)), Some(layout.clone()));
        }

        #[test]
        fn the_summary_equals_a_count_of_every_visible_row(
            (spans, picks) in arbitrary_trace(),
            from in -5i64..40,
            width in 1i64..80,
            buckets in 1u32..9,
        ) {
            let layout = TraceLayout::new(spans);
            let keys: Vec<[u8; 8]> = picks.iter().map(|&p| key_of(p % 100)).collect();
            let collapsed = layout.collapsed(&keys);
            let to = from + width;
            let mut want: Vec<SummaryCell> = Vec::new();
            for full in visible_brute(&layout, &keys) {
                let row = &layout.rows[full as usize];
                let end = row.end_ns.max(row.start_ns);
                let inside = row.start_ns < to && (end > from || row.start_ns >= from);
                if !inside {
                    continue;
                }
                // The bucket whose range holds the clamped start.
                let offset = row.start_ns.max(from) - from;
                let bucket = (0..buckets)
                    .find(|&b| offset * i64::from(buckets) < i64::from(b + 1) * width)
                    .unwrap_or(buckets - 1);
                match want.iter_mut().find(|cell| cell.depth == row.depth && cell.bucket == bucket) {
                    Some(cell) => {
                        cell.count += 1;
                        let best = &layout.rows[cell.longest_row as usize];
                        if end - row.start_ns > best.end_ns.max(best.start_ns) - best.start_ns {
                            cell.longest_row = full;
                        }
                    }
                    None => want.push(SummaryCell { depth: row.depth, bucket, count: 1, longest_row: full }),
                }
            }
            want.sort_by_key(|cell| (cell.depth, cell.bucket));
            prop_assert_eq!(layout.summary(&collapsed, from, to, buckets), want);
        }
    }

    #[test]
    fn span_text_reads_like_the_apps() {
        let attributes =
            serde_json::json!({"http.status": 500, "ok": true, "list": ["a", 2.0], "none": null});
        assert_eq!(
            span_text("GET /", "Web", "", &attributes),
            "get / web  http.status 500 ok true list 0 a 1 2 none "
        );
        assert_eq!(find_needle("  Web "), Some("web".to_string()));
        assert_eq!(find_needle("   "), None);
    }
}
