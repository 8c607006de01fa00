import { describe, expect, it } from 'vitest';
import {
  chartFlags,
  dropPositions,
  firstLine,
  groupByPhase,
  markColour,
  markTarget,
  marksBy,
  parseTags,
  placeOf,
  stepPositions,
  targetLabel,
  timelineOrder,
} from './notebook';

type M = { id: number; at_ns: string; position: number; phase: string | null };
const mark = (id: number, at_ns: string, position = 0, phase: string | null = null): M => ({ id, at_ns, position, phase });
const none = { kind: 'note', trace_id: null, span_id: null, log_id: null, from_ns: null, to_ns: null, query: null };

describe('markTarget', () => {
  const base = { focusedLogId: null, traceId: null, spanId: null, range: null, query: '' };
  it('takes the focused log line first, then the selected span, the trace, the range, the search', () => {
    expect(markTarget({ ...base, focusedLogId: 7, traceId: 't', spanId: 's' })).toEqual({ kind: 'log', log_id: 7 });
    expect(markTarget({ ...base, traceId: 't', spanId: 's', query: 'x' })).toEqual({ kind: 'span', trace_id: 't', span_id: 's' });
    expect(markTarget({ ...base, traceId: 't' })).toEqual({ kind: 'trace', trace_id: 't' });
    expect(markTarget({ ...base, range: { start: 1e18, end: 2e18 }, query: 'a' })).toEqual({
      kind: 'range',
      from_ns: '1000000000000000000',
      to_ns: '2000000000000000000',
    });
    expect(markTarget({ ...base, query: ' level:error ' })).toEqual({ kind: 'search', query: 'level:error' });
    expect(markTarget(base)).toEqual({ kind: 'note' });
  });
});

describe('targetLabel and placeOf', () => {
  it('names each kind and opens its evidence', () => {
    const span = { ...none, kind: 'span', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' };
    expect(targetLabel(span)).toBe('span 00f067aa… of trace 4bf92f35…');
    expect(placeOf(span)).toEqual({ kind: 'trace', traceId: span.trace_id, spanId: span.span_id });
    expect(placeOf({ ...span, kind: 'trace' })).toEqual({ kind: 'trace', traceId: span.trace_id, spanId: null });
    expect(targetLabel({ ...none, kind: 'log', log_id: 42 })).toBe('log line 42');
    expect(placeOf({ ...none, kind: 'log', log_id: 42 })).toEqual({ kind: 'log', logId: 42 });
    expect(targetLabel({ ...none, kind: 'search', query: 'level:error' })).toBe('search “level:error”');
    expect(placeOf({ ...none, kind: 'search', query: 'level:error' })).toEqual({ kind: 'search', query: 'level:error' });
    expect(placeOf({ ...none, kind: 'range', from_ns: '1762164000000000000', to_ns: '1762164060000000000' })).toEqual({
      kind: 'search',
      query: 'after:2025-11-03T10:00:00.000Z before:2025-11-03T10:01:00.000Z',
    });
    expect(targetLabel(none)).toBe('note');
    expect(placeOf(none)).toBeNull();
  });
});

describe('timelineOrder and groupByPhase', () => {
  it('orders by time (beyond 2^53), then position, then id', () => {
    const marks = [mark(1, '1762164000000000002'), mark(2, '1762164000000000001', 1), mark(3, '1762164000000000001', 0), mark(4, '1762164000000000001', 0)];
    expect(timelineOrder(marks).map((m) => m.id)).toEqual([3, 4, 2, 1]);
  });
  it('puts unphased marks first, the standard phases in incident order, then the user’s own', () => {
    const marks = [
      mark(1, '5', 0, 'resolution'),
      mark(2, '1', 0, 'Impact'),
      mark(3, '2', 0, 'root cause'),
      mark(4, '3', 0, null),
      mark(5, '0', 0, 'impact '),
      mark(6, '4', 0, 'detection'),
    ];
    const groups = groupByPhase(marks);
    expect(groups.map((group) => group.phase)).toEqual([null, 'detection', 'impact', 'resolution', 'root cause']);
    expect(groups[2]!.marks.map((m) => m.id)).toEqual([5, 2]);
    expect(groupByPhase([])).toEqual([]);
  });
});

describe('reordering within a time', () => {
  const marks = [mark(1, '10', 0), mark(2, '10', 1), mark(3, '10', 2), mark(4, '20', 0)];
  it('drops a mark before or after another of the same time, numbering that time anew', () => {
    expect(dropPositions(marks, 3, 1, true)).toEqual([
      { id: 3, position: 0 },
      { id: 1, position: 1 },
      { id: 2, position: 2 },
    ]);
    expect(dropPositions(marks, 1, 2, false)).toEqual([
      { id: 2, position: 0 },
      { id: 1, position: 1 },
    ]);
    expect(dropPositions(marks, 1, 2, true)).toEqual([]);
  });
  it('refuses a drop on another time or on itself', () => {
    expect(dropPositions(marks, 1, 4, true)).toBeNull();
    expect(dropPositions(marks, 1, 1, true)).toBeNull();
    expect(dropPositions(marks, 9, 1, true)).toBeNull();
  });
  it('steps a mark up or down among its time, not past its ends', () => {
    expect(stepPositions(marks, 2, -1)).toEqual([
      { id: 2, position: 0 },
      { id: 1, position: 1 },
    ]);
    expect(stepPositions(marks, 2, 1)).toEqual([
      { id: 3, position: 1 },
      { id: 2, position: 2 },
    ]);
    expect(stepPositions(marks, 1, -1)).toBeNull();
    expect(stepPositions(marks, 4, 1)).toBeNull();
  });
  it('numbers marks of equal positions (as the CLI adds them) by their order', () => {
    const equal = [mark(1, '10', 0), mark(2, '10', 0)];
    // 2 keeps its 0; 1 goes after it.
    expect(stepPositions(equal, 2, -1)).toEqual([{ id: 1, position: 1 }]);
  });
});

describe('small helpers', () => {
  it('takes a note’s first line, tags, colours and the marks per row', () => {
    expect(firstLine('\n  # Root cause  \nmore')).toBe('# Root cause');
    expect(firstLine('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(firstLine('')).toBe('');
    expect(parseTags('#db, cause  db deploy')).toEqual(['db', 'cause', 'deploy']);
    expect(markColour('red')).toBe('var(--mark-red)');
    expect(markColour('url(x)')).toBe('var(--mark-default)');
    expect(markColour(null)).toBe('var(--mark-default)');
    const rows = [
      { ...none, kind: 'span', trace_id: 't', span_id: 's', id: 1 },
      { ...none, kind: 'log', log_id: 5, id: 2 },
      { ...none, kind: 'log', log_id: 5, id: 3 },
    ];
    expect([...marksBy(rows, 'span').keys()]).toEqual(['t/s']);
    expect(marksBy(rows, 'log').get('5')?.id).toBe(2);
  });
});

describe('chartFlags', () => {
  it('places the marks on the axis at their x and leaves the others out', () => {
    const marks = [{ at_ns: '1000', id: 1 }, { at_ns: '1500', id: 2 }, { at_ns: '2001', id: 3 }, { at_ns: '999', id: 4 }];
    expect(chartFlags(marks, { start: 1000, end: 2000 }, 200).map((flag) => [flag.mark.id, flag.x])).toEqual([
      [1, 0],
      [2, 100],
    ]);
    expect(chartFlags(marks, { start: 1000, end: 1000 }, 200)).toEqual([]);
    expect(chartFlags(marks, { start: 1000, end: 2000 }, 0)).toEqual([]);
  });
});
