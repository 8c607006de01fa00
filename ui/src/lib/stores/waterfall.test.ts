import { describe, expect, it } from 'vitest';
import { fakeSearchApi, fakeTrace } from '../api/fakeSearch';
import { WaterfallStore } from './waterfall.svelte';

describe('WaterfallStore', () => {
  it('opens a trace with every span as a row, roots first', async () => {
    const store = new WaterfallStore(fakeSearchApi());
    await store.open(fakeTrace.trace_id);
    expect(store.rows.map((row) => row.depth)).toEqual([0, 1, 2, 1]);
    expect(store.durationNs).toBe(100);
  });

  it('moves, collapses and expands with the arrow keys, selects with enter', async () => {
    const store = new WaterfallStore(fakeSearchApi());
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
    const store = new WaterfallStore(fakeSearchApi());
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
    const store = new WaterfallStore(fakeSearchApi());
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
    const store = new WaterfallStore(fakeSearchApi());
    await store.open(fakeTrace.trace_id);
    store.collapseTo(0);
    expect(store.rows).toHaveLength(1);
    store.reveal('a1');
    expect(store.rows).toHaveLength(4);
    expect([store.focus, store.selected]).toEqual([2, 'a1']);
  });
});
