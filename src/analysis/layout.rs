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
    /// The subtree size of each entry of `rows`.
    sizes: Vec<u32>,
    /// Rows hidden before each entry of `rows` (exclusive), and in all at the end.
    hidden_before: Vec<u32>,
    hidden: u32,
}

impl Collapsed {
    /// The collapsed set of rows given as (full row, subtree size) for rows with
    /// children, any order: of those only the ones not already hidden under another.
    pub fn of_rows(mut entries: Vec<(u32, u32)>) -> Collapsed {
        entries.sort_unstable();
        entries.dedup();
        let mut set = Collapsed::default();
        let mut covered_to = 0u32;
        for (row, size) in entries {
            if row < covered_to {
                continue;
            }
            set.rows.push(row);
            set.sizes.push(size);
            set.hidden_before.push(set.hidden);
            set.hidden += size - 1;
            covered_to = row + size;
        }
        set
    }

    /// Whether full row `full` is one of the set's (outermost) collapsed rows.
    pub fn contains(&self, full: u32) -> bool {
        self.rows.binary_search(&full).is_ok()
    }

    /// How many rows show of `n_rows` under this set.
    pub fn visible_count(&self, n_rows: u32) -> u32 {
        n_rows - self.hidden
    }

    /// The full row shown at visible row `visible`.
    fn full_row(&self, visible: u32) -> u32 {
        // The collapsed rows shown before `visible` (the visible row of one is
        // `row - hidden_before`); the last of them hides the rows just before the answer.
        let at = self
            .rows
            .iter()
            .zip(&self.hidden_before)
            .take_while(|(&row, &before)| row - before < visible)
            .count();
        if at == 0 {
            visible
        } else {
            visible + self.hidden_before[at - 1] + (self.sizes[at - 1] - 1)
        }
    }

    /// The full rows shown at visible rows `start..end` of a layout of `n_rows`
    /// rows (clamped to the visible count).
    pub fn window(&self, n_rows: u32, start: u32, end: u32) -> Vec<u32> {
        let end = end.min(self.visible_count(n_rows));
        if start >= end {
            return Vec::new();
        }
        let mut out = Vec::with_capacity((end - start) as usize);
        let mut full = self.full_row(start);
        let mut next_collapsed = self.rows.partition_point(|&row| row < full);
        for _ in start..end {
            out.push(full);
            if self.rows.get(next_collapsed) == Some(&full) {
                full += self.sizes[next_collapsed];
                next_collapsed += 1;
            } else {
                full += 1;
            }
        }
        out
    }

    /// The visible row of full row `full`, or `None` when a collapsed row hides it.
    pub fn visible_row_of(&self, full: u32) -> Option<u32> {
        let at = self.rows.partition_point(|&row| row < full);
        if at == 0 {
            return Some(full);
        }
        let (row, size) = (self.rows[at - 1], self.sizes[at - 1]);
        if full < row + size {
            None
        } else {
            Some(full - self.hidden_before[at - 1] - (size - 1))
        }
    }
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

    /// What the header of its encoding says.
    pub fn header(&self) -> LayoutHeader {
        LayoutHeader {
            n_rows: self.rows.len() as u32,
            n_keys: self.by_key.len() as u32,
            span_count: self.span_count,
            max_depth: self.max_depth,
            has_missing_parents: self.has_missing_parents,
            start_ns: self.start_ns,
            end_ns: self.end_ns,
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
        Collapsed::of_rows(
            keys.iter()
                .filter_map(|key| self.row_of(key))
                .map(|row| (row, &self.rows[row as usize]))
                .filter(|(_, row)| row.has_children())
                .map(|(at, row)| (at, row.size))
                .collect(),
        )
    }

    /// How many rows show under `collapsed`.
    pub fn visible_count(&self, collapsed: &Collapsed) -> u32 {
        collapsed.visible_count(self.rows.len() as u32)
    }

    /// The full rows shown at visible rows `start..end` (clamped to the visible count).
    pub fn window(&self, collapsed: &Collapsed, start: u32, end: u32) -> Vec<u32> {
        collapsed.window(self.rows.len() as u32, start, end)
    }

    /// The visible row of full row `full`, or `None` when a collapsed row hides it.
    pub fn visible_row_of(&self, collapsed: &Collapsed, full: u32) -> Option<u32> {
        collapsed.visible_row_of(full)
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
        let mut summary = Summarizer::new(from_ns, to_ns, buckets);
        let walked = collapsed.walk_visible(self.rows.len() as u32, |full| {
            let row = self.rows[full as usize];
            summary.push(full, &row);
            Ok::<_, ()>(Some(row))
        });
        debug_assert_eq!(walked, Ok(Some(())));
        summary.finish().into_iter().map(|(cell, _)| cell).collect()
    }
}

/// (key, full row) of some keys, in key order (`TraceLayout::rows_of_keys`).
pub type KeyRows = Vec<([u8; 8], u32)>;

/// The overview (`TraceLayout::summary`) made a visible row at a time, in row
/// order, so that it can be made from the rows read a piece at a time
/// (`LayoutPieces::summary`) without holding them: per cell, the count and the
/// longest row.
pub struct Summarizer {
    from_ns: i64,
    to_ns: i64,
    buckets: u32,
    cells: std::collections::HashMap<(u32, u32), (SummaryCell, LayoutRow)>,
}

impl Summarizer {
    pub fn new(from_ns: i64, to_ns: i64, buckets: u32) -> Summarizer {
        Summarizer {
            from_ns,
            to_ns,
            buckets,
            cells: std::collections::HashMap::new(),
        }
    }

    /// Counts visible row `row` at full row `full` (rows come in row order).
    pub fn push(&mut self, full: u32, row: &LayoutRow) {
        let (from_ns, to_ns, buckets) = (self.from_ns, self.to_ns, self.buckets);
        if buckets == 0 || to_ns <= from_ns {
            return;
        }
        let end = row.end_ns.max(row.start_ns);
        if !(row.start_ns < to_ns && (end > from_ns || row.start_ns >= from_ns)) {
            return;
        }
        let width = (to_ns - from_ns) as i128;
        let offset = (row.start_ns.max(from_ns) - from_ns) as i128;
        let bucket = ((offset * buckets as i128) / width).min(buckets as i128 - 1) as u32;
        let length = end - row.start_ns;
        self.cells
            .entry((row.depth, bucket))
            .and_modify(|(cell, best)| {
                cell.count += 1;
                if length > best.end_ns.max(best.start_ns) - best.start_ns {
                    cell.longest_row = full;
                    *best = *row;
                }
            })
            .or_insert((
                SummaryCell {
                    depth: row.depth,
                    bucket,
                    count: 1,
                    longest_row: full,
                },
                *row,
            ));
    }

    /// The cells by depth, then bucket, each with its longest row.
    pub fn finish(self) -> Vec<(SummaryCell, LayoutRow)> {
        let mut out: Vec<(SummaryCell, LayoutRow)> = self.cells.into_values().collect();
        out.sort_by_key(|(cell, _)| (cell.depth, cell.bucket));
        out
    }
}

impl Collapsed {
    /// Walks the visible rows of a layout of `n_rows` rows in order: `row_at(full)`
    /// gives each one's row (`None`: unreadable, which ends the walk with `None`),
    /// and the subtree of a collapsed one is skipped.
    pub fn walk_visible<E>(
        &self,
        n_rows: u32,
        mut row_at: impl FnMut(u32) -> Result<Option<LayoutRow>, E>,
    ) -> Result<Option<()>, E> {
        let mut full = 0u32;
        let mut next_collapsed = 0usize;
        while full < n_rows {
            let Some(row) = row_at(full)? else {
                return Ok(None);
            };
            if self.rows.get(next_collapsed) == Some(&full) {
                next_collapsed += 1;
                full += row.size.max(1);
            } else {
                full += 1;
            }
        }
        Ok(Some(()))
    }
}

/// The self time of a span: its length less what its children cover
/// (`analysis::self_times` over the span and its children's rows).
pub fn self_time(row: &LayoutRow, children: &[LayoutRow]) -> i64 {
    use super::{self_times, SpanTiming, TraceTree};
    let hex = |id: &[u8; 8]| -> String { id.iter().map(|byte| format!("{byte:02x}")).collect() };
    let id = hex(&row.span_id);
    let child_ids: Vec<String> = children.iter().map(|child| hex(&child.span_id)).collect();
    let mut spans = vec![SpanTiming {
        span_id: &id,
        parent_span_id: None,
        start_ns: row.start_ns,
        end_ns: row.end_ns,
        kind: 0,
    }];
    spans.extend(
        children
            .iter()
            .zip(&child_ids)
            .map(|(child, child_id)| SpanTiming {
                span_id: child_id,
                parent_span_id: Some(&id),
                start_ns: child.start_ns,
                end_ns: child.end_ns,
                kind: 0,
            }),
    );
    let tree = TraceTree::new(&spans);
    self_times(&spans, &tree)[0]
}

impl TraceLayout {
    /// The row at full row `full` and the rows of its children, in order.
    pub fn children(&self, full: u32) -> Option<(LayoutRow, Vec<LayoutRow>)> {
        let row = *self.rows.get(full as usize)?;
        let mut children = Vec::with_capacity(row.child_count as usize);
        let mut at = full + 1;
        for _ in 0..row.child_count {
            let child = *self.rows.get(at as usize)?;
            children.push(child);
            at += child.size.max(1);
        }
        Some((row, children))
    }

    /// The (key, full row) of each of `keys` the layout has, in key order.
    pub fn rows_of_keys(&self, keys: &[[u8; 8]]) -> KeyRows {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        keys.iter()
            .filter_map(|key| Some((*key, self.row_of(key)?)))
            .collect()
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

/// Whether `needle` (from `find_needle`) is one `may_match` can rule spans out for:
/// printable ASCII without a space, a quote or a backslash, and not only the
/// characters of a number (digits, `.`, `e`, `+`, `-`: a number's text in
/// `span_text` is JavaScript's, not its JSON, and array indexes are not in the JSON).
pub fn plain_needle(needle: &str) -> bool {
    !needle.is_empty()
        && needle
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
        && needle
            .bytes()
            .any(|b| !matches!(b, b'0'..=b'9' | b'.' | b'e' | b'+' | b'-'))
}

/// Whether a span may match plain needle `needle` (see `plain_needle`), read from
/// its stored columns without parsing them: `fields` are its name, service, status
/// message and attributes JSON text as stored (serde_json's). False only when
/// `span_text` of it cannot hold the needle: the needle has no space, so a match
/// lies inside one field, key or value, whose characters stand as they are in the
/// JSON when every byte is printable ASCII and no backslash escapes one; a field
/// with another byte (where Unicode lower-casing may make ASCII, as `İ` and the
/// Kelvin sign do) may match. `scratch` is reused between calls.
pub fn may_match(needle: &str, fields: &[&[u8]], scratch: &mut Vec<u8>) -> bool {
    for field in fields {
        if field
            .iter()
            .any(|&b| !(b' '..=b'~').contains(&b) || b == b'\\')
        {
            return true;
        }
        scratch.clear();
        scratch.extend(field.iter().map(u8::to_ascii_lowercase));
        if std::str::from_utf8(scratch).is_ok_and(|text| text.contains(needle)) {
            return true;
        }
    }
    false
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
/// The encoding's parts: a header, then `ROW` bytes a row, then `KEY` bytes a key.
pub const HEADER: usize = 40;
pub const ROW: usize = 44;
pub const KEY: usize = 12;

/// What the header of an encoded layout says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutHeader {
    pub n_rows: u32,
    pub n_keys: u32,
    pub span_count: u32,
    pub max_depth: u32,
    pub has_missing_parents: bool,
    pub start_ns: i64,
    pub end_ns: i64,
}

impl LayoutHeader {
    /// The length of the whole encoding.
    pub fn encoded_len(&self) -> usize {
        HEADER + self.n_rows as usize * ROW + self.n_keys as usize * KEY
    }
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn i64_at(bytes: &[u8], at: usize) -> Option<i64> {
    Some(i64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// The header at the start of `bytes`, or `None` when they are not one (another
/// version, cut short).
pub fn decode_header(bytes: &[u8]) -> Option<LayoutHeader> {
    if u32_at(bytes, 0)? != LAYOUT_VERSION {
        return None;
    }
    Some(LayoutHeader {
        n_rows: u32_at(bytes, 4)?,
        n_keys: u32_at(bytes, 8)?,
        span_count: u32_at(bytes, 12)?,
        max_depth: u32_at(bytes, 16)?,
        has_missing_parents: u32_at(bytes, 20)? != 0,
        start_ns: i64_at(bytes, 24)?,
        end_ns: i64_at(bytes, 32)?,
    })
}

/// One row from its `ROW` bytes.
fn decode_row(bytes: &[u8]) -> Option<LayoutRow> {
    let flags = u32_at(bytes, 40)?;
    Some(LayoutRow {
        span_id: bytes.get(0..8)?.try_into().ok()?,
        start_ns: i64_at(bytes, 8)?,
        end_ns: i64_at(bytes, 16)?,
        depth: u32_at(bytes, 24)?,
        size: u32_at(bytes, 28)?,
        child_count: u32_at(bytes, 32)?,
        service: u32_at(bytes, 36)?,
        placeholder: flags & 1 != 0,
        error: flags & 2 != 0,
    })
}

/// One entry of the key index from its `KEY` bytes.
fn decode_key(bytes: &[u8]) -> Option<([u8; 8], u32)> {
    Some((bytes.get(0..8)?.try_into().ok()?, u32_at(bytes, 8)?))
}

/// The layout `encode` wrote, or `None` when the bytes are not one (another
/// version, cut short).
pub fn decode(bytes: &[u8]) -> Option<TraceLayout> {
    let header = decode_header(bytes)?;
    if bytes.len() != header.encoded_len() {
        return None;
    }
    let rows_end = HEADER + header.n_rows as usize * ROW;
    let rows = bytes[HEADER..rows_end]
        .chunks_exact(ROW)
        .map(decode_row)
        .collect::<Option<Vec<_>>>()?;
    let by_key = bytes[rows_end..]
        .chunks_exact(KEY)
        .map(decode_key)
        .collect::<Option<Vec<_>>>()?;
    Some(TraceLayout {
        rows,
        by_key,
        span_count: header.span_count,
        max_depth: header.max_depth,
        has_missing_parents: header.has_missing_parents,
        start_ns: header.start_ns,
        end_ns: header.end_ns,
    })
}

/// An encoded layout kept in fixed pieces (`chunk_len` bytes each, the last one
/// shorter), read a piece at a time: the header, a run of rows, the row of a key
/// (a binary search of the key index), a collapsed set. What it reads depends on
/// the rows and keys asked for, never on the layout's size. `fetch(k)` gives piece
/// `k` (`None`: missing); the pieces read are kept while this lives. A piece of
/// the wrong length, or bytes that are not a layout, read as `None`.
pub struct LayoutPieces<F> {
    fetch: F,
    chunk_len: usize,
    header: LayoutHeader,
    held: std::collections::HashMap<usize, Vec<u8>>,
}

impl<E, F: FnMut(usize) -> Result<Option<Vec<u8>>, E>> LayoutPieces<F> {
    /// Reads the header; `None` when the pieces hold no layout of this version.
    pub fn open(chunk_len: usize, fetch: F) -> Result<Option<Self>, E> {
        if chunk_len < HEADER {
            return Ok(None);
        }
        let mut pieces = LayoutPieces {
            fetch,
            chunk_len,
            header: LayoutHeader {
                n_rows: 0,
                n_keys: 0,
                span_count: 0,
                max_depth: 0,
                has_missing_parents: false,
                start_ns: 0,
                end_ns: 0,
            },
            held: std::collections::HashMap::new(),
        };
        let Some(first) = pieces.piece(0)? else {
            return Ok(None);
        };
        let Some(header) = decode_header(first) else {
            return Ok(None);
        };
        pieces.header = header;
        Ok(Some(pieces))
    }

    pub fn header(&self) -> &LayoutHeader {
        &self.header
    }

    /// Piece `k`, fetched once.
    fn piece(&mut self, k: usize) -> Result<Option<&[u8]>, E> {
        if !self.held.contains_key(&k) {
            let Some(bytes) = (self.fetch)(k)? else {
                return Ok(None);
            };
            self.held.insert(k, bytes);
        }
        Ok(self.held.get(&k).map(Vec::as_slice))
    }

    /// Bytes `at..at + len` of the encoding.
    fn bytes(&mut self, at: usize, len: usize) -> Result<Option<Vec<u8>>, E> {
        if at + len > self.header.encoded_len() {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(len);
        let mut from = at;
        while from < at + len {
            let (k, inside) = (from / self.chunk_len, from % self.chunk_len);
            let want = (self.chunk_len - inside).min(at + len - from);
            let Some(piece) = self.piece(k)? else {
                return Ok(None);
            };
            let Some(part) = piece.get(inside..inside + want) else {
                return Ok(None);
            };
            out.extend_from_slice(part);
            from += want;
        }
        Ok(Some(out))
    }

    /// Rows `start..end` (cut to the rows there are).
    pub fn rows(&mut self, start: u32, end: u32) -> Result<Option<Vec<LayoutRow>>, E> {
        let end = end.min(self.header.n_rows);
        if start >= end {
            return Ok(Some(Vec::new()));
        }
        let at = HEADER + start as usize * ROW;
        Ok(self
            .bytes(at, (end - start) as usize * ROW)?
            .and_then(|bytes| bytes.chunks_exact(ROW).map(decode_row).collect()))
    }

    /// The rows at the full rows `fulls` (ascending), reading each run of
    /// consecutive rows at once.
    pub fn rows_at(&mut self, fulls: &[u32]) -> Result<Option<Vec<LayoutRow>>, E> {
        let mut out = Vec::with_capacity(fulls.len());
        let mut at = 0;
        while at < fulls.len() {
            let mut run = 1;
            while at + run < fulls.len() && fulls[at + run] == fulls[at] + run as u32 {
                run += 1;
            }
            let Some(rows) = self.rows(fulls[at], fulls[at] + run as u32)? else {
                return Ok(None);
            };
            if rows.len() != run {
                return Ok(None);
            }
            out.extend(rows);
            at += run;
        }
        Ok(Some(out))
    }

    /// The full row of a span id (or of a missing parent's placeholder).
    pub fn row_of(&mut self, key: &[u8; 8]) -> Result<Option<u32>, E> {
        let keys_at = HEADER + self.header.n_rows as usize * ROW;
        let (mut low, mut high) = (0usize, self.header.n_keys as usize);
        while low < high {
            let middle = (low + high) / 2;
            let Some(entry) = self
                .bytes(keys_at + middle * KEY, KEY)?
                .and_then(|bytes| decode_key(&bytes))
            else {
                return Ok(None);
            };
            match entry.0.cmp(key) {
                std::cmp::Ordering::Equal => return Ok(Some(entry.1)),
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
            }
        }
        Ok(None)
    }

    /// The collapsed set of these keys, as `TraceLayout::collapsed` makes it.
    pub fn collapsed(&mut self, keys: &[[u8; 8]]) -> Result<Option<Collapsed>, E> {
        let mut entries = Vec::with_capacity(keys.len());
        for key in keys {
            let Some(full) = self.row_of(key)? else {
                continue;
            };
            let Some(row) = self
                .rows(full, full + 1)?
                .and_then(|rows| rows.first().copied())
            else {
                return Ok(None);
            };
            if row.has_children() {
                entries.push((full, row.size));
            }
        }
        Ok(Some(Collapsed::of_rows(entries)))
    }

    /// Bytes `at..at + len` of the encoding read in a `Stream`: `at` never goes
    /// back in one stream, and the pieces passed are dropped, not held.
    fn streamed<'s>(
        &mut self,
        stream: &'s mut Stream,
        at: usize,
        len: usize,
    ) -> Result<Option<&'s [u8]>, E> {
        let total = self.header.encoded_len();
        if at + len > total || at < stream.at {
            return Ok(None);
        }
        if at >= stream.at + stream.bytes.len() {
            // Past what is held: start again at the piece holding `at`.
            stream.next = at / self.chunk_len;
            stream.at = stream.next * self.chunk_len;
            stream.bytes.clear();
        }
        while stream.at + stream.bytes.len() < at + len {
            let Some(piece) = (self.fetch)(stream.next)? else {
                return Ok(None);
            };
            let want = self.chunk_len.min(total - stream.next * self.chunk_len);
            if piece.len() != want {
                return Ok(None);
            }
            // Drop the bytes before `at` held (the rest of the pieces before).
            let done = (at - stream.at).min(stream.bytes.len());
            stream.bytes.drain(..done);
            stream.at += done;
            stream.bytes.extend_from_slice(&piece);
            stream.next += 1;
        }
        Ok(Some(&stream.bytes[at - stream.at..at - stream.at + len]))
    }

    /// Full row `full`, read in `stream`.
    fn streamed_row(&mut self, stream: &mut Stream, full: u32) -> Result<Option<LayoutRow>, E> {
        if full >= self.header.n_rows {
            return Ok(None);
        }
        Ok(self
            .streamed(stream, HEADER + full as usize * ROW, ROW)?
            .and_then(decode_row))
    }

    /// The overview of the visible rows, as `TraceLayout::summary` makes it, with
    /// each cell's longest row: the visible rows read in order a piece at a time,
    /// holding one or two pieces, never the whole layout.
    pub fn summary(
        &mut self,
        collapsed: &Collapsed,
        from_ns: i64,
        to_ns: i64,
        buckets: u32,
    ) -> Result<Option<Vec<(SummaryCell, LayoutRow)>>, E> {
        let mut summary = Summarizer::new(from_ns, to_ns, buckets);
        let mut stream = Stream::default();
        let walked = collapsed.walk_visible(self.header.n_rows, |full| {
            let row = self.streamed_row(&mut stream, full)?;
            if let Some(row) = &row {
                summary.push(full, row);
            }
            Ok(row)
        })?;
        Ok(walked.map(|()| summary.finish()))
    }

    /// The keys of every row with children at `depth` or deeper, in row order, as
    /// `TraceLayout::keys_from_depth` gives them, read in order a piece at a time.
    pub fn keys_from_depth(&mut self, depth: u32) -> Result<Option<Vec<[u8; 8]>>, E> {
        let mut out = Vec::new();
        let mut stream = Stream::default();
        for full in 0..self.header.n_rows {
            let Some(row) = self.streamed_row(&mut stream, full)? else {
                return Ok(None);
            };
            if row.has_children() && row.depth >= depth {
                out.push(row.span_id);
            }
        }
        Ok(Some(out))
    }

    /// The row at full row `full` and the rows of its children, in order, read
    /// in one stream (a span's self time).
    pub fn children(&mut self, full: u32) -> Result<Option<(LayoutRow, Vec<LayoutRow>)>, E> {
        let mut stream = Stream::default();
        let Some(row) = self.streamed_row(&mut stream, full)? else {
            return Ok(None);
        };
        let mut children = Vec::with_capacity(row.child_count as usize);
        let mut at = full + 1;
        for _ in 0..row.child_count {
            let Some(child) = self.streamed_row(&mut stream, at)? else {
                return Ok(None);
            };
            children.push(child);
            at += child.size.max(1);
        }
        Ok(Some((row, children)))
    }

    /// The (key, full row) of each of `keys` the layout has, in key order, as
    /// `TraceLayout::rows_of_keys` gives them: the key index read once in order
    /// (for many keys, where a binary search each would read most pieces anyway).
    pub fn rows_of_keys(&mut self, keys: &[[u8; 8]]) -> Result<Option<KeyRows>, E> {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        let keys_at = HEADER + self.header.n_rows as usize * ROW;
        let mut stream = Stream::default();
        let mut out = Vec::new();
        let mut wanted = keys.iter().peekable();
        for at in 0..self.header.n_keys as usize {
            let Some(&next) = wanted.peek() else {
                break;
            };
            let Some((key, full)) = self
                .streamed(&mut stream, keys_at + at * KEY, KEY)?
                .and_then(decode_key)
            else {
                return Ok(None);
            };
            if *next > key {
                continue;
            }
            while wanted.next_if(|wanted| **wanted < key).is_some() {}
            if wanted.next_if(|wanted| **wanted == key).is_some() {
                out.push((key, full));
            }
        }
        Ok(Some(out))
    }

    /// The collapsed set of these keys, as `collapsed` makes it, for many keys:
    /// the key index read once in order, then the rows of the keys found in order.
    pub fn collapsed_streamed(&mut self, keys: &[[u8; 8]]) -> Result<Option<Collapsed>, E> {
        let Some(found) = self.rows_of_keys(keys)? else {
            return Ok(None);
        };
        let mut fulls: Vec<u32> = found.into_iter().map(|(_, full)| full).collect();
        fulls.sort_unstable();
        let mut stream = Stream::default();
        let mut entries = Vec::new();
        for full in fulls {
            let Some(row) = self.streamed_row(&mut stream, full)? else {
                return Ok(None);
            };
            if row.has_children() {
                entries.push((full, row.size));
            }
        }
        Ok(Some(Collapsed::of_rows(entries)))
    }
}

/// Where a read of a layout's pieces in order stands (`LayoutPieces::streamed`):
/// the bytes from `at` held (the end of one piece, the next), and the next piece.
#[derive(Default)]
struct Stream {
    at: usize,
    bytes: Vec<u8>,
    next: usize,
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

    proptest! {
        #[test]
        fn windows_read_piecewise_equal_windows_of_the_decoded_layout(
            (spans, picks) in arbitrary_trace(),
            start in 0u32..70,
            length in 0u32..70,
            chunk_len in HEADER..HEADER + 200,
        ) {
            let layout = TraceLayout::new(spans);
            let bytes = encode(&layout);
            let pieces: Vec<Vec<u8>> = bytes.chunks(chunk_len).map(<[u8]>::to_vec).collect();
            let mut fetched = 0usize;
            let mut read = LayoutPieces::open(chunk_len, |k: usize| {
                fetched += 1;
                Ok::<_, ()>(pieces.get(k).cloned())
            })
            .unwrap()
            .expect("a layout");
            let header = *read.header();
            prop_assert_eq!(header.n_rows as usize, layout.rows.len());
            prop_assert_eq!(
                (header.span_count, header.max_depth, header.has_missing_parents),
                (layout.span_count, layout.max_depth, layout.has_missing_parents)
            );
            prop_assert_eq!((header.start_ns, header.end_ns), (layout.start_ns, layout.end_ns));
            let mut keys: Vec<[u8; 8]> = picks.iter().map(|&p| key_of(p % 100)).collect();
            keys.extend(picks.iter().filter(|&&p| p % 7 == 0).map(|&p| id(200 + (p % 4) as u8)));
            let set = read.collapsed(&keys).unwrap().expect("a collapsed set");
            prop_assert_eq!(&set, &layout.collapsed(&keys));
            let fulls = set.window(header.n_rows, start, start + length);
            prop_assert_eq!(&fulls, &layout.window(&set, start, start + length));
            let rows = read.rows_at(&fulls).unwrap().expect("rows");
            let want: Vec<LayoutRow> = fulls.iter().map(|&full| layout.rows[full as usize]).collect();
            prop_assert_eq!(rows, want);
            for (full, row) in layout.rows.iter().enumerate() {
                prop_assert_eq!(read.row_of(&row.span_id).unwrap(), Some(full as u32));
            }
            prop_assert_eq!(read.row_of(&id(255)).unwrap(), None);
        }
    }

    proptest! {
        #[test]
        fn layouts_streamed_from_pieces_equal_the_whole_layout(
            (spans, picks) in arbitrary_trace(),
            from in -5i64..40,
            width in 1i64..80,
            buckets in 1u32..9,
            depth in 0u32..5,
            chunk_len in HEADER..HEADER + 200,
        ) {
            let layout = TraceLayout::new(spans);
            let bytes = encode(&layout);
            let pieces: Vec<Vec<u8>> = bytes.chunks(chunk_len).map(<[u8]>::to_vec).collect();
            let mut read = LayoutPieces::open(chunk_len, |k: usize| {
                Ok::<_, ()>(pieces.get(k).cloned())
            })
            .unwrap()
            .expect("a layout");
            let mut keys: Vec<[u8; 8]> = picks.iter().map(|&p| key_of(p % 100)).collect();
            keys.extend(picks.iter().filter(|&&p| p % 7 == 0).map(|&p| id(200 + (p % 4) as u8)));
            let set = layout.collapsed(&keys);
            // The collapsed set from the key index read in order, as from binary searches.
            prop_assert_eq!(read.collapsed_streamed(&keys).unwrap(), Some(set.clone()));
            prop_assert_eq!(read.rows_of_keys(&keys).unwrap(), Some(layout.rows_of_keys(&keys)));
            let want: Vec<(SummaryCell, LayoutRow)> = layout
                .summary(&set, from, from + width, buckets)
                .into_iter()
                .map(|cell| (cell, layout.rows[cell.longest_row as usize]))
                .collect();
            prop_assert_eq!(read.summary(&set, from, from + width, buckets).unwrap(), Some(want));
            prop_assert_eq!(read.keys_from_depth(depth).unwrap(), Some(layout.keys_from_depth(depth)));
            for full in 0..layout.rows.len() as u32 {
                let streamed = read.children(full).unwrap().expect("a row");
                prop_assert_eq!(Some(streamed.clone()), layout.children(full));
                // The children are the rows one below it inside its subtree.
                let row = layout.rows[full as usize];
                let below: Vec<LayoutRow> = layout.rows[full as usize + 1..(full + row.size) as usize]
                    .iter()
                    .filter(|child| child.depth == row.depth + 1)
                    .copied()
                    .collect();
                prop_assert_eq!(streamed.1, below);
            }
        }
    }

    #[test]
    fn a_stream_of_pieces_holds_at_most_two_and_reads_each_once() {
        let spans: Vec<LayoutSpan> = (0..200u8)
            .map(|n| {
                span(
                    n,
                    n.checked_sub(1).filter(|p| p % 10 != 0),
                    i64::from(n),
                    500,
                )
            })
            .collect();
        let layout = TraceLayout::new(spans);
        let bytes = encode(&layout);
        let chunk_len = 100;
        let pieces: Vec<Vec<u8>> = bytes.chunks(chunk_len).map(<[u8]>::to_vec).collect();
        let fetched = std::cell::RefCell::new(Vec::new());
        let mut read = LayoutPieces::open(chunk_len, |k: usize| {
            fetched.borrow_mut().push(k);
            Ok::<_, ()>(pieces.get(k).cloned())
        })
        .unwrap()
        .expect("a layout");
        let set = Collapsed::default();
        let cells = read.summary(&set, 0, 500, 10).unwrap().expect("cells");
        assert_eq!(cells.iter().map(|(cell, _)| cell.count).sum::<u32>(), 200);
        // Piece 0 for the header, then every piece of the rows once, in order.
        let rows_end = HEADER + layout.rows.len() * ROW;
        let want: Vec<usize> = std::iter::once(0)
            .chain(0..rows_end.div_ceil(chunk_len))
            .collect();
        assert_eq!(*fetched.borrow(), want);
        assert!(
            read.held.len() == 1,
            "the summary holds no piece past the call"
        );
        let mut stream = Stream::default();
        for full in 0..layout.rows.len() as u32 {
            read.streamed_row(&mut stream, full)
                .unwrap()
                .expect("a row");
            assert!(
                stream.bytes.len() <= chunk_len + ROW,
                "{} bytes held",
                stream.bytes.len()
            );
        }
        assert_eq!(
            read.streamed_row(&mut stream, 0).unwrap(),
            None,
            "a stream never goes back"
        );
    }

    #[test]
    fn pieces_that_are_missing_or_cut_short_read_as_none() {
        let layout = TraceLayout::new(vec![
            span(1, None, 0, 100),
            span(2, Some(1), 10, 20),
            span(3, Some(1), 50, 60),
        ]);
        let bytes = encode(&layout);
        let first = bytes[..HEADER + 10].to_vec();
        let mut read = LayoutPieces::open(HEADER + 10, |k: usize| {
            Ok::<_, ()>((k == 0).then(|| first.clone()))
        })
        .unwrap()
        .expect("the header is whole");
        assert_eq!(read.rows(0, 1).unwrap(), None);
        assert_eq!(read.row_of(&id(2)).unwrap(), None);
        let opened = LayoutPieces::open(HEADER, |_| Ok::<_, ()>(Some(vec![0u8; HEADER])));
        assert!(opened.unwrap().is_none(), "a version 0 header is no layout");
    }

    fn arbitrary_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            prop_oneof![
                Just(2.0f64),
                Just(1e20),
                Just(1e21),
                Just(-0.5),
                Just(1.5e300)
            ]
            .prop_map(Value::from),
            "[a-cA-Cİ\u{212a}0-9 .:\"\\\\+\t-]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-cA-Cİ\u{212a}.:\"]{0,4}", inner, 0..4)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn a_span_may_match_ruled_out_never_matches(
            name in "[a-cA-Cİ\u{212a}0-9 .:/]{0,8}",
            service in "[a-cA-C ]{0,5}",
            status in "[a-c\u{212a} \\\\]{0,4}",
            attributes in arbitrary_value(),
            needle in "[a-ck0-9 .:/\"+e-]{1,4}",
            cut in (0usize..80, 1usize..6),
        ) {
            let json = serde_json::to_string(&attributes).unwrap();
            let fields = [name.as_bytes(), service.as_bytes(), status.as_bytes(), json.as_bytes()];
            let text = span_text(&name, &service, &status, &attributes);
            // A random needle, and a piece of the text itself (one that matches).
            let piece: String = text.chars().skip(cut.0).take(cut.1).collect();
            for needle in [find_needle(&needle), find_needle(&piece)].into_iter().flatten() {
                if plain_needle(&needle) && text.contains(&needle) {
                    prop_assert!(may_match(&needle, &fields, &mut Vec::new()), "{:?} in {:?}", needle, text);
                }
            }
        }
    }

    #[test]
    fn plain_needles_and_what_may_match_them() {
        assert!(plain_needle("payment"));
        assert!(plain_needle("http.status"));
        assert!(!plain_needle("get /"), "a space");
        assert!(!plain_needle("500"), "only a number's characters");
        assert!(!plain_needle("1e+21"));
        assert!(!plain_needle("a\"b"));
        assert!(!plain_needle("é"));
        let mut scratch = Vec::new();
        assert!(may_match("pay", &[b"PAYMENT"], &mut scratch));
        assert!(!may_match("pay", &[b"cart", br#"{"a":"b"}"#], &mut scratch));
        assert!(
            may_match("ki", &["\u{212a}I".as_bytes()], &mut scratch),
            "the Kelvin sign"
        );
        assert!(
            may_match("ab", &[br#"{"x":"a\u0062"}"#], &mut scratch),
            "an escape"
        );
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
