import { describe, expect, it } from 'vitest';
import { fakeSearchApi, fakeSpan, fakeTrace, fakeTraceFindings } from '../api/fakeSearch';
import type { TraceView } from '../api';
import { BIG_TRACE_SPANS, WaterfallStore } from './waterfall.svelte';
import { fakeTraceRows, fakeTree } from '../api/fakeTraceRows';

describe('WaterfallStore', () => {
  it('opens a trace with every span as a row, roots first', async () => {
    const store = new WaterfallStore(fakeSearchApi(), fakeTraceFindings());
    await store.open(fakeTrace.trace_id);
    expect(store.rows.map((row) => row.depth)).toEqual([0, 1, 2, 1]);
    expect(store.durationNs).toBe(100);
  });

  it("fetches the trace's findings after the trace, and drops them on close", async () => {
    const finding = { rule: 'zero-duration', severity: 'info' as const, count: 1, traces: 1, services: [], examples: [], message: 'm', fix: 'f' };
    const quality = fakeTraceFindings([finding]);
    const store = new WaterfallStore(fakeSearchApi(), quality);
    await store.open(fakeTrace.trace_id);
    await Promise.resolve();
    expect(quality.asked).toEqual([fakeTrace.trace_id]);
    expect(store.findings).toEqual([finding]);
    store.close();
    expect(store.findings).toEqual([]);
  });

  it('says so when opened at a span the case does not hold, and selects nothing', async () => {
    const store = new WaterfallStore(fakeSearchApi(), fakeTraceFindings());
    await store.open(fakeTrace.trace_id, 'ffffffffffffffff');
    expect(store.missingSpan).toBe('ffffffffffffffff');
    expect(store.selected).toBe(null);
    await store.open(fakeTrace.trace_id, 'a');
    expect(store.missingSpan).toBe(null);
    expect(store.selected).toBe('a');
    store.close();
    expect(store.missingSpan).toBe(null);
  });

  it('moves, collapses and expands with the arrow keys, selects with enter', async () => {
    const store = new WaterfallStore(fakeSearchApi(), fakeTraceFindings());
    await store.open(fakeTrace.trace_id);
    store.key('ArrowDown'); // on "a", which has a child
    store.key('ArrowLeft');
    expect(store.rows).toHaveLength(3);
    store.key('ArrowLeft'); // collapsed: up to the parent
    expect(store.focus).toBe(0);
    store.key('ArrowDown');
    store.key('ArrowRight');
    expect(store.rows).toHaveLength(4);
    expect(store.key('Enter')).toEqual({ handled: true, select: 'a' });
    expect(store.key('x').handled).toBe(false);
  });

  it('finds spans by text and steps through the matches, revealing them', async () => {
    const store = new WaterfallStore(fakeSearchApi(), fakeTraceFindings());
    await store.open(fakeTrace.trace_id);
    store.collapseTo(0);
    store.find = 'op a';
    expect(store.matches.size).toBe(2); // "op a" and "op a1"
    store.nextMatch();
    expect(store.spanIdAt(store.focus)).toBe('a');
    store.nextMatch();
    expect(store.spanIdAt(store.focus)).toBe('a1');
    store.nextMatch();
    expect(store.spanIdAt(store.focus)).toBe('a');
    expect(store.selected).toBe(null);
  });

  it('zooms to a span and back to the whole trace', async () => {
    const store = new WaterfallStore(fakeSearchApi(), fakeTraceFindings());
    await store.open(fakeTrace.trace_id);
    expect(store.view).toEqual({ fromNs: 0, toNs: 100 });
    store.zoomToSpan('a');
    expect(store.view).toEqual({ fromNs: 10, toNs: 40 });
    store.zoomTo(30, 30);
    expect(store.view).toEqual({ fromNs: 30, toNs: 31 });
    store.resetZoom();
    expect(store.view.toNs).toBe(100);
  });

  it('opens at a span inside a collapsed subtree, revealing and selecting it', async () => {
    const store = new WaterfallStore(fakeSearchApi(), fakeTraceFindings());
    await store.open(fakeTrace.trace_id);
    store.collapseTo(0);
    expect(store.rows).toHaveLength(1);
    store.reveal('a1');
    expect(store.rows).toHaveLength(4);
    expect([store.focus, store.selected]).toEqual([2, 'a1']);
  });

  it('moves a selection hidden by a collapse to its visible ancestor, and keeps the focus on its span', async () => {
    const store = new WaterfallStore(fakeSearchApi(), fakeTraceFindings());
    await store.open(fakeTrace.trace_id);
    const root = store.spanIdAt(0)!;
    store.reveal('a1'); // focus and selection on a1 (row 2)
    store.key('ArrowLeft'); // a1 has no children: up to its parent "a"
    expect(store.spanIdAt(store.focus)).toBe('a');
    // Collapsing "a" (the focused row) hides the selected a1: "a" is selected instead.
    expect(store.key('ArrowLeft')).toEqual({ handled: true, select: 'a' });
    expect(store.selected).toBe('a');
    // Collapsing what hides nothing selected changes no selection.
    expect(store.setCollapsed('a', false)).toBe(null);
    store.key('ArrowDown');
    store.key('ArrowDown'); // on "b" (row 3)
    expect(store.spanIdAt(store.focus)).toBe('b');
    expect(store.collapseTo(Infinity)).toBe(null);
    expect(store.spanIdAt(store.focus)).toBe('b');
    // Collapse all: focus and selection both go up to the root.
    store.reveal('a1');
    expect(store.collapseTo(0)).toBe(root);
    expect([store.focus, store.selected]).toEqual([0, root]);
    // The focus follows its span when rows above it disappear.
    store.collapseTo(Infinity);
    store.key('ArrowDown');
    store.key('ArrowDown');
    store.key('ArrowDown'); // on "b"
    store.toggle('a');
    expect(store.spanIdAt(store.focus)).toBe('b');
    expect(store.toggle('a')).toBe(null);
  });

  describe('with a missing parent', () => {
    // root ── a        plus o1, o2 under the missing span "gone", and o1 has a child.
    const incomplete: TraceView = {
      ...fakeTrace,
      spans: [
        fakeSpan('root', null, 0, 100, 30),
        fakeSpan('a', 'root', 10, 40, 20),
        fakeSpan('o1', 'gone', 50, 70, 10),
        fakeSpan('o1kid', 'o1', 55, 60, 5),
        fakeSpan('o2', 'gone', 60, 90, 30),
      ],
      critical_path: [],
      missing_parents: [{ span_id: 'gone', children: ['o1', 'o2'] }],
    };
    const open = async () => {
      const store = new WaterfallStore({ ...fakeSearchApi(), getTrace: async () => incomplete }, fakeTraceFindings());
      await store.open(incomplete.trace_id);
      return store;
    };

    it('shows a placeholder row over the orphans, which is no span', async () => {
      const store = await open();
      const labels = store.rows.map((row) => row.placeholder?.spanId ?? incomplete.spans[row.span]!.span_id);
      expect(labels).toEqual(['root', 'a', 'gone', 'o1', 'o1kid', 'o2']);
      expect(store.rows[2]!.placeholder).toMatchObject({ fromNs: 50, toNs: 90, orphans: 2 });
      expect(store.spanIdAt(2)).toBe(null);
      // The trace's length and matches are the spans' alone.
      expect(store.durationNs).toBe(100);
      store.find = 'gone';
      expect(store.matches.size).toBe(0);
    });

    it('moves onto the placeholder and collapses it, but never selects it', async () => {
      const store = await open();
      store.focus = 2;
      expect(store.key('Enter')).toEqual({ handled: true, select: null });
      expect(store.selected).toBe(null);
      store.key('ArrowLeft');
      expect(store.rows).toHaveLength(3);
      store.key('ArrowRight');
      expect(store.rows).toHaveLength(6);
    });

    it('reveals an orphan under a collapsed placeholder, and a collapse keeps its selection off the placeholder', async () => {
      const store = await open();
      store.setCollapsed('gone', true);
      store.reveal('o1kid');
      expect(store.rows).toHaveLength(6);
      expect(store.spanIdAt(store.focus)).toBe('o1kid');
      expect(store.setCollapsed('gone', true)).toBe(null);
      expect(store.selected).toBe('o1kid');
      expect(store.rows[store.focus]!.placeholder?.spanId).toBe('gone');
    });
  });
});

describe('WaterfallStore with the windowed commands', () => {
  it('opens a trace of more than BIG_TRACE_SPANS spans windowed, without fetching it whole', async () => {
    const asked: string[] = [];
    const search = { ...fakeSearchApi(), getTrace: async (id: string) => (asked.push(id), fakeTrace) };
    const rows = fakeTraceRows(fakeTree(BIG_TRACE_SPANS + 1));
    const store = new WaterfallStore(search, fakeTraceFindings(), rows);
    await store.open('ab'.repeat(16), '0000000000000005');
    expect(asked).toEqual([]);
    expect(store.trace).toBe(null);
    expect(store.traceId).toBe('ab'.repeat(16));
    expect(store.big?.totalRows).toBe(BIG_TRACE_SPANS + 1);
    expect(store.selected).toBe('0000000000000005');
    expect(store.big?.rowAt(store.big.focus)?.spanId).toBe('0000000000000005');
    store.close();
    expect([store.big, store.traceId]).toEqual([null, null]);
  });

  it('fetches a trace of up to BIG_TRACE_SPANS spans whole', async () => {
    const store = new WaterfallStore(fakeSearchApi(), fakeTraceFindings(), fakeTraceRows(fakeTree(50)));
    await store.open(fakeTrace.trace_id);
    expect(store.big).toBe(null);
    expect(store.traceId).toBe(fakeTrace.trace_id);
    expect(store.rows).toHaveLength(4);
  });

  it('says so when a huge trace is opened at a span it does not hold', async () => {
    const store = new WaterfallStore(fakeSearchApi(), fakeTraceFindings(), fakeTraceRows(fakeTree(BIG_TRACE_SPANS + 1)));
    await store.open('ab'.repeat(16), 'ffffffffffffffff');
    expect(store.missingSpan).toBe('ffffffffffffffff');
    expect(store.selected).toBe(null);
  });
});
