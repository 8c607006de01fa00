import { describe, expect, it } from 'vitest';
import { collapsedBelow, rowStates, spanTree, type SpanLike } from './rowStates';

function span(id: string, parent: string | null, start: number): SpanLike {
  return { span_id: id, parent_span_id: parent, start_offset_ns: start };
}

// root ─┬─ a ── a1
//       └─ b          plus an orphan whose parent is not in the trace
const SPANS = [
  span('b', 'root', 20),
  span('a1', 'a', 12),
  span('root', null, 0),
  span('a', 'root', 10),
  span('orphan', 'gone', 5),
];

const ids = (rows: ReturnType<typeof rowStates>) =>
  rows.map((row) => `${'.'.repeat(row.depth)}${SPANS[row.span]!.span_id}`);

describe('rowStates', () => {
  it('orders children by start, depth first, orphans as roots', () => {
    const tree = spanTree(SPANS);
    expect(ids(rowStates(SPANS, tree, new Set()))).toEqual(['root', '.a', '..a1', '.b', 'orphan']);
  });

  it('hides the subtree of a collapsed span and marks it', () => {
    const tree = spanTree(SPANS);
    const rows = rowStates(SPANS, tree, new Set(['a']));
    expect(ids(rows)).toEqual(['root', '.a', '.b', 'orphan']);
    expect(rows[1]).toMatchObject({ hasChildren: true, collapsed: true });
    expect(rows[2]).toMatchObject({ hasChildren: false, collapsed: false });
    // Collapsing a leaf changes nothing.
    expect(ids(rowStates(SPANS, tree, new Set(['b'])))).toHaveLength(5);
  });

  it('collapses to a depth', () => {
    const tree = spanTree(SPANS);
    expect([...collapsedBelow(SPANS, tree, 1)]).toEqual(['a']);
    expect(ids(rowStates(SPANS, tree, collapsedBelow(SPANS, tree, 0)))).toEqual(['root', 'orphan']);
  });

  it('survives a 100k-deep chain and a parent cycle', () => {
    const chain = Array.from({ length: 100_000 }, (_, index) =>
      span(`s${index}`, index === 0 ? null : `s${index - 1}`, index),
    );
    const rows = rowStates(chain, spanTree(chain), new Set());
    expect(rows).toHaveLength(100_000);
    expect(rows[99_999]!.depth).toBe(99_999);
    const cycle = [span('x', 'y', 0), span('y', 'x', 1), span('z', null, 2)];
    expect(rowStates(cycle, spanTree(cycle), new Set()).map((row) => row.span)).toEqual([0, 1, 2]);
  });
});

describe('rowStates with missing parents', () => {
  const timed = (id: string, parent: string | null, start: number, end: number): SpanLike => ({
    span_id: id,
    parent_span_id: parent,
    start_offset_ns: start,
    end_offset_ns: end,
  });
  /** Rows as text: a placeholder is `?id`, dots for depth. */
  const shown = (spans: SpanLike[], rows: ReturnType<typeof rowStates>) =>
    rows.map((row) => `${'.'.repeat(row.depth)}${row.placeholder ? `?${row.placeholder.spanId}` : spans[row.span]!.span_id}`);

  it('puts two orphans of one missing parent under one placeholder over their time', () => {
    const spans = [timed('root', null, 0, 100), timed('o1', 'gone', 30, 40), timed('o2', 'gone', 10, 20)];
    const tree = spanTree(spans, [{ span_id: 'gone', children: ['o1', 'o2'] }]);
    const rows = rowStates(spans, tree, new Set());
    expect(shown(spans, rows)).toEqual(['root', '?gone', '.o2', '.o1']);
    expect(rows[1]).toMatchObject({ span: -1, node: 3, hasChildren: true, depth: 0 });
    expect(rows[1]!.placeholder).toEqual({ spanId: 'gone', fromNs: 10, toNs: 40, orphans: 2 });
    // Only the spans are rows of spans: the placeholder adds no span.
    expect(rows.filter((row) => row.placeholder === null)).toHaveLength(spans.length);
  });

  it('keeps two missing parents apart, each at the time of its orphans', () => {
    const spans = [timed('a', 'p1', 50, 60), timed('b', 'p2', 5, 8), timed('c', 'p1', 70, 90)];
    const tree = spanTree(spans, [
      { span_id: 'p1', children: ['a', 'c'] },
      { span_id: 'p2', children: ['b'] },
    ]);
    expect(shown(spans, rowStates(spans, tree, new Set()))).toEqual(['?p2', '.b', '?p1', '.a', '.c']);
    expect(tree.placeholders.map((p) => [p.spanId, p.fromNs, p.toNs])).toEqual([
      ['p1', 50, 90],
      ['p2', 5, 8],
    ]);
  });

  it('keeps the children of an orphan under it, and collapses a placeholder by the missing id', () => {
    const spans = [timed('orphan', 'gone', 0, 50), timed('kid', 'orphan', 10, 20), timed('grandkid', 'kid', 12, 15)];
    const tree = spanTree(spans, [{ span_id: 'gone', children: ['orphan'] }]);
    expect(shown(spans, rowStates(spans, tree, new Set()))).toEqual(['?gone', '.orphan', '..kid', '...grandkid']);
    const folded = rowStates(spans, tree, new Set(['gone']));
    expect(shown(spans, folded)).toEqual(['?gone']);
    expect(folded[0]).toMatchObject({ collapsed: true, hasChildren: true });
    expect([...collapsedBelow(spans, tree, 0)].sort()).toEqual(['gone', 'kid', 'orphan']);
  });

  it('puts a missing root beside a real root', () => {
    const spans = [timed('root', null, 0, 100), timed('child', 'root', 10, 20), timed('late', 'gone', 200, 300)];
    const tree = spanTree(spans, [{ span_id: 'gone', children: ['late'] }]);
    expect(shown(spans, rowStates(spans, tree, new Set()))).toEqual(['root', '.child', '?gone', '.late']);
  });

  it('takes 100k orphans of one missing parent', () => {
    const spans = Array.from({ length: 100_000 }, (_, index) => timed(`o${index}`, 'gone', index, index + 2));
    const tree = spanTree(spans, [{ span_id: 'gone', children: spans.map((span) => span.span_id) }]);
    expect(tree.placeholders).toEqual([{ spanId: 'gone', fromNs: 0, toNs: 100_001, orphans: 100_000 }]);
    expect(rowStates(spans, tree, new Set())).toHaveLength(100_001);
  });

  it('draws no placeholder for a parent the spans do hold, or for spans that do not name it', () => {
    const spans = [timed('root', null, 0, 100), timed('child', 'root', 10, 20)];
    const tree = spanTree(spans, [
      { span_id: 'root', children: ['child'] },
      { span_id: 'gone', children: ['child', 'nosuch'] },
    ]);
    expect(tree.placeholders).toEqual([]);
    expect(shown(spans, rowStates(spans, tree, new Set()))).toEqual(['root', '.child']);
  });
});
