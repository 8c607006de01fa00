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
