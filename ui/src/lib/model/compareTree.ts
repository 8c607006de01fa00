// Two traces compared (`compare_traces`, src/analysis/compare.rs): the engine gives
// one node per (service, name) path from a root with its count and time in A and
// in B; this module nests them as the merged tree the comparison tab shows (parents
// before children, siblings by the larger total first), tells the nodes only in A
// or only in B, and finds the span of a node in either trace.

export interface PathStats {
  count: number;
  total_ns: number;
  self_ns: number;
  errors: number;
}

export interface CompareNode {
  path: [string, string][];
  a: PathStats;
  b: PathStats;
}

/** Where a node is: in both traces, only in A, only in B. */
export type Side = 'both' | 'a' | 'b';
/** How B's total compares with A's: slower, faster, or about the same (within 10 %). */
export type Change = 'slower' | 'faster' | 'same';

export interface CompareRow {
  /** The path joined, unique in the tree (keys the {#each}). */
  key: string;
  path: [string, string][];
  depth: number;
  service: string;
  name: string;
  a: PathStats;
  b: PathStats;
  /** B's total less A's. */
  differenceNs: number;
  side: Side;
  change: Change;
}

/** The part of the larger total a difference must reach to count as a change. */
export const CHANGE_SHARE = 0.1;

const keyOf = (path: readonly [string, string][]) => JSON.stringify(path);

export function sideOf(node: Pick<CompareNode, 'a' | 'b'>): Side {
  if (node.a.count === 0) return 'b';
  if (node.b.count === 0) return 'a';
  return 'both';
}

export function changeOf(node: Pick<CompareNode, 'a' | 'b'>): Change {
  const difference = node.b.total_ns - node.a.total_ns;
  const larger = Math.max(node.a.total_ns, node.b.total_ns);
  if (larger === 0 || Math.abs(difference) < CHANGE_SHARE * larger) return 'same';
  return difference > 0 ? 'slower' : 'faster';
}

/** The merged tree in display order. A node whose parent path is missing is a root. */
export function compareRows(nodes: readonly CompareNode[]): CompareRow[] {
  const byKey = new Map(nodes.map((node) => [keyOf(node.path), node]));
  const children = new Map<string, CompareNode[]>();
  const roots: CompareNode[] = [];
  for (const node of nodes) {
    const parentKey = keyOf(node.path.slice(0, -1));
    if (node.path.length > 1 && byKey.has(parentKey)) {
      const list = children.get(parentKey);
      if (list) list.push(node);
      else children.set(parentKey, [node]);
    } else {
      roots.push(node);
    }
  }
  const order = (list: CompareNode[]) =>
    [...list].sort(
      (x, y) =>
        Math.max(y.a.total_ns, y.b.total_ns) - Math.max(x.a.total_ns, x.b.total_ns) ||
        keyOf(x.path).localeCompare(keyOf(y.path)),
    );
  const out: CompareRow[] = [];
  const stack = order(roots)
    .reverse()
    .map((node) => ({ node, depth: 0 }));
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    const [service, name] = node.path[node.path.length - 1] ?? ['', ''];
    out.push({
      key: keyOf(node.path),
      path: node.path,
      depth,
      service,
      name,
      a: node.a,
      b: node.b,
      differenceNs: node.b.total_ns - node.a.total_ns,
      side: sideOf(node),
      change: changeOf(node),
    });
    const below = order(children.get(keyOf(node.path)) ?? []);
    for (let index = below.length - 1; index >= 0; index--) stack.push({ node: below[index]!, depth: depth + 1 });
  }
  return out;
}

interface PathSpan {
  span_id: string;
  parent_span_id: string | null;
  service: string;
  name: string;
  start_offset_ns: number;
}

/** The first span (by start) of `spans` whose (service, name) path from its root is `path`; null when none. */
export function spanAtPath(spans: readonly PathSpan[], path: readonly [string, string][]): string | null {
  const byId = new Map(spans.map((span) => [span.span_id, span]));
  const want = keyOf(path);
  let best: PathSpan | null = null;
  for (const span of spans) {
    const last = path[path.length - 1];
    if (!last || span.service !== last[0] || span.name !== last[1]) continue;
    const own: [string, string][] = [];
    const seen = new Set<string>();
    for (let at: PathSpan | undefined = span; at && !seen.has(at.span_id); at = at.parent_span_id === null ? undefined : byId.get(at.parent_span_id)) {
      seen.add(at.span_id);
      own.unshift([at.service, at.name]);
    }
    if (keyOf(own) === want && (best === null || span.start_offset_ns < best.start_offset_ns)) best = span;
  }
  return best?.span_id ?? null;
}
