// The waterfall's rows: spans as a tree (children by start time), flattened in
// depth-first order with collapsed subtrees left out. Iterative, so a 100k-span
// chain does not overflow the stack.

export interface SpanLike {
  span_id: string;
  parent_span_id: string | null;
  start_offset_ns: number;
}

export interface SpanTree {
  /** Indexes into the spans: the roots (no parent, or a parent not in the trace). */
  roots: number[];
  children: number[][];
}

export interface RowState {
  /** Index into the trace's spans. */
  span: number;
  depth: number;
  hasChildren: boolean;
  collapsed: boolean;
}

export function spanTree(spans: readonly SpanLike[]): SpanTree {
  const byId = new Map<string, number>();
  spans.forEach((span, index) => byId.set(span.span_id, index));
  const children: number[][] = spans.map(() => []);
  const roots: number[] = [];
  spans.forEach((span, index) => {
    const parent = span.parent_span_id === null ? undefined : byId.get(span.parent_span_id);
    if (parent === undefined || parent === index) roots.push(index);
    else children[parent]!.push(index);
  });
  const byStart = (a: number, b: number) =>
    spans[a]!.start_offset_ns - spans[b]!.start_offset_ns || a - b;
  // Spans in a cycle of parent ids reach no root: the first of each becomes one.
  const reached = new Uint8Array(spans.length);
  const reach = (from: number) => {
    const stack = [from];
    while (stack.length > 0) {
      const span = stack.pop()!;
      if (reached[span]) continue;
      reached[span] = 1;
      stack.push(...children[span]!);
    }
  };
  roots.forEach(reach);
  for (let index = 0; index < spans.length; index++) {
    if (!reached[index]) {
      roots.push(index);
      reach(index);
    }
  }
  roots.sort(byStart);
  for (const list of children) list.sort(byStart);
  return { roots, children };
}

/** The visible rows of `tree`, with the subtrees of `collapsed` span ids hidden. */
export function rowStates(
  spans: readonly SpanLike[],
  tree: SpanTree,
  collapsed: ReadonlySet<string>,
): RowState[] {
  const rows: RowState[] = [];
  const seen = new Uint8Array(spans.length);
  const stack: [number, number][] = [];
  for (let index = tree.roots.length - 1; index >= 0; index--) stack.push([tree.roots[index]!, 0]);
  while (stack.length > 0) {
    const [span, depth] = stack.pop()!;
    if (seen[span]) continue; // a cycle of parent ids: show each span once
    seen[span] = 1;
    const kids = tree.children[span]!;
    const isCollapsed = kids.length > 0 && collapsed.has(spans[span]!.span_id);
    rows.push({ span, depth, hasChildren: kids.length > 0, collapsed: isCollapsed });
    if (isCollapsed) continue;
    for (let index = kids.length - 1; index >= 0; index--) stack.push([kids[index]!, depth + 1]);
  }
  return rows;
}

/** The span ids of every span with children at `depth` or deeper: "collapse to depth". */
export function collapsedBelow(
  spans: readonly SpanLike[],
  tree: SpanTree,
  depth: number,
): Set<string> {
  const out = new Set<string>();
  for (const row of rowStates(spans, tree, new Set())) {
    if (row.hasChildren && row.depth >= depth) out.add(spans[row.span]!.span_id);
  }
  return out;
}
