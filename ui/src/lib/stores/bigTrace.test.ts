import { describe, expect, it, vi } from 'vitest';
import { fakeTraceRows, fakeTree } from '../api/fakeTraceRows';
import { BLOCK_ROWS } from '../model/rowWindows';
import { BIG_ROW_HEIGHT, BigTraceStore, FLING_VIEWPORTS, REST_MS } from './bigTrace.svelte';

async function opened(count = 5000) {
  const api = fakeTraceRows(fakeTree(count));
  const store = new BigTraceStore(api);
  const outline = await api.outline('t');
  store.viewportPx = 20 * BIG_ROW_HEIGHT;
  await store.open(outline);
  return { api, store };
}

const shownIds = (store: BigTraceStore) => store.shown.rows.map((row) => row?.spanId);

describe('BigTraceStore', () => {
  it('opens at the first rows, holding only the blocks around the viewport', async () => {
    const { api, store } = await opened();
    expect(store.totalRows).toBe(5000);
    expect(store.shown.first).toBe(0);
    expect(store.shown.rows).toHaveLength(20);
    expect(store.shown.rows[0]?.spanId).toBe('0000000000000000');
    expect(api.calls.filter((call) => call.startsWith('rows'))).toEqual([`rows 0..${BLOCK_ROWS} []`]);
  });

  it('asks once for the rows of where the scrolling ends while an answer is awaited', async () => {
    const { api, store } = await opened();
    api.hold();
    // A viewport (20 rows) per step, as a steady scroll: each asks at once, and
    // while the first request runs the others wait and coalesce into one.
    for (let top = 20; top <= 1000; top += 20) store.setViewport(top * BIG_ROW_HEIGHT, store.viewportPx);
    api.release();
    await store.fetch();
    await new Promise((wake) => setTimeout(wake, 0));
    const asked = api.calls.filter((call) => call.startsWith('rows')).slice(1);
    // The first step needs no block (row 20 and its margin are in block 0); the
    // steps after it wait for that loop and then ask once, for the view the
    // scrolling ended at — 980 rows from the last request, so without the margin
    // around it (marginFor) —, then, the view staying, for its margin's block.
    expect(asked).toEqual([`rows ${3 * BLOCK_ROWS}..${4 * BLOCK_ROWS} []`, `rows ${4 * BLOCK_ROWS}..${5 * BLOCK_ROWS} []`]);
    expect(store.shown.first).toBe(1000);
    expect(store.shown.rows.every((row) => row !== undefined)).toBe(true);
  });

  it('asks for the rows of each step of a scroll of under FLING_VIEWPORTS viewports a step', async () => {
    vi.useFakeTimers();
    try {
      const { api, store } = await opened(100_000);
      const step = (FLING_VIEWPORTS - 0.5) * store.viewportPx;
      for (let frame = 1; frame <= 12; frame++) {
        store.setViewport(frame * step, store.viewportPx);
        // Less than REST_MS later: asked for at once, and shown.
        await vi.advanceTimersByTimeAsync(1);
        expect(store.shown.rows.every((row) => row !== undefined)).toBe(true);
      }
      expect(api.calls.filter((call) => call.startsWith('rows')).length).toBeGreaterThan(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks nothing while flung, then the rows of where the fling rests, then their margin', async () => {
    vi.useFakeTimers();
    try {
      const { api, store } = await opened(100_000);
      // A fling: 20 viewports per frame, frames 16 ms apart.
      for (let frame = 1; frame <= 50; frame++) {
        store.setViewport(frame * 20 * store.viewportPx, store.viewportPx);
        await vi.advanceTimersByTimeAsync(16);
      }
      expect(api.calls.filter((call) => call.startsWith('rows')).slice(1)).toEqual([]);
      expect(store.shown.rows.every((row) => row === undefined)).toBe(true);
      await vi.advanceTimersByTimeAsync(REST_MS);
      const first = 50 * 20 * 20;
      const asked = api.calls.filter((call) => call.startsWith('rows')).slice(1);
      // The view's own blocks alone (it jumped: no margin)…
      expect(asked[0]).toBe(`rows ${Math.floor(first / BLOCK_ROWS) * BLOCK_ROWS}..${(Math.floor((first + 19) / BLOCK_ROWS) + 1) * BLOCK_ROWS} []`);
      expect(store.shown.first).toBe(first);
      expect(store.shown.rows.every((row) => row !== undefined)).toBe(true);
      // …and the margin once it scrolls a little there.
      store.setViewport(store.top + BIG_ROW_HEIGHT, store.viewportPx);
      await vi.advanceTimersByTimeAsync(0);
      expect(api.calls.filter((call) => call.startsWith('rows')).length).toBeGreaterThan(asked.length + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops an answer for a collapsed set no longer shown', async () => {
    const { api, store } = await opened();
    store.setViewport(1000 * BIG_ROW_HEIGHT, store.viewportPx);
    api.hold();
    const stale = store.fetch();
    store.setViewport(4000 * BIG_ROW_HEIGHT, store.viewportPx);
    const toggle = store.toggle(0);
    api.release();
    await Promise.all([stale, toggle]);
    // Span 0 collapsed: only the root is left, and no row of the old set is shown.
    expect(store.totalRows).toBe(1);
    expect(shownIds(store)).toEqual(['0000000000000000']);
  });

  it('collapses and expands a span, the row count dropping and coming back', async () => {
    const { store } = await opened(21); // root, 4 children, 16 grandchildren
    await store.toggle(1);
    expect(store.totalRows).toBe(17);
    expect(store.rowAt(2)?.spanId).toBe('0000000000000002');
    await store.toggle(1);
    expect(store.totalRows).toBe(21);
  });

  it('moves with the keys; End reaches the last row and scrolls it into view', async () => {
    const { store } = await opened();
    await store.key('End');
    expect(store.focus).toBe(4999);
    expect(store.top).toBe(5000 * BIG_ROW_HEIGHT - store.viewportPx);
    await store.fetch();
    expect(store.shown.rows.at(-1)?.row).toBe(4999);
    await store.key('Home');
    expect(store.focus).toBe(0);
    await store.key('PageDown');
    expect(store.focus).toBe(19);
  });

  it('collapses with ← and goes to the parent with a second ←, expands with →', async () => {
    const { store } = await opened(21);
    store.focusRow(1);
    await store.key('ArrowLeft');
    expect(store.collapsed.has('0000000000000001')).toBe(true);
    await store.key('ArrowLeft');
    expect(store.focus).toBe(0);
    store.focusRow(1);
    await store.key('ArrowRight');
    expect(store.collapsed.size).toBe(0);
    expect(await store.key('Enter')).toEqual({ handled: true, select: '0000000000000001' });
  });

  it('collapses to a depth through the engine and keeps the focused span', async () => {
    const { store } = await opened(21);
    await store.collapseTo(1);
    expect(store.totalRows).toBe(5);
    await store.collapseTo(Infinity);
    expect(store.totalRows).toBe(21);
  });

  it('finds over the whole trace and jumps to a hidden match, expanding its ancestors', async () => {
    const { store } = await opened(21);
    await store.collapseTo(0);
    expect(store.totalRows).toBe(1);
    store.find = 'op-17';
    await store.search();
    expect(store.found?.matches).toEqual([{ spanId: (17).toString(16).padStart(16, '0'), row: null }]);
    await store.jumpToMatch(1);
    expect(store.collapsed.size).toBe(0);
    expect(store.rowAt(store.focus)?.name).toBe('op-17');
    expect(store.matchIds.has((17).toString(16).padStart(16, '0'))).toBe(true);
  });

  it('steps through the matches forward and back, wrapping', async () => {
    const { store } = await opened(21);
    store.find = 'op-1';
    await store.search();
    const rows = store.found!.matches.map((match) => match.row);
    expect(rows.length).toBeGreaterThan(2);
    await store.jumpToMatch(1);
    expect(store.focus).toBe(rows[0]);
    await store.jumpToMatch(1);
    expect(store.focus).toBe(rows[1]);
    await store.jumpToMatch(-1);
    await store.jumpToMatch(-1);
    expect(store.focus).toBe(rows.at(-1));
  });

  it('loads the selected span’s details', async () => {
    const { store } = await opened(21);
    await store.select('0000000000000003');
    expect(store.detail?.name).toBe('op-3');
    await store.select(null);
    expect(store.detail).toBe(null);
  });

  it('keeps the focused row in view when the viewport shrinks', async () => {
    const { store } = await opened();
    store.focusRow(100);
    const height = store.viewportPx;
    store.setViewport(store.top, height - 5 * BIG_ROW_HEIGHT);
    expect(store.focus * BIG_ROW_HEIGHT + BIG_ROW_HEIGHT).toBeLessThanOrEqual(store.top + store.viewportPx);
    // A focus scrolled away from is not brought back by a resize.
    store.setViewport(0, store.viewportPx);
    store.setViewport(0, store.viewportPx - BIG_ROW_HEIGHT);
    expect(store.top).toBe(0);
  });
});
