import { describe, expect, it } from 'vitest';
import { fakeTrace } from '../api/fakeSearch';
import { pathGeometry, rowPathSections, topOnPath, topSelf } from './criticalPath';
import { rowStates, spanTree } from './rowStates';

// fakeTrace: root [0,100] with a [10,40] (a1 [20,30]) and b [50,90]; its path as
// the engine walks it.
const spans = fakeTrace.spans;
const tree = spanTree(spans);
const path = fakeTrace.critical_path;
const idOfRow = (rows: ReturnType<typeof rowStates>, index: number) => spans[rows[index]!.span]!.span_id;

describe('rowPathSections', () => {
  it('gives each expanded row its own sections, in time order', () => {
    const rows = rowStates(spans, tree, new Set());
    const sections = rowPathSections(spans, tree, rows, path);
    const byId = new Map([...sections].map(([row, list]) => [idOfRow(rows, row), list]));
    expect(byId.get('root')).toEqual([
      { fromNs: 0, toNs: 10, hidden: false },
      { fromNs: 40, toNs: 50, hidden: false },
      { fromNs: 90, toNs: 100, hidden: false },
    ]);
    expect(byId.get('a')).toEqual([
      { fromNs: 10, toNs: 20, hidden: false },
      { fromNs: 30, toNs: 40, hidden: false },
    ]);
    expect(byId.get('a1')).toEqual([{ fromNs: 20, toNs: 30, hidden: false }]);
    expect(byId.get('b')).toEqual([{ fromNs: 50, toNs: 90, hidden: false }]);
  });

  it('shows on a collapsed row the sections of what it hides', () => {
    const rows = rowStates(spans, tree, new Set(['a']));
    expect(rows.map((row) => spans[row.span]!.span_id)).not.toContain('a1');
    const sections = rowPathSections(spans, tree, rows, path);
    const rowOfA = rows.findIndex((row) => spans[row.span]!.span_id === 'a');
    expect(sections.get(rowOfA)).toEqual([
      { fromNs: 10, toNs: 20, hidden: false },
      { fromNs: 20, toNs: 30, hidden: true },
      { fromNs: 30, toNs: 40, hidden: false },
    ]);
    // Collapsing the root: the one row covers the whole trace with the path.
    const rootRows = rowStates(spans, tree, new Set(['root']));
    const covered = rowPathSections(spans, tree, rootRows, path).get(0)!;
    expect(covered.reduce((sum, section) => sum + section.toNs - section.fromNs, 0)).toBe(100);
  });

  it('leaves out rows off the path', () => {
    const rows = rowStates(spans, tree, new Set());
    expect(rowPathSections(spans, tree, rows, []).size).toBe(0);
  });
});

describe('pathGeometry', () => {
  const rounded = (boxes: { left: number; width: number; hidden: boolean }[]) =>
    boxes.map((box) => ({ ...box, left: Number(box.left.toFixed(9)), width: Number(box.width.toFixed(9)) }));
  const sections = [
    { fromNs: 0, toNs: 10, hidden: false },
    { fromNs: 40, toNs: 50, hidden: true },
    { fromNs: 90, toNs: 100, hidden: false },
  ];

  it('places sections as fractions of the lane', () => {
    expect(rounded(pathGeometry(sections, { fromNs: 0, toNs: 100 }))).toEqual([
      { left: 0, width: 0.1, hidden: false },
      { left: 0.4, width: 0.1, hidden: true },
      { left: 0.9, width: 0.1, hidden: false },
    ]);
  });

  it('cuts sections at the edges of a zoom and drops those outside it', () => {
    expect(rounded(pathGeometry(sections, { fromNs: 45, toNs: 95 }))).toEqual([
      { left: 0, width: 0.1, hidden: true },
      { left: 0.9, width: 0.1, hidden: false },
    ]);
    expect(pathGeometry(sections, { fromNs: 5, toNs: 5 })).toEqual([]);
  });
});

describe('top spans', () => {
  it('ranks by time on the path', () => {
    expect(topOnPath(path, 3)).toEqual([
      { spanId: 'b', ns: 40 },
      { spanId: 'root', ns: 30 },
      { spanId: 'a', ns: 20 },
    ]);
  });

  it('ranks by self time, ties by span id', () => {
    expect(topSelf(spans, 10)).toEqual([
      { spanId: 'b', ns: 40 },
      { spanId: 'root', ns: 30 },
      { spanId: 'a', ns: 20 },
      { spanId: 'a1', ns: 10 },
    ]);
    expect(topSelf([{ span_id: 'y', self_ns: 5 }, { span_id: 'x', self_ns: 5 }, { span_id: 'z', self_ns: 0 }], 5)).toEqual([
      { spanId: 'x', ns: 5 },
      { spanId: 'y', ns: 5 },
    ]);
  });
});
