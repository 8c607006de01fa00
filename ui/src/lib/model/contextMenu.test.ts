import { describe, expect, it } from 'vitest';
import { copiedId, evidenceIdOf, markContextOf, menuEntries, menuKey, menuPosition, menuTargetOf } from './contextMenu';
import { markTarget } from './notebook';

describe('menuTargetOf', () => {
  it('reads each kind of row', () => {
    expect(menuTargetOf({ testid: 'span-row', spanId: 'ab' }, 'tt')).toEqual({ kind: 'span', traceId: 'tt', spanId: 'ab' });
    expect(menuTargetOf({ testid: 'log-row', logId: '42' }, null)).toEqual({ kind: 'log', logId: 42 });
    expect(menuTargetOf({ testid: 'trace-row', traceId: 'tt' }, null)).toEqual({ kind: 'trace', traceId: 'tt' });
    expect(menuTargetOf({ testid: 'mark-item', markId: '7' }, null, (id) => `ev${id}`)).toEqual({ kind: 'mark', markId: 7, evidenceId: 'ev7' });
  });
  it('refuses other rows and ids that do not read', () => {
    expect(menuTargetOf({ testid: 'span-row', spanId: 'ab' }, null)).toBeNull();
    expect(menuTargetOf({ testid: 'log-row', logId: '4x' }, null)).toBeNull();
    expect(menuTargetOf({ testid: 'log-row' }, null)).toBeNull();
    expect(menuTargetOf({ testid: 'mark-item', markId: '-1' }, null)).toBeNull();
    expect(menuTargetOf({ testid: 'trace-row', traceId: '' }, null)).toBeNull();
    expect(menuTargetOf({ testid: 'search-box' }, 'tt')).toBeNull();
    expect(menuTargetOf({ testid: undefined }, 'tt')).toBeNull();
  });
});

describe('menuEntries', () => {
  it('offers Mark… and Copy id on rows, Edit on marks', () => {
    expect(menuEntries({ kind: 'span', traceId: 't', spanId: 's' }).map((e) => e.command)).toEqual(['mark', 'copy-id']);
    expect(menuEntries({ kind: 'log', logId: 1 }).map((e) => e.label)).toEqual(['Mark this log line…', 'Copy log id']);
    expect(menuEntries({ kind: 'trace', traceId: 't' }).map((e) => e.label)).toEqual(['Mark this trace…', 'Copy trace id']);
    expect(menuEntries({ kind: 'mark', markId: 1, evidenceId: 's' }).map((e) => e.command)).toEqual(['edit-mark', 'copy-id']);
    // A note has no evidence: nothing to copy.
    expect(menuEntries({ kind: 'mark', markId: 1, evidenceId: null }).map((e) => e.command)).toEqual(['edit-mark']);
  });
  it('copies the row’s own id', () => {
    expect(copiedId({ kind: 'span', traceId: 't', spanId: 's' })).toBe('s');
    expect(copiedId({ kind: 'log', logId: 9 })).toBe('9');
    expect(copiedId({ kind: 'trace', traceId: 't' })).toBe('t');
    expect(copiedId({ kind: 'mark', markId: 1, evidenceId: null })).toBeNull();
  });
});

describe('markContextOf', () => {
  it('gives markTarget the row and nothing else', () => {
    expect(markTarget(markContextOf({ kind: 'span', traceId: 't', spanId: 's' }))).toEqual({ kind: 'span', trace_id: 't', span_id: 's' });
    expect(markTarget(markContextOf({ kind: 'log', logId: 3 }))).toEqual({ kind: 'log', log_id: 3 });
    expect(markTarget(markContextOf({ kind: 'trace', traceId: 't' }))).toEqual({ kind: 'trace', trace_id: 't' });
  });
});

describe('menuKey', () => {
  it('moves with wrap, runs, closes', () => {
    expect(menuKey('ArrowDown', 0, 2)).toEqual({ move: 1 });
    expect(menuKey('ArrowDown', 1, 2)).toEqual({ move: 0 });
    expect(menuKey('ArrowUp', 0, 3)).toEqual({ move: 2 });
    expect(menuKey('Home', 2, 3)).toEqual({ move: 0 });
    expect(menuKey('End', 0, 3)).toEqual({ move: 2 });
    expect(menuKey('Enter', 0, 3)).toEqual({ run: true });
    expect(menuKey(' ', 0, 3)).toEqual({ run: true });
    expect(menuKey('Escape', 0, 3)).toEqual({ close: true });
    expect(menuKey('Tab', 0, 3)).toEqual({ close: true });
    expect(menuKey('x', 0, 3)).toBeNull();
    expect(menuKey('Enter', 0, 0)).toBeNull();
    expect(menuKey('Escape', 0, 0)).toEqual({ close: true });
  });
});

describe('menuPosition', () => {
  it('keeps the menu in the viewport', () => {
    expect(menuPosition(10, 20, 100, 50, 800, 600)).toEqual({ left: 10, top: 20 });
    expect(menuPosition(780, 590, 100, 50, 800, 600)).toEqual({ left: 700, top: 550 });
    expect(menuPosition(5, 5, 900, 700, 800, 600)).toEqual({ left: 0, top: 0 });
  });
});

describe('evidenceIdOf', () => {
  it('names the evidence of a mark, none for a note', () => {
    const mark = { trace_id: 't', span_id: 's', log_id: null };
    expect(evidenceIdOf({ ...mark, kind: 'span' })).toBe('s');
    expect(evidenceIdOf({ ...mark, kind: 'trace' })).toBe('t');
    expect(evidenceIdOf({ kind: 'log', trace_id: null, span_id: null, log_id: 5 })).toBe('5');
    expect(evidenceIdOf({ kind: 'note', trace_id: null, span_id: null, log_id: null })).toBeNull();
    expect(evidenceIdOf({ kind: 'range', trace_id: null, span_id: null, log_id: null })).toBeNull();
  });
});
