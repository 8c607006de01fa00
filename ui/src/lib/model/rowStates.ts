// The waterfall's rows: spans as a tree (children by start time), flattened in
// depth-first order with collapsed subtrees left out. Iterative, so a 100k-span
// chain does not overflow the stack. A parent span the case does not hold (the
// engine's `missing_parents`) becomes a placeholder node over its orphans: a row
// that is drawn and collapses like a span's but is no span (rows say which).

export interface SpanLike {
  span_id: string;
  parent_span_id: string | null;
  start_offset_ns: number;
  /** Its end (a placeholder spans its orphans' times); the start when absent. */
  end_offset_ns?: number;
}

/** A parent span id the spans name and the case does not hold, and the spans naming it. */
export interface MissingParentLike {
  span_id: string;
  children: readonly string[];
}

/** The row of a missing parent: over the time of its orphans, never a span. */
export interface Placeholder {
  /** The missing span's id (its orphans' parent_span_id). */
  spanId: string;
  fromNs: number;
  toNs: number;
  /** How many spans hang directly under it. */
  orphans: number;
}

export interface SpanTree {
  /**
   * Nodes: 0 … spans.length - 1 are the spans, spans.length + k is `placeholders[k]`.
   * The roots: spans without a parent (or with one the trace lacks and no
   * placeholder), and the placeholders.
   */
  roots: number[];
  /** Children of each node, by start. */
  children: number[][];
  placeholders: Placeholder[];
}

export interface RowState {
  /** The tree node: the span's index, or spans.length + k for `placeholders[k]`. */
  node: number;
  /** Index into the trace's spans; -1 on a placeholder's row. */
  span: number;
  /** The missing parent this row stands for, or null on a span's row. */
  placeholder: Placeholder | null;
  depth: number;
  hasChildren: boolean;
  collapsed: boolean;
}

/** The key a row is collapsed by: its span id, or the missing span's id. */
export function rowKey(spans: readonly SpanLike[], row: RowState): string {
  return row.placeholder ? row.placeholder.spanId : spans[row.span]!.span_id;
}

export function spanTree(spans: readonly SpanLike[], missing: readonly MissingParentLike[] = []): SpanTree {
  const byId = new Map<string, number>();
  spans.forEach((span, index) => byId.set(span.span_id, index));
  const n = spans.length;
  const placeholders: Placeholder[] = [];
  const children: number[][] = spans.map(() => []);
  const adopted = new Uint8Array(n);
  for (const parent of missing) {
    // Only a parent the spans really lack, and only the spans that name it.
    if (byId.has(parent.span_id)) continue;
    const orphans = parent.children
      .map((id) => byId.get(id))
      .filter((index): index is number => index !== undefined && spans[index]!.parent_span_id === parent.span_id && !adopted[index]);
    if (orphans.length === 0) continue;
    for (const index of orphans) adopted[index] = 1;
    // A loop, not Math.min(...): a parent may have 100k orphans.
    let fromNs = Infinity;
    let toNs = -Infinity;
    for (const index of orphans) {
      const span = spans[index]!;
      fromNs = Math.min(fromNs, span.start_offset_ns);
      toNs = Math.max(toNs, span.end_offset_ns ?? span.start_offset_ns);
    }
    placeholders.push({ spanId: parent.span_id, fromNs, toNs, orphans: orphans.length });
    children.push(orphans);
  }
  const roots: number[] = placeholders.map((_, k) => n + k);
  spans.forEach((span, index) => {
    if (adopted[index]) return;
    const parent = span.parent_span_id === null ? undefined : byId.get(span.parent_span_id);
    if (parent === undefined || parent === index) roots.push(index);
    else children[parent]!.push(index);
  });
  const startOf = (node: number) => (node < n ? spans[node]!.start_offset_ns : placeholders[node - n]!.fromNs);
  const byStart = (a: number, b: number) => startOf(a) - startOf(b) || a - b;
  // Spans in a cycle of parent ids reach no root: the first of each becomes one.
  const reached = new Uint8Array(children.length);
  const reach = (from: number) => {
    const stack = [from];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (reached[node]) continue;
      reached[node] = 1;
      stack.push(...children[node]!);
    }
  };
  roots.forEach(reach);
  for (let index = 0; index < n; index++) {
    if (!reached[index]) {
      roots.push(index);
      reach(index);
    }
  }
  roots.sort(byStart);
  for (const list of children) list.sort(byStart);
  return { roots, children, placeholders };
}

/** The visible rows of `tree`, with the subtrees of `collapsed` span ids hidden. */
export function rowStates(
  spans: readonly SpanLike[],
  tree: SpanTree,
  collapsed: ReadonlySet<string>,
): RowState[] {
  const rows: RowState[] = [];
  const n = spans.length;
  const seen = new Uint8Array(tree.children.length);
  const stack: [number, number][] = [];
  for (let index = tree.roots.length - 1; index >= 0; index--) stack.push([tree.roots[index]!, 0]);
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (seen[node]) continue; // a cycle of parent ids: show each span once
    seen[node] = 1;
    const kids = tree.children[node]!;
    const placeholder = node < n ? null : tree.placeholders[node - n]!;
    const key = placeholder ? placeholder.spanId : spans[node]!.span_id;
    const isCollapsed = kids.length > 0 && collapsed.has(key);
    rows.push({
      node,
      span: placeholder ? -1 : node,
      placeholder,
      depth,
      hasChildren: kids.length > 0,
      collapsed: isCollapsed,
    });
    if (isCollapsed) continue;
    for (let index = kids.length - 1; index >= 0; index--) stack.push([kids[index]!, depth + 1]);
  }
  return rows;
}

/** The keys (`rowKey`) of every row with children at `depth` or deeper: "collapse to depth". */
export function collapsedBelow(
  spans: readonly SpanLike[],
  tree: SpanTree,
  depth: number,
): Set<string> {
  const out = new Set<string>();
  for (const row of rowStates(spans, tree, new Set())) {
    if (row.hasChildren && row.depth >= depth) out.add(rowKey(spans, row));
  }
  return out;
}
