import { describe, expect, it } from 'vitest';
import { changeOf, compareRows, sideOf, spanAtPath, type CompareNode } from './compareTree';

const stats = (count: number, total: number) => ({ count, total_ns: total, self_ns: total, errors: 0 });
const node = (path: string[], a: [number, number], b: [number, number]): CompareNode => ({
  path: path.map((step) => ['svc', step] as [string, string]),
  a: stats(...a),
  b: stats(...b),
});

// As the engine sends them: the largest difference first, not in tree order.
const nodes = [
  node(['root', 'pay'], [1, 900], [1, 100]),
  node(['root'], [1, 1000], [1, 400]),
  node(['root', 'pay', 'retry'], [2, 600], [0, 0]),
  node(['root', 'stock'], [1, 50], [1, 52]),
  node(['root', 'pay', 'gateway'], [0, 0], [1, 80]),
];

describe('compareRows', () => {
  const rows = compareRows(nodes);

  it('nests the paths as a tree, parents first, larger totals first', () => {
    expect(rows.map((row) => `${'  '.repeat(row.depth)}${row.name}`)).toEqual([
      'root',
      '  pay',
      '    retry',
      '    gateway',
      '  stock',
    ]);
  });

  it('marks nodes only in A or only in B and colours the change', () => {
    const byName = new Map(rows.map((row) => [row.name, row]));
    expect(byName.get('retry')).toMatchObject({ side: 'a', change: 'faster', differenceNs: -600 });
    expect(byName.get('gateway')).toMatchObject({ side: 'b', change: 'slower', differenceNs: 80 });
    expect(byName.get('stock')).toMatchObject({ side: 'both', change: 'same' });
    expect(byName.get('root')).toMatchObject({ side: 'both', change: 'faster', differenceNs: -600 });
  });

  it('keeps a node whose parent path is missing as a root', () => {
    const orphan = compareRows([node(['x', 'y'], [1, 5], [1, 5])]);
    expect(orphan).toHaveLength(1);
    expect(orphan[0]!.depth).toBe(0);
  });
});

describe('sideOf and changeOf', () => {
  it('tells the sides and a change of at least a tenth', () => {
    expect(sideOf({ a: stats(0, 0), b: stats(1, 5) })).toBe('b');
    expect(sideOf({ a: stats(1, 5), b: stats(0, 0) })).toBe('a');
    expect(changeOf({ a: stats(1, 100), b: stats(1, 109) })).toBe('same');
    expect(changeOf({ a: stats(1, 100), b: stats(1, 112) })).toBe('slower');
    expect(changeOf({ a: stats(1, 0), b: stats(1, 0) })).toBe('same');
  });
});

describe('spanAtPath', () => {
  const spans = [
    { span_id: 'r', parent_span_id: null, service: 'svc', name: 'root', start_offset_ns: 0 },
    { span_id: 'p2', parent_span_id: 'r', service: 'svc', name: 'pay', start_offset_ns: 50 },
    { span_id: 'p1', parent_span_id: 'r', service: 'svc', name: 'pay', start_offset_ns: 10 },
    { span_id: 'x', parent_span_id: 'p2', service: 'svc', name: 'root', start_offset_ns: 60 },
  ];

  it('finds the first span on the path', () => {
    expect(spanAtPath(spans, [['svc', 'root'], ['svc', 'pay']])).toBe('p1');
    expect(spanAtPath(spans, [['svc', 'root']])).toBe('r');
    expect(spanAtPath(spans, [['svc', 'root'], ['svc', 'pay'], ['svc', 'root']])).toBe('x');
    expect(spanAtPath(spans, [['svc', 'gone']])).toBeNull();
  });
});
